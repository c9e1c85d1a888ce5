"""flowmap compare: queueing theory for the paired difference, identity, scenario equivalence, the bundled models."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook

import flowmap
from flowmap.compare import MONTH_DAYS, compare, paired_difference
from flowmap.scenario import apply_scenario, load_scenario

from .conftest import MODELS

Run = Callable[..., Result]

# Two single-server steps in tandem, open round the clock: an M/M/1 → M/M/1 Jackson network.
TANDEM = """\
flowmap: 1
name: tandem
settings: {orders_per_day: 720, days: 20, seed: 3, replications: 8}
lanes: [{name: line, kind: operator}]
owners:
- {name: A, lane: line, kind: person, headcount: 1, hours: "0:00-24:00", days: every day, cost: 3000}
- {name: B, lane: line, kind: person, headcount: 1, hours: "0:00-24:00", days: every day, cost: 2400}
steps:
- {id: S1, name: first, lane: line, owner: A, duration: exp(1), next: S2}
- {id: S2, name: second, lane: line, owner: B, duration: exp(1.25), next: END}
"""
FASTER = "name: faster\nchanges:\n  steps: [{id: S1, duration: exp(0.75)}]\n  remove: [S2]\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_paired_difference_is_the_mean_of_differences_with_a_t_interval() -> None:
    m, ci = paired_difference([10.0, 12.0, 11.0], [7.0, 10.0, 8.0])
    assert m == pytest.approx(-8 / 3)
    half = 4.303 * 0.5773502691896257 / 3**0.5  # t(0.975, 2) × sd of (-3, -2, -3) / √3
    assert ci == pytest.approx((m - half, m + half))
    assert paired_difference([5.0, 6.0], [5.0, 6.0]) == (0.0, (0.0, 0.0))


def test_tandem_against_jackson_network_and_exact_freed_minutes(tmp_path: Path) -> None:
    before = flowmap.load(_write(tmp_path, "tandem.yaml", TANDEM))
    after = apply_scenario(before, load_scenario(_write(tmp_path, "faster.yaml", FASTER)))
    c = compare(before, after)
    lam = 720 / 1440  # arrivals per minute
    mu1, mu2, mu1_new = 1 / 1.0, 1 / 1.25, 1 / 0.75
    jackson_before = 1 / (mu1 - lam) + 1 / (mu2 - lam)
    jackson_after = 1 / (mu1_new - lam)
    assert c.simulation is not None
    diff = c.simulation.lead_mean.difference
    assert diff == pytest.approx(jackson_after - jackson_before, rel=0.05)
    assert c.simulation.lead_mean.before == pytest.approx(jackson_before, rel=0.05)
    assert c.simulation.lead_mean.after == pytest.approx(jackson_after, rel=0.05)
    ci = c.simulation.lead_mean.ci95
    assert ci is not None and ci[0] < diff < ci[1] < 0
    freed = {o.owner: o.freed for o in c.workload}
    assert freed == {"A": 720 * 1.0 - 720 * 0.75, "B": 720 * 1.25}  # 180 and 900 minutes a day, exactly
    money = {o.owner: o.cost_per_month_saved for o in c.workload}
    assert money == {"A": 180 / 60 * 3000 * MONTH_DAYS, "B": 900 / 60 * 2400 * MONTH_DAYS}
    assert c.structure.steps_removed == ["S2"] and c.structure.steps_changed[0].changes == {
        "duration": ("exp(1)", "exp(0.75)"), "next": ("S2", "END")}
    assert c.structure.handoffs_removed[0].from_owner == "A" and c.structure.handoffs_removed[0].before_per_day == 720


def test_compare_a_flow_with_itself_gives_exactly_zero(cli: Run) -> None:
    path = MODELS / "ec_order_asis.yaml"
    r = cli("compare", path, path, "--format", "json", "--replications", "3", "--days", "10")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    lt = d["simulation"]["lead_time_minutes"]
    assert lt["difference"] == {"mean": 0, "ci95": [0, 0]}
    assert lt["before"] == lt["after"] and lt["before"]["mean"] > 0
    assert d["steps"] == {"removed": [], "added": [], "changed": [], "automated": []} and d["unchanged"] is True
    assert d["findings"]["resolved"] == [] and d["findings"]["new"] == [] and d["findings"]["remaining"]
    assert d["totals"]["freed_minutes_per_day"] == 0 and d["totals"]["cost_per_month_saved"] == 0
    assert all(w["freed_minutes_per_day"] == 0 for w in d["workload"])


def test_scenario_gives_the_same_figures_as_the_converted_flow(cli: Run, tmp_path: Path) -> None:
    base, sc = MODELS / "ec_order_asis.yaml", MODELS / "next_day_batch.yaml"
    converted = tmp_path / "next_day.yaml"
    assert cli("convert", base, "--scenario", sc, "-o", converted).exit_code == 0
    args = ("--format", "json", "--replications", "3", "--days", "10", "--start", "2026-06-01")
    r1 = cli("compare", base, "--scenario", sc, *args)
    r2 = cli("compare", base, converted, *args)
    r3 = cli("compare", "--scenario", sc, *args)  # the scenario's own base
    assert r1.exit_code == r2.exit_code == r3.exit_code == 0, (r1.output, r2.output, r3.output)
    d1, d2, d3 = (json.loads(r.output) for r in (r1, r2, r3))
    for d in (d1, d2, d3):
        d["before"].pop("source")
        d["after"].pop("source")
    assert d1 == d2 == d3
    assert d1["steps"]["removed"] == ["O3", "O4", "O5", "K3"]


def test_bundled_asis_vs_tobe_shows_wastes_removed_minutes_money_and_lead_time(cli: Run) -> None:
    r = cli("compare", MODELS / "ec_order_asis.yaml", MODELS / "ec_order_tobe.yaml", "--format", "json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    resolved = {f["key"] for f in d["findings"]["resolved"]}
    assert {"duplication:顧客ID", "duplication:配送先住所", "workload_imbalance:事務スタッフ", "automation:O3"} <= resolved
    assert all(set(f) >= {"key", "code", "analyzer", "title"} for s in d["findings"].values() for f in s)
    w = {x["owner"]: x for x in d["workload"]}
    office = w["事務スタッフ"]
    assert office["freed_minutes_per_day"] == pytest.approx(office["before_minutes_per_day"] - office["after_minutes_per_day"], abs=0.11)
    assert office["freed_minutes_per_day"] > 600 and office["cost_per_month_saved"] > 400_000
    assert office["before_utilization"] > 0.8 > 0.1 > office["after_utilization"]
    assert w["営業担当"]["after_minutes_per_day"] == 0 and w["営業担当"]["in_after"] is False
    assert d["totals"]["freed_minutes_per_day"] > 1000 and d["totals"]["cost_per_month_saved"] > 1_000_000
    sim = d["simulation"]
    assert sim["replications"] == 5 and sim["seed"] == 1
    diff = sim["lead_time_minutes"]["difference"]
    assert diff["mean"] < 0 and diff["ci95"][0] < diff["mean"] < diff["ci95"][1] < 0
    segs = {s["name"]: s for s in sim["segments"]}
    assert set(segs) == {"注文→出荷", "注文→お届け"}
    ship = segs["注文→出荷"]
    assert (ship["from"], ship["to"]) == ("C6", "O6") and ship["difference"]["ci95"][1] < 0
    assert ship["difference"]["mean"] == pytest.approx(ship["after"]["mean"] - ship["before"]["mean"], abs=0.01)
    assert {"Excel受注表", "クレーム管理表"} <= set(d["tools"]["retired"])
    assert "B1" in d["steps"]["added"] and "O3" in d["steps"]["removed"]
    assert {"P1", "O7", "F1"} <= set(d["steps"]["automated"])
    text = cli("compare", MODELS / "ec_order_asis.yaml", MODELS / "ec_order_tobe.yaml", "--no-sim", "--lang", "ja").output
    head = text.splitlines()[:12]
    assert head[0].startswith("flowmap 比較: ") and head[1].startswith("空く作業時間: 1日 ")
    assert any(line.strip().startswith("事務スタッフ: 675 → 27 分/日") for line in head), head
    assert "シミュレーションなし" in head[2]


def test_missing_cost_is_said_plainly(tmp_path: Path) -> None:
    before = flowmap.load(_write(tmp_path, "t.yaml", TANDEM.replace(", cost: 2400", "")))
    after = apply_scenario(before, load_scenario(_write(tmp_path, "f.yaml", FASTER)))
    c = compare(before, after, simulate=False)
    b = next(o for o in c.workload if o.owner == "B")
    assert b.cost_missing and b.cost_per_month_saved is None and c.cost_missing_owners == ["B"]
    assert c.to_dict()["workload"][1]["cost_per_month_saved"] is None
    from flowmap.render.compare import to_text

    assert "no hourly cost for B" in to_text(c)


def test_markdown_and_xlsx_outputs(cli: Run, tmp_path: Path) -> None:
    base = _write(tmp_path, "t.yaml", TANDEM.replace("name: tandem", "name: '=HYPERLINK(\"http://x\")|a'"))
    sc = _write(tmp_path, "f.yaml", FASTER)
    r = cli("compare", base, "--scenario", sc, "--format", "markdown", "--no-sim")
    assert r.exit_code == 0
    assert "| A | 720 | 540 | 180 |" in r.output and "\\|a" in r.output
    out = tmp_path / "c.xlsx"
    r = cli("compare", base, "--scenario", sc, "--format", "xlsx", "-o", out, "--replications", "2", "--days", "2")
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Owners", "Steps", "Findings"]
    before_cell = wb["Summary"]["B2"]
    assert before_cell.value == '=HYPERLINK("http://x")|a' and before_cell.data_type == "s"
    rows = list(wb["Owners"].iter_rows(min_row=2, values_only=True))
    assert rows[0][:5] == ("A", "line", 720.0, 540.0, 180.0)
    steps = {row[0]: row[2] for row in wb["Steps"].iter_rows(min_row=2, values_only=True)}
    assert steps == {"S1": "changed", "S2": "removed"}


@pytest.mark.parametrize("args", [
    ("{asis}",),
    ("{asis}", "{tobe}", "--scenario", "{sc}"),
    ("{asis}", "{tobe}", "--format", "xlsx"),
    ("{asis}", "--scenario", "{bad}"),
    ("{asis}", "{nothere}"),
])
def test_bad_command_lines_exit_2_without_traceback(cli: Run, tmp_path: Path, args: tuple[str, ...]) -> None:
    bad = _write(tmp_path, "bad.yaml", "name: x\nchanges:\n  steps:\n  - {id: Q1, mode: auto}\n")
    paths = {"asis": MODELS / "ec_order_asis.yaml", "tobe": MODELS / "ec_order_tobe.yaml",
             "sc": MODELS / "next_day_batch.yaml", "bad": bad, "nothere": tmp_path / "nothere.yaml"}
    out = tmp_path / "out.txt"  # text is the default format
    r = cli("compare", *[a.format(**{k: str(v) for k, v in paths.items()}) for a in args], "--no-sim", "-o", out)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and r.output.startswith(("error: ", "エラー: "))
    assert not out.exists()
    if "{bad}" in args:
        assert f"{bad}:4" in r.output and "Q1" in r.output


def test_findings_match_by_key_and_follow_steps_matched_by_name() -> None:
    from dataclasses import replace

    from flowmap.compare import match_findings

    found = {f.key: f for f in flowmap.run_analysis(flowmap.load(MODELS / "ec_order_asis.yaml")).findings}
    before = [found["automation:K4"], found["handoffs:wait:K3->K4"], found["duplication:顧客ID"], found["journey:C2"]]
    # AFTER: K4 lives on as K9 (matched by name), with fewer minutes; the duplication is gone; O3's automation is new
    after = [replace(found["automation:K4"], key="automation:K9", minutes_per_day=80.0),
             replace(found["handoffs:wait:K3->K4"], key="handoffs:wait:K3->K9"), found["journey:C2"], found["automation:O3"]]
    out = match_findings(before, after, {"K9": "K4"})
    status = {d.key: d.status for d in out}
    assert status == {"automation:K4": "remaining", "handoffs:wait:K3->K4": "remaining", "duplication:顧客ID": "resolved",
                      "journey:C2": "remaining", "automation:O3": "new"}
    k4 = next(d for d in out if d.key == "automation:K4")
    assert (round(k4.minutes_before or 0, 1), k4.minutes_after) == (127.6, 80.0) and k4.to_dict()["after_key"] == "automation:K9"
    assert [d.status for d in match_findings(before, after)].count("resolved") == 3  # without the match: K4's are gone


def test_orders_per_day_applies_to_the_workload_as_to_the_simulation() -> None:
    """`--orders-per-day` is for both flows: the freed minutes and money scale with it like the simulated arrivals
    (both bundled flows take 100 orders a day, so 250 gives 2.5 times the figures)."""
    b, a = flowmap.load(MODELS / "ec_order_asis.yaml"), flowmap.load(MODELS / "ec_order_tobe.yaml")
    own = compare(b, a, simulate=False)
    more = compare(b, a, simulate=False, orders_per_day=250)
    assert more.freed_minutes == pytest.approx(2.5 * own.freed_minutes, rel=1e-9)
    assert more.cost_per_month_saved == pytest.approx(2.5 * own.cost_per_month_saved, rel=1e-9)
    assert b.settings.orders_per_day == 100 and b.source == more.before.source  # the inputs are not changed


def test_more_work_is_written_with_a_minus_sign_and_said_as_more(cli: Run, tmp_path: Path) -> None:
    """受注チーム gets 20 more minutes a day in the to-be flow: a true minus in the tables, "増える" on the bar."""
    args = (MODELS / "ec_order_asis.yaml", MODELS / "ec_order_tobe.yaml", "--no-sim")
    text = cli("compare", *args).output
    row = next(line for line in text.splitlines() if line.strip().startswith("受注チーム") and "19% → 32%" in line
               and "分/日" not in line)
    assert "−20" in row and " -20" not in row
    assert "| −20 |" in cli("compare", *args, "--format", "markdown").output
    out = tmp_path / "c.html"
    cli("compare", *args, "--format", "html", "-o", out)
    page = out.read_text(encoding="utf-8")
    assert "20 分増える" in page and "-20 分空く" not in page


@pytest.mark.parametrize(("tallest", "ticks"), [
    (0.37, [0, 0.1, 0.2, 0.3, 0.4]), (0.4, [0, 0.1, 0.2, 0.3, 0.4]), (1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (0.034, [0, 0.01, 0.02, 0.03, 0.04]), (0.12, [0, 0.05, 0.1, 0.15]), (0.9, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
])
def test_the_share_axis_ends_at_the_first_round_tick_above_the_tallest_bin(tallest: float, ticks: list[float]) -> None:
    from flowmap.render.compare.histogram import share_ticks

    assert share_ticks(tallest) == pytest.approx(ticks)
