"""What each command prints, beside the result type it renders: ``render_*(result, fmt, ...)``
returns a string (csv, json, markdown) or a rich renderable (table) for ``fmt``."""

from __future__ import annotations

from siting.outputs.render import to_json
from siting.outputs.report_backtest import Section, render
from siting.outputs.tables.backtest import render_backtest, render_backtest_report
from siting.outputs.tables.catalog import render_coverage, render_evidence
from siting.outputs.tables.compare import render_compare
from siting.outputs.tables.explain import render_explain
from siting.outputs.tables.rank import render_rank
from siting.outputs.tables.sensitivity import render_sensitivity

__all__ = [
    "Section",
    "render",
    "render_backtest",
    "render_backtest_report",
    "render_compare",
    "render_coverage",
    "render_evidence",
    "render_explain",
    "render_rank",
    "render_sensitivity",
    "to_json",
]
