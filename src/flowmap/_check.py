"""The rules of :func:`flowmap.model.check_flow`, one function per group of rules."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from .errors import Problem
from .model import END, END_WORDS, Edge, Flow, _hint, parallel_structure

__all__ = ["check_flow"]


def _short(text: str, limit: int = 80) -> str:
    return text[:limit] + ("…" if len(text) > limit else "")




def _is_end_word(text: str) -> bool:
    key = unicodedata.normalize("NFKC", text).strip().lower()
    return key in {w.lower() for w in END_WORDS}


class _Check:
    """Collects the problems of :func:`check_flow`, each at the place it was read."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.problems: list[Problem] = []

    def add(self, where: str, en: str, ja: str) -> None:
        self.problems.append(Problem(where, en, ja))

    def twice(self, kind: str, names: list[str], en: str, ja: str) -> None:
        """Names used more than once: reported at each repeat (``key#1``, … as the readers record them)."""
        seen: dict[str, int] = {}
        for name in names:
            n = seen.get(name, 0)
            seen[name] = n + 1
            if n:
                first = self.flow.loc(kind, name, "id" if kind == "step" else "name")
                where = self.flow.loc(kind, f"{name}#{n}", "id" if kind == "step" else "name")
                where = first if where == self.flow.source else where
                self.add(where, f"{en} {_short(name)!r} is used twice (first at {first})",
                         f"{ja}「{_short(name)}」が重複しています（最初は {first}）")


def _check_steps(c: _Check) -> None:
    flow = c.flow
    c.twice("step", [s.id for s in flow.steps], "step id", "工程ID")
    for s in flow.steps:
        if _is_end_word(s.id):
            c.add(flow.loc("step", s.id, "id"), f"step id {_short(s.id)!r} is reserved for ending a case",
                  f"工程ID「{_short(s.id)}」は終了を表す予約語です")
        if not s.name.strip():
            c.add(flow.loc("step", s.id, "name"), f"step {_short(s.id)}: the name is empty (the name column is required)",
                  f"工程 {_short(s.id)}: 工程名が空です（工程名は必須です）")
        if s.emotion is not None and not -2 <= s.emotion <= 2:
            c.add(flow.loc("step", s.id, "emotion"), f"emotion {s.emotion} must be between -2 and +2",
                  f"感情 {s.emotion} は -2〜+2 にしてください")
        if s.volume is not None and not s.volume >= 0:
            c.add(flow.loc("step", s.id, "volume"), f"volume {s.volume:g} must not be negative",
                  f"件数 {s.volume:g} は 0 以上にしてください")
        if s.mode == "batch" and s.batch is None:
            c.add(flow.loc("step", s.id, "batch"),
                  f"batch step {_short(s.id)} ({_short(s.name)}) has no schedule: fill the batch column, e.g. 'daily 9:00' or 'every 50'",
                  f"バッチ工程 {_short(s.id)}（{_short(s.name)}）にバッチ条件がありません:「毎日 9:00」「50件ごと」などを入力してください")


def _check_owners_and_tools(c: _Check) -> None:
    flow = c.flow
    c.twice("owner", [o.name for o in flow.owners], "owner", "担当者")
    c.twice("tool", [t.name for t in flow.tools], "tool", "ツール")
    for kind, names, en, ja in (("owner", [o.name for o in flow.owners], "owner", "担当者"),
                                ("tool", [t.name for t in flow.tools], "tool", "ツール")):
        for i, name in enumerate(names):
            if not name.strip():
                where = flow.loc(kind, name if i == names.index(name) else f"{name}#{names[:i].count(name)}", "name")
                c.add(where, f"{en} name is empty", f"{ja}名が空です")
    for o in flow.owners:
        if o.headcount is not None and o.headcount < 1:
            c.add(flow.loc("owner", o.name, "headcount"), f"headcount {o.headcount} must be at least 1",
                  f"人数 {o.headcount} は 1 以上にしてください")
        if o.hours is not None and not (0 <= o.hours.start < o.hours.end <= 1440):
            c.add(flow.loc("owner", o.name, "hours"),
                  f"working hours {o.hours.text()} must start before they end, within one day",
                  f"勤務時間 {o.hours.text()} は一日の中で開始を終了より前にしてください")
        if o.days is not None and (not o.days or any(d < 0 or d > 6 for d in o.days)):
            c.add(flow.loc("owner", o.name, "days"), "working days must name at least one weekday",
                  "勤務日は少なくとも一つの曜日を指定してください")
        if not o.cost >= 0:
            c.add(flow.loc("owner", o.name, "cost"), f"cost {o.cost:g} must not be negative",
                  f"時給 {o.cost:g} は 0 以上にしてください")


def _check_references(c: _Check) -> None:
    flow = c.flow
    lanes, owners, tools = flow.lane_map(), flow.owner_map(), flow.tool_map()
    for s in flow.steps:
        if s.lane not in lanes:
            c.add(flow.loc("step", s.id, "lane"), f"lane {_short(s.lane)!r} is not defined",
                  f"レーン「{_short(s.lane)}」が定義されていません")
        for name in s.owners:
            if name not in owners:
                en, ja = _hint(name, list(owners) + list(tools))
                c.add(flow.loc("step", s.id, "owner"),
                      f"owner {_short(name)!r} is neither in the Owners sheet nor a tool{en}",
                      f"担当者「{_short(name)}」は担当者シートにもツールにもありません{ja}")
        for name in s.tools:
            if name not in tools:
                c.add(flow.loc("step", s.id, "tools"), f"tool {_short(name)!r} is not defined",
                      f"ツール「{_short(name)}」が定義されていません")


def _check_edges(c: _Check) -> None:
    flow = c.flow
    ids = {s.id for s in flow.steps}
    names = [s.name for s in flow.steps]
    by_source: dict[str, list[Edge]] = defaultdict(list)
    for e in flow.edges:
        by_source[e.source].append(e)
        where = flow.loc("step", e.source, "next")
        if e.source not in ids:
            c.add(where, f"edge from unknown step {_short(e.source)!r}", f"存在しない工程「{_short(e.source)}」からの遷移です")
        if e.target != END and e.target not in ids:
            en, ja = _hint(e.target, list(ids) + names)
            c.add(where, f"next step {_short(e.target)!r} does not exist{en}", f"次工程「{_short(e.target)}」が存在しません{ja}")
        if not 0 < e.probability <= 1 + 1e-9:
            c.add(where, f"probability {e.probability:g} of {_short(e.source)}→{_short(e.target)} must be above 0 and at most 1",
                  f"{_short(e.source)}→{_short(e.target)} の確率 {e.probability:g} は 0 より大きく 1 以下にしてください")
    steps_by_id = flow.step_map()
    for src, edges in by_source.items():
        if src in steps_by_id and steps_by_id[src].fork:
            continue  # checked by parallel_structure
        total = sum(e.probability for e in edges)
        if not abs(total - 1) <= 0.001:
            c.add(flow.loc("step", src, "next"),
                  f"probabilities of the next steps of {_short(src)} sum to {total:.3g}, not 1",
                  f"{_short(src)} の次工程の確率の合計が {total:.3g} で、1 になっていません")


def _check_milestones(c: _Check) -> None:
    flow = c.flow
    ids = {s.id for s in flow.steps}
    seen: set[str] = set()
    for m in flow.settings.milestones:
        where = flow.loc("setting", "milestones", m.name)
        if m.name in seen:
            c.add(where, f"milestone segment {_short(m.name)!r} is named twice", f"区間「{_short(m.name)}」が重複しています")
        seen.add(m.name)
        for sid in (m.start, m.end):
            if sid not in ids:
                en, ja = _hint(sid, list(ids))
                c.add(where, f"milestone segment {_short(m.name)!r}: step {_short(sid)!r} does not exist{en}",
                      f"区間「{_short(m.name)}」: 工程「{_short(sid)}」が存在しません{ja}")


def _check_reachable(c: _Check) -> None:
    flow = c.flow
    out: dict[str, list[str]] = defaultdict(list)
    for e in flow.edges:
        out[e.source].append(e.target)
    entries = flow.entry_steps()
    seen = set(entries)
    stack = list(seen)
    while stack:
        for nxt in out[stack.pop()]:
            if nxt != END and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    shown = ", ".join(entries[:10]) + (" …" if len(entries) > 10 else "")
    for s in flow.steps:
        if s.id not in seen:
            c.add(flow.loc("step", s.id, "id"),
                  f"step {_short(s.id)} ({_short(s.name)}) cannot be reached from the entry step(s) {shown}",
                  f"工程 {_short(s.id)}（{_short(s.name)}）には開始工程（{shown}）からたどり着けません")


def _check_name_lengths(c: _Check) -> None:
    from .limits import MAX_NAME_CHARS

    flow = c.flow
    ja = {"flow": "フロー名", "lane": "レーン名", "owner": "担当者名", "tool": "ツール名", "step id": "工程ID", "step name": "工程名"}
    named = [(flow.source, "flow", flow.name)] + [(flow.loc("lane", la.name, "name"), "lane", la.name) for la in flow.lanes]
    named += [(flow.loc("owner", o.name, "name"), "owner", o.name) for o in flow.owners]
    named += [(flow.loc("tool", t.name, "name"), "tool", t.name) for t in flow.tools]
    for s in flow.steps:
        named += [(flow.loc("step", s.id, "id"), "step id", s.id), (flow.loc("step", s.id, "name"), "step name", s.name)]
    for where, what, text in named:
        if len(text) > MAX_NAME_CHARS:
            c.add(where, f"the {what} {_short(text)!r} is {len(text):,} characters long, above the limit of {MAX_NAME_CHARS:,}",
                  f"{ja[what]}「{_short(text)}」が {len(text):,} 文字あります（上限 {MAX_NAME_CHARS:,} 文字）")


def check_flow(flow: Flow) -> list[Problem]:
    """Every problem of a flow, each with its location (see :func:`flowmap.model.check_flow`)."""
    from . import limits

    c = _Check(flow)
    if not flow.steps:
        c.add(flow.source, "the flow has no steps", "工程が一つもありません")
        return c.problems
    _check_name_lengths(c)
    _check_steps(c)
    _check_owners_and_tools(c)
    _check_references(c)
    _check_milestones(c)
    _check_edges(c)
    if not c.problems:
        _check_reachable(c)
    if not c.problems:
        c.problems += parallel_structure(flow).problems
    if not c.problems:
        c.problems += limits.flow_problems(flow)
    return c.problems
