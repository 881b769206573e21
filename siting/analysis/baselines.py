"""Naive baselines a scenario has to beat, scored on the same decisions.

Each baseline ranks every region by one simple rule, using only data known on the decision
date (the leakage guard's rule, :func:`siting.analysis.backtest._known_by`):

- ``population``: the most populous region first;
- ``grdp``: the largest GRDP first;
- ``power_self_sufficiency``: the highest power self-sufficiency (generation ÷ sales) first;
- ``dist_seoul``: the region nearest Seoul City Hall first. Distance to a fixed point does not
  change (``siting.analysis.backtest.TIME_INVARIANT``), so decisions older than the boundary base
  date
  (2023-09-15) use it too, as scenarios do;
- ``previous_same_kind``: the region(s) the latest earlier decision of the same kind chose
  first, all others tied behind. Decisions on the same date do not count as earlier. For the
  first decision of a kind every region ties (the rule knows nothing yet).

Ties take the middle of the tied block, rounded toward the top (rank = 1 + better +
floor(tied others / 2)), in the baseline's favour, so a scenario has to beat it clearly.
Regions without a value tie at the bottom. A baseline whose indicator has no data known on the
decision date cannot score that decision; the comparison then uses only the decisions that the
scenario and every baseline scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from siting.analysis.backtest import (
    TIME_INVARIANT,
    Guard,
    Item,
    latest_period_before,
    summary_row,
    unscorable,
)
from siting.engine.ranking import rank_bounds

if TYPE_CHECKING:
    from siting.analysis.backtest import Backtest, Decision
    from siting.data.dataset import Dataset


@dataclass(frozen=True)
class Rule:
    """A one-indicator baseline: higher values first unless ``higher`` is False."""

    indicator: str
    higher: bool = True
    static: bool = False  # the value does not change over time (distance to a fixed point)


RULES: dict[str, Rule] = {
    "population": Rule("population"),
    "grdp": Rule("grdp"),
    "power_self_sufficiency": Rule("power_self_sufficiency"),
    "dist_seoul": Rule("dist_seoul", higher=False, static="dist_seoul" in TIME_INVARIANT),
}
PREVIOUS = "previous_same_kind"
BASELINES = (*RULES, PREVIOUS)


def tie_rank(scores: np.ndarray, i: int) -> int:
    """Rank of region ``i`` (higher score first; NaN last) with ties at the middle of their
    block, rounded toward the top."""
    low, high = rank_bounds(np.where(np.isnan(scores), -np.inf, scores), decimals=None)
    return int(low[i] + (high[i] - low[i]) // 2)


def _period_for(ds: Dataset, rule: Rule, d: Decision) -> str | None:
    periods = ds.periods_of(rule.indicator)
    if not periods:
        return None
    found = latest_period_before(ds, rule.indicator, d.date, len(ds.region_codes))
    if found is None and rule.static:
        return periods[0]
    return found


def rule_scores(ds: Dataset, rule: Rule, d: Decision) -> tuple[np.ndarray, str] | str:
    """(scores over ``ds.region_codes``, period used), or why the rule cannot score ``d``."""
    if rule.indicator not in ds.indicators:
        return f"indicator {rule.indicator} is not in the data"
    period = _period_for(ds, rule, d)
    if period is None:
        return f"no {rule.indicator} data known before the decision"
    col = ds.column(rule.indicator, period)
    v = np.array([col.get(r, np.nan) for r in ds.region_codes], dtype=float)
    return (v if rule.higher else -v), period


def previous_decision(d: Decision, history: list[Decision]) -> Decision | None:
    """The latest decision of the same kind dated strictly before ``d`` (ties in date: the
    first in file order)."""
    earlier = [h for h in history if h.kind == d.kind and h.date < d.date and h.id != d.id]
    if not earlier:
        return None
    latest = max(h.date for h in earlier)
    return next(h for h in earlier if h.date == latest)


def previous_scores(ds: Dataset, d: Decision, history: list[Decision]) -> tuple[np.ndarray, str]:
    """1 for the regions the previous decision of the same kind chose, 0 elsewhere."""
    prev = previous_decision(d, history)
    v = np.zeros(len(ds.region_codes))
    if prev is None:
        return v, "first of its kind: all tie"
    codes = set(prev.chosen)
    v[[i for i, r in enumerate(ds.region_codes) if r in codes]] = 1.0
    return v, f"after {prev.id}"


def baseline_items(
    ds: Dataset, name: str, d: Decision, history: list[Decision]
) -> list[Item] | str:
    """Items of one decision under one baseline, or why it cannot be scored."""
    why = unscorable(ds, d)
    if why is not None:
        return why
    got = previous_scores(ds, d, history) if name == PREVIOUS else rule_scores(ds, RULES[name], d)
    if isinstance(got, str):
        return got
    scores, used = got
    guard = Guard(substituted=[(name, "", used)])
    n = len(ds.region_codes)
    idx = {r: i for i, r in enumerate(ds.region_codes)}
    return [
        Item(d.id, c, tie_rank(scores, idx[c]), n, None, None, guard, float(scores[idx[c]]))
        for c in d.chosen
    ]


@dataclass
class BaselineRun:
    name: str
    items: list[Item]
    skipped: list[tuple[str, str]]


def run_baseline(
    ds: Dataset, name: str, decisions: list[Decision], history: list[Decision] | None = None
) -> BaselineRun:
    history = decisions if history is None else history
    items: list[Item] = []
    skipped: list[tuple[str, str]] = []
    for d in decisions:
        got = baseline_items(ds, name, d, history)
        if isinstance(got, str):
            skipped.append((d.id, got))
        else:
            items.extend(got)
    return BaselineRun(name, items, skipped)


def _row(name: str, items: list[Item]) -> dict[str, Any]:
    return summary_row(name, items)


@dataclass
class Comparison:
    """A scenario and every baseline on the decisions that all of them scored."""

    scenario: str
    rows: list[dict[str, Any]]  # the scenario first, then the baselines
    common: list[str]
    left_out: list[tuple[str, str]]  # decisions the scenario scored but a baseline could not
    best: str
    beats_best: bool

    @property
    def verdict(self) -> str:
        if not self.common:
            return f"{self.scenario}: no decision that the scenario and every baseline scored"
        s, b = self.rows[0], next(r for r in self.rows if r["model"] == self.best)
        word = "beats" if self.beats_best else "does NOT beat"
        return (
            f"{self.scenario} {word} the best baseline ({self.best}): MRR {s['mrr']} vs "
            f"{b['mrr']}, hit@3 {s['hit3']} vs {b['hit3']} on {len(self.common)} decisions"
        )


def compare_items(
    ds: Dataset,
    models: dict[str, list[Item]],
    decisions: list[Decision],
    history: list[Decision],
) -> Comparison:
    """Models (the first is the one judged) beside every baseline, on the decisions that all of
    them scored. The best baseline has the highest MRR (then hit@3, then hit@1); the first model
    beats it only with a strictly higher MRR."""
    first = next(iter(models))
    have = {it.decision for it in models[first]}
    runs, common, left = _baseline_runs(ds, [d for d in decisions if d.id in have], history)
    keep = set(common)
    rows = [_row(name, [it for it in its if it.decision in keep]) for name, its in models.items()]
    n_models = len(rows)
    rows += [_row(r.name, [it for it in r.items if it.decision in keep]) for r in runs]
    best = max(rows[n_models:], key=lambda r: (r["mrr"], r["hit3"], r["hit1"]) if common else 0)
    beats = bool(common) and rows[0]["mrr"] > best["mrr"]
    return Comparison(first, rows, common, left, best["model"], beats)


def _baseline_runs(
    ds: Dataset, scored: list[Decision], history: list[Decision]
) -> tuple[list[BaselineRun], list[str], list[tuple[str, str]]]:
    """Every baseline on ``scored``; the decisions all of them scored; those left out, with the
    first baseline's reason."""
    runs = [run_baseline(ds, b, scored, history) for b in BASELINES]
    left: dict[str, str] = {}
    for r in runs:
        for did, why in r.skipped:
            left.setdefault(did, f"{r.name}: {why}")
    common = [d.id for d in scored if d.id not in left]
    return runs, common, sorted(left.items())


def compare(ds: Dataset, bt: Backtest, history: list[Decision] | None = None) -> Comparison:
    """A scenario's backtest beside every baseline (see :func:`compare_items`)."""
    return compare_items(ds, {bt.scenario: bt.items}, bt.decisions, history or bt.decisions)
