"""The ``next`` values of a scenario's merged steps as edges, and the removal of a step:
its predecessors reconnect to its successors, probabilities multiplied through it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..cells import ParseError, as_text, name_key, parse_next, parse_number
from ..errors import Problem
from ..io._build import Row
from ..io._edges import target_ids
from ..io._parallel import FORK_SEPARATOR, parse_fork
from ..model import END

__all__ = ["Merged", "entry_ids", "fmt_p", "remove_step", "resolve_edges"]

Edges = list[tuple[str, float]]


def fmt_p(p: float) -> str:
    text = f"{p:.10f}".rstrip("0").rstrip(".")
    return text or "0"


def _next_text(edges: Edges, fork: bool = False) -> Any:
    if not edges:
        return END
    if fork:
        return FORK_SEPARATOR.join(t for t, _ in edges)
    if len(edges) == 1 and abs(edges[0][1] - 1) < 1e-12:
        return edges[0][0]
    return [f"{t}:{fmt_p(p)}" for t, p in edges]


@dataclass
class Merged:
    rows: dict[str, Row]
    edges: dict[str, Edges | None]  # resolved; None when the next value cannot be read here
    scenario_next: dict[str, str]  # step id → where the scenario set or changed its next
    forks: set[str]  # steps whose next starts every branch together ('S5 & S6')


def resolve_edges(rows: dict[str, Row], sid: str, forks: set[str], names: tuple[dict[str, list[str]], set[str]]) -> Edges | None:
    """Step ``sid``'s ``next`` as edges, by the builder's rules (:mod:`flowmap.io._edges`): a whole step
    name or id first, then a fork or a choice; ``names`` is :func:`~flowmap.io._edges.step_names` of ``rows``."""
    value = rows[sid].values.get("next")
    if value is None or as_text(value).strip() == "":
        return []
    by_name, known = names
    whole = rows[sid].text("next")
    branches: list[str] | None = None
    parsed: list[tuple[str, float | None]] = [(whole, None)]  # a whole step name, even one holding '&' or '・'
    try:
        if not (whole and name_key(whole) in known):
            branches = parse_fork(value, known)
            parsed = [(b, 1.0) for b in branches] if branches else parse_next(value, known)
    except ParseError:
        return None
    if branches:
        forks.add(sid)
    out: list[tuple[str, float | None]] = []
    for target, p in parsed:
        found = target_ids(target, rows, by_name)
        if len(found) != 1:
            return None  # the builder names the problem
        out.append((found[0], p))
    given = sum(p for _, p in out if p is not None)
    free = [t for t, p in out if p is None]
    share = (1 - given) / len(free) if free else 0.0
    if free and share <= 0:
        return None
    edges = [(t, p if p is not None else share) for t, p in out]
    if edges == [(END, 1.0)] and not branches:
        return []
    return edges


def _volume(row: Row) -> float | None:
    """The step's volume, 0 when it cannot be read; None when it has none."""
    v = row.values.get("volume")
    if v is None or as_text(v).strip() == "":
        return None
    try:
        return parse_number(v, what_en="volume", what_ja="件数", minimum=0)
    except ParseError:
        return 0.0


def entry_ids(rows: dict[str, Row]) -> list[str]:
    vols = [sid for sid, row in rows.items() if (_volume(row) or 0.0) > 0]
    return vols or list(rows)[:1]


def _hand_on_entry(m: Merged, rid: str, rest: Edges, where: str, problems: list[Problem]) -> bool:
    """The removed entry step's arrivals go to its successors (False: it cannot be removed)."""
    rows = m.rows
    if rows[rid].has("volume"):
        vol = _volume(rows[rid]) or 0.0
        for t, p in rest:
            if t != END:
                rows[t].values["volume"] = (_volume(rows[t]) or 0.0) + vol * p
                rows[t].locs["volume"] = where
        return True
    targets = [t for t, _ in rest if t != END]
    if len(targets) != 1 or abs(sum(p for t, p in rest if t != END) - 1) > 1e-9:
        problems.append(Problem(where, f"step {rid} is where cases start and it branches: removing it leaves no single "
                                "first step (give the entry steps a volume, or keep it)",
                                f"工程 {rid} はケースの開始工程で分岐しているため、削除すると開始工程が一つに決まりません"
                                "（開始工程に件数を入れるか、削除しないでください）"))
        return False
    new_first = targets[0]
    m.rows = {k: rows[k] for k in [new_first] + [k for k in rows if k != new_first]}
    return True


def _rewired(m: Merged, sid: str, es: Edges, rid: str, rest: Edges, fork: bool) -> Edges | None:
    """Step ``sid``'s edges once ``rid`` (reached with ``es``) hands on to ``rest``; None: a fork would mix with a choice."""
    q = sum(p for t, p in es if t == rid)
    single = len(rest) == 1 and abs(rest[0][1] - 1) < 1e-9
    if sid in m.forks and (single or fork):
        # a branch of a fork: the branch now starts at the removed step's successor(s)
        branch: list[str] = []
        for t, _ in es:
            for u in ([x for x, _ in rest] if t == rid else [t]):
                if u != END and u not in branch:
                    branch.append(u)
        if len(branch) < 2:
            m.forks.discard(sid)
        return [(t, 1.0) for t in branch]
    if sid in m.forks or (fork and not (len(es) == 1 and abs(q - 1) < 1e-9)):
        return None
    if fork:
        m.forks.add(sid)  # the predecessor starts the branches itself
        return list(rest)
    merged: dict[str, float] = {}
    for t, p in es:
        if t != rid:
            merged[t] = merged.get(t, 0.0) + p
    for t, p in rest:
        merged[t] = merged.get(t, 0.0) + q * p
    return [(t, round(p, 12)) for t, p in merged.items()]


def remove_step(m: Merged, rid: str, where: str, problems: list[Problem]) -> None:
    """Remove step ``rid``: its predecessors reconnect to its successors (a problem at ``where`` if they cannot)."""
    out = m.edges.get(rid)
    if out is None:
        problems.append(Problem(where, f"step {rid}'s next steps cannot be read, so it cannot be removed",
                                f"工程 {rid} の次工程が読めないため削除できません"))
        return
    fork = rid in m.forks
    loop = 0.0 if fork else sum(p for t, p in out if t == rid)
    if loop >= 1 - 1e-12 and out:
        problems.append(Problem(where, f"step {rid} only leads back to itself", f"工程 {rid} は自分自身にしか進みません"))
        return
    rest = [(t, p / (1 - loop)) for t, p in out if t != rid] or [(END, 1.0)]
    if rid in entry_ids(m.rows) and not _hand_on_entry(m, rid, rest, where, problems):
        return
    for sid, es in list(m.edges.items()):
        if sid == rid or es is None or not any(t == rid for t, _ in es):
            continue
        new = _rewired(m, sid, es, rid, rest, fork)
        if new is None:
            problems.append(Problem(where, f"removing step {rid} would mix a fork ('&') with a choice at step {sid}: "
                                    "change that step's next instead",
                                    f"工程 {rid} を削除すると工程 {sid} で並行分岐（&）と選択が混ざります。"
                                    "その工程の次工程を書き換えてください"))
            continue
        m.edges[sid] = new
        m.rows[sid].values["next"] = _next_text(new, sid in m.forks)
        if sid not in m.scenario_next:
            m.rows[sid].locs["next"] = where
            m.scenario_next[sid] = where
    del m.rows[rid]
    del m.edges[rid]
    m.forks.discard(rid)
    m.scenario_next.pop(rid, None)
