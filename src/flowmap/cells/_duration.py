"""Durations as leads write them: 5, 5分, 1時間半, 約5分, 3〜8分, tri(2,5,10), exp(5), norm(5,1)."""

from __future__ import annotations

import datetime as dt
import math
import re

from ..model import Duration
from ._base import (
    MAX_CELL_CHARS,
    MAX_MINUTES,
    ParseError,
    _bounded,
    short,
)

# ---------------------------------------------------------------- durations

_UNIT_MIN = {
    "s": 1 / 60, "sec": 1 / 60, "秒": 1 / 60,
    "m": 1.0, "min": 1.0, "分": 1.0, "": 1.0,
    "h": 60.0, "hr": 60.0, "hour": 60.0, "hours": 60.0, "時間": 60.0,
    "d": 1440.0, "day": 1440.0, "days": 1440.0, "日": 1440.0,
}
_NUM = r"(\d+(?:\.\d+)?)"
_AMOUNT = re.compile(rf"^{_NUM}\s*(秒|分|時間|日|sec|min|hours|hour|hr|days|day|s|m|h|d)?$")
_COMPOUND = re.compile(r"^(?:(\d+(?:\.\d+)?)\s*時間)?\s*(?:(\d+(?:\.\d+)?)\s*分)?\s*(?:(\d+(?:\.\d+)?)\s*秒)?$")
_CLOCK = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$")
_RANGE = re.compile(rf"^{_NUM}\s*(秒|分|時間|s|m|h|min)?\s*[-~〜～]\s*{_NUM}\s*(秒|分|時間|日|sec|min|hours|hour|hr|days|day|s|m|h|d)?$")
_FUNC = re.compile(r"^(tri|triangular|exp|expo|exponential|norm|normal)\s*\(([^)]*)\)$", re.I)

_DURATION_HELP_EN = "use minutes (5), 90s, 5m, 1.5h, 5分, 1時間30分, 0:05:00, 3-8分, tri(2,5,10), exp(5) or norm(5,1)"
_DURATION_HELP_JA = "分の数値（5）、90s・5m・1.5h・5分・1時間30分・0:05:00・3-8分・tri(2,5,10)・exp(5)・norm(5,1) のいずれか"


def _amount(text: str) -> float | None:
    m = _AMOUNT.match(text)
    if m:
        return float(m.group(1)) * _UNIT_MIN[m.group(2) or ""]
    m = _CLOCK.match(text)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2)) + int(m.group(3) or 0) / 60
    m = _COMPOUND.match(text)
    if m and any(m.groups()):
        h, mi, se = (float(g) if g else 0.0 for g in m.groups())
        return h * 60 + mi + se / 60
    return None


def _bad_duration(raw: object) -> ParseError:
    return ParseError(
        f"duration {short(raw)!r} cannot be read: {_DURATION_HELP_EN}",
        f"所要時間「{short(raw)}」が読めません: {_DURATION_HELP_JA}",
    )


# Hedges a lead writes around an amount: 約5分, 5分程度, 5分前後, 5分ほど, 5分以内, about 5 min.
# The amount itself is taken (for 以内 / 'up to' the upper bound, the conservative reading).
_HEDGE_PREFIX = ("約", "およそ", "大体", "だいたい", "大よそ", "about", "approx.", "approx", "around", "ca.", "~", "〜", "～")
_HEDGE_SUFFIX = ("程度", "前後", "くらい", "ぐらい", "位", "ほど", "以内", "以下", "未満", "弱", "強", "まで",
                 "approx.", "approx", "orless", "max")
_HALF = re.compile(r"(\d+)(時間|分)半")


def _unhedge(text: str) -> str:
    """Remove hedging words (linear string operations) and read 1時間半 as 1.5時間."""
    changed = True
    while changed:
        changed = False
        for p in _HEDGE_PREFIX:
            if text.startswith(p) and len(text) > len(p):
                text, changed = text[len(p):], True
        for suf in _HEDGE_SUFFIX:
            if text.endswith(suf) and len(text) > len(suf):
                text, changed = text[: -len(suf)], True
    text = _HALF.sub(lambda m: f"{m.group(1)}.5{m.group(2)}", text)
    if text in ("半日",):
        return "0.5日"
    return text


def _minutes(x: float, raw: object) -> float:
    if math.isnan(x) or math.isinf(x) or x < 0 or x > MAX_MINUTES:
        raise _bad_duration(raw) if not (x > MAX_MINUTES) or math.isinf(x) else ParseError(
            f"duration {short(raw)!r} is above the limit of {MAX_MINUTES:,.0f} minutes",
            f"所要時間「{short(raw)}」が上限 {MAX_MINUTES:,.0f} 分を超えています")
    return x


def _distribution(m: re.Match[str], value: object) -> Duration:
    try:
        args = tuple(_minutes(float(a), value) for a in m.group(2).split(",") if a.strip())
    except ValueError:
        raise _bad_duration(value) from None
    fn = m.group(1)[:3]
    if fn == "tri" and len(args) == 3 and 0 <= args[0] <= args[1] <= args[2] and args[0] < args[2]:
        return Duration(kind="triangular", params=args)
    if fn == "exp" and len(args) == 1 and args[0] > 0:
        return Duration(kind="exponential", params=args)
    if fn == "nor" and len(args) == 2 and args[0] >= 0 and args[1] >= 0:
        return Duration(kind="normal", params=args)
    raise _bad_duration(value)


def _range(m: re.Match[str], value: object) -> Duration:
    unit = _UNIT_MIN[m.group(4) or m.group(2) or ""]
    lo_unit = _UNIT_MIN[m.group(2)] if m.group(2) else unit
    lo, hi = _minutes(float(m.group(1)) * lo_unit, value), _minutes(float(m.group(3)) * unit, value)
    if lo < hi:
        return Duration(kind="uniform", params=(lo, hi))
    if lo == hi:
        return Duration(kind="fixed", params=(lo,))
    raise _bad_duration(value)


def _duration_value(value: object) -> Duration | None:
    """Durations held as numbers or times (not text), or None."""
    if isinstance(value, bool):
        raise _bad_duration(value)
    if isinstance(value, (int, float)):
        try:
            x = float(value)
        except OverflowError:
            x = math.inf
        return Duration(kind="fixed", params=(_minutes(x, value),))
    if isinstance(value, dt.timedelta):
        return Duration(kind="fixed", params=(_minutes(value.total_seconds() / 60, value),))
    if isinstance(value, dt.datetime):
        if value.year < 1901:  # an Excel time of day or duration stored with its serial-date base
            return Duration(kind="fixed", params=(_minutes((value - dt.datetime(1899, 12, 30)).total_seconds() / 60, value),))
        raise _bad_duration(value)  # a date where minutes belong
    if isinstance(value, dt.time):
        return Duration(kind="fixed", params=(value.hour * 60 + value.minute + value.second / 60,))
    if isinstance(value, dt.date):
        raise _bad_duration(value)
    return None


_CACHE: dict[str, Duration] = {}
_CACHE_SIZE = 10_000


def parse_duration(value: object) -> Duration:
    """A step duration in minutes, possibly random."""
    if isinstance(value, str) and len(value) <= MAX_CELL_CHARS:  # the same few durations recur on many steps
        known = _CACHE.get(value)
        if known is None:
            known = _parse_duration(value)  # a refusal raises and is not remembered
            if len(_CACHE) < _CACHE_SIZE:
                _CACHE[value] = known
        return Duration.model_construct(kind=known.kind, params=known.params)  # a fresh copy of a validated one
    return _parse_duration(value)


def _parse_duration(value: object) -> Duration:
    held = _duration_value(value)
    if held is not None:
        return held
    text = _bounded(value, "the duration", "所要時間").lower().replace(" ", "")
    if not text:
        return Duration(kind="fixed", params=(0.0,))
    m = _FUNC.match(text)
    if m:
        return _distribution(m, value)
    text = _unhedge(text)
    m = _RANGE.match(text)
    if m:
        return _range(m, value)
    amount = _amount(text)
    if amount is None:
        raise _bad_duration(value)
    return Duration(kind="fixed", params=(_minutes(amount, value),))

