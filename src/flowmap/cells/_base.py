"""The cell values every parser shares: text, keys, lists, marks, numbers, dates, emotions."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

MAX_CELL_CHARS = 200
"""Longest value a parser of durations, schedules, hours, days, dates or numbers looks at."""
MAX_MINUTES = 10_000_000.0
"""Largest duration (minutes, about 19 years) or interval a parser accepts."""
MAX_NEXT_TARGETS = 500
"""Most targets a ``next`` cell may name."""


class ParseError(ValueError):
    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en = en
        self.ja = ja


_SPACE = re.compile(r"\s+")
_CLEAN_CACHE: dict[str, str] = {}
_CLEAN_CACHE_SIZE = 50_000
"""Most texts :func:`clean` and :func:`norm_key` remember each (names, lanes and tools repeat on every row)."""


def _remark_start(s: str) -> int:
    """Where a trailing remark (``※…`` or ``(…)`` / ``（…）`` at the end) starts, or -1 (linear time)."""
    cuts = [s.find("※")]
    if s.endswith(")"):
        cuts.append(s.find("("))
    if s.endswith("）"):
        cuts.append(s.find("（"))
    found = [c for c in cuts if c >= 0 and "\n" not in s[c:]]
    return min(found) if found else -1


_KEY_CACHE: dict[str, str] = {}


def _remembered(cache: dict[str, str], value: object, fn: Callable[[object], str]) -> str:
    """``fn(value)``, remembered per distinct short string in a bounded cache."""
    if isinstance(value, str) and len(value) <= MAX_CELL_CHARS:
        got = cache.get(value)
        if got is None:
            got = fn(value)
            if len(cache) < _CLEAN_CACHE_SIZE:
                cache[value] = got
        return got
    return fn(value)


def norm_key(value: object) -> str:
    """Normalise a header or key for matching: NFKC, case, spaces, remarks."""
    return _remembered(_KEY_CACHE, value, _norm_key)  # owners, tools and modes repeat on every row


def _norm_key(value: object) -> str:
    s = unicodedata.normalize("NFKC", str(value)).strip()
    cut = _remark_start(s)
    if cut >= 0:
        s = s[:cut].strip() or s
    return _SPACE.sub("", s).lower()


_NAME_CACHE: dict[str, str] = {}


def name_key(value: object) -> str:
    """A step name or id for matching: NFKC, case and spaces ignored (remarks in brackets kept)."""
    return _remembered(_NAME_CACHE, value, _name_key)  # each id is matched several times


def _name_key(value: object) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value)).strip()).lower()


def short(value: object, limit: int = 80) -> str:
    """A value as text for a message: at most ``limit`` characters, control characters shown as escapes."""
    text = as_text(value)
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return "".join(ch if ch.isprintable() or ch in "\u3000" else repr(ch)[1:-1] for ch in cut)


def decimal_text(x: float) -> str:
    """A number as plain decimal text that every reader of flowmap reads back (no ``1e-06``)."""
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"{x!r} has no decimal form")
    text = format(Decimal(repr(float(x))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def as_text(value: object) -> str:
    """A cell value as clean text ('' for blank); control characters and lone surrogates
    (which no file format can write back) become U+FFFD."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        return _BAD_CHARS.sub("\ufffd", text) if _BAD_CHARS.search(text) else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return str(value).strip()


def _nfkc(value: object) -> str:
    return unicodedata.normalize("NFKC", as_text(value)).strip()


def clean(value: object) -> str:
    """A cell value as NFKC-normalised, stripped text ('' for blank)."""
    if value is None:
        return ""
    return _remembered(_CLEAN_CACHE, value, _nfkc)


def _bounded(value: object, en: str, ja: str) -> str:
    """The NFKC text of a value for a parser, refused when longer than :data:`MAX_CELL_CHARS`."""
    text = _nfkc(value)
    if len(text) > MAX_CELL_CHARS:
        raise ParseError(f"{en} is {len(text)} characters long, more than the {MAX_CELL_CHARS} it may have: {short(text)!r}",
                         f"{ja}が {len(text)} 文字あり、上限 {MAX_CELL_CHARS} 文字を超えています:「{short(text)}」")
    return text


_SPLIT = re.compile(r"[,、，/／・;；\n]+")


def split_list(value: object) -> list[str]:
    """Split a list cell on , 、 ， / ・ ; or newline; blanks dropped.

    Each item is NFKC-normalised like a single cell (:func:`clean`), so a name typed as
    ``物流（出荷）`` in a step matches the same name in the Owners or Tools list.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [t for t in (_nfkc(v) for v in value) if t]
    return [t for t in (unicodedata.normalize("NFKC", p).strip() for p in _SPLIT.split(as_text(value))) if t]


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
        f"{short(value)!r} is not a yes/no mark (use ○, ✓, yes, TRUE or ×, -, no, FALSE)",
        f"「{short(value)}」は有無の記号として読めません（○・✓・はい・TRUE または ×・-・いいえ・FALSE）",
    )


# ----------------------------------------------------------------- emotions

_EMOTION_WORDS = {
    "ポジティブ": 1, "positive": 1, "ネガティブ": -1, "negative": -1,
    "不満": -2, "満足": 2, "普通": 0, "neutral": 0, "とても満足": 2, "very positive": 2,
    "very negative": -2, "やや満足": 1, "やや不満": -1,
}


def parse_emotion(value: object) -> int | None:
    """An emotion score: a whole number (its range, -2 … +2, is checked by ``check_flow``) or a word."""
    if value is None or as_text(value) == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        num = float(value) if abs(value) < 10**6 else math.nan
    elif isinstance(value, float):
        num = value
    else:
        text = _bounded(value, "the emotion", "感情").lower().replace("−", "-").replace("＋", "+")
        if text in _EMOTION_WORDS:
            return _EMOTION_WORDS[text]
        try:
            num = float(text)
        except ValueError:
            num = math.nan
    if num.is_integer() and abs(num) < 10**6:
        return int(num)
    raise ParseError(
        f"emotion {short(value)!r} is not one of -2, -1, 0, +1, +2, positive, negative, neutral",
        f"感情「{short(value)}」は -2〜+2 の整数、ポジティブ・ネガティブ・不満・満足・普通のいずれかにしてください",
    )


def parse_number(value: object, *, what_en: str, what_ja: str, integer: bool = False,
                 minimum: float | None = None) -> float:
    raw = as_text(value)
    try:
        if isinstance(value, bool):
            raise ValueError
        num = float(value) if isinstance(value, (int, float)) else float(_bounded(value, what_en, what_ja).replace(",", ""))
        if math.isnan(num) or math.isinf(num):
            raise ValueError
        if integer and not num.is_integer():
            raise ValueError
        if minimum is not None and num < minimum:
            raise ValueError
    except (ValueError, OverflowError):
        kind_en = "a whole number" if integer else "a number"
        kind_ja = "整数" if integer else "数値"
        lim_en = f" of at least {minimum:g}" if minimum is not None else ""
        lim_ja = f"（{minimum:g} 以上）" if minimum is not None else ""
        raise ParseError(
            f"{what_en} {short(raw)!r} is not {kind_en}{lim_en}",
            f"{what_ja}「{short(raw)}」は{kind_ja}{lim_ja}ではありません",
        ) from None
    return num


_DATE = re.compile(r"^(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?$")


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = as_text(value)
    text = _bounded(value, "the date", "日付")
    m = _DATE.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise ParseError(
        f"date {short(raw)!r} cannot be read: use 2026-12-01 or 2026/12/01",
        f"日付「{short(raw)}」が読めません: 2026-12-01 や 2026/12/01 の形で書いてください",
    )
