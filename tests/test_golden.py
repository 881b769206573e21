"""Golden outputs: every command's output for every shipped scenario at both levels.

The first run of a case records it under ``tests/golden/``; later runs must be byte-identical.
Refactors keep these files unchanged; a change that is meant to alter output regenerates them
with ``SITING_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and names the change in its
commit. Small outputs are stored whole (diffs are readable); maps and large JSON as SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from siting.cli import app

from .conftest import DATA

GOLDEN = Path(__file__).parent / "golden"
DIGESTS = GOLDEN / "digests.json"
WHOLE_LIMIT = 60_000  # bytes: larger outputs are stored as a digest
SCENARIOS = sorted(p.stem for p in (DATA / "scenarios").glob("*.yaml"))
# scenarios written for one level only (``level: sigungu``) are run at that level only
ONLY = {
    p.stem: line.split(":", 1)[1].strip()
    for p in (DATA / "scenarios").glob("*.yaml")
    for line in p.read_text(encoding="utf-8").splitlines()
    if line.startswith("level:")
}
LEVELS = ("sido", "sigungu")
FORMATS = ("table", "csv", "json", "markdown")
EXPLAIN = {"sido": "경북", "sigungu": "포항"}
UPDATE = os.environ.get("SITING_UPDATE_GOLDEN") == "1"


def _cases() -> list[tuple[str, list[str], bool]]:
    """(name, argv, writes_file): argv with ``{out}`` where a file output goes."""
    cases: list[tuple[str, list[str], bool]] = []
    for level in LEVELS:
        lv = ["--level", level]
        names = [s for s in SCENARIOS if ONLY.get(s, level) == level]
        for s in names:
            for f in FORMATS:
                cases.append((f"rank-{level}-{s}.{f}", ["rank", "-s", s, "-f", f, *lv], False))
            cases.append(
                (f"explain-{level}-{s}.table", ["explain", EXPLAIN[level], "-s", s, *lv], False)
            )
            cases.append((f"backtest-{level}-{s}.table", ["backtest", "-s", s, *lv], False))
            cases.append((f"map-{level}-{s}.html", ["map", "-s", s, "-o", "{out}", *lv], True))
        cases.append(
            (f"explain-{level}-base.json", ["explain", EXPLAIN[level], "-f", "json", *lv], False)
        )
        cases.append((f"compare-{level}.table", ["compare", *names, *lv], False))
        cases.append((f"compare-{level}.json", ["compare", *names, "-f", "json", *lv], False))
        for f in ("table", "json"):
            cases.append(
                (
                    f"sensitivity-{level}-base.{f}",
                    ["sensitivity", "-s", "base", "-n", "500", "--seed", "7", "-f", f, *lv],
                    False,
                )
            )
        # the data table's title names the data folder (its centring depends on the path)
        cases.append((f"data-{level}.csv", ["data", "-f", "csv", *lv], False))
        en_map = ["map", "--lang", "en", "-o", "{out}", *lv]
        cases.append((f"map-{level}-base-en.html", en_map, True))
        cases.append((f"rank-{level}-base-en.table", ["rank", "--lang", "en", *lv], False))
    cases.append(("fit-weights-sido.table", ["fit-weights"], False))
    cases.append(("sources-sido.table", ["sources", "power_self_sufficiency"], False))
    cases.append(("validate.table", ["validate"], False))
    return cases


def _run(argv: list[str], writes_file: bool, tmp: Path) -> bytes:
    out = tmp / "out.bin"
    argv = [a.replace("{out}", str(out)) for a in argv]
    env = {"COLUMNS": "120", "SITING_DATA": str(DATA), "NO_COLOR": "1", "TERM": "dumb"}
    res = CliRunner().invoke(app, argv, env=env, catch_exceptions=False)
    assert res.exit_code == 0, f"{argv}: exit {res.exit_code}\n{res.output}"
    got = out.read_bytes() if writes_file else res.stdout_bytes
    # outputs name the data folder: record it relative to the checkout, wherever that is
    return got.replace(str(DATA.parent).encode(), b"<repo>")


def test_outputs_match_golden(tmp_path: Path) -> None:
    digests: dict[str, dict[str, object]] = (
        json.loads(DIGESTS.read_text(encoding="utf-8")) if DIGESTS.exists() else {}
    )
    changed: list[str] = []
    new_digests: dict[str, dict[str, object]] = {}
    for name, argv, writes_file in _cases():
        got = _run(argv, writes_file, tmp_path)
        whole = len(got) <= WHOLE_LIMIT and not name.endswith(".html")
        path = GOLDEN / name
        if whole:
            if path.exists() and path.read_bytes() == got:
                continue
            if UPDATE or not path.exists():
                GOLDEN.mkdir(exist_ok=True)
                path.write_bytes(got)
                continue
        else:
            entry = {"sha256": hashlib.sha256(got).hexdigest(), "bytes": len(got)}
            new_digests[name] = entry
            if digests.get(name) == entry or UPDATE or name not in digests:
                continue
        changed.append(" ".join(argv))
    if new_digests and (UPDATE or any(n not in digests for n in new_digests)):
        merged = (
            {**digests, **new_digests}
            if not UPDATE
            else {**{k: v for k, v in digests.items() if k not in new_digests}, **new_digests}
        )
        DIGESTS.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert not changed, (
        f"{len(changed)} output(s) differ from tests/golden (regenerate with "
        "SITING_UPDATE_GOLDEN=1 only when the change is intended):\n  " + "\n  ".join(changed)
    )


@pytest.mark.parametrize("name", ["rank-sido-base.table", "rank-sigungu-base.csv"])
def test_golden_files_are_recorded(name: str) -> None:
    """The golden folder holds the recorded outputs (a missing file would pass silently)."""
    assert (GOLDEN / name).exists(), "record with SITING_UPDATE_GOLDEN=1 (see module docstring)"
