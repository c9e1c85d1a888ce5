"""Reading parallel branches: ``S5 & S6`` in a next cell (a fork) and the join column.

workbook.md: ``S5 & S6`` (also ``＆`` and ``AND``) starts S5 and S6 together; a step whose
join is ``all`` (全て, すべて, AND) waits until every branch of the fork has reached it.
A step's next is either a choice (probabilities, ``,``) or a fork, not both.

Step ids and names may hold ``&`` themselves (``R&D``, ``Pick & pack``). The rule, the same
for workbooks and model files (both read through :func:`parse_fork`):

1. A next cell that is, whole, a step id or name is that one step, not a fork.
2. Otherwise the cell is split at every ``&``, ``＆`` and `` AND `` (capitals, spaces
   around it), and neighbouring pieces that, joined back, form a step id or name are one
   branch, the longest run winning, as list separators are in a choice (``梱包・発送``):
   ``R&D & 出荷`` with a step ``R&D`` starts ``R&D`` and ``出荷``.
3. When the pieces of such a run are steps too (steps ``A&B``, ``A`` and ``B``), the spacing
   decides: a bare ``&`` joins (``A&B & C`` starts ``A&B`` and ``C``), an ``&`` with a space
   on either side separates (``A & B & C`` starts ``A``, ``B`` and ``C``); a run that mixes
   both is refused as ambiguous at its cell. flowmap writes forks with `` & ``, so a file it
   wrote reads back as it was.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from ..cells import ParseError, as_text, name_key, short

__all__ = ["FORK_SEPARATOR", "parse_fork", "parse_join"]

FORK_SEPARATOR = " & "
_FORK = re.compile(r"(&|(?<=\s)AND(?=\s))")  # no repetition: linear on any cell
_CHOICE = re.compile(r"[,、，/／・;；\n:%]")
_ALL = {"all", "全て", "すべて", "全部", "and", "&", "○", "◯", "●", "✓", "yes", "true"}
_ANY = {"", "any", "いずれか", "どれか", "or", "-", "×", "no", "false"}
_RUN = 8
"""Most pieces joined back into one step name (as for the list separators of a choice)."""


def parse_fork(value: object, names: frozenset[str] | set[str] = frozenset()) -> list[str] | None:
    """The branch targets of a fork, or None when the value is not a fork.

    ``names`` are the flow's step ids and names as :func:`~flowmap.cells.name_key` gives them
    (see the module's rule); without them every ``&`` separates."""
    if isinstance(value, (list, tuple)) or value is None:
        return None
    text = unicodedata.normalize("NFKC", as_text(value)).strip()
    if not _FORK.search(text):
        return None
    pieces = _FORK.split(text)  # piece, separator, piece, …
    parts = [p.strip() for p in _branches(pieces[0::2], pieces[1::2], names, as_text(value))]
    for p in parts:
        if name_key(p) not in names and (_CHOICE.search(p) or "(" in p):
            raise ParseError(
                f"next {as_text(value)!r} mixes a fork ('&') with a choice (',' or probabilities): "
                "a step either starts all its next steps together or picks one of them",
                f"次工程「{as_text(value)}」は並行分岐（&）と選択（, や確率）が混ざっています。"
                "すべてを同時に始めるか、一つを選ぶかのどちらかにしてください",
            )
    if any(not p for p in parts):
        raise ParseError(f"next {as_text(value)!r} has an empty branch around '&'",
                         f"次工程「{as_text(value)}」の & の前後に工程がありません")
    return parts


def _branches(words: list[str], seps: list[str], names: frozenset[str] | set[str], raw: str) -> list[str]:
    """The pieces between separators, neighbours joined where they form a known step (the module's rule)."""

    def spaced(k: int) -> bool:  # the separator between words[k] and words[k + 1]
        return seps[k] == "AND" or words[k][-1:].isspace() or words[k + 1][:1].isspace()

    out: list[str] = []
    i = 0
    while i < len(words):
        best, joined = i, words[i]
        for j in range(i + 1, min(len(words), i + _RUN)):
            joined += seps[j - 1] + words[j]
            if name_key(joined) in names:
                best = j
        if best > i and all(name_key(w) in names for w in words[i:best + 1]):
            bare = [not spaced(k) for k in range(i, best)]
            if any(bare) and not all(bare):
                whole = "".join(w + (seps[k] if k < best else "") for k, w in enumerate(words[i:best + 1], start=i))
                raise ParseError(
                    f"next {short(raw)!r} is ambiguous: {whole.strip()!r} is a step and so is each of its parts; "
                    "write ' & ' with spaces between branches and '&' without spaces inside a step's id or name",
                    f"次工程「{short(raw)}」はあいまいです:「{whole.strip()}」も、その各部分も工程です。"
                    "分岐の区切りは空白付きの「 & 」、工程の ID・名前の中の & は空白なしで書いてください")
            if not any(bare):
                best = i
        out.append("".join(w + (seps[k] if k < best else "") for k, w in enumerate(words[i:best + 1], start=i)))
        i = best + 1
    return out


def parse_join(value: object) -> Literal["any", "all"]:
    text = unicodedata.normalize("NFKC", as_text(value)).strip().lower()
    if text in _ALL:
        return "all"
    if text in _ANY:
        return "any"
    raise ParseError(f"join {as_text(value)!r} is not 'all' (wait for every branch) or blank",
                     f"合流条件「{as_text(value)}」は「すべて」（全分岐を待つ）か空欄にしてください")
