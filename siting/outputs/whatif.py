"""The what-if payload: what the map's browser engine needs to re-score a scenario exactly.

Every input of the aggregation except the weights is fixed by the data and the scenario's
rules, so it is computed once, here, from a :class:`~siting.engine.result.Result`:

- ``V`` (regions x criteria), the 0-1 scores *after* value functions, missing-value fills and
  the ``inherited:`` discount. Value-function bounds taken from data and the fills ``median`` /
  ``worst`` use the observed values of one criterion only, never the weights;
- which regions the constraints and ``missing: exclude`` drop, which they force back in, and the
  bonus/penalty points per ranked region (constraints test indicator values, not weights);
- criteria dropped because ``inherited: exclude`` left them without a value (their weight is
  shared among the others, as :func:`siting.engine.score.score` does).

The browser (``siting/_assets/siting-whatif.js``) then only normalises weights, aggregates
(wsm, wpm, topsis), adds the points and ranks with the tie rule of
:func:`siting.engine.score.rank_scores`. Each preset is a complete scenario entry of its own (its
value functions, rules and points may differ); the transformed columns are stored once in a
shared pool and referenced by index, so presets that share a criterion share its column.
Floats are written with ``repr`` (shortest round-trip form), so JSON carries them exactly.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import SitingError
from siting.engine.aggregate import BUILTIN
from siting.engine.score import TIE_DECIMALS, score
from siting.scenario.loading import available_scenarios, load_scenario

if TYPE_CHECKING:
    from siting.data.dataset import Dataset
    from siting.engine.result import Result

SCHEMA = "siting-whatif/1"
# Python's sum() of floats is compensated (Neumaier) from 3.12 on; effective_weights() uses it
FLOAT_SUM = "neumaier" if sys.version_info >= (3, 12) else "sequential"


def _floats(a: np.ndarray) -> list[float | None]:
    arr = np.asarray(a, dtype=float)
    out: list[float | None] = arr.tolist()
    for i in np.flatnonzero(np.isnan(arr)).tolist():
        out[i] = None
    return out


class _Pool:
    """Transformed columns, each stored once."""

    def __init__(self) -> None:
        self.columns: list[list[float | None]] = []
        self._index: dict[tuple[float | None, ...], int] = {}

    def add(self, col: np.ndarray) -> int:
        values = _floats(col)
        key = tuple(values)
        if key not in self._index:
            self._index[key] = len(self.columns)
            self.columns.append(values)
        return self._index[key]


def _scenario_entry(result: Result, pool: _Pool, regions: list[str]) -> dict[str, Any]:
    if result.regions != regions:
        raise ValueError("a preset was scored on another dataset (its regions differ)")
    method = result.method
    supported = method in BUILTIN
    # score() drops a criterion left without any value (coverage 0) and shares its weight
    dropped = {c.id for c in result.criteria if c.coverage == 0}
    criteria = []
    for j, c in enumerate(result.criteria):
        criteria.append(
            {
                "id": c.id,
                "name_ko": c.indicator.name_ko,
                "name_en": c.indicator.name_en,
                "unit": c.indicator.unit,
                "weight_raw": float(c.weight_raw),
                "weight": float(c.weight),
                "dropped": c.id in dropped,
                "column": pool.add(result.transformed[:, j]),
                # regions without a value (imputed or excluded): the coverage column
                "missing": [int(i) for i in np.flatnonzero(np.isnan(result.raw[:, j]))],
            }
        )
    status = [result.status(i) for i in range(len(regions))]
    spec = result.scenario.canonical()
    spec["level"] = result.dataset.level
    return {
        "name": result.scenario.name or "",
        "method": method,
        "higher_is_better": bool(result.higher_is_better),
        "supported": supported,
        "unsupported_reason": None
        if supported
        else f"method {method!r} is computed by pymcdm in Python; the map re-scores only "
        "wsm, wpm and topsis",
        "criteria": criteria,
        "status": status,
        "exclusions": {k: list(v) for k, v in sorted(result.exclusions.items())},
        "forced": dict(sorted(result.forced.items())),
        "adjustment": [float(x) for x in result.adjustment],
        "adjustments": [
            {"region": a.region, "points": float(a.points), "reason": a.reason}
            for a in result.adjustments
        ],
        "base": _floats(result.base_score),
        "score": _floats(result.score),
        "rank": [int(r) for r in result.rank],
        "tied": [bool(t) for t in result.tied],
        "hash": result.hash,
        "spec": spec,
    }


def whatif_payload(result: Result, presets: list[Result] | None = None) -> dict[str, Any]:
    """Everything the browser needs to re-score ``result``'s scenario (and each preset) with
    other weights, JSON-ready and deterministic. ``presets`` must be scored on the same
    dataset; the loaded scenario is ``payload["scenario"]``, presets follow in the given order.
    """
    ds = result.dataset
    regions = list(result.regions)
    pool = _Pool()
    scenario = _scenario_entry(result, pool, regions)
    preset_entries = [_scenario_entry(p, pool, regions) for p in presets or []]
    return {
        "schema": SCHEMA,
        "level": ds.level,
        "regions": regions,
        "names": {
            "ko": [ds.region_name(c, "ko") for c in regions],
            "en": [ds.region_name(c, "en") for c in regions],
        },
        "tie_decimals": TIE_DECIMALS,
        "float_sum": FLOAT_SUM,
        "columns": pool.columns,
        "scenario": scenario,
        "presets": preset_entries,
    }


def shipped_presets(ds: Dataset) -> list[Result]:
    """The bundled scenarios scored on ``ds`` (those written for another level are skipped)."""
    out = []
    for name in available_scenarios():
        sc = load_scenario(name)
        if sc.level is not None and sc.level != ds.level:
            continue
        try:
            out.append(score(ds, sc))
        except SitingError:
            continue  # e.g. a criterion the level has no data for
    return out


# characters that may only occur inside JSON strings, written as \u escapes for <script>
_HTML_SAFE = {c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}


def whatif_json(payload: dict[str, Any], *, for_html: bool = False) -> str:
    """The payload as compact JSON (floats exact); ``for_html`` makes it safe inside <script>."""
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if for_html:
        for c, escaped in _HTML_SAFE.items():  # str.replace: ~20x faster than str.translate
            text = text.replace(c, escaped)
    return text
