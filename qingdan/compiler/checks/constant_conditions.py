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

The check is bounded, so that no input can make it slow, and it never guesses: an
expression of more than ``MAX_PARTS`` parts (the conditions it refers to written out),
or one whose search takes more work than it may use, is not analysed, and a note of
the rule ``condition-too-complex`` at the expression says so (its parts are not
analysed either). Every search may use work in proportion to the expression's size;
beyond that, searches draw on a spare shared by the whole check. Parts that take too
long are left out silently: they are only extras of an expression already analysed.
The search keeps its own stack, and so does the normal form: no recursion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import model as m
from ..catalog import Catalog
from ..diagnostics import RULES, Diagnostic, diag
from ..normal_form import Atom, NormalFormTooLarge, condition_index, facts_in, to_nnf
from .common import dept_zh
from .registry import check

MAX_PARTS = 2_000  # parts of an expression analysed, the conditions it refers to written out
BASE_WORK = 500  # work every search may use ...
WORK_PER_PART = 8  # ... plus this much per part of the expression ...
EXTRA_WORK = 100_000  # ... plus at most this much from the spare ...
SPARE_WORK = 2_000_000  # ... which is shared by one run of the check


class _TooBig(Exception):
    pass


@dataclass
class _Work:
    """The work the searches of one run of the check may still use beyond their own allowance,
    and the conditions by name of the matter being checked."""

    spare: int = SPARE_WORK
    matter: m.Matter | None = None
    conditions: dict[str, m.Condition] | None = None

    def conditions_of(self, matter: m.Matter) -> dict[str, m.Condition]:
        if self.matter is not matter or self.conditions is None:
            self.matter, self.conditions = matter, condition_index(matter)
        return self.conditions


def nnf(expr: m.Expr | None, matter: m.Matter, negate: bool):
    """The shared normal form as the search reads it: ``("and"|"or", [..])``, ``("const", bool)``
    or ``("atom", (op, fact, values))``. An opaque condition is a free yes/no placeholder."""
    return _search_form(to_nnf(expr, matter, negate))


def _search_atom(node: Atom):
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
    def __init__(self, matter: m.Matter, work: _Work) -> None:
        self.types: dict[str, tuple[str, tuple]] = {}
        for f in matter.facts:
            self.types[f.id] = (f.type, tuple(o.id for o in f.options))
        self.work = work
        self.steps = 0

    def kind(self, fact: str) -> tuple[str, tuple]:
        return self.types.get(fact, ("bool", ()))  # condition placeholders are free yes/no

    def satisfiable(self, node, size: int) -> bool:
        """Whether some values of the facts make the normal form ``node`` (of ``size`` parts) true."""
        allowance = BASE_WORK + WORK_PER_PART * size
        self.steps = 0
        try:
            return self._sat(node, allowance + min(EXTRA_WORK, max(self.work.spare, 0)))
        finally:
            self.work.spare -= max(0, self.steps - allowance)

    def _sat(self, root, limit: int) -> bool:
        """Depth first: ``且`` items in order, ``或`` items one after the other, pruning on a contradiction.

        ``todo`` is a linked list (node, rest); the tests gathered so far are kept per fact,
        with a trail to take them back when the search returns to an earlier ``或``.
        """
        facts: dict[str, list] = {}
        trail: list[str] = []
        choices: list[list] = []  # [rest, items of an 或, next item to try, trail length]
        todo: Any = (root, None)
        rest: Any
        while True:
            failed = False
            while todo is not None:
                node, rest = todo
                self.steps += 1
                if self.steps > limit:
                    raise _TooBig()
                tag = node[0]
                if tag == "and":
                    items = node[1]
                    self.steps += len(items)
                    for i in range(len(items) - 1, -1, -1):
                        rest = (items[i], rest)
                    todo = rest
                elif tag == "const":
                    if not node[1]:
                        failed = True
                        break
                    todo = rest
                elif tag == "atom":
                    atom = node[1]
                    fact = atom[1]
                    atoms = facts.setdefault(fact, [])
                    atoms.append(atom)
                    trail.append(fact)
                    self.steps += len(atoms)
                    if not fact_satisfiable(atoms, *self.kind(fact)):
                        failed = True
                        break
                    todo = rest
                else:  # or: try the first item now, the others when it fails
                    items = node[1]
                    if not items:
                        failed = True
                        break
                    choices.append([rest, items, 1, len(trail)])
                    todo = (items[0], rest)
            if not failed:
                return True
            while choices:
                choice = choices[-1]
                rest, items, i, mark = choice
                while len(trail) > mark:
                    facts[trail.pop()].pop()
                if i < len(items):
                    choice[2] = i + 1
                    todo = (items[i], rest)
                    break
                choices.pop()
            else:
                return False


TOO_LARGE, TOO_SLOW = "too large", "too slow"


def _analyse(expr: m.Expr, matter: m.Matter, work: _Work) -> bool | str | None:
    """True if ``expr`` always holds, False if it never does, None if it can go either way,
    ``TOO_LARGE`` or ``TOO_SLOW`` if it was not analysed."""
    search = _Search(matter, work)
    try:
        for negate in (False, True):
            node = to_nnf(expr, matter, negate, limit=MAX_PARTS, conditions=work.conditions_of(matter))
            size = _size(node)
            if not search.satisfiable(_search_form(node), size):
                return negate  # the expression (False) or its negation (True) can never hold
    except NormalFormTooLarge:
        return TOO_LARGE
    except _TooBig:
        return TOO_SLOW
    return None


def _size(node) -> int:
    count, stack = 0, [node]
    while stack:
        n = stack.pop()
        count += 1
        if not isinstance(n, Atom):
            stack.extend(n[1])
    return count


def _search_form(node):
    root: list = [None]
    stack = [(node, root, 0)]
    while stack:
        n, slot, index = stack.pop()
        if isinstance(n, Atom):
            slot[index] = _search_atom(n)
            continue
        items: list = [None] * len(n[1])
        slot[index] = (n[0], items)
        stack.extend((item, items, i) for i, item in enumerate(n[1]))
    return root[0]


def constancy(expr: m.Expr, matter: m.Matter, work: _Work | None = None) -> bool | None:
    """True if ``expr`` always holds, False if it never does, None if it can go either way (or is too big)."""
    found = _analyse(expr, matter, work or _Work())
    return found if isinstance(found, bool) else None


def _constant_parts(expr: m.Expr, matter: m.Matter, work: _Work) -> Iterable[tuple[m.Expr, bool]]:
    """The outermost constant items of ``且``/``或`` inside a non-constant expression."""
    if isinstance(expr, m.Not):
        yield from _constant_parts(expr.operand, matter, work)
        return
    if not isinstance(expr, m.AllOf | m.AnyOf):
        return
    for item in expr.items:
        if isinstance(item, m.CondRef):
            continue  # reported where that condition is declared
        c = constancy(item, matter, work)
        if c is not None:
            yield item, c
        else:
            yield from _constant_parts(item, matter, work)


@check(RULES["constant-condition"])
def constant_conditions(catalog: Catalog) -> Iterable[Diagnostic]:
    out: list[Diagnostic] = []
    model = catalog.model
    work = _Work()
    for mt in model.matters.values():
        owner_zh = f"事项“{mt.id}”（部门{dept_zh(model, mt.department)}）"
        targets = [(c.expr, f"条件“{c.id}”", f"condition '{c.id}'", "condition") for c in mt.conditions if c.expr is not None]
        targets += [(mat.only_when, f"材料“{mat.id}”的“仅当”", f"the 'only when' of material '{mat.id}'", "material")
                    for mat in mt.materials if mat.only_when is not None]
        for expr, what_zh, what_en, kind in targets:
            whole = _analyse(expr, mt, work)
            if isinstance(whole, str):
                out.append(_too_complex(mt, expr, whole, owner_zh, what_zh, what_en))
                continue
            if whole is not None:
                out.append(_report(mt, expr, whole, owner_zh, what_zh, what_en, kind, part=False))
                continue
            for part, value in _constant_parts(expr, mt, work):
                out.append(_report(mt, part, value, owner_zh, what_zh, what_en, kind, part=True))
    return out


def _too_complex(mt: m.Matter, expr: m.Expr, why: str, owner_zh: str, what_zh: str, what_en: str) -> Diagnostic:
    if why == TOO_LARGE:
        state_zh = f"太大（超过 {MAX_PARTS} 个部分，它引用的条件也计算在内）"
        state_en = f"too large to analyse (more than {MAX_PARTS} parts, counting the conditions it refers to)"
    else:
        state_zh = "太复杂（要逐一分析的情形太多）"
        state_en = "too complex to analyse (it has too many cases to go through)"
    return diag(
        "condition-too-complex",
        f"{owner_zh}的{what_zh}{state_zh}，没有检查它是否恒真或恒假；请简化它，或把用“且”连接的各部分拆成几个条件",
        f"{what_en} of matter '{mt.id}' is {state_en}, so it was not checked for being always or never true; "
        f"simplify it, or split the parts joined by 'and' into several conditions",
        expr.loc,
    )


def _report(mt: m.Matter, expr: m.Expr, always: bool, owner_zh: str, what_zh: str, what_en: str, kind: str, part: bool) -> Diagnostic:
    facts = facts_in(expr, mt)
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
