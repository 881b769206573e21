"""How robust is a ranking to its weights? Monte Carlo over weights, one-at-a-time tipping points.

Monte Carlo: weight vectors are drawn from a Dirichlet distribution centred on the scenario's
weights (``alpha = concentration * w``; larger concentration = closer to the scenario), or
uniformly over the simplex, optionally within per-criterion bounds (rejection sampling). The
transformed matrix, exclusions and bonuses/penalties of the scenario stay fixed; only the weights
vary. Ties within a sample share their ranks equally, so identical regions get identical
statistics.

Tipping points: one criterion's weight moves from 0 to 1 while the others keep their
proportions. For WSM every score is linear in that weight, so the interval in which the top
region (and the top-3 set) stays the same is found exactly from the crossing points of those
lines; for other methods a fine sweep is used and the resolution is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import SitingError
from siting.aggregate import get_aggregator
from siting.score import TIE_DECIMALS

if TYPE_CHECKING:
    from siting.result import Result

SWEEP_POINTS = 2001


@dataclass
class MonteCarlo:
    """Rank statistics over sampled weights (regions = the ranked regions of the result)."""

    regions: list[str]
    samples: int
    seed: int
    concentration: float | None  # None = uniform over the simplex
    acceptability: np.ndarray  # regions x ranks, probabilities
    mean_rank: np.ndarray
    median_rank: np.ndarray
    rank_lo: np.ndarray  # 5th percentile of the rank
    rank_hi: np.ndarray  # 95th percentile
    weights_mean: np.ndarray
    criteria: list[str]

    @property
    def p_first(self) -> np.ndarray:
        return self.acceptability[:, 0]

    def p_top(self, k: int) -> np.ndarray:
        return self.acceptability[:, :k].sum(axis=1)


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


@dataclass
class Sensitivity:
    result: Result
    monte_carlo: MonteCarlo
    tipping: list[Tipping]

    def table(self, lang: str = "ko") -> list[dict[str, Any]]:
        mc = self.monte_carlo
        ds = self.result.dataset
        rows = []
        base_rank = {c: int(self.result.rank[self.result.index(c)]) for c in mc.regions}
        order = sorted(
            range(len(mc.regions)),
            key=lambda i: (-mc.p_first[i], -mc.p_top(3)[i], mc.mean_rank[i], mc.regions[i]),
        )
        for i in order:
            code = mc.regions[i]
            rows.append(
                {
                    "code": code,
                    "region": ds.region_name(code, lang),
                    "rank": base_rank[code],
                    "p_rank1": round(float(mc.p_first[i]), 4),
                    "p_top3": round(float(mc.p_top(3)[i]), 4),
                    "median_rank": float(mc.median_rank[i]),
                    "rank_90": f"{mc.rank_lo[i]:g}-{mc.rank_hi[i]:g}",
                    "mean_rank": round(float(mc.mean_rank[i]), 3),
                }
            )
        return rows

    def tipping_rows(self, lang: str = "ko") -> list[dict[str, Any]]:
        ds = self.result.dataset

        def name(code: str | None) -> str:
            return ds.region_name(code, lang) if code else "—"

        rows = []
        for t in self.tipping:
            lo, hi = t.top_interval
            rows.append(
                {
                    "criterion": t.criterion,
                    "weight_pct": round(100 * t.weight, 2),
                    "top": name(t.top_region),
                    "top_stays_pct": f"{100 * lo:.1f}-{100 * hi:.1f}",
                    "below": name(t.below_takes_over),
                    "above": name(t.above_takes_over),
                    "top3_stays_pct": _pct_range(t.top3_interval),
                    "top3_below": ", ".join(name(c) for c in t.top3_below) or "—",
                    "top3_above": ", ".join(name(c) for c in t.top3_above) or "—",
                    "method": "exact" if t.exact else f"sweep ±{100 * t.resolution:.2f}%",
                }
            )
        return rows

    def to_dict(self, lang: str = "ko", acceptability: bool = True) -> dict[str, Any]:
        mc = self.monte_carlo
        out: dict[str, Any] = {
            **self.result.meta(),
            "samples": mc.samples,
            "seed": mc.seed,
            "distribution": "uniform simplex"
            if mc.concentration is None
            else f"dirichlet (concentration {mc.concentration:g})",
            "criteria": mc.criteria,
            "mean_sampled_weights": [round(float(w), 6) for w in mc.weights_mean],
            "regions": self.table(lang),
            "tipping_points": self.tipping_rows(lang),
        }
        if acceptability:
            out["rank_acceptability"] = {
                code: [round(float(p), 6) for p in mc.acceptability[i]]
                for i, code in enumerate(mc.regions)
            }
        return out


def _pct_range(interval: tuple[float, float]) -> str:
    return f"{100 * interval[0]:.1f}-{100 * interval[1]:.1f}"


# ---------------------------------------------------------------------- sampling


def sample_weights(
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


def _rank_rows(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def rank_statistics(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(acceptability matrix regions x ranks, average ranks samples x regions) from scores."""
    k, n = scores.shape
    rank_min, g = _rank_rows(scores)
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


def monte_carlo(
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
    W = sample_weights(result.weights, samples, rng, concentration, b_idx or None)
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
        a, avg = rank_statistics(scores)
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
    """For each row, the top-k region codes (ties broken by code)."""
    out = []
    for row in scores:
        order = np.lexsort((codes, -np.round(row, TIE_DECIMALS)))
        out.append(tuple(codes[order[:k]]))
    return out


def _run(values: list[Any], at: int) -> tuple[int, int]:
    """Largest run of values equal to ``values[at]`` around index ``at``."""
    lo = hi = at
    while lo > 0 and values[lo - 1] == values[at]:
        lo -= 1
    while hi < len(values) - 1 and values[hi + 1] == values[at]:
        hi += 1
    return lo, hi


def tipping_points(result: Result, k: int = 3) -> list[Tipping]:
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
        scores = sign * (aggregator(V, _weights_at(w0, j, probes)) + adj[None, :])
        tops = _top_sets(scores, codes, k)
        firsts = [t[0] for t in tops]
        sets = [tuple(sorted(t)) for t in tops]
        lo1, hi1 = _run(firsts, at)
        lo3, hi3 = _run(sets, at)

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


def sensitivity(
    result: Result,
    samples: int = 10_000,
    seed: int = 0,
    concentration: float | None = 100.0,
    bounds: dict[str, tuple[float, float]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Sensitivity:
    return Sensitivity(
        result,
        monte_carlo(result, samples, seed, concentration, bounds, progress=progress),
        tipping_points(result),
    )
