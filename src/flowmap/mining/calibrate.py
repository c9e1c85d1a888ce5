"""Calibrate a modeled flow with an event log.

The log's figures replace the model's guesses where the log can know them:
each matched step's duration (and a batch step's run times), the shares of the
flow's own branches, arrivals (cases per day, entry volumes, hourly profile)
and each owner's working hours, days and headcount.  Everything the log cannot
know stays as it was: lanes, tools, data items, stages, touchpoints, emotions,
pains and notes, and the flow's structure (a transition the flow lacks is
reported, not added: ``check`` lists them).
"""

from __future__ import annotations

from collections import Counter

from ..io.eventlog import EventLog
from ..model import END, Flow, Step, check_flow
from .discover import discover, is_wait_step
from .profile import LogProfile, profile_log

__all__ = ["calibrate"]


def _t(lang: str, en: str, ja: str) -> str:
    return ja if lang == "ja" else en


def calibrate(flow: Flow, log: EventLog, *, lang: str | None = None) -> tuple[Flow, list[str]]:
    """The calibrated flow and what changed, one line per change."""
    lang = lang or flow.language
    prof = profile_log(log)
    found = discover(log, lang=flow.language, tune=False).flow
    new = flow.model_copy(deep=True)
    changes: list[str] = []
    disc_by_name = {s.name: s for s in found.steps if not is_wait_step(s)}
    act_index = {n: i for i, n in enumerate(log.activities)}
    step_act: dict[str, int] = {}
    for s in new.steps:
        a = act_index.get(s.name, act_index.get(s.id))
        if a is not None and prof.activities[a].count:
            step_act[s.id] = a

    _durations(new, log, step_act, disc_by_name, lang, changes)
    new = _shares(new, prof, step_act, lang, changes)
    _arrivals(new, found, prof, step_act, lang, changes)
    _owners(new, found, lang, changes)
    unmatched = [s.name for s in new.steps if s.id not in step_act and not is_wait_step(s)]
    if unmatched:
        changes.append(_t(lang, f"not in the log, kept as they were: {', '.join(unmatched)}",
                          f"ログになく、そのままの工程: {'、'.join(unmatched)}"))
    return new, changes


def _durations(new: Flow, log: EventLog, step_act: dict[str, int], disc_by_name: dict[str, Step], lang: str,
               changes: list[str]) -> None:
    """Each matched step's duration and batch times, as discovered."""
    for s in new.steps:
        a = step_act.get(s.id)
        if a is None:
            continue
        d = disc_by_name.get(log.activities[a])
        if d is None:
            continue
        if d.duration != s.duration:
            changes.append(_t(lang, f"{s.id} {s.name}: duration {s.duration.text()} → {d.duration.text()} min",
                              f"{s.id} {s.name}: 所要時間 {s.duration.text()} → {d.duration.text()} 分"))
            s.duration = d.duration
        if s.mode == "batch" and d.mode == "batch" and d.batch is not None and s.batch != d.batch:
            before = s.batch.text(lang) if s.batch else "-"
            changes.append(_t(lang, f"{s.id} {s.name}: batch {before} → {d.batch.text(lang)}",
                              f"{s.id} {s.name}: バッチ {before} → {d.batch.text(lang)}"))
            s.batch = d.batch


def _edge_counts(new: Flow, prof: LogProfile, step_act: dict[str, int]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for (a, b), c in prof.transitions.items():
        for sid, x in step_act.items():
            if x == a:
                for tid, y in step_act.items():
                    if y == b:
                        counts[(sid, tid)] += c
    for a, c in prof.ends.items():
        for sid, x in step_act.items():
            if x == a:
                counts[(sid, END)] += c
    return counts


def _shares(new: Flow, prof: LogProfile, step_act: dict[str, int], lang: str, changes: list[str]) -> Flow:
    """The shares of the flow's own branches as the log took them; the flow (a new one when a branch is dropped)."""
    counts = _edge_counts(new, prof, step_act)
    by_src: dict[str, list[int]] = {}
    for i, e in enumerate(new.edges):
        by_src.setdefault(e.source, []).append(i)
    missing: Counter[tuple[str, str]] = Counter()
    edge_pairs = {(e.source, e.target) for e in new.edges}
    for (src, tgt), c in counts.items():
        if (src, tgt) not in edge_pairs:
            missing[(src, tgt)] += c
    drop: set[int] = set()
    steps = new.step_map()
    for src, idxs in by_src.items():
        if len(idxs) < 2 or (steps.get(src) is not None and steps[src].fork):
            continue
        total = sum(counts[(src, new.edges[i].target)] for i in idxs)
        if total == 0:
            continue
        for i in idxs:
            e = new.edges[i]
            share = round(counts[(src, e.target)] / total, 4)
            if share == 0:
                drop.add(i)
            if abs(share - e.probability) >= 0.0005:
                changes.append(_t(lang, f"{src}→{e.target}: share {e.probability:g} → {share:g}",
                                  f"{src}→{e.target}: 割合 {e.probability:g} → {share:g}"))
                e.probability = share
        kept = [i for i in idxs if i not in drop]
        if kept:
            rest = round(1 - sum(new.edges[i].probability for i in kept), 4)
            new.edges[max(kept, key=lambda i: new.edges[i].probability)].probability += rest
    if drop:
        trial = new.model_copy(update={"edges": [e for i, e in enumerate(new.edges) if i not in drop]})
        if not check_flow(trial):
            new = trial
        else:  # keep an unobserved branch that holds the flow together, at a token share
            for i in drop:
                new.edges[i].probability = 0.001
            for idxs in by_src.values():
                tot = sum(new.edges[i].probability for i in idxs)
                for i in idxs:
                    new.edges[i].probability = round(new.edges[i].probability / tot, 4)
            changes.append(_t(lang, "branches the log never took are kept at 0.001 so every step stays reachable",
                              "ログに現れない分岐は、工程にたどり着けるよう 0.001 で残しました"))
    for (src, tgt), c in missing.most_common():
        changes.append(_t(lang, f"not changed: the log goes {src}→{tgt} in {c} cases; the flow has no such edge",
                          f"変更なし: ログには {src}→{tgt} が {c} 件ありますが、フローにその遷移がありません"))
    return new


def _arrivals(new: Flow, found: Flow, prof: LogProfile, step_act: dict[str, int], lang: str,
              changes: list[str]) -> None:
    """Cases per day, entry volumes and the hourly and weekday profiles."""
    rate = round(prof.arrivals_per_day(), 2)
    vols = {s.id: s.volume for s in new.steps if s.volume is not None and s.volume > 0}
    if vols:
        firsts = {sid: prof.activities[a].first for sid, a in step_act.items() if sid in vols}
        tot = sum(firsts.values())
        if tot:
            for s in new.steps:
                if s.id in vols:
                    v = round(rate * firsts.get(s.id, 0) / tot, 3)
                    if v != s.volume:
                        changes.append(_t(lang, f"{s.id}: volume {s.volume:g} → {v:g} cases/day",
                                          f"{s.id}: 件数 {s.volume:g} → {v:g} 件/日"))
                        s.volume = v if v > 0 else s.volume
    elif rate != new.settings.orders_per_day:
        changes.append(_t(lang, f"orders per day {new.settings.orders_per_day:g} → {rate:g}",
                          f"1日の注文数 {new.settings.orders_per_day:g} → {rate:g}"))
        new.settings.orders_per_day = rate
    for field, en, ja, en_span, ja_span in (("hourly_profile", "hourly", "時間帯別", "the day", "一日"),
                                            ("weekday_profile", "weekday", "曜日別", "the week", "一週間")):
        got = getattr(found.settings, field)
        if got != getattr(new.settings, field):
            changes.append(_t(lang, f"{en} arrival profile taken from the log" if got
                              else f"{en} arrival profile removed: the log's arrivals are even over {en_span}",
                              f"{ja}の到着比率をログから設定" if got
                              else f"{ja}の到着比率を削除（ログでは{ja_span}を通じて均等）"))
            setattr(new.settings, field, list(got))

def _owners(new: Flow, found: Flow, lang: str, changes: list[str]) -> None:
    """Each owner's working hours, days and headcount."""
    found_owners = found.owner_map()
    for o in new.owners:
        f = found_owners.get(o.name)
        if f is None or f.is_system or o.is_system:
            continue
        if f.hours is not None and o.work_hours != f.hours:
            changes.append(_t(lang, f"{o.name}: hours {o.work_hours.text()} → {f.hours.text()}",
                              f"{o.name}: 勤務時間 {o.work_hours.text()} → {f.hours.text()}"))
            o.hours = f.hours
        if f.days is not None and sorted(o.work_days) != sorted(f.days):
            from ..model import days_text

            changes.append(_t(lang, f"{o.name}: days {days_text(o.work_days, lang)} → {days_text(f.days, lang)}",
                              f"{o.name}: 勤務日 {days_text(o.work_days, lang)} → {days_text(f.days, lang)}"))
            o.days = f.days
        if f.headcount is not None and o.capacity != f.headcount:
            changes.append(_t(lang, f"{o.name}: headcount {o.capacity} → {f.headcount}",
                              f"{o.name}: 人数 {o.capacity} → {f.headcount}"))
            o.headcount = f.headcount
