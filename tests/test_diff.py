"""qingdan diff on three tagged versions of examples/city with realistic reform changes (tests/diff_support.py).

Every change the reform commits make is asserted, and every indicator against figures
counted by hand from the rule files (the counts are written out next to each assertion).
"""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO, run_cli
from diff_support import CITY, git, reform_repository

from qingdan.changes.compare import diff_sides
from qingdan.changes.report import render_markdown, render_text, to_json
from qingdan.changes.revisions import ChangesError, Repository, resolve_side

SCHEMA = json.loads((REPO / "qingdan" / "schemas" / "diff.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return reform_repository(tmp_path_factory.mktemp("reform"))


def _report(project: Path, old: str, new: str):
    return diff_sides(resolve_side(old, project), resolve_side(new, project), project)


@pytest.fixture(scope="module")
def whole(project):
    """v2025.1 → v2026.1: every reform step."""
    return _report(project, "v2025.1", "v2026.1")


def _ind(report, key):
    return next(x for x in report.indicators if x.key == key)


def test_the_reform_versions_compile_cleanly(project):
    from qingdan.compiler import compile

    for tag in ("v2025.1", "v2025.2", "v2026.1"):
        spec = resolve_side(tag, project)
        assert spec.kind == "revision"
    assert not compile(project).has_errors  # the last version, in the working tree


def test_every_change_of_the_reform_is_reported(whole):
    got = {(c.table, c.kind, c.id) for c in whole.diff.changes}
    assert got == {
        # v2025.2: two powers cancelled, their matters and negative-list entry removed; three delegated
        ("power", "changed", "非公路标志许可权"), ("power", "changed", "建筑垃圾处置核准权"),
        ("matter", "removed", "非公路标志许可"), ("matter", "removed", "建筑垃圾处置核准"),
        ("negative", "removed", "建筑垃圾处置准入"),
        ("power", "changed", "排水许可权"), ("power", "changed", "临时占道审批权"), ("power", "changed", "商品房预售许可权"),
        # v2026.1: five materials shared (in four matters), three limits cut, two matters merged
        ("matter", "changed", "医疗机构执业登记"), ("matter", "changed", "特困人员供养"), ("matter", "changed", "医疗费用零星报销"),
        ("matter", "changed", "公积金缴存登记"), ("matter", "changed", "排污许可"), ("matter", "changed", "涉路施工许可"),
        ("power", "changed", "劳务派遣许可权"), ("matter", "removed", "劳务派遣经营许可"), ("matter", "changed", "人力资源服务许可"),
        ("negative", "changed", "劳务派遣准入"),
        # the company-opening journey now fetches the staff list of 公积金缴存登记 by sharing
        ("journey", "changed", "企业开办"),
    }
    status = {c.id: (c.field("status").old, c.field("status").new) for c in whole.diff.status_transitions()}
    assert status == {
        "非公路标志许可权": ("retain", "cancel"), "建筑垃圾处置核准权": ("retain", "cancel"),
        "排水许可权": ("retain", "delegate:county"), "临时占道审批权": ("retain", "delegate:county"),
        "商品房预售许可权": ("retain", "delegate:county"), "劳务派遣许可权": ("retain", "merge:人力资源服务许可权"),
    }


def test_a_renamed_matter_with_the_same_code_is_a_rename(whole):
    hr = next(c for c in whole.diff.changes if c.id == "人力资源服务许可")
    assert hr.kind == "changed" and hr.renamed
    assert (hr.old_name, hr.new_name) == ("人力资源服务许可（职业中介活动）", "人力资源服务许可（含劳务派遣经营许可）")
    assert [f.field for f in hr.fields] == ["name"] and not hr.parts


def test_materials_made_shared_limits_and_steps(whole):
    def parts(mid):
        c = next(c for c in whole.diff.changes if c.id == mid)
        return c, {(p.part, p.kind, p.key): {f.field: (f.old, f.new) for f in p.fields} for p in c.parts}

    health, hp = parts("医疗机构执业登记")
    assert hp[("material", "changed", "场所证明")] == {"source": ("applicant", "produced_by:不动产权证书")}
    assert hp[("material", "changed", "人员名录")] == {"source": ("applicant", "issued_by:卫健委")}
    assert hp[("step", "removed", "发证")]["duration"] == ("1 working_days", None)
    assert hp[("step", "changed", "现场审查")] == {"duration": ("5 working_days", "3 working_days")}
    assert health.field("limits.promised").old == "10 working_days" and health.field("limits.promised").new == "5 working_days"
    _, fund = parts("公积金缴存登记")
    assert fund == {("material", "changed", "缴存人员名单"): {"source": ("applicant", "issued_by:人社局")}}
    _, road = parts("涉路施工许可")
    assert set(road) == {("step", "removed", "现场勘验"), ("step", "changed", "技术审查")}
    journey = next(c for c in whole.diff.changes if c.table == "journey")
    submitted = journey.field("materials.submitted")
    assert "职工住房公积金缴存人员名单" in submitted.old and "职工住房公积金缴存人员名单" not in submitted.new
    negative = next(c for c in whole.diff.changes if c.id == "劳务派遣准入")
    assert negative.field("implemented_by").old == ("劳务派遣经营许可",) and negative.field("implemented_by").new == ("人力资源服务许可",)


def test_reform_actions_are_counted_by_category_and_level(whole):
    from qingdan.changes.report import reform_actions

    assert reform_actions(whole) == [
        {"from": "retain", "to": "cancel", "category": "licensing", "level": "city", "count": 2},
        {"from": "retain", "to": "delegate", "category": "licensing", "level": "city", "count": 3},
        {"from": "retain", "to": "merge", "category": "licensing", "level": "city", "count": 1},
    ]


def test_indicators_counted_by_hand(project, whole):
    # Approval matters: matters of licensing powers not cancelled or merged. In the power list of v2025.1:
    # 企业登记权 3 matters, and one each for 临时占道, 人力资源服务, 公众聚集场所检查, 劳务派遣, 医疗机构执业登记,
    # 商品房预售, 工程规划, 建筑垃圾处置核准, 户外广告, 排水, 排污, 施工许可 (transferred), 消防设计审查, 涉路施工,
    # 环评, 用地规划, 非公路标志, 食品经营 (delegated) = 21 (餐饮场所卫生许可权 is cancelled and has none).
    # v2026.1 lost 非公路标志, 建筑垃圾 (cancelled) and 劳务派遣 (merged): 3 of 21.
    x = _ind(whole, "approval-matters-cut")
    assert (x.before, x.after, x.count, x.rate) == (21, 18, 3, Fraction(3, 21))
    # Retained powers: 47 powers, minus 餐饮场所卫生许可权 (cancelled), 食品经营许可权 (delegated), 施工许可权
    # (transferred) = 44; delegated to county from them: 排水, 临时占道, 商品房预售 = 3 of 44.
    x = _ind(whole, "powers-delegated")
    assert (x.before, x.count, x.rate) == (44, 3, Fraction(3, 44))
    assert x.after == 44 - 3 - 2 - 1  # delegated, cancelled, merged
    # Materials the applicant submits: 90 in v2025.1. v2025.2 removes 非公路标志许可 (许可申请书, 设计图: 2) and
    # 建筑垃圾处置核准 (核准申请表, 消纳协议, 处置方案: 3): 85. v2026.1 shares five (医疗机构执业登记 3 → 1,
    # 特困人员供养 3 → 2, 医疗费用零星报销 3 → 2, 公积金缴存登记 1 → 0) and removes 劳务派遣经营许可 (许可申请书,
    # 管理制度文本: 2; its 经营场所证明 is a commitment): 85 - 5 - 2 = 78.
    x = _ind(whole, "materials-cut")
    assert (x.before, x.after, x.rate) == (90, 78, 1 - Fraction(78, 90))
    first = _report(project, "v2025.1", "v2025.2")
    assert _ind(first, "materials-cut").after == 85
    assert whole.breakdown.matters == (("公积金缴存登记", "住房公积金单位缴存登记", 1, 0), ("医疗机构执业登记", "医疗机构执业登记", 3, 1),
                                       ("医疗费用零星报销", "参保人员医疗费用手工（零星）报销", 3, 2), ("特困人员供养", "特困人员救助供养", 3, 2))
    # Steps: 143; minus 非公路标志许可 (3) and 建筑垃圾处置核准 (3) = 137; minus 劳务派遣经营许可 (4), 发证, 现场勘验 = 131.
    assert (_ind(first, "steps-cut").after, _ind(whole, "steps-cut").after) == (137, 131)
    assert _ind(whole, "steps-cut").rate == 1 - Fraction(131, 143)
    # Promised limits, average in working days over the 46 / 43 matters (hours / 8, natural days * 5/7):
    # v2025.1 sums to 224.5 (39/8 average); v2026.1 drops 5 + 5 + 5 (removed matters) and cuts 3 x 5.
    x = _ind(whole, "promised-limit-cut")
    assert x.before == Fraction(39, 8) and x.after == (Fraction(39, 8) * 46 - 15 - 15) / 43
    # Shares: 零跑动 43 of 46 matters before, 40 of 43 after (the three removed matters had 0 visits).
    x = _ind(whole, "zero-visit-share")
    assert (x.before, x.after) == (Fraction(43, 46), Fraction(40, 43))
    # Material mentions fetched by sharing: 96 of 199. The removed matters had 3 + 5 + 5 = 13 mentions, 5 of them
    # shared (营业执照 in each, 行驶证, 法定代表人身份证明): 186 mentions, 96 - 5 + 5 (made shared) = 96 shared.
    x = _ind(whole, "shared-material-share")
    assert (x.before, x.after) == (Fraction(96, 199), Fraction(96, 186))


def test_nothing_reported_between_equal_versions(project):
    r = _report(project, "v2026.1", "HEAD")
    assert r.diff.empty and all(x.rate in (0, None) and x.change in (0, None) for x in r.indicators)
    assert "两个版本没有差别" in render_text(r, "zh")


def test_the_outputs(project, whole):
    text = render_text(whole, "zh")
    for expected in ("状态：保留 → 取消", "状态：保留 → 下放(县级)", "删除 事项“公路用地范围内设置非公路标志许可”", "（改为免提交）",
                     "承诺时限：10个工作日 → 5个工作日", "更名为“人力资源服务许可（含劳务派遣经营许可）”", "材料减少率：90 → 78：13.3%"):
        assert expected in text
    en = render_text(whole, "en")
    assert "materials cut: 90 → 78: 13.3%" in en and "status: retained → cancelled" in en
    md = render_markdown(whole, "zh")
    assert md.startswith("### qingdan diff") and "| 材料减少率 | 90 | 78 | 13.3% |" in md
    assert md.count("<details>") == md.count("</details>") >= 8
    doc = to_json(whole)
    jsonschema.validate(doc, SCHEMA)
    assert doc["old"]["commit"] == Repository.of(project).commit("v2025.1")


def test_the_command_line(project, monkeypatch):
    monkeypatch.chdir(project)
    r = run_cli("diff", "v2025.2")  # against the working tree
    assert r.code == 0 and "v2025.2 → 工作区" in r.out and "劳务派遣" in r.out
    r = run_cli("diff", "v2025.1", "v2026.1", "--format", "json")
    assert r.code == 0
    jsonschema.validate(json.loads(r.out), SCHEMA)
    r = run_cli("diff", "v2025.1", "HEAD", "--format", "markdown", "--lang", "en")
    assert r.code == 0 and "| materials cut | 90 | 78 | 13.3% |" in r.out
    r = run_cli("diff", "v2025.9")
    assert r.code == 2 and "v2025.9" in r.err and "v2025.1" in r.err  # did you mean
    assert "Traceback" not in r.output


def test_the_project_in_a_subdirectory_is_read_from_any_working_directory(project, monkeypatch):
    monkeypatch.chdir(project.parent)
    r = run_cli("diff", "v2025.1", "v2025.2", "rules", "--format", "json")
    assert r.code == 0, r.output
    assert json.loads(r.out)["summary"]["power"]["changed"] == 5


def test_a_revision_outside_a_repository_is_a_clear_error(tmp_path, monkeypatch):
    shutil.copytree(CITY, tmp_path / "city")
    monkeypatch.chdir(tmp_path)
    r = run_cli("diff", "HEAD~1", "city", "city")
    assert r.code == 2 and "git" in r.err and "Traceback" not in r.err
    r = run_cli("diff", "city", "city", "city")  # two directories: fine without git
    assert r.code == 0 and "没有差别" in r.out


def test_a_side_with_errors_is_still_compared_with_a_note(tmp_path):
    old = tmp_path / "old"
    shutil.copytree(CITY, old)
    new = tmp_path / "new"
    shutil.copytree(CITY, new)
    with open(new / "market.qd", "a", encoding="utf-8") as f:
        f.write('\n事项 坏事项 "缺少括号" {\n  部门: 市场监管局\n')
    r = diff_sides(resolve_side(str(old), tmp_path), resolve_side(str(new), tmp_path), tmp_path)
    assert r.new_meta["errors"] >= 1 and any("错误" in n.zh for n in r.notes)


def test_revisions_never_touch_the_working_tree(project):
    before = git(project.parent, "status", "--porcelain")
    _report(project, "v2025.1", "v2025.2")
    assert git(project.parent, "status", "--porcelain") == before


def test_unknown_or_hostile_revision_names_are_refused(project):
    for name in ("--output=/tmp/x", "nope", "v2025.1\nHEAD"):
        with pytest.raises(ChangesError):
            resolve_side(name, project)


def test_untrusted_names_stay_text_in_the_comment_and_the_terminal():
    from qingdan.changes.report import compare
    from qingdan.compiler import compile

    toml = '[project]\nname = "测试"\nlevel = "市"\n'
    dept = '部门 甲 "甲部门" { 层级: 市 }\n'
    old = compile({"qingdan.toml": toml, "a.qd": dept + '事项 x "旧名" { 部门: 甲 }\n'}).catalog
    hostile = '<img src=x onerror=alert(1)> | @org/team **粗** [链接](http://x) \\u001b[31m'
    new = compile({"qingdan.toml": toml, "a.qd": dept + f'事项 x "{hostile}" {{ 部门: 甲 }}\n'}).catalog
    r = compare(old, new, "a", "b")
    md = render_markdown(r, "zh")
    assert "<img" not in md and "&lt;img" in md
    assert "@org" not in md and "\\|" in md and "\\*\\*粗\\*\\*" in md and "\\[链接\\]" in md
    assert "\x1b" not in render_text(r, "zh") and "\\u001b" in render_text(r, "zh")


def test_as_of_reads_both_versions_as_in_force_that_day(tmp_path):
    """A matter given 失效 2026-06-30 in the new version: on 2026-01-01 only its date changed;
    on 2026-07-01 it is no longer in force, so the diff reports it removed."""
    import shutil

    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(REPO / "examples" / "city", old)
    shutil.copytree(REPO / "examples" / "city", new)
    market = new / "market.qd"
    text = market.read_text(encoding="utf-8")
    start = text.index("事项 食品经营许可 ")
    line_end = text.index("\n", start) + 1
    market.write_text(text[:line_end] + "  失效: 2026-06-30\n" + text[line_end:], encoding="utf-8")

    def matter_change(day: str) -> dict:
        r = run_cli("diff", str(old), str(new), "--as-of", day, "--format", "json", "--no-targets")
        assert r.code == 0, r.output
        changes = [c for c in json.loads(r.out)["changes"] if c["table"] == "matter" and c["old_id"] == "食品经营许可"]
        assert len(changes) == 1
        return changes[0]

    before = matter_change("2026-01-01")
    assert before["kind"] == "changed" and before["fields"] == [{"field": "effective_to", "old": None, "new": "2026-06-30"}]
    assert matter_change("2026-07-01")["kind"] == "removed"
