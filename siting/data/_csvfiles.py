"""Reading data CSVs strictly, and the row rules that span a whole file.

A CSV is UTF-8 (a BOM is dropped); another encoding, a binary file or a quoted field cut off by
a truncated file is one problem naming the file and line. Rows repeating (region, indicator,
period, source), repeated region codes and empty values that keep a source and a quote are
problems too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingError
from siting._yaml import decode_text


def read_csv_rows(
    path: Path, required: tuple[str, ...], problems: list[Problem]
) -> list[dict[str, str]]:
    """Rows as dicts with a ``_line`` key; every failure to read becomes a problem."""
    try:
        return _read(path, required, problems)
    except SitingError as exc:
        problems.extend(exc.as_problems())
        return []


def _read(path: Path, required: tuple[str, ...], problems: list[Problem]) -> list[dict[str, str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SitingError(f"cannot read the file ({exc.strerror})", file=str(path)) from exc
    reader = csv.DictReader(io.StringIO(decode_text(raw, str(path)), newline=""), strict=True)
    try:
        return _dicts(reader, path, required, problems)
    except csv.Error as exc:
        raise SitingError(
            f"malformed CSV: {exc}",
            file=str(path),
            line=reader.line_num or None,
            fix='check the quotes: a field that starts with " must end with " '
            "(the file may be cut off)",
        ) from exc


def missing_columns(header: Sequence[str], required: Sequence[str], path: Path) -> Problem | None:
    """The problem of a header without some ``required`` column, or None."""
    missing = [c for c in required if c not in header]
    if not missing:
        return None
    return Problem(
        f"missing column(s) {', '.join(missing)}",
        file=str(path),
        line=1,
        fix=f"the header must contain: {', '.join(required)}",
    )


def _dicts(
    reader: Any, path: Path, required: tuple[str, ...], problems: list[Problem]
) -> list[dict[str, str]]:
    missing = missing_columns(reader.fieldnames or [], required, path)
    if missing:
        problems.append(missing)
        return []
    rows = []
    for i, row in enumerate(reader, start=2):
        clean = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(clean.values()):
            continue
        clean["_line"] = str(i)
        rows.append(clean)
    return rows


def blank_with_quote(where: dict[str, Any]) -> Problem:
    """An empty value whose row still has a source and a quote (which state a value)."""
    return Problem(
        "the value is empty but the row has a source and a quote",
        key="value",
        fix="write the value the quote states, or clear source and quote and say in note "
        "what was searched (a gap)",
        **where,
    )


def unique_regions(
    rows: list[dict[str, str]], path: Path, problems: list[Problem]
) -> list[dict[str, str]]:
    """Drop rows repeating a region code (each a problem naming both lines)."""
    seen: dict[str, str] = {}
    out = []
    for r in rows:
        code = r.get("code", "")
        if code in seen:
            problems.append(
                Problem(
                    f"duplicate region code {code!r} (first at line {seen[code]})",
                    file=str(path),
                    line=int(r["_line"]),
                    key="code",
                    fix="each region has one row; merge the two",
                )
            )
            continue
        seen[code] = r["_line"]
        out.append(r)
    return out


_REFERENCED = (("regions.csv", "unknown region"), ("sources.csv", "unknown source"))


def collapse_missing_files(problems: list[Problem], root: Path) -> list[Problem]:
    """When regions.csv or sources.csv is missing, one problem says so, not one per row."""
    gone = [(name, probe) for name, probe in _REFERENCED if not (root / name).exists()]
    if not gone:
        return problems
    probes = tuple(probe for _, probe in gone)
    kept = [p for p in problems if not p.message.startswith(probes)]
    if any(name == "regions.csv" for name, _ in gone):
        kept = [p for p in kept if "has no boundary polygon" not in p.message]
    return kept
