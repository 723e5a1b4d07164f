/* Maps on Yankao pages (templates/includes/map.html): one point, a pin the user
   places (mirrored in the latitude/longitude inputs), or a collection of points
   from a GeoJSON URL. No inline script: the CSP allows only this file. */
(function () {
  "use strict";

  function pair(text) {
    if (!text) return null;
    var parts = text.split(",").map(Number);
    return parts.length === 2 && parts.every(isFinite) ? parts : null;
  }

  function popup(props) {
    var box = document.createElement("div");
    var title = document.createElement(props.url ? "a" : "strong");
    title.textContent = props.title || "";
    if (props.url) title.href = props.url;
    box.appendChild(title);
    if (props.text) {
      var text = document.createElement("p");
      text.textContent = props.text;
      box.appendChild(text);
    }
    return box;
  }

  function init(el) {
    if (typeof L === "undefined" || el.dataset.ready) return;
    el.dataset.ready = "1";
    var center = pair(el.dataset.center) || [22.6273, 120.3014];
    var marker = pair(el.dataset.marker);
    var map = L.map(el, { keyboard: true }).setView(marker || center, marker ? 16 : Number(el.dataset.zoom || 12));
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var pin = marker ? L.marker(marker, { keyboard: false }).addTo(map) : null;

    var latInput = el.dataset.pickLat && document.getElementById(el.dataset.pickLat);
    var lonInput = el.dataset.pickLon && document.getElementById(el.dataset.pickLon);
    if (latInput && lonInput) {
      var place = function (lat, lon) {
        if (pin) pin.setLatLng([lat, lon]);
        else pin = L.marker([lat, lon], { keyboard: false }).addTo(map);
      };
      var fromInputs = function () {
        var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
        if (isFinite(lat) && isFinite(lon)) { place(lat, lon); map.panTo([lat, lon]); }
      };
      fromInputs();
      latInput.addEventListener("change", fromInputs);
      lonInput.addEventListener("change", fromInputs);
      map.on("click", function (event) {
        latInput.value = event.latlng.lat.toFixed(6);
        lonInput.value = event.latlng.lng.toFixed(6);
        place(event.latlng.lat, event.latlng.lng);
      });
    }

    if (el.dataset.geojson) {
      fetch(el.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          var layer = L.geoJSON(data, {
            onEachFeature: function (feature, item) { item.bindPopup(popup(feature.properties || {})); }
          }).addTo(map);
          if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [20, 20] });
        });
    }
  }

  function start() { document.querySelectorAll(".map[data-tiles], .map[data-center]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
