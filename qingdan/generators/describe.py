"""Chinese wording shared by the generators: expressions, values, materials, fees, times.

Guides, form schemas, decision tables and exports all describe the same things; this
module words them once so every artefact says them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from ..compiler import Catalog
from ..compiler import model as m

CHANNEL_ZH = {"online": "网上办理", "window": "窗口办理", "mail": "邮寄办理", "mobile": "移动端办理"}
FORM_ZH = {"original": "原件", "copy": "复印件", "original_and_copy": "原件和复印件"}
MEDIUM_ZH = {"paper": "纸质", "electronic": "电子", "paper_or_electronic": "纸质或电子"}
OP_ZH = {"ge": "不小于", "le": "不大于", "gt": "大于", "lt": "小于", "eq": "等于", "ne": "不等于"}
DATE_OP_ZH = {"ge": "不早于", "le": "不晚于", "gt": "晚于", "lt": "早于", "eq": "为", "ne": "不为"}


def as_of_text(catalog: Catalog) -> str:
    """The date whose rules the catalog holds (``Catalog.as_of``) in ISO form, or "" when no date selects them."""
    return catalog.as_of.isoformat() if catalog.as_of else ""


def number_text(value: Decimal | int | float | str) -> str:
    """A number as plain decimal text: ``20``, ``0.5`` (no exponent, no trailing zeros)."""
    return format(Decimal(str(value)).normalize(), "f")


def literal_text(lit: m.Literal_, fact: m.Fact | None = None) -> str:
    """A literal as the guides print it: 是/否, plain numbers, ISO dates, an enum option's label."""
    v = lit.value
    if lit.type == "bool" or isinstance(v, bool):
        return "是" if v else "否"
    if lit.type == "number" and not isinstance(v, date):
        return number_text(v)
    if lit.type == "date" and isinstance(v, date):
        return v.isoformat()
    if lit.type == "enum" and fact is not None:
        for o in fact.options:
            if o.id == v:
                return o.label
    return str(v)


def expr_text(expr: m.Expr | None, matter: m.Matter, depth: int = 0) -> str:
    """An expression in plain Chinese with fact labels: ``经营场所面积（平方米）不小于 20``."""
    if expr is None:
        return ""
    if depth > 50:
        return "……"
    if isinstance(expr, m.Const):
        return "总是成立" if expr.value else "从不成立"
    if isinstance(expr, m.BoolFact):
        return _label(matter, expr.fact)
    if isinstance(expr, m.Compare):
        fact = matter.fact(expr.fact)
        label = _label(matter, expr.fact)
        if fact is not None and fact.type == "bool":
            truth = bool(expr.value.value) == (expr.op == "eq")
            return label if truth else f"并非{label}"
        value = literal_text(expr.value, fact)
        if expr.value.type in ("enum", "text"):
            return f"{label}{'为' if expr.op == 'eq' else '不为'}“{value}”"
        ops = DATE_OP_ZH if expr.value.type == "date" else OP_ZH
        return f"{label}{ops[expr.op]} {value}"
    if isinstance(expr, m.InSet):
        fact = matter.fact(expr.fact)
        values = "、".join(f"“{literal_text(v, fact)}”" for v in expr.values)
        return f"{_label(matter, expr.fact)}{'不属于' if expr.negated else '属于'}{values}"
    if isinstance(expr, m.CondRef):
        cond = matter.condition(expr.name)
        return f"“{cond.text}”" if cond is not None else expr.name
    if isinstance(expr, m.Not):
        if isinstance(expr.operand, m.BoolFact):
            return f"并非{_label(matter, expr.operand.fact)}"
        return f"并非（{expr_text(expr.operand, matter, 0)}）"
    if isinstance(expr, m.AllOf | m.AnyOf):
        joiner = "，并且" if isinstance(expr, m.AllOf) else "，或者"
        parts = [expr_text(i, matter, depth + 1) for i in expr.items]
        text = joiner.join(parts)
        return f"（{text}）" if depth else text
    return ""


def _label(matter: m.Matter, fid: str) -> str:
    fact = matter.fact(fid)
    return fact.label if fact is not None else fid


def fee_text(fee: m.Fee | None) -> str:
    if fee is None:
        return "未注明"
    if fee.free:
        return "不收费"
    parts = []
    if fee.amount is not None:
        parts.append(f"{number_text(fee.amount)} 元")
    if fee.text:
        parts.append(fee.text)
    return "；".join(parts) or "收费"


def fee_charged_text(fee: m.Fee | None) -> str:
    """是否收费: 是 / 否 (不收费) / 未注明."""
    if fee is None:
        return "未注明"
    return "否（不收费）" if fee.free else "是"


def body_text(catalog: Catalog, body: m.Body | None) -> str:
    """A body a guide names: the department's full name, or the name as written; empty when none."""
    if body is None:
        return ""
    if body.department is not None:
        return catalog.department_name(body.department) or body.department
    return body.text or ""


def bodies_text(catalog: Catalog, bodies: list[m.Body]) -> str:
    return "、".join(t for t in (body_text(catalog, b) for b in bodies) if t)


def yes_no_text(value: bool | None) -> str:
    if value is None:
        return "未注明"
    return "支持" if value else "不支持"


def duration_text(d: m.Duration | None) -> str:
    return d.zh() if d is not None else "未注明"


def statutory_text(limits: m.Limits) -> str:
    """法定办结时限 as a guide says it: the duration, 无 (the law sets none) or 未注明."""
    if limits.statutory is None and limits.statutory_none:
        return "无（法律法规未规定）"
    return duration_text(limits.statutory)


def promised_text(limits: m.Limits) -> str:
    """承诺办结时限: the duration, 即办 (handled on the spot) or 未注明."""
    return "即办（当场办结）" if limits.on_the_spot else duration_text(limits.promised)


def limit_short_text(limits: m.Limits) -> str:
    """The limit that counts, in a few characters (diagrams): 即办, 承诺 5个工作日, 法定 20个工作日, or nothing."""
    if limits.on_the_spot:
        return "即办"
    if limits.promised is not None:
        return "承诺 " + limits.promised.zh()
    if limits.statutory is not None:
        return "法定 " + limits.statutory.zh()
    return ""


def handling_type_text(limits: m.Limits) -> str:
    """办件类型: 即办件 (handled on the spot), 承诺件 (with a promised limit), or empty when neither is stated."""
    if limits.on_the_spot:
        return "即办件"
    return "承诺件" if limits.promised is not None else ""


def level_text(level: str | Sequence[str] | None) -> str:
    """省级, or 省级、市级 for the levels of a power or matter exercised at several."""
    if level is not None and not isinstance(level, str):
        return "、".join(m.LEVEL_ZH[lv] for lv in level) or "未注明"
    return m.LEVEL_ZH.get(level or "", "") or "未注明"


def category_text(category: str | None) -> str:
    return m.CATEGORY_ZH.get(category or "", "") or "未注明"


def channels_text(channels: list[str]) -> str:
    return "、".join(CHANNEL_ZH.get(c, c) for c in channels) or "未注明"


def visits_text(visits: int | None) -> str:
    if visits is None:
        return "未注明"
    if visits == 0:
        return "0 次（零跑动）"
    if visits == 1:
        return "1 次（最多跑一次）"
    return f"{visits} 次"


def material_marks(material: m.Material) -> list[str]:
    """免提交 / 容缺 / 告知承诺, in that order, for the marks the material carries."""
    marks = []
    if material.shareable:
        marks.append("免提交")
    if material.tolerated:
        marks.append("容缺")
    if material.commitment:
        marks.append("告知承诺")
    return marks


def material_source_text(catalog: Catalog, material: m.Material) -> str:
    """Where a material comes from: 申请人自备, or who provides it by data sharing."""
    src = material.source
    if src.kind == "applicant":
        return "申请人自备"
    issuer = catalog.issuer_of(material)
    if src.kind == "issued_by":
        return f"{issuer or src.ref}签发（数据共享获取）"
    return f"“{issuer or src.ref}”办理结果（数据共享获取）"


def required_when_text(material: m.Material, matter: m.Matter) -> str:
    if not material.required:
        return "非必需（可选）"
    if material.only_when is not None:
        text = expr_text(material.only_when, matter)
        return f"仅当{text}{' ' if text[-1:].isascii() and text[-1:].isalnum() else ''}时需要"
    return "必需"


def citations_text(catalog: Catalog, basis: list[m.Citation]) -> str:
    """Citations joined with ``；``: ``《某法》第十条；《某条例》``."""
    return "；".join(catalog.citation_text(c) for c in basis)
