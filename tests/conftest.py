"""Shared fixtures: an in-memory dataset built from a matrix, and the bundled data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from siting.data.dataset import Dataset
from siting.data.synthetic import dataset_from_matrix
from siting.scenario.config import Scenario

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
# tests (and the commands they start) use their own dataset cache, never the user's
os.environ.setdefault("SITING_CACHE_DIR", tempfile.mkdtemp(prefix="siting-test-cache-"))


def make_dataset(matrix: np.ndarray, directions: list[str] | None = None) -> Dataset:
    """A dataset with regions R00.., indicators c0.. and the given values (NaN = gap)."""
    return dataset_from_matrix(matrix, directions)


def make_scenario(weights: list[float], **extra: object) -> Scenario:
    crit = {f"c{j}": {"weight": w} for j, w in enumerate(weights)}
    for key, spec in dict(extra.pop("criteria", {}) or {}).items():  # type: ignore[call-overload]
        crit[key] = {**crit.get(key, {}), **spec}
    return Scenario.model_validate({"name": "t", "criteria": crit, **extra})


@pytest.fixture(scope="session")
def siting_bin() -> str:
    """The installed console script (tests drive the real entry point)."""
    exe = shutil.which("siting", path=os.path.dirname(sys.executable)) or shutil.which("siting")
    if exe is None:
        pytest.fail("the 'siting' console script is not installed: pip install -e '.[test]'")
    return exe


@pytest.fixture()
def run(siting_bin: str, tmp_path: Path):
    """Run the CLI; returns CompletedProcess with text output."""

    def _run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
        full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
        return subprocess.run(
            [siting_bin, *args],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            env=full_env,
            timeout=120,
        )

    return _run
