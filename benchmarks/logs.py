"""Event logs at scale: read and discover a 1,000,000-event log, time and peak memory, against PM4Py.

    python benchmarks/logs.py [--events 1000000] [--keep DIR]

Makes the log once by simulating the bundled as-is flow for as many days as it takes (about 23
events a case, 100 cases a day), written as CSV and as XES (start/complete pairs, so the XES has
two XES events per step execution).  Each measurement then runs in a fresh Python process, so its
peak resident memory (ru_maxrss) is its own:

* flowmap: ``read_log`` of the CSV and of the XES; ``discover`` of the CSV with and without the
  simulation that tunes handoff waits;
* PM4Py (optional extra, AGPL-3): ``pm4py.read_xes`` of the same XES; pandas ``read_csv`` plus
  ``pm4py.format_dataframe`` of the same CSV.

Times leave out importing the libraries; the peak is the whole process's, shown with the
resident memory right after the imports.

Prints one line per measurement and a JSON summary at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASIS = ROOT / "models" / "ec_order_asis.yaml"


def make_logs(folder: Path, events: int) -> tuple[Path, Path, int]:
    import datetime as dt

    from flowmap import load
    from flowmap.io.xes import xes_event_sink
    from flowmap.simulation import simulate
    from flowmap.simulation.eventlog import csv_event_sink

    flow = load(ASIS)
    days = events / (20.0 * flow.settings.orders_per_day) + 10  # then keep the first ``events`` only
    start = dt.date(2024, 4, 1)
    csv_path, xes_path = folder / "log.csv", folder / "log.xes"
    count = 0

    with csv_event_sink(csv_path, start) as to_csv, xes_event_sink(xes_path, start) as to_xes:
        def both(ev: tuple[int, str, str, str, float, float]) -> None:
            nonlocal count
            if count >= events:
                return
            count += 1
            to_csv(ev)
            to_xes(ev)

        simulate(flow, days=days, replications=1, start=start, event_sink=both)
    return csv_path, xes_path, count


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _measure(kind: str, path: str) -> dict[str, float | int | str]:
    # imports first: the figures are for reading and discovering, not for starting Python
    with contextlib.redirect_stdout(io.StringIO()):  # PM4Py prints a banner on import
        if kind.startswith("pm4py"):
            import pandas as pd
            import pm4py
        else:
            from flowmap.io.eventlog import read_log
            from flowmap.mining.discover import discover
    base = _rss_mib()
    t0 = time.perf_counter()
    detail = ""
    if kind == "flowmap-read":
        log = read_log(path)
        detail = f"{log.stats.events} events, {log.stats.cases} cases"
    elif kind in ("flowmap-discover", "flowmap-discover-no-tune"):
        d = discover(read_log(path), tune=kind == "flowmap-discover")
        detail = f"{len(d.flow.steps)} steps, {len(d.flow.owners)} owners"
    elif kind == "pm4py-read-xes":
        df = pm4py.read_xes(path)
        detail = f"{len(df)} XES events"
    elif kind == "pm4py-read-csv":
        df = pd.read_csv(path)
        df = pm4py.format_dataframe(df, case_id="case_id", activity_key="activity", timestamp_key="end",
                                    start_timestamp_key="start")
        detail = f"{len(df)} rows"
    else:
        raise SystemExit(f"unknown measurement {kind}")
    seconds = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"what": kind, "file": Path(path).name, "seconds": round(seconds, 2),
            "peak_mib": round(peak_kib / 1024, 1), "after_imports_mib": round(base, 1), "detail": detail}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="Keep the generated logs in this folder.")
    ap.add_argument("--one", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(_measure(*args.one), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        csv_path, xes_path, n = make_logs(folder, args.events)
        print(f"made {n} events in {time.perf_counter() - t0:.1f} s: {csv_path.name} "
              f"{csv_path.stat().st_size / 1e6:.0f} MB, {xes_path.name} {xes_path.stat().st_size / 1e6:.0f} MB")
        try:
            import importlib.util

            have_pm4py = importlib.util.find_spec("pm4py") is not None
        except ImportError:
            have_pm4py = False
        runs = [("flowmap-read", csv_path), ("flowmap-read", xes_path), ("flowmap-discover-no-tune", csv_path),
                ("flowmap-discover", csv_path)]
        if have_pm4py:
            runs += [("pm4py-read-csv", csv_path), ("pm4py-read-xes", xes_path)]
        else:
            print("PM4Py is not installed (pip install 'flowmap[mining]'): its side is skipped")
        results = []
        env = dict(os.environ)
        for kind, path in runs:
            out = subprocess.run([sys.executable, __file__, "--one", kind, str(path)], capture_output=True, text=True,
                                 env=env, check=True)
            line = out.stdout.strip().splitlines()[-1]
            r = json.loads(line)
            results.append(r)
            print(f"{r['what']:<26} {r['file']:<8} {r['seconds']:>8.2f} s  peak {r['peak_mib']:>8.1f} MiB "
                  f"(after imports {r['after_imports_mib']:.0f})  {r['detail']}")
        print(json.dumps({"events": n, "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
