"""Reading a scenario file: its name, base and changes, every record with its ``FILE:LINE``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cells import MAX_CELL_CHARS, as_text
from ..errors import InputError, Problem
from ..io._build import Row
from ..io._yaml import LineList
from ..io.modelfile import OWNER_KEYS, STEP_KEYS, TOOL_KEYS, _line, _read_mapping, _rows

__all__ = ["Changes", "Scenario", "load_scenario", "scenario_base"]

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


_EMPTY = {"steps": "[]", "owners": "[]", "tools": "[]", "lanes": "[]", "settings": "{}", "remove": "[]"}


def _no_value(name: str, data: dict[Any, Any], keys: tuple[str, ...], problems: list[Problem]) -> None:
    """A key written without a value (``changes:`` or ``steps: null``) is refused at its line: at these levels
    null would read as 'change nothing' or as 'clear everything'; it clears a field only inside a record."""
    for k in data:  # in the file's order
        if k not in keys or data[k] is not None:
            continue
        where = _where(name, data, k)
        if k == "changes":
            problems.append(Problem(where, "'changes' has no value: list the changes under it (indented), or write "
                                    "'changes: {}' for a scenario that changes nothing",
                                    "「changes」に値がありません。変更をその下に字下げして書くか、"
                                    "何も変えないシナリオなら「changes: {}」と書いてください"))
        elif k in _EMPTY:
            problems.append(Problem(where, f"'{k}' in changes has no value: list the changes under it, write "
                                    f"'{k}: {_EMPTY[k]}' for none, or drop the key (null clears a field only inside a "
                                    "step, owner, tool or lane record and under settings)",
                                    f"changes の「{k}」に値がありません。変更をその下に書くか、なければ「{k}: {_EMPTY[k]}」"
                                    "と書くかキーを削除してください（null で値を消せるのは工程・担当者・ツール・レーンの各項目と"
                                    " settings の中だけです）"))
        else:
            problems.append(Problem(where, f"'{k}' has no value: give it one, or drop the key",
                                    f"「{k}」に値がありません。値を書くか、キーを削除してください"))


def _read_base(name: str, p: Path, data: dict[Any, Any], problems: list[Problem]) -> tuple[Path | None, str]:
    """The base flow's path (relative to the scenario's folder) and where it was named."""
    if data.get("base") is None:
        return None, ""
    base_where = _where(name, data, "base")
    raw = as_text(data["base"]).strip()
    if not raw or isinstance(data["base"], (dict, list)):
        problems.append(Problem(base_where, "'base' must be the path of a flow file", "「base」はフローのファイルパスにしてください"))
        return None, base_where
    return ((p.parent / raw) if not Path(raw).is_absolute() else Path(raw)), base_where


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
    _no_value(name, data, TOP_KEYS, problems)
    title = as_text(data.get("name")).strip() or p.stem
    if len(title) > MAX_CELL_CHARS:
        problems.append(Problem(_where(name, data, "name"), f"the name is {len(title):,} characters, above the limit of "
                                f"{MAX_CELL_CHARS}", f"name が {len(title):,} 文字あり、上限 {MAX_CELL_CHARS} 文字を超えています"))
    base, base_where = _read_base(name, p, data, problems)
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


def _extra_null_as_empty(items: Any) -> Any:
    """``extra: null`` in a step record clears the step's extra columns, like ``extra: {}``."""
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and "extra" in item and item["extra"] is None:
            item["extra"] = {}
    return items


def _mark_extra(items: Any, rows: list[Row], name: str) -> None:
    """Record where a step record gives ``extra`` (even empty), so that it replaces the base's as a whole."""
    records = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    for item, row in zip(records, rows, strict=False):
        if "extra" in item:
            row.locs["extra"] = _where(name, item, "extra")


def _read_records(raw: dict[Any, Any], name: str, ch: Changes, problems: list[Problem]) -> None:
    """The step, owner, tool and lane records: each names its id (or name) once."""
    ch.steps = _rows(_extra_null_as_empty(raw.get("steps")), STEP_KEYS, name, "steps", problems, {"owners": "owner"})
    _mark_extra(raw.get("steps"), ch.steps, name)
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


def _read_remove(raw: dict[Any, Any], name: str, ch: Changes, problems: list[Problem]) -> None:
    remove = raw.get("remove")
    if remove is None:
        return
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


def _read_changes(raw: dict[Any, Any], name: str, ch: Changes, problems: list[Problem]) -> None:
    for k in raw:
        if k not in CHANGE_KEYS:
            problems.append(Problem(_where(name, raw, k), f"unknown key {k!r} in changes; known keys: {', '.join(CHANGE_KEYS)}",
                                    f"changes の「{k}」は不明なキーです。使えるキー: {', '.join(CHANGE_KEYS)}"))
    _no_value(name, raw, CHANGE_KEYS, problems)
    _read_records(raw, name, ch, problems)
    settings_in = raw.get("settings")
    if settings_in is not None:
        if not isinstance(settings_in, dict):
            problems.append(Problem(_where(name, raw, "settings"), "'settings' must be a mapping of key: value",
                                    "「settings」は「キー: 値」のマッピングにしてください"))
        else:
            for k, v in settings_in.items():
                where = _where(name, settings_in, k)
                ch.settings.append((str(k), v, where, where))
    _read_remove(raw, name, ch, problems)


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
