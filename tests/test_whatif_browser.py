"""The what-if engine (siting/_assets/siting-whatif.js) in headless Chromium against score().

A bare page loads the engine; for every case of tests/test_whatif.py (each shipped scenario
at its levels, plus wpm, topsis and inherited-policy variants) 200 seeded weight vectors are
scored in one page.evaluate call and compared with score() on a re-weighted scenario copy:
scores within 1e-9, ranks and ties identical. The YAML the engine writes is scored again by
Python (load_scenario + score, and the CLI) and must give the same scores. The time of one
full recompute at 시군구 level is printed (benchmarks/bench_whatif.py reports it too).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from siting.engine.score import score
from siting.outputs.whatif import shipped_presets, whatif_json, whatif_payload
from siting.scenario.loading import load_scenario
from tests.test_whatif import CASE_IDS, CASES, dataset, random_weights, reweighted

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ENGINE = REPO / "siting" / "_assets" / "siting-whatif.js"
VECTORS = 200


def _chromium() -> str | None:
    env = os.environ.get("SITING_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if hit := shutil.which(name):
            return hit
    return None


CHROMIUM = _chromium()
if CHROMIUM is None:
    pytest.skip("no Chromium binary (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    html = tmp_path_factory.mktemp("whatif") / "harness.html"
    html.write_text(
        "<!doctype html><meta charset='utf-8'><title>what-if harness</title>"
        f"<script>{ENGINE.read_text(encoding='utf-8')}</script>"
        "<script>window.load = (text) => { window.P = JSON.parse(text); return true; };</script>",
        encoding="utf-8",
    )
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        ctx = browser.new_context()
        ctx.route(
            "**/*",
            lambda r: r.abort() if r.request.url.startswith("http") else r.continue_(),
        )
        pg = ctx.new_page()
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(html.as_uri())
        yield pg
        browser.close()
    assert errors == [], errors


def _load(page: object, payload: dict) -> None:
    page.evaluate("(t) => window.load(t)", whatif_json(payload))  # type: ignore[attr-defined]


SCORE_ALL = """(ws) => ws.map((w) => {
  const r = SitingWhatIf.score(window.P, w);
  return r.ok ? [r.scores, r.ranks, r.tied, r.rankDelta] : r.error;
})"""


@pytest.mark.parametrize(("level", "label", "sc"), CASES, ids=CASE_IDS)
def test_browser_scores_match_python(page: object, level: str, label: str, sc) -> None:  # type: ignore[no-untyped-def]
    ds = dataset(level)
    loaded = score(ds, sc)
    _load(page, whatif_payload(loaded))
    vectors = random_weights(np.random.default_rng(2026), len(sc.active_criteria), VECTORS)
    out = page.evaluate(SCORE_ALL, vectors)  # type: ignore[attr-defined]
    worst, exact, total = 0.0, 0, 0
    for raw, got in zip(vectors, out, strict=True):
        assert not isinstance(got, str), got
        scores, ranks, tied, delta = got
        r = score(ds, reweighted(sc, raw))
        assert ranks == [int(x) for x in r.rank], f"{label}: ranks differ for weights {raw}"
        assert tied == [bool(x) for x in r.tied]
        for s, t, d, r0, r1 in zip(scores, r.score, delta, loaded.rank, r.rank, strict=True):
            assert (s is None) == bool(np.isnan(t))
            if s is not None:
                worst = max(worst, abs(s - float(t)))
                exact += s == float(t)
                total += 1
            assert d == (int(r0) - int(r1) if r0 and r1 else None)
    print(f"{level}:{label}: max |JS - Python| = {worst:.3g}; {exact}/{total} scores bit-equal")
    assert worst <= 1e-9


def test_error_states(page: object) -> None:
    _load(page, whatif_payload(score(dataset("sido"), load_scenario("base"))))
    res = page.evaluate(  # type: ignore[attr-defined]
        """() => {
      const m = P.scenario.criteria.length, S = SitingWhatIf;
      const zero = new Array(m).fill(0), neg = new Array(m).fill(1);
      neg[2] = -1;
      return [S.score(P, zero), S.score(P, neg), S.score(P, [1, 2]), S.score(P, {x: 1}),
              S.score({}, null)].map((r) => [r.ok, r.error]);
    }"""
    )
    assert [ok for ok, _ in res] == [False, False, False, True, False]
    assert "zero" in res[0][1] and "dc_supply_approval" in res[1][1]


def test_yaml_round_trip(page: object, tmp_path: Path) -> None:
    """toYaml's scenario, scored by Python, gives exactly the scores of the re-weighted run."""
    from siting.cli import app

    rng = np.random.default_rng(5)
    picks = [c for c in CASES if c[1] in ("power-first", "sigungu-own-data", "base-topsis")]
    picks.append(next(c for c in CASES if c[1] == "base-inherited-exclude"))
    name = 'what "if" \\ 전력 60 %\n# not a comment: {x}\u2028\x7f'
    for level, label, sc in picks:
        ds = dataset(level)
        _load(page, whatif_payload(score(ds, sc)))
        for k, raw in enumerate(random_weights(rng, len(sc.active_criteria), 3)):
            raw[0] = [1e-7, 12.5, 1 / 3][k]  # exponent forms and a long decimal
            text, js = page.evaluate(  # type: ignore[attr-defined]
                """([w, name]) => [SitingWhatIf.toYaml(P, w, {name}),
                                   SitingWhatIf.score(P, w).scores]""",
                [raw, name],
            )
            path = tmp_path / f"{label}-{k}.yaml"
            path.write_text(text, encoding="utf-8")
            again = load_scenario(path)
            assert again.name == name and again.level == level
            got = score(ds, again)
            want = score(ds, reweighted(sc, raw))
            assert np.array_equal(got.score, want.score, equal_nan=True)
            assert np.array_equal(got.rank, want.rank)
            assert np.nanmax(np.abs(np.array(js, dtype=float) - got.score)) <= 1e-9
    # and through the command line, as a user would run it (a name without control
    # characters: the CLI escapes those in its output, which breaks JSON on stdout)
    path = tmp_path / "cli.yaml"
    path.write_text(
        page.evaluate(  # type: ignore[attr-defined]
            "([w, name]) => SitingWhatIf.toYaml(P, w, {name})", [raw, 'what-if "전력 60 %"']
        ),
        encoding="utf-8",
    )
    cli = CliRunner().invoke(
        app, ["rank", "-s", str(path), "-f", "json"], env={"SITING_DATA": str(REPO / "data")}
    )
    assert cli.exit_code == 0, cli.output
    ranking = json.loads(cli.stdout)["ranking"]
    by_code = {row["code"]: row for row in ranking}
    for i, code in enumerate(got.regions):
        if got.rank[i]:
            assert by_code[code]["score"] == round(float(got.score[i]), 2)


def test_state_round_trip_and_bad_input(page: object) -> None:
    ds = dataset("sido")
    r = score(ds, load_scenario("base"))
    _load(page, whatif_payload(r, shipped_presets(ds)))
    res = page.evaluate(  # type: ignore[attr-defined]
        """() => {
      const S = SitingWhatIf;
      const pf = S.withPreset(P, "power-first");
      const w = pf.scenario.criteria.map((c, j) => j === 0 ? 0.1 + 0.2 : c.weight_raw);
      const h = S.encodeState(P, {preset: "power-first", weights: w, layer: "score",
                                  region: P.regions[4]});
      const back = S.decodeState(P, "#" + h);
      const bad = ["#w=abc", "#p=nope&w=1:2:3&r=<script>&l=a b", "#%E0%A4%A", "&&==&", "#r=",
                   null, 42, "#w=" + "9".repeat(9000)].map((x) => S.decodeState(P, x));
      const wrong = S.decodeState(P, h.replace("p=power-first&", ""));
      const pfRank = S.score(pf, back.weights).ranks;
      return {h, back, w, bad, wrong, pfRank, vsLoaded: S.rankChanges(P.scenario.rank, pfRank)};
    }"""
    )
    assert res["back"]["preset"] == "power-first" and res["back"]["weights"] == res["w"]
    assert res["back"]["layer"] == "score" and res["back"]["region"] == r.regions[4]
    assert len(res["h"]) < 200
    for b in res["bad"]:
        assert b["weights"] is None and b["region"] is None and b["layer"] is None
    assert res["bad"][1]["problems"]
    assert res["wrong"]["weights"] is None  # power-first's weights do not fit base's criteria
    assert all(x >= 0 for x in res["pfRank"])
    want = [a - b if a and b else None for a, b in zip(r.rank, res["pfRank"], strict=True)]
    assert res["vsLoaded"] == want and any(x is None for x in want)  # power-first excludes


def _python_312() -> str | None:
    """A Python 3.12+ interpreter that runs (pyenv shims may exist without one), or None."""
    import glob
    import subprocess
    import sys

    if sys.version_info >= (3, 12):
        return sys.executable
    names = [shutil.which(n) for n in ("python3.13", "python3.12")]
    names += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")))
    for exe in filter(None, names):
        probe = subprocess.run(
            [exe, "-c", "import sys; assert sys.version_info >= (3, 12)"], capture_output=True
        )
        if probe.returncode == 0:
            return exe
    return None


def test_weight_sums_follow_the_python_version(page: object) -> None:
    """float_sum 'sequential' is sum() before 3.12, 'neumaier' is sum() from 3.12 on."""
    import subprocess
    import sys

    rng = np.random.default_rng(9)
    lists = [
        [float(x) for x in rng.choice([0.1, 1 / 3, 1e6, 1e-7, 7.7, 0.0], 17)] for _ in range(60)
    ]
    js = page.evaluate(  # type: ignore[attr-defined]
        """(ls) => ls.map((l) => [SitingWhatIf._internal.pySum(l, "sequential"),
                                  SitingWhatIf._internal.pySum(l, "neumaier")])""",
        lists,
    )
    if sys.version_info < (3, 12):
        assert [a for a, _ in js] == [sum(x) for x in lists]
    exe = _python_312()
    if exe is None:
        pytest.skip("no Python 3.12+ to check the compensated sum against")
    code = "import json,sys; print(json.dumps([sum(x) for x in json.load(sys.stdin)]))"
    out = subprocess.run(
        [exe, "-c", code], input=json.dumps(lists), capture_output=True, text=True, check=True
    )
    want = json.loads(out.stdout)
    assert [b for _, b in js] == want
    assert any(a != b for a, b in js)  # the lists do tell the two sums apart
