"""The arithmetic and text behind the model's value types: the mean and the sampler of each
duration distribution, plain numbers, clock times and weekday names."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from decimal import Decimal

__all__ = ["clock", "days_text", "mean", "num", "sampler"]


def num(x: float) -> str:
    """A number as plain decimal text (``0.000001``, never ``1e-06``) that every reader reads back."""
    if x != x or x in (float("inf"), float("-inf")):
        return repr(x)
    text = format(Decimal(repr(float(x))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text



def clock(minutes: float) -> str:
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")


def days_text(days: list[int], lang: str = "en") -> str:
    names = _WEEKDAYS_JA if lang == "ja" else _WEEKDAYS_EN
    ds = sorted(set(days))
    if ds == list(range(7)):
        return "毎日" if lang == "ja" else "every day"
    if ds and ds == list(range(ds[0], ds[-1] + 1)) and len(ds) > 2:
        return f"{names[ds[0]]}-{names[ds[-1]]}"
    return ",".join(names[d] for d in ds)



def mean(kind: str, p: Sequence[float]) -> float:
    """Mean minutes of a duration ``kind`` with parameters ``p`` (a normal distribution is cut at 0)."""
    if kind == "fixed":
        return p[0]
    if kind == "uniform":
        return (p[0] + p[1]) / 2
    if kind == "triangular":
        return (p[0] + p[1] + p[2]) / 3
    if kind == "exponential":
        return p[0]
    mu, sigma = p
    if sigma == 0:
        return mu
    a = -mu / sigma  # truncation at 0
    pdf = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
    tail = 0.5 * math.erfc(a / math.sqrt(2))
    return mu + sigma * pdf / tail if tail > 0 else 0.0


def sampler(kind: str, p: Sequence[float], rng: random.Random) -> Callable[[], float]:
    """A zero-argument function drawing one duration (minutes) of ``kind`` from ``rng``."""
    if kind == "fixed":
        v = p[0]
        return lambda: v
    if kind == "uniform":
        lo, hi = p
        return lambda: rng.uniform(lo, hi)
    if kind == "triangular":
        lo, mode, hi = p
        return lambda: rng.triangular(lo, hi, mode)
    if kind == "exponential":
        rate = 1.0 / p[0]
        return lambda: rng.expovariate(rate)
    mu, sigma = p

    def normal() -> float:
        for _ in range(100):
            x = rng.gauss(mu, sigma)
            if x >= 0:
                return x
        return 0.0

    return normal
