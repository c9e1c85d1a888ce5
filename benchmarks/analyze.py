"""Analysis speed: all analyzers on a generated 10,000-step, 200-owner flow.

    python benchmarks/analyze.py [steps] [owners]

Goal: < 1 s. Also prints the time of building the graph alone, the floor
every analysis starts from.
"""

from __future__ import annotations

import random
import sys
import time

from flowmap.analyze import run_analysis
from flowmap.graph import build_graph
from flowmap.model import Duration, Edge, Flow, Lane, Owner, Step, Tool, check_flow


def generate(n: int, owners: int, seed: int = 1) -> Flow:
    rng = random.Random(seed)
    lanes = [Lane(name="customer", kind="customer")] + [Lane(name=f"team{i}") for i in range(10)]
    tools = [Tool(name=f"mail{i}", category="communication") for i in range(5)] + \
            [Tool(name=f"record{i}", category="record") for i in range(20)]
    people = [Owner(name=f"owner{i}", lane=f"team{i % 10}", headcount=rng.randint(1, 3)) for i in range(owners)]
    steps = []
    for i in range(n):
        lane = "customer" if i % 10 == 0 else f"team{i % 10}"
        steps.append(Step(
            id=f"S{i}", name=f"step {i}", lane=lane,
            owners=[] if lane == "customer" else [f"owner{rng.randrange(owners)}"],
            tools=[t.name for t in rng.sample(tools, 2)], duration=Duration(kind="uniform", params=(1.0, 5.0)),
            reads=[f"item{rng.randrange(500)}"], writes=[f"item{rng.randrange(500)}"],
            emotion=rng.choice([None, -1, 0, 1]), pain="",
        ))
    edges = []
    for i in range(n - 1):
        if i % 7 == 0 and i + 2 < n:
            edges += [Edge(source=f"S{i}", target=f"S{i + 1}", probability=0.8),
                      Edge(source=f"S{i}", target=f"S{i + 2}", probability=0.2)]
        else:
            edges.append(Edge(source=f"S{i}", target=f"S{i + 1}"))
    flow = Flow(name="bench", lanes=lanes, owners=people, tools=tools, steps=steps, edges=edges)
    assert not check_flow(flow)
    return flow


def best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    owners = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    flow = generate(n, owners)
    graph_t = best(lambda: build_graph(flow))
    total = best(lambda: run_analysis(flow))
    a = run_analysis(flow)
    print(f"steps: {n}, owners: {owners}, findings: {len(a.findings)}")
    print(f"graph alone: {graph_t:.3f} s")
    print(f"all analyzers (graph included): {total:.3f} s (goal < 1 s)")
    print(f"ratio to graph alone: {total / graph_t:.2f}x")


if __name__ == "__main__":
    main()
