"""Speed of the weight-sensitivity analysis. Run: python benchmarks/bench_sensitivity.py

Targets (issue 5): 10,000 samples on 17 regions x 10 criteria <= 0.3 s; 10,000 samples on
250 regions x 20 criteria <= 3 s, vectorised; and the ratio against looping an MCDA library's
WSM (pymcdm) sample by sample, measured in the same run.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from siting.config import Scenario
from siting.score import score
from siting.sensitivity import monte_carlo, rank_statistics, sample_weights
from siting.synthetic import dataset_from_matrix


def setup(n: int, m: int):
    X = np.random.default_rng(0).uniform(0, 100, (n, m))
    ds = dataset_from_matrix(X, region_codes=[f"{i:05d}" for i in range(n)]).index()
    sc = Scenario.model_validate(
        {"name": "b", "criteria": {f"c{j}": {"weight": j + 1} for j in range(m)}}
    )
    return score(ds, sc)


def timed(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def pymcdm_loop(res, samples: int) -> float:
    from pymcdm.methods import WSM

    method = WSM(normalization_function=lambda x, cost: x)
    V = res.transformed
    types = np.ones(V.shape[1])
    W = sample_weights(res.weights, samples, np.random.default_rng(0))
    t = time.perf_counter()
    prefs = np.stack([method(V, w, types, validation=False) for w in W])
    rank_statistics(prefs)
    return time.perf_counter() - t


def main() -> None:
    for n, m, target in ((17, 10, 0.3), (250, 20, 3.0)):
        res = setup(n, m)
        t = timed(lambda res=res: monte_carlo(res, samples=10_000, seed=1))
        print(f"10,000 samples, {n:>3} regions x {m} criteria: {t:.3f} s (target <= {target} s)")
        try:
            loop = pymcdm_loop(res, 10_000)
            print(
                f"    pymcdm WSM looped sample by sample (same ranking step): {loop:.3f} s "
                f"-> vectorised is {loop / t:.0f}x faster"
            )
        except ImportError:
            print("    (pymcdm not installed: pip install -e '.[test]' for the comparison)")


if __name__ == "__main__":
    main()
