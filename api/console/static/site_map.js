// A site's place: a click on the map places the pin, a drag moves it, and the latitude and
// longitude fields follow; typing in the fields moves the pin. The geofence is a circle of
// the zone's metres around the pin. Leaflet is vendored; without a tile URL the map is blank
// but the pin, the circle and the clicks still work.
(function () {
  "use strict";

  function draw(el) {
    if (!window.L || el.dataset.drawn) {
      return;
    }
    el.dataset.drawn = "1";
    var lat = document.getElementById("f-lat");
    var lon = document.getElementById("f-lon");
    var fence = document.getElementById("f-geofence_m");
    var fallback = parseFloat(el.dataset.geofence) || 250;
    var map = L.map(el, { keyboard: true, attributionControl: Boolean(el.dataset.tiles) });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    }
    var pin = null;
    var circle = null;

    function radius() {
      var metres = parseInt(fence.value, 10);
      return metres >= 50 && metres <= 5000 ? metres : fallback;
    }

    function typed() {
      var a = parseFloat((lat.value || "").replace(",", "."));
      var b = parseFloat((lon.value || "").replace(",", "."));
      if (isNaN(a) || isNaN(b) || a < -90 || a > 90 || b < -180 || b > 180) {
        return null;
      }
      return L.latLng(a, b);
    }

    function place(at, fromFields) {
      if (!pin) {
        pin = L.marker(at, { draggable: true, title: el.dataset.pinLabel, alt: el.dataset.pinLabel,
                             keyboard: true }).addTo(map);
        pin.on("drag", function () {
          circle.setLatLng(pin.getLatLng());
        });
        pin.on("dragend", function () {
          place(pin.getLatLng(), false);
        });
        circle = L.circle(at, { radius: radius(), color: "#0b5cad", weight: 2, fillOpacity: 0.12 })
          .addTo(map);
        el.dataset.geofenceShown = "1";
      }
      pin.setLatLng(at);
      circle.setLatLng(at);
      circle.setRadius(radius());
      el.dataset.circleRadius = String(radius());
      if (!fromFields) {
        lat.value = at.lat.toFixed(6);
        lon.value = at.lng.toFixed(6);
        lat.dispatchEvent(new Event("change"));
      }
    }

    var start = typed();
    if (start) {
      map.setView(start, 15);
      place(start, true);
    } else {
      map.setView([parseFloat(el.dataset.centreLat), parseFloat(el.dataset.centreLon)], 11);
    }
    map.on("click", function (e) {
      place(e.latlng, false);
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("input", function () {
        var at = typed();
        if (at) {
          place(at, true);
          map.panTo(at);
        }
      });
    });
    fence.addEventListener("input", function () {
      if (circle) {
        circle.setRadius(radius());
        el.dataset.circleRadius = String(radius());
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-site-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
