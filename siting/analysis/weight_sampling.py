"""Weight vectors for the Monte Carlo sensitivity analysis, drawn in blocks.

Dirichlet draws centred on the scenario's weights (``alpha = concentration * w``) or uniform
over the simplex, optionally within per-criterion bounds (rejection sampling). Drawing in blocks
gives the same rows as one big draw, so the output does not depend on the block size.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from siting._errors import SitingError

CHUNK = 5_000  # samples scored in one matrix product; part of the definition of the output


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
        if active.all():  # the same draws, without a copy into zero columns
            draw = rng.dirichlet(alpha, size=size)
        else:
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


def rechunk(blocks: Iterator[np.ndarray], size: int) -> Iterator[np.ndarray]:
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
