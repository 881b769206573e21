"""``siting map`` (registered on the main app)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from siting import api
from siting._errors import SitingError
from siting._io import check_output_path, is_stdout
from siting._term import escape_controls
from siting.cli._app import Lang, LangOpt, LevelOpt, OutputOpt, ScenarioOpt, app, state
from siting.data.levels import Level
from siting.outputs import maps

__all__ = ["map_command"]


_TILE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9._~/{}@,;=&?%+-]*")
_PROVIDER = re.compile(r"[A-Za-z][A-Za-z0-9 ._-]{0,60}")


def check_tiles(tiles: str) -> str:
    """Accept ``none``, a provider name, or an http(s) URL template with {z}, {x} and {y}."""
    value = tiles.strip()
    if value.lower() == "none" or ("://" not in value and _PROVIDER.fullmatch(value)):
        return value
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in value]
    if not _TILE_URL.fullmatch(value) or missing or re.search(r"\{(?![zxys]\}|r\})", value):
        why = f"missing {', '.join(missing)}" if missing else "not an http(s) URL template"
        raise SitingError(
            f"--tiles {escape_controls(value)[:120]!r} is {why}",
            key="--tiles",
            fix="use none, a provider name such as 'OpenStreetMap', or an URL like "
            "https://tile.example.org/{z}/{x}/{y}.png (no spaces, quotes or angle brackets)",
        )
    return value


def _default_output(name: str) -> Path:
    safe = re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE).strip("-.") or "map"
    return Path("maps") / f"{safe}.html"


@app.command("map")
def map_command(
    scenario: ScenarioOpt = "base",
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    tiles: Annotated[
        str,
        typer.Option(
            "--tiles",
            help="Base map: none (default, works offline), a provider name such as "
            "'OpenStreetMap' or 'CartoDB positron', or an URL template with {z}/{x}/{y}.",
        ),
    ] = "none",
    png: Annotated[
        Path | None,
        typer.Option("--png", help="Also save a PNG screenshot of the map (needs Chromium)."),
    ] = None,
    level: LevelOpt = None,
    sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity",
            help="Add a layer 'P(top 3)': how often each region ranks in the top 3 when the "
            "weights are sampled around the scenario's (as in `siting sensitivity`).",
        ),
    ] = False,
    samples: Annotated[
        int,
        typer.Option("--samples", "-n", min=1, help="Weight samples for --sensitivity."),
    ] = 10_000,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, help="Random seed for --sensitivity (same seed, same map)."),
    ] = 0,
) -> None:
    """Draw the ranking as one self-contained interactive HTML map (works offline).

    Choropleth of the score with a legend, a ranked table, and a card per region explaining
    each criterion's contribution with its source. At --level sigungu: 229 units under the 시도
    outlines, the top 10 named, inherited province values marked in the cards. Default
    output: maps/<scenario>.html (maps/<scenario>-sigungu.html at 시군구 level).

    Examples: siting map · siting map -s power-first -o maps/power.html --lang en ·
    siting map --png maps/base.png · siting map --level sigungu ·
    siting map --sensitivity --samples 20000 --seed 7
    """
    tiles = check_tiles(tiles)
    result = api.rank(scenario, level, state().data)
    extra = []
    if sensitivity:
        extra.append(maps.robustness_layer(result, samples, seed, lang=lang.value))
    page = api.build_map(
        [result],
        lang=lang.value,
        tiles=None if tiles == "none" else tiles,
        extra_layers=extra,
    )
    name = result.scenario.name or Path(scenario).stem
    if result.dataset.level == Level.SIGUNGU:
        name += "-sigungu"
    out = output or _default_output(name)
    if png is not None and is_stdout(out):
        raise SitingError(
            "--png needs the map in a file, not on standard output",
            key="--png",
            fix="give -o a file name, e.g. -o maps/base.html",
        )
    if png is not None and not is_stdout(png):
        check_output_path(png)
    api.save_map(page, out)
    if not is_stdout(out):
        typer.echo(f"wrote {out} ({len(page.encode('utf-8')) / 1e6:.2f} MB)", err=True)
    if png is not None:
        maps.render_png(out, png)
        if not is_stdout(png):
            typer.echo(f"wrote {png}", err=True)
