"""The event-driven reading of ordinary model files gives exactly what the node-based reading
gives (values, types, key order, line marks), and hands everything unusual to it."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from flowmap.io import _yaml


def _nodes(text: str) -> Any:
    loader = _yaml._Loader(text, "m.yaml")
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    assert not loader.problems
    return data


def _events(text: str) -> Any:
    loader = _yaml._Loader(text, "m.yaml")
    try:
        return _yaml._fast_events(loader)
    finally:
        loader.dispose()


def _same(a: Any, b: Any, path: str = "$") -> None:
    assert type(a) is type(b), path
    if isinstance(a, dict):
        assert list(a) == list(b) and a.line == b.line and a.lines == b.lines, path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b) and a.line == b.line and a.lines == b.lines, path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    else:
        assert a == b or a != a, path  # NaN


ORDINARY = """\
flowmap: 1
name: "受注 flow"
settings:
  orders_per_day: 1.0e+2
  days: 20
  holidays: [2026-01-01, 2026-05-05]
  rate: 1e-06
  off: no
  on: Yes
  nothing: ~
  empty:
  big: 0x1F
  neg: -.inf
steps:
- id: S1
  name: 受注確認
  next: {S2: 0.9, S3: 0.1}
  note: |
    複数行の
    メモ
  tools: [メール, 'Excel', "台帳"]
- {id: S2, name: 出荷, 2: two, true: t}
- id: S3
  name: >
    folded
    text
  reads: []
  writes: {}
"""


def test_ordinary_document_reads_the_same() -> None:
    fast = _events(ORDINARY)
    assert fast is not _yaml._BAIL
    _same(_nodes(ORDINARY), fast)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",                 # anchors and aliases
    "a: !!str 1\n",                      # explicit tag
    "base: {x: 1}\nm:\n  <<: {y: 2}\n",  # merge key
    "? [a, b]\n: c\n",                   # complex key
    "a: 1\na: 2\n",                      # duplicate key
    "a: 1234567890123456789012345678901234567890\n",  # huge number
    "a: \"x\\u0001y\"\n",                # control character
    "- a\n- b\n",                        # not a mapping at the top
    "a: 1\n---\nb: 2\n",                 # two documents
    "a: [" * 40 + "]" * 40 + "\n",       # deep nesting
    "a: [1, 2\n",                        # broken
    "=: 1\n",                            # the YAML value key
])
def test_unusual_documents_go_to_the_node_reading(text: str) -> None:
    try:
        fast = _events(text)
    except yaml.YAMLError:
        return
    assert fast is _yaml._BAIL


_scalars = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans(), st.none(),
                     st.text(max_size=12), st.sampled_from(["yes", "No", "~", "1e-06", "0o17", "2026-01-02", "1_000",
                                                            "12:30", ".5", "+1", "null", "=", "<<", "0x1F"]))
_docs = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                     max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=8), _docs, min_size=1, max_size=5), st.booleans())
def test_generated_documents_read_the_same(doc: dict[str, Any], flow_style: bool) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True, default_flow_style=flow_style)
    try:
        slow = _nodes(text)
    except (AssertionError, yaml.YAMLError):
        assert _events(text) is _yaml._BAIL
        return
    fast = _events(text)
    if fast is not _yaml._BAIL:
        _same(slow, fast)


def test_the_document_shares_repeated_texts_and_holds_no_instance_dicts() -> None:
    """What keeps a 100,000-step model's document small: every mapping and list has slots (no
    ``__dict__``), and a key or name repeated on every step is one object, not one per step."""
    text = "".join(f"- {{id: S{i}, lane: 倉庫, tools: [メール]}}\n" for i in range(3))
    doc = _events("steps:\n" + text.replace("- ", "  - "))
    steps = doc["steps"]
    assert not hasattr(doc, "__dict__") and not hasattr(steps, "__dict__") and not hasattr(steps[0]["tools"], "__dict__")
    keys = [next(k for k in s if k == "lane") for s in steps]
    assert keys[0] is keys[1] is keys[2]
    assert steps[0]["lane"] is steps[2]["lane"] and steps[0]["tools"][0] is steps[1]["tools"][0]
    assert _yaml.LineList().line == 0 and _yaml.LineDict().line == 0  # unset: 0, as before
    with pytest.raises(AttributeError):
        _ = _yaml.LineDict().lines
