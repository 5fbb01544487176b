'use strict';
// The desktop's notification service, played by the test: a private D-Bus session bus
// (Debian's dbus-daemon) on which this process owns org.freedesktop.Notifications (the
// freedesktop Desktop Notifications spec 1.2). A real Chromium or Firefox started with
// `env` shows its notifications here, and a "click" is what a desktop sends: the
// ActionInvoked signal ("default" for the body, the action's key for a button). The browser
// then dispatches a trusted notificationclick itself, with the user activation that lets the
// worker open and focus windows; NotificationClosed(reason 2, dismissed by the user) makes it
// dispatch notificationclose.
const { spawn } = require('node:child_process');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const dbus = require('dbus-next');

const NAME = 'org.freedesktop.Notifications';
const OBJECT = '/org/freedesktop/Notifications';
const DISMISSED_BY_USER = 2;
const CLOSED_BY_CALL = 3;

// The policy of Debian's own session bus (session.conf): anything goes between this user's processes.
const busConfig = (socket) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`;

/** Starts dbus-daemon on a socket of its own; resolves with its address once it listens. */
function startBus(dir) {
  const config = path.join(dir, 'bus.conf');
  fs.writeFileSync(config, busConfig(path.join(dir, 'bus')));
  const child = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => { stderr += b; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`dbus-daemon did not start in 10 s: ${stderr}`)); }, 10000);
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve({ child, address: out.slice(0, nl).trim() });
    });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dbus-daemon exited ${code}: ${stderr}`)); });
  });
}

class Notifications extends dbus.interface.Interface {
  constructor(daemon) {
    super(NAME);
    this.daemon = daemon;
  }

  GetCapabilities() {
    return ['actions', 'body', 'persistence'];
  }

  GetServerInformation() {
    return ['pushcart-test', 'pushcart', '1.0', '1.2'];
  }

  Notify(app, replacesId, icon, summary, body, actions, hints, timeout) {
    return this.daemon.notify({ app, replacesId, icon, summary, body, actions, hints: Object.keys(hints), timeout });
  }

  CloseNotification(id) {
    this.daemon.closedByBrowser(id);
  }

  ActionInvoked(id, key) {
    return [id, key];
  }

  NotificationClosed(id, reason) {
    return [id, reason];
  }
}
// dbus-next reads the handlers off the prototype here, so this follows the methods.
Notifications.configureMembers({
  methods: {
    GetCapabilities: { inSignature: '', outSignature: 'as' },
    GetServerInformation: { inSignature: '', outSignature: 'ssss' },
    Notify: { inSignature: 'susssasa{sv}i', outSignature: 'u' },
    CloseNotification: { inSignature: 'u', outSignature: '' }
  },
  signals: {
    ActionInvoked: { signature: 'us' },
    NotificationClosed: { signature: 'uu' }
  }
});

async function startNotificationDaemon() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushcart-dbus-'));
  const { child, address } = await startBus(dir);
  const events = new EventEmitter();
  const shown = []; // every notification, in order: {id, app, summary, body, actions: [{key, label}], open}
  let nextId = 1;
  const daemon = {
    notify(n) {
      const id = n.replacesId || nextId++;
      const actions = [];
      for (let i = 0; i + 1 < n.actions.length; i += 2) actions.push({ key: n.actions[i], label: n.actions[i + 1] });
      const entry = { id, app: n.app, summary: n.summary, body: n.body, actions, hints: n.hints, open: true };
      shown.push(entry);
      events.emit('notify', entry);
      return id;
    },
    closedByBrowser(id) {
      for (const n of shown) if (n.id === id) n.open = false;
      service.NotificationClosed(id, CLOSED_BY_CALL);
      events.emit('close', id);
    }
  };
  const service = new Notifications(daemon);
  const bus = dbus.sessionBus({ busAddress: address });
  bus.export(OBJECT, service);
  let timer;
  await Promise.race([bus.requestName(NAME, 0), new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from dbus-daemon at ${address} in 10 s`)), 10000);
  })]).finally(() => clearTimeout(timer));

  function find(test) {
    return shown.find((n) => test(n));
  }

  return {
    /** The environment a browser needs to show its notifications here. */
    env: { DBUS_SESSION_BUS_ADDRESS: address },
    shown,
    /** Resolves with the first notification (already shown or to come) matching `test`. */
    next(test = () => true, timeoutMs = 20000) {
      const seen = find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('notify', on);
          reject(new Error(`no notification shown within ${timeoutMs} ms; shown: ${JSON.stringify(shown.map((n) => n.summary))}`));
        }, timeoutMs);
        function on(n) {
          if (!test(n)) return;
          clearTimeout(timer);
          events.off('notify', on);
          resolve(n);
        }
        events.on('notify', on);
      });
    },
    /** The shopper clicks the notification's body, or the button labelled `button`. */
    click(n, button) {
      let key = 'default';
      if (button) {
        const action = n.actions.find((a) => a.label === button);
        if (!action) throw new Error(`no button "${button}" on "${n.summary}": ${JSON.stringify(n.actions)}`);
        key = action.key;
      } else if (!n.actions.some((a) => a.key === 'default')) {
        throw new Error(`"${n.summary}" offers no default action: ${JSON.stringify(n.actions)}`);
      }
      service.ActionInvoked(n.id, key);
    },
    /** The shopper dismisses the notification (its close button, or swiping it away). */
    dismiss(n) {
      n.open = false;
      service.NotificationClosed(n.id, DISMISSED_BY_USER);
    },
    /** Resolves when the browser closes `n` itself (as after a click). */
    closed(n, timeoutMs = 10000) {
      if (!n.open) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { events.off('close', on); reject(new Error(`"${n.summary}" still open after ${timeoutMs} ms`)); }, timeoutMs);
        function on(id) {
          if (id !== n.id) return;
          clearTimeout(timer);
          events.off('close', on);
          resolve();
        }
        events.on('close', on);
      });
    },
    async stop() {
      bus.disconnect();
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

module.exports = { startNotificationDaemon };
