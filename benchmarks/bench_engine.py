"""Speed of the CLI and the scoring engine. Prints figures; run: python benchmarks/bench_engine.py

Targets: `siting --help` < 0.3 s; `siting rank` on the bundled data < 1.5 s; the engine scores
100,000 regions x 20 criteria in < 0.5 s (issue 2); deriving every 시군구 spatial criterion
<= 2 s and `siting rank --level sigungu` <= 2 s (issue 6).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def wall(cmd: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def engine(n: int, m: int, runs: int = 3) -> tuple[float, float]:
    from siting.data.synthetic import dataset_from_matrix
    from siting.engine.score import score
    from siting.scenario.model import Scenario

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 100, size=(n, m))
    X[rng.random((n, m)) < 0.02] = np.nan  # 2 % gaps exercise the missing-value policy
    t = time.perf_counter()
    ds = dataset_from_matrix(
        X,
        ["benefit", "cost"] * (m // 2) + ["benefit"] * (m % 2),
        region_codes=[f"{i:06d}" for i in range(n)],
    )
    ds.index()  # what loading a data folder does once: per-indicator arrays
    build = time.perf_counter() - t
    sc = Scenario.model_validate(
        {"name": "bench", "criteria": {f"c{j}": {"weight": j + 1} for j in range(m)}}
    )
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        res = score(ds, sc)
        times.append(time.perf_counter() - t)
    assert (res.rank > 0).sum() == n
    return statistics.median(times), build


def sigungu_derivation(runs: int = 5) -> tuple[float, float]:
    """Median time of computing every 시군구 spatial criterion (distances, counts, areas)."""
    from siting.data.dataset import load_dataset
    from siting.data.derive import derived_rows, sigungu_places
    from siting.data.sigungu_units import unit_geometries

    ds = load_dataset()
    rows = load_dataset(level="sigungu").regions
    t = time.perf_counter()
    units = unit_geometries()
    load = time.perf_counter() - t
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        derived_rows(ds, places=sigungu_places(ds, units, rows))
        times.append(time.perf_counter() - t)
    return statistics.median(times), load


def main() -> None:
    exe = shutil.which("siting", path=str(Path(sys.executable).parent)) or "siting"
    print(f"siting --help          {wall([exe, '--help']):.3f} s   (target < 0.3 s)")
    print(f"siting rank            {wall([exe, 'rank', '-f', 'csv']):.3f} s   (target < 1.5 s)")
    print(
        f"siting rank -l sigungu {wall([exe, 'rank', '-l', 'sigungu', '-f', 'csv']):.3f} s   "
        "(target <= 2 s)"
    )
    derive, load = sigungu_derivation()
    print(
        f"시군구 spatial criteria {derive:.3f} s   (target <= 2 s; loading and dissolving the "
        f"full-resolution polygons, {load:.1f} s, not counted)"
    )
    t, build = engine(100_000, 20)
    print(
        f"engine 100,000 x 20    {t:.3f} s   (target < 0.5 s; building and indexing the "
        f"synthetic dataset, {build:.1f} s, not counted)"
    )
    t, _ = engine(17, 20, runs=20)
    print(f"engine 17 x 20         {t * 1000:.1f} ms")


if __name__ == "__main__":
    main()
