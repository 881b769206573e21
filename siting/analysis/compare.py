"""Compare rankings between scenarios: rank changes, agreement measures, biggest movers.

Agreement is measured over the regions ranked in both scenarios, re-ranked 1..n among
themselves: Kendall's tau-b and Spearman's rho (scipy.stats conventions), the weighted Spearman
coefficient r_w (Pinto da Costa & Soares 2005, more weight on the top) and the WS rank
similarity coefficient (Salabun & Urbaniak 2020, asymmetric: the first scenario is the reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._errors import SitingError
from siting._frames import Tabular
from siting.engine.ranking import rank_bounds

if TYPE_CHECKING:
    from siting.engine.result import Result


def _average_ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties averaged (higher score = rank 1; scipy's ``rankdata`` "average")."""
    low, high = rank_bounds(scores, decimals=None)
    return (low + high) / 2


# Kendall and Spearman in numpy rather than scipy.stats: importing scipy.stats costs about 0.6 s
# per `siting compare` (0.44 s -> 1.07 s measured, issue 15 asks <= 1.3x `import pandas`);
# tests/test_compare.py checks both against scipy.stats, with ties.
def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> float:
    """Kendall's tau-b between two rank vectors (handles ties)."""
    n = len(x)
    if n < 2:
        return float("nan")
    i, j = np.triu_indices(n, k=1)
    dx = np.sign(x[i] - x[j])
    dy = np.sign(y[i] - y[j])
    s = float(np.sum(dx * dy))
    tx = float(np.sum(dx != 0))
    ty = float(np.sum(dy != 0))
    return s / np.sqrt(tx * ty) if tx and ty else float("nan")


def spearman_rho(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: the Pearson correlation of the (average) ranks."""
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def weighted_spearman(x: np.ndarray, y: np.ndarray) -> float:
    """r_w: Spearman weighted towards the top of the ranking."""
    n = len(x)
    num = 6 * np.sum((x - y) ** 2 * ((n - x + 1) + (n - y + 1)))
    den = n**4 + n**3 - n**2 - n
    return float(1 - num / den) if den else float("nan")


def ws_similarity(x: np.ndarray, y: np.ndarray) -> float:
    """WS coefficient: similarity of ranking y to the reference ranking x (top-weighted)."""
    n = len(x)
    d = np.maximum(np.abs(1 - x), np.abs(n - x))
    d = np.where(d == 0, 1, d)
    return float(1 - np.sum(2.0 ** (-x) * np.abs(x - y) / d))


@dataclass
class PairStats:
    a: str
    b: str
    common: int
    kendall_tau: float
    spearman_rho: float
    weighted_spearman: float
    ws_similarity: float
    top_k_overlap: dict[int, float]
    same_top: bool
    only_in_a: list[str]
    only_in_b: list[str]


@dataclass
class Mover:
    scenario: str  # the scenario compared with the first one
    region: str
    rank_a: int
    rank_b: int
    change: int  # positive = moved up in b
    drivers: list[tuple[str, float]]  # criterion (or 'adjustments'), points change


@dataclass
class Comparison(Tabular):
    results: list[Result]
    pairs: list[PairStats]
    movers: list[Mover]
    top_k: tuple[int, ...] = (3, 5)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [r.scenario.name or "?" for r in self.results]

    def table(self, lang: str = "ko") -> list[dict[str, Any]]:
        """One row per region: rank and score under each scenario, change vs the first."""
        base = self.results[0]
        ds = base.dataset
        rows = []
        for i, code in enumerate(base.regions):
            row: dict[str, Any] = {"code": code, "region": ds.region_name(code, lang)}
            for r, name in zip(self.results, self.names, strict=True):
                row[f"rank:{name}"] = r.rank_label(i)
                row[f"score:{name}"] = None if np.isnan(r.score[i]) else round(float(r.score[i]), 2)
            for r, name in zip(self.results[1:], self.names[1:], strict=True):
                a, b = base.rank[i], r.rank[i]
                row[f"change:{name}"] = None if not (a and b) else int(a - b)
            rows.append(row)

        def key(row: dict[str, Any]) -> tuple[int, str]:
            rk = base.rank[base.regions.index(row["code"])]
            return (rk if rk else 10**9, row["code"])

        return sorted(rows, key=key)

    frame_index = "code"

    def frame_rows(self, lang: str = "ko") -> list[dict[str, Any]]:
        """:meth:`table` with numeric ranks (None: not ranked) and a ``tied:<name>`` column."""
        rows = self.table(lang)
        for row in rows:
            for r, name in zip(self.results, self.names, strict=True):
                i = r.index(row["code"])
                row[f"rank:{name}"] = int(r.rank[i]) or None
                row[f"tied:{name}"] = bool(r.tied[i])
        return rows

    def to_dict(self, lang: str = "ko") -> dict[str, Any]:
        return {
            "scenarios": [r.meta() for r in self.results],
            "table": self.table(lang),
            "agreement": [p.__dict__ for p in self.pairs],
            "biggest_movers": [m.__dict__ for m in self.movers],
        }


def _pair(a: Result, b: Result, top_k: tuple[int, ...]) -> PairStats:
    both = np.flatnonzero((a.rank > 0) & (b.rank > 0))
    ra = _average_ranks(a.score[both])
    rb = _average_ranks(b.score[both])
    overlap = {}
    for k in top_k:
        ta = {a.regions[i] for i in np.flatnonzero((a.rank > 0) & (a.rank <= k))}
        tb = {b.regions[i] for i in np.flatnonzero((b.rank > 0) & (b.rank <= k))}
        overlap[k] = len(ta & tb) / k
    top_a = {a.regions[i] for i in np.flatnonzero(a.rank == 1)}
    top_b = {b.regions[i] for i in np.flatnonzero(b.rank == 1)}
    return PairStats(
        a=a.scenario.name or "a",
        b=b.scenario.name or "b",
        common=int(both.size),
        kendall_tau=round(kendall_tau_b(ra, rb), 6),
        spearman_rho=round(spearman_rho(ra, rb), 6),
        weighted_spearman=round(weighted_spearman(ra, rb), 6),
        ws_similarity=round(ws_similarity(ra, rb), 6),
        top_k_overlap=overlap,
        same_top=top_a == top_b,
        only_in_a=[a.regions[i] for i in np.flatnonzero((a.rank > 0) & (b.rank == 0))],
        only_in_b=[b.regions[i] for i in np.flatnonzero((a.rank == 0) & (b.rank > 0))],
    )


def _drivers(a: Result, b: Result, i: int, n: int = 3) -> list[tuple[str, float]]:
    """Criteria whose contribution (points) moved region i most in the direction it moved."""
    ca = {c.id: float(a.contributions[i, j]) for j, c in enumerate(a.criteria)}
    cb = {c.id: float(b.contributions[i, j]) for j, c in enumerate(b.criteria)}
    delta = {k: cb.get(k, 0.0) - ca.get(k, 0.0) for k in set(ca) | set(cb)}
    adj = float(b.adjustment[i] - a.adjustment[i])
    if adj:
        delta["adjustments"] = adj
    up = 1.0 if b.rank[i] < a.rank[i] else -1.0
    ranked = sorted(delta.items(), key=lambda kv: (-kv[1] * up, kv[0]))
    return [(k, round(v, 2)) for k, v in ranked[:n] if v * up >= 0.005]


def compare(results: list[Result], top_k: tuple[int, ...] = (3, 5), movers: int = 5) -> Comparison:
    """Compare each scenario with the first one."""
    if len(results) < 2:
        raise SitingError(
            "compare needs at least two scenarios", fix="siting compare base power-first"
        )
    base = results[0]
    pairs = [_pair(base, r, top_k) for r in results[1:]]
    mv: list[Mover] = []
    for r in results[1:]:
        for i in range(len(base.regions)):
            if base.rank[i] and r.rank[i] and base.rank[i] != r.rank[i]:
                mv.append(
                    Mover(
                        r.scenario.name or "?",
                        base.regions[i],
                        int(base.rank[i]),
                        int(r.rank[i]),
                        int(base.rank[i] - r.rank[i]),
                        _drivers(base, r, i),
                    )
                )
    mv.sort(key=lambda m: (-abs(m.change), m.region))
    per: dict[str, int] = {}
    chosen = []
    for m in mv:
        if per.get(m.scenario, 0) < movers:
            chosen.append(m)
            per[m.scenario] = per.get(m.scenario, 0) + 1
    return Comparison(results, pairs, chosen, top_k)
