"""Discover a flow from an event log.

* One step per activity, named after it; ``next`` with the shares of what
  follows what (``min_share`` drops rarer transitions; steps no longer
  reachable go too).
* Resources become owners: people doing the same activities in the same group
  form a team whose headcount is the number of people; a resource that is a
  team itself gets the largest number of executions it ran at once.  A
  resource that works round the clock, or is named like a system, is a system
  and its steps are ``auto``.
* Lanes come from ``org:group`` (or a lane map: resource or activity → lane).
  Activities without a resource go to the customer lane when their names say
  so (注文, 入金, キャンセル, order, payment …), to a delivery lane for the carrier
  (配達, delivery …), else to the shop's lane.
* Service times are fitted from start/complete pairs (the family is chosen by
  the smallest Kolmogorov-Smirnov distance and the reason written in the
  step's note).  Batches are recognised from executions that share their start
  and end, or, without start times, from completions that come in bursts at
  the same clock times: the step becomes ``batch`` with a daily schedule.
* Working hours and days of each owner are read from when they start work.
* Time between activities: queues, working hours and batches are reproduced
  by the simulation itself; a customer's or carrier's time (paying, delivery)
  becomes the step's duration, and a gap some cases show and others do not
  (paying by bank transfer, not by card) becomes a *wait step* on the way that
  only those cases take.  What is left of the waits at handoffs is learned by
  simulating the discovered flow and giving the receiving step a wait tool
  (category ``wait``) whose delay makes up the difference.
* Activities that follow each other both ways and overlap in time in most
  cases run in parallel: a fork before them and a join after them (see
  :mod:`._forks`).
* Arrivals: cases per day and the hourly and weekday profiles of their first events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, ParameterError, Problem
from ..io.eventlog import EventLog
from ..model import END, Flow, check_flow
from ._assemble import Assembly
from ._vocab import _CJK, _t, is_wait_step
from .profile import LogProfile, profile_log

__all__ = ["Discovery", "discover", "is_wait_step", "load_lane_map"]


@dataclass
class Discovery:
    flow: Flow
    lines: list[str] = field(default_factory=list)  # what was inferred, for the user
    profile: LogProfile | None = None


def load_lane_map(path: str | Path) -> tuple[dict[str, str], set[str]]:
    """A lane map file: ``{name: lane}`` (name = resource or activity), or ``{lanes: {...}, customer: [lane…]}``."""
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError([Problem(str(path), "file not found", "ファイルが見つかりません")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError([Problem(f"{path}:{mark.line + 1}" if mark else str(path), f"invalid YAML: {e}",
                                  f"YAML の書式が正しくありません: {e}")]) from None
    customer: set[str] = set()
    if isinstance(data, dict) and "lanes" in data and isinstance(data["lanes"], dict):
        raw_c = data.get("customer") or []
        if not isinstance(raw_c, list):
            raise InputError([Problem(str(path), "'customer' must be a list of lane names",
                                      "customer には顧客レーン名のリストを指定してください")])
        customer = {str(x) for x in raw_c}
        data = data["lanes"]
    if not isinstance(data, dict) or not all(isinstance(v, str | int | float) for v in data.values()):
        raise InputError([Problem(str(path), "a lane map is 'resource or activity: lane' lines",
                                  "レーン対応表は「担当者または工程: レーン」の形で書いてください")])
    return {str(k): str(v) for k, v in data.items()}, customer


def _lang_of(log: EventLog) -> str:
    return "ja" if any(_CJK.search(a) for a in log.activities) else "en"


def discover(log: EventLog, *, min_share: float = 0.0, lane_map: dict[str, str] | None = None,
             customer_lanes: set[str] | None = None, lang: str | None = None, tune: bool = True,
             name: str | None = None) -> Discovery:
    """A flow that reproduces ``log``: structure, owners, hours, durations, batches, waits and arrivals."""
    if not 0 <= min_share < 1:
        raise ParameterError("min_share", f"the minimum share must be at least 0 and below 1, not {min_share:g}",
                             f"最小の割合は 0 以上 1 未満にしてください（{min_share:g}）")
    prof = profile_log(log)
    lang = lang or _lang_of(log)
    lines: list[str] = [*log.stats.lines(lang)]
    asm = Assembly(log, prof, lang, lane_map or {}, set(customer_lanes or ()), lines)
    asm.find_owners()
    ids = {a: f"S{i + 1}" for i, a in enumerate(asm.order)}
    steps, waits, customer_set, entry_counts = asm.steps(ids)
    wait_steps, edges = asm.wait_steps(asm.edges(ids, min_share), waits, ids, customer_set)
    settings, step_list = asm.arrivals(steps, wait_steps, entry_counts, min_share)
    flow_name = name or _t(lang, f"{Path(log.source).stem} (discovered from the log)",
                           f"{Path(log.source).stem}（ログから発見）")
    flow = Flow(name=flow_name, language=lang, settings=settings, lanes=asm.lanes(step_list, customer_set),  # type: ignore[arg-type]  # lang is ja or en
                owners=list(asm.owners.values()), tools=[], steps=step_list, edges=edges)
    flow = _prune_unreachable(flow, lines, lang)
    from ._forks import make_forks

    flow = make_forks(flow, log, prof, lines, lang)
    for oname, o in asm.owners.items():
        if not o.is_system:
            lines.append(_t(lang, f"{oname}: {o.work_hours.text()} on {_days(o.work_days, lang)}, headcount {o.capacity}",
                            f"{oname}: {_days(o.work_days, lang)} {o.work_hours.text()}・{o.capacity} 人"))
    problems = check_flow(flow)
    if problems:  # pragma: no cover - discover builds flows that validate; say so loudly if not
        raise InputError(problems)
    if tune:
        from ._tuning import _tune_handoffs

        _tune_handoffs(flow, prof, lines, lang)
    return Discovery(flow, lines, prof)


def _days(days: list[int], lang: str) -> str:
    from ..model import days_text

    return days_text(days, lang)


def _prune_unreachable(flow: Flow, lines: list[str], lang: str) -> Flow:
    out: dict[str, list[str]] = defaultdict(list)
    for e in flow.edges:
        out[e.source].append(e.target)
    seen = set(flow.entry_steps())
    stack = list(seen)
    while stack:
        cur = stack.pop()
        for nxt in out[cur]:
            if nxt != END and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    gone = [s for s in flow.steps if s.id not in seen]
    if not gone:
        return flow
    lines.append(_t(lang, f"steps left out (reached only by dropped transitions): {', '.join(s.name for s in gone)}",
                    f"除いた工程（除いた遷移からしか到達しないもの）: {'、'.join(s.name for s in gone)}"))
    keep = [s for s in flow.steps if s.id in seen]
    edges = [e for e in flow.edges if e.source in seen and (e.target == END or e.target in seen)]
    by_src: dict[str, float] = defaultdict(float)
    for e in edges:
        by_src[e.source] += e.probability
    for e in edges:
        e.probability = round(e.probability / by_src[e.source], 4) if by_src[e.source] else 1.0
    used_owners = {o for s in keep for o in s.owners}
    owners = [o for o in flow.owners if o.name in used_owners]
    return flow.model_copy(update={"steps": keep, "edges": edges, "owners": owners})
