"""The map's what-if panel in headless Chromium (network blocked), against Python's score().

A slider moved in the page must give the ranked table Python's order and ranks for the same
weights, the choropleth Python's colours, the YAML download must reproduce the browser's
scores through load_scenario + score, a link with the state in its hash must reopen the same
view, and reset must bring back the loaded ranking.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from siting.data.dataset import load_dataset
from siting.engine.score import score
from siting.outputs.maps import SEQUENTIAL, build_map, ramp_color
from siting.scenario.loading import load_scenario
from tests.test_map_browser import Page, _cli_map, browser  # noqa: F401  (fixture)
from tests.test_maps import data_dir, sido_geojson, sigungu_dir  # noqa: F401  (fixtures)
from tests.test_whatif import reweighted

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def wi_html(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    return _cli_map(data_dir, tmp_path_factory.mktemp("wi") / "test.html", "-s", "test")


@pytest.fixture(scope="module")
def wi_sigungu(sigungu_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("wi") / "sigungu.html"
    return _cli_map(sigungu_dir, out, "-s", "test", "--level", "sigungu", "--lang", "en")


@pytest.fixture()
def tab(browser: object) -> Iterator[Page]:  # noqa: F811
    p = Page(browser)
    yield p
    p.close()


def _table(page: object) -> list[tuple[str, str, str]]:
    """(region, rank cell without its ↑/↓ marker, score cell) of the scenario's table."""
    return [
        tuple(row)
        for row in page.evaluate(  # type: ignore[attr-defined]
            """() => Array.from(
                document.querySelectorAll('table.st-rank[data-layer="r0"] tbody tr'))
            .map(tr => [tr.getAttribute('data-region'),
                        tr.children[0].firstChild ? tr.children[0].firstChild.textContent : '',
                        tr.children[2].textContent])"""
        )
    ]


def _python_table(result: object) -> list[tuple[str, str, str]]:
    out = []
    for i in result.order():  # type: ignore[attr-defined]
        s = float(result.score[i])  # type: ignore[attr-defined]
        excluded = result.rank[i] == 0  # type: ignore[attr-defined]
        out.append(
            (
                result.regions[i],  # type: ignore[attr-defined]
                result.rank_label(i),  # type: ignore[attr-defined]
                "제외" if excluded else f"{s:.1f}",
            )
        )
    return out


def _move_slider(page: object, j: int, value: float) -> None:
    page.evaluate(  # type: ignore[attr-defined]
        """([j, v]) => {
            const s = document.querySelectorAll('#st-whatif input[data-wi="weight"]')[j];
            s.value = String(v); s.dispatchEvent(new Event('input', {bubbles: true})); }""",
        [j, value],
    )
    page.wait_for_function(  # type: ignore[attr-defined]
        "(v) => window.sitingMap.whatif.state().weights.includes(v)", arg=value
    )
    page.wait_for_timeout(50)  # the recompute runs in the next animation frame


def _weights(page: object) -> list[float]:
    return page.evaluate("() => window.sitingMap.whatif.state().weights")  # type: ignore[attr-defined]


def test_slider_reorders_like_python(tab: Page, wi_html: Path, data_dir: Path) -> None:  # noqa: F811
    ds = load_dataset(data_dir)
    sc = load_scenario("test", ds.root)
    page = tab.open(wi_html)
    loaded = score(ds, sc)
    assert _table(page) == _python_table(loaded)
    page.click("#st-whatif summary")
    n = len(sc.active_criteria)
    assert page.locator('#st-whatif input[data-wi="weight"]').count() == n
    # the loaded scenario's effective weights are shown, in %
    pct = page.locator("#st-whatif .st-wi-pct").all_text_contents()
    assert pct == [f"{100 * w:.1f} %" for w in sc.effective_weights().values()]
    # every shipped scenario this data can score is a preset, after the loaded one
    options = page.locator('#st-whatif select[data-wi="preset"] option').all_text_contents()
    assert options[0].startswith("test")
    reordered = False
    for step, (j, value) in enumerate([(n - 1, 9.0), (0, 0.0), (1, 7.5)]):
        _move_slider(page, j, value)
        w = _weights(page)
        assert w[j] == value
        expected = score(ds, reweighted(sc, w))
        assert _table(page) == _python_table(expected), f"step {step}"
        # the data-coverage column follows the weights too (share of the weight with data)
        cov = page.evaluate(
            """() => Array.from(
                document.querySelectorAll('table.st-rank[data-layer="r0"] tbody tr')
            ).map(tr => [tr.getAttribute('data-region'), tr.children[3].textContent])"""
        )
        want = {
            code: f"{100 * float(expected.coverage[expected.index(code)]):.0f}%"
            + ("*" if np.isnan(expected.raw[expected.index(code)]).any() else "")
            for code, _ in cov
        }
        assert dict(cov) == want, f"step {step}"
        reordered |= [r[0] for r in _table(page)] != [loaded.regions[i] for i in loaded.order()]
        js = page.evaluate("() => window.sitingMap.whatif.result().scores")
        for i, s in enumerate(expected.score):
            if np.isnan(s):
                assert js[i] is None
            else:
                assert abs(js[i] - s) < 1e-9
        # the choropleth is recoloured with Python's colour ramp
        code = expected.regions[int(np.nanargmax(expected.score))]
        fill = page.evaluate(
            """(code) => { const ly = Object.values(window.sitingMap.map._layers)
                .find(l => l.feature && l.feature.id === code && l.options.className
                      && l.options.className.includes('st-region-r0'));
                return ly.options.fillColor; }""",
            code,
        )
        i = expected.index(code)
        assert fill == ramp_color(SEQUENTIAL, float(expected.score[i]) / 100)
    assert reordered, "the weights tried never changed the order: the test proves nothing"
    # rank changes against the loaded scenario are shown while the weights differ
    moved = [
        (loaded.rank[i] - r)
        for i, r in enumerate(expected.rank)
        if r > 0 and loaded.rank[i] > 0 and loaded.rank[i] != r
    ]
    marks = page.locator('table.st-rank[data-layer="r0"] .st-wi-delta').all_text_contents()
    assert marks
    assert sorted(marks) == sorted(("↑" if d > 0 else "↓") + str(abs(d)) for d in moved)
    # a card shows the new rank and score
    top = expected.regions[expected.order()[0]]
    page.evaluate("(c) => window.sitingMap.select(c, false)", top)
    card = page.locator(f'article.st-card[data-layer="r0"][data-region="{top}"]')
    assert card.locator('[data-kpi="score"]').text_content() == (
        f"{expected.score[expected.index(top)]:.1f}"
    )
    assert card.locator('[data-kpi="rank"]').text_content().startswith("1위")
    # ... and its criterion rows the new points (100 x weight x score) and weights
    i = expected.index(top)
    want = [
        ("—" if np.isnan(expected.transformed[i, j]) else f"{expected.contributions[i, j]:.1f}")
        + f" / {100 * c.weight:.1f}"
        for j, c in enumerate(expected.criteria)
    ]
    got = card.locator("ol.st-crit > li .st-crit-pts").all_text_contents()
    assert got == want
    assert not card.locator(".st-wi-note").is_visible()  # nothing left from the loaded weights
    # the toggle switches a criterion off (weight 0) and back on (its previous weight)
    box = page.locator('#st-whatif input[data-wi="on"]').nth(1)
    box.uncheck()
    page.wait_for_timeout(50)
    assert _weights(page)[1] == 0
    box.check()
    page.wait_for_timeout(50)
    assert _weights(page)[1] == 7.5
    # reset: the loaded ranking, no markers, no weights in the link
    page.click('#st-whatif button[data-wi="reset"]')
    page.wait_for_timeout(50)
    assert _table(page) == _python_table(loaded)
    assert page.locator('table.st-rank[data-layer="r0"] .st-wi-delta').count() == 0
    assert "w=" not in page.evaluate("location.hash")
    assert not card.locator(".st-wi-note").is_visible()
    restored = card.locator("ol.st-crit > li .st-crit-pts").all_text_contents()
    assert restored == [
        ("—" if np.isnan(loaded.transformed[i, j]) else f"{loaded.contributions[i, j]:.1f}")
        + f" / {100 * c.weight:.1f}"
        for j, c in enumerate(loaded.criteria)
    ]
    tab.shot("whatif-sido.png")


def test_yaml_download_reproduces_scores(
    tab: Page,
    wi_html: Path,
    data_dir: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    ds = load_dataset(data_dir)
    page = tab.open(wi_html)
    page.click("#st-whatif summary")
    _move_slider(page, 0, 3.25)
    _move_slider(page, 2, 0.0)
    with page.expect_download() as info:
        page.click('#st-whatif button[data-wi="yaml"]')
    path = tmp_path / "whatif.yaml"
    info.value.save_as(path)
    assert info.value.suggested_filename == "test-whatif.yaml"
    res = score(ds, load_scenario(str(path), ds.root))
    js = page.evaluate("() => window.sitingMap.whatif.result()")
    assert [int(r) for r in res.rank] == js["ranks"]
    for i, s in enumerate(res.score):
        assert (js["scores"][i] is None) if np.isnan(s) else abs(js["scores"][i] - s) < 1e-9


def test_hash_restores_view(
    tab: Page,
    browser: object,  # noqa: F811
    wi_sigungu: Path,
    sigungu_dir: Path,  # noqa: F811
) -> None:
    ds = load_dataset(sigungu_dir, level="sigungu")
    sc = load_scenario("test", ds.root)
    page = tab.open(wi_sigungu)
    page.click("#st-whatif summary")
    _move_slider(page, 0, 12.0)
    w = _weights(page)
    expected = score(ds, reweighted(sc, w))
    code = expected.regions[expected.order()[5]]
    page.evaluate("(c) => window.sitingMap.select(c, false)", code)
    url = page.url
    assert "w=" in url and f"r={code}" in url
    # the top-10 labels follow the new ranking
    badges = page.locator(".st-callout .st-badge-rank").all_text_contents()
    top10 = [i for i in expected.order() if expected.rank[i] > 0][:10]
    assert sorted(badges) == sorted(str(int(expected.rank[i])) for i in top10)
    assert [r[0] for r in _table(page)] == [expected.regions[i] for i in expected.order()]
    # a second tab opened on the link shows the same weights, table and selection
    other = Page(browser)
    try:
        p2 = other.open(wi_sigungu, "#" + url.split("#", 1)[1])
        assert _weights(p2) == w
        assert p2.evaluate("() => window.sitingMap.state.selected") == code
        assert p2.locator(f'article.st-card[data-region="{code}"]').is_visible()
        assert [r[0] for r in _table(p2)] == [expected.regions[i] for i in expected.order()]
        assert p2.evaluate("() => document.getElementById('st-whatif').open")
        other.shot("whatif-sigungu-restored.png")
    finally:
        other.close()


def test_unsupported_disables_sliders(tab: Page, data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    ds = load_dataset(data_dir)
    html = build_map([score(ds, load_scenario("test", ds.root))], lang="en")
    reason = "method 'vikor' is computed by pymcdm in Python"
    # the payload as whatif_payload writes it for a method the browser cannot compute
    m = re.search(
        r'(<script type="application/json" id="siting-whatif">)(.*?)(</script>)', html, re.S
    )
    assert m
    payload = json.loads(m.group(2))
    payload["scenario"].update(supported=False, unsupported_reason=reason, method="vikor")
    text = json.dumps(payload).replace("<", "\\u003c")
    path = tmp_path / "unsupported.html"
    path.write_text(html[: m.start(2)] + text + html[m.end(2) :], encoding="utf-8")
    page = tab.open(path)
    page.click("#st-whatif summary")
    sliders = page.locator('#st-whatif input[data-wi="weight"]')
    assert sliders.count() > 0
    assert all(sliders.nth(i).is_disabled() for i in range(sliders.count()))
    assert reason in page.locator("#st-whatif .st-wi-msg").text_content()


# ---------------------------------------------------------------------------- label collisions
BOXES = """() => {
  const vis = (n) => { const r = n.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !n.closest('[hidden]') ? r : null; };
  const box = (n, r) => ({code: n.getAttribute('data-region') || n.textContent,
                          x: r.left, y: r.top, width: r.width, height: r.height});
  const labels = [], markers = [];
  document.querySelectorAll('.st-label:not(.st-island) .st-label-in').forEach((n) => {
    const r = vis(n); if (r) labels.push(box(n, r)); });
  document.querySelectorAll('.st-fac').forEach((n) => {
    const r = vis(n); if (r) markers.push(box(n, r)); });
  return {labels, markers};
}"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"] - 0.5
        and b["x"] < a["x"] + a["width"] - 0.5
        and a["y"] < b["y"] + b["height"] - 0.5
        and b["y"] < a["y"] + a["height"] - 0.5
    )


@pytest.mark.parametrize("level", ["sido", "sigungu"])
def test_labels_clear_of_each_other_and_of_markers(
    browser: object,  # noqa: F811
    tmp_path: Path,
    level: str,
) -> None:
    """At the first view of the bundled data's map (both languages): 세종's label does not sit
    on 충남's, and no facility symbol covers a label (부산, 울산, 광주, 전남 were hidden)."""
    repo_data = Path(__file__).resolve().parents[1] / "data"
    for lang in ("ko", "en"):
        out = _cli_map(
            repo_data, tmp_path / f"{level}-{lang}.html", "--level", level, "--lang", lang
        )
        tab = Page(browser, 1400, 900)
        try:
            tab.open(out)
            tab.settle()
            got = tab.page.evaluate(BOXES)
            labels, markers = got["labels"], got["markers"]
            assert len(markers) >= 10
            if level == "sido":
                assert len(labels) == 17
                by = {b["code"]: b for b in labels}
                assert not _overlap(by["36"], by["44"]), "세종 on 충남"
                for code in ("26", "31", "29", "46"):
                    assert by[code]
            else:
                assert len(labels) >= 8  # the top-10 callouts that fit
            bad = [(a["code"], b["code"]) for a in labels for b in markers if _overlap(a, b)]
            assert not bad, f"{level}/{lang}: markers over labels {bad}"
            bad = [
                (a["code"], b["code"])
                for i, a in enumerate(labels)
                for b in labels[:i]
                if _overlap(a, b)
            ]
            assert not bad, f"{level}/{lang}: labels over labels {bad}"
            tab.shot(f"labels-{level}-{lang}.png")
        finally:
            tab.close()
