"""Sweep speed: a 24-run sweep (12 grid points x 2 replications of a 30-step
model) on 1 and 2 local worker processes, and on a Dask LocalCluster of 2
workers against 2 local processes.

    python benchmarks/sweep.py

Prints wall times, the speed-up of 2 workers over 1 (goal >= 1.7x on 2
otherwise idle cores) and the overhead of Dask (cluster start-up included,
and without it).  The results of every run are checked to be identical.
On a machine shared with other work the speed-up is lower: say so when
quoting the figure.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import flowmap
from flowmap.sweep import parse_vary, run_sweep

MODEL = Path(__file__).resolve().parent.parent / "models" / "ec_order_asis.yaml"


def main() -> None:
    flow = flowmap.load(MODEL)
    axes = [parse_vary("orders_per_day=80:180:20", flow), parse_vary("headcount.事務スタッフ=2,3", flow)]
    kw = {"days": 20, "replications": 2, "seed": 1}
    times: dict[str, float] = {}
    results: dict[str, str] = {}
    for name, extra in (("1 process", {"workers": 1}), ("2 processes", {"workers": 2})):
        t0 = time.perf_counter()
        r = run_sweep(flow, axes, **kw, **extra)  # type: ignore[arg-type]
        times[name] = time.perf_counter() - t0
        results[name] = json.dumps(r.to_dict(), sort_keys=True)
    t0 = time.perf_counter()
    r = run_sweep(flow, axes, **kw, workers=2, scheduler="local")  # type: ignore[arg-type]
    times["Dask LocalCluster, 2 workers (incl. start-up)"] = time.perf_counter() - t0
    results["dask"] = json.dumps(r.to_dict(), sort_keys=True)
    try:
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
            t0 = time.perf_counter()
            r = run_sweep(flow, axes, **kw, scheduler=cluster.scheduler_address)  # type: ignore[arg-type]
            times["Dask, 2 workers already running"] = time.perf_counter() - t0
            results["dask running"] = json.dumps(r.to_dict(), sort_keys=True)
    except ImportError:
        pass
    for name, secs in times.items():
        print(f"{name:<48} {secs:6.2f} s")
    print(f"speed-up of 2 workers over 1: {times['1 process'] / times['2 processes']:.2f}x (goal >= 1.7x on 2 idle cores)")
    print(f"Dask overhead against 2 local processes: "
          f"{times['Dask LocalCluster, 2 workers (incl. start-up)'] / times['2 processes']:.2f}x with cluster start-up"
          + (f", {times['Dask, 2 workers already running'] / times['2 processes']:.2f}x on a running cluster"
             if "Dask, 2 workers already running" in times else ""))
    print("identical results on every executor:", len(set(results.values())) == 1)


if __name__ == "__main__":
    main()
