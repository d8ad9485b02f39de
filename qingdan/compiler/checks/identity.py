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
from ..condition_text import is_not_a_condition, is_truncated, says_no_condition
from ..config import PatternError, user_pattern
from ..diagnostics import Diagnostic, Rule, Severity, diag, related
from .common import dept_en, dept_zh, loc_key, value_loc
from .registry import check

# The common national shapes of matter codes:
# - implementation code (实施编码): the implementing body's 18-character unified social
#   credit code followed by 12 to 16 digits or capitals (31 or 33 characters in practice),
#   e.g. 11330100MB0000001R4330100001000;
# - basic code (基本编码): 10 to 12 digits, optionally ending in a capital, e.g. 000105004000, 44010200200Y;
# - local list codes: a 6-digit region code and an upper-case category abbreviation with a
#   serial number, e.g. 330100-XK-0001 or XK-330100-0001.
DEFAULT_CODE_PATTERN = (
    r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}[0-9A-Z]{12,16}"
    r"|[0-9]{10,12}[A-Z]?"
    r"|[0-9]{6}-[A-Z]{2,6}-[0-9]{2,8}"
    r"|[A-Z]{2,6}-[0-9]{6}-[0-9]{2,8}"
)

# GB 32100-2015: the unified social credit code (统一社会信用代码) is 18 characters from this
# set; the last is a check character over the first 17 with these weights. Its characters 9 to
# 17 are the organisation code of GB 11714, which carries a check digit of its own.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# a matter code that embeds a credit code: the implementation code (实施编码)
_EMBEDS_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}[0-9A-Z]{12,16}")


def credit_check_char(first17: str) -> str | None:
    """The check character (GB 32100-2015) of a credit code's first 17 characters, or None if they are not valid characters."""
    if len(first17) != 17 or any(ch not in CREDIT_CHARSET for ch in first17):
        return None
    total = sum(CREDIT_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_code_valid(code: str) -> bool:
    """Whether an 18-character unified social credit code carries the right check character."""
    return len(code) == 18 and credit_check_char(code[:17]) == code[17]


def _org_code_valid(code: str) -> bool:
    """Whether a 9-character organisation code (GB 11714) carries the right check digit."""
    if len(code) != 9 or not all(ch.isdigit() or "A" <= ch <= "Z" for ch in code[:8]):
        return False
    rest = 11 - sum(int(ch, 36) * w for ch, w in zip(code[:8], _ORG_WEIGHTS)) % 11
    return code[8] == {10: "X", 11: "0"}.get(rest, str(rest))


def swapped_credit_code(code: str) -> str | None:
    """The one credit code that swapping two neighbouring characters of ``code`` makes valid, with its
    organisation code valid too (the usual typing slip), or None when there is none or more than one."""
    found = []
    for i in range(17):
        cand = code[:i] + code[i + 1] + code[i] + code[i + 2:]
        if cand != code and credit_code_valid(cand) and _org_code_valid(cand[8:17]):
            found.append(cand)
    return found[0] if len(found) == 1 else None


INVALID_CODE = Rule(
    "invalid-code", "QD401", Severity.error,
    "事项编码格式不正确",
    "Matter code has the wrong shape",
    group="identity",
    explanation=(
        "A matter's code (事项编码) must have one of the national shapes, so that portals and other "
        "systems can find the matter: the implementation code (实施编码, the implementing body's "
        "18-character unified social credit code followed by 12 to 16 digits or capitals, e.g. "
        "`11330100MB0000001R4330100001000`), the basic code (基本编码, 10 to 12 digits with an optional "
        "capital, e.g. `000105004000`), or a local list code such as `330100-XK-0001`. Full-width "
        "characters, spaces and lower-case letters are not accepted.\n\n"
        "An implementation code begins with the body's unified social credit code, whose 18th character "
        "is a check character (GB 32100-2015: weights 1, 3, 9, 27 … 28 over the first 17, modulo 31); a "
        "code whose check character is wrong has a typing slip in the credit code, and is reported with "
        "the expected character. When swapping two neighbouring characters gives a valid credit code "
        "(and a valid organisation code, GB 11714), the message suggests it. This is checked whatever "
        "`code-pattern` says.\n\n"
        "A project with another scheme sets its own regular expression (matched against the whole code): "
        "`[checks] code-pattern = \"^[0-9A-Z]{6,40}$\"` in qingdan.toml. It is matched with RE2, in time "
        "proportional to the code's length, so it has no backreferences or look-around."
    ),
    bad='事项 x "某审批" {\n  编码: "XK 0001"\n}\n',
    good='事项 x "某审批" {\n  编码: "11330100MB0000001R4330100001000"\n}\n',
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
        if mt.code is None:
            continue
        if pattern.fullmatch(mt.code):
            if _EMBEDS_CREDIT_CODE.fullmatch(mt.code) and not credit_code_valid(mt.code[:18]):
                out.append(_bad_check_char(c, mt, mt.code))
            continue
        if custom:
            zh_why, en_why = f"不符合项目规定的编码格式 {custom}", f"does not match the project's code-pattern {custom}"
        else:
            zh_why = "不符合国家事项编码的常见格式（如实施编码 11330100MB0000001R4330100001000、基本编码 000105004000、地方编码 330100-XK-0001）"
            en_why = "has none of the national shapes (implementation code 11330100MB0000001R4330100001000, basic code 000105004000, local code 330100-XK-0001)"
        out.append(diag(
            "invalid-code",
            f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）的编码“{mt.code}”{zh_why}；项目另有编码规则时可在 qingdan.toml 的 [checks] code-pattern 中设置",
            f"the code '{mt.code}' of matter '{mt.id}' (department {dept_en(mt.department)}) {en_why}; a project with another scheme sets [checks] code-pattern",
            value_loc(mt, "code"),
        ))
    return out


def _bad_check_char(c: m.CatalogModel, mt: m.Matter, code: str) -> Diagnostic:
    credit, expected = code[:18], credit_check_char(code[:17])
    swap = swapped_credit_code(credit)
    hint_zh = f"；可能是相邻两位写颠倒了，应为“{swap}”" if swap else ""
    hint_en = f"; two neighbouring characters may be swapped: '{swap}'" if swap else ""
    return diag(
        "invalid-code",
        f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）的编码“{code}”以统一社会信用代码“{credit}”开头，但其校验码“{credit[17]}”不对"
        f"（按 GB 32100-2015 应为“{expected}”），代码中有录入错误{hint_zh}；请核对实施主体的统一社会信用代码",
        f"the code '{code}' of matter '{mt.id}' (department {dept_en(mt.department)}) begins with the unified social credit code '{credit}', "
        f"whose check character '{credit[17]}' is wrong (GB 32100-2015 gives '{expected}'): the credit code was mistyped{hint_en}; "
        f"check the implementing body's credit code",
        value_loc(mt, "code"),
        suggestion=swap + code[18:] if swap else None,
    )


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
        "the facts it depends on and write the expression. A warning by default.\n\n"
        "Not reported: a text that says there is no condition (`无条件受理`, `无受理条件`, "
        "`社会公众均可提出申请`: better written as no condition at all), an instruction or topic that "
        "sets no requirement (`直接申请`, `按需查询办证进度`, `1.按办事指南，备齐所有材料`, a text that only "
        "repeats the matter's name), and a text cut off before its list, which `truncated-condition` "
        "reports. A text that refers the applicant elsewhere (`以本年度通知文件为准`) is reported: the "
        "conditions should be written out."
    ),
    bad='事项 x "某审批" {\n  条件 场所达标 "具有与经营规模相适应的经营场所"\n}\n',
    good=('事项 x "某审批" {\n  事实 经营面积 "经营场所面积（平方米）": 数字\n'
          '  条件 场所达标 "经营场所面积不少于20平方米" {\n    当: 经营面积 >= 20\n  }\n}\n'),
)


def _names(catalog: Catalog, mt: m.Matter) -> tuple[str, ...]:
    power = catalog.power_of(mt)
    return (mt.name, power.name) if power is not None else (mt.name,)


@check(VAGUE)
def vague_condition(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        for cond in mt.conditions:
            if cond.expr is not None or "when" in cond.locs or not cond.text:
                continue
            if says_no_condition(cond.text) or is_truncated(cond.text) or is_not_a_condition(cond.text, _names(catalog, mt)):
                continue
            out.append(diag(
                "vague-condition",
                f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）的条件“{cond.id}”（“{cond.text}”）只有文字，没有“当:”表达式，无法统一判定；请声明所需的事实并写出表达式",
                f"condition '{cond.id}' of matter '{mt.id}' (department {dept_en(mt.department)}) ('{cond.text}') has text but no '当:' expression, so it cannot be decided the same way twice; declare its facts and write the expression",
                cond.loc,
            ))
    return out


TRUNCATED = Rule(
    "truncated-condition", "QD404", Severity.error,
    "条件文字在列举之前中断，条件本身缺失",
    "Condition text stops before the list it announces",
    group="identity",
    explanation=(
        "A condition's text announces a list and stops: `申请人应符合以下条件：` ends at the colon, or "
        "`满足以下全部条件即可申请： 1、符合《…》；` ends after the first item. The conditions themselves "
        "are missing, so the guide tells the applicant that there are conditions without saying which "
        "(one province export had 146 licensing matters like this, mostly cut off by the system that "
        "exported them). Write the whole list, each item as its own condition, ideally with a `当:` "
        "expression. An error: the published guide is wrong until it is fixed. A condition reported here "
        "is not also reported by `vague-condition`."
    ),
    bad='事项 x "某审批" {\n  条件 受理条件 "申请人应当符合以下条件："\n}\n',
    good=('事项 x "某审批" {\n  事实 年龄 "申请人年龄": 数字\n'
          '  条件 年满十八周岁 "申请人年满十八周岁" {\n    当: 年龄 >= 18\n  }\n}\n'),
)


@check(TRUNCATED)
def truncated_condition(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        for cond in mt.conditions:
            if cond.expr is not None or "when" in cond.locs or not cond.text or not is_truncated(cond.text):
                continue
            shown = cond.text if len(cond.text) <= 60 else "…" + cond.text[-60:]
            out.append(diag(
                "truncated-condition",
                f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）的条件“{cond.id}”在列举之前中断（“{shown}”），"
                f"后面应有的条件没有写出；请补全所列条件，每一项写成一个条件",
                f"condition '{cond.id}' of matter '{mt.id}' (department {dept_en(mt.department)}) stops before the list it announces "
                f"('{shown}'): the conditions themselves are missing; write them out, one condition each",
                cond.loc,
            ))
    return out
