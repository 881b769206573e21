"""Tipping points: one criterion's weight moves from 0 to 1 while the others keep their
proportions; in which interval do the top region and the top-k set stay the same?

For WSM every score is linear in that weight, so the interval is found exactly from the
crossing points of those lines; for other methods a fine sweep is used and the resolution is
reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from siting.analysis.batch_scores import chunk_scores
from siting.engine.aggregate import get_aggregator
from siting.engine.score import TIE_DECIMALS

if TYPE_CHECKING:
    from siting.engine.result import Result

SWEEP_POINTS = 2001


@dataclass
class Tipping:
    criterion: str
    weight: float
    top_region: str
    top_interval: tuple[float, float]
    below_takes_over: str | None
    above_takes_over: str | None
    top3: list[str]
    top3_interval: tuple[float, float]
    top3_below: list[str] = field(default_factory=list)  # the top-3 set just beyond the low end
    top3_above: list[str] = field(default_factory=list)
    exact: bool = True
    resolution: float = 0.0


def _weights_at(w0: np.ndarray, j: int, t: np.ndarray) -> np.ndarray:
    """Weights with w_j = t and the others scaled to keep their proportions (len(t) x m)."""
    rest = w0.copy()
    rest[j] = 0.0
    total = rest.sum()
    base = rest / total if total > 0 else np.full_like(rest, 0.0)
    W = (1 - t)[:, None] * base[None, :]
    W[:, j] = t
    return W


def _top_sets(scores: np.ndarray, codes: np.ndarray, k: int) -> list[tuple[str, ...]]:
    """For each row, the top-k region codes (ties broken by code).

    Same as a full ``lexsort((codes, -round(row)))`` per row, but only the entries that can be
    in the top k (rounded score at least the k-th largest) are sorted.
    """
    r = np.round(scores, TIE_DECIMALS)
    n = r.shape[1]
    if n <= k:
        return [tuple(codes[np.lexsort((codes, -row))[:k]]) for row in r]
    neg = -r
    kth = np.partition(neg, k - 1, axis=1)[:, k - 1]
    out = []
    for row, t in zip(neg, kth, strict=True):
        if np.isnan(t):
            out.append(tuple(codes[np.lexsort((codes, row))[:k]]))
            continue
        cand = np.flatnonzero(row <= t)
        out.append(tuple(codes[cand[np.lexsort((codes[cand], row[cand]))[:k]]]))
    return out


def _run(values: list[Any], at: int) -> tuple[int, int]:
    """Largest run of values equal to ``values[at]`` around index ``at``."""
    lo = hi = at
    while lo > 0 and values[lo - 1] == values[at]:
        lo -= 1
    while hi < len(values) - 1 and values[hi + 1] == values[at]:
        hi += 1
    return lo, hi


WALK_ABOVE = 250_000  # probes x regions above which the exact WSM search walks (no full grid)
_CROSS_CELLS = 4_000_000


def _crossings(slope: np.ndarray, icpt: np.ndarray) -> np.ndarray:
    """Sorted distinct t in (0, 1) where two score lines cross (row blocks: O(n) extra memory
    per block, O(n^2) for the result)."""
    n = len(slope)
    step = max(1, _CROSS_CELLS // max(n, 1))
    cols = np.arange(n)
    parts = []
    for a in range(0, n, step):
        rows = np.arange(a, min(n, a + step))
        di = slope[rows, None] - slope[None, :]
        dc = icpt[None, :] - icpt[rows, None]
        ok = (cols[None, :] > rows[:, None]) & (di != 0)  # each pair once: cross is symmetric
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            c = dc[ok] / di[ok]
        parts.append(c[np.isfinite(c) & (c > 0) & (c < 1)])
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0)


class _Walk:
    """Runs of the same top-k set along the probes of one criterion, for WSM, without
    evaluating every probe: between probes, the set can only change where a line outside it
    comes within the rounding step of a line inside it, which is found from the lines."""

    BATCH = 16

    def __init__(self, score_at, probes, slope, icpt, codes, k):
        self.score_at = score_at  # probe indices -> scores (len x n), as the full grid has
        self.probes = probes
        self.slope, self.icpt, self.codes, self.k = slope, icpt, codes, k
        big = float(np.max(np.abs(icpt)) + np.max(np.abs(slope)))
        self.tol = 2.0 * 10.0**-TIE_DECIMALS + 1e-12 * max(big, 1.0)

    def tops(self, idx: np.ndarray) -> list[tuple[str, ...]]:
        return _top_sets(self.score_at(idx), self.codes, self.k)

    def _danger(self, inside: np.ndarray, x: float, step: int) -> float | None:
        """First t beyond x (direction ``step``) where an outside line comes within tol of an
        inside one; lines identical to an inside line never swap with it (tie broken by code)."""
        out = np.ones(len(self.slope), dtype=bool)
        out[inside] = False
        ds = self.slope[inside, None] - self.slope[None, out]
        dc = self.icpt[inside, None] - self.icpt[None, out]
        gap = dc + ds * x
        same = (ds == 0) & (dc == 0)
        now = (gap <= self.tol) & ~same
        if now.any():
            return x
        toward = (ds * step < 0) & ~same
        if not toward.any():
            return None
        t = x + step * (gap[toward] - self.tol) / np.abs(ds[toward])
        d = float(t.min() if step > 0 else t.max())
        return d if 0.0 <= d <= 1.0 else None

    def end(self, at: int, top: tuple[str, ...], inside: np.ndarray, step: int):
        """(index of the first probe beyond the run in direction ``step`` or None, its top)."""
        probes, last = self.probes, len(self.probes) - 1
        key = set(top)
        p = at
        while True:
            d = self._danger(inside, float(probes[p]), step)
            if d is None:
                return None, None
            if step > 0:
                q = max(int(np.searchsorted(probes, d - 1e-12, side="left")), p + 1)
                idx = np.arange(q, min(q + self.BATCH, last + 1))
            else:
                q = min(int(np.searchsorted(probes, d + 1e-12, side="right")) - 1, p - 1)
                idx = np.arange(q, max(q - self.BATCH, -1), -1)
            if len(idx) == 0:
                return None, None
            for i, t in zip(idx, self.tops(idx), strict=True):
                if (set(t) != key) if self.k > 1 else (t[0] != top[0]):
                    return int(i), t
            p = int(idx[-1])


@dataclass
class _Probes:
    """The weights at which one criterion's top sets are evaluated."""

    probes: np.ndarray  # weights of the criterion
    edges: np.ndarray | None  # exact: segment ends around each probe; sweep: None
    at: int  # the probe of the scenario's weight
    resolution: float = 0.0
    slope: np.ndarray | None = None  # exact: score lines s_i(t) = icpt_i + slope_i t
    icpt: np.ndarray | None = None

    def span(self, lo: int, hi: int) -> tuple[float, float]:
        if self.edges is not None:
            return float(self.edges[lo]), float(self.edges[hi + 1])
        return float(self.probes[lo]), float(self.probes[hi])


def _exact_probes(V: np.ndarray, adj: np.ndarray, w0: np.ndarray, j: int) -> _Probes:
    """WSM scores are linear in t: s_i(t) = adj_i + 100 (t v_ij + (1 - t) b_i); the order can
    only change where two lines cross, so probe the middle of every segment."""
    rest = w0.copy()
    rest[j] = 0
    b = V @ (rest / rest.sum()) if rest.sum() > 0 else np.zeros(len(V))
    slope = 100 * (V[:, j] - b)
    icpt = adj + 100 * b
    edges = np.concatenate([[0.0], _crossings(slope, icpt), [1.0]])
    probes = (edges[:-1] + edges[1:]) / 2
    at = int(min(np.searchsorted(edges, w0[j], side="right") - 1, len(probes) - 1))
    return _Probes(probes, edges, at, 0.0, slope, icpt)


def _sweep_probes(w0: np.ndarray, j: int) -> _Probes:
    probes = np.unique(np.append(np.linspace(0, 1, SWEEP_POINTS), w0[j]))
    at = int(np.flatnonzero(probes == w0[j])[0])
    return _Probes(probes, None, at, 1.0 / (SWEEP_POINTS - 1))


@dataclass
class _Runs:
    """The runs of the same top region and the same top-k set around the scenario's probe."""

    top: tuple[str, ...]
    first: tuple[int, int]  # probe range of the top region
    topk: tuple[int, int]  # probe range of the top-k set
    below: str | None  # the top region just beyond either end
    above: str | None
    set_below: tuple[str, ...] | None  # the top-k set just beyond either end
    set_above: tuple[str, ...] | None


def _walked_runs(score_at: Callable, pr: _Probes, codes: np.ndarray, k: int) -> _Runs:
    """Runs found by walking from line to line (exact WSM, large grids)."""
    last = len(pr.probes) - 1
    t1 = _Walk(score_at, pr.probes, pr.slope, pr.icpt, codes, 1)
    t3 = _Walk(score_at, pr.probes, pr.slope, pr.icpt, codes, k)
    top = t3.tops(np.array([pr.at]))[0]
    lead = np.flatnonzero(codes == top[0])[:1]
    members = np.flatnonzero(np.isin(codes, top))
    (b1, f_lo), (a1, f_hi) = t1.end(pr.at, top, lead, -1), t1.end(pr.at, top, lead, 1)
    (b3, s_lo), (a3, s_hi) = t3.end(pr.at, top, members, -1), t3.end(pr.at, top, members, 1)

    def bounds(before: int | None, after: int | None) -> tuple[int, int]:
        return (0 if before is None else before + 1), (last if after is None else after - 1)

    return _Runs(
        top,
        bounds(b1, a1),
        bounds(b3, a3),
        f_lo[0] if f_lo else None,
        f_hi[0] if f_hi else None,
        s_lo,
        s_hi,
    )


def _grid_runs(score_at: Callable, pr: _Probes, codes: np.ndarray, k: int) -> _Runs:
    """Runs read from the top sets at every probe."""
    last = len(pr.probes) - 1
    tops = _top_sets(score_at(np.arange(len(pr.probes))), codes, k)
    firsts = [t[0] for t in tops]
    sets = [tuple(sorted(t)) for t in tops]
    lo1, hi1 = _run(firsts, pr.at)
    lo3, hi3 = _run(sets, pr.at)
    return _Runs(
        tops[pr.at],
        (lo1, hi1),
        (lo3, hi3),
        firsts[lo1 - 1] if lo1 > 0 else None,
        firsts[hi1 + 1] if hi1 < last else None,
        sets[lo3 - 1] if lo3 > 0 else None,
        sets[hi3 + 1] if hi3 < last else None,
    )


def _beyond(edge_set: tuple[str, ...] | None, top: tuple[str, ...]) -> list[str]:
    return sorted(set(edge_set) - set(top)) if edge_set is not None else []


def tipping_points(
    result: Result, k: int = 3, progress: Callable[[int], None] | None = None
) -> list[Tipping]:
    """For each criterion, the weight interval keeping the top region and the top-k set.

    WSM (exact): the probes are the midpoints between all crossing points of the score lines
    (O(n^2) of them); the top region and top-k set are evaluated on all of them only when that
    grid is small, else the runs around the scenario's weight are walked from line to line, so
    time and memory stay O(n^2 log n) in the number of regions.
    """
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
        pr = _exact_probes(V, adj, w0, j) if exact else _sweep_probes(w0, j)

        def score_at(idx: np.ndarray, j: int = j, probes: np.ndarray = pr.probes) -> np.ndarray:
            W = _weights_at(w0, j, probes[idx])
            return sign * (chunk_scores(aggregator, result.method, V, W) + adj[None, :])

        walk = exact and len(pr.probes) * len(inc) > WALK_ABOVE
        runs = (_walked_runs if walk else _grid_runs)(score_at, pr, codes, k)
        out.append(
            Tipping(
                criterion=crit.id,
                weight=float(w0[j]),
                top_region=runs.top[0],
                top_interval=pr.span(*runs.first),
                below_takes_over=runs.below,
                above_takes_over=runs.above,
                top3=list(runs.top),
                top3_interval=pr.span(*runs.topk),
                top3_below=_beyond(runs.set_below, runs.top),
                top3_above=_beyond(runs.set_above, runs.top),
                exact=exact,
                resolution=pr.resolution,
            )
        )
        if progress:
            progress(1)
    return out
