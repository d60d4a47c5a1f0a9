// "I am here": ask the phone where it is, then post lat/lon with the page's own form.
(function () {
  "use strict";
  var form = document.getElementById("checkin");
  var button = document.getElementById("checkin-here");
  var status = document.getElementById("checkin-status");
  if (!form || !button || !status) return;
  button.hidden = false; // without this script the button could do nothing

  function say(text) {
    status.textContent = text;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }

  button.addEventListener("click", function () {
    // Browsers give the location only to https pages (and localhost).
    if (!window.isSecureContext || !("geolocation" in navigator)) {
      say(button.dataset.noGeo);
      return;
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        document.getElementById("checkin-lat").value = position.coords.latitude;
        document.getElementById("checkin-lon").value = position.coords.longitude;
        status.textContent = button.dataset.sending;
        form.submit();
      },
      function (error) {
        say(error.code === 1 ? button.dataset.denied : button.dataset.unavailable);
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 }
    );
  });
})();
