"""From BPMN's gateways and events to flowmap's ``next`` cells.

:class:`Walk` follows the sequence flows of a :class:`~.read.Graph` from each step to the steps
it leads to: chance gateways multiply their shares along the way (:func:`assign`), a parallel
gateway becomes a fork of the step before it and a join (``join: all``) of the step after it.
A gateway or event that cannot be folded into a step's ``next`` cell is kept as a zero-time step
("synthetic"), noted."""

from __future__ import annotations

import math
import re

from ...model import END
from ..bpmn_xml import El
from ._common import BPMN_NS, fm_child
from .read import ACTIVITIES, CHOICE_GATES, PASS, Graph

__all__ = ["Walk", "assign"]

_PERCENT = re.compile(r"(?<![\w.])([-−]?)(\d{1,6}(?:\.\d{1,6})?)\s{0,3}[%％]")
Targets = list[tuple[str, float]]
"""(step id or END, probability) pairs."""


class Walk:
    def __init__(self, g: Graph) -> None:
        self.g = g
        self.nodes = g.nodes
        self.steps = [nid for nid, el in self.nodes.items() if el.tag in ACTIVITIES]
        self.fm_steps = {nid: fm_child(self.nodes[nid], "step") for nid in self.steps}
        self.sid_of: dict[str, str] = {nid: (fm.attrs.get("id") or nid) if fm is not None else nid
                                       for nid, fm in self.fm_steps.items()}
        # gateways/events that cannot be folded into the next cell of a step become zero-time steps
        self.synthetic: set[str] = set()

    def is_step(self, nid: str) -> bool:
        return nid in self.sid_of or nid in self.synthetic

    def outs(self, nid: str) -> list[tuple[str, El]]:
        return [(t, f) for t, f in self.g.out.get(nid, []) if t in self.nodes]

    def inc(self, nid: str) -> list[str]:
        return [x for x in self.g.inc.get(nid, []) if x in self.nodes]

    def shares(self, nid: str) -> list[tuple[str, float | None, El]]:
        """Each flow leaving ``nid`` with its share when one is given (flowmap's extension, else a percentage in its
        name or condition)."""
        return [(t, self._share(f), f) for t, f in self.outs(nid)]

    def _share(self, f: El) -> float | None:
        prob: float | None = None
        found = fm_child(f, "probability")
        if found is not None:
            raw = found.attrs.get("value", "")
            try:
                prob = float(raw)
            except ValueError:
                prob = None
            if prob is None or not math.isfinite(prob) or not 0 <= prob <= 1:
                self.g.problem(f, f"fm:probability {raw!r} is not a share between 0 and 1",
                               f"fm:probability「{raw}」は 0 から 1 の割合ではありません")
                prob = None
        if prob is not None:
            return prob
        cond = f.first(BPMN_NS, "conditionExpression")
        for txt in [f.attrs.get("name", ""), *([cond.text] if cond is not None else [])]:
            m = _PERCENT.search(txt or "")
            if m:
                prob = float(m.group(2)) / 100
                if m.group(1) or prob > 1:
                    self.g.problem(f, f"the share {m.group(0)!r} is not between 0 and 100 %",
                                   f"割合「{m.group(0)}」が 0〜100 % の範囲にありません")
                    return None
                return prob
        return None

    def _keep(self, nid: str) -> Targets:
        self.synthetic.add(nid)
        return [(nid, 1.0)]

    def follow(self, nid: str, seen: frozenset[str]) -> Targets:
        """Chance targets reached from ``nid``: steps or END, probabilities multiplied."""
        if self.is_step(nid):
            return [(nid, 1.0)]
        if nid in seen:  # a loop of gateways and events only: keep one of them as a step
            return self._keep(nid)
        el = self.nodes[nid]
        seen = seen | {nid}
        os_ = self.outs(nid)
        if el.tag == "endEvent" or not os_:
            if el.tag not in ("endEvent", "startEvent"):
                self.g.note(el, f"{el.tag} without outgoing flow read as the end of the case",
                            f"出口のない {el.tag} は案件の終了として読みます")
            return [(END, 1.0)]
        if el.tag == "parallelGateway":
            if len(os_) == 1:
                t = os_[0][0]
                if len(self.inc(nid)) > 1 and not (self.nodes[t].tag in ACTIVITIES and self.inc(t) == [nid]):
                    return self._keep(nid)
                return self.follow(t, seen)
            return self._keep(nid)
        if el.tag in CHOICE_GATES and len(os_) > 1:
            res: Targets = []
            for t, prob in assign(self.shares(nid), el, self.g):
                res.extend((tt, prob * pp) for tt, pp in self.follow(t, seen))
            return res
        if len(os_) > 1:  # an event with several flows leaving: parallel in BPMN
            return self._keep(nid)
        return self.follow(os_[0][0], seen)

    def branches(self, targets: list[str], owner: El) -> Targets:
        """The steps a fork starts: each branch must lead to one step."""
        res: Targets = []
        for t in targets:
            tgt = self.follow(t, frozenset())
            if len(tgt) == 1 and tgt[0][0] != END:
                res.append(tgt[0])
            elif tgt == [(END, 1.0)]:
                self.g.note(owner, f"a parallel branch ends at once (at {t}): left out",
                            f"すぐに終わる並行分岐（{t}）は省きます")
            else:
                res.append(self._keep(t)[0])
        return res

    def _is_cond(self, f: El) -> bool:
        return f.first(BPMN_NS, "conditionExpression") is not None or fm_child(f, "probability") is not None

    def next_of(self, starts: list[str]) -> dict[str, tuple[bool, Targets]]:
        """Each step's next cell: (is a fork, targets). Repeated until no gateway is newly kept as a step."""
        next_of: dict[str, tuple[bool, Targets]] = {}
        for _ in range(len(self.nodes) + 1):
            before = len(self.synthetic)
            next_of.clear()
            for nid in starts:  # a start event followed by a gateway makes that gateway an entry step
                self.follow(nid, frozenset())
            for nid in [*self.steps, *sorted(self.synthetic)]:
                next_of[nid] = self._next_cell(nid)
            if len(self.synthetic) == before:
                break
        return next_of

    def _next_cell(self, nid: str) -> tuple[bool, Targets]:
        el = self.nodes[nid]
        os_ = self.outs(nid)
        if not os_:
            return False, [(END, 1.0)]
        if el.tag in ACTIVITIES and len(os_) == 1 and self.nodes[os_[0][0]].tag == "parallelGateway" \
                and len(self.outs(os_[0][0])) > 1 and self.inc(os_[0][0]) == [nid]:
            return True, self.branches([t for t, _ in self.outs(os_[0][0])], el)
        if el.tag == "parallelGateway" and len(os_) > 1:
            return True, self.branches([t for t, _ in os_], el)
        if len(os_) > 1 and el.tag in ACTIVITIES and not any(self._is_cond(f) for _, f in os_):
            self.g.note(el, "several flows leave this task without a gateway: read as parallel branches (BPMN semantics)",
                        "ゲートウェイなしに複数のフローが出ているため並行分岐として読みます（BPMN の意味どおり）")
            return True, self.branches([t for t, _ in os_], el)
        if len(os_) > 1 and el.tag not in PASS:
            targets: Targets = []
            for t, prob in assign(self.shares(nid), el, self.g):
                targets.extend((tt, prob * pp) for tt, pp in self.follow(t, frozenset({nid})))
            return False, targets
        if len(os_) > 1:
            return True, self.branches([t for t, _ in os_], el)
        return False, self.follow(os_[0][0], frozenset({nid}))

    def joins(self) -> set[str]:
        """Steps that wait for every branch (``join: all``); notes the gateways kept as steps and the
        gateways read as chance branches."""
        join_all: set[str] = set()
        for nid, el in self.nodes.items():
            if el.tag == "parallelGateway" and len(self.inc(nid)) > 1 and nid not in self.synthetic:
                os_ = self.outs(nid)
                if len(os_) == 1 and self.is_step(os_[0][0]):
                    join_all.add(os_[0][0])
        for nid in [n for n in self.nodes if n in self.synthetic]:  # in the file's order: a set's order changes from run to run
            el = self.nodes[nid]
            if el.tag == "parallelGateway" and len(self.inc(nid)) > 1:
                join_all.add(nid)
            self.g.note(el, f"{el.tag} kept as a zero-time step so that its branches can be modeled",
                        f"{el.tag} は分岐を表すため所要時間 0 の工程として残します")
        for nid, el in self.nodes.items():
            if el.tag in ("inclusiveGateway", "eventBasedGateway", "complexGateway") and len(self.outs(nid)) > 1:
                self.g.note(el, f"{el.tag} read as a chance branch (one path per case)",
                            f"{el.tag} は確率分岐（案件ごとに一つの経路）として読みます")
        return join_all


def assign(items: list[tuple[str, float | None, El]], gate: El, g: Graph) -> Targets:
    """Probabilities for the outgoing flows of a choice: the given ones, the rest shared equally."""
    given = sum(p for _, p, _ in items if p is not None)
    free = [t for t, p, _ in items if p is None]
    if given > 1 + 1e-9:
        g.problem(gate, f"the shares of the flows leaving this gateway sum to {given * 100:.4g} %, above 100 %",
                  f"このゲートウェイから出るフローの割合の合計が {given * 100:.4g} % で、100 % を超えています")
    if not free:
        total = given or 1.0
        if abs(total - 1) > 1e-9:
            g.note(gate, f"the shares of the flows leaving this gateway sum to {total * 100:.4g} %: scaled to 100 %",
                   f"このゲートウェイから出るフローの割合の合計が {total * 100:.4g} % のため、100 % に換算します")
        return [(t, (p or 0.0) / total) for t, p, _ in items]
    share = max(0.0, 1.0 - given) / len(free)
    if share <= 0:
        share = 1.0 / len(items)
        return [(t, share) for t, _, _ in items]
    flows = ", ".join(f.attrs.get("id", "?") for _, p, f in items if p is None)
    g.note(gate, f"assumed share {share * 100:.3g} % for each of the flows {flows} (no share given)",
           f"フロー {flows} の割合が書かれていないため、それぞれ {share * 100:.3g} % と仮定します")
    return [(t, p if p is not None else share) for t, p, _ in items]
