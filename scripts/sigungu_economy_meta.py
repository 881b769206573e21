"""Definitions and sources that build_sigungu_economy.py writes (indicators, sources)."""

from __future__ import annotations

INDICATORS_YAML = """\
# 시군구 own values — economy, land and talent (written by scripts/build_sigungu_economy.py).
# Ids shared with data/indicators.yaml override the 시도 definition at 시군구 level only, so the
# unit's own value replaces the inherited province value (period = the 시군구 data's period).

population:
  name_ko: 주민등록인구
  name_en: Registered population
  unit: persons
  direction: benefit
  group: industry
  period: "2025-09-30"
  publication_lag_months: 1  # resident registration counts are published the month after
  range: [0, 20000000]
  description: >
    Resident-registered population of the unit at the end of September 2025 (행정안전부
    주민등록 인구통계): local demand and labour pool. A city's 일반구 are counted once, in the city.
  caveats: >
    Korean nationals only (foreign residents excluded). The end-2019 figure (period 2019-12-31)
    is kept as the denominator of grdp_per_resident 2019.

population_density:
  name_ko: 인구밀도
  name_en: Population density
  unit: persons/km2
  direction: cost
  group: policy
  period: "2025-09-30"
  publication_lag_months: 1  # resident registration counts are published the month after
  range: [0, 40000]
  computed_from: [population, area]
  description: >
    Registered population (2025-09-30) divided by the unit's land area (the `area` indicator,
    NGII boundary, EPSG:5179), persons per km². A band of the grid-impact assessment's location
    score (denser = lower score) and a proxy for land cost and siting conflicts.
  caveats: >
    Area includes mountains and islands; a unit-wide average says little about a site.

grdp:
  name_ko: 지역내총생산 (명목)
  name_en: Gross regional domestic product (nominal)
  unit: trillion KRW
  direction: benefit
  group: industry
  period: "2019"
  publication_lag_months: 12  # published about a year after the period
  range: [0, 1000]
  description: >
    Nominal GRDP (당해년가격) of the unit in 2019 from the KOSIS 시군구 GRDP series (2015 base),
    in trillion KRW: the size of the local economy.
  caveats: >
    2019 is the latest year of the 2015-base 시군구 series found (2020 is "-"); the 2020-base
    시군구 series (2020-2023) was not found in any copy. Not comparable with the 시도 grdp of
    2023/2024 (newer base, other years). 세종 is a gap (not in the 시군구 table).

grdp_per_resident:
  name_ko: 주민 1인당 지역내총생산
  name_en: GRDP per registered resident
  unit: million KRW
  direction: benefit
  group: industry
  period: "2019"
  publication_lag_months: 12  # published about a year after the period
  range: [0, 1000]
  computed_from: [grdp, population]
  description: >
    Nominal GRDP 2019 divided by the registered population at the end of 2019 (same year), in
    million KRW: the economic intensity of the unit.
  caveats: >
    Computed here. Workplace-based output over residents: business districts (서울 중구, 종로구)
    and industrial towns score very high because their workers live elsewhere.

fiscal_independence:
  name_ko: 재정자립도
  name_en: Fiscal independence
  unit: "%"
  direction: benefit
  group: policy
  period: "2023"
  range: [0, 100]
  description: >
    Own revenue as a share of the budget (재정자립도, 세입과목 개편 후, 당초예산) of the unit's
    own government, in percent; for 세종 the 특별자치시 itself. One of the three location bands
    of the grid-impact assessment.
  caveats: >
    The source file gives no year; 2023 is proven by the 충북 figures printed from 지방재정365
    (news1, 2023-12-25). 제주시 and 서귀포시 have no own budget (행정시): they keep the inherited
    제주특별자치도 value. The 시도 rows are the 시도 plus its 시군구 (integrated basis).

manufacturing_employment_share:
  name_ko: 광·제조업 취업자 비중
  name_en: Mining and manufacturing share of employment
  unit: "%"
  direction: benefit
  group: industry
  period: "2024"
  range: [0, 100]
  computed_from: [reference/sigungu/employment_by_industry_sigungu_2024_kosis_lfs.csv]
  description: >
    Employed persons in mining and manufacturing (광·제조업, B·C) divided by all employed
    persons, 2024 (KOSIS 지역별고용조사, both half-years pooled: (H1 + H2) / (H1 + H2)), in
    percent, by place of residence: the local industrial base that manufacturing AI serves.
  caveats: >
    A survey estimate in thousands with small samples in 군 (one thousand = several points);
    resident-based, not the workplace count of the 전국사업체조사. Not the GRDP-based
    manufacturing_share of the 시도 level.

industrial_complexes:
  name_ko: 산업단지 수
  name_en: Industrial complexes
  unit: count
  direction: benefit
  group: industry
  period: "2025-12-31"
  kind: count
  range: [0, 100]
  computed_from: [reference/sigungu/industrial_complexes_kicox_2025Q4.csv]
  description: >
    Number of designated industrial complexes (국가, 일반, 도시첨단, 농공; completed, under
    construction or not yet developed) in the unit, KICOX 전국산업단지현황 2025-12-31.
  caveats: >
    A complex spanning several 시군구 is listed once per site (1,363 sites for 1,359 complexes)
    under the 시군구 KICOX names; 0 is a real value (the list is the national register).

industrial_complex_area:
  name_ko: 산업단지 지정면적
  name_en: Designated industrial-complex area
  unit: km2
  direction: benefit
  group: industry
  period: "2025-12-31"
  range: [0, 200]
  computed_from: [reference/sigungu/industrial_complexes_kicox_2025Q4.csv]
  description: >
    Sum of the designated area (지정면적) of the unit's industrial complexes, km² (KICOX 천㎡ /
    1000): prepared industrial land with roads, water and grid connections nearby.
  caveats: >
    Designated area includes roads, green and support land and land not yet developed; the
    whole area of a multi-시군구 complex counts where KICOX lists it.

industrial_complex_unsold_area:
  name_ko: 산업단지 미분양면적
  name_en: Unsold industrial-complex land
  unit: km2
  direction: benefit
  group: industry
  period: "2025-12-31"
  range: [0, 50]
  computed_from: [reference/sigungu/industrial_complexes_kicox_2025Q4.csv]
  description: >
    Sum of the unsold area (미분양면적) of the unit's industrial complexes, km²: serviced land
    that could host a data centre now.
  caveats: >
    Complexes still being planned have no sale target yet (unsold 0), so this understates future
    supply; whether data centres are a permitted use depends on each complex's plan.

universities:
  name_ko: 대학 수
  name_en: Universities and colleges
  unit: count
  direction: benefit
  group: research
  period: "2024"
  kind: count
  range: [0, 60]
  computed_from: [reference/sigungu/universities_kcue_2024.csv]
  description: >
    Number of university and college campuses (대학 + 전문대학, incl. 교육·산업·기술·기능대학)
    in the unit, 2024; 본교, 분교 and each 제n캠퍼스 count as one campus where they are. The
    시군구 is read from the road address. A talent-pool proxy.
  caveats: >
    Distance-learning schools (사이버대학, 방송통신대학) are left out: their address is an office.
    A count, not student numbers or AI programmes; 0 is a real value.

graduate_schools:
  name_ko: 대학원 수
  name_en: Graduate schools
  unit: count
  direction: benefit
  group: research
  period: "2024"
  kind: count
  range: [0, 400]
  computed_from: [reference/sigungu/universities_kcue_2024.csv]
  description: >
    Number of graduate schools (일반·전문·특수대학원, each listed separately) at addresses in the
    unit, 2024 (한국대학교육협의회).
  caveats: >
    Special (part-time professional) graduate schools are most of the count; 0 is a real value.

datacenters_listed:
  name_ko: 기존 데이터센터 수 (비공식 목록)
  name_en: Existing data centres (unofficial list)
  unit: count
  direction: benefit
  group: market
  period: "2022"
  kind: count
  range: [0, 30]
  description: >
    Number of existing data centres / IDCs in a peer project's list of 89 (telecom, cloud,
    finance, public) located in the unit: nearness to existing clusters for a market scenario.
  caveats: >
    Unofficial and incomplete (tier 4, origin not stated, recent hyperscale and AI data centres
    missing); compiled in or before 2022 (entries mention 2022-12 openings as planned). The
    unit comes from the address, not the file's codes (some are wrong).
"""

_VIA_POP25 = (
    "wongoks240592-maker/my-project-10.31:202509_202509_주민등록인구및세대현황_월간.csv"
    "@3e24dc257afe4d38391dc90d33706bee1819df94"
)
_VIA_POP19 = (
    "daryh0910/real-estate-analysis:data/pop/201912_202112_연령별인구현황_연간.csv"
    "@c41006065f3c11e50dfaa4773a41945bfa81d531"
)
_VIA_GRDP = "daryh0910/real-estate-analysis:data/grdp.csv@c41006065f3c11e50dfaa4773a41945bfa81d531"
_VIA_LFS = (
    "ayoungYoon/Youth-Safe-Employment-Service:시군구_산업별_취업자_11차__20250411111523.csv"
    "@029339712f0b7a14220fc7b2003d07656e97dcfd"
)
_VIA_KICOX = (
    "billionaire-c/k-mfg:public/data/industrial-parks.json@e29b917ad351d38a7beacbafd65ad365c6991753"
)
_VIA_UNIV = (
    "sigongjoa/Univ-Insight:전국대학및전문대학정보표준데이터.csv"
    "@2ee5c2f8b4166f6fa66a19cb43748882d17146a5"
)
_VIA_DC = (
    "andypsh/datacenter_select:02_데이터/raw/데이터센터위치/데이터센터위치.csv"
    "@d59804e85855a9bc078cb260cc37998497127603"
)
_SCRIPT = "scripts/build_sigungu_economy.py"

SOURCES: list[dict[str, str]] = [
    {
        "id": "mois_jumin_2025_09",
        "title": "행정안전부 주민등록 인구 및 세대현황 (월간) 2025년 09월, 행정구역(시군구)별 - "
        "MOIS CSV download saved in a public GitHub repo",
        "publisher": "행정안전부 주민등록 인구통계 (copy in a public GitHub repo)",
        "date": "not shown",
        "url": "https://jumin.mois.go.kr/",
        "kind": "peer",
        "tier": "2",
        "via": _VIA_POP25,
        "note": "copy of the MOIS monthly table (CP949 → UTF-8). Checks: the 229 units sum to "
        "51,149,546 = the sum of the file's 17 시도 rows; MOIS end-2025 51,117,378 (헤럴드경제 "
        "2026-01-04, biz.heraldcorp.com/article/10648353) and end-2024 51,217,221 (SBS Biz "
        "2025-01-03) bracket it (-0.06 % / +0.14 %); each 시도's units are within 0.5 % of the "
        "KOSIS 2025-12-31 시도 value in data/values.csv. The exact 2025-09 national figure was not "
        "found in news.",
    },
    {
        "id": "mois_jumin_2019_12",
        "title": "행정안전부 주민등록 연령별 인구현황 (연간) 2019-2021, 행정구역별 - MOIS CSV "
        "download saved in a public GitHub repo",
        "publisher": "행정안전부 주민등록 인구통계 (copy in a public GitHub repo)",
        "date": "not shown",
        "url": "https://jumin.mois.go.kr/",
        "kind": "peer",
        "tier": "2",
        "via": _VIA_POP19,
        "note": "CP949 MOIS download with 시도, 시군구, 일반구 and 읍면동 rows; only 시군구 rows "
        "with a unit code are used (column 2019년_계_총인구수). Check: the 17 시도 rows sum to "
        "51,849,861 = the MOIS end-2019 national figure (서울경제 2020-01-12, "
        "m.sedaily.com/NewsView/1YXMA7UGAD). Not in the shared reference folder: pass it to the "
        "build script with --pop2019.",
    },
    {
        "id": "kosis_grdp_sigungu",
        "title": "KOSIS 시군구 지역내총생산 (당해년가격, 2015년 기준년가격) 2010-2020 - "
        "KOSIS export saved in a public GitHub repo",
        "publisher": "KOSIS / 통계청 · 시도 (시군구 GRDP) (copy in a public GitHub repo)",
        "date": "not shown",
        "url": "https://kosis.kr/",
        "kind": "peer",
        "tier": "2",
        "via": _VIA_GRDP,
        "note": "2015-base series; 2020 columns are '-'. Check: in all 16 시도 the 2019 unit rows "
        "sum to the 소계 row within 3 백만원 (rounding). 세종 missing; old units (청원군, 연기군, "
        "pre-merger 청주시) are '-' in 2019 and 통합청주시 / 통합창원시 are the merged units. The "
        "KOSIS table id is not stated in the copy. Second source: the 2018 figures 통계청 gave "
        "for 화성 77조7340억, 수원 35조4411억, 평택 33조7927억, 용인 30조5206억 (quoted in "
        "ksbong74.tistory.com/tag/기초자치단체) equal the copy to the 백만원; the 2019 시도 소계 "
        "agree with the first 2019 release (뉴시스 2020-12-23: 경기 478조, 충남 115조, 경남 113조, "
        "경북 107조) to revision size (≤ 1.3 %).",
    },
    {
        "id": "news1_chungbuk_fiscal_2023",
        "title": "영동군 올해 재정자립도 8.24%…충북도 11개 시군 중 '꼴찌'",
        "publisher": "뉴스1",
        "date": "2023-12-25",
        "url": "https://news1.kr/amp/local/sejong-chungbuk/5269727",
        "kind": "news",
        "tier": "3",
        "via": "",
        "note": "prints the 2023 재정자립도 of all 11 충북 시군 from 지방재정365; each equals the "
        "KOSIS copy (kosis_fiscal_youthsettlement) to one decimal (청주 30.52/30.5, "
        "진천 26.43/26.4, 음성 22.96/23.0, 영동 8.24/8.2, 괴산 9.28/9.3, 증평 15.73/15.7, "
        "제천 13.92/13.9, 단양 "
        "11.38/11.4, 옥천 10.68/10.7, 보은 10.4/10.4); the 2022 figures (청주 27.9, 진천 26.1) and "
        "a later year (청주 32.1, 진천 29.7, nocutnews 6219259) differ.",
    },
    {
        "id": "andypsh_datacenters",
        "title": "데이터센터위치.csv - list of 89 existing data centres compiled for a public-data "
        "contest entry (AI 데이터센터 최적입지)",
        "publisher": "andypsh/datacenter_select (peer project; origin of the list not stated)",
        "date": "not shown",
        "url": "https://github.com/andypsh/datacenter_select",
        "kind": "peer",
        "tier": "4",
        "via": _VIA_DC,
        "note": "unofficial and incomplete; the 시군구 codes in the file are wrong for several "
        "entries (KT 부산 IDC 48011, 카카오 제주 49110, 카카오 안산), so the unit is read from the "
        "address; entries without an address are not counted.",
    },
    {
        "id": "computed-sigungu-density",
        "title": "siting computation: population (2025-09-30) ÷ area of the unit",
        "publisher": "siting project",
        "date": "2026-12-04",
        "url": "",
        "kind": "computed",
        "tier": "2",
        "via": _SCRIPT,
        "note": "inputs named in each row: population (mois_jumin_2025_09) and area "
        "(data/sigungu/values.csv, NGII boundary)",
    },
    {
        "id": "computed-sigungu-grdp-per-resident",
        "title": "siting computation: grdp 2019 ÷ population 2019-12-31",
        "publisher": "siting project",
        "date": "2026-12-04",
        "url": "",
        "kind": "computed",
        "tier": "2",
        "via": _SCRIPT,
        "note": "inputs: grdp (kosis_grdp_sigungu) and population 2019-12-31 (mois_jumin_2019_12), "
        "same year",
    },
    {
        "id": "computed-lfs-manufacturing-share",
        "title": "siting computation: 광·제조업 ÷ 계 취업자 from KOSIS 지역별고용조사 "
        "시군구 산업별 취업자 (11차 산업분류) 2024 상·하반기 (KOSIS export saved in a "
        "public GitHub repo)",
        "publisher": "siting project, from KOSIS / 통계청 지역별고용조사",
        "date": "2026-12-04",
        "url": "",
        "kind": "computed",
        "tier": "2",
        "via": _VIA_LFS,
        "note": "both half-years pooled. The two 고성군 rows are told apart by the "
        "table's 행정구역 code order (강원 고성 between 인제 and 양양, 경남 고성 between 창녕 "
        "and 남해; a test checks the order); their sizes fit (18 vs 30 thousand employed).",
    },
    {
        "id": "computed-kicox-complexes",
        "title": "siting computation: count and area sums of KICOX 전국산업단지현황 "
        "(2025-12-31) by 시군구 (the park list of a peer repository's JSON copy)",
        "publisher": "siting project, from 한국산업단지공단 (KICOX)",
        "date": "2026-12-04",
        "url": "",
        "kind": "computed",
        "tier": "2",
        "via": _VIA_KICOX,
        "note": "areas are 천㎡: 울산·미포 designatedArea 48,468 against 48,444 천㎡ 지정면적 in "
        "울산광역시's page (KICOX 2020-12 data, ulsan.go.kr) and 4,805만 ㎡ (Wikipedia); 구미국가 "
        "1단지 10,089 against 10,223,000 ㎡ (한국학중앙연구원 encyclopedia), and 1단지 + 2-4단지 "
        "managedArea 22,307 against 22,628천㎡ 관리면적 on gumi.go.kr. Sums over the list's 1,363 "
        "sites.",
    },
    {
        "id": "computed-kcue-universities",
        "title": "siting computation: counts of 전국대학및전문대학정보표준데이터 "
        "(한국대학교육협의회, 기준연도 2024, data.go.kr standard data) by 시군구 of the "
        "road address",
        "publisher": "siting project, from 한국대학교육협의회",
        "date": "2026-12-04",
        "url": "",
        "kind": "computed",
        "tier": "2",
        "via": _VIA_UNIV,
        "note": "1,961 rows (대학 261, 전문대학 180, 대학원 1,520); 21 distance-learning "
        "schools left out of universities.",
    },
]
