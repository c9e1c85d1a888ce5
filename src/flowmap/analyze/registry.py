"""The analyzer registry: one module per analyzer, listed here once.

Each module defines ``SPEC`` (an :class:`AnalyzerSpec`: name, labels,
thresholds, finding codes with their severity rules and words) whose ``run``
reads a :class:`Context` and returns findings; it may raise
:class:`NotApplicable` when the flow lacks what it needs.  Adding an analyzer
is one new module and one line in ``_MODULES`` (or :func:`register` from
outside the package).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from ._spec import AnalyzerSpec, Threshold

__all__ = ["ANALYZERS", "register", "registered", "thresholds", "unregister"]

_MODULES = (
    "duplication",
    "tool_scatter",
    "workload_imbalance",
    "handoffs",
    "automation",
    "journey",
)


def _load() -> dict[str, AnalyzerSpec]:
    out: dict[str, AnalyzerSpec] = {}
    for name in _MODULES:
        spec = importlib.import_module(f"{__package__}.{name}").SPEC
        assert isinstance(spec, AnalyzerSpec), name
        out[spec.name] = spec
    return out


ANALYZERS: dict[str, AnalyzerSpec] = _load()
"""Analyzer name → its declaration, in report order."""


def register(spec: AnalyzerSpec) -> None:
    """Add an analyzer after the bundled ones (a plugin, or a test)."""
    if spec.name in ANALYZERS:
        raise ValueError(f"analyzer {spec.name} is already registered")
    known = {t.key for t in thresholds()}
    clash = [t.key for t in spec.thresholds if t.key in known]
    if clash:
        raise ValueError(f"analyzer {spec.name}: threshold {', '.join(clash)} is declared by another analyzer")
    ANALYZERS[spec.name] = spec


def unregister(name: str) -> None:
    del ANALYZERS[name]


@contextmanager
def registered(spec: AnalyzerSpec) -> Iterator[AnalyzerSpec]:
    """Register ``spec`` for the duration of a ``with`` block."""
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec.name)


def thresholds() -> list[Threshold]:
    """Every threshold the registered analyzers declare, in registry order."""
    return [t for spec in ANALYZERS.values() for t in spec.thresholds]
