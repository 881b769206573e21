"""Boundary layers: validity, no seams, inhabited islands, nesting, fidelity, determinism."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import shapely

from siting.data.boundaries import load_full, load_map_layer, map_layer_path

REPO = Path(__file__).resolve().parents[1]
METRIC = "EPSG:5179"
EXPECTED_SIDO = {
    "11",
    "26",
    "27",
    "28",
    "29",
    "30",
    "31",
    "36",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "47",
    "48",
    "50",
}


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_boundaries", REPO / "scripts" / "build_boundaries.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look the module up while it is executed
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def sido():
    return load_map_layer("sido")


@pytest.fixture(scope="module")
def sigungu():
    return load_map_layer("sigungu")


def test_17_sido_with_expected_codes(sido) -> None:
    assert set(sido["code"]) == EXPECTED_SIDO
    assert sido["code"].is_unique


def test_every_geometry_is_valid(sido, sigungu) -> None:
    assert shapely.is_valid(sido.geometry.values).all()
    assert shapely.is_valid(sigungu.geometry.values).all()
    assert shapely.is_valid(load_full("sido").geometry.values).all()
    assert shapely.is_valid(load_full("sigungu").geometry.values).all()


def test_no_seams_the_union_has_only_real_holes(sido) -> None:
    """Every hole of the dissolved map layer is a hole (water) of the source outline too."""
    union = shapely.union_all(sido.to_crs(METRIC).geometry.values)
    holes = [shapely.Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
    source = shapely.union_all(load_full("sido").to_crs(METRIC).geometry.values)
    source_holes = [shapely.Polygon(r) for p in shapely.get_parts(source) for r in p.interiors]
    big_source = [h for h in source_holes if h.area >= 0.5e6]
    tree = shapely.STRtree(big_source)
    for hole in holes:
        assert hole.area >= 0.5e6, f"a seam-like hole of {hole.area:.0f} m² is left"
        assert len(tree.query(hole, predicate="intersects")), "hole not in the source outline"
    # and the source really has seams that the build removed (so the test can fail)
    assert sum(h.area < 0.5e6 for h in source_holes) > 100


def test_inhabited_islands_are_kept(sido) -> None:
    keep = _build_module().KEEP_ISLANDS
    union = shapely.union_all(sido.to_crs(METRIC).geometry.values)
    import geopandas as gpd

    pts = gpd.GeoSeries(
        gpd.points_from_xy([k[1] for k in keep], [k[2] for k in keep]), crs="EPSG:4326"
    ).to_crs(METRIC)
    for (name, *_), pt in zip(keep, pts, strict=True):
        assert union.contains(pt), f"{name} is missing from the map layer"
    names = {k[0] for k in keep}
    assert {"울릉도", "독도 동도", "제주도", "마라도", "흑산도", "백령도"} <= names


def test_each_sigungu_nests_in_exactly_one_sido(sido, sigungu) -> None:
    tree = shapely.STRtree(sido.geometry.values)
    for row in sigungu.itertuples():
        pt = row.geometry.representative_point()
        hits = [sido["code"].iloc[i] for i in tree.query(pt, predicate="within")]
        assert hits == [row.sido_code], (row.code, row.name_ko, hits)
        assert row.code.startswith(row.sido_code)


def test_map_layer_stays_close_to_full_resolution(sido) -> None:
    full = load_full("sido").set_index("code").to_crs(METRIC)
    simple = sido.set_index("code").to_crs(METRIC)
    for code in EXPECTED_SIDO:
        a, b = full.geometry[code], simple.geometry[code]
        diff = shapely.symmetric_difference(a, b, grid_size=1.0)  # 1 m grid: robust overlay
        assert diff.area / a.area < 0.03, code


def test_gunwi_belongs_to_daegu(sigungu) -> None:
    row = sigungu[sigungu["name_ko"] == "군위군"]
    assert list(row["sido_code"]) == ["27"]


def test_committed_files_are_compact_geojson(sido) -> None:
    for level, limit in (("sido", 1.0e6), ("sigungu", 2.5e6)):
        path = map_layer_path(level)
        assert path.stat().st_size <= limit
        data = json.loads(path.read_text(encoding="utf-8"))
        coords = json.dumps(data["features"][0]["geometry"]["coordinates"])
        decimals = max(
            len(x.split(".")[1])
            for x in coords.replace("[", "").replace("]", "").split(",")
            if "." in x
        )
        assert decimals <= 4
        assert set(data["features"][0]["properties"]) == {"code", "sido_code", "name_ko"}


@pytest.mark.slow
def test_build_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    mod = _build_module()
    first = mod.build()
    second = mod.build()
    assert first == second
    assert set(first) == {"sido", "sigungu"}
    for level, blob in first.items():
        assert map_layer_path(level).read_bytes() == blob, f"{level}: rerun the build script"
