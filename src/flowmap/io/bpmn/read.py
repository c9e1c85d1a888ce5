"""Reading a BPMN 2.0 file (:func:`read_bpmn`): the element tree of :mod:`..bpmn_xml` turned into
a :class:`Graph` of nodes and sequence flows (pools, lanes, tasks, events, gateways), then into a
flow by :mod:`.to_flow`.

Lanes (and the pools of a collaboration) become lanes; tasks, sub-processes and call activities
become steps; what cannot be modeled is left out with a note naming its line and id."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError, Problem
from ...model import Flow
from ..bpmn_xml import El
from ..bpmn_xml import parse as parse_xml
from ._common import BPMN_NS, fm_child

__all__ = ["ACTIVITIES", "ACTIVITIES_AUTO", "CHOICE_GATES", "PASS", "Graph", "read_bpmn"]

ACTIVITIES_AUTO = {"serviceTask", "scriptTask", "businessRuleTask", "sendTask"}
ACTIVITIES = {"task", "userTask", "manualTask", "receiveTask", "callActivity", "subProcess", "adHocSubProcess",
              "transaction"} | ACTIVITIES_AUTO
CHOICE_GATES = {"exclusiveGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
PASS = {"intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
_NODES = ACTIVITIES | CHOICE_GATES | PASS | {"startEvent", "endEvent", "parallelGateway"}
_SUBPROCESSES = ("subProcess", "adHocSubProcess", "transaction")
_IGNORED = {"dataObject", "dataObjectReference", "dataStoreReference", "textAnnotation", "association",
            "group", "laneSet", "documentation", "extensionElements", "incoming", "outgoing", "ioSpecification",
            "property", "dataInputAssociation", "dataOutputAssociation", "category", "sequenceFlow"}


@dataclass
class Graph:
    """The nodes and sequence flows read from a file, with what was noticed (notes) and what
    cannot be read (problems), each located ``FILE:LINE (element id)``."""

    name: str
    nodes: dict[str, El] = field(default_factory=dict)
    lane_of: dict[str, str] = field(default_factory=dict)
    out: dict[str, list[tuple[str, El]]] = field(default_factory=lambda: defaultdict(list))
    inc: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lanes: list[str] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def where(self, el: El) -> str:
        return f"{self.name}:{el.line} ({el.attrs.get('id', el.tag)})"

    def note(self, el: El, en: str, ja: str) -> None:
        self.notes.append(Problem(self.where(el), en, ja))

    def problem(self, el: El, en: str, ja: str) -> None:
        self.problems.append(Problem(self.where(el), en, ja))


def read_bpmn(path: str | Path, *, allow_missing: bool = False) -> Flow:
    """Read a BPMN 2.0 file into a validated :class:`Flow`; what was assumed is in ``flow.notes``."""
    from .to_flow import to_flow

    p = Path(path)
    name = str(path)
    root = parse_xml(p, name)
    g = Graph(name)
    pools = _pools(root, g)
    fm_flow = None
    for _, pr in pools:
        fm_flow = fm_flow or fm_child(pr, "flow")
    for pool_name, pr in pools:
        _lanes(pr, pool_name, g, several=len(pools) > 1)
        _collect(pr, g, pool_name.strip() or "Process")
    if not g.nodes:
        raise InputError([Problem(f"{name}:{root.line}", "the process has no tasks or events", "プロセスにタスクもイベントもありません")])
    _check_refs(root, g)
    return to_flow(g, p.stem, fm_flow, allow_missing)


def _pools(root: El, g: Graph) -> list[tuple[str, El]]:
    """(pool name, process) for each process that is read: the pools of a collaboration, else every process."""
    processes = {el.attrs.get("id", ""): el for el in root.find(BPMN_NS, "process")}
    pools: list[tuple[str, El]] = []
    collab = root.find(BPMN_NS, "collaboration")
    for c in collab:
        for part in c.find(BPMN_NS, "participant"):
            ref = part.attrs.get("processRef", "")
            if ref in processes:
                pools.append((part.attrs.get("name") or processes[ref].attrs.get("name") or ref, processes[ref]))
            else:
                g.note(part, f"pool {part.attrs.get('name', '')!r} has no process (a black-box pool): left out",
                       f"プール「{part.attrs.get('name', '')}」にはプロセスがありません（ブラックボックス）: 読み飛ばします")
        for mf in c.find(BPMN_NS, "messageFlow"):
            g.note(mf, "message flow between pools read as information only: it does not move the case",
                   "プール間のメッセージフローは情報として扱い、案件の流れには含めません")
    in_pool = {id(pr) for _, pr in pools}
    for pid, pr in processes.items():
        if id(pr) in in_pool:
            continue
        if collab:  # e.g. a process called by a call activity: the call is one step
            g.note(pr, f"process {pid!r} is in no pool of the collaboration (called by a call activity?): left out",
                   f"プロセス「{pid}」はコラボレーションのどのプールにも属さないため読み飛ばします（呼び出し先のプロセスなど）")
        else:
            pools.append((pr.attrs.get("name") or "Process", pr))
    if not pools:
        raise InputError([Problem(f"{g.name}:{root.line}", "the file has no process", "プロセスがありません")])
    return pools


def _lanes(process: El, pool_name: str, g: Graph, several: bool) -> None:
    """The lanes of a process (the leaves of nested lane sets) and the nodes each one holds."""
    leaves: list[El] = []
    stack = list(process.find(BPMN_NS, "laneSet"))
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


def _check_refs(root: El, g: Graph) -> None:
    """Ids used twice, and sequence flows whose ends are no element of the file or no node read."""
    seen_ids: dict[str, El] = {}
    for el in root.iter():  # ids are unique in the whole document (xsd:ID)
        eid = el.attrs.get("id")
        if el.ns != BPMN_NS or not eid:
            continue
        if eid in seen_ids:
            g.problem(el, f"element id {eid!r} is used twice (also at line {seen_ids[eid].line})",
                      f"要素 ID「{eid}」が重複しています（{seen_ids[eid].line} 行目にもあります）")
        seen_ids.setdefault(eid, el)
    for src, outs in g.out.items():
        for dst, flow_el in outs:
            for end, ref in (("sourceRef", src), ("targetRef", dst)):
                if ref not in seen_ids:
                    g.problem(flow_el, f"{end} {ref!r} is no element of this file",
                              f"{end}「{ref}」はこのファイルのどの要素でもありません")
            if src not in g.nodes or dst not in g.nodes:
                missing = src if src not in g.nodes else dst
                g.note(flow_el, f"sequence flow refers to {missing!r}, which is not a task, event or gateway read here: left out",
                       f"シーケンスフローの参照先「{missing}」は読み込んだタスク・イベント・ゲートウェイではないため読み飛ばします")


def _collect(container: El, g: Graph, default_lane: str) -> None:
    for el in container.children:
        if el.ns != BPMN_NS:
            continue
        if el.tag == "sequenceFlow":
            src, dst = el.attrs.get("sourceRef", ""), el.attrs.get("targetRef", "")
            g.out[src].append((dst, el))
            g.inc[dst].append(src)
        elif el.tag in _NODES:
            _add_node(el, g, default_lane)
        elif el.tag not in _IGNORED:
            g.note(el, f"BPMN element {el.tag} is not modeled by flowmap: left out",
                   f"BPMN 要素 {el.tag} は flowmap では扱わないため読み飛ばします")


def _add_node(el: El, g: Graph, default_lane: str) -> None:
    eid = el.attrs.get("id", "")
    if eid in g.nodes:  # reported with every other duplicate id in _check_refs
        return
    g.nodes[eid] = el
    g.lane_of.setdefault(eid, _lane_of_parent(el, g) or default_lane)
    if g.lane_of[eid] not in g.lanes:
        g.lanes.append(g.lane_of[eid])
    if el.tag in _SUBPROCESSES:
        inner = [c for c in el.children if c.ns == BPMN_NS and (c.tag in ACTIVITIES)]
        if inner:
            g.note(el, f"sub-process read as one step; its {len(inner)} inner task(s) are summarized in it",
                   f"サブプロセスは一つの工程として読みます（内部のタスク {len(inner)} 件はまとめます）")
    if el.tag == "boundaryEvent":
        host = el.attrs.get("attachedToRef", "")
        g.out[host].append((eid, el))
        g.inc[eid].append(host)
        g.note(el, f"boundary event on {host} read as a chance branch of that step (share assumed)",
               f"{host} の境界イベントはその工程からの分岐として読みます（割合は仮定）")


def _lane_of_parent(el: El, g: Graph) -> str | None:
    parent = el.parent
    while parent is not None:
        lane = g.lane_of.get(parent.attrs.get("id", ""))
        if lane:
            return lane
        parent = parent.parent
    return None


def inside_subprocess(el: El) -> bool:
    parent = el.parent
    while parent is not None:
        if parent.tag in _SUBPROCESSES:
            return True
        parent = parent.parent
    return False
