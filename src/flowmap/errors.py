"""The flowmap error hierarchy.

Every error flowmap raises on purpose derives from :class:`FlowmapError`.
Input problems carry a list of :class:`Problem`, each naming its place
(``FILE:SHEET!CELL`` or ``FILE:LINE``) and a message in English and Japanese,
so the CLI can report all of them at once in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

__all__ = ["BadValue", "FlowmapError", "InputError", "ParameterError", "Problem", "UsageError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at one place."""

    location: str
    en: str
    ja: str = ""

    def text(self, lang: str = "en") -> str:
        msg = self.ja if (lang == "ja" and self.ja) else self.en
        return f"{self.location}: {msg}" if self.location else msg


class FlowmapError(Exception):
    """Base class of every error flowmap raises on purpose."""

    def messages(self, lang: str = "en") -> list[str]:
        return [str(self)]


class InputError(FlowmapError):
    """The input (a workbook, a model file, an option) is wrong.

    Holds every problem found, not only the first.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.text() for p in self.problems))

    def messages(self, lang: str = "en") -> list[str]:
        return [p.text(lang) for p in self.problems]


class UsageError(InputError):
    """A command-line option is wrong."""

    @classmethod
    def one(cls, en: str, ja: str = "", location: str = "") -> UsageError:
        return cls([Problem(location, en, ja)])


@dataclass(frozen=True)
class BadValue:
    """One problem with an argument of a library call: the parameter it names
    (``orders_per_day``), where within the value when that helps (``detail``:
    a grid point, a file), and the words in English and Japanese."""

    parameter: str
    en: str
    ja: str = ""
    detail: str = ""


class ParameterError(UsageError):
    """A library function's argument is wrong.  Each problem names its parameter
    (``only``, ``days``, ``orders_per_day``); the command line reports it as its
    option (``--only``, ``--days``, ``--orders-per-day``) through one table
    (:func:`for_options`).  The words may mention another parameter as
    ``{name}``: ``mentions`` says how a Python caller reads it (``{yes}`` →
    ``yes=True``); on the command line it becomes that parameter's option."""

    def __init__(self, parameter: str, en: str, ja: str = "", *, detail: str = "",
                 mentions: Mapping[str, str] | None = None) -> None:
        self._set([BadValue(parameter, en, ja, detail)], mentions)

    @classmethod
    def of(cls, bad: Iterable[BadValue], mentions: Mapping[str, str] | None = None) -> ParameterError:
        """Several problems at once (of one or several parameters)."""
        e = cls.__new__(cls)
        e._set(list(bad), mentions)
        return e

    def _set(self, bad: list[BadValue], mentions: Mapping[str, str] | None) -> None:
        if not bad:
            raise ValueError("a ParameterError needs at least one problem")
        self.bad = bad
        self.mentions = dict(mentions or {})
        self.parameter = bad[0].parameter
        UsageError.__init__(self, self._problems(lambda p: p, self.mentions))

    def _problems(self, name: Callable[[str], str], mentions: Mapping[str, str]) -> list[Problem]:
        def fill(text: str) -> str:
            for k, v in mentions.items():
                text = text.replace("{" + k + "}", v)
            return text

        return [Problem(f"{name(b.parameter)} {b.detail}" if b.detail else name(b.parameter), fill(b.en), fill(b.ja))
                for b in self.bad]

    def for_options(self, option: Callable[[str], str]) -> UsageError:
        """The same problems as the command line shows them: ``option`` maps a parameter to its option."""
        return UsageError(self._problems(option, {k: option(k) for k in self.mentions}))
