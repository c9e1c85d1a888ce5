"""The ``next`` cell: step ids or names with optional probabilities, split on list separators."""

from __future__ import annotations

import re
import unicodedata

from ._base import (
    MAX_NEXT_TARGETS,
    ParseError,
    as_text,
    name_key,
    short,
)

# ------------------------------------------------------------- next / probs


def _number_tail(text: str) -> tuple[str, str]:
    """Split ``text`` into (head, trailing number made of digits and at most one dot)."""
    i = len(text)
    while i > 0 and (text[i - 1].isdigit() or text[i - 1] == "."):
        i -= 1
    tail = text[i:]
    if not tail or tail.count(".") > 1 or not any(ch.isdigit() for ch in tail):
        return text, ""
    return text[:i], tail


def _probability(part: str) -> tuple[str, float] | None:
    """``S5:0.97``, ``S5:97%``, ``S5 (97%)``, ``S5 97%`` → (target, p); None when no probability is given.

    Plain string operations from the right end, so the time is linear in the length.
    """
    s = part.strip().replace("％", "%").replace("（", "(").replace("）", ")")
    if s.endswith(")"):
        open_at = s.rfind("(")
        inner = s[open_at + 1:-1].strip() if open_at >= 0 else ""
        if not inner.endswith("%"):
            return None
        head, num = _number_tail(inner[:-1].rstrip())
        return (s[:open_at].strip(), float(num) / 100) if num and not head.strip() else None
    pct = s.endswith("%")
    head, num = _number_tail(s[:-1].rstrip() if pct else s)
    if not num:
        return None
    trimmed = head.rstrip()
    if trimmed.endswith(":"):
        return trimmed[:-1].strip(), float(num) / (100 if pct else 1)
    if pct and trimmed and len(trimmed) < len(head):  # "S5 97%"
        return trimmed, float(num) / 100
    return None


_SPLIT_KEEP = re.compile(r"([,、，/／・;；\n]+)")


def _next_parts(text: str, names: frozenset[str] | set[str]) -> list[str]:
    """Split a next cell on list separators, keeping together pieces that form a known step name
    (``梱包・発送``): the longest run of pieces, joined with their separators, that names a step wins."""
    pieces = _SPLIT_KEEP.split(text)  # piece, separator, piece, …
    words, seps = pieces[0::2], pieces[1::2]
    out: list[str] = []
    i = 0
    while i < len(words):
        best = i
        joined = words[i]
        for j in range(i + 1, min(len(words), i + 8)):
            joined += seps[j - 1] + words[j]
            head = _probability(joined)
            if name_key(head[0] if head else joined) in names:
                best = j
        out.append("".join(w + (seps[k] if k < best else "") for k, w in enumerate(words[i:best + 1], start=i)))
        i = best + 1
    return [p.strip() for p in out if p.strip()]


def parse_next(value: object, names: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, float | None]]:
    """Targets of a ``next`` cell, each with its probability if given.

    ``names`` are the known step names and ids (as :func:`name_key` gives them): a name that
    contains a list separator (``・``, ``/``) is matched whole before the cell is split.
    """
    if isinstance(value, (list, tuple)):
        parts = [as_text(v) for v in value if as_text(v)]
    else:
        text = as_text(value)
        whole = _probability(unicodedata.normalize("NFKC", text))
        parts = [text] if name_key(whole[0] if whole else text) in names else _next_parts(text, names)
    if len(parts) > MAX_NEXT_TARGETS:
        raise ParseError(f"the next cell names {len(parts)} steps, more than {MAX_NEXT_TARGETS}",
                         f"次工程に {len(parts)} 個の工程があり、上限 {MAX_NEXT_TARGETS} を超えています")
    out: list[tuple[str, float | None]] = []
    for raw in parts:
        part = unicodedata.normalize("NFKC", raw).strip()
        prob = _probability(part)
        if prob is None:
            out.append((part, None))
            continue
        if not prob[0]:
            raise ParseError(f"{short(part)!r} names no step", f"「{short(part)}」に工程がありません")
        out.append(prob)
    return out

