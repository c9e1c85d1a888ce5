"""The comparison page in a real browser (headless Chromium): offline, both graphs drawn and
marked, workload bars, overlaid distributions, findings by status, injection shown as text."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from .conftest import MODELS
from .test_html import ARTIFACTS, INJECT, SCRIPT, Page, _no_remote_references, browser

Run = Callable[..., Result]
__all__ = ["browser"]  # the fixture, imported for its use below


def _ink(page: Page, selector: str) -> int:
    return int(page.page.evaluate("""(sel) => {
        const c = document.querySelector(sel + ' canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) { if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++; }
        return n;
    }""", selector))


def _capacity_markers_clear_of_their_text(page: Page) -> None:
    """Every capacity marker of the workload chart ends at least 10 px before its row's value text starts
    (a marker at the chart's maximum used to touch it)."""
    gaps = page.page.evaluate("""() => [...document.querySelectorAll('#fm-workload svg line[stroke="#222"]')].map(l => {
        let t = l.nextElementSibling;
        while (t && t.tagName !== 'text') { t = t.nextElementSibling; }
        return t.getBoundingClientRect().left - l.getBoundingClientRect().right; })""")
    assert len(gaps) == 13 and min(gaps) >= 10, gaps  # before and after per owner; 営業担当 has no capacity after


def _share_axis_has_round_ticks(page: Page) -> None:
    """The distributions' y axis: round shares from 0 % up to just above the tallest bin, each label left of
    the plot, one above the other, below the title."""
    ticks = page.page.evaluate("""() => [...document.querySelectorAll('#fm-simulation svg text.fm-ytick')].map(t => {
        const r = t.getBoundingClientRect(); return {text: t.textContent, top: r.top, bottom: r.bottom, right: r.right}; })""")
    assert [t["text"] for t in ticks] == ["0%", "10%", "20%", "30%", "40%"], ticks  # the tallest bin is 37 % of after's cases
    title = page.page.evaluate("""() => document.querySelector('#fm-simulation svg text').getBoundingClientRect().bottom""")
    assert ticks[-1]["top"] >= title, (ticks[-1], title)
    assert all(a["top"] > b["bottom"] for a, b in itertools.pairwise(ticks)), ticks
    plot_left = page.page.evaluate("""() => document.querySelector('#fm-simulation svg polygon').getBoundingClientRect().left""")
    assert max(t["right"] for t in ticks) < plot_left
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.locator("#fm-simulation svg.chart").first.screenshot(path=str(ARTIFACTS / "compare_lead_time_histogram.png"))
    page.page.locator("#fm-workload svg.chart").first.screenshot(path=str(ARTIFACTS / "compare_workload.png"))


def test_compare_page_of_bundled_models(cli: Run, tmp_path: Path, browser: Any) -> None:
    out = tmp_path / "compare.html"
    r = cli("compare", MODELS / "ec_order_asis.yaml", MODELS / "ec_order_tobe.yaml", "--format", "html", "-o", out,
            "--start", "2026-11-30")
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    _no_remote_references(html)
    page = Page(browser, out, height=1000)
    try:
        assert page.errors == [] and page.requests == []
        assert page.page.title() == "比較: EC受注フロー(現状) → EC受注フロー(改善後)"
        kpis = page.page.inner_text("#fm-kpis")
        data = json.loads(cli("compare", MODELS / "ec_order_asis.yaml", MODELS / "ec_order_tobe.yaml", "--no-sim",
                              "--format", "json").output)
        counts = " / ".join(str(len(data["findings"][k])) for k in ("resolved", "remaining", "new"))
        assert "1,385 分" in kpis and "¥1,243,684" in kpis and counts in kpis  # counts follow the analyzers
        assert _ink(page, "#fm-graph-before") > 5000 and _ink(page, "#fm-graph-after") > 5000
        # the marks: removed steps in BEFORE, added and automated steps in AFTER
        labels = page.page.evaluate("""() => window.flowmapNetworks.map(n =>
            Object.fromEntries(n.body.data.nodes.get().map(x => [x.id, x.label])))""")
        assert labels[0]["O3"].startswith("✕") and labels[0]["K3"].startswith("✕") and not labels[0]["O6"].startswith("✕")
        assert labels[1]["B1"].startswith("＋") and labels[1]["P1"].startswith("⚙") and labels[1]["F1"].startswith("⚙")
        retired = page.page.locator("#fm-changes s.fm-retired").all_inner_texts()
        assert {"Excel受注表", "クレーム管理表", "LINE"} <= set(retired)
        # hover a removed step: its tooltip says so and names its retired tools
        pos = page.page.evaluate("""() => { const n = window.flowmapNetworks[0];
            n.moveTo({position: n.getPositions(['O3'])['O3'], scale: 0.8, animation: false});
            const p = n.canvasToDOM(n.getPositions(['O3'])['O3']);
            const r = document.getElementById('fm-graph-before').getBoundingClientRect();
            return {x: p.x + r.left, y: p.y + r.top}; }""")
        page.page.wait_for_timeout(200)
        page.page.mouse.move(pos["x"], pos["y"])
        page.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        tip = page.page.inner_text("div.vis-tooltip")
        assert "O3 在庫を手作業で引き当てる" in tip and "変更後に削除" in tip and "在庫管理表" in tip
        page.page.locator("#fm-graphs button.fm-home").first.click()
        # workload bars: a before and an after bar per owner; two distributions overlaid; findings by status
        assert page.page.locator("#fm-workload svg rect[fill='#9aa7b4']:has(title)").count() == 7
        assert page.page.locator("#fm-simulation svg polygon").count() == 2
        _capacity_markers_clear_of_their_text(page)
        _share_axis_has_round_ticks(page)
        assert page.page.locator("#fm-lead tbody tr").count() == 5  # mean, median, p90 and two segments
        assert page.page.locator("#fm-findings-cmp tr.fm-f-resolved").count() == len(data["findings"]["resolved"])
        assert page.page.locator("#fm-findings-cmp tr.fm-f-new").count() == len(data["findings"]["new"])
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "compare_ec_order.png"), full_page=True)
        page.page.emulate_media(media="print")
        assert page.page.locator("#fm-graphs button.fm-fit").first.is_hidden()
    finally:
        page.close()


def test_compare_page_shows_injection_as_text(cli: Run, tmp_path: Path, browser: Any) -> None:
    evil = f"注文{INJECT}{SCRIPT}"
    ops = f"ops{INJECT}"
    model = {
        "flowmap": 1, "name": evil, "lanes": [{"name": "お客様", "kind": "customer"}, {"name": ops}],
        "steps": [
            {"id": "S1", "name": evil, "lane": "お客様", "duration": 1, "next": "S2"},
            {"id": "S2", "name": f"x{INJECT}", "lane": ops, "owner": f"A{INJECT}", "tools": [f"T{INJECT}"],
             "writes": [f"d{INJECT}"], "duration": 2, "next": "S3"},
            {"id": "S3", "name": "y", "lane": ops, "owner": "B", "tools": [f"T{INJECT}"], "writes": [f"d{INJECT}"], "duration": 2},
        ],
    }
    flow = tmp_path / "evil.yaml"
    flow.write_text(yaml.safe_dump(model, allow_unicode=True), encoding="utf-8")
    change = tmp_path / "change.yaml"
    change.write_text(yaml.safe_dump({"name": SCRIPT, "changes": {"remove": ["S3"]}}, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "c.html"
    r = cli("compare", flow, "--scenario", change, "--format", "html", "-o", out, "--days", "2", "--replications", "2")
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "<img src=x" not in html and "<script>alert" not in html
    page = Page(browser, out)
    try:
        assert page.dialogs == [] and page.errors == [] and page.requests == []
        assert page.page.evaluate("document.images.length") == 0
        assert evil in page.page.inner_text("h1")
        assert "S3 y" in page.page.inner_text("#fm-changes")
        assert INJECT in page.page.inner_text("#fm-findings-cmp")
    finally:
        page.close()


def _compare_page(cli: Run, tmp_path: Path, browser: Any, lang: str, width: int, height: int) -> Page:
    out = tmp_path / f"compare_{lang}.html"
    r = cli("compare", MODELS / "ec_order_asis.yaml", MODELS / "ec_order_tobe.yaml", "--format", "html", "-o", out,
            "--lang", lang, "--days", "2", "--replications", "2", "--start", "2026-11-30")
    assert r.exit_code == 0, r.output
    page = Page(browser, out, width=width, height=height)
    assert page.errors == []
    return page


_STEP_TYPE = """() => window.flowmapNetworks.map(n => Math.min(...n.body.data.nodes.getIds().map(id =>
    n.body.nodes[id].options.font.size * n.getScale())))"""

_LANES_AND_STEPS = """() => window.flowmapNetworks.map(n => {
    const c = n.body.container.getBoundingClientRect();
    const steps = n.body.data.nodes.getIds().map(id => { const b = n.getBoundingBox(id);
        const a = n.canvasToDOM({x: b.left, y: b.top}), z = n.canvasToDOM({x: b.right, y: b.bottom});
        // what is drawn of a step: its box clipped to the canvas
        return {id: id, left: Math.max(a.x + c.left, c.left), top: Math.max(a.y + c.top, c.top),
                right: Math.min(z.x + c.left, c.right), bottom: Math.min(z.y + c.top, c.bottom)}; })
        .filter(s => s.right > s.left && s.bottom > s.top);
    const lanes = [...n.body.container.closest('.fm-cmp-box').querySelectorAll('.fm-lane')].map(d => {
        const r = d.getBoundingClientRect(); return {name: d.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
        font: parseFloat(getComputedStyle(d).fontSize)}; });
    return {steps: steps, lanes: lanes}; })"""


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"])


def _graphs_readable(page: Page, least: float) -> None:
    """Every step label is drawn in at least `least` screen px, no two steps on screen overlap; every lane is
    named once in the gutter, beside (never over) the steps on screen, in readable type."""
    assert min(page.page.evaluate(_STEP_TYPE)) >= least
    for g in page.page.evaluate(_LANES_AND_STEPS):
        assert [x["name"] for x in g["lanes"]] == ["お客様", "受注", "経理", "物流", "CS"], g["lanes"]
        assert len(g["steps"]) >= 5 and min(x["font"] for x in g["lanes"]) >= 10
        hits = [(s["id"], x["name"]) for s in g["steps"] for x in g["lanes"] if _overlap(s, x)]
        assert hits == [], hits
        piled = [(a["id"], b["id"]) for a, b in itertools.combinations(g["steps"], 2) if _overlap(a, b)]
        assert piled == [], piled


_EDGE_RED = """() => [...document.querySelectorAll('.fm-cmp-graph canvas')].map(c => {
    const y = Math.floor(c.height / 2);
    const red = x => { const d = c.getContext('2d').getImageData(x, y, 1, 1).data; return d[0] * d[3] / 255 + 255 - d[3]; };
    return [red(1), red(c.width - 2)]; })"""  # the red of the left and right edge of each canvas, over its white page


def test_compare_graphs_readable_type_and_lane_gutter(cli: Run, tmp_path: Path, browser: Any) -> None:
    page = _compare_page(cli, tmp_path, browser, "ja", 1440, 900)
    try:
        _graphs_readable(page, 10.5)  # the start view (a little before the first change)
        labels = page.page.evaluate("() => window.flowmapNetworks.map(n => n.body.data.nodes.get('O3') && n.body.data.nodes.get('O3').label)")
        assert labels[0].startswith("✕ O3\n在庫を手作業で"), labels  # zoomed out: mark, id, the name in the column
        # the start view shows a part of each flow: a tinted edge (◀ ▶) says it goes on left and right
        assert all(red < 215 for g in page.page.evaluate(_EDGE_RED) for red in g), page.page.evaluate(_EDGE_RED)
        for i in (0, 1):
            page.page.locator("#fm-graphs button.fm-fit").nth(i).click()
        page.page.wait_for_timeout(300)
        _graphs_readable(page, 10.5)  # the whole flow
        assert all(red > 240 for g in page.page.evaluate(_EDGE_RED) for red in g), page.page.evaluate(_EDGE_RED)
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.locator("#fm-graphs").screenshot(path=str(ARTIFACTS / "compare_graphs_whole.png"))
    finally:
        page.close()


def _chart_type(page: Page) -> float:
    """The smallest text of the SVG charts, in screen px."""
    return float(page.page.evaluate("""() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(t =>
        t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize)))"""))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_compare_page_on_a_phone(cli: Run, tmp_path: Path, browser: Any, lang: str) -> None:
    page = _compare_page(cli, tmp_path, browser, lang, 390, 844)
    try:
        assert page.page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways page scroll
        assert _chart_type(page) >= 8  # charts keep their width and scroll in their own box
        cells = page.page.evaluate("""() => [...document.querySelectorAll('#fm-findings-cmp td, #fm-steps-changed td')]
            .filter(td => td.offsetParent).map(td => td.getBoundingClientRect().width)""")
        assert len(cells) > 20 and min(cells) >= 250, cells  # one card per row, not columns of 2-3 characters
        _graphs_readable(page, 10.5)
        for which in ("before", "after"):
            graph = page.page.locator(f"#fm-graph-{which}")
            graph.scroll_into_view_if_needed()
            box = graph.bounding_box()
            assert box is not None and box["height"] <= 0.5 * 844  # room to scroll the page past it
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            at = f"() => document.elementFromPoint({x}, {y}).closest('.fm-cmp-shield, .fm-cmp-graph').className"
            assert page.page.evaluate(at) == "fm-cmp-shield fm-noprint"  # a finger here scrolls the page
            page.page.mouse.click(x, y)
            assert page.page.evaluate(at) == "fm-cmp-graph"  # tapped: the finger moves the graph
            page.page.locator("#fm-graphs button.fm-fit").nth(("before", "after").index(which)).click()
        page.page.wait_for_timeout(300)
        _graphs_readable(page, 10.5)  # "whole flow" on a phone: readable columns from the left, steps not piled up
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / f"compare_phone_{lang}.png"), full_page=True)
    finally:
        page.close()
