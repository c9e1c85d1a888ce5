"""Concurrency in an event log discovered as a fork and a join: a log simulated from a flow whose credit
check and stock check run in parallel discovers back into `注文 → 与信チェック & 在庫確認 → 出荷 (join: all)`,
fits its own log, and simulates the same lead time; activities seen in both orders that do not overlap in
time, or whose shape allows no fork, stay transitions both ways and discover says why."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from click.testing import CliRunner

import flowmap
from flowmap.cli import main
from flowmap.io.eventlog import read_log
from flowmap.mining.check import check
from flowmap.mining.discover import discover
from flowmap.model import END, Flow

PARALLEL = """flowmap: 1
name: 並行する確認
language: ja
settings: {orders_per_day: 60, days: 20, seed: 5, replications: 1}
lanes:
- {name: お客様, kind: customer}
- {name: 受注, kind: operator}
- {name: 物流, kind: operator}
owners:
- {name: 受注チーム, lane: 受注, kind: team, headcount: 12, hours: "9:00-18:00", days: 月-金}
- {name: 物流チーム, lane: 物流, kind: team, headcount: 12, hours: "9:00-18:00", days: 月-金}
- {name: 出荷チーム, lane: 物流, kind: team, headcount: 2, hours: "10:00-18:00", days: 月-土}
steps:
- {id: C1, name: 注文, lane: お客様, duration: 1, next: O1 & O2}
- {id: O1, name: 与信チェック, lane: 受注, owner: 受注チーム, duration: 10-20, next: O3}
- {id: O2, name: 在庫確認, lane: 物流, owner: 物流チーム, duration: 15-30, next: O3}
- {id: O3, name: 出荷, lane: 物流, owner: 出荷チーム, join: all, duration: 5-10, next: C2}
- {id: C2, name: 受け取り, lane: お客様, duration: 1}
"""


def _simulated_log(tmp_path: Path) -> tuple[Path, Path]:
    model = tmp_path / "parallel.yaml"
    model.write_text(PARALLEL, encoding="utf-8")
    log = tmp_path / "parallel.csv"
    r = CliRunner().invoke(main, ["simulate", str(model), "--days", "40", "--replications", "1", "--seed", "3",
                                  "--start", "2024-04-01", "--events", str(log)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return model, log


def _next(flow: Flow) -> dict[str, set[str]]:
    steps = flow.step_map()
    out: dict[str, set[str]] = {}
    for e in flow.edges:
        out.setdefault(steps[e.source].name, set()).add(END if e.target == END else steps[e.target].name)
    return out


def test_a_parallel_pair_is_discovered_as_fork_and_join(tmp_path: Path) -> None:
    model, log_path = _simulated_log(tmp_path)
    log = read_log(log_path)
    d = discover(log, tune=False)
    flow = d.flow
    by_name = {s.name: s for s in flow.steps}
    assert by_name["注文"].fork and by_name["出荷"].join == "all"
    assert not any(s.fork for s in flow.steps if s.name != "注文")
    nxt = _next(flow)
    assert nxt["注文"] == {"与信チェック", "在庫確認"}
    assert nxt["与信チェック"] == {"出荷"} and nxt["在庫確認"] == {"出荷"}  # no transitions between the two
    assert all(e.probability == 1.0 for e in flow.edges if e.source == by_name["注文"].id)
    assert any("並行" in line and "与信チェック" in line and "在庫確認" in line for line in d.lines)
    # the directly-follows graph had both orders: the log really interleaves them
    acts = {a: i for i, a in enumerate(log.activities)}
    assert d.profile is not None
    tr = d.profile.transitions
    assert tr[(acts["与信チェック"], acts["在庫確認"])] > 0 and tr[(acts["在庫確認"], acts["与信チェック"])] > 0
    # the discovered flow fits its own log, both orders of the pair included
    res = check(flow, log, simulate_model=False)
    assert res.fitness == 1.0 and res.replay_fitness == 1.0, res.deviations[:3]
    assert not any(b["from"] == by_name["注文"].id for b in res.branches)  # a fork is no choice to compare
    # and simulates the lead time of the flow it came from (same seed, days and start)
    orig = flowmap.load(model)
    start = dt.date(2024, 4, 1)
    a = flowmap.simulate(orig, days=40, replications=3, seed=9, start=start).lead_time
    b = flowmap.simulate(flow, days=40, replications=3, seed=9, start=start).lead_time
    assert abs(b.mean - a.mean) < 0.10 * a.mean, (a.mean, b.mean)
    # written and read back, the fork survives
    out = tmp_path / "found.yaml"
    flowmap.save(flow, out)
    again = flowmap.load(out)
    assert again.step_map()[by_name["注文"].id].fork and again.step_map()[by_name["出荷"].id].join == "all"
    assert {k: v for k, v in _next(again).items() if v != {END}} == {k: v for k, v in nxt.items() if v != {END}}


def test_either_order_without_overlap_stays_a_choice_of_order(tmp_path: Path) -> None:
    """The same two checks done one after the other, in either order: no overlap, no fork."""
    rng = random.Random(8)
    rows = []
    base = dt.datetime(2024, 4, 1, 9)
    for i in range(200):
        t = base + dt.timedelta(minutes=rng.uniform(0, 30 * 1440))
        first, second = ("与信チェック", "在庫確認") if rng.random() < 0.5 else ("在庫確認", "与信チェック")
        s1 = t + dt.timedelta(minutes=rng.uniform(5, 30))
        e1 = s1 + dt.timedelta(minutes=rng.uniform(10, 20))
        s2 = e1 + dt.timedelta(minutes=rng.uniform(1, 30))
        e2 = s2 + dt.timedelta(minutes=rng.uniform(10, 20))
        e3 = e2 + dt.timedelta(minutes=rng.uniform(30, 90))
        rows += [[f"K{i}", "注文", "", t.isoformat()], [f"K{i}", first, s1.isoformat(), e1.isoformat()],
                 [f"K{i}", second, s2.isoformat(), e2.isoformat()], [f"K{i}", "出荷", "", e3.isoformat()]]
    p = tmp_path / "seq.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["case:concept:name", "concept:name", "start_timestamp", "time:timestamp"])
        w.writerows(rows)
    log = read_log(p)
    d = discover(log, tune=False)
    assert not any(s.fork for s in d.flow.steps) and not any(s.join == "all" for s in d.flow.steps)
    assert not any("並行" in line for line in d.lines)
    assert d.profile is not None
    acts = {a: i for i, a in enumerate(log.activities)}
    both = [d.profile.transitions[(acts[x], acts[y])] for x, y in (("与信チェック", "在庫確認"), ("在庫確認", "与信チェック"))]
    assert min(both) > 50  # both orders, about half each


def test_overlap_with_a_choice_after_it_is_said_and_kept(tmp_path: Path) -> None:
    """The messy log's credit and stock checks overlap in most cases, but a wait step stands before the stock
    check and a choice (pay, be reminded, cancel) after both: no single fork and join, so no fork; discover says
    so."""
    from .test_mining import _messy_log

    d = discover(read_log(_messy_log(tmp_path / "messy.csv")), tune=False)
    assert not any(s.fork for s in d.flow.steps)
    said = [line for line in d.lines if "与信チェックと在庫確認" in line]
    assert len(said) == 1 and "の案件で並行しますが、前の工程が一つではないため、双方向の遷移のままにします" in said[0], d.lines
