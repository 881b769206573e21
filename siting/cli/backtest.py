"""``siting backtest`` and ``siting fit-weights`` (registered on the main app)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from siting import api
from siting._io import atomic_write, is_stdout
from siting.cli._app import (
    Fmt,
    FormatOpt,
    Lang,
    LangOpt,
    LevelOpt,
    OutputOpt,
    ScenarioOpt,
    _emit,
    app,
    state,
)
from siting.outputs import tables

if TYPE_CHECKING:
    from siting.analysis.backtest import Decision
    from siting.data.dataset import Dataset
    from siting.scenario.model import Scenario

DecisionsOpt = Annotated[
    Path | None,
    typer.Option("--decisions", help="Decisions CSV (default: the bundled data/decisions.csv)."),
]
KindsOpt = Annotated[
    str | None,
    typer.Option(
        "--kinds",
        help="Comma-separated decision kinds to use (default: every kind that sites a facility, "
        "i.e. all but distributed_energy_zone; 'all' for every kind).",
    ),
]


def _kinds(kinds: str | None) -> list[str] | str | None:
    """--kinds: None (the default kinds), "all", or the listed kinds."""
    if kinds is None:
        return None
    if kinds.strip() == "all":
        return "all"
    return [k.strip() for k in kinds.split(",") if k.strip()]


def _setup(
    scenario: str, decisions: Path | None, kinds: str | None, level: str | None
) -> tuple[Dataset, Scenario, list[Decision]]:
    ds, sc = api.load(scenario, level, state().data)
    return ds, sc, api.load_decision_rows(ds, decisions, _kinds(kinds))


class Validate(StrEnum):
    forward = "forward"
    loo = "loo"


class By(StrEnum):
    sector = "sector"
    kind = "kind"


ValidateOpt = Annotated[
    Validate | None,
    typer.Option(
        "--validate",
        help="Out-of-sample check of weights fitted from the scenario: 'forward' (fit on "
        "decisions before each cut year, test on those from it on) or 'loo' (leave one "
        "decision out).",
    ),
]
ByOpt = Annotated[By | None, typer.Option("--by", help="Also report per decision sector or kind.")]
RegOpt = Annotated[
    float | None,
    typer.Option(
        "--regularization",
        "-r",
        min=0.0,
        help="Pull toward the prior's weights (points per unit of L1 distance); default: "
        "chosen by forward-chaining validation over a grid.",
    ),
]


@app.command()
def backtest(
    scenario: ScenarioOpt = "base",
    decisions: DecisionsOpt = None,
    kinds: KindsOpt = None,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    level: LevelOpt = None,
    validate: ValidateOpt = None,
    by: ByOpt = None,
    regularization: RegOpt = None,
    all_scenarios: Annotated[
        bool,
        typer.Option(
            "--all-scenarios",
            help="One table: every bundled scenario (at both levels unless --level) beside "
            "the naive baselines.",
        ),
    ] = False,
) -> None:
    """Test a scenario against real siting decisions: the chosen region's rank among all regions
    and among the named rivals, hit@1, hit@3 and mean reciprocal rank against the random
    baseline with exact p-values, and beside naive baselines (population, GRDP, power
    self-sufficiency, distance to Seoul, the previous decision of the same kind) on the same
    decisions. A leakage guard drops or back-dates criteria whose data postdate a decision, and
    says so; a decision it leaves nothing to score with is skipped with its reason.

    Examples: siting backtest · siting backtest -s power-first -f markdown ·
    siting backtest --validate forward · siting backtest --all-scenarios -f markdown ·
    siting backtest --decisions my-decisions.csv --kinds all --by sector
    """
    if all_scenarios:
        sections = api.backtest_overview(decisions, _kinds(kinds), level, state().data)
        _emit(tables.render(sections, fmt.value), output)
        return
    ds, sc, decs = _setup(scenario, decisions, kinds, level)
    by_ = by.value if by is not None else None
    if validate is not None:
        sections = api.validate_weights(ds, sc, decs, validate.value, regularization, by_)
        _emit(tables.render(sections, fmt.value), output)
        return
    bt, baselines = api.backtest_with_baselines(ds, sc, decs)
    _emit(tables.render_backtest_report(bt, ds, baselines, by_, fmt.value, lang.value), output)


@app.command("fit-weights")
def fit_weights(
    scenario: Annotated[
        str, typer.Option("--scenario", "-s", "--prior", help="Prior scenario (name or path).")
    ] = "base",
    decisions: DecisionsOpt = None,
    kinds: KindsOpt = None,
    regularization: RegOpt = None,
    margin: Annotated[
        float,
        typer.Option(
            "--margin",
            min=0.0,
            help="Score points by which a chosen region should beat each alternative.",
        ),
    ] = 5.0,
    by: Annotated[
        By | None,
        typer.Option("--by", help="Also fit each decision sector (or kind) on its own."),
    ] = None,
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap", min=0, help="Bootstrap resamples of the decisions (0: no intervals)."
        ),
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the fitted scenario YAML here.")
    ] = None,
    fmt: FormatOpt = Fmt.table,
    level: LevelOpt = None,
) -> None:
    """Learn the weights real decisions imply: non-negative weights summing to 1 under which the
    chosen regions outscore their alternatives by the largest margin (a linear program,
    regularised toward the prior; the strength is chosen by forward-chaining validation unless
    -r is given). Reports in-sample fit, leave-one-decision-out accuracy, bootstrap intervals of
    the weights and the criteria the decisions cannot tell apart; with -o writes a scenario YAML
    you can rank with.

    Examples: siting fit-weights -o fitted.yaml · siting rank -s fitted.yaml ·
    siting fit-weights --prior power-first -r 20 · siting fit-weights --by sector
    """
    ds, sc, decs = _setup(scenario, decisions, kinds, level)
    by_ = by.value if by is not None else None
    sections, fit = api.fit_report(ds, sc, decs, regularization, margin, by_, bootstrap, seed)
    if output is not None:
        source = str(decisions or "data/decisions.csv")
        atomic_write(output, api.fitted_scenario_yaml(sc, fit, source))
        if is_stdout(output):
            return  # the YAML is the output; a table after it would spoil it
        typer.echo(f"wrote {output}", err=True)
    _emit(tables.render(sections, fmt.value), None)
