"""The check registry: each check is a pure function registered with its rule by ``@check``.

A check takes the compiled ``Catalog`` and yields diagnostics; it never modifies the
catalog. The modules of this package register their checks when imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..catalog import Catalog
from ..diagnostics import Diagnostic, Rule, register_rule

CheckFn = Callable[[Catalog], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Check:
    rule: Rule
    fn: CheckFn


CHECKS: list[Check] = []  # filled once, at import, by the @check decorators of this package's modules


def check(rule: Rule) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the check for ``rule``."""

    def wrap(fn: CheckFn) -> CheckFn:
        register_rule(rule)
        CHECKS.append(Check(rule, fn))
        return fn

    return wrap
