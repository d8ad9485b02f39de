"""Every rule's documented examples run through the compiler: the bad one triggers the rule, the good one does not.

The examples are what `qingdan explain` and the docs pages show (``docs/rules/*.md``), so
they must stay true. Each runs in ``rule_docs.example_sources``: the shared declarations
the docs pages list, plus the example. A good example must also be valid language (no
syntax, keyword, reference or type error), so that it is not "good" only by being broken.
"""

from __future__ import annotations

import pytest

from qingdan.compiler import compile
from qingdan.compiler.checks import all_rules
from qingdan.compiler.rule_docs import BASELINE_RULES, NOT_TEXT_RULES, example_sources

LANGUAGE_ERRORS = {"syntax-error", "unreadable-file", "unknown-keyword", "unknown-reference", "duplicate-id",
                   "type-error", "invalid-value", "duplicate-field", "invalid-waiver", "config-error"}
RULES = [r for r in all_rules() if r.name not in NOT_TEXT_RULES | BASELINE_RULES]  # BASELINE_RULES: tests/test_diff_targets.py


def _rules_found(sources: dict[str, str]) -> set[str]:
    return {d.rule for d in compile(sources).diagnostics}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_the_bad_example_triggers_its_rule(rule):
    assert rule.bad, f"{rule.name} documents no bad example"
    assert rule.name in _rules_found(example_sources(rule, "bad"))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_the_good_example_does_not_trigger_it_and_is_valid(rule):
    assert rule.good, f"{rule.name} documents no good example"
    found = _rules_found(example_sources(rule, "good"))
    assert rule.name not in found
    assert not found & LANGUAGE_ERRORS, f"the good example of {rule.name} is not valid: {sorted(found & LANGUAGE_ERRORS)}"


def test_an_unreadable_file_is_reported(tmp_path):
    (tmp_path / "gbk.qd").write_bytes('部门 市场监管局 "市场监督管理局" {}\n'.encode("gb18030"))
    (tmp_path / "utf8.qd").write_text('部门 卫健委 "卫生健康委员会" {}\n', encoding="utf-8")
    found = {(d.rule, d.loc.file) for d in compile(tmp_path).diagnostics}
    assert found == {("unreadable-file", "gbk.qd")}


def test_every_rule_is_tested_here():
    assert {r.name for r in RULES} | set(NOT_TEXT_RULES) | set(BASELINE_RULES) == {r.name for r in all_rules()}
