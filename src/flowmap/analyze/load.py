"""Expected load, as the analyzers read it: :mod:`flowmap.workload` (outside this package, so that
capacity and simulate do not import every analyzer), under its old name."""

from __future__ import annotations

from ..workload import OwnerLoad, Spread, Workload, expected_load

__all__ = ["OwnerLoad", "Spread", "Workload", "expected_load"]
