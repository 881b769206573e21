"""The map's geometry step with and without the precomputed shapes files, in one run.

Run: python benchmarks/bench_map_geometry.py [--runs 7]

For each level it times, in-process (CPU time, minimum of ``--runs``), what a map needs from
its boundary layers (encoded geometry, label points, focus bounds; the 시도 outlines on a
시군구 map):

- ``precomputed``: ``map_shapes`` + ``map_outlines`` reading ``*.shapes.json`` (the default);
- ``computed, cache warm``: the layer read and checked, the values taken from the cache folder
  (what a map did before, from its second run on);
- ``computed, no cache``: the layer read and checked, the values computed (polylabel, outline
  walk, encoding; the first map after a data change, or ``--no-cache``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict

from siting.data.cache import memo_json, set_enabled
from siting.data.dataset import load_dataset
from siting.outputs import map_geometry as mg


def _computed(ds, codes: list[str]) -> None:  # type: ignore[no-untyped-def]
    fc = mg._to_feature_collection(mg.load_boundaries(ds))
    memo_json("map-shapes", [fc, codes], lambda: asdict(mg._prepare_shapes(fc, codes)))
    outlines = mg.load_outlines(ds)
    if outlines:
        memo_json("map-outlines", outlines, lambda: mg._outline_lines(outlines))


def _precomputed(ds, codes: list[str]) -> None:  # type: ignore[no-untyped-def]
    mg.map_shapes(ds, codes)
    mg.map_outlines(ds)


def _best(fn: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    os.environ["SITING_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-geometry-")
    for level in ("sido", "sigungu"):
        ds = load_dataset(level=level)
        codes = list(ds.region_by_code)
        _precomputed(ds, codes)  # warm-up: imports
        pre = _best(lambda: _precomputed(ds, codes), args.runs)  # noqa: B023
        _computed(ds, codes)  # fills the cache folder
        warm = _best(lambda: _computed(ds, codes), args.runs)  # noqa: B023
        set_enabled(False)
        cold = _best(lambda: _computed(ds, codes), max(1, args.runs // 2))  # noqa: B023
        set_enabled(True)
        print(
            f"{level:8} precomputed {pre:.3f} s | computed, cache warm {warm:.3f} s "
            f"({warm / pre:.1f}x) | computed, no cache {cold:.3f} s ({cold / pre:.1f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
