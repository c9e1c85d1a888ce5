"""discover's work on one log, section by section: the order of activities, lanes, owners,
steps, edges, wait steps, arrivals and the lanes list (see :mod:`.discover` for the rules)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

from ..io.eventlog import EventLog
from ..model import END, Edge, Lane, Owner, Schedule, Settings, Step
from ._timing import _batch_bursts, _batch_shared, _hours_days, _max_concurrency, _working_gap_fit
from ._vocab import (
    CARRIER_WORDS,
    CUSTOMER_ACTIVITY_WORDS,
    CUSTOMER_LANE_WORDS,
    SYSTEM_WORDS,
    WAIT_KEY,
    _has,
    _t,
)
from .fit import Fit, fit_duration, otsu_split
from .profile import MINUTES_PER_DAY, ActivityProfile, LogProfile


def _main_resource(ap: ActivityProfile) -> int:
    return ap.resources.most_common(1)[0][0] if ap.resources else 0


class Assembly:
    """The figures of one log turned into the parts of a flow; ``lines`` collects what was inferred."""

    def __init__(self, log: EventLog, prof: LogProfile, lang: str, lane_map: dict[str, str],
                 customer_lanes: set[str], lines: list[str]) -> None:
        self.log, self.prof, self.lang, self.lines = log, prof, lang, lines
        self.lane_map, self.customer_lanes = lane_map, customer_lanes
        self.acts = prof.activities
        self.res_names = log.resources
        self.src = Path(log.source).name
        self.customer_default = _t(lang, "Customer", "お客様")
        self.order = self._activity_order()
        self.lane_of = self._lanes()
        self.res_lane: dict[int, str] = {}
        self.owners: dict[str, Owner] = {}
        self.owner_of_res: dict[int, str] = {}
        self._conc: dict[int, int] = {}

    # ---- order of activities: mean position of their first occurrence in a case
    def _activity_order(self) -> list[int]:
        acts = self.acts
        pos_sum: Counter[int] = Counter()
        pos_n: Counter[int] = Counter()
        for path in self.prof.paths or []:
            seen: set[int] = set()
            for i, a in enumerate(path):
                if a not in seen:
                    seen.add(a)
                    pos_sum[a] += i
                    pos_n[a] += 1
        order = sorted(range(len(acts)), key=lambda a: (pos_sum[a] / pos_n[a] if pos_n[a] else 1e9, a))
        return [a for a in order if acts[a].count > 0]

    # ---- lanes
    def _lanes(self) -> dict[int, str]:
        lang, lane_map, res_names, grp_names = self.lang, self.lane_map, self.res_names, self.log.groups
        lane_of: dict[int, str] = {}
        for a in self.order:
            ap = self.acts[a]
            r = _main_resource(ap)
            mapped = lane_map.get(ap.name) or (lane_map.get(res_names[r]) if r else None)
            if mapped:
                lane_of[a] = mapped
            elif ap.groups:
                lane_of[a] = grp_names[ap.groups.most_common(1)[0][0]]
            elif r:
                lane_of[a] = ""  # filled from the owner below
            elif _has(ap.name, CUSTOMER_ACTIVITY_WORDS):
                lane_of[a] = self.customer_default
            elif _has(ap.name, CARRIER_WORDS):
                lane_of[a] = _t(lang, "Delivery", "配送")
            else:
                lane_of[a] = _t(lang, "Shop", "ショップ")
        return lane_of

    def is_customer_lane(self, lane: str) -> bool:
        return lane in self.customer_lanes or _has(lane, CUSTOMER_LANE_WORDS)

    # ---- owners
    def is_customer_resource(self, r: int) -> bool:
        lane = self.res_lane.get(r, "")
        name = self.res_names[r]
        return bool(lane) and self.is_customer_lane(lane) and (name == lane or _has(name, CUSTOMER_LANE_WORDS))

    def concurrency(self, r: int) -> int:
        conc, prof = self._conc, self.prof
        if r not in conc:
            conc[r] = _max_concurrency(list(prof.resource_starts.get(r, [])), list(prof.resource_ends.get(r, [])))
        return conc[r]

    def is_system(self, r: int) -> bool:
        prof = self.prof
        if self.is_customer_resource(r):
            return False
        if _has(self.res_names[r], SYSTEM_WORDS) or self.is_customer_lane(self.res_lane.get(r, "")):
            return True  # a system, or someone acting on the customer's side (a carrier): no staff queue
        if _hours_days(list(prof.resource_clock.get(r, [])), prof.days_of(prof.resource_dates.get(r, set())))[2]:
            return True  # works round the clock
        return len(prof.resource_starts.get(r, ())) > 0 and self.concurrency(r) > 50

    def find_owners(self) -> None:
        """Resources become owners: systems, and people grouped into teams by lane and main activities."""
        lane_of, res_names = self.lane_of, self.res_names
        res_acts: dict[int, Counter[int]] = defaultdict(Counter)
        for a in self.order:
            for r, c in self.acts[a].resources.items():
                res_acts[r][a] += c
        for r, ac in res_acts.items():
            lanes_r: Counter[str] = Counter()
            for a, c in ac.items():
                if lane_of[a]:
                    lanes_r[lane_of[a]] += c
            self.res_lane[r] = self.lane_map.get(res_names[r]) or (lanes_r.most_common(1)[0][0] if lanes_r else "")
        system_res = {r for r in res_acts if self.is_system(r)}
        # people with the same lane and the same main activities are one team
        roles: dict[tuple[str, frozenset[int]], list[int]] = defaultdict(list)
        for r, ac in res_acts.items():
            if r in system_res or self.is_customer_resource(r):
                continue
            total = sum(ac.values())
            main = frozenset(a for a, c in ac.items() if c >= 0.1 * total)
            roles[(self.res_lane[r], main)].append(r)
        per_lane: Counter[str] = Counter(lane for lane, _ in roles)
        for (lane, main), members in sorted(roles.items(), key=lambda kv: min(kv[1])):
            self._team(lane, main, members, per_lane[lane] == 1)
        for r in sorted(system_res):
            oname = res_names[r]
            self.owner_of_res[r] = oname
            self.owners[oname] = Owner(name=oname, lane=self.res_lane[r], kind="system")
        for a in self.order:
            if not lane_of[a]:
                r = _main_resource(self.acts[a])
                lane_of[a] = self.res_lane.get(r) or self.owner_of_res.get(r, "") or _t(self.lang, "Shop", "ショップ")

    def _team(self, lane: str, main: frozenset[int], members: list[int], only_in_lane: bool) -> None:
        """One owner for ``members``: a person, or a team named after its lane (or its main activity)."""
        lang, prof, res_names, owners = self.lang, self.prof, self.res_names, self.owners
        if len(members) == 1:
            r = members[0]
            oname = res_names[r]
            head = self.concurrency(r) if len(prof.resource_starts.get(r, ())) else 1
        else:
            base = lane or _t(lang, "team", "チーム")
            oname = _t(lang, f"{base} team", f"{base}チーム") if only_in_lane else \
                _t(lang, f"{self.acts[min(main)].name} team", f"{self.acts[min(main)].name}チーム")
            head = len(members)
        used_names = set(self.log.activities)
        while oname in owners or (oname in used_names and oname not in res_names):
            oname += "'"
        clocks: list[float] = []
        dates: set[int] = set()
        for r in members:
            clocks.extend(prof.resource_clock.get(r, []))
            dates |= prof.resource_dates.get(r, set())
            self.owner_of_res[r] = oname
        hours, days, _always = _hours_days(clocks, prof.days_of(dates))
        owners[oname] = Owner(name=oname, lane=lane, kind="person" if head == 1 and len(members) == 1 else "team",
                              headcount=head, hours=hours, days=days)
        if len(members) > 1:
            self.lines.append(_t(lang, f"owner {oname}: {len(members)} people ({', '.join(res_names[m] for m in members[:6])})",
                                 f"担当者 {oname}: {len(members)} 人（{'、'.join(res_names[m] for m in members[:6])}）"))

    # ---- steps
    def steps(self, ids: dict[int, str]) -> tuple[dict[int, Step], dict[int, tuple[Fit, float]], set[str], dict[int, int]]:
        """A step per activity; the waits some cases show (activity → (wait fit, share of cases that wait)), the
        customer lanes and the cases that start at each activity."""
        customer_set = {self.lane_of[a] for a in self.order if self.is_customer_lane(self.lane_of[a])}
        entry_counts = {a: self.acts[a].first for a in self.order if self.acts[a].first}
        waits: dict[int, tuple[Fit, float]] = {}
        steps = {a: self._step(a, ids[a], self.lane_of[a] in customer_set, a in entry_counts, waits)
                 for a in self.order}
        return steps, waits, customer_set, entry_counts

    def _step(self, a: int, sid: str, in_customer: bool, is_entry: bool, waits: dict[int, tuple[Fit, float]]) -> Step:
        lang, prof, owners = self.lang, self.prof, self.owners
        ap = self.acts[a]
        lane = self.lane_of[a]
        r = _main_resource(ap)
        owner = self.owner_of_res.get(r, "") if r else ""
        if not owner and not in_customer:
            # an operator activity without a resource: someone named after it, working when it happens
            owner = _t(lang, f"{ap.name} staff", f"{ap.name}担当")
            if owner not in owners:
                hours, days, always = _hours_days(list(ap.clock), prof.days_of(ap.dates))
                if always or _has(ap.name, CARRIER_WORDS):
                    owners[owner] = Owner(name=owner, lane=lane, kind="system")
                else:
                    owners[owner] = Owner(name=owner, lane=lane, kind="team", headcount=1, hours=hours, days=days)
        note_parts: list[str] = []
        mode, batch, fit = self._timing(a, owners.get(owner), in_customer, is_entry, waits, note_parts)
        step = Step(id=sid, name=ap.name, lane=lane, owners=[owner] if owner else [], mode=mode,  # type: ignore[arg-type]  # _timing returns manual/auto/batch
                    duration=fit.duration, batch=batch)
        note_parts.insert(0, _t(lang, f"from {self.src}: {ap.count} executions; {fit.why(lang)}",
                                f"{self.src} から: 実行 {ap.count} 件。{fit.why(lang)}"))
        step.note = " / ".join(note_parts)
        return step

    def _timing(self, a: int, o: Owner | None, in_customer: bool, is_entry: bool, waits: dict[int, tuple[Fit, float]],
                note_parts: list[str]) -> tuple[str, Schedule | None, Fit]:
        """The step's mode, batch schedule and duration fit; a wait some cases show goes into ``waits``."""
        lang, ap = self.lang, self.acts[a]
        mode = "manual"
        batch: Schedule | None = None
        known = ap.starts_known >= 0.5 * ap.count and ap.starts_known > 0
        fit: Fit
        if o is not None and o.is_system:
            mode = "auto"
        b = None
        if o is not None and not o.is_system and not in_customer:
            b = _batch_shared(ap) if known else _batch_bursts(ap, o.work_hours)
        if b is not None:
            mode = "batch"
            batch = Schedule(kind="daily", times=b.times)
            fit = b.per_case
            note_parts.append(_t(lang, f"batch: runs start at {', '.join(f'{t // 60}:{t % 60:02d}' for t in b.times)}",
                                 f"バッチ: {', '.join(f'{t // 60}:{t % 60:02d}' for t in b.times)} に一括処理"))
            self.lines.append(_t(lang, f"{ap.name}: batch daily at {', '.join(f'{t // 60}:{t % 60:02d}' for t in b.times)}",
                                 f"{ap.name}: 毎日 {', '.join(f'{t // 60}:{t % 60:02d}' for t in b.times)} のバッチ"))
        elif known:
            fit = fit_duration(list(ap.durations))
            if in_customer or (o is not None and o.is_system):
                gaps = list(ap.gaps)
                slow = [g for g in gaps if g > 1.0]
                if gaps and len(slow) >= max(3, 0.05 * len(gaps)) and sum(slow) / len(gaps) > 1.0:
                    waits[a] = (fit_duration(slow), len(slow) / len(gaps))
        elif is_entry and ap.first >= 0.5 * ap.count:
            fit = fit_duration([0.0])
        elif in_customer or o is None or o.is_system:
            gaps = list(ap.gaps)
            split = otsu_split(gaps)
            if split is not None:
                thr, share = split
                fit = fit_duration([g for g in gaps if g <= thr])
                waits[a] = (fit_duration([g for g in gaps if g > thr]), share)
            else:
                fit = fit_duration(gaps)
        else:
            fit = _working_gap_fit(self.prof, a, o)
        return mode, batch, fit

    # ---- edges
    def edges(self, ids: dict[int, str], min_share: float) -> list[Edge]:
        prof = self.prof
        edges: list[Edge] = []
        dropped = 0
        for a in self.order:
            outs: Counter[int] = Counter({b: c for (x, b), c in prof.transitions.items() if x == a})
            total = sum(outs.values()) + prof.ends[a]
            targets: list[tuple[str, int]] = [(ids[b], c) for b, c in outs.items() if b in ids]
            if prof.ends[a]:
                targets.append((END, prof.ends[a]))
            if not targets:
                targets = [(END, 1)]
                total = 1
            kept = [(t, c) for t, c in targets if c / total >= min_share] or [max(targets, key=lambda x: x[1])]
            dropped += len(targets) - len(kept)
            kt = sum(c for _, c in kept)
            probs = [round(c / kt, 4) for _, c in kept]
            probs[probs.index(max(probs))] += round(1 - sum(probs), 4)
            for (t, _c), p in zip(kept, probs, strict=True):
                if p > 0:
                    edges.append(Edge(source=ids[a], target=t, probability=p))
        if dropped:
            self.lines.append(_t(self.lang, f"{dropped} transitions below {min_share:.0%} dropped",
                                 f"{min_share:.0%} 未満の遷移 {dropped} 本を除きました"))
        return edges

    # ---- wait steps: a gap some cases show, on a way of its own
    def wait_steps(self, edges: list[Edge], waits: dict[int, tuple[Fit, float]], ids: dict[int, str],
                   customer_set: set[str]) -> tuple[list[Step], list[Edge]]:
        lang, src = self.lang, self.src
        wait_steps: list[Step] = []
        for a, (wfit, share) in waits.items():
            ins = [e for e in edges if e.target == ids[a]]
            if not ins or share <= 0.01:
                continue
            wid = f"W{len(wait_steps) + 1}"
            ap = self.acts[a]
            wname = _t(lang, f"waiting for {ap.name}", f"{ap.name}待ち")
            w = Step(id=wid, name=wname, lane=self.lane_of[a] if self.lane_of[a] in customer_set else self.customer_default,
                     mode="manual", duration=wfit.duration, extra={WAIT_KEY: ap.name},
                     note=_t(lang, f"from {src}: {share:.0%} of the cases wait before {ap.name}; {wfit.why(lang)}",
                             f"{src} から: {share:.0%} の案件が「{ap.name}」の前に待つ。{wfit.why(lang)}"))
            if w.lane not in customer_set:
                customer_set.add(w.lane)
            wait_steps.append(w)
            for e in ins:
                p = e.probability
                e.probability = round(p * (1 - share), 4)
                edges.append(Edge(source=e.source, target=wid, probability=round(p - e.probability, 4)))
            edges.append(Edge(source=wid, target=ids[a], probability=1.0))
            self.lines.append(_t(lang, f"{ap.name}: {share:.0%} of the cases wait first ({wfit.duration.text()} min)",
                                 f"{ap.name}: {share:.0%} の案件が先に待つ（{wfit.duration.text()} 分）"))
        return wait_steps, [e for e in edges if e.probability > 0]

    # ---- arrivals and settings
    def arrivals(self, steps: dict[int, Step], wait_steps: list[Step], entry_counts: dict[int, int],
                 min_share: float) -> tuple[Settings, list[Step]]:
        """The settings (rate, days, start, hourly and weekday profiles) and the steps in order, the entry first."""
        prof, lang, order = self.prof, self.lang, self.order
        rate = prof.arrivals_per_day()
        entries = [a for a in order if entry_counts.get(a, 0) / max(1, prof.cases) >= max(min_share, 0.0)
                   and entry_counts.get(a, 0) > 0]
        first_day = dt.date(1970, 1, 1) + dt.timedelta(days=int(prof.first_time // MINUTES_PER_DAY))
        profile = prof.hourly_profile()
        flat = all(abs(x - 1) < 0.35 for x in profile)
        wk = prof.weekday_profile()
        weekly = prof.weekday_uneven()
        settings = Settings(orders_per_day=round(rate, 2), days=max(1, round(prof.span_days)), start=first_day,
                            hourly_profile=[] if flat else profile, weekday_profile=wk if weekly else [])
        entry_total = sum(entry_counts[a] for a in entries) or 1
        step_list = [steps[a] for a in order] + wait_steps
        if len(entries) > 1:
            for a in entries:
                steps[a].volume = round(rate * entry_counts[a] / entry_total, 3)
        elif entries and order[0] != entries[0]:
            # the first step of the list is where cases start when no step has a volume
            step_list.remove(steps[entries[0]])
            step_list.insert(0, steps[entries[0]])
        names_wd = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") if lang == "en" else ("月", "火", "水", "木", "金", "土", "日")
        kept = [x for x, on in ((_t(lang, "weekday", "曜日別"), weekly), (_t(lang, "hourly", "時間帯別"), not flat)) if on]
        self.lines.append(_t(lang, f"arrivals: {rate:.1f} cases/day; weekday profile " +
                             ", ".join(f"{n} {x:.2f}" for n, x in zip(names_wd, wk, strict=True)) +
                             ("" if weekly else " (even within chance: not kept)") +
                             (f"; {' and '.join(kept)} profile kept in the settings" if kept else ""),
                             f"到着: 1日 {rate:.1f} 件。曜日別の比 " + "、".join(f"{n} {x:.2f}" for n, x in zip(names_wd, wk, strict=True)) +
                             ("" if weekly else "（偶然の範囲で均等のため記録しない）") +
                             (f"。{'と'.join(kept)}の比を設定に記録" if kept else "")))
        return settings, step_list

    def lanes(self, step_list: list[Step], customer_set: set[str]) -> list[Lane]:
        """The lanes in the order their steps come, then the owners' lanes without a step."""
        lanes = []
        seen_lanes: set[str] = set()
        for s in step_list:
            if s.lane not in seen_lanes:
                seen_lanes.add(s.lane)
                lanes.append(Lane(name=s.lane, kind="customer" if s.lane in customer_set else "operator"))
        for o in self.owners.values():
            if o.lane and o.lane not in seen_lanes:
                seen_lanes.add(o.lane)
                lanes.append(Lane(name=o.lane, kind="customer" if o.lane in customer_set else "operator"))
        return lanes
