"""Choosing the language of messages and labels: --lang, else the flow's, else LANG."""

from __future__ import annotations

import os

__all__ = ["env_lang", "pick"]


def env_lang() -> str:
    for var in ("FLOWMAP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def pick(lang: str | None, flow_lang: str | None = None) -> str:
    if lang in ("ja", "en"):
        return lang
    if flow_lang in ("ja", "en"):
        return flow_lang
    return env_lang()


def t(lang: str, en: str, ja: str) -> str:
    return ja if lang == "ja" else en
