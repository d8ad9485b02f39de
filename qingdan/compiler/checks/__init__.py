"""The check framework: each check is a small pure function registered with its rule.

A check takes the compiled ``Catalog`` and yields diagnostics. Checks never modify the
catalog, and all of them run in one pass so every finding is reported. The rules and
their checks are registered when this package is imported (``builtin`` lists the
modules), so a rule name is known before any configuration or waiver names it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..catalog import Catalog
from ..diagnostics import RULES, Diagnostic, Rule, register_rule

CheckFn = Callable[[Catalog], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Check:
    rule: Rule
    fn: CheckFn


CHECKS: list[Check] = []  # filled once, at import, by the @check decorators of builtin's modules


def check(rule: Rule) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the check for ``rule``."""

    def wrap(fn: CheckFn) -> CheckFn:
        register_rule(rule)
        CHECKS.append(Check(rule, fn))
        return fn

    return wrap


def all_rules() -> list[Rule]:
    """Every rule, the language's own and the checks', in code order."""
    return sorted(RULES.values(), key=lambda r: r.code)


def run_checks(catalog: Catalog, disabled: Iterable[str] = (), timings: dict[str, float] | None = None) -> list[Diagnostic]:
    """Every registered check's findings on ``catalog``, except the ``disabled`` rules."""
    off = set(disabled)
    out: list[Diagnostic] = []
    for chk in CHECKS:
        if chk.rule.name in off:
            continue
        t0 = time.perf_counter()
        out.extend(chk.fn(catalog))
        if timings is not None:
            timings[chk.rule.name] = timings.get(chk.rule.name, 0.0) + time.perf_counter() - t0
    return out


from . import builtin  # noqa: E402,F401  - registers every check (its modules import this one)
