"""The documented Python API: the functions ``import siting`` exposes (see README, "Python").

Each CLI command is a thin layer over one of these. Bad input raises
:class:`siting.SitingError` with the file, key or line and a fix, as the CLI prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from siting._errors import Problem, SitingError
from siting._paths import data_dir
from siting.analysis import backtest as bt_mod
from siting.analysis import baselines, fit
from siting.analysis import compare as comparison
from siting.analysis import sensitivity as sens
from siting.analysis import validate as validate_mod
from siting.analysis import validation as V
from siting.data.dataset import Dataset
from siting.data.dataset import load_dataset as _load_dataset
from siting.data.levels import LEVELS, Level
from siting.data.regions import RegionResolver
from siting.engine.score import score as _score
from siting.outputs import maps
from siting.outputs.report_backtest import Section, group_of
from siting.outputs.tables.validation import (
    Strength,
    fit_sections,
    group_sections,
    not_fitted_section,
    overview_section,
    validation_sections,
)
from siting.scenario import schema
from siting.scenario.loading import available_scenarios
from siting.scenario.loading import load_scenario as _load_scenario
from siting.scenario.model import Scenario

if TYPE_CHECKING:
    import numpy as np

    from siting.analysis.backtest import Backtest, Decision
    from siting.analysis.baselines import Comparison as BaselineComparison
    from siting.analysis.compare import Comparison
    from siting.analysis.fit import DecisionMatrix, Fit, Pairs
    from siting.analysis.sensitivity import Sensitivity
    from siting.engine.result import Result

ScenarioRef = Scenario | str | Path | Mapping[str, Any]
Kinds = Sequence[str] | Literal["all"] | None

__all__ = [
    "backtest",
    "backtest_overview",
    "backtest_with_baselines",
    "build_map",
    "compare",
    "compare_scenarios",
    "explain",
    "fit_report",
    "fit_weights",
    "fitted_scenario_yaml",
    "load",
    "load_dataset",
    "load_decision_rows",
    "load_scenario",
    "rank",
    "rank_region",
    "save_map",
    "scenario_schema",
    "score",
    "sensitivity",
    "validate",
    "validate_weights",
]


def load_dataset(path: str | Path | None = None, level: Level | str | None = Level.SIDO) -> Dataset:
    """The bundled data (or the data folder at ``path``) at ``level`` ``"sido"`` (also for
    ``None``) or ``"sigungu"``, validated; raises :class:`SitingError` listing every problem."""
    return _load_dataset(path, level=Level.parse(level))


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
    return comparison.compare(list(results), top_k=tuple(top_k), movers=movers)


def sensitivity(
    result: Result,
    samples: int = 10_000,
    seed: int = 0,
    concentration: float | None = 100.0,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    *,
    memory_limit: int | None = None,
    progress: Callable[[int], None] | None = None,
    tipping_progress: Callable[[int], None] | None = None,
) -> Sensitivity:
    """Monte Carlo over the weights (Dirichlet centred on the scenario, or uniform with
    ``concentration=None``) and one-at-a-time tipping points; a run estimated above
    ``memory_limit`` bytes (default: 4 GiB or 80 % of RAM) is refused; ``progress`` is called
    with the number of samples just done."""
    if concentration is not None and concentration <= 0:
        raise SitingError(
            "--concentration must be positive",
            key="--concentration",
            fix="use e.g. --concentration 50, or --uniform",
        )
    return sens.sensitivity(
        result,
        samples,
        seed,
        concentration,
        dict(bounds) if bounds else None,
        progress=progress,
        memory_limit=sens.default_memory_limit() if memory_limit is None else memory_limit,
        tipping_progress=tipping_progress,
    )


def backtest(
    dataset: Dataset,
    scenario: Scenario | str | Path | Mapping[str, Any],
    decisions: str | Path | None = None,
    kinds: Sequence[str] | None = None,
) -> Backtest:
    """Ranks of the regions real decisions chose, with the leakage guard; ``decisions`` is a CSV
    path (default: the bundled decisions), ``kinds`` the decision kinds (default: siting ones)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, dataset.root)
    return bt_mod.backtest(dataset, scenario, load_decision_rows(dataset, decisions, kinds))


def fit_weights(
    dataset: Dataset,
    prior: Scenario | str | Path | Mapping[str, Any] = "base",
    decisions: str | Path | None = None,
    regularization: float = 1.0,
) -> Fit:
    """The non-negative weights real decisions imply (LP on pairwise margins, L1 pull to
    ``prior``)."""
    if not isinstance(prior, Scenario):
        prior = load_scenario(prior, dataset.root)
    decs = load_decision_rows(dataset, decisions)
    return fit.fit_weights(dataset, prior, decs, regularization=regularization)


def build_map(results: Result | Sequence[Result], lang: str = "ko", **options: Any) -> str:
    """One self-contained HTML page (no network needed) for one result or several (layers)."""
    items = [results] if not isinstance(results, Sequence) else list(results)
    return maps.build_map(items, lang=lang, **options)


def save_map(page: str, path: str | Path) -> Path:
    """Write a page from :func:`build_map` atomically (regular files only)."""
    return maps.write_map(path, page)


# ------------------------------------------------------------------ what the commands call


def load(
    scenario: ScenarioRef = "base",
    level: Level | str | None = None,
    data: str | Path | None = None,
) -> tuple[Dataset, Scenario]:
    """The scenario and the dataset at ``level``, else the scenario's own level, else 시도."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, data_dir(data))
    return _load_dataset(data, level=Level.parse(level or sc.level)), sc


def rank(
    scenario: ScenarioRef = "base",
    level: Level | str | None = None,
    data: str | Path | None = None,
) -> Result:
    """Load (see :func:`load`) and score: ``siting rank``."""
    return _score(*load(scenario, level, data))


def rank_region(
    scenario: ScenarioRef,
    region: str,
    level: Level | str | None = None,
    data: str | Path | None = None,
) -> tuple[Result, str]:
    """The result (as :func:`rank`) and the code of ``region`` as the CLI accepts it (경북,
    Gyeongbuk, 47; 포항, 47110), resolved before scoring: ``siting explain``."""
    ds, sc = load(scenario, level, data)
    code = RegionResolver(ds).resolve(region)
    return _score(ds, sc), code


def validate(
    files: Sequence[Path] = (), data: str | Path | None = None
) -> tuple[list[Problem], int]:
    """Every problem in the scenarios (default: the bundled ones) and the data, and how many
    items were checked: ``siting validate``."""
    return validate_mod.validate_all(list(files), data)


def scenario_schema(data: str | Path | None = None) -> dict[str, Any]:
    """The JSON Schema of the scenario format (criterion ids from the data)."""
    return schema.scenario_schema(data)


def compare_scenarios(
    scenarios: Sequence[ScenarioRef],
    level: Level | str | None = None,
    data: str | Path | None = None,
    top_k: int = 3,
    movers: int = 5,
) -> Comparison:
    """Score every scenario on one dataset (``level``, else the first scenario's own) and
    compare them with the first; the top-k overlap is given for ``top_k`` and 5 (3 and 5 when
    ``top_k`` is 5)."""
    if len(scenarios) < 2:
        raise SitingError(
            "compare needs at least two scenarios", fix="e.g. siting compare base power-first"
        )
    root = data_dir(data)
    scs = [s if isinstance(s, Scenario) else load_scenario(s, root) for s in scenarios]
    lvl = level or next((s.level for s in scs if s.level), None)
    ds = _load_dataset(data, level=Level.parse(lvl))
    ks = tuple(sorted({top_k, 5} if top_k != 5 else {3, 5}))
    return comparison.compare([_score(ds, sc) for sc in scs], top_k=ks, movers=movers)


def load_decision_rows(
    dataset: Dataset, path: str | Path | None = None, kinds: Kinds = None
) -> list[Decision]:
    """The decisions to test: the bundled ones (or the CSV at ``path``) of ``kinds`` (default:
    every kind that sites a facility; ``"all"``: every kind)."""
    if kinds == "all":
        chosen: tuple[str, ...] | None = None
    else:
        chosen = tuple(kinds) if kinds else bt_mod.DEFAULT_KINDS
    return bt_mod.load_decisions(dataset, str(path) if path else None, chosen)


def backtest_with_baselines(
    dataset: Dataset, scenario: Scenario, decisions: list[Decision]
) -> tuple[Backtest, BaselineComparison]:
    """The backtest and the naive baselines on the same decisions: ``siting backtest``."""
    bt = bt_mod.backtest(dataset, scenario, decisions)
    return bt, baselines.compare(dataset, bt)


def backtest_overview(
    decisions: str | Path | None = None,
    kinds: Kinds = None,
    level: Level | str | None = None,
    data: str | Path | None = None,
) -> list[Section]:
    """Every bundled scenario at each level it runs at (or at ``level``) beside the baselines:
    ``siting backtest --all-scenarios``."""
    root = data_dir(data)
    named = [(name, load_scenario(name, root)) for name in available_scenarios(root)]
    runs = []
    for lv in (Level.parse(level),) if level else LEVELS:
        ds = _load_dataset(data, level=lv)
        for _, sc in named:
            if sc.level and sc.level != lv:
                continue
            bt, cmp = backtest_with_baselines(ds, sc, load_decision_rows(ds, decisions, kinds))
            runs.append((str(lv), bt, cmp))
    return [overview_section(runs)]


def _matrices(
    ds: Dataset, sc: Scenario, decs: list[Decision]
) -> tuple[list[DecisionMatrix], Pairs, np.ndarray]:
    """The decisions' score matrices, their pairs and the prior's weights (WSM only)."""
    import numpy as np

    if sc.method_name != "wsm":
        raise SitingError(
            "validation fits WSM weights", key="method", fix="use a wsm scenario (the default)"
        )
    mats = fit.decision_matrices(ds, sc, decs)
    if not mats:
        raise SitingError("no decision can be scored", fix="check --kinds and the data dates")
    crit = list(sc.active_criteria)
    ew = sc.effective_weights()
    prior: np.ndarray = np.array([ew[c] for c in crit])
    return mats, fit.pairs_from(crit, mats), prior


def validate_weights(
    dataset: Dataset,
    scenario: Scenario,
    decisions: list[Decision],
    method: Literal["forward", "loo"] = "forward",
    regularization: float | None = None,
    by: Literal["sector", "kind"] | None = None,
) -> list[Section]:
    """Out-of-sample check of weights fitted from ``scenario``: forward chaining (fit before each
    cut year, test from it on) or leave one decision out: ``siting backtest --validate``."""
    mats, pairs, prior = _matrices(dataset, scenario, decisions)
    best, curve = V.choose_regularization(mats, pairs, prior)
    strength = Strength(best, curve, regularization)
    if method == "forward":
        val = V.forward_chain(mats, pairs, prior, regularization)
    else:
        val = V.leave_one_out(mats, pairs, prior, strength.used)
    ids = {it.decision for it in val.pooled_items}
    prior_items = [it for it in val.prior_items if it.decision in ids]
    models = {"fitted": val.pooled_items, f"prior ({scenario.name})": prior_items}
    pooled = baselines.compare_items(dataset, models, decisions, decisions)
    return validation_sections(
        method, strength, val, pooled, decisions, len(mats), scenario.name, by
    )


def _fit_one(
    ds: Dataset,
    sc: Scenario,
    decs: list[Decision],
    regularization: float | None,
    margin: float,
    bootstrap: tuple[int, int],
    label: str = "",
) -> tuple[list[Section], Fit]:
    mats, pairs, prior = _matrices(ds, sc, decs)
    strength = Strength(*V.choose_regularization(mats, pairs, prior, margin=margin), regularization)
    fitted = fit.fit_weights(ds, sc, decs, strength.used, margin)
    draws, seed = bootstrap
    ci = None
    if draws > 0:
        ci = V.intervals(V.bootstrap_weights(pairs, prior, strength.used, margin, draws, seed))
    sections = fit_sections(
        sc.name, fitted, strength, len(mats), ci, bootstrap, V.indistinguishable(pairs), label
    )
    return sections, fitted


def fit_report(
    dataset: Dataset,
    prior: Scenario,
    decisions: list[Decision],
    regularization: float | None = None,
    margin: float = 5.0,
    by: Literal["sector", "kind"] | None = None,
    bootstrap: int = 200,
    seed: int = 0,
) -> tuple[list[Section], Fit]:
    """Weights fitted on all decisions (strength chosen by forward chaining unless given), with
    bootstrap intervals; with ``by`` each sector or kind fitted on its own:
    ``siting fit-weights``."""
    sections, fitted = _fit_one(
        dataset, prior, decisions, regularization, margin, (bootstrap, seed)
    )
    if by is None:
        return sections, fitted
    groups: dict[str, list[Decision]] = {}
    for d in decisions:
        groups.setdefault(group_of(d, by), []).append(d)
    for g, sub in sorted(groups.items()):
        try:
            more, _ = _fit_one(
                dataset, prior, sub, regularization, margin, (bootstrap, seed), f"{by} {g}"
            )
        except SitingError as e:
            sections.append(not_fitted_section(by, g, e.message))
            continue
        sections += group_sections(by, g, more)
    return sections, fitted


def fitted_scenario_yaml(prior: Scenario, fitted: Fit, decisions_file: str) -> str:
    """A scenario file with the fitted weights and the fit report in comments (fit-weights -o)."""
    return fit.fitted_scenario_yaml(prior, fitted, decisions_file)
