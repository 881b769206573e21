"""Aggregation methods over a transformed decision matrix (pure, vectorised).

Every function takes ``V`` (alternatives x criteria, values in [0, 1], higher is better) and
weights ``w`` that sum to 1. ``w`` may be one vector (m,) or a stack of them (k, m); the result
is then (n,) or (k, n). Scores are on a 0-100 scale.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from siting._errors import SitingError

Aggregator = Callable[[np.ndarray, np.ndarray], np.ndarray]


def wsm(V: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted sum: 100 * sum_j w_j v_ij."""
    return 100.0 * (np.asarray(w) @ V.T)


def wpm(V: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted product: 100 * prod_j v_ij ** w_j (a zero on a weighted criterion gives 0)."""
    w = np.asarray(w, dtype=float)
    ww = w[:, None, :] if w.ndim == 2 else w
    with np.errstate(divide="ignore", invalid="ignore"):
        logv = np.log(V)
        # 0 ** 0 == 1: a criterion with weight 0 must not zero the product
        terms = np.where(ww == 0, 0.0, ww * logv)
    return 100.0 * np.exp(terms.sum(axis=-1))


def topsis(V: np.ndarray, w: np.ndarray) -> np.ndarray:
    """TOPSIS closeness on the weighted matrix (ideal = column max over the alternatives)."""
    w = np.asarray(w, dtype=float)
    W = V[None, :, :] * w[:, None, :] if w.ndim == 2 else (V * w)[None]
    pis = W.max(axis=1, keepdims=True)
    nis = W.min(axis=1, keepdims=True)
    dp = np.sqrt(((W - pis) ** 2).sum(axis=-1))
    dm = np.sqrt(((W - nis) ** 2).sum(axis=-1))
    total = dp + dm
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(total > 0, dm / total, 0.5)
    out = 100.0 * c
    return out if w.ndim == 2 else out[0]


BUILTIN: dict[str, Aggregator] = {"wsm": wsm, "wpm": wpm, "topsis": topsis}
ADDITIVE = {"wsm"}


def external_method(name: str) -> tuple[Aggregator, bool]:
    """A pymcdm method by name; returns the aggregator and whether higher preference is better."""
    try:
        import pymcdm.methods as pm
    except ImportError as exc:
        raise SitingError(
            f"method {name!r} needs the optional package pymcdm",
            key="method",
            fix="pip install pymcdm, or use wsm, wpm or topsis",
        ) from exc
    cls = None
    for attr in dir(pm):
        if attr.lower().replace("_", "") == name.lower().replace("_", "").replace("-", ""):
            obj = getattr(pm, attr)
            if isinstance(obj, type):
                cls = obj
                break
    if cls is None:
        names = sorted(a.lower() for a in dir(pm) if a[:1].isupper())
        raise SitingError(
            f"unknown method {name!r}",
            key="method",
            fix=f"use wsm, wpm, topsis or a pymcdm method: {', '.join(names)}",
        )
    try:
        method = cls()
    except TypeError as exc:
        raise SitingError(
            f"pymcdm method {name!r} needs extra parameters siting cannot supply",
            key="method",
            fix="use wsm, wpm, topsis or a method without required parameters (e.g. vikor, edas)",
        ) from exc
    higher = bool(getattr(method, "_reverse_ranking", True))

    def run(V: np.ndarray, w: np.ndarray) -> np.ndarray:
        types = np.ones(V.shape[1])
        if np.asarray(w).ndim == 2:
            return np.stack([np.asarray(method(V, wi, types, validation=False)) for wi in w])
        return np.asarray(method(V, w, types, validation=False), dtype=float)

    return run, higher


def get_aggregator(name: str) -> tuple[Aggregator, bool]:
    """(aggregator, higher_is_better) for a method name."""
    key = name.lower()
    if key in BUILTIN:
        return BUILTIN[key], True
    return external_method(key)
