"""Pydantic models of the rows of a data folder: indicators, sources, facilities, decisions
and values.

Each model states one row's rules; a failed rule is a pydantic error whose message is the one
the project prints and whose context carries the key and the fix, so :func:`row_problems` turns
errors into :class:`~siting._errors.Problem` s naming file, line, key and fix. Rules that need
the rest of the dataset (known region codes and source ids) read them from the validation
context. Lists of rows are validated in one call of a cached ``TypeAdapter``; values are
validated by column, on each column's distinct strings (:func:`validate_column`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, NoReturn

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from siting._errors import Problem
from siting.data.periods import parse_period
from siting.data.records import MAX_QUOTE, SOURCE_KINDS, URL_OPTIONAL_KINDS

# Mainland, islands and EEZ-adjacent islets of South Korea lie inside this box.
LAT = (33.0, 38.7)
LON = (124.5, 132.0)


def _fail(kind: str, message: str, key: str | None = None, fix: str | None = None) -> NoReturn:
    """Raise the pydantic error that becomes one problem (``key`` None: the row's own key)."""
    raise PydanticCustomError(kind, message, {"key": key, "fix": fix})


def _known(info: ValidationInfo, name: str) -> Any:
    return (info.context or {}).get(name)


def _period(text: str) -> str:
    try:
        parse_period(text)
    except ValueError as exc:
        _fail("period", str(exc))
    return text


Period = Annotated[str, AfterValidator(_period)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


# ---------------------------------------------------------------------- sources


class SourceRow(_Row):
    """A row of sources.csv; a failed rule keeps the row (with tier 3 when the tier is bad)."""

    id: str
    title: str
    publisher: str
    date: str
    kind: str
    url: str
    tier: int
    via: str = ""
    note: str = ""

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v not in SOURCE_KINDS:
            _fail(
                "source_kind",
                f"unknown source kind {v!r}",
                fix=f"use one of {', '.join(SOURCE_KINDS)}",
            )
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str, info: ValidationInfo) -> str:
        if not v and info.data.get("kind") not in URL_OPTIONAL_KINDS:
            _fail("source_url", "a source needs a URL")
        return v

    @field_validator("tier", mode="before")
    @classmethod
    def _tier(cls, v: Any) -> int:
        try:
            return int(v)
        except (TypeError, ValueError):
            _fail("source_tier", "tier must be 1, 2 or 3")


# ---------------------------------------------------------------------- facilities


def _known_source(v: str, info: ValidationInfo) -> str:
    """A source id of the dataset (any id when the context has no sources)."""
    sources = _known(info, "sources")
    if sources is not None and v not in sources:
        _fail("source", f"unknown source {v!r}", key="source")
    return v


def _in_box(lat: float, lon: float) -> bool:
    return LAT[0] <= lat <= LAT[1] and LON[0] <= lon <= LON[1]


class FacilityRow(_Row):
    """A row of facilities.csv: coordinates in South Korea, a known province and source."""

    id: str
    lon: str
    lat: str
    sido: str
    source: str

    @field_validator("lat")
    @classmethod
    def _coordinates(cls, v: str, info: ValidationInfo) -> str:
        try:
            lat, lon = float(v), float(info.data.get("lon", ""))
        except ValueError:
            lat = lon = math.nan
        if not (math.isfinite(lat) and math.isfinite(lon)):
            _fail("coordinates", "lat/lon must be numbers")
        if not _in_box(lat, lon):
            _fail(
                "coordinates",
                f"coordinates {lat}, {lon} are outside South Korea",
                fix="lat is about 33-38.6 and lon about 124.5-131.9 (WGS84 degrees)",
            )
        return v

    @field_validator("sido")
    @classmethod
    def _sido(cls, v: str, info: ValidationInfo) -> str:
        if v not in _known(info, "regions"):
            _fail("region", f"unknown region code {v!r}", key="sido")
        return v

    @field_validator("source")
    @classmethod
    def _source(cls, v: str, info: ValidationInfo) -> str:
        return _known_source(v, info)


# ---------------------------------------------------------------------- decisions


def _codes(v: str, info: ValidationInfo, key: str) -> str:
    known = _known(info, "regions")
    bad = [c for c in filter(None, v.split(";")) if c.strip() not in known]
    if bad:
        raise PydanticCustomError(
            "regions",
            "unknown region code(s)",
            {"problems": [(f"unknown region code {c!r}", key, None) for c in bad]},
        )
    return v


class DecisionRow(_Row):
    """A row of decisions.csv: a readable date, known chosen and rival regions, a source."""

    id: str
    date: Period
    chosen: str
    rivals: str = ""
    source: str

    @field_validator("chosen")
    @classmethod
    def _chosen(cls, v: str, info: ValidationInfo) -> str:
        if not v:
            _fail("chosen", "a decision needs a chosen region", key="")
        return _codes(v, info, "chosen")

    @field_validator("rivals")
    @classmethod
    def _rivals(cls, v: str, info: ValidationInfo) -> str:
        return _codes(v, info, "rivals")

    @field_validator("source")
    @classmethod
    def _source(cls, v: str, info: ValidationInfo) -> str:
        return _known_source(v, info)


# ---------------------------------------------------------------------- indicators


def _text(v: Any) -> Any:
    """A YAML scalar as text (``period: 2025`` is the period "2025"), as the files are read."""
    return v if isinstance(v, str | dict | list) or v is None else str(v)


Text = Annotated[str, BeforeValidator(_text)]
LongText = Annotated[str, BeforeValidator(lambda v: "" if v is None else _text(v))]


class IndicatorSpec(BaseModel):
    """One definition of indicators.yaml (unknown fields are reported by the reader)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    name_ko: Text
    name_en: Text
    unit: Text
    direction: str
    group: Text
    period: Text
    description: LongText
    caveats: LongText = ""
    kind: Text = "numeric"
    range: tuple[float, float] | None = None
    computed_from: list[Text] | None = None
    encodes_decisions: bool = False
    known_from_start: bool = False
    publication_lag_months: int | None = None

    @field_validator("direction")
    @classmethod
    def _direction(cls, v: str) -> str:
        if v not in ("benefit", "cost"):
            _fail("direction", f"direction must be benefit or cost, not {v!r}")
        return v


_INDICATOR_FIXES = {
    "range": "write range: [low, high] with two numbers in the indicator's unit",
    "computed_from": "write computed_from: [input, ...] with indicator ids or data files",
    "publication_lag_months": "write a whole number of months, e.g. publication_lag_months: 3",
    "encodes_decisions": "write true or false",
    "known_from_start": "write true or false",
}


def indicator_errors(spec: dict[str, Any]) -> tuple[IndicatorSpec | None, list[str], list]:
    """``spec`` validated: the definition (None when a rule fails), the names of missing
    required fields and, for every other broken rule, (field, message, fix)."""
    try:
        return _indicator_adapter().validate_python(spec), [], []
    except ValidationError as exc:
        errors = exc.errors()
    missing = [str(e["loc"][0]) for e in errors if e["type"] == "missing"]
    other = []
    for e in errors:
        if e["type"] == "missing":
            continue
        name = str(e["loc"][0])
        if e["type"] == "direction":
            other.append((name, e["msg"], None))
        else:
            msg = f"{name} is not valid: {spec.get(name)!r} ({e['msg'].lower()})"
            other.append((name, msg, _INDICATOR_FIXES.get(name)))
    first = {name: (name, msg, fix) for name, msg, fix in reversed(other)}  # one per field
    return None, missing, [first[name] for name in dict.fromkeys(o[0] for o in other)]


@cache
def _indicator_adapter() -> TypeAdapter:
    return TypeAdapter(IndicatorSpec)


# ---------------------------------------------------------------------- values


def _member(name: str, kind: str, message: str, fix: str):  # type: ignore[no-untyped-def]
    def check(v: str, info: ValidationInfo) -> str:
        if v not in _known(info, name):
            _fail(kind, message.format(v=v), key=kind, fix=fix)
        return v

    return check


class ValueRow(_Row):
    """The rules of one cell of values.csv that need no other column; checked by column on the
    distinct strings (:func:`validate_column`). ``value`` is a number (commas allowed) or empty."""

    region: Annotated[
        str,
        AfterValidator(
            _member(
                "regions",
                "region",
                "unknown region code {v!r}",
                "use a code from regions.csv (e.g. 47 for 경북)",
            )
        ),
    ]
    indicator: Annotated[
        str,
        AfterValidator(
            _member(
                "indicators",
                "indicator",
                "unknown indicator {v!r}",
                "define it in indicators.yaml first",
            )
        ),
    ]
    period: Period
    value: Annotated[float, AllowInfNan(False)]
    quote: Annotated[str, StringConstraints(max_length=MAX_QUOTE)]


def _value_problem(text: str, etype: str) -> tuple[str, str]:
    if etype == "finite_number":
        return (
            f"value {text!r} is NaN or infinite",
            "write a finite number, or leave the value empty (a gap) with a note",
        )
    return (
        f"value {text!r} is not a number",
        "write a plain number such as 262.6 (units go in indicators.yaml)",
    )


def parse_numbers(texts: Sequence[str]) -> tuple[list[float], dict[int, tuple[str, str]]]:
    """``ValueRow.value`` for each non-empty text (commas are thousands separators): the
    numbers (NaN where invalid) and, by position, the (message, fix) of each invalid one."""
    clean = [t.replace(",", "") for t in texts]
    try:
        return _column_adapter("value").validate_python(clean), {}
    except ValidationError as exc:
        bad = {int(e["loc"][0]): e["type"] for e in exc.errors()}
    out = [math.nan if i in bad else float(t) for i, t in enumerate(clean)]
    return out, {i: _value_problem(texts[i], t) for i, t in bad.items()}


@cache
def _column_adapter(column: str) -> TypeAdapter:
    field = ValueRow.model_fields[column]
    return TypeAdapter(list[Annotated[field.annotation, *field.metadata]])  # type: ignore[misc]


def validate_column(
    column: str, items: Sequence[str], context: dict[str, Any]
) -> dict[int, tuple[str, str | None]]:
    """Check the distinct strings of one value column against ``ValueRow``; by position, the
    (message, fix) of each string that fails."""
    try:
        _column_adapter(column).validate_python(list(items), context=context)
    except ValidationError as exc:
        out = {}
        for e in exc.errors():
            i = int(e["loc"][0])
            if e["type"] == "string_too_long":
                msg = f"quote is {len(items[i])} characters; keep it under ~200"
                out[i] = (msg, "shorten it to the sentence that states the value")
            else:
                out[i] = (e["msg"], (e.get("ctx") or {}).get("fix"))
        return out
    return {}


# ---------------------------------------------------------------------- rows to problems


@cache
def _adapter(model: type[_Row]) -> TypeAdapter:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def row_problems(
    model: type[_Row],
    rows: Sequence[dict[str, str]],
    file: str,
    context: dict[str, Any] | None = None,
    key_field: str | None = "id",
) -> dict[int, list[Problem]]:
    """Validate ``rows`` (dicts with a ``_line``) against ``model``; by row position, the
    problems of each row that breaks a rule (empty when every row holds)."""
    try:
        _adapter(model).validate_python(rows, context=context)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        return {}
    out: dict[int, list[Problem]] = {}
    for e in errors:
        i = int(e["loc"][0])
        row = rows[i]
        ctx = e.get("ctx") or {}
        items = ctx.get("problems") or [(e["msg"], ctx.get("key"), ctx.get("fix"))]
        for msg, key, fix in items:
            if key is None:  # the row's id, or the field's name
                key = row.get(key_field) if key_field else str(e["loc"][-1])
            out.setdefault(i, []).append(
                Problem(msg, file=file, line=int(row["_line"]), key=key or None, fix=fix)
            )
    return out
