"""Speed and size of the map's what-if engine (siting/_assets/siting-whatif.js). Prints figures;
run: python benchmarks/bench_whatif.py [-s SCENARIO] [--level sigungu]

Target: a full recompute at 시군구 level (229 units x ~16-20 criteria: weights, aggregation,
points, ranks and ties, rank changes) under 50 ms in headless Chromium. ``performance.now()``
is coarse in a page (0.1 ms), so recomputes are timed in batches of 20; the figure is the median
over 40 batches, after 5 warm-up batches. Also printed: the payload size (alone and with every
shipped scenario as a preset) and the time Python takes to build it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TIME_JS = """() => {
  const m = P.scenario.criteria.length, out = [];
  for (let b = 0; b < 45; b++) {
    const t = performance.now();
    for (let k = 0; k < 20; k++) {
      const w = Array.from({length: m}, (_, j) => (b * 20 + k + j * 13) % 29 + 1);
      const r = SitingWhatIf.score(P, w);
      if (!r.ok) throw new Error(r.error);
    }
    out.push((performance.now() - t) / 20);
  }
  return out.slice(5);
}"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-s", "--scenario", default="sigungu-own-data")
    ap.add_argument("--level", default="sigungu", choices=["sido", "sigungu"])
    ap.add_argument("--method", default=None, help="override the method (wsm, wpm, topsis)")
    args = ap.parse_args()

    from siting.data.dataset import load_dataset
    from siting.engine.score import score
    from siting.outputs.whatif import shipped_presets, whatif_json, whatif_payload
    from siting.scenario.loading import load_scenario

    ds = load_dataset(None, level=args.level)
    sc = load_scenario(args.scenario)
    if args.method:
        sc.method = args.method
    result = score(ds, sc)
    t = time.perf_counter()
    text = whatif_json(whatif_payload(result), for_html=True)
    build_ms = 1e3 * (time.perf_counter() - t)
    full = whatif_json(whatif_payload(result, shipped_presets(ds)), for_html=True)
    n, m = len(result.regions), len(result.criteria)
    print(
        f"payload: {len(text) / 1e3:.1f} kB ({n} units x {m} criteria, built in {build_ms:.1f} ms)"
    )
    print(f"payload with every shipped scenario as a preset: {len(full) / 1e3:.1f} kB")

    chromium = next(
        (
            hit
            for name in ("chromium", "chromium-browser", "google-chrome")
            if (hit := shutil.which(name))
        ),
        None,
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("browser timing skipped: needs Chromium and playwright")
        return 0
    engine = (REPO / "siting" / "_assets" / "siting-whatif.js").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "bench.html"
        html.write_text(
            f"<!doctype html><meta charset='utf-8'><script>{engine}</script>"
            f"<script>window.P = {text};</script>",
            encoding="utf-8",
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True
            )
            page = browser.new_page()
            page.goto(html.as_uri())
            times = page.evaluate(TIME_JS)
            browser.close()
    med = statistics.median(times)
    print(
        f"recompute ({result.method}, {args.level}, {n} x {m}) in headless Chromium: "
        f"median {med:.3f} ms, max batch mean {max(times):.3f} ms (target < 50 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
