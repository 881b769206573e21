"""The documented Python API: the functions ``import siting`` exposes (see README, "Python").

Each CLI command is a thin layer over one of these. Bad input raises
:class:`siting.SitingError` with the file, key or line and a fix, as the CLI prints it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting.data.dataset import Dataset
from siting.data.dataset import load_dataset as _load_dataset
from siting.data.regions import RegionResolver
from siting.engine.score import score as _score
from siting.scenario.loading import load_scenario as _load_scenario
from siting.scenario.model import Scenario

if TYPE_CHECKING:
    from siting.analysis.backtest import Backtest
    from siting.analysis.compare import Comparison
    from siting.analysis.fit import Fit
    from siting.analysis.sensitivity import Sensitivity
    from siting.engine.result import Result

__all__ = [
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


def load_dataset(path: str | Path | None = None, level: str = "sido") -> Dataset:
    """The bundled data (or the data folder at ``path``) at ``level`` ``"sido"`` or ``"sigungu"``,
    validated; raises :class:`SitingError` listing every problem."""
    return _load_dataset(path, level=level)


def load_scenario(ref: str | Path | Mapping[str, Any], data: str | Path | None = None) -> Scenario:
    """A scenario from a bundled name (``"base"``), a YAML path, or a dict with the same keys as
    the YAML format (``extends`` included) — validated the same way in all three cases."""
    return _load_scenario(ref, data)


def score(dataset: Dataset, scenario: Scenario | str | Path | Mapping[str, Any]) -> Result:
    """Score and rank every region of ``dataset`` under ``scenario`` (object, name, path, dict)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, dataset.root)
    return _score(dataset, scenario)


def explain(result: Result, region: str) -> dict[str, Any]:
    """Everything behind one region's score; ``region`` as the CLI accepts it (경북, Gyeongbuk,
    47; 포항, 경북 포항시, 47110 at 시군구 level)."""
    return result.explain(RegionResolver(result.dataset).resolve(region))


def compare(
    results: Sequence[Result], top_k: Sequence[int] = (3, 5), movers: int = 5
) -> Comparison:
    """Rank agreement (Kendall τ-b, Spearman ρ, weighted Spearman, WS, top-k overlap) and movers
    between results of the same dataset; the first is the reference."""
    from siting.analysis.compare import compare as _compare

    return _compare(list(results), top_k=tuple(top_k), movers=movers)


def sensitivity(
    result: Result,
    samples: int = 10_000,
    seed: int = 0,
    concentration: float | None = 100.0,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> Sensitivity:
    """Monte Carlo over the weights (Dirichlet centred on the scenario, or uniform with
    ``concentration=None``) and one-at-a-time tipping points."""
    from siting.analysis.sensitivity import sensitivity as _sensitivity

    return _sensitivity(result, samples, seed, concentration, dict(bounds) if bounds else None)


def backtest(
    dataset: Dataset,
    scenario: Scenario | str | Path | Mapping[str, Any],
    decisions: str | Path | None = None,
    kinds: Sequence[str] | None = None,
) -> Backtest:
    """Ranks of the regions real decisions chose, with the leakage guard; ``decisions`` is a CSV
    path (default: the bundled decisions), ``kinds`` the decision kinds (default: siting ones)."""
    from siting.analysis.backtest import DEFAULT_KINDS, load_decisions
    from siting.analysis.backtest import backtest as _backtest

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, dataset.root)
    decs = load_decisions(
        dataset, str(decisions) if decisions else None, tuple(kinds) if kinds else DEFAULT_KINDS
    )
    return _backtest(dataset, scenario, decs)


def fit_weights(
    dataset: Dataset,
    prior: Scenario | str | Path | Mapping[str, Any] = "base",
    decisions: str | Path | None = None,
    regularization: float = 1.0,
) -> Fit:
    """The non-negative weights real decisions imply (LP on pairwise margins, L1 pull to
    ``prior``)."""
    from siting.analysis.backtest import DEFAULT_KINDS, load_decisions
    from siting.analysis.fit import fit_weights as _fit

    if not isinstance(prior, Scenario):
        prior = load_scenario(prior, dataset.root)
    decs = load_decisions(dataset, str(decisions) if decisions else None, DEFAULT_KINDS)
    return _fit(dataset, prior, decs, regularization=regularization)


def build_map(results: Result | Sequence[Result], lang: str = "ko", **options: Any) -> str:
    """One self-contained HTML page (no network needed) for one result or several (layers)."""
    from siting.outputs.maps import build_map as _build_map

    items = [results] if not isinstance(results, Sequence) else list(results)
    return _build_map(items, lang=lang, **options)


def save_map(page: str, path: str | Path) -> Path:
    """Write a page from :func:`build_map` atomically (regular files only)."""
    from siting.outputs.maps import write_map

    return write_map(path, page)
