"""Golden outputs: the analysis of the bundled models in every format.
Refresh with  pytest tests/test_golden.py --update-golden  (or make golden)."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowmap
from flowmap.analyze import run_analysis
from flowmap.render import analysis as r

from .conftest import MODELS

GOLDEN = Path(__file__).parent / "golden"
CASES = [(m, fmt) for m in ("ec_order_asis", "ec_order_tobe", "ec_order_asis_en") for fmt in ("txt", "json", "md")]


def render(model: str, fmt: str) -> str:
    a = run_analysis(flowmap.load(MODELS / f"{model}.yaml"))
    return {"txt": lambda: r.to_text(a), "json": lambda: r.to_json(a), "md": lambda: r.to_markdown(a)}[fmt]()


@pytest.mark.parametrize(("model", "fmt"), CASES)
def test_analysis_golden(model: str, fmt: str, update_golden: bool) -> None:
    path = GOLDEN / f"analyze_{model}.{fmt}"
    got = render(model, fmt)
    if update_golden:
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"missing {path}: run pytest --update-golden"
    assert got == path.read_text(encoding="utf-8")


def test_xlsx_golden_content(tmp_path: Path, update_golden: bool) -> None:
    from openpyxl import load_workbook

    a = run_analysis(flowmap.load(MODELS / "ec_order_asis.yaml"))
    out = tmp_path / "a.xlsx"
    r.write_xlsx(a, out)
    wb = load_workbook(out)
    text = "\n".join("\t".join("" if v is None else str(v) for v in row)
                     for ws in wb.worksheets for row in ws.iter_rows(values_only=True)) + "\n"
    path = GOLDEN / "analyze_ec_order_asis.xlsx.tsv"
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["json", "txt"])
def test_simulation_golden(fmt: str, update_golden: bool) -> None:
    import datetime as dt

    from flowmap.render import simulation as rs

    res = flowmap.simulate(flowmap.load(MODELS / "ec_order_asis.yaml"), days=10, seed=1, replications=2,
                           start=dt.date(2026, 11, 30))
    got = rs.to_json(res) if fmt == "json" else rs.to_text(res, "ja")
    path = GOLDEN / f"simulate_ec_order_asis.{fmt}"
    if update_golden:
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")
