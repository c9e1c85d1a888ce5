"""The ``next`` cells: targets resolved to step ids (or END), probabilities shared out, edges built.

A ``next`` cell is a fork (``S5 & S6``, :mod:`._parallel`) or a choice split on list separators, but a step name that contains one (``梱包・発送``)
is matched whole first; names are matched after :func:`~flowmap.cells.name_key`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from ..cells import name_key, norm_key, parse_next
from ..model import END, Edge, Step
from ._parallel import parse_fork
from ._rows import Ctx, Row
from ._schema import END_WORDS

__all__ = ["read_edges", "step_names", "target_ids"]


def step_names(steps: Iterable[tuple[str, str]]) -> tuple[dict[str, list[str]], set[str]]:
    """(id, name) pairs → the ids of each step name (by :func:`name_key`) and every name or id a
    ``next`` cell may name whole (as :func:`name_key` gives them); scenarios match by the same rule."""
    by_name: dict[str, list[str]] = {}
    ids: list[str] = []
    for sid, name in steps:
        by_name.setdefault(name_key(name), []).append(sid)
        ids.append(sid)
    return by_name, set(by_name) | {name_key(i) for i in ids}


def target_ids(target: str, ids: set[str] | dict[str, Any], by_name: dict[str, list[str]]) -> list[str]:
    """The step ids (or END) a ``next`` target may mean: one, several (ambiguous) or none (unknown)."""
    if target in ids:
        return [target]
    if norm_key(target) in END_WORDS:
        return [END]
    return by_name.get(name_key(target), [])


def _resolve(target: str, ids: set[str], by_name: dict[str, list[str]], row: Row, ctx: Ctx) -> str | None:
    """A ``next`` target as a step id (or END); None when it is ambiguous (reported)."""
    named = target_ids(target, ids, by_name)
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        shown = target[:80]
        ctx.add(row.loc("next"), f"next step {shown!r} is ambiguous: several steps have that name; use the id",
                f"次工程「{shown}」は同名の工程が複数あります。番号で指定してください")
        return None
    return target  # unknown: check_flow reports it with a suggestion


def _targets(step: Step, row: Row, names: set[str], ctx: Ctx) -> list[tuple[str, float | None]]:
    """The targets of a ``next`` cell: a fork (``S5 & S6``: every branch, probability 1, the step
    marked ``fork``) or a choice; a whole step name that holds ``&`` or a separator is one target."""
    whole = row.text("next")
    if whole and name_key(whole) in names:
        return [(whole, None)]
    fork = ctx.parse(row, "next", parse_fork, names) if "next" in row.values else None
    if fork:
        step.fork = True
        return [(t, 1.0) for t in fork]
    return ctx.parse(row, "next", parse_next, names) or []


def _step_edges(step: Step, row: Row, names: set[str], ids: set[str], by_name: dict[str, list[str]],
                ctx: Ctx) -> list[Edge]:
    """The edges of one ``next`` cell; targets left without a probability share the rest equally."""
    sid = step.id
    targets = _targets(step, row, names, ctx)
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
    by_name, names = step_names((s.id, s.name) for s in steps)
    edges: list[Edge] = []
    for step, row in zip(steps, rows, strict=True):
        edges += _step_edges(step, row, names, ids, by_name, ctx)
    return edges
