"""Derived map values stored beside the boundary layers (siting.data.shapes): they reproduce,
equal what a map would compute, and are ignored (and reported) when stale."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

import pytest

from siting.analysis.validate import check_boundary_files
from siting.data.shapes import read_shapes, shapes_path, shapes_problems
from siting.outputs import map_geometry as mg

from .conftest import DATA, REPO

SIDO = DATA / "boundaries" / "sido.geojson"
UNITS = DATA / "sigungu" / "units.geojson"


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_boundaries", REPO / "scripts" / "build_boundaries.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _ds(root: Path, level: str) -> SimpleNamespace:
    return SimpleNamespace(root=root, level=level)


def _codes(layer: Path) -> list[str]:
    fc = json.loads(layer.read_text(encoding="utf-8"))
    return [f["properties"]["code"] for f in fc["features"]]


def _computed(ds, codes):
    """What the map computes without a shapes file (JSON round trip, as the cache returns)."""
    fc = mg.load_boundaries(ds)
    return json.loads(json.dumps(asdict(mg._prepare_shapes(fc, codes))))


def test_committed_shapes_reproduce(capsys) -> None:
    """`build_boundaries.py --shapes --check`: the committed files equal a fresh computation."""
    assert _build_module().main(["--shapes", "--check"]) == 0, capsys.readouterr().out
    for layer in (SIDO, UNITS):
        assert read_shapes(layer) is not None, f"{shapes_path(layer)} is stale or missing"


@pytest.mark.parametrize(("level", "layer"), [("sido", SIDO), ("sigungu", UNITS)])
def test_precomputed_shapes_equal_the_computed_ones(level, layer, monkeypatch) -> None:
    ds = _ds(DATA, level)
    codes = _codes(layer)
    for subset in (codes, codes[::3]):  # a subset: its overall bounds are its own
        want = _computed(ds, subset)
        with monkeypatch.context() as m:  # the stored values are used: no layer is read
            m.setattr(mg, "load_boundaries", lambda *a: pytest.fail("layer read"))
            got = asdict(mg.map_shapes(ds, subset))
        assert got == want


def test_precomputed_outlines_equal_the_computed_ones(monkeypatch) -> None:
    ds = _ds(DATA, "sigungu")
    want = json.loads(json.dumps(mg._outline_lines(mg.load_outlines(ds))))
    assert mg.map_outlines(_ds(DATA, "sido")) is None
    monkeypatch.setattr(mg, "load_outlines", lambda *a: pytest.fail("layer read"))
    got = mg.map_outlines(ds)
    assert got == want
    assert got["borders"] and got["coast"]
    assert mg.map_outlines(ds, False) is None


def test_user_folder_without_shapes_computes_them(tmp_path: Path) -> None:
    (tmp_path / "boundaries").mkdir()
    shutil.copy(SIDO, tmp_path / "boundaries" / "sido.geojson")
    ds = _ds(tmp_path, "sido")
    codes = _codes(SIDO)
    assert asdict(mg.map_shapes(ds, codes)) == asdict(mg.map_shapes(_ds(DATA, "sido"), codes))
    assert shapes_problems(tmp_path) == []  # a user's folder may go without


def _copy_with_shapes(tmp_path: Path) -> Path:
    (tmp_path / "boundaries").mkdir()
    layer = tmp_path / "boundaries" / "sido.geojson"
    shutil.copy(SIDO, layer)
    shutil.copy(shapes_path(SIDO), shapes_path(layer))
    assert shapes_problems(tmp_path) == []
    return layer


def test_stale_shapes_are_ignored_and_reported(tmp_path: Path) -> None:
    layer = _copy_with_shapes(tmp_path)
    fc = json.loads(layer.read_text(encoding="utf-8"))
    fc["features"] = [f for f in fc["features"] if f["properties"]["code"] != "50"]
    layer.write_text(json.dumps(fc), encoding="utf-8")
    assert read_shapes(layer) is None
    codes = [c for c in _codes(SIDO) if c != "50"]
    got = asdict(mg.map_shapes(_ds(tmp_path, "sido"), codes))
    assert "50" not in got["label"]
    assert got == _computed(_ds(tmp_path, "sido"), codes)
    (problem,) = shapes_problems(tmp_path)
    assert "stale" in problem.message and problem.severity == "warning"  # maps compute
    assert "build_boundaries.py --shapes" in problem.fix
    assert [p.message for p in check_boundary_files(tmp_path)] == [problem.message]


def test_region_without_label_point_is_reported(tmp_path: Path) -> None:
    layer = _copy_with_shapes(tmp_path)
    path = shapes_path(layer)
    pre = json.loads(path.read_text(encoding="utf-8"))
    del pre["regions"]["11"]["label"]
    del pre["regions"]["26"]
    del pre["outlines"]
    path.write_text(json.dumps(pre), encoding="utf-8")
    msgs = sorted(p.message for p in shapes_problems(tmp_path))
    assert msgs == [
        "region 11 has no label point",
        "region 26 has no values",
        "the 시도 outlines are missing",
    ]


def test_bundled_data_has_consistent_shapes() -> None:
    assert shapes_problems(DATA) == []


def test_incomplete_shapes_file_is_not_used(tmp_path: Path) -> None:
    """A hand-edited file whose stamp still matches: the map computes what it lacks."""
    layer = _copy_with_shapes(tmp_path)
    path = shapes_path(layer)
    pre = json.loads(path.read_text(encoding="utf-8"))
    del pre["regions"]["11"]["focus"]
    pre["outlines"] = {"borders": []}
    path.write_text(json.dumps(pre), encoding="utf-8")
    ds = _ds(tmp_path, "sido")
    codes = _codes(SIDO)
    assert asdict(mg.map_shapes(ds, codes)) == _computed(ds, codes)
    units = tmp_path / "sigungu"
    units.mkdir()
    shutil.copy(UNITS, units / "units.geojson")
    got = mg.map_outlines(_ds(tmp_path, "sigungu"))
    assert got == mg.map_outlines(_ds(DATA, "sigungu"))


def test_build_refuses_a_layer_with_problems(tmp_path: Path, capsys) -> None:
    (tmp_path / "boundaries").mkdir()
    bow_tie = [[[127.0, 36.0], [127.1, 36.1], [127.1, 36.0], [127.0, 36.1], [127.0, 36.0]]]
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "11"},
                "geometry": {"type": "Polygon", "coordinates": bow_tie},
            }
        ],
    }
    (tmp_path / "boundaries" / "sido.geojson").write_text(json.dumps(fc), encoding="utf-8")
    assert _build_module().main(["--shapes", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "polygon is invalid" in err and "sido.geojson" in err
    assert not shapes_path(tmp_path / "boundaries" / "sido.geojson").exists()
