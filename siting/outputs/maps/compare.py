"""Maps of several scenarios (rank-change layers, the comparison page) and the robustness
layer (P(top k) under sampled weights)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from siting._errors import SitingError
from siting.analysis.sensitivity import monte_carlo
from siting.data.levels import Level
from siting.outputs.maps.build import build_map
from siting.outputs.maps.files import write_map
from siting.outputs.maps.model import ComparisonPanel, MetricLayer, TextOverview
from siting.outputs.maps.panels import text_overview
from siting.outputs.maps.style import T, num, pct_text

if TYPE_CHECKING:
    from siting.analysis.compare import Comparison
    from siting.engine.result import Result


def rank_change_layers(cmp: Comparison, lang: str = "ko") -> list[MetricLayer]:
    """One rank-change layer per scenario after the first (the reference), for a
    :class:`~siting.analysis.compare.Comparison`.

    Sign: value = rank under the reference − rank under the scenario, so **positive = moved
    up** (a smaller rank number) and is drawn blue, negative = moved down, red; the same sign
    as :attr:`siting.analysis.compare.Mover.change`. A region excluded (unranked) in either scenario
    has no value and is hatched, its tooltip saying where it was excluded.
    """
    t = T[lang]
    base = cmp.results[0]
    a_name = base.scenario.name or "1"
    out = []
    for r in cmp.results[1:]:
        b_name = r.scenario.name or "2"
        vals: dict[str, float | None] = {}
        tips: dict[str, str] = {}
        for i, code in enumerate(base.regions):
            ra, rb = int(base.rank[i]), int(r.rank[i])
            if ra and rb:
                vals[code] = float(ra - rb)
                tips[code] = t["rank_pair"].format(
                    a=a_name,
                    ra=t["rank_fmt"].format(r=base.rank_label(i)),
                    b=b_name,
                    rb=t["rank_fmt"].format(r=r.rank_label(i)),
                )
            else:
                vals[code] = None
                where = [n for n, x in ((a_name, ra), (b_name, rb)) if not x]
                tips[code] = "; ".join(t["excluded_in"].format(s=n) for n in where)
        desc = t["rank_change_desc"].format(a=a_name, b=b_name)
        out.append(
            MetricLayer(
                name=t["rank_change_name"].format(a=a_name, b=b_name),
                values=vals,
                description=desc,
                diverging=True,
                signed=True,
                decimals=0,
                labels=tips,
                missing_pattern="excluded",
                missing_label=t["rank_change_excl"],
                ends=tuple(t["rank_change_ends"]),  # type: ignore[arg-type]
                short=t["rank_change_short"],
            )
        )
    return out


def _comparison_overview(cmp: Comparison, k: int, key: str, lang: str) -> TextOverview:
    """The side panel of rank-change layer ``k``: the sign, agreement and biggest movers."""
    t = T[lang]
    base, other = cmp.results[0], cmp.results[k + 1]
    ds = base.dataset
    a, b = base.scenario.name or "1", other.scenario.name or "2"
    pair = cmp.pairs[k]
    rows = [(t["top_k"].format(k=kk), f"{100 * v:.0f} %") for kk, v in pair.top_k_overlap.items()]
    rows += [
        (t["same_top"], t["yes"] if pair.same_top else t["no"]),
        ("Kendall τ-b", f"{pair.kendall_tau:.3f}"),
        ("Spearman ρ", f"{pair.spearman_rho:.3f}"),
        ("weighted Spearman r_w", f"{pair.weighted_spearman:.3f}"),
        ("WS", f"{pair.ws_similarity:.3f}"),
    ]
    movers, drivers = _movers(cmp, k, lang)
    only = tuple(
        (t["only_in"].format(s=name), ", ".join(ds.region_name(c, lang) for c in codes))
        for name, codes in ((a, pair.only_in_a), (b, pair.only_in_b))
        if codes
    )
    panel = ComparisonPanel(
        agreement_title=t["agreement"].format(n=pair.common),
        agreement=tuple(rows),
        movers_title=t["movers"],
        movers=tuple(movers),
        drivers=tuple(drivers),
        only_in=only,
    )
    return text_overview(
        key,
        t["rank_change_name"].format(a=a, b=b),
        [t["rank_change_desc"].format(a=a, b=b), t["compare_hint"]],
        panel,
    )


def _movers(cmp: Comparison, k: int, lang: str) -> tuple[list, list[str]]:
    """The biggest movers of pair ``k`` (region, ranks, sign, class) and their drivers."""
    t = T[lang]
    base, other = cmp.results[0], cmp.results[k + 1]
    ds, b = base.dataset, other.scenario.name or "2"
    names = {c.id: c.indicator.name(lang) for r in (base, other) for c in r.criteria}
    names["adjustments"] = t["adjustment"]
    movers, drivers = [], []
    for mv in (m for m in cmp.movers if m.scenario == b):
        sign = f"+{mv.change}" if mv.change > 0 else f"\u2212{-mv.change}"
        movers.append(
            (
                ds.region_name(mv.region, lang),
                t["rank_fmt"].format(r=mv.rank_a),
                t["rank_fmt"].format(r=mv.rank_b),
                sign,
                "st-up" if mv.change > 0 else "st-down",
            )
        )
        why = ", ".join(f"{names.get(c, c)} {d:+.1f}" for c, d in mv.drivers)
        drivers.append(f"{t['drivers']}: {why}" if why else "")
    return movers, drivers


def write_comparison_map(
    cmp: Comparison, path: str | Path, lang: str = "ko", *, tiles: str | None = None
) -> Path:
    """Write the comparison map of ``siting compare ... --map FILE``: each scenario's score as
    an exclusive layer, and a rank-change layer per scenario after the first (see
    :func:`rank_change_layers`), shown on opening, whose panel gives the agreement measures
    and the biggest movers. Clicking a region opens its card under the compared scenario;
    every card lists the region's rank under each scenario. Works offline like ``siting map``.
    """
    if lang not in T:
        raise SitingError(f"unknown language {lang!r}", fix="use ko or en")
    t = T[lang]
    results = list(cmp.results)
    changes = rank_change_layers(cmp, lang)
    sig = results[0].dataset.level == Level.SIGUNGU
    page = build_map(
        results,
        lang=lang,
        tiles=tiles,
        extra_layers=changes,
        title=t["title_compare_sigungu" if sig else "title_compare"],
        metric_results=[k + 1 for k in range(len(changes))],
        metric_overviews={
            k: _comparison_overview(cmp, k, f"m{k}", lang) for k in range(len(changes))
        },
        active=len(results),
    )
    return write_map(path, page)


# ============================================================================ robustness


def robustness_layer(
    result: Result,
    samples: int = 10_000,
    seed: int = 0,
    *,
    lang: str = "ko",
    concentration: float | None = 100.0,
    k: int = 3,
) -> MetricLayer:
    """P(top ``k``) per region under weights sampled around the scenario's
    (:func:`siting.analysis.sensitivity.monte_carlo`, the defaults of ``siting sensitivity``): a
    sequential 0–100 % layer; excluded regions are hatched. Deterministic for a seed."""
    t = T[lang]
    mc = monte_carlo(result, samples, seed, concentration)
    ptop = mc.p_top(k)
    vals: dict[str, float | None] = {c: None for c in result.regions}
    tips: dict[str, str] = {c: t["excluded"] for c in result.regions}
    for i, code in enumerate(mc.regions):
        vals[code] = round(float(ptop[i]), 6)
        tips[code] = t["p_top_tip"].format(
            p1=pct_text(float(mc.p_first[i])),
            med=num(float(mc.median_rank[i]), 1),
            lo=num(float(mc.rank_lo[i]), 1),
            hi=num(float(mc.rank_hi[i]), 1),
        )
    dist = (
        t["p_top_uniform"]
        if concentration is None
        else t["p_top_dirichlet"].format(c=f"{concentration:g}")
    )
    desc = t["p_top_desc"].format(n=f"{samples:,}", dist=dist, seed=seed)
    order = np.lexsort((np.array(mc.regions), -mc.p_first, -ptop))[:10]
    best = ", ".join(
        f"{result.dataset.region_name(mc.regions[i], lang)} {pct_text(float(ptop[i]))}"
        for i in order
        if ptop[i] > 0
    )
    name = t["p_top_name"] if k == 3 else f"P(top {k})"
    return MetricLayer(
        name=name,
        values=vals,
        description=desc,
        percent=True,
        domain=(0.0, 1.0),
        decimals=0,
        labels=tips,
        missing_pattern="excluded",
        missing_label=t["p_top_missing"],
        short=t["p_top_short"] if k == 3 else name,
        notes=(desc, t["robust_hint"], f"{name}: {best}" if best else ""),
        card=True,
    )
