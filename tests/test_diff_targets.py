"""Reform targets: [targets] in qingdan.toml, `check --targets` and `diff --fail-on-target`, and the rule's documented examples."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli
from diff_support import git, reform_repository

from qingdan.changes.compare import target_findings
from qingdan.compiler import compile
from qingdan.compiler.config import read_config_text
from qingdan.compiler.diagnostics import RULES
from qingdan.compiler.rule_docs import EXAMPLE_CONFIG, EXAMPLE_PRELUDE, TARGET_EXAMPLE_VERSIONS


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return reform_repository(tmp_path_factory.mktemp("targets"))


def _with_targets(project, table: str):
    toml = project / "qingdan.toml"
    original = toml.read_text(encoding="utf-8")
    toml.write_text(original + "\n[targets]\n" + table, encoding="utf-8")
    return original


def test_check_targets_reports_each_missed_target_at_its_line(project, monkeypatch):
    original = _with_targets(project, 'baseline = "v2025.1"\n"材料减少率" = ">= 0.70"\n"审批事项精简率" = ">= 10%"\n'
                                      'average-visits = "<= 0.5"\n')
    try:
        monkeypatch.chdir(project)
        r = run_cli("check", "--targets", "--format", "json")
        doc = json.loads(r.out)
        missed = [d for d in doc["diagnostics"] if d["rule"] == "reform-target-missed"]
        assert r.code == 1
        assert len(missed) == 1  # materials cut 13.3% < 70%; approval matters cut 14.3% >= 10%; visits 0.07 <= 0.5
        line = original.count("\n") + 4  # the line of "材料减少率" in the appended table
        assert missed[0]["location"]["file"] == "qingdan.toml" and missed[0]["location"]["line"] == line
        assert "13.3%" in missed[0]["message"] and "70.0%" in missed[0]["message"]
        assert run_cli("check").code == 0  # without --targets nothing is measured
        r = run_cli("diff", "v2025.2", "--fail-on-target")
        assert r.code == 1 and "✗ 材料减少率" in r.out and "✓ 审批事项精简率" in r.out
        assert run_cli("diff", "v2025.2").code == 0  # the diff itself exits 0 whatever changed
    finally:
        (project / "qingdan.toml").write_text(original, encoding="utf-8")


def test_met_targets_pass(project, monkeypatch):
    original = _with_targets(project, 'baseline = "v2025.1"\n"材料减少率" = "≥ 10%"\n"零跑动占比" = ">= 0.9"\n')
    try:
        monkeypatch.chdir(project)
        assert run_cli("check", "--targets").code == 0
        r = run_cli("diff", "v2025.2", "--fail-on-target", "--format", "json")
        assert r.code == 0 and all(t["met"] for t in json.loads(r.out)["targets"]["results"])
    finally:
        (project / "qingdan.toml").write_text(original, encoding="utf-8")


def test_an_unknown_baseline_is_a_located_config_error(project, monkeypatch):
    original = _with_targets(project, 'baseline = "v2024.9"\n"材料减少率" = ">= 0.3"\n')
    try:
        monkeypatch.chdir(project)
        r = run_cli("check", "--targets")
        assert r.code == 1 and "qingdan.toml:" in r.out and "v2024.9" in r.out and "QD010" in r.out
    finally:
        (project / "qingdan.toml").write_text(original, encoding="utf-8")


def test_check_targets_without_targets_is_a_usage_error(project, monkeypatch):
    monkeypatch.chdir(project)
    r = run_cli("check", "--targets")
    assert r.code == 2 and "[targets]" in r.err


@pytest.mark.parametrize(("table", "words"), [
    ('baseline = "v1"\n"材料减少" = ">= 0.7"\n', ["材料减少", "材料减少率"]),
    ('baseline = "v1"\n"材料减少率" = "70"\n', ['">= 0.70"']),
    ('baseline = "v1"\n"材料减少率" = 0.7\n', ["比较符"]),
    ('"材料减少率" = ">= 0.7"\n', ["baseline"]),
    ('baseline = 3\n', ["baseline"]),
])
def test_bad_targets_are_located_config_errors(table, words):
    _, diags = read_config_text("[targets]\n" + table)
    assert diags and all(d.rule == "config-error" and d.loc and d.loc.line >= 1 for d in diags)
    text = " ".join(d.message("zh") for d in diags)
    assert all(w in text for w in words), text


def test_thresholds_read_as_people_write_them():
    config, diags = read_config_text('[targets]\nbaseline = "v1"\n"不见面审批占比" = "＞＝80％"\nsteps-cut = ">0.6"\n"审批时间缩短率" = "≥ 0.5"\n')
    assert not diags
    assert [(t.indicator, t.op, float(t.threshold)) for t in config.targets] == [
        ("no-meeting-share", ">=", 0.8), ("steps-cut", ">", 0.6), ("promised-limit-cut", ">=", 0.5)]


def _example_repo(tmp_path, toml: str):
    """The documented example: a baseline tagged v2025.1 with 10 submitted materials, the current version with 6."""
    project = tmp_path / "rules"
    project.mkdir()
    (project / "prelude.qd").write_text(EXAMPLE_PRELUDE, encoding="utf-8")
    (project / "qingdan.toml").write_text(EXAMPLE_CONFIG, encoding="utf-8")
    (project / "example.qd").write_text(TARGET_EXAMPLE_VERSIONS[0], encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "baseline")
    git(tmp_path, "tag", "v2025.1")
    (project / "example.qd").write_text(TARGET_EXAMPLE_VERSIONS[1], encoding="utf-8")
    (project / "qingdan.toml").write_text(EXAMPLE_CONFIG + "\n" + toml, encoding="utf-8")
    return project


@pytest.mark.parametrize("which", ["bad", "good"])
def test_the_documented_examples_of_reform_target_missed(tmp_path, which):
    rule = RULES["reform-target-missed"]
    project = _example_repo(tmp_path, rule.bad if which == "bad" else rule.good)
    result = compile(project)
    assert not any(d.rule == "config-error" for d in result.diagnostics)
    found = target_findings(result)
    assert [d.rule for d in found] == (["reform-target-missed"] if which == "bad" else [])
    if which == "bad":
        assert "40.0%" in found[0].message("zh") and "70.0%" in found[0].message("zh")
