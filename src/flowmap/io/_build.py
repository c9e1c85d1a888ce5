"""Turn rows read from a workbook or a model file into a validated Flow.

Readers hand over :class:`Row` objects (field → raw value and location).
This module parses every value (:mod:`flowmap.cells`), resolves names across
sheets and reports what cannot be read; every rule about the flow as a whole
(duplicated ids and names, unknown owners and steps, probabilities, ranges,
reachability) belongs to :func:`flowmap.model.check_flow`, which runs last.
All problems of a file are raised together in one :class:`InputError`.

The steps are built in this order, one function each:
tools → owners → steps (mode, duration, owners named only in steps) →
edges (the ``next`` cells) → tools and owners named only in steps → lanes →
locations → check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from .._lang import looks_japanese
from ..cells import (
    ParseError,
    as_text,
    name_key,
    norm_key,
    parse_bool,
    parse_days,
    parse_duration,
    parse_emotion,
    parse_hours,
    parse_number,
    parse_schedule,
    split_list,
)
from ..errors import InputError, Problem
from ..model import Duration, Flow, Lane, Owner, Step, Tool, check_flow
from ._edges import read_edges
from ._parallel import parse_join
from ._rows import Ctx, Row
from ._schema import (
    CATEGORY_WORDS,
    CUSTOMER_WORDS,
    KIND_WORDS,
    MODE_WORDS,
    NO_OWNER_WORDS,
    SYSTEM_WORDS,
    guess_category,
)
from ._settings import SettingRow, read_settings

__all__ = ["Row", "build_flow", "is_japanese"]



# ------------------------------------------------------------------- tools


def _read_tools(rows: list[Row], ctx: Ctx) -> list[Tool]:
    tools: list[Tool] = []
    for row in rows:
        name = row.text("name")
        cat_raw = row.text("category")
        category = CATEGORY_WORDS.get(norm_key(cat_raw)) if cat_raw else guess_category(name)
        if category is None:
            ctx.add(row.loc("category"),
                    f"tool category {cat_raw[:80]!r} is not one of communication, record, commerce, logistics, payment, other",
                    f"ツール分類「{cat_raw[:80]}」は 連絡・記録・受注・物流・決済・その他 のいずれかにしてください")
            category = "other"
        elif not cat_raw and name:
            ctx.guessed[name] = row.loc("category")
        delay = ctx.parse(row, "delay", parse_duration) if row.has("delay") else None
        tools.append(Tool(name=name, category=category, delay=delay))
        ctx.record("tool", name, row)
    ctx.tool_names = {t.name for t in tools}
    ctx.tool_norm = {name_key(t) for t in ctx.tool_names}
    return tools


# ------------------------------------------------------------------ owners


def _owner_kind(row: Row, name: str, headcount: int | None, ctx: Ctx) -> Literal["person", "team", "system"]:
    kind_raw = row.text("kind")
    kind = KIND_WORDS.get(norm_key(kind_raw)) if kind_raw else None
    if kind_raw and kind is None:
        ctx.add(row.loc("kind"), f"owner kind {kind_raw[:80]!r} is not person, team or system",
                f"種別「{kind_raw[:80]}」は 人・チーム・システム のいずれかにしてください")
    if kind is not None:
        return kind
    if name_key(name) in SYSTEM_WORDS or name in ctx.tool_names:
        return "system"
    return "team" if (headcount or 1) > 1 else "person"


def _read_owners(rows: list[Row], ctx: Ctx) -> list[Owner]:
    owners: list[Owner] = []
    for row in rows:
        name = row.text("name")
        headcount = None
        if row.has("headcount"):
            hc = ctx.parse(row, "headcount", parse_number, what_en="headcount", what_ja="人数", integer=True)
            headcount = int(hc) if hc is not None else None
        cost = ctx.parse(row, "cost", parse_number, what_en="cost", what_ja="時給") if row.has("cost") else None
        owners.append(Owner(
            name=name, lane=row.text("lane"), kind=_owner_kind(row, name, headcount, ctx), headcount=headcount,
            hours=ctx.parse(row, "hours", parse_hours) if row.has("hours") else None,
            days=ctx.parse(row, "days", parse_days) if row.has("days") else None,
            cost=cost or 0.0,
        ))
        ctx.record("owner", name, row)
    for o in owners:
        ctx.owners.setdefault(o.name, o)
    return owners


# ------------------------------------------------------------------- steps


def _is_system(name: str, ctx: Ctx) -> bool:
    o = ctx.owners.get(name)
    return (name_key(name) in SYSTEM_WORDS or name in ctx.tool_names or name_key(name) in ctx.tool_norm
            or (o is not None and o.is_system))


def _mark(row: Row, key: str) -> bool | None:
    """A yes/no mark in the cell (○ ✓ yes TRUE / × - no FALSE), or None when it holds something else."""
    if not row.has(key):
        return None
    try:
        return parse_bool(row.values.get(key))
    except ParseError:
        return None


def _step_mode(row: Row, owners: list[str], customer: bool, ctx: Ctx) -> tuple[Any, Any]:
    """(mode, batch schedule) from the mode, batch and automated columns and the owners."""
    system_owner = bool(owners) and all(_is_system(o, ctx) for o in owners)
    batch_mark = _mark(row, "batch")  # a ○ in the batch column instead of a schedule
    auto_mark = _mark(row, "automated")
    if auto_mark is None and row.has("automated"):
        shown = row.text("automated")[:80]
        ctx.add(row.loc("automated"), f"{shown!r} is not a yes/no mark (○, ✓, yes / ×, -, no)",
                f"「{shown}」は有無の記号ではありません（○・✓・はい / ×・-・いいえ）")
    batch = ctx.parse(row, "batch", parse_schedule) if (row.has("batch") and batch_mark is None) else None
    mode_raw = row.text("mode")
    if mode_raw:
        mode = MODE_WORDS.get(norm_key(mode_raw))
        if mode is None:
            ctx.add(row.loc("mode"), f"mode {mode_raw[:80]!r} is not manual, auto or batch (手動, 自動, バッチ)",
                    f"方式「{mode_raw[:80]}」は 手動・自動・バッチ のいずれかにしてください")
            mode = "manual"
    elif batch_mark or batch is not None:
        mode = "batch"
    elif (auto_mark or system_owner) and not (customer and not system_owner and not auto_mark):
        mode = "auto"
    else:
        mode = "manual"
    return mode, batch


def _step_duration(row: Row, sid: str, ctx: Ctx) -> Duration:
    if row.has("duration"):
        return ctx.parse(row, "duration", parse_duration) or Duration()
    if row.blank("duration"):
        ctx.missing(row.loc("duration"), f"step {sid}: the duration is blank", f"工程 {sid}: 所要時間が空欄です",
                    "0 minutes", "0 分")
    return Duration()


def _step_owners(row: Row, sid: str, lane: str, customer: bool, mode: str, ctx: Ctx) -> list[str]:
    """The step's owners; those named only here are created (or left to check_flow when an Owners sheet exists)."""
    names = split_list(row.values.get("owner"))
    if len(names) == 1 and norm_key(names[0]) in NO_OWNER_WORDS:
        return []  # written on purpose: nobody in particular does this step
    if not names and not customer and mode == "manual" and "owner" in row.values:
        ctx.missing(row.loc("owner"), f"step {sid} is manual work in lane {lane!r} but has no owner",
                    f"工程 {sid} は「{lane}」の手作業ですが担当者が空欄です",
                    f"the lane's team {lane!r} does it", f"レーンのチーム「{lane}」が担当する")
        if ctx.allow_missing:
            names = [lane]
            ctx.owners.setdefault(lane, Owner(name=lane, lane=lane, kind="team"))
    for o in names:
        if o in ctx.owners:
            continue
        if name_key(o) in SYSTEM_WORDS or o in ctx.tool_names or o in ctx.step_tools:
            ctx.owners[o] = Owner(name=o, lane=lane, kind="system")
        elif customer or not ctx.have_owner_sheet:
            ctx.owners[o] = Owner(name=o, lane=lane, kind="person")
        # else: check_flow reports the unknown owner with a suggestion
    return names


def _step_lane(row: Row, lanes: dict[str, Lane], default_lane: str, ctx: Ctx) -> str:
    lane = row.text("lane")
    if not lane:
        owners = split_list(row.values.get("owner"))
        first = ctx.owners.get(owners[0]) if owners else None
        lane = first.lane if first and first.lane else default_lane
    if lane not in lanes:
        lanes[lane] = Lane(name=lane, kind="customer" if norm_key(lane) in CUSTOMER_WORDS else "operator")
    return lane


def _read_step(row: Row, sid: str, lanes: dict[str, Lane], default_lane: str, ctx: Ctx) -> Step:
    lane = _step_lane(row, lanes, default_lane, ctx)
    customer = lanes[lane].kind == "customer"
    tools = split_list(row.values.get("tools"))
    ctx.step_tools.extend(t for t in tools if t not in ctx.tool_names and t not in ctx.step_tools)
    mode, batch = _step_mode(row, split_list(row.values.get("owner")), customer, ctx)
    volume = ctx.parse(row, "volume", parse_number, what_en="volume", what_ja="件数") if row.has("volume") else None
    join: Literal["any", "all"] = (ctx.parse(row, "join", parse_join) or "any") if row.has("join") else "any"
    return Step(join=join,
        id=sid, name=row.text("name"), lane=lane, owners=_step_owners(row, sid, lane, customer, mode, ctx),
        tools=tools, mode=mode, duration=_step_duration(row, sid, ctx), batch=batch,
        reads=split_list(row.values.get("reads")), writes=split_list(row.values.get("writes")),
        stage=row.text("stage"), touchpoint=row.text("touchpoint"), emotion=ctx.parse(row, "emotion", parse_emotion),
        pain=as_text(row.values.get("pain")), volume=volume, note=as_text(row.values.get("note")),
        extra={k: as_text(v) for k, v in row.extra.items() if as_text(v) != ""},
    )


def _read_steps(rows: list[Row], lanes: dict[str, Lane], japanese: bool, ctx: Ctx) -> list[Step]:
    default_lane = "業務" if japanese else "Operations"
    steps = []
    for idx, row in enumerate(rows, start=1):
        sid = row.text("id") or f"S{idx}"
        steps.append(_read_step(row, sid, lanes, default_lane, ctx))
        ctx.record("step", sid, row)
    return steps


# ------------------------------------------------- owners, tools and lanes


def _all_tools(tools: list[Tool], ctx: Ctx, steps: list[Step]) -> list[Tool]:
    """The sheet's tools, then those named only in steps with a category guessed from the name."""
    first_use: dict[str, str] = {}
    for s in steps:
        for t in s.tools:
            first_use.setdefault(t, ctx.locs.get(("step", s.id, "tools"), ""))
    for t in ctx.step_tools:
        ctx.guessed[t] = first_use.get(t, "")
    return tools + [Tool(name=t, category=guess_category(t)) for t in ctx.step_tools]


def _all_owners(owners: list[Owner], ctx: Ctx, steps: list[Step]) -> list[Owner]:
    """Sheet owners first, then those named only in steps; an owner's lane defaults to its first step's."""
    listed = {o.name for o in owners}
    extra = [o for n, o in ctx.owners.items() if n not in listed]
    first_lane: dict[str, str] = {}
    for s in steps:
        for o in s.owners:
            first_lane.setdefault(o, s.lane)
    return [o if o.lane else o.model_copy(update={"lane": first_lane.get(o.name, "")}) for o in owners + extra]


def _add_owner_lanes(lanes: dict[str, Lane], owners: list[Owner]) -> None:
    for o in owners:
        if o.lane and o.lane not in lanes:
            lanes[o.lane] = Lane(name=o.lane, kind="customer" if norm_key(o.lane) in CUSTOMER_WORDS else "operator")


def _guess_notes(tools: list[Tool], ctx: Ctx, source: str) -> list[Problem]:
    by_name = {t.name: t for t in tools}
    return [Problem(where or source, f"tool {name!r}: category guessed from its name: {by_name[name].category}",
                    f"ツール「{name}」: 分類を名前から推定しました: {by_name[name].category}")
            for name, where in ctx.guessed.items() if name in by_name]


# ------------------------------------------------------------------- build


def build_flow(
    *,
    source: str,
    name: str,
    steps: list[Row],
    owners: list[Row] | None,
    tools: list[Row] | None,
    settings: list[SettingRow],
    has_next: bool,
    japanese: bool,
    problems: list[Problem] | None = None,
    notes: list[Problem] | None = None,
    lanes_given: list[Lane] | None = None,
    allow_missing: bool = False,
) -> Flow:
    """A checked Flow from the rows of a reader, or InputError with every problem.

    ``notes`` are things the user should know that are not errors (hidden sheets, guessed
    categories); they and the warnings of ``allow_missing`` end up in ``flow.notes``.
    """
    ctx = Ctx(allow_missing=allow_missing, problems=list(problems or []), have_owner_sheet=owners is not None)
    settings_obj, meta, setting_locs, setting_problems = read_settings(settings)
    ctx.problems += setting_problems
    tool_list = _read_tools(tools or [], ctx)
    owner_list = _read_owners(owners or [], ctx)
    lanes: dict[str, Lane] = {lane.name: lane for lane in lanes_given or []}
    step_list = _read_steps(steps, lanes, japanese, ctx)
    edges = read_edges(step_list, steps, has_next, ctx)
    all_tools = _all_tools(tool_list, ctx, step_list)
    all_owners = _all_owners(owner_list, ctx, step_list)
    _add_owner_lanes(lanes, all_owners)
    language: Literal["ja", "en"] = "ja" if (meta.get("language") or ("ja" if japanese else "en")) == "ja" else "en"
    flow = Flow(name=meta.get("name") or name, language=language, settings=settings_obj, lanes=list(lanes.values()),
                owners=all_owners, tools=all_tools, steps=step_list, edges=edges)
    flow.set_source(source)
    ctx.locs.update({("setting", k, ""): v for k, v in setting_locs.items()})
    flow.take_locs(ctx.locs)  # not copied: a million entries at 100,000 steps
    found = ctx.problems + [p for p in check_flow(flow) if p not in ctx.problems]
    if found:
        raise InputError(_unique(found))
    for note in [*(notes or []), *ctx.warnings, *_guess_notes(all_tools, ctx, source)]:
        flow.add_note(note)
    return flow


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.location, p.en) not in seen:
            seen.add((p.location, p.en))
            out.append(p)
    return out


def is_japanese(texts: Iterable[str]) -> bool:
    return looks_japanese(texts)  # language detection lives in flowmap._lang
