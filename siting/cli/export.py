"""``siting export`` (registered on the main app)."""

from __future__ import annotations

import re
import shlex
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from siting import api
from siting.cli._app import LevelOpt, ScenarioOpt, app, state
from siting.data.levels import Level
from siting.outputs import export

__all__ = ["export_command"]


class ExportFmt(StrEnum):
    gpkg = "gpkg"
    xlsx = "xlsx"
    geojson = "geojson"


def _default_output(name: str, level: str, fmt: str) -> Path:
    safe = re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE).strip("-.") or "export"
    suffix = "-sigungu" if level == Level.SIGUNGU else ""
    ext = {"gpkg": ".gpkg", "xlsx": ".xlsx", "geojson": ".geojson"}[fmt]
    return Path("exports") / f"{safe}{suffix}{ext}"


@app.command("export")
def export_command(
    scenario: ScenarioOpt = "base",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (atomically); its extension (.gpkg, .xlsx, .geojson) sets the "
            "format. Default: exports/<scenario>[-sigungu].<ext>.",
        ),
    ] = None,
    fmt: Annotated[
        ExportFmt | None,
        typer.Option(
            "--format",
            "-f",
            help="gpkg (GeoPackage styled for QGIS), xlsx (Excel workbook) or geojson. "
            "Default: from the extension of -o, else gpkg.",
        ),
    ] = None,
    level: LevelOpt = None,
) -> None:
    """Export the ranking for QGIS or Excel: a styled GeoPackage, a workbook or GeoJSON.

    GeoPackage: layer 'regions' (EPSG:4326, the map's polygons) with code, names, score,
    rank, tied, base score, adjustment, coverage, own-value share (시군구), status, reasons and
    per criterion <id>__raw, <id>__value (0-1), <id>__points (and <id>__inherited at 시군구);
    tables siting_criteria and siting_run (weights, rationale, value functions, hash, data
    vintage, scenario YAML); a QGIS style in layer_styles. Workbook: sheets ranking,
    contributions, values, weights, scenario, sources, run info. Same inputs give
    byte-identical files.

    Examples: siting export -o exports/base.gpkg · siting export -s power-first -o power.xlsx ·
    siting export --level sigungu -f geojson · siting export -f xlsx --level sigungu
    """
    kind = export.format_for(output, fmt.value if fmt else None)
    result = api.rank(scenario, level, state().data)
    name = result.scenario.name or Path(scenario).stem
    out = output or _default_output(name, result.dataset.level, kind)
    command = shlex.join(["siting", *sys.argv[1:]])
    export.export(result, out, kind, command=command)
    size = out.stat().st_size
    typer.echo(
        f"wrote {out} ({kind}, {len(result.regions)} regions, {size / 1e6:.2f} MB)", err=True
    )
