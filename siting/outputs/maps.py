"""Self-contained interactive HTML maps of results (folium + vendored Leaflet, no network).

:func:`build_map` turns one or more :class:`~siting.engine.result.Result` objects into ONE HTML file
that works offline: Leaflet 1.9.3 and its CSS (images as ``data:`` URIs) are vendored under
``siting/_assets`` and inlined, folium's CDN assets (jQuery, Bootstrap, Font Awesome,
awesome-markers) are dropped, and the legend, ranked table and explanation cards are plain
HTML written here with every string escaped. The page's own script only toggles that HTML,
builds tooltips and labels with ``textContent`` and draws the layers from a JSON block.

Several results become exclusive (radio) choropleth layers for scenario comparison
(:func:`write_comparison_map` adds a rank-change layer); ``extra_layers``
(:class:`MetricLayer`) add per-region metrics with their own legends (e.g.
:func:`robustness_layer`, P(top 3) under sampled weights).

Both levels work: 17 시도, or 229 시군구 (``ds.level == "sigungu"``) drawn from
``data/sigungu/units.geojson`` with the 시도 outlines on top, labels for the top 10 only
(placed around each other with leader lines) and cards that mark the values a unit inherits
from its province. To keep the 시군구 page small, polygon coordinates are delta-encoded
integers (1e-4°) and card rows shared by several cards (inherited values) are written once as
``<template>`` elements that the script clones when a card opens.
The output is deterministic: the same inputs give byte-identical HTML.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting._errors import SitingError
from siting.outputs.map_geometry import (  # noqa: F401  (re-exported)
    _SCALE,
    _delta,
    _encode_geometry,
    _ints,
    _outline_lines,
    _prepare_shapes,
    _read_layer,
    _Shapes,
    _to_feature_collection,
    load_boundaries,
    load_outlines,
    map_outlines,
    map_shapes,
)
from siting.scenario.config import text

if TYPE_CHECKING:
    from siting.data.dataset import Dataset
    from siting.engine.result import Result

__all__ = [
    "ATTRIBUTION",
    "FACILITY_KINDS",
    "FACILITY_LAYERS",
    "MetricLayer",
    "build_map",
    "find_chromium",
    "load_boundaries",
    "load_outlines",
    "rank_change_layers",  # noqa: F822  (siting.outputs.map_compare, via __getattr__)
    "render_png",
    "robustness_layer",  # noqa: F822
    "write_comparison_map",  # noqa: F822
    "write_map",
]

ATTRIBUTION = "행정구역 경계: 국토지리정보원(NGII), 2023-09-15"
LEAFLET_VERSION = "1.9.3"
# folium's own CDN addresses for Leaflet: the map keeps only these two, and _inline_assets
# swaps each tag for the vendored file's content.
_LEAFLET_JS_URL = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js"
_LEAFLET_CSS_URL = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css"
_ASSET_FOR_URL = {_LEAFLET_JS_URL: "leaflet/leaflet.js", _LEAFLET_CSS_URL: "leaflet/leaflet.css"}

# ColorBrewer YlGnBu (9 classes, first class dropped so a low score never looks like "no data")
SEQUENTIAL = (
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)
# ColorBrewer RdBu (9 classes): negative red, positive blue
DIVERGING = (
    "#b2182b",
    "#d6604d",
    "#f4a582",
    "#fddbc7",
    "#f7f7f7",
    "#d1e5f0",
    "#92c5de",
    "#4393c3",
    "#2166ac",
)
NO_DATA_FILL = "#d9d9d9"

# kind -> (colour, radius, Korean label, English label, hollow, shown on opening); planned sites
# are hollow; the many research and talent sites start hidden so the choropleth stays readable
FACILITY_KINDS: dict[str, tuple[str, int, str, str, bool, bool]] = {
    "ai_datacenter": ("#1a1a1a", 6, "AI 데이터센터", "AI data centres", False, True),
    "ai_computing_center": ("#c51b7d", 6, "AI 컴퓨팅센터", "AI computing centres", False, True),
    "manufacturing_ai_center": (
        "#d4a017",
        5,
        "제조AI센터",
        "Manufacturing AI centres",
        False,
        False,
    ),
    "nuclear_plant": ("#e6550d", 7, "원자력발전소", "Nuclear power plants", False, True),
    "hvdc_link": ("#a50f15", 5, "HVDC 연계선", "HVDC links", False, True),
    "cable_landing": ("#6a51a3", 5, "해저케이블 육양국", "Submarine cable landings", False, True),
    "cable_landing_planned": (
        "#6a51a3",
        5,
        "해저케이블 육양국 (계획)",
        "Submarine cable landings (planned)",
        True,
        True,
    ),
    "research_complex": ("#bf812d", 5, "연구단지", "Research complexes", False, False),
    "research_institute": ("#8c6d31", 4, "연구기관", "Research institutes", False, False),
    "university": ("#636363", 4, "대학", "Universities", False, False),
    # large thermal plants: one map layer (FACILITY_LAYERS), squares, a colour per fuel
    "coal_plant": ("#3b2a1a", 5, "석탄화력", "Coal", False, False),
    "lng_plant": ("#f46d43", 5, "LNG 복합화력", "LNG", False, False),
    "oil_plant": ("#8c8c8c", 5, "유류화력", "Oil", False, False),
    "pumped_storage": ("#2171b5", 5, "양수발전소", "Pumped-storage plants", True, False),
    # the point distances to Seoul are measured from: hidden at start, small and grey
    "reference_point": ("#8c8c8c", 3, "거리 기준점", "Distance reference point", False, False),
}
# kinds drawn together as one layer: layer key -> (Korean label, English label, kinds)
FACILITY_LAYERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "thermal_plant": (
        "대형 화력발전소",
        "Large thermal plants",
        ("coal_plant", "lng_plant", "oil_plant"),
    ),
}
_LAYER_OF_KIND = {k: key for key, (_, _, kinds) in FACILITY_LAYERS.items() for k in kinds}
# drawn as squares, so power plants of any fuel read apart from the round symbols
_SQUARE_KINDS = frozenset({"coal_plant", "lng_plant", "oil_plant"})
_OTHER_FACILITY = ("#525252", 4)
# small islands named on the map (they are specks at national zoom): (ko, en), lat, lon
# label offsets in pixels (dx, dy) where neighbouring small regions would collide
_LABEL_NUDGE = {"36": (-16, -6), "30": (12, 8)}
# (a dot is drawn too where the island is smaller than a pixel): (ko, en), lat, lon, region, dot
_ISLANDS = (
    (("울릉도", "Ulleungdo"), 37.56, 130.865, ("47", "47940"), False),
    (("독도", "Dokdo"), 37.2417, 131.8647, ("47", "47940"), True),
)

# page strings, one JSON file per language in siting/_assets/locales/ (same keys in each)
_SECTIONS = ("whatif", "method_names", "policy")


def _load_locale(lang: str) -> dict[str, Any]:
    from importlib import resources as _res

    path = _res.files("siting").joinpath("_assets", "locales", f"{lang}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data


_LOCALES = {lang: _load_locale(lang) for lang in ("ko", "en")}
T: dict[str, dict[str, Any]] = {
    lang: {k: v for k, v in d.items() if k not in _SECTIONS} for lang, d in _LOCALES.items()
}
# strings of the what-if panel (siting-map-whatif.js builds it with textContent)
WHATIF_T: dict[str, dict[str, str]] = {lang: d["whatif"] for lang, d in _LOCALES.items()}
_METHOD_NAMES: dict[str, dict[str, str]] = {lang: d["method_names"] for lang, d in _LOCALES.items()}
_POLICY: dict[str, dict[str, str]] = {lang: d["policy"] for lang, d in _LOCALES.items()}


def pct_text(p: float, decimals: int = 0) -> str:
    """A share in 0..1 as the map writes it everywhere (table, panel, tooltip, card): '37 %';
    a share that would round to 0 but is not 0 is '<1 %' (never '0 %'), near 1 '>99 %'."""
    x = 100 * float(p)
    step = 10**-decimals
    if 0 < x < 0.5 * step:
        return f"<{step:g} %"
    if 100 - 0.5 * step < x < 100:
        return f">{100 - step:g} %"
    return f"{x:,.{decimals}f} %"


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
        sign = "+" if self.signed and x > 0 else ""
        if self.percent and 0 < abs(x) < 0.5 * 10**-self.decimals:
            return f"<{10**-self.decimals:g} %"
        text = f"{sign}{x:,.{self.decimals}f}"
        if self.signed and text.startswith("-"):
            text = "\u2212" + text[1:]  # a real minus sign
        if self.signed and text.lstrip("+\u2212").strip("0.,") == "":
            text = text.lstrip("+\u2212")  # no sign on zero
        return text + (" %" if self.percent else (f" {self.unit}" if self.unit else ""))


# ============================================================================ helpers


def _e(text: Any) -> str:
    """HTML-escape anything (quotes too)."""
    return html.escape("" if text is None else str(text), quote=True)


def _json_for_script(data: Any) -> str:
    """JSON safe inside <script>: no '</script', '<!--' or line separators can survive."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links (never javascript: or data:)."""
    if not url:
        return None
    u = url.strip()
    return u if re.match(r"^https?://[^\s<>\"']+$", u, flags=re.IGNORECASE) else None


def _num(v: float | None, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    text = f"{v:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _score_text(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{v:.1f}"


def _hex_to_rgb(h: str) -> tuple[int, int, int]:
    return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)


def ramp_color(stops: Sequence[str], t: float) -> str:
    """Colour at ``t`` in [0, 1] along ``stops`` (linear in RGB between neighbouring stops)."""
    t = min(1.0, max(0.0, float(t)))
    x = t * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    f = x - i
    a, b = _hex_to_rgb(stops[i]), _hex_to_rgb(stops[i + 1])
    rgb = (round(a[k] + (b[k] - a[k]) * f) for k in range(3))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _gradient_css(stops: Sequence[str]) -> str:
    n = len(stops) - 1
    return ", ".join(f"{c} {100 * i / n:.1f}%" for i, c in enumerate(stops))


@cache
def _asset_text(name: str) -> str:
    return resources.files("siting").joinpath("_assets", name).read_text(encoding="utf-8")


@cache
def _asset_bytes(name: str) -> bytes:
    return resources.files("siting").joinpath("_assets", name).read_bytes()


@cache
def _leaflet_css() -> str:
    """leaflet.css with its images as data: URIs (and the IE-only VML behaviour dropped)."""
    css = _asset_text("leaflet/leaflet.css")

    def repl(m: re.Match[str]) -> str:
        data = base64.b64encode(_asset_bytes("leaflet/" + m.group(1))).decode()
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", repl, css)
    css = css.replace("behavior: url(#default#VML);", "")
    return css


@cache
def _leaflet_js() -> str:
    js = _asset_text("leaflet/leaflet.js")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)


def _inline_assets(page: str) -> str:
    """Replace folium's <script src>/<link href> tags for Leaflet with the vendored files."""

    def script(m: re.Match[str]) -> str:
        url = m.group(1)
        if url not in _ASSET_FOR_URL:
            raise SitingError(f"the map would load a script from the network ({url})")
        body = _leaflet_js()
        if "</script" in body.lower():
            raise SitingError("a vendored script contains '</script' and cannot be inlined")
        return f"<script>/* Leaflet {LEAFLET_VERSION}, BSD-2-Clause */\n{body}</script>"

    def link(m: re.Match[str]) -> str:
        url = m.group(1)
        if url not in _ASSET_FOR_URL:
            raise SitingError(f"the map would load a stylesheet from the network ({url})")
        return f"<style>/* Leaflet {LEAFLET_VERSION}, BSD-2-Clause */\n{_leaflet_css()}</style>"

    page = re.sub(r'<script src="([^"]+)"></script>', script, page)
    page = re.sub(r'<link rel="stylesheet" href="([^"]+)"\s*/>', link, page)
    return page


_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}\b")


def _deterministic_ids(page: str, known: Iterable[str] = ()) -> str:
    """Replace folium's random 32-hex element ids with sequential ones (first-seen order)."""
    mapping: dict[str, str] = {}
    for k in known:
        mapping.setdefault(k, f"{len(mapping) + 1:04d}")

    def repl(m: re.Match[str]) -> str:
        return mapping.setdefault(m.group(0), f"{len(mapping) + 1:04d}")

    return _FOLIUM_ID.sub(repl, page)


@dataclass
class _Layer:
    key: str
    name: str
    kind: str  # "result" | "metric"
    result_index: int  # the result whose cards this layer opens
    styles: dict[str, dict[str, Any]]  # code -> {color, pattern}
    tooltip: dict[str, list[str]]
    label: dict[str, str]
    legend_html: str
    table_html: str
    group: Any = None  # folium FeatureGroup
    order: list[str] = field(default_factory=list)  # labelled regions, most important first
    badge: dict[str, str] = field(default_factory=dict)  # code -> rank shown on its label


def _method_name(method: str, lang: str) -> str:
    return _METHOD_NAMES[lang].get(method, method.upper())


def _score_domain(result: Result) -> tuple[float, float, bool]:
    """(lo, hi, fixed): builtin methods are on 0-100; others use the observed range."""
    import numpy as np

    from siting.engine.aggregate import BUILTIN

    if result.method in BUILTIN:
        return 0.0, 100.0, True
    s = result.score[~np.isnan(result.score)]
    if s.size == 0:
        return 0.0, 1.0, False
    lo, hi = float(s.min()), float(s.max())
    return lo, (hi if hi > lo else lo + 1.0), False


def _result_layer(
    result: Result, key: str, index: int, lang: str, top: int | None = None
) -> _Layer:
    """The choropleth of one result. ``top``: label only the ``top`` best-ranked regions
    (with their rank as a badge); None labels every region."""
    import numpy as np

    t = T[lang]
    ds = result.dataset
    lo, hi, fixed = _score_domain(result)
    cov = result.coverage
    n_ranked = int((result.rank > 0).sum())
    styles, tips, labels = {}, {}, {}
    for i, code in enumerate(result.regions):
        name = ds.region_name(code, lang)
        s = float(result.score[i])
        status = result.status(i)
        if status == "excluded" or np.isnan(s):
            styles[code] = {"color": NO_DATA_FILL, "pattern": "excluded"}
            reasons = [
                result.scenario.localize(r, lang) for r in result.exclusions.get(code, [])
            ] or [t["no_score"]]
            tips[code] = [name, t["excluded"]] + [r for r in reasons[:2]]
            labels[code] = t["excluded"]
            continue
        frac = (s - lo) / (hi - lo)
        if not result.higher_is_better:
            frac = 1 - frac
        imputed = bool(result.imputed[i].any())
        styles[code] = {"color": ramp_color(SEQUENTIAL, frac), "pattern": None}
        rank = t["rank_fmt"].format(r=result.rank_label(i))
        line2 = f"{rank} · {t['score_fmt'].format(s=_score_text(s))}"
        tip = [name, line2, f"{t['coverage_long']} {100 * float(cov[i]):.0f} %"]
        if status == "forced":
            tip.append(f"{t['forced']}: {result.scenario.localize(result.forced[code], lang)}")
        for a in result.adjustments:
            if a.region == code:
                tip.append(
                    f"{a.points:+g} · {result.scenario.localize(a.reason, lang).split(' (')[0]}"
                )
        tips[code] = tip
        labels[code] = _score_text(s) + ("*" if imputed else "")
    legend = _result_legend(result, lang, lo, hi, fixed, top)
    table = _result_table(result, key, lang, n_ranked, styles)
    order: list[str] = []
    badge: dict[str, str] = {}
    if top is not None:
        order = [result.regions[i] for i in result.order() if result.rank[i] > 0][:top]
        badge = {c: str(int(result.rank[result.index(c)])) for c in order}
        labels = {c: labels[c] for c in order}
    return _Layer(
        key,
        result.scenario.name or "scenario",
        "result",
        index,
        styles,
        tips,
        labels,
        legend,
        table,
        order=order,
        badge=badge,
    )


def _result_legend(
    result: Result, lang: str, lo: float, hi: float, fixed: bool, top: int | None = None
) -> str:
    t = T[lang]
    if fixed:
        title = t["legend_scale"] if result.higher_is_better else t["legend_scale_low"]
        ticks = [0, 20, 40, 60, 80, 100]
    else:
        title = t["legend_scale_free"] if result.higher_is_better else t["legend_scale_low"]
        ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    stops = SEQUENTIAL if result.higher_is_better else tuple(reversed(SEQUENTIAL))
    method = t["legend_method"].format(
        method=_method_name(result.method, lang),
        n=len(result.criteria),
        name=result.scenario.name or "",
    )
    has_excl = any(result.status(i) == "excluded" for i in range(len(result.regions)))
    has_imp = bool(result.imputed.any())
    out = [
        f'<div class="st-legend-title">{_e(title)}</div>',
        _gradient_html(stops, ticks, lo, hi),
        f'<div class="st-legend-method">{_e(method)}</div>',
    ]
    if has_imp:
        out.append(
            f'<div class="st-legend-row"><span class="st-legend-star">*</span>'
            f"{_e(t['legend_imputed'])}</div>"
        )
    swatches = []
    if has_excl:
        swatches.append(("st-sw st-sw-excluded", t["legend_excluded"]))
    for cls, label in swatches:
        out.append(f'<div class="st-legend-row"><span class="{cls}"></span>{_e(label)}</div>')
    if top is not None:
        out.append(
            f'<div class="st-legend-row"><span class="st-legend-badge">1</span>'
            f"{_e(t['legend_top'].format(n=top))}</div>"
        )
    if result.dataset.level == "sigungu":
        out.append(
            f'<div class="st-legend-row"><span class="st-sw st-sw-sido"></span>'
            f"{_e(t['legend_sido'])}</div>"
        )
    return "".join(out)


def _gradient_html(
    stops: Sequence[str], ticks: Sequence[float], lo: float, hi: float, fmt: Any = None
) -> str:
    fmt = fmt or (lambda v: _num(round(v, 1), 1))

    def cls(v: float) -> str:
        # a label at either end is aligned inwards so it never sticks out of the legend
        if len(fmt(v)) <= 1:
            return "st-tick"
        if abs(v - lo) < 1e-9 * max(1.0, abs(hi - lo)):
            return "st-tick st-tick-first"
        if abs(v - hi) < 1e-9 * max(1.0, abs(hi - lo)):
            return "st-tick st-tick-last"
        return "st-tick"

    tick_html = "".join(
        f'<span class="{cls(v)}" style="left:{100 * (v - lo) / (hi - lo):.2f}%">{_e(fmt(v))}</span>'
        for v in ticks
    )
    return (
        f'<div class="st-gradient" style="background:linear-gradient(to right, '
        f'{_gradient_css(stops)})"></div><div class="st-ticks">{tick_html}</div>'
    )


def _result_table(
    result: Result, key: str, lang: str, n_ranked: int, styles: Mapping[str, Mapping[str, Any]]
) -> str:
    t = T[lang]
    cov = result.coverage
    rows = []
    for i in result.order():
        code = result.regions[i]
        excluded = result.status(i) == "excluded"
        score = t["excluded"] if excluded else _score_text(float(result.score[i]))
        sw_cls = "st-sw st-sw-excluded" if excluded else "st-sw"
        sw_style = "" if excluded else f' style="background:{styles[code]["color"]}"'
        mark = ""
        if result.imputed[i].any():
            mark = '<span class="st-imp-mark" title="{}">*</span>'.format(_e(t["legend_imputed"]))
        rows.append(
            f'<tr data-region="{_e(code)}" tabindex="0" class="{"st-excl" if excluded else ""}">'
            f'<td class="st-num">{_e(result.rank_label(i))}</td>'
            f'<td title="{_e(result.dataset.region_name(code, lang))}">'
            f'<span class="{sw_cls}"{sw_style}></span>'
            f"{_e(result.dataset.region_name(code, lang))}</td>"
            f'<td class="st-num">{_e(score)}</td>'
            f'<td class="st-num">{100 * float(cov[i]):.0f}%{mark}</td></tr>'
        )
    head = (
        f'<thead><tr><th class="st-num">{_e(t["rank"])}</th>'
        f"<th>{_e(_region_word(result.dataset, lang))}</th>"
        f'<th class="st-num">{_e(t["score"])}</th><th class="st-num">{_e(t["coverage"])}</th>'
        "</tr></thead>"
    )
    return f'<table class="st-rank" data-layer="{key}">{head}<tbody>{"".join(rows)}</tbody></table>'


def _metric_layer(
    m: MetricLayer,
    key: str,
    codes: Sequence[str],
    ds: Dataset,
    lang: str,
    result_index: int,
    top: int | None = None,
) -> _Layer:
    """A metric as a choropleth. ``top``: label only the ``top`` most notable regions (the
    highest values, or the farthest from the centre of a diverging metric)."""
    t = T[lang]
    vals: dict[str, float | None] = {}
    for c in codes:
        v = m.values.get(c)
        vals[c] = None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
    present = [v for v in vals.values() if v is not None]
    if m.domain is not None:
        lo, hi = m.domain
    elif m.diverging:
        span = max((abs(v - m.center) for v in present), default=1.0) or 1.0
        lo, hi = m.center - span, m.center + span
    elif m.percent:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = (min(present), max(present)) if present else (0.0, 1.0)
    if hi <= lo:
        hi = lo + 1.0
    stops = DIVERGING if m.diverging else SEQUENTIAL
    if not m.higher_is_better:
        stops = tuple(reversed(stops))
    missing_text = m.missing_label or t["legend_no_value"]
    styles, tips, labels = {}, {}, {}
    for c in codes:
        name = ds.region_name(c, lang)
        v = vals[c]
        extra = [m.labels[c]] if c in m.labels else []
        if v is None:
            styles[c] = {"color": NO_DATA_FILL, "pattern": m.missing_pattern}
            tips[c] = [name, f"{m.name}: {t['legend_no_value']}", *extra]
            labels[c] = "—"
        else:
            frac = (min(max(v, lo), hi) - lo) / (hi - lo)
            styles[c] = {"color": ramp_color(stops, frac), "pattern": None}
            tips[c] = [name, f"{m.name}: {m.format(v)}", *extra]
            labels[c] = m.format(v)
    if m.percent and m.domain is None and not m.diverging:
        ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    elif m.diverging and all(float(v).is_integer() for v in present):
        half = (hi - lo) / 2
        step = max(1, math.ceil(half / 2))
        ticks = sorted({m.center + k * step for k in range(-2, 3) if abs(k * step) <= half})
    else:
        ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    legend = [f'<div class="st-legend-title">{_e(m.name)}</div>']
    legend.append(_gradient_html(stops, ticks, lo, hi, fmt=m.format))
    if any(m.ends):
        legend.append(
            f'<div class="st-legend-ends"><span>{_e(m.ends[0])}</span>'
            f"<span>{_e(m.ends[1])}</span></div>"
        )
    if m.description:
        legend.append(f'<div class="st-legend-method">{_e(m.description)}</div>')
    if any(v is None for v in vals.values()):
        cls = "st-sw-excluded" if m.missing_pattern == "excluded" else "st-sw-missing"
        legend.append(
            f'<div class="st-legend-row"><span class="st-sw {cls}"></span>{_e(missing_text)}</div>'
        )
    if top is not None:
        legend.append(
            f'<div class="st-legend-row"><span class="st-legend-badge st-legend-badge-plain">'
            f"</span>{_e(t['legend_top_metric'].format(n=top))}</div>"
        )
    if ds.level == "sigungu":
        legend.append(
            f'<div class="st-legend-row"><span class="st-sw st-sw-sido"></span>'
            f"{_e(t['legend_sido'])}</div>"
        )

    def sort_key(c: str) -> tuple[bool, float, str]:
        v = vals[c]
        if v is None:
            return (True, 0.0, c)
        return (False, -v if m.higher_is_better else v, c)

    order = sorted(codes, key=sort_key)
    rows = []
    for k, c in enumerate(order):
        none = vals[c] is None
        rows.append(
            f'<tr data-region="{_e(c)}" tabindex="0"{_EXCL_ROW if none else ""}>'
            f'<td class="st-num">{"-" if none else k + 1}</td>'
            f'<td title="{_e(ds.region_name(c, lang))}">'
            f'<span class="st-sw{_missing_sw(m) if none else ""}"'
            f"{'' if none else _bg(styles[c]['color'])}></span>"
            f'{_e(ds.region_name(c, lang))}</td><td class="st-num" colspan="2">'
            f"{_e(m.format(vals[c]))}</td></tr>"
        )
    table = (
        f'<table class="st-rank" data-layer="{key}"><thead><tr><th class="st-num">#</th>'
        f'<th>{_e(_region_word(ds, lang))}</th><th class="st-num" colspan="2">'
        f"{_e(m.short or m.name)}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    chosen: list[str] = []
    if top is not None:
        if m.diverging:
            notable = sorted(
                (c for c in codes if vals[c] is not None and vals[c] != m.center),
                key=lambda c: (-abs(vals[c] - m.center), c),  # type: ignore[operator]
            )
        else:
            floor = lo + 0.005 * (hi - lo)  # not the regions at the bottom of the scale
            notable = [c for c in order if vals[c] is not None and (vals[c] or 0) > floor]
        chosen = notable[:top]
        labels = {c: labels[c] for c in chosen}
    return _Layer(
        key,
        m.name,
        "metric",
        result_index,
        styles,
        tips,
        labels,
        "".join(legend),
        table,
        order=chosen,
    )


_EXCL_ROW = ' class="st-excl"'


def _bg(color: str) -> str:
    return f' style="background:{color}"'


def _missing_sw(m: MetricLayer) -> str:
    return " st-sw-excluded" if m.missing_pattern == "excluded" else " st-sw-missing"


def _region_word(ds: Dataset, lang: str) -> str:
    t = T[lang]
    return t["region_sigungu"] if getattr(ds, "level", "sido") == "sigungu" else t["region"]


# ============================================================================ cards


_Row = tuple[str, str]  # a card's criterion row: (li class, inner HTML)


def _card(
    result: Result,
    key: str,
    code: str,
    lang: str,
    peers: Sequence[tuple[str, str, bool]] = (),
    extra: Sequence[tuple[str, str, str]] = (),
) -> list[str | _Row]:
    """The explanation card of one region under one result (static, escaped HTML), as
    segments: strings, and criterion rows that :func:`_assemble_cards` may share between
    cards. ``peers``: (scenario, rank and score, is this card's scenario) for a comparison."""
    t = T[lang]
    ds = result.dataset
    ex = result.explain(code, lang)
    name = ex["name_ko"] if lang == "ko" else ex["name_en"]
    other = ex["name_en"] if lang == "ko" else ex["name_ko"]
    excluded = ex["status"] == "excluded"
    n_ranked = ex["ranked_regions"]
    rank = t["excluded"] if excluded else t["rank_of"].format(r=ex["rank_label"], n=n_ranked)
    score = "—" if ex["score"] is None else _score_text(ex["score"])
    kpis = [
        (t["rank"], rank, "rank"),
        (t["score"], score, "score"),
        (t["coverage_long"], f"{ex['coverage_pct']:.0f} %", "coverage"),
    ]
    if "own_pct" in ex:
        kpis.append((t["own_share"], f"{ex['own_pct']:.0f} %", "own"))
    if ex["adjustment"]:
        kpis.insert(2, (t["base"], _score_text(ex["base_score"]), "base"))
    kpis += list(extra)  # (label, text, key): values of metric layers, e.g. P(top 3)
    kpi_html = "".join(
        f'<div class="st-kpi"><div class="st-kpi-k">{_e(k)}</div>'
        f'<div class="st-kpi-v" data-kpi="{d}">{_e(v)}</div></div>'
        for k, v, d in kpis
    )
    parts: list[str | _Row] = [
        f'<article class="st-card" data-layer="{key}" data-region="{_e(code)}" hidden>',
        '<header class="st-card-head">',
        f'<div><h2>{_e(name)}</h2><div class="st-sub">{_e(other)} · {_e(code)} · '
        f"{_e(t['scenario'])} {_e(result.scenario.name)}</div></div>",
        f'<button type="button" class="st-close" aria-label="{_e(t["close"])}" '
        f'title="{_e(t["close"])}">×</button></header>',
        f'<div class="st-kpis{" st-kpis-excl" if excluded else ""}">{kpi_html}</div>',
    ]
    if peers:
        cells = "".join(
            f'<tr class="{"st-peer-self" if own else ""}"><td>{_e(sc)}</td>'
            f'<td class="st-num">{_e(txt)}</td></tr>'
            for sc, txt, own in peers
        )
        parts.append(
            f'<section class="st-peers"><h3>{_e(t["by_scenario"])}</h3>'
            f'<table class="st-weights">{cells}</table></section>'
        )
    reasons = ex["reasons"]
    if reasons:
        cls = "st-reasons st-reasons-excl" if excluded else "st-reasons"
        items = "".join(f"<li>{_e(r)}</li>" for r in reasons)
        parts.append(
            f'<section class="{cls}"><h3>{_e(t["reasons"])}</h3><ul>{items}</ul></section>'
        )
    parts.append(f"<section><h3>{_e(t['criteria'])}</h3>")
    note = (
        t["bar_note"]
        if result.additive
        else t["bar_note_nonadd"].format(method=_method_name(result.method, lang))
    )
    parts.append(f'<p class="st-note">{_e(note)}</p>')
    n_inh = sum(1 for c in ex["criteria"] if c.get("inherited_from"))
    if n_inh:
        prov = next(c["inherited_from"] for c in ex["criteria"] if c.get("inherited_from"))
        if lang == "en":
            prov = _province_en(ds, code) or prov
        parts.append(
            f'<p class="st-note st-inh-note"><span class="st-inh">↑</span> '
            f"{_e(t['inherited_note'].format(p=prov, n=n_inh, m=len(ex['criteria'])))}</p>"
        )
    parts.append('<ol class="st-crit">')
    wmax = max((c["weight_pct"] for c in ex["criteria"]), default=1.0) or 1.0
    for c in ex["criteria"]:
        parts.append(_criterion_row(c, ds, code, lang, wmax))
    parts.append("</ol></section></article>")
    return parts


def _province_en(ds: Dataset, code: str) -> str | None:
    parent = getattr(ds, "parent", None)
    sido = ds.region_by_code.get(code, {}).get("sido")
    if parent is None or not sido or sido not in parent.region_by_code:
        return None
    return parent.region_name(sido, "en")


def _criterion_row(c: Mapping[str, Any], ds: Dataset, code: str, lang: str, wmax: float) -> _Row:
    t = T[lang]
    cname = c["name_ko"] if lang == "ko" else c["name_en"]
    contrib = c["contribution"]
    v = c["transformed"]
    track = 100 * c["weight_pct"] / wmax
    fill = 0.0 if v is None else 100 * max(0.0, min(1.0, v))
    pts = "—" if contrib is None else f"{contrib:.1f}"
    inh = c.get("inherited_from")
    cls = " ".join(
        x for x in ("st-crit-imp" if c["imputed"] else "", "st-crit-inh" if inh else "") if x
    )
    out = [
        f'<div class="st-crit-row"><span class="st-crit-name">{_e(cname)}</span>'
        f'<span class="st-crit-pts">{_e(pts)} / {c["weight_pct"]:.1f}</span></div>'
        f'<div class="st-bar" style="width:{track:.1f}%"><span style="width:{fill:.1f}%">'
        "</span></div>"
    ]
    mark = ""
    if inh:
        prov = (_province_en(ds, code) or inh) if lang == "en" else inh
        pol = c.get("inherited_policy", "use")
        tail = ""
        if pol == "exclude":
            tail = " " + t["inherited_policy"]["exclude"]
        elif pol != "use":
            tail = " " + t["inherited_policy"]["factor"].format(f=pol)
        mark = (
            f' <span class="st-inh" title="{_e(t["inherited_title"].format(p=prov))}">'
            f"{_e(t['inherited'].format(p=prov) + tail)}</span>"
        )
    unit = c["unit"] or ""
    if c["raw"] is None:
        policy = _POLICY[lang].get(c["missing_policy"], c["missing_policy"])
        vtxt = "—" if v is None else f"{v:.2f}"
        raw = t["imputed_note"].format(policy=policy, v=vtxt)
        out.append(
            f'<div class="st-crit-raw"><span class="st-badge">{_e(t["imputed"])}</span> '
            f"{_e(raw)} · {_e(c['period'])}{mark}</div>"
        )
    else:
        out.append(
            f'<div class="st-crit-raw"><b>{_e(_num(c["raw"]))}</b> {_e(unit)} · '
            f"{_e(c['period'])} · {_e(t['weight'])} {c['weight_pct']:.1f} % · "
            f'<span class="st-vf">{_e(c["value_function"])}</span>{mark}</div>'
        )
    ev = c["evidence"]
    if ev and ev.get("source"):
        s = ev["source"]
        label = f"{s['publisher']} ({s['date']})"
        url = _safe_url(s.get("url"))
        title = _e(s.get("title") or "")
        link = (
            f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{_e(label)}</a>'
            if url
            else _e(label)
        )
        out.append(
            f'<div class="st-src">{_e(t["source"])}: {link}'
            f'<span class="st-src-title"> — {title}</span></div>'
        )
    if ev and ev.get("quote"):
        out.append(f'<blockquote class="st-quote">{_e(ev["quote"])}</blockquote>')
    return (cls, "".join(out))


def _assemble_cards(cards: Sequence[list[str | _Row]]) -> tuple[str, str]:
    """(cards HTML, shared rows as <template>s): a criterion row that several cards show
    identically (a province value inherited by its units, or the same value under several
    scenarios) is written once; its cards hold an empty <li data-ev> the script fills."""
    from collections import Counter

    counts = Counter(seg for parts in cards for seg in parts if isinstance(seg, tuple))
    ids: dict[_Row, int] = {}
    out: list[str] = []
    for parts in cards:
        for seg in parts:
            if isinstance(seg, str):
                out.append(seg)
                continue
            cls, inner = seg
            attr = f' class="{cls}"' if cls else ""
            if counts[seg] > 1:
                n = ids.setdefault(seg, len(ids))
                out.append(f'<li{attr} data-ev="{n}"></li>')
            else:
                out.append(f"<li{attr}>{inner}</li>")
    templates = "".join(f'<template id="st-ev-{n}">{seg[1]}</template>' for seg, n in ids.items())
    return "".join(out), templates


def _overview(result: Result, key: str, lang: str, *, with_description: bool = True) -> str:
    """The right panel's default content: the scenario, its weights and caveats. At 시군구
    level the weights table also says which criteria have the units' own data."""
    t = T[lang]
    ds = result.dataset
    sig = getattr(ds, "level", "sido") == "sigungu"
    desc = text(result.scenario.description, lang).strip() if with_description else ""
    crits = sorted(result.criteria, key=lambda c: (-c.weight, c.id))
    own_head = f'<th class="st-num">{_e(t["own_data"])}</th>' if sig else ""
    rows = []
    for c in crits:
        own = ""
        if sig:
            n_own = sum(
                1
                for code in result.regions
                if (v := ds.lookup(code, c.id, c.period)) is not None and not v.inherited
            )
            own = f'<td class="st-num">{_e(t["from_sido"] if n_own == 0 else n_own)}</td>'
        rows.append(
            f'<tr><td>{_e(c.indicator.name(lang))}</td><td class="st-num">{100 * c.weight:.1f}%'
            f'</td><td class="st-num">{c.coverage}/{len(result.regions)}</td>{own}</tr>'
        )
    parts = [
        f'<section class="st-overview" data-layer="{key}" hidden>',
        f"<h2>{_e(t['scenario'])}: {_e(result.scenario.name)}</h2>",
        f'<p class="st-desc">{_e(desc)}</p>' if desc else "",
        f'<p class="st-hint">{_e(t["hint_sigungu" if sig else "hint"])}</p>',
        f"<h3>{_e(t['weights'])}</h3>",
        f'<table class="st-weights"><thead><tr><th>{_e(t["criterion"])}</th>'
        f'<th class="st-num">{_e(t["weight"])}</th><th class="st-num">{_e(t["n_data"])}</th>'
        f"{own_head}</tr></thead><tbody>{''.join(rows)}</tbody></table>",
    ]
    notes = list(result.warnings)
    if result.imputations:
        by: dict[str, list[str]] = {}
        for imp in result.imputations:
            by.setdefault(imp.criterion, []).append(imp.region)
        names = {c.id: c.indicator.name(lang) for c in result.criteria}

        def where(codes: list[str]) -> str:
            if not sig or ds.parent is None:
                return ", ".join(ds.region_name(c, lang) for c in codes)
            per: dict[str, int] = {}
            for c in codes:
                per[ds.region_by_code[c]["sido"]] = per.get(ds.region_by_code[c]["sido"], 0) + 1
            return ", ".join(
                f"{ds.parent.region_name(p, lang)} {t['n_units'].format(n=n)}"
                for p, n in sorted(per.items())
            )

        notes.append(
            t["imputations"]
            + ": "
            + "; ".join(f"{names.get(k, k)} ({where(v)})" for k, v in by.items())
        )
    if notes:
        items = "".join(f"<li>{_e(n)}</li>" for n in notes)
        parts.append(f'<h3>{_e(t["warnings"])}</h3><ul class="st-notes">{items}</ul>')
    parts.append("</section>")
    return "".join(parts)


def _text_overview(key: str, title: str, paragraphs: Sequence[str], extra_html: str = "") -> str:
    """An overview panel for a metric layer: escaped title and paragraphs, then HTML that the
    caller escaped."""
    body = "".join(f'<p class="st-desc">{_e(p)}</p>' for p in paragraphs)
    return (
        f'<section class="st-overview" data-layer="{key}" hidden><h2>{_e(title)}</h2>'
        f"{body}{extra_html}</section>"
    )


# ============================================================================ facilities


def _kind_style(kind: str, lang: str) -> dict[str, Any]:
    spec = FACILITY_KINDS.get(kind)
    if spec is None:
        color, radius = _OTHER_FACILITY
        return {
            "kind": kind,
            "label": kind,
            "color": color,
            "radius": radius,
            "hollow": False,
            "square": False,
        }
    return {
        "kind": kind,
        "label": spec[2 if lang == "ko" else 3],
        "color": spec[0],
        "radius": spec[1],
        "hollow": spec[4],
        "square": kind in _SQUARE_KINDS,
    }


def _facility_groups(ds: Dataset, lang: str) -> list[dict[str, Any]]:
    """Facilities as map layers: one per kind (known kinds first), except the kinds of
    :data:`FACILITY_LAYERS` (e.g. coal, LNG and oil plants), which share one layer and keep a
    colour each. Every item carries its popup HTML and the index of its kind's style."""
    t = T[lang]
    by_kind: dict[str, list[dict[str, str]]] = {}
    for f in ds.facilities:
        by_kind.setdefault(f.get("kind", ""), []).append(f)
    kinds = [k for k in FACILITY_KINDS if k in by_kind] + sorted(
        k for k in by_kind if k not in FACILITY_KINDS
    )
    layers: dict[str, list[str]] = {}  # layer key -> its kinds, in FACILITY_KINDS order
    for kind in kinds:
        layers.setdefault(_LAYER_OF_KIND.get(kind, kind), []).append(kind)
    out = []
    for key, members in layers.items():
        styles = [_kind_style(k, lang) for k in members]
        if key in FACILITY_LAYERS:
            label = FACILITY_LAYERS[key][0 if lang == "ko" else 1]
        else:
            label = styles[0]["label"]
        shown = any(FACILITY_KINDS[k][5] for k in members if k in FACILITY_KINDS)
        rows = [(f, k) for k, kind in enumerate(members) for f in by_kind[kind]]
        rows.sort(key=lambda fk: (fk[0].get("sido", ""), fk[0].get("id", "")))
        items = []
        for f, k in rows:
            try:
                lat, lon = float(f["lat"]), float(f["lon"])
            except (KeyError, ValueError):
                continue
            if not (math.isfinite(lat) and math.isfinite(lon)):
                continue
            name = f.get("name_ko") if lang == "ko" else (f.get("name_en") or f.get("name_ko"))
            prow = [(t["kind"], styles[k]["label"])]
            if f.get("status"):
                prow.append((t["status_f"], f["status"]))
            if f.get("capacity_mw"):
                prow.append((t["capacity"], f"{f['capacity_mw']} MW"))
            if f.get("location_basis"):
                prow.append((t["location"], f["location_basis"]))
            src = ds.sources.get(f.get("source", ""))
            if src is not None:
                url = _safe_url(src.url)
                text = f"{src.publisher} ({src.date})"
                link = (
                    f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{_e(text)}</a>'
                    if url
                    else _e(text)
                )
                src_html = f'<div class="st-src">{_e(t["source"])}: {link}</div>'
            else:
                src_html = f'<div class="st-src">{_e(t["source"])}: {_e(f.get("source", ""))}</div>'
            body = "".join(f"<tr><th>{_e(a)}</th><td>{_e(b)}</td></tr>" for a, b in prow)
            if f.get("quote"):
                src_html += f'<blockquote class="st-quote">{_e(f["quote"])}</blockquote>'
            popup = (
                f'<div class="st-pop"><div class="st-pop-title">{_e(name)}</div>'
                f"<table>{body}</table>{src_html}</div>"
            )
            items.append(
                {
                    "lat": round(lat, 5),
                    "lon": round(lon, 5),
                    "name": name or "",
                    "k": k,
                    "popup": popup,
                }
            )
        if items:
            present = sorted({it["k"] for it in items})
            out.append(
                {
                    "kind": key,
                    "label": label,
                    **{a: styles[0][a] for a in ("color", "radius", "hollow")},
                    "styles": styles,
                    "present": present,
                    "shown": shown,
                    "items": items,
                }
            )
    return out


def _dot_style(fg: Mapping[str, Any]) -> str:
    c = fg["color"]
    shape = ";border-radius:1px" if fg.get("square") else ""
    if fg.get("hollow"):
        return f"background:#fff;border-color:{c}{shape}"
    return f"background:{c}{shape}"


# ============================================================================ the page


def _import_folium() -> Any:
    """folium, imported without pandas: folium imports pandas only to accept DataFrames
    (``try: import pandas except ImportError``), which the map never passes, and pandas is a
    third of folium's import time. If pandas is already loaded nothing changes."""
    import sys

    if "folium" in sys.modules or "pandas" in sys.modules:
        import folium

        return folium
    sys.modules["pandas"] = None  # type: ignore[assignment]  # makes `import pandas` fail
    try:
        import folium
    finally:
        del sys.modules["pandas"]
    return folium


def _tiles(m: Any, tiles: str | None) -> bool:
    """Add a base map (always on, outside the layer control). Returns True if one was added."""
    import folium

    if not tiles or tiles.lower() == "none":
        return False
    try:
        if "{z}" in tiles:
            host = re.sub(r"^\w+://", "", tiles).split("/")[0]
            layer = folium.TileLayer(tiles, attr=f"Tiles: {_e(host)}", control=False, max_zoom=18)
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
    return _build(
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


_TOP_SIGUNGU = 10


def _region_label_name(ds: Dataset, code: str, lang: str) -> str:
    """The name written on the map: a 시군구 without its province ('포항시', 'Pohang-si')."""
    if getattr(ds, "level", "sido") == "sigungu":
        r = ds.region_by_code[code]
        return (r.get("name_ko") if lang == "ko" else r.get("short_en")) or ds.region_name(
            code, lang
        )
    return ds.region_name(code, lang)


def _build(
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
    metric_overviews: Mapping[int, str] | None = None,
    active: int = 0,
    whatif: bool = False,
) -> str:
    """:func:`build_map` with the hooks of :func:`write_comparison_map`: the result whose
    cards each metric layer opens, overview panels for metric layers (keyed by their index;
    HTML escaped by the caller) and the layer shown on opening."""
    folium = _import_folium()

    from siting import __version__

    if not results:
        raise SitingError("build_map needs at least one result")
    if lang not in T:
        raise SitingError(f"unknown language {lang!r}", fix="use ko or en")
    t = T[lang]
    first = results[0]
    ds = first.dataset
    sig = getattr(ds, "level", "sido") == "sigungu"
    codes = list(first.regions)
    for r in results[1:]:
        if list(r.regions) != codes:
            raise SitingError("results to compare must cover the same regions")
    # label points, focus bounds, encoded geometry and outlines: precomputed beside the
    # boundary layer (scripts/build_boundaries.py), else computed once and cached
    shapes = map_shapes(ds, codes, boundaries)
    lines = map_outlines(ds, outlines)
    top = label_top if label_top is not None else (_TOP_SIGUNGU if sig else None)

    layers: list[_Layer] = [_result_layer(r, f"r{k}", k, lang, top) for k, r in enumerate(results)]
    for k, m in enumerate(extra_layers):
        ri = metric_results[k] if k < len(metric_results) else 0
        layers.append(_metric_layer(m, f"m{k}", codes, ds, lang, ri, top))
    names = [lay.name for lay in layers]
    for k, lay in enumerate(layers):  # layer control keys must be unique
        if names.count(lay.name) > 1:
            lay.name = f"{lay.name} ({k + 1})"

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
    # only Leaflet; folium's jQuery, Bootstrap, Font Awesome and awesome-markers are not needed
    m.default_js = [("leaflet", _LEAFLET_JS_URL)]
    m.default_css = [("leaflet_css", _LEAFLET_CSS_URL)]
    _tiles(m, tiles)
    for k, lay in enumerate(layers):
        g = folium.FeatureGroup(name=_e(lay.name), overlay=False, show=(k == active))
        g._id = f"layer{k}"
        g.add_to(m)
        lay.group = g
    labels = folium.FeatureGroup(name=_e(t["labels"]), overlay=True, show=True)
    labels._id = "labels"
    labels.add_to(m)
    fac_groups = _facility_groups(ds, lang)
    fac_cfg = []
    for k, fg in enumerate(fac_groups):
        dots = "".join(
            f'<span class="st-lc-dot" style="{_dot_style(fg["styles"][i])}"></span>'
            for i in fg["present"]
        )
        name = f"{dots}{_e(fg['label'])} ({len(fg['items'])})"
        g = folium.FeatureGroup(name=name, overlay=True, show=fg["shown"])
        g._id = f"fac{k}"
        g.add_to(m)
        fac_cfg.append({**fg, "group": g.get_name()})
    lc = folium.LayerControl(position="bottomright", collapsed=False)
    lc._id = "control"
    lc.add_to(m)

    island_codes = set(codes)
    cfg = {
        "lang": lang,
        "level": "sigungu" if sig else "sido",
        "callouts": top is not None,
        "focusZoom": 9.5 if sig else 8,
        "active": active,
        "map": m.get_name(),
        "control": lc.get_name(),
        "labels": labels.get_name(),
        "bounds": shapes.bounds,
        "geometry": shapes.geojson,
        "outlines": lines,
        "regions": {
            c: {
                "name": _region_label_name(ds, c, lang),
                "label": shapes.label[c],
                "focus": shapes.focus[c],
                "nudge": list(_LABEL_NUDGE.get(c, (0, 0))) if not sig else [0, 0],
            }
            for c in codes
        },
        "layers": [
            {
                "key": lay.key,
                "kind": lay.kind,
                "group": lay.group.get_name(),
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
        "facilities": [
            {k: fg[k] for k in ("kind", "label", "color", "radius", "hollow", "group")}
            | {
                "styles": [
                    {k: st[k] for k in ("kind", "color", "radius", "hollow", "square")}
                    for st in fg["styles"]
                ],
                "items": [{k: it[k] for k in ("lat", "lon", "name", "k")} for it in fg["items"]],
            }
            for fg in fac_cfg
        ],
        "tiles": has_tiles,
        "islands": [
            {
                "name": nm[0 if lang == "ko" else 1],
                "label": [lat, lon],
                "region": next(c for c in regs if c in island_codes),
                "dot": dot,
            }
            for nm, lat, lon, regs, dot in _ISLANDS
            if any(c in island_codes for c in regs)
            if shapes.bounds[0][0] <= lat <= shapes.bounds[1][0]
            and shapes.bounds[0][1] - 0.05 <= lon <= shapes.bounds[1][1] + 0.05
        ],
    }
    popups = "".join(
        f'<template id="st-pop-{k}-{j}">{it["popup"]}</template>'
        for k, fg in enumerate(fac_cfg)
        for j, it in enumerate(fg["items"])
    )
    page_title = title or (t["title_sigungu"] if sig else t["title"])
    cards = []
    for k, r in enumerate(results):
        for i, code in enumerate(r.regions):
            peers = []
            if len(results) > 1:
                for j, other in enumerate(results):
                    if other.rank[i] > 0:
                        txt = (
                            f"{t['rank_fmt'].format(r=other.rank_label(i))} · "
                            f"{_score_text(float(other.score[i]))}"
                        )
                    else:
                        txt = t["excluded"]
                    peers.append((other.scenario.name or f"#{j + 1}", txt, j == k))
            extra = [
                (ml.short or ml.name, ml.format(ml.values.get(code)), f"m{j}")
                for j, ml in enumerate(extra_layers)
                if ml.card and (metric_results[j] if j < len(metric_results) else 0) == k
            ]
            cards.append(_card(r, f"r{k}", code, lang, peers, extra))
    cards_html, shared = _assemble_cards(cards)
    overviews = "".join(_overview(r, f"r{k}", lang) for k, r in enumerate(results))
    for k, ml in enumerate(extra_layers):
        if metric_overviews and k in metric_overviews:
            overviews += metric_overviews[k]
        elif ml.notes:
            overviews += _text_overview(f"m{k}", ml.name, [n for n in ml.notes if n])
    body = _page_body(
        results, layers, fac_cfg, lang, page_title, __version__, has_tiles, overviews, cards_html
    )

    fig = m.get_root()
    fig.title = _e(page_title)  # type: ignore[attr-defined]
    from branca.element import Element

    fig.header.add_child(
        Element(
            f'<meta name="generator" content="siting {_e(__version__)}">'
            f"<style>{_asset_text('siting-map.css')}</style>"
        ),
        name="siting_head",
    )
    fig.html.add_child(Element(body + popups + shared), name="siting_body")
    page = fig.render()
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    page = _inline_assets(page)
    app = f'<script type="application/json" id="siting-data">{_json_for_script(cfg)}</script>\n'
    if whatif and len(results) == 1:
        app += _whatif_scripts(first, lang)
    app += f"<script>{_asset_text('siting-map.js')}</script>\n"
    idx = page.rfind("</html>")
    page = page[:idx] + app + page[idx:]
    page = _deterministic_ids(page)
    # tidy folium's indentation-only lines (smaller and stable)
    page = "\n".join(line.rstrip() for line in page.splitlines() if line.strip()) + "\n"
    return page


def _whatif_scripts(result: Result, lang: str) -> str:
    """The what-if payload (the loaded scenario and every shipped one of the level as
    presets), the engine and the panel script, as <script> elements."""
    from siting.outputs.whatif import shipped_presets, whatif_json, whatif_payload

    presets = shipped_presets(result.dataset)
    payload = whatif_payload(result, presets)
    # the reasons the panel shows, in the map's language
    for entry, res in zip(
        [payload["scenario"], *payload["presets"]], [result, *presets], strict=True
    ):
        loc = res.scenario.localize
        entry["exclusions"] = {c: [loc(r, lang) for r in v] for c, v in entry["exclusions"].items()}
    ui = {
        "t": WHATIF_T[lang],
        "rank_fmt": T[lang]["rank_fmt"],
        "score_fmt": T[lang]["score_fmt"],
        "rank_of": T[lang]["rank_of"],
        "excluded": T[lang]["excluded"],
        "no_score": T[lang]["no_score"],
        "ramp": list(SEQUENTIAL),
        "no_data": NO_DATA_FILL,
    }
    return (
        '<script type="application/json" id="siting-whatif">'
        f"{whatif_json(payload, for_html=True)}</script>\n"
        f'<script type="application/json" id="siting-whatif-ui">{_json_for_script(ui)}</script>\n'
        f"<script>{_asset_text('siting-whatif.js')}</script>\n"
        f"<script>{_asset_text('siting-map-whatif.js')}</script>\n"
    )


def _page_body(
    results: Sequence[Result],
    layers: Sequence[_Layer],
    fac_cfg: Sequence[dict],
    lang: str,
    title: str,
    version: str,
    has_tiles: bool,
    overviews: str,
    cards: str,
) -> str:
    t = T[lang]
    first = results[0]
    scen = " · ".join(r.scenario.name or "" for r in results)
    desc = text(first.scenario.description, lang).strip() if len(results) == 1 else ""
    n = len(first.regions)
    level = t["region_sigungu"] if first.dataset.level == "sigungu" else t["region"]
    meta = [
        f"{t['scenario']} <b>{_e(scen)}</b>",
        f"{t['method']} {_e(_method_name(first.method, lang))}",
        _e(t["n_regions"].format(n=n, level=level)),
        f"{t['vintage']} {_e(first.dataset.vintage)}",
        f"{t['hash']} <code>{_e(' · '.join(r.hash for r in results))}</code>",
    ]
    legends = "".join(
        f'<div class="st-legend-body" data-layer="{lay.key}" hidden>{lay.legend_html}</div>'
        for lay in layers
    )
    fac_legend = ""
    if fac_cfg:
        rows = "".join(
            f'<div class="st-legend-row" data-fac="{k}"><span class="st-sw-dot" '
            f'style="{_dot_style(fg["styles"][i])}">'
            f"</span>{_e(fg['styles'][i]['label'])}</div>"
            for k, fg in enumerate(fac_cfg)
            for i in fg["present"]
        )
        fac_legend = f'<div class="st-legend-fac"><div class="st-legend-sub">{_e(t["facilities"])}</div>{rows}</div>'  # noqa: E501
    tables = "".join(lay.table_html.replace("<table ", "<table hidden ", 1) for lay in layers)
    foot = [
        _e(t["attribution"]),
        _e(t["made_with"].format(v=LEAFLET_VERSION, sv=version)),
    ]
    if has_tiles:
        foot.append(_e(t["tiles"]) + ": © " + _e("see map attribution"))
    return f"""
<svg class="st-defs" width="0" height="0" aria-hidden="true" focusable="false">
<defs>
<pattern id="st-hatch" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">
<rect width="7" height="7" fill="{NO_DATA_FILL}"/><line x1="0" y1="0" x2="0" y2="7" stroke="#8c8c8c" stroke-width="2.2"/></pattern>
</defs></svg>
<header class="st-header">
<h1>{_e(title)}</h1>
<p class="st-scen-desc" title="{_e(desc)}">{_e(desc)}</p>
<p class="st-meta">{" <span class='st-sep'>|</span> ".join(meta)}</p>
</header>
<aside class="st-left" aria-label="{_e(t["rank"])}"><div class="st-table-wrap">{tables}</div>
<section class="st-layers-box"><h3>{_e(t["layers"])}</h3><div id="st-layers"></div></section>
</aside>
<aside class="st-right" aria-live="polite">{overviews}{cards}</aside>
<div id="st-legend" class="st-legend">{legends}{fac_legend}</div>
<footer class="st-footer">{" · ".join(foot)}</footer>
"""  # noqa: E501


# ============================================================================ files


def write_map(path: str | Path, page: str) -> Path:
    """Write the page atomically."""
    from siting._io import atomic_write

    return atomic_write(path, page)


def find_chromium() -> str | None:
    """A Chromium/Chrome binary: $SITING_CHROMIUM, then the usual names on PATH."""
    import os
    import shutil

    env = os.environ.get("SITING_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        hit = shutil.which(name)
        if hit:
            return hit
    return None


def render_png(
    html_path: str | Path,
    png_path: str | Path,
    *,
    width: int = 1600,
    height: int = 1000,
    timeout: float = 60.0,
) -> Path:
    """Screenshot the map page with headless Chromium (static view: card closed)."""
    import subprocess
    import tempfile

    from siting._io import atomic_write

    exe = find_chromium()
    if exe is None:
        raise SitingError(
            "--png needs Chromium, which was not found",
            fix="install it (Debian: apt-get install chromium) or set SITING_CHROMIUM",
        )
    src = Path(html_path).resolve()
    with tempfile.TemporaryDirectory(prefix="siting-png-") as tmp:
        out = Path(tmp) / "map.png"
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp}/profile",
            f"--window-size={width},{height}",
            "--virtual-time-budget=4000",
            f"--screenshot={out}",
            src.as_uri() + "#static",
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise SitingError("Chromium did not finish the screenshot in time") from exc
        if not out.exists():
            raise SitingError(
                f"Chromium could not take the screenshot (exit {proc.returncode})",
                fix=(proc.stderr or "").strip().splitlines()[-1:] and proc.stderr.strip()[-300:],
            )
        return atomic_write(png_path, out.read_bytes())


_SPLIT = {  # names defined in siting/outputs/map_compare.py, importable from here as before
    "rank_change_layers",
    "robustness_layer",
    "write_comparison_map",
    "_comparison_overview",
}


def __getattr__(name: str) -> Any:
    if name in _SPLIT:
        from siting.outputs import map_compare as _map_compare

        return getattr(_map_compare, name)
    raise AttributeError(f"module 'siting.outputs.maps' has no attribute {name!r}")
