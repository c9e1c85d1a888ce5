"""Event-log reading, the shared part: timestamps, the sink that turns rows into the
compact arrays of an :class:`~.eventlog.EventLog`, and guarded file access."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import stat
import unicodedata
from array import array
from collections import deque
from pathlib import Path
from typing import IO, Any

from ..errors import InputError, Problem
from .eventlog import MAX_LOG_BYTES, Columns, EventLog, LogStats, _Names

_EPOCH = dt.datetime(1970, 1, 1)

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
