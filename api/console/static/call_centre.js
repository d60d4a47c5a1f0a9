// The call centre's page: a click on the map places the site (the latitude and longitude
// fields follow, and their change asks htmx for the "which branch" preview); a found client's
// "pick" button fills the hidden client_id. Leaflet is vendored; without a tile URL the map is
// blank but the clicks still work.
(function () {
  "use strict";

  function changed(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function draw(el) {
    if (!window.L || el.dataset.drawn) {
      return;
    }
    el.dataset.drawn = "1";
    var lat = document.getElementById("f-lat");
    var lon = document.getElementById("f-lon");
    var map = L.map(el, { keyboard: true, attributionControl: Boolean(el.dataset.tiles) });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    }
    map.setView([parseFloat(el.dataset.centreLat), parseFloat(el.dataset.centreLon)], 9);
    var pin = null;
    map.on("click", function (e) {
      if (!pin) {
        pin = L.marker(e.latlng, { keyboard: true }).addTo(map);
      }
      pin.setLatLng(e.latlng);
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      el.dataset.placed = "1";
      changed(lat);
    });
  }

  function start() {
    document.querySelectorAll("[data-cc-map]").forEach(draw);
    document.addEventListener("click", function (e) {
      var button = e.target.closest ? e.target.closest(".cc-pick") : null;
      if (!button) {
        return;
      }
      document.getElementById("f-client_id").value = button.dataset.clientId;
      document.getElementById("cc-picked").textContent = button.dataset.clientName;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
