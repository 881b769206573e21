"""Explanation cards of the map model: one per region and result, from
:meth:`~siting.engine.result.Result.explain_many`, with the criterion rows that several cards show
identically marked as shared (written once as ``<template>`` elements)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from siting.outputs.maps.model import Card, CriterionRow, Kpi, Link, Peer, RowRef
from siting.outputs.maps.style import T, method_name, num, policy_name, safe_url, score_text

if TYPE_CHECKING:
    from siting.data.dataset import Dataset
    from siting.engine.result import Result

__all__ = ["card", "peers", "share_rows"]


def _province_en(ds: Dataset, code: str) -> str | None:
    parent = getattr(ds, "parent", None)
    sido = ds.region_by_code.get(code, {}).get("sido")
    if parent is None or not sido or sido not in parent.region_by_code:
        return None
    return parent.region_name(sido, "en")


def _kpis(ex: Mapping[str, Any], lang: str, extra: Sequence[Kpi]) -> list[Kpi]:
    t = T[lang]
    excluded = ex["status"] == "excluded"
    rank = (
        t["excluded"]
        if excluded
        else t["rank_of"].format(r=ex["rank_label"], n=ex["ranked_regions"])
    )
    kpis = [
        Kpi(t["rank"], rank, "rank"),
        Kpi(t["score"], "—" if ex["score"] is None else score_text(ex["score"]), "score"),
        Kpi(t["coverage_long"], f"{ex['coverage_pct']:.0f} %", "coverage"),
    ]
    if "own_pct" in ex:
        kpis.append(Kpi(t["own_share"], f"{ex['own_pct']:.0f} %", "own"))
    if ex["adjustment"]:
        kpis.insert(2, Kpi(t["base"], score_text(ex["base_score"]), "base"))
    return kpis + list(extra)  # values of metric layers, e.g. P(top 3)


def card(
    result: Result,
    key: str,
    ex: Mapping[str, Any],
    lang: str,
    peers: Sequence[Peer] = (),
    extra: Sequence[Kpi] = (),
) -> Card:
    """The explanation card of one region under one result, from its explanation ``ex``
    (:meth:`~siting.engine.result.Result.explain_many`). ``peers``: the region's rank under
    each scenario of a comparison."""
    t = T[lang]
    ds = result.dataset
    code = ex["region"]
    crits = ex["criteria"]
    note = (
        t["bar_note"]
        if result.additive
        else t["bar_note_nonadd"].format(method=method_name(result.method, lang))
    )
    inherited = [c for c in crits if c.get("inherited_from")]
    inh_note = ""
    if inherited:
        prov = inherited[0]["inherited_from"]
        if lang == "en":
            prov = _province_en(ds, code) or prov
        inh_note = t["inherited_note"].format(p=prov, n=len(inherited), m=len(crits))
    wmax = max((c["weight_pct"] for c in crits), default=1.0) or 1.0
    return Card(
        key=key,
        code=code,
        name=ex["name_ko"] if lang == "ko" else ex["name_en"],
        other_name=ex["name_en"] if lang == "ko" else ex["name_ko"],
        scenario=result.scenario.name,
        excluded=ex["status"] == "excluded",
        kpis=_kpis(ex, lang, extra),
        peers=list(peers),
        reasons=list(ex["reasons"]),
        note=note,
        inherited_note=inh_note,
        rows=[_criterion_row(c, ds, code, lang, wmax) for c in crits],
    )


def _inherited_mark(
    c: Mapping[str, Any], ds: Dataset, code: str, lang: str
) -> tuple[str, str] | None:
    inh = c.get("inherited_from")
    if not inh:
        return None
    t = T[lang]
    prov = (_province_en(ds, code) or inh) if lang == "en" else inh
    pol = c.get("inherited_policy", "use")
    tail = ""
    if pol == "exclude":
        tail = " " + t["inherited_policy"]["exclude"]
    elif pol != "use":
        tail = " " + t["inherited_policy"]["factor"].format(f=pol)
    return t["inherited_title"].format(p=prov), t["inherited"].format(p=prov) + tail


def _source(ev: Mapping[str, Any] | None) -> Link | None:
    if not ev or not ev.get("source"):
        return None
    s = ev["source"]
    return Link(f"{s['publisher']} ({s['date']})", safe_url(s.get("url")), s.get("title") or "")


def _criterion_row(c: Mapping[str, Any], ds: Dataset, code: str, lang: str, wmax: float) -> RowRef:
    v = c["transformed"]
    contrib = c["contribution"]
    inherited = _inherited_mark(c, ds, code, lang)
    imputed_text = ""
    if c["raw"] is None:
        vtxt = "—" if v is None else f"{v:.2f}"
        policy = policy_name(c["missing_policy"], lang)
        imputed_text = T[lang]["imputed_note"].format(policy=policy, v=vtxt)
    ev = c["evidence"]
    row = CriterionRow(
        name=c["name_ko"] if lang == "ko" else c["name_en"],
        points="—" if contrib is None else f"{contrib:.1f}",
        weight=f"{c['weight_pct']:.1f}",
        track=f"{100 * c['weight_pct'] / wmax:.1f}",
        fill=f"{0.0 if v is None else 100 * max(0.0, min(1.0, v)):.1f}",
        period=str(c["period"]),
        raw=None if c["raw"] is None else num(c["raw"]),
        unit=c["unit"] or "",
        value_function=str(c["value_function"]),
        imputed_text=imputed_text,
        inherited=inherited,
        source=_source(ev),
        quote=(ev or {}).get("quote") or "",
    )
    css = " ".join(
        x for x in ("st-crit-imp" if c["imputed"] else "", "st-crit-inh" * bool(inherited)) if x
    )
    return RowRef(css, row)


def peers(results: Sequence[Result], i: int, own: int, lang: str) -> list[Peer]:
    """Region ``i``'s rank and score under each result (for the cards of a comparison)."""
    t = T[lang]
    if len(results) < 2:
        return []
    out = []
    for j, other in enumerate(results):
        if other.rank[i] > 0:
            rank = t["rank_fmt"].format(r=other.rank_label(i))
            text = f"{rank} · {score_text(float(other.score[i]))}"
        else:
            text = t["excluded"]
        out.append(Peer(other.scenario.name or f"#{j + 1}", text, j == own))
    return out


def share_rows(cards: Sequence[Card]) -> list[CriterionRow]:
    """Mark the criterion rows that several cards show identically as shared (in place) and
    return them in order of first use: the page writes each once as a ``<template>``."""
    counts = Counter(ref.row for c in cards for ref in c.rows)
    ids: dict[CriterionRow, int] = {}
    for c in cards:
        c.rows = [
            RowRef(ref.css, ref.row, ids.setdefault(ref.row, len(ids)))
            if counts[ref.row] > 1
            else ref
            for ref in c.rows
        ]
    return list(ids)
