"""The ``siting rank`` output: the ranking with weights, notes and the run's hash."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from siting.outputs.render import footer, rich_table, to_csv, to_json, to_markdown
from siting.scenario.text import text

if TYPE_CHECKING:
    from siting.engine.result import Result

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
