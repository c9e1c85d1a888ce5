"""Findings of both flows matched by their stable key: resolved, remaining, new."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..analyze import Finding
from ..analyze._base import Severity

__all__ = ["FindingDelta", "match_findings"]


@dataclass
class FindingDelta:
    status: str  # resolved | remaining | new
    key: str
    code: str
    analyzer: str
    severity: Severity
    title: str
    minutes_before: float | None
    minutes_after: float | None
    before: Finding | None = field(default=None, repr=False)
    after: Finding | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"key": self.key, "code": self.code, "analyzer": self.analyzer, "severity": self.severity,
                             "title": self.title}
        if self.minutes_before is not None:
            d["before_minutes_per_day"] = round(self.minutes_before, 1)
        if self.minutes_after is not None:
            d["after_minutes_per_day"] = round(self.minutes_after, 1)
        if self.before is not None and self.after is not None and self.before.severity != self.after.severity:
            d["before_severity"] = self.before.severity
        if self.before is not None and self.after is not None and self.after.key != self.key:
            d["after_key"] = self.after.key  # the same subject under the step's new id
        return d


_KEY_PART = re.compile(r"[^:@+>\-]+")


def _key_in_before_ids(key: str, rename: dict[str, str]) -> str:
    """A finding key of AFTER with the ids of steps matched by name written as BEFORE's ids."""
    if not rename:
        return key
    return _KEY_PART.sub(lambda m: rename.get(m.group(0), m.group(0)), key)


def match_findings(before: list[Finding], after: list[Finding], rename: dict[str, str] | None = None) -> list[FindingDelta]:
    """Resolved, remaining and new findings, matched by key (repeated keys pair up in order).

    ``rename`` maps AFTER step ids to BEFORE ids for steps matched by name under another id, so a
    finding about the same step keeps its identity."""
    rename = rename or {}
    left: dict[str, list[Finding]] = {}
    for f in after:
        left.setdefault(_key_in_before_ids(f.key, rename), []).append(f)
    out: list[FindingDelta] = []
    for f in before:
        cands = left.get(f.key)
        if cands:
            g = cands.pop(0)
            out.append(FindingDelta("remaining", f.key, g.code, g.analyzer, g.severity, g.title, f.minutes_per_day,
                                    g.minutes_per_day, f, g))
        else:
            out.append(FindingDelta("resolved", f.key, f.code, f.analyzer, f.severity, f.title, f.minutes_per_day,
                                    None, f, None))
    for g in after:
        if any(g is x for x in left.get(_key_in_before_ids(g.key, rename), [])):
            out.append(FindingDelta("new", g.key, g.code, g.analyzer, g.severity, g.title, None, g.minutes_per_day,
                                    None, g))
    return out
