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
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
import math
import re
import stat
import unicodedata
from array import array
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

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

_EPOCH = dt.datetime(1970, 1, 1)

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
_ROLES = ("case", "activity", "timestamp", "start", "resource", "group", "lifecycle")

# wide exports: a milestone column's header ends in one of these
_WIDE_SUFFIXES = ("日時", "日付", "時刻", "日", "_at", "_time", "_date", "_timestamp", " time", " date", " at")
_WIDE_CASE = ACCEPTED["case"] + ("id", "no", "番号")


def _norm(name: str) -> str:
    s = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"[\s_\-]+", "", s)


_LOOKUP = {role: {_norm(n) for n in names} for role, names in ACCEPTED.items()}


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


# ---------------------------------------------------------------- timestamps

_JP_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_TIME_HMS = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


class _Clock:
    """Parses timestamps into wall-clock minutes since 1970 in one offset (the first one seen)."""

    def __init__(self, stats: LogStats) -> None:
        self.stats = stats
        self.offset: dt.timedelta | None = None

    def minutes(self, value: Any) -> float | None:
        """Minutes, None for an empty value; raises ValueError when the value is not a time."""
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            d = value
        elif isinstance(value, dt.date):
            d = dt.datetime.combine(value, dt.time(0))
        else:
            s = str(value).strip()
            if not s:
                return None
            d = _parse_text(s)
        if d.tzinfo is not None:
            off = d.utcoffset() or dt.timedelta(0)
            if self.offset is None:
                self.offset = off
                total = int(off.total_seconds() // 60)
                sign = "+" if total >= 0 else "-"
                self.stats.offset = f"{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
            elif off != self.offset:
                self.stats.tz_converted += 1
            d = (d - off + self.offset).replace(tzinfo=None)
        return (d - _EPOCH).total_seconds() / 60.0


def _parse_text(s: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        pass
    t = unicodedata.normalize("NFKC", s)
    m = _JP_DATE.search(t) or _SLASH.search(t)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        rest = t[m.end():]
        hms = _TIME_HMS.search(rest)
        hh = mm = ss = 0
        if hms:
            hh, mm = int(hms.group(1)), int(hms.group(2))
            ss = int(hms.group(3) or 0)
        elif "時" in rest:
            h2 = re.search(r"(\d{1,2})\s*時(?:\s*(\d{1,2})\s*分)?", rest)
            if h2:
                hh, mm = int(h2.group(1)), int(h2.group(2) or 0)
        return dt.datetime(y, mo, d, hh, mm, ss)
    return dt.datetime.fromisoformat(t.replace("/", "-"))


# ------------------------------------------------------------------ the sink

class _Sink:
    """Collects events into arrays, pairs lifecycle starts with completes, counts what it sees."""

    def __init__(self, source: str, kind: str, columns: Columns) -> None:
        self.source, self.kind, self.columns = source, kind, columns
        self.stats = LogStats()
        self.clock = _Clock(self.stats)
        self.acts, self.ress, self.grps, self.case_names = _Names(), _Names(), _Names(), _Names()
        self.ress("")
        self.grps("")
        self.case_of: array[int] = array("l")
        self.act: array[int] = array("l")
        self.res: array[int] = array("l")
        self.grp: array[int] = array("l")
        self.start: array[float] = array("d")
        self.end: array[float] = array("d")
        self.pending: dict[tuple[int, int], deque[float]] = {}
        self.last_of_case: dict[int, float] = {}

    def time(self, value: Any, where: str, column: str) -> float | None:
        try:
            return self.clock.minutes(value)
        except (ValueError, OverflowError):
            text = str(value)[:60]
            raise InputError([Problem(where, f"column {column!r}: {text!r} is not a date and time "
                                             "(e.g. 2024-05-01T10:30:00 or 2024/05/01 10:30)",
                                      f"列「{column}」の「{text}」は日時として読めません"
                                      "（例: 2024-05-01T10:30:00、2024/05/01 10:30）")]) from None

    def add(self, case: str, activity: str, resource: str, group: str, start: float | None, end: float | None,
            lifecycle: str = "") -> None:
        st = self.stats
        if not case or not activity:
            st.missing_case_or_activity += 1
            return
        c = self.case_names(case)
        a = self.acts(activity)
        lc = lifecycle.strip().lower()
        if lc and lc not in ("complete", "completed", "end", "完了", "終了"):
            if lc in ("start", "started", "begin", "開始"):
                if end is not None:
                    self.pending.setdefault((c, a), deque()).append(end)
            else:
                st.ignored_transitions += 1
            return
        if end is None:
            st.missing_timestamps += 1
            return
        if lc:
            q = self.pending.get((c, a))
            if q:
                start = q.popleft()
                st.lifecycle_pairs += 1
                if not q:
                    del self.pending[(c, a)]
        if start is None:
            st.missing_start += 1
        key = end if start is None else start
        last = self.last_of_case.get(c)
        if last is not None and key < last:
            st.out_of_order += 1
        else:
            self.last_of_case[c] = key
        self.case_of.append(c)
        self.act.append(a)
        self.res.append(self.ress(resource) if resource else 0)
        self.grp.append(self.grps(group) if group else 0)
        self.start.append(math.nan if start is None else start)
        self.end.append(end)

    def finish(self) -> EventLog:
        st = self.stats
        st.unmatched_starts = sum(len(q) for q in self.pending.values())
        st.events = len(self.act)
        st.cases = len(self.case_names.names)
        self.last_of_case.clear()
        return EventLog(self.source, self.kind, self.columns, st, self.acts.names, self.ress.names, self.grps.names,
                        self.case_names.names, self.case_of, self.act, self.res, self.grp, self.start, self.end)


# -------------------------------------------------------------- file access

def _check_file(path: Path, name: str) -> int:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError([Problem(name, "file not found", "ファイルが見つかりません")]) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError([Problem(name, "not a regular file", "通常のファイルではありません")])
    if info.st_size > MAX_LOG_BYTES:
        gib = info.st_size / 1024**3
        raise InputError([Problem(name, f"the log is {gib:.1f} GiB; logs over 2 GiB are refused (split it by period)",
                                  f"ログが {gib:.1f} GiB あります。2 GiB を超えるログは読みません（期間で分割してください）")])
    return info.st_size


class _Limited(io.RawIOBase):
    """A reader that refuses to yield more than ``limit`` bytes (a decompression bomb guard)."""

    def __init__(self, raw: IO[bytes], limit: int, name: str) -> None:
        self.raw, self.left, self.name = raw, limit, name

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.raw.read(min(len(b), 1 << 16))
        self.left -= len(data)
        if self.left < 0:
            raise InputError([Problem(self.name, "the log decompresses to more than 2 GiB and is refused",
                                      "ログは展開すると 2 GiB を超えるため読みません")])
        b[: len(data)] = data
        return len(data)


# ---------------------------------------------------------------- columns

def _pick_columns(header: list[str], overrides: dict[str, str | None], where: str) -> Columns:
    cols = Columns()
    normed = [_norm(h) for h in header]
    problems: list[Problem] = []
    for role in _ROLES:
        want = overrides.get(role)
        if want:
            hit = [h for h in header if h == want] or [h for h, n in zip(header, normed, strict=True) if n == _norm(want)]
            if not hit:
                problems.append(Problem(where, f"--{role} {want!r} is not a column; columns: {', '.join(header)}",
                                        f"--{role} の「{want}」という列はありません。列: {', '.join(header)}"))
                continue
            setattr(cols, role, hit[0])
    taken = {getattr(cols, r) for r in _ROLES if getattr(cols, r)}
    for role in _ROLES:
        if getattr(cols, role):
            continue
        for h, n in zip(header, normed, strict=True):
            if h not in taken and n in _LOOKUP[role]:
                setattr(cols, role, h)
                taken.add(h)
                break
    if problems:
        raise InputError(problems)
    return cols


def _wide_columns(header: list[str], sample: list[list[Any]], case_override: str | None) -> tuple[str, list[str]]:
    """The case column and the milestone columns of a wide export ('' and [] when it is not one)."""
    normed = [_norm(h) for h in header]
    case = ""
    if case_override:
        case = next((h for h, n in zip(header, normed, strict=True) if h == case_override or n == _norm(case_override)), "")
    if not case:
        lookup = {_norm(n) for n in _WIDE_CASE}
        case = next((h for h, n in zip(header, normed, strict=True) if n in lookup), "")
    if not case:
        case = next((h for h, n in zip(header, normed, strict=True) if n.endswith(("id", "番号", "no"))), "")
    milestones: list[str] = []
    for j, h in enumerate(header):
        if h == case:
            continue
        if not _norm(h).endswith(tuple(_norm(s) for s in _WIDE_SUFFIXES)):
            continue
        values = [r[j] for r in sample if j < len(r) and r[j] not in (None, "")]
        ok = 0
        for v in values:
            try:
                _Clock(LogStats()).minutes(v)
                ok += 1
            except (ValueError, OverflowError):
                pass
        if values and ok == len(values):
            milestones.append(h)
    return case, milestones


def _milestone_name(header: str) -> str:
    h = unicodedata.normalize("NFKC", header).strip()
    low = h.lower()
    for suf in sorted(_WIDE_SUFFIXES, key=len, reverse=True):
        if low.endswith(suf.lower()) and len(h) > len(suf):
            return h[: len(h) - len(suf)].strip(" _-")
    return h


def _no_columns(where: str, header: list[str]) -> InputError:
    accepted = "; ".join(f"{role}: {', '.join(ACCEPTED[role])}" for role in ("case", "activity", "timestamp"))
    seen = ", ".join(repr(h) for h in header) or "(none)"
    return InputError([Problem(
        where,
        f"no case, activity and timestamp columns found. Columns seen: {seen}. Names accepted: {accepted} "
        "(or name them with --case/--activity/--timestamp; a wide order export needs an order id column "
        "and timestamp columns such as 注文日時, or --wide)",
        f"ケース・工程・日時の列が見つかりません。この表の列: {seen}。使える列名: {accepted}"
        "（--case/--activity/--timestamp で指定できます。横持ちの受注データには注文番号の列と「注文日時」のような日時の列が必要です。--wide も使えます）")])


# ---------------------------------------------------------------- tabular

def _rows_csv(path: Path, name: str) -> Iterator[tuple[int, list[str]]]:
    with open(path, "rb") as raw:
        head = raw.read(1 << 16)
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # not merely a character cut at the end of the sample
            encoding = "cp932"
    first_line = head.split(b"\n", 1)[0].decode(encoding, errors="replace")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        with open(path, encoding=encoding, newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            for row in reader:
                yield reader.line_num, row
    except UnicodeDecodeError:
        raise InputError([Problem(name, f"the file is not {encoding} text", f"ファイルが {encoding} のテキストではありません")]) from None
    except csv.Error as e:
        raise InputError([Problem(name, f"not a readable CSV file: {e}", f"CSV として読めません: {e}")]) from None


def _rows_xlsx(path: Path, name: str) -> Iterator[tuple[str, int, list[Any]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        raise InputError([Problem(name, "not an .xlsx workbook", ".xlsx ブックではありません")]) from None
    if total > MAX_LOG_BYTES:
        raise InputError([Problem(name, "the workbook decompresses to more than 2 GiB and is refused",
                                  "ブックは展開すると 2 GiB を超えるため読みません")])
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            yield ws.title, r, list(row)
    finally:
        wb.close()


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        s = chr(65 + rem) + s
    return s


def _read_table(path: Path, name: str, kind: str, overrides: dict[str, str | None], wide: bool | None) -> EventLog:
    rows: Iterator[tuple[str, int, list[Any]]]
    if kind == "csv":
        rows = (("", n, r) for n, r in _rows_csv(path, name))
    else:
        rows = _rows_xlsx(path, name)

    def where(sheet: str, line: int, j: int | None = None) -> str:
        if kind == "csv":
            return f"{name}:{line}"
        return f"{name}:{sheet}!{_col_letter(j)}{line}" if j is not None else f"{name}:{sheet}!{line}"

    header: list[str] = []
    sheet0, hline = "", 1
    for sh, ln, row in rows:
        if any(v not in (None, "") for v in row):
            header = ["" if v is None else str(v).strip() for v in row]
            sheet0, hline = sh, ln
            break
    if not header:
        raise InputError([Problem(name, "the log is empty", "ログが空です")])
    hw = where(sheet0, hline)
    cols = Columns()
    if wide is not True:
        cols = _pick_columns(header, overrides, hw)
    is_wide = wide is True or not (cols.case and cols.activity and cols.timestamp)
    buffered: list[tuple[str, int, list[Any]]] = []
    if is_wide:
        for item in rows:
            buffered.append(item)
            if len(buffered) >= 50:
                break
        case, milestones = _wide_columns(header, [r for _, _, r in buffered], overrides.get("case"))
        if not case or len(milestones) < 2 or (wide is not True and cols.activity):
            raise _no_columns(hw, header)
        cols = Columns(case=case, wide=milestones)
    sink = _Sink(name, "wide" if is_wide else kind, cols)
    idx = {h: j for j, h in reversed(list(enumerate(header))) if h}

    def get(row: list[Any], col: str) -> Any:
        j = idx.get(col, -1)
        return row[j] if 0 <= j < len(row) else None

    def text(v: Any) -> str:
        return "" if v is None else str(v).strip()

    def all_rows() -> Iterator[tuple[str, int, list[Any]]]:
        yield from buffered
        yield from rows

    st = sink.stats
    if is_wide:
        ms = [(m, _milestone_name(m), idx[m]) for m in cols.wide]
        cj = idx[cols.case]
        for sheet, line, row in all_rows():
            if not any(v not in (None, "") for v in row):
                continue
            st.rows += 1
            cid = text(row[cj] if cj < len(row) else None)
            for col, act, j in ms:
                v = row[j] if j < len(row) else None
                if v in (None, ""):
                    continue
                t = sink.time(v, where(sheet, line, j), col)
                sink.add(cid, act, "", "", None, t)
        return sink.finish()

    tj = idx[cols.timestamp]
    sj = idx.get(cols.start, -1) if cols.start else -1
    for sheet, line, row in all_rows():
        if not any(v not in (None, "") for v in row):
            continue
        st.rows += 1
        end = sink.time(row[tj] if tj < len(row) else None, where(sheet, line, tj), cols.timestamp)
        start = sink.time(row[sj] if 0 <= sj < len(row) else None, where(sheet, line, sj), cols.start) if sj >= 0 else None
        sink.add(text(get(row, cols.case)), text(get(row, cols.activity)),
                 text(get(row, cols.resource)) if cols.resource else "",
                 text(get(row, cols.group)) if cols.group else "",
                 start, end, text(get(row, cols.lifecycle)) if cols.lifecycle else "")
    return sink.finish()


# -------------------------------------------------------------------- XES

class _XesHandler:
    """Expat handlers for XES: one event per <event>, the case name from its <trace>."""

    def __init__(self, sink: _Sink, name: str, parser: Any) -> None:
        self.sink, self.name, self.parser = sink, name, parser
        self.stack: list[str] = []
        self.trace_attrs: dict[str, str] = {}
        self.event: dict[str, str] | None = None
        self.event_line = 0
        self.events: list[tuple[int, dict[str, str]]] = []
        self.seen_log = False

    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        stack = self.stack
        local = tag.rsplit(":", 1)[-1]
        parent = stack[-1] if stack else ""
        stack.append(local)
        if not self.seen_log:
            if local != "log":
                raise InputError([Problem(f"{self.name}:{self.line()}", f"an XES log starts with <log>, not <{tag}>",
                                          f"XES ログは <log> で始まります（<{tag}> ではありません）")])
            self.seen_log = True
            return
        if parent == "event":
            if self.event is not None and len(stack) >= 3 and stack[-3] == "trace":
                key = attrs.get("key")
                if key is not None:
                    self.event[key] = attrs.get("value", "")
        elif local == "event":
            if parent == "trace":
                self.event = {}
                self.event_line = self.line()
        elif local == "trace":
            if parent == "log":
                self.trace_attrs = {}
        elif parent == "trace" and len(stack) >= 3 and stack[-3] == "log":
            key = attrs.get("key")
            if key is not None:
                self.trace_attrs[key] = attrs.get("value", "")

    def end(self, tag: str) -> None:
        local = self.stack.pop()
        if local == "event" and self.event is not None and self.stack and self.stack[-1] == "trace":
            self.events.append((self.event_line, self.event))
            self.event = None
        elif local == "trace" and self.stack and self.stack[-1] == "log":
            case = self.trace_attrs.get("concept:name", "")
            group_default = self.trace_attrs.get("org:group", "")
            sink = self.sink
            for line, ev in self.events:
                where = f"{self.name}:{line}"
                end = sink.time(ev.get("time:timestamp"), where, "time:timestamp")
                start_v = ev.get("start_timestamp")
                start = sink.time(start_v, where, "start_timestamp") if start_v else None
                sink.stats.rows += 1
                sink.add(case, ev.get("concept:name", ""), ev.get("org:resource", ""),
                         ev.get("org:group", group_default), start, end, ev.get("lifecycle:transition", ""))
            self.events = []


def _read_xes(path: Path, name: str, gz: bool) -> EventLog:
    """Expat with defusedxml's guards: a DTD, an entity declaration or an external reference is refused."""
    from xml.parsers import expat

    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import DefusedExpatParser

    sink = _Sink(name, "xes", Columns(case="case:concept:name", activity="concept:name", timestamp="time:timestamp",
                                      start="start_timestamp", resource="org:resource", group="org:group",
                                      lifecycle="lifecycle:transition"))
    guard = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = guard.defused_start_doctype_decl
    parser.EntityDeclHandler = guard.defused_entity_decl
    parser.UnparsedEntityDeclHandler = guard.defused_unparsed_entity_decl
    parser.ExternalEntityRefHandler = guard.defused_external_entity_ref_handler  # type: ignore[assignment]
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    handler = _XesHandler(sink, name, parser)
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    with contextlib.ExitStack() as stack:
        raw: IO[bytes] = stack.enter_context(open(path, "rb"))
        if gz:
            raw = stack.enter_context(gzip.GzipFile(fileobj=raw))  # type: ignore[arg-type]
        stream = _Limited(raw, MAX_LOG_BYTES, name)
        try:
            while True:
                chunk = stream.read(1 << 20)
                parser.Parse(chunk or b"", not chunk)
                if not chunk:
                    break
        except expat.ExpatError as e:
            msg = expat.ErrorString(e.code)
            raise InputError([Problem(f"{name}:{e.lineno}", f"malformed XES: {msg}",
                                      f"XES の書式が正しくありません: {msg}")]) from None
        except DefusedXmlException as e:
            raise InputError([Problem(f"{name}:{handler.line()}",
                                      f"refused: {type(e).__name__} (DTDs, entities and external references are not allowed)",
                                      f"読み込みを拒否しました: {type(e).__name__}（DTD・実体参照・外部参照は使えません）")]) from None
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise InputError([Problem(name, f"cannot read the compressed log: {e}", f"圧縮ログを読めません: {e}")]) from None
    if not handler.seen_log:
        raise InputError([Problem(name, "the log is empty", "ログが空です")])
    return sink.finish()


# ------------------------------------------------------------------ entry

def read_log(path: str | Path, *, case: str | None = None, activity: str | None = None, timestamp: str | None = None,
             start: str | None = None, resource: str | None = None, group: str | None = None,
             wide: bool | None = None) -> EventLog:
    """Read an event log; raises :class:`InputError` with located problems.

    ``wide``: True forces the wide-export reading, False forbids it, None detects it.
    The log must hold at least two cases with a timestamp.
    """
    p = Path(path)
    name = str(path)
    size = _check_file(p, name)
    low = p.name.lower()
    if size == 0:
        raise InputError([Problem(name, "the log is empty", "ログが空です")])
    overrides = {"case": case, "activity": activity, "timestamp": timestamp, "start": start, "resource": resource,
                 "group": group}
    if low.endswith(".xes") or low.endswith(".xes.gz"):
        log = _read_xes(p, name, gz=low.endswith(".gz"))
    elif low.endswith((".csv", ".tsv", ".txt")):
        log = _read_table(p, name, "csv", overrides, wide)
    elif low.endswith((".xlsx", ".xlsm")):
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

