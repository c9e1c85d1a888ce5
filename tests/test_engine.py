"""The simulation package's parts: random streams (common random numbers), milestone segments,
streaming statistics, the replication's pieces, analytic capacity."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import subprocess
import sys
from collections.abc import Callable, Generator
from pathlib import Path

import pytest
from click.testing import Result

import flowmap
from flowmap.capacity import owner_capacity
from flowmap.graph import build_graph
from flowmap.milestones import MilestoneError, parse_milestones
from flowmap.model import Duration, Edge, Flow, Lane, Milestone, Owner, Settings, Step, WorkHours
from flowmap.render.simulation import events_csv
from flowmap.simulation import Replication, RunPlan
from flowmap.simulation.statistics import Histogram
from flowmap.simulation.streams import Streams

from .conftest import MODELS

Run = Callable[..., Result]
ALWAYS = WorkHours(start=0, end=1440)
EVERY_DAY = list(range(7))
START = dt.date(2026, 11, 30)


def _exp(mean: float) -> Duration:
    return Duration(kind="exponential", params=(mean,))


def line(with_middle: bool) -> Flow:
    """S1 (desk) -> [S2 (desk)] -> S3 (desk) -> {S4 40 %, END 60 %}; every step random."""
    steps = [Step(id="S1", name="a", lane="ops", owners=["desk"], duration=_exp(3.0))]
    if with_middle:
        steps.append(Step(id="S2", name="b", lane="ops", owners=["desk"], duration=_exp(4.0)))
    steps += [Step(id="S3", name="c", lane="ops", owners=["desk"], duration=Duration(kind="uniform", params=(1.0, 9.0))),
              Step(id="S4", name="d", lane="ops", owners=["desk"], duration=_exp(2.0))]
    ids = [s.id for s in steps[:-1]]
    edges = [Edge(source=a, target=b) for a, b in itertools.pairwise(ids)]
    edges += [Edge(source="S3", target="S4", probability=0.4), Edge(source="S3", target="END", probability=0.6)]
    return Flow(settings=Settings(orders_per_day=60, days=10), lanes=[Lane(name="ops")],
                owners=[Owner(name="desk", lane="ops", headcount=2, hours=ALWAYS, days=EVERY_DAY)],
                steps=steps, edges=edges)


def _events(flow: Flow) -> list[tuple[int, str, str, str, float, float]]:
    return flowmap.simulate(flow, replications=1, seed=5, start=START, events=True).replications[0].events


def test_removing_a_step_does_not_shift_the_other_steps_draws() -> None:
    full, short = _events(line(True)), _events(line(False))
    # the same arrivals: the first step starts at the same moments (queueing at S1 aside, its first case)
    assert next(x for x in full if x[1] == "a")[4] == next(x for x in short if x[1] == "a")[4]
    for act in ("a", "c", "d"):
        a = sorted(round(x[5] - x[4], 6) for x in full if x[1] == act)
        b = sorted(round(x[5] - x[4], 6) for x in short if x[1] == act)
        n = min(len(a), len(b))
        assert n > 200
        # the k-th execution of a step draws the k-th number of its own stream in both flows
        # (the case finishing last may differ at the horizon, hence the common prefix by rank)
        common = len(set(a) & set(b))
        assert common >= n - 2, (act, common, n)
    # branch choices come from S3's own stream: the share of cases going on to S4 is the same
    assert abs(sum(x[1] == "d" for x in full) - sum(x[1] == "d" for x in short)) <= 2


def test_streams_are_named_and_independent() -> None:
    s = Streams(1, 1)
    assert s.get("duration", "S1") is s.get("duration", "S1")
    a = [s.get("duration", "S1").random() for _ in range(3)]
    b = [Streams(1, 1).get("duration", "S1").random() for _ in range(1)]
    assert a[0] == b[0]
    assert Streams(1, 2).get("duration", "S1").random() != a[0]
    assert Streams(1, 1).get("route", "S1").random() != a[0]


def test_a_flow_compared_with_itself_gives_identical_results() -> None:
    flow = flowmap.load(MODELS / "ec_order_asis.yaml")
    a = flowmap.simulate(flow, days=3, replications=2, start=START).to_dict()
    b = flowmap.simulate(flowmap.load(MODELS / "ec_order_asis.yaml"), days=3, replications=2, start=START, workers=2).to_dict()
    assert json.dumps(a) == json.dumps(b)


def tandem() -> Flow:
    sysd = Owner(name="sys", lane="ops", kind="system")
    return Flow(settings=Settings(orders_per_day=50, days=3, milestones=[Milestone(name="1→2", start="S1", end="S2")]),
                lanes=[Lane(name="ops")], owners=[sysd],
                steps=[Step(id="S1", name="a", lane="ops", owners=["sys"], mode="auto", duration=Duration(params=(5.0,))),
                       Step(id="S2", name="b", lane="ops", owners=["sys"], mode="auto", duration=Duration(params=(7.0,))),
                       Step(id="S3", name="c", lane="ops", owners=["sys"], mode="auto", duration=Duration(params=(11.0,)))],
                edges=[Edge(source="S1", target="S2"), Edge(source="S2", target="S3")])


def test_segments_measure_from_reaching_the_first_step_to_the_end_of_the_last() -> None:
    r = flowmap.simulate(tandem(), replications=2, seed=1, start=START, between=("S3", "S3"))
    seg = {s.name: s for s in r.segments}
    assert seg["1→2"].mean == seg["1→2"].p50 == seg["1→2"].p90 == 12.0
    assert seg["S3→S3"].mean == 11.0 and seg["S3→S3"].start == "S3"
    assert seg["1→2"].count == pytest.approx(r.completed, abs=2)


def test_segments_from_settings_round_trip_through_workbook_and_model_file(tmp_path: Path) -> None:
    flow = flowmap.load(MODELS / "ec_order_asis.yaml")
    assert [(m.name, m.start, m.end) for m in flow.settings.milestones] == [("注文→出荷", "C6", "O6"), ("注文→お届け", "C6", "C9")]
    for ext in ("xlsx", "yaml", "json"):
        out = tmp_path / f"f.{ext}"
        flowmap.save(flow, out)
        assert flowmap.load(out).settings.milestones == flow.settings.milestones, ext


@pytest.mark.parametrize(("value", "expected"), [
    ("注文→出荷: C6-O6, 注文→お届け: C6-C9", [("注文→出荷", "C6", "O6"), ("注文→お届け", "C6", "C9")]),
    ("注文→出荷：C6〜O6、x: S-1 → S-2", [("注文→出荷", "C6", "O6"), ("x", "S-1", "S-2")]),
    ({"a": "C1-C2", "b": ["C3", "C4"]}, [("a", "C1", "C2"), ("b", "C3", "C4")]),
    ([{"name": "a", "from": "C1", "to": "C2"}, "C3-C4"], [("a", "C1", "C2"), ("C3→C4", "C3", "C4")]),
])
def test_parse_milestones(value: object, expected: list[tuple[str, str, str]]) -> None:
    assert [(m.name, m.start, m.end) for m in parse_milestones(value)] == expected


@pytest.mark.parametrize("value", ["a: C1", "a: C1-C2-C3", 7, {"a": 3}])
def test_parse_milestones_rejects(value: object) -> None:
    with pytest.raises(MilestoneError):
        parse_milestones(value)


def test_bad_milestones_are_located(cli: Run, tmp_path: Path) -> None:
    src = (MODELS / "ec_order_tobe.yaml").read_text(encoding="utf-8")
    p = tmp_path / "m.yaml"
    p.write_text(src.replace("注文→お届け: C6-C9", "注文→お届け: C6-X9"), encoding="utf-8")
    r = cli("validate", p, "--lang", "en")
    assert r.exit_code == 2 and "X9" in r.output and f"{p}:" in r.output and "Traceback" not in r.output
    r = cli("simulate", MODELS / "ec_order_tobe.yaml", "--between", "C6", "NOPE", "--days", "1")
    assert r.exit_code == 2 and "--between" in r.output and "NOPE" in r.output


def test_cli_between_and_streamed_events(cli: Run, tmp_path: Path) -> None:
    ev = tmp_path / "ev.csv"
    r = cli("simulate", MODELS / "ec_order_tobe.yaml", "--days", "3", "--replications", "2", "--format", "json",
            "--between", "C6", "O6", "--events", ev, "--start", "2026-11-30")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)  # stderr says "wrote ev.csv"
    names = [s["name"] for s in data["segments"]]
    assert names == ["注文→出荷", "注文→お届け", "C6→O6"]
    assert data["segments"][0]["mean"] == data["segments"][2]["mean"] > 0
    assert set(data["segments"][0]) >= {"name", "from", "to", "mean", "p50", "p90"}
    # the streamed log equals the one kept in memory
    kept = flowmap.simulate(flowmap.load(MODELS / "ec_order_tobe.yaml"), days=3, replications=2, start=START, events=True)
    assert ev.read_text(encoding="utf-8") == events_csv(kept)
    r = cli("simulate", MODELS / "ec_order_asis.yaml", "--days", "2", "--replications", "1", "--lang", "en")
    assert "segment 注文→出荷 (C6 → O6): mean" in r.output
    assert "capacity: 事務スタッフ saturates at 114 orders/day" in r.output


def test_histogram_quantiles_within_a_tenth_of_a_percent() -> None:
    rng = random.Random(3)
    xs = [rng.lognormvariate(5, 1.5) for _ in range(20_000)] + [0.0] * 50
    h = Histogram()
    for x in xs:
        h.add(x)
    s = sorted(xs)
    for q in (0.1, 0.5, 0.9, 0.95, 0.999):
        pos = q * (len(s) - 1)
        lo = int(pos)
        exact = s[lo] + (s[min(lo + 1, len(s) - 1)] - s[lo]) * (pos - lo)
        assert h.quantile(q) == pytest.approx(exact, rel=0.0011), q
    assert h.mean == pytest.approx(sum(xs) / len(xs), rel=1e-12)
    assert h.quantile(0.001) == 0.0 and h.max == max(xs)
    same = Histogram()
    for _ in range(10):
        same.add(42.5)
    assert same.quantile(0.5) == same.quantile(0.9) == 42.5
    assert len(h.bins) < 20_000  # bounded by the spread, not the count


def test_replication_parts() -> None:
    flow = line(True)
    rep = Replication(flow, RunPlan(days=2, orders_per_day=120, seed=1, start=START), 1)
    assert [s.kind for s in rep.steps] == [1, 1, 1, 1]  # all queue at the desk
    assert rep.steps[2].targets == [3, -1] and rep.steps[2].route is not None
    assert rep.steps[0].route is None  # one way on: no draw
    assert rep.volumes() == {"S1": 120.0}
    draws = [rep.steps[2].next_index() for _ in range(2000)]
    assert draws.count(3) / 2000 == pytest.approx(0.4, abs=0.04)
    res = rep.run()
    assert res.arrived == pytest.approx(240, rel=0.2) and res.completed <= res.arrived


def test_capacity_of_a_five_minute_step_round_the_clock_is_288_orders_a_day(cli: Run, tmp_path: Path) -> None:
    flow = Flow(settings=Settings(orders_per_day=100), lanes=[Lane(name="ops")],
                owners=[Owner(name="受注担当", lane="ops", headcount=1, hours=ALWAYS, days=EVERY_DAY)],
                steps=[Step(id="S1", name="enter", lane="ops", owners=["受注担当"], duration=_exp(5.0))])
    caps = owner_capacity(flow, build_graph(flow))
    assert caps[0].owner == "受注担当" and caps[0].max_orders_per_day == pytest.approx(288.0)
    assert caps[0].utilization == pytest.approx(100 / 288)
    p = tmp_path / "one.yaml"
    flowmap.save(flow, p)
    r = cli("analyze", p, "--format", "json")
    assert json.loads(r.output)["capacity"][0]["max_orders_per_day"] == 288.0
    r = cli("analyze", p, "--lang", "en")
    assert "受注担当 saturates at 288 orders/day" in r.output
    r = cli("simulate", p, "--days", "2", "--replications", "1", "--format", "json", "--orders-per-day", "144")
    cap = json.loads(r.output)["capacity"][0]
    assert cap["max_orders_per_day"] == 288.0 and cap["utilization"] == 0.5


def test_servers_are_first_come_first_served() -> None:
    import simpy

    from flowmap.simulation.engine import Servers

    env = simpy.Environment()
    desk = Servers(env, 2)
    order: list[tuple[str, float]] = []

    def job(name: str, arrive: float, work: float) -> Generator[simpy.Event, object, None]:
        yield env.timeout(arrive)
        turn = desk.acquire()
        if turn is not None:
            yield turn
        order.append((name, env.now))
        yield env.timeout(work)
        desk.release()

    for name, arrive, work in [("a", 0, 10), ("b", 1, 10), ("c", 2, 1), ("d", 3, 1)]:
        env.process(job(name, arrive, work))
    env.run()
    assert order == [("a", 0), ("b", 1), ("c", 10), ("d", 11)]
    assert desk.free == 2 and not desk.queue


def test_import_flowmap_loads_no_heavy_library() -> None:
    code = ("import sys, flowmap, flowmap.cli; "
            "print(sorted(m for m in ('openpyxl', 'pydantic', 'networkx', 'simpy', 'yaml', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
    assert flowmap.Flow.__name__ == "Flow" and callable(flowmap.simulate)  # the names still resolve, on first use


def test_simulate_command_loads_no_networkx_nor_openpyxl(tmp_path: Path) -> None:
    """Start-up is part of the simulation's speed (benchmarks/simulate.py measures whole processes): a serial
    run loads neither the analyzers (capacity reads flowmap.workload) nor multiprocessing."""
    code = ("import sys\nfrom flowmap.cli import main\n"
            f"try:\n    main(['simulate', {str(MODELS / 'ec_order_tobe.yaml')!r}, '--days', '1', '--replications', '1', "
            f"'--format', 'json', '-o', {str(tmp_path / 'o.json')!r}])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('openpyxl', 'networkx', 'pyvis', 'rich', 'flowmap.analyze', 'multiprocessing', "
            "'concurrent.futures.process') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out.splitlines()[-1] == "[]"
