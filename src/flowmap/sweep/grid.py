"""The what-if grid: ``NAME=VALUES`` axes (the CLI's ``--vary``), their product, and the flow at each point.

Names: ``orders_per_day``, ``days``, ``headcount.OWNER``, ``hours.OWNER``,
``duration.STEP`` (a factor such as ``0.5`` or a distribution such as
``exp(4)``), ``batch.STEP`` (a schedule), ``mode.STEP``; scenario files add a
``scenario`` axis whose first value is the flow as it is.  VALUES are
``a,b,c`` (``;`` separates values that contain commas themselves, e.g.
``daily 9:00, 14:00;daily 6:00``) or ``start:stop:step`` for numbers
(stop included).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..cells import ParseError, parse_duration, parse_hours, parse_schedule
from ..errors import BadValue, ParameterError
from ..model import Duration, Flow, Schedule, WorkHours, suggest

if TYPE_CHECKING:
    from ..scenario import Scenario

__all__ = ["Axis", "Point", "expand", "parse_vary", "scenario_axis"]

Kind = Literal["orders_per_day", "days", "headcount", "hours", "duration", "batch", "mode", "scenario"]
Value = float | int | str | WorkHours | Duration | Schedule
Label = float | int | str
_TARGETED: tuple[Kind, ...] = ("headcount", "hours", "duration", "batch", "mode")
_MODES = ("manual", "auto", "batch")
MAX_VALUES = 10_000


@dataclass(frozen=True)
class Axis:
    """One varied parameter: its name as given, what it changes, and its values with their labels."""

    name: str
    kind: Kind
    target: str  # the owner or step id; "" for orders_per_day, days, scenario
    values: tuple[object, ...]
    labels: tuple[Label, ...]


@dataclass(frozen=True)
class Point:
    """One grid point: a value per axis (by index into each axis)."""

    index: int
    choice: tuple[int, ...]

    def labels(self, axes: list[Axis]) -> dict[str, Label]:
        return {a.name: a.labels[i] for a, i in zip(axes, self.choice, strict=True)}


def _bad(spec: str, en: str, ja: str) -> ParameterError:
    """A wrong ``vary`` (the CLI's ``--vary``), located by what was given."""
    return ParameterError("vary", en, ja, detail=spec)


def _split(text: str) -> list[str]:
    """Values separated by ``;`` if there is one, else by commas outside parentheses."""
    if ";" in text:
        return [p.strip() for p in text.split(";")]
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        if ch in ",、" and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return out


def _number(spec: str, text: str, integer: bool, minimum: float, positive: bool) -> float:
    try:
        x = float(text)
    except ValueError:
        raise _bad(spec, f"{text!r} is not a number", f"「{text}」は数ではありません") from None
    if math.isnan(x) or math.isinf(x) or x < minimum or (positive and x <= 0) or (integer and x != int(x)):
        what_en = "a whole number" if integer else "a number"
        what_ja = "整数" if integer else "数"
        lim_en = "above 0" if positive else f"of at least {minimum:g}"
        lim_ja = "0 より大きい" if positive else f"{minimum:g} 以上の"
        raise _bad(spec, f"{text!r} must be {what_en} {lim_en}", f"「{text}」は{lim_ja}{what_ja}にしてください")
    return x


def _numbers(spec: str, text: str, integer: bool, minimum: float = 0, positive: bool = False) -> list[float]:
    if text.count(":") == 2 and "," not in text:
        a, b, c = (_number(spec, p.strip(), False, -math.inf, False) for p in text.split(":"))
        if c <= 0:
            raise _bad(spec, f"the step of {text!r} must be above 0", f"「{text}」の刻みは 0 より大きくしてください")
        n = math.floor((b - a) / c + 1e-9) + 1
        if n > MAX_VALUES:
            raise _bad(spec, f"{text!r} gives {n:,} values; at most {MAX_VALUES:,} per axis",
                       f"「{text}」は {n:,} 個の値になります。1 軸あたり {MAX_VALUES:,} 個までです")
        raw = [round(a + k * c, 10) for k in range(max(0, n))]
        return [_number(spec, f"{x:g}", integer, minimum, positive) for x in raw]
    return [_number(spec, p, integer, minimum, positive) for p in _split(text) if p]


def _num_label(x: float, integer: bool) -> Label:
    return int(x) if integer or x == int(x) else x


def _parsed(spec: str, text: str, fn: object) -> list[tuple[object, str]]:
    out = []
    for part in _split(text):
        if not part:
            continue
        try:
            out.append((fn(part), part))  # type: ignore[operator]  # one of the _text parsers
        except ParseError as e:
            raise _bad(spec, f"{part!r}: {e.en}", f"「{part}」: {e.ja}") from None
    return out


def _duration_values(spec: str, text: str) -> list[tuple[object, Label]]:
    out: list[tuple[object, Label]] = []
    for part in _split(text):
        if not part:
            continue
        try:
            factor = float(part)
        except ValueError:
            out += [(v, label) for v, label in _parsed(spec, part, parse_duration)]
            continue
        if math.isnan(factor) or math.isinf(factor) or factor < 0:
            raise _bad(spec, f"factor {part!r} must be 0 or more", f"倍率「{part}」は 0 以上にしてください")
        out.append((factor, _num_label(factor, False)))
    return out


def parse_vary(spec: str, flow: Flow) -> Axis:
    """One ``NAME=VALUES`` (the CLI's ``--vary``); errors name the parameter ``vary`` with what was given and,
    for unknown owners and steps, the nearest name."""
    name, eq, text = spec.partition("=")
    name, text = name.strip(), text.strip()
    if not eq or not name:
        raise _bad(spec, "write NAME=VALUES, e.g. orders_per_day=100,200,300",
                   "名前=値 の形にしてください（例: orders_per_day=100,200,300）")
    kind_text, dot, target = name.partition(".")
    known = ("orders_per_day", "days", *_TARGETED)
    if kind_text not in known or bool(dot) != (kind_text in _TARGETED):
        raise _bad(spec, f"unknown parameter {name!r}; known: orders_per_day, days, headcount.OWNER, hours.OWNER, "
                           "duration.STEP, batch.STEP, mode.STEP",
                   f"パラメータ「{name}」は不明です。使えるもの: orders_per_day, days, headcount.担当者, hours.担当者, "
                   "duration.工程ID, batch.工程ID, mode.工程ID")
    kind: Kind = kind_text
    if kind in ("headcount", "hours"):
        owners = [o.name for o in flow.owners]
        if target not in owners:
            near = suggest(target, owners)
            raise _bad(spec, f"owner {target!r} is not in the flow" + (f" (did you mean {near!r}?)" if near else ""),
                       f"担当者「{target}」はフローにありません" + (f"（「{near}」の誤りではありませんか）" if near else ""))
    elif kind in ("duration", "batch", "mode"):
        ids = [s.id for s in flow.steps]
        if target not in ids:
            near = suggest(target, ids)
            raise _bad(spec, f"step {target!r} is not in the flow" + (f" (did you mean {near!r}?)" if near else ""),
                       f"工程「{target}」はフローにありません" + (f"（「{near}」の誤りではありませんか）" if near else ""))
    pairs: list[tuple[object, Label]]
    if kind == "orders_per_day":
        pairs = [(x, _num_label(x, False)) for x in _numbers(spec, text, False)]
    elif kind == "days":
        pairs = [(x, _num_label(x, False)) for x in _numbers(spec, text, False, positive=True)]
    elif kind == "headcount":
        pairs = [(int(x), int(x)) for x in _numbers(spec, text, True, minimum=1)]
    elif kind == "hours":
        pairs = [(v, label) for v, label in _parsed(spec, text, parse_hours)]
    elif kind == "duration":
        pairs = _duration_values(spec, text)
    elif kind == "batch":
        pairs = [(v, label) for v, label in _parsed(spec, text, parse_schedule)]
    else:
        pairs = []
        for part in _split(text):
            if part and part not in _MODES:
                raise _bad(spec, f"mode {part!r} must be manual, auto or batch", f"モード「{part}」は manual・auto・batch のいずれかにしてください")
            if part:
                pairs.append((part, part))
    if not pairs:
        raise _bad(spec, f"{name} has no values: the grid would be empty", f"{name} に値がありません（グリッドが空になります）")
    return Axis(name, kind, target, tuple(v for v, _ in pairs), tuple(label for _, label in pairs))


def scenario_axis(flow: Flow, scenarios: list[Scenario]) -> Axis:
    """The scenario axis: the flow as it is, then each scenario applied to it."""
    from ..scenario import apply_scenario

    flows: list[object] = [flow]
    labels: list[Label] = ["-"]
    for sc in scenarios:
        flows.append(apply_scenario(flow, sc))
        labels.append(sc.name)
    return Axis("scenario", "scenario", "", tuple(flows), tuple(labels))


def expand(axes: list[Axis]) -> Iterator[Point]:
    """Every grid point, the first axis varying slowest."""
    for i, choice in enumerate(itertools.product(*(range(len(a.values)) for a in axes))):
        yield Point(i, tuple(choice))


def grid_size(axes: list[Axis]) -> int:
    return math.prod(len(a.values) for a in axes)


def apply_point(base: Flow, axes: list[Axis], point: Point) -> tuple[Flow, float | None, float | None]:
    """The flow at ``point`` and its orders per day and days (None: the flow's own)."""
    flow = base
    for a, i in zip(axes, point.choice, strict=True):
        if a.kind == "scenario":
            chosen = a.values[i]
            assert isinstance(chosen, Flow)
            flow = chosen
    flow = flow.model_copy(deep=True)
    opd: float | None = None
    days: float | None = None
    problems: list[BadValue] = []
    steps = flow.step_map()
    owners = flow.owner_map()
    for a, i in zip(axes, point.choice, strict=True):
        v = a.values[i]
        if a.kind == "orders_per_day":
            opd = float(v)  # type: ignore[arg-type]  # parsed as a number
        elif a.kind == "days":
            days = float(v)  # type: ignore[arg-type]  # parsed as a number
        elif a.kind in ("headcount", "hours"):
            owner = owners.get(a.target)
            if owner is None:
                problems.append(BadValue("vary", f"owner {a.target!r} is not in this scenario's flow",
                                         f"担当者「{a.target}」はこのシナリオのフローにありません", a.name))
            elif a.kind == "headcount":
                owner.headcount = int(v)  # type: ignore[call-overload]  # parsed as a whole number
            else:
                assert isinstance(v, WorkHours)
                owner.hours = v
        elif a.kind in ("duration", "batch", "mode"):
            step = steps.get(a.target)
            if step is None:
                problems.append(BadValue("vary", f"step {a.target!r} is not in this scenario's flow",
                                         f"工程「{a.target}」はこのシナリオのフローにありません", a.name))
            elif a.kind == "duration":
                step.duration = _scaled(step.duration, v) if isinstance(v, float) else v  # type: ignore[assignment]  # a factor or a parsed Duration
            elif a.kind == "batch":
                assert isinstance(v, Schedule)
                step.batch = v
                step.mode = "batch"
            else:
                step.mode = v  # type: ignore[assignment]  # one of manual, auto, batch
    if problems:
        raise ParameterError.of(problems)
    return flow, opd, days


def _scaled(d: Duration, factor: float) -> Duration:
    """A duration ``factor`` times as long (every parameter scaled; the normal's spread too)."""
    return d.model_copy(update={"params": tuple(p * factor for p in d.params)})
