"""Boundary layers for the map: loading, delta-encoded geometry, label points and focus
bounds, 시도 outlines (split from :mod:`siting.outputs.maps`; computed once and cached)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting._errors import SitingError

if TYPE_CHECKING:
    from siting.data.dataset import Dataset


def load_boundaries(ds: Dataset | None = None) -> dict[str, Any]:
    """The polygons of the regions of ``ds`` as a GeoJSON FeatureCollection (``code`` property).

    At 시군구 level (``ds.level == "sigungu"``): ``sigungu/units.geojson`` of the data folder
    (229 units, 일반구 merged; built by ``scripts/build_sigungu.py``).

    At 시도 level: the layer of :func:`siting.data.boundaries.load_map_layer` (its GeoJSON file is
    read directly, which keeps geopandas out of ``siting map``); when that layer is not built,
    ``boundaries/sido.geojson`` from the data folder of ``ds``.
    """
    if ds is not None and getattr(ds, "level", "sido") == "sigungu":
        p = Path(ds.root) / "sigungu" / "units.geojson"
        if p.is_file():
            return _read_layer(p)
        raise SitingError(
            f"no 시군구 boundary layer found ({p})",
            fix="build it with `python scripts/build_sigungu.py` (data/sigungu/units.geojson)",
        )
    if ds is not None and (Path(ds.root) / "boundaries" / "sido.geojson").is_file():
        return _read_layer(Path(ds.root) / "boundaries" / "sido.geojson")  # follows --data
    problem = ""
    try:
        from siting.data import boundaries
    except ImportError as exc:
        problem = str(exc)
    else:
        # fast path: the committed GeoJSON that load_map_layer parses, read without geopandas
        path_of = getattr(boundaries, "map_layer_path", None)
        path = path_of("sido") if path_of else None
        if path is not None and Path(path).is_file():
            return json.loads(Path(path).read_text(encoding="utf-8"))
        try:
            return _to_feature_collection(boundaries.load_map_layer("sido"))
        except FileNotFoundError as exc:
            problem = str(exc)
    if ds is not None:
        p = Path(ds.root) / "boundaries" / "sido.geojson"
        if p.is_file():
            return json.loads(p.read_text(encoding="utf-8"))
    raise SitingError(
        f"no 시도 boundary layer found ({problem})" if problem else "no 시도 boundary layer found",
        fix="build it with `python scripts/build_boundaries.py` (data/boundaries/sido.geojson)",
    )


def load_outlines(ds: Dataset | None) -> dict[str, Any] | None:
    """The 시도 polygons drawn as thin outlines over a 시군구 map (None at 시도 level, or
    when no 시도 layer exists): ``boundaries/sido.geojson`` of the data folder, else the
    bundled layer."""
    if ds is None or getattr(ds, "level", "sido") != "sigungu":
        return None
    p = Path(ds.root) / "boundaries" / "sido.geojson"
    if p.is_file():
        return _read_layer(p)
    try:
        return load_boundaries(None)
    except SitingError:
        return None


def _read_layer(path: Path) -> dict[str, Any]:
    """A boundary GeoJSON file, checked (see :func:`siting.data.geometry.checked_layer`)."""
    from siting._yaml import decode_text
    from siting.data.geometry import checked_layer

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


# Coordinates travel to the page as integers in units of 1e-4 degree (~10 m, the precision
# of the boundary layers), each ring as [x0, y0, dx1, dy1, ...]: a third of the size of
# GeoJSON text. The page's script decodes them (siting-map.js, decodeRing).
_SCALE = 10_000


def _ints(ring: Sequence[Sequence[float]]) -> Any:
    """A ring's (lon, lat) as an (n, 2) int64 array in units of 1e-4 degree."""
    import numpy as np

    a = np.asarray([p[:2] for p in ring], dtype=float).reshape(-1, 2)
    return np.rint(a * _SCALE).astype(np.int64)


def _delta(points: Any) -> list[int]:
    """[x0, y0, dx1, dy1, ...] of an (n, 2) integer array (or a list of pairs)."""
    import numpy as np

    pts = np.asarray(points, dtype=np.int64).reshape(-1, 2)
    return np.diff(pts, axis=0, prepend=np.zeros((1, 2), np.int64)).ravel().tolist()


def _encode_geometry(geom: Mapping[str, Any]) -> dict[str, Any]:
    """A Polygon/MultiPolygon as {type, enc: [[ring, ...] per polygon]} with delta rings."""
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    enc = []
    for poly in polys:
        rings = []
        for ring in poly:
            pts = _ints(ring)
            if len(pts) > 1:  # repeated points (from rounding) dropped
                keep = [True, *(pts[1:] != pts[:-1]).any(axis=1).tolist()]
                pts = pts[keep]
            if len(pts) >= 4:
                rings.append(_delta(pts))
        if rings:
            enc.append(rings)
    return {"type": geom["type"], "enc": enc}


def _outline_lines(fc: Mapping[str, Any]) -> dict[str, list[list[int]]]:
    """The 시도 outlines as delta-encoded polylines, each edge once: ``borders`` (shared by
    two 시도) and ``coast`` (edges of one 시도 only: coast and the country's edge)."""
    from collections import defaultdict

    import numpy as np

    segs = []  # every edge as (x0, y0, x1, y1), its end points in lexicographic order
    for f in fc.get("features", []):
        g = f.get("geometry")
        if not g or g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            for ring in poly:
                p = _ints(ring)
                a, b = p[:-1], p[1:]
                moved = (a != b).any(axis=1)
                a, b = a[moved], b[moved]
                swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
                lo = np.where(swap[:, None], b, a)
                hi = np.where(swap[:, None], a, b)
                segs.append(np.hstack([lo, hi]))
    if not segs:
        return {"borders": [], "coast": []}
    edges, count = np.unique(np.vstack(segs), axis=0, return_counts=True)
    out: dict[str, list[list[int]]] = {}
    for name, keep in (("borders", count >= 2), ("coast", count == 1)):
        adj: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for x0, y0, x1, y1 in edges[keep].tolist():
            a, b = (x0, y0), (x1, y1)
            adj[a].append(b)
            adj[b].append(a)
        for v in adj.values():
            v.sort()
        seen: set[tuple[tuple[int, int], tuple[int, int]]] = set()

        def walk(a: tuple[int, int], b: tuple[int, int], seen=seen, adj=adj) -> list:
            line = [a]
            while True:
                seen.add((a, b) if a < b else (b, a))
                line.append(b)
                if len(adj[b]) != 2:
                    return line
                nxt = [c for c in adj[b] if ((b, c) if b < c else (c, b)) not in seen]
                if not nxt:
                    return line
                a, b = b, nxt[0]

        lines = []
        nodes = sorted(adj)
        for start in [p for p in nodes if len(adj[p]) != 2] + nodes:
            for nb in adj[start]:
                if ((start, nb) if start < nb else (nb, start)) not in seen:
                    lines.append(_delta(walk(start, nb)))
        out[name] = lines
    return out


@dataclass
class _Shapes:
    geojson: dict[str, Any]  # FeatureCollection, id = region code, geometry {type, enc}
    label: dict[str, tuple[float, float]]  # code -> (lat, lon)
    focus: dict[str, list[list[float]]]  # code -> [[s, w], [n, e]]
    bounds: list[list[float]]


def _prepare_shapes(fc: Mapping[str, Any], codes: Sequence[str]) -> _Shapes:
    """Keep the regions in ``codes`` (joined on the region code), compute label points (pole of
    inaccessibility of the largest part) and focus bounds (parts >= 10 % of the largest)."""
    import shapely
    from shapely.geometry import shape
    from shapely.ops import polylabel

    by_code: dict[str, Any] = {}
    for f in fc.get("features", []):
        props = f.get("properties") or {}
        code = str(props.get("code") or props.get("sido_code") or f.get("id") or "")
        if code in codes and f.get("geometry"):
            by_code[code] = f["geometry"]
    missing = [c for c in codes if c not in by_code]
    if missing:
        raise SitingError(
            f"the boundary layer has no polygon for region(s) {', '.join(missing)}",
            fix="the boundary layer must carry the region codes in 'code' (시도: regions.csv; "
            "시군구: sigungu/units.csv)",
        )
    feats, label, focus = [], {}, {}
    allb = [math.inf, math.inf, -math.inf, -math.inf]
    for code in sorted(by_code):
        geom = shape(by_code[code])
        parts = list(getattr(geom, "geoms", [geom]))
        polys = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
        if not polys:
            raise SitingError(f"the boundary of region {code} has no polygon")
        # areas in (cos-lat corrected) degrees are fine for ranking parts of one region
        k = math.cos(math.radians(geom.centroid.y))
        areas = [p.area * k for p in polys]
        big = polys[max(range(len(polys)), key=areas.__getitem__)]
        pt = polylabel(big, tolerance=0.002)
        label[code] = (round(pt.y, 4), round(pt.x, 4))
        main = [p for p, a in zip(polys, areas, strict=True) if a >= 0.1 * max(areas)]
        w, s, e, n = shapely.total_bounds(main)
        focus[code] = [[round(s, 4), round(w, 4)], [round(n, 4), round(e, 4)]]
        gb = geom.bounds
        allb = [min(allb[0], gb[0]), min(allb[1], gb[1]), max(allb[2], gb[2]), max(allb[3], gb[3])]
        feats.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code},
                "geometry": _encode_geometry(by_code[code]),
            }
        )
    bounds = [[round(allb[1], 4), round(allb[0], 4)], [round(allb[3], 4), round(allb[2], 4)]]
    return _Shapes({"type": "FeatureCollection", "features": feats}, label, focus, bounds)


# ============================================================================ layers
