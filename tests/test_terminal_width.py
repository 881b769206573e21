"""Terminal tables at 80 columns (what a pipe gets): no line too wide, no id broken."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from siting.cli import app
from siting.data.dataset import load_dataset
from siting.outputs.fit_table import FitTable
from siting.scenario.loading import load_scenario

from .conftest import DATA

ENV = {"COLUMNS": "80", "SITING_DATA": str(DATA)}


def run(*argv: str) -> str:
    res = CliRunner().invoke(app, list(argv), env=ENV)
    assert res.exit_code == 0, res.output
    return res.stdout


def assert_fits(out: str, width: int = 80) -> None:
    wide = [line for line in out.splitlines() if cell_len(line) > width]
    assert not wide, wide[:3]


@pytest.mark.parametrize(
    ("argv", "ids"),
    [
        (("explain", "포항", "-l", "sigungu"), "criteria:base"),
        (("explain", "청도", "-s", "sigungu-own-data"), "criteria:sigungu-own-data"),
        (("backtest", "-s", "base"), "decisions"),
        (("compare", "base", "power-first", "talent-and-research"), "compare"),
        (("sensitivity", "-s", "base", "-n", "500"), "criteria:base"),
        (("rank", "-l", "sigungu", "-n", "10"), "none"),
    ],
)
def test_tables_fit_80_columns_without_breaking_ids(argv: tuple[str, ...], ids: str) -> None:
    out = run(*argv)
    assert_fits(out)
    if ids.startswith("criteria:"):
        sc = load_scenario(ids.split(":", 1)[1], DATA)
        wanted = list(sc.active_criteria)
    elif ids == "decisions":
        decisions = load_dataset(DATA).decisions
        wanted = sorted({d["id"] for d in decisions if d["kind"] != "distributed_energy_zone"})
    elif ids == "compare":
        wanted = ["rank:power-first", "score:talent-and-research"]
    else:
        wanted = []
    missing = [w for w in wanted if w not in out]
    assert not missing, f"broken or missing ids: {missing}"


def render(table: FitTable, width: int) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


def test_a_table_too_wide_is_split_with_the_key_repeated() -> None:
    cols = ["rank", "region", *(f"long_column_name_{k}" for k in range(6))]
    rows = [["1", "경북 포항시", *("123.45" for _ in range(6))]]
    out = render(FitTable(rows, cols, title="t"), 80)
    assert_fits(out)
    assert out.count("포항시") >= 2 and "split in" in out and "COLUMNS=" in out
    for c in cols:
        assert c in out


def test_a_table_that_cannot_be_split_becomes_records() -> None:
    cols = ["an_identifier_that_is_very_long_indeed_and_longer", "another_identifier_just_as_long_"]
    out = render(FitTable([["x" * 45, "y" * 40]], cols), 80)
    assert_fits(out)
    assert "one record per row" in out and "x" * 45 in out and "y" * 40 in out


def test_a_table_that_fits_is_one_table() -> None:
    out = render(FitTable([["1", "a"]], ["rank", "region"], title="small"), 80)
    assert "split" not in out and "record" not in out and "small" in out


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_plain_tables_print_what_rich_prints(width: int) -> None:
    """The tables drawn as text (siting.outputs.render.PlainFitTable) are rich's text, byte
    for byte: wide (Korean) cells, right-aligned and empty cells, title and caption, split
    parts, records, cells rich would wrap or strip (which go to rich)."""
    import io

    from siting.outputs.render import PlainFitTable

    rows = [
        ["1", "경북 포항시", "72.5", "", "a long note that wraps when narrow"],
        ["12", "서울", "7", "x", "  padded "],
        ["3", "세종", "-1,234.5", "two\nlines", "tab\there"],
        ["4", "ok", "0", "y", "plain"],
    ]
    cols = ["rank", "region", "score", "flag", "note"]
    cases = [
        (rows, cols, "A title", "caption · 출처"),
        ([r[:3] for r in rows[:2] + rows[3:]], cols[:3], "순위", ""),
        ([r[:3] for r in rows[:2] + rows[3:]], cols[:3], "순위 표", ""),
        ([[*r[:3], r[4]] for r in rows[3:]], [*cols[:3], "note"], "", "c"),
        ([], cols[:2], "empty", ""),
        ([r[:3] for r in rows[:2]], cols[:3], "a title far longer than the table it is over", ""),
    ]
    for cells, columns, title, caption in cases:
        args = {"title": title, "caption": caption, "right": ("score", "rank")}
        out = []
        for cls in (FitTable, PlainFitTable):
            buf = io.StringIO()
            Console(file=buf, width=width).print(cls(cells, columns, **args))
            out.append(buf.getvalue())
        assert out[1] == out[0], (width, title)
