"""The README's analyzer tables, made from the analyzers' declarations
(a test checks that README.md holds exactly these)."""

from __future__ import annotations

from .registry import ANALYZERS

__all__ = ["reasons_table", "severity_table", "thresholds_table"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def severity_table(lang: str = "en") -> str:
    """Markdown: analyzer, finding code, condition, severity (first matching row wins)."""
    ja = lang == "ja"
    head = "| 分析 | 指摘コード | 条件 | 重要度 |" if ja else "| analyzer | finding code | condition | severity |"
    rows = [head, "|---|---|---|---|"]
    for spec in ANALYZERS.values():
        for code, grades in spec.codes.items():
            for g in grades:
                rows.append(f"| `{spec.name}` | `{code}` | {_cell(g.ja if ja else g.en)} | {g.severity} |")
    return "\n".join(rows) + "\n"


def thresholds_table(lang: str = "en") -> str:
    """Markdown: settings key, default, analyzer, meaning."""
    ja = lang == "ja"
    head = "| 設定キー | 既定値 | 分析 | 意味 |" if ja else "| settings key | default | analyzer | meaning |"
    rows = [head, "|---|---|---|---|"]
    for spec in ANALYZERS.values():
        for t in spec.thresholds:
            rows.append(f"| `{t.key}` | {t.default:g} | `{spec.name}` | {_cell(t.ja if ja else t.en)} |")
    return "\n".join(rows) + "\n"


def reasons_table(lang: str = "en") -> str:
    """Markdown: analyzer, reason code, why it does not run (with its params as placeholders)."""
    ja = lang == "ja"
    head = "| 分析 | 理由コード | 実行できない理由 |" if ja else "| analyzer | reason code | why it does not run |"
    rows = [head, "|---|---|---|"]
    for spec in ANALYZERS.values():
        for code, words in spec.reasons.get("ja" if ja else "en", {}).items():
            text = words if isinstance(words, str) else "(worded by a function of the params)"
            rows.append(f"| `{spec.name}` | `{code}` | {_cell(text)} |")
    return "\n".join(rows) + "\n"
