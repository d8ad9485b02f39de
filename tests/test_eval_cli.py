"""``qingdan eval`` and ``qingdan test``: output, schema, located errors, diffs, JUnit, coverage."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from eval_support import FOOD_OK, eval_project
from lxml import etree

from qingdan.engine.evaluate import decision_schema_text

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "qingdan" / "schemas" / "decision.schema.json"


@pytest.fixture
def project(tmp_path):
    return eval_project(tmp_path / "proj")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- eval
def test_published_schema_is_up_to_date():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == decision_schema_text(), \
        "qingdan/schemas/decision.schema.json is out of date: run `python -m qingdan.engine.evaluate`"


def test_eval_json_follows_the_published_schema(cli, project, tmp_path):
    facts = write(tmp_path / "facts.json", json.dumps({**FOOD_OK, "经营面积": 12.5}, ensure_ascii=False))
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for target, extra in (("食品经营许可", []), ("开餐馆", ["--explain"])):
        r = cli("eval", project, target, "--facts", facts, "--format", "json", *extra)
        assert r.code == 0, r.output
        doc = json.loads(r.out)
        validator.validate(doc)
        assert "\\u" not in r.out  # Chinese stays readable
    assert doc["kind"] == "journey" and doc["explanation"]["kind"] == "journey"
    r = cli("eval", project, "食品经营许可", "--facts", facts, "--format", "json")
    doc = json.loads(r.out)
    assert doc["eligible"] == "no" and doc["failing"] == ["场所达标", "热食场所"] and doc["facts"]["经营面积"] == 12.5
    assert doc["explanation"] is None
    bad = {**doc, "eligible": "maybe"}
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(bad)


def test_eval_text_and_explain(cli, project, tmp_path):
    facts = write(tmp_path / "f.yaml", "经营面积: 12\n主体类型: 企业法人\n有健康证明: 是\n")
    r = cli("eval", project, "食品经营许可", "--facts", facts, "--explain")
    assert r.code == 0, r.output
    assert "结论：不符合受理条件" in r.out and "判定过程：" in r.out
    assert "✗ 经营场所面积（平方米） 不小于 20 —— 申请人：12" in r.out
    r2 = cli("eval", project, "食品经营许可", "--facts", facts, "--explain")
    assert r2.out == r.out
    r = cli("eval", project, "食品经营许可", "--facts", facts, "--lang", "en")
    assert "Result: not eligible" in r.out and "Materials to submit" in r.out


def test_eval_without_facts_lists_every_fact_needed(cli, project):
    r = cli("eval", project, "设立登记")
    assert r.code == 0
    assert "还需要的事实：" in r.out and "注册资本（注册资本（万元）；数字）" in r.out


def test_eval_locates_facts_that_do_not_fit(cli, project, tmp_path):
    facts = write(tmp_path / "f.yaml", "主体类型: 企业法人\n经营面积: 三十\n经营项木: 热食类\n")
    r = cli("eval", project, "食品经营许可", "--facts", facts)
    assert r.code == 2
    assert f"{facts}:2:1: 事实“经营面积”（经营场所面积（平方米））应为数字，实际是 “三十”" in r.err
    assert f"{facts}:3:1: 事项“食品经营许可”没有事实“经营项木”，是不是“经营项目”？" in r.err
    assert "Traceback" not in r.output
    facts = write(tmp_path / "g.json", '{\n  "主体类型": "企业法人",\n  "经营面积": "三十"\n}\n')
    r = cli("eval", project, "食品经营许可", "--facts", facts)
    assert r.code == 2 and f"{facts}:3:3: 事实“经营面积”" in r.err


def test_eval_locates_syntax_errors_in_facts_files(cli, project, tmp_path):
    facts = write(tmp_path / "f.json", '{"经营面积": 12,\n "主体类型": }\n')
    r = cli("eval", project, "食品经营许可", "--facts", facts)
    assert r.code == 2 and f"{facts}:2:10: JSON 语法错误" in r.err
    facts = write(tmp_path / "f.yaml", "经营面积: 12\n主体类型: [企业法人\n")
    r = cli("eval", project, "食品经营许可", "--facts", facts)
    assert r.code == 2 and f"{facts}:3:1: YAML 语法错误" in r.err
    r = cli("eval", project, "食品经营许可", "--facts", tmp_path / "none.yaml")
    assert r.code == 2 and "facts file not found" in r.err


def test_eval_unknown_target_and_broken_rules(cli, project, tmp_path):
    r = cli("eval", project, "食品经营许")
    assert r.code == 2 and "没有事项或一件事“食品经营许”，是不是“食品经营许可”？" in r.err
    broken = write(tmp_path / "b" / "x.qd", "事项 x {\n  部们: 市场监管局\n}\n")
    r = cli("eval", broken.parent, "x")
    assert r.code == 1 and "x.qd:2:3" in r.err


# ---------------------------------------------------------------- test
PASSING = """
- name: 热食类企业全部材料齐全
  matter: 食品经营许可
  facts: {经营面积: 120, 主体类型: 企业法人, 有健康证明: 是, 成立日期: 2024-03-01, 经营地址: 人民路1号, 经营项目: 热食类}
  expect:
    eligible: undetermined
    undetermined: [现场核查]
    failing: []
    materials: [平面图, 身份证]
    fetched: [营业执照, 健康证明]
    tolerated: [平面图]
    time_limit: 10 工作日
    visits: 1
    steps: [受理, 审查]
- name: 面积不足
  matter: 食品经营许可
  facts: {经营面积: 12}
  expect:
    eligible: no
    failing: [场所达标, 热食场所]
    conditions: {场所达标: no, 人员合格: undetermined}
- 名称: 中文写法
  一件事: 开餐馆
  事实: {经营面积: 300, 主体类型: 个体工商户, 有健康证明: 否, 注册资本: 0, 名称已申报: 是}
  期望:
    符合: 否
    不满足: [人员合格]
    提交材料: [设立登记申请书, 身份证, 平面图, 承诺书]
    免提交: [营业执照, 健康证明]
    关键路径: [设立登记, 食品经营许可]
    时限: 11
"""


def test_test_command_passes_when_every_expectation_holds(cli, project):
    write(project / "tests" / "food.test.yaml", PASSING)
    r = cli("test", project)
    assert r.code == 0, r.output
    assert "  ✓ 热食类企业全部材料齐全" in r.out and "共 3 个用例：通过 3，失败 0，错误 0" in r.out


def test_a_broken_expectation_fails_with_a_readable_diff(cli, project, tmp_path):
    broken = PASSING.replace("materials: [平面图, 身份证]", "materials: [平面图, 承诺书]").replace("time_limit: 10 工作日", "time_limit: 20 工作日")
    write(project / "food.test.yaml", broken)
    r = cli("test", project)
    assert r.code == 1
    expected = "\n".join([
        "  ✗ 热食类企业全部材料齐全（第 2 行）",
        "      materials:",
        "        - 期望：[平面图, 承诺书]",
        "        + 实际：[平面图, 身份证]",
        "            缺少 承诺书（期望有，实际没有）",
        "            多出 身份证（实际有，未期望）",
        "      time_limit:",
        "        - 期望：20 工作日",
        "        + 实际：10",
    ])
    assert expected in r.out, r.out
    assert "共 3 个用例：通过 2，失败 1，错误 0" in r.out
    r = cli("test", project, "--lang", "en")
    assert "        - expected: [平面图, 承诺书]" in r.out and "            missing 承诺书 (expected, not there)" in r.out


@pytest.mark.parametrize("text, message", [
    ("- name: 没有期望\n  matter: 食品经营许可\n  facts: {经营面积: 12}\n",
     "food.test.yaml:1:3: 用例“没有期望”没有期望结果（expect）：没有期望的用例什么也没有检验"),
    ("- name: 空期望\n  matter: 食品经营许可\n  expect: {}\n",
     "food.test.yaml:3:11: 用例“空期望”的期望结果（expect）是空的"),
    ("- name: 没有的事项\n  matter: 食品经营许\n  expect: {eligible: yes}\n",
     "food.test.yaml:2:11: 没有事项“食品经营许”，是不是“食品经营许可”？"),
    ("- name: 没有的一件事\n  journey: 开饭馆\n  expect: {eligible: yes}\n",
     "food.test.yaml:2:12: 没有一件事“开饭馆”"),
    ("- name: 没有的条件\n  matter: 食品经营许可\n  expect: {failing: [场所达表]}\n",
     "food.test.yaml:3:22: 事项“食品经营许可”没有条件“场所达表”，是不是“场所达标”？"),
    ("- name: 没有的材料\n  matter: 食品经营许可\n  expect: {materials: [平面土]}\n",
     "food.test.yaml:3:24: 事项“食品经营许可”没有材料“平面土”，是不是“平面图”？"),
    ("- name: 拼错的期望\n  matter: 食品经营许可\n  expect: {eligble: yes}\n",
     "food.test.yaml:3:12: 期望结果中没有“eligble”这一项，是不是“eligible”？"),
    ("- name: 错的事实\n  matter: 食品经营许可\n  facts:\n    经营面积: 很大\n  expect: {eligible: yes}\n",
     "food.test.yaml:4:5: 事实“经营面积”（经营场所面积（平方米））应为数字"),
    ("- name: 两个目标\n  matter: 食品经营许可\n  journey: 开餐馆\n  expect: {eligible: yes}\n",
     "food.test.yaml:3:3: 一个用例只能测试一个事项或一个一件事"),
    ("- name: 没有目标\n  expect: {eligible: yes}\n",
     "food.test.yaml:1:3: 用例“没有目标”没有写测试哪个事项（matter）或一件事（journey）"),
    ("- name: 重名\n  matter: 公章刻制\n  expect: {eligible: yes}\n- name: 重名\n  matter: 公章刻制\n  expect: {eligible: yes}\n",
     "food.test.yaml:4:3: 用例名称“重名”重复（第一次在第 1 行）"),
    ("- name: 重复的键\n  matter: 公章刻制\n  matter: 税务登记\n  expect: {eligible: yes}\n",
     "food.test.yaml:3:3: 键“matter”重复（第一次在第 2 行）"),
    ("- name: 语法错误\n  matter: 公章刻制\n  expect: {eligible: yes\n",
     "food.test.yaml:4:1: YAML 语法错误"),
    ("cases: []\n", "food.test.yaml:1:8: 测试文件没有任何用例"),
    ("", "food.test.yaml:1:1: 测试文件是空的"),
])
def test_vacuous_or_wrong_cases_are_located_errors(cli, project, text, message):
    write(project / "food.test.yaml", text)
    r = cli("test", project)
    assert r.code == 1, r.output
    assert message in r.out, r.out
    assert "Traceback" not in r.output


def test_a_project_without_tests_is_not_a_pass(cli, project):
    r = cli("test", project)
    assert r.code == 1 and "没有找到测试文件" in r.err


def test_junit_xml_parses_and_counts(cli, project, tmp_path):
    write(project / "a.test.yaml", PASSING)
    write(project / "sub" / "b.test.yaml", "cases:\n  - name: 错\n    matter: 公章刻制\n    expect: {eligible: no}\n  - name: 没有期望\n    matter: 公章刻制\n")
    write(project / "c.test.yaml", "- [")
    out = tmp_path / "junit.xml"
    r = cli("test", project, "--junit", out)
    assert r.code == 1
    root = etree.fromstring(out.read_bytes())
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "1", "2")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == ["a.test.yaml", "c.test.yaml", "sub/b.test.yaml"]
    b = suites["sub/b.test.yaml"]
    cases = {c.get("name"): c for c in b.findall("testcase")}
    assert cases["错"].find("failure").text == "eligible:\n  - 期望：no\n  + 实际：yes"
    assert "没有期望结果" in cases["没有期望"].find("error").get("message")
    assert suites["c.test.yaml"].find("testcase/error") is not None
    first = out.read_bytes()
    cli("test", project, "--junit", out)
    assert out.read_bytes() == first  # no timestamps: reproducible


def test_coverage_reports_what_no_case_saw_both_ways(cli, project):
    write(project / "food.test.yaml", PASSING)
    r = cli("test", project, "--coverage")
    assert r.code == 0, r.output
    # 9 conditions and 3 conditional materials in all: 24 outcomes
    assert "覆盖率：条件与条件材料的真/假取值覆盖 15/24（62.5%）" in r.out
    assert "  matters.qd:12:6: 事项“设立登记”的条件“名称”：从未不成立\n" in r.out
    assert "  matters.qd:49:6: 事项“食品经营许可”的条件“现场核查”：从未成立、从未不成立\n" in r.out
    assert "  matters.qd:17:18: 事项“设立登记”的材料（仅当）“章程”：从未成立\n" in r.out
    assert "“承诺书”" not in r.out and "“场所达标”" not in r.out  # seen both ways
    r = cli("test", project, "--min-coverage", "60")
    assert r.code == 0 and "62.5%" in r.out and "matters.qd" not in r.out
    r = cli("test", project, "--min-coverage", "70")
    assert r.code == 1 and "覆盖率 62.5% 低于要求的 70%" in r.err


def test_a_single_test_file_can_be_run(cli, project):
    path = write(project / "tests" / "food.test.yaml", PASSING)
    write(project / "other.test.yaml", "- name: x\n  matter: 公章刻制\n  expect: {eligible: no}\n")
    r = cli("test", path)
    assert r.code == 0, r.output
    assert "tests/food.test.yaml" in r.out and "other.test.yaml" not in r.out
