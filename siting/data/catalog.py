"""What the dataset holds: coverage per indicator and the evidence behind values."""

from __future__ import annotations

from typing import Any

from siting._errors import SitingError
from siting.data.model import Dataset
from siting.data.records import Value
from siting.data.regions import RegionResolver


def coverage(ds: Dataset, lang: str = "ko") -> list[dict[str, Any]]:
    """One row per indicator: default period, regions with data, sources, other periods."""
    rows = []
    n = len(ds.region_codes)
    for ind in ds.indicators.values():
        col = ds.column(ind.id, ind.period)
        srcs = {
            v.source for v in ds.used_values() if v.indicator == ind.id and v.period == ind.period
        }
        missing = [ds.region_name(c, lang) for c in ds.region_codes if c not in col]
        others = []
        for p in ds.periods_of(ind.id):
            if p != ind.period:
                others.append(f"{p} ({len(ds.column(ind.id, p))}/{n})")
        rows.append(
            {
                "indicator": ind.id,
                "name": ind.name(lang),
                "group": ind.group,
                "unit": ind.unit,
                "direction": ind.direction,
                "period": ind.period,
                "coverage": f"{len(col)}/{n}",
                "inherited": sum(
                    1 for r in col if (v := ds.lookup(r, ind.id, ind.period)) and v.inherited
                ),
                "sources": len(srcs),
                "missing": ", ".join(missing),
                "other_periods": ", ".join(others),
            }
        )
    return rows


def coverage_matrix(ds: Dataset, lang: str = "ko") -> list[dict[str, Any]]:
    """Region x indicator grid for the default periods: 'x' where a value exists."""
    rows = []
    for code in ds.region_codes:
        row: dict[str, Any] = {"region": ds.region_name(code, lang)}
        for ind in ds.indicators.values():
            row[ind.id] = "x" if code in ds.column(ind.id, ind.period) else "."
        rows.append(row)
    return rows


def evidence(ds: Dataset, query: str | None = None, lang: str = "ko") -> list[dict[str, Any]]:
    """Evidence rows for an indicator id, a region (any name form), a source id, or everything."""
    if query is None:
        return _source_rows(ds)
    return [_evidence_row(ds, v, lang) for v in _values_for(ds, query)]


def _source_rows(ds: Dataset) -> list[dict[str, Any]]:
    """Every source with the number of values, facilities and decisions that cite it."""
    counts: dict[str, int] = {}
    cited = [v.source for v in ds.values if v.value is not None]
    cited += [f["source"] for f in ds.facilities] + [d["source"] for d in ds.decisions]
    for sid in cited:
        counts[sid] = counts.get(sid, 0) + 1
    return [
        {
            "source": s.id,
            "publisher": s.publisher,
            "title": s.title,
            "date": s.date,
            "kind": s.kind,
            "tier": s.tier,
            "cited_by": counts.get(s.id, 0),
            "url": s.url,
            "via": s.via,
        }
        for s in sorted(ds.sources.values(), key=lambda s: s.id)
    ]


def _values_for(ds: Dataset, query: str) -> list[Value]:
    """The value rows of an indicator id, a source id or a region."""
    if query in ds.indicators:
        return [v for v in ds.values if v.indicator == query]
    if query in ds.sources:
        return [v for v in ds.values if v.source == query]
    try:
        code = RegionResolver(ds).resolve(query)
    except SitingError as exc:
        raise SitingError(
            f"{query!r} is not an indicator id, a source id or a region",
            fix="run 'siting data' for indicator ids, 'siting sources' for source ids; "
            + (exc.fix or ""),
        ) from None
    return [v for v in ds.values if v.region == code]


def _evidence_row(ds: Dataset, v: Value, lang: str) -> dict[str, Any]:
    s = ds.sources.get(v.source)
    status = v.status if v.status != "superseded" else f"superseded ({v.superseded_by})"
    return {
        "region": ds.region_name(v.region, lang),
        "indicator": v.indicator,
        "period": v.period,
        "value": v.value,
        "unit": ds.indicators[v.indicator].unit,
        "status": status,
        "source": v.source,
        "publisher": s.publisher if s else "",
        "date": s.date if s else "",
        "quote": v.quote,
        "note": v.note,
        "url": s.url if s else "",
    }
