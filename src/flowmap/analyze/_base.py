"""What every analyzer shares: the Finding, the context an analyzer reads,
and the severity order."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .._lang import t
from ..graph import FlowGraph
from ..model import Flow, Owner, Step, Tool
from .load import Workload

__all__ = ["SEVERITIES", "Context", "Finding", "NotApplicable", "ParamValue", "Params", "Severity", "severity_rank"]

Severity = Literal["high", "medium", "low"]
ParamValue = str | int | float | bool | None | list[str] | list[float]
Params = dict[str, ParamValue]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")


def severity_rank(severity: str) -> int:
    """0 for high, 1 for medium, 2 for low."""
    return ("high", "medium", "low").index(severity)


@dataclass(kw_only=True)
class Finding:
    """One finding.  ``code`` says what kind of finding it is
    (``duplication.same_data``), ``key`` names its subject independently of
    language and of the run (the same duplicated item, overloaded owner or
    handoff pair gets the same key in an as-is and a to-be flow), ``params``
    holds the figures its words are made from."""

    analyzer: str
    code: str
    key: str
    severity: Severity
    title: str
    message: str
    steps: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    minutes_per_day: float = 0.0
    suggestion: str = ""
    params: Params = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["minutes_per_day"] = round(self.minutes_per_day, 1)
        return d


class NotApplicable(Exception):
    """Raised by an analyzer that cannot run on this flow; the message says why."""

    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en = en
        self.ja = ja


@dataclass
class Context:
    flow: Flow
    graph: FlowGraph
    load: Workload
    lang: str
    steps: dict[str, Step] = field(init=False, repr=False)
    tools: dict[str, Tool] = field(init=False, repr=False)
    owners: dict[str, Owner] = field(init=False, repr=False)
    customer: set[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.steps = self.flow.step_map()
        self.tools = self.flow.tool_map()
        self.owners = self.flow.owner_map()
        self.customer = self.flow.customer_lanes()

    def t(self, en: str, ja: str) -> str:
        return t(self.lang, en, ja)

    def step_label(self, sid: str) -> str:
        s = self.steps[sid]
        return f"{sid} {s.name}"
