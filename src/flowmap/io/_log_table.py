"""Event logs in tables: CSV and Excel, long form (a row per event) or wide (a row per case,
a time column per milestone); columns found by their usual names."""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import BadValue, InputError, ParameterError, Problem
from ._log_sink import _Clock, _Sink
from .eventlog import ACCEPTED, MAX_LOG_BYTES, Columns, EventLog, LogStats

_ROLES = ("case", "activity", "timestamp", "start", "resource", "group", "lifecycle")

# wide exports: a milestone column's header ends in one of these
_WIDE_SUFFIXES = ("日時", "日付", "時刻", "日", "_at", "_time", "_date", "_timestamp", " time", " date", " at")
_WIDE_CASE = ACCEPTED["case"] + ("id", "no", "番号")


def _norm(name: str) -> str:
    s = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"[\s_\-]+", "", s)


_LOOKUP = {role: {_norm(n) for n in names} for role, names in ACCEPTED.items()}


# ---------------------------------------------------------------- columns

def _pick_columns(header: list[str], overrides: dict[str, str | None], where: str) -> Columns:
    cols = Columns()
    normed = [_norm(h) for h in header]
    problems: list[BadValue] = []
    for role in _ROLES:
        want = overrides.get(role)
        if want:
            hit = [h for h in header if h == want] or [h for h, n in zip(header, normed, strict=True) if n == _norm(want)]
            if not hit:  # a wrong argument of read_log (the CLI names its option), located in the file
                problems.append(BadValue(role, f"{want!r} is not a column of {where}; columns: {', '.join(header)}",
                                         f"「{want}」という列は {where} にありません。列: {', '.join(header)}"))
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
        raise ParameterError.of(problems)
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
        "(or name them: --case/--activity/--timestamp on the command line, read_log(case=…, activity=…, timestamp=…) "
        "in Python; a wide order export needs an order id column and timestamp columns such as 注文日時, "
        "or --wide / wide=True)",
        f"ケース・工程・日時の列が見つかりません。この表の列: {seen}。使える列名: {accepted}"
        "（コマンドでは --case/--activity/--timestamp、Python では read_log(case=…, activity=…, timestamp=…) で指定できます。"
        "横持ちの受注データには注文番号の列と「注文日時」のような日時の列が必要です。--wide / wide=True も使えます）")])


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


_Row = tuple[str, int, list[Any]]  # sheet ("" for CSV), line, cells
_Where = Callable[[str, int, int | None], str]


def _read_table(path: Path, name: str, kind: str, overrides: dict[str, str | None], wide: bool | None) -> EventLog:
    rows: Iterator[_Row]
    if kind == "csv":
        rows = (("", n, r) for n, r in _rows_csv(path, name))
    else:
        rows = _rows_xlsx(path, name)

    def where(sheet: str, line: int, j: int | None = None) -> str:
        if kind == "csv":
            return f"{name}:{line}"
        return f"{name}:{sheet}!{_col_letter(j)}{line}" if j is not None else f"{name}:{sheet}!{line}"

    header, sheet0, hline = _header(rows, name)
    hw = where(sheet0, hline)
    cols = Columns()
    if wide is not True:
        cols = _pick_columns(header, overrides, hw)
    is_wide = wide is True or not (cols.case and cols.activity and cols.timestamp)
    buffered: list[_Row] = []
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
    all_rows = itertools.chain(buffered, rows)
    if is_wide:
        _add_wide(sink, all_rows, cols, idx, where)
    else:
        _add_long(sink, all_rows, cols, idx, where)
    return sink.finish()


def _header(rows: Iterator[_Row], name: str) -> tuple[list[str], str, int]:
    """The first row with a value (consumed from ``rows``): its cells, sheet and line."""
    for sh, ln, row in rows:
        if any(v not in (None, "") for v in row):
            return ["" if v is None else str(v).strip() for v in row], sh, ln
    raise InputError([Problem(name, "the log is empty", "ログが空です")])


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _add_wide(sink: _Sink, rows: Iterable[_Row], cols: Columns, idx: dict[str, int], where: _Where) -> None:
    """One row per case, one time column per milestone: an event for each milestone with a time."""
    st = sink.stats
    ms = [(m, _milestone_name(m), idx[m]) for m in cols.wide]
    cj = idx[cols.case]
    for sheet, line, row in rows:
        if not any(v not in (None, "") for v in row):
            continue
        st.rows += 1
        cid = _text(row[cj] if cj < len(row) else None)
        for col, act, j in ms:
            v = row[j] if j < len(row) else None
            if v in (None, ""):
                continue
            t = sink.time(v, where(sheet, line, j), col)
            sink.add(cid, act, "", "", None, t)


def _add_long(sink: _Sink, rows: Iterable[_Row], cols: Columns, idx: dict[str, int], where: _Where) -> None:
    """One row per event."""
    st = sink.stats

    def get(row: list[Any], col: str) -> Any:
        j = idx.get(col, -1)
        return row[j] if 0 <= j < len(row) else None

    text = _text
    tj = idx[cols.timestamp]
    sj = idx.get(cols.start, -1) if cols.start else -1
    for sheet, line, row in rows:
        if not any(v not in (None, "") for v in row):
            continue
        st.rows += 1
        end = sink.time(row[tj] if tj < len(row) else None, where(sheet, line, tj), cols.timestamp)
        start = sink.time(row[sj] if 0 <= sj < len(row) else None, where(sheet, line, sj), cols.start) if sj >= 0 else None
        sink.add(text(get(row, cols.case)), text(get(row, cols.activity)),
                 text(get(row, cols.resource)) if cols.resource else "",
                 text(get(row, cols.group)) if cols.group else "",
                 start, end, text(get(row, cols.lifecycle)) if cols.lifecycle else "")
