// What the foreman's offline queue (foreman_offline.js) sends for an item, how a refused form
// token is mended, and how a card from the server takes its place. Loaded before it.
(function () {
  "use strict";

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  function swap(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    Array.from(t.content.children).forEach(function (el) {
      var old = el.id && document.getElementById(el.id);
      if (!old) return;
      el.removeAttribute("hx-swap-oob");
      old.replaceWith(el);
      if (el.matches("li.worker") && !el.querySelector(".who")) {
        el.remove(); // no longer on the order: nothing to show of them
      } else if (window.htmx) {
        window.htmx.process(el);
      }
    });
  }

  function request(item) {
    var headers = { "X-CSRF-Token": csrf(), "Idempotency-Key": item.key };
    if (item.replay) {
      // A lost online tap: the same post again (a different route or body under the same key
      // is refused as a reused key); its answer is the card, as htmx would have had it.
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["HX-Request"] = "true";
      headers["X-Tapped-At"] = item.at; // if the first never arrived: the time it was tapped
      return { path: item.replay.path, headers: headers, body: item.replay.body };
    }
    var mark = item.kind === "mark";
    var body = mark
      ? { worker_id: item.worker_id, status: item.status, at: item.at, reason: item.reason }
      : { worker_id: item.worker_id, stars: item.stars, comment: item.comment };
    headers["Content-Type"] = "application/json";
    headers.Accept = "application/json";
    var path = "/console/foreman/orders/" + item.order_id + (mark ? "/marks" : "/review-sync");
    return { path: path, headers: headers, body: JSON.stringify(body) };
  }

  function freshToken(sentToken) {
    // A 403: a form token gone stale (the session was renewed in another tab) is mended by
    // the page's fresh one (true: send again); the same token refused means the page is not
    // this user's any more, the role (false: final). Undecided (no network, signed out):
    // null, kept for later.
    return fetch("/console/foreman", { credentials: "same-origin", redirect: "manual" })
      .then(function (page) {
        if (page.status === 403) return false;
        if (!page.ok) return null;
        return page.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = "";
          try {
            fresh = JSON.parse(doc.body.getAttribute("hx-headers"))["X-CSRF-Token"] || "";
          } catch (e) {
            return null;
          }
          if (!fresh || fresh === sentToken) return false;
          document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRF-Token": fresh }));
          return true;
        });
      }, function () { return null; });
  }

  window.foremanSend = { request: request, freshToken: freshToken, swap: swap };
})();
