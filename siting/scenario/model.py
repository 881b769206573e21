"""The scenario model: weights, value functions and rules, validated by pydantic.

Loading (files, ``extends``, dicts) is :mod:`siting.scenario.loading`; checks against a
dataset are :mod:`siting.scenario.validation`.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Annotated, Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, WithJsonSchema, field_validator

from siting._yaml import KeyPath
from siting.data.levels import Level
from siting.scenario.text import LocalText, Text

MissingPolicy = Literal["exclude", "worst", "median", "zero"]
# At 시군구 level: what to do with a value inherited from the province. ``use`` it as is,
# ``exclude`` it (the unit then has no value: the missing-value policy applies), or a factor
# between 0 and 1 that multiplies the inherited value's 0-1 score (for WSM: its contribution).
InheritedPolicy = Literal["use", "exclude"] | float
# a Level in the model; in the JSON Schema the plain list of names, as editors complete them
LevelName = Annotated[Level, WithJsonSchema({"enum": [lv.value for lv in Level], "type": "string"})]
_INHERITED_DESC = (
    "At 시군구 level, what to do with values inherited from the province: use (default), "
    "exclude (treated as missing), or a factor 0-1 multiplying the inherited value's 0-1 score."
)


def _check_inherited(v: Any) -> Any:
    if isinstance(v, bool):
        raise ValueError("inherited must be use, exclude or a number between 0 and 1")
    if isinstance(v, int | float) and not (0.0 <= float(v) <= 1.0 and math.isfinite(v)):
        raise ValueError("an inherited discount factor must be between 0 and 1")
    return v


MAX_WEIGHT = 1e6  # weights are relative; a larger one is a typo (and 1e308 overflows the sum)
MAX_POINTS = 100.0  # bonus/penalty points on the 0-100 score
BUILTIN_METHODS = ("wsm", "wpm", "topsis")


class Step(BaseModel):
    """One threshold of a stepped value function: from ``at`` upward the score is ``score``."""

    model_config = ConfigDict(extra="forbid")
    at: float = Field(description="Threshold in the indicator's unit (inclusive lower bound).")
    score: float = Field(ge=0, le=1, description="Score between 0 and 1 from this threshold on.")


class Criterion(BaseModel):
    """How one indicator enters the score."""

    model_config = ConfigDict(extra="forbid")

    weight: float | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        description="Non-negative importance (percent or raw; weights are normalised to sum to "
        "100 %). A string such as '30%' is accepted.",
    )
    direction: Literal["benefit", "cost"] | None = Field(
        default=None,
        description="benefit: more is better; cost: less is better. "
        "Defaults to the indicator's definition.",
    )
    period: str | None = Field(
        default=None,
        description="Which period of the indicator to use (default: its definition's).",
    )
    scale: Literal["linear", "log", "target", "steps"] | None = Field(
        default=None,
        description="Value function: linear (default) or log between lo and hi; target (1 at "
        "target, 0 at lo and hi); steps (explicit thresholds).",
    )
    lo: float | None = Field(default=None, description="Value scoring 0 (default: data minimum).")
    hi: float | None = Field(default=None, description="Value scoring 1 (default: data maximum).")
    target: float | None = Field(default=None, description="Ideal value for scale: target.")
    steps: list[Step] | None = Field(default=None, description="Thresholds for scale: steps.")
    below: float | None = Field(
        default=None, ge=0, le=1, description="Score below the first step (default 0)."
    )
    offset: float | None = Field(
        default=None, description="Added before taking log10 (scale: log), e.g. 1 for counts."
    )
    missing: MissingPolicy | None = Field(
        default=None,
        description="What to do where the value is missing: exclude the region, give it the "
        "worst or median score of the regions with data, or zero.",
    )
    inherited: InheritedPolicy | None = Field(default=None, description=_INHERITED_DESC)
    rationale: Text | None = Field(
        default=None, description="Why this weight (shown in reports); a string or {ko:, en:}."
    )

    @field_validator("inherited", mode="before")
    @classmethod
    def _inherited_ok(cls, v: Any) -> Any:
        return _check_inherited(v)

    @field_validator("weight", mode="before")
    @classmethod
    def _percent_string(cls, v: Any) -> Any:
        if isinstance(v, str) and v.strip().endswith("%"):
            try:
                return float(v.strip()[:-1])
            except ValueError:
                return v
        if isinstance(v, bool):
            raise ValueError("weight must be a number, not true/false")
        return v

    @field_validator("lo", "hi", "target", "offset")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v

    @field_validator("weight")
    @classmethod
    def _weight_bound(cls, v: float | None) -> float | None:
        if v is not None and v > MAX_WEIGHT:
            raise ValueError(f"weight {v:g} is above the limit {MAX_WEIGHT:g}")
        return v

    @field_validator("steps")
    @classmethod
    def _distinct_steps(cls, v: list[Step] | None) -> list[Step] | None:
        seen: set[float] = set()
        for i, step in enumerate(v or []):
            if step.at in seen:
                raise ValueError(f"steps[{i}]: threshold at: {step.at:g} is given twice")
            seen.add(step.at)
        return v


class Constraint(BaseModel):
    """A hard rule kept apart from the weighted criteria."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["exclude", "include", "bonus", "penalty"] = Field(
        description="exclude: drop matching regions; include: keep them whatever else fires; "
        "bonus/penalty: add/subtract points (on the 0-100 score) for matching regions."
    )
    reason: Text = Field(
        min_length=3,
        description="Human-readable reason shown in every output; a string or {ko:, en:}.",
    )
    id: str | None = Field(
        default=None,
        description="Name; a child scenario's constraint with the same id replaces this one.",
    )
    enabled: bool = Field(default=True, description="Switch the rule off without deleting it.")
    regions: list[str] | None = Field(
        default=None, description="Regions the rule applies to (any name or code form)."
    )
    indicator: str | None = Field(default=None, description="Indicator the condition tests.")
    period: str | None = Field(default=None, description="Period of that indicator.")
    below: float | None = Field(default=None, description="Fires when value < below.")
    above: float | None = Field(default=None, description="Fires when value > above.")
    at_most: float | None = Field(default=None, description="Fires when value <= at_most.")
    at_least: float | None = Field(default=None, description="Fires when value >= at_least.")
    equals: float | None = Field(default=None, description="Fires when value == equals.")
    points: float | None = Field(default=None, ge=0, description="Points for bonus/penalty.")

    @field_validator("below", "above", "at_most", "at_least", "equals", "points")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v

    @field_validator("points")
    @classmethod
    def _points_bound(cls, v: float | None) -> float | None:
        if v is not None and v > MAX_POINTS:
            raise ValueError(f"points {v:g} is above the limit {MAX_POINTS:g} (the score is 0-100)")
        return v

    @pydantic.model_validator(mode="after")
    def _can_fire(self) -> Constraint:
        if never_fires(self):
            raise ValueError(
                "the condition can never be met (no value is "
                + " and ".join(
                    f"{k} {getattr(self, k):g}" for k in CONDITIONS if getattr(self, k) is not None
                )
                + ")"
            )
        return self


# the conditions a rule on an indicator may set (all must hold)
CONDITIONS = ("below", "above", "at_most", "at_least", "equals")


def _tightest_lower(bounds: tuple[tuple[float | None, bool], ...]) -> tuple[float, bool]:
    """The tightest of several lower bounds ``(value, strict)``: (value, open)."""
    lo, lo_open = -math.inf, False
    for bound, strict in bounds:
        if bound is not None and (bound > lo or (bound == lo and strict)):
            lo, lo_open = bound, strict
    return lo, lo_open


def never_fires(con: Constraint) -> bool:
    """Whether the bounds of a constraint (all must hold) leave no value at all."""
    lo, lo_open = _tightest_lower(((con.above, True), (con.at_least, False)))
    neg_hi, hi_open = _tightest_lower(
        tuple((None if b is None else -b, s) for b, s in ((con.below, True), (con.at_most, False)))
    )
    hi = -neg_hi
    if con.equals is not None:
        e = con.equals
        return e < lo or e > hi or (e == lo and lo_open) or (e == hi and hi_open)
    return lo > hi or (lo == hi and (lo_open or hi_open))


class Scenario(BaseModel):
    """A scenario file: a named policy view with weights and rules."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, description="Short name (defaults to the file name).")
    description: Text | None = Field(
        default=None, description="The policy view it encodes; a string or {ko:, en:}."
    )
    extends: str | None = Field(default=None, description="Scenario name or path to inherit from.")
    level: LevelName | None = Field(
        default=None,
        title="Level",
        description="Level the scenario is written for (default sido); used when --level is not "
        "given, e.g. for scenarios that weight 시군구-only indicators.",
    )
    method: str | None = Field(
        default=None,
        description="Aggregation: wsm (default), wpm, topsis, or another pymcdm method by name "
        "(e.g. vikor) when pymcdm is installed.",
    )
    missing: MissingPolicy | None = Field(
        default=None, description="Default missing-value policy for every criterion (worst)."
    )
    inherited: InheritedPolicy | None = Field(
        default=None, description=_INHERITED_DESC + " Default for every criterion."
    )
    criteria: dict[str, Criterion | None] = Field(
        default_factory=dict, description="Weighted criteria keyed by indicator id."
    )
    constraints: list[Constraint] = Field(default_factory=list, description="Hard rules.")

    @field_validator("inherited", mode="before")
    @classmethod
    def _inherited_ok(cls, v: Any) -> Any:
        return _check_inherited(v)

    _file: str = PrivateAttr(default="")
    _lines: dict[str, tuple[str, int | None]] = PrivateAttr(default_factory=dict)
    _chain: list[str] = PrivateAttr(default_factory=list)

    # ----------------------------------------------------------- resolved views
    @property
    def file(self) -> str:
        return self._file

    @property
    def chain(self) -> list[str]:
        """The files this scenario was assembled from, child first."""
        return list(self._chain)

    def where(self, *key: Any) -> tuple[str, int | None]:
        """File and line where a key (e.g. ``('criteria', 'x', 'weight')``) was set."""
        for n in range(len(key), 0, -1):
            hit = self._lines.get(dotted(key[:n]))
            if hit:
                return hit
        return self._file, None

    @property
    def active_criteria(self) -> dict[str, Criterion]:
        return {k: c for k, c in self.criteria.items() if c is not None}

    def effective_weights(self) -> dict[str, float]:
        """Weights normalised to sum to 1 (criteria with weight 0 are kept at 0)."""
        raw = {k: (c.weight or 0.0) for k, c in self.active_criteria.items()}
        total = sum(raw.values())
        return {k: (w / total if total > 0 else 0.0) for k, w in raw.items()}

    @property
    def method_name(self) -> str:
        return (self.method or "wsm").lower()

    @property
    def missing_policy(self) -> str:
        return self.missing or "worst"

    def inherited_policy(self, criterion: str) -> str | float:
        """The inherited-value policy of one criterion: its own, else the scenario's, else use."""
        crit = self.active_criteria.get(criterion)
        own = crit.inherited if crit is not None else None
        pol = own if own is not None else self.inherited
        if pol is None or pol == "use" or (not isinstance(pol, str) and float(pol) == 1.0):
            return "use"
        return pol

    def localize(self, s: str, lang: str) -> str:
        """``s`` (a reason as outputs compose it) with every two-language constraint reason
        in ``lang``: exclusion and point reasons embed the constraint's English text."""
        for con in self.constraints:
            r = con.reason
            if isinstance(r, LocalText) and str(r) and str(r) in s:
                s = s.replace(str(r), r.get(lang))
        return s

    def canonical(self) -> dict[str, Any]:
        """The resolved scenario as plain data (what the hash covers)."""
        data = self.model_dump(mode="json", exclude={"extends"}, exclude_none=True)
        data["method"] = self.method_name
        data["missing"] = self.missing_policy
        return data

    @property
    def fingerprint(self) -> str:
        blob = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()


def dotted(key: KeyPath) -> str:
    """A key path as one dotted string: ('criteria', 'x', 'weight') -> 'criteria.x.weight'."""
    return ".".join(str(k) for k in key)
