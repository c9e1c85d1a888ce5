"""Read a flow from an Excel workbook as ``shared/spec/workbook.md`` describes.

The workbook is opened read-only (streamed); merged ranges and formulas that
have no cached value are found by scanning the sheet XML, since the streaming
reader does not expose them.  Every problem names ``FILE:SHEET!CELL``.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries

from .._text import as_text, norm_key
from ..errors import InputError, Problem
from ..model import Flow
from ._build import Row, build_flow, is_japanese
from ._schema import SETTINGS_HEADER, SETTINGS_LOOKUP, SHEETS, column_lookup, sheet_kind

__all__ = ["MAX_ROWS", "MAX_UNCOMPRESSED_BYTES", "read_excel"]

MAX_ROWS = 100_000
"""Rows per sheet above which a workbook is refused."""
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
"""Uncompressed size above which a workbook is refused (zip bombs, data dumps)."""
HEADER_SCAN_ROWS = 20

_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_UNCACHED = re.compile(rb'<c\s+r="([A-Z]+[0-9]+)"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')


def _fail(where: str, en: str, ja: str) -> InputError:
    return InputError([Problem(where, en, ja)])


def _check_container(path: Path, name: str) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise _fail(name, "file not found", "ファイルが見つかりません") from None
    except IsADirectoryError:
        raise _fail(name, "this is a folder, not a workbook", "フォルダです。ブックを指定してください") from None
    except OSError as e:
        raise _fail(name, f"cannot read the file: {e.strerror}", f"ファイルを読めません: {e.strerror}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        data = path.read_bytes()
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
    except zipfile.BadZipFile:
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


class _Sheet:
    """One worksheet's cells (merged ranges filled) and uncached formula cells."""

    def __init__(self, zf: zipfile.ZipFile, ws: Any, file: str) -> None:
        self.title: str = ws.title
        self.file = file
        xml = b""
        path = getattr(ws, "_worksheet_path", None)
        if path:
            try:
                xml = zf.read(path.lstrip("/"))
            except KeyError:
                xml = b""
        self.uncached = {m.decode() for m in _UNCACHED.findall(xml)}
        fill: dict[tuple[int, int], tuple[int, int]] = {}
        for ref in _MERGE.findall(xml):
            bounds = range_boundaries(ref.decode())
            if None in bounds:
                continue
            min_col, min_row, max_col, max_row = (int(b or 0) for b in bounds)
            if (max_row - min_row + 1) * (max_col - min_col + 1) > 200_000:
                continue
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    if (r, c) != (min_row, min_col):
                        fill[(r, c)] = (min_row, min_col)
        dim = ws.max_row or 0
        if dim > MAX_ROWS:
            raise _fail(f"{file}:{self.title}", f"the sheet has {dim} rows, above the limit of {MAX_ROWS}",
                        f"シートの行数 {dim} が上限 {MAX_ROWS} を超えています")
        rows: list[list[Any]] = []
        anchors: dict[tuple[int, int], Any] = {}
        by_row: dict[int, list[int]] = {}
        for r0, c0 in fill:
            by_row.setdefault(r0, []).append(c0)
        anchor_rows: dict[int, list[int]] = {}
        for r0, c0 in set(fill.values()):
            anchor_rows.setdefault(r0, []).append(c0)
        for r, values in enumerate(ws.iter_rows(min_row=1, min_col=1, values_only=True), start=1):
            if r > MAX_ROWS:
                raise _fail(f"{file}:{self.title}", f"the sheet has more than {MAX_ROWS} rows",
                            f"シートの行数が上限 {MAX_ROWS} を超えています")
            row = list(values)
            for c in anchor_rows.get(r, ()):
                anchors[(r, c)] = row[c - 1] if c - 1 < len(row) else None
            cols = by_row.get(r)
            if cols:
                width = max(len(row), *cols)
                row.extend([None] * (width - len(row)))
                for c in cols:
                    if row[c - 1] is None:
                        row[c - 1] = anchors.get(fill[(r, c)])
            rows.append(row)
        while rows and all(v is None or as_text(v) == "" for v in rows[-1]):
            rows.pop()
        self.rows = rows

    def where(self, row: int, col: int) -> str:
        return f"{self.file}:{self.title}!{get_column_letter(col)}{row}"


def _header_row(sheet: _Sheet, kind: str) -> tuple[int, dict[int, str], dict[int, str]] | None:
    """(row number, column → field, column → unknown header) of the header row."""
    lookup = column_lookup(kind)
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS], start=1):
        fields: dict[int, str] = {}
        unknown: dict[int, str] = {}
        for c, v in enumerate(row, start=1):
            text = as_text(v)
            if not text:
                continue
            f = lookup.get(norm_key(text))
            if f is not None and f not in fields.values():
                fields[c] = f
            else:
                unknown[c] = text
        if len(fields) >= 2:
            return r, fields, unknown
    return None


def _rows(sheet: _Sheet, kind: str, problems: list[Problem]) -> tuple[list[Row], set[str], list[str], str] | None:
    found = _header_row(sheet, kind)
    if found is None:
        expected = ", ".join(sorted({v[0] for v in _names(kind)}))
        problems.append(Problem(f"{sheet.file}:{sheet.title}!A1",
                                f"no header row found in the first {HEADER_SCAN_ROWS} rows (expected columns such as {expected})",
                                f"先頭 {HEADER_SCAN_ROWS} 行に見出し行が見つかりません（{expected} などの列が必要です）"))
        return None
    hr, fields, unknown = found
    title = ""
    for row in sheet.rows[: hr - 1]:
        texts = [as_text(v) for v in row if as_text(v)]
        if texts:
            title = unicodedata.normalize("NFKC", texts[0]).strip()
            break
    out: list[Row] = []
    for r in range(hr + 1, len(sheet.rows) + 1):
        values = sheet.rows[r - 1]
        if all(v is None or as_text(v) == "" for v in values):
            continue
        rec = Row(where=sheet.where(r, 1))
        for c, f in fields.items():
            v = values[c - 1] if c - 1 < len(values) else None
            rec.values[f] = v
            rec.locs[f] = sheet.where(r, c)
        for c, h in unknown.items():
            v = values[c - 1] if c - 1 < len(values) else None
            if v is not None and as_text(v) != "":
                rec.extra[h] = v
        out.append(rec)
        for c in range(1, len(values) + 1):
            ref = f"{get_column_letter(c)}{r}"
            if ref in sheet.uncached:
                problems.append(Problem(sheet.where(r, c),
                                        "formula without a cached value: open the file in Excel (or LibreOffice) and save it once",
                                        "数式の計算結果が保存されていません。Excel などで一度開いて保存してください"))
    headers = [as_text(sheet.rows[hr - 1][c - 1]) for c in fields]
    return out, set(fields.values()), headers, title


def _names(kind: str) -> list[tuple[str, ...]]:
    from ._schema import COLUMNS

    return list(COLUMNS[kind].values())


def _settings_rows(sheet: _Sheet) -> list[tuple[str, Any, str, str]]:
    out: list[tuple[str, Any, str, str]] = []
    for r, row in enumerate(sheet.rows, start=1):
        cells = [(c, v) for c, v in enumerate(row, start=1) if as_text(v) != ""]
        if not cells:
            continue
        c0, key = cells[0]
        k = norm_key(key)
        if k in SETTINGS_HEADER:
            continue
        if SETTINGS_LOOKUP.get(k) is None and len(cells) == 1:
            continue  # a title or note line
        value = cells[1][1] if len(cells) > 1 else None
        c1 = cells[1][0] if len(cells) > 1 else c0 + 1
        out.append((as_text(key), value, sheet.where(r, c0), sheet.where(r, c1)))
    return out


def read_excel(path: str | Path) -> Flow:
    """Read a workbook into a validated :class:`Flow` (raises InputError)."""
    p = Path(path)
    name = str(path)
    _check_container(p, name)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on broken files
        raise _fail(name, f"the workbook is corrupt and cannot be opened ({type(e).__name__}); open and save it again in Excel",
                    f"ブックが壊れていて開けません（{type(e).__name__}）。Excel で開いて保存し直してください") from None
    problems: list[Problem] = []
    try:
        with zipfile.ZipFile(p) as zf:
            titles = list(wb.sheetnames)
            kinds: dict[str, str] = {}
            for t in titles:
                k = sheet_kind(t)
                if k and k not in kinds:
                    kinds[k] = t
            if "steps" not in kinds:
                if len(titles) == 1:
                    kinds["steps"] = titles[0]
                else:
                    accepted = ", ".join(SHEETS["steps"])
                    raise _fail(name, f"no Steps sheet; found sheets: {', '.join(titles)}; name the flow sheet one of {accepted}",
                                f"工程シートがありません。あるシート: {'、'.join(titles)}。フローのシート名を {accepted} のいずれかにしてください")
            sheets = {k: _Sheet(zf, wb[t], name) for k, t in kinds.items()}
    finally:
        wb.close()

    steps_read = _rows(sheets["steps"], "steps", problems)
    if steps_read is None:
        raise InputError(problems)
    step_rows, step_fields, step_headers, title = steps_read
    if "name" not in step_fields:
        problems.append(Problem(f"{name}:{sheets['steps'].title}!A1",
                                "the Steps sheet has no step-name column (工程名 / name)",
                                "工程シートに工程名の列（工程名 / name）がありません"))
    owners = tools = None
    headers = list(step_headers)
    for kind in ("owners", "tools"):
        if kind in sheets:
            got = _rows(sheets[kind], kind, problems)
            if got is not None:
                headers += got[2]
                if kind == "owners":
                    owners = got[0]
                else:
                    tools = got[0]
    settings = _settings_rows(sheets["settings"]) if "settings" in sheets else []
    japanese = is_japanese(headers + list(kinds.values())) or is_japanese(r.text("name") for r in step_rows[:50])
    flow_name = title or p.stem
    return build_flow(source=name, name=flow_name, steps=step_rows, owners=owners, tools=tools,
                      settings=settings, has_next="next" in step_fields, japanese=japanese, problems=problems)
