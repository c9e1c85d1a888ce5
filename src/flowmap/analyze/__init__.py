"""Waste analysis: analyzers that read a flow and its expected load and
return findings.  See :mod:`flowmap.analyze.registry` for the list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..capacity import capacity_from_load
from ..errors import InputError, UsageError
from ..graph import FlowGraph, build_graph
from ..model import Flow, check_flow
from ._base import SEVERITIES, Context, Finding, NotApplicable, severity_rank
from .load import OwnerLoad, Workload, expected_load
from .registry import ANALYZERS

__all__ = ["ANALYZERS", "SEVERITIES", "Analysis", "Finding", "OwnerLoad", "Workload", "analyze", "run_analysis",
           "severity_rank"]


@dataclass
class Analysis:
    """Everything one run of the analyzers found."""

    flow: Flow
    graph: FlowGraph
    workload: Workload
    findings: list[Finding]
    skipped: dict[str, str] = field(default_factory=dict)  # analyzer → why it could not run
    lang: str = "en"

    def summary(self) -> dict[str, Any]:
        f = self.flow
        return {"name": f.name, "steps": len(f.steps), "lanes": [la.name for la in f.lanes],
                "owners": len(f.owners), "tools": len(f.tools)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.summary(),
            "findings": [x.to_dict() for x in self.findings],
            "workload": [o.to_dict() for o in self.workload.owners],
            "workload_spread": self.workload.spread(),
            "capacity": [c.to_dict() for c in capacity_from_load(self.flow, self.workload)],
            "skipped": [{"analyzer": k, "reason": v} for k, v in self.skipped.items()],
        }


def run_analysis(flow: Flow, *, only: list[str] | None = None, lang: str | None = None,
                 graph: FlowGraph | None = None) -> Analysis:
    """Run the analyzers (all, or ``only`` these) on a validated flow."""
    lang = lang or flow.language
    names = list(ANALYZERS)
    if only:
        unknown = [n for n in only if n not in ANALYZERS]
        if unknown:
            raise UsageError.one(f"unknown analyzer {', '.join(unknown)}; known: {', '.join(names)}",
                                 f"分析「{'、'.join(unknown)}」はありません。使えるもの: {', '.join(names)}", "--only")
        names = [n for n in names if n in only]
    if graph is None:
        problems = check_flow(flow)  # a Flow built in Python has not met a reader's checks
        if problems:
            raise InputError(problems)
        graph = build_graph(flow)
    load = expected_load(flow, graph)
    ctx = Context(flow=flow, graph=graph, load=load, lang=lang)
    findings: list[Finding] = []
    skipped: dict[str, str] = {}
    for name in names:
        try:
            findings += ANALYZERS[name](ctx)
        except NotApplicable as e:
            skipped[name] = e.ja if lang == "ja" else e.en
    order = {n: i for i, n in enumerate(ANALYZERS)}
    findings.sort(key=lambda x: (severity_rank(x.severity), order[x.analyzer], -x.minutes_per_day, x.key))
    _unique_keys(findings)
    return Analysis(flow=flow, graph=graph, workload=load, findings=findings, skipped=skipped, lang=lang)


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
