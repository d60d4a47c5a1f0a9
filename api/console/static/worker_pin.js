// A worker's home: a pin on a Leaflet map (vendored, no CDN), kept in sync with the latitude
// and longitude fields both ways. Clicking the map or dragging the pin fills the fields;
// typing in them moves the pin. Without a tile URL the map is blank but still takes clicks.
(function () {
  "use strict";

  function number(input) {
    var value = parseFloat((input.value || "").replace(",", "."));
    return isNaN(value) ? null : value;
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
    var pin = null;

    function place(point, fill) {
      if (!pin) {
        pin = L.marker(point, { draggable: true, keyboard: true, title: el.getAttribute("aria-label") });
        pin.on("dragend", function () {
          place(pin.getLatLng(), true);
        });
        pin.addTo(map);
      } else {
        pin.setLatLng(point);
      }
      if (fill) {
        lat.value = point.lat.toFixed(6);
        lon.value = point.lng.toFixed(6);
      }
    }

    function fromFields() {
      var a = number(lat), b = number(lon);
      if (a !== null && b !== null && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
        place(L.latLng(a, b), false);
        return true;
      }
      return false;
    }

    map.on("click", function (event) {
      place(event.latlng, true);
    });
    lat.addEventListener("change", fromFields);
    lon.addEventListener("change", fromFields);
    if (fromFields()) {
      map.setView(pin.getLatLng(), 13);
    } else {
      map.setView([parseFloat(el.dataset.centreLat), parseFloat(el.dataset.centreLon)], 11);
    }
  }

  function drawAll() {
    document.querySelectorAll("[data-pin-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
