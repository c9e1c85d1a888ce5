"""Scenario files: a change to a flow written as a small YAML file.

``name``, optional ``base`` (a flow file relative to the scenario) and ``changes``:
``steps`` (by id), ``owners``, ``tools``, ``lanes`` (by name), ``settings`` and
``remove`` (predecessors reconnect to the removed step's successors, probabilities
multiplied).  The format with an example is in README ("Scenario files").

Every field is a field of the model file format (README, "Model files").
A field given in a change replaces the base's value (lists and ``extra``
too); ``null`` clears it (a setting goes back to its default).  A key left without a value at the top or in ``changes``
(``changes:``, ``steps: null``) is refused at its line: write ``{}`` / ``[]``
or drop the key.  A step record whose id the base does not have adds a step
when it gives at least a ``name``; otherwise it is an unknown step id.  Added
steps go after the base's steps and end the case unless they give ``next``.

The changed flow is built and validated exactly like a model file: every
problem names ``FILE:LINE``, in the scenario file for what the scenario
changed and in the base flow for what it kept.
"""

from ._apply import apply_scenario
from ._read import Changes, Scenario, load_scenario, scenario_base

__all__ = ["Changes", "Scenario", "apply_scenario", "load_scenario", "scenario_base"]
