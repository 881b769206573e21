"""Report sections of ``siting backtest`` and ``siting fit-weights``: titled tables and notes,
rendered alike in every format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from siting.analysis.backtest import summarise, summary_scores
from siting.outputs.render import rich_table, to_csv, to_json, to_markdown

if TYPE_CHECKING:
    from siting.analysis.backtest import Backtest, Decision
    from siting.analysis.baselines import Comparison


@dataclass
class Section:
    key: str  # JSON key
    title: str
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def render(sections: list[Section], fmt: str, extra_json: dict[str, Any] | None = None) -> Any:
    """Tables and their notes as a rich Group, Markdown, CSV (sections separated by ``#``
    comment lines) or JSON."""
    if fmt == "json":
        data: dict[str, Any] = dict(extra_json or {})
        for s in sections:
            data[s.key] = {"rows": s.rows, "notes": s.notes} if s.notes else s.rows
        return to_json(data)
    if fmt == "csv":
        return "".join(_csv(s) for s in sections)
    if fmt == "markdown":
        return "\n".join(_markdown(s) for s in sections)
    return _terminal(sections)


def _csv(s: Section) -> str:
    notes = "".join(f"# {n}\n" for n in s.notes)
    return f"# {s.title}\n" + (to_csv(s.rows) if s.rows else "") + notes


def _markdown(s: Section) -> str:
    notes = "".join(f"\n- {n}" for n in s.notes) + ("\n" if s.notes else "")
    return f"### {s.title}\n\n" + (to_markdown(s.rows) if s.rows else "") + notes


def _terminal(sections: list[Section]) -> Any:
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = []
    for s in sections:
        if s.rows:
            cols = list(s.rows[0].keys())
            num = tuple(c for c in cols if isinstance(s.rows[0][c], int | float))
            parts.append(rich_table(s.rows, cols, title=s.title, right=num))
        elif s.title:
            parts.append(Text(s.title, style="bold"))
        parts += [Text(n, style="dim") for n in s.notes]
    return Group(*parts)


P_NOTE = (
    "p-values: hit@k exact (Poisson-binomial); MRR exact where the distinct partial sums stay "
    "few, else seeded Monte Carlo with 1e6 draws (s.e. <= 0.0005); null = rank uniform"
)
MEASURES = ("decisions", "chosen", "hit1", "hit3", "mrr", "p_hit1", "p_hit3", "p_mrr")


def comparison_section(cmp: Comparison, title: str = "") -> Section:
    """The scenario and the naive baselines on the same decisions, and the verdict."""
    rows = [{"model": r["model"], **{k: r[k] for k in MEASURES}} for r in cmp.rows]
    n_left = len(cmp.left_out)
    notes = [
        cmp.verdict,
        f"{len(cmp.common)} decisions common to the scenario and every baseline; "
        f"{n_left} scored by the scenario but not by some baseline (no data known at the date)",
        "baselines: see siting/analysis/baselines.py (ties: middle of the tied block, rounded "
        "toward the top; previous_same_kind: all tie for the first decision of a kind)",
        P_NOTE,
    ]
    return Section(
        "baselines", title or "Scenario vs naive baselines (same decisions)", rows, notes
    )


def group_of(d: Decision, by: str) -> str:
    return (d.sector if by == "sector" else d.kind) or "?"


def by_group_section(bt: Backtest, by: str) -> Section:
    """The backtest summary per sector or kind."""
    groups: dict[str, list[str]] = {}
    for d in bt.decisions:
        groups.setdefault(group_of(d, by), []).append(d.id)
    rows = []
    for g, ids in sorted(groups.items()):
        keep = set(ids)
        s = summarise([it for it in bt.items if it.decision in keep])
        rows.append(
            {
                by: g,
                "decisions": len({it.decision for it in bt.items if it.decision in keep}),
                "skipped": sum(d in keep for d, _ in bt.skipped),
                **summary_scores(s),
            }
        )
    return Section(f"by_{by}", f"Backtest of '{bt.scenario}' by {by}", rows)


def overview_row(cmp: Comparison, level: str, bt: Backtest) -> dict[str, Any]:
    """One line of the scenarios x baselines table."""
    s = cmp.rows[0]
    row: dict[str, Any] = {
        "level": level,
        "scenario": cmp.scenario,
        "scored": bt.summary.decisions,
        "skipped": bt.summary.skipped,
        "common": len(cmp.common),
        "hit1": s["hit1"],
        "hit3": s["hit3"],
        "mrr": s["mrr"],
        "p_mrr": s["p_mrr"],
    }
    for r in cmp.rows[1:]:
        row[f"mrr {r['model']}"] = r["mrr"]
    row["beats best baseline"] = "yes" if cmp.beats_best else f"NO ({cmp.best})"
    return row
