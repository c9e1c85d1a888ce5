"""The exported .bpmn of every bundled model in the real bpmn.io viewer (bpmn-js from npm),
in headless Chromium, offline.

bpmn-js is installed by .ci/run (``npm install`` in tests/bpmn/viewer, node_modules ignored by
git). Under CI the test fails when it is missing; elsewhere it is skipped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import flowmap

from .conftest import FLOW_MODELS, MODELS, ROOT
from .test_html import ARTIFACTS, browser  # noqa: F401 (the Chromium fixture)

Run = Callable[..., Result]
VIEWER = ROOT / "tests" / "bpmn" / "viewer" / "node_modules" / "bpmn-js" / "dist"

pytestmark = pytest.mark.browser


def _viewer() -> Path:
    if not (VIEWER / "bpmn-viewer.development.js").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("bpmn-js is required under CI: run `npm install` in tests/bpmn/viewer (.ci/run does)")
        pytest.skip("bpmn-js not installed (npm install in tests/bpmn/viewer)")
    return VIEWER


PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{dist}/assets/diagram-js.css">
<link rel="stylesheet" href="{dist}/assets/bpmn-js.css">
<style>html,body,#canvas{{margin:0;width:100%;height:100%}}</style>
<script src="{dist}/bpmn-viewer.development.js"></script></head>
<body><div id="canvas"></div></body></html>"""


@pytest.mark.parametrize("model", FLOW_MODELS)
def test_exported_bpmn_in_bpmn_js(model: str, cli: Run, tmp_path: Path, browser: Any) -> None:  # noqa: F811
    dist = _viewer()
    out = tmp_path / (Path(model).stem + ".bpmn")
    res = cli("convert", MODELS / model, "-o", out)
    assert res.exit_code == 0, res.output
    flow = flowmap.load(MODELS / model)
    page_file = tmp_path / "viewer.html"
    page_file.write_text(PAGE.format(dist=dist.as_uri()), encoding="utf-8")

    ctx = browser.new_context(viewport={"width": 1800, "height": 1000}, offline=True)
    page = ctx.new_page()
    errors: list[str] = []
    remote: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    def route(r: Any) -> None:
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            remote.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(page_file.as_uri())
    result = page.evaluate("""async (xml) => {
        const viewer = new BpmnJS({ container: '#canvas' });
        const { warnings } = await viewer.importXML(xml);
        viewer.get('canvas').zoom('fit-viewport');
        const reg = viewer.get('elementRegistry');
        const all = reg.getAll().filter(e => e.type !== 'label' && e.businessObject);
        const drawn = all.filter(e => {
            const g = reg.getGraphics(e);
            if (!g) return false;
            const b = g.getBBox();
            return b.width > 0 || b.height > 0;  // a straight flow is a line
        }).map(e => e.id);
        const process = viewer.getDefinitions().rootElements.find(r => r.$type === 'bpmn:Process');
        const semantic = process.flowElements.map(e => e.id).concat(
            process.laneSets.flatMap(s => s.lanes.map(l => l.id)));
        return {
            warnings: warnings.map(w => String(w.message || w)),
            lanes: reg.filter(e => e.type === 'bpmn:Lane').map(e => e.businessObject.name),
            tasks: reg.filter(e => /Task$/.test(e.type) || e.type === 'bpmn:Task').map(e => e.businessObject.name),
            parallel: reg.filter(e => e.type === 'bpmn:ParallelGateway').length,
            drawn, semantic,
        };
    }""", out.read_text(encoding="utf-8"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"bpmn_js_{Path(model).stem}.png"
    page.screenshot(path=str(shot), full_page=True)
    ctx.close()

    assert result["warnings"] == [], json.dumps(result["warnings"], ensure_ascii=False)
    assert errors == [] and remote == []
    assert result["lanes"] == [la.name for la in flow.lanes]
    assert sorted(result["tasks"]) == sorted(s.name for s in flow.steps)
    missing = sorted(set(result["semantic"]) - set(result["drawn"]))
    assert missing == [], f"not drawn: {missing}"
    assert result["parallel"] == 2 * sum(1 for s in flow.steps if s.fork)


def test_view_draws_parallel_branches(cli: Run, tmp_path: Path, browser: Any) -> None:  # noqa: F811
    from .test_bpmn import PARALLEL
    from .test_html import Page

    src = tmp_path / "parallel.yaml"
    src.write_text(PARALLEL, encoding="utf-8")
    out = tmp_path / "parallel.html"
    res = cli("view", src, "-o", out)
    assert res.exit_code == 0, res.output
    page = Page(browser, out)
    try:
        data = page.page.evaluate("() => JSON.parse(document.getElementById('flowmap-graph-data').textContent)")
        labels = {n["id"]: n["label"] for n in data["nodes"]}
        assert "⊕ 並行して分岐" in labels["C1"] and "⊕ 全分岐を待って合流" in labels["O2"]
        branch = [e for e in data["edges"] if e["from"] == "C1"]
        assert len(branch) == 2 and all(e["label"].startswith("∥") for e in branch)
        assert page.canvas_ink() > 1000 and page.errors == [] and page.requests == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "view_parallel.png"))
    finally:
        page.close()
