"""Checks of boundary layers (GeoJSON FeatureCollections keyed by a ``code`` property).

Every feature must have a code, one feature per code, and a non-empty Polygon or MultiPolygon
with finite coordinates inside South Korea's bounding box in WGS84 degrees (so a layer in
metres or another CRS is caught). An invalid polygon (e.g. a self-intersecting "bow-tie") is a
problem for ``siting validate``; a map repairs it with ``make_valid`` and says so on stderr.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from siting._errors import Problem, SitingError
from siting._term import escape_controls
from siting.data.boundaries import polygonal

# WGS84 degrees: mainland, 제주, 울릉도, 독도, 이어도-side islets and 백령도 fit inside
LON = (124.0, 132.0)
LAT = (32.5, 39.0)
POLYGONAL = ("Polygon", "MultiPolygon")


def _coords_finite(coords: Any) -> bool:
    import numpy as np

    try:
        flat = np.asarray(_flatten(coords), dtype=float)
    except (TypeError, ValueError):
        return False
    return bool(flat.size) and bool(np.isfinite(flat).all())


def _flatten(coords: Any) -> list[float]:
    out: list[float] = []
    todo = [coords]
    while todo:
        item = todo.pop()
        if isinstance(item, list | tuple):
            todo.extend(item)
        else:
            out.append(item)
    return out


def _code(f: Any) -> str:
    props = (f or {}).get("properties") or {} if isinstance(f, dict) else {}
    return str(props.get("code", "")).strip() if isinstance(props, dict) else ""


def _read_geometry(geom: Any) -> tuple[Any, tuple[str, str] | None]:
    """The shapely geometry of a feature's ``geometry``, or (None, (problem, fix))."""
    from shapely.geometry import shape

    if not isinstance(geom, dict) or not geom.get("type"):
        return None, ("feature has no geometry", "give it the region's polygon")
    if geom["type"] not in POLYGONAL:
        return None, (
            f"geometry is a {geom['type']}, not a polygon",
            "use a Polygon or MultiPolygon",
        )
    if not _coords_finite(geom.get("coordinates")):
        return None, ("geometry has empty, NaN or non-numeric coordinates", "rebuild the layer")
    try:
        g = shape(geom)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        return None, (f"geometry cannot be read ({exc})", "rebuild the layer")
    if g.is_empty:
        return None, ("polygon is empty", "give it the region's polygon")
    x0, y0, x1, y1 = g.bounds
    if not (LON[0] <= x0 and x1 <= LON[1] and LAT[0] <= y0 and y1 <= LAT[1]):
        return None, (
            f"polygon lies outside South Korea in WGS84 degrees "
            f"(bounds {x0:.6g}, {y0:.6g} .. {x1:.6g}, {y1:.6g})",
            "write lon/lat degrees (EPSG:4326); reproject a layer in metres or another CRS",
        )
    return g, None


def _validity(g: Any) -> tuple[Any, tuple[str, str] | None]:
    """(repaired geometry or None, problem or None) of a readable polygon."""
    import shapely

    if shapely.is_valid(g):
        return None, (
            ("polygon has no area", "give it the region's polygon") if g.area == 0 else None
        )
    reason = shapely.is_valid_reason(g)
    fixed = polygonal(shapely.make_valid(g, method="structure", keep_collapsed=False))
    if fixed.is_empty or not math.isfinite(fixed.area) or fixed.area == 0:
        return None, (f"polygon is invalid ({reason}) and cannot be repaired", "rebuild the layer")
    return fixed, (
        f"polygon is invalid ({reason})",
        "fix the ring order / self-intersection; maps repair it with make_valid and say so",
    )


def feature_problems(fc: Any, file: str) -> tuple[list[Problem], dict[int, Any]]:
    """Problems of a layer, and the repaired geometry (shapely) of each invalid feature."""
    problems: list[Problem] = []
    repairs: dict[int, Any] = {}
    feats = fc.get("features") if isinstance(fc, dict) else None
    if not isinstance(feats, list):
        return [Problem("not a GeoJSON FeatureCollection", file=file)], repairs
    seen: dict[str, int] = {}
    for i, f in enumerate(feats):
        code = _code(f)
        problem: tuple[str, str] | None = None
        if not code:
            problem = ("feature has no 'code' property", "give every feature its region code")
        elif code in seen:
            problem = (
                f"region {code} has more than one feature (features {seen[code]} and {i})",
                "merge them into one (Multi)Polygon per region",
            )
        else:
            seen[code] = i
            g, problem = _read_geometry(f.get("geometry"))
            if g is not None:
                fixed, problem = _validity(g)
                if fixed is not None:
                    repairs[i] = fixed
        if problem:
            msg, fix = problem
            problems.append(Problem(msg, file=file, key=code or f"features[{i}]", fix=fix))
    return problems, repairs


def checked_layer(fc: Any, file: str) -> dict[str, Any]:
    """``fc`` ready for a map: fatal problems raise; invalid polygons are repaired (reported)."""
    problems, repairs = feature_problems(fc, file)
    fatal = [p for p in problems if not p.message.startswith("polygon is invalid (")]
    fatal += [p for p in problems if "cannot be repaired" in p.message and p not in fatal]
    if fatal:
        raise SitingError.from_problems(
            fatal, summary=f"the boundary layer {file} has {len(fatal)} problem(s)"
        )
    if not repairs:
        return fc
    from shapely.geometry import mapping

    feats = list(fc["features"])
    for i, geom in repairs.items():
        code = feats[i]["properties"]["code"]
        print(
            escape_controls(
                f"warning: {file}: region {code}: invalid polygon repaired with make_valid "
                "for this map (run `siting validate`)"
            ),
            file=sys.stderr,
        )
        feats[i] = {**feats[i], "geometry": mapping(geom)}
    return {**fc, "features": feats}
