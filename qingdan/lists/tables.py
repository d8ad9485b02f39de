"""The three lists as rows: one dict per entry, keyed by the headings in columns.py.

Rows follow the catalog's identifier order (sorted), so every export is deterministic.
Cells are strings; several values in one cell are joined with ``columns.SEPARATOR``.
"""

from __future__ import annotations

from collections.abc import Callable

from ..compiler import Catalog
from ..compiler import model as m
from . import columns as c

Row = dict[str, str]

LEVEL_WORD = {"province": "省", "city": "市", "county": "县", "township": "乡"}


def _basis(catalog: Catalog, basis: list[m.Citation]) -> str:
    return c.SEPARATOR.join(catalog.citation_text(b) for b in basis)


def status_text(status: m.PowerStatus) -> str:
    """The status as written in rule files: 保留, 取消, 下放(县), 划转(审批局), 合并(另一权力)."""
    word = {"retain": "保留", "cancel": "取消", "delegate": "下放", "transfer": "划转", "merge": "合并"}[status.kind]
    if status.kind == "delegate" and status.level:
        return f"{word}({LEVEL_WORD[status.level]})"
    if status.kind in ("transfer", "merge") and status.target:
        return f"{word}({status.target})"
    return word


def power_rows(catalog: Catalog) -> list[Row]:
    """The power list (权力清单), one row per power."""
    rows = []
    for n, p in enumerate(catalog.model.powers.values(), 1):
        rows.append({
            c.NO: str(n),
            c.NAME: p.name,
            c.CODE: p.code or "",
            c.CATEGORY: m.CATEGORY_ZH.get(p.category or "", ""),
            c.BASIS: _basis(catalog, p.basis),
            c.BODY: catalog.department_name(p.department),
            c.LEVEL: "、".join(m.LEVEL_ZH[lv] for lv in p.levels or ([p.level] if p.level else [])),  # 省级、市级: several levels
            c.STATUS: status_text(p.status),
            c.EFFECTIVE_FROM: p.effective_from.isoformat() if p.effective_from else "",
            c.EFFECTIVE_TO: p.effective_to.isoformat() if p.effective_to else "",
            c.DIVISION: p.division or "",
            c.NOTE: p.note or "",
            c.ID: p.id,
        })
    return rows


def duties_text(r: m.Responsibility) -> str:
    """``1.受理责任：…；2.审查责任：…`` as responsibility lists print them."""
    parts: list[str] = []
    for stage in m.STAGES:
        if r.stages.get(stage):
            parts.append(f"{len(parts) + 1}.{c.STAGE_COLUMNS[stage]}：{r.stages[stage]}")
    return c.SEPARATOR.join(parts)


def responsibility_rows(catalog: Catalog) -> list[Row]:
    """The responsibility list (责任清单), one row per responsibility, with its power's name and code."""
    rows = []
    for n, r in enumerate(catalog.model.responsibilities.values(), 1):
        p = catalog.model.powers.get(r.power or "")
        row = {
            c.NO: str(n),
            c.NAME: p.name if p else (r.power or ""),
            c.CODE: (p.code or "") if p else "",
            c.CATEGORY: m.CATEGORY_ZH.get(p.category or "", "") if p else "",
            c.BODY: catalog.department_name(p.department) if p else "",
            c.DUTIES: duties_text(r),
        }
        for stage, col in c.STAGE_COLUMNS.items():
            row[col] = r.stages.get(stage, "")
        row.update({
            c.SUPERVISOR: catalog.department_name(r.supervisor),
            c.ACCOUNTABILITY: c.SEPARATOR.join(r.accountability),
            c.BASIS: _basis(catalog, r.basis),
            c.ID: r.id,
            c.POWER_ID: r.power or "",
        })
        rows.append({col: row[col] for col in c.RESPONSIBILITY_COLUMNS})
    return rows


def negative_rows(catalog: Catalog) -> list[Row]:
    """The negative list (负面清单), one row per entry, with the names of the matters or powers implementing it."""
    rows = []
    for n, e in enumerate(catalog.model.negatives.values(), 1):
        names = []
        for ref in e.implemented_by:
            target = catalog.model.matters.get(ref) or catalog.model.powers.get(ref)
            names.append(target.name if target else ref)
        rows.append({
            c.NO: str(n),
            c.CODE: e.code or "",
            c.ENTRY: e.name,
            c.ENTRY_TYPE: {"prohibited": "禁止准入", "licensed": "许可准入"}.get(e.type or "", ""),
            c.MEASURE: e.description or "",
            c.AUTHORITY: catalog.department_name(e.department),
            c.IMPLEMENTED_BY: c.SEPARATOR.join(names),
            c.ACTIVITIES: c.SEPARATOR.join(e.activities),
            c.SET_BASIS: _basis(catalog, e.basis),
            c.ID: e.id,
        })
    return rows


ROWS: dict[str, Callable[[Catalog], list[Row]]] = {"power": power_rows, "responsibility": responsibility_rows, "negative": negative_rows}
