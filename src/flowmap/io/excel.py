"""Read a flow from an Excel workbook as ``shared/spec/workbook.md`` describes.

The workbook is opened read-only and its rows are streamed: only rows that
hold data are kept, so memory follows the data, not the sheet's declared
size.  Merged ranges and formulas without a cached value are found by
scanning the sheet XML in chunks (the streaming reader does not expose them).
Every problem names ``FILE:SHEET!CELL``.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries

from ..cells import as_text, norm_key, short
from ..errors import InputError, Problem
from ..model import Flow
from ._build import Row, build_flow, is_japanese
from ._files import check_input_file
from ._schema import COLUMNS, SETTINGS_HEADER, SETTINGS_LOOKUP, SHEETS, column_lookup, sheet_kind

__all__ = ["MAX_MERGED_RANGES", "MAX_ROWS", "MAX_UNCOMPRESSED_BYTES", "read_excel"]

MAX_ROWS = 100_000
"""Rows holding data per sheet above which a workbook is refused (blank and formatted-only rows do not count)."""
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
"""Uncompressed size above which a workbook is refused (zip bombs, data dumps)."""
MAX_MERGED_RANGES = 20_000
"""Merged ranges per sheet above which a workbook is refused."""
MAX_MERGE_CELLS = 2_000_000
"""Cells of the rows holding data that merged ranges may fill, per sheet (merged-cell bombs)."""
MAX_COLUMNS = 256
"""Columns read per row; cells further right are ignored."""
HEADER_SCAN_ROWS = 20
_CHUNK = 4 * 1024 * 1024

_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})"')
_UNCACHED = re.compile(rb'<c\s+r="([A-Z]{1,3}[0-9]{1,7})"[^>]{0,400}>\s{0,50}<f(?:\s[^>]{0,400})?(?:/>|>[^<]*</f>)'
                       rb'\s{0,50}(?:<v\s{0,5}/>|<v>\s{0,50}</v>)?\s{0,50}</c>')


def _fail(where: str, en: str, ja: str) -> InputError:
    return InputError([Problem(where, en, ja)])


def _check_container(path: Path, name: str) -> None:
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            fh.seek(0)
            data = fh.read(64 * 1024 * 1024)
            if "EncryptedPackage".encode("utf-16-le") in data:
                raise _fail(name, "the workbook is password-protected; remove the password in Excel and save it again",
                            "ブックにパスワードが設定されています。Excel でパスワードを解除して保存し直してください")
            raise _fail(name, "this is an old Excel .xls file; open it in Excel and save it as .xlsx",
                        "旧形式の .xls ファイルです。Excel で開き .xlsx 形式で保存し直してください")
    if not head.startswith(b"PK"):
        kind_en, kind_ja = ("a text or CSV file", "テキストまたは CSV ファイル") if _looks_text(path) else ("not a workbook", "ブックではありません")
        raise _fail(name, f"not an .xlsx workbook ({kind_en}); save it from Excel as .xlsx",
                    f".xlsx 形式のブックではありません（{kind_ja}）。Excel で .xlsx として保存してください")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _fail(name, "the workbook is corrupt (not a readable .xlsx zip); open and save it again in Excel",
                    "ブックが壊れています（.xlsx として読めません）。Excel で開いて保存し直してください") from None
    if "xl/workbook.xml" not in names:
        raise _fail(name, "not an .xlsx workbook (a zip file without xl/workbook.xml)",
                    ".xlsx 形式のブックではありません（xl/workbook.xml がない zip ファイルです）")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _fail(name, f"the workbook unpacks to {total / 2**20:.0f} MiB, above the limit of "
                          f"{MAX_UNCOMPRESSED_BYTES / 2**20:.0f} MiB; remove data the flow does not need",
                    f"ブックの展開後サイズが {total / 2**20:.0f} MiB で上限 {MAX_UNCOMPRESSED_BYTES / 2**20:.0f} MiB を超えています")


def _looks_text(path: Path) -> bool:
    with path.open("rb") as fh:
        chunk = fh.read(2048)
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        try:
            chunk.decode("cp932")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in chunk


def _scan_xml(zf: zipfile.ZipFile, member: str, name: str, title: str) -> tuple[set[str], list[str]]:
    """(cells with a formula but no cached value, merged range refs), read in chunks."""
    uncached: set[str] = set()
    merges: list[str] = []
    carry = b""
    try:
        fh = zf.open(member.lstrip("/"))
    except KeyError:
        return uncached, merges
    with fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf = carry + chunk
            cut = len(buf) if not chunk else max(buf.rfind(b"<c "), buf.rfind(b"<mergeCell"), 0)
            if chunk and cut == 0 and len(buf) > 2 * _CHUNK:
                cut = len(buf)  # one element larger than any real cell: scan what we have
            part, carry = buf[:cut], buf[cut:]
            uncached.update(m.decode() for m in _UNCACHED.findall(part))
            merges.extend(m.decode() for m in _MERGE.findall(part))
            if len(merges) > MAX_MERGED_RANGES:
                raise _fail(f"{name}:{title}", f"the sheet has more than {MAX_MERGED_RANGES:,} merged ranges",
                            f"シートの結合セルが {MAX_MERGED_RANGES:,} 個を超えています")
            if not chunk:
                return uncached, merges


class _Merges:
    """Merged ranges of a sheet: a blank cell inside a range takes the value of the range's first cell.

    Rows are filled as they stream by (a sweep over the ranges sorted by first row), so memory
    follows the number of ranges, not their area; the cells a sheet's ranges may fill are bounded.
    """

    def __init__(self, refs: list[str], where: str) -> None:
        self.where = where
        spans = []
        for ref in refs:
            min_col, min_row, max_col, max_row = (int(b or 0) for b in range_boundaries(ref))
            if min_col <= MAX_COLUMNS:
                spans.append((min_row, max_row, min_col, min(max_col, MAX_COLUMNS)))
        spans.sort()
        self.spans = spans
        self.anchor_rows = {s[0] for s in spans}
        self.next = 0
        self.active: list[tuple[int, int, int, int]] = []
        self.anchors: dict[tuple[int, int], Any] = {}
        self.work = 0

    def fill(self, r: int, row: list[Any]) -> None:
        while self.next < len(self.spans) and self.spans[self.next][0] <= r:
            self.active.append(self.spans[self.next])
            self.next += 1
        if not self.active:
            return
        self.active = [sp for sp in self.active if sp[1] >= r]
        for min_row, _, min_col, _max in self.active:
            if min_row == r:
                self.anchors[(r, min_col)] = row[min_col - 1] if min_col - 1 < len(row) else None
        for min_row, _, min_col, max_col in self.active:
            value = self.anchors.get((min_row, min_col))
            self.work += max_col - min_col + 1
            if self.work > MAX_MERGE_CELLS:
                raise _fail(self.where, f"merged ranges cover more than {MAX_MERGE_CELLS:,} cells of the rows that "
                                        "hold data; unmerge the cells the flow does not need",
                            f"結合セルがデータのある行の {MAX_MERGE_CELLS:,} セル以上を覆っています。不要な結合を解除してください")
            if value is None:
                continue
            for c in range(min_col, max_col + 1):
                if (c, min_row) != (min_col, r) and (c - 1 >= len(row) or row[c - 1] is None):
                    row.extend([None] * (c - len(row)))
                    row[c - 1] = value


def _blank(values: Any) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


class _Sheet:
    """One worksheet's rows that hold data (merged ranges filled) and its uncached formula cells."""

    def __init__(self, zf: zipfile.ZipFile, ws: Any, file: str) -> None:
        self.title: str = ws.title
        self.file = file
        self.hidden = getattr(ws, "sheet_state", "visible") != "visible"
        path = getattr(ws, "_worksheet_path", None) or ""
        self.uncached, merges = _scan_xml(zf, path, file, self.title) if path else (set(), [])
        self.merges = _Merges(merges, f"{file}:{self.title}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns on stderr about cells it cannot convert; we report them
            self.rows: list[tuple[int, list[Any]]] = list(self._read(ws))

    def _read(self, ws: Any) -> Iterator[tuple[int, list[Any]]]:
        ws.reset_dimensions()  # the declared size may reach row 1,048,576: read what is there
        data_rows = 0
        r = 0
        try:
            for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if not values or _blank(values[:MAX_COLUMNS]):
                    continue  # a blank row: nothing of its own, whatever merged ranges cover it
                data_rows += 1
                if data_rows > MAX_ROWS:
                    raise _fail(f"{self.file}:{self.title}", f"the sheet holds data in more than {MAX_ROWS} rows",
                                f"データのある行が上限 {MAX_ROWS} 行を超えています")
                row = list(values[:MAX_COLUMNS])
                self.merges.fill(r, row)
                yield r, row
        except InputError:
            raise
        except Exception as e:  # openpyxl raises many kinds on broken cells (dates, shared strings, XML)
            raise _fail(f"{self.file}:{self.title}!A{r + 1}",
                        f"the sheet cannot be read near row {r + 1} ({type(e).__name__}: {short(e)}); "
                        "open and save it again in Excel",
                        f"{r + 1} 行目付近が読めません（{type(e).__name__}: {short(e)}）。Excel で開いて保存し直してください") from None

    def where(self, row: int, col: int) -> str:
        return f"{self.file}:{self.title}!{get_column_letter(col)}{row}"


def _header_row(sheet: _Sheet, kind: str) -> tuple[int, dict[int, str], dict[int, str]] | None:
    """(row number, column → field, column → unknown header) of the header row."""
    lookup = column_lookup(kind)
    for r, row in sheet.rows:
        if r > HEADER_SCAN_ROWS:
            break
        fields: dict[int, str] = {}
        unknown: dict[int, str] = {}
        for c, v in enumerate(row, start=1):
            text = as_text(v)
            if not text:
                continue
            f = lookup.get(norm_key(text[:200]))
            if f is not None and f not in fields.values():
                fields[c] = f
            else:
                unknown[c] = text
        if len(fields) >= 2:
            return r, fields, unknown
    return None


# Columns whose absence means every step leaves them blank (and reading reports it).
_BLANK_WHEN_ABSENT = ("owner", "duration")


def _record(sheet: _Sheet, r: int, values: list[Any], fields: dict[int, str], unknown: dict[int, str],
            kind: str) -> Row:
    rec = Row(where=sheet.where(r, 1))
    for c, f in fields.items():
        rec.values[f] = values[c - 1] if c - 1 < len(values) else None
        rec.locs[f] = sheet.where(r, c)
    for c, h in unknown.items():
        v = values[c - 1] if c - 1 < len(values) else None
        if v is not None and as_text(v) != "":
            rec.extra[h] = v
    if kind == "steps":
        for f in _BLANK_WHEN_ABSENT:
            rec.values.setdefault(f, None)
    return rec


def _rows(sheet: _Sheet, kind: str, problems: list[Problem]) -> tuple[list[Row], set[str], list[str], str] | None:
    found = _header_row(sheet, kind)
    if found is None:
        expected = ", ".join(sorted({v[0] for v in COLUMNS[kind].values()}))
        problems.append(Problem(f"{sheet.file}:{sheet.title}!A1",
                                f"no header row found in the first {HEADER_SCAN_ROWS} rows (expected columns such as {expected})",
                                f"先頭 {HEADER_SCAN_ROWS} 行に見出し行が見つかりません（{expected} などの列が必要です）"))
        return None
    hr, fields, unknown = found
    title = next((unicodedata.normalize("NFKC", as_text(v)).strip()
                  for r, row in sheet.rows if r < hr for v in row if as_text(v)), "")
    out: list[Row] = []
    for r, values in sheet.rows:
        if r <= hr:
            continue
        out.append(_record(sheet, r, values, fields, unknown, kind))
        for c in range(1, len(values) + 1):
            if sheet.uncached and f"{get_column_letter(c)}{r}" in sheet.uncached:
                problems.append(Problem(sheet.where(r, c),
                                        "formula without a cached value: open the file in Excel (or LibreOffice) and save it once",
                                        "数式の計算結果が保存されていません。Excel などで一度開いて保存してください"))
    header = dict(sheet.rows).get(hr, [])
    headers = [as_text(header[c - 1]) for c in fields]
    return out, set(fields.values()), headers, title[:200]


def _settings_rows(sheet: _Sheet) -> list[tuple[str, Any, str, str]]:
    out: list[tuple[str, Any, str, str]] = []
    for r, row in sheet.rows:
        cells = [(c, v) for c, v in enumerate(row, start=1) if as_text(v) != ""]
        if not cells:
            continue
        c0, key = cells[0]
        k = norm_key(as_text(key)[:200])
        if k in SETTINGS_HEADER:
            continue
        if SETTINGS_LOOKUP.get(k) is None and len(cells) == 1:
            continue  # a title or note line
        value = cells[1][1] if len(cells) > 1 else None
        c1 = cells[1][0] if len(cells) > 1 else c0 + 1
        out.append((as_text(key), value, sheet.where(r, c0), sheet.where(r, c1)))
    return out


def _open_sheets(p: Path, name: str) -> tuple[dict[str, _Sheet], list[str]]:
    """The sheets flowmap reads (by kind) and the titles of the hidden sheets it does not read."""
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on broken files
        raise _fail(name, f"the workbook is corrupt and cannot be opened ({type(e).__name__}); open and save it again in Excel",
                    f"ブックが壊れていて開けません（{type(e).__name__}）。Excel で開いて保存し直してください") from None
    try:
        with zipfile.ZipFile(p) as zf:
            titles = list(wb.sheetnames)
            kinds: dict[str, str] = {}
            for t in titles:
                k = sheet_kind(t)
                if k and k not in kinds:
                    kinds[k] = t
            if "steps" not in kinds:
                if len(titles) != 1:
                    accepted = ", ".join(SHEETS["steps"])
                    shown = short(", ".join(titles), 300)
                    raise _fail(name, f"no Steps sheet; found sheets: {shown}; name the flow sheet one of {accepted}",
                                f"工程シートがありません。あるシート: {shown}。フローのシート名を {accepted} のいずれかにしてください")
                kinds["steps"] = titles[0]
            used = set(kinds.values())
            hidden = [t for t in titles if t not in used and getattr(wb[t], "sheet_state", "visible") != "visible"]
            return {k: _Sheet(zf, wb[t], name) for k, t in kinds.items()}, hidden
    finally:
        wb.close()


def _hidden_notes(sheets: dict[str, _Sheet], others: list[str], name: str) -> list[Problem]:
    used = [Problem(f"{name}:{s.title}", f"the sheet {short(s.title)!r} is hidden in Excel; it was read as the {kind} sheet",
                    f"シート「{short(s.title)}」は Excel で非表示になっています。{kind} シートとして読みました")
            for kind, s in sheets.items() if s.hidden]
    return used + [Problem(f"{name}:{t}", f"the sheet {short(t)!r} is hidden in Excel and was not read",
                           f"シート「{short(t)}」は Excel で非表示になっていて、読んでいません") for t in others]


def read_excel(path: str | Path, *, allow_missing: bool = False) -> Flow:
    """Read a workbook into a validated :class:`Flow` (raises InputError)."""
    p = Path(path)
    name = str(path)
    check_input_file(p, name)
    _check_container(p, name)
    sheets, hidden = _open_sheets(p, name)
    problems: list[Problem] = []
    steps_read = _rows(sheets["steps"], "steps", problems)
    if steps_read is None:
        raise InputError(problems)
    step_rows, step_fields, step_headers, title = steps_read
    if "name" not in step_fields:
        problems.append(Problem(f"{name}:{sheets['steps'].title}!A1",
                                "the Steps sheet has no step-name column (工程名 / name)",
                                "工程シートに工程名の列（工程名 / name）がありません"))
    got = {kind: _rows(sheets[kind], kind, problems) for kind in ("owners", "tools") if kind in sheets}
    headers = list(step_headers) + [h for g in got.values() if g for h in g[2]]
    settings = _settings_rows(sheets["settings"]) if "settings" in sheets else []
    titles = [s.title for s in sheets.values()]
    japanese = is_japanese(headers + titles) or is_japanese(r.text("name") for r in step_rows[:50])
    owners, tools = (got.get(k) for k in ("owners", "tools"))
    return build_flow(source=name, name=title or p.stem, steps=step_rows, owners=owners[0] if owners else None,
                      tools=tools[0] if tools else None, settings=settings, has_next="next" in step_fields,
                      japanese=japanese, problems=problems, notes=_hidden_notes(sheets, hidden, name),
                      allow_missing=allow_missing)
