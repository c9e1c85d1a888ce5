"""Fitting service-time distributions to observed durations, among the families a flow can hold.

Each family flowmap's model knows (fixed, exponential, uniform, triangular,
normal truncated at 0) is fitted by moments (triangular by its range and a mode
that keeps the sample mean), and the one whose cumulative distribution lies
closest to the sample's (smallest Kolmogorov-Smirnov distance) is chosen.  A
simpler family wins a near tie (within 0.01), so a constant stays a constant.
The reason is kept in words for the flow's notes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Duration

__all__ = ["Fit", "fit_duration", "otsu_split", "quantile"]

_MAX_SAMPLE = 2000
_ORDER = ("fixed", "exponential", "uniform", "normal", "triangular")


@dataclass
class Fit:
    duration: Duration
    n: int
    mean: float
    ks: dict[str, float]

    @property
    def family(self) -> str:
        return self.duration.kind

    def why(self, lang: str = "en") -> str:
        ranked = sorted(self.ks.items(), key=lambda kv: kv[1])
        others = ", ".join(f"{k} {v:.3f}" for k, v in ranked if k != self.family)
        best = self.ks.get(self.family, 0.0)
        if lang == "ja":
            return (f"{self.n} 件の実績から {self.duration.text()} 分（{self.family}）を選択: "
                    f"KS 距離 {best:.3f}（他: {others or 'なし'}）")
        return (f"{self.duration.text()} min ({self.family}) fitted to {self.n} observations: "
                f"KS distance {best:.3f} (others: {others or 'none'})")


def quantile(sorted_xs: Sequence[float], q: float) -> float:
    if not sorted_xs:
        return 0.0
    pos = q * (len(sorted_xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def _sig(x: float, digits: int = 3) -> float:
    if x == 0 or not math.isfinite(x):
        return 0.0
    return round(x, max(0, digits - 1 - math.floor(math.log10(abs(x)))))


def _cdf(d: Duration, x: float) -> float:
    p = d.params
    if d.kind == "fixed":
        return 1.0 if x >= p[0] else 0.0
    if d.kind == "exponential":
        return 1.0 - math.exp(-x / p[0]) if x > 0 and p[0] > 0 else (1.0 if x >= 0 and p[0] <= 0 else 0.0)
    if d.kind == "uniform":
        lo, hi = p
        if hi <= lo:
            return 1.0 if x >= lo else 0.0
        return min(1.0, max(0.0, (x - lo) / (hi - lo)))
    if d.kind == "triangular":
        a, c, b = p
        if x <= a:
            return 0.0
        if x >= b:
            return 1.0
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a)) if c > a else 0.0
        return 1.0 - (b - x) ** 2 / ((b - a) * (b - c)) if b > c else 1.0
    mu, sigma = p
    if sigma <= 0:
        return 1.0 if x >= mu else 0.0

    def phi(z: float) -> float:
        return 0.5 * math.erfc(-z / math.sqrt(2))

    below0 = phi(-mu / sigma)
    return max(0.0, (phi((x - mu) / sigma) - below0) / (1 - below0)) if below0 < 1 else 1.0


def _ks(d: Duration, xs: list[float]) -> float:
    n = len(xs)
    worst = 0.0
    for i, x in enumerate(xs):
        f = _cdf(d, x)
        worst = max(worst, abs(f - i / n), abs((i + 1) / n - f))
    return worst


def _thin(xs: Sequence[float]) -> list[float]:
    s = sorted(xs)
    if len(s) <= _MAX_SAMPLE:
        return s
    step = len(s) / _MAX_SAMPLE
    return [s[int(i * step)] for i in range(_MAX_SAMPLE)]


def fit_duration(values: Sequence[float]) -> Fit:
    """The best of flowmap's duration families for ``values`` (minutes, ≥ 0)."""
    xs = [max(0.0, v) for v in values if math.isfinite(v)]
    n = len(xs)
    if n == 0:
        return Fit(Duration(kind="fixed", params=(0.0,)), 0, 0.0, {"fixed": 0.0})
    mean = sum(xs) / n
    var = sum((x - mean) ** 2 for x in xs) / (n - 1) if n > 1 else 0.0
    sd = math.sqrt(var)
    s = _thin(xs)
    if n < 3 or sd <= max(1e-9, 0.01 * mean):
        return Fit(Duration(kind="fixed", params=(_sig(mean),)), n, mean, {"fixed": 0.0})
    cands: dict[str, Duration] = {"fixed": Duration(kind="fixed", params=(_sig(mean),))}
    if mean > 0:
        cands["exponential"] = Duration(kind="exponential", params=(_sig(mean),))
    lo, hi = max(0.0, mean - math.sqrt(3) * sd), mean + math.sqrt(3) * sd
    if lo == 0.0:
        hi = 2 * mean
    cands["uniform"] = Duration(kind="uniform", params=(_sig(lo), _sig(hi)))
    cands["normal"] = Duration(kind="normal", params=(_sig(mean), _sig(sd)))
    a, b = s[0], s[-1]
    c = min(b, max(a, 3 * mean - a - b))
    if b > a:
        cands["triangular"] = Duration(kind="triangular", params=(_sig(a), _sig(c), _sig(b)))
    ks = {k: _ks(d, s) for k, d in cands.items()}
    best = min(ks.values())
    pick = next(k for k in _ORDER if k in ks and ks[k] <= best + 0.01)
    chosen = cands[pick]
    if pick == "normal" and abs(chosen.mean - mean) > 0.02 * mean:
        # truncation at 0 shifts the mean: move mu so the truncated mean is the sample's
        mu = mean
        for _ in range(40):
            trial = Duration(kind="normal", params=(mu, sd))
            mu += mean - trial.mean
        chosen = Duration(kind="normal", params=(_sig(mu), _sig(sd)))
    return Fit(chosen, n, mean, ks)


def otsu_split(values: Sequence[float]) -> tuple[float, float] | None:
    """A threshold splitting ``values`` into two clearly separate modes, on a log scale, and the slow share.

    None when the values are not clearly bimodal (each side at least 10 %, and the
    slow side's median at least 20 times the fast side's, plus a minute).
    """
    xs = sorted(math.log1p(max(0.0, v)) for v in values if math.isfinite(v))
    n = len(xs)
    if n < 20:
        return None
    prefix = [0.0]
    for x in xs:
        prefix.append(prefix[-1] + x)
    total = prefix[-1]
    best_i, best_score = -1, -1.0
    step = max(1, n // 400)
    for i in range(max(1, n // 10), n - max(1, n // 10), step):
        w0, w1 = i / n, (n - i) / n
        m0 = prefix[i] / i
        m1 = (total - prefix[i]) / (n - i)
        score = w0 * w1 * (m0 - m1) ** 2
        if score > best_score:
            best_i, best_score = i, score
    if best_i < 0:
        return None
    fast_med = math.expm1(xs[best_i // 2])
    slow_med = math.expm1(xs[(best_i + n) // 2])
    if slow_med < 20 * fast_med + 1 or slow_med < 10:
        return None
    threshold = math.expm1((xs[best_i - 1] + xs[best_i]) / 2)
    return threshold, (n - best_i) / n
