"""BPMN 2.0 in and out: schema validity, the round trip, files from other modelers, safe parsing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import flowmap
from flowmap.errors import InputError
from flowmap.io import dump_bpmn, save_flow

from .conftest import EXAMPLES, FLOW_MODELS, MODELS, ROOT

Run = Callable[..., Result]
BPMN_DIR = ROOT / "tests" / "bpmn"
XSD = BPMN_DIR / "xsd" / "BPMN20.xsd"

PARALLEL = """flowmap: 1
name: 並行出荷
language: ja
settings: {orders_per_day: 40, start: 2026-01-05, closed: [2026-01-12], holidays: JP, milestones: "注文→出荷: C1-O2"}
lanes: [{name: お客様, kind: customer}, {name: 物流, kind: operator}, {name: 経理, kind: operator}]
owners:
- {name: 物流チーム, lane: 物流, kind: team, headcount: 2}
- {name: 経理担当, lane: 経理, kind: person}
tools:
- {name: メール, category: communication, delay: exp(30)}
steps:
- {id: C1, name: 注文する, lane: お客様, duration: 2, next: O1 & A1, volume: 40}
- {id: O1, name: 梱包する, lane: 物流, owner: 物流チーム, tools: [メール], duration: exp(10), next: O2, writes: [梱包記録]}
- {id: A1, name: 入金を確認する, lane: 経理, owner: 経理担当, duration: 3-8, next: {O2: 0.9, A2: 0.1}}
- {id: A2, name: 督促する, lane: 経理, owner: 経理担当, duration: 5, next: O2, mode: batch, batch: "daily 15:00"}
- {id: O2, name: 出荷する, lane: 物流, owner: 物流チーム, duration: 4, join: all, next: {C2: 0.95, END: 0.05}}
- {id: C2, name: 受け取る, lane: お客様, duration: 1, next: END, emotion: 2, extra: {メモ: 置き配}}
"""


def _schema() -> object:
    etree = pytest.importorskip("lxml.etree")
    return etree.XMLSchema(etree.parse(str(XSD)))


def _validate(path: Path) -> list[str]:
    from lxml import etree

    schema = _schema()
    ok = schema.validate(etree.parse(str(path)))  # type: ignore[attr-defined]
    return [] if ok else [str(e) for e in schema.error_log]  # type: ignore[attr-defined]


def _parallel(tmp_path: Path) -> Path:
    p = tmp_path / "parallel.yaml"
    p.write_text(PARALLEL, encoding="utf-8")
    return p


@pytest.mark.parametrize("model", FLOW_MODELS + ["parallel"])
def test_export_validates_against_the_omg_schema(model: str, cli: Run, tmp_path: Path) -> None:
    src = _parallel(tmp_path) if model == "parallel" else MODELS / model
    out = tmp_path / "out.bpmn"
    res = cli("convert", src, "-o", out)
    assert res.exit_code == 0, res.output
    assert _validate(out) == []
    text = out.read_text(encoding="utf-8")
    flow = flowmap.load(src)
    assert text.count("<bpmn:lane ") == len(flow.lanes)
    assert text.count("<bpmndi:BPMNShape ") == text.count("<dc:Bounds ") - text.count("<bpmndi:BPMNLabel>")
    # every flow node and sequence flow has its diagram element
    import re

    ids = re.findall(r'<bpmn:(?:\w+Task|task|startEvent|endEvent|\w+Gateway|sequenceFlow|lane) id="([^"]+)"', text)
    drawn = set(re.findall(r'bpmnElement="([^"]+)"', text))
    assert ids and set(ids) <= drawn


def test_export_structure_of_the_parallel_flow(tmp_path: Path) -> None:
    flow = flowmap.load(_parallel(tmp_path))
    text = dump_bpmn(flow)
    assert text.count("<bpmn:parallelGateway") == 2  # the fork after C1 and the join before O2
    assert text.count("<bpmn:exclusiveGateway") == 2  # A1's and O2's chance branches
    assert 'name="90%"' in text and 'name="10%"' in text
    assert text.count("<bpmn:userTask") == 5 and text.count("<bpmn:task ") == 1  # A2 is the batch step
    assert "<bpmn:multiInstanceLoopCharacteristics" in text and "毎日 15:00" in text
    assert "担当: 経理担当" in text  # owner, tools, durations in the documentation too


def test_round_trip_xlsx_bpmn_yaml_bpmn_is_lossless(tmp_path: Path) -> None:
    for src in [_parallel(tmp_path), *(MODELS / m for m in FLOW_MODELS)]:
        flow = flowmap.load(src)
        xlsx = tmp_path / f"{src.stem}.xlsx"
        save_flow(flow, xlsx)
        from_xlsx = flowmap.load(xlsx)
        b1 = tmp_path / f"{src.stem}.bpmn"
        save_flow(from_xlsx, b1)
        from_bpmn = flowmap.load(b1)
        y = tmp_path / f"{src.stem}.again.yaml"
        save_flow(from_bpmn, y)
        from_yaml = flowmap.load(y)
        b2 = tmp_path / f"{src.stem}.again.bpmn"
        save_flow(from_yaml, b2)
        assert from_bpmn.model_dump() == from_xlsx.model_dump()
        assert from_yaml.model_dump() == from_xlsx.model_dump()
        assert b2.read_bytes() == b1.read_bytes()
        assert from_bpmn.model_dump(exclude={"name"}) == flow.model_dump(exclude={"name"})


def test_every_command_reads_bpmn(cli: Run, tmp_path: Path) -> None:
    b = tmp_path / "p.bpmn"
    save_flow(flowmap.load(_parallel(tmp_path)), b)
    res = cli("validate", b)
    assert res.exit_code == 0 and res.output.startswith("ok: 6 steps")
    res = cli("analyze", b, "--format", "json")
    assert res.exit_code == 0
    assert json.loads(res.output)["flow"]["steps"] == 6
    assert cli("view", b, "-o", tmp_path / "v.html").exit_code == 0


FOREIGN = BPMN_DIR / "foreign"


def _notes(path: Path) -> list[str]:
    return [n.text() for n in flowmap.load(path).notes]


def test_bpmn_io_collaboration_with_message_flows() -> None:
    path = FOREIGN / "bpmnio_collaboration_message_flows.bpmn"
    flow = flowmap.load(path)
    assert [s.id for s in flow.steps] == ["Task_1"]
    notes = _notes(path)
    assert sum("message flow between pools" in n for n in notes) == 4
    assert any(":12 (Task_1): task without a name" in n for n in notes)


def test_hand_made_exclusive_shares_from_labels_and_conditions(cli: Run) -> None:
    path = FOREIGN / "handmade_shares.bpmn"
    flow = flowmap.load(path)
    probs = {(e.source, e.target): e.probability for e in flow.edges}
    assert probs[("check", "ship")] == pytest.approx(0.8)
    assert probs[("check", "call")] == pytest.approx(0.15)
    assert probs[("check", "END")] == pytest.approx(0.05)
    # three unlabelled flows: equal shares, and validate says so
    assert probs[("call", "ship")] == pytest.approx(1 / 3)
    res = cli("validate", path)
    assert res.exit_code == 0
    assert "assumed share 33.3 % for each of the flows f7, f8, f9" in res.output
    assert "handmade_shares.bpmn:" in res.output
    # lanes from the lane set, tasks by kind
    assert [la.name for la in flow.lanes] == ["Customer", "Warehouse"]
    assert flow.step_map()["check"].mode == "auto" and flow.step_map()["ship"].mode == "manual"
    # a timer start event gives the arrivals
    assert flow.step_map()["order"].volume == pytest.approx(48)


def test_parallel_gateways_and_sub_process(cli: Run) -> None:
    path = FOREIGN / "handmade_parallel_subprocess.bpmn"
    flow = flowmap.load(path)
    steps = flow.step_map()
    assert steps["receive"].fork
    assert steps["dispatch"].join == "all"
    assert {e.target for e in flow.edges if e.source == "receive"} == {"pick", "invoice"}
    notes = _notes(path)
    assert any("(pick): sub-process read as one step; its 2 inner task(s)" in n for n in notes)
    assert any("(gw_or): inclusiveGateway read as a chance branch" in n for n in notes)
    res = cli("simulate", path, "--days", "2", "--replications", "1", "--format", "json")
    assert res.exit_code == 0, res.output


def test_what_cannot_be_modeled_is_named_with_line_and_id(tmp_path: Path) -> None:
    path = FOREIGN / "handmade_broken.bpmn"
    with pytest.raises(InputError) as e:
        flowmap.load(path)
    texts = [p.text() for p in e.value.problems]
    assert any("handmade_broken.bpmn:" in t and "(t1)" in t and "used twice" in t for t in texts), texts


def test_hostile_xml_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.bpmn"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
                    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&b;</definitions>\n',
                    encoding="utf-8")
    with pytest.raises(InputError) as e:
        flowmap.load(bomb)
    assert "bomb.bpmn:" in e.value.problems[0].location and "unsafe" in e.value.problems[0].en
    ext = tmp_path / "ext.bpmn"
    ext.write_text('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                   '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</definitions>\n',
                   encoding="utf-8")
    with pytest.raises(InputError):
        flowmap.load(ext)
    broken = tmp_path / "broken.bpmn"
    broken.write_text('<?xml version="1.0"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">\n<process>\n</definitions>\n',
                      encoding="utf-8")
    with pytest.raises(InputError) as e:
        flowmap.load(broken)
    assert e.value.problems[0].location == f"{broken}:4"
    other = tmp_path / "other.bpmn"
    other.write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        flowmap.load(other)
    assert "not a BPMN 2.0 file" in e.value.problems[0].en


def test_workbook_example_exports(tmp_path: Path, cli: Run) -> None:
    out = tmp_path / "ec.bpmn"
    res = cli("convert", EXAMPLES / "ec_order_ja.xlsx", "-o", out)
    assert res.exit_code == 0, res.output
    assert _validate(out) == []


def test_camunda_modeler_pools_lanes_parallel_and_sub_processes(cli: Run) -> None:
    path = FOREIGN / "camunda_modeler_2.2.0_miwg_B.1.0-roundtrip.bpmn"
    flow = flowmap.load(path)
    assert [la.name for la in flow.lanes] == ["Participant", "Lane 1", "Lane 2"]
    names = {s.name: s for s in flow.steps}
    assert {"Collapsed Sub-Process", "Sub Process - Expanded", "Call Activity Collapsed", "Service Task 7"} <= set(names)
    assert names["Service Task 7"].mode == "auto" and names["User Task 5"].mode == "manual"
    assert names["Collapsed Sub-Process"].lane == "Lane 2"
    split = names["Parallel Gateway Divergence"]
    assert split.fork and split.duration.mean == 0
    notes = _notes(path)
    assert sum("message flow between pools" in n for n in notes) == 2
    assert any(":121 (_7e6ccf38-e740-4537-a439-a8e984d066de): sub-process read as one step" in n for n in notes)
    assert any("(WFP-0-): process 'WFP-0-' is in no pool" in n for n in notes)
    assert any("terminate end event" in n for n in notes)
    res = cli("simulate", path, "--days", "2", "--replications", "1", "--format", "json")
    assert res.exit_code == 0, res.output


def test_signavio_export_with_unlabelled_exclusive_gateway(cli: Run) -> None:
    path = FOREIGN / "signavio_6.7.5_miwg_A.2.0-export.bpmn"
    flow = flowmap.load(path)
    assert [s.name for s in flow.steps] == ["Task 1", "Task 3", "Task 2", "Task 4"]
    out = {e.target: e.probability for e in flow.edges if e.source == flow.steps[0].id}
    assert len(out) == 3 and all(p == pytest.approx(1 / 3) for p in out.values())
    res = cli("validate", path)
    assert res.exit_code == 0 and "assumed share 33.3 %" in res.output and ":19 (sid-DD5892F5" in res.output


def test_pm4py_running_example_fork_join_in_a_loop() -> None:
    from flowmap.graph import build_graph

    path = FOREIGN / "pm4py_running-example.bpmn"
    flow = flowmap.load(path)
    steps = {s.name: s for s in flow.steps}
    assert steps["decide"].join == "all"
    fork = steps["fork T9"]  # gateways kept as steps are named for what they do and their step id
    assert fork.fork and {e.target for e in flow.edges if e.source == fork.id} == {
        steps["check ticket"].id, steps["choice T8"].id}
    g = build_graph(flow)
    assert g.parallel.join_of[fork.id] == steps["decide"].id
    # decide: reinitiate half of the time (assumed equal shares), so every step of the loop runs twice per case
    assert g.visits[steps["decide"].id] == pytest.approx(2.0)
    assert g.visits[steps["check ticket"].id] == pytest.approx(2.0)
    assert g.visits[steps["examine casually"].id] == pytest.approx(1.0)


@pytest.mark.parametrize("name", sorted(p.name for p in FOREIGN.glob("*.bpmn")))
def test_every_foreign_file_loads_or_names_what_it_cannot_model(name: str) -> None:
    path = FOREIGN / name
    try:
        flow = flowmap.load(path)
    except InputError as e:
        for p in e.problems:
            assert p.location.startswith(f"{path}:") and "(" in p.location  # line and element id
        return
    assert flow.steps
    for n in flow.notes:
        assert n.location.startswith(f"{path}:")


@pytest.mark.parametrize("name", sorted(p.name for p in FOREIGN.glob("*.bpmn") if "broken" not in p.name))
def test_foreign_files_export_back_to_valid_bpmn(name: str, tmp_path: Path) -> None:
    flow = flowmap.load(FOREIGN / name)
    out = tmp_path / "again.bpmn"
    save_flow(flow, out)
    assert _validate(out) == []
    again = flowmap.load(out)
    assert again.model_dump(exclude={"name"}) == flow.model_dump(exclude={"name"})


def test_awkward_step_ids_and_names_survive(tmp_path: Path) -> None:
    src = tmp_path / "ids.yaml"
    src.write_text("""flowmap: 1
name: "ids <&> \\"quotes\\""
lanes: [{name: "Shop & Co", kind: operator}]
steps:
- {id: "1", name: "Pick & pack <fast>", lane: "Shop & Co", owner: "A&B", next: Flow_1}
- {id: Flow_1, name: "Ship \\"now\\"", lane: "Shop & Co", owner: "A&B", next: 注文}
- {id: 注文, name: 注文 確認, lane: "Shop & Co", owner: "A&B", next: END}
""", encoding="utf-8")
    flow = flowmap.load(src)
    out = tmp_path / "ids.bpmn"
    save_flow(flow, out)
    assert _validate(out) == []
    assert flowmap.load(out).model_dump() == flow.model_dump()


def test_edits_made_in_a_modeler_win_over_the_extension(tmp_path: Path) -> None:
    flow = flowmap.load(_parallel(tmp_path))
    text = dump_bpmn(flow)
    # someone moves O1 to the 経理 lane, renames it and makes it a service task in bpmn.io
    text = text.replace('<bpmn:userTask id="O1" name="梱包する">', '<bpmn:serviceTask id="O1" name="自動梱包">', 1)
    assert '<bpmn:userTask id="O1"' not in text
    start = text.index('<bpmn:serviceTask id="O1"')
    end = text.index("</bpmn:userTask>", start)
    text = text[:end] + "</bpmn:serviceTask>" + text[end + len("</bpmn:userTask>"):]
    text = text.replace("<bpmn:flowNodeRef>O1</bpmn:flowNodeRef>", "", 1)
    text = text.replace("<bpmn:flowNodeRef>A1</bpmn:flowNodeRef>",
                        "<bpmn:flowNodeRef>A1</bpmn:flowNodeRef><bpmn:flowNodeRef>O1</bpmn:flowNodeRef>", 1)
    edited = tmp_path / "edited.bpmn"
    edited.write_text(text, encoding="utf-8")
    assert _validate(edited) == []
    o1 = flowmap.load(edited).step_map()["O1"]
    assert (o1.name, o1.lane, o1.mode) == ("自動梱包", "経理", "auto")
    assert o1.owners == ["物流チーム"] and o1.writes == ["梱包記録"]  # kept from the extension


def test_camunda_boundary_event_is_a_branch_of_its_task() -> None:
    path = FOREIGN / "camunda_modeler_2.6.0_boundary_event.bpmn"
    flow = flowmap.load(path)
    assert [(e.source, e.target, e.probability) for e in flow.edges] == [("Task_1", "Task_2", 1.0)]
    assert any(":5 (BoundaryEvent_1): boundary event on Task_1" in n for n in _notes(path))


def test_a_flow_to_something_that_is_not_read_is_noted(tmp_path: Path) -> None:
    path = tmp_path / "odd.bpmn"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:x">
  <process id="p">
    <startEvent id="s"/>
    <task id="t" name="Only task"/>
    <dataObjectReference id="doc"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <sequenceFlow id="f2" sourceRef="t" targetRef="doc"/>
  </process>
</definitions>
""", encoding="utf-8")
    flow = flowmap.load(path)
    assert [s.name for s in flow.steps] == ["Only task"] and flow.edges == []
    assert any(n.location == f"{path}:8 (f2)" and "'doc'" in n.en for n in flow.notes)


def test_pm4py_writes_what_flowmap_reads_and_reads_what_flowmap_writes(tmp_path: Path) -> None:
    """Live interchange with PM4Py (the mining extra, installed by make install-test)."""
    pm4py = pytest.importorskip("pm4py")
    from pm4py.objects.bpmn.obj import BPMN
    from pm4py.objects.process_tree.utils.generic import parse

    from flowmap.graph import build_graph

    tree = parse("->( 'receive order', +( 'pack', 'check payment' ), X( 'ship', 'cancel' ) )")
    written = tmp_path / "pm4py.bpmn"
    pm4py.write_bpmn(pm4py.convert_to_bpmn(tree), str(written), auto_layout=False)  # no graphviz needed
    flow = flowmap.load(written)
    by_name = {s.name: s for s in flow.steps}
    assert {"receive order", "pack", "check payment", "ship", "cancel"} <= set(by_name)
    g = build_graph(flow)
    forks = [f for f in g.parallel.join_of if g.parallel.join_of[f]]
    assert len(forks) == 1
    assert {e.target for e in flow.edges if e.source == forks[0]} == {by_name["pack"].id, by_name["check payment"].id}
    assert g.visits[by_name["ship"].id] == pytest.approx(0.5)  # assumed equal shares, noted
    assert any("assumed share 50 %" in n.en for n in flow.notes)

    ours = tmp_path / "ours.bpmn"
    src = flowmap.load(_parallel(tmp_path))
    save_flow(src, ours)
    model = pm4py.read_bpmn(str(ours))
    nodes = model.get_nodes()
    tasks = [n for n in nodes if isinstance(n, BPMN.Task)]
    assert sorted(n.get_name() for n in tasks) == sorted(s.name for s in src.steps)
    assert sum(isinstance(n, BPMN.ParallelGateway) for n in nodes) == 2


def test_notes_come_in_the_same_order_whatever_the_hash_seed() -> None:
    """The gateways kept as steps are noted in the file's order (they were noted in a set's order,
    which changes with PYTHONHASHSEED, so `validate` printed them differently from run to run)."""
    import os
    import subprocess
    import sys

    path = FOREIGN / "camunda_modeler_2.2.0_miwg_B.1.0-roundtrip.bpmn"
    code = "import sys, flowmap; print('\\n'.join(n.text() for n in flowmap.load(sys.argv[1]).notes))"
    outs = {subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3", "4", "5")}
    assert len(outs) == 1
    kept = [int(n.split(":")[1].split()[0]) for n in outs.pop().splitlines() if "kept as a zero-time step" in n]
    assert len(kept) >= 2 and kept == sorted(kept)


def test_a_shift_jis_file_from_a_japanese_modeler_is_read(cli: Run) -> None:
    """A file declaring Shift_JIS (bytes in CP932, as Windows software writes them: ① and ～ included)
    is decoded before parsing; the gateway kept as a step gets a Japanese name, not "(parallelGateway)"."""
    path = FOREIGN / "handmade_ja_shift_jis.bpmn"
    assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="Shift_JIS"?>')
    flow = flowmap.load(path)
    steps = {s.id: s for s in flow.steps}
    assert flow.language == "ja" and steps["t3"].name == "出荷する" and steps["t1"].name.startswith("在庫を確認する")
    assert steps["g1"].name == "並行分岐 g1" and steps["g1"].fork and steps["t3"].join == "all"
    res = cli("validate", path)
    assert res.exit_code == 0 and f"{path}:16 (g1)" in res.output



def test_every_command_prints_what_reading_bpmn_assumed_once_on_stderr(tmp_path: Path) -> None:
    """validate printed the notes (boundary event read as a branch, no durations…) and every other command kept
    them to itself: analyze, simulate, view and report now print each one once on stderr, stdout untouched."""
    from click.testing import CliRunner

    from flowmap.cli import main

    path = FOREIGN / "camunda_modeler_2.6.0_boundary_event.bpmn"
    notes = [f"note: {n.text()}" for n in flowmap.load(path).notes]
    assert any("boundary event on Task_1" in n for n in notes)
    for args in (("analyze", path, "--format", "json"), ("simulate", path, "--days", "1"),
                 ("view", path, "-o", tmp_path / "v.html"), ("report", path, "-o", tmp_path / "r.html", "--days", "1")):
        res = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        assert [ln for ln in res.stderr.splitlines() if ln.startswith("note: ")] == notes, args
        assert "note: " not in res.stdout
    res = CliRunner().invoke(main, ["analyze", str(path), "--format", "json"], catch_exceptions=False)
    assert json.loads(res.stdout)["flow"]["steps"] >= 2
