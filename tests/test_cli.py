"""The `siting` command line, driven as a user would: in-process (the `run` fixture) and, for
exit codes, pipes and import weight, through the installed console script."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import DATA

COMMANDS = (
    "rank",
    "explain",
    "validate",
    "schema",
    "data",
    "sources",
    "compare",
    "sensitivity",
    "map",
    "backtest",
    "fit-weights",
)


def assert_clean_error(proc, *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") or "problem" in proc.stderr
    for n in needles:
        assert n in proc.stderr, proc.stderr


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def test_help_lists_every_command_with_examples(run) -> None:
    out = run("--help")
    assert out.returncode == 0
    for cmd in COMMANDS:
        assert cmd in out.stdout
        sub = run(cmd, "--help")
        assert sub.returncode == 0
        assert "Example" in sub.stdout, f"{cmd} --help has no examples"


def test_rank_formats_carry_the_hash(run) -> None:
    table = run("rank")
    assert table.returncode == 0, table.stderr
    assert "hash " in table.stdout
    data = json.loads(run("rank", "-f", "json").stdout)
    assert len(data["ranking"]) == 17 and len(data["hash"]) == 12
    assert abs(sum(w["effective_pct"] for w in data["weights"]) - 100) < 0.05
    csv_out = run("rank", "-f", "csv", "--top", "3").stdout.splitlines()
    assert csv_out[0].startswith("rank,code,region,score") and len(csv_out) == 4
    assert csv_out[1].endswith(data["hash"])
    md = run("rank", "-f", "markdown").stdout
    assert "| rank |" in md and data["hash"] in md


def test_rank_is_deterministic(run) -> None:
    assert run("rank", "-f", "json").stdout == run("rank", "-f", "json").stdout


def test_rank_writes_file_atomically(run, tmp_path: Path) -> None:
    target = tmp_path / "out" / "rank.csv"
    proc = run("rank", "-f", "csv", "-o", str(target))
    assert proc.returncode == 0 and target.read_text().startswith("rank,")
    assert [p.name for p in target.parent.iterdir()] == ["rank.csv"]  # no temp files left


@pytest.mark.parametrize("form", ["경북", "경상북도", "Gyeongbuk", "gyeongsangbuk-do", "47"])
def test_explain_accepts_every_region_form(run, form: str) -> None:
    proc = run("explain", form, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["region"] == "47"
    contribs = [c["contribution"] for c in info["criteria"]]
    assert sum(contribs) == pytest.approx(info["base_score"], abs=0.01)
    assert all(c["evidence"] or c["imputed"] for c in info["criteria"])


def test_explain_table_shows_sources(run) -> None:
    out = run("explain", "전남").stdout
    assert "evidence:" in out and "http" in out and "sum of contributions" in out


def test_unknown_region(run) -> None:
    assert_clean_error(run("explain", "경붃"), "unknown region '경붃'", "fix:")


def test_validate_bundled_is_clean(run) -> None:
    proc = run("validate")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok:")


def test_schema_is_json_schema_with_indicator_ids(run) -> None:
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "siting scenario"
    assert "power_self_sufficiency" in schema["properties"]["criteria"]["propertyNames"]["enum"]
    # description, rationale and reason: a string or the same text in ko and en
    desc = schema["properties"]["description"]
    forms = desc.get("anyOf") or [a for b in desc.get("anyOf", []) for a in b]
    kinds = json.dumps(desc)
    assert '"type": "string"' in kinds and '"ko"' in kinds and '"en"' in kinds, forms
    defs = json.dumps(schema.get("$defs", {}))
    assert defs.count('"ko"') >= 2  # rationale (Criterion) and reason (Constraint)


BAD_SCENARIOS = {
    "syntax": ("criteria:\n  power_self_sufficiency: {weight: 1\n", ["YAML syntax error", ":3"]),
    "unknown key": (
        "criteria:\n  power_self_sufficiency: {weight: 1, wieght: 2}\n",
        ["unknown key 'wieght'", ":2", "did you mean 'weight'"],
    ),
    "unknown criterion": (
        "criteria:\n  power_self_sufficency: {weight: 1}\n",
        [
            "unknown criterion 'power_self_sufficency'",
            "did you mean 'power_self_sufficiency'",
            ":2",
        ],
    ),
    "negative weight": (
        "criteria:\n  power_self_sufficiency: {weight: -3}\n",
        ["weight must not be negative", ":2"],
    ),
    "zero weights": (
        "criteria:\n  power_self_sufficiency: {weight: 0}\n",
        ["all weights are zero"],
    ),
    "text weight": (
        "criteria:\n  power_self_sufficiency: {weight: high}\n",
        ["weight must be a number", ":2"],
    ),
    "missing extends": (
        "extends: nothere.yaml\ncriteria: {grdp: {weight: 1}}\n",
        ["'extends: nothere.yaml' does not point", ":1"],
    ),
    "unknown constraint indicator": (
        "criteria: {grdp: {weight: 1}}\nconstraints:\n"
        "  - {kind: exclude, indicator: powr, below: 3, reason: no power}\n",
        ["constraint on unknown indicator 'powr'", ":3"],
    ),
    "everything excluded": (
        "criteria: {grdp: {weight: 1}}\nconstraints:\n"
        "  - {kind: exclude, indicator: capital_region, at_least: 0, reason: exclude all}\n",
        ["exclude every region"],
    ),
    "unknown region in rule": (
        "criteria: {grdp: {weight: 1}}\nconstraints:\n"
        "  - {kind: include, regions: [Narnia], reason: fantasy}\n",
        ["unknown region 'Narnia'"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_bad_scenarios_exit_2_with_one_message(run, tmp_path: Path, case: str) -> None:
    text, needles = BAD_SCENARIOS[case]
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    proc = run("rank", "-s", str(p))
    assert_clean_error(proc, "bad.yaml", *needles)
    assert "fix:" in proc.stderr or case == "syntax"
    val = run("validate", str(p))
    assert val.returncode == 2 and "bad.yaml" in val.stderr


def test_extends_cycle(run, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("extends: b.yaml\ncriteria: {grdp: {weight: 1}}\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    assert_clean_error(run("rank", "-s", str(tmp_path / "a.yaml")), "cycle", "a.yaml -> b.yaml")


def test_nan_in_data_is_reported_with_line(run, data_copy: Path) -> None:
    path = data_copy / "values.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[3] = "nan"
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("--data", str(data_copy), "rank")
    assert_clean_error(proc, "values.csv:6", "NaN or infinite")
    assert run("--data", str(data_copy), "validate").returncode == 2


def test_output_path_that_cannot_be_written(run, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run("rank", "-o", str(blocker / "rank.txt"))
    assert_clean_error(proc, "cannot", "fix:")


def test_existing_output_is_kept_when_the_run_fails(run, tmp_path: Path) -> None:
    out = tmp_path / "rank.csv"
    out.write_text("previous content")
    bad = tmp_path / "bad.yaml"
    bad.write_text("criteria: {grdp: {weight: -1}}\n")
    assert run("rank", "-s", str(bad), "-o", str(out)).returncode == 2
    assert out.read_text() == "previous content"


def test_debug_shows_traceback(run) -> None:
    proc = run("--debug", "explain", "Atlantis")
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_data_and_sources(run) -> None:
    cov = json.loads(run("data", "-f", "json").stdout)
    ids = {r["indicator"] for r in cov}
    assert "power_self_sufficiency" in ids and all("coverage" in r for r in cov)
    ev = json.loads(run("sources", "경북", "-f", "json").stdout)
    assert ev and all(r["source"] for r in ev if r["value"] is not None)
    ind = json.loads(run("sources", "power_self_sufficiency", "-f", "json").stdout)
    assert any(r["status"].startswith("superseded") for r in ind)
    assert_clean_error(run("sources", "nonsense_id"), "not an indicator id")


def test_compare_and_sensitivity_cli(run) -> None:
    cmp = json.loads(run("compare", "base", "power-first", "-f", "json").stdout)
    assert cmp["agreement"][0]["b"] == "power-first"
    assert {"kendall_tau", "spearman_rho", "weighted_spearman", "ws_similarity"} <= set(
        cmp["agreement"][0]
    )
    assert_clean_error(run("compare", "base"), "at least two scenarios")
    a = run("sensitivity", "--samples", "2000", "--seed", "3", "-f", "json").stdout
    b = run("sensitivity", "--samples", "2000", "--seed", "3", "-f", "json").stdout
    assert a == b
    data = json.loads(a)
    assert abs(sum(r["p_rank1"] for r in data["regions"]) - 1) < 1e-6
    assert len(data["tipping_points"]) == len(data["criteria"])
    assert_clean_error(run("sensitivity", "--bounds", "grdp=oops"), "cannot read bounds")
    assert_clean_error(run("sensitivity", "--bounds", "nope=0:0.5"), "not a criterion")


def test_backtest_and_fit_weights_cli(run, tmp_path: Path) -> None:
    bt = json.loads(run("backtest", "-f", "json").stdout)
    assert bt["summary"]["items"] >= 7 and 0 <= bt["summary"]["p_hit3"] <= 1
    nacc = next(i for i in bt["items"] if i["decision"] == "dec-nacc-2026")
    assert nacc["rank_vs_rivals"].endswith("/8")
    out = tmp_path / "fitted.yaml"
    proc = run("fit-weights", "-o", str(out))
    assert proc.returncode == 0 and out.exists()
    assert run("rank", "-s", str(out), "-f", "csv").returncode == 0
    leak = tmp_path / "leak.yaml"
    leak.write_text("extends: base\ncriteria:\n  ai_projects: {weight: 50}\n")
    data = json.loads(run("backtest", "-s", str(leak), "-f", "json").stdout)
    guards = data["leakage_guard"].values()
    assert all(any(d["criterion"] == "ai_projects" for d in g["dropped"]) for g in guards)


# ----------------------------------------------------------------- the real entry point


def test_console_script_exit_codes(run_process) -> None:
    ok = run_process("rank", "--top", "2", "-f", "csv")
    assert ok.returncode == 0 and ok.stdout.startswith("rank,code,region")
    assert len(ok.stdout.splitlines()) == 3
    assert_clean_error(run_process("explain", "경붃"), "unknown region '경붃'")
    usage = run_process("rank", "--top", "zero")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_a_closed_pipe_ends_quietly(siting_bin: str, tmp_path: Path) -> None:
    """`siting rank | head -1`: exit 0, no BrokenPipeError message."""
    import subprocess

    proc = subprocess.Popen(
        [siting_bin, "sources", "-f", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err


def _loaded_after(commands: list[list[str]], modules: tuple[str, ...]) -> str:
    """Which of ``modules`` a fresh interpreter has loaded after running ``commands``."""
    import subprocess
    import sys

    probe = (
        f"import sys\nfrom siting.cli import main\nfor args in {commands!r}:\n"
        "    sys.argv = ['siting', *args]\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        f"print([m for m in {modules!r} if m in sys.modules], file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return proc.stderr.strip().splitlines()[-1]


def test_help_loads_no_heavy_library() -> None:
    """`siting --help` stays fast: the library (numpy, pydantic, siting.api) is not loaded."""
    heavy = ("numpy", "pandas", "pydantic", "rich", "siting.scenario.model")
    assert _loaded_after([["--help"]], heavy) == "[]"


def test_table_commands_run_no_map_code() -> None:
    """`siting rank` and `siting backtest` never execute the map package (folium, geometry):
    a deferred package stays deferred while the commands import names from it."""
    maps = ("siting.outputs.maps.build", "siting.outputs.map_geometry", "folium")
    assert _loaded_after([["rank", "-f", "csv"], ["backtest", "-f", "csv"]], maps) == "[]"


def test_in_process_runs_share_no_state(run, data_copy: Path) -> None:
    """--data, $SITING_DATA, --no-cache and COLUMNS of one in-process run do not reach the next
    (what a fresh process per command guarantees)."""

    def hash_of(proc) -> str:  # type: ignore[no-untyped-def]
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip().splitlines()[-1].split(",")[-1]

    bundled = hash_of(run("rank", "-f", "csv"))
    base = data_copy / "scenarios" / "base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("weight: 15", "weight: 40", 1))
    other = hash_of(run("--data", str(data_copy), "--no-cache", "rank", "-f", "csv"))
    assert other != bundled
    assert hash_of(run("rank", "-f", "csv")) == bundled
    assert hash_of(run("rank", "-f", "csv", env={"SITING_DATA": str(data_copy)})) == other
    assert hash_of(run("rank", "-f", "csv")) == bundled
    narrow = run("rank", env={"COLUMNS": "60"}).stdout
    wide = run("rank").stdout
    assert max(map(len, narrow.splitlines())) <= 60 < max(map(len, wide.splitlines()))
