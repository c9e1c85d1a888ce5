"""Parallel branches (AND split / join) in the model: reading, validation, expected visits and load."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import flowmap
from flowmap.errors import InputError
from flowmap.graph import build_graph
from flowmap.io import dump_yaml, save_flow

Build = Callable[..., Path]

HEAD = ["番号", "工程名", "レーン", "担当者", "所要時間", "次工程", "合流"]


def _yaml(tmp_path: Path, steps: list[dict[str, Any]], name: str = "f.yaml") -> Path:
    import yaml

    data = {"flowmap": 1, "name": "p", "lanes": [{"name": "Customer", "kind": "customer"}, "Shop"], "steps": steps}
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        flowmap.load(path)
    return [p.text() for p in e.value.problems]


PAR = [
    {"id": "A", "name": "Order", "lane": "Customer", "duration": 1, "next": "B & C"},
    {"id": "B", "name": "Pack", "lane": "Shop", "owner": "Packer", "duration": 10, "next": "D"},
    {"id": "C", "name": "Confirm payment", "lane": "Shop", "owner": "Clerk", "duration": 6, "next": "D"},
    {"id": "D", "name": "Ship", "lane": "Shop", "owner": "Packer", "duration": 2, "join": "all", "next": "END"},
]


def test_workbook_fork_signs_and_join_column(wb: Build) -> None:
    for sign, join in (("&", "all"), ("＆", "すべて"), ("AND", "全て")):
        path = wb({"工程": [
            HEAD,
            ["C1", "注文する", "お客様", "", 1, f"O1 {sign} O2", ""],
            ["O1", "梱包", "物流", "物流担当", 10, "O3", ""],
            ["O2", "入金確認", "経理", "経理担当", 5, "O3", ""],
            ["O3", "出荷", "物流", "物流担当", 2, "終了", join],
        ]})
        flow = flowmap.load(path)
        steps = flow.step_map()
        assert steps["C1"].fork and not steps["O1"].fork
        assert steps["O3"].join == "all" and steps["O1"].join == "any"
        assert sorted((e.target, e.probability) for e in flow.edges if e.source == "C1") == [("O1", 1.0), ("O2", 1.0)]


def test_fork_mixed_with_choice_is_located(wb: Build) -> None:
    path = wb({"工程": [
        HEAD,
        ["C1", "注文する", "お客様", "", 1, "O1:0.5 & O2", ""],
        ["O1", "梱包", "物流", "物流担当", 10, "O3", ""],
        ["O2", "入金確認", "経理", "経理担当", 5, "O3", ""],
        ["O3", "出荷", "物流", "物流担当", 2, "終了", "all"],
    ]}, name="mixed.xlsx")
    texts = _problems(path)
    assert any("mixed.xlsx:工程!F2" in t and "fork" in t for t in texts), texts


def test_bad_join_value(wb: Build) -> None:
    path = wb({"工程": [HEAD, ["C1", "注文する", "お客様", "", 1, "O1", ""], ["O1", "出荷", "物流", "物流担当", 2, "終了", "maybe"]]},
              name="j.xlsx")
    assert any("j.xlsx:工程!G3" in t and "join" in t for t in _problems(path))


def test_step_name_with_ampersand_is_not_a_fork(tmp_path: Path) -> None:
    steps = [
        {"id": "A", "name": "Order", "lane": "Customer", "next": "Pick & pack"},
        {"id": "B", "name": "Pick & pack", "lane": "Shop", "next": "END"},
    ]
    flow = flowmap.load(_yaml(tmp_path, steps))
    assert not flow.step_map()["A"].fork
    assert [(e.source, e.target) for e in flow.edges] == [("A", "B")]


def test_model_file_round_trip_keeps_forks(tmp_path: Path) -> None:
    flow = flowmap.load(_yaml(tmp_path, PAR))
    text = dump_yaml(flow)
    assert "next: B & C" in text and "join: all" in text
    out = tmp_path / "again.yaml"
    save_flow(flow, out)
    assert flowmap.load(out) == flow
    xl = tmp_path / "again.xlsx"
    save_flow(flow, xl)
    assert flowmap.load(xl).model_dump(exclude={"name"}) == flow.model_dump(exclude={"name"})


def test_expected_visits_and_load_count_each_branch_once(tmp_path: Path, cli: Callable[..., Any]) -> None:
    path = _yaml(tmp_path, PAR)
    flow = flowmap.load(path)
    g = build_graph(flow)
    assert g.visits == {"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0}
    assert g.parallel.join_of == {"A": "D"} and g.parallel.need == {"D": 2}
    res = cli("analyze", path, "--format", "json")
    assert res.exit_code == 0, res.output
    workload = {w["owner"]: w["minutes_per_day"] for w in json.loads(res.output)["workload"]}
    orders = flow.settings.orders_per_day
    assert workload["Packer"] == pytest.approx((10 + 2) * orders)
    assert workload["Clerk"] == pytest.approx(6 * orders)


def test_fork_join_inside_a_rework_loop(tmp_path: Path) -> None:
    steps = [dict(s) for s in PAR]
    steps[3] = {**steps[3], "next": {"A": 0.25, "END": 0.75}}  # a quarter of the cases go round again
    g = build_graph(flowmap.load(_yaml(tmp_path, steps)))
    for sid in "ABCD":
        assert g.visits[sid] == pytest.approx(1 / 0.75)


def test_nested_fork(tmp_path: Path) -> None:
    steps = [
        {"id": "A", "name": "Order", "lane": "Customer", "next": "B & C"},
        {"id": "B", "name": "Split", "lane": "Shop", "next": "B1 & B2"},
        {"id": "B1", "name": "Pick", "lane": "Shop", "next": "BJ"},
        {"id": "B2", "name": "Label", "lane": "Shop", "next": "BJ"},
        {"id": "BJ", "name": "Pack", "lane": "Shop", "join": "all", "next": "D"},
        {"id": "C", "name": "Pay", "lane": "Shop", "next": "D"},
        {"id": "D", "name": "Ship", "lane": "Shop", "join": "all", "next": "END"},
    ]
    g = build_graph(flowmap.load(_yaml(tmp_path, steps)))
    assert g.parallel.join_of == {"A": "D", "B": "BJ"}
    assert all(v == pytest.approx(1.0) for v in g.visits.values())


def test_join_that_can_never_receive_all_branches(tmp_path: Path) -> None:
    steps = [dict(s) for s in PAR]
    steps[2] = {**steps[2], "next": {"D": 0.9, "END": 0.1}}
    texts = _problems(_yaml(tmp_path, steps, "never.yaml"))
    assert any("never.yaml:" in t and "can never receive all branches of fork A" in t and "at C" in t for t in texts), texts


def test_fork_in_loop_without_join(tmp_path: Path) -> None:
    steps = [
        {"id": "A", "name": "Order", "lane": "Customer", "next": "B"},
        {"id": "B", "name": "Check", "lane": "Shop", "next": "C & D"},
        {"id": "C", "name": "Mail", "lane": "Shop", "next": "END"},
        {"id": "D", "name": "Retry", "lane": "Shop", "next": {"B": 0.5, "END": 0.5}},
    ]
    texts = _problems(_yaml(tmp_path, steps, "loop.yaml"))
    assert any("loop.yaml:" in t and "inside a loop" in t for t in texts), texts


def test_fork_without_join_is_allowed_outside_loops(tmp_path: Path) -> None:
    steps = [
        {"id": "A", "name": "Order", "lane": "Customer", "next": "B & C"},
        {"id": "B", "name": "Mail", "lane": "Shop", "next": "END"},
        {"id": "C", "name": "Ship", "lane": "Shop", "next": "END"},
    ]
    g = build_graph(flowmap.load(_yaml(tmp_path, steps)))
    assert g.parallel.join_of == {"A": None}
    assert g.visits == {"A": 1.0, "B": 1.0, "C": 1.0}


def test_join_without_fork_and_fork_needs_two_branches(tmp_path: Path) -> None:
    steps = [
        {"id": "A", "name": "Order", "lane": "Customer", "next": "B & B"},
        {"id": "B", "name": "Ship", "lane": "Shop", "join": "all", "next": "END"},
    ]
    texts = _problems(_yaml(tmp_path, steps, "two.yaml"))
    assert any("needs at least two different next steps" in t for t in texts), texts
    assert any("no fork's branches all meet there" in t for t in texts), texts


def test_join_reached_from_outside_its_branches(tmp_path: Path) -> None:
    steps = [
        {"id": "A", "name": "Order", "lane": "Customer", "next": {"F": 0.5, "X": 0.5}},
        {"id": "F", "name": "Start", "lane": "Shop", "next": "B & C"},
        {"id": "B", "name": "Pack", "lane": "Shop", "next": "D"},
        {"id": "C", "name": "Pay", "lane": "Shop", "next": "D"},
        {"id": "X", "name": "Express", "lane": "Shop", "next": "D"},
        {"id": "D", "name": "Ship", "lane": "Shop", "join": "all", "next": "END"},
    ]
    texts = _problems(_yaml(tmp_path, steps, "outside.yaml"))
    assert any("also reached from X" in t for t in texts), texts


def test_fork_branches_meeting_at_different_joins(tmp_path: Path) -> None:
    steps = [
        {"id": "A", "name": "Order", "lane": "Customer", "next": "B & C"},
        {"id": "B", "name": "Pack", "lane": "Shop", "next": "D"},
        {"id": "C", "name": "Pay", "lane": "Shop", "next": "E"},
        {"id": "D", "name": "Ship", "lane": "Shop", "join": "all", "next": "E"},
        {"id": "E", "name": "Close", "lane": "Shop", "join": "all", "next": "END"},
    ]
    texts = _problems(_yaml(tmp_path, steps, "diff.yaml"))
    assert any("meet at different joins: D, E" in t for t in texts), texts


# ------------------------------------------------------------------ simulation

SIM = [
    {"id": "A", "name": "Order", "lane": "Customer", "duration": 0, "next": "B & C"},
    {"id": "B", "name": "Pack", "lane": "Customer", "duration": "exp(10)", "next": "D"},
    {"id": "C", "name": "Pay", "lane": "Customer", "duration": "exp(20)", "next": "D"},
    {"id": "D", "name": "Done", "lane": "Customer", "duration": 0, "join": "all", "next": "END"},
]


def test_fork_join_lead_time_is_the_mean_of_the_maximum(tmp_path: Path) -> None:
    from flowmap.simulation import simulate

    flow = flowmap.load(_yaml(tmp_path, SIM))
    res = simulate(flow, days=6, orders_per_day=1000, seed=3, replications=1)
    a, b = 10.0, 20.0
    exact = a + b - 1 / (1 / a + 1 / b)  # E[max(X, Y)] of independent exponentials: 23.33 minutes
    assert res.completed > 5000
    assert res.lead_time.mean == pytest.approx(exact, rel=0.02)
    steps = {s.step: s.count for s in res.steps}
    # every branch once per case (those still running at the horizon aside)
    assert steps["A"] - res.in_progress <= min(steps["B"], steps["C"]) <= max(steps["B"], steps["C"]) <= steps["A"]
    assert steps["D"] == res.completed  # the join runs once per case, when both have arrived


def test_fork_without_join_ends_with_its_last_branch(tmp_path: Path) -> None:
    from flowmap.simulation import simulate

    steps = [dict(s) for s in SIM[:3]]
    steps[1] = {**steps[1], "next": "END"}
    steps[2] = {**steps[2], "next": "END"}
    flow = flowmap.load(_yaml(tmp_path, steps))
    res = simulate(flow, days=6, orders_per_day=1000, seed=4, replications=1)
    assert res.lead_time.mean == pytest.approx(10 + 20 - 1 / (1 / 10 + 1 / 20), rel=0.02)
    assert res.completed + res.in_progress == res.arrived and res.in_progress < 30


def test_fork_join_with_people_and_loop_simulates_every_branch(tmp_path: Path, cli: Callable[..., Any]) -> None:
    steps = [dict(s) for s in PAR]
    steps[3] = {**steps[3], "next": {"A": 0.2, "END": 0.8}}
    path = _yaml(tmp_path, steps)
    res = cli("simulate", path, "--days", "5", "--replications", "2", "--orders-per-day", "15", "--format", "json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    count = {s["step"]: s["count"] for s in out["steps"]}
    # each join fires once per pair of branches (cases still running at the horizon aside)
    assert abs(count["B"] - count["D"]) <= out["cases"]["in_progress"] + 1
    assert abs(count["C"] - count["D"]) <= out["cases"]["in_progress"] + 1
    assert out["cases"]["completed"] > 0


def test_report_and_every_analyzer_on_a_parallel_flow(tmp_path: Path, cli: Callable[..., Any]) -> None:
    steps = [
        {"id": "A", "name": "Order", "lane": "Customer", "duration": 1, "next": "B & C", "tools": ["Site"]},
        {"id": "B", "name": "Pack", "lane": "Shop", "owner": "Packer", "duration": 10, "next": "D",
         "tools": ["Mail", "Sheet", "Phone"], "writes": ["address"]},
        {"id": "C", "name": "Confirm payment", "lane": "Shop", "owner": "Clerk", "duration": 6, "next": "D",
         "tools": ["Sheet"], "writes": ["address"]},
        {"id": "D", "name": "Ship", "lane": "Shop", "owner": "Packer", "duration": 2, "join": "all", "next": "END"},
    ]
    path = _yaml(tmp_path, steps)
    res = cli("analyze", path, "--format", "json")
    assert res.exit_code == 0, res.output
    found = json.loads(res.output)["findings"]
    dup = [f for f in found if f["analyzer"] == "duplication"]
    # the address is entered on both branches of every case
    assert dup and set(dup[0]["steps"]) == {"B", "C"}
    out = tmp_path / "r.html"
    res = cli("report", path, "-o", out, "--days", "3", "--replications", "1")
    assert res.exit_code == 0, res.output
    assert "⊕" in out.read_text(encoding="utf-8")


def _amp_steps(next_cell: str, extra: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    return [
        {"id": "S1", "name": "Order", "lane": "Customer", "next": next_cell},
        {"id": "R&D", "name": "Check with R&D", "lane": "Shop", "next": "S9"},
        {"id": "C", "name": "Confirm", "lane": "Shop", "next": "S9"},
        *(extra or []),
        {"id": "S9", "name": "Ship", "lane": "Shop", "join": "all", "next": "END"},
    ]


def test_an_id_holding_an_ampersand_inside_a_fork_is_one_branch(tmp_path: Path, wb: Build) -> None:
    """'R&D & C' was read as the three branches R, D and C (then 'unknown step R')."""
    flow = flowmap.load(_yaml(tmp_path, _amp_steps("R&D & C")))
    assert flow.step_map()["S1"].fork
    assert sorted(e.target for e in flow.edges if e.source == "S1") == ["C", "R&D"]
    # the same cell in a workbook, and the step's name instead of its id
    path = wb({"工程": [HEAD, ["S1", "注文", "お客様", "", 1, "Check with R&D＆C", ""],
                        ["R&D", "Check with R&D", "物流", "物流担当", 1, "S9", ""],
                        ["C", "確認", "物流", "物流担当", 1, "S9", ""], ["S9", "出荷", "物流", "物流担当", 1, "終了", "all"]]})
    flow = flowmap.load(path)
    assert sorted(e.target for e in flow.edges if e.source == "S1") == ["C", "R&D"]
    # flowmap writes the fork back with ' & ' and reads it as it was
    out = tmp_path / "again.yaml"
    save_flow(flow, out)
    assert flowmap.load(out).edges == flow.edges


def test_spacing_decides_when_an_id_and_its_parts_are_all_steps(tmp_path: Path) -> None:
    def steps(cell: str) -> list[dict[str, Any]]:  # steps R&D, R and D; S1 forks, S9 joins
        return [{"id": "S1", "name": "Order", "lane": "Customer", "next": cell},
                {"id": "R&D", "name": "Lab", "lane": "Shop", "next": "R"},
                {"id": "R", "name": "Research", "lane": "Shop", "next": "D"},
                {"id": "D", "name": "Develop", "lane": "Shop", "next": "S9"},
                {"id": "C", "name": "Confirm", "lane": "Shop", "next": "S9"},
                {"id": "S9", "name": "Ship", "lane": "Shop", "join": "all", "next": "END"}]

    joined = flowmap.load(_yaml(tmp_path, steps("R&D & C"), "joined.yaml"))  # a bare '&' joins
    assert sorted(e.target for e in joined.edges if e.source == "S1") == ["C", "R&D"]
    apart = steps("R & D & C")  # spaced: every '&' separates
    apart[1]["next"], apart[2]["next"], apart[4]["next"] = "S9", "S9", "R&D"  # C → R&D → S9
    flow = flowmap.load(_yaml(tmp_path, apart, "apart.yaml"))
    assert sorted(e.target for e in flow.edges if e.source == "S1") == ["C", "D", "R"]
    # a step 'R&D&C' too: 'R&D & C' could be it or R&D and C; bare and spaced '&' in one run say nothing
    mixed = [*steps("R&D & C & E"), {"id": "R&D&C", "name": "All", "lane": "Shop", "next": "END"},
             {"id": "E", "name": "Email", "lane": "Shop", "next": "S9"}]
    texts = _problems(_yaml(tmp_path, mixed, "mixed.yaml"))
    assert any("mixed.yaml:" in t and "is ambiguous: 'R&D & C' is a step" in t for t in texts), texts


def test_a_step_name_with_a_list_separator_inside_a_fork_is_one_branch(tmp_path: Path) -> None:
    """'梱包・発送 & 入金確認' was refused as mixing a fork with a choice (the ・ of the name)."""
    steps = [
        {"id": "A", "name": "注文", "lane": "Customer", "next": "梱包・発送 & 入金確認"},
        {"id": "B", "name": "梱包・発送", "lane": "Shop", "next": "D"},
        {"id": "C", "name": "入金確認", "lane": "Shop", "next": "D"},
        {"id": "D", "name": "完了", "lane": "Shop", "join": "all", "next": "END"},
    ]
    flow = flowmap.load(_yaml(tmp_path, steps))
    assert sorted(e.target for e in flow.edges if e.source == "A") == ["B", "C"]
