"""The compare command: as-is against to-be (or a flow against a scenario)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

# Each command module imports the shared CLI helpers it uses; alike lists, nothing to share.
from ._cli_base import (
    LANG_OPTION,
    START_OPTION,
    WORKERS_OPTION,
    _check_run,
    _output,
    _write_or_echo,
    _wrote,
    boundary,
    main,
    pick,
)
from .errors import UsageError

if TYPE_CHECKING:
    from .model import Flow


@main.command()
@click.argument("before", required=False, type=click.Path(dir_okay=False))
@click.argument("after", required=False, type=click.Path(dir_okay=False))
@click.option("--scenario", type=click.Path(dir_okay=False), default=None,
              help="A scenario file (YAML) of changes to BEFORE (or to the scenario's own base) instead of AFTER.")
@click.option("--days", type=float, default=None, help="Simulated days (default: BEFORE's settings).")
@click.option("--orders-per-day", type=float, default=None, help="Arrivals per day for both (default: each flow's own).")
@click.option("--replications", type=int, default=None, help="Paired replications (default: BEFORE's settings).")
@click.option("--seed", type=int, default=None, help="Random seed of both runs (default: BEFORE's).")
@WORKERS_OPTION
@START_OPTION
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
    from .render import compare as r

    if fmt in ("xlsx", "html") and not out:
        raise UsageError.one(f"--format {fmt} needs -o FILE.{fmt}", f"--format {fmt} には -o ファイル.{fmt} が必要です", "--format")
    if out and fmt in ("xlsx", "html") and Path(out).suffix.lower() not in ((".xlsx",) if fmt == "xlsx" else (".html", ".htm")):
        raise UsageError.one(f"--format {fmt} writes a .{fmt} file, not {Path(out).suffix or 'a file without suffix'}",
                             f"--format {fmt} の出力は .{fmt} ファイルにしてください（{Path(out).suffix or '拡張子なし'}）", out)
    _check_run(days=days, orders_per_day=orders_per_day, replications=replications, workers=workers,
               start=start.date() if start else None)
    if orders_per_day == 0:
        raise UsageError.one("--orders-per-day 0 leaves nothing to compare: give at least some orders a day",
                             "--orders-per-day 0 では比較する案件がありません。1日の受注件数を指定してください",
                             "--orders-per-day")
    _output(out, fmt, [before, after, scenario, scenario_base_of(before, scenario)])
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


def scenario_base_of(before: str | None, scenario: str | None) -> str | None:
    """The flow file a scenario brings in as BEFORE when none is given: an input that ``-o`` must not name."""
    if not scenario or before:
        return None
    from .scenario import load_scenario, scenario_base

    return str(scenario_base(load_scenario(scenario)))


def load_pair(before: str | None, after: str | None, scenario: str | None) -> tuple[Flow, Flow]:
    """BEFORE and AFTER from the command line: two flow files, or a flow (or the scenario's base) and a scenario."""
    from . import load
    from .scenario import apply_scenario

    if scenario and after:
        raise UsageError.one("give AFTER or --scenario, not both", "AFTER と --scenario はどちらか一方にしてください", "--scenario")
    if scenario:
        from .scenario import load_scenario, scenario_base

        sc = load_scenario(scenario)
        base = _load_flow(before, with_scenario=True) if before else load(scenario_base(sc))
        return base, apply_scenario(base, sc)
    if not before or not after:
        raise UsageError.one("compare needs BEFORE AFTER, or FLOW --scenario CHANGE.yaml",
                             "比較には BEFORE AFTER か、FLOW --scenario 変更.yaml を指定してください", "compare")
    return _load_flow(before), _load_flow(after)


def _load_flow(path: str, *, with_scenario: bool = False) -> Flow:
    """A flow file; a scenario file given in its place gets a one-line hint instead of a flow's errors."""
    from . import load
    from .errors import InputError
    from .loading import is_scenario_file

    try:
        return load(path)
    except InputError:
        if not is_scenario_file(path):
            raise
        if with_scenario:
            raise UsageError.one(f"{path} is a scenario file; give the flow to change as FLOW (or leave FLOW out to use "
                                 "the scenario's base)", f"{path} はシナリオファイルです。FLOW には変更するフローを指定してください"
                                 "（省略するとシナリオの base を使います）") from None
        raise UsageError.one(f"{path} is a scenario file; use --scenario {path}",
                             f"{path} はシナリオファイルです。--scenario {path} と指定してください") from None


def one_comparison(after: str | None, scenario: str | None) -> None:
    """``report`` compares with AFTER or with a scenario, not both."""
    if after and scenario:
        raise UsageError.one("give --compare or --scenario, not both", "--compare と --scenario はどちらか一方にしてください",
                             "--scenario")


def report_after(flow: Flow, after: str | None, scenario: str | None) -> Flow | None:
    """The flow the report compares FLOW with (``--compare AFTER`` or FLOW changed by ``--scenario S``), read
    before any simulation so a bad file fails fast; None without either option."""
    one_comparison(after, scenario)
    if scenario:
        from .scenario import apply_scenario, load_scenario

        return apply_scenario(flow, load_scenario(scenario))
    return _load_flow(after) if after else None


def report_section(flow: Flow, changed: Flow, *, lang: str, simulate: bool, thresholds: dict[str, float] | None,
                   days: float | None, replications: int | None, seed: int | None, start: Any) -> tuple[str, str, str]:
    """The report's comparison section: FLOW as BEFORE, the changed flow as AFTER."""
    from .compare import compare as run
    from .render.compare_html import compare_section

    c = run(flow, changed, lang=lang, simulate=simulate, days=days, replications=replications, seed=seed,
            start=start.date() if start else None, thresholds=thresholds)
    return compare_section(c)
