/* siting map page behaviour (MIT, siting project).
 * Data comes from the JSON block #siting-data; every rich piece of HTML (tables, legends,
 * cards, popups) was written and escaped by Python. This script only toggles it, and builds
 * tooltips and labels with textContent: it never assigns data to innerHTML. */
(function () {
  "use strict";
  var SMALL = { "11": 1, "26": 1, "27": 1, "28": 1, "29": 1, "30": 1, "31": 1, "36": 1 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }

  function init() {
    var cfg = JSON.parse(document.getElementById("siting-data").textContent);
    var map = window[cfg.map];
    if (!map) return;
    if (location.hash === "#static") document.body.classList.add("st-static");
    var panes = { "st-patterns": 410, "st-outline": 420, "st-facilities": 450, "st-labels": 460 };
    Object.keys(panes).forEach(function (name) {
      var p = map.createPane(name);
      p.style.zIndex = String(panes[name]);
      if (name !== "st-facilities") p.style.pointerEvents = "none";
    });
    var state = { active: 0, selected: null, hover: null };
    var fillOpacity = cfg.tiles ? 0.72 : 1;
    var outline = L.geoJSON(null, {
      pane: "st-outline", interactive: false,
      style: function () { return { fill: false, color: "#0b1a2a", weight: 2.6, opacity: 1 }; }
    }).addTo(map);
    var hoverLine = L.geoJSON(null, {
      pane: "st-outline", interactive: false,
      style: function () { return { fill: false, color: "#0b1a2a", weight: 1.4, opacity: 0.9 }; }
    }).addTo(map);
    var featureOf = {};
    cfg.geometry.features.forEach(function (f) { featureOf[f.id] = f; });

    function tipFor(layerCfg, code) {
      var box = el("div");
      (layerCfg.tooltip[code] || []).forEach(function (line) { box.appendChild(el("div", null, line)); });
      return box;
    }

    // ---------------------------------------------------------------- choropleth layers
    cfg.layers.forEach(function (lc, k) {
      var group = window[lc.group];
      var regions = L.geoJSON(cfg.geometry, {
        style: function (f) {
          var s = lc.styles[f.id] || {};
          return {
            fillColor: s.color || "#d9d9d9", fillOpacity: fillOpacity, color: lc.border,
            weight: lc.border === "#ffffff" ? 0.9 : 0.6, opacity: 1, className: "st-region st-region-" + lc.key
          };
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(function () { return tipFor(lc, f.id); },
            { sticky: true, direction: "top", offset: [0, -10], className: "st-tip", opacity: 1 });
          layer.on("mouseover", function () { hover(f.id); });
          layer.on("mouseout", function () { hover(null); });
          layer.on("click", function () { select(f.id, false); });
        }
      });
      group.addLayer(regions);
      var hatched = cfg.geometry.features.filter(function (f) {
        return lc.styles[f.id] && lc.styles[f.id].pattern === "excluded";
      });
      if (hatched.length) {
        group.addLayer(L.geoJSON({ type: "FeatureCollection", features: hatched }, {
          pane: "st-patterns", interactive: false,
          style: function () {
            return { fillColor: "url(#st-hatch)", fillOpacity: 1, stroke: false, className: "st-pattern st-pattern-excluded" };
          }
        }));
      }
    });

    // ---------------------------------------------------------------- labels
    var labelGroup = window[cfg.labels];
    var labelNodes = {};
    Object.keys(cfg.regions).forEach(function (code) {
      var r = cfg.regions[code];
      var inner = el("div", "st-label-in");
      var dx = Number(r.nudge[0]) || 0, dy = Number(r.nudge[1]) || 0;
      if (dx || dy) inner.style.transform = "translate(calc(-50% + " + dx + "px), calc(-50% + " + dy + "px))";
      var name = el("span", "st-label-name", r.name);
      var sub = el("small", "st-label-sub", "");
      inner.appendChild(name);
      inner.appendChild(sub);
      labelNodes[code] = sub;
      var icon = L.divIcon({ className: "st-label" + (SMALL[code] ? " st-label-small" : ""), html: inner, iconSize: [0, 0] });
      labelGroup.addLayer(L.marker(r.label, { icon: icon, interactive: false, keyboard: false, pane: "st-labels" }));
    });

    var islandDots = [];
    (cfg.islands || []).forEach(function (isl) {
      if (isl.dot) {
        var dot = L.circleMarker(isl.label, {
          pane: "st-outline", interactive: false, radius: 2.5, color: "#3b4652", weight: 0.8,
          fillOpacity: 1, fillColor: "#d9d9d9", className: "st-island-dot"
        });
        dot.addTo(map);
        islandDots.push({ marker: dot, region: isl.region });
      }
      var inner = el("div", "st-label-in", isl.name);
      var icon = L.divIcon({ className: "st-label st-island", html: inner, iconSize: [0, 0] });
      labelGroup.addLayer(L.marker(isl.label, { icon: icon, interactive: false, keyboard: false, pane: "st-labels" }));
    });

    // ---------------------------------------------------------------- facilities
    cfg.facilities.forEach(function (fg, k) {
      var group = window[fg.group];
      fg.items.forEach(function (it, j) {
        var mk = L.circleMarker([it.lat, it.lon], {
          pane: "st-facilities", radius: fg.radius, color: fg.hollow ? fg.color : "#ffffff",
          weight: fg.hollow ? 2 : 1.5, fillColor: fg.hollow ? "#ffffff" : fg.color, fillOpacity: 0.95,
          className: "st-fac st-fac-" + fg.kind
        });
        mk.bindTooltip(function () { return el("span", null, it.name); }, { direction: "top", offset: [0, -6] });
        mk.bindPopup(function () {
          var box = el("div");
          var tpl = document.getElementById("st-pop-" + k + "-" + j);
          if (tpl) box.appendChild(tpl.content.cloneNode(true));
          return box;
        }, { maxWidth: 320 });
        group.addLayer(mk);
      });
    });

    // ---------------------------------------------------------------- legend control
    var legendNode = document.getElementById("st-legend");
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      L.DomEvent.disableClickPropagation(legendNode);
      L.DomEvent.disableScrollPropagation(legendNode);
      return legendNode;
    };
    legend.addTo(map);
    var facRows = all(".st-legend-fac .st-legend-row");
    function refreshFacLegend() {
      facRows.forEach(function (row) {
        var fg = cfg.facilities[Number(row.getAttribute("data-fac"))];
        row.hidden = !(fg && map.hasLayer(window[fg.group]));
      });
      var box = document.querySelector(".st-legend-fac");
      if (box) box.hidden = facRows.every(function (r) { return r.hidden; });
    }
    map.on("overlayadd overlayremove", refreshFacLegend);
    refreshFacLegend();
    // the layer control lives in the side panel, under the ranked table
    var layersBox = document.getElementById("st-layers");
    var lcNode = map.getContainer().querySelector(".leaflet-control-layers");
    if (layersBox && lcNode) layersBox.appendChild(lcNode);
    L.control.scale({ position: "bottomleft", imperial: false, maxWidth: 120 }).addTo(map);

    // ---------------------------------------------------------------- panels
    function show(nodes, pred) { nodes.forEach(function (n) { n.hidden = !pred(n); }); }
    function resultKey() { return "r" + cfg.layers[state.active].result; }

    function refreshPanels() {
      var key = cfg.layers[state.active].key;
      show(all(".st-legend-body"), function (n) { return n.getAttribute("data-layer") === key; });
      show(all("table.st-rank"), function (n) { return n.getAttribute("data-layer") === key; });
      var rk = resultKey();
      var card = null;
      if (state.selected !== null) {
        card = all("article.st-card").filter(function (n) {
          return n.getAttribute("data-layer") === rk && n.getAttribute("data-region") === state.selected;
        })[0] || null;
      }
      show(all("article.st-card"), function (n) { return n === card; });
      show(all("section.st-overview"), function (n) { return !card && n.getAttribute("data-layer") === rk; });
      all("table.st-rank tbody tr").forEach(function (tr) {
        tr.classList.toggle("st-selected", tr.getAttribute("data-region") === state.selected);
      });
      var lc = cfg.layers[state.active];
      Object.keys(labelNodes).forEach(function (code) { labelNodes[code].textContent = lc.label[code] || ""; });
      islandDots.forEach(function (d) {
        var s = lc.styles[d.region] || {};
        d.marker.setStyle({ fillColor: s.color || "#d9d9d9" });
      });
      if (card) card.parentNode.scrollTop = 0;
    }

    function hover(code) {
      hoverLine.clearLayers();
      if (code !== null && code !== state.selected && featureOf[code]) hoverLine.addData(featureOf[code]);
    }

    function select(code, fit) {
      state.selected = code;
      outline.clearLayers();
      if (code !== null && featureOf[code]) {
        outline.addData(featureOf[code]);
        if (fit) map.fitBounds(cfg.regions[code].focus, { padding: [40, 40], maxZoom: 8 });
        var row = all("table.st-rank tbody tr").filter(function (tr) {
          return !tr.closest("table").hidden && tr.getAttribute("data-region") === code;
        })[0];
        if (row && row.scrollIntoView) row.scrollIntoView({ block: "nearest" });
      }
      refreshPanels();
    }

    function setActive(k) {
      state.active = k;
      refreshPanels();
    }

    map.on("baselayerchange", function (e) {
      cfg.layers.forEach(function (lc, k) { if (window[lc.group] === e.layer) setActive(k); });
    });
    all("table.st-rank tbody tr").forEach(function (tr) {
      function go() { select(tr.getAttribute("data-region"), true); }
      tr.addEventListener("click", go);
      tr.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); }
      });
    });
    all(".st-close").forEach(function (b) { b.addEventListener("click", function () { select(null, false); }); });
    document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") select(null, false); });

    map.fitBounds(cfg.bounds, { padding: [8, 8], animate: false });
    var b = L.latLngBounds(cfg.bounds).pad(0.6);
    map.setMaxBounds(b);
    refreshPanels();
    window.sitingMap = { map: map, select: select, setActive: setActive, state: state };
    document.body.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
