"""Commands on event logs: discover, check and calibrate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._cli_base import (
    LANG_OPTION,
    F,
    _load,
    _write_or_echo,
    boundary,
    main,
    pick,
    t,
)
from .errors import UsageError

# ------------------------------------------------------------------ event logs

def log_options(fn: F) -> F:
    """Column overrides shared by discover, check and calibrate."""
    opts = [
        click.option("--case", default=None, help="Column holding the case id (default: detected)."),
        click.option("--activity", default=None, help="Column holding the activity (default: detected)."),
        click.option("--timestamp", default=None, help="Column holding the (completion) time (default: detected)."),
        click.option("--start", "start_col", default=None, help="Column holding the start time (default: detected)."),
        click.option("--resource", default=None, help="Column holding the resource (default: detected)."),
        click.option("--wide", is_flag=True, default=False,
                     help="Read a wide order export: one row per order, one time column per milestone (default: detected)."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def _flow_suffix(out: str) -> None:
    if Path(out).suffix.lower() not in (".yaml", ".yml", ".json", ".xlsx"):
        raise UsageError.one("-o must end in .yaml, .json or .xlsx", "-o は .yaml・.json・.xlsx のいずれかにしてください", out)


def _read_log(path: str, case: str | None, activity: str | None, timestamp: str | None, start_col: str | None,
              resource: str | None, wide: bool) -> Any:
    from .io.eventlog import read_log

    return read_log(path, case=case, activity=activity, timestamp=timestamp, start=start_col, resource=resource,
                    wide=True if wide else None)


@main.command()
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="The flow to write: .yaml, .json or .xlsx.")
@click.option("--min-share", type=float, default=0.0, show_default=True,
              help="Leave out transitions taken by fewer than this share of a step's cases.")
@click.option("--lanes", "lanes_file", type=click.Path(dir_okay=False), default=None,
              help="YAML map of resource or activity → lane (optional 'customer: [lane…]').")
@click.option("--no-tune", is_flag=True, help="Do not simulate to learn the handoff waits (faster).")
@log_options
@LANG_OPTION
@boundary
def discover(log: str, out: str, min_share: float, lanes_file: str | None, no_tune: bool, case: str | None,
             activity: str | None, timestamp: str | None, start_col: str | None, resource: str | None, wide: bool,
             lang: str | None) -> None:
    """Discover a flow from an event log (XES, CSV/xlsx long form) or a wide order export."""
    from . import save
    from ._atomic import check_output
    from .mining.discover import discover as run
    from .mining.discover import load_lane_map

    _flow_suffix(out)
    check_output(out, fmt="flow", inputs=[log, *([lanes_file] if lanes_file else [])])
    lane_map, customer = load_lane_map(lanes_file) if lanes_file else ({}, set())
    lg = _read_log(log, case, activity, timestamp, start_col, resource, wide)
    d = run(lg, min_share=min_share, lane_map=lane_map, customer_lanes=customer, lang=lang, tune=not no_tune)
    lang = pick(lang, d.flow.language)
    save(d.flow, out, lang)
    for line in d.lines:
        click.echo(line)
    click.echo(t(lang, f"wrote {out}: {len(d.flow.steps)} steps, {len(d.flow.lanes)} lanes, {len(d.flow.owners)} owners",
                 f"{out} を書き出しました: 工程 {len(d.flow.steps)}・レーン {len(d.flow.lanes)}・担当者 {len(d.flow.owners)}"),
               err=True)  # a status line: on stderr like every "wrote FILE"


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None, help="Write to a file.")
@click.option("--no-sim", is_flag=True, help="Skip the simulation (no modeled lead time).")
@click.option("--days", type=float, default=None, help="Simulated days (default: the flow's settings).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the flow's settings).")
@click.option("--replications", type=int, default=None, help="Simulation replications (default: the flow's settings).")
@log_options
@LANG_OPTION
@boundary
def check(flow: str, log: str, fmt: str, out: str | None, no_sim: bool, days: float | None, seed: int | None,
          replications: int | None, case: str | None, activity: str | None, timestamp: str | None,
          start_col: str | None, resource: str | None, wide: bool, lang: str | None) -> None:
    """How well FLOW matches an event log: fitness, deviations, timing side by side."""
    from ._atomic import check_output
    from .mining.check import check as run
    from .render import mining as r

    if out:
        check_output(out, fmt=fmt, inputs=[flow, log])
    f = _load(flow)
    lang = pick(lang, f.language)
    lg = _read_log(log, case, activity, timestamp, start_col, resource, wide)
    res = run(f, lg, simulate_model=not no_sim, days=days, seed=seed, replications=replications)
    text = r.to_json(res) if fmt == "json" else r.to_markdown(res, lang) if fmt == "markdown" else r.to_text(res, lang)
    _write_or_echo(out, text, lang)


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="The calibrated flow: .yaml, .json or .xlsx.")
@log_options
@LANG_OPTION
@boundary
def calibrate(flow: str, log: str, out: str, case: str | None, activity: str | None, timestamp: str | None,
              start_col: str | None, resource: str | None, wide: bool, lang: str | None) -> None:
    """FLOW with durations, shares, arrivals and hours taken from the log; prints what changed."""
    from . import save
    from ._atomic import check_output
    from .mining.calibrate import calibrate as run

    _flow_suffix(out)
    check_output(out, fmt="flow", inputs=[flow, log])
    f = _load(flow)
    lang = pick(lang, f.language)
    lg = _read_log(log, case, activity, timestamp, start_col, resource, wide)
    new, changes = run(f, lg, lang=lang)
    save(new, out, lang)
    for line in changes or [t(lang, "nothing to change", "変更はありません")]:
        click.echo(line)
    click.echo(t(lang, f"wrote {out}: {len(changes)} changes", f"{out} を書き出しました: 変更 {len(changes)} 件"), err=True)
