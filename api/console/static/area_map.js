// A branch's service area: each click on the map adds a corner of the polygon, "remove the
// last point" and "clear" undo, and the hidden field holds the polygon as GeoJSON (its ring
// closed, [longitude, latitude]) for the form to post; blank clears the area. Leaflet is
// vendored; without a tile URL the map is blank but the clicks and the polygon still work.
(function () {
  "use strict";

  function draw(el) {
    if (!window.L || el.dataset.drawn) {
      return;
    }
    el.dataset.drawn = "1";
    var field = document.getElementById("f-area");
    var count = document.getElementById("area-count");
    var map = L.map(el, { keyboard: true, attributionControl: Boolean(el.dataset.tiles) });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    }
    var points = [];
    var shape = null;
    var corners = L.layerGroup().addTo(map);

    try {
      var stored = field.value ? JSON.parse(field.value) : null;
      if (stored && stored.type === "Polygon" && stored.coordinates.length) {
        points = stored.coordinates[0].slice(0, -1).map(function (p) {
          return L.latLng(p[1], p[0]);
        });
      }
    } catch (e) {
      points = [];
    }

    function write() {
      if (points.length >= 3) {
        var ring = points.map(function (p) {
          return [Number(p.lng.toFixed(6)), Number(p.lat.toFixed(6))];
        });
        ring.push(ring[0]);
        field.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      } else {
        field.value = "";
      }
    }

    function show() {
      if (shape) {
        map.removeLayer(shape);
        shape = null;
      }
      corners.clearLayers();
      points.forEach(function (p) {
        L.circleMarker(p, { radius: 4, color: "#0b5cad" }).addTo(corners);
      });
      if (points.length >= 2) {
        shape = L.polygon(points, { color: "#0b5cad", weight: 2, fillOpacity: 0.15 }).addTo(map);
      }
      el.dataset.points = String(points.length);
      count.textContent = (el.dataset.pointsWord || "{n}").replace("{n}", points.length);
      write();
    }

    if (points.length >= 3) {
      map.fitBounds(L.latLngBounds(points).pad(0.2));
    } else {
      map.setView([parseFloat(el.dataset.centreLat), parseFloat(el.dataset.centreLon)], 10);
    }
    show();
    map.on("click", function (e) {
      points.push(e.latlng);
      show();
    });
    document.getElementById("area-undo").addEventListener("click", function () {
      points.pop();
      show();
    });
    document.getElementById("area-clear").addEventListener("click", function () {
      points = [];
      show();
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-area-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
