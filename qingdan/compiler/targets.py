"""Reform targets: the ``[targets]`` table of qingdan.toml, and the rule a missed target reports.

A reform plan states its numbers against a baseline version of the catalog::

    [targets]
    baseline = "v2025.1"            # a git revision of the project (or a directory)
    "材料减少率" = ">= 0.70"
    "不见面审批占比" = ">= 80%"
    average-visits = "<= 0.5"

Each key names an indicator by its Chinese name or its English key (``INDICATORS``); each
value is a comparison and a number (a fraction, or a percentage). The indicators are
computed by ``qingdan.changes`` from two compiled catalogs; this module only knows their
names, so that a bad key is a located error when the configuration is read, and registers
the rule ``reform-target-missed`` (it needs the baseline revision, so it is no check of
one Catalog: ``qingdan check --targets`` and ``qingdan diff`` report it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict

from .diagnostics import Loc, Rule, Severity, register_rule


@dataclass(frozen=True)
class IndicatorName:
    """An indicator's names, and which of its figures a target compares.

    ``target_on`` is ``rate`` (the change from the baseline, e.g. 0.7 for a 70% cut) or
    ``after`` (the figure of the current version, e.g. the share of matters with no visit).
    """

    key: str
    zh: str
    en: str
    target_on: str
    unit: str  # "ratio" (a fraction shown as %), "days", "visits", "count"


INDICATORS: tuple[IndicatorName, ...] = (
    IndicatorName("approval-matters-cut", "审批事项精简率", "approval matters cut", "rate", "count"),
    IndicatorName("powers-delegated", "权力下放率", "powers delegated", "rate", "count"),
    IndicatorName("materials-cut", "材料减少率", "materials cut", "rate", "count"),
    IndicatorName("steps-cut", "环节减少率", "steps cut", "rate", "count"),
    IndicatorName("statutory-limit-cut", "法定时限压缩率", "statutory time limit cut", "rate", "days"),
    IndicatorName("promised-limit-cut", "承诺时限压缩率", "promised time limit cut", "rate", "days"),
    IndicatorName("average-visits", "平均到现场次数", "average on-site visits", "after", "visits"),
    IndicatorName("zero-visit-share", "零跑动占比", "share with no visit (零跑动)", "after", "ratio"),
    IndicatorName("at-most-one-visit-share", "最多跑一次占比", "share with at most one visit (最多跑一次)", "after", "ratio"),
    IndicatorName("no-meeting-share", "不见面审批占比", "share approved without meeting (不见面审批)", "after", "ratio"),
    IndicatorName("immediate-share", "即办件占比", "share handled on the spot (即办件)", "after", "ratio"),
    IndicatorName("shared-material-share", "数据共享材料占比", "share of materials fetched by data sharing", "after", "ratio"),
)
INDICATOR_BY_KEY = {x.key: x for x in INDICATORS}
_BY_WORD = {**{x.key: x for x in INDICATORS}, **{x.zh: x for x in INDICATORS}}
# Names people also write for the same figures
_ALIASES = {"审批时间缩短率": "promised-limit-cut", "时限压缩率": "promised-limit-cut", "零跑动": "zero-visit-share",
            "最多跑一次": "at-most-one-visit-share", "不见面审批": "no-meeting-share", "即办件": "immediate-share",
            "数据共享率": "shared-material-share", "事项精简率": "approval-matters-cut"}


def indicator_named(word: str) -> IndicatorName | None:
    """The indicator ``word`` names (its key, its Chinese name or a common alias; full-width folded)."""
    w = unicodedata.normalize("NFKC", word).strip()
    found = _BY_WORD.get(w) or _BY_WORD.get(w.lower())
    return found or (INDICATOR_BY_KEY[_ALIASES[w]] if w in _ALIASES else None)


def indicator_words() -> list[str]:
    """Every name a ``[targets]`` key may use (for did-you-mean)."""
    return sorted({*_BY_WORD, *_ALIASES})


OPS = {">=": "至少", ">": "高于", "<=": "至多", "<": "低于", "==": "等于"}
_OPS_EN = {">=": "at least", ">": "above", "<=": "at most", "<": "below", "==": "exactly"}
_THRESHOLD = re.compile(r"^(>=|<=|==|>|<|=)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(%?)$")


class Target(BaseModel):
    """One line of ``[targets]``: an indicator, a comparison and a threshold (a fraction: 70% is 0.7)."""

    model_config = ConfigDict(frozen=True)
    indicator: str  # IndicatorName.key
    op: str  # one of OPS
    threshold: Decimal
    written: str  # the value as written in qingdan.toml
    loc: Loc | None = None

    def met(self, value: Decimal | None) -> bool:
        if value is None:
            return False
        return {">=": value >= self.threshold, ">": value > self.threshold, "<=": value <= self.threshold,
                "<": value < self.threshold, "==": value == self.threshold}[self.op]

    def threshold_text(self, lang: str) -> str:
        name = INDICATOR_BY_KEY[self.indicator]
        number = format_figure(self.threshold, name.unit if name.target_on == "after" else "ratio")
        return f"{OPS[self.op]} {number}" if lang == "zh" else f"{_OPS_EN[self.op]} {number}"


def parse_threshold(text: str) -> tuple[str, Decimal] | None:
    """``">= 0.70"``, ``"≥70%"``, ``"＞＝ 0.7"`` → (">=", 0.7); None when it is not a comparison and a number."""
    t = unicodedata.normalize("NFKC", text).strip().replace("≥", ">=").replace("≤", "<=").replace("％", "%")
    mt = _THRESHOLD.match(t)
    if not mt:
        return None
    op = "==" if mt.group(1) == "=" else mt.group(1)
    try:
        value = Decimal(mt.group(2))
    except InvalidOperation:
        return None
    if mt.group(3):
        value = value / 100
    return op, value


def format_figure(value: Decimal | float | None, unit: str) -> str:
    """A figure as reports print it: a ratio as a percentage with one decimal, other figures to two decimals."""
    if value is None:
        return "—"
    v = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if unit == "ratio":
        return f"{(v * 100).quantize(Decimal('0.1'))}%"
    q = v.quantize(Decimal("0.01"))
    text = format(q, "f").rstrip("0").rstrip(".") if "." in format(q, "f") else format(q, "f")
    return "0" if text in ("-0", "") else text


REFORM_TARGET_RULE = register_rule(Rule(
    "reform-target-missed", "QD501", Severity.error, "改革目标未达到", "Reform target missed",
    bad='[targets]\nbaseline = "v2025.1"\n"材料减少率" = ">= 0.70"\n\n'
        '# v2025.1 → 当前：申请人提交的材料从 10 份减到 6 份，材料减少率 40%，未达到 70%',
    good='[targets]\nbaseline = "v2025.1"\n"材料减少率" = ">= 0.30"\n\n'
         '# v2025.1 → 当前：申请人提交的材料从 10 份减到 6 份，材料减少率 40%，达到 30%',
    explanation="A reform plan states targets against a baseline version of the catalog in the [targets] table of "
                "qingdan.toml: an indicator (docs/indicators.md defines each one), a comparison and a threshold, and "
                "the git revision (or directory) of the baseline. `qingdan check --targets` and `qingdan diff` compute "
                "each indicator from the baseline and the current catalog and report every target the current catalog "
                "misses, at its line in qingdan.toml, with the figures before and after. The indicators are computed "
                "from the compiled rule files, never typed by hand: to meet a target, change the rules (cancel or "
                "delegate powers, make materials shared, cut limits), or change the plan.",
    group="reform",
))
