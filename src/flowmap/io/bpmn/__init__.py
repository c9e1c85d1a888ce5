"""BPMN 2.0 XML in and out.

Writing (:func:`dump_bpmn`, :mod:`.write` and :mod:`.layout`): one pool with one lane per flow
lane, one task per step, start and end events, exclusive gateways for chance branches, parallel
gateways for forks and joins, and a complete BPMNDI diagram laid out like the lane view.
Everything flowmap models is also kept in namespaced extension elements (``fm:``), so that
flowmap reads its own files back losslessly while other tools ignore them.

Reading (:func:`read_bpmn`): :mod:`..bpmn_xml` parses safely (defusedxml: no DTD entities, no
external entities, no network access), :mod:`.read` collects pools, lanes, tasks, events,
gateways and sequence flows, :mod:`.walk` turns gateways into forks, joins and chance branches,
and :mod:`.to_flow` makes the rows of a flow. What was assumed is recorded as notes on the flow.
"""

from __future__ import annotations

from ._common import BPMN_NS, FM_NS
from .read import read_bpmn
from .write import dump_bpmn

__all__ = ["BPMN_NS", "FM_NS", "dump_bpmn", "read_bpmn"]
