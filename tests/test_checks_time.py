"""Time-limit checks and the duration rule: planted defects with exact locations, near misses."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from checks_support import TOML, compile_snippet, found, journey, matter, places, semantic, where

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
