"""The constant-condition check: an expression that can never be true, or never false.

``年龄 > 60 且 年龄 < 18`` decides nothing and is almost always a typo. For every
condition (``当:``) and every conditional material (``仅当:``) this check asks two
questions — can the expression be true? can it be false? — by reasoning about the
values each fact could take, not by trying values:

- the expression (or its negation) is put in negation normal form and searched branch
  by branch (``或`` branches, ``且`` accumulates), pruning as soon as the tests
  gathered on one fact contradict each other;
- numbers are intervals over the reals with excluded points; dates are intervals of
  whole days; enums and booleans are finite sets of options; text is an open set
  restricted by ``等于``/``属于`` and ``不等于``/``不属于``;
- a reference to another condition is read through (a cycle, or a condition without
  an expression, is an unknown yes/no of its own).

A part of an expression that is constant on its own (a ``且`` item that always holds,
an ``或`` item that never does) is reported too, unless the whole is already reported.
Searches that would take too long are abandoned silently: no guess is ever reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import model as m
from ..catalog import Catalog
from ..diagnostics import RULES, Diagnostic, diag
from ..normal_form import Atom, to_nnf
from .common import dept_zh
from .registry import check

BUDGET = 20_000  # search steps per question


class _TooBig(Exception):
    pass


def nnf(expr: m.Expr | None, matter: m.Matter, negate: bool):
    """The shared normal form as the search reads it: ``("and"|"or", [..])``, ``("const", bool)``
    or ``("atom", (op, fact, values))``. An opaque condition is a free yes/no placeholder."""
    return _search_form(to_nnf(expr, matter, negate))


def _search_form(node):
    if not isinstance(node, Atom):
        return (node[0], [_search_form(i) for i in node[1]])
    if node.op in ("true", "false"):
        return ("const", node.op == "true")
    if node.op == "unknown":
        name, truth = node.values
        return ("atom", ("eq", name, (truth,)))
    return ("atom", (node.op, node.fact, node.values))


# ---------------------------------------------------------------- one fact's values
def _holds(op: str, v, values: tuple) -> bool:
    if op == "in":
        return v in values
    if op == "notin":
        return v not in values
    x = values[0]
    return {"ge": v >= x, "le": v <= x, "gt": v > x, "lt": v < x, "eq": v == x, "ne": v != x}[op]


def fact_satisfiable(atoms: list[tuple], kind: str, options: tuple = ()) -> bool:
    """Whether some value of a fact of type ``kind`` passes every atom (interval/set reasoning)."""
    if kind in ("enum", "bool"):
        domain = options if kind == "enum" else (True, False)
        return any(all(_holds(op, v, vals) for op, _, vals in atoms) for v in domain)
    positive = [set(vals) for op, _, vals in atoms if op in ("eq", "in")]
    if positive:  # finitely many candidates: test each against every atom
        cands = set.intersection(*positive)
        return any(all(_holds(op, v, vals) for op, _, vals in atoms) for v in cands)
    excluded = {v for op, _, vals in atoms if op in ("ne", "notin") for v in vals}
    if kind == "text":
        return True  # infinitely many texts, finitely many excluded
    discrete = kind == "date"  # whole days: 晚于 D means on or after D+1

    def key(x):
        return x.toordinal() if discrete else x

    lo = hi = None
    lo_incl = hi_incl = False
    for op, _, vals in atoms:
        if op not in ("ge", "gt", "le", "lt"):
            continue
        x, incl = key(vals[0]), op in ("ge", "le")
        if discrete and not incl:
            x, incl = (x + 1 if op == "gt" else x - 1), True
        if op in ("ge", "gt"):
            if lo is None or x > lo or (x == lo and not incl):
                lo, lo_incl = x, incl
        elif hi is None or x < hi or (x == hi and not incl):
            hi, hi_incl = x, incl
    excluded = {key(v) for v in excluded}
    if discrete:
        if lo is None or hi is None:
            return True
        return hi >= lo and (hi - lo + 1) > sum(1 for v in excluded if lo <= v <= hi)
    if lo is None or hi is None:
        return True
    if lo < hi:
        return True  # a stretch of the real line: infinitely many values
    return lo == hi and lo_incl and hi_incl and lo not in excluded


# ---------------------------------------------------------------- search
class _Search:
    def __init__(self, matter: m.Matter) -> None:
        self.types: dict[str, tuple[str, tuple]] = {}
        for f in matter.facts:
            self.types[f.id] = (f.type, tuple(o.id for o in f.options))
        self.steps = 0

    def kind(self, fact: str) -> tuple[str, tuple]:
        return self.types.get(fact, ("bool", ()))  # condition placeholders are free yes/no

    def satisfiable(self, node) -> bool:
        self.steps = 0
        return self._sat([node], {})

    def _sat(self, todo: list, facts: dict[str, list]) -> bool:
        self.steps += 1
        if self.steps > BUDGET:
            raise _TooBig()
        while todo:
            node = todo[-1]
            tag = node[0]
            if tag == "and":
                todo = todo[:-1] + list(reversed(node[1]))
                continue
            if tag == "const":
                if not node[1]:
                    return False
                todo = todo[:-1]
                continue
            if tag == "atom":
                op, fact, vals = node[1]
                atoms = facts.get(fact, []) + [node[1]]
                if not fact_satisfiable(atoms, *self.kind(fact)):
                    return False
                facts = {**facts, fact: atoms}
                todo = todo[:-1]
                continue
            # or: try each branch
            rest = todo[:-1]
            return any(self._sat(rest + [item], facts) for item in node[1])
        return True


def constancy(expr: m.Expr, matter: m.Matter) -> bool | None:
    """True if ``expr`` always holds, False if it never does, None if it can go either way (or is too big)."""
    search = _Search(matter)
    try:
        if not search.satisfiable(nnf(expr, matter, False)):
            return False
        if not search.satisfiable(nnf(expr, matter, True)):
            return True
    except _TooBig:
        return None
    return None


def _facts_in(expr, matter: m.Matter, out: dict, seen: frozenset = frozenset()) -> None:
    if isinstance(expr, m.Compare | m.InSet | m.BoolFact):
        f = matter.fact(expr.fact)
        out.setdefault(expr.fact, f.label if f else expr.fact)
    elif isinstance(expr, m.Not):
        _facts_in(expr.operand, matter, out, seen)
    elif isinstance(expr, m.AllOf | m.AnyOf):
        for i in expr.items:
            _facts_in(i, matter, out, seen)
    elif isinstance(expr, m.CondRef) and expr.name not in seen:
        cond = matter.condition(expr.name)
        if cond is not None and cond.expr is not None:
            _facts_in(cond.expr, matter, out, seen | {expr.name})


def _constant_parts(expr: m.Expr, matter: m.Matter) -> Iterable[tuple[m.Expr, bool]]:
    """The outermost constant items of ``且``/``或`` inside a non-constant expression."""
    if isinstance(expr, m.Not):
        yield from _constant_parts(expr.operand, matter)
        return
    if not isinstance(expr, m.AllOf | m.AnyOf):
        return
    for item in expr.items:
        if isinstance(item, m.CondRef):
            continue  # reported where that condition is declared
        c = constancy(item, matter)
        if c is not None:
            yield item, c
        else:
            yield from _constant_parts(item, matter)


@check(RULES["constant-condition"])
def constant_conditions(catalog: Catalog) -> Iterable[Diagnostic]:
    out: list[Diagnostic] = []
    model = catalog.model
    for mt in model.matters.values():
        owner_zh = f"事项“{mt.id}”（部门{dept_zh(model, mt.department)}）"
        targets = [(c.expr, f"条件“{c.id}”", f"condition '{c.id}'", "condition") for c in mt.conditions if c.expr is not None]
        targets += [(mat.only_when, f"材料“{mat.id}”的“仅当”", f"the 'only when' of material '{mat.id}'", "material")
                    for mat in mt.materials if mat.only_when is not None]
        for expr, what_zh, what_en, kind in targets:
            whole = constancy(expr, mt)
            if whole is not None:
                out.append(_report(mt, expr, whole, owner_zh, what_zh, what_en, kind, part=False))
                continue
            for part, value in _constant_parts(expr, mt):
                out.append(_report(mt, part, value, owner_zh, what_zh, what_en, kind, part=True))
    return out


def _report(mt: m.Matter, expr: m.Expr, always: bool, owner_zh: str, what_zh: str, what_en: str, kind: str, part: bool) -> Diagnostic:
    facts: dict[str, str] = {}
    _facts_in(expr, mt, facts)
    involved_zh = ("（涉及事实：" + "、".join(f"“{k}”" for k in facts) + "）") if facts else ""
    involved_en = (" (facts: " + ", ".join(f"'{k}'" for k in facts) + ")") if facts else ""
    state_zh = "永远成立" if always else "永远不会成立"
    state_en = "always true" if always else "never true"
    if part:
        zh = (f"{owner_zh}{what_zh}中有一部分{state_zh}{involved_zh}，它对判定没有作用；"
              f"请检查是否写错了数值、选项或“且/或”")
        en = (f"part of {what_en} of matter '{mt.id}' is {state_en}{involved_en} and changes nothing; "
              f"check the values, options and and/or")
    elif kind == "material":
        if always:
            zh = f"{owner_zh}{what_zh}{state_zh}{involved_zh}：这份材料总是需要，可以删除“仅当”，或修正表达式"
            en = f"{what_en} of matter '{mt.id}' is {state_en}{involved_en}: the material is always needed; remove 'only when' or fix it"
        else:
            zh = f"{owner_zh}{what_zh}{state_zh}{involved_zh}：这份材料永远不会被要求，请修正表达式"
            en = f"{what_en} of matter '{mt.id}' is {state_en}{involved_en}: the material is never asked for; fix the expression"
    else:
        zh = (f"{owner_zh}的{what_zh}{state_zh}{involved_zh}，判定不了任何申请；"
              f"多半是写错了（例如把“或”写成了“且”，或比较的数值写反了）")
        en = (f"{what_en} of matter '{mt.id}' is {state_en}{involved_en} and decides nothing; "
              f"it is probably a typo (and for or, or swapped values)")
    return diag("constant-condition", zh, en, expr.loc)
