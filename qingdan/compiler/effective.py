"""Effective dates: which declarations are in force on the as-of date.

Powers, matters, responsibilities and negative-list entries may carry ``生效`` (the first
day in force) and ``失效`` (the last day in force, as in 有效期至). Both bounds are
inclusive: a matter with ``生效: 2024-01-01`` and ``失效: 2030-12-31`` is in force on
both of those days, and not on 2023-12-31 or 2031-01-01. A text that says "自 2031 年
1 月 1 日起废止" is therefore written ``失效: 2030-12-31``.

The as-of date is ``CompileOptions.as_of`` (``--as-of`` on the command line), else the
project's ``[project] date``; without either, dates select nothing (never "today": the
same files must always compile to the same catalog). ``split_in_force`` is the one
place that applies it: the compiler puts what is in force into the Catalog's tables,
and keeps what is not in ``Catalog.left_out``, where the checks about dates find it.
"""

from __future__ import annotations

from datetime import date

from . import model as m

DATED_TABLES = ("powers", "matters", "responsibilities", "negatives")  # the tables whose entries carry dates

Dated = m.Power | m.Matter | m.Responsibility | m.NegativeEntry


def project_as_of(config: m.ProjectConfig) -> date | None:
    """The project's default as-of date: ``[project] date`` when it is a date, else None."""
    if not config.date:
        return None
    try:
        return date.fromisoformat(config.date)
    except ValueError:
        return None  # config-error reports it


def in_force(node: Dated, as_of: date | None) -> bool:
    """Whether ``node`` is in force on ``as_of`` (always, when there is no as-of date)."""
    if as_of is None:
        return True
    if node.effective_from is not None and as_of < node.effective_from:
        return False
    return not (node.effective_to is not None and as_of > node.effective_to)


def dates_text_zh(node: Dated) -> str:
    """The dates of ``node`` as staff read them: ``生效 2024-01-01，失效 2030-12-31``."""
    parts = []
    if node.effective_from is not None:
        parts.append(f"生效 {node.effective_from.isoformat()}")
    if node.effective_to is not None:
        parts.append(f"失效 {node.effective_to.isoformat()}")
    return "，".join(parts) or "未写生效和失效日期"


def dates_text_en(node: Dated) -> str:
    parts = []
    if node.effective_from is not None:
        parts.append(f"in force from {node.effective_from.isoformat()}")
    if node.effective_to is not None:
        parts.append(f"through {node.effective_to.isoformat()}")
    return " ".join(parts) or "no effective dates"


def split_in_force(model: m.CatalogModel, as_of: date | None) -> tuple[m.CatalogModel, m.CatalogModel]:
    """``model`` split into what is in force on ``as_of`` and what is left out.

    Both share ``model``'s config and the undated tables' objects are shared (never
    copied): a journey that names a matter left out, or a material produced by a
    matter left out, keeps its reference, which ``effective-dates-invalid`` reports. The
    results of a matter left out are left out with it. ``model`` is returned as is, with
    an empty left-out model, when nothing is left out.
    """
    left = m.CatalogModel(config=model.config)
    if as_of is None:
        return model, left
    kept: dict[str, dict] = {}
    for table in DATED_TABLES:
        rows = getattr(model, table)
        out = {k: v for k, v in rows.items() if in_force(v, as_of)}
        if len(out) != len(rows):
            setattr(left, table, {k: v for k, v in rows.items() if k not in out})
            kept[table] = out
    if not kept:
        return model, left
    if left.matters:
        left.results = {k: r for k, r in model.results.items() if r.matter in left.matters}
        if left.results:
            kept["results"] = {k: r for k, r in model.results.items() if k not in left.results}
    return model.model_copy(update=kept), left
