from __future__ import annotations

import datetime as dt

import pytest

from flowmap.cells import (
    ParseError,
    norm_key,
    parse_bool,
    parse_days,
    parse_duration,
    parse_emotion,
    parse_hours,
    parse_next,
    parse_schedule,
    split_list,
)


@pytest.mark.parametrize(
    ("raw", "kind", "params"),
    [
        (5, "fixed", (5.0,)),
        ("5", "fixed", (5.0,)),
        ("90s", "fixed", (1.5,)),
        ("5m", "fixed", (5.0,)),
        ("1.5h", "fixed", (90.0,)),
        ("5分", "fixed", (5.0,)),
        ("３０秒", "fixed", (0.5,)),
        ("1時間30分", "fixed", (90.0,)),
        ("0:05:00", "fixed", (5.0,)),
        (dt.time(0, 5), "fixed", (5.0,)),
        (dt.timedelta(minutes=7), "fixed", (7.0,)),
        ("3-8分", "uniform", (3.0, 8.0)),
        ("3〜8分", "uniform", (3.0, 8.0)),
        ("1-2日", "uniform", (1440.0, 2880.0)),
        ("tri(2,5,10)", "triangular", (2.0, 5.0, 10.0)),
        ("exp(5)", "exponential", (5.0,)),
        ("norm(5,1)", "normal", (5.0, 1.0)),
    ],
)
def test_durations(raw: object, kind: str, params: tuple[float, ...]) -> None:
    d = parse_duration(raw)
    assert d.kind == kind
    assert d.params == pytest.approx(params)


@pytest.mark.parametrize("raw", ["abc", "5x", "-3", "tri(5,2)", "exp(0)", "8-3分", "tri(1,2,3", "true"])
def test_bad_durations(raw: str) -> None:
    with pytest.raises(ParseError) as e:
        parse_duration(raw)
    assert "tri(2,5,10)" in str(e.value) and raw in str(e.value)
    assert "所要時間" in e.value.ja


def test_duration_means() -> None:
    assert parse_duration("3-8").mean == 5.5
    assert parse_duration("tri(2,5,11)").mean == 6
    # truncated normal: mean above mu when the truncation cuts mass off
    assert parse_duration("norm(1,2)").mean > 1
    assert parse_duration("norm(50,1)").mean == pytest.approx(50)


def test_next() -> None:
    assert parse_next("S5:0.97, S6:0.03") == [("S5", 0.97), ("S6", 0.03)]
    assert parse_next("S5 (97%)、S6") == [("S5", 0.97), ("S6", None)]
    assert parse_next("S5 97%") == [("S5", 0.97)]
    assert parse_next("C14:0.3, 終了:0.7") == [("C14", 0.3), ("終了", 0.7)]
    assert parse_next(None) == []


def test_schedules() -> None:
    assert parse_schedule("毎日 9:00").times == [540]
    assert parse_schedule("daily 09:00").times == [540]
    assert parse_schedule("毎日 9:00, 15:00").times == [540, 900]
    assert parse_schedule("50件ごと").count == 50
    assert parse_schedule("every 50").count == 50
    assert parse_schedule("1時間ごと").interval_minutes == 60
    assert parse_schedule("hourly").interval_minutes == 60
    assert parse_schedule("every 2h").interval_minutes == 120
    for bad in ("sometimes", "毎日 25:00", ""):
        with pytest.raises(ParseError):
            parse_schedule(bad)


def test_hours_and_days() -> None:
    assert parse_hours("9:00-18:00").start == 540
    assert parse_hours("9:00〜18:00").end == 1080
    assert parse_hours("24h").always
    assert parse_hours("18:00-9:00").start == 1080  # read; that it ends before it starts is check_flow's rule
    with pytest.raises(ParseError):
        parse_hours("25:00-26:00")
    assert parse_days("月-金") == [0, 1, 2, 3, 4]
    assert parse_days("月〜土") == [0, 1, 2, 3, 4, 5]
    assert parse_days("平日") == [0, 1, 2, 3, 4]
    assert parse_days("毎日") == list(range(7))
    assert parse_days("Mon-Fri") == [0, 1, 2, 3, 4]
    assert parse_days("月,水,金") == [0, 2, 4]
    assert parse_days("金-月") == [0, 4, 5, 6]
    with pytest.raises(ParseError):
        parse_days("someday")


def test_marks_emotions_lists_keys() -> None:
    for yes in ("○", "◯", "●", "✓", "x", "yes", "はい", "TRUE", True):
        assert parse_bool(yes) is True
    for no in ("", "×", "-", "no", "いいえ", "FALSE", None):
        assert parse_bool(no) is False
    assert parse_emotion("ポジティブ") == 1
    assert parse_emotion("不満") == -2
    assert parse_emotion("満足") == 2
    assert parse_emotion("neutral") == 0
    assert parse_emotion("−1") == -1
    assert parse_emotion("+2") == 2
    assert parse_emotion(3) == 3  # a number; its range is check_flow's rule
    with pytest.raises(ParseError):
        parse_emotion(2.5)
    assert split_list("メール、電話／LINE・Slack;FAX\nチャット") == ["メール", "電話", "LINE", "Slack", "FAX", "チャット"]
    assert norm_key("工程名（必須）") == "工程名"
    assert norm_key("ＩＤ ※自動") == "id"
    assert norm_key(" Lane ") == "lane"


@pytest.mark.parametrize("text, minutes", [
    ("約5分", 5), ("5分程度", 5), ("5分前後", 5), ("5分ほど", 5), ("5分以内", 5), ("1時間半", 90), ("2分半", 2.5),
    ("約1時間半ほど", 90), ("30秒くらい", 0.5), ("about 5 min", 5), ("~5m", 5), ("半日", 720),
])
def test_duration_phrasings(text: str, minutes: float) -> None:
    assert parse_duration(text).mean == pytest.approx(minutes)


def test_duration_range_with_wave_dash_and_limits() -> None:
    assert parse_duration("3～8分").params == (3.0, 8.0)
    for bad in ("1" * 400, "9" * 30 + "分", float("inf"), float("nan"), 10**400, "5分" * 200):
        with pytest.raises(ParseError):
            parse_duration(bad)
