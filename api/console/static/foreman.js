// The time left to undo a pending mark, counted down from what the server said was left when
// it drew the card (data-left, seconds: the phone's clock may be wrong, not its stopwatch).
// At zero: say so, take the undo away, and fetch the card as it now stands.
(function () {
  "use strict";
  var shown = new WeakMap(); // each countdown element: when it came on the page

  function format(s) {
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function tick() {
    document.querySelectorAll("time.countdown[data-left]").forEach(function (el) {
      if (!shown.has(el)) {
        shown.set(el, Date.now());
        el.dataset.left0 = el.dataset.left; // as the server drew it
      }
      var left = Number(el.dataset.left) - Math.floor((Date.now() - shown.get(el)) / 1000);
      if (left > 0) {
        el.textContent = format(left);
        return;
      }
      el.removeAttribute("data-left");
      el.textContent = el.dataset.over;
      var card = el.closest("li.worker");
      var undo = card && card.querySelector("button.undo");
      if (undo) undo.disabled = true;
      // The settle job runs a second after the window: ask a little later; if the card came
      // back still waiting (the job lost, the minute's sweep to come), ask less often.
      var again = el.dataset.left0 === "0" ? 15000 : 3000;
      if (card && window.htmx && el.dataset.row) {
        setTimeout(function () {
          window.htmx.ajax("GET", el.dataset.row, { target: "#" + card.id, swap: "outerHTML" });
        }, again);
      }
    });
  }

  tick();
  setInterval(tick, 1000);
})();
