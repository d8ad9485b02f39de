"""A reform plan's targets against its baseline: ``reform-target-missed`` findings.

The targets are the ``[targets]`` table of the current version's qingdan.toml
(``compiler.targets``). Each is compared with its indicator computed from the baseline
version to the current one; a missed target is a diagnostic at its line in qingdan.toml,
with the figures before and after, so that ``qingdan check --targets`` reports it like
any other finding (and CI fails on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..compiler.diagnostics import Diagnostic, diag
from ..compiler.targets import Target, format_figure
from ..compiler.text import Text
from .indicators import Indicator


@dataclass(frozen=True)
class TargetResult:
    """One target, the indicator it is measured by, and whether it is met."""

    target: Target
    indicator: Indicator
    met: bool

    @property
    def value(self) -> Fraction | None:
        return self.indicator.value


def _decimal(x: Fraction | None) -> Decimal | None:
    return None if x is None else Decimal(x.numerator) / Decimal(x.denominator)


def evaluate_targets(targets: list[Target], indicators: list[Indicator]) -> list[TargetResult]:
    """Each target of ``targets`` with its indicator (from the baseline to the current version)."""
    by_key = {x.key: x for x in indicators}
    out = []
    for t in targets:
        ind = by_key[t.indicator]
        out.append(TargetResult(t, ind, t.met(_decimal(ind.value))))
    return out


def figure(ind: Indicator, which: str) -> str:
    """``before``, ``after`` or ``value`` of ``ind`` as a report prints it."""
    unit = ind.name.unit
    if which == "value" and ind.name.target_on == "rate":
        unit = "ratio"
    x = {"before": ind.before, "after": ind.after, "value": ind.value}[which]
    return format_figure(None if x is None else _decimal(x), unit)


def target_diagnostics(results: list[TargetResult], baseline_label: str, current: Text) -> list[Diagnostic]:
    """A ``reform-target-missed`` finding for each target not met."""
    out = []
    for r in results:
        if r.met:
            continue
        ind = r.indicator
        name = ind.name
        got_zh = f"为 {figure(ind, 'value')}" if ind.value is not None else "无法计算（基准版本中没有可比的数据）"
        got_en = f"is {figure(ind, 'value')}" if ind.value is not None else "cannot be computed (the baseline has nothing to compare)"
        zh = (f"改革目标未达到：{name.zh}（{baseline_label} → {current.zh}）{got_zh}，目标{r.target.threshold_text('zh')}"
              f"（之前 {figure(ind, 'before')}，现在 {figure(ind, 'after')}）")
        en = (f"reform target missed: {name.en} ({baseline_label} → {current.en}) {got_en}, the target is "
              f"{r.target.threshold_text('en')} (before {figure(ind, 'before')}, now {figure(ind, 'after')})")
        out.append(diag("reform-target-missed", zh, en, r.target.loc))
    return out
