"""Labels shared by the renderers."""

from __future__ import annotations

SEVERITY_JA = {"high": "高", "medium": "中", "low": "低"}
ANALYZER_JA = {
    "duplication": "作業の重複", "tool_scatter": "手段の分散", "workload_imbalance": "業務量の偏重",
    "handoffs": "引き継ぎ", "automation": "自動化候補", "journey": "顧客体験",
}
ANALYZER_EN = {
    "duplication": "duplicated work", "tool_scatter": "tool scatter", "workload_imbalance": "workload imbalance",
    "handoffs": "handoffs", "automation": "automation", "journey": "customer journey",
}


def severity_label(sev: str, lang: str) -> str:
    return SEVERITY_JA[sev] if lang == "ja" else sev


def analyzer_label(name: str, lang: str) -> str:
    return (ANALYZER_JA if lang == "ja" else ANALYZER_EN).get(name, name)


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def join(items: list[str], lang: str) -> str:
    return ("、" if lang == "ja" else ", ").join(items)
