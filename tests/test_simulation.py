"""The simulation checked against queueing theory and calendar rules, with fixed seeds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import flowmap
from flowmap.model import Duration, Edge, Flow, Lane, Owner, Schedule, Settings, Step, WorkHours
from flowmap.render.simulation import events_csv
from flowmap.simulation.calendar import Calendar

from .conftest import MODELS, branching_network

Run = Callable[..., Result]
ALWAYS = WorkHours(start=0, end=1440)
EVERY_DAY = list(range(7))


def erlang_c_wait(c: int, lam: float, mu: float) -> float:
    a = lam / mu
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def mmc(c: int, mean: float, rho: float, days: float) -> Flow:
    lam = rho * c / mean
    return Flow(
        settings=Settings(orders_per_day=lam * 1440, days=days), lanes=[Lane(name="ops")],
        owners=[Owner(name="desk", lane="ops", headcount=c, hours=ALWAYS, days=EVERY_DAY)],
        steps=[Step(id="S1", name="serve", lane="ops", owners=["desk"], duration=Duration(kind="exponential", params=(mean,)))],
    )


@pytest.mark.parametrize(("c", "days"), [(1, 2000), (3, 700)])
def test_mmc_wait_matches_erlang_c(c: int, days: int) -> None:
    # utilization 0.8, exponential service of 10 min, Poisson arrivals, 24 h every day;
    # 4 replications of ~230,000 cases each, spread over two processes
    flow = mmc(c, 10.0, 0.8, days)
    r = flowmap.simulate(flow, replications=4, seed=1, workers=2)
    expected = erlang_c_wait(c, 0.8 * c / 10.0, 0.1)
    assert r.steps[0].wait_mean_minutes == pytest.approx(expected, rel=0.05)
    assert r.owners[0].utilization == pytest.approx(0.8, rel=0.01)


def test_littles_law() -> None:
    # a small network with a branch and two queues; L = throughput x W
    flow = branching_network(Settings(orders_per_day=200, days=300))
    rep = flowmap.simulate(flow, replications=1, seed=3).replications[0]
    assert rep.mean_in_system == pytest.approx(rep.throughput_per_minute * rep.lead_time.mean, rel=0.02)


def test_calendar_next_open() -> None:
    owner = Owner(name="x", hours=WorkHours(start=540, end=1080), days=[0, 1, 2, 3, 4])
    friday = dt.date(2026, 11, 27)
    cal = Calendar(owner, friday, 30, {dt.date(2026, 12, 1)}, honour_closed=True)
    assert cal.next_open(20 * 60) == 3 * 1440 + 540  # Friday 20:00 -> Monday 9:00
    assert cal.next_open(8 * 60) == 540  # before opening -> same day 9:00
    assert cal.next_open(10 * 60) == 600  # open -> now
    assert cal.next_open(3 * 1440 + 19 * 60) == 5 * 1440 + 540  # Monday evening; Tuesday closed -> Wednesday


def test_evening_arrivals_start_at_nine_next_working_day() -> None:
    profile = [0.0] * 24
    profile[20] = 1.0  # every case arrives between 20:00 and 21:00
    thursday = dt.date(2026, 11, 26)
    flow = Flow(
        settings=Settings(orders_per_day=30, days=5, hourly_profile=profile), lanes=[Lane(name="ops")],
        owners=[Owner(name="clerk", lane="ops", headcount=500, hours=WorkHours(start=540, end=1080), days=[0, 1, 2, 3, 4])],
        steps=[Step(id="S1", name="enter", lane="ops", owners=["clerk"], duration=Duration(kind="fixed", params=(1.0,)))],
    )
    r = flowmap.simulate(flow, replications=1, seed=2, start=thursday, events=True)
    rows = list(csv.DictReader(io.StringIO(events_csv(r))))
    starts = [dt.datetime.fromisoformat(x["start"]) for x in rows]
    assert starts and all(s.time() == dt.time(9, 0) for s in starts)
    days = {s.date() for s in starts}
    assert days == {dt.date(2026, 11, 27), dt.date(2026, 11, 30)}  # Thu -> Fri; Fri, Sat, Sun -> Mon
    # Thursday's cases wait ~13 h, the weekend's much longer
    assert r.steps[0].wait_mean_minutes > 13 * 60


def test_daily_batch_waits_half_a_day_on_average() -> None:
    flow = Flow(
        settings=Settings(orders_per_day=200, days=60), lanes=[Lane(name="ops")],
        owners=[Owner(name="system", lane="ops", kind="system")],
        steps=[Step(id="S1", name="allocate", lane="ops", owners=["system"], mode="batch",
                    batch=Schedule(kind="daily", times=[540]), duration=Duration(kind="fixed", params=(0.0,)))],
    )
    r = flowmap.simulate(flow, replications=2, seed=1)
    assert r.steps[0].wait_mean_minutes == pytest.approx(720, rel=0.02)


def test_count_batch_releases_every_n() -> None:
    flow = Flow(
        settings=Settings(orders_per_day=1440, days=2), lanes=[Lane(name="ops")],
        owners=[Owner(name="system", lane="ops", kind="system")],
        steps=[Step(id="S1", name="print labels", lane="ops", owners=["system"], mode="batch",
                    batch=Schedule(kind="count", count=10), duration=Duration(kind="fixed", params=(0.0,)))],
    )
    r = flowmap.simulate(flow, replications=1, seed=1)
    # one arrival a minute: the first of ten waits ~9 min, the last none -> mean ~4.5 min
    assert r.steps[0].wait_mean_minutes == pytest.approx(4.5, rel=0.1)
    assert r.steps[0].count % 10 == 0


def test_same_seed_same_json_different_seed_differs() -> None:
    flow = flowmap.load(MODELS / "ec_order_asis.yaml")
    start = dt.date(2026, 11, 30)
    a = flowmap.simulate(flow, days=5, seed=7, replications=2, start=start).to_dict()
    b = flowmap.simulate(flow, days=5, seed=7, replications=2, start=start).to_dict()
    c = flowmap.simulate(flow, days=5, seed=8, replications=2, start=start).to_dict()
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(c)


def test_parallel_equals_serial() -> None:
    flow = flowmap.load(MODELS / "ec_order_tobe.yaml")
    start = dt.date(2026, 11, 30)
    serial = flowmap.simulate(flow, days=5, seed=3, replications=3, start=start, workers=1).to_dict()
    parallel = flowmap.simulate(flow, days=5, seed=3, replications=3, start=start, workers=2).to_dict()
    assert serial == parallel


def test_asis_lead_time_is_longer_than_tobe() -> None:
    start = dt.date(2026, 11, 30)
    asis = flowmap.simulate(flowmap.load(MODELS / "ec_order_asis.yaml"), seed=1, start=start)
    tobe = flowmap.simulate(flowmap.load(MODELS / "ec_order_tobe.yaml"), seed=1, start=start)
    assert asis.lead_time.ci95 is not None and tobe.lead_time.ci95 is not None
    assert asis.lead_time.ci95[0] > tobe.lead_time.ci95[1]  # the intervals do not even overlap


def test_holidays_close_the_office() -> None:
    base = dict(lanes=[Lane(name="ops")],
                owners=[Owner(name="clerk", lane="ops", headcount=5, days=EVERY_DAY)],
                steps=[Step(id="S1", name="enter", lane="ops", owners=["clerk"], duration=Duration(kind="fixed", params=(1.0,)))])
    start = dt.date(2026, 12, 29)  # into the new year
    open_ = flowmap.simulate(Flow(settings=Settings(days=6), **base), replications=1, start=start)
    closed = flowmap.simulate(Flow(settings=Settings(days=6, holidays="JP", closed=[dt.date(2026, 12, 30)]), **base),
                              replications=1, start=start)
    assert closed.owners[0].scheduled_minutes < open_.owners[0].scheduled_minutes
    assert closed.steps[0].wait_mean_minutes > open_.steps[0].wait_mean_minutes


def test_cli_simulate_json_events_and_bad_options(cli: Run, tmp_path: Path) -> None:
    ev = tmp_path / "ev.csv"
    r = cli("simulate", MODELS / "ec_order_tobe.yaml", "--days", "3", "--replications", "2", "--format", "json",
            "--events", ev, "--start", "2026-11-30")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)  # stderr says "wrote ev.csv"
    assert set(data) >= {"settings", "cases", "lead_time_minutes", "steps", "owners", "handoffs"}
    assert data["settings"]["days"] == 3 and data["settings"]["replications"] == 2
    assert set(data["lead_time_minutes"]) >= {"mean", "p50", "p90", "p95", "max", "ci95"}
    assert set(data["steps"][0]) >= {"step", "name", "count", "wait_mean_minutes", "service_mean_minutes"}
    assert set(data["owners"][0]) >= {"owner", "utilization", "busy_minutes"}
    assert ev.read_text(encoding="utf-8").splitlines()[0] == "case_id,activity,resource,lane,start,end"
    for bad in (["--days", "0"], ["--days", "-3"], ["--days", "x"], ["--replications", "0"], ["--orders-per-day", "-1"]):
        out = tmp_path / "never.json"
        r = cli("simulate", MODELS / "ec_order_tobe.yaml", *bad, "-o", out)
        assert r.exit_code == 2 and "Traceback" not in r.output, bad
        assert not out.exists()


def test_overloaded_flow_ends_and_says_so(cli: Run, tmp_path: Path) -> None:
    p = tmp_path / "over.yaml"
    p.write_text(
        "settings: {orders_per_day: 100}\n"
        "owners:\n- {name: 受注チーム, lane: 受注, headcount: 1, hours: '9:00-17:00', days: 毎日}\n"
        "steps:\n- {id: S1, name: 受注入力, lane: 受注, owner: 受注チーム, duration: 6.24}\n",
        encoding="utf-8")
    r = cli("simulate", p, "--days", "5", "--replications", "1", "--lang", "ja")
    assert r.exit_code == 0
    assert "受注チーム は過負荷です: 稼働枠の 130 %" in r.output
    r = cli("simulate", p, "--days", "5", "--replications", "1", "--lang", "en")
    assert "受注チーム is overloaded: 130 % of capacity" in r.output


def test_several_entry_steps_and_orders_per_day_override() -> None:
    flow = Flow(
        settings=Settings(days=50), lanes=[Lane(name="customer", kind="customer"), Lane(name="ops")],
        owners=[Owner(name="desk", lane="ops", headcount=3, hours=ALWAYS, days=EVERY_DAY)],
        steps=[Step(id="W", name="web order", lane="customer", volume=70.0),
               Step(id="P", name="phone order", lane="customer", volume=30.0),
               Step(id="S", name="enter", lane="ops", owners=["desk"], duration=Duration(kind="fixed", params=(1.0,)))],
        edges=[Edge(source="W", target="S"), Edge(source="P", target="S")],
    )
    r = flowmap.simulate(flow, replications=1, seed=4)
    counts = {s.step: s.count for s in r.steps}
    assert counts["W"] / 50 == pytest.approx(70, rel=0.05) and counts["P"] / 50 == pytest.approx(30, rel=0.08)
    assert 0 <= counts["W"] + counts["P"] - counts["S"] <= 3  # at most the three in service at the horizon
    doubled = flowmap.simulate(flow, replications=1, seed=4, orders_per_day=200)
    assert doubled.arrived / 50 == pytest.approx(200, rel=0.05)
    assert doubled.settings.orders_per_day == 200
