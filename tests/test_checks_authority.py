"""Authority checks: each plants its defect and asserts the exact location, then a near miss."""

from checks_support import compile_snippet, found, matter, places, power, semantic, where

from qingdan.compiler.checks.authority import ScopeKeys
from qingdan.compiler.diagnostics import Severity
from qingdan.compiler.model import CatalogModel, Department


# ---------------------------------------------------------------- overlapping-authority
def test_scope_key_folds_department_prefix_fillers_and_approval_verbs():
    model = CatalogModel(departments={"城管局": Department(id="城管局", name="示例市城市管理局")})
    keys = ScopeKeys(model)
    assert keys.key("户外广告设置审批") == keys.key("户外广告设置许可") == keys.key("城管局户外广告设置的许可") == keys.key("户外广告设置许可证核发")
    assert keys.key("户外广告设置审批") != keys.key("户外广告设施设置审批")
    assert keys.key("食品经营许可变更") != keys.key("食品经营许可")
    assert keys.key("ＡＢＣ登记") == keys.key("ABC 登记")


def test_two_departments_holding_the_same_power_are_reported_at_the_later_one(tmp_path):
    src = power("广告审批权", "甲局", "户外广告设置审批") + power("广告许可权", "乙局", "户外广告设置许可")
    r = compile_snippet(tmp_path, src)
    line, col = where(src, "广告许可权")
    assert places(r, "overlapping-authority") == [("a.qd", line, col)]
    d = found(r, "overlapping-authority")[0]
    assert d.severity == Severity.error
    assert "甲局" in d.message_zh and "乙局" in d.message_zh and "广告审批权" in d.message_zh and "广告许可权" in d.message_zh
    related = {(x.loc.file, x.loc.line) for x in d.related}
    assert ("a.qd", where(src, "广告审批权")[0]) in related
    assert ("base.qd", 1) in related and ("base.qd", 6) in related  # both departments


def test_matters_of_the_same_scope_in_two_departments_are_reported(tmp_path):
    src = matter("广告甲", "甲局", "户外广告设置审批") + matter("广告乙", "乙局", "户外广告设置许可")
    r = compile_snippet(tmp_path, src)
    # the powers overlap too: reported once at the powers, not again at the matters
    assert places(r, "overlapping-authority") == [("a.qd", *where(src, "广告乙权 "))]
    src = (power("总权", "甲局", "户外广告管理") + matter("广告甲", "甲局", "户外广告设置审批", power_id="总权")
           + matter("广告乙", "乙局", "户外广告设置许可", power_id="总权"))
    r = compile_snippet(tmp_path / "b", src)
    assert places(r, "overlapping-authority") == [("a.qd", *where(src, "广告乙 "))]
    msg = found(r, "overlapping-authority")[0].message_en
    assert "'广告甲'" in msg and "'广告乙'" in msg and "'甲局'" in msg and "'乙局'" in msg


def test_two_levels_without_division_warn_and_with_division_pass(tmp_path):
    src = power("排水权", "甲局", "排水许可") + power("区排水权", "区甲局", "排水许可")
    r = compile_snippet(tmp_path, src)
    assert places(r, "overlapping-authority") == [("a.qd", *where(src, "区排水权 "))]
    assert found(r, "overlapping-authority")[0].severity == Severity.warning
    divided = power("排水权", "甲局", "排水许可", fields='  分级: "市级负责主城区，区级负责其余"\n') + power("区排水权", "区甲局", "排水许可")
    assert semantic(compile_snippet(tmp_path / "b", divided)) == []


def test_near_miss_same_scope_in_separate_jurisdictions_or_one_department(tmp_path):
    # two counties with their own regions, and one department holding two similar powers
    src = (power("上城排水权", "区甲局", "排水许可") + power("下城排水权", "区乙局", "排水许可")
           + power("登记权", "甲局", "市场主体登记") + power("登记变更权", "甲局", "市场主体登记"))
    r = compile_snippet(tmp_path, src)
    assert found(r, "overlapping-authority") == []


# ---------------------------------------------------------------- approval-outside-list
def test_matter_without_power_is_reported_at_its_name(tmp_path):
    src = '事项 无权事项 "无权事项" {\n  编码: "330100-XK-9001"\n  部门: 甲局\n  依据: 示例法.第二条\n  时限 { 法定: 5 工作日 }\n}\n'
    r = compile_snippet(tmp_path, src)
    assert places(r, "approval-outside-list") == [("a.qd", 1, 4)]
    assert semantic(r) == found(r, "approval-outside-list")


def test_matter_implementing_a_cancelled_power_points_at_the_power_field_as_matter_without_live_power(tmp_path):
    src = power("占道权", "甲局", "占道许可", fields="  状态: 取消\n", responsibility=False) + matter("占道", "甲局", power_id="占道权")
    r = compile_snippet(tmp_path, src)
    line, col = where(src, "权力: 占道权")
    assert places(r, "matter-without-live-power") == [("a.qd", line, col + 4)]
    assert "取消" in found(r, "matter-without-live-power")[0].message_zh
    assert semantic(r) == found(r, "matter-without-live-power")


def test_transferred_power_at_the_old_holder_and_foreign_department(tmp_path):
    src = (power("审查权", "甲局", "设计审查", fields="  状态: 划转(乙局)\n") + matter("旧审查", "甲局", "设计审查", power_id="审查权")
           + power("核准权", "甲局", "处置核准") + matter("越权核准", "丙局", "处置核准", power_id="核准权"))
    r = compile_snippet(tmp_path, src)
    old_dept = where(src, "部门: 甲局", 3)
    foreign = where(src, "部门: 丙局")
    assert places(r, "matter-without-live-power") == [("a.qd", old_dept[0], old_dept[1] + 4)]
    assert places(r, "approval-outside-list") == [("a.qd", foreign[0], foreign[1] + 4)]
    transfer, wrong = found(r, "matter-without-live-power")[0], found(r, "approval-outside-list")[0]
    assert transfer.suggestion == "乙局" and "划转" in transfer.message_zh
    assert "丙局" in wrong.message_zh and "甲局" in wrong.message_zh and "核准权" in wrong.message_zh


def test_near_miss_delegated_and_transferred_powers_at_their_new_holders(tmp_path):
    src = (power("挖掘权", "甲局", "道路挖掘许可", fields="  状态: 下放(县)\n") + matter("区挖掘", "区乙局", "道路挖掘许可", power_id="挖掘权")
           + power("审查权", "甲局", "设计审查", fields="  状态: 划转(乙局)\n") + matter("新审查", "乙局", "设计审查", power_id="审查权"))
    r = compile_snippet(tmp_path, src)
    assert found(r, "approval-outside-list") == []


# ---------------------------------------------------------------- power-without-responsibility
def test_power_without_responsibility_or_supervisor(tmp_path):
    src = (power("无责权", "甲局", responsibility=False)
           + power("无监管权", "乙局", responsibility=False) + "责任 无监管责任 {\n  权力: 无监管权\n  监管: \"日常检查\"\n}\n")
    r = compile_snippet(tmp_path, src)
    assert places(r, "power-without-responsibility") == [("a.qd", *where(src, "无责权")), ("a.qd", *where(src, "无监管责任"))]
    by_line = sorted(found(r, "power-without-responsibility"), key=lambda d: d.loc.line)
    assert "甲局" in by_line[0].message_zh
    assert "无监管权" in by_line[1].message_zh and by_line[1].related[0].loc.line == where(src, "无监管权")[0]


def test_near_miss_cancelled_power_needs_no_responsibility(tmp_path):
    src = power("旧权", "甲局", fields="  状态: 取消\n", responsibility=False) + power("新权", "乙局")
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- negative list
def test_licensed_entry_whose_power_no_matter_implements(tmp_path):
    src = power("危化权", "甲局", "危险化学品经营许可") + (
        '负面清单 N201 "未获许可不得经营危险化学品" {\n  类型: 许可\n  主管部门: 甲局\n  实施: 危化权\n}\n'
        '负面清单 N202 "未获许可不得经营烟花爆竹" {\n  类型: 许可\n  主管部门: 甲局\n  活动: "烟花爆竹经营"\n}\n')
    r = compile_snippet(tmp_path, src)
    impl = where(src, "实施: 危化权")
    assert places(r, "negative-list-unimplemented") == [("a.qd", impl[0], impl[1] + 4), ("a.qd", *where(src, "N202"))]
    assert "危化权" in sorted(found(r, "negative-list-unimplemented"), key=lambda d: d.loc.line)[0].message_zh


def test_near_miss_licensed_entry_implemented_by_matter_or_activity(tmp_path):
    src = (matter("危化许可", "甲局", "危险化学品经营许可")
           + matter("体育许可", "乙局", "高危体育经营许可", fields='  活动: "高危险性体育项目经营"\n')
           + '负面清单 N201 "危化品" {\n  类型: 许可\n  实施: 危化许可权\n}\n'
           + '负面清单 N202 "高危体育" {\n  类型: 许可\n  活动: "高危险性体育项目经营"\n}\n')
    assert semantic(compile_snippet(tmp_path, src)) == []


def test_matter_granting_a_prohibited_activity(tmp_path):
    src = (matter("球场审批", "甲局", "高尔夫球场建设审批", fields='  活动: "新建 高尔夫球场"\n')
           + '负面清单 N101 "禁止新建高尔夫球场" {\n  类型: 禁止\n  主管部门: 乙局\n  活动: "新建高尔夫球场"\n}\n')
    r = compile_snippet(tmp_path, src)
    act = where(src, '"新建 高尔夫球场"')
    assert places(r, "negative-list-contradiction") == [("a.qd", *act)]
    d = found(r, "negative-list-contradiction")[0]
    assert "N101" in d.message_zh and "甲局" in d.message_zh and "乙局" in d.message_zh
    assert d.related[0].loc.line == where(src, "N101")[0]


def test_prohibited_entry_naming_an_implementing_matter(tmp_path):
    src = matter("球场审批", "甲局") + '负面清单 N101 "禁止新建高尔夫球场" {\n  类型: 禁止\n  实施: 球场审批\n}\n'
    r = compile_snippet(tmp_path, src)
    impl = where(src, "实施: 球场审批")
    assert places(r, "negative-list-contradiction") == [("a.qd", impl[0], impl[1] + 4)]


def test_near_miss_similar_activity_is_not_prohibited(tmp_path):
    src = (matter("球场经营", "甲局", "高尔夫球场经营许可", fields='  活动: "高尔夫球场经营"\n')
           + '负面清单 N101 "禁止新建高尔夫球场" {\n  类型: 禁止\n  活动: "新建高尔夫球场"\n}\n')
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- missing-legal-basis
def test_missing_basis_of_power_matter_and_condition_is_one_finding_at_the_power(tmp_path):
    src = ('权力 无据权 "无据权" {\n  部门: 甲局\n}\n责任 无据责任 {\n  权力: 无据权\n  监管部门: 甲局\n}\n'
           '事项 无据事项 "无据事项" {\n  编码: "330100-XK-9101"\n  权力: 无据权\n  部门: 甲局\n'
           '  事实 年龄 "年龄": 数字\n  条件 成年 "年满十八周岁" {\n    当: 年龄 >= 18\n  }\n  时限 { 法定: 5 工作日 }\n}\n')
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-legal-basis") == [("a.qd", *where(src, "无据权"))]  # where the fix belongs
    (d,) = found(r, "missing-legal-basis")
    assert [(x.loc.line, x.loc.col) for x in d.related] == [where(src, "无据事项"), where(src, "成年")]
    assert semantic(r) == found(r, "missing-legal-basis")


def test_a_matter_inherits_its_powers_basis_but_a_condition_needs_its_own(tmp_path):
    src = ('权力 有据权 "有据权" {\n  部门: 甲局\n  依据: 示例法.第一条\n}\n'
           '事项 沿用事项 "沿用事项" {\n  权力: 有据权\n  部门: 甲局\n  条件 成年 "年满十八周岁"\n}\n')
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-legal-basis") == [("a.qd", *where(src, "成年"))]


def test_a_matter_without_power_or_basis_is_reported_at_the_matter_with_its_conditions_related(tmp_path):
    src = '事项 孤立事项 "孤立事项" {\n  部门: 甲局\n  条件 成年 "年满十八周岁"\n}\n'
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-legal-basis") == [("a.qd", *where(src, "孤立事项"))]
    assert [(x.loc.line, x.loc.col) for x in found(r, "missing-legal-basis")[0].related] == [where(src, "成年")]


def test_a_public_service_needs_no_legal_basis_but_its_citations_must_exist(tmp_path):
    src = ('事项 信息查询 "法律援助机构信息查询" {\n  类别: 公共服务\n  部门: 甲局\n  条件 查询人 "需要查询的自然人"\n}\n'
           '事项 政策咨询 "政策咨询" {\n  类别: 公共服务\n  部门: 甲局\n  依据: 示例法.第九条\n}\n')
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-legal-basis") == [("a.qd", *where(src, "示例法.第九条"))]
    assert found(r, "approval-outside-list") == []  # a public service is no approval: it needs no power


def test_citations_of_unknown_laws_and_articles(tmp_path):
    src = matter("甲", "甲局", fields="  依据: 示例法.第九条, 示列法.第一条\n").replace("  依据: 示例法.第二条\n", "", 1)
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-legal-basis") == [("a.qd", *where(src, "示例法.第九条")), ("a.qd", *where(src, "示列法.第一条"))]
    article, law = sorted(found(r, "missing-legal-basis"), key=lambda d: d.loc.col)
    assert "第九条" in article.message_zh and article.related[0].loc.file == "base.qd"
    assert law.suggestion == "示例法"


def test_near_miss_law_cited_without_article(tmp_path):
    src = matter("甲", "甲局").replace("依据: 示例法.第二条", "依据: 示例法")
    assert semantic(compile_snippet(tmp_path, src)) == []


def test_unknown_department_is_reported_once_by_name_resolution(tmp_path):
    src = matter("错部门", "甲局").replace("  部门: 甲局\n  依据: 示例法.第二条", "  部门: 甲句\n  依据: 示例法.第二条")
    r = compile_snippet(tmp_path, src)
    assert [d.rule for d in semantic(r)] == ["unknown-reference"]
