"""The records a data folder is made of: indicator definitions, sources and sourced values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["benefit", "cost"]

SOURCE_KINDS = ("official", "news", "peer", "editorial", "blog", "statute", "seed", "computed")
URL_OPTIONAL_KINDS = ("computed", "seed", "statute")  # sources that need no URL
MAX_QUOTE = 240  # characters; the guideline is ~200, with room for ellipses and notes
# a printed figure its own source contradicts, or whose inputs show another basis: never used
REJECTED_QUOTE_TYPES = ("misprint", "wrong_basis")


@dataclass(frozen=True)
class Indicator:
    """Definition of one indicator (a column of the decision matrix)."""

    id: str
    name_ko: str
    name_en: str
    unit: str
    direction: Direction
    group: str
    period: str
    description: str
    caveats: str = ""
    kind: str = "numeric"
    range: tuple[float, float] | None = None
    computed_from: tuple[str, ...] = ()
    encodes_decisions: bool = False
    known_from_start: bool = False  # a status in force over its whole period (e.g. a statute)
    # months between the end of a period and the publication of its figures (backtest guard)
    publication_lag_months: int = 0

    def name(self, lang: str = "en") -> str:
        return self.name_ko if lang == "ko" else self.name_en


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: str
    url: str
    kind: str
    tier: int
    via: str = ""
    note: str = ""

    def citation(self) -> str:
        where = self.url or ""
        return f"{self.publisher}, {self.title} ({self.date}) {where}".strip()


@dataclass(frozen=True)
class Value:
    """One sourced observation: a row of values.csv."""

    region: str
    indicator: str
    period: str
    value: float | None
    source: str
    quote: str
    note: str
    line: int
    status: str = "used"  # used | superseded | gap | rejected
    superseded_by: str = ""
    inherited: str = ""  # at 시군구 level: the 시도 code the value is inherited from
