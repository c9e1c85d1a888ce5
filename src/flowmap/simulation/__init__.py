"""Discrete-event simulation of a flow with SimPy.

* :mod:`.calendar`   working calendars and batch schedules
* :mod:`.streams`    common random numbers: one stream per step and purpose
* :mod:`.engine`     one replication (:class:`~.engine.Replication`)
* :mod:`.statistics` streaming statistics (histogram quantiles, CI)
* :mod:`.results`    typed results and their JSON form
* :mod:`.run`        :func:`simulate`: checks, replications in parallel, aggregation
"""

from __future__ import annotations

from .calendar import Calendar, next_monday
from .engine import EventSink, Replication, RunPlan, run_replication
from .results import (
    EVENT_HEADER,
    EventRecord,
    HandoffStats,
    LeadTime,
    OverloadWarning,
    OwnerStats,
    ReplicationResult,
    SegmentStats,
    SimSettings,
    SimulationResult,
    StepStats,
    event_row,
)
from .run import check_number, resolve_milestones, simulate, start_date

__all__ = [
    "EVENT_HEADER",
    "Calendar",
    "EventRecord",
    "EventSink",
    "HandoffStats",
    "LeadTime",
    "OverloadWarning",
    "OwnerStats",
    "Replication",
    "ReplicationResult",
    "RunPlan",
    "SegmentStats",
    "SimSettings",
    "SimulationResult",
    "StepStats",
    "check_number",
    "event_row",
    "next_monday",
    "resolve_milestones",
    "run_replication",
    "simulate",
    "start_date",
]
