"""Outputs layer: terminal tables, exports and maps built from results."""
