'use strict';
// A store page in jsdom with the browser APIs jsdom lacks (Notification, service workers, the
// Push API, fetch, Cache Storage) replaced by small recording fakes, and a manual clock. The
// real src/pushcart.js runs in it exactly as a browser runs a script tag.
const fs = require('node:fs');
const path = require('node:path');
const { JSDOM } = require('jsdom');

const SOURCE = fs.readFileSync(path.join(__dirname, '../../src/pushcart.js'), 'utf8');
const SITE_KEY = 'BKxZusUxME6_cRsObxzhuTS3uL9-V_7J7OQQ4iSIXgO2nmThebMr52ygmTNYIvDFcfjWL4FC2BHEz3uaI6iN_rQ';
const OTHER_KEY = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
const P256DH = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';
const AUTH = 'tBHItJI5svbpez7KI4CCXg';

function b64urlToBytes(s) {
  return new Uint8Array(Buffer.from(s, 'base64url'));
}

/** A manual clock: setTimeout callbacks run only when the test advances time. */
class Clock {
  constructor() {
    this.now = 0;
    this.timers = [];
  }
  setTimeout(fn, ms) {
    const t = { at: this.now + (ms || 0), fn };
    this.timers.push(t);
    return t;
  }
  clearTimeout(t) {
    this.timers = this.timers.filter((x) => x !== t);
  }
  tick(ms) {
    this.now += ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= this.now).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
  }
}

class FakeSubscription {
  constructor(push, endpoint, key) {
    this.push = push;
    this.endpoint = endpoint;
    this.options = { applicationServerKey: key ? b64urlToBytes(key).buffer : null, userVisibleOnly: true };
    this.unsubscribed = false;
  }
  toJSON() {
    return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: P256DH, auth: AUTH } };
  }
  unsubscribe() {
    this.unsubscribed = true;
    if (this.push.sub === this) this.push.sub = null;
    return Promise.resolve(true);
  }
}

let endpoints = 0; // unique across pages, as a push service's endpoints are

class FakePushManager {
  constructor() {
    this.sub = null;
    this.subscribeCalls = [];
    this.hang = false;
    this.count = 0;
  }
  getSubscription() {
    return Promise.resolve(this.sub);
  }
  subscribe(options) {
    this.subscribeCalls.push(options);
    if (this.hang) return new Promise(() => {});
    const key = Buffer.from(options.applicationServerKey).toString('base64url');
    this.sub = new FakeSubscription(this, `https://push.test/ep/${++endpoints}`, key);
    return Promise.resolve(this.sub);
  }
  /** A subscription the browser kept from an earlier visit. */
  existing(endpoint, key) {
    this.sub = new FakeSubscription(this, endpoint, key);
    return this.sub;
  }
}

/**
 * The Pushcart server as the page sees it: records every request, answers like the real one.
 * `refuse(body)` may name a field to refuse the request for (400 invalid_field), as its validation does,
 * or return a whole refusal `{status, code, field}` (a 403 for a signature, say).
 */
function fakeServer(calls, opts) {
  return async (url, init = {}) => {
    const method = init.method || 'GET';
    const body = init.body ? JSON.parse(init.body) : undefined;
    calls.push({ method, url, body, headers: init.headers || {} });
    const u = new URL(url);
    let status = 200;
    let json = null;
    const refused = opts.refuse && body && opts.refuse(body);
    if (refused && typeof refused === 'object') {
      status = refused.status;
      json = { error: { code: refused.code, field: refused.field, message: `${refused.field} refused (${refused.code})` } };
    } else if (refused) {
      status = 400;
      json = { error: { code: 'invalid_field', field: refused, message: `${refused} is not valid` } };
    } else if (method === 'GET' && u.pathname.endsWith('/public')) json = { id: 'SITE', name: 'Shop', vapidPublicKey: opts.siteKey };
    else if (method === 'POST' && u.pathname.endsWith('/subscriptions')) {
      json = { id: 'id-' + Buffer.from(body.endpoint).toString('base64url').slice(-12) };
      status = 201;
    } else if (method === 'PATCH') json = { id: u.pathname.split('/').pop() };
    else if (method === 'DELETE') status = 204;
    else if (method === 'POST' && u.pathname.endsWith('/events')) status = 202;
    else status = 404;
    const text = json ? JSON.stringify(json) : '';
    return { ok: status < 400, status, text: () => Promise.resolve(text), json: () => Promise.resolve(json) };
  };
}

/**
 * Opens the store page and runs the snippet. `storage` carries localStorage from an earlier
 * page view (a reload), `session` the sessionStorage; `queue` is what the page pushed before
 * the script loaded; `supported: false` leaves the push APIs out (an old browser); `timeZone`
 * is the IANA name the browser reports.
 */
function openPage(options = {}) {
  const o = {
    supported: true,
    permission: 'default',
    answer: 'granted',
    siteKey: SITE_KEY,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
    language: 'en-US',
    dataset: 'data-site="SITE" data-delay="5"',
    ...options
  };
  const html = `<!doctype html><html><head></head><body><input id="search"><button id="other">x</button>
    <script ${o.dataset} src="https://push.test/sdk/pushcart.js" async></script></body></html>`;
  const dom = new JSDOM(html, { url: 'https://shop.test/products/1', runScripts: 'outside-only', pretendToBeVisual: true });
  const w = dom.window;
  const clock = new Clock();
  const calls = [];
  const events = [];
  const push = new FakePushManager();
  const permissionCalls = [];
  const registration = { active: { state: 'activated' }, installing: null, waiting: null, pushManager: push, scope: 'https://shop.test/' };
  const registerCalls = [];
  const cache = new Map();

  for (const [k, v] of Object.entries(o.storage || {})) w.localStorage.setItem(k, v);
  for (const [k, v] of Object.entries(o.session || {})) w.sessionStorage.setItem(k, v);
  w.setTimeout = (fn, ms) => clock.setTimeout(fn, ms);
  w.clearTimeout = (t) => clock.clearTimeout(t);
  Object.defineProperty(w.navigator, 'userAgent', { value: o.userAgent, configurable: true });
  Object.defineProperty(w.navigator, 'language', { value: o.language, configurable: true });
  if (o.timeZone) {
    const real = w.Intl;
    w.Intl = Object.assign(Object.create(real), { DateTimeFormat: () => ({ resolvedOptions: () => ({ timeZone: o.timeZone }) }) });
  }
  if (o.maxTouchPoints) Object.defineProperty(w.navigator, 'maxTouchPoints', { value: o.maxTouchPoints, configurable: true });
  if (o.supported) {
    const Notification = function Notification() {};
    Notification.permission = o.permission;
    Notification.requestPermission = () => {
      permissionCalls.push({ inClick: !!w.__inClick, active: w.document.activeElement });
      Notification.permission = o.answer;
      return Promise.resolve(o.answer);
    };
    w.Notification = Notification;
    w.PushManager = function PushManager() {};
    Object.defineProperty(w.navigator, 'serviceWorker', {
      configurable: true,
      value: {
        register(url, opts) {
          registerCalls.push({ url, opts });
          return Promise.resolve(registration);
        },
        getRegistration() {
          return Promise.resolve(registration);
        },
        ready: Promise.resolve(registration)
      }
    });
    w.fetch = fakeServer(calls, o);
    w.Response = globalThis.Response;
    w.caches = {
      open: () => Promise.resolve({
        put: async (url, res) => cache.set(url, JSON.parse(await res.text())),
        match: async (url) => (cache.has(url) ? { json: async () => cache.get(url) } : undefined)
      })
    };
  }
  for (const name of ['prompt', 'accept', 'decline', 'subscribed', 'unsubscribed', 'error']) {
    w.addEventListener('pushcart:' + name, (e) => events.push({ name, detail: e.detail }));
  }
  if (o.queue) {
    w.pushcart = o.queue;
  }
  if (o.before) o.before(w);
  w.eval(SOURCE);

  const page = {
    window: w,
    document: w.document,
    clock,
    calls,
    events,
    push,
    registration,
    registerCalls,
    permissionCalls,
    cache,
    get api() {
      return w.pushcart;
    },
    dialog: () => w.document.querySelector('.pushcart-prompt'),
    button: (which) => w.document.querySelector(`.pushcart-prompt [data-pushcart="${which}"]`),
    /** A click as a user makes it: requestPermission must be called while this runs. */
    click(el) {
      w.__inClick = true;
      try {
        el.click();
      } finally {
        w.__inClick = false;
      }
    },
    key(key, target, modifiers = {}) {
      (target || w.document.activeElement || w.document.body).dispatchEvent(new w.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...modifiers }));
    },
    /** Resolves with the next pushcart:NAME event's detail. */
    next(name) {
      return new Promise((resolve) => w.addEventListener('pushcart:' + name, (e) => resolve(e.detail), { once: true }));
    },
    /** Waits until the snippet's serial queue of server calls is idle. */
    settle() {
      return w.pushcart.state();
    },
    storage() {
      const out = {};
      for (let i = 0; i < w.localStorage.length; i++) out[w.localStorage.key(i)] = w.localStorage.getItem(w.localStorage.key(i));
      return out;
    },
    session() {
      const out = {};
      for (let i = 0; i < w.sessionStorage.length; i++) out[w.sessionStorage.key(i)] = w.sessionStorage.getItem(w.sessionStorage.key(i));
      return out;
    },
    state() {
      return JSON.parse(w.localStorage.getItem('pushcart') || '{}');
    },
    close() {
      w.close();
    }
  };
  return page;
}

module.exports = { openPage, SITE_KEY, OTHER_KEY, P256DH, AUTH, SOURCE };
