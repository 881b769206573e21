"""The Excel workbook of ``siting export`` (openpyxl), written deterministically.

Sheets: ranking, contributions, values, weights, scenario, sources, run info. Each has a
styled, frozen header row, an auto-filter and fitted column widths; numbers are numbers.
Text is always stored as text: a string that starts like a formula (``= + - @``, tab, CR) is
written as a string cell with Excel's quote prefix, so it is never evaluated, here or after a
CSV round trip (formula injection). The zip entries and document properties carry the fixed
timestamp of :func:`siting.outputs.export.stamp`, so equal results give byte-identical files.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting._errors import SitingError
from siting._io import atomic_write
from siting.outputs.export_records import (
    criteria_records,
    region_records,
    run_records,
    scenario_yaml,
    source_records,
    stamp,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from siting.engine.result import Result

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_HEADER_FILL = "1F3B57"
_MAX_WIDTH = 60
_CRITERION_SUFFIXES = ("__raw", "__value", "__points", "__inherited")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as exc:
        raise SitingError(
            "the Excel export needs the package openpyxl, which is not installed",
            fix="pip install openpyxl (it is a dependency of siting; reinstall siting)",
        ) from exc
    return openpyxl


def _number_format(column: str) -> str | None:
    if column.endswith("__value"):
        return "0.0000"
    if column.endswith("__points"):
        return "0.000"
    if column in ("score", "base_score", "adjustment"):
        return "0.00"
    if column.endswith("_pct"):
        return "0.0"
    return None


def _put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None) -> None:
    """Write one cell: numbers as numbers, strings always as (non-formula) text."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        text = _ILLEGAL.sub("", value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
        if fmt is not None and isinstance(value, float):
            cell.number_format = fmt


def _width(value: Any) -> int:
    text = value if isinstance(value, str) else ("" if value is None else f"{value:.4g}")
    wide = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return min(wide, _MAX_WIDTH)


def _sheet(wb: Any, title: str, rows: list[dict[str, Any]], columns: list[str]) -> Worksheet:
    """A sheet with a header row and one row per record."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for k, name in enumerate(columns, start=1):
        _put(ws, 1, k, name)
        cell = ws.cell(row=1, column=k)
        cell.font, cell.fill = head_font, head_fill
        cell.alignment = Alignment(vertical="center")
    formats = [_number_format(c) for c in columns]
    widths = [_width(c) for c in columns]
    for r, rec in enumerate(rows, start=2):
        for k, name in enumerate(columns, start=1):
            value = rec.get(name)
            _put(ws, r, k, value, formats[k - 1])
            widths[k - 1] = max(widths[k - 1], _width(value))
    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = w + 2
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    return ws


def _split(records: list[dict[str, Any]]) -> tuple[list[str], dict[str, list[str]]]:
    """Region columns, and the per-criterion columns grouped by suffix."""
    cols = list(records[0]) if records else []
    base = [c for c in cols if not c.endswith(_CRITERION_SUFFIXES)]
    return base, {s: [c for c in cols if c.endswith(s)] for s in _CRITERION_SUFFIXES}


def _ranking_sheets(wb: Any, result: Result) -> None:
    recs = region_records(result)
    base, per = _split(recs)
    _sheet(wb, "ranking", recs, base)
    ident = ["code", "name_ko", "name_en", "rank_label", "score", "base_score"]
    points = [
        {**{k: r[k] for k in ident}, **{c.removesuffix("__points"): r[c] for c in per["__points"]}}
        for r in recs
    ]
    _sheet(
        wb, "contributions", points, ident + [c.removesuffix("__points") for c in per["__points"]]
    )
    groups = [per["__raw"], per["__value"]] + ([per["__inherited"]] if result.by_units else [])
    cells = [c for group in zip(*groups, strict=True) for c in group]
    _sheet(wb, "values", recs, ["code", "name_ko", "name_en", *cells])


def _text_sheets(wb: Any, result: Result, command: str | None) -> None:
    crit = criteria_records(result)
    _sheet(wb, "weights", crit, list(crit[0]) if crit else ["criterion"])
    lines = [{"scenario (resolved YAML)": line} for line in scenario_yaml(result).splitlines()]
    ws = _sheet(wb, "scenario", lines, ["scenario (resolved YAML)"])
    from openpyxl.styles import Font

    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        cell.font = Font(name="Consolas")
    src = source_records(result)
    _sheet(wb, "sources", src, list(src[0]) if src else ["source"])
    run = [{"key": k, "value": v} for k, v in run_records(result, command)]
    _sheet(wb, "run info", run, ["key", "value"])


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip with every entry stamped ``when``: zip entries carry the clock, and
    openpyxl sets the ``modified`` property to the clock on save."""
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>" + iso + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def workbook_bytes(result: Result, command: str | None = None) -> bytes:
    """The workbook as bytes (deterministic for equal inputs)."""
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _ranking_sheets(wb, result)
    _text_sheets(wb, result, command)
    when = stamp(result.dataset.vintage)
    wb.properties.creator = "siting"
    wb.properties.lastModifiedBy = "siting"
    wb.properties.title = f"siting {result.scenario.name or ''} ({result.dataset.level})"
    wb.properties.created = when
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue(), when)


def write_workbook(
    result: Result, path: str | os.PathLike[str], command: str | None = None
) -> Path:
    """Write the workbook atomically to ``path``."""
    return atomic_write(path, workbook_bytes(result, command))
