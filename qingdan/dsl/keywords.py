"""The vocabulary of the qingdan language: every keyword in English and Chinese.

This table is the single source for the grammar's reserved words, the lowering's
accepted keys, the formatter's keyword translation and the language reference.
Each entry maps a canonical English word to its Chinese form and extra aliases.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    en: str
    zh: str
    aliases: tuple[str, ...] = ()
    doc: str = ""

    def spellings(self) -> tuple[str, ...]:
        return (self.en, self.zh, *self.aliases)


def _table(*words: Word) -> dict[str, Word]:
    return {w.en: w for w in words}


# Declaration kinds (the word that opens a block).
KINDS = _table(
    Word("department", "部门", doc="a department (部门) with its level and region"),
    Word("law", "法规", ("法律",), doc="a law or regulation with its articles"),
    Word("article", "条款", ("条",), doc="one article of a law"),
    Word("power", "权力", doc="a power-list entry (权力清单)"),
    Word("responsibility", "责任", doc="a responsibility-list entry (责任清单)"),
    Word("negative", "负面清单", ("负面",), doc="a market-access negative-list entry"),
    Word("matter", "事项", doc="an approval or service matter"),
    Word("journey", "一件事", doc="a bundle of matters around one life or business event"),
    Word("fact", "事实", doc="a typed fact the applicant states"),
    Word("condition", "条件", doc="a condition over facts, with text and legal basis"),
    Word("material", "材料", doc="an application material"),
    Word("limits", "时限", doc="statutory and promised time limits"),
    Word("step", "步骤", ("环节",), doc="a process step with department and duration"),
    Word("result", "结果", doc="the licence or certificate a matter issues"),
    Word("office", "窗口", ("办理窗口", "受理窗口"), doc="a place where the matter is handled (办理地点): window, address, hours, phone"),
)

# A matter's fields that only a service guide (办事指南) needs, in the national standard order.
GUIDE_FIELDS = (
    Word("implementation_basis", "实施依据", doc="the regulations and documents the body implements the matter by (法规.条款)"),
    Word("accepting_body", "受理机构", doc="the body that accepts applications: a department's name or quoted text"),
    Word("deciding_body", "决定机构", doc="the body that decides: a department's name or quoted text"),
    Word("joint_bodies", "联办机构", ("联办部门",), doc="bodies handling the matter jointly: department names or quoted texts"),
    Word("fee_standard", "收费标准", doc="how the fee is computed, as text (with 收费: an amount or 收费)"),
    Word("fee_basis", "收费依据", doc="the legal basis of the fee (法规.条款)"),
    Word("review_standard", "审查标准", doc="what the reviewer checks, as text"),
    Word("quantity_limit", "数量限制", doc="a limit on how many are granted, as text (无数量限制 …)"),
    Word("office_hours", "办理时间", doc="office hours, as text"),
    Word("online_url", "网上办理地址", ("网办地址",), doc="where to apply online: an http(s) address"),
    Word("courier", "物流快递", ("快递", "快递送达"), doc="whether the result can be sent by courier: 是 or 否"),
    Word("booking", "网上预约", ("预约",), doc="online appointment: 是, 否, or the http(s) address to book at"),
    Word("complaint", "投诉", ("监督投诉", "监督投诉电话", "投诉电话"), doc="the supervision and complaint phone number"),
    Word("reconsideration", "复议", ("行政复议", "复议机关"), doc="where to apply for administrative reconsideration: a department's name or quoted text"),
    Word("litigation", "诉讼", ("行政诉讼", "诉讼机关"), doc="where to bring an administrative lawsuit: a court, as quoted text, or a name"),
)

# A material's fields that only a service guide needs.
GUIDE_MATERIAL_FIELDS = (
    Word("spec", "规格", ("材料规格", "纸张规格"), doc="paper size and format, as text (A4 …)"),
    Word("instructions", "填报须知", ("填写说明", "须知"), doc="how to fill in the material, as text"),
    Word("blank_form", "空白表格", ("表格",), doc="the blank form: a file of the project or an http(s) address"),
    Word("sample", "示例样表", ("样表", "示例"), doc="a filled-in sample: a file of the project or an http(s) address"),
    Word("acceptance", "受理标准", doc="what makes the material acceptable, as text"),
)

# Field keys allowed inside each kind of block, by canonical name.
FIELDS: dict[str, dict[str, Word]] = {
    "department": _table(
        Word("name", "名称"),
        Word("level", "层级"),
        Word("region", "区划"),
        Word("parent", "上级"),
        Word("contact", "联系方式", ("电话",)),
        Word("territory", "辖区", doc="a body that acts only inside a named zone of its region (a development zone's 管委会)"),
    ),
    "law": _table(
        Word("name", "名称"),
        Word("type", "类型"),
        Word("issuer", "制定机关"),
        Word("number", "文号"),
    ),
    "article": _table(Word("text", "内容")),
    "power": _table(
        Word("name", "名称"),
        Word("code", "编码"),
        Word("category", "类别", ("权力类型",)),
        Word("department", "部门", ("实施主体",)),
        Word("level", "层级"),
        Word("basis", "依据"),
        Word("status", "状态"),
        Word("effective_from", "生效"),
        Word("effective_to", "失效"),
        Word("division", "分级", ("分工",)),
        Word("note", "备注"),
    ),
    "responsibility": _table(
        Word("power", "权力"),
        Word("accept", "受理"),
        Word("review", "审查"),
        Word("decide", "决定"),
        Word("deliver", "送达"),
        Word("supervise", "监管"),
        Word("supervisor", "监管部门"),
        Word("accountability", "追责", ("追责情形",)),
        Word("basis", "依据"),
        Word("effective_from", "生效"),
        Word("effective_to", "失效"),
    ),
    "negative": _table(
        Word("name", "名称"),
        Word("code", "编码"),
        Word("type", "类型"),
        Word("description", "描述", ("措施",)),
        Word("department", "主管部门", ("部门",)),
        Word("implemented_by", "实施", ("实施事项",)),
        Word("activities", "活动"),
        Word("basis", "依据"),
        Word("effective_from", "生效"),
        Word("effective_to", "失效"),
    ),
    "matter": _table(
        Word("name", "名称"),
        Word("code", "编码"),
        Word("base_code", "基本编码", ("目录编码",), doc="the basic code of the catalog item the matter implements"),
        Word("category", "类别", ("事项类型",), doc="the matter's category; 公共服务 for a public service, which implements no power"),
        Word("power", "权力"),
        Word("department", "部门", ("实施主体",)),
        Word("level", "层级"),
        Word("basis", "依据", ("设定依据",)),
        Word("applicants", "对象", ("服务对象", "申请人")),
        Word("fee", "收费"),
        Word("channels", "渠道"),
        Word("visits", "到场", ("到现场次数",)),
        Word("contact", "咨询", ("联系方式", "咨询电话")),
        Word("location", "地点", ("办理地点",)),
        Word("activities", "活动"),
        # the elements of a national-platform service guide (办事指南)
        *GUIDE_FIELDS,
        Word("division", "分级", ("分工",)),
        Word("effective_from", "生效"),
        Word("effective_to", "失效"),
        Word("note", "备注"),
    ),
    "journey": _table(
        Word("name", "名称"),
        Word("matters", "事项"),
        Word("order", "先后", ("顺序",)),
        Word("target", "目标", ("目标时限",)),
        Word("department", "牵头部门", ("部门",)),
    ),
    "fact": _table(
        Word("label", "标签"),
        Word("type", "类型"),
        Word("required", "必填"),
        Word("unit", "单位"),
    ),
    "condition": _table(
        Word("text", "说明", ("内容",)),
        Word("when", "当", ("表达式",)),
        Word("basis", "依据"),
    ),
    "material": _table(
        Word("name", "名称"),
        Word("source", "来源", ("来源渠道",)),
        Word("required", "必需", ("必要",)),
        Word("only_when", "仅当"),
        Word("form", "形式", ("材料类型",)),
        Word("medium", "载体"),
        Word("copies", "份数"),
        Word("tolerated", "容缺"),
        Word("commitment", "承诺", ("告知承诺",)),
        Word("note", "备注"),
        # the elements of a material in a service guide
        *GUIDE_MATERIAL_FIELDS,
    ),
    "limits": _table(
        Word("statutory", "法定"),
        Word("promised", "承诺"),
    ),
    "step": _table(
        Word("name", "名称"),
        Word("department", "部门"),
        Word("duration", "用时", ("时长",)),
        Word("outside_limit", "不计时限", ("不计入时限", "特别程序"),
             doc="the step does not count against the time limit (听证, 检验, 鉴定 … 行政许可法 第四十五条); needs 依据"),
        Word("basis", "依据"),
    ),
    "result": _table(
        Word("name", "名称"),
        Word("type", "类型"),
        Word("sample", "样本", ("结果样本",), doc="a sample of the result: a file of the project or an http(s) address"),
    ),
    "office": _table(
        Word("name", "名称"),
        Word("address", "地址"),
        Word("opening_hours", "办理时间", ("时间",)),
        Word("phone", "电话", ("咨询电话",)),
    ),
}

# Which kinds may be nested in which (None = top level of a file).
CHILDREN: dict[str | None, tuple[str, ...]] = {
    None: ("department", "law", "power", "responsibility", "negative", "matter", "journey"),
    "law": ("article",),
    "matter": ("fact", "condition", "material", "limits", "step", "result", "office"),
}

# Enumerated values, by the enumeration they belong to.
ENUMS: dict[str, dict[str, Word]] = {
    "level": _table(
        Word("province", "省", ("省级",)),
        Word("city", "市", ("市级",)),
        Word("county", "县", ("县级", "区", "区级")),
        Word("township", "乡", ("乡级", "镇", "街道")),
    ),
    "category": _table(
        Word("licensing", "行政许可"),
        Word("penalty", "行政处罚"),
        Word("coercion", "行政强制"),
        Word("levy", "行政征收"),
        Word("benefit", "行政给付"),
        Word("inspection", "行政检查"),
        Word("confirmation", "行政确认"),
        Word("reward", "行政奖励"),
        Word("adjudication", "行政裁决"),
        Word("other", "其他行政权力"),
        Word("public_service", "公共服务"),
    ),
    "status": _table(
        Word("retain", "保留"),
        Word("cancel", "取消"),
        Word("delegate", "下放"),
        Word("transfer", "划转"),
        Word("merge", "合并"),
    ),
    "source": _table(
        Word("applicant", "申请人"),
        Word("issued_by", "签发", ("部门签发",)),
        Word("produced_by", "产出", ("事项产出",)),
    ),
    "form": _table(
        Word("original", "原件"),
        Word("copy", "复印件"),
        Word("original_and_copy", "原件和复印件"),
    ),
    "medium": _table(
        Word("paper", "纸质"),
        Word("electronic", "电子"),
        Word("paper_or_electronic", "纸质或电子"),
    ),
    "negative_type": _table(
        Word("prohibited", "禁止", ("禁止准入",)),
        Word("licensed", "许可", ("许可准入",)),
    ),
    "fact_type": _table(
        Word("number", "数字", ("数值",)),
        Word("bool", "布尔", ("是否",)),
        Word("text", "文本"),
        Word("enum", "枚举"),
        Word("date", "日期"),
    ),
    "channel": _table(
        Word("online", "网上", ("网办",)),
        Word("window", "窗口"),
        Word("mail", "邮寄"),
        Word("mobile", "移动端", ("掌上",)),
    ),
    "fee": _table(Word("free", "免费", ("不收费",))),
    # The words a time limit may take instead of a duration (时限 { 法定: 无; 承诺: 即办 }).
    "limit": _table(
        Word("none", "无", ("无法定时限",), doc="法定: 无 — the law sets no time limit for this matter"),
        Word("on_the_spot", "即办", ("即办件", "当场办结"), doc="承诺: 即办 — handled on the spot (即办件)"),
    ),
    "law_type": _table(
        Word("statute", "法律"),
        Word("administrative_regulation", "行政法规"),
        Word("local_regulation", "地方性法规"),
        Word("rule", "规章"),
        Word("normative_document", "规范性文件"),
    ),
}

# Which enumeration a field's bare words come from (the formatter translates them, the
# language server completes and explains them).
FIELD_ENUMS: dict[tuple[str, str], str] = {
    ("department", "level"): "level",
    ("power", "level"): "level",
    ("matter", "level"): "level",
    ("power", "category"): "category",
    ("power", "status"): "status",
    ("negative", "type"): "negative_type",
    ("law", "type"): "law_type",
    ("material", "source"): "source",
    ("material", "form"): "form",
    ("material", "medium"): "medium",
    ("matter", "channels"): "channel",
    ("matter", "fee"): "fee",
    ("fact", "type"): "fact_type",
    ("limits", "statutory"): "limit",
    ("limits", "promised"): "limit",
}

# Reserved words of the expression and value syntax. Each class becomes
# grammar terminals; the first spelling of each language is canonical.
RESERVED: dict[str, Word] = {
    "and": Word("and", "且", ("并且",)),
    "or": Word("or", "或", ("或者",)),
    "not": Word("not", "非", ("不",)),
    "in": Word("in", "属于"),
    "true": Word("true", "是", ("真",)),
    "false": Word("false", "否", ("假",)),
    "ge": Word(">=", "不小于", ("至少", "≥")),
    "le": Word("<=", "不大于", ("至多", "≤")),
    "gt": Word(">", "大于", ("超过",)),
    "lt": Word("<", "小于", ("低于",)),
    "eq": Word("==", "等于", ("=",)),
    "ne": Word("!=", "不等于", ("≠",)),
}

# Units of quantities: time units, money and visit counts.
UNITS = _table(
    Word("working_days", "工作日", ("个工作日", "workdays")),
    Word("natural_days", "自然日", ("个自然日",)),
    # 天/日 without saying which: counted as natural days; ambiguous-day-unit warns
    Word("days", "天", ("日",)),
    Word("hours", "小时", ("个小时",)),
    Word("yuan", "元"),
    Word("times", "次"),
)

TIME_UNITS = ("working_days", "natural_days", "days", "hours")


def _no_reserved_keys() -> None:
    """A field key or kind that is also a reserved word (a unit, 是, 且 …) could never be written: refuse it here."""
    reserved = {s for w in (*RESERVED.values(), *UNITS.values()) for s in w.spellings()}
    for table in (KINDS, *FIELDS.values()):
        for word in table.values():
            clash = reserved.intersection(word.spellings())
            if clash:
                raise AssertionError(f"keyword {word.en!r} is spelled like a reserved word: {sorted(clash)}")


_no_reserved_keys()


def lookup(table: dict[str, Word], text: str) -> str | None:
    """Return the canonical name of ``text`` in ``table``, or None."""
    indexed = _SPELLING_INDEX.get(id(table))
    if indexed is not None and indexed[0] is table:
        return indexed[1].get(text)
    for canon, word in table.items():  # an ad-hoc table: scan it
        if text in word.spellings():
            return canon
    return None


@dataclass
class Vocabulary:
    """Derived lookup tables, built once."""

    reserved_spellings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for canon, word in RESERVED.items():
            for s in word.spellings():
                self.reserved_spellings[s] = canon
        for canon, word in UNITS.items():
            for s in word.spellings():
                self.reserved_spellings[s] = "unit:" + canon


VOCAB = Vocabulary()


def _index_tables() -> dict[int, tuple[dict[str, Word], dict[str, str]]]:
    """Spelling → canonical name for every vocabulary table (first spelling wins, as in a scan)."""
    tables = [KINDS, RESERVED, UNITS, *FIELDS.values(), *ENUMS.values()]
    out = {}
    for table in tables:
        index: dict[str, str] = {}
        for canon, word in table.items():
            for spelling in word.spellings():
                index.setdefault(spelling, canon)
        out[id(table)] = (table, index)
    return out


_SPELLING_INDEX = _index_tables()
