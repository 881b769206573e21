"""Every command against `python -c "import pandas"`, measured in the same run (issue 15).

Run: python benchmarks/bench_cli.py [--runs 5] [--only rank,map]

Each row is the best (minimum) wall time of fresh processes and its ratio to the best
`import pandas` time, plus the median of the per-pair ratios; baseline and command runs are
interleaved, so load on the machine affects both alike (on a shared machine the minimum is
the least noisy estimate, as in ``timeit``). "warm" = the dataset cache holds an entry for
the data; "cold" = an empty cache folder (the first run after a data change: read, validate,
store).

Targets (issue 15): rank/explain/compare/backtest warm <= 1.3x (시군구 <= 1.5x), cold <= 2.5x;
map warm <= 1.6x (시도), <= 2x (시군구); `siting --help` < 0.3x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = shutil.which("siting", path=str(Path(sys.executable).parent)) or "siting"
OUT = Path(tempfile.mkdtemp(prefix="siting-bench-"))

COMMANDS: list[tuple[str, list[str], float]] = [
    ("--help", ["--help"], 0.3),
    ("rank", ["rank"], 1.3),
    ("rank -l sigungu", ["rank", "-l", "sigungu"], 1.5),
    ("explain 경북", ["explain", "경북"], 1.3),
    ("explain 포항 -l sigungu", ["explain", "포항", "-l", "sigungu"], 1.5),
    ("compare base power-first", ["compare", "base", "power-first"], 1.3),
    (
        "compare base power-first -l sigungu",
        ["compare", "base", "power-first", "-l", "sigungu"],
        1.5,
    ),
    ("backtest", ["backtest"], 1.3),
    ("backtest -l sigungu", ["backtest", "-l", "sigungu"], 1.5),
    ("map", ["map", "-o", str(OUT / "m.html")], 1.6),
    ("map -l sigungu", ["map", "-l", "sigungu", "-o", str(OUT / "m2.html")], 2.0),
]


def _time(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - t


def measure(args: list[str], runs: int, cold: bool) -> tuple[float, float, float]:
    """(best command time, best baseline time, median per-pair ratio), interleaved."""
    # as on an installed copy: bytecode is written once and reused (with the variable set, every
    # run recompiles siting's modules while pandas' .pyc files exist from its install)
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmd_t, base_t = [], []
    warm_dir = tempfile.mkdtemp(prefix="siting-bench-cache-")
    env = {**base_env, "SITING_CACHE_DIR": warm_dir, "COLUMNS": "120"}
    if not cold:
        subprocess.run([EXE, *args], check=True, capture_output=True, env=env)  # fill the cache
    for _ in range(runs):
        base_t.append(_time([sys.executable, "-c", "import pandas"], base_env))
        if cold:
            shutil.rmtree(warm_dir, ignore_errors=True)
        cmd_t.append(_time([EXE, *args], env))
    shutil.rmtree(warm_dir, ignore_errors=True)
    ratios = [c / b for c, b in zip(cmd_t, base_t, strict=True)]
    return min(cmd_t), min(base_t), statistics.median(ratios)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="", help="comma-separated command prefixes")
    ap.add_argument("--no-cold", action="store_true")
    opts = ap.parse_args()
    only = [s.strip() for s in opts.only.split(",") if s.strip()]
    head = f"{'command':38} {'cache':5} {'time':>7} {'pandas':>7} {'ratio':>6} {'median':>6}"
    print(head + "  target")
    for name, args, target in COMMANDS:
        if only and not any(name.startswith(o) for o in only):
            continue
        modes = ["warm"] if (name == "--help" or opts.no_cold) else ["warm", "cold"]
        for mode in modes:
            t, b, med = measure(args, opts.runs, cold=mode == "cold")
            goal = target if mode == "warm" else 2.5
            ok = "ok" if t / b <= goal else "MISS"
            print(
                f"{name:38} {mode:5} {t:6.3f}s {b:6.3f}s {t / b:5.2f}x {med:5.2f}x  "
                f"<= {goal:g}x {ok}",
                flush=True,
            )


if __name__ == "__main__":
    main()
