"""Commands that run the simulation: simulate and sweep."""

from __future__ import annotations

import sys
from typing import Any

import click

# Each command module imports the shared CLI helpers it uses; alike lists, nothing to share.
from ._cli_base import (
    ALLOW_MISSING,
    LANG_OPTION,
    START_OPTION,
    WORKERS_OPTION,
    _check_run,
    _load,
    _load_graph,
    _output,
    _write_or_echo,
    _wrote,
    boundary,
    main,
    pick,
    t,
)
from .errors import UsageError


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.option("--days", type=float, default=None, help="Simulated days (default: the flow's settings, 20).")
@click.option("--orders-per-day", type=float, default=None, help="Arrivals per calendar day (default: the flow's).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the flow's, 1).")
@click.option("--replications", type=int, default=None, help="Independent runs (default: the flow's, 5).")
@WORKERS_OPTION
@START_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None, help="Write to a file.")
@click.option("--events", type=click.Path(dir_okay=False), default=None,
              help="Write the event log of the first replication: CSV (case_id,activity,resource,lane,start,end), "
                   "or XES (start/complete pairs, resource, lane) when OUT ends in .xes.")
@click.option("--between", nargs=2, type=str, default=None, metavar="FROM TO",
              help="Also report the lead time from reaching step FROM to the end of step TO.")
@ALLOW_MISSING
@LANG_OPTION
@boundary
def simulate(flow: str, days: float | None, orders_per_day: float | None, seed: int | None, replications: int | None,
             workers: int, start: Any, fmt: str, out: str | None, events: str | None, between: tuple[str, str] | None,
             allow_missing: bool, lang: str | None) -> None:
    """Run the flow in SimPy: lead time, waits per step, utilization per owner."""
    from contextlib import ExitStack

    from ._atomic import Outputs
    from .render import simulation as r
    from .simulation import simulate as run
    from .simulation import start_date
    from .simulation.eventlog import csv_event_sink

    _output(out, fmt, [flow])
    _output(events, "events", [flow, out], option="--events")
    _check_run(days=days, orders_per_day=orders_per_day, replications=replications, workers=workers,
               start=start.date() if start else None)
    f, g = _load_graph(flow, allow_missing)
    if days is not None or orders_per_day is not None:  # an override meets the flow's other figure
        _check_run(days=days or f.settings.days, orders_per_day=orders_per_day or sum(f.entry_volumes().values()))
    lang = pick(lang, f.language)
    progress = None
    bar: Any = None
    if sys.stderr.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task(t(lang, "simulating", "シミュレーション中"), total=replications or f.settings.replications)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

    first_day = start_date(f, start.date() if start else None)
    with Outputs() as files:  # the event log and the report: both or neither
        try:
            with ExitStack() as stack:
                sink = None
                if events:
                    from .io.xes import xes_event_sink

                    writer = xes_event_sink if events.lower().endswith(".xes") else csv_event_sink
                    sink = stack.enter_context(writer(files.path(events), first_day))
                result = run(f, days=days, orders_per_day=orders_per_day, seed=seed, replications=replications,
                             workers=workers, start=first_day, progress=progress, graph=g, between=between, event_sink=sink)
        finally:
            if bar is not None:
                bar.stop()
        for line in r.overload_lines(result, lang):
            click.echo(("warning: " if lang == "en" else "警告: ") + line, err=True)
        text = r.to_json(result) if fmt == "json" else r.to_text(result, lang)
        if out:
            files.write_text(out, text)
    if events:
        _wrote(events, lang)
    if out:
        _wrote(out, lang)
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.option("--vary", "vary", multiple=True, metavar="NAME=VALUES",
              help="A parameter and its values: orders_per_day, days, headcount.OWNER, hours.OWNER, duration.STEP, "
                   "batch.STEP, mode.STEP; VALUES a,b,c or start:stop:step. Repeat for a grid.")
@click.option("--scenario", "scenarios", multiple=True, type=click.Path(dir_okay=False),
              help="A scenario file: one more value of a 'scenario' axis (the flow as it is comes first).")
@click.option("--days", type=float, default=None, help="Simulated days (default: the flow's).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the flow's).")
@click.option("--replications", type=int, default=None, help="Replications per grid point (default: the flow's).")
@START_OPTION
@click.option("--workers", type=int, default=None, help="Local processes, or Dask LocalCluster workers (default: the cores).")
@click.option("--scheduler", default=None, metavar="ADDRESS|local",
              help="Run on a Dask scheduler (tcp://host:8786), or 'local' for a LocalCluster (needs flowmap[dask]).")
@click.option("--between", nargs=2, type=str, default=None, metavar="FROM TO", help="Also report this segment's lead time.")
@click.option("--yes", is_flag=True, help="Run a grid of more than 100,000 runs.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx", "html"]), default="text", show_default=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None, help="Write to a file (required for xlsx and html).")
@LANG_OPTION
@boundary
def sweep(flow: str, vary: tuple[str, ...], scenarios: tuple[str, ...], days: float | None, seed: int | None,
          replications: int | None, start: Any, workers: int | None, scheduler: str | None,
          between: tuple[str, str] | None, yes: bool, fmt: str, out: str | None, lang: str | None) -> None:
    """What-if grid: simulate FLOW over volumes, staffing, hours, durations, batches and scenarios."""
    from .render import sweep as r
    from .sweep import parse_vary, run_sweep, scenario_axis

    if fmt in ("xlsx", "html") and not out:
        raise UsageError.one(f"--format {fmt} needs -o FILE.{fmt}", f"--format {fmt} には -o ファイル.{fmt} が必要です", "--format")
    _output(out, fmt, [flow, *scenarios])
    f = _load(flow)
    lang = pick(lang, f.language)
    axes = [parse_vary(v, f) for v in vary]
    if scenarios:
        from .scenario import load_scenario

        axes.append(scenario_axis(f, [load_scenario(p) for p in scenarios]))
    bar: Any = None
    progress = None
    if sys.stderr.isatty():
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rate]}"),
                       TimeRemainingColumn(), transient=True)
        task = bar.add_task("", total=None, rate="")
        bar.start()

        def progress(runs: int, total: int, points: int, n_points: int) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = t(lang, f"{runs / elapsed:.1f} runs/s", f"{runs / elapsed:.1f} 回/秒") if elapsed else ""
            bar.update(task, completed=runs, total=total, rate=rate,
                       description=t(lang, f"points {points}/{n_points}", f"グリッド点 {points}/{n_points}"))

    try:
        result = run_sweep(f, axes, days=days, seed=seed, replications=replications, start=start.date() if start else None,
                           workers=workers, scheduler=scheduler, between=between, yes=yes, progress=progress)
    finally:
        if bar is not None:
            bar.stop()
    if fmt == "xlsx":
        assert out is not None
        r.write_xlsx(result, out, lang)
        _wrote(out, lang)
    else:
        text = {"json": lambda: r.to_json(result), "csv": lambda: r.to_csv(result, lang),
                "html": lambda: r.to_html(result, lang, f.name), "text": lambda: r.to_text(result, lang)}[fmt]()
        _write_or_echo(out, text, lang)
    if result.lost:
        click.echo(t(lang, f"warning: {len(result.lost)} runs were lost twice and are left out",
                     f"警告: {len(result.lost)} 回の実行が 2 回失敗し、除外されました"), err=True)
