"""The in-memory dataset: regions, indicators, sources and value columns of one data folder,
with the lookups the engine and the outputs use (built on first use)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import Problem
from siting.data.layout import fingerprint_files
from siting.data.levels import Level
from siting.data.periods import parse_period
from siting.data.records import Indicator, Source, Value
from siting.data.regions import RegionResolver
from siting.data.values import ValueTable, find_code, input_tier

if TYPE_CHECKING:
    import pandas as pd

_OBS_INDEX_MAX = 500_000  # rows: up to this, observations() uses an index built once


@dataclass
class Dataset:
    """All data of one data folder, checked and indexed."""

    root: Path
    regions: list[dict[str, str]]
    indicators: dict[str, Indicator]
    sources: dict[str, Source]
    values: ValueTable
    facilities: list[dict[str, str]] = field(default_factory=list)
    decisions: list[dict[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    level: Level = Level.SIDO
    parent: Dataset | None = None  # at 시군구 level, the 시도 dataset values are inherited from

    # ------------------------------------------------------------------ regions
    @cached_property
    def region_codes(self) -> list[str]:
        return [r["code"] for r in self.regions]

    @cached_property
    def region_by_code(self) -> dict[str, dict[str, str]]:
        return {r["code"]: r for r in self.regions}

    def region_name(self, code: str, lang: str = "ko", short: bool = True) -> str:
        r = self.region_by_code[code]
        if self.level is Level.SIGUNGU and self.parent is not None:
            p = self.parent.region_by_code[r["sido"]]
            if lang == "ko":
                return (
                    f"{p['short_ko']} {r['name_ko']}" if short else f"{p['name_ko']} {r['name_ko']}"
                )
            return f"{r['short_en']}, {p['short_en']}"
        if lang == "ko":
            return r["short_ko"] if short else r["name_ko"]
        return r["short_en"] if short else r["name_en"]

    def __post_init__(self) -> None:
        self.level = Level.parse(self.level)
        if not isinstance(self.values, ValueTable):
            self.values = ValueTable.from_values(self.values)  # type: ignore[assignment]

    # ------------------------------------------------------------------ values
    @cached_property
    def _index(self) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
        """(indicator, period) -> (values, row numbers) aligned with ``region_codes``
        (NaN / -1 = no used value), built once with numpy from the value columns."""
        t = self.values
        c = t.cols
        n = len(self.region_codes)
        pos = {code: i for i, code in enumerate(self.region_codes)}
        region_pos = np.array([pos.get(r, -1) for r in t.cats["region"]] or [-1], dtype=np.int64)
        rows = np.flatnonzero((c["status"] == 0) & (region_pos[c["region"]] >= 0))
        if rows.size == 0:
            return {}
        n_per = len(t.cats["period"])
        key = c["indicator"][rows].astype(np.int64) * n_per + c["period"][rows]
        order = np.argsort(key, kind="stable")
        rows, key = rows[order], key[order]
        cuts = np.flatnonzero(np.diff(key)) + 1
        out = {}
        for part in np.split(np.arange(rows.size), cuts):
            r = rows[part]
            k = int(key[part[0]])
            arr = np.full(n, np.nan)
            idx = np.full(n, -1, dtype=np.int64)
            p = region_pos[c["region"][r]]
            arr[p] = c["value"][r]
            idx[p] = r
            out[(t.cats["indicator"][k // n_per], t.cats["period"][k % n_per])] = (arr, idx)
        return out

    def array(self, indicator: str, period: str) -> np.ndarray:
        """One indicator and period as an array aligned with ``region_codes`` (a copy)."""
        hit = self._index.get((indicator, period))
        return np.full(len(self.region_codes), np.nan) if hit is None else hit[0].copy()

    def inherited_mask(self, indicator: str, period: str) -> np.ndarray:
        """True where the used value is inherited from the province (aligned with
        ``region_codes``; False where the value is the unit's own or missing)."""
        hit = self._index.get((indicator, period))
        if hit is None:
            return np.zeros(len(self.region_codes), dtype=bool)
        t = self.values
        empty = find_code(t.cats["inherited"], "")
        rows = hit[1]
        out = np.zeros(rows.size, dtype=bool)
        ok = rows >= 0
        out[ok] = t.cols["inherited"][rows[ok]] != empty
        return out

    def has_column(self, indicator: str, period: str) -> bool:
        return (indicator, period) in self._index

    def index(self) -> Dataset:
        """Build the lookup structures now (they are otherwise built on first use)."""
        _ = self._index
        return self

    def used_values(self) -> list[Value]:
        return [self.values.row(int(i)) for i in np.flatnonzero(self.values.cols["status"] == 0)]

    def periods_of(self, indicator: str) -> list[str]:
        """Periods with at least one used value, newest first."""
        seen = {p for (i, p) in self._index if i == indicator}
        return sorted(
            seen, key=lambda p: (parse_period(p).end, parse_period(p).start), reverse=True
        )

    def lookup(self, region: str, indicator: str, period: str) -> Value | None:
        hit = self._index.get((indicator, period))
        if hit is None:
            return None
        i = self._position.get(region)
        if i is None or hit[1][i] < 0:
            return None
        return self.values.row(int(hit[1][i]))

    @cached_property
    def _position(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.region_codes)}

    def observations(self, region: str, indicator: str) -> list[Value]:
        """Every row (used, superseded and gaps) for a region and indicator."""
        t = self.values
        if len(t) <= _OBS_INDEX_MAX:
            rows = self._obs_index.get((region, indicator), ())
            return [t.row(int(i)) for i in rows]
        mask = t.where("region", region) & t.where("indicator", indicator)
        return [t.row(int(i)) for i in np.flatnonzero(mask)]

    @cached_property
    def _obs_index(self) -> dict[tuple[str, str], np.ndarray]:
        """(region, indicator) -> row numbers in file order (for the map's many cards)."""
        t = self.values
        if not len(t):
            return {}
        n_ind = len(t.cats["indicator"])
        key = t.cols["region"].astype(np.int64) * n_ind + t.cols["indicator"]
        order = np.argsort(key, kind="stable")
        uniq, start = np.unique(key[order], return_index=True)
        bounds = [*start.tolist(), order.size]
        regions, inds = t.cats["region"], t.cats["indicator"]
        return {
            (regions[k // n_ind], inds[k % n_ind]): order[bounds[j] : bounds[j + 1]]
            for j, k in enumerate(uniq.tolist())
        }

    def column(self, indicator: str, period: str | None = None) -> dict[str, float]:
        """Used values of one indicator and period, by region code (in file order)."""
        per = period or self.indicators[indicator].period
        hit = self._index.get((indicator, per))
        if hit is None:
            return {}
        arr, rows = hit
        pos = np.flatnonzero(rows >= 0)
        pos = pos[np.argsort(rows[pos], kind="stable")]
        codes = self.region_codes
        return {codes[i]: float(arr[i]) for i in pos}

    def column_sources(self, indicator: str, period: str) -> list[str]:
        """Source ids behind one indicator and period."""
        memo = self._sources_memo
        if (indicator, period) not in memo:
            hit = self._index.get((indicator, period))
            if hit is None:
                return []
            rows = hit[1][hit[1] >= 0]
            t = self.values
            codes = np.unique(t.cols["source"][rows])
            memo[(indicator, period)] = sorted({t.cats["source"][c] for c in codes})
        return list(memo[(indicator, period)])

    @cached_property
    def _sources_memo(self) -> dict[tuple[str, str], list[str]]:
        return {}

    @cached_property
    def resolver(self) -> RegionResolver:
        """A :class:`~siting.data.regions.RegionResolver` for this dataset (built once)."""
        return RegionResolver(self)

    # ------------------------------------------------------------------ identity
    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 over the files that determine scores."""
        h = hashlib.sha256()
        for name in fingerprint_files(self.root, self.level):
            p = self.root / name
            h.update(name.encode())
            h.update(p.read_bytes() if p.exists() else b"")
        return h.hexdigest()

    @cached_property
    def vintage(self) -> str:
        """The newest source date among used values: how recent the data is."""
        t = self.values
        used = {t.cats["source"][c] for c in np.unique(t.cols["source"][t.cols["status"] == 0])}
        dates = sorted(
            s.date
            for k, s in self.sources.items()
            if k in used and s.date[:4].isdigit() and s.kind != "computed"
        )
        return dates[-1] if dates else "unknown"

    def frame(self) -> pd.DataFrame:
        """All value rows as a DataFrame (for export and inspection)."""
        import pandas as pd

        return pd.DataFrame([v.__dict__ for v in self.values])


def value_tier(ds: Dataset, v: Value) -> int | None:
    """The tier of a value: its source's, or for a computed value the weakest of its inputs'."""
    s = ds.sources.get(v.source)
    if s is None:
        return None
    ind = ds.indicators.get(v.indicator)
    if s.kind != "computed" or ind is None or not ind.computed_from:
        return s.tier

    def used_tier(region: str, indicator: str, period: str) -> int | None:
        hit = ds.lookup(region, indicator, period)
        if hit is not None and hit.source in ds.sources:
            return ds.sources[hit.source].tier
        tiers = [
            ds.sources[o.source].tier
            for o in ds.observations(region, indicator)
            if o.status == "used" and o.source in ds.sources
        ]
        return max(tiers) if tiers else None

    return input_tier(
        v.region, v.indicator, v.period, s.tier, ind.computed_from, set(ds.indicators), used_tier
    )


def describe_value(ds: Dataset, v: Value) -> dict[str, Any]:
    """A JSON-ready description of one value with its source."""
    s = ds.sources.get(v.source)
    return {
        "region": v.region,
        "indicator": v.indicator,
        "period": v.period,
        "value": v.value,
        "status": v.status,
        "quote": v.quote,
        "note": v.note,
        "source": None
        if s is None
        else {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "date": s.date,
            "url": s.url,
            "kind": s.kind,
            "via": s.via,
            "tier": value_tier(ds, v),
        },
    }
