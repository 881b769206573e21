"""The ``siting data`` and ``siting sources`` outputs: what the dataset holds, and its evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from siting.data.catalog import coverage, coverage_matrix, evidence
from siting.data.levels import Level
from siting.outputs.render import render_rows

if TYPE_CHECKING:
    from siting.data.dataset import Dataset

COVERAGE_COLUMNS = ("indicator", "unit", "period", "coverage", "sources", "missing")
SIGUNGU_COVERAGE_COLUMNS = ("indicator", "unit", "period", "coverage", "inherited", "sources")
SOURCE_COLUMNS = ("source", "publisher", "date", "kind", "cited_by")
VALUE_COLUMNS = ("region", "indicator", "period", "value", "unit", "source", "quote")


def render_coverage(ds: Dataset, fmt: str, lang: str = "ko", matrix: bool = False) -> Any:
    """Each indicator's period, coverage and source count (or the region x indicator grid)."""
    rows = coverage_matrix(ds, lang) if matrix else coverage(ds, lang)
    title = f"Data in {ds.root} — {len(ds.region_codes)} regions, {len(ds.indicators)} indicators"
    cols = None
    if not matrix:
        cols = SIGUNGU_COVERAGE_COLUMNS if ds.level == Level.SIGUNGU else COVERAGE_COLUMNS
    return render_rows(rows, fmt, title, cols)


def render_evidence(ds: Dataset, query: str | None, fmt: str, lang: str = "ko") -> Any:
    """Every source, or the values (with quotes) behind an indicator, a region or a source."""
    rows = evidence(ds, query, lang)
    cols = SOURCE_COLUMNS if query is None else VALUE_COLUMNS
    return render_rows(rows, fmt, f"Evidence: {query or 'all sources'} ({len(rows)} rows)", cols)
