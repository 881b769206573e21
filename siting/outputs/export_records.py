"""The rows every export carries: one per region (rank order), the criteria, the sources, the
run (hash, data vintage, scenario files, version) and the scenario YAML, with the constant
timestamp derived from the data vintage (never the clock)."""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting import __version__
from siting.data.boundaries import ATTRIBUTION

if TYPE_CHECKING:
    from siting.engine.result import Result

CRS = "EPSG:4326"
GPKG_TIME = "%Y-%m-%dT%H:%M:%S.000Z"


def _num(x: Any) -> float | None:
    """A finite float, or None for NaN (written as an empty cell / NULL)."""
    v = float(x)
    return v if math.isfinite(v) else None


def region_records(result: Result) -> list[dict[str, Any]]:
    """One dict per region in rank order (ranked first, excluded after, as ``siting rank``).

    ``rank`` is an integer (None when not ranked), ``tied`` says whether it is shared and
    ``rank_label`` is the printed form (``=3``). Shares are percent (0-100).
    """
    ds = result.dataset
    cov = result.coverage
    own = result.own_share if result.by_units else None
    contrib = result.contributions
    inh = result.inherited if result.by_units else None
    out = []
    for i in result.order():
        code = result.regions[i]
        rec: dict[str, Any] = {"code": code}
        if result.by_units:
            rec["sido_code"] = code[:2]
        rec |= {
            "name_ko": ds.region_name(code, "ko", short=False),
            "name_en": ds.region_name(code, "en", short=False),
            "score": _num(result.score[i]),
            "rank": int(result.rank[i]) if result.rank[i] > 0 else None,
            "tied": bool(result.tied[i]) if result.rank[i] > 0 else False,
            "rank_label": result.rank_label(i),
            "base_score": _num(result.base_score[i]),
            "adjustment": float(result.adjustment[i]),
            "coverage_pct": 100.0 * float(cov[i]),
        }
        if own is not None:
            rec["own_pct"] = 100.0 * float(own[i])
        rec["status"] = result.status(i)
        rec["reasons"] = "; ".join(result.reasons(i))
        for j, c in enumerate(result.criteria):
            rec[f"{c.id}__raw"] = _num(result.raw[i, j])
            rec[f"{c.id}__value"] = _num(result.transformed[i, j])
            rec[f"{c.id}__points"] = _num(contrib[i, j])
            if inh is not None:
                rec[f"{c.id}__inherited"] = bool(inh[i, j])
        out.append(rec)
    return out


def criteria_records(result: Result) -> list[dict[str, Any]]:
    """One dict per criterion: weight (as written and effective), value function, rationale."""
    n = len(result.regions)
    out = []
    for c in result.criteria:
        rec: dict[str, Any] = {
            "criterion": c.id,
            "name_ko": c.indicator.name_ko,
            "name_en": c.indicator.name_en,
            "unit": c.indicator.unit,
            "period": c.period,
            "weight": float(c.weight_raw),
            "effective_pct": 100.0 * float(c.weight),
            "value_function": c.value_function.describe(),
            "missing": c.missing,
            "coverage": int(c.coverage),
            "regions": n,
        }
        if result.by_units:
            rec["own_coverage"] = int(c.own_coverage)
            rec["inherited"] = c.inherited
        rec["rationale"] = (c.rationale or "").strip()
        rec["sources"] = "; ".join(c.sources)
        out.append(rec)
    return out


def _source_uses(result: Result) -> dict[str, list[str]]:
    """Source id -> what it feeds (criterion ids, then ``constraint <id>``), in first-use order."""
    ds = result.dataset
    uses: dict[str, list[str]] = {}
    for c in result.criteria:
        for sid in c.sources:
            uses.setdefault(sid, []).append(c.id)
    for k, con in enumerate(result.scenario.constraints):
        if not con.enabled or not con.indicator or con.indicator not in ds.indicators:
            continue
        period = con.period or ds.indicators[con.indicator].period
        if not ds.has_column(con.indicator, period):
            continue
        label = f"constraint {con.id or k + 1} ({con.indicator})"
        for sid in ds.column_sources(con.indicator, period):
            uses.setdefault(sid, []).append(label)
    return uses


def source_records(result: Result) -> list[dict[str, Any]]:
    """Every source of a value the result used (criteria and constraints), sorted by id."""
    ds = result.dataset
    parent = ds.parent
    out = []
    for sid, used in sorted(_source_uses(result).items()):
        s = ds.sources.get(sid) or (parent.sources.get(sid) if parent is not None else None)
        out.append(
            {
                "source": sid,
                "title": s.title if s else "",
                "publisher": s.publisher if s else "",
                "date": s.date if s else "",
                "url": s.url if s else "",
                "kind": s.kind if s else "",
                "tier": int(s.tier) if s else None,
                "via": s.via if s else "",
                "note": s.note if s else "(not in sources.csv)",
                "used_for": ", ".join(dict.fromkeys(used)),
            }
        )
    return out


def scenario_yaml(result: Result) -> str:
    """The resolved scenario (parents merged, defaults filled) as YAML: what the hash covers."""
    import yaml

    head = f"# resolved scenario {result.scenario.name or ''} · run hash {result.hash}\n"
    body = yaml.safe_dump(
        result.scenario.canonical(), sort_keys=False, allow_unicode=True, width=100
    )
    return head + body


def _display_path(file: str, root: Path) -> str:
    """A scenario file relative to the data folder's parent when inside it (no home paths)."""
    p = Path(file)
    try:
        return p.resolve().relative_to(root.resolve().parent).as_posix()
    except (ValueError, OSError):
        return file


def stamp(vintage: str) -> datetime:
    """The fixed timestamp written into exports: the data vintage's date (``2026-07`` ->
    2026-07-01 00:00), 1980-01-01 when it has none (the earliest a zip entry can carry)."""
    m = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", vintage or "")
    if not m:
        return datetime(1980, 1, 1)
    try:
        when = datetime(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        when = datetime(int(m[1]), 1, 1)
    return max(when, datetime(1980, 1, 1))


def run_records(result: Result, command: str | None = None) -> list[tuple[str, str]]:
    """Key/value pairs that identify the run (hash, data vintage, scenario files, version)."""
    ds = result.dataset
    files = [_display_path(f, ds.root) for f in result.scenario.chain]
    rows = [
        ("scenario", result.scenario.name or ""),
        ("description", (result.scenario.description or "").strip()),
        ("level", ds.level),
        ("method", result.method),
        ("run_hash", result.hash),
        ("data_vintage", ds.vintage),
        ("data_fingerprint", ds.fingerprint),
        ("scenario_files", "; ".join(files)),
        ("regions", str(len(result.regions))),
        ("ranked", str(int((result.rank > 0).sum()))),
        ("siting_version", __version__),
        ("command", command or ""),
        ("crs", CRS),
        ("boundaries", ATTRIBUTION),
        ("timestamp", stamp(ds.vintage).strftime(GPKG_TIME) + " (data vintage, not clock)"),
        ("warnings", "; ".join(result.warnings)),
    ]
    if result.by_units:
        rows.insert(4, ("own_share_pct", f"{100 * result.own_share_mean():.1f}"))
    return rows
