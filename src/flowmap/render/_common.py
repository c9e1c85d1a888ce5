"""Labels shared by the renderers.  Analyzer labels come from the analyzers'
own declarations (see :mod:`flowmap.analyze.registry`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analyze._base import Severity

__all__ = ["LIST_SHOWN", "analyzer_label", "join", "join_capped", "pct", "severity_label"]

SEVERITY_JA: dict[Severity, str] = {"high": "高", "medium": "中", "low": "低"}
# A terminal or table cell lists at most this many step ids, then how many more.
LIST_SHOWN = 20


def severity_label(sev: str, lang: str) -> str:
    """高/中/低 in Japanese, the severity itself in English."""
    if lang == "ja":
        for key, label in SEVERITY_JA.items():
            if key == sev:
                return label
    return sev


def analyzer_label(name: str, lang: str) -> str:
    from ..analyze.registry import ANALYZERS

    spec = ANALYZERS.get(name)
    return spec.label(lang) if spec is not None else name


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def join(items: list[str], lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(items)


def join_capped(items: list[str], lang: str, limit: int = LIST_SHOWN) -> str:
    """``join`` of at most ``limit`` items, then how many more."""
    text = join(items[:limit], lang)
    more = len(items) - limit
    if more > 0:
        text += f" 他 {more} 件" if lang == "ja" else f" and {more} more"
    return text
