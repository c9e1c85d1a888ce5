"""View speed: a generated 500-step flow, from model to written HTML, and
(when Chromium is installed) how long the page takes to draw and to react.

    python benchmarks/view.py [steps]

Goal: `view` writes in < 2 s; the page stays responsive.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from analyze import generate  # benchmarks/analyze.py: the same generator

from flowmap.analyze import run_analysis
from flowmap.graph import build_graph
from flowmap.render.html import view_html, write


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    flow = generate(n, max(10, n // 20))
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "view.html"
        for _ in range(3):
            t0 = time.perf_counter()
            g = build_graph(flow)
            write(out, view_html(flow, g, run_analysis(flow, graph=g), "en"))
            times.append(time.perf_counter() - t0)
        size = out.stat().st_size
        print(f"steps: {n}; view written in {min(times):.3f} s (goal < 2 s), {size / 1e6:.1f} MB")
        chromium = shutil.which("chromium")
        if chromium is None:
            print("no chromium: page timings skipped")
            return
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = b.new_page(viewport={"width": 1400, "height": 900})
            t0 = time.perf_counter()
            page.goto(out.as_uri())
            page.wait_for_selector("body[data-graph-ready='1']", timeout=60_000)
            drawn = time.perf_counter() - t0
            # responsiveness: time for one zoom step to be redrawn
            t0 = time.perf_counter()
            page.evaluate("""() => new Promise(r => { const n = window.flowmapNetwork;
                n.once('afterDrawing', () => r()); n.moveTo({scale: n.getScale() * 1.2}); })""")
            redraw = time.perf_counter() - t0
            b.close()
        print(f"page drawn in {drawn:.2f} s; a zoom redraws in {redraw * 1000:.0f} ms")


if __name__ == "__main__":
    main()
