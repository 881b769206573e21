"""`siting export`: GeoPackage, workbook and GeoJSON read back and checked against the Result."""

from __future__ import annotations

import json
import math
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest

from siting._errors import SitingError
from siting._paths import data_dir
from siting.data.dataset import load_dataset
from siting.engine.score import score
from siting.outputs.export import (
    LAYER,
    export,
    export_geojson,
    export_geopackage,
    export_workbook,
    format_for,
    stamp,
)
from siting.scenario.loading import load_scenario

from .conftest import DATA

gpd = pytest.importorskip("geopandas")
openpyxl = pytest.importorskip("openpyxl")

QGIS_STYLE_COLUMNS = {
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
}


# both levels; power-first excludes regions (NULL ranks), grid-impact-bands has ties
CASES = [
    ("sido", "base"),
    ("sigungu", "base"),
    ("sido", "power-first"),
    ("sigungu", "power-first"),
    ("sido", "grid-impact-bands"),
]


@pytest.fixture(scope="module", params=CASES, ids=["-".join(c) for c in CASES])
def result(request):
    level, name = request.param
    return score(load_dataset(DATA, level=level), load_scenario(name, DATA))


@pytest.fixture(scope="module")
def gpkg(result, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gpkg") / "out.gpkg"
    export_geopackage(result, path, command="siting export test")
    return path


@pytest.fixture(scope="module")
def xlsx(result, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "out.xlsx"
    export_workbook(result, path, command="siting export test")
    return path


def _close(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and abs(float(a) - float(b)) < 1e-9


# ------------------------------------------------------------------ GeoPackage
def test_geopackage_values_match_the_result(result, gpkg: Path) -> None:
    gdf = gpd.read_file(gpkg, layer=LAYER)
    assert len(gdf) == len(result.regions)
    assert gdf.crs.to_epsg() == 4326
    assert set(gdf.geom_type) == {"MultiPolygon"} and not gdf.geometry.is_empty.any()
    order = [result.regions[i] for i in result.order()]
    assert list(gdf["code"]) == order  # rank order, excluded last
    first = result.criteria[0].id
    contrib = result.contributions
    own = result.own_share
    for row in gdf.itertuples(index=False):
        i = result.index(row.code)
        assert _close(result.score[i], row.score)
        assert _close(result.base_score[i], row.base_score)
        expected_rank = int(result.rank[i]) if result.rank[i] > 0 else None
        assert _close(expected_rank, None if math.isnan(row.rank) else row.rank)
        assert bool(row.tied) == (bool(result.tied[i]) and result.rank[i] > 0)
        assert row.rank_label == result.rank_label(i)
        assert row.status == result.status(i)
        assert _close(100 * result.coverage[i], row.coverage_pct)
        assert _close(contrib[i, 0], getattr(row, f"{first}__points"))
        assert _close(result.transformed[i, 0], getattr(row, f"{first}__value"))
        assert _close(result.raw[i, 0], getattr(row, f"{first}__raw"))
        if result.by_units:
            assert _close(100 * own[i], row.own_pct)
            assert bool(getattr(row, f"{first}__inherited")) == bool(result.inherited[i, 0])
    assert ("own_pct" in gdf.columns) == result.by_units
    if result.by_units:  # some 시군구 values are the province's, some their own
        assert 0 < sum(gdf[f"{c.id}__inherited"].sum() for c in result.criteria) < gdf.size
    # WSM: a region's points add up to its base score
    if result.method == "wsm":
        pts = gdf[[f"{c.id}__points" for c in result.criteria]].sum(axis=1)
        ranked = gdf["rank"].notna()
        assert np.allclose(pts[ranked], gdf.loc[ranked, "base_score"])
    assert gdf["rank"].isna().sum() == (result.rank == 0).sum()
    assert gdf["tied"].sum() == (result.tied & (result.rank > 0)).sum()


def test_geopackage_carries_a_qgis_style(result, gpkg: Path) -> None:
    con = sqlite3.connect(gpkg)
    try:
        cols = {r[1] for r in con.execute("PRAGMA table_info(layer_styles)")}
        assert cols >= QGIS_STYLE_COLUMNS
        rows = con.execute(
            "SELECT f_table_name, f_geometry_column, styleQML, styleSLD, useAsDefault, "
            "update_time FROM layer_styles"
        ).fetchall()
        geom_col = con.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (LAYER,)
        ).fetchone()[0]
        kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents"))
    finally:
        con.close()
    assert len(rows) == 1
    table, geom, qml, sld, default, updated = rows[0]
    assert (table, geom, default) == (LAYER, geom_col, 1)
    assert updated.startswith(stamp(result.dataset.vintage).strftime("%Y-%m-%d"))
    renderer = ET.fromstring(qml).find("renderer-v2")
    assert renderer is not None and renderer.get("type") == "graduatedSymbol"
    assert renderer.get("attr") == "score"
    ranges = [(float(r.get("lower")), float(r.get("upper"))) for r in renderer.iter("range")]
    ranked = result.score[result.included]
    assert ranges[0][0] <= ranked.min() and ranges[-1][1] >= ranked.max()
    assert len(list(renderer.iter("symbol"))) == len(ranges)
    names = {e.text for e in ET.fromstring(sld).iter("{http://www.opengis.net/ogc}PropertyName")}
    assert names == {"score"}
    assert kinds == {
        LAYER: "features",
        "siting_criteria": "attributes",
        "siting_run": "attributes",
        "layer_styles": "attributes",
    }


def test_geopackage_tables_hold_scenario_hash_and_vintage(result, gpkg: Path) -> None:
    run = dict(gpd.read_file(gpkg, layer="siting_run")[["key", "value"]].itertuples(index=False))
    assert run["run_hash"] == result.hash
    assert run["data_vintage"] == result.dataset.vintage
    assert run["level"] == result.dataset.level
    assert f"run hash {result.hash}" in run["scenario_yaml"]
    crit = gpd.read_file(gpkg, layer="siting_criteria")
    assert list(crit["criterion"]) == [c.id for c in result.criteria]
    for row, c in zip(crit.itertuples(index=False), result.criteria, strict=True):
        assert _close(100 * c.weight, row.effective_pct)
        assert row.value_function == c.value_function.describe()
        assert row.rationale == (c.rationale or "").strip()


# ------------------------------------------------------------------ workbook
def test_workbook_sheets_and_values(result, xlsx: Path) -> None:
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == [
        "ranking",
        "contributions",
        "values",
        "weights",
        "scenario",
        "sources",
        "run info",
    ]
    ws = wb["ranking"]
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert ws.column_dimensions["C"].width > 8
    col = {name: k for k, name in enumerate(header)}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(result.regions)
    for r in rows:
        i = result.index(r[col["code"]])
        if result.rank[i] > 0:
            assert isinstance(r[col["score"]], int | float)  # a number, not text
            assert isinstance(r[col["rank"]], int)
        assert _close(result.score[i], r[col["score"]])
        assert (r[col["rank"]] or 0) == int(result.rank[i])
    contrib = wb["contributions"]
    chead = [c.value for c in contrib[1]]
    j = len(result.criteria) - 1
    last = result.criteria[j].id
    for r in contrib.iter_rows(min_row=2, values_only=True):
        i = result.index(r[0])
        assert _close(result.contributions[i, j], r[chead.index(last)])
    run = {k: v for k, v in wb["run info"].iter_rows(min_row=2, values_only=True)}
    assert run["run_hash"] == result.hash and run["data_vintage"] == result.dataset.vintage
    weights = list(wb["weights"].iter_rows(min_row=2, values_only=True))
    assert [w[0] for w in weights] == [c.id for c in result.criteria]
    yaml_text = "\n".join(r[0] or "" for r in wb["scenario"].iter_rows(min_row=2, values_only=True))
    assert f"run hash {result.hash}" in yaml_text and "criteria:" in yaml_text


def test_workbook_lists_every_source_with_url(result, xlsx: Path) -> None:
    ws = openpyxl.load_workbook(xlsx)["sources"]
    header = [c.value for c in ws[1]]
    assert {"source", "url", "tier", "via"} <= set(header)
    listed = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    used = {sid for c in result.criteria for sid in c.sources}
    assert used <= set(listed)
    ds = result.dataset
    for sid in used:
        src = ds.sources.get(sid) or (ds.parent.sources.get(sid) if ds.parent else None)
        if src is not None:
            assert listed[sid][header.index("url")] == (src.url or None)
            assert listed[sid][header.index("tier")] == src.tier


# ------------------------------------------------------------------ GeoJSON
def test_geojson_has_the_same_properties(result, gpkg: Path, tmp_path: Path) -> None:
    path = export_geojson(result, tmp_path / "x.geojson", command="siting export test")
    fc = json.loads(path.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and fc["siting"]["run_hash"] == result.hash
    gdf = gpd.read_file(gpkg, layer=LAYER)
    props = [f["properties"] for f in fc["features"]]
    assert [p["code"] for p in props] == list(gdf["code"])
    assert all(_close(p["score"], s) for p, s in zip(props, gdf["score"], strict=True))


# ------------------------------------------------------------------ determinism, atomicity
@pytest.mark.parametrize("fmt", ["gpkg", "xlsx", "geojson"])
def test_two_runs_are_byte_identical(result, tmp_path: Path, fmt: str) -> None:
    a = export(result, tmp_path / "a" / f"out.{fmt}", command="c")
    b = export(result, tmp_path / "b" / f"out.{fmt}", command="c")
    assert a.read_bytes() == b.read_bytes()
    if fmt == "xlsx":
        when = stamp(result.dataset.vintage).timetuple()[:6]
        with zipfile.ZipFile(a) as z:
            assert {i.date_time for i in z.infolist()} == {when}
            core = z.read("docProps/core.xml").decode()
        assert core.count(stamp(result.dataset.vintage).strftime("%Y-%m-%dT%H:%M:%SZ")) == 2


def test_a_failed_export_leaves_the_old_file(result, tmp_path: Path, monkeypatch) -> None:
    import siting.outputs.export as ex

    path = tmp_path / "keep.gpkg"
    path.write_bytes(b"old")

    def broken(_result):
        raise SitingError("boom")

    monkeypatch.setattr(ex, "_geometries", broken)
    with pytest.raises(SitingError):
        export_geopackage(result, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.gpkg"]


# ------------------------------------------------------------------ formula injection
INJECT_YAML = """\
extends: base
description: '=HYPERLINK("http://example.invalid","open")'
criteria:
  grdp:
    rationale: "@SUM(1+1)"
constraints:
  - kind: bonus
    id: injected
    reason: "=1+2 bonus reason"
    regions: [경북]
    points: 1
"""


def test_formula_payloads_stay_text(tmp_path: Path) -> None:
    yml = tmp_path / "inject.yaml"
    yml.write_text(INJECT_YAML, encoding="utf-8")
    res = score(load_dataset(DATA), load_scenario(yml, data_dir(DATA)))
    path = export_workbook(res, tmp_path / "inject.xlsx")
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    wb = openpyxl.load_workbook(path)
    cells = {
        c.value: c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }
    payloads = [
        '=HYPERLINK("http://example.invalid","open")',
        "@SUM(1+1)",
        "+1 points: =1+2 bonus reason",
    ]
    for p in payloads:
        assert p in cells, p
        assert cells[p].data_type == "s" and cells[p].quotePrefix, p


# ------------------------------------------------------------------ format and CLI
def test_format_comes_from_the_flag_or_the_extension() -> None:
    assert format_for("a.GPKG", None) == "gpkg"
    assert format_for("a.json", None) == "geojson"
    assert format_for(None, "xlsx") == "xlsx"
    assert format_for("a.out", "xlsx") == "xlsx"
    with pytest.raises(SitingError, match="does not match"):
        format_for("a.gpkg", "xlsx")
    with pytest.raises(SitingError, match="extension"):
        format_for("a.csv", None)


def test_cli_export_writes_each_format(run, tmp_path: Path) -> None:
    out = run("export", "-o", "o/base.xlsx")
    assert out.returncode == 0, out.stderr
    wb = openpyxl.load_workbook(tmp_path / "o" / "base.xlsx")
    run_info = dict(wb["run info"].iter_rows(min_row=2, values_only=True))
    assert run_info["command"] == "siting export -o o/base.xlsx"
    out = run("export", "-f", "geojson", "--level", "sigungu")
    assert out.returncode == 0, out.stderr
    fc = json.loads((tmp_path / "exports" / "base-sigungu.geojson").read_text(encoding="utf-8"))
    assert len(fc["features"]) == 229
    bad = run("export", "-f", "xlsx", "-o", "x.gpkg")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "does not match" in bad.stderr and not (tmp_path / "x.gpkg").exists()
    help_ = run("export", "--help")
    assert help_.returncode == 0 and "Examples" in help_.stdout
