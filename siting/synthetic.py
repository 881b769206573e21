"""Datasets built from plain arrays: for tests, benchmarks and quick experiments."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from siting.dataset import Dataset, Indicator, Source, Value


def dataset_from_matrix(
    matrix: np.ndarray,
    directions: Sequence[str] | None = None,
    *,
    region_codes: Sequence[str] | None = None,
    indicator_ids: Sequence[str] | None = None,
    period: str = "2025",
    root: Path | None = None,
) -> Dataset:
    """A dataset whose rows are regions and columns indicators (NaN = gap)."""
    n, m = matrix.shape
    directions = list(directions or ["benefit"] * m)
    codes = list(region_codes or [f"R{i:02d}" for i in range(n)])
    ids = list(indicator_ids or [f"c{j}" for j in range(m)])
    regions = [
        {
            "code": c,
            "name_ko": f"지역{i}",
            "short_ko": f"지{i}",
            "name_en": f"Region {i}",
            "short_en": f"R{i}",
            "aliases": "",
        }
        for i, c in enumerate(codes)
    ]
    indicators = {
        ids[j]: Indicator(
            id=ids[j],
            name_ko=f"기준{j}",
            name_en=f"Criterion {j}",
            unit="u",
            direction=directions[j],
            group="synthetic",
            period=period,  # type: ignore[arg-type]
            description="synthetic",
        )
        for j in range(m)
    }
    sources = {
        "s": Source("s", "synthetic", "synthetic", "2025-01-01", "http://example.org", "news", 2)
    }
    values = []
    line = 2
    for i in range(n):
        for j in range(m):
            x = matrix[i, j]
            gap = bool(np.isnan(x))
            values.append(
                Value(
                    codes[i],
                    ids[j],
                    period,
                    None if gap else float(x),
                    "s",
                    "q",
                    "",
                    line=line,
                    status="gap" if gap else "used",
                )
            )
            line += 1
    return Dataset(root or Path("/nonexistent"), regions, indicators, sources, values)
