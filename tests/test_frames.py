"""Every result type as a DataFrame and as HTML for Jupyter: numeric ranks, explicit ties,
escaped text (issue 12: results give .to_frame(), .to_dict() and _repr_html_)."""

from __future__ import annotations

import pandas as pd
import pytest

import siting


@pytest.fixture(scope="module")
def ds():
    return siting.load_dataset()


def test_comparison_frame_has_numeric_ranks_and_ties(ds) -> None:
    a, b = siting.score(ds, "base"), siting.score(ds, "power-first")
    frame = siting.compare([a, b]).to_frame()
    assert str(frame["rank:base"].dtype) == "Int64"
    assert frame.index.name == "code"
    for res, name in ((a, "base"), (b, "power-first")):
        for i, code in enumerate(res.regions):
            want = int(res.rank[i]) or pd.NA
            got = frame.loc[code, f"rank:{name}"]
            assert (got is pd.NA and want is pd.NA) or got == want
            assert bool(frame.loc[code, f"tied:{name}"]) == bool(res.tied[i])
    # change = rank under the first minus rank under the second, where both rank the region
    both = frame.dropna(subset=["rank:base", "rank:power-first"])
    assert (both["change:power-first"] == both["rank:base"] - both["rank:power-first"]).all()


def test_sensitivity_frame_matches_its_table(ds) -> None:
    sens = siting.sensitivity(siting.score(ds, "base"), samples=300, seed=3)
    frame = sens.to_frame()
    rows = {r["code"]: r for r in sens.table()}
    assert set(frame.index) == set(rows)
    assert str(frame["rank"].dtype) == "Int64"
    for code, row in rows.items():
        assert frame.loc[code, "p_rank1"] == row["p_rank1"]
        lo, hi = row["rank_90"].split("-")
        assert (frame.loc[code, "rank_90_lo"], frame.loc[code, "rank_90_hi"]) == (
            float(lo),
            float(hi),
        )
    assert frame["p_rank1"].sum() == pytest.approx(1.0, abs=1e-9)


def test_backtest_frame_ranks_excluded_as_na(ds) -> None:
    bt = siting.backtest(ds, "base")
    frame = bt.to_frame()
    assert len(frame) == len(bt.items)
    assert str(frame["rank"].dtype) == "Int64"
    assert list(frame["rank"].fillna(0).astype(int)) == [it.rank or 0 for it in bt.items]
    assert "<table" in bt._repr_html_()


def test_fit_frame_weights_sum_to_100(ds) -> None:
    fit = siting.fit_weights(ds, "base")
    frame = fit.to_frame()
    assert frame.index.name == "criterion"
    assert frame["fitted_pct"].sum() == pytest.approx(100, abs=0.1)
    assert frame["prior_pct"].sum() == pytest.approx(100, abs=0.1)


def test_html_escapes_region_names(ds, monkeypatch) -> None:
    cmp = siting.compare([siting.score(ds, "base"), siting.score(ds, "power-first")])
    monkeypatch.setattr(type(ds), "region_name", lambda self, code, lang="ko": "<b>x</b>&")
    html = cmp._repr_html_()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in html
