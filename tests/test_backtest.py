"""Backtest and weight fitting: exact statistics, leakage guard, recovery of known weights."""

from __future__ import annotations

import csv
import itertools
from datetime import date
from fractions import Fraction

import numpy as np
import pytest

from siting._errors import SitingError
from siting.analysis.backtest import (
    Decision,
    backtest,
    guarded_scenario,
)
from siting.analysis.fit import build_pairs, fit_weights, objective, solve
from siting.analysis.rank_tests import poisson_binomial_tail, reciprocal_rank_tail
from siting.data.dataset import Indicator, Value

from .conftest import make_dataset, make_scenario


def decision(
    i: int, chosen: list[str], rivals: list[str] | None = None, when: date = date(2026, 6, 1)
) -> Decision:
    return Decision(
        f"d{i}",
        f"project {i}",
        "org",
        when,
        when.isoformat(),
        "ai_datacenter",
        chosen,
        rivals or [],
        "s",
    )


def test_poisson_binomial_matches_enumeration() -> None:
    ps = [0.1, 0.5, 0.25, 1 / 3]
    for k in range(6):
        brute = sum(
            np.prod([p if o else 1 - p for p, o in zip(ps, outcome, strict=True)])
            for outcome in itertools.product([0, 1], repeat=len(ps))
            if sum(outcome) >= k
        )
        assert poisson_binomial_tail(ps, k) == pytest.approx(brute, abs=1e-12)


def test_reciprocal_rank_tail_matches_enumeration() -> None:
    ns = [4, 3, 5]
    sums = [
        sum(Fraction(1, r) for r in ranks)
        for ranks in itertools.product(*(range(1, n + 1) for n in ns))
    ]
    for observed in (Fraction(1, 1), Fraction(3, 2), Fraction(7, 3), Fraction(3, 1)):
        brute = sum(s >= observed for s in sums) / len(sums)
        assert reciprocal_rank_tail(ns, float(observed)) == pytest.approx(brute, abs=1e-12)


def _with_leaky_indicator():
    """Two criteria: c0 is harmless, c1 encodes the decision (the chosen region 'has a project')."""
    X = np.array([[1.0, 1.0], [3.0, 0.0], [2.0, 0.0]])
    ds = make_dataset(X)
    ds.indicators["c1"] = Indicator(**{**ds.indicators["c1"].__dict__, "encodes_decisions": True})
    return ds


def test_leakage_guard_drops_an_indicator_that_encodes_the_decision() -> None:
    ds = _with_leaky_indicator()
    sc = make_scenario([1, 10])
    bt = backtest(ds, sc, [decision(0, ["R00"])])
    item = bt.items[0]
    assert item.guard.dropped == [("c1", "encodes siting decisions")]
    assert item.rank == 3  # without the leak R00 is last on c0
    # without the guard the planted leak would have made it first
    from siting.engine.score import score

    assert score(ds, sc).rank[0] == 1


def test_leakage_guard_back_dates_data_that_postdate_the_decision() -> None:
    ds = make_dataset(np.array([[1.0], [2.0]]))  # period 2025
    ds.values.extend(
        [
            Value("R00", "c0", "2023", 9.0, "s", "q", "", 100),
            Value("R01", "c0", "2023", 1.0, "s", "q", "", 101),
        ]
    )
    ds.__dict__.pop("_columns", None)
    sc, guard = guarded_scenario(
        ds, make_scenario([1]), decision(0, ["R00"], when=date(2024, 5, 1))
    )
    assert guard.substituted == [("c0", "2025", "2023")]
    assert sc.criteria["c0"].period == "2023"
    bt = backtest(ds, make_scenario([1]), [decision(0, ["R00"], when=date(2024, 5, 1))])
    assert bt.items[0].rank == 1
    with pytest.raises(Exception, match="no criteria"):
        guarded_scenario(ds, make_scenario([1]), decision(0, ["R00"], when=date(2022, 1, 1)))


def test_rank_among_rivals_and_summary() -> None:
    X = np.array([[5.0], [4.0], [3.0], [2.0], [1.0]])
    ds = make_dataset(X)
    decs = [decision(0, ["R01"], rivals=["R03", "R04"]), decision(1, ["R00"])]
    bt = backtest(ds, make_scenario([1]), decs)
    a, b = bt.items
    assert (a.rank, a.rank_among_candidates, a.n_candidates) == (2, 1, 3)
    assert b.rank == 1 and b.rank_among_candidates is None
    s = bt.summary
    assert (s.hit1, s.hit3) == (1, 2)
    assert s.mrr == pytest.approx((1 / 2 + 1) / 2)
    assert s.expected_hit1 == pytest.approx(2 / 5)


def _synthetic_decisions(true_w: np.ndarray, n_regions: int = 40, n_dec: int = 80, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, (n_regions, len(true_w)))
    ds = make_dataset(X)
    scores = X @ true_w  # bounds of the value functions are the data min/max: fix them below
    decs = []
    for k in range(n_dec):
        cand = rng.choice(n_regions, size=6, replace=False)
        best = cand[np.argmax(scores[cand])]
        decs.append(decision(k, [f"R{best:02d}"], [f"R{c:02d}" for c in cand if c != best]))
    crit = {f"c{j}": {"lo": 0, "hi": 1} for j in range(len(true_w))}
    return ds, make_scenario([1] * len(true_w), criteria=crit), decs


@pytest.mark.parametrize("seed", range(3))
def test_fit_recovers_the_order_of_known_weights(seed: int) -> None:
    true_w = np.array([0.45, 0.3, 0.17, 0.08])
    ds, prior, decs = _synthetic_decisions(true_w, seed=seed)
    fit = fit_weights(ds, prior, decs, regularization=0.0, margin=2.0)
    assert list(np.argsort(-fit.weights)) == [0, 1, 2, 3]
    assert fit.in_sample["beats_all_share"] > fit.in_sample["prior_beats_all_share"]


def test_fit_agrees_with_brute_force_on_a_small_case() -> None:
    true_w = np.array([0.6, 0.3, 0.1])
    ds, prior, decs = _synthetic_decisions(true_w, n_regions=12, n_dec=10, seed=4)
    pairs = build_pairs(ds, prior, decs)
    w0 = np.full(3, 1 / 3)
    for reg in (0.0, 2.0):
        w = solve(pairs, w0, reg, margin=3.0)
        best = objective(pairs, w, w0, reg, margin=3.0)
        grid = [
            np.array([a, b, 1 - a - b])
            for a in np.linspace(0, 1, 201)
            for b in np.linspace(0, 1, 201)
            if a + b <= 1 + 1e-12
        ]
        brute = min(objective(pairs, g, w0, reg, margin=3.0) for g in grid)
        assert best <= brute + 1e-9  # the LP is at least as good as every grid point
        assert best >= brute - 0.5  # and the grid (step 0.005) gets close to it


def test_fitted_scenario_is_a_valid_scenario(tmp_path) -> None:
    from siting.analysis.fit import fitted_scenario_yaml
    from siting.scenario.loading import load_scenario

    ds, prior, decs = _synthetic_decisions(np.array([0.5, 0.3, 0.2]), n_dec=20)
    fit = fit_weights(ds, prior, decs)
    path = tmp_path / "fitted.yaml"
    path.write_text(fitted_scenario_yaml(prior, fit, "synthetic"), encoding="utf-8")
    sc = load_scenario(path)
    assert sc.name == "t-fitted"
    ew = sc.effective_weights()
    np.testing.assert_allclose([ew[c] for c in fit.criteria], fit.weights, atol=1e-4)


def test_a_chosen_region_the_scenario_excludes_counts_as_a_miss() -> None:
    X = np.array([[5.0], [4.0], [3.0]])
    ds = make_dataset(X)
    sc = make_scenario(
        [1],
        constraints=[{"kind": "exclude", "regions": ["R00"], "reason": "excluded for the test"}],
    )
    bt = backtest(ds, sc, [decision(0, ["R00"]), decision(1, ["R01"])])
    assert [it.rank for it in bt.items] == [0, 1]
    s = bt.summary
    assert s.items == 2 and s.hit1 == 1 and s.mrr == pytest.approx(0.5)


# ---------------------------------------------------------------------- skipping, baselines


def test_a_decision_dated_before_all_data_is_skipped_with_its_reason() -> None:
    ds = make_dataset(np.array([[1.0], [2.0], [3.0]]))  # period 2025 only
    decs = [decision(0, ["R02"], when=date(2011, 3, 1)), decision(1, ["R02"])]
    bt = backtest(ds, make_scenario([1]), decs)
    assert [it.decision for it in bt.items] == ["d1"]
    assert [d for d, _ in bt.skipped] == ["d0"]
    assert "known before the decision" in bt.skipped[0][1]
    assert (bt.summary.decisions, bt.summary.skipped) == (1, 1)


def test_backtest_cli_skips_an_early_decision_and_counts_it(run, tmp_path) -> None:
    import csv

    from .conftest import DATA

    with open(DATA / "decisions.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    early = {
        **rows[0],
        "id": "dec-early-2001",
        "date": "2001-01",
        "rivals": "",
        "rival_sources": "",
    }
    path = tmp_path / "decisions.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows([early, rows[0]])
    for fmt in ("table", "markdown", "csv", "json"):
        res = run(
            "backtest", "-s", "power-first", "--decisions", str(path), "--kinds", "all", "-f", fmt
        )
        assert res.returncode == 0, res.stderr
        assert "dec-early-2001" in res.stdout
        assert "1 decisions skipped" in res.stdout or '"skipped": 1' in res.stdout


def _named(matrix: np.ndarray, ids: list[str], directions: list[str] | None = None):
    from siting.data.synthetic import dataset_from_matrix

    return dataset_from_matrix(matrix, directions, indicator_ids=ids)


def test_tie_rank_puts_ties_in_the_middle_rounded_toward_the_top() -> None:
    from siting.analysis.baselines import tie_rank

    s = np.array([5.0, 3.0, 3.0, 3.0, 1.0, np.nan])
    assert tie_rank(s, 0) == 1
    assert tie_rank(s, 1) == 3  # positions 2..4: middle 3
    assert tie_rank(s, 4) == 5
    assert tie_rank(s, 5) == 6  # no value: last
    assert tie_rank(np.array([1.0, 1.0]), 0) == 1  # two tied at the top: both hit@1


@pytest.mark.parametrize(
    ("name", "column", "expected"),
    [
        ("population", 0, [1, 2, 4]),  # R03 most populous
        ("grdp", 1, [4, 2, 3]),
        ("power_self_sufficiency", 2, [1, 3, 2]),
        ("dist_seoul", 3, [2, 1, 4]),  # nearest first
    ],
)
def test_indicator_baselines_on_a_hand_made_case(
    name: str, column: int, expected: list[int]
) -> None:
    from siting.analysis.baselines import run_baseline

    X = np.array(
        [  # population, grdp, self-sufficiency, dist_seoul
            [100.0, 5.0, 150.0, 300.0],
            [200.0, 9.0, 20.0, 250.0],
            [300.0, 8.0, 90.0, 10.0],
            [400.0, 1.0, 200.0, 30.0],
        ]
    )
    ds = _named(X, ["population", "grdp", "power_self_sufficiency", "dist_seoul"])
    decs = [decision(0, ["R03"]), decision(1, ["R02"]), decision(2, ["R00"])]
    got = run_baseline(ds, name, decs)
    assert [it.rank for it in got.items] == expected
    assert not got.skipped


def test_indicator_baseline_uses_only_data_known_at_the_date() -> None:
    from siting.analysis.baselines import run_baseline

    ds = _named(np.array([[1.0], [2.0]]), ["population"])  # 2025
    ds.values.extend(
        [
            Value("R00", "population", "2019", 9.0, "s", "q", "", 100),
            Value("R01", "population", "2019", 1.0, "s", "q", "", 101),
        ]
    )
    ds.__dict__.pop("_columns", None)
    got = run_baseline(
        ds,
        "population",
        [decision(0, ["R00"], when=date(2020, 6, 1)), decision(1, ["R00"], when=date(2018, 1, 1))],
    )
    assert [it.rank for it in got.items] == [1]  # 2019 data: R00 first (2025 would say last)
    assert got.skipped[0][0] == "d1" and "population" in got.skipped[0][1]


def test_previous_decision_baseline_on_a_hand_made_case() -> None:
    from siting.analysis.baselines import PREVIOUS, run_baseline

    ds = make_dataset(np.zeros((5, 1)))

    def dec(i: int, chosen: list[str], when: date, kind: str = "datacenter") -> Decision:
        d = decision(i, chosen, when=when)
        d.kind = kind
        return d

    decs = [
        dec(0, ["R01"], date(2015, 1, 1)),  # first of its kind: all 5 tie -> 1 + 4 // 2 = 3
        dec(1, ["R01"], date(2016, 1, 1)),  # previous chose R01: hit
        dec(2, ["R04"], date(2017, 1, 1)),  # previous R01: R04 ties with 3 others behind -> 3
        dec(3, ["R04"], date(2017, 1, 1), "ai_datacenter"),  # other kind: first of its kind
        dec(4, ["R04"], date(2017, 1, 1)),  # same date as d2: d1 is still the previous one
    ]
    got = run_baseline(ds, PREVIOUS, decs)
    assert [it.rank for it in got.items] == [3, 1, 3, 3, 3]


def test_compare_restricts_to_common_decisions_and_says_when_not_beaten() -> None:
    from siting.analysis.baselines import compare

    X = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])
    ds = _named(X, ["c0", "population"])
    for ind in ("grdp", "power_self_sufficiency", "dist_seoul"):
        ds.indicators[ind] = ds.indicators["population"]
        ds.values += [
            Value(f"R0{i}", ind, "2025", float(i), "s", "q", "", 200 + i) for i in range(3)
        ]
    ds.__dict__.pop("_columns", None)
    sc = make_scenario([1])  # c0: R02 first
    bt = backtest(ds, sc, [decision(0, ["R01"]), decision(1, ["R01"])])  # population gets it
    cmp = compare(ds, bt)
    assert len(cmp.common) == 2
    assert not cmp.beats_best and cmp.best == "population"
    assert "does NOT beat" in cmp.verdict


# ---------------------------------------------------------------------- validation


def _dated_synthetic(true_w: np.ndarray, n_dec: int = 40, seed: int = 0):
    """Synthetic decisions, four a year from 2010, on data of 2000 (known to all of them)."""
    from siting.data.synthetic import dataset_from_matrix

    ds, prior, decs = _synthetic_decisions(true_w, n_dec=n_dec, seed=seed)
    X = np.array([[v.value for v in ds.values if v.region == r] for r in ds.region_codes])
    ds = dataset_from_matrix(X, period="2000")
    for k, d in enumerate(decs):
        d.date = date(2010 + k // 4, 6, 1)
    return ds, prior, decs


def test_forward_folds_never_train_on_later_decisions() -> None:
    from siting.analysis.fit import decision_matrices, pairs_from
    from siting.analysis.validation import forward_chain, forward_folds

    ds, prior_sc, decs = _dated_synthetic(np.array([0.6, 0.3, 0.1]))
    planted = decision(99, ["R00"], [f"R{i:02d}" for i in range(1, 6)], when=date(2016, 3, 1))
    crit = list(prior_sc.active_criteria)
    prior = np.full(3, 1 / 3)
    base = decision_matrices(ds, prior_sc, decs)
    mats = decision_matrices(ds, prior_sc, [*decs, planted])
    k_planted = len(mats) - 1
    for f in forward_folds(mats):
        years = {mats[k].decision.date.year for k in f.train}
        assert max(years) < f.year
        assert (k_planted in f.train) == (f.year > 2016)
    # folds cut at or before 2016 fit exactly the same weights with or without the plant
    from siting.analysis.validation import _forward_weights

    pa, pb = pairs_from(crit, base), pairs_from(crit, mats)
    for lam in (0.0, None):  # a given strength, and one chosen inside each fold (nested)
        wa = {f.year: (w, r) for f, w, r in _forward_weights(base, pa, prior, lam, 2.0, 3)}
        wb = {f.year: (w, r) for f, w, r in _forward_weights(mats, pb, prior, lam, 2.0, 3)}
        early = [y for y in wa if y <= 2016]
        assert early
        for y in early:
            np.testing.assert_array_equal(wa[y][0], wb[y][0])
            assert wa[y][1] == wb[y][1]
    # and the planted decision is tested (once, pooled) by the fold cut at its own year
    pooled = forward_chain(mats, pairs_from(crit, mats), prior, 0.0, margin=2.0).pooled_items
    assert [it.decision for it in pooled].count("d99") == 1


def test_validation_recovers_known_weights_out_of_sample() -> None:
    from siting.analysis.fit import decision_matrices, pairs_from, solve
    from siting.analysis.validation import (
        bootstrap_weights,
        choose_regularization,
        forward_chain,
        intervals,
    )

    true_w = np.array([0.6, 0.3, 0.1])
    ds, prior_sc, decs = _dated_synthetic(true_w, n_dec=48)
    crit = list(prior_sc.active_criteria)
    mats = decision_matrices(ds, prior_sc, decs)
    pairs = pairs_from(crit, mats)
    wrong = np.array([0.05, 0.15, 0.8])  # a prior that has the order backwards
    lam, curve = choose_regularization(mats, pairs, wrong, margin=2.0)
    assert lam < 1.0  # the data, not the wrong prior, should win
    assert len(curve) > 3
    for reg in (lam, None):  # the strength chosen on all decisions, and nested in each fold
        fitted, prior_row = forward_chain(mats, pairs, wrong, reg, margin=2.0).pooled
        assert fitted["mrr"] > prior_row["mrr"]
    w = solve(pairs, wrong, lam, margin=2.0)
    assert list(np.argsort(-w)) == [0, 1, 2]
    ci = intervals(bootstrap_weights(pairs, wrong, lam, 2.0, draws=30, seed=1))
    assert ci == intervals(bootstrap_weights(pairs, wrong, lam, 2.0, draws=30, seed=1))
    assert ci[0][0] > ci[2][1]  # the strongest criterion is clearly above the weakest


def test_indistinguishable_names_constant_and_collinear_criteria() -> None:
    from siting.analysis.fit import Pairs
    from siting.analysis.validation import indistinguishable

    rng = np.random.default_rng(0)
    a = rng.normal(size=50)
    D = np.column_stack([a, 2 * a + 0.01 * rng.normal(size=50), np.zeros(50), rng.normal(size=50)])
    p = Pairs(["a", "b", "flat", "free"], D, np.zeros(50), np.arange(50), np.zeros(50, dtype=int))
    found = {r["criteria"] for r in indistinguishable(p)}
    assert found == {"flat", "a ~ b"}


def test_figures_count_as_known_only_after_their_publication_lag() -> None:
    """GRDP of a year is published about a year later; KEPCO's annual figures a quarter later;
    a decision dated by month or year is taken at its earliest day."""
    from siting.analysis.backtest import _known_by, load_decisions
    from siting.data.dataset import load_dataset

    ds = load_dataset()
    assert ds.indicators["grdp"].publication_lag_months == 12
    assert not _known_by(ds, "grdp", "2024", date(2025, 6, 1))
    assert _known_by(ds, "grdp", "2023", date(2025, 6, 1))
    assert not _known_by(ds, "power_sales", "2024", date(2025, 2, 1))
    assert _known_by(ds, "power_sales", "2024", date(2025, 4, 1))
    decs = {d.id: d for d in load_decisions(ds, kinds=None)}
    assert decs["dec-aws-seoul-2016"].date == date(2016, 1, 1)  # dated "2016-01"
    assert decs["dec-naver-chuncheon-2011"].date == date(2011, 1, 1)  # dated "2011"


@pytest.mark.parametrize("level", ["sido", "sigungu"])
def test_a_decisions_file_given_by_path_reads_as_the_bundled_one(level: str, tmp_path) -> None:
    """``--decisions`` names 시도 codes at both levels (it failed at 시군구 before: its codes were
    checked against the 시군구 units); a bad row is refused with its file and line."""
    from siting.analysis.backtest import load_decisions
    from siting.data.dataset import load_dataset

    ds = load_dataset(level=level)
    bundled = load_decisions(ds, kinds=None)
    assert load_decisions(ds, str(ds.root / "decisions.csv"), kinds=None) == bundled
    with (ds.root / "decisions.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["chosen"] = "99"
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows[:3])
    with pytest.raises(SitingError) as err:
        load_decisions(ds, str(bad), kinds=None)
    assert "unknown region code '99'" in err.value.message
    assert str(err.value.file).endswith("bad.csv") and err.value.line == 2


def _ref_exact_reciprocal_tail(ns: list[int], observed: float) -> float | None:
    """The previous exact tail: a dict of partial sums over the common denominator."""
    import math
    from functools import reduce

    from siting.analysis.rank_tests import EXACT_MRR_MAX_STATES

    lcm = reduce(lambda a, b: a * b // math.gcd(a, b), range(1, max(ns) + 1), 1)
    target = round(observed * lcm)
    states: dict[int, float] = {0: 1.0}
    done = 0.0
    for idx, n in enumerate(ns):
        rest_max = lcm * (len(ns) - idx - 1)
        nxt: dict[int, float] = {}
        for s, p in states.items():
            for r in range(1, n + 1):
                v = s + lcm // r
                if v >= target:
                    done += p / n
                elif v + rest_max >= target:
                    nxt[v] = nxt.get(v, 0.0) + p / n
        if len(nxt) > EXACT_MRR_MAX_STATES:
            return None
        states = nxt
    return float(min(1.0, done))


def test_exact_reciprocal_tail_equals_the_dict_loop_bit_for_bit() -> None:
    from siting.analysis.rank_tests import _exact_reciprocal_tail

    rng = np.random.default_rng(5)
    kinds = {"exact": 0, "gave up": 0}
    for trial in range(30):
        top = int(rng.integers(1, 26))
        ns = [int(x) for x in rng.integers(1, top + 1, size=int(rng.integers(1, 20)))]
        if trial % 3 == 0:
            ns = [top] * len(ns)  # as in the bundled backtest: every item among n regions
        observed = sum(1 / int(rng.integers(1, n + 1)) for n in ns) * (0.5 if trial % 5 else 1)
        got = _exact_reciprocal_tail(ns, observed)
        assert got == _ref_exact_reciprocal_tail(ns, observed), (ns, observed)
        kinds["exact" if got is not None else "gave up"] += 1
    assert min(kinds.values()) >= 5, kinds  # both outcomes were exercised


def test_the_shared_give_up_is_taken_only_where_the_search_gives_up() -> None:
    """The search gives up without running when nothing could have been set aside before it
    outgrows its states (the bundled backtest: 44 and 35 items among 17 regions)."""
    import math
    from functools import reduce

    from siting.analysis.rank_tests import _exact_reciprocal_tail, _outgrows_untouched

    for n, items, observed in [(17, 44, 9.216103177867883), (17, 35, 7.03), (12, 40, 11.0)]:
        ns = [n] * items
        lcm = reduce(lambda a, b: a * b // math.gcd(a, b), range(1, n + 1), 1)
        assert _outgrows_untouched(tuple(ns), lcm, round(observed * lcm))
        assert _exact_reciprocal_tail(ns, observed) is None
        assert _ref_exact_reciprocal_tail(ns, observed) is None
    # a low target is reached before the states outgrow the limit: the search runs
    ns, lcm = [12] * 40, 27720
    assert not _outgrows_untouched(tuple(ns), lcm, 3 * lcm)
    assert _exact_reciprocal_tail(ns, 3.0) == _ref_exact_reciprocal_tail(ns, 3.0)


def test_monte_carlo_tails_are_kept_in_the_cache_and_read_back(tmp_path, monkeypatch) -> None:
    """A Monte Carlo tail is computed once per (items, observed value) and then read from the
    cache folder, equal to the fresh estimate; another observed value is another entry."""
    from siting.analysis import rank_tests

    monkeypatch.setenv("SITING_CACHE_DIR", str(tmp_path))
    ns, observed = [45, 50, 60], 0.2  # n > EXACT_MRR_MAX_N: Monte Carlo
    fresh = rank_tests._mc_tail_now(tuple(ns), observed)
    first = rank_tests.reciprocal_rank_tail_with_method(ns, observed)
    assert first == (fresh, rank_tests.MC_METHOD) and 0 < fresh < 1
    assert len(list(tmp_path.glob("mc-tail-*.json"))) == 1
    monkeypatch.setattr(rank_tests, "_mc_tail_now", lambda *a: pytest.fail("computed again"))
    assert rank_tests.reciprocal_rank_tail_with_method(ns, observed) == first
    monkeypatch.setattr(rank_tests, "_mc_tail_now", lambda *a: 0.125)
    assert rank_tests.reciprocal_rank_tail(ns, 0.3) == 0.125
    assert len(list(tmp_path.glob("mc-tail-*.json"))) == 2


def test_the_exact_tests_give_up_point_is_kept_in_the_cache(tmp_path, monkeypatch) -> None:
    from siting.analysis import rank_tests

    monkeypatch.setenv("SITING_CACHE_DIR", str(tmp_path))
    ns, lcm = (12,) * 40, 27720
    fresh = rank_tests._overflow_step_now(ns, lcm)
    assert fresh is not None and rank_tests._overflow_step.__wrapped__(ns, lcm) == fresh
    monkeypatch.setattr(rank_tests, "_overflow_step_now", lambda *a: pytest.fail("again"))
    assert rank_tests._overflow_step.__wrapped__(ns, lcm) == fresh
    assert len(list(tmp_path.glob("mrr-overflow-*.json"))) == 1
