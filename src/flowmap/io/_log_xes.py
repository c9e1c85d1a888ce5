"""Event logs in XES (.xes, .xes.gz), read by expat with defusedxml's guards."""

from __future__ import annotations

import contextlib
import gzip
from pathlib import Path
from typing import IO, Any

from ..errors import InputError, Problem
from ._log_sink import _Limited, _Sink
from .eventlog import MAX_LOG_BYTES, Columns, EventLog

# -------------------------------------------------------------------- XES

class _XesHandler:
    """Expat handlers for XES: one event per <event>, the case name from its <trace>."""

    def __init__(self, sink: _Sink, name: str, parser: Any) -> None:
        self.sink, self.name, self.parser = sink, name, parser
        self.stack: list[str] = []
        self.trace_attrs: dict[str, str] = {}
        self.event: dict[str, str] | None = None
        self.event_line = 0
        self.events: list[tuple[int, dict[str, str]]] = []
        self.seen_log = False

    def line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        stack = self.stack
        local = tag.rsplit(":", 1)[-1]
        parent = stack[-1] if stack else ""
        stack.append(local)
        if not self.seen_log:
            if local != "log":
                raise InputError([Problem(f"{self.name}:{self.line()}", f"an XES log starts with <log>, not <{tag}>",
                                          f"XES ログは <log> で始まります（<{tag}> ではありません）")])
            self.seen_log = True
            return
        if parent == "event":
            if self.event is not None and len(stack) >= 3 and stack[-3] == "trace":
                key = attrs.get("key")
                if key is not None:
                    self.event[key] = attrs.get("value", "")
        elif local == "event":
            if parent == "trace":
                self.event = {}
                self.event_line = self.line()
        elif local == "trace":
            if parent == "log":
                self.trace_attrs = {}
        elif parent == "trace" and len(stack) >= 3 and stack[-3] == "log":
            key = attrs.get("key")
            if key is not None:
                self.trace_attrs[key] = attrs.get("value", "")

    def end(self, tag: str) -> None:
        local = self.stack.pop()
        if local == "event" and self.event is not None and self.stack and self.stack[-1] == "trace":
            self.events.append((self.event_line, self.event))
            self.event = None
        elif local == "trace" and self.stack and self.stack[-1] == "log":
            case = self.trace_attrs.get("concept:name", "")
            group_default = self.trace_attrs.get("org:group", "")
            sink = self.sink
            for line, ev in self.events:
                where = f"{self.name}:{line}"
                end = sink.time(ev.get("time:timestamp"), where, "time:timestamp")
                start_v = ev.get("start_timestamp")
                start = sink.time(start_v, where, "start_timestamp") if start_v else None
                sink.stats.rows += 1
                sink.add(case, ev.get("concept:name", ""), ev.get("org:resource", ""),
                         ev.get("org:group", group_default), start, end, ev.get("lifecycle:transition", ""))
            self.events = []


def _read_xes(path: Path, name: str, gz: bool) -> EventLog:
    """Expat with defusedxml's guards: a DTD, an entity declaration or an external reference is refused."""
    from xml.parsers import expat

    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import DefusedExpatParser

    sink = _Sink(name, "xes", Columns(case="case:concept:name", activity="concept:name", timestamp="time:timestamp",
                                      start="start_timestamp", resource="org:resource", group="org:group",
                                      lifecycle="lifecycle:transition"))
    guard = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = guard.defused_start_doctype_decl
    parser.EntityDeclHandler = guard.defused_entity_decl
    parser.UnparsedEntityDeclHandler = guard.defused_unparsed_entity_decl
    parser.ExternalEntityRefHandler = guard.defused_external_entity_ref_handler  # type: ignore[assignment]  # defusedxml returns None where typeshed wants int
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    handler = _XesHandler(sink, name, parser)
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    with contextlib.ExitStack() as stack:
        raw: IO[bytes] = stack.enter_context(open(path, "rb"))
        if gz:
            raw = stack.enter_context(gzip.GzipFile(fileobj=raw))  # type: ignore[arg-type]  # a GzipFile is an IO[bytes] at run time
        stream = _Limited(raw, MAX_LOG_BYTES, name)
        try:
            while True:
                chunk = stream.read(1 << 20)
                parser.Parse(chunk or b"", not chunk)
                if not chunk:
                    break
        except expat.ExpatError as e:
            msg = expat.ErrorString(e.code)
            raise InputError([Problem(f"{name}:{e.lineno}", f"malformed XES: {msg}",
                                      f"XES の書式が正しくありません: {msg}")]) from None
        except DefusedXmlException as e:
            raise InputError([Problem(f"{name}:{handler.line()}",
                                      f"refused: {type(e).__name__} (DTDs, entities and external references are not allowed)",
                                      f"読み込みを拒否しました: {type(e).__name__}（DTD・実体参照・外部参照は使えません）")]) from None
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise InputError([Problem(name, f"cannot read the compressed log: {e}", f"圧縮ログを読めません: {e}")]) from None
    if not handler.seen_log:
        raise InputError([Problem(name, "the log is empty", "ログが空です")])
    return sink.finish()
