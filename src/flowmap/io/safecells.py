"""Write user text into spreadsheets as text, never as something a spreadsheet runs.

A label typed by a user (or read from a file of unknown origin) may start with
``=``: openpyxl would store it as a live formula (``=HYPERLINK(…)`` leaks data,
``=cmd|…`` is DDE that can start a program).  Every writer of xlsx or CSV in
flowmap goes through these helpers::

    from flowmap.io.safecells import append_row, csv_field

    append_row(ws, ["S1", "=HYPERLINK(\"x\")", 5])   # text cells get data type 's'
    save_workbook(wb, path)                         # every string cell as text, saved atomically
    writer.writerow([csv_field(v) for v in row])    # '=1+1' becomes "'=1+1"

A workbook that really needs a formula sets it after :func:`text_cells` has run, with
``cell.data_type = "f"``; flowmap itself writes none.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from .._atomic import CSV_TRIGGERS, atomic_path, csv_field

__all__ = ["CSV_TRIGGERS", "append_row", "csv_field", "save_workbook", "set_text", "text_cells"]



def set_text(cell: Cell, value: str) -> None:
    """Put ``value`` in ``cell`` as a string whatever it starts with."""
    cell.value = value
    cell.data_type = "s"


def text_cells(ws: Worksheet, row: int | None = None) -> None:
    """Mark every string cell of ``ws`` (or of one row) as text, so none is written as a formula."""
    rows = ws.iter_rows(min_row=row, max_row=row) if row is not None else ws.iter_rows()
    for cells in rows:
        for cell in cells:
            if isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"


def append_row(ws: Worksheet, values: Iterable[Any]) -> None:
    """``ws.append(values)`` with every string written as text."""
    ws.append(list(values))
    text_cells(ws, ws.max_row)


def save_workbook(wb: Workbook, path: str | Path) -> None:
    """Save ``wb`` atomically after marking every string cell of every sheet as text."""
    for ws in wb.worksheets:
        text_cells(ws)
    with atomic_path(path) as tmp:
        wb.save(tmp)
