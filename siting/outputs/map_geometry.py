"""Boundary layers for the map: loading, and their derived values (delta-encoded geometry,
label points and focus bounds, 시도 outlines).

The derived values are computed when the layers are built (``scripts/build_boundaries.py``
writes ``<layer>.shapes.json`` beside each layer, see :mod:`siting.data.shapes`):
:func:`map_shapes` and :func:`map_outlines` read them without parsing the GeoJSON. When a
data folder has no such file, or it was computed from another version of the layer, or the
caller passes its own layer, the same values are computed here (and kept in the cache
folder, :func:`siting.data.cache.memo_json`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting._errors import SitingError
from siting._yaml import decode_text
from siting.data import boundaries
from siting.data.cache import memo_json
from siting.data.geometry import checked_layer
from siting.data.levels import Level
from siting.data.shapes import (
    _outline_lines,
    _prepare_shapes,
    _Shapes,
    assemble_shapes,
    read_shapes,
    usable,
)

if TYPE_CHECKING:
    from siting.data.dataset import Dataset


_LINES = ("borders", "coast")


def _is_sigungu(ds: Dataset | None) -> bool:
    return ds is not None and getattr(ds, "level", Level.SIDO) == Level.SIGUNGU


def boundary_layer_path(ds: Dataset | None = None) -> Path | None:
    """The GeoJSON file :func:`load_boundaries` reads for ``ds``: ``sigungu/units.geojson``
    of its data folder at 시군구 level; at 시도 level ``boundaries/sido.geojson`` of its data
    folder, else the bundled layer. None when that file does not exist."""
    if _is_sigungu(ds):
        p = Path(ds.root) / "sigungu" / "units.geojson"  # type: ignore[union-attr]
        return p if p.is_file() else None
    if ds is not None and (Path(ds.root) / "boundaries" / "sido.geojson").is_file():
        return Path(ds.root) / "boundaries" / "sido.geojson"
    path = boundaries.map_layer_path(Level.SIDO)
    return path if path.is_file() else None


def load_boundaries(ds: Dataset | None = None) -> dict[str, Any]:
    """The polygons of the regions of ``ds`` as a GeoJSON FeatureCollection (``code`` property).

    At 시군구 level (``ds.level == "sigungu"``): ``sigungu/units.geojson`` of the data folder
    (229 units, 일반구 merged; built by ``scripts/build_sigungu.py``).

    At 시도 level: ``boundaries/sido.geojson`` of the data folder of ``ds`` (checked), else the
    bundled layer of :func:`siting.data.boundaries.load_map_layer` (its GeoJSON file read
    directly, which keeps geopandas out of ``siting map``).
    """
    path = boundary_layer_path(ds)
    if _is_sigungu(ds):
        if path is not None:
            return _read_layer(path)
        raise SitingError(
            f"no 시군구 boundary layer found ({Path(ds.root) / 'sigungu' / 'units.geojson'})",  # type: ignore[union-attr]
            fix="build it with `python scripts/build_sigungu.py` (data/sigungu/units.geojson)",
        )
    if path is not None and ds is not None and path.parent.parent == Path(ds.root):
        return _read_layer(path)  # follows --data
    if path is not None:
        return json.loads(path.read_text(encoding="utf-8"))
    raise SitingError(
        f"no 시도 boundary layer found (boundary layer {boundaries.map_layer_path(Level.SIDO)} "
        "is missing; run `python scripts/build_boundaries.py`)",
        fix="build it with `python scripts/build_boundaries.py` (data/boundaries/sido.geojson)",
    )


def outline_layer_path(ds: Dataset | None) -> Path | None:
    """The GeoJSON file :func:`load_outlines` reads (None at 시도 level or when absent)."""
    if not _is_sigungu(ds):
        return None
    p = Path(ds.root) / "boundaries" / "sido.geojson"  # type: ignore[union-attr]
    return p if p.is_file() else boundary_layer_path(None)


def load_outlines(ds: Dataset | None) -> dict[str, Any] | None:
    """The 시도 polygons drawn as thin outlines over a 시군구 map (None at 시도 level, or
    when no 시도 layer exists): ``boundaries/sido.geojson`` of the data folder, else the
    bundled layer."""
    path = outline_layer_path(ds)
    if path is None:
        return None
    if path == Path(ds.root) / "boundaries" / "sido.geojson":  # type: ignore[union-attr]
        return _read_layer(path)
    return load_boundaries(None)


def map_shapes(ds: Dataset | None, codes: Sequence[str], boundaries: Any = None) -> _Shapes:
    """Encoded geometry, label points, focus bounds and overall bounds of the regions
    ``codes``: from the shapes file of the layer of ``ds`` when it matches the layer, else
    computed from ``boundaries`` (default :func:`load_boundaries`) and cached."""
    if boundaries is None:
        pre = read_shapes(boundary_layer_path(ds))
        if usable(pre, codes):
            return assemble_shapes(pre["regions"], codes)  # type: ignore[index]
    fc = _to_feature_collection(boundaries if boundaries is not None else load_boundaries(ds))
    return _Shapes(
        **memo_json("map-shapes", [fc, list(codes)], lambda: asdict(_prepare_shapes(fc, codes)))
    )


def map_outlines(ds: Dataset | None, outlines: Any = None) -> dict[str, list[list[int]]] | None:
    """The outline polylines drawn over the map (``borders``, ``coast``): the 시도 outlines
    on a 시군구 map by default (from the shapes file when it matches the layer), those of
    ``outlines`` when given, None at 시도 level or for ``outlines=False``."""
    if outlines is None:
        pre = read_shapes(outline_layer_path(ds))
        lines = pre.get("outlines") if pre is not None else None
        if isinstance(lines, dict) and all(isinstance(lines.get(k), list) for k in _LINES):
            return lines
        outlines = load_outlines(ds)
    if not outlines:
        return None
    ofc = _to_feature_collection(outlines)
    return memo_json("map-outlines", ofc, lambda: _outline_lines(ofc))


def _read_layer(path: Path) -> dict[str, Any]:
    """A boundary GeoJSON file, checked (see :func:`siting.data.geometry.checked_layer`)."""
    try:
        fc = json.loads(decode_text(path.read_bytes(), str(path)))
    except ValueError as exc:
        raise SitingError(f"not valid JSON ({exc})", file=str(path)) from exc
    return checked_layer(fc, str(path))


def _to_feature_collection(layer: Any) -> dict[str, Any]:
    if isinstance(layer, dict):
        return layer
    if hasattr(layer, "to_crs") and hasattr(layer, "geometry"):  # a GeoDataFrame
        gdf = layer
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        return json.loads(gdf.to_json(drop_id=True))
    if hasattr(layer, "__geo_interface__"):
        return dict(layer.__geo_interface__)
    raise SitingError(f"cannot use a boundary layer of type {type(layer).__name__}")
