"""Reading the small files of a data folder: regions, indicator definitions, sources,
facilities and decisions (values: :mod:`siting.data.value_file`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingError
from siting._yaml import load_yaml_file
from siting.data._csvfiles import read_csv_rows, unique_regions
from siting.data.records import Indicator, Source
from siting.data.rows import (
    DecisionRow,
    FacilityRow,
    IndicatorSpec,
    SourceRow,
    indicator_errors,
    row_problems,
)

REGION_COLUMNS = ("code", "name_ko", "short_ko", "name_en", "short_en", "aliases")
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url", "kind", "tier")
FACILITY_COLUMNS = ("id", "kind", "name_ko", "name_en", "sido", "lat", "lon", "status", "source")
DECISION_COLUMNS = ("id", "project", "organization", "date", "kind", "chosen", "source")
INDICATOR_REQUIRED = ("name_ko", "name_en", "unit", "direction", "group", "period", "description")
INDICATOR_OPTIONAL = (
    "caveats",
    "kind",
    "range",
    "computed_from",
    "encodes_decisions",
    "known_from_start",
    "publication_lag_months",
)


def read_csv(
    path: Path, required: tuple[str, ...], problems: list[Problem]
) -> list[dict[str, str]]:
    """Read a CSV into dicts with a ``_line`` key; report a missing file or missing columns."""
    if not path.exists():
        problems.append(
            Problem("file not found", file=str(path), fix="restore it from the repository")
        )
        return []
    return read_csv_rows(path, required, problems)


def read_regions(path: Path, problems: list[Problem]) -> list[dict[str, str]]:
    """Rows of regions.csv, each code once."""
    return unique_regions(read_csv(path, REGION_COLUMNS, problems), path, problems)


def read_optional(
    path: Path, required: tuple[str, ...], problems: list[Problem]
) -> list[dict[str, str]]:
    """Rows of a file a data folder may leave out (facilities, decisions)."""
    return read_csv(path, required, problems) if path.exists() else []


# ---------------------------------------------------------------------- indicators


def read_indicators(path: Path, problems: list[Problem]) -> dict[str, Indicator]:
    """Indicator definitions of one YAML file (a mapping of ids)."""
    try:
        raw, lines = load_yaml_file(path)
    except SitingError as exc:
        problems.extend(exc.as_problems())
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem("expected a mapping of indicator ids", file=str(path), line=1))
        return {}
    out: dict[str, Indicator] = {}
    for key, spec in raw.items():
        found, indicator = _indicator_problems(path, key, spec, lines)
        problems.extend(found)
        if indicator is not None:
            out[key] = indicator
    return out


def _indicator_problems(
    path: Path, key: str, spec: Any, lines: dict[tuple[Any, ...], int]
) -> tuple[list[Problem], Indicator | None]:
    """Problems of one definition, and the definition when it can be used."""
    file, line = str(path), lines.get((key,))
    if not isinstance(spec, dict):
        return [Problem("expected a mapping", file=file, key=key, line=line)], None
    allowed = {*INDICATOR_REQUIRED, *INDICATOR_OPTIONAL}
    out = [
        Problem(
            f"unknown field {k!r}",
            file=file,
            key=f"{key}.{k}",
            line=lines.get((key, k)),
            fix=f"allowed fields: {', '.join(sorted(allowed))}",
        )
        for k in spec
        if k not in allowed
    ]
    valid, missing, broken = indicator_errors(spec)
    if missing:
        msg = f"missing field(s) {', '.join(k for k in INDICATOR_REQUIRED if k in missing)}"
        return [*out, Problem(msg, file=file, key=key, line=line)], None
    out += [
        Problem(msg, file=file, key=f"{key}.{name}", line=lines.get((key, name)), fix=fix)
        for name, msg, fix in broken
    ]
    return out, None if valid is None else _indicator(key, valid)


def _indicator(key: str, spec: IndicatorSpec) -> Indicator:
    return Indicator(
        id=key,
        name_ko=spec.name_ko,
        name_en=spec.name_en,
        unit=spec.unit,
        direction=spec.direction,  # type: ignore[arg-type]
        group=spec.group,
        period=spec.period,
        description=spec.description.strip(),
        caveats=spec.caveats.strip(),
        kind=spec.kind,
        range=spec.range,
        computed_from=tuple(spec.computed_from or ()),
        encodes_decisions=spec.encodes_decisions,
        known_from_start=spec.known_from_start,
        publication_lag_months=spec.publication_lag_months or 0,
    )


# ---------------------------------------------------------------------- sources


def read_sources(path: Path, problems: list[Problem]) -> dict[str, Source]:
    """Sources by id, each row checked by :class:`~siting.data.rows.SourceRow`; a row with a
    broken rule is still kept (a bad tier counts as 3), a repeated id is dropped."""
    rows = read_csv(path, SOURCE_COLUMNS, problems)
    out: dict[str, Source] = {}
    first = []  # rows with a new id, checked by the model; a repeated id is one problem
    for r in rows:
        if r["id"] not in out:
            out[r["id"]] = _source(r)
            first.append(r)
    found = row_problems(SourceRow, first, str(path))
    checked = iter(range(len(first)))
    seen: set[str] = set()
    for r in rows:
        if r["id"] in seen:
            msg = f"duplicate source id {r['id']!r}"
            problems.append(Problem(msg, file=str(path), line=int(r["_line"])))
            continue
        seen.add(r["id"])
        problems.extend(found.get(next(checked), ()))
    return out


def _source(r: dict[str, str]) -> Source:
    try:
        tier = int(r["tier"])
    except ValueError:
        tier = 3
    return Source(
        id=r["id"],
        title=r["title"],
        publisher=r["publisher"],
        date=r["date"],
        url=r["url"],
        kind=r["kind"],
        tier=tier,
        via=r.get("via", ""),
        note=r.get("note", ""),
    )


# ---------------------------------------------------------------------- facilities, decisions


def facility_problems(
    rows: list[dict[str, str]], file: str, regions: set[str], sources: set[str] | dict
) -> list[Problem]:
    """Rows of facilities.csv against :class:`~siting.data.rows.FacilityRow`."""
    found = row_problems(FacilityRow, rows, file, {"regions": regions, "sources": sources})
    return [p for i in sorted(found) for p in found[i]]


def decision_problems(
    rows: list[dict[str, str]], file: str, regions: set[str], sources: set[str] | dict | None
) -> list[Problem]:
    """Rows of decisions.csv against :class:`~siting.data.rows.DecisionRow` (``sources`` None:
    any source id is accepted, as for a user's own decisions file)."""
    context = {"regions": regions, "sources": sources}
    found = row_problems(DecisionRow, rows, file, context, key_field=None)
    return [p for i in sorted(found) for p in found[i]]
