"""From the :class:`~.read.Graph` of a BPMN file to a validated :class:`Flow`: one row per step
(a task, or a gateway kept as a step), built by the same code as a workbook's rows
(:func:`~flowmap.io._build.build_flow`), with arrivals from start events and, for files flowmap
wrote, everything its ``fm:`` extension holds."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ...errors import InputError
from ...model import END, Flow, Lane
from .._build import Row, build_flow, is_japanese
from .._parallel import FORK_SEPARATOR
from ..bpmn_xml import El
from ._common import BPMN_NS, FM_NS, fm_child
from .read import ACTIVITIES_AUTO, Graph, inside_subprocess
from .walk import Targets, Walk

__all__ = ["to_flow"]

_LONG_ID = 24  # element ids longer than this (UUIDs) get a short step id
_ISO_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def to_flow(g: Graph, stem: str, fm_flow: El | None, allow_missing: bool) -> Flow:
    w = Walk(g)
    starts = [nid for nid, el in g.nodes.items() if el.tag == "startEvent" and not inside_subprocess(el)]
    next_of = w.next_of(starts)
    join_all = w.joins()
    volumes = _arrivals(w, starts)
    order = _order(w, starts, fm_flow is not None)
    rows = [_row(w, nid, next_of, join_all, volumes) for nid in order]
    _name_kept_gateways(w, order, rows, fm_flow)
    for r in rows:
        for key in list(r.values):
            r.locs[key] = r.where
    bare = [nid for nid in order if w.fm_steps.get(nid) is None and nid not in w.synthetic]
    if bare:  # BPMN has no place for them: say so once, or a simulation reports 0 minutes without a word
        g.note(g.nodes[bare[0]], f"{len(bare)} task(s) carry no duration or owner (BPMN has none without flowmap's extension): "
                                 "0 minutes and no owner assumed; convert to .xlsx or .yaml and fill them in before simulating",
               f"タスク {len(bare)} 件に所要時間・担当者がありません（flowmap の拡張がない BPMN には書く場所がありません）: "
               "0 分・担当者なしとして読みます。シミュレーションの前に .xlsx か .yaml に変換して記入してください")
    if fm_flow is not None:
        flow_name, settings, lanes_given, owners, tools = _flow_extension(fm_flow, g.name, stem)
    else:
        flow_name, settings, owners, tools = stem, [], None, None
        lanes_given = _lanes_from_diagram(g, rows)
    if g.problems:
        raise InputError(list(dict.fromkeys(g.problems)))
    japanese = is_japanese(str(r.values.get("name", "")) for r in rows[:50])
    flow = build_flow(source=g.name, name=flow_name, steps=rows, owners=owners, tools=tools, settings=settings,
                      has_next=True, japanese=japanese, lanes_given=lanes_given, allow_missing=allow_missing)
    for n in dict.fromkeys(g.notes):
        flow.add_note(n)
    return flow


def _iso_minutes(text: str) -> float | None:
    m = _ISO_DURATION.match(text.strip())
    if not m or not any(m.groups()):
        return None
    d, h, mi, s = (float(x) if x else 0.0 for x in m.groups())
    return d * 1440 + h * 60 + mi + s / 60


def _arrivals(w: Walk, starts: list[str]) -> dict[str, float]:
    """Cases a day starting at each entry step: flowmap's own volumes on start events, else timers;
    several start events without either share the day's orders equally."""
    g = w.g
    volumes: dict[str, float] = {}
    for el in g.nodes.values():
        if el.tag == "endEvent" and el.first(BPMN_NS, "terminateEventDefinition") is not None:
            g.note(el, "terminate end event read as the end of its branch (other branches run on)",
                   "終了イベント（強制終了）はその分岐の終了として読みます（他の分岐は続きます）")
    for nid in starts:
        el = g.nodes[nid]
        first = [tt for tt, _ in w.follow(nid, frozenset()) if tt != END]
        given = _arrivals_given(el, g)
        timer = el.first(BPMN_NS, "timerEventDefinition")
        if given is not None:
            volumes.update((tt, given) for tt in first)
        elif timer is not None:
            cycle = timer.first(BPMN_NS, "timeCycle")
            minutes = _iso_minutes(cycle.text.split("/")[-1]) if cycle is not None and cycle.text else None
            if minutes:
                volumes.update((tt, 1440.0 / minutes) for tt in first)
                g.note(el, f"timer start every {minutes:g} min read as {1440.0 / minutes:g} arrivals a day",
                       f"タイマー開始（{minutes:g} 分ごと）を 1 日 {1440.0 / minutes:g} 件の到着として読みます")
            else:
                g.note(el, "timer start without a readable cycle: arrivals from the settings",
                       "周期の読めないタイマー開始です。到着は設定の件数を使います")
    if len(starts) > 1 and not volumes:
        for nid in starts:
            for tt, _pp in w.follow(nid, frozenset()):
                if tt != END:
                    volumes.setdefault(tt, 0.0)
        for k in volumes:
            volumes[k] = 100.0 / len(volumes)
        g.note(g.nodes[starts[0]], f"{len(starts)} start events: the daily orders are split equally between them",
               f"開始イベントが {len(starts)} 個あるため、1 日の件数を均等に分けます")
    return volumes


def _arrivals_given(el: El, g: Graph) -> float | None:
    """The cases a day flowmap wrote on a start event (``fm:arrivals perDay``), if any."""
    found = fm_child(el, "arrivals")
    if found is None:
        return None
    raw = found.attrs.get("perDay", "0") or "0"
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        g.problem(el, f"fm:arrivals perDay {raw!r} is not a number of cases a day (0 or more)",
                  f"fm:arrivals perDay「{raw}」は 1 日の件数（0 以上の数）ではありません")
        return None
    return value


def _order(w: Walk, starts: list[str], own_file: bool) -> list[str]:
    """The steps in row order (entry steps first, unless flowmap wrote the file); long machine ids
    (UUIDs from Camunda, Signavio, PM4Py) get short step ids ``T1``, ``T2`` … (kept as ``bpmn_id``)."""
    order = [nid for nid in w.nodes if w.is_step(nid)]
    firsts = [tt for nid in starts for tt, _ in w.follow(nid, frozenset()) if tt != END]
    order = list(dict.fromkeys([*firsts, *order])) if not own_file else order
    taken = {w.sid_of.get(n, n) for n in order if w.fm_steps.get(n) is not None or len(n) <= _LONG_ID}
    number = 0
    for nid in order:
        if w.fm_steps.get(nid) is None and len(nid) > _LONG_ID:
            number += 1
            while f"T{number}" in taken:
                number += 1
            w.sid_of[nid] = f"T{number}"
            taken.add(w.sid_of[nid])
    return order


def _row(w: Walk, nid: str, next_of: dict[str, tuple[bool, Targets]], join_all: set[str],
         volumes: dict[str, float]) -> Row:
    el = w.nodes[nid]
    fm = w.fm_steps.get(nid)
    row = Row(f"{w.g.name}:{el.line}")
    sid = w.sid_of.get(nid, nid)
    row.values["id"] = sid
    row.values["name"] = " ".join((el.attrs.get("name") or "").split())
    if not row.values["name"] and nid not in w.synthetic:  # a gateway kept as a step is named by _name_kept_gateways
        row.values["name"] = el.attrs.get("id", "")
        w.g.note(el, "task without a name: its id is used as the name", "名前のないタスクです。ID を名前にします")
    row.values["lane"] = w.g.lane_of.get(nid, "")
    if fm is not None:
        _from_extension(row, el, fm)
    else:
        _from_diagram(row, el, nid in w.synthetic, sid != nid, volumes.get(nid))
    fork, targets = next_of.get(nid, (False, [(END, 1.0)]))
    row.values["next"] = _next_cell(fork, [(w.sid_of.get(t, t) if t != END else END, p) for t, p in targets])
    if nid in join_all or (fm is not None and fm.attrs.get("join") == "all"):
        row.values["join"] = "all"
    return row


_GATEWAY_WORDS = {"fork": ("fork", "並行分岐"), "join": ("join", "合流"), "fork/join": ("fork/join", "合流・並行分岐"),
                  "choice": ("choice", "分岐"), "event": ("event", "イベント")}


def _name_kept_gateways(w: Walk, order: list[str], rows: list[Row], fm_flow: El | None) -> None:
    """A gateway or event kept as a step without a name of its own is named for what it does and its
    step id, in the flow's language: ``fork T3``, ``並行分岐 g1``, ``合流 g2``, ``choice g4``."""
    if fm_flow is not None and fm_flow.attrs.get("language") in ("ja", "en"):
        ja = fm_flow.attrs["language"] == "ja"
    else:
        ja = is_japanese(str(r.values.get("name", "")) for r in rows[:50] if r.values.get("name"))
    for nid, row in zip(order, rows, strict=True):
        if row.values.get("name"):
            continue
        el = w.nodes[nid]
        if el.tag == "parallelGateway":
            many_in, many_out = len(w.inc(nid)) > 1, len(w.outs(nid)) > 1
            kind = "fork/join" if many_in and many_out else "join" if many_in else "fork"
        else:
            kind = "choice" if el.tag.endswith("Gateway") else "event"
        row.values["name"] = f"{_GATEWAY_WORDS[kind][1 if ja else 0]} {row.values['id']}"


def _next_cell(fork: bool, targets: Targets) -> Any:
    if fork:
        return FORK_SEPARATOR.join(t for t, _ in targets)
    merged: dict[str, float] = {}
    for t, prob in targets:
        merged[t] = merged.get(t, 0.0) + prob
    if list(merged) == [END]:
        return None
    return [t if abs(pp - 1) < 1e-12 else f"{t}:{pp!r}" for t, pp in merged.items()]


def _from_extension(row: Row, el: El, fm: El) -> None:
    """A step flowmap wrote: its ``fm:step`` extension; the diagram's lane and task type win."""
    a = fm.attrs
    row.values["lane"] = row.values["lane"] or a.get("lane", "")  # the diagram's lane wins (a task moved in a modeler)
    for key in ("mode", "duration", "batch", "stage", "touchpoint", "pain", "note"):
        if a.get(key):
            row.values[key] = a[key]
    # the task's type wins over the extension when someone changed it in a modeler
    if el.tag == "userTask" and a.get("mode") != "manual":
        row.values["mode"] = "manual"
    elif el.tag in ACTIVITIES_AUTO and a.get("mode") != "auto":
        row.values["mode"] = "auto"
    for key in ("emotion", "volume"):  # read as the workbook's cells are: a bad value is reported at the task's line
        if a.get(key):
            row.values[key] = a[key]
    for key, tag in (("owner", "owner"), ("tools", "tool"), ("reads", "reads"), ("writes", "writes")):
        items = [c.text for c in fm.find(FM_NS, tag)]
        if items:  # an empty list would read as a blank cell
            row.values[key] = items
    row.extra = {c.attrs.get("key", ""): c.attrs.get("value", "") for c in fm.find(FM_NS, "extra")}


def _from_diagram(row: Row, el: El, synthetic: bool, renamed: bool, volume: float | None) -> None:
    """A step from another modeler: the mode from the task type, the note from its documentation."""
    if synthetic:
        row.values["mode"] = "auto"
        row.values["duration"] = 0
    else:
        row.values["mode"] = "auto" if el.tag in ACTIVITIES_AUTO else "manual"
    if renamed:
        row.extra = {"bpmn_id": el.attrs.get("id", "")}
    doc = el.first(BPMN_NS, "documentation")
    if doc is not None and doc.text.strip():
        row.values["note"] = doc.text.strip()[:2000]
    if volume is not None:
        row.values["volume"] = volume


def _flow_extension(fm_flow: El, name: str, stem: str) -> tuple[str, list[tuple[str, Any, str, str]], list[Lane],
                                                                 list[Row], list[Row]]:
    """Name, settings, lanes, owners and tools of a file flowmap wrote (``fm:flow``)."""
    loc = f"{name}:{fm_flow.line}"
    flow_name = fm_flow.attrs.get("name", stem)
    settings: list[tuple[str, Any, str, str]] = [("name", flow_name, loc, loc)]
    if fm_flow.attrs.get("language"):
        settings.append(("language", fm_flow.attrs["language"], loc, loc))
    for c in fm_flow.find(FM_NS, "setting"):
        try:
            value: Any = json.loads(c.attrs.get("value", ""))
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes: the text itself
            value = c.attrs.get("value", "")
        settings.append((c.attrs.get("key", ""), value, f"{name}:{c.line}", f"{name}:{c.line}"))
    lanes = [Lane(name=c.attrs.get("name", ""), kind="customer" if c.attrs.get("kind") == "customer" else "operator")
             for c in fm_flow.find(FM_NS, "lane")]
    owners = [Row(f"{name}:{c.line}", {k: v for k, v in c.attrs.items() if not k.startswith("{")})
              for c in fm_flow.find(FM_NS, "owner")]
    tools = [Row(f"{name}:{c.line}", {k: v for k, v in c.attrs.items() if not k.startswith("{")})
             for c in fm_flow.find(FM_NS, "tool")]
    return flow_name, settings, lanes, owners, tools


def _lanes_from_diagram(g: Graph, rows: list[Row]) -> list[Lane]:
    from ...cells import norm_key
    from .._schema import CUSTOMER_WORDS

    return [Lane(name=ln, kind="customer" if norm_key(ln) in CUSTOMER_WORDS else "operator")
            for ln in g.lanes if any(r.values.get("lane") == ln for r in rows)]
