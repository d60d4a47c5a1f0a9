// The foreman's app with no signal (issue 20): served at /console/foreman/sw.js (see
// api/console/site/foreman_app.py), scope /console/foreman. The foreman's pages are fetched
// from the network first and kept; with no network the kept copy is shown (the marks tapped
// meanwhile are kept by foreman_offline.js, not here). The page's scripts and styles are kept
// at install and refreshed in the background. Posts are never touched: the queue sends them.
"use strict";

var VERSION = "foreman-v1";
var PAGES = VERSION + "-pages";
var ASSETS = VERSION + "-assets";
var PRECACHE = [
  "/static/vendor/htmx/htmx.min.js",
  "/static/console/console.css",
  "/static/console/foreman.css",
  "/static/console/foreman.js",
  "/static/console/foreman_offline.js",
  "/static/console/foreman_icon.svg",
];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(ASSETS).then(function (cache) {
      return cache.addAll(PRECACHE);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names.filter(function (name) {
          return name.indexOf(VERSION) !== 0;
        }).map(function (name) {
          return caches.delete(name);
        })
      );
    }).then(function () {
      return self.clients.claim();
    })
  );
});

var NETWORK_WAIT_MS = 4000; // a signal too weak to load the page: the kept copy after this

function keepCopy(request, answer) {
  // Only a page as the foreman sees it: not a redirect to sign in, not an error page.
  if (!(answer.ok && answer.type === "basic" && !answer.redirected)) return answer;
  var copy = answer.clone();
  return caches.open(PAGES).then(function (cache) {
    return cache.put(request, copy);
  }).then(function () {
    return answer;
  }, function () {
    return answer; // not kept (storage full): the page is still the answer
  });
}

function kept(request) {
  // caches.match, not caches.open: a cache emptied at sign-out is not made again here.
  return caches.match(request, { cacheName: PAGES }).then(function (hit) {
    // The page opened as /console/foreman?lang=en is still the page with no network.
    return hit || caches.match(request, { cacheName: PAGES, ignoreSearch: true });
  });
}

function networkFirst(request) {
  return new Promise(function (resolve, reject) {
    fetch(request).then(function (answer) {
      return keepCopy(request, answer);
    }).then(resolve, function (error) {
      kept(request).then(function (hit) {
        if (hit) resolve(hit); else reject(error);
      }, reject);
    });
    setTimeout(function () {
      kept(request).then(function (hit) {
        if (hit) resolve(hit); // the first answer wins: the network's if it came meanwhile
      });
    }, NETWORK_WAIT_MS);
  });
}

function staleWhileRevalidate(request) {
  return caches.open(ASSETS).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      var fresh = fetch(request).then(function (answer) {
        if (answer.ok) cache.put(request, answer.clone());
        return answer;
      });
      if (hit) {
        fresh.catch(function () {}); // offline: the kept copy is the answer
        return hit;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/console/foreman/sw.js") return;
  if (PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(staleWhileRevalidate(request));
  } else if (/\/close$/.test(url.pathname)) {
    return; // the close needs the network: never a kept (stale) close form with no signal
  } else if (url.pathname.indexOf("/console/foreman") === 0) {
    event.respondWith(networkFirst(request));
  }
});

// The page asks to keep itself as the server draws it now (the first visit, before this
// worker controlled it; after marks were sent): fetched again, kept, and the page told.
self.addEventListener("message", function (event) {
  var path = event.data && event.data.keep;
  if (typeof path !== "string" || path.indexOf("/console/foreman") !== 0) return;
  var request = new Request(path, { credentials: "same-origin" });
  event.waitUntil(
    fetch(request).then(function (answer) {
      return keepCopy(request, answer);
    }).then(function (answer) {
      if (event.source && answer.ok && !answer.redirected) event.source.postMessage({ kept: path });
    }).catch(function () {})
  );
});
