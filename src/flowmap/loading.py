"""One entry point that reads a flow and builds its graph, once per command."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .graph import FlowGraph, build_graph
from .io import load_flow
from .model import Flow

__all__ = ["Loaded", "read"]


@dataclass(frozen=True)
class Loaded:
    """A validated flow, its graph and where it was read from.  Unpacks as ``flow, graph``."""

    flow: Flow
    graph: FlowGraph
    path: str

    def __iter__(self) -> Iterator[Flow | FlowGraph]:
        return iter((self.flow, self.graph))


def read(path: str | Path, *, allow_missing: bool = False) -> Loaded:
    """Read a workbook or model file, check it and build its graph (which also rejects endless loops).

    ``allow_missing``: blank durations and owners are warnings in ``flow.notes``, not problems."""
    flow = load_flow(path, allow_missing=allow_missing)
    return Loaded(flow=flow, graph=build_graph(flow), path=str(path))
