"""How robust is a ranking to its weights? Monte Carlo over weights, one-at-a-time tipping points.

Monte Carlo: weight vectors are drawn from a Dirichlet distribution centred on the scenario's
weights (``alpha = concentration * w``; larger concentration = closer to the scenario), or
uniformly over the simplex, optionally within per-criterion bounds (rejection sampling;
:mod:`siting.analysis.weight_sampling`). The transformed matrix, exclusions and
bonuses/penalties of the scenario stay fixed; only the weights vary. Ties within a sample share
their ranks equally, so identical regions get identical statistics. Samples are streamed in
chunks of 5,000 (:mod:`siting.analysis.rank_tally`): memory is a few regions x regions arrays
plus one chunk, whatever the number of samples, and the numbers are bit-identical to scoring
all samples at once (same random stream, same matrix products, same float operations).

Tipping points (:mod:`siting.analysis.tipping`): one criterion's weight moves from 0 to 1 while
the others keep their proportions.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import SitingError
from siting._frames import Tabular
from siting.analysis.batch_scores import agg_rows, chunk_scores
from siting.analysis.rank_tally import RankTally, block_rows
from siting.analysis.tipping import Tipping, tipping_points
from siting.analysis.weight_sampling import CHUNK, iter_weights, rechunk
from siting.engine.aggregate import get_aggregator

if TYPE_CHECKING:
    from siting.engine.result import Result

MEMORY_LIMIT = 4 * 2**30  # default ceiling for estimate_memory (bytes)


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
class Sensitivity(Tabular):
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

    frame_index = "code"

    def frame_rows(self, lang: str = "ko") -> list[dict[str, Any]]:
        """:meth:`table` with the 90 % rank interval as two numbers."""
        mc = self.monte_carlo
        rows = self.table(lang)
        for row in rows:
            i = mc.regions.index(row["code"])
            row["rank"] = row["rank"] or None
            del row["rank_90"]
            row["rank_90_lo"], row["rank_90_hi"] = float(mc.rank_lo[i]), float(mc.rank_hi[i])
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


def estimate_memory(n: int, samples: int, m: int = 20, method: str = "wsm") -> int:
    """Bytes :func:`sensitivity` needs for ``n`` ranked regions (streamed: samples do not add)."""
    k = min(samples, CHUNK)
    block = block_rows(n)[0] * n
    work = 5 * 8 * block  # rounded scores, sort keys, neighbour xor of one row block
    if method not in ("wsm",):
        work += 4 * 8 * agg_rows(n, m) * n * m
    # acc, hist, chunk counts, chunk acceptability (+ ties); scores and cells of one chunk;
    # tipping points: crossing points of all pairs of regions
    return 5 * 8 * n * n + 2 * 8 * k * n + work + 64 * 2**20


def _size(b: float) -> str:
    return f"{b / 2**30:.1f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def check_memory(n: int, samples: int, m: int, method: str, limit: int | None) -> None:
    """Refuse (exit 2) before allocating when the estimate is above ``limit`` bytes."""
    if limit is None:
        return
    need = estimate_memory(n, samples, m, method)
    if need > limit:
        raise SitingError(
            f"the sensitivity analysis of {n:,} regions needs about {_size(need)} (a "
            f"{n:,} x {n:,} rank-acceptability matrix and rank histogram, plus one chunk of "
            f"{min(samples, CHUNK):,} of the --samples {samples:,}), above the limit of "
            f"{_size(limit)}",
            key="--samples",
            fix="raise the limit with --max-memory (e.g. --max-memory 16GB) or rank fewer "
            "regions; more --samples only take longer (they are streamed in chunks of "
            f"{CHUNK:,})",
        )


def monte_carlo(
    result: Result,
    samples: int = 10_000,
    seed: int = 0,
    concentration: float | None = 100.0,
    bounds: dict[str, tuple[float, float]] | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    memory_limit: int | None = None,
) -> MonteCarlo:
    """Rank statistics of the ranked regions under sampled weights, streamed in chunks.

    Memory: a few ``n x n`` arrays plus one chunk of ``chunk`` samples, whatever ``samples``.
    ``memory_limit`` (bytes): refuse up front when :func:`estimate_memory` is above it.
    """
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
    inc = np.flatnonzero(result.included)
    n = len(inc)
    check_memory(n, samples, len(crit_ids), result.method, memory_limit)
    rng = np.random.default_rng(seed)
    V = result.transformed[inc]
    adj = result.adjustment[inc]
    aggregator, higher = get_aggregator(result.method)
    tally = RankTally(n, samples)
    wsum = np.zeros(len(crit_ids))
    stream = iter_weights(result.weights, samples, rng, concentration, b_idx or None, block=chunk)
    buf = np.empty(min(chunk, samples) * n)  # the scores of one chunk, reused
    for Wc in rechunk(stream, chunk):
        # numpy sums axis 0 row after row: continuing from the running total is the same sum
        wsum = np.add.reduce(np.concatenate([wsum[None], Wc]), axis=0)
        scores = chunk_scores(aggregator, result.method, V, Wc, out=buf)
        tally.add_chunk(scores, adj, negate=not higher)
        if progress:
            progress(len(Wc))
    mean, median, lo, hi = tally.rank_summary()
    return MonteCarlo(
        regions=[result.regions[i] for i in inc],
        samples=samples,
        seed=seed,
        concentration=concentration,
        acceptability=tally.acceptability(),
        mean_rank=mean,
        median_rank=median,
        rank_lo=lo,
        rank_hi=hi,
        weights_mean=wsum / samples,
        criteria=crit_ids,
    )


def sensitivity(
    result: Result,
    samples: int = 10_000,
    seed: int = 0,
    concentration: float | None = 100.0,
    bounds: dict[str, tuple[float, float]] | None = None,
    progress: Callable[[int], None] | None = None,
    memory_limit: int | None = None,
    tipping_progress: Callable[[int], None] | None = None,
) -> Sensitivity:
    """Monte Carlo rank statistics and tipping points; ``memory_limit`` in bytes (refuse above)."""
    mc = monte_carlo(
        result, samples, seed, concentration, bounds, progress=progress, memory_limit=memory_limit
    )
    return Sensitivity(result, mc, tipping_points(result, progress=tipping_progress))


def default_memory_limit() -> int:
    """4 GiB, or 80 % of the physical memory when that is less."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return MEMORY_LIMIT
    return int(min(MEMORY_LIMIT, 0.8 * ram)) if ram > 0 else MEMORY_LIMIT
