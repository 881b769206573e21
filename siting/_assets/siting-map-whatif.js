/* siting map: the what-if panel (MIT, siting project).
 * Sliders and on/off per criterion, presets (every shipped scenario of the level), reset and
 * a YAML download; each change re-scores with SitingWhatIf (siting-whatif.js) and updates the
 * choropleth of the scenario layer, the ranked table, the cards' rank and score, the labels
 * and tooltips, and the URL hash (weights, preset, layer, selected region), which is read back
 * on opening. Everything is built with textContent; no data goes to innerHTML. */
(function (root) {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  }
  function rint(y) {  // Python's round() of a float: half to even
    var f = Math.floor(y), d = y - f;
    if (d > 0.5) return f + 1;
    if (d < 0.5) return f;
    return f % 2 === 0 ? f : f + 1;
  }
  function hex(h) { return [1, 3, 5].map(function (i) { return parseInt(h.slice(i, i + 2), 16); }); }
  /** siting.outputs.maps.style.ramp_color */
  function ramp(stops, t) {
    t = Math.min(1, Math.max(0, t));
    var x = t * (stops.length - 1);
    var i = Math.min(Math.floor(x), stops.length - 2);
    var f = x - i, a = hex(stops[i]), b = hex(stops[i + 1]);
    return "#" + [0, 1, 2].map(function (k) {
      return ("0" + rint(a[k] + (b[k] - a[k]) * f).toString(16)).slice(-2);
    }).join("");
  }
  function scoreText(v) { return v === null || Number.isNaN(v) ? "—" : v.toFixed(1); }

  function attach(ctx) {
    var SW = root.SitingWhatIf;
    var cfg = ctx.cfg;
    var payload = JSON.parse(document.getElementById("siting-whatif").textContent);
    var ui = JSON.parse(document.getElementById("siting-whatif-ui").textContent);
    var t = ui.t;
    var lang = cfg.lang;
    var loaded = payload.scenario;
    var k0 = 0;  // the layer of the loaded scenario
    cfg.layers.forEach(function (lc, k) { if (lc.kind === "result" && lc.result === 0 && !k0) k0 = k; });
    var lc = cfg.layers[k0];
    var orig = {  // the loaded scenario as Python wrote it
      styles: JSON.parse(JSON.stringify(lc.styles)), tooltip: JSON.parse(JSON.stringify(lc.tooltip)),
      label: JSON.parse(JSON.stringify(lc.label)), order: (lc.order || []).slice(),
      badge: JSON.parse(JSON.stringify(lc.badge || {}))
    };
    var top = orig.order.length;
    var codes = payload.regions;
    var table = document.querySelector('table.st-rank[data-layer="' + lc.key + '"]');
    var rows = {};
    if (table) {
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr) {
        rows[tr.getAttribute("data-region")] = tr;
      });
    }
    var cards = {};
    Array.prototype.forEach.call(document.querySelectorAll('article.st-card[data-layer="' + lc.key + '"]'), function (a) {
      cards[a.getAttribute("data-region")] = a;
    });
    var origCells = {};
    Object.keys(rows).forEach(function (code) {
      var td = rows[code].children;
      origCells[code] = [td[0].textContent, td[2].textContent, td[3] ? td[3].cloneNode(true) : null];
    });
    var impMark = table ? table.querySelector(".st-imp-mark") : null;
    var impTitle = impMark ? impMark.title : "";
    // the data-coverage cell: share of the effective weight with a value (as Result.coverage)
    function coverageCell(td, i, sc, eff) {
      var cov = 0, gap = false;
      sc.criteria.forEach(function (c, j) {
        var miss = (c.missing || []).indexOf(i) >= 0;
        if (miss) gap = true; else cov += eff[j];
      });
      td.textContent = (100 * cov).toFixed(0) + "%";
      if (gap) {
        var mark = el("span", "st-imp-mark", "*");
        mark.title = impTitle;
        td.appendChild(mark);
      }
    }

    var st = { view: 0, weights: null, stash: [], last: null };
    function viewPayload() { return st.view === 0 ? payload : SW.withPreset(payload, st.view - 1); }
    function viewScenario() { return viewPayload().scenario; }
    function rawOf(sc) { return sc.criteria.map(function (c) { return c.weight_raw; }); }
    function changed() {
      if (st.view !== 0) return true;
      var raw = rawOf(loaded);
      return st.weights.some(function (w, j) { return w !== raw[j]; });
    }
    function weightsChanged() {
      var raw = rawOf(viewScenario());
      return st.weights.some(function (w, j) { return w !== raw[j]; });
    }

    // ------------------------------------------------------------- panel
    var box = el("details", "st-whatif");
    box.id = "st-whatif";
    var summary = el("summary", null, t.title);
    box.appendChild(summary);
    var bar = el("div", "st-wi-bar");
    var selLabel = el("label", "st-wi-preset");
    selLabel.appendChild(el("span", null, t.preset + " "));
    var select = el("select");
    select.setAttribute("data-wi", "preset");
    SW.scenarioNames(payload).forEach(function (name, k) {
      var sc = k === 0 ? loaded : payload.presets[k - 1];
      var o = el("option", null, k === 0 ? name + " (" + t.loaded + ")" : name);
      o.value = String(k);
      if (!sc.supported) { o.disabled = true; o.title = sc.unsupported_reason || ""; }
      select.appendChild(o);
    });
    selLabel.appendChild(select);
    bar.appendChild(selLabel);
    var resetBtn = el("button", "st-wi-reset", t.reset);
    resetBtn.type = "button";
    resetBtn.setAttribute("data-wi", "reset");
    var yamlBtn = el("button", "st-wi-yaml", t.yaml);
    yamlBtn.type = "button";
    yamlBtn.setAttribute("data-wi", "yaml");
    bar.appendChild(resetBtn);
    bar.appendChild(yamlBtn);
    box.appendChild(bar);
    var msg = el("p", "st-wi-msg");
    box.appendChild(msg);
    var list = el("ul", "st-wi-list");
    box.appendChild(list);
    var left = document.querySelector(".st-left");
    if (left) left.insertBefore(box, left.firstChild);

    var inputs = [];
    function buildSliders() {
      var sc = viewScenario();
      list.textContent = "";
      inputs = [];
      var raw = rawOf(sc);
      var mx = Math.max.apply(null, raw.concat([0]));
      var max = mx > 0 ? 2 * mx : 1;
      sc.criteria.forEach(function (c, j) {
        var li = el("li", "st-wi-item");
        li.setAttribute("data-criterion", c.id);
        var head = el("label", "st-wi-name");
        var on = el("input");
        on.type = "checkbox";
        on.title = t.on;
        on.setAttribute("data-wi", "on");
        head.appendChild(on);
        head.appendChild(el("span", null, lang === "ko" ? c.name_ko : c.name_en));
        var pct = el("span", "st-wi-pct");
        pct.title = t.effective;
        var slider = el("input");
        slider.type = "range";
        slider.min = "0";
        slider.max = String(Math.max(max, st.weights[j]));
        slider.step = "any";
        slider.setAttribute("data-wi", "weight");
        slider.setAttribute("aria-label", lang === "ko" ? c.name_ko : c.name_en);
        li.appendChild(head);
        li.appendChild(pct);
        li.appendChild(slider);
        list.appendChild(li);
        var disabled = !sc.supported;
        on.disabled = disabled || c.dropped;
        slider.disabled = disabled || c.dropped;
        if (c.dropped) li.title = t.dropped;
        slider.addEventListener("input", function () {
          st.weights[j] = Number(slider.value);
          on.checked = st.weights[j] > 0;
          schedule();
        });
        on.addEventListener("change", function () {
          if (on.checked) {
            st.weights[j] = st.stash[j] || raw[j] || max / 4;
          } else {
            if (st.weights[j] > 0) st.stash[j] = st.weights[j];
            st.weights[j] = 0;
          }
          schedule();
        });
        inputs.push({ on: on, slider: slider, pct: pct, crit: c });
      });
    }
    function syncInputs(eff) {
      inputs.forEach(function (inp, j) {
        if (Number(inp.slider.value) !== st.weights[j]) inp.slider.value = String(st.weights[j]);
        inp.on.checked = st.weights[j] > 0;
        inp.pct.textContent = inp.crit.dropped ? "—"
          : eff ? (100 * eff[j]).toFixed(1) + " %" : "";
      });
    }


    // a card shows the rank and score under the new weights; only the open card is updated
    // (on every change and when another one opens)
    function updateCard(code) {
      var card = cards[code], res = st.last;
      if (!card || !res) return;
      var i = codes.indexOf(code), isLoaded = st.isLoaded, delta = st.delta;
      var rk = card.querySelector('[data-kpi="rank"]'), sv = card.querySelector('[data-kpi="score"]');
      var bv = card.querySelector('[data-kpi="base"]');
      if (!rk.hasAttribute("data-orig")) {
        rk.setAttribute("data-orig", rk.textContent);
        if (sv) sv.setAttribute("data-orig", sv.textContent);
        if (bv) bv.setAttribute("data-orig", bv.textContent);
      }
      var s = res.scores[i];
      rk.textContent = isLoaded ? rk.getAttribute("data-orig")
        : s === null ? ui.excluded : fmt(ui.rank_of, { r: (res.tied[i] ? "=" : "") + res.ranks[i], n: st.nRanked });
      if (!isLoaded && delta[i]) {
        rk.appendChild(el("span", "st-wi-delta " + (delta[i] > 0 ? "st-wi-up" : "st-wi-down"),
          " " + (delta[i] > 0 ? "↑" : "↓") + Math.abs(delta[i])));
      }
      if (sv) sv.textContent = isLoaded ? sv.getAttribute("data-orig") : scoreText(s);
      if (bv) bv.textContent = isLoaded ? bv.getAttribute("data-orig") : scoreText(res.base[i]);
      var bars = updateBars(card, i, res, isLoaded);
      var note = card.querySelector(".st-wi-note");
      if (bars) { if (note) note.hidden = true; return; }
      if (!note && !isLoaded) {
        note = el("p", "st-note st-wi-note", t.card_note);
        var kp = card.querySelector(".st-kpis");
        if (kp) kp.parentNode.insertBefore(note, kp.nextSibling);
      }
      if (note) note.hidden = isLoaded;
    }
    // the criterion rows of a card (loaded scenario only: a preset has other criteria):
    // points 100 x weight x score and the weight bar, as siting.outputs.maps draws them
    function updateBars(card, i, res, isLoaded) {
      if (st.view !== 0) return false;
      var lis = card.querySelectorAll("ol.st-crit > li");
      if (lis.length !== loaded.criteria.length) return false;
      var eff = res.weights, wmax = Math.max.apply(null, eff) || 1;
      Array.prototype.forEach.call(lis, function (li, j) {
        if (!li.firstChild && li.hasAttribute("data-ev")) {
          var tpl = document.getElementById("st-ev-" + li.getAttribute("data-ev"));
          if (tpl) li.appendChild(tpl.content.cloneNode(true));
        }
        var pts = li.querySelector(".st-crit-pts"), track = li.querySelector(".st-bar");
        if (!pts || !track) return;
        if (!pts.hasAttribute("data-orig")) {
          pts.setAttribute("data-orig", pts.textContent);
          track.setAttribute("data-orig", track.style.width);
        }
        if (isLoaded) {
          pts.textContent = pts.getAttribute("data-orig");
          track.style.width = track.getAttribute("data-orig");
          return;
        }
        var col = payload.columns[loaded.criteria[j].column];
        var v = col ? col[i] : null, w = eff[j];
        pts.textContent = (v === null || v === undefined ? "—" : (100 * w * v).toFixed(1)) +
          " / " + (100 * w).toFixed(1);
        track.style.width = (100 * w / wmax).toFixed(1) + "%";
      });
      return true;
    }
    ctx.hooks.push(function () { if (ctx.state.selected) updateCard(ctx.state.selected); });

    // ------------------------------------------------------------- apply a result
    function show(res) {
      var sc = viewScenario();
      var isLoaded = !changed();
      var delta = SW.rankChanges(loaded.rank, res.ranks);
      var nRanked = res.ranks.filter(function (r) { return r > 0; }).length;
      var higher = sc.higher_is_better;
      var styles = {}, tips = {}, labels = {};
      codes.forEach(function (code, i) {
        var s = res.scores[i];
        var name = (orig.tooltip[code] || [code])[0];
        if (s === null) {
          styles[code] = { color: ui.no_data, pattern: "excluded" };
          tips[code] = [name, ui.excluded].concat((sc.exclusions[code] || [ui.no_score]).slice(0, 2));
          labels[code] = ui.excluded;
          return;
        }
        var frac = s / 100;
        styles[code] = { color: ramp(ui.ramp, higher ? frac : 1 - frac), pattern: null };
        var rl = (res.tied[i] ? "=" : "") + res.ranks[i];
        var line2 = fmt(ui.rank_fmt, { r: rl }) + " · " + fmt(ui.score_fmt, { s: scoreText(s) });
        var o = orig.tooltip[code] || [];
        var tail = st.view === 0 && orig.styles[code] && orig.styles[code].pattern !== "excluded" ? o.slice(2) : [];
        tips[code] = [name, line2].concat(tail);
        var star = st.view === 0 && /\*$/.test(orig.label[code] || "") ? "*" : "";
        labels[code] = scoreText(s) + star;
      });
      lc.styles = isLoaded ? orig.styles : styles;
      lc.tooltip = isLoaded ? orig.tooltip : tips;
      if (cfg.callouts) {
        var order = res.order.filter(function (i) { return res.ranks[i] > 0; }).slice(0, top).map(function (i) { return codes[i]; });
        lc.order = isLoaded ? orig.order : order;
        lc.badge = {};
        lc.label = {};
        lc.order.forEach(function (c) {
          var i = codes.indexOf(c);
          lc.badge[c] = isLoaded ? orig.badge[c] : String(res.ranks[i]);
          lc.label[c] = isLoaded ? orig.label[c] : labels[c];
        });
      } else {
        lc.label = isLoaded ? orig.label : labels;
      }
      ctx.restyle(k0);
      // the ranked table: new order, rank, score, swatch; ↑/↓ against the loaded scenario
      if (table) {
        var body = table.tBodies[0];
        res.order.forEach(function (i) {
          var code = codes[i], tr = rows[code];
          if (!tr) return;
          var td = tr.children, s = res.scores[i];
          var excl = s === null;
          tr.classList.toggle("st-excl", excl);
          td[0].textContent = isLoaded ? origCells[code][0] : excl ? "-" : (res.tied[i] ? "=" : "") + res.ranks[i];
          var d = delta[i];
          if (!isLoaded && d) {
            td[0].appendChild(el("span", "st-wi-delta " + (d > 0 ? "st-wi-up" : "st-wi-down"), (d > 0 ? "↑" : "↓") + Math.abs(d)));
          }
          td[2].textContent = isLoaded ? origCells[code][1] : excl ? ui.excluded : scoreText(s);
          if (td[3]) {
            if (isLoaded && origCells[code][2]) {
              while (td[3].firstChild) td[3].removeChild(td[3].firstChild);
              Array.prototype.forEach.call(origCells[code][2].childNodes, function (n) {
                td[3].appendChild(n.cloneNode(true));
              });
            }
            else coverageCell(td[3], i, viewScenario(), res.weights);
          }
          var sw = td[1].querySelector(".st-sw");
          if (sw) {
            sw.className = excl ? "st-sw st-sw-excluded" : "st-sw";
            sw.style.background = excl ? "" : lc.styles[code].color;
          }
          body.appendChild(tr);
        });
      }
      st.isLoaded = isLoaded;
      st.delta = delta;
      st.nRanked = nRanked;
      document.body.classList.toggle("st-whatif-on", !isLoaded);
      msg.textContent = isLoaded ? t.same : fmt(t.changed, { name: loaded.name });
      msg.classList.remove("st-wi-error");
      ctx.refresh();
    }

    function apply() {
      var view = viewPayload();
      var sc = view.scenario;
      if (!sc.supported) {
        syncInputs(null);
        msg.textContent = t.unsupported + ": " + (sc.unsupported_reason || "");
        msg.classList.add("st-wi-error");
        yamlBtn.disabled = true;
        return null;
      }
      var eff = SW.effectiveWeights(view, st.weights);
      syncInputs(eff.error ? null : eff.weights);
      var res = SW.score(view, st.weights);
      yamlBtn.disabled = !res.ok;
      if (!res.ok) {
        msg.textContent = res.error;
        msg.classList.add("st-wi-error");
        return null;
      }
      st.last = res;
      show(res);
      writeHash();
      return res;
    }
    var pending = false;
    function schedule() {
      if (pending) return;
      pending = true;
      (root.requestAnimationFrame || setTimeout)(function () { pending = false; apply(); });
    }

    function choose(k, weights) {
      st.view = k;
      select.value = String(k);
      st.weights = weights ? weights.slice() : rawOf(viewScenario());
      st.stash = [];
      buildSliders();
      return apply();
    }

    // ------------------------------------------------------------- URL hash
    var restoring = true;
    function writeHash() {
      if (restoring || location.hash === "#static" || !root.history || !history.replaceState) return;
      var state = {};
      if (st.view !== 0) state.preset = st.view - 1;
      if (weightsChanged()) state.weights = st.weights;
      if (ctx.state.active !== Number(cfg.active || 0)) state.layer = cfg.layers[ctx.state.active].key;
      if (ctx.state.selected) state.region = ctx.state.selected;
      var h = SW.encodeState(payload, state);
      var url = location.href.replace(/#.*$/, "") + (h ? "#" + h : "");
      if (url !== location.href) history.replaceState(null, "", url);
    }
    ctx.hooks.push(writeHash);

    select.addEventListener("change", function () { choose(Number(select.value)); });
    resetBtn.addEventListener("click", function () { choose(0); });
    yamlBtn.addEventListener("click", function () {
      var text;
      try { text = SW.toYaml(viewPayload(), st.weights); } catch (e) { msg.textContent = String(e.message || e); return; }
      var blob = new Blob([text], { type: "application/x-yaml" });
      var a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = (viewScenario().name || "scenario") + "-whatif.yaml";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });

    // ------------------------------------------------------------- open: restore the hash
    var dec = SW.decodeState(payload, location.hash || "");
    var view0 = 0;
    if (dec.preset !== null) {
      var names = SW.scenarioNames(payload);
      var idx = names.indexOf(dec.preset);
      if (idx > 0 && payload.presets[idx - 1].supported) view0 = idx;
    }
    choose(view0, dec.weights);
    if (dec.weights || view0) box.open = true;
    if (dec.layer) {
      cfg.layers.forEach(function (l, k) {
        if (l.key !== dec.layer || k === ctx.state.active) return;
        ctx.groups.forEach(function (g) { if (ctx.map.hasLayer(g)) ctx.map.removeLayer(g); });
        ctx.map.addLayer(ctx.groups[k]);
        ctx.setActive(k);
      });
    }
    if (dec.region) ctx.select(dec.region, true);
    restoring = false;
    writeHash();

    return {
      payload: payload,
      problems: dec.problems,
      state: function () { return { view: st.view, weights: st.weights.slice(), changed: changed() }; },
      result: function () { return st.last; },
      setWeights: function (w) { st.weights = w.slice(); return apply(); },
      choose: choose,
      reset: function () { return choose(0); },
      yaml: function () { return SW.toYaml(viewPayload(), st.weights); }
    };
  }

  root.SitingMapWhatIf = { attach: attach, ramp: ramp };
})(typeof globalThis !== "undefined" ? globalThis : this);
