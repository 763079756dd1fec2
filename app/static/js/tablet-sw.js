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

// The page's first visit happens before this worker controls it: the page sends its own URL and the
// files it loaded, and they are cached at once (only shell URLs of this origin are accepted).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "precache" || !Array.isArray(data.urls)) return;
  var urls = data.urls.map(function (u) { return new URL(u, self.location.origin); }).filter(isShell);
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url.href, response);
        return null;
      }).catch(function () { return null; });
    }));
  }));
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
