"""Scenario files: load, merge over a base flow, remove steps, located errors, convert --scenario."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import flowmap
from flowmap.errors import InputError
from flowmap.io import dump_yaml
from flowmap.scenario import apply_scenario, load_scenario, scenario_base

from .conftest import EXAMPLES, MODELS

Run = Callable[..., Result]

LINE = """\
flowmap: 1
name: line
lanes: [{name: お客様, kind: customer}, {name: 受注, kind: operator}]
owners:
- {name: A, lane: 受注, headcount: 1}
- {name: B, lane: 受注, headcount: 1}
steps:
- {id: S1, name: 注文する, lane: お客様, duration: 1, next: S2}
- {id: S2, name: 確認する, lane: 受注, owner: A, duration: 2, next: {S2: 0.5, S3: 0.3, S4: 0.2}}
- {id: S3, name: 梱包する, lane: 受注, owner: B, duration: 3, next: END}
- {id: S4, name: 返金する, lane: 受注, owner: B, duration: 4, next: END}
"""


def _edges(flow: flowmap.Flow) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for e in flow.edges:
        out.setdefault(e.source, {})[e.target] = e.probability
    return out


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _problems(flow: flowmap.Flow, scenario: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        apply_scenario(flow, load_scenario(scenario))
    return [p.text("en") for p in e.value.problems]


@pytest.fixture
def line(tmp_path: Path) -> flowmap.Flow:
    return flowmap.load(_write(tmp_path, "line.yaml", LINE))


def test_empty_scenario_gives_the_base_back(tmp_path: Path) -> None:
    for path in (MODELS / "ec_order_asis.yaml", EXAMPLES / "ec_order_ja.xlsx"):
        base = flowmap.load(path)
        new = apply_scenario(base, load_scenario(_write(tmp_path, "none.yaml", "name: 何もしない\nchanges: {}\n")))
        assert new.name == f"{base.name} + 何もしない"
        assert new.model_copy(update={"name": base.name}) == base


def test_remove_reconnects_with_multiplied_probabilities_and_folds_self_loops(tmp_path: Path, line: flowmap.Flow) -> None:
    new = apply_scenario(line, load_scenario(_write(tmp_path, "s.yaml", "name: r\nchanges:\n  remove: [S2]\n")))
    assert [s.id for s in new.steps] == ["S1", "S3", "S4"]
    # S2 loops on itself half the time: its exits S3 0.3 and S4 0.2 become 0.6 and 0.4
    assert _edges(new)["S1"] == pytest.approx({"S3": 0.6, "S4": 0.4})
    new2 = apply_scenario(line, load_scenario(_write(tmp_path, "s2.yaml", "name: r\nchanges:\n  remove: [S3]\n")))
    assert _edges(new2)["S2"] == pytest.approx({"S2": 0.5, "END": 0.3, "S4": 0.2})


def test_removing_the_entry_step_makes_its_successor_the_first(tmp_path: Path, line: flowmap.Flow) -> None:
    new = apply_scenario(line, load_scenario(_write(tmp_path, "s.yaml", "name: r\nchanges:\n  remove: [S1]\n")))
    assert new.entry_steps() == ["S2"]
    vol = LINE.replace("duration: 1, next: S2}", "duration: 1, volume: 80, next: {S2: 0.75, S3: 0.25}}")
    with_vol = flowmap.load(_write(tmp_path, "vol.yaml", vol))
    new = apply_scenario(with_vol, load_scenario(tmp_path / "s.yaml"))
    assert new.entry_volumes() == {"S2": 60.0, "S3": 20.0}
    branching = flowmap.load(_write(tmp_path, "br.yaml", LINE.replace("next: S2}", "next: {S2: 0.75, S3: 0.25}}")))
    msgs = _problems(branching, tmp_path / "s.yaml")
    assert msgs == [f"{tmp_path / 's.yaml'}:3: step S1 is where cases start and it branches: removing it leaves no single "
                    "first step (give the entry steps a volume, or keep it)"]


def test_changes_merge_field_by_field_and_add_steps_owners_tools_lanes(tmp_path: Path, line: flowmap.Flow) -> None:
    sc = _write(tmp_path, "s.yaml", """\
name: 自動化
changes:
  lanes: [{name: 物流}]
  owners:
    - {name: B, headcount: 2}
    - {name: WMS, kind: system, lane: 物流}
  tools:
    - {name: 倉庫システム, category: logistics}
  steps:
    - {id: S3, mode: auto, owner: WMS, tools: [倉庫システム], lane: 物流}
    - {id: S2, next: {S5: 0.5, S3: 0.3, S4: 0.2}}
    - {id: S5, name: 再確認する, lane: 受注, owner: A, duration: 1, next: S3}
  settings: {orders_per_day: 250}
""")
    new = apply_scenario(line, load_scenario(sc))
    steps = new.step_map()
    assert steps["S3"].mode == "auto" and steps["S3"].owners == ["WMS"] and steps["S3"].duration.mean == 3
    assert steps["S3"].name == "梱包する"  # kept from the base
    assert steps["S5"].name == "再確認する" and _edges(new)["S5"] == {"S3": 1.0}
    assert new.owner_map()["B"].headcount == 2 and new.owner_map()["B"].lane == "受注"
    assert new.owner_map()["WMS"].is_system and "倉庫システム" in new.tool_map()
    assert new.lane_map()["物流"].kind == "operator" and new.settings.orders_per_day == 250
    # what the scenario changed is located in the scenario, what it kept in the base
    assert new.loc("step", "S3", "mode") == f"{sc}:10"
    assert new.loc("step", "S3", "name") == f"{tmp_path / 'line.yaml'}:10"


def test_bundled_next_day_batch_scenario() -> None:
    s = load_scenario(MODELS / "next_day_batch.yaml")
    assert s.name == "翌日バッチ導入" and scenario_base(s) == MODELS / "ec_order_asis.yaml"
    base = flowmap.load(scenario_base(s))
    new = apply_scenario(base, s)
    ids = [x.id for x in new.steps]
    assert not {"O3", "O4", "O5", "K3"} & set(ids)
    o2 = new.step_map()["O2"]
    assert o2.mode == "batch" and o2.owners == ["受注管理システム"] and o2.batch is not None and o2.batch.times == [120]
    assert new.owner_map()["受注管理システム"].is_system
    assert _edges(new)["P1"] == pytest.approx({"O2": 0.93, "P2": 0.07})
    assert _edges(new)["O2"] == {"O6": 1.0} and _edges(new)["K2"] == {"K4": 1.0}
    assert "クレーム管理表" not in new.step_map()["K2"].tools


@pytest.mark.parametrize(("text", "expected"), [
    ("name: x\nchanges:\n  steps:\n    - {id: O9, mode: auto}\n",
     [":4: unknown step id 'O9' (did you mean 'O8'?); to add a step give at least its name"]),
    ("name: x\nchanges:\n  steps:\n    - id: O2\n      colour: red\n",
     [":5: unknown key 'colour' in steps; known keys: id, name, lane"]),
    ("name: x\nchanges:\n  remove: [O2, X1]\n", [":3: cannot remove step 'X1': the flow has no such step"]),
    ("name: x\nchanges:\n  frobnicate: 1\n", [":3: unknown key 'frobnicate' in changes"]),
    ("name: x\nchanges:\n  steps:\n    - {id: C2, next: {C3: 0.8, END: 0.1}}\n",
     [":4: probabilities of the next steps of C2 sum to 0.9, not 1"]),
    ("name: x\nchanges:\n  steps:\n    - {id: P1, next: {P2: 0.07, END: 0.93}}\n",
     [":4: after this change steps O2 (受注データをダウンロードしてExcelに貼る), O3"]),
    ("name: x\nchanges:\n  settings:\n    orders_per_day: -3\n", [":4: orders per day -3 must be between 0 and"]),
    ("name: x\nchanges:\n  steps:\n    - {id: K2, owner: 受注システム}\n",
     [":4: owner '受注システム' is neither in the Owners sheet nor a tool (did you mean '受注管理システム'?)"]),
    ("name: x\nchanges:\n  steps: [{id: O2, mode: [1\n", [":4: invalid YAML"]),
    ("name: x\n", [":1: the scenario has no 'changes'"]),
    ("name: x\nsteps:\n  - {id: S1, name: a}\n", [":2: this is a flow (a model file with 'steps'), not a scenario"]),
])
def test_errors_name_file_and_line(tmp_path: Path, text: str, expected: list[str]) -> None:
    base = flowmap.load(MODELS / "ec_order_asis.yaml")
    sc = _write(tmp_path, "bad.yaml", text)
    msgs = _problems(base, sc)
    assert len(msgs) == len(expected), msgs
    for msg, want in zip(msgs, expected, strict=True):
        assert msg.startswith(f"{sc}{want}"), msg


def test_removing_every_step(tmp_path: Path, line: flowmap.Flow) -> None:
    sc = _write(tmp_path, "all.yaml", "name: x\nchanges:\n  remove:\n  - S1\n  - S2\n  - S3\n  - S4\n")
    assert _problems(line, sc) == [f"{sc}:3: the scenario removes every step of the flow"]


def test_base_is_relative_to_the_scenario_and_must_exist(tmp_path: Path) -> None:
    sc = _write(tmp_path, "s.yaml", "name: x\nbase: missing.yaml\nchanges: {}\n")
    s = load_scenario(sc)
    assert s.base == tmp_path / "missing.yaml"
    with pytest.raises(InputError) as e:
        scenario_base(s)
    assert e.value.problems[0].location == f"{sc}:2"


def test_convert_with_scenario_writes_the_changed_flow(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "new.yaml"
    r = cli("convert", MODELS / "ec_order_asis.yaml", "--scenario", MODELS / "next_day_batch.yaml", "-o", out)
    assert r.exit_code == 0, r.output
    expected = apply_scenario(flowmap.load(MODELS / "ec_order_asis.yaml"), load_scenario(MODELS / "next_day_batch.yaml"))
    assert out.read_text(encoding="utf-8") == dump_yaml(expected)
    assert flowmap.load(out) == expected


def test_convert_with_bad_scenario_exit_2_nothing_written(cli: Run, tmp_path: Path) -> None:
    sc = _write(tmp_path, "bad.yaml", "name: x\nchanges:\n  remove: [Q7]\n")
    out = tmp_path / "new.yaml"
    r = cli("convert", MODELS / "ec_order_asis.yaml", "--scenario", sc, "-o", out, "--lang", "ja")
    assert r.exit_code == 2
    assert "Traceback" not in r.output and f"{sc}:3" in r.output and "Q7" in r.output
    assert not out.exists() and list(tmp_path.iterdir()) == [sc]


FORK = """\
flowmap: 1
name: fork
lanes: [{name: 受注, kind: operator}]
owners: [{name: A, lane: 受注}, {name: B, lane: 受注}]
steps:
- {id: S0, name: 受け付ける, lane: 受注, owner: A, duration: 1, next: S1}
- {id: S1, name: 指示する, lane: 受注, owner: A, duration: 1, next: S2 & S3}
- {id: S2, name: 梱包する, lane: 受注, owner: B, duration: 2, next: S4}
- {id: S4, name: 検品する, lane: 受注, owner: B, duration: 2, next: S5}
- {id: S3, name: 入金確認, lane: 受注, owner: A, duration: 2, next: S5}
- {id: S5, name: 出荷する, lane: 受注, owner: B, duration: 1, join: all, next: END}
"""


def test_remove_inside_and_before_a_fork(tmp_path: Path) -> None:
    base = flowmap.load(_write(tmp_path, "fork.yaml", FORK))
    new = apply_scenario(base, load_scenario(_write(tmp_path, "a.yaml", "name: x\nchanges:\n  remove: [S4]\n")))
    assert new.step_map()["S1"].fork and _edges(new)["S1"] == {"S2": 1.0, "S3": 1.0}
    assert _edges(new)["S2"] == {"S5": 1.0} and new.step_map()["S5"].join == "all"
    new = apply_scenario(base, load_scenario(_write(tmp_path, "b.yaml", "name: x\nchanges:\n  remove: [S1]\n")))
    assert new.step_map()["S0"].fork and _edges(new)["S0"] == {"S2": 1.0, "S3": 1.0}
    sc = _write(tmp_path, "c.yaml", "name: x\nchanges:\n  steps:\n  - {id: S1, next: S2 & S9}\n")
    msgs = _problems(base, sc)
    assert msgs[0].startswith(f"{sc}:4: next step 'S9' does not exist"), msgs
