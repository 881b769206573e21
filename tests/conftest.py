"""Shared fixtures: an in-memory dataset built from a matrix, the bundled data, and the CLI
(in-process ``run``, real-process ``run_process``)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np
import pytest

from siting.cli import main
from siting.data.dataset import Dataset
from siting.data.synthetic import dataset_from_matrix
from siting.scenario.model import Scenario

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
    """The installed console script (for the tests that need a real process)."""
    exe = shutil.which("siting", path=os.path.dirname(sys.executable)) or shutil.which("siting")
    if exe is None:
        pytest.fail("the 'siting' console script is not installed: pip install -e '.[test]'")
    return exe


def _text_stream() -> io.TextIOWrapper:
    """A non-terminal stream with a byte buffer, as a pipe is (``-o -`` writes bytes)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)


def _read(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


@pytest.fixture()
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run ``siting ARGS`` in-process through ``siting.cli.main`` (as the console script does):
    in ``cwd`` (default: a fresh temporary folder) with ``env`` added and COLUMNS=200; returns a
    CompletedProcess with text output. Signals, stdin and the console script itself: use
    ``run_process``."""

    def _run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as mp:
            mp.chdir(cwd or tmp_path)
            for key, value in {"COLUMNS": "200", **(env or {})}.items():
                mp.setenv(key, value)
            out, err = _text_stream(), _text_stream()
            mp.setattr(sys, "stdout", out)
            mp.setattr(sys, "stderr", err)
            mp.setattr(sys, "argv", ["siting", *map(str, args)])
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:  # what escapes main (--debug): the interpreter prints it, exit 1
                err.write(traceback.format_exc())
                code = 1
            return subprocess.CompletedProcess(["siting", *args], code, _read(out), _read(err))

    return _run


@pytest.fixture()
def run_process(siting_bin: str, tmp_path: Path):
    """Run the installed console script in a child process (same interface as ``run``)."""

    def _run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
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
