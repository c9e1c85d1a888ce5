"""The drawing of an exported flow: shapes placed like the lane view, flows routed orthogonally,
and the BPMNDI section that carries both (so bpmn.io, Camunda Modeler or Signavio open it drawn).

:class:`Diagram` holds the nodes (tasks, events, gateways) and sequence flows in the order they
were made; the writer adds them, :func:`di_xml` draws them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ...model import Flow
from ._common import num

__all__ = ["EVENT", "GATE", "TASK_H", "TASK_W", "Diagram", "Node", "SeqFlow", "di_xml", "new_diagram", "xml_id"]

TASK_W, TASK_H = 100, 80
EVENT = 36
GATE = 50
_COL = 260
_ROW = 130
_POOL_HEAD = 30
_X0 = 120  # left edge of the first column's task (room for start events)
_LANE_PAD = 25
_FIXED_IDS = ("Definitions_flowmap", "Collaboration_1", "Participant_1", "Process_1", "LaneSet_1",
              "BPMNDiagram_1", "BPMNPlane_1")


def xml_id(raw: str, used: set[str]) -> str:
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
class Node:
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
class SeqFlow:
    id: str
    source: str
    target: str
    name: str = ""
    probability: float | None = None


@dataclass
class Diagram:
    """Shapes and flows of the export; ``used`` holds every xsd:ID given out so far."""

    used: set[str]
    lane_names: list[str]
    lane_xml: dict[str, str]
    lane_y: dict[str, float]
    lane_h: dict[str, float]
    pool_w: float
    pool_h: float
    nodes: dict[str, Node] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    flows: list[SeqFlow] = field(default_factory=list)

    def add(self, node: Node) -> Node:
        self.nodes[node.id] = node
        self.order.append(node.id)
        return node

    def connect(self, src: str, dst: str, name: str = "", probability: float | None = None) -> None:
        fid = xml_id(f"Flow_{len(self.flows) + 1}", self.used)
        self.flows.append(SeqFlow(fid, src, dst, name, probability))
        self.nodes[src].outgoing.append(fid)
        self.nodes[dst].incoming.append(fid)

    def end_event(self, near: Node, below: bool) -> str:
        """A new end event right of ``near`` (or below it, for a branch of a gateway); its id."""
        if below:
            x, y = near.cx - EVENT / 2, near.y + near.h + 15
        else:
            x, y = near.x + near.w + 40, near.cy - EVENT / 2
        return self.add(Node(xml_id(f"End_{near.id}", self.used), "endEvent", near.lane, x, y, EVENT, EVENT)).id

    def task_box(self, lane: str, rank: int, slot: int) -> tuple[float, float]:
        """Top-left corner of the task in column ``rank``, row ``slot`` of its lane."""
        return _POOL_HEAD + _X0 + rank * _COL, self.lane_y[lane] + _LANE_PAD + 15 + slot * _ROW


def new_diagram(flow: Flow, ranks: dict[str, int]) -> tuple[Diagram, dict[str, str], dict[str, int]]:
    """An empty diagram with its lanes measured; the xsd:ID of each step and its row in its lane's column."""
    used: set[str] = set(_FIXED_IDS)
    sid_xml = {s.id: xml_id(s.id, used) for s in flow.steps}
    lane_names = [la.name for la in flow.lanes]
    lane_xml = {name: xml_id(f"Lane_{i + 1}", used) for i, name in enumerate(lane_names)}
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
        lane_h[name] = max(lane_rows[name] * _ROW + 2 * _LANE_PAD - (_ROW - TASK_H), TASK_H + 2 * _LANE_PAD + 30)
        y += lane_h[name]
    pool_w = _POOL_HEAD + _X0 + (max(ranks.values(), default=0) + 1) * _COL + 40
    return Diagram(used, lane_names, lane_xml, lane_y, lane_h, pool_w, y), sid_xml, slot


def route(a: Node, b: Node, shapes: list[Node]) -> list[tuple[float, float]]:
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


def _bounds(x: float, y: float, w: float, h: float) -> str:
    return f'<dc:Bounds x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}"/>'


def _shape(element: str, bounds: str, extra: str = "", shape_id: str = "") -> list[str]:
    return [f'      <bpmndi:BPMNShape id="{shape_id or element + "_di"}" bpmnElement="{element}"{extra}>',
            f"        {bounds}", "      </bpmndi:BPMNShape>"]


def di_xml(d: Diagram) -> list[str]:
    """The BPMNDI section: the pool, its lanes, every node and every flow with its waypoints."""
    w = ['  <bpmndi:BPMNDiagram id="BPMNDiagram_1">',
         '    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Collaboration_1">']
    w += _shape("Participant_1", _bounds(0, 0, d.pool_w, d.pool_h), ' isHorizontal="true"')
    for name in d.lane_names:
        w += _shape(d.lane_xml[name], _bounds(_POOL_HEAD, d.lane_y[name], d.pool_w - _POOL_HEAD, d.lane_h[name]),
                    ' isHorizontal="true"')
    for nid in d.order:
        nd = d.nodes[nid]
        w += _shape(nid, _bounds(nd.x, nd.y, nd.w, nd.h),
                    ' isMarkerVisible="true"' if nd.kind == "exclusiveGateway" else "")
    shapes = list(d.nodes.values())
    for f in d.flows:
        w.append(f'      <bpmndi:BPMNEdge id="{f.id}_di" bpmnElement="{f.id}">')
        pts = route(d.nodes[f.source], d.nodes[f.target], shapes)
        w.extend(f'        <di:waypoint x="{num(px)}" y="{num(py)}"/>' for px, py in pts)
        if f.name:
            (ax, ay), (bx, by) = pts[-2], pts[-1]
            lx = (ax + bx) / 2 - 20 if ay == by else ax + 5
            ly = ay - 18 if ay == by else (ay + by) / 2 - 7
            w.append(f"        <bpmndi:BPMNLabel>{_bounds(lx, ly, 40, 14)}</bpmndi:BPMNLabel>")
        w.append("      </bpmndi:BPMNEdge>")
    w += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>"]
    return w

