"""Resolve user-typed region names (Korean, English, short, code) to region codes."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from siting._errors import SitingError

if TYPE_CHECKING:
    from siting.data.model import Dataset

_STRIP = re.compile(r"[\s\-_.·'’]+")


def _norm(text: str) -> str:
    return _STRIP.sub("", text).casefold()


def region_keys(row: dict[str, str]) -> list[str]:
    """Every accepted spelling of one region."""
    keys = [row["code"], row["name_ko"], row["short_ko"], row["name_en"], row["short_en"]]
    keys += [a for a in row.get("aliases", "").split(";") if a.strip()]
    en = row["name_en"]
    if en.endswith("-do"):
        keys.append(en[:-3])
    return keys


class RegionResolver:
    """Maps any accepted spelling to a region code; unknown names get suggestions and names
    shared by several regions (중구, 고성군) ask for the province."""

    def __init__(self, ds: Dataset):
        self._ds = ds
        self._all: dict[str, list[str]] = {}
        for row in ds.regions:
            for key in region_keys(row):
                codes = self._all.setdefault(_norm(key), [])
                if row["code"] not in codes:
                    codes.append(row["code"])
        self._index = {k: v[0] for k, v in self._all.items()}

    def resolve(
        self, text: str, *, file: str | None = None, key: str | None = None, line: int | None = None
    ) -> str:
        hits = self._all.get(_norm(str(text)))
        if hits and len(hits) > 1:
            choices = ", ".join(f"{self._ds.region_name(c)} ({c})" for c in hits)
            raise SitingError(
                f"{text!r} is ambiguous: {len(hits)} regions have that name",
                file=file,
                key=key,
                line=line,
                fix=f"add the province, e.g. '{self._ds.region_name(hits[0])}', or use the code; "
                f"choices: {choices}",
            )
        if hits:
            return hits[0]
        close = difflib.get_close_matches(_norm(str(text)), list(self._index), n=3, cutoff=0.6)
        names = []
        for c in close:
            code = self._index[c]
            label = f"{self._ds.region_name(code)} ({code})"
            if label not in names:
                names.append(label)
        hint = f"did you mean {', '.join(names)}? " if names else ""
        raise SitingError(
            f"unknown region {text!r}",
            file=file,
            key=key,
            line=line,
            fix=f"{hint}use a Korean, English, short or code form, e.g. 경북, 경상북도, "
            "Gyeongbuk or 47 ('siting data' lists all regions)",
        )
