"""The semantic checks, run in one pass over a compiled ``Catalog`` so that every finding is reported.

Each check is a small pure function registered with its rule (``registry.check``); the
modules below group them by subject. Importing this package registers every rule, so a
rule name is known before any configuration or waiver names it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from ..catalog import Catalog
from ..diagnostics import RULES, Diagnostic, Rule
from . import authority, constant_conditions, identity, lifecycle, materials_checks, time_limits, uniformity
from .registry import CHECKS, Check, check

__all__ = ["CHECKS", "Check", "all_rules", "check", "run_checks"]
CHECK_MODULES = (authority, identity, materials_checks, time_limits, constant_conditions, uniformity, lifecycle)  # registration order


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
