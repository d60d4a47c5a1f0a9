// An order's map: the site and the offered workers, read from the map div's data attributes
// and drawn with Leaflet (vendored, no CDN). Without a tile URL there is no tile layer, and
// the points still show as circles on a blank map.
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
    points.forEach(function (p) {
      // A sign in the marker (the legend's, from the server) so colour is never the only clue.
      var icon = L.divIcon({
        className: "pin st-" + (COLOURS[p.status] ? p.status : "other"),
        html: asText(p.mark),
        iconSize: [20, 20]
      });
      L.marker([p.lat, p.lon], { icon: icon, title: p.label, alt: p.label })
        .bindTooltip(asText(p.label)).addTo(map);
      bounds.extend([p.lat, p.lon]);
    });
    // The site last, so it is drawn on top of any worker living next to it.
    L.circleMarker(site, {
      radius: 11, color: "#0d2440", weight: 4, fillColor: "#ffd400", fillOpacity: 1
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
