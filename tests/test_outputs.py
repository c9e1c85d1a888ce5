"""Output files are safe: never the input, only where asked, the right suffix, all or none,
no temporary file left, user text never written as a spreadsheet formula."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook

import flowmap
from flowmap._atomic import Outputs
from flowmap.errors import InputError
from flowmap.model import Duration, Edge, Flow, Lane, Owner, Settings, Step, Tool

from .conftest import EXAMPLES, MODELS

Run = Callable[..., Result]

PAYLOADS = ['=HYPERLINK("x")', "=cmd|' /c calc'!A1", "+1", "-1", "@SUM(1)"]


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


# ------------------------------------------------------------------ the input is never the output


@pytest.mark.parametrize("case", ["same", "relative", "hard link", "analyze xlsx", "json named model", "view"])
def test_output_equal_to_input_is_refused(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          case: str) -> None:
    monkeypatch.chdir(tmp_path)
    x = _copy(EXAMPLES / "ec_order_ja.xlsx", tmp_path / "flow.xlsx")
    y = _copy(MODELS / "ec_order_asis.yaml", tmp_path / "flow.json")  # YAML is JSON's superset: reads as a model
    os.link(x, tmp_path / "hard.xlsx")  # the same file under another name
    argv = {
        "same": ["convert", x, "-o", x],
        "relative": ["convert", x, "-o", "./flow.xlsx"],
        "hard link": ["convert", x, "-o", tmp_path / "hard.xlsx"],
        "analyze xlsx": ["analyze", x, "--format", "xlsx", "-o", x],
        "json named model": ["analyze", y, "--format", "json", "-o", y],
        "view": ["view", x, "-o", "flow.xlsx"],
    }[case]
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    r = cli(*argv)
    assert r.exit_code == 2, r.output
    assert "input file" in r.output or ".html" in r.output
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_template_replaces_a_workbook_only_with_force(cli: Run, tmp_path: Path) -> None:
    out = _copy(EXAMPLES / "ec_order_ja.xlsx", tmp_path / "mine.xlsx")
    before = out.read_bytes()
    r = cli("template", out)
    assert r.exit_code == 2 and "--force" in r.output and str(out) in r.output
    assert out.read_bytes() == before
    assert cli("template", out, "--force").exit_code == 0
    assert out.read_bytes() != before


@pytest.mark.parametrize("args, wrong", [
    (("analyze", "{m}", "--format", "json", "-o", "{d}/a.xlsx"), ".json"),
    (("analyze", "{m}", "--format", "xlsx", "-o", "{d}/a.json"), ".xlsx"),
    (("analyze", "{m}", "--format", "markdown", "-o", "{d}/a.txt"), ".md"),
    (("convert", "{m}", "-o", "{d}/a.csv"), ".xlsx"),
    (("view", "{m}", "-o", "{d}/a.xlsx"), ".html"),
    (("simulate", "{m}", "--format", "json", "-o", "{d}/a.txt"), ".json"),
    (("simulate", "{m}", "--events", "{d}/a.json"), ".csv"),
    (("template", "{d}/a.yaml"), ".xlsx"),
])
def test_output_suffix_must_fit_the_format(cli: Run, tmp_path: Path, args: tuple[str, ...], wrong: str) -> None:
    argv = [a.format(m=MODELS / "ec_order_asis.yaml", d=tmp_path) for a in args]
    r = cli(*argv)
    assert r.exit_code == 2 and wrong in r.output, r.output
    assert _listing(tmp_path) == []


def test_missing_folder_is_refused_before_the_work(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "report.html"
    r = cli("report", MODELS / "ec_order_asis.yaml", "-o", out, "--replications", "50", "--days", "300")
    assert r.exit_code == 2 and str(out) in r.output and "does not exist" in r.output


def test_simulate_writes_both_outputs_or_neither(cli: Run, tmp_path: Path) -> None:
    events, out = tmp_path / "ev.csv", tmp_path / "missing" / "sim.json"
    r = cli("simulate", MODELS / "ec_order_asis.yaml", "--days", "2", "--replications", "1",
            "--format", "json", "-o", out, "--events", events)
    assert r.exit_code == 2 and _listing(tmp_path) == []
    out = tmp_path / "sim.json"
    r = cli("simulate", MODELS / "ec_order_asis.yaml", "--days", "2", "--replications", "1",
            "--format", "json", "-o", out, "--events", events)
    assert r.exit_code == 0, r.output
    assert _listing(tmp_path) == ["ev.csv", "sim.json"]


def test_outputs_all_or_none_and_no_temporary_file(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), Outputs() as o:
        o.write_text(a, "new a")
        o.write_text(b, "new b")
        raise RuntimeError("the work failed")
    assert _listing(tmp_path) == ["a.txt"] and a.read_text(encoding="utf-8") == "old"
    with Outputs() as o:
        o.write_text(a, "new a")
        o.write_text(b, "new b")
    assert _listing(tmp_path) == ["a.txt", "b.txt"] and a.read_text(encoding="utf-8") == "new a"


def test_write_errors_name_the_users_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    with pytest.raises(InputError) as e, Outputs() as o:
        tmp = o.path(target)
        raise OSError(28, "No space left on device", str(tmp))
    assert e.value.problems[0].location == str(target)
    assert "No space left" in e.value.problems[0].en
    assert _listing(tmp_path) == []


# ------------------------------------------------------------------------- formula injection


def _hostile_flow() -> Flow:
    """Every text field of a flow holds a spreadsheet payload (list fields: those without separators).
    Lanes are listed in order of first use, the order a workbook gives them."""
    scalar = PAYLOADS
    listed = ['=HYPERLINK("x")', "+1", "-1", "@SUM(1)"]
    steps = []
    for i, p in enumerate(scalar, start=1):
        steps.append(Step(
            id=f"S{i}", name=f"{p}", lane=listed[i % 4], owners=[listed[(i + 1) % 4]], tools=[listed[(i + 2) % 4]],
            duration=Duration(params=(float(i),)), reads=[listed[i % 4]], writes=[listed[(i + 3) % 4]],
            stage=p, touchpoint=p, pain=p, note=p, extra={"=memo": p},
        ))
    edges = [Edge(source=f"S{i}", target=f"S{i + 1}") for i in range(1, len(steps))]
    return Flow(name=PAYLOADS[1], language="en", settings=Settings(currency="=1+1"),
                lanes=[Lane(name=listed[i % 4]) for i in range(1, 5)], owners=[Owner(name=n, lane=n) for n in listed],
                tools=[Tool(name=n) for n in listed], steps=steps, edges=edges)


def _formula_cells(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def test_no_user_text_becomes_a_formula_and_the_flow_reads_back(cli: Run, tmp_path: Path) -> None:
    flow = _hostile_flow()
    src = tmp_path / "hostile.yaml"
    flowmap.save(flow, src)
    xlsx, report = tmp_path / "flow.xlsx", tmp_path / "findings.xlsx"
    assert cli("convert", src, "-o", xlsx).exit_code == 0
    r = cli("analyze", src, "--format", "xlsx", "-o", report)
    assert r.exit_code == 0, r.output
    for out in (xlsx, report):
        assert _formula_cells(out) == [], out
    texts = {c.value for ws in load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row}
    assert set(PAYLOADS) <= texts
    assert flowmap.load(xlsx) == flowmap.load(src) == flow


def test_events_csv_neutralises_formula_prefixes(cli: Run, tmp_path: Path) -> None:
    src = tmp_path / "hostile.yaml"
    flowmap.save(_hostile_flow(), src)
    ev = tmp_path / "ev.csv"
    r = cli("simulate", src, "--days", "1", "--replications", "1", "--events", ev)
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(ev.open(encoding="utf-8")))[1:]
    assert rows
    cells = [c for row in rows for c in row[1:4]]  # activity, resource, lane
    assert not [c for c in cells if c[:1] in "=+-@"]
    assert "'=HYPERLINK(\"x\")" in cells


def test_probabilities_and_numbers_read_back(tmp_path: Path) -> None:
    flow = Flow(lanes=[Lane(name="ops")], owners=[Owner(name="a", lane="ops")],
                steps=[Step(id="S1", name="one", lane="ops", owners=["a"], duration=Duration(params=(1e-06,))),
                       Step(id="S2", name="two", lane="ops", owners=["a"], duration=Duration(params=(2.0,)))],
                edges=[Edge(source="S1", target="S2", probability=1 - 1e-06), Edge(source="S1", target="END", probability=1e-06)],
                settings=Settings(hourly_profile=[1e-07] + [1.0] * 23))
    for suffix in (".xlsx", ".yaml", ".json"):
        out = tmp_path / f"f{suffix}"
        flowmap.save(flow, out)
        back = flowmap.load(out)
        assert back.edges == flow.edges and back.steps == flow.steps and back.settings == flow.settings, suffix
