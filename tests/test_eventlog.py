"""Event-log readers on real files written here: CSV (UTF-8 and Shift_JIS), Excel, XES and .xes.gz, wide exports,
and every kind of bad input (located message, exit 2, nothing written)."""

from __future__ import annotations

import datetime as dt
import gzip
import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import Workbook

from flowmap.errors import InputError, ParameterError
from flowmap.io.eventlog import ACCEPTED, read_log


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _minutes(s: str) -> float:
    return (dt.datetime.fromisoformat(s) - dt.datetime(1970, 1, 1)).total_seconds() / 60


JA_LOG = """注文番号,工程,開始日時,日時,担当者,部署
A1,注文,,2024/04/01 10:00,,
A1,受注確認,2024/04/01 10:30,2024/04/01 10:35,田中,受注
A1,出荷,2024/04/02 09:00,2024/04/02 09:20,山田,物流
A2,注文,,2024年4月1日 11時05分,,
A2,受注確認,2024/04/01 11:30:00,2024/04/01 11:34:30,佐藤,受注
A2,出荷,2024/04/02 09:20,2024/04/02 09:45,山田,物流
"""


def test_japanese_headers_in_shift_jis(tmp_path: Path) -> None:
    log = read_log(_write(tmp_path / "log.csv", JA_LOG, "cp932"))
    assert (log.columns.case, log.columns.activity, log.columns.timestamp, log.columns.start, log.columns.resource,
            log.columns.group) == ("注文番号", "工程", "日時", "開始日時", "担当者", "部署")
    assert log.stats.events == 6 and log.stats.cases == 2
    assert log.stats.missing_start == 2  # the customer's orders have no start
    traces = {t.case: t for t in log.traces()}
    a2 = traces["A2"]
    assert [log.activities[a] for a in a2.activities] == ["注文", "受注確認", "出荷"]
    assert a2.ends[0] == _minutes("2024-04-01T11:05:00")  # 2024年4月1日 11時05分
    assert a2.ends[1] - a2.starts[1] == 4.5
    assert [log.resources[r] for r in a2.resources] == ["", "佐藤", "山田"]
    assert math.isnan(a2.starts[0])


def test_overrides_name_the_columns(tmp_path: Path) -> None:
    p = _write(tmp_path / "log.csv", "Ref;Step;When;Who\nx;a;2024-01-01 10:00;ann\nx;b;2024-01-01 11:00;bob\n"
                                     "y;a;2024-01-02 10:00;ann\n")
    with pytest.raises(InputError) as e:
        read_log(p)
    msg = e.value.problems[0].en
    assert "'Ref', 'Step', 'When', 'Who'" in msg and "case:concept:name" in msg and "注文番号" in msg
    assert e.value.problems[0].location == f"{p}:1"
    log = read_log(p, case="Ref", activity="Step", timestamp="When", resource="Who")
    assert log.stats.events == 3 and log.resources[1:] == ["ann", "bob"]
    with pytest.raises(ParameterError) as e2:
        read_log(p, case="Order", timestamp="Time")
    # Python callers read the parameters they passed; the file is named in the words
    assert [(b.parameter, b.en) for b in e2.value.bad] == [
        ("case", f"'Order' is not a column of {p}:1; columns: Ref, Step, When, Who"),
        ("timestamp", f"'Time' is not a column of {p}:1; columns: Ref, Step, When, Who")]
    assert str(e2.value).startswith("case: 'Order' is not a column")


def test_lifecycle_time_zones_order_and_missing(tmp_path: Path) -> None:
    xes = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace><string key="concept:name" value="c1"/>
    <event><string key="concept:name" value="B"/><string key="lifecycle:transition" value="start"/>
      <date key="time:timestamp" value="2024-05-01T10:10:00+09:00"/><string key="org:resource" value="r2"/></event>
    <event><string key="concept:name" value="B"/><string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="2024-05-01T01:20:00+00:00"/><string key="org:resource" value="r2"/></event>
    <event><string key="concept:name" value="A"/><string key="lifecycle:transition" value="start"/>
      <date key="time:timestamp" value="2024-05-01T10:00:00+09:00"/></event>
    <event><string key="concept:name" value="A"/><string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="2024-05-01T10:05:00+09:00"/></event>
    <event><string key="concept:name" value="C"/><string key="lifecycle:transition" value="start"/>
      <date key="time:timestamp" value="2024-05-01T11:00:00+09:00"/></event>
    <event><string key="concept:name" value="D"/><string key="lifecycle:transition" value="complete"/></event>
  </trace>
  <trace><string key="concept:name" value="c2"/>
    <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2024-05-02T10:00:00+09:00"/></event>
  </trace>
</log>
"""
    p = _write(tmp_path / "l.xes", xes)
    log = read_log(p)
    st = log.stats
    assert st.lifecycle_pairs == 2 and st.unmatched_starts == 1 and st.missing_timestamps == 1
    assert st.tz_converted == 1 and st.offset == "+09:00"
    assert st.out_of_order == 1  # A started before B in time but came after it in the file
    c1 = next(t for t in log.traces() if t.case == "c1")
    assert [log.activities[a] for a in c1.activities] == ["A", "B"]
    assert c1.ends[1] - c1.starts[1] == 10  # 10:10+09:00 → 01:20Z is ten minutes
    assert c1.starts[0] == _minutes("2024-05-01T10:00:00")  # wall clock in the log's own offset
    gz = tmp_path / "l.xes.gz"
    gz.write_bytes(gzip.compress(p.read_bytes()))
    again = read_log(gz)
    assert list(again.end) == list(log.end) and again.activities == log.activities


def test_excel_long_form_and_its_locations(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "ログ"
    ws.append(["case_id", "activity", "timestamp", "resource"])
    ws.append(["1", "受付", dt.datetime(2024, 4, 1, 9, 0), "田中"])
    ws.append(["1", "出荷", dt.datetime(2024, 4, 1, 13, 0), "山田"])
    ws.append(["2", "受付", dt.datetime(2024, 4, 2, 9, 0), "田中"])
    p = tmp_path / "log.xlsx"
    wb.save(p)
    log = read_log(p)
    assert log.kind == "xlsx" and log.stats.events == 3
    ws.append(["2", "出荷", "来週", "山田"])
    wb.save(p)
    with pytest.raises(InputError) as e:
        read_log(p)
    assert e.value.problems[0].location == f"{p}:ログ!C5"
    assert "'来週'" in e.value.problems[0].en


def test_wide_export_is_detected(tmp_path: Path) -> None:
    p = _write(tmp_path / "orders.csv", "注文番号,注文日時,支払方法,出荷日時,キャンセル日時\n"
                                        "1,2024/04/01 10:00,カード,2024/04/02 11:00,\n"
                                        "2,2024/04/01 12:00,コンビニ,,2024/04/04 12:00\n")
    log = read_log(p)
    assert log.kind == "wide" and log.columns.case == "注文番号"
    assert log.columns.wide == ["注文日時", "出荷日時", "キャンセル日時"]
    assert log.activities == ["注文", "出荷", "キャンセル"]
    assert log.stats.events == 4
    forced = read_log(p, wide=True)
    assert forced.activities == log.activities


def test_accepted_names_cover_the_usual_columns() -> None:
    for role, name in [("case", "case:concept:name"), ("activity", "concept:name"), ("timestamp", "time:timestamp"),
                       ("start", "start_timestamp"), ("resource", "org:resource"), ("group", "org:group"),
                       ("lifecycle", "lifecycle:transition"), ("case", "注文番号"), ("activity", "工程"),
                       ("timestamp", "日時"), ("resource", "担当者")]:
        assert name in ACCEPTED[role]


# ----------------------------------------------------------------- bad input

def _bad(cli: Callable[..., Result], tmp_path: Path, log: Path, *where: str) -> str:
    out = tmp_path / "flow.yaml"
    r = cli("discover", log, "-o", out, "--lang", "en")
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert not out.exists()
    assert not [x for x in tmp_path.iterdir() if x.name.startswith(".flow.yaml")]
    for w in where:
        assert w in r.output, r.output
    return r.output


def test_no_recognisable_columns(cli: Callable[..., Result], tmp_path: Path) -> None:
    p = _write(tmp_path / "x.csv", "foo,bar,baz\n1,2,3\n")
    msg = _bad(cli, tmp_path, p, f"{p}:1", "'foo', 'bar', 'baz'", "case:concept:name", "time:timestamp", "注文番号")
    assert "--case" in msg


def test_unparsable_timestamp_names_row_and_column(cli: Callable[..., Result], tmp_path: Path) -> None:
    p = _write(tmp_path / "x.csv", "case_id,activity,timestamp\n1,a,2024-01-01 10:00\n1,b,yesterday\n")
    _bad(cli, tmp_path, p, f"{p}:3", "column 'timestamp'", "'yesterday'")


def test_empty_logs(cli: Callable[..., Result], tmp_path: Path) -> None:
    _bad(cli, tmp_path, _write(tmp_path / "empty.csv", ""), "empty.csv", "empty")
    _bad(cli, tmp_path, _write(tmp_path / "head.csv", "case_id,activity,timestamp\n"), "head.csv", "no events")
    _bad(cli, tmp_path, _write(tmp_path / "e.xes", '<?xml version="1.0"?>\n<log/>\n'), "e.xes", "no events")


def test_one_case(cli: Callable[..., Result], tmp_path: Path) -> None:
    p = _write(tmp_path / "one.csv", "case_id,activity,timestamp\n1,a,2024-01-01 10:00\n1,b,2024-01-01 11:00\n")
    _bad(cli, tmp_path, p, "one.csv", "only 1 case")


def test_two_gigabytes_refused_by_size(cli: Callable[..., Result], tmp_path: Path) -> None:
    p = tmp_path / "huge.csv"
    with open(p, "wb") as f:
        f.write(b"case_id,activity,timestamp\n")
        f.truncate(2 * 1024**3 + 1)  # sparse: no disk used, and the reader must not read it
    _bad(cli, tmp_path, p, "huge.csv", "over 2 GiB are refused")


def test_only_regular_files(cli: Callable[..., Result], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    _bad(cli, tmp_path, fifo, "pipe.csv", "not a regular file")


def test_malformed_xes_names_its_line(cli: Callable[..., Result], tmp_path: Path) -> None:
    p = _write(tmp_path / "bad.xes", '<?xml version="1.0"?>\n<log>\n  <trace>\n    <event>\n  </trace>\n</log>\n')
    _bad(cli, tmp_path, p, f"{p}:5", "malformed XES")


def test_bad_timestamp_in_xes_names_its_line(cli: Callable[..., Result], tmp_path: Path) -> None:
    p = _write(tmp_path / "t.xes", '<?xml version="1.0"?>\n<log>\n<trace><string key="concept:name" value="1"/>\n'
                                   '<event><string key="concept:name" value="a"/>\n'
                                   '<date key="time:timestamp" value="soon"/></event></trace>\n</log>\n')
    _bad(cli, tmp_path, p, f"{p}:4", "'soon'")


@pytest.mark.parametrize("doc", [
    '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n<log>&b;</log>\n',
    '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<log>&x;</log>\n',
    '<?xml version="1.0"?>\n<!DOCTYPE log SYSTEM "http://example.invalid/x.dtd">\n<log/>\n',
])
def test_xml_entities_and_dtds_refused(cli: Callable[..., Result], tmp_path: Path, doc: str) -> None:
    p = _write(tmp_path / "evil.xes", doc)
    out = _bad(cli, tmp_path, p, f"{p}:2", "refused")
    assert "root:" not in out


def test_outputs_never_overwrite_their_inputs(cli: Callable[..., Result], tmp_path: Path) -> None:
    log = _write(tmp_path / "log.csv", "case_id,activity,timestamp\n1,a,2024-01-01 10:00\n2,a,2024-01-02 10:00\n")
    before = log.read_bytes()
    flow = tmp_path / "f.yaml"
    assert cli("discover", log, "-o", flow, "--no-tune").exit_code == 0
    for args in (("check", flow, log, "-o", log, "--no-sim"), ("calibrate", flow, log, "-o", flow),
                 ("discover", log, "-o", tmp_path / "f.txt")):
        r = cli(*args)
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert log.read_bytes() == before and "name: log" in flow.read_text(encoding="utf-8")
