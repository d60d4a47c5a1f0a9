// The foreman's page with no signal (issue 20). With no network (or while earlier taps still
// wait), a mark or a review is not posted: it is kept on the phone (IndexedDB, so a reload
// or a closed tab keeps it), with the time it was tapped, and the card says "waiting to
// send"; the page's top says how many wait. When the network is back (the online event, the
// page's load, a timer) they are sent in the order tapped, one at a time, each with its own
// Idempotency-Key (a retry or a second tab is recorded once: the server's mechanism), to
// api/console/site/foreman_sync.py. An item leaves the phone only on a definite answer: sent
// (the card comes back as it now stands), or refused (it stays on the card as "not recorded:
// why" until the foreman dismisses it). A network error or a server error keeps it.
// The service worker (foreman_sw.js) keeps the page and its scripts for a reload offline;
// what a queued item is sent as, and a refused form token mended: foreman_send.js.
(function () {
  "use strict";
  var root = document.getElementById("offline");
  if (!root || !window.indexedDB || !window.foremanSend) return;
  var words = JSON.parse(root.dataset.words);
  var user = root.dataset.user; // a phone passed to another foreman: each sends only theirs
  var STORE = "queue";
  var RETRY_MS = 10000;
  // The marks valid after each one (dispatch/shift/marks.py NEXT_MARKS), for a card whose
  // mark waits: the page offers what the server will accept after it.
  var NEXT = {
    "": ["arrived", "no_show", "released"],
    arrived: ["left_early", "sent_home", "no_show", "released"],
    left_early: ["no_show", "released"],
    sent_home: ["no_show", "released"],
    no_show: ["arrived", "released"],
    released: ["arrived", "no_show"],
  };
  // The marks of a worker who came (a review is offered): dispatch/enums.py CAME, via the page.
  var CAME = JSON.parse(root.dataset.came || "[]");
  var items = []; // the queue as stored, in the order tapped
  var sending = false;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? values[name] : all;
    });
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function isoNow() {
    // The phone's time with its offset: the server keeps it as the tapped time.
    var d = new Date();
    var off = -d.getTimezoneOffset();
    var sign = off >= 0 ? "+" : "-";
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." +
      String(d.getMilliseconds()).padStart(3, "0") + sign + pad(Math.floor(Math.abs(off) / 60)) +
      ":" + pad(Math.abs(off) % 60);
  }

  function hhmm(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, function (b) { return pad(b.toString(16)); }).join("");
  }

  // -- the store ----------------------------------------------------------------------------
  var opened = new Promise(function (resolve, reject) {
    var request = indexedDB.open("brigada-foreman", 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function tx(mode, act) {
    return opened.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var request = act(t.objectStore(STORE));
        t.oncomplete = function () { resolve(request.result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  function load() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (all) {
      items = (all || []).filter(function (i) { return i.user === user; });
    });
  }

  function save(item) {
    return tx("readwrite", function (s) { return s.put(item); }).then(function (seq) {
      if (item.seq === undefined) {
        item.seq = seq;
        items.push(item);
      }
    });
  }

  function drop(item) {
    return tx("readwrite", function (s) { return s.delete(item.seq); }).then(function () {
      items = items.filter(function (i) { return i.seq !== item.seq; });
    });
  }

  function waiting() {
    return items.filter(function (i) { return i.state === "waiting"; });
  }

  // -- what the page shows ------------------------------------------------------------------
  function cardOf(item) {
    return document.getElementById("w-" + item.order_id + "-" + item.worker_id);
  }

  function said(item) {
    if (item.kind === "review") return fill(words.review, { n: item.stars });
    return words["is_" + item.status] + " " + fill(words.at, { time: hhmm(item.at) });
  }

  function line(item) {
    var p = document.createElement("p");
    p.className = "offline-item " + (item.state === "waiting" ? "queued" : "conflict");
    p.dataset.key = item.key;
    if (item.state === "waiting") {
      var badge = document.createElement("span");
      badge.className = "badge warn";
      badge.textContent = words.badge;
      p.append(badge, " " + said(item));
    } else {
      p.setAttribute("role", "alert");
      p.append(said(item) + ". " + fill(words.conflict, { why: item.message }) + " ");
      var ok = document.createElement("button");
      ok.type = "button";
      ok.className = "dismiss";
      ok.textContent = words.dismiss;
      p.append(ok);
    }
    return p;
  }

  function offerMarks(card, status) {
    // The card's mark buttons as they will be once the waiting mark is in.
    var group = card.querySelector(".marks");
    var model = group && group.querySelector("form");
    if (!model) return;
    var started = card.closest(".roster").dataset.started === "true";
    // Sending home asks its reason on the card's own form: offered once the arrival is in.
    var wanted = NEXT[status].filter(function (m) {
      return (started || m !== "no_show") && m !== "sent_home";
    });
    group.querySelectorAll("form").forEach(function (f) { f.remove(); });
    wanted.forEach(function (mark) {
      var form = model.cloneNode(true);
      form.querySelector("input[name=status]").value = mark;
      var button = form.querySelector("button");
      button.id = card.id + "-" + mark;
      button.className = "m-" + mark;
      button.textContent = words["do_" + mark];
      group.append(form);
      // A copy is not htmx's until processed: back online it would post as a plain form.
      if (window.htmx) window.htmx.process(form);
    });
  }

  function render() {
    document.querySelectorAll(".offline-item").forEach(function (el) { el.remove(); });
    var count = waiting().length;
    var counter = document.getElementById("offline-count");
    counter.hidden = count === 0;
    counter.textContent = fill(words.waiting, { n: count });
    document.getElementById("offline-net").hidden = navigator.onLine;
    var last = {};
    items.forEach(function (item) {
      var card = cardOf(item);
      if (!card) return;
      var after = last[card.id] || card.querySelector(".mark") || card.firstElementChild;
      var p = line(item);
      if (after) after.after(p); else card.prepend(p);
      last[card.id] = p;
      if (item.state === "conflict") {
        // The card is as it was drawn before the refusal: nothing to tap on it until the
        // foreman has read why and dismissed it (the card then comes as the server has it).
        card.querySelectorAll(".marks, .quick-review, form.confirm").forEach(function (el) {
          el.hidden = true;
        });
      } else if (item.kind === "mark") {
        offerMarks(card, item.status);
        var review = card.querySelector(".quick-review");
        if (review && CAME.indexOf(item.status) !== -1) review.hidden = false;
      }
    });
  }

  // -- taps ---------------------------------------------------------------------------------
  function kindOf(form) {
    var action = form.getAttribute("action") || "";
    if (/\/console\/foreman\/orders\/\d+\/mark$/.test(action)) {
      return form.querySelector("input[name=checkin]") ? null : "mark";
    }
    if (form.classList.contains("review-form")) return "review";
    return null;
  }

  function keep(form, kind, at, key, replay) {
    var data = new FormData(form);
    var item = {
      key: key || newKey(),
      user: user,
      kind: kind,
      order_id: Number(form.getAttribute("action").match(/orders\/(\d+)\//)[1]),
      worker_id: Number(data.get("worker_id")),
      at: at || isoNow(),
      state: "waiting",
    };
    if (replay) item.replay = replay; // a lost online tap: sent again as that very post
    if (kind === "mark") {
      item.status = String(data.get("status"));
      if (data.get("reason")) item.reason = String(data.get("reason")); // sent home: why
    } else {
      item.stars = Number(data.get("review_stars"));
      item.comment = String(data.get("review_comment") || "");
      var details = form.closest("details");
      if (details) details.open = false;
      form.reset();
    }
    return save(item).then(render).then(flush);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("action") || "") === "/console/logout" && window.caches) {
      // Signing out: the kept pages (the crews' names and phones) leave the phone too; the
      // marks still waiting stay, sent when this foreman signs in again.
      event.preventDefault();
      event.stopImmediatePropagation();
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("foreman-") === 0;
        }).map(function (name) { return caches.delete(name); }));
      }).catch(function () {}).then(function () { form.submit(); });
      return;
    }
    var kind = kindOf(form);
    if (!kind) return;
    if (navigator.onLine && waiting().length === 0) {
      form.dataset.tappedAt = isoNow(); // if the post fails on the way, kept with this time
      return; // htmx (or the plain form) posts it as before
    }
    event.preventDefault();
    event.stopImmediatePropagation(); // before htmx's own listener on the form
    keep(form, kind);
  }, true);

  document.addEventListener("htmx:configRequest", function (event) {
    // A tap sent online carries its key from the start: if its answer is lost on the way,
    // the same post is sent again with it (below) and the server answers the first answer
    // again (api/idempotency.py) instead of recording the mark a second time.
    var form = event.detail.elt;
    if (!(form && form.tagName === "FORM" && kindOf(form))) return;
    event.detail.headers["Idempotency-Key"] = newKey();
  });

  document.addEventListener("htmx:sendError", function (event) {
    // Online by the phone's account, but the post's answer never came (it may or may not
    // have reached the server): kept as that very post (the same route, body and key) with
    // the time it was tapped, sent again when the network is back.
    var form = event.detail.elt;
    var kind = form && form.tagName === "FORM" ? kindOf(form) : null;
    var config = event.detail.requestConfig;
    var key = config && config.headers["Idempotency-Key"];
    if (!kind || !key) return;
    var body = new URLSearchParams(config.formData).toString();
    keep(form, kind, form.dataset.tappedAt, key, { path: config.path, body: body });
  });

  document.addEventListener("htmx:afterSettle", function () {
    render(); // a card the server drew again: its waiting items back on it
    keepPage();
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    var dismiss = target.closest && target.closest("button.dismiss");
    if (dismiss) {
      var item = items.find(function (i) { return i.key === dismiss.parentNode.dataset.key; });
      if (item) drop(item).then(function () { refreshCard(item); render(); });
      return;
    }
    var close = target.closest && target.closest("a[href$='/close']");
    if (close && !navigator.onLine) {
      // The close needs the network (the timesheet, the money): it is never kept for later.
      event.preventDefault();
      var note = document.createElement("p");
      note.className = "error offline-item";
      note.setAttribute("role", "alert");
      note.textContent = words.close;
      close.after(note);
    }
  });

  function refreshCard(item) {
    // After a refusal is dismissed: the card as the server has it.
    if (!navigator.onLine) return;
    fetch("/console/foreman/orders/" + item.order_id + "/workers/" + item.worker_id, {
      credentials: "same-origin",
      redirect: "manual",
      headers: { "HX-Request": "true" },
    }).then(function (answer) {
      if (!answer.ok) return null;
      return answer.text().then(function (html) { window.foremanSend.swap(html); render(); });
    }).catch(function () {});
  }

  // -- sending ------------------------------------------------------------------------------
  function refuse(item, message) {
    item.state = "conflict";
    item.message = message || words.refused;
    return save(item).then(function () { return true; });
  }

  function send(item) {
    var sent = window.foremanSend.request(item);
    return fetch(sent.path, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual", // signed out: a redirect, not an answer; kept for later
      headers: sent.headers,
      body: sent.body,
    }).then(function (answer) {
      var json = item.replay
        ? answer.text().then(function (html) { return { row: html }; }, function () { return {}; })
        : answer.json().catch(function () { return {}; });
      if (answer.ok) {
        return json.then(function (got) {
          return drop(item).then(function () {
            if (got.row) window.foremanSend.swap(got.row);
            return true;
          });
        });
      }
      var status = answer.status;
      if (status === 403) {
        return window.foremanSend.freshToken(sent.headers["X-CSRF-Token"]).then(function (mended) {
          if (mended === false) return refuse(item, words.not_yours);
          // Refused again after a fresh token (a lost tap's post carries its old one in its
          // body): said, so that it does not hold back the marks after it for ever.
          if (mended === true && item.mended) return refuse(item, words.refused);
          if (mended === true) item.mended = true;
          return save(item).then(function () { return false; }); // next round; undecided: kept
        });
      }
      if (status === 409 || status === 404 || status === 422 || status === 400) {
        return json.then(function (got) {
          // A retry of an item already recorded is answered by the server's Idempotency-Key
          // store (the first answer again), so any refusal here is a real one.
          return refuse(item, got.message);
        });
      }
      return false; // a server error, signed out, too many: kept, sent again later
    }, function () {
      return false; // no network after all
    });
  }

  function drain() {
    return load().then(function () {
      var next = waiting()[0];
      if (!next || !navigator.onLine) return;
      next.attempts = (next.attempts || 0) + 1;
      return save(next).then(function () {
        return send(next);
      }).then(function (answered) {
        render();
        if (answered) return drain();
      });
    });
  }

  function flush() {
    if (sending || !navigator.onLine || waiting().length === 0) return;
    sending = true;
    // One tab sends at a time (another tab's queue is the same store).
    var run = navigator.locks
      ? navigator.locks.request("brigada-foreman-queue", drain)
      : drain();
    run.catch(function () {}).then(function () {
      sending = false;
      render();
      if (waiting().length === 0) keepPage();
    });
  }

  // -- the page kept for a reload offline ----------------------------------------------------
  var keepTimer = null;

  function keepPage() {
    if (!navigator.serviceWorker || !navigator.onLine) return;
    clearTimeout(keepTimer);
    keepTimer = setTimeout(function () {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.active) reg.active.postMessage({ keep: location.pathname + location.search });
      });
    }, 300);
  }

  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.kept) root.dataset.kept = "true";
    });
    navigator.serviceWorker
      .register("/console/foreman/sw.js", { scope: "/console/foreman" })
      .then(keepPage)
      .catch(function () {});
  }

  window.addEventListener("online", function () { render(); flush(); });
  window.addEventListener("offline", render);
  setInterval(flush, RETRY_MS);
  load().then(render).then(flush);
})();
