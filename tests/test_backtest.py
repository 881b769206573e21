"""Backtest and weight fitting: exact statistics, leakage guard, recovery of known weights."""

from __future__ import annotations

import itertools
from datetime import date
from fractions import Fraction

import numpy as np
import pytest

from siting.backtest import (
    Decision,
    backtest,
    guarded_scenario,
    poisson_binomial_tail,
    reciprocal_rank_tail,
)
from siting.dataset import Indicator, Value
from siting.fit import build_pairs, fit_weights, objective, solve

from .conftest import make_dataset, make_scenario


def decision(
    i: int, chosen: list[str], rivals: list[str] | None = None, when: date = date(2026, 6, 1)
) -> Decision:
    return Decision(
        f"d{i}",
        f"project {i}",
        "org",
        when,
        when.isoformat(),
        "ai_datacenter",
        chosen,
        rivals or [],
        "s",
    )


def test_poisson_binomial_matches_enumeration() -> None:
    ps = [0.1, 0.5, 0.25, 1 / 3]
    for k in range(6):
        brute = sum(
            np.prod([p if o else 1 - p for p, o in zip(ps, outcome, strict=True)])
            for outcome in itertools.product([0, 1], repeat=len(ps))
            if sum(outcome) >= k
        )
        assert poisson_binomial_tail(ps, k) == pytest.approx(brute, abs=1e-12)


def test_reciprocal_rank_tail_matches_enumeration() -> None:
    ns = [4, 3, 5]
    sums = [
        sum(Fraction(1, r) for r in ranks)
        for ranks in itertools.product(*(range(1, n + 1) for n in ns))
    ]
    for observed in (Fraction(1, 1), Fraction(3, 2), Fraction(7, 3), Fraction(3, 1)):
        brute = sum(s >= observed for s in sums) / len(sums)
        assert reciprocal_rank_tail(ns, float(observed)) == pytest.approx(brute, abs=1e-12)


def _with_leaky_indicator():
    """Two criteria: c0 is harmless, c1 encodes the decision (the chosen region 'has a project')."""
    X = np.array([[1.0, 1.0], [3.0, 0.0], [2.0, 0.0]])
    ds = make_dataset(X)
    ds.indicators["c1"] = Indicator(**{**ds.indicators["c1"].__dict__, "encodes_decisions": True})
    return ds


def test_leakage_guard_drops_an_indicator_that_encodes_the_decision() -> None:
    ds = _with_leaky_indicator()
    sc = make_scenario([1, 10])
    bt = backtest(ds, sc, [decision(0, ["R00"])])
    item = bt.items[0]
    assert item.guard.dropped == [("c1", "encodes siting decisions")]
    assert item.rank == 3  # without the leak R00 is last on c0
    # without the guard the planted leak would have made it first
    from siting.score import score

    assert score(ds, sc).rank[0] == 1


def test_leakage_guard_back_dates_data_that_postdate_the_decision() -> None:
    ds = make_dataset(np.array([[1.0], [2.0]]))  # period 2025
    ds.values.extend(
        [
            Value("R00", "c0", "2023", 9.0, "s", "q", "", 100),
            Value("R01", "c0", "2023", 1.0, "s", "q", "", 101),
        ]
    )
    ds.__dict__.pop("_columns", None)
    sc, guard = guarded_scenario(
        ds, make_scenario([1]), decision(0, ["R00"], when=date(2024, 5, 1))
    )
    assert guard.substituted == [("c0", "2025", "2023")]
    assert sc.criteria["c0"].period == "2023"
    bt = backtest(ds, make_scenario([1]), [decision(0, ["R00"], when=date(2024, 5, 1))])
    assert bt.items[0].rank == 1
    with pytest.raises(Exception, match="no criteria"):
        guarded_scenario(ds, make_scenario([1]), decision(0, ["R00"], when=date(2022, 1, 1)))


def test_rank_among_rivals_and_summary() -> None:
    X = np.array([[5.0], [4.0], [3.0], [2.0], [1.0]])
    ds = make_dataset(X)
    decs = [decision(0, ["R01"], rivals=["R03", "R04"]), decision(1, ["R00"])]
    bt = backtest(ds, make_scenario([1]), decs)
    a, b = bt.items
    assert (a.rank, a.rank_among_candidates, a.n_candidates) == (2, 1, 3)
    assert b.rank == 1 and b.rank_among_candidates is None
    s = bt.summary
    assert (s.hit1, s.hit3) == (1, 2)
    assert s.mrr == pytest.approx((1 / 2 + 1) / 2)
    assert s.expected_hit1 == pytest.approx(2 / 5)


def _synthetic_decisions(true_w: np.ndarray, n_regions: int = 40, n_dec: int = 80, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, (n_regions, len(true_w)))
    ds = make_dataset(X)
    scores = X @ true_w  # bounds of the value functions are the data min/max: fix them below
    decs = []
    for k in range(n_dec):
        cand = rng.choice(n_regions, size=6, replace=False)
        best = cand[np.argmax(scores[cand])]
        decs.append(decision(k, [f"R{best:02d}"], [f"R{c:02d}" for c in cand if c != best]))
    crit = {f"c{j}": {"lo": 0, "hi": 1} for j in range(len(true_w))}
    return ds, make_scenario([1] * len(true_w), criteria=crit), decs


@pytest.mark.parametrize("seed", range(3))
def test_fit_recovers_the_order_of_known_weights(seed: int) -> None:
    true_w = np.array([0.45, 0.3, 0.17, 0.08])
    ds, prior, decs = _synthetic_decisions(true_w, seed=seed)
    fit = fit_weights(ds, prior, decs, regularization=0.0, margin=2.0)
    assert list(np.argsort(-fit.weights)) == [0, 1, 2, 3]
    assert fit.in_sample["beats_all_share"] > fit.in_sample["prior_beats_all_share"]


def test_fit_agrees_with_brute_force_on_a_small_case() -> None:
    true_w = np.array([0.6, 0.3, 0.1])
    ds, prior, decs = _synthetic_decisions(true_w, n_regions=12, n_dec=10, seed=4)
    pairs = build_pairs(ds, prior, decs)
    w0 = np.full(3, 1 / 3)
    for reg in (0.0, 2.0):
        w = solve(pairs, w0, reg, margin=3.0)
        best = objective(pairs, w, w0, reg, margin=3.0)
        grid = [
            np.array([a, b, 1 - a - b])
            for a in np.linspace(0, 1, 201)
            for b in np.linspace(0, 1, 201)
            if a + b <= 1 + 1e-12
        ]
        brute = min(objective(pairs, g, w0, reg, margin=3.0) for g in grid)
        assert best <= brute + 1e-9  # the LP is at least as good as every grid point
        assert best >= brute - 0.5  # and the grid (step 0.005) gets close to it


def test_fitted_scenario_is_a_valid_scenario(tmp_path) -> None:
    from siting.config import load_scenario
    from siting.fit import fitted_scenario_yaml

    ds, prior, decs = _synthetic_decisions(np.array([0.5, 0.3, 0.2]), n_dec=20)
    fit = fit_weights(ds, prior, decs)
    path = tmp_path / "fitted.yaml"
    path.write_text(fitted_scenario_yaml(prior, fit, "synthetic"), encoding="utf-8")
    sc = load_scenario(path)
    assert sc.name == "t-fitted"
    ew = sc.effective_weights()
    np.testing.assert_allclose([ew[c] for c in fit.criteria], fit.weights, atol=1e-4)


def test_a_chosen_region_the_scenario_excludes_counts_as_a_miss() -> None:
    X = np.array([[5.0], [4.0], [3.0]])
    ds = make_dataset(X)
    sc = make_scenario(
        [1],
        constraints=[{"kind": "exclude", "regions": ["R00"], "reason": "excluded for the test"}],
    )
    bt = backtest(ds, sc, [decision(0, ["R00"]), decision(1, ["R01"])])
    assert [it.rank for it in bt.items] == [0, 1]
    s = bt.summary
    assert s.items == 2 and s.hit1 == 1 and s.mrr == pytest.approx(0.5)


def test_reciprocal_rank_tail_vectorised_equals_the_plain_loop() -> None:
    """The array version visits and sums states in the loop's order: bit-identical results."""
    import math
    import random
    from functools import reduce

    from siting.backtest import _reciprocal_rank_tail_py, reciprocal_rank_tail

    rnd = random.Random(3)
    for _ in range(60):
        ns = [rnd.randint(1, 20) for _ in range(rnd.randint(1, 8))]
        observed = sum(1 / rnd.randint(1, n) for n in ns) * rnd.choice([0.5, 1, 1.2])
        lcm = reduce(lambda a, b: a * b // math.gcd(a, b), range(1, max(ns) + 1), 1)
        expected = _reciprocal_rank_tail_py(ns, lcm, round(observed * lcm))
        assert reciprocal_rank_tail(ns, observed) == expected
