"""The typed model of a map page: what :mod:`siting.outputs.maps.build` makes from results and
the templates under ``siting/_assets/templates/map`` render (every string escaped there).

Nothing here holds HTML: text is plain text, colours are ``#rrggbb``, numbers are formatted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from siting.outputs.maps.style import FacilityStyle, pct_text

__all__ = [
    "Card",
    "ComparisonPanel",
    "CriterionRow",
    "Facility",
    "FacilityGroup",
    "Gradient",
    "Kpi",
    "LayerView",
    "Legend",
    "LegendRow",
    "Link",
    "MetricLayer",
    "Overview",
    "Page",
    "Peer",
    "RowRef",
    "Table",
    "TableRow",
    "TextOverview",
    "Tick",
]


@dataclass(frozen=True)
class MetricLayer:
    """A per-region metric drawn as its own exclusive choropleth layer with its own legend.

    ``values`` maps region codes to numbers (``None`` or NaN = no value, drawn grey, or
    hatched with ``missing_pattern="excluded"``). ``diverging`` centres a red-blue ramp on
    ``center`` (values above it blue, below red; e.g. a rank change); ``percent`` shows values
    in 0..1 as percentages (e.g. P(top 3)). ``labels`` adds a line to a region's tooltip.
    """

    name: str
    values: Mapping[str, float | None]
    description: str = ""
    unit: str = ""
    domain: tuple[float, float] | None = None
    diverging: bool = False
    center: float = 0.0
    percent: bool = False
    decimals: int = 1
    signed: bool = False
    higher_is_better: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)
    missing_pattern: str = "missing"  # "excluded": hatched like excluded regions
    missing_label: str = ""  # legend text for regions without a value
    ends: tuple[str, str] = ("", "")  # captions under the two ends of the colour ramp
    short: str = ""  # column header in the table (default: name)
    notes: tuple[str, ...] = ()  # paragraphs of the side panel while the layer is shown
    card: bool = False  # also show the region's value in its card (e.g. P(top 3))

    def format(self, v: float | None) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "—"
        if self.percent and not self.signed:
            return pct_text(v, self.decimals)
        x = 100 * v if self.percent else v
        if self.percent and 0 < abs(x) < 0.5 * 10**-self.decimals:
            return f"<{10**-self.decimals:g} %"
        text = self._signed(x) if self.signed else f"{x:,.{self.decimals}f}"
        return text + (" %" if self.percent else (f" {self.unit}" if self.unit else ""))

    def _signed(self, x: float) -> str:
        """'+3', '\u22123' (a real minus sign), '0' (no sign on zero)."""
        text = f"{'+' if x > 0 else ''}{x:,.{self.decimals}f}"
        if text.startswith("-"):
            text = "\u2212" + text[1:]
        if text.lstrip("+\u2212").strip("0.,") == "":
            text = text.lstrip("+\u2212")
        return text


# ---------------------------------------------------------------------------- legend, table


@dataclass(frozen=True)
class Tick:
    text: str
    left: float  # percent along the ramp
    align: str = ""  # "first" / "last": the label at an end is aligned inwards


@dataclass(frozen=True)
class Gradient:
    css: str  # the stops of a linear-gradient()
    ticks: tuple[Tick, ...]


@dataclass(frozen=True)
class LegendRow:
    """A legend line: a mark (a swatch, a star, a badge: its CSS class and text) and a label."""

    mark_class: str
    text: str
    mark: str = ""


@dataclass(frozen=True)
class Legend:
    title: str
    gradient: Gradient
    method: str = ""  # the line under the ramp (method, or the metric's description)
    ends: tuple[str, str] = ("", "")
    rows: tuple[LegendRow, ...] = ()


@dataclass(frozen=True)
class TableRow:
    code: str
    rank: str
    name: str
    value: str
    color: str | None  # swatch colour; None: the swatch class says it (excluded, missing)
    swatch: str = ""  # extra swatch class: "st-sw-excluded", "st-sw-missing"
    excluded: bool = False
    coverage: str | None = None  # result tables: the data-coverage column
    imputed: bool = False  # result tables: '*' after the coverage


@dataclass(frozen=True)
class Table:
    key: str
    region_word: str
    value_head: str
    rows: tuple[TableRow, ...]
    metric: bool  # one value column (colspan 2) instead of score + coverage
    rank_head: str = "#"
    coverage_head: str = ""
    imputed_title: str = ""


@dataclass
class LayerView:
    """One exclusive choropleth layer: its styles, tooltips and labels (the page's JSON), and
    its legend and ranked table (HTML through the templates)."""

    key: str
    name: str
    kind: str  # "result" | "metric"
    result_index: int  # the result whose cards this layer opens
    styles: dict[str, dict[str, Any]]  # code -> {color, pattern}
    tooltip: dict[str, list[str]]
    label: dict[str, str]
    legend: Legend
    table: Table
    order: list[str] = field(default_factory=list)  # labelled regions, most important first
    badge: dict[str, str] = field(default_factory=dict)  # code -> rank shown on its label


# ---------------------------------------------------------------------------- cards


@dataclass(frozen=True)
class Link:
    """A source: its label, an http(s) URL (None: plain text) and the document's title."""

    label: str
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of a card. Frozen and hashable: rows that several cards show identically
    (a province value inherited by its units) are written once, see :class:`RowRef`."""

    name: str
    points: str
    weight: str  # percent, one decimal
    track: str  # bar width, percent of the largest weight
    fill: str  # filled part of the bar, percent
    period: str
    raw: str | None  # formatted value; None: imputed
    unit: str = ""
    value_function: str = ""
    imputed_text: str = ""  # "rule (value)" when raw is None
    inherited: tuple[str, str] | None = None  # (title, text) of the inherited mark
    source: Link | None = None
    quote: str = ""


@dataclass(frozen=True)
class RowRef:
    """A criterion row inside a card: its CSS class, the row, and the id of the shared
    ``<template>`` holding it when several cards show it (None: written in place)."""

    css: str
    row: CriterionRow
    shared: int | None = None


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    key: str


@dataclass(frozen=True)
class Peer:
    scenario: str
    text: str  # rank and score, or 'excluded'
    own: bool  # this card's scenario


@dataclass
class Card:
    key: str
    code: str
    name: str
    other_name: str
    scenario: str
    excluded: bool
    kpis: list[Kpi]
    peers: list[Peer]
    reasons: list[str]
    note: str
    inherited_note: str
    rows: list[RowRef]


# ---------------------------------------------------------------------------- panels


@dataclass(frozen=True)
class Overview:
    """The right panel of a result layer: scenario, weights (at 시군구 level with the number
    of units with their own data) and warnings."""

    key: str
    title: str
    description: str
    hint: str
    weights: tuple[tuple[str, str, str, str | None], ...]  # name, weight, n with data, own
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ComparisonPanel:
    """The agreement measures and biggest movers under a rank-change layer's overview."""

    agreement_title: str
    agreement: tuple[tuple[str, str], ...]
    movers_title: str
    movers: tuple[tuple[str, str, str, str, str], ...]  # region, from, to, sign, class
    drivers: tuple[str, ...]  # per mover: 'label: criteria', or ''
    only_in: tuple[tuple[str, str], ...]  # (title, regions)


@dataclass(frozen=True)
class TextOverview:
    key: str
    title: str
    paragraphs: tuple[str, ...]
    comparison: ComparisonPanel | None = None


# ---------------------------------------------------------------------------- facilities


@dataclass(frozen=True)
class Facility:
    lat: float
    lon: float
    name: str
    k: int  # index of its kind's style in the group
    rows: tuple[tuple[str, str], ...]  # popup table
    source: Link
    quote: str = ""


@dataclass(frozen=True)
class FacilityGroup:
    kind: str  # layer key
    label: str
    styles: tuple[tuple[FacilityStyle, str], ...]  # (style, label) per kind of the layer
    present: tuple[int, ...]  # indexes of the styles with an item
    shown: bool
    items: tuple[Facility, ...]


# ---------------------------------------------------------------------------- page


@dataclass
class Page:
    """Everything the page templates need besides folium's map."""

    lang: str
    title: str
    version: str
    t: dict[str, Any]
    scenario: str
    description: str
    method: str
    n_regions: str
    vintage: str
    hashes: str
    layers: list[LayerView]
    facilities: list[FacilityGroup]
    overviews: list[Overview | TextOverview]
    cards: list[Card]
    shared_rows: list[CriterionRow]
    tiles: bool
    config: dict[str, Any]
    whatif: tuple[str, dict[str, Any]] | None = None  # (payload JSON, UI strings)
