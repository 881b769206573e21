"""The scoring engine: dataset + scenario -> a :class:`~siting.engine.result.Result`.

Steps, in order: decision matrix (raw values) -> value functions -> missing-value policies ->
constraints (exclusions, forced inclusions) -> aggregation over the included regions ->
bonuses and penalties -> ranks with explicit, deterministic ties.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from siting._errors import Problem, SitingError
from siting.data.regions import RegionResolver
from siting.engine.aggregate import ADDITIVE, BUILTIN, get_aggregator
from siting.engine.result import Adjustment, CriterionInfo, Imputation, Result
from siting.engine.transform import make_value_function

if TYPE_CHECKING:
    from siting.data.dataset import Dataset
    from siting.scenario.config import Constraint, Scenario

TIE_DECIMALS = 9
_OPS = {
    "below": (np.less, "<"),
    "above": (np.greater, ">"),
    "at_most": (np.less_equal, "<="),
    "at_least": (np.greater_equal, ">="),
    "equals": (np.equal, "=="),
}


def check_scenario(scenario: Scenario, ds: Dataset) -> list[Problem]:
    """Problems between a scenario and a dataset: unknown ids, periods, regions, rules."""
    problems: list[Problem] = []
    ids = sorted(ds.indicators)
    for cid, crit in scenario.active_criteria.items():
        file, line = scenario.where("criteria", cid)
        if cid not in ds.indicators:
            close = difflib.get_close_matches(cid, ids, n=1, cutoff=0.5)
            problems.append(
                Problem(
                    f"unknown criterion {cid!r}",
                    file=file,
                    line=line,
                    key=f"criteria.{cid}",
                    fix=(f"did you mean {close[0]!r}? " if close else "")
                    + "'siting data' lists the indicator ids",
                )
            )
            continue
        period = crit.period or ds.indicators[cid].period
        if not ds.has_column(cid, period):
            f2, l2 = scenario.where("criteria", cid, "period")
            problems.append(
                Problem(
                    f"indicator {cid!r} has no values for period {period!r}",
                    file=f2,
                    line=l2,
                    key=f"criteria.{cid}.period",
                    fix=f"use one of: {', '.join(ds.periods_of(cid))}",
                )
            )
    resolver = RegionResolver(ds) if any(c.regions for c in scenario.constraints) else None
    for i, con in enumerate(scenario.constraints):
        file, line = scenario.where("constraints", i)
        key = f"constraints[{i}]"
        if con.indicator is not None and con.indicator not in ds.indicators:
            close = difflib.get_close_matches(con.indicator, ids, n=1, cutoff=0.5)
            f2, l2 = scenario.where("constraints", i, "indicator")
            problems.append(
                Problem(
                    f"constraint on unknown indicator {con.indicator!r}",
                    file=f2,
                    line=l2,
                    key=f"{key}.indicator",
                    fix=(f"did you mean {close[0]!r}? " if close else "")
                    + "'siting data' lists the indicator ids",
                )
            )
        ops = [k for k in _OPS if getattr(con, k) is not None]
        if con.indicator is not None and not ops:
            problems.append(
                Problem(
                    "a constraint on an indicator needs a condition",
                    file=file,
                    line=line,
                    key=key,
                    fix="add one of below, above, at_most, at_least, equals",
                )
            )
        if con.indicator is None and not con.regions:
            problems.append(
                Problem(
                    "a constraint needs 'regions' or an 'indicator' with a condition",
                    file=file,
                    line=line,
                    key=key,
                    fix="e.g. indicator: power_self_sufficiency and below: 30",
                )
            )
        if con.kind in ("bonus", "penalty") and con.points is None:
            problems.append(
                Problem(
                    f"a {con.kind} needs 'points'",
                    file=file,
                    line=line,
                    key=key,
                    fix="add e.g. points: 5 (on the 0-100 score)",
                )
            )
        for j, name in enumerate(con.regions or []):
            f2, l2 = scenario.where("constraints", i, "regions", j)
            try:
                assert resolver is not None
                resolver.resolve(name, file=f2, key=f"{key}.regions", line=l2)
            except SitingError as exc:
                problems.extend(exc.as_problems())
        if (
            con.indicator in ds.indicators
            and con.period
            and not ds.column(con.indicator, con.period)
        ):
            f2, l2 = scenario.where("constraints", i, "period")
            problems.append(
                Problem(
                    f"indicator {con.indicator!r} has no values for period {con.period!r}",
                    file=f2,
                    line=l2,
                    key=f"{key}.period",
                    fix=f"use one of: {', '.join(ds.periods_of(con.indicator))}",
                )
            )
    method = scenario.method_name
    try:
        get_aggregator(method)
    except SitingError as exc:
        file, line = scenario.where("method")
        problems.append(Problem(exc.message, file=file, line=line, key="method", fix=exc.fix))
    else:
        if method not in BUILTIN and any(
            c.kind in ("bonus", "penalty") and c.enabled for c in scenario.constraints
        ):
            file, line = scenario.where("method")
            problems.append(
                Problem(
                    "bonus/penalty points are defined on the 0-100 score of wsm, wpm or topsis",
                    file=file,
                    line=line,
                    key="method",
                    fix="use one of those methods or disable the bonus/penalty constraints",
                )
            )
    return problems


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


def score(ds: Dataset, scenario: Scenario) -> Result:
    """Score and rank every region of ``ds`` under ``scenario``."""
    problems = check_scenario(scenario, ds)
    if problems:
        raise SitingError.from_problems(problems)

    regions = list(ds.region_codes)
    n = len(regions)
    weights = scenario.effective_weights()
    crit_ids = list(scenario.active_criteria)
    m = len(crit_ids)
    raw = np.full((n, m), np.nan)
    inherited = np.zeros((n, m), dtype=bool)  # the cell's value is the province's
    discount = np.ones(m)  # factor on inherited 0-1 scores (0 where inherited: exclude)
    dropped: list[str] = []
    V = np.full((n, m), np.nan)
    imputed = np.zeros((n, m), dtype=bool)
    infos: list[CriterionInfo] = []
    exclusions: dict[str, list[str]] = {}
    imputations: list[Imputation] = []  # only fills made for forced inclusions
    forced_fill = np.zeros((n, m), dtype=bool)
    warnings: list[str] = []
    pending_missing_exclusions: list[tuple[int, str]] = []

    for j, cid in enumerate(crit_ids):
        crit = scenario.active_criteria[cid]
        ind = ds.indicators[cid]
        period = crit.period or ind.period
        raw[:, j] = ds.array(cid, period)
        inherited[:, j] = ds.inherited_mask(cid, period)
        inh_policy = scenario.inherited_policy(cid)
        if inh_policy == "exclude":
            raw[inherited[:, j], j] = np.nan  # only the unit's own values count
            discount[j] = 0.0
        elif inh_policy != "use":
            discount[j] = float(inh_policy)
        file, line = scenario.where("criteria", cid)
        if np.isnan(raw[:, j]).all():
            # possible only when inherited: exclude removed every value: drop the criterion
            dropped.append(cid)
            warnings.append(
                f"{cid}: no unit has a value of its own (inherited: exclude); "
                "the criterion is dropped and its weight shared among the others"
            )
            raw[:, j] = np.nan
            V[:, j] = 0.0
            infos.append(_dropped_info(cid, ind, period, crit, inh_policy))
            continue
        vf = make_value_function(
            scale=crit.scale,
            direction=crit.direction or ind.direction,
            observed=raw[:, j],
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
        V[:, j] = vf(raw[:, j])
        policy = crit.missing or scenario.missing_policy
        missing_rows = np.flatnonzero(np.isnan(raw[:, j]))
        observed = V[~np.isnan(raw[:, j]), j]
        fill = _fill_value(policy, observed)
        if policy == "exclude":
            pending_missing_exclusions.extend((int(i), cid) for i in missing_rows)
        elif missing_rows.size:
            V[missing_rows, j] = fill
            imputed[missing_rows, j] = True
        if discount[j] != 1.0 and inh_policy != "exclude":
            V[inherited[:, j], j] *= discount[j]
        sources = ds.column_sources(cid, period)
        infos.append(
            CriterionInfo(
                id=cid,
                indicator=ind,
                period=period,
                weight_raw=float(crit.weight or 0.0),
                weight=weights[cid],
                value_function=vf,
                missing=policy,
                rationale=crit.rationale or "",
                sources=sources,
                coverage=int(np.sum(~np.isnan(raw[:, j]))),
                inherited=_policy_label(inh_policy),
                own_coverage=int(np.sum(~np.isnan(raw[:, j]) & ~inherited[:, j])),
            )
        )
    if dropped:
        weights = _redistribute(weights, dropped)
        infos = [replace(c, weight=weights[c.id]) for c in infos]

    # constraints
    resolver = RegionResolver(ds) if any(c.regions for c in scenario.constraints) else None
    forced: dict[str, str] = {}
    adjustments: list[Adjustment] = []
    for con in scenario.constraints:
        if not con.enabled:
            continue
        own_only = bool(con.indicator) and scenario.inherited_policy(con.indicator) == "exclude"
        fires, unknown, vals = _constraint_hits(ds, con, regions, resolver, own_only)
        missing_at = np.flatnonzero(unknown)
        if missing_at.size > 5:
            why = "no value of their own (inherited: exclude)" if own_only else "no value"
            warnings.append(
                f"rule '{con.reason}' not applied to {missing_at.size} regions "
                f"({why} of {con.indicator})"
            )
            missing_at = missing_at[:0]
        for i in missing_at:
            warnings.append(
                f"{ds.region_name(regions[i])}: rule '{con.reason}' not applied "
                f"(no {con.indicator} value)"
            )
        for i in np.flatnonzero(fires):
            code = regions[i]
            if con.kind == "exclude":
                exclusions.setdefault(code, []).append(_describe_rule(ds, con, vals[i]))
            elif con.kind == "include":
                forced[code] = con.reason
            else:
                pts = float(con.points or 0.0) * (1 if con.kind == "bonus" else -1)
                adjustments.append(Adjustment(code, pts, _describe_rule(ds, con, vals[i]), con.id))
    # bonuses and penalties only matter for regions that are ranked

    for i, cid in pending_missing_exclusions:
        code = regions[i]
        if code in forced:
            j = crit_ids.index(cid)
            obs = V[~np.isnan(raw[:, j]), j]
            V[i, j] = _fill_value("worst", obs)
            imputed[i, j] = True
            imputations.append(Imputation(code, cid, "worst (forced inclusion)", V[i, j]))
            forced_fill[i, j] = True
        else:
            exclusions.setdefault(code, []).append(
                f"no {cid} value for {infos[crit_ids.index(cid)].period} (missing: exclude)"
            )
    included = np.array([(r not in exclusions) or (r in forced) for r in regions])
    if not included.any():
        file, line = scenario.where("constraints")
        raise SitingError(
            "the constraints and missing-value rules exclude every region",
            file=file,
            line=line,
            key="constraints",
            fix="relax a threshold, disable a rule (enabled: false) or use missing: worst",
        )

    aggregator, higher = get_aggregator(scenario.method_name)
    w = np.array([weights[c] for c in crit_ids])
    base = np.full(n, np.nan)
    base[included] = aggregator(V[included], w)
    ranked = {regions[i] for i in np.flatnonzero(included)}
    adjustments = [a for a in adjustments if a.region in ranked]
    adj = np.zeros(n)
    position = {code: i for i, code in enumerate(regions)} if adjustments else {}
    for a in adjustments:
        adj[position[a.region]] += a.points
    final = np.where(included, base + adj, np.nan)
    rank, tied = rank_scores(final, regions, higher_is_better=higher)
    digest = hashlib.sha256((scenario.fingerprint + ds.fingerprint).encode()).hexdigest()[:12]
    return Result(
        scenario=scenario,
        dataset=ds,
        regions=regions,
        criteria=infos,
        raw=raw,
        transformed=V,
        imputed=imputed,
        base_score=base,
        adjustment=adj,
        score=final,
        rank=rank,
        tied=tied,
        included=included,
        exclusions={k: v for k, v in exclusions.items() if k not in forced},
        overridden={k: v for k, v in exclusions.items() if k in forced},
        forced=forced,
        forced_fills=imputations,
        adjustments=adjustments,
        warnings=warnings,
        method=scenario.method_name,
        additive=scenario.method_name in ADDITIVE,
        higher_is_better=higher,
        hash=digest,
        inherited=inherited,
        discount=discount,
    )


def _policy_label(policy: str | float) -> str:
    return policy if isinstance(policy, str) else f"{policy:g}"


def _redistribute(weights: dict[str, float], dropped: list[str]) -> dict[str, float]:
    """Weights with the dropped criteria at 0 and the rest renormalised to sum to 1."""
    rest = sum(w for k, w in weights.items() if k not in dropped)
    return {k: (0.0 if k in dropped or rest <= 0 else w / rest) for k, w in weights.items()}


def _dropped_info(cid: str, ind, period: str, crit, policy: str | float) -> CriterionInfo:  # type: ignore[no-untyped-def]
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


def rank_scores(
    scores: np.ndarray, regions: list[str], *, higher_is_better: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks (1, 2, 2, 4) over non-NaN scores; 0 for NaN. Ties compare scores
    rounded to ``TIE_DECIMALS``; within a tie regions are listed by code (see Result.order)."""
    n = len(scores)
    rank = np.zeros(n, dtype=int)
    tied = np.zeros(n, dtype=bool)
    valid = np.flatnonzero(~np.isnan(scores))
    if valid.size == 0:
        return rank, tied
    key = np.round(scores[valid], TIE_DECIMALS)
    if higher_is_better:
        key = -key
    codes = np.asarray(regions, dtype=object)[valid].astype(str)
    order = valid[np.lexsort((codes, key))]
    k = np.round(scores[order], TIE_DECIMALS)
    new_group = np.ones(order.size, dtype=bool)
    new_group[1:] = k[1:] != k[:-1]
    positions = np.arange(1, order.size + 1)
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    rank[order] = group_start
    same_as_prev = ~new_group
    same_as_next = np.zeros(order.size, dtype=bool)
    same_as_next[:-1] = same_as_prev[1:]
    tied[order] = same_as_prev | same_as_next
    return rank, tied
