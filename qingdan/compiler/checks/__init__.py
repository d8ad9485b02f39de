"""The check framework: each check is a small pure function registered with its rule.

A check takes the compiled ``CheckContext`` and yields diagnostics. Checks never
modify the catalog, and all of them run in one pass so every finding is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

import networkx as nx

from ..diagnostics import Diagnostic, Rule, register_rule
from ..model import CatalogModel


@dataclass
class CheckContext:
    model: CatalogModel
    graph: nx.MultiDiGraph
    cache: dict = field(default_factory=dict)  # shared indexes (materials by identity, ...)


CheckFn = Callable[[CheckContext], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Check:
    rule: Rule
    fn: CheckFn


CHECKS: list[Check] = []


def check(rule: Rule) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the check for ``rule``."""

    def wrap(fn: CheckFn) -> CheckFn:
        register_rule(rule)
        CHECKS.append(Check(rule, fn))
        return fn

    return wrap


def load_builtin_checks() -> list[Check]:
    """Import the modules that register checks; return them in registration order."""
    from . import builtin  # noqa: F401

    return CHECKS


def run_checks(ctx: CheckContext, disabled: set[str] = frozenset(), timings: dict | None = None) -> list[Diagnostic]:
    import time

    out: list[Diagnostic] = []
    for chk in load_builtin_checks():
        if chk.rule.name in disabled:
            continue
        t0 = time.perf_counter()
        out.extend(chk.fn(ctx))
        if timings is not None:
            timings[chk.rule.name] = timings.get(chk.rule.name, 0.0) + time.perf_counter() - t0
    return out
