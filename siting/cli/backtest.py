"""``siting backtest`` and ``siting fit-weights`` (registered on the main app)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

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
)

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


def _kinds(kinds: str | None) -> tuple[str, ...] | None:
    from siting.analysis.backtest import DEFAULT_KINDS

    if kinds is None:
        return DEFAULT_KINDS
    if kinds.strip() == "all":
        return None
    return tuple(k.strip() for k in kinds.split(",") if k.strip())


def _setup(scenario: str, decisions: Path | None, kinds: str | None, level: str = "sido"):  # type: ignore[no-untyped-def]
    from siting.analysis.backtest import load_decisions
    from siting.cli._app import _load

    ds, sc = _load(scenario, level)
    decs = load_decisions(ds, str(decisions) if decisions else None, _kinds(kinds))
    return ds, sc, decs


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
    from siting.cli import _validation_report as v

    if all_scenarios:
        _emit(v.all_scenarios(decisions, kinds, level, fmt.value), output)
        return
    ds, sc, decs = _setup(scenario, decisions, kinds, level)
    if validate is not None:
        _emit(
            v.validation_report(ds, sc, decs, validate.value, regularization, by, fmt.value), output
        )
        return
    from siting.analysis.backtest import backtest as run

    bt = run(ds, sc, decs)
    _emit(
        v.with_baselines(_render_backtest(bt, ds, fmt, lang.value), bt, ds, fmt.value, by), output
    )


def _summary_rows(bt: Any) -> list[dict[str, Any]]:
    s = bt.summary
    return [
        {
            "measure": "hit@1",
            "observed": s.hit1,
            "random_expected": s.expected_hit1,
            "p_value": s.p_hit1,
        },
        {
            "measure": "hit@3",
            "observed": s.hit3,
            "random_expected": s.expected_hit3,
            "p_value": s.p_hit3,
        },
        {
            "measure": "mean reciprocal rank"
            + ("" if s.p_mrr_method == "exact" else f" (p: {s.p_mrr_method})"),
            "observed": s.mrr,
            "random_expected": s.expected_mrr,
            "p_value": s.p_mrr,
        },
    ]


def _render_backtest(bt: Any, ds: Any, fmt: Fmt, lang: str) -> Any:
    from siting.outputs.render import rich_table, to_csv, to_json, to_markdown

    if fmt is Fmt.json:
        return to_json(bt.to_dict(ds, lang))
    rows = bt.rows(ds, lang)
    foot = (
        f"scenario {bt.scenario} · {bt.summary.items} chosen regions in "
        f"{bt.summary.decisions} decisions · {bt.summary.skipped} decisions skipped · "
        f"hash {bt.hash} · p-values: hit@k exact, MRR {bt.summary.p_mrr_method}; "
        "null = rank uniform among the ranked regions"
    )
    skipped = [f"skipped {d}: {why}" for d, why in bt.skipped]
    if fmt is Fmt.csv:
        return to_csv(rows) + "".join(f"# {line}\n" for line in skipped) + f"# {foot}\n"
    summ = _summary_rows(bt)
    if fmt is Fmt.markdown:
        return (
            f"## Backtest of '{bt.scenario}'\n\n"
            + to_markdown(rows)
            + "\n"
            + to_markdown(summ)
            + "".join(f"\n- {line}" for line in skipped)
            + f"\n\n{foot}\n"
        )
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [
        rich_table(
            rows,
            ("decision", "date", "region", "rank", "of", "rank_vs_rivals", "dropped", "back_dated"),
            title=f"Backtest of '{bt.scenario}'",
            right=("rank", "of"),
        ),
        rich_table(
            summ,
            ("measure", "observed", "random_expected", "p_value"),
            right=("observed", "random_expected", "p_value"),
        ),
    ]
    for d, why in bt.skipped:
        parts.append(Text(f"skipped {d}: {why}", style="yellow"))
    parts.append(Text(foot, style="dim"))
    return Group(*parts)


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
    from siting._io import atomic_write
    from siting.analysis.fit import fitted_scenario_yaml
    from siting.cli._validation_report import fit_report
    from siting.outputs.report_backtest import render

    ds, sc, decs = _setup(scenario, decisions, kinds, level)
    sections, fit = fit_report(ds, sc, decs, regularization, margin, by, bootstrap, seed)
    if output is not None:
        from siting._io import is_stdout

        atomic_write(output, fitted_scenario_yaml(sc, fit, str(decisions or "data/decisions.csv")))
        if is_stdout(output):
            return  # the YAML is the output; a table after it would spoil it
        typer.echo(f"wrote {output}", err=True)
    _emit(render(sections, fmt.value), None)
