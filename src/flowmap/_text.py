"""Parsing of the cell texts operations leads write: durations, schedules,
working hours and days, marks, lists and probabilities.

Every parser takes what a spreadsheet cell or a YAML scalar holds (text,
number, time) and returns a typed value, or raises :class:`ParseError` with an
English and a Japanese message saying what was found and what is accepted.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from .model import Duration, Schedule, WorkHours

__all__ = [
    "ParseError",
    "as_text",
    "norm_key",
    "parse_bool",
    "parse_days",
    "parse_duration",
    "parse_emotion",
    "parse_hours",
    "parse_next",
    "parse_schedule",
    "split_list",
]


class ParseError(ValueError):
    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en = en
        self.ja = ja


_REMARK = re.compile(r"(※.*|\(.*\)|（.*）)$")


def norm_key(value: object) -> str:
    """Normalise a header or key for matching: NFKC, case, spaces, remarks."""
    s = unicodedata.normalize("NFKC", str(value)).strip()
    s = _REMARK.sub("", s).strip() or s
    return re.sub(r"\s+", "", s).lower()


def as_text(value: object) -> str:
    """A cell value as clean text ('' for blank)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return str(value).strip()


def _nfkc(value: object) -> str:
    return unicodedata.normalize("NFKC", as_text(value)).strip()


_SPLIT = re.compile(r"[,、，/／・;；\n]+")


def split_list(value: object) -> list[str]:
    """Split a list cell on , 、 ， / ・ ; or newline; blanks dropped."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [as_text(v) for v in value if as_text(v)]
    return [p.strip() for p in _SPLIT.split(as_text(value)) if p.strip()]


_YES = {"○", "◯", "●", "✓", "✔", "x", "yes", "y", "はい", "true", "1", "有", "あり"}
_NO = {"", "×", "✕", "-", "ー", "no", "n", "いいえ", "false", "0", "無", "なし"}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    s = _nfkc(value).lower()
    if s in _YES or as_text(value) in _YES:
        return True
    if s in _NO or as_text(value) in _NO:
        return False
    raise ParseError(
        f"{as_text(value)!r} is not a yes/no mark (use ○, ✓, yes, TRUE or ×, -, no, FALSE)",
        f"「{as_text(value)}」は有無の記号として読めません（○・✓・はい・TRUE または ×・-・いいえ・FALSE）",
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
        f"duration {as_text(raw)!r} cannot be read: {_DURATION_HELP_EN}",
        f"所要時間「{as_text(raw)}」が読めません: {_DURATION_HELP_JA}",
    )


def parse_duration(value: object) -> Duration:
    """A step duration in minutes, possibly random."""
    if isinstance(value, bool):
        raise _bad_duration(value)
    if isinstance(value, (int, float)):
        if value < 0 or math.isnan(value) or math.isinf(value):
            raise _bad_duration(value)
        return Duration(kind="fixed", params=(float(value),))
    if isinstance(value, dt.timedelta):
        return Duration(kind="fixed", params=(value.total_seconds() / 60,))
    if isinstance(value, dt.datetime) and value.year < 1901:
        # an Excel time of day or duration stored with its serial-date base
        return Duration(kind="fixed", params=((value - dt.datetime(1899, 12, 30)).total_seconds() / 60,))
    if isinstance(value, dt.time):
        return Duration(kind="fixed", params=(value.hour * 60 + value.minute + value.second / 60,))
    text = _nfkc(value).lower().replace(" ", "")
    if not text:
        return Duration(kind="fixed", params=(0.0,))
    m = _FUNC.match(text)
    if m:
        try:
            args = tuple(float(a) for a in m.group(2).split(",") if a.strip())
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
    m = _RANGE.match(text)
    if m:
        unit = _UNIT_MIN[m.group(4) or m.group(2) or ""]
        lo_unit = _UNIT_MIN[m.group(2)] if m.group(2) else unit
        lo, hi = float(m.group(1)) * lo_unit, float(m.group(3)) * unit
        if lo < hi:
            return Duration(kind="uniform", params=(lo, hi))
        if lo == hi:
            return Duration(kind="fixed", params=(lo,))
        raise _bad_duration(value)
    amount = _amount(text)
    if amount is None:
        raise _bad_duration(value)
    return Duration(kind="fixed", params=(amount,))


# ------------------------------------------------------------- next / probs

_PROB = re.compile(r"^(.*?)\s*(?::\s*(\d*\.?\d+)\s*(%)?|[(（]\s*(\d*\.?\d+)\s*[%％]\s*[)）]|\s(\d*\.?\d+)\s*[%％])$")


def parse_next(value: object) -> list[tuple[str, float | None]]:
    """Targets of a ``next`` cell, each with its probability if given."""
    out: list[tuple[str, float | None]] = []
    for part in split_list(value):
        part = unicodedata.normalize("NFKC", part).strip()
        m = _PROB.match(part)
        if m:
            target = m.group(1).strip()
            if m.group(2) is not None:
                p = float(m.group(2)) / (100 if m.group(3) else 1)
            else:
                p = float(m.group(4) or m.group(5)) / 100
            if not target:
                raise ParseError(f"{part!r} names no step", f"「{part}」に工程がありません")
            out.append((target, p))
        else:
            out.append((part, None))
    return out


# ---------------------------------------------------------------- schedules

_TIME = re.compile(r"(\d{1,2})[:：時](\d{2})?")
_EVERY_N = re.compile(r"^(?:every|毎)?\s*(\d+)\s*(?:件ごと|件毎|件|cases?|orders?)?(?:ごと|毎)?$")
_EVERY_H = re.compile(r"^(?:every)?\s*(\d+(?:\.\d+)?)?\s*(h|hours?|時間|min|minutes?|分)\s*(?:ごと|毎|おき)?$")

_SCHEDULE_HELP_EN = "use 'daily 9:00', 'daily 9:00, 15:00', 'every 50', 'hourly' or 'every 2h'"
_SCHEDULE_HELP_JA = "「毎日 9:00」「毎日 9:00, 15:00」「50件ごと」「1時間ごと」のいずれか"


def parse_schedule(value: object) -> Schedule:
    raw = as_text(value)
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    bad = ParseError(
        f"batch schedule {raw!r} cannot be read: {_SCHEDULE_HELP_EN}",
        f"バッチ条件「{raw}」が読めません: {_SCHEDULE_HELP_JA}",
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
    text = unicodedata.normalize("NFKC", raw).strip().lower().replace(" ", "").replace("時", ":").replace("::", ":")
    if text in {"24h", "24:", "24", "24hours", "24:間", "終日", "always"}:
        return WorkHours(start=0, end=1440)
    m = _HOURS.match(text.rstrip(":"))
    if m:
        start = int(m.group(1)) * 60 + int(m.group(2) or 0)
        end = int(m.group(3)) * 60 + int(m.group(4) or 0)
        if 0 <= start < end <= 1440:
            return WorkHours(start=start, end=end)
    raise ParseError(
        f"working hours {raw!r} cannot be read: use '9:00-18:00' or '24h' (start before end, within one day)",
        f"勤務時間「{raw}」が読めません:「9:00-18:00」または「24h」の形で、開始は終了より前にしてください",
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
    text = unicodedata.normalize("NFKC", raw).strip().lower().replace(" ", "")
    bad = ParseError(
        f"working days {raw!r} cannot be read: use 月-金, 月〜土, 平日, 毎日, Mon-Fri or a list like 月,水,金",
        f"勤務日「{raw}」が読めません:「月-金」「月〜土」「平日」「毎日」「Mon-Fri」「月,水,金」などで書いてください",
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
        m = re.match(r"^(.+?)[-~〜～](.+)$", part)
        if m:
            a, b = _day(m.group(1)), _day(m.group(2))
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


# ----------------------------------------------------------------- emotions

_EMOTION_WORDS = {
    "ポジティブ": 1, "positive": 1, "ネガティブ": -1, "negative": -1,
    "不満": -2, "満足": 2, "普通": 0, "neutral": 0, "とても満足": 2, "very positive": 2,
    "very negative": -2, "やや満足": 1, "やや不満": -1,
}


def parse_emotion(value: object) -> int | None:
    if value is None or as_text(value) == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        num = float(value)
    else:
        text = _nfkc(value).lower().replace("−", "-").replace("＋", "+")
        if text in _EMOTION_WORDS:
            return _EMOTION_WORDS[text]
        try:
            num = float(text)
        except ValueError:
            num = math.nan
    if num.is_integer() and -2 <= num <= 2:
        return int(num)
    raise ParseError(
        f"emotion {as_text(value)!r} is not one of -2, -1, 0, +1, +2, positive, negative, neutral",
        f"感情「{as_text(value)}」は -2〜+2 の整数、ポジティブ・ネガティブ・不満・満足・普通のいずれかにしてください",
    )


def parse_number(value: object, *, what_en: str, what_ja: str, integer: bool = False,
                 minimum: float | None = None) -> float:
    raw = as_text(value)
    try:
        if isinstance(value, bool):
            raise ValueError
        num = float(value) if isinstance(value, (int, float)) else float(_nfkc(value).replace(",", ""))
        if math.isnan(num) or math.isinf(num):
            raise ValueError
        if integer and not num.is_integer():
            raise ValueError
        if minimum is not None and num < minimum:
            raise ValueError
    except ValueError:
        kind_en = "a whole number" if integer else "a number"
        kind_ja = "整数" if integer else "数値"
        lim_en = f" of at least {minimum:g}" if minimum is not None else ""
        lim_ja = f"（{minimum:g} 以上）" if minimum is not None else ""
        raise ParseError(
            f"{what_en} {raw!r} is not {kind_en}{lim_en}",
            f"{what_ja}「{raw}」は{kind_ja}{lim_ja}ではありません",
        ) from None
    return num


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = as_text(value)
    text = unicodedata.normalize("NFKC", raw).strip()
    m = re.match(r"^(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?$", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise ParseError(
        f"date {raw!r} cannot be read: use 2026-12-01 or 2026/12/01",
        f"日付「{raw}」が読めません: 2026-12-01 や 2026/12/01 の形で書いてください",
    )
