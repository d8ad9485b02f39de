"""The constant-condition check: expressions that can never be true, or never false."""

from __future__ import annotations

import pytest
from conftest import write_project

from qingdan.compiler import compile as compile_project

FACTS = """
  事实 年龄 "年龄": 数字
  事实 日期 "日期": 日期
  事实 类型 "类型": 枚举(甲, 乙, 丙)
  事实 有证 "有证": 布尔
  事实 地址 "地址": 文本
"""


def findings(tmp_path, when: str, only_when: str | None = None, extra: str = "", toml=None):
    material = f'  材料 材料 "材料" {{ 仅当: {only_when} }}\n' if only_when else ""
    text = f'事项 x "事项" {{\n{FACTS}  条件 c "条件" {{ 当: {when} }}\n{extra}{material}}}\n'
    kw = {} if toml is None else {"toml": toml}
    result = compile_project(write_project(tmp_path, {"m.qd": text}, **kw))
    language = {"syntax-error", "type-error", "unknown-reference", "unknown-keyword", "invalid-value"}
    assert not [d for d in result.diagnostics if d.rule in language], [d.message_en for d in result.diagnostics]
    return [d for d in result.diagnostics if d.rule == "constant-condition" and not d.waived]


NEVER = [
    "年龄 > 60 且 年龄 < 18",
    "年龄 == 5 且 年龄 != 5",
    "年龄 属于 [1, 2] 且 年龄 > 2",
    "年龄 >= 18 且 年龄 < 18",
    "日期 > 2024-01-01 且 日期 < 2024-01-02",  # whole days: nothing in between
    "日期 > 2024-01-01 且 日期 < 2024-01-03 且 日期 != 2024-01-02",
    "类型 == 甲 且 类型 == 乙",
    "类型 不 属于 [甲, 乙, 丙]",
    "有证 且 非 有证",
    '地址 == "一号" 且 地址 == "二号"',
    '地址 属于 ["一号", "二号"] 且 地址 不 属于 ["一号", "二号"]',
    "(年龄 > 10 或 类型 == 甲) 且 年龄 < 5 且 类型 != 甲",
    "否",
]
ALWAYS = [
    "年龄 > 60 或 年龄 <= 60",
    "年龄 != 5 或 年龄 != 6",
    "日期 <= 2024-01-01 或 日期 >= 2024-01-02",
    "类型 属于 [甲, 乙, 丙]",
    "类型 != 甲 或 类型 != 乙",
    "有证 或 非 有证",
    '地址 != "一号" 或 地址 != "二号"',
    "非 (年龄 > 60 且 年龄 < 18)",
    "是",
]
FINE = [
    "年龄 >= 18 且 年龄 <= 18",
    "年龄 > 18 且 年龄 < 18.5",  # numbers are not whole: 18.2 fits
    "日期 >= 2024-01-01 且 日期 <= 2024-01-01",
    "日期 > 2024-01-01 且 日期 < 2024-01-03",
    "类型 属于 [甲, 乙]",
    "有证",
    '地址 != "一号"',
    '地址 == "一号" 或 地址 == "二号"',
    "年龄 > 60 或 年龄 < 18",
]


@pytest.mark.parametrize("when", NEVER)
def test_never_true(tmp_path, when):
    [d] = findings(tmp_path, when)
    assert "永远不会成立" in d.message_zh and "never true" in d.message_en
    assert (d.loc.line, d.loc.col) == (8, 18) and d.severity.value == "warning"


@pytest.mark.parametrize("when", ALWAYS)
def test_never_false(tmp_path, when):
    [d] = findings(tmp_path, when)
    assert "永远成立" in d.message_zh and "always true" in d.message_en


@pytest.mark.parametrize("when", FINE)
def test_expressions_that_can_go_either_way_are_not_reported(tmp_path, when):
    assert findings(tmp_path, when) == []


def test_message_names_the_facts_and_the_matter(tmp_path):
    [d] = findings(tmp_path, "年龄 > 60 且 年龄 < 18")
    assert d.message_zh.startswith("事项“x”（部门（未写部门））的条件“c”永远不会成立（涉及事实：“年龄”）")
    assert d.loc.end_col - d.loc.col == len("年龄 > 60 且 年龄 < 18")


def test_a_constant_part_is_reported_where_it_is(tmp_path):
    [d] = findings(tmp_path, "有证 且 (年龄 > 5 或 年龄 <= 5)")
    assert "有一部分永远成立" in d.message_zh
    assert (d.loc.line, d.loc.col) == (8, 24)


def test_conditions_built_on_conditions_are_read_through(tmp_path):
    extra = '  条件 d "条件二" { 当: c 且 年龄 < 3 }\n'
    found = findings(tmp_path, "年龄 > 5", extra=extra)
    assert [(d.loc.line, "条件“d”" in d.message_zh) for d in found] == [(9, True)]


def test_conditional_materials(tmp_path):
    [d] = findings(tmp_path, "有证", only_when="年龄 < 0 且 年龄 > 0")
    assert "这份材料永远不会被要求" in d.message_zh and d.loc.line == 9
    [d] = findings(tmp_path / "b", "有证", only_when="非 有证 或 有证")
    assert "这份材料总是需要" in d.message_zh


def test_a_waiver_silences_it(tmp_path):
    text = f'事项 x "事项" {{\n{FACTS}  # 豁免 constant-condition: 暂时对所有人开放\n  条件 c "条件" {{ 当: 是 }}\n}}\n'
    result = compile_project(write_project(tmp_path, {"m.qd": text}))
    [d] = [d for d in result.diagnostics if d.rule == "constant-condition"]
    assert d.waived == "暂时对所有人开放"


def test_huge_expressions_are_abandoned_not_guessed(tmp_path):
    facts = "".join(f'  事实 f{i} "f{i}": 数字\n' for i in range(18))
    ors = " 且 ".join(f"(f{i} > 5 或 f{i} < 3)" for i in range(18))
    text = f'事项 x "事项" {{\n{facts}  条件 c "条件" {{ 当: {ors} 且 年龄 > 1 且 年龄 < 0 }}\n  事实 年龄 "年龄": 数字\n}}\n'
    result = compile_project(write_project(tmp_path, {"m.qd": text}))
    assert [d for d in result.diagnostics if d.rule == "constant-condition"] == []


def test_the_rule_is_documented(cli):
    r = cli("explain", "constant-condition")
    assert r.code == 0 and "年龄 > 60 且 年龄 < 18" in r.out
