"""시군구 own values — economy, land and talent (data/sigungu/*_economy.*)."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from siting.data.dataset import load_dataset

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_sigungu_economy.py"
VALUES = ROOT / "data" / "sigungu" / "values_economy.csv"
sys.path.insert(0, str(ROOT / "scripts"))

import build_sigungu_economy as build  # noqa: E402

REF = build.reference_dir()
needs_ref = pytest.mark.skipif(not REF.is_dir(), reason="reference folder not present")

CLAIMED = [
    "population",
    "population_density",
    "grdp",
    "grdp_per_resident",
    "fiscal_independence",
    "manufacturing_employment_share",
    "industrial_complexes",
    "industrial_complex_area",
    "industrial_complex_unsold_area",
    "universities",
    "graduate_schools",
    "datacenters_listed",
]
# national registered population printed by MOIS (second sources, see sources_economy.csv)
MOIS_END_2025 = 51_117_378  # 헤럴드경제 2026-01-04, '2025년 주민등록 인구통계 분석'
MOIS_END_2019 = 51_849_861  # 서울경제 2020-01-12, 2019년 말 주민등록 인구


@pytest.fixture(scope="module")
def sub():
    return load_dataset(level="sigungu")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with VALUES.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def own(sub, indicator: str, period: str | None = None) -> dict[str, float]:
    per = period or sub.indicators[indicator].period
    return {
        r: v.value
        for r in sub.region_codes
        if (v := sub.lookup(r, indicator, per)) is not None and not v.inherited
    }


def test_every_row_joins_a_unit_and_a_defined_indicator(sub, rows) -> None:
    codes = set(sub.region_codes)
    assert {r["region"] for r in rows} <= codes
    assert {r["indicator"] for r in rows} <= set(sub.indicators)
    mine = [p for p in sub.problems if "_economy" in (p.file or "")]
    assert not mine, mine


@pytest.mark.parametrize("indicator", CLAIMED)
def test_coverage_of_own_values(sub, indicator) -> None:
    values = own(sub, indicator)
    assert len(values) >= 200, f"{indicator}: {len(values)}/229 own values"
    src = sub.column_sources(indicator, sub.indicators[indicator].period)
    assert src, indicator


def test_own_value_replaces_the_inherited_province_value(sub) -> None:
    pohang = sub.lookup("47110", "fiscal_independence", "2023")
    assert pohang is not None and not pohang.inherited
    assert pohang.value != sub.parent.lookup("47", "fiscal_independence", "2023").value
    # 제주시 / 서귀포시 have no own budget: they keep the province value
    assert sub.lookup("50110", "fiscal_independence", "2023").inherited == "50"


def test_population_sums_to_the_national_total(sub) -> None:
    p25 = own(sub, "population", "2025-09-30")
    assert len(p25) == len(sub.region_codes)
    assert abs(sum(p25.values()) / MOIS_END_2025 - 1) < 0.005
    p19 = own(sub, "population", "2019-12-31")
    assert abs(sum(p19.values()) / MOIS_END_2019 - 1) < 0.005


def test_population_of_each_province_matches_the_sido_series(sub) -> None:
    by_sido: dict[str, float] = defaultdict(float)
    for code, v in own(sub, "population", "2025-09-30").items():
        by_sido[code[:2]] += v
    for sido, total in by_sido.items():
        ref = sub.parent.lookup(sido, "population", "2025-12-31")
        assert abs(total / ref.value - 1) < 0.005, sido


def test_population_density_is_recomputed_from_its_inputs(sub) -> None:
    pop, area = own(sub, "population"), sub.column("area", "2023-09-15")
    for code, d in own(sub, "population_density").items():
        assert d == pytest.approx(pop[code] / area[code], abs=0.06), code


def test_grdp_per_resident_uses_same_year_inputs(sub) -> None:
    grdp, pop19 = own(sub, "grdp", "2019"), own(sub, "population", "2019-12-31")
    per = own(sub, "grdp_per_resident", "2019")
    assert set(per) == set(grdp)
    for code, v in per.items():
        assert v == pytest.approx(grdp[code] * 1e6 / pop19[code], abs=0.006), code
    # 세종 is a documented gap, not a province value
    assert "36110" not in grdp
    assert any(o.status == "gap" for o in sub.observations("36110", "grdp"))


def test_manufacturing_share_is_recomputed_from_the_quoted_counts(rows) -> None:
    pat = re.compile(r"= \((\d+) \+ (\d+)\) / \((\d+) \+ (\d+)\)")
    checked = 0
    for r in rows:
        if r["indicator"] != "manufacturing_employment_share" or not r["value"]:
            continue
        a, b, c, d = map(int, pat.match(r["quote"]).groups())
        assert float(r["value"]) == pytest.approx(100 * (a + b) / (c + d), abs=0.051)
        assert a <= c and b <= d
        checked += 1
    assert checked >= 200


def test_counts_and_areas_are_consistent(sub) -> None:
    n = own(sub, "industrial_complexes")
    area, unsold = own(sub, "industrial_complex_area"), own(sub, "industrial_complex_unsold_area")
    for code in n:
        assert (n[code] == 0) == (area[code] == 0), code
        assert unsold[code] <= area[code] + 1e-9, code
    assert own(sub, "universities")["47110"] >= 1  # 포항: 포스텍, 한동대 …


def test_fiscal_year_is_the_one_news_printed(sub) -> None:
    """The KOSIS copy states no year; the tier-3 news rows (2023 figures) agree with it."""
    checked = 0
    for code in ("43110", "43750", "43770", "43740"):
        obs = sub.observations(code, "fiscal_independence")
        news = [o for o in obs if o.source == "news1_chungbuk_fiscal_2023"]
        used = sub.lookup(code, "fiscal_independence", "2023")
        assert news and news[0].status == "superseded"
        assert used.value == pytest.approx(news[0].value, abs=0.051)
        checked += 1
    assert checked == 4
    assert (
        own(sub, "fiscal_independence")["36110"]
        == sub.parent.lookup("36", "fiscal_independence", "2023").value
    )


@needs_ref
def test_grdp_units_sum_to_the_province_subtotal(sub) -> None:
    rows = build.read_rows(REF / "grdp_sigungu_kosis_2010_2020.csv")
    col = next(
        i for i, (y, k) in enumerate(zip(rows[0], rows[1], strict=True))
        if y == "2019" and k == "당해년가격"
    )  # fmt: skip
    totals = {r[0]: float(r[col]) for r in rows[2:] if r[1] == "소계"}
    m = build.UnitMatcher()
    grdp = own(sub, "grdp", "2019")
    sums: dict[str, float] = defaultdict(float)
    for r in rows[2:]:
        if r[1] != "소계" and r[col] != "-":
            sums[r[0]] += grdp[m.match(r[0], r[1].removeprefix("통합"))] * 1e6
    assert len(totals) == 16
    for sido, tot in totals.items():
        assert abs(sums[sido] / tot - 1) < 0.01, sido


@needs_ref
def test_the_two_goseong_rows_are_resolved_by_table_order() -> None:
    rows = build.read_rows(REF / "employment_by_industry_sigungu_2024_kosis_lfs.csv")
    names = [r[0] for i, r in enumerate(rows[2:], 2) if r[0] != rows[i - 1][0]]
    m = build.UnitMatcher()
    prev = ""
    codes = []
    for n in names:
        code = build._lfs_unit(n, m, prev)
        codes.append(code)
        prev = code[:2]
    assert build.order_problems(codes) == []  # each 시도 is one contiguous block
    goseong = [i for i, n in enumerate(names) if n == "고성군"]
    assert [codes[i] for i in goseong] == ["42820", "48820"]
    for i in goseong:  # the neighbours are unique names of the same province
        assert codes[i - 1][:2] == codes[i][:2] == codes[i + 1][:2]


@needs_ref
def test_list_totals_are_kept() -> None:
    with (REF / "industrial_complexes_kicox_2025Q4.csv").open(encoding="utf-8") as fh:
        parks = list(csv.DictReader(fh))
    with VALUES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))

    def total(ind: str) -> float:
        return sum(float(r["value"]) for r in rows if r["indicator"] == ind)

    assert total("industrial_complexes") == len(parks)
    assert total("industrial_complex_area") == pytest.approx(
        sum(float(p["designatedArea"]) for p in parks) / 1000, abs=0.01
    )
    with (REF / "datacenters_list_andypsh.csv").open(encoding="utf-8-sig") as fh:
        assert total("datacenters_listed") == len(list(csv.DictReader(fh)))


@needs_ref
def test_build_check_passes() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_missing_reference_folder_exits_2_with_one_message(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        capture_output=True,
        text=True,
        check=False,
        env={"SITING_REFERENCE": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "population_jumin_2025_09.csv" in done.stderr
