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
    return FitTable(cells, columns, title=title, caption=caption, right=right)


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
