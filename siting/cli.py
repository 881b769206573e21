"""The ``siting`` command line: thin commands over the library.

Each command parses its arguments, calls one library function and renders the result.
Heavy libraries (pandas, geopandas, folium) are imported inside commands so ``--help`` is instant.
"""

from __future__ import annotations

import contextlib
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from siting._errors import SitingError

app = typer.Typer(
    name="siting",
    help="Rank South Korean regions as sites for AI infrastructure with a transparent, "
    "sourced multi-criteria model.",
    epilog="Examples:  siting rank  ·  siting explain 경북  ·  siting map -o maps/base.html  ·  "
    "siting validate data/scenarios/*.yaml",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


class Fmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class Lang(StrEnum):
    ko = "ko"
    en = "en"


_STATE: dict[str, Any] = {"data": None, "debug": False}

ScenarioOpt = Annotated[
    str,
    typer.Option(
        "--scenario", "-s", help="Scenario name (see data/scenarios) or path to a YAML file."
    ),
]
FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (atomically) instead of the terminal."),
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of region and criterion names.")]


class Level(StrEnum):
    sido = "sido"
    sigungu = "sigungu"


LevelOpt = Annotated[
    Level | None,
    typer.Option(
        "--level",
        "-l",
        help="Regions: 17 시도 (default) or ~230 시군구 "
        "(province values inherited, spatial criteria of their own).",
    ),
]


@app.callback()
def _root(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Data folder to use instead of the bundled one (or $SITING_DATA)."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Read and check the data files instead of the compiled dataset cache "
            "(also SITING_NO_CACHE=1). The cache is in $SITING_CACHE_DIR, "
            "$XDG_CACHE_HOME/siting or ~/.cache/siting; it is rebuilt whenever a data file "
            "changes and can be deleted at any time.",
        ),
    ] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        from siting import __version__

        typer.echo(f"siting {__version__}")
        raise typer.Exit()
    _STATE["data"] = data
    _STATE["debug"] = debug
    from siting.cache import set_enabled

    set_enabled(not no_cache)
    _require_data_dir(data)


def _require_data_dir(data: Path | None) -> None:
    """A --data folder or $SITING_DATA that does not exist is the error, not what follows."""
    import os

    given = data if data is not None else (os.environ.get("SITING_DATA") or None)
    if given is None:
        return
    source = "--data" if data is not None else "$SITING_DATA"
    if not Path(given).is_dir():
        what = "is not a folder" if Path(given).exists() else "not found"
        raise SitingError(
            f"data folder {what}",
            file=str(given),
            key=source,
            fix=f"point {source} at a folder with regions.csv, indicators.yaml and values.csv, "
            "or leave it out to use the bundled data",
        )


def _emit(content: Any, output: Path | None) -> None:
    """Print a string or rich renderable, or write it atomically to ``output``."""
    from siting._io import atomic_write, is_stdout
    from siting._term import escape_controls, sanitize

    if output is not None:
        if not isinstance(content, str):
            from rich.console import Console

            console = Console(record=True, width=160, file=open(os.devnull, "w"))  # noqa: SIM115
            console.print(sanitize(content))
            content = console.export_text()
        atomic_write(output, content)
        if not is_stdout(output):
            typer.echo(f"wrote {escape_controls(str(output))}", err=True)
        return
    if isinstance(content, str):
        sys.stdout.write(escape_controls(content))
    else:
        from rich.console import Console

        Console().print(sanitize(content))


def _load(scenario: str, level: str | None = None):  # type: ignore[no-untyped-def]
    """Dataset and scenario; the level is --level, else the scenario's own, else 시도."""
    from siting._paths import data_dir
    from siting.config import load_scenario
    from siting.dataset import load_dataset

    sc = load_scenario(scenario, data_dir(_STATE["data"]))
    ds = load_dataset(_STATE["data"], level=str(level or sc.level or "sido"))
    return ds, sc


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
    from siting.engine.score import score
    from siting.render import render_rank

    ds, sc = _load(scenario, level)
    result = score(ds, sc)
    _emit(render_rank(result, fmt.value, lang.value, top), output)


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
    from siting.engine.score import score
    from siting.regions import RegionResolver
    from siting.render import render_explain

    ds, sc = _load(scenario, level)
    code = RegionResolver(ds).resolve(region)
    result = score(ds, sc)
    _emit(render_explain(result, code, fmt.value, lang.value), output)


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
    from siting._term import escape_controls
    from siting.validate import validate_all

    problems, checked = validate_all(files or [], _STATE["data"])
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
    from siting.render import to_json
    from siting.schema import scenario_schema

    _emit(to_json(scenario_schema(_STATE["data"])), output)


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
    from siting.catalog import coverage, coverage_matrix
    from siting.dataset import load_dataset

    ds = load_dataset(_STATE["data"], level=str(level or "sido"))
    rows = coverage_matrix(ds, lang.value) if matrix else coverage(ds, lang.value)
    title = f"Data in {ds.root} — {len(ds.region_codes)} regions, {len(ds.indicators)} indicators"
    cols = None if matrix else ("indicator", "unit", "period", "coverage", "sources", "missing")
    if ds.level == "sigungu" and not matrix:
        cols = ("indicator", "unit", "period", "coverage", "inherited", "sources")
    _emit(_rows(rows, fmt, title, cols), output)


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
    from siting.catalog import evidence
    from siting.dataset import load_dataset

    ds = load_dataset(_STATE["data"], level=str(level or "sido"))
    rows = evidence(ds, query, lang.value)
    cols = (
        ("source", "publisher", "date", "kind", "cited_by")
        if query is None
        else ("region", "indicator", "period", "value", "unit", "source", "quote")
    )
    _emit(_rows(rows, fmt, f"Evidence: {query or 'all sources'} ({len(rows)} rows)", cols), output)


def _rows(
    rows: list[dict[str, Any]], fmt: Fmt, title: str, table_columns: tuple[str, ...] | None = None
) -> Any:
    from siting.render import rich_table, to_csv, to_json, to_markdown

    if fmt is Fmt.json:
        return to_json(rows)
    if fmt is Fmt.csv:
        return to_csv(rows)
    if fmt is Fmt.markdown:
        return f"## {title}\n\n" + to_markdown(rows)
    cols = list(table_columns or (rows[0].keys() if rows else []))
    return rich_table(rows, cols, title=title)


def main() -> None:
    """Entry point: run the app, turning known errors into one message and exit code 2."""
    from siting._term import escape_controls

    debug = "--debug" in sys.argv
    try:
        app()
    except SitingError as exc:
        if debug:
            raise
        typer.echo(f"error: {escape_controls(exc.format())}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:  # e.g. `siting rank | head -1`
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        sys.exit(0)
    except (Exception, RecursionError, MemoryError) as exc:
        if debug:
            raise
        text = escape_controls(str(exc))[:300]
        typer.echo(
            f"error: unexpected {type(exc).__name__}: {text}\n"
            "  fix: run again with --debug for a traceback, and report it with the input "
            "that caused it",
            err=True,
        )
        sys.exit(2)


# Commands that live in their own modules register themselves on ``app`` when imported.
from siting import (  # noqa: E402
    _cli_analysis,  # noqa: F401
    _cli_backtest,  # noqa: F401
    _cli_export,  # noqa: F401
    _cli_map,  # noqa: F401
)
