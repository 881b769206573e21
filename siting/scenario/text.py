"""Texts a scenario gives in Korean and English: ``{ko: ..., en: ...}`` or a plain string."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import PlainSerializer, WithJsonSchema, WrapValidator

LANGS = ("ko", "en")


class LocalText(str):
    """A text given in Korean and English (``{ko: ..., en: ...}`` in a scenario). As a plain
    string it is the English text (the Korean where there is no English); :meth:`get` picks
    a language, falling back to the other one."""

    ko: str | None
    en: str | None

    def __new__(cls, ko: str | None = None, en: str | None = None) -> LocalText:
        obj = super().__new__(cls, en if en else (ko or ""))
        obj.ko, obj.en = ko or None, en or None
        return obj

    def __getnewargs__(self) -> tuple[str | None, str | None]:  # type: ignore[override]
        return (self.ko, self.en)

    def get(self, lang: str) -> str:
        first, other = (self.ko, self.en) if lang == "ko" else (self.en, self.ko)
        return first or other or ""


def text(value: Any, lang: str) -> str:
    """``value`` in ``lang`` when it is a :class:`LocalText`, else as it is ('' for None)."""
    if isinstance(value, LocalText):
        return value.get(lang)
    return "" if value is None else str(value)


def _local_text(value: Any, handler: Any) -> Any:
    if isinstance(value, LocalText):
        return value
    if isinstance(value, Mapping):
        keys = set(value)
        if not keys or keys - set(LANGS):
            raise ValueError(
                "a text in two languages is a mapping with the keys ko and/or en, "
                f"got {sorted(map(str, keys)) or 'an empty mapping'}"
            )
        for k in keys:
            if not isinstance(value[k], str) or not value[k].strip():
                raise ValueError(f"{k}: must be a non-empty string")
        return LocalText(ko=value.get("ko"), en=value.get("en"))
    return handler(value)


def _dump_text(value: Any) -> Any:
    if isinstance(value, LocalText):
        return {k: v for k, v in (("ko", value.ko), ("en", value.en)) if v}
    return value


_TEXT_SCHEMA = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"ko": {"type": "string"}, "en": {"type": "string"}},
            "additionalProperties": False,
            "minProperties": 1,
        },
    ]
}
# a string, or the same text in both languages: {ko: ..., en: ...}
Text = Annotated[
    str,
    WrapValidator(_local_text),
    PlainSerializer(_dump_text, return_type=Any),
    WithJsonSchema(_TEXT_SCHEMA),
]
