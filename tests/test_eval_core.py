"""Evaluation: eligibility in three values, facts still needed, materials, time, journeys, explanations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import write_project
from eval_support import FOOD_OK, load_catalog

from qingdan.compiler import Catalog, CompileOptions
from qingdan.compiler import compile as compile_project
from qingdan.engine.decision_text import render_decision, render_explanation
from qingdan.engine.evaluate import Evaluator, FactsError, UnknownTarget, evaluate


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return load_catalog(tmp_path_factory.mktemp("eval"))


def by_id(items):
    return {i.id: i for i in items}


def test_all_conditions_met_is_eligible_except_for_the_one_a_person_decides(catalog):
    d = evaluate(catalog, "食品经营许可", FOOD_OK)
    outcomes = {c.id: c.outcome for c in d.conditions}
    assert outcomes == {"场所达标": "yes", "人员合格": "yes", "主体合格": "yes", "地址明确": "yes", "热食场所": "yes", "现场核查": "undetermined"}
    assert d.eligible == "undetermined"  # 现场核查 has no expression: never guessed
    assert d.facts_needed == [] and d.undetermined == ["现场核查"]
    assert by_id(d.conditions)["现场核查"].manual is True


def test_a_failing_condition_makes_it_ineligible_with_its_text_and_basis(catalog):
    d = evaluate(catalog, "食品经营许可", {**FOOD_OK, "经营面积": 12})
    assert d.eligible == "no"
    assert d.failing == ["场所达标", "热食场所"]  # 热食场所 builds on 场所达标
    c = by_id(d.conditions)["场所达标"]
    assert c.text == "具有相适应的经营场所"
    assert [b.citation for b in c.basis] == ["《中华人民共和国食品安全法》第三十三条"]
    assert c.basis[0].text == "食品生产经营应当符合食品安全标准。"
    assert c.expression == "经营场所面积（平方米） 不小于 20，并且经营场所面积（平方米） 不大于 5000"


def test_missing_facts_make_it_undetermined_and_are_listed_never_guessed(catalog):
    d = evaluate(catalog, "设立登记", {"主体类型": "企业法人"})
    assert d.eligible == "undetermined"
    assert d.failing == [] and d.undetermined == ["名称", "资本"]
    assert [(f.id, f.conditions) for f in d.facts_needed] == [("注册资本", ["资本"]), ("名称已申报", ["名称"])]
    # a missing fact that cannot change the answer is not asked for
    d = evaluate(catalog, "设立登记", {"主体类型": "个体工商户", "名称已申报": True})
    assert d.eligible == "yes" and d.facts_needed == []
    d = evaluate(catalog, "设立登记", {"主体类型": "企业法人", "名称已申报": False})
    assert d.eligible == "no" and d.failing == ["名称"] and [f.id for f in d.facts_needed] == ["注册资本"]


def test_kleene_logic_a_known_false_decides_an_and_a_known_true_decides_an_or(catalog):
    # 主体合格: 主体类型 不属于 [合作社] 或 (成立日期 < 2020-01-01 且 非 有健康证明)
    d = evaluate(catalog, "食品经营许可", {"主体类型": "企业法人"})
    assert by_id(d.conditions)["主体合格"].outcome == "yes"
    d = evaluate(catalog, "食品经营许可", {"主体类型": "农民专业合作社", "成立日期": "2024-01-01"})
    assert by_id(d.conditions)["主体合格"].outcome == "no"
    d = evaluate(catalog, "食品经营许可", {"主体类型": "农民专业合作社", "成立日期": "2019-01-01"})
    c = by_id(d.conditions)["主体合格"]
    assert c.outcome == "undetermined" and c.facts_missing == ["有健康证明"]


def test_materials_conditional_shared_tolerated_committed_and_optional(catalog):
    d = evaluate(catalog, "食品经营许可", {**FOOD_OK, "经营项目": "预包装食品", "经营面积": 50, "有健康证明": False})
    assert [i.id for i in d.materials] == ["承诺书", "身份证"]
    assert by_id(d.materials)["承诺书"].commitment is True
    assert [i.id for i in d.fetched] == ["营业执照", "健康证明"]
    assert by_id(d.fetched)["营业执照"].provider == "企业设立登记"
    assert by_id(d.fetched)["健康证明"].provider == "某市卫生健康委员会" and by_id(d.fetched)["健康证明"].tolerated
    assert [i.id for i in d.not_needed] == ["平面图"] and d.not_needed[0].only_when == "no"
    assert [i.id for i in d.optional] == ["说明"]
    d = evaluate(catalog, "食品经营许可", {"经营面积": 500})
    assert by_id(d.materials)["平面图"].tolerated is True and by_id(d.materials)["平面图"].only_when == "yes"
    assert [i.id for i in d.materials_undetermined] == ["承诺书"]
    assert d.materials_undetermined[0].facts_missing == ["有健康证明"]
    assert [(f.id, f.materials) for f in d.facts_needed if f.materials] == [("有健康证明", ["承诺书"])]


def test_steps_time_limit_and_visits(catalog):
    d = evaluate(catalog, "食品经营许可", FOOD_OK)
    assert [(s.id, s.department_name, s.duration) for s in d.steps] == [("受理", "某市政务服务中心", "1个工作日"), ("审查", "某市市场监督管理局", "5个工作日")]
    assert (d.time_limit.promised, d.time_limit.statutory, d.time_limit.working_days, d.time_limit.basis) == ("10个工作日", "20个工作日", 10.0, "promised")
    assert d.visits == 1
    d = evaluate(catalog, "公章刻制", {})
    assert d.eligible == "yes"  # no conditions at all
    assert (d.time_limit.working_days, d.time_limit.basis) == (0.5, "steps")  # 4 hours


def test_no_statutory_limit_and_on_the_spot_are_said_as_such():
    src = '权力 查询 "记录查询" { 类别: 公共服务 }\n事项 记录查询 "记录查询" {\n  权力: 查询\n  时限 { 法定: 无; 承诺: 即办 }\n}\n'
    cat = compile_project({"a.qd": src}).catalog
    d = evaluate(cat, "记录查询", {})
    assert (d.time_limit.promised, d.time_limit.statutory, d.time_limit.working_days, d.time_limit.basis) == ("即办", "无", 0.0, "promised")
    assert "办结时限：承诺 即办（法定 无）" in render_decision(d, "zh")
    assert evaluate(cat, "记录查询", {}, lang="en").time_limit.promised == "on the spot"


def test_a_journey_merges_materials_and_takes_the_critical_path(catalog):
    facts = {**FOOD_OK, "注册资本": 10, "名称已申报": True}
    d = evaluate(catalog, "开餐馆", facts)
    assert d.kind == "journey" and [s.target for s in d.matters] == ["设立登记", "食品经营许可", "税务登记", "公章刻制"]
    assert d.eligible == "undetermined" and d.undetermined == ["食品经营许可.现场核查"]
    # 营业执照 is produced by 设立登记 in the journey: asked by three matters, fetched once
    licence = by_id(d.fetched)["营业执照"]
    assert licence.identity == "营业执照" and licence.matters == ["食品经营许可", "税务登记", "公章刻制"]
    assert licence.provider == "企业设立登记"
    assert sorted(licence.refs) == ["公章刻制.营业执照", "税务登记.营业执照", "食品经营许可.营业执照"]
    # 身份证 is asked by three matters under one identity: submitted once
    ident = by_id(d.materials)["身份证"]
    assert ident.matters == ["设立登记", "食品经营许可", "税务登记"]
    assert ident.tolerated is False  # only 税务登记 tolerates it missing
    assert [i.id for i in d.materials] == ["申请书", "身份证", "章程", "平面图"]
    assert d.time_limit.critical_path == ["设立登记", "食品经营许可"]
    assert (d.time_limit.working_days, d.time_limit.serial_days, d.time_limit.target_days) == (11.0, 16.5, 15.0)
    assert d.visits == 1
    d = evaluate(catalog, "开餐馆", {**facts, "主体类型": "农民专业合作社", "成立日期": "2024-01-01"})
    assert d.eligible == "no" and d.failing == ["食品经营许可.主体合格", "税务登记.已登记"]


def test_facts_are_checked_against_their_declared_types(catalog):
    with pytest.raises(FactsError) as e:
        evaluate(catalog, "食品经营许可", {"经营面积": "三十", "主体类型": "企业", "有健康证明": 1, "成立日期": "2024-13-01",
                                     "经营地址": 12, "经营项木": "x"})
    problems = {p.fact: p.message.zh for p in e.value.problems}
    assert set(problems) == {"经营面积", "主体类型", "有健康证明", "成立日期", "经营地址", "经营项木"}
    assert "应为数字" in problems["经营面积"]
    assert "企业法人" in problems["主体类型"]  # lists the options
    assert "是不是“经营项目”" in problems["经营项木"]
    assert "日期" in problems["成立日期"]
    assert [p.message("en") for p in e.value.problems if p.fact == "经营面积"] == ["fact '经营面积' (经营场所面积（平方米）) must be a number, not “三十”"]
    assert problems["经营项木"].endswith("没有事实“经营项木”，是不是“经营项目”？")
    assert str(e.value).split("; ")[0] == "fact '主体类型' (申请人类型) must be one of 企业法人, 个体工商户, 农民专业合作社, not “企业”"


def test_accepted_spellings_of_values(catalog):
    d = evaluate(catalog, "食品经营许可", {"经营面积": Decimal("20"), "有健康证明": "是", "成立日期": date(2024, 1, 1), "主体类型": None})
    assert by_id(d.conditions)["场所达标"].outcome == "yes" and by_id(d.conditions)["人员合格"].outcome == "yes"
    assert "主体类型" not in d.facts and d.facts["经营面积"] == 20 and d.facts["成立日期"] == "2024-01-01"
    assert evaluate(catalog, "食品经营许可", {"经营面积": 19.99}).failing == ["场所达标", "热食场所"]
    with pytest.raises(FactsError):
        evaluate(catalog, "食品经营许可", {"经营面积": float("nan")})
    with pytest.raises(FactsError):
        evaluate(catalog, "食品经营许可", {"经营面积": True})


def test_unknown_targets_suggest_the_closest_name(catalog):
    with pytest.raises(UnknownTarget) as e:
        evaluate(catalog, "食品经营许", {})
    assert e.value.suggestion == "食品经营许可" and "是不是“食品经营许可”" in e.value.message("zh")
    assert str(e.value) == "no matter or journey '食品经营许'; did you mean '食品经营许可'?"
    assert evaluate(catalog, "食品经营许可证核发", {}).target == "食品经营许可"  # by title
    assert evaluate(catalog, "journey:开餐馆", {}).kind == "journey"


def test_explanation_tree_says_why_and_why_not_citing_articles(catalog):
    d = evaluate(catalog, "食品经营许可", {**FOOD_OK, "经营面积": 12})
    root = d.explanation
    assert root.kind == "matter" and root.outcome == "no" and root.basis[0].citation == "《中华人民共和国食品安全法》第三十五条"
    conds = root.children[0]
    place = next(c for c in conds.children if c.ref == "场所达标")
    assert place.outcome == "no" and place.basis[0].article == "第三十三条"
    tests = place.children[0].children
    assert [(t.outcome, t.detail) for t in tests] == [("no", "申请人：12"), ("yes", "申请人：12")]
    assert all(t.basis == place.basis for t in tests)  # every node cites its article
    text = render_explanation(root, "zh")
    assert "✗ 场所达标：具有相适应的经营场所〔依据《中华人民共和国食品安全法》第三十三条〕" in text
    assert "│   │       └── ✓ 经营场所面积（平方米） 不大于 5000 —— 申请人：12" in text
    en = render_explanation(evaluate(catalog, "食品经营许可", {}, lang="en").explanation, "en")
    assert "missing fact '经营场所面积（平方米）'" in en and "[basis: 《中华人民共和国食品安全法》第三十三条]" in en


def test_text_report_lists_everything_a_counter_clerk_needs(catalog):
    d = evaluate(catalog, "食品经营许可", {"经营面积": 500})
    text = render_decision(d)
    assert "结论：尚无法判定（缺少事实或需人工审查）" in text
    assert "  - 有健康证明（从业人员持有健康证明；是/否）—— 用于判定 人员合格、主体合格、承诺书" in text
    assert "  - 平面图：经营场所平面图（可容缺受理）" in text
    assert "免提交，通过数据共享获取（2 种）：" in text and "办结时限：承诺 10个工作日（法定 20个工作日）" in text
    assert render_decision(d) == text  # deterministic


def test_one_evaluator_decides_many_cases_as_fresh_ones_do(catalog):
    cases = [("食品经营许可", FOOD_OK), ("食品经营许可", {"经营面积": 12}), ("开餐馆", {**FOOD_OK, "注册资本": 10}), ("设立登记", {})]
    for lang in ("zh", "en"):
        evaluator = Evaluator(catalog, lang)
        for _ in range(2):
            for target, facts in cases:
                for explain in (True, False):
                    assert (evaluator.decide(target, facts, explain=explain).model_dump()
                            == evaluate(catalog, target, facts, lang=lang, explain=explain).model_dump())


def test_a_decision_shares_nothing_mutable_with_the_next(catalog):
    evaluator = Evaluator(catalog)
    d = evaluator.decide("开餐馆", FOOD_OK)
    sub = d.matters[1]
    sub.basis.clear()
    sub.conditions[0].basis.clear()
    sub.steps[0].name = "改过"
    sub.time_limit.critical_path.append("改过")
    sub.explanation.children[0].basis.clear()
    d.time_limit.critical_path.clear()
    assert evaluator.decide("开餐馆", FOOD_OK).model_dump() == evaluate(catalog, "开餐馆", FOOD_OK).model_dump()


def test_without_explain_no_tree_is_built(catalog):
    assert evaluate(catalog, "开餐馆", FOOD_OK, explain=False).explanation is None


def test_a_journey_whose_order_has_a_cycle_still_decides_but_has_no_critical_path(tmp_path):
    text = """
事项 甲 "甲事项" { 时限 { 法定: 2 工作日 } }
事项 乙 "乙事项" { 时限 { 法定: 3 工作日 } }
一件事 环 "有环的一件事" { 事项: 甲、乙; 先后: 甲 -> 乙 -> 甲 }
"""
    catalog = compile_project(write_project(tmp_path, {"j.qd": text}), CompileOptions(checks=False)).catalog
    d = evaluate(catalog, "环", {})
    assert d.eligible == "yes" and d.time_limit.working_days is None and d.time_limit.critical_path == []
    assert "无法计算（先后顺序有循环）" in render_decision(d)
    assert d.time_limit.serial_days == 5.0
