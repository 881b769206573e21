"""Out-of-sample validation of fitted weights: forward-chaining and leave-one-decision-out.

Forward-chaining: for each cut year Y (a year in which some decision was taken, with at least
``MIN_TRAIN`` decisions before it) weights are fitted on the decisions dated before 1 January Y
and tested on every decision from Y on. A decision's training set therefore never holds a
decision of its own year or later. The pooled result scores each decision once, with the
weights of the fold cut at its own year (everything before its year), so pooled items are
independent draws under the null and the exact p-values of
:func:`siting.analysis.backtest.summarise`
apply.

Leave-one-decision-out fits on all other decisions (future ones included: it measures
stability, not forecasting). The regularisation strength is chosen on the pooled forward MRR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from siting.analysis.backtest import Guard, Item, Summary, summarise, summary_row
from siting.analysis.fit import DEFAULT_MARGIN, DecisionMatrix, Pairs, solve

MIN_TRAIN = 3  # decisions a fold needs before its cut year
REG_GRID = (0.0, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


@dataclass
class Fold:
    year: int
    train: list[int]  # indices into the decision matrices
    test: list[int]


def forward_folds(mats: list[DecisionMatrix], min_train: int = MIN_TRAIN) -> list[Fold]:
    """Expanding-window folds: train on decisions before year Y, test on those from Y on."""
    years = [m.decision.date.year for m in mats]
    folds = []
    for y in sorted(set(years)):
        train = [k for k, yk in enumerate(years) if yk < y]
        test = [k for k, yk in enumerate(years) if yk >= y]
        if len(train) >= min_train and test:
            folds.append(Fold(y, train, test))
    return folds


def items_for(mats: list[DecisionMatrix], which: list[int], w: np.ndarray) -> list[Item]:
    """Backtest items of the decisions ``which`` under weights ``w``."""
    out = []
    for k in which:
        m = mats[k]
        n = int(m.included.sum())
        s = m.scores(w)
        for c, r in zip(m.chosen, m.ranks(w), strict=True):
            out.append(Item(m.decision.id, str(c), r, n, None, None, Guard(), float(s[c])))
    return out


def _fit_on(pairs: Pairs, train: list[int], prior: np.ndarray, lam: float, margin: float):  # type: ignore[no-untyped-def]
    mask = np.isin(pairs.decision, train)
    if not mask.any():
        return None
    return solve(pairs, prior, lam, mask, margin=margin)


def _summary_row(label: str, items: list[Item], **extra: Any) -> dict[str, Any]:
    s: Summary = summarise(items)
    return {**extra, **summary_row(label, items, s), "expected_mrr": s.expected_mrr}


@dataclass
class Validation:
    method: str  # "forward" or "loo"
    regularization: float
    folds: list[dict[str, Any]] = field(default_factory=list)
    pooled: list[dict[str, Any]] = field(default_factory=list)  # fitted, then prior
    pooled_items: list[Item] = field(default_factory=list)  # fitted, out of sample
    prior_items: list[Item] = field(default_factory=list)  # the prior on the same decisions
    detail: list[dict[str, Any]] = field(default_factory=list)


def _forward_weights(
    mats: list[DecisionMatrix],
    pairs: Pairs,
    prior: np.ndarray,
    lam: float | None,
    margin: float,
    min_train: int,
) -> list[tuple[Fold, np.ndarray, float]]:
    """(fold, fitted weights, regularisation) per fold. With ``lam`` None the strength is chosen
    inside each fold by forward chaining over its own training decisions only (nested), so
    nothing from the test years steers it."""
    out = []
    for f in forward_folds(mats, min_train):
        lam_f = lam
        if lam_f is None:
            sub = [mats[k] for k in f.train]
            lam_f, _ = choose_regularization(
                sub, subset(pairs, np.array(f.train)), prior, margin=margin, min_train=min_train
            )
        w = _fit_on(pairs, f.train, prior, lam_f, margin)
        if w is not None:
            out.append((f, w, lam_f))
    return out


def _own_year(mats: list[DecisionMatrix], f: Fold) -> list[int]:
    return [k for k in f.test if mats[k].decision.date.year == f.year]


def forward_chain(
    mats: list[DecisionMatrix],
    pairs: Pairs,
    prior: np.ndarray,
    lam: float | None,
    margin: float = DEFAULT_MARGIN,
    min_train: int = MIN_TRAIN,
) -> Validation:
    """Each fold (fitted vs prior on its test decisions) and the pooled one-step-ahead result;
    ``lam`` None chooses the regularisation inside each fold (see :func:`_forward_weights`)."""
    val = Validation("forward", float("nan") if lam is None else lam)
    pooled_fit: list[Item] = []
    pooled_prior: list[Item] = []
    for f, w, lam_f in _forward_weights(mats, pairs, prior, lam, margin, min_train):
        extra = {"cut_year": str(f.year), "train": len(f.train), "regularization": lam_f}
        val.folds.append(_summary_row("fitted", items_for(mats, f.test, w), **extra))
        val.folds.append(_summary_row("prior", items_for(mats, f.test, prior), **extra))
        pooled_fit += items_for(mats, _own_year(mats, f), w)
        pooled_prior += items_for(mats, _own_year(mats, f), prior)
    val.pooled = [_summary_row("fitted", pooled_fit), _summary_row("prior", pooled_prior)]
    val.pooled_items, val.prior_items = pooled_fit, pooled_prior
    return val


def leave_one_out(
    mats: list[DecisionMatrix],
    pairs: Pairs,
    prior: np.ndarray,
    lam: float,
    margin: float = DEFAULT_MARGIN,
) -> Validation:
    """Fit on every other decision, test on the one left out."""
    val = Validation("loo", lam)
    fitted: list[Item] = []
    prior_items: list[Item] = []
    for k in range(len(mats)):
        others = [j for j in range(len(mats)) if j != k]
        w = _fit_on(pairs, others, prior, lam, margin)
        if w is None:
            continue
        its = items_for(mats, [k], w)
        fitted += its
        prior_items += items_for(mats, [k], prior)
        val.detail.append(
            {"decision": mats[k].decision.id, "ranks": ", ".join(str(i.rank) for i in its)}
        )
    val.pooled = [_summary_row("fitted", fitted), _summary_row("prior", prior_items)]
    val.pooled_items, val.prior_items = fitted, prior_items
    return val


def _quick(items: list[Item]) -> dict[str, Any]:
    """hit@1, hit@3 and MRR without p-values (for the regularisation grid)."""
    r = np.array([it.rank for it in items if it.n_ranked > 0])
    rr = np.where(r > 0, 1.0 / np.maximum(r, 1), 0.0)
    return {
        "decisions": len({it.decision for it in items}),
        "hit1": int(np.sum(r == 1)),
        "hit3": int(np.sum((r > 0) & (r <= 3))),
        "mrr": round(float(rr.mean()), 4) if r.size else float("nan"),
    }


def choose_regularization(
    mats: list[DecisionMatrix],
    pairs: Pairs,
    prior: np.ndarray,
    grid: tuple[float, ...] = REG_GRID,
    margin: float = DEFAULT_MARGIN,
    min_train: int = MIN_TRAIN,
) -> tuple[float, list[dict[str, Any]]]:
    """The strength with the best pooled forward MRR (then hit@3; ties: the strongest pull
    toward the prior), and the validation curve."""
    curve = []
    for lam in grid:
        items: list[Item] = []
        for f, w, _ in _forward_weights(mats, pairs, prior, lam, margin, min_train):
            items += items_for(mats, _own_year(mats, f), w)
        curve.append({"regularization": lam, **_quick(items)})
    scored = [c for c in curve if c["decisions"] > 0]
    if not scored:
        return grid[-1], curve
    best = max(scored, key=lambda c: (c["mrr"], c["hit3"], c["regularization"]))
    return float(best["regularization"]), curve


# ---------------------------------------------------------------------- weight uncertainty

BOOTSTRAP_DRAWS = 200
BOOTSTRAP_SEED = 0


def subset(pairs: Pairs, decisions: np.ndarray) -> Pairs:
    """The pairs of the given decisions, repeated as often as a decision is drawn (each copy
    renumbered so that it counts as its own decision)."""
    parts = [np.flatnonzero(pairs.decision == k) for k in decisions]
    idx = np.concatenate(parts) if parts else np.zeros(0, dtype=int)
    dec = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)]) if parts else idx
    return Pairs(pairs.criteria, pairs.diff[idx], pairs.adj[idx], dec, pairs.chosen[idx])


def bootstrap_weights(
    pairs: Pairs,
    prior: np.ndarray,
    lam: float,
    margin: float = DEFAULT_MARGIN,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = BOOTSTRAP_SEED,
) -> np.ndarray:
    """Weights refitted on ``draws`` resamples of the decisions (with replacement, seeded):
    an array draws x m."""
    rng = np.random.default_rng(seed)
    ks = np.unique(pairs.decision)
    out = np.zeros((draws, pairs.diff.shape[1]))
    for b in range(draws):
        out[b] = solve(subset(pairs, rng.choice(ks, size=len(ks))), prior, lam, margin=margin)
    return out


def intervals(samples: np.ndarray, level: float = 0.9) -> list[tuple[float, float]]:
    """Percentile intervals per column (5-95 % for level 0.9)."""
    lo, hi = np.percentile(samples, [50 * (1 - level), 50 * (1 + level)], axis=0)
    return [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]


COLLINEAR_RHO = 0.9


def indistinguishable(pairs: Pairs, rho: float = COLLINEAR_RHO) -> list[dict[str, Any]]:
    """Criteria the decisions cannot tell apart: no difference between chosen and alternative
    regions in any pair, or pair differences of two criteria with |Spearman rho| >= ``rho``
    (the decisions reward one exactly when they reward the other)."""
    from scipy.stats import spearmanr

    D = pairs.diff
    flat = [j for j in range(D.shape[1]) if np.all(np.abs(D[:, j]) < 1e-12)]
    out = [
        {"criteria": pairs.criteria[j], "why": "no difference between chosen and alternatives"}
        for j in flat
    ]
    live = [j for j in range(D.shape[1]) if j not in flat and np.ptp(D[:, j]) > 0]
    for a_i, a in enumerate(live):
        for b in live[a_i + 1 :]:
            r = float(spearmanr(D[:, a], D[:, b]).statistic)
            if abs(r) >= rho:
                out.append(
                    {
                        "criteria": f"{pairs.criteria[a]} ~ {pairs.criteria[b]}",
                        "why": f"pair differences move together (Spearman rho {r:+.2f})",
                    }
                )
    return out
