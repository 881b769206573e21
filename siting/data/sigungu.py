"""The 시군구 level: ~230 units with province values inherited and data of their own.

Units (see :mod:`siting.data.sigungu_units`) and their data come from three places:

* ``data/sigungu/units.csv`` — codes, names, aliases (built by ``scripts/build_sigungu.py``);
* ``data/sigungu/values*.csv`` — values measured at 시군구 level (distances and counts computed
  from the NGII boundaries and ``facilities.csv``, and the families of the build scripts);
* every 시도 value, inherited by the province's units and marked as inherited.

A unit-level value always wins over an inherited one for the same indicator and period.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from siting._errors import Problem
from siting.data.layout import UNIT_COLUMNS, UNITS_FILE, level_files
from siting.data.levels import Level
from siting.data.model import Dataset
from siting.data.records import Source
from siting.data.tables import read_csv, read_indicators, read_sources
from siting.data.value_file import read_values
from siting.data.values import Categories, ValueTable, resolve_with_input_tiers


def load_sigungu(sido: Dataset) -> Dataset:
    """The 시군구 dataset built on a loaded 시도 dataset."""
    root = sido.root
    problems: list[Problem] = []
    units = read_csv(root / UNITS_FILE, tuple(UNIT_COLUMNS), problems)
    for u in units:
        u.pop("_line", None)
    files = [rel for rel in level_files(root) if (root / rel).exists()]
    sources = _sources(root, files, dict(sido.sources), problems)
    indicators = dict(sido.indicators)
    for rel in files:
        if rel.suffix == ".yaml":
            indicators.update(read_indicators(root / rel, problems))
    codes = {u["code"] for u in units}
    own = ValueTable.concat(
        [
            read_values(root / rel, codes, indicators, sources, problems)
            for rel in files
            if rel.name.startswith("values")
        ]
    )
    inherited = inherit(sido.values, own, units)
    values = ValueTable.concat(
        [resolve_with_input_tiers(own, sources, indicators, context=[inherited]), inherited]
    )
    return Dataset(
        root,
        units,
        indicators,
        sources,
        values,
        sido.facilities,
        sido.decisions,
        problems + list(sido.problems),
        level=Level.SIGUNGU,
        parent=sido,
    )


def _sources(
    root: Path, files: list[Path], sources: dict[str, Source], problems: list[Problem]
) -> dict[str, Source]:
    """The 시도 sources plus those of the 시군구 source files (an id defined twice: a problem)."""
    for rel in files:
        if rel.name.startswith("sources"):
            for sid, src in read_sources(root / rel, problems).items():
                if sid in sources:
                    problems.append(Problem(f"duplicate source id {sid!r}", file=str(root / rel)))
                sources[sid] = src
    return sources


def inherit(parent: ValueTable, own: ValueTable, units: list[dict[str, str]]) -> ValueTable:
    """Every 시도 row repeated for each unit of its province, marked inherited, except where the
    unit has its own value (or its own documented gap) for the same indicator and period."""
    members: dict[str, list[str]] = {}
    for u in units:
        members.setdefault(u["sido"], []).append(u["code"])
    pc = parent.cols
    prov = parent.cats["region"]
    unit_cat = Categories()
    lists = [unit_cat.codes(members.get(p, [])) for p in prov]
    counts = np.array([len(x) for x in lists] or [0], dtype=np.int64)[pc["region"]]
    rows = np.repeat(np.arange(len(parent)), counts)
    flat = [lists[p] for p in pc["region"]]
    unit_codes = np.concatenate(flat).astype(np.int32) if flat else np.zeros(0, dtype=np.int32)
    # keys (unit, indicator, period) in a shared code space
    ind, per = Categories(), Categories()
    ind_p = ind.codes(parent.cats["indicator"])
    per_p = per.codes(parent.cats["period"])
    ind_o = ind.codes(own.cats["indicator"])
    per_o = per.codes(own.cats["period"])
    unit_o = unit_cat.codes(own.cats["region"])
    shape = (max(len(unit_cat.items), 1), max(len(ind.items), 1), max(len(per.items), 1))
    key_p = np.ravel_multi_index(
        (
            unit_codes.astype(np.int64),
            ind_p[pc["indicator"][rows]] if rows.size else rows,
            per_p[pc["period"][rows]] if rows.size else rows,
        ),
        shape,
    )
    oc = own.cols
    key_o = (
        np.ravel_multi_index(
            (unit_o[oc["region"]].astype(np.int64), ind_o[oc["indicator"]], per_o[oc["period"]]),
            shape,
        )
        if len(own)
        else np.zeros(0, dtype=np.int64)
    )
    keep = ~np.isin(key_p, key_o)
    out = parent.take(rows[keep])
    inherited_from = out.cols["region"]
    out = out.with_column("region", unit_codes[keep], unit_cat.items)
    return out.with_column("inherited", inherited_from, list(prov))
