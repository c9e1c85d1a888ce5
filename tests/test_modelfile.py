from __future__ import annotations

from pathlib import Path

import pytest

import flowmap
from flowmap.errors import InputError
from flowmap.io import dump_json, dump_yaml

from .conftest import MODELS


def load_errors(path: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        flowmap.load(path)
    return [p.text() for p in e.value.problems]


@pytest.mark.parametrize("name", ["ec_order_asis.yaml", "ec_order_tobe.yaml", "ec_order_asis_en.yaml"])
def test_bundled_models_load_and_round_trip(name: str, tmp_path: Path) -> None:
    flow = flowmap.load(MODELS / name)
    for suffix in (".yaml", ".json", ".xlsx"):
        out = tmp_path / f"m{suffix}"
        flowmap.save(flow, out)
        assert flowmap.load(out) == flow, suffix


def test_yaml_is_stable_text(tmp_path: Path) -> None:
    flow = flowmap.load(MODELS / "ec_order_asis.yaml")
    text = dump_yaml(flow)
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    assert dump_yaml(flowmap.load(tmp_path / "a.yaml")) == text
    assert "tools: [" in text  # short lists stay on one line for readable diffs
    assert '"name": "EC受注フロー(現状)"' in dump_json(flow)


def test_syntax_error_names_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\nsteps:\n  - id: S1\n    name: [unclosed\n", encoding="utf-8")
    msgs = load_errors(p)
    assert msgs[0].startswith(f"{p}:") and "invalid YAML" in msgs[0]


def test_semantic_errors_name_lines(tmp_path: Path) -> None:
    p = tmp_path / "m.yaml"
    p.write_text(
        "name: x\n"
        "steps:\n"
        "  - id: S1\n"
        "    name: a\n"
        "    lane: ops\n"
        "    duration: soon\n"
        "    next: {S2: 0.5, S3: 0.2}\n"
        "  - id: S2\n"
        "    name: b\n"
        "    lane: ops\n"
        "    colour: red\n",
        encoding="utf-8",
    )
    text = "\n".join(load_errors(p))
    assert f"{p}:6" in text and "soon" in text
    assert f"{p}:7" in text and "S3" in text
    assert f"{p}:11" in text and "colour" in text


def test_unsafe_yaml_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "evil.yaml"
    p.write_text("name: !!python/object/apply:os.system ['echo hi']\nsteps: []\n", encoding="utf-8")
    msgs = load_errors(p)
    assert "invalid YAML" in msgs[0]


def test_endless_loop_is_an_input_error(tmp_path: Path) -> None:
    p = tmp_path / "loop.yaml"
    p.write_text(
        "steps:\n"
        "  - {id: S1, name: a, lane: ops, next: S2}\n"
        "  - {id: S2, name: b, lane: ops, next: S3}\n"
        "  - {id: S3, name: c, lane: ops, next: S2}\n",
        encoding="utf-8",
    )
    msgs = load_errors(p)
    assert "never reach an end" in msgs[0] and f"{p}:3" in msgs[0]


def test_hourly_profile_round_trips_and_is_checked(tmp_path: Path) -> None:
    weights = [0] * 9 + [3, 5, 5, 4, 4, 5, 5, 4, 3, 2, 2, 1, 1, 0, 0]
    p = tmp_path / "h.yaml"
    p.write_text(f"settings: {{hourly_profile: {weights}}}\nsteps:\n  - {{id: S1, name: a, lane: ops}}\n", encoding="utf-8")
    flow = flowmap.load(p)
    assert flow.settings.hourly_profile == [float(w) for w in weights]
    for suffix in (".yaml", ".xlsx"):
        out = tmp_path / f"o{suffix}"
        flowmap.save(flow, out)
        assert flowmap.load(out) == flow
    p.write_text("settings: {hourly_profile: [1, 2]}\nsteps:\n  - {id: S1, name: a, lane: ops}\n", encoding="utf-8")
    assert "24" in load_errors(p)[0] and f"{p}:1" in load_errors(p)[0]


def test_take_locs_hands_the_locations_over_without_a_copy() -> None:
    """A reader's location dict (a million entries at 100,000 steps) becomes the flow's; locations
    recorded before are kept and the new ones win, as with add_locs."""
    from flowmap.model import Flow

    handed = {("step", "S1", "name"): "m.yaml:3"}
    flow = Flow()
    flow.take_locs(handed)
    assert flow.__pydantic_private__ is not None and flow.__pydantic_private__["_locs"] is handed
    assert flow.loc("step", "S1", "name") == "m.yaml:3"
    flow.take_locs({("step", "S1", "name"): "m.yaml:4", ("step", "S2", ""): "m.yaml:9"})
    assert flow.loc("step", "S1", "name") == "m.yaml:4" and flow.loc("step", "S2", "id") == "m.yaml:9"
    loaded = flowmap.read(MODELS / "ec_order_asis.yaml").flow
    assert loaded.loc("setting", "orders_per_day").endswith("ec_order_asis.yaml:7")  # settings' places still arrive
