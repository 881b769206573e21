"""The shared parts of the command line: the typer app, option types, the run state (held in
typer's context, set by the root callback) and the output helper."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

try:  # typer >= 0.20 vendors click as typer._click; older versions use click itself
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import get_current_context

from siting import __version__
from siting._errors import SitingError
from siting._io import atomic_write, is_stdout
from siting._term import escape_controls, sanitize
from siting.data import cache
from siting.data.levels import Level

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


@dataclass(frozen=True)
class CliState:
    """What the root options set for one run (kept in the click context, not a global)."""

    data: Path | None = None
    debug: bool = False


def state() -> CliState:
    """The current run's :class:`CliState` (defaults outside a command, e.g. in tests)."""
    ctx = get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, CliState) else CliState()


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
    ctx: typer.Context,
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
        typer.echo(f"siting {__version__}")
        raise typer.Exit()
    ctx.obj = CliState(data=data, debug=debug)
    cache.set_enabled(not no_cache)
    _require_data_dir(data)


def _require_data_dir(data: Path | None) -> None:
    """A --data folder or $SITING_DATA that does not exist is the error, not what follows."""
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
