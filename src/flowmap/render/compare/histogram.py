"""Several distributions overlaid on one set of round bins (the comparison page's lead-time chart).

The y axis is the share of each series' cases per bin, with round ticks (0 %, 10 %, 20 % …) and
light grid lines up to a round top above the tallest bin."""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from ..svg import FONT, nice_step

__all__ = ["overlaid_histogram", "share_ticks"]

_SHARE_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25)
_MAX_TICKS = 5


def share_ticks(smax: float) -> list[float]:
    """Round ticks from 0 up to the first one at or above ``smax`` (a share, 0–1), at most five steps:
    0.37 → 0, 0.1, 0.2, 0.3, 0.4."""
    step = next((s for s in _SHARE_STEPS if smax / s <= _MAX_TICKS), 0.25)
    n = max(1, math.ceil(smax / step - 1e-9))
    return [round(i * step, 6) for i in range(n + 1)]


def _shares(series: list[tuple[str, str, list[tuple[float, int]]]], step: float, bins: int) -> list[list[float]]:
    out: list[list[float]] = []
    for _, _, pairs in series:
        counts = [0] * bins
        for v, n in pairs:
            counts[min(bins - 1, max(0, int(v // step)))] += n
        total = sum(counts) or 1
        out.append([x / total for x in counts])
    return out


def overlaid_histogram(series: list[tuple[str, str, list[tuple[float, int]]]], *, width: int = 900, height: int = 260,
                       title: str = "", xlabel: str = "", fmt: Callable[[float], str] | None = None, step: float | None = None) -> str:
    """Several distributions on one set of round bins, drawn as outlined steps with a light fill.

    ``series``: (name, colour, [(value, count), …]); shares of each series' cases per bin, so
    series of different sizes compare.
    """
    values = [v for _, _, pairs in series for v, n in pairs if n]
    if not values:
        return ""
    hi = max(values)
    step = step or nice_step(hi) or 1.0
    bins = max(1, int(hi // step) + 1)
    shares = _shares(series, step, bins)
    ticks = share_ticks(max(max(s) for s in shares))
    ytop = ticks[-1]
    left, bottom, top = 46, 38, 32 if title else 10
    plot_w, plot_h = width - left - 24, height - bottom - top - 12
    bw = plot_w / bins
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" font-family="{FONT}" font-size="11">']
    if title:
        out.append(f'<text x="0" y="14" font-weight="bold" font-size="12">{escape(title)}</text>')
    for tick in ticks:  # grid lines first, under the distributions
        y = top + plot_h - plot_h * tick / ytop
        if tick > 0:
            out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        out.append(f'<text class="fm-ytick" x="{left - 6}" y="{y + 4:.1f}" fill="#555" text-anchor="end">{tick:.0%}</text>')
    for (name, color, _), sh in zip(series, shares, strict=True):
        pts = [f"{left:.1f},{top + plot_h:.1f}"]
        for i, x in enumerate(sh):
            y = top + plot_h - plot_h * x / ytop
            pts += [f"{left + i * bw:.1f},{y:.1f}", f"{left + (i + 1) * bw:.1f},{y:.1f}"]
        pts.append(f"{left + bins * bw:.1f},{top + plot_h:.1f}")
        out.append(f'<polygon points="{" ".join(pts)}" fill="{color}" fill-opacity="0.18" stroke="{color}" stroke-width="2">'
                   f"<title>{escape(name)}</title></polygon>")
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#555"/>')
    out += _x_axis(left, top + plot_h, bw, bins, step, fmt or (lambda x: f"{x:,.0f}"), xlabel)
    out += _legend(series, left, height)
    out.append("</svg>")
    return "".join(out)


def _x_axis(left: float, y0: float, bw: float, bins: int, step: float, label: Callable[[float], str],
            xlabel: str) -> list[str]:
    out = []
    for i in range(0, bins + 1, max(1, round(bins / 8))):
        x = left + i * bw
        out.append(f'<text x="{x:.1f}" y="{y0 + 14}" text-anchor="middle">{escape(label(i * step))}</text>')
    if xlabel:
        out.append(f'<text x="{left + bins * bw / 2:.1f}" y="{y0 + 30}" text-anchor="middle" fill="#555">{escape(xlabel)}</text>')
    return out


def _legend(series: list[tuple[str, str, list[tuple[float, int]]]], left: float, height: int) -> list[str]:
    out = []
    x = left
    for name, color, _ in series:
        out.append(f'<rect x="{x}" y="{height - 12}" width="14" height="10" fill="{color}" fill-opacity="0.5" stroke="{color}"/>')
        out.append(f'<text x="{x + 18}" y="{height - 3}">{escape(name)}</text>')
        x += 40 + 7 * len(name) * (2 if any(ord(ch) > 0x2E80 for ch in name) else 1)
    return out
