/* The tablet page's service worker: it caches the page shell only — the tablet pages and the static
 * files they load — so a tablet that reloads without a network still opens its marking page. It
 * never sees marks or the marking data: those are the page's own script's (tablet.js, IndexedDB).
 * Network first: online, the judge always gets the current page; the cache is only the fallback. */
"use strict";
var CACHE = "jingsai-tablet-shell-v1";

function isShell(url) {
  return url.origin === self.location.origin &&
    (/^\/events\/[^/]+\/skills\/[^/]+\/tablet$/.test(url.pathname) || url.pathname.indexOf("/static/") === 0);
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !isShell(new URL(request.url))) return;
  event.respondWith(fetch(request).then(function (response) {
    // A login redirect or an error page is not the shell: keep the last good one.
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) { return hit || Response.error(); });
  }));
});
