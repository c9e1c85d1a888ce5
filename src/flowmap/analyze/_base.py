"""What every analyzer shares: the Finding, the context an analyzer reads,
and the severity order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ..graph import FlowGraph
from ..model import Flow, Owner, Step, Tool
from ._facts import CaseReach, customer_facing, system_of_record, talks_to_person
from ._spec import Rendered, render, render_reason
from .load import Workload

__all__ = ["SEVERITIES", "Context", "Finding", "NotApplicable", "NotRun", "ParamValue", "Params", "Severity", "severity_rank"]

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
    steps: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    minutes_per_day: float = 0.0
    params: Params = field(default_factory=dict)
    lang: str = field(default="en", compare=False)  # the language of .title, .message and .suggestion

    def words(self, lang: str | None = None) -> Rendered:
        """Title, message and suggestion in ``lang`` (default: the analysis's), from the message catalogue."""
        from .registry import ANALYZERS

        return render(ANALYZERS[self.analyzer], self, lang or self.lang)

    @property
    def title(self) -> str:
        return self.words().title

    @property
    def message(self) -> str:
        return self.words().message

    @property
    def suggestion(self) -> str:
        return self.words().suggestion

    def to_dict(self, lang: str | None = None) -> dict[str, object]:
        w = self.words(lang)
        return {"analyzer": self.analyzer, "code": self.code, "key": self.key, "severity": self.severity,
                "title": w.title, "message": w.message, "steps": list(self.steps), "owners": list(self.owners),
                "tools": list(self.tools), "data": list(self.data), "minutes_per_day": round(self.minutes_per_day, 1),
                "suggestion": w.suggestion, "params": dict(self.params)}


class NotApplicable(Exception):
    """Raised by an analyzer that cannot run on this flow.  ``code`` names the
    reason (declared in the analyzer's ``SPEC.reasons``, e.g.
    ``tool_scatter.no_tools``), ``params`` hold the figures its words are made
    from; the words are made when rendered, like a finding's."""

    def __init__(self, code: str, params: Params | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params: Params = dict(params or {})


@dataclass(frozen=True)
class NotRun:
    """An analyzer that could not run, and why: data, worded at render time."""

    analyzer: str
    code: str
    params: Params = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """Why, in ``lang``, from the analyzer's reasons catalogue."""
        from .registry import ANALYZERS

        return render_reason(ANALYZERS[self.analyzer], self.code, self.params, lang)

    def to_dict(self, lang: str) -> dict[str, object]:
        return {"analyzer": self.analyzer, "reason": self.text(lang), "code": self.code, "params": dict(self.params)}


@dataclass
class Context:
    flow: Flow
    graph: FlowGraph
    load: Workload
    thresholds: Mapping[str, float] = field(default_factory=dict)
    steps: dict[str, Step] = field(init=False, repr=False)
    tools: dict[str, Tool] = field(init=False, repr=False)
    owners: dict[str, Owner] = field(init=False, repr=False)
    customer: set[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.steps = self.flow.step_map()
        self.tools = self.flow.tool_map()
        self.owners = self.flow.owner_map()
        self.customer = self.flow.customer_lanes()

    @cached_property
    def reach(self) -> CaseReach:
        return CaseReach(self.graph)

    @cached_property
    def customer_facing(self) -> set[str]:
        return customer_facing(self.flow)

    @cached_property
    def system_of_record(self) -> str | None:
        return system_of_record(self.flow, self.load.step_per_day)

    @cached_property
    def _talk_tools(self) -> frozenset[str]:
        return frozenset(name for name, tool in self.tools.items() if talks_to_person(tool))

    def talks(self, sid: str) -> bool:
        """The step's work includes talking to someone live (see :func:`talks_to_person`)."""
        return any(t in self._talk_tools for t in self.steps[sid].tools)

    def threshold(self, key: str) -> float:
        """A declared threshold's value: --config, else the flow's Settings, else the declared default."""
        return self.thresholds[key]

    def step_label(self, sid: str) -> str:
        s = self.steps[sid]
        return f"{sid} {s.name}"
