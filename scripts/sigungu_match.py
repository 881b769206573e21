"""Match 시도/시군구 names (or codes) of an outside table to the 229 units (data/sigungu/units.csv).

Shared by the 시군구 build scripts, so every table joins the same way:

    from sigungu_match import UnitMatcher
    m = UnitMatcher()
    code = m.match("경상북도", "포항시 남구")    # -> "47110"; None when unknown
    m.report()                                   # names that did not match, once each

Rules: the 시도 is read from any of its names (경북, 경상북도, 강원특별자치도, 51 …); the unit
from its name, short name or alias; a city's 일반구 ("포항시 남구", "수원시장안구") go to the
city; 청원군 to 청주시, 군위군 to 대구 whatever the 시도 column says; 세종 is one unit; 인천 남구
(renamed 2018) to 미추홀구.
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
        self.unmatched[(sido, sigungu)] = self.unmatched.get((sido, sigungu), 0) + 1
        return None

    def code(self, code: str) -> str | None:
        """A 5-digit 행정구역 code (or the first five digits of a 10-digit one) to a unit code."""
        c = code[:5]
        if c in self.codes:
            return c
        return self.member_of.get(c)

    def report(self) -> list[str]:
        return [f"{s} {g} ({n}×)" for (s, g), n in sorted(self.unmatched.items())]
