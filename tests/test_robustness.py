"""Whatever a workbook or a model file holds, reading it ends in a Flow or an
InputError naming the place, never in another exception."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import flowmap
from flowmap.errors import InputError
from flowmap.model import Edge, Flow, Lane, Step

from .conftest import make_workbook

CELL = st.one_of(
    st.none(),
    st.text(alphabet="S12０-:~〜%（）()分時間日秒,、/・;\n○×終了ENDtriexpnorm 毎日件ごとはい-", max_size=12),
    st.integers(-5, 500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(dt.time(0, 5)),
    st.just(dt.datetime(2026, 1, 1, 9, 0)),
    st.booleans(),
)
HEADERS = ["番号", "工程名", "レーン", "担当者", "ツール", "方式", "所要時間", "次工程", "入力データ", "感情", "バッチ条件", "件数/日"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=6),
       st.lists(st.tuples(st.sampled_from(["1日の受注件数", "日数", "開始日", "乱数シード", "祝日", "休業日", "謎"]), CELL), max_size=3))
def test_any_workbook_reads_or_names_its_problems(rows: list[list[Any]], setting_rows: list[tuple[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        book = make_workbook(Path(tmp) / "junk.xlsx", {"工程": [HEADERS, *rows], "設定": [["項目", "値"], *map(list, setting_rows)]})
        try:
            flowmap.load(book)
        except InputError as e:
            assert e.problems and all(p.location.startswith(str(book)) for p in e.problems)


NODE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 99), st.text(alphabet="abS1:-, ", max_size=6)),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.sampled_from(
        ["id", "name", "lane", "owner", "next", "duration", "mode", "batch", "kind", "x"]), children, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from(["steps", "owners", "tools", "lanes", "settings", "name", "language", "flowmap", "zzz"]),
                       NODE, max_size=5))
@example({"steps": None, "lanes": True})
@example({"steps": [{"id": "S1", "name": "a", "lane": "x"}], "settings": [1, 2]})
def test_any_model_file_reads_or_names_its_problems(doc: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "junk.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        try:
            flowmap.load(path)
        except InputError as e:
            assert e.problems and all(p.location.startswith(str(path)) for p in e.problems)


def test_python_built_flows_are_checked_before_running() -> None:
    flow = Flow(lanes=[Lane(name="ops")], steps=[Step(id="S1", name="a", lane="ops")],
                edges=[Edge(source="S1", target="S9")])
    with pytest.raises(InputError, match="S9"):
        flowmap.simulate(flow, days=1, replications=1)
    with pytest.raises(InputError, match="S9"):
        flowmap.run_analysis(flow)
