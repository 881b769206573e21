"""Weight sensitivity: analytic cases, determinism, brute force and scipy cross-checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from siting._errors import SitingError
from siting.analysis import rank_tally
from siting.analysis.rank_tally import rank_statistics
from siting.analysis.sensitivity import (
    MonteCarlo,
    Sensitivity,
    estimate_memory,
    monte_carlo,
    sensitivity,
)
from siting.analysis.tipping import SWEEP_POINTS, Tipping, _top_sets, _weights_at, tipping_points
from siting.analysis.weight_sampling import sample_weights
from siting.engine.aggregate import get_aggregator
from siting.engine.result import Result
from siting.engine.score import TIE_DECIMALS, score

from .conftest import DATA, make_dataset, make_scenario


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


# ------------------------------------------------------------------ streaming vs the previous code
# The implementation before streaming (all samples in memory, tipping points on the full grid of
# probes), kept verbatim as the reference: the streaming code must give bit-identical results.


def _ref_sample_weights(
    w0: np.ndarray,
    n: int,
    rng: np.random.Generator,
    concentration: float | None = 100.0,
    bounds: dict[int, tuple[float, float]] | None = None,
    max_rounds: int = 200,
) -> np.ndarray:
    """``n`` weight vectors on the simplex: Dirichlet(concentration * w0) or uniform."""
    m = len(w0)
    if concentration is None:
        alpha = np.ones(m)
    else:
        if concentration <= 0:
            raise SitingError(
                "concentration must be positive",
                key="--concentration",
                fix="use e.g. --concentration 50 (larger = closer to the scenario)",
            )
        # criteria with weight 0 stay at 0
        alpha = np.where(w0 > 0, concentration * w0, 0.0)
    active = alpha > 0
    out = np.zeros((0, m))
    for _ in range(max_rounds):
        draw = np.zeros((max(n, 256), m))
        draw[:, active] = rng.dirichlet(alpha[active], size=draw.shape[0])
        if bounds:
            ok = np.ones(draw.shape[0], dtype=bool)
            for j, (lo, hi) in bounds.items():
                ok &= (draw[:, j] >= lo) & (draw[:, j] <= hi)
            draw = draw[ok]
        out = np.vstack([out, draw])
        if len(out) >= n:
            return out[:n]
    raise SitingError(
        f"the weight bounds accept too few samples ({len(out)} of {n} after {max_rounds} rounds)",
        key="--bounds",
        fix="widen the bounds or lower the concentration",
    )


def _ref__rank_rows(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (sample): competition-min rank and tie-group size of every column."""
    k, n = scores.shape
    s = np.round(scores, TIE_DECIMALS)
    order = np.argsort(-s, axis=1, kind="stable")
    ss = np.take_along_axis(s, order, axis=1)
    new = np.ones((k, n), dtype=bool)
    new[:, 1:] = ss[:, 1:] != ss[:, :-1]
    pos = np.broadcast_to(np.arange(1, n + 1), (k, n))
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    # group size: from the group's first to its last sorted position
    last = np.ones((k, n), dtype=bool)
    last[:, :-1] = new[:, 1:]
    end = np.minimum.accumulate(np.where(last, pos, n + 1)[:, ::-1], axis=1)[:, ::-1]
    sizes = end - start + 1
    rank_min = np.empty((k, n), dtype=int)
    gsize = np.empty((k, n), dtype=int)
    np.put_along_axis(rank_min, order, start, axis=1)
    np.put_along_axis(gsize, order, sizes, axis=1)
    return rank_min, gsize


def _ref_rank_statistics(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(acceptability matrix regions x ranks, average ranks samples x regions) from scores."""
    k, n = scores.shape
    rank_min, g = _ref__rank_rows(scores)
    single = g == 1
    cols = np.broadcast_to(np.arange(n), (k, n))
    flat = (cols[single] * n + rank_min[single] - 1).ravel()
    acc = np.bincount(flat, minlength=n * n).astype(float).reshape(n, n)
    for size in np.unique(g[~single]):
        mask = g == size
        for off in range(size):
            idx = cols[mask] * n + rank_min[mask] - 1 + off
            acc += np.bincount(idx, minlength=n * n).reshape(n, n) / size
    avg = rank_min + (g - 1) / 2.0
    return acc / k, avg


def _ref_monte_carlo(
    result: Result,
    samples: int = 10_000,
    seed: int = 0,
    concentration: float | None = 100.0,
    bounds: dict[str, tuple[float, float]] | None = None,
    chunk: int = 5_000,
    progress: Callable[[int], None] | None = None,
) -> MonteCarlo:
    """Rank statistics of the ranked regions under sampled weights."""
    if samples < 1:
        raise SitingError("--samples must be at least 1", key="--samples")
    crit_ids = [c.id for c in result.criteria]
    b_idx = {}
    for cid, (lo, hi) in (bounds or {}).items():
        if cid not in crit_ids:
            raise SitingError(
                f"--bounds names {cid!r}, which is not a criterion of the scenario",
                key="--bounds",
                fix=f"use one of: {', '.join(crit_ids)}",
            )
        if not (0 <= lo <= hi <= 1):
            raise SitingError(
                f"bounds for {cid} must satisfy 0 <= lo <= hi <= 1 (fractions)",
                key="--bounds",
                fix="e.g. --bounds power_self_sufficiency=0.1:0.4",
            )
        b_idx[crit_ids.index(cid)] = (lo, hi)
    rng = np.random.default_rng(seed)
    W = _ref_sample_weights(result.weights, samples, rng, concentration, b_idx or None)
    inc = np.flatnonzero(result.included)
    V = result.transformed[inc]
    adj = result.adjustment[inc]
    aggregator, higher = get_aggregator(result.method)
    n = len(inc)
    acc = np.zeros((n, n))
    avg_parts = []
    for start in range(0, samples, chunk):
        Wc = W[start : start + chunk]
        scores = aggregator(V, Wc) + adj[None, :]
        if not higher:
            scores = -scores
        a, avg = _ref_rank_statistics(scores)
        acc += a * len(Wc)
        avg_parts.append(avg)
        if progress:
            progress(len(Wc))
    avg_all = np.vstack(avg_parts)
    lo, hi = np.percentile(avg_all, [5, 95], axis=0, method="nearest")
    return MonteCarlo(
        regions=[result.regions[i] for i in inc],
        samples=samples,
        seed=seed,
        concentration=concentration,
        acceptability=acc / samples,
        mean_rank=avg_all.mean(axis=0),
        median_rank=np.median(avg_all, axis=0),
        rank_lo=lo,
        rank_hi=hi,
        weights_mean=W.mean(axis=0),
        criteria=crit_ids,
    )


# ---------------------------------------------------------------------- tipping points


def _ref__weights_at(w0: np.ndarray, j: int, t: np.ndarray) -> np.ndarray:
    """Weights with w_j = t and the others scaled to keep their proportions (len(t) x m)."""
    rest = w0.copy()
    rest[j] = 0.0
    total = rest.sum()
    base = rest / total if total > 0 else np.full_like(rest, 0.0)
    W = (1 - t)[:, None] * base[None, :]
    W[:, j] = t
    return W


def _ref__top_sets(scores: np.ndarray, codes: np.ndarray, k: int) -> list[tuple[str, ...]]:
    """For each row, the top-k region codes (ties broken by code)."""
    out = []
    for row in scores:
        order = np.lexsort((codes, -np.round(row, TIE_DECIMALS)))
        out.append(tuple(codes[order[:k]]))
    return out


def _ref__run(values: list[Any], at: int) -> tuple[int, int]:
    """Largest run of values equal to ``values[at]`` around index ``at``."""
    lo = hi = at
    while lo > 0 and values[lo - 1] == values[at]:
        lo -= 1
    while hi < len(values) - 1 and values[hi + 1] == values[at]:
        hi += 1
    return lo, hi


def _ref_tipping_points(result: Result, k: int = 3) -> list[Tipping]:
    """For each criterion, the weight interval keeping the top region and the top-k set."""
    inc = np.flatnonzero(result.included)
    if inc.size < 2:
        return []
    V = result.transformed[inc]
    adj = result.adjustment[inc]
    codes = np.array([result.regions[i] for i in inc])
    w0 = result.weights
    aggregator, higher = get_aggregator(result.method)
    sign = 1.0 if higher else -1.0
    exact = result.method == "wsm"
    out = []
    for j, crit in enumerate(result.criteria):
        if exact:
            # WSM scores are linear in t: s_i(t) = adj_i + 100 (t v_ij + (1 - t) b_i); the order
            # can only change where two lines cross, so probe the middle of every segment.
            rest = w0.copy()
            rest[j] = 0
            b = V @ (rest / rest.sum()) if rest.sum() > 0 else np.zeros(len(inc))
            slope = 100 * (V[:, j] - b)
            icpt = adj + 100 * b
            di = slope[:, None] - slope[None, :]
            dc = icpt[None, :] - icpt[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                cross = np.where(di != 0, dc / di, np.nan)
            pts = np.unique(cross[np.isfinite(cross) & (cross > 0) & (cross < 1)])
            edges = np.concatenate([[0.0], pts, [1.0]])
            probes = (edges[:-1] + edges[1:]) / 2
            at = int(min(np.searchsorted(edges, w0[j], side="right") - 1, len(probes) - 1))
            resolution = 0.0
        else:
            probes = np.unique(np.append(np.linspace(0, 1, SWEEP_POINTS), w0[j]))
            edges = None
            at = int(np.flatnonzero(probes == w0[j])[0])
            resolution = 1.0 / (SWEEP_POINTS - 1)
        scores = sign * (aggregator(V, _ref__weights_at(w0, j, probes)) + adj[None, :])
        tops = _ref__top_sets(scores, codes, k)
        firsts = [t[0] for t in tops]
        sets = [tuple(sorted(t)) for t in tops]
        lo1, hi1 = _ref__run(firsts, at)
        lo3, hi3 = _ref__run(sets, at)

        def span(lo: int, hi: int, edges=edges, probes=probes) -> tuple[float, float]:
            if edges is not None:
                return float(edges[lo]), float(edges[hi + 1])
            return float(probes[lo]), float(probes[hi])

        last = len(probes) - 1
        out.append(
            Tipping(
                criterion=crit.id,
                weight=float(w0[j]),
                top_region=firsts[at],
                top_interval=span(lo1, hi1),
                below_takes_over=firsts[lo1 - 1] if lo1 > 0 else None,
                above_takes_over=firsts[hi1 + 1] if hi1 < last else None,
                top3=list(tops[at]),
                top3_interval=span(lo3, hi3),
                top3_below=sorted(set(sets[lo3 - 1]) - set(sets[at])) if lo3 > 0 else [],
                top3_above=sorted(set(sets[hi3 + 1]) - set(sets[at])) if hi3 < last else [],
                exact=exact,
                resolution=resolution,
            )
        )
    return out


def _same_mc(a: MonteCarlo, b: MonteCarlo) -> None:
    assert a.regions == b.regions and a.samples == b.samples
    for f in ("acceptability", "mean_rank", "median_rank", "rank_lo", "rank_hi", "weights_mean"):
        x, y = getattr(a, f), getattr(b, f)
        assert x.shape == y.shape and np.array_equal(x, y), f


def _case(seed: int, method: str, ties: str) -> Result:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 45)), int(rng.integers(2, 7))
    X = rng.uniform(0, 10, (n, m))
    if ties == "duplicates":
        X[1] = X[0]
        X[n - 1] = X[0]
    elif ties == "few-values":  # many exact ties of every group size, even and odd
        X = rng.integers(0, 3, (n, m)).astype(float)
    return score(make_dataset(X), make_scenario(list(rng.integers(1, 6, m)), method=method))


@pytest.mark.parametrize("ties", ["none", "duplicates", "few-values"])
@pytest.mark.parametrize("method", ["wsm", "wpm", "topsis"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_streamed_monte_carlo_is_bit_identical_to_the_previous_code(
    seed: int, method: str, ties: str
) -> None:
    res = _case(seed, method, ties)
    rng = np.random.default_rng(seed + 100)
    samples = int(rng.choice([1, 2, 255, 257, 4999, 5000, 5001, 12_001]))
    conc = [None, 3.0, 100.0][seed]
    bounds = {"c0": (0.02, 0.9)} if seed == 1 else None
    kw = {"samples": samples, "seed": seed, "concentration": conc, "bounds": bounds}
    _same_mc(monte_carlo(res, **kw), _ref_monte_carlo(res, **kw))
    # same with a smaller chunk: both implementations take the same chunk parameter
    _same_mc(monte_carlo(res, chunk=777, **kw), _ref_monte_carlo(res, chunk=777, **kw))


@pytest.mark.parametrize("count_cells", [0, 10**9])  # chunk counted at once / per block
@pytest.mark.parametrize("ties", ["none", "few-values"])
def test_rank_blocks_and_counting_paths_are_bit_identical(
    ties: str, count_cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tiny ranking blocks, counted per block or per chunk, give the previous code's bytes."""
    monkeypatch.setattr(rank_tally, "BLOCK_CELLS", 64)
    monkeypatch.setattr(rank_tally, "COUNT_CELLS", count_cells)
    res = _case(3, "wsm", ties)
    kw = {"samples": 1234, "seed": 4, "chunk": 500}
    _same_mc(monte_carlo(res, **kw), _ref_monte_carlo(res, **kw))


def test_streamed_output_is_byte_identical_on_the_shipped_data() -> None:
    from siting.data.dataset import load_dataset
    from siting.outputs.render import to_json
    from siting.scenario.loading import load_scenario

    for level in ("sido", "sigungu"):
        ds = load_dataset(None, level=level)
        res = score(ds, load_scenario("base", DATA))
        new = sensitivity(res, samples=3000, seed=5)
        old = Sensitivity(res, _ref_monte_carlo(res, 3000, 5), _ref_tipping_points(res))
        assert to_json(new.to_dict()) == to_json(old.to_dict())


@pytest.mark.parametrize("walk", [True, False])
@pytest.mark.parametrize("ties", ["none", "duplicates", "few-values"])
@pytest.mark.parametrize("seed", range(5))
def test_tipping_points_equal_the_previous_full_grid(
    seed: int, ties: str, walk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import siting.analysis.tipping as S

    monkeypatch.setattr(S, "WALK_ABOVE", 0 if walk else 10**12)
    res = _case(seed + 10, "wsm", ties)
    assert tipping_points(res) == _ref_tipping_points(res)


@pytest.mark.parametrize("method", ["wpm", "topsis"])
def test_sweep_tipping_points_equal_the_previous_code(method: str) -> None:
    res = _case(4, method, "duplicates")
    assert tipping_points(res) == _ref_tipping_points(res)


def test_walked_tipping_points_equal_the_full_grid_on_150_regions() -> None:
    rng = np.random.default_rng(21)
    X = np.round(rng.uniform(0, 10, (150, 5)), 1)  # rounded: shared values, near-ties
    X[7] = X[3]
    res = score(make_dataset(X), make_scenario([3, 1, 2, 5, 1]))
    assert tipping_points(res) == _ref_tipping_points(res)


def test_top_sets_equal_a_full_lexsort() -> None:
    rng = np.random.default_rng(2)
    S = rng.integers(0, 4, (300, 12)).astype(float)
    codes = np.array([f"R{i:02d}" for i in rng.permutation(12)])
    for k in (1, 3, 12, 15):
        assert _top_sets(S, codes, k) == _ref__top_sets(S, codes, k)


def test_memory_does_not_grow_with_samples() -> None:
    import tracemalloc

    X = np.random.default_rng(0).uniform(0, 10, (60, 6))
    res = score(make_dataset(X), make_scenario([1, 2, 3, 4, 5, 6]))
    peaks = []
    for samples in (5_000, 60_000):
        tracemalloc.start()
        monte_carlo(res, samples=samples, seed=1)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # samples x regions average ranks alone would be 60,000 x 60 x 8 B = 28.8 MB
    assert peaks[1] < 1.3 * peaks[0] and peaks[1] < 15e6, peaks


def test_memory_estimate_refuses_before_allocating() -> None:
    X = np.random.default_rng(0).uniform(0, 10, (40, 3))
    res = score(make_dataset(X), make_scenario([1, 2, 3]))
    need = estimate_memory(40, 10_000, 3)
    with pytest.raises(SitingError) as err:
        monte_carlo(res, samples=10_000, memory_limit=need - 1)
    assert err.value.key == "--samples" and "limit" in err.value.message
    assert "--max-memory" in (err.value.fix or "")
    monte_carlo(res, samples=10_000, memory_limit=need)  # at the estimate: runs
    # the estimate is quadratic in the regions and flat in the samples
    assert estimate_memory(3000, 10**7, 20) == estimate_memory(3000, 10**5, 20)
    assert estimate_memory(6000, 10**5, 20) >= 5 * 8 * 6000**2  # five n x n arrays


def test_progress_reports_every_sample() -> None:
    X = np.random.default_rng(0).uniform(0, 10, (8, 3))
    res = score(make_dataset(X), make_scenario([1, 2, 3]))
    seen: list[int] = []
    monte_carlo(res, samples=12_345, seed=0, progress=seen.append)
    assert sum(seen) == 12_345 and max(seen) <= 5_000


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--seed", "-1"], "--seed"),
        (["--max-memory", "lots"], "--max-memory"),
        (["--max-memory", "1MB"], "--samples"),
    ],
)
def test_cli_refuses_bad_sensitivity_options(args: list[str], needle: str, run) -> None:
    res = run("sensitivity", "-n", "100", *args)
    assert res.returncode == 2, res.stderr
    assert needle in res.stderr and "Traceback" not in res.stderr
    if needle == "--samples":
        assert "limit of 1 MiB" in res.stderr
