"""Facilities of the map model: one layer per kind (known kinds first, in the order of the
style file), except kinds drawn together (e.g. coal, LNG and oil plants), which share one
layer and keep a colour each."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from siting.outputs.maps.model import Facility, FacilityGroup, Link
from siting.outputs.maps.style import (
    FACILITY_KINDS,
    FACILITY_LAYERS,
    T,
    facility_label,
    kind_style,
    safe_url,
)

if TYPE_CHECKING:
    from siting.data.dataset import Dataset

__all__ = ["facility_groups"]

_LAYER_OF_KIND = {k: key for key, kinds in FACILITY_LAYERS.items() for k in kinds}


def _position(f: Mapping[str, str]) -> tuple[float, float] | None:
    try:
        lat, lon = float(f["lat"]), float(f["lon"])
    except (KeyError, ValueError):
        return None
    return (lat, lon) if math.isfinite(lat) and math.isfinite(lon) else None


def _facility(ds: Dataset, f: Mapping[str, str], k: int, kind_label: str, lang: str) -> Facility:
    t = T[lang]
    lat, lon = _position(f)  # type: ignore[misc]  # checked by the caller
    rows = [(t["kind"], kind_label)]
    if f.get("status"):
        rows.append((t["status_f"], f["status"]))
    if f.get("capacity_mw"):
        rows.append((t["capacity"], f"{f['capacity_mw']} MW"))
    if f.get("location_basis"):
        rows.append((t["location"], f["location_basis"]))
    src = ds.sources.get(f.get("source", ""))
    if src is not None:
        source = Link(f"{src.publisher} ({src.date})", safe_url(src.url))
    else:
        source = Link(f.get("source", ""))
    name = f.get("name_ko") if lang == "ko" else (f.get("name_en") or f.get("name_ko"))
    return Facility(
        round(lat, 5), round(lon, 5), name or "", k, tuple(rows), source, f.get("quote") or ""
    )


def facility_groups(ds: Dataset, lang: str) -> list[FacilityGroup]:
    """The dataset's facilities as map layers (layers without a placeable item dropped)."""
    by_kind: dict[str, list[dict[str, str]]] = {}
    for f in ds.facilities:
        by_kind.setdefault(f.get("kind", ""), []).append(f)
    kinds = [k for k in FACILITY_KINDS if k in by_kind] + sorted(
        k for k in by_kind if k not in FACILITY_KINDS
    )
    layers: dict[str, list[str]] = {}  # layer key -> its kinds, in style-file order
    for kind in kinds:
        layers.setdefault(_LAYER_OF_KIND.get(kind, kind), []).append(kind)
    groups = (_group(ds, key, members, by_kind, lang) for key, members in layers.items())
    return [g for g in groups if g.items]


def _group(
    ds: Dataset, key: str, members: list[str], by_kind: dict[str, list], lang: str
) -> FacilityGroup:
    styles = tuple((kind_style(k), facility_label(k, lang)) for k in members)
    rows = [(f, k) for k, kind in enumerate(members) for f in by_kind[kind]]
    rows.sort(key=lambda fk: (fk[0].get("sido", ""), fk[0].get("id", "")))
    items = tuple(
        _facility(ds, f, k, styles[k][1], lang) for f, k in rows if _position(f) is not None
    )
    return FacilityGroup(
        kind=key,
        label=facility_label(key, lang) if key in FACILITY_LAYERS else styles[0][1],
        styles=styles,
        present=tuple(sorted({it.k for it in items})),
        shown=any(st.shown for st, _ in styles),
        items=items,
    )
