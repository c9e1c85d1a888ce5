"""Speed at every size of flow: generated flows of 1k, 10k (and 100k) steps
with 7 lanes, 50 owners and 30 tools, each command run as a whole process.

    python benchmarks/scale.py [--sizes 1000,10000,100000] [--repeat N] [--commands validate,analyze,...]

For each size prints wall time, CPU time (user + sys) and peak memory (the child's maximum
resident set) of ``flowmap validate`` on the YAML model, ``flowmap analyze`` (text, as a
terminal shows it), ``flowmap validate`` on the workbook against iterating the same workbook
with openpyxl read-only (the floor), and ``flowmap view``.  With ``--repeat N`` each command
runs N times: the minimum and the median CPU time are printed, wall time is the minimum and
memory the largest peak.  ``--commands`` picks some of validate, analyze, workbook, floor,
view (the workbook is written only when workbook or floor is picked), e.g. the 100k-step
memory goal alone: ``--sizes 100000 --commands validate``.
Goals from issue 10: 10k-step YAML validated < 2 s, 100k < 20 s and < 1 GB; analyze of
10k < 3 s; workbook import <= 2x openpyxl; view not dominated by writing.  Wall times on a
shared machine swing with the load (the script prints the load average); the CPU times do
not, so the goals are judged on them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LANES = 7
OWNERS = 50
TOOLS = 30


def generate(n: int, yaml_path: Path, xlsx_path: Path | None) -> None:
    """Write an n-step flow: a customer lane and six operator lanes, a line with skips and rework loops."""
    import flowmap
    from flowmap.model import Duration, Edge, Flow, Lane, Owner, Step, Tool

    lanes = [Lane(name="お客様", kind="customer")] + [Lane(name=f"部門{k}") for k in range(1, LANES)]
    owners = [Owner(name=f"担当{k}", lane=f"部門{k % (LANES - 1) + 1}", kind="team" if k % 5 == 0 else "person",
                    headcount=1 + k % 3) for k in range(OWNERS)]
    cats = ["communication", "record", "commerce", "logistics", "payment", "other"]
    tools = [Tool(name=f"ツール{k}", category=cats[k % len(cats)]) for k in range(TOOLS)]  # type: ignore[arg-type]
    steps, edges = [], []
    for i in range(1, n + 1):
        customer = i % 10 == 1
        steps.append(Step(id=f"S{i}", name=f"作業{i}", lane="お客様" if customer else f"部門{i % (LANES - 1) + 1}",
                          owners=[] if customer else [f"担当{i % OWNERS}"],
                          tools=[f"ツール{i % TOOLS}", f"ツール{(i * 7) % TOOLS}"],
                          duration=Duration(kind="uniform", params=(1.0 + i % 5, 6.0 + i % 7)),
                          reads=[f"データ{i % 40}"], writes=[f"データ{(i * 3) % 40}"] if i % 2 else []))
        if i == n:
            edges.append(Edge(source=f"S{i}", target="END"))
        elif i % 50 == 0 and i > 10:
            edges += [Edge(source=f"S{i}", target=f"S{i + 1}", probability=0.95),
                      Edge(source=f"S{i}", target=f"S{i - 5}", probability=0.05)]  # rework
        elif i % 7 == 0 and i + 2 <= n:
            edges += [Edge(source=f"S{i}", target=f"S{i + 1}", probability=0.9),
                      Edge(source=f"S{i}", target=f"S{i + 2}", probability=0.1)]
        else:
            edges.append(Edge(source=f"S{i}", target=f"S{i + 1}"))
    flow = Flow(name=f"generated {n}", language="ja", lanes=lanes, owners=owners, tools=tools, steps=steps, edges=edges)
    flowmap.save(flow, yaml_path)
    if xlsx_path is not None:
        flowmap.save(flow, xlsx_path)


def openpyxl_floor(path: str | Path) -> int:
    """The floor of reading a workbook: openpyxl read-only, every non-empty cell touched; their count."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += sum(1 for v in row if v is not None)
    wb.close()
    return n


def measure(cmd: list[str]) -> tuple[float, float, float, bool]:
    """Wall seconds, CPU seconds (user + sys, from the RUSAGE_CHILDREN delta) and peak resident
    MB of one child process; whether it succeeded.  On a loaded machine only CPU time compares."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, usage.ru_maxrss / 1024, status == 0


COMMANDS = ("validate", "analyze", "workbook", "floor", "view")


def repeated(cmd: list[str], repeat: int) -> tuple[float, float, float, float, bool]:
    """Min wall, min CPU, median CPU and largest peak MB of ``repeat`` runs; whether all succeeded."""
    runs = [measure(cmd) for _ in range(repeat)]
    cpus = [r[1] for r in runs]
    return (min(r[0] for r in runs), min(cpus), statistics.median(cpus), max(r[2] for r in runs),
            all(r[3] for r in runs))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each command (min and median CPU are printed)")
    ap.add_argument("--commands", default=",".join(COMMANDS), help=f"some of {', '.join(COMMANDS)}")
    ap.add_argument("--generate", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--floor", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate:
        generate(int(args.generate[0]), Path(args.generate[1]), Path(args.generate[2]) if len(args.generate) > 2 else None)
        return
    if args.floor:
        openpyxl_floor(args.floor)
        return
    picked = [c.strip() for c in args.commands.split(",") if c.strip()]
    unknown = [c for c in picked if c not in COMMANDS]
    if unknown:
        ap.error(f"unknown command {', '.join(unknown)}; pick from {', '.join(COMMANDS)}")
    exe = str(Path(sys.executable).with_name("flowmap"))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.repeat} run(s) of each command")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            y, x, h = Path(tmp) / f"f{n}.yaml", Path(tmp) / f"f{n}.xlsx", Path(tmp) / f"f{n}.html"
            workbook = "workbook" in picked or "floor" in picked
            subprocess.run([sys.executable, __file__, "--generate", str(n), str(y), *([str(x)] if workbook else [])],
                           check=True)
            cmds = {
                "validate": ("validate YAML", [exe, "validate", str(y)]),
                "analyze": ("analyze (text)", [exe, "analyze", str(y)]),
                "workbook": ("validate workbook", [exe, "validate", str(x)]),
                "floor": ("openpyxl read-only floor", [sys.executable, __file__, "--floor", str(x)]),
                "view": ("view", [exe, "view", str(y), "-o", str(h)]),
            }
            rows = {cmds[c][0]: repeated(cmds[c][1], args.repeat) for c in COMMANDS if c in picked}
            print(f"{n:>7,} steps ({y.stat().st_size / 1e6:.1f} MB YAML"
                  + (f", {x.stat().st_size / 1e6:.1f} MB xlsx" if x.exists() else "")
                  + (f", {h.stat().st_size / 1e6:.1f} MB HTML" if h.exists() else "") + ")")
            print(f"    {'':<26} {'wall':>9} {'CPU min':>9} {'CPU median':>11} {'peak':>10}")
            for name, (secs, cpu, cpu_median, mb, ok) in rows.items():
                print(f"    {name:<26} {secs:7.2f} s {cpu:7.2f} s {cpu_median:9.2f} s {mb:7.0f} MB{'' if ok else '  (failed)'}")
            if "validate workbook" in rows and "openpyxl read-only floor" in rows:
                ratio = rows["validate workbook"][1] / rows["openpyxl read-only floor"][1]
                print(f"    workbook import / openpyxl floor (CPU): {ratio:.2f}x")
    print("goals: 10k YAML < 2 s, 100k < 20 s and < 1 GB; analyze 10k < 3 s; workbook <= 2x openpyxl")


if __name__ == "__main__":
    main()
