"""The small SVG charts: labels stay inside the picture, colours match their legend."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flowmap.render.svg import (
    PART_COLOR,
    Bar,
    _count_ticks,
    _text_width,
    bar_chart,
    histogram,
    line_chart,
)

NS = "{http://www.w3.org/2000/svg}"


def _svg(text: str) -> ET.Element:
    return ET.fromstring(text.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_the_last_tick_label_of_a_histogram_fits_in_the_picture() -> None:
    svg = _svg(histogram([0.0, 10.0, 108.0], step=12, fmt=lambda h: f"{h / 24:g}日", width=760))
    ticks = [t for t in svg.iter(f"{NS}text") if t.get("text-anchor") == "middle" and t.text and t.text.endswith("日")]
    last = ticks[-1]
    half = _text_width(last.text or "") * 11 / 24  # 11px type, centred
    assert last.text == "5日" and float(last.get("x", "0")) + half <= 760


def test_a_histogram_labels_its_count_axis_with_round_numbers() -> None:
    svg = _svg(histogram([float(i % 7) for i in range(123)], bins=7))
    counts = [t.text for t in svg.iter(f"{NS}text") if t.get("text-anchor") == "end"]
    assert counts == ["0", "10", "18"]
    assert _count_ticks(123) == [0, 50, 100, 123] and _count_ticks(5) == [0, 2, 4, 5] and _count_ticks(0) == [0]
    assert _count_ticks(104) == [0, 50, 104]  # 100 would sit on 104's label


def test_the_share_of_a_bar_is_drawn_in_the_legend_colour_not_blended() -> None:
    svg = _svg(bar_chart([Bar("事務スタッフ", 675, limit=771, part=290, alert=True)], legend=[(PART_COLOR, "うちデータ入力")]))
    part = [r for r in svg.iter(f"{NS}rect") if r.get("fill") == PART_COLOR]
    assert len(part) == 2  # the bar's share and the legend swatch
    assert all(r.get("opacity") is None for r in part)


def test_a_side_label_at_the_right_end_goes_left_of_its_point() -> None:
    points = [("a", 0.0), ("b", 1.0), ("c", 0.0)]
    svg = _svg(line_chart(points, width=400, side=[(2, 1.0, "22% 再注文する", False), (0, -1.0, "5% 電話", True)]))
    labels = {t.text: t for t in svg.iter(f"{NS}text") if t.get("font-size") == "9"}
    assert labels["22% 再注文する"].get("text-anchor") == "end"
    assert labels["5% 電話"].get("text-anchor") == "start"
