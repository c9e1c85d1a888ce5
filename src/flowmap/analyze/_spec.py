"""What an analyzer declares about itself, and the words made from it.

Each analyzer module defines ``SPEC``: its name, labels in both languages,
the thresholds it reads (with defaults and their settings keys), its finding
codes with the severity rules of each and the words of each in a catalogue
per language, and the codes of the reasons it may give for not running
(:class:`~flowmap.analyze.NotApplicable`) with their words.  The registry, the renderers, the ``--config`` reader and the
README's severity table read these declarations; nothing else lists
analyzers.

Words are made at render time from a finding's (or a reason's) ``code`` and
``params``: switching language changes only the words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ._base import Context, Finding, Params, ParamValue, Severity

__all__ = ["AnalyzerSpec", "Args", "Grade", "Lang", "Template", "Threshold", "Words", "grade", "many", "num", "render", "render_reason"]

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
_SEP: dict[Lang, str] = {"ja": "、", "en": ", "}
# Words name at most this many items of a list, then say how many more (the JSON params keep them all).
LIST_WORDS = 12


class Args(Mapping[str, object]):
    """A finding's params as a template sees them: lists joined in the language."""

    def __init__(self, params: Params, lang: Lang) -> None:
        self.params = params
        self.lang = lang

    def __getitem__(self, key: str) -> object:
        v = self.params[key]
        if isinstance(v, list):
            shown = _SEP[self.lang].join(str(x) for x in v[:LIST_WORDS])
            more = len(v) - LIST_WORDS
            if more > 0:
                shown += f" 他 {more} 件" if self.lang == "ja" else f" and {more} more"
            return shown
        return v

    def __iter__(self) -> Iterator[str]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def raw(self, key: str) -> ParamValue:
        return self.params[key]

    def t(self, en: str, ja: str) -> str:
        return ja if self.lang == "ja" else en


Template = str | Callable[[Args], str]
"""A ``str.format`` template over the params, or a function of them when a part is conditional."""


@dataclass(frozen=True)
class Words:
    title: Template
    message: Template
    suggestion: Template


@dataclass(frozen=True)
class Rendered:
    title: str
    message: str
    suggestion: str


@dataclass(frozen=True)
class Threshold:
    """A number an analyzer compares against; ``key`` is its name in Settings and in ``--config``."""

    key: str
    default: float
    en: str
    ja: str
    integer: bool = False


@dataclass(frozen=True)
class Grade:
    """One row of a severity table: this severity when ``test`` holds (first match wins)."""

    severity: Severity
    en: str
    ja: str
    test: Callable[[Params], bool] = field(default=lambda p: True)


def num(p: Params, key: str) -> float:
    """A number param (0 when missing or not a number)."""
    v = p.get(key)
    return float(v) if isinstance(v, (int, float)) else 0.0


def many(p: Params, key: str) -> bool:
    """A list param with two or more entries."""
    v = p.get(key)
    return isinstance(v, list) and len(v) >= 2


def grade(rules: tuple[Grade, ...], params: Params) -> Severity:
    """The severity of the first rule whose test holds (the last rule should always hold)."""
    for rule in rules:
        if rule.test(params):
            return rule.severity
    raise ValueError("no severity rule matched; the last rule of a table must always hold")


@dataclass(frozen=True)
class AnalyzerSpec:
    name: str
    labels: Mapping[Lang, str]
    run: Callable[[Context], list[Finding]]
    codes: Mapping[str, tuple[Grade, ...]]  # finding code → its severity rules
    messages: Mapping[Lang, Mapping[str, Words]]  # language → finding code → words
    thresholds: tuple[Threshold, ...] = ()
    summary: Mapping[Lang, str] = field(default_factory=dict)  # what it looks for, one line
    reasons: Mapping[Lang, Mapping[str, Template]] = field(default_factory=dict)  # language → not-run code → why

    def __post_init__(self) -> None:
        for lang in LANGS:
            missing = set(self.codes) - set(self.messages.get(lang, {}))
            if missing:
                raise ValueError(f"analyzer {self.name}: no {lang} words for {', '.join(sorted(missing))}")
            if lang not in self.labels:
                raise ValueError(f"analyzer {self.name}: no {lang} label")
        why = {lang: set(self.reasons.get(lang, {})) for lang in LANGS}
        if why["ja"] != why["en"]:
            raise ValueError(f"analyzer {self.name}: reasons {', '.join(sorted(why['ja'] ^ why['en']))} lack words in one language")
        both = why["en"] & set(self.codes)
        if both:
            raise ValueError(f"analyzer {self.name}: {', '.join(sorted(both))} is both a finding code and a reason code")
        for code in [*self.codes, *why["en"]]:
            if not code.startswith(self.name + "."):
                raise ValueError(f"analyzer {self.name}: code {code} must start with '{self.name}.'")

    def label(self, lang: str) -> str:
        return self.labels["ja" if lang == "ja" else "en"]


def _fill(template: Template, args: Args) -> str:
    return template(args) if callable(template) else template.format_map(args)


def render(spec: AnalyzerSpec, f: Finding, lang: str) -> Rendered:
    """A finding's title, message and suggestion in ``lang``."""
    ln: Lang = "ja" if lang == "ja" else "en"
    words = spec.messages[ln][f.code]
    args = Args(f.params, ln)
    return Rendered(_fill(words.title, args), _fill(words.message, args), _fill(words.suggestion, args))


def render_reason(spec: AnalyzerSpec, code: str, params: Params, lang: str) -> str:
    """Why the analyzer could not run, in ``lang``, from its reasons catalogue."""
    ln: Lang = "ja" if lang == "ja" else "en"
    return _fill(spec.reasons[ln][code], Args(params, ln))
