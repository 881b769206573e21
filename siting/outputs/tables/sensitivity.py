"""The ``siting sensitivity`` output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from siting.outputs.render import footer, rich_table, to_csv, to_json, to_markdown

if TYPE_CHECKING:
    from siting.analysis.sensitivity import Sensitivity


def render_sensitivity(
    res: Sensitivity, fmt: str, lang: str = "ko", acceptability: bool = True
) -> Any:
    """Monte Carlo table and tipping points; ``acceptability`` adds the rank matrix (json/csv)."""
    if fmt == "json":
        return to_json(res.to_dict(lang, acceptability))
    rows = res.table(lang)
    if fmt == "csv":
        if acceptability:
            mc = res.monte_carlo
            for r in rows:
                i = mc.regions.index(r["code"])
                for k, p in enumerate(mc.acceptability[i], start=1):
                    r[f"p_rank{k}"] = round(float(p), 6)
        return (
            to_csv(rows) + f"# {footer(res.result)} · samples {res.monte_carlo.samples} · "
            f"seed {res.monte_carlo.seed}\n"
        )
    tips = res.tipping_rows(lang)
    mc = res.monte_carlo
    dist = (
        "uniform over the simplex"
        if mc.concentration is None
        else f"Dirichlet, concentration {mc.concentration:g}"
    )
    head = f"{mc.samples:,} weight samples ({dist}), seed {mc.seed}"
    if fmt == "markdown":
        return (
            f"## Robustness of '{res.result.scenario.name}'\n\n{head}\n\n"
            + to_markdown(rows)
            + "\n### Tipping points (one weight at a time)\n\n"
            + to_markdown(tips)
            + f"\n{footer(res.result)}\n"
        )
    from rich.console import Group
    from rich.text import Text

    return Group(
        rich_table(
            rows,
            ("region", "rank", "p_rank1", "p_top3", "median_rank", "rank_90"),
            title=f"Robustness of '{res.result.scenario.name}' — {head}",
            right=("rank", "p_rank1", "p_top3", "median_rank"),
        ),
        rich_table(
            tips,
            (
                "criterion",
                "weight_pct",
                "top",
                "top_stays_pct",
                "below",
                "above",
                "top3_stays_pct",
                "top3_below",
                "top3_above",
            ),
            title="Tipping points: weight range (%) in which the top region / top-3 set stay",
        ),
        Text(
            "below/above: who takes first place (or enters the top 3) beyond each end; "
            "'—': no change anywhere in 0-100 %.",
            style="dim",
        ),
        Text(footer(res.result), style="dim"),
    )
