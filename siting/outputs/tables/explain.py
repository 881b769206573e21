"""The ``siting explain`` output: one region's criteria, contributions and evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from siting.outputs.render import _fmt, footer, rich_table, to_csv, to_json, to_markdown

if TYPE_CHECKING:
    from siting.engine.result import Result

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
    """``region`` (a code of ``result``) in ``fmt``: table, csv, json or markdown."""
    info = result.explain(region, lang)
    if fmt == "json":
        return to_json(info)
    rows = explain_rows(info, lang)
    if fmt == "csv":
        for r in rows:
            r["region"] = region
            r["hash"] = result.hash
        return to_csv(rows, ["region", "id", *EXPLAIN_COLUMNS, "quote", "url", "hash"])
    head = _headline(info, region, lang)
    if fmt == "markdown":
        body = to_markdown(rows, [*EXPLAIN_COLUMNS, "quote"])
        reasons = "".join(f"- {r}\n" for r in info["reasons"])
        return f"## {head}\n\n{body}\n{_sum_line(info)}\n\n{reasons}\n{footer(result)}\n"
    return _terminal(result, info, rows, head)


def _headline(info: dict[str, Any], region: str, lang: str) -> str:
    name = info["name_ko"] if lang == "ko" else info["name_en"]
    return (
        f"{name} ({region}) — rank {info['rank_label']} of {info['ranked_regions']}, "
        f"score {_fmt(info['score'])} ({info['status']}, data coverage {info['coverage_pct']}%"
        + (f", own values {info['own_pct']}%" if "own_pct" in info else "")
        + ")"
    )


def _raw_cell(r: dict[str, Any], by_units: bool) -> str:
    """``12.3 %`` with ``↑ 경북`` for an inherited value (``(own)`` at 시군구 level)."""
    raw = f"{_fmt(r['raw'])} {r['unit']}" if r["raw"] is not None else "— (missing)"
    return raw + (f" {r['from']}" if r["from"] else (" (own)" if by_units else ""))


def _terminal(result: Result, info: dict[str, Any], rows: list[dict[str, Any]], head: str) -> Any:
    from rich.console import Group
    from rich.text import Text

    by_units = "own_pct" in info
    compact = [
        {
            "criterion": r["id"],
            "raw": _raw_cell(r, by_units),
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
    parts: list[Any] = [table, Text(_sum_line(info))]
    if any(r["from"] for r in rows):
        parts.append(Text("↑ = value of the province, inherited by this 시군구", style="dim"))
    if by_units:
        parts.append(Text(result.inherited_summary(), style="dim"))
    parts += [Text(f"• {r}", style="yellow") for r in info["reasons"]]
    parts.append(Text("evidence:", style="bold"))
    parts += _evidence(rows)
    parts.append(Text(footer(result), style="dim"))
    return Group(*parts)


def _evidence(rows: list[dict[str, Any]]) -> list[Any]:
    """Per criterion: the source, its quote, its URL and (computed values) the inputs."""
    from rich.text import Text

    out = []
    for r in rows:
        if r["source"]:
            out.append(Text(f"  {r['id']} — {r['source']}", style="bold dim"))
        if r["quote"]:
            out.append(Text(f"    “{r['quote']}”", style="dim"))
        if r["url"]:
            out.append(Text(f"    {r['url']}", style="dim"))
        if r["inputs"]:
            out.append(Text(f"    {r['inputs']}", style="dim"))
    return out


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
