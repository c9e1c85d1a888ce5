"""Working calendars: when an owner works, day by day, and when a batch fires.

Time is in minutes from midnight of the first simulated day.
"""

from __future__ import annotations

import datetime as dt
import math

from ..model import Flow, Owner, Schedule

__all__ = ["ArrivalProfile", "Calendar", "closed_dates", "next_fire", "next_monday"]

DAY = 1440.0


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def closed_dates(flow: Flow, start: dt.date, ndays: int) -> set[dt.date]:
    """The flow's closed dates and public holidays (Settings ``holidays``) in the simulated span."""
    closed = set(flow.settings.closed)
    code = flow.settings.holidays
    if code and code.lower() != "none":
        import holidays as hol

        years = range(start.year, (start + dt.timedelta(days=ndays)).year + 1)
        closed |= set(hol.country_holidays(code, years=years).keys())
    return closed


class Calendar:
    """Working windows of one owner, day by day."""

    __slots__ = ("always", "begin", "end", "open_days")

    def __init__(self, owner: Owner, start: dt.date, ndays: int, closed: set[dt.date], honour_closed: bool) -> None:
        hours = owner.work_hours
        self.begin, self.end = hours.start, hours.end
        days = set(owner.work_days)
        self.open_days = [
            ((start + dt.timedelta(days=d)).weekday() in days)
            and not (honour_closed and (start + dt.timedelta(days=d)) in closed)
            for d in range(ndays)
        ]
        self.always = hours.always and all(self.open_days)

    def next_open(self, t: float) -> float:
        """The first working moment at or after ``t`` (``inf`` past the calendar's end)."""
        d = int(t // DAY)
        od = self.open_days
        n = len(od)
        if d < n and od[d] and t - d * DAY < self.end:
            return max(t, d * DAY + self.begin)
        d += 1
        while d < n and not od[d]:
            d += 1
        return d * DAY + self.begin if d < n else math.inf

    def scheduled_minutes(self, days: int) -> float:
        return float(sum(self.end - self.begin for d in range(days) if self.open_days[d]))


def next_fire(schedule: Schedule, now: float, open_days: list[bool] | None, ndays: int) -> float:
    """When a batch with ``schedule`` next runs after ``now`` (daily times only on ``open_days``)."""
    if schedule.kind == "interval":
        k = math.floor(now / schedule.interval_minutes) + 1
        return float(k * schedule.interval_minutes)
    d = int(now // DAY)
    while d < ndays:
        if open_days is None or open_days[d]:
            for tm in schedule.times:
                at = d * DAY + tm
                if at > now:
                    return at
        d += 1
    return math.inf


class ArrivalProfile:
    """How the arrival rate varies: the hourly weights (hour 0 first) times the weekday weights (Monday first),
    each relative to its mean, so the mean rate over a week is the flow's cases per day.

    Arrivals are a non-homogeneous Poisson process drawn by thinning: candidates come at the peak rate and
    one at time ``t`` is kept with probability ``weight(t) / peak``. With neither profile the process is
    homogeneous and nothing is thinned; with the hourly profile alone the draws are what they were before
    weekdays were added (same bound, same comparisons).
    """

    __slots__ = ("first_weekday", "hourly", "peak", "scale", "weekday")

    def __init__(self, hourly: list[float], weekday: list[float], start: dt.date) -> None:
        self.hourly = list(hourly) or None
        # a flat weekday profile thins nothing: drop it so its arrivals are the same as without one
        self.weekday = list(weekday) if weekday and max(weekday) != min(weekday) else None
        self.first_weekday = start.weekday()
        h_peak = max(hourly) if self.hourly else 1.0
        h_mean = sum(hourly) / 24 if self.hourly else 1.0
        w_peak = max(weekday) if self.weekday else 1.0
        w_mean = sum(weekday) / 7 if self.weekday else 1.0
        self.peak = h_peak * w_peak
        self.scale = (h_peak / h_mean) * (w_peak / w_mean)  # peak rate over mean rate

    @property
    def thins(self) -> bool:
        return self.hourly is not None or self.weekday is not None

    def weight(self, t: float) -> float:
        """The unnormalised weight at minute ``t`` (compared with :attr:`peak`)."""
        w = self.hourly[int(t // 60) % 24] if self.hourly is not None else 1.0
        if self.weekday is not None:
            w *= self.weekday[(self.first_weekday + int(t // DAY)) % 7]
        return w

