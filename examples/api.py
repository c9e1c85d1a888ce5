"""Using flowmap from Python: load a flow, look at its graph, convert it,
analyze and simulate it.

    python examples/api.py

tests/test_examples.py runs this script and checks what it prints.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import flowmap

HERE = Path(__file__).resolve().parent


def main() -> None:
    flow = flowmap.load(HERE / "ec_order_ja.xlsx")
    print(f"{flow.name}: {len(flow.steps)} steps in {len(flow.lanes)} lanes")
    graph = flowmap.build_graph(flow)
    per_day = graph.per_day()
    busiest = max((s for s in flow.steps if s.mode == "manual" and s.lane != "お客様"),
                  key=lambda s: per_day[s.id] * s.duration.mean)
    print(f"busiest manual step: {busiest.id} {busiest.name} "
          f"({per_day[busiest.id] * busiest.duration.mean:.0f} min/day)")
    print(f"handoffs between owners: {len(graph.handoffs())}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "flow.yaml"
        flowmap.save(flow, out)
        again = flowmap.load(out)
        print(f"round trip through YAML unchanged: {again == flow}")
    analysis = flowmap.run_analysis(flow, lang="en")
    findings = analysis.findings
    print(f"findings: {len(findings)}, high: {sum(f.severity == 'high' for f in findings)}")
    worst = max(analysis.workload.owners, key=lambda o: o.utilization)
    print(f"most loaded: {worst.owner} at {worst.utilization:.0%} of capacity")
    result = flowmap.simulate(flow, days=10, seed=1, replications=1, start=datetime.date(2026, 11, 30))
    print(f"simulated lead time: {result.lead_time.mean / 60:.1f} h on average")


if __name__ == "__main__":
    main()
