"""Turn results into text: rich tables for the terminal, CSV, JSON and Markdown for files."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from siting.scenario.config import text

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
    from siting.outputs.fit_table import FitTable

    cells = [[_fmt(r.get(c)) for c in columns] for r in rows]
    return FitTable(cells, columns, title=title, caption=caption, right=right)


def footer(result: Result) -> str:
    m = result.meta()
    return (
        f"scenario {m['scenario']} · method {m['method']} · data vintage {m['data_vintage']} · "
        f"hash {m['hash']}"
    )


# ----------------------------------------------------------------------- rank

RANK_COLUMNS = (
    "rank",
    "code",
    "region",
    "score",
    "base",
    "adjustment",
    "coverage_pct",
    "status",
    "notes",
)


def rank_columns(result: Result) -> tuple[str, ...]:
    """The rank table's columns; at 시군구 level with the own-value share after coverage."""
    if not result.by_units:
        return RANK_COLUMNS
    at = RANK_COLUMNS.index("coverage_pct") + 1
    return (*RANK_COLUMNS[:at], "own_pct", *RANK_COLUMNS[at:])


def rank_rows(result: Result, lang: str, top: int | None) -> list[dict[str, Any]]:
    rows = result.rows(lang)
    if top:
        ranked = [r for r in rows if r["rank"] != "-"]
        rows = ranked[:top]
    return rows


def render_rank(result: Result, fmt: str, lang: str = "ko", top: int | None = None) -> Any:
    rows = rank_rows(result, lang, top)
    if fmt == "json":
        data = result.to_dict(lang)
        data["ranking"] = rows
        return to_json(data)
    if fmt == "csv":
        for r in rows:
            r["scenario"] = result.scenario.name
            r["hash"] = result.hash
        return to_csv(rows, [*rank_columns(result), "scenario", "hash"])
    if fmt == "markdown":
        desc = text(result.scenario.description, lang).strip()
        head = f"## {result.scenario.name}\n\n{desc}\n\n"
        lines = _weights_line(result) + "\n\n"
        if result.by_units:
            lines += result.inherited_summary() + "\n\n"
        return head + to_markdown(rows, rank_columns(result), footer=lines + footer(result))
    from rich.console import Group
    from rich.text import Text

    short = []
    for r in rows:
        i = result.index(r["code"])
        short.append(
            {
                "rank": r["rank"],
                "region": f"{r['region']} ({r['code']})",
                "score": r["score"],
                "adj": r["adjustment"] or None,
                "data %": r["coverage_pct"],
                **({"own %": r["own_pct"]} if result.by_units else {}),
                "notes": _short_notes(result, i, lang),
            }
        )
    own = ("own %",) if result.by_units else ()
    table = rich_table(
        short,
        ("rank", "region", "score", "adj", "data %", *own, "notes"),
        title=f"Ranking — scenario '{result.scenario.name}' ({result.method})",
        right=("rank", "score", "adj", "data %", *own),
    )
    parts: list[Any] = [table, Text(_weights_line(result), style="dim")]
    if result.by_units:
        parts.append(Text(result.inherited_summary(), style="dim"))
    for w in result.warnings:
        parts.append(Text(f"note: {w}", style="yellow"))
    if result.imputations:
        parts.append(Text(_imputation_line(result), style="yellow"))
    parts.append(Text(footer(result), style="dim"))
    return Group(*parts)


def _short_notes(result: Result, i: int, lang: str = "en") -> str:
    """One short phrase per exclusion, forced inclusion or adjustment (in ``lang`` where the
    scenario gives its reasons in two languages)."""
    code = result.regions[i]
    loc = result.scenario.localize
    out = [f"excluded: {loc(r, lang).split(' (')[0]}" for r in result.exclusions.get(code, [])]
    if code in result.forced:
        out.append(f"forced: {loc(result.forced[code], lang)}")
    out += [
        f"{a.points:+g} {loc(a.reason, lang).split(' (')[0]}"
        for a in result.adjustments
        if a.region == code
    ]
    return "; ".join(out)


def _weights_line(result: Result) -> str:
    ws = ", ".join(f"{c.id} {100 * c.weight:.1f}%" for c in result.criteria)
    return f"weights: {ws}"


def _imputation_line(result: Result) -> str:
    by: dict[str, list[str]] = {}
    for imp in result.imputations:
        by.setdefault(imp.criterion, []).append(result.dataset.region_name(imp.region))
    parts = [f"{c} ({', '.join(rs)})" for c, rs in by.items()]
    return "missing values filled by policy: " + "; ".join(parts)


# ----------------------------------------------------------------------- explain

EXPLAIN_COLUMNS = (
    "criterion",
    "raw",
    "unit",
    "period",
    "transformed",
    "weight_pct",
    "contribution",
    "source",
)


def explain_rows(info: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    rows = []
    for c in info["criteria"]:
        ev = c["evidence"]
        src = ""
        if ev and ev["source"]:
            s = ev["source"]
            src = f"{s['publisher']} ({s['date']})"
        elif c["imputed"]:
            src = f"no data — filled: {c['missing_policy']}"
        rows.append(
            {
                "criterion": c["name_ko"] if lang == "ko" else c["name_en"],
                "id": c["criterion"],
                "raw": c["raw"],
                "unit": c["unit"],
                "period": c["period"],
                "transformed": c["transformed"],
                "weight_pct": c["weight_pct"],
                "contribution": c["contribution"],
                "source": src,
                "from": _inherited_mark(c),
                "quote": ev["quote"] if ev else "",
                "url": (ev["source"] or {}).get("url", "") if ev else "",
                "inputs": ev["note"]
                if ev and ev["source"] and ev["source"]["kind"] == "computed"
                else "",
            }
        )
    return rows


def _inherited_mark(c: dict[str, Any]) -> str:
    """``↑ 경북`` for an inherited value, with the policy when it is not plain use."""
    if not c.get("inherited_from"):
        return ""
    pol = c.get("inherited_policy", "use")
    tail = {"use": "", "exclude": " (not used: inherited: exclude)"}.get(pol, f" (×{pol})")
    return f"↑ {c['inherited_from']}{tail}"


def render_explain(result: Result, region: str, fmt: str, lang: str = "ko") -> Any:
    info = result.explain(region, lang)
    if fmt == "json":
        return to_json(info)
    rows = explain_rows(info, lang)
    name = info["name_ko"] if lang == "ko" else info["name_en"]
    head = (
        f"{name} ({region}) — rank {info['rank_label']} of {info['ranked_regions']}, "
        f"score {_fmt(info['score'])} ({info['status']}, data coverage {info['coverage_pct']}%"
        + (f", own values {info['own_pct']}%" if "own_pct" in info else "")
        + ")"
    )
    sum_line = _sum_line(info)
    if fmt == "csv":
        for r in rows:
            r["region"] = region
            r["hash"] = result.hash
        return to_csv(rows, ["region", "id", *EXPLAIN_COLUMNS, "quote", "url", "hash"])
    if fmt == "markdown":
        body = to_markdown(rows, [*EXPLAIN_COLUMNS, "quote"])
        reasons = "".join(f"- {r}\n" for r in info["reasons"])
        return f"## {head}\n\n{body}\n{sum_line}\n\n{reasons}\n{footer(result)}\n"
    from rich.console import Group
    from rich.text import Text

    compact = [
        {
            "criterion": r["id"],
            "raw": (f"{_fmt(r['raw'])} {r['unit']}" if r["raw"] is not None else "— (missing)")
            + (f" {r['from']}" if r["from"] else (" (own)" if "own_pct" in info else "")),
            "period": r["period"],
            "0-1": r["transformed"],
            "weight %": r["weight_pct"],
            "points": r["contribution"],
        }
        for r in rows
    ]
    table = rich_table(
        compact,
        ("criterion", "raw", "period", "0-1", "weight %", "points"),
        title=head,
        right=("raw", "0-1", "weight %", "points"),
    )
    parts: list[Any] = [table, Text(sum_line)]
    if any(r["from"] for r in rows):
        parts.append(Text("↑ = value of the province, inherited by this 시군구", style="dim"))
    if "own_pct" in info:
        parts.append(Text(result.inherited_summary(), style="dim"))
    for r in info["reasons"]:
        parts.append(Text(f"• {r}", style="yellow"))
    parts.append(Text("evidence:", style="bold"))
    for r in rows:
        if r["source"]:
            parts.append(Text(f"  {r['id']} — {r['source']}", style="bold dim"))
        if r["quote"]:
            parts.append(Text(f"    “{r['quote']}”", style="dim"))
        if r["url"]:
            parts.append(Text(f"    {r['url']}", style="dim"))
        if r["inputs"]:
            parts.append(Text(f"    {r['inputs']}", style="dim"))
    parts.append(Text(footer(result), style="dim"))
    return Group(*parts)


def _sum_line(info: dict[str, Any]) -> str:
    contribs = [c["contribution"] for c in info["criteria"] if c["contribution"] is not None]
    total = sum(contribs)
    if info["additive"]:
        line = f"sum of contributions {total:.2f} = base score {_fmt(info['base_score'])}"
    else:
        line = (
            f"method {info['method']} is not additive: contributions are weighted values "
            f"(sum {total:.2f}); base score {_fmt(info['base_score'])}"
        )
    if info["adjustment"]:
        line += f"; adjustments {info['adjustment']:+g} → score {_fmt(info['score'])}"
    return line
