"""Conditions in negation normal form: the one reading of an expression that every
consumer shares (the constant-condition check, decision tables, form schemas).

``to_nnf`` pushes negations down to atoms, inlines condition references and returns
``("and", [...])``, ``("or", [...])`` or an ``Atom``, without recursion and, when asked,
within a bound on the size of the result. A reference to a condition without an
expression (or a missing expression) becomes an ``unknown`` atom that carries the
condition's name and the truth value it stands for, so that ``c and not c`` is still
recognisably contradictory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import model as m

NEGATE = {"ge": "lt", "lt": "ge", "gt": "le", "le": "gt", "eq": "ne", "ne": "eq", "in": "notin", "notin": "in",
          "true": "false", "false": "true", "unknown": "unknown"}


@dataclass(frozen=True)
class Atom:
    """One test on one fact (``fact`` is None for the constants true/false/unknown).

    An ``unknown`` atom's ``values`` are ``(name, truth)``: the opaque condition it
    stands for and whether it stands for that condition or for its negation.
    """

    op: str  # ge le gt lt eq ne in notin true false unknown
    fact: str | None = None
    values: tuple = ()

    def negated(self) -> Atom:
        return Atom(NEGATE[self.op], self.fact, self.values)


def literal_value(lit: m.Literal_) -> Any:
    """A literal as compared: numbers as Decimal, everything else as written."""
    v = lit.value
    if lit.type == "number":
        return Decimal(str(v))
    return v


class NormalFormTooLarge(Exception):
    """The expression, with the conditions it refers to written out, has more than ``limit`` parts."""


def to_nnf(expr: m.Expr | None, matter: m.Matter, negate: bool = False, seen: frozenset = frozenset(),
           limit: int | None = None, conditions: Mapping[str, m.Condition] | None = None):
    """Negation normal form over ``Atom``s: ``("and", [...])``, ``("or", [...])`` or an Atom.

    Built without recursion, so a long chain of conditions referring to conditions is no
    problem. With ``limit``, raises ``NormalFormTooLarge`` as soon as more than ``limit``
    parts of the expression (each operator, test and reference, references written out)
    have been visited: conditions built on conditions can double in size at each level.
    ``conditions`` is ``condition_index(matter)``, for a caller that reads many expressions of it.
    """
    root: list = [None]
    # (expression, negated, where to put its normal form); a bare name ends the reading of that condition
    stack: list = [(expr, negate, root, 0)]
    reading: dict[str, int] = dict.fromkeys(seen, 1)  # the conditions being read through, on the way here
    visited = 0
    while stack:
        task = stack.pop()
        if isinstance(task, str):
            reading[task] -= 1
            continue
        node, neg, slot, index = task
        visited += 1
        if limit is not None and visited > limit:
            raise NormalFormTooLarge()
        while isinstance(node, m.Not):  # a run of 'not's: each flips the sign
            node, neg = node.operand, not neg
        if isinstance(node, m.CondRef):
            name = node.name
            if conditions is None:  # matter.condition() looks through the list: index it once
                conditions = condition_index(matter)
            cond = conditions.get(name)
            if cond is None or cond.expr is None or reading.get(name, 0):
                slot[index] = Atom("unknown", None, (f"condition:{name}", not neg))
            else:
                reading[name] = reading.get(name, 0) + 1
                stack.append(name)
                stack.append((cond.expr, neg, slot, index))
            continue
        if isinstance(node, m.AllOf | m.AnyOf):
            is_and = isinstance(node, m.AllOf) != neg
            items: list = [None] * len(node.items)
            slot[index] = ("and" if is_and else "or", items)
            for i in range(len(node.items) - 1, -1, -1):
                stack.append((node.items[i], neg, items, i))
            continue
        slot[index] = _atom(node, neg)
    return root[0]


def facts_in(expr: m.Expr, matter: m.Matter) -> list[str]:
    """The facts ``expr`` tests, in the order they are written, the conditions it refers to read
    through, each once: linear even where conditions built on conditions double at each level."""
    found: dict[str, None] = {}
    read: set[str] = set()
    stack: list[m.Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, m.Compare | m.InSet | m.BoolFact):
            found.setdefault(node.fact)
        elif isinstance(node, m.Not):
            stack.append(node.operand)
        elif isinstance(node, m.AllOf | m.AnyOf):
            stack.extend(reversed(node.items))
        elif isinstance(node, m.CondRef) and node.name not in read:
            read.add(node.name)
            cond = matter.condition(node.name)
            if cond is not None and cond.expr is not None:
                stack.append(cond.expr)
    return list(found)


def condition_index(matter: m.Matter) -> dict[str, m.Condition]:
    """The matter's conditions by name (the first of a name, as ``matter.condition`` finds it)."""
    index: dict[str, m.Condition] = {}
    for c in matter.conditions:
        index.setdefault(c.id, c)
    return index


def _atom(expr: m.Expr | None, negate: bool) -> Atom:
    if expr is None:
        return Atom("unknown", None, ("?", not negate))
    if isinstance(expr, m.Const):
        return Atom("true" if expr.value != negate else "false")
    if isinstance(expr, m.BoolFact):
        atom = Atom("eq", expr.fact, (True,))
    elif isinstance(expr, m.Compare):
        atom = Atom(expr.op, expr.fact, (literal_value(expr.value),))
    elif isinstance(expr, m.InSet):
        atom = Atom("notin" if expr.negated else "in", expr.fact, tuple(literal_value(v) for v in expr.values))
    else:  # pragma: no cover - every Expr kind is handled here or in to_nnf
        raise TypeError(f"unknown expression {expr!r}")
    return atom.negated() if negate else atom
