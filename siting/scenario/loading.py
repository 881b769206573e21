"""Loading scenarios: by bundled name, YAML path or dict, following ``extends``.

A scenario may ``extends:`` another one; the child is deep-merged over the parent (criteria key
by key, ``null`` removes a parent criterion; constraints with the same ``id`` replace the
parent's, others are appended). Every layer is validated on its own, then the merged whole,
then its weights (:mod:`siting.scenario.validation`), whatever the scenario was given as.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from siting._errors import SitingError
from siting._paths import scenarios_dir
from siting._yaml import KeyPath, load_yaml_file
from siting.scenario.model import Scenario, dotted
from siting.scenario.validation import check_weights, validate_document

DICT_FILE = "<dict>"  # the file name problems give for a scenario passed as a dict
DICT_NAME = "scenario"  # the name of a dict scenario without ``name``


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


# ---------------------------------------------------------------------- layers

_PARSED: dict[tuple[str, int, int], tuple[Any, dict[KeyPath, int]]] = {}


def _parse_file(path: Path) -> tuple[Any, dict[KeyPath, int]]:
    """Parse a scenario file once per process (a layer several scenarios extend, such as
    base.yaml in ``siting compare``, is not parsed again); keyed by path, mtime and size."""
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        return load_yaml_file(path)  # reports the missing file
    if key not in _PARSED:
        _PARSED[key] = load_yaml_file(path)
    data, lines = _PARSED[key]
    return copy.deepcopy(data), dict(lines)


@dataclass(frozen=True)
class _Layer:
    """One document of an ``extends`` chain."""

    file: str  # its path, or DICT_FILE
    folder: Path | None  # where a relative ``extends`` is looked up (None: the working folder)
    raw: dict[str, Any]
    lines: dict[KeyPath, int]
    stem: str  # its name when it sets none

    def origins(self) -> Iterator[tuple[str, tuple[str, int | None]]]:
        """(dotted key, (file, line)) for every key this layer sets."""
        if self.folder is None:  # a dict: no lines, but its keys are its own
            yield from ((dotted(k), (self.file, None)) for k in _key_paths(self.raw))
        else:
            yield from ((dotted(k), (self.file, line)) for k, line in self.lines.items())


def _key_paths(value: Any, prefix: KeyPath = ()) -> Iterator[KeyPath]:
    items = value.items() if isinstance(value, Mapping) else enumerate(value)
    for k, v in items:
        yield (*prefix, k)
        if isinstance(v, Mapping | list):
            yield from _key_paths(v, (*prefix, k))


def _file_layer(path: Path) -> _Layer:
    data, lines = _parse_file(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SitingError(
            "a scenario must be a mapping of keys (name, criteria, ...)",
            file=str(path),
            line=1,
            fix="start the file with 'name: my-scenario' and a 'criteria:' block",
        )
    validate_document(data, str(path), lines)
    return _Layer(str(path), path.parent, data, lines, path.stem)


def _dict_layer(doc: Mapping[str, Any]) -> _Layer:
    data = copy.deepcopy(dict(doc))
    validate_document(data, DICT_FILE, {})
    return _Layer(DICT_FILE, None, data, {}, DICT_NAME)


def _parent_path(layer: _Layer, data: str | Path | None) -> Path:
    ref = str(layer.raw["extends"])
    try:
        return resolve_scenario_path(ref, data, relative_to=layer.folder)
    except SitingError as exc:
        raise SitingError(
            f"'extends: {ref}' does not point to a scenario file",
            file=layer.file,
            key="extends",
            line=layer.lines.get(("extends",)),
            fix=exc.fix,
        ) from None


def _chain(first: _Layer, data: str | Path | None) -> list[_Layer]:
    """The layers from ``first`` up its ``extends`` chain, child first (rejecting cycles)."""
    layers = [first]
    seen = [] if first.folder is None else [Path(first.file).resolve()]
    while layers[-1].raw.get("extends"):
        path = _parent_path(layers[-1], data)
        real = path.resolve()
        if real in seen:
            cycle = " -> ".join(p.name for p in [*seen, real])
            raise SitingError(
                f"'extends' forms a cycle: {cycle}",
                file=str(path),
                key="extends",
                fix="remove 'extends' from one of these files",
            )
        seen.append(real)
        layers.append(_file_layer(path))
    return layers


def merge_layers(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` deep-merged over ``parent`` (``extends`` and ``name`` are not inherited)."""
    out = dict(parent)
    for key, val in child.items():
        if key in ("extends", "name"):
            continue
        if key == "criteria" and isinstance(val, dict):
            out["criteria"] = _merge_criteria(dict(parent.get("criteria") or {}), val)
        elif key == "constraints" and isinstance(val, list):
            out["constraints"] = _merge_constraints(list(parent.get("constraints") or []), val)
        else:
            out[key] = val
    return out


def _merge_criteria(crit: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    for cid, spec in child.items():
        if spec is None:
            crit[cid] = None
        elif isinstance(crit.get(cid), dict) and isinstance(spec, dict):
            crit[cid] = {**crit[cid], **spec}
        else:
            crit[cid] = spec
    return crit


def _merge_constraints(base: list[Any], child: list[Any]) -> list[Any]:
    for c in child:
        cid = c.get("id") if isinstance(c, dict) else None
        idx = next(
            (i for i, b in enumerate(base) if cid and isinstance(b, dict) and b.get("id") == cid),
            None,
        )
        if idx is None:
            base.append(c)
        else:
            base[idx] = {**base[idx], **c}
    return base


def _variant_description(parent: _Layer, parent_desc: Any) -> Any:
    """The description of a child that gives none: 'Variant of <parent>.' and the parent's."""
    parent_name = parent.raw.get("name") or parent.stem
    parent_desc = parent_desc or ""
    if not isinstance(parent_desc, Mapping):
        return (f"Variant of '{parent_name}'. " + str(parent_desc)).strip()
    return {
        k: v
        for k, v in (
            ("ko", f"'{parent_name}'의 변형. {parent_desc.get('ko') or ''}".strip()),
            ("en", f"Variant of '{parent_name}'. {parent_desc.get('en') or ''}".strip()),
        )
        if parent_desc.get(k) or k == "en"
    }


def _assemble(layers: list[_Layer]) -> Scenario:
    """The merged, validated scenario of a chain, with where each key was set."""
    merged: dict[str, Any] = {}
    origins: dict[str, tuple[str, int | None]] = {}
    for layer in reversed(layers):
        merged = merge_layers(merged, layer.raw)
        origins.update(layer.origins())
    top = layers[0]
    merged["name"] = top.raw.get("name") or top.stem
    if len(layers) > 1 and not top.raw.get("description"):
        merged["description"] = _variant_description(layers[1], merged.get("description"))
    scenario = validate_document(merged, top.file, top.lines)
    scenario._file = top.file
    scenario._lines = origins
    scenario._chain = [layer.file for layer in layers]
    return scenario


def load_scenario(ref: str | Path | Mapping[str, Any], data: str | Path | None = None) -> Scenario:
    """A scenario from a bundled name (``"base"``), a YAML path, or a dict with the keys of the
    YAML format (``extends`` included), validated the same way in all three cases."""
    if isinstance(ref, Mapping):
        first = _dict_layer(ref)
    else:
        first = _file_layer(resolve_scenario_path(str(ref), data))
    scenario = _assemble(_chain(first, data))
    check_weights(scenario)
    return scenario
