"""``siting validate``: every problem in the data and the scenarios, at once."""

from __future__ import annotations

from pathlib import Path

from siting._errors import Problem, SitingError


def validate_all(files: list[Path], data: str | Path | None = None) -> tuple[list[Problem], int]:
    """Check the data folder and scenario files; return (problems, number of items checked)."""
    from siting.config import available_scenarios, load_scenario
    from siting.dataset import load_dataset
    from siting.score import check_scenario

    problems: list[Problem] = []
    ds = load_dataset(data, strict=False)
    problems.extend(ds.problems)
    checked = 1
    targets: list[str] = [str(f) for f in files] or [
        str(ds.root / "scenarios" / f"{n}.yaml") for n in available_scenarios(ds.root)
    ]
    for t in targets:
        checked += 1
        try:
            sc = load_scenario(t, ds.root)
        except SitingError as exc:
            problems.extend(exc.as_problems())
            continue
        problems.extend(check_scenario(sc, ds))
        if not problems:
            from siting.score import score

            try:
                score(ds, sc)
            except SitingError as exc:
                problems.extend(exc.as_problems())
    return problems, checked
