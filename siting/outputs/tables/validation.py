"""Report sections of ``siting backtest --validate``, ``--all-scenarios`` and ``siting fit-weights``
(built from what :mod:`siting.api` computed; rendered by :func:`report_backtest.render`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from siting.analysis.backtest import summarise
from siting.outputs.report_backtest import (
    MEASURES,
    P_NOTE,
    Section,
    comparison_section,
    group_of,
    overview_row,
)

if TYPE_CHECKING:
    from siting.analysis.backtest import Backtest, Decision
    from siting.analysis.baselines import Comparison
    from siting.analysis.fit import Fit
    from siting.analysis.validation import Validation


@dataclass
class Strength:
    """The regularisation strength: the best on all decisions, its curve, and the one used."""

    best: float
    curve: list[dict[str, Any]]
    given: float | None  # -r, or None when chosen by validation

    @property
    def used(self) -> float:
        return self.best if self.given is None else self.given

    @property
    def how(self) -> str:
        return "chosen by forward-chaining validation" if self.given is None else "given"


def overview_section(runs: list[tuple[str, Backtest, Comparison]]) -> Section:
    """``--all-scenarios``: one row per (level, scenario) beside the baselines."""
    rows = [overview_row(cmp, level, bt) for level, bt, cmp in runs]
    notes = [f"{level}: {cmp.verdict}" for level, _, cmp in runs]
    notes.append(
        "scored/skipped: decisions the scenario could / could not score (leakage guard, "
        "unresolved place); common: decisions scored by the scenario and every baseline, on "
        "which hit@1, hit@3, MRR and the baseline MRRs are computed; p_mrr: exact or labelled "
        "Monte Carlo, null = rank uniform"
    )
    return Section("scenarios", "Scenarios vs naive baselines", rows, notes)


def _group_rows(val: Validation, decs: list[Decision], by: str) -> list[dict[str, Any]]:
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


def _method_section(method: str, val: Validation, prior: str) -> Section:
    if method == "forward":
        return Section(
            "folds",
            f"Forward-chaining folds: fit on decisions before the cut year, test on those "
            f"from it on (prior '{prior}')",
            [
                {k: r[k] for k in ("cut_year", "train", "regularization", "model", *MEASURES)}
                for r in val.folds
            ],
            ["pooled: each decision once, fitted on every decision before its own year", P_NOTE],
        )
    return Section(
        "loo",
        "Leave one decision out (ranks of the left-out chosen regions)",
        val.detail,
        ["fits on all other decisions, later ones included: stability, not forecasting"],
    )


def validation_sections(
    method: str,
    strength: Strength,
    val: Validation,
    pooled: Comparison,
    decs: list[Decision],
    scored: int,
    prior: str,
    by: str | None,
) -> list[Section]:
    """``siting backtest --validate forward|loo``: the strength, the folds (or leave-one-out
    detail), the pooled result, beside the baselines, and per group."""
    nested = method == "forward" and strength.given is None
    note = (
        "the folds below choose their own strength from their training decisions only "
        "(nested forward chaining; column regularization)"
        if nested
        else f"regularisation {strength.used:g} ({strength.how})"
    )
    pooled_sec = comparison_section(pooled, "Pooled out-of-sample result beside the baselines")
    pooled_sec.key = "pooled"
    sections = [
        Section(
            "regularization",
            "Regularisation strength (pooled forward-chaining result per value, all decisions)",
            strength.curve,
            [f"on all decisions the best strength is {strength.best:g}", note],
        ),
        _method_section(method, val, prior),
        Section(
            "pooled_all",
            "Pooled out-of-sample result on every decision tested (fitted vs prior)",
            [{k: r[k] for k in ("model", *MEASURES, "expected_mrr")} for r in val.pooled],
        ),
        pooled_sec,
    ]
    if by is not None:
        sections.append(Section(f"by_{by}", f"Pooled result by {by}", _group_rows(val, decs, by)))
    sections[-1].notes.append(
        f"{scored} decisions scored, {len(decs) - scored} skipped (no data known at the date or "
        "place not resolvable); run without --validate for the reasons"
    )
    return sections


def fit_sections(
    prior: str,
    fit: Fit,
    strength: Strength,
    scored: int,
    intervals: list[tuple[float, float]] | None,
    bootstrap: tuple[int, int],
    indistinguishable: list[dict[str, Any]],
    label: str = "",
) -> list[Section]:
    """Weights (with bootstrap intervals), the regularisation curve, the fit summary, the
    criteria the decisions cannot tell apart and the leave-one-out detail."""
    rows = fit.table()
    draws, seed = bootstrap
    if intervals is not None:
        for r, (lo, hi) in zip(rows, intervals, strict=True):
            r["ci90_lo_pct"], r["ci90_hi_pct"] = round(100 * lo, 2), round(100 * hi, 2)
    tag = f" ({label})" if label else ""
    summary = {
        "decisions": scored,
        "regularization": strength.used,
        "pairs": fit.pairs,
        "min_margin": fit.min_margin,
        "mean_margin": fit.mean_margin,
        "violated_pairs": fit.violated,
        **{f"in_sample_{k}": v for k, v in fit.in_sample.items()},
        **{f"loo_{k}": v for k, v in fit.loo.items()},
    }
    boot = f"90 % intervals from {draws} bootstrap resamples of the decisions (seed {seed})"
    return [
        Section(
            "weights",
            f"Weights fitted from '{prior}'{tag}",
            rows,
            [boot] if intervals is not None else [],
        ),
        Section(
            "regularization",
            f"Regularisation curve{tag}: pooled forward-chaining result per strength",
            strength.curve,
            [f"regularisation {strength.used:g} ({strength.how})"],
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
            indistinguishable,
            [f"{scored} decisions; few decisions make this a hypothesis, not an estimate."],
        ),
        Section("leave_one_out", f"Leave one decision out{tag}", fit.loo_detail),
    ]


def group_sections(by: str, group: str, sections: list[Section]) -> list[Section]:
    """A group's own fit (``--by``): its weights, curve and summary, keys prefixed."""
    for s in sections:
        s.key = f"{by}_{group}_{s.key}"
    return sections[:3]


def not_fitted_section(by: str, group: str, why: str) -> Section:
    return Section(f"{by}_{group}", f"{by} {group}: not fitted ({why})", [])
