"""Scores of many weight vectors at once (samples x regions), for the sensitivity analyses."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def agg_rows(n: int, m: int) -> int:
    """Samples per aggregator call for methods that build samples x regions x criteria arrays."""
    return max(1, 4_000_000 // max(n * m, 1))


def chunk_scores(
    aggregator: Callable[[np.ndarray, np.ndarray], np.ndarray],
    method: str,
    V: np.ndarray,
    W: np.ndarray,
) -> np.ndarray:
    """Scores of one chunk; WSM in one matrix product (bit-identical to the unchunked run),
    other methods a few rows at a time (their arithmetic is per sample)."""
    if method == "wsm":
        return aggregator(V, W)
    step = agg_rows(*V.shape)
    if len(W) <= step:
        return aggregator(V, W)
    out = np.empty((len(W), V.shape[0]))
    for a in range(0, len(W), step):
        out[a : a + step] = aggregator(V, W[a : a + step])
    return out
