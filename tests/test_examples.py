from __future__ import annotations

import subprocess
import sys

import flowmap

from .conftest import EXAMPLES, MODELS, ROOT


def _same_flow(a: flowmap.Flow, b: flowmap.Flow) -> None:
    assert a.lanes == b.lanes and a.owners == b.owners and a.tools == b.tools and a.edges == b.edges
    assert a.settings == b.settings
    for s, t in zip(a.steps, b.steps, strict=True):
        assert s.model_copy(update={"extra": {}}) == t.model_copy(update={"extra": {}})


def test_example_workbooks_match_the_models() -> None:
    _same_flow(flowmap.load(EXAMPLES / "ec_order_ja.xlsx"), flowmap.load(MODELS / "ec_order_asis.yaml"))
    _same_flow(flowmap.load(EXAMPLES / "ec_order_en.xlsx"), flowmap.load(MODELS / "ec_order_asis_en.yaml"))
    _same_flow(flowmap.load(EXAMPLES / "ec_order_tobe_ja.xlsx"), flowmap.load(MODELS / "ec_order_tobe.yaml"))
    # the hand-made layout keeps its extra column as a free attribute
    assert flowmap.load(EXAMPLES / "ec_order_ja.xlsx").step_map()["O3"].extra == {"改善アイデア": "翌日バッチで自動引当にしたい"}


def test_api_example_output() -> None:
    out = subprocess.run([sys.executable, str(EXAMPLES / "api.py")], capture_output=True, text=True, check=True,
                         cwd=ROOT, encoding="utf-8").stdout.splitlines()
    assert out[0] == "EC受注フロー(現状) 業務フロー図: 30 steps in 5 lanes"
    assert out[1] == "busiest manual step: O6 ピッキング・梱包・出荷する (492 min/day)"
    assert out[2] == "handoffs between owners: 5"
    assert out[3] == "round trip through YAML unchanged: True"
    found = flowmap.run_analysis(flowmap.load(MODELS / "ec_order_asis.yaml")).findings  # the same run, not a pinned count
    assert out[4] == f"findings: {len(found)}, high: {sum(f.severity == 'high' for f in found)}"
    assert out[5] == "most loaded: 事務スタッフ at 87% of capacity"
    assert out[6] == "simulated lead time: 73.5 h on average"  # seeded; CRN streams per step since issue 10
