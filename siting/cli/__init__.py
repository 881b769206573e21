"""The ``siting`` command line: thin commands over the library (one module per command group).

Each command parses its arguments, calls one library function (:mod:`siting.api`) and renders
the result (:mod:`siting.outputs.tables`). The library runs only when a command does (see
:mod:`siting.cli._lazy`), so ``siting --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import sys

import typer

from siting.cli import _lazy

_lazy.defer()  # before the command modules import the library

from siting._errors import SitingError  # noqa: E402
from siting._runtime import claim_interpreter  # noqa: E402
from siting._term import escape_controls  # noqa: E402
from siting.cli import analysis, backtest, core, export, map  # noqa: E402, F401  (commands)
from siting.cli._app import app  # noqa: E402

# the order of `siting --help`: the main job first, then data, analyses and outputs
ORDER = [
    "rank",
    "explain",
    "validate",
    "schema",
    "data",
    "sources",
    "compare",
    "sensitivity",
    "backtest",
    "fit-weights",
    "export",
    "map",
]


def _command_name(cmd) -> str:  # type: ignore[no-untyped-def]
    return cmd.name or cmd.callback.__name__.replace("_", "-")


app.registered_commands.sort(key=lambda c: ORDER.index(_command_name(c)))

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: run the app, turning known errors into one message and exit code 2."""
    debug = "--debug" in sys.argv
    claim_interpreter()
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
