"""``siting validate``: every problem in the data and the scenarios, at once."""

from __future__ import annotations

from pathlib import Path

from siting._errors import Problem, SitingError
from siting._yaml import decode_text
from siting.data.checks import check_computed_from
from siting.data.dataset import load_dataset
from siting.data.geometry import feature_problems
from siting.data.layout import UNITS_FILE
from siting.data.levels import Level
from siting.data.shapes import feature_code, shapes_problems
from siting.engine.score import check_scenario, score
from siting.scenario.loading import available_scenarios, load_scenario


def validate_all(files: list[Path], data: str | Path | None = None) -> tuple[list[Problem], int]:
    """Check the data folder and scenario files; return (problems, number of items checked)."""
    problems: list[Problem] = []
    ds = load_dataset(data, strict=False)
    problems.extend(ds.problems)
    sub = load_dataset(data, strict=False, level=Level.SIGUNGU)
    problems.extend(p for p in sub.problems if p not in ds.problems)
    problems.extend(check_sigungu(sub))
    problems.extend(check_computed_from(sub))
    problems.extend(
        check_boundary_files(
            ds.root,
            {"boundaries/sido.geojson": ds.region_codes, "sigungu/units.geojson": sub.region_codes},
        )
    )
    checked = 2
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
        target = sub if sc.level == Level.SIGUNGU else ds
        found = check_scenario(sc, target)
        problems.extend(found)
        if not found:
            try:
                res = score(target, sc)
            except SitingError as exc:
                problems.extend(exc.as_problems())
                continue
            problems.extend(inherited_warnings(res, sc))
    return problems, checked


OWN_SHARE_WARNING = 0.5  # a 시군구 scenario below this own-value share rests mostly on provinces


def inherited_warnings(res, sc) -> list[Problem]:  # type: ignore[no-untyped-def]
    """A warning when a 시군구 scenario's weight rests mostly on values inherited from provinces."""
    if not res.by_units:
        return []
    share = res.own_share_mean()
    if share >= OWN_SHARE_WARNING:
        return []
    file, line = sc.where("criteria")
    return [
        Problem(
            f"at 시군구 level only {100 * share:.0f} % of the effective weight rests on the units' "
            "own values; the ranking mostly repeats the provinces'",
            file=file,
            line=line,
            key="criteria",
            fix="weight criteria with values of the units' own (siting data --level sigungu "
            "shows them) or set inherited: exclude or a discount such as inherited: 0.5",
            severity="warning",
        )
    ]


def check_sigungu(ds) -> list[Problem]:
    """시군구 units join the boundary layer and their province; every province has units."""
    import json

    out: list[Problem] = []
    path = ds.root / "boundaries" / "sigungu.geojson"
    if not path.exists():
        return out
    codes = {f["properties"]["code"] for f in json.loads(path.read_text("utf-8"))["features"]}
    provinces = set(ds.parent.region_codes) if ds.parent is not None else set()
    for u in ds.regions:
        members = [m for m in u["members"].split(";") if m]
        missing = [m for m in members if m not in codes]
        if not members or missing:
            out.append(
                Problem(
                    f"unit {u['code']} has members without a boundary: {missing}",
                    file=str(ds.root / UNITS_FILE),
                    key=u["code"],
                    fix="rebuild with scripts/build_sigungu.py",
                )
            )
        if u["sido"] not in provinces or not u["code"].startswith(u["sido"]):
            out.append(
                Problem(
                    f"unit {u['code']} does not join province {u['sido']}",
                    file=str(ds.root / UNITS_FILE),
                    key=u["code"],
                )
            )
    for p in sorted(provinces - {u["sido"] for u in ds.regions}):
        out.append(Problem(f"province {p} has no 시군구 units", file=str(ds.root / UNITS_FILE)))
    return out


BOUNDARY_FILES = ("boundaries/sido.geojson", "boundaries/sigungu.geojson", "sigungu/units.geojson")


def _read_layer(path: Path, out: list[Problem]) -> dict | None:
    """A GeoJSON layer as parsed JSON, or None with the reason added to ``out``."""
    import json

    try:
        return json.loads(decode_text(path.read_bytes(), str(path)))
    except SitingError as exc:
        out.extend(exc.as_problems())
    except ValueError as exc:
        out.append(Problem(f"not valid JSON ({exc})", file=str(path)))
    return None


def _missing_features(fc: dict, want: list[str], file: str) -> list[Problem]:
    """A problem for each code of ``want`` without a feature in the layer ``fc``."""
    have = {str((f.get("properties") or {}).get("code")) for f in fc.get("features", [])}
    return [
        Problem(
            f"region {code} has no feature in this layer",
            file=file,
            key=code,
            fix="rebuild it with scripts/build_sigungu.py",
        )
        for code in want
        if code not in have
    ]


def check_boundary_files(root: Path, expected: dict[str, list[str]] | None = None) -> list[Problem]:
    """Every polygon of every boundary layer: one per code, polygonal, valid, in Korea; and
    (``expected``: layer -> codes) every expected region has its feature."""

    out: list[Problem] = []
    codes: dict[str, set[str]] = {}
    for rel in BOUNDARY_FILES:
        path = root / rel
        fc = _read_layer(path, out) if path.is_file() else None
        if fc is None:
            continue
        layer_problems = feature_problems(fc, str(path))[0]
        out.extend(layer_problems)
        if not layer_problems:  # every feature is a dict with a code
            codes[rel] = {feature_code(f) for f in fc["features"]}
        want = (expected or {}).get(rel)
        if want and rel != "boundaries/sido.geojson":  # 시도: checks.py reports gaps already
            out.extend(_missing_features(fc, want, str(path)))
    # the derived map values beside the layers (of layers without problems of their own)
    bad = {rel for rel in BOUNDARY_FILES if any(p.file == str(root / rel) for p in out)}
    out.extend(shapes_problems(root, skip=bad, codes=codes))
    return out
