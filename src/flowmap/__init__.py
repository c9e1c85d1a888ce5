"""flowmap: see, measure and fix how an order really moves through a company.

The public API is small::

    import flowmap
    flow = flowmap.load("examples/ec_order_ja.xlsx")        # a validated Flow
    analysis = flowmap.run_analysis(flow, lang="ja")        # findings, workload
    findings = analysis.findings
    result = flowmap.simulate(flow, days=20, seed=1)
    loaded = flowmap.read("models/ec_order_asis.yaml")      # flow and graph, built once

Names are imported on first use, so ``import flowmap`` (and ``flowmap --help``)
stays fast.  ``flowmap.analyze`` is the package of analyzers, not a function.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analyze import Analysis, Finding, run_analysis
    from .errors import FlowmapError, InputError, ParameterError, Problem, UsageError
    from .graph import FlowGraph, build_graph
    from .loading import Loaded, read

    # Same names as mining/discover.py imports from .model: an import list, nothing to share.
    from .model import (
        Duration,
        Edge,
        Flow,
        Lane,
        Owner,
        Schedule,
        Settings,
        Step,
        Tool,
        WorkHours,
        check_flow,
    )
    from .simulation import SimulationResult, simulate

__version__ = "0.1.0"

_LAZY = {
    "Analysis": "analyze", "Finding": "analyze", "run_analysis": "analyze",
    "FlowmapError": "errors", "InputError": "errors", "ParameterError": "errors", "Problem": "errors", "UsageError": "errors",
    "FlowGraph": "graph", "build_graph": "graph",
    "Loaded": "loading", "read": "loading",
    "Duration": "model", "Edge": "model", "Flow": "model", "Lane": "model", "Owner": "model", "Schedule": "model",
    "Settings": "model", "Step": "model", "Tool": "model", "WorkHours": "model", "check_flow": "model",
    "SimulationResult": "simulation", "simulate": "simulation",
}

__all__ = [
    "Analysis",
    "Duration",
    "Edge",
    "Finding",
    "Flow",
    "FlowGraph",
    "FlowmapError",
    "InputError",
    "Lane",
    "Loaded",
    "Owner",
    "ParameterError",
    "Problem",
    "Schedule",
    "Settings",
    "SimulationResult",
    "Step",
    "Tool",
    "UsageError",
    "WorkHours",
    "__version__",
    "build_graph",
    "check_flow",
    "load",
    "read",
    "run_analysis",
    "save",
    "simulate",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flowmap' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def load(path: str | Path) -> Flow:
    """Read a workbook (.xlsx) or model file (.yaml/.json) into a validated Flow
    (its graph is built too, which rejects endless loops; :func:`read` keeps it)."""
    from .loading import read

    return read(path).flow


def save(flow: Flow, path: str | Path, lang: str | None = None) -> None:
    """Write a flow as .xlsx, .yaml or .json, atomically."""
    from .io import save_flow

    save_flow(flow, path, lang)
