"""Size and speed of ``siting map`` and the comparison map. Prints figures; run:
python benchmarks/bench_map.py [--browser]

Targets: the 시도 map <= 2.5 MB and the 시군구 map (``--level sigungu``, 229 units) <= 4 MB,
everything inlined; each command <= 3 s wall time (median of a few runs, the whole command:
start-up, scoring, writing). ``--browser`` also opens the 시군구 map in headless Chromium
(playwright, software rendering) and times, with ``performance.now()``: the page's script,
ten pans (each ends with Leaflet redrawing every path), six animated zooms, and the frame
intervals during a mouse drag.

By default it maps the bundled data (scenario base; comparison base vs power-first, and base
vs sigungu-own-data at 시군구 level). ``--data DIR`` maps another data folder; ``--synthetic``
maps the test suite's data folder (17 real 시도 and the real 229 시군구 units, three
indicators, facilities), for when the bundled data is not ready.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MB = 1e6

PERF_JS = """async () => {
  const m = window.sitingMap.map;
  const raf = () => new Promise((r) => requestAnimationFrame(() => r()));
  const q = (a, p) => a.slice().sort((x, y) => x - y)[Math.floor(p * (a.length - 1))];
  const moves = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    m.panBy([i % 2 ? -300 : 300, i % 3 ? 120 : -120], {animate: false});
    await raf();
    moves.push(performance.now() - t);
  }
  const zooms = [];
  for (const dz of [1, 1, -1, -1, 1, -1]) {
    const t = performance.now();
    const done = new Promise((r) => m.once("zoomend", r));
    m.setZoom(m.getZoom() + dz);
    await done;
    await raf();
    zooms.push(performance.now() - t);
  }
  return {script_ms: window.sitingMap.renderMs, ready_ms: window.sitingMap.readyMs,
          paths: document.querySelectorAll("path.st-region").length,
          labels: document.querySelectorAll(".st-callout-box").length,
          pan_median_ms: q(moves, 0.5), pan_max_ms: Math.max(...moves),
          zoom_median_ms: q(zooms, 0.5), zoom_max_ms: Math.max(...zooms)};
}"""


def wall(cmd: list[str], cwd: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
        times.append(time.perf_counter() - t)
        if proc.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return times


def report(name: str, cmd: list[str], out: Path, times: list[float], work: Path, target_mb: float):
    size = out.stat().st_size
    shown = " ".join(cmd[1:]).replace(str(work), "$TMP")
    print(f"{name}")
    print(f"  command    : siting {shown}")
    print(f"  file size  : {size:,} bytes ({size / MB:.2f} MB; target <= {target_mb} MB)")
    print(
        f"  wall time  : median {statistics.median(times):.2f} s over {len(times)} runs "
        f"(min {min(times):.2f}, max {max(times):.2f}; target <= 3 s)"
    )


def browser(html: Path) -> dict | None:
    sys.path.insert(0, str(REPO))
    from siting.outputs.maps import find_chromium

    exe = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("  (playwright is not installed: no browser figures)")
        return None
    if exe is None:
        print("  (no Chromium: no browser figures)")
        return None
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=exe, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = b.new_page(viewport={"width": 1600, "height": 1000})
        t = time.perf_counter()
        page.goto(html.resolve().as_uri())
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30_000)
        load = time.perf_counter() - t
        r = page.evaluate(PERF_JS)
        box = page.locator(".folium-map").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.evaluate(
            """() => { window.__f = []; window.__run = true; let last = performance.now();
            const tick = (t) => { window.__f.push(t - last); last = t;
              if (window.__run) requestAnimationFrame(tick); };
            requestAnimationFrame(tick); }"""
        )
        for _ in range(2):
            page.mouse.move(cx, cy)
            page.mouse.down()
            page.mouse.move(cx + 250, cy + 150, steps=25)
            page.mouse.up()
            page.mouse.move(cx + 250, cy + 150)
            page.mouse.down()
            page.mouse.move(cx, cy, steps=25)
            page.mouse.up()
        page.wait_for_timeout(300)
        f = sorted(page.evaluate("() => { window.__run = false; return window.__f.slice(1); }"))
        b.close()
    r["open_to_ready_s"] = load
    r["drag_frame_p50_ms"] = f[len(f) // 2]
    r["drag_frame_p95_ms"] = f[int(0.95 * (len(f) - 1))]
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="data folder (default: the bundled one)")
    ap.add_argument("--synthetic", action="store_true", help="use the tests' data folder")
    ap.add_argument("-s", "--scenario", default=None, help="scenario (default: base / test)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--browser", action="store_true", help="time the 시군구 map in Chromium")
    args = ap.parse_args()

    exe = shutil.which("siting", path=str(Path(sys.executable).parent)) or "siting"
    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        work = Path(tmp)
        base = [exe]
        scenario = args.scenario or "base"
        others = ("power-first", "sigungu-own-data")
        if args.synthetic:
            sys.path.insert(0, str(REPO))
            import pytest  # noqa: F401  (tests.test_maps needs it)

            from tests.test_maps import make_boundaries, write_data, write_sigungu

            bnd = make_boundaries(work / "sido.geojson")
            data = write_sigungu(write_data(work / "data", boundaries=bnd))
            base += ["--data", str(data)]
            scenario = args.scenario or "test"
            others = ("strict", "strict")
        elif args.data:
            base += ["--data", str(args.data)]

        cases = [
            ("시도 map", ["map", "-s", scenario], "sido.html", 2.5),
            ("시군구 map", ["map", "-s", scenario, "--level", "sigungu"], "sigungu.html", 4),
            (
                "시군구 map with the robustness layer (10,000 samples)",
                ["map", "-s", scenario, "--level", "sigungu", "--sensitivity"],
                "sigungu-robust.html",
                4,
            ),
            (
                f"comparison map, 시도 ({scenario} vs {others[0]})",
                ["compare", scenario, others[0], "-f", "csv", "--map"],
                "compare.html",
                2.5,
            ),
            (
                f"comparison map, 시군구 ({scenario} vs {others[1]})",
                ["compare", scenario, others[1], "--level", "sigungu", "-f", "csv", "--map"],
                "compare-sigungu.html",
                5,
            ),
        ]
        for name, args_, fname, target in cases:
            out = work / fname
            cmd = base + args_ + ([str(out)] if args_[-1] == "--map" else ["-o", str(out)])
            times = wall(cmd, work, args.runs)
            report(name, cmd, out, times, work, target)
        t = time.perf_counter()
        subprocess.run([exe, "--help"], capture_output=True, check=True)
        print(f"siting --help: {time.perf_counter() - t:.2f} s")
        if args.browser:
            print("시군구 map in headless Chromium (software rendering):")
            r = browser(work / "sigungu.html")
            if r:
                print("  " + json.dumps({k: round(v, 1) for k, v in r.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
