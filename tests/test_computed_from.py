"""``computed_from`` names the real inputs of computed indicators, at both levels."""

from __future__ import annotations

import shutil
from pathlib import Path

from siting.data.checks import check_computed_from
from siting.data.dataset import load_dataset

from .conftest import DATA


def test_bundled_computed_from_is_clean_and_complete() -> None:
    sub = load_dataset(level="sigungu")
    assert check_computed_from(sub) == []
    computed = {
        v.indicator
        for v in sub.values
        if v.source in sub.sources and sub.sources[v.source].kind == "computed"
    }
    missing = sorted(i for i in computed if not sub.indicators[i].computed_from)
    assert missing == [], f"computed indicators without computed_from: {missing}"


def test_unknown_input_is_reported_with_its_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("computed_from: [power_generation, power_sales]", "computed_from: [gen]", 1),
        encoding="utf-8",
    )
    problems = check_computed_from(load_dataset(data, strict=False, level="sigungu"))
    assert len(problems) == 1
    assert problems[0].file == str(path) and "'gen'" in problems[0].message


def _source_tier(path: Path, source_id: str, tier: int) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for r in rows:
        if r["id"] == source_id:
            r["tier"] = str(tier)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_a_computed_value_takes_the_weakest_tier_of_its_inputs(tmp_path: Path) -> None:
    from siting.data.dataset import describe_value

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    ds = load_dataset(data, cache=False)
    v = ds.lookup("47", "power_self_sufficiency", "2025")
    assert v is not None and v.source == "computed-self-sufficiency"
    assert describe_value(ds, v)["source"]["tier"] == 2  # KEPCO copies (tier 2)
    # inputs demoted to tier 4: a tier-3 observation of the same figure now wins the conflict
    _source_tier(data / "sources.csv", "kepco_wolbo_andonggyu", 4)
    with (data / "values.csv").open("a", encoding="utf-8") as fh:
        fh.write(
            '47,power_self_sufficiency,2025,250.0,%,aanews_gangwon,"경북 2025: 250%",'
            "paraphrase,planted observation for the tier rule\n"
        )
    ds = load_dataset(data, cache=False)
    used = ds.lookup("47", "power_self_sufficiency", "2025")
    assert used is not None and used.value == 250.0
    computed = [o for o in ds.observations("47", "power_self_sufficiency") if o.period == "2025"]
    loser = next(o for o in computed if o.source == "computed-self-sufficiency")
    assert loser.status == "superseded"
    assert describe_value(ds, loser)["source"]["tier"] == 4


def test_derivations_follow_computed_from_at_both_levels() -> None:
    """Every indicator the library derives is registered for the level whose boundaries (or, at
    시도 level, whose indicators and facilities) its ``computed_from`` names; a formula takes its
    inputs from ``computed_from``, so renaming an input there changes what is read."""
    from siting.data.derive import DERIVATIONS, FORMULAS
    from siting.data.levels import Level

    sido = load_dataset()
    sub = load_dataset(level="sigungu")
    at = {lvl: {i for i, (levels, _) in DERIVATIONS.items() if lvl in levels} for lvl in Level}
    boundary = {lvl: f"boundaries/{lvl}.geojson" for lvl in Level}
    for ind in sub.indicators.values():
        if boundary[Level.SIGUNGU] in ind.computed_from:
            assert ind.id in at[Level.SIGUNGU], ind.id
    for ind in sido.indicators.values():
        if ind.computed_from and not any(c.startswith("reference/") for c in ind.computed_from):
            assert ind.id in at[Level.SIDO], ind.id
    for ind_id in FORMULAS:
        inputs = sido.indicators[ind_id].computed_from
        assert len(inputs) == 2 and all(i in sido.indicators for i in inputs), ind_id


def test_a_formula_reads_the_inputs_computed_from_names() -> None:
    from siting.data.derive import derived_rows, sido_places

    ds = load_dataset(cache=False)
    places = sido_places(ds)
    rows = [r for r in derived_rows(ds, places=places) if r["indicator"] == "power_surplus"]
    assert rows and all("power_generation, power_sales" in r["note"] for r in rows)
    swapped = dict(ds.indicators)
    ind = swapped["power_surplus"]
    swapped["power_surplus"] = type(ind)(
        **{**ind.__dict__, "computed_from": ("power_sales", "power_generation")}
    )
    ds.indicators = swapped
    flipped = [r for r in derived_rows(ds, places=places) if r["indicator"] == "power_surplus"]
    assert [float(r["value"]) for r in flipped] == [-float(r["value"]) for r in rows]
