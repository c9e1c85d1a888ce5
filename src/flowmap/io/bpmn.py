"""BPMN 2.0 XML in and out.

Writing (:func:`dump_bpmn`): one pool with one lane per flow lane (in the flow's order), one
task per step (userTask for manual, serviceTask for automated, a task with the parallel
multi-instance marker for batch steps, its schedule in the documentation), start and end
events, exclusive gateways for chance branches (the share on each outgoing flow), parallel
gateways for forks and joins, and a complete BPMNDI diagram laid out like the lane view.
Everything flowmap models is also kept in namespaced extension elements (``fm:``), so that
flowmap reads its own files back losslessly while other tools ignore them.

Reading (:func:`read_bpmn`): lanes (and the pools of a collaboration) become lanes; tasks,
sub-processes and call activities become steps; exclusive gateways become chance branches
(equal shares unless flowmap's extension, a percentage in the flow's name or condition says
otherwise); parallel gateways become forks and joins; inclusive, event-based and complex
gateways are read as chance branches; timers on start events become arrival hints. What was
assumed is recorded as notes on the flow (``validate`` lists them). Parsing is done with
defusedxml's SAX parser: no DTD entities, no external entities, no network access.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..errors import InputError, Problem
from ..graph import build_graph
from ..model import END, Flow, days_text
from ._build import Row, build_flow, is_japanese
from ._parallel import FORK_SEPARATOR
from .bpmn_xml import BPMN_NS
from .bpmn_xml import El as _El
from .bpmn_xml import parse as _parse

__all__ = ["BPMN_NS", "FM_NS", "dump_bpmn", "read_bpmn"]

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
FM_NS = "urn:flowmap:bpmn:1"
"""flowmap's own extension namespace (other tools keep or ignore these elements)."""


# ------------------------------------------------------------------ layout
_TASK_W, _TASK_H = 100, 80
_EVENT = 36
_GATE = 50
_COL = 260
_ROW = 130
_POOL_HEAD = 30
_X0 = 120  # left edge of the first column's task (room for start events)
_LANE_PAD = 25


def _n(x: float) -> str:
    return f"{x:g}"


def _xml_id(raw: str, used: set[str]) -> str:
    """A valid, unique xsd:ID made from a step id (NCName: no spaces or colons, not starting with a digit)."""
    base = re.sub(r"[^\w.-]", "_", raw)
    if not base or not (base[0].isalpha() or base[0] == "_"):
        base = "_" + base
    out, i = base, 2
    while out in used:
        out = f"{base}_{i}"
        i += 1
    used.add(out)
    return out


@dataclass
class _Node:
    id: str
    kind: str  # userTask, serviceTask, task, startEvent, endEvent, exclusiveGateway, parallelGateway
    lane: str
    x: float
    y: float
    w: float
    h: float
    name: str = ""
    body: list[str] = field(default_factory=list)  # inner XML (documentation, extension elements…)
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    name: str = ""
    probability: float | None = None


def _ext(tag: str, attrs: dict[str, Any], children: list[str] | None = None) -> str:
    a = "".join(f" {k}={quoteattr(str(v))}" for k, v in attrs.items() if v is not None and v != "")
    if not children:
        return f"<fm:{tag}{a}/>"
    return f"<fm:{tag}{a}>{''.join(children)}</fm:{tag}>"


def _text_el(tag: str, text: str) -> str:
    return f"<fm:{tag}>{escape(text)}</fm:{tag}>"


def _step_doc(flow: Flow, sid: str, lang: str) -> str:
    s = flow.step_map()[sid]
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


def dump_bpmn(flow: Flow, lang: str | None = None) -> str:
    """The flow as BPMN 2.0 XML with a full diagram (BPMNDI)."""
    lang = lang or flow.language
    graph = build_graph(flow)
    ranks = graph.ranks()
    out_edges = flow.out_edges()
    used: set[str] = {"Definitions_flowmap", "Collaboration_1", "Participant_1", "Process_1", "LaneSet_1",
                      "BPMNDiagram_1", "BPMNPlane_1"}
    sid_xml = {s.id: _xml_id(s.id, used) for s in flow.steps}
    lane_names = [la.name for la in flow.lanes]
    lane_xml = {name: _xml_id(f"Lane_{i + 1}", used) for i, name in enumerate(lane_names)}
    joins_before = {s.id for s in flow.steps if s.join == "all"}
    entries = flow.entry_volumes()
    has_volume = any(s.volume is not None for s in flow.steps)

    # rows: steps of a lane in the same column are stacked
    slot: dict[str, int] = {}
    lane_rows: dict[str, int] = defaultdict(lambda: 1)
    taken: dict[tuple[str, int], int] = defaultdict(int)
    for s in flow.steps:
        key = (s.lane, ranks.get(s.id, 0))
        slot[s.id] = taken[key]
        taken[key] += 1
        lane_rows[s.lane] = max(lane_rows[s.lane], taken[key])
    lane_y: dict[str, float] = {}
    lane_h: dict[str, float] = {}
    y = 0.0
    for name in lane_names:
        lane_y[name] = y
        lane_h[name] = lane_rows[name] * _ROW + 2 * _LANE_PAD - (_ROW - _TASK_H)
        lane_h[name] = max(lane_h[name], _TASK_H + 2 * _LANE_PAD + 30)
        y += lane_h[name]
    pool_h = y
    max_rank = max(ranks.values(), default=0)
    pool_w = _POOL_HEAD + _X0 + (max_rank + 1) * _COL + 40

    nodes: dict[str, _Node] = {}
    order: list[str] = []
    flows: list[_Flow] = []
    nflow = 0

    def add_node(node: _Node) -> _Node:
        nodes[node.id] = node
        order.append(node.id)
        return node

    def connect(src: str, dst: str, name: str = "", probability: float | None = None) -> None:
        nonlocal nflow
        nflow += 1
        fid = _xml_id(f"Flow_{nflow}", used)
        flows.append(_Flow(fid, src, dst, name, probability))
        nodes[src].outgoing.append(fid)
        nodes[dst].incoming.append(fid)

    # tasks
    for s in flow.steps:
        x = _POOL_HEAD + _X0 + ranks.get(s.id, 0) * _COL
        ty = lane_y[s.lane] + _LANE_PAD + 15 + slot[s.id] * _ROW
        kind = {"manual": "userTask", "auto": "serviceTask", "batch": "task"}[s.mode]
        body: list[str] = []
        doc = _step_doc(flow, s.id, lang)
        if doc:
            body.append(f'<bpmn:documentation textFormat="text/plain">{escape(doc)}</bpmn:documentation>')
        children = [_text_el("owner", o) for o in s.owners] + [_text_el("tool", t) for t in s.tools]
        children += [_text_el("reads", d) for d in s.reads] + [_text_el("writes", d) for d in s.writes]
        children += [_ext("extra", {"key": k, "value": v}) for k, v in s.extra.items()]
        attrs: dict[str, Any] = {
            "id": s.id, "lane": s.lane, "mode": s.mode, "duration": s.duration.text(),
            "batch": s.batch.text("en") if s.batch else None, "join": "all" if s.join == "all" else None,
            "stage": s.stage, "touchpoint": s.touchpoint,
            "emotion": s.emotion if s.emotion is not None else None,
            "volume": _n(s.volume) if s.volume is not None else None, "pain": s.pain, "note": s.note,
        }
        body.append(f"<bpmn:extensionElements>{_ext('step', attrs, children)}</bpmn:extensionElements>")
        add_node(_Node(sid_xml[s.id], kind, s.lane, x, ty, _TASK_W, _TASK_H, s.name, body))

    # join gateways before steps that wait for all branches
    join_gate: dict[str, str] = {}
    for sid in sorted(joins_before, key=lambda x: [st.id for st in flow.steps].index(x)):
        t = nodes[sid_xml[sid]]
        jg = add_node(_Node(_xml_id(f"Join_{sid}", used), "parallelGateway", t.lane, t.x - 70, t.cy - _GATE / 2,
                            _GATE, _GATE, ""))
        join_gate[sid] = jg.id
        connect(jg.id, t.id)

    # start events
    for sid in flow.entry_steps():
        t = nodes[sid_xml[sid]]
        ev = add_node(_Node(_xml_id(f"Start_{sid}", used), "startEvent", t.lane, t.x - 75, t.cy - _EVENT / 2,
                            _EVENT, _EVENT, ""))
        if has_volume:
            ev.body.append(f"<bpmn:extensionElements>{_ext('arrivals', {'perDay': _n(entries[sid])})}</bpmn:extensionElements>")
        connect(ev.id, join_gate.get(sid, t.id))

    def target_of(tid: str) -> str:
        return join_gate.get(tid, sid_xml[tid]) if tid != END else ""

    def end_event(near: _Node, below: bool) -> str:
        if below:
            x, yy = near.cx - _EVENT / 2, near.y + near.h + 15
        else:
            x, yy = near.x + near.w + 40, near.cy - _EVENT / 2
        ev = add_node(_Node(_xml_id(f"End_{near.id}", used), "endEvent", near.lane, x, yy, _EVENT, _EVENT, ""))
        return ev.id

    # outgoing flows
    for s in flow.steps:
        src = nodes[sid_xml[s.id]]
        es = out_edges.get(s.id, [])
        if not es:
            connect(src.id, end_event(src, below=False))
            continue
        if len(es) == 1 and es[0].probability == 1 and not s.fork:
            e = es[0]
            connect(src.id, target_of(e.target) or end_event(src, below=False))
            continue
        kind = "parallelGateway" if s.fork else "exclusiveGateway"
        g = add_node(_Node(_xml_id(f"{'Fork' if s.fork else 'Choice'}_{s.id}", used), kind, s.lane,
                           src.x + src.w + 20, src.cy - _GATE / 2, _GATE, _GATE, ""))
        connect(src.id, g.id)
        for e in es:
            tgt = target_of(e.target) or end_event(g, below=True)
            if s.fork:
                connect(g.id, tgt)
            else:
                connect(g.id, tgt, f"{e.probability * 100:.4g}%", e.probability)

    # ---------------------------------------------------------------- XML
    w: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
    w.append(f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}" xmlns:bpmndi="{BPMNDI_NS}" xmlns:dc="{DC_NS}" '
             f'xmlns:di="{DI_NS}" xmlns:fm="{FM_NS}" id="Definitions_flowmap" '
             f'targetNamespace="{FM_NS}" exporter="flowmap" exporterVersion="{_version()}">')
    w.append('  <bpmn:collaboration id="Collaboration_1">')
    w.append(f'    <bpmn:participant id="Participant_1" name={quoteattr(flow.name)} processRef="Process_1"/>')
    w.append("  </bpmn:collaboration>")
    w.append(f'  <bpmn:process id="Process_1" name={quoteattr(flow.name)} isExecutable="false">')
    w.append("    <bpmn:extensionElements>" + _flow_ext(flow) + "</bpmn:extensionElements>")
    w.append('    <bpmn:laneSet id="LaneSet_1">')
    for name in lane_names:
        w.append(f"      <bpmn:lane id={quoteattr(lane_xml[name])} name={quoteattr(name)}>")
        for nid in order:
            if nodes[nid].lane == name:
                w.append(f"        <bpmn:flowNodeRef>{nid}</bpmn:flowNodeRef>")
        w.append("      </bpmn:lane>")
    w.append("    </bpmn:laneSet>")
    for nid in order:
        nd = nodes[nid]
        name_attr = f" name={quoteattr(nd.name)}" if nd.name else ""
        w.append(f"    <bpmn:{nd.kind} id={quoteattr(nd.id)}{name_attr}>")
        w.extend(f"      {b}" for b in nd.body if b.startswith("<bpmn:documentation"))
        w.extend(f"      {b}" for b in nd.body if not b.startswith("<bpmn:documentation"))
        w.extend(f"      <bpmn:incoming>{f}</bpmn:incoming>" for f in nd.incoming)
        w.extend(f"      <bpmn:outgoing>{f}</bpmn:outgoing>" for f in nd.outgoing)
        if nd.kind == "task":  # a batch step: many cases handled together
            w.append('      <bpmn:multiInstanceLoopCharacteristics isSequential="false"/>')
        w.append(f"    </bpmn:{nd.kind}>")
    for f in flows:
        name_attr = f" name={quoteattr(f.name)}" if f.name else ""
        if f.probability is None:
            w.append(f'    <bpmn:sequenceFlow id="{f.id}" sourceRef="{f.source}" targetRef="{f.target}"{name_attr}/>')
        else:
            w.append(f'    <bpmn:sequenceFlow id="{f.id}" sourceRef="{f.source}" targetRef="{f.target}"{name_attr}>')
            w.append(f"      <bpmn:extensionElements>{_ext('probability', {'value': repr(f.probability)})}</bpmn:extensionElements>")
            w.append("    </bpmn:sequenceFlow>")
    w.append("  </bpmn:process>")

    # ---------------------------------------------------------------- DI
    w.append('  <bpmndi:BPMNDiagram id="BPMNDiagram_1">')
    w.append('    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Collaboration_1">')

    def bounds(x: float, yy: float, ww: float, hh: float) -> str:
        return f'<dc:Bounds x="{_n(x)}" y="{_n(yy)}" width="{_n(ww)}" height="{_n(hh)}"/>'

    w.append('      <bpmndi:BPMNShape id="Participant_1_di" bpmnElement="Participant_1" isHorizontal="true">')
    w.append(f"        {bounds(0, 0, pool_w, pool_h)}")
    w.append("      </bpmndi:BPMNShape>")
    for name in lane_names:
        w.append(f'      <bpmndi:BPMNShape id="{lane_xml[name]}_di" bpmnElement="{lane_xml[name]}" isHorizontal="true">')
        w.append(f"        {bounds(_POOL_HEAD, lane_y[name], pool_w - _POOL_HEAD, lane_h[name])}")
        w.append("      </bpmndi:BPMNShape>")
    for nid in order:
        nd = nodes[nid]
        marker = ' isMarkerVisible="true"' if nd.kind == "exclusiveGateway" else ""
        w.append(f'      <bpmndi:BPMNShape id="{nid}_di" bpmnElement="{nid}"{marker}>')
        w.append(f"        {bounds(nd.x, nd.y, nd.w, nd.h)}")
        w.append("      </bpmndi:BPMNShape>")
    shapes = list(nodes.values())
    for f in flows:
        w.append(f'      <bpmndi:BPMNEdge id="{f.id}_di" bpmnElement="{f.id}">')
        pts = _route(nodes[f.source], nodes[f.target], shapes)
        w.extend(f'        <di:waypoint x="{_n(px)}" y="{_n(py)}"/>' for px, py in pts)
        if f.name:
            (ax, ay), (bx, by) = pts[-2], pts[-1]
            lx = (ax + bx) / 2 - 20 if ay == by else ax + 5
            ly = ay - 18 if ay == by else (ay + by) / 2 - 7
            w.append(f"        <bpmndi:BPMNLabel>{bounds(lx, ly, 40, 14)}</bpmndi:BPMNLabel>")
        w.append("      </bpmndi:BPMNEdge>")
    w.append("    </bpmndi:BPMNPlane>")
    w.append("  </bpmndi:BPMNDiagram>")
    w.append("</bpmn:definitions>")
    return "\n".join(w) + "\n"


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


def _route(a: _Node, b: _Node, shapes: list[_Node]) -> list[tuple[float, float]]:
    """Orthogonal waypoints from a's right side to b's left side. A flow whose last stretch would
    cross other shapes of its row goes below them; loops go round below both ends."""
    if b.x >= a.x + a.w:
        x1, y1, x2, y2 = a.x + a.w, a.cy, b.x, b.cy
        if b.kind == "endEvent" and b.y > a.y + a.h:  # an end below a gateway
            return [(a.cx, a.y + a.h), (b.cx, b.y)]
        xm = x1 if y1 == y2 else x1 + min(25.0, (x2 - x1) / 2)  # turn right after the source: the gap there is free
        blockers = [n for n in shapes if n is not a and n is not b and n.x < x2 and n.x + n.w > xm
                    and n.y < y2 < n.y + n.h]
        if blockers:
            xm = xm if y1 != y2 else x1 + min(15.0, (x2 - x1) / 3)
            below = max(n.y + n.h for n in blockers) + 10
            xe = x2 - min(15.0, (x2 - xm) / 3)
            return [(x1, y1), (xm, y1), (xm, below), (xe, below), (xe, y2), (x2, y2)]
        if y1 == y2:
            return [(x1, y1), (x2, y2)]
        return [(x1, y1), (xm, y1), (xm, y2), (x2, y2)]
    if b.kind == "endEvent":
        return [(a.cx, a.y + a.h), (b.cx, b.y)]
    low = max(a.y + a.h, b.y + b.h) + 12
    return [(a.cx, a.y + a.h), (a.cx, low), (b.cx, low), (b.cx, b.y + b.h)]


def _flow_ext(flow: Flow) -> str:
    from .modelfile import flow_to_dict

    # the settings exactly as the model file writes them, each value as JSON (read back by the same code)
    settings = {k: json.dumps(v, ensure_ascii=False, default=_json_default)
                for k, v in flow_to_dict(flow)["settings"].items()}
    children = [_ext("setting", {"key": k, "value": v}) for k, v in settings.items()]
    children += [_ext("lane", {"name": la.name, "kind": la.kind}) for la in flow.lanes]
    for o in flow.owners:
        children.append(_ext("owner", {
            "name": o.name, "lane": o.lane, "kind": o.kind,
            "headcount": o.headcount, "hours": o.hours.text() if o.hours is not None else None,
            "days": (days_text(o.days, "en") if len(o.days) != 7 else "every day") if o.days is not None else None,
            "cost": _n(o.cost) if o.cost else None,
        }))
    for t in flow.tools:
        children.append(_ext("tool", {"name": t.name, "category": t.category,
                                      "delay": t.delay.text() if t.delay is not None else None}))
    return _ext("flow", {"name": flow.name, "language": flow.language}, children)


# ======================================================================= reading

_ACTIVITIES_AUTO = {"serviceTask", "scriptTask", "businessRuleTask", "sendTask"}
_ACTIVITIES = {"task", "userTask", "manualTask", "receiveTask", "callActivity", "subProcess", "adHocSubProcess",
               "transaction"} | _ACTIVITIES_AUTO
_CHOICE_GATES = {"exclusiveGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
_PASS = {"intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
_IGNORED = {"dataObject", "dataObjectReference", "dataStoreReference", "textAnnotation", "association",
            "group", "laneSet", "documentation", "extensionElements", "incoming", "outgoing", "ioSpecification",
            "property", "dataInputAssociation", "dataOutputAssociation", "category", "sequenceFlow"}
_LONG_ID = 24  # element ids longer than this (UUIDs) get a short step id
_PERCENT = re.compile(r"(?<![\w.])([-−]?)(\d{1,6}(?:\.\d{1,6})?)\s{0,3}[%％]")
_ISO_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def _fm(el: _El, tag: str) -> _El | None:
    ext = el.first(BPMN_NS, "extensionElements")
    return ext.first(FM_NS, tag) if ext is not None else None


@dataclass
class _Graph:
    name: str
    nodes: dict[str, _El] = field(default_factory=dict)
    lane_of: dict[str, str] = field(default_factory=dict)
    out: dict[str, list[tuple[str, _El]]] = field(default_factory=lambda: defaultdict(list))
    inc: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lanes: list[str] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_bpmn(path: str | Path, *, allow_missing: bool = False) -> Flow:
    """Read a BPMN 2.0 file into a validated :class:`Flow`; what was assumed is in ``flow.notes``."""
    p = Path(path)
    name = str(path)
    root = _parse(p, name)
    g = _Graph(name)

    def where(el: _El) -> str:
        return f"{name}:{el.line}"

    def note(el: _El, en: str, ja: str) -> None:
        g.notes.append(Problem(f"{where(el)} ({el.attrs.get('id', el.tag)})", en, ja))

    def problem(el: _El, en: str, ja: str) -> None:
        g.problems.append(Problem(f"{where(el)} ({el.attrs.get('id', el.tag)})", en, ja))

    processes = {el.attrs.get("id", ""): el for el in root.find(BPMN_NS, "process")}
    pools: list[tuple[str, _El]] = []  # (pool name, process)
    collab = root.find(BPMN_NS, "collaboration")
    for c in collab:
        for part in c.find(BPMN_NS, "participant"):
            ref = part.attrs.get("processRef", "")
            if ref in processes:
                pools.append((part.attrs.get("name") or processes[ref].attrs.get("name") or ref, processes[ref]))
            else:
                note(part, f"pool {part.attrs.get('name', '')!r} has no process (a black-box pool): left out",
                     f"プール「{part.attrs.get('name', '')}」にはプロセスがありません（ブラックボックス）: 読み飛ばします")
        for mf in c.find(BPMN_NS, "messageFlow"):
            note(mf, "message flow between pools read as information only: it does not move the case",
                 "プール間のメッセージフローは情報として扱い、案件の流れには含めません")
    in_pool = {id(pr) for _, pr in pools}
    for pid, pr in processes.items():
        if id(pr) in in_pool:
            continue
        if collab:  # e.g. a process called by a call activity: the call is one step
            note(pr, f"process {pid!r} is in no pool of the collaboration (called by a call activity?): left out",
                 f"プロセス「{pid}」はコラボレーションのどのプールにも属さないため読み飛ばします（呼び出し先のプロセスなど）")
        else:
            pools.append((pr.attrs.get("name") or "Process", pr))
    if not pools:
        raise InputError([Problem(f"{name}:{root.line}", "the file has no process", "プロセスがありません")])
    several = len(pools) > 1
    fm_flow = None
    for _, pr in pools:
        fm_flow = fm_flow or _fm(pr, "flow")

    for pool_name, pr in pools:
        # lanes: the leaves of nested lane sets
        leaves: list[_El] = []
        stack = [ls for ls in pr.find(BPMN_NS, "laneSet")]
        while stack:
            ls = stack.pop(0)
            for lane in ls.find(BPMN_NS, "lane"):
                child = lane.first(BPMN_NS, "childLaneSet")
                if child is not None and child.find(BPMN_NS, "lane"):
                    stack.append(child)
                else:
                    leaves.append(lane)
        for lane in leaves:
            lname = (lane.attrs.get("name") or "").strip() or lane.attrs.get("id", "lane")
            if several and lname in g.lanes:
                lname = f"{pool_name}: {lname}"
            if lname not in g.lanes:
                g.lanes.append(lname)
            for node_ref in lane.find(BPMN_NS, "flowNodeRef"):
                g.lane_of[node_ref.text.strip()] = lname
        default_lane = pool_name.strip() or "Process"
        _collect(pr, g, default_lane, note, problem)
    if not g.nodes:
        raise InputError([Problem(f"{name}:{root.line}", "the process has no tasks or events", "プロセスにタスクもイベントもありません")])
    seen_ids: dict[str, _El] = {}
    for el in root.iter():  # ids are unique in the whole document (xsd:ID)
        eid = el.attrs.get("id")
        if el.ns != BPMN_NS or not eid:
            continue
        if eid in seen_ids:
            problem(el, f"element id {eid!r} is used twice (also at line {seen_ids[eid].line})",
                    f"要素 ID「{eid}」が重複しています（{seen_ids[eid].line} 行目にもあります）")
        seen_ids.setdefault(eid, el)
    for src, outs_ in g.out.items():
        for dst, flow_el in outs_:
            for end, ref in (("sourceRef", src), ("targetRef", dst)):
                if ref not in seen_ids:
                    problem(flow_el, f"{end} {ref!r} is no element of this file",
                            f"{end}「{ref}」はこのファイルのどの要素でもありません")
            if src not in g.nodes or dst not in g.nodes:
                missing = src if src not in g.nodes else dst
                note(flow_el, f"sequence flow refers to {missing!r}, which is not a task, event or gateway read here: left out",
                     f"シーケンスフローの参照先「{missing}」は読み込んだタスク・イベント・ゲートウェイではないため読み飛ばします")
    return _to_flow(g, p, name, fm_flow, note, problem, allow_missing)


def _collect(container: _El, g: _Graph, default_lane: str, note: Any, problem: Any) -> None:
    for el in container.children:
        if el.ns != BPMN_NS:
            continue
        eid = el.attrs.get("id", "")
        if el.tag == "sequenceFlow":
            src, dst = el.attrs.get("sourceRef", ""), el.attrs.get("targetRef", "")
            g.out[src].append((dst, el))
            g.inc[dst].append(src)
            continue
        if el.tag in _IGNORED:
            continue
        if el.tag in _ACTIVITIES or el.tag in _CHOICE_GATES or el.tag in _PASS or el.tag in (
                "startEvent", "endEvent", "parallelGateway"):
            if eid in g.nodes:  # reported with every other duplicate id in read_bpmn
                continue
            g.nodes[eid] = el
            g.lane_of.setdefault(eid, _lane_of_parent(el, g) or default_lane)
            if g.lane_of[eid] not in g.lanes:
                g.lanes.append(g.lane_of[eid])
            if el.tag in ("subProcess", "adHocSubProcess", "transaction"):
                inner = [c for c in el.children if c.ns == BPMN_NS and (c.tag in _ACTIVITIES)]
                if inner:
                    note(el, f"sub-process read as one step; its {len(inner)} inner task(s) are summarized in it",
                         f"サブプロセスは一つの工程として読みます（内部のタスク {len(inner)} 件はまとめます）")
            if el.tag == "boundaryEvent":
                host = el.attrs.get("attachedToRef", "")
                g.out[host].append((eid, el))
                g.inc[eid].append(host)
                note(el, f"boundary event on {host} read as a chance branch of that step (share assumed)",
                     f"{host} の境界イベントはその工程からの分岐として読みます（割合は仮定）")
            continue
        note(el, f"BPMN element {el.tag} is not modeled by flowmap: left out",
             f"BPMN 要素 {el.tag} は flowmap では扱わないため読み飛ばします")


def _lane_of_parent(el: _El, g: _Graph) -> str | None:
    parent = el.parent
    while parent is not None:
        lane = g.lane_of.get(parent.attrs.get("id", ""))
        if lane:
            return lane
        parent = parent.parent
    return None


def _iso_minutes(text: str) -> float | None:
    m = _ISO_DURATION.match(text.strip())
    if not m or not any(m.groups()):
        return None
    d, h, mi, s = (float(x) if x else 0.0 for x in m.groups())
    return d * 1440 + h * 60 + mi + s / 60


def _to_flow(g: _Graph, p: Path, name: str, fm_flow: _El | None, note: Any, problem: Any,
             allow_missing: bool) -> Flow:
    nodes = g.nodes
    steps = [nid for nid, el in nodes.items() if el.tag in _ACTIVITIES]
    fm_steps = {nid: _fm(nodes[nid], "step") for nid in steps}
    sid_of: dict[str, str] = {nid: (fm.attrs.get("id") or nid) if fm is not None else nid for nid, fm in fm_steps.items()}

    def el_of(nid: str) -> _El:
        return nodes[nid]

    # gateways/events that cannot be folded into the next cell of a step become zero-time steps
    synthetic: set[str] = set()

    def is_step(nid: str) -> bool:
        return nid in sid_of or nid in synthetic

    def outs(nid: str) -> list[tuple[str, _El]]:
        return [(t, f) for t, f in g.out.get(nid, []) if t in nodes]

    # which flows carry a share
    def shares(nid: str) -> list[tuple[str, float | None, _El]]:
        res: list[tuple[str, float | None, _El]] = []
        for t, f in outs(nid):
            prob: float | None = None
            ext = _fm(f, "probability")
            if ext is not None:
                raw = ext.attrs.get("value", "")
                try:
                    prob = float(raw)
                except ValueError:
                    prob = None
                if prob is None or not math.isfinite(prob) or not 0 <= prob <= 1:
                    problem(f, f"fm:probability {raw!r} is not a share between 0 and 1",
                            f"fm:probability「{raw}」は 0 から 1 の割合ではありません")
                    prob = None
            if prob is None:
                texts = [f.attrs.get("name", "")]
                cond = f.first(BPMN_NS, "conditionExpression")
                if cond is not None:
                    texts.append(cond.text)
                for txt in texts:
                    m = _PERCENT.search(txt or "")
                    if m:
                        prob = float(m.group(2)) / 100
                        if m.group(1) or prob > 1:
                            problem(f, f"the share {m.group(0)!r} is not between 0 and 100 %",
                                    f"割合「{m.group(0)}」が 0〜100 % の範囲にありません")
                            prob = None
                        break
            res.append((t, prob, f))
        return res

    def inc(nid: str) -> list[str]:
        return [x for x in g.inc.get(nid, []) if x in nodes]

    def follow(nid: str, seen: frozenset[str]) -> list[tuple[str, float]]:
        """Chance targets reached from ``nid``: steps or END, probabilities multiplied."""
        if is_step(nid):
            return [(nid, 1.0)]
        if nid in seen:  # a loop of gateways and events only: keep one of them as a step
            synthetic.add(nid)
            return [(nid, 1.0)]
        el = el_of(nid)
        seen = seen | {nid}
        os_ = outs(nid)
        if el.tag == "endEvent" or not os_:
            if el.tag not in ("endEvent", "startEvent"):
                note(el, f"{el.tag} without outgoing flow read as the end of the case",
                     f"出口のない {el.tag} は案件の終了として読みます")
            return [(END, 1.0)]
        if el.tag == "parallelGateway":
            if len(os_) == 1:
                t = os_[0][0]
                if len(inc(nid)) > 1 and not (el_of(t).tag in _ACTIVITIES and inc(t) == [nid]):
                    synthetic.add(nid)
                    return [(nid, 1.0)]
                return follow(t, seen)
            synthetic.add(nid)
            return [(nid, 1.0)]
        if el.tag in _CHOICE_GATES and len(os_) > 1:
            res: list[tuple[str, float]] = []
            for t, prob in _assign(shares(nid), el, note, problem):
                res.extend((tt, prob * pp) for tt, pp in follow(t, seen))
            return res
        if len(os_) > 1:  # an event with several flows leaving: parallel in BPMN
            synthetic.add(nid)
            return [(nid, 1.0)]
        return follow(os_[0][0], seen)

    def branches(targets: list[str], owner: _El) -> list[tuple[str, float]]:
        """The steps a fork starts: each branch must lead to one step."""
        res: list[tuple[str, float]] = []
        for t in targets:
            tgt = follow(t, frozenset())
            if len(tgt) == 1 and tgt[0][0] != END:
                res.append(tgt[0])
            elif tgt == [(END, 1.0)]:
                note(owner, f"a parallel branch ends at once (at {t}): left out", f"すぐに終わる並行分岐（{t}）は省きます")
            else:
                synthetic.add(t)
                res.append((t, 1.0))
        return res

    def is_cond(f: _El) -> bool:
        return f.first(BPMN_NS, "conditionExpression") is not None or _fm(f, "probability") is not None

    starts = [nid for nid, el in nodes.items() if el.tag == "startEvent" and not _inside_subprocess(el)]
    next_of: dict[str, tuple[bool, list[tuple[str, float]]]] = {}
    join_all: set[str] = set()
    for _ in range(len(nodes) + 1):
        before = len(synthetic)
        next_of.clear()
        for nid in starts:  # a start event followed by a gateway makes that gateway an entry step
            follow(nid, frozenset())
        for nid in [*steps, *sorted(synthetic)]:
            el = el_of(nid)
            os_ = outs(nid)
            if not os_:
                next_of[nid] = (False, [(END, 1.0)])
            elif el.tag in _ACTIVITIES and len(os_) == 1 and el_of(os_[0][0]).tag == "parallelGateway" \
                    and len(outs(os_[0][0])) > 1 and inc(os_[0][0]) == [nid]:
                next_of[nid] = (True, branches([t for t, _ in outs(os_[0][0])], el))
            elif el.tag == "parallelGateway" and len(os_) > 1:
                next_of[nid] = (True, branches([t for t, _ in os_], el))
            elif len(os_) > 1 and el.tag in _ACTIVITIES and not any(is_cond(f) for _, f in os_):
                note(el, "several flows leave this task without a gateway: read as parallel branches (BPMN semantics)",
                     "ゲートウェイなしに複数のフローが出ているため並行分岐として読みます（BPMN の意味どおり）")
                next_of[nid] = (True, branches([t for t, _ in os_], el))
            elif len(os_) > 1 and el.tag not in _PASS:
                targets: list[tuple[str, float]] = []
                for t, prob in _assign(shares(nid), el, note, problem):
                    targets.extend((tt, prob * pp) for tt, pp in follow(t, frozenset({nid})))
                next_of[nid] = (False, targets)
            elif len(os_) > 1:
                next_of[nid] = (True, branches([t for t, _ in os_], el))
            else:
                next_of[nid] = (False, follow(os_[0][0], frozenset({nid})))
        if len(synthetic) == before:
            break
    for nid, el in nodes.items():
        if el.tag == "parallelGateway" and len(inc(nid)) > 1 and nid not in synthetic:
            os_ = outs(nid)
            if len(os_) == 1 and is_step(os_[0][0]):
                join_all.add(os_[0][0])
    for nid in [n for n in nodes if n in synthetic]:  # in the file's order: a set's order changes from run to run
        el = el_of(nid)
        if el.tag == "parallelGateway" and len(inc(nid)) > 1:
            join_all.add(nid)
        note(el, f"{el.tag} kept as a zero-time step so that its branches can be modeled",
             f"{el.tag} は分岐を表すため所要時間 0 の工程として残します")
    for nid, el in nodes.items():
        if el.tag in ("inclusiveGateway", "eventBasedGateway", "complexGateway") and len(outs(nid)) > 1:
            note(el, f"{el.tag} read as a chance branch (one path per case)", f"{el.tag} は確率分岐（案件ごとに一つの経路）として読みます")

    # arrivals: timers and flowmap's own volumes on start events
    volumes: dict[str, float] = {}
    for el in nodes.values():
        if el.tag == "endEvent" and el.first(BPMN_NS, "terminateEventDefinition") is not None:
            note(el, "terminate end event read as the end of its branch (other branches run on)",
                 "終了イベント（強制終了）はその分岐の終了として読みます（他の分岐は続きます）")
    for nid in starts:
        el = el_of(nid)
        first = follow(nid, frozenset())
        ext = _fm(el, "arrivals")
        timer = el.first(BPMN_NS, "timerEventDefinition")
        if ext is not None:
            for tt, _pp in first:
                if tt != END:
                    volumes[tt] = float(ext.attrs.get("perDay", "0") or 0)
        elif timer is not None:
            cycle = timer.first(BPMN_NS, "timeCycle")
            minutes = _iso_minutes(cycle.text.split("/")[-1]) if cycle is not None and cycle.text else None
            if minutes:
                for tt, _pp in first:
                    if tt != END:
                        volumes[tt] = 1440.0 / minutes
                note(el, f"timer start every {minutes:g} min read as {1440.0 / minutes:g} arrivals a day",
                     f"タイマー開始（{minutes:g} 分ごと）を 1 日 {1440.0 / minutes:g} 件の到着として読みます")
            else:
                note(el, "timer start without a readable cycle: arrivals from the settings",
                     "周期の読めないタイマー開始です。到着は設定の件数を使います")
    if len(starts) > 1 and not volumes:
        for nid in starts:
            for tt, _pp in follow(nid, frozenset()):
                if tt != END:
                    volumes.setdefault(tt, 0.0)
        n_entries = len(volumes)
        for k in volumes:
            volumes[k] = 100.0 / n_entries
        note(el_of(starts[0]), f"{len(starts)} start events: the daily orders are split equally between them",
             f"開始イベントが {len(starts)} 個あるため、1 日の件数を均等に分けます")

    # ---------------------------------------------------------------- rows
    order = [nid for nid in nodes if is_step(nid)]
    # entry steps first so that the flow starts where the diagram starts
    firsts = [tt for nid in starts for tt, _ in follow(nid, frozenset()) if tt != END]
    order = list(dict.fromkeys([*firsts, *order])) if not fm_flow else order
    # machine ids (UUIDs from Camunda, Signavio, PM4Py) would fill every box and table: short step ids
    # instead, the element id kept as the step's extra field `bpmn_id`
    taken = {sid_of.get(n, n) for n in order if fm_steps.get(n) is not None or len(n) <= _LONG_ID}
    number = 0
    for nid in order:
        if fm_steps.get(nid) is None and len(nid) > _LONG_ID:
            number += 1
            while f"T{number}" in taken:
                number += 1
            sid_of[nid] = f"T{number}"
            taken.add(sid_of[nid])
    rows: list[Row] = []
    for nid in order:
        el = el_of(nid)
        fm = fm_steps.get(nid)
        row = Row(f"{name}:{el.line}")
        sid = sid_of.get(nid, nid)
        row.values["id"] = sid
        row.values["name"] = " ".join((el.attrs.get("name") or "").split()) or (f"({el.tag})" if nid in synthetic else "")
        if not row.values["name"]:
            row.values["name"] = el.attrs.get("id", "")
            note(el, "task without a name: its id is used as the name", "名前のないタスクです。ID を名前にします")
        row.values["lane"] = g.lane_of.get(nid, "")
        if fm is not None:
            a = fm.attrs
            row.values["lane"] = row.values["lane"] or a.get("lane", "")  # the diagram's lane wins (a task moved in a modeler)
            for key in ("mode", "duration", "batch", "stage", "touchpoint", "pain", "note"):
                if a.get(key):
                    row.values[key] = a[key]
            # the task's type wins over the extension when someone changed it in a modeler
            if el.tag == "userTask" and a.get("mode") != "manual":
                row.values["mode"] = "manual"
            elif el.tag in _ACTIVITIES_AUTO and a.get("mode") != "auto":
                row.values["mode"] = "auto"
            if a.get("emotion"):
                row.values["emotion"] = int(float(a["emotion"]))
            if a.get("volume"):
                row.values["volume"] = float(a["volume"])
            for key, tag in (("owner", "owner"), ("tools", "tool"), ("reads", "reads"), ("writes", "writes")):
                items = [c.text for c in fm.find(FM_NS, tag)]
                if items:  # an empty list would read as a blank cell
                    row.values[key] = items
            row.extra = {c.attrs.get("key", ""): c.attrs.get("value", "") for c in fm.find(FM_NS, "extra")}
        else:
            if nid in synthetic:
                row.values["mode"] = "auto"
                row.values["duration"] = 0
            elif el.tag in _ACTIVITIES_AUTO:
                row.values["mode"] = "auto"
            else:
                row.values["mode"] = "manual"
            if sid != nid:
                row.extra = {"bpmn_id": nid}
            doc = el.first(BPMN_NS, "documentation")
            if doc is not None and doc.text.strip():
                row.values["note"] = doc.text.strip()[:2000]
            if nid in volumes:
                row.values["volume"] = volumes[nid]
        fork, targets = next_of.get(nid, (False, [(END, 1.0)]))
        ids = [sid_of.get(t, t) if t != END else END for t, _ in targets]
        if fork:
            row.values["next"] = FORK_SEPARATOR.join(ids)
        else:
            merged: dict[str, float] = {}
            for t, (_, prob) in zip(ids, targets, strict=True):
                merged[t] = merged.get(t, 0.0) + prob
            if list(merged) == [END]:
                row.values["next"] = None
            else:
                row.values["next"] = [t if abs(pp - 1) < 1e-12 else f"{t}:{pp!r}" for t, pp in merged.items()]
        if nid in join_all or (fm is not None and fm.attrs.get("join") == "all"):
            row.values["join"] = "all"
        rows.append(row)
    for r in rows:
        for key in list(r.values):
            r.locs[key] = r.where
    bare = [nid for nid in order if fm_steps.get(nid) is None and nid not in synthetic]
    if bare:  # BPMN has no place for them: say so once, or a simulation reports 0 minutes without a word
        note(el_of(bare[0]), f"{len(bare)} task(s) carry no duration or owner (BPMN has none without flowmap's extension): "
                             "0 minutes and no owner assumed; convert to .xlsx or .yaml and fill them in before simulating",
             f"タスク {len(bare)} 件に所要時間・担当者がありません（flowmap の拡張がない BPMN には書く場所がありません）: "
             "0 分・担当者なしとして読みます。シミュレーションの前に .xlsx か .yaml に変換して記入してください")

    owners: list[Row] | None = None
    tools: list[Row] | None = None
    settings: list[tuple[str, Any, str, str]] = []
    lanes_given = None
    flow_name = p.stem
    if fm_flow is not None:
        from ..model import Lane

        loc = f"{name}:{fm_flow.line}"
        flow_name = fm_flow.attrs.get("name", flow_name)
        settings.append(("name", flow_name, loc, loc))
        if fm_flow.attrs.get("language"):
            settings.append(("language", fm_flow.attrs["language"], loc, loc))
        for c in fm_flow.find(FM_NS, "setting"):
            try:
                value: Any = json.loads(c.attrs.get("value", ""))
            except ValueError:
                value = c.attrs.get("value", "")
            settings.append((c.attrs.get("key", ""), value, f"{name}:{c.line}", f"{name}:{c.line}"))
        lanes_given = [Lane(name=c.attrs.get("name", ""), kind="customer" if c.attrs.get("kind") == "customer" else "operator")
                       for c in fm_flow.find(FM_NS, "lane")]
        owners = [Row(f"{name}:{c.line}", {k: v for k, v in c.attrs.items() if not k.startswith("{")})
                  for c in fm_flow.find(FM_NS, "owner")]
        tools = [Row(f"{name}:{c.line}", {k: v for k, v in c.attrs.items() if not k.startswith("{")})
                 for c in fm_flow.find(FM_NS, "tool")]
    else:
        from ..cells import norm_key
        from ..model import Lane
        from ._schema import CUSTOMER_WORDS

        lanes_given = [Lane(name=ln, kind="customer" if norm_key(ln) in CUSTOMER_WORDS else "operator")
                       for ln in g.lanes if any(r.values.get("lane") == ln for r in rows)]
    if g.problems:
        raise InputError(list(dict.fromkeys(g.problems)))
    japanese = is_japanese(str(r.values.get("name", "")) for r in rows[:50])
    flow = build_flow(source=name, name=flow_name, steps=rows, owners=owners, tools=tools, settings=settings,
                      has_next=True, japanese=japanese, lanes_given=lanes_given, allow_missing=allow_missing)
    for n in dict.fromkeys(g.notes):
        flow.add_note(n)
    return flow


def _inside_subprocess(el: _El) -> bool:
    parent = el.parent
    while parent is not None:
        if parent.tag in ("subProcess", "adHocSubProcess", "transaction"):
            return True
        parent = parent.parent
    return False


def _assign(items: list[tuple[str, float | None, _El]], gate: _El, note: Any, problem: Any) -> list[tuple[str, float]]:
    """Probabilities for the outgoing flows of a choice: the given ones, the rest shared equally."""
    given = sum(p for _, p, _ in items if p is not None)
    free = [t for t, p, _ in items if p is None]
    if given > 1 + 1e-9:
        problem(gate, f"the shares of the flows leaving this gateway sum to {given * 100:.4g} %, above 100 %",
                f"このゲートウェイから出るフローの割合の合計が {given * 100:.4g} % で、100 % を超えています")
    if not free:
        total = given or 1.0
        if abs(total - 1) > 1e-9:
            note(gate, f"the shares of the flows leaving this gateway sum to {total * 100:.4g} %: scaled to 100 %",
                 f"このゲートウェイから出るフローの割合の合計が {total * 100:.4g} % のため、100 % に換算します")
        return [(t, (p or 0.0) / total) for t, p, _ in items]
    share = max(0.0, 1.0 - given) / len(free)
    if share <= 0:
        share = 1.0 / len(items)
        return [(t, share) for t, _, _ in items]
    flows = ", ".join(f.attrs.get("id", "?") for _, p, f in items if p is None)
    note(gate, f"assumed share {share * 100:.3g} % for each of the flows {flows} (no share given)",
         f"フロー {flows} の割合が書かれていないため、それぞれ {share * 100:.3g} % と仮定します")
    return [(t, p if p is not None else share) for t, p, _ in items]
