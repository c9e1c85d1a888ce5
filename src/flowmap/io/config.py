"""The ``--config`` file: analysis thresholds as a YAML mapping.  The keys it
accepts are the thresholds the registered analyzers declare; the file is read
by the same guarded loader as model files (size, nesting, aliases, duplicate keys)."""

from __future__ import annotations

from pathlib import Path

from ..cells import ParseError, parse_number, short
from ..errors import InputError, Problem
from ._yaml import load_document

__all__ = ["read_thresholds"]


def read_thresholds(path: str) -> dict[str, float]:
    """Threshold overrides from a YAML file, checked against the declared thresholds."""
    from ..analyze.registry import thresholds

    data = load_document(Path(path), path) or {}
    if not isinstance(data, dict):
        raise InputError([Problem(path, "the config must be a mapping of thresholds", "設定は「キー: 値」の形にしてください")])
    lines: dict[object, int] = getattr(data, "lines", {})
    declared = {t.key: t for t in thresholds()}
    known = ", ".join(declared)
    out: dict[str, float] = {}
    problems: list[Problem] = []
    for k, v in data.items():
        where = f"{path}:{lines[k]}" if k in lines else path
        t = declared.get(str(k))
        if t is None:
            problems.append(Problem(where, f"unknown threshold {short(str(k))!r}; known: {known}",
                                    f"しきい値「{short(str(k))}」は不明です。使えるもの: {known}"))
            continue
        try:
            num = parse_number(v, what_en=t.key, what_ja=t.key, integer=t.integer, minimum=0)
        except ParseError as e:
            problems.append(Problem(where, e.en, e.ja))
            continue
        out[t.key] = float(int(num)) if t.integer else float(num)
    if problems:
        raise InputError(problems)
    return out
