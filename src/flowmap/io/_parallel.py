"""Reading parallel branches: ``S5 & S6`` in a next cell (a fork) and the join column.

workbook.md: ``S5 & S6`` (also ``＆`` and ``AND``) starts S5 and S6 together; a step whose
join is ``all`` (全て, すべて, AND) waits until every branch of the fork has reached it.
A step's next is either a choice (probabilities, ``,``) or a fork, not both.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from ..cells import ParseError, as_text

__all__ = ["FORK_SEPARATOR", "parse_fork", "parse_join"]

FORK_SEPARATOR = " & "
_FORK = re.compile(r"&|(?<=\s)AND(?=\s)")
_CHOICE = re.compile(r"[,、，/／・;；\n:%]")
_ALL = {"all", "全て", "すべて", "全部", "and", "&", "○", "◯", "●", "✓", "yes", "true"}
_ANY = {"", "any", "いずれか", "どれか", "or", "-", "×", "no", "false"}


def parse_fork(value: object) -> list[str] | None:
    """The branch targets of a fork, or None when the value is not a fork."""
    if isinstance(value, (list, tuple)) or value is None:
        return None
    text = unicodedata.normalize("NFKC", as_text(value)).strip()
    if not _FORK.search(text):
        return None
    if _CHOICE.search(text) or "(" in text:
        raise ParseError(
            f"next {as_text(value)!r} mixes a fork ('&') with a choice (',' or probabilities): "
            "a step either starts all its next steps together or picks one of them",
            f"次工程「{as_text(value)}」は並行分岐（&）と選択（, や確率）が混ざっています。"
            "すべてを同時に始めるか、一つを選ぶかのどちらかにしてください",
        )
    parts = [p.strip() for p in _FORK.split(text)]
    if any(not p for p in parts):
        raise ParseError(f"next {as_text(value)!r} has an empty branch around '&'",
                         f"次工程「{as_text(value)}」の & の前後に工程がありません")
    return parts


def parse_join(value: object) -> Literal["any", "all"]:
    text = unicodedata.normalize("NFKC", as_text(value)).strip().lower()
    if text in _ALL:
        return "all"
    if text in _ANY:
        return "any"
    raise ParseError(f"join {as_text(value)!r} is not 'all' (wait for every branch) or blank",
                     f"合流条件「{as_text(value)}」は「すべて」（全分岐を待つ）か空欄にしてください")
