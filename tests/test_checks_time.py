"""Time-limit checks and the duration rule: planted defects with exact locations, near misses."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from checks_support import TOML, compile_snippet, found, journey, matter, places, power, semantic, where

from qingdan.compiler.durations import Clock, working_day_ratio
from qingdan.compiler.graph import critical_path, journey_order, order_cycle
from qingdan.compiler.model import Dependency, Duration, Journey


# ---------------------------------------------------------------- the duration rule
def test_working_days_natural_days_and_hours():
    clock = Clock()
    assert clock.working_days(Duration(amount=Decimal(14), unit="natural_days")) == 10
    assert clock.working_days(Duration(amount=Decimal(4), unit="hours")) == Fraction(1, 2)
    assert clock.working_days(Duration(amount=Decimal("2.5"), unit="working_days")) == Fraction(5, 2)


def test_holiday_calendar_changes_the_ratio():
    # 2026 has 261 weekdays; three holidays on weekdays and one on a Saturday
    holidays = [date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 3)]
    assert working_day_ratio(holidays) == Fraction(258, 365)
    assert Clock(holidays).working_days(Duration(amount=Decimal(365), unit="natural_days")) == 258


def test_critical_path_takes_the_longest_branch():
    j = Journey(id="j", name="j", matters=["a", "b", "c", "d"],
                order=[Dependency(before="a", after="b"), Dependency(before="a", after="c"), Dependency(before="c", after="d")])
    dag = journey_order(j)
    path, total = critical_path(dag, {"a": Fraction(1), "b": Fraction(5), "c": Fraction(2), "d": Fraction(2)})
    assert (path, total) == (["a", "b"], 6)
    path, total = critical_path(dag, {"a": Fraction(1), "b": Fraction(3), "c": Fraction(2), "d": Fraction(2)})
    assert (path, total) == (["a", "c", "d"], 5)
    assert order_cycle(dag) is None


# ---------------------------------------------------------------- missing-time-limit
def test_matter_without_statutory_limit(tmp_path):
    src = matter("只承诺", "甲局", limits="时限 { 承诺: 5 工作日 }") + matter("无时限", "乙局", limits="")
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-time-limit") == [("a.qd", *where(src, "时限 { 承诺")), ("a.qd", *where(src, "无时限 "))]
    assert all("法定" in d.message_zh for d in found(r, "missing-time-limit"))
    assert "甲局" in found(r, "missing-time-limit")[0].message_zh


def test_near_miss_statutory_limit_in_natural_days(tmp_path):
    src = matter("按自然日计", "甲局", limits="时限 { 法定: 30 自然日 }")
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- time limits by kind of matter
def _of(category: str, mid: str, limits: str, body: str = "") -> str:
    """A matter implementing its own power of ``category``."""
    return power(f"{mid}权", fields=f"  类别: {category}\n") + matter(mid, power_id=f"{mid}权", limits=limits, body=body)


def test_public_services_need_no_statutory_limit_and_may_say_none(tmp_path):
    src = (_of("公共服务", "查询", "时限 { 法定: 无; 承诺: 即办 }") + _of("公共服务", "打印", "时限 { 承诺: 3 工作日 }")
           + _of("行政奖励", "表彰", "时限 { 法定: 无; 承诺: 30 工作日 }") + _of("其他行政权力", "备案", "时限 { 承诺: 即办 }"))
    r = compile_snippet(tmp_path, src)
    assert semantic(r) == []
    limits = r.catalog.model.matters["查询"].limits
    assert limits.statutory_none and limits.statutory is None and limits.on_the_spot and limits.promised == Duration(amount=0, unit="working_days")


def test_licensing_and_penalty_limits_are_set_by_law_so_none_is_an_error(tmp_path):
    src = (_of("行政许可", "许可无", "时限 { 法定: 无; 承诺: 10 工作日 }") + _of("行政许可", "许可缺", "时限 { 承诺: 10 工作日 }")
           + _of("行政处罚", "处罚无", "时限 { 法定: 无 }"))
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-time-limit") == sorted([("a.qd", *where(src, "无; 承诺: 10")), ("a.qd", *where(src, "时限 { 承诺: 10")),
                                                      ("a.qd", *where(src, "无 }"))])
    texts = {d.message_zh.split("”")[0]: d.message_zh for d in found(r, "missing-time-limit")}
    assert "行政许可法第四十二条" in texts["行政许可事项“许可无"] and "不能写“无”" in texts["行政许可事项“许可无"]
    assert "行政处罚法第六十条" in texts["行政处罚事项“处罚无"]
    assert "no-time-limit" not in {d.rule for d in r.diagnostics}  # reported once, as the error


def test_decisions_must_state_their_limit_but_may_say_none(tmp_path):
    src = (_of("行政确认", "确认缺", "") + _of("行政确认", "确认无", "时限 { 法定: 无; 承诺: 5 工作日 }")
           + _of("行政给付", "给付缺", "时限 { 承诺: 5 工作日 }") + _of("行政裁决", "裁决有", "时限 { 法定: 60 自然日 }"))
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-time-limit") == sorted([("a.qd", *where(src, "确认缺 \"")), ("a.qd", *where(src, "时限 { 承诺: 5"))])
    assert all("法定: 无" in d.message_zh and "statutory: none" in d.message_en for d in found(r, "missing-time-limit"))


def test_a_matter_with_no_limit_at_all_is_a_warning_not_an_error(tmp_path):
    src = (_of("公共服务", "无无", "时限 { 法定: 无 }") + _of("公共服务", "全无", "")
           + _of("行政确认", "确认无无", "时限 { 法定: 无 }") + _of("公共服务", "有承诺", "时限 { 法定: 无; 承诺: 2 工作日 }"))
    r = compile_snippet(tmp_path, src)
    assert places(r, "no-time-limit") == sorted([("a.qd", *where(src, "时限 { 法定: 无 }")), ("a.qd", *where(src, "全无 \"")),
                                                 ("a.qd", *where(src, "时限 { 法定: 无 }", 2))])
    assert {d.severity.value for d in found(r, "no-time-limit")} == {"warning"} and not found(r, "missing-time-limit")
    assert "承诺: 即办" in found(r, "no-time-limit")[0].message_zh


def test_a_service_that_asks_nothing_of_the_applicant_has_nothing_to_time(tmp_path):
    # an online query: no visit, no materials, conditions, steps or result (real: 志愿服务组织/团体查找)
    asks_nothing = "  到场: 0 次\n"
    src = (_of("公共服务", "在线查询", "时限 { 法定: 无 }", asks_nothing)
           + _of("公共服务", "要到场", "时限 { 法定: 无 }", "  到场: 2 次\n")  # 临时性减容: two visits
           + _of("公共服务", "到场未写", "时限 { 法定: 无 }")
           + _of("公共服务", "要材料", "时限 { 法定: 无 }", asks_nothing + '  材料 身份证 "身份证"\n')
           + _of("公共服务", "有条件", "时限 { 法定: 无 }", asks_nothing + '  条件 在册 "申请人在册"\n')
           + _of("公共服务", "有结果", "时限 { 法定: 无 }", asks_nothing + '  结果 证明 "证明"\n')
           + _of("行政许可", "许可", "", asks_nothing))
    r = compile_snippet(tmp_path, src)
    assert {d.rule for d in r.diagnostics if d.severity.value == "error"} == {"missing-time-limit"}
    reported = {d.message_en.split("'")[1] for d in found(r, "no-time-limit")}
    assert reported == {"要到场", "到场未写", "要材料", "有条件", "有结果"}
    assert {d.message_en.split("'")[1] for d in found(r, "missing-time-limit")} == {"许可"}  # law sets it: no exemption


def test_limit_words_are_checked_where_they_are_written(tmp_path):
    src = _of("行政许可", "错写", "时限 { 法定: 即办; 承诺: 无 }") + _of("公共服务", "错词", "时限 { 法定: 无限 }")
    r = compile_snippet(tmp_path, src)
    assert places(r, "invalid-value") == sorted([("a.qd", *where(src, "即办;")), ("a.qd", *where(src, "无 }")), ("a.qd", *where(src, "无限"))])
    msgs = [d.message_zh for d in found(r, "invalid-value")]
    assert any("承诺: 即办" in x for x in msgs) and any("删去这一行" in x for x in msgs) and any("或“无”" in x for x in msgs)
    assert not found(r, "missing-time-limit") and not found(r, "no-time-limit")  # no second finding for a value already reported


def test_english_keywords_say_none_and_on_the_spot(tmp_path):
    src = _of("公共服务", "英文", "limits { statutory: none; promised: on_the_spot }")
    r = compile_snippet(tmp_path, src)
    limits = r.catalog.model.matters["英文"].limits
    assert semantic(r) == [] and limits.statutory_none and limits.on_the_spot


# ---------------------------------------------------------------- ambiguous-day-unit
def test_days_without_saying_which_are_ambiguous_everywhere(tmp_path):
    src = (_of("行政许可", "许可天", "时限 { 法定: 20 天; 承诺: 10 工作日 }", body="  步骤 审查 { 用时: 3 日 }\n")
           + _of("公共服务", "服务天", "时限 { 承诺: 5 days }")
           + journey("一件事天", ["许可天", "服务天"], "  目标: 30 天\n"))
    r = compile_snippet(tmp_path, src)
    assert places(r, "ambiguous-day-unit") == sorted([("a.qd", *where(src, "20 天")), ("a.qd", *where(src, "3 日")),
                                                      ("a.qd", *where(src, "5 days")), ("a.qd", *where(src, "30 天"))])
    by_line = {d.loc.line: d for d in found(r, "ambiguous-day-unit")}
    licensing = by_line[where(src, "20 天")[0]]
    assert "行政许可法第八十二条" in licensing.message_zh and "“20 工作日”" in licensing.message_zh
    assert "“5 工作日”或“5 自然日”" in by_line[where(src, "5 days")[0]].message_zh
    assert {d.severity.value for d in found(r, "ambiguous-day-unit")} == {"warning"}
    # counted as natural days meanwhile: 20 天 = 100/7 working days, so the promise of 10 fits
    assert r.catalog.clock.working_days(r.catalog.model.matters["许可天"].limits.statutory) == Fraction(100, 7)


def test_working_and_natural_days_are_silent(tmp_path):
    src = _of("行政许可", "明确", "时限 { 法定: 20 工作日; 承诺: 14 自然日 }", body="  步骤 审查 { 用时: 3 个自然日 }\n")
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- steps outside the limit (特别程序)
def test_steps_marked_outside_the_limit_are_left_out_of_the_sum(tmp_path):
    steps = ("  步骤 受理 { 用时: 1 工作日 }\n  步骤 听证 { 用时: 20 工作日; 不计时限: 是; 依据: 示例法.第三条 }\n"
             "  步骤 决定 { 用时: 2 工作日 }\n")
    src = _of("行政许可", "听证许可", "时限 { 法定: 20 工作日; 承诺: 5 工作日 }", body=steps)
    r = compile_snippet(tmp_path, src)
    assert semantic(r) == []
    assert [st.outside_limit for st in r.catalog.model.matters["听证许可"].steps] == [False, True, False]


def test_an_unmarked_special_procedure_counts_and_the_message_says_it_could_be_marked(tmp_path):
    steps = "  步骤 受理 { 用时: 1 工作日 }\n  步骤 专家评审 { 用时: 10 工作日 }\n  步骤 公示 { 用时: 5 工作日; 不计时限: 是; 依据: 示例法.第三条 }\n"
    src = _of("行政许可", "评审许可", "时限 { 法定: 20 工作日; 承诺: 5 工作日 }", body=steps)
    r = compile_snippet(tmp_path, src)
    (d,) = found(r, "steps-exceed-limit")
    assert "11个工作日" in d.message_zh and "“专家评审”" in d.message_zh and "行政许可法第四十五条" in d.message_zh
    assert "已不计入：公示" in d.message_zh and "outside_limit: true" in d.message_en


def test_a_step_outside_the_limit_needs_its_legal_basis(tmp_path):
    src = _of("行政许可", "无据", "时限 { 法定: 20 工作日 }", body="  步骤 鉴定 { 用时: 5 工作日; 不计时限: 是 }\n")
    r = compile_snippet(tmp_path, src)
    assert places(r, "missing-legal-basis") == [("a.qd", *where(src, "鉴定"))]
    assert "不计入时限" in found(r, "missing-legal-basis")[0].message_zh


def test_on_the_spot_steps_must_fit_in_one_working_day(tmp_path):
    fits = _of("公共服务", "当场", "时限 { 法定: 无; 承诺: 即办 }", body="  步骤 受理 { 用时: 2 小时 }\n  步骤 办结 { 用时: 6 小时 }\n")
    over = _of("公共服务", "拖延", "时限 { 法定: 无; 承诺: 即办 }", body="  步骤 受理 { 用时: 1 工作日 }\n  步骤 办结 { 用时: 1 小时 }\n")
    r = compile_snippet(tmp_path, fits + over)
    assert places(r, "steps-exceed-limit") == [("a.qd", *where(fits + over, "即办", 2))]
    assert "即办" in found(r, "steps-exceed-limit")[0].message_zh


def test_on_the_spot_matters_take_no_time_in_a_journey(tmp_path):
    src = (_of("公共服务", "即办甲", "时限 { 法定: 无; 承诺: 即办 }") + _of("行政许可", "许可乙", "时限 { 法定: 20 工作日; 承诺: 5 工作日 }")
           + journey("串联", ["即办甲", "许可乙"], "  先后: 即办甲 -> 许可乙\n  目标: 5 工作日\n"))
    r = compile_snippet(tmp_path, src)
    assert semantic(r) == []
    assert r.catalog.journey_figures("串联").critical_days == 5


# ---------------------------------------------------------------- promised-exceeds-statutory
def test_promised_longer_than_statutory_points_at_the_promised_value(tmp_path):
    src = matter("超时", "甲局", limits="时限 {\n    法定: 10 工作日\n    承诺: 15 自然日\n  }")
    r = compile_snippet(tmp_path, src)
    assert places(r, "promised-exceeds-statutory") == [("a.qd", *where(src, "15 自然日"))]
    d = found(r, "promised-exceeds-statutory")[0]
    assert "10.71个工作日" in d.message_zh and d.related[0].loc.line == where(src, "10 工作日")[0]


def test_near_miss_promised_equal_after_conversion(tmp_path):
    src = matter("刚好", "甲局", limits="时限 {\n    法定: 10 工作日\n    承诺: 14 自然日\n  }")
    assert semantic(compile_snippet(tmp_path, src)) == []


def test_holiday_calendar_is_used_for_the_comparison(tmp_path):
    # 14 natural days: 10 working days by the 5-in-7 rule, 14 * 249/365 = 9.55 with twelve weekday holidays
    src = matter("节假日", "甲局", limits="时限 {\n    法定: 9.6 工作日\n    承诺: 14 自然日\n  }")
    assert places(compile_snippet(tmp_path, src), "promised-exceeds-statutory") == [("a.qd", *where(src, "14 自然日"))]
    days = [(1, 1), (2, 16), (2, 17), (2, 18), (4, 6), (5, 1), (6, 19), (10, 1), (10, 2), (10, 5), (10, 6), (10, 7)]
    holidays = ", ".join(f'"2026-{m:02d}-{d:02d}"' for m, d in days)
    r = compile_snippet(tmp_path / "calendar", src, toml=TOML + f"[calendar]\nholidays = [{holidays}]\n")
    assert r.config.holidays[0] == date(2026, 1, 1)
    assert semantic(r) == []


# ---------------------------------------------------------------- steps-exceed-limit
def test_steps_adding_up_past_the_promised_limit(tmp_path):
    steps = "  步骤 受理 { 部门: 中心; 用时: 1 工作日 }\n  步骤 审查 { 部门: 甲局; 用时: 3 工作日 }\n  步骤 核查 { 部门: 乙局; 用时: 16 小时 }\n"
    src = matter("步骤多", "甲局", body=steps, limits="时限 {\n    法定: 20 工作日\n    承诺: 5 工作日\n  }")
    r = compile_snippet(tmp_path, src)
    assert places(r, "steps-exceed-limit") == [("a.qd", *where(src, "5 工作日"))]
    d = found(r, "steps-exceed-limit")[0]
    assert "6个工作日" in d.message_zh and "乙局" in d.message_zh and "中心" in d.message_zh
    assert [x.loc.line for x in d.related] == [where(src, "受理")[0], where(src, "审查")[0], where(src, "核查")[0]]


def test_steps_against_statutory_limit_when_nothing_is_promised(tmp_path):
    steps = "  步骤 审查 { 用时: 30 自然日 }\n"
    src = matter("只法定", "甲局", body=steps, limits="时限 { 法定: 20 工作日 }")
    r = compile_snippet(tmp_path, src)
    assert places(r, "steps-exceed-limit") == [("a.qd", *where(src, "20 工作日"))]


def test_near_miss_steps_in_hours_fit(tmp_path):
    steps = "  步骤 受理 { 用时: 4 小时 }\n  步骤 考核 { 用时: 2 工作日 }\n  步骤 发证 { 用时: 16 小时 }\n"
    src = matter("刚好", "甲局", body=steps, limits="时限 {\n    法定: 20 工作日\n    承诺: 5 工作日\n  }")
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- journey-over-target
def _three(first: str = "1", second: str = "3", third: str = "4") -> str:
    return (matter("设立", "甲局", limits=f"时限 {{ 法定: {first} 工作日 }}")
            + matter("许可", "乙局", limits=f"时限 {{ 法定: 10 工作日; 承诺: {second} 工作日 }}")
            + matter("登记", "丙局", limits=f"时限 {{ 法定: {third} 工作日 }}"))


def test_journey_over_target_shows_the_critical_path(tmp_path):
    src = _three() + journey("开办", ["设立", "许可", "登记"], "  先后: 设立 -> 许可, 设立 -> 登记\n  目标: 4 工作日\n")
    r = compile_snippet(tmp_path, src)
    assert places(r, "journey-over-target") == [("a.qd", *where(src, "4 工作日\n}"))]
    d = found(r, "journey-over-target")[0]
    assert "设立（1个工作日） → 登记（4个工作日） 共 5个工作日" in d.message_zh
    assert "甲局" in d.message_zh and "丙局" in d.message_zh
    assert [x.loc.line for x in d.related] == [where(src, "法定: 1 工作日")[0], where(src, "法定: 4 工作日")[0]]


def test_near_miss_parallel_matters_do_not_add_up(tmp_path):
    src = _three() + journey("开办", ["设立", "许可", "登记"], "  先后: 设立 -> 许可, 设立 -> 登记\n  目标: 5 工作日\n")
    assert semantic(compile_snippet(tmp_path, src)) == []  # serial time is 8


def test_cycle_in_the_order_is_reported_at_the_closing_order(tmp_path):
    src = _three() + journey("循环", ["设立", "许可", "登记"], "  先后: 设立 -> 许可 -> 登记\n  先后: 登记 -> 设立\n")
    src = src.replace("  先后: 登记 -> 设立\n", "").replace("设立 -> 许可 -> 登记\n", "设立 -> 许可 -> 登记, 登记 -> 设立\n")
    r = compile_snippet(tmp_path, src)
    assert places(r, "journey-over-target") == [("a.qd", *where(src, "登记 -> 设立"))]
    assert "设立 → 许可 → 登记 → 设立" in found(r, "journey-over-target")[0].message_zh


# ---------------------------------------------------------------- too-many-visits
def test_matter_and_journey_with_too_many_visits(tmp_path):
    src = (matter("两次", "甲局", fields="  到场: 2 次\n") + matter("一次甲", "甲局", fields="  到场: 1 次\n")
           + matter("一次乙", "乙局", fields="  到场: 1 次\n") + journey("跑两趟", ["一次甲", "一次乙"]))
    r = compile_snippet(tmp_path, src)
    assert places(r, "too-many-visits") == [("a.qd", *where(src, "2 次")), ("a.qd", *where(src, "跑两趟"))]
    [j] = [d for d in found(r, "too-many-visits") if "跑两趟" in d.message_zh]
    assert "一次甲" in j.message_zh and "一次乙" in j.message_zh and j.severity.value == "warning"


def test_near_miss_one_visit_and_a_waived_second_visit(tmp_path):
    src = (matter("一次", "甲局", fields="  到场: 1 次\n") + matter("考核", "乙局", fields="  到场: 2 次  # 豁免 too-many-visits: 需现场实操考核\n")
           + matter("零次", "丙局", fields="  到场: 0 次\n") + journey("一趟", ["一次", "零次"]))
    r = compile_snippet(tmp_path, src)
    assert semantic(r) == []
    assert [d.rule for d in r.diagnostics if d.waived] == ["too-many-visits"]
