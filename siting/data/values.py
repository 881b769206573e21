"""Value rows held by column: numbers in numpy arrays, strings as category codes.

A :class:`ValueTable` is what a :class:`~siting.data.model.Dataset` keeps instead of one Python
object per cell. It is still a sequence of :class:`~siting.data.records.Value` (built on access, for
the few rows a command shows), so code that iterates over ``ds.values`` keeps working.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np

from siting.data.records import Source, Value

STATUSES = ("used", "superseded", "gap", "rejected")
USED, SUPERSEDED, GAP, MISPRINT = 0, 1, 2, 3
# string columns, stored as codes into a list of categories
TEXT = ("region", "indicator", "period", "source", "quote", "note", "superseded_by", "inherited")


class Categories:
    """Factorises strings: ``code(s)`` returns a stable integer per distinct string."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}
        for s in items:
            self.code(s)

    def code(self, s: str) -> int:
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.items)
            self.items.append(s)
        return i

    def codes(self, strings: Iterable[str]) -> np.ndarray:
        idx, items = self.index, self.items
        out = []
        for s in strings:
            i = idx.get(s)
            if i is None:
                i = idx[s] = len(items)
                items.append(s)
            out.append(i)
        return np.asarray(out, dtype=np.int32)


class StringBlob(Sequence[str]):
    """A read-only list of strings stored as one UTF-8 buffer and offsets; a string is decoded
    only when it is read (the quotes and notes of a cached dataset)."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def encode(cls, items: Sequence[str]) -> StringBlob:
        parts = [s.encode("utf-8") for s in items]
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in parts], out=offsets[1:])
        return cls(np.frombuffer(b"".join(parts), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return int(self.offsets.shape[0]) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.blob[a:b].tobytes().decode("utf-8")


class ValueTable(Sequence["Value"]):
    """Columns ``value`` (float, NaN for a gap), ``line`` (int), ``status`` (0 used,
    1 superseded, 2 gap) and the string columns of :data:`TEXT` as codes into ``cats``."""

    def __init__(self, cols: dict[str, np.ndarray], cats: dict[str, list[str]]) -> None:
        self.cols = cols
        self.cats = cats
        self._memo: dict[int, Value] = {}  # rows handed out, so the same row is the same object

    # ------------------------------------------------------------------ building
    @classmethod
    def empty(cls) -> ValueTable:
        cols: dict[str, np.ndarray] = {k: np.zeros(0, dtype=np.int32) for k in TEXT}
        cols["value"] = np.zeros(0)
        cols["line"] = np.zeros(0, dtype=np.int32)
        cols["status"] = np.zeros(0, dtype=np.int8)
        return cls(cols, {k: [] for k in TEXT})

    @classmethod
    def from_rows(cls, rows: dict[str, list[Any]]) -> ValueTable:
        """From lists per column (strings for :data:`TEXT`, ``None`` values for gaps)."""
        cols: dict[str, np.ndarray] = {}
        cats: dict[str, list[str]] = {}
        for k in TEXT:
            c = Categories()
            cols[k] = c.codes(rows.get(k) or [""] * len(rows["region"]))
            cats[k] = c.items
        cols["value"] = np.array(
            [np.nan if v is None else v for v in rows["value"]], dtype=float
        ).reshape(-1)
        cols["line"] = np.asarray(rows["line"], dtype=np.int32).reshape(-1)
        cols["status"] = np.asarray(
            [STATUSES.index(s) for s in rows["status"]], dtype=np.int8
        ).reshape(-1)
        return cls(cols, cats)

    @classmethod
    def from_values(cls, values: Iterable[Value]) -> ValueTable:
        if isinstance(values, ValueTable):
            return values
        vs = list(values)
        rows: dict[str, list[Any]] = {k: [getattr(v, k) for v in vs] for k in TEXT}
        rows["value"] = [v.value for v in vs]
        rows["line"] = [v.line for v in vs]
        rows["status"] = [v.status for v in vs]
        return cls.from_rows(rows)

    @classmethod
    def concat(cls, tables: Sequence[ValueTable]) -> ValueTable:
        """Rows of several tables, in order, with their categories merged."""
        tables = [t for t in tables if len(t)] or [cls.empty()]
        if len(tables) == 1:
            return tables[0]
        cols: dict[str, np.ndarray] = {}
        cats: dict[str, list[str]] = {}
        for k in TEXT:
            c = Categories()
            parts = [c.codes(t.cats[k])[t.cols[k]] for t in tables]
            cols[k] = np.concatenate(parts).astype(np.int32)
            cats[k] = c.items
        for k in ("value", "line", "status"):
            cols[k] = np.concatenate([t.cols[k] for t in tables])
        return cls(cols, cats)

    def take(self, idx: np.ndarray) -> ValueTable:
        return ValueTable({k: v[idx] for k, v in self.cols.items()}, dict(self.cats))

    def with_column(self, name: str, codes: np.ndarray, cats: list[str]) -> ValueTable:
        cols = dict(self.cols)
        cols[name] = np.asarray(codes, dtype=np.int32)
        return ValueTable(cols, {**self.cats, name: cats})

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return int(self.cols["value"].shape[0])

    @overload
    def __getitem__(self, i: int) -> Value: ...
    @overload
    def __getitem__(self, i: slice) -> list[Value]: ...
    def __getitem__(self, i: int | slice) -> Value | list[Value]:
        if isinstance(i, slice):
            return [self.row(j) for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.row(i)

    def row(self, i: int) -> Value:
        """Row ``i`` as a :class:`~siting.data.records.Value` (the same object on every call)."""
        v = self._memo.get(i)
        if v is None:
            v = self._memo[i] = self._build(i)
        return v

    def _build(self, i: int) -> Value:
        c, k = self.cols, self.cats
        x = float(c["value"][i])
        return Value(
            region=k["region"][c["region"][i]],
            indicator=k["indicator"][c["indicator"][i]],
            period=k["period"][c["period"][i]],
            value=None if x != x else x,
            source=k["source"][c["source"][i]],
            quote=k["quote"][c["quote"][i]],
            note=k["note"][c["note"][i]],
            line=int(c["line"][i]),
            status=STATUSES[c["status"][i]],
            superseded_by=k["superseded_by"][c["superseded_by"][i]],
            inherited=k["inherited"][c["inherited"][i]],
        )

    def __iter__(self) -> Iterator[Value]:
        memo = self._memo
        for i in range(len(self)):
            v = memo.get(i)
            yield self._build(i) if v is None else v

    def strings(self, name: str) -> np.ndarray:
        """A string column as an object array (for vectorised comparisons)."""
        return np.asarray(self.cats[name], dtype=object)[self.cols[name]]

    def where(self, name: str, value: str) -> np.ndarray:
        """Boolean mask of rows whose string column ``name`` equals ``value``."""
        code = find_code(self.cats[name], value)
        if code < 0:
            return np.zeros(len(self), dtype=bool)
        return self.cols[name] == code

    def distinct(self, name: str, mask: np.ndarray | None = None) -> set[str]:
        """Distinct strings of column ``name`` (over the rows in ``mask``)."""
        codes = self.cols[name] if mask is None else self.cols[name][mask]
        return {self.cats[name][c] for c in np.unique(codes)}

    def pairs(self, a: str, b: str) -> set[tuple[str, str]]:
        """Distinct (a, b) string pairs, e.g. every (indicator, period) present."""
        if not len(self):
            return set()
        nb = len(self.cats[b])
        key = np.unique(self.cols[a].astype(np.int64) * nb + self.cols[b])
        return {(self.cats[a][k // nb], self.cats[b][k % nb]) for k in key.tolist()}

    # mutation (tests and small tools build tables row by row)
    def append(self, v: Value) -> None:
        self.extend([v])

    def extend(self, values: Iterable[Value]) -> None:
        new = ValueTable.concat([self, ValueTable.from_values(list(values))])
        self.cols, self.cats = new.cols, new.cats
        self._memo = {}

    def __add__(self, other: Iterable[Value]) -> ValueTable:
        return ValueTable.concat([self, ValueTable.from_values(other)])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ValueTable({len(self)} rows)"


def find_code(items: Sequence[str], value: str) -> int:
    """The code of ``value`` in a category list, or -1."""
    try:
        return items.index(value)
    except ValueError:
        return -1


def input_tier(
    region: str,
    indicator: str,
    period: str,
    declared: int,
    computed_from: Sequence[str],
    known: set[str],
    used_tier: Callable[[str, str, str], int | None],
) -> int:
    """The tier of a computed value: the weakest (highest) tier among its inputs — the used
    values of the ``computed_from`` indicators for the same region and period (any period when
    that one has none) — and the computed source's own tier for inputs that are files."""
    tiers = [t for i in computed_from if i in known if (t := used_tier(region, i, period))]
    if any(i not in known for i in computed_from) or not tiers:
        tiers.append(declared)
    return max(tiers)


def tier_lookup(tables: Sequence[ValueTable], sources: dict[str, Source]):  # type: ignore[no-untyped-def]
    """``used_tier(region, indicator, period)`` over resolved tables: the tier of the used value,
    else the weakest tier of the used values of that indicator for the region, else None."""
    exact: dict[tuple[str, str, str], int] = {}
    loose: dict[tuple[str, str], int] = {}
    for t in tables:
        c, cats = t.cols, t.cats
        for i in np.flatnonzero(c["status"] == USED):
            key = (cats["region"][c["region"][i]], cats["indicator"][c["indicator"][i]])
            src = cats["source"][c["source"][i]]
            tier = sources[src].tier if src in sources else 9
            exact[(*key, cats["period"][c["period"][i]])] = tier
            loose[key] = max(loose.get(key, 0), tier)

    def used_tier(region: str, indicator: str, period: str) -> int | None:
        return exact.get((region, indicator, period)) or loose.get((region, indicator))

    return used_tier


def computed_row_tiers(
    table: ValueTable,
    sources: dict[str, Source],
    indicators: dict[str, Any],
    used_tier: Callable[[str, str, str], int | None],
) -> np.ndarray:
    """Per row: the source's tier, or for rows of ``computed`` sources :func:`input_tier`."""
    c, cats = table.cols, table.cats
    src = cats["source"]
    declared = np.array([sources[s].tier if s in sources else 9 for s in src] or [9])
    tiers = declared[c["source"]].astype(np.int64)
    computed = {k for k, s in enumerate(src) if s in sources and sources[s].kind == "computed"}
    for i in np.flatnonzero(np.isin(c["source"], list(computed))):
        ind = indicators.get(cats["indicator"][c["indicator"][i]])
        if ind is None or not ind.computed_from:
            continue
        tiers[i] = input_tier(
            cats["region"][c["region"][i]],
            ind.id,
            cats["period"][c["period"][i]],
            int(tiers[i]),
            ind.computed_from,
            set(indicators),
            used_tier,
        )
    return tiers


def resolve_with_input_tiers(
    table: ValueTable,
    sources: dict[str, Source],
    indicators: dict[str, Any],
    context: Sequence[ValueTable] = (),
) -> ValueTable:
    """:func:`resolve_table` where a computed value's tier is the weakest tier of its inputs
    (inputs looked up in the provisionally resolved table and in ``context``)."""
    provisional = resolve_table(table, sources)
    used_tier = tier_lookup([provisional, *context], sources)
    return resolve_table(
        table, sources, row_tiers=computed_row_tiers(table, sources, indicators, used_tier)
    )


def resolve_table(
    table: ValueTable, sources: dict[str, Source], row_tiers: np.ndarray | None = None
) -> ValueTable:
    """Vectorised conflict rule (see :func:`siting.data.dataset.resolve_conflicts`): per (region,
    indicator, period) the lowest tier wins, then the newest source date, then the earliest line,
    then the earliest row; the others become ``superseded`` with ``superseded_by = 'line N'``.
    ``row_tiers`` overrides the tier per row (computed values: their inputs' weakest tier)."""
    n = len(table)
    c = table.cols
    has = ~np.isnan(c["value"]) & (c["status"] != MISPRINT)  # a rejected row is never used
    if n == 0 or not has.any():
        return table
    src = table.cats["source"]
    tiers = np.array([sources[s].tier if s in sources else 9 for s in src] or [9], dtype=np.int64)
    dates = [sources[s].date if s in sources and sources[s].date[:4].isdigit() else "" for s in src]
    order_of_date = {d: i for i, d in enumerate(sorted(set(dates)))}
    date_rank = np.array([order_of_date[d] for d in dates] or [0], dtype=np.int64)
    sizes = (len(table.cats["region"]), len(table.cats["indicator"]), len(table.cats["period"]))
    group = np.ravel_multi_index((c["region"].astype(np.int64), c["indicator"], c["period"]), sizes)
    rows = np.flatnonzero(has)
    keys = (
        rows,
        c["line"][rows],
        -date_rank[c["source"][rows]],
        tiers[c["source"][rows]] if row_tiers is None else row_tiers[rows],
        group[rows],
    )
    order = rows[np.lexsort(keys)]
    g = group[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = g[1:] != g[:-1]
    winner_of_group = np.maximum.accumulate(np.where(first, np.arange(order.size), 0))
    winner_row = order[winner_of_group]  # for each sorted row, its group's winner row
    losers = order[~first]
    if losers.size == 0:
        return table
    status = c["status"].copy()
    status[losers] = SUPERSEDED
    sup = Categories(table.cats["superseded_by"])
    sup_codes = c["superseded_by"].copy()
    win_lines = c["line"][winner_row[~first]]
    sup_codes[losers] = sup.codes(f"line {int(x)}" for x in win_lines)
    cols = {**c, "status": status, "superseded_by": sup_codes}
    return ValueTable(cols, {**table.cats, "superseded_by": sup.items})
