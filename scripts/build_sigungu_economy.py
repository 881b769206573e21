"""Build the 시군구 economy, land and talent values from the reference copies of official tables.

Usage: python scripts/build_sigungu_economy.py [--check] [--pop2019 PATH]

Reads ``$SITING_REFERENCE`` (default ``../shared/reference/sigungu`` beside the repository) and
writes data/sigungu/indicators_economy.yaml, values_economy.csv and sources_economy.csv.
``--check`` exits 1 when the written files are out of date.

The end-2019 population (the denominator of GRDP per resident) comes from a MOIS file that is not
in the reference folder: pass it with ``--pop2019`` (or ``$SITING_POP2019``); without it the
population-2019 rows already in values_economy.csv are kept as they are and reused.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sigungu_economy_meta import INDICATORS_YAML, SOURCES
from sigungu_match import UnitMatcher

from siting.data.datafiles import VALUE_COLUMNS, sort_key, write_csv

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
OUT_VALUES = DATA / "sigungu" / "values_economy.csv"
OUT_SOURCES = DATA / "sigungu" / "sources_economy.csv"
OUT_INDICATORS = DATA / "sigungu" / "indicators_economy.yaml"
SOURCE_COLUMNS = ["id", "title", "publisher", "date", "url", "kind", "tier", "via", "note"]

C_DENSITY = "computed-sigungu-density"
C_PER_RES = "computed-sigungu-grdp-per-resident"
C_LFS = "computed-lfs-manufacturing-share"
C_KICOX = "computed-kicox-complexes"
C_UNIV = "computed-kcue-universities"
POP_PERIOD = "2025-09-30"
POP2019_PERIOD = "2019-12-31"
GRDP_YEAR = "2019"
FISCAL_PERIOD = "2023"
LFS_PERIOD = "2024"
KICOX_PERIOD = "2025-12-31"
UNIV_PERIOD = "2024"
DC_PERIOD = "2022"

Row = dict[str, str]


class InputError(Exception):
    """A reference file is missing or malformed (exit 2 with one message)."""


def reference_dir() -> Path:
    """$SITING_REFERENCE, else ``shared/reference/sigungu`` beside the repository (or beside a
    folder holding git worktrees, e.g. /work/wt/<branch>)."""
    env = os.environ.get("SITING_REFERENCE")
    if env:
        return Path(env)
    rel = Path("shared") / "reference" / "sigungu"
    for up in Path(__file__).resolve().parents[2:4]:
        if (up / rel).is_dir():
            return up / rel
    return Path(__file__).resolve().parents[2] / rel


def read_rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    if not path.exists():
        raise InputError(f"{path}: reference file not found (set SITING_REFERENCE to its folder)")
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def num(text: str) -> float | None:
    t = (text or "").replace(",", "").strip()
    if t in ("", "-", "*", "X", "x"):
        return None
    return float(t)


def fmt(x: float, digits: int) -> str:
    s = f"{x:.{digits}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def value_row(
    code: str,
    ind: str,
    period: str,
    value: str,
    unit: str,
    src: str,
    quote: str,
    qtype: str,
    note: str,
) -> Row:
    return {
        "region": code,
        "indicator": ind,
        "period": period,
        "value": value,
        "unit": unit,
        "source": src,
        "quote": quote,
        "quote_type": qtype,
        "note": note,
    }


def gap_row(code: str, ind: str, period: str, unit: str, note: str) -> Row:
    return value_row(code, ind, period, "", unit, "", "", "", note)


# ---------------------------------------------------------------------- population


_ADM = re.compile(r"^(.*?)\s*\((\d{10})\)$")


def population_units(rows: list[list[str]], m: UnitMatcher, col: int = 1) -> dict[str, tuple]:
    """Unit code -> (persons, name, 10-digit code) from a MOIS 주민등록 table.

    Only 시군구-level rows (digits 6-10 of the 행정기관코드 zero) with people are read. A row whose
    first five digits (강원 51→42, 전북 52→45) are a unit code is that unit; a city's 일반구 (e.g.
    포항시 남구 47111, a member of 47110) is skipped, so a city is counted once; any other code
    (renamed or moved units such as 미추홀구 28177, 여주시 41670, 군위군 47720) is matched by name.
    """
    out: dict[str, tuple] = {}
    for r in rows[1:]:
        mt = _ADM.match(r[0].strip())
        if not mt:
            continue
        name, adm = mt.group(1).strip(), mt.group(2)
        persons = num(r[col])
        if adm[5:] != "00000" or adm[2:5] == "000" or not persons:
            continue  # 시도 and 읍면동 rows; 출장소 rows are empty or 0
        if re.match(r"^\S+ \S+시 \S+구$", name):
            continue  # an 일반구 of a city (수원시 장안구; 부천시 원미구, restored 2024)
        code5 = {"51": "42", "52": "45"}.get(adm[:2], adm[:2]) + adm[2:5]
        if code5 in m.codes:
            code: str | None = code5
        elif code5 in m.member_of:
            continue  # an 일반구 of a city
        elif alias := m.code(code5):
            code = alias  # a renamed or moved unit's code (여주시 41670, 군위군 47720)
        else:
            sido, _, sigungu = name.partition(" ")
            code = m.match(sido, sigungu)
            if code is None:
                raise InputError(f"population row {r[0]!r}: no unit for this name or code")
        if code in out:
            raise InputError(f"population row {r[0]!r}: a second row for unit {code}")
        out[code] = (int(persons), name, adm)
    return out


def population_sido_total(rows: list[list[str]], col: int = 1) -> int:
    total = 0
    for r in rows[1:]:
        mt = _ADM.match(r[0].strip())
        if mt and mt.group(2)[2:] == "00000000":
            total += int(num(r[col]) or 0)
    return total


def population_rows(ref: Path, m: UnitMatcher) -> tuple[list[Row], dict[str, int]]:
    rows = read_rows(ref / "population_jumin_2025_09.csv")
    units = population_units(rows, m)
    out = []
    for code, (persons, name, adm) in sorted(units.items()):
        out.append(
            value_row(
                code,
                "population",
                POP_PERIOD,
                str(persons),
                "persons",
                "mois_jumin_2025_09",
                f"행정안전부 주민등록인구 2025년 09월 총인구수: {name} ({adm}) {persons:,}명",
                "paraphrase",
                "registered population at the end of September 2025; a city's 일반구 rows are "
                "not added (the city row already holds them)",
            )
        )
    return out, {c: v[0] for c, v in units.items()}


def population2019_rows(path: Path | None, m: UnitMatcher) -> tuple[list[Row], dict[str, int]]:
    """End-2019 population: from the MOIS file when given, else the rows already committed."""
    if path is not None:
        rows = read_rows(path, encoding=_encoding(path))
        units = population_units(rows, m)
        out = [
            value_row(
                code,
                "population",
                POP2019_PERIOD,
                str(p),
                "persons",
                "mois_jumin_2019_12",
                f"행정안전부 주민등록 연령별인구현황 2019년 계 총인구수: {name} ({adm}) {p:,}명",
                "paraphrase",
                "registered population at the end of 2019 (denominator of grdp_per_resident "
                "2019); 2019 boundaries: 군위군 was in 경북 and is unit 27720 here",
            )
            for code, (p, name, adm) in sorted(units.items())
        ]
        return out, {c: v[0] for c, v in units.items()}
    kept = [
        r
        for r in _read_dicts(OUT_VALUES)
        if r["indicator"] == "population" and r["period"] == POP2019_PERIOD
    ]
    if not kept:
        raise InputError(
            f"{OUT_VALUES}: no population {POP2019_PERIOD} rows to reuse; pass --pop2019 with the "
            "MOIS 201912_202112_연령별인구현황_연간.csv"
        )
    return kept, {r["region"]: int(float(r["value"])) for r in kept if r["value"]}


def _encoding(path: Path) -> str:
    try:
        path.read_text(encoding="utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp949"


def _read_dicts(path: Path) -> list[Row]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def area_by_unit() -> dict[str, float]:
    rows = _read_dicts(DATA / "sigungu" / "values.csv")
    return {r["region"]: float(r["value"]) for r in rows if r["indicator"] == "area" and r["value"]}


def density_rows(pop: dict[str, int], area: dict[str, float], area_period: str) -> list[Row]:
    out = []
    for code in sorted(pop):
        a = area.get(code)
        if not a:
            out.append(
                gap_row(
                    code,
                    "population_density",
                    POP_PERIOD,
                    "persons/km2",
                    "no area value for this unit in values.csv",
                )
            )
            continue
        d = pop[code] / a
        out.append(
            value_row(
                code,
                "population_density",
                POP_PERIOD,
                fmt(d, 1),
                "persons/km2",
                C_DENSITY,
                f"= {pop[code]:,} persons / {fmt(a, 1)} km2",
                "formula",
                f"inputs: population ({POP_PERIOD}), area ({area_period}, NGII boundary, "
                "data/sigungu/values.csv)",
            )
        )
    return out


# ---------------------------------------------------------------------- GRDP


def grdp_rows(ref: Path, m: UnitMatcher, pop2019: dict[str, int]) -> tuple[list[Row], list[str]]:
    rows = read_rows(ref / "grdp_sigungu_kosis_2010_2020.csv")
    years, kinds = rows[0], rows[1]
    col = next(
        i
        for i, (y, k) in enumerate(zip(years, kinds, strict=True))
        if y == GRDP_YEAR and k == "당해년가격"
    )
    values: dict[str, tuple[float, str, str]] = {}
    checks: list[str] = []
    sums: dict[str, float] = defaultdict(float)
    totals: dict[str, float] = {}
    for r in rows[2:]:
        sido, name, v = r[0].strip('"'), r[1], num(r[col])
        if name == "소계":
            totals[sido] = v or 0.0
            continue
        if v is None:
            continue  # old units (청원군, 연기군, pre-merger 청주시) carry "-" in 2019
        sums[sido] += v
        code = m.match(sido, name.removeprefix("통합"))
        if code is None:
            raise InputError(f"grdp: unit {sido} {name} not matched (extend sigungu_match.py)")
        if code in values:
            raise InputError(f"grdp: two 2019 rows for unit {code} ({values[code][2]}, {name})")
        values[code] = (v, sido, name)
    for sido, tot in sorted(totals.items()):
        checks.append(f"{sido} {tot:.0f} vs units {sums[sido]:.0f}")
    out = []
    for code, (v, sido, name) in sorted(values.items()):
        out.append(
            value_row(
                code,
                "grdp",
                GRDP_YEAR,
                fmt(v / 1e6, 6),
                "trillion KRW",
                "kosis_grdp_sigungu",
                f"KOSIS 시군구 GRDP 2019 당해년가격: {sido} {name} {v:,.0f}백만원",
                "paraphrase",
                "nominal GRDP 2019 (2015-base series); 백만원 / 1,000,000 = trillion KRW",
            )
        )
        p = pop2019.get(code)
        if p:
            out.append(
                value_row(
                    code,
                    "grdp_per_resident",
                    GRDP_YEAR,
                    fmt(v / p, 2),
                    "million KRW",
                    C_PER_RES,
                    f"= {v:,.0f} million KRW / {p:,} persons",
                    "formula",
                    f"inputs: grdp ({GRDP_YEAR}), population ({POP2019_PERIOD})",
                )
            )
    sejong = (
        "세종 is not in the KOSIS 시군구 GRDP copy (2015 base); data/values.csv has 세종 GRDP only "
        "for 2023-2024 (2020 base), so no same-series 2019 value exists here"
    )
    out.append(gap_row("36110", "grdp", GRDP_YEAR, "trillion KRW", sejong))
    out.append(
        gap_row(
            "36110",
            "grdp_per_resident",
            GRDP_YEAR,
            "million KRW",
            "no grdp 2019 for 세종 (see the grdp gap)",
        )
    )
    return out, checks


# ---------------------------------------------------------------------- fiscal independence


def fiscal_rows(ref: Path, m: UnitMatcher) -> list[Row]:
    rows = read_rows(ref / "fiscal_independence_kosis_year_unstated.csv")
    out = []
    sido = ""
    for r in rows[1:]:
        if r[0]:
            sido = r[0]
        name, v = r[1], num(r[2])
        if sido == "전국" or v is None:
            continue
        if name == "소계":
            if m.sido_code(sido) != "36":
                continue
            code = "36110"  # 세종 is one unit: its 소계 row is the unit's own figure
        else:
            code = m.match(sido, name)
            if code is None:
                raise InputError(f"fiscal: unit {sido} {name} not matched")
        out.append(
            value_row(
                code,
                "fiscal_independence",
                FISCAL_PERIOD,
                fmt(v, 1),
                "%",
                "kosis_fiscal_youthsettlement",
                f"KOSIS 재정자립도(세입과목개편후): {sido} {name} {fmt(v, 1)}%",
                "paraphrase",
                "year inferred 2023 (당초예산): matches 지방재정365 2023 figures printed by news1 "
                "(2023-12-25) for all 11 충북 시군; 군위군 still under 경북",
            )
        )
    return out


# news1 2023-12-25 (지방재정365 2023 재정자립도) printed figures kept as tier-3 cross-checks
FISCAL_NEWS = [
    ("43110", 30.52, "재정자립도가 가장 높은 곳은 청주시로 30.52%를 기록했다."),
    ("43750", 26.43, "진천군과 음성군은 군단위 자치단체지만 재정자립도가 각각 26.43%, 22.96%로"),
    ("43770", 22.96, "진천군과 음성군은 군단위 자치단체지만 재정자립도가 각각 26.43%, 22.96%로"),
    ("43740", 8.24, "2023년 재정자립도를 보면 영동군이 8.24%로 도내에서 가장 낮다."),
]


def fiscal_news_rows() -> list[Row]:
    return [
        value_row(
            code,
            "fiscal_independence",
            FISCAL_PERIOD,
            fmt(v, 2),
            "%",
            "news1_chungbuk_fiscal_2023",
            q,
            "verbatim",
            "cross-check of the KOSIS copy (same value to rounding); proves the year 2023",
        )
        for code, v, q in FISCAL_NEWS
    ]


# ---------------------------------------------------------------------- employment (LFS)


def lfs_rows(ref: Path, m: UnitMatcher) -> tuple[list[Row], list[str]]:
    rows = read_rows(ref / "employment_by_industry_sigungu_2024_kosis_lfs.csv")
    by_unit: dict[str, dict[str, list[float | None]]] = {}
    names: dict[str, str] = {}
    order: list[str] = []
    prev_sido = ""
    flagged: set[str] = set()
    for r in rows[2:]:
        region, industry = r[0], r[1].strip()
        if industry not in ("계", "광·제조업(B,C)"):
            continue
        code = _lfs_unit(region, m, prev_sido)
        if code is None:
            raise InputError(f"employment: region {region!r} not matched to a unit")
        prev_sido = code[:2]
        if code not in by_unit:
            order.append(code)
        names[code] = region
        by_unit.setdefault(code, {})[industry] = [num(r[2]), num(r[4])]
        if industry != "계" and "*" in (r[3], r[5]):
            flagged.add(code)
    problems = order_problems(order)
    out = []
    for code in sorted(by_unit):
        tot, mfg = by_unit[code].get("계"), by_unit[code].get("광·제조업(B,C)")
        if not tot or not mfg or None in tot or None in mfg or not sum(tot):  # type: ignore[arg-type]
            out.append(
                gap_row(
                    code,
                    "manufacturing_employment_share",
                    LFS_PERIOD,
                    "%",
                    f"KOSIS 지역별고용조사 2024: 광·제조업 or 계 suppressed ('-') for "
                    f"{names[code]}",
                )
            )
            continue
        share = 100 * (mfg[0] + mfg[1]) / (tot[0] + tot[1])  # type: ignore[operator]
        out.append(
            value_row(
                code,
                "manufacturing_employment_share",
                LFS_PERIOD,
                fmt(share, 1),
                "%",
                C_LFS,
                f"= ({fmt(mfg[0], 0)} + {fmt(mfg[1], 0)}) / ({fmt(tot[0], 0)} + {fmt(tot[1], 0)}) "
                "thousand employed × 100",
                "formula",
                f"inputs: KOSIS 지역별고용조사 {names[code]} 광·제조업(B,C) and 계, 2024.1/2 and "
                "2024.2/2 (천명), employment_by_industry_sigungu_2024_kosis_lfs.csv"
                + (
                    "; 광·제조업 marked * in the RSE column (less reliable estimate)"
                    if code in flagged
                    else ""
                ),
            )
        )
    for code in sorted(m.codes - set(by_unit)):
        out.append(
            gap_row(
                code,
                "manufacturing_employment_share",
                LFS_PERIOD,
                "%",
                "not in the KOSIS 지역별고용조사 시군구 table (227 regions; 세종 has no "
                "시군구 level there); no other 2024 source searched",
            )
        )
    return out, problems


def order_problems(codes: list[str]) -> list[str]:
    """시도 whose units do not form one contiguous run in the table (the 고성군 rule needs it)."""
    seen: list[str] = []
    for c in codes:
        if not seen or seen[-1] != c[:2]:
            seen.append(c[:2])
    return sorted({s for s in seen if seen.count(s) > 1})


def _lfs_unit(region: str, m: UnitMatcher, prev_sido: str) -> str | None:
    """'서울 종로구' has its 시도; '청주시' has not; '고성군' (강원 and 경남) takes the 시도 of the
    row before it (the table is in 행정구역 code order, which a test checks)."""
    parts = region.split()
    if len(parts) == 2 and m.sido_code(parts[0]):
        return m.match(parts[0], parts[1])
    hits = sorted({u["code"] for u in m.units if region in (u["name_ko"], u["short_ko"])})
    if len(hits) == 1:
        return hits[0]
    same = [c for c in hits if c[:2] == prev_sido]
    return same[0] if len(same) == 1 else None


# ---------------------------------------------------------------------- industrial complexes


def kicox_rows(ref: Path, m: UnitMatcher) -> list[Row]:
    path = ref / "industrial_complexes_kicox_2025Q4.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        parks = list(csv.DictReader(fh))
    agg: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for p in parks:
        code = m.match(p["sido"], p["sigungu"])
        if code is None:
            raise InputError(f"{path.name}: {p['sido']} {p['sigungu']} ({p['name']}) not matched")
        a = agg[code]
        a[0] += 1
        a[1] += float(p["designatedArea"] or 0)
        a[2] += float(p["unsoldArea"] or 0)
    out = []
    note0 = (
        "no complex listed for this unit in the KICOX national list (complete list of designated "
        "complexes), so 0"
    )
    for code in sorted(m.codes):
        n, area, unsold = agg.get(code, [0, 0.0, 0.0])
        if n == 0:
            for ind, unit in (
                ("industrial_complexes", "count"),
                ("industrial_complex_area", "km2"),
                ("industrial_complex_unsold_area", "km2"),
            ):
                out.append(
                    value_row(
                        code,
                        ind,
                        KICOX_PERIOD,
                        "0",
                        unit,
                        C_KICOX,
                        "= 0 complexes listed",
                        "formula",
                        note0,
                    )
                )
            continue
        src = "inputs: KICOX 전국산업단지현황 2025-12-31 (industrial_complexes_kicox_2025Q4.csv)"
        out.append(
            value_row(
                code,
                "industrial_complexes",
                KICOX_PERIOD,
                str(int(n)),
                "count",
                C_KICOX,
                f"= count of {int(n)} listed complexes (sites)",
                "formula",
                src,
            )
        )
        out.append(
            value_row(
                code,
                "industrial_complex_area",
                KICOX_PERIOD,
                fmt(area / 1000, 3),
                "km2",
                C_KICOX,
                f"= sum of designatedArea {area:,.0f} 천㎡ / 1000",
                "formula",
                src,
            )
        )
        out.append(
            value_row(
                code,
                "industrial_complex_unsold_area",
                KICOX_PERIOD,
                fmt(unsold / 1000, 3),
                "km2",
                C_KICOX,
                f"= sum of unsoldArea {unsold:,.0f} 천㎡ / 1000",
                "formula",
                src,
            )
        )
    return out


# ---------------------------------------------------------------------- addresses


def address_unit(address: str, m: UnitMatcher) -> str | None:
    """The unit of a road or lot address ('경기도 성남시 분당구 …', '성남시 분당구 …')."""
    toks = re.sub(r"[(),]", " ", address).split()
    for i, t in enumerate(toks):
        sc = m.sido_code(t)
        if sc is None:
            continue
        if sc == "36":
            return "36110"
        for j in range(i + 1, min(i + 3, len(toks))):
            for cand in (toks[j] + (toks[j + 1] if j + 1 < len(toks) else ""), toks[j]):
                code = _match_quiet(m, t, cand)
                if code:
                    return code
    # no 시도 in the address: a 시군구 name that exists only once
    for t in toks:
        if re.search(r"[시군구]$", t):
            hits = {u["code"] for u in m.units if t in (u["name_ko"],)}
            if len(hits) == 1:
                return hits.pop()
    return None


def _match_quiet(m: UnitMatcher, sido: str, name: str) -> str | None:
    code = m.match(sido, name)
    m.unmatched.pop((sido, name), None)
    return code


UNIV_EXCLUDED = ("사이버대학(대학)", "사이버대학(전문)", "방송통신대학")


def university_rows(ref: Path, m: UnitMatcher) -> tuple[list[Row], list[str]]:
    path = ref / "universities_kcue_2024.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        schools = list(csv.DictReader(fh))
    uni: dict[str, int] = defaultdict(int)
    grad: dict[str, int] = defaultdict(int)
    misses = []
    for s in schools:
        if s["학교구분명"] in UNIV_EXCLUDED:
            continue
        code = address_unit(s["소재지도로명주소"] or s["소재지지번주소"], m)
        if code is None:
            misses.append(f"{s['학교명']} ({s['소재지도로명주소']})")
            continue
        if s["대학구분명"] == "대학원":
            grad[code] += 1
        else:
            uni[code] += 1
    out = []
    src = (
        "inputs: 전국대학및전문대학정보표준데이터 2024 (universities_kcue_2024.csv), "
        "시군구 from the road address"
    )
    for code in sorted(m.codes):
        n, g = uni.get(code, 0), grad.get(code, 0)
        out.append(
            value_row(
                code,
                "universities",
                UNIV_PERIOD,
                str(n),
                "count",
                C_UNIV,
                f"= count of {n} 대학·전문대학 campuses (본교, 분교, 제n캠퍼스 each 1)",
                "formula",
                src,
            )
        )
        out.append(
            value_row(
                code,
                "graduate_schools",
                UNIV_PERIOD,
                str(g),
                "count",
                C_UNIV,
                f"= count of {g} 대학원 rows",
                "formula",
                src,
            )
        )
    return out, misses


# entries whose address names the wrong 구: 가산동 lies in 금천구 (the file's code 11545 agrees)
DC_FIXES = {"롯데정보통신 제1센터": "11545"}


def datacenter_rows(ref: Path, m: UnitMatcher) -> tuple[list[Row], list[str]]:
    path = ref / "datacenters_list_andypsh.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        dcs = list(csv.DictReader(fh))
    count: dict[str, int] = defaultdict(int)
    misses = []
    for d in dcs:
        code = DC_FIXES.get(d["이름"].strip()) or address_unit(d["주소"] or "", m)
        if code is None:
            misses.append(d["이름"].replace("\n", " ").strip())
            continue
        count[code] += 1
    out = []
    note = (
        "unofficial, incomplete list (tier 4, source not stated); units resolved from the address, "
        f"not the file's codes; {len(misses)} entries without a usable address not counted"
    )
    for code in sorted(m.codes):
        n = count.get(code, 0)
        out.append(
            value_row(
                code,
                "datacenters_listed",
                DC_PERIOD,
                str(n),
                "count",
                "andypsh_datacenters",
                f"{n} data centres in the andypsh list",
                "paraphrase",
                note,
            )
        )
    return out, misses


# ---------------------------------------------------------------------- sources


def build(ref: Path, pop2019_path: Path | None) -> tuple[list[Row], dict[str, list[str]]]:
    m = UnitMatcher()
    report: dict[str, list[str]] = {}
    pop_rows, pop = population_rows(ref, m)
    p19_rows, pop19 = population2019_rows(pop2019_path, m)
    area = area_by_unit()
    area_period = next(
        (
            r["period"]
            for r in _read_dicts(DATA / "sigungu" / "values.csv")
            if r["indicator"] == "area"
        ),
        "",
    )
    rows = pop_rows + p19_rows + density_rows(pop, area, area_period)
    g_rows, report["grdp 소계 vs units"] = grdp_rows(ref, m, pop19)
    rows += g_rows + fiscal_rows(ref, m) + fiscal_news_rows()
    l_rows, report["employment order problems"] = lfs_rows(ref, m)
    rows += l_rows + kicox_rows(ref, m)
    u_rows, report["universities without a unit"] = university_rows(ref, m)
    d_rows, report["data centres without a unit"] = datacenter_rows(ref, m)
    rows += u_rows + d_rows
    report["unmatched names"] = m.report()
    return rows, report


def main(argv: list[str]) -> int:
    check = "--check" in argv
    p19 = os.environ.get("SITING_POP2019")
    if "--pop2019" in argv:
        i = argv.index("--pop2019")
        if i + 1 >= len(argv):
            print("--pop2019 needs a file path", file=sys.stderr)
            return 2
        p19 = argv[i + 1]
    try:
        rows, report = build(reference_dir(), Path(p19) if p19 else None)
    except (InputError, OSError, KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    order = {u["code"]: i for i, u in enumerate(UnitMatcher().units)}
    rows.sort(key=sort_key(order))
    changed = write_csv(OUT_VALUES, rows, VALUE_COLUMNS, dry_run=check)
    changed |= write_csv(OUT_SOURCES, SOURCES, SOURCE_COLUMNS, dry_run=check)
    ind_text = INDICATORS_YAML
    ind_changed = (
        not OUT_INDICATORS.exists() or OUT_INDICATORS.read_text(encoding="utf-8") != ind_text
    )
    if ind_changed and not check:
        OUT_INDICATORS.write_text(ind_text, encoding="utf-8")
    changed |= ind_changed
    for k, v in report.items():
        print(f"{k}: {len(v)}" + (f" — {'; '.join(v[:20])}" if v else ""))
    print(f"{len(rows)} value rows")
    if check and changed:
        print(
            "data/sigungu economy files are out of date: "
            "run python scripts/build_sigungu_economy.py"
        )
        return 1
    print("values_economy.csv", "rewritten" if changed and not check else "up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
