"""``siting compare`` and ``siting sensitivity`` (registered on the main app)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from siting._errors import SitingError
from siting.cli._app import (
    Fmt,
    FormatOpt,
    Lang,
    LangOpt,
    LevelOpt,
    OutputOpt,
    ScenarioOpt,
    _emit,
    _load,
    app,
    state,
)


@app.command()
def compare(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Two or more scenario names or YAML paths; the first is the reference."
        ),
    ],
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    top_k: Annotated[int, typer.Option("--top-k", min=1, help="Size of the top-k overlap.")] = 3,
    movers: Annotated[
        int, typer.Option("--movers", min=0, help="How many biggest movers to list.")
    ] = 5,
    map_file: Annotated[
        Path | None,
        typer.Option("--map", help="Also write a comparison map (HTML, works offline)."),
    ] = None,
    level: LevelOpt = None,
) -> None:
    """Compare how regions rank under several scenarios: ranks and scores side by side, rank
    changes, top-k overlap, Kendall tau, Spearman rho, weighted Spearman and WS similarity, and
    the biggest movers with the criteria that moved them.

    Examples: siting compare base power-first · siting compare base power-first
    talent-and-research -f markdown · siting compare base balanced-development --map maps/cmp.html
    """
    from siting.analysis.compare import compare as run_compare
    from siting.data.dataset import load_dataset
    from siting.engine.score import score
    from siting.scenario.config import load_scenario

    if len(scenarios) < 2:
        raise SitingError(
            "compare needs at least two scenarios", fix="e.g. siting compare base power-first"
        )
    from siting._paths import data_dir

    scs = [load_scenario(s, data_dir(state().data)) for s in scenarios]
    lvl = level or next((s.level for s in scs if s.level), None) or "sido"
    ds = load_dataset(state().data, level=str(lvl))
    results = [score(ds, sc) for sc in scs]
    ks = tuple(sorted({top_k, 5} if top_k != 5 else {3, 5}))
    cmp = run_compare(results, top_k=ks, movers=movers)
    if map_file is not None:
        from siting.outputs.maps import write_comparison_map

        write_comparison_map(cmp, map_file, lang=lang.value)
        typer.echo(f"wrote {map_file}", err=True)
    _emit(_render_compare(cmp, fmt, lang.value), output)


def _render_compare(cmp: Any, fmt: Fmt, lang: str) -> Any:
    from siting.outputs.render import rich_table, to_csv, to_json, to_markdown

    if fmt is Fmt.json:
        return to_json(cmp.to_dict(lang))
    rows = cmp.table(lang)
    hashes = " · ".join(f"{r.scenario.name} {r.hash}" for r in cmp.results)
    if fmt is Fmt.csv:
        return to_csv(rows) + f"# hashes: {hashes}\n"
    agree = [
        {
            "vs": p.b,
            "common": p.common,
            **{f"top{k}_overlap": round(v, 3) for k, v in p.top_k_overlap.items()},
            "same_top": p.same_top,
            "kendall_tau": p.kendall_tau,
            "spearman_rho": p.spearman_rho,
            "weighted_spearman": p.weighted_spearman,
            "ws_similarity": p.ws_similarity,
        }
        for p in cmp.pairs
    ]
    ds = cmp.results[0].dataset
    mv = [
        {
            "scenario": m.scenario,
            "region": ds.region_name(m.region, lang),
            "rank": f"{m.rank_a} → {m.rank_b}",
            "change": f"{m.change:+d}",
            "why (points)": ", ".join(f"{c} {d:+.1f}" for c, d in m.drivers),
        }
        for m in cmp.movers
    ]
    ref = cmp.names[0]
    if fmt is Fmt.markdown:
        return (
            f"## Scenario comparison (reference: {ref})\n\n"
            + to_markdown(rows)
            + "\n### Agreement with the reference\n\n"
            + to_markdown(agree)
            + "\n### Biggest movers\n\n"
            + (to_markdown(mv) if mv else "none\n")
            + f"\n{hashes}\n"
        )
    from rich.console import Group
    from rich.text import Text

    cols = list(rows[0].keys())
    cols.remove("code")
    parts: list[Any] = [
        rich_table(
            rows,
            cols,
            title=f"Ranks and scores (reference: {ref})",
            right=[c for c in cols if c != "region"],
        ),
        rich_table(agree, list(agree[0].keys()), title="Agreement with the reference"),
    ]
    if mv:
        parts.append(rich_table(mv, list(mv[0].keys()), title="Biggest movers"))
    parts.append(Text(hashes, style="dim"))
    return Group(*parts)


def _parse_bounds(items: list[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for item in items:
        try:
            name, rng = item.split("=", 1)
            lo, hi = (
                float(x.rstrip("%")) / (100 if x.endswith("%") else 1) for x in rng.split(":")
            )
        except ValueError:
            raise SitingError(
                f"cannot read bounds {item!r}",
                key="--bounds",
                fix="write CRITERION=LO:HI as fractions or percents, "
                "e.g. grdp=0.05:0.2 or grdp=5%:20%",
            ) from None
        out[name.strip()] = (lo, hi)
    return out


@app.command()
def sensitivity(
    scenario: ScenarioOpt = "base",
    samples: Annotated[
        int, typer.Option("--samples", "-n", min=1, help="Number of weight samples.")
    ] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed (same seed, same output).")
    ] = 0,
    concentration: Annotated[
        float,
        typer.Option(
            "--concentration",
            "-c",
            min=0.0,
            help="Dirichlet concentration around the scenario's weights (larger = closer to them).",
        ),
    ] = 100.0,
    uniform: Annotated[
        bool, typer.Option("--uniform", help="Sample uniformly over all weight vectors instead.")
    ] = False,
    bounds: Annotated[
        list[str] | None,
        typer.Option("--bounds", help="Per-criterion weight bounds, CRITERION=LO:HI (repeatable)."),
    ] = None,
    fmt: FormatOpt = Fmt.table,
    acceptability: Annotated[
        bool,
        typer.Option(
            "--acceptability/--no-acceptability",
            help="Include the full rank-acceptability matrix (json/csv).",
        ),
    ] = True,
    output: OutputOpt = None,
    lang: LangOpt = Lang.ko,
    level: LevelOpt = None,
    max_memory: Annotated[
        str | None,
        typer.Option(
            "--max-memory",
            help="Refuse runs estimated above this much memory, e.g. 8GB "
            "(default: 4 GiB or 80 % of RAM, whichever is less). Samples are streamed.",
        ),
    ] = None,
) -> None:
    """How robust is the ranking to the weights? Monte Carlo over weights (P(rank 1), P(top 3),
    median rank and 90 % interval per region) and one-at-a-time tipping points (the weight range
    in which the top region and the top-3 set stay the same, and who takes over beyond it).

    Examples: siting sensitivity · siting sensitivity -s power-first --samples 50000 --seed 7 ·
    siting sensitivity --uniform -f json -o robustness.json
    """
    from siting.analysis.sensitivity import default_memory_limit
    from siting.analysis.sensitivity import sensitivity as run
    from siting.engine.score import score

    ds, sc = _load(scenario, level)
    result = score(ds, sc)
    conc = None if uniform else concentration
    if conc is not None and conc <= 0:
        raise SitingError(
            "--concentration must be positive",
            key="--concentration",
            fix="use e.g. --concentration 50, or --uniform",
        )
    bnds = _parse_bounds(bounds or [])
    limit = _parse_bytes(max_memory) if max_memory is not None else default_memory_limit()
    bar = _LazyProgress(samples, "sampling weights")
    tip = _LazyProgress(len(result.criteria), "tipping points")
    try:
        res = run(
            result,
            samples,
            seed,
            conc,
            bnds,
            progress=bar,
            memory_limit=limit,
            tipping_progress=lambda k: (bar.close(), tip(k)),
        )
    finally:
        bar.close()
        tip.close()
    _emit(_render_sensitivity(res, fmt, lang.value, acceptability), output)


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS.update({"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40})
_UNITS.update({"k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12})  # 8G as 8GB


def _parse_bytes(text: str) -> int:
    """'8GB', '512MiB', '2e9' -> bytes."""
    s = text.strip().lower().replace(" ", "")
    num = s.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = s[len(num) :]
    try:
        value = float(num) * _UNITS[unit]
    except (ValueError, KeyError):
        value = -1.0
    if not (0 < value < 2**62):
        raise SitingError(
            f"cannot read --max-memory {text!r}",
            key="--max-memory",
            fix="give a positive size such as 8GB, 512MB or 2GiB",
        )
    return int(value)


class _LazyProgress:
    """A progress bar on stderr (rich) that appears only once the run has taken about a second
    and only when stderr is a terminal; called with the number of samples just done."""

    def __init__(self, total: int, label: str, delay: float = 1.0) -> None:
        import time

        self._clock = time.monotonic
        self.total, self.label, self.delay = total, label, delay
        self.enabled = sys.stderr.isatty()
        self.start = self._clock()
        self.done = 0
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, k: int) -> None:
        self.done += k
        if not self.enabled:
            return
        if self.bar is None:
            if self._clock() - self.start < self.delay:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total, completed=self.done)
        else:
            self.bar.update(self.task, completed=self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
            self.enabled = False


def _render_sensitivity(res: Any, fmt: Fmt, lang: str, acceptability: bool) -> Any:
    from siting.outputs.render import footer, rich_table, to_csv, to_json, to_markdown

    if fmt is Fmt.json:
        return to_json(res.to_dict(lang, acceptability))
    rows = res.table(lang)
    if fmt is Fmt.csv:
        if acceptability:
            mc = res.monte_carlo
            for r in rows:
                i = mc.regions.index(r["code"])
                for k, p in enumerate(mc.acceptability[i], start=1):
                    r[f"p_rank{k}"] = round(float(p), 6)
        return (
            to_csv(rows) + f"# {footer(res.result)} · samples {res.monte_carlo.samples} · "
            f"seed {res.monte_carlo.seed}\n"
        )
    tips = res.tipping_rows(lang)
    mc = res.monte_carlo
    dist = (
        "uniform over the simplex"
        if mc.concentration is None
        else f"Dirichlet, concentration {mc.concentration:g}"
    )
    head = f"{mc.samples:,} weight samples ({dist}), seed {mc.seed}"
    if fmt is Fmt.markdown:
        return (
            f"## Robustness of '{res.result.scenario.name}'\n\n{head}\n\n"
            + to_markdown(rows)
            + "\n### Tipping points (one weight at a time)\n\n"
            + to_markdown(tips)
            + f"\n{footer(res.result)}\n"
        )
    from rich.console import Group
    from rich.text import Text

    return Group(
        rich_table(
            rows,
            ("region", "rank", "p_rank1", "p_top3", "median_rank", "rank_90"),
            title=f"Robustness of '{res.result.scenario.name}' — {head}",
            right=("rank", "p_rank1", "p_top3", "median_rank"),
        ),
        rich_table(
            tips,
            (
                "criterion",
                "weight_pct",
                "top",
                "top_stays_pct",
                "below",
                "above",
                "top3_stays_pct",
                "top3_below",
                "top3_above",
            ),
            title="Tipping points: weight range (%) in which the top region / top-3 set stay",
        ),
        Text(
            "below/above: who takes first place (or enters the top 3) beyond each end; "
            "'—': no change anywhere in 0-100 %.",
            style="dim",
        ),
        Text(footer(res.result), style="dim"),
    )
