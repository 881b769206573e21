"""The what-if payload and an independent Python model of the browser engine.

The payload claims that everything but the weights is fixed: the transformed matrix, the rules
and the points. These tests re-score with other weights through score() and check that claim,
then re-compute scores from the payload alone (the formulas siting-whatif.js implements,
written again here without numpy's aggregators) and compare them with score().
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from functools import cache

import numpy as np
import pytest

from siting.data.dataset import Dataset, load_dataset
from siting.engine.result import Result
from siting.engine.score import rank_scores, score
from siting.outputs.whatif import SCHEMA, whatif_json, whatif_payload
from siting.scenario.loading import available_scenarios, load_scenario
from siting.scenario.model import Scenario
from tests.conftest import make_dataset, make_scenario

LEVELS = ("sido", "sigungu")


@cache
def dataset(level: str) -> Dataset:
    return load_dataset(None, level=level)


def cases() -> Iterator[tuple[str, str, Scenario]]:
    """(level, label, scenario): every shipped scenario at its levels, and variants that
    exercise wpm, topsis and the inherited-value policies (fills, discounts, dropped criteria)."""
    for level in LEVELS:
        for name in available_scenarios():
            sc = load_scenario(name)
            if sc.level is not None and sc.level != level:
                continue
            yield level, name, sc
        for method in ("wpm", "topsis"):
            sc = load_scenario("base")
            sc.method = method
            yield level, f"base-{method}", sc
    for policy in ("exclude", 0.5):
        sc = load_scenario("base")
        sc.inherited = policy
        yield "sigungu", f"base-inherited-{policy}", sc
    sc = load_scenario("power-first")
    sc.missing = "median"
    sc.inherited = "exclude"
    yield "sigungu", "power-first-median-exclude", sc


CASES = list(cases())
CASE_IDS = [f"{lv}:{label}" for lv, label, _ in CASES]


def reweighted(sc: Scenario, weights: list[float]) -> Scenario:
    """A copy of ``sc`` with new raw weights, in the order of its active criteria."""
    out = sc.model_copy(deep=True)
    for cid, w in zip(out.active_criteria, weights, strict=True):
        out.criteria[cid].weight = float(w)  # type: ignore[union-attr]
    return out


def random_weights(rng: np.random.Generator, m: int, k: int) -> list[list[float]]:
    """``k`` weight vectors: integers, decimals and zeros on some criteria (never all zero)."""
    out = []
    for i in range(k):
        if i % 3 == 0:
            w = rng.integers(0, 101, m).astype(float)
        else:
            w = np.round(rng.uniform(0, 50, m), int(rng.integers(0, 4)))
        w[rng.random(m) < 0.25] = 0.0
        if not w.any():
            w[int(rng.integers(m))] = 1.0
        out.append([float(x) for x in w])
    return out


# --------------------------------------------------------------- a model of siting-whatif.js
def pairwise(a: list[float]) -> float:
    """numpy's pairwise summation, written out."""
    n = len(a)
    if n < 8:
        r = 0.0
        for x in a:
            r += x
        return r
    if n <= 128:
        acc = list(a[:8])
        i = 8
        while i < n - n % 8:
            for j in range(8):
                acc[j] += a[i + j]
            i += 8
        res = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
        for x in a[i:]:
            res += x
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return pairwise(a[:n2]) + pairwise(a[n2:])


def rint(y: float) -> float:
    f = math.floor(y)
    d = y - f
    if d != 0.5:
        return float(f + (d > 0.5))
    return float(f if f % 2 == 0 else f + 1)


def model_score(payload: dict, raw: list[float]) -> tuple[list[float | None], list[int]]:
    """Scores and ranks from the payload alone, as the browser computes them."""
    sc = payload["scenario"]
    crit = sc["criteria"]
    total = 0.0
    for x in raw:
        total += x
    w = [x / total for x in raw]
    dropped = [c["dropped"] for c in crit]
    if any(dropped):
        rest = 0.0
        for x, d in zip(w, dropped, strict=True):
            if not d:
                rest += x
        w = [0.0 if d or rest <= 0 else x / rest for x, d in zip(w, dropped, strict=True)]
    cols = [payload["columns"][c["column"]] for c in crit]
    rows = [i for i, st in enumerate(sc["status"]) if st != "excluded"]
    V = [[cols[j][i] for j in range(len(crit))] for i in rows]
    method = sc["method"]
    base: list[float] = []
    if method == "wsm":
        for v in V:
            s = 0.0
            for wj, vj in zip(w, v, strict=True):
                s += wj * vj
            base.append(100.0 * s)
    elif method == "wpm":
        for v in V:
            terms = [
                0.0 if wj == 0 else wj * (math.log(vj) if vj > 0 else -math.inf)
                for wj, vj in zip(w, v, strict=True)
            ]
            base.append(100.0 * math.exp(0.0 + pairwise(terms)))
    else:
        W = [[vj * wj for vj, wj in zip(v, w, strict=True)] for v in V]
        pis = [max(col) for col in zip(*W, strict=True)]
        nis = [min(col) for col in zip(*W, strict=True)]
        for row in W:
            dp = math.sqrt(
                0.0 + pairwise([(x - p) * (x - p) for x, p in zip(row, pis, strict=True)])
            )
            dm = math.sqrt(
                0.0 + pairwise([(x - q) * (x - q) for x, q in zip(row, nis, strict=True)])
            )
            base.append(100.0 * (dm / (dp + dm) if dp + dm > 0 else 0.5))
    scores: list[float | None] = [None] * len(payload["regions"])
    for i, b in zip(rows, base, strict=True):
        scores[i] = b + sc["adjustment"][i]
    f = 10.0 ** payload["tie_decimals"]
    sign = -1.0 if sc["higher_is_better"] else 1.0
    codes = payload["regions"]
    valid = sorted(
        (i for i, s in enumerate(scores) if s is not None),
        key=lambda i: (sign * (rint(scores[i] * f) / f), codes[i]),  # type: ignore[operator]
    )
    ranks = [0] * len(scores)
    prev = None
    for pos, i in enumerate(valid, start=1):
        key = rint(scores[i] * f) / f  # type: ignore[operator]
        if key != prev:
            start, prev = pos, key
        ranks[i] = start
    return scores, ranks


# --------------------------------------------------------------- tests
def _same_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=True))


@pytest.mark.parametrize(("level", "label", "sc"), CASES, ids=CASE_IDS)
def test_inputs_do_not_depend_on_weights(level: str, label: str, sc: Scenario) -> None:
    """V, exclusions, forced inclusions and points are the same whatever the weights."""
    ds = dataset(level)
    ref = score(ds, sc)
    rng = np.random.default_rng(7)
    for raw in random_weights(rng, len(sc.active_criteria), 4):
        r = score(ds, reweighted(sc, raw))
        assert _same_arrays(r.transformed, ref.transformed)
        assert _same_arrays(r.included, ref.included)
        assert _same_arrays(r.adjustment, ref.adjustment)
        assert r.exclusions == ref.exclusions and r.forced == ref.forced
        p, q = whatif_payload(r), whatif_payload(ref)
        assert p["columns"] == q["columns"]
        for key in ("status", "adjustment", "exclusions", "forced", "adjustments"):
            assert p["scenario"][key] == q["scenario"][key]
        assert [c["dropped"] for c in p["scenario"]["criteria"]] == [
            c["dropped"] for c in q["scenario"]["criteria"]
        ]


@pytest.mark.parametrize(("level", "label", "sc"), CASES, ids=CASE_IDS)
def test_model_of_the_browser_engine_matches_score(level: str, label: str, sc: Scenario) -> None:
    ds = dataset(level)
    payload = json.loads(whatif_json(whatif_payload(score(ds, sc))))
    rng = np.random.default_rng(11)
    worst = 0.0
    for raw in random_weights(rng, len(sc.active_criteria), 25):
        r = score(ds, reweighted(sc, raw))
        scores, ranks = model_score(payload, raw)
        assert ranks == [int(x) for x in r.rank]
        for s, t in zip(scores, r.score, strict=True):
            assert (s is None) == bool(np.isnan(t))
            if s is not None:
                worst = max(worst, abs(s - float(t)))
    assert worst <= 1e-9


def test_dropped_criteria_and_fills_are_in_the_payload() -> None:
    sc = load_scenario("base")
    sc.inherited = "exclude"
    r = score(dataset("sigungu"), sc)
    crit = whatif_payload(r)["scenario"]["criteria"]
    dropped = {c["id"] for c in crit if c["dropped"]}
    assert dropped and dropped == {c.id for c in r.criteria if c.weight == 0 and c.weight_raw > 0}
    assert all(c["weight"] == 0 for c in crit if c["dropped"])
    assert abs(sum(c["weight"] for c in crit) - 1) < 1e-12


def test_constraint_effects_in_the_payload() -> None:
    m = np.array([[1.0, 5.0], [2.0, np.nan], [3.0, 1.0], [4.0, 2.0], [np.nan, 3.0]])
    ds = make_dataset(m)
    sc = make_scenario(
        [1.0, 1.0],
        missing="exclude",
        constraints=[
            {"kind": "exclude", "indicator": "c0", "below": 1.5, "reason": "too small"},
            {"kind": "include", "regions": ["R01"], "reason": "policy pick"},
            {"kind": "bonus", "indicator": "c0", "at_least": 3, "points": 4, "reason": "big"},
            {"kind": "penalty", "indicator": "c1", "at_least": 5, "points": 2, "reason": "high c1"},
            {"kind": "bonus", "regions": ["R02"], "points": 1.5, "reason": "again"},
        ],
    )
    r = score(ds, sc)
    p = whatif_payload(r)["scenario"]
    assert p["status"] == ["excluded", "forced", "included", "included", "excluded"]
    assert set(p["exclusions"]) == {"R00", "R04"} and set(p["forced"]) == {"R01"}
    # points only for ranked regions; two rules on R02 add up
    assert p["adjustment"] == [0.0, 0.0, 5.5, 4.0, 0.0]
    assert [a["region"] for a in p["adjustments"]] == ["R02", "R03", "R02"]
    # the forced region's missing value is filled with the worst observed score
    col = whatif_payload(r)["columns"][p["criteria"][1]["column"]]
    assert col[1] == min(v for v in col if v is not None)
    assert col[4] is None or p["status"][4] == "excluded"


def test_json_is_exact_and_deterministic() -> None:
    ds = dataset("sigungu")
    sc = load_scenario("balanced-development")
    r = score(ds, sc)
    a = whatif_json(whatif_payload(r, [r]))
    b = whatif_json(whatif_payload(score(ds, load_scenario("balanced-development")), [r]))
    assert a == b
    data = json.loads(a)
    assert data["schema"] == SCHEMA and data["level"] == "sigungu"
    for j, c in enumerate(data["scenario"]["criteria"]):
        col = np.array([np.nan if v is None else v for v in data["columns"][c["column"]]])
        assert _same_arrays(col, r.transformed[:, j])  # bit for bit
    # presets share the column pool: the same scenario adds no column
    assert data["presets"][0]["criteria"] == data["scenario"]["criteria"]
    assert len(data["columns"]) == len({tuple(c) for c in data["columns"]})
    html = whatif_json(whatif_payload(r), for_html=True)
    assert "<" not in html and json.loads(html) == json.loads(whatif_json(whatif_payload(r)))


def test_unsupported_method_says_why() -> None:
    pytest.importorskip("pymcdm")
    sc = load_scenario("grid-impact-bands")
    sc.method = "vikor"
    p = whatif_payload(score(dataset("sido"), sc))["scenario"]
    assert p["supported"] is False and "pymcdm" in p["unsupported_reason"]


def test_tie_model_matches_rank_scores() -> None:
    """The rounding model (rint half to even of x * 1e9) ties exactly where numpy's does."""
    rng = np.random.default_rng(3)
    base = rng.uniform(0, 100, 50)
    x = np.concatenate([base, base + 4e-10, base + 6e-10, np.round(base, 9) + 5e-10])
    assert [rint(v * 1e9) / 1e9 for v in x] == list(np.round(x, 9))
    codes = [f"R{i:03d}" for i in range(x.size)]
    payload = {
        "regions": codes,
        "tie_decimals": 9,
        "columns": [list(x / 100)],
        "scenario": {
            "criteria": [{"column": 0, "dropped": False}],
            "status": ["included"] * x.size,
            "method": "wsm",
            "adjustment": [0.0] * x.size,
            "higher_is_better": True,
        },
    }
    scores, ranks = model_score(payload, [1.0])
    rank, _ = rank_scores(np.array(scores, dtype=float), codes)
    assert ranks == [int(v) for v in rank]


def result_for(level: str, label: str) -> Result:
    sc = next(s for lv, lb, s in CASES if lv == level and lb == label)
    return score(dataset(level), sc)
