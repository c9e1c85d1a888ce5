"""The README's analyzer tables, made from the analyzers' declarations
(a test checks that README.md holds exactly these)."""

from __future__ import annotations

from collections.abc import Iterable

from .registry import ANALYZERS

__all__ = ["reasons_table", "severity_table", "thresholds_table"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(head: list[str], rows: Iterable[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def severity_table(lang: str = "en") -> str:
    """Markdown: analyzer, finding code, condition, severity (first matching row wins)."""
    ja = lang == "ja"
    return _table(["分析", "指摘コード", "条件", "重要度"] if ja else ["analyzer", "finding code", "condition", "severity"],
                  ([f"`{spec.name}`", f"`{code}`", _cell(g.ja if ja else g.en), g.severity]
                   for spec in ANALYZERS.values() for code, grades in spec.codes.items() for g in grades))


def thresholds_table(lang: str = "en") -> str:
    """Markdown: settings key, default, analyzer, meaning."""
    ja = lang == "ja"
    return _table(["設定キー", "既定値", "分析", "意味"] if ja else ["settings key", "default", "analyzer", "meaning"],
                  ([f"`{t.key}`", f"{t.default:g}", f"`{spec.name}`", _cell(t.ja if ja else t.en)]
                   for spec in ANALYZERS.values() for t in spec.thresholds))


def reasons_table(lang: str = "en") -> str:
    """Markdown: analyzer, reason code, why it does not run (its params as ``{placeholders}``)."""
    ja = lang == "ja"
    return _table(["分析", "理由コード", "実行できない理由"] if ja else ["analyzer", "reason code", "why it does not run"],
                  ([f"`{spec.name}`", f"`{code}`", _cell(words if isinstance(words, str) else "(worded by a function of the params)")]
                   for spec in ANALYZERS.values() for code, words in spec.reasons.get("ja" if ja else "en", {}).items()))
