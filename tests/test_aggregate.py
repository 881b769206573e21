"""Aggregation methods against independent implementations (pymcdm, scikit-criteria)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from siting.engine import aggregate

pymcdm = pytest.importorskip("pymcdm")
from pymcdm.methods import TOPSIS, WPM, WSM  # noqa: E402


def _identity(x, cost):
    return x


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 12))
    m = draw(st.integers(1, 8))
    V = draw(arrays(float, (n, m), elements=st.floats(0.01, 1.0)))
    raw_w = draw(arrays(float, m, elements=st.floats(0.01, 10.0)))
    return V, raw_w / raw_w.sum()


@settings(max_examples=200, deadline=None)
@given(problems())
def test_wsm_matches_pymcdm(p: tuple[np.ndarray, np.ndarray]) -> None:
    V, w = p
    ref = WSM(normalization_function=_identity)(V, w, np.ones(V.shape[1]))
    np.testing.assert_allclose(aggregate.wsm(V, w) / 100, ref, rtol=0, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_wpm_matches_pymcdm(p: tuple[np.ndarray, np.ndarray]) -> None:
    V, w = p
    ref = WPM(normalization_function=_identity)(V, w, np.ones(V.shape[1]))
    np.testing.assert_allclose(aggregate.wpm(V, w) / 100, ref, rtol=0, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_topsis_matches_pymcdm(p: tuple[np.ndarray, np.ndarray]) -> None:
    V, w = p
    ref = TOPSIS(normalization_function=_identity)(V, w, np.ones(V.shape[1]))
    ours = aggregate.topsis(V, w) / 100
    ok = np.isfinite(ref)  # pymcdm gives NaN when every alternative is identical
    np.testing.assert_allclose(ours[ok], ref[ok], rtol=0, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(problems())
def test_wsm_matches_scikit_criteria(p: tuple[np.ndarray, np.ndarray]) -> None:
    skc = pytest.importorskip("skcriteria")
    from skcriteria.agg.simple import WeightedSumModel

    V, w = p
    dm = skc.mkdm(V, [max] * V.shape[1], weights=w)
    res = WeightedSumModel().evaluate(dm)
    np.testing.assert_allclose(aggregate.wsm(V, w) / 100, res.e_.score, rtol=0, atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(problems(), st.integers(1, 5))
def test_stacked_weights_equal_one_by_one(p: tuple[np.ndarray, np.ndarray], k: int) -> None:
    V, _ = p
    rng = np.random.default_rng(k)
    W = rng.dirichlet(np.ones(V.shape[1]), size=k)
    for name, fn in aggregate.BUILTIN.items():
        stacked = fn(V, W)
        for i in range(k):
            np.testing.assert_allclose(stacked[i], fn(V, W[i]), atol=1e-9, err_msg=name)


def test_wpm_zero_weight_does_not_zero_the_product() -> None:
    V = np.array([[0.0, 0.5], [0.2, 0.5]])
    np.testing.assert_allclose(aggregate.wpm(V, np.array([0.0, 1.0])), [50.0, 50.0])
    assert aggregate.wpm(V, np.array([0.5, 0.5]))[0] == 0.0


def test_topsis_identical_alternatives_score_half() -> None:
    V = np.full((3, 2), 0.4)
    np.testing.assert_allclose(aggregate.topsis(V, np.array([0.5, 0.5])), 50.0)


def test_external_method_by_name() -> None:
    fn, higher = aggregate.get_aggregator("vikor")
    assert higher is False  # VIKOR ranks ascending
    out = fn(np.array([[0.1, 0.9], [0.9, 0.1], [0.5, 0.5]]), np.array([0.5, 0.5]))
    assert out.shape == (3,)


def test_unknown_method_is_a_clear_error() -> None:
    from siting._errors import SitingError

    with pytest.raises(SitingError, match="unknown method 'nope'"):
        aggregate.get_aggregator("nope")
