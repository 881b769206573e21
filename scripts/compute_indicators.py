"""Recompute the derived indicators and rewrite their rows in data/values.csv.

Usage: python scripts/compute_indicators.py [--check]
With --check, exit 1 if data/values.csv is not up to date instead of writing it.
"""

from __future__ import annotations

import sys

from siting.dataset import load_dataset
from siting.datafiles import rewrite_values
from siting.derive import COMPUTED_PREFIX, derived_rows


def main() -> int:
    ds = load_dataset(strict=False)
    rows = derived_rows(ds)
    changed = rewrite_values(ds.root, rows, replace=lambda r: r["source"].startswith(COMPUTED_PREFIX),
                             dry_run="--check" in sys.argv)
    if "--check" in sys.argv and changed:
        print("data/values.csv is out of date: run python scripts/compute_indicators.py")
        return 1
    print(f"{len(rows)} computed rows {'rewritten' if changed else 'already up to date'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
