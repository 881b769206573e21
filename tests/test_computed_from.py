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
