"""Scenario files: YAML documents, validated by pydantic, that set weights and rules.

A scenario may ``extends:`` another one; the child is deep-merged over the parent
(criteria key by key, ``null`` removes a parent criterion; constraints with the same ``id``
replace the parent's, others are appended).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    ValidationError,
    WithJsonSchema,
    WrapValidator,
    field_validator,
)

from siting._errors import Problem, SitingError
from siting._paths import scenarios_dir
from siting._yaml import KeyPath, line_of, load_yaml_file

MissingPolicy = Literal["exclude", "worst", "median", "zero"]
# At 시군구 level: what to do with a value inherited from the province. ``use`` it as is,
# ``exclude`` it (the unit then has no value: the missing-value policy applies), or a factor
# between 0 and 1 that multiplies the inherited value's 0-1 score (for WSM: its contribution).
InheritedPolicy = Literal["use", "exclude"] | float
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


LANGS = ("ko", "en")


class LocalText(str):
    """A text given in Korean and English (``{ko: ..., en: ...}`` in a scenario). As a plain
    string it is the English text (the Korean where there is no English); :meth:`get` picks
    a language, falling back to the other one."""

    ko: str | None
    en: str | None

    def __new__(cls, ko: str | None = None, en: str | None = None) -> LocalText:
        obj = super().__new__(cls, en if en else (ko or ""))
        obj.ko, obj.en = ko or None, en or None
        return obj

    def __getnewargs__(self) -> tuple[str | None, str | None]:  # type: ignore[override]
        return (self.ko, self.en)

    def get(self, lang: str) -> str:
        first, other = (self.ko, self.en) if lang == "ko" else (self.en, self.ko)
        return first or other or ""


def text(value: Any, lang: str) -> str:
    """``value`` in ``lang`` when it is a :class:`LocalText`, else as it is ('' for None)."""
    if isinstance(value, LocalText):
        return value.get(lang)
    return "" if value is None else str(value)


def _local_text(value: Any, handler: Any) -> Any:
    if isinstance(value, LocalText):
        return value
    if isinstance(value, Mapping):
        keys = set(value)
        if not keys or keys - set(LANGS):
            raise ValueError(
                "a text in two languages is a mapping with the keys ko and/or en, "
                f"got {sorted(map(str, keys)) or 'an empty mapping'}"
            )
        for k in keys:
            if not isinstance(value[k], str) or not value[k].strip():
                raise ValueError(f"{k}: must be a non-empty string")
        return LocalText(ko=value.get("ko"), en=value.get("en"))
    return handler(value)


def _dump_text(value: Any) -> Any:
    if isinstance(value, LocalText):
        return {k: v for k, v in (("ko", value.ko), ("en", value.en)) if v}
    return value


_TEXT_SCHEMA = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"ko": {"type": "string"}, "en": {"type": "string"}},
            "additionalProperties": False,
            "minProperties": 1,
        },
    ]
}
# a string, or the same text in both languages: {ko: ..., en: ...}
Text = Annotated[
    str,
    WrapValidator(_local_text),
    PlainSerializer(_dump_text, return_type=Any),
    WithJsonSchema(_TEXT_SCHEMA),
]


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
                    f"{k} {getattr(self, k):g}" for k in _BOUNDS if getattr(self, k) is not None
                )
                + ")"
            )
        return self


_BOUNDS = ("below", "above", "at_most", "at_least", "equals")


def never_fires(con: Constraint) -> bool:
    """Whether the bounds of a constraint (all must hold) leave no value at all."""
    lo, lo_open = -math.inf, False
    hi, hi_open = math.inf, False
    for bound, strict in ((con.above, True), (con.at_least, False)):
        if bound is not None and (bound > lo or (bound == lo and strict)):
            lo, lo_open = bound, strict
    for bound, strict in ((con.below, True), (con.at_most, False)):
        if bound is not None and (bound < hi or (bound == hi and strict)):
            hi, hi_open = bound, strict
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
    level: Literal["sido", "sigungu"] | None = Field(
        default=None,
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
            hit = self._lines.get(_dotted(key[:n]))
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


def _dotted(key: KeyPath) -> str:
    return ".".join(str(k) for k in key)


# ---------------------------------------------------------------------- loading

_FIX_BY_TYPE = {
    "extra_forbidden": "remove it or correct its spelling",
    "float_parsing": "write a plain number, e.g. 20 or 20%",
    "float_type": "write a plain number, e.g. 20 or 20%",
    "greater_than_equal": "use a number >= 0 (0 switches a criterion off)",
    "less_than_equal": "use a number <= 1",
    "literal_error": None,
    "missing": None,
    "string_too_short": "write a sentence users can quote",
    "finite_number": "write a finite number such as 20",
}

_ALLOWED = {
    (): sorted(Scenario.model_fields),
    ("criteria", "*"): sorted(Criterion.model_fields),
    ("constraints", "*"): sorted(Constraint.model_fields),
    ("criteria", "*", "steps", "*"): sorted(Step.model_fields),
}


def _allowed_here(loc: KeyPath) -> list[str]:
    parent = tuple(
        "*" if (i % 2 == 1 and loc[0] in ("criteria", "constraints")) or isinstance(p, int) else p
        for i, p in enumerate(loc[:-1])
    )
    return _ALLOWED.get(parent, [])


def _problems_from_validation(
    exc: ValidationError, file: str, lines: dict[KeyPath, int]
) -> list[Problem]:
    out = []
    seen: set[tuple[Any, ...]] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        # pydantic appends the union member name for Optional models; drop it
        loc = tuple(p for p in loc if p not in ("Criterion",))
        etype = err["type"]
        msg = err["msg"]
        fix = _FIX_BY_TYPE.get(etype)
        if "inherited" in loc:  # a union (use | exclude | factor): one message for the key
            loc = loc[: loc.index("inherited") + 1]
            if loc in seen:
                continue
            seen.add(loc)
            msg = (
                "inherited must be use, exclude or a factor between 0 and 1, "
                f"got {err.get('input')!r}"
            )
            fix = "write inherited: use, inherited: exclude or e.g. inherited: 0.5"
            out.append(Problem(msg, file=file, key=_dotted(loc), line=line_of(lines, loc), fix=fix))
            continue
        if etype == "extra_forbidden":
            bad = str(loc[-1])
            allowed = _allowed_here(loc)
            close = difflib.get_close_matches(bad, allowed, n=1)
            msg = f"unknown key {bad!r}"
            fix = (f"did you mean {close[0]!r}? " if close else "") + (
                f"allowed keys: {', '.join(allowed)}" if allowed else "remove it"
            )
        elif etype in ("float_parsing", "float_type"):
            msg = f"{loc[-1]} must be a number, got {err.get('input')!r}"
        elif etype == "greater_than_equal" and loc and loc[-1] == "weight":
            msg = f"weight must not be negative (got {err.get('input')})"
            fix = "use 0 to switch a criterion off, or remove it"
        elif etype == "finite_number":
            msg = f"{loc[-1]} must be a finite number, got {err.get('input')!r}"
        elif etype == "missing":
            msg = f"required key {loc[-1]!r} is missing"
            fix = f"add '{loc[-1]}:'"
        elif etype == "value_error":
            msg = msg.removeprefix("Value error, ")
        out.append(Problem(msg, file=file, key=_dotted(loc), line=line_of(lines, loc), fix=fix))
    return out


def available_scenarios(data: str | Path | None = None) -> list[str]:
    d = scenarios_dir(data)
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def resolve_scenario_path(
    ref: str, data: str | Path | None = None, relative_to: Path | None = None
) -> Path:
    """Find a scenario by path or by name among the bundled scenarios."""
    candidates = []
    p = Path(ref)
    if relative_to is not None and not p.is_absolute():
        candidates.append(relative_to / p)
        if p.suffix == "":
            candidates.append(relative_to / f"{ref}.yaml")
    candidates.append(p)
    if p.suffix == "" and "/" not in ref:
        candidates.append(scenarios_dir(data) / f"{ref}.yaml")
    for c in candidates:
        if c.is_file():
            return c
    names = available_scenarios(data)
    close = difflib.get_close_matches(ref, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise SitingError(
        f"scenario {ref!r} not found",
        file=str(relative_to) if relative_to else None,
        fix=f"{hint}give a path to a .yaml file or one of: {', '.join(names) or '(none)'}",
    )


_LAYERS: dict[tuple[str, int, int], tuple[Any, dict[KeyPath, int]]] = {}


def _parse_layer(path: Path) -> tuple[Any, dict[KeyPath, int]]:
    """Parse a scenario file once per process (a layer several scenarios extend, such as
    base.yaml in ``siting compare``, is not parsed again); keyed by path, mtime and size."""
    import copy

    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        return load_yaml_file(path)  # reports the missing file
    if key not in _LAYERS:
        _LAYERS[key] = load_yaml_file(path)
    data, lines = _LAYERS[key]
    return copy.deepcopy(data), dict(lines)


def _read_layer(path: Path) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    data, lines = _parse_layer(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SitingError(
            "a scenario must be a mapping of keys (name, criteria, ...)",
            file=str(path),
            line=1,
            fix="start the file with 'name: my-scenario' and a 'criteria:' block",
        )
    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        raise SitingError.from_problems(
            _problems_from_validation(exc, str(path), lines),
        ) from None
    return data, lines


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(parent)
    for key, val in child.items():
        if key in ("extends", "name"):
            continue
        if key == "criteria" and isinstance(val, dict):
            crit = dict(parent.get("criteria") or {})
            for cid, spec in val.items():
                if spec is None:
                    crit[cid] = None
                elif isinstance(crit.get(cid), dict) and isinstance(spec, dict):
                    crit[cid] = {**crit[cid], **spec}
                else:
                    crit[cid] = spec
            out["criteria"] = crit
        elif key == "constraints" and isinstance(val, list):
            base = list(parent.get("constraints") or [])
            for c in val:
                cid = c.get("id") if isinstance(c, dict) else None
                idx = next(
                    (
                        i
                        for i, b in enumerate(base)
                        if cid and isinstance(b, dict) and b.get("id") == cid
                    ),
                    None,
                )
                if idx is None:
                    base.append(c)
                else:
                    base[idx] = {**base[idx], **c}
            out["constraints"] = base
        else:
            out[key] = val
    return out


def load_scenario(ref: str | Path, data: str | Path | None = None) -> Scenario:
    """Load a scenario by name or path, following ``extends`` (rejecting cycles and gaps)."""
    path = resolve_scenario_path(str(ref), data)
    stack: list[Path] = []
    layers: list[tuple[Path, dict[str, Any], dict[KeyPath, int]]] = []
    current = path
    while True:
        real = current.resolve()
        if real in stack:
            cycle = " -> ".join(p.name for p in [*stack, real])
            raise SitingError(
                f"'extends' forms a cycle: {cycle}",
                file=str(current),
                key="extends",
                fix="remove 'extends' from one of these files",
            )
        stack.append(real)
        raw, lines = _read_layer(current)
        layers.append((current, raw, lines))
        parent_ref = raw.get("extends")
        if not parent_ref:
            break
        try:
            current = resolve_scenario_path(str(parent_ref), data, relative_to=current.parent)
        except SitingError as exc:
            raise SitingError(
                f"'extends: {parent_ref}' does not point to a scenario file",
                file=str(current),
                key="extends",
                line=lines.get(("extends",)),
                fix=exc.fix,
            ) from None
    merged: dict[str, Any] = {}
    origins: dict[str, tuple[str, int | None]] = {}
    for file, raw, lines in reversed(layers):
        merged = _merge(merged, raw)
        for key, line in lines.items():
            origins[_dotted(key)] = (str(file), line)
    top_raw_name = layers[0][1].get("name")
    merged["name"] = top_raw_name or path.stem
    if len(layers) > 1 and not layers[0][1].get("description"):
        parent_name = layers[1][1].get("name") or layers[1][0].stem
        parent_desc = merged.get("description") or ""
        if isinstance(parent_desc, Mapping):
            merged["description"] = {
                k: v
                for k, v in (
                    ("ko", f"'{parent_name}'의 변형. {parent_desc.get('ko') or ''}".strip()),
                    ("en", f"Variant of '{parent_name}'. {parent_desc.get('en') or ''}".strip()),
                )
                if parent_desc.get(k) or k == "en"
            }
        else:
            merged["description"] = (f"Variant of '{parent_name}'. " + str(parent_desc)).strip()
    top_file, _, top_lines = layers[0]
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as exc:  # pragma: no cover - layers were validated one by one
        raise SitingError.from_problems(
            _problems_from_validation(exc, str(top_file), top_lines)
        ) from None
    scenario._file = str(path)
    scenario._lines = origins
    scenario._chain = [str(p) for p, _, _ in layers]
    _check_weights(scenario)
    return scenario


def _check_weights(s: Scenario) -> None:
    active = s.active_criteria
    if not active:
        raise SitingError(
            "the scenario has no criteria",
            file=s.file,
            key="criteria",
            fix="add at least one indicator under 'criteria:' with a weight",
        )
    problems = []
    for cid, c in active.items():
        if c.weight is None:
            f, line = s.where("criteria", cid)
            problems.append(
                Problem(
                    "criterion has no weight",
                    file=f,
                    line=line,
                    key=f"criteria.{cid}",
                    fix=f"add 'weight:' under {cid}",
                )
            )
    if problems:
        raise SitingError.from_problems(problems)
    if sum(c.weight or 0 for c in active.values()) <= 0:
        f, line = s.where("criteria")
        raise SitingError(
            "all weights are zero",
            file=f,
            line=line,
            key="criteria",
            fix="give at least one criterion a positive weight",
        )
