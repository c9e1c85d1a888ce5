"""discover, check and calibrate on real log files: the simulated as-is flow round trip (CSV and XES), a messy
log with concurrency, loops, cancellations and missing starts, the bundled wide order export, and PM4Py as a
cross-check of the reader and of fitness."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from flowmap import load
from flowmap.graph import build_graph
from flowmap.io.eventlog import read_log
from flowmap.mining.check import check
from flowmap.mining.discover import discover, is_wait_step
from flowmap.mining.fit import fit_duration, quantile
from flowmap.model import END, Flow, check_flow
from flowmap.simulation import simulate

ROOT = Path(__file__).resolve().parent.parent
ASIS = ROOT / "models" / "ec_order_asis.yaml"
EXPORT = ROOT / "examples" / "orders_export.csv"
START = dt.date(2024, 4, 1)


def _edges(flow: Flow) -> dict[tuple[str, str], float]:
    """(source name, target name or END) → probability; a step without edges ends the case."""
    steps = flow.step_map()
    out: dict[tuple[str, str], float] = {}
    for e in flow.edges:
        out[(steps[e.source].name, END if e.target == END else steps[e.target].name)] = e.probability
    for s in flow.steps:
        if not any(e.source == s.id for e in flow.edges):
            out[(s.name, END)] = 1.0
    return out


@pytest.fixture(scope="module", params=["csv", "xes"])
def round_trip(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Flow, Flow, Path]:
    from click.testing import CliRunner

    from flowmap.cli import main

    d = tmp_path_factory.mktemp(f"rt_{request.param}")
    log = d / f"asis.{request.param}"
    out = d / "found.yaml"
    runner = CliRunner()
    r = runner.invoke(main, ["simulate", str(ASIS), "--days", "60", "--replications", "1", "--start", "2024-04-01",
                             "--events", str(log)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["discover", str(log), "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return load(ASIS), load(out), log


def test_round_trip_same_steps_and_edges(round_trip: tuple[Flow, Flow, Path]) -> None:
    orig, found, log_path = round_trip
    assert sorted(s.name for s in orig.steps) == sorted(s.name for s in found.steps)
    a, b = _edges(orig), _edges(found)
    assert set(a) == set(b)
    log = read_log(log_path)
    runs = {name: 0 for name in log.activities}
    for act in log.act:
        runs[log.activities[act]] += 1
    wide = []
    for k, p in a.items():
        # a share learned from n cases is off by sqrt(p(1-p)/n) by chance: 0.02 holds for the busy
        # branches; a rare one (the reminder, seen ~500 times) may miss it by chance alone
        se = (p * (1 - p) / runs[k[0]]) ** 0.5
        assert abs(b[k] - p) <= max(0.02, 3 * se), (k, p, b[k], se)
        if abs(b[k] - p) > 0.02:
            wide.append(k)
    assert len({k[0] for k in wide}) <= 1, wide  # one rare branch point at most


def test_round_trip_service_times_modes_and_owners(round_trip: tuple[Flow, Flow, Path]) -> None:
    orig, found, _ = round_trip
    fs = {s.name: s for s in found.steps}
    for s in orig.steps:
        f = fs[s.name]
        assert abs(f.duration.mean - s.duration.mean) <= 0.05 * s.duration.mean, (s.name, s.duration, f.duration)
        assert f.mode == s.mode, s.name
        if s.batch is not None:
            assert f.batch == s.batch
    fo = found.owner_map()
    for o in orig.owners:
        if o.is_system:
            assert fo[o.name].is_system
        elif o.name in fo:
            assert (fo[o.name].work_hours, sorted(fo[o.name].work_days), fo[o.name].capacity) == \
                (o.work_hours, sorted(o.work_days), o.capacity), o.name
    assert abs(found.settings.orders_per_day - orig.settings.orders_per_day) <= 5
    assert "ログから発見" in found.name and all(s.note for s in found.steps)


def test_round_trip_lead_time(round_trip: tuple[Flow, Flow, Path]) -> None:
    orig, found, _ = round_trip
    a = simulate(orig, days=60, start=START).lead_time
    b = simulate(found, days=60, start=START).lead_time
    assert abs(b.mean - a.mean) <= 0.10 * a.mean, (a, b)
    assert abs(b.p90 - a.p90) <= 0.10 * a.p90, (a, b)


# ------------------------------------------------------------- a messy log

def _messy_log(path: Path, seed: int = 3, n: int = 400) -> Path:
    """Orders with a concurrent credit and stock check, repeated payment reminders, cancellations,
    missing start times and rows out of order; staff work 9:00-18:00 on weekdays."""
    rng = random.Random(seed)
    base = dt.datetime(2024, 6, 3)

    def work(t: dt.datetime, minutes: float) -> tuple[dt.datetime, dt.datetime]:
        while t.weekday() >= 5 or t.hour >= 18:
            t = (t + dt.timedelta(days=1)).replace(hour=9, minute=0)
        if t.hour < 9:
            t = t.replace(hour=9, minute=0)
        return t, t + dt.timedelta(minutes=minutes)

    rows: list[list[str]] = []
    for i in range(n):
        cid = f"K{i:04d}"
        t = base + dt.timedelta(minutes=rng.uniform(0, 20 * 1440))
        rows.append([cid, "注文", "", "", t.isoformat(), "お客様"])
        s1, e1 = work(t + dt.timedelta(minutes=rng.uniform(5, 60)), rng.uniform(5, 15))
        s2, e2 = work(t + dt.timedelta(minutes=rng.uniform(5, 60)), rng.uniform(10, 30))
        rows.append([cid, "与信チェック", rng.choice(["田中", "佐藤"]), s1.isoformat(), e1.isoformat(), "受注"])
        rows.append([cid, "在庫確認", "鈴木", s2.isoformat(), e2.isoformat(), "物流"])
        t = max(e1, e2)
        for _ in range(rng.choices([0, 1, 2, 3], weights=[60, 25, 10, 5])[0]):
            s, e = work(t + dt.timedelta(days=1), 3)
            rows.append([cid, "入金督促", "高橋", s.isoformat(), e.isoformat(), "経理"])
            t = e
        if rng.random() < 0.1:
            rows.append([cid, "キャンセル", "", "", (t + dt.timedelta(hours=rng.uniform(1, 30))).isoformat(), "お客様"])
            continue
        t = t + dt.timedelta(hours=rng.uniform(0.1, 20))
        rows.append([cid, "入金", "", "", t.isoformat(), "お客様"])
        s, e = work(t + dt.timedelta(minutes=30), rng.uniform(10, 20))
        start = "" if rng.random() < 0.3 else s.isoformat()  # the warehouse often does not record starts
        rows.append([cid, "出荷", rng.choice(["山田", "伊藤", "木村"]), start, e.isoformat(), "物流"])
    rng.shuffle(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["case:concept:name", "concept:name", "org:resource", "start_timestamp", "time:timestamp", "org:group"])
        w.writerows(rows)
    return path


def test_messy_log_discovers_a_valid_flow_that_fits_its_log(tmp_path: Path, cli: Callable[..., Result]) -> None:
    p = _messy_log(tmp_path / "messy.csv")
    log = read_log(p)
    assert log.stats.missing_start > 0 and log.stats.out_of_order > 0
    flow = discover(log).flow
    assert check_flow(flow) == []
    build_graph(flow)
    names = {s.name for s in flow.steps if not is_wait_step(s)}
    assert names == {"注文", "与信チェック", "在庫確認", "入金督促", "キャンセル", "入金", "出荷"}
    e = _edges(flow)
    assert ("入金督促", "入金督促") in e  # the loop of repeated reminders
    assert ("与信チェック", "在庫確認") in e and ("在庫確認", "与信チェック") in e  # concurrency seen both ways
    owners = flow.owner_map()
    shipping = next(s for s in flow.steps if s.name == "出荷")
    assert owners[shipping.owners[0]].capacity == 3  # 山田, 伊藤, 木村 form one team
    assert shipping.lane == "物流" and next(la for la in flow.lanes if la.name == "お客様").kind == "customer"
    result = check(flow, log, simulate_model=False)
    assert result.fitness >= 0.95 and result.replay_fitness >= 0.95
    out = tmp_path / "messy.yaml"
    r = cli("discover", p, "-o", out, "--no-tune")
    assert r.exit_code == 0, r.output
    r = cli("check", out, p, "--format", "json", "--no-sim")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    for key in ("cases", "fitness", "fitting_cases", "deviations", "steps", "branches", "lead_time_minutes"):
        assert key in data
    assert data["cases"] == 400 and data["fitness"] >= 0.95
    assert {"step", "name", "model_mean_minutes", "log_mean_minutes"} <= set(data["steps"][0])
    assert all({"from", "to", "model_share", "log_share"} <= set(b) for b in data["branches"])


def test_check_reports_deviations_by_frequency(tmp_path: Path) -> None:
    p = _messy_log(tmp_path / "messy.csv")
    log = read_log(p)
    flow = discover(log, tune=False).flow
    ids = {s.name: s.id for s in flow.steps}
    # a flow that does not know reminders: every reminded case deviates
    cut = flow.model_copy(deep=True)
    cut.steps = [s for s in cut.steps if s.name != "入金督促"]
    edges = [e for e in cut.edges if ids["入金督促"] not in (e.source, e.target)]
    for src in {e.source for e in edges}:
        tot = sum(e.probability for e in edges if e.source == src)
        for e in edges:
            if e.source == src:
                e.probability = round(e.probability / tot, 4)
        fix = next(e for e in edges if e.source == src)
        fix.probability += 1 - sum(e.probability for e in edges if e.source == src)
    cut.edges = edges
    assert check_flow(cut) == []
    r = check(cut, log, simulate_model=False)
    reminded = sum(1 for t in log.traces() if any(log.activities[a] == "入金督促" for a in t.activities))
    assert r.cases - r.fitting_cases == reminded
    top = r.deviations[0]
    assert top == {"kind": "activity_not_in_flow", "activity": "入金督促", "cases": reminded}
    assert [d["cases"] for d in r.deviations] == sorted((d["cases"] for d in r.deviations), reverse=True)
    assert 0 < r.replay_fitness < 1


# --------------------------------------------------------------- wide export

def test_wide_export_lead_time_matches(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "orders.yaml"
    r = cli("discover", EXPORT, "-o", out)
    assert r.exit_code == 0, r.output
    flow = load(out)
    log = read_log(EXPORT)
    assert log.kind == "wide"
    lts = sorted(discover(log, tune=False).profile.lead_times())  # type: ignore[union-attr]
    steps = {s.name: s for s in flow.steps}
    assert steps["出荷"].mode == "batch" and steps["出荷"].batch is not None
    assert steps["出荷"].batch.times == [11 * 60, 16 * 60]
    assert any(is_wait_step(s) for s in flow.steps)  # bank transfers and convenience stores wait to be paid
    assert next(la for la in flow.lanes if la.name == "お客様").kind == "customer"
    sim = simulate(flow)
    assert abs(sim.lead_time.p50 - quantile(lts, 0.5)) <= 0.10 * quantile(lts, 0.5)


def test_bundled_export_is_what_its_generator_makes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen", ROOT / "examples" / "make_orders_export.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert EXPORT.read_bytes() == b"\xef\xbb\xbf" + gen.generate().encode("utf-8")


# ------------------------------------------------------------- calibrate

def test_calibrate_takes_the_logs_figures_and_keeps_the_rest(cli: Callable[..., Result], tmp_path: Path) -> None:
    log = tmp_path / "asis.csv"
    r = cli("simulate", ASIS, "--days", "30", "--replications", "1", "--start", "2024-04-01", "--events", log)
    assert r.exit_code == 0
    guessed = load(ASIS)
    o3 = next(s for s in guessed.steps if s.id == "O3")
    o3.duration = o3.duration.model_copy(update={"kind": "fixed", "params": (10.0,)})
    for e in guessed.edges:
        if (e.source, e.target) == ("P1", "O2"):
            e.probability = 0.5
        if (e.source, e.target) == ("P1", "P2"):
            e.probability = 0.5
    guessed.owner_map()["物流チーム"].days = [0, 1, 2, 3, 4]
    from flowmap import save

    src = tmp_path / "guessed.yaml"
    save(guessed, src)
    out = tmp_path / "calibrated.yaml"
    r = cli("calibrate", src, log, "-o", out, "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "O3 在庫を手作業で引き当てる: duration 10 →" in r.output
    assert "P1→O2: share 0.5 →" in r.output and "物流チーム: days" in r.output
    cal = load(out)
    orig = load(ASIS)
    assert abs(cal.step_map()["O3"].duration.mean - orig.step_map()["O3"].duration.mean) < 0.1
    shares = {(e.source, e.target): e.probability for e in cal.edges}
    assert abs(shares[("P1", "O2")] - 0.93) < 0.03
    assert sorted(cal.owner_map()["物流チーム"].work_days) == [0, 1, 2, 3, 4, 5]
    for s in orig.steps:  # what the log cannot know stays
        c = cal.step_map()[s.id]
        assert (c.tools, c.reads, c.writes, c.stage, c.touchpoint, c.emotion, c.pain, c.note, c.lane) == \
            (s.tools, s.reads, s.writes, s.stage, s.touchpoint, s.emotion, s.pain, s.note, s.lane)
    assert cal.tools == orig.tools and [la.name for la in cal.lanes] == [la.name for la in orig.lanes]


def test_report_with_a_log_section(cli: Callable[..., Result], tmp_path: Path) -> None:
    p = _messy_log(tmp_path / "messy.csv", n=120)
    flow = tmp_path / "m.yaml"
    assert cli("discover", p, "-o", flow, "--no-tune").exit_code == 0
    page = tmp_path / "r.html"
    r = cli("report", flow, "-o", page, "--log", p, "--replications", "1", "--days", "10")
    assert r.exit_code == 0, r.output
    text = page.read_text(encoding="utf-8")
    assert 'id="fm-log-check"' in text and "モデルとイベントログの照合" in text and "適合度" in text


def test_fit_picks_the_family_and_says_why() -> None:
    rng = random.Random(5)
    assert fit_duration([rng.uniform(2, 6) for _ in range(2000)]).family == "uniform"
    assert fit_duration([rng.expovariate(1 / 30) for _ in range(2000)]).family == "exponential"
    assert fit_duration([rng.triangular(10, 40, 20) for _ in range(2000)]).family == "triangular"
    assert fit_duration([rng.gauss(30, 3) for _ in range(2000)]).family == "normal"
    f = fit_duration([5.0] * 50)
    assert f.family == "fixed" and f.duration.params == (5.0,)
    assert "KS" in fit_duration([rng.uniform(2, 6) for _ in range(100)]).why("en")


# ------------------------------------------------------- PM4Py cross-checks

def test_pm4py_reads_our_xes_like_we_do(tmp_path: Path, cli: Callable[..., Result]) -> None:
    pm4py = pytest.importorskip("pm4py")
    log = tmp_path / "s.xes"
    assert cli("simulate", ASIS, "--days", "5", "--replications", "1", "--start", "2024-04-01",
               "--events", log).exit_code == 0
    ours = read_log(log)
    df = pm4py.read_xes(str(log))
    complete = df[df["lifecycle:transition"] == "complete"]
    assert len(complete) == ours.stats.events
    assert df["case:concept:name"].nunique() == ours.stats.cases
    from collections import Counter

    theirs = Counter(complete["concept:name"])
    assert theirs == Counter(ours.activities[a] for a in ours.act)
    # durations: the same start/complete pairs
    starts = df[df["lifecycle:transition"] == "start"]["time:timestamp"].reset_index(drop=True)
    ends = complete["time:timestamp"].reset_index(drop=True)
    total = sum((e - s).total_seconds() for s, e in zip(starts, ends, strict=True)) / 60
    ours_total = sum(e - s for s, e in zip(ours.start, ours.end, strict=True))
    assert abs(total - ours_total) < 1e-3 * max(1.0, ours_total)


def test_pm4py_fitness_agrees_with_ours(tmp_path: Path) -> None:
    pm4py = pytest.importorskip("pm4py")
    import pandas as pd

    p = _messy_log(tmp_path / "messy.csv", n=200)
    log = read_log(p)
    flow = discover(log, tune=False).flow
    # drop one of the concurrent orders, so some cases deviate
    ids = {s.name: s.id for s in flow.steps}
    edges = [e for e in flow.edges if (e.source, e.target) != (ids["在庫確認"], ids["与信チェック"])]
    src = ids["在庫確認"]
    tot = sum(e.probability for e in edges if e.source == src)
    for e in edges:
        if e.source == src:
            e.probability = e.probability / tot
    flow.edges = edges
    ours = check(flow, log, simulate_model=False)
    steps = flow.step_map()
    dfg = {(steps[e.source].name, steps[e.target].name): 1 for e in flow.edges if e.target != END}
    ends = {steps[e.source].name: 1 for e in flow.edges if e.target == END}
    ends.update({s.name: 1 for s in flow.steps if not any(e.source == s.id for e in flow.edges)})
    starts = {steps[sid].name: 1 for sid in flow.entry_steps()}
    net, im, fm = pm4py.convert_to_petri_net(dfg, starts, ends)
    rows = [(t.case, log.activities[a]) for t in log.traces() for a in t.activities]
    df = pd.DataFrame(rows, columns=["case:concept:name", "concept:name"])
    # our order of events within each case (concurrent ones may tie in time), as increasing times
    df["time:timestamp"] = pd.to_datetime(list(range(len(df))), unit="s")
    theirs = pm4py.fitness_token_based_replay(df, net, im, fm)
    assert ours.open_cases == 0 or ours.fitness >= theirs["perc_fit_traces"] / 100
    assert abs(ours.fitness - theirs["perc_fit_traces"] / 100) < 0.02
    assert ours.fitness < 1


def test_lane_map_and_min_share(cli: Callable[..., Result], tmp_path: Path) -> None:
    p = _messy_log(tmp_path / "messy.csv", n=300)
    lanes = tmp_path / "lanes.yaml"
    lanes.write_text("lanes:\n  田中: 与信\n  佐藤: 与信\n  入金: 購入者\n  キャンセル: 購入者\n  注文: 購入者\n"
                     "customer: [購入者]\n", encoding="utf-8")
    out = tmp_path / "f.yaml"
    r = cli("discover", p, "-o", out, "--lanes", lanes, "--min-share", "0.15", "--no-tune")
    assert r.exit_code == 0, r.output
    flow = load(out)
    steps = {s.name: s for s in flow.steps}
    assert steps["与信チェック"].lane == "与信" and steps["入金"].lane == "購入者"
    assert {la.name: la.kind for la in flow.lanes}["購入者"] == "customer"
    e = _edges(flow)
    full = _edges(discover(read_log(p), tune=False).flow)
    rare = [k for k, v in full.items() if v < 0.15]
    assert rare and not any(k in e for k in rare)  # rarer transitions are gone
    assert all(abs(sum(v for (a, _), v in e.items() if a == name) - 1) < 1e-3 for name in steps)
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    r = cli("discover", p, "-o", tmp_path / "g.yaml", "--lanes", bad)
    assert r.exit_code == 2 and "bad.yaml" in r.output and not (tmp_path / "g.yaml").exists()
