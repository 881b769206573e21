"""The one tie-ranking routine: scipy.stats.rankdata's min/max/average ranks on rounded scores."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import rankdata

from siting.engine.ranking import TIE_DECIMALS, rank_bounds, rank_scores

# few distinct values, so that ties are common; and values that differ below the tie precision
SCORES = st.sampled_from([0.0, 12.5, 50.0, 50.0 + 4e-10, 99.9, -3.0])


@settings(max_examples=200, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 4), st.integers(1, 12)), elements=SCORES))
def test_rank_bounds_are_scipy_min_and_max_ranks_row_by_row(scores: np.ndarray) -> None:
    low, high = rank_bounds(scores)
    key = -np.round(scores, TIE_DECIMALS)
    np.testing.assert_array_equal(low, rankdata(key, method="min", axis=-1))
    np.testing.assert_array_equal(high, rankdata(key, method="max", axis=-1))
    np.testing.assert_array_equal((low + high) / 2, rankdata(key, method="average", axis=-1))
    assert low.dtype.kind == high.dtype.kind == "i"


@settings(max_examples=100, deadline=None)
@given(arrays(float, st.integers(1, 12), elements=SCORES))
def test_lower_is_better_and_exact_comparison(scores: np.ndarray) -> None:
    low, _ = rank_bounds(scores, higher_is_better=False, decimals=None)
    np.testing.assert_array_equal(low, rankdata(scores, method="min"))


def test_rank_scores_gives_zero_to_nan_and_marks_ties() -> None:
    scores = np.array([50.0, np.nan, 50.0 + 1e-12, 70.0, 10.0])
    rank, tied = rank_scores(scores, ["a", "b", "c", "d", "e"])
    assert rank.tolist() == [2, 0, 2, 1, 4]
    assert tied.tolist() == [True, False, True, False, False]
    rank, tied = rank_scores(np.array([np.nan, np.nan]), ["a", "b"])
    assert rank.tolist() == [0, 0] and not tied.any()
