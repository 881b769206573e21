"""The region dataset: regions, indicator definitions, sourced values, facilities, decisions.

Everything is read from plain files in a data folder (CSV and YAML) and checked on load.
Conflicting values for the same region, indicator and period are all kept; one is chosen by
the rule in :func:`resolve_conflicts` and the others stay visible as superseded.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from siting._errors import Problem, SitingError
from siting._paths import data_dir
from siting.data._csvfiles import (
    blank_with_quote,
    collapse_missing_files,
    duplicate_rows,
    read_csv_rows,
    unique_regions,
)
from siting.data.periods import parse_period

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from siting.data.regions import RegionResolver
    from siting.data.values import ValueTable

Direction = Literal["benefit", "cost"]

REGION_FILE = "regions.csv"
INDICATOR_FILE = "indicators.yaml"
SOURCE_FILE = "sources.csv"
VALUE_FILE = "values.csv"
FACILITY_FILE = "facilities.csv"
DECISION_FILE = "decisions.csv"
HASHED_FILES = (REGION_FILE, INDICATOR_FILE, SOURCE_FILE, VALUE_FILE)

SOURCE_KINDS = ("official", "news", "peer", "editorial", "blog", "statute", "seed", "computed")
MAX_QUOTE = 240  # characters; the guideline is ~200, with room for ellipses and notes


@dataclass(frozen=True)
class Indicator:
    """Definition of one indicator (a column of the decision matrix)."""

    id: str
    name_ko: str
    name_en: str
    unit: str
    direction: Direction
    group: str
    period: str
    description: str
    caveats: str = ""
    kind: str = "numeric"
    range: tuple[float, float] | None = None
    computed_from: tuple[str, ...] = ()
    encodes_decisions: bool = False
    known_from_start: bool = False  # a status in force over its whole period (e.g. a statute)
    # months between the end of a period and the publication of its figures (backtest guard)
    publication_lag_months: int = 0

    def name(self, lang: str = "en") -> str:
        return self.name_ko if lang == "ko" else self.name_en


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: str
    url: str
    kind: str
    tier: int
    via: str = ""
    note: str = ""

    def citation(self) -> str:
        where = self.url or ""
        return f"{self.publisher}, {self.title} ({self.date}) {where}".strip()


@dataclass(frozen=True)
class Value:
    """One sourced observation: a row of values.csv."""

    region: str
    indicator: str
    period: str
    value: float | None
    source: str
    quote: str
    note: str
    line: int
    status: str = "used"  # used | superseded | gap
    superseded_by: str = ""
    inherited: str = ""  # at 시군구 level: the 시도 code the value is inherited from


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
    level: str = "sido"
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
        if self.level == "sigungu" and self.parent is not None:
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
        from siting.data.values import ValueTable

        if not isinstance(self.values, ValueTable):
            self.values = ValueTable.from_values(self.values)  # type: ignore[assignment]

    # ------------------------------------------------------------------ values
    @cached_property
    def _index(self) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
        """(indicator, period) -> (values, row numbers) aligned with ``region_codes``
        (NaN / -1 = no used value), built once with numpy from the value columns."""
        import numpy as np

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
        import numpy as np

        hit = self._index.get((indicator, period))
        return np.full(len(self.region_codes), np.nan) if hit is None else hit[0].copy()

    def inherited_mask(self, indicator: str, period: str) -> np.ndarray:
        """True where the used value is inherited from the province (aligned with
        ``region_codes``; False where the value is the unit's own or missing)."""
        import numpy as np

        hit = self._index.get((indicator, period))
        if hit is None:
            return np.zeros(len(self.region_codes), dtype=bool)
        t = self.values
        empty = _find_code(t.cats["inherited"], "")
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
        import numpy as np

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
        import numpy as np

        t = self.values
        if len(t) <= _OBS_INDEX_MAX:
            rows = self._obs_index.get((region, indicator), ())
            return [t.row(int(i)) for i in rows]
        mask = t.where("region", region) & t.where("indicator", indicator)
        return [t.row(int(i)) for i in np.flatnonzero(mask)]

    @cached_property
    def _obs_index(self) -> dict[tuple[str, str], np.ndarray]:
        """(region, indicator) -> row numbers in file order (for the map's many cards)."""
        import numpy as np

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
        import numpy as np

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
        import numpy as np

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
        from siting.data.regions import RegionResolver

        return RegionResolver(self)

    # ------------------------------------------------------------------ identity
    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 over the files that determine scores."""
        h = hashlib.sha256()
        names = list(HASHED_FILES)
        if self.level == "sigungu":
            from siting.data.sigungu import level_files

            names += [str(p) for p in level_files(self.root)]
        for name in names:
            p = self.root / name
            h.update(name.encode())
            h.update(p.read_bytes() if p.exists() else b"")
        return h.hexdigest()

    @cached_property
    def vintage(self) -> str:
        """The newest source date among used values: how recent the data is."""
        import numpy as np

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


# ---------------------------------------------------------------------- reading


def _read_csv(
    path: Path, required: tuple[str, ...], problems: list[Problem]
) -> list[dict[str, str]]:
    """Read a CSV into dicts with a ``_line`` key; report missing columns."""
    if not path.exists():
        problems.append(
            Problem("file not found", file=str(path), fix="restore it from the repository")
        )
        return []

    return read_csv_rows(path, required, problems)


def read_decisions(path: Path, problems: list[Problem]) -> list[dict[str, str]]:
    """Rows of a decisions CSV (the bundled one or a user's, same columns); failures to read
    become problems."""
    return _read_csv(
        path, ("id", "project", "organization", "date", "kind", "chosen", "source"), problems
    )


def _parse_number(text: str) -> float:
    value = float(text.replace(",", "")) if text else math.nan
    return value


def _read_indicators(path: Path, problems: list[Problem]) -> dict[str, Indicator]:
    from siting._yaml import load_yaml_file

    try:
        raw, lines = load_yaml_file(path)
    except SitingError as exc:
        problems.extend(exc.as_problems())
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem("expected a mapping of indicator ids", file=str(path), line=1))
        return {}
    out: dict[str, Indicator] = {}
    required = ("name_ko", "name_en", "unit", "direction", "group", "period", "description")
    allowed = set(required) | {
        "caveats",
        "kind",
        "range",
        "computed_from",
        "encodes_decisions",
        "known_from_start",
        "publication_lag_months",
    }
    for key, spec in raw.items():
        line = lines.get((key,))
        if not isinstance(spec, dict):
            problems.append(Problem("expected a mapping", file=str(path), key=key, line=line))
            continue
        for k in spec:
            if k not in allowed:
                problems.append(
                    Problem(
                        f"unknown field {k!r}",
                        file=str(path),
                        key=f"{key}.{k}",
                        line=lines.get((key, k)),
                        fix=f"allowed fields: {', '.join(sorted(allowed))}",
                    )
                )
        miss = [k for k in required if k not in spec]
        if miss:
            problems.append(
                Problem(f"missing field(s) {', '.join(miss)}", file=str(path), key=key, line=line)
            )
            continue
        if spec["direction"] not in ("benefit", "cost"):
            problems.append(
                Problem(
                    f"direction must be benefit or cost, not {spec['direction']!r}",
                    file=str(path),
                    key=f"{key}.direction",
                    line=lines.get((key, "direction")),
                )
            )
            continue
        rng = spec.get("range")
        out[key] = Indicator(
            id=key,
            name_ko=str(spec["name_ko"]),
            name_en=str(spec["name_en"]),
            unit=str(spec["unit"]),
            direction=spec["direction"],
            group=str(spec["group"]),
            period=str(spec["period"]),
            description=str(spec["description"]).strip(),
            caveats=str(spec.get("caveats") or "").strip(),
            kind=str(spec.get("kind", "numeric")),
            range=(float(rng[0]), float(rng[1])) if rng else None,
            computed_from=tuple(spec.get("computed_from") or ()),
            encodes_decisions=bool(spec.get("encodes_decisions", False)),
            known_from_start=bool(spec.get("known_from_start", False)),
            publication_lag_months=int(spec.get("publication_lag_months") or 0),
        )
    return out


def _read_sources(path: Path, problems: list[Problem]) -> dict[str, Source]:
    rows = _read_csv(path, ("id", "title", "publisher", "date", "url", "kind", "tier"), problems)
    out: dict[str, Source] = {}
    for r in rows:
        line = int(r["_line"])
        if r["id"] in out:
            problems.append(Problem(f"duplicate source id {r['id']!r}", file=str(path), line=line))
            continue
        if r["kind"] not in SOURCE_KINDS:
            problems.append(
                Problem(
                    f"unknown source kind {r['kind']!r}",
                    file=str(path),
                    key=r["id"],
                    line=line,
                    fix=f"use one of {', '.join(SOURCE_KINDS)}",
                )
            )
        if not r["url"] and r["kind"] not in ("computed", "seed", "statute"):
            problems.append(Problem("a source needs a URL", file=str(path), key=r["id"], line=line))
        try:
            tier = int(r["tier"])
        except ValueError:
            problems.append(
                Problem("tier must be 1, 2 or 3", file=str(path), key=r["id"], line=line)
            )
            tier = 3
        out[r["id"]] = Source(
            id=r["id"],
            title=r["title"],
            publisher=r["publisher"],
            date=r["date"],
            url=r["url"],
            kind=r["kind"],
            tier=tier,
            via=r.get("via", ""),
            note=r.get("note", ""),
        )
    return out


def _read_values(
    path: Path,
    regions: set[str],
    indicators: dict[str, Indicator],
    sources: dict[str, Source],
    problems: list[Problem],
    *,
    large: bool | None = None,
) -> ValueTable:
    """The rows of a values file as a :class:`~siting.data.values.ValueTable` (unresolved).

    Files over :data:`LARGE_VALUES_FILE` bytes (or ``large=True``) are checked by column
    (:func:`_read_values_large`); the result and the problems are the same."""
    from siting.data.values import ValueTable

    if large is None:
        large = path.exists() and path.stat().st_size > LARGE_VALUES_FILE
    if large:
        return _read_values_large(path, regions, indicators, sources, problems)

    rows = _read_csv(
        path, ("region", "indicator", "period", "value", "unit", "source", "quote"), problems
    )
    out: dict[str, list[Any]] = {
        k: [] for k in ("region", "indicator", "period", "value", "source", "quote", "note")
    }
    out["line"], out["status"] = [], []
    seen_periods: set[str] = set()
    for r in rows:
        line = int(r["_line"])
        where = {"file": str(path), "line": line}
        if r["region"] not in regions:
            problems.append(
                Problem(
                    f"unknown region code {r['region']!r}",
                    key="region",
                    fix="use a code from regions.csv (e.g. 47 for 경북)",
                    **where,
                )
            )
            continue
        if r["indicator"] not in indicators:
            problems.append(
                Problem(
                    f"unknown indicator {r['indicator']!r}",
                    key="indicator",
                    fix="define it in indicators.yaml first",
                    **where,
                )
            )
            continue
        unit = indicators[r["indicator"]].unit
        if r["unit"] != unit:
            problems.append(
                Problem(
                    f"unit {r['unit']!r} does not match the definition ({unit!r})",
                    key="unit",
                    fix=f"convert the value to {unit} and write unit={unit}",
                    **where,
                )
            )
        if r["period"] not in seen_periods:
            try:
                parse_period(r["period"])
            except ValueError as exc:
                problems.append(Problem(str(exc), key="period", **where))
                continue
            seen_periods.add(r["period"])
        value: float | None
        if r["value"] == "":
            value = None
            if not r.get("note"):
                problems.append(
                    Problem(
                        "an empty value (a gap) needs a note saying what was searched",
                        key="note",
                        **where,
                    )
                )
            if r["source"] and r["quote"]:
                problems.append(blank_with_quote(where))
        else:
            try:
                value = _parse_number(r["value"])
            except ValueError:
                problems.append(
                    Problem(
                        f"value {r['value']!r} is not a number",
                        key="value",
                        fix="write a plain number such as 262.6 (units go in indicators.yaml)",
                        **where,
                    )
                )
                continue
            if not math.isfinite(value):
                problems.append(
                    Problem(
                        f"value {r['value']!r} is NaN or infinite",
                        key="value",
                        fix="write a finite number, or leave the value empty (a gap) with a note",
                        **where,
                    )
                )
                continue
            if not r["source"]:
                problems.append(Problem("a value needs a source id", key="source", **where))
            elif r["source"] not in sources:
                problems.append(
                    Problem(
                        f"unknown source {r['source']!r}",
                        key="source",
                        fix="add it to sources.csv",
                        **where,
                    )
                )
            if (
                not r["quote"]
                and sources.get(r["source"]) is not None
                and (sources[r["source"]].kind != "computed")
            ):
                problems.append(
                    Problem("a value needs a quote or paraphrase", key="quote", **where)
                )
            rng = indicators[r["indicator"]].range
            if rng and not (rng[0] <= value <= rng[1]):
                problems.append(
                    Problem(
                        f"value {value:g} is outside the plausible range {rng[0]:g}..{rng[1]:g} "
                        f"{indicators[r['indicator']].unit}",
                        key="value",
                        fix="check the unit (indicators.yaml) and the source",
                        **where,
                    )
                )
        if len(r["quote"]) > MAX_QUOTE:
            problems.append(
                Problem(
                    f"quote is {len(r['quote'])} characters; keep it under ~200",
                    key="quote",
                    fix="shorten it to the sentence that states the value",
                    **where,
                )
            )
        for k in ("region", "indicator", "period", "source", "quote"):
            out[k].append(r[k])
        out["note"].append(r.get("note", ""))
        out["value"].append(value)
        out["line"].append(line)
        out["status"].append(_status(value, r.get("quote_type", "")))
    table = ValueTable.from_rows(out)
    problems.extend(duplicate_rows(list(table), str(path)))
    return table


_OBS_INDEX_MAX = 500_000  # rows: up to this, observations() uses an index built once
LARGE_CHUNK = 200_000  # rows per chunk when reading a large values file
LARGE_VALUES_FILE = 8_000_000  # bytes: larger values files are read by pandas, checked by column
VALUE_COLUMNS = ("region", "indicator", "period", "value", "unit", "source", "quote")


def _read_values_large(
    path: Path,
    regions: set[str],
    indicators: dict[str, Indicator],
    sources: dict[str, Source],
    problems: list[Problem],
) -> ValueTable:
    """:func:`_read_values` for large files: the same checks and problems (in the same order),
    computed on the distinct strings of each column (pandas reads and factorises the file)
    instead of row by row."""
    import numpy as np
    import pandas as pd

    from siting.data.values import TEXT, ValueTable

    wanted = (*VALUE_COLUMNS, "note", "quote_type")
    # per column and chunk: the chunk's codes and its distinct (stripped) strings
    parts: dict[str, list[tuple[np.ndarray, list[str]]]] = {c: [] for c in wanted}
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
        missing = [c for c in VALUE_COLUMNS if c not in header]
        if not missing:
            # in chunks, so only one chunk of text cells is held at a time
            for chunk in pd.read_csv(
                path,
                dtype=object,
                keep_default_na=False,
                encoding="utf-8-sig",
                chunksize=LARGE_CHUNK,
            ):
                for c in wanted:
                    if c not in chunk.columns:
                        parts[c].append((np.zeros(len(chunk), dtype=np.int64), [""]))
                        continue
                    k, u = pd.factorize(chunk[c].fillna(""), sort=False)
                    clean = [s.strip() for s in np.asarray(u, dtype=object).tolist()]
                    parts[c].append((k, clean))
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return _read_values(path, regions, indicators, sources, problems, large=False)
    if missing:
        problems.append(
            Problem(
                f"missing column(s) {', '.join(missing)}",
                file=str(path),
                line=1,
                fix=f"the header must contain: {', '.join(VALUE_COLUMNS)}",
            )
        )
        return ValueTable.empty()
    codes: dict[str, np.ndarray] = {}
    cats: dict[str, list[str]] = {}
    for c in wanted:
        if not parts[c]:
            codes[c], cats[c] = np.zeros(0, dtype=np.int64), [""]
            continue
        # one code space for the whole file: factorise the chunks' distinct strings together
        every = np.empty(sum(len(u) for _, u in parts[c]), dtype=object)
        start, offsets = 0, []
        for _, u in parts[c]:
            every[start : start + len(u)] = u
            offsets.append(start)
            start += len(u)
        g, uniq = pd.factorize(every, sort=False)
        pairs = zip(offsets, parts[c], strict=True)
        codes[c] = np.concatenate([g[off + k] for off, (k, _) in pairs])
        cats[c] = np.asarray(uniq, dtype=object).tolist()
        parts[c] = []
    n = len(codes["region"])

    def per_cat(c: str, f) -> np.ndarray:  # type: ignore[no-untyped-def]
        """f of each distinct string of column c, taken for every row."""
        return np.asarray([f(s) for s in cats[c]] or [False])[codes[c]]

    def is_empty(c: str) -> np.ndarray:
        return per_cat(c, lambda s: s == "")

    def at(c: str, i: int) -> str:
        return cats[c][codes[c][i]]

    line = np.arange(2, n + 2)
    blank = np.ones(n, dtype=bool)
    for c in codes:
        blank &= is_empty(c)
    found: list[tuple[int, int, Problem]] = []  # (row, check order, problem)
    fname = str(path)

    def report(mask: np.ndarray, order: int, make) -> None:  # type: ignore[no-untyped-def]
        for i in np.flatnonzero(mask):
            found.append((int(i), order, make(int(i))))

    def where(i: int) -> dict[str, Any]:
        return {"file": fname, "line": int(line[i])}

    alive = ~blank
    bad = alive & ~per_cat("region", lambda s: s in regions)
    report(
        bad,
        0,
        lambda i: Problem(
            f"unknown region code {at('region', i)!r}",
            key="region",
            fix="use a code from regions.csv (e.g. 47 for 경북)",
            **where(i),
        ),
    )
    alive &= ~bad
    bad = alive & ~per_cat("indicator", lambda s: s in indicators)
    report(
        bad,
        1,
        lambda i: Problem(
            f"unknown indicator {at('indicator', i)!r}",
            key="indicator",
            fix="define it in indicators.yaml first",
            **where(i),
        ),
    )
    alive &= ~bad
    unit_code = {s: j for j, s in enumerate(cats["unit"])}
    expected = per_cat(
        "indicator",
        lambda s: unit_code.get(indicators[s].unit, -1) if s in indicators else -1,
    )
    bad = alive & (expected != codes["unit"])

    def unit_problem(i: int) -> Problem:
        unit = indicators[at("indicator", i)].unit
        return Problem(
            f"unit {at('unit', i)!r} does not match the definition ({unit!r})",
            key="unit",
            fix=f"convert the value to {unit} and write unit={unit}",
            **where(i),
        )

    report(bad, 2, unit_problem)
    period_errors: dict[str, str] = {}
    for p in cats["period"]:
        try:
            parse_period(p)
        except ValueError as exc:
            period_errors[p] = str(exc)
    if period_errors:
        bad = alive & per_cat("period", lambda s: s in period_errors)
        report(
            bad,
            3,
            lambda i: Problem(period_errors[at("period", i)], key="period", **where(i)),
        )
        alive &= ~bad
    empty = is_empty("value")
    gap = alive & empty
    report(
        gap & is_empty("note"),
        4,
        lambda i: Problem(
            "an empty value (a gap) needs a note saying what was searched",
            key="note",
            **where(i),
        ),
    )
    texts = [s.replace(",", "") for s in cats["value"]]
    parsed_cat = np.array(pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce"), float)
    not_number_cat = np.zeros(len(texts), dtype=bool)
    for k in np.flatnonzero(np.isnan(parsed_cat)):  # 'nan' or not a number: ask float() itself
        if texts[k] == "":
            continue
        try:
            x = float(texts[k])
        except ValueError:
            not_number_cat[k] = True
        else:
            parsed_cat[k] = x
    num = alive & ~empty
    value = np.where(num, parsed_cat[codes["value"]], np.nan)
    bad = num & not_number_cat[codes["value"]]
    report(
        bad,
        5,
        lambda i: Problem(
            f"value {at('value', i)!r} is not a number",
            key="value",
            fix="write a plain number such as 262.6 (units go in indicators.yaml)",
            **where(i),
        ),
    )
    alive &= ~bad
    num &= ~bad
    value[~num] = np.nan
    bad = num & ~np.isfinite(value)
    report(
        bad,
        6,
        lambda i: Problem(
            f"value {at('value', i)!r} is NaN or infinite",
            key="value",
            fix="write a finite number, or leave the value empty (a gap) with a note",
            **where(i),
        ),
    )
    alive &= ~bad
    num &= ~bad
    no_source = is_empty("source")
    known = per_cat("source", lambda s: s in sources)
    report(
        num & no_source,
        7,
        lambda i: Problem("a value needs a source id", key="source", **where(i)),
    )
    report(
        num & ~no_source & ~known,
        7,
        lambda i: Problem(
            f"unknown source {at('source', i)!r}",
            key="source",
            fix="add it to sources.csv",
            **where(i),
        ),
    )
    computed = per_cat("source", lambda s: s in sources and sources[s].kind == "computed")
    report(
        num & is_empty("quote") & known & ~computed,
        8,
        lambda i: Problem("a value needs a quote or paraphrase", key="quote", **where(i)),
    )

    def bound(j: int):  # type: ignore[no-untyped-def]
        return lambda s: (
            indicators[s].range[j]  # type: ignore[index]
            if s in indicators and indicators[s].range
            else np.nan
        )

    lo = per_cat("indicator", bound(0)).astype(float)
    hi = per_cat("indicator", bound(1)).astype(float)
    with np.errstate(invalid="ignore"):
        bad = num & ~np.isnan(lo) & ~((lo <= value) & (value <= hi))

    def range_problem(i: int) -> Problem:
        ind = indicators[at("indicator", i)]
        assert ind.range is not None
        return Problem(
            f"value {value[i]:g} is outside the plausible range {ind.range[0]:g}.."
            f"{ind.range[1]:g} {ind.unit}",
            key="value",
            fix="check the unit (indicators.yaml) and the source",
            **where(i),
        )

    report(bad, 9, range_problem)
    report(
        alive & per_cat("quote", lambda s: len(s) > MAX_QUOTE),
        10,
        lambda i: Problem(
            f"quote is {len(at('quote', i))} characters; keep it under ~200",
            key="quote",
            fix="shorten it to the sentence that states the value",
            **where(i),
        ),
    )
    problems.extend(p for _, _, p in sorted(found, key=lambda t: (t[0], t[1])))
    keep = np.flatnonzero(alive)
    out: dict[str, np.ndarray] = {}
    out_cats: dict[str, list[str]] = {}
    for c in TEXT:
        if c in codes:
            out[c], out_cats[c] = codes[c][keep].astype(np.int32), cats[c]
        else:
            out[c], out_cats[c] = np.zeros(keep.size, dtype=np.int32), [""]
    out["value"] = value[keep]
    out["line"] = line[keep].astype(np.int32)
    status = np.where(np.isnan(out["value"]), 2, 0).astype(np.int8)
    if "quote_type" in codes:  # a printed figure its own source contradicts: never used
        for rejected in REJECTED_QUOTE_TYPES:
            mis = _find_code(cats["quote_type"], rejected)
            status[(codes["quote_type"][keep] == mis) & (status == 0)] = 3
    out["status"] = status
    table = ValueTable(out, out_cats)
    problems.extend(_duplicate_rows_columnar(table, str(path)))
    return table


def _duplicate_rows_columnar(table: ValueTable, file: str) -> list[Problem]:
    """:func:`siting.data._csvfiles.duplicate_rows` on the columns (same problems, same order)."""
    import numpy as np

    c, cats = table.cols, table.cats
    empty_src = _find_code(cats["source"], "")
    rows = np.flatnonzero(~np.isnan(c["value"]) & (c["source"] != empty_src))
    if rows.size < 2:
        return []
    key = np.stack(
        [c[k][rows].astype(np.int64) for k in ("region", "indicator", "period", "source")]
    )
    _, first_idx, inverse = np.unique(key, axis=1, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    dup = np.flatnonzero(first_idx[inverse] != np.arange(rows.size))
    out = []
    for j in dup:
        v, prev = rows[j], rows[first_idx[inverse[j]]]
        this_value, prev_value = float(c["value"][v]), float(c["value"][prev])
        prev_line = int(c["line"][prev])
        if prev_value == this_value:
            msg = f"duplicate row: line {prev_line} has the same value from the same source"
            fix = "delete one of the two rows"
        else:
            msg = (
                f"conflicting value from the same source: line {prev_line} says "
                f"{prev_value:g}, this row {this_value:g}"
            )
            fix = "keep the value the source states for this period; delete the other row"
        key_text = f"{cats['region'][c['region'][v]]}.{cats['indicator'][c['indicator'][v]]}"
        out.append(Problem(msg, file=file, line=int(c["line"][v]), key=key_text, fix=fix))
    return out


def _status(value: float | None, quote_type: str) -> str:
    """gap for an empty value; rejected for a figure its own source contradicts (quote_type
    misprint) or whose printed inputs show another basis than the indicator's definition
    (quote_type wrong_basis): never used, kept visible; else used (until conflicts are resolved)."""
    if value is None:
        return "gap"
    return "rejected" if quote_type in REJECTED_QUOTE_TYPES else "used"


REJECTED_QUOTE_TYPES = ("misprint", "wrong_basis")


def resolve_conflicts(values: list[Value], sources: dict[str, Source]) -> list[Value]:
    """Choose one value per (region, indicator, period); keep the rest as superseded.

    Rule (documented in data/README.md): the source with the lowest tier wins
    (1 = the statistics publisher itself, 2 = a report quoting the statistic, 3 = editorial,
    blog or a peer project); among equal tiers the most recently published source wins;
    then the row that comes first in values.csv. Vectorised in
    :func:`siting.data.values.resolve_table`.
    """
    from siting.data.values import ValueTable, resolve_table

    return list(resolve_table(ValueTable.from_values(values), sources))


LEVELS = ("sido", "sigungu")


def load_dataset(
    path: str | Path | None = None,
    *,
    strict: bool = True,
    level: str = "sido",
    cache: bool | None = None,
) -> Dataset:
    """Read and check a data folder. With ``strict`` any error raises :class:`SitingError`.

    ``level="sigungu"`` returns the 시군구 dataset (see :mod:`siting.data.sigungu`). A strict load
    reuses the compiled cache (:mod:`siting.data.cache`) when no data file changed since it was
    written; ``cache=False`` (or ``--no-cache``, ``SITING_NO_CACHE=1``) reads the files."""
    if level not in LEVELS:
        raise SitingError(f"unknown level {level!r}", key="--level", fix="use sido or sigungu")
    from siting.data import cache as _cache

    root = data_dir(path)
    use = _cache.enabled() if cache is None else cache
    if not (use and strict and root.is_dir()):
        return _load_files(path, strict=strict, level=level, cache=use)
    try:
        digest = _cache.key(root, level)
    except OSError:  # an unreadable file: the loader reports it
        return _load_files(path, strict=strict, level=level, cache=use)
    ds = _cache.load(root, level, digest)
    if ds is None:
        ds = _load_files(path, strict=strict, level=level, cache=use)
        try:
            if _cache.key(root, level) == digest:  # unchanged while it was read
                _cache.store(ds, digest)
        except OSError:
            pass
    return ds


def _load_files(
    path: str | Path | None, *, strict: bool, level: str, cache: bool | None
) -> Dataset:
    """Read, resolve and check the files (no cache for this level)."""
    if level == "sigungu":
        from siting.data.sigungu import load_sigungu

        ds = load_sigungu(load_dataset(path, strict=strict, cache=cache))

        ds.problems[:] = collapse_missing_files(ds.problems, ds.root)
        errors = [p for p in ds.problems if p.severity == "error"]
        if strict and errors:
            raise SitingError.from_problems(
                errors, summary=f"the 시군구 data in {ds.root} has {len(errors)} problem(s)"
            )
        return ds
    from siting.data.values import resolve_with_input_tiers

    root = data_dir(path)
    problems: list[Problem] = []
    if not root.is_dir():
        raise SitingError(
            "data folder not found",
            file=str(root),
            fix="pass --data DIR pointing at a folder with regions.csv, indicators.yaml, "
            "values.csv",
        )
    regions = _read_csv(
        root / REGION_FILE,
        ("code", "name_ko", "short_ko", "name_en", "short_en", "aliases"),
        problems,
    )

    regions = unique_regions(regions, root / REGION_FILE, problems)
    indicators = _read_indicators(root / INDICATOR_FILE, problems)
    sources = _read_sources(root / SOURCE_FILE, problems)
    values = _read_values(
        root / VALUE_FILE, {r["code"] for r in regions}, indicators, sources, problems
    )
    values = resolve_with_input_tiers(values, sources, indicators)
    facilities = (
        _read_csv(
            root / FACILITY_FILE,
            ("id", "kind", "name_ko", "name_en", "sido", "lat", "lon", "status", "source"),
            problems,
        )
        if (root / FACILITY_FILE).exists()
        else []
    )
    decisions = (
        read_decisions(root / DECISION_FILE, problems) if (root / DECISION_FILE).exists() else []
    )
    ds = Dataset(root, regions, indicators, sources, values, facilities, decisions, problems)
    from siting.data.checks import check_dataset

    problems.extend(check_dataset(ds))
    problems[:] = collapse_missing_files(problems, root)
    errors = [p for p in problems if p.severity == "error"]
    if strict and errors:
        raise SitingError.from_problems(
            errors, summary=f"the data in {root} has {len(errors)} problem(s)"
        )
    return ds


def value_tier(ds: Dataset, v: Value) -> int | None:
    """The tier of a value: its source's, or for a computed value the weakest of its inputs'."""
    from siting.data.values import input_tier

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


def _find_code(items: list[str], value: str) -> int:
    try:
        return items.index(value)
    except ValueError:
        return -1


def _source_date(sources: dict[str, Source], source_id: str) -> str:
    """A sortable publication date ('' when unknown, so it sorts as oldest)."""
    s = sources.get(source_id)
    return s.date if s and s.date[:4].isdigit() else ""
