"""The words of a comparison shared by its text, Markdown, workbook and HTML renderers: money,
signed durations, minutes, field changes and the summary lines that answer first."""

from __future__ import annotations

from ..._lang import t
from ...compare import Comparison, FindingDelta, OwnerDelta
from .._common import join, pct
from ..simulation import duration_text

__all__ = ["FIELD_JA", "MODE_JA", "STATUS", "change_text", "finding_minutes", "minutes_text", "money", "owner_line",
           "signed_duration", "summary_lines"]

FIELD_JA = {"name": "工程名", "lane": "レーン", "owners": "担当者", "tools": "ツール", "mode": "方式", "duration": "所要時間",
            "batch": "バッチ条件", "next": "次工程", "join": "合流", "reads": "参照データ", "writes": "入力データ",
            "stage": "ステージ", "touchpoint": "接点", "emotion": "感情", "pain": "不満", "volume": "件数", "note": "メモ",
            "kind": "種別", "headcount": "人数", "hours": "勤務時間", "days": "勤務日", "cost": "時給", "category": "分類",
            "delay": "連絡の遅れ"}
MODE_JA = {"manual": "手動", "auto": "自動", "batch": "バッチ"}
STATUS = {"resolved": ("resolved", "解消"), "remaining": ("remaining", "残り"), "new": ("new", "新規")}


def money(amount: float | None, currency: str, lang: str) -> str:
    if amount is None:
        return t(lang, "n/a (no hourly cost)", "時給未設定")
    sign = "−" if amount < 0 else ""
    if currency.upper() == "JPY":
        return f"{sign}¥{abs(amount):,.0f}"
    return f"{sign}{abs(amount):,.0f} {currency}"


def signed_duration(minutes: float, lang: str) -> str:
    if abs(minutes) < 0.5:
        return t(lang, "±0 min", "±0分")
    return ("−" if minutes < 0 else "+") + duration_text(abs(minutes), lang)


def minutes_text(m: float) -> str:
    """Minutes for a table: whole above 10, one decimal below; a true minus sign (as money has), never '-0'."""
    text = f"{abs(m):,.0f}" if abs(m) >= 10 else f"{abs(m):,.1f}"
    return "−" + text if m < 0 and text.strip("0.,") else text


def _value(v: object, key: str, lang: str) -> str:
    if v is None or v == "" or v == []:
        return "—"
    if isinstance(v, list):
        return join([str(x) for x in v], lang)
    if key == "mode" and lang == "ja":
        return MODE_JA.get(str(v), str(v))
    return str(v)


def _field(key: str, lang: str) -> str:
    return FIELD_JA.get(key, key) if lang == "ja" else key


def change_text(changes: dict[str, tuple[object, object]], lang: str) -> str:
    return "; ".join(f"{_field(k, lang)}: {_value(a, k, lang)} → {_value(b, k, lang)}" for k, (a, b) in changes.items())


def _lead_line(c: Comparison, lang: str) -> str:
    sim = c.simulation
    if sim is None:
        return t(lang, "not simulated (--no-sim)", "シミュレーションなし（--no-sim）")
    lt = sim.lead_mean
    ci = ""
    if lt.ci95:
        ci = t(lang, f", 95% CI {signed_duration(lt.ci95[0], lang)} to {signed_duration(lt.ci95[1], lang)}",
               f"、95%信頼区間 {signed_duration(lt.ci95[0], lang)}〜{signed_duration(lt.ci95[1], lang)}")
    return t(lang, f"mean {duration_text(lt.before, lang)} → {duration_text(lt.after, lang)} ({signed_duration(lt.difference, lang)}{ci})",
             f"平均 {duration_text(lt.before, lang)} → {duration_text(lt.after, lang)}（{signed_duration(lt.difference, lang)}{ci}）")


def owner_line(o: OwnerDelta, c: Comparison, lang: str) -> str:
    m = money(o.cost_per_month_saved, c.currency, lang)
    util = f"{pct(o.before_utilization)} → {pct(o.after_utilization)}"
    if not o.in_after:
        return t(lang, f"{o.owner}: {minutes_text(o.before_minutes)} → 0 min/day (no longer in the flow), {m}/month",
                 f"{o.owner}: {minutes_text(o.before_minutes)} → 0 分/日（フローから外れる）、月 {m}")
    verb_en, verb_ja = ("freed", "空く") if o.freed >= 0 else ("added", "増える")
    return t(lang, f"{o.owner}: {minutes_text(o.before_minutes)} → {minutes_text(o.after_minutes)} min/day "
                   f"({minutes_text(abs(o.freed))} {verb_en}, utilization {util}), {m}/month",
             f"{o.owner}: {minutes_text(o.before_minutes)} → {minutes_text(o.after_minutes)} 分/日"
             f"（{minutes_text(abs(o.freed))} 分{verb_ja}、稼働率 {util}）、月 {m}")


def summary_lines(c: Comparison, lang: str) -> list[str]:
    """The answer: what the change frees, what it costs or saves, what it does to lead time and to the findings."""
    freed = c.freed_minutes
    n = {s: len(c.findings_by(s)) for s in STATUS}
    out = [
        t(lang, f"time freed: {minutes_text(freed)} min/day ({freed / 60:,.1f} h), {money(c.cost_per_month_saved, c.currency, lang)} a month",
          f"空く作業時間: 1日 {minutes_text(freed)} 分（{freed / 60:,.1f} 時間）、月 {money(c.cost_per_month_saved, c.currency, lang)} 相当"),
        t(lang, f"lead time: {_lead_line(c, lang)}", f"リードタイム: {_lead_line(c, lang)}"),
        t(lang, f"findings: {n['resolved']} resolved, {n['remaining']} remaining, {n['new']} new",
          f"指摘: 解消 {n['resolved']} 件・残り {n['remaining']} 件・新規 {n['new']} 件"),
    ]
    if c.simulation:
        for s in c.simulation.segments:
            ci = ""
            if s.ci95:
                ci = t(lang, f", 95% CI {signed_duration(s.ci95[0], lang)} to {signed_duration(s.ci95[1], lang)}",
                       f"、95%信頼区間 {signed_duration(s.ci95[0], lang)}〜{signed_duration(s.ci95[1], lang)}")
            out.append(t(lang, f"  {s.name} ({s.start}→{s.end}): mean {duration_text(s.before['mean'], lang)} → "
                               f"{duration_text(s.after['mean'], lang)} ({signed_duration(s.difference, lang)}{ci})",
                         f"  {s.name}（{s.start}→{s.end}）: 平均 {duration_text(s.before['mean'], lang)} → "
                         f"{duration_text(s.after['mean'], lang)}（{signed_duration(s.difference, lang)}{ci}）"))
    if c.cost_missing_owners:
        out.append(t(lang, f"no hourly cost for {join(c.cost_missing_owners, lang)}: their minutes are not in the money figure "
                           "(set 'cost' in Owners)",
                     f"{join(c.cost_missing_owners, lang)} は時給が未設定のため金額に含めていません（担当者シートの時給を入力してください）"))
    return out



def finding_minutes(f: FindingDelta) -> str:
    if f.status == "remaining":
        return f"{minutes_text(f.minutes_before or 0)} → {minutes_text(f.minutes_after or 0)}"
    m = f.minutes_before if f.status == "resolved" else f.minutes_after
    return minutes_text(m or 0) if m else ""
