"""The two administrative levels the model ranks: 시도 (17 provinces) and 시군구 (229 units)."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """An administrative level; a ``str`` subclass, so ``Level.SIDO == "sido"`` holds."""

    SIDO = "sido"
    SIGUNGU = "sigungu"

    @classmethod
    def parse(cls, value: str | Level | None) -> Level:
        """The level named by ``value`` (``None`` means 시도); ValueError names the choices."""
        if value is None:
            return cls.SIDO
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            raise ValueError(f"unknown level {value!r}; expected one of {choices}") from None


LEVELS: tuple[Level, ...] = tuple(Level)
