"""Small offline charts as inline SVG: horizontal bars, a histogram and a
line with markers.  Every text is escaped; no script, no external resource."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

__all__ = ["PART_COLOR", "Bar", "bar_chart", "histogram", "line_chart"]

FONT = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic','Meiryo',sans-serif"
PART_COLOR = "#1f4e79"
"""The share of a bar drawn as a thinner bar inside it (data entry within the load)."""


@dataclass
class Bar:
    label: str
    value: float
    limit: float | None = None  # a marker (capacity) drawn across the bar
    part: float = 0.0  # a share of the value drawn darker (e.g. data entry)
    text: str = ""  # what to print at the end of the bar
    alert: bool = False
    color: str = ""  # the bar's colour when not alerting (default blue)


def _text_width(s: str) -> int:
    """Rough pixel width at 12px: wide (CJK) characters count double."""
    import unicodedata

    return sum(12 if unicodedata.east_asian_width(ch) in "WF" else 7 for ch in s)


def _fit(s: str, px: int) -> str:
    """Cut a label to about ``px`` pixels, with an ellipsis."""
    if _text_width(s) <= px:
        return s
    out = ""
    for ch in s:
        if _text_width(out + ch + "…") > px:
            break
        out += ch
    return out + "…"


_MARKER_GAP = 10
"""Pixels between the plot's right end (where a capacity marker at the maximum sits) and the value text."""


def bar_chart(bars: list[Bar], *, unit: str = "", width: int = 900, row: int = 26, title: str = "",
              legend: list[tuple[str, str]] | None = None) -> str:
    if not bars:
        return ""
    label_w = min(280, max(_text_width(b.label) for b in bars) + 16)
    text_w = min(380, max(_text_width(b.text or f"{b.value:,.1f} {unit}") for b in bars) + 12)
    plot_w = width - label_w - text_w - _MARKER_GAP  # a marker at the far end stays clear of the value text
    top = 24 if title else 6
    legend_h = 22 if legend else 0
    height = top + row * len(bars) + 20 + legend_h
    vmax = max(max(b.value, b.limit or 0) for b in bars) or 1.0
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
           f'font-family="{FONT}" font-size="12">']
    if title:
        out.append(f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>')
    for i, b in enumerate(bars):
        y = top + i * row
        w = plot_w * b.value / vmax
        color = "#d9534f" if b.alert else (b.color or "#4a90d9")
        out.append(f'<text x="{label_w - 8}" y="{y + row * 0.65:.1f}" text-anchor="end">{escape(_fit(b.label, label_w - 12))}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{color}" rx="2">'
                   f"<title>{escape(b.label)}: {escape(b.text or f'{b.value:,.1f} {unit}')}</title></rect>")
        if b.part:  # an inner bar of its own colour: an overlay would blend with red into a colour no legend shows
            inner = (row - 8) * 0.4
            out.append(f'<rect x="{label_w}" y="{y + 4 + (row - 8 - inner) / 2:.1f}" width="{plot_w * b.part / vmax:.1f}" '
                       f'height="{inner:.1f}" fill="{PART_COLOR}"/>')
        if b.limit is not None:
            lx = label_w + plot_w * b.limit / vmax
            out.append(f'<line x1="{lx:.1f}" x2="{lx:.1f}" y1="{y + 1}" y2="{y + row - 1}" stroke="#222" stroke-width="2"/>')
        out.append(f'<text x="{label_w + plot_w + 8 + _MARKER_GAP:.1f}" y="{y + row * 0.65:.1f}" '
                   f'fill="#333">{escape(_fit(b.text or f"{b.value:,.1f} {unit}", text_w - 10))}</text>')
    if legend:
        y = top + row * len(bars) + 14
        x = label_w
        for color, name in legend:
            thin = color == PART_COLOR  # drawn as it is in the bars: thinner
            out.append(f'<rect x="{x}" y="{y - (7 if thin else 9)}" width="12" height="{4 if thin else 10}" fill="{color}"/>')
            out.append(f'<text x="{x + 16}" y="{y}">{escape(name)}</text>')
            x += 30 + _text_width(name)
    out.append("</svg>")
    return "".join(out)


_NICE = (0.1, 0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720)


def nice_step(span: float, max_bins: int = 30) -> float:
    """The smallest 'round' bin width that covers ``span`` in at most ``max_bins`` bins."""
    for s in _NICE:
        if span / s <= max_bins:
            return float(s)
    return span / max_bins


def _count_ticks(cmax: int) -> list[int]:
    """0, round counts in between and ``cmax``: at most four labels on a count axis."""
    if cmax <= 0:
        return [0]
    unit = 1
    while cmax / unit > 3:
        for m in (2, 5, 10):
            if cmax / (unit * m) <= 3:
                unit *= m
                break
        else:
            unit *= 10
    ticks = list(range(0, cmax, unit))
    if len(ticks) > 1 and cmax - ticks[-1] < cmax * 0.15:
        ticks.pop()  # keep the maximum's label clear of the round one just below it
    return [*ticks, cmax]


def histogram(values: list[float], *, bins: int = 24, width: int = 760, height: int = 220, xlabel: str = "",
              fmt: object = None, title: str = "", step: float | None = None, weights: list[int] | None = None) -> str:
    """Counts of ``values`` in bins; with ``step`` the bins start at 0 and are ``step`` wide.
    ``weights`` counts each value that many times (values already binned finely)."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if step:
        lo = 0.0
        bins = max(1, int(hi // step) + 1)
        hi = bins * step
    if hi <= lo:
        hi = lo + 1
    step = (hi - lo) / bins
    counts = [0] * bins
    for i, v in enumerate(values):
        counts[min(bins - 1, int((v - lo) / step))] += weights[i] if weights is not None else 1
    cmax = max(counts)
    label = fmt if callable(fmt) else (lambda x: f"{x:,.0f}")
    tick_every = max(1, round(bins / 6))
    last_tick = label(lo + (bins // tick_every) * tick_every * step)
    y_ticks = _count_ticks(cmax)
    left = max(28, max(_text_width(f"{c:,}") for c in y_ticks) * 11 // 12 + 10)
    right = max(10, _text_width(last_tick) * 11 // 24 + 4)  # the last tick label is centred on the plot's end
    bottom, top = 34, 22 if title else 8
    plot_w, plot_h = width - left - right, height - bottom - top
    bw = plot_w / bins
    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
           f'font-family="{FONT}" font-size="11">']
    if title:
        out.append(f'<text x="0" y="14" font-weight="bold" font-size="12">{escape(title)}</text>')
    # Alike in shape only to compare_html._kpis (an append per item); different output.
    for i, c in enumerate(counts):
        h = plot_h * c / cmax
        x = left + i * bw
        out.append(f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" fill="#4a90d9">'
                   f"<title>{escape(label(lo + i * step))} – {escape(label(lo + (i + 1) * step))}: {c}</title></rect>")
    for c in y_ticks:  # counts on the left, with faint lines across
        yy = top + plot_h - plot_h * c / cmax
        if c:
            out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{left - 4}" y="{yy + 4:.1f}" fill="#555" text-anchor="end">{c:,}</text>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#555"/>')
    for i in range(0, bins + 1, tick_every):
        x = left + i * bw
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{escape(label(lo + i * step))}</text>')
    if xlabel:
        out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="#555">{escape(xlabel)}</text>')
    out.append("</svg>")
    return "".join(out)


def _side_points(side: list[tuple[int, float, str, bool]], points: list[tuple[str, float | None]], *, left: float,
                 dx: float, width: int, y: Callable[[float], float]) -> list[str]:
    """Branches that only some cases take: hollow points off the line, dashed to their anchor, labelled
    on the right (on the left where the picture ends)."""
    out: list[str] = []
    per_anchor: dict[int, int] = {}
    for anchor, v, label, marked in side:
        k = per_anchor.get(anchor, 0)
        per_anchor[anchor] = k + 1
        x = left + (anchor + 0.5) * dx + k * 8
        a_val = points[anchor][1] if 0 <= anchor < len(points) else None
        color = "#d9534f" if marked else "#888"
        if a_val is not None:
            out.append(f'<line x1="{left + anchor * dx:.1f}" y1="{y(a_val):.1f}" x2="{x:.1f}" y2="{y(v):.1f}" '
                       f'stroke="{color}" stroke-dasharray="3,3"/>')
        out.append(f'<circle class="side" cx="{x:.1f}" cy="{y(v):.1f}" r="5" fill="#fff" stroke="{color}" stroke-width="2">'
                   f"<title>{escape(label)}: {v:+g}</title></circle>")
        text = _fit(label, 120)
        flip = x + 7 + _text_width(text) * 9 / 12 > width  # no room on the right: the label goes left of the point
        tx, anchor_at = (x - 7, "end") if flip else (x + 7, "start")
        out.append(f'<text x="{tx:.1f}" y="{y(v) + 4 + k * 11:.1f}" font-size="9" fill="{color}" '
                   f'text-anchor="{anchor_at}">{escape(text)}</text>')
    return out


def line_chart(points: list[tuple[str, float | None]], *, lo: float = -2, hi: float = 2, width: int = 760,
               height: int = 240, marks: set[int] | None = None, bands: list[tuple[int, int, str]] | None = None,
               side: list[tuple[int, float, str, bool]] | None = None) -> str:
    """A line over labelled points (None leaves a gap); ``marks`` are highlighted indexes;
    ``bands`` are (first, last, label) groups drawn under the axis (journey stages);
    ``side`` are (anchor index, value, label, marked) points off the line: branches that only
    some cases take, drawn hollow between their anchor and the next point with a dashed link."""
    if not points:
        return ""
    left, top, bottom = 36, 12, 132 if bands else 104
    plot_w, plot_h = width - left - 90, height - top - bottom
    n = len(points)
    dx = plot_w / max(1, n - 1) if n > 1 else 0

    def y(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    out = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
           f'font-family="{FONT}" font-size="11">']
    for tick in range(int(lo), int(hi) + 1):
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{"#999" if tick == 0 else "#e3e3e3"}"/>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{f"{tick:+d}" if tick else "0"}</text>')
    path: list[str] = []
    for i, (_, v) in enumerate(points):
        if v is None:
            if path:
                out.append(f'<polyline points="{" ".join(path)}" fill="none" stroke="#e67e22" stroke-width="2.5"/>')
            path = []
            continue
        path.append(f"{left + i * dx:.1f},{y(v):.1f}")
    if path:
        out.append(f'<polyline points="{" ".join(path)}" fill="none" stroke="#e67e22" stroke-width="2.5"/>')
    for i, (label, v) in enumerate(points):
        x = left + i * dx
        if v is not None:
            color = "#d9534f" if marks and i in marks else "#e67e22"
            out.append(f'<circle cx="{x:.1f}" cy="{y(v):.1f}" r="{6 if marks and i in marks else 4}" fill="{color}">'
                       f"<title>{escape(label)}: {v:+g}</title></circle>")
        label_y = top + plot_h + (36 if bands else 12)
        out.append(f'<text transform="translate({x - 4:.1f},{label_y}) rotate(40)" font-size="10">{escape(_fit(label, 130))}</text>')
    out += _side_points(side or [], points, left=left, dx=dx, width=width, y=y)
    for first, last, label in bands or []:
        x0, x1 = left + first * dx - dx / 2 + 2, left + last * dx + dx / 2 - 2
        yb = top + plot_h + 22
        out.append(f'<rect x="{x0:.1f}" y="{yb - 13}" width="{max(4.0, x1 - x0):.1f}" height="18" fill="#e3ecf5" rx="3"/>')
        out.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{yb}" text-anchor="middle" font-weight="bold">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)
