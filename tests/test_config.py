"""Scenario files: extends, merging, and one clear message per bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting._errors import SitingError
from siting.config import load_scenario


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def test_extends_deep_merges_criteria_and_constraints(tmp_path: Path) -> None:
    write(
        tmp_path,
        "parent.yaml",
        """
name: parent
method: topsis
criteria:
  a: {weight: 30, lo: 0, hi: 200}
  b: {weight: 70}
  c: {weight: 5}
constraints:
  - {id: cap, kind: penalty, indicator: a, equals: 1, points: 5, reason: capital region}
  - {kind: exclude, indicator: b, below: 1, reason: no power at all}
""",
    )
    child = write(
        tmp_path,
        "child.yaml",
        """
extends: parent
criteria:
  a: {weight: 60}
  c: null
constraints:
  - {id: cap, kind: penalty, indicator: a, equals: 1, points: 10, reason: capital region}
""",
    )
    sc = load_scenario(child)
    assert sc.name == "child"
    assert sc.method_name == "topsis"
    assert sc.criteria["a"].weight == 60 and sc.criteria["a"].hi == 200
    assert "c" not in sc.active_criteria
    assert [c.points for c in sc.constraints if c.id == "cap"] == [10]
    assert len(sc.constraints) == 2
    assert sc.effective_weights() == pytest.approx({"a": 60 / 130, "b": 70 / 130})
    assert sc.chain[0].endswith("child.yaml") and sc.chain[1].endswith("parent.yaml")
    file, line = sc.where("criteria", "a", "hi")
    assert file.endswith("parent.yaml") and line == 5


def test_percent_strings_and_raw_weights_normalise_the_same(tmp_path: Path) -> None:
    a = load_scenario(
        write(tmp_path, "a.yaml", "criteria: {x: {weight: '30%'}, y: {weight: '70%'}}")
    )
    b = load_scenario(write(tmp_path, "b.yaml", "criteria: {x: {weight: 0.3}, y: {weight: 0.7}}"))
    assert a.effective_weights() == pytest.approx(b.effective_weights())


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("criteria:\n  x: {weight: 10\n", "YAML syntax error", 3),
        ("criteria:\n  x:\n    weight: 10\n    wieght: 3\n", "unknown key 'wieght'", 4),
        ("criteria:\n  x:\n    weight: -1\n", "weight must not be negative", 3),
        ("criteria:\n  x:\n    weight: lots\n", "weight must be a number", 3),
        ("criteria:\n  x:\n    weight: 0\n", "all weights are zero", 1),
        ("criteria:\n  x:\n    weight: .nan\n", "must be a finite number", 3),
        ("criteria: {}\n", "the scenario has no criteria", None),
        ("method: wsm\ncriteria:\n  x: {weight: 1, scale: cubic}\n", "Input should be", 3),
        ("- a\n- b\n", "must be a mapping", 1),
    ],
)
def test_bad_scenarios_name_file_line_and_fix(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    p = write(tmp_path, "bad.yaml", text)
    with pytest.raises(SitingError) as exc:
        load_scenario(p)
    err = exc.value
    assert message in err.format()
    assert err.file and err.file.endswith("bad.yaml")
    if line is not None:
        assert err.line == line
    assert "Traceback" not in err.format()


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    p = write(tmp_path, "bad.yaml", "criteria:\n  x:\n    weight: 1\n    derection: cost\n")
    with pytest.raises(SitingError) as exc:
        load_scenario(p)
    assert "did you mean 'direction'" in (exc.value.fix or "")


def test_extends_cycle_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\ncriteria: {x: {weight: 1}}\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(SitingError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")


def test_extends_missing_file_is_rejected_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "name: a\nextends: nowhere.yaml\ncriteria: {x: {weight: 1}}\n")
    with pytest.raises(SitingError) as exc:
        load_scenario(tmp_path / "a.yaml")
    assert "does not point to a scenario file" in exc.value.message
    assert exc.value.line == 2 and exc.value.key == "extends"


def test_unknown_scenario_name_lists_the_bundled_ones() -> None:
    with pytest.raises(SitingError) as exc:
        load_scenario("bsae")
    assert "did you mean 'base'" in (exc.value.fix or "")


def test_error_in_parent_names_the_parent_file(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", "criteria:\n  x: {weight: 1, hi: high}\n")
    write(tmp_path, "child.yaml", "extends: parent.yaml\n")
    with pytest.raises(SitingError) as exc:
        load_scenario(tmp_path / "child.yaml")
    assert exc.value.file.endswith("parent.yaml") and exc.value.line == 2


def test_bundled_scenarios_load_and_describe_themselves() -> None:
    from siting.config import available_scenarios

    names = available_scenarios()
    assert {"base", "power-first", "talent-and-research", "balanced-development"} <= set(names)
    for n in names:
        sc = load_scenario(n)
        assert sc.description and len(sc.description) > 80, n
        for cid, crit in sc.active_criteria.items():
            assert crit.rationale, f"{n}: {cid} has no rationale"
