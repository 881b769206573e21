"""The compiled dataset cache: same dataset as from the files, rebuilt on change, never corrupt."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from siting.data import cache
from siting.data.dataset import load_dataset

from .conftest import DATA


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("SITING_CACHE_DIR", str(d))
    monkeypatch.delenv("SITING_NO_CACHE", raising=False)
    cache.set_enabled(True)
    return d


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.region_codes == b.region_codes
    assert a.indicators == b.indicators
    assert a.sources == b.sources
    assert list(a.values) == list(b.values)
    assert a.facilities == b.facilities and a.decisions == b.decisions
    assert a.problems == b.problems
    assert a.fingerprint == b.fingerprint
    for ind in a.indicators.values():
        np.testing.assert_array_equal(a.array(ind.id, ind.period), b.array(ind.id, ind.period))


@pytest.mark.parametrize("level", ["sido", "sigungu"])
def test_cached_dataset_equals_the_files(cache_dir: Path, level: str) -> None:
    fresh = load_dataset(DATA, level=level, cache=False)
    assert not cache_dir.exists()
    first = load_dataset(DATA, level=level)  # miss: read, validate, store
    entries = list(cache_dir.glob(f"dataset-{level}-*.npz"))
    assert len(entries) == 1
    second = load_dataset(DATA, level=level)  # hit
    _same(fresh, first)
    _same(fresh, second)
    if level == "sigungu":
        assert second.parent is not None
        _same(fresh.parent, second.parent)
        v = second.lookup("47110", "power_sales", "2025")
        assert v is not None and v.inherited == "47"


def test_a_changed_data_file_rebuilds(cache_dir: Path, data_copy: Path) -> None:
    before = load_dataset(data_copy)
    assert before.lookup("11", "ai_convergence_schools", "2023-05").value == 2
    path = data_copy / "values.csv"
    text = path.read_text(encoding="utf-8")
    old_row = "11,ai_convergence_schools,2023-05,2,count,"
    assert old_row in text
    path.write_text(text.replace(old_row, old_row.replace(",2,", ",3,"), 1), encoding="utf-8")
    after = load_dataset(data_copy)
    assert after.lookup("11", "ai_convergence_schools", "2023-05").value == 3
    assert after.fingerprint != before.fingerprint
    # the old entry of this folder is replaced, not kept
    assert len(list(cache_dir.glob("dataset-sido-*.npz"))) == 1


def test_a_new_topic_file_changes_the_key(data_copy: Path) -> None:
    k1 = cache.key(data_copy, "sigungu")
    (data_copy / "sigungu" / "values_new_topic.csv").write_text(
        "region,indicator,period,value,unit,source,quote\n", encoding="utf-8"
    )
    assert cache.key(data_copy, "sigungu") != k1
    k2 = cache.key(data_copy, "sigungu")
    (data_copy / "scenarios" / "mine.yaml").write_text("name: x\n", encoding="utf-8")
    assert cache.key(data_copy, "sigungu") == k2  # scenarios are not dataset files


def test_damaged_or_foreign_entries_are_misses(cache_dir: Path) -> None:
    load_dataset(DATA)
    (entry,) = cache_dir.glob("dataset-sido-*.npz")
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])  # truncated
    assert cache.load(DATA, "sido", cache.key(DATA, "sido")) is None
    ds = load_dataset(DATA)  # rebuilt from the files
    assert ds.region_codes == load_dataset(DATA, cache=False).region_codes
    assert cache.load(DATA, "sido", cache.key(DATA, "sido")) is not None
    # an entry written for another key is never used under this one
    other = cache.entry_path(DATA, "sido", "0" * 64)
    shutil.copy(entry, other)
    assert cache.load(DATA, "sido", "0" * 64) is None


def test_no_cache_switches(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITING_NO_CACHE", "1")
    load_dataset(DATA)
    assert not cache_dir.exists()
    monkeypatch.delenv("SITING_NO_CACHE")
    from typer.testing import CliRunner

    from siting.cli import app

    res = CliRunner().invoke(app, ["--no-cache", "rank", "-f", "csv"], env={"SITING_DATA": ""})
    assert res.exit_code == 0, res.output
    assert not cache_dir.exists()
    res = CliRunner().invoke(app, ["rank", "-f", "csv"])
    assert res.exit_code == 0
    assert list(cache_dir.glob("dataset-sido-*.npz"))


def test_validate_reads_the_files(cache_dir: Path, data_copy: Path) -> None:
    """A cache entry never hides a problem from a non-strict load (what validate runs)."""
    load_dataset(data_copy)
    path = data_copy / "values.csv"
    text = path.read_text(encoding="utf-8")
    old_row = "11,ai_convergence_schools,2023-05,2,count,"
    path.write_text(text.replace(old_row, "11,no_such_indicator,2023-05,2,count,", 1), "utf-8")
    ds = load_dataset(data_copy, strict=False)
    assert any("unknown indicator" in p.message for p in ds.problems)
    from siting._errors import SitingError

    with pytest.raises(SitingError):
        load_dataset(data_copy)  # the key changed: read, checked, refused


WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from siting.data import cache
    from siting.data.dataset import load_dataset
    role, root, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    key = cache.key(root, "sido")
    ds = load_dataset(root, cache=False)
    if role == "write":
        for _ in range(n):
            cache.store(ds, key)
    else:
        while not cache.entry_path(root, "sido", key).exists():
            time.sleep(0.001)
        for _ in range(n):
            hit = cache.load(root, "sido", key)
            assert hit is not None, "a reader saw a partial entry"
            assert len(hit.values) == len(ds.values)
    print("ok")
    """
)


def test_concurrent_writers_never_corrupt(cache_dir: Path, tmp_path: Path) -> None:
    """Two writers store the same entry over and over while a reader keeps loading it: the
    reader never sees a partial file, and what is left is a complete, correct entry."""
    import os

    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    env = {**os.environ, "SITING_CACHE_DIR": str(cache_dir)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), role, str(DATA), n],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role, n in (("write", "60"), ("write", "60"), ("read", "150"))
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.strip() == "ok"
    assert not list(cache_dir.glob(".tmp-*"))  # no temporary file left behind
    hit = cache.load(DATA, "sido", cache.key(DATA, "sido"))
    assert hit is not None
    _same(load_dataset(DATA, cache=False), hit)


def test_an_unwritable_cache_folder_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SITING_CACHE_DIR", str(blocker / "cache"))
    cache.set_enabled(True)
    ds = load_dataset(DATA)
    assert ds.region_codes == load_dataset(DATA, cache=False).region_codes


def test_string_buffers_round_trip(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every string list stored as a UTF-8 buffer (as large ones are) reads back the same."""
    monkeypatch.setattr(cache, "BLOB_MIN", 0)
    fresh = load_dataset(DATA, level="sigungu", cache=False)
    load_dataset(DATA, level="sigungu")
    hit = cache.load(DATA, "sigungu", cache.key(DATA, "sigungu"))
    assert hit is not None
    assert type(hit.values.cats["quote"]).__name__ == "StringBlob"
    _same(fresh, hit)
    assert hit.observations("47110", "power_sales") == fresh.observations("47110", "power_sales")


def test_derived_values_are_computed_once(cache_dir: Path) -> None:
    calls = []

    def compute() -> dict:
        calls.append(1)
        return {"label": (35.1, 129.2), "n": len(calls)}

    first = cache.memo_json("test", {"geometry": [1, 2, 3]}, compute)
    again = cache.memo_json("test", {"geometry": [1, 2, 3]}, compute)
    other = cache.memo_json("test", {"geometry": [1, 2, 4]}, compute)
    assert first == again == {"label": [35.1, 129.2], "n": 1}  # a miss returns the round trip
    assert other["n"] == 2 and len(calls) == 2
