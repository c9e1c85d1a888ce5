"""Handoff waits found in an event log are tools of category ``wait``: a delay, not a channel.

Discovery represents the extra wait before a step as a pseudo tool ``引き継ぎ: STEP`` that carries
a delay. The engine honours the delay; tool scatter must not count it as a means of communication.
"""

from __future__ import annotations

from pathlib import Path

import flowmap
from flowmap.mining._tuning import _apply_delays

ROOT = Path(__file__).resolve().parent.parent


def _scatter(flow: flowmap.Flow) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((f.key, f.severity, tuple(f.tools)) for f in flowmap.run_analysis(flow).findings
                  if f.analyzer == "tool_scatter")


def test_wait_tools_are_not_counted_as_channels() -> None:
    plain = flowmap.load(ROOT / "models" / "ec_order_asis.yaml")
    waited = plain.model_copy(deep=True)
    _apply_delays(waited, {"O2": 40.0, "O7": 25.0, "O5": 15.0}, "ja")
    pseudo = [t for t in waited.tools if t.name.startswith("引き継ぎ: ")]
    assert len(pseudo) == 3 and all(t.category == "wait" and t.delay is not None for t in pseudo)
    assert _scatter(waited) == _scatter(plain)
    waits = [f for f in flowmap.run_analysis(waited).findings if f.code.startswith("handoffs.") and
             any(t.startswith("引き継ぎ: ") for t in f.tools)]
    assert waits, "the handoff-wait finding still names the wait"


def test_engine_honours_a_wait_tool(tmp_path: Path) -> None:
    plain = flowmap.load(ROOT / "models" / "ec_order_asis.yaml")
    waited = plain.model_copy(deep=True)
    _apply_delays(waited, {"O2": 600.0}, "ja")
    out = tmp_path / "waited.yaml"
    flowmap.save(waited, out)
    again = flowmap.load(out)
    assert [(t.name, t.category) for t in again.tools] == [(t.name, t.category) for t in waited.tools]
    base = flowmap.simulate(plain, days=5, replications=1, seed=3)
    slow = flowmap.simulate(again, days=5, replications=1, seed=3)
    assert slow.lead_time.mean > base.lead_time.mean + 60
