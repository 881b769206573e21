"""Periods that data values describe: a year, a month, a day, or a range of them.

Grammar: ``YYYY`` | ``YYYY-MM`` | ``YYYY-MM-DD`` | ``START..END`` where ``END`` may omit the
leading parts it shares with ``START`` (``2025-01..07`` is January to July 2025).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SHORT_END = re.compile(r"^(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A closed interval of calendar days with its original text."""

    start: date
    end: date
    text: str

    @property
    def is_full_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (
            1,
            1,
            12,
            31,
        ) and (self.start.year == self.end.year)

    @property
    def is_point(self) -> bool:
        return self.start == self.end

    def __str__(self) -> str:
        return self.text


def _bounds(year: int, month: int | None, day: int | None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return date(year, month, 1), date(year, month, last)
    d = date(year, month, day)
    return d, d


def _parse_part(text: str) -> tuple[date, date]:
    m = _PART.match(text)
    if not m:
        raise ValueError(text)
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    return _bounds(year, month, day)


@lru_cache(maxsize=4096)
def parse_period(text: str) -> Period:
    """Parse a period string; raise ``ValueError`` with a readable message when it is malformed.
    Memoised (a Period is frozen): sorting and dating periods parse the same few texts often."""
    raw = str(text).strip()
    try:
        if ".." in raw:
            left, right = raw.split("..", 1)
            start, _ = _parse_part(left)
            if _PART.match(right):
                _, end = _parse_part(right)
            else:
                m = _SHORT_END.match(right)
                if not m:
                    raise ValueError(raw)
                lm = _PART.match(left)
                assert lm is not None
                year = int(lm.group(1))
                if lm.group(3) and m.group(2) is None:
                    # 2025-01-05..20 -> day within the same month
                    month = int(lm.group(2))
                    _, end = _bounds(year, month, int(m.group(1)))
                else:
                    month = int(m.group(1))
                    day = int(m.group(2)) if m.group(2) else None
                    _, end = _bounds(year, month, day)
            if end < start:
                raise ValueError(raw)
            return Period(start, end, raw)
        start, end = _parse_part(raw)
        return Period(start, end, raw)
    except (ValueError, AssertionError) as exc:
        raise ValueError(
            f"cannot read period {raw!r}: use YYYY, YYYY-MM, YYYY-MM-DD or START..END "
            "(e.g. 2025, 2025-01..07, 2026-03-27)"
        ) from exc
