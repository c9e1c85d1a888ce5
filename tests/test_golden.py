"""Golden outputs: one analysis JSON per bundled model (findings as data: codes, keys, params,
severities, figures), and the simulation.  The words of every format are checked by behaviour
in tests/test_render.py, not pinned here.
Refresh with  pytest tests/test_golden.py --update-golden  (or make golden), and commit the
refreshed files on their own with a one-line reason."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowmap
from flowmap.analyze import run_analysis
from flowmap.render import analysis as r

from .conftest import MODELS

GOLDEN = Path(__file__).parent / "golden"
BUNDLED = ("ec_order_asis", "ec_order_tobe", "ec_order_asis_en")


@pytest.mark.parametrize("model", BUNDLED)
def test_analysis_golden(model: str, update_golden: bool) -> None:
    path = GOLDEN / f"analyze_{model}.json"
    got = r.to_json(run_analysis(flowmap.load(MODELS / f"{model}.yaml")))
    if update_golden:
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"missing {path}: run pytest --update-golden"
    assert got == path.read_text(encoding="utf-8")


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
