"""Safe XML reading for BPMN files: a small element tree built by defusedxml's SAX parser.

No DTDs, entities or external references; only regular files up to :data:`MAX_BYTES`;
at most :data:`MAX_ELEMENTS` elements, :data:`MAX_DEPTH` levels and attribute values of
:data:`MAX_ATTRIBUTE` characters. Every refusal is an :class:`InputError` with ``FILE:LINE``.
"""

from __future__ import annotations

import codecs
import io
import xml.sax
import xml.sax.handler
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import defusedxml.sax
from defusedxml import DefusedXmlException

from ..errors import InputError, Problem
from ._files import check_input_file

__all__ = ["BPMN_NS", "MAX_ATTRIBUTE", "MAX_BYTES", "MAX_DEPTH", "MAX_ELEMENTS", "El", "parse"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_BYTES = 50 * 1024 * 1024
"""Largest .bpmn file read."""


@dataclass(slots=True)
class El:
    ns: str
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[El] = field(default_factory=list)
    text: str = ""
    parent: El | None = None

    def find(self, ns: str, tag: str) -> list[El]:
        return [c for c in self.children if c.ns == ns and c.tag == tag]

    def first(self, ns: str, tag: str) -> El | None:
        found = self.find(ns, tag)
        return found[0] if found else None

    def iter(self) -> Any:
        stack = [self]
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el.children))


MAX_ELEMENTS = 200_000
MAX_DEPTH = 200
"""Deepest element nesting read (flowmap writes 8 levels; modelers rarely more than 20)."""
MAX_ATTRIBUTE = 10_000
"""Longest attribute value (an id, a name, a condition) read, in characters."""


class _Refused(xml.sax.SAXException):
    """A limit of the reader was hit; carries the line and the message in both languages."""

    def __init__(self, line: int, en: str, ja: str) -> None:
        super().__init__(en)
        self.line, self.en, self.ja = line, en, ja


class _Handler(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.root: El | None = None
        self.stack: list[El] = []
        self.locator: Any = None
        self.count = 0

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    def line(self) -> int:
        return int(self.locator.getLineNumber() or 0) if self.locator is not None else 0

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:
        self.count += 1
        line = self.line()
        if self.count > MAX_ELEMENTS:
            raise _Refused(line, f"more than {MAX_ELEMENTS} elements: not read (a process diagram has far fewer)",
                           f"要素が {MAX_ELEMENTS} 個を超えるため読みません（業務フロー図ならずっと少ないはずです）")
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(line, f"elements nested more than {MAX_DEPTH} levels deep: not read",
                           f"要素の入れ子が {MAX_DEPTH} 段を超えるため読みません")
        plain = {k[1]: v for k, v in attrs.items() if k[0] is None}
        for (ans, local), v in attrs.items():
            if ans is not None:
                plain.setdefault(f"{{{ans}}}{local}", v)
        for key, v in plain.items():
            if len(v) > MAX_ATTRIBUTE:
                short = key.rsplit("}", 1)[-1]
                raise _Refused(line, f"attribute {short!r} of <{name[1]}> is {len(v)} characters long, above the limit of {MAX_ATTRIBUTE}",
                               f"<{name[1]}> の属性 {short} が {len(v)} 文字あり、上限 {MAX_ATTRIBUTE} 文字を超えています")
        el = El(name[0] or "", name[1], plain, line, parent=self.stack[-1] if self.stack else None)
        if self.stack:
            self.stack[-1].children.append(el)
        else:
            self.root = el
        self.stack.append(el)

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack and len(self.stack[-1].text) < 100_000:
            self.stack[-1].text += content


_EXPAT_ENCODINGS = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "iso8859-1", "ascii"}
"""What expat decodes itself (as :func:`codecs.lookup` names them); any other declared encoding is decoded here."""
_WHATWG = {"shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms_kanji": "cp932", "csshiftjis": "cp932",
           "windows-31j": "cp932", "gb2312": "gbk", "x-gbk": "gbk"}
"""Labels read as the encoding that tools writing them really use (the WHATWG Encoding Standard): a file
saved as "Shift_JIS" by Windows software holds CP932 characters such as ① or ㈱."""
_HEAD = 1024
"""Bytes searched for the XML declaration."""


def declared_encoding(head: bytes) -> str | None:
    """The encoding named in the XML declaration at the start of ``head`` (``<?xml … encoding="X"?>``),
    None when there is no declaration or it names none. A plain scan of at most :data:`_HEAD` bytes: no regex."""
    if not head.startswith(b"<?xml"):
        return None
    end = head.find(b"?>", 0, _HEAD)
    decl = head[:end] if end > 0 else b""
    at = decl.find(b"encoding")
    if at < 0 or not decl.isascii():
        return None
    rest = decl[at + len(b"encoding"):].lstrip(b" \t\r\n")
    if not rest.startswith(b"="):
        return None
    rest = rest[1:].lstrip(b" \t\r\n")
    if not rest or rest[:1] not in (b'"', b"'"):
        return None
    close = rest.find(rest[:1], 1, 66)
    return rest[1:close].decode("ascii") if close > 1 else None


def _as_utf8(head: bytes, fh: BinaryIO, label: str, name: str) -> bytes | None:
    """The file re-encoded as UTF-8 (its declaration saying so, lines kept) when it declares an encoding
    expat cannot read; None when expat reads it as it is."""
    try:
        codec = codecs.lookup(_WHATWG.get(label.lower(), label)).name
    except LookupError:
        codec = ""
    if codec in _EXPAT_ENCODINGS:
        return None
    data = head + fh.read(MAX_BYTES + 1 - len(head))
    try:
        text = data.decode(codec) if codec else ""
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError([Problem(f"{name}:{line}", f"byte 0x{data[e.start]:02x} cannot be read as {label} (the encoding "
                                  "declared in the XML header): save the file as UTF-8",
                                  f"バイト 0x{data[e.start]:02x} は XML 宣言の文字コード {label} として読めません。"
                                  "UTF-8 で保存し直してください")]) from None
    except LookupError:  # a codec that is not a text encoding (base64, rot13…)
        codec = ""
    if not codec:
        raise InputError([Problem(f"{name}:1", f"unknown encoding {label!r} declared in the XML header: save the file as UTF-8",
                                  f"XML 宣言の文字コード「{label}」は不明です。UTF-8 で保存し直してください")])
    at = text.find(label, text.find("encoding"))  # in the declaration, which is ASCII: the same place as in the bytes
    return (text[:at] + "UTF-8" + text[at + len(label):]).encode("utf-8", "surrogatepass")


def parse(path: Path, name: str) -> El:
    check_input_file(path, name, MAX_BYTES)  # a FIFO, /dev/zero, a folder or a huge file is refused before reading
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
        label = declared_encoding(head)
        utf8 = _as_utf8(head, fh, label, name) if label else None
        fh.seek(0)
        return _parse(io.BytesIO(utf8) if utf8 is not None else fh, name)


def _parse(source: BinaryIO, name: str) -> El:
    """Parse with defusedxml (no DTD, no entities, no external references) under the limits above."""
    parser = defusedxml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    handler = _Handler()
    parser.setContentHandler(handler)
    try:
        parser.parse(source)
    except xml.sax.SAXParseException as e:
        raise InputError([Problem(f"{name}:{e.getLineNumber()}", f"not well-formed XML: {e.getMessage()}",
                                  f"XML の書式が正しくありません: {e.getMessage()}")]) from None
    except _Refused as e:
        raise InputError([Problem(f"{name}:{e.line}", e.en, e.ja)]) from None
    except DefusedXmlException as e:
        raise InputError([Problem(f"{name}:{handler.line() or 1}",
                                  f"refused unsafe XML ({type(e).__name__}): entities and DTDs are not read",
                                  f"安全でない XML のため読みません（{type(e).__name__}）: エンティティや DTD は読み込みません")]) from None
    except xml.sax.SAXException as e:
        raise InputError([Problem(f"{name}:{handler.line() or 1}", f"cannot read the XML: {e.getMessage()}",
                                  f"XML を読めません: {e.getMessage()}")]) from None
    except (ValueError, LookupError) as e:  # expat: "multi-byte encodings are not supported", an unknown encoding
        raise InputError([Problem(f"{name}:1", f"the encoding declared in the XML header cannot be read ({e}); save the file as UTF-8",
                                  f"XML 宣言の文字コードは読めません（{e}）。UTF-8 で保存し直してください")]) from None
    root = handler.root
    if root is None or root.ns != BPMN_NS or root.tag != "definitions":
        found = f"{{{root.ns}}}{root.tag}" if root is not None else "nothing"
        raise InputError([Problem(f"{name}:{root.line if root else 1}",
                                  f"not a BPMN 2.0 file: the root element is {found}, not bpmn:definitions ({BPMN_NS})",
                                  f"BPMN 2.0 ファイルではありません: ルート要素が {found} です（bpmn:definitions が必要）")])
    return root
