"""Loading YAML and JSON model files: the C loader, line marks on every mapping and list,
and refusals (with their line) of duplicate keys, complex keys, huge numbers, control
characters, deep nesting and alias bombs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ..cells import short
from ..errors import InputError, Problem
from ._files import check_input_file

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_INT_DIGITS", "LineDict", "LineList", "load_document"]


class LineDict(dict[Any, Any]):
    """A mapping with the line it starts on and the line of each key.  Slots, not a ``__dict__``:
    a 100,000-step model holds a million of these containers."""

    __slots__ = ("line", "lines")
    line: int
    lines: dict[Any, int]

    def __getattr__(self, name: str) -> Any:
        if name == "line":  # not set: 0, as for a mapping built by hand
            return 0
        raise AttributeError(name)


class LineList(list[Any]):
    """A list with the line it starts on and the line of each item (slots, as :class:`LineDict`)."""

    __slots__ = ("line", "lines")
    line: int
    lines: list[int]

    def __getattr__(self, name: str) -> Any:
        if name == "line":
            return 0
        raise AttributeError(name)


MAX_DEPTH = 32
"""Deepest nesting of lists and mappings a model file may have."""
MAX_ALIASES = 50
"""Most YAML alias uses (``*name``) a model file may have (alias bombs)."""
MAX_INT_DIGITS = 30
"""Longest integer a model file may hold."""

_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(yaml.CSafeLoader):
    """The C loader (fast) with line marks kept on every mapping and list for messages."""

    def __init__(self, stream: str, name: str = "") -> None:
        super().__init__(stream)
        self.name = name
        self.problems: list[tuple[int, str, str]] = []
        self.depth = 0
        self.aliases = 0
        self.tags: dict[str, str] = {}
        self.strings: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """PyYAML's implicit resolution, the same tags, without trying the patterns again for a
        value seen before or for one whose first character starts no pattern (most text)."""
        if kind is yaml.ScalarNode and implicit[0] and value:
            tag = self.tags.get(value)
            if tag is None:
                if value[0] not in self.yaml_implicit_resolvers and None not in self.yaml_implicit_resolvers \
                        and not self.yaml_path_resolvers:
                    return self.DEFAULT_SCALAR_TAG
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]  # PyYAML is untyped
                if len(value) <= 64:  # a bound on what the cache holds
                    self.tags[value] = tag
            return tag
        if kind is yaml.MappingNode and not self.yaml_path_resolvers:
            return self.DEFAULT_MAPPING_TAG
        if kind is yaml.SequenceNode and not self.yaml_path_resolvers:
            return self.DEFAULT_SEQUENCE_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]  # PyYAML is untyped

    def build_child(self, node: yaml.Node) -> Any:
        """``construct_object(node, deep=True)`` with a fast path for the common case, a text scalar
        built for the first time below the depth limit (the same value, the same bookkeeping)."""
        if node.__class__ is yaml.ScalarNode and node.tag == _STR_TAG and self.depth < MAX_DEPTH \
                and node not in self.constructed_objects:
            data = _construct_str(self, node)
            self.constructed_objects[node] = data
            return data
        return self.construct_object(node, deep=True)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Refuse deep nesting and alias bombs while building, each node once (an alias is a
        second use of a node already built)."""
        if node in self.constructed_objects:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise InputError([Problem(f"{self.name}:{node.start_mark.line + 1}",
                                          f"more than {MAX_ALIASES} YAML aliases (*name); write the values out",
                                          f"YAML のエイリアス（*名前）が {MAX_ALIASES} 個を超えています。値を直接書いてください")])
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise InputError([Problem(f"{self.name}:{node.start_mark.line + 1}",
                                          f"lists and mappings are nested deeper than {MAX_DEPTH} levels",
                                          f"リストやマッピングの入れ子が {MAX_DEPTH} 段を超えています")])
            return super().construct_object(node, deep)
        finally:
            self.depth -= 1

    def problem(self, node: yaml.Node, en: str, ja: str) -> None:
        self.problems.append((node.start_mark.line + 1, en, ja))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            loader.problem(key_node, "a key must be plain text, not a list or mapping",
                           "キーはリストやマッピングではなく文字列にしてください")
            continue
        key = loader.build_child(key_node)
        if key in out:
            loader.problem(key_node, f"the key {short(key)!r} is given twice (first on line {out.lines[key]})",
                           f"キー「{short(key)}」が二度書かれています（最初は {out.lines[key]} 行目）")
            continue
        out[key] = loader.build_child(value_node)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList([loader.build_child(child) for child in node.value])
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    digits = sum(ch.isdigit() for ch in str(node.value))
    if digits > MAX_INT_DIGITS:
        loader.problem(node, f"the number has {digits} digits, more than {MAX_INT_DIGITS}",
                       f"数値が {digits} 桁あり、上限 {MAX_INT_DIGITS} 桁を超えています")
        return None
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = str(node.value)
    if _BAD_CHARS.search(value):
        loader.problem(node, "the text holds a control character or an invalid (surrogate) character",
                       "文字列に制御文字または不正な文字（サロゲート）が含まれています")
        return _BAD_CHARS.sub("\ufffd", value)
    return value


# JSON writes 1e-06 where YAML 1.1 wants 1.0e-06: read both as numbers
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+$"),
                              list("-+0123456789"))
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)


_BAIL: Any = object()
_NO_KEY: Any = object()
_SPECIAL_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})


def _fast_scalar(loader: _Loader, ev: Any) -> Any:
    """The value of a scalar event, or ``_BAIL`` for an anchor, a tag, a refused or a special value."""
    if ev.anchor is not None or ev.tag is not None:
        return _BAIL
    value = ev.value
    tag = loader.resolve(yaml.ScalarNode, value, ev.implicit) if ev.implicit[0] else _STR_TAG
    if tag == _STR_TAG:
        if _BAD_CHARS.search(value):
            return _BAIL
        # one object per distinct short text: the keys and the names repeated on every step
        return loader.strings.setdefault(value, value) if len(value) <= 64 else value
    ctor = loader.yaml_constructors.get(tag)
    if ctor is None or tag in _SPECIAL_TAGS:
        return _BAIL
    data = ctor(loader, yaml.ScalarNode(tag, value, ev.start_mark, ev.end_mark, ev.style))
    return _BAIL if loader.problems else data


def _fast_events(loader: _Loader) -> Any:
    """The document built straight from the parser's events (no node graph) when it is ordinary:
    a mapping at the top; no anchor, alias, tag, merge, complex or duplicate key, refusal or deep
    nesting.  Else ``_BAIL``: the node-based reading, which words every refusal, reads it again."""
    get: Any = loader.get_event
    if get().__class__ is not yaml.StreamStartEvent or get().__class__ is not yaml.DocumentStartEvent:
        return _BAIL
    ev: Any = get()
    if ev.__class__ is not yaml.MappingStartEvent or ev.anchor is not None or ev.tag is not None:
        return _BAIL
    root = LineDict()
    root.line = ev.start_mark.line + 1  # type: ignore[union-attr]  # a parser event always has its start mark
    root.lines = {}
    stack: list[Any] = [root]
    keys: list[Any] = [_NO_KEY]  # per open mapping: the key waiting for its value (and its line)
    key_lines: list[int] = [0]
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    while True:
        ev = get()
        cls = ev.__class__
        if cls is scalar_event:
            data: Any = _fast_scalar(loader, ev)
            if data is _BAIL:
                return _BAIL
            line = ev.start_mark.line + 1
        elif cls is mapping_start or cls is sequence_start:
            if ev.anchor is not None or ev.tag is not None or len(stack) >= MAX_DEPTH - 2:
                return _BAIL
            data = LineDict() if cls is mapping_start else LineList()
            data.line = line = ev.start_mark.line + 1
            data.lines = {} if cls is mapping_start else []
        elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            stack.pop()
            keys.pop()
            key_lines.pop()
            if not stack:
                break
            continue
        else:  # an alias, or anything unexpected
            return _BAIL
        top = stack[-1]
        if top.__class__ is LineList:
            top.append(data)
            top.lines.append(line)
        elif keys[-1] is _NO_KEY:
            if cls is not scalar_event or data in top:
                return _BAIL  # a complex or a duplicate key
            keys[-1] = data
            key_lines[-1] = line
        else:
            top[keys[-1]] = data
            top.lines[keys[-1]] = key_lines[-1]
            keys[-1] = _NO_KEY
        if cls is not scalar_event:
            stack.append(data)
            keys.append(_NO_KEY)
            key_lines.append(0)
    if get().__class__ is not yaml.DocumentEndEvent or get().__class__ is not yaml.StreamEndEvent:
        return _BAIL
    return root


def _yaml(text: str, name: str) -> Any:
    fast = _Loader(text, name)
    try:
        data = _fast_events(fast)
    except Exception:  # the node-based reading below reports it with its line
        data = _BAIL
    finally:
        fast.dispose()
    if data is not _BAIL:
        return data
    loader = _Loader(text, name)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    if loader.problems:
        raise InputError([Problem(f"{name}:{line}", en, ja) for line, en, ja in loader.problems[:100]])
    return data


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the key {short(k)!r} is given twice")
        out[k] = v
    return out


def _json(text: str, name: str, line: int) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_pairs)
    except json.JSONDecodeError as je:
        raise InputError([Problem(f"{name}:{je.lineno}", f"invalid JSON: {je.msg}",
                                  f"JSON の書式が正しくありません: {je.msg}")]) from None
    except (ValueError, RecursionError) as e:
        raise InputError([Problem(f"{name}:{line}", f"invalid JSON: {short(e)}",
                                  f"JSON の書式が正しくありません: {short(e)}")]) from None


def load_document(path: Path, name: str) -> Any:
    """The YAML or JSON document of a model file (mappings and lists carry their lines)."""
    check_input_file(path, name)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(name, "the file is not UTF-8 text", "ファイルが UTF-8 のテキストではありません")]) from None
    try:
        return _yaml(text, name)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        if path.suffix.lower() == ".json":
            return _json(text, name, line)
        raise InputError([Problem(f"{name}:{line}", f"invalid YAML: {short(e.problem)}",
                                  f"YAML の書式が正しくありません: {short(e.problem)}")]) from None
    except yaml.reader.ReaderError as e:  # a control character such as NUL: name its line, not PyYAML's dump
        line = text.count("\n", 0, max(0, min(e.position, len(text)))) + 1
        code = e.character if isinstance(e.character, int) else 0
        raise InputError([Problem(f"{name}:{line}", f"the file holds the control character U+{code:04X}; remove it",
                                  f"制御文字 U+{code:04X} が含まれています。取り除いてください")]) from None
    except (yaml.YAMLError, RecursionError, ValueError) as e:
        raise InputError([Problem(name, f"invalid YAML: {short(e)}", f"YAML の書式が正しくありません: {short(e)}")]) from None
