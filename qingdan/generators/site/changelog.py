"""The site's change log (变更记录): the published version against the previous tagged version,
the reform indicators of every tagged version as Mermaid ``xychart-beta`` charts (rendered
by the Mermaid shipped with the site: offline), and when each matter last changed.

The history comes from ``qingdan.changes.history`` (git tags of the project); without it
the page says why.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from markupsafe import Markup

from ...changes.history import ChangeLog
from ...changes.report import (
    FIELD_WORDS,
    STATUS_WORDS,
    change_lines,
    department_name,
    figure,
    indicator_change,
    reform_actions,
    value_text,
)
from ...compiler.targets import INDICATOR_BY_KEY, INDICATORS, format_figure
from .mermaid import mermaid_text
from .writer import SiteWriter

PAGE = "changes/index.md"
CHARTED = (("materials-cut", "申请人提交的材料（份，各事项合计）"), ("steps-cut", "办理环节（个，各事项合计）"),
           ("promised-limit-cut", "平均承诺时限（工作日）"), ("zero-visit-share", "零跑动事项占比（百分比）"))
PART_ZH = {"fact": "事实", "condition": "条件", "material": "材料", "step": "步骤", "member": "所含事项"}
KIND_ZH = {"added": "新增", "removed": "删除", "changed": "修改"}


def anchor(step: int, slug: str) -> str:
    """The id of a matter's entry in step ``step`` of the change log (ASCII: a slug is)."""
    return f"c{step}-{slug}"


def last_change_link(site: SiteWriter, log: ChangeLog, mid: str, from_page: str) -> dict[str, Any] | None:
    """For a matter page: the version in which the matter last changed and the link to that change."""
    k = log.last_change.get(mid)
    if k is None:
        return None
    step = log.steps[k]
    return {"version": step.after, "before": step.before, "link": Markup(f"{site.link(from_page, PAGE)}#{anchor(k, site.mslugs[mid])}")}


def _number(x: Fraction | None, unit: str) -> float | None:
    if x is None:
        return None
    value = float(x) * 100 if unit == "ratio" else float(x)
    return round(value, 2)


def _chart(title: str, labels: list[str], values: list[float | None]) -> str:
    shown = [(lbl, v) for lbl, v in zip(labels, values) if v is not None]
    top = max((v for _, v in shown), default=0) or 1
    xs = ", ".join('"' + mermaid_text(lbl) + '"' for lbl, _ in shown)
    ys = ", ".join(format(v, "g") for _, v in shown)
    return (f'xychart-beta\n  title "{mermaid_text(title)}"\n  x-axis [{xs}]\n  y-axis 0 --> {format(round(top * 1.2, 2), "g")}\n'
            f"  bar [{ys}]\n  line [{ys}]\n")


def write_changelog(site: SiteWriter, log: ChangeLog) -> None:
    """Write ``changes/index.md``."""
    view: dict[str, Any] = {"problem": log.problem.zh if log.problem else None, "published": log.published, "previous": log.previous,
                            "charts": [], "versions": [], "figure_rows": [], "report": None, "indicators": [], "actions": [],
                            "departments": [], "earlier": []}
    if log.problem is None:
        labels = [v.label for v in log.versions]
        view["versions"] = labels
        for key, title in CHARTED:
            unit = INDICATOR_BY_KEY[key].unit
            values = [_number(v.figures.get(key), "ratio" if unit == "ratio" else "") for v in log.versions]
            if len(log.versions) >= 2 and any(x is not None for x in values):
                view["charts"].append(Markup(_chart(title, labels, values)))
        for ind in INDICATORS:
            unit = ind.unit
            name = {"approval-matters-cut": "审批事项（个）", "powers-delegated": "保留的权力（项）", "materials-cut": "申请人提交的材料（份）",
                    "steps-cut": "办理环节（个）", "statutory-limit-cut": "平均法定时限（工作日）",
                    "promised-limit-cut": "平均承诺时限（工作日）"}.get(ind.key, ind.zh)
            view["figure_rows"].append({"name": name, "cells": [format_figure(_dec(v.figures.get(ind.key)), unit) for v in log.versions]})
    r = log.report
    if r is not None:
        view["report"] = True
        view["indicators"] = [{"name": x.name.zh, "before": figure(x, "before"), "after": figure(x, "after"),
                               "change": indicator_change(x, "zh")} for x in r.indicators]
        view["actions"] = [{"change": f"{STATUS_WORDS[a['from']][0]} → {STATUS_WORDS[a['to']][0]}",
                            "category": value_text("category", a["category"], "zh"), "level": value_text("level", a["level"], "zh"),
                            "count": a["count"]} for a in reform_actions(r)]
        last = len(log.steps) - 1
        groups: dict[str | None, list[Any]] = {}
        for c in r.diff.changes:
            groups.setdefault(c.department, []).append(c)
        for did in sorted(groups, key=lambda d: (d is None, d or "")):
            entries = []
            for c in groups[did]:
                head, *details = change_lines(c, "zh")
                slug = site.mslugs.get(c.new_id or "") if c.table == "matter" and c.kind != "removed" else None
                entries.append({"head": head[2:], "details": details,
                                "anchor": Markup(f'<span id="{anchor(last, slug)}"></span>') if slug else Markup(""),
                                "link": site.link(PAGE, f"matters/{slug}.md") if slug else None})
            view["departments"].append({"name": department_name(r, did, "zh"), "changes": entries})
    for k, step in list(enumerate(log.steps))[:-1][::-1]:
        items = []
        for x in step.matters:
            slug = site.mslugs.get(x.current_id or "")
            what = "、".join(PART_ZH.get(w) or FIELD_WORDS.get(w, (w, w))[0] for w in x.what[:6])
            items.append({"text": f"{KIND_ZH[x.kind]}事项“{x.name}”" + (f"：{what}" if what else ""),
                          "anchor": Markup(f'<span id="{anchor(k, slug)}"></span>') if slug else Markup(""),
                          "link": site.link(PAGE, f"matters/{slug}.md") if slug else None})
        view["earlier"].append({"before": step.before, "after": step.after, "matters": items, "changes": step.changes})
    site.page(PAGE, "changelog.md.j2", **view)


def _dec(x: Fraction | None) -> Any:
    from decimal import Decimal

    return None if x is None else Decimal(x.numerator) / Decimal(x.denominator)
