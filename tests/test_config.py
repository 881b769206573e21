"""Scenario files: extends, merging, and one clear message per bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting._errors import SitingError
from siting.data.levels import Level
from siting.scenario.loading import load_scenario


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
    from siting.scenario.loading import available_scenarios

    names = available_scenarios()
    assert {"base", "power-first", "talent-and-research", "balanced-development"} <= set(names)
    for n in names:
        sc = load_scenario(n)
        assert sc.description and len(sc.description) > 80, n
        for cid, crit in sc.active_criteria.items():
            assert crit.rationale, f"{n}: {cid} has no rationale"


def test_texts_take_a_string_or_both_languages(tmp_path: Path) -> None:
    from siting.scenario.text import LocalText, text

    p = write(
        tmp_path,
        "bi.yaml",
        "description: {ko: 한국어 설명, en: English description}\n"
        "criteria:\n"
        "  power_self_sufficiency:\n"
        "    weight: 2\n"
        "    rationale:\n      ko: 전력이 중요하다\n      en: power matters\n"
        "  dist_seoul: {weight: 1, rationale: plain}\n"
        "constraints:\n"
        "  - {kind: penalty, regions: [서울], points: 3, reason: {ko: 수도권 감점, en: capital}}\n",
    )
    sc = load_scenario(p)
    assert isinstance(sc.description, LocalText)
    assert text(sc.description, "ko") == "한국어 설명"
    assert text(sc.description, "en") == str(sc.description) == "English description"
    assert text(sc.criteria["dist_seoul"].rationale, "ko") == "plain"  # type: ignore[union-attr]
    # the resolved scenario keeps both (the hash covers both; a copy written back reloads)
    canon = sc.canonical()
    assert canon["description"] == {"ko": "한국어 설명", "en": "English description"}
    assert canon["constraints"][0]["reason"] == {"ko": "수도권 감점", "en": "capital"}
    copy = sc.model_copy(deep=True)
    assert text(copy.criteria["power_self_sufficiency"].rationale, "ko") == "전력이 중요하다"  # type: ignore[union-attr]
    assert sc.localize("excluded: capital (x = 1)", "ko") == "excluded: 수도권 감점 (x = 1)"
    # only one language: the other falls back to it
    p2 = write(
        tmp_path, "ko.yaml", "description: {ko: 한국어만}\ncriteria: {dist_seoul: {weight: 1}}\n"
    )
    assert text(load_scenario(p2).description, "en") == "한국어만"


@pytest.mark.parametrize(
    "value",
    ["{kr: 설명}", "{}", "{ko: 3}", "{ko: ''}"],
)
def test_bad_two_language_text_names_file_and_line(tmp_path: Path, value: str) -> None:
    p = write(
        tmp_path,
        "bad.yaml",
        f"name: x\ndescription: {value}\ncriteria: {{dist_seoul: {{weight: 1}}}}\n",
    )
    with pytest.raises(SitingError) as exc:
        load_scenario(p)
    err = exc.value
    assert err.file and err.file.endswith("bad.yaml")
    assert "description" in err.format() and err.line == 2
    assert "Traceback" not in err.format()


def test_shipped_scenarios_carry_both_languages() -> None:
    import re

    from siting.scenario.loading import available_scenarios
    from siting.scenario.text import LocalText

    hangul = re.compile("[가-힣]")
    for n in available_scenarios():
        sc = load_scenario(n)
        texts = [("description", sc.description)]
        texts += [(f"{cid}.rationale", c.rationale) for cid, c in sc.active_criteria.items()]
        texts += [(f"constraint {c.id}", c.reason) for c in sc.constraints]
        for where, t in texts:
            if t is None:
                continue
            assert isinstance(t, LocalText) and t.ko and t.en, (n, where)
            assert hangul.search(t.ko), (n, where)
            # the English text is English (place names may stay in Hangul), the Korean Korean
            latin = len(re.findall("[A-Za-z]", t.en))
            assert latin > len(hangul.findall(t.en)), (n, where)
            assert len(hangul.findall(t.ko)) > len(re.findall("[A-Za-z]", t.ko)), (n, where)


# ------------------------------------------------------------------ dicts, as files


def test_a_dict_loads_like_the_same_yaml_file(tmp_path: Path) -> None:
    """A dict and a YAML file with the same keys give the same scenario (same fingerprint)."""
    doc = {"name": "mine", "extends": "base", "criteria": {"grdp": {"weight": 20}}}
    p = write(tmp_path, "mine.yaml", "name: mine\nextends: base\ncriteria: {grdp: {weight: 20}}\n")
    from_dict, from_file = load_scenario(doc), load_scenario(p)
    assert from_dict.fingerprint == from_file.fingerprint
    assert from_dict.description == from_file.description
    assert from_dict.chain[0] == "<dict>" and from_dict.chain[1:] == from_file.chain[1:]
    assert from_dict.where("criteria", "grdp") == ("<dict>", None)
    assert from_dict.where("criteria", "power_self_sufficiency")[0].endswith("base.yaml")
    assert doc == {"name": "mine", "extends": "base", "criteria": {"grdp": {"weight": 20}}}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"criteria": {"x": {"weight": 0}}}, "all weights are zero"),
        ({"criteria": {}}, "no criteria"),
        ({"criteria": {"x": {"wieght": 1}}}, "did you mean 'weight'"),
        ({"extends": "no-such-scenario", "criteria": {"x": {"weight": 1}}}, "does not point"),
        ({"extends": "base", "criteria": {"grdp": {"weight": -1}}}, "must not be negative"),
    ],
)
def test_a_bad_dict_gets_the_checks_of_a_file(doc: dict, message: str) -> None:
    with pytest.raises(SitingError) as exc:
        load_scenario(doc)
    assert message in exc.value.format() and "<dict>" in exc.value.format()


def test_level_is_the_level_enum(tmp_path: Path) -> None:
    assert load_scenario("sigungu-own-data").level is Level.SIGUNGU
    assert load_scenario("base").level is None
    with pytest.raises(SitingError) as exc:
        load_scenario(write(tmp_path, "a.yaml", "level: dong\ncriteria: {x: {weight: 1}}\n"))
    assert "'sido' or 'sigungu'" in exc.value.format() and exc.value.as_problems()[0].line == 1
