"""The result of scoring: scores, ranks, contributions, exclusions and provenance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from siting.data.dataset import describe_value
from siting.data.levels import Level
from siting.data.regions import RegionResolver
from siting.scenario.text import text

if TYPE_CHECKING:
    import pandas as pd

    from siting.data.dataset import Dataset, Indicator
    from siting.engine.transform import ValueFunction
    from siting.scenario.model import Scenario


@dataclass(frozen=True)
class CriterionInfo:
    id: str
    indicator: Indicator
    period: str
    weight_raw: float
    weight: float  # effective, sums to 1 over criteria
    value_function: ValueFunction
    missing: str
    rationale: str
    sources: list[str]
    coverage: int  # regions with data
    inherited: str = "use"  # policy for values inherited from the province: use|exclude|factor
    own_coverage: int = -1  # regions with a value of their own (-1: not computed)


@dataclass(frozen=True)
class Imputation:
    region: str
    criterion: str
    policy: str
    filled: float  # transformed score given to the missing value


@dataclass(frozen=True)
class Adjustment:
    region: str
    points: float  # signed
    reason: str
    constraint_id: str | None = None


@dataclass
class Result:
    """Everything one scoring run produced (arrays are indexed like ``regions`` x ``criteria``)."""

    scenario: Scenario
    dataset: Dataset
    regions: list[str]
    criteria: list[CriterionInfo]
    raw: np.ndarray
    transformed: np.ndarray
    imputed: np.ndarray
    base_score: np.ndarray
    adjustment: np.ndarray
    score: np.ndarray
    rank: np.ndarray
    tied: np.ndarray
    included: np.ndarray
    exclusions: dict[str, list[str]]
    overridden: dict[str, list[str]]
    forced: dict[str, str]
    forced_fills: list[Imputation]
    adjustments: list[Adjustment]
    warnings: list[str]
    method: str
    additive: bool
    higher_is_better: bool
    hash: str
    extra: dict[str, Any] = field(default_factory=dict)
    inherited: np.ndarray | None = None  # regions x criteria: the value is the province's
    discount: np.ndarray | None = None  # per criterion: factor on inherited scores (0 = excluded)

    # -------------------------------------------------------------- derived
    @property
    def imputations(self) -> list[Imputation]:
        """Every missing value the engine filled, with the policy used (region order)."""
        forced = {(f.region, f.criterion): f for f in self.forced_fills}
        out = []
        for i, j in zip(*np.nonzero(self.imputed), strict=True):
            key = (self.regions[i], self.criteria[j].id)
            out.append(
                forced.get(key)
                or Imputation(
                    key[0], key[1], self.criteria[j].missing, float(self.transformed[i, j])
                )
            )
        return out

    @property
    def weights(self) -> np.ndarray:
        return np.array([c.weight for c in self.criteria])

    @property
    def contributions(self) -> np.ndarray:
        """Points each criterion adds: 100 * w_j * v_ij. For WSM a row sums to the base score;
        for other methods it is the weighted value, shown for comparison only."""
        return 100.0 * self.transformed * self.weights[None, :]

    @property
    def coverage(self) -> np.ndarray:
        """Share of the weight that rests on real (not imputed) data, per region."""
        real = (~np.isnan(self.raw)).astype(float)
        return real @ self.weights

    @property
    def own_share(self) -> np.ndarray:
        """Per region, the share of the scenario's effective weight that rests on the region's
        own values: criteria whose value is inherited from the province (whatever the discount)
        or missing count in the total but not as own. All own at 시도 level."""
        n, m = self.raw.shape
        inh = self.inherited if self.inherited is not None else np.zeros((n, m), dtype=bool)
        w = self.weights[None, :]
        own = ~np.isnan(self.raw) & ~inh
        total = float(self.weights.sum())
        return (w * own).sum(axis=1) / total if total > 0 else np.zeros(n)

    @property
    def has_inherited(self) -> bool:
        return self.inherited is not None and bool(self.inherited.any())

    def own_share_mean(self) -> float:
        """The mean own-value share over the ranked regions (the scenario-wide figure)."""
        share = self.own_share[self.included]
        return float(share.mean()) if share.size else 0.0

    def index(self, region: str) -> int:
        return self.regions.index(region)

    def order(self) -> list[int]:
        """Region indices: ranked first (by rank, then code), excluded after (by code)."""
        codes = np.asarray(self.regions, dtype=str)
        ranked = self.rank > 0
        key = np.where(ranked, self.rank, np.iinfo(np.int64).max)
        # ranked regions by (rank, code); the others after them, by code
        return np.lexsort((codes, key, ~ranked)).tolist()

    def status(self, i: int) -> str:
        code = self.regions[i]
        if code in self.forced:
            return "forced"
        return "included" if self.included[i] else "excluded"

    def rank_label(self, i: int) -> str:
        if self.rank[i] == 0:
            return "-"
        return f"={self.rank[i]}" if self.tied[i] else str(self.rank[i])

    def reasons(self, i: int, lang: str = "en") -> list[str]:
        """Exclusions, forced inclusion and points of region ``i`` (constraint reasons given
        in two languages are written in ``lang``)."""
        out = self._reasons(i)
        return [self.scenario.localize(r, lang) for r in out]

    def _reasons(self, i: int) -> list[str]:
        code = self.regions[i]
        out = list(self.exclusions.get(code, []))
        if code in self.forced:
            out.append(f"forced inclusion: {self.forced[code]}")
            out += [f"(overridden) {r}" for r in self.overridden.get(code, [])]
        out += [f"{a.points:+g} points: {a.reason}" for a in self.adjustments if a.region == code]
        return out

    # -------------------------------------------------------------- tables
    def table(self, lang: str = "ko") -> pd.DataFrame:
        """One row per region in rank order."""
        import pandas as pd

        return pd.DataFrame(self.rows(lang))

    def to_frame(self, lang: str = "ko") -> pd.DataFrame:
        """One row per region in rank order, indexed by code: ``rank`` numeric (nullable Int64,
        <NA> for excluded regions), ``tied`` explicit, ``rank_label`` as printed (``=2``), scores,
        coverage and, per criterion, the points it adds (``points:<id>``)."""
        import pandas as pd

        order = self.order()
        frame = pd.DataFrame(self.rows(lang)).rename(columns={"rank": "rank_label"})
        frame.insert(0, "rank", pd.array([int(self.rank[i]) or None for i in order], "Int64"))
        frame.insert(1, "tied", [bool(self.tied[i]) for i in order])
        for j, c in enumerate(self.criteria):
            frame[f"points:{c.id}"] = [float(self.contributions[i, j]) for i in order]
        return frame.set_index("code")

    def _repr_html_(self) -> str:
        """The top of the ranking as an HTML table (Jupyter); every string escaped."""
        from html import escape

        head = "".join(f"<th>{escape(h)}</th>" for h in ("rank", "region", "score", "data %"))
        body = []
        for r in self.rows()[:20]:
            cells = (r["rank"], r["region"], r["score"], r["coverage_pct"])
            body.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
        caption = escape(f"scenario {self.scenario.name} · {self.method} · hash {self.hash}")
        return (
            f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def rows(self, lang: str = "ko") -> list[dict[str, Any]]:
        """:meth:`table` as records, without pandas (a missing score is NaN, as in the table,
        unless no region has one)."""
        rows = []
        cov = (100 * self.coverage).tolist()
        own = (100 * self.own_share).tolist() if self.by_units else None
        score, base, adj = self.score.tolist(), self.base_score.tolist(), self.adjustment.tolist()
        special = set(self.exclusions) | set(self.forced) | {a.region for a in self.adjustments}
        name = self.dataset.region_name
        for i in self.order():
            code = self.regions[i]
            s, b = score[i], base[i]
            rows.append(
                {
                    "rank": self.rank_label(i),
                    "code": code,
                    "region": name(code, lang),
                    "score": None if s != s else round(s, 2),
                    "base": None if b != b else round(b, 2),
                    "adjustment": round(adj[i], 2),
                    "coverage_pct": round(cov[i], 1),
                    **({"own_pct": round(own[i], 1)} if own is not None else {}),
                    "status": self.status(i),
                    "notes": "; ".join(self.reasons(i, lang)) if code in special else "",
                }
            )
        for col in ("score", "base"):
            if any(r[col] is not None for r in rows):
                for r in rows:
                    if r[col] is None:
                        r[col] = float("nan")
        return rows

    @property
    def by_units(self) -> bool:
        """Scored at 시군구 level, where values may be inherited from the province."""
        return self.dataset.level == Level.SIGUNGU

    def inherited_summary(self) -> str:
        """One line: how much of the weight rests on the units' own values, and the policies."""
        pol: dict[str, list[str]] = {}
        for c in self.criteria:
            if c.own_coverage < c.coverage or c.inherited != "use":
                pol.setdefault(c.inherited, []).append(c.id)
        parts = [f"{k}: {', '.join(v)}" for k, v in pol.items()]
        return (
            f"own values carry {100 * self.own_share_mean():.1f} % of the effective weight "
            f"(mean over {int(self.included.sum())} ranked units); inherited values — "
            + ("; ".join(parts) if parts else "none")
        )

    def weights_table(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": c.id,
                "name_ko": c.indicator.name_ko,
                "name_en": c.indicator.name_en,
                "period": c.period,
                "weight": c.weight_raw,
                "effective_pct": round(100 * c.weight, 2),
                "value_function": c.value_function.describe(),
                "missing": c.missing,
                "coverage": f"{c.coverage}/{len(self.regions)}",
                **(
                    {
                        "own_coverage": f"{c.own_coverage}/{len(self.regions)}",
                        "inherited": c.inherited,
                    }
                    if self.by_units
                    else {}
                ),
            }
            for c in self.criteria
        ]

    def explain(self, region: str, lang: str = "en") -> dict[str, Any]:
        """Everything behind one region's score, JSON-ready; ``region`` as a code or any name
        the CLI accepts (경북, Gyeongbuk; 포항, 경북 포항시 at 시군구 level)."""
        if region not in self.regions:
            region = RegionResolver(self.dataset).resolve(region)
        return self.explain_many([region], lang)[0]

    def explain_many(
        self, regions: Sequence[str] | None = None, lang: str = "en", observations: bool = True
    ) -> list[dict[str, Any]]:
        """:meth:`explain` for several region codes (default: all, in region order) in one
        pass: the arrays and the criteria's texts are computed once. ``observations=False``
        leaves out ``other_observations`` (the map's cards do not show them)."""
        idx = range(len(self.regions)) if regions is None else map(self.index, regions)
        ds = self.dataset
        score, base = self.score.tolist(), self.base_score.tolist()
        adj = self.adjustment.tolist()
        cov = (100 * self.coverage).tolist()
        own = (100 * self.own_share).tolist() if self.by_units else None
        ranked = int((self.rank > 0).sum())
        crit = _CriterionColumns(self, lang)
        out = []
        for i in idx:
            region = self.regions[i]
            s, b = score[i], base[i]
            out.append(
                {
                    "region": region,
                    "name_ko": ds.region_name(region, "ko", short=False),
                    "name_en": ds.region_name(region, "en", short=False),
                    "rank": int(self.rank[i]),
                    "rank_label": self.rank_label(i),
                    "ranked_regions": ranked,
                    "score": None if s != s else round(s, 3),
                    "base_score": None if b != b else round(b, 3),
                    "adjustment": adj[i],
                    "coverage_pct": round(cov[i], 1),
                    **({"own_pct": round(own[i], 1)} if own is not None else {}),
                    "status": self.status(i),
                    "reasons": self.reasons(i, lang),
                    "method": self.method,
                    "additive": self.additive,
                    "criteria": crit.rows(i, observations),
                    "scenario": self.scenario.name,
                    "hash": self.hash,
                }
            )
        return out

    def meta(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "description": text(self.scenario.description, "en").strip(),
            "method": self.method,
            "hash": self.hash,
            "data_vintage": self.dataset.vintage,
            "scenario_files": self.scenario.chain,
        }

    def to_dict(self, lang: str = "ko") -> dict[str, Any]:
        tab = self.table(lang)
        return {
            **self.meta(),
            **(
                {
                    "own_share_pct": round(100 * self.own_share_mean(), 1),
                    "inherited_policy": self.scenario.inherited or "use",
                }
                if self.by_units
                else {}
            ),
            "weights": self.weights_table(),
            "ranking": tab.to_dict(orient="records"),
            "imputations": [i.__dict__ for i in self.imputations],
            "warnings": list(self.warnings),
        }


class _CriterionColumns:
    """The per-criterion part of :meth:`Result.explain_many`: arrays as lists and the
    criteria's own texts, made once for every region of the batch."""

    def __init__(self, result: Result, lang: str) -> None:
        self.result, self.ds = result, result.dataset
        self.raw = result.raw.tolist()
        self.transformed = result.transformed.tolist()
        self.imputed = result.imputed.tolist()
        self.contrib = result.contributions.tolist()
        by_units = result.by_units
        self.static = [
            {
                "criterion": c.id,
                "name_ko": c.indicator.name_ko,
                "name_en": c.indicator.name_en,
                "unit": c.indicator.unit,
                "period": c.period,
                "missing_policy": c.missing,
                "weight_pct": round(100 * c.weight, 2),
                "value_function": c.value_function.describe(lang),
                **({"inherited_policy": c.inherited} if by_units else {}),
            }
            for c in result.criteria
        ]

    def rows(self, i: int, observations: bool) -> list[dict[str, Any]]:
        """Region ``i``'s criteria: value, score, points and the evidence behind them."""
        ds, region = self.ds, self.result.regions[i]
        raw, tr, imp, contrib = self.raw[i], self.transformed[i], self.imputed[i], self.contrib[i]
        out = []
        for j, c in enumerate(self.result.criteria):
            st = self.static[j]
            val = ds.lookup(region, c.id, c.period)
            x, t = raw[j], tr[j]
            scored = t == t
            row = {
                **{k: st[k] for k in ("criterion", "name_ko", "name_en", "unit", "period")},
                "raw": None if x != x else x,
                "transformed": round(t, 4) if scored else None,
                "imputed": bool(imp[j]),
                "missing_policy": st["missing_policy"],
                "weight_pct": st["weight_pct"],
                "contribution": round(contrib[j], 3) if scored else None,
                "value_function": st["value_function"],
                "evidence": describe_value(ds, val) if val else None,
                "inherited_from": (
                    ds.parent.region_name(val.inherited)
                    if val and val.inherited and ds.parent is not None
                    else None
                ),
                **(
                    {"inherited_policy": st["inherited_policy"]} if "inherited_policy" in st else {}
                ),
            }
            if observations:
                row["other_observations"] = [
                    describe_value(ds, v) for v in ds.observations(region, c.id) if v is not val
                ]
            out.append(row)
        return out
