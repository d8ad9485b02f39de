"""Identity and discretion checks (QD4xx): matter codes and conditions that decide nothing.

"同一事项、同一标准": a matter is found by its code everywhere, so codes must have the
national shape and be unique; a condition must be precise enough to be decided the same
way twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .. import model as m
from ..catalog import Catalog
from ..config import PatternError, user_pattern
from ..diagnostics import Diagnostic, Rule, Severity, diag, related
from .common import dept_en, dept_zh, loc_key, value_loc
from .registry import check

# The common national shapes of matter codes:
# - implementation code (实施编码): the implementing body's 18-character unified social
#   credit code followed by 12 to 16 digits or capitals (31 or 33 characters in practice),
#   e.g. 11330100MB0000001X4330100001000;
# - basic code (基本编码): 10 to 12 digits, optionally ending in a capital, e.g. 000105004000, 44010200200Y;
# - local list codes: a 6-digit region code and an upper-case category abbreviation with a
#   serial number, e.g. 330100-XK-0001 or XK-330100-0001.
DEFAULT_CODE_PATTERN = (
    r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}[0-9A-Z]{12,16}"
    r"|[0-9]{10,12}[A-Z]?"
    r"|[0-9]{6}-[A-Z]{2,6}-[0-9]{2,8}"
    r"|[A-Z]{2,6}-[0-9]{6}-[0-9]{2,8}"
)

INVALID_CODE = Rule(
    "invalid-code", "QD401", Severity.error,
    "事项编码格式不正确",
    "Matter code has the wrong shape",
    group="identity",
    explanation=(
        "A matter's code (事项编码) must have one of the national shapes, so that portals and other "
        "systems can find the matter: the implementation code (实施编码, the implementing body's "
        "18-character unified social credit code followed by 12 to 16 digits or capitals, e.g. "
        "`11330100MB0000001X4330100001000`), the basic code (基本编码, 10 to 12 digits with an optional "
        "capital, e.g. `000105004000`), or a local list code such as `330100-XK-0001`. Full-width "
        "characters, spaces and lower-case letters are not accepted.\n\n"
        "A project with another scheme sets its own regular expression (matched against the whole code): "
        "`[checks] code-pattern = \"^[0-9A-Z]{6,40}$\"` in qingdan.toml. It is matched with RE2, in time "
        "proportional to the code's length, so it has no backreferences or look-around."
    ),
    bad='事项 x "某审批" {\n  编码: "XK 0001"\n}\n',
    good='事项 x "某审批" {\n  编码: "11330100MB0000001X4330100001000"\n}\n',
)


@check(INVALID_CODE)
def invalid_code(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    custom = c.config.code_pattern
    # The project's pattern runs on RE2: linear time whatever is written (qingdan.toml has
    # already refused a pattern RE2 cannot run; a catalog built otherwise keeps the default).
    pattern: Any = re.compile(DEFAULT_CODE_PATTERN)
    if custom:
        try:
            pattern = user_pattern(custom)
        except PatternError:
            custom = None
    out = []
    for mt in c.matters.values():
        if mt.code is None or pattern.fullmatch(mt.code):
            continue
        if custom:
            zh_why, en_why = f"不符合项目规定的编码格式 {custom}", f"does not match the project's code-pattern {custom}"
        else:
            zh_why = "不符合国家事项编码的常见格式（如实施编码 11330100MB0000001X4330100001000、基本编码 000105004000、地方编码 330100-XK-0001）"
            en_why = "has none of the national shapes (implementation code 11330100MB0000001X4330100001000, basic code 000105004000, local code 330100-XK-0001)"
        out.append(diag(
            "invalid-code",
            f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）的编码“{mt.code}”{zh_why}；项目另有编码规则时可在 qingdan.toml 的 [checks] code-pattern 中设置",
            f"the code '{mt.code}' of matter '{mt.id}' (department {dept_en(mt.department)}) {en_why}; a project with another scheme sets [checks] code-pattern",
            value_loc(mt, "code"),
        ))
    return out


DUPLICATE_CODE = Rule(
    "duplicate-code", "QD402", Severity.error,
    "编码重复",
    "Code used twice",
    group="identity",
    explanation=(
        "Two matters (or two powers, or two negative-list entries) with the same code cannot be told "
        "apart by the systems that exchange them. Each later declaration that reuses a code is "
        "reported at its code, pointing at the first. Matters, powers and negative-list entries have "
        "separate code spaces."
    ),
    bad='事项 甲 "甲审批" { 编码: "330100-XK-0001" }\n事项 乙 "乙审批" { 编码: "330100-XK-0001" }\n',
    good='事项 甲 "甲审批" { 编码: "330100-XK-0001" }\n事项 乙 "乙审批" { 编码: "330100-XK-0002" }\n',
)

_KIND_ZH = {"matter": "事项", "power": "权力", "negative": "负面清单"}


@check(DUPLICATE_CODE)
def duplicate_code(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for kind, table in (("matter", c.matters), ("power", c.powers), ("negative", c.negatives)):
        by_code: dict[str, list[m.Power | m.Matter | m.NegativeEntry]] = {}
        for node in table.values():
            if node.code:
                by_code.setdefault(node.code.strip(), []).append(node)
        for code, nodes in sorted(by_code.items()):
            if len(nodes) < 2:
                continue
            nodes.sort(key=lambda n: loc_key(n.loc))
            first = nodes[0]
            all_ids = "、".join(f"“{n.id}”" for n in nodes)
            for n in nodes[1:]:
                dept = getattr(n, "department", None)
                out.append(diag(
                    "duplicate-code",
                    f"{_KIND_ZH[kind]}“{n.id}”（部门{dept_zh(c, dept)}）的编码“{code}”已被{_KIND_ZH[kind]}“{first.id}”（部门{dept_zh(c, getattr(first, 'department', None))}）使用"
                    f"（使用它的有{all_ids}）；编码必须唯一",
                    f"the code '{code}' of {kind} '{n.id}' (department {dept_en(dept)}) is already used by {kind} '{first.id}' "
                    f"(department {dept_en(getattr(first, 'department', None))}); codes must be unique",
                    value_loc(n, "code"),
                    related=related(value_loc(first, "code"), f"“{first.id}”的编码在这里", f"the code of '{first.id}' is here"),
                ))
    return out


VAGUE = Rule(
    "vague-condition", "QD403", Severity.warning,
    "条件只有文字，没有可判定的表达式",
    "Condition has text but no evaluable expression",
    group="identity",
    explanation=(
        "Rules as code: a condition should be decidable the same way every time. A condition with a "
        "plain-language text but no `当:` expression over the matter's facts leaves the decision to "
        "discretion (自由裁量) and cannot be evaluated, tested or turned into a decision table. Declare "
        "the facts it depends on and write the expression. A warning by default."
    ),
    bad='事项 x "某审批" {\n  条件 场所达标 "具有与经营规模相适应的经营场所"\n}\n',
    good=('事项 x "某审批" {\n  事实 经营面积 "经营场所面积（平方米）": 数字\n'
          '  条件 场所达标 "经营场所面积不少于20平方米" {\n    当: 经营面积 >= 20\n  }\n}\n'),
)


@check(VAGUE)
def vague_condition(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        for cond in mt.conditions:
            if cond.expr is not None or "when" in cond.locs or not cond.text:
                continue
            out.append(diag(
                "vague-condition",
                f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）的条件“{cond.id}”（“{cond.text}”）只有文字，没有“当:”表达式，无法统一判定；请声明所需的事实并写出表达式",
                f"condition '{cond.id}' of matter '{mt.id}' (department {dept_en(mt.department)}) ('{cond.text}') has text but no '当:' expression, so it cannot be decided the same way twice; declare its facts and write the expression",
                cond.loc,
            ))
    return out
