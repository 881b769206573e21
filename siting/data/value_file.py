"""Reading a values file: one checking path over the file's columns.

The file is split into columns of category codes (each distinct string once) by the ``csv``
module, or for files over :data:`LARGE_VALUES_FILE` bytes by pandas in chunks; then every rule
runs once per column on the distinct strings (:class:`~siting.data.rows.ValueRow`, validated by
pydantic) and is taken to the rows with numpy. Problems come out in file order, and within a
row in the order of the rules below.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from siting._errors import Problem
from siting.data._csvfiles import blank_with_quote, missing_columns
from siting.data.records import REJECTED_QUOTE_TYPES, Indicator, Source
from siting.data.rows import parse_numbers, validate_column
from siting.data.tables import read_csv
from siting.data.values import GAP, MISPRINT, TEXT, USED, Categories, ValueTable, find_code

VALUE_COLUMNS = ("region", "indicator", "period", "value", "unit", "source", "quote")
WANTED = (*VALUE_COLUMNS, "note", "quote_type")
LARGE_CHUNK = 200_000  # rows per chunk when reading a large values file
LARGE_VALUES_FILE = 8_000_000  # bytes: larger values files are tokenised by pandas

Columns = dict[str, tuple[np.ndarray, list[str]]]  # column -> (codes per row, distinct strings)


def read_values(
    path: Path,
    regions: set[str],
    indicators: dict[str, Indicator],
    sources: dict[str, Source],
    problems: list[Problem],
    *,
    large: bool | None = None,
) -> ValueTable:
    """The rows of a values file as a :class:`~siting.data.values.ValueTable` (unresolved);
    every broken rule is appended to ``problems``. ``large`` picks the tokeniser (default: by
    size); the rows and the problems are the same either way."""
    if large is None:
        large = path.exists() and path.stat().st_size > LARGE_VALUES_FILE
    read = _columns_by_pandas if large else _columns_by_csv
    got = read(path, problems)
    if got is None:
        return ValueTable.empty()
    columns, line = got
    context = {"regions": regions, "indicators": indicators}
    return _ValueChecks(columns, line, str(path), indicators, sources, context).run(problems)


# ---------------------------------------------------------------------- tokenising


def _columns_by_csv(path: Path, problems: list[Problem]) -> tuple[Columns, np.ndarray] | None:
    rows = read_csv(path, VALUE_COLUMNS, problems)
    if not rows:
        return None
    columns: Columns = {}
    for c in WANTED:
        cat = Categories()
        columns[c] = (cat.codes(r.get(c, "") for r in rows), cat.items)
    return columns, np.array([int(r["_line"]) for r in rows], dtype=np.int64)


def _columns_by_pandas(path: Path, problems: list[Problem]) -> tuple[Columns, np.ndarray] | None:
    import pandas as pd

    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
        missing = missing_columns(list(header), VALUE_COLUMNS, path)
        parts = [] if missing else _chunks(path)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError):
        return _columns_by_csv(path, problems)  # it names the file and line
    if missing:
        problems.append(missing)
        return None
    columns = {c: _merge_chunks([p[c] for p in parts]) for c in WANTED}
    n = len(columns["region"][0])
    blank = np.ones(n, dtype=bool)
    for codes, cats in columns.values():
        blank &= _per_string(codes, cats, lambda s: s == "")
    keep = np.flatnonzero(~blank)  # an empty row is skipped, as the csv reader does
    line = np.arange(2, n + 2)[keep]
    return {c: (codes[keep], cats) for c, (codes, cats) in columns.items()}, line


def _chunks(path: Path) -> list[dict[str, tuple[np.ndarray, list[str]]]]:
    """Per chunk and column: codes and the chunk's distinct (stripped) strings."""
    import pandas as pd

    out = []
    # in chunks, so only one chunk of text cells is held at a time
    for chunk in pd.read_csv(
        path, dtype=object, keep_default_na=False, encoding="utf-8-sig", chunksize=LARGE_CHUNK
    ):
        part = {}
        for c in WANTED:
            if c not in chunk.columns:
                part[c] = (np.zeros(len(chunk), dtype=np.int64), [""])
                continue
            k, u = pd.factorize(chunk[c].fillna(""), sort=False)
            part[c] = (k, [s.strip() for s in np.asarray(u, dtype=object).tolist()])
        out.append(part)
    return out


def _merge_chunks(parts: list[tuple[np.ndarray, list[str]]]) -> tuple[np.ndarray, list[str]]:
    """One code space for the whole file from the chunks' codes and distinct strings."""
    cat = Categories()
    codes = [cat.codes(u)[k] for k, u in parts]
    return (np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)), cat.items


def _per_string(codes: np.ndarray, cats: list[str], f: Callable[[str], Any]) -> np.ndarray:
    """``f`` of each distinct string, taken for every row."""
    return np.asarray([f(s) for s in cats] or [False])[codes]


# ---------------------------------------------------------------------- checking


class _ValueChecks:
    """The rules of values.csv over columns; ``alive`` marks rows not dropped yet."""

    def __init__(
        self,
        columns: Columns,
        line: np.ndarray,
        file: str,
        indicators: dict[str, Indicator],
        sources: dict[str, Source],
        context: dict[str, Any],
    ) -> None:
        self.codes = {c: k for c, (k, _) in columns.items()}
        self.cats = {c: u for c, (_, u) in columns.items()}
        self.line, self.file = line, file
        self.indicators, self.sources, self.context = indicators, sources, context
        self.alive = np.ones(line.size, dtype=bool)
        self.found: list[tuple[int, int, Problem]] = []  # (row, rule order, problem)

    # helpers
    def per(self, c: str, f: Callable[[str], Any]) -> np.ndarray:
        return _per_string(self.codes[c], self.cats[c], f)

    def empty(self, c: str) -> np.ndarray:
        return self.per(c, lambda s: s == "")

    def at(self, c: str, i: int) -> str:
        return self.cats[c][self.codes[c][i]]

    def where(self, i: int) -> dict[str, Any]:
        return {"file": self.file, "line": int(self.line[i])}

    def report(self, mask: np.ndarray, order: int, make: Callable[[int], Problem]) -> None:
        self.found += [(int(i), order, make(int(i))) for i in np.flatnonzero(mask)]

    def column_rule(self, c: str, order: int, drop: bool, mask: np.ndarray | None = None) -> None:
        """Rows whose string in ``c`` breaks its ``ValueRow`` rule (distinct strings once)."""
        bad_items = validate_column(c, self.cats[c], self.context)
        if not bad_items:
            return
        bad = self.alive & np.isin(self.codes[c], list(bad_items))
        if mask is not None:
            bad &= mask

        def make(i: int) -> Problem:
            msg, fix = bad_items[int(self.codes[c][i])]
            return Problem(msg, key=c, fix=fix, **self.where(i))

        self.report(bad, order, make)
        if drop:
            self.alive &= ~bad

    # the rules, in the order they are reported within a row
    def run(self, problems: list[Problem]) -> ValueTable:
        self.column_rule("region", 0, drop=True)
        self.column_rule("indicator", 1, drop=True)
        self.unit_rule()
        self.column_rule("period", 3, drop=True)
        value, num = self.value_rules()
        self.source_rules(num)
        self.range_rule(value, num)
        self.column_rule("quote", 10, drop=False)
        problems.extend(p for _, _, p in sorted(self.found, key=lambda t: (t[0], t[1])))
        table = self.table(value)
        problems.extend(duplicate_rows(table, self.file))
        return table

    def unit_rule(self) -> None:
        inds = self.indicators
        unit_code = {s: j for j, s in enumerate(self.cats["unit"])}
        expected = self.per(
            "indicator", lambda s: unit_code.get(inds[s].unit, -1) if s in inds else -1
        )

        def make(i: int) -> Problem:
            unit = inds[self.at("indicator", i)].unit
            return Problem(
                f"unit {self.at('unit', i)!r} does not match the definition ({unit!r})",
                key="unit",
                fix=f"convert the value to {unit} and write unit={unit}",
                **self.where(i),
            )

        self.report(self.alive & (expected != self.codes["unit"]), 2, make)

    def value_rules(self) -> tuple[np.ndarray, np.ndarray]:
        """Gaps need a note (and no source and quote); numbers must parse and be finite."""
        empty = self.empty("value")
        gap = self.alive & empty
        self.report(
            gap & self.empty("note"),
            4,
            lambda i: Problem(
                "an empty value (a gap) needs a note saying what was searched",
                key="note",
                **self.where(i),
            ),
        )
        quoted = ~self.empty("source") & ~self.empty("quote")
        self.report(gap & quoted, 4, lambda i: blank_with_quote(self.where(i)))
        numbers, bad_items = parse_numbers(self.cats["value"])
        num = self.alive & ~empty
        bad = num & np.isin(self.codes["value"], list(bad_items))

        def make(i: int) -> Problem:
            msg, fix = bad_items[int(self.codes["value"][i])]
            return Problem(msg, key="value", fix=fix, **self.where(i))

        self.report(bad, 5, make)
        self.alive &= ~bad
        num &= ~bad
        parsed = np.asarray(numbers or [np.nan], dtype=float)[self.codes["value"]]
        return np.where(num, parsed, np.nan), num

    def source_rules(self, num: np.ndarray) -> None:
        sources = self.sources
        no_source = self.empty("source")
        known = self.per("source", lambda s: s in sources)
        self.report(
            num & no_source,
            7,
            lambda i: Problem("a value needs a source id", key="source", **self.where(i)),
        )
        self.report(
            num & ~no_source & ~known,
            7,
            lambda i: Problem(
                f"unknown source {self.at('source', i)!r}",
                key="source",
                fix="add it to sources.csv",
                **self.where(i),
            ),
        )
        computed = self.per("source", lambda s: s in sources and sources[s].kind == "computed")
        self.report(
            num & self.empty("quote") & known & ~computed,
            8,
            lambda i: Problem("a value needs a quote or paraphrase", key="quote", **self.where(i)),
        )

    def range_rule(self, value: np.ndarray, num: np.ndarray) -> None:
        inds = self.indicators

        def bound(j: int) -> Callable[[str], float]:
            return lambda s: r[j] if s in inds and (r := inds[s].range) else np.nan

        lo = self.per("indicator", bound(0)).astype(float)
        hi = self.per("indicator", bound(1)).astype(float)
        with np.errstate(invalid="ignore"):
            bad = num & ~np.isnan(lo) & ~((lo <= value) & (value <= hi))

        def make(i: int) -> Problem:
            ind = inds[self.at("indicator", i)]
            assert ind.range is not None
            return Problem(
                f"value {value[i]:g} is outside the plausible range {ind.range[0]:g}.."
                f"{ind.range[1]:g} {ind.unit}",
                key="value",
                fix="check the unit (indicators.yaml) and the source",
                **self.where(i),
            )

        self.report(bad, 9, make)

    def table(self, value: np.ndarray) -> ValueTable:
        keep = np.flatnonzero(self.alive)
        cols: dict[str, np.ndarray] = {}
        cats: dict[str, list[str]] = {}
        for c in TEXT:
            if c in self.codes:
                cols[c], cats[c] = self.codes[c][keep].astype(np.int32), self.cats[c]
            else:
                cols[c], cats[c] = np.zeros(keep.size, dtype=np.int32), [""]
        cols["value"] = value[keep]
        cols["line"] = self.line[keep].astype(np.int32)
        status = np.where(np.isnan(cols["value"]), GAP, USED).astype(np.int8)
        rejected = np.isin(self.cats["quote_type"], REJECTED_QUOTE_TYPES)
        status[rejected[self.codes["quote_type"][keep]] & (status == USED)] = MISPRINT
        cols["status"] = status
        return ValueTable(cols, cats)


def duplicate_rows(table: ValueTable, file: str) -> list[Problem]:
    """Rows repeating (region, indicator, period, source): exact copies or conflicts."""
    c, cats = table.cols, table.cats
    empty_src = find_code(cats["source"], "")
    rows = np.flatnonzero(~np.isnan(c["value"]) & (c["source"] != empty_src))
    if rows.size < 2:
        return []
    key = np.stack(
        [c[k][rows].astype(np.int64) for k in ("region", "indicator", "period", "source")]
    )
    _, first_idx, inverse = np.unique(key, axis=1, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    dup = np.flatnonzero(first_idx[inverse] != np.arange(rows.size))
    return [_duplicate(table, rows[j], rows[first_idx[inverse[j]]], file) for j in dup]


def _duplicate(table: ValueTable, v: int, prev: int, file: str) -> Problem:
    c, cats = table.cols, table.cats
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
    return Problem(msg, file=file, line=int(c["line"][v]), key=key_text, fix=fix)
