"""flowmap: see, measure and fix how an order really moves through a company.

The public API is small::

    import flowmap
    flow = flowmap.load("examples/ec_order_ja.xlsx")
    findings = flowmap.analyze(flow)
    result = flowmap.simulate(flow, days=20, seed=1)
"""

from __future__ import annotations

from pathlib import Path

from .analyze import Analysis, Finding, run_analysis
from .errors import FlowmapError, InputError, Problem, SimulationError, UsageError
from .graph import FlowGraph, build_graph
from .io import load_flow, save_flow
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
    "Owner",
    "Problem",
    "Schedule",
    "Settings",
    "SimulationError",
    "SimulationResult",
    "Step",
    "Tool",
    "UsageError",
    "WorkHours",
    "__version__",
    "build_graph",
    "check_flow",
    "load",
    "run_analysis",
    "save",
    "simulate",
]


def load(path: str | Path) -> Flow:
    """Read a workbook (.xlsx) or model file (.yaml/.json) into a validated Flow."""
    flow = load_flow(path)
    build_graph(flow)  # endless loops are input errors too
    return flow


def save(flow: Flow, path: str | Path, lang: str | None = None) -> None:
    """Write a flow as .xlsx, .yaml or .json, atomically."""
    save_flow(flow, path, lang)
