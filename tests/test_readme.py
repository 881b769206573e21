"""The README cannot go stale: its figures, hash and command list are checked against the code."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from siting.cli import app
from siting.data.dataset import load_dataset

from .conftest import DATA

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
TOUR = README.split("## Tour", 1)[1].split("```sh", 1)[1].split("```", 1)[0]


def test_indicator_counts_match_the_data() -> None:
    ds = load_dataset(DATA)
    assert f"{len(ds.indicators)} indicators for the 17 시도" in README
    sub = load_dataset(DATA, level="sigungu")
    own = 0
    for iid, ind in sub.indicators.items():
        vals = sub.array(iid, ind.period)
        own += int(np.sum(~np.isnan(vals) & ~sub.inherited_mask(iid, ind.period)) >= 200)
    assert f"{own} indicators have values of the units' own for at least 200" in README


def test_example_hash_is_the_current_one() -> None:
    out = CliRunner().invoke(app, ["rank", "-f", "csv"], env={"SITING_DATA": str(DATA)}).stdout
    current = out.strip().splitlines()[-1].split(",")[-1]
    assert re.search(r"`hash ([0-9a-f]{12})`", README).group(1) == current  # type: ignore[union-attr]


def test_tour_names_every_command_and_only_real_ones() -> None:
    registered = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    toured = set(re.findall(r"^siting ([a-z-]+)", TOUR, flags=re.M)) - {"--help"}
    assert toured == registered


def test_tour_writes_no_files_in_the_repository_root() -> None:
    commands = "\n".join(line.split("#", 1)[0] for line in TOUR.splitlines())
    for target in re.findall(r"(?:-o|--png|--map) (\S+)", commands):
        assert "/" in target and target.split("/")[0] in ("maps", "exports"), target


def test_the_python_example_runs(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The README's notebook-style example, run as written (from an empty folder)."""
    import contextlib
    import io

    code = README.split("```python", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SITING_DATA", str(DATA))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    text = out.getvalue()
    assert "경북" in text and (tmp_path / "maps" / "power-first-en.html").stat().st_size > 10_000


def test_the_api_is_documented_and_lazy() -> None:
    import subprocess
    import sys

    import siting

    for name in siting.__all__:
        assert getattr(siting, name) is not None
        assert name == "__version__" or getattr(siting, name).__doc__, name
    probe = "import sys, siting; print('numpy' in sys.modules, 'pandas' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.split() == ["False", "False"], loaded.stdout + loaded.stderr
