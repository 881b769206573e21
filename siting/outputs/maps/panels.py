"""Side panels of the map model: a result layer's overview (scenario, weights, warnings) and
the text overview of a metric layer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from siting.data.levels import Level
from siting.outputs.maps.model import ComparisonPanel, Overview, TextOverview
from siting.outputs.maps.style import T
from siting.scenario.text import text

if TYPE_CHECKING:
    from siting.data.dataset import Dataset
    from siting.engine.result import Result

__all__ = ["overview", "text_overview"]


def _own_count(result: Result, criterion: str, period: str) -> int:
    ds = result.dataset
    return sum(
        1
        for code in result.regions
        if (v := ds.lookup(code, criterion, period)) is not None and not v.inherited
    )


def _where(ds: Dataset, codes: list[str], lang: str) -> str:
    """Regions by name; at 시군구 level counted per province."""
    if ds.level != Level.SIGUNGU or ds.parent is None:
        return ", ".join(ds.region_name(c, lang) for c in codes)
    per: dict[str, int] = {}
    for c in codes:
        sido = ds.region_by_code[c]["sido"]
        per[sido] = per.get(sido, 0) + 1
    t = T[lang]
    return ", ".join(
        f"{ds.parent.region_name(p, lang)} {t['n_units'].format(n=n)}"
        for p, n in sorted(per.items())
    )


def overview(result: Result, key: str, lang: str) -> Overview:
    """The right panel's default content: the scenario, its weights and caveats. At 시군구
    level the weights table also says which criteria have the units' own data."""
    t = T[lang]
    ds = result.dataset
    sig = ds.level == Level.SIGUNGU
    weights = []
    for c in sorted(result.criteria, key=lambda c: (-c.weight, c.id)):
        own = None
        if sig:
            n_own = _own_count(result, c.id, c.period)
            own = t["from_sido"] if n_own == 0 else str(n_own)
        weights.append(
            (
                c.indicator.name(lang),
                f"{100 * c.weight:.1f}%",
                f"{c.coverage}/{len(result.regions)}",
                own,
            )
        )
    notes = list(result.warnings)
    if result.imputations:
        by: dict[str, list[str]] = {}
        for imp in result.imputations:
            by.setdefault(imp.criterion, []).append(imp.region)
        names = {c.id: c.indicator.name(lang) for c in result.criteria}
        notes.append(
            t["imputations"]
            + ": "
            + "; ".join(f"{names.get(k, k)} ({_where(ds, v, lang)})" for k, v in by.items())
        )
    return Overview(
        key=key,
        title=result.scenario.name,
        description=text(result.scenario.description, lang).strip(),
        hint=t["hint_sigungu" if sig else "hint"],
        weights=tuple(weights),
        notes=tuple(notes),
    )


def text_overview(
    key: str, title: str, paragraphs: Sequence[str], comparison: ComparisonPanel | None = None
) -> TextOverview:
    """An overview panel for a metric layer: a title and paragraphs (empty ones dropped)."""
    return TextOverview(key, title, tuple(p for p in paragraphs if p), comparison)
