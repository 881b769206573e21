"""Scenario validation, the one home for it: pydantic errors as problems with file, key and line;
the weights check every loaded scenario passes (YAML, path or dict); and the checks that need a
dataset (criteria, periods, regions and indicators the rules name)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from siting._errors import Problem, SitingError
from siting._yaml import KeyPath, line_of
from siting.data.regions import RegionResolver
from siting.scenario.model import (
    CONDITIONS,
    Constraint,
    Criterion,
    Scenario,
    Step,
    dotted,
)

if TYPE_CHECKING:
    from siting.data.dataset import Dataset

# ------------------------------------------------------------------ pydantic errors

_FIX_BY_TYPE = {
    "extra_forbidden": "remove it or correct its spelling",
    "float_parsing": "write a plain number, e.g. 20 or 20%",
    "float_type": "write a plain number, e.g. 20 or 20%",
    "greater_than_equal": "use a number >= 0 (0 switches a criterion off)",
    "less_than_equal": "use a number <= 1",
    "literal_error": None,
    "missing": None,
    "string_too_short": "write a sentence users can quote",
    "finite_number": "write a finite number such as 20",
}

_ALLOWED = {
    (): sorted(Scenario.model_fields),
    ("criteria", "*"): sorted(Criterion.model_fields),
    ("constraints", "*"): sorted(Constraint.model_fields),
    ("criteria", "*", "steps", "*"): sorted(Step.model_fields),
}


def _allowed_here(loc: KeyPath) -> list[str]:
    parent = tuple(
        "*" if (i % 2 == 1 and loc[0] in ("criteria", "constraints")) or isinstance(p, int) else p
        for i, p in enumerate(loc[:-1])
    )
    return _ALLOWED.get(parent, [])


def _unknown_key(loc: KeyPath) -> tuple[str, str]:
    bad = str(loc[-1])
    allowed = _allowed_here(loc)
    close = difflib.get_close_matches(bad, allowed, n=1)
    fix = (f"did you mean {close[0]!r}? " if close else "") + (
        f"allowed keys: {', '.join(allowed)}" if allowed else "remove it"
    )
    return f"unknown key {bad!r}", fix


def _message(err: Any, loc: KeyPath) -> tuple[str, str | None]:
    """(message, fix) for one pydantic error at ``loc``."""
    etype, got = err["type"], err.get("input")
    fix = _FIX_BY_TYPE.get(etype)
    if etype == "extra_forbidden":
        return _unknown_key(loc)
    if etype in ("float_parsing", "float_type"):
        return f"{loc[-1]} must be a number, got {got!r}", fix
    if etype == "greater_than_equal" and loc and loc[-1] == "weight":
        return (
            f"weight must not be negative (got {got})",
            "use 0 to switch a criterion off, or remove it",
        )
    if etype == "finite_number":
        return f"{loc[-1]} must be a finite number, got {got!r}", fix
    if etype == "missing":
        return f"required key {loc[-1]!r} is missing", f"add '{loc[-1]}:'"
    if etype == "value_error":
        return err["msg"].removeprefix("Value error, "), fix
    return err["msg"], fix


def problems_from_validation(
    exc: ValidationError, file: str, lines: dict[KeyPath, int]
) -> list[Problem]:
    """One problem per key pydantic rejected, with the file, the line and a fix."""
    out = []
    seen: set[KeyPath] = set()
    for err in exc.errors():
        # pydantic appends the union member name for Optional models; drop it
        loc = tuple(p for p in err["loc"] if p not in ("Criterion",))
        if "inherited" in loc:  # a union (use | exclude | factor): one message for the key
            loc = loc[: loc.index("inherited") + 1]
            if loc in seen:
                continue
            seen.add(loc)
            msg = (
                "inherited must be use, exclude or a factor between 0 and 1, "
                f"got {err.get('input')!r}"
            )
            fix: str | None = "write inherited: use, inherited: exclude or e.g. inherited: 0.5"
        else:
            msg, fix = _message(err, loc)
        out.append(Problem(msg, file=file, key=dotted(loc), line=line_of(lines, loc), fix=fix))
    return out


def validate_document(doc: dict[str, Any], file: str, lines: dict[KeyPath, int]) -> Scenario:
    """``doc`` as a :class:`Scenario`; SitingError lists every key pydantic rejected."""
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        raise SitingError.from_problems(problems_from_validation(exc, file, lines)) from None


# ------------------------------------------------------------------ weights


def check_weights(s: Scenario) -> None:
    """Raise unless the scenario has criteria, each with a weight, not all zero."""
    active = s.active_criteria
    if not active:
        raise SitingError(
            "the scenario has no criteria",
            file=s.file,
            key="criteria",
            fix="add at least one indicator under 'criteria:' with a weight",
        )
    problems = []
    for cid, c in active.items():
        if c.weight is None:
            f, line = s.where("criteria", cid)
            problems.append(
                Problem(
                    "criterion has no weight",
                    file=f,
                    line=line,
                    key=f"criteria.{cid}",
                    fix=f"add 'weight:' under {cid}",
                )
            )
    if problems:
        raise SitingError.from_problems(problems)
    if sum(c.weight or 0 for c in active.values()) <= 0:
        f, line = s.where("criteria")
        raise SitingError(
            "all weights are zero",
            file=f,
            line=line,
            key="criteria",
            fix="give at least one criterion a positive weight",
        )


# ------------------------------------------------------------------ against a dataset


def check_against_dataset(scenario: Scenario, ds: Dataset) -> list[Problem]:
    """Problems between a scenario and a dataset: unknown ids, periods, regions, rules."""
    problems: list[Problem] = []
    ids = sorted(ds.indicators)
    for cid, crit in scenario.active_criteria.items():
        problems.extend(_criterion_problems(scenario, ds, ids, cid, crit))
    resolver = RegionResolver(ds) if any(c.regions for c in scenario.constraints) else None
    for i, con in enumerate(scenario.constraints):
        problems.extend(_constraint_problems(scenario, ds, ids, i, con, resolver))
    return problems


def _unknown_id(name: str, ids: list[str]) -> str:
    """The fix for an unknown indicator id: the closest known one, and where ids are listed."""
    close = difflib.get_close_matches(name, ids, n=1, cutoff=0.5)
    return (
        f"did you mean {close[0]!r}? " if close else ""
    ) + "'siting data' lists the indicator ids"


def _no_period(
    ds: Dataset, indicator: str, period: str, where: tuple[str, int | None], key: str
) -> Problem:
    return Problem(
        f"indicator {indicator!r} has no values for period {period!r}",
        file=where[0],
        line=where[1],
        key=key,
        fix=f"use one of: {', '.join(ds.periods_of(indicator))}",
    )


def _criterion_problems(
    scenario: Scenario, ds: Dataset, ids: list[str], cid: str, crit: Criterion
) -> list[Problem]:
    if cid not in ds.indicators:
        file, line = scenario.where("criteria", cid)
        key = f"criteria.{cid}"
        msg = f"unknown criterion {cid!r}"
        return [Problem(msg, file=file, line=line, key=key, fix=_unknown_id(cid, ids))]
    period = crit.period or ds.indicators[cid].period
    if ds.has_column(cid, period):
        return []
    where = scenario.where("criteria", cid, "period")
    return [_no_period(ds, cid, period, where, f"criteria.{cid}.period")]


def _constraint_problems(
    scenario: Scenario,
    ds: Dataset,
    ids: list[str],
    i: int,
    con: Constraint,
    resolver: RegionResolver | None,
) -> list[Problem]:
    """What one rule lacks (a condition, a target, points) or names that the data has not."""
    file, line = scenario.where("constraints", i)
    key = f"constraints[{i}]"
    out: list[Problem] = []
    if con.indicator is not None and con.indicator not in ds.indicators:
        f2, l2 = scenario.where("constraints", i, "indicator")
        msg = f"constraint on unknown indicator {con.indicator!r}"
        out.append(
            Problem(
                msg, file=f2, line=l2, key=f"{key}.indicator", fix=_unknown_id(con.indicator, ids)
            )
        )
    if con.indicator is not None and not any(getattr(con, k) is not None for k in CONDITIONS):
        out.append(
            Problem(
                "a constraint on an indicator needs a condition",
                file=file,
                line=line,
                key=key,
                fix="add one of below, above, at_most, at_least, equals",
            )
        )
    if con.indicator is None and not con.regions:
        out.append(
            Problem(
                "a constraint needs 'regions' or an 'indicator' with a condition",
                file=file,
                line=line,
                key=key,
                fix="e.g. indicator: power_self_sufficiency and below: 30",
            )
        )
    if con.kind in ("bonus", "penalty") and con.points is None:
        out.append(
            Problem(
                f"a {con.kind} needs 'points'",
                file=file,
                line=line,
                key=key,
                fix="add e.g. points: 5 (on the 0-100 score)",
            )
        )
    out.extend(_region_problems(scenario, resolver, i, con))
    if con.indicator in ds.indicators and con.period and not ds.column(con.indicator, con.period):
        where = scenario.where("constraints", i, "period")
        out.append(_no_period(ds, con.indicator, con.period, where, f"{key}.period"))
    return out


def _region_problems(
    scenario: Scenario, resolver: RegionResolver | None, i: int, con: Constraint
) -> list[Problem]:
    """The names in a rule's ``regions`` that match no region (or more than one)."""
    out: list[Problem] = []
    for j, name in enumerate(con.regions or []):
        f2, l2 = scenario.where("constraints", i, "regions", j)
        try:
            assert resolver is not None
            resolver.resolve(name, file=f2, key=f"constraints[{i}].regions", line=l2)
        except SitingError as exc:
            out.extend(exc.as_problems())
    return out
