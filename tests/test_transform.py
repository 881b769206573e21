"""Value functions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from siting._errors import SitingError
from siting.engine.transform import make_value_function


def vf(**kw):
    kw.setdefault("direction", "benefit")
    kw.setdefault("observed", np.array([0.0, 10.0]))
    kw.setdefault("scale", None)
    return make_value_function(**kw)


def test_linear_default_bounds_come_from_data_and_clip() -> None:
    f = vf(observed=np.array([10.0, 20.0, 30.0]))
    np.testing.assert_allclose(f(np.array([10, 20, 30, 40, np.nan])), [0, 0.5, 1, 1, np.nan])
    assert f.bounds_from_data


def test_fixed_bounds_make_scores_independent_of_other_regions() -> None:
    f1 = vf(lo=0, hi=200, observed=np.array([5.0, 262.6]))
    f2 = vf(lo=0, hi=200, observed=np.array([5.0, 100.0]))
    assert f1(np.array([100.0]))[0] == f2(np.array([100.0]))[0] == 0.5


def test_cost_direction_reverses() -> None:
    f = vf(direction="cost", lo=0, hi=100)
    np.testing.assert_allclose(f(np.array([0.0, 25.0, 100.0])), [1, 0.75, 0])


def test_target_peaks_at_target() -> None:
    f = vf(scale="target", target=100, lo=50, hi=300)
    np.testing.assert_allclose(f(np.array([50.0, 75, 100, 200, 300, 400])), [0, 0.5, 1, 0.5, 0, 0])


def test_steps() -> None:
    f = vf(scale="steps", steps=[(50, 0.4), (0, 0.2), (100, 0.6), (150, 0.8), (200, 1.0)])
    np.testing.assert_allclose(
        f(np.array([-1.0, 0, 49.9, 50, 199, 262.6])), [0, 0.2, 0.2, 0.4, 0.8, 1.0]
    )


def test_log_scale() -> None:
    f = vf(scale="log", lo=1, hi=1000)
    np.testing.assert_allclose(f(np.array([1.0, 10, 100, 1000])), [0, 1 / 3, 2 / 3, 1])
    with pytest.raises(SitingError, match="offset"):
        vf(scale="log", observed=np.array([0.0, 5.0]))
    g = vf(scale="log", offset=1, observed=np.array([0.0, 9.0]))
    assert g(np.array([0.0]))[0] == 0.0


def test_bad_bounds_are_errors() -> None:
    with pytest.raises(SitingError, match=r"lo \(5\) must be smaller than hi"):
        vf(lo=5, hi=5)
    with pytest.raises(SitingError, match="target"):
        vf(scale="target", target=500, lo=0, hi=100)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(0.1, 1e6))
def test_linear_is_monotone_and_bounded(a: float, b: float, width: float) -> None:
    f = vf(lo=-1e3, hi=-1e3 + width)
    fa, fb = f(np.array([a, b]))
    assert 0 <= fa <= 1 and 0 <= fb <= 1
    if a <= b:
        assert fa <= fb
