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
  simulating the discovered flow and giving the sending step a communication
  delay that makes up the difference.
* Arrivals: cases per day and the hourly profile of their first events.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem
from ..io.eventlog import EventLog

# Same names as flowmap/__init__.py lists for .model: an import list, nothing to share.
from ..model import (
    END,
    Duration,
    Edge,
    Flow,
    Lane,
    Owner,
    Schedule,
    Settings,
    Step,
    Tool,
    WorkHours,
    check_flow,
)
from .fit import Fit, fit_duration, otsu_split, quantile
from .profile import MINUTES_PER_DAY, ActivityProfile, LogProfile, profile_log

__all__ = ["Discovery", "discover", "is_wait_step", "load_lane_map"]

CUSTOMER_LANE_WORDS = ("お客様", "顧客", "お客", "購入者", "customer", "client", "buyer", "shopper")
CUSTOMER_ACTIVITY_WORDS = ("注文", "入金", "支払", "決済", "キャンセル", "返品", "受取", "購入", "問い合わせ", "問合せ",
                           "order", "pay", "cancel", "return", "checkout", "purchase", "inquir")
CARRIER_WORDS = ("配達", "配送", "到着", "お届け", "delivery", "deliver", "carrier", "arriv")
SYSTEM_WORDS = ("システム", "system", "bot", "自動", "robot", "rpa", "api", "server", "サーバ")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
WAIT_KEY = "wait_for"


def is_wait_step(step: Step) -> bool:
    """A step discover added to hold a wait the log shows no activity for (check replays it silently)."""
    return WAIT_KEY in step.extra


def _has(name: str, words: tuple[str, ...]) -> bool:
    low = name.lower()
    return any(w.lower() in low for w in words)


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


def _floor(m: float, step: int = 30) -> int:
    return int(m // step * step)


def _ceil(m: float, step: int = 30) -> int:
    return int(math.ceil(m / step) * step)


def _hours_days(clocks: list[float], days: list[int]) -> tuple[WorkHours, list[int], bool]:
    """Working window (30-minute grid), working days and whether it is round the clock."""
    n = len(clocks)
    if n == 0:
        return WorkHours(), days, False
    hours = Counter(int(c // 60) for c in clocks)
    busy_hours = sum(1 for h in range(24) if hours[h] / n >= 0.005)
    if busy_hours >= 21 and len(days) == 7:
        return WorkHours(start=0, end=1440), days, True
    s = sorted(clocks)
    lo = _floor(quantile(s, 0.002))
    hi = min(1440, _floor(quantile(s, 0.998)) + 30)
    if hi - lo < 30:
        hi = min(1440, lo + 30)
    return WorkHours(start=lo, end=hi), days, False


def _max_concurrency(starts: list[float], ends: list[float]) -> int:
    runs = sorted(set(zip(starts, ends, strict=True)))
    events = [(s, 1) for s, _ in runs] + [(e, -1) for _, e in runs]
    events.sort(key=lambda x: (x[0], x[1]))
    cur = best = 0
    for _, d in events:
        cur += d
        best = max(best, cur)
    return max(1, best)


@dataclass
class _Batch:
    times: list[int]
    per_case: Fit
    how: str


def _batch_shared(ap: ActivityProfile) -> _Batch | None:
    """Executions sharing their start and end: a batch run; per-case time is the run over its size."""
    if len(ap.starts) < 20:
        return None
    runs: Counter[tuple[float, float]] = Counter(zip(ap.starts, ap.ends, strict=True))
    shared = sum(c for c in runs.values() if c >= 2)
    if shared < 0.5 * len(ap.starts) or len(runs) < 3:
        return None
    per_case = [(e - s) / c for (s, e), c in runs.items() for _ in range(c)]
    clocks = Counter(round(s % MINUTES_PER_DAY) for (s, _e) in runs)
    times = [t for t, c in clocks.most_common(4) if c >= 0.15 * len(runs)]
    if not times:
        floors = Counter(_floor(s % MINUTES_PER_DAY) for (s, _e) in runs)
        times = [t for t, c in floors.most_common(4) if c >= 0.15 * len(runs)]
    if not times:
        return None
    weighted_size = sum(c * c for c in runs.values()) / len(ap.starts)
    if weighted_size < 5:
        return None  # parallel servers starting and ending together, not runs of a batch
    return _Batch(sorted(times), fit_duration(per_case), "shared")


def _batch_bursts(ap: ActivityProfile, window: WorkHours) -> _Batch | None:
    """Completions (no start times) in bursts beginning at the same clock times each day: a daily batch."""
    ends = sorted(ap.all_ends)
    if len(ends) < 30:
        return None
    bursts: list[list[float]] = [[ends[0]]]
    for t in ends[1:]:
        cur = bursts[-1]
        if t - cur[-1] <= 20 and int(t // MINUTES_PER_DAY) == int(cur[0] // MINUTES_PER_DAY):
            cur.append(t)
        else:
            bursts.append([t])
    starts = Counter(_floor(b[0] % MINUTES_PER_DAY) for b in bursts)
    times = [t for t, c in starts.most_common(4) if c >= 0.1 * len(bursts)]
    covered = [b for b in bursts if _floor(b[0] % MINUTES_PER_DAY) in times]
    n_cov = sum(len(b) for b in covered)
    if not times or n_cov < 0.9 * len(ends):
        return None
    mean_size = n_cov / len(covered)
    offsets = [t - (int(b[0] // MINUTES_PER_DAY) * MINUTES_PER_DAY + _floor(b[0] % MINUTES_PER_DAY))
               for b in covered for t in b]
    spans = sorted(b[-1] - b[0] for b in covered)
    if mean_size < 3 or quantile(spans, 0.5) > 0.5 * max(30, window.minutes):
        return None  # work going on all day long, not runs at set times
    # every case of a run leaves when the run ends: fit the per-case time from the mean offset
    per = sum(offsets) / len(offsets) / mean_size
    return _Batch(sorted(times), fit_duration([per] * 3), "bursts")


def _work_minutes(a: float, b: float, hours: WorkHours, days: list[int]) -> float:
    """Minutes of [a, b] that fall in the working windows."""
    if b <= a:
        return 0.0
    total = 0.0
    d = int(a // MINUTES_PER_DAY)
    last = int(b // MINUTES_PER_DAY)
    while d <= last and d - int(a // MINUTES_PER_DAY) < 60:
        if (d + 3) % 7 in days:
            lo = max(a, d * MINUTES_PER_DAY + hours.start)
            hi = min(b, d * MINUTES_PER_DAY + hours.end)
            if hi > lo:
                total += hi - lo
        d += 1
    return total


def _lang_of(log: EventLog) -> str:
    return "ja" if any(_CJK.search(a) for a in log.activities) else "en"


def _t(lang: str, en: str, ja: str) -> str:
    return ja if lang == "ja" else en


def discover(log: EventLog, *, min_share: float = 0.0, lane_map: dict[str, str] | None = None,
             customer_lanes: set[str] | None = None, lang: str | None = None, tune: bool = True,
             name: str | None = None) -> Discovery:
    """A flow that reproduces ``log``: structure, owners, hours, durations, batches, waits and arrivals."""
    if not 0 <= min_share < 1:
        raise InputError([Problem("--min-share", f"min share must be at least 0 and below 1, not {min_share:g}",
                                  f"--min-share は 0 以上 1 未満にしてください（{min_share:g}）")])
    prof = profile_log(log)
    lang = lang or _lang_of(log)
    lane_map = lane_map or {}
    customer_lanes = set(customer_lanes or ())
    acts = prof.activities
    res_names = log.resources
    grp_names = log.groups
    src = Path(log.source).name
    lines: list[str] = [*log.stats.lines(lang)]

    # ---- order of activities: mean position of their first occurrence in a case
    pos_sum: Counter[int] = Counter()
    pos_n: Counter[int] = Counter()
    for path in prof.paths or []:
        seen: set[int] = set()
        for i, a in enumerate(path):
            if a not in seen:
                seen.add(a)
                pos_sum[a] += i
                pos_n[a] += 1
    order = sorted(range(len(acts)), key=lambda a: (pos_sum[a] / pos_n[a] if pos_n[a] else 1e9, a))
    order = [a for a in order if acts[a].count > 0]

    # ---- lanes
    def main_resource(ap: ActivityProfile) -> int:
        return ap.resources.most_common(1)[0][0] if ap.resources else 0

    customer_default = _t(lang, "Customer", "お客様")
    lane_of: dict[int, str] = {}
    for a in order:
        ap = acts[a]
        r = main_resource(ap)
        mapped = lane_map.get(ap.name) or (lane_map.get(res_names[r]) if r else None)
        if mapped:
            lane_of[a] = mapped
        elif ap.groups:
            lane_of[a] = grp_names[ap.groups.most_common(1)[0][0]]
        elif r:
            lane_of[a] = ""  # filled from the owner below
        elif _has(ap.name, CUSTOMER_ACTIVITY_WORDS):
            lane_of[a] = customer_default
        elif _has(ap.name, CARRIER_WORDS):
            lane_of[a] = _t(lang, "Delivery", "配送")
        else:
            lane_of[a] = _t(lang, "Shop", "ショップ")

    def is_customer_lane(lane: str) -> bool:
        return lane in customer_lanes or _has(lane, CUSTOMER_LANE_WORDS)

    # ---- owners
    res_acts: dict[int, Counter[int]] = defaultdict(Counter)
    for a in order:
        for r, c in acts[a].resources.items():
            res_acts[r][a] += c
    res_lane: dict[int, str] = {}
    for r, ac in res_acts.items():
        lanes_r: Counter[str] = Counter()
        for a, c in ac.items():
            if lane_of[a]:
                lanes_r[lane_of[a]] += c
        res_lane[r] = lane_map.get(res_names[r]) or (lanes_r.most_common(1)[0][0] if lanes_r else "")

    def is_customer_resource(r: int) -> bool:
        lane = res_lane.get(r, "")
        name = res_names[r]
        return bool(lane) and is_customer_lane(lane) and (name == lane or _has(name, CUSTOMER_LANE_WORDS))

    conc: dict[int, int] = {}

    def concurrency(r: int) -> int:
        if r not in conc:
            conc[r] = _max_concurrency(list(prof.resource_starts.get(r, [])), list(prof.resource_ends.get(r, [])))
        return conc[r]

    def rdays(r: int) -> list[int]:
        return prof.days_of(prof.resource_dates.get(r, set()))

    def is_system(r: int) -> bool:
        if is_customer_resource(r):
            return False
        if _has(res_names[r], SYSTEM_WORDS) or is_customer_lane(res_lane.get(r, "")):
            return True  # a system, or someone acting on the customer's side (a carrier): no staff queue
        if _hours_days(list(prof.resource_clock.get(r, [])), rdays(r))[2]:
            return True  # works round the clock
        return len(prof.resource_starts.get(r, ())) > 0 and concurrency(r) > 50

    system_res = {r for r in res_acts if is_system(r)}
    # people with the same lane and the same main activities are one team
    roles: dict[tuple[str, frozenset[int]], list[int]] = defaultdict(list)
    for r, ac in res_acts.items():
        if r in system_res or is_customer_resource(r):
            continue
        total = sum(ac.values())
        main = frozenset(a for a, c in ac.items() if c >= 0.1 * total)
        roles[(res_lane[r], main)].append(r)
    owner_of_res: dict[int, str] = {}
    owners: dict[str, Owner] = {}
    per_lane: Counter[str] = Counter(lane for lane, _ in roles)
    used_names = set(log.activities)
    for (lane, main), members in sorted(roles.items(), key=lambda kv: min(kv[1])):
        if len(members) == 1:
            r = members[0]
            oname = res_names[r]
            head = concurrency(r) if len(prof.resource_starts.get(r, ())) else 1
        else:
            base = lane or _t(lang, "team", "チーム")
            oname = _t(lang, f"{base} team", f"{base}チーム") if per_lane[lane] == 1 else \
                _t(lang, f"{acts[min(main)].name} team", f"{acts[min(main)].name}チーム")
            head = len(members)
        while oname in owners or (oname in used_names and oname not in res_names):
            oname += "'"
        clocks: list[float] = []
        dates: set[int] = set()
        for r in members:
            clocks.extend(prof.resource_clock.get(r, []))
            dates |= prof.resource_dates.get(r, set())
            owner_of_res[r] = oname
        hours, days, _always = _hours_days(clocks, prof.days_of(dates))
        owners[oname] = Owner(name=oname, lane=lane, kind="person" if head == 1 and len(members) == 1 else "team",
                              headcount=head, hours=hours, days=days)
        if len(members) > 1:
            lines.append(_t(lang, f"owner {oname}: {len(members)} people ({', '.join(res_names[m] for m in members[:6])})",
                            f"担当者 {oname}: {len(members)} 人（{'、'.join(res_names[m] for m in members[:6])}）"))
    for r in sorted(system_res):
        oname = res_names[r]
        owner_of_res[r] = oname
        owners[oname] = Owner(name=oname, lane=res_lane[r], kind="system")

    for a in order:
        if not lane_of[a]:
            r = main_resource(acts[a])
            lane_of[a] = res_lane.get(r) or owner_of_res.get(r, "") or _t(lang, "Shop", "ショップ")

    # ---- steps
    ids = {a: f"S{i + 1}" for i, a in enumerate(order)}
    steps: dict[int, Step] = {}
    waits: dict[int, tuple[Fit, float]] = {}  # activity → (wait fit, share of cases that wait)
    customer_set = {lane_of[a] for a in order if is_customer_lane(lane_of[a])}
    entry_counts = {a: acts[a].first for a in order if acts[a].first}
    for a in order:
        ap = acts[a]
        lane = lane_of[a]
        r = main_resource(ap)
        owner = owner_of_res.get(r, "") if r else ""
        in_customer = lane in customer_set
        if not owner and not in_customer:
            # an operator activity without a resource: someone named after it, working when it happens
            owner = _t(lang, f"{ap.name} staff", f"{ap.name}担当")
            if owner not in owners:
                hours, days, always = _hours_days(list(ap.clock), prof.days_of(ap.dates))
                if always or _has(ap.name, CARRIER_WORDS):
                    owners[owner] = Owner(name=owner, lane=lane, kind="system")
                else:
                    owners[owner] = Owner(name=owner, lane=lane, kind="team", headcount=1, hours=hours, days=days)
        o = owners.get(owner)
        note_parts: list[str] = []
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
            lines.append(_t(lang, f"{ap.name}: batch daily at {', '.join(f'{t // 60}:{t % 60:02d}' for t in b.times)}",
                            f"{ap.name}: 毎日 {', '.join(f'{t // 60}:{t % 60:02d}' for t in b.times)} のバッチ"))
        elif known:
            fit = fit_duration(list(ap.durations))
            if in_customer or (o is not None and o.is_system):
                gaps = list(ap.gaps)
                slow = [g for g in gaps if g > 1.0]
                if gaps and len(slow) >= max(3, 0.05 * len(gaps)) and sum(slow) / len(gaps) > 1.0:
                    waits[a] = (fit_duration(slow), len(slow) / len(gaps))
        elif a in entry_counts and ap.first >= 0.5 * ap.count:
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
            fit = _working_gap_fit(prof, a, o)
        steps[a] = Step(id=ids[a], name=ap.name, lane=lane, owners=[owner] if owner else [], mode=mode,  # type: ignore[arg-type]
                        duration=fit.duration, batch=batch)
        note_parts.insert(0, _t(lang, f"from {src}: {ap.count} executions; {fit.why(lang)}",
                                f"{src} から: 実行 {ap.count} 件。{fit.why(lang)}"))
        steps[a].note = " / ".join(note_parts)

    # ---- edges
    edges: list[Edge] = []
    dropped = 0
    for a in order:
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
        lines.append(_t(lang, f"{dropped} transitions below {min_share:.0%} dropped",
                        f"{min_share:.0%} 未満の遷移 {dropped} 本を除きました"))

    # ---- wait steps: a gap some cases show, on a way of its own
    wait_steps: list[Step] = []
    for a, (wfit, share) in waits.items():
        ins = [e for e in edges if e.target == ids[a]]
        if not ins or share <= 0.01:
            continue
        wid = f"W{len(wait_steps) + 1}"
        ap = acts[a]
        wname = _t(lang, f"waiting for {ap.name}", f"{ap.name}待ち")
        w = Step(id=wid, name=wname, lane=lane_of[a] if lane_of[a] in customer_set else customer_default,
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
        lines.append(_t(lang, f"{ap.name}: {share:.0%} of the cases wait first ({wfit.duration.text()} min)",
                        f"{ap.name}: {share:.0%} の案件が先に待つ（{wfit.duration.text()} 分）"))
    edges = [e for e in edges if e.probability > 0]

    # ---- arrivals and settings
    rate = prof.arrivals_per_day()
    entries = [a for a in order if entry_counts.get(a, 0) / max(1, prof.cases) >= max(min_share, 0.0)
               and entry_counts.get(a, 0) > 0]
    first_day = dt.date(1970, 1, 1) + dt.timedelta(days=int(prof.first_time // MINUTES_PER_DAY))
    profile = prof.hourly_profile()
    flat = all(abs(x - 1) < 0.35 for x in profile)
    settings = Settings(orders_per_day=round(rate, 2), days=max(1, round(prof.span_days)), start=first_day,
                        hourly_profile=[] if flat else profile)
    entry_total = sum(entry_counts[a] for a in entries) or 1
    step_list = [steps[a] for a in order] + wait_steps
    if len(entries) > 1:
        for a in entries:
            steps[a].volume = round(rate * entry_counts[a] / entry_total, 3)
    elif entries and order[0] != entries[0]:
        # the first step of the list is where cases start when no step has a volume
        step_list.remove(steps[entries[0]])
        step_list.insert(0, steps[entries[0]])
    wk = prof.weekday_profile()
    names_wd = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") if lang == "en" else ("月", "火", "水", "木", "金", "土", "日")
    lines.append(_t(lang, f"arrivals: {rate:.1f} cases/day; weekday profile " +
                    ", ".join(f"{n} {x:.2f}" for n, x in zip(names_wd, wk, strict=True)) +
                    ("" if flat else "; hourly profile kept in the settings"),
                    f"到着: 1日 {rate:.1f} 件。曜日別の比 " + "、".join(f"{n} {x:.2f}" for n, x in zip(names_wd, wk, strict=True)) +
                    ("" if flat else "。時間帯別の比を設定に記録")))
    lanes = []
    seen_lanes: set[str] = set()
    for s in step_list:
        if s.lane not in seen_lanes:
            seen_lanes.add(s.lane)
            lanes.append(Lane(name=s.lane, kind="customer" if s.lane in customer_set else "operator"))
    for o in owners.values():
        if o.lane and o.lane not in seen_lanes:
            seen_lanes.add(o.lane)
            lanes.append(Lane(name=o.lane, kind="customer" if o.lane in customer_set else "operator"))
    flow_name = name or _t(lang, f"{Path(log.source).stem} (discovered from the log)",
                           f"{Path(log.source).stem}（ログから発見）")
    flow = Flow(name=flow_name, language=lang, settings=settings, lanes=lanes,  # type: ignore[arg-type]
                owners=list(owners.values()), tools=[], steps=step_list, edges=edges)
    flow = _prune_unreachable(flow, lines, lang)
    for oname, o in owners.items():
        if not o.is_system:
            lines.append(_t(lang, f"{oname}: {o.work_hours.text()} on {_days(o.work_days, lang)}, headcount {o.capacity}",
                            f"{oname}: {_days(o.work_days, lang)} {o.work_hours.text()}・{o.capacity} 人"))
    problems = check_flow(flow)
    if problems:  # pragma: no cover - discover builds flows that validate; say so loudly if not
        raise InputError(problems)
    if tune:
        _tune_handoffs(flow, prof, lines, lang)
    return Discovery(flow, lines, prof)


def _days(days: list[int], lang: str) -> str:
    from ..model import days_text

    return days_text(days, lang)


def _working_gap_fit(prof: LogProfile, a: int, o: Owner | None) -> Fit:
    """Complete-only operator work: the working minutes between the previous event and this one."""
    hours = o.work_hours if o else WorkHours()
    days = o.work_days if o else list(range(7))
    vals: list[float] = []
    # the per-activity gaps lose the previous end time; rebuild them from the traces
    for tr in prof.log.traces():
        prev_end = math.nan
        for x, e in zip(tr.activities, tr.ends, strict=True):
            if x == a and not math.isnan(prev_end):
                vals.append(_work_minutes(prev_end, e, hours, days))
            prev_end = e
    return fit_duration(vals)


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


# ------------------------------------------------------------ handoff delays

def _handoff_pairs(flow: Flow) -> dict[str, list[str]]:
    """For each step, its successors reached by a handoff in the simulation (people → other people)."""
    from ..model import people_of

    owners = flow.owner_map()
    customer = flow.customer_lanes()
    steps = flow.step_map()
    pairs: dict[str, list[str]] = defaultdict(list)
    for e in flow.edges:
        if e.target == END:
            continue
        a, b = steps[e.source], steps[e.target]
        pa, pb = people_of(a, owners, customer), people_of(b, owners, customer)
        if pa and pb and "・".join(a.owners) != "・".join(b.owners):
            pairs[a.id].append(b.id)
    return pairs


def _mean_gaps(events: list[tuple[int, str, str, str, float, float]]) -> dict[tuple[str, str], tuple[float, int, float]]:
    """Per transition of a simulated log: mean gap, count and sum of squares."""
    by_case: dict[int, list[tuple[float, float, str]]] = defaultdict(list)
    for cid, act, _res, _lane, s, e in events:
        by_case[cid].append((s, e, act))
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0, 0.0])
    for evs in by_case.values():
        evs.sort()
        for (_s0, e0, a0), (s1, _e1, a1) in itertools.pairwise(evs):
            x = acc[(a0, a1)]
            g = max(0.0, s1 - e0)
            x[0] += g
            x[1] += 1
            x[2] += g * g
    return {k: (v[0] / v[1], int(v[1]), v[2]) for k, v in acc.items() if v[1]}


def _tune_handoffs(flow: Flow, prof: LogProfile, lines: list[str], lang: str) -> None:
    """Give sending steps a communication delay that makes the simulated handoff waits match the log's.

    The wait after a handoff grows faster than the delay (a delay that runs past closing time
    waits for the next morning), so each step's delay is found by the secant method over a few
    simulations with the same random numbers; differences within the noise of the two means
    (three standard errors, at least 5 minutes or 5 %) are left alone.
    """
    from ..simulation import simulate

    pairs = _handoff_pairs(flow)
    if not pairs:
        return
    steps = flow.step_map()
    name_to_act = {n: i for i, n in enumerate(prof.log.activities)}
    want: dict[str, tuple[float, float]] = {}  # step → (log mean gap, its standard error)
    for sid, targets in pairs.items():
        xs: list[float] = []
        a = name_to_act.get(steps[sid].name)
        for t in targets:
            b = name_to_act.get(steps[t].name)
            if a is not None and b is not None:
                xs.extend(prof.transition_gaps.get((a, b), []))
        if len(xs) >= 10:
            m = sum(xs) / len(xs)
            sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))
            want[sid] = (m, sd / math.sqrt(len(xs)))
    if not want:
        return
    delays: dict[str, float] = {}
    history: dict[str, list[tuple[float, float]]] = defaultdict(list)  # (delay, simulated gap)
    days = max(1.0, min(prof.span_days, 120.0))
    for _round in range(4):
        _apply_delays(flow, delays, lang)
        res = simulate(flow, days=days, replications=1, seed=1, events=True, start=flow.settings.start)
        sim = _mean_gaps(res.replications[0].events)
        changed = False
        for sid, (target, se) in want.items():
            tot, n, sq = 0.0, 0, 0.0
            for t in pairs[sid]:
                g = sim.get((steps[sid].name, steps[t].name))
                if g:
                    tot += g[0] * g[1]
                    n += g[1]
                    sq += g[2]
            if n < 2:
                continue
            have = tot / n
            sim_se = math.sqrt(max(0.0, sq / n - have * have) / n)
            cur = delays.get(sid, 0.0)
            history[sid].append((cur, have))
            diff = target - have
            if abs(diff) <= max(5.0, 0.05 * target, 3 * math.sqrt(se * se + sim_se * sim_se)):
                continue
            h = history[sid]
            if len(h) >= 2 and h[-1][0] != h[-2][0]:
                slope = (h[-1][1] - h[-2][1]) / (h[-1][0] - h[-2][0])
                step = diff / slope if slope > 0.2 else diff
            else:
                step = diff * 0.5
            new = max(0.0, cur + step)
            if new < 0.5:
                if sid in delays:
                    del delays[sid]
                    changed = True
                continue
            delays[sid] = new
            changed = True
        if not changed:
            break
    _apply_delays(flow, delays, lang)
    for sid, d in delays.items():
        lines.append(_t(lang, f"{steps[sid].name}: handoff wait {d:.0f} min on average beyond queues and hours",
                        f"{steps[sid].name}: 待ち行列と勤務時間のほかに引き継ぎ待ち 平均 {d:.0f} 分"))


def _apply_delays(flow: Flow, delays: dict[str, float], lang: str) -> None:
    keep = [t for t in flow.tools if not t.name.startswith(_t(lang, "handoff: ", "引き継ぎ: "))]
    for s in flow.steps:
        s.tools = [t for t in s.tools if not t.startswith(_t(lang, "handoff: ", "引き継ぎ: "))]
    for sid, d in delays.items():
        s = flow.step_map()[sid]
        tname = _t(lang, f"handoff: {s.name}", f"引き継ぎ: {s.name}")
        keep.append(Tool(name=tname, category="communication", delay=Duration(kind="exponential", params=(round(d, 1),))))
        s.tools.append(tname)
    flow.tools = keep

