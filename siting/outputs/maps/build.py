"""From results to the map model (:class:`~siting.outputs.maps.model.Page`) and, through
folium and the templates, to one self-contained HTML page."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from siting import __version__
from siting._errors import SitingError
from siting.data.levels import Level
from siting.data.shapes import _Shapes
from siting.outputs.map_geometry import map_outlines, map_shapes
from siting.outputs.maps.cards import card, peers, share_rows
from siting.outputs.maps.facilities import facility_groups
from siting.outputs.maps.layers import metric_layer, result_layer
from siting.outputs.maps.model import (
    FacilityGroup,
    Kpi,
    LayerView,
    MetricLayer,
    Overview,
    Page,
    TextOverview,
)
from siting.outputs.maps.panels import overview, text_overview
from siting.outputs.maps.render import _folium_types, layer_name, render_page
from siting.outputs.maps.style import (
    ISLANDS,
    LABEL_NUDGE,
    NO_DATA_FILL,
    SEQUENTIAL,
    WHATIF_T,
    T,
    method_name,
)
from siting.outputs.whatif import shipped_presets, whatif_json, whatif_payload
from siting.scenario.text import text

if TYPE_CHECKING:
    from siting.data.dataset import Dataset
    from siting.engine.result import Result

__all__ = ["build_map"]

_TOP_SIGUNGU = 10


def _region_label_name(ds: Dataset, code: str, lang: str) -> str:
    """The name written on the map: a 시군구 without its province ('포항시', 'Pohang-si')."""
    if ds.level == Level.SIGUNGU:
        r = ds.region_by_code[code]
        name = r.get("name_ko") if lang == "ko" else r.get("short_en")
        return name or ds.region_name(code, lang)
    return ds.region_name(code, lang)


def _check(results: Sequence[Result], lang: str) -> None:
    if not results:
        raise SitingError("build_map needs at least one result")
    if lang not in T:
        raise SitingError(f"unknown language {lang!r}", fix="use ko or en")
    codes = list(results[0].regions)
    if any(list(r.regions) != codes for r in results[1:]):
        raise SitingError("results to compare must cover the same regions")


def _shapes(ds: Dataset, codes: list[str], boundaries: Any, outlines: Any) -> tuple:
    """(shapes, outline lines): precomputed beside the boundary layer
    (scripts/build_boundaries.py), else computed once and cached."""
    return map_shapes(ds, codes, boundaries), map_outlines(ds, outlines)


def _layers(
    results: Sequence[Result],
    extra: Sequence[MetricLayer],
    metric_results: Sequence[int],
    lang: str,
    top: int | None,
) -> list[LayerView]:
    ds = results[0].dataset
    codes = list(results[0].regions)
    layers = [result_layer(r, f"r{k}", k, lang, top) for k, r in enumerate(results)]
    for k, m in enumerate(extra):
        ri = metric_results[k] if k < len(metric_results) else 0
        layers.append(metric_layer(m, f"m{k}", codes, ds, lang, ri, top))
    names = [lay.name for lay in layers]
    for k, lay in enumerate(layers):  # layer control keys must be unique
        if names.count(lay.name) > 1:
            lay.name = f"{lay.name} ({k + 1})"
    return layers


def _tiles(m: Any, folium: Any, tiles: str | None) -> bool:
    """Add a base map (always on, outside the layer control). Returns True if one was added."""
    if not tiles or tiles.lower() == "none":
        return False
    try:
        if "{z}" in tiles:
            host = re.sub(r"^\w+://", "", tiles).split("/")[0]
            attr = layer_name(f"Tiles: {host}")
            layer = folium.TileLayer(tiles, attr=attr, control=False, max_zoom=18)
        else:
            layer = folium.TileLayer(tiles, control=False)
    except ValueError as exc:
        raise SitingError(
            f"unknown tile provider {tiles!r}",
            fix="use a provider name such as 'OpenStreetMap' or 'CartoDB positron', an URL "
            "template with {z}/{x}/{y}, or none",
        ) from exc
    layer._id = "tiles"
    layer.add_to(m)
    return True


def _folium_map(
    layers: Sequence[LayerView], facs: Sequence[FacilityGroup], lang: str, tiles: Any, active: int
) -> tuple[Any, dict[str, Any], bool]:
    """folium's map with one group per layer, the labels, one per facility layer and the
    layer control, every element with a fixed id."""
    folium = _folium_types().folium
    has_tiles = bool(tiles) and str(tiles).lower() != "none"
    m = folium.Map(
        location=[35.9, 127.8],
        zoom_start=7,
        tiles=None,
        zoom_snap=0.25,
        zoom_delta=0.5,
        min_zoom=5,
        max_zoom=13,
        control_scale=False,
        attribution_control=has_tiles,
        prefer_canvas=False,
    )
    m._id = "main"
    _tiles(m, folium, tiles)

    def group(gid: str, name: str, overlay: bool, show: bool) -> Any:
        g = folium.FeatureGroup(name=name, overlay=overlay, show=show)
        g._id = gid
        g.add_to(m)
        return g

    groups: dict[str, Any] = {
        "layers": [
            group(f"layer{k}", layer_name(lay.name), False, k == active)
            for k, lay in enumerate(layers)
        ],
        "labels": group("labels", layer_name(T[lang]["labels"]), True, True),
    }
    groups["facilities"] = [
        group(
            f"fac{k}",
            layer_name(f"{fg.label} ({len(fg.items)})", [fg.styles[i][0] for i in fg.present]),
            True,
            fg.shown,
        )
        for k, fg in enumerate(facs)
    ]
    lc = folium.LayerControl(position="bottomright", collapsed=False)
    lc._id = "control"
    lc.add_to(m)
    groups["control"] = lc
    return m, groups, has_tiles


def _config(
    ds: Dataset,
    codes: list[str],
    shapes: _Shapes,
    lines: Any,
    layers: Sequence[LayerView],
    facs: Sequence[FacilityGroup],
    lang: str,
    top: int | None,
    active: int,
    has_tiles: bool,
) -> dict[str, Any]:
    """The page's JSON block: geometry, regions, layers' styles, facilities, islands."""
    sig = ds.level == Level.SIGUNGU
    return {
        "lang": lang,
        "level": str(ds.level),
        "callouts": top is not None,
        "focusZoom": 9.5 if sig else 8,
        "active": active,
        "bounds": shapes.bounds,
        "geometry": shapes.geojson,
        "outlines": lines,
        "regions": {
            c: {
                "name": _region_label_name(ds, c, lang),
                "label": shapes.label[c],
                "focus": shapes.focus[c],
                "nudge": [0, 0] if sig else list(LABEL_NUDGE.get(c, (0, 0))),
            }
            for c in codes
        },
        "layers": [
            {
                "key": lay.key,
                "kind": lay.kind,
                "result": lay.result_index,
                "styles": lay.styles,
                "tooltip": lay.tooltip,
                "label": lay.label,
                "order": lay.order,
                "badge": lay.badge,
                "border": "#ffffff" if lay.kind == "result" else "#8c96a0",
            }
            for lay in layers
        ],
        "facilities": [_facility_config(fg) for fg in facs],
        "tiles": has_tiles,
        "islands": _islands(codes, shapes.bounds, lang),
    }


def _facility_config(fg: FacilityGroup) -> dict[str, Any]:
    first = fg.styles[0][0]
    return {
        "kind": fg.kind,
        "label": fg.label,
        "color": first.color,
        "radius": first.radius,
        "hollow": first.hollow,
        "styles": [
            {k: getattr(st, k) for k in ("kind", "color", "radius", "hollow", "square")}
            for st, _ in fg.styles
        ],
        "items": [{"lat": f.lat, "lon": f.lon, "name": f.name, "k": f.k} for f in fg.items],
    }


def _islands(codes: Sequence[str], bounds: Sequence[Sequence[float]], lang: str) -> list:
    """The small islands inside the map's bounds whose region is on the map."""
    (s, w), (n, e) = bounds
    return [
        {
            "name": isl.name[lang],
            "label": [isl.lat, isl.lon],
            "region": next(c for c in isl.regions if c in codes),
            "dot": isl.dot,
        }
        for isl in ISLANDS
        if any(c in codes for c in isl.regions)
        and s <= isl.lat <= n
        and w - 0.05 <= isl.lon <= e + 0.05
    ]


def _cards(
    results: Sequence[Result],
    extra: Sequence[MetricLayer],
    metric_results: Sequence[int],
    lang: str,
) -> list:
    cards = []
    for k, r in enumerate(results):
        explained = r.explain_many(lang=lang, observations=False)
        for i, (code, ex) in enumerate(zip(r.regions, explained, strict=True)):
            kpis = [
                Kpi(ml.short or ml.name, ml.format(ml.values.get(code)), f"m{j}")
                for j, ml in enumerate(extra)
                if ml.card and (metric_results[j] if j < len(metric_results) else 0) == k
            ]
            cards.append(card(r, f"r{k}", ex, lang, peers(results, i, k, lang), kpis))
    return cards


def _whatif(result: Result, lang: str) -> tuple[str, dict[str, Any]]:
    """The what-if payload (the loaded scenario and every shipped one of the level as
    presets, reasons in the map's language) and the panel's strings."""
    presets = shipped_presets(result.dataset)
    payload = whatif_payload(result, presets)
    for entry, res in zip(
        [payload["scenario"], *payload["presets"]], [result, *presets], strict=True
    ):
        loc = res.scenario.localize
        entry["exclusions"] = {c: [loc(r, lang) for r in v] for c, v in entry["exclusions"].items()}
    t = T[lang]
    ui = {
        "t": WHATIF_T[lang],
        **{k: t[k] for k in ("rank_fmt", "score_fmt", "rank_of", "excluded", "no_score")},
        "ramp": list(SEQUENTIAL),
        "no_data": NO_DATA_FILL,
    }
    return whatif_json(payload, for_html=True), ui


def _overviews(
    results: Sequence[Result],
    extra: Sequence[MetricLayer],
    metric_overviews: Mapping[int, TextOverview],
    lang: str,
) -> list[Overview | TextOverview]:
    out: list[Overview | TextOverview] = [overview(r, f"r{k}", lang) for k, r in enumerate(results)]
    for k, ml in enumerate(extra):
        if k in metric_overviews:
            out.append(metric_overviews[k])
        elif ml.notes:
            out.append(text_overview(f"m{k}", ml.name, ml.notes))
    return out


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
    metric_results: Sequence[int] = (),
    metric_overviews: Mapping[int, TextOverview] | None = None,
    active: int = 0,
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
    metric_results, metric_overviews, active
        For comparison maps: the result whose cards each extra layer opens (default the
        first), overview panels of extra layers by index, the layer shown on opening.
    whatif
        With one result: embed the what-if panel (sliders per criterion, every shipped
        scenario of the level as a preset, YAML download, state in the URL hash).
    """
    _check(results, lang)
    t = T[lang]
    first = results[0]
    ds = first.dataset
    sig = ds.level == Level.SIGUNGU
    codes = list(first.regions)
    shapes, lines = _shapes(ds, codes, boundaries, outlines)
    top = label_top if label_top is not None else (_TOP_SIGUNGU if sig else None)
    layers = _layers(results, extra_layers, metric_results, lang, top)
    facs = facility_groups(ds, lang)
    m, groups, has_tiles = _folium_map(layers, facs, lang, tiles, active)
    cards = _cards(results, extra_layers, metric_results, lang)
    page = Page(
        lang=lang,
        title=title or (t["title_sigungu"] if sig else t["title"]),
        version=__version__,
        t=t,
        scenario=" · ".join(r.scenario.name or "" for r in results),
        description=text(first.scenario.description, lang).strip() if len(results) == 1 else "",
        method=method_name(first.method, lang),
        n_regions=t["n_regions"].format(
            n=len(codes), level=t["region_sigungu" if sig else "region"]
        ),
        vintage=str(first.dataset.vintage),
        hashes=" · ".join(r.hash for r in results),
        layers=layers,
        facilities=facs,
        overviews=_overviews(results, extra_layers, metric_overviews or {}, lang),
        cards=cards,
        shared_rows=share_rows(cards),
        tiles=has_tiles,
        config=_config(ds, codes, shapes, lines, layers, facs, lang, top, active, has_tiles),
        whatif=_whatif(first, lang) if whatif and len(results) == 1 else None,
    )
    return render_page(page, m, groups)
