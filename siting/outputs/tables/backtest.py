"""The ``siting backtest`` output: one scenario's ranks of the chosen regions, then the
baselines (and per-group results) as report sections."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from siting.outputs.render import rich_table, to_csv, to_json, to_markdown
from siting.outputs.report_backtest import by_group_section, comparison_section, render

if TYPE_CHECKING:
    from siting.analysis.backtest import Backtest
    from siting.analysis.baselines import Comparison
    from siting.data.dataset import Dataset


def _summary_rows(bt: Backtest) -> list[dict[str, Any]]:
    s = bt.summary
    return [
        {
            "measure": "hit@1",
            "observed": s.hit1,
            "random_expected": s.expected_hit1,
            "p_value": s.p_hit1,
        },
        {
            "measure": "hit@3",
            "observed": s.hit3,
            "random_expected": s.expected_hit3,
            "p_value": s.p_hit3,
        },
        {
            "measure": "mean reciprocal rank"
            + ("" if s.p_mrr_method == "exact" else f" (p: {s.p_mrr_method})"),
            "observed": s.mrr,
            "random_expected": s.expected_mrr,
            "p_value": s.p_mrr,
        },
    ]


def render_backtest(bt: Backtest, ds: Dataset, fmt: str, lang: str = "ko") -> Any:
    """Each decision's rank, the summary against the random baseline, the skipped ones."""
    if fmt == "json":
        return to_json(bt.to_dict(ds, lang))
    rows = bt.rows(ds, lang)
    foot = (
        f"scenario {bt.scenario} · {bt.summary.items} chosen regions in "
        f"{bt.summary.decisions} decisions · {bt.summary.skipped} decisions skipped · "
        f"hash {bt.hash} · p-values: hit@k exact, MRR {bt.summary.p_mrr_method}; "
        "null = rank uniform among the ranked regions"
    )
    skipped = [f"skipped {d}: {why}" for d, why in bt.skipped]
    if fmt == "csv":
        return to_csv(rows) + "".join(f"# {line}\n" for line in skipped) + f"# {foot}\n"
    summ = _summary_rows(bt)
    if fmt == "markdown":
        return (
            f"## Backtest of '{bt.scenario}'\n\n"
            + to_markdown(rows)
            + "\n"
            + to_markdown(summ)
            + "".join(f"\n- {line}" for line in skipped)
            + f"\n\n{foot}\n"
        )
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [
        rich_table(
            rows,
            ("decision", "date", "region", "rank", "of", "rank_vs_rivals", "dropped", "back_dated"),
            title=f"Backtest of '{bt.scenario}'",
            right=("rank", "of"),
        ),
        rich_table(
            summ,
            ("measure", "observed", "random_expected", "p_value"),
            right=("observed", "random_expected", "p_value"),
        ),
    ]
    for d, why in bt.skipped:
        parts.append(Text(f"skipped {d}: {why}", style="yellow"))
    parts.append(Text(foot, style="dim"))
    return Group(*parts)


def render_backtest_report(
    bt: Backtest, ds: Dataset, baselines: Comparison, by: str | None, fmt: str, lang: str = "ko"
) -> Any:
    """The backtest, then the baselines on the same decisions (and, with ``by``, per group)."""
    sections = [comparison_section(baselines)]
    if by is not None:
        sections.append(by_group_section(bt, by))
    content = render_backtest(bt, ds, fmt, lang)
    if fmt == "json":
        extra = json.loads(render(sections, "json"))
        return render([], "json", {**json.loads(content), **extra})
    tail = render(sections, fmt)
    if isinstance(content, str):
        return content + "\n" + tail
    from rich.console import Group

    return Group(content, tail)
