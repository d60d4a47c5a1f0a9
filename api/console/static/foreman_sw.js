// The foreman's app with no signal (issue 20): served at /console/foreman/sw.js (see
// api/console/site/foreman_app.py), scope /console/foreman. The foreman's pages are fetched
// from the network first and kept; with no network the kept copy is shown (the marks tapped
// meanwhile are kept by foreman_offline.js, not here). The page's scripts and styles are kept
// at install and refreshed in the background. Posts are never touched: the queue sends them.
// The kept pages are one foreman's (the crews' names and phones): each is kept with the user
// it was drawn for (the page's data-user) and the time, for MAX_AGE_MS at most; a page of
// another user, or a sign-in page instead of the foreman's, empties them first. An answer
// marked no-store (the site's check-in code, valid 30 s) is never kept nor served kept.
"use strict";

var VERSION = "foreman-v2";
var PAGES = VERSION + "-pages";
var ASSETS = VERSION + "-assets";
var PRECACHE = [
  "/static/vendor/htmx/htmx.min.js",
  "/static/console/console.css",
  "/static/console/foreman.css",
  "/static/console/foreman.js",
  "/static/console/foreman_send.js",
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
var MAX_AGE_MS = 36 * 3600 * 1000; // today's and tomorrow's pages, not last week's
var USER_KEY = "/console/foreman/__kept_user__"; // whose pages the cache holds
var NEVER_KEPT = /\/checkin-code$/; // a code of now: from the network or not at all

function noStore(answer) {
  return /no-store/i.test(answer.headers.get("Cache-Control") || "");
}

function signInInstead(answer) {
  // Signed out (the session ran out, the user was switched off): the kept pages go.
  if (answer.type === "opaqueredirect" || answer.status === 401) return true;
  var to = answer.headers.get("HX-Redirect") || (answer.redirected ? answer.url : "");
  return to.indexOf("/console/login") !== -1;
}

function purge() {
  return caches.delete(PAGES).catch(function () {});
}

function keptUser() {
  return caches.match(USER_KEY, { cacheName: PAGES }).then(function (hit) {
    return hit ? hit.text() : null;
  });
}

function keepCopy(request, answer) {
  if (signInInstead(answer)) return purge().then(function () { return answer; });
  // Only a page as the foreman sees it: not a redirect to sign in, not an error page.
  if (!(answer.ok && answer.type === "basic" && !answer.redirected) || noStore(answer)) {
    return answer;
  }
  var copy = answer.clone();
  return Promise.all([copy.text(), keptUser()]).then(function (got) {
    var text = got[0];
    var drawnFor = /data-user="(\d*)"/.exec(text);
    var user = drawnFor ? drawnFor[1] : got[1]; // a fragment: drawn for whoever's pages these are
    if (!user) return null; // not known whose: not kept
    var headers = new Headers(answer.headers);
    headers.set("X-Kept-User", user);
    headers.set("X-Kept-At", String(Date.now()));
    var kept = new Response(text, { status: answer.status, headers: headers });
    var fresh = got[1] !== null && got[1] !== user ? purge() : Promise.resolve();
    return fresh.then(function () {
      return caches.open(PAGES);
    }).then(function (cache) {
      return Promise.all([cache.put(USER_KEY, new Response(user)), cache.put(request, kept)]);
    });
  }).then(function () {
    return answer;
  }, function () {
    return answer; // not kept (storage full): the page is still the answer
  });
}

function usable(hit, user) {
  if (!hit || user === null) return null;
  var at = Number(hit.headers.get("X-Kept-At") || 0);
  if (hit.headers.get("X-Kept-User") !== user || Date.now() - at > MAX_AGE_MS) return null;
  return hit;
}

function kept(request) {
  // caches.match, not caches.open: a cache emptied at sign-out is not made again here.
  return keptUser().then(function (user) {
    return caches.match(request, { cacheName: PAGES }).then(function (hit) {
      // The page opened as /console/foreman?lang=en is still the page with no network.
      return hit || caches.match(request, { cacheName: PAGES, ignoreSearch: true });
    }).then(function (hit) {
      return usable(hit, user);
    });
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
  } else if (NEVER_KEPT.test(url.pathname)) {
    return; // the check-in code: the network's, never a kept (expired) one
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
