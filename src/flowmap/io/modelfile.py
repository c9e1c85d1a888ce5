"""Model files: a readable, diff-friendly YAML (or JSON) form of a flow.

Loading uses YAML's safe loader only; every problem names ``FILE:LINE``.
The format is documented in README.md ("Model files").
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from ..cells import as_text, decimal_text
from ..errors import InputError, Problem
from ..model import END, Edge, Flow, Lane, Owner, Step, Tool, days_text
from ._build import Row, build_flow, is_japanese
from ._parallel import FORK_SEPARATOR
from ._yaml import LineDict, LineList, load_document

__all__ = ["FORMAT_VERSION", "dump_json", "dump_yaml", "flow_to_dict", "read_model"]

FORMAT_VERSION = 1

STEP_KEYS = ("id", "name", "lane", "owner", "tools", "mode", "duration", "batch", "next", "join", "reads", "writes",
             "stage", "touchpoint", "emotion", "pain", "volume", "note", "extra")
OWNER_KEYS = ("name", "lane", "kind", "headcount", "hours", "days", "cost")
TOOL_KEYS = ("name", "category", "delay")
TOP_KEYS = ("flowmap", "name", "language", "settings", "lanes", "owners", "tools", "steps")


def _line(obj: Any, key: Any = None) -> int:
    if key is not None and isinstance(obj, LineDict):
        return obj.lines.get(key, obj.line)
    return getattr(obj, "line", 1) or 1


def _rows(items: Any, keys: tuple[str, ...], name: str, what: str, problems: list[Problem],
          aliases: dict[str, str] | None = None) -> list[Row]:
    rows: list[Row] = []
    if items is None:
        return rows
    if not isinstance(items, list):
        problems.append(Problem(f"{name}:{_line(items)}", f"'{what}' must be a list", f"「{what}」はリストにしてください"))
        return rows
    for i, item in enumerate(items):
        line = item.line if isinstance(item, LineDict) else (items.lines[i] if isinstance(items, LineList) else 1)
        where = f"{name}:{line}"
        if not isinstance(item, dict):
            problems.append(Problem(where, f"each entry of '{what}' must be a mapping", f"「{what}」の各要素はマッピングにしてください"))
            continue
        row = Row(where)
        for k, v in item.items():
            key = (aliases or {}).get(str(k), str(k))
            kloc = f"{name}:{_line(item, k)}"
            if key == "extra":
                if isinstance(v, dict):
                    row.extra.update({str(a): b for a, b in v.items()})
                else:
                    problems.append(Problem(kloc, "'extra' must be a mapping", "「extra」はマッピングにしてください"))
                continue
            if key not in keys:
                problems.append(Problem(kloc, f"unknown key {k!r} in {what}; known keys: {', '.join(keys)}",
                                        f"{what} の「{k}」は不明なキーです。使えるキー: {', '.join(keys)}"))
                continue
            if key == "next" and isinstance(v, dict):
                v = [f"{t}:{decimal_text(p)}" if isinstance(p, (int, float)) and not isinstance(p, bool) else f"{t}:{p}"
                     for t, p in v.items()]
            if isinstance(v, (dict,)):
                problems.append(Problem(kloc, f"{key!r} must be a value or a list, not a mapping",
                                        f"「{key}」は値かリストにしてください"))
                continue
            row.values[key] = v
            row.locs[key] = kloc
        rows.append(row)
    return rows


def _read_mapping(path: str | Path, keys: tuple[str, ...], problems: list[Problem], not_mapping: tuple[str, str],
                  whose: tuple[str, str] = ("", "")) -> dict[Any, Any]:
    """A YAML/JSON file (model or scenario) that must be a mapping; unknown top keys go to ``problems``.

    ``not_mapping``: the (en, ja) message when it is not a mapping; ``whose``: (en, ja) words naming the
    file in the unknown-key message (" in the scenario", "シナリオの")."""
    name = str(path)
    data = load_document(Path(path), name)
    if not isinstance(data, dict):
        raise InputError([Problem(f"{name}:1", *not_mapping)])
    for k in data:
        if k not in keys:
            problems.append(Problem(f"{name}:{_line(data, k)}", f"unknown key {k!r}{whose[0]}; known keys: {', '.join(keys)}",
                                    f"{whose[1]}「{k}」は不明なキーです。使えるキー: {', '.join(keys)}"))
    return data


def read_model(path: str | Path, *, allow_missing: bool = False) -> Flow:
    """Read a YAML or JSON model file into a validated :class:`Flow`."""
    name = str(path)
    problems: list[Problem] = []
    data = _read_mapping(path, TOP_KEYS, problems, ("a model file must be a mapping with 'steps'",
                                                     "モデルファイルは steps を含むマッピングにしてください"))
    version = data.get("flowmap", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        problems.append(Problem(f"{name}:{_line(data, 'flowmap')}", f"model format {version!r} is not supported (this flowmap reads {FORMAT_VERSION})",
                                f"モデル形式 {version!r} には対応していません（対応: {FORMAT_VERSION}）"))
    if "steps" not in data:
        raise InputError([*problems, Problem(f"{name}:1", "the model has no 'steps'", "モデルに steps がありません")])
    steps = _rows(data.get("steps"), STEP_KEYS, name, "steps", problems, {"owners": "owner"})
    # a step without 'next' goes on to the following step, as in a workbook without a next column
    for i, row in enumerate(steps):
        if "next" not in row.values:
            nxt = steps[i + 1].values.get("id") if i + 1 < len(steps) else None
            row.values["next"] = nxt if nxt is not None else (f"S{i + 2}" if i + 1 < len(steps) else None)
    owners = _rows(data.get("owners"), OWNER_KEYS, name, "owners", problems) if "owners" in data else None
    tools = _rows(data.get("tools"), TOOL_KEYS, name, "tools", problems) if "tools" in data else None
    lanes: list[Lane] = []
    lanes_in = data.get("lanes") or []
    if not isinstance(lanes_in, list):
        problems.append(Problem(f"{name}:{_line(data, 'lanes')}", "'lanes' must be a list", "「lanes」はリストにしてください"))
        lanes_in = []
    for i, lane in enumerate(lanes_in):
        where = f"{name}:{lane.line if isinstance(lane, LineDict) else 1}"
        if isinstance(lane, str):
            lanes.append(Lane(name=as_text(lane)))
        elif isinstance(lane, dict) and "name" in lane and lane.get("kind", "operator") in ("customer", "operator"):
            lanes.append(Lane(name=as_text(lane["name"]), kind=lane.get("kind", "operator")))
        else:
            problems.append(Problem(where, f"lane #{i + 1} must be a name or {{name, kind: customer|operator}}",
                                    f"{i + 1} 番目のレーンは名前か {{name, kind: customer|operator}} にしてください"))
    settings_in = data.get("settings") or {}
    settings: list[tuple[str, Any, str, str]] = []
    if not isinstance(settings_in, dict):
        problems.append(Problem(f"{name}:{_line(data, 'settings')}", "'settings' must be a mapping of key: value",
                                "「settings」は「キー: 値」のマッピングにしてください"))
    else:
        for k, v in settings_in.items():
            where = f"{name}:{_line(settings_in, k)}"
            settings.append((str(k), v, where, where))
    if "name" in data:
        settings.append(("name", data["name"], f"{name}:{_line(data, 'name')}", f"{name}:{_line(data, 'name')}"))
    if "language" in data:
        settings.append(("language", data["language"], f"{name}:{_line(data, 'language')}", f"{name}:{_line(data, 'language')}"))
    japanese = is_japanese(as_text(r.values.get("name")) for r in steps[:50])
    del data, lanes_in, settings_in  # the document's mappings and line marks: free before the flow is built
    return build_flow(source=name, name=Path(path).stem, steps=steps, owners=owners, tools=tools, settings=settings,
                      has_next=True, japanese=japanese, problems=problems, lanes_given=lanes or None,
                      allow_missing=allow_missing)


def _settings_dict(flow: Flow) -> dict[str, Any]:
    st = flow.settings
    settings: dict[str, Any] = {
        "orders_per_day": st.orders_per_day, "days": st.days, "seed": st.seed,
        "replications": st.replications, "currency": st.currency, "holidays": st.holidays,
    }
    if st.start is not None:
        settings["start"] = st.start
    if st.closed:
        settings["closed"] = list(st.closed)
    if st.hourly_profile:
        settings["hourly_profile"] = list(st.hourly_profile)
    if st.weekday_profile:
        settings["weekday_profile"] = list(st.weekday_profile)
    if st.milestones:
        from ..milestones import milestones_value

        settings["milestones"] = milestones_value(st.milestones)
    settings.update(overload=st.overload, underload=st.underload, scatter_tools=st.scatter_tools,
                    automation_minutes=st.automation_minutes)
    return settings


def _owner_dict(o: Owner) -> dict[str, Any]:
    od: dict[str, Any] = {"name": o.name}
    if o.lane:
        od["lane"] = o.lane
    od["kind"] = o.kind
    if o.headcount is not None:
        od["headcount"] = o.headcount
    if o.hours is not None:
        od["hours"] = o.hours.text()
    if o.days is not None:
        od["days"] = days_text(o.days, "en") if len(o.days) != 7 else "every day"
    if o.cost:
        od["cost"] = o.cost
    return od


def _tool_dict(t: Tool) -> dict[str, Any]:
    td: dict[str, Any] = {"name": t.name, "category": t.category}
    if t.delay is not None:
        td["delay"] = _duration_value(t.delay.text())
    return td


def _next_value(s: Step, es: list[Edge]) -> Any:
    if not es:
        return END
    if s.fork:
        return FORK_SEPARATOR.join(e.target for e in es)
    if len(es) == 1 and es[0].probability == 1:
        return es[0].target
    return {e.target: e.probability for e in es}


def _step_dict(s: Step, es: list[Edge]) -> dict[str, Any]:
    sd: dict[str, Any] = {"id": s.id, "name": s.name, "lane": s.lane}
    if s.owners:
        sd["owner"] = s.owners[0] if len(s.owners) == 1 else list(s.owners)
    if s.tools:
        sd["tools"] = list(s.tools)
    sd["mode"] = s.mode
    sd["duration"] = _duration_value(s.duration.text())
    if s.batch is not None:
        sd["batch"] = s.batch.text("en")
    sd["next"] = _next_value(s, es)
    if s.join == "all":
        sd["join"] = "all"
    for key in ("reads", "writes"):
        if getattr(s, key):
            sd[key] = list(getattr(s, key))
    optional = {"stage": s.stage or None, "touchpoint": s.touchpoint or None, "emotion": s.emotion,
                "pain": s.pain or None, "volume": s.volume, "note": s.note or None}
    sd.update({k: v for k, v in optional.items() if v is not None})
    if s.extra:
        sd["extra"] = dict(s.extra)
    return sd


def flow_to_dict(flow: Flow) -> dict[str, Any]:
    """The canonical, diff-friendly dictionary of a flow (YAML and JSON)."""
    edges = flow.out_edges()
    return {
        "flowmap": FORMAT_VERSION,
        "name": flow.name,
        "language": flow.language,
        "settings": _settings_dict(flow),
        "lanes": [{"name": lane.name, "kind": lane.kind} for lane in flow.lanes],
        "owners": [_owner_dict(o) for o in flow.owners],
        "tools": [_tool_dict(t) for t in flow.tools],
        "steps": [_step_dict(s, edges.get(s.id, [])) for s in flow.steps],
    }


def _duration_value(text: str) -> Any:
    try:
        f = float(text)
    except ValueError:
        return text
    return int(f) if f.is_integer() else f


class _Dumper(yaml.SafeDumper):
    pass


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow_style = all(isinstance(x, (str, int, float)) for x in data) and len(data) <= 8
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow_style)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.Node:
    numeric = all(isinstance(v, (int, float)) for v in data.values()) and len(data) <= 6
    short = all(isinstance(v, (str, int, float)) for v in data.values()) and len(data) <= 3
    flow_style = bool(data) and (numeric or short)
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow_style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def dump_yaml(flow: Flow) -> str:
    body = yaml.dump(flow_to_dict(flow), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return f"# flowmap model file: {flow.name}\n{body}"


def _json_default(obj: Any) -> Any:
    if isinstance(obj, dt.date):
        return obj.isoformat()
    raise TypeError(type(obj).__name__)


def dump_json(flow: Flow) -> str:
    return json.dumps(flow_to_dict(flow), ensure_ascii=False, indent=2, default=_json_default) + "\n"
