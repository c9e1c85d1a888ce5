"""The simulated event log, streamed to a CSV file as the replication runs."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from .._atomic import atomic_path, csv_field
from .engine import EventSink
from .results import EVENT_HEADER, EventRecord, event_row

__all__ = ["csv_event_sink"]


@contextlib.contextmanager
def csv_event_sink(path: str | Path, start: dt.date) -> Iterator[EventSink]:
    """A sink writing events as CSV rows to ``path``: atomically, so a failed run leaves no file."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(EVENT_HEADER)

        def sink(ev: EventRecord) -> None:
            writer.writerow([csv_field(v) for v in event_row(start, ev)])  # no cell read as a formula

        yield sink
