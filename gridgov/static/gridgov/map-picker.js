/* gridgov maps: grid polygons on a blank background (no tile server), optionally a point picker.
 *
 *   <div class="map" data-geojson="/geo/grids.json"
 *        data-pick="1" data-lon-input="id_lon" data-lat-input="id_lat" data-status="map-status">  picker
 *   <div class="map" data-geojson="/geo/grids.json" data-marker-lon="…" data-marker-lat="…">      read-only
 *
 * The grid containing the picked point is found here only to tell the user; the server decides.
 */
(function () {
  "use strict";
  if (!window.L) return;

  function inRing(lon, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function inPolygon(lon, lat, rings) {
    if (!rings.length || !inRing(lon, lat, rings[0])) return false;
    for (var h = 1; h < rings.length; h++) if (inRing(lon, lat, rings[h])) return false;
    return true;
  }

  function gridAt(features, lon, lat) {
    for (var i = 0; i < features.length; i++) {
      var g = features[i].geometry;
      if (!g) continue;
      var polys = g.type === "MultiPolygon" ? g.coordinates : g.type === "Polygon" ? [g.coordinates] : [];
      for (var p = 0; p < polys.length; p++) if (inPolygon(lon, lat, polys[p])) return features[i];
    }
    return null;
  }

  function init(el) {
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false, tap: true });
    el._gridgovMap = map;
    map.setView([0, 0], 2);
    // The picked point sits above the grid name labels (tooltips), which would otherwise hide it.
    map.createPane("picked").style.zIndex = 700;
    var lonInput = el.dataset.lonInput && document.getElementById(el.dataset.lonInput);
    var latInput = el.dataset.latInput && document.getElementById(el.dataset.latInput);
    var status = el.dataset.status && document.getElementById(el.dataset.status);
    var marker = null;
    var features = [];

    function say(text, bad) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("error", !!bad);
    }

    function place(lat, lon) {
      if (marker) marker.setLatLng([lat, lon]);
      else marker = L.circleMarker([lat, lon], { pane: "picked", radius: 9, color: "#fff", weight: 3, fillColor: "#c62828", fillOpacity: 1 }).addTo(map);
    }

    function pick(lat, lon) {
      var hit = gridAt(features, lon, lat);
      if (!hit) {
        if (marker) { map.removeLayer(marker); marker = null; }
        lonInput.value = ""; latInput.value = "";
        say(el.dataset.msgOutside, true);
        return;
      }
      place(lat, lon);
      lonInput.value = lon.toFixed(6);
      latInput.value = lat.toFixed(6);
      say(el.dataset.msgPicked + hit.properties.name, false);
      el.dataset.picked = hit.properties.code;
    }

    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (fc) {
        features = fc.features || [];
        var layer = L.geoJSON(fc, {
          style: { color: "#c62828", weight: 1.5, fillColor: "#c62828", fillOpacity: 0.06 },
          onEachFeature: function (f, l) {
            // Leaflet puts a string tooltip in as HTML: a grid named "<img onerror=…>" would run. A
            // node with textContent shows the name as the text it is.
            var label = document.createElement("span");
            label.textContent = f.properties.name == null ? "" : String(f.properties.name);
            l.bindTooltip(label, { permanent: true, direction: "center", className: "grid-label" });
          },
        }).addTo(map);
        if (features.length) map.fitBounds(layer.getBounds(), { padding: [12, 12] });
        var mLon = parseFloat(el.dataset.markerLon), mLat = parseFloat(el.dataset.markerLat);
        if (!isNaN(mLon) && !isNaN(mLat)) { place(mLat, mLon); map.setView([mLat, mLon], Math.max(map.getZoom(), 14)); }
        if (el.dataset.pick && lonInput && lonInput.value && latInput.value) pick(parseFloat(latInput.value), parseFloat(lonInput.value));
        el.dataset.ready = "1";
      })
      .catch(function () { say(el.dataset.msgFailed || "", true); el.dataset.ready = "error"; });

    if (el.dataset.pick && lonInput && latInput) {
      map.on("click", function (e) { pick(e.latlng.lat, e.latlng.lng); });
    }
  }

  document.querySelectorAll(".map[data-geojson]").forEach(init);
})();
