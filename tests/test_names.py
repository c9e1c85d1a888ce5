"""Names with brackets and full-width characters survive every reader and writer.

Header matching drops a trailing ``（…）`` remark; values never lose theirs, and an owner,
tool or data item is read the same way in its own list and where a step names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import flowmap
from flowmap.cells import split_list

ROOT = Path(__file__).resolve().parent.parent
ASIS = ROOT / "models" / "ec_order_asis.yaml"


def _flow_text(owner: str, tool: str) -> str:
    text = ASIS.read_text(encoding="utf-8")
    return text.replace("物流チーム", owner).replace("在庫管理表", tool)


@pytest.mark.parametrize("owner", ["物流（出荷）", "物流(出荷)"])
def test_bracketed_owner_round_trips_yaml_xlsx_yaml(tmp_path: Path, owner: str) -> None:
    src = tmp_path / "flow.yaml"
    src.write_text(_flow_text(owner, "在庫表（倉庫）"), encoding="utf-8")
    flow = flowmap.load(src)
    names = {o.name for o in flow.owners}
    assert "物流(出荷)" in names and "物流" not in names
    shipping = [s for s in flow.steps if "物流(出荷)" in s.owners]
    assert len(shipping) == 2
    assert "在庫表(倉庫)" in {t.name for t in flow.tools}
    assert any("在庫表(倉庫)" in s.tools for s in flow.steps)

    book = tmp_path / "flow.xlsx"
    flowmap.save(flow, book)
    again = flowmap.load(book)
    assert [(s.id, s.owners, s.tools) for s in again.steps] == [(s.id, s.owners, s.tools) for s in flow.steps]
    back = tmp_path / "back.yaml"
    flowmap.save(again, back)
    third = flowmap.load(back)
    assert {o.name for o in third.owners} == names
    assert [(s.id, s.owners, s.tools) for s in third.steps] == [(s.id, s.owners, s.tools) for s in flow.steps]


def test_workbook_with_full_width_owner_loads(tmp_path: Path) -> None:
    """xlsx→yaml: a workbook typed with ``（…）`` in the Owners sheet and the Steps sheet."""
    flow = flowmap.load(ASIS)
    book = tmp_path / "flow.xlsx"
    flowmap.save(flow, book)
    from openpyxl import load_workbook

    wb = load_workbook(book)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "物流チーム" in cell.value:
                    cell.value = cell.value.replace("物流チーム", "物流（出荷）")
    wb.save(book)
    loaded = flowmap.load(book)
    assert sum("物流(出荷)" in s.owners for s in loaded.steps) == 2
    out = tmp_path / "flow.yaml"
    flowmap.save(loaded, out)
    assert flowmap.load(out).owners == loaded.owners


def test_list_cells_are_normalised_like_single_cells() -> None:
    assert split_list("物流（出荷）、ＣＳ担当") == ["物流(出荷)", "CS担当"]
    assert split_list(["物流（出荷）", " Ｅｘｃｅｌ "]) == ["物流(出荷)", "Excel"]
