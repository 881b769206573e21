"""Rank South Korean regions as sites for AI infrastructure.

The documented API (imported on first use, so ``import siting`` and ``siting --help`` stay fast)::

    import siting
    ds = siting.load_dataset()                      # or load_dataset(level="sigungu")
    sc = siting.load_scenario("power-first")        # a name, a YAML path or a dict
    res = siting.score(ds, sc)
    res.to_frame()                                   # pandas: numeric ranks, ties explicit
    siting.explain(res, "경북")
    siting.compare([res, siting.score(ds, "base")])
    siting.sensitivity(res, samples=2000, seed=1)
    siting.backtest(ds, sc)
    siting.fit_weights(ds, "base")
    siting.save_map(siting.build_map(res), "maps/power-first.html")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_API = {
    "load_dataset": "siting.api",
    "load_scenario": "siting.api",
    "score": "siting.api",
    "explain": "siting.api",
    "compare": "siting.api",
    "sensitivity": "siting.api",
    "backtest": "siting.api",
    "fit_weights": "siting.api",
    "build_map": "siting.api",
    "save_map": "siting.api",
    "Dataset": "siting.data.dataset",
    "Scenario": "siting.scenario.model",
    "Result": "siting.engine.result",
    "SitingError": "siting._errors",
}
__all__ = [
    "Dataset",
    "Result",
    "Scenario",
    "SitingError",
    "__version__",
    "backtest",
    "build_map",
    "compare",
    "explain",
    "fit_weights",
    "load_dataset",
    "load_scenario",
    "save_map",
    "score",
    "sensitivity",
]

if TYPE_CHECKING:
    from siting._errors import SitingError
    from siting.api import (
        backtest,
        build_map,
        compare,
        explain,
        fit_weights,
        load_dataset,
        load_scenario,
        save_map,
        score,
        sensitivity,
    )
    from siting.data.dataset import Dataset
    from siting.engine.result import Result
    from siting.scenario.model import Scenario


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'siting' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
