'use strict';
// The real Pushcart server (the jar the Maven reactor built), a store's web server on its own
// origin, and small helpers. Every port is chosen at run time; every wait has a deadline.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const JAR = process.env.PUSHCART_JAR || path.resolve(__dirname, '../../../server/target/pushcart.jar');
const ADMIN = 'js-client-test-admin-token';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
async function until(what, probe, timeoutMs = 20000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function json(res) {
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** Starts the server jar with an embedded Redis in a fresh data dir. `pushHosts`: extra push-service hosts. */
async function startPushcart({ pushHosts = [] } = {}) {
  if (!fs.existsSync(JAR)) throw new Error(`${JAR} is missing: build the server first (mvn -pl server package)`);
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushcart-js-'));
  const logFile = path.join(dataDir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn('java', ['-jar', JAR], {
    env: {
      ...process.env,
      PUSHCART_PORT: String(port),
      PUSHCART_HOST: '127.0.0.1',
      PUSHCART_DATA_DIR: dataDir,
      PUSHCART_ADMIN_TOKEN: ADMIN,
      PUSHCART_PUSH_HOSTS: pushHosts.join(',')
    },
    stdio: ['ignore', log, log]
  });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}`;
  try {
    await until('the Pushcart server to answer /health', async () => {
      if (exited) throw new Error(`server exited ${JSON.stringify(exited)}: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
      const res = await fetch(`${url}/health`);
      return res.status === 200;
    }, 60000, 200);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }

  async function call(method, pathname, token, body) {
    const res = await fetch(url + pathname, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined
    });
    const out = await json(res);
    if (!res.ok) throw new Error(`${method} ${pathname} answered ${res.status}: ${JSON.stringify(out)}`);
    return out;
  }

  return {
    url,
    port,
    dataDir,
    logFile,
    async createSite(origins) {
      return call('POST', '/v1/sites', ADMIN, { name: 'Test store', origins, vapidSubject: 'mailto:ops@shop.example' });
    },
    async subscribe(site, body) {
      return call('POST', `/v1/sites/${site.id}/subscriptions`, null, body);
    },
    async subscription(site, id) {
      return call('GET', `/v1/sites/${site.id}/subscriptions/${id}`, site.secretKey);
    },
    /** A new VAPID key pair for the site; its public key. */
    async rotateVapidKeys(site) {
      return (await call('POST', `/v1/sites/${site.id}/vapid-keys`, site.secretKey)).vapidPublicKey;
    },
    async createCampaign(site, body) {
      return call('POST', `/v1/sites/${site.id}/campaigns`, site.secretKey, { kind: 'custom', audience: 'all', ttl: 600, ...body });
    },
    /** Any call of the site's API with its secret key: `path` is below /v1/sites/{site}. */
    async api(site, method, path, body) {
      return call(method, `/v1/sites/${site.id}${path}`, site.secretKey, body);
    },
    async campaign(site, id) {
      return call('GET', `/v1/sites/${site.id}/campaigns/${id}`, site.secretKey);
    },
    /** Waits until the campaign's stats satisfy `test`; returns them. */
    async statsUntil(site, id, what, test, timeoutMs = 30000) {
      return until(`campaign ${id} stats: ${what}`, async () => {
        const c = await this.campaign(site, id);
        return test(c.stats, c) ? c.stats : false;
      }, timeoutMs, 150);
    },
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      await gone;
      clearTimeout(timer);
      fs.closeSync(log);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

/**
 * The store's own web server on 127.0.0.1 (a potentially trustworthy origin, so service
 * workers and push work over http). Its pages load the snippet from the Pushcart server; its
 * one-line worker file imports ours.
 */
async function startStore({ pushcart, site = null, dataset = '', head = '' }) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // A test changes these between page loads: the site (created for this origin) and the snippet's attributes.
  const options = { site, dataset, head };
  const requests = [];
  const page = (title, extra = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<script>window.pushcart = window.pushcart || []; pushcart.push(['init', { subscribeTimeout: 3000 }]);</script>${options.head}
<script src="${pushcart.url}/sdk/pushcart.js" data-site="${options.site && options.site.id}" data-worker="/pushcart-worker.js" ${options.dataset} async></script>
</head><body><h1>${title}</h1><input id="search" aria-label="Search"><a href="/cart" id="cart-link">Cart</a>${extra}
<div style="height:3000px"></div></body></html>`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, origin);
    requests.push(url.pathname + url.search);
    if (url.pathname === '/pushcart-worker.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-cache' });
      res.end(`importScripts('${pushcart.url}/sdk/pushcart-sw.js');\n`);
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(404).end();
    } else {
      const title = url.pathname === '/' ? 'Test store' : `Store page ${url.pathname}`;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(page(title));
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    origin,
    requests,
    options,
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); })
  };
}

module.exports = { freePort, until, startPushcart, startStore, JAR };
