"""The analyzer registry: one module per analyzer, listed here once.

Each module defines ``NAME`` and ``analyze(ctx) -> list[Finding]``; it may
raise :class:`NotApplicable` when the flow lacks what it needs.  Adding an
analyzer is one new module and one line in ``_MODULES``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ._base import Context, Finding

__all__ = ["ANALYZERS", "AnalyzerFn"]

AnalyzerFn = Callable[[Context], list[Finding]]

_MODULES = (
    "duplication",
    "tool_scatter",
    "workload_imbalance",
    "handoffs",
    "automation",
    "journey",
)


def _load() -> dict[str, AnalyzerFn]:
    out: dict[str, AnalyzerFn] = {}
    for name in _MODULES:
        mod = importlib.import_module(f"{__package__}.{name}")
        out[mod.NAME] = mod.analyze
    return out


ANALYZERS: dict[str, AnalyzerFn] = _load()
"""Analyzer name → function, in report order."""
