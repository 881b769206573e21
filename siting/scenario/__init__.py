"""Scenario layer: YAML scenarios (or dicts), their model, loading, validation and schema.

:mod:`~siting.scenario.model` the pydantic model; :mod:`~siting.scenario.text` two-language
texts; :mod:`~siting.scenario.loading` names, paths, dicts and ``extends``;
:mod:`~siting.scenario.validation` every check, those against a dataset included;
:mod:`~siting.scenario.schema` the JSON Schema.
"""
