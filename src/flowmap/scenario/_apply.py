"""Applying a scenario: the base flow as rows, the changes merged over them, steps removed,
and the result built and validated like a model file."""

from __future__ import annotations

from typing import Any

from ..cells import as_text, norm_key
from ..errors import InputError, Problem
from ..graph import build_graph
from ..io._build import Row, build_flow
from ..io._edges import step_names
from ..io._schema import SETTINGS_LOOKUP
from ..io.modelfile import flow_to_dict
from ..model import END, Flow, Lane, suggest
from ._edges import Merged, entry_ids, fmt_p, remove_step, resolve_edges
from ._read import Changes, Scenario

__all__ = ["apply_scenario"]


def _hint(name: str, known: list[str]) -> tuple[str, str]:
    near = suggest(name, known)
    return (f" (did you mean {near!r}?)", f"（「{near}」の誤りではありませんか）") if near else ("", "")


def _setting(key: Any) -> str:
    """A settings key as its field name, whichever alias (``1日の注文数``) the scenario used."""
    return SETTINGS_LOOKUP.get(norm_key(key)) or str(key)


def _check_reachable(m: Merged, base: Flow, ch: Changes, problems: list[Problem]) -> None:
    """Steps the change cut off from the entry steps, reported at the change that did it."""
    if any(e is None for e in m.edges.values()):
        return  # the builder reports the unreadable next values first
    entries = entry_ids(m.rows)
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
                v = [f"{t}:{fmt_p(p)}" for t, p in v.items()]
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
            if row.extra or "extra" in row.locs:  # given, even empty: replaces the base's extra columns
                target.extra = dict(row.extra)
        else:
            base[ident] = Row(row.where, dict(row.values), dict(row.locs), dict(row.extra))


def _step_changes(ch: Changes, rows: dict[str, Row], problems: list[Problem]) -> tuple[list[Row], dict[str, str]]:
    """The scenario's step records to merge (an added step ends the case unless it gives ``next``) and
    where the scenario set each step's ``next``."""
    scenario_next: dict[str, str] = {}
    step_changes: list[Row] = []
    for change in ch.steps:
        row = Row(change.where, dict(change.values), dict(change.locs), dict(change.extra))
        sid = row.text("id")
        if sid not in rows and not row.has("name"):
            hint_en, hint_ja = _hint(sid, list(rows))
            problems.append(Problem(row.loc("id"), f"unknown step id {sid!r}{hint_en}; to add a step give at least its name",
                                    f"工程ID「{sid}」は基準のフローにありません{hint_ja}。工程を追加するなら名前（name）も書いてください"))
            continue
        if sid not in rows and "next" not in row.values:
            row.values["next"] = END
            row.locs["next"] = row.loc("id")
        if "next" in row.values:
            scenario_next[sid] = row.loc("next")
        step_changes.append(row)
    return step_changes, scenario_next


def _remove_steps(m: Merged, ch: Changes, problems: list[Problem]) -> None:
    for rid, where in ch.remove:
        if rid not in m.rows:
            hint_en, hint_ja = _hint(rid, list(m.rows))
            problems.append(Problem(where, f"cannot remove step {rid!r}: the flow has no such step{hint_en}",
                                    f"工程「{rid}」はフローにないため削除できません{hint_ja}"))
    if not problems and len({r for r, _ in ch.remove}) >= len(m.rows):
        problems.append(Problem(ch.remove_where, "the scenario removes every step of the flow",
                                "シナリオがフローの工程をすべて削除しています"))
    if not problems:
        for rid, where in ch.remove:
            if rid in m.rows:
                remove_step(m, rid, where, problems)


def apply_scenario(flow: Flow, scenario: Scenario) -> Flow:
    """The flow with the scenario's changes merged over it, validated like a model file."""
    ch = scenario.changes
    problems: list[Problem] = []
    d = flow_to_dict(flow)
    rows = _base_rows(d["steps"], "step", "id", flow)
    owners = _base_rows(d["owners"], "owner", "name", flow)
    tools = _base_rows(d["tools"], "tool", "name", flow)
    lane_kinds: dict[str, str] = {lane.name: lane.kind for lane in flow.lanes}
    step_changes, scenario_next = _step_changes(ch, rows, problems)
    _merge_into(rows, step_changes, "id")
    _merge_into(owners, ch.owners, "name")
    _merge_into(tools, ch.tools, "name")
    for row in ch.lanes:
        lane_kinds[row.text("name")] = row.text("kind") or lane_kinds.get(row.text("name"), "operator")
    forks: set[str] = set()
    names = step_names((sid, row.text("name")) for sid, row in rows.items())
    m = Merged(rows=rows, edges={sid: resolve_edges(rows, sid, forks, names) for sid in rows},
               scenario_next=scenario_next, forks=forks)
    if ch.remove:
        _remove_steps(m, ch, problems)
    if problems:
        raise InputError(problems)
    _check_reachable(m, flow, ch, problems)
    joined = f"{flow.name} + {scenario.name}"
    cleared = {_setting(k) for k, v, _, _ in ch.settings if as_text(v).strip() == ""}  # back to the default
    settings: list[tuple[str, Any, str, str]] = [(k, v, flow.source, flow.source) for k, v in d["settings"].items()
                                                 if _setting(k) not in cleared]
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
