"""JSON Schema of the scenario format, with the indicator ids for autocompletion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from siting.data.dataset import load_dataset
from siting.scenario.model import Scenario


def scenario_schema(data: str | Path | None = None) -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "siting scenario"
    try:
        ds = load_dataset(data, strict=False)
    except Exception:
        return schema
    ids = sorted(ds.indicators)
    crit = schema["properties"]["criteria"]
    crit["propertyNames"] = {"enum": ids}
    crit["description"] += " Known ids: " + ", ".join(ids)
    return schema
