// An order's map: the site and the offered workers, read from the map div's data attributes
// and drawn with Leaflet (vendored, no CDN). Without a tile URL there is no tile layer, and
// the points still show, each a coloured disc with its status's sign, on a blank map.
// Leaflet puts a string tooltip in as HTML: names and addresses go in as text nodes.
function asText(text) {
  var span = document.createElement("span");
  span.textContent = text || "";
  return span;
}
(function () {
  "use strict";

  var COLOURS = {
    booked: "#1b7a2f",
    standby: "#0b5cad",
    sent: "#a35c00",
    queued: "#a35c00",
    declined: "#b3261e",
    expired: "#777777",
    cancelled: "#777777",
    released: "#777777"
  };

  var layers = [];

  function markers(layer, points) {
    layer.clearLayers();
    points.forEach(function (p) {
      // A sign in the marker (the legend's, from the server) so colour is never the only clue.
      var icon = L.divIcon({
        className: "pin st-" + (COLOURS[p.status] ? p.status : "other"),
        html: asText(p.mark),
        iconSize: [20, 20]
      });
      L.marker([p.lat, p.lon], { icon: icon, title: p.label, alt: p.label })
        .bindTooltip(asText(p.label)).addTo(layer);
    });
  }

  // The order page's poll brings the markers anew (#order-points): redraw them in place,
  // leaving the view where the dispatcher left it.
  document.addEventListener("htmx:afterSwap", function () {
    var fresh = document.getElementById("order-points");
    if (!fresh || !layers.length) {
      return;
    }
    var points = JSON.parse(fresh.dataset.points || "[]");
    layers.forEach(function (layer) {
      markers(layer, points);
    });
  });

  function draw(el) {
    if (!window.L || el.dataset.drawn) {
      return;
    }
    el.dataset.drawn = "1";
    var site = [parseFloat(el.dataset.siteLat), parseFloat(el.dataset.siteLon)];
    var points = JSON.parse(el.dataset.points || "[]");
    var map = L.map(el, { keyboard: true, attributionControl: Boolean(el.dataset.tiles) });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    }
    var bounds = L.latLngBounds([site, site]);
    var workers = L.layerGroup().addTo(map);
    layers.push(workers);
    markers(workers, points);
    points.forEach(function (p) {
      bounds.extend([p.lat, p.lon]);
    });
    // The site in a pane above the workers' markers, over any worker living next to it.
    map.createPane("site").style.zIndex = 650;
    L.circleMarker(site, {
      pane: "site", radius: 11, color: "#0d2440", weight: 4, fillColor: "#ffd400", fillOpacity: 1
    }).bindTooltip(asText(el.dataset.siteLabel), { permanent: false }).addTo(map);
    if (points.length) {
      map.fitBounds(bounds.pad(0.15), { maxZoom: 15 });
    } else {
      map.setView(site, 14);
    }
  }

  function drawAll() {
    document.querySelectorAll("[data-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
