"""The scoring engine: value functions, aggregation, scoring and its result."""
