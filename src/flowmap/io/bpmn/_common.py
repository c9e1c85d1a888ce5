"""What the BPMN reader and writer share: namespaces, number text, flowmap's extension elements."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..bpmn_xml import BPMN_NS, El

__all__ = ["BPMNDI_NS", "BPMN_NS", "DC_NS", "DI_NS", "FM_NS", "ext", "fm_child", "num", "text_el"]

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
FM_NS = "urn:flowmap:bpmn:1"
"""flowmap's own extension namespace (other tools keep or ignore these elements)."""


def num(x: float) -> str:
    """A number as BPMN attributes write it: ``12``, ``12.5``."""
    return f"{x:g}"


def ext(tag: str, attrs: dict[str, Any], children: list[str] | None = None) -> str:
    """An ``fm:`` extension element; attributes that are None or empty are left out."""
    a = "".join(f" {k}={quoteattr(str(v))}" for k, v in attrs.items() if v is not None and v != "")
    if not children:
        return f"<fm:{tag}{a}/>"
    return f"<fm:{tag}{a}>{''.join(children)}</fm:{tag}>"


def text_el(tag: str, text: str) -> str:
    return f"<fm:{tag}>{escape(text)}</fm:{tag}>"


def fm_child(el: El, tag: str) -> El | None:
    """flowmap's extension element ``fm:TAG`` of a BPMN element, if it has one."""
    found = el.first(BPMN_NS, "extensionElements")
    return found.first(FM_NS, tag) if found is not None else None
