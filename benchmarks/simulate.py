"""Simulation speed and memory, measured as whole processes (start-up included):
``flowmap simulate MODEL.yaml`` against ``python plain_simpy.py`` (the same
six-step queueing model written directly against SimPy) at 10,000 and 100,000
cases, plus ``flowmap --version``.

    python benchmarks/simulate.py [--repeat N]

Prints wall time (best of N), CPU time (user + system of the child; the minimum
and the median of N runs) and peak memory (the child's maximum resident set)
for both, and their ratios (of the minima and of the medians).  This
process imports nothing heavy itself (a forked child's peak memory counts its
parent's pages); the model files are written by a child too.
Goals: flowmap <= 1.3x plain SimPy; memory flat in the number of cases;
``flowmap --version`` < 0.3 s.  On a shared machine wall time swings with the
load: the CPU-time ratio is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from plain_simpy import MEAN, PER_DAY, STAFF  # noqa: E402


def model(days: float) -> object:
    from flowmap.model import Duration, Edge, Flow, Lane, Owner, Settings, Step, WorkHours

    return Flow(
        settings=Settings(orders_per_day=PER_DAY, days=max(1, round(days)), replications=1),
        lanes=[Lane(name="ops")],
        owners=[Owner(name=f"team{i}", lane="ops", headcount=c, hours=WorkHours(start=0, end=1440), days=list(range(7)))
                for i, c in enumerate(STAFF)],
        steps=[Step(id=f"S{i}", name=f"step {i}", lane="ops", owners=[f"team{i}"],
                    duration=Duration(kind="exponential", params=(m,))) for i, m in enumerate(MEAN)],
        edges=[Edge(source=f"S{i}", target=f"S{i + 1}") for i in range(len(MEAN) - 1)],
    )


def run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MB of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _summary(runs: list[tuple[float, float, float]]) -> tuple[float, float, float, float]:
    """Min wall, min CPU, largest peak MB and median CPU of some runs."""
    return (min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs),
            statistics.median(r[1] for r in runs))


def best(cmd: list[str], repeat: int) -> tuple[float, float, float, float]:
    return _summary([run(cmd) for _ in range(repeat)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write", nargs=2, metavar=("DAYS", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write:
        import flowmap

        flowmap.save(model(float(args.write[0])), args.write[1])  # type: ignore[arg-type]
        return
    exe = str(Path(sys.executable).with_name("flowmap"))
    with tempfile.TemporaryDirectory() as tmp:
        for cases in (10_000, 100_000):
            days = cases / PER_DAY
            yaml_path = Path(tmp) / f"m{cases}.yaml"
            subprocess.run([sys.executable, __file__, "--write", f"{days:g}", str(yaml_path)], check=True)
            out = Path(tmp) / "out.json"
            plain_cmd = [sys.executable, str(HERE / "plain_simpy.py"), f"{days:g}"]
            ours_cmd = [exe, "simulate", str(yaml_path), "--format", "json", "-o", str(out)]
            pairs = [(run(plain_cmd), run(ours_cmd)) for _ in range(args.repeat)]  # alternate: same load for both
            plain = _summary([p for p, _ in pairs])
            ours = _summary([o for _, o in pairs])
            print(f"{cases:>7,} cases: plain SimPy {plain[0]:5.2f} s wall, CPU {plain[1]:5.2f} s min {plain[3]:5.2f} s median, "
                  f"{plain[2]:5.0f} MB | flowmap {ours[0]:5.2f} s wall, CPU {ours[1]:5.2f} s min {ours[3]:5.2f} s median, "
                  f"{ours[2]:5.0f} MB | ratio {ours[0] / plain[0]:.2f}x wall, CPU {ours[1] / plain[1]:.2f}x (min) "
                  f"{ours[3] / plain[3]:.2f}x (median)")
        version = best([exe, "--version"], args.repeat)
        helptext = best([exe, "--help"], args.repeat)
        print(f"flowmap --version {version[0]:.3f} s wall ({version[1]:.3f} s CPU), --help {helptext[0]:.3f} s wall")
    print("goals: ratio <= 1.3x; memory flat from 10,000 to 100,000 cases; --version < 0.3 s")


if __name__ == "__main__":
    main()
