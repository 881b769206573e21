"""Build the 시군구 power, grid and climate values: data/sigungu/{indicators,values,sources}_power.*

Reads four tables from the reference folder (``../shared/reference/sigungu/``, or
``$SITING_REFERENCE``):

* KEPCO 시군구별 전력사용량 by 계약종별, January-April 2023 -> electricity use, industrial share;
* KPX/EPSIS 발전기현황 (central-dispatch generators, 2026-02-28) -> located capacity by fuel;
* KEA 기초지자체별 신재생에너지 보급 현황 (year not printed; 2023, see the source) -> renewables;
* Yun, Park & Kim (2023) weather by 2017 SIG_CD, 2001-2021 -> mean annual temperature;

and computes the supply/demand ratio from those values. Usage:

    python scripts/build_sigungu_power.py [--check]

``--check`` exits 1 when the committed files differ from what the reference tables give.
"""

from __future__ import annotations

import csv
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sigungu_match import UnitMatcher  # noqa: E402

from siting._io import atomic_write  # noqa: E402
from siting.data.datafiles import VALUE_COLUMNS, write_csv  # noqa: E402

DATA = ROOT / "data"
OUT_VALUES = DATA / "sigungu" / "values_power.csv"
OUT_SOURCES = DATA / "sigungu" / "sources_power.csv"
OUT_INDICATORS = DATA / "sigungu" / "indicators_power.yaml"

ELECTRICITY = "electricity_kepco_2023_jan_apr.csv"
GENERATORS = "power_generators_epsis_2026-02-28.csv"
RENEWABLES = "renewables_kea_by_sigungu_year_unstated.csv"
CLIMATE = "climate_airpollution_sigungu_2001_2021_yun.csv"

HOURS_JAN_APR_2023 = (31 + 28 + 31 + 30) * 24  # 2,880 h
CLIMATE_YEARS = (2001, 2021)
USE_PERIOD = "2023-01..04"
GEN_PERIOD = "2026-02-28"
RE_CAP_PERIOD = "2023-12-31"
RE_GEN_PERIOD = "2023"
RATIO_PERIOD = "2023..2026"
CLIMATE_PERIOD = f"{CLIMATE_YEARS[0]}..{CLIMATE_YEARS[1]}"

# EPSIS 발전원 -> capacity bucket. Rows whose 발전종류 is 신재생 (hydro, biomass, IGCC) and
# pumped storage, BESS and the one CHP without a stated fuel go to "other".
FUEL_BUCKET = {"원자력": "nuclear", "석탄": "coal", "가스": "gas_oil", "석유": "gas_oil"}
BUCKET_IDS = {
    "nuclear": "central_capacity_nuclear_sgg",
    "coal": "central_capacity_coal_sgg",
    "gas_oil": "central_capacity_gas_oil_sgg",
    "other": "central_capacity_other_sgg",
}
# 세부지역 spellings in the EPSIS table that name no unit: 송도국제도시 lies in 연수구
# (인천종합에너지 송도열병합); 세종 has no 시군구 (누리동 is a 동 of 세종).
EPSIS_PLACE_FIX = {("인천", "송도구"): "28185"}

SRC_KEPCO = "kepco-sgg-use-2023-jan-apr"
SRC_EPSIS = "epsis-generators-2026-02-28"
SRC_KEA = "kea-renewables-sgg"
SRC_YUN = "yun-pandw-sgg-2001-2021"
SRC_COMPUTED = "computed-sigungu-power"


class InputError(Exception):
    """A reference table that cannot be read as expected (exit 2, one message)."""


def reference_dir() -> Path:
    """The reference folder: $SITING_REFERENCE, else ``shared/reference/sigungu`` next to the
    repository (main checkout) or next to its parent folder (a worktree under ``wt/``)."""
    env = os.environ.get("SITING_REFERENCE")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for base in (here.parents[2], here.parents[3]):
        cand = base / "shared" / "reference" / "sigungu"
        if cand.exists():
            return cand
    return here.parents[2] / "shared" / "reference" / "sigungu"


def _read(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.exists():
        raise InputError(f"{path}: file not found (set SITING_REFERENCE to the reference folder)")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}:1: missing column(s) {', '.join(missing)}")
        return list(reader)


def _num(text: str, where: str = "") -> float:
    try:
        return float((text or "0").replace(",", "") or 0)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a number") from None


def _row(code, ind, period, value, unit, source, quote, note, qtype="paraphrase"):
    return {
        "region": code,
        "indicator": ind,
        "period": period,
        "value": value,
        "unit": unit,
        "source": source,
        "quote": quote,
        "quote_type": qtype,
        "note": note,
    }


def _fmt(x: float, nd: int) -> str:
    s = f"{x:.{nd}f}"
    return "0" if float(s) == 0 else s


# ---------------------------------------------------------------- 1. KEPCO electricity use


def electricity(ref: Path, m: UnitMatcher) -> tuple[list[dict], dict[str, float], dict]:
    """Jan-Apr 2023 use (GWh) and industrial share (%) per unit; also the check figures."""
    months = ["1월", "2월", "3월", "4월"]
    total: dict[str, list[float]] = {}
    industrial: dict[str, float] = {}
    parts: dict[str, float] = defaultdict(float)
    names: dict[str, str] = {}
    by_sido: dict[str, float] = defaultdict(float)
    table = _read(ref / ELECTRICITY, ("시도", "시군구", "계약종별", "1월", "2월", "3월", "4월"))
    for line, r in enumerate(table, start=2):
        code = m.match(r["시도"], r["시군구"])
        if code is None:
            continue
        kind = r["계약종별"].replace(" ", "")
        vals = [_num(r[k], f"{ELECTRICITY}:{line}: {k}") for k in months]
        if kind == "합계":
            if code in total:
                raise InputError(f"{ELECTRICITY}: two 합계 rows for {r['시도']} {r['시군구']}")
            total[code] = vals
            names[code] = r["시군구"]
            by_sido[m.sido_code(r["시도"]) or ""] += sum(vals)
        else:
            parts[code] += sum(vals)
            if kind == "산업용":
                industrial[code] = sum(vals)
    rows: list[dict] = []
    use_gwh: dict[str, float] = {}
    for code in sorted(total):
        kwh = sum(total[code])
        use_gwh[code] = kwh / 1e6
        mon = ", ".join(f"{int(v):,}" for v in total[code])
        rows.append(
            _row(
                code,
                "electricity_use_sgg",
                USE_PERIOD,
                _fmt(kwh / 1e6, 3),
                "GWh",
                SRC_KEPCO,
                f"KEPCO 시군구별 전력사용량 2023 {names[code]} 합계 1–4월: {mon} kWh",
                "value = sum of the four monthly 합계 figures, kWh ÷ 10^6; January-April only "
                "(a partial year, winter-heavy)",
            )
        )
        ind = industrial.get(code, 0.0)
        rows.append(
            _row(
                code,
                "electricity_industrial_share_sgg",
                USE_PERIOD,
                _fmt(100 * ind / kwh, 2),
                "%",
                SRC_COMPUTED,
                f"= 100 × 산업용 {int(ind):,} ÷ 합계 {int(kwh):,} kWh (2023 1–4월)",
                f"inputs: {ELECTRICITY} rows 산업용 and 합 계 of {names[code]}, months 1–4 summed",
                "formula",
            )
        )
    checks = {
        "parts_vs_total": {c: parts[c] / sum(total[c]) - 1 for c in total},
        "by_sido_gwh": {k: v / 1e6 for k, v in by_sido.items()},
    }
    return rows, use_gwh, checks


# ---------------------------------------------------------------- 2. EPSIS generators


def _epsis_unit(m: UnitMatcher, region: str, place: str) -> str | None:
    place = place.split("(")[0].strip()
    sido, _, sgg = place.partition(" ")
    if (region, sgg) in EPSIS_PLACE_FIX:
        return EPSIS_PLACE_FIX[(region, sgg)]
    if m.sido_code(sido) == "36":
        return "36110"
    return m.match(sido, sgg)


def generators(ref: Path, m: UnitMatcher, codes: list[str]) -> tuple[list[dict], dict, dict]:
    """Registered central-dispatch capacity (MW) per unit and fuel bucket."""
    cap: dict[str, dict[str, float]] = {c: defaultdict(float) for c in codes}
    count: dict[str, int] = defaultdict(int)
    places: dict[str, set[str]] = defaultdict(set)
    total_row = None
    listed = 0.0
    cols = ("발전기명", "호기", "설비용량", "발전원", "발전종류", "광역지역", "세부지역")
    for line, r in enumerate(_read(ref / GENERATORS, cols), start=2):
        if r["발전기명"] == "통합":
            total_row = (
                int(_num(r["호기"], f"{GENERATORS}:{line}: 호기")),
                _num(r["설비용량"], f"{GENERATORS}:{line}: 설비용량"),
            )
            continue
        code = _epsis_unit(m, r["광역지역"], r["세부지역"])
        if code is None:
            raise InputError(
                f"{GENERATORS}: no unit for 세부지역 {r['세부지역']!r}; extend the fix"
            )
        renewable = r["발전종류"] == "신재생"  # counted by KEA, see power_supply_demand_ratio
        bucket = "other" if renewable else FUEL_BUCKET.get(r["발전원"], "other")
        mw = _num(r["설비용량"], f"{GENERATORS}:{line}: 설비용량")
        cap[code][bucket] += mw
        listed += mw
        count[code] += 1
        places[code].add(r["세부지역"].split("(")[0].strip())
    if total_row is None:
        raise InputError(
            f"{GENERATORS}: the 통합 (total) row is missing; use the full EPSIS export"
        )
    rows: list[dict] = []
    for code in codes:
        c = cap[code]
        tot = sum(c.values())
        where = " / ".join(sorted(places[code])) or "—"
        if count[code]:
            split = ", ".join(f"{k} {c[k]:,.1f}" for k in ("nuclear", "coal", "gas_oil", "other"))
            quote = f"EPSIS 발전기현황 2026-02-28, 세부지역 {where}: {count[code]}기 {tot:,.3f} MW"
            base_note = f"sum of 설비용량 of the units listed ({split} MW)"
        else:
            quote = "EPSIS 발전기현황 2026-02-28: no central-dispatch generator listed in this unit"
            base_note = (
                "0 is a value, not a gap: the table lists every central-dispatch (중앙급전) "
                "KPX member generator; small renewables and non-central plants are not in it"
            )
        rows.append(
            _row(
                code,
                "central_capacity_sgg",
                GEN_PERIOD,
                _fmt(tot, 3),
                "MW",
                SRC_EPSIS,
                quote,
                base_note,
            )
        )
        for bucket, ind in BUCKET_IDS.items():
            rows.append(
                _row(
                    code,
                    ind,
                    GEN_PERIOD,
                    _fmt(c[bucket], 3),
                    "MW",
                    SRC_EPSIS,
                    quote,
                    f"{bucket} part; {base_note}",
                )
            )
    checks = {"total_row": total_row, "listed_mw": listed, "units": sum(count.values())}
    return rows, cap, checks


# ---------------------------------------------------------------- 3. KEA renewables


def renewables(ref: Path, m: UnitMatcher) -> tuple[list[dict], dict[str, float], dict]:
    """Cumulative renewable capacity (MW) and generation (GWh) per unit (신·재생에너지 total)."""
    cap: dict[str, float] = {}
    gen: dict[str, float] = {}
    label: dict[str, str] = {}
    sido_total: dict[str, tuple[float, float]] = {}
    unit_sum: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    cols = ("광역", "기초", "에너지원", "발전량(MWh)", "보급용량_발전_누적(kW)")
    for line, r in enumerate(_read(ref / RENEWABLES, cols), start=2):
        if r["에너지원"] != "신·재생에너지":
            continue
        sc = m.sido_code(r["광역"])
        kw = _num(r["보급용량_발전_누적(kW)"], f"{RENEWABLES}:{line}: 보급용량_발전_누적(kW)")
        mwh = _num(r["발전량(MWh)"], f"{RENEWABLES}:{line}: 발전량(MWh)")
        is_sido = r["기초"] == r["광역"] or r["기초"] in ("제주도",)
        if is_sido and sc != "36":
            sido_total[sc or ""] = (kw, mwh)
            continue
        if r["기초"] == "기타":  # not attributed to a unit by the publisher
            unit_sum[sc or ""][0] += kw
            unit_sum[sc or ""][1] += mwh
            continue
        code = "36110" if sc == "36" else m.match(r["광역"], r["기초"])
        if code is None:
            raise InputError(f"{RENEWABLES}: no unit for {r['광역']} {r['기초']}")
        if sc == "36":
            sido_total["36"] = (kw, mwh)
        if code in cap:
            raise InputError(f"{RENEWABLES}: two rows for {r['광역']} {r['기초']}")
        cap[code], gen[code] = kw, mwh
        label[code] = f"{r['광역']} {r['기초']}"
        unit_sum[sc or ""][0] += kw
        unit_sum[sc or ""][1] += mwh
    rows: list[dict] = []
    note = (
        "신·재생에너지 total (all 14 sources incl. hydro, bioenergy, waste, fuel cells, IGCC); "
        "year not printed in the file; 2023 per matching published 2023 figures (source note)"
    )
    for code in sorted(cap):
        rows.append(
            _row(
                code,
                "renewable_capacity_sgg",
                RE_CAP_PERIOD,
                _fmt(cap[code] / 1000, 3),
                "MW",
                SRC_KEA,
                f"KEA 기초지자체별 신재생에너지 보급 현황: {label[code]} 신·재생에너지 "
                f"보급용량(발전, 누적) {int(cap[code]):,} kW",
                f"kW ÷ 1000; {note}",
            )
        )
        rows.append(
            _row(
                code,
                "renewable_generation_sgg",
                RE_GEN_PERIOD,
                _fmt(gen[code] / 1000, 3),
                "GWh",
                SRC_KEA,
                f"KEA 기초지자체별 신재생에너지 보급 현황: {label[code]} 신·재생에너지 "
                f"발전량 {int(gen[code]):,} MWh",
                f"MWh ÷ 1000; {note}",
            )
        )
    checks = {"sido_total": sido_total, "unit_sum": dict(unit_sum)}
    return rows, {c: v / 1000 for c, v in cap.items()}, checks


# ---------------------------------------------------------------- 4. supply/demand ratio


def supply_demand_ratio(
    codes: list[str], cap: dict, re_mw: dict[str, float], use_gwh: dict[str, float]
) -> list[dict]:
    rows = []
    for code in codes:
        if code not in use_gwh or code not in re_mw:
            continue
        c = cap[code]
        n, co, g = c["nuclear"], c["coal"], c["gas_oil"]
        r = re_mw[code]
        avg_mw = use_gwh[code] * 1000 / HOURS_JAN_APR_2023
        ratio = (n + co + g + r) / avg_mw
        rows.append(
            _row(
                code,
                "power_supply_demand_ratio",
                RATIO_PERIOD,
                _fmt(ratio, 3),
                "ratio",
                SRC_COMPUTED,
                f"= ({n:.3f} + {co:.3f} + {g:.3f} + {r:.3f}) MW ÷ ({use_gwh[code]:.3f} GWh × "
                f"1000 ÷ {HOURS_JAN_APR_2023} h)",
                "inputs: central_capacity_nuclear_sgg + central_capacity_coal_sgg + "
                "central_capacity_gas_oil_sgg (2026-02-28) + renewable_capacity_sgg "
                "(2023-12-31) ÷ average load from electricity_use_sgg (2023-01..04); "
                "nameplate capacity, no capacity factor",
                "formula",
            )
        )
    return rows


# ---------------------------------------------------------------- 5. climate

CLIMATE_VARS = {"tavg": "mean_temperature_sgg", "tmax": "mean_daily_max_temperature_sgg"}


def climate(ref: Path, m: UnitMatcher) -> tuple[list[dict], dict]:
    """Mean of yearly tavg and tmax over CLIMATE_YEARS per unit (mean over a city's 2017 구)."""
    per_code: dict[tuple[str, str], list[float]] = defaultdict(list)
    eng: dict[str, str] = {}
    cols = ("SIG_CD", "SIG_ENG_NM", "year", *CLIMATE_VARS)
    for line, r in enumerate(_read(ref / CLIMATE, cols), start=2):
        if not CLIMATE_YEARS[0] <= _num(r["year"], f"{CLIMATE}:{line}: year") <= CLIMATE_YEARS[1]:
            continue
        eng[r["SIG_CD"]] = r["SIG_ENG_NM"]
        for var in CLIMATE_VARS:
            if r[var] not in ("", "NA"):
                per_code[(r["SIG_CD"], var)].append(_num(r[var], f"{CLIMATE}:{line}: {var}"))
    members: dict[str, list[str]] = defaultdict(list)
    for sig in sorted(eng):
        code = m.code(sig)
        if code is None:
            raise InputError(f"{CLIMATE}: SIG_CD {sig} matches no unit; extend UnitMatcher.code")
        members[code].append(sig)
    rows = []
    for code in sorted(members):
        sigs = members[code]
        for var, ind in CLIMATE_VARS.items():
            series = [per_code[(s, var)] for s in sigs]
            if not all(series):
                continue
            means = [sum(x) / len(x) for x in series]
            value = sum(means) / len(means)
            if len(sigs) <= 2:
                parts = "; ".join(
                    f"{s} {eng[s]} {mu:.2f}" for s, mu in zip(sigs, means, strict=True)
                )
            else:
                parts = ", ".join(f"{s} {mu:.2f}" for s, mu in zip(sigs, means, strict=True))
            note = f"mean of {min(len(x) for x in series)} yearly {var} values {CLIMATE_PERIOD}"
            if len(sigs) > 1:
                note += f"; mean over the {len(sigs)} 2017 SIG_CD areas now in this unit"
            rows.append(
                _row(
                    code,
                    ind,
                    CLIMATE_PERIOD,
                    _fmt(value, 2),
                    "°C",
                    SRC_YUN,
                    f"Yun, Park & Kim pandw v2.0.0 {var} {CLIMATE_PERIOD} mean: {parts}",
                    note + "; KMA station nearest to the 2017 centroid (research-derived)",
                )
            )
    return rows, {"mapped_codes": sum(len(v) for v in members.values())}


# ---------------------------------------------------------------- files


def build(ref: Path) -> tuple[list[dict], dict]:
    m = UnitMatcher(DATA)
    codes = [u["code"] for u in m.units]
    e_rows, use_gwh, e_chk = electricity(ref, m)
    g_rows, cap, g_chk = generators(ref, m, codes)
    r_rows, re_mw, r_chk = renewables(ref, m)
    q_rows = supply_demand_ratio(codes, cap, re_mw, use_gwh)
    c_rows, c_chk = climate(ref, m)
    if m.unmatched:
        raise InputError("names that match no unit: " + "; ".join(m.report()))
    rows = e_rows + g_rows + r_rows + q_rows + c_rows
    order = {c: i for i, c in enumerate(codes)}
    rows.sort(key=lambda r: (r["indicator"], r["period"], order[r["region"]], r["source"]))
    return rows, {"electricity": e_chk, "generators": g_chk, "renewables": r_chk, "climate": c_chk}


def main() -> int:
    check = "--check" in sys.argv
    ref = reference_dir()
    if not ref.is_dir():
        print(f"error: reference folder not found: {ref} (set SITING_REFERENCE)", file=sys.stderr)
        return 2
    from power_meta import INDICATORS_YAML, SOURCE_COLUMNS, SOURCES

    try:
        rows, chk = build(ref)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    changed = write_csv(OUT_VALUES, rows, VALUE_COLUMNS, dry_run=check)
    changed |= write_csv(OUT_SOURCES, SOURCES, SOURCE_COLUMNS, dry_run=check)
    text = INDICATORS_YAML
    ychanged = not OUT_INDICATORS.exists() or OUT_INDICATORS.read_text(encoding="utf-8") != text
    if ychanged and not check:
        atomic_write(OUT_INDICATORS, text)
    changed |= ychanged
    g = chk["generators"]
    print(
        f"{len(rows)} values; EPSIS listed {g['units']} units {g['listed_mw']:,.3f} MW vs 통합 "
        f"{g['total_row'][0]} units {g['total_row'][1]:,.3f} MW; climate codes mapped "
        f"{chk['climate']['mapped_codes']}"
    )
    if check and changed:
        print("data/sigungu/*_power.* are out of date: run python scripts/build_sigungu_power.py")
        return 1
    print("power files", "rewritten" if changed else "up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
