"""`flowmap report FLOW --compare AFTER` / `--scenario S`: the report gains the comparison as one section,
with the same figures `flowmap compare` gives, the report's own thresholds, and the usual refusals."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from .conftest import MODELS

Run = Callable[..., Result]

ASIS = MODELS / "ec_order_asis.yaml"
TOBE = MODELS / "ec_order_tobe.yaml"
SCENARIO = MODELS / "next_day_batch.yaml"


def _section(html: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}"[^>]*>(.*?)</section>', html, re.S)
    assert m, f"no section {sid}"
    return m.group(1)


def _rows(html: str, cls: str) -> int:
    return html.count(f'<tr class="{cls}">')


def test_report_with_compare_adds_the_comparison_section(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = cli("report", ASIS, "--compare", TOBE, "--no-simulate", "-o", out)
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    section = _section(html, "fm-compare")
    data = json.loads(cli("compare", ASIS, TOBE, "--no-sim", "--format", "json").output)
    for status in ("resolved", "remaining", "new"):
        assert _rows(section, f"fm-f-{status}") == len(data["findings"][status]), status
    assert f"{data['totals']['freed_minutes_per_day']:,.0f} 分" in section
    assert "EC受注フロー(改善後)" in section and 'id="fm-workload-table"' in section
    assert 'id="fm-lead"' not in section  # --no-simulate: no lead-time part
    # the report's own sections are still there, and the comparison's lane graphs are not added
    assert _section(html, "fm-findings-section") and 'id="fm-graph-before"' not in html
    plain = tmp_path / "plain.html"
    assert cli("report", ASIS, "--no-simulate", "-o", plain).exit_code == 0
    assert 'id="fm-compare"' not in plain.read_text(encoding="utf-8")


def test_report_with_a_scenario_simulates_the_pair(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = cli("report", ASIS, "--scenario", SCENARIO, "--days", "3", "--replications", "2", "--start", "2026-11-30",
            "-o", out, "--lang", "en")
    assert r.exit_code == 0, r.output
    section = _section(out.read_text(encoding="utf-8"), "fm-compare")
    data = json.loads(cli("compare", ASIS, "--scenario", SCENARIO, "--days", "3", "--replications", "2",
                          "--start", "2026-11-30", "--format", "json").output)
    assert 'id="fm-lead"' in section and "2 paired replications × 3 days from 2026-11-30" in section
    assert "翌日バッチ導入" in section
    assert _rows(section, "fm-f-resolved") == len(data["findings"]["resolved"])
    # the lead-time difference is the paired one compare reports, in the section's KPI
    diff = data["simulation"]["lead_time_minutes"]["difference"]["mean"]
    assert diff < 0
    from flowmap.render.compare.words import signed_duration

    assert f"<b>{signed_duration(diff, 'en')}</b>" in section


def test_report_comparison_uses_the_reports_thresholds(cli: Run, tmp_path: Path) -> None:
    """With --config, BEFORE's findings in the comparison (resolved + remaining) are the report's own findings."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text("overload: 0.5\n", encoding="utf-8")
    counts = []
    for config in ([], ["--config", str(cfg)]):
        out = tmp_path / "r.html"
        assert cli("report", ASIS, "--compare", TOBE, "--no-simulate", *config, "-o", out).exit_code == 0
        html = out.read_text(encoding="utf-8")
        own = _section(html, "fm-findings-section").count("<tr><td class=\"sev")
        section = _section(html, "fm-compare")
        assert _rows(section, "fm-f-resolved") + _rows(section, "fm-f-remaining") == own
        counts.append(own)
    assert counts[0] != counts[1]  # the threshold changed the findings, and the comparison followed


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_refuses_compare_and_scenario_together_and_a_scenario_as_after(cli: Run, tmp_path: Path,
                                                                               lang: str) -> None:
    out = tmp_path / "r.html"
    r = cli("report", ASIS, "--compare", TOBE, "--scenario", SCENARIO, "-o", out, "--lang", lang)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "--scenario" in r.output.splitlines()[0]
    r = cli("report", ASIS, "--compare", SCENARIO, "--no-simulate", "-o", out, "--lang", lang)
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert f"--scenario {SCENARIO}" in r.output
    assert not out.exists()


def test_report_output_naming_the_after_flow_is_refused(cli: Run, tmp_path: Path) -> None:
    after = tmp_path / "after.html"
    after.write_text("not a flow", encoding="utf-8")
    keep = after.read_bytes()
    r = cli("report", ASIS, "--compare", after, "--no-simulate", "-o", after)
    assert r.exit_code == 2 and "after.html" in r.output.splitlines()[0]
    assert after.read_bytes() == keep
