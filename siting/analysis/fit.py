"""Learn the weights that real decisions imply.

A linear program over the (leakage-guarded) transformed matrices: non-negative weights summing
to 1 under which every chosen region outscores its alternatives (the named rivals, or else every
other ranked region) by at least ``margin`` points, violations costing their shortfall (a hinge,
as in a ranking SVM with an L1 pull toward the prior):

    minimise  mean_p slack_p + lambda * sum_j |w_j - w_prior_j|
    s.t.      100 * (v_chosen - v_alt)_p . w + (adj_chosen - adj_alt)_p + slack_p >= margin
              sum(w) = 1,  w >= 0,  slack >= 0

A tie is a violation (it costs ``margin``), so weights that make every region equal are not a
solution. Criteria that no decision can inform (dropped by the leakage guard everywhere, or equal
for all chosen and alternative regions) keep their prior weight. The achieved smallest and mean
margins are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import SitingError
from siting._frames import Tabular
from siting.analysis.backtest import NothingKnown, scored_for, unscorable
from siting.engine.score import TIE_DECIMALS

if TYPE_CHECKING:
    from siting.analysis.backtest import Decision
    from siting.data.dataset import Dataset
    from siting.scenario.model import Scenario

DEFAULT_MARGIN = 5.0  # points on the 0-100 score


@dataclass
class Pairs:
    """Pairwise differences (chosen minus alternative), grouped by decision."""

    criteria: list[str]
    diff: np.ndarray  # P x m, transformed-value differences (0-1 scale)
    adj: np.ndarray  # P, adjustment differences in points
    decision: np.ndarray  # P, index of the decision of each pair
    chosen: np.ndarray  # P, region index of the chosen side of each pair


@dataclass
class Fit(Tabular):
    criteria: list[str]
    prior: np.ndarray
    weights: np.ndarray
    min_margin: float
    mean_margin: float
    violated: int  # pairs with a negative margin under the fitted weights
    pairs: int
    in_sample: dict[str, float]
    loo: dict[str, float]
    loo_detail: list[dict[str, Any]]
    regularization: float

    frame_index = "criterion"

    def frame_rows(self, lang: str = "ko") -> list[dict[str, Any]]:
        return self.table()

    def table(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": c,
                "prior_pct": round(100 * p, 2),
                "fitted_pct": round(100 * w, 2),
                "change_pct": round(100 * (w - p), 2),
            }
            for c, p, w in zip(self.criteria, self.prior, self.weights, strict=True)
        ]


@dataclass
class DecisionMatrix:
    """One scored decision as the fit sees it (leakage-guarded transformed values)."""

    decision: Decision
    V: np.ndarray  # regions x m, transformed values (0 for criteria the guard dropped)
    active: np.ndarray  # m, criteria the guard kept
    adj: np.ndarray  # regions, bonus/penalty points
    included: np.ndarray  # regions, ranked (not excluded)
    chosen: list[int]
    alts: list[int]  # the named rivals, or else every other ranked region

    def scores(self, w: np.ndarray) -> np.ndarray:
        """WSM scores under weights ``w`` (renormalised over the kept criteria, as the scorer
        does); NaN for excluded regions."""
        wa = w * self.active
        total = wa.sum()
        s = 100.0 * self.V @ (wa / total if total > 0 else wa) + self.adj
        return np.where(self.included, s, np.nan)

    def ranks(self, w: np.ndarray) -> list[int]:
        """Competition rank of each chosen region among all ranked regions (0 = excluded)."""
        s = np.round(self.scores(w), TIE_DECIMALS)
        return [
            0 if not self.included[c] else 1 + int(np.sum(s[self.included] > s[c]))
            for c in self.chosen
        ]


def decision_matrices(
    ds: Dataset, scenario: Scenario, decisions: list[Decision]
) -> list[DecisionMatrix]:
    """Every decision that can be scored, each with its own leakage guard (others are left out;
    the backtest names them)."""
    crit = list(scenario.active_criteria)
    out = []
    for d in decisions:
        if unscorable(ds, d) is not None:
            continue
        try:
            res, _ = scored_for(ds, scenario, d)
        except NothingKnown:
            continue
        col = {c.id: j for j, c in enumerate(res.criteria)}
        V = np.zeros((len(res.regions), len(crit)))
        for j, cid in enumerate(crit):
            if cid in col:  # dropped criteria contribute no difference
                V[:, j] = res.transformed[:, col[cid]]
        inc = np.asarray(res.included, dtype=bool)
        chosen = [res.index(c) for c in d.chosen if c in res.regions]
        alts = (
            [res.index(c) for c in d.rivals if c in res.regions]
            if d.rivals
            else [i for i in np.flatnonzero(inc) if res.regions[i] not in d.chosen]
        )
        active = np.array([cid in col for cid in crit])
        out.append(DecisionMatrix(d, V, active, np.asarray(res.adjustment), inc, chosen, alts))
    return out


def pairs_from(criteria: list[str], mats: list[DecisionMatrix]) -> Pairs:
    """Chosen-minus-alternative pairs; ``decision`` indexes ``mats``."""
    rows, adjs, dec, who = [], [], [], []
    for k, m in enumerate(mats):
        for c in m.chosen:
            if not m.included[c]:
                continue
            for a in m.alts:
                if m.included[a]:
                    rows.append(m.V[c] - m.V[a])
                    adjs.append(m.adj[c] - m.adj[a])
                    dec.append(k)
                    who.append(c)
    if not rows:
        raise SitingError(
            "the decisions give no chosen/alternative pairs to learn from",
            fix="check that chosen regions are not excluded by the scenario",
        )
    return Pairs(criteria, np.array(rows), np.array(adjs), np.array(dec), np.array(who))


def build_pairs(ds: Dataset, scenario: Scenario, decisions: list[Decision]) -> Pairs:
    """Pairs from every decision that can be scored, each with its own leakage guard."""
    return pairs_from(list(scenario.active_criteria), decision_matrices(ds, scenario, decisions))


def solve(
    pairs: Pairs,
    prior: np.ndarray,
    regularization: float = 1.0,
    mask: np.ndarray | None = None,
    margin: float = DEFAULT_MARGIN,
) -> np.ndarray:
    """Weights minimising the mean hinge loss plus the pull toward the prior (see module doc)."""
    from scipy.optimize import linprog

    D = pairs.diff if mask is None else pairs.diff[mask]
    A = pairs.adj if mask is None else pairs.adj[mask]
    P, m = D.shape
    informative = np.any(np.abs(D) > 1e-12, axis=0)
    # variables: w (m), slack (P), u (m)
    nv = m + P + m
    c = np.zeros(nv)
    c[m : m + P] = 1.0 / P
    c[m + P :] = regularization
    A_ub = np.zeros((P + 2 * m, nv))
    b_ub = np.zeros(P + 2 * m)
    A_ub[:P, :m] = -100.0 * D  # -(100 D w) - slack <= A - margin
    A_ub[:P, m : m + P] = -np.eye(P)
    b_ub[:P] = A - margin
    A_ub[P : P + m, :m] = np.eye(m)  # w - u <= prior
    A_ub[P : P + m, m + P :] = -np.eye(m)
    b_ub[P : P + m] = prior
    A_ub[P + m :, :m] = -np.eye(m)  # -w - u <= -prior
    A_ub[P + m :, m + P :] = -np.eye(m)
    b_ub[P + m :] = -prior
    A_eq = np.zeros((1, nv))
    A_eq[0, :m] = 1.0
    bounds = [(0.0, 1.0) if informative[j] else (prior[j], prior[j]) for j in range(m)]
    bounds += [(0, None)] * P + [(0, None)] * m
    sol = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs")
    if not sol.success:  # pragma: no cover - always feasible: w = prior with enough slack
        raise SitingError(f"the weight fit did not converge: {sol.message}")
    w = np.clip(sol.x[:m], 0, None)
    return w / w.sum()


def objective(
    pairs: Pairs,
    w: np.ndarray,
    prior: np.ndarray,
    regularization: float,
    margin: float = DEFAULT_MARGIN,
) -> float:
    """The LP objective for given weights (for brute-force checks)."""
    margins = 100.0 * pairs.diff @ w + pairs.adj
    hinge = np.clip(margin - margins, 0, None).mean()
    return float(hinge + regularization * np.abs(w - prior).sum())


def _evaluate(pairs: Pairs, w: np.ndarray, which: np.ndarray) -> tuple[float, float]:
    """(share of chosen regions that beat every alternative, their mean rank among the
    candidates) over the decisions in ``which``."""
    hits, ranks = [], []
    for k in which:
        for c in np.unique(pairs.chosen[pairs.decision == k]):
            sel = (pairs.decision == k) & (pairs.chosen == c)
            margins = 100.0 * pairs.diff[sel] @ w + pairs.adj[sel]
            hits.append(float(np.all(margins > 0)))
            ranks.append(1.0 + float(np.sum(margins < 0)) + 0.5 * float(np.sum(margins == 0)))
    return float(np.mean(hits)), float(np.mean(ranks))


def fit_weights(
    ds: Dataset,
    scenario: Scenario,
    decisions: list[Decision],
    regularization: float = 1.0,
    margin: float = DEFAULT_MARGIN,
) -> Fit:
    if scenario.method_name != "wsm":
        raise SitingError(
            "fit-weights fits WSM weights",
            key="method",
            fix="use a wsm prior scenario (the default method)",
        )
    if regularization < 0:
        raise SitingError("--regularization must be >= 0", key="--regularization")
    mats = decision_matrices(ds, scenario, decisions)
    pairs = pairs_from(list(scenario.active_criteria), mats)
    ew = scenario.effective_weights()
    prior = np.array([ew[c] for c in pairs.criteria])
    w = solve(pairs, prior, regularization, margin=margin)
    ks = np.unique(pairs.decision)
    hit, mean_rank = _evaluate(pairs, w, ks)
    hit0, mean_rank0 = _evaluate(pairs, prior, ks)
    detail, loo_hits, loo_ranks = [], [], []
    for k in ks:
        mask = pairs.decision != k
        if not mask.any():
            continue
        wk = solve(pairs, prior, regularization, mask, margin=margin)
        h, r = _evaluate(pairs, wk, np.array([k]))
        loo_hits.append(h)
        loo_ranks.append(r)
        detail.append(
            {"decision": mats[int(k)].decision.id, "beats_all": bool(h), "rank_among_candidates": r}
        )
    margins = 100.0 * pairs.diff @ w + pairs.adj
    return Fit(
        criteria=pairs.criteria,
        prior=prior,
        weights=w,
        min_margin=round(float(margins.min()), 3),
        mean_margin=round(float(margins.mean()), 3),
        violated=int(np.sum(margins <= 0)),
        pairs=len(margins),
        in_sample={
            "beats_all_share": round(hit, 4),
            "mean_rank": round(mean_rank, 3),
            "decisions": len(ks),
            "prior_beats_all_share": round(hit0, 4),
            "prior_mean_rank": round(mean_rank0, 3),
        },
        loo={
            "beats_all_share": round(float(np.mean(loo_hits)), 4) if loo_hits else float("nan"),
            "mean_rank": round(float(np.mean(loo_ranks)), 3) if loo_ranks else float("nan"),
        },
        loo_detail=detail,
        regularization=regularization,
    )


def fitted_scenario_yaml(scenario: Scenario, fit: Fit, decisions_file: str) -> str:
    """A self-contained scenario file with the fitted weights and the fit report in comments."""
    import yaml

    data = scenario.canonical()
    data["name"] = f"{scenario.name}-fitted"
    data["description"] = (
        f"Weights fitted to {fit.in_sample['decisions']} real siting "
        f"decisions ({decisions_file}) starting from '{scenario.name}' (regularisation "
        f"{fit.regularization:g}). In-sample the chosen region beats every alternative in "
        f"{100 * fit.in_sample['beats_all_share']:.0f} % of decisions (prior "
        f"{100 * fit.in_sample['prior_beats_all_share']:.0f} %); leave-one-decision-out "
        f"{100 * fit.loo['beats_all_share']:.0f} %. Few decisions: treat as a hypothesis."
    )
    for c, w, p in zip(fit.criteria, fit.weights, fit.prior, strict=True):
        crit = data["criteria"][c]
        crit["weight"] = round(float(100 * w), 3)
        prior = crit.get("rationale") or ""
        if isinstance(prior, dict):
            crit["rationale"] = {
                "ko": f"적합한 가중치 (사전값 {100 * p:.1f} %). {prior.get('ko', '')}".strip(),
                "en": f"fitted (prior {100 * p:.1f} %). {prior.get('en', '')}".strip(),
            }
        else:
            crit["rationale"] = f"fitted (prior {100 * p:.1f} %). " + prior
    header = "# Generated by `siting fit-weights`; edit freely.\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
