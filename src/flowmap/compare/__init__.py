"""As-is vs to-be: what a change to a flow buys.

:func:`compare` puts two flows side by side:

* **structure** — steps removed, added and changed field by field (matched
  by id, then by name), owners, tools and lanes by name, data entries that
  disappear (a data item written by fewer steps), tools no step uses any more
  (retired), handoffs between people removed or added;
* **findings** — the analyzers' findings of both flows matched by their
  stable ``key``: resolved, remaining (minutes per day before and after), new;
* **workload** — expected minutes per day, utilization and data-entry minutes
  per owner before and after, the minutes freed and what they cost per month
  at the owner's hourly ``cost`` (``None`` where the cost is missing);
* **simulation** — both flows run with the same seeds and start day, so
  replication *r* of each sees the same arrivals and, for the steps they
  share, the same random draws (common random numbers); the lead-time
  difference is the mean of the per-replication differences with its 95 %
  confidence interval (Student t), exactly 0 for a flow compared with itself.

Money per month is minutes per calendar day × 365/12 days × hourly cost / 60.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..analyze import run_analysis
from ..graph import build_graph
from ..model import Flow
from .findings import FindingDelta, match_findings
from .paired import (
    OwnerSide,
    Paired,
    SegmentPair,
    SimComparison,
    StepSide,
    paired_difference,
    simulate_pair,
)
from .result import Comparison
from .structure import (
    STEP_FIELDS,
    DataEntryDelta,
    HandoffDelta,
    NamedChange,
    StepChange,
    Structure,
    structural_diff,
)
from .workload import MONTH_DAYS, OwnerDelta, workload_delta

__all__ = [
    "MONTH_DAYS",
    "STEP_FIELDS",
    "Comparison",
    "DataEntryDelta",
    "FindingDelta",
    "HandoffDelta",
    "NamedChange",
    "OwnerDelta",
    "OwnerSide",
    "Paired",
    "SegmentPair",
    "SimComparison",
    "StepChange",
    "StepSide",
    "Structure",
    "at_volume",
    "compare",
    "match_findings",
    "paired_difference",
    "structural_diff",
    "workload_delta",
]


def at_volume(flow: Flow, orders_per_day: float) -> Flow:
    """A copy of ``flow`` whose entry volumes add up to ``orders_per_day`` (in their proportions), as the
    simulation scales them; locations and source are kept."""
    volumes = flow.entry_volumes()
    total = sum(volumes.values())
    k = orders_per_day / total if total > 0 else 0.0
    steps = [s.model_copy(update={"volume": s.volume * k}) if s.volume is not None and s.volume > 0 else s
             for s in flow.steps]
    return flow.model_copy(update={"steps": steps,
                                   "settings": flow.settings.model_copy(update={"orders_per_day": orders_per_day})})


def compare(before: Flow, after: Flow, *, lang: str | None = None, simulate: bool = True, days: float | None = None,
            orders_per_day: float | None = None, replications: int | None = None, seed: int | None = None,
            workers: int = 1, start: dt.date | None = None, between: tuple[str, str] | None = None,
            thresholds: Mapping[str, float] | None = None) -> Comparison:
    """Compare two validated flows (see the module docstring); ``thresholds`` override both flows'
    analysis settings, as :func:`flowmap.analyze.run_analysis` takes them."""
    lang = lang or before.language
    if orders_per_day is not None:  # the workload, handoffs and findings at the volume the simulation runs
        before, after = at_volume(before, orders_per_day), at_volume(after, orders_per_day)
    gb, ga = build_graph(before), build_graph(after)
    ab = run_analysis(before, lang=lang, graph=gb, thresholds=thresholds)
    aa = run_analysis(after, lang=lang, graph=ga, thresholds=thresholds)
    st = structural_diff(before, after, gb, ga)
    sim = None
    if simulate:
        sim = simulate_pair(before, after, st.step_match, days=days, orders_per_day=orders_per_day,
                             replications=replications, seed=seed, workers=workers, start=start, between=between)
    return Comparison(before=before, after=after, before_analysis=ab, after_analysis=aa, structure=st,
                      workload=workload_delta(ab, aa),
                      findings=match_findings(ab.findings, aa.findings, {a: b for b, a in st.step_match.items() if a != b}),
                      simulation=sim, lang=lang)
