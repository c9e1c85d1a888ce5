"""Choosing the language of messages and labels, in one place: --lang, else the
flow's, else what the input's own names look like, else the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Literal

__all__ = ["Lang", "env_lang", "looks_japanese", "pick", "t"]

Lang = Literal["ja", "en"]
# Hiragana, katakana and CJK ideographs: a name with one of these is Japanese.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Look at this many characters of a text at most (bounded work on any input).
_SNIFF = 200


def env_lang() -> Lang:
    for var in ("FLOWMAP_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def looks_japanese(texts: Iterable[str]) -> bool:
    """Whether any of ``texts`` (names, sheet titles, locations) is written in Japanese."""
    return any(_JAPANESE.search(x[:_SNIFF]) for x in texts if x)


_KNOWN: dict[str, Lang] = {"ja": "ja", "en": "en"}


def pick(lang: str | None, flow_lang: str | None = None) -> Lang:
    return _KNOWN.get(lang or "") or _KNOWN.get(flow_lang or "") or env_lang()


def t(lang: str, en: str, ja: str) -> str:
    return ja if lang == "ja" else en
