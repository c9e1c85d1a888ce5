"""Property tests: generated flows survive the xlsx and yaml round trips, and
generated hand-made layouts (shuffled columns, aliases, title rows, merged
lane cells) import to the same model."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowmap
from flowmap.model import Duration, Edge, Flow, Lane, Owner, Schedule, Step, Tool, WorkHours

from .conftest import make_workbook

NAME = st.text(alphabet="あいう受注出荷確認ABCxyz 12", min_size=1, max_size=8).map(str.strip).filter(bool)
DURATIONS = st.one_of(
    st.integers(0, 600).map(lambda m: Duration(kind="fixed", params=(float(m),))),
    st.tuples(st.integers(0, 50), st.integers(1, 50)).map(lambda t: Duration(kind="uniform", params=(float(t[0]), float(t[0] + t[1])))),
    st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(1, 9)).map(
        lambda t: Duration(kind="triangular", params=(float(t[0]), float(t[0] + t[1]), float(t[0] + t[1] + t[2])))),
    st.integers(1, 90).map(lambda m: Duration(kind="exponential", params=(float(m),))),
    st.tuples(st.integers(1, 30), st.integers(0, 5)).map(lambda t: Duration(kind="normal", params=(float(t[0]), float(t[1])))),
)


@st.composite
def flows(draw: st.DrawFn) -> Flow:
    n = draw(st.integers(1, 8))
    lane_names = ["お客様", *draw(st.lists(NAME.filter(lambda x: x not in ("お客様",)), min_size=1, max_size=3, unique=True))]
    owner_names = draw(st.lists(NAME.map(lambda x: "担当" + x), min_size=1, max_size=4, unique=True))
    tool_names = draw(st.lists(NAME.map(lambda x: "ツール" + x), min_size=0, max_size=4, unique=True))
    item_names = ["顧客ID", "住所", "注文内容"]
    steps: list[Step] = []
    for i in range(n):
        lane = draw(st.sampled_from(lane_names))
        mode = draw(st.sampled_from(["manual", "auto", "batch"]))
        batch = None
        if mode == "batch":
            batch = draw(st.sampled_from([Schedule(kind="daily", times=[540]), Schedule(kind="count", count=20),
                                          Schedule(kind="interval", interval_minutes=120), Schedule(kind="daily", times=[120, 900])]))
        steps.append(Step(
            id=f"S{i + 1}", name=draw(NAME), lane=lane,
            owners=draw(st.lists(st.sampled_from(owner_names), max_size=2, unique=True)) if lane != "お客様" else [],
            tools=draw(st.lists(st.sampled_from(tool_names), max_size=2, unique=True)) if tool_names else [],
            mode=mode, duration=draw(DURATIONS), batch=batch,
            reads=draw(st.lists(st.sampled_from(item_names), max_size=2, unique=True)),
            writes=draw(st.lists(st.sampled_from(item_names), max_size=2, unique=True)),
            stage=draw(st.sampled_from(["", "購入", "使用"])), emotion=draw(st.one_of(st.none(), st.integers(-2, 2))),
            pain=draw(st.sampled_from(["", "待たされる"])), note=draw(st.sampled_from(["", "メモ"])),
            volume=draw(st.sampled_from([None, 50.0])) if i == 0 else None,
            extra=draw(st.sampled_from([{}, {"改善案": "自動化"}])),
        ))
    edges: list[Edge] = []
    for i in range(n - 1):
        if draw(st.booleans()) and i + 2 < n:
            p = draw(st.sampled_from([0.5, 0.25, 0.9]))
            edges += [Edge(source=f"S{i + 1}", target=f"S{i + 2}", probability=p),
                      Edge(source=f"S{i + 1}", target=f"S{i + 3}", probability=1 - p)]
        else:
            edges.append(Edge(source=f"S{i + 1}", target=f"S{i + 2}", probability=1.0))
    used_lanes = list(dict.fromkeys(s.lane for s in steps))
    used_owners = list(dict.fromkeys(o for s in steps for o in s.owners))
    owners = [Owner(name=o, lane=draw(st.sampled_from(used_lanes)), kind=draw(st.sampled_from(["person", "team"])),
                    headcount=draw(st.one_of(st.none(), st.integers(1, 5))),
                    hours=draw(st.one_of(st.none(), st.just(WorkHours(start=480, end=1020)))),
                    days=draw(st.one_of(st.none(), st.just([0, 1, 2, 3, 4, 5]))), cost=draw(st.sampled_from([0.0, 1500.0])))
              for o in used_owners]
    used_tools = list(dict.fromkeys(t for s in steps for t in s.tools))
    tools = [Tool(name=t, category=draw(st.sampled_from(["communication", "record", "other"]))) for t in used_tools]
    lanes = [Lane(name=la, kind="customer" if la == "お客様" else "operator") for la in used_lanes]
    for o in owners:
        if o.lane not in used_lanes:
            lanes.append(Lane(name=o.lane))
    return Flow(name=draw(NAME), language="ja", lanes=lanes, owners=owners, tools=tools, steps=steps, edges=edges)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows())
def test_round_trips(flow: Flow) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".yaml", ".json", ".xlsx"):
            path = Path(tmp) / f"f{suffix}"
            flowmap.save(flow, path)
            assert flowmap.load(path) == flow, suffix


ALIASES = {
    "id": ["id", "No.", "番号", "工程ID"],
    "name": ["工程名", "業務名", "作業", "task"],
    "lane": ["レーン", "主体", "部署", "Lane"],
    "owner": ["担当者", "担当", "実施者", "Owner"],
    "duration": ["所要時間", "作業時間（分）", "工数", "TIME"],
    "next": ["次工程", "遷移先", "next"],
    "writes": ["入力データ", "記入項目", "writes"],
}


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), title_rows=st.integers(0, 3), merge=st.booleans())
def test_hand_made_layouts_import_the_same(seed: int, title_rows: int, merge: bool) -> None:
    rng = random.Random(seed)
    lanes = ["受注"] * rng.randint(1, 3) + ["物流"] * rng.randint(1, 3)
    data = [{"id": f"S{i + 1}", "name": f"作業{i + 1}", "lane": lane, "owner": "佐藤" if lane == "受注" else "田中",
             "duration": rng.randint(1, 30), "next": f"S{i + 2}" if i + 1 < len(lanes) else "終了",
             "writes": rng.choice(["", "顧客ID", "住所、顧客ID"])} for i, lane in enumerate(lanes)]
    canonical = [["id", "name", "lane", "owner", "duration", "next", "writes"]] + [[d[k] for k in ALIASES] for d in data]
    fields = list(ALIASES)
    rng.shuffle(fields)
    rows: list[list[object]] = [[f"タイトル{i}"] for i in range(title_rows)]
    rows.append([rng.choice(ALIASES[f]) for f in fields])
    lane_col = fields.index("lane")
    merges = []
    first = title_rows + 2
    for i, d in enumerate(data):
        row: list[object] = [d[f] if d[f] != "" else None for f in fields]
        if merge and i > 0 and data[i - 1]["lane"] == d["lane"]:
            row[lane_col] = None
        rows.append(row)
    if merge:
        letter = "ABCDEFG"[lane_col]
        start = 0
        for i in range(1, len(data) + 1):
            if i == len(data) or data[i]["lane"] != data[start]["lane"]:
                if i - 1 > start:
                    merges.append(f"{letter}{first + start}:{letter}{first + i - 1}")
                start = i
    with tempfile.TemporaryDirectory() as tmp:
        ref = flowmap.load(make_workbook(Path(tmp) / "ref.xlsx", {"工程": canonical}))
        got = flowmap.load(make_workbook(Path(tmp) / "got.xlsx", {"業務フロー": rows}, {"業務フロー": merges}))
        assert got.steps == ref.steps and got.edges == ref.edges and got.owners == ref.owners and got.lanes == ref.lanes
