"""Writing event logs as XES (IEEE 1849): one trace per case, a start and a complete event per step execution.

The writer takes event records in any order (a simulation emits them as steps
end), groups them by case in memory (the compact record tuples only) and
streams the XML out.  Names and values are XML-escaped; times are ISO 8601,
with the offset given, else as local wall-clock time like the CSV log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO
from xml.sax.saxutils import quoteattr

from .._atomic import atomic_path

__all__ = ["EventRecord", "write_xes", "xes_event_sink"]

EventRecord = tuple[int | str, str, str, str, float, float]
"""(case id, activity, resource, lane, start minute, end minute); minutes from ``base``."""

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
  <string key="concept:name" value={name}/>
"""


def _stamp(base: dt.datetime, minutes: float, tz: dt.timezone | None) -> str:
    t = base + dt.timedelta(minutes=minutes)
    if tz is not None:
        t = t.replace(tzinfo=tz)
    return t.isoformat(timespec="milliseconds")


def write_xes(out: IO[str], records: Iterable[EventRecord], base: dt.datetime, *, name: str = "flowmap",
              tz: dt.timezone | None = None) -> int:
    """Write ``records`` as XES to the text stream ``out``; returns the number of step executions written.

    Records of one case need not be adjacent; each case's events are written in the order given.
    """
    out.write(_HEAD.format(name=quoteattr(name)))
    cases: dict[str, list[EventRecord]] = {}
    order: list[str] = []
    n = 0
    for rec in records:
        key = str(rec[0])
        lst = cases.get(key)
        if lst is None:
            cases[key] = lst = []
            order.append(key)
        lst.append(rec)
        n += 1
    for key in order:
        out.write(f'  <trace>\n    <string key="concept:name" value={quoteattr(key)}/>\n')
        for _cid, act, res, lane, start, end in cases.pop(key):
            a, r, g = quoteattr(act), quoteattr(res), quoteattr(lane)
            for transition, t in (("start", start), ("complete", end)):
                out.write(f'    <event>\n      <string key="concept:name" value={a}/>\n'
                          f'      <string key="lifecycle:transition" value="{transition}"/>\n'
                          f'      <date key="time:timestamp" value="{_stamp(base, t, tz)}"/>\n')
                if res:
                    out.write(f'      <string key="org:resource" value={r}/>\n')
                if lane:
                    out.write(f'      <string key="org:group" value={g}/>\n')
                out.write("    </event>\n")
        out.write("  </trace>\n")
    out.write("</log>\n")
    return n


@contextlib.contextmanager
def xes_event_sink(path: str | Path, start: dt.date) -> Iterator[Callable[[EventRecord], None]]:
    """A simulation event sink writing XES to ``path`` when the run ends, atomically.

    XES nests events in their case, and a simulation emits them as steps end, so the
    records (compact tuples) are kept until the run ends and then written case by case.
    """
    records: list[EventRecord] = []
    yield records.append
    base = dt.datetime.combine(start, dt.time(0))
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as out:
        write_xes(out, records, base, name="flowmap simulation")
