"""Choropleth layers of the map model: one per result (score) and one per
:class:`~siting.outputs.maps.model.MetricLayer`, each with its styles, tooltips, labels,
legend and ranked table."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from siting.data.levels import Level
from siting.engine.aggregate import BUILTIN
from siting.outputs.maps.model import (
    Gradient,
    LayerView,
    Legend,
    LegendRow,
    MetricLayer,
    Table,
    TableRow,
    Tick,
)
from siting.outputs.maps.style import (
    DIVERGING,
    NO_DATA_FILL,
    SEQUENTIAL,
    T,
    gradient_css,
    method_name,
    num,
    ramp_color,
    score_text,
)

if TYPE_CHECKING:
    from siting.data.dataset import Dataset
    from siting.engine.result import Result

__all__ = ["metric_layer", "region_word", "result_layer"]


def region_word(ds: Dataset, lang: str) -> str:
    t = T[lang]
    return t["region_sigungu"] if ds.level == Level.SIGUNGU else t["region"]


def _score_domain(result: Result) -> tuple[float, float, bool]:
    """(lo, hi, fixed): builtin methods are on 0-100; others use the observed range."""
    if result.method in BUILTIN:
        return 0.0, 100.0, True
    s = result.score[~np.isnan(result.score)]
    if s.size == 0:
        return 0.0, 1.0, False
    lo, hi = float(s.min()), float(s.max())
    return lo, (hi if hi > lo else lo + 1.0), False


def gradient(
    stops: Sequence[str],
    ticks: Sequence[float],
    lo: float,
    hi: float,
    fmt: Callable[[float], str] | None = None,
) -> Gradient:
    """A colour ramp with its tick labels (a label at either end is aligned inwards)."""
    fmt = fmt or (lambda v: num(round(v, 1), 1))
    eps = 1e-9 * max(1.0, abs(hi - lo))

    def align(v: float, text: str) -> str:
        if len(text) <= 1:
            return ""
        return "first" if abs(v - lo) < eps else ("last" if abs(v - hi) < eps else "")

    out = []
    for v in ticks:
        text = fmt(v)
        out.append(Tick(text, 100 * (v - lo) / (hi - lo), align(v, text)))
    return Gradient(gradient_css(stops), tuple(out))


def _common_rows(ds: Dataset, lang: str, top: int | None, badge: str) -> list[LegendRow]:
    """The legend lines after the layer's own: the top-n badge and the 시도 outline."""
    t = T[lang]
    rows = []
    if top is not None:
        key = "legend_top" if badge else "legend_top_metric"
        cls = "st-legend-badge" + ("" if badge else " st-legend-badge-plain")
        rows.append(LegendRow(cls, t[key].format(n=top), badge))
    if ds.level == Level.SIGUNGU:
        rows.append(LegendRow("st-sw st-sw-sido", t["legend_sido"]))
    return rows


# ---------------------------------------------------------------------------- results


def _result_region(result: Result, i: int, lang: str, lo: float, hi: float) -> tuple:
    """(style, tooltip lines, label) of region ``i`` under ``result``."""
    t = T[lang]
    code = result.regions[i]
    name = result.dataset.region_name(code, lang)
    s = float(result.score[i])
    status = result.status(i)
    loc = result.scenario.localize
    if status == "excluded" or np.isnan(s):
        reasons = [loc(r, lang) for r in result.exclusions.get(code, [])] or [t["no_score"]]
        style = {"color": NO_DATA_FILL, "pattern": "excluded"}
        return style, [name, t["excluded"], *reasons[:2]], t["excluded"]
    frac = (s - lo) / (hi - lo)
    if not result.higher_is_better:
        frac = 1 - frac
    rank = t["rank_fmt"].format(r=result.rank_label(i))
    tip = [
        name,
        f"{rank} · {t['score_fmt'].format(s=score_text(s))}",
        f"{t['coverage_long']} {100 * float(result.coverage[i]):.0f} %",
    ]
    if status == "forced":
        tip.append(f"{t['forced']}: {loc(result.forced[code], lang)}")
    tip += [
        f"{a.points:+g} · {loc(a.reason, lang).split(' (')[0]}"
        for a in result.adjustments
        if a.region == code
    ]
    label = score_text(s) + ("*" if result.imputed[i].any() else "")
    return {"color": ramp_color(SEQUENTIAL, frac), "pattern": None}, tip, label


def result_layer(
    result: Result, key: str, index: int, lang: str, top: int | None = None
) -> LayerView:
    """The choropleth of one result. ``top``: label only the ``top`` best-ranked regions
    (with their rank as a badge); None labels every region."""
    lo, hi, fixed = _score_domain(result)
    styles, tips, labels = {}, {}, {}
    for i, code in enumerate(result.regions):
        styles[code], tips[code], labels[code] = _result_region(result, i, lang, lo, hi)
    order: list[str] = []
    badge: dict[str, str] = {}
    if top is not None:
        order = [result.regions[i] for i in result.order() if result.rank[i] > 0][:top]
        badge = {c: str(int(result.rank[result.index(c)])) for c in order}
        labels = {c: labels[c] for c in order}
    return LayerView(
        key,
        result.scenario.name or "scenario",
        "result",
        index,
        styles,
        tips,
        labels,
        _result_legend(result, lang, lo, hi, fixed, top),
        _result_table(result, key, lang, styles),
        order=order,
        badge=badge,
    )


def _result_legend(
    result: Result, lang: str, lo: float, hi: float, fixed: bool, top: int | None
) -> Legend:
    t = T[lang]
    if fixed:
        title = t["legend_scale"] if result.higher_is_better else t["legend_scale_low"]
        ticks = [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    else:
        title = t["legend_scale_free"] if result.higher_is_better else t["legend_scale_low"]
        ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    stops = SEQUENTIAL if result.higher_is_better else tuple(reversed(SEQUENTIAL))
    method = t["legend_method"].format(
        method=method_name(result.method, lang),
        n=len(result.criteria),
        name=result.scenario.name or "",
    )
    rows = []
    if result.imputed.any():
        rows.append(LegendRow("st-legend-star", t["legend_imputed"], "*"))
    if any(result.status(i) == "excluded" for i in range(len(result.regions))):
        rows.append(LegendRow("st-sw st-sw-excluded", t["legend_excluded"]))
    rows += _common_rows(result.dataset, lang, top, "1")
    return Legend(title, gradient(stops, ticks, lo, hi), method, rows=tuple(rows))


def _result_table(result: Result, key: str, lang: str, styles: dict) -> Table:
    t = T[lang]
    ds = result.dataset
    rows = []
    for i in result.order():
        code = result.regions[i]
        excluded = result.status(i) == "excluded"
        rows.append(
            TableRow(
                code=code,
                rank=result.rank_label(i),
                name=ds.region_name(code, lang),
                value=t["excluded"] if excluded else score_text(float(result.score[i])),
                color=None if excluded else styles[code]["color"],
                swatch="st-sw-excluded" if excluded else "",
                excluded=excluded,
                coverage=f"{100 * float(result.coverage[i]):.0f}%",
                imputed=bool(result.imputed[i].any()),
            )
        )
    return Table(
        key,
        region_word(ds, lang),
        t["score"],
        tuple(rows),
        metric=False,
        rank_head=t["rank"],
        coverage_head=t["coverage"],
        imputed_title=t["legend_imputed"],
    )


# ---------------------------------------------------------------------------- metrics


def _values(m: MetricLayer, codes: Sequence[str]) -> dict[str, float | None]:
    vals: dict[str, float | None] = {}
    for c in codes:
        v = m.values.get(c)
        vals[c] = None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
    return vals


def _metric_domain(m: MetricLayer, present: Sequence[float]) -> tuple[float, float]:
    if m.domain is not None:
        lo, hi = m.domain
    elif m.diverging:
        span = max((abs(v - m.center) for v in present), default=1.0) or 1.0
        lo, hi = m.center - span, m.center + span
    elif m.percent:
        lo, hi = 0.0, 1.0
    else:
        lo, hi = (min(present), max(present)) if present else (0.0, 1.0)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def _metric_ticks(m: MetricLayer, present: Sequence[float], lo: float, hi: float) -> list[float]:
    if m.diverging and all(float(v).is_integer() for v in present):
        half = (hi - lo) / 2
        step = max(1, math.ceil(half / 2))
        return sorted({m.center + k * step for k in range(-2, 3) if abs(k * step) <= half})
    return [lo + (hi - lo) * k / 4 for k in range(5)]


def metric_layer(
    m: MetricLayer,
    key: str,
    codes: Sequence[str],
    ds: Dataset,
    lang: str,
    result_index: int,
    top: int | None = None,
) -> LayerView:
    """A metric as a choropleth. ``top``: label only the ``top`` most notable regions (the
    highest values, or the farthest from the centre of a diverging metric)."""
    t = T[lang]
    vals = _values(m, codes)
    present = [v for v in vals.values() if v is not None]
    lo, hi = _metric_domain(m, present)
    stops = DIVERGING if m.diverging else SEQUENTIAL
    if not m.higher_is_better:
        stops = tuple(reversed(stops))
    styles, tips, labels = {}, {}, {}
    for c in codes:
        styles[c], tips[c], labels[c] = _metric_region(m, c, vals[c], ds, lang, stops, lo, hi)
    rows = []
    if any(v is None for v in vals.values()):
        rows.append(
            LegendRow(f"st-sw {_missing_class(m)}", m.missing_label or t["legend_no_value"])
        )
    rows += _common_rows(ds, lang, top, "")
    legend = Legend(
        m.name,
        gradient(stops, _metric_ticks(m, present, lo, hi), lo, hi, fmt=m.format),
        m.description,
        ends=m.ends if any(m.ends) else ("", ""),
        rows=tuple(rows),
    )
    order = sorted(codes, key=lambda c: _sort_key(m, vals, c))
    chosen = _notable(m, vals, order, codes, lo, hi)[:top] if top is not None else []
    if top is not None:
        labels = {c: labels[c] for c in chosen}
    table = _metric_table(m, key, ds, lang, order, vals, styles)
    return LayerView(
        key, m.name, "metric", result_index, styles, tips, labels, legend, table, order=chosen
    )


def _metric_region(
    m: MetricLayer,
    c: str,
    v: float | None,
    ds: Dataset,
    lang: str,
    stops: Sequence[str],
    lo: float,
    hi: float,
) -> tuple:
    """(style, tooltip lines, label) of region ``c`` under metric ``m``."""
    extra = [m.labels[c]] if c in m.labels else []
    text = T[lang]["legend_no_value"] if v is None else m.format(v)
    tip = [ds.region_name(c, lang), f"{m.name}: {text}", *extra]
    if v is None:
        return {"color": NO_DATA_FILL, "pattern": m.missing_pattern}, tip, "—"
    frac = (min(max(v, lo), hi) - lo) / (hi - lo)
    return {"color": ramp_color(stops, frac), "pattern": None}, tip, text


def _missing_class(m: MetricLayer) -> str:
    return "st-sw-excluded" if m.missing_pattern == "excluded" else "st-sw-missing"


def _sort_key(m: MetricLayer, vals: dict[str, float | None], c: str) -> tuple[bool, float, str]:
    v = vals[c]
    if v is None:
        return (True, 0.0, c)
    return (False, -v if m.higher_is_better else v, c)


def _notable(
    m: MetricLayer,
    vals: dict[str, float | None],
    order: Sequence[str],
    codes: Sequence[str],
    lo: float,
    hi: float,
) -> list[str]:
    """Regions worth a label: farthest from the centre (diverging), else the highest values
    (not those at the bottom of the scale)."""
    if m.diverging:
        return sorted(
            (c for c in codes if vals[c] is not None and vals[c] != m.center),
            key=lambda c: (-abs(vals[c] - m.center), c),  # type: ignore[operator]
        )
    floor = lo + 0.005 * (hi - lo)
    return [c for c in order if vals[c] is not None and (vals[c] or 0) > floor]


def _metric_table(
    m: MetricLayer,
    key: str,
    ds: Dataset,
    lang: str,
    order: Sequence[str],
    vals: dict[str, float | None],
    styles: dict,
) -> Table:
    rows = []
    for k, c in enumerate(order):
        none = vals[c] is None
        rows.append(
            TableRow(
                code=c,
                rank="-" if none else str(k + 1),
                name=ds.region_name(c, lang),
                value=m.format(vals[c]),
                color=None if none else styles[c]["color"],
                swatch=_missing_class(m) if none else "",
                excluded=none,
            )
        )
    return Table(key, region_word(ds, lang), m.short or m.name, tuple(rows), metric=True)
