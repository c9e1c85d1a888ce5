"""Render simulation results as text or JSON, and the event log as CSV."""

from __future__ import annotations

import csv
import io
import json

from .._atomic import csv_field
from .._lang import t
from ..capacity import capacity_line
from ..simulation.results import SimulationResult

__all__ = ["duration_text", "events_csv", "overload_lines", "to_json", "to_text"]


def to_json(r: SimulationResult) -> str:
    return json.dumps(r.to_dict(), ensure_ascii=False, indent=2) + "\n"


def duration_text(minutes: float, lang: str) -> str:
    """A calendar duration in the largest sensible units (2d 3h, 45 min)."""
    m = round(minutes)
    d, rem = divmod(m, 1440)
    h, mi = divmod(rem, 60)
    if lang == "ja":
        if d:
            return f"{d}日{h}時間"
        return f"{h}時間{mi}分" if h else f"{mi}分"
    if d:
        return f"{d}d {h}h"
    return f"{h}h {mi}m" if h else f"{mi} min"


def overload_lines(r: SimulationResult, lang: str) -> list[str]:
    return [t(lang, f"{w.owner} is overloaded: {w.utilization * 100:.0f} % of capacity; its queue grows without bound, "
                    "so figures at the horizon understate the waits",
              f"{w.owner} は過負荷です: 稼働枠の {w.utilization * 100:.0f} %。待ち行列が際限なく伸びるため、"
              "期間末の数値は待ち時間を過小に示します")
            for w in r.warnings]


def to_text(r: SimulationResult, lang: str, *, width: int = 110) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    con = Console(file=buf, width=width, color_system=None, highlight=False, emoji=False)
    s = r.settings
    con.print(Text(t(lang, "flowmap simulation", "flowmap シミュレーション結果"), style="bold"))
    con.print(t(lang, f"{s.days:g} days from {s.start}, {s.orders_per_day:g} orders/day, seed {s.seed}, "
                      f"{s.replications} replications",
                f"{s.start} から {s.days:g} 日間・1日 {s.orders_per_day:g} 件・乱数シード {s.seed}・反復 {s.replications} 回"))
    for line in overload_lines(r, lang):
        con.print(Text("! " + line))
    con.print(t(lang, f"cases: {r.arrived:.0f} arrived, {r.completed:.0f} completed, {r.in_progress:.0f} in progress at the end",
                f"案件: 到着 {r.arrived:.0f}・完了 {r.completed:.0f}・期間末に処理中 {r.in_progress:.0f}"))
    lt = r.lead_time
    ci = (t(lang, f" (95% CI {duration_text(lt.ci95[0], lang)} – {duration_text(lt.ci95[1], lang)})",
            f"（95%信頼区間 {duration_text(lt.ci95[0], lang)}〜{duration_text(lt.ci95[1], lang)}）") if lt.ci95 else "")
    con.print(t(lang, f"lead time: mean {duration_text(lt.mean, lang)}{ci}, median {duration_text(lt.p50, lang)}, "
                      f"p90 {duration_text(lt.p90, lang)}, p95 {duration_text(lt.p95, lang)}, max {duration_text(lt.max, lang)}",
                f"リードタイム: 平均 {duration_text(lt.mean, lang)}{ci}・中央値 {duration_text(lt.p50, lang)}・"
                f"90% {duration_text(lt.p90, lang)}・95% {duration_text(lt.p95, lang)}・最大 {duration_text(lt.max, lang)}"))
    for seg in r.segments:
        con.print(t(lang, f"segment {seg.name} ({seg.start} → {seg.end}): mean {duration_text(seg.mean, lang)}, "
                          f"median {duration_text(seg.p50, lang)}, p90 {duration_text(seg.p90, lang)}",
                    f"区間 {seg.name}（{seg.start} → {seg.end}）: 平均 {duration_text(seg.mean, lang)}・"
                    f"中央値 {duration_text(seg.p50, lang)}・90% {duration_text(seg.p90, lang)}"))
    cap = capacity_line(r.capacity, lang)
    if cap:
        con.print(cap)
    steps = sorted((x for x in r.steps if x.count), key=lambda x: -x.wait_mean_minutes)[:10]
    table = Table(title=t(lang, "Longest waits per step", "待ち時間の長い工程"), box=box.SIMPLE, title_justify="left")
    for h in (t(lang, "step", "工程"), t(lang, "name", "工程名"), t(lang, "count", "件数"),
              t(lang, "wait (mean)", "平均待ち"), t(lang, "work (mean)", "平均処理")):
        table.add_column(h, justify="right" if h in ("count", "件数") else "left")
    for x in steps:
        table.add_row(x.step, x.name, f"{x.count:,.0f}", duration_text(x.wait_mean_minutes, lang),
                      duration_text(x.service_mean_minutes, lang))
    con.print(table)
    table = Table(title=t(lang, "Utilization per owner (busy / scheduled time)", "担当者の稼働率（作業時間 / 勤務時間）"),
                  box=box.SIMPLE, title_justify="left")
    for h in (t(lang, "owner", "担当者"), t(lang, "utilization", "稼働率"), t(lang, "busy", "作業時間")):
        table.add_column(h)
    for o in r.owners:
        table.add_row(o.owner, f"{o.utilization * 100:.0f}%", t(lang, f"{o.busy_minutes / 60:,.1f} h", f"{o.busy_minutes / 60:,.1f} 時間"))
    con.print(table)
    if r.handoffs:
        table = Table(title=t(lang, "Handoffs", "引き継ぎ"), box=box.SIMPLE, title_justify="left")
        for h in (t(lang, "from", "渡す側"), t(lang, "to", "受ける側"), t(lang, "count", "件数"), t(lang, "wait (mean)", "平均待ち")):
            table.add_column(h)
        for hs in sorted(r.handoffs, key=lambda x: -x.wait_mean_minutes):
            table.add_row(hs.from_owner, hs.to_owner, f"{hs.count:,.0f}", duration_text(hs.wait_mean_minutes, lang))
        con.print(table)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def events_csv(r: SimulationResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows([csv_field(v) for v in row] for row in r.event_rows())  # no field read as a formula
    return buf.getvalue()
