"""The defects example: every planted defect is reported exactly where it is marked, nothing else.

examples/defects marks each planted defect with a comment ``# 缺陷 RULE`` on the line
above it and each near miss with ``# 近似 RULE``. A marker applies to the next line that
is not itself a marker.
"""

import re

import pytest
from conftest import EXAMPLES

from qingdan.compiler import compile as compile_project
from qingdan.compiler.checks import all_rules
from qingdan.compiler.diagnostics import RULES
from qingdan.compiler.rule_docs import rule_markdown

DEFECTS = EXAMPLES / "defects"
MARKER = re.compile(r"^\s*#\s*(缺陷|近似)\s+([a-z][a-z-]*)\s*$")
# a rule that cannot be planted in a project that must still be read: a file that is not UTF-8 text; and
# one found only against a baseline version (reform-target-missed: tests/test_diff_targets.py plants it)
NOT_PLANTABLE = {"unreadable-file", "reform-target-missed"}


def markers() -> tuple[dict, dict]:
    planted: dict[tuple[str, int], set[str]] = {}
    near: dict[tuple[str, int], set[str]] = {}
    for path in sorted(DEFECTS.rglob("*")):
        if path.suffix not in (".qd", ".toml"):
            continue
        rel = path.relative_to(DEFECTS).as_posix()
        lines = path.read_text(encoding="utf-8").split("\n")
        pending: list[tuple[str, str]] = []
        for number, line in enumerate(lines, 1):
            mt = MARKER.match(line)
            if mt:
                pending.append((mt.group(1), mt.group(2)))
                continue
            for kind, rule in pending:
                (planted if kind == "缺陷" else near).setdefault((rel, number), set()).add(rule)
            pending = []
    return planted, near


@pytest.fixture(scope="module")
def result():
    return compile_project(DEFECTS)


def test_every_rule_has_a_planted_defect_and_a_near_miss():
    all_rules()
    planted, near = markers()
    rules = set(RULES) - NOT_PLANTABLE
    assert rules - {r for rs in planted.values() for r in rs} == set()
    assert rules - {r for rs in near.values() for r in rs} == set()
    assert {r for rs in [*planted.values(), *near.values()] for r in rs} <= set(RULES)


def test_every_planted_defect_is_reported_on_its_line_and_nothing_else(result):
    planted, _ = markers()
    reported: dict[tuple[str, int], set[str]] = {}
    for d in result.diagnostics:
        if d.waived:
            continue
        assert d.loc is not None, d.message_en
        reported.setdefault((d.loc.file, d.loc.line), set()).add(d.rule)
    assert reported == planted


def test_near_misses_are_not_reported(result):
    _, near = markers()
    lines = {(d.loc.file, d.loc.line) for d in result.diagnostics if not d.waived and d.loc}
    assert [place for place in near if place in lines] == []
    assert [d.rule for d in result.diagnostics if d.waived] == ["too-many-visits"]


def test_the_defects_example_fails_the_check_command(cli):
    r = cli("check", DEFECTS, "--format", "json")
    assert r.code == 1
    assert '"rule": "duplicate-material"' in r.out
    assert "/rules/duplicate-material/" not in r.out, "no docs link without a configured site URL"


def test_every_semantic_rule_is_documented():
    all_rules()
    semantic = [r for r in RULES.values() if r.group in ("authority", "materials", "time", "identity")]
    assert len(semantic) == 26
    for rule in semantic:
        assert re.fullmatch(r"QD[1-4]\d\d", rule.code), rule.name
        assert rule.summary_zh and rule.summary_en and len(rule.explanation) > 120, rule.name
        assert rule.bad and rule.good and rule.bad != rule.good, rule.name
        text = rule_markdown(rule)
        assert "## 错误示例" in text and "## 正确示例" in text and rule.name in text
        english = rule_markdown(rule, "en")
        assert "## Bad example" in english and "## Good example" in english and rule.explanation in english


def test_explain_prints_a_semantic_rule(cli):
    r = cli("explain", "duplicate-material")
    assert r.code == 0 and "复印件" in r.out and "QD201" in r.out
    assert "QD304" in cli("explain").out
