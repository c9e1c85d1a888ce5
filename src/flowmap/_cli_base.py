"""What every flowmap command shares: the click group, the error boundary,
the common options, reading a flow once, output checks and status lines.
Commands live in :mod:`flowmap.cli` and the ``_cli_*`` modules beside it."""

from __future__ import annotations

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
    from .graph import FlowGraph
    from .loading import Loaded
    from .model import Flow

__all__ = ["ALLOW_MISSING", "LANG_OPTION", "OPTIONS", "F", "boundary", "main", "pick", "t"]

F = TypeVar("F", bound=Callable[..., Any])

ALLOW_MISSING = click.option("--allow-missing", is_flag=True,
                             help="Treat blank durations and owners as warnings and say what is assumed.")
LANG_OPTION = click.option("--lang", type=click.Choice(["ja", "en"]), default=None,
                           help="Language of messages and labels (default: the flow's, else LANG).")
# options of the commands that simulate (simulate, sweep, compare)
START_OPTION = click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                            help="First simulated day (default: next Monday).")
WORKERS_OPTION = click.option("--workers", type=int, default=1, show_default=True,
                              help="Processes to spread replications over.")


def _echo_err(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)


# The one table from the library's parameter names (ParameterError, limits) to the options that set them.
OPTIONS: dict[str, str] = {
    # simulate, sweep, compare, report (flowmap.simulate, run_sweep, limits.run_problems)
    "days": "--days", "orders_per_day": "--orders-per-day", "replications": "--replications", "seed": "--seed",
    "workers": "--workers", "start": "--start", "between": "--between",
    # analyze (run_analysis)
    "only": "--only",
    # discover, conform, calibrate (mining.discover.run, io.eventlog.read_log)
    "min_share": "--min-share", "case": "--case", "activity": "--activity", "timestamp": "--timestamp",
    "resource": "--resource", "wide": "--wide",
    # sweep (parse_vary, run_sweep, scenario_axis)
    "vary": "--vary", "axes": "--vary", "scenario": "--scenario", "scheduler": "--scheduler", "yes": "--yes",
}


def _option(parameter: str) -> str:
    """The command-line option of a library parameter (``orders_per_day`` → ``--orders-per-day``);
    a parameter no option sets keeps its name."""
    return OPTIONS.get(parameter, parameter)


def boundary(fn: F) -> F:
    """Turn flowmap errors into messages and exit status 2 (no traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang") or env_lang()
        try:
            return fn(*args, **kwargs)
        except InputError as e:
            if isinstance(e, ParameterError):
                e = e.for_options(_option)
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

    With ``--allow-missing`` what was assumed for blank values is printed on stderr; so is what was
    assumed or left out reading a BPMN diagram (``validate``, with ``echo=False``, prints both itself)."""
    from .loading import read

    loaded = read(path, allow_missing=allow_missing)
    bpmn = Path(path).suffix.lower() == ".bpmn"
    if echo and (allow_missing or bpmn):
        lang = loaded.flow.language
        label = t(lang, "warning: ", "警告: ") if allow_missing else t(lang, "note: ", "注: ")
        for note in loaded.flow.notes:
            click.echo(label + note.text(lang), err=True)
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


def _open_in_browser(path: str) -> None:
    import webbrowser

    webbrowser.open(Path(path).resolve().as_uri())


