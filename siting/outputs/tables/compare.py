"""The ``siting compare`` output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from siting.outputs.render import rich_table, to_csv, to_json, to_markdown

if TYPE_CHECKING:
    from siting.analysis.compare import Comparison


def render_compare(cmp: Comparison, fmt: str, lang: str = "ko") -> Any:
    """Ranks and scores side by side, agreement with the reference and the biggest movers."""
    if fmt == "json":
        return to_json(cmp.to_dict(lang))
    rows = cmp.table(lang)
    hashes = " · ".join(f"{r.scenario.name} {r.hash}" for r in cmp.results)
    if fmt == "csv":
        return to_csv(rows) + f"# hashes: {hashes}\n"
    agree = [
        {
            "vs": p.b,
            "common": p.common,
            **{f"top{k}_overlap": round(v, 3) for k, v in p.top_k_overlap.items()},
            "same_top": p.same_top,
            "kendall_tau": p.kendall_tau,
            "spearman_rho": p.spearman_rho,
            "weighted_spearman": p.weighted_spearman,
            "ws_similarity": p.ws_similarity,
        }
        for p in cmp.pairs
    ]
    ds = cmp.results[0].dataset
    mv = [
        {
            "scenario": m.scenario,
            "region": ds.region_name(m.region, lang),
            "rank": f"{m.rank_a} → {m.rank_b}",
            "change": f"{m.change:+d}",
            "why (points)": ", ".join(f"{c} {d:+.1f}" for c, d in m.drivers),
        }
        for m in cmp.movers
    ]
    ref = cmp.names[0]
    if fmt == "markdown":
        return (
            f"## Scenario comparison (reference: {ref})\n\n"
            + to_markdown(rows)
            + "\n### Agreement with the reference\n\n"
            + to_markdown(agree)
            + "\n### Biggest movers\n\n"
            + (to_markdown(mv) if mv else "none\n")
            + f"\n{hashes}\n"
        )
    from rich.console import Group
    from rich.text import Text

    cols = list(rows[0].keys())
    cols.remove("code")
    parts: list[Any] = [
        rich_table(
            rows,
            cols,
            title=f"Ranks and scores (reference: {ref})",
            right=[c for c in cols if c != "region"],
        ),
        rich_table(agree, list(agree[0].keys()), title="Agreement with the reference"),
    ]
    if mv:
        parts.append(rich_table(mv, list(mv[0].keys()), title="Biggest movers"))
    parts.append(Text(hashes, style="dim"))
    return Group(*parts)
