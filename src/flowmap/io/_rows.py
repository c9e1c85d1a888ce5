"""What readers hand to the builder: :class:`Row` (one sheet row or model-file mapping) and the
:class:`Ctx` that collects problems, warnings and locations while a flow is built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..cells import ParseError, clean
from ..errors import Problem
from ..model import Owner

__all__ = ["Ctx", "Row"]


@dataclass
class Row:
    """One row of a sheet (or one mapping of a model file).

    A field absent from ``values`` was not given at all (no such column or key);
    a field present with a blank value was left empty by the user.
    """

    where: str  # location of the row itself
    values: dict[str, Any] = field(default_factory=dict)
    locs: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def loc(self, key: str) -> str:
        return self.locs.get(key, self.where)

    def text(self, key: str) -> str:
        return clean(self.values.get(key))

    def has(self, key: str) -> bool:
        v = self.values.get(key)
        return v is not None and (not isinstance(v, str) or clean(v) != "")

    def blank(self, key: str) -> bool:
        """The field was given (a column or key exists) but left empty."""
        return key in self.values and not self.has(key)


@dataclass
class Ctx:
    """Problems and warnings found while building, and what was read so far."""

    allow_missing: bool = False
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    locs: dict[tuple[str, str, str], str] = field(default_factory=dict)
    tool_names: set[str] = field(default_factory=set)
    tool_norm: set[str] = field(default_factory=set)
    owners: dict[str, Owner] = field(default_factory=dict)
    have_owner_sheet: bool = False
    step_tools: list[str] = field(default_factory=list)  # tools named only in Steps, in order
    guessed: dict[str, str] = field(default_factory=dict)  # tool → where its category was guessed

    def parse(self, row: Row, key: str, fn: Any, *args: Any, **kw: Any) -> Any:
        try:
            return fn(row.values.get(key), *args, **kw)
        except ParseError as e:
            self.add(row.loc(key), e.en, e.ja)
            return None

    def add(self, where: str, en: str, ja: str) -> None:
        self.problems.append(Problem(where, en, ja))

    def missing(self, where: str, en: str, ja: str, assume_en: str, assume_ja: str) -> None:
        """A value the user left blank: a problem, or with ``--allow-missing`` a warning saying what is assumed."""
        if self.allow_missing:
            self.warnings.append(Problem(where, f"{en}; assumed {assume_en}", f"{ja}。{assume_ja}とみなします"))
        else:
            self.add(where, f"{en} (fill it in, or pass --allow-missing to assume {assume_en})",
                     f"{ja}（入力するか、--allow-missing で{assume_ja}とみなします）")

    def record(self, kind: str, key: str, row: Row) -> None:
        """Remember where a thing was read; a second one with the same key is kept as ``key#1``, …"""
        n = 0
        while (kind, key if n == 0 else f"{key}#{n}", "") in self.locs:
            n += 1
        k = key if n == 0 else f"{key}#{n}"
        self.locs[(kind, k, "")] = row.where
        for f, where in row.locs.items():
            self.locs[(kind, k, f)] = where
