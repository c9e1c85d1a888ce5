"""The comparison of two flows: what :func:`flowmap.compare.compare` returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..analyze import Analysis
from ..model import Flow
from .findings import FindingDelta
from .paired import SimComparison
from .structure import Structure
from .workload import MONTH_DAYS, OwnerDelta

__all__ = ["Comparison"]


@dataclass
class Comparison:
    before: Flow
    after: Flow
    before_analysis: Analysis
    after_analysis: Analysis
    structure: Structure
    workload: list[OwnerDelta]
    findings: list[FindingDelta]
    simulation: SimComparison | None
    lang: str = "en"

    def findings_by(self, status: str) -> list[FindingDelta]:
        return [f for f in self.findings if f.status == status]

    @property
    def freed_minutes(self) -> float:
        return sum(o.freed for o in self.workload)

    @property
    def cost_per_month_saved(self) -> float:
        """Sum over the owners whose cost is known (see :attr:`cost_missing_owners`)."""
        return sum(o.cost_per_month_saved or 0.0 for o in self.workload)

    @property
    def cost_missing_owners(self) -> list[str]:
        return [o.owner for o in self.workload if o.cost_missing]

    @property
    def currency(self) -> str:
        return self.before.settings.currency

    def to_dict(self) -> dict[str, Any]:
        st = self.structure
        return {
            "before": {"name": self.before.name, "steps": len(self.before.steps), "source": self.before.source},
            "after": {"name": self.after.name, "steps": len(self.after.steps), "source": self.after.source},
            "unchanged": st.unchanged,
            "steps": st.to_dict(),
            **st.others_dict(),
            "workload": [o.to_dict() for o in self.workload],
            "findings": {s: [f.to_dict() for f in self.findings_by(s)] for s in ("resolved", "remaining", "new")},
            "simulation": self.simulation.to_dict() if self.simulation else None,
            "totals": {
                "freed_minutes_per_day": round(self.freed_minutes, 1),
                "cost_per_month_saved": round(self.cost_per_month_saved),
                "cost_missing_owners": self.cost_missing_owners,
                "currency": self.currency,
                "findings": {s: len(self.findings_by(s)) for s in ("resolved", "remaining", "new")},
                "month_days": round(MONTH_DAYS, 4),
            },
        }
