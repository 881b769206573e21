/* siting what-if engine: re-scores a scenario in the browser with other weights, as
 * siting/score.py does, from the payload written by siting/whatif.py (schema siting-whatif/1).
 * Dependency-free ES2017; sets globalThis.SitingWhatIf (and module.exports under Node).
 *
 * Exactness: weight normalisation, the points, the tie rule (round to 9 decimals, half to even,
 * ties by region code) and, for wpm and topsis, numpy's pairwise summation are reproduced
 * operation by operation. wsm's dot product is numpy's BLAS call in Python, whose summation
 * order depends on the CPU, so a score may differ in the last bits (about 1e-14 on 0-100);
 * Math.log/exp may differ from numpy's by one unit in the last place. Parity is tested to 1e-9.
 */
(function (root) {
  "use strict";

  const SCHEMA = "siting-whatif/1";
  const MAX_WEIGHT = 1e6; // siting.config.MAX_WEIGHT: a scenario with more does not load
  const METHODS = { wsm: true, wpm: true, topsis: true };
  const cache = new WeakMap();

  // ------------------------------------------------------------------ numerics
  /** numpy's pairwise summation (add.reduce over a contiguous axis) of a[lo .. lo+n). */
  function pairwise(a, lo, n) {
    if (n < 8) {
      let r = 0;
      for (let i = 0; i < n; i++) r += a[lo + i];
      return r;
    }
    if (n <= 128) {
      let r0 = a[lo], r1 = a[lo + 1], r2 = a[lo + 2], r3 = a[lo + 3];
      let r4 = a[lo + 4], r5 = a[lo + 5], r6 = a[lo + 6], r7 = a[lo + 7];
      const end = n - (n % 8);
      let i = 8;
      for (; i < end; i += 8) {
        r0 += a[lo + i]; r1 += a[lo + i + 1]; r2 += a[lo + i + 2]; r3 += a[lo + i + 3];
        r4 += a[lo + i + 4]; r5 += a[lo + i + 5]; r6 += a[lo + i + 6]; r7 += a[lo + i + 7];
      }
      let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) res += a[lo + i];
      return res;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwise(a, lo, n2) + pairwise(a, lo + n2, n - n2);
  }

  /** numpy's sum() along a row: the identity 0 plus the pairwise sum. */
  function npSum(a, n) {
    return 0 + pairwise(a, 0, n);
  }

  /** Python's sum() of floats: sequential before 3.12, Neumaier-compensated from 3.12. */
  function pySum(xs, mode) {
    let s = 0;
    if (mode !== "neumaier") {
      for (const x of xs) s += x;
      return s;
    }
    let c = 0;
    for (const x of xs) {
      const t = s + x;
      if (Math.abs(s) >= Math.abs(x)) c += (s - t) + x;
      else c += (x - t) + s;
      s = t;
    }
    return c !== 0 && Number.isFinite(c) ? s + c : s;
  }

  /** numpy.rint: round half to even. */
  function rint(y) {
    const f = Math.floor(y);
    const d = y - f;
    if (d > 0.5) return f + 1;
    if (d < 0.5) return f;
    return f % 2 === 0 ? f : f + 1;
  }

  /** numpy.round(x, decimals) for decimals >= 0: rint(x * 10**d) / 10**d. */
  function npRound(x, decimals) {
    const f = Math.pow(10, decimals);
    return rint(x * f) / f;
  }

  // ------------------------------------------------------------------ payload
  function entries(payload) {
    return [payload.scenario].concat(payload.presets || []);
  }

  /** The payload with one of its presets (by index or name) as the scenario; null if none. */
  function withPreset(payload, which) {
    const list = payload.presets || [];
    let sc = null;
    if (typeof which === "number") sc = list[which] || null;
    else sc = entries(payload).find((s) => s.name === which) || null;
    return sc ? Object.assign({}, payload, { scenario: sc }) : null;
  }

  /** Names of the loaded scenario and the presets (the loaded one first). */
  function scenarioNames(payload) {
    return entries(payload).map((s) => s.name);
  }

  function prepared(payload) {
    const sc = payload.scenario;
    const hit = cache.get(sc);
    if (hit && hit.columns === payload.columns) return hit;
    const m = sc.criteria.length;
    const rows = [];
    sc.status.forEach((st, i) => {
      if (st !== "excluded") rows.push(i);
    });
    const V = new Float64Array(rows.length * m);
    sc.criteria.forEach((c, j) => {
      const col = payload.columns[c.column];
      rows.forEach((i, r) => {
        const v = col[i];
        V[r * m + j] = v === null || v === undefined ? NaN : v;
      });
    });
    const codes = payload.regions;
    const prep = {
      columns: payload.columns,
      rows: rows,
      V: V,
      m: m,
      dropped: sc.criteria.map((c) => !!c.dropped),
      adjustment: sc.adjustment,
      terms: new Float64Array(m),
      codes: codes,
    };
    cache.set(sc, prep);
    return prep;
  }

  /** Raw weights as an array aligned with the criteria, or {error}. ``weights`` may be an
   * array, an object keyed by criterion id (missing ids keep the scenario's weight) or null. */
  function readWeights(sc, weights) {
    const crit = sc.criteria;
    let raw;
    if (weights === null || weights === undefined) {
      raw = crit.map((c) => c.weight_raw);
    } else if (Array.isArray(weights) || ArrayBuffer.isView(weights)) {
      if (weights.length !== crit.length) {
        return { error: `expected ${crit.length} weights, got ${weights.length}` };
      }
      raw = Array.from(weights);
    } else if (typeof weights === "object") {
      raw = crit.map((c) =>
        Object.prototype.hasOwnProperty.call(weights, c.id) ? weights[c.id] : c.weight_raw
      );
    } else {
      return { error: "weights must be an array or an object keyed by criterion id" };
    }
    for (let j = 0; j < raw.length; j++) {
      const x = typeof raw[j] === "string" && raw[j].trim() !== "" ? Number(raw[j]) : raw[j];
      if (typeof x !== "number" || !Number.isFinite(x) || x < 0 || x > MAX_WEIGHT) {
        return {
          error: `weight of ${crit[j].id} must be a number between 0 and ${MAX_WEIGHT}`,
          criterion: crit[j].id,
        };
      }
      raw[j] = x === 0 ? 0 : x; // -0 -> 0
    }
    return { raw: raw };
  }

  /** Effective weights exactly as Scenario.effective_weights() and score._redistribute(). */
  function effectiveWeights(payload, raw) {
    const sc = payload.scenario;
    const mode = payload.float_sum;
    const total = pySum(raw, mode);
    if (!(total > 0)) return { error: "all weights are zero: give a criterion a weight" };
    let w = raw.map((x) => x / total);
    const dropped = sc.criteria.map((c) => !!c.dropped);
    if (dropped.some(Boolean)) {
      const rest = pySum(w.filter((_, j) => !dropped[j]), mode);
      w = w.map((x, j) => (dropped[j] || rest <= 0 ? 0 : x / rest));
    }
    return { weights: w };
  }

  // ------------------------------------------------------------------ scoring
  function aggregate(method, prep, w) {
    const { V, m, rows, terms } = prep;
    const k = rows.length;
    const out = new Float64Array(k);
    if (method === "wsm") {
      for (let r = 0; r < k; r++) {
        let s = 0;
        const o = r * m;
        for (let j = 0; j < m; j++) s += w[j] * V[o + j];
        out[r] = 100 * s;
      }
    } else if (method === "wpm") {
      for (let r = 0; r < k; r++) {
        const o = r * m;
        for (let j = 0; j < m; j++) terms[j] = w[j] === 0 ? 0 : w[j] * Math.log(V[o + j]);
        out[r] = 100 * Math.exp(npSum(terms, m));
      }
    } else {
      // topsis: ideal and anti-ideal are the column max/min over the ranked regions
      const W = new Float64Array(k * m);
      const pis = new Float64Array(m).fill(-Infinity);
      const nis = new Float64Array(m).fill(Infinity);
      for (let r = 0; r < k; r++) {
        for (let j = 0; j < m; j++) {
          const x = V[r * m + j] * w[j];
          W[r * m + j] = x;
          if (x > pis[j]) pis[j] = x;
          if (x < nis[j]) nis[j] = x;
        }
      }
      for (let r = 0; r < k; r++) {
        const o = r * m;
        for (let j = 0; j < m; j++) {
          const d = W[o + j] - pis[j];
          terms[j] = d * d;
        }
        const dp = Math.sqrt(npSum(terms, m));
        for (let j = 0; j < m; j++) {
          const d = W[o + j] - nis[j];
          terms[j] = d * d;
        }
        const dm = Math.sqrt(npSum(terms, m));
        const total = dp + dm;
        out[r] = 100 * (total > 0 ? dm / total : 0.5);
      }
    }
    return out;
  }

  /** Competition ranks as score.rank_scores: 0 for unranked, ties on scores rounded. */
  function rankScores(scores, codes, higher, decimals) {
    const n = scores.length;
    const rank = new Array(n).fill(0);
    const tied = new Array(n).fill(false);
    const valid = [];
    const key = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      if (s !== null && !Number.isNaN(s)) {
        valid.push(i);
        const q = npRound(s, decimals);
        key[i] = higher ? -q : q;
      }
    }
    valid.sort((a, b) => {
      if (key[a] !== key[b]) return key[a] < key[b] ? -1 : 1;
      return codes[a] < codes[b] ? -1 : codes[a] > codes[b] ? 1 : 0;
    });
    let start = 1;
    for (let p = 0; p < valid.length; p++) {
      const i = valid[p];
      if (p > 0 && key[i] !== key[valid[p - 1]]) start = p + 1;
      else if (p > 0) {
        tied[i] = true;
        tied[valid[p - 1]] = true;
      }
      rank[i] = start;
    }
    return { rank: rank, tied: tied, order: valid };
  }

  /** Per region: fromRanks[i] - toRanks[i] (> 0: moved up), null where either is 0 (unranked).
   * Use it to compare against another scenario than the one scored (e.g. the loaded one). */
  function rankChanges(fromRanks, toRanks) {
    return toRanks.map((r, i) => (r > 0 && fromRanks[i] > 0 ? fromRanks[i] - r : null));
  }

  function failure(message) {
    return { ok: false, error: message, scores: null, ranks: null, tied: null };
  }

  /**
   * Re-score payload.scenario with ``weights``. Returns
   * {ok, error, weights (effective, summing to 1), base, scores (null where excluded),
   *  ranks (0 = not ranked), tied, order (ranked region indices, best first, then the rest by
   *  code), rankDelta (loaded rank - new rank: > 0 moved up; null where either is unranked)}.
   * On bad weights or all-zero weights: {ok: false, error: message}.
   */
  function score(payload, weights) {
    if (!payload || payload.schema !== SCHEMA) return failure(`not a ${SCHEMA} payload`);
    const sc = payload.scenario;
    if (!sc.supported || !METHODS[sc.method]) {
      return failure(sc.unsupported_reason || `method ${sc.method} cannot be re-scored here`);
    }
    const read = readWeights(sc, weights);
    if (read.error) return failure(read.error);
    const eff = effectiveWeights(payload, read.raw);
    if (eff.error) return failure(eff.error);
    const w = eff.weights;
    const prep = prepared(payload);
    const agg = aggregate(sc.method, prep, w);
    const n = payload.regions.length;
    const base = new Array(n).fill(null);
    const scores = new Array(n).fill(null);
    prep.rows.forEach((i, r) => {
      base[i] = agg[r];
      scores[i] = agg[r] + prep.adjustment[i];
    });
    const ranked = rankScores(scores, prep.codes, sc.higher_is_better, payload.tie_decimals);
    const rest = [];
    for (let i = 0; i < n; i++) if (ranked.rank[i] === 0) rest.push(i);
    rest.sort((a, b) => (prep.codes[a] < prep.codes[b] ? -1 : 1));
    const rankDelta = rankChanges(sc.rank, ranked.rank);
    return {
      ok: true,
      error: null,
      weights: w,
      base: base,
      scores: scores,
      ranks: ranked.rank,
      tied: ranked.tied,
      order: ranked.order.concat(rest),
      rankDelta: rankDelta,
    };
  }

  // ------------------------------------------------------------------ YAML
  const RESERVED = /^(y|n|yes|no|true|false|on|off|null|~)$/i;

  function yamlString(s) {
    let out = '"';
    for (const ch of String(s)) {
      const c = ch.codePointAt(0);
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (c >= 0x20 && c <= 0x7e) out += ch;
      else if (c === 0x0a) out += "\\n";
      else if (c === 0x09) out += "\\t";
      else if (
        (c >= 0xa0 && c <= 0xd7ff && c !== 0x2028 && c !== 0x2029) ||
        (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
        c >= 0x10000
      ) {
        out += ch;
      } else {
        out += "\\u" + c.toString(16).padStart(4, "0");
      }
    }
    return out + '"';
  }

  function yamlNumber(x) {
    if (!Number.isFinite(x)) throw new Error(`cannot write ${x} to a scenario`);
    if (Object.is(x, -0)) return "-0.0";
    const s = String(x); // shortest form that reads back as the same double
    if (/^-?\d+$/.test(s)) return s;
    const e = s.indexOf("e");
    if (e < 0) return s;
    // YAML 1.1 (PyYAML) reads a float only with a dot and a signed exponent
    let mant = s.slice(0, e);
    let exp = s.slice(e + 1);
    if (mant.indexOf(".") < 0) mant += ".0";
    if (exp[0] !== "-" && exp[0] !== "+") exp = "+" + exp;
    return mant + "e" + exp;
  }

  function yamlKey(k) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !RESERVED.test(k) ? k : yamlString(k);
  }

  function isMap(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  function inline(v) {
    if (Array.isArray(v)) return "[]";
    if (isMap(v)) return "{}";
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") return yamlNumber(v);
    return yamlString(v);
  }

  function emitMap(obj, indent, lines) {
    const pad = " ".repeat(indent);
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      const head = pad + yamlKey(k) + ":";
      if (isMap(v) && Object.keys(v).length) {
        lines.push(head);
        emitMap(v, indent + 2, lines);
      } else if (Array.isArray(v) && v.length) {
        lines.push(head);
        emitSeq(v, indent + 2, lines);
      } else {
        lines.push(head + " " + inline(v));
      }
    }
  }

  function emitSeq(arr, indent, lines) {
    const pad = " ".repeat(indent);
    for (const v of arr) {
      if (isMap(v) && Object.keys(v).length) {
        const sub = [];
        emitMap(v, indent + 2, sub);
        sub[0] = pad + "- " + sub[0].slice(indent + 2);
        lines.push.apply(lines, sub);
      } else if (Array.isArray(v) && v.length) {
        lines.push(pad + "-");
        emitSeq(v, indent + 2, lines);
      } else {
        lines.push(pad + "- " + inline(v));
      }
    }
  }

  function oneLine(s) {
    return String(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");
  }

  /**
   * A scenario YAML that `siting rank -s FILE` scores exactly as score(payload, weights):
   * the full resolved scenario (criteria, rules, method, level) with the new raw weights.
   * opts.name sets its name (default "<scenario>-whatif"). Throws on invalid weights.
   */
  function toYaml(payload, weights, opts) {
    const sc = payload.scenario;
    const read = readWeights(sc, weights);
    if (read.error) throw new Error(read.error);
    const eff = effectiveWeights(payload, read.raw);
    if (eff.error) throw new Error(eff.error);
    const spec = JSON.parse(JSON.stringify(sc.spec));
    const name = (opts && opts.name) || `${sc.name}-whatif`;
    const doc = { name: String(name) };
    for (const k of Object.keys(spec)) if (k !== "name") doc[k] = spec[k];
    doc.level = payload.level;
    doc.criteria = doc.criteria || {};
    sc.criteria.forEach((c, j) => {
      doc.criteria[c.id] = Object.assign({}, doc.criteria[c.id] || {}, { weight: read.raw[j] });
    });
    const lines = [
      "# siting scenario written by the map's what-if panel; check it with:",
      "#   siting rank -s THIS_FILE",
      `# based on: ${oneLine(sc.name)} (${oneLine(payload.level)}, run ${oneLine(sc.hash)})`,
    ];
    emitMap(doc, 0, lines);
    return lines.join("\n") + "\n";
  }

  // ------------------------------------------------------------------ URL state
  /** FNV-1a of the criterion ids: weights from a link only apply to the same criteria. */
  function signature(sc) {
    let h = 0x811c9dc5;
    const text = sc.criteria.map((c) => c.id).join("\n");
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(36);
  }

  /** The view as a URL hash (without '#'): state = {preset, weights, layer, region}. */
  function encodeState(payload, state) {
    const st = state || {};
    const parts = [];
    let view = payload;
    if (st.preset !== undefined && st.preset !== null) {
      view = withPreset(payload, st.preset) || payload;
      parts.push("p=" + encodeURIComponent(view.scenario.name));
    }
    if (st.weights) {
      const read = readWeights(view.scenario, st.weights);
      if (!read.error) parts.push("w=" + signature(view.scenario) + ":" + read.raw.map(String).join(","));
    }
    if (st.layer) parts.push("l=" + encodeURIComponent(String(st.layer)));
    if (st.region) parts.push("r=" + encodeURIComponent(String(st.region)));
    return parts.join("&");
  }

  /** Parse a URL hash; never throws. Unknown or malformed parts are dropped and listed in
   * ``problems``. Returns {preset (name or null), weights (array or null), layer, region}. */
  function decodeState(payload, hash) {
    const out = { preset: null, weights: null, layer: null, region: null, problems: [] };
    if (typeof hash !== "string" || hash.length > 8000) {
      if (hash) out.problems.push("state ignored: not a string or too long");
      return out;
    }
    const fields = {};
    for (const part of hash.replace(/^#/, "").split("&")) {
      const eq = part.indexOf("=");
      if (eq <= 0) continue;
      try {
        fields[part.slice(0, eq)] = decodeURIComponent(part.slice(eq + 1));
      } catch (e) {
        out.problems.push(`bad encoding in ${part.slice(0, eq)}`);
      }
    }
    let view = payload;
    if (fields.p !== undefined) {
      const v = withPreset(payload, fields.p);
      if (v) {
        view = v;
        out.preset = fields.p;
      } else out.problems.push(`unknown scenario ${JSON.stringify(fields.p.slice(0, 80))}`);
    }
    if (fields.w !== undefined) {
      const colon = fields.w.indexOf(":");
      const sig = fields.w.slice(0, colon);
      const vals = fields.w.slice(colon + 1).split(",").map((t) => (/^[0-9.eE+-]+$/.test(t) ? Number(t) : NaN));
      const read = readWeights(view.scenario, vals);
      if (colon < 0 || sig !== signature(view.scenario)) {
        out.problems.push("weights ignored: they were made for other criteria");
      } else if (read.error) {
        out.problems.push("weights ignored: " + read.error);
      } else if (effectiveWeights(view, read.raw).error) {
        out.problems.push("weights ignored: all are zero");
      } else out.weights = read.raw;
    }
    if (fields.l !== undefined) {
      if (/^[A-Za-z0-9_.:-]{1,64}$/.test(fields.l)) out.layer = fields.l;
      else out.problems.push("layer ignored");
    }
    if (fields.r !== undefined) {
      if (payload.regions.indexOf(fields.r) >= 0) out.region = fields.r;
      else out.problems.push("region ignored: not on this map");
    }
    return out;
  }

  const api = {
    SCHEMA: SCHEMA,
    score: score,
    toYaml: toYaml,
    encodeState: encodeState,
    decodeState: decodeState,
    withPreset: withPreset,
    scenarioNames: scenarioNames,
    rankChanges: rankChanges,
    effectiveWeights: function (payload, weights) {
      const read = readWeights(payload.scenario, weights);
      return read.error ? read : effectiveWeights(payload, read.raw);
    },
    _internal: { pairwise: pairwise, npRound: npRound, pySum: pySum, yamlNumber: yamlNumber, yamlString: yamlString },
  };
  root.SitingWhatIf = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
