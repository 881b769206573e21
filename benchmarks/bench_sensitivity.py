"""Speed and memory of the weight-sensitivity analysis, as ratios measured in one run.

Run: python benchmarks/bench_sensitivity.py [--quick]

Compared (issue 15):
- ``siting.analysis.sensitivity.monte_carlo`` against a plain streaming numpy reference written
  below
  (weights drawn per chunk, ``weights @ matrix``, ranks by argsort, acceptability by bincount,
  mean/median/percentiles from the counts) at 250 x 20 and 3,000 x 20; target <= 1.5x;
- against a loop over pymcdm's WSM, one call per sample (plus its ranking), at 250 x 20:
  the loop runs on a few hundred samples and is extrapolated linearly to the sample count;
  target >= 50x; once more in a subprocess with one BLAS thread (the figure that does not
  depend on whether a second core is free);
- peak RSS of 100,000 samples at 3,000 x 20, measured in a subprocess; target < 1.5 GB;
- tipping points at 3,000 regions x 20 criteria; target < 30 s;
- WPM and TOPSIS, and the implementation before streaming (kept in tests/test_sensitivity.py).
``--quick`` skips the 100,000-sample subprocess and the previous implementation.
Times are the best of several runs taken in turn. With OpenBLAS on a machine whose cores are
busy, its threads can make the matrix product 10x slower (for the reference too);
OPENBLAS_NUM_THREADS=1 avoids that (siting does not force it: the product's last bits, hence
the output, could then differ from a run with threads on the same machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from siting.analysis.sensitivity import monte_carlo, tipping_points  # noqa: E402
from siting.data.synthetic import dataset_from_matrix  # noqa: E402
from siting.engine.score import score  # noqa: E402
from siting.scenario.model import Scenario  # noqa: E402

CHUNK = 5_000


def setup(n: int, m: int, method: str = "wsm"):
    X = np.random.default_rng(0).uniform(0, 100, (n, m))
    ds = dataset_from_matrix(X, region_codes=[f"{i:05d}" for i in range(n)]).index()
    sc = Scenario.model_validate(
        {"name": "b", "method": method, "criteria": {f"c{j}": {"weight": j + 1} for j in range(m)}}
    )
    return score(ds, sc)


def reference(res, samples: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain streaming numpy: acceptability, mean and median rank (no tie handling)."""
    rng = np.random.default_rng(seed)
    V, adj, w0 = res.transformed, res.adjustment, res.weights
    n = V.shape[0]
    cols = np.arange(n)
    counts = np.zeros(n * n, dtype=np.int64)
    for start in range(0, samples, CHUNK):
        W = rng.dirichlet(100 * w0, size=min(CHUNK, samples - start))
        S = 100 * (W @ V.T) + adj
        order = np.argsort(-S, axis=1)
        order *= n
        order += cols
        counts += np.bincount(order.ravel(), minlength=n * n)
    counts = counts.reshape(n, n)
    mean = counts @ np.arange(1, n + 1) / samples
    median = 1 + (np.cumsum(counts, axis=1) <= (samples - 1) // 2).sum(axis=1)
    return counts / samples, mean, median


def pymcdm_loop_per_sample(res, samples: int, minimal: bool) -> float:
    """Seconds per sample of a loop calling pymcdm's WSM and its ranking once per sample.

    minimal: identity normalisation, no input validation (the cheapest loop); otherwise
    pymcdm's defaults, as its documentation shows (``WSM()(matrix, weights, types)``), on the
    matrix + 1 (its default sum normalisation needs positive values).
    """
    from pymcdm.methods import WSM

    method = WSM(normalization_function=lambda x, cost: x) if minimal else WSM()
    V = res.transformed if minimal else res.transformed + 1.0
    n = V.shape[0]
    types = np.ones(V.shape[1])
    W = np.random.default_rng(1).dirichlet(100 * res.weights, size=samples)
    acc = np.zeros((n, n))
    cols = np.arange(n)
    t = time.perf_counter()
    for w in W:
        pref = method(V, w, types, validation=False) if minimal else method(V, w, types)
        ranks = method.rank(pref).astype(int)
        acc[cols, ranks - 1] += 1
    return (time.perf_counter() - t) / samples


def blas_threads() -> str:
    try:
        from threadpoolctl import threadpool_info

        return ", ".join(f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info())
    except ImportError:
        return "unknown"


def alternate(fns: dict[str, object], runs: int) -> dict[str, float]:
    """Best-of-``runs`` seconds of each function, run in turn: on a shared machine other
    processes only ever add time, and taking turns exposes all functions to the same load."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(runs):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()  # type: ignore[operator]
            times[k].append(time.perf_counter() - t)
    return {k: min(v) for k, v in times.items()}


PEAK = """
import resource, sys, time
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from bench_sensitivity import setup
from siting.analysis.sensitivity import monte_carlo
res = setup({n}, {m})
t = time.perf_counter()
monte_carlo(res, {samples}, 1)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


ONE_THREAD = """
import sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from bench_sensitivity import alternate, pymcdm_loop_per_sample, setup
from siting.analysis.sensitivity import monte_carlo
res = setup(250, 20)
monte_carlo(res, 10_000, 1)
t = alternate({{"ours": lambda: monte_carlo(res, 10_000, 1)}}, runs=9)["ours"]
print(t, min(pymcdm_loop_per_sample(res, 300, True) * 10_000 for _ in range(3)))
"""


def one_blas_thread() -> tuple[float, float]:
    """(ours, minimal pymcdm loop) seconds at 250 x 20 in a subprocess with one BLAS thread:
    on a busy machine a second BLAS thread waits for a core, the loop's tiny products don't."""
    code = ONE_THREAD.format(root=str(ROOT), bench=str(Path(__file__).parent))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    return float(out[0]), float(out[1])


def peak_rss(n: int, m: int, samples: int) -> tuple[float, float]:
    code = PEAK.format(root=str(ROOT), bench=str(Path(__file__).parent), n=n, m=m, samples=samples)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    quick = "--quick" in sys.argv
    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, measured: str, ratio: str, target: str) -> None:
        rows.append((what, measured, ratio, target))
        print(f"  {what}: {measured}  {ratio}", flush=True)

    # --- 250 x 20: against the numpy reference and pymcdm loops (after a warm-up)
    res = setup(250, 20)
    fns: dict[str, object] = {
        "ours": lambda: monte_carlo(res, 10_000, 1),
        "ref": lambda: reference(res, 10_000),
    }
    loops = {"minimal": True, "pymcdm defaults": False}
    try:
        import pymcdm  # noqa: F401

        for label, minimal in loops.items():
            fns[label] = lambda m=minimal: pymcdm_loop_per_sample(res, 300, m) * 10_000
    except ImportError:
        print("  (pymcdm not installed: pip install -e '.[test]' for the comparison)")
    for fn in fns.values():
        fn()  # type: ignore[operator]
    t = alternate({k: v for k, v in fns.items() if k in ("ours", "ref")}, runs=9)
    row(
        "250 x 20, 10,000 samples vs numpy reference",
        f"{t['ours']:.3f} s vs {t['ref']:.3f} s",
        f"{t['ours'] / t['ref']:.2f}x",
        "<= 1.5x",
    )
    for label in loops:
        if label in fns:
            ext = min(fns[label]() for _ in range(3))  # type: ignore[operator]
            row(
                f"250 x 20 vs a pymcdm WSM loop, {label} (300 samples, extrapolated to 10,000)",
                f"{t['ours']:.3f} s vs {ext:.2f} s",
                f"{ext / t['ours']:.0f}x faster",
                ">= 50x",
            )
    if "minimal" in fns:
        ours1, loop1 = one_blas_thread()
        row(
            "250 x 20 vs the minimal pymcdm loop, both with one BLAS thread (subprocess)",
            f"{ours1:.3f} s vs {loop1:.2f} s",
            f"{loop1 / ours1:.0f}x faster",
            ">= 50x",
        )
    for method in ("wpm", "topsis"):
        rm = setup(250, 20, method)
        tm = alternate({"m": lambda rm=rm: monte_carlo(rm, 10_000, 1)}, runs=3)["m"]
        row(
            f"250 x 20, 10,000 samples, {method.upper()} vs WSM",
            f"{tm:.3f} s vs {t['ours']:.3f} s",
            f"{tm / t['ours']:.1f}x",
            "(may be slower)",
        )
    if not quick:
        from tests.test_sensitivity import _ref_monte_carlo

        for method in ("wsm", "wpm", "topsis"):
            rm = setup(250, 20, method)
            tt = alternate(
                {
                    "new": lambda rm=rm: monte_carlo(rm, 10_000, 1),
                    "old": lambda rm=rm: _ref_monte_carlo(rm, 10_000, 1),
                },
                runs=3,
            )
            row(
                f"250 x 20, 10,000 samples, {method.upper()}: streamed vs previous code",
                f"{tt['new']:.3f} s vs {tt['old']:.3f} s",
                f"{tt['new'] / tt['old']:.2f}x",
                "(same output)",
            )

    # --- 3,000 x 20
    res = setup(3000, 20)
    t = alternate(
        {
            "ours": lambda: monte_carlo(res, 20_000, 1),
            "ref": lambda: reference(res, 20_000),
        },
        runs=2,
    )
    row(
        "3,000 x 20, 20,000 samples vs numpy reference",
        f"{t['ours']:.2f} s vs {t['ref']:.2f} s",
        f"{t['ours'] / t['ref']:.2f}x",
        "<= 1.5x",
    )
    if not quick:
        secs, peak = peak_rss(3000, 20, 100_000)
        row(
            "3,000 x 20, 100,000 samples: peak RSS (subprocess)",
            f"{peak / 1e9:.2f} GB in {secs:.0f} s",
            f"{peak / 1.5e9:.2f}x the target",
            "< 1.5 GB",
        )
    start = time.perf_counter()
    tipping_points(res)
    tip = time.perf_counter() - start
    row("tipping points, 3,000 regions x 20 criteria", f"{tip:.1f} s", f"{tip / 30:.2f}x", "< 30 s")

    print(f"\nBLAS threads: {blas_threads()}; load average {os.getloadavg()[0]:.1f}")
    print("\n| measured | result | ratio | target |\n|---|---|---|---|")
    for what, measured, ratio, target in rows:
        print(f"| {what} | {measured} | {ratio} | {target} |")


if __name__ == "__main__":
    main()
