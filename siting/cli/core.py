"""Core commands: rank, explain, validate, schema, data, sources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from siting import api
from siting._term import escape_controls
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


@app.command()
def rank(
    scenario: ScenarioOpt = "base",
    fmt: FormatOpt = Fmt.table,
    top: Annotated[
        int | None, typer.Option("--top", "-n", min=1, help="Show only the top N.")
    ] = None,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    level: LevelOpt = None,
) -> None:
    """Rank the regions under a scenario.

    Examples: siting rank · siting rank -s power-first --top 5 · siting rank -f csv -o rank.csv ·
    siting rank --level sigungu --top 20
    """
    result = api.rank(scenario, level, state().data)
    _emit(tables.render_rank(result, fmt.value, lang.value, top), output)


@app.command()
def explain(
    region: Annotated[
        str,
        typer.Argument(
            help="Region: 경북, 경상북도, Gyeongbuk or 47 (시군구: 포항, 포항시, 47110)."
        ),
    ],
    scenario: ScenarioOpt = "base",
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    level: LevelOpt = None,
) -> None:
    """Explain one region's score: raw value, transformed value, weight, contribution and sources
    of each criterion, and any exclusion, penalty or bonus.

    Examples: siting explain 경북 · siting explain Jeonnam -s power-first -f markdown ·
    siting explain 포항 --level sigungu
    """
    result, code = api.rank_region(scenario, region, level, state().data)
    _emit(tables.render_explain(result, code, fmt.value, lang.value), output)


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Scenario files to check (default: every bundled scenario)."),
    ] = None,
) -> None:
    """Check scenarios and data; list every problem; exit 0 only when everything is clean.

    Examples: siting validate · siting validate my-scenario.yaml
    """
    problems, checked = api.validate(files or [], state().data)
    for p in problems:
        typer.echo(escape_controls(p.format()), err=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        typer.echo(f"{len(errors)} problem(s) in {checked} checked item(s)", err=True)
        raise typer.Exit(2)
    warned = f", {len(problems)} warning(s)" if problems else ""
    typer.echo(f"ok: {checked} checked, no problems{warned}")


@app.command()
def schema(output: OutputOpt = None) -> None:
    """Print the JSON Schema of the scenario format (for editor autocompletion).

    Examples: siting schema -o scenario.schema.json
    """
    _emit(tables.to_json(api.scenario_schema(state().data)), output)


@app.command()
def data(
    fmt: FormatOpt = Fmt.table,
    matrix: Annotated[
        bool, typer.Option("--matrix", help="Show the region x indicator grid.")
    ] = False,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    level: LevelOpt = None,
) -> None:
    """Show what the dataset holds: each indicator's period, coverage and source count.

    The files are read and checked once per change and kept in a compiled cache
    ($SITING_CACHE_DIR, $XDG_CACHE_HOME/siting or ~/.cache/siting; safe to delete;
    siting --no-cache or SITING_NO_CACHE=1 bypasses it).

    Examples: siting data · siting data --matrix · siting data --level sigungu ·
    siting data -f csv -o coverage.csv
    """
    ds = api.load_dataset(state().data, level=level)
    _emit(tables.render_coverage(ds, fmt.value, lang.value, matrix), output)


@app.command()
def sources(
    query: Annotated[
        str | None,
        typer.Argument(help="An indicator id, a region (경북, Gyeongbuk, 47) or a source id."),
    ] = None,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    level: LevelOpt = None,
) -> None:
    """List the evidence: every source, or the values (with quotes) behind an indicator or region.

    Examples: siting sources · siting sources power_self_sufficiency · siting sources 경북
    """
    ds = api.load_dataset(state().data, level=level)
    _emit(tables.render_evidence(ds, query, fmt.value, lang.value), output)
