"""Streaming event-log readers: XES (.xes, .xes.gz), CSV and Excel in long form, and wide order exports.

Every reader streams its file row by row (or element by element) into compact
arrays, so a log of a million events stays well within a few hundred MB.
Columns are found by their usual process-mining names (``case:concept:name``,
``concept:name``, ``time:timestamp``, ``start_timestamp``, ``org:resource``,
``org:group``, ``lifecycle:transition``), their plain-English and Japanese
equivalents (``注文番号``, ``工程``, ``日時``, ``担当者`` …), or named with
overrides.  A *wide* export (one row per order, one timestamp column per
milestone such as ``注文日時``, ``出荷日時``) becomes one event per filled
milestone cell.

Times become minutes since 1970-01-01 on the wall clock of the log: time-zone
aware stamps are converted to the offset of the first one seen (counted), so
working hours read as the shop's local hours.  Lifecycle ``start``/``complete``
pairs become one event with a start; a start without its complete is counted
and dropped.  Empty timestamps are counted and their rows skipped; an
unparsable one is an error naming its row and column.  Rows of a case that go
back in time are counted and put in order.

XES is parsed by expat with defusedxml's guards (its DefusedExpatParser
handlers): DTDs, entity declarations and external references are refused,
and every problem names its line.

This module holds the log's types and :func:`read_log`; the readers are in
``_log_table`` (CSV, Excel), ``_log_xes`` and ``_log_sink`` (timestamps, the
arrays, guarded file access), each loaded when a file of its kind is read.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem

__all__ = [
    "ACCEPTED",
    "MAX_LOG_BYTES",
    "Columns",
    "EventLog",
    "LogStats",
    "Trace",
    "read_log",
]

MAX_LOG_BYTES = 2 * 1024**3
"""Logs larger than this (2 GiB, on disk or decompressed) are refused."""


# Names accepted for each role, compared after NFKC normalisation, lower case, and with
# spaces, hyphens and underscores removed.
ACCEPTED: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "case_id", "case", "caseid", "case id", "trace", "order_id", "order",
             "order_no", "order number", "注文番号", "受注番号", "注文id", "ケースid", "案件id", "案件番号", "伝票番号"),
    "activity": ("concept:name", "activity", "activity_name", "event", "event_name", "task", "step", "action",
                 "工程", "工程名", "アクティビティ", "作業", "作業名", "処理", "イベント"),
    "timestamp": ("time:timestamp", "timestamp", "complete_timestamp", "end_timestamp", "end", "end_time",
                  "completed", "time", "datetime", "date", "日時", "完了日時", "終了日時", "タイムスタンプ", "時刻"),
    "start": ("start_timestamp", "start", "start_time", "started", "開始日時", "開始時刻", "開始"),
    "resource": ("org:resource", "resource", "user", "performer", "agent", "staff", "担当者", "担当", "リソース", "作業者"),
    "group": ("org:group", "org:role", "lane", "group", "role", "department", "team", "部署", "レーン", "チーム", "部門"),
    "lifecycle": ("lifecycle:transition", "lifecycle", "transition", "event_type", "ライフサイクル"),
}


@dataclass
class LogStats:
    """What the reader met and did, to show the user."""

    rows: int = 0
    events: int = 0
    cases: int = 0
    missing_timestamps: int = 0
    missing_start: int = 0
    missing_case_or_activity: int = 0
    unmatched_starts: int = 0
    out_of_order: int = 0
    tz_converted: int = 0
    offset: str = ""
    lifecycle_pairs: int = 0
    ignored_transitions: int = 0

    def lines(self, lang: str = "en") -> list[str]:
        ja = lang == "ja"
        out = [f"{self.rows} 行・{self.events} イベント・{self.cases} 件" if ja else
               f"{self.rows} rows, {self.events} events, {self.cases} cases"]
        items = [
            (self.missing_timestamps, "rows without a timestamp skipped", "行は日時が空のため読み飛ばしました"),
            (self.missing_case_or_activity, "rows without case or activity skipped", "行はケースか工程が空のため読み飛ばしました"),
            (self.missing_start, "events without a start time", "イベントは開始日時がありません"),
            (self.lifecycle_pairs, "start/complete pairs joined", "組の開始・完了を一つにまとめました"),
            (self.unmatched_starts, "starts without a complete dropped", "件の開始は完了がないため除きました"),
            (self.ignored_transitions, "events of other lifecycle transitions ignored", "件はその他のライフサイクルのため除きました"),
            (self.out_of_order, "events out of time order within their case, sorted", "件はケース内で時刻順でなかったため並べ替えました"),
            (self.tz_converted, f"timestamps converted to UTC{self.offset}", f"件の日時を UTC{self.offset} に換算しました"),
        ]
        for n, en, jp in items:
            if n:
                out.append(f"{n} {jp}" if ja else f"{n} {en}")
        return out


@dataclass
class Columns:
    """The columns chosen for each role (header text), and whether the log is a wide export."""

    case: str = ""
    activity: str = ""
    timestamp: str = ""
    start: str = ""
    resource: str = ""
    group: str = ""
    lifecycle: str = ""
    wide: list[str] = field(default_factory=list)


@dataclass
class Trace:
    """One case: its events in time order."""

    case: str
    activities: list[int]
    resources: list[int]
    groups: list[int]
    starts: list[float]  # NaN where the log has no start
    ends: list[float]


class _Names:
    """Interned strings → small ints."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.names: list[str] = []

    def __call__(self, s: str) -> int:
        i = self.index.get(s)
        if i is None:
            i = len(self.names)
            self.index[s] = i
            self.names.append(s)
        return i


@dataclass
class EventLog:
    """A log read into compact arrays; :meth:`traces` gives the cases in order."""

    source: str
    kind: str  # "xes", "csv", "xlsx", "wide"
    columns: Columns
    stats: LogStats
    activities: list[str]
    resources: list[str]  # index 0 is "" (no resource)
    groups: list[str]  # index 0 is "" (no group)
    cases: list[str]
    case_of: array[int]
    act: array[int]
    res: array[int]
    grp: array[int]
    start: array[float]
    end: array[float]

    def __len__(self) -> int:
        return len(self.act)

    @property
    def has_starts(self) -> bool:
        return self.stats.missing_start < len(self.act)

    def first_time(self) -> float:
        return min(self.end) if len(self.end) else 0.0

    def last_time(self) -> float:
        return max(self.end) if len(self.end) else 0.0

    def traces(self) -> Iterator[Trace]:
        """The cases in order of their first event, each with its events in time order."""
        by_case: list[list[int]] = [[] for _ in self.cases]
        for i, c in enumerate(self.case_of):
            by_case[c].append(i)
        start, end = self.start, self.end

        def key(i: int) -> tuple[float, float, int]:
            s = start[i]
            return ((end[i] if math.isnan(s) else s), end[i], i)

        order = sorted(range(len(self.cases)), key=lambda c: min((key(i) for i in by_case[c]), default=(0.0, 0.0, 0)))
        for c in order:
            idx = sorted(by_case[c], key=key)
            by_case[c] = []  # free as we go
            yield Trace(self.cases[c], [self.act[i] for i in idx], [self.res[i] for i in idx],
                        [self.grp[i] for i in idx], [start[i] for i in idx], [end[i] for i in idx])


# ------------------------------------------------------------------ entry

def read_log(path: str | Path, *, case: str | None = None, activity: str | None = None, timestamp: str | None = None,
             start: str | None = None, resource: str | None = None, group: str | None = None,
             wide: bool | None = None) -> EventLog:
    """Read an event log; raises :class:`InputError` with located problems.

    ``wide``: True forces the wide-export reading, False forbids it, None detects it.
    The log must hold at least two cases with a timestamp.
    """
    from ._log_sink import _check_file

    p = Path(path)
    name = str(path)
    size = _check_file(p, name)
    low = p.name.lower()
    if size == 0:
        raise InputError([Problem(name, "the log is empty", "ログが空です")])
    overrides = {"case": case, "activity": activity, "timestamp": timestamp, "start": start, "resource": resource,
                 "group": group}
    if low.endswith(".xes") or low.endswith(".xes.gz"):
        from ._log_xes import _read_xes

        log = _read_xes(p, name, gz=low.endswith(".gz"))
    elif low.endswith((".csv", ".tsv", ".txt")):
        from ._log_table import _read_table

        log = _read_table(p, name, "csv", overrides, wide)
    elif low.endswith((".xlsx", ".xlsm")):
        from ._log_table import _read_table

        log = _read_table(p, name, "xlsx", overrides, wide)
    else:
        raise InputError([Problem(name, "an event log is .xes, .xes.gz, .csv or .xlsx",
                                  "イベントログは .xes・.xes.gz・.csv・.xlsx のいずれかにしてください")])
    if log.stats.events == 0:
        raise InputError([Problem(name, "the log has no events with a timestamp", "日時のあるイベントがありません")])
    if log.stats.cases < 2:
        raise InputError([Problem(name, f"the log holds only {log.stats.cases} case; at least 2 are needed to "
                                        "learn shares and arrivals",
                                  f"ログのケースが {log.stats.cases} 件しかありません。割合と到着を求めるには 2 件以上必要です")])
    return log
