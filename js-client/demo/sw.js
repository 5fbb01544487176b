// The demo store's service worker: the one line a store adds (docs/js-snippet.md).
importScripts('/sdk/pushcart-sw.js');
