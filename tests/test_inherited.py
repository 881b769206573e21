"""The ``inherited:`` policy at 시군구 level: use, a discount factor, or exclude."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from siting.analysis.validate import validate_all
from siting.cli import app
from siting.data.values import ValueTable
from siting.engine.score import score
from siting.scenario.model import Scenario

from .conftest import DATA, make_dataset

X = np.array(
    [
        [10.0, 1.0, 5.0],
        [20.0, 3.0, 5.0],
        [30.0, 2.0, 5.0],
        [40.0, 4.0, 5.0],
        [50.0, 0.0, 5.0],
    ]
)
# cells whose value is the province's: c0 for units 0-1, c1 for unit 4, c2 for everyone
INHERITED = {(0, "c0"), (1, "c0"), (4, "c1")} | {(i, "c2") for i in range(5)}


def unit_dataset():
    ds = make_dataset(X)
    codes = ds.region_codes
    ds.values = ValueTable.from_values(
        replace(v, inherited="P1") if (codes.index(v.region), v.indicator) in INHERITED else v
        for v in ds.values
    )
    ds.level = "sigungu"
    return ds


def scenario(weights=(2.0, 1.0, 1.0), inherited=None, per=None, missing=None) -> Scenario:
    crit = {f"c{j}": {"weight": w} for j, w in enumerate(weights)}
    for cid, pol in (per or {}).items():
        crit[cid]["inherited"] = pol
    doc = {"name": "t", "criteria": crit}
    if inherited is not None:
        doc["inherited"] = inherited
    if missing is not None:
        doc["missing"] = missing
    return Scenario.model_validate(doc)


def minmax(col: np.ndarray) -> np.ndarray:
    lo, hi = np.nanmin(col), np.nanmax(col)
    # a constant column scores 1 for every region with a value (siting.engine.transform)
    return (col - lo) / (hi - lo) if hi > lo else np.where(np.isnan(col), np.nan, 1.0)


def inherited_mask() -> np.ndarray:
    mask = np.zeros(X.shape, dtype=bool)
    for i, cid in INHERITED:
        mask[i, int(cid[1:])] = True
    return mask


def test_use_is_the_default_and_scores_as_without_inheritance() -> None:
    ds = unit_dataset()
    plain = score(make_dataset(X), scenario())
    for sc in (scenario(), scenario(inherited="use"), scenario(inherited=1)):
        res = score(ds, sc)
        np.testing.assert_allclose(res.score, plain.score, atol=1e-12)


@pytest.mark.parametrize("d", [0.0, 0.25, 0.5, 0.9])
def test_discount_multiplies_inherited_scores(d: float) -> None:
    res = score(unit_dataset(), scenario(inherited=d))
    w = np.array([2.0, 1.0, 1.0]) / 4
    V = np.column_stack([minmax(X[:, j]) for j in range(3)])
    V = np.where(inherited_mask(), V * d, V)
    np.testing.assert_allclose(res.score, 100 * V @ w, atol=1e-9)


def test_per_criterion_policy_overrides_the_scenario_default() -> None:
    res = score(unit_dataset(), scenario(inherited=0.5, per={"c0": "use"}))
    w = np.array([2.0, 1.0, 1.0]) / 4
    V = np.column_stack([minmax(X[:, j]) for j in range(3)])
    mask = inherited_mask()
    mask[:, 0] = False  # c0 uses its inherited values as they are
    V = np.where(mask, V * 0.5, V)
    np.testing.assert_allclose(res.score, 100 * V @ w, atol=1e-9)
    infos = {c.id: c.inherited for c in res.criteria}
    assert infos == {"c0": "use", "c1": "0.5", "c2": "0.5"}


def test_exclude_treats_inherited_values_as_missing_with_own_bounds() -> None:
    res = score(unit_dataset(), scenario(per={"c0": "exclude"}, weights=(1.0, 1.0, 0.0)))
    own = X[:, 0].copy()
    own[[0, 1]] = np.nan
    v0 = minmax(own)  # bounds from the units' own values only (30..50)
    v0[[0, 1]] = np.nanmin(v0)  # missing: worst (the default)
    v1 = minmax(X[:, 1])
    np.testing.assert_allclose(res.score, 100 * (v0 + v1) / 2, atol=1e-9)
    assert res.imputed[[0, 1], 0].all() and not res.imputed[2:, 0].any()


def test_exclude_with_missing_exclude_ranks_only_units_with_own_values() -> None:
    res = score(unit_dataset(), scenario(per={"c0": "exclude"}, missing="exclude"))
    assert list(res.included) == [False, False, True, True, True]


def test_exclude_on_a_criterion_without_own_values_drops_it() -> None:
    res = score(unit_dataset(), scenario(per={"c2": "exclude"}))
    without = score(unit_dataset(), scenario(weights=(2.0, 1.0, 0.0)))
    np.testing.assert_allclose(res.score, without.score, atol=1e-12)
    weights = {c.id: c.weight for c in res.criteria}
    assert weights["c2"] == 0 and weights["c0"] == pytest.approx(2 / 3)
    assert any("c2" in w and "dropped" in w for w in res.warnings)


def test_own_share_counts_weight_on_own_values() -> None:
    res = score(unit_dataset(), scenario(weights=(2.0, 1.0, 1.0)))
    # unit 0: c0 inherited (0.5), c1 own (0.25), c2 inherited (0.25) -> 25 % own
    # unit 2: c0 own, c1 own, c2 inherited -> 75 %; unit 4: c0 own only -> 50 %
    np.testing.assert_allclose(res.own_share, [0.25, 0.25, 0.75, 0.75, 0.5])
    assert res.own_share_mean() == pytest.approx(0.5)
    # a discount lowers the inherited values' points, not how much weight rests on them
    for policy in (0.5, 0.0):
        other = score(unit_dataset(), scenario(weights=(2.0, 1.0, 1.0), inherited=policy))
        np.testing.assert_allclose(other.own_share, res.own_share)


def test_sido_level_has_no_inherited_reporting() -> None:
    res = score(make_dataset(X), scenario(inherited=0.5))
    assert not res.by_units and "own_pct" not in res.table().columns
    assert res.own_share.tolist() == [1.0] * 5


def test_bad_policies_are_refused() -> None:
    for bad in (1.5, -0.1, True, "sometimes"):
        with pytest.raises(ValueError):
            scenario(inherited=bad)


def test_cli_reports_own_share_at_sigungu_level() -> None:
    env = {"COLUMNS": "160", "SITING_DATA": str(DATA)}
    out = CliRunner().invoke(app, ["rank", "-l", "sigungu", "-n", "3"], env=env).stdout
    assert "own %" in out and "own values carry" in out
    out = CliRunner().invoke(app, ["explain", "청도", "-l", "sigungu"], env=env).stdout
    assert "(own)" in out and "↑ 경북" in out and "own values" in out
    csv = CliRunner().invoke(app, ["rank", "-l", "sigungu", "-f", "csv"], env=env).stdout
    assert csv.splitlines()[0].split(",")[7] == "own_pct"
    sido = CliRunner().invoke(app, ["rank", "-f", "csv"], env=env).stdout
    assert "own_pct" not in sido


def test_validate_warns_when_a_sigungu_scenario_rests_on_provinces(tmp_path: Path) -> None:
    heavy = tmp_path / "heavy.yaml"
    heavy.write_text(
        "name: heavy\nlevel: sigungu\ncriteria:\n"
        "  power_self_sufficiency: {weight: 80}\n  dist_seoul: {weight: 20}\n",
        encoding="utf-8",
    )
    light = tmp_path / "light.yaml"
    light.write_text(
        "name: light\nlevel: sigungu\ncriteria:\n"
        "  power_self_sufficiency: {weight: 20}\n  dist_seoul: {weight: 80}\n",
        encoding="utf-8",
    )
    problems, _ = validate_all([heavy, light], DATA)
    warns = [p for p in problems if p.severity == "warning" and "own values" in p.message]
    assert [Path(p.file or "").name for p in warns] == ["heavy.yaml"]
    res = CliRunner().invoke(app, ["validate", str(heavy)], env={"SITING_DATA": str(DATA)})
    assert res.exit_code == 0 and "warning" in res.output


def test_constraints_skip_inherited_values_under_exclude() -> None:
    """power-first excludes units whose province generates < 30 % of its sales; with
    inherited: exclude that province value is not the unit's, so the rule does not fire."""
    from siting.scenario.loading import load_scenario as load

    ds = __import__("siting").load_dataset(level="sigungu")
    base = load("power-first", DATA)
    plain = score(ds, base)
    own_only = score(ds, base.model_copy(update={"inherited": "exclude"}))
    assert (~plain.included).sum() > 20
    assert own_only.included.all()
    assert any("not applied to" in w and "inherited: exclude" in w for w in own_only.warnings)


@pytest.mark.parametrize(
    ("text", "key"), [('inherited: "50%"', "inherited"), ("inherited: 2", "inherited")]
)
def test_a_bad_policy_in_yaml_is_one_clear_problem(tmp_path: Path, text: str, key: str) -> None:
    from siting._errors import SitingError
    from siting.scenario.loading import load_scenario as load

    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: base\n{text}\n", encoding="utf-8")
    with pytest.raises(SitingError) as err:
        load(path, DATA)
    problems = err.value.as_problems()
    assert len(problems) == 1 and problems[0].key == key and problems[0].line == 2
    assert "between 0 and 1" in problems[0].message and "0.5" in (problems[0].fix or "")
