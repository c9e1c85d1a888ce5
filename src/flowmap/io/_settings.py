"""The Settings sheet / ``settings:`` mapping: key aliases to typed values.

Like every reader, this module turns cells into values and reports what
cannot be read; ranges and limits of the values (at least one day, not more
than the simulation can run, ...) are whole-flow rules kept in
:mod:`flowmap.limits` and checked by :func:`flowmap.model.check_flow`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..cells import ParseError, as_text, clean, norm_key, parse_date, parse_number, split_list
from ..errors import Problem
from ..model import Settings
from ._schema import SETTINGS_KEYS, SETTINGS_LOOKUP

__all__ = ["SettingRow", "read_settings"]

SettingRow = tuple[str, Any, str, str]
"""(key as written, value, key location, value location)."""

_INTEGER = ("days", "replications", "scatter_tools", "seed")
_NUMBER = ("orders_per_day", "overload", "underload", "automation_minutes")


class _Bad(Exception):
    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en, self.ja = en, ja


def _number(value: Any, key: str, label: str) -> float | int:
    integer = key in _INTEGER
    num = parse_number(value, what_en=key, what_ja=label, integer=integer)
    return int(num) if integer else num


def _start(value: Any, key: str, label: str) -> Any:
    return parse_date(value)


def _dates(value: Any, key: str, label: str) -> list[Any]:
    parts = value if isinstance(value, list) else split_list(value) if isinstance(value, str) else [value]
    return [parse_date(part) for part in parts]


def _weights(value: Any, key: str, label: str) -> list[float] | None:
    """The weights of a profile, or None when they are not all numbers."""
    parts = value if isinstance(value, list) else split_list(value)
    try:
        return [parse_number(x, what_en=key, what_ja=label) for x in parts]
    except ParseError:
        return None


def _profile(value: Any, key: str, label: str) -> list[float]:
    weights = _weights(value, key, label)
    if weights is None or len(weights) != 24 or any(w < 0 for w in weights) or not any(weights):
        raise _Bad("hourly_profile must be 24 non-negative weights (hour 0 first), not all zero",
                   "時間帯別比率は 0 時から順に 24 個の 0 以上の数にしてください（すべて 0 は不可）")
    return weights


def _weekday_profile(value: Any, key: str, label: str) -> list[float]:
    weights = _weights(value, key, label)
    if weights is None or len(weights) != 7 or any(w < 0 for w in weights) or not any(weights):
        en = "" if weights is None or len(weights) == 7 else f" (got {len(weights)})"
        ja = "" if weights is None or len(weights) == 7 else f"（{len(weights)} 個あります）"
        raise _Bad(f"weekday_profile must be 7 non-negative weights, Monday first (Mon..Sun), not all zero{en}",
                   f"曜日別比率は月曜から日曜まで 7 個の 0 以上の数にしてください（すべて 0 は不可）{ja}")
    return weights


def _holidays(value: Any, key: str, label: str) -> str:
    v = clean(value)
    if v.lower() in ("none", "なし", "-"):
        return "none"
    import holidays as hol

    try:
        hol.country_holidays(v.upper())
    except (KeyError, NotImplementedError, AttributeError):
        raise _Bad(f"holidays {v[:80]!r} is not a country code the holidays package knows (e.g. JP) or none",
                   f"祝日「{v[:80]}」は国コード（JP など）か none にしてください") from None
    return v.upper()


def _language(value: Any, key: str, label: str) -> str:
    v = clean(value).lower()
    if v not in ("ja", "en"):
        raise _Bad(f"language {v[:80]!r} must be ja or en", f"言語「{v[:80]}」は ja か en にしてください")
    return v


def _milestones(value: Any, key: str, label: str) -> Any:
    from ..milestones import MilestoneError, parse_milestones

    try:
        return parse_milestones(value)
    except MilestoneError as e:
        raise _Bad(e.en, e.ja) from None


def _text(value: Any, key: str, label: str) -> str:
    return clean(value)


_PARSERS: dict[str, Callable[[Any, str, str], Any]] = {
    **{k: _number for k in (*_INTEGER, *_NUMBER)},
    "start": _start,
    "closed": _dates,
    "hourly_profile": _profile,
    "weekday_profile": _weekday_profile,
    "holidays": _holidays,
    "language": _language,
    "milestones": _milestones,
    "name": _text,
}
_META = ("name", "language")


def read_settings(rows: Iterable[SettingRow]) -> tuple[Settings, dict[str, Any], dict[str, str], list[Problem]]:
    """Settings, the flow's name/language, where each setting was read, and the problems."""
    data: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    locs: dict[str, str] = {}
    problems: list[Problem] = []
    known = ", ".join(SETTINGS_KEYS)
    for key, value, key_loc, value_loc in rows:
        name = SETTINGS_LOOKUP.get(norm_key(key))
        if name is None:
            shown = as_text(key)[:80]
            problems.append(Problem(key_loc, f"unknown setting {shown!r}; known keys: {known}",
                                    f"設定「{shown}」は不明です。使える項目: {known}"))
            continue
        if as_text(value) == "":
            continue
        try:
            parser: Callable[[Any, str, str], Any] = _PARSERS.get(name) or _text
            parsed = parser(value, name, as_text(key)[:80])
        except (ParseError, _Bad) as e:
            problems.append(Problem(value_loc, e.en, e.ja))
            continue
        (meta if name in _META else data)[name] = parsed
        locs[name] = value_loc
    return Settings.model_validate(data), meta, locs, problems
