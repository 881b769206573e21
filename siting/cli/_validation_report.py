"""The parts of ``siting backtest`` and ``siting fit-weights`` beyond one scenario's ranks:
baselines, forward-chaining and leave-one-out validation, all scenarios in one table,
per-group results and weight uncertainty."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import SitingError
from siting.outputs.report_backtest import (
    MEASURES,
    P_NOTE,
    Section,
    by_group_section,
    comparison_section,
    group_of,
    overview_row,
    render,
)

if TYPE_CHECKING:
    from siting.analysis.backtest import Backtest, Decision
    from siting.data.dataset import Dataset
    from siting.scenario.config import Scenario


def with_baselines(content: Any, bt: Backtest, ds: Dataset, fmt: str, by: Any) -> Any:
    """The backtest output followed by the baselines comparison (and per-group results)."""
    from siting.analysis.baselines import compare

    sections = [comparison_section(compare(ds, bt))]
    if by is not None:
        sections.append(by_group_section(bt, str(by.value)))
    if fmt == "json":
        import json

        data = json.loads(content)
        extra = json.loads(render(sections, "json"))
        return render([], "json", {**data, **extra})
    tail = render(sections, fmt)
    if isinstance(content, str):
        return content + "\n" + tail
    from rich.console import Group

    return Group(content, tail)


# ---------------------------------------------------------------------- all scenarios


def _bundled() -> list[tuple[str, str | None]]:
    """(name, own level) of every bundled scenario, by name."""
    from siting._paths import data_dir
    from siting.cli._app import state
    from siting.scenario.config import load_scenario

    root = data_dir(state().data)
    out = []
    for p in sorted((root / "scenarios").glob("*.yaml")):
        out.append((p.stem, load_scenario(p.stem, root).level))
    return out


def all_scenarios(decisions: Path | None, kinds: str | None, level: str | None, fmt: str) -> Any:
    """Every bundled scenario at each level it runs at, beside the baselines."""
    from siting.analysis.backtest import backtest
    from siting.analysis.baselines import compare
    from siting.cli.backtest import _setup

    levels = (level,) if level else ("sido", "sigungu")
    rows, notes = [], []
    for lv in levels:
        for name, own in _bundled():
            if own and own != lv:
                continue
            ds, sc, decs = _setup(name, decisions, kinds, lv)
            bt = backtest(ds, sc, decs)
            cmp = compare(ds, bt)
            rows.append(overview_row(cmp, lv, bt))
            notes.append(f"{lv}: {cmp.verdict}")
    notes.append(
        "scored/skipped: decisions the scenario could / could not score (leakage guard, "
        "unresolved place); common: decisions scored by the scenario and every baseline, on "
        "which hit@1, hit@3, MRR and the baseline MRRs are computed; p_mrr: exact or labelled "
        "Monte Carlo, null = rank uniform"
    )
    return render([Section("scenarios", "Scenarios vs naive baselines", rows, notes)], fmt)


# ---------------------------------------------------------------------- validation


def _prior(sc: Scenario, criteria: list[str]) -> np.ndarray:
    ew = sc.effective_weights()
    return np.array([ew[c] for c in criteria])


def _prepare(ds: Dataset, sc: Scenario, decs: list[Decision]):  # type: ignore[no-untyped-def]
    from siting.analysis.fit import decision_matrices, pairs_from

    if sc.method_name != "wsm":
        raise SitingError(
            "validation fits WSM weights", key="method", fix="use a wsm scenario (the default)"
        )
    mats = decision_matrices(ds, sc, decs)
    if not mats:
        raise SitingError("no decision can be scored", fix="check --kinds and the data dates")
    crit = list(sc.active_criteria)
    return mats, pairs_from(crit, mats), _prior(sc, crit)


def _pooled_section(ds: Dataset, val: Any, decs: list[Decision], sc: Scenario) -> Section:
    from siting.analysis.baselines import compare_items

    fitted = val.pooled_items
    ids = {it.decision for it in fitted}
    prior_items = [it for it in val.prior_items if it.decision in ids]
    cmp = compare_items(ds, {"fitted": fitted, f"prior ({sc.name})": prior_items}, decs, decs)
    sec = comparison_section(cmp, "Pooled out-of-sample result beside the baselines")
    sec.key = "pooled"
    return sec


def _group_rows(val: Any, decs: list[Decision], by: str) -> list[dict[str, Any]]:
    from siting.analysis.backtest import summarise

    group = {d.id: group_of(d, by) for d in decs}
    rows = []
    for g in sorted({group[it.decision] for it in val.pooled_items}):
        for label, its in (("fitted", val.pooled_items), ("prior", val.prior_items)):
            sel = [it for it in its if group[it.decision] == g]
            s = summarise(sel)
            rows.append(
                {
                    by: g,
                    "model": label,
                    "decisions": len({it.decision for it in sel}),
                    **{
                        k: getattr(s, k)
                        for k in ("hit1", "hit3", "mrr", "p_hit1", "p_hit3", "p_mrr")
                    },
                }
            )
    return rows


def validation_report(
    ds: Dataset,
    sc: Scenario,
    decs: list[Decision],
    method: str,
    regularization: float | None,
    by: Any,
    fmt: str,
) -> Any:
    """``siting backtest --validate forward|loo``."""
    from siting.analysis import validation as V

    mats, pairs, prior = _prepare(ds, sc, decs)
    lam, curve = V.choose_regularization(mats, pairs, prior)
    chosen = lam if regularization is None else regularization
    nested = method == "forward" and regularization is None
    val = (
        V.forward_chain(mats, pairs, prior, regularization)
        if method == "forward"
        else V.leave_one_out(mats, pairs, prior, chosen)
    )
    how = "chosen by forward-chaining validation" if regularization is None else "given"
    note = (
        "the folds below choose their own strength from their training decisions only "
        "(nested forward chaining; column regularization)"
        if nested
        else f"regularisation {chosen:g} ({how})"
    )
    sections = [
        Section(
            "regularization",
            "Regularisation strength (pooled forward-chaining result per value, all decisions)",
            curve,
            [f"on all decisions the best strength is {lam:g}", note],
        )
    ]
    if method == "forward":
        sections.append(
            Section(
                "folds",
                f"Forward-chaining folds: fit on decisions before the cut year, test on those "
                f"from it on (prior '{sc.name}')",
                [
                    {k: r[k] for k in ("cut_year", "train", "regularization", "model", *MEASURES)}
                    for r in val.folds
                ],
                [
                    "pooled: each decision once, fitted on every decision before its own year",
                    P_NOTE,
                ],
            )
        )
    else:
        sections.append(
            Section(
                "loo",
                "Leave one decision out (ranks of the left-out chosen regions)",
                val.detail,
                ["fits on all other decisions, later ones included: stability, not forecasting"],
            )
        )
    sections.append(
        Section(
            "pooled_all",
            "Pooled out-of-sample result on every decision tested (fitted vs prior)",
            [{k: r[k] for k in ("model", *MEASURES, "expected_mrr")} for r in val.pooled],
        )
    )
    sections.append(_pooled_section(ds, val, decs, sc))
    if by is not None:
        sections.append(
            Section(
                f"by_{by.value}", f"Pooled result by {by.value}", _group_rows(val, decs, by.value)
            )
        )
    skipped = len(decs) - len(mats)
    sections[-1].notes.append(
        f"{len(mats)} decisions scored, {skipped} skipped (no data known at the date or place "
        "not resolvable); run without --validate for the reasons"
    )
    return render(sections, fmt)


# ---------------------------------------------------------------------- fit-weights


def _fit_sections(
    ds: Dataset,
    sc: Scenario,
    decs: list[Decision],
    regularization: float | None,
    margin: float,
    draws: int,
    seed: int,
    label: str = "",
) -> tuple[list[Section], Any]:
    """Weights (with bootstrap intervals), the regularisation curve, the fit summary, the
    criteria the decisions cannot tell apart and the leave-one-out detail."""
    from siting.analysis import validation as V
    from siting.analysis.fit import fit_weights

    mats, pairs, prior = _prepare(ds, sc, decs)
    lam, curve = V.choose_regularization(mats, pairs, prior, margin=margin)
    chosen = lam if regularization is None else regularization
    fit = fit_weights(ds, sc, decs, chosen, margin)
    rows = fit.table()
    if draws > 0:
        ci = V.intervals(V.bootstrap_weights(pairs, prior, chosen, margin, draws, seed))
        for r, (lo, hi) in zip(rows, ci, strict=True):
            r["ci90_lo_pct"], r["ci90_hi_pct"] = round(100 * lo, 2), round(100 * hi, 2)
    how = "chosen by forward-chaining validation" if regularization is None else "given"
    tag = f" ({label})" if label else ""
    summary = {
        "decisions": len(mats),
        "regularization": chosen,
        "pairs": fit.pairs,
        "min_margin": fit.min_margin,
        "mean_margin": fit.mean_margin,
        "violated_pairs": fit.violated,
        **{f"in_sample_{k}": v for k, v in fit.in_sample.items()},
        **{f"loo_{k}": v for k, v in fit.loo.items()},
    }
    boot = f"90 % intervals from {draws} bootstrap resamples of the decisions (seed {seed})"
    sections = [
        Section(
            "weights",
            f"Weights fitted from '{sc.name}'{tag}",
            rows,
            [boot] if draws > 0 else [],
        ),
        Section(
            "regularization",
            f"Regularisation curve{tag}: pooled forward-chaining result per strength",
            curve,
            [f"regularisation {chosen:g} ({how})"],
        ),
        Section(
            "summary",
            f"Fit{tag} (margins in score points; beats_all = share of chosen regions that beat "
            "every alternative)",
            [{"measure": k, "value": v} for k, v in summary.items()],
        ),
        Section(
            "indistinguishable",
            f"Criteria the decisions cannot tell apart{tag}",
            V.indistinguishable(pairs),
            [f"{len(mats)} decisions; few decisions make this a hypothesis, not an estimate."],
        ),
        Section("leave_one_out", f"Leave one decision out{tag}", fit.loo_detail),
    ]
    return sections, fit


def fit_report(
    ds: Dataset,
    sc: Scenario,
    decs: list[Decision],
    regularization: float | None,
    margin: float,
    by: Any,
    draws: int,
    seed: int,
) -> tuple[list[Section], Any]:
    """All decisions, then (with ``by``) each sector or kind fitted on its own."""
    sections, fit = _fit_sections(ds, sc, decs, regularization, margin, draws, seed)
    if by is None:
        return sections, fit
    groups: dict[str, list[Decision]] = {}
    for d in decs:
        groups.setdefault(group_of(d, by.value), []).append(d)
    for g, sub in sorted(groups.items()):
        try:
            more, _ = _fit_sections(
                ds, sc, sub, regularization, margin, draws, seed, f"{by.value} {g}"
            )
        except SitingError as e:
            sections.append(
                Section(f"{by.value}_{g}", f"{by.value} {g}: not fitted ({e.message})", [])
            )
            continue
        for s in more:
            s.key = f"{by.value}_{g}_{s.key}"
        sections += more[:3]
    return sections, fit
