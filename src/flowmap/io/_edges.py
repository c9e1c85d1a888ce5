"""The ``next`` cells: targets resolved to step ids (or END), probabilities shared out, edges built.

A ``next`` cell is split on list separators, but a step name that contains one (``梱包・発送``)
is matched whole first; names are matched after :func:`~flowmap.cells.norm_key`.
"""

from __future__ import annotations

import itertools

from ..cells import norm_key, parse_next
from ..model import END, Edge, Step
from ._rows import Ctx, Row
from ._schema import END_WORDS

__all__ = ["read_edges"]


def _resolve(target: str, ids: set[str], by_name: dict[str, list[str]], row: Row, ctx: Ctx) -> str | None:
    """A ``next`` target as a step id (or END); None when it is ambiguous (reported)."""
    if target in ids:
        return target
    key = norm_key(target)
    if key in END_WORDS:
        return END
    named = by_name.get(key, [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        shown = target[:80]
        ctx.add(row.loc("next"), f"next step {shown!r} is ambiguous: several steps have that name; use the id",
                f"次工程「{shown}」は同名の工程が複数あります。番号で指定してください")
        return None
    return target  # unknown: check_flow reports it with a suggestion


def _step_edges(sid: str, row: Row, names: set[str], ids: set[str], by_name: dict[str, list[str]],
                ctx: Ctx) -> list[Edge]:
    """The edges of one ``next`` cell; targets left without a probability share the rest equally."""
    targets = ctx.parse(row, "next", parse_next, names) or []
    resolved = [(tid, p) for tid, p in ((_resolve(t, ids, by_name, row, ctx), p) for t, p in targets) if tid is not None]
    given = sum(p for _, p in resolved if p is not None)
    free = [t for t, p in resolved if p is None]
    share = (1 - given) / len(free) if free else 0.0
    if free and share <= 0:
        ctx.add(row.loc("next"), f"probabilities already sum to {given:g}; nothing is left for {', '.join(free)[:80]}",
                f"確率の合計がすでに {given:g} で、{', '.join(free)[:80]} に残りがありません")
        return []
    if resolved in ([(END, None)], [(END, 1.0)]):
        return []
    return [Edge(source=sid, target=t, probability=p if p is not None else share) for t, p in resolved]


def read_edges(steps: list[Step], rows: list[Row], has_next: bool, ctx: Ctx) -> list[Edge]:
    if not has_next:
        return [Edge(source=a.id, target=b.id, probability=1.0) for a, b in itertools.pairwise(steps)]
    ids = {s.id for s in steps}
    by_name: dict[str, list[str]] = {}
    for s in steps:
        by_name.setdefault(norm_key(s.name), []).append(s.id)
    names = set(by_name) | {norm_key(i) for i in ids}
    edges: list[Edge] = []
    for step, row in zip(steps, rows, strict=True):
        edges += _step_edges(step.id, row, names, ids, by_name, ctx)
    return edges
