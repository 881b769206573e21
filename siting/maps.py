"""Self-contained interactive HTML maps of results (folium + vendored Leaflet, no network).

:func:`build_map` turns one or more :class:`~siting.result.Result` objects into ONE HTML file
that works offline: Leaflet 1.9.3 and its CSS (images as ``data:`` URIs) are vendored under
``siting/_assets`` and inlined, folium's CDN assets (jQuery, Bootstrap, Font Awesome,
awesome-markers) are dropped, and the legend, ranked table and explanation cards are plain
HTML written here with every string escaped. The page's own script only toggles that HTML,
builds tooltips and labels with ``textContent`` and draws the layers from a JSON block.

Several results become exclusive (radio) choropleth layers for scenario comparison;
``extra_layers`` (:class:`MetricLayer`) add per-region metrics with their own legends.
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

if TYPE_CHECKING:
    from siting.dataset import Dataset
    from siting.result import Result

__all__ = [
    "ATTRIBUTION",
    "FACILITY_KINDS",
    "MetricLayer",
    "build_map",
    "find_chromium",
    "render_png",
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
}
_OTHER_FACILITY = ("#525252", 4)
# small islands named on the map (they are specks at national zoom): (ko, en), lat, lon
# label offsets in pixels (dx, dy) where neighbouring small regions would collide
_LABEL_NUDGE = {"36": (-16, -6), "30": (12, 8)}
# (a dot is drawn too where the island is smaller than a pixel): (ko, en), lat, lon, region, dot
_ISLANDS = (
    (("울릉도", "Ulleungdo"), 37.56, 130.865, "47", False),
    (("독도", "Dokdo"), 37.2417, 131.8647, "47", True),
)

_METHOD_NAMES = {
    "ko": {"wsm": "가중합(WSM)", "wpm": "가중곱(WPM)", "topsis": "TOPSIS"},
    "en": {"wsm": "weighted sum (WSM)", "wpm": "weighted product (WPM)", "topsis": "TOPSIS"},
}
_POLICY = {
    "ko": {"worst": "최저값", "median": "중앙값", "zero": "0점"},
    "en": {"worst": "worst observed", "median": "median", "zero": "zero"},
}

T: dict[str, dict[str, str]] = {
    "ko": {
        "title": "AI 데이터센터 입지 평가 — 시도별 종합점수",
        "scenario": "시나리오",
        "method": "평가 방법",
        "vintage": "자료 기준",
        "hash": "결과 해시",
        "rank": "순위",
        "region": "시도",
        "score": "점수",
        "coverage": "자료 충족",
        "coverage_long": "자료 충족률",
        "excluded": "제외",
        "forced": "강제 포함",
        "no_score": "점수 없음",
        "rank_fmt": "{r}위",
        "rank_of": "{r}위 / {n}",
        "score_fmt": "{s}점",
        "legend_scale": "종합점수 (0–100점, 높을수록 유리)",
        "legend_scale_low": "종합점수 (낮을수록 유리)",
        "legend_scale_free": "종합점수",
        "legend_excluded": "제외 지역 (사유: 지역 카드)",
        "legend_imputed": "일부 기준 자료 없음 — 규칙에 따른 대체값 사용",
        "legend_no_value": "값 없음",
        "legend_method": "{method} · 기준 {n}개 · 시나리오 {name}",
        "criteria": "기준별 기여도",
        "bar_note": "막대 전체 길이 = 가중치(최대 배점), 채운 부분 = 획득 점수",
        "bar_note_nonadd": "{method}은(는) 가법 모형이 아니므로 막대는 비교용 가중 값입니다",
        "weight": "가중치",
        "raw": "원자료",
        "source": "출처",
        "imputed": "자료 없음",
        "imputed_note": "자료 없음 — '{policy}' 규칙으로 {v} 부여",
        "status": "판정",
        "reasons": "제외·가감점",
        "base": "기본 점수",
        "adjustment": "가감점",
        "close": "닫기",
        "back": "시나리오 개요",
        "overview": "시나리오 개요",
        "weights": "기준과 가중치",
        "criterion": "기준",
        "value_function": "점수화",
        "warnings": "참고",
        "imputations": "대체값 사용",
        "hint": "지도에서 시도를 누르거나 순위표의 행을 누르면 설명이 표시됩니다.",
        "labels": "지역명",
        "layers": "지도 레이어",
        "facilities": "시설",
        "status_f": "상태",
        "capacity": "용량",
        "kind": "구분",
        "attribution": ATTRIBUTION,
        "made_with": "지도: Leaflet {v} (BSD-2) · 점수 산출: siting {sv}",
        "tiles": "배경지도",
        "metric_legend_note": "",
        "value": "값",
        "n_data": "자료 수",
        "location": "위치",
        "of_weight": "가중치의 {p} %에 실제 자료",
    },
    "en": {
        "title": "AI data-centre siting — score by province",
        "scenario": "Scenario",
        "method": "Method",
        "vintage": "Data as of",
        "hash": "Result hash",
        "rank": "Rank",
        "region": "Region",
        "score": "Score",
        "coverage": "Data",
        "coverage_long": "Data coverage",
        "excluded": "excluded",
        "forced": "forced in",
        "no_score": "no score",
        "rank_fmt": "#{r}",
        "rank_of": "#{r} of {n}",
        "score_fmt": "{s}",
        "legend_scale": "Score (0–100, higher is better)",
        "legend_scale_low": "Score (lower is better)",
        "legend_scale_free": "Score",
        "legend_excluded": "Excluded (reason in the region card)",
        "legend_imputed": "Some criteria have no data — filled by rule",
        "legend_no_value": "No value",
        "legend_method": "{method} · {n} criteria · scenario {name}",
        "criteria": "Contribution by criterion",
        "bar_note": "Full bar = the criterion's weight (maximum points), filled = points earned",
        "bar_note_nonadd": "{method} is not additive: bars show weighted values for comparison",
        "weight": "weight",
        "raw": "value",
        "source": "Source",
        "imputed": "no data",
        "imputed_note": "no data — filled with the {policy} value ({v})",
        "status": "Status",
        "reasons": "Exclusions, penalties, bonuses",
        "base": "Base score",
        "adjustment": "Adjustment",
        "close": "Close",
        "back": "Scenario overview",
        "overview": "Scenario overview",
        "weights": "Criteria and weights",
        "criterion": "Criterion",
        "value_function": "Scoring",
        "warnings": "Notes",
        "imputations": "Filled values",
        "hint": "Click a region on the map or a row of the table for its explanation.",
        "labels": "Region names",
        "layers": "Map layers",
        "facilities": "Facilities",
        "status_f": "Status",
        "capacity": "Capacity",
        "kind": "Kind",
        "attribution": ATTRIBUTION + " (administrative boundaries, NGII)",
        "made_with": "Map: Leaflet {v} (BSD-2) · scores: siting {sv}",
        "tiles": "Base map",
        "metric_legend_note": "",
        "value": "Value",
        "n_data": "data",
        "location": "Location",
        "of_weight": "{p} % of the weight rests on real data",
    },
}


@dataclass(frozen=True)
class MetricLayer:
    """A per-region metric drawn as its own exclusive choropleth layer with its own legend.

    ``values`` maps region codes to numbers (``None`` or NaN = no value, drawn grey).
    ``diverging`` centres a red-blue ramp on ``center`` (e.g. a rank change);
    ``percent`` shows values in 0..1 as percentages (e.g. P(top 3)).
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

    def format(self, v: float | None) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "—"
        x = 100 * v if self.percent else v
        sign = "+" if self.signed and x > 0 else ""
        text = f"{sign}{x:,.{self.decimals}f}"
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


# ============================================================================ boundaries


def load_boundaries(ds: Dataset | None = None) -> dict[str, Any]:
    """The 시도 polygons as a GeoJSON FeatureCollection (properties include ``code``).

    Uses the layer of :func:`siting.boundaries.load_map_layer` (its GeoJSON file is read
    directly, which keeps geopandas out of ``siting map``); when that layer is not built,
    reads ``boundaries/sido.geojson`` from the data folder of ``ds``.
    """
    problem = ""
    try:
        from siting import boundaries
    except ImportError as exc:
        problem = str(exc)
    else:
        # fast path: the committed GeoJSON that load_map_layer parses, read without geopandas
        path_of = getattr(boundaries, "map_layer_path", None)
        path = path_of("sido") if path_of else None
        if path is not None and Path(path).is_file():
            return json.loads(Path(path).read_text(encoding="utf-8"))
        try:
            return _to_feature_collection(boundaries.load_map_layer("sido"))
        except FileNotFoundError as exc:
            problem = str(exc)
    if ds is not None:
        p = Path(ds.root) / "boundaries" / "sido.geojson"
        if p.is_file():
            return json.loads(p.read_text(encoding="utf-8"))
    raise SitingError(
        f"no 시도 boundary layer found ({problem})" if problem else "no 시도 boundary layer found",
        fix="build it with `python scripts/build_boundaries.py` (data/boundaries/sido.geojson)",
    )


def _to_feature_collection(layer: Any) -> dict[str, Any]:
    if isinstance(layer, dict):
        return layer
    if hasattr(layer, "to_crs") and hasattr(layer, "geometry"):  # a GeoDataFrame
        gdf = layer
        if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
            gdf = gdf.to_crs(4326)
        return json.loads(gdf.to_json(drop_id=True))
    if hasattr(layer, "__geo_interface__"):
        return dict(layer.__geo_interface__)
    raise SitingError(f"cannot use a boundary layer of type {type(layer).__name__}")


def _round_coords(obj: Any, nd: int) -> Any:
    if isinstance(obj, float):
        return round(obj, nd)
    if isinstance(obj, list | tuple):
        return [_round_coords(x, nd) for x in obj]
    return obj


@dataclass
class _Shapes:
    geojson: dict[str, Any]  # FeatureCollection with id = region code
    label: dict[str, tuple[float, float]]  # code -> (lat, lon)
    focus: dict[str, list[list[float]]]  # code -> [[s, w], [n, e]]
    bounds: list[list[float]]


def _prepare_shapes(fc: Mapping[str, Any], codes: Sequence[str], digits: int = 4) -> _Shapes:
    """Keep the regions in ``codes`` (joined on the region code), compute label points (pole of
    inaccessibility of the largest part) and focus bounds (parts >= 10 % of the largest)."""
    import shapely
    from shapely.geometry import shape
    from shapely.ops import polylabel

    by_code: dict[str, Any] = {}
    for f in fc.get("features", []):
        props = f.get("properties") or {}
        code = str(props.get("code") or props.get("sido_code") or f.get("id") or "")
        if code in codes and f.get("geometry"):
            by_code[code] = f["geometry"]
    missing = [c for c in codes if c not in by_code]
    if missing:
        raise SitingError(
            f"the boundary layer has no polygon for region(s) {', '.join(missing)}",
            fix="the boundary layer must carry the 시도 codes of regions.csv in 'code'",
        )
    feats, label, focus = [], {}, {}
    allb = [math.inf, math.inf, -math.inf, -math.inf]
    for code in sorted(by_code):
        geom = shape(by_code[code])
        parts = list(getattr(geom, "geoms", [geom]))
        polys = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
        if not polys:
            raise SitingError(f"the boundary of region {code} has no polygon")
        # areas in (cos-lat corrected) degrees are fine for ranking parts of one region
        k = math.cos(math.radians(geom.centroid.y))
        areas = [p.area * k for p in polys]
        big = polys[max(range(len(polys)), key=areas.__getitem__)]
        pt = polylabel(big, tolerance=0.002)
        label[code] = (round(pt.y, 4), round(pt.x, 4))
        main = [p for p, a in zip(polys, areas, strict=True) if a >= 0.1 * max(areas)]
        w, s, e, n = shapely.total_bounds(main)
        focus[code] = [[round(s, 4), round(w, 4)], [round(n, 4), round(e, 4)]]
        gb = geom.bounds
        allb = [min(allb[0], gb[0]), min(allb[1], gb[1]), max(allb[2], gb[2]), max(allb[3], gb[3])]
        feats.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code},
                "geometry": {
                    "type": by_code[code]["type"],
                    "coordinates": _round_coords(by_code[code]["coordinates"], digits),
                },
            }
        )
    bounds = [[round(allb[1], 4), round(allb[0], 4)], [round(allb[3], 4), round(allb[2], 4)]]
    return _Shapes({"type": "FeatureCollection", "features": feats}, label, focus, bounds)


# ============================================================================ layers


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


def _method_name(method: str, lang: str) -> str:
    return _METHOD_NAMES[lang].get(method, method.upper())


def _score_domain(result: Result) -> tuple[float, float, bool]:
    """(lo, hi, fixed): builtin methods are on 0-100; others use the observed range."""
    import numpy as np

    from siting.aggregate import BUILTIN

    if result.method in BUILTIN:
        return 0.0, 100.0, True
    s = result.score[~np.isnan(result.score)]
    if s.size == 0:
        return 0.0, 1.0, False
    lo, hi = float(s.min()), float(s.max())
    return lo, (hi if hi > lo else lo + 1.0), False


def _result_layer(result: Result, key: str, index: int, lang: str) -> _Layer:
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
            reasons = result.exclusions.get(code) or [t["no_score"]]
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
            tip.append(f"{t['forced']}: {result.forced.get(code, '')}")
        for a in result.adjustments:
            if a.region == code:
                tip.append(f"{a.points:+g} · {a.reason.split(' (')[0]}")
        tips[code] = tip
        labels[code] = _score_text(s) + ("*" if imputed else "")
    legend = _result_legend(result, lang, lo, hi, fixed)
    table = _result_table(result, key, lang, n_ranked, styles)
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
    )


def _result_legend(result: Result, lang: str, lo: float, hi: float, fixed: bool) -> str:
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
    for cls, text in swatches:
        out.append(f'<div class="st-legend-row"><span class="{cls}"></span>{_e(text)}</div>')
    return "".join(out)


def _gradient_html(
    stops: Sequence[str], ticks: Sequence[float], lo: float, hi: float, fmt: Any = None
) -> str:
    fmt = fmt or (lambda v: _num(round(v, 1), 1))
    tick_html = "".join(
        f'<span class="st-tick" style="left:{100 * (v - lo) / (hi - lo):.2f}%">{_e(fmt(v))}</span>'
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
            f'<td><span class="{sw_cls}"{sw_style}></span>'
            f"{_e(result.dataset.region_name(code, lang))}</td>"
            f'<td class="st-num">{_e(score)}</td>'
            f'<td class="st-num">{100 * float(cov[i]):.0f}%{mark}</td></tr>'
        )
    head = (
        f'<thead><tr><th class="st-num">{_e(t["rank"])}</th><th>{_e(t["region"])}</th>'
        f'<th class="st-num">{_e(t["score"])}</th><th class="st-num">{_e(t["coverage"])}</th>'
        "</tr></thead>"
    )
    return f'<table class="st-rank" data-layer="{key}">{head}<tbody>{"".join(rows)}</tbody></table>'


def _metric_layer(
    m: MetricLayer, key: str, codes: Sequence[str], ds: Dataset, lang: str, result_index: int
) -> _Layer:
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
    styles, tips, labels = {}, {}, {}
    for c in codes:
        name = ds.region_name(c, lang)
        v = vals[c]
        if v is None:
            styles[c] = {"color": NO_DATA_FILL, "pattern": "missing"}
            tips[c] = [name, f"{m.name}: {t['legend_no_value']}"]
            labels[c] = "—"
        else:
            styles[c] = {"color": ramp_color(stops, (v - lo) / (hi - lo)), "pattern": None}
            extra = [m.labels[c]] if c in m.labels else []
            tips[c] = [name, f"{m.name}: {m.format(v)}", *extra]
            labels[c] = m.format(v)
    ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    legend = [f'<div class="st-legend-title">{_e(m.name)}</div>']
    legend.append(_gradient_html(stops, ticks, lo, hi, fmt=m.format))
    if m.description:
        legend.append(f'<div class="st-legend-method">{_e(m.description)}</div>')
    if any(v is None for v in vals.values()):
        legend.append(
            f'<div class="st-legend-row"><span class="st-sw st-sw-missing"></span>'
            f"{_e(t['legend_no_value'])}</div>"
        )
    order = sorted(
        codes,
        key=lambda c: (vals[c] is None, -(vals[c] or 0) if m.higher_is_better else vals[c] or 0, c),
    )
    rows = [
        f'<tr data-region="{_e(c)}" tabindex="0"><td class="st-num">{k + 1}</td>'
        f'<td><span class="st-sw" style="background:{styles[c]["color"]}"></span>'
        f'{_e(ds.region_name(c, lang))}</td><td class="st-num" colspan="2">'
        f"{_e(m.format(vals[c]))}</td></tr>"
        for k, c in enumerate(order)
    ]
    table = (
        f'<table class="st-rank" data-layer="{key}"><thead><tr><th class="st-num">#</th>'
        f'<th>{_e(t["region"])}</th><th class="st-num" colspan="2">{_e(m.name)}</th></tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _Layer(key, m.name, "metric", result_index, styles, tips, labels, "".join(legend), table)


# ============================================================================ cards


def _card(result: Result, key: str, code: str, lang: str) -> str:
    """The explanation card of one region under one result (static, escaped HTML)."""
    t = T[lang]
    ex = result.explain(code)
    name = ex["name_ko"] if lang == "ko" else ex["name_en"]
    other = ex["name_en"] if lang == "ko" else ex["name_ko"]
    excluded = ex["status"] == "excluded"
    n_ranked = ex["ranked_regions"]
    rank = t["excluded"] if excluded else t["rank_of"].format(r=ex["rank_label"], n=n_ranked)
    score = "—" if ex["score"] is None else _score_text(ex["score"])
    kpis = [
        (t["rank"], rank),
        (t["score"], score),
        (t["coverage_long"], f"{ex['coverage_pct']:.0f} %"),
    ]
    if ex["adjustment"]:
        kpis.insert(2, (t["base"], _score_text(ex["base_score"])))
    kpi_html = "".join(
        f'<div class="st-kpi"><div class="st-kpi-k">{_e(k)}</div>'
        f'<div class="st-kpi-v">{_e(v)}</div></div>'
        for k, v in kpis
    )
    parts = [
        f'<article class="st-card" data-layer="{key}" data-region="{_e(code)}" hidden>',
        '<header class="st-card-head">',
        f'<div><h2>{_e(name)}</h2><div class="st-sub">{_e(other)} · {_e(code)} · '
        f"{_e(t['scenario'])} {_e(result.scenario.name)}</div></div>",
        f'<button type="button" class="st-close" aria-label="{_e(t["close"])}" '
        f'title="{_e(t["close"])}">×</button></header>',
        f'<div class="st-kpis{" st-kpis-excl" if excluded else ""}">{kpi_html}</div>',
    ]
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
    parts.append(f'<p class="st-note">{_e(note)}</p><ol class="st-crit">')
    wmax = max((c["weight_pct"] for c in ex["criteria"]), default=1.0) or 1.0
    for c in ex["criteria"]:
        cname = c["name_ko"] if lang == "ko" else c["name_en"]
        contrib = c["contribution"]
        v = c["transformed"]
        track = 100 * c["weight_pct"] / wmax
        fill = 0.0 if v is None else 100 * max(0.0, min(1.0, v))
        pts = "—" if contrib is None else f"{contrib:.1f}"
        imputed = c["imputed"]
        li_cls = "st-crit-imp" if imputed else ""
        parts.append(
            f'<li class="{li_cls}"><div class="st-crit-row"><span class="st-crit-name">'
            f"{_e(cname)}</span>"
            f'<span class="st-crit-pts">{_e(pts)} / {c["weight_pct"]:.1f}</span></div>'
            f'<div class="st-bar" style="width:{track:.1f}%"><span style="width:{fill:.1f}%">'
            "</span></div>"
        )
        unit = c["unit"] or ""
        if c["raw"] is None:
            policy = _POLICY[lang].get(c["missing_policy"], c["missing_policy"])
            vtxt = "—" if v is None else f"{v:.2f}"
            raw = t["imputed_note"].format(policy=policy, v=vtxt)
            parts.append(
                f'<div class="st-crit-raw"><span class="st-badge">{_e(t["imputed"])}</span> '
                f"{_e(raw)} · {_e(c['period'])}</div>"
            )
        else:
            parts.append(
                f'<div class="st-crit-raw"><b>{_e(_num(c["raw"]))}</b> {_e(unit)} · '
                f"{_e(c['period'])} · {_e(t['weight'])} {c['weight_pct']:.1f} % · "
                f'<span class="st-vf">{_e(c["value_function"])}</span></div>'
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
            parts.append(
                f'<div class="st-src">{_e(t["source"])}: {link}'
                f'<span class="st-src-title"> — {title}</span></div>'
            )
        if ev and ev.get("quote"):
            parts.append(f'<blockquote class="st-quote">{_e(ev["quote"])}</blockquote>')
        parts.append("</li>")
    parts.append("</ol></section></article>")
    return "".join(parts)


def _overview(result: Result, key: str, lang: str, *, with_description: bool = True) -> str:
    """The right panel's default content: the scenario, its weights and caveats."""
    t = T[lang]
    desc = (result.scenario.description or "").strip() if with_description else ""
    rows = "".join(
        f'<tr><td>{_e(c.indicator.name(lang))}</td><td class="st-num">{100 * c.weight:.1f}%</td>'
        f'<td class="st-num">{c.coverage}/{len(result.regions)}</td></tr>'
        for c in sorted(result.criteria, key=lambda c: (-c.weight, c.id))
    )
    parts = [
        f'<section class="st-overview" data-layer="{key}" hidden>',
        f"<h2>{_e(t['scenario'])}: {_e(result.scenario.name)}</h2>",
        f'<p class="st-desc">{_e(desc)}</p>' if desc else "",
        f'<p class="st-hint">{_e(t["hint"])}</p>',
        f"<h3>{_e(t['weights'])}</h3>",
        f'<table class="st-weights"><thead><tr><th>{_e(t["criterion"])}</th>'
        f'<th class="st-num">{_e(t["weight"])}</th><th class="st-num">{_e(t["n_data"])}</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>",
    ]
    notes = list(result.warnings)
    if result.imputations:
        by: dict[str, list[str]] = {}
        for imp in result.imputations:
            by.setdefault(imp.criterion, []).append(result.dataset.region_name(imp.region, lang))
        names = {c.id: c.indicator.name(lang) for c in result.criteria}
        notes.append(
            t["imputations"]
            + ": "
            + "; ".join(f"{names.get(k, k)} ({', '.join(v)})" for k, v in by.items())
        )
    if notes:
        items = "".join(f"<li>{_e(n)}</li>" for n in notes)
        parts.append(f'<h3>{_e(t["warnings"])}</h3><ul class="st-notes">{items}</ul>')
    parts.append("</section>")
    return "".join(parts)


# ============================================================================ facilities


def _facility_groups(ds: Dataset, lang: str) -> list[dict[str, Any]]:
    """Facilities grouped by kind (known kinds first), each with its popup HTML."""
    t = T[lang]
    by_kind: dict[str, list[dict[str, str]]] = {}
    for f in ds.facilities:
        by_kind.setdefault(f.get("kind", ""), []).append(f)
    kinds = [k for k in FACILITY_KINDS if k in by_kind] + sorted(
        k for k in by_kind if k not in FACILITY_KINDS
    )
    out = []
    for kind in kinds:
        color, radius = FACILITY_KINDS.get(kind, _OTHER_FACILITY)[:2]
        hollow = FACILITY_KINDS[kind][4] if kind in FACILITY_KINDS else False
        shown = FACILITY_KINDS[kind][5] if kind in FACILITY_KINDS else False
        label = FACILITY_KINDS[kind][2 if lang == "ko" else 3] if kind in FACILITY_KINDS else kind
        items = []
        for f in sorted(by_kind[kind], key=lambda r: (r.get("sido", ""), r.get("id", ""))):
            try:
                lat, lon = float(f["lat"]), float(f["lon"])
            except (KeyError, ValueError):
                continue
            if not (math.isfinite(lat) and math.isfinite(lon)):
                continue
            name = f.get("name_ko") if lang == "ko" else (f.get("name_en") or f.get("name_ko"))
            rows = [(t["kind"], label)]
            if f.get("status"):
                rows.append((t["status_f"], f["status"]))
            if f.get("capacity_mw"):
                rows.append((t["capacity"], f"{f['capacity_mw']} MW"))
            if f.get("location_basis"):
                rows.append((t["location"], f["location_basis"]))
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
            body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
            if f.get("quote"):
                src_html += f'<blockquote class="st-quote">{_e(f["quote"])}</blockquote>'
            popup = (
                f'<div class="st-pop"><div class="st-pop-title">{_e(name)}</div>'
                f"<table>{body}</table>{src_html}</div>"
            )
            items.append(
                {"lat": round(lat, 5), "lon": round(lon, 5), "name": name or "", "popup": popup}
            )
        if items:
            out.append(
                {
                    "kind": kind,
                    "label": label,
                    "color": color,
                    "radius": radius,
                    "hollow": hollow,
                    "shown": shown,
                    "items": items,
                }
            )
    return out


def _dot_style(fg: Mapping[str, Any]) -> str:
    c = fg["color"]
    return f"background:#fff;border-color:{c}" if fg.get("hollow") else f"background:{c}"


# ============================================================================ the page


def _tiles(m: Any, tiles: str | None) -> bool:
    """Add a base map (always on, outside the layer control). Returns True if one was added."""
    import folium

    if not tiles or tiles.lower() == "none":
        return False
    try:
        if "{z}" in tiles:
            host = re.sub(r"^\w+://", "", tiles).split("/")[0]
            layer = folium.TileLayer(tiles, attr=f"Tiles: {host}", control=False, max_zoom=18)
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
        A GeoJSON FeatureCollection or GeoDataFrame of 시도 polygons with a ``code`` property;
        default :func:`load_boundaries`.
    """
    import folium

    from siting import __version__

    if not results:
        raise SitingError("build_map needs at least one result")
    if lang not in T:
        raise SitingError(f"unknown language {lang!r}", fix="use ko or en")
    t = T[lang]
    first = results[0]
    ds = first.dataset
    codes = list(first.regions)
    for r in results[1:]:
        if list(r.regions) != codes:
            raise SitingError("results to compare must cover the same regions")
    fc = boundaries if boundaries is not None else load_boundaries(ds)
    shapes = _prepare_shapes(_to_feature_collection(fc), codes)

    layers: list[_Layer] = [_result_layer(r, f"r{k}", k, lang) for k, r in enumerate(results)]
    layers += [_metric_layer(m, f"m{k}", codes, ds, lang, 0) for k, m in enumerate(extra_layers)]
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
        g = folium.FeatureGroup(name=_e(lay.name), overlay=False, show=(k == 0))
        g._id = f"layer{k}"
        g.add_to(m)
        lay.group = g
    labels = folium.FeatureGroup(name=_e(t["labels"]), overlay=True, show=True)
    labels._id = "labels"
    labels.add_to(m)
    fac_groups = _facility_groups(ds, lang)
    fac_cfg = []
    for k, fg in enumerate(fac_groups):
        name = (
            f'<span class="st-lc-dot" style="{_dot_style(fg)}"></span>'
            f"{_e(fg['label'])} ({len(fg['items'])})"
        )
        g = folium.FeatureGroup(name=name, overlay=True, show=fg["shown"])
        g._id = f"fac{k}"
        g.add_to(m)
        fac_cfg.append({**fg, "group": g.get_name()})
    lc = folium.LayerControl(position="bottomright", collapsed=False)
    lc._id = "control"
    lc.add_to(m)

    cfg = {
        "lang": lang,
        "map": m.get_name(),
        "control": lc.get_name(),
        "labels": labels.get_name(),
        "bounds": shapes.bounds,
        "geometry": shapes.geojson,
        "regions": {
            c: {
                "name": ds.region_name(c, lang),
                "label": shapes.label[c],
                "focus": shapes.focus[c],
                "nudge": list(_LABEL_NUDGE.get(c, (0, 0))),
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
                "border": "#ffffff" if lay.kind == "result" else "#8c96a0",
            }
            for lay in layers
        ],
        "facilities": [
            {k: fg[k] for k in ("kind", "label", "color", "radius", "hollow", "group")}
            | {"items": [{k: it[k] for k in ("lat", "lon", "name")} for it in fg["items"]]}
            for fg in fac_cfg
        ],
        "tiles": has_tiles,
        "islands": [
            {"name": nm[0 if lang == "ko" else 1], "label": [lat, lon], "region": reg, "dot": dot}
            for nm, lat, lon, reg, dot in _ISLANDS
            if reg in codes
            if shapes.bounds[0][0] <= lat <= shapes.bounds[1][0]
            and shapes.bounds[0][1] - 0.05 <= lon <= shapes.bounds[1][1] + 0.05
        ],
    }
    popups = "".join(
        f'<template id="st-pop-{k}-{j}">{it["popup"]}</template>'
        for k, fg in enumerate(fac_cfg)
        for j, it in enumerate(fg["items"])
    )
    page_title = title or t["title"]
    body = _page_body(results, layers, fac_cfg, lang, page_title, __version__, has_tiles)

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
    fig.html.add_child(Element(body + popups), name="siting_body")
    page = fig.render()
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    page = _inline_assets(page)
    app = (
        f'<script type="application/json" id="siting-data">{_json_for_script(cfg)}</script>\n'
        f"<script>{_asset_text('siting-map.js')}</script>\n"
    )
    idx = page.rfind("</html>")
    page = page[:idx] + app + page[idx:]
    page = _deterministic_ids(page)
    # tidy folium's indentation-only lines (smaller and stable)
    page = "\n".join(line.rstrip() for line in page.splitlines() if line.strip()) + "\n"
    return page


def _page_body(
    results: Sequence[Result],
    layers: Sequence[_Layer],
    fac_cfg: Sequence[dict],
    lang: str,
    title: str,
    version: str,
    has_tiles: bool,
) -> str:
    t = T[lang]
    first = results[0]
    scen = " · ".join(r.scenario.name or "" for r in results)
    desc = (first.scenario.description or "").strip() if len(results) == 1 else ""
    meta = [
        f"{t['scenario']} <b>{_e(scen)}</b>",
        f"{t['method']} {_e(_method_name(first.method, lang))}",
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
            f'style="{_dot_style(fg)}">'
            f"</span>{_e(fg['label'])}</div>"
            for k, fg in enumerate(fac_cfg)
        )
        fac_legend = f'<div class="st-legend-fac"><div class="st-legend-sub">{_e(t["facilities"])}</div>{rows}</div>'  # noqa: E501
    tables = "".join(lay.table_html.replace("<table ", "<table hidden ", 1) for lay in layers)
    overviews = "".join(_overview(r, f"r{k}", lang) for k, r in enumerate(results))
    cards = "".join(
        _card(r, f"r{k}", code, lang) for k, r in enumerate(results) for code in r.regions
    )
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
<aside class="st-left" aria-label="{_e(t["rank"])}">{tables}
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
