"""Definitions and sources written by scripts/build_sigungu_power.py (kept apart from the code)."""

from __future__ import annotations

SOURCE_COLUMNS = ["id", "title", "publisher", "date", "url", "kind", "tier", "via", "note"]

SOURCES: list[dict[str, str]] = [
    {
        "id": "kepco-sgg-use-2023-jan-apr",
        "title": "시군구별 전력사용량 (계약종별, 2023년 1-4월)",
        "publisher": "한국전력공사 (KEPCO)",
        "date": "not shown",
        "url": "https://www.data.go.kr/data/15069677/fileData.do",
        "kind": "official",
        "tier": "2",
        "via": "datascience-labs/Dash-Learning:electricity_usage.csv@"
        "38cb02732d89a032a00a5a2444f269e1b8888047",
        "note": "copy of KEPCO's 시군구 table (kWh by 계약종별, months 1-4 of 2023, 229 units; "
        "세종 one unit, 일반구 merged, 군위 still under 경북). Dataset id from a peer catalogue "
        "of KEPCO open data, not opened here. Checks: the seven 계약종별 sum to 합계 exactly "
        "for all 229 units; the file has no 시도 rows, so unit sums were compared with KEPCO "
        "full-year 2023 sales by 시도 (power_sales): Jan-Apr is 32.7-36.0 % of the year "
        "(all 17), national 33.98 %, as expected for a winter-heavy third of the year. No "
        "unit-level 2023 figure was found in print (news only has 2012 and 2017 series).",
    },
    {
        "id": "epsis-generators-2026-02-28",
        "title": "발전설비 > 발전기별 > 발전기현황 (중앙급전 발전기, 2026-02-28)",
        "publisher": "한국전력거래소 (KPX), 전력통계정보시스템 EPSIS",
        "date": "2026-02-28",
        "url": "https://epsis.kpx.or.kr/",
        "kind": "official",
        "tier": "2",
        "via": "hyoseoplee/kpx-preventive-maintenance:data/"
        "HOME_발전설비_발전기별_발전기현황-20260228.xlsx@e0cdf125a0bd4aa1a9c486c1cedd8b8f8d2ac61e",
        "note": "copy of the EPSIS export (432 central-dispatch units, 설비용량 MW, 세부지역 = "
        "시군구). Checks: the 432 listed units sum to the file's 통합 row (118,971.404 MW) "
        "exactly; by fuel, nuclear 26,050 MW, coal 39,508.7 MW and gas 45,699.3 MW agree "
        "with the end-2024 national figures MOTIE published (원자력 26.1 GW, 석탄 40.2 GW, "
        "가스 46.3 GW; datanews.co.kr no=138610) to within 2 % (coal units retired since). "
        "The registry lists registered units, not operating status (고리 2-4, stopped, are in "
        "it). 세부지역 '인천 송도구' (송도열병합) mapped to 연수구, '세종 누리동' to 세종, "
        "'충남 당진군' to 당진시.",
    },
    {
        "id": "kea-renewables-sgg",
        "title": "기초지자체별 신재생에너지 보급 현황",
        "publisher": "한국에너지공단 (KEA)",
        "date": "not shown",
        "url": "https://www.data.go.kr/data/15086292/fileData.do",
        "kind": "official",
        "tier": "2",
        "via": "kimwjdhyun/KDT_RE_5th_Project:01_DataAnalysis/data/raw/energy/"
        "한국에너지공단_기초지자체별 신재생에너지 보급 현황.csv@"
        "6311db960acbe5c5a0befb2916ff865f8427a428",
        "note": "copy of the KEA table (14 energy sources × 17 시도 totals, 16 '기타' rows and "
        "228 시군구 + 세종). The year is not printed; it is 2023: the file's new solar "
        "(보급용량_발전_신규) matches the published 2023 확정 통계 — national 3,682 MW and "
        "태안군 346 MW (impacton.net 16096, 제7회 대한민국 솔라리그), 신안군 214 MW "
        "(ikbc.net ZmHpDPKD); 군위군 is under 대구 (after 2023-07); the 2022 totals differ "
        "(33.8 GW cumulative, 3,809 MW new: ganaco.kr, hani.co.kr 1122410). Check: unit rows "
        "plus 기타 equal each 시도 total to within 7 kW / 3 MWh.",
    },
    {
        "id": "yun-pandw-sgg-2001-2021",
        "title": "Air Pollution and Weather Data by Si-Gun-Gu in South Korea (2001-2021), v2.0.0",
        "publisher": "Yun, Park & Kim (2023), from KMA ASOS daily data",
        "date": "2023",
        "url": "https://github.com/ysd2004/AirKorea",
        "kind": "peer",
        "tier": "4",
        "via": "ysd2004/AirKorea:data/pandw_v2000.csv@ae46d6ba37faebcdbc061b64ed627781ef7ec446",
        "note": "research-derived, tier 4: each 2017 시군구 takes the daily values of the KMA "
        "station nearest to its centroid (the next nearest when missing), then yearly means; "
        "the authors call the method the simplest one and disclaim accuracy. Not an official "
        "KMA normal (the 1991-2020 평년값 by station was not found). No value was checked "
        "against a KMA station table. Codes are 2017 SIG_CD (군위 47720, 여주 41670, "
        "청주 43111-43114), mapped to today's units.",
    },
    {
        "id": "computed-sigungu-power",
        "title": "siting computation: 시군구 industrial share and supply/demand ratio",
        "publisher": "siting project",
        "date": "2026-12-04",
        "url": "",
        "kind": "computed",
        "tier": "2",
        "via": "scripts/build_sigungu_power.py",
        "note": "inputs named in each row",
    },
]

INDICATORS_YAML = """\
# 시군구 power, grid and climate indicators (written by scripts/build_sigungu_power.py).

electricity_use_sgg:
  name_ko: 전력사용량 (1-4월)
  name_en: Electricity use, January-April
  unit: GWh
  direction: cost
  group: power
  period: "2023-01..04"
  range: [0, 20000]
  description: >
    Electricity KEPCO sold to customers in the unit in January-April 2023 (시군구별
    전력사용량, all 계약종별), in GWh: local demand competing for power.
  caveats: >
    A partial year (four winter/spring months, about 34 % of the 2023 total nationally); never
    compare it with the full-year power_sales of the 시도. Self-generation is not included.

electricity_industrial_share_sgg:
  name_ko: 산업용 전력 비중 (1-4월)
  name_en: Industrial share of electricity use, January-April
  unit: "%"
  direction: benefit
  group: power
  period: "2023-01..04"
  range: [0, 100]
  computed_from: [reference/sigungu/electricity_kepco_2023_jan_apr.csv]
  description: >
    산업용 divided by total (합계) electricity use in January-April 2023, in percent: where
    industry draws most of the power, the high-voltage network is built for large loads.
  caveats: >
    The direction is a modelling choice (industrial grids vs competition for supply). Partial
    year; 농사용 (farm) and 심야 (night) tariffs are in the total.

central_capacity_sgg:
  name_ko: 중앙급전 발전설비용량
  name_en: Central-dispatch generating capacity located in the unit
  unit: MW
  direction: benefit
  group: power
  period: "2026-02-28"
  range: [0, 12000]
  description: >
    Registered capacity of the central-dispatch (중앙급전) generators of KPX members located in
    the unit (EPSIS 발전기현황), in MW. Units without such a generator have 0, a real value:
    the registry lists every central-dispatch generator.
  caveats: >
    Registered, not operating, units (고리 2-4 are stopped but listed). Small renewables and
    non-central plants are not in the registry (see renewable_capacity_sgg). Location is the
    시군구 only.

central_capacity_nuclear_sgg:
  name_ko: 중앙급전 원자력 설비용량
  name_en: Nuclear capacity (central dispatch)
  unit: MW
  direction: benefit
  group: power
  period: "2026-02-28"
  range: [0, 12000]
  description: >
    Part of central_capacity_sgg whose 발전원 is 원자력, in MW.
  caveats: >
    Registered units; see nuclear_capacity (시도, operating units from facilities.csv).

central_capacity_coal_sgg:
  name_ko: 중앙급전 석탄 설비용량
  name_en: Coal capacity (central dispatch)
  unit: MW
  direction: benefit
  group: power
  period: "2026-02-28"
  range: [0, 8000]
  description: >
    Part of central_capacity_sgg whose 발전원 is 석탄, in MW (the IGCC at 태안 is counted as
    new-and-renewable, under central_capacity_other_sgg).
  caveats: >
    Coal units scheduled for closure are still listed until retired.

central_capacity_gas_oil_sgg:
  name_ko: 중앙급전 가스·유류 설비용량
  name_en: Gas and oil capacity (central dispatch)
  unit: MW
  direction: benefit
  group: power
  period: "2026-02-28"
  range: [0, 12000]
  description: >
    Part of central_capacity_sgg whose 발전원 is 가스 or 석유 (combined cycle, steam and CHP
    units of 발전사업 and 집단에너지사업), in MW.
  caveats: >
    CHP (집단에너지) units follow heat demand, so their output is not all available to the grid.

central_capacity_other_sgg:
  name_ko: 중앙급전 기타 설비용량 (수력·양수·바이오·IGCC·ESS)
  name_en: Other central-dispatch capacity (hydro, pumped storage, bio, IGCC, storage)
  unit: MW
  direction: benefit
  group: power
  period: "2026-02-28"
  range: [0, 3000]
  description: >
    The rest of central_capacity_sgg, in MW: 발전종류 신재생 (hydro, bioenergy, IGCC), 양수
    (pumped storage), and 기타 (two BESS on 제주 and 대전열병합, whose fuel the table leaves
    blank).
  caveats: >
    Pumped storage and batteries store power rather than generate it; this part is therefore
    left out of power_supply_demand_ratio.

renewable_capacity_sgg:
  name_ko: 신재생에너지 발전설비 누적 보급용량
  name_en: Renewable generating capacity (cumulative)
  unit: MW
  direction: benefit
  group: power
  period: "2023-12-31"
  range: [0, 2000]
  description: >
    Cumulative new-and-renewable generating capacity installed in the unit (KEA 기초지자체별
    신재생에너지 보급 현황, 신·재생에너지 total: solar, wind, hydro, bioenergy, waste, fuel
    cells, IGCC …), kW converted to MW.
  caveats: >
    The file carries no year; 2023 (year-end) is established from published 2023 figures
    that match it (national and 태안/신안 new solar, see the source note). Installed capacity
    of variable sources is not firm capacity. Each 시도 also has a small '기타'
    (unattributed) remainder.

renewable_generation_sgg:
  name_ko: 신재생에너지 발전량
  name_en: Renewable electricity generation
  unit: GWh
  direction: benefit
  group: power
  period: "2023"
  range: [0, 5000]
  description: >
    Electricity generated by new-and-renewable sources in the unit in the year (KEA,
    신·재생에너지 total), MWh converted to GWh.
  caveats: >
    The year is not printed in the file; 2023 per matching published figures (see
    renewable_capacity_sgg).

power_supply_demand_ratio:
  name_ko: 전력 공급설비 대 평균수요 비
  name_en: Located generating capacity to average demand
  unit: ratio
  direction: benefit
  group: power
  period: "2023..2026"
  range: [0, 1000]
  computed_from: [central_capacity_nuclear_sgg, central_capacity_coal_sgg,
    central_capacity_gas_oil_sgg, renewable_capacity_sgg, electricity_use_sgg]
  description: >
    (nuclear + coal + gas/oil central-dispatch capacity from EPSIS + cumulative renewable
    capacity from KEA) divided by the unit's average load in January-April 2023
    (electricity_use_sgg × 1000 ÷ 2,880 h). Above 1 the unit hosts more nameplate capacity
    than it draws on average: a generation hub; near 0 it imports nearly all its power.
  caveats: >
    Nameplate capacity over average load, with no capacity factor: a solar MW counts like a
    nuclear MW, so the ratio flatters solar-rich rural units. No double counting: renewables
    are taken from KEA only, and the EPSIS units of type 신재생 (hydro, bioenergy, IGCC) are
    left out, as are pumped storage and batteries. Inputs are from different dates (demand
    2023-01..04, renewables 2023, central capacity 2026-02-28). It says nothing about grid
    headroom (no substation data found).

mean_temperature_sgg:
  name_ko: 연평균기온 (2001-2021 평균)
  name_en: Mean annual temperature, 2001-2021
  unit: "°C"
  direction: cost
  group: climate
  period: "2001..2021"
  range: [5, 20]
  description: >
    Mean of the 21 yearly mean temperatures 2001-2021 at the KMA station nearest to the unit
    (Yun, Park & Kim 2023), in °C: cooler sites need less energy for cooling.
  caveats: >
    Research-derived (tier 4), not the KMA 1991-2020 평년값. One station often serves several
    units (all 25 Seoul 자치구 share 서울 108), and the nearest station can sit on a mountain
    (평창 ← 대관령). Cities with 일반구 take the mean over their 2017 구.

mean_daily_max_temperature_sgg:
  name_ko: 일최고기온 연평균 (2001-2021 평균)
  name_en: Mean daily maximum temperature, 2001-2021
  unit: "°C"
  direction: cost
  group: climate
  period: "2001..2021"
  range: [10, 25]
  description: >
    Mean over 2001-2021 of the yearly mean of daily maximum temperatures at the nearest KMA
    station (Yun, Park & Kim 2023), in °C: daytime heat that cooling plant must reject.
  caveats: >
    A mean, not a count of hot days or a summer peak; across units it correlates with the mean
    temperature only at r ≈ 0.75 (coastal vs inland), so it adds information. Same station
    caveats as mean_temperature_sgg.
"""
