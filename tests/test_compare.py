"""Scenario comparison: agreement measures against scipy/pymcdm, movers and their drivers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siting.analysis import compare as cmpmod
from siting.analysis.compare import compare
from siting.engine.score import score

from .conftest import make_dataset, make_scenario

scipy_stats = pytest.importorskip("scipy.stats")


@st.composite
def score_pairs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(3, 30))
    a = np.array(draw(st.lists(st.integers(0, 8), min_size=n, max_size=n)), dtype=float)
    b = np.array(draw(st.lists(st.integers(0, 8), min_size=n, max_size=n)), dtype=float)
    return a, b


@settings(max_examples=200, deadline=None)
@given(score_pairs())
def test_kendall_and_spearman_match_scipy(p: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = p
    ra, rb = cmpmod._average_ranks(a), cmpmod._average_ranks(b)
    np.testing.assert_allclose(ra, scipy_stats.rankdata(-a, method="average"))
    tau = scipy_stats.kendalltau(ra, rb).statistic
    rho = scipy_stats.spearmanr(ra, rb).statistic
    ours_tau, ours_rho = cmpmod.kendall_tau_b(ra, rb), cmpmod.spearman_rho(ra, rb)
    if np.isnan(tau):
        assert np.isnan(ours_tau)
    else:
        assert ours_tau == pytest.approx(tau, abs=1e-12)
    if np.isnan(rho):
        assert np.isnan(ours_rho)
    else:
        assert ours_rho == pytest.approx(rho, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.permutations(list(range(1, 13))), st.permutations(list(range(1, 13))))
def test_top_weighted_measures_match_pymcdm(x: list[int], y: list[int]) -> None:
    corr = pytest.importorskip("pymcdm.correlations")
    xa, ya = np.array(x, dtype=float), np.array(y, dtype=float)
    assert cmpmod.weighted_spearman(xa, ya) == pytest.approx(corr.weighted_spearman(xa, ya))
    assert cmpmod.ws_similarity(xa, ya) == pytest.approx(corr.rank_similarity_coef(xa, ya))


def test_identical_scenarios_agree_perfectly() -> None:
    ds = make_dataset(np.random.default_rng(1).uniform(0, 10, (8, 3)))
    a = score(ds, make_scenario([1, 2, 3]))
    b = score(ds, make_scenario([2, 4, 6]))  # same weights, scaled
    c = compare([a, b])
    p = c.pairs[0]
    assert p.kendall_tau == p.spearman_rho == p.weighted_spearman == p.ws_similarity == 1.0
    assert p.top_k_overlap == {3: 1.0, 5: 1.0} and p.same_top and not c.movers


def test_movers_are_explained_by_the_criteria_that_moved_them() -> None:
    # R00 is strong on c0, R01 on c1: shifting weight from c0 to c1 swaps them
    X = np.array([[10.0, 0.0], [0.0, 10.0], [5.0, 5.0]])
    ds = make_dataset(X)
    a = score(ds, make_scenario([3, 1], name="a"))
    b = score(ds, make_scenario([1, 3], name="b"))
    c = compare([a, b])
    movers = {m.region: m for m in c.movers}
    assert movers["R01"].change == 2 and movers["R00"].change == -2
    assert movers["R01"].drivers[0][0] == "c1" and movers["R01"].drivers[0][1] > 0
    assert movers["R00"].drivers[0][0] == "c0" and movers["R00"].drivers[0][1] < 0
    table = c.table()
    assert [r["code"] for r in table] == ["R00", "R02", "R01"]
    assert table[0]["change:b"] == -2


def test_excluded_regions_are_left_out_of_the_agreement() -> None:
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    ds = make_dataset(X)
    a = score(ds, make_scenario([1]))
    b = score(
        ds,
        make_scenario(
            [1],
            constraints=[
                {"kind": "exclude", "regions": ["R03"], "reason": "excluded for the test"}
            ],
        ),
    )
    p = compare([a, b]).pairs[0]
    assert p.common == 3 and p.only_in_a == ["R03"] and p.kendall_tau == 1.0
