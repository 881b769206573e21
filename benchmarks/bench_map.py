"""Size and speed of ``siting map``. Prints figures; run: python benchmarks/bench_map.py

Targets (issue: offline map): the 시도 map <= 2.5 MB with everything inlined; ``siting map``
<= 3 s wall time (median of a few runs, the whole command: start-up, scoring, writing).

By default it maps the bundled data (scenario base). ``--data DIR`` maps another data folder;
``--synthetic`` maps the test suite's data folder (17 real 시도, three indicators, facilities)
with a boundary layer built for the tests, for when the bundled data is not ready.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def wall(cmd: list[str], cwd: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
        times.append(time.perf_counter() - t)
        if proc.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="data folder (default: the bundled one)")
    ap.add_argument("--synthetic", action="store_true", help="use the tests' data folder")
    ap.add_argument("-s", "--scenario", default=None, help="scenario (default: base / test)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    exe = shutil.which("siting", path=str(Path(sys.executable).parent)) or "siting"
    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        work = Path(tmp)
        cmd = [exe]
        scenario = args.scenario or "base"
        if args.synthetic:
            sys.path.insert(0, str(REPO))
            from tests.test_maps import make_boundaries, write_data

            bnd = make_boundaries(work / "sido.geojson")
            data = write_data(work / "data", boundaries=bnd)
            cmd += ["--data", str(data)]
            scenario = args.scenario or "test"
        elif args.data:
            cmd += ["--data", str(args.data)]
        out = work / "map.html"
        cmd += ["map", "-s", scenario, "-o", str(out)]
        times = wall(cmd, work, args.runs)
        size = out.stat().st_size
        print(f"command      : siting {' '.join(cmd[1:]).replace(str(work), '$TMP')}")
        print(f"file size    : {size:,} bytes ({size / 1e6:.2f} MB; target <= 2.5 MB)")
        print(
            f"wall time    : median {statistics.median(times):.2f} s over {args.runs} runs "
            f"(min {min(times):.2f}, max {max(times):.2f}; target <= 3 s)"
        )
        t = time.perf_counter()
        subprocess.run([exe, "--help"], capture_output=True, check=True)
        print(f"siting --help: {time.perf_counter() - t:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
