"""View speed on a generated flow (default 500 steps; try 5000 for a huge one): CPU time to write
the HTML, and in headless Chromium how long the page takes to be drawn, to show the whole flow and
to zoom, with the renderer's own script / layout time (Chrome DevTools Performance metrics).

    python benchmarks/view.py [steps]

Goals: `view` writes 500 steps in < 2 s CPU; at 5,000 steps the page is drawn and the whole-flow
overview shown within ~5 s each; no JS error at any size.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from analyze import generate  # benchmarks/analyze.py: the same generator

from flowmap.analyze import run_analysis
from flowmap.graph import build_graph
from flowmap.render.html import view_html, write


def _metrics(cdp: Any) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    flow = generate(n, max(10, n // 20))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "view.html"
        cpu = []
        for _ in range(3):
            c0 = time.process_time()
            g = build_graph(flow)
            write(out, view_html(flow, g, run_analysis(flow, graph=g), "en"))
            cpu.append(time.process_time() - c0)
        print(f"steps: {n}; view written in {min(cpu):.2f} s CPU (goal at 500 steps < 2 s), {out.stat().st_size / 1e6:.1f} MB")
        chromium = shutil.which("chromium")
        if chromium is None:
            print("no chromium: page timings skipped")
            return
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = b.new_page(viewport={"width": 1440, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            t0 = time.perf_counter()
            page.goto(out.as_uri())
            page.wait_for_selector("body[data-graph-ready='1']", timeout=120_000)
            drawn = time.perf_counter() - t0
            m0 = _metrics(cdp)
            t0 = time.perf_counter()
            page.evaluate("window.flowmapWhole()")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            whole = time.perf_counter() - t0
            m1 = _metrics(cdp)
            t0 = time.perf_counter()
            page.evaluate("""() => new Promise(r => { const n = window.flowmapNetwork;
                n.once('afterDrawing', () => r()); n.moveTo({scale: n.getScale() * 1.2}); })""")
            zoom = time.perf_counter() - t0
            strips = page.evaluate("document.body.getAttribute('data-graph-strips')")
            note = page.locator(".fm-big").count()
            b.close()
        print(f"page drawn in {drawn:.2f} s wall (renderer script {m0['ScriptDuration']:.2f} s, "
              f"layout {m0['LayoutDuration']:.2f} s, tasks {m0['TaskDuration']:.2f} s)")
        print(f"whole flow shown in {whole:.2f} s wall (script +{m1['ScriptDuration'] - m0['ScriptDuration']:.2f} s), "
              f"{strips} strips; a zoom redraws in {zoom * 1000:.0f} ms; big-flow note shown: {bool(note)}; "
              f"JS errors: {errors or 'none'}")


if __name__ == "__main__":
    main()
