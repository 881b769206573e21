"""100,000 regions x 20 indicators in the project's own data format, ranked by `siting` and by a
short pandas script doing the same job, in the same run (issue 15).

Run: python benchmarks/bench_synthetic.py [--regions 100000] [--indicators 20]

The data folder (values.csv with a source and a quote per value, 2 % gaps with notes) is
written by :func:`siting.data.synthetic.write_data_folder`. Each command runs in a fresh process;
time is wall time, memory the child's peak RSS. `siting` is measured cold (empty cache: read,
validate, resolve, store) and warm (cache entry present). Target: <= 2x the time and
<= 1.5x the memory of the pandas script.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

PANDAS_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import pandas as pd
    import yaml
    root = sys.argv[1]
    ind = yaml.safe_load(open(f"{root}/indicators.yaml", encoding="utf-8"))
    v = pd.read_csv(f"{root}/values.csv", usecols=["region", "indicator", "period", "value"])
    X = v.pivot_table(index="region", columns="indicator", values="value", aggfunc="first")
    ids = list(ind)
    X = X.reindex(columns=ids)
    lo, hi = X.min(), X.max()
    V = (X - lo) / (hi - lo)
    cost = [k for k in ids if ind[k]["direction"] == "cost"]
    V[cost] = 1 - V[cost]
    V = V.fillna(V.min())  # missing: worst
    w = np.arange(1, len(ids) + 1, dtype=float)
    score = 100 * (V.to_numpy() @ (w / w.sum()))
    out = pd.DataFrame({"code": X.index, "score": score.round(2)})
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    out.sort_values(["rank", "code"]).to_csv(sys.argv[2], index=False)
    """
)

RUN = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of ``cmd`` in a fresh process."""
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", RUN, *cmd], check=True, capture_output=True, text=True, env=env
    )
    return time.perf_counter() - t, int(out.stdout.strip()) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regions", type=int, default=100_000)
    ap.add_argument("--indicators", type=int, default=20)
    ap.add_argument("--runs", type=int, default=2)
    opts = ap.parse_args()
    from siting.data.synthetic import write_data_folder

    work = Path(tempfile.mkdtemp(prefix="siting-synth-"))
    root = write_data_folder(work / "data", opts.regions, opts.indicators)
    size = (root / "values.csv").stat().st_size / 1e6
    print(f"{opts.regions:,} regions x {opts.indicators} indicators; values.csv {size:.0f} MB")
    script = work / "pandas_rank.py"
    script.write_text(PANDAS_SCRIPT, encoding="utf-8")
    exe = shutil.which("siting", path=str(Path(sys.executable).parent)) or "siting"
    cache = work / "cache"
    env = {**os.environ, "SITING_CACHE_DIR": str(cache)}
    siting = [exe, "--data", str(root), "rank", "-s", "bench", "-f", "csv", "-o"]
    rows = []
    for _ in range(opts.runs):
        p = run([sys.executable, str(script), str(root), str(work / "p.csv")], env)
        shutil.rmtree(cache, ignore_errors=True)
        c = run([*siting, str(work / "s.csv")], env)
        w = run([*siting, str(work / "s.csv")], env)
        rows.append((p, c, w))
    p = min(r[0] for r in rows)
    for name, k in (("cold", 1), ("warm", 2)):
        t = min(r[k][0] for r in rows)
        mem = min(r[k][1] for r in rows)
        print(
            f"siting rank ({name})  {t:6.2f} s  {mem:7.0f} MB   vs pandas {p[0]:5.2f} s "
            f"{p[1]:5.0f} MB   -> {t / p[0]:.2f}x time, {mem / p[1]:.2f}x memory "
            "(target <= 2x, <= 1.5x)"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
