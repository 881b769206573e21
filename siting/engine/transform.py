"""Value functions: turn raw indicator values into scores between 0 and 1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from siting._errors import SitingError


@dataclass(frozen=True)
class ValueFunction:
    """A fully specified value function (bounds already filled from data where not given)."""

    scale: str  # linear | log | target | steps
    direction: str  # benefit | cost
    lo: float | None = None
    hi: float | None = None
    target: float | None = None
    steps: tuple[tuple[float, float], ...] = ()
    below: float = 0.0
    offset: float = 0.0
    bounds_from_data: bool = False

    def describe(self, lang: str = "en") -> str:
        """One line, e.g. 'linear 0..200, higher is better' ('선형 0..200, 높을수록 유리')."""
        ko = lang == "ko"
        if self.scale == "steps":
            parts = ", ".join(f">={a:g}: {s:g}" for a, s in self.steps)
            if ko:
                return f"구간 점수 ({parts}; 그 아래: {self.below:g})"
            return f"steps ({parts}; below: {self.below:g})"
        if self.scale == "target":
            if ko:
                return f"목표값 {self.target:g} ({self.lo:g}와 {self.hi:g}에서 0점)"
            return f"target {self.target:g} (0 at {self.lo:g} and {self.hi:g})"
        benefit = self.direction == "benefit"
        if ko:
            origin = " (자료의 최솟값·최댓값)" if self.bounds_from_data else ""
            arrow = "높을수록 유리" if benefit else "낮을수록 유리"
            scale = {"linear": "선형", "log": "로그"}.get(self.scale, self.scale)
        else:
            origin = " from data" if self.bounds_from_data else ""
            arrow = "higher is better" if benefit else "lower is better"
            scale = self.scale
        log = f"log10(x+{self.offset:g}) " if self.scale == "log" else ""
        return f"{scale} {log}{self.lo:g}..{self.hi:g}{origin}, {arrow}"

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return apply(self, x)


def make_value_function(
    *,
    scale: str | None,
    direction: str,
    observed: np.ndarray,
    lo: float | None = None,
    hi: float | None = None,
    target: float | None = None,
    steps: list[tuple[float, float]] | None = None,
    below: float | None = None,
    offset: float | None = None,
    where: dict[str, object] | None = None,
) -> ValueFunction:
    """Build a value function; missing ``lo``/``hi`` come from the observed data's min/max."""
    where = where or {}
    scale = scale or ("steps" if steps else "target" if target is not None else "linear")
    if scale == "steps":
        return _steps_function(direction, steps, below, where)
    lo_v, hi_v = _bounds(observed, lo, hi)
    from_data = lo is None or hi is None
    if scale == "target":
        return _target_function(direction, lo_v, hi_v, target, from_data, where)
    if lo is not None and hi is not None and lo >= hi:
        raise SitingError(
            f"lo ({lo:g}) must be smaller than hi ({hi:g})",
            fix="swap them, or use direction: cost to reverse the scale",
            **where,  # type: ignore[arg-type]
        )
    off = float(offset or 0.0)
    if scale == "log" and lo_v + off <= 0:
        raise SitingError(
            f"scale: log needs lo + offset above zero (lo is {lo_v:g})",
            fix="add 'offset: 1' (for counts) or use scale: linear",
            **where,  # type: ignore[arg-type]
        )
    return ValueFunction(scale, direction, lo_v, hi_v, offset=off, bounds_from_data=from_data)


def _bounds(observed: np.ndarray, lo: float | None, hi: float | None) -> tuple[float, float]:
    """``lo`` and ``hi`` as given, else the observed minimum and maximum (0 and 1 without data)."""
    obs = observed[np.isfinite(observed)]
    lo_v = float(lo) if lo is not None else (float(obs.min()) if obs.size else 0.0)
    hi_v = float(hi) if hi is not None else (float(obs.max()) if obs.size else 1.0)
    return lo_v, hi_v


def _steps_function(
    direction: str,
    steps: list[tuple[float, float]] | None,
    below: float | None,
    where: dict[str, object],
) -> ValueFunction:
    if not steps:
        raise SitingError(
            "scale: steps needs a 'steps:' list",
            fix="add steps: [{at: 0, score: 0.2}, ...]",
            **where,  # type: ignore[arg-type]
        )
    ordered = tuple(sorted((float(a), float(s)) for a, s in steps))
    return ValueFunction("steps", direction, steps=ordered, below=below or 0.0)


def _target_function(
    direction: str,
    lo: float,
    hi: float,
    target: float | None,
    from_data: bool,
    where: dict[str, object],
) -> ValueFunction:
    if target is None:
        raise SitingError("scale: target needs 'target:'", fix="add e.g. target: 100", **where)  # type: ignore[arg-type]
    if not (lo <= target <= hi) or lo == hi:
        raise SitingError(
            f"target {target:g} must lie between lo {lo:g} and hi {hi:g}",
            fix="set lo below and hi above the target",
            **where,  # type: ignore[arg-type]
        )
    return ValueFunction(
        "target", direction, lo, hi, target=float(target), bounds_from_data=from_data
    )


def apply(vf: ValueFunction, x: np.ndarray) -> np.ndarray:
    """Scores in [0, 1]; NaN stays NaN (missing values are handled by the engine)."""
    x = np.asarray(x, dtype=float)
    if vf.scale == "steps":
        out = np.full(x.shape, vf.below, dtype=float)
        for at, score in vf.steps:
            out = np.where(x >= at, score, out)
        return np.where(np.isnan(x), np.nan, out)
    if vf.scale == "target":
        assert vf.lo is not None and vf.hi is not None and vf.target is not None
        up = (
            (x - vf.lo) / (vf.target - vf.lo)
            if vf.target > vf.lo
            else np.where(x >= vf.lo, 1.0, 0.0)
        )
        down = (
            (vf.hi - x) / (vf.hi - vf.target)
            if vf.hi > vf.target
            else np.where(x <= vf.hi, 1.0, 0.0)
        )
        out = np.where(x <= vf.target, up, down)
        return np.clip(out, 0.0, 1.0)
    assert vf.lo is not None and vf.hi is not None
    lo, hi, v = vf.lo, vf.hi, x
    if vf.scale == "log":
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.log10(np.maximum(x + vf.offset, 1e-300))
        lo, hi = np.log10(lo + vf.offset), np.log10(hi + vf.offset)
    if hi == lo:
        out = np.where(np.isnan(x), np.nan, 1.0)
    else:
        out = np.clip((v - lo) / (hi - lo), 0.0, 1.0)
    if vf.direction == "cost":
        out = 1.0 - out
    return out
