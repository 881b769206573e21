"""Scores of many weight vectors at once (samples x regions), for the sensitivity analyses."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def agg_rows(n: int, m: int) -> int:
    """Samples per aggregator call for methods that build samples x regions x criteria arrays."""
    return max(1, 4_000_000 // max(n * m, 1))


def wsm_into(V: np.ndarray, W: np.ndarray, out: np.ndarray) -> np.ndarray:
    """:func:`siting.engine.aggregate.wsm` of a weight block, written into ``out``.

    The same BLAS product and the same multiplication by 100 (bit-identical), but into an
    array kept between chunks: a fresh chunk-sized result costs a page fault per page, which
    took longer than the product itself.
    """
    np.matmul(W, V.T, out=out)
    out *= 100.0
    return out


def chunk_scores(
    aggregator: Callable[[np.ndarray, np.ndarray], np.ndarray],
    method: str,
    V: np.ndarray,
    W: np.ndarray,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Scores of one chunk; WSM in one matrix product (bit-identical to the unchunked run),
    other methods a few rows at a time (their arithmetic is per sample). ``out``: an array of
    at least ``len(W) x len(V)`` cells to write into (a view of it is returned)."""
    shape = (len(W), V.shape[0])
    buf = None if out is None else out.reshape(-1)[: shape[0] * shape[1]].reshape(shape)
    if method == "wsm":
        return aggregator(V, W) if buf is None else wsm_into(V, W, buf)
    step = agg_rows(*V.shape)
    if len(W) <= step and buf is None:
        return aggregator(V, W)
    res = np.empty(shape) if buf is None else buf
    for a in range(0, len(W), step):
        res[a : a + step] = aggregator(V, W[a : a + step])
    return res
