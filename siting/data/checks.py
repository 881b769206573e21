"""Whole-dataset integrity checks used on load and by ``siting validate``."""

from __future__ import annotations

import csv
import json

import numpy as np

from siting._errors import Problem
from siting.data.layout import (
    DECISION_FILE,
    FACILITY_FILE,
    INDICATOR_FILE,
    REGION_FILE,
    SIGUNGU_DIR,
    SOURCE_FILE,
)
from siting.data.levels import Level
from siting.data.model import Dataset
from siting.data.periods import parse_period
from siting.data.tables import decision_problems, facility_problems


def _defined_in(root, indicator: str):  # type: ignore[no-untyped-def]
    """The indicator file that defines ``indicator`` (the last one read wins)."""
    files = [root / INDICATOR_FILE, *sorted((root / SIGUNGU_DIR).glob("indicators*.yaml"))]
    hits = [f for f in files if f.exists() and f"\n{indicator}:" in "\n" + f.read_text("utf-8")]
    return hits[-1] if hits else files[0]


def check_computed_from(ds: Dataset) -> list[Problem]:
    """``computed_from`` lists real inputs: indicator ids, files of the data folder, or build-time
    reference files (``reference/…``, named with the route in the computed source)."""
    out: list[Problem] = []
    for ind in ds.indicators.values():
        for item in ind.computed_from:
            if item in ds.indicators or item.startswith("reference/"):
                continue
            if (ds.root / item).is_file():
                continue
            out.append(
                Problem(
                    f"computed_from names {item!r}, which is neither an indicator id nor a file "
                    "of the data folder",
                    file=str(_defined_in(ds.root, ind.id)),
                    key=f"{ind.id}.computed_from",
                    fix="list the input indicator ids, data files (facilities.csv, "
                    "boundaries/sido.geojson) or reference/<file> for build inputs",
                )
            )
    return out


def check_dataset(ds: Dataset) -> list[Problem]:
    """Problems that involve more than one file: orphans, joins, coverage, facilities, decisions."""
    return [
        *_check_unused_sources(ds),
        *_check_indicator_values(ds),
        *_check_boundary_join(ds),
        *_check_facilities(ds),
        *_check_decisions(ds),
    ]


def _used_sources(ds: Dataset) -> set[str]:
    """Source ids cited by a value (at either level), a facility or a decision."""
    used = ds.values.distinct("source") - {""}
    used |= {f.get("source", "") for f in ds.facilities}
    used |= {d.get("source", "") for d in ds.decisions}
    used |= {s for d in ds.decisions for s in (d.get("rival_sources") or "").split(";") if s}
    for sub in sorted((ds.root / SIGUNGU_DIR).glob("values*.csv")):
        try:
            with sub.open(encoding="utf-8-sig", newline="") as fh:
                used |= {r["source"] for r in csv.DictReader(fh) if r.get("source")}
        except (UnicodeDecodeError, csv.Error):
            continue  # the 시군구 loader reports the file itself
    return used


def _check_unused_sources(ds: Dataset) -> list[Problem]:
    return [
        Problem(
            "source is not used by any value, facility or decision",
            file=str(ds.root / SOURCE_FILE),
            key=sid,
            fix="remove it, or cite it from values.csv",
            severity="warning",
        )
        for sid in sorted(set(ds.sources) - _used_sources(ds))
    ]


def _check_indicator_values(ds: Dataset) -> list[Problem]:
    """Every indicator has values, and values for its default period."""
    file = str(ds.root / INDICATOR_FILE)
    with_values = ds.values.distinct("indicator", ~np.isnan(ds.values.cols["value"]))
    periods = ds.values.pairs("indicator", "period")
    out = []
    for ind_id, ind in ds.indicators.items():
        if ind_id not in with_values:
            out.append(
                Problem(
                    "indicator has no values",
                    file=file,
                    key=ind_id,
                    fix="add values to values.csv or remove the definition",
                    severity="warning",
                )
            )
            continue
        try:
            parse_period(ind.period)
        except ValueError as exc:
            out.append(Problem(str(exc), file=file, key=f"{ind_id}.period"))
            continue
        if (ind_id, ind.period) not in periods:
            out.append(
                Problem(
                    f"default period {ind.period!r} has no values",
                    file=file,
                    key=f"{ind_id}.period",
                    fix="set period to one that values.csv has for this indicator",
                )
            )
    return out


def _check_boundary_join(ds: Dataset) -> list[Problem]:
    path = ds.root / "boundaries" / f"{Level.SIDO}.geojson"
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        codes = {str(f["properties"]["code"]) for f in data["features"]}
    except (ValueError, KeyError, TypeError) as exc:
        return [Problem(f"cannot read boundary codes ({exc})", file=str(path))]
    out = []
    for code in ds.region_codes:
        if code not in codes:
            out.append(
                Problem(
                    f"region {code} has no boundary polygon",
                    file=str(ds.root / REGION_FILE),
                    key=code,
                    fix="rebuild data/boundaries with scripts/build_boundaries.py",
                )
            )
    return out


def _check_facilities(ds: Dataset) -> list[Problem]:
    path = str(ds.root / FACILITY_FILE)
    return facility_problems(ds.facilities, path, set(ds.region_codes), ds.sources)


def _check_decisions(ds: Dataset) -> list[Problem]:
    path = str(ds.root / DECISION_FILE)
    return decision_problems(ds.decisions, path, set(ds.region_codes), ds.sources)
