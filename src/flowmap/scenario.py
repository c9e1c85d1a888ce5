"""Scenario files: a change to a flow written as a small YAML file.

``name``, optional ``base`` (a flow file relative to the scenario) and ``changes``:
``steps`` (by id), ``owners``, ``tools``, ``lanes`` (by name), ``settings`` and
``remove`` (predecessors reconnect to the removed step's successors, probabilities
multiplied).  The format with an example is in README ("Scenario files").

Every field is a field of the model file format (README, "Model files").
A field given in a change replaces the base's value (lists too); ``null``
clears it.  A step record whose id the base does not have adds a step when it
gives at least a ``name``; otherwise it is an unknown step id.  Added steps go
after the base's steps and end the case unless they give ``next``.

The changed flow is built and validated exactly like a model file: every
problem names ``FILE:LINE``, in the scenario file for what the scenario
changed and in the base flow for what it kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cells import MAX_CELL_CHARS, ParseError, as_text, norm_key, parse_next, parse_number
from .errors import InputError, Problem
from .graph import build_graph
from .io._build import Row, build_flow
from .io._parallel import FORK_SEPARATOR, parse_fork
from .io._schema import END_WORDS
from .io._yaml import LineList
from .io.modelfile import (
    OWNER_KEYS,
    STEP_KEYS,
    TOOL_KEYS,
    _line,
    _read_mapping,
    _rows,
    flow_to_dict,
)
from .model import END, Flow, Lane, suggest

__all__ = ["Changes", "Scenario", "apply_scenario", "load_scenario", "scenario_base"]

TOP_KEYS = ("name", "base", "description", "changes")
CHANGE_KEYS = ("steps", "owners", "tools", "lanes", "settings", "remove")


@dataclass
class Changes:
    """The parsed ``changes`` of a scenario; every record keeps its ``FILE:LINE``."""

    steps: list[Row] = field(default_factory=list)
    owners: list[Row] = field(default_factory=list)
    tools: list[Row] = field(default_factory=list)
    lanes: list[Row] = field(default_factory=list)
    settings: list[tuple[str, Any, str, str]] = field(default_factory=list)
    remove: list[tuple[str, str]] = field(default_factory=list)  # (step id, where)
    remove_where: str = ""

    def is_empty(self) -> bool:
        return not (self.steps or self.owners or self.tools or self.lanes or self.settings or self.remove)


@dataclass
class Scenario:
    """A named change to a flow, read from ``path``."""

    name: str
    path: Path
    base: Path | None = None  # resolved against the scenario file's folder
    base_where: str = ""
    description: str = ""
    changes: Changes = field(default_factory=Changes)


def _where(name: str, obj: Any, key: Any = None) -> str:
    return f"{name}:{_line(obj, key)}"


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file; every problem names ``FILE:LINE`` (raised together as one InputError)."""
    p = Path(path)
    name = str(path)
    problems: list[Problem] = []
    data = _read_mapping(path, TOP_KEYS, problems, ("a scenario file must be a mapping with 'changes'",
                                                     "シナリオファイルは changes を含むマッピングにしてください"),
                         (" in the scenario", "シナリオの"))
    if "steps" in data and "changes" not in data:
        raise InputError([Problem(f"{name}:{_line(data, 'steps')}", "this is a flow (a model file with 'steps'), not a scenario "
                                  "of changes: compare two flows as BEFORE AFTER",
                                  "これはフロー（steps を持つモデルファイル）で、変更を書いたシナリオではありません。"
                                  "二つのフローは BEFORE AFTER として比較してください")])
    title = as_text(data.get("name")).strip() or p.stem
    if len(title) > MAX_CELL_CHARS:
        problems.append(Problem(_where(name, data, "name"), f"the name is {len(title):,} characters, above the limit of "
                                f"{MAX_CELL_CHARS}", f"name が {len(title):,} 文字あり、上限 {MAX_CELL_CHARS} 文字を超えています"))
    base: Path | None = None
    base_where = ""
    if data.get("base") is not None:
        base_where = _where(name, data, "base")
        raw = as_text(data["base"]).strip()
        if not raw or isinstance(data["base"], (dict, list)):
            problems.append(Problem(base_where, "'base' must be the path of a flow file", "「base」はフローのファイルパスにしてください"))
        else:
            base = (p.parent / raw) if not Path(raw).is_absolute() else Path(raw)
    changes = Changes()
    raw_changes = data.get("changes")
    if "changes" not in data:
        problems.append(Problem(f"{name}:1", "the scenario has no 'changes'", "シナリオに changes がありません"))
    elif raw_changes is not None and not isinstance(raw_changes, dict):
        problems.append(Problem(_where(name, data, "changes"), "'changes' must be a mapping of steps, owners, tools, lanes, "
                                "settings and remove", "「changes」は steps・owners・tools・lanes・settings・remove のマッピングにしてください"))
    elif raw_changes:
        _read_changes(raw_changes, name, changes, problems)
    if problems:
        raise InputError(problems)
    return Scenario(name=title, path=p, base=base, base_where=base_where,
                    description=as_text(data.get("description")).strip(), changes=changes)


def _read_changes(raw: dict[Any, Any], name: str, ch: Changes, problems: list[Problem]) -> None:
    for k in raw:
        if k not in CHANGE_KEYS:
            problems.append(Problem(_where(name, raw, k), f"unknown key {k!r} in changes; known keys: {', '.join(CHANGE_KEYS)}",
                                    f"changes の「{k}」は不明なキーです。使えるキー: {', '.join(CHANGE_KEYS)}"))
    ch.steps = _rows(raw.get("steps"), STEP_KEYS, name, "steps", problems, {"owners": "owner"})
    ch.owners = _rows(raw.get("owners"), OWNER_KEYS, name, "owners", problems)
    ch.tools = _rows(raw.get("tools"), TOOL_KEYS, name, "tools", problems)
    lanes_in = raw.get("lanes")
    if isinstance(lanes_in, list):  # a lane may be written as a bare name, as in model files
        lanes_in = LineList({"name": x} if isinstance(x, str) else x for x in lanes_in)
        lanes_in.lines = getattr(raw.get("lanes"), "lines", [])
        lanes_in.line = getattr(raw.get("lanes"), "line", 1)
    ch.lanes = _rows(lanes_in, ("name", "kind"), name, "lanes", problems)
    for what, rows, key in (("steps", ch.steps, "id"), ("owners", ch.owners, "name"), ("tools", ch.tools, "name"),
                            ("lanes", ch.lanes, "name")):
        seen: dict[str, str] = {}
        for row in rows:
            ident = row.text(key)
            if not ident:
                problems.append(Problem(row.where, f"each change in {what} needs its {key}", f"{what} の変更には {key} が必要です"))
            elif ident in seen:
                problems.append(Problem(row.loc(key), f"{what} {ident!r} is changed twice (first at {seen[ident]})",
                                        f"{what} の「{ident}」が二回変更されています（最初は {seen[ident]}）"))
            else:
                seen[ident] = row.loc(key)
    for row in ch.lanes:
        kind = row.text("kind")
        if kind and kind not in ("customer", "operator"):
            problems.append(Problem(row.loc("kind"), f"lane kind {kind!r} must be customer or operator",
                                    f"レーンの種類「{kind}」は customer か operator にしてください"))
    settings_in = raw.get("settings")
    if settings_in is not None:
        if not isinstance(settings_in, dict):
            problems.append(Problem(_where(name, raw, "settings"), "'settings' must be a mapping of key: value",
                                    "「settings」は「キー: 値」のマッピングにしてください"))
        else:
            for k, v in settings_in.items():
                where = _where(name, settings_in, k)
                ch.settings.append((str(k), v, where, where))
    remove = raw.get("remove")
    if remove is not None:
        ch.remove_where = _where(name, raw, "remove")
        items = remove if isinstance(remove, list) else [remove]
        lines, first = getattr(remove, "lines", None), dict[str, str]()
        for i, item in enumerate(items):
            where = f"{name}:{lines[i]}" if lines else ch.remove_where
            if isinstance(item, (dict, list)) or as_text(item).strip() == "":
                problems.append(Problem(where, "'remove' must list step ids", "「remove」には工程IDを並べてください"))
                continue
            rid = as_text(item).strip()
            if rid in first:
                problems.append(Problem(where, f"step {rid!r} is removed twice (first at {first[rid]})",
                                        f"工程「{rid}」が二回削除されています（最初は {first[rid]}）"))
            else:
                first[rid] = where
                ch.remove.append((rid, where))


def scenario_base(scenario: Scenario) -> Path:
    """The flow file the scenario names as its base (an InputError if it names none)."""
    if scenario.base is None:
        raise InputError([Problem(str(scenario.path), "the scenario names no base flow: give FLOW on the command line "
                                  "or 'base:' in the scenario", "シナリオに基準のフロー（base）がありません。コマンドで FLOW を指定するか、"
                                  "シナリオに「base:」を書いてください")])
    base, where = scenario.base, scenario.base_where
    bad = (("not found", "が見つかりません") if not base.exists() else ("is a folder", "はフォルダーです") if base.is_dir()
           else ("is not a regular file (a pipe, device or socket)", "は通常のファイルではありません") if not base.is_file()
           else ("is this scenario itself: name the flow it changes", "はこのシナリオ自身です。変更するフローを書いてください")
           if scenario.path.exists() and base.samefile(scenario.path) else None)
    if bad:
        raise InputError([Problem(where, f"base flow {str(base)!r} {bad[0]}", f"基準のフロー「{base}」{bad[1]}")])
    return base


# ------------------------------------------------------------------ applying

def _fmt_p(p: float) -> str:
    text = f"{p:.10f}".rstrip("0").rstrip(".")
    return text or "0"


def _next_text(edges: list[tuple[str, float]], fork: bool = False) -> Any:
    if not edges:
        return END
    if fork:
        return FORK_SEPARATOR.join(t for t, _ in edges)
    if len(edges) == 1 and abs(edges[0][1] - 1) < 1e-12:
        return edges[0][0]
    return [f"{t}:{_fmt_p(p)}" for t, p in edges]


@dataclass
class _Merged:
    rows: dict[str, Row]
    edges: dict[str, list[tuple[str, float]] | None]  # resolved; None when the next value cannot be read here
    scenario_next: dict[str, str]  # step id → where the scenario set or changed its next
    forks: set[str]  # steps whose next starts every branch together ('S5 & S6')


def _resolve_edges(rows: dict[str, Row], sid: str, forks: set[str]) -> list[tuple[str, float]] | None:
    row = rows[sid]
    value = row.values.get("next")
    if value is None or as_text(value).strip() == "":
        return []
    try:
        branches = parse_fork(value)
        parsed: list[tuple[str, float | None]] = [(b, 1.0) for b in branches] if branches else parse_next(value)
    except ParseError:
        return None
    if branches and as_text(value).strip() not in rows:
        forks.add(sid)
    else:
        branches = None
    by_name: dict[str, list[str]] = {}
    for k, r in rows.items():
        by_name.setdefault(norm_key(r.text("name")), []).append(k)
    out: list[tuple[str, float | None]] = []
    for target, p in parsed:
        if target in rows:
            tid = target
        elif norm_key(target) in END_WORDS:
            tid = END
        elif len(by_name.get(norm_key(target), [])) == 1:
            tid = by_name[norm_key(target)][0]
        else:
            return None  # the builder names the problem
        out.append((tid, p))
    given = sum(p for _, p in out if p is not None)
    free = [t for t, p in out if p is None]
    share = (1 - given) / len(free) if free else 0.0
    if free and share <= 0:
        return None
    edges = [(t, p if p is not None else share) for t, p in out]
    if edges == [(END, 1.0)] and not branches:
        return []
    return edges


def _entry_ids(rows: dict[str, Row]) -> list[str]:
    vols = []
    for sid, row in rows.items():
        v = row.values.get("volume")
        if v is None or as_text(v).strip() == "":
            continue
        try:
            if parse_number(v, what_en="volume", what_ja="件数", minimum=0) > 0:
                vols.append(sid)
        except ParseError:
            continue
    return vols or list(rows)[:1]


def _remove_step(m: _Merged, rid: str, where: str, problems: list[Problem]) -> None:
    rows, edges = m.rows, m.edges
    out = edges.get(rid)
    if out is None:
        problems.append(Problem(where, f"step {rid}'s next steps cannot be read, so it cannot be removed",
                                f"工程 {rid} の次工程が読めないため削除できません"))
        return
    fork = rid in m.forks
    loop = 0.0 if fork else sum(p for t, p in out if t == rid)
    if loop >= 1 - 1e-12 and out:
        problems.append(Problem(where, f"step {rid} only leads back to itself", f"工程 {rid} は自分自身にしか進みません"))
        return
    rest = [(t, p / (1 - loop)) for t, p in out if t != rid] or [(END, 1.0)]
    # the removed step's arrivals: an entry step hands its cases to its successors
    entries = _entry_ids(rows)
    if rid in entries:
        row = rows[rid]
        if row.has("volume"):
            try:
                vol = parse_number(row.values["volume"], what_en="volume", what_ja="件数", minimum=0)
            except ParseError:
                vol = 0.0
            for t, p in rest:
                if t == END:
                    continue
                tr = rows[t]
                old = 0.0
                if tr.has("volume"):
                    try:
                        old = parse_number(tr.values["volume"], what_en="volume", what_ja="件数", minimum=0)
                    except ParseError:
                        old = 0.0
                tr.values["volume"] = old + vol * p
                tr.locs["volume"] = where
        else:
            targets = [t for t, _ in rest if t != END]
            if len(targets) != 1 or abs(sum(p for t, p in rest if t != END) - 1) > 1e-9:
                problems.append(Problem(where, f"step {rid} is where cases start and it branches: removing it leaves no single "
                                        "first step (give the entry steps a volume, or keep it)",
                                        f"工程 {rid} はケースの開始工程で分岐しているため、削除すると開始工程が一つに決まりません"
                                        "（開始工程に件数を入れるか、削除しないでください）"))
                return
            new_first = targets[0]
            order = [new_first] + [k for k in rows if k != new_first]
            m.rows = rows = {k: rows[k] for k in order}
    single = len(rest) == 1 and abs(rest[0][1] - 1) < 1e-9
    for sid, es in list(edges.items()):
        if sid == rid or es is None or not any(t == rid for t, _ in es):
            continue
        q = sum(p for t, p in es if t == rid)
        if sid in m.forks and (single or fork):
            # a branch of a fork: the branch now starts at the removed step's successor(s)
            branch: list[str] = []
            for t, _ in es:
                for u in ([x for x, _ in rest] if t == rid else [t]):
                    if u != END and u not in branch:
                        branch.append(u)
            new = [(t, 1.0) for t in branch]
            if len(branch) < 2:
                m.forks.discard(sid)
        elif sid in m.forks or (fork and not (len(es) == 1 and abs(q - 1) < 1e-9)):
            problems.append(Problem(where, f"removing step {rid} would mix a fork ('&') with a choice at step {sid}: "
                                    "change that step's next instead",
                                    f"工程 {rid} を削除すると工程 {sid} で並行分岐（&）と選択が混ざります。"
                                    "その工程の次工程を書き換えてください"))
            continue
        elif fork:
            new = list(rest)  # the predecessor starts the branches itself
            m.forks.add(sid)
        else:
            merged: dict[str, float] = {}
            for t, p in es:
                if t != rid:
                    merged[t] = merged.get(t, 0.0) + p
            for t, p in rest:
                merged[t] = merged.get(t, 0.0) + q * p
            new = [(t, round(p, 12)) for t, p in merged.items()]
        edges[sid] = new
        rows[sid].values["next"] = _next_text(new, sid in m.forks)
        if sid not in m.scenario_next:
            rows[sid].locs["next"] = where
            m.scenario_next[sid] = where
    del rows[rid]
    del edges[rid]
    m.forks.discard(rid)
    m.scenario_next.pop(rid, None)


def _check_reachable(m: _Merged, base: Flow, ch: Changes, problems: list[Problem]) -> None:
    """Steps the change cut off from the entry steps, reported at the change that did it."""
    if any(e is None for e in m.edges.values()):
        return  # the builder reports the unreadable next values first
    entries = _entry_ids(m.rows)
    seen = set(entries)
    stack = list(entries)
    while stack:
        cur = stack.pop()
        for t, _ in m.edges.get(cur) or []:
            if t != END and t in m.rows and t not in seen:
                seen.add(t)
                stack.append(t)
    preds: dict[str, list[str]] = {}
    for e in base.edges:
        preds.setdefault(e.target, []).append(e.source)
    removed = dict(ch.remove)
    cut: dict[str, list[str]] = {}  # blamed change → the steps it cut off
    for sid, row in m.rows.items():
        if sid in seen:
            continue
        blame = [m.scenario_next[p] for p in preds.get(sid, []) if p in m.scenario_next]
        blame += [removed[p] for p in preds.get(sid, []) if p in removed]
        blame += list(m.scenario_next.values()) + [w for _, w in ch.remove] + [row.loc("id")]
        cut.setdefault(blame[0], []).append(sid)
    for where, sids in cut.items():
        names = ", ".join(f"{s} ({m.rows[s].text('name')})" for s in sids[:5]) + (f" and {len(sids) - 5} more" if len(sids) > 5 else "")
        names_ja = "、".join(f"{s}（{m.rows[s].text('name')}）" for s in sids[:5]) + (f" ほか {len(sids) - 5} 工程" if len(sids) > 5 else "")
        word = "step" if len(sids) == 1 else "steps"
        problems.append(Problem(where, f"after this change {word} {names} can no longer be reached from the entry step(s) "
                                f"{', '.join(entries)}",
                                f"この変更で工程 {names_ja} に開始工程（{', '.join(entries)}）からたどり着けなくなります"))


def _base_rows(items: list[dict[str, Any]], kind: str, key: str, flow: Flow) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for d in items:
        ident = str(d[key])
        row = Row(flow.loc(kind, ident))
        for k, v in d.items():
            if k == "extra":
                row.extra.update(v)
                continue
            if k == "next" and isinstance(v, dict):
                v = [f"{t}:{_fmt_p(p)}" for t, p in v.items()]
            row.values[k] = v
            row.locs[k] = flow.loc(kind, ident, k)
        out[ident] = row
    return out


def _merge_into(base: dict[str, Row], changes: list[Row], key: str) -> None:
    for row in changes:
        ident = row.text(key)
        if ident in base:
            target = base[ident]
            for k, v in row.values.items():
                if k == key:
                    continue
                target.values[k] = v
                target.locs[k] = row.loc(k)
            if row.extra:
                target.extra = dict(row.extra)
        else:
            base[ident] = Row(row.where, dict(row.values), dict(row.locs), dict(row.extra))


def apply_scenario(flow: Flow, scenario: Scenario) -> Flow:
    """The flow with the scenario's changes merged over it, validated like a model file."""
    ch = scenario.changes
    problems: list[Problem] = []
    d = flow_to_dict(flow)
    rows = _base_rows(d["steps"], "step", "id", flow)
    owners = _base_rows(d["owners"], "owner", "name", flow)
    tools = _base_rows(d["tools"], "tool", "name", flow)
    lane_kinds: dict[str, str] = {lane.name: lane.kind for lane in flow.lanes}

    scenario_next: dict[str, str] = {}
    step_changes: list[Row] = []
    for change in ch.steps:
        row = Row(change.where, dict(change.values), dict(change.locs), dict(change.extra))
        sid = row.text("id")
        if sid not in rows and not row.has("name"):
            near = suggest(sid, list(rows))
            hint_en = f" (did you mean {near!r}?)" if near else ""
            hint_ja = f"（「{near}」の誤りではありませんか）" if near else ""
            problems.append(Problem(row.loc("id"), f"unknown step id {sid!r}{hint_en}; to add a step give at least its name",
                                    f"工程ID「{sid}」は基準のフローにありません{hint_ja}。工程を追加するなら名前（name）も書いてください"))
            continue
        if sid not in rows and "next" not in row.values:
            row.values["next"] = END
            row.locs["next"] = row.loc("id")
        if "next" in row.values:
            scenario_next[sid] = row.loc("next")
        step_changes.append(row)
    _merge_into(rows, step_changes, "id")
    _merge_into(owners, ch.owners, "name")
    _merge_into(tools, ch.tools, "name")
    for row in ch.lanes:
        kind = row.text("kind") or lane_kinds.get(row.text("name"), "operator")
        lane_kinds[row.text("name")] = kind

    forks: set[str] = set()
    m = _Merged(rows=rows, edges={sid: _resolve_edges(rows, sid, forks) for sid in rows}, scenario_next=scenario_next,
                forks=forks)
    if ch.remove:
        for rid, where in ch.remove:
            if rid not in m.rows:
                near = suggest(rid, list(m.rows))
                hint_en = f" (did you mean {near!r}?)" if near else ""
                hint_ja = f"（「{near}」の誤りではありませんか）" if near else ""
                problems.append(Problem(where, f"cannot remove step {rid!r}: the flow has no such step{hint_en}",
                                        f"工程「{rid}」はフローにないため削除できません{hint_ja}"))
        if not problems and len({r for r, _ in ch.remove}) >= len(m.rows):
            problems.append(Problem(ch.remove_where, "the scenario removes every step of the flow",
                                    "シナリオがフローの工程をすべて削除しています"))
        if not problems:
            for rid, where in ch.remove:
                if rid in m.rows:
                    _remove_step(m, rid, where, problems)
    if problems:
        raise InputError(problems)
    _check_reachable(m, flow, ch, problems)

    settings: list[tuple[str, Any, str, str]] = []
    for k, v in d["settings"].items():
        settings.append((k, v, flow.source, flow.source))
    joined = f"{flow.name} + {scenario.name}"
    settings.append(("name", joined, str(scenario.path), str(scenario.path)))
    settings.append(("language", flow.language, flow.source, flow.source))
    settings += ch.settings
    lanes = [Lane(name=n, kind="customer" if k == "customer" else "operator") for n, k in lane_kinds.items()]
    try:
        new = build_flow(source=str(scenario.path), name=joined, steps=list(m.rows.values()), owners=list(owners.values()),
                         tools=list(tools.values()), settings=settings, has_next=True, japanese=flow.language == "ja",
                         lanes_given=lanes)
    except InputError as e:
        # the builder's own reachability messages repeat ours at the base's places
        raise InputError(problems + [p for p in e.problems if not (problems and "cannot be reached" in p.en)]) from None
    if problems:
        raise InputError(problems)
    build_graph(new)  # endless loops are input errors too
    return new
