"""`flowmap compare` / `convert --scenario` against hostile input: every case is one located
message, exit 2, no traceback and nothing written (the output file does not appear, an input
named as the output keeps its bytes)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from .conftest import MODELS

Run = Callable[..., Result]

ASIS = MODELS / "ec_order_asis.yaml"
TOBE = MODELS / "ec_order_tobe.yaml"


def _refused(r: Result, *where: str) -> str:
    """Exit 2, no traceback, and the first message line names ``where`` (a file:line or an option)."""
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    first = r.output.strip().splitlines()[0]
    for w in where:
        assert w in first, first
    return first


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copy(ASIS, tmp_path / "asis.yaml")
    shutil.copy(TOBE, tmp_path / "tobe.yaml")
    return tmp_path


def _scenario(work: Path, text: str, name: str = "sc.yaml") -> Path:
    p = work / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------- -o naming an input

def test_output_equal_to_the_scenarios_base_is_refused_and_the_base_kept(cli: Run, work: Path) -> None:
    """`compare --scenario S -o BASE` must not overwrite the base flow the scenario names."""
    cli("convert", work / "asis.yaml", "-o", work / "asis.json")
    before = (work / "asis.json").read_bytes()
    sc = _scenario(work, "name: x\nbase: asis.json\nchanges: {settings: {orders_per_day: 100}}\n")
    r = cli("compare", "--scenario", sc, "--no-sim", "--format", "json", "-o", work / "asis.json")
    first = _refused(r, "asis.json")
    assert "-o" in first
    assert (work / "asis.json").read_bytes() == before


def test_output_equal_to_the_scenarios_base_xlsx(cli: Run, work: Path) -> None:
    cli("convert", work / "asis.yaml", "-o", work / "asis.xlsx")
    before = (work / "asis.xlsx").read_bytes()
    sc = _scenario(work, "name: x\nbase: asis.xlsx\nchanges: {settings: {orders_per_day: 100}}\n")
    _refused(cli("compare", "--scenario", sc, "--no-sim", "--format", "xlsx", "-o", work / "asis.xlsx"), "asis.xlsx")
    assert (work / "asis.xlsx").read_bytes() == before


@pytest.mark.parametrize("which", ["before", "after", "scenario"])
def test_output_equal_to_an_input(cli: Run, work: Path, which: str) -> None:
    cli("convert", work / "asis.yaml", "-o", work / "asis.json")
    sc = _scenario(work, "name: x\nchanges: {settings: {orders_per_day: 100}}\n", "sc.json")
    args = {"before": ["asis.json", "tobe.yaml"], "after": ["tobe.yaml", "asis.json"],
            "scenario": ["asis.json", "--scenario", str(sc)]}[which]
    target = sc if which == "scenario" else work / "asis.json"
    keep = target.read_bytes()
    r = cli("compare", *[str(work / a) if a.endswith((".json", ".yaml")) and "/" not in a else a for a in args],
            "--no-sim", "--format", "json", "-o", target)
    _refused(r, target.name)
    assert target.read_bytes() == keep


@pytest.mark.parametrize(("fmt", "out"), [("xlsx", "out.json"), ("html", "out.txt"), ("json", "out.xlsx"),
                                          ("text", "out.html"), ("markdown", "out.json")])
def test_output_with_the_wrong_extension(cli: Run, work: Path, fmt: str, out: str) -> None:
    _refused(cli("compare", work / "asis.yaml", work / "tobe.yaml", "--no-sim", "--format", fmt, "-o", work / out), out)
    assert not (work / out).exists()


def test_output_into_a_missing_folder(cli: Run, work: Path) -> None:
    out = work / "nope" / "out.json"
    _refused(cli("compare", work / "asis.yaml", work / "tobe.yaml", "--no-sim", "--format", "json", "-o", out), "nope")
    assert not out.parent.exists()
    sc = _scenario(work, "name: x\nchanges: {settings: {orders_per_day: 100}}\n")
    _refused(cli("convert", work / "asis.yaml", "--scenario", sc, "-o", out), "nope")


# ------------------------------------------------------------- run sizes

@pytest.mark.parametrize(("option", "value"), [
    ("--replications", "0"), ("--replications", "1000000000"), ("--days", "0"), ("--days", "1e9"),
    ("--days", "nan"), ("--workers", "500"), ("--workers", "0"), ("--orders-per-day", "1e12"),
    ("--orders-per-day", "0"), ("--start", "9999-12-31"),
])
def test_run_sizes_are_refused_naming_the_option(cli: Run, work: Path, option: str, value: str) -> None:
    out = work / "out.json"
    first = _refused(cli("compare", work / "asis.yaml", work / "tobe.yaml", "--format", "json", "-o", out, option, value),
                     option)
    assert first.startswith(("error: " + option, "エラー: " + option)), first
    assert not out.exists()


# ------------------------------------------------------------- hostile scenario files

def test_scenario_name_of_a_megabyte(cli: Run, work: Path) -> None:
    sc = _scenario(work, "name: " + "あ" * 400_000 + "\nchanges:\n  steps:\n    - {id: O3, duration: 3}\n")
    out = work / "out.json"
    first = _refused(cli("compare", work / "asis.yaml", "--scenario", sc, "--no-sim", "--format", "json", "-o", out),
                     "sc.yaml:1")
    assert len(first) < 400
    assert not out.exists()


def test_scenario_with_a_nul_character_is_located(cli: Run, work: Path) -> None:
    sc = work / "sc.yaml"
    sc.write_bytes(b"name: x\nchanges:\n  steps:\n    - {id: O3, name: a\x00b}\n")
    first = _refused(cli("compare", work / "asis.yaml", "--scenario", sc, "--no-sim"), "sc.yaml:4")
    assert "\\n" not in first and "<unicode" not in first


def test_scenario_whose_base_is_itself(cli: Run, work: Path) -> None:
    sc = _scenario(work, "name: x\nbase: sc.yaml\nchanges: {settings: {orders_per_day: 100}}\n")
    r = cli("compare", "--scenario", sc, "--no-sim")
    first = _refused(r, "sc.yaml:2")
    assert "itself" in first or "自身" in first
    assert len(r.output.strip().splitlines()) == 1


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "missing"])
def test_scenario_base_that_is_not_a_flow_file(cli: Run, work: Path, kind: str) -> None:
    if kind == "folder":
        (work / "base.yaml").mkdir()
        base = "base.yaml"
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(work / "base.yaml")
        base = "base.yaml"
    elif kind == "device":
        base = "/dev/zero"
    else:
        base = "base.yaml"
    sc = _scenario(work, f"name: x\nbase: {base}\nchanges: {{settings: {{orders_per_day: 100}}}}\n")
    out = work / "out.json"
    r = cli("compare", "--scenario", sc, "--no-sim", "--format", "json", "-o", out)
    _refused(r, "sc.yaml:2")
    assert len(r.output.strip().splitlines()) == 1
    assert not out.exists()


def test_scenario_base_of_two_gigabytes_sparse(cli: Run, work: Path) -> None:
    big = work / "big.yaml"
    with big.open("wb") as f:
        f.truncate(2 * 1024**3)
    sc = _scenario(work, "name: x\nbase: big.yaml\nchanges: {settings: {orders_per_day: 100}}\n")
    _refused(cli("compare", "--scenario", sc, "--no-sim"), "big.yaml")


@pytest.mark.parametrize(("text", "where"), [
    ("name: x\nchanges:\n  steps:\n    - {id: ZZ9, duration: 3}\n", "sc.yaml:4"),
    ("name: x\nchanges:\n  steps:\n    - {id: O3, durration: 3}\n", "sc.yaml:4"),
    ("name: x\nname: y\nchanges: {settings: {orders_per_day: 100}}\n", "sc.yaml:2"),
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
     "name: x\nchanges: {settings: {k: *f}}\n", "sc.yaml:"),
    ("name: x\nchanges:\n  settings:\n    k: " + "[" * 5000 + "]" * 5000 + "\n", "sc.yaml:"),
    ("name: x\nchanges:\n  steps:\n    - {id: O6, next: O3}\n", "sc.yaml:4"),
    ("name: x\nchanges:\n  steps:\n    - {id: P1, next: 'O2: 50%, P2: 7%'}\n", "sc.yaml:4"),
])
def test_bad_scenarios_are_located(cli: Run, work: Path, text: str, where: str) -> None:
    sc = _scenario(work, text)
    out = work / "out.json"
    _refused(cli("compare", work / "asis.yaml", "--scenario", sc, "--no-sim", "--format", "json", "-o", out), where)
    assert not out.exists()
    out2 = work / "new.yaml"
    _refused(cli("convert", work / "asis.yaml", "--scenario", sc, "-o", out2), where)
    assert not out2.exists()


def test_scenario_removing_every_step(cli: Run, work: Path) -> None:
    import yaml

    ids = [s["id"] for s in yaml.safe_load(ASIS.read_text(encoding="utf-8"))["steps"]]
    sc = _scenario(work, "name: x\nchanges:\n  remove: [" + ", ".join(ids) + "]\n")
    _refused(cli("compare", work / "asis.yaml", "--scenario", sc, "--no-sim"), "sc.yaml:3")


def test_between_a_step_the_change_removed(cli: Run, work: Path) -> None:
    first = _refused(cli("compare", work / "asis.yaml", work / "tobe.yaml", "--between", "O3", "O6", "--days", "2",
                         "--replications", "1"), "--between", "O3")
    assert "AFTER" in first or "変更後" in first


def test_scenario_removing_a_step_twice(cli: Run, work: Path) -> None:
    sc = _scenario(work, "name: x\nchanges:\n  remove:\n    - O3\n    - O3\n")
    first = _refused(cli("compare", work / "asis.yaml", "--scenario", sc, "--no-sim"), "sc.yaml:5")
    assert "sc.yaml:4" in first


# ------------------------------------------------------------- a scenario in a flow's place

SCENARIO = MODELS / "next_day_batch.yaml"


@pytest.mark.parametrize("order", ["scenario-as-after", "scenario-as-before"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_scenario_given_as_before_or_after_gets_one_hint(cli: Run, order: str, lang: str) -> None:
    """The bundled scenario in BEFORE's or AFTER's place: one line pointing at --scenario, not the flow reader's
    'unknown key base / changes' errors."""
    args = [ASIS, SCENARIO] if order == "scenario-as-after" else [SCENARIO, ASIS]
    r = cli("compare", *args, "--no-sim", "--lang", lang)
    first = _refused(r, str(SCENARIO), f"--scenario {SCENARIO}")
    assert len(r.output.strip().splitlines()) == 1, r.output
    assert ("シナリオファイル" in first) == (lang == "ja")
    assert "base" not in first and "changes" not in first


def test_a_json_scenario_given_as_after_gets_the_hint(cli: Run, work: Path) -> None:
    sc = _scenario(work, '{"name": "x", "changes": {"settings": {"orders_per_day": 100}}}', "sc.json")
    r = cli("compare", work / "asis.yaml", sc, "--no-sim")
    _refused(r, "sc.json is a scenario file", f"--scenario {sc}")
    assert len(r.output.strip().splitlines()) == 1, r.output


def test_a_scenario_as_flow_with_scenario_says_to_give_the_flow(cli: Run) -> None:
    r = cli("compare", SCENARIO, "--scenario", SCENARIO, "--no-sim")
    first = _refused(r, str(SCENARIO), "FLOW")
    assert "use --scenario" not in first


def test_a_broken_flow_is_still_reported_at_its_lines(cli: Run, work: Path) -> None:
    """A flow with errors (no 'changes' key) keeps the flow reader's located messages: the hint is for scenarios only."""
    bad = work / "bad.yaml"
    bad.write_text("name: x\nsteps: []\nchanges: {}\n", encoding="utf-8")
    first = _refused(cli("compare", work / "asis.yaml", bad, "--no-sim"), "bad.yaml:")
    assert "scenario file" not in first
