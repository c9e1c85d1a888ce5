"""The flowmap command line: a thin click group with one error boundary."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from ._lang import env_lang, pick, t
from .errors import FlowmapError, InputError, UsageError
from .model import Flow

F = TypeVar("F", bound=Callable[..., Any])

LANG_OPTION = click.option("--lang", type=click.Choice(["ja", "en"]), default=None,
                           help="Language of messages and labels (default: the flow's, else LANG).")


def _echo_err(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)


def boundary(fn: F) -> F:
    """Turn flowmap errors into messages and exit status 2 (no traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang") or env_lang()
        try:
            return fn(*args, **kwargs)
        except InputError as e:
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

    return wrapper  # type: ignore[return-value]


def _load(path: str) -> Flow:
    from . import load

    return load(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flowmap")
def main() -> None:
    """flowmap: map, analyze and simulate an online shop's order flow.

    FLOW is an Excel workbook (.xlsx) or a model file (.yaml/.json).
    """


@main.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--example", is_flag=True, help="Fill the workbook with the EC order flow.")
@LANG_OPTION
@boundary
def template(out: str, example: bool, lang: str | None) -> None:
    """Write a workbook in the contract's layout, ready to fill in."""
    from .io import write_workbook
    from .io.modelfile import read_model

    lang = pick(lang)
    if Path(out).suffix.lower() != ".xlsx":
        raise UsageError.one(f"OUT must end in .xlsx, not {Path(out).suffix or '(none)'}",
                             f"出力ファイルは .xlsx にしてください（{Path(out).suffix or '拡張子なし'}）", out)
    if example:
        name = "ec_order_asis.yaml" if lang == "ja" else "ec_order_asis_en.yaml"
        flow = read_model(Path(__file__).parent / "models" / name)
        write_workbook(flow, out, lang)
    else:
        blank = Flow(name="flow", language=lang)  # type: ignore[arg-type]
        write_workbook(blank, out, lang, blank=True)
    click.echo(t(lang, f"wrote {out}", f"{out} を書き出しました"))


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@LANG_OPTION
@boundary
def validate(flow: str, lang: str | None) -> None:
    """Read FLOW and check it; print every problem, or a one-line summary."""
    f = _load(flow)
    lang = pick(lang, f.language)
    n_lanes = len(f.lanes)
    click.echo(t(lang, f"ok: {len(f.steps)} steps, {n_lanes} lanes, {len(f.owners)} owners, {len(f.tools)} tools",
                 f"ok: {len(f.steps)} steps, {n_lanes} lanes, {len(f.owners)} owners, {len(f.tools)} tools"
                 f"（工程 {len(f.steps)}・レーン {n_lanes}・担当者 {len(f.owners)}・ツール {len(f.tools)}）"))


@main.command()
@click.argument("flow", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False),
              help="Output file: .xlsx, .yaml or .json.")
@LANG_OPTION
@boundary
def convert(flow: str, out: str, lang: str | None) -> None:
    """Convert FLOW between .xlsx, .yaml and .json."""
    from . import save

    f = _load(flow)
    lang = pick(lang, f.language)
    save(f, out, lang)
    click.echo(t(lang, f"wrote {out}", f"{out} を書き出しました"))


if __name__ == "__main__":  # pragma: no cover
    main()
