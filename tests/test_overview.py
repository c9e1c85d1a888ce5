"""The whole-flow view of a 30-60 step flow reads at 1600×1000: every step on screen, its
label in type of at least 10.5 px, the legend above the canvas and the lane names beside it
(neither covers a step), steps of different lanes sharing columns."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import flowmap
from flowmap.model import Duration, Edge, Flow, Lane, Owner, Step
from flowmap.render.html import X_STEP, compact_columns

from .conftest import MODELS
from .test_html import ARTIFACTS, Page, browser  # noqa: F401  (the browser fixture)

Run = Callable[..., Result]


def _sixty_steps() -> Flow:
    """60 steps over 6 lanes: a customer, then work handed between five teams, with a loop back."""
    lanes = ["お客様", "受注", "経理", "倉庫", "配送", "CS"]
    steps, edges = [], []
    for i in range(60):
        lane = lanes[0] if i % 10 < 3 else lanes[1 + (i // 3) % 5]
        steps.append(Step(id=f"S{i + 1}", name=f"工程{i + 1}の確認と入力作業を行う", lane=lane,
                          owners=[] if lane == "お客様" else [f"{lane}担当"], duration=Duration(params=(3.0,))))
    for i in range(59):
        edges.append(Edge(source=f"S{i + 1}", target=f"S{i + 2}"))
    return Flow(name="60工程", language="ja", lanes=[Lane(name=n, kind="customer" if n == "お客様" else "operator")
                                                      for n in lanes],
                owners=[Owner(name=f"{n}担当", lane=n) for n in lanes[1:]], steps=steps, edges=edges)


def test_steps_of_different_lanes_share_columns() -> None:
    flow = _sixty_steps()
    xs = compact_columns(flow, flowmap.build_graph(flow))
    columns = max(xs.values()) / X_STEP + 1
    assert columns < 0.85 * len(flow.steps)  # a column per step would be 60: each change of lane takes half a column
    by_lane: dict[str, list[float]] = {}
    for s in flow.steps:
        by_lane.setdefault(s.lane, []).append(xs[s.id])
    for lane_xs in by_lane.values():  # steps of one lane never share a column
        assert all(b - a >= X_STEP for a, b in itertools.pairwise(lane_xs))
    for e in flow.edges:  # the flow still reads left to right
        assert xs[e.target] > xs[e.source]


def _check_whole_view(page: Page) -> dict[str, Any]:
    page.page.click("#fm-fit")
    page.page.wait_for_timeout(600)
    return page.page.evaluate("""() => {
        const n = window.flowmapNetwork, canvas = document.getElementById('flowmap-graph').getBoundingClientRect();
        const legend = document.querySelector('.fm-legend').getBoundingClientRect();
        const gutter = document.getElementById('fm-lanes').getBoundingClientRect();
        const scale = n.getScale(), out = {offscreen: [], small: [], overlaps: [], scale: scale};
        for (const id of n.body.data.nodes.getIds()) {
            const b = n.getBoundingBox(id);
            const tl = n.canvasToDOM({x: b.left, y: b.top}), br = n.canvasToDOM({x: b.right, y: b.bottom});
            const box = {left: tl.x + canvas.left, top: tl.y + canvas.top, right: br.x + canvas.left, bottom: br.y + canvas.top};
            if (box.left < canvas.left - 1 || box.right > canvas.right + 1 || box.top < canvas.top - 1 || box.bottom > canvas.bottom + 1) out.offscreen.push(id);
            const size = n.body.data.nodes.get(id).font.size * scale;
            if (size < 10.5) out.small.push([id, size]);
            for (const r of [legend, gutter]) {
                if (box.left < r.right && box.right > r.left && box.top < r.bottom && box.bottom > r.top) out.overlaps.push(id);
            }
        }
        return out;
    }""")


@pytest.mark.parametrize("which", ["ec_order_asis", "sixty"])
def test_whole_flow_is_legible_at_1600x1000(cli: Run, tmp_path: Path, browser: Any, which: str) -> None:  # noqa: F811
    src = MODELS / "ec_order_asis.yaml"
    if which == "sixty":
        src = tmp_path / "sixty.yaml"
        flowmap.save(_sixty_steps(), src)
    out = tmp_path / "view.html"
    assert cli("view", src, "-o", out).exit_code == 0
    page = Page(browser, out, width=1600, height=1000)
    try:
        assert page.errors == []
        got = _check_whole_view(page)
        assert got["offscreen"] == [] and got["overlaps"] == [] and got["small"] == [], got
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / f"overview_{which}.png"))
        # zoomed in again, a step shows its full name
        page.page.click("#fm-home")
        page.page.wait_for_timeout(300)
        sid = "S1" if which == "sixty" else "C5"
        label = page.page.evaluate(f"window.flowmapNetwork.body.data.nodes.get('{sid}').label").replace("\n", "")
        assert ("支払い方法・支払日を選ぶ" if sid == "C5" else "工程1の確認と入力作業を行う") in label
    finally:
        page.close()
