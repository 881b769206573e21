"""Whole-dataset integrity checks used on load and by ``siting validate``."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

from siting._errors import Problem
from siting.data.periods import parse_period

if TYPE_CHECKING:
    from siting.data.dataset import Dataset

# Mainland, islands and EEZ-adjacent islets of South Korea lie inside this box.
_LAT = (33.0, 38.7)
_LON = (124.5, 132.0)


def _defined_in(root, indicator: str):  # type: ignore[no-untyped-def]
    """The indicator file that defines ``indicator`` (the last one read wins)."""
    files = [root / "indicators.yaml", *sorted((root / "sigungu").glob("indicators*.yaml"))]
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
    problems: list[Problem] = []
    root = ds.root
    used_sources = ds.values.distinct("source") - {""}
    used_sources |= {f.get("source", "") for f in ds.facilities}
    used_sources |= {d.get("source", "") for d in ds.decisions}
    used_sources |= {
        s for d in ds.decisions for s in (d.get("rival_sources") or "").split(";") if s
    }
    for sub in sorted((root / "sigungu").glob("values*.csv")):
        import csv

        try:
            with sub.open(encoding="utf-8-sig", newline="") as fh:
                used_sources |= {r["source"] for r in csv.DictReader(fh) if r.get("source")}
        except (UnicodeDecodeError, csv.Error):
            continue  # the 시군구 loader reports the file itself
    for sid in sorted(set(ds.sources) - used_sources):
        problems.append(
            Problem(
                "source is not used by any value, facility or decision",
                file=str(root / "sources.csv"),
                key=sid,
                fix="remove it, or cite it from values.csv",
                severity="warning",
            )
        )
    import numpy as np

    with_values = ds.values.distinct("indicator", ~np.isnan(ds.values.cols["value"]))
    periods = ds.values.pairs("indicator", "period")
    for ind_id, ind in ds.indicators.items():
        if ind_id not in with_values:
            problems.append(
                Problem(
                    "indicator has no values",
                    file=str(root / "indicators.yaml"),
                    key=ind_id,
                    fix="add values to values.csv or remove the definition",
                    severity="warning",
                )
            )
            continue
        try:
            parse_period(ind.period)
        except ValueError as exc:
            problems.append(
                Problem(str(exc), file=str(root / "indicators.yaml"), key=f"{ind_id}.period")
            )
            continue
        if (ind_id, ind.period) not in periods:
            problems.append(
                Problem(
                    f"default period {ind.period!r} has no values",
                    file=str(root / "indicators.yaml"),
                    key=f"{ind_id}.period",
                    fix="set period to one that values.csv has for this indicator",
                )
            )
    problems.extend(_check_boundary_join(ds))
    problems.extend(_check_facilities(ds))
    problems.extend(_check_decisions(ds))
    return problems


def _check_boundary_join(ds: Dataset) -> list[Problem]:
    path = ds.root / "boundaries" / "sido.geojson"
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
                    file=str(ds.root / "regions.csv"),
                    key=code,
                    fix="rebuild data/boundaries with scripts/build_boundaries.py",
                )
            )
    return out


def _check_facilities(ds: Dataset) -> list[Problem]:
    out = []
    path = str(ds.root / "facilities.csv")
    codes = set(ds.region_codes)
    for f in ds.facilities:
        line = int(f["_line"])
        try:
            lat, lon = float(f["lat"]), float(f["lon"])
            if not (math.isfinite(lat) and math.isfinite(lon)):
                raise ValueError
            if not (_LAT[0] <= lat <= _LAT[1] and _LON[0] <= lon <= _LON[1]):
                out.append(
                    Problem(
                        f"coordinates {lat}, {lon} are outside South Korea",
                        file=path,
                        line=line,
                        key=f["id"],
                        fix="lat is about 33-38.6 and lon about 124.5-131.9 (WGS84 degrees)",
                    )
                )
        except ValueError:
            out.append(Problem("lat/lon must be numbers", file=path, line=line, key=f["id"]))
        if f["sido"] not in codes:
            out.append(
                Problem(f"unknown region code {f['sido']!r}", file=path, line=line, key="sido")
            )
        if f["source"] not in ds.sources:
            out.append(
                Problem(f"unknown source {f['source']!r}", file=path, line=line, key="source")
            )
    return out


def _check_decisions(ds: Dataset) -> list[Problem]:
    return check_decision_rows(
        ds.decisions, set(ds.region_codes), set(ds.sources), str(ds.root / "decisions.csv")
    )


def check_decision_rows(
    rows: list[dict[str, str]], codes: set[str], sources: set[str], path: str
) -> list[Problem]:
    """Problems of decision rows (as read from a decisions CSV): dates, region codes among
    ``codes``, a chosen region, sources among ``sources``."""
    out = []
    for d in rows:
        line = int(d["_line"])
        try:
            parse_period(d["date"])
        except ValueError as exc:
            out.append(Problem(str(exc), file=path, line=line, key="date"))
        for col in ("chosen", "rivals"):
            for code in filter(None, (d.get(col) or "").split(";")):
                if code.strip() not in codes:
                    out.append(
                        Problem(f"unknown region code {code!r}", file=path, line=line, key=col)
                    )
        if not d.get("chosen"):
            out.append(Problem("a decision needs a chosen region", file=path, line=line))
        if d["source"] not in sources:
            out.append(
                Problem(f"unknown source {d['source']!r}", file=path, line=line, key="source")
            )
    return out
