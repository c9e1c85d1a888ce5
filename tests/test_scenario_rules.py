"""Scenario files follow the model file's rules: step names in ``next`` match as the flow builder
matches them, sections written without a value are refused at their line, and a scenario's result
written as YAML, JSON or a workbook reads back as the same flow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

import flowmap
from flowmap.errors import InputError
from flowmap.scenario import apply_scenario, load_scenario

from .conftest import MODELS

Run = Callable[..., Result]

# two steps whose names differ only by a remark in brackets, and one whose name holds a list separator
REMARKS = """\
flowmap: 1
name: remarks
lanes: [{name: お客様, kind: customer}, {name: CS, kind: operator}]
owners: [{name: A, lane: CS}, {name: B, lane: CS}]
steps:
- {id: S1, name: 問い合わせる, lane: お客様, duration: 1, next: S2}
- {id: S2, name: 振り分ける, lane: CS, owner: A, duration: 1, next: {S3: 0.5, S4: 0.5}}
- {id: S3, name: 確認（電話）, lane: CS, owner: B, duration: 5, next: S5}
- {id: S4, name: 確認（メール）, lane: CS, owner: B, duration: 3, next: S5}
- {id: S5, name: 回答・記録, lane: CS, owner: A, duration: 2, next: END}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _edges(flow: flowmap.Flow) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for e in flow.edges:
        out.setdefault(e.source, {})[e.target] = e.probability
    return out


@pytest.fixture
def remarks(tmp_path: Path) -> Path:
    return _write(tmp_path, "remarks.yaml", REMARKS)


def test_next_by_a_name_that_differs_only_by_its_remark_is_that_step(tmp_path: Path, remarks: Path) -> None:
    """``確認（メール）`` is S4, not 'ambiguous with 確認（電話）': the step removed after it hands S2 on to S4
    (names are read in NFKC: the base's 確認（電話） is 確認(電話))."""
    base = flowmap.load(remarks)
    sc = _write(tmp_path, "s.yaml", "name: x\nchanges:\n  steps:\n    - {id: S3, next: 確認（メール）}\n  remove: [S3]\n")
    new = apply_scenario(base, load_scenario(sc))
    assert _edges(new)["S2"] == {"S4": 1.0}
    assert [s.id for s in new.steps] == ["S1", "S2", "S4", "S5"]


def test_next_by_a_whole_name_holding_a_list_separator(tmp_path: Path, remarks: Path) -> None:
    """``回答・記録`` is one step name (the builder matches it whole before splitting at ・)."""
    base = flowmap.load(remarks)
    sc = _write(tmp_path, "s.yaml", "name: x\nchanges:\n  steps:\n    - {id: S2, next: S3}\n    - {id: S3, next: 回答・記録}\n"
                "  remove: [S3, S4]\n")
    new = apply_scenario(base, load_scenario(sc))
    assert _edges(new)["S2"] == {"S5": 1.0}


def test_a_name_without_its_remark_is_not_a_step(tmp_path: Path, remarks: Path) -> None:
    """``確認`` is not 確認（電話）, the one step left with that stem: the scenario does not take it for that
    step and rewire it away when that step is removed (the flow builder would not take it either)."""
    base = flowmap.load(remarks)
    sc = _write(tmp_path, "s.yaml", "name: x\nchanges:\n  steps:\n    - {id: S2, next: 確認}\n"
                "    - {id: S4, name: メールで確認}\n  remove: [S3]\n")
    with pytest.raises(InputError) as e:
        apply_scenario(base, load_scenario(sc))
    assert e.value.problems[0].text("en").startswith(f"{sc}:4: next step '確認' does not exist")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_cut_off_by_a_next_named_with_a_remark_is_blamed_on_the_scenario_line(cli: Run, tmp_path: Path, remarks: Path,
                                                                               lang: str) -> None:
    sc = _write(tmp_path, "s.yaml", "name: x\nchanges:\n  steps:\n    - {id: S2, next: 確認（メール）}\n")
    out = tmp_path / "out.yaml"
    r = cli("convert", remarks, "--scenario", sc, "-o", out, "--lang", lang)
    assert r.exit_code == 2 and "Traceback" not in r.output
    want = {"en": f"{sc}:4: after this change step S3 (確認(電話)) can no longer be reached from the entry step(s) S1",
            "ja": f"{sc}:4: この変更で工程 S3（確認(電話)） に開始工程（S1）からたどり着けなくなります"}[lang]
    assert want in r.output, r.output
    assert f"{remarks}:" not in r.output  # not at the base's places
    assert not out.exists()


ASIS = MODELS / "ec_order_asis.yaml"


@pytest.mark.parametrize(("text", "line", "en", "ja"), [
    ("name: x\nchanges:\n", 2, "'changes' has no value: list the changes under it (indented), or write 'changes: {}'",
     "「changes」に値がありません"),
    ("name: x\nchanges: null\n", 2, "'changes' has no value", "「changes」に値がありません"),
    ("name: x\nchanges:\n  steps:\n    # - {id: O2, mode: auto}\n  remove: [O3]\n", 3,
     "'steps' in changes has no value: list the changes under it, write 'steps: []' for none, or drop the key",
     "changes の「steps」に値がありません"),
    ("name: x\nchanges:\n  remove: [O3]\n  settings: ~\n", 4, "'settings' in changes has no value: list the changes "
     "under it, write 'settings: {}' for none", "changes の「settings」に値がありません"),
    ("name: x\ndescription:\nchanges: {}\n", 2, "'description' has no value: give it one, or drop the key",
     "「description」に値がありません"),
    ("name: x\nbase:\nchanges: {}\n", 2, "'base' has no value", "「base」に値がありません"),
])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_section_written_without_a_value_is_refused_at_its_line(cli: Run, tmp_path: Path, text: str, line: int,
                                                                  en: str, ja: str, lang: str) -> None:
    """Null where a mapping or list belongs would read as 'change nothing' or as 'clear everything';
    it is neither: exit 2 at FILE:LINE, nothing written."""
    sc = _write(tmp_path, "s.yaml", text)
    out = tmp_path / "out.yaml"
    r = cli("convert", ASIS, "--scenario", sc, "-o", out, "--lang", lang)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert f"{sc}:{line}: {en if lang == 'en' else ja}" in r.output, r.output
    assert not out.exists()


def test_problems_of_empty_sections_come_in_the_file_order(tmp_path: Path) -> None:
    sc = _write(tmp_path, "s.yaml", "name:\nchanges:\n  settings:\n  owners:\n  remove: [O3]\n")
    with pytest.raises(InputError) as e:
        load_scenario(sc)
    assert [p.location for p in e.value.problems] == [f"{sc}:1", f"{sc}:3", f"{sc}:4"]


@pytest.mark.parametrize("text", ["name: x\nchanges: {}\n",
                                  "name: x\nchanges:\n  steps: []\n  owners: []\n  tools: []\n  lanes: []\n"
                                  "  settings: {}\n  remove: []\n"])
def test_explicitly_empty_changes_give_the_base_back(tmp_path: Path, text: str) -> None:
    base = flowmap.load(ASIS)
    new = apply_scenario(base, load_scenario(_write(tmp_path, "s.yaml", text)))
    assert new.model_copy(update={"name": base.name}) == base


CLEARS = """\
name: 消去
changes:
  steps:
    - {id: K4, tools: [], note: null, reads: [], writes: null}
    - {id: K2, stage: null, touchpoint: '', pain: null, emotion: null}
  owners:
    - {name: CS担当者, hours: null, days: null, cost: null}
  tools:
    - {name: メール, delay: null}
  settings: {区間: null, start: null}
"""


def _no_blank_strings(value: object) -> bool:
    if isinstance(value, dict):
        return all(_no_blank_strings(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_blank_strings(v) for v in value)
    return value != ""


@pytest.mark.parametrize("scenario", ["clears", "next_day_batch"])
def test_the_changed_flow_written_as_yaml_json_or_xlsx_reads_back_as_the_same_flow(cli: Run, tmp_path: Path,
                                                                                   scenario: str) -> None:
    import json

    sc = MODELS / "next_day_batch.yaml" if scenario == "next_day_batch" else _write(tmp_path, "clears.yaml", CLEARS)
    expected = apply_scenario(flowmap.load(ASIS), load_scenario(sc))
    if scenario == "clears":
        k4, k2 = expected.step_map()["K4"], expected.step_map()["K2"]
        assert (k4.tools, k4.note, k4.reads, k4.writes) == ([], "", [], [])
        assert (k2.stage, k2.touchpoint, k2.pain, k2.emotion) == ("", "", "", None)
        assert expected.settings.milestones == [] and expected.tool_map()["メール"].delay is None
    for suffix in (".yaml", ".json", ".xlsx"):
        out = tmp_path / f"changed{suffix}"
        r = cli("convert", ASIS, "--scenario", sc, "-o", out)
        assert r.exit_code == 0, r.output
        assert flowmap.load(out) == expected, suffix
        if suffix == ".json":
            assert _no_blank_strings(json.loads(out.read_text(encoding="utf-8")))


def test_a_setting_set_to_null_goes_back_to_its_default_not_to_the_base(tmp_path: Path) -> None:
    base = flowmap.load(_write(tmp_path, "base.yaml", REMARKS.replace("steps:\n", "settings: {days: 30, seed: 7}\nsteps:\n", 1)))
    assert (base.settings.days, base.settings.seed) == (30, 7)
    new = apply_scenario(base, load_scenario(_write(tmp_path, "s.yaml", "name: x\nchanges:\n  settings: {日数: null, seed: ''}\n")))
    assert (new.settings.days, new.settings.seed) == (20, 1)


@pytest.mark.parametrize(("extra", "expected"), [("{}", {}), ("null", {}), ("{部署: 二課}", {"部署": "二課"}),
                                                 ("{部署: null}", {})])
def test_extra_given_in_a_step_change_replaces_the_base_extra_as_a_whole(tmp_path: Path, remarks: Path, extra: str,
                                                                          expected: dict[str, str]) -> None:
    base = flowmap.load(_write(tmp_path, "ex.yaml", REMARKS.replace("next: S5}\n- {id: S5", "next: S5, extra: {部署: 一課, 優先: 高}}\n- {id: S5", 1)))
    assert base.step_map()["S4"].extra == {"部署": "一課", "優先": "高"}
    new = apply_scenario(base, load_scenario(_write(tmp_path, "s.yaml", f"name: x\nchanges:\n  steps: [{{id: S4, extra: {extra}}}]\n")))
    assert new.step_map()["S4"].extra == expected
    kept = apply_scenario(base, load_scenario(_write(tmp_path, "k.yaml", "name: x\nchanges:\n  steps: [{id: S4, duration: 4}]\n")))
    assert kept.step_map()["S4"].extra == {"部署": "一課", "優先": "高"}


def test_a_fork_in_a_scenario_reads_names_holding_ampersands_as_the_flow_builder_does(tmp_path: Path) -> None:
    """``R&D & 出荷`` starts R&D and 出荷 (io/_parallel's rule), so removing R&D rewires that branch."""
    base = flowmap.load(_write(tmp_path, "amp.yaml", """\
flowmap: 1
name: amp
lanes: [{name: 受注, kind: operator}]
owners: [{name: A, lane: 受注}, {name: B, lane: 受注}]
steps:
- {id: S1, name: 受け付ける, lane: 受注, owner: A, duration: 1, next: S2 & S3}
- {id: S2, name: R&D, lane: 受注, owner: B, duration: 1, next: S4}
- {id: S3, name: 出荷, lane: 受注, owner: A, duration: 1, next: S4}
- {id: S4, name: 記録, lane: 受注, owner: A, duration: 1, join: all, next: END}
"""))
    sc = _write(tmp_path, "s.yaml", "name: x\nchanges:\n  steps:\n    - {id: S1, next: R&D & 出荷}\n  remove: [S2]\n")
    new = apply_scenario(base, load_scenario(sc))
    assert new.step_map()["S1"].fork and _edges(new)["S1"] == {"S4": 1.0, "S3": 1.0}
    assert [s.id for s in new.steps] == ["S1", "S3", "S4"]
