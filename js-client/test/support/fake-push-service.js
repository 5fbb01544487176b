'use strict';
// A push service that accepts every message (201) and keeps it: the stand-in endpoint for a
// browser that cannot subscribe here (Chromium). Allowed by the server via PUSHCART_PUSH_HOSTS.
const http = require('node:http');
const { freePort } = require('./servers');

async function startFakePushService() {
  const port = await freePort();
  const messages = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const message = { path: req.url, headers: req.headers, body: Buffer.concat(chunks) };
      messages.push(message);
      res.writeHead(201, { Location: `/msg/${messages.length}` }).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${port}`,
    endpoint: (name) => `http://127.0.0.1:${port}/push/${name}`,
    messages,
    /** Resolves with the `index`-th message (from 0) to `name`, already received or to come. */
    async message(name, timeoutMs = 20000, index = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = messages.filter((x) => x.path === `/push/${name}`)[index];
        if (m) return m;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no push message for ${name} within ${timeoutMs} ms`);
        await new Promise((r) => {
          const t = setTimeout(r, left);
          waiters.push(() => { clearTimeout(t); r(); });
        });
      }
    },
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); })
  };
}

module.exports = { startFakePushService };
