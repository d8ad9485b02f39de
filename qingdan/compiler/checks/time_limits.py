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


MISSING = Rule(
    "missing-time-limit", "QD301", Severity.error,
    "事项没有法定办结时限",
    "Matter without a statutory time limit",
    group="time",
    explanation=(
        "Every matter must state its statutory time limit (法定办结时限) in a `时限` block; some real "
        "catalogs had matters with no limit at all, so applicants could wait indefinitely. The finding "
        "points at the `时限` block if there is one, else at the matter."
    ),
    bad='事项 户外广告审批 "户外广告设置审批" {\n  时限 { 承诺: 10 工作日 }\n}\n',
    good='事项 户外广告审批 "户外广告设置审批" {\n  时限 {\n    法定: 20 工作日\n    承诺: 10 工作日\n  }\n}\n',
)


@check(MISSING)
def missing_time_limit(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        if mt.limits.statutory is not None or "statutory" in mt.limits.locs:
            continue
        has_block = "block" in mt.limits.locs
        out.append(diag(
            "missing-time-limit",
            f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）没有法定办结时限：请在“时限”中写“法定: N 工作日”",
            f"matter '{mt.id}' (department {dept_en(mt.department)}) has no statutory time limit: add '法定: N 工作日' to its limits block",
            mt.limits.loc if has_block else mt.loc,
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
        "lists every step. " + _CONVERSION_DOC
    ),
    bad=('事项 x "某审批" {\n  时限 { 法定: 20 工作日; 承诺: 5 工作日 }\n'
         '  步骤 受理 { 用时: 1 工作日 }\n  步骤 审查 { 用时: 5 工作日 }\n  步骤 决定 { 用时: 2 工作日 }\n}\n'),
    good=('事项 x "某审批" {\n  时限 { 法定: 20 工作日; 承诺: 8 工作日 }\n'
          '  步骤 受理 { 用时: 1 工作日 }\n  步骤 审查 { 用时: 5 工作日 }\n  步骤 决定 { 用时: 2 工作日 }\n}\n'),
)


@check(STEPS)
def steps_exceed_limit(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    clk = catalog.clock
    out = []
    for mt in c.matters.values():
        timed = [(st, st.duration) for st in mt.steps if st.duration is not None]
        if not timed:
            continue
        which = "promised" if mt.limits.promised is not None else "statutory" if mt.limits.statutory is not None else None
        limit_d = mt.limits.promised or mt.limits.statutory
        if which is None or limit_d is None:
            continue
        limit = clk.working_days(limit_d)
        total = sum((clk.working_days(d) for _, d in timed), Fraction(0))
        if total <= limit:
            continue
        steps_zh = " + ".join(f"{st.id} {d.zh()}" for st, d in timed)
        steps_en = " + ".join(f"{st.id} {d.en()}" for st, d in timed)
        kind_zh, kind_en = ("承诺时限", "promised limit") if which == "promised" else ("法定时限", "statutory limit")
        depts = sorted({st.department for st, _ in timed if st.department} | ({mt.department} if mt.department else set()))
        out.append(diag(
            "steps-exceed-limit",
            f"事项“{mt.id}”（部门{'、'.join(dept_zh(c, d) for d in depts)}）的步骤依次办理共需 {days_zh(total)}（{steps_zh}），超过{kind_zh} {as_written_zh(limit_d, clk)}；请压缩步骤用时或合并步骤",
            f"the steps of matter '{mt.id}' (departments {', '.join(dept_en(d) for d in depts)}) take {days_en(total)} one after another ({steps_en}), more than its {kind_en} of {as_written_en(limit_d, clk)}",
            value_loc(mt.limits, which),
            related=[r for st, d in timed for r in related(value_loc(st, "duration"), f"步骤“{st.id}”用时 {d.zh()}（部门{dept_zh(c, st.department)}）",
                                                          f"step '{st.id}' takes {d.en()} (department {dept_en(st.department)})")],
        ))
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
