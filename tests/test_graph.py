from __future__ import annotations

import pytest

import flowmap
from flowmap.model import Edge, Flow, Lane, Step

from .conftest import MODELS


def chain(edges: list[tuple[str, str, float]], ids: list[str]) -> Flow:
    return Flow(
        lanes=[Lane(name="ops")],
        steps=[Step(id=i, name=i, lane="ops") for i in ids],
        edges=[Edge(source=a, target=b, probability=p) for a, b, p in edges],
    )


def test_visits_on_a_reorder_loop() -> None:
    # A -> B; B -> A with 0.25 (reorder), else end: visits = 1 / (1 - 0.25)
    flow = chain([("A", "B", 1), ("B", "A", 0.25), ("B", "END", 0.75)], ["A", "B"])
    g = flowmap.build_graph(flow)
    assert g.visits["A"] == pytest.approx(4 / 3)
    assert g.visits["B"] == pytest.approx(4 / 3)


def test_visits_with_branches_and_self_loop() -> None:
    flow = chain([("A", "B", 0.3), ("A", "C", 0.7), ("B", "B", 0.5), ("B", "D", 0.5), ("C", "D", 1)], ["A", "B", "C", "D"])
    g = flowmap.build_graph(flow)
    assert g.visits["B"] == pytest.approx(0.6)  # 0.3 / (1 - 0.5)
    assert g.visits["D"] == pytest.approx(1.0)
    assert g.ranks()["D"] == 2


def test_bundled_model_structure() -> None:
    flow = flowmap.load(MODELS / "ec_order_asis.yaml")
    g = flowmap.build_graph(flow)
    assert g.entries == ["C1"]
    assert "F1" in g.ends
    # every executed case visits C1 once; the reorder loop raises later steps above one
    assert g.visits["C1"] == 1 and g.visits["C3"] > 1
    assert g.lanes_top_down()[0] == "お客様"
    pairs = {(h.source, h.target) for h in g.handoffs()}
    assert ("K3", "K4") in pairs  # phone staff hands the complaint to the person in charge
