"""The flowmap error hierarchy.

Every error flowmap raises on purpose derives from :class:`FlowmapError`.
Input problems carry a list of :class:`Problem`, each naming its place
(``FILE:SHEET!CELL`` or ``FILE:LINE``) and a message in English and Japanese,
so the CLI can report all of them at once in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FlowmapError", "InputError", "ParameterError", "Problem", "UsageError"]


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


class ParameterError(UsageError):
    """A library function's argument is wrong.  ``parameter`` names the argument
    (``only``, ``days``); the command line reports it as its option (``--only``)."""

    def __init__(self, parameter: str, en: str, ja: str = "") -> None:
        self.parameter = parameter
        super().__init__([Problem(parameter, en, ja)])

    def for_option(self, option: str) -> UsageError:
        return UsageError([Problem(option, p.en, p.ja) for p in self.problems])

