"""Diagnostics and the rule registry.

A diagnostic has a stable rule name and code, a severity, a message in Chinese and
English, a primary location and related locations. Rules are registered once with
their docs (a bad and a good example), so every output format and `qingdan explain`
can describe them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

from ..dsl.spelling import did_you_mean, edit_distance
from .text import Text, did_you_mean_suffix

__all__ = ["RULES", "Diagnostic", "Loc", "Related", "Rule", "Severity", "diag", "did_you_mean", "edit_distance", "register_rule", "related"]


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    off = "off"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1, "off": 0}[self.value]


class Loc(NamedTuple):
    """A source location: file path (relative to the project) and a 1-based span.

    A named tuple rather than a model: there are millions of them in a large catalog.
    """

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def sort_key(self) -> tuple[str, int, int]:
        return (self.file, self.line, self.col)

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled by tuple.__new__ itself, not by a Python-level __new__: there are millions.
        return (tuple.__new__, (Loc, tuple(self)))


@dataclass(frozen=True)
class Rule:
    name: str
    code: str
    severity: Severity
    summary_zh: str
    summary_en: str
    bad: str = ""
    good: str = ""
    explanation: str = ""
    group: str = "core"

    def summary(self, lang: str) -> str:
        return self.summary_zh if lang == "zh" else self.summary_en



RULES: dict[str, Rule] = {}


def register_rule(rule: Rule) -> Rule:
    if rule.name in RULES and RULES[rule.name] != rule:
        raise ValueError(f"rule {rule.name} registered twice")
    if any(r.code == rule.code and r.name != rule.name for r in RULES.values()):
        raise ValueError(f"rule code {rule.code} used twice")
    RULES[rule.name] = rule
    return rule


@dataclass(frozen=True)
class Related:
    loc: Loc
    text: Text

    def __init__(self, loc: Loc, zh: str, en: str) -> None:
        object.__setattr__(self, "loc", loc)
        object.__setattr__(self, "text", Text(zh, en))

    def message(self, lang: str) -> str:
        return self.text(lang)


def related(loc: Loc | None, zh: str, en: str) -> list[Related]:
    """A related note at ``loc``, or none when the location is unknown."""
    return [Related(loc, zh, en)] if loc is not None else []


@dataclass
class Diagnostic:
    """One finding. ``message`` adds the did-you-mean of ``suggestion`` in the reader's language."""

    rule: str
    severity: Severity
    text: Text  # the finding itself, without the suggestion
    loc: Loc | None
    related: list[Related] = field(default_factory=list)
    suggestion: str | None = None  # a replacement an editor can apply: a name, a field line
    misspelt: bool = False  # the suggestion is the known name closest to a misspelt one
    waived: str | None = None  # the waiver's reason, when waived

    def message(self, lang: str) -> str:
        """The message in ``lang``, ending with "did you mean …?" when a name looks misspelt."""
        return (self.text + did_you_mean_suffix(self.suggestion if self.misspelt else None))(lang)

    @property
    def message_zh(self) -> str:
        return self.message("zh")

    @property
    def message_en(self) -> str:
        return self.message("en")

    @property
    def code(self) -> str:
        return RULES[self.rule].code

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.loc.sort_key() if self.loc else ("", 0, 0)
        return (*loc, RULES[self.rule].code, self.text.en)


def diag(rule: str, zh: str, en: str, loc: Loc | None, *, related: Iterable[Related] = (), suggestion: str | None = None,
         did_you_mean: str | None = None) -> Diagnostic:
    """Build a diagnostic with the rule's default severity (projects may override later).

    ``zh`` and ``en`` say what is wrong. ``suggestion`` is a fix to apply; ``did_you_mean``
    is the known name closest to a misspelt one: it becomes the suggestion, and every
    message ends with "did you mean …?" (rendered here, never written into the text).
    """
    if did_you_mean:
        return Diagnostic(rule, RULES[rule].severity, Text(zh, en), loc, list(related), did_you_mean, misspelt=True)
    return Diagnostic(rule, RULES[rule].severity, Text(zh, en), loc, list(related), suggestion)


# The bad example of condition-too-complex: eighteen yes/no facts, two choices for each pair of
# neighbours: 2^18 cases to go through before the last two tests show that it never holds.
_EIGHTEEN_FACTS = "; ".join(f'事实 f{i} "条件{i}": 布尔' for i in range(1, 19))
_EIGHTEEN_CHOICES = " 且 ".join(f"(f{i} 或 f{i % 18 + 1})" for i in range(1, 19))

# The rules every project gets from the language itself.
for _rule in (
    Rule(
        "syntax-error", "QD001", Severity.error, "语法错误", "Syntax error",
        bad='事项 开办餐馆 {\n  名称 "缺少冒号"\n', good='事项 开办餐馆 {\n  名称: "有冒号"\n}\n',
        explanation="The file does not follow the grammar of the rule language. The message says what was found and what was expected there. "
                    "An unclosed '{', '(' or string is reported once, at the opening bracket or quote, with where to add its partner "
                    "(and, as related information, where the parser gave up); a number in Chinese numerals or a misspelt unit "
                    "after a number is reported at the word, with the digits or the unit to write. While a file has a syntax error, "
                    "its other findings, and findings elsewhere about names it contains, wait until it parses: they may be "
                    "consequences of the error.",
    ),
    Rule(
        "unreadable-file", "QD002", Severity.error, "文件无法读取", "File cannot be read",
        bad="(a file saved as GBK, or a binary file named .qd)", good="(a UTF-8 text file)",
        explanation="Rule files must be UTF-8 text. The diagnostic points at the first byte that is not valid UTF-8, or says why the file could not be read. "
                    "A file that reads as GBK/GB18030 (what Chinese Windows editors often save) is named as such, with the command that converts it. "
                    "It also points at a 空白表格, 示例样表 or 样本 that names a file of the project which does not exist, is not a "
                    "regular file, is larger than 20 MB or is a link leading outside the project.",
    ),
    Rule(
        "unknown-keyword", "QD003", Severity.error, "未知的关键字或字段", "Unknown keyword or field",
        bad="事项 x {\n  部们: 市场监管局\n}\n", good="事项 x {\n  部门: 市场监管局\n}\n",
        explanation="Every block kind and field key must be one the language knows. Unknown ones are errors, never ignored; the message suggests the closest known word.",
    ),
    Rule(
        "unknown-reference", "QD004", Severity.error, "引用了不存在的名称", "Reference to an unknown name",
        bad="事项 x {\n  部门: 市场监管句\n}\n", good="事项 x {\n  部门: 市场监管局\n}\n",
        explanation="A name that refers to a department, power, law, article, matter, result, fact or condition must be declared somewhere in the project.",
    ),
    Rule(
        "duplicate-id", "QD005", Severity.error, "名称重复定义", "Duplicate identifier",
        bad='部门 应急局 "甲" {}\n部门 应急局 "乙" {}\n', good='部门 应急局 "甲" {}\n部门 医保局 "乙" {}\n',
        explanation="Each declaration's identifier must be unique among the declarations of its namespace. The message points at both definitions.",
    ),
    Rule(
        "type-error", "QD006", Severity.error, "类型错误", "Type error",
        bad='事项 x "某审批" {\n  事实 年龄 "年龄": 数字\n  条件 成年 "年满18周岁" { 当: 年龄 >= "十八" }\n}\n',
        good='事项 x "某审批" {\n  事实 年龄 "年龄": 数字\n  条件 成年 "年满18周岁" { 当: 年龄 >= 18 }\n}\n',
        explanation="Comparisons must compare a fact with a value of its own type: numbers with numbers, dates with dates, an enum with one of its declared values.",
    ),
    Rule(
        "invalid-value", "QD007", Severity.error, "字段的值不正确", "Invalid field value",
        bad="部门 x { 层级: 火星 }", good="部门 x { 层级: 市 }",
        explanation="The value does not have the shape the field needs, or is not one of the allowed words.",
    ),
    Rule(
        "duplicate-field", "QD008", Severity.error, "字段重复", "Field given twice",
        bad="部门 x {\n  层级: 市\n  层级: 县\n}", good="部门 x {\n  层级: 市\n}",
        explanation="A field may appear once in a block; the second occurrence would silently win.",
    ),
    Rule(
        "invalid-waiver", "QD009", Severity.error, "豁免缺少理由或规则名", "Waiver without reason or rule",
        bad='事项 x "某审批" {\n  到场: 2 次  # 豁免 too-many-visits\n}\n',
        good='事项 x "某审批" {\n  到场: 2 次  # 豁免 too-many-visits: 需现场核验原件\n}\n',
        explanation="A waiver must name an existing rule and give a reason after a colon, so reviewers can see why the finding is accepted.",
    ),
    Rule(
        "config-error", "QD010", Severity.error, "项目配置错误", "Project configuration error",
        bad='[checks]\ntoo-many-visit = "error"', good='[checks]\ntoo-many-visits = "error"',
        explanation="qingdan.toml must be valid TOML with known sections and keys.",
    ),
    Rule(
        "unused-waiver", "QD011", Severity.warning, "豁免没有对应的问题", "Waiver matches no finding",
        bad='部门 应急局 "应急管理局" {\n  层级: 市  # 豁免 too-many-visits: 旧的理由\n}\n',
        good='部门 应急局 "应急管理局" {\n  层级: 市\n}\n',
        explanation="A waiver that no longer matches any finding should be removed, so that waivers stay meaningful.",
    ),
    Rule(
        "constant-condition", "QD012", Severity.warning, "条件恒真或恒假", "Condition is always true or always false",
        bad='事项 x "某审批" {\n  事实 年龄 "年龄": 数字\n  条件 c "x" { 当: 年龄 > 60 且 年龄 < 18 }\n}\n',
        good='事项 x "某审批" {\n  事实 年龄 "年龄": 数字\n  条件 c "x" { 当: 年龄 > 60 或 年龄 < 18 }\n}\n',
        explanation="An expression that can never be true, or never be false, decides nothing and is almost always a typo.",
    ),
    Rule(
        "condition-too-complex", "QD013", Severity.info, "条件太复杂，无法检查", "Condition too complex to analyse",
        bad=('事项 x "某审批" {\n  事实 年龄 "年龄": 数字\n'
             f"  {_EIGHTEEN_FACTS}\n  条件 c \"x\" {{ 当: {_EIGHTEEN_CHOICES} 且 年龄 > 60 且 年龄 < 18 }}\n}}\n"),
        good='事项 x "某审批" {\n  事实 年龄 "年龄": 数字\n  事实 f1 "条件1": 布尔; 事实 f2 "条件2": 布尔\n'
             '  条件 c "x" { 当: (f1 或 f2) 且 年龄 > 18 }\n}\n',
        explanation="The constant-condition check (QD012) analyses every condition and every 'only when'. It is bounded, "
                    "so that no rule file can make qingdan slow: an expression with more than 2000 parts once the "
                    "conditions it refers to are written out, or one with too many cases to go through, is not "
                    "analysed, and this note says so at the expression instead of skipping it silently. Simplify the "
                    "expression, or split the parts joined by 'and' into several conditions (every condition must hold).",
    ),
):
    register_rule(_rule)
