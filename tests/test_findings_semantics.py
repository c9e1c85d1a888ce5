"""What each analyzer must find and must not find, on small crafted flows
(issue 13: severity that means something, duplication within a case,
customer channels, the system of record, automation, the journey)."""

from __future__ import annotations

from pathlib import Path

import flowmap
from flowmap.analyze import Finding, run_analysis
from flowmap.analyze.journey import journey_curve
from flowmap.model import Flow


def flow_of(tmp_path: Path, body: str) -> Flow:
    p = tmp_path / "f.yaml"
    p.write_text(body, encoding="utf-8")
    return flowmap.load(p)


def findings(flow: Flow, analyzer: str, lang: str = "en") -> list[Finding]:
    return run_analysis(flow, only=[analyzer], lang=lang).findings


TOOLS = """
tools:
- {name: Order sheet, category: record}
- {name: CRM, category: record}
- {name: Shop, category: commerce}
- {name: Mail, category: communication}
- {name: Phone, category: communication}
- {name: Chat, category: communication}
- {name: LINE, category: communication}
- {name: Verbal, category: communication}
"""

# -- severity ---------------------------------------------------------------

OVER = """
settings: {orders_per_day: 100}
owners:
- {name: admin, lane: orders, headcount: 1, hours: "9:00-17:00", days: every day}
- {name: helper, lane: orders, headcount: 1, hours: "9:00-17:00", days: every day}
steps:
- {id: S1, name: key in, lane: orders, owner: admin, duration: %s, next: S2}
- {id: S2, name: check, lane: orders, owner: helper, duration: %s}
"""


def test_an_owner_above_100_percent_is_high_and_the_words_give_the_colleagues_figures(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, OVER % (6.336, 2.832))  # admin 132 %, the only colleague 59 %
    f = findings(flow, "workload_imbalance")
    assert [(x.severity, x.code, x.key) for x in f] == [("high", "workload_imbalance.over_capacity", "workload_imbalance:admin")]
    assert f[0].params["utilization"] == 1.32
    assert "helper 59%" in f[0].message and "busy" not in f[0].message
    ja = findings(flow, "workload_imbalance", "ja")[0]
    assert "helper 59%" in ja.message and "132%" in ja.title


def test_an_owner_alone_in_the_lane_is_told_so(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, """
settings: {orders_per_day: 100}
owners: [{name: solo, lane: ops, headcount: 1, hours: "9:00-17:00", days: every day}]
steps: [{id: S1, name: all of it, lane: ops, owner: solo, duration: 6}]
""")
    f = findings(flow, "workload_imbalance")
    assert f[0].severity == "high" and "Nobody else in ops" in f[0].message


def test_an_owner_below_overload_is_no_finding(tmp_path: Path) -> None:
    assert findings(flow_of(tmp_path, OVER % (3, 3)), "workload_imbalance") == []


def test_duplication_severity_grows_with_minutes(tmp_path: Path) -> None:
    body = TOOLS + """
settings: {orders_per_day: 100}
owners: [{name: clerk, lane: ops}]
steps:
- {id: S1, name: a, lane: ops, owner: clerk, tools: [Order sheet], duration: 1, writes: [address], next: S2}
- {id: S2, name: b, lane: ops, owner: clerk, tools: [CRM], duration: %s, writes: [address]}
"""
    small = findings(flow_of(tmp_path, body % 0.5), "duplication")  # one person, two tools, 50 min/day
    (tmp_path / "b").mkdir()
    large = findings(flow_of(tmp_path / "b", body % 2), "duplication")  # 200 min/day
    assert [x.severity for x in small] == ["medium"] and [x.severity for x in large] == ["high"]
    assert small[0].key == large[0].key == "duplication:address"


# -- duplication within a case -----------------------------------------------

BRANCHES = TOOLS + """
settings: {orders_per_day: 100}
owners: [{name: phone staff, lane: CS}, {name: lead, lane: CS}]
steps:
- {id: S1, name: take the call, lane: CS, owner: phone staff, tools: [CRM], duration: 5, %s}
- {id: S2, name: complaint, lane: CS, owner: phone staff, tools: [Order sheet], duration: 10, writes: [history], next: END}
- {id: S3, name: inquiry, lane: CS, owner: lead, tools: [CRM], duration: 10, writes: [history]}
"""


def test_writes_on_exclusive_branches_are_not_duplication(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, BRANCHES % 'next: "S2:0.3, S3:0.7"')
    assert findings(flow, "duplication") == []


def test_writes_on_branches_of_a_fork_are_duplication(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, BRANCHES % 'next: "S2 & S3"')
    f = findings(flow, "duplication")
    assert [(x.code, x.steps) for x in f] == [("duplication.same_data", ["S2", "S3"])]


def test_writes_one_after_the_other_are_duplication(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, BRANCHES.replace("next: END}", "next: S3}")
                   % "next: S2")
    assert [x.steps for x in findings(flow, "duplication")] == [["S2", "S3"]]


# -- customer channels, system of record, automation --------------------------

CHANNELS = TOOLS + """
settings: {orders_per_day: 100}
lanes: [{name: customer, kind: customer}, {name: CS, kind: operator}]
owners: [{name: agent, lane: CS}, {name: lead, lane: CS}]
steps:
- {id: C1, name: call the shop, lane: customer, tools: [Phone], duration: 3, next: K1}
- {id: K1, name: take the complaint, lane: CS, owner: agent, tools: [Phone, Order sheet], duration: 6,
   reads: [order], writes: [complaint], next: K2}
- {id: K2, name: pass it on, lane: CS, owner: agent, tools: [Chat], duration: 1, next: K3}
- {id: K3, name: handle, lane: CS, owner: lead, tools: [CRM, Shop], duration: 5, reads: [order], writes: [complaint], next: K4}
- {id: K4, name: answer the customer, lane: CS, owner: lead, tools: [Phone, Mail, LINE], duration: 4, next: C2}
- {id: C2, name: hear the answer, lane: customer, tools: [Phone, Mail, LINE], duration: 2}
"""


def test_customer_channels_are_not_internal_scatter(tmp_path: Path) -> None:
    f = findings(flow_of(tmp_path, CHANNELS), "tool_scatter")
    codes = {x.code: x for x in f}
    assert "tool_scatter.owner" not in codes and "tool_scatter.lane" not in codes
    ch = codes["tool_scatter.customer_channels"]
    assert ch.severity == "low" and ch.owners == ["lead"] and ch.steps == ["K4"]


def test_a_lane_finding_lists_only_steps_that_use_communication_tools(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, TOOLS + """
steps:
- {id: S1, name: a, lane: ops, owner: A, tools: [Mail, Chat], duration: 1, next: S2}
- {id: S2, name: b, lane: ops, owner: B, tools: [Phone, Verbal], duration: 1, next: S3}
- {id: S3, name: c, lane: ops, owner: C, tools: [CRM], duration: 1}
""")
    lane = [x for x in findings(flow, "tool_scatter") if x.code == "tool_scatter.lane"]
    assert lane and lane[0].steps == ["S1", "S2"]


def test_one_system_of_record_everywhere_and_never_a_spreadsheet(tmp_path: Path) -> None:
    a = run_analysis(flow_of(tmp_path, CHANNELS), lang="en")
    named = {x.params.get("keep") if x.code.startswith("duplication") else x.params.get("system")
             for x in a.findings if x.code in ("duplication.same_data", "tool_scatter.records", "tool_scatter.customer_channels")}
    assert named == {"CRM"}


def test_no_automation_for_a_step_that_talks_to_a_person(tmp_path: Path) -> None:
    keys = [x.key for x in findings(flow_of(tmp_path, CHANNELS), "automation")]
    assert "automation:K1" not in keys  # typing a phone complaint is part of the call
    assert "automation:K3" in keys  # moving it between CRM and the shop system is not


# -- journey ---------------------------------------------------------------------

JOURNEY = """
settings: {orders_per_day: 100}
lanes: [{name: customer, kind: customer}, {name: shop, kind: operator}]
steps:
- {id: C1, name: browse, lane: customer, duration: 1, stage: consider, emotion: 1, next: C2}
- {id: C2, name: order, lane: customer, duration: 1, stage: buy, emotion: 1, next: "C3:0.97, K1:0.03"}
- {id: K1, name: complain, lane: customer, duration: 1, stage: use, emotion: -2, next: O1}
- {id: O1, name: answer, lane: shop, owner: staff, duration: 5, next: C3}
- {id: C3, name: receive, lane: customer, duration: 1, stage: use, emotion: 2, next: C4}
- {id: C4, name: review, lane: customer, duration: 1, stage: buy, emotion: 0, pain: the form is long}
"""


def test_journey_curve_follows_the_main_path_with_branches_as_side_points(tmp_path: Path) -> None:
    flow = flow_of(tmp_path, JOURNEY)
    curve = journey_curve(flowmap.build_graph(flow))
    assert [p.step for p in curve.main] == ["C1", "C2", "C3", "C4"]
    assert [(p.step, round(p.share, 2), p.anchor) for p in curve.side] == [("K1", 0.03, 1)]
    labels = [b[2] for b in curve.bands]
    assert len(labels) == len(set(labels)) == 3


def test_journey_reports_a_pain_point_whatever_the_emotion(tmp_path: Path) -> None:
    keys = {x.key: x.severity for x in findings(flow_of(tmp_path, JOURNEY), "journey")}
    assert keys == {"journey:K1": "medium", "journey:C4": "low"}
