"""Backtest a scenario against real siting decisions.

For every decision the scenario is re-scored *as it could have been at the time*: criteria
whose indicator encodes siting decisions are dropped, and criteria whose data describe a
period ending after the decision fall back to the latest earlier period of the same indicator
(or are dropped when there is none). Each change is reported. The chosen region's rank is then
read among all ranked regions and among the named rivals.

Under the null hypothesis that a decision is unrelated to the ranking, the chosen region's rank
is uniform on 1..N. Hits@k then follow a Poisson-binomial distribution and the sum of reciprocal
ranks has an exact discrete distribution; both tail probabilities are computed exactly.
"""

from __future__ import annotations

import calendar
import hashlib
import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import Problem, SitingError
from siting.analysis.rank_tests import poisson_binomial_tail, reciprocal_rank_tail_with_method
from siting.data.levels import Level
from siting.data.periods import parse_period
from siting.data.tables import DECISION_COLUMNS, decision_problems, read_csv
from siting.engine.score import score

if TYPE_CHECKING:
    import pandas as pd

    from siting.data.dataset import Dataset
    from siting.engine.result import Result
    from siting.scenario.model import Scenario

#: Decision kinds used by default: every kind that sites a computing facility (AI or not,
#: single site or cluster). Only ``distributed_energy_zone`` (an energy-policy designation,
#: not a choice of a site for a facility) is left out; ``--kinds all`` includes it.
DEFAULT_KINDS = (
    "national_ai_computing_center",
    "ai_datacenter",
    "ai_datacenter_mou",
    "manufacturing_ai_center",
    "datacenter",
    "datacenter_cluster",
    "other",
)


#: Indicators whose value does not depend on the date: distance from a region's reference point
#: to a fixed point (Seoul City Hall). The guard keeps them for earlier decisions and says so.
#: (Distances to cable landings or plants are not here: those facilities came and went.)
TIME_INVARIANT = frozenset({"dist_seoul"})


class NothingKnown(SitingError):
    """The leakage guard leaves no criterion for a decision: it cannot be scored."""


@dataclass
class Decision:
    id: str
    project: str
    organization: str
    date: date
    date_text: str
    kind: str
    chosen: list[str]
    rivals: list[str]
    source: str
    sector: str = ""
    status: str = ""


@dataclass
class Guard:
    """What the leakage guard changed for one decision."""

    dropped: list[tuple[str, str]] = field(default_factory=list)  # (criterion, reason)
    substituted: list[tuple[str, str, str]] = field(default_factory=list)  # (criterion, from, to)


@dataclass
class Item:
    """One chosen region of one decision, with its ranks."""

    decision: str
    region: str
    rank: int  # among all ranked regions (0 = not ranked)
    n_ranked: int
    rank_among_candidates: int | None  # among chosen + rivals, when rivals are known
    n_candidates: int | None
    guard: Guard
    score: float


@dataclass
class Summary:
    items: int
    hit1: int
    hit3: int
    mrr: float
    expected_hit1: float
    expected_hit3: float
    expected_mrr: float
    p_hit1: float
    p_hit3: float
    p_mrr: float
    p_mrr_method: str = "exact"
    decisions: int = 0
    skipped: int = 0


@dataclass
class Backtest:
    scenario: str
    hash: str
    items: list[Item]
    summary: Summary
    decisions: list[Decision]
    skipped: list[tuple[str, str]]
    dataset: Dataset | None = field(default=None, repr=False, compare=False)

    def rows(self, ds: Dataset, lang: str = "ko") -> list[dict[str, Any]]:
        by_id = {d.id: d for d in self.decisions}
        out = []
        for it in self.items:
            d = by_id[it.decision]
            dropped = ", ".join(c for c, _ in it.guard.dropped)
            dated = ", ".join(f"{c} {a}→{b}" for c, a, b in it.guard.substituted)
            out.append(
                {
                    "decision": it.decision,
                    "date": d.date_text,
                    "project": d.project,
                    "region": ds.region_name(it.region, lang),
                    "rank": it.rank or "excluded",
                    "of": it.n_ranked,
                    "rank_vs_rivals": ""
                    if it.rank_among_candidates is None
                    else f"{it.rank_among_candidates}/{it.n_candidates}",
                    "score": round(it.score, 2) if not math.isnan(it.score) else None,
                    "dropped": dropped,
                    "back_dated": dated,
                }
            )
        return out

    def to_frame(self, ds: Dataset | None = None, lang: str = "ko") -> pd.DataFrame:
        """One row per chosen region of each decision (:meth:`rows`), ``rank`` a nullable
        integer (<NA>: the region was excluded), indexed by decision id."""
        import pandas as pd

        frame = pd.DataFrame(self.rows(ds if ds is not None else self.dataset, lang))
        frame["rank"] = pd.array([it.rank or None for it in self.items], dtype="Int64")
        return frame.set_index("decision")

    def _repr_html_(self) -> str:
        """The decisions and where the scenario ranked their chosen regions (Jupyter)."""
        return self.to_frame(self.dataset).to_html(escape=True, max_rows=30)

    def to_dict(self, ds: Dataset, lang: str = "ko") -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "hash": self.hash,
            "items": self.rows(ds, lang),
            "leakage_guard": {
                it.decision: {
                    "dropped": [{"criterion": c, "reason": r} for c, r in it.guard.dropped],
                    "back_dated": [
                        {"criterion": c, "from": a, "to": b} for c, a, b in it.guard.substituted
                    ],
                }
                for it in self.items
            },
            "summary": self.summary.__dict__,
            "skipped": [{"decision": d, "reason": r} for d, r in self.skipped],
        }


# ---------------------------------------------------------------------- decisions


def load_decisions(
    ds: Dataset, path: str | None = None, kinds: tuple[str, ...] | None = DEFAULT_KINDS
) -> list[Decision]:
    """Decisions from the dataset (or another CSV with the same columns), filtered by kind."""
    rows = ds.decisions if path is None else _read_user_decisions(ds, path)
    out = [_decision(ds, r) for r in rows if not kinds or r["kind"] in kinds]
    if not out:
        raise SitingError(
            "no decisions to test",
            file=str(path) if path else None,
            fix="check --kinds, or add rows to the decisions file",
        )
    return out


def _read_user_decisions(ds: Dataset, path: str) -> list[dict[str, str]]:
    """A decisions CSV given with ``--decisions``, checked as the bundled one is (it names
    시도 codes at both levels); user files may cite sources of their own."""
    problems: list[Problem] = []
    rows = read_csv(Path(path), DECISION_COLUMNS, problems)
    sido = ds.parent or ds
    problems += decision_problems(rows, str(path), set(sido.region_codes), None)
    if problems:
        for p in problems:
            p.file = str(path)
        raise SitingError.from_problems(problems)
    return rows


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(";") if c.strip()]


def _decision(ds: Dataset, r: dict[str, str]) -> Decision:
    chosen, rivals = _codes(r["chosen"]), _codes(r.get("rivals"))
    if ds.level == Level.SIGUNGU:
        chosen = _units_of(ds, chosen, r.get("chosen_place", ""))
        rivals = []  # rivals are known by province only
    return Decision(
        id=r["id"],
        project=r["project"],
        organization=r.get("organization", ""),
        date=parse_period(r["date"]).start,  # "2016-01" or "2011": the earliest possible day
        date_text=r["date"],
        kind=r["kind"],
        chosen=chosen,
        rivals=rivals,
        source=r.get("source", ""),
        sector=r.get("sector", "") or "",
        status=r.get("status", "") or "",
    )


def _units_of(ds: Dataset, provinces: list[str], places: str) -> list[str]:
    """시군구 units of a decision from its ``chosen_place`` ('포항시 남구', '해남군',
    '안산시;시흥시 (반월·시화 산단)'); places that cannot be resolved come back as ``?place``
    so that the backtest skips the decision and says why."""
    resolver = ds.resolver
    names = [p.strip() for p in places.split(";")]
    pairs = (
        list(zip(provinces, names, strict=True))
        if len(names) == len(provinces)
        else [(provinces[0], n) for n in names]
    )
    out = []
    for sido, place in pairs:
        token = (place.split("(")[0].strip().split() or [""])[0]
        try:
            if not token or ds.parent is None:
                raise SitingError("no place")
            out.append(resolver.resolve(f"{ds.parent.region_name(sido)} {token}"))
        except SitingError:
            out.append(f"?{place or ds.parent.region_name(sido) if ds.parent else sido}")
    return out


# ---------------------------------------------------------------------- leakage guard


def _known_by(ds: Dataset, indicator: str, period: str, when: date) -> bool:
    """Were the data of this period published by ``when``? A period's figures are known
    ``publication_lag_months`` after it ends (indicators.yaml; e.g. GRDP about a year later),
    a status in force from its start (``known_from_start``)."""
    ind = ds.indicators[indicator]
    return _known_from(period, ind.known_from_start, ind.publication_lag_months) <= when


@lru_cache(maxsize=4096)
def _known_from(period: str, from_start: bool, lag_months: int) -> date:
    """The day from which a period's figures count as known (see :func:`_known_by`)."""
    per = parse_period(period)
    return per.start if from_start else _add_months(per.end, lag_months)


def _add_months(day: date, months: int) -> date:
    if months <= 0:
        return day
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def latest_period_before(ds: Dataset, indicator: str, when: date, coverage: int) -> str | None:
    """The newest period known on ``when`` that covers as many regions as the scenario's period
    (a partial table, such as 2025-01..07 with 10 regions, does not replace a full one);
    failing that, the newest period known on ``when``."""
    first_known = None
    for period, count in _period_coverage(ds, indicator):
        if _known_by(ds, indicator, period, when):
            if count >= coverage:
                return period
            first_known = first_known or period
    return first_known


_COVERAGE: dict[int, tuple[Dataset, dict[str, list[tuple[str, int]]]]] = {}


def _period_coverage(ds: Dataset, indicator: str) -> list[tuple[str, int]]:
    """(period, regions with a used value) of ``indicator``, newest first; kept per dataset
    (the guard asks for every criterion of every decision; a dataset's values do not change
    once indexed). The dataset is held with its entries, so its id is not reused meanwhile."""
    held = _COVERAGE.get(id(ds))
    if held is None or held[0] is not ds:
        if len(_COVERAGE) >= 8:
            _COVERAGE.pop(next(iter(_COVERAGE)))
        held = _COVERAGE[id(ds)] = (ds, {})
    table = held[1]
    if indicator not in table:
        table[indicator] = [(p, len(ds.column(indicator, p))) for p in ds.periods_of(indicator)]
    return table[indicator]


def _coverage(ds: Dataset, indicator: str, period: str) -> int:
    """Regions with a used value of ``indicator`` in ``period`` (0: no such period)."""
    return dict(_period_coverage(ds, indicator)).get(period, 0)


def guarded_scenario(ds: Dataset, scenario: Scenario, decision: Decision) -> tuple[Scenario, Guard]:
    """The scenario as it could have been applied on the decision date."""
    sc = _copy_for_guard(scenario)
    sc._lines = dict(scenario._lines)
    sc._file = scenario.file
    guard = Guard()
    for cid, crit in list(sc.active_criteria.items()):
        _guard_criterion(ds, sc, cid, crit, decision.date, guard)
    for con in sc.constraints:
        if con.enabled and con.indicator:
            _guard_constraint(ds, con, decision.date, guard)
    if not sc.active_criteria or sum(c.weight or 0 for c in sc.active_criteria.values()) <= 0:
        raise NothingKnown(
            f"the leakage guard leaves no criteria for decision {decision.id}",
            fix="use a scenario with indicators dated before the decision",
        )
    return sc, guard


def _copy_for_guard(scenario: Scenario) -> Scenario:
    """A copy the guard may change: its own criteria and rules (the guard sets a criterion to
    None, a period, a rule's ``enabled``), everything else shared (a deep copy of the whole
    scenario per decision took a third of ``siting backtest``)."""
    return scenario.model_copy(
        update={
            "criteria": {k: c.model_copy() if c else c for k, c in scenario.criteria.items()},
            "constraints": [c.model_copy() for c in scenario.constraints],
        }
    )


def _guard_criterion(
    ds: Dataset, sc: Scenario, cid: str, crit: Any, when: date, guard: Guard
) -> None:
    """Drop or back-date one criterion of ``sc`` (in place) for a decision taken ``when``."""
    ind = ds.indicators[cid]
    if ind.encodes_decisions:
        sc.criteria[cid] = None
        guard.dropped.append((cid, "encodes siting decisions"))
        return
    period = crit.period or ind.period
    if _known_by(ds, cid, period, when):
        return
    if cid in TIME_INVARIANT:
        guard.substituted.append((cid, period, f"{period} (time-invariant)"))
        return
    earlier = latest_period_before(ds, cid, when, _coverage(ds, cid, period))
    if earlier is None:
        sc.criteria[cid] = None
        guard.dropped.append((cid, f"no data known before the decision ({period})"))
    else:
        crit.period = earlier
        guard.substituted.append((cid, period, earlier))


def _guard_constraint(ds: Dataset, con: Any, when: date, guard: Guard) -> None:
    """Disable or back-date one rule (in place) for a decision taken ``when``."""
    ind = ds.indicators[con.indicator]
    period = con.period or ind.period
    if not ind.encodes_decisions and _known_by(ds, con.indicator, period, when):
        return
    earlier = (
        None
        if ind.encodes_decisions
        else latest_period_before(ds, con.indicator, when, _coverage(ds, con.indicator, period))
    )
    if earlier is None:
        con.enabled = False
        guard.dropped.append(
            (f"rule {con.id or con.indicator}", "no data known before the decision")
        )
    else:
        con.period = earlier
        guard.substituted.append((f"rule on {con.indicator}", period, earlier))


def scored_for(ds: Dataset, scenario: Scenario, decision: Decision) -> tuple[Result, Guard]:
    sc, guard = guarded_scenario(ds, scenario, decision)
    return score(ds, sc), guard


def summarise(items: list[Item]) -> Summary:
    """Hit rates and MRR over every chosen region; one the scenario excludes counts as a miss
    (reciprocal rank 0), while the null hypothesis still ranks it uniformly among the rest."""
    ranked = [it for it in items if it.n_ranked > 0]
    ns = [it.n_ranked for it in ranked]
    hit1 = sum(it.rank == 1 for it in ranked)
    hit3 = sum(0 < it.rank <= 3 for it in ranked)
    rr = [1 / it.rank if it.rank > 0 else 0.0 for it in ranked]
    p_mrr, method = reciprocal_rank_tail_with_method(ns, sum(rr))
    return Summary(
        items=len(ranked),
        hit1=hit1,
        hit3=hit3,
        mrr=round(float(np.mean(rr)) if rr else float("nan"), 4),
        expected_hit1=round(sum(1 / n for n in ns), 3),
        expected_hit3=round(sum(min(3, n) / n for n in ns), 3),
        expected_mrr=round(_expected_mrr(ns), 4),
        p_hit1=round(poisson_binomial_tail([1 / n for n in ns], hit1), 6),
        p_hit3=round(poisson_binomial_tail([min(3, n) / n for n in ns], hit3), 6),
        p_mrr=round(p_mrr, 6),
        p_mrr_method=method,
    )


def _expected_mrr(ns: list[int]) -> float:
    """The mean reciprocal rank expected under the null (ranks uniform on 1..n)."""
    if not ns:
        return float("nan")
    return float(np.mean([sum(1 / r for r in range(1, n + 1)) / n for n in ns]))


# ---------------------------------------------------------------------- backtest


def unscorable(ds: Dataset, d: Decision) -> str | None:
    """Why a decision cannot be placed at this level (None when it can)."""
    unknown = [c for c in d.chosen + d.rivals if c not in ds.region_codes]
    if unknown:
        what = ", ".join(c.lstrip("?") for c in unknown)
        return f"chosen place not resolvable at this level: {what}"
    return None


def items_of(res: Result, d: Decision, guard: Guard) -> list[Item]:
    """One item per chosen region: its rank among all ranked regions and among the rivals."""
    n_ranked = int((res.rank > 0).sum())
    cand = [c for c in dict.fromkeys(d.chosen + d.rivals) if res.rank[res.index(c)] > 0]
    others = [o for o in cand if o not in d.chosen]
    out = []
    for c in d.chosen:
        i = res.index(c)
        among = None
        if d.rivals and res.rank[i] > 0:
            among = 1 + sum(res.score[res.index(o)] > res.score[i] for o in others)
        n_cand = len(others) + (c in cand) if d.rivals else None
        out.append(
            Item(d.id, c, int(res.rank[i]), n_ranked, among, n_cand, guard, float(res.score[i]))
        )
    return out


def backtest(ds: Dataset, scenario: Scenario, decisions: list[Decision]) -> Backtest:
    """Score every decision with its own leakage guard; decisions that cannot be scored are
    skipped with their reason (never an abort)."""
    items: list[Item] = []
    skipped: list[tuple[str, str]] = []
    for d in decisions:
        why = unscorable(ds, d)
        if why is None:
            try:
                res, guard = scored_for(ds, scenario, d)
            except NothingKnown:
                why = "no criterion has data known before the decision (leakage guard)"
        if why is not None:
            skipped.append((d.id, why))
            continue
        items.extend(items_of(res, d, guard))
    digest = hashlib.sha256(
        (scenario.fingerprint + ds.fingerprint + "|".join(d.id for d in decisions)).encode()
    ).hexdigest()[:12]
    summary = summarise(items)
    summary.decisions = len({it.decision for it in items})
    summary.skipped = len(skipped)
    return Backtest(scenario.name or "?", digest, items, summary, decisions, skipped, ds)


def summary_row(label: str, items: list[Item], summary: Summary | None = None) -> dict[str, Any]:
    """One row of a results table: the model, its decisions and chosen regions, hit@1, hit@3,
    MRR and their p-values (the summary of ``items`` unless given)."""
    s = summary or summarise(items)
    return {"model": label, "decisions": len({it.decision for it in items}), **summary_scores(s)}


def summary_scores(s: Summary) -> dict[str, Any]:
    """The scores of a summary as table columns: chosen regions, hit@1, hit@3, MRR, p-values."""
    return {
        "chosen": s.items,
        "hit1": s.hit1,
        "hit3": s.hit3,
        "mrr": s.mrr,
        "p_hit1": s.p_hit1,
        "p_hit3": s.p_hit3,
        "p_mrr": s.p_mrr,
    }
