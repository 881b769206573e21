/* siting map page behaviour (MIT, siting project).
 * Data comes from the JSON block #siting-data; every rich piece of HTML (tables, legends,
 * cards, shared card rows, popups) was written and escaped by the page's Jinja2 templates
 * (siting/_assets/templates/map). This script only toggles it, clones <template> elements, and
 * builds tooltips and labels with textContent: it never assigns data to innerHTML. folium's
 * script hands over the map objects through SitingMap.start (templates/map/boot.js). */
(function () {
  "use strict";
  var SMALL = { "11": 1, "26": 1, "27": 1, "28": 1, "29": 1, "30": 1, "31": 1, "36": 1 };
  var SCALE = 10000;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }

  // rings come as [x0, y0, dx1, dy1, ...] in 1e-4 degree (see siting.outputs.map_geometry._delta)
  function decodeLine(ring, lonLat) {
    var out = new Array(ring.length / 2), x = 0, y = 0;
    for (var i = 0; i < ring.length; i += 2) {
      x += ring[i]; y += ring[i + 1];
      out[i / 2] = lonLat ? [x / SCALE, y / SCALE] : [y / SCALE, x / SCALE];
    }
    return out;
  }
  function decodeGeometry(g) {
    if (!g.enc) return g;
    var polys = g.enc.map(function (p) { return p.map(function (r) { return decodeLine(r, true); }); });
    return g.type === "Polygon" ? { type: "Polygon", coordinates: polys[0] }
      : { type: "MultiPolygon", coordinates: polys };
  }

  // objs: folium's map, layer groups and layer control, handed over by the page's template
  function init(objs) {
    var cfg = JSON.parse(document.getElementById("siting-data").textContent);
    var map = objs.map;
    if (!map) return;
    var t0 = (window.performance && performance.now) ? performance.now() : 0;
    if (location.hash === "#static") document.body.classList.add("st-static");
    if (cfg.level) document.body.classList.add("st-level-" + cfg.level);
    cfg.geometry.features.forEach(function (f) { f.geometry = decodeGeometry(f.geometry); });
    var panes = { "st-patterns": 410, "st-sido": 415, "st-outline": 420, "st-facilities": 450, "st-labels": 460 };
    Object.keys(panes).forEach(function (name) {
      var p = map.createPane(name);
      p.style.zIndex = String(panes[name]);
      if (name !== "st-facilities") p.style.pointerEvents = "none";
    });
    var state = { active: Number(cfg.active) || 0, selected: null, hover: null };
    var fillOpacity = cfg.tiles ? 0.72 : 1;
    var outline = L.geoJSON(null, {
      pane: "st-outline", interactive: false,
      style: function () { return { fill: false, color: "#0b1a2a", weight: cfg.level === "sigungu" ? 2.2 : 2.6, opacity: 1 }; }
    }).addTo(map);
    var hoverLine = L.geoJSON(null, {
      pane: "st-outline", interactive: false,
      style: function () { return { fill: false, color: "#0b1a2a", weight: 1.4, opacity: 0.9 }; }
    }).addTo(map);
    var featureOf = {};
    cfg.geometry.features.forEach(function (f) { featureOf[f.id] = f; });

    // ---------------------------------------------------------------- 시도 outlines (시군구 map)
    if (cfg.outlines) {
      var sidoRenderer = L.svg({ pane: "st-sido", padding: 0.5 });
      var sidoLines = function (lines) { return lines.map(function (r) { return decodeLine(r, false); }); };
      L.polyline(sidoLines(cfg.outlines.coast || []), {
        renderer: sidoRenderer, interactive: false, color: "#3d4a57", weight: 0.8, opacity: 0.9,
        className: "st-sido-coast", smoothFactor: 1
      }).addTo(map);
      L.polyline(sidoLines(cfg.outlines.borders || []), {
        renderer: sidoRenderer, interactive: false, color: "#1f2a36", weight: 1.6, opacity: 0.95,
        className: "st-sido-border", smoothFactor: 1
      }).addTo(map);
    }

    function tipFor(layerCfg, code) {
      var box = el("div");
      (layerCfg.tooltip[code] || []).forEach(function (line) { box.appendChild(el("div", null, line)); });
      return box;
    }

    // ---------------------------------------------------------------- choropleth layers
    // each layer's shapes are made the first time it is shown (one 시군구 layer is ~90k points)
    var built = {};
    var shapesOf = {};  // layer index -> {regions, hatched} (the what-if panel restyles them)
    function hatchLayer(lc) {
      var hatched = cfg.geometry.features.filter(function (f) {
        return lc.styles[f.id] && lc.styles[f.id].pattern === "excluded";
      });
      if (!hatched.length) return null;
      return L.geoJSON({ type: "FeatureCollection", features: hatched }, {
        pane: "st-patterns", interactive: false,
        style: function () {
          return { fillColor: "url(#st-hatch)", fillOpacity: 1, stroke: false, className: "st-pattern st-pattern-excluded" };
        }
      });
    }
    function buildLayer(k) {
      if (built[k]) return;
      built[k] = true;
      var lc = cfg.layers[k];
      var group = objs.layers[k];
      var sig = cfg.level === "sigungu";
      var regions = L.geoJSON(cfg.geometry, {
        style: function (f) {
          var s = lc.styles[f.id] || {};
          return {
            fillColor: s.color || "#d9d9d9", fillOpacity: fillOpacity, color: lc.border,
            weight: lc.border === "#ffffff" ? (sig ? 0.5 : 0.9) : (sig ? 0.4 : 0.6), opacity: sig ? 0.9 : 1,
            className: "st-region st-region-" + lc.key
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
      var hatch = hatchLayer(lc);
      if (hatch) group.addLayer(hatch);
      shapesOf[k] = { regions: regions, hatch: hatch, style: regions.options.style };
    }

    // after lc.styles changed (what-if): recolour the layer's shapes and redo its hatching
    function restyle(k) {
      var sh = shapesOf[k];
      if (!sh) return;
      var group = objs.layers[k];
      sh.regions.setStyle(sh.style);
      if (sh.hatch) group.removeLayer(sh.hatch);
      sh.hatch = hatchLayer(cfg.layers[k]);
      if (sh.hatch) group.addLayer(sh.hatch);
    }

    // ---------------------------------------------------------------- labels
    var labelGroup = objs.labels;
    var labelNodes = {};
    var labelInner = {};  // 시도 map: code -> {inner, dx, dy} (dx, dy: the fixed nudge)
    var callouts = [];  // 시군구: the labelled regions of the active layer, most important first
    if (!cfg.callouts) {
      Object.keys(cfg.regions).forEach(function (code) {
        var r = cfg.regions[code];
        var inner = el("div", "st-label-in");
        inner.setAttribute("data-region", code);
        var dx = Number(r.nudge[0]) || 0, dy = Number(r.nudge[1]) || 0;
        if (dx || dy) inner.style.transform = "translate(calc(-50% + " + dx + "px), calc(-50% + " + dy + "px))";
        var name = el("span", "st-label-name", r.name);
        var sub = el("small", "st-label-sub", "");
        inner.appendChild(name);
        inner.appendChild(sub);
        labelNodes[code] = sub;
        labelInner[code] = { inner: inner, dx: dx, dy: dy };
        var icon = L.divIcon({ className: "st-label" + (SMALL[code] ? " st-label-small" : ""), html: inner, iconSize: [0, 0] });
        labelGroup.addLayer(L.marker(r.label, { icon: icon, interactive: false, keyboard: false, pane: "st-labels" }));
      });
    }

    function buildCallouts() {
      callouts.forEach(function (c) { labelGroup.removeLayer(c.marker); });
      callouts = [];
      var lc = cfg.layers[state.active];
      var codes = (lc.order || []).slice();
      // the selected region is named too, and placed first
      if (state.selected !== null && cfg.regions[state.selected]) {
        codes = [state.selected].concat(codes.filter(function (c) { return c !== state.selected; }));
      }
      codes.forEach(function (code) {
        var r = cfg.regions[code];
        if (!r) return;
        var root = el("div", "st-callout" + (code === state.selected ? " st-callout-selected" : ""));
        var leader = el("div", "st-leader");
        var dot = el("div", "st-anchor");
        var box = el("div", "st-label-in st-callout-box");
        if (lc.badge && lc.badge[code]) box.appendChild(el("span", "st-badge-rank", lc.badge[code]));
        box.appendChild(el("span", "st-label-name", r.name));
        var sub = lc.label[code];
        if (sub === undefined) {  // not a top region: its rank and score from the tooltip
          sub = ((lc.tooltip[code] || [])[1] || "");
        }
        box.appendChild(el("span", "st-label-sub", sub));
        root.appendChild(leader);
        root.appendChild(dot);
        root.appendChild(box);
        var icon = L.divIcon({ className: "st-label st-label-callout", html: root, iconSize: [0, 0] });
        var marker = L.marker(r.label, { icon: icon, interactive: false, keyboard: false, pane: "st-labels" });
        labelGroup.addLayer(marker);
        callouts.push({ code: code, marker: marker, root: root, box: box, leader: leader, dot: dot });
      });
      placeCallouts();
    }

    // facility symbols on the map, in container pixels: labels keep clear of them
    function facilityBoxes(box0) {
      var out = [];
      Array.prototype.forEach.call(map.getContainer().querySelectorAll(".st-fac"), function (n) {
        var r = n.getBoundingClientRect();
        if (r.width && r.height) {
          out.push({ x0: r.left - box0.left, x1: r.right - box0.left, y0: r.top - box0.top, y1: r.bottom - box0.top });
        }
      });
      return out;
    }
    function hits(r, boxes, pad) {
      for (var i = 0; i < boxes.length; i++) {
        var q = boxes[i];
        if (r.x0 < q.x1 + pad && r.x1 > q.x0 - pad && r.y0 < q.y1 + pad && r.y1 > q.y0 - pad) return true;
      }
      return false;
    }
    // 시도 labels: the small regions keep their spot, the others move a little (up to 40 px)
    // where a facility symbol or another label is in the way
    var LABEL_STEPS = [[0, 0]];
    [4, 8, 12, 16, 20, 26, 32, 40].forEach(function (d) {
      [[0, -1], [0, 1], [1, 0], [-1, 0], [1, -1], [-1, -1], [1, 1], [-1, 1]].forEach(function (u) {
        LABEL_STEPS.push([u[0] * d, u[1] * d]);
      });
    });
    function placeLabels() {
      if (cfg.callouts || !map.hasLayer(labelGroup)) return;
      var box0 = map.getContainer().getBoundingClientRect();
      var obstacles = facilityBoxes(box0);
      var placed = [];
      var codes = Object.keys(labelInner).sort(function (a, b) {
        return (SMALL[b] ? 1 : 0) - (SMALL[a] ? 1 : 0) || (a < b ? -1 : a > b ? 1 : 0);
      });
      codes.forEach(function (code) {
        var li = labelInner[code];
        li.inner.style.transform = "translate(calc(-50% + " + li.dx + "px), calc(-50% + " + li.dy + "px))";
        var b = li.inner.getBoundingClientRect();
        if (!b.width) return;
        var r = { x0: b.left - box0.left, x1: b.right - box0.left, y0: b.top - box0.top, y1: b.bottom - box0.top };
        var best = [0, 0];
        for (var k = 0; k < LABEL_STEPS.length; k++) {
          var o = LABEL_STEPS[k];
          var q = { x0: r.x0 + o[0], x1: r.x1 + o[0], y0: r.y0 + o[1], y1: r.y1 + o[1] };
          if (!hits(q, obstacles, 1) && !hits(q, placed, 1)) { best = o; break; }
        }
        placed.push({ x0: r.x0 + best[0], x1: r.x1 + best[0], y0: r.y0 + best[1], y1: r.y1 + best[1] });
        if (best[0] || best[1]) {
          li.inner.style.transform = "translate(calc(-50% + " + (li.dx + best[0]) + "px), calc(-50% + " + (li.dy + best[1]) + "px))";
        }
      });
    }

    // greedy placement: each label (most important first) takes the free spot nearest to its
    // region; a displaced label gets a leader line to a dot on its region
    function placeCallouts() {
      if (!callouts.length || !map.hasLayer(labelGroup)) return;
      var size = map.getSize();
      var placed = [];
      // the legend and the map's own controls are obstacles
      var box0 = map.getContainer().getBoundingClientRect();
      Array.prototype.forEach.call(map.getContainer().querySelectorAll(".leaflet-control"), function (n) {
        var r = n.getBoundingClientRect();
        if (r.width && r.height) {
          placed.push({ x0: r.left - box0.left, x1: r.right - box0.left, y0: r.top - box0.top, y1: r.bottom - box0.top });
        }
      });
      facilityBoxes(box0).forEach(function (q) { placed.push(q); });
      var anchors = callouts.map(function (c) {
        return map.latLngToContainerPoint(cfg.regions[c.code].label);
      });
      function free(r, self) {
        if (r.x0 < 2 || r.y0 < 2 || r.x1 > size.x - 2 || r.y1 > size.y - 2) return false;
        for (var i = 0; i < placed.length; i++) {
          var q = placed[i];
          if (r.x0 < q.x1 + 3 && r.x1 > q.x0 - 3 && r.y0 < q.y1 + 2 && r.y1 > q.y0 - 2) return false;
        }
        for (var j = 0; j < anchors.length; j++) {
          var a = anchors[j];
          if (j !== self && a.x > r.x0 - 4 && a.x < r.x1 + 4 && a.y > r.y0 - 4 && a.y < r.y1 + 4) return false;
        }
        return true;
      }
      function gap(dx, dy, w, h) {  // anchor to the nearest point of a box centred at (dx, dy)
        var px = Math.max(dx - w / 2, Math.min(0, dx + w / 2));
        var py = Math.max(dy - h / 2, Math.min(0, dy + h / 2));
        return [px, py];
      }
      callouts.forEach(function (c, idx) {
        var a = anchors[idx];
        // a region whose label point is out of view gets no label
        c.root.hidden = a.x < 0 || a.y < 0 || a.x > size.x || a.y > size.y;
        if (c.root.hidden) return;
        c.box.style.transform = "translate(-50%, -50%)";
        var w = c.box.offsetWidth, h = c.box.offsetHeight;
        var cands = [[0, 0]];
        for (var iy = -7; iy <= 7; iy++) {
          for (var ix = -2; ix <= 2; ix++) {
            if (ix === 0 && iy === 0) continue;
            var dx = ix === 0 ? 0 : (ix > 0 ? 1 : -1) * (w / 2 + 12 + (Math.abs(ix) - 1) * (w + 8));
            var dy = ix === 0 ? (iy > 0 ? 1 : -1) * (h / 2 + 8 + (Math.abs(iy) - 1) * (h + 3)) : iy * (h + 3);
            cands.push([dx, dy]);
          }
        }
        cands.sort(function (p, q) {
          var gp = gap(p[0], p[1], w, h), gq = gap(q[0], q[1], w, h);
          return (gp[0] * gp[0] + gp[1] * gp[1]) - (gq[0] * gq[0] + gq[1] * gq[1]) || (p[1] - q[1]) || (q[0] - p[0]);
        });
        var best = null;
        for (var i = 0; i < cands.length; i++) {
          var cx = cands[i][0], cy = cands[i][1];
          var r = { x0: a.x + cx - w / 2, x1: a.x + cx + w / 2, y0: a.y + cy - h / 2, y1: a.y + cy + h / 2 };
          if (free(r, idx)) { best = [cx, cy, r]; break; }
        }
        if (!best) {  // no room left near its region: the less important label gives way
          c.root.hidden = true;
          return;
        }
        placed.push(best[2]);
        var bx = best[0], by = best[1];
        c.box.style.transform = "translate(calc(-50% + " + bx + "px), calc(-50% + " + by + "px))";
        var moved = bx !== 0 || by !== 0;
        c.leader.hidden = !moved;
        c.dot.hidden = !moved;
        if (moved) {  // a leader from the anchor to the nearest point of the label's box
          var g = gap(bx, by, w, h);
          c.leader.style.width = Math.sqrt(g[0] * g[0] + g[1] * g[1]).toFixed(1) + "px";
          c.leader.style.transform = "rotate(" + Math.atan2(g[1], g[0]).toFixed(4) + "rad)";
        }
      });
    }
    map.on("moveend resize", placeCallouts);
    map.on("moveend resize", placeLabels);
    map.on("overlayadd", function (e) { if (e.layer === labelGroup) placeCallouts(); });
    map.on("overlayadd overlayremove", function () { placeLabels(); placeCallouts(); });

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
      var group = objs.facilities[k];
      fg.items.forEach(function (it, j) {
        var st = (fg.styles && fg.styles[it.k]) || fg;
        var mk;
        if (st.square) {  // power plants: a square symbol (a div, coloured through style)
          var sq = el("div", "st-fac-square");
          var side = 2 * st.radius;
          sq.style.width = side + "px";
          sq.style.height = side + "px";
          sq.style.background = st.color;
          mk = L.marker([it.lat, it.lon], {
            pane: "st-facilities", keyboard: false,
            icon: L.divIcon({ className: "st-fac st-fac-" + st.kind, html: sq, iconSize: [side, side] })
          });
        } else {
          mk = L.circleMarker([it.lat, it.lon], {
            pane: "st-facilities", radius: st.radius, color: st.hollow ? st.color : "#ffffff",
            weight: st.hollow ? 2 : 1.5, fillColor: st.hollow ? "#ffffff" : st.color, fillOpacity: 0.95,
            className: "st-fac st-fac-" + (st.kind || fg.kind)
          });
        }
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
        var group = objs.facilities[Number(row.getAttribute("data-fac"))];
        row.hidden = !(group && map.hasLayer(group));
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

    // rows shared by several cards are <template id="st-ev-N">; fill a card when it opens
    function fillShared(card) {
      Array.prototype.forEach.call(card.querySelectorAll("li[data-ev]"), function (li) {
        if (li.firstChild) return;
        var tpl = document.getElementById("st-ev-" + li.getAttribute("data-ev"));
        if (tpl) li.appendChild(tpl.content.cloneNode(true));
      });
    }

    var lastLabelLayer = "";
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
      if (card) fillShared(card);
      show(all("article.st-card"), function (n) { return n === card; });
      // a layer's own overview (comparison, robustness), else its result's
      var overviews = all("section.st-overview");
      var own = overviews.some(function (n) { return n.getAttribute("data-layer") === key; });
      show(overviews, function (n) { return !card && n.getAttribute("data-layer") === (own ? key : rk); });
      all("table.st-rank tbody tr").forEach(function (tr) {
        tr.classList.toggle("st-selected", tr.getAttribute("data-region") === state.selected);
      });
      var lc = cfg.layers[state.active];
      if (cfg.callouts) {
        var labelKey = state.active + "|" + state.selected;
        if (lastLabelLayer !== labelKey) { lastLabelLayer = labelKey; buildCallouts(); }
      } else {
        Object.keys(labelNodes).forEach(function (code) { labelNodes[code].textContent = lc.label[code] || ""; });
      }
      islandDots.forEach(function (d) {
        var s = lc.styles[d.region] || {};
        d.marker.setStyle({ fillColor: s.color || "#d9d9d9" });
      });
      if (card) card.parentNode.scrollTop = 0;
      hooks.forEach(function (h) { h(); });
    }
    var hooks = [];  // called after every refresh (selection, layer)

    function hover(code) {
      hoverLine.clearLayers();
      if (code !== null && code !== state.selected && featureOf[code]) hoverLine.addData(featureOf[code]);
    }

    function select(code, fit) {
      state.selected = code;
      outline.clearLayers();
      if (code !== null && featureOf[code]) {
        outline.addData(featureOf[code]);
        if (fit) map.fitBounds(cfg.regions[code].focus, { padding: [40, 40], maxZoom: cfg.focusZoom || 8 });
        var row = all("table.st-rank tbody tr").filter(function (tr) {
          return !tr.closest("table").hidden && tr.getAttribute("data-region") === code;
        })[0];
        if (row && row.scrollIntoView) row.scrollIntoView({ block: "nearest" });
      }
      refreshPanels();
    }

    function setActive(k) {
      buildLayer(k);
      state.active = k;
      refreshPanels();
    }

    map.on("baselayerchange", function (e) {
      objs.layers.forEach(function (g, k) { if (g === e.layer) setActive(k); });
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

    // the page's layout settled after the map was made (level class, layer control moved)
    map.invalidateSize({ animate: false, pan: false });
    map.fitBounds(cfg.bounds, { padding: [8, 8], animate: false });
    var b = L.latLngBounds(cfg.bounds).pad(0.6);
    map.setMaxBounds(b);
    buildLayer(state.active);
    refreshPanels();
    placeLabels();
    var whatif = null;
    if (window.SitingMapWhatIf && document.getElementById("siting-whatif")) {
      whatif = window.SitingMapWhatIf.attach({
        cfg: cfg, map: map, groups: objs.layers, state: state, select: select, setActive: setActive, restyle: restyle,
        refresh: function () { lastLabelLayer = ""; refreshPanels(); },
        hooks: hooks
      });
    }
    window.sitingMap = {
      whatif: whatif,
      map: map, select: select, setActive: setActive, state: state,
      placeLabels: function () { placeLabels(); placeCallouts(); },
      // ms spent in this script, and since navigation start (page parse included)
      renderMs: t0 ? performance.now() - t0 : null,
      readyMs: t0 ? performance.now() : null
    };
    document.body.setAttribute("data-ready", "1");
  }

  // called by the page's template once folium's script made the map (see boot.js)
  window.SitingMap = {
    start: function (objs) {
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", function () { init(objs); });
      } else init(objs);
    }
  };
})();
