"""Process mining for flowmap: discover a flow from an event log, check a flow against one, calibrate it.

Nothing here imports PM4Py: it is an optional extra used only in tests and benchmarks.
"""
