"""Hostile and careless input: every case ends in exit 2 with one message naming the file, key
or line — never a traceback — within 5 s, and terminal output stays plain text.

Most cases run in-process through ``siting.cli.main`` (where errors become exit 2); the few
that need a real process (signals, standard output, memory) run the installed entry point.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from siting import _io
from siting._errors import SitingError
from siting._term import escape_controls

from .conftest import DATA

# a hang guard, not a speed test (speed is measured in benchmarks/): a YAML or geometry limit
# that stops working shows as minutes or gigabytes, far beyond this
HANG_S = 60.0
MAX_RSS_MB = 600  # a run of the CLI needs ~150 MB; an alias bomb used to take 5.7 GB


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run ``siting ARGS`` in-process through ``main`` (as the entry point does)."""
    from siting.cli import main

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        monkeypatch.delenv("SITING_DATA", raising=False)
        monkeypatch.setenv("COLUMNS", "400")  # no wrapping inside table cells
        for k, v in (env or {}).items():
            monkeypatch.setenv(k, v)
        monkeypatch.setattr(sys, "argv", ["siting", *map(str, args)])
        capsys.readouterr()
        t0 = time.perf_counter()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        seconds = time.perf_counter() - t0
        out, err = capsys.readouterr()
        return Run(code, out, err, seconds)

    return run


def flat(text: str) -> str:
    """Terminal output without whitespace and table rules (cells wrap)."""
    return "".join(c for c in text if not c.isspace() and c not in "│┃")


def clean_error(r: Run, *needles: str) -> None:
    """Exit 2, one message, every needle in it, no traceback, no hang."""
    assert r.code == 2, f"exit {r.code}\n{r.out}\n{r.err}"
    assert "Traceback" not in r.err + r.out
    assert r.err.startswith(("error: ", "Usage:")) or "problem(s)" in r.err, r.err
    for n in needles:
        assert n in r.err, f"{n!r} not in:\n{r.err}"
    assert r.seconds < HANG_S, f"took {r.seconds:.1f} s"


@pytest.fixture()
def layers(tmp_path: Path) -> Path:
    """A folder with only the boundary layers (for the geometry checks)."""
    dst = tmp_path / "layers"
    shutil.copytree(DATA / "boundaries", dst / "boundaries")
    (dst / "sigungu").mkdir()
    shutil.copy(DATA / "sigungu" / "units.geojson", dst / "sigungu")
    return dst


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def scenario(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


BASE = """\
name: t
criteria:
  grdp: {weight: 1}
"""


def proc(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple:
    """The installed entry point in a child process: (returncode, stdout, stderr, seconds)."""
    exe = shutil.which("siting", path=os.path.dirname(sys.executable)) or "siting"
    full_env = {k: v for k, v in os.environ.items() if k != "SITING_DATA"} | (env or {})
    t0 = time.perf_counter()
    p = subprocess.run([exe, *args], capture_output=True, env=full_env, cwd=cwd, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode(), time.perf_counter() - t0


# A small launcher starts the command and reports its peak RSS: measured from the test process
# itself, a forked child would count the (large) test process's pages as its own.
_LAUNCH = """
import json, os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(p.pid, 0)
sys.stderr.write(p.stderr.read().decode())
print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]))
"""


def child_peak_mb(args: list[str]) -> tuple[int, str, float, float]:
    """Run the entry point and return (exit code, stderr, peak RSS in MB, seconds)."""
    import json

    exe = shutil.which("siting", path=os.path.dirname(sys.executable)) or "siting"
    env = {k: v for k, v in os.environ.items() if k != "SITING_DATA"}
    t0 = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", _LAUNCH, exe, *args], capture_output=True, text=True, env=env
    )
    code, maxrss_kb = json.loads(run.stdout.strip().splitlines()[-1])
    return code, run.stderr, maxrss_kb / 1024, time.perf_counter() - t0


# =============================================================================== outputs


def test_fifo_target_is_refused_and_left_alone(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    clean_error(cli("rank", "-f", "csv", "-o", fifo), "FIFO", str(fifo), "-o -")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_socket_target_is_refused(cli, tmp_path: Path) -> None:
    path = tmp_path / "sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(str(path))
        clean_error(cli("rank", "-f", "csv", "-o", path), "socket", str(path))
        assert stat.S_ISSOCK(os.stat(path).st_mode)
    finally:
        s.close()


def test_character_device_is_refused(cli, tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "fakenull"
    real_stat = os.stat

    def fake_stat(p, *a, **k):  # type: ignore[no-untyped-def]
        st = real_stat(p, *a, **k) if Path(p) != fake else real_stat(tmp_path)
        if Path(p) == fake:
            return os.stat_result((stat.S_IFCHR | 0o666, *tuple(st)[1:]))
        return st

    fake.write_text("device")
    monkeypatch.setattr(os, "stat", fake_stat)
    clean_error(cli("rank", "-f", "csv", "-o", fake), "character device", str(fake))
    monkeypatch.undo()
    assert fake.read_text() == "device"


def test_dev_null_is_not_replaced(cli) -> None:
    clean_error(cli("rank", "-f", "csv", "-o", "/dev/null"), "character device", "/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_directory_target(cli, tmp_path: Path) -> None:
    clean_error(cli("rank", "-o", tmp_path), "directory", str(tmp_path))


def test_output_under_a_file_is_a_clean_error(cli, tmp_path: Path) -> None:
    f = tmp_path / "plain.txt"
    f.write_text("x")
    clean_error(cli("rank", "-o", f / "out.csv"), "cannot", str(f / "out.csv"))


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_stdout_targets_stream(target: str, tmp_path: Path) -> None:
    code, out, err, seconds = proc("rank", "-f", "csv", "--top", "2", "-o", target, cwd=tmp_path)
    assert code == 0, err
    assert out.startswith("rank,code,region") and len(out.splitlines()) == 3
    assert "wrote" not in err and not (tmp_path / "-").exists()
    assert seconds < HANG_S


def test_symlink_is_written_through(cli, tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    r = cli("rank", "-f", "csv", "-o", link)
    assert r.code == 0, r.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("rank,code")


def test_dangling_symlink_creates_its_target(cli, tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "new.csv")
    assert cli("rank", "-f", "csv", "-o", link).code == 0
    assert link.is_symlink() and (tmp_path / "new.csv").read_text().startswith("rank")


def test_symlink_to_fifo_is_refused(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.csv"
    link.symlink_to(fifo)
    clean_error(cli("rank", "-f", "csv", "-o", link), "FIFO")
    assert link.is_symlink()


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".out.csv.siting-{dead.pid}-abcd1234.tmp"
    legacy = tmp_path / ".out.csv.k2j4h5g6.tmp"
    alive = tmp_path / f".out.csv.siting-{os.getpid()}-zzzz0000.tmp"
    other = tmp_path / ".other.csv.k2j4h5g6.tmp"
    for p in (stale, legacy, alive, other):
        p.write_text("partial")
    old = time.time() - 3600
    os.utime(legacy, (old, old))
    os.utime(other, (old, old))
    _io.atomic_write(tmp_path / "out.csv", "ok\n")
    assert not stale.exists() and not legacy.exists()
    assert alive.exists() and other.exists()
    assert (tmp_path / "out.csv").read_text() == "ok\n"


def test_sigterm_during_write_removes_the_temp_file(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import os, signal
        from siting import _io
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGTERM)
        _io.atomic_write({str(tmp_path / "out.csv")!r}, "x" * 100000)
        """
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    assert p.returncode == -signal.SIGTERM, p.stderr
    assert list(tmp_path.iterdir()) == []


def test_sigterm_handler_is_restored_and_chained(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        from siting import _io
        def mine(signum, frame):
            sys.exit(7)
        signal.signal(signal.SIGTERM, mine)
        _io.atomic_write({str(tmp_path / "a.csv")!r}, "a")
        assert signal.getsignal(signal.SIGTERM) is mine
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGTERM)
        _io.atomic_write({str(tmp_path / "b.csv")!r}, "b")
        """
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    assert p.returncode == 7, p.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.csv"]


def test_png_to_stdout_needs_a_file(cli, tmp_path: Path) -> None:
    clean_error(cli("map", "-o", "-", "--png", tmp_path / "x.png"), "--png")


# =============================================================================== YAML


def bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["name: bomb", "a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join([*lines, "criteria: {grdp: {weight: 1}}"]) + "\n"


def test_billion_laughs_is_refused(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, bomb())
    assert p.stat().st_size < 1200
    r = cli("rank", "-s", p)
    clean_error(r, str(p), "aliases are expanded")


def test_billion_laughs_in_validate(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, bomb())
    r = cli("validate", p)
    clean_error(r, str(p), "aliases")


def test_billion_laughs_memory_and_time_in_a_process(tmp_path: Path) -> None:
    p = scenario(tmp_path, bomb(12, 12))
    code, err, peak_mb, seconds = child_peak_mb(["rank", "-s", str(p)])
    assert code == 2 and "Traceback" not in err and str(p) in err, err
    assert peak_mb < MAX_RSS_MB, f"peak {peak_mb:.0f} MB"
    assert seconds < HANG_S


def test_too_many_aliases(cli, tmp_path: Path) -> None:
    refs = "\n".join(f"x{i}: *w" for i in range(150))
    p = scenario(tmp_path, f"name: t\nw: &w 1\n{refs}\ncriteria: {{grdp: {{weight: 1}}}}\n")
    clean_error(cli("rank", "-s", p), str(p), "too many aliases")


@pytest.mark.parametrize("command", ["rank", "validate"])
def test_deep_block_nesting(cli, tmp_path: Path, command: str) -> None:
    body = "".join("  " * (i + 1) + f"k{i}:\n" for i in range(80)) + "  " * 81 + "v: 1\n"
    p = scenario(tmp_path, "name: t\ncriteria:\n  grdp: {weight: 1}\nx:\n" + body)
    args = ("rank", "-s", p) if command == "rank" else ("validate", p)
    clean_error(cli(*args), str(p), "nesting")


def test_deep_flow_nesting(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, "name: t\ncriteria: " + "[" * 100_000 + "]" * 100_000 + "\n")
    clean_error(cli("rank", "-s", p), str(p), "nesting")


def test_self_referencing_alias(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, "name: t\ncriteria: &c {grdp: {weight: 1}, again: *c}\n")
    clean_error(cli("rank", "-s", p), str(p), "contains it")


def test_unknown_alias(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, "name: t\ncriteria: *nothing\n")
    clean_error(cli("rank", "-s", p), str(p), "*nothing")


def test_duplicate_top_level_key_names_both_lines(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, "name: a\ncriteria:\n  grdp: {weight: 1}\nname: b\n")
    clean_error(cli("rank", "-s", p), f"{p}:4", "'name'", "line 1", "line 4")


def test_duplicate_criterion_key_names_both_lines(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, "name: t\ncriteria:\n  grdp:\n    weight: 1\n  grdp:\n    weight: 9\n")
    clean_error(cli("rank", "-s", p), f"{p}:5", "duplicate key 'grdp'", "line 3")


def test_oversized_yaml(cli, tmp_path: Path) -> None:
    p = tmp_path / "big.yaml"
    p.write_text(BASE + "# " + "x" * 2_100_000 + "\n")
    clean_error(cli("rank", "-s", p), str(p), "too large")


def test_binary_scenario(cli, tmp_path: Path) -> None:
    p = tmp_path / "bin.yaml"
    p.write_bytes(bytes(range(256)) * 4)
    clean_error(cli("rank", "-s", p), str(p), "binary")


def test_utf16_scenario(cli, tmp_path: Path) -> None:
    p = tmp_path / "u16.yaml"
    p.write_bytes(BASE.encode("utf-16"))
    clean_error(cli("rank", "-s", p), str(p), "UTF-16")


def test_latin1_scenario_names_the_line(cli, tmp_path: Path) -> None:
    p = tmp_path / "l1.yaml"
    p.write_bytes((BASE + "description: caf\xe9\n").encode("latin-1"))
    clean_error(cli("rank", "-s", p), f"{p}:4", "not UTF-8")


def test_two_documents(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, BASE + "---\nname: other\n")
    clean_error(cli("rank", "-s", p), str(p), "more than one YAML document")


def test_bom_scenario_is_accepted(cli, tmp_path: Path) -> None:
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    r = cli("rank", "-s", p, "--top", "1")
    assert r.code == 0, r.err


def test_yaml_lines_survive_the_new_composer(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, "name: t\ncriteria:\n  grdp:\n    weight: 1\n    wieght: 2\n")
    clean_error(cli("rank", "-s", p), f"{p}:5", "did you mean 'weight'")


def test_composer_prefers_the_c_loader() -> None:
    import yaml

    from siting._yaml import _loader_class

    assert _loader_class() is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# =============================================================================== data files


def test_utf16_values_csv(cli, data: Path) -> None:
    raw = (data / "values.csv").read_text(encoding="utf-8")
    (data / "values.csv").write_bytes(raw.encode("utf-16"))
    clean_error(cli("--data", data, "rank"), str(data / "values.csv"), "UTF-16")


def test_cp949_regions_csv_names_the_line(cli, data: Path) -> None:
    raw = (data / "regions.csv").read_text(encoding="utf-8")
    (data / "regions.csv").write_bytes(raw.encode("cp949"))
    clean_error(cli("--data", data, "rank"), f"{data / 'regions.csv'}:2", "not UTF-8")


def test_nul_bytes_in_values_csv(cli, data: Path) -> None:
    with (data / "values.csv").open("ab") as fh:
        fh.write(b"\x00\x01\x02binary")
    clean_error(cli("--data", data, "rank"), str(data / "values.csv"), "binary")


def test_bom_values_csv_is_accepted(cli, data: Path) -> None:
    raw = (data / "values.csv").read_bytes()
    (data / "values.csv").write_bytes(b"\xef\xbb\xbf" + raw)
    assert cli("--data", data, "rank", "--top", "1").code == 0


def test_binary_decisions_file(cli, tmp_path: Path) -> None:
    p = tmp_path / "decisions.csv"
    p.write_bytes(os.urandom(3000) + b"\x00")
    clean_error(cli("backtest", "--decisions", p), str(p), "binary")


def test_utf16_decisions_file(cli, tmp_path: Path) -> None:
    p = tmp_path / "decisions.csv"
    p.write_bytes((DATA / "decisions.csv").read_text(encoding="utf-8").encode("utf-16"))
    clean_error(cli("fit-weights", "--decisions", p), str(p), "UTF-16")


def test_values_csv_cut_inside_a_quote_is_blamed_on_values_csv(cli, data: Path) -> None:
    text = (data / "values.csv").read_text(encoding="utf-8")
    cut = text.index(',"', len(text) // 2) + 6
    (data / "values.csv").write_text(text[:cut], encoding="utf-8")
    r = cli("--data", data, "rank")
    clean_error(r, str(data / "values.csv"), "malformed CSV")
    assert "indicators.yaml" not in r.err


def test_duplicate_region_code(cli, data: Path) -> None:
    lines = (data / "regions.csv").read_text(encoding="utf-8").splitlines()
    (data / "regions.csv").write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    clean_error(
        cli("--data", data, "rank"),
        f"{data / 'regions.csv'}:{len(lines) + 1}",
        "duplicate region code",
        "line 2",
    )


def test_missing_sources_csv_is_one_problem(cli, data: Path) -> None:
    (data / "sources.csv").unlink()
    r = cli("--data", data, "validate")
    clean_error(r, str(data / "sources.csv"), "file not found")
    assert "1 problem(s)" in r.err and "unknown source" not in r.err


def test_missing_regions_csv_is_one_problem(cli, data: Path) -> None:
    (data / "regions.csv").unlink()
    r = cli("--data", data, "rank")
    clean_error(r, str(data / "regions.csv"), "file not found")
    assert "unknown region" not in r.err


@pytest.mark.parametrize("how", ["option", "env"])
def test_missing_data_folder_says_so(cli, tmp_path: Path, how: str) -> None:
    gone = tmp_path / "nonexistent"
    if how == "option":
        r = cli("--data", gone, "rank")
        clean_error(r, str(gone), "data folder not found", "--data")
    else:
        r = cli("rank", env={"SITING_DATA": str(gone)})
        clean_error(r, str(gone), "data folder not found", "$SITING_DATA")
    assert "scenario" not in r.err


def test_data_folder_that_is_a_file(cli, tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("x")
    clean_error(cli("--data", f, "compare", "base", "power-first"), "is not a folder")


def _append_value_row(data: Path, transform: Callable[[list[str]], list[str]]) -> None:
    import csv

    path = data / "values.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    header = rows[0]
    src = next(r for r in rows[1:] if r[header.index("value")] and r[header.index("source")])
    new = transform(list(src))
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(new)


def _value_col(data: Path, name: str) -> int:
    header = (data / "values.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    return header.index(name)


def test_exact_duplicate_value_row(cli, data: Path) -> None:
    _append_value_row(data, lambda r: r)
    clean_error(cli("--data", data, "rank"), str(data / "values.csv"), "duplicate row")


def test_conflicting_row_from_the_same_source(cli, data: Path) -> None:
    i = _value_col(data, "value")

    def change(r: list[str]) -> list[str]:
        r[i] = str(float(r[i].replace(",", "")) + 1)
        return r

    _append_value_row(data, change)
    clean_error(
        cli("--data", data, "rank"), str(data / "values.csv"), "conflicting value from the same"
    )


def test_blank_value_with_source_and_quote(cli, data: Path) -> None:
    i, p, n = _value_col(data, "value"), _value_col(data, "period"), _value_col(data, "note")

    def blank(r: list[str]) -> list[str]:
        r[i], r[p], r[n] = "", "1999", "searched"
        return r

    _append_value_row(data, blank)
    clean_error(
        cli("--data", data, "rank"), str(data / "values.csv"), "empty but the row has a source"
    )


def test_bundled_data_passes_the_new_rules(cli) -> None:
    r = cli("validate")
    assert r.code == 0, r.err
    assert r.out.startswith("ok:")


# =============================================================================== crashes


@pytest.mark.parametrize("command", ["sensitivity", "map"])
def test_negative_seed(cli, command: str, tmp_path: Path) -> None:
    extra = ("--sensitivity", "-o", str(tmp_path / "m.html")) if command == "map" else ()
    r = cli(command, "--seed", "-1", *extra)
    clean_error(r, "--seed")


def test_reason_with_rich_markup_closing_tag(cli, tmp_path: Path) -> None:
    p = scenario(
        tmp_path,
        BASE + "constraints:\n  - {kind: penalty, reason: 'bad [/] tag [/bold]', "
        "regions: [경북], points: 5}\n",
    )
    r = cli("rank", "-s", p)
    assert r.code == 0, r.err
    assert "bad [/] tag [/bold]" in r.out


def test_unexpected_exception_is_exit_2_with_a_debug_hint(cli, monkeypatch) -> None:
    import siting.api

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaboom \x1b[31m")

    monkeypatch.setattr(siting.api, "rank", boom)
    r = cli("rank")
    clean_error(r, "RuntimeError", "kaboom", "--debug")
    assert "\x1b" not in r.err


def test_recursion_error_is_exit_2(cli, monkeypatch) -> None:
    import siting.api

    def deep(*a, **k):  # type: ignore[no-untyped-def]
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(siting.api, "rank", deep)
    clean_error(cli("rank"), "RecursionError", "--debug")


def test_debug_shows_the_traceback(cli, monkeypatch) -> None:
    import siting.api

    monkeypatch.setattr(siting.api, "rank", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        cli("--debug", "rank")


# =============================================================================== numbers


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("criteria:\n  grdp: {weight: 1e308}\n  dist_seoul: {weight: 1e308}\n", "above the limit"),
        ("criteria:\n  grdp: {weight: .inf}\n", "finite"),
        ("criteria:\n  grdp: {weight: .nan}\n", "finite"),
        ("criteria:\n  grdp: {weight: 2000000}\n", "above the limit"),
    ],
)
def test_weight_bounds(cli, tmp_path: Path, body: str, needle: str) -> None:
    p = scenario(tmp_path, "name: t\n" + body)
    clean_error(cli("rank", "-s", p), f"{p}:3", "weight", needle)


@pytest.mark.parametrize("points", ["1e300", "101", ".inf"])
def test_points_bounds(cli, tmp_path: Path, points: str) -> None:
    p = scenario(
        tmp_path,
        BASE + f"constraints:\n  - kind: bonus\n    reason: big bonus\n    regions: [경북]\n"
        f"    points: {points}\n",
    )
    clean_error(cli("rank", "-s", p), str(p), "points")


@pytest.mark.parametrize(
    "cond",
    [
        "below: 10, above: 100",
        "at_most: 5, at_least: 6",
        "below: 5, above: 5",
        "below: 5, at_least: 5",
        "equals: 3, above: 4",
    ],
)
def test_constraint_that_can_never_fire(cli, tmp_path: Path, cond: str) -> None:
    p = scenario(
        tmp_path,
        BASE + "constraints:\n  - {kind: exclude, reason: never fires, "
        f"indicator: grdp, {cond}}}\n",
    )
    clean_error(cli("rank", "-s", p), f"{p}:5", "can never be met")


def test_constraint_on_a_single_value_is_fine() -> None:
    from siting.scenario.model import Constraint

    c = Constraint(kind="exclude", reason="exactly five", indicator="grdp", at_least=5, at_most=5)
    assert c.at_most == 5


def test_duplicate_step_thresholds(cli, tmp_path: Path) -> None:
    p = scenario(
        tmp_path,
        "name: t\ncriteria:\n  grdp:\n    weight: 1\n    scale: steps\n    steps:\n"
        "      - {at: 10, score: 0.5}\n      - {at: 10, score: 1}\n",
    )
    clean_error(cli("rank", "-s", p), str(p), "at: 10", "twice")


# =============================================================================== geometry


def _edit_feature(data: Path, rel: str, edit: Callable[[dict], None], index: int = 3) -> str:
    p = data / rel
    fc = json.loads(p.read_text(encoding="utf-8"))
    edit(fc["features"][index])
    p.write_text(json.dumps(fc), encoding="utf-8")
    return str(fc["features"][index]["properties"].get("code"))


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[127, 36], [128, 37], [128, 36], [127, 37], [127, 36]]],
}


def _scale(c):  # type: ignore[no-untyped-def]
    return [_scale(x) for x in c] if isinstance(c[0], list) else [c[0] * 10000, c[1] * 10000]


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda f: f.update(geometry=BOWTIE), "polygon is invalid"),
        (lambda f: f.update(geometry=None), "no geometry"),
        (lambda f: f.update(geometry={"type": "Point", "coordinates": [127, 36]}), "Point"),
        (
            lambda f: f["geometry"].update(coordinates=_scale(f["geometry"]["coordinates"])),
            "outside South Korea",
        ),
        (
            lambda f: f.update(
                geometry={"type": "Polygon", "coordinates": [[[127, 36], [float("nan"), 37]]]}
            ),
            "NaN",
        ),
        (lambda f: f.update(geometry={"type": "Polygon", "coordinates": []}), "coordinates"),
        (lambda f: f["properties"].pop("code"), "no 'code'"),
    ],
)
def test_every_sido_polygon_is_checked(layers: Path, edit, needle: str) -> None:
    from siting.analysis.validate import check_boundary_files

    code = _edit_feature(layers, "boundaries/sido.geojson", edit)
    probs = check_boundary_files(layers)
    assert len(probs) == 1, probs
    text = probs[0].format()
    assert needle in text and "boundaries/sido.geojson" in text
    assert code in text or code == "None"


def test_validate_reports_a_bowtie(cli, data: Path) -> None:
    code = _edit_feature(data, "boundaries/sido.geojson", lambda f: f.update(geometry=BOWTIE))
    clean_error(
        cli("--data", data, "validate"), "boundaries/sido.geojson", f"{code}: polygon is invalid"
    )


def test_duplicate_feature_for_a_region(layers: Path) -> None:
    from siting.analysis.validate import check_boundary_files

    p = layers / "boundaries" / "sido.geojson"
    fc = json.loads(p.read_text(encoding="utf-8"))
    fc["features"].append(fc["features"][0])
    p.write_text(json.dumps(fc), encoding="utf-8")
    assert ["more than one feature" in x.message for x in check_boundary_files(layers)] == [True]


def test_self_intersecting_sigungu_unit(layers: Path) -> None:
    from siting.analysis.validate import check_boundary_files

    _edit_feature(layers, "sigungu/units.geojson", lambda f: f.update(geometry=BOWTIE), 40)
    probs = check_boundary_files(layers)
    assert len(probs) == 1 and "sigungu/units.geojson" in probs[0].format()
    assert "invalid" in probs[0].message


def test_geometry_check_passes_on_the_bundled_layers() -> None:
    from siting.analysis.validate import check_boundary_files

    t0 = time.perf_counter()
    assert check_boundary_files(DATA) == []
    assert time.perf_counter() - t0 < HANG_S


@pytest.mark.parametrize("geometry", ["nan", "crs"])
def test_map_refuses_broken_polygons(cli, data: Path, tmp_path: Path, geometry: str) -> None:
    if geometry == "nan":
        edit = lambda f: f["geometry"]["coordinates"][0][0].__setitem__(0, float("nan"))  # noqa: E731
        if _first_type(data) != "Polygon":
            edit = lambda f: f.update(  # noqa: E731
                geometry={"type": "Polygon", "coordinates": [[[127, 36], [float("nan"), 37]]]}
            )
    else:
        edit = lambda f: f["geometry"].update(coordinates=_scale(f["geometry"]["coordinates"]))  # noqa: E731
    _edit_feature(data, "boundaries/sido.geojson", edit)
    clean_error(cli("--data", data, "map", "-o", tmp_path / "m.html"), "sido.geojson")
    assert not (tmp_path / "m.html").exists()


def _first_type(data: Path) -> str:
    fc = json.loads((data / "boundaries" / "sido.geojson").read_text(encoding="utf-8"))
    return fc["features"][3]["geometry"]["type"]


def test_map_repairs_a_bowtie_and_says_so(cli, data: Path, tmp_path: Path) -> None:
    code = _edit_feature(data, "boundaries/sido.geojson", lambda f: f.update(geometry=BOWTIE))
    r = cli("--data", data, "map", "-o", tmp_path / "m.html")
    assert r.code == 0, r.err
    assert f"region {code}: invalid polygon repaired with make_valid" in r.err


def test_map_boundaries_follow_the_data_folder(cli, data: Path, tmp_path: Path) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[127, 36], [128, 36], [128, 37], [127, 37], [127, 36]]],
    }
    _edit_feature(data, "boundaries/sido.geojson", lambda f: f.update(geometry=square))
    a, b = tmp_path / "bundled.html", tmp_path / "copy.html"
    assert cli("map", "-o", a).code == 0
    assert cli("--data", data, "map", "-o", b).code == 0
    assert a.read_bytes() != b.read_bytes()


# =============================================================================== terminal


PAYLOADS = (
    "[link=https://evil.example]click[/link]",
    "[bold red]LOUD[/bold red]",
    "esc\x1b[31mred\x1b]8;;http://evil\x1b\\",
    "bell\x07back\x08",
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_scenario_name_and_reason_are_plain_text(cli, tmp_path: Path, payload: str) -> None:
    p = tmp_path / "evil.yaml"
    p.write_text(
        json.dumps(
            {
                "name": payload,
                "description": payload,
                "extends": "base",
                "constraints": [
                    {"kind": "penalty", "reason": "R " + payload, "regions": ["경북"], "points": 5}
                ],
            }
        ),
        encoding="utf-8",
    )
    for args in (
        ("rank", "-s", p),
        ("explain", "경북", "-s", p),
        ("rank", "-s", p, "-f", "markdown"),
    ):
        r = cli(*args)
        assert r.code == 0, r.err
        assert "\x1b" not in r.out and "\x07" not in r.out and "\x08" not in r.out
        if "[" in payload:  # shown verbatim (rich drops BEL/BS itself; both are harmless)
            assert flat(escape_controls(payload)) in flat(r.out), r.out


def test_region_names_are_plain_text(cli, data: Path) -> None:
    text = (data / "regions.csv").read_text(encoding="utf-8")
    text = text.replace(",경북,", ",[bold]경북\x1b[2J[/bold],", 1)
    (data / "regions.csv").write_text(text, encoding="utf-8")
    r = cli("--data", data, "rank")
    assert r.code == 0, r.err
    assert "[bold]경북\\x1b[2J[/bold]" in flat(r.out) and "\x1b" not in r.out


def test_quotes_keep_their_brackets_in_sources(cli, data: Path) -> None:
    i = _value_col(data, "quote")
    import csv

    path = data / "values.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    ind = rows[0].index("indicator")
    k = next(j for j, r in enumerate(rows) if j and r[ind] == "power_self_sufficiency" and r[i])
    rows[k][i] = "[b]자립률[/b] 215.3% \x1b[5m"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    r = cli("--data", data, "sources", "power_self_sufficiency", env={"COLUMNS": "400"})
    assert r.code == 0, r.err
    assert "[b]자립률[/b]215.3%\\x1b[5m" in flat(r.out) and "\x1b" not in r.out


def test_error_messages_escape_control_characters(cli) -> None:
    r = cli("explain", "\x1b[31m경북\x1b]0;pwned\x07")
    clean_error(r, "unknown region")
    assert "\x1b" not in r.err and "\x07" not in r.err and "\\x1b" in r.err


def test_validate_escapes_control_characters(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, BASE + "\x1b[2Jbad: 1\n".replace("\x1b", "\\x1b"))
    p.write_bytes(p.read_bytes().replace(b"\\x1b", b"\x1b"))
    r = cli("rank", "-s", p)
    assert r.code == 2 and "\x1b" not in r.err, r.err


def test_csv_to_the_terminal_escapes_control_characters(cli, tmp_path: Path) -> None:
    p = scenario(tmp_path, 'name: "x\\e[31m"\n' + BASE.split("\n", 1)[1])
    r = cli("rank", "-s", p, "-f", "csv", "--top", "1")
    assert r.code == 0, r.err
    assert "\x1b" not in r.out and "x\\x1b[31m" in r.out


def test_sanitize_keeps_styles_of_our_own_text() -> None:
    from rich.text import Text

    from siting._term import escape_controls, sanitize

    t = Text("plain", style="dim")
    assert sanitize(t) is t
    assert escape_controls("a\tb\nc\x1b\u202e") == "a\tb\nc\\x1b\\u202e"


# =============================================================================== --tiles


@pytest.mark.parametrize(
    "tiles",
    [
        "<img src=x onerror=\"document.title='X'\">{z}/{x}/{y}",
        "javascript:alert(1)//{z}/{x}/{y}",
        "https://tiles.example.org/{z}/{x}.png",
        'https://tiles.example.org/{z}/{x}/{y}.png?"><script>',
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://a b/{z}/{x}/{y}",
    ],
)
def test_tiles_must_be_an_http_url_template(cli, tmp_path: Path, tiles: str) -> None:
    r = cli("map", "--tiles", tiles, "-o", tmp_path / "m.html")
    clean_error(r, "--tiles")
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize(
    "tiles", ["none", "OpenStreetMap", "CartoDB positron", "https://t.example.org/{z}/{x}/{y}.png"]
)
def test_good_tiles_are_accepted(tiles: str) -> None:
    from siting.cli.map import check_tiles

    assert check_tiles(tiles) == tiles


def test_tiles_host_is_escaped_in_the_page(tmp_path: Path) -> None:
    # the tile attribution is HTML in Leaflet; it is made by the same template as layer names
    from siting.outputs.maps.render import layer_name

    assert layer_name('<img src=x onerror="x">') == "&lt;img src=x onerror=&#34;x&#34;&gt;"


# =============================================================================== browser


def test_map_payloads_do_not_run_in_chromium(tmp_path: Path, data: Path) -> None:
    from siting.outputs.maps import find_chromium

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    xss = (
        "<img src=x onerror=\"document.title='XSS';window.__xss=1\"><script>window.__xss=1</script>"
    )
    text = (data / "regions.csv").read_text(encoding="utf-8")
    (data / "regions.csv").write_text(text.replace(",경북,", f",경북{xss},", 1), encoding="utf-8")
    sc = tmp_path / "x.yaml"
    sc.write_text(
        json.dumps(
            {
                "name": xss,
                "description": xss,
                "extends": str(DATA / "scenarios" / "base.yaml"),
                "constraints": [{"kind": "penalty", "reason": xss, "regions": ["47"], "points": 1}],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "m.html"
    code, _, err, _ = proc("--data", str(data), "map", "-s", str(sc), "-o", str(out))
    assert code == 0, err
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"], headless=True)
        page = b.new_page()
        page.route(
            "**/*", lambda r: r.abort() if r.request.url.startswith("http") else r.continue_()
        )
        page.goto(out.resolve().as_uri())
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=10_000)
        assert page.evaluate("window.__xss") is None
        assert page.title() != "XSS"
        b.close()


def test_atomic_write_direct_api_refuses_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    with pytest.raises(SitingError, match="FIFO"):
        _io.atomic_write(fifo, "x")


def test_utf16_sigungu_values_file(cli, data: Path) -> None:
    path = data / "sigungu" / "values.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    clean_error(cli("--data", data, "rank", "--level", "sigungu"), str(path), "UTF-16")
    assert cli("--data", data, "rank", "--top", "1").code == 0  # the 시도 level is unaffected


def test_sigterm_handler_that_returns_leaves_nothing_behind(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import os, signal
        from siting import _io
        from siting._errors import SitingError
        calls = []
        signal.signal(signal.SIGTERM, lambda s, f: calls.append(s))
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGTERM)
        try:
            _io.atomic_write({str(tmp_path / "out.csv")!r}, "x")
        except SitingError as exc:
            assert "SIGTERM" in exc.message and calls == [signal.SIGTERM]
        else:
            raise AssertionError("no error")
        """
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert list(tmp_path.iterdir()) == []


def test_sigungu_unit_without_a_feature(layers: Path) -> None:
    from siting.analysis.validate import check_boundary_files

    p = layers / "sigungu" / "units.geojson"
    fc = json.loads(p.read_text(encoding="utf-8"))
    gone = fc["features"].pop(7)["properties"]["code"]
    p.write_text(json.dumps(fc), encoding="utf-8")
    codes = [f["properties"]["code"] for f in fc["features"]] + [gone]
    probs = check_boundary_files(layers, {"sigungu/units.geojson": codes})
    assert [x.key for x in probs] == [gone] and "no feature" in probs[0].message


def test_payloads_in_indicator_and_source_fields(cli, data: Path) -> None:
    evil = "[link=https://evil.example]x[/link]\\e[31m"  # YAML double-quoted \e = ESC
    ind = (data / "indicators.yaml").read_text(encoding="utf-8")
    ind = ind.replace("name_ko: 전력자급률", f'name_ko: "전력자급률{evil}"', 1)
    ind = ind.replace("name_en: Power self-sufficiency", f'name_en: "Power{evil}"', 1)
    (data / "indicators.yaml").write_text(ind, encoding="utf-8")
    src = (data / "sources.csv").read_text(encoding="utf-8")
    src = src.replace("아시아아이뉴스 aanews", "아시아[bold]뉴스\x1b[2J", 1)
    (data / "sources.csv").write_text(src, encoding="utf-8")
    for args in (
        ("data",),
        ("data", "--lang", "en"),
        ("sources",),
        ("explain", "강원"),
        ("explain", "강원", "-f", "markdown"),
    ):
        r = cli("--data", data, *args)
        assert r.code == 0, r.err
        assert "\x1b" not in r.out + r.err, args
    md = cli("--data", data, "explain", "강원", "-f", "markdown").out
    assert "전력자급률[link=https://evil.example]x[/link]\\x1b[31m" in md
    assert "아시아[bold]뉴스\\x1b[2J" in flat(cli("--data", data, "sources").out)
