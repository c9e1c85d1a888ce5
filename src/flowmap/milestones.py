"""Milestone segments: ``注文→出荷: C6-O6, 注文→お届け: C6-C9``.

A segment names a stretch of the flow whose lead time is reported on its own
(from reaching its first step to the end of its last).  Written in a
workbook's Settings sheet (``milestones`` / ``区間``) as one cell, in a model
file as a mapping ``{注文→出荷: C6-O6}`` or a list, and on the command line as
``--between FROM TO``.
"""

from __future__ import annotations

from .model import Milestone

__all__ = ["MilestoneError", "milestones_text", "milestones_value", "parse_milestones"]

_RANGE_SEPARATORS = ("→", "->", "⇒", "〜", "～", "~", "–", "—", "-")
_ITEM_SEPARATORS = (",", "、", ";", "\n")


class MilestoneError(ValueError):
    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en, self.ja = en, ja


def _range(text: str, name: str) -> tuple[str, str]:
    for sep in _RANGE_SEPARATORS:
        if sep in text:
            parts = [p.strip() for p in text.split(sep)]
            if len(parts) == 2 and all(parts):
                return parts[0], parts[1]
            break
    raise MilestoneError(
        f"segment {name!r}: write the first and last step ids as FROM-TO (e.g. C6-O6), not {text!r}",
        f"区間「{name}」: 最初と最後の工程IDを「C6-O6」のように書いてください（{text}）")


def _one(name: str, value: object) -> Milestone:
    name = name.strip()
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, str | int) for v in value):
        start, end = str(value[0]).strip(), str(value[1]).strip()
    elif isinstance(value, dict) and set(value) == {"from", "to"}:
        start, end = str(value["from"]).strip(), str(value["to"]).strip()
    elif isinstance(value, str):
        start, end = _range(value.strip(), name or value)
    else:
        raise MilestoneError(f"segment {name!r}: expected FROM-TO, not {value!r}",
                             f"区間「{name}」:「C6-O6」の形にしてください（{value!r}）")
    if not start or not end:
        raise MilestoneError(f"segment {name!r} needs a first and a last step id", f"区間「{name}」には最初と最後の工程IDが必要です")
    return Milestone(name=name or f"{start}→{end}", start=start, end=end)


def _item(text: str) -> Milestone:
    for colon in (":", "："):
        if colon in text:
            name, _, rng = text.partition(colon)
            return _one(name, rng)
    start, end = _range(text.strip(), text.strip())
    return Milestone(name=f"{start}→{end}", start=start, end=end)


def parse_milestones(value: object) -> list[Milestone]:
    """Segments from a cell or a model-file value; raises :class:`MilestoneError`."""
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        return [_one(str(k), v) for k, v in value.items()]
    if isinstance(value, list):
        out: list[Milestone] = []
        for v in value:
            if isinstance(v, dict) and set(v) == {"name", "from", "to"}:
                out.append(_one(str(v["name"]), {"from": v["from"], "to": v["to"]}))
            elif isinstance(v, dict) and len(v) == 1:
                out.extend(parse_milestones(v))
            elif isinstance(v, str):
                out.append(_item(v))
            else:
                raise MilestoneError(f"segment: expected 'NAME: FROM-TO', not {v!r}", f"区間は「名前: C6-O6」の形にしてください（{v!r}）")
        return out
    if isinstance(value, str):
        text = value
        for sep in _ITEM_SEPARATORS[1:]:
            text = text.replace(sep, ",")
        return [_item(part) for part in text.split(",") if part.strip()]
    raise MilestoneError(f"milestones: expected 'NAME: FROM-TO, ...', not {value!r}",
                         f"区間は「名前: C6-O6, 名前: C6-C9」の形にしてください（{value!r}）")


def _pair(m: Milestone) -> str:
    sep = "→" if "-" in m.start or "-" in m.end else "-"
    return f"{m.start}{sep}{m.end}"


def milestones_value(ms: list[Milestone]) -> dict[str, str]:
    """The model-file form: ``{name: FROM-TO}``."""
    return {m.name: _pair(m) for m in ms}


def milestones_text(ms: list[Milestone]) -> str:
    """The one-cell form: ``注文→出荷: C6-O6, 注文→お届け: C6-C9``."""
    return ", ".join(f"{m.name}: {_pair(m)}" for m in ms)
