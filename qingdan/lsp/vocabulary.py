"""What the language's words mean to an editor: keyword meanings in both languages, which
fields name which kind of declaration, which fields take enumerated words, and the
language a file's keywords are written in.

The words themselves come from ``qingdan.dsl.keywords``; this module only adds what an
editor needs on top: sentences for hovers and the reference tables the index walks by.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dsl.keywords import CHILDREN, ENUMS, FIELD_ENUMS, FIELDS, KINDS, RESERVED, UNITS, Word

# The kinds declared at the top of a file, once per project.
GLOBAL_KINDS = ("department", "law", "power", "responsibility", "negative", "matter", "journey", "result")
# Declared inside a matter; their names are the matter's own.
LOCAL_KINDS = ("fact", "condition", "material", "step")

KIND_ZH: dict[str, str] = {
    "department": "部门：实施或监管事项的行政机关，写明层级和区划",
    "law": "法规：法律、法规或规章，下面列出被引用的条款",
    "article": "条款：法规中的一条，写明条文内容",
    "power": "权力：权力清单中的一项行政权力",
    "responsibility": "责任：责任清单中一项权力对应的责任事项",
    "negative": "负面清单：市场准入负面清单中的一项禁止或许可准入措施",
    "matter": "事项：政务服务事项（行政许可等），写明条件、材料和时限",
    "journey": "一件事：围绕一个办事场景打包办理的多个事项",
    "fact": "事实：申请人填写的带类型的信息（数字、布尔、文本、枚举、日期）",
    "condition": "条件：对事实的判断，带说明文字和法律依据",
    "material": "材料：申请时需要提交或由部门共享获取的材料",
    "limits": "时限：法定办结时限和承诺办结时限",
    "step": "步骤：办理环节，写明办理部门和用时",
    "result": "结果：事项办结后发放的证照或批文",
    "office": "窗口：办理地点中的一个窗口，写明地址、办理时间和电话",
}
for _kind, _word in KINDS.items():  # a kind added to the vocabulary later still has a description
    KIND_ZH.setdefault(_kind, f"{_word.zh}：{_word.doc}")

KIND_EN: dict[str, str] = {k: w.doc for k, w in KINDS.items()}


ENUM_ZH = {
    "level": "层级", "category": "权力类别", "status": "权力状态", "source": "材料来源", "form": "材料形式",
    "medium": "材料载体", "negative_type": "负面清单类型", "fact_type": "事实类型", "channel": "办理渠道",
    "fee": "收费", "law_type": "法规类型", "limit": "时限",
}

# What the names in a field refer to: the kinds tried in order (as the compiler resolves them),
# "citation" for law.article, "expr" for an expression over the matter's facts and conditions.
FIELD_REFS: dict[tuple[str, str], tuple[str, ...]] = {
    ("department", "parent"): ("department",),
    ("power", "department"): ("department",),
    ("power", "basis"): ("citation",),
    ("responsibility", "power"): ("power",),
    ("responsibility", "supervisor"): ("department",),
    ("responsibility", "basis"): ("citation",),
    ("negative", "department"): ("department",),
    ("negative", "implemented_by"): ("matter", "power"),
    ("negative", "basis"): ("citation",),
    ("matter", "power"): ("power",),
    ("matter", "department"): ("department",),
    ("matter", "basis"): ("citation",),
    ("journey", "matters"): ("matter",),
    ("journey", "order"): ("matter",),
    ("journey", "department"): ("department",),
    ("condition", "basis"): ("citation",),
    ("condition", "when"): ("expr",),
    ("material", "only_when"): ("expr",),
    ("step", "department"): ("department",),
}

# Arguments of the calls that name something: 签发(部门), 产出(结果), 划转(部门), 合并(权力).
CALL_REFS: dict[tuple[str, str], str] = {
    ("source", "issued_by"): "department",
    ("source", "produced_by"): "result",
    ("status", "transfer"): "department",
    ("status", "merge"): "power",
}

# Fields whose value is a quantity, and the units it may take.
FIELD_UNITS: dict[tuple[str, str], tuple[str, ...]] = {
    ("limits", "statutory"): ("working_days", "natural_days", "hours"),
    ("limits", "promised"): ("working_days", "natural_days", "hours"),
    ("step", "duration"): ("working_days", "natural_days", "hours"),
    ("journey", "target"): ("working_days", "natural_days", "hours"),
    ("matter", "fee"): ("yuan",),
    ("matter", "visits"): ("times",),
}

_RESERVED_ZH = {
    "and": "且：两边的条件都成立", "or": "或：两边的条件至少一个成立", "not": "非：条件不成立",
    "in": "属于：事实的值是列表中的一个", "true": "是：真", "false": "否：假",
    "ge": "不小于（>=）", "le": "不大于（<=）", "gt": "大于（>）", "lt": "小于（<）", "eq": "等于（==）", "ne": "不等于（!=）",
}
_RESERVED_EN = {
    "and": "and: both conditions hold", "or": "or: at least one condition holds", "not": "not: the condition does not hold",
    "in": "in: the fact's value is one of the list", "true": "true", "false": "false",
    "ge": "at least (>=)", "le": "at most (<=)", "gt": "greater than (>)", "lt": "less than (<)", "eq": "equals (==)", "ne": "differs from (!=)",
}
_UNIT_ZH = {"working_days": "工作日（不含周末和节假日）", "natural_days": "自然日（日历天数）", "hours": "小时", "yuan": "元（人民币）", "times": "次（到现场的次数）"}
_UNIT_EN = {"working_days": "working days (weekends and holidays not counted)", "natural_days": "calendar days", "hours": "hours",
            "yuan": "yuan (RMB)", "times": "times (visits in person)"}


@dataclass(frozen=True)
class Meaning:
    """One meaning of a keyword spelling: what it is, in Chinese and English."""

    word: Word
    zh: str
    en: str


def _spells(word: Word, text: str) -> bool:
    return text in word.spellings()


def _field_meaning(block: str, canon: str, word: Word) -> Meaning:
    what, what_en = "", ""
    if (block, canon) in FIELD_ENUMS:
        table = FIELD_ENUMS[block, canon]
        what = f"，取值为{ENUM_ZH[table]}：" + "、".join(w.zh for w in ENUMS[table].values())
        what_en = ", one of: " + ", ".join(w.en for w in ENUMS[table].values())
    refs = FIELD_REFS.get((block, canon), ())
    if refs and refs[0] not in ("citation", "expr"):
        what += "，写" + "或".join(KINDS[r].zh for r in refs) + "的名称"
        what_en = ", naming a " + " or ".join(refs)
    elif refs == ("citation",):
        what += "，写法规.条款，如 食品安全法.第三十五条"
        what_en = ", citing law.article, e.g. food_safety_law.art35"
    elif refs == ("expr",):
        what += "，写对事实的条件表达式"
        what_en = ", an expression over the matter's facts"
    return Meaning(word, f"“{KINDS[block].zh}”的字段“{word.zh}”{what}", f"field '{word.en}' of a {block}{what_en}")


def meanings(text: str, kind: str | None = None) -> list[Meaning]:
    """Every meaning of the keyword ``text``; inside a block (``kind``) whose field it is, that field alone."""
    if kind is not None:
        for canon, word in FIELDS.get(kind, {}).items():
            if _spells(word, text):
                return [_field_meaning(kind, canon, word)]
    out: list[Meaning] = []
    for canon, word in KINDS.items():
        if _spells(word, text):
            out.append(Meaning(word, f"声明类型 {KIND_ZH[canon]}", f"declaration kind: {KIND_EN[canon]}"))
    for block, fields in FIELDS.items():
        for canon, word in fields.items():
            if _spells(word, text) and not any(mn.word == word for mn in out):
                out.append(_field_meaning(block, canon, word))
    for table, words in ENUMS.items():
        for word in words.values():
            if _spells(word, text):
                out.append(Meaning(word, f"{ENUM_ZH[table]}的取值“{word.zh}”", f"a value of {table.replace('_', ' ')}: {word.en}"))
    for canon, word in RESERVED.items():
        if _spells(word, text):
            out.append(Meaning(word, f"运算符 {_RESERVED_ZH[canon]}", f"operator: {_RESERVED_EN[canon]}"))
    for canon, word in UNITS.items():
        if _spells(word, text):
            out.append(Meaning(word, f"单位 {_UNIT_ZH[canon]}", f"unit: {_UNIT_EN[canon]}"))
    return out


def child_kinds(parent: str | None) -> tuple[str, ...]:
    return CHILDREN.get(parent, ())


def spelling(word: Word, lang: str) -> str:
    """The canonical spelling of ``word`` in ``lang`` ("zh" or "en")."""
    return word.zh if lang == "zh" else word.en


def file_language(kind_words: list[str], default: str = "zh") -> str:
    """The language a file's keywords are written in: that of most of its declaration words."""
    en = sum(1 for w in kind_words if w.isascii())
    zh = len(kind_words) - en
    if en == zh:
        return default
    return "en" if en > zh else "zh"
