"""Lowering and resolution: the model, and the core diagnostics at their exact places."""

from decimal import Decimal

from conftest import write_project

from qingdan.compiler import CompileOptions
from qingdan.compiler import compile as compile_project

BASE = '''部门 市场监管局 "某市市场监督管理局" {
  层级: 市
  区划: "330100"
}

法规 食品安全法 "中华人民共和国食品安全法" {
  条款 第三十五条 "国家对食品生产经营实行许可制度。"
}

权力 食品经营许可权 "食品经营许可" {
  类别: 行政许可
  部门: 市场监管局
  依据: 食品安全法.第三十五条
}
'''

MATTER = '''事项 食品经营许可 "食品经营许可证核发" {
  权力: 食品经营许可权
  部门: 市场监管局
  依据: 食品安全法.第三十五条
  事实 面积 "经营面积": 数字
  事实 类型 "主体类型": 枚举(企业, 个体户)
  事实 开业 "开业日期": 日期
  条件 场所 "场所达标" {
    当: 面积 >= 20 且 类型 属于 [企业, 个体户] 且 开业 > 2020-01-01
    依据: 食品安全法.第三十五条
  }
  材料 执照 "营业执照" { 来源: 签发(市场监管局); 仅当: 类型 == 企业 }
  时限 { 法定: 20 工作日; 承诺: 10 工作日 }
}
'''


def compile_files(tmp_path, files, **kw):
    return compile_project(write_project(tmp_path / "p", files, **kw), CompileOptions(checks=False))


def core(result):
    return [(d.rule, d.loc.file, d.loc.line, d.loc.col) for d in result.diagnostics]


def test_clean_project_lowers_to_the_model(tmp_path):
    r = compile_files(tmp_path, {"b.qd": MATTER, "a.qd": BASE})
    assert core(r) == []
    m = r.catalog.model.matters["食品经营许可"]
    assert m.level == "city"  # from its department
    assert m.limits.statutory.amount == Decimal(20) and m.limits.promised.unit == "working_days"
    cond = m.conditions[0]
    assert cond.expr.kind == "and" and [i.kind for i in cond.expr.items] == ["cmp", "in", "cmp"]
    mat = m.materials[0]
    assert mat.source.kind == "issued_by" and mat.source.ref == "市场监管局"
    assert mat.only_when.kind == "cmp" and mat.only_when.value.value == "企业"
    assert r.catalog.model.powers["食品经营许可权"].category == "licensing"
    assert mat.loc.file == "b.qd" and mat.loc.line == 12


def test_english_keywords_mean_the_same(tmp_path):
    en = '''department market "Market Bureau" { level: city }
power p "P" { category: licensing; department: market }
matter m "M" {
  power: p
  department: market
  fact age "Age": number
  condition adult "Adult" { when: age >= 18 }
  limits { statutory: 20 working_days; promised: 5 natural_days }
}
'''
    r = compile_files(tmp_path, {"en.qd": en})
    assert core(r) == []
    assert r.catalog.model.matters["m"].limits.promised.unit == "natural_days"


def test_unknown_field_with_did_you_mean(tmp_path):
    r = compile_files(tmp_path, {"a.qd": BASE + '事项 x "X" {\n  部们: 市场监管局\n}\n'})
    (d,) = r.diagnostics
    assert (d.rule, d.loc.line, d.loc.col) == ("unknown-keyword", 16, 3)
    assert d.suggestion == "部门" and "是不是“部门”" in d.message_zh


def test_unknown_kind_and_misplaced_kind(tmp_path):
    r = compile_files(tmp_path, {"a.qd": '事象 x "X" {}\n事项 y "Y" {\n  部门 z "Z" {}\n}\n'})
    assert core(r) == [("unknown-keyword", "a.qd", 1, 1), ("unknown-keyword", "a.qd", 3, 3)]
    assert r.diagnostics[0].suggestion == "事项"
    assert "不能写在" in r.diagnostics[1].message_zh


def test_missing_colon_is_explained(tmp_path):
    r = compile_files(tmp_path, {"a.qd": '部门 a "A" {\n  层级 市\n}\n'})
    (d,) = r.diagnostics
    assert d.rule == "syntax-error" and "层级: 市" in d.message_zh


def test_unknown_reference_across_files(tmp_path):
    r = compile_files(tmp_path, {"a.qd": BASE, "b.qd": MATTER.replace("权力: 食品经营许可权", "权力: 食品经营许可")})
    (d,) = r.diagnostics
    assert (d.rule, d.loc.file, d.loc.line, d.loc.col) == ("unknown-reference", "b.qd", 2, 7)
    assert d.suggestion == "食品经营许可权"


def test_duplicate_id_points_at_both(tmp_path):
    r = compile_files(tmp_path, {"a.qd": BASE, "b.qd": '部门 市场监管局 "重复" {}\n'})
    (d,) = r.diagnostics
    assert (d.rule, d.loc.file, d.loc.line, d.loc.col) == ("duplicate-id", "b.qd", 1, 4)
    assert [(x.loc.file, x.loc.line) for x in d.related] == [("a.qd", 1)]


def test_duplicate_field(tmp_path):
    r = compile_files(tmp_path, {"a.qd": '部门 a "A" {\n  层级: 市\n  层级: 县\n}\n'})
    (d,) = r.diagnostics
    assert (d.rule, d.loc.line, d.related[0].loc.line) == ("duplicate-field", 3, 2)


def test_type_errors(tmp_path):
    bad = MATTER.replace("面积 >= 20", '面积 >= "二十"').replace("开业 > 2020-01-01", "开业 > 5")
    bad = bad.replace("类型 == 企业 }", "类型 == 公司 }")
    r = compile_files(tmp_path, {"a.qd": BASE, "b.qd": bad})
    got = [(d.rule, d.loc.line, d.loc.col) for d in r.diagnostics]
    assert got == [("type-error", 9, 14), ("type-error", 9, 44), ("type-error", 12, 43)]
    assert "数字" in r.diagnostics[0].message_zh
    assert r.diagnostics[2].suggestion is None and "企业" in r.diagnostics[2].message_zh


def test_ordering_an_enum_is_a_type_error(tmp_path):
    bad = MATTER.replace("类型 属于 [企业, 个体户]", "类型 > 企业")
    r = compile_files(tmp_path, {"a.qd": BASE, "b.qd": bad})
    (d,) = r.diagnostics
    assert d.rule == "type-error" and "等于" in d.message_zh


def test_unknown_fact_suggests_spaces_around_operators(tmp_path):
    bad = MATTER.replace("面积 >= 20", "面积不小于20")
    r = compile_files(tmp_path, {"a.qd": BASE, "b.qd": bad})
    (d,) = r.diagnostics
    assert d.rule == "unknown-reference" and "空格" in d.message_zh


def test_invalid_enum_value(tmp_path):
    r = compile_files(tmp_path, {"a.qd": '部门 a "A" { 层级: 火星 }\n部门 b "B" { 层级: 市级 }\n'})
    (d,) = r.diagnostics
    assert (d.rule, d.loc.line, d.loc.col) == ("invalid-value", 1, 16)
    assert r.catalog.model.departments["b"].level == "city"


def test_invalid_duration_and_date(tmp_path):
    r = compile_files(tmp_path, {"a.qd": '事项 m "M" {\n  生效: 2024-02-30\n  时限 { 法定: 20 }\n}\n'})
    assert [(d.rule, d.loc.line) for d in r.diagnostics] == [("invalid-value", 2), ("invalid-value", 3)]


def test_waivers(tmp_path):
    text = BASE + '''事项 m "M" {
  权力: 食品经营许可权
  部门: 市场监管局
  层级: 火星  # 豁免 invalid-value: 测试理由
  # 豁免 unknown-keyword: 上一行的豁免
  部们: x
  收费: 免费  # 豁免 unknown-reference
  对象: 甲  # waive duplicate-id: nothing here
}
'''
    r = compile_files(tmp_path, {"a.qd": text})
    waived = [(d.rule, d.waived) for d in r.diagnostics if d.waived]
    assert waived == [("invalid-value", "测试理由"), ("unknown-keyword", "上一行的豁免")]
    open_ = [(d.rule, d.loc.line) for d in r.diagnostics if not d.waived]
    assert open_ == [("invalid-waiver", 21), ("unused-waiver", 22)]
    assert not r.has_errors or r.count(__import__("qingdan.compiler.diagnostics", fromlist=["Severity"]).Severity.error) == 1


def test_severity_override_and_off(tmp_path):
    toml = '[project]\nname = "x"\n[checks]\nunknown-keyword = "warning"\nduplicate-field = "off"\n'
    r = compile_files(tmp_path, {"a.qd": '部门 a "A" {\n  层级: 市\n  层级: 县\n  部们: x\n}\n'}, toml=toml)
    assert [(d.rule, d.severity.value) for d in r.diagnostics] == [("unknown-keyword", "warning")]
    assert not r.has_errors


def test_config_errors_are_located(tmp_path):
    toml = '[project]\nname = "x"\nlevle = "市"\n[checks]\ntoo-many-visit = "error"\n[cheks]\n'
    r = compile_files(tmp_path, {"a.qd": ""}, toml=toml)
    got = [(d.rule, d.loc.file, d.loc.line) for d in r.diagnostics]
    assert got == [("config-error", "qingdan.toml", 3), ("config-error", "qingdan.toml", 5), ("config-error", "qingdan.toml", 6)]
    assert r.diagnostics[0].message_en.endswith("did you mean 'level'?")


def test_bad_toml_syntax(tmp_path):
    r = compile_files(tmp_path, {"a.qd": ""}, toml='[project\nname = "x"\n')
    (d,) = r.diagnostics
    assert d.rule == "config-error" and d.loc.line == 1


def test_the_readme_tour_is_a_valid_matter(tmp_path):
    """The README's tour matter parses and lowers; only the names it borrows from elsewhere are unknown."""
    import re

    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tour = re.search(r"```\n(事项 .*?)```", readme, re.S).group(1)
    result = compile_project(write_project(tmp_path / "tour", {"tour.qd": tour}))
    rules = {d.rule for d in result.diagnostics if d.severity.value == "error"}
    assert rules <= {"unknown-reference", "approval-outside-list", "missing-legal-basis"}, [
        (d.rule, d.message("en")) for d in result.diagnostics]
    matter = result.catalog.model.matters["食品经营许可"]
    assert [mt.id for mt in matter.materials] == ["营业执照", "章程"]
    assert matter.materials[1].only_when is not None and matter.materials[1].commitment
