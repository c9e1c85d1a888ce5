"""A finding's frame on a step never looks like a step mode's colour, and the legend shows both levels."""

from __future__ import annotations

from pathlib import Path

import flowmap
from flowmap.render import html as html_mod
from flowmap.render.lanes import CUSTOMER_STYLE, MODE_STYLE, lane_graph

ROOT = Path(__file__).resolve().parent.parent
MODE_BORDERS = [s["border"] for s in MODE_STYLE.values()] + [CUSTOMER_STYLE["border"]]


def _lab(hexcolour: str) -> tuple[float, float, float]:
    """sRGB hex to CIE L*a*b* (D65)."""
    def lin(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (lin(int(hexcolour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: str, b: str) -> float:
    return float(sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5)


def _frames() -> dict[str, set[str]]:
    flow = flowmap.load(ROOT / "models" / "ec_order_asis.yaml")
    analysis = flowmap.run_analysis(flow)
    order = ("high", "medium", "low")
    worst: dict[str, str] = {}
    for f in analysis.findings:
        for sid in f.steps:
            worst[sid] = min(worst.get(sid, "low"), f.severity, key=order.index)
    data = lane_graph(flow, flowmap.build_graph(flow), analysis, "ja")
    out: dict[str, set[str]] = {"high": set(), "medium": set()}
    for node in data["nodes"]:
        level = worst.get(node["id"])
        if level in out:
            out[level].add(node["color"]["border"])
            assert node["label"].startswith("⚠"), node["label"]
    return out


def test_finding_frames_are_far_from_every_mode_colour() -> None:
    frames = _frames()
    assert len(frames["high"]) == 1 and len(frames["medium"]) == 1
    high, medium = frames["high"].pop(), frames["medium"].pop()
    for frame in (high, medium):
        for mode in MODE_BORDERS:
            assert _delta_e(frame, mode) >= 35, (frame, mode, _delta_e(frame, mode))
    assert _delta_e(high, medium) >= 35


def test_legend_shows_high_and_medium_frames() -> None:
    frames = _frames()
    legend = html_mod._legend("ja")
    for level, label in (("high", "指摘あり（高）"), ("medium", "指摘あり（中）")):
        (colour,) = frames[level]
        assert colour in legend
        assert label in legend
    assert "finding: high" in html_mod._legend("en") and "finding: medium" in html_mod._legend("en")
