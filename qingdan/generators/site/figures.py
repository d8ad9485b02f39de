"""The figures of the site's home page, computed from the Catalog (never typed by hand):
counts, powers by category and status, matters by department and level, journeys, and
the reform indicators (零跑动, 最多跑一次, data sharing, time limits) with the numbers
behind them (``ReformFigures``, drawn as charts by ``mermaid.reform_charts``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ...compiler import Catalog
from ...compiler import model as m
from ...compiler.durations import fmt_days
from .. import describe as d
from ..paths import department_slugs

STATUS_ORDER = ("retain", "cancel", "delegate", "transfer", "merge")
STATUS_ZH = {"retain": "保留", "cancel": "取消", "delegate": "下放", "transfer": "划转", "merge": "合并"}
LEVELS = ("province", "city", "county", "township")


def days_text(value: Fraction | float | None) -> str:
    """A number of working days as the site prints it (``—`` for none)."""
    if value is None:
        return "—"
    return fmt_days(value if isinstance(value, Fraction) else Fraction(str(value)))


def _pct(part: int, whole: int) -> str:
    return f"{round(part * 100 / whole, 1):.1f}%" if whole else "—"


def _avg(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


@dataclass(frozen=True)
class ReformFigures:
    """The numbers behind the reform indicators, for the home page's charts."""

    matters: int
    visits: dict[str, int]  # matters by on-site visits: "0", "1", "2+", "unknown"
    materials: int  # materials asked for, over all matters
    shared: int  # of them, fetched by data sharing
    avg_promised: Fraction | None  # working days
    avg_statutory: Fraction | None
    cut: Fraction | float | None  # 1 - promised / statutory, over matters stating both

    def percent(self, part: int, whole: int) -> float | None:
        return round(part * 100 / whole, 1) if whole else None


@dataclass
class Overview:
    """The catalog at a glance, computed from the model (never typed by hand)."""

    counts: dict[str, int]
    powers_by_category: list[dict[str, Any]]  # {category, counts: [n per status], total}
    power_totals: dict[str, int]
    matters_by_department: list[dict[str, Any]]  # {department, slug, counts: [n per level], total}
    matter_level_totals: dict[str, int]
    journeys: list[dict[str, Any]]
    indicators: list[dict[str, str]]  # {name, value, detail}
    reform: ReformFigures


def overview(catalog: Catalog) -> Overview:
    """The home page's figures."""
    model = catalog.model
    dslugs = department_slugs(model)
    counts = {
        "departments": len(model.departments),
        "laws": len(model.laws),
        "powers": len(model.powers),
        "responsibilities": len(model.responsibilities),
        "negatives": len(model.negatives),
        "matters": len(model.matters),
        "journeys": len(model.journeys),
        "materials": sum(len(mt.materials) for mt in model.matters.values()),
    }

    by_cat: dict[str | None, Counter[str]] = {}
    for p in model.powers.values():
        by_cat.setdefault(p.category, Counter())[p.status.kind] += 1
    cats = [c for c in m.CATEGORY_ZH if c in by_cat] + ([None] if None in by_cat else [])
    powers_by_category = [
        {"category": d.category_text(c), "counts": [by_cat[c].get(s, 0) for s in STATUS_ORDER], "total": sum(by_cat[c].values())}
        for c in cats
    ]
    power_totals = [sum(by_cat[c].get(s, 0) for c in cats) for s in STATUS_ORDER]

    by_dept: dict[str | None, Counter[str | None]] = {}
    for mt in model.matters.values():
        by_dept.setdefault(mt.department if mt.department in model.departments else None, Counter())[mt.level] += 1
    depts = [x for x in model.departments if x in by_dept] + ([None] if None in by_dept else [])
    level_cols: list[str | None] = list(LEVELS) + ([None] if any(None in c for c in by_dept.values()) else [])
    matters_by_department = [
        {"department": catalog.department_name(x) if x else "未注明", "slug": dslugs.get(x or ""),
         "counts": [by_dept[x].get(lv, 0) for lv in level_cols], "total": sum(by_dept[x].values())}
        for x in depts
    ]
    level_totals = [sum(by_dept[x].get(lv, 0) for x in depts) for lv in level_cols]

    jrows = []
    for jid, j in model.journeys.items():
        fig = catalog.journey_figures(jid)
        jrows.append({
            "id": jid, "name": j.name, "matters": len(fig.matters), "departments": len(fig.departments),
            "mentions": fig.material_mentions, "unique": fig.unique_materials, "submitted": fig.applicant_count,
            "shared": fig.saved_by_sharing,
            "critical": days_text(fig.critical_days), "serial": days_text(fig.serial_days),
            "target": days_text(fig.target_days) if fig.target_days is not None else "未注明", "visits": fig.visits,
        })

    clock = catalog.clock
    matters = list(model.matters.values())
    n = len(matters)
    zero = sum(1 for mt in matters if mt.visits == 0)
    at_most_one = sum(1 for mt in matters if mt.visits is not None and mt.visits <= 1)
    unknown_visits = sum(1 for mt in matters if mt.visits is None)
    mentions = counts["materials"]
    shared = sum(1 for mt in matters for x in mt.materials if x.shareable)
    statutory = [clock.working_days(s) for s in (mt.limits.statutory for mt in matters) if s]
    promised = [clock.working_days(p) for p in (mt.limits.promised for mt in matters) if p]
    both = [(clock.working_days(p), clock.working_days(s))
            for p, s in ((mt.limits.promised, mt.limits.statutory) for mt in matters) if p and s]
    avg_s, avg_p = _avg(statutory), _avg(promised)
    cut = 1 - sum(p for p, _ in both) / sum(s for _, s in both) if both and sum(s for _, s in both) else None
    indicators = [
        {"name": "零跑动事项占比", "value": _pct(zero, n),
         "detail": f"{zero} / {n} 个事项到现场 0 次" + (f"（{unknown_visits} 个事项未注明到场次数，按非零计）" if unknown_visits else "")},
        {"name": "最多跑一次事项占比", "value": _pct(at_most_one, n), "detail": f"{at_most_one} / {n} 个事项到现场不超过 1 次"},
        {"name": "数据共享获取材料占比", "value": _pct(shared, mentions),
         "detail": f"各事项共要求 {mentions} 份材料，其中 {shared} 份由部门签发或其他事项产出，通过数据共享获取、申请人免提交"},
        {"name": "平均承诺办结时限", "value": f"{days_text(avg_p)} 个工作日" if avg_p is not None else "—",
         "detail": f"{len(promised)} 个事项注明了承诺时限"},
        {"name": "平均法定办结时限", "value": f"{days_text(avg_s)} 个工作日" if avg_s is not None else "—",
         "detail": f"{len(statutory)} 个事项注明了法定时限"},
        {"name": "承诺时限较法定时限压缩", "value": f"{round(float(cut) * 100, 1):.1f}%" if cut is not None else "—",
         "detail": f"按同时注明两种时限的 {len(both)} 个事项合计（{clock.rule_zh()}）"},
    ]
    return Overview(
        counts=counts,
        powers_by_category=powers_by_category,
        power_totals=dict(zip(STATUS_ORDER, power_totals)),
        matters_by_department=matters_by_department,
        matter_level_totals=dict(zip([lv or "unknown" for lv in level_cols], level_totals)),
        journeys=jrows,
        indicators=indicators,
        reform=ReformFigures(
            matters=n,
            visits={"0": zero, "1": at_most_one - zero, "2+": n - at_most_one - unknown_visits, "unknown": unknown_visits},
            materials=mentions, shared=shared, avg_promised=avg_p, avg_statutory=avg_s, cut=cut,
        ),
    )
