"""Waivers: which findings a ``# 豁免 RULE: 理由`` comment accepts, and which it must not."""

from __future__ import annotations

from conftest import write_project

from qingdan.compiler import compile as compile_project
from qingdan.compiler.waivers import collect_waivers
from qingdan.dsl.parser import parse


def _constant_findings(tmp_path, conditions: str) -> dict[str, str | None]:
    """Condition id -> the waiver reason of its constant-condition finding (None: not waived)."""
    text = f'事项 x "事项" {{\n  事实 有证 "有证": 布尔\n{conditions}}}\n'
    result = compile_project(write_project(tmp_path, {"m.qd": text}))
    found = {}
    for d in result.diagnostics:
        if d.rule == "constant-condition":
            cid = text.split("\n")[d.loc.line - 1].split()[1]
            found[cid] = d.waived
    return found


def test_a_waiver_after_code_waives_its_own_line_only(tmp_path):
    found = _constant_findings(tmp_path, '  条件 a "甲" { 当: 是 }  # 豁免 constant-condition: 暂时对所有人开放\n'
                                         '  条件 b "乙" { 当: 是 }\n')
    assert found == {"a": "暂时对所有人开放", "b": None}, "the waiver at the end of a line must not waive the next line"


def test_a_waiver_alone_on_its_line_waives_the_next_line(tmp_path):
    found = _constant_findings(tmp_path, '  # 豁免 constant-condition: 暂时对所有人开放\n'
                                         '  条件 a "甲" { 当: 是 }\n'
                                         '  条件 b "乙" { 当: 是 }\n')
    assert found == {"a": "暂时对所有人开放", "b": None}


def test_a_waiver_alone_at_the_start_of_a_line_waives_the_next_line(tmp_path):
    text = '# 豁免 unused-waiver: 示例\n'
    [w], problems = collect_waivers("m.qd", text, parse(text)[0].comments)
    assert problems == [] and w.standalone and w.covers() == [("m.qd", 1, "unused-waiver"), ("m.qd", 2, "unused-waiver")]


def test_a_waiver_after_code_is_not_standalone():
    text = '部门 甲 "甲" {}  # 豁免 unused-waiver: 示例\n'
    [w], _ = collect_waivers("m.qd", text, parse(text)[0].comments)
    assert not w.standalone and w.covers() == [("m.qd", 1, "unused-waiver")]


def test_a_waiver_that_waives_nothing_is_reported(tmp_path):
    text = '部门 甲 "甲" {}  # 豁免 too-many-visits: 旧的理由\n'
    result = compile_project(write_project(tmp_path, {"m.qd": text}))
    assert [(d.rule, d.loc.line) for d in result.diagnostics if d.rule == "unused-waiver"] == [("unused-waiver", 1)]


def test_a_waiver_of_an_unknown_rule_suggests_the_closest():
    text = '部门 甲 "甲" {}  # 豁免 too-many-visit: 理由\n'
    _, [problem] = collect_waivers("m.qd", text, parse(text)[0].comments)
    assert problem.rule == "invalid-waiver" and problem.suggestion == "too-many-visits"
    assert problem.message_en.endswith("; did you mean 'too-many-visits'?")
    assert problem.message_zh.endswith("，是不是“too-many-visits”？")
