"""Writing the data files in their canonical order (so diffs stay small and builds reproducible)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from siting._io import atomic_write

VALUE_COLUMNS = [
    "region",
    "indicator",
    "period",
    "value",
    "unit",
    "source",
    "quote",
    "quote_type",
    "note",
]


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def sort_key(region_order: dict[str, int]) -> Callable[[dict[str, str]], tuple]:
    return lambda r: (r["indicator"], r["period"], region_order.get(r["region"], 99), r["source"])


def rewrite_values(
    root: Path,
    new_rows: list[dict[str, str]],
    replace: Callable[[dict[str, str]], bool],
    dry_run: bool = False,
    path: Path | None = None,
    regions: list[str] | None = None,
) -> bool:
    """Replace the rows matching ``replace`` by ``new_rows``; return whether the file changed."""
    path = path or root / "values.csv"
    rows = [r for r in _read_rows(path) if not replace(r)] + new_rows
    if regions is None:
        regions = [r["code"] for r in _read_rows(root / "regions.csv")]
    order = {c: i for i, c in enumerate(regions)}
    rows.sort(key=sort_key(order))
    return write_csv(path, rows, VALUE_COLUMNS, dry_run)


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str], dry_run: bool) -> bool:
    """Write rows with exactly ``columns`` (atomically); return whether the file changed."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in columns})
    text = buf.getvalue()
    changed = not path.exists() or text != path.read_text(encoding="utf-8")
    if changed and not dry_run:
        atomic_write(path, text)
    return changed


FACILITY_COLUMNS = [
    "id",
    "kind",
    "name_ko",
    "name_en",
    "sido",
    "sigungu",
    "emd",
    "lat",
    "lon",
    "location_basis",
    "status",
    "capacity_mw",
    "operating_units",
    "source",
    "quote",
    "note",
]


def rewrite_facilities(root: Path, rows: list[dict[str, str]], dry_run: bool = False) -> bool:
    """Write facilities.csv in its canonical column order; return whether it changed."""
    return write_csv(root / "facilities.csv", rows, FACILITY_COLUMNS, dry_run)
