"""How robust is a ranking to its weights? Monte Carlo over weights, one-at-a-time tipping points.

Monte Carlo: weight vectors are drawn from a Dirichlet distribution centred on the scenario's
weights (``alpha = concentration * w``; larger concentration = closer to the scenario), or
uniformly over the simplex, optionally within per-criterion bounds (rejection sampling). The
transformed matrix, exclusions and bonuses/penalties of the scenario stay fixed; only the weights
vary. Ties within a sample share their ranks equally, so identical regions get identical
statistics. Samples are streamed in chunks of 5,000: memory is a few regions x regions arrays
plus one chunk, whatever the number of samples, and the numbers are bit-identical to scoring
all samples at once (same random stream, same matrix products, same float operations).

Tipping points: one criterion's weight moves from 0 to 1 while the others keep their
proportions. For WSM every score is linear in that weight, so the interval in which the top
region (and the top-3 set) stays the same is found exactly from the crossing points of those
lines; for other methods a fine sweep is used and the resolution is reported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import SitingError
from siting.engine.aggregate import get_aggregator
from siting.engine.score import TIE_DECIMALS

if TYPE_CHECKING:
    from siting.engine.result import Result

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

CHUNK = 5_000  # samples scored in one matrix product; part of the definition of the output
_BLOCK_CELLS = 2**19  # ranking works on row blocks of about this many cells
MEMORY_LIMIT = 4 * 2**30  # default ceiling for estimate_memory (bytes)


def _alpha(w0: np.ndarray, concentration: float | None) -> np.ndarray:
    if concentration is None:
        return np.ones(len(w0))
    if concentration <= 0:
        raise SitingError(
            "concentration must be positive",
            key="--concentration",
            fix="use e.g. --concentration 50 (larger = closer to the scenario)",
        )
    # criteria with weight 0 stay at 0
    return np.where(w0 > 0, concentration * w0, 0.0)


def iter_weights(
    w0: np.ndarray,
    n: int,
    rng: np.random.Generator,
    concentration: float | None = 100.0,
    bounds: dict[int, tuple[float, float]] | None = None,
    max_rounds: int = 200,
    block: int = CHUNK,
) -> Iterator[np.ndarray]:
    """The rows of :func:`sample_weights`, drawn and yielded ``block`` rows at a time.

    The generator draws Dirichlet rows one after another, so drawing in blocks gives the same
    rows as one big draw; rejection (``bounds``) keeps the same accepted rows in the same order
    and gives up after the same number of draws (``max_rounds`` rounds of ``max(n, 256)``).
    """
    m = len(w0)
    alpha = _alpha(w0, concentration)
    active = alpha > 0
    limit = max_rounds * max(n, 256) if bounds else n
    drawn = got = 0
    while got < n and drawn < limit:
        size = min(block, limit - drawn)
        draw = np.zeros((size, m))
        draw[:, active] = rng.dirichlet(alpha[active], size=size)
        drawn += size
        if bounds:
            ok = np.ones(size, dtype=bool)
            for j, (lo, hi) in bounds.items():
                ok &= (draw[:, j] >= lo) & (draw[:, j] <= hi)
            draw = draw[ok]
        draw = draw[: n - got]
        got += len(draw)
        if len(draw):
            yield draw
    if got < n:
        raise SitingError(
            f"the weight bounds accept too few samples ({got} of {n} after {max_rounds} rounds)",
            key="--bounds",
            fix="widen the bounds or lower the concentration",
        )


def sample_weights(
    w0: np.ndarray,
    n: int,
    rng: np.random.Generator,
    concentration: float | None = 100.0,
    bounds: dict[int, tuple[float, float]] | None = None,
    max_rounds: int = 200,
) -> np.ndarray:
    """``n`` weight vectors on the simplex: Dirichlet(concentration * w0) or uniform."""
    parts = list(iter_weights(w0, n, rng, concentration, bounds, max_rounds))
    return np.vstack(parts) if parts else np.zeros((0, len(w0)))


def _rechunk(blocks: Iterator[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """Regroup row blocks into arrays of exactly ``size`` rows (the last may be shorter)."""
    buf: list[np.ndarray] = []
    have = 0
    for b in blocks:
        while len(b):
            take = b[: size - have]
            buf.append(take)
            have += len(take)
            b = b[len(take) :]
            if have == size:
                yield buf[0] if len(buf) == 1 else np.vstack(buf)
                buf, have = [], 0
    if have:
        yield buf[0] if len(buf) == 1 else np.vstack(buf)


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


class _RankTally:
    """Streaming rank statistics: the rank-acceptability sums and a histogram of average ranks.

    Memory is a few ``n x n`` arrays plus one chunk; the float operations on the acceptability
    matrix are the ones :func:`rank_statistics` performs per chunk, in the same order, so the
    result is bit-identical to stacking all samples.
    """

    def __init__(self, n: int, samples: int) -> None:
        self.n = n
        self.acc = np.zeros((n, n))  # sum over chunks of chunk acceptability * chunk size
        self.hist = np.zeros((n, n), dtype=np.int64)  # [region, r]: average rank r + 1
        self.half: np.ndarray | None = None  # [region, h]: average rank h + 1.5 (ties only)
        self.samples = samples
        self._bufs: dict[str, np.ndarray] = {}

    def _buffer(self, name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        """A work array kept between chunks (fresh large arrays cost a page fault per page)."""
        buf = self._bufs.get(name)
        size = int(np.prod(shape))
        if buf is None or buf.size < size or buf.dtype != dtype:
            buf = self._bufs[name] = np.empty(size, dtype=dtype)
        return buf[:size].reshape(shape)

    def add_chunk(self, scores: np.ndarray) -> None:
        k, n = scores.shape
        ar = np.arange(n)
        events: list[np.ndarray] = []
        # Sort keys: the score rounded as np.round(x, TIE_DECIMALS) does (rint(x * 10**d)),
        # as an integer, negated (best first) and shifted, with the region in the low bits:
        # one integer sort per row gives the order, the regions and the exact ties at once.
        bits = max(1, (n - 1).bit_length())
        lim = 2.0 ** (62 - bits)
        low = (1 << bits) - 1
        step = max(1, _BLOCK_CELLS // n)
        # few regions: count each block (the counts are small); many: count the chunk at once
        per_block = 4 * n <= step
        flat = self._buffer("flat", (min(step, k) if per_block else k, n), np.int64)
        if per_block:
            cnt = self._buffer("cnt", (n * n,), np.int64)
            cnt[...] = 0
        for a in range(0, k, step):
            sb = scores[a : a + step]
            base = 0 if per_block else a  # rows of flat: region * n + rank - 1; n*n = tied
            q = self._buffer("q", sb.shape, np.float64)
            np.multiply(sb, -(10.0**TIE_DECIMALS), out=q)  # rint is symmetric: order reversed
            np.rint(q, out=q)
            with np.errstate(invalid="ignore"):
                fits = bool(-lim < q.min() and q.max() < lim)
            bad = np.zeros(len(sb), dtype=bool)
            if not fits:  # huge or non-finite scores: those rows take the general path
                with np.errstate(invalid="ignore"):
                    bad = ~(np.abs(q) < lim).all(axis=1)
                q[bad] = 0.0
            key = flat[base : base + len(sb)]
            key[...] = q  # integral values: exact
            key <<= bits
            key |= ar
            key.sort(axis=1)
            grp = q.view(np.int64)
            np.right_shift(key, bits, out=grp)
            same = self._buffer("same", (len(sb), n - 1), np.bool_)
            np.equal(grp[:, 1:], grp[:, :-1], out=same)
            tied = bad | same.any(axis=1)
            key &= low
            key *= n
            key += ar  # region * n + (rank - 1), rank = sorted position + 1
            if tied.any():
                rows = np.flatnonzero(tied)
                rank_min, g = _rank_rows(sb[rows])
                single = g == 1
                cell = ar * n + rank_min - 1
                flat[base + rows] = np.where(single, cell, n * n)
                reg = np.broadcast_to(ar, g.shape)[~single]
                events.append((g[~single] * n + reg) * n + rank_min[~single] - 1)
            if per_block:
                cnt += np.bincount(flat[: len(sb)].ravel(), minlength=n * n + 1)[: n * n]
        if not per_block:
            cnt = np.bincount(flat.ravel(), minlength=n * n + 1)[: n * n]
        self.hist += cnt.reshape(n, n)
        accc = self._buffer("accc", (n * n,), np.float64)
        accc[...] = cnt
        del cnt
        if events:
            keys, counts = np.unique(np.concatenate(events), return_counts=True)
            gs, rest = np.divmod(keys, n * n)
            regs, starts = np.divmod(rest, n)  # starts: 0-based first rank of the group
            for size in np.unique(gs):
                sel = gs == size
                cells, c = regs[sel] * n + starts[sel], counts[sel]
                share = c / size
                for off in range(size):
                    accc[cells + off] += share
                mid = starts[sel] + (size - 1) // 2
                if size % 2:
                    np.add.at(self.hist, (regs[sel], mid), c)
                else:
                    if self.half is None:
                        self.half = np.zeros((n, max(n - 1, 1)), dtype=np.int64)
                    np.add.at(self.half, (regs[sel], mid), c)
        accc /= k
        accc *= k
        self.acc += accc.reshape(n, n)

    def acceptability(self) -> np.ndarray:
        return self.acc / self.samples

    def _values_counts(self, rows: slice) -> tuple[np.ndarray, np.ndarray]:
        """Average-rank values 1, 1.5, ..., n and their counts for a block of regions."""
        h = self.hist[rows]
        n = self.n
        if self.half is None:
            return np.arange(1, n + 1, dtype=float), h
        both = np.zeros((h.shape[0], 2 * n - 1), dtype=np.int64)
        both[:, 0::2] = h
        both[:, 1::2] = self.half[rows, : n - 1]
        return (np.arange(2 * n - 1) + 2) / 2.0, both

    def rank_summary(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(mean, median, 5th and 95th percentile 'nearest') of the average rank per region,
        equal to numpy's mean/median/percentile over the stacked samples."""
        n, N = self.n, self.samples
        # the order statistics numpy picks: median (two middle ones), percentile 'nearest'
        q = np.around((N - 1) * np.true_divide(np.array([5, 95]), 100)).astype(np.intp)
        mids = [(N - 1) // 2] if N % 2 else [N // 2 - 1, N // 2]
        picks = np.array([*q, *mids])
        mean = np.empty(n)
        stats = np.empty((len(picks), n))
        step = max(1, _BLOCK_CELLS // (2 * n))
        for a in range(0, n, step):
            rows = slice(a, min(n, a + step))
            vals, counts = self._values_counts(rows)
            twice = np.rint(2 * vals).astype(np.int64)
            mean[rows] = (counts @ twice) / 2 / N  # exact sum of half-integers, as numpy's
            cum = np.cumsum(counts, axis=1)
            for i, p in enumerate(picks):
                stats[i, rows] = vals[(cum <= p).sum(axis=1)]
        lo, hi = stats[0], stats[1]
        median = stats[2] if N % 2 else (stats[2] + stats[3]) / 2
        return mean, median, lo, hi


def estimate_memory(n: int, samples: int, m: int = 20, method: str = "wsm") -> int:
    """Bytes :func:`sensitivity` needs for ``n`` ranked regions (streamed: samples do not add)."""
    k = min(samples, CHUNK)
    block = max(1, _BLOCK_CELLS // max(n, 1)) * n
    work = 5 * 8 * block  # argsort, gathered scores, keys on one row block
    if method not in ("wsm",):
        work += 4 * 8 * _agg_rows(n, m) * n * m
    # acc, hist, chunk counts, chunk acceptability (+ ties); scores and cells of one chunk;
    # tipping points: crossing points of all pairs of regions
    return 5 * 8 * n * n + 2 * 8 * k * n + work + 64 * 2**20


def _agg_rows(n: int, m: int) -> int:
    """Samples per aggregator call for methods that build samples x regions x criteria arrays."""
    return max(1, 4_000_000 // max(n * m, 1))


def _chunk_scores(
    aggregator: Callable[[np.ndarray, np.ndarray], np.ndarray],
    method: str,
    V: np.ndarray,
    W: np.ndarray,
) -> np.ndarray:
    """Scores of one chunk; WSM in one matrix product (bit-identical to the unchunked run),
    other methods a few rows at a time (their arithmetic is per sample)."""
    if method == "wsm":
        return aggregator(V, W)
    step = _agg_rows(*V.shape)
    if len(W) <= step:
        return aggregator(V, W)
    out = np.empty((len(W), V.shape[0]))
    for a in range(0, len(W), step):
        out[a : a + step] = aggregator(V, W[a : a + step])
    return out


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
    tally = _RankTally(n, samples)
    wsum = np.zeros(len(crit_ids))
    stream = iter_weights(result.weights, samples, rng, concentration, b_idx or None, block=chunk)
    for Wc in _rechunk(stream, chunk):
        # numpy sums axis 0 row after row: continuing from the running total is the same sum
        wsum = np.add.reduce(np.concatenate([wsum[None], Wc]), axis=0)
        scores = _chunk_scores(aggregator, result.method, V, Wc)
        scores += adj[None, :]
        if not higher:
            scores = -scores
        tally.add_chunk(scores)
        del scores
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
    n = len(inc)
    out = []
    for j, crit in enumerate(result.criteria):
        slope = icpt = None
        if exact:
            # WSM scores are linear in t: s_i(t) = adj_i + 100 (t v_ij + (1 - t) b_i); the order
            # can only change where two lines cross, so probe the middle of every segment.
            rest = w0.copy()
            rest[j] = 0
            b = V @ (rest / rest.sum()) if rest.sum() > 0 else np.zeros(len(inc))
            slope = 100 * (V[:, j] - b)
            icpt = adj + 100 * b
            pts = _crossings(slope, icpt)
            edges = np.concatenate([[0.0], pts, [1.0]])
            probes = (edges[:-1] + edges[1:]) / 2
            at = int(min(np.searchsorted(edges, w0[j], side="right") - 1, len(probes) - 1))
            resolution = 0.0
        else:
            probes = np.unique(np.append(np.linspace(0, 1, SWEEP_POINTS), w0[j]))
            edges = None
            at = int(np.flatnonzero(probes == w0[j])[0])
            resolution = 1.0 / (SWEEP_POINTS - 1)

        def score_at(idx: np.ndarray, j: int = j, probes: np.ndarray = probes) -> np.ndarray:
            W = _weights_at(w0, j, probes[idx])
            return sign * (_chunk_scores(aggregator, result.method, V, W) + adj[None, :])

        last = len(probes) - 1
        if exact and len(probes) * n > WALK_ABOVE:
            t1, t3 = (
                _Walk(score_at, probes, slope, icpt, codes, 1),
                _Walk(score_at, probes, slope, icpt, codes, k),
            )
            top = t3.tops(np.array([at]))[0]
            lead = np.flatnonzero(codes == top[0])[:1]
            members = np.flatnonzero(np.isin(codes, top))
            (b1, f_lo), (a1, f_hi) = t1.end(at, top, lead, -1), t1.end(at, top, lead, 1)
            (b3, s_lo), (a3, s_hi) = t3.end(at, top, members, -1), t3.end(at, top, members, 1)
            lo1, hi1 = (0 if b1 is None else b1 + 1), (last if a1 is None else a1 - 1)
            lo3, hi3 = (0 if b3 is None else b3 + 1), (last if a3 is None else a3 - 1)
            below1 = f_lo[0] if f_lo else None
            above1 = f_hi[0] if f_hi else None
            set_lo, set_hi = s_lo, s_hi
        else:
            tops = _top_sets(score_at(np.arange(len(probes))), codes, k)
            top = tops[at]
            firsts = [t[0] for t in tops]
            sets = [tuple(sorted(t)) for t in tops]
            lo1, hi1 = _run(firsts, at)
            lo3, hi3 = _run(sets, at)
            below1 = firsts[lo1 - 1] if lo1 > 0 else None
            above1 = firsts[hi1 + 1] if hi1 < last else None
            set_lo = sets[lo3 - 1] if lo3 > 0 else None
            set_hi = sets[hi3 + 1] if hi3 < last else None

        def span(lo: int, hi: int, edges=edges, probes=probes) -> tuple[float, float]:
            if edges is not None:
                return float(edges[lo]), float(edges[hi + 1])
            return float(probes[lo]), float(probes[hi])

        out.append(
            Tipping(
                criterion=crit.id,
                weight=float(w0[j]),
                top_region=top[0],
                top_interval=span(lo1, hi1),
                below_takes_over=below1,
                above_takes_over=above1,
                top3=list(top),
                top3_interval=span(lo3, hi3),
                top3_below=sorted(set(set_lo) - set(top)) if set_lo is not None else [],
                top3_above=sorted(set(set_hi) - set(top)) if set_hi is not None else [],
                exact=exact,
                resolution=resolution,
            )
        )
        if progress:
            progress(1)
    return out


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
