"""Loading a data folder: regions, indicator definitions, sourced values, facilities, decisions.

Everything is read from plain files in a data folder (CSV and YAML) and checked on load.
Conflicting values for the same region, indicator and period are all kept; one is chosen by
the rule in :func:`resolve_conflicts` and the others stay visible as superseded. A strict load
reuses the compiled cache (:mod:`siting.data.cache`) when no data file changed.

The records and the in-memory dataset live in :mod:`siting.data.records` and
:mod:`siting.data.model`; they are importable from here too.
"""

from __future__ import annotations

from pathlib import Path

from siting._errors import Problem, SitingError
from siting._paths import data_dir
from siting.data import cache as _cache
from siting.data._csvfiles import collapse_missing_files
from siting.data.checks import check_dataset
from siting.data.layout import (
    DECISION_FILE,
    FACILITY_FILE,
    INDICATOR_FILE,
    REGION_FILE,
    SOURCE_FILE,
    VALUE_FILE,
)
from siting.data.levels import Level
from siting.data.model import Dataset, describe_value, value_tier
from siting.data.records import Indicator, Source, Value
from siting.data.sigungu import load_sigungu
from siting.data.tables import (
    DECISION_COLUMNS,
    FACILITY_COLUMNS,
    read_indicators,
    read_optional,
    read_regions,
    read_sources,
)
from siting.data.value_file import read_values
from siting.data.values import ValueTable, resolve_table, resolve_with_input_tiers

__all__ = [
    "Dataset",
    "Indicator",
    "Source",
    "Value",
    "describe_value",
    "load_dataset",
    "resolve_conflicts",
    "value_tier",
]


def resolve_conflicts(values: list[Value], sources: dict[str, Source]) -> list[Value]:
    """Choose one value per (region, indicator, period); keep the rest as superseded.

    Rule (documented in data/README.md): the source with the lowest tier wins
    (1 = the statistics publisher itself, 2 = a report quoting the statistic, 3 = editorial,
    blog or a peer project); among equal tiers the most recently published source wins;
    then the row that comes first in values.csv. Vectorised in
    :func:`siting.data.values.resolve_table`.
    """
    return list(resolve_table(ValueTable.from_values(values), sources))


def load_dataset(
    path: str | Path | None = None,
    *,
    strict: bool = True,
    level: str | Level = Level.SIDO,
    cache: bool | None = None,
) -> Dataset:
    """Read and check a data folder. With ``strict`` any error raises :class:`SitingError`.

    ``level="sigungu"`` returns the 시군구 dataset (see :mod:`siting.data.sigungu`). A strict load
    reuses the compiled cache (:mod:`siting.data.cache`) when no data file changed since it was
    written; ``cache=False`` (or ``--no-cache``, ``SITING_NO_CACHE=1``) reads the files."""
    try:
        lvl = Level.parse(level)
    except ValueError:
        raise SitingError(
            f"unknown level {level!r}", key="--level", fix="use sido or sigungu"
        ) from None
    root = data_dir(path)
    use = _cache.enabled() if cache is None else cache
    if not (use and strict and root.is_dir()):
        return _load_files(path, strict=strict, level=lvl, cache=use)
    try:
        digest = _cache.key(root, lvl)
    except OSError:  # an unreadable file: the loader reports it
        return _load_files(path, strict=strict, level=lvl, cache=use)
    ds = _cache.load(root, lvl, digest)
    if ds is None:
        ds = _load_files(path, strict=strict, level=lvl, cache=use)
        try:
            if _cache.key(root, lvl) == digest:  # unchanged while it was read
                _cache.store(ds, digest)
        except OSError:
            pass
    return ds


def _load_files(path: str | Path | None, *, strict: bool, level: Level, cache: bool) -> Dataset:
    """Read, resolve and check the files (no cache for this level)."""
    if level is Level.SIGUNGU:
        ds = load_sigungu(load_dataset(path, strict=strict, cache=cache))
        what = "the 시군구 data"
    else:
        ds = _read_sido(data_dir(path))
        ds.problems.extend(check_dataset(ds))
        what = "the data"
    ds.problems[:] = collapse_missing_files(ds.problems, ds.root)
    errors = [p for p in ds.problems if p.severity == "error"]
    if strict and errors:
        summary = f"{what} in {ds.root} has {len(errors)} problem(s)"
        raise SitingError.from_problems(errors, summary=summary)
    return ds


def _read_sido(root: Path) -> Dataset:
    """The 시도 files of a data folder, values resolved (checks across files not run yet)."""
    if not root.is_dir():
        raise SitingError(
            "data folder not found",
            file=str(root),
            fix="pass --data DIR pointing at a folder with regions.csv, indicators.yaml, "
            "values.csv",
        )
    problems: list[Problem] = []
    regions = read_regions(root / REGION_FILE, problems)
    indicators = read_indicators(root / INDICATOR_FILE, problems)
    sources = read_sources(root / SOURCE_FILE, problems)
    codes = {r["code"] for r in regions}
    values = read_values(root / VALUE_FILE, codes, indicators, sources, problems)
    values = resolve_with_input_tiers(values, sources, indicators)
    facilities = read_optional(root / FACILITY_FILE, FACILITY_COLUMNS, problems)
    decisions = read_optional(root / DECISION_FILE, DECISION_COLUMNS, problems)
    return Dataset(root, regions, indicators, sources, values, facilities, decisions, problems)
