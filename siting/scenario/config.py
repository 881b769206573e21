"""Old import path of the scenario layer, kept while branches that import it are merged.

The scenario layer now lives in :mod:`~siting.scenario.model` (the pydantic model),
:mod:`~siting.scenario.text` (two-language texts), :mod:`~siting.scenario.loading` (names,
paths, dicts, ``extends``) and :mod:`~siting.scenario.validation` (every check). Import from
those; this module only re-exports their public names and goes once nothing imports it.
"""

from __future__ import annotations

from siting.scenario.loading import available_scenarios, load_scenario, resolve_scenario_path
from siting.scenario.model import (
    BUILTIN_METHODS,
    MAX_POINTS,
    MAX_WEIGHT,
    Constraint,
    Criterion,
    InheritedPolicy,
    MissingPolicy,
    Scenario,
    Step,
    never_fires,
)
from siting.scenario.text import LANGS, LocalText, Text, text

__all__ = [
    "BUILTIN_METHODS",
    "LANGS",
    "MAX_POINTS",
    "MAX_WEIGHT",
    "Constraint",
    "Criterion",
    "InheritedPolicy",
    "LocalText",
    "MissingPolicy",
    "Scenario",
    "Step",
    "Text",
    "available_scenarios",
    "load_scenario",
    "never_fires",
    "resolve_scenario_path",
    "text",
]
