"""Scenario layer: YAML scenarios, their schema and validation."""
