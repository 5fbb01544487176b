'use strict';
// Debian's Firefox ESR, headless, in a fresh profile, driven over WebDriver BiDi
// (puppeteer-core; no browser download), with its push service pointed at a local
// autopush-protocol server (TOOLCHAIN.md lists these prefs), and its notifications shown by
// the desktop service that `notifications` (notification-daemon.js) plays, through libnotify.
const puppeteer = require('puppeteer-core');

const FIREFOX = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';

async function launchFirefox({ pushServerUrl, notifications }) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocolTimeout: 30000,
    env: { ...process.env, ...notifications.env },
    extraPrefsFirefox: {
      'dom.push.serverURL': pushServerUrl,
      'dom.push.testing.allowInsecureServerURL': true,
      'dom.push.retryBaseInterval': 200, // reconnect at once when a test drops the connection
      'dom.push.connection.enabled': true,
      'dom.push.enabled': true,
      'dom.push.testing.ignorePermission': true,
      'permissions.default.desktop-notification': 1,
      'alerts.useSystemBackend': true, // libnotify to our D-Bus service, whose clicks are real ones
      'dom.serviceWorkers.enabled': true,
      'dom.serviceWorkers.testing.enabled': true,
      'dom.webnotifications.requireuserinteraction': false
    }
  });
}

module.exports = { launchFirefox };
