"""The scoring engine: properties (hypothesis), an end-to-end oracle (pymcdm) and edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from siting._errors import SitingError
from siting.engine.score import rank_scores, score

from .conftest import make_dataset, make_scenario


@st.composite
def decision_problems(draw: st.DrawFn, allow_nan: bool = False):
    n = draw(st.integers(2, 10))
    m = draw(st.integers(1, 6))
    elements = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
    X = draw(arrays(float, (n, m), elements=elements))
    if allow_nan:
        mask = draw(arrays(bool, (n, m)))
        X = np.where(mask & (np.arange(n)[:, None] > 0), np.nan, X)  # row 0 always complete
    dirs = draw(st.lists(st.sampled_from(["benefit", "cost"]), min_size=m, max_size=m))
    w = draw(st.lists(st.floats(0.1, 100), min_size=m, max_size=m))
    return X, dirs, w


@settings(max_examples=150, deadline=None)
@given(decision_problems(), st.floats(0.01, 1000), st.sampled_from(["wsm", "wpm", "topsis"]))
def test_scaling_all_weights_leaves_ranks_unchanged(problem, factor, method) -> None:
    X, dirs, w = problem
    ds = make_dataset(X, dirs)
    a = score(ds, make_scenario(w, method=method))
    b = score(ds, make_scenario([x * factor for x in w], method=method))
    np.testing.assert_array_equal(a.rank, b.rank)
    np.testing.assert_allclose(a.score, b.score, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(decision_problems(), st.data())
def test_raising_a_benefit_value_never_lowers_the_wsm_score(problem, data) -> None:
    X, dirs, w = problem
    benefit = [j for j, d in enumerate(dirs) if d == "benefit"]
    assume(benefit)
    j = data.draw(st.sampled_from(benefit))
    i = data.draw(st.integers(0, X.shape[0] - 1))
    bump = data.draw(st.floats(0.001, 500))
    # fixed bounds so the value function does not move with the data
    crit = {f"c{k}": {"lo": -1000, "hi": 1500} for k in range(X.shape[1])}
    before = score(make_dataset(X, dirs), make_scenario(w, criteria=crit))
    X2 = X.copy()
    X2[i, j] += bump
    after = score(make_dataset(X2, dirs), make_scenario(w, criteria=crit))
    assert after.score[i] >= before.score[i] - 1e-9


@settings(max_examples=150, deadline=None)
@given(decision_problems(allow_nan=True), st.sampled_from(["exclude", "worst", "median", "zero"]))
def test_contributions_sum_to_the_score_and_excluded_are_never_ranked(problem, policy) -> None:
    X, dirs, w = problem
    ds = make_dataset(X, dirs)
    res = score(ds, make_scenario(w, missing=policy))
    for i in range(len(res.regions)):
        if res.included[i]:
            assert res.rank[i] >= 1
            assert res.contributions[i].sum() == pytest.approx(res.score[i], abs=1e-9)
        else:
            assert res.rank[i] == 0
            assert np.isnan(res.score[i])
            assert res.regions[i] in res.exclusions
    has_gap = np.isnan(X).any(axis=1)
    if policy == "exclude":
        assert set(np.flatnonzero(~res.included)) == set(np.flatnonzero(has_gap))
    else:
        assert res.included.all()
        touched = {(imp.region, imp.criterion) for imp in res.imputations}
        expected = {(f"R{i:02d}", f"c{j}") for i, j in zip(*np.nonzero(np.isnan(X)), strict=True)}
        assert touched == expected


@settings(max_examples=100, deadline=None)
@given(decision_problems(), st.sampled_from(["wsm", "wpm", "topsis"]))
def test_end_to_end_matches_pymcdm_with_minmax(problem, method) -> None:
    pymcdm = pytest.importorskip("pymcdm")
    from pymcdm.normalizations import minmax_normalization

    X, dirs, w = problem
    # values such as 3e-127 beside 0 and -1: the two min-max formulas round apart by ~1e-127,
    # which a WPM weight of 1/15 raises to ~1e-9 (X = [0, 3e-127, -1], cost, found by hypothesis)
    X = np.where(np.abs(X) < 1e-6, 0.0, X)
    assume(all(np.ptp(X[:, j]) > 1e-6 for j in range(X.shape[1])))
    res = score(make_dataset(X, dirs), make_scenario(w, method=method))
    cls = {"wsm": pymcdm.methods.WSM, "wpm": pymcdm.methods.WPM, "topsis": pymcdm.methods.TOPSIS}
    types = np.array([1 if d == "benefit" else -1 for d in dirs])
    ww = np.array(w) / np.sum(w)
    ref = cls[method](normalization_function=minmax_normalization)(X, ww, types, validation=False)
    ok = np.isfinite(ref)
    np.testing.assert_allclose(res.score[ok] / 100, ref[ok], rtol=0, atol=1e-9)


def test_ties_are_explicit_and_ordered_by_code() -> None:
    scores = np.array([50.0, 70.0, 50.0, np.nan, 10.0])
    rank, tied = rank_scores(scores, ["b", "a", "a2", "z", "c"])
    assert list(rank) == [2, 1, 2, 0, 4]
    assert list(tied) == [True, False, True, False, False]
    res = score(make_dataset(np.array([[1.0], [1.0], [0.0]])), make_scenario([1]))
    assert res.rank_label(0) == "=1" and res.rank_label(1) == "=1" and res.rank[2] == 3


def test_exclusion_constraint_with_reason_and_forced_inclusion() -> None:
    X = np.array([[10.0, 1], [50.0, 2], [90.0, 3]])
    sc = make_scenario(
        [1, 1],
        constraints=[
            {"kind": "exclude", "indicator": "c0", "below": 30, "reason": "too little power"},
            {"kind": "exclude", "indicator": "c0", "above": 80, "reason": "too much"},
            {"kind": "include", "regions": ["R02"], "reason": "policy decision"},
        ],
    )
    res = score(make_dataset(X), sc)
    assert not res.included[0] and res.rank[0] == 0
    assert "too little power (c0 = 10 u; rule: < 30)" in res.exclusions["R00"][0]
    assert res.included[2] and res.forced == {"R02": "policy decision"}
    assert any("overridden" in r for r in res.reasons(2))


def test_bonus_and_penalty_add_points_and_are_reported() -> None:
    X = np.array([[0.0, 1], [1.0, 0]])
    sc = make_scenario(
        [1, 1],
        constraints=[
            {"kind": "penalty", "indicator": "c0", "equals": 1, "points": 10, "reason": "capital"},
            {"kind": "bonus", "regions": ["R00"], "points": 2.5, "reason": "zone"},
        ],
    )
    res = score(make_dataset(X), sc)
    assert res.score[1] == pytest.approx(res.base_score[1] - 10)
    assert res.score[0] == pytest.approx(res.base_score[0] + 2.5)
    row = res.contributions[0].sum() + res.adjustment[0]
    assert row == pytest.approx(res.score[0])


def test_constraints_excluding_every_region_is_an_error() -> None:
    sc = make_scenario(
        [1],
        constraints=[{"kind": "exclude", "indicator": "c0", "below": 100, "reason": "everything"}],
    )
    with pytest.raises(SitingError, match="exclude every region"):
        score(make_dataset(np.array([[1.0], [2.0]])), sc)


def test_unknown_criterion_suggests_the_closest_id() -> None:
    sc = make_scenario([1])
    sc.criteria["c1x"] = sc.criteria["c0"]
    with pytest.raises(SitingError) as exc:
        score(make_dataset(np.array([[1.0, 2.0], [2.0, 3.0]])), sc)
    assert "unknown criterion 'c1x'" in exc.value.format()
    assert "did you mean 'c1'" in exc.value.format()


def test_constraint_on_unknown_indicator() -> None:
    sc = make_scenario(
        [1], constraints=[{"kind": "exclude", "indicator": "powr", "below": 1, "reason": "x y z"}]
    )
    with pytest.raises(SitingError, match="constraint on unknown indicator 'powr'"):
        score(make_dataset(np.array([[1.0], [2.0]])), sc)


def test_missing_policies_fill_in_transformed_space() -> None:
    X = np.array([[0.0], [50.0], [100.0], [np.nan]])
    for policy, expected in (("worst", 0.0), ("median", 0.5), ("zero", 0.0)):
        res = score(make_dataset(X), make_scenario([1], missing=policy))
        assert res.transformed[3, 0] == pytest.approx(expected)
        assert res.imputed[3, 0] and res.coverage[3] == 0.0
    res = score(make_dataset(X), make_scenario([1], missing="exclude"))
    assert "no c0 value" in res.exclusions["R03"][0]


def test_same_inputs_same_hash_and_different_weights_different_hash() -> None:
    ds = make_dataset(np.array([[1.0, 2.0], [3.0, 1.0]]))
    a = score(ds, make_scenario([1, 2]))
    b = score(ds, make_scenario([1, 2]))
    c = score(ds, make_scenario([2, 1]))
    assert a.hash == b.hash != c.hash
