"""Lifecycle checks (QD111, QD112): matters whose power no longer lives, and effective dates that disagree.

A power lives on the as-of date when it is in force then (``effective.py``: its 生效 and
失效 dates) and its status (状态) is not 取消 or 合并. A matter in force must implement a
live power, run by the department that holds it (after a 划转, the new holder).
``power_problem`` says what is wrong with a matter's power; ``negative-list-unimplemented``
uses it too, so that a licensed negative-list entry whose every implementing matter is
dead counts as unimplemented.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .. import model as m
from ..catalog import Catalog
from ..diagnostics import Diagnostic, Related, Rule, Severity, diag, related
from ..effective import DATED_TABLES, Dated, dates_text_en, dates_text_zh
from .common import dept_en, dept_zh, value_loc
from .registry import check

ProblemKind = Literal["not_in_force", "cancel", "merge", "transfer"]


@dataclass(frozen=True)
class PowerProblem:
    """Why the power a matter implements does not give it authority on the as-of date."""

    kind: ProblemKind
    power: m.Power


def power_problem(catalog: Catalog, matter: m.Matter) -> PowerProblem | None:
    """What is wrong with ``matter``'s power on the as-of date; None when it lives (or is not written or unknown)."""
    if not matter.power:
        return None
    p = catalog.powers.get(matter.power)
    if p is None:
        gone = catalog.left_out.powers.get(matter.power)
        return PowerProblem("not_in_force", gone) if gone is not None else None
    kind = p.status.kind
    if kind in ("cancel", "merge"):
        return PowerProblem(kind, p)
    if kind == "transfer" and p.status.target and matter.department == p.department != p.status.target:
        return PowerProblem("transfer", p)
    return None


def _as_of_zh(catalog: Catalog) -> str:
    return catalog.as_of.isoformat() if catalog.as_of else ""


# ---------------------------------------------------------------- matter without a live power
NO_LIVE_POWER = Rule(
    "matter-without-live-power", "QD111", Severity.error,
    "事项实施的权力已经取消、合并、划转或不在有效期内",
    "A matter in force implements a power that no longer gives it authority",
    group="authority",
    explanation=(
        "A matter in force on the as-of date must implement a power that is in force that day and still "
        "exercised by the matter's department. Reported is a matter whose power\n\n"
        "- is cancelled (`状态: 取消`): cancel the matter too, or let it implement a retained power;\n"
        "- is merged into another power (`状态: 合并(另一权力)`): let the matter implement that power;\n"
        "- is transferred (`状态: 划转(新部门)`) while the matter is still run by the old holder: change the "
        "matter's department to the new holder;\n"
        "- is not in force on the as-of date (its `生效` is later, or its `失效` earlier): give the matter "
        "the same `失效` as its power, or let it implement the power in force now.\n\n"
        "The as-of date is `--as-of YYYY-MM-DD`, else the project's `[project] date`; without either, dates "
        "are not compared (see the language reference, *Effective dates*). Earlier versions of qingdan reported "
        "the cancelled and transferred cases as `approval-outside-list` (QD102): a waiver written for QD102 on "
        "such a line must now name this rule."
    ),
    bad=('权力 户外广告权 "户外广告设置审批" {\n  部门: 城管局\n  状态: 合并(占道许可权)\n}\n'
         '权力 占道许可权 "占用道路及户外广告设置许可" {\n  部门: 城管局\n}\n'
         '事项 户外广告审批 "户外广告设置审批" {\n  权力: 户外广告权\n  部门: 城管局\n}\n'),
    good=('权力 户外广告权 "户外广告设置审批" {\n  部门: 城管局\n  状态: 合并(占道许可权)\n}\n'
          '权力 占道许可权 "占用道路及户外广告设置许可" {\n  部门: 城管局\n}\n'
          '事项 户外广告审批 "户外广告设置审批" {\n  权力: 占道许可权\n  部门: 城管局\n}\n'),
)


def _power_here(p: m.Power, field: str) -> list[Related]:
    where = value_loc(p, field) if field in p.locs else p.loc
    return related(where, f"权力“{p.id}”在这里定义", f"power '{p.id}' is defined here")


@check(NO_LIVE_POWER)
def matter_without_live_power(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        problem = power_problem(catalog, mt)
        if problem is None:
            continue
        p = problem.power
        who_zh, who_en = f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）", f"matter '{mt.id}' (department {dept_en(mt.department)})"
        if problem.kind == "cancel":
            out.append(diag(
                "matter-without-live-power",
                f"{who_zh}实施的权力“{p.id}”已经取消；请一并取消该事项，或改为实施仍保留的权力",
                f"{who_en} implements power '{p.id}', which is cancelled; cancel the matter too, or implement a retained power",
                value_loc(mt, "power"), related=_power_here(p, "status"),
            ))
        elif problem.kind == "merge":
            target = p.status.target
            out.append(diag(
                "matter-without-live-power",
                f"{who_zh}实施的权力“{p.id}”已合并到权力“{target}”；请把事项的权力改为“{target}”",
                f"{who_en} implements power '{p.id}', which is merged into power '{target}'; let the matter implement '{target}'",
                value_loc(mt, "power"), related=_power_here(p, "status"), suggestion=target,
            ))
        elif problem.kind == "transfer":
            target = p.status.target
            out.append(diag(
                "matter-without-live-power",
                f"权力“{p.id}”已从部门{dept_zh(c, p.department)}划转到部门{dept_zh(c, target)}，但事项“{mt.id}”仍由原部门{dept_zh(c, mt.department)}办理；请把事项的部门改为“{target}”",
                f"power '{p.id}' was transferred from department '{p.department}' to '{target}', but matter '{mt.id}' is still run by the old holder '{mt.department}'; change the matter's department to '{target}'",
                value_loc(mt, "department"), related=_power_here(p, "status"), suggestion=target,
            ))
        else:
            day = _as_of_zh(catalog)
            not_yet = p.effective_from is not None and catalog.as_of is not None and catalog.as_of < p.effective_from
            field = "effective_from" if not_yet else "effective_to"
            if not_yet:
                zh = (f"{who_zh}在 {day} 有效，但它实施的权力“{p.id}”到 {p.effective_from} 才生效（{dates_text_zh(p)}）；"
                      f"请把事项的生效日期写成不早于 {p.effective_from}，或改为实施现行有效的权力")
                en = (f"{who_en} is in force on {day}, but the power it implements, '{p.id}', is in force only from {p.effective_from} "
                      f"({dates_text_en(p)}); give the matter an effective date no earlier than {p.effective_from}, or implement a power in force now")
            else:
                zh = (f"{who_zh}在 {day} 有效，但它实施的权力“{p.id}”已于 {p.effective_to} 之后失效（{dates_text_zh(p)}）；"
                      f"请给事项写上不晚于 {p.effective_to} 的失效日期，或改为实施现行有效的权力")
                en = (f"{who_en} is in force on {day}, but the power it implements, '{p.id}', is in force only through {p.effective_to} "
                      f"({dates_text_en(p)}); give the matter an end date no later than {p.effective_to}, or implement a power in force now")
            out.append(diag("matter-without-live-power", zh, en, value_loc(mt, "power"), related=_power_here(p, field)))
    return out


# ---------------------------------------------------------------- effective dates
DATES_INVALID = Rule(
    "effective-dates-invalid", "QD112", Severity.error,
    "生效、失效日期自相矛盾，或与所引用的声明不一致",
    "Effective dates contradict themselves or what they refer to",
    group="authority",
    explanation=(
        "`生效` is the first day a power, matter, responsibility or negative-list entry is in force and "
        "`失效` the last (有效期至; both days count). Reported are:\n\n"
        "- a `失效` earlier than the `生效` of the same declaration: it would never be in force;\n"
        "- a matter whose written dates reach outside its power's: a `生效` earlier than the power's "
        "`生效`, or a `失效` later than the power's `失效` (or none while the power has one is fine: "
        "dates a matter does not write are not compared; once its power is no longer in force, "
        "`matter-without-live-power` reports it);\n"
        "- a journey (一件事) that names a matter not in force on the as-of date, and a material "
        "`产出(…)` by a matter not in force then: the applicant could not obtain it. Take it out of the "
        "journey, or name the matter that replaces it.\n\n"
        "The as-of date is `--as-of YYYY-MM-DD`, else the project's `[project] date`."
    ),
    bad='事项 占道许可 "占用道路许可" {\n  部门: 城管局\n  生效: 2025-01-01\n  失效: 2024-12-31\n}\n',
    good='事项 占道许可 "占用道路许可" {\n  部门: 城管局\n  生效: 2025-01-01\n  失效: 2025-01-01\n}\n',
)

_KIND_ZH = {"powers": "权力", "matters": "事项", "responsibilities": "责任", "negatives": "负面清单事项"}
_KIND_EN = {"powers": "power", "matters": "matter", "responsibilities": "responsibility", "negatives": "negative-list entry"}


def _dated(catalog: Catalog) -> Iterator[tuple[str, Dated]]:
    """Every dated declaration, in force or left out."""
    for table in DATED_TABLES:
        for model in (catalog.model, catalog.left_out):
            for node in getattr(model, table).values():
                yield table, node


def _reversed_dates(catalog: Catalog) -> Iterator[Diagnostic]:
    for table, node in _dated(catalog):
        start, end = node.effective_from, node.effective_to
        if start is None or end is None or end >= start:
            continue
        what_zh, what_en = f"{_KIND_ZH[table]}“{node.id}”", f"{_KIND_EN[table]} '{node.id}'"
        yield diag(
            "effective-dates-invalid",
            f"{what_zh}的失效日期 {end} 早于生效日期 {start}，它永远不会生效；请检查两个日期（失效日期是有效期的最后一天）",
            f"{what_en} ends ({end}) before it starts ({start}), so it is never in force; check both dates (失效 is the last day in force)",
            value_loc(node, "effective_to"),
            related=related(value_loc(node, "effective_from"), "生效日期写在这里", "the start date is written here"),
        )


def _outside_power(catalog: Catalog) -> Iterator[Diagnostic]:
    for model in (catalog.model, catalog.left_out):
        for mt in model.matters.values():
            p = catalog.powers.get(mt.power or "")
            if p is None:
                p = catalog.left_out.powers.get(mt.power or "")
                if p is None or mt.id in catalog.matters:
                    continue  # unknown, or in force with its power not: matter-without-live-power
            if mt.effective_from and mt.effective_to and mt.effective_to < mt.effective_from:
                continue  # reported as reversed
            yield from _outside(mt, p, "effective_from", lambda a, b: a < b)
            yield from _outside(mt, p, "effective_to", lambda a, b: a > b)


def _outside(mt: m.Matter, p: m.Power, field: str, beyond) -> Iterator[Diagnostic]:
    mine: date | None = getattr(mt, field)
    theirs: date | None = getattr(p, field)
    if mine is None or theirs is None or not beyond(mine, theirs):
        return
    if field == "effective_from":
        zh = (f"事项“{mt.id}”自 {mine} 生效，早于它实施的权力“{p.id}”的生效日期 {theirs}：在此之前事项没有权力来源；"
              f"请把事项的生效日期改为不早于 {theirs}")
        en = (f"matter '{mt.id}' is in force from {mine}, before the power it implements, '{p.id}', comes into force on {theirs}; "
              f"give the matter an effective date no earlier than {theirs}")
    else:
        zh = (f"事项“{mt.id}”的有效期到 {mine}，晚于它实施的权力“{p.id}”的失效日期 {theirs}：权力失效后事项没有权力来源；"
              f"请把事项的失效日期改为不晚于 {theirs}")
        en = (f"matter '{mt.id}' stays in force through {mine}, after the power it implements, '{p.id}', ends on {theirs}; "
              f"give the matter an end date no later than {theirs}")
    yield diag("effective-dates-invalid", zh, en, value_loc(mt, field),
               related=related(value_loc(p, field), f"权力“{p.id}”的日期写在这里", f"the dates of power '{p.id}' are written here"))


def _names_left_out(catalog: Catalog) -> Iterator[Diagnostic]:
    gone = catalog.left_out
    if not gone.matters:
        return
    day = _as_of_zh(catalog)
    for j in catalog.journeys.values():
        for mid in dict.fromkeys(j.matters):
            mt = gone.matters.get(mid)
            if mt is None:
                continue
            yield diag(
                "effective-dates-invalid",
                f"一件事“{j.id}”包含的事项“{mid}”在 {day} 不在有效期内（{dates_text_zh(mt)}）；请从一件事中删去它，或换成现行有效的事项",
                f"journey '{j.id}' names matter '{mid}', which is not in force on {day} ({dates_text_en(mt)}); "
                f"take it out of the journey, or name the matter in force now",
                value_loc(j, "matters"),
                related=related(value_loc(mt, "effective_to") if "effective_to" in mt.locs else mt.loc,
                                f"事项“{mid}”在这里定义", f"matter '{mid}' is defined here"),
            )
    for mt in catalog.matters.values():
        for mat in mt.materials:
            src = mat.source
            res = gone.results.get(src.ref or "") if src.kind == "produced_by" else None
            if res is None or res.matter not in gone.matters:
                continue
            owner = gone.matters[res.matter]
            yield diag(
                "effective-dates-invalid",
                f"事项“{mt.id}”的材料“{mat.id}”由事项“{owner.id}”产出，但该事项在 {day} 不在有效期内（{dates_text_zh(owner)}）；"
                f"请改为现行有效的事项产出的结果，或改由申请人提交",
                f"material '{mat.id}' of matter '{mt.id}' is produced by matter '{owner.id}', which is not in force on {day} "
                f"({dates_text_en(owner)}); name a result of a matter in force, or have the applicant supply it",
                value_loc(mat, "source"),
                related=related(owner.loc, f"事项“{owner.id}”在这里定义", f"matter '{owner.id}' is defined here"),
            )


@check(DATES_INVALID)
def effective_dates_invalid(catalog: Catalog) -> Iterable[Diagnostic]:
    return [*_reversed_dates(catalog), *_outside_power(catalog), *_names_left_out(catalog)]
