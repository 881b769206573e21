"""Tail probabilities of backtest results under the null hypothesis that a decision is
unrelated to the ranking: the chosen region's rank is then uniform on 1..N.

Hits@k follow a Poisson-binomial distribution (exact); the sum of reciprocal ranks has an exact
discrete distribution, computed over a common denominator while its distinct partial sums stay
few, else estimated by a seeded Monte Carlo run.
"""

from __future__ import annotations

import math
from functools import lru_cache, reduce

import numpy as np

from siting.data.cache import memo_json


def poisson_binomial_tail(ps: list[float], k: int) -> float:
    """P(X >= k) for X a sum of independent Bernoulli(p_i)."""
    dist = np.array([1.0])
    for p in ps:
        dist = np.convolve(dist, [1 - p, p])
    return float(dist[k:].sum())


EXACT_MRR_MAX_N = 40  # beyond this the number of distinct reciprocal sums explodes
EXACT_MRR_MAX_STATES = 20_000  # distinct partial sums kept before falling back to Monte Carlo
MC_DRAWS = 1_000_000
MC_SEED = 0
MC_METHOD = "monte carlo (1e6 draws)"


@lru_cache(maxsize=4)
def _mc_reciprocal_sums(ns: tuple[int, ...]) -> np.ndarray:
    """The seeded Monte Carlo draws of sum_i 1/R_i (the same for every observed value, so a
    scenario and its baselines on the same decisions share one set of draws). One work array
    for 1/R: no temporary arrays per item (half the time; the same floats)."""
    rng = np.random.default_rng(MC_SEED)
    total = np.zeros(MC_DRAWS)
    part = np.empty(MC_DRAWS)
    for n in ns:
        np.divide(1.0, rng.integers(1, n + 1, size=MC_DRAWS), out=part)
        total += part
    total.flags.writeable = False
    return total


def _mc_reciprocal_tail(ns: list[int], observed: float) -> float:
    """The Monte Carlo tail, kept in the cache folder (:func:`memo_json`): drawing 1e6 ranks
    per item is most of a backtest's time, and the estimate depends only on the key below."""
    key = {
        "ns": [int(n) for n in ns],
        "observed": float(observed),
        "draws": MC_DRAWS,
        "seed": MC_SEED,
        "numpy": np.__version__,  # the generator's stream is numpy's, not ours
    }
    return float(memo_json("mc-tail", key, lambda: _mc_tail_now(tuple(ns), observed)))


def _mc_tail_now(ns: tuple[int, ...], observed: float) -> float:
    return float(np.mean(_mc_reciprocal_sums(ns) >= observed - 1e-12))


def _exact_reciprocal_tail(ns: list[int], observed: float) -> float | None:
    """The exact tail, or None when the partial sums outgrow ``EXACT_MRR_MAX_STATES``.

    Partial sums are integers over the common denominator ``lcm(1..max n)``, kept in the order
    they first appear; every probability is accumulated in that order, one addition after the
    other (``cumsum``, ``bincount``), so the floats are those of a loop over a dict."""
    lcm = reduce(lambda a, b: a * b // math.gcd(a, b), range(1, max(ns) + 1), 1)
    if lcm * (len(ns) + 1) >= 2**62:  # int64 sums; so many items outgrow the states anyway
        return None
    target = round(observed * lcm)  # observed is a sum of 1/r: an integer multiple of 1/lcm
    if _outgrows_untouched(tuple(ns), lcm, target):
        return None
    states = np.zeros(1, dtype=np.int64)
    probs = np.ones(1)
    done = 0.0
    for idx, n in enumerate(ns):
        rest_max = lcm * (len(ns) - idx - 1)  # the most the remaining items can add
        cand = (states[:, None] + (lcm // np.arange(1, n + 1))[None, :]).ravel()
        share = np.repeat(probs / n, n)
        hit = cand >= target  # already at or above: whatever follows
        if hit.any():
            done = float(np.cumsum(np.concatenate([[done], share[hit]]))[-1])
        live = ~hit & (cand + rest_max >= target)
        cand, share = cand[live], share[live]
        keys, first, inverse = np.unique(cand, return_index=True, return_inverse=True)
        if len(keys) > EXACT_MRR_MAX_STATES:
            return None
        sums = np.bincount(inverse, weights=share, minlength=len(keys))
        order = np.argsort(first, kind="stable")
        states, probs = keys[order], sums[order]
    return float(min(1.0, done))


@lru_cache(maxsize=16)
def _overflow_step(ns: tuple[int, ...], lcm: int) -> int | None:
    """The first item after which the partial sums, none dropped, outnumber
    ``EXACT_MRR_MAX_STATES`` (None: never); kept in the cache folder (:func:`memo_json`), as
    finding it is most of an exact test's time."""
    key = {"ns": [int(n) for n in ns], "lcm": int(lcm), "max_states": EXACT_MRR_MAX_STATES}
    return memo_json("mrr-overflow", key, lambda: _overflow_step_now(ns, lcm))


def _overflow_step_now(ns: tuple[int, ...], lcm: int) -> int | None:
    states = np.zeros(1, dtype=np.int64)
    for idx, n in enumerate(ns):
        states = np.unique((states[:, None] + (lcm // np.arange(1, n + 1))[None, :]).ravel())
        if len(states) > EXACT_MRR_MAX_STATES:
            return idx
    return None


def _outgrows_untouched(ns: tuple[int, ...], lcm: int, target: int) -> bool:
    """True when the search for ``target`` would give up at :func:`_overflow_step` without having
    set any partial sum aside before: none can reach ``target`` by then (each item adds at most
    ``lcm``) and none falls short of it for good (the smallest plus the most that the remaining
    items can add). The states are then those of every target, so the answer is shared."""
    f = _overflow_step(ns, lcm)
    if f is None:
        return False
    lowest = sum(lcm // n for n in ns[: f + 1]) + lcm * (len(ns) - f - 1)
    return (f + 1) * lcm < target <= lowest


def reciprocal_rank_tail_with_method(ns: list[int], observed: float) -> tuple[float, str]:
    """(P(sum_i 1/R_i >= observed), "exact" or the Monte Carlo label) for independent R_i
    uniform on 1..n_i. Exact (integer arithmetic over a common denominator) when every
    n_i <= EXACT_MRR_MAX_N and the distinct partial sums stay below EXACT_MRR_MAX_STATES;
    otherwise a seeded Monte Carlo estimate with ``MC_DRAWS`` draws (standard error <= 0.0005).
    """
    if not ns:
        return float("nan"), "exact"
    if max(ns) <= EXACT_MRR_MAX_N:
        p = _exact_reciprocal_tail(ns, observed)
        if p is not None:
            return p, "exact"
    return _mc_reciprocal_tail(ns, observed), MC_METHOD


def reciprocal_rank_tail(ns: list[int], observed: float) -> float:
    """P(sum_i 1/R_i >= observed); see :func:`reciprocal_rank_tail_with_method`."""
    return reciprocal_rank_tail_with_method(ns, observed)[0]
