"""``computed_from`` names the real inputs of computed indicators, at both levels."""

from __future__ import annotations

import shutil
from pathlib import Path

from siting.checks import check_computed_from
from siting.dataset import load_dataset

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
