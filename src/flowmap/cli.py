"""The flowmap command line: a thin click group with one error boundary.

Commands parse options, call the library and pick a writer; the work is in
the library.  Heavy modules are imported inside the commands so that
``flowmap --version`` and ``--help`` start fast.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from ._lang import env_lang, looks_japanese, pick, t
from .errors import FlowmapError, InputError, ParameterError, UsageError

if TYPE_CHECKING:
    from .analyze import Analysis
    from .graph import FlowGraph
    from .loading import Loaded
    from .model import Flow

F = TypeVar("F", bound=Callable[..., Any])

ALLOW_MISSING = click.option("--allow-missing", is_flag=True,
                             help="Treat blank durations and owners as warnings and say what is assumed.")
LANG_OPTION = click.option("--lang", type=click.Choice(["ja", "en"]), default=None,
                           help="Language of messages and labels (default: the flow's, else LANG).")


def _echo_err(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)


def _option(parameter: str) -> str:
    """The command-line option of a library parameter (``orders_per_day`` → ``--orders-per-day``)."""
    return "--" + parameter.replace("_", "-")


def boundary(fn: F) -> F:
    """Turn flowmap errors into messages and exit status 2 (no traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang") or env_lang()
        try:
            return fn(*args, **kwargs)
        except InputError as e:
            if isinstance(e, ParameterError):
                e = e.for_option(_option(e.parameter))
            if not kwargs.get("lang") and looks_japanese(p.location for p in e.problems):
                lang = "ja"  # the flow could not be read, but its sheet names say it is Japanese
            _echo_err([f"error: {m}" if lang == "en" else f"エラー: {m}" for m in e.messages(lang)])
            n = len(e.problems)
            if n > 1:
                click.echo(t(lang, f"{n} problems found", f"{n} 件の問題があります"), err=True)
            sys.exit(2)
        except FlowmapError as e:
            _echo_err([f"error: {m}" if lang == "en" else f"エラー: {m}" for m in e.messages(lang)])
            sys.exit(2)
        except OSError as e:
            where = getattr(e, "filename", None) or ""
            click.echo(f"error: {where}: {e.strerror or e}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]  # wraps keeps the signature; mypy cannot see it through *args


def _open(path: str, allow_missing: bool = False, echo: bool = True) -> Loaded:
    """Read and validate FLOW and build its graph, once per command.

    With ``--allow-missing`` what was assumed for blank values is printed on stderr."""
    from .loading import read

    loaded = read(path, allow_missing=allow_missing)
    if allow_missing and echo:
        lang = loaded.flow.language
        for note in loaded.flow.notes:
            click.echo(t(lang, "warning: ", "警告: ") + note.text(lang), err=True)
    return loaded


def _load(path: str, allow_missing: bool = False) -> Flow:
    return _open(path, allow_missing).flow


def _load_graph(path: str, allow_missing: bool = False) -> tuple[Flow, FlowGraph]:
    loaded = _open(path, allow_missing)
    return loaded.flow, loaded.graph


def _output(path: str | None, fmt: str | None, inputs: list[str | None], option: str = "-o",
            overwrite: bool = True) -> None:
    """Refuse a bad output path before any work (see :func:`flowmap._atomic.check_output`)."""
    if not path:
        return
    from ._atomic import check_output

    check_output(path, fmt=fmt, inputs=[i for i in inputs if i], option=option, overwrite=overwrite)


def _check_run(**sizes: Any) -> None:
    """Refuse a run whose size is beyond :mod:`flowmap.limits`, naming the option."""
    from . import limits

    where = {k: _option(k) for k in sizes}
    problems = limits.run_problems(**sizes, where=where)
    if problems:
        raise UsageError(problems)


def _wrote(out: str | Path, lang: str) -> None:
    """The status line of a written file: always on stderr, so stdout stays the command's output."""
    click.echo(t(lang, f"wrote {out}", f"{out} を書き出しました"), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flowmap")
def main() -> None:
    """flowmap: map, analyze and simulate an online shop's order flow.

    FLOW is an Excel workbook (.xlsx) or a model file (.yaml/.json).
    """


@main.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--example", is_flag=True, help="Fill the workbook with the EC order flow.")
@click.option("--force", is_flag=True, help="Replace OUT if it already exists.")
@LANG_OPTION
@boundary
def template(out: str, example: bool, force: bool, lang: str | None) -> None:
    """Write a workbook in the contract's layout, ready to fill in."""
    from .io import write_workbook
    from .io.modelfile import read_model

    lang = pick(lang)
    _output(out, "xlsx", [], option="OUT", overwrite=force)
    if example:
        name = "ec_order_asis.yaml" if lang == "ja" else "ec_order_asis_en.yaml"
        flow = read_model(Path(__file__).parent / "models" / name)
        write_workbook(flow, out, lang)
    else:
        from .model import Flow

        write_workbook(Flow(name="flow", language=lang), out, lang, blank=True)
    _wrote(out, lang)


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@ALLOW_MISSING
@LANG_OPTION
@boundary
def validate(flow: str, allow_missing: bool, lang: str | None) -> None:
    """Read FLOW and check it; print every problem, or a one-line summary and what was noticed or assumed."""
    f = _open(flow, allow_missing, echo=False).flow
    lang = pick(lang, f.language)
    n_lanes = len(f.lanes)
    click.echo(t(lang, f"ok: {len(f.steps)} steps, {n_lanes} lanes, {len(f.owners)} owners, {len(f.tools)} tools",
                 f"ok: {len(f.steps)} steps, {n_lanes} lanes, {len(f.owners)} owners, {len(f.tools)} tools"
                 f"（工程 {len(f.steps)}・レーン {n_lanes}・担当者 {len(f.owners)}・ツール {len(f.tools)}）"))
    for note in f.notes:  # what a reader noticed or assumed: hidden sheets, guessed categories, blanks, BPMN shares
        click.echo(t(lang, "note: ", "注: ") + note.text(lang))


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="Output file: .xlsx, .yaml, .json or .bpmn.")
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="Apply the changes of a scenario file (YAML) and write the changed flow.")
@ALLOW_MISSING
@LANG_OPTION
@boundary
def convert(flow: str, out: str, scenario: str | None, allow_missing: bool, lang: str | None) -> None:
    """Convert FLOW between .xlsx, .yaml, .json and .bpmn (with --scenario: the flow with the scenario's changes)."""
    from . import save

    _output(out, "flow", [flow, scenario])
    f = _load(flow, allow_missing)
    if scenario:
        from .scenario import apply_scenario, load_scenario

        f = apply_scenario(f, load_scenario(scenario))
    lang = pick(lang, f.language)
    save(f, out, lang)
    _wrote(out, lang)


def _thresholds(config: str | None) -> dict[str, float] | None:
    """Threshold overrides from --config (the reader lives in flowmap.io.config)."""
    if not config:
        return None
    from .io.config import read_thresholds

    return read_thresholds(config)


def _write_or_echo(out: str | None, text: str, lang: str) -> None:
    from ._atomic import write_text

    if out:
        write_text(out, text)
        _wrote(out, lang)
    else:
        click.echo(text, nl=False)


def _analysis_text(a: Analysis, out: str | None, show_all: bool) -> str:
    from .render.analysis import TEXT_LIMIT, to_text

    color = out is None and sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if color else 110
    # a terminal shows the first findings of each severity; a file or --all gets every one
    return to_text(a, width=max(80, width), color=color, limit=None if (show_all or out) else TEXT_LIMIT)


def _analysis_json(a: Analysis, out: str | None, show_all: bool) -> str:
    from .render.analysis import to_json

    return to_json(a)


def _analysis_markdown(a: Analysis, out: str | None, show_all: bool) -> str:
    from .render.analysis import to_markdown

    return to_markdown(a)


# --format → the function that renders an analysis as text (xlsx is written to -o instead)
ANALYSIS_FORMATS: dict[str, Callable[[Analysis, str | None, bool], str]] = {
    "text": _analysis_text, "json": _analysis_json, "markdown": _analysis_markdown,
}


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice([*ANALYSIS_FORMATS, "xlsx"]), default="text", show_default=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None, help="Write to a file (required for xlsx).")
@click.option("--only", default=None, help="Comma-separated analyzers to run (default: all).")
@click.option("--fail-on", type=click.Choice(["low", "medium", "high"]), default=None,
              help="Exit 1 when a finding at or above this severity is found.")
@click.option("--config", type=click.Path(dir_okay=False), default=None, help="YAML file of analysis thresholds.")
@click.option("--all", "show_all", is_flag=True, help="Show every finding in the terminal (default: the first 10 of each severity).")
@ALLOW_MISSING
@LANG_OPTION
@boundary
def analyze(flow: str, fmt: str, out: str | None, only: str | None, fail_on: str | None,
            config: str | None, show_all: bool, allow_missing: bool, lang: str | None) -> None:
    """Find duplicated work, tool scatter, workload imbalance, handoffs and automation candidates."""
    from .analyze import run_analysis, severity_rank

    if fmt == "xlsx" and not out:
        raise UsageError.one("--format xlsx needs -o FILE.xlsx", "--format xlsx には -o ファイル.xlsx が必要です", "--format")
    _output(out, fmt, [flow, config])
    thresholds = _thresholds(config)
    f, g = _load_graph(flow, allow_missing)
    lang = pick(lang, f.language)
    names = [x.strip() for x in only.split(",") if x.strip()] if only else None
    a = run_analysis(f, only=names, lang=lang, graph=g, thresholds=thresholds)
    if fmt == "xlsx":
        from .render.analysis import write_xlsx

        assert out is not None
        write_xlsx(a, out)
        _wrote(out, lang)
    else:
        _write_or_echo(out, ANALYSIS_FORMATS[fmt](a, out, show_all), lang)
    if fail_on and any(severity_rank(x.severity) <= severity_rank(fail_on) for x in a.findings):
        sys.exit(1)


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.option("--days", type=float, default=None, help="Simulated days (default: the flow's settings, 20).")
@click.option("--orders-per-day", type=float, default=None, help="Arrivals per calendar day (default: the flow's).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the flow's, 1).")
@click.option("--replications", type=int, default=None, help="Independent runs (default: the flow's, 5).")
@click.option("--workers", type=int, default=1, show_default=True, help="Processes to spread replications over.")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="First simulated day (default: next Monday).")
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
    if out:
        _wrote(out, lang)
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("before", required=False, type=click.Path(dir_okay=False))
@click.argument("after", required=False, type=click.Path(dir_okay=False))
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="A scenario file (YAML) of changes to BEFORE (or to the scenario's own base) instead of AFTER.")
@click.option("--days", type=float, default=None, help="Simulated days (default: BEFORE's settings).")
@click.option("--orders-per-day", type=float, default=None, help="Arrivals per day for both (default: each flow's own).")
@click.option("--replications", type=int, default=None, help="Paired replications (default: BEFORE's settings).")
@click.option("--seed", type=int, default=None, help="Random seed of both runs (default: BEFORE's).")
@click.option("--workers", type=int, default=1, show_default=True, help="Processes to spread replications over.")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="First simulated day (default: next Monday).")
@click.option("--between", nargs=2, type=str, default=None, metavar="FROM TO",
              help="Also compare the lead time between two steps (a segment), besides the flows' milestones.")
@click.option("--no-sim", "no_sim", is_flag=True, help="Structure, findings and workload only; no simulation.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "xlsx", "html"]), default="text", show_default=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), default=None, help="Write to a file (required for xlsx and html).")
@LANG_OPTION
@boundary
def compare(before: str | None, after: str | None, scenario: str | None, days: float | None, orders_per_day: float | None,
            replications: int | None, seed: int | None, workers: int, start: Any, between: tuple[str, str] | None, no_sim: bool,
            fmt: str, out: str | None, lang: str | None) -> None:
    """As-is vs to-be: BEFORE AFTER, or FLOW --scenario CHANGE.yaml."""
    from .compare import compare as run
    from .compare import load_pair
    from .render import compare as r

    if fmt in ("xlsx", "html") and not out:
        raise UsageError.one(f"--format {fmt} needs -o FILE.{fmt}", f"--format {fmt} には -o ファイル.{fmt} が必要です", "--format")
    if out and fmt in ("xlsx", "html") and Path(out).suffix.lower() not in ((".xlsx",) if fmt == "xlsx" else (".html", ".htm")):
        raise UsageError.one(f"--format {fmt} writes a .{fmt} file, not {Path(out).suffix or 'a file without suffix'}",
                             f"--format {fmt} の出力は .{fmt} ファイルにしてください（{Path(out).suffix or '拡張子なし'}）", out)
    _output(out, fmt, [before, after, scenario])
    b, a = load_pair(before, after, scenario)
    lang = pick(lang, b.language)
    c = run(b, a, lang=lang, simulate=not no_sim, days=days, orders_per_day=orders_per_day, replications=replications,
            seed=seed, workers=workers, start=start.date() if start else None, between=between)
    if fmt == "xlsx":
        assert out is not None
        r.write_xlsx(c, out)
        _wrote(out, lang)
    elif fmt == "html":
        from .render import compare_html, html

        assert out is not None
        html.write(out, compare_html.compare_html(c))
        _wrote(out, lang)
    elif fmt == "json":
        _write_or_echo(out, r.to_json(c), lang)
    elif fmt == "markdown":
        _write_or_echo(out, r.to_markdown(c), lang)
    else:
        color = out is None and sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if color else 110
        _write_or_echo(out, r.to_text(c, width=max(80, width), color=color), lang)


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
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="First simulated day (default: next Monday).")
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
        click.echo(t(lang, f"wrote {out}", f"{out} を書き出しました"), err=True)
    else:
        text = {"json": lambda: r.to_json(result), "csv": lambda: r.to_csv(result, lang),
                "html": lambda: r.to_html(result, lang, f.name), "text": lambda: r.to_text(result, lang)}[fmt]()
        _write_or_echo(out, text, lang)
    if result.lost:
        click.echo(t(lang, f"warning: {len(result.lost)} runs were lost twice and are left out",
                     f"警告: {len(result.lost)} 回の実行が 2 回失敗し、除外されました"), err=True)


def _open_in_browser(path: str) -> None:
    import webbrowser

    webbrowser.open(Path(path).resolve().as_uri())


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--findings/--no-findings", default=True, show_default=True, help="Highlight the steps named in findings.")
@click.option("--open", "open_", is_flag=True, help="Open the result in the default browser.")
@ALLOW_MISSING
@LANG_OPTION
@boundary
def view(flow: str, out: str, findings: bool, open_: bool, allow_missing: bool, lang: str | None) -> None:
    """Draw the interactive swimlane graph as one self-contained HTML file."""
    from .analyze import run_analysis
    from .render import html

    _output(out, "html", [flow])
    f, g = _load_graph(flow, allow_missing)
    lang = pick(lang, f.language)
    a = run_analysis(f, lang=lang, graph=g) if findings else None
    html.write(out, html.view_html(f, g, a, lang))
    _wrote(out, lang)
    if open_:
        _open_in_browser(out)


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--simulate/--no-simulate", "with_sim", default=True, show_default=True, help="Include simulation figures.")
@click.option("--days", type=float, default=None, help="Simulated days (default: the flow's settings).")
@click.option("--replications", type=int, default=None, help="Simulation replications (default: the flow's settings).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the flow's settings).")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="First simulated day.")
@click.option("--config", type=click.Path(dir_okay=False), default=None, help="YAML file of analysis thresholds.")
@click.option("--open", "open_", is_flag=True, help="Open the result in the default browser.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="An event log to check the flow against (adds a section).")
@ALLOW_MISSING
@LANG_OPTION
@boundary
def report(flow: str, out: str, with_sim: bool, days: float | None, replications: int | None, seed: int | None,
           start: Any, config: str | None, open_: bool, log_path: str | None, allow_missing: bool,
           lang: str | None) -> None:
    """One self-contained HTML page: lane graph, findings, workload, simulation, customer journey."""
    from .analyze import run_analysis
    from .render import html
    from .simulation import simulate as run

    _output(out, "html", [flow, config, log_path])
    _check_run(days=days, replications=replications, start=start.date() if start else None)
    thresholds = _thresholds(config)
    f, g = _load_graph(flow, allow_missing)
    lang = pick(lang, f.language)
    a = run_analysis(f, lang=lang, graph=g, thresholds=thresholds)
    sim = (run(f, days=days, replications=replications, seed=seed, start=start.date() if start else None, graph=g)
           if with_sim else None)
    extra = None
    if log_path:
        from .io.eventlog import read_log
        from .mining.check import check
        from .render.mining import check_html_section

        extra = [check_html_section(check(f, read_log(log_path), simulate_model=with_sim, days=days,
                                          replications=replications, seed=seed), lang)]
    html.write(out, html.report_html(f, g, a, sim, lang, extra))
    _wrote(out, lang)
    if open_:
        _open_in_browser(out)


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
    check_output(out, inputs=[log, *([lanes_file] if lanes_file else [])])
    lane_map, customer = load_lane_map(lanes_file) if lanes_file else ({}, set())
    lg = _read_log(log, case, activity, timestamp, start_col, resource, wide)
    d = run(lg, min_share=min_share, lane_map=lane_map, customer_lanes=customer, lang=lang, tune=not no_tune)
    lang = pick(lang, d.flow.language)
    save(d.flow, out, lang)
    for line in d.lines:
        click.echo(line)
    click.echo(t(lang, f"wrote {out}: {len(d.flow.steps)} steps, {len(d.flow.lanes)} lanes, {len(d.flow.owners)} owners",
                 f"{out} を書き出しました: 工程 {len(d.flow.steps)}・レーン {len(d.flow.lanes)}・担当者 {len(d.flow.owners)}"))


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
    check_output(out, inputs=[flow, log])
    f = _load(flow)
    lang = pick(lang, f.language)
    lg = _read_log(log, case, activity, timestamp, start_col, resource, wide)
    new, changes = run(f, lg, lang=lang)
    save(new, out, lang)
    for line in changes or [t(lang, "nothing to change", "変更はありません")]:
        click.echo(line)
    click.echo(t(lang, f"wrote {out}: {len(changes)} changes", f"{out} を書き出しました: 変更 {len(changes)} 件"))


if __name__ == "__main__":  # pragma: no cover
    main()
