"""Where the bundled data lives, in a wheel install or a source checkout."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def bundled_data_dir() -> Path:
    """The data folder shipped with the package (wheel) or the repository's ``data/``."""
    inside = _PACKAGE / "_bundled_data"
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / "data"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data folder to use: an explicit override, ``$SITING_DATA``, or the bundled one."""
    if override:
        return Path(override)
    env = os.environ.get("SITING_DATA")
    if env:
        return Path(env)
    return bundled_data_dir()


def scenarios_dir(override: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(override) / "scenarios"
