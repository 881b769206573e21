"""Export a scoring result for GIS and spreadsheets: GeoPackage, Excel workbook, GeoJSON.

All three carry one row per region in rank order with the same fields (see
:func:`region_records`), geometry in EPSG:4326 as stored in the boundary layers (the same
polygons as ``siting map``: ``boundaries/sido.geojson`` or ``sigungu/units.geojson``).
Files are written atomically (:func:`siting._io.atomic_write`) and deterministically: the
same result gives byte-identical files. Timestamps inside the files (GeoPackage
``last_change`` / ``update_time``, workbook properties and zip entries) are a constant
derived from the data vintage (:func:`stamp`), never the clock.

Per-criterion columns are named by criterion id: ``<id>__raw`` (value in the indicator's
unit, empty when missing), ``<id>__value`` (0-1 after the value function, the filled score
when imputed), ``<id>__points`` (contribution, 100 * weight * value) and, at 시군구 level,
``<id>__inherited`` (the raw value is the province's).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting._errors import SitingError
from siting._io import atomic_write
from siting.outputs import qgis_style
from siting.outputs.export_records import (
    CRS,
    GPKG_TIME,
    _num,
    criteria_records,
    region_records,
    run_records,
    scenario_yaml,
    source_records,
    stamp,
)
from siting.outputs.export_xlsx import write_workbook
from siting.outputs.maps import load_boundaries

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.engine.result import Result

__all__ = [
    "FORMATS",
    "LAYER",
    "criteria_records",
    "export",
    "export_geojson",
    "export_geopackage",
    "export_workbook",
    "format_for",
    "region_records",
    "run_records",
    "scenario_yaml",
    "source_records",
    "stamp",
]

FORMATS: dict[str, tuple[str, ...]] = {
    "gpkg": (".gpkg",),
    "xlsx": (".xlsx",),
    "geojson": (".geojson", ".json"),
}
LAYER = "regions"  # the feature table of the GeoPackage


# ============================================================================ geometry
def _geometries(result: Result) -> dict[str, dict[str, Any]]:
    """GeoJSON geometry per region code, from the layer ``siting map`` draws."""
    fc = load_boundaries(result.dataset)
    geoms = {str(f["properties"]["code"]): f["geometry"] for f in fc["features"]}
    missing = [c for c in result.regions if c not in geoms]
    if missing:
        raise SitingError(
            f"the boundary layer has no polygon for region(s) {', '.join(missing[:10])}",
            fix="rebuild the boundary layer (scripts/build_boundaries.py or build_sigungu.py)",
        )
    return geoms


def _frame(result: Result) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import shape

    geoms = _geometries(result)
    recs = region_records(result)
    df = pd.DataFrame(recs)
    df["rank"] = pd.array([r["rank"] for r in recs], dtype="Int64")
    return gpd.GeoDataFrame(
        df, geometry=[shape(geoms[r["code"]]) for r in recs], crs=CRS
    ).reset_index(drop=True)


# ============================================================================ GeoPackage
def _sql_type(values: list[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {bool, int}:
        return "INTEGER"
    if kinds <= {bool, int, float}:
        return "REAL"
    return "TEXT"


def _attributes_table(
    con: sqlite3.Connection, name: str, rows: list[dict[str, Any]], when: str, desc: str
) -> None:
    """Create a GeoPackage attributes (non-spatial) table and register it in gpkg_contents."""
    cols = list(rows[0])
    defs = ", ".join(f'"{c}" {_sql_type([r[c] for r in rows])}' for c in cols)
    con.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {defs})')
    marks = ", ".join("?" for _ in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    con.executemany(
        f'INSERT INTO "{name}" ({names}) VALUES ({marks})', [tuple(r.values()) for r in rows]
    )
    _register(con, name, when, desc)


def _register(con: sqlite3.Connection, name: str, when: str, desc: str) -> None:
    con.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)"
        " VALUES (?, 'attributes', ?, ?, ?)",
        (name, name, desc, when),
    )


_LAYER_STYLES = (
    "CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),"
    " f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),"
    " styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT,"
    " owner TEXT(30), ui TEXT(30), update_time DATETIME)"
)


def _style_table(con: sqlite3.Connection, result: Result, when: str) -> None:
    """The QGIS ``layer_styles`` table with the default style of the feature layer."""
    geom_col = con.execute(
        "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (LAYER,)
    ).fetchone()[0]
    scores = [s for s in (_num(x) for x in result.score[result.included]) if s is not None]
    name = f"siting score ({result.scenario.name or 'scenario'})"
    con.execute(_LAYER_STYLES)
    con.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,"
        " f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner,"
        " ui, update_time) VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL, ?)",
        (
            LAYER,
            geom_col,
            name[:30],
            qgis_style.qml(scores),
            qgis_style.sld(scores, LAYER),
            f"Graduated fill on score, equal intervals; run hash {result.hash}",
            when,
        ),
    )
    _register(con, "layer_styles", when, "QGIS layer styles")


def _finish_gpkg(path: Path, result: Result, command: str | None) -> None:
    when = stamp(result.dataset.vintage).strftime(GPKG_TIME)
    con = sqlite3.connect(path)
    try:
        with con:
            _attributes_table(
                con, "siting_criteria", criteria_records(result), when, "criteria and weights"
            )
            run = [{"key": k, "value": v} for k, v in run_records(result, command)]
            run.append({"key": "scenario_yaml", "value": scenario_yaml(result)})
            _attributes_table(con, "siting_run", run, when, "run hash, data vintage, scenario")
            _style_table(con, result, when)
            con.execute("UPDATE gpkg_contents SET last_change = ?", (when,))
        con.execute("VACUUM")
    finally:
        con.close()


def export_geopackage(
    result: Result, path: str | os.PathLike[str], command: str | None = None
) -> Path:
    """Write the ranking as a styled GeoPackage: layer ``regions`` (EPSG:4326, MultiPolygon)
    with :func:`region_records` fields, tables ``siting_criteria`` and ``siting_run``, and a
    default QGIS style in ``layer_styles``."""
    import pyogrio

    gdf = _frame(result)
    with tempfile.TemporaryDirectory(prefix="siting-export-") as tmp:
        tmp_path = Path(tmp) / "out.gpkg"
        pyogrio.write_dataframe(
            gdf,
            tmp_path,
            layer=LAYER,
            driver="GPKG",
            promote_to_multi=True,
            layer_options={"IDENTIFIER": f"siting {result.scenario.name or ''}".strip()},
        )
        _finish_gpkg(tmp_path, result, command)
        payload = tmp_path.read_bytes()
    return atomic_write(path, payload)


# ============================================================================ GeoJSON
def export_geojson(
    result: Result, path: str | os.PathLike[str], command: str | None = None
) -> Path:
    """Write a GeoJSON FeatureCollection (EPSG:4326) with the same properties; the run
    identification goes in a top-level ``siting`` member."""
    geoms = _geometries(result)
    features = [
        {"type": "Feature", "id": r["code"], "properties": r, "geometry": geoms[r["code"]]}
        for r in region_records(result)
    ]
    fc = {
        "type": "FeatureCollection",
        "name": LAYER,
        "siting": dict(run_records(result, command)),
        "features": features,
    }
    text = json.dumps(fc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return atomic_write(path, text + "\n")


# ============================================================================ dispatch
def export_workbook(
    result: Result, path: str | os.PathLike[str], command: str | None = None
) -> Path:
    """Write the Excel workbook (see :mod:`siting.outputs.export_xlsx`)."""
    return write_workbook(result, path, command)


_WRITERS = {"gpkg": export_geopackage, "xlsx": export_workbook, "geojson": export_geojson}


def format_for(path: str | os.PathLike[str] | None, fmt: str | None) -> str:
    """The export format: ``fmt`` if given (it must agree with a known extension of ``path``),
    else the extension of ``path``, else ``gpkg``."""
    suffix = Path(path).suffix.lower() if path is not None else ""
    by_ext = next((f for f, exts in FORMATS.items() if suffix in exts), None)
    if fmt is not None:
        if fmt not in FORMATS:
            raise SitingError(
                f"unknown export format {fmt!r}", fix=f"use one of {', '.join(FORMATS)}"
            )
        if by_ext is not None and by_ext != fmt:
            raise SitingError(
                f"--format {fmt} does not match the file extension {suffix!r}",
                file=str(path),
                fix=f"name the file *{FORMATS[fmt][0]} or drop --format",
            )
        return fmt
    if by_ext is not None:
        return by_ext
    if path is None:
        return "gpkg"
    raise SitingError(
        f"cannot tell the export format from the extension {suffix or '(none)'!r}",
        file=str(path),
        fix="name the file *.gpkg, *.xlsx or *.geojson, or give --format",
    )


def export(
    result: Result,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    command: str | None = None,
) -> Path:
    """Write ``result`` to ``path`` in ``fmt`` (default: from the extension)."""
    return _WRITERS[format_for(path, fmt)](result, path, command)
