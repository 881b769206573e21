"""Build the 시군구 level: data/sigungu/units.csv and the computed rows of data/sigungu/values.csv.

Usage: python scripts/build_sigungu.py [--check]
Needs the `build` extra for romanised English names (pip install -e '.[build]').
Prints how long deriving the spatial criteria takes (target: all units in <= 2 s).
"""

from __future__ import annotations

import sys
import time

from siting._io import atomic_write
from siting.data.datafiles import VALUE_COLUMNS, rewrite_values, write_csv
from siting.data.dataset import load_dataset
from siting.data.shapes import SHAPED_LAYERS, build_shapes, shapes_path
from siting.data.sigungu import (
    MAP_FILE,
    UNIT_COLUMNS,
    UNITS_FILE,
    VALUES_FILE,
    ai_project_rows,
    spatial_rows,
    unit_geometries,
    unit_map_layer,
    unit_rows,
)


def main() -> int:
    check = "--check" in sys.argv
    ds = load_dataset(strict=False)
    t0 = time.perf_counter()
    units = unit_geometries()
    t1 = time.perf_counter()
    rows = unit_rows(units, ds.regions)
    units_changed = write_csv(ds.root / UNITS_FILE, rows, UNIT_COLUMNS, dry_run=check)
    layer = unit_map_layer(ds.root, rows)
    mpath = ds.root / MAP_FILE
    map_changed = not mpath.exists() or mpath.read_bytes() != layer
    if map_changed and not check:
        atomic_write(mpath, layer)
        # the layer's derived map values (label points, outlines) follow it, or validate flags them
        spath = shapes_path(mpath)
        atomic_write(spath, build_shapes(mpath, SHAPED_LAYERS[MAP_FILE.as_posix()]))
    units_changed = units_changed or map_changed
    t2 = time.perf_counter()
    computed = spatial_rows(ds, units) + ai_project_rows(ds, rows)
    t3 = time.perf_counter()
    vpath = ds.root / VALUES_FILE
    if not vpath.exists():
        atomic_write(vpath, ",".join(VALUE_COLUMNS) + "\n")
    changed = rewrite_values(
        ds.root,
        computed,
        replace=lambda r: r["source"] == "computed-sigungu-spatial",
        dry_run=check,
        path=vpath,
        regions=[r["code"] for r in rows],
    )
    print(
        f"{len(rows)} units; unit polygons {t1 - t0:.2f} s; spatial criteria for all units "
        f"{t3 - t2:.3f} s ({len(computed)} values)"
    )
    if check and (units_changed or changed):
        print("data/sigungu is out of date: run python scripts/build_sigungu.py")
        return 1
    print(
        "units.csv",
        "rewritten" if units_changed else "up to date",
        "· values.csv",
        "rewritten" if changed else "up to date",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
