/*! Pushcart web push snippet 1.0.0 | docs/js-snippet.md */
// Written in ES5 syntax on purpose: an old browser must parse this file and then do nothing
// (a test parses it as ES5). Promises, fetch and the push APIs are touched only after
// feature detection. Every public function is listed in api.json, which a test pins.
(function (window) {
  'use strict';

  var VERSION = '1.0.0';
  var STORE_KEY = 'pushcart';
  var SYNC_KEY = 'pushcart:synced';
  // The worker reads the server, site and subscription from here (pushcart-sw.js CONFIG_URL).
  var WORKER_CONFIG = '/__pushcart/config';
  // What a page may report (orders come from the store's backend, with its secret key).
  var EVENT_TYPES = ['cart.updated', 'checkout.started', 'product.viewed'];
  var DAY = 864e5;

  var DEFAULTS = {
    site: '',
    server: '',
    worker: '/pushcart-worker.js',
    scope: '/',
    registerWorker: true,
    prompt: 'soft', // 'soft' | 'native' | 'none'
    trigger: { delay: 5, pageViews: 1, scroll: 0 }, // false: only pushcart.prompt() shows it
    declineDays: 30,
    subscribeTimeout: 15000,
    lang: '',
    position: 'bottom', // 'top' | 'bottom' | 'center'
    colors: { background: '#fff', text: '#222', accent: '#0b5fff', accentText: '#fff' },
    text: {},
    texts: {},
    tags: [],
    attributes: {}
  };

  // Built-in texts; a store adds languages with `texts` and overrides words with `text`.
  var TEXTS = {
    en: {
      title: 'Get deals and cart reminders?',
      body: 'We will send you a notification for sales and for items left in your cart. You can turn it off at any time.',
      accept: 'Allow notifications', decline: 'Not now',
      iosTitle: 'Get notifications on your iPhone',
      iosBody: 'Tap the Share button, then \u201cAdd to Home Screen\u201d. Open the store from your Home Screen to turn on notifications.',
      iosOk: 'Got it'
    },
    de: {
      title: 'Angebote und Warenkorb-Erinnerungen erhalten?',
      body: 'Wir benachrichtigen Sie \u00fcber Aktionen und vergessene Artikel im Warenkorb. Sie k\u00f6nnen das jederzeit abschalten.',
      accept: 'Benachrichtigungen erlauben', decline: 'Jetzt nicht',
      iosTitle: 'Benachrichtigungen auf dem iPhone',
      iosBody: 'Tippen Sie auf \u201eTeilen\u201c und dann auf \u201eZum Home-Bildschirm\u201c. \u00d6ffnen Sie den Shop vom Home-Bildschirm, um Benachrichtigungen einzuschalten.',
      iosOk: 'Verstanden'
    },
    fr: {
      title: 'Recevoir les offres et rappels de panier\u00a0?',
      body: 'Nous vous pr\u00e9venons des soldes et des articles laiss\u00e9s dans votre panier. Vous pouvez arr\u00eater \u00e0 tout moment.',
      accept: 'Autoriser les notifications', decline: 'Plus tard',
      iosTitle: 'Recevoir des notifications sur iPhone',
      iosBody: 'Touchez Partager puis \u00ab\u00a0Sur l\u2019\u00e9cran d\u2019accueil\u00a0\u00bb. Ouvrez la boutique depuis l\u2019\u00e9cran d\u2019accueil pour activer les notifications.',
      iosOk: 'Compris'
    },
    es: {
      title: '\u00bfRecibir ofertas y recordatorios del carrito?',
      body: 'Te avisaremos de rebajas y de art\u00edculos que dejaste en el carrito. Puedes desactivarlo cuando quieras.',
      accept: 'Permitir notificaciones', decline: 'Ahora no',
      iosTitle: 'Recibe notificaciones en tu iPhone',
      iosBody: 'Toca Compartir y luego \u201cA\u00f1adir a pantalla de inicio\u201d. Abre la tienda desde la pantalla de inicio para activar las notificaciones.',
      iosOk: 'Entendido'
    }
  };

  // ---- Pure helpers (unit-tested through module.exports below) ----

  function merge(base, over) {
    var out = {}, k;
    for (k in base) if (Object.prototype.hasOwnProperty.call(base, k)) out[k] = base[k];
    for (k in over) {
      if (!Object.prototype.hasOwnProperty.call(over, k) || over[k] === undefined) continue;
      var b = out[k], o = over[k];
      out[k] = b && o && typeof b === 'object' && typeof o === 'object' && !isArray(b) && !isArray(o) ? merge(b, o) : o;
    }
    return out;
  }

  function isArray(v) {
    return Object.prototype.toString.call(v) === '[object Array]';
  }

  function unique(list) {
    var out = [];
    for (var i = 0; i < list.length; i++) if (indexOf(out, list[i]) < 0) out.push(list[i]);
    return out;
  }

  function indexOf(list, v) {
    for (var i = 0; i < list.length; i++) if (list[i] === v) return i;
    return -1;
  }

  function without(list, remove) {
    var out = [];
    for (var i = 0; i < list.length; i++) if (indexOf(remove, list[i]) < 0) out.push(list[i]);
    return out;
  }

  /** Tags from arguments: strings or arrays of strings, trimmed, without blanks. */
  function tagList(args) {
    var out = [];
    for (var i = 0; i < args.length; i++) {
      var a = isArray(args[i]) ? args[i] : [args[i]];
      for (var j = 0; j < a.length; j++) if (typeof a[j] === 'string' && a[j].replace(/\s/g, '')) out.push(a[j].replace(/^\s+|\s+$/g, ''));
    }
    return unique(out);
  }

  /** Config from the script tag's data-* attributes; numbers where numbers are meant. */
  function configFromData(data) {
    var c = {}, t = {}, n;
    if (data.site) c.site = data.site;
    if (data.server) c.server = data.server.replace(/\/+$/, '');
    if (data.worker) c.worker = data.worker;
    if (data.scope) c.scope = data.scope;
    if (data.prompt) c.prompt = data.prompt;
    if (data.lang) c.lang = data.lang;
    if (data.position) c.position = data.position;
    if (data.registerWorker) c.registerWorker = data.registerWorker !== 'false';
    if (data.declineDays && !isNaN(n = +data.declineDays)) c.declineDays = n;
    if (data.delay && !isNaN(n = +data.delay)) t.delay = n;
    if (data.pageViews && !isNaN(n = +data.pageViews)) t.pageViews = n;
    if (data.scroll && !isNaN(n = +data.scroll)) t.scroll = n;
    if (data.trigger === 'manual' || data.trigger === 'false') c.trigger = false;
    else for (n in t) { c.trigger = t; break; }
    return c;
  }

  /** The texts for a language: built-in English, the closest built-in or store language, then overrides. */
  function textsFor(lang, extra, overrides) {
    var all = merge(TEXTS, extra || {});
    var tag = String(lang || 'en').toLowerCase();
    var picked = all[tag] || all[tag.split('-')[0]] || {};
    return merge(merge(TEXTS.en, picked), overrides || {});
  }

  /** How far down the page the shopper has seen, in percent (100 on a page that does not scroll). */
  function scrollDepth(scrollTop, viewport, height) {
    if (height <= viewport) return 100;
    return Math.min(100, Math.round((scrollTop + viewport) / height * 100));
  }

  /** Whether the shopper's decline still holds. */
  function declineActive(declinedAt, days, now) {
    return !!declinedAt && now - declinedAt < days * DAY;
  }

  /**
   * Whether the prompt may be shown now: the browser can push (or needs iOS guidance), the
   * shopper has not answered, has not declined recently, and is not subscribed.
   */
  function mayPrompt(env, state, cfg, now) {
    if (cfg.prompt === 'none' || state.s || state.u) return false;
    if (!env.supported && !env.iosGuidance) return false;
    if (env.supported && env.permission !== 'default') return false;
    return !declineActive(state.d, cfg.declineDays, now);
  }

  /**
   * iOS (iPad reports itself as a Mac with touch) in a browser tab, where only home-screen apps
   * can push (16.4+). Not in an app's built-in browser (Instagram, Facebook, Gmail...): it has
   * no "Add to Home Screen", and unlike Safari, Chrome, Edge and Firefox it sends no Safari/ token.
   */
  function iosGuidance(ua, maxTouchPoints, standalone) {
    var ios = /iPad|iPhone|iPod/.test(ua) || (/Macintosh/.test(ua) && maxTouchPoints > 1);
    if (!ios || standalone || !/ Safari\//.test(ua)) return false;
    var m = /OS (\d+)_(\d+)/.exec(ua) || /Version\/(\d+)\.(\d+)/.exec(ua);
    return !!m && (+m[1] > 16 || (+m[1] === 16 && +m[2] >= 4));
  }

  /** The browser and device attributes the server segments by. */
  function describeAgent(ua) {
    var browser = /Edg\//.test(ua) ? 'edge' : /OPR\/|Opera/.test(ua) ? 'opera' : /SamsungBrowser/.test(ua) ? 'samsung'
      : /Firefox\/|FxiOS/.test(ua) ? 'firefox' : /Chrome\/|Chromium|CriOS/.test(ua) ? 'chrome'
      : /Safari\//.test(ua) ? 'safari' : 'other';
    var device = /iPad|Tablet/.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua)) ? 'tablet'
      : /Mobi|iPhone|iPod|Android/.test(ua) ? 'mobile' : 'desktop';
    return { browser: browser, device: device };
  }

  function toBase64Url(bytes) {
    var s = '', b = new Uint8Array(bytes);
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function fromBase64Url(text) {
    var s = text.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  /** The VAPID key a subscription was made with (null where the browser does not say). */
  function subscriptionKey(sub) {
    var k = sub && sub.options && sub.options.applicationServerKey;
    return k ? toBase64Url(k) : null;
  }

  /** Whether an existing subscription must be replaced because the site's key changed. */
  function keyChanged(sub, record, siteKey) {
    var k = subscriptionKey(sub) || (record && record.e === sub.endpoint ? record.k : null);
    return !!k && k !== siteKey;
  }

  function withTimeout(promise, ms, what) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error(what + ' timed out after ' + ms + ' ms')); }, ms);
      promise.then(function (v) { clearTimeout(timer); resolve(v); }, function (e) { clearTimeout(timer); reject(e); });
    });
  }

  var helpers = {
    merge: merge, tagList: tagList, configFromData: configFromData, textsFor: textsFor, scrollDepth: scrollDepth,
    declineActive: declineActive, mayPrompt: mayPrompt, iosGuidance: iosGuidance, describeAgent: describeAgent,
    toBase64Url: toBase64Url, fromBase64Url: fromBase64Url, keyChanged: keyChanged, withTimeout: withTimeout,
    DEFAULTS: DEFAULTS, EVENT_TYPES: EVENT_TYPES, VERSION: VERSION
  };
  if (typeof window === 'undefined' || !window.document) {
    if (typeof module === 'object' && module.exports) module.exports = helpers;
    return;
  }

  // ---- The page ----

  var document = window.document;
  var navigator = window.navigator;
  var previous = window.pushcart;
  if (previous && previous.version) return; // loaded twice: the first copy stays in charge

  var supported = !!(navigator.serviceWorker && window.PushManager && window.Notification && window.fetch &&
    window.Promise && window.JSON && window.Uint8Array && window.isSecureContext !== false);
  var P = window.Promise;
  var cfg = merge(DEFAULTS, {});
  var state = load();
  // Before signed identify, customerId was an attribute the page set; the server now refuses it.
  if (state.a) delete state.a.customerId;
  var started = false;
  var chain = P ? P.resolve() : null; // server calls run one after another, in call order
  var siteKeyPromise = null;
  var dialog = null;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE_KEY)) || {}; } catch (e) { return {}; }
  }

  function save() {
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* storage off: memory only */ }
  }

  function emit(name, detail) {
    try { window.dispatchEvent(new window.CustomEvent('pushcart:' + name, { detail: detail })); } catch (e) { /* old browser */ }
  }

  function serial(task) {
    var run = chain.then(task);
    chain = run['catch'](function () {});
    return run;
  }

  function env() {
    var standalone = navigator.standalone === true ||
      !!(window.matchMedia && window.matchMedia('(display-mode: standalone)').matches);
    return {
      supported: supported,
      permission: supported ? window.Notification.permission : 'unsupported',
      iosGuidance: !supported && iosGuidance(navigator.userAgent || '', navigator.maxTouchPoints || 0, standalone)
    };
  }

  function request(method, path, body) {
    if (!cfg.site || !cfg.server) return P.reject(new Error('pushcart: set data-site (and data-server)'));
    var init = { method: method, mode: 'cors', credentials: 'omit' };
    if (body) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    return window.fetch(cfg.server + '/v1/sites/' + encodeURIComponent(cfg.site) + path, init).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
        if (!res.ok) {
          // The server's message says what to fix (its errors carry CORS headers, so it is readable here).
          var problem = json && json.error;
          var err = new Error('pushcart: ' + method + ' ' + path + ' answered ' + res.status + (problem && problem.message ? ': ' + problem.message : ''));
          err.status = res.status;
          err.body = json;
          throw err;
        }
        return json;
      });
    });
  }

  function siteKey() {
    if (!siteKeyPromise) {
      siteKeyPromise = request('GET', '/public').then(function (site) { return site.vapidPublicKey; });
      siteKeyPromise['catch'](function () { siteKeyPromise = null; });
    }
    return siteKeyPromise;
  }

  function registration() {
    var sw = navigator.serviceWorker;
    var reg = cfg.registerWorker
      ? sw.register(cfg.worker, { scope: cfg.scope, updateViaCache: 'none' })
      : sw.getRegistration(cfg.scope).then(function (r) { return r || sw.ready; });
    return withTimeout(reg.then(activated), cfg.subscribeTimeout, 'service worker activation');
  }

  // pushManager.subscribe() needs an active worker; a first registration is still installing.
  function activated(reg) {
    var w = reg.installing || reg.waiting;
    if (reg.active || !w) return reg;
    return new P(function (resolve) {
      w.addEventListener('statechange', function () { if (w.state === 'activated') resolve(reg); });
    });
  }

  function attributes() {
    var a = describeAgent(navigator.userAgent || '');
    a.locale = navigator.language || '';
    try { a.timezone = window.Intl.DateTimeFormat().resolvedOptions().timeZone || undefined; } catch (e) { /* old browser */ }
    a = merge(merge(a, cfg.attributes), state.a || {});
    delete a.customerId; // linked by identify only (the server refuses it as an attribute)
    return a;
  }

  /** Subscribes (or re-uses a subscription made with the site's current key) and registers it with the server. */
  function subscribeNow() {
    return siteKey().then(function (key) {
      return registration().then(function (reg) {
        return reg.pushManager.getSubscription().then(function (sub) { return ensure(reg, sub, key); });
      });
    });
  }

  // A subscription made with another VAPID key is orphaned (Apple: VapidPkHashMismatch): replace it.
  function ensure(reg, sub, key) {
    var fresh = sub && !keyChanged(sub, state.s, key) ? P.resolve(sub)
      : (sub ? sub.unsubscribe()['catch'](function () {}) : P.resolve()).then(function () {
        return withTimeout(reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(key) }),
          cfg.subscribeTimeout, 'pushManager.subscribe()');
      });
    return fresh.then(function (s) { return register(s, key); });
  }

  function register(sub, key) {
    var json = sub.toJSON();
    var previousId = state.s && state.s.id;
    // The key it was made with: the server signs its messages with that key's pair.
    var body = { endpoint: json.endpoint, keys: json.keys, applicationServerKey: subscriptionKey(sub) || key,
      tags: unique((cfg.tags || []).concat(state.t || [])), attributes: attributes() };
    return send('POST', '/subscriptions', body).then(function (res) {
      state.s = { id: res.id, e: json.endpoint, k: key };
      delete state.u;
      save();
      try { window.sessionStorage.setItem(SYNC_KEY, json.endpoint); } catch (e) { /* storage off */ }
      // The subscription this one replaces goes: the page's, and the worker's if it re-subscribed
      // since (pushsubscriptionchange), which the page's record does not know. Read before the
      // worker's config is rewritten below.
      var replaced = workerSubscriptionId().then(function (workerId) {
        var stale = [], deletions = [];
        if (previousId && previousId !== res.id) stale.push(previousId);
        if (workerId && workerId !== res.id && indexOf(stale, workerId) < 0) stale.push(workerId);
        for (var i = 0; i < stale.length; i++) deletions.push(request('DELETE', '/subscriptions/' + stale[i])['catch'](function () {}));
        return P.all(deletions);
      });
      // A new subscription is not linked yet: link it to the shopper identified earlier (after the
      // worker's config is written: link() adds to it). A refused signature (a rotated secret in a
      // cached page) costs the link, never the registration.
      var configured = replaced.then(function () { return writeWorkerConfig(key, body); }).then(function () {
        return state.i ? link()['catch'](report) : null;
      });
      return P.all([replaced, configured]).then(function () {
        emit('subscribed', { id: res.id });
        return res.id;
      });
    });
  }

  // The worker has no page to ask: it reads where to send receipts, and what to re-register
  // after pushsubscriptionchange, from the origin's Cache Storage.
  function writeWorkerConfig(key, body) {
    return putWorkerConfig({ v: VERSION, server: cfg.server, site: cfg.site, key: key, id: state.s && state.s.id,
      tags: body.tags, attributes: body.attributes, identity: identity() });
  }

  function putWorkerConfig(config) {
    if (!window.caches) return null;
    return window.caches.open('pushcart').then(function (cache) {
      return cache.put(WORKER_CONFIG, new window.Response(JSON.stringify(config), { headers: { 'Content-Type': 'application/json' } }));
    })['catch'](function () {});
  }

  /** Links this browser's subscription to the identified customer; the worker learns it for its re-registrations. */
  function link() {
    var linking = identity();
    return patch(linking).then(function (sent) {
      if (!sent) return false;
      state.s.c = linking.customerId;
      save();
      return workerConfig().then(function (config) {
        if (config) {
          config.identity = linking;
          return putWorkerConfig(config);
        }
      }).then(function () { return true; });
    });
  }

  /** The body that links a customer, from what identify kept: {customerId, signature}, or null. */
  function identity() {
    return state.i ? { customerId: state.i.c, signature: state.i.g } : null;
  }

  /** Once per tab (sessionStorage): keep the server's copy of this browser's subscription current. */
  function resync() {
    var permission = window.Notification.permission;
    if (permission === 'denied' && state.s) return forget();
    if (permission !== 'granted' || state.u) return P.resolve(null);
    return siteKey().then(function (key) {
      return registration().then(function (reg) {
        return reg.pushManager.getSubscription().then(function (sub) {
          var synced = null;
          try { synced = window.sessionStorage.getItem(SYNC_KEY); } catch (e) { /* storage off */ }
          if (sub && !keyChanged(sub, state.s, key) && state.s && state.s.e === sub.endpoint && synced === sub.endpoint) {
            return state.s.id;
          }
          return ensure(reg, sub, key);
        });
      });
    });
  }

  // Deletes this browser's subscription on the server. The worker may have replaced it since
  // this page synced (pushsubscriptionchange): the id it registered last is deleted too.
  function forget() {
    var ids = state.s ? [state.s.id] : [];
    state.s = null;
    save();
    return workerSubscriptionId().then(function (id) {
      if (id && indexOf(ids, id) < 0) ids.push(id);
      var deletions = [];
      for (var i = 0; i < ids.length; i++) deletions.push(request('DELETE', '/subscriptions/' + ids[i])['catch'](function () {}));
      return P.all(deletions);
    }).then(function () { return null; });
  }

  function workerSubscriptionId() {
    return workerConfig().then(function (config) { return config && config.id; });
  }

  function workerConfig() {
    if (!window.caches) return P.resolve(null);
    return window.caches.open('pushcart').then(function (cache) { return cache.match(WORKER_CONFIG); })
      .then(function (res) { return res ? res.json() : null; })['catch'](function () { return null; });
  }

  function patch(body) {
    if (!state.s) return P.resolve(false);
    return send('PATCH', '/subscriptions/' + state.s.id, body).then(function () { return true; });
  }

  // The server takes only zones its own tz database knows; a browser may name one it does not
  // (a brand-new zone, "Etc/Unknown", a privacy mode's invention). No shopper is refused for that:
  // the call is sent once more without the timezone. One the page set itself is also reported,
  // and forgotten, so a stored bad value does not fail every later registration.
  function send(method, path, body) {
    return request(method, path, body)['catch'](function (err) {
      var a = body.attributes, e = err.body && err.body.error;
      if (err.status !== 400 || !e || e.field !== 'attributes.timezone' || !a || a.timezone === undefined) throw err;
      if (merge(cfg.attributes, state.a || {}).timezone !== undefined) {
        emit('error', { message: 'pushcart: timezone "' + a.timezone + '" refused, sent without it: ' + e.message });
        if (state.a) delete state.a.timezone;
        save();
      }
      body.attributes = a = merge(a, {});
      delete a.timezone;
      return request(method, path, body);
    });
  }

  function fail(err) {
    report(err);
    throw err;
  }

  function report(err) {
    emit('error', { message: String(err && err.message || err) });
  }

  // ---- The soft prompt ----

  function showPrompt(force) {
    var e = env();
    if (!force && !mayPrompt(e, state, cfg, +new Date())) return false;
    if (dialog || (!e.supported && !e.iosGuidance) || (e.supported && e.permission !== 'default')) return false;
    if (cfg.prompt === 'native' && e.supported) {
      askPermission();
      return true;
    }
    buildDialog(e.iosGuidance);
    emit('prompt', { ios: e.iosGuidance });
    return true;
  }

  // Called directly inside the click: Safari and Firefox ignore a permission request made later.
  function askPermission() {
    return new P(function (resolve) {
      var r = window.Notification.requestPermission(resolve);
      if (r && r.then) r.then(resolve, function () { resolve(window.Notification.permission); });
    }).then(function (answer) {
      if (answer === 'granted') {
        emit('accept', {});
        return serial(subscribeNow)['catch'](fail);
      }
      decline();
      return null;
    });
  }

  function decline() {
    state.d = +new Date();
    save();
    emit('decline', {});
  }

  function el(tag, css, text) {
    var node = document.createElement(tag);
    if (css) node.style.cssText = css;
    if (text) node.textContent = text;
    return node;
  }

  function buildDialog(ios) {
    var t = textsFor(cfg.lang || navigator.language, cfg.texts, cfg.text);
    var c = cfg.colors;
    var where = cfg.position === 'top' ? 'top:16px;' : cfg.position === 'center' ? 'top:50%;transform:translate(-50%,-50%);' : 'bottom:16px;';
    var box = el('div', 'position:fixed;z-index:2147483000;left:50%;' + (cfg.position === 'center' ? '' : 'transform:translateX(-50%);') + where +
      'width:calc(100% - 32px);max-width:420px;box-sizing:border-box;padding:16px;border-radius:8px;box-shadow:0 4px 24px rgba(0,0,0,.25);' +
      'font-size:15px;line-height:1.4;font-family:system-ui,sans-serif;background-color:' + c.background + ';color:' + c.text);
    box.className = 'pushcart-prompt';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', 'false');
    box.setAttribute('aria-labelledby', 'pushcart-title');
    box.setAttribute('aria-describedby', 'pushcart-body');
    var title = el('h2', 'margin:0 0 6px;font-size:17px', ios ? t.iosTitle : t.title);
    title.id = 'pushcart-title';
    var body = el('p', 'margin:0 0 12px', ios ? t.iosBody : t.body);
    body.id = 'pushcart-body';
    var row = el('div', 'display:flex;gap:8px;justify-content:flex-end;flex-wrap:wrap');
    var btn = 'min-height:44px;padding:8px 16px;border-radius:6px;font:inherit;cursor:pointer;border:1px solid ' + c.accent + ';';
    var no = el('button', btn + 'background-color:transparent;color:' + c.text, ios ? '' : t.decline);
    var yes = el('button', btn + 'background-color:' + c.accent + ';color:' + c.accentText, ios ? t.iosOk : t.accept);
    no.type = yes.type = 'button';
    no.setAttribute('data-pushcart', 'decline');
    yes.setAttribute('data-pushcart', ios ? 'ok' : 'accept');
    if (!ios) row.appendChild(no);
    row.appendChild(yes);
    box.appendChild(title);
    box.appendChild(body);
    box.appendChild(row);

    var before = document.activeElement;
    var typing = before && (/^(INPUT|TEXTAREA|SELECT)$/.test(before.tagName) || before.isContentEditable);
    function close() {
      document.removeEventListener('keydown', onKey, true);
      if (box.parentNode) box.parentNode.removeChild(box);
      dialog = null;
      if (box.contains(document.activeElement) || document.activeElement === document.body) {
        if (before && before.focus && document.documentElement.contains(before)) before.focus();
      }
    }
    // Keys are the dialog's only while focus is in it (or nowhere): Escape in the store's own
    // search field belongs to that field. Tab and Shift+Tab cycle between the buttons.
    function onKey(ev) {
      var active = document.activeElement;
      if (active && active !== document.body && !box.contains(active)) return;
      if (ev.key === 'Escape' || ev.key === 'Esc') {
        ev.preventDefault();
        close();
        decline();
      } else if (ev.key === 'Tab' && !ios) {
        ev.preventDefault();
        (active === no ? yes : no).focus();
      }
    }
    no.addEventListener('click', function () { close(); decline(); });
    yes.addEventListener('click', function () {
      close();
      if (ios) decline(); // guidance read: do not show it again for declineDays
      else askPermission();
    });
    document.addEventListener('keydown', onKey, true);
    document.body.appendChild(box);
    dialog = box;
    // Keyboard and screen-reader users land on the question; someone typing in a field is not interrupted.
    if (!typing) yes.focus();
  }

  function armTriggers() {
    var t = cfg.trigger;
    if (!t || !mayPrompt(env(), state, cfg, +new Date())) return;
    if ((state.v || 0) < (t.pageViews || 1)) return;
    var pending = 0;
    function met() { if (--pending <= 0) showPrompt(false); }
    if (t.delay > 0) {
      pending++;
      setTimeout(met, t.delay * 1000);
    }
    if (t.scroll > 0) {
      pending++;
      var onScroll = function () {
        var root = document.documentElement;
        var depth = scrollDepth(window.pageYOffset || root.scrollTop || 0, window.innerHeight || root.clientHeight, root.scrollHeight);
        if (depth < t.scroll) return;
        window.removeEventListener('scroll', onScroll);
        met();
      };
      window.addEventListener('scroll', onScroll, { passive: true });
      onScroll();
    }
    if (!pending) showPrompt(false);
  }

  // ---- The public API (one table; api.json pins the names) ----

  var commands = {
    /** Configuration: merged over the script tag's data-* attributes. */
    init: function (options) {
      configure(options || {});
      return done(true);
    },
    tag: function () {
      var add = tagList(arguments);
      state.t = unique((state.t || []).concat(add));
      save();
      return later(function () { return patch({ tags: { add: add } }); });
    },
    untag: function () {
      var remove = tagList(arguments);
      state.t = without(state.t || [], remove);
      save();
      return later(function () { return patch({ tags: { remove: remove } }); });
    },
    attributes: function (values) {
      if (values && values.customerId !== undefined) return refuse('pushcart: customerId is not an attribute: use identify(customerId, signature)');
      state.a = merge(state.a || {}, values || {});
      save();
      return later(function () { return patch({ attributes: values || {} }); });
    },
    /**
     * Links the subscription to the store's customer. `signature` is the hex HMAC-SHA256 of the
     * customer id under the site's identitySecret, made by the store's backend (docs/js-snippet.md).
     * Kept in the browser, so a subscription made later is linked too.
     */
    identify: function (customerId, signature) {
      if (customerId === undefined || customerId === null || customerId === '' || !signature) {
        return refuse('pushcart: identify(customerId, signature) needs both; the signature comes from your backend (docs/js-snippet.md)');
      }
      state.i = { c: String(customerId), g: String(signature) };
      save();
      return later(function () {
        // Already linked (an earlier page view): nothing to send.
        if (state.s && state.s.c === state.i.c) return true;
        return link();
      });
    },
    /**
     * Reports a commerce event for this subscriber. `occurredAt` is when it was called, so an
     * event queued before the subscription was ready keeps its place among the others.
     */
    track: function (type, data) {
      if (indexOf(EVENT_TYPES, type) < 0) return refuse('pushcart: a page reports ' + EVENT_TYPES.join(', ') + '; not ' + type);
      var at = new Date().toISOString();
      return later(function () {
        if (!state.s) return false;
        return request('POST', '/events', { subscriptionId: state.s.id, type: type, occurredAt: at, data: data || {} })
          .then(function () { return true; });
      });
    },
    /** {cartId, items: [{productId, variantId, name, quantity, price, imageUrl, url}], total, currency, checkoutUrl} */
    cart: function (data) { return commands.track('cart.updated', data); },
    checkout: function (data) { return commands.track('checkout.started', data); },
    /** {productId, variantId, name, price, currency, inStock, imageUrl, url} */
    viewProduct: function (data) { return commands.track('product.viewed', data); },
    prompt: function (options) {
      return done(showPrompt(!!(options && options.force)));
    },
    subscribe: function () {
      if (!supported) return done(null);
      if (window.Notification.permission === 'granted') return serial(subscribeNow)['catch'](fail);
      return askPermission();
    },
    unsubscribe: function () {
      return later(function () {
        state.u = 1;
        save();
        return registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (sub) {
          return sub && sub.unsubscribe();
        })['catch'](function () {}).then(forget).then(function () {
          emit('unsubscribed', {});
          return true;
        });
      });
    },
    state: function () {
      return supported ? serial(snapshot) : done(snapshot());
    }
  };

  function snapshot() {
    var e = env();
    return {
      version: VERSION,
      supported: e.supported,
      permission: e.permission,
      iosGuidance: e.iosGuidance,
      subscribed: !!state.s,
      subscriptionId: state.s ? state.s.id : null,
      tags: (state.t || []).slice(),
      attributes: merge({}, state.a || {}),
      customerId: state.i ? state.i.c : null,
      declinedUntil: state.d ? new Date(state.d + cfg.declineDays * DAY).toISOString() : null
    };
  }

  // A trigger given replaces the default one whole: {scroll: 50} means "on scroll", not "after 5 s and on scroll".
  function configure(over) {
    cfg = merge(cfg, over);
    if (over.trigger !== undefined) cfg.trigger = over.trigger;
  }

  function done(value) {
    return P ? P.resolve(value) : undefined;
  }

  function refuse(message) {
    return P ? P.reject(new Error(message)) : undefined;
  }

  // Server calls wait for the visit's re-sync, so a tag set early lands on the right subscription.
  function later(task) {
    if (!supported) return done(false);
    return serial(task)['catch'](fail);
  }

  function run(command) {
    try {
      if (typeof command === 'function') return command(api);
      var name = command && command[0];
      if (!Object.prototype.hasOwnProperty.call(commands, name)) throw new Error('pushcart: unknown command ' + name);
      return commands[name].apply(null, Array.prototype.slice.call(command, 1));
    } catch (e) {
      if (window.console) window.console.error(e);
      return P ? P.reject(e) : undefined;
    }
  }

  var api = { version: VERSION, push: run };
  for (var name in commands) if (Object.prototype.hasOwnProperty.call(commands, name)) api[name] = commands[name];

  function start() {
    if (started) return;
    started = true;
    state.v = (state.v || 0) + 1;
    save();
    if (supported) serial(resync)['catch'](function (err) { emit('error', { message: String(err && err.message || err) }); });
    armTriggers();
  }

  // Configuration: the script tag's data-* attributes, then queued init calls, then the rest of the queue in order.
  var script = document.currentScript || document.querySelector('script[data-site][src*="pushcart"]');
  var fromTag = script ? configFromData(script.dataset || {}) : {};
  if (script && !fromTag.server && script.src) fromTag.server = script.src.replace(/^(https?:\/\/[^/]+).*$/, '$1');
  configure(fromTag);
  var queue = previous && previous.length ? Array.prototype.slice.call(previous) : [];
  var rest = [];
  for (var i = 0; i < queue.length; i++) {
    if (queue[i] && queue[i][0] === 'init') run(queue[i]);
    else rest.push(queue[i]);
  }
  window.pushcart = api;
  start();
  for (var j = 0; j < rest.length; j++) run(rest[j]);
})(typeof window !== 'undefined' ? window : undefined);
