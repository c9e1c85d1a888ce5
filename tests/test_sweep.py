"""flowmap sweep: queueing theory at every grid point, identical results on local processes and on a
Dask cluster, a worker killed mid-sweep, bad input, every output format."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import flowmap
from flowmap.model import Duration, Flow, Lane, Owner, Settings, Step, WorkHours
from flowmap.sweep import parse_vary, run_sweep

from .conftest import MODELS
from .test_html import ARTIFACTS, browser

__all__ = ["browser"]  # the fixture, imported for its use below

Run = Callable[..., Result]


def erlang_c_wait(c: int, lam: float, mu: float) -> float:
    a = lam / mu
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


def one_step(tmp_path: Path) -> Path:
    flow = Flow(settings=Settings(orders_per_day=50, days=5, replications=2), lanes=[Lane(name="ops")],
                owners=[Owner(name="受注担当", lane="ops", headcount=1, hours=WorkHours(start=0, end=1440), days=list(range(7)))],
                steps=[Step(id="S1", name="受注入力", lane="ops", owners=["受注担当"],
                            duration=Duration(kind="exponential", params=(10.0,)))])
    p = tmp_path / "mmc.yaml"
    flowmap.save(flow, p)
    return p


def test_mmc_sweep_matches_erlang_c_at_every_point(tmp_path: Path) -> None:
    flow = flowmap.load(one_step(tmp_path))
    axes = [parse_vary("orders_per_day=50,75,100", flow), parse_vary("headcount.受注担当=1,2", flow)]
    r = run_sweep(flow, axes, days=500, replications=2, seed=1, workers=2)
    assert len(r.runs) == 6
    for run in r.runs:
        lam, c = float(run.values["orders_per_day"]) / 1440, int(run.values["headcount.受注担当"])
        expected = erlang_c_wait(c, lam, 0.1) + 10.0
        assert run.lead_time.mean == pytest.approx(expected, rel=0.05), run.values
        assert run.owners[0].utilization == pytest.approx(lam * 10 / c, rel=0.03)
        assert not run.saturated and not run.piling_up
    assert r.capacity[0].max_orders_per_day == pytest.approx(144.0)  # one person, 10 minutes, round the clock


def _sweep_json(cli: Run, flow: Path, *extra: str) -> dict[str, Any]:
    r = cli("sweep", flow, "--vary", "orders_per_day=100:300:100", "--vary", "headcount.受注担当=1,2",
            "--days", "3", "--replications", "2", "--format", "json", "--start", "2026-11-30", *extra)
    assert r.exit_code == 0, r.output
    return dict(json.loads(r.output))


def test_same_json_on_local_processes_serially_and_on_a_dask_cluster(cli: Run, tmp_path: Path) -> None:
    from distributed import LocalCluster

    flow = one_step(tmp_path)
    local = _sweep_json(cli, flow, "--workers", "2")
    assert local == _sweep_json(cli, flow, "--workers", "1")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = _sweep_json(cli, flow, "--scheduler", cluster.scheduler_address)
    assert json.dumps(on_dask, sort_keys=True) == json.dumps(local, sort_keys=True)
    assert local["parameters"] == ["orders_per_day", "headcount.受注担当"]
    run = local["runs"][0]
    assert set(run) >= {"values", "lead_time_minutes", "cases", "owners", "saturated"}
    assert set(run["lead_time_minutes"]) >= {"mean", "p50", "p90", "ci95"}
    assert local["capacity"] == [{"owner": "受注担当", "max_orders_per_day": 144.0}]
    marked = {(x["values"]["orders_per_day"], x["values"]["headcount.受注担当"]): x["saturated"] for x in local["runs"]}
    assert marked[(200, 1)] == ["受注担当"] and marked[(100, 1)] == [] and marked[(200, 2)] == []
    knee = next(k for k in local["knees"] if k["series"] == {"headcount.受注担当": 1})
    assert knee["analytic_orders_per_day"] == 144.0 and knee["simulated_orders_per_day"] == 200 and knee["agrees"]


def test_a_worker_killed_mid_sweep_is_retried_and_changes_nothing(tmp_path: Path) -> None:
    import psutil

    flow = flowmap.load(one_step(tmp_path))
    axes = [parse_vary("orders_per_day=60,90,120,150", flow)]
    clean = run_sweep(flow, axes, days=20, replications=3, workers=2).to_dict()
    killed: list[int] = []

    def kill_one(runs: int, total: int, points: int, n_points: int) -> None:
        if not killed:
            children = psutil.Process().children(recursive=True)
            workers = [c for c in children if "python" in c.name().lower()]
            if workers:
                workers[0].kill()
                killed.append(workers[0].pid)

    again = run_sweep(flow, axes, days=20, replications=3, workers=2, progress=kill_one)
    assert killed
    assert again.to_dict() == clean and not again.lost


@pytest.mark.parametrize(("args", "words"), [
    (["--vary", "headcount.受注係=1,2"], ["--vary headcount.受注係=1,2", "受注係", "受注担当"]),
    (["--vary", "duration.S9=0.5,1"], ["--vary duration.S9=0.5,1", "S9", "S1"]),
    (["--vary", "orders_per_day=10,x"], ["--vary orders_per_day=10,x", "'x' is not a number"]),
    (["--vary", "hours.受注担当=9:00-18:00,25:00-26:00"], ["--vary hours.受注担当", "25:00-26:00"]),
    (["--vary", "mode.S1=fast"], ["--vary mode.S1=fast", "manual, auto or batch"]),
    (["--vary", "orders_per_day="], ["the grid would be empty"]),
    (["--vary", "orders_per_day=300:100:10"], ["the grid would be empty"]),
    (["--vary", "speed=1,2"], ["unknown parameter 'speed'"]),
    ([], ["nothing to sweep"]),
    (["--vary", "orders_per_day=1:400:1", "--vary", "headcount.受注担当=1:200:1"], ["160,000 runs", "--yes"]),
    (["--vary", "orders_per_day=1:60000:1"], ["60,000 values", "at most 10,000 per axis"]),
    (["--vary", "orders_per_day=10", "--format", "xlsx"], ["--format xlsx needs -o"]),
    # each run of a sweep within the limits of one simulate run (these ran for hours before)
    (["--vary", "orders_per_day=100,200", "--replications", "1000", "--days", "3660"],
     ["--replications: 1000 replications of 366,000 arrivals", "50,000,000"]),
    (["--vary", "days=3660", "--replications", "1000", "--vary", "orders_per_day=100"], ["--replications:", "50,000,000"]),
    (["--vary", "orders_per_day=100000000", "--days", "1"], ["--vary (orders_per_day=100000000): orders per day 1e+08"]),
    (["--vary", "days=1,100000"], ["--vary (days=100000): days 100000 must be above 0 and at most 3660"]),
])
def test_bad_input_is_named_with_its_option(cli: Run, tmp_path: Path, args: list[str], words: list[str]) -> None:
    r = cli("sweep", one_step(tmp_path), *args, "--lang", "en")
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    for w in words:
        assert w in r.output, (w, r.output)


def test_unreachable_scheduler_fails_within_ten_seconds(cli: Run, tmp_path: Path) -> None:
    flow = one_step(tmp_path)
    t0 = time.monotonic()
    r = cli("sweep", flow, "--vary", "orders_per_day=10", "--scheduler", "tcp://127.0.0.1:9", "--lang", "en")
    assert time.monotonic() - t0 < 15
    assert r.exit_code == 2 and "cannot reach the Dask scheduler tcp://127.0.0.1:9" in r.output


def test_without_dask_scheduler_says_how_to_install(tmp_path: Path) -> None:
    flow = one_step(tmp_path)
    block = tmp_path / "block"
    block.mkdir()
    # a real interpreter in which importing distributed fails, as where the extra is not installed
    (block / "sitecustomize.py").write_text("import sys\nsys.modules['distributed'] = None\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(block)}
    p = subprocess.run([sys.executable, "-m", "flowmap.cli", "sweep", str(flow), "--vary", "orders_per_day=10",
                        "--scheduler", "local", "--lang", "en"], capture_output=True, text=True, env=env, check=False)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.strip() == "error: --scheduler: Dask is not installed: pip install 'flowmap[dask]'"


def test_every_format(cli: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    flow = MODELS / "ec_order_asis.yaml"
    base = ["--vary", "orders_per_day=100,200", "--scenario", MODELS / "next_day_batch.yaml", "--days", "3",
            "--replications", "2", "--start", "2026-11-30", "--workers", "1"]
    r = cli("sweep", flow, *base, "--format", "csv", "--lang", "en")
    lines = r.output.splitlines()
    assert lines[0].startswith("orders_per_day,scenario,lead mean (h),p50 (h),p90 (h),CI95 low (h),CI95 high (h),completed,util.")
    assert len(lines) == 5 and lines[2].split(",")[1] == "翌日バッチ導入"
    r = cli("sweep", flow, *base)
    assert "事務スタッフ が 1日 114 件で飽和（解析）" in r.output
    out = tmp_path / "s.xlsx"
    assert cli("sweep", flow, *base, "--format", "xlsx", "-o", out).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["スイープ", "処理能力"] and wb["スイープ"].max_row == 5
    html = tmp_path / "s.html"
    assert cli("sweep", flow, *base, "--format", "html", "-o", html).exit_code == 0
    text = html.read_text(encoding="utf-8")
    assert "<svg" in text and "http://" not in text.replace("http://www.w3.org", "") and "翌日バッチ導入" in text


def test_sweep_page_in_browser(cli: Run, tmp_path: Path, browser: Any) -> None:
    out = tmp_path / "sweep.html"
    r = cli("sweep", MODELS / "ec_order_asis.yaml", "--vary", "orders_per_day=100:300:50", "--vary", "headcount.事務スタッフ=2,3",
            "--days", "5", "--replications", "2", "--start", "2026-11-30", "--format", "html", "-o", out)
    assert r.exit_code == 0, r.output
    ctx = browser.new_context(viewport={"width": 1300, "height": 900}, offline=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.resolve().as_uri())
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart path").count() == 4 + 7  # mean and p90 per staffing option; one line per owner
    assert page.locator("circle.saturated").count() > 0  # saturation points ringed
    assert page.locator("tbody tr").count() == 10
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sweep_ec_order_asis.png"), full_page=True)
    ctx.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, offline=True)
    page = phone.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.resolve().as_uri())
    # the wide table and the charts scroll in their own boxes: the page itself does not scroll sideways,
    # and the charts keep a readable width instead of shrinking to the phone's
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("Math.min(...[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().width))") >= 600
    page.screenshot(path=str(ARTIFACTS / "sweep_ec_order_asis_phone.png"), full_page=True)
    phone.close()
    assert not errors
