"""The view and the report in a real browser (headless Chromium), offline,
and safe against script injection from the workbook."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from .conftest import MODELS, ROOT, make_workbook

Run = Callable[..., Result]
ARTIFACTS = ROOT / "tests" / "artifacts"
INJECT = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert('x')</script>"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        path = None
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("headless Chromium (apt-get install chromium) and playwright are required under CI")
        pytest.skip("no Chromium on this machine")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                          "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


class Page:
    """A page opened from file:// with every non-file request blocked and recorded."""

    def __init__(self, browser: Any, path: Path, width: int = 1400, height: int = 900) -> None:
        self.ctx = browser.new_context(viewport={"width": width, "height": height}, offline=True)
        self.page = self.ctx.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r: Any) -> None:
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                self.requests.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-graph-ready='1']", timeout=15_000)
        self.page.wait_for_timeout(300)

    def close(self) -> None:
        self.ctx.close()

    def canvas_ink(self) -> int:
        """How many pixels of the graph canvas are not background: the graph was drawn."""
        return int(self.page.evaluate("""() => {
            const c = document.querySelector('#flowmap-graph canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) { if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++; }
            return n;
        }"""))


def _no_remote_references(html: str) -> None:
    assert not re.search(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", html, re.I)
    assert not re.search(r"@import", html, re.I)
    # the only http(s) strings left are inside the inlined vis-network library: its license
    # header, the SVG namespace and an error message, none of them fetched
    body = html.replace(_vis_js(), "")
    assert "http://" not in body and "https://" not in body


def _vis_js() -> str:
    from flowmap.render.html import _vis_assets

    return _vis_assets()[0]


def test_view_of_bundled_model_in_browser(cli: Run, tmp_path: Path, browser: Any) -> None:
    out = tmp_path / "view.html"
    assert cli("view", MODELS / "ec_order_asis.yaml", "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    _no_remote_references(html)
    page = Page(browser, out)
    try:
        assert page.errors == [] and page.requests == []
        assert page.page.title() == "EC受注フロー(現状)"
        assert page.canvas_ink() > 5000
        # hover a step: its tooltip lists owner, tools and the findings naming it
        pos = page.page.evaluate("""() => { const n = window.flowmapNetwork;
            const p = n.canvasToDOM(n.getPositions(['C5'])['C5']);
            const r = document.getElementById('flowmap-graph').getBoundingClientRect();
            return {x: p.x + r.left, y: p.y + r.top}; }""")
        page.page.mouse.move(pos["x"], pos["y"])
        page.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        tip = page.page.inner_text("div.vis-tooltip")
        assert "C5 支払い方法・支払日を選ぶ" in tip and "カートシステム" in tip and "指摘" in tip
        # zoom and drag work
        before = page.page.evaluate("window.flowmapNetwork.getScale()")
        page.page.mouse.wheel(0, -400)
        page.page.wait_for_timeout(200)
        assert page.page.evaluate("window.flowmapNetwork.getScale()") != before
        at = page.page.evaluate("window.flowmapNetwork.getViewPosition().x")
        page.page.mouse.move(700, 800)
        page.page.mouse.down()
        page.page.mouse.move(400, 800, steps=8)
        page.page.mouse.up()
        assert page.page.evaluate("window.flowmapNetwork.getViewPosition().x") > at + 50
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "view_ec_order_asis.png"))
    finally:
        page.close()


def test_report_of_bundled_model_in_browser(cli: Run, tmp_path: Path, browser: Any) -> None:
    out = tmp_path / "report.html"
    r = cli("report", MODELS / "ec_order_asis.yaml", "-o", out, "--days", "10", "--replications", "2", "--start", "2026-11-30")
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    _no_remote_references(html)
    page = Page(browser, out, height=1000)
    try:
        assert page.errors == [] and page.requests == []
        for sid in ("fm-summary", "fm-graph", "fm-findings-section", "fm-workload", "fm-simulation", "fm-journey-section"):
            box = page.page.locator(f"#{sid}").bounding_box()
            assert box is not None and box["height"] > 60, sid
        assert page.canvas_ink() > 5000
        assert page.page.locator("#fm-findings tbody tr").count() >= 10
        assert page.page.locator("#fm-workload svg rect").count() >= 7
        assert page.page.locator("#fm-simulation svg").count() == 3
        assert page.page.locator("#fm-journey-section svg circle").count() >= 10
        ARTIFACTS.mkdir(exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / "report_ec_order_asis.png"), full_page=True)
        # the print stylesheet keeps every section and hides the graph buttons
        page.page.emulate_media(media="print")
        assert page.page.locator("#fm-fit").is_hidden()
        assert page.page.locator("#fm-simulation").is_visible()
    finally:
        page.close()


def test_script_injection_is_shown_as_text(cli: Run, tmp_path: Path, browser: Any) -> None:
    steps = [
        ["番号", "工程名", "レーン", "担当者", "ツール", "所要時間", "入力データ", "課題", "備考", "感情", f"メモ{INJECT}"],
        ["S1", INJECT, "お客様", "", "サイト", "1", "", SCRIPT, "", -2, ""],
        ["S2", f"受付 {SCRIPT}", f"受注{INJECT}", f"佐藤{INJECT}", f"メール{INJECT}", "2", f"顧客ID{INJECT}", "", INJECT, "", INJECT],
        ["S3", "確認", f"受注{INJECT}", "鈴木", f"メール{INJECT}, Excel", "3", f"顧客ID{INJECT}", "", "", "", ""],
    ]
    settings = [["項目", "値"], ["フロー名", f"注文{INJECT}{SCRIPT}"]]
    book = make_workbook(tmp_path / "evil.xlsx", {"工程": steps, "設定": settings})
    for command in ("view", "report"):
        out = tmp_path / f"{command}.html"
        extra = ["--days", "2", "--replications", "1"] if command == "report" else []
        r = cli(command, book, "-o", out, *extra)
        assert r.exit_code == 0, r.output
        html = out.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<script>alert" not in html
        page = Page(browser, out)
        try:
            assert page.dialogs == [] and page.errors == [] and page.requests == []
            assert page.page.title() == f"注文{INJECT}{SCRIPT}"  # unchanged, shown as text
            assert page.page.inner_text("h1") == f"注文{INJECT}{SCRIPT}"
            assert page.page.evaluate("document.images.length") == 0
            if command == "report":
                assert INJECT in page.page.inner_text("#fm-findings")
            ARTIFACTS.mkdir(exist_ok=True)
            page.page.screenshot(path=str(ARTIFACTS / f"injection_{command}.png"))
        finally:
            page.close()


def test_html_outputs_are_atomic(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - {id: S1, name: a, lane: ops, next: S9}\n", encoding="utf-8")
    out = tmp_path / "v.html"
    r = cli("view", bad, "-o", out)
    assert r.exit_code == 2 and "S9" in r.output and not out.exists()


def test_report_without_simulation_and_open(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    out = tmp_path / "r.html"
    r = cli("report", MODELS / "ec_order_tobe.yaml", "-o", out, "--no-simulate", "--open", "--lang", "en")
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert 'id="fm-simulation"' not in html and 'id="fm-findings-section"' in html and "<h2>Findings</h2>" in html
    assert opened == [out.resolve().as_uri()]
