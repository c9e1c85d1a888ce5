from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from openpyxl import load_workbook

import flowmap
from flowmap.analyze import ANALYZERS, run_analysis
from flowmap.analyze.load import expected_load
from flowmap.model import Flow

from .conftest import MODELS

Run = Callable[..., Result]


def flow_of(tmp_path: Path, body: str) -> Flow:
    p = tmp_path / "f.yaml"
    p.write_text(body, encoding="utf-8")
    return flowmap.load(p)


def kinds(flow: Flow, analyzer: str) -> list[tuple[str, str]]:
    """(severity, code) of each finding of one analyzer: behaviour, not words."""
    return [(f.severity, f.code) for f in run_analysis(flow, only=[analyzer], lang="en").findings]


TOOLS = """
tools:
- {name: Sheet, category: record}
- {name: CRM, category: record}
- {name: Mail, category: communication}
- {name: Phone, category: communication}
- {name: Chat, category: communication}
- {name: LINE, category: communication}
"""


def test_registry_lists_the_analyzers() -> None:
    assert list(ANALYZERS)[:3] == ["duplication", "tool_scatter", "workload_imbalance"]


def test_duplication_fires_on_complaint_reentry(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, TOOLS + """
settings: {orders_per_day: 50}
owners:
- {name: phone staff, lane: CS}
- {name: lead, lane: CS}
steps:
- {id: K1, name: take the call, lane: CS, owner: phone staff, tools: [Phone, Sheet], duration: 8, writes: [customer ID, complaint]}
- {id: K2, name: handle, lane: CS, owner: lead, tools: [CRM], duration: 15, writes: [customer ID, complaint, response]}
""")
    f = run_analysis(flow, only=["duplication"], lang="en").findings
    assert len(f) == 1 and f[0].severity == "high"
    assert f[0].data == ["complaint", "customer ID"] and f[0].steps == ["K1", "K2"]
    assert f[0].owners == ["phone staff", "lead"] and set(f[0].tools) == {"Sheet", "CRM"}
    # K2 spends 2/3 of its 15 minutes on the two retyped items, 50 times a day
    assert f[0].minutes_per_day == pytest.approx(50 * 15 * 2 / 3)


def test_duplication_near_miss_reads_are_not_duplication(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, TOOLS + """
steps:
- {id: K1, name: take the call, lane: CS, owner: phone staff, tools: [CRM], duration: 8, writes: [complaint]}
- {id: K2, name: handle, lane: CS, owner: lead, tools: [CRM], duration: 15, reads: [complaint], writes: [response]}
- {id: K3, name: report, lane: CS, owner: lead, tools: [CRM], duration: 5, reads: [complaint, response]}
""")
    assert kinds(flow, "duplication") == []


def test_duplication_reads_never_written_is_low(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, TOOLS + """
steps:
- {id: S1, name: decide, lane: ops, owner: boss, duration: 1, reads: [gut feeling], writes: [decision]}
""")
    assert kinds(flow, "duplication") == [("low", "duplication.never_recorded")]


def test_duplication_not_applicable_without_writes(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, "steps:\n- {id: S1, name: a, lane: ops, owner: x}\n")
    a = run_analysis(flow, lang="en")
    assert "writes" in a.skipped["duplication"] and "tools" in a.skipped["tool_scatter"]


def test_tool_scatter_fires_and_names_the_tool_to_keep(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, TOOLS + """
steps:
- {id: S1, name: a, lane: ops, owner: Ann, tools: [Mail], duration: 1, next: S2}
- {id: S2, name: b, lane: ops, owner: Ann, tools: [Phone, Mail], duration: 1, next: S3}
- {id: S3, name: c, lane: ops, owner: Ann, tools: [Chat], duration: 1}
""")
    f = run_analysis(flow, only=["tool_scatter"], lang="en").findings
    assert [(x.code, x.key) for x in f] == [("tool_scatter.owner", "tool_scatter:owner:Ann")]
    assert f[0].params["keep"] == "Mail" and "keep Mail" in f[0].suggestion
    assert f[0].minutes_per_day == 0  # scatter costs attention, not a counted number of minutes


def test_tool_scatter_near_miss_one_owner_one_tool(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, TOOLS + """
steps:
- {id: S1, name: a, lane: ops, owner: Ann, tools: [Mail, CRM], duration: 1, writes: [x]}
- {id: S2, name: b, lane: ops, owner: Ann, tools: [Mail], duration: 1}
""")
    assert kinds(flow, "tool_scatter") == []


def test_tool_scatter_item_in_several_records(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, TOOLS + """
steps:
- {id: S1, name: a, lane: ops, owner: Ann, tools: [Sheet], duration: 1, writes: [address]}
- {id: S2, name: b, lane: ops, owner: Ann, tools: [CRM], duration: 1, writes: [address]}
""")
    assert ("medium", "tool_scatter.records") in kinds(flow, "tool_scatter")


IMBALANCE = """
settings: {orders_per_day: 100}
owners:
- {name: admin, lane: orders, headcount: 1, hours: "9:00-17:00", days: every day}
- {name: team, lane: orders, headcount: 2, hours: "9:00-17:00", days: every day}
steps:
- {id: S1, name: key in, lane: orders, owner: admin, duration: %s, writes: [order]}
- {id: S2, name: check, lane: orders, owner: team, duration: %s}
"""


def test_workload_imbalance_fires(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, IMBALANCE % (4.5, 1))  # admin 450/480 = 94 %, team 100/960 = 10 %
    load = expected_load(flow, flowmap.build_graph(flow))
    assert load.owner("admin").utilization == pytest.approx(450 / 480)  # type: ignore[union-attr]
    f = run_analysis(flow, only=["workload_imbalance"], lang="en").findings
    assert f[0].severity == "medium" and f[0].owners == ["admin", "team"]
    # pooled: 550 of 1440 -> admin's fair load 183 min; move the rest
    assert f[0].minutes_per_day == pytest.approx(450 - 550 / 1440 * 480)


def test_workload_busy_colleagues_are_capacity_not_imbalance(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, IMBALANCE % (4.5, 8))  # admin 94 %, team at 83 %: everyone busy
    f = run_analysis(flow, only=["workload_imbalance"], lang="en").findings
    assert [(x.severity, x.code) for x in f] == [("medium", "workload_imbalance.over_capacity")]
    assert "team 83%" in f[0].message and "capacity" in f[0].message


def test_handoffs_and_automation(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, TOOLS + """
settings: {orders_per_day: 100}
steps:
- {id: S1, name: a, lane: ops, owner: Ann, tools: [Sheet, CRM], duration: 2, reads: [order], writes: [order copy], next: S2}
- {id: S2, name: b, lane: ops, owner: Bob, tools: [Mail], duration: 1, next: S3}
- {id: S3, name: c, lane: ops, owner: Ann, duration: 1}
""")
    keys = [x.key for x in run_analysis(flow, only=["handoffs", "automation"], lang="en").findings]
    assert "handoffs:ping_pong:S1>S2>S3" in keys
    assert "automation:S1" in keys


def test_bundled_asis_finds_the_three_wastes_of_the_seed() -> None:
    a = run_analysis(flowmap.load(MODELS / "ec_order_asis.yaml"), lang="ja")
    by = {(f.analyzer, f.severity) for f in a.findings}
    dup = [f for f in a.findings if f.analyzer == "duplication" and f.severity == "high"]
    # complaint re-entry: the phone staff and the person in charge both type the complaint
    assert any("クレーム内容" in f.data and {"K2", "K4"} <= set(f.steps) for f in dup)
    # scattered contact means of the CS staff
    assert any(f.analyzer == "tool_scatter" and "CS電話スタッフ" in f.owners and f.severity in ("medium", "high")
               for f in a.findings)
    # admin data entry piled on the admin staff while the order team has room
    assert any(f.analyzer == "workload_imbalance" and f.owners[0] == "事務スタッフ" and f.severity in ("medium", "high")
               for f in a.findings)
    assert ("duplication", "high") in by


def test_bundled_tobe_has_no_medium_or_high_waste() -> None:
    a = run_analysis(flowmap.load(MODELS / "ec_order_tobe.yaml"))
    three = [f for f in a.findings if f.analyzer in ("duplication", "tool_scatter", "workload_imbalance")]
    assert three and all(f.severity == "low" for f in three)


def test_cli_formats_fail_on_and_config(cli: Run, tmp_path: Path) -> None:
    asis = MODELS / "ec_order_asis.yaml"
    r = cli("analyze", asis, "--format", "json")
    data = json.loads(r.output)
    assert set(data) >= {"flow", "findings", "workload"}
    assert set(data["findings"][0]) >= {"analyzer", "severity", "title", "message", "steps", "owners", "tools", "data",
                                        "minutes_per_day", "suggestion"}
    assert set(data["workload"][0]) >= {"owner", "lane", "minutes_per_day", "capacity_minutes_per_day", "utilization",
                                        "share", "data_entry_share"}
    assert data["flow"]["lanes"][0] == "お客様"
    assert cli("analyze", asis, "--fail-on", "high").exit_code == 1
    assert cli("analyze", MODELS / "ec_order_tobe.yaml", "--fail-on", "high", "--only", "duplication").exit_code == 0
    out = tmp_path / "f.xlsx"
    assert cli("analyze", asis, "--format", "xlsx", "-o", out).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["指摘事項", "業務量"]
    assert wb["業務量"].conditional_formatting
    cfg = tmp_path / "c.yaml"
    cfg.write_text("overload: 0.95\n", encoding="utf-8")
    r = cli("analyze", asis, "--only", "workload_imbalance", "--format", "json", "--config", cfg)
    assert not [f for f in json.loads(r.output)["findings"] if f["severity"] != "low"]
    cfg.write_text("overlord: 1\n", encoding="utf-8")
    r = cli("analyze", asis, "--config", cfg)
    assert r.exit_code == 2 and "overlord" in r.output
    r = cli("analyze", asis, "--only", "nonsense")
    assert r.exit_code == 2 and "duplication" in r.output
    r = cli("analyze", asis, "--format", "xlsx")
    assert r.exit_code == 2


def test_cli_says_why_an_analyzer_could_not_run(cli: Run, tmp_path: Path) -> None:
    p = tmp_path / "bare.yaml"
    p.write_text("steps:\n  - {id: S1, name: 受付, lane: 受注, owner: 佐藤, duration: 5}\n", encoding="utf-8")
    r = cli("analyze", p, "--lang", "ja")
    assert r.exit_code == 0
    assert "作業の重複 は実行できません" in r.output and "入力データ" in r.output
    assert "手段の分散 は実行できません" in r.output
    data = json.loads(cli("analyze", p, "--format", "json").output)
    assert {s["analyzer"] for s in data["skipped"]} == {"duplication", "tool_scatter", "journey"}


def test_every_finding_has_code_key_params_and_lang_changes_only_words(cli: Run) -> None:
    asis = MODELS / "ec_order_asis.yaml"
    ja = json.loads(cli("analyze", asis, "--format", "json", "--lang", "ja").output)
    en = json.loads(cli("analyze", asis, "--format", "json", "--lang", "en").output)
    for f in ja["findings"]:
        assert f["code"].startswith(f["analyzer"] + ".") and f["key"].startswith(f["analyzer"] + ":")
        assert isinstance(f["params"], dict) and f["params"]
    keys = [f["key"] for f in ja["findings"]]
    assert len(keys) == len(set(keys))
    assert _minus_words(ja) == _minus_words(en)  # the whole document, not only the findings
    assert [f["title"] for f in ja["findings"]] != [f["title"] for f in en["findings"]]


def _minus_words(doc: dict[str, Any]) -> dict[str, Any]:
    """An analysis JSON without the fields that hold words (findings' title, message, suggestion; skipped's reason)."""
    out = dict(doc)
    out["findings"] = [{k: v for k, v in f.items() if k not in ("title", "message", "suggestion")} for f in doc["findings"]]
    out["skipped"] = [{k: v for k, v in r.items() if k != "reason"} for r in doc["skipped"]]
    return out


def test_lang_changes_only_the_words_of_why_an_analyzer_could_not_run(cli: Run, tmp_path: Path) -> None:
    p = tmp_path / "bare.yaml"
    p.write_text("steps:\n  - {id: S1, name: 受付, lane: 受注, owner: 佐藤, duration: 5}\n", encoding="utf-8")
    ja = json.loads(cli("analyze", p, "--format", "json", "--lang", "ja").output)
    en = json.loads(cli("analyze", p, "--format", "json", "--lang", "en").output)
    assert _minus_words(ja) == _minus_words(en)
    assert {(r["analyzer"], r["code"]) for r in en["skipped"]} == {
        ("duplication", "duplication.no_writes"), ("tool_scatter", "tool_scatter.no_tools"), ("journey", "journey.no_customer_lane")}
    assert [r["reason"] for r in ja["skipped"]] != [r["reason"] for r in en["skipped"]]
    assert all(r["params"] for r in en["skipped"])


def test_keys_name_the_subject_across_as_is_and_to_be(tmp_path: Path) -> None:
    body = TOOLS + """
settings: {orders_per_day: 100}
owners:
- {name: admin, lane: orders, headcount: 1, hours: "9:00-17:00", days: every day}
- {name: team, lane: orders, headcount: 2, hours: "9:00-17:00", days: every day}
steps:
- {id: S1, name: key in, lane: orders, owner: admin, tools: [Sheet], duration: %s, writes: [order], next: S2}
- {id: S2, name: check, lane: orders, owner: team, tools: [CRM], duration: 1, writes: [order]}
"""
    before = run_analysis(flow_of(tmp_path, body % 4.5), lang="en").findings
    (tmp_path / "b").mkdir()
    after = run_analysis(flow_of(tmp_path / "b", body % 2), lang="ja").findings
    kb = {f.key: f for f in before}
    ka = {f.key: f for f in after}
    # the same duplicated item keeps its key though its words, language and figures changed
    assert "duplication:order" in kb and "duplication:order" in ka
    assert kb["duplication:order"].title != ka["duplication:order"].title
    # the overloaded owner is gone in the to-be flow
    assert "workload_imbalance:admin" in kb and "workload_imbalance:admin" not in ka
    assert kb["workload_imbalance:admin"].params["owner"] == "admin"
