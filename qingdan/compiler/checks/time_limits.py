"""Time-limit checks (QD3xx): statutory and promised limits, steps, journeys and visits.

Durations in working days, natural days and hours are compared by the rule documented
in qingdan.compiler.durations: 1 working day = 8 hours, and 7 natural days = 5 working
days unless the project gives a holiday calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from .. import model as m
from ..catalog import Catalog
from ..diagnostics import Diagnostic, Loc, Rule, Severity, diag, related
from ..durations import as_written_en, as_written_zh, days_en, days_zh, matter_time
from ..graph import critical_path, journey_order, order_cycle
from .common import dept_en, dept_zh, loc_key, value_loc
from .registry import check

_CONVERSION_DOC = (
    "Durations are compared in working days: 1 working day = 8 hours; without a holiday calendar "
    "7 natural days = 5 working days; with `[calendar] holidays = [...]` in qingdan.toml, one natural "
    "day counts as the share of working days (Monday to Friday minus the listed holidays) among all "
    "days of the years the calendar covers."
)


def _time_loc(mt: m.Matter, basis: str | None) -> Loc | None:
    if basis in ("promised", "statutory"):
        return value_loc(mt.limits, basis)
    if basis == "steps":
        for st in mt.steps:
            if st.duration is not None:
                return value_loc(st, "duration")
    return mt.loc


# Which kinds of matter carry a statutory limit, by the power's category (DOMAIN.md, docs/rules).
# A general law sets the limit itself: the licensing law (行政许可法 第四十二条: 20 working days
# unless a law or regulation says otherwise, counted in working days by 第八十二条) and the
# penalty law (行政处罚法 第六十条: 90 days from filing unless a law says otherwise).
LIMIT_SET_BY_LAW = {
    "licensing": ("行政许可法第四十二条（二十个工作日，法律、法规另有规定的从其规定）", "the licensing law, art. 42 (20 working days unless a law says otherwise)"),
    "penalty": ("行政处罚法第六十条（立案之日起九十日，法律、法规、规章另有规定的从其规定）", "the administrative penalty law, art. 60 (90 days from filing unless a law says otherwise)"),
}
# Decisions on an application whose limit is set by the matter's own law, when it sets one:
# the limit must be stated, as a duration or as 法定: 无.
LIMIT_STATED = frozenset({"confirmation", "benefit", "adjudication"})
# The limit is optional for the other categories: public services (公共服务), rewards,
# inspections, levies, coercive measures and other powers; no law gives them a general limit.


def _category(catalog: Catalog, mt: m.Matter) -> str | None:
    return catalog.category_of(mt)  # written on the matter (a public service has no power), else its power's


def _kind_zh(category: str | None) -> str:
    return m.CATEGORY_ZH[category] + "事项" if category else "事项"


def _kind_en(category: str | None) -> str:
    return f"{category.replace('_', ' ')} matter" if category else "matter"


MISSING = Rule(
    "missing-time-limit", "QD301", Severity.error,
    "依法应有法定办结时限的事项没有写法定时限",
    "Matter of a kind that has a statutory time limit in law states none",
    group="time",
    explanation=(
        "Whether a matter must state a statutory time limit (法定办结时限) depends on the category of the "
        "power it implements (`权力` → the power's `类别`):\n\n"
        "| category | statutory limit | why |\n| --- | --- | --- |\n"
        "| 行政许可 licensing | required, a duration | 行政许可法 第四十二条 sets 20 working days unless a law or regulation sets another; 第八十二条 counts them in working days. `法定: 无` is reported too |\n"
        "| 行政处罚 penalty | required, a duration | 行政处罚法 第六十条 sets 90 days from filing unless a law, regulation or rule sets another. `法定: 无` is reported too |\n"
        "| 行政确认, 行政给付, 行政裁决 | required: a duration, or `法定: 无` | decisions on an application; the limit is set by each matter's own law, when it sets one, so the catalog must say which |\n"
        "| a matter whose power or category is not known | required: a duration, or `法定: 无` | held to the rule for decisions (approval-outside-list reports the missing power) |\n"
        "| 公共服务, 行政奖励, 行政检查, 行政征收, 行政强制, 其他行政权力 | optional | no law gives them a general time limit: a public service's statutory limit is often `无` |\n\n"
        "Write `法定: 无` when the law sets no limit. A matter that states no limit at all (no statutory "
        "limit, no promised limit, no `承诺: 即办`) and is not reported here gets the warning "
        "no-time-limit. Some real catalogs had licensing matters with no limit at all, so applicants could "
        "wait indefinitely. The finding points at the `时限` block if there is one, else at the matter."
    ),
    bad='权力 户外广告 "户外广告设置审批" { 类别: 行政许可 }\n事项 户外广告审批 "户外广告设置审批" {\n  权力: 户外广告\n  时限 { 法定: 无; 承诺: 10 工作日 }\n}\n',
    good=('权力 户外广告 "户外广告设置审批" { 类别: 行政许可 }\n事项 户外广告审批 "户外广告设置审批" {\n  权力: 户外广告\n  时限 { 法定: 20 工作日; 承诺: 10 工作日 }\n}\n'
          '权力 档案查询 "档案查询服务" { 类别: 公共服务 }\n事项 档案查询 "档案查询" {\n  权力: 档案查询\n  时限 { 法定: 无; 承诺: 即办 }\n}\n'),
)


@check(MISSING)
def missing_time_limit(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        lim = mt.limits
        if lim.statutory is not None or ("statutory" in lim.locs and not lim.statutory_none):
            continue  # stated (or written wrongly, which lowering reported)
        category = _category(catalog, mt)
        by_law = LIMIT_SET_BY_LAW.get(category or "")
        where = lim.loc if "block" in lim.locs else mt.loc
        kind_zh, kind_en = _kind_zh(category), _kind_en(category)
        if lim.statutory_none:
            if by_law is None:
                continue
            out.append(diag(
                "missing-time-limit",
                f"{kind_zh}“{mt.id}”（部门{dept_zh(c, mt.department)}）的法定时限不能写“无”：{by_law[0]}规定了法定时限；请写明法定时限，如“法定: 20 工作日”",
                f"{kind_en} '{mt.id}' (department {dept_en(mt.department)}) cannot have 'statutory: none': its limit is set by {by_law[1]}; "
                "state it, e.g. 'statutory: 20 working_days'",
                value_loc(lim, "statutory"),
            ))
            continue
        if category is not None and by_law is None and category not in LIMIT_STATED:
            continue  # optional for this kind of matter
        if by_law is not None:
            why_zh, why_en = f"，而{by_law[0]}规定了法定时限", f", though {by_law[1]} sets one"
            fix_zh, fix_en = "请在“时限”中写“法定: N 工作日”", "add 'statutory: N working_days' to its limits block"
        else:
            why_zh = "（依申请作出决定的事项应写明法定时限）" if category else "（未写权力或权力类别时，按决定类事项要求写明法定时限）"
            why_en = " (a decision on an application must state its statutory limit)" if category else " (without a known power category it is held to the rule for decisions)"
            fix_zh = "请在“时限”中写“法定: N 工作日”，法律未规定时限时写“法定: 无”"
            fix_en = "add 'statutory: N working_days' to its limits block, or 'statutory: none' when the law sets no limit"
        out.append(diag(
            "missing-time-limit",
            f"{kind_zh}“{mt.id}”（部门{dept_zh(c, mt.department)}）没有法定办结时限{why_zh}：{fix_zh}",
            f"{kind_en} '{mt.id}' (department {dept_en(mt.department)}) has no statutory time limit{why_en}: {fix_en}",
            where,
        ))
    return out


NO_LIMIT = Rule(
    "no-time-limit", "QD306", Severity.warning,
    "事项没有任何办结时限",
    "Matter states no time limit at all",
    group="time",
    explanation=(
        "A matter whose kind does not need a statutory limit (a public service 公共服务, a reward, an "
        "inspection …, see missing-time-limit), or whose statutory limit is `无`, should still tell the "
        "applicant how long it takes: a promised limit (`承诺: 5 工作日`) or `承诺: 即办` when it is "
        "handled on the spot (即办件). A matter with neither a statutory limit, nor a promised limit, "
        "nor 即办 is reported here, as a warning; matters that missing-time-limit reports are not "
        "reported again. A matter that asks nothing of the applicant (`到场: 0 次`, and no materials, "
        "conditions, steps or result) is a self-service or information service (an online query, a "
        "published list, an exhibition): nothing is submitted, so there is nothing to time, and it is "
        "not reported. The finding points at the `时限` block if there is one, else at the matter."
    ),
    bad='权力 档案查询 "档案查询服务" { 类别: 公共服务 }\n事项 档案查询 "档案查询" {\n  权力: 档案查询\n  时限 { 法定: 无 }\n}\n',
    good='权力 档案查询 "档案查询服务" { 类别: 公共服务 }\n事项 档案查询 "档案查询" {\n  权力: 档案查询\n  时限 { 法定: 无; 承诺: 3 工作日 }\n}\n',
)


def _asks_nothing(mt: m.Matter) -> bool:
    """Self-service or information: no visit, nothing to submit or meet, no steps and no result."""
    return mt.visits == 0 and not (mt.materials or mt.conditions or mt.steps or mt.result)


@check(NO_LIMIT)
def no_time_limit(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        lim = mt.limits
        if lim.statutory is not None or lim.promised is not None or lim.on_the_spot:
            continue
        if "statutory" in lim.locs and not lim.statutory_none:
            continue  # written wrongly: lowering reported it
        category = _category(catalog, mt)
        if category in LIMIT_SET_BY_LAW or (not lim.statutory_none and (category is None or category in LIMIT_STATED)):
            continue  # missing-time-limit reports it
        if _asks_nothing(mt):
            continue
        said_zh = "法定时限为“无”，也没有承诺时限" if lim.statutory_none else "没有写法定时限，也没有承诺时限"
        said_en = "its statutory limit is 'none' and it has no promised limit" if lim.statutory_none else "it has neither a statutory nor a promised limit"
        out.append(diag(
            "no-time-limit",
            f"{_kind_zh(category)}“{mt.id}”（部门{dept_zh(c, mt.department)}）{said_zh}，申请人无法知道多久办结；请写“承诺: N 工作日”，当场办结的写“承诺: 即办”",
            f"{_kind_en(category)} '{mt.id}' (department {dept_en(mt.department)}): {said_en}, so applicants cannot know how long it takes; "
            "add 'promised: N working_days', or 'promised: on_the_spot' when it is handled on the spot",
            lim.loc if "block" in lim.locs else mt.loc,
        ))
    return out


PROMISED = Rule(
    "promised-exceeds-statutory", "QD302", Severity.error,
    "承诺时限超过法定时限",
    "Promised time limit exceeds the statutory one",
    group="time",
    explanation=(
        "The promised limit (承诺办结时限) is the service commitment and must not exceed the statutory "
        "limit (法定办结时限). The finding points at the promised value. " + _CONVERSION_DOC
    ),
    bad='事项 x "某审批" {\n  时限 {\n    法定: 20 工作日\n    承诺: 30 工作日\n  }\n}\n',
    good='事项 x "某审批" {\n  时限 {\n    法定: 20 工作日\n    承诺: 10 工作日\n  }\n}\n',
)


@check(PROMISED)
def promised_exceeds_statutory(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    clk = catalog.clock
    out = []
    for mt in c.matters.values():
        lim = mt.limits
        if lim.promised is None or lim.statutory is None:
            continue
        p, s = clk.working_days(lim.promised), clk.working_days(lim.statutory)
        if p <= s:
            continue
        out.append(diag(
            "promised-exceeds-statutory",
            f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）的承诺时限 {as_written_zh(lim.promised, clk)} 超过法定时限 {as_written_zh(lim.statutory, clk)}；承诺时限不得长于法定时限",
            f"the promised limit of matter '{mt.id}' (department {dept_en(mt.department)}), {as_written_en(lim.promised, clk)}, exceeds its statutory limit, {as_written_en(lim.statutory, clk)}",
            value_loc(lim, "promised"),
            related=related(value_loc(lim, "statutory"), f"法定时限 {lim.statutory.zh()} 在这里", f"the statutory limit {lim.statutory.en()} is here"),
        ))
    return out


# The procedures a licensing limit does not count (行政许可法 第四十五条); a step is excluded only when
# marked `不计时限: 是` with its basis, but a step of one of these names that is not marked gets a hint.
SPECIAL_PROCEDURES = ("听证", "招标", "拍卖", "检验", "检测", "检疫", "鉴定", "专家评审", "公示")
# 即办: finished on the day of application, so its steps must fit in one working day.
ON_THE_SPOT_DAYS = Fraction(1)

STEPS = Rule(
    "steps-exceed-limit", "QD303", Severity.error,
    "办理步骤用时之和超过时限",
    "Step durations add up to more than the time limit",
    group="time",
    explanation=(
        "A matter's steps (步骤) run one after another, so their durations add up; the sum must fit in "
        "the promised limit (or the statutory limit when no promise is made). Otherwise the limit "
        "cannot be met even when every step is on time (one highway project had 18 steps and took 180 "
        "working days against a statutory 120). The finding points at the limit that is exceeded and "
        "lists every step.\n\n"
        "Steps marked `不计时限: 是` are left out of the sum: 听证, 招标, 拍卖, 检验, 检测, 检疫, 鉴定 and "
        "专家评审 do not count against a licensing limit (行政许可法 第四十五条), nor does 公示 where a law "
        "provides it; such a step needs its legal basis (`依据: 行政许可法.第四十五条`, reported by "
        "missing-legal-basis otherwise), and guides list it under 特别程序. When a step of one of these "
        "names is not marked and the sum exceeds the limit, the message says it could be. A matter "
        "handled on the spot (`承诺: 即办`) is finished on the day of application: its steps must fit in "
        "one working day (8 hours). " + _CONVERSION_DOC
    ),
    bad=('事项 x "某审批" {\n  时限 { 法定: 20 工作日; 承诺: 5 工作日 }\n'
         '  步骤 受理 { 用时: 1 工作日 }\n  步骤 审查 { 用时: 5 工作日 }\n  步骤 决定 { 用时: 2 工作日 }\n}\n'),
    good=('法规 行政许可法 "中华人民共和国行政许可法" { 条款 第四十五条 }\n'
          '事项 x "某审批" {\n  时限 { 法定: 20 工作日; 承诺: 8 工作日 }\n'
          '  步骤 受理 { 用时: 1 工作日 }\n  步骤 审查 { 用时: 5 工作日 }\n'
          '  步骤 听证 { 用时: 20 工作日; 不计时限: 是; 依据: 行政许可法.第四十五条 }\n  步骤 决定 { 用时: 2 工作日 }\n}\n'),
)


@check(STEPS)
def steps_exceed_limit(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    clk = catalog.clock
    out = []
    for mt in c.matters.values():
        timed = [(st, st.duration) for st in mt.steps if st.duration is not None and not st.outside_limit]
        if not timed:
            continue
        lim = mt.limits
        which = "promised" if lim.promised is not None else "statutory" if lim.statutory is not None else None
        limit_d = lim.promised or lim.statutory
        if which is None or limit_d is None:
            continue
        limit = ON_THE_SPOT_DAYS if lim.on_the_spot else clk.working_days(limit_d)
        total = sum((clk.working_days(d) for _, d in timed), Fraction(0))
        if total <= limit:
            continue
        steps_zh = " + ".join(f"{st.id} {d.zh()}" for st, d in timed)
        steps_en = " + ".join(f"{st.id} {d.en()}" for st, d in timed)
        if lim.on_the_spot:
            over_zh, over_en = "即办（当天办结，按 1 个工作日计）", "promise to handle it on the spot (the same working day, counted as 1 working day)"
        elif which == "promised":
            over_zh, over_en = f"承诺时限 {as_written_zh(limit_d, clk)}", f"promised limit of {as_written_en(limit_d, clk)}"
        else:
            over_zh, over_en = f"法定时限 {as_written_zh(limit_d, clk)}", f"statutory limit of {as_written_en(limit_d, clk)}"
        special = [st.id for st, _ in timed if any(word in st.id or word in st.name for word in SPECIAL_PROCEDURES)]
        hint_zh = hint_en = ""
        if special:
            hint_zh = (f"；步骤{'、'.join(f'“{x}”' for x in special)}若属于法定不计入时限的特别程序（行政许可法第四十五条），"
                       "请写“不计时限: 是”并写明依据")
            hint_en = (f"; if step(s) {', '.join(repr(x) for x in special)} are special procedures the limit does not count "
                       "(licensing law art. 45), mark them 'outside_limit: true' with their basis")
        excluded = [st.id for st in mt.steps if st.outside_limit and st.duration is not None]
        if excluded:
            hint_zh += f"（已不计入：{'、'.join(excluded)}）"
            hint_en += f" (not counted: {', '.join(excluded)})"
        depts = sorted({st.department for st, _ in timed if st.department} | ({mt.department} if mt.department else set()))
        out.append(diag(
            "steps-exceed-limit",
            f"事项“{mt.id}”（部门{'、'.join(dept_zh(c, d) for d in depts)}）的步骤依次办理共需 {days_zh(total)}（{steps_zh}），超过{over_zh}；请压缩步骤用时或合并步骤{hint_zh}",
            f"the steps of matter '{mt.id}' (departments {', '.join(dept_en(d) for d in depts)}) take {days_en(total)} one after another ({steps_en}), more than its {over_en}{hint_en}",
            value_loc(lim, which),
            related=[r for st, d in timed for r in related(value_loc(st, "duration"), f"步骤“{st.id}”用时 {d.zh()}（部门{dept_zh(c, st.department)}）",
                                                          f"step '{st.id}' takes {d.en()} (department {dept_en(st.department)})")],
        ))
    return out


DAY_UNIT = Rule(
    "ambiguous-day-unit", "QD307", Severity.warning,
    "时长单位“天”不明确：请写工作日或自然日",
    "The unit 天 (days) is ambiguous: write working days or natural days",
    group="time",
    explanation=(
        "`20 天` (or `20 日`, `20 days`) does not say whether weekends and holidays count, and a guide "
        "that says it misleads applicants by up to 40%: limits in the licensing law count working days "
        "(行政许可法 第八十二条: 期限以工作日计算，不含法定节假日), while other laws count natural days. "
        "Write `工作日` (working days) or `自然日` (natural days); both are silent. Until then qingdan "
        "counts 天 as natural days. Every duration is checked: statutory and promised limits, step "
        "durations and journey targets; the finding points at the duration."
    ),
    bad='事项 x "某审批" {\n  时限 { 法定: 20 天 }\n}\n',
    good='事项 x "某审批" {\n  时限 { 法定: 20 工作日; 承诺: 30 自然日 }\n}\n',
)


@check(DAY_UNIT)
def ambiguous_day_unit(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []

    def report(d: m.Duration | None, where: Loc | None, what_zh: str, what_en: str, licensing: bool) -> None:
        if d is None or d.unit != "days":
            return
        n = d.zh().removesuffix("天")
        if licensing:
            fix_zh = f"行政许可的期限以工作日计算（行政许可法第八十二条），请写“{n} 工作日”；确为自然日的写“{n} 自然日”"
            fix_en = f"licensing limits count working days (licensing law art. 82): write '{n} working_days', or '{n} natural_days' if natural days are meant"
        else:
            fix_zh = f"请写“{n} 工作日”或“{n} 自然日”"
            fix_en = f"write '{n} working_days' or '{n} natural_days'"
        out.append(diag(
            "ambiguous-day-unit",
            f"{what_zh}写作“{d.zh()}”，未说明是工作日还是自然日（暂按自然日计算）；{fix_zh}",
            f"{what_en} is written '{d.en()}', which does not say working or natural days (counted as natural days for now); {fix_en}",
            where,
        ))

    for mt in c.matters.values():
        licensing = _category(catalog, mt) == "licensing"
        lim = mt.limits
        report(lim.statutory, value_loc(lim, "statutory"), f"事项“{mt.id}”的法定时限", f"the statutory limit of matter '{mt.id}'", licensing)
        report(lim.promised, value_loc(lim, "promised"), f"事项“{mt.id}”的承诺时限", f"the promised limit of matter '{mt.id}'", licensing)
        for st in mt.steps:
            report(st.duration, value_loc(st, "duration"), f"事项“{mt.id}”步骤“{st.id}”的用时", f"the duration of step '{st.id}' of matter '{mt.id}'", licensing)
    for j in c.journeys.values():
        report(j.target, value_loc(j, "target"), f"一件事“{j.id}”的目标时限", f"the target of journey '{j.id}'", False)
    return out


OVER_TARGET = Rule(
    "journey-over-target", "QD304", Severity.error,
    "一件事的关键路径超过目标时限，或先后顺序有循环",
    "A journey's critical path exceeds its target, or its order has a cycle",
    group="time",
    explanation=(
        "A journey (一件事) bundles matters; `先后` orders some of them and the rest run in parallel. Its "
        "duration is the critical path: serial matters add up, parallel branches take their longest. "
        "Each matter counts with its promised limit, else its statutory limit, else the sum of its "
        "steps. When the critical path is longer than the journey's `目标`, the finding points at the "
        "target and shows the path with each matter's time.\n\n"
        "A cycle in `先后` (A before B, B before A) makes the order impossible; it is reported under "
        "this rule at the order that closes the cycle, with the whole cycle in the message. "
        + _CONVERSION_DOC
    ),
    bad=('事项 企业设立登记 "企业设立登记" {\n  部门: 市场监管局\n  时限 { 法定: 15 工作日; 承诺: 3 工作日 }\n}\n事项 食品经营许可 "食品经营许可" {\n  部门: 市场监管局\n  时限 { 法定: 20 工作日; 承诺: 10 工作日 }\n}\n'
         '一件事 开办餐馆 "我要开餐馆" {\n  事项: 企业设立登记, 食品经营许可\n'
         '  先后: 企业设立登记 -> 食品经营许可   # 3 + 10 个工作日\n  目标: 5 工作日\n}\n'),
    good=('事项 企业设立登记 "企业设立登记" {\n  部门: 市场监管局\n  时限 { 法定: 15 工作日; 承诺: 1 工作日 }\n}\n事项 食品经营许可 "食品经营许可" {\n  部门: 市场监管局\n  时限 { 法定: 20 工作日; 承诺: 3 工作日 }\n}\n'
          '一件事 开办餐馆 "我要开餐馆" {\n  事项: 企业设立登记, 食品经营许可\n'
          '  先后: 企业设立登记 -> 食品经营许可   # 1 + 3 个工作日\n  目标: 5 工作日\n}\n'),
)


@check(OVER_TARGET)
def journey_over_target(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    clk = catalog.clock
    out = []
    for j in c.journeys.values():
        dag = journey_order(j)
        cycle = order_cycle(dag)
        if cycle:
            closing = max(cycle, key=lambda dep: loc_key(dep.loc))
            names = [dep.before for dep in cycle] + [cycle[-1].after]
            out.append(diag(
                "journey-over-target",
                f"一件事“{j.id}”的先后顺序有循环：{' → '.join(names)}，无法确定办理顺序；请删除其中一条先后关系",
                f"the order of journey '{j.id}' has a cycle: {' -> '.join(names)}; no order can satisfy it, remove one of these orderings",
                closing.loc,
                related=[r for dep in cycle if dep is not closing for r in related(dep.loc, f"先后关系 {dep.before} → {dep.after} 在这里", f"the ordering {dep.before} -> {dep.after} is here")],
            ))
            continue
        if j.target is None:
            continue
        weights, basis = {}, {}
        for mid in dag.nodes:
            mt = c.matters.get(mid)
            days, how = matter_time(mt, clk) if mt is not None else (None, None)
            weights[mid] = days if days is not None else Fraction(0)
            basis[mid] = how
        path, total = critical_path(dag, weights)
        target = clk.working_days(j.target)
        if total <= target:
            continue
        path_zh = " → ".join(f"{mid}（{days_zh(weights[mid])}）" for mid in path)
        path_en = " -> ".join(f"{mid} ({days_en(weights[mid])})" for mid in path)
        depts = sorted({d for mid in path if mid in c.matters and (d := c.matters[mid].department)})
        out.append(diag(
            "journey-over-target",
            f"一件事“{j.id}”的关键路径 {path_zh} 共 {days_zh(total)}，超过目标 {as_written_zh(j.target, clk)}（涉及部门{'、'.join(dept_zh(c, d) for d in depts) or '（无）'}）；"
            f"请让这些事项并联办理或压缩时限",
            f"the critical path of journey '{j.id}', {path_en}, takes {days_en(total)}, more than its target of {as_written_en(j.target, clk)} "
            f"(departments {', '.join(dept_en(d) for d in depts) or '-'}); run these matters in parallel or shorten their limits",
            value_loc(j, "target"),
            related=[r for mid in path if mid in c.matters
                     for r in related(_time_loc(c.matters[mid], basis[mid]), f"事项“{mid}”用时 {days_zh(weights[mid])}", f"matter '{mid}' takes {days_en(weights[mid])}")],
        ))
    return out


VISITS = Rule(
    "too-many-visits", "QD305", Severity.warning,
    "需要到现场超过一次（最多跑一次）",
    "More than one on-site visit (at most one visit)",
    group="time",
    explanation=(
        "最多跑一次: an applicant should visit a service hall at most once for a matter, and at most once "
        "for a whole journey. A matter with `到场` above 1 is reported at its `到场` value. A journey's "
        "visits are the sum of its matters' `到场` (a matter without `到场` counts 0), because the "
        "language cannot yet say that two matters share one window visit; a journey above 1 is reported "
        "at the journey, with every matter that needs a visit. A warning by default; make it an error "
        "with `[checks] too-many-visits = \"error\"`."
    ),
    bad='事项 x "某审批" {\n  到场: 2 次\n}\n',
    good='事项 x "某审批" {\n  到场: 1 次\n  渠道: 网上, 邮寄\n}\n',
)


@check(VISITS)
def too_many_visits(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        if mt.visits is not None and mt.visits > 1:
            out.append(diag(
                "too-many-visits",
                f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）需要到现场 {mt.visits} 次，超过“最多跑一次”；请改为网上办理、邮寄送达或合并现场环节",
                f"matter '{mt.id}' (department {dept_en(mt.department)}) needs {mt.visits} on-site visits, more than one; move steps online, deliver by mail or merge the visits",
                value_loc(mt, "visits"),
            ))
    for j in c.journeys.values():
        visiting = [c.matters[mid] for mid in dict.fromkeys(j.matters) if mid in c.matters and c.matters[mid].visits]
        total = sum(mt.visits or 0 for mt in visiting)
        if total <= 1:
            continue
        parts_zh = "、".join(f"“{mt.id}”（部门{dept_zh(c, mt.department)}）{mt.visits} 次" for mt in visiting)
        parts_en = ", ".join(f"'{mt.id}' (department {dept_en(mt.department)}) {mt.visits}" for mt in visiting)
        out.append(diag(
            "too-many-visits",
            f"一件事“{j.id}”共需到现场 {total} 次：{parts_zh}；一件事应“最多跑一次”，请合并到一个窗口一次办结",
            f"journey '{j.id}' needs {total} on-site visits in all: {parts_en}; a journey should need at most one visit",
            j.loc,
            related=[r for mt in visiting for r in related(value_loc(mt, "visits"), f"事项“{mt.id}”到场 {mt.visits} 次", f"matter '{mt.id}' needs {mt.visits} visit(s)")],
        ))
    return out
