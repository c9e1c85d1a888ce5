"""The flowmap command line: a thin click group with one error boundary.

Commands parse options, call the library and pick a writer; the work is in
the library.  Heavy modules are imported inside the commands so that
``flowmap --version`` and ``--help`` start fast.  This module holds the
commands on one flow (template, validate, convert, analyze, view, report);
``_cli_run`` (simulate, sweep), ``_cli_compare`` (compare) and ``_cli_mining``
(discover, check, calibrate) register theirs on the same group.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

# Each command module imports the shared CLI helpers it uses; alike lists, nothing to share.
from ._cli_base import (
    ALLOW_MISSING,
    LANG_OPTION,
    _check_run,
    _load,
    _load_graph,
    _open,
    _open_in_browser,
    _output,
    _thresholds,
    _write_or_echo,
    _wrote,
    boundary,
    main,
    pick,
    t,
)
from .errors import UsageError

if TYPE_CHECKING:
    from .analyze import Analysis

__all__ = ["main"]


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
    from .graph import count_work_tools, wait_tool_names

    waits = wait_tool_names(f)
    n_tools = count_work_tools(f)  # a wait tool is a delay at a handoff, not a means of work (as in analyze)
    click.echo(t(lang, f"ok: {len(f.steps)} steps, {n_lanes} lanes, {len(f.owners)} owners, {n_tools} tools",
                 f"ok: {len(f.steps)} steps, {n_lanes} lanes, {len(f.owners)} owners, {n_tools} tools"
                 f"（工程 {len(f.steps)}・レーン {n_lanes}・担当者 {len(f.owners)}・ツール {n_tools}）"))
    if waits:
        click.echo(t(lang, f"note: {len(waits)} wait tool{'' if len(waits) == 1 else 's'} (handoff delays, not counted as tools): {', '.join(waits)}",
                     f"注: 待ちツール {len(waits)} 件（引き継ぎの遅れ。ツールには数えません）: {'、'.join(waits)}"))
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
@click.option("--compare", "compare_to", type=click.Path(dir_okay=False), default=None, metavar="AFTER",
              help="Add a comparison of FLOW (as before) with the flow AFTER.")
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="Add a comparison of FLOW with FLOW changed by this scenario file (YAML).")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              help="An event log to check the flow against (adds a section).")
@ALLOW_MISSING
@LANG_OPTION
@boundary
def report(flow: str, out: str, with_sim: bool, days: float | None, replications: int | None, seed: int | None,
           start: Any, config: str | None, open_: bool, compare_to: str | None, scenario: str | None,
           log_path: str | None, allow_missing: bool, lang: str | None) -> None:
    """One self-contained HTML page: lane graph, findings, workload, simulation, customer journey."""
    from .analyze import run_analysis
    from .render import html
    from .simulation import simulate as run

    _output(out, "html", [flow, config, log_path, compare_to, scenario])
    _cli_compare.one_comparison(compare_to, scenario)
    _check_run(days=days, replications=replications, start=start.date() if start else None)
    thresholds = _thresholds(config)
    f, g = _load_graph(flow, allow_missing)
    changed = _cli_compare.report_after(f, compare_to, scenario)
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
    if changed is not None:
        extra = [*(extra or []), _cli_compare.report_section(f, changed, lang=lang, simulate=with_sim, thresholds=thresholds,
                                                             days=days, replications=replications, seed=seed, start=start)]
    html.write(out, html.report_html(f, g, a, sim, lang, extra))
    _wrote(out, lang)
    if open_:
        _open_in_browser(out)


# the other commands register themselves on ``main`` when imported
from . import _cli_compare, _cli_mining, _cli_run  # noqa: E402

__all__ += ["_cli_compare", "_cli_mining", "_cli_run"]

if __name__ == "__main__":  # pragma: no cover
    main()
