"""Batch schedules, working hours and working days."""

from __future__ import annotations

import re

from ..model import Schedule, WorkHours
from ._base import (
    _SPLIT,
    ParseError,
    _bounded,
    as_text,
    short,
)

# ---------------------------------------------------------------- schedules

_TIME = re.compile(r"(\d{1,2})[:：時](\d{2})?")
_EVERY_N = re.compile(r"^(?:every|毎)?\s*(\d+)\s*(?:件ごと|件毎|件|cases?|orders?)?(?:ごと|毎)?$")
_EVERY_H = re.compile(r"^(?:every)?\s*(\d+(?:\.\d+)?)?\s*(h|hours?|時間|min|minutes?|分)\s*(?:ごと|毎|おき)?$")

_SCHEDULE_HELP_EN = "use 'daily 9:00', 'daily 9:00, 15:00', 'every 50', 'hourly' or 'every 2h'"
_SCHEDULE_HELP_JA = "「毎日 9:00」「毎日 9:00, 15:00」「50件ごと」「1時間ごと」のいずれか"


def parse_schedule(value: object) -> Schedule:
    raw = as_text(value)
    text = _bounded(value, "the batch schedule", "バッチ条件").lower()
    bad = ParseError(
        f"batch schedule {short(raw)!r} cannot be read: {_SCHEDULE_HELP_EN}",
        f"バッチ条件「{short(raw)}」が読めません: {_SCHEDULE_HELP_JA}",
    )
    if not text:
        raise bad
    if text in {"hourly", "毎時", "1時間ごと", "1時間毎", "every hour"}:
        return Schedule(kind="interval", interval_minutes=60)
    compact = text.replace(" ", "")
    m = _EVERY_H.match(compact)
    if m:
        n = float(m.group(1) or 1)
        minutes = n * (1 if m.group(2).startswith(("min", "分")) else 60)
        if minutes <= 0:
            raise bad
        return Schedule(kind="interval", interval_minutes=minutes)
    m = _EVERY_N.match(compact.replace("every", "")) if ("件" in compact or "every" in compact or "case" in compact) else None
    if m and int(m.group(1)) >= 1:
        return Schedule(kind="count", count=int(m.group(1)))
    if text.startswith(("daily", "毎日", "every day", "日次", "翌日", "夜間")) or _TIME.search(text):
        times = sorted({int(h) * 60 + int(m or 0) for h, m in _TIME.findall(text)})
        if not times or any(t >= 1440 for t in times):
            raise bad
        return Schedule(kind="daily", times=times)
    raise bad


# ------------------------------------------------------------ working hours

_HOURS = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*[-~〜～]\s*(\d{1,2})(?::(\d{2}))?$")


def parse_hours(value: object) -> WorkHours:
    raw = as_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 24:
        return WorkHours(start=0, end=1440)
    text = _bounded(value, "the working hours", "勤務時間").lower().replace(" ", "").replace("時", ":").replace("::", ":")
    if text in {"24h", "24:", "24", "24hours", "24:間", "終日", "always"}:
        return WorkHours(start=0, end=1440)
    m = _HOURS.match(text.rstrip(":"))
    if m:
        start = int(m.group(1)) * 60 + int(m.group(2) or 0)
        end = int(m.group(3)) * 60 + int(m.group(4) or 0)
        if start <= 1440 and end <= 1440:  # start before end is check_flow's rule
            return WorkHours(start=start, end=end)
    raise ParseError(
        f"working hours {short(raw)!r} cannot be read: use '9:00-18:00' or '24h' (start before end, within one day)",
        f"勤務時間「{short(raw)}」が読めません:「9:00-18:00」または「24h」の形で、開始は終了より前にしてください",
    )


_DAY_NAMES = {
    "月": 0, "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}


def _day(token: str) -> int | None:
    t = token.strip().lower().rstrip("曜日").rstrip("曜")[:3] if token.strip() else ""
    if not t:
        return None
    return _DAY_NAMES.get(t[:3]) if t[:3] in _DAY_NAMES else _DAY_NAMES.get(t[:1])


def parse_days(value: object) -> list[int]:
    """Working weekdays (0 = Monday)."""
    raw = as_text(value)
    text = _bounded(value, "the working days", "勤務日").lower().replace(" ", "")
    bad = ParseError(
        f"working days {short(raw)!r} cannot be read: use 月-金, 月〜土, 平日, 毎日, Mon-Fri or a list like 月,水,金",
        f"勤務日「{short(raw)}」が読めません:「月-金」「月〜土」「平日」「毎日」「Mon-Fri」「月,水,金」などで書いてください",
    )
    if text in {"平日", "weekdays", "weekday"}:
        return [0, 1, 2, 3, 4]
    if text in {"毎日", "全日", "everyday", "daily", "all", "無休", "年中無休"}:
        return list(range(7))
    if text in {"土日", "週末", "weekend", "weekends"}:
        return [5, 6]
    days: set[int] = set()
    for part in _SPLIT.split(text):
        if not part:
            continue
        cut = next((i for i, ch in enumerate(part) if ch in "-~〜～" and i > 0), -1)
        if cut > 0:
            a, b = _day(part[:cut]), _day(part[cut + 1:])
            if a is None or b is None:
                raise bad
            d = a
            while True:
                days.add(d)
                if d == b:
                    break
                d = (d + 1) % 7
        elif len(part) > 1 and all(ch in "月火水木金土日" for ch in part):
            days.update(_DAY_NAMES[ch] for ch in part)
        else:
            d1 = _day(part)
            if d1 is None:
                raise bad
            days.add(d1)
    if not days:
        raise bad
    return sorted(days)

