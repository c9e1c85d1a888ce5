"""The ``--config`` file: analysis thresholds as a YAML mapping.  The keys it
accepts are the thresholds the registered analyzers declare."""

from __future__ import annotations

from pathlib import Path

import yaml

from .._text import ParseError, parse_number
from ..errors import InputError, Problem

__all__ = ["MAX_CONFIG_BYTES", "read_thresholds"]

MAX_CONFIG_BYTES = 64 * 1024  # a thresholds file is a few lines


def _text(path: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise InputError([Problem(path, "config file not found (or not a regular file)", "設定ファイルが見つかりません（通常のファイルではありません）")])
    with p.open("rb") as fh:
        data = fh.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise InputError([Problem(path, f"a config file is at most {MAX_CONFIG_BYTES // 1024} KB", f"設定ファイルは {MAX_CONFIG_BYTES // 1024} KB までです")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError([Problem(path, f"not UTF-8 text (byte {e.start})", f"UTF-8 のテキストではありません（{e.start} バイト目）")]) from None


def read_thresholds(path: str) -> dict[str, float]:
    """Threshold overrides from a YAML file, checked against the declared thresholds."""
    from ..analyze.registry import thresholds

    try:
        data = yaml.safe_load(_text(path)) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError([Problem(f"{path}:{mark.line + 1}" if mark else path, "invalid YAML", "YAML の書式が正しくありません")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(path, "the config must be a mapping of thresholds", "設定は「キー: 値」の形にしてください")])
    declared = {t.key: t for t in thresholds()}
    known = ", ".join(declared)
    out: dict[str, float] = {}
    problems: list[Problem] = []
    for k, v in data.items():
        t = declared.get(str(k))
        if t is None:
            name = str(k)[:80]
            problems.append(Problem(path, f"unknown threshold {name!r}; known: {known}", f"しきい値「{name}」は不明です。使えるもの: {known}"))
            continue
        try:
            num = parse_number(v, what_en=t.key, what_ja=t.key, integer=t.integer, minimum=0)
        except ParseError as e:
            problems.append(Problem(path, e.en, e.ja))
            continue
        out[t.key] = float(int(num)) if t.integer else float(num)
    if problems:
        raise InputError(problems)
    return out
