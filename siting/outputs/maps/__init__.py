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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from siting.outputs.map_geometry import load_boundaries, load_outlines
from siting.outputs.maps.build import build_page
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

if TYPE_CHECKING:
    from siting.engine.result import Result

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


def build_map(
    results: Sequence[Result],
    *,
    lang: str = "ko",
    tiles: str | None = None,
    extra_layers: Sequence[MetricLayer] = (),
    title: str | None = None,
    boundaries: Any = None,
    outlines: Any = None,
    label_top: int | None = None,
    whatif: bool = True,
) -> str:
    """One self-contained HTML page with a choropleth per result (exclusive layers).

    Parameters
    ----------
    results
        One or more results over the same regions; each becomes a choropleth layer, the first
        is shown on opening. Cards and the ranked table follow the layer shown.
    lang
        ``"ko"`` or ``"en"``: names of regions, criteria and all page text.
    tiles
        ``None`` (default: no base map, fully offline), a folium/xyzservices provider name or
        an URL template with ``{z}/{x}/{y}``.
    extra_layers
        :class:`MetricLayer` objects, drawn as further exclusive layers with their own legend.
    title
        Page title (default: a title in ``lang``).
    boundaries
        A GeoJSON FeatureCollection or GeoDataFrame of the regions' polygons with a ``code``
        property; default :func:`load_boundaries` (시도 or 시군구, after the dataset's level).
    outlines
        Polygons drawn as thin lines on top (not interactive); default :func:`load_outlines`
        (the 시도 outlines on a 시군구 map, none on a 시도 map); ``False`` for none.
    label_top
        Name only the best ``label_top`` regions on the map (default: 10 at 시군구 level,
        every region at 시도 level).
    whatif
        With one result: embed the what-if panel (sliders per criterion, every shipped
        scenario of the level as a preset, YAML download, state in the URL hash).
    """
    return build_page(
        results,
        lang=lang,
        tiles=tiles,
        extra_layers=extra_layers,
        title=title,
        boundaries=boundaries,
        outlines=outlines,
        label_top=label_top,
        whatif=whatif,
    )
