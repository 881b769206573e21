"""Rows into text: rich tables for the terminal, CSV, JSON and Markdown for files (the
primitives the tables in :mod:`siting.outputs.tables` are made of)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from siting.outputs.fit_table import FitTable

if TYPE_CHECKING:
    from rich.console import RenderableType

    from siting.engine.result import Result

FORMATS = ("table", "csv", "json", "markdown")


def _fmt(v: Any, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        text = f"{v:,.{digits}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    cols = list(columns or (rows[0].keys() if rows else []))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})
    return buf.getvalue()


def to_json(data: Any) -> str:
    return (
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=_json_default)
        + "\n"
    )


def _json_default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if np.isnan(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(type(o).__name__)


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(
    rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, footer: str = ""
) -> str:
    cols = list(columns or (rows[0].keys() if rows else []))
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        out.append("| " + " | ".join(_md_escape(_fmt(r.get(c))) for c in cols) + " |")
    if footer:
        out += ["", footer]
    return "\n".join(out) + "\n"


def rich_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    title: str = "",
    caption: str = "",
    right: Sequence[str] = (),
) -> RenderableType:
    """A terminal table laid out for the width it is printed at (see siting.outputs.fit_table):
    ids and numbers never break; too wide a table is split or printed as records."""
    cells = [[_fmt(r.get(c)) for c in columns] for r in rows]
    return PlainFitTable(cells, columns, title=title, caption=caption, right=right)


class PlainFitTable(FitTable):
    """A :class:`FitTable` whose parts are drawn as text directly where rich would draw the
    same text: laying out a 229-row table took rich 0.2 s, most of ``siting compare -l
    sigungu`` (issue 15). Anything else (styles, ASCII boxes, wrapping) goes to rich."""

    def _table(self, cols: Sequence[int], title: str, caption: str) -> Any:
        return _PlainPart(self, list(cols), title, caption)


class _PlainPart:
    """One part of a :class:`PlainFitTable`, drawn when printed (when the width is known)."""

    def __init__(self, table: PlainFitTable, cols: list[int], title: str, caption: str) -> None:
        self.table, self.cols, self.title, self.caption = table, cols, title, caption

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.segment import Segment

        plain = console.color_system is None and not options.ascii_only
        lines = (
            _plain_lines(self, options.max_width) if plain and not options.legacy_windows else None
        )
        if lines is None:
            yield FitTable._table(self.table, self.cols, self.title, self.caption)
            return
        for line in lines:
            yield Segment(line + "\n")


def _awkward(text: str) -> bool:
    """Text rich would not print as is in a cell: several lines, tabs, edge whitespace."""
    return text != text.strip() or "\n" in text or "\t" in text or "\r" in text


def _natural_widths(part: _PlainPart, grid: list[list[str]], max_width: int) -> list[int] | None:
    """Each column's widest cell when every cell, the title and the caption fit on one line
    as they are, within ``max_width`` (else None: rich lays the table out)."""
    from rich.cells import cell_len

    if not part.cols or any(_awkward(c) for row in grid for c in row):
        return None
    if _awkward(part.title + part.caption):
        return None
    inner = [max(cell_len(row[k]) for row in grid) for k in range(len(part.cols))]
    total = sum(inner) + 3 * len(inner) + 1
    if total > max_width or max(cell_len(part.title), cell_len(part.caption)) > total:
        return None
    return inner


def _plain_lines(part: _PlainPart, max_width: int) -> list[str] | None:
    """rich's lines for a table whose cells and annotations all fit on one line at their
    natural widths (the HEAVY_HEAD box, padding 1, title centred, caption left), else None."""
    from rich.box import HEAVY_HEAD as box
    from rich.cells import cell_len

    t, cols = part.table, part.cols
    grid = [[t.columns[j] for j in cols], *([r[j] for j in cols] for r in t.rows)]
    inner = _natural_widths(part, grid, max_width)
    if inner is None:
        return None
    widths = [w + 2 for w in inner]
    total = sum(widths) + len(widths) + 1
    right = [t.columns[j] in t.right for j in cols]

    def line(cells: list[str], left: str, mid: str, end: str) -> str:
        out = []
        for k, text in enumerate(cells):
            pad = " " * (inner[k] - cell_len(text))
            out.append(f" {pad}{text} " if right[k] else f" {text}{pad} ")
        return left + mid.join(out) + end

    lines = []
    if part.title:
        room = total - cell_len(part.title)
        lines.append(" " * (room // 2) + part.title + " " * (room - room // 2))
    lines += [box.get_top(widths), line(grid[0], box.head_left, box.head_vertical, box.head_right)]
    lines.append(box.get_row(widths, "head", edge=True))
    lines += [line(row, box.mid_left, box.mid_vertical, box.mid_right) for row in grid[1:]]
    lines.append(box.get_bottom(widths))
    if part.caption:
        lines.append(part.caption + " " * (total - cell_len(part.caption)))
    return lines


def footer(result: Result) -> str:
    m = result.meta()
    return (
        f"scenario {m['scenario']} · method {m['method']} · data vintage {m['data_vintage']} · "
        f"hash {m['hash']}"
    )


def render_rows(
    rows: list[dict[str, Any]], fmt: str, title: str, columns: Sequence[str] | None = None
) -> Any:
    """One list of rows in ``fmt``: JSON, CSV, Markdown under a ``## title``, or a table."""
    if fmt == "json":
        return to_json(rows)
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "markdown":
        return f"## {title}\n\n" + to_markdown(rows)
    cols = list(columns or (rows[0].keys() if rows else []))
    return rich_table(rows, cols, title=title)
