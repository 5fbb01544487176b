'use strict';
// A push service speaking Mozilla's autopush WebSocket protocol, enough for a real Firefox:
// hello / register / unregister / notification / ack / nack / ping, plus one plain-http
// endpoint per channel (allowed by the server through PUSHCART_PUSH_HOSTS). Firefox does the
// RFC 8291 decryption itself; this server only relays the encrypted body.
const crypto = require('node:crypto');
const http = require('node:http');
const { EventEmitter } = require('node:events');
const { WebSocketServer } = require('ws');
const { freePort } = require('./servers');

async function startAutopush() {
  // Two ports: the endpoints must not share a server with the WebSocket, because Pushcart's
  // HTTP client asks a plain-http push service for an h2c upgrade, which a WebSocket server
  // treats as a (failed) WebSocket handshake.
  const port = await freePort();
  const endpointPort = await freePort();
  const base = `http://127.0.0.1:${endpointPort}`;
  const events = new EventEmitter();
  const sockets = new Set();
  const log = [];
  const channels = new Map(); // channelID -> socket
  let forgetBrowsers = false; // next hellos get a new UAID: the service lost its records

  const server = http.createServer((req, res) => {
    const m = /^\/push\/([0-9a-f-]+)$/.exec(req.url);
    if (req.method !== 'POST' || !m) {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const channelID = m[1];
      const socket = channels.get(channelID);
      const body = Buffer.concat(chunks);
      log.push({ type: 'endpoint', channelID, bytes: body.length, ttl: req.headers.ttl, urgency: req.headers.urgency, topic: req.headers.topic });
      if (!socket) {
        res.writeHead(410).end(); // gone: no browser holds this channel
        return;
      }
      const version = crypto.randomUUID();
      const message = { messageType: 'notification', channelID, version };
      if (body.length) {
        message.data = body.toString('base64url');
        message.headers = { encoding: req.headers['content-encoding'] };
      }
      socket.send(JSON.stringify(message));
      events.emit('notification', message);
      res.writeHead(201, { Location: `${base}/m/${version}`, TTL: req.headers.ttl || '0' }).end();
    });
  });

  const wsServer = http.createServer((req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server: wsServer });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (raw) => {
      let msg;
      try {
        msg = JSON.parse(raw.toString());
      } catch (e) {
        return;
      }
      log.push({ type: 'in', msg });
      switch (msg.messageType) {
        case 'hello':
          if (forgetBrowsers && msg.uaid) {
            // A new UAID tells the browser its subscriptions are gone: it drops them and fires
            // pushsubscriptionchange in each worker (Mozilla's autopush protocol, "hello").
            forgetBrowsers = false;
            for (const id of msg.channelIDs || []) channels.delete(id);
            socket.uaid = crypto.randomUUID().replace(/-/g, '');
          } else {
            socket.uaid = msg.uaid || crypto.randomUUID().replace(/-/g, '');
            for (const id of msg.channelIDs || []) channels.set(id, socket);
          }
          socket.send(JSON.stringify({ messageType: 'hello', uaid: socket.uaid, status: 200, use_webpush: true }));
          events.emit('hello', msg);
          break;
        case 'register':
          channels.set(msg.channelID, socket);
          socket.send(JSON.stringify({ messageType: 'register', channelID: msg.channelID, status: 200, pushEndpoint: `${base}/push/${msg.channelID}` }));
          events.emit('register', msg);
          break;
        case 'unregister':
          channels.delete(msg.channelID);
          socket.send(JSON.stringify({ messageType: 'unregister', channelID: msg.channelID, status: 200 }));
          events.emit('unregister', msg);
          break;
        case 'ack':
          for (const u of msg.updates || []) events.emit('ack', u);
          break;
        case 'nack':
          events.emit('nack', msg);
          break;
        case 'broadcast_subscribe':
          break; // Remote Settings broadcasts: nothing to subscribe to here
        default:
          if (!msg.messageType) socket.send('{}'); // ping
      }
    });
  });

  await new Promise((r) => wsServer.listen(port, '127.0.0.1', r));
  await new Promise((r) => server.listen(endpointPort, '127.0.0.1', r));

  /** Resolves with the first `type` event matching `test`, or fails after `timeoutMs`. */
  function next(type, test = () => true, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        events.off(type, on);
        reject(new Error(`autopush: no ${type} within ${timeoutMs} ms; log: ${JSON.stringify(log.slice(-10))}`));
      }, timeoutMs);
      function on(value) {
        if (!test(value)) return;
        clearTimeout(timer);
        events.off(type, on);
        resolve(value);
      }
      events.on(type, on);
    });
  }

  return {
    url: `ws://127.0.0.1:${port}/`,
    /** Drops every connection; the next browser to say hello is given a new UAID (its subscriptions are void). */
    forgetBrowsers() {
      forgetBrowsers = true;
      channels.clear();
      for (const s of sockets) s.terminate();
    },
    host: `127.0.0.1:${endpointPort}`,
    log,
    next,
    async stop() {
      for (const s of sockets) s.terminate();
      wss.close();
      for (const srv of [wsServer, server]) {
        srv.closeAllConnections();
        await new Promise((r) => srv.close(r));
      }
    }
  };
}

module.exports = { startAutopush };
