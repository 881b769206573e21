"""Recompute derived data: facility coordinates and computed indicator rows.

Usage: python scripts/compute_indicators.py [--check]
  1. data/facilities.csv: lat/lon = centroid of each facility's 읍면동 (or 시군구) polygon;
  2. data/values.csv: rows whose source starts with 'computed-' (self-sufficiency, surplus,
     approval rate, nuclear capacity, distances).
With --check nothing is written; exit 1 if either file is out of date.
"""

from __future__ import annotations

import sys

from siting.data.datafiles import rewrite_facilities, rewrite_values
from siting.data.dataset import load_dataset
from siting.data.derive import COMPUTED_PREFIX, derived_rows, locate_facilities


def main() -> int:
    check = "--check" in sys.argv
    ds = load_dataset(strict=False)
    fac_changed = rewrite_facilities(ds.root, locate_facilities(ds), dry_run=check)
    if not check:
        ds = load_dataset(strict=False)
    rows = derived_rows(ds)
    val_changed = rewrite_values(
        ds.root, rows, replace=lambda r: r["source"].startswith(COMPUTED_PREFIX), dry_run=check
    )
    if check and (fac_changed or val_changed):
        print("derived data is out of date: run python scripts/compute_indicators.py")
        return 1
    print(
        f"facilities: {'rewritten' if fac_changed else 'up to date'}; "
        f"{len(rows)} computed values: {'rewritten' if val_changed else 'up to date'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
