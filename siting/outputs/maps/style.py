"""The map's strings and styles, read from data files, and the small formatters every part of
the page shares.

Strings: ``siting/_assets/locales/{ko,en}.json`` (same keys in each). Colour ramps, facility
symbols, label nudges and the named islands: ``siting/_assets/map-styles.json``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "DIVERGING",
    "FACILITY_KINDS",
    "FACILITY_LAYERS",
    "ISLANDS",
    "LABEL_NUDGE",
    "NO_DATA_FILL",
    "SEQUENTIAL",
    "WHATIF_T",
    "FacilityStyle",
    "Island",
    "T",
    "gradient_css",
    "json_for_script",
    "kind_style",
    "method_name",
    "num",
    "pct_text",
    "policy_name",
    "ramp_color",
    "safe_url",
    "score_text",
]


def _asset_json(*parts: str) -> dict[str, Any]:
    path = resources.files("siting").joinpath("_assets", *parts)
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data


# sections of a locale file that are not plain page strings
_SECTIONS = ("whatif", "method_names", "policy", "facility_kinds", "facility_layers")
_LOCALES = {lang: _asset_json("locales", f"{lang}.json") for lang in ("ko", "en")}
T: dict[str, dict[str, Any]] = {
    lang: {k: v for k, v in d.items() if k not in _SECTIONS} for lang, d in _LOCALES.items()
}
# strings of the what-if panel (siting-map-whatif.js builds it with textContent)
WHATIF_T: dict[str, dict[str, str]] = {lang: d["whatif"] for lang, d in _LOCALES.items()}

_STYLES = _asset_json("map-styles.json")
SEQUENTIAL: tuple[str, ...] = tuple(_STYLES["sequential"]["stops"])
DIVERGING: tuple[str, ...] = tuple(_STYLES["diverging"]["stops"])
NO_DATA_FILL: str = _STYLES["no_data"]
# label offsets in pixels (dx, dy) where neighbouring small regions would collide (시도 map)
LABEL_NUDGE: dict[str, tuple[int, int]] = {
    c: (int(xy[0]), int(xy[1])) for c, xy in _STYLES["label_nudge"].items()
}


@dataclass(frozen=True)
class FacilityStyle:
    """The symbol of one facility kind: planned sites are hollow, thermal plants square."""

    kind: str
    color: str
    radius: int
    hollow: bool = False
    shown: bool = False  # layer shown on opening
    square: bool = False


@dataclass(frozen=True)
class Island:
    """A small island named on the map (a speck at national zoom); ``dot``: also draw a dot."""

    name: dict[str, str]
    lat: float
    lon: float
    regions: tuple[str, ...]  # the region holding it, at each level
    dot: bool


FACILITY_KINDS: dict[str, FacilityStyle] = {
    k: FacilityStyle(kind=k, **v) for k, v in _STYLES["facility_kinds"].items()
}
# kinds drawn together as one layer: layer key -> kinds
FACILITY_LAYERS: dict[str, tuple[str, ...]] = {
    k: tuple(v) for k, v in _STYLES["facility_layers"].items()
}
_OTHER_FACILITY = _STYLES["other_facility"]
ISLANDS: tuple[Island, ...] = tuple(
    Island(i["name"], i["lat"], i["lon"], tuple(i["regions"]), i["dot"]) for i in _STYLES["islands"]
)


def kind_style(kind: str) -> FacilityStyle:
    """The style of a facility kind (a grey dot for kinds the style file does not know)."""
    return FACILITY_KINDS.get(kind) or FacilityStyle(kind=kind, **_OTHER_FACILITY)


def facility_label(kind: str, lang: str) -> str:
    """A facility kind's or layer's name in ``lang`` (the kind itself if unknown)."""
    loc = _LOCALES[lang]
    return loc["facility_layers"].get(kind) or loc["facility_kinds"].get(kind, kind)


def method_name(method: str, lang: str) -> str:
    return _LOCALES[lang]["method_names"].get(method, method.upper())


def policy_name(policy: str, lang: str) -> str:
    return _LOCALES[lang]["policy"].get(policy, policy)


def pct_text(p: float, decimals: int = 0) -> str:
    """A share in 0..1 as the map writes it everywhere (table, panel, tooltip, card): '37 %';
    a share that would round to 0 but is not 0 is '<1 %' (never '0 %'), near 1 '>99 %'."""
    x = 100 * float(p)
    step = 10**-decimals
    if 0 < x < 0.5 * step:
        return f"<{step:g} %"
    if 100 - 0.5 * step < x < 100:
        return f">{100 - step:g} %"
    return f"{x:,.{decimals}f} %"


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def num(v: float | None, digits: int = 2) -> str:
    """A number as the cards write it: thousands separators, trailing zeros dropped."""
    if _missing(v):
        return "—"
    assert v is not None
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    text = f"{v:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def score_text(v: float | None) -> str:
    return "—" if _missing(v) else f"{v:.1f}"


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links (never javascript: or data:)."""
    if not url:
        return None
    u = url.strip()
    return u if re.match(r"^https?://[^\s<>\"']+$", u, flags=re.IGNORECASE) else None


def json_for_script(data: Any) -> str:
    """JSON safe inside <script>: no '</script', '<!--' or line separators can survive."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _hex_to_rgb(h: str) -> tuple[int, int, int]:
    return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)


def ramp_color(stops: Sequence[str], t: float) -> str:
    """Colour at ``t`` in [0, 1] along ``stops`` (linear in RGB between neighbouring stops)."""
    t = min(1.0, max(0.0, float(t)))
    x = t * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    f = x - i
    a, b = _hex_to_rgb(stops[i]), _hex_to_rgb(stops[i + 1])
    rgb = (round(a[k] + (b[k] - a[k]) * f) for k in range(3))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def gradient_css(stops: Sequence[str]) -> str:
    n = len(stops) - 1
    return ", ".join(f"{c} {100 * i / n:.1f}%" for i, c in enumerate(stops))
