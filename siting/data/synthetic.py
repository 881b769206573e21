"""Datasets built from plain arrays: for tests, benchmarks and quick experiments."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from siting.data.datafiles import VALUE_COLUMNS
from siting.data.model import Dataset
from siting.data.records import Indicator, Source
from siting.data.values import GAP, USED, ValueTable


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
    # the value rows, by column (row-major: region by region, indicators in order)
    flat = np.asarray(matrix, dtype=float).reshape(-1)
    gap = np.isnan(flat)
    cols = {
        "region": np.repeat(np.arange(n, dtype=np.int32), m),
        "indicator": np.tile(np.arange(m, dtype=np.int32), n),
        "period": np.zeros(n * m, dtype=np.int32),
        "source": np.zeros(n * m, dtype=np.int32),
        "quote": np.zeros(n * m, dtype=np.int32),
        "note": np.zeros(n * m, dtype=np.int32),
        "superseded_by": np.zeros(n * m, dtype=np.int32),
        "inherited": np.zeros(n * m, dtype=np.int32),
        "value": flat.copy(),
        "line": np.arange(2, n * m + 2, dtype=np.int32),
        "status": np.where(gap, GAP, USED).astype(np.int8),
    }
    cats = {
        "region": codes,
        "indicator": ids,
        "period": [period],
        "source": ["s"],
        "quote": ["q"],
        "note": [""],
        "superseded_by": [""],
        "inherited": [""],
    }
    values = ValueTable(cols, cats)
    return Dataset(root or Path("/nonexistent"), regions, indicators, sources, values)


def write_data_folder(root: Path, n: int, m: int, *, seed: int = 0, gaps: float = 0.02) -> Path:
    """A data folder in the project's own format (regions.csv, indicators.yaml, sources.csv,
    values.csv with a source and quote per value, scenarios/bench.yaml): ``n`` regions x ``m``
    indicators of seeded uniform values, ``gaps`` of them empty with a note. For benchmarks."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.uniform(0, 100, size=(n, m)), 3)
    gap = rng.random((n, m)) < gaps
    root.mkdir(parents=True, exist_ok=True)
    (root / "scenarios").mkdir(exist_ok=True)
    codes = [f"G{i:07d}" for i in range(n)]
    with (root / "regions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name_ko", "short_ko", "name_en", "short_en", "aliases"])
        w.writerows(
            [c, f"격자{i}", f"격자{i}", f"Cell {i}", f"Cell {i}", ""] for i, c in enumerate(codes)
        )
    lines = []
    for j in range(m):
        lines += [
            f"c{j}:",
            f"  name_ko: 기준{j}",
            f"  name_en: Criterion {j}",
            "  unit: u",
            f"  direction: {'benefit' if j % 2 == 0 else 'cost'}",
            "  group: synthetic",
            '  period: "2025"',
            "  range: [0, 100]",
            "  description: synthetic uniform values",
        ]
    (root / "indicators.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "sources.csv").write_text(
        "id,title,publisher,date,url,kind,tier,via,note\n"
        "synthetic,Synthetic grid values,siting benchmarks,2025-01-01,"
        "https://example.org/synthetic,official,1,,seeded uniform values\n",
        encoding="utf-8",
    )
    with (root / "values.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(VALUE_COLUMNS)
        for i, c in enumerate(codes):
            row = X[i]
            for j in range(m):
                if gap[i, j]:
                    w.writerow([c, f"c{j}", "2025", "", "u", "", "", "", "synthetic gap"])
                else:
                    v = f"{row[j]:g}"
                    w.writerow(
                        [c, f"c{j}", "2025", v, "u", "synthetic", f"c{j} = {v}", "table", ""]
                    )
    crit = "\n".join(f"  c{j}:\n    weight: {j + 1}" for j in range(m))
    (root / "scenarios" / "bench.yaml").write_text(
        "name: bench\ndescription: synthetic benchmark\nmethod: wsm\nmissing: worst\n"
        f"criteria:\n{crit}\n",
        encoding="utf-8",
    )
    return root
