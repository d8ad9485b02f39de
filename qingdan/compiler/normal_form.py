"""Conditions in negation normal form: the one reading of an expression that every
consumer shares (the constant-condition check, decision tables, form schemas).

``to_nnf`` pushes negations down to atoms, inlines condition references and returns
``("and", [...])``, ``("or", [...])`` or an ``Atom``. A reference to a condition without an
expression (or a missing expression) becomes an ``unknown`` atom that carries the
condition's name and the truth value it stands for, so that ``c and not c`` is still
recognisably contradictory.
"""

from __future__ import annotations

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


def to_nnf(expr: m.Expr | None, matter: m.Matter, negate: bool = False, seen: frozenset = frozenset()):
    """Negation normal form over ``Atom``s: ``("and", [...])``, ``("or", [...])`` or an Atom."""
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
    elif isinstance(expr, m.CondRef):
        cond = matter.condition(expr.name)
        if cond is None or cond.expr is None or expr.name in seen:
            return Atom("unknown", None, (f"condition:{expr.name}", not negate))
        return to_nnf(cond.expr, matter, negate, seen | {expr.name})
    elif isinstance(expr, m.Not):
        return to_nnf(expr.operand, matter, not negate, seen)
    elif isinstance(expr, m.AllOf | m.AnyOf):
        is_and = isinstance(expr, m.AllOf) != negate
        return ("and" if is_and else "or", [to_nnf(i, matter, negate, seen) for i in expr.items])
    else:  # pragma: no cover - every Expr kind is handled above
        raise TypeError(f"unknown expression {expr!r}")
    return atom.negated() if negate else atom
