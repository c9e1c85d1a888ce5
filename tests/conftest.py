from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
EXAMPLES = ROOT / "examples"
# the bundled flow models (models/ also holds scenario files, which are not flows)
FLOW_MODELS = sorted(p.name for p in MODELS.glob("*.yaml") if "\nflowmap:" in p.read_text(encoding="utf-8"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def branching_network(settings: Any) -> Any:
    """A small network for Little's law: a branch (0.6 / 0.4) and two owners' queues, open round the clock."""
    from flowmap.model import Duration, Edge, Flow, Lane, Owner, Step, WorkHours

    always, every_day = WorkHours(start=0, end=1440), list(range(7))
    return Flow(
        settings=settings, lanes=[Lane(name="ops")],
        owners=[Owner(name="a", lane="ops", headcount=2, hours=always, days=every_day),
                Owner(name="b", lane="ops", headcount=1, hours=always, days=every_day)],
        steps=[Step(id="S1", name="x", lane="ops", owners=["a"], duration=Duration(kind="exponential", params=(8.0,))),
               Step(id="S2", name="y", lane="ops", owners=["b"], duration=Duration(kind="uniform", params=(1.0, 5.0))),
               Step(id="S3", name="z", lane="ops", owners=["a"], duration=Duration(kind="fixed", params=(2.0,)))],
        edges=[Edge(source="S1", target="S2", probability=0.6), Edge(source="S1", target="S3", probability=0.4),
               Edge(source="S2", target="S3")],
    )


def make_workbook(path: Path, sheets: dict[str, Sequence[Sequence[Any]]],
                  merges: dict[str, list[str]] | None = None) -> Path:
    """Write a workbook: sheet title → rows (lists of cell values)."""
    wb = Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet(title)
        assert ws is not None
        ws.title = title
        first = False
        for row in rows:
            ws.append(list(row))
        for ref in (merges or {}).get(title, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


def set_cached_values(path: Path, values: dict[str, str]) -> None:
    """Give formula cells a cached value, as Excel does when it saves."""
    src = zipfile.ZipFile(path)
    items = [(i, src.read(i.filename)) for i in src.infolist()]
    src.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                for ref, v in values.items():
                    start = text.index(f'<c r="{ref}"')
                    end = text.index("</c>", start)
                    cell = text[start:end].replace("<v></v>", f"<v>{v}</v>").replace("<v />", f"<v>{v}</v>")
                    text = text[:start] + cell + text[end:]
                data = text.encode()
            out.writestr(info, data)


@pytest.fixture
def wb(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def build(sheets: dict[str, Sequence[Sequence[Any]]], name: str | None = None,
              merges: dict[str, list[str]] | None = None) -> Path:
        return make_workbook(tmp_path / (name or f"wb{next(counter)}.xlsx"), sheets, merges)

    return build


@pytest.fixture
def cli() -> Callable[..., Result]:
    from flowmap.cli import main

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


STEPS_JA = [
    ["番号", "工程名", "レーン", "担当者", "ツール", "所要時間", "次工程"],
    ["C1", "注文する", "お客様", "", "カート", "2", "O1"],
    ["O1", "受注確認", "受注", "受注チーム", "受注管理システム、メール", "5分", "O2"],
    ["O2", "出荷", "物流", "物流担当", "", "3-8分", "終了"],
]
