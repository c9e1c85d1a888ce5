"""Writing a flow as BPMN 2.0 XML (:func:`dump_bpmn`).

One pool with one lane per flow lane (in the flow's order), one task per step (userTask for
manual, serviceTask for automated, a task with the parallel multi-instance marker for batch
steps, its schedule in the documentation), start and end events, exclusive gateways for chance
branches (the share on each outgoing flow), parallel gateways for forks and joins, and the
diagram of :mod:`.layout`. Everything flowmap models is also kept in ``fm:`` extension elements,
so that flowmap reads its own files back losslessly while other tools ignore them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ...graph import build_graph
from ...model import END, Flow, Step, days_text
from ._common import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, FM_NS, ext, num, text_el
from .layout import EVENT, GATE, TASK_H, TASK_W, Diagram, Node, di_xml, new_diagram, xml_id

__all__ = ["dump_bpmn"]

_TASK_KIND = {"manual": "userTask", "auto": "serviceTask", "batch": "task"}


def dump_bpmn(flow: Flow, lang: str | None = None) -> str:
    """The flow as BPMN 2.0 XML with a full diagram (BPMNDI)."""
    lang = lang or flow.language
    ranks = build_graph(flow).ranks()
    d, sid_xml, slot = new_diagram(flow, ranks)
    for s in flow.steps:
        x, y = d.task_box(s.lane, ranks.get(s.id, 0), slot[s.id])
        d.add(Node(sid_xml[s.id], _TASK_KIND[s.mode], s.lane, x, y, TASK_W, TASK_H, s.name, _task_body(flow, s, lang)))
    join_gate = _add_joins(flow, d, sid_xml)
    _add_starts(flow, d, sid_xml, join_gate)
    _add_outgoing(flow, d, sid_xml, join_gate)
    w = ['<?xml version="1.0" encoding="UTF-8"?>',
         f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}" xmlns:bpmndi="{BPMNDI_NS}" xmlns:dc="{DC_NS}" '
         f'xmlns:di="{DI_NS}" xmlns:fm="{FM_NS}" id="Definitions_flowmap" '
         f'targetNamespace="{FM_NS}" exporter="flowmap" exporterVersion="{_version()}">',
         '  <bpmn:collaboration id="Collaboration_1">',
         f'    <bpmn:participant id="Participant_1" name={quoteattr(flow.name)} processRef="Process_1"/>',
         "  </bpmn:collaboration>"]
    w += _process_xml(flow, d)
    w += di_xml(d)
    w.append("</bpmn:definitions>")
    return "\n".join(w) + "\n"


def _task_body(flow: Flow, s: Step, lang: str) -> list[str]:
    """The documentation (for people) and the ``fm:step`` extension (for flowmap) of a step's task."""
    body: list[str] = []
    doc = _step_doc(s, lang)
    if doc:
        body.append(f'<bpmn:documentation textFormat="text/plain">{escape(doc)}</bpmn:documentation>')
    children = [text_el("owner", o) for o in s.owners] + [text_el("tool", t) for t in s.tools]
    children += [text_el("reads", d) for d in s.reads] + [text_el("writes", d) for d in s.writes]
    children += [ext("extra", {"key": k, "value": v}) for k, v in s.extra.items()]
    attrs: dict[str, Any] = {
        "id": s.id, "lane": s.lane, "mode": s.mode, "duration": s.duration.text(),
        "batch": s.batch.text("en") if s.batch else None, "join": "all" if s.join == "all" else None,
        "stage": s.stage, "touchpoint": s.touchpoint,
        "emotion": s.emotion if s.emotion is not None else None,
        "volume": num(s.volume) if s.volume is not None else None, "pain": s.pain, "note": s.note,
    }
    body.append(f"<bpmn:extensionElements>{ext('step', attrs, children)}</bpmn:extensionElements>")
    return body


def _step_doc(s: Step, lang: str) -> str:
    ja = lang == "ja"
    parts: list[str] = []

    def add(en: str, jp: str, value: str) -> None:
        if value:
            parts.append(f"{jp if ja else en}: {value}")

    sep = "、" if ja else ", "
    add("owner", "担当", sep.join(s.owners))
    add("tools", "ツール", sep.join(s.tools))
    add("mode", "方式", {"manual": "手動", "auto": "自動", "batch": "バッチ"}[s.mode] if ja else s.mode)
    add("duration (min)", "所要時間（分）", s.duration.text())
    add("batch", "バッチ条件", s.batch.text(lang) if s.batch else "")
    add("reads", "参照データ", sep.join(s.reads))
    add("writes", "入力データ", sep.join(s.writes))
    add("pain", "課題", s.pain)
    add("note", "備考", s.note)
    return "\n".join(parts)


def _add_joins(flow: Flow, d: Diagram, sid_xml: dict[str, str]) -> dict[str, str]:
    """A parallel gateway before each step that waits for all branches; step id → gateway id."""
    join_gate: dict[str, str] = {}
    for s in flow.steps:
        if s.join != "all":
            continue
        t = d.nodes[sid_xml[s.id]]
        jg = d.add(Node(xml_id(f"Join_{s.id}", d.used), "parallelGateway", t.lane, t.x - 70, t.cy - GATE / 2,
                        GATE, GATE))
        join_gate[s.id] = jg.id
        d.connect(jg.id, t.id)
    return join_gate


def _add_starts(flow: Flow, d: Diagram, sid_xml: dict[str, str], join_gate: dict[str, str]) -> None:
    """A start event before each entry step (with its cases a day when the flow gives volumes)."""
    has_volume = any(s.volume is not None for s in flow.steps)
    entries = flow.entry_volumes()
    for sid in flow.entry_steps():
        t = d.nodes[sid_xml[sid]]
        ev = d.add(Node(xml_id(f"Start_{sid}", d.used), "startEvent", t.lane, t.x - 75, t.cy - EVENT / 2,
                        EVENT, EVENT))
        if has_volume:
            ev.body.append(f"<bpmn:extensionElements>{ext('arrivals', {'perDay': num(entries[sid])})}</bpmn:extensionElements>")
        d.connect(ev.id, join_gate.get(sid, t.id))


def _add_outgoing(flow: Flow, d: Diagram, sid_xml: dict[str, str], join_gate: dict[str, str]) -> None:
    """The flows leaving each step: straight on, through an exclusive gateway (a choice, its shares
    as labels) or a parallel one (a fork); an end event where the case ends."""

    def target_of(tid: str) -> str:
        return join_gate.get(tid, sid_xml[tid]) if tid != END else ""

    out_edges = flow.out_edges()
    for s in flow.steps:
        src = d.nodes[sid_xml[s.id]]
        es = out_edges.get(s.id, [])
        if not es:
            d.connect(src.id, d.end_event(src, below=False))
            continue
        if len(es) == 1 and es[0].probability == 1 and not s.fork:
            d.connect(src.id, target_of(es[0].target) or d.end_event(src, below=False))
            continue
        kind = "parallelGateway" if s.fork else "exclusiveGateway"
        g = d.add(Node(xml_id(f"{'Fork' if s.fork else 'Choice'}_{s.id}", d.used), kind, s.lane,
                       src.x + src.w + 20, src.cy - GATE / 2, GATE, GATE))
        d.connect(src.id, g.id)
        for e in es:
            tgt = target_of(e.target) or d.end_event(g, below=True)
            if s.fork:
                d.connect(g.id, tgt)
            else:
                d.connect(g.id, tgt, f"{e.probability * 100:.4g}%", e.probability)


def _process_xml(flow: Flow, d: Diagram) -> list[str]:
    """The process: flowmap's flow extension, the lane set, every node and every sequence flow."""
    w = [f'  <bpmn:process id="Process_1" name={quoteattr(flow.name)} isExecutable="false">',
         "    <bpmn:extensionElements>" + _flow_ext(flow) + "</bpmn:extensionElements>",
         '    <bpmn:laneSet id="LaneSet_1">']
    for name in d.lane_names:
        w.append(f"      <bpmn:lane id={quoteattr(d.lane_xml[name])} name={quoteattr(name)}>")
        w.extend(f"        <bpmn:flowNodeRef>{nid}</bpmn:flowNodeRef>" for nid in d.order if d.nodes[nid].lane == name)
        w.append("      </bpmn:lane>")
    w.append("    </bpmn:laneSet>")
    for nid in d.order:
        nd = d.nodes[nid]
        name_attr = f" name={quoteattr(nd.name)}" if nd.name else ""
        w.append(f"    <bpmn:{nd.kind} id={quoteattr(nd.id)}{name_attr}>")
        w.extend(f"      {b}" for b in nd.body if b.startswith("<bpmn:documentation"))
        w.extend(f"      {b}" for b in nd.body if not b.startswith("<bpmn:documentation"))
        w.extend(f"      <bpmn:incoming>{f}</bpmn:incoming>" for f in nd.incoming)
        w.extend(f"      <bpmn:outgoing>{f}</bpmn:outgoing>" for f in nd.outgoing)
        if nd.kind == "task":  # a batch step: many cases handled together
            w.append('      <bpmn:multiInstanceLoopCharacteristics isSequential="false"/>')
        w.append(f"    </bpmn:{nd.kind}>")
    for f in d.flows:
        name_attr = f" name={quoteattr(f.name)}" if f.name else ""
        head = f'    <bpmn:sequenceFlow id="{f.id}" sourceRef="{f.source}" targetRef="{f.target}"{name_attr}'
        if f.probability is None:
            w.append(head + "/>")
        else:
            w += [head + ">",
                  f"      <bpmn:extensionElements>{ext('probability', {'value': repr(f.probability)})}</bpmn:extensionElements>",
                  "    </bpmn:sequenceFlow>"]
    w.append("  </bpmn:process>")
    return w


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("flowmap")
    except Exception:  # the package metadata is missing when run from a source tree
        return "0"


def _json_default(obj: Any) -> Any:
    if isinstance(obj, dt.date):
        return obj.isoformat()
    raise TypeError(type(obj).__name__)


def _flow_ext(flow: Flow) -> str:
    from ..modelfile import flow_to_dict

    # the settings exactly as the model file writes them, each value as JSON (read back by the same code)
    settings = {k: json.dumps(v, ensure_ascii=False, default=_json_default)
                for k, v in flow_to_dict(flow)["settings"].items()}
    children = [ext("setting", {"key": k, "value": v}) for k, v in settings.items()]
    children += [ext("lane", {"name": la.name, "kind": la.kind}) for la in flow.lanes]
    for o in flow.owners:
        children.append(ext("owner", {
            "name": o.name, "lane": o.lane, "kind": o.kind,
            "headcount": o.headcount, "hours": o.hours.text() if o.hours is not None else None,
            "days": (days_text(o.days, "en") if len(o.days) != 7 else "every day") if o.days is not None else None,
            "cost": num(o.cost) if o.cost else None,
        }))
    for t in flow.tools:
        children.append(ext("tool", {"name": t.name, "category": t.category,
                                     "delay": t.delay.text() if t.delay is not None else None}))
    return ext("flow", {"name": flow.name, "language": flow.language}, children)
