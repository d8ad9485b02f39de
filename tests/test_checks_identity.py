"""Identity and discretion checks: matter codes and vague conditions, with exact locations."""

import json
import re

import pytest
from checks_support import TOML, compile_snippet, found, matter, places, power, semantic, where

from qingdan.compiler.checks.identity import DEFAULT_CODE_PATTERN


def with_code(mid: str, code: str, dept: str = "甲局") -> str:
    return re.sub(r'编码: "[^"]*"', f'编码: "{code}"', matter(mid, dept), count=1)


# ---------------------------------------------------------------- invalid-code
@pytest.mark.parametrize("code", ["11330100MB0000001R4330100001000", "114401005799639727344011203500201", "000105004000",
                                  "44010200200Y", "330100-XK-0001", "XK-330100-0001"])
def test_default_pattern_accepts_the_national_shapes(code):
    assert re.fullmatch(DEFAULT_CODE_PATTERN, code)


@pytest.mark.parametrize("code", ["XK 0001", "330100-xk-0001", "１１３３０１００", "11330100MB0000001X433", "abc", ""])
def test_default_pattern_rejects_other_shapes(code):
    assert not re.fullmatch(DEFAULT_CODE_PATTERN, code)


def test_default_pattern_accepts_every_code_of_the_real_sample(shared):
    pattern = re.compile(DEFAULT_CODE_PATTERN)
    codes = [json.loads(line)["TASK_CODE"] for line in (shared / "data" / "gd-province-sample.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(codes) == 300 and all(pattern.fullmatch(c) for c in codes)


def test_invalid_code_points_at_the_code_value(tmp_path):
    src = with_code("坏编码", "XK 0001")
    r = compile_snippet(tmp_path, src)
    assert places(r, "invalid-code") == [("a.qd", *where(src, '"XK 0001"'))]
    assert "甲局" in found(r, "invalid-code")[0].message_zh
    assert semantic(r) == found(r, "invalid-code")


def test_project_code_pattern_replaces_the_default(tmp_path):
    src = with_code("本地编码", "QD-2026-001") + with_code("国家编码", "11330100MB0000001R4330100001000", "乙局")
    toml = TOML + '[checks]\ncode-pattern = "^QD-[0-9]{4}-[0-9]{3}$"\n'
    r = compile_snippet(tmp_path, src, toml=toml)
    assert places(r, "invalid-code") == [("a.qd", *where(src, '"11330100MB0000001R4330100001000"'))]
    assert "QD-" in found(r, "invalid-code")[0].message_zh


def test_near_miss_valid_basic_code(tmp_path):
    assert semantic(compile_snippet(tmp_path, with_code("基本编码", "44010200200Y"))) == []


# ---------------------------------------------------------------- duplicate-code
def test_duplicate_matter_code_is_reported_at_each_later_use(tmp_path):
    src = with_code("甲", "330100-XK-7001") + with_code("乙", "330100-XK-7001", "乙局") + with_code("丙", "330100-XK-7001", "丙局")
    r = compile_snippet(tmp_path, src)
    assert places(r, "duplicate-code") == [("a.qd", *where(src, '"330100-XK-7001"', 2)), ("a.qd", *where(src, '"330100-XK-7001"', 3))]
    for d in found(r, "duplicate-code"):
        assert d.related[0].loc.line == where(src, '"330100-XK-7001"')[0]
        assert "“甲”、“乙”、“丙”" in d.message_zh


def test_duplicate_power_code(tmp_path):
    src = power("甲权", fields='  编码: "330100-XK-0001"\n') + power("乙权", "乙局", fields='  编码: "330100-XK-0001"\n')
    r = compile_snippet(tmp_path, src)
    assert places(r, "duplicate-code") == [("a.qd", *where(src, '"330100-XK-0001"', 2))]


def test_near_miss_power_and_matter_may_share_a_code(tmp_path):
    src = (power("许可权", fields='  编码: "330100-XK-8001"\n')
           + re.sub(r'编码: "[^"]*"', '编码: "330100-XK-8001"', matter("许可", power_id="许可权"), count=1))
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- vague-condition
def test_condition_without_expression_is_a_warning_at_its_name(tmp_path):
    body = '  条件 场所适宜 "具有与经营规模相适应的经营场所" {\n    依据: 示例法.第三条\n  }\n'
    src = matter("餐饮", body=body)
    r = compile_snippet(tmp_path, src)
    assert places(r, "vague-condition") == [("a.qd", *where(src, "场所适宜"))]
    d = found(r, "vague-condition")[0]
    assert d.severity.value == "warning" and "当:" in d.message_zh and "甲局" in d.message_zh


def test_near_miss_condition_with_an_expression(tmp_path):
    body = ('  事实 面积 "经营面积": 数字\n  条件 场所达标 "经营场所面积不少于20平方米" {\n    当: 面积 >= 20\n    依据: 示例法.第三条\n  }\n')
    assert semantic(compile_snippet(tmp_path, matter("餐饮", body=body))) == []
