// The order page's live part is swapped by htmx's poll. Two things a swap must not undo:
// a timeline or form the dispatcher unfolded stays open, and a reason being typed is not
// wiped (that swap waits for the next poll; the old digest makes the server send it again).
(function () {
  "use strict";
  var open = [];

  function live(event) {
    return event.detail && event.detail.target && event.detail.target.id === "order-live";
  }

  function typing(region) {
    var fields = region.querySelectorAll("input[name=reason]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value || fields[i] === document.activeElement) {
        return true;
      }
    }
    return false;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!live(event)) {
      return;
    }
    if (typing(event.detail.target)) {
      event.detail.shouldSwap = false;
      return;
    }
    open = Array.prototype.map.call(
      event.detail.target.querySelectorAll("details[open][id]"),
      function (el) { return el.id; }
    );
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!live(event)) {
      return;
    }
    open.forEach(function (id) {
      var el = document.getElementById(id);
      if (el) {
        el.open = true;
      }
    });
  });
})();
