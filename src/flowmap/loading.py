"""One entry point that reads a flow and builds its graph, once per command."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .graph import FlowGraph, build_graph
from .io import load_flow
from .model import Flow

__all__ = ["Loaded", "is_scenario_file", "read"]


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
    with _few_collections():
        flow = load_flow(path, allow_missing=allow_missing)
        return Loaded(flow=flow, graph=build_graph(flow), path=str(path))


_YOUNG_OBJECTS = 50_000
"""Objects allocated between two young-generation collections while a flow is read (Python's
default, 700, makes the collector walk the growing flow thousands of times: a sixth of the
CPU time of reading a 10,000-step workbook).  Reading makes almost no reference cycles."""


@contextmanager
def _few_collections() -> Iterator[None]:
    """Collect garbage less often while reading; the thresholds are restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], _YOUNG_OBJECTS), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


_TOP_KEY = re.compile(r"^(changes|steps)[ \t]*:", re.MULTILINE)
_SNIFF_BYTES = 1 << 20


def is_scenario_file(path: str | Path) -> bool:
    """A YAML or JSON file whose top level has ``changes`` and no ``steps``: a scenario, not a flow.

    Only its first MiB is looked at (a scenario is short); a file that cannot be read is not one."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json") or not p.is_file():  # never open a pipe
        return False
    try:
        with p.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    if suffix != ".json":
        return {m.group(1) for m in _TOP_KEY.finditer(head)} == {"changes"}
    try:
        data = json.loads(head)
    except ValueError:
        return False
    return isinstance(data, dict) and "changes" in data and "steps" not in data
