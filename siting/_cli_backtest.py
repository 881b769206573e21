"""``siting backtest`` and ``siting fit-weights`` (registered on the main app)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from siting.cli import (
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
        help="Comma-separated decision kinds to use (default: AI siting kinds; "
        "'all' for every kind).",
    ),
]


def _kinds(kinds: str | None) -> tuple[str, ...] | None:
    from siting.backtest import DEFAULT_KINDS

    if kinds is None:
        return DEFAULT_KINDS
    if kinds.strip() == "all":
        return None
    return tuple(k.strip() for k in kinds.split(",") if k.strip())


def _setup(scenario: str, decisions: Path | None, kinds: str | None, level: str = "sido"):  # type: ignore[no-untyped-def]
    from siting.backtest import load_decisions
    from siting.cli import _load

    ds, sc = _load(scenario, level)
    decs = load_decisions(ds, str(decisions) if decisions else None, _kinds(kinds))
    return ds, sc, decs


@app.command()
def backtest(
    scenario: ScenarioOpt = "base",
    decisions: DecisionsOpt = None,
    kinds: KindsOpt = None,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    level: LevelOpt = None,
) -> None:
    """Test a scenario against real siting decisions: the chosen region's rank among all regions
    and among the named rivals, hit@1, hit@3 and mean reciprocal rank against the random
    baseline with exact p-values. A leakage guard drops or back-dates criteria whose data
    postdate a decision, and says so.

    Examples: siting backtest · siting backtest -s power-first -f markdown ·
    siting backtest --decisions my-decisions.csv --kinds all
    """
    from siting.backtest import backtest as run

    ds, sc, decs = _setup(scenario, decisions, kinds, level)
    bt = run(ds, sc, decs)
    _emit(_render_backtest(bt, ds, fmt, lang.value), output)


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
    from siting.render import rich_table, to_csv, to_json, to_markdown

    if fmt is Fmt.json:
        return to_json(bt.to_dict(ds, lang))
    rows = bt.rows(ds, lang)
    foot = (
        f"scenario {bt.scenario} · {bt.summary.items} chosen regions in "
        f"{len({r['decision'] for r in rows})} decisions · hash {bt.hash} · p-values: exact, "
        "null = rank uniform among the ranked regions"
    )
    if fmt is Fmt.csv:
        return to_csv(rows) + f"# {foot}\n"
    summ = _summary_rows(bt)
    if fmt is Fmt.markdown:
        return (
            f"## Backtest of '{bt.scenario}'\n\n"
            + to_markdown(rows)
            + "\n"
            + to_markdown(summ)
            + f"\n{foot}\n"
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
    regularization: Annotated[
        float,
        typer.Option(
            "--regularization",
            "-r",
            min=0.0,
            help="Pull toward the prior's weights (points per unit of L1 distance).",
        ),
    ] = 1.0,
    margin: Annotated[
        float,
        typer.Option(
            "--margin",
            min=0.0,
            help="Score points by which a chosen region should beat each alternative.",
        ),
    ] = 5.0,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the fitted scenario YAML here.")
    ] = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Learn the weights real decisions imply: non-negative weights summing to 1 under which the
    chosen regions outscore their alternatives by the largest margin (a linear program,
    regularised toward the prior). Reports in-sample fit and leave-one-decision-out accuracy;
    with -o writes a scenario YAML you can rank with.

    Examples: siting fit-weights -o fitted.yaml · siting rank -s fitted.yaml ·
    siting fit-weights --prior power-first -r 20
    """
    from siting._io import atomic_write
    from siting.fit import fit_weights as run
    from siting.fit import fitted_scenario_yaml
    from siting.render import rich_table, to_csv, to_json, to_markdown

    ds, sc, decs = _setup(scenario, decisions, kinds)
    fit = run(ds, sc, decs, regularization, margin)
    if output is not None:
        from siting._io import is_stdout

        atomic_write(output, fitted_scenario_yaml(sc, fit, str(decisions or "data/decisions.csv")))
        if is_stdout(output):
            return  # the YAML is the output; a table after it would spoil it
        typer.echo(f"wrote {output}", err=True)
    rows = fit.table()
    summary = {
        "pairs": fit.pairs,
        "min_margin": fit.min_margin,
        "mean_margin": fit.mean_margin,
        "violated_pairs": fit.violated,
        **{f"in_sample_{k}": v for k, v in fit.in_sample.items()},
        **{f"loo_{k}": v for k, v in fit.loo.items()},
    }
    if fmt is Fmt.json:
        _emit(to_json({"weights": rows, "summary": summary, "leave_one_out": fit.loo_detail}), None)
        return
    if fmt is Fmt.csv:
        _emit(to_csv(rows), None)
        return
    if fmt is Fmt.markdown:
        _emit("## Fitted weights\n\n" + to_markdown(rows) + "\n" + to_markdown([summary]), None)
        return
    from rich.console import Group
    from rich.text import Text

    _emit(
        Group(
            rich_table(
                rows,
                list(rows[0].keys()),
                title=f"Weights fitted from '{sc.name}'",
                right=("prior_pct", "fitted_pct", "change_pct"),
            ),
            rich_table(
                [{"measure": k, "value": v} for k, v in summary.items()],
                ("measure", "value"),
                title="Fit (margins in score points; beats_all = share of chosen regions that "
                "beat every alternative)",
                right=("value",),
            ),
            rich_table(
                fit.loo_detail,
                ("decision", "beats_all", "rank_among_candidates"),
                title="Leave one decision out",
            ),
            Text(
                f"{len(decs)} decisions; few decisions make this a hypothesis, not an estimate.",
                style="dim",
            ),
        ),
        None,
    )
