"""Handoff waits found in an event log are tools of category ``wait``: a delay, not a channel.

Discovery represents the extra wait before a step as a pseudo tool ``引き継ぎ: STEP`` that carries
a delay. The engine honours the delay; tool scatter must not count it as a means of communication.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

import flowmap
from flowmap.mining._tuning import _apply_delays

ROOT = Path(__file__).resolve().parent.parent


def _scatter(flow: flowmap.Flow) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((f.key, f.severity, tuple(f.tools)) for f in flowmap.run_analysis(flow).findings
                  if f.analyzer == "tool_scatter")


def test_wait_tools_are_not_counted_as_channels() -> None:
    plain = flowmap.load(ROOT / "models" / "ec_order_asis.yaml")
    waited = plain.model_copy(deep=True)
    _apply_delays(waited, {"O2": 40.0, "O7": 25.0, "O5": 15.0}, "ja")
    pseudo = [t for t in waited.tools if t.name.startswith("引き継ぎ: ")]
    assert len(pseudo) == 3 and all(t.category == "wait" and t.delay is not None for t in pseudo)
    assert _scatter(waited) == _scatter(plain)
    waits = [f for f in flowmap.run_analysis(waited).findings if f.code.startswith("handoffs.") and
             any(t.startswith("引き継ぎ: ") for t in f.tools)]
    assert waits, "the handoff-wait finding still names the wait"


def test_engine_honours_a_wait_tool(tmp_path: Path) -> None:
    plain = flowmap.load(ROOT / "models" / "ec_order_asis.yaml")
    waited = plain.model_copy(deep=True)
    _apply_delays(waited, {"O2": 600.0}, "ja")
    out = tmp_path / "waited.yaml"
    flowmap.save(waited, out)
    again = flowmap.load(out)
    assert [(t.name, t.category) for t in again.tools] == [(t.name, t.category) for t in waited.tools]
    base = flowmap.simulate(plain, days=5, replications=1, seed=3)
    slow = flowmap.simulate(again, days=5, replications=1, seed=3)
    assert slow.lead_time.mean > base.lead_time.mean + 60


def _two_people(tmp_path: Path, sender_tools: str, receiver_tools: str, per_day: int = 400,
                hours: str = "24h", days: str = "毎日", headcount: int = 200) -> flowmap.Flow:
    """A → B → C between three teams; by default round the clock and big enough never to queue: every gap at a
    handoff is the handoff's delay alone, so its mean is known exactly."""
    text = f"""flowmap: 1
name: 引き継ぎ待ちの検証
language: ja
settings: {{orders_per_day: {per_day}, days: 10, seed: 7, replications: 1}}
lanes:
- {{name: 受注, kind: operator}}
- {{name: 物流, kind: operator}}
owners:
- {{name: 受注チーム, lane: 受注, kind: team, headcount: {headcount}, hours: {hours}, days: {days}}}
- {{name: 物流チーム, lane: 物流, kind: team, headcount: {headcount}, hours: {hours}, days: {days}}}
- {{name: 出荷チーム, lane: 物流, kind: team, headcount: {headcount}, hours: {hours}, days: {days}}}
tools:
- {{name: メール, category: communication, delay: exp(60)}}
- {{name: チャット, category: communication, delay: exp(20)}}
- {{name: "引き継ぎ: 引き当てる", category: wait, delay: exp(30)}}
steps:
- {{id: A, name: 受け付ける, lane: 受注, owner: 受注チーム, duration: exp(4), tools: [{sender_tools}], next: B}}
- {{id: B, name: 引き当てる, lane: 物流, owner: 物流チーム, duration: exp(4), tools: [{receiver_tools}], next: C}}
- {{id: C, name: 出荷する, lane: 物流, owner: 出荷チーム, duration: exp(4)}}
"""
    path = tmp_path / f"f{len(list(tmp_path.glob('f*.yaml')))}.yaml"
    path.write_text(text, encoding="utf-8")
    return flowmap.load(path)


def _gap(flow: flowmap.Flow, source: str, target: str) -> tuple[float, int]:
    owners = {s.id: s.owners[0] for s in flow.steps}
    res = flowmap.simulate(flow, replications=1, seed=7)
    h = next(h for h in res.replications[0].handoffs if (h.from_owner, h.to_owner) == (owners[source], owners[target]))
    return h.wait_mean_minutes, int(h.count)


@pytest.mark.parametrize(("sender", "receiver", "mean"), [
    ("メール", "", 60.0),                                 # the channel alone
    ("", "'引き継ぎ: 引き当てる'", 30.0),                  # the receiving step's wait alone
    ("メール", "'引き継ぎ: 引き当てる'", 90.0),            # both: a delay on the sender does not hide the wait
    ("メール, '引き継ぎ: 引き当てる'", "チャット", 60.0),  # a wait tool waits before its own step, not after it
    ("", "チャット, '引き継ぎ: 引き当てる'", 50.0),       # the receiving step's channel, then its wait
])
def test_a_handoff_waits_for_its_channel_then_the_receivers_wait(tmp_path: Path, sender: str, receiver: str,
                                                                 mean: float) -> None:
    flow = _two_people(tmp_path, sender, receiver)
    got, n = _gap(flow, "A", "B")
    # exponential delays: standard deviation of the sum = sqrt(sum of the squared means)
    parts = {60.0: [60.0], 30.0: [30.0], 90.0: [60.0, 30.0], 50.0: [20.0, 30.0]}[mean]
    se = math.sqrt(sum(m * m for m in parts) / n)
    assert n > 3000
    assert abs(got - mean) < 4 * se, (got, mean, se)
    # the analyzer reckons the same wait as the engine
    findings = [f for f in flowmap.run_analysis(flow).findings if f.key == "handoffs:wait:A->B"]
    assert [f.params["wait_minutes"] for f in findings] == [mean]
    # the wait tool on B is not a wait after B: B → C waits only for B's channel, if B has one
    gap_bc, n_bc = _gap(flow, "B", "C")
    if "チャット" in receiver:
        assert abs(gap_bc - 20.0) < 4 * 20.0 / math.sqrt(n_bc)
    else:
        assert gap_bc == 0.0


def test_wait_findings_say_what_is_waited_for(tmp_path: Path) -> None:
    both = _two_people(tmp_path, "メール", "'引き継ぎ: 引き当てる'")
    wait_only = _two_people(tmp_path, "", "'引き継ぎ: 引き当てる'")
    mail_only = _two_people(tmp_path, "メール", "")

    def message(flow: flowmap.Flow, lang: str) -> str:
        f = next(f for f in flowmap.run_analysis(flow).findings if f.code == "handoffs.tool_wait")
        return f.words(lang).message

    assert "for メール to be read and then at the handoff (引き継ぎ: 引き当てる) before B is taken up" in message(both, "en")
    assert "メール を読まれるまでと、その後 B に取りかかるまでの引き継ぎ待ち（引き継ぎ: 引き当てる）で平均約 90 分" in message(both, "ja")
    for lang, read in (("en", "to be read"), ("ja", "読まれる")):
        assert read not in message(wait_only, lang)
        assert read in message(mail_only, lang)
    assert "B に取りかかるまでの引き継ぎ待ち（引き継ぎ: 引き当てる）で平均約 30 分" in message(wait_only, "ja")


def test_wait_tools_are_not_tools_of_the_work(tmp_path: Path) -> None:
    only_waits = _two_people(tmp_path, "", "'引き継ぎ: 引き当てる'")
    result = flowmap.run_analysis(only_waits)
    assert "tool_scatter" in result.skipped
    assert result.summary().tools == 2  # メール and チャット; the wait tool is not counted


@pytest.mark.parametrize(("lang", "note"), [("en", "note: 1 wait tool (handoff delays, not counted as tools): 引き継ぎ: 引き当てる"),
                                            ("ja", "注: 待ちツール 1 件（引き継ぎの遅れ。ツールには数えません）: 引き継ぎ: 引き当てる")])
def test_validate_counts_the_tools_of_the_work_and_names_the_waits(tmp_path: Path, cli: Any, lang: str,
                                                                   note: str) -> None:
    _two_people(tmp_path, "メール", "'引き継ぎ: 引き当てる'")
    r = cli("validate", tmp_path / "f0.yaml", "--lang", lang)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0].startswith("ok: 3 steps, 2 lanes, 3 owners, 2 tools")  # as analyze's summary
    assert note in r.stdout.splitlines()


def test_discover_puts_the_handoff_wait_on_the_receiving_step(tmp_path: Path) -> None:
    """A log of A → B → C (office hours, a mail channel and a wait into B): discover learns one wait tool, on B,
    and the discovered flow waits at that handoff as long as the log does, and not after B."""
    from click.testing import CliRunner

    from flowmap.cli import main

    made = tmp_path / "made"
    made.mkdir()
    _two_people(made, "メール", "'引き継ぎ: 引き当てる'", per_day=100, hours="9:00-18:00", days="月-金", headcount=2)
    log, found = tmp_path / "log.csv", tmp_path / "found.yaml"
    runner = CliRunner()
    r = runner.invoke(main, ["simulate", str(made / "f0.yaml"), "--days", "56", "--replications", "1",
                             "--start", "2024-04-01", "--events", str(log)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["discover", str(log), "-o", str(found)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    flow = flowmap.load(found)
    by_name = {s.name: s for s in flow.steps}
    waits = [t for t in flow.tools if t.category == "wait"]
    assert [t.name for t in waits] == ["引き継ぎ: 引き当てる"]
    assert [by_name[n].tools for n in ("受け付ける", "引き当てる", "出荷する")] == [[], ["引き継ぎ: 引き当てる"], []]
    # the log's gaps, from the log itself
    rows: dict[str, dict[str, tuple[dt.datetime, dt.datetime]]] = {}
    with log.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            rows.setdefault(row["case_id"], {})[row["activity"]] = (dt.datetime.fromisoformat(row["start"]),
                                                                    dt.datetime.fromisoformat(row["end"]))
    ab = [(c["引き当てる"][0] - c["受け付ける"][1]).total_seconds() / 60 for c in rows.values() if "引き当てる" in c]
    bc = [(c["出荷する"][0] - c["引き当てる"][1]).total_seconds() / 60 for c in rows.values() if "出荷する" in c]
    sim = {(h.from_owner, h.to_owner): h.wait_mean_minutes
           for h in flowmap.simulate(flow, replications=1, seed=1).replications[0].handoffs}
    log_ab, log_bc = sum(ab) / len(ab), sum(bc) / len(bc)
    assert abs(sim[("受注チーム", "物流チーム")] - log_ab) < 0.05 * log_ab, (sim, log_ab)
    assert abs(sim[("物流チーム", "出荷チーム")] - log_bc) < max(10.0, 0.25 * log_bc), (sim, log_bc)


def test_the_view_counts_the_tools_of_the_work(tmp_path: Path, cli: Any) -> None:
    _two_people(tmp_path, "メール", "'引き継ぎ: 引き当てる'")
    out = tmp_path / "v.html"
    assert cli("view", tmp_path / "f0.yaml", "-o", out, "--lang", "en").exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "3 owners · 2 tools ·" in page and "3 tools" not in page  # メール, チャット; not the wait
