'use strict';
// Debian's Chromium, headless, in a fresh profile, driven over the DevTools protocol
// (puppeteer-core: it never downloads a browser). With `notifications` (a test's
// notification-daemon.js) it shows its notifications there, as on a Linux desktop, so the
// test can click them as a shopper does.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

async function launchChromium({ notifications = null } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushcart-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    protocolTimeout: 30000,
    env: { ...process.env, ...(notifications ? notifications.env : {}) },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-dev-shm-usage']
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return browser;
}

module.exports = { launchChromium };
