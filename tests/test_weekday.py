"""The weekday arrival profile: 7 weights, Monday first, in the settings (YAML `weekday_profile`, workbook
`曜日別比率`); the engine thins its Poisson arrivals by it (with the hourly profile), discover writes it from a
log and calibrate takes it from one. Simulated arrivals are checked against the profile with a chi-square
test at fixed seeds, and Little's law still holds."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowmap
from flowmap.model import Duration, Flow, Lane, Owner, Settings, Step, WorkHours
from flowmap.render.simulation import events_csv

from .conftest import branching_network

ALWAYS = WorkHours(start=0, end=1440)
EVERY_DAY = list(range(7))
MONDAY = dt.date(2024, 4, 1)
# chi-square critical values at p = 0.001 (a fixed seed either passes or fails; this one keeps a true profile
# from failing by chance, and a profile the engine ignores fails by hundreds)
CHI2_001 = {5: 20.52, 6: 22.46, 13: 34.53}


def _chi2(observed: list[int], weights: list[float]) -> tuple[float, int]:
    """Pearson's statistic over the cells with a positive expectation, and its degrees of freedom."""
    n, total = sum(observed), sum(weights)
    cells = [(o, n * w / total) for o, w in zip(observed, weights, strict=True) if w > 0]
    return sum((o - e) ** 2 / e for o, e in cells), len(cells) - 1


def _arrival_flow(weekday: list[float], hourly: list[float] | None = None, per_day: float = 300, days: int = 70) -> Flow:
    """One instant system step that never queues: each case's event starts when it arrives."""
    return Flow(
        settings=Settings(orders_per_day=per_day, days=days, weekday_profile=weekday, hourly_profile=hourly or []),
        lanes=[Lane(name="ops")],
        owners=[Owner(name="cart", lane="ops", kind="system")],
        steps=[Step(id="S1", name="receive", lane="ops", owners=["cart"], mode="auto",
                    duration=Duration(kind="fixed", params=(0.0,)))],
    )


def _arrivals(flow: Flow, seed: int, start: dt.date = MONDAY) -> list[dt.datetime]:
    r = flowmap.simulate(flow, replications=1, seed=seed, start=start, events=True)
    return [dt.datetime.fromisoformat(x["start"]) for x in csv.DictReader(io.StringIO(events_csv(r)))]


@pytest.mark.parametrize("seed", [1, 2])
def test_arrivals_per_weekday_follow_the_profile(seed: int) -> None:
    weekday = [1.4, 1.0, 1.0, 1.0, 1.2, 0.6, 0.0]  # Monday's backlog of orders, a quiet Saturday, closed Sunday
    times = _arrivals(_arrival_flow(weekday), seed, start=dt.date(2024, 4, 3))  # a Wednesday: the week is not aligned
    per_wd = Counter(t.weekday() for t in times)
    observed = [per_wd[d] for d in range(7)]
    assert observed[6] == 0
    stat, dof = _chi2(observed, weekday)
    assert stat < CHI2_001[dof], (observed, stat)
    # the rate is the mean over the week: 70 days x 300 a day (Poisson: within 4 standard deviations)
    assert abs(len(times) - 21_000) < 4 * 21_000 ** 0.5
    # the same seed gives the same arrivals
    assert _arrivals(_arrival_flow(weekday), seed, start=dt.date(2024, 4, 3)) == times


def test_weekday_and_hourly_profiles_multiply() -> None:
    weekday = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0]
    hourly = [0.0] * 8 + [1.0, 2.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    times = _arrivals(_arrival_flow(weekday, hourly), 5)
    wd = Counter(t.weekday() for t in times)
    stat, dof = _chi2([wd[d] for d in range(7)], weekday)
    assert stat < CHI2_001[dof]
    weekend_hours = Counter(t.hour for t in times if t.weekday() >= 5)
    stat, dof = _chi2([weekend_hours[h] for h in range(24)], hourly)
    assert dof == 13 and stat < CHI2_001[dof]
    assert all(weekend_hours[h] == 0 for h in range(24) if hourly[h] == 0)


def test_without_a_weekday_profile_arrivals_are_what_they_were() -> None:
    """A flat weekday profile is the same non-homogeneous process as none: the same arrivals, not a shift of the
    random numbers (all seven weights equal thin nothing)."""
    hourly = [1.0] * 9 + [3.0] * 9 + [1.0] * 6
    plain = _arrivals(_arrival_flow([], hourly, days=14), 3)
    flat = _arrivals(_arrival_flow([2.0] * 7, hourly, days=14), 3)
    assert plain == flat


def test_littles_law_with_a_weekday_profile() -> None:
    flow = branching_network(Settings(orders_per_day=200, days=300,
                                      weekday_profile=[1.3, 1.1, 1.0, 1.0, 1.1, 0.8, 0.7]))
    rep = flowmap.simulate(flow, replications=1, seed=3).replications[0]
    assert rep.mean_in_system == pytest.approx(rep.throughput_per_minute * rep.lead_time.mean, rel=0.02)
    # busier Mondays queue longer than the flat process at the same mean rate
    flat = flow.model_copy(deep=True)
    flat.settings.weekday_profile = []
    base = flowmap.simulate(flat, replications=1, seed=3).replications[0]
    assert rep.lead_time.mean > base.lead_time.mean


def test_weekday_profile_round_trips_under_its_japanese_name(tmp_path: Path) -> None:
    p = tmp_path / "w.yaml"
    p.write_text("settings: {weekday_profile: [1.2, 1, 1, 1, 1, 0.8, 0]}\nsteps:\n  - {id: S1, name: a, lane: ops}\n",
                 encoding="utf-8")
    flow = flowmap.load(p)
    assert flow.settings.weekday_profile == [1.2, 1.0, 1.0, 1.0, 1.0, 0.8, 0.0]
    for suffix in (".yaml", ".xlsx"):
        out = tmp_path / f"o{suffix}"
        flowmap.save(flow, out)
        assert flowmap.load(out) == flow
    # the workbook's Settings sheet, written by hand with the Japanese key
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "工程"
    ws.append(["ID", "工程名", "レーン", "担当者", "作業時間（分）"])
    ws.append(["S1", "受け付ける", "受注", "受注チーム", 5])
    st = wb.create_sheet("設定")
    st.append(["項目", "値"])
    st.append(["曜日別比率", "1.2, 1, 1, 1, 1, 0.8, 0"])
    book = tmp_path / "w.xlsx"
    wb.save(book)
    assert flowmap.load(book).settings.weekday_profile == [1.2, 1.0, 1.0, 1.0, 1.0, 0.8, 0.0]


@pytest.mark.parametrize("bad", ["[1, 2, 3]", "[1, 1, 1, 1, 1, 1, -1]", "[0, 0, 0, 0, 0, 0, 0]"])
def test_a_bad_weekday_profile_is_refused_at_its_place(tmp_path: Path, bad: str) -> None:
    p = tmp_path / "w.yaml"
    p.write_text(f"settings:\n  weekday_profile: {bad}\nsteps:\n  - {{id: S1, name: a, lane: ops}}\n", encoding="utf-8")
    from flowmap.cli import main

    r = CliRunner().invoke(main, ["validate", str(p)])
    assert r.exit_code == 2
    assert f"{p}:2" in r.output and "7" in r.output and "Traceback" not in r.output


EXPORT = Path(__file__).resolve().parent.parent / "examples" / "orders_export.csv"


def _weekday_counts_of(rows: list[dt.datetime]) -> list[int]:
    c = Counter(t.weekday() for t in rows)
    return [c[d] for d in range(7)]


def test_discover_writes_the_logs_weekday_profile_and_the_simulation_follows_it(tmp_path: Path) -> None:
    """The bundled export (3,000 orders over 8 weeks, busier on Mondays and Sundays): discover keeps its
    weekday profile; the discovered flow's simulated orders per weekday match it."""
    from flowmap.cli import main

    out = tmp_path / "orders.yaml"
    r = CliRunner().invoke(main, ["discover", str(EXPORT), "-o", str(out), "--no-tune"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "曜日別と時間帯別の比を設定に記録" in r.output
    flow = flowmap.load(out)
    wk = flow.settings.weekday_profile
    # the export's own orders per weekday (注文日時), over the weekdays its span holds
    with EXPORT.open(encoding="utf-8-sig") as fh:
        placed = [dt.datetime.strptime(row["注文日時"], "%Y/%m/%d %H:%M:%S") for row in csv.DictReader(fh)]
    counts = _weekday_counts_of(placed)
    first, last = min(placed).date(), max(placed).date()
    spans = Counter((first + dt.timedelta(days=k)).weekday() for k in range((last - first).days + 1))
    per_day = [counts[d] / spans[d] for d in range(7)]
    assert wk == pytest.approx([x / (sum(per_day) / 7) for x in per_day], abs=0.001)
    assert max(wk) / min(wk) > 1.3  # Monday 1.20 against Friday 0.88
    # simulated: 40 weeks from a Monday, the first step (the customer's order) starts when the case arrives
    res = flowmap.simulate(flow, days=280, replications=1, seed=11, start=MONDAY, events=True)
    entry = flow.steps[0].name
    orders = [dt.datetime.fromisoformat(x["start"]) for x in csv.DictReader(io.StringIO(events_csv(res)))
              if x["activity"] == entry]
    stat, dof = _chi2(_weekday_counts_of(orders), wk)
    assert stat < CHI2_001[dof], (_weekday_counts_of(orders), wk, stat)
    # and a flow that ignored the profile would fail the same test by far
    stat_even, _ = _chi2(_weekday_counts_of(orders), [1.0] * 7)
    assert stat_even > 5 * CHI2_001[6]


def test_calibrate_takes_the_weekday_profile_and_drops_it_for_an_even_log(tmp_path: Path) -> None:
    from flowmap.cli import main

    runner = CliRunner()
    found = tmp_path / "found.yaml"
    assert runner.invoke(main, ["discover", str(EXPORT), "-o", str(found), "--no-tune"]).exit_code == 0
    flow = flowmap.load(found)
    profile = list(flow.settings.weekday_profile)
    flat = flow.model_copy(deep=True)
    flat.settings.weekday_profile = []
    flat_path = tmp_path / "flat.yaml"
    flowmap.save(flat, flat_path)
    # the export is uneven over the week: calibrate writes its profile
    out = tmp_path / "cal.yaml"
    r = runner.invoke(main, ["calibrate", str(flat_path), str(EXPORT), "-o", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "weekday arrival profile taken from the log" in r.output
    assert flowmap.load(out).settings.weekday_profile == profile
    # a log simulated without a weekday profile is even within chance: calibrate removes the profile
    even_log = tmp_path / "even.csv"
    r = runner.invoke(main, ["simulate", str(flat_path), "--days", "56", "--replications", "1", "--seed", "4",
                             "--start", "2024-04-01", "--events", str(even_log)])
    assert r.exit_code == 0, r.output
    out2 = tmp_path / "cal2.yaml"
    r = runner.invoke(main, ["calibrate", str(found), str(even_log), "-o", str(out2)])
    assert r.exit_code == 0, r.output
    assert "曜日別の到着比率を削除（ログでは一週間を通じて均等）" in r.output
    assert flowmap.load(out2).settings.weekday_profile == []
