"""The view and the report measured in headless Chromium at a desktop (1440×900) and a phone
(390×844) size: the whole-flow overview of a long chain is cut into strips whose steps never
overlap, sit in their lane and keep their label clear of their frame; the pages never scroll
sideways; a phone shows findings as cards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import flowmap
from flowmap.model import Duration, Edge, Flow, Lane, Owner, Step

from .conftest import MODELS
from .test_html import ARTIFACTS, Page, browser  # noqa: F401  (the browser fixture)

Run = Callable[..., Result]
DESKTOP, PHONE = (1440, 900), (390, 844)


def chain(n: int, lanes: int = 1) -> Flow:
    """n steps one after the other, spread over `lanes` operator lanes in blocks, Japanese names."""
    names = [f"チーム{i + 1}" for i in range(lanes)]
    steps = [Step(id=f"S{i + 1}", name=f"工程{i + 1} 受注データを確認して在庫表に入力する", lane=names[i * lanes // n],
                  owners=[f"{names[i * lanes // n]}担当"], duration=Duration(params=(3.0,))) for i in range(n)]
    edges = [Edge(source=f"S{i + 1}", target=f"S{i + 2}") for i in range(n - 1)]
    return Flow(name=f"{n}工程の直列フロー", language="ja", lanes=[Lane(name=x) for x in names],
                owners=[Owner(name=f"{x}担当", lane=x) for x in names], steps=steps, edges=edges)


# Every step of the drawn graph: its box on the page, the band it sits in, how wide its text is
# against its frame, its type size and label; and the arrows left out between strips.
GEOMETRY = """() => {
    const n = window.flowmapNetwork, canvas = document.getElementById('flowmap-graph').getBoundingClientRect();
    const scale = n.getScale(), out = {nodes: [], cut: [], drawn: [], scale: scale,
        strips: Number(document.body.getAttribute('data-graph-strips') || '1'), canvas: canvas.toJSON()};
    const measure = document.createElement('canvas').getContext('2d');
    const bands = [];
    for (const d of document.querySelectorAll('#fm-lanes .fm-lane')) bands.push(d.getBoundingClientRect().toJSON());
    out.bands = bands;
    for (const id of n.body.data.nodes.getIds()) {
        const b = n.getBoundingBox(id), node = n.body.nodes[id], opts = n.body.data.nodes.get(id);
        const tl = n.canvasToDOM({x: b.left, y: b.top}), br = n.canvasToDOM({x: b.right, y: b.bottom});
        measure.font = (opts.font.size * scale) + 'px ' + opts.font.face;
        const lines = opts.label.split('\\n'), text = Math.max(...lines.map(l => measure.measureText(l).width));
        out.nodes.push({id: id, left: tl.x + canvas.left, top: tl.y + canvas.top, right: br.x + canvas.left,
                        bottom: br.y + canvas.top, text: text, textH: lines.length * opts.font.size * scale,
                        box: node.shape.width * scale, boxH: node.shape.height * scale,
                        border: opts.borderWidth, font: opts.font.size * scale, label: opts.label});
    }
    for (const e of n.body.data.edges.get()) (e.hidden ? out.cut : out.drawn).push([e.from, e.to]);
    return out;
}"""


def _whole(page: Page) -> dict[str, Any]:
    page.page.click("#fm-fit")
    page.page.wait_for_timeout(500)
    return dict(page.page.evaluate(GEOMETRY))


def _open(browser: Any, cli: Run, src: Path, out: Path, size: tuple[int, int]) -> Page:  # noqa: F811
    r = cli("view", src, "-o", out)
    assert r.exit_code == 0, r.output
    return Page(browser, out, width=size[0], height=size[1])


def _check_legible(got: dict[str, Any]) -> None:
    nodes = got["nodes"]
    for a in nodes:
        # the text stays clear of the frame (drawn in screen pixels whatever the zoom)
        assert a["text"] + 2 * a["border"] + 4 <= a["box"] + 0.5, a
        assert a["textH"] + 2 * a["border"] <= a["boxH"] + 0.5, a
        assert a["font"] >= 10.5, a
        # the step sits inside one lane band of the gutter
        assert any(b["top"] - 1 <= a["top"] and a["bottom"] <= b["bottom"] + 1 for b in got["bands"]), a
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            assert not (a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]), (a, b)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_overview_of_a_60_step_chain_reads(cli: Run, tmp_path: Path, browser: Any, size: tuple[int, int]) -> None:  # noqa: F811
    src = tmp_path / "chain60.yaml"
    flowmap.save(chain(60), src)
    page = _open(browser, cli, src, tmp_path / "view.html", size)
    try:
        got = _whole(page)
        assert page.errors == []
        _check_legible(got)
        # cut into strips, each arrow to another strip is named on the step it leaves
        assert got["strips"] > 1
        labels = {n["id"]: n["label"] for n in got["nodes"]}
        assert got["cut"] and all(f"→ {b}" in labels[a].split("\n")[0] for a, b in got["cut"])
        assert len(got["cut"]) + len(got["drawn"]) == 59
        # a name line holds at least six Japanese characters (it used to be one or two)
        for n in got["nodes"]:
            assert len(n["label"].split("\n")[1]) >= 6, n
        if size == DESKTOP:  # the whole chain is on screen
            c = got["canvas"]
            assert all(c["left"] - 1 <= n["left"] and n["right"] <= c["right"] + 1 and c["top"] - 1 <= n["top"]
                       and n["bottom"] <= c["bottom"] + 1 for n in got["nodes"])
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / f"overview_chain60_{size[0]}.png"))
        # back at the start: readable scale, full names, the arrows between strips still named
        page.page.click("#fm-home")
        page.page.wait_for_timeout(300)
        back = page.page.evaluate(GEOMETRY)
        assert back["scale"] >= 0.79 and "受注データを確認して在庫表に入力する" in back["nodes"][0]["label"].replace("\n", "")
        start = {n["id"]: n["label"] for n in back["nodes"]}
        assert all(f"→ {b}" in start[a] for a, b in back["cut"])
    finally:
        page.close()


def test_overview_of_the_bundled_flow_on_a_phone(cli: Run, tmp_path: Path, browser: Any) -> None:  # noqa: F811
    page = _open(browser, cli, MODELS / "ec_order_asis.yaml", tmp_path / "view.html", PHONE)
    try:
        got = _whole(page)
        assert page.errors == []
        _check_legible(got)  # steps used to pile up on each other and out of their lanes
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "overview_ec_order_asis_phone.png"))
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_view_fills_the_phone_without_scrolling(cli: Run, tmp_path: Path, browser: Any, lang: str) -> None:  # noqa: F811
    out = tmp_path / "view.html"
    assert cli("view", MODELS / "ec_order_asis.yaml", "-o", out, "--lang", lang).exit_code == 0
    page = Page(browser, out, width=PHONE[0], height=PHONE[1])
    try:
        size = page.page.evaluate("""() => { const d = document.documentElement, g = document.getElementById('flowmap-graph');
            return {sw: d.scrollWidth, sh: d.scrollHeight, bottom: g.getBoundingClientRect().bottom, h: g.clientHeight}; }""")
        assert size["sw"] <= PHONE[0] and size["sh"] <= PHONE[1], size  # the legend wraps; the canvas takes the rest
        assert size["bottom"] <= PHONE[1] + 0.5 and size["h"] > PHONE[1] / 2, size
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_report_on_a_phone(cli: Run, tmp_path: Path, browser: Any, lang: str) -> None:  # noqa: F811
    out = tmp_path / "report.html"
    r = cli("report", MODELS / "ec_order_asis.yaml", "-o", out, "--days", "3", "--replications", "1", "--start", "2026-11-30",
            "--lang", lang)
    assert r.exit_code == 0, r.output
    page = Page(browser, out, width=PHONE[0], height=PHONE[1])
    try:
        got = page.page.evaluate("""() => {
            const d = document.documentElement, out = {sw: d.scrollWidth, narrow: [], tiny: [], graph: 0};
            for (const td of document.querySelectorAll('#fm-findings td, #fm-journey td')) {
                const w = td.getBoundingClientRect().width;
                if (td.textContent.trim() && w < 250) out.narrow.push([td.textContent.slice(0, 20), w]);
            }
            for (const t of document.querySelectorAll('.fm-scroll svg text')) {
                const h = parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getBoundingClientRect().width
                          / t.ownerSVGElement.viewBox.baseVal.width;
                if (t.textContent.trim() && h < 8) out.tiny.push([t.textContent.slice(0, 20), h]);
            }
            out.graph = document.getElementById('flowmap-graph').getBoundingClientRect().height;
            return out; }""")
        assert page.errors == []
        assert got["sw"] <= PHONE[0], got["sw"]  # nothing makes the page scroll sideways
        assert got["narrow"] == [], got["narrow"][:5]  # a finding is a card of full-width lines, not 7 thin columns
        assert got["tiny"] == [], got["tiny"][:5]  # a chart keeps its type readable and scrolls in its box
        assert got["graph"] <= 0.76 * PHONE[1]  # room left around the graph to scroll the page past it
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / f"report_phone_{lang}.png"), full_page=True)
    finally:
        page.close()


def test_a_huge_flow_loads_and_degrades_gracefully(cli: Run, tmp_path: Path, browser: Any) -> None:  # noqa: F811
    """At HUGE steps the page still opens without a JS error: straight arrows, a note saying so,
    the overview in strips, hover cards built on demand. (Times: `python benchmarks/view.py 5000`.)"""
    from flowmap.render.lanes import HUGE

    src = tmp_path / "huge.yaml"
    flowmap.save(chain(HUGE, lanes=8), src)
    out = tmp_path / "huge.html"
    assert cli("view", src, "-o", out, "--lang", "en").exit_code == 0
    page = Page(browser, out, width=DESKTOP[0], height=DESKTOP[1])
    try:
        assert page.errors == []
        assert f"{HUGE:,} steps" in page.page.inner_text(".fm-big")
        smooth = page.page.evaluate("window.flowmapNetwork.body.data.edges.get().map(e => e.smooth.enabled)")
        assert len(smooth) == HUGE - 1 and not any(smooth)
        got = _whole(page)
        assert page.errors == [] and got["strips"] > 10
        # a hover card is made when the pointer reaches a step
        page.page.click("#fm-home")
        page.page.wait_for_timeout(300)
        pos = page.page.evaluate("""() => { const n = window.flowmapNetwork;
            const p = n.canvasToDOM(n.getPositions(['S1'])['S1']);
            const r = document.getElementById('flowmap-graph').getBoundingClientRect();
            return {x: p.x + r.left, y: p.y + r.top}; }""")
        page.page.mouse.move(pos["x"], pos["y"])
        page.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        assert "S1 工程1" in page.page.inner_text("div.vis-tooltip")
        assert page.errors == []
    finally:
        page.close()


def test_below_huge_arrows_keep_their_curves() -> None:
    from flowmap.render.lanes import HUGE, lane_graph

    flow = chain(30, lanes=3)
    data = lane_graph(flow, flowmap.build_graph(flow), None, "ja")
    assert len(flow.steps) < HUGE and not data["huge"]
    assert all(e["smooth"].get("enabled", True) for e in data["edges"])


def test_summary_line_counts_in_english() -> None:
    from flowmap.render.html import _summary_line

    one = chain(1)
    assert _summary_line(one, "en").startswith("1 step · 1 lane · 1 owner · 0 tools")  # was "1 steps · 1 lanes"
    assert _summary_line(chain(1200, lanes=2), "en").startswith("1,200 steps · 2 lanes · 2 owners")
    assert _summary_line(one, "ja").startswith("工程 1・レーン 1・担当者 1・ツール 0")


@pytest.mark.parametrize("command", ["view", "report"])
def test_start_of_a_long_one_lane_flow_fills_the_canvas(cli: Run, tmp_path: Path, browser: Any, command: str) -> None:  # noqa: F811
    """The start view of a 60-step one-lane chain: strips at the readable scale from the top of the
    canvas down (it used to be one band in the middle of an empty canvas)."""
    src = tmp_path / "chain60.yaml"
    flowmap.save(chain(60), src)
    out = tmp_path / f"{command}.html"
    extra = ["--no-simulate"] if command == "report" else []
    assert cli(command, src, "-o", out, *extra).exit_code == 0
    page = Page(browser, out, width=DESKTOP[0], height=DESKTOP[1])
    try:
        got = page.page.evaluate(GEOMETRY)
        assert page.errors == []
        c = got["canvas"]
        shown = [n for n in got["nodes"] if n["top"] < c["bottom"] and n["bottom"] > c["top"]]
        rows = {round(n["top"]) for n in shown}
        assert len(rows) >= 3, rows  # several strips of steps fill the height
        assert min(n["top"] for n in got["nodes"]) < c["top"] + 0.25 * c["height"]
        assert got["scale"] >= 0.79
        labels = {n["id"]: n["label"] for n in got["nodes"]}
        assert got["cut"] and all(f"→ {b}" in labels[a] for a, b in got["cut"])
        for i, a in enumerate(got["nodes"]):
            for b in got["nodes"][i + 1:]:
                assert not (a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"])
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / f"start_chain60_{command}.png"))
    finally:
        page.close()
