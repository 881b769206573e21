"""``siting compare`` and ``siting sensitivity`` (registered on the main app)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from siting import api
from siting._errors import SitingError
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
from siting.outputs import maps, tables


@app.command()
def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Two or more scenario names or YAML paths; the first is the reference."
        ),
    ],
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    top_k: Annotated[int, typer.Option("--top-k", min=1, help="Size of the top-k overlap.")] = 3,
    movers: Annotated[
        int, typer.Option("--movers", min=0, help="How many biggest movers to list.")
    ] = 5,
    map_file: Annotated[
        Path | None,
        typer.Option("--map", help="Also write a comparison map (HTML, works offline)."),
    ] = None,
    level: LevelOpt = None,
) -> None:
    """Compare how regions rank under several scenarios: ranks and scores side by side, rank
    changes, top-k overlap, Kendall tau, Spearman rho, weighted Spearman and WS similarity, and
    the biggest movers with the criteria that moved them.

    Examples: siting compare base power-first · siting compare base power-first
    talent-and-research -f markdown · siting compare base balanced-development --map maps/cmp.html
    """
    cmp = api.compare_scenarios(scenarios, level, state().data, top_k=top_k, movers=movers)
    if map_file is not None:
        maps.write_comparison_map(cmp, map_file, lang=lang.value)
        typer.echo(f"wrote {map_file}", err=True)
    _emit(tables.render_compare(cmp, fmt.value, lang.value), output)


def _parse_bounds(items: list[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for item in items:
        try:
            name, rng = item.split("=", 1)
            lo, hi = (
                float(x.rstrip("%")) / (100 if x.endswith("%") else 1) for x in rng.split(":")
            )
        except ValueError:
            raise SitingError(
                f"cannot read bounds {item!r}",
                key="--bounds",
                fix="write CRITERION=LO:HI as fractions or percents, "
                "e.g. grdp=0.05:0.2 or grdp=5%:20%",
            ) from None
        out[name.strip()] = (lo, hi)
    return out


@app.command()
def sensitivity(
    scenario: ScenarioOpt = "base",
    samples: Annotated[
        int, typer.Option("--samples", "-n", min=1, help="Number of weight samples.")
    ] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed (same seed, same output).")
    ] = 0,
    concentration: Annotated[
        float,
        typer.Option(
            "--concentration",
            "-c",
            min=0.0,
            help="Dirichlet concentration around the scenario's weights (larger = closer to them).",
        ),
    ] = 100.0,
    uniform: Annotated[
        bool, typer.Option("--uniform", help="Sample uniformly over all weight vectors instead.")
    ] = False,
    bounds: Annotated[
        list[str] | None,
        typer.Option("--bounds", help="Per-criterion weight bounds, CRITERION=LO:HI (repeatable)."),
    ] = None,
    fmt: FormatOpt = Fmt.table,
    acceptability: Annotated[
        bool,
        typer.Option(
            "--acceptability/--no-acceptability",
            help="Include the full rank-acceptability matrix (json/csv).",
        ),
    ] = True,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    level: LevelOpt = None,
    max_memory: Annotated[
        str | None,
        typer.Option(
            "--max-memory",
            help="Refuse runs estimated above this much memory, e.g. 8GB "
            "(default: 4 GiB or 80 % of RAM, whichever is less). Samples are streamed.",
        ),
    ] = None,
) -> None:
    """How robust is the ranking to the weights? Monte Carlo over weights (P(rank 1), P(top 3),
    median rank and 90 % interval per region) and one-at-a-time tipping points (the weight range
    in which the top region and the top-3 set stay the same, and who takes over beyond it).

    Examples: siting sensitivity · siting sensitivity -s power-first --samples 50000 --seed 7 ·
    siting sensitivity --uniform -f json -o robustness.json
    """
    result = api.rank(scenario, level, state().data)
    bnds = _parse_bounds(bounds or [])
    limit = _parse_bytes(max_memory) if max_memory is not None else None
    bar = _LazyProgress(samples, "sampling weights")
    tip = _LazyProgress(len(result.criteria), "tipping points")
    try:
        res = api.sensitivity(
            result,
            samples,
            seed,
            None if uniform else concentration,
            bnds,
            memory_limit=limit,
            progress=bar,
            tipping_progress=lambda k: (bar.close(), tip(k)),
        )
    finally:
        bar.close()
        tip.close()
    _emit(tables.render_sensitivity(res, fmt.value, lang.value, acceptability), output)


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS.update({"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40})
_UNITS.update({"k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12})  # 8G as 8GB


def _parse_bytes(text: str) -> int:
    """'8GB', '512MiB', '2e9' -> bytes."""
    s = text.strip().lower().replace(" ", "")
    num = s.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = s[len(num) :]
    try:
        value = float(num) * _UNITS[unit]
    except (ValueError, KeyError):
        value = -1.0
    if not (0 < value < 2**62):
        raise SitingError(
            f"cannot read --max-memory {text!r}",
            key="--max-memory",
            fix="give a positive size such as 8GB, 512MB or 2GiB",
        )
    return int(value)


class _LazyProgress:
    """A progress bar on stderr (rich) that appears only once the run has taken about a second
    and only when stderr is a terminal; called with the number of samples just done."""

    def __init__(self, total: int, label: str, delay: float = 1.0) -> None:
        self._clock = time.monotonic
        self.total, self.label, self.delay = total, label, delay
        self.enabled = sys.stderr.isatty()
        self.start = self._clock()
        self.done = 0
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, k: int) -> None:
        self.done += k
        if not self.enabled:
            return
        if self.bar is None:
            if self._clock() - self.start < self.delay:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total, completed=self.done)
        else:
            self.bar.update(self.task, completed=self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
            self.enabled = False
