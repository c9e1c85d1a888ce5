"""Turn rows read from a workbook or a model file into a validated Flow.

Readers hand over :class:`Row` objects (field → raw value and location);
this module parses every value, resolves names across sheets, collects *all*
problems with their locations and raises one :class:`InputError`.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .._text import (
    ParseError,
    as_text,
    norm_key,
    parse_bool,
    parse_date,
    parse_days,
    parse_duration,
    parse_emotion,
    parse_hours,
    parse_next,
    parse_number,
    parse_schedule,
    split_list,
)
from ..errors import InputError, Problem
from ..model import END, Duration, Edge, Flow, Lane, Owner, Settings, Step, Tool, check_flow
from ._parallel import parse_fork, parse_join
from ._schema import (
    CATEGORY_WORDS,
    CUSTOMER_WORDS,
    END_WORDS,
    KIND_WORDS,
    MODE_WORDS,
    SETTINGS_KEYS,
    SETTINGS_LOOKUP,
    SYSTEM_WORDS,
    guess_category,
)

__all__ = ["Row", "build_flow"]

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@dataclass
class Row:
    """One row of a sheet (or one mapping of a model file)."""

    where: str  # location of the row itself
    values: dict[str, Any] = field(default_factory=dict)
    locs: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def loc(self, key: str) -> str:
        return self.locs.get(key, self.where)

    def text(self, key: str) -> str:
        return _clean(self.values.get(key))

    def has(self, key: str) -> bool:
        return _clean(self.values.get(key)) != "" or (
            self.values.get(key) is not None and not isinstance(self.values.get(key), str)
        )


def _clean(value: Any) -> str:
    return unicodedata.normalize("NFKC", as_text(value)).strip() if value is not None else ""


@dataclass
class _Ctx:
    problems: list[Problem] = field(default_factory=list)

    def parse(self, row: Row, key: str, fn: Any, *args: Any, **kw: Any) -> Any:
        try:
            return fn(row.values.get(key), *args, **kw)
        except ParseError as e:
            self.problems.append(Problem(row.loc(key), e.en, e.ja))
            return None

    def add(self, where: str, en: str, ja: str) -> None:
        self.problems.append(Problem(where, en, ja))

    def new_name(self, row: Row, seen: dict[str, str], what_en: str, what_ja: str) -> str | None:
        """The row's name if it is present and not seen before (recording where), else None."""
        name = row.text("name")
        if not name:
            self.add(row.loc("name"), f"{what_en} name is empty", f"{what_ja}名が空です")
            return None
        if name in seen:
            self.add(row.loc("name"), f"{what_en} {name!r} is listed twice (first at {seen[name]})",
                     f"{what_ja}「{name}」が重複しています（最初は {seen[name]}）")
            return None
        seen[name] = row.loc("name")
        return name


def _settings(rows: Iterable[tuple[str, Any, str, str]], ctx: _Ctx) -> tuple[Settings, dict[str, Any]]:
    """rows: (key, value, key location, value location)."""
    data: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    known = ", ".join(SETTINGS_KEYS)
    for key, value, key_loc, value_loc in rows:
        name = SETTINGS_LOOKUP.get(norm_key(key))
        if name is None:
            ctx.add(key_loc, f"unknown setting {key!r}; known keys: {known}",
                    f"設定「{key}」は不明です。使える項目: {known}")
            continue
        row = Row(value_loc, {"v": value})
        if as_text(value) == "":
            continue
        if name in ("name", "language"):
            v = _clean(value)
            if name == "language" and v.lower() not in ("ja", "en"):
                ctx.add(value_loc, f"language {v!r} must be ja or en", f"言語「{v}」は ja か en にしてください")
                continue
            meta[name] = v.lower() if name == "language" else v
        elif name in ("orders_per_day", "overload", "underload", "automation_minutes"):
            data[name] = ctx.parse(row, "v", parse_number, what_en=name, what_ja=key, minimum=0)
        elif name in ("days", "replications", "scatter_tools"):
            data[name] = ctx.parse(row, "v", parse_number, what_en=name, what_ja=key, integer=True, minimum=1)
        elif name == "seed":
            data[name] = ctx.parse(row, "v", parse_number, what_en=name, what_ja=key, integer=True, minimum=0)
        elif name == "start":
            data[name] = ctx.parse(row, "v", parse_date)
        elif name == "closed":
            dates = []
            for part in (value if isinstance(value, list) else split_list(value) if isinstance(value, str) else [value]):
                d = ctx.parse(Row(value_loc, {"v": part}), "v", parse_date)
                if d is not None:
                    dates.append(d)
            data[name] = dates
        elif name == "hourly_profile":
            parts = value if isinstance(value, list) else split_list(value)
            try:
                weights = [float(x) for x in parts]
                if len(weights) != 24 or any(w < 0 for w in weights) or not any(weights):
                    raise ValueError
            except (TypeError, ValueError):
                ctx.add(value_loc, "hourly_profile must be 24 non-negative weights (hour 0 first), not all zero",
                        "時間帯別比率は 0 時から順に 24 個の 0 以上の数にしてください（すべて 0 は不可）")
                continue
            data[name] = weights
        elif name == "milestones":
            from ..milestones import MilestoneError, parse_milestones

            try:
                data[name] = parse_milestones(value)
                meta["milestones_loc"] = value_loc
            except MilestoneError as e:
                ctx.add(value_loc, e.en, e.ja)
        elif name == "holidays":
            v = _clean(value)
            if v.lower() not in ("none", "なし", "-"):
                try:
                    import holidays as hol

                    hol.country_holidays(v.upper())
                except (KeyError, NotImplementedError, AttributeError):
                    ctx.add(value_loc, f"holidays {v!r} is not a country code the holidays package knows (e.g. JP) or none",
                            f"祝日「{v}」は国コード（JP など）か none にしてください")
                    continue
                data[name] = v.upper()
            else:
                data[name] = "none"
        else:
            data[name] = _clean(value)
    clean = {k: (int(v) if k in ("days", "replications", "scatter_tools", "seed") and v is not None else v)
             for k, v in data.items() if v is not None}
    return Settings.model_validate(clean), meta


def build_flow(
    *,
    source: str,
    name: str,
    steps: list[Row],
    owners: list[Row] | None,
    tools: list[Row] | None,
    settings: list[tuple[str, Any, str, str]],
    has_next: bool,
    japanese: bool,
    problems: list[Problem] | None = None,
    lanes_given: list[Lane] | None = None,
) -> Flow:
    ctx = _Ctx(list(problems or []))
    settings_obj, meta = _settings(settings, ctx)

    # -- tools ---------------------------------------------------------------
    tool_list: list[Tool] = []
    tool_locs: dict[str, str] = {}
    for row in tools or []:
        tname = ctx.new_name(row, tool_locs, "tool", "ツール")
        if tname is None:
            continue
        cat_raw = row.text("category")
        category = CATEGORY_WORDS.get(norm_key(cat_raw)) if cat_raw else guess_category(tname)
        if category is None:
            ctx.add(row.loc("category"),
                    f"tool category {cat_raw!r} is not one of communication, record, commerce, logistics, payment, other",
                    f"ツール分類「{cat_raw}」は 連絡・記録・受注・物流・決済・その他 のいずれかにしてください")
            category = "other"
        delay: Duration | None = None
        if row.has("delay"):
            delay = ctx.parse(row, "delay", parse_duration)
        tool_list.append(Tool(name=tname, category=category, delay=delay))  # type: ignore[arg-type]
    tool_names = {t.name for t in tool_list}
    tool_norm = {norm_key(t): t for t in tool_names}

    # -- owners ----------------------------------------------------------------
    owner_list: list[Owner] = []
    owner_locs: dict[str, str] = {}
    owner_fields: dict[str, dict[str, str]] = {}
    for row in owners or []:
        oname = ctx.new_name(row, owner_locs, "owner", "担当者")
        if oname is None:
            continue
        owner_fields[oname] = dict(row.locs)
        headcount = None
        if row.has("headcount"):
            hc = ctx.parse(row, "headcount", parse_number, what_en="headcount", what_ja="人数", integer=True, minimum=1)
            headcount = int(hc) if hc is not None else None
        kind_raw = row.text("kind")
        kind = KIND_WORDS.get(norm_key(kind_raw)) if kind_raw else None
        if kind_raw and kind is None:
            ctx.add(row.loc("kind"), f"owner kind {kind_raw!r} is not person, team or system",
                    f"種別「{kind_raw}」は 人・チーム・システム のいずれかにしてください")
        if kind is None:
            if norm_key(oname) in SYSTEM_WORDS or oname in tool_names:
                kind = "system"
            else:
                kind = "team" if (headcount or 1) > 1 else "person"
        hours = ctx.parse(row, "hours", parse_hours) if row.has("hours") else None
        days = ctx.parse(row, "days", parse_days) if row.has("days") else None
        cost = 0.0
        if row.has("cost"):
            cost = ctx.parse(row, "cost", parse_number, what_en="cost", what_ja="時給", minimum=0) or 0.0
        owner_list.append(Owner(name=oname, lane=row.text("lane"), kind=kind, headcount=headcount,  # type: ignore[arg-type]
                                hours=hours, days=days, cost=cost))
    have_owner_sheet = owners is not None
    owner_by_name = {o.name: o for o in owner_list}

    # -- steps -----------------------------------------------------------------
    step_list: list[Step] = []
    step_locs: dict[str, Row] = {}
    raw_next: dict[str, tuple[Row, list[tuple[str, float | None]]]] = {}
    lanes: dict[str, Lane] = {lane.name: lane for lane in lanes_given or []}
    default_lane = "業務" if japanese else "Operations"
    auto_tools: list[str] = []
    forks: dict[str, list[str]] = {}  # step id -> branch targets of an AND split ('S5 & S6')
    for idx, row in enumerate(steps, start=1):
        sid = row.text("id") or f"S{idx}"
        if sid in step_locs:
            ctx.add(row.loc("id"), f"step id {sid!r} is used twice (first at {step_locs[sid].loc('id')})",
                    f"工程ID「{sid}」が重複しています（最初は {step_locs[sid].loc('id')}）")
            continue
        if norm_key(sid) in END_WORDS:
            ctx.add(row.loc("id"), f"step id {sid!r} is reserved for ending a case", f"工程ID「{sid}」は終了を表す予約語です")
        step_locs[sid] = row
        sname = row.text("name")
        if not sname:
            ctx.add(row.loc("name"), "step name is empty (the name column is required)", "工程名が空です（工程名は必須です）")
        owner_names = split_list(row.values.get("owner"))
        lane = row.text("lane")
        if not lane:
            first = owner_by_name.get(owner_names[0]) if owner_names else None
            lane = first.lane if first and first.lane else default_lane
        if lane not in lanes:
            lanes[lane] = Lane(name=lane, kind="customer" if norm_key(lane) in CUSTOMER_WORDS else "operator")
        is_customer = lanes[lane].kind == "customer"
        step_tools = split_list(row.values.get("tools"))
        for t in step_tools:
            if t not in tool_names and t not in auto_tools:
                auto_tools.append(t)
        system_owner = bool(owner_names) and all(
            norm_key(o) in SYSTEM_WORDS or o in tool_names or norm_key(o) in tool_norm
            or (o in owner_by_name and owner_by_name[o].is_system) for o in owner_names)
        mode_raw = row.text("mode")
        batch_mark = _mark(row, "batch")  # a ○ in the batch column instead of a schedule
        auto_mark = _mark(row, "automated") if row.has("automated") else None
        if auto_mark is None and row.has("automated"):
            ctx.add(row.loc("automated"), f"{row.text('automated')!r} is not a yes/no mark (○, ✓, yes / ×, -, no)",
                    f"「{row.text('automated')}」は有無の記号ではありません（○・✓・はい / ×・-・いいえ）")
        batch = ctx.parse(row, "batch", parse_schedule) if (row.has("batch") and batch_mark is None) else None
        if mode_raw:
            mode = MODE_WORDS.get(norm_key(mode_raw))
        elif batch_mark or batch is not None:
            mode = "batch"
        elif auto_mark or system_owner:
            mode = "auto"
        else:
            mode = "manual"
        if mode is None:
            ctx.add(row.loc("mode"), f"mode {mode_raw!r} is not manual, auto or batch (手動, 自動, バッチ)",
                    f"方式「{mode_raw}」は 手動・自動・バッチ のいずれかにしてください")
            mode = "manual"
        if is_customer and mode_raw == "" and not (system_owner or batch_mark or auto_mark):
            mode = "manual"
        duration = ctx.parse(row, "duration", parse_duration) if row.has("duration") else Duration()
        emotion = ctx.parse(row, "emotion", parse_emotion)
        volume = None
        if row.has("volume"):
            volume = ctx.parse(row, "volume", parse_number, what_en="volume", what_ja="件数", minimum=0)
        # owners: create the missing ones, or report them
        for o in owner_names:
            if o in owner_by_name:
                continue
            if norm_key(o) in SYSTEM_WORDS or o in tool_names or o in auto_tools:
                owner_by_name[o] = Owner(name=o, lane=lane, kind="system")
            elif is_customer or not have_owner_sheet:
                owner_by_name[o] = Owner(name=o, lane=lane, kind="person")
            # else: check_flow reports it with a suggestion
        extra = {k: as_text(v) for k, v in row.extra.items() if as_text(v) != ""}
        step = Step(
            id=sid, name=sname, lane=lane, owners=owner_names, tools=step_tools, mode=mode,  # type: ignore[arg-type]
            duration=duration or Duration(), batch=batch,
            reads=split_list(row.values.get("reads")), writes=split_list(row.values.get("writes")),
            stage=row.text("stage"), touchpoint=row.text("touchpoint"), emotion=emotion,
            pain=as_text(row.values.get("pain")), volume=volume, note=as_text(row.values.get("note")), extra=extra,
        )
        step_list.append(step)
        if row.has("join"):
            step.join = ctx.parse(row, "join", parse_join) or "any"
        if has_next:
            fork_targets = ctx.parse(row, "next", parse_fork) if "next" in row.values else None
            if fork_targets:
                forks[sid] = fork_targets
            parsed = ctx.parse(row, "next", parse_next) if not fork_targets else []
            raw_next[sid] = (row, parsed or [])

    # -- edges -----------------------------------------------------------------
    ids = {s.id for s in step_list}
    by_name: dict[str, list[str]] = {}
    for s in step_list:
        by_name.setdefault(norm_key(s.name), []).append(s.id)
    edges: list[Edge] = []
    step_by_id = {s.id: s for s in step_list}
    if has_next:
        for sid, (row, targets) in raw_next.items():
            if sid in forks:
                whole = row.text("next")
                if whole in ids or len(by_name.get(norm_key(whole), [])) == 1:
                    targets = [(whole, None)]  # a step whose name holds '&'
                else:
                    targets = [(t, 1.0) for t in forks[sid]]
                    step_by_id[sid].fork = True
            resolved: list[tuple[str, float | None]] = []
            for target, p in targets:
                if target in ids:
                    tid = target
                elif norm_key(target) in END_WORDS:
                    tid = END
                elif len(by_name.get(norm_key(target), [])) == 1:
                    tid = by_name[norm_key(target)][0]
                elif len(by_name.get(norm_key(target), [])) > 1:
                    ctx.add(row.loc("next"), f"next step {target!r} is ambiguous: several steps have that name; use the id",
                            f"次工程「{target}」は同名の工程が複数あります。番号で指定してください")
                    continue
                else:
                    tid = target  # unknown: check_flow reports with a suggestion
                resolved.append((tid, p))
            given = sum(p for _, p in resolved if p is not None)
            free = [t for t, p in resolved if p is None]
            share = (1 - given) / len(free) if free else 0.0
            if free and share <= 0:
                ctx.add(row.loc("next"), f"probabilities already sum to {given:g}; nothing is left for {', '.join(free)}",
                        f"確率の合計がすでに {given:g} で、{', '.join(free)} に残りがありません")
                continue
            if resolved == [(END, None)] or resolved == [(END, 1.0)]:
                continue
            edges.extend(Edge(source=sid, target=t, probability=p if p is not None else share) for t, p in resolved)
    else:
        for a, b in itertools.pairwise(step_list):
            edges.append(Edge(source=a.id, target=b.id, probability=1.0))

    # tools named only in steps
    for t in auto_tools:
        tool_list.append(Tool(name=t, category=guess_category(t)))  # type: ignore[arg-type]

    # owners named only in steps, in order of first use; sheet owners first
    extra_owners = [o for n, o in owner_by_name.items() if n not in {x.name for x in owner_list}]
    # owner lanes default to the lane of their first step
    first_lane: dict[str, str] = {}
    for s in step_list:
        for o in s.owners:
            first_lane.setdefault(o, s.lane)
    all_owners = [ow if ow.lane else ow.model_copy(update={"lane": first_lane.get(ow.name, "")})
                  for ow in owner_list + extra_owners]
    for ow in all_owners:
        if ow.lane and ow.lane not in lanes:
            lanes[ow.lane] = Lane(name=ow.lane, kind="customer" if norm_key(ow.lane) in CUSTOMER_WORDS else "operator")

    language: Literal["ja", "en"] = "ja" if (meta.get("language") or ("ja" if japanese else "en")) == "ja" else "en"
    flow = Flow(
        name=meta.get("name") or name, language=language, settings=settings_obj,
        lanes=list(lanes.values()), owners=all_owners, tools=tool_list, steps=step_list, edges=edges,
    )
    flow.set_source(source)
    locs: dict[tuple[str, str, str], str] = {}
    for sid, row in step_locs.items():
        locs[("step", sid, "")] = row.where
        for key, where in row.locs.items():
            locs[("step", sid, key)] = where
    for oname, fields in owner_fields.items():
        locs[("owner", oname, "")] = owner_locs[oname]
        for key, where in fields.items():
            locs[("owner", oname, key)] = where
    for tname, where in tool_locs.items():
        locs[("tool", tname, "")] = where
    if "milestones_loc" in meta:
        locs[("setting", "milestones", "")] = meta["milestones_loc"]
    flow.add_locs(locs)

    problems_all = ctx.problems + [p for p in check_flow(flow) if p not in ctx.problems]
    if problems_all:
        raise InputError(_unique(problems_all))
    return flow


def _mark(row: Row, key: str) -> bool | None:
    """A yes/no mark in the cell (○ ✓ yes TRUE / × - no FALSE), or None when it holds something else."""
    value = row.values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_bool(value)
    except ParseError:
        return None


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.location, p.en) not in seen:
            seen.add((p.location, p.en))
            out.append(p)
    return out


def is_japanese(texts: Iterable[str]) -> bool:
    return any(_CJK.search(t) for t in texts if t)
