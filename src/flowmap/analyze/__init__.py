"""Waste analysis: analyzers that read a flow and its expected load and
return findings.  See :mod:`flowmap.analyze.registry` for the list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..capacity import capacity_from_load
from ..errors import InputError, ParameterError
from ..graph import FlowGraph, build_graph, count_work_tools
from ..model import Flow, check_flow
from ._base import SEVERITIES, Context, Finding, NotApplicable, NotRun, Severity, severity_rank
from ._spec import AnalyzerSpec, Grade, Threshold, Words
from .load import OwnerLoad, Spread, Workload, expected_load
from .registry import ANALYZERS, register, registered, thresholds, unregister

__all__ = ["ANALYZERS", "SEVERITIES", "Analysis", "AnalyzerSpec", "Finding", "FlowSummary", "Grade", "NotApplicable",
           "NotRun", "OwnerLoad", "Severity", "Spread", "Threshold", "Words", "Workload", "analyze", "register", "registered",
           "resolve_thresholds", "run_analysis", "severity_rank", "unregister"]


@dataclass(frozen=True)
class FlowSummary:
    name: str
    steps: int
    lanes: list[str]
    owners: int
    tools: int

    @classmethod
    def of(cls, f: Flow) -> FlowSummary:
        return cls(name=f.name, steps=len(f.steps), lanes=[la.name for la in f.lanes], owners=len(f.owners),
                   tools=count_work_tools(f))

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "steps": self.steps, "lanes": list(self.lanes), "owners": self.owners, "tools": self.tools}


@dataclass
class Analysis:
    """Everything one run of the analyzers found.  Words are made when rendered,
    in ``lang``: :meth:`in_lang` gives the same analysis in another language."""

    flow: Flow
    graph: FlowGraph
    workload: Workload
    findings: list[Finding]
    reasons: dict[str, NotRun] = field(default_factory=dict)  # analyzer → why it could not run
    lang: str = "en"
    thresholds: dict[str, float] = field(default_factory=dict)

    @property
    def skipped(self) -> dict[str, str]:
        """Analyzer → why it could not run, in ``lang``."""
        return {k: v.text(self.lang) for k, v in self.reasons.items()}

    def in_lang(self, lang: str) -> Analysis:
        return replace(self, lang=lang, findings=[replace(f, lang=lang) for f in self.findings])

    def summary(self) -> FlowSummary:
        return FlowSummary.of(self.flow)

    def to_dict(self) -> dict[str, object]:
        return {
            "flow": self.summary().to_dict(),
            "findings": [x.to_dict(self.lang) for x in self.findings],
            "workload": [o.to_dict() for o in self.workload.owners],
            "workload_spread": self.workload.spread().to_dict(),
            "capacity": [c.to_dict() for c in capacity_from_load(self.flow, self.workload)],
            "skipped": [r.to_dict(self.lang) for r in self.reasons.values()],
        }


def resolve_thresholds(flow: Flow, overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every declared threshold's value: ``overrides`` (--config), else the flow's Settings, else the default."""
    out: dict[str, float] = {}
    for t in thresholds():
        if overrides and t.key in overrides:
            out[t.key] = float(overrides[t.key])
        else:
            v = getattr(flow.settings, t.key, None)
            out[t.key] = float(v) if isinstance(v, int | float) else t.default
    return out


def run_analysis(flow: Flow, *, only: list[str] | None = None, lang: str | None = None,
                 graph: FlowGraph | None = None, thresholds: Mapping[str, float] | None = None) -> Analysis:
    """Run the analyzers (all, or ``only`` these) on a validated flow.

    ``thresholds`` override the flow's Settings (keys as the analyzers declare them).
    """
    lang = lang or flow.language
    names = list(ANALYZERS)
    if only:
        unknown = [n for n in only if n not in ANALYZERS]
        if unknown:
            raise ParameterError("only", f"unknown analyzer {', '.join(unknown)}; known: {', '.join(names)}",
                                 f"分析「{'、'.join(unknown)}」はありません。使えるもの: {', '.join(names)}")
        names = [n for n in names if n in only]
    if graph is None:
        problems = check_flow(flow)  # a Flow built in Python has not met a reader's checks
        if problems:
            raise InputError(problems)
        graph = build_graph(flow)
    load = expected_load(flow, graph)
    values = resolve_thresholds(flow, thresholds)
    ctx = Context(flow=flow, graph=graph, load=load, thresholds=values)
    findings: list[Finding] = []
    reasons: dict[str, NotRun] = {}
    for name in names:
        try:
            findings += ANALYZERS[name].run(ctx)
        except NotApplicable as e:
            if e.code not in ANALYZERS[name].reasons.get("en", {}):
                raise ValueError(f"analyzer {name} gave the undeclared reason {e.code!r}; declare it in its SPEC.reasons") from e
            reasons[name] = NotRun(name, e.code, e.params)
    order = {n: i for i, n in enumerate(ANALYZERS)}
    findings.sort(key=lambda x: (severity_rank(x.severity), order[x.analyzer], -x.minutes_per_day, x.key))
    _unique_keys(findings)
    for f in findings:
        f.lang = lang
    return Analysis(flow=flow, graph=graph, workload=load, findings=findings, reasons=reasons, lang=lang, thresholds=values)


def _unique_keys(findings: list[Finding]) -> None:
    """Keys name subjects; should two findings share one, number the later ones so keys stay unique."""
    seen: dict[str, int] = {}
    for f in findings:
        n = seen.get(f.key, 0) + 1
        seen[f.key] = n
        if n > 1:
            f.key = f"{f.key}#{n}"


def analyze(flow: Flow, *, only: list[str] | None = None, lang: str | None = None) -> list[Finding]:
    """The findings of all analyzers (or ``only`` these), most severe first."""
    return run_analysis(flow, only=only, lang=lang).findings
