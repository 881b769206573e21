"""Where each file of a data folder lives, per level."""

from __future__ import annotations

from pathlib import Path

from siting.data.levels import Level

REGION_FILE = "regions.csv"
INDICATOR_FILE = "indicators.yaml"
SOURCE_FILE = "sources.csv"
VALUE_FILE = "values.csv"
FACILITY_FILE = "facilities.csv"
DECISION_FILE = "decisions.csv"
HASHED_FILES = (REGION_FILE, INDICATOR_FILE, SOURCE_FILE, VALUE_FILE)

SIGUNGU_DIR = Path(Level.SIGUNGU)  # the 시군구 files, in a folder named after the level
UNITS_FILE = SIGUNGU_DIR / "units.csv"
VALUES_FILE = SIGUNGU_DIR / "values.csv"
INDICATORS_FILE = SIGUNGU_DIR / "indicators.yaml"
SOURCES_FILE = SIGUNGU_DIR / "sources.csv"
MAP_FILE = SIGUNGU_DIR / "units.geojson"
UNIT_COLUMNS = ["code", "sido", "name_ko", "short_ko", "name_en", "short_en", "aliases", "members"]


def level_files(root: Path) -> list[Path]:
    """The 시군구 data files, relative to ``root``, in load order.

    Besides ``units.csv``, ``values.csv``, ``indicators.yaml`` and ``sources.csv``, topic files
    ``indicators_*.yaml``, ``values_*.csv`` and ``sources_*.csv`` (one per data family, each
    written by its own build script) are read in name order."""
    folder = root / SIGUNGU_DIR
    out = [UNITS_FILE, VALUES_FILE, INDICATORS_FILE]
    if (root / SOURCES_FILE).exists():
        out.append(SOURCES_FILE)
    for pattern in ("indicators_*.yaml", "values_*.csv", "sources_*.csv"):
        out += sorted(p.relative_to(root) for p in folder.glob(pattern))
    return out


def fingerprint_files(root: Path, level: Level) -> list[str]:
    """The files whose bytes determine scores at ``level`` (relative to ``root``)."""
    names = list(HASHED_FILES)
    if level is Level.SIGUNGU:
        names += [str(p) for p in level_files(root)]
    return names
