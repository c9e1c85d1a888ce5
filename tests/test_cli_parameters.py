"""The library names parameters, the command line names options: a wrong argument of
a library call raises ParameterError naming the parameter (``orders_per_day``), and
the CLI shows it as its option (``--orders-per-day``) through one table, in both
languages, exit 2, no traceback."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import flowmap
from flowmap._cli_base import OPTIONS, _option
from flowmap.analyze import run_analysis
from flowmap.cli import main
from flowmap.errors import ParameterError
from flowmap.io.eventlog import read_log
from flowmap.mining.discover import discover
from flowmap.sweep import run_sweep
from flowmap.sweep.grid import parse_vary

from .conftest import MODELS, ROOT

Run = Callable[..., Result]
ASIS = MODELS / "ec_order_asis.yaml"
LOG = "case,activity,timestamp\n1,a,2024-01-01 10:00\n1,b,2024-01-01 11:00\n2,a,2024-01-02 10:00\n2,b,2024-01-02 12:00\n"


def _log(tmp_path: Path) -> Path:
    p = tmp_path / "log.csv"
    p.write_text(LOG, encoding="utf-8")
    return p


# command-line arguments (LOG / OUT stand for a small event log and an output file) →
# the lines the user reads: (en, ja), each beginning with the option
CASES: list[tuple[list[str], list[tuple[str, str]]]] = [
    (["simulate", str(ASIS), "--between", "C6", "NOPE", "--days", "1"],
     [("--between: step 'NOPE' does not exist", "--between: 工程「NOPE」が存在しません")]),
    (["simulate", str(ASIS), "--seed", "-1", "--days", "1"],
     [("--seed: seed must be a whole number of at least 0, not -1", "--seed: seed は 0 以上の整数にしてください（-1）")]),
    (["analyze", str(ASIS), "--only", "nonsense"],
     [("--only: unknown analyzer nonsense; known: duplication", "--only: 分析「nonsense」はありません。使えるもの: duplication")]),
    (["discover", "LOG", "-o", "OUT", "--min-share", "1.5"],
     [("--min-share: the minimum share must be at least 0 and below 1, not 1.5",
       "--min-share: 最小の割合は 0 以上 1 未満にしてください（1.5）")]),
    (["discover", "LOG", "-o", "OUT", "--case", "Nope", "--resource", "Who"],
     [("--case: 'Nope' is not a column of LOG:1; columns: case, activity, timestamp",
       "--case: 「Nope」という列は LOG:1 にありません。列: case, activity, timestamp"),
      ("--resource: 'Who' is not a column of LOG:1", "--resource: 「Who」という列は LOG:1 にありません")]),
    (["sweep", str(ASIS)],
     [("--vary: nothing to sweep: give at least one axis (--vary NAME=VALUES or --scenario FILE)",
       "--vary: スイープする軸がありません（--vary 名前=値 か --scenario ファイル を指定してください）")]),
    (["sweep", str(ASIS), "--vary", "speed=1"],
     [("--vary speed=1: unknown parameter 'speed'", "--vary speed=1: パラメータ「speed」は不明です")]),
    (["sweep", str(ASIS), "--vary", "orders_per_day=1:400:1", "--vary", "headcount.事務スタッフ=1:200:1"],
     [("--vary: the grid has 80,000 points × 5 replications = 400,000 runs, over 100,000: add --yes to run it anyway",
       "--vary: グリッドは 80,000 点 × 反復 5 回 = 400,000 回で、100,000 回を超えます。実行するには --yes を付けてください")]),
    (["sweep", str(ASIS), "--vary", "orders_per_day=10", "--days", "1", "--scheduler", "tcp://127.0.0.1:9"],
     [("--scheduler: cannot reach the Dask scheduler tcp://127.0.0.1:9", "--scheduler: Dask スケジューラ tcp://127.0.0.1:9 に")]),
]


@pytest.mark.parametrize(("args", "lines"), CASES, ids=[" ".join(c[0][:1] + c[0][2:4]) for c in CASES])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_wrong_argument_is_reported_by_its_option(cli: Run, tmp_path: Path, args: list[str],
                                                     lines: list[tuple[str, str]], lang: str) -> None:
    log, out = _log(tmp_path), tmp_path / "out.yaml"
    r = cli(*[str(log) if a == "LOG" else str(out) if a == "OUT" else a for a in args], "--lang", lang)
    assert r.exit_code == 2
    assert "Traceback" not in r.output and r.stdout == ""
    err = r.stderr.splitlines()
    prefix = "error: " if lang == "en" else "エラー: "
    for en, ja in lines:
        want = prefix + (en if lang == "en" else ja).replace("LOG", str(log))
        assert any(line.startswith(want) for line in err), (want, err)
    assert not out.exists()


def test_python_callers_read_the_parameter_names(tmp_path: Path) -> None:
    flow = flowmap.load(ASIS)
    calls: list[tuple[str, Callable[[], object]]] = [
        ("seed", lambda: flowmap.simulate(flow, seed=-1, days=1)),
        ("orders_per_day", lambda: flowmap.simulate(flow, orders_per_day=-5, days=1)),
        ("days", lambda: flowmap.simulate(flow, days=5000)),
        ("between", lambda: flowmap.simulate(flow, days=1, between=("C6", "NOPE"))),
        ("only", lambda: run_analysis(flow, only=["nonsense"])),
        ("min_share", lambda: discover(read_log(_log(tmp_path)), min_share=1.5)),
        ("case", lambda: read_log(_log(tmp_path), case="Nope")),
        ("vary", lambda: parse_vary("speed=1", flow)),
        ("axes", lambda: run_sweep(flow, [])),
        ("axes", lambda: run_sweep(flow, [parse_vary("orders_per_day=1:400:1", flow),
                                          parse_vary("headcount.事務スタッフ=1:200:1", flow)])),
    ]
    for parameter, call in calls:
        with pytest.raises(ParameterError) as e:
            call()
        assert e.value.parameter == parameter
        text = str(e.value)
        assert text.startswith(parameter) and "--" not in text, text  # no command-line option in a library error
    with pytest.raises(ParameterError) as e:
        run_sweep(flow, [])
    assert "parse_vary NAME=VALUES or scenario_axis FILE" in str(e.value)
    with pytest.raises(ParameterError) as e:
        run_sweep(flow, [parse_vary("orders_per_day=1:400:1", flow), parse_vary("headcount.事務スタッフ=1:200:1", flow)])
    assert "add yes=True to run it anyway" in str(e.value)


def test_the_cli_shows_each_parameter_as_its_option_through_one_table() -> None:
    e = ParameterError.of([*ParameterError("orders_per_day", "too many", "多すぎます").bad,
                           *ParameterError("axes", "add {yes}", "{yes} を付けて", mentions={"yes": "yes=True"}).bad],
                          mentions={"yes": "yes=True"})
    assert str(e) == "orders_per_day: too many\naxes: add yes=True"
    shown = e.for_options(_option)
    assert shown.messages("en") == ["--orders-per-day: too many", "--vary: add --yes"]
    assert shown.messages("ja") == ["--orders-per-day: 多すぎます", "--vary: --yes を付けて"]


def _named_parameters() -> set[str]:
    """Every parameter name the library puts in a ParameterError (read from the source)."""
    found: set[str] = set()
    for path in (ROOT / "src" / "flowmap").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'(?:ParameterError|BadValue|check_number)\(\s*"(\w+)"', text))
        for m in re.finditer(r"mentions=\{([^}]*)\}", text):
            found |= set(re.findall(r'"(\w+)":', m.group(1)))
    # the column parameters of read_log that the CLI passes (their errors name the parameter by a variable)
    call = re.search(r"read_log\(path, (.*?)\)", (ROOT / "src/flowmap/_cli_mining.py").read_text(encoding="utf-8"), re.S)
    assert call
    found |= set(re.findall(r"(\w+)=", call.group(1)))
    return found


def test_every_parameter_the_library_names_has_an_option_in_the_table() -> None:
    from flowmap import limits

    named = _named_parameters()
    assert {"between", "min_share", "case", "vary", "axes", "scheduler", "yes", "orders_per_day"} <= named  # the scan works
    sized = {p.location for p in limits.run_problems(days=-1, orders_per_day=-1, replications=0, workers=0,
                                                     start=dt.date(1900, 1, 1))}
    missing = sorted((named | sized) - set(OPTIONS))
    assert not missing, f"parameters the CLI cannot name as options: {missing}"
    options = {opt for cmd in main.commands.values() for p in cmd.params for opt in p.opts if opt.startswith("--")}
    assert set(OPTIONS.values()) <= options, sorted(set(OPTIONS.values()) - options)
