"""Map values derived from a boundary layer: label points, focus bounds, encoded geometry and
outlines, computed once by ``scripts/build_boundaries.py`` and stored beside the layer.

``boundaries/sido.geojson`` gets ``boundaries/sido.shapes.json`` (its regions and the 시도
outlines drawn over a 시군구 map); ``sigungu/units.geojson`` gets ``sigungu/units.shapes.json``.
Each file records the SHA-256 of the layer it was computed from and :data:`SHAPES_FORMAT`; a
map uses it only when both match (:func:`read_shapes`), and otherwise computes the same values
from the layer (:func:`prepare_shapes`, :func:`outline_lines`), so a user's ``--data`` folder
without these files (or with a changed layer) still works. ``siting validate`` reports a stale
or incomplete file (:func:`shapes_problems`).

Coordinates travel to the page as integers in units of 1e-4 degree (~10 m, the precision of
the boundary layers), each ring as ``[x0, y0, dx1, dy1, ...]``: a third of the size of GeoJSON
text. The page's script decodes them (siting-map.js, decodeRing).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingError
from siting._paths import bundled_data_dir
from siting.data.geometry import feature_problems

_SCALE = 10_000
# bump when a computation below changes: files of another format are ignored and reported
SHAPES_FORMAT = 1
# layers (relative to a data folder) that get a shapes file; True: with the 시도 outlines
SHAPED_LAYERS: dict[str, bool] = {"boundaries/sido.geojson": True, "sigungu/units.geojson": False}
_REGION_KEYS = frozenset({"label", "focus", "bounds", "geometry"})
REBUILD = "python scripts/build_boundaries.py --shapes --data {root}"


# ============================================================================ encoding
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


# ============================================================================ outlines
def _edges(fc: Mapping[str, Any]) -> Any:
    """Every edge of every ring as (x0, y0, x1, y1), end points in lexicographic order."""
    import numpy as np

    segs = []
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
    return np.vstack(segs) if segs else None


def _polylines(edges: list[list[int]]) -> list[list[int]]:
    """Join edges into the fewest polylines that break only at nodes (degree != 2), walking
    from the lowest such node first; closed loops start at their lowest point."""
    adj: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for x0, y0, x1, y1 in edges:
        a, b = (x0, y0), (x1, y1)
        adj[a].append(b)
        adj[b].append(a)
    for v in adj.values():
        v.sort()
    seen: set[tuple[tuple[int, int], tuple[int, int]]] = set()

    def walk(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[int, int]]:
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
    return lines


def _outline_lines(fc: Mapping[str, Any]) -> dict[str, list[list[int]]]:
    """The 시도 outlines as delta-encoded polylines, each edge once: ``borders`` (shared by
    two 시도) and ``coast`` (edges of one 시도 only: coast and the country's edge)."""
    import numpy as np

    segs = _edges(fc)
    if segs is None:
        return {"borders": [], "coast": []}
    edges, count = np.unique(segs, axis=0, return_counts=True)
    return {
        name: _polylines(edges[keep].tolist())
        for name, keep in (("borders", count >= 2), ("coast", count == 1))
    }


# ============================================================================ regions
@dataclass
class _Shapes:
    geojson: dict[str, Any]  # FeatureCollection, id = region code, geometry {type, enc}
    label: dict[str, tuple[float, float]]  # code -> (lat, lon)
    focus: dict[str, list[list[float]]]  # code -> [[s, w], [n, e]]
    bounds: list[list[float]]


def feature_code(f: Mapping[str, Any]) -> str:
    """A feature's region code, as a map joins it: ``code``, else ``sido_code``, else ``id``."""
    props = f.get("properties") or {}
    return str(props.get("code") or props.get("sido_code") or f.get("id") or "")


def region_shape(code: str, geometry: Mapping[str, Any]) -> dict[str, Any]:
    """One region's map values: ``label`` (lat, lon: pole of inaccessibility of its largest
    part), ``focus`` ([[s, w], [n, e]] of its parts >= 10 % of the largest), ``bounds``
    (w, s, e, n of all parts, unrounded) and ``geometry`` (delta-encoded)."""
    import shapely
    from shapely.geometry import shape
    from shapely.ops import polylabel

    geom = shape(geometry)
    parts = list(getattr(geom, "geoms", [geom]))
    polys = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
    if not polys:
        raise SitingError(f"the boundary of region {code} has no polygon")
    # areas in (cos-lat corrected) degrees are fine for ranking parts of one region
    k = math.cos(math.radians(geom.centroid.y))
    areas = [p.area * k for p in polys]
    big = polys[max(range(len(polys)), key=areas.__getitem__)]
    pt = polylabel(big, tolerance=0.002)
    main = [p for p, a in zip(polys, areas, strict=True) if a >= 0.1 * max(areas)]
    w, s, e, n = shapely.total_bounds(main)
    return {
        "label": [round(pt.y, 4), round(pt.x, 4)],
        "focus": [[round(s, 4), round(w, 4)], [round(n, 4), round(e, 4)]],
        "bounds": [float(b) for b in geom.bounds],
        "geometry": _encode_geometry(geometry),
    }


def _check_codes(have: Mapping[str, Any], codes: Sequence[str]) -> None:
    missing = [c for c in codes if c not in have]
    if missing:
        raise SitingError(
            f"the boundary layer has no polygon for region(s) {', '.join(missing)}",
            fix="the boundary layer must carry the region codes in 'code' (시도: regions.csv; "
            "시군구: sigungu/units.csv)",
        )


def assemble_shapes(regions: Mapping[str, Mapping[str, Any]], codes: Sequence[str]) -> _Shapes:
    """The map's shapes of the regions in ``codes`` from their :func:`region_shape` values;
    a code without values raises (naming the codes and where they must be)."""
    _check_codes(regions, codes)
    feats, label, focus = [], {}, {}
    allb = [math.inf, math.inf, -math.inf, -math.inf]
    for code in sorted(set(codes)):
        r = regions[code]
        label[code] = r["label"]
        focus[code] = r["focus"]
        gb = r["bounds"]
        allb = [min(allb[0], gb[0]), min(allb[1], gb[1]), max(allb[2], gb[2]), max(allb[3], gb[3])]
        feats.append(
            {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": r["geometry"]}
        )
    bounds = [[round(allb[1], 4), round(allb[0], 4)], [round(allb[3], 4), round(allb[2], 4)]]
    return _Shapes({"type": "FeatureCollection", "features": feats}, label, focus, bounds)


def _prepare_shapes(fc: Mapping[str, Any], codes: Sequence[str]) -> _Shapes:
    """Keep the regions in ``codes`` (joined on the region code), compute label points (pole of
    inaccessibility of the largest part) and focus bounds (parts >= 10 % of the largest)."""
    by_code: dict[str, Any] = {}
    for f in fc.get("features", []):
        code = feature_code(f)
        if code in codes and f.get("geometry"):
            by_code[code] = f["geometry"]
    _check_codes(by_code, codes)
    regions = {code: region_shape(code, by_code[code]) for code in sorted(by_code)}
    return assemble_shapes(regions, codes)


# ============================================================================ files
def shapes_path(layer: Path) -> Path:
    """``sido.geojson`` -> ``sido.shapes.json`` (same folder)."""
    return layer.with_name(layer.name.removesuffix(".geojson") + ".shapes.json")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_shapes(layer: Path, outlines: bool) -> bytes:
    """The shapes file of ``layer`` (deterministic bytes: one region a line, sorted keys).

    The layer must have no problem at all (:func:`siting.data.geometry.feature_problems`):
    maps repair invalid polygons on the fly and say so, which a stored result would hide.
    """
    data = layer.read_bytes()
    fc = json.loads(data.decode("utf-8"))
    problems = feature_problems(fc, str(layer))[0]
    if problems:
        raise SitingError.from_problems(problems, summary=f"{layer}: fix the layer first")
    by_code = {feature_code(f): f["geometry"] for f in fc["features"]}
    head = {
        "built_by": "scripts/build_boundaries.py (siting.data.shapes.build_shapes)",
        "format": SHAPES_FORMAT,
        "layer": layer.name,
        "layer_sha256": _digest(data),
    }
    lines = [json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1] + ',"regions":{']
    rows = [
        json.dumps(code) + ":" + _compact(region_shape(code, by_code[code]))
        for code in sorted(by_code)
    ]
    lines.append(",\n".join(rows))
    tail = "}"
    if outlines:
        tail += ',"outlines":' + _compact(_outline_lines(fc))
    lines.append(tail + "}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _compact(value: Any) -> str:
    # keys in the order written above (the map's JSON keeps that order: byte-identical pages)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def read_shapes(layer: Path | None) -> dict[str, Any] | None:
    """The shapes file of ``layer`` when it exists, has :data:`SHAPES_FORMAT` and was computed
    from exactly these layer bytes; else None (the caller computes the values)."""
    if layer is None:
        return None
    path = shapes_path(layer)
    try:
        pre = json.loads(path.read_text(encoding="utf-8"))
        ok = (
            isinstance(pre, dict)
            and pre.get("format") == SHAPES_FORMAT
            and pre.get("layer_sha256") == _digest(layer.read_bytes())
            and isinstance(pre.get("regions"), dict)
        )
    except (OSError, ValueError):
        return None
    return pre if ok else None


def _region_problems(code: str, r: Any) -> Iterator[str]:
    if not isinstance(r, dict):
        yield "has no values"
        return
    lab = r.get("label")
    if not (isinstance(lab, list) and len(lab) == 2 and all(_finite(v) for v in lab)):
        yield "has no label point"
    for name, size in (("focus", 2), ("bounds", 4)):
        v = r.get(name)
        if not (isinstance(v, list) and len(v) == size):
            yield f"has no {name}"
    g = r.get("geometry")
    if not (isinstance(g, dict) and isinstance(g.get("enc"), list) and g["enc"]):
        yield "has no encoded geometry"


def _finite(v: Any) -> bool:
    return isinstance(v, int | float) and math.isfinite(v)


def _layer_codes(layer: Path) -> set[str] | None:
    try:
        fc = json.loads(layer.read_bytes().decode("utf-8"))
        return {feature_code(f) for f in fc["features"]}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # the layer's own check reports it


def usable(pre: Mapping[str, Any] | None, codes: Sequence[str]) -> bool:
    """Whether :func:`read_shapes` values ``pre`` hold every map value of ``codes``."""
    regions = pre.get("regions") if pre is not None else None
    return isinstance(regions, dict) and all(
        isinstance(regions.get(c), dict) and regions[c].keys() >= _REGION_KEYS for c in codes
    )


def _file_problem(root: Path, rel: str, bundled: bool) -> tuple[str, dict[str, Any] | None]:
    """('', values) for a current shapes file, else (problem, None); ('', None): none needed."""
    layer = root / rel
    path = shapes_path(layer)
    if not path.is_file():
        return ("derived map values missing" if bundled else ""), None
    try:
        pre = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"not valid JSON ({exc})", None
    if not isinstance(pre, dict) or pre.get("format") != SHAPES_FORMAT:
        return f"not shapes format {SHAPES_FORMAT}", None
    if pre.get("layer_sha256") != _digest(layer.read_bytes()):
        return (
            f"stale: computed from another version of {layer.name} (layer_sha256 differs); "
            "maps ignore it and compute the values from the layer"
        ), None
    return "", pre


def shapes_problems(
    root: Path, skip: Collection[str] = (), codes: Mapping[str, Collection[str]] | None = None
) -> list[Problem]:
    """Problems of the shapes files of ``root``: stale (another layer or format), a region of
    the layer without a label point or encoded geometry, outlines missing. Layers in ``skip``
    (relative paths: layers with problems of their own) are not looked at; ``codes`` (relative
    path -> region codes) spares reading a layer the caller has read already.

    Errors in the bundled data folder; warnings in a user's folder, whose maps compute what a
    file lacks (there a missing file is no problem at all)."""
    out: list[Problem] = []
    bundled = root.resolve() == bundled_data_dir().resolve()
    severity = "error" if bundled else "warning"
    fix = "rebuild with `" + REBUILD.format(root=root) + "`"
    for rel, with_outlines in SHAPED_LAYERS.items():
        layer = root / rel
        if not layer.is_file() or rel in skip:
            continue
        file = str(shapes_path(layer))
        msgs = _layer_messages(root, rel, bundled, with_outlines, (codes or {}).get(rel))
        out += [Problem(m, file=file, fix=fix, severity=severity) for m in msgs]
    return out


def _layer_messages(
    root: Path, rel: str, bundled: bool, with_outlines: bool, codes: Collection[str] | None
) -> list[str]:
    """What is wrong with the shapes file of the layer ``rel`` (empty: nothing)."""
    msg, pre = _file_problem(root, rel, bundled)
    msgs = [msg] if msg else []
    if pre is None:
        return msgs
    regions = pre["regions"] if isinstance(pre.get("regions"), dict) else {}
    msgs += [
        f"region {code} {m}"
        for code in sorted(codes or _layer_codes(root / rel) or ())
        for m in _region_problems(code, regions.get(code))
    ]
    if with_outlines and not isinstance(pre.get("outlines"), dict):
        msgs.append("the 시도 outlines are missing")
    return msgs
