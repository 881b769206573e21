"""The scoring engine: dataset + scenario -> a :class:`~siting.engine.result.Result`.

Stages, in order, each a function below: value functions (raw values -> 0-1 scores,
:func:`_value_columns`) with the missing-value policies in the same pass; constraints
(exclusions, forced inclusions, points: :func:`_apply_rules`); exclusions for missing values
(:func:`_settle_missing`); aggregation over the included regions with bonuses and penalties
(:func:`_aggregate`); ranks with explicit, deterministic ties (:mod:`siting.engine.ranking`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from siting._errors import Problem, SitingError
from siting.data.regions import RegionResolver
from siting.engine.aggregate import ADDITIVE, BUILTIN, get_aggregator
from siting.engine.ranking import TIE_DECIMALS, rank_scores
from siting.engine.result import Adjustment, CriterionInfo, Imputation, Result
from siting.engine.transform import make_value_function
from siting.scenario.validation import check_against_dataset

if TYPE_CHECKING:
    from siting.data.dataset import Dataset, Indicator
    from siting.scenario.model import Constraint, Criterion, Scenario

__all__ = ["TIE_DECIMALS", "check_scenario", "rank_scores", "score"]

_OPS = {
    "below": (np.less, "<"),
    "above": (np.greater, ">"),
    "at_most": (np.less_equal, "<="),
    "at_least": (np.greater_equal, ">="),
    "equals": (np.equal, "=="),
}


def check_scenario(scenario: Scenario, ds: Dataset) -> list[Problem]:
    """Everything that stops ``scenario`` from scoring ``ds``: the scenario layer's checks
    against the dataset (:func:`~siting.scenario.validation.check_against_dataset`) and
    whether the engine can run its aggregation method."""
    return check_against_dataset(scenario, ds) + _method_problems(scenario)


def _method_problems(scenario: Scenario) -> list[Problem]:
    method = scenario.method_name
    file, line = scenario.where("method")
    try:
        get_aggregator(method)
    except SitingError as exc:
        return [Problem(exc.message, file=file, line=line, key="method", fix=exc.fix)]
    if method not in BUILTIN and any(
        c.kind in ("bonus", "penalty") and c.enabled for c in scenario.constraints
    ):
        return [
            Problem(
                "bonus/penalty points are defined on the 0-100 score of wsm, wpm or topsis",
                file=file,
                line=line,
                key="method",
                fix="use one of those methods or disable the bonus/penalty constraints",
            )
        ]
    return []


@dataclass
class _Columns:
    """The decision matrix as the first stage leaves it (regions x criteria)."""

    crit_ids: list[str]
    raw: np.ndarray  # the values used (NaN: missing, or inherited under inherited: exclude)
    inherited: np.ndarray  # the cell's value is the province's
    discount: np.ndarray  # per criterion: factor on inherited 0-1 scores (0: inherited: exclude)
    V: np.ndarray  # 0-1 scores, missing values filled unless their policy is exclude
    imputed: np.ndarray
    weights: dict[str, float]
    infos: list[CriterionInfo] = field(default_factory=list)
    missing_exclusions: list[tuple[int, str]] = field(default_factory=list)  # (row, criterion)


@dataclass
class _Rules:
    """What the enabled constraints did."""

    exclusions: dict[str, list[str]] = field(default_factory=dict)  # region -> reasons
    forced: dict[str, str] = field(default_factory=dict)  # region -> reason
    adjustments: list[Adjustment] = field(default_factory=list)


def score(ds: Dataset, scenario: Scenario) -> Result:
    """Score and rank every region of ``ds`` under ``scenario``."""
    problems = check_scenario(scenario, ds)
    if problems:
        raise SitingError.from_problems(problems)
    regions = list(ds.region_codes)
    warnings: list[str] = []
    cols = _value_columns(ds, scenario, warnings)
    rules = _apply_rules(ds, scenario, regions, warnings)
    forced_fills = _settle_missing(cols, rules, regions)
    included = np.array([(r not in rules.exclusions) or (r in rules.forced) for r in regions])
    if not included.any():
        file, line = scenario.where("constraints")
        raise SitingError(
            "the constraints and missing-value rules exclude every region",
            file=file,
            line=line,
            key="constraints",
            fix="relax a threshold, disable a rule (enabled: false) or use missing: worst",
        )
    base, adj, adjustments, higher = _aggregate(scenario, cols, rules, regions, included)
    final = np.where(included, base + adj, np.nan)
    rank, tied = rank_scores(final, regions, higher_is_better=higher)
    digest = hashlib.sha256((scenario.fingerprint + ds.fingerprint).encode()).hexdigest()[:12]
    forced = rules.forced
    return Result(
        scenario=scenario,
        dataset=ds,
        regions=regions,
        criteria=cols.infos,
        raw=cols.raw,
        transformed=cols.V,
        imputed=cols.imputed,
        base_score=base,
        adjustment=adj,
        score=final,
        rank=rank,
        tied=tied,
        included=included,
        exclusions={k: v for k, v in rules.exclusions.items() if k not in forced},
        overridden={k: v for k, v in rules.exclusions.items() if k in forced},
        forced=forced,
        forced_fills=forced_fills,
        adjustments=adjustments,
        warnings=warnings,
        method=scenario.method_name,
        additive=scenario.method_name in ADDITIVE,
        higher_is_better=higher,
        hash=digest,
        inherited=cols.inherited,
        discount=cols.discount,
    )


# ---------------------------------------------------------------- value functions, missing


def _value_columns(ds: Dataset, scenario: Scenario, warnings: list[str]) -> _Columns:
    """Raw values, their 0-1 scores and the missing-value fills of every criterion; a criterion
    left without values (inherited: exclude everywhere) is dropped and its weight shared."""
    n, crit_ids = len(ds.region_codes), list(scenario.active_criteria)
    m = len(crit_ids)
    cols = _Columns(
        crit_ids=crit_ids,
        raw=np.full((n, m), np.nan),
        inherited=np.zeros((n, m), dtype=bool),
        discount=np.ones(m),
        V=np.full((n, m), np.nan),
        imputed=np.zeros((n, m), dtype=bool),
        weights=scenario.effective_weights(),
    )
    dropped: list[str] = []
    for j, cid in enumerate(crit_ids):
        period, policy = _read_column(ds, scenario, cols, j, cid)
        if np.isnan(cols.raw[:, j]).all():
            dropped.append(cid)
            warnings.append(
                f"{cid}: no unit has a value of its own (inherited: exclude); "
                "the criterion is dropped and its weight shared among the others"
            )
            cols.V[:, j] = 0.0
            crit = scenario.active_criteria[cid]
            cols.infos.append(_dropped_info(cid, ds.indicators[cid], period, crit, policy))
            continue
        cols.infos.append(_score_column(ds, scenario, cols, j, period, policy, warnings))
    if dropped:
        cols.weights = _redistribute(cols.weights, dropped)
        cols.infos = [replace(c, weight=cols.weights[c.id]) for c in cols.infos]
    return cols


def _read_column(
    ds: Dataset, scenario: Scenario, cols: _Columns, j: int, cid: str
) -> tuple[str, str | float]:
    """Column ``j``'s raw values and inherited cells; (period, inherited policy)."""
    period = scenario.active_criteria[cid].period or ds.indicators[cid].period
    cols.raw[:, j] = ds.array(cid, period)
    cols.inherited[:, j] = ds.inherited_mask(cid, period)
    policy = scenario.inherited_policy(cid)
    if policy == "exclude":
        cols.raw[cols.inherited[:, j], j] = np.nan  # only the unit's own values count
        cols.discount[j] = 0.0
    elif policy != "use":
        cols.discount[j] = float(policy)
    return period, policy


def _score_column(
    ds: Dataset,
    scenario: Scenario,
    cols: _Columns,
    j: int,
    period: str,
    inh_policy: str | float,
    warnings: list[str],
) -> CriterionInfo:
    """Column ``j`` through its value function, missing-value policy and inherited discount."""
    cid = cols.crit_ids[j]
    crit, ind = scenario.active_criteria[cid], ds.indicators[cid]
    raw = cols.raw[:, j]
    file, line = scenario.where("criteria", cid)
    vf = make_value_function(
        scale=crit.scale,
        direction=crit.direction or ind.direction,
        observed=raw,
        lo=crit.lo,
        hi=crit.hi,
        target=crit.target,
        steps=[(s.at, s.score) for s in crit.steps] if crit.steps else None,
        below=crit.below,
        offset=crit.offset,
        where={"file": file, "line": line, "key": f"criteria.{cid}"},
    )
    if vf.scale in ("linear", "log") and vf.lo == vf.hi:
        warnings.append(f"{cid}: every region has the same value; it cannot separate regions")
    cols.V[:, j] = vf(raw)
    policy = crit.missing or scenario.missing_policy
    missing_rows = np.flatnonzero(np.isnan(raw))
    fill = _fill_value(policy, cols.V[~np.isnan(raw), j])
    if policy == "exclude":
        cols.missing_exclusions.extend((int(i), cid) for i in missing_rows)
    elif missing_rows.size:
        cols.V[missing_rows, j] = fill
        cols.imputed[missing_rows, j] = True
    if cols.discount[j] != 1.0 and inh_policy != "exclude":
        cols.V[cols.inherited[:, j], j] *= cols.discount[j]
    return CriterionInfo(
        id=cid,
        indicator=ind,
        period=period,
        weight_raw=float(crit.weight or 0.0),
        weight=cols.weights[cid],
        value_function=vf,
        missing=policy,
        rationale=crit.rationale or "",
        sources=ds.column_sources(cid, period),
        coverage=int(np.sum(~np.isnan(raw))),
        inherited=_policy_label(inh_policy),
        own_coverage=int(np.sum(~np.isnan(raw) & ~cols.inherited[:, j])),
    )


# ---------------------------------------------------------------- constraints


def _apply_rules(
    ds: Dataset, scenario: Scenario, regions: list[str], warnings: list[str]
) -> _Rules:
    """Exclusions, forced inclusions and points of the enabled constraints, in file order."""
    resolver = RegionResolver(ds) if any(c.regions for c in scenario.constraints) else None
    rules = _Rules()
    for con in scenario.constraints:
        if not con.enabled:
            continue
        own_only = bool(con.indicator) and scenario.inherited_policy(con.indicator) == "exclude"
        fires, unknown, vals = _constraint_hits(ds, con, regions, resolver, own_only)
        warnings.extend(_unapplied(ds, con, regions, unknown, own_only))
        for i in np.flatnonzero(fires):
            code = regions[i]
            if con.kind == "exclude":
                rules.exclusions.setdefault(code, []).append(_describe_rule(ds, con, vals[i]))
            elif con.kind == "include":
                rules.forced[code] = con.reason
            else:
                pts = float(con.points or 0.0) * (1 if con.kind == "bonus" else -1)
                reason = _describe_rule(ds, con, vals[i])
                rules.adjustments.append(Adjustment(code, pts, reason, con.id))
    return rules


def _unapplied(
    ds: Dataset, con: Constraint, regions: list[str], unknown: np.ndarray, own_only: bool
) -> list[str]:
    """Warnings for the regions a rule could not test (no value): one line when more than 5."""
    missing_at = np.flatnonzero(unknown)
    if missing_at.size > 5:
        why = "no value of their own (inherited: exclude)" if own_only else "no value"
        return [
            f"rule '{con.reason}' not applied to {missing_at.size} regions "
            f"({why} of {con.indicator})"
        ]
    return [
        f"{ds.region_name(regions[i])}: rule '{con.reason}' not applied (no {con.indicator} value)"
        for i in missing_at
    ]


def _settle_missing(cols: _Columns, rules: _Rules, regions: list[str]) -> list[Imputation]:
    """Cells missing under ``missing: exclude``: a forced region gets the worst score (returned
    as fills), any other region is excluded."""
    fills: list[Imputation] = []
    for i, cid in cols.missing_exclusions:
        code = regions[i]
        j = cols.crit_ids.index(cid)
        if code in rules.forced:
            cols.V[i, j] = _fill_value("worst", cols.V[~np.isnan(cols.raw[:, j]), j])
            cols.imputed[i, j] = True
            fills.append(Imputation(code, cid, "worst (forced inclusion)", cols.V[i, j]))
        else:
            rules.exclusions.setdefault(code, []).append(
                f"no {cid} value for {cols.infos[j].period} (missing: exclude)"
            )
    return fills


# ---------------------------------------------------------------- aggregation


def _aggregate(
    scenario: Scenario,
    cols: _Columns,
    rules: _Rules,
    regions: list[str],
    included: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, list[Adjustment], bool]:
    """(base score, points, the adjustments of ranked regions, higher is better): the method
    over the included regions, and bonuses and penalties for the ranked ones."""
    aggregator, higher = get_aggregator(scenario.method_name)
    w = np.array([cols.weights[c] for c in cols.crit_ids])
    base = np.full(len(regions), np.nan)
    base[included] = aggregator(cols.V[included], w)
    ranked = {regions[i] for i in np.flatnonzero(included)}
    adjustments = [a for a in rules.adjustments if a.region in ranked]
    adj = np.zeros(len(regions))
    position = {code: i for i, code in enumerate(regions)} if adjustments else {}
    for a in adjustments:
        adj[position[a.region]] += a.points
    return base, adj, adjustments, higher


def _constraint_values(ds: Dataset, con: Constraint) -> np.ndarray:
    assert con.indicator is not None
    return ds.array(con.indicator, con.period or ds.indicators[con.indicator].period)


def _constraint_hits(
    ds: Dataset,
    con: Constraint,
    regions: list[str],
    resolver: RegionResolver | None,
    own_only: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fires, could_not_evaluate, values) for one constraint over all regions; ``own_only``
    (inherited: exclude) treats values inherited from the province as missing."""
    n = len(regions)
    mask = np.ones(n, dtype=bool)
    if con.regions:
        assert resolver is not None
        wanted = {resolver.resolve(r) for r in con.regions}
        mask &= np.array([r in wanted for r in regions])
    vals = np.full(n, np.nan)
    unknown = np.zeros(n, dtype=bool)
    if con.indicator:
        vals = _constraint_values(ds, con)
        if own_only:
            assert con.indicator is not None
            period = con.period or ds.indicators[con.indicator].period
            vals[ds.inherited_mask(con.indicator, period)] = np.nan
        unknown = mask & np.isnan(vals)
        cond = np.ones(n, dtype=bool)
        for key, (op, _) in _OPS.items():
            bound = getattr(con, key)
            if bound is not None:
                with np.errstate(invalid="ignore"):
                    cond &= op(vals, bound)
        mask &= cond & ~np.isnan(vals)
    return mask, unknown, vals


def _describe_rule(ds: Dataset, con: Constraint, value: float) -> str:
    if not con.indicator:
        return con.reason
    ind = ds.indicators[con.indicator]
    ops = ", ".join(
        f"{sym} {getattr(con, k):g}" for k, (_, sym) in _OPS.items() if getattr(con, k) is not None
    )
    return f"{con.reason} ({con.indicator} = {value:g} {ind.unit}; rule: {ops})"


def _policy_label(policy: str | float) -> str:
    return policy if isinstance(policy, str) else f"{policy:g}"


def _redistribute(weights: dict[str, float], dropped: list[str]) -> dict[str, float]:
    """Weights with the dropped criteria at 0 and the rest renormalised to sum to 1."""
    rest = sum(w for k, w in weights.items() if k not in dropped)
    return {k: (0.0 if k in dropped or rest <= 0 else w / rest) for k, w in weights.items()}


def _dropped_info(
    cid: str, ind: Indicator, period: str, crit: Criterion, policy: str | float
) -> CriterionInfo:
    """The record of a criterion left without any value (shown with weight 0)."""
    vf = make_value_function(
        scale="linear", direction=crit.direction or ind.direction, observed=np.array([0.0, 1.0])
    )
    return CriterionInfo(
        id=cid,
        indicator=ind,
        period=period,
        weight_raw=float(crit.weight or 0.0),
        weight=0.0,
        value_function=vf,
        missing=crit.missing or "worst",
        rationale=crit.rationale or "",
        sources=[],
        coverage=0,
        inherited=_policy_label(policy),
        own_coverage=0,
    )


def _fill_value(policy: str, observed: np.ndarray) -> float:
    obs = observed[~np.isnan(observed)]
    if policy == "zero" or obs.size == 0:
        return 0.0
    if policy == "median":
        return float(np.median(obs))
    return float(obs.min())  # worst
