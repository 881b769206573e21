"""Rank statistics of many weight samples at once: competition ranks with ties, the
rank-acceptability matrix and a streaming tally of average ranks.

Ties within a sample share their ranks equally, so identical regions get identical statistics.
:class:`RankTally` keeps a few ``regions x regions`` arrays whatever the number of samples, and
its numbers are bit-identical to :func:`rank_statistics` over all samples stacked.
"""

from __future__ import annotations

import numpy as np

from siting.engine.ranking import rank_bounds
from siting.engine.score import TIE_DECIMALS

BLOCK_CELLS = 2**17  # ranking works on row blocks of about this many cells (cache-sized)
COUNT_CELLS = 2**19  # up to n * n this large, acceptability is counted block by block


def block_rows(n: int) -> tuple[int, bool]:
    """Rows per ranking block for ``n`` regions, and whether each block is counted on its own.

    Counting a block costs ``n * n`` (the bincount's bins) on top of its cells, so a block
    counted on its own has at least ``n`` rows; with more regions the whole chunk is counted
    at once. Counting while the block is in cache is what makes small blocks fast.
    """
    step = max(1, BLOCK_CELLS // max(n, 1))
    per_block = n * n <= COUNT_CELLS
    return (max(step, n) if per_block else step), per_block


def rank_rows(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row (sample): competition-min rank and tie-group size of every column (the engine's
    one tie rule, :func:`siting.engine.ranking.rank_bounds`)."""
    low, high = rank_bounds(scores)
    return low, high - low + 1


def rank_statistics(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(acceptability matrix regions x ranks, average ranks samples x regions) from scores."""
    k, n = scores.shape
    rank_min, g = rank_rows(scores)
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


class RankTally:
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

    def add_chunk(
        self, scores: np.ndarray, offset: np.ndarray | None = None, negate: bool = False
    ) -> None:
        """Tally one chunk (samples x regions) of ``-(scores + offset)`` if ``negate`` else
        ``scores + offset`` (the same float operations, done block by block in cache)."""
        k, n = scores.shape
        step, per_block = block_rows(n)
        # rows of flat: region * n + rank - 1 per cell; n * n for a cell of a tie group
        flat = self._buffer("flat", (min(step, k) if per_block else k, n), np.int64)
        cnt = self._buffer("cnt", (n * n if per_block else 0,), np.int64)
        cnt[...] = 0
        events: list[np.ndarray] = []
        for a in range(0, k, step):
            sb = scores[a : a + step]
            cells = flat[0 if per_block else a :][: len(sb)]
            rows = self._block_cells(sb, cells, offset, negate)
            if len(rows):
                s = sb[rows] if offset is None else sb[rows] + offset
                events.append(self._tied_cells(-s if negate else s, cells, rows))
            if per_block:
                cnt += np.bincount(cells.ravel(), minlength=n * n + 1)[: n * n]
        if not per_block:
            cnt = np.bincount(flat.ravel(), minlength=n * n + 1)[: n * n]
        self.hist += cnt.reshape(n, n)
        accc = self._buffer("accc", (n * n,), np.float64)
        accc[...] = cnt
        if events:
            self._add_ties(accc, np.concatenate(events))
        accc /= k
        accc *= k
        self.acc += accc.reshape(n, n)

    def _block_cells(
        self, sb: np.ndarray, cells: np.ndarray, offset: np.ndarray | None, negate: bool
    ) -> np.ndarray:
        """Fill ``cells`` with region * n + rank - 1 of each score of a row block, by one
        integer sort per row; return the rows with ties or huge scores (their cells are to
        be redone by :meth:`_tied_cells`)."""
        n = sb.shape[1]
        ar = np.arange(n)
        # Sort keys: the score rounded as np.round(x, TIE_DECIMALS) does (rint(x * 10**d)),
        # as an integer, negated (best first) and shifted, with the region in the low bits:
        # one integer sort per row gives the order, the regions and the exact ties at once.
        bits = max(1, (n - 1).bit_length())
        lim = 2.0 ** (62 - bits)
        low = (1 << bits) - 1
        scale = 10.0**TIE_DECIMALS if negate else -(10.0**TIE_DECIMALS)
        q = self._buffer("q", sb.shape, np.float64)
        if offset is None:
            np.multiply(sb, scale, out=q)
        else:
            np.add(sb, offset, out=q)
            q *= scale  # (-x) * -c == x * c exactly: rint is symmetric, order reversed
        np.rint(q, out=q)
        with np.errstate(invalid="ignore"):
            fits = bool(-lim < q.min() and q.max() < lim)
        bad = np.zeros(len(sb), dtype=bool)
        if not fits:  # huge or non-finite scores: those rows take the general path
            with np.errstate(invalid="ignore"):
                bad = ~(np.abs(q) < lim).all(axis=1)
            q[bad] = 0.0
        cells[...] = q  # integral values: exact
        cells <<= bits
        cells |= ar
        cells.sort(axis=1)
        if n > 1:
            # neighbours in sorted order are tied iff their keys differ in the low bits only
            x = self._buffer("x", (len(sb), n - 1), np.int64)
            np.bitwise_xor(cells[:, 1:], cells[:, :-1], out=x)
            if x.min() <= low:
                bad |= (x <= low).any(axis=1)
        cells &= low
        cells *= n
        cells += ar  # region * n + (rank - 1), rank = sorted position + 1
        return np.flatnonzero(bad)

    @staticmethod
    def _tied_cells(s: np.ndarray, cells: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Redo the cells of ``rows`` (scores ``s``) with ties: singles keep their cell, tied
        ones get n * n; return the tie events (group size * n + region) * n + first rank - 1."""
        n = s.shape[1]
        ar = np.arange(n)
        rank_min, g = rank_rows(s)
        single = g == 1
        cells[rows] = np.where(single, ar * n + rank_min - 1, n * n)
        reg = np.broadcast_to(ar, g.shape)[~single]
        return (g[~single] * n + reg) * n + rank_min[~single] - 1

    def _add_ties(self, accc: np.ndarray, events: np.ndarray) -> None:
        """Share each tie group's ranks equally in ``accc``; count its average ranks."""
        n = self.n
        keys, counts = np.unique(events, return_counts=True)
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
        step = max(1, BLOCK_CELLS // (2 * n))
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
