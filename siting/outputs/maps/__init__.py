"""Self-contained interactive HTML maps of results (folium + vendored Leaflet, no network).

:func:`build_map` turns one or more :class:`~siting.engine.result.Result` objects into ONE HTML
file that works offline. The results become a typed model (:mod:`.model`: layers with their
legends and ranked tables, region cards, overviews, facilities; built by :mod:`.layers`,
:mod:`.cards`, :mod:`.panels`, :mod:`.facilities`, :mod:`.build`), rendered by Jinja2
templates with autoescape (``siting/_assets/templates/map``) around a folium map
(:mod:`.render`). Strings come from ``siting/_assets/locales``, colours and facility symbols
from ``siting/_assets/map-styles.json``. The page's script draws the layers from a JSON block
and builds tooltips and labels with ``textContent``.

Several results become exclusive (radio) choropleth layers for scenario comparison
(:func:`write_comparison_map` adds a rank-change layer); ``extra_layers``
(:class:`MetricLayer`) add per-region metrics with their own legends (e.g.
:func:`robustness_layer`, P(top 3) under sampled weights).

Both levels work: 17 시도, or 229 시군구 drawn under the 시도 outlines, labels for the top 10
only (placed around each other with leader lines) and cards that mark the values a unit
inherits from its province. To keep the 시군구 page small, polygon coordinates are
delta-encoded integers (1e-4°) and card rows shared by several cards (inherited values) are
written once as ``<template>`` elements that the script clones when a card opens.
The output is deterministic: the same inputs give byte-identical HTML.
"""

from __future__ import annotations

from siting.outputs.map_geometry import load_boundaries, load_outlines
from siting.outputs.maps.build import build_map
from siting.outputs.maps.compare import (
    rank_change_layers,
    robustness_layer,
    write_comparison_map,
)
from siting.outputs.maps.files import find_chromium, render_png, write_map
from siting.outputs.maps.model import MetricLayer
from siting.outputs.maps.render import LEAFLET_VERSION
from siting.outputs.maps.style import (
    DIVERGING,
    FACILITY_KINDS,
    FACILITY_LAYERS,
    NO_DATA_FILL,
    SEQUENTIAL,
    WHATIF_T,
    T,
    json_for_script,
    pct_text,
    ramp_color,
    safe_url,
)

__all__ = [
    "ATTRIBUTION",
    "DIVERGING",
    "FACILITY_KINDS",
    "FACILITY_LAYERS",
    "LEAFLET_VERSION",
    "NO_DATA_FILL",
    "SEQUENTIAL",
    "WHATIF_T",
    "MetricLayer",
    "T",
    "build_map",
    "find_chromium",
    "json_for_script",
    "load_boundaries",
    "load_outlines",
    "pct_text",
    "ramp_color",
    "rank_change_layers",
    "render_png",
    "robustness_layer",
    "safe_url",
    "write_comparison_map",
    "write_map",
]

ATTRIBUTION = "행정구역 경계: 국토지리정보원(NGII), 2023-09-15"
