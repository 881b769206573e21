"""Weight sensitivity: analytic cases, determinism, brute force and scipy cross-checks."""

from __future__ import annotations

import numpy as np
import pytest

from siting.score import score
from siting.sensitivity import (
    _weights_at,
    monte_carlo,
    rank_statistics,
    sample_weights,
    sensitivity,
    tipping_points,
)

from .conftest import make_dataset, make_scenario


def test_dominating_region_always_first_and_no_tipping_point() -> None:
    rng = np.random.default_rng(3)
    X = rng.uniform(0, 5, (6, 4))
    X[2] = 10.0  # dominates on every criterion
    res = score(make_dataset(X), make_scenario([1, 2, 3, 4]))
    mc = monte_carlo(res, samples=2000, seed=1)
    i = mc.regions.index("R02")
    assert mc.p_first[i] == 1.0 and mc.median_rank[i] == 1.0
    for t in tipping_points(res):
        assert t.top_region == "R02"
        assert t.top_interval == (0.0, 1.0)
        assert t.below_takes_over is None and t.above_takes_over is None


def test_identical_regions_get_identical_statistics() -> None:
    X = np.array([[5.0, 1.0], [5.0, 1.0], [1.0, 5.0], [2.0, 2.0]])
    res = score(make_dataset(X), make_scenario([1, 1]))
    mc = monte_carlo(res, samples=3000, seed=2, concentration=5)
    a, b = mc.regions.index("R00"), mc.regions.index("R01")
    np.testing.assert_array_equal(mc.acceptability[a], mc.acceptability[b])
    assert mc.median_rank[a] == mc.median_rank[b]
    np.testing.assert_allclose(mc.acceptability.sum(axis=1), 1.0)
    np.testing.assert_allclose(mc.acceptability.sum(axis=0), 1.0)


def test_same_seed_same_output_and_different_seed_differs() -> None:
    X = np.random.default_rng(0).uniform(0, 10, (9, 5))
    res = score(make_dataset(X), make_scenario([5, 4, 3, 2, 1]))
    a = sensitivity(res, samples=1500, seed=11).to_dict()
    b = sensitivity(res, samples=1500, seed=11).to_dict()
    c = sensitivity(res, samples=1500, seed=12).to_dict()
    assert a == b
    assert a["rank_acceptability"] != c["rank_acceptability"]


def test_dirichlet_is_centred_on_the_scenario_and_uniform_is_flat() -> None:
    w0 = np.array([0.5, 0.3, 0.2])
    rng = np.random.default_rng(4)
    W = sample_weights(w0, 20000, rng, concentration=200)
    np.testing.assert_allclose(W.mean(axis=0), w0, atol=0.005)
    np.testing.assert_allclose(W.sum(axis=1), 1.0)
    U = sample_weights(w0, 20000, rng, concentration=None)
    np.testing.assert_allclose(U.mean(axis=0), 1 / 3, atol=0.01)
    B = sample_weights(w0, 500, rng, concentration=None, bounds={0: (0.4, 0.6)})
    assert B[:, 0].min() >= 0.4 and B[:, 0].max() <= 0.6


def test_rank_statistics_agree_with_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(5)
    S = rng.integers(0, 6, (400, 7)).astype(float)  # many ties
    acc, avg = rank_statistics(S)
    ref = np.vstack([stats.rankdata(-row, method="average") for row in S])
    np.testing.assert_allclose(avg, ref)
    np.testing.assert_allclose(np.median(avg, axis=0), np.median(ref, axis=0))
    # P(rank 1) with ties shared equally
    p1 = np.mean([(row == row.max()) / (row == row.max()).sum() for row in S], axis=0)
    np.testing.assert_allclose(acc[:, 0], p1)


@pytest.mark.parametrize("seed", range(6))
def test_exact_tipping_points_agree_with_a_brute_force_sweep(seed: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 10, (7, 4))
    res = score(make_dataset(X), make_scenario(list(rng.uniform(1, 5, 4))))
    V, codes = res.transformed, np.array(res.regions)
    grid = np.linspace(0, 1, 20001)
    for j, t in enumerate(tipping_points(res)):
        assert t.exact
        S = 100 * (_weights_at(res.weights, j, grid) @ V.T)
        firsts = codes[np.argmax(S, axis=1)]
        inside = (grid > t.top_interval[0] + 1e-4) & (grid < t.top_interval[1] - 1e-4)
        assert set(firsts[inside]) == {t.top_region}
        if t.top_interval[0] > 1e-4:
            just_below = firsts[grid < t.top_interval[0] - 1e-4][-1]
            assert just_below == t.below_takes_over != t.top_region
        if t.top_interval[1] < 1 - 1e-4:
            just_above = firsts[grid > t.top_interval[1] + 1e-4][0]
            assert just_above == t.above_takes_over != t.top_region


def test_sweep_used_for_non_linear_methods() -> None:
    X = np.random.default_rng(8).uniform(0.1, 10, (6, 3))
    res = score(make_dataset(X), make_scenario([1, 2, 3], method="topsis"))
    tips = tipping_points(res)
    assert all(not t.exact and t.resolution > 0 for t in tips)
    lo, hi = tips[0].top_interval
    assert lo <= res.weights[0] <= hi
