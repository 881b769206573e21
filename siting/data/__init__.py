"""Data layer: the bundled CSVs, boundaries and their validation, as a columnar dataset."""
