"""The importers' intermediate records and the value readers both importers share.

An importer reads rows into these plain records (departments, laws, powers,
responsibilities, negative-list entries, matters) and a list of ``Problem``s; the
writer turns records into rule files. References between records are by name (a
department's name, a power's key), never by rule-file identifier: identifiers are
made by the writer, once, for the whole project.

The readers here turn the texts found in real catalogs into the language's values:
``"30(工作日)"`` → (30, working days), ``"省级"`` → province, ``"行政许可"`` → licensing,
``"1次"`` → 1; ``"无"`` and friends mean absent, except in a statutory time limit, where
``"无"`` says the law sets none (``法定: 无``) and ``"即办"`` means handled on the spot. A text that cannot be read raises
``ValueProblem`` with a message for people, which the importer reports with the row.
``UNSAFE`` is the set of characters that never reach a rule file (control, format and
text-direction characters); ``clean`` removes them, the readers report where they were.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from ..compiler import model as m
from ..compiler.attachments import parse_url
from ..compiler.lower import DURATION_DECIMALS, MAX_DURATION, MAX_VISITS
from ..compiler.text import Text
from ..dsl.keywords import ENUMS, lookup

# ---------------------------------------------------------------- problems
ACTIONS = {  # what the importer did about a problem
    "skipped": Text("记录已跳过", "record skipped"),
    "omitted": Text("该值未导入，原文保留在注释中", "value not imported; the original is kept as a comment"),
    "kept": Text("已导入，其余内容保留在备注或注释中", "imported; the rest is kept in the note or a comment"),
    "assumed": Text("已按推定值导入，请核对", "imported with an assumed value; please verify"),
    "as-text": Text("已按原文（文字）导入，请核对", "imported as the text written; please verify"),
    "saved-result": Text("已按文件中保存的计算结果导入，请核对", "imported as the result saved in the file; please verify"),
    "cleaned": Text("已去掉这些字符后导入，请核对原始数据", "imported with these characters removed; please check the source"),
}


@dataclass
class Problem:
    """One thing that could not be mapped as it stands, with where it was found."""

    line: int  # line (JSON Lines) or row (workbook, CSV) number, 1-based; 0 for the file as a whole
    code: str  # short stable name: malformed-line, empty-name, duplicate-code, unknown-type, bad-time, ...
    message: Text
    action: str  # a key of ACTIONS
    field: str = ""
    value: str = ""
    record: str = ""  # the record's code or name, when known
    sheet: str = ""  # the worksheet, for workbooks
    column: str = ""  # the column's letters (A, B, … AA), for tables, when the problem is one cell's

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        return (self.sheet, self.line, len(self.column), self.column, self.code, self.field, self.value)


class ValueProblem(Exception):
    """A cell or field value that cannot be read; carries the message for the report."""

    def __init__(self, code: str, message: Text) -> None:
        super().__init__(message.en)
        self.code, self.message = code, message


# ---------------------------------------------------------------- records
@dataclass(frozen=True)
class Cite:
    law: str  # the law's title as written between 《》
    article: str | None = None  # 第三十九条, numbers in Chinese


@dataclass
class DeptRec:
    name: str
    level: str | None = None
    region: str | None = None
    contact: str | None = None
    code: str | None = None  # an organisation code, used for the file name when ASCII
    territory: str | None = None  # the zone it acts in, when only part of its region (a development zone's 管委会)
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PowerRec:
    key: str  # unique among powers: how matters and responsibilities refer to it
    name: str
    origin: str = ""  # where it came from, for the comment above it
    code: str | None = None
    category: str | None = None
    department: str | None = None
    level: str | None = None  # the highest of ``levels`` (or the only level)
    levels: list[str] = field(default_factory=list)  # several levels (层级: 省, 市), highest first; empty: just ``level``
    basis: list[Cite] = field(default_factory=list)
    status: str | None = None  # rule-file text: 保留, 取消, 下放(县) …
    effective_from: str | None = None
    effective_to: str | None = None
    division: str | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)
    ident: str | None = None  # an identifier the source already gave (标识), kept when valid
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RespRec:
    key: str
    power: str  # a PowerRec key
    origin: str = ""
    stages: dict[str, str] = field(default_factory=dict)
    supervisor: str | None = None  # department name
    accountability: list[str] = field(default_factory=list)
    basis: list[Cite] = field(default_factory=list)
    ident: str | None = None  # an identifier the source already gave (标识), kept when valid
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class NegRec:
    key: str
    name: str
    origin: str = ""
    code: str | None = None
    type: str | None = None  # prohibited / licensed
    description: str | None = None
    department: str | None = None
    implemented_by: list[str] = field(default_factory=list)  # names of matters or powers
    activities: list[str] = field(default_factory=list)
    basis: list[Cite] = field(default_factory=list)
    ident: str | None = None  # an identifier the source already gave (标识), kept when valid
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ConditionRec:
    title: str
    basis: list[Cite] = field(default_factory=list)


@dataclass
class MaterialRec:
    name: str
    note: str | None = None


@dataclass
class MatterRec:
    key: str
    name: str
    origin: str = ""
    code: str | None = None
    base_code: str | None = None  # the catalog item's basic code (基本编码)
    category: str | None = None  # written on the matter only when it implements no power (公共服务)
    power: str | None = None  # a PowerRec key
    department: str | None = None
    level: str | None = None  # the highest of ``levels`` (or the only level)
    levels: list[str] = field(default_factory=list)  # several levels (层级: 省, 市), highest first; empty: just ``level``
    basis: list[Cite] = field(default_factory=list)
    applicants: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)  # rule-file words: 网上 窗口 邮寄 移动端
    visits: int | None = None
    contact: str | None = None
    location: str | None = None
    fee: tuple[str, str] | None = None  # ("free", ""), ("yuan", "50") or ("text", "按……标准收取")
    division: str | None = None
    conditions: list[ConditionRec] = field(default_factory=list)
    materials: list[MaterialRec] = field(default_factory=list)
    statutory: tuple[Decimal, str] | None = None
    promised: tuple[Decimal, str] | None = None
    statutory_none: bool = False  # the source says the law sets no limit (法定时限 “无”): 法定: 无
    on_the_spot: bool = False  # handled on the spot (即办, 即办件, 0): 承诺: 即办
    # service-guide elements (办事指南)
    complaint: str | None = None  # 投诉
    online_url: str | None = None  # 网上办理地址, a checked http(s) address
    courier: bool | None = None  # 物流快递
    booking: bool | None = None  # 网上预约
    booking_url: str | None = None  # 网上预约 address, checked
    joint_bodies: list[str] = field(default_factory=list)  # 联办机构, as written
    accepting_body: str | None = None  # 受理机构, as written
    deciding_body: str | None = None  # 决定机构, as written
    office_hours: str | None = None  # 办理时间
    review_standard: str | None = None  # 审查标准
    quantity_limit: str | None = None  # 数量限制
    notes: list[tuple[str, str]] = field(default_factory=list)
    ident: str | None = None  # an identifier the source already gave (标识), kept when valid
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ImportResult:
    """Everything one import read: records in input order, and the problems met."""

    source: str  # the input file's name (no directories: output must not depend on where it lies)
    kind: str  # gov-json / power / responsibility / negative / matter
    departments: dict[str, DeptRec] = field(default_factory=dict)
    powers: dict[str, PowerRec] = field(default_factory=dict)
    responsibilities: list[RespRec] = field(default_factory=list)
    negatives: list[NegRec] = field(default_factory=list)
    matters: list[MatterRec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    records_read: int = 0
    records_skipped: int = 0
    field_use: dict[str, str] = field(default_factory=dict)  # source field/column -> where it went
    project_name: str | None = None
    region: str | None = None
    level: str | None = None

    def department(self, name: str) -> DeptRec:
        dept = self.departments.get(name)
        if dept is None:
            dept = self.departments[name] = DeptRec(name)
        return dept


def derive_levels(result: ImportResult) -> None:
    """A department without a level takes the most common level of its matters and powers."""
    counts: dict[str, dict[str, int]] = {}
    for rec in list(result.powers.values()) + result.matters:
        if rec.department and rec.level:
            by = counts.setdefault(rec.department, {})
            by[rec.level] = by.get(rec.level, 0) + 1
    for name, by in counts.items():
        dept = result.departments.get(name)
        if dept is not None and dept.level is None:
            dept.level = most_common_level(by)


def most_common_level(counts: Mapping[str, int]) -> str:
    """The level counted most often; of levels counted as often, the higher."""
    return min(counts, key=lambda level: (-counts[level], m.LEVEL_ORDER[level]))


# ---------------------------------------------------------------- text helpers
ABSENT = frozenset({"", "无", "-", "—", "——", "－", "/", "／", "\\", "暂无", "无此项", "null", "none", "None", "NULL", "nan", "N/A", "n/a"})

# Characters that must never reach a rule file: control characters (Unicode Cc, but tab and
# line breaks), format characters (Cf: bidirectional overrides such as U+202E, zero-width
# spaces, the BOM, tag characters), lone surrogates (Cs), U+2028/U+2029 and the two
# noncharacters U+FFFE/U+FFFF. The table is Unicode 14's categories, written out because
# computing it takes a third of a second; tests/test_import_hostile.py checks it.
_LINE_LIKE = "\x0b\x0c\x85\u2028\u2029"  # become line breaks; the rest are removed
UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def unsafe_characters(text: str) -> list[str]:
    """The unsafe characters in ``text`` as ``U+XXXX``, each once, in order of appearance."""
    if text.isprintable():  # a quick test that rules them out (every unsafe character is unprintable)
        return []
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in UNSAFE.findall(text)))


def has_unsafe(text: str) -> bool:
    """Whether ``text`` holds an unsafe character."""
    return not text.isprintable() and UNSAFE.search(text) is not None


def strip_unsafe(text: str) -> str:
    """``text`` without unsafe characters: line-like ones become line breaks, the others are removed."""
    if text.isprintable():
        return text
    return UNSAFE.sub(lambda mt: "\n" if mt.group(0) in _LINE_LIKE else "", text)


def unsafe_message(found: list[str], cell: str = "") -> Text:
    """The report's message for a field (or the ``cell``, e.g. ``B7``) that held unsafe characters."""
    shown = "、".join(found[:8]) + ("……" if len(found) > 8 else "")
    shown_en = ", ".join(found[:8]) + (", ..." if len(found) > 8 else "")
    return Text(f"{cell + ' ' if cell else ''}含有不可见的控制字符或文字方向控制字符（{shown}），已去掉（换行类字符改为换行）",
                f"{cell or 'the value'} holds invisible control or text-direction characters ({shown_en}); "
                "they were removed (line separators became line breaks)")


def clean(value: object) -> str | None:
    """A cell or field as trimmed text (line breaks kept, unsafe characters removed), or None when absent."""
    if value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_unsafe(text).strip()
    text = "\n".join(line.strip() for line in text.split("\n")).strip()
    return None if text in ABSENT else text


def one_line(text: str, joiner: str = "") -> str:
    """Join the lines of a multi-line cell (Chinese text needs no space between lines)."""
    return joiner.join(part for part in (p.strip() for p in text.split("\n")) if part)


def plain_key(text: str) -> str:
    """A comparison key: width folded, spaces and punctuation dropped."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text))


_LIST_SPLIT = re.compile(r"\s*(?:\n|；|;)\s*")
_LIST_SPLIT_COMMAS = re.compile(r"\s*(?:\n|；|;|、|，|,)\s*")
_NUMBERING = re.compile(r"^\s*(?:[（(]?\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)）、.．]|[①-⑳]|[•·\-*])\s*")


def split_list(text: str, commas: bool = False) -> list[str]:
    """Items of a multi-value cell: one per line or per ；, numbering (1、 (2) ③) removed."""
    pattern = _LIST_SPLIT_COMMAS if commas else _LIST_SPLIT
    out = []
    for part in pattern.split(text):
        part = _NUMBERING.sub("", part).strip().rstrip("。；;，,")
        if part and part not in ABSENT:
            out.append(part)
    return out


# ---------------------------------------------------------------- durations
_UNIT_WORDS = [
    ("个工作日", "working_days"), ("工作日", "working_days"), ("工作天", "working_days"),
    ("个自然日", "natural_days"), ("自然日", "natural_days"), ("日历天", "natural_days"), ("日历日", "natural_days"),
    ("个天", "days"), ("天", "days"), ("日", "days"),  # 天/日 without saying which: kept as 天 (ambiguous-day-unit warns)
    ("个小时", "hours"), ("小时", "hours"),
]
UNIT_TEXT = {"working_days": "工作日", "natural_days": "自然日", "days": "天", "hours": "小时"}
_DURATION = re.compile(
    r"^(\d+(?:\.\d+)?)\s*[(（]?\s*(" + "|".join(re.escape(w) for w, _ in _UNIT_WORDS) + r")?\s*[)）]?$"
)
MAX_AMOUNT_DIGITS = 6  # a time limit of a million days is a typing error, and very long numbers cannot be converted
_IMMEDIATE = frozenset({"即办", "即时办结", "即时办理", "当场办结", "立即办结", "即办件", "当场办理"})


def unit_of_header(header: str) -> str | None:
    """The unit a heading declares, e.g. 法定办结时限（工作日）."""
    for word, unit in _UNIT_WORDS:
        if word in header:
            return unit
    return None


# What the platforms write for "the law sets no time limit" in a statutory-limit field.
_NO_LIMIT = frozenset({"无", "无法定时限", "无法定办结时限", "无时限", "无时限要求", "法律未规定", "法律法规未规定",
                       "法律法规无规定", "无明确规定", "无规定"})


def is_no_limit(value: object) -> bool:
    """Whether a statutory-limit value says the law sets no limit (``"无"`` …), as opposed to being empty."""
    return isinstance(value, str) and unicodedata.normalize("NFKC", value).strip().replace(" ", "") in _NO_LIMIT


@dataclass(frozen=True)
class LimitText:
    """A time-limit text read: a duration, 无 (no limit in law) or 即办 (on the spot)."""

    duration: tuple[Decimal, str] | None = None
    none: bool = False
    on_the_spot: bool = False
    assumed_unit: bool = False  # no unit written: working days assumed
    working_by_law: bool = False  # 天 in a licensing limit, read as working days (行政许可法 第八十二条)


def parse_limit(text: str, default_unit: str | None = None, licensing: bool = False) -> LimitText:
    """A statutory or promised limit: ``"30(工作日)"``, ``"无"``, ``"即办"`` or ``"0"`` (即办).

    ``天``/``日`` stay ambiguous (unit ``days``), except in a licensing matter, whose limits
    the licensing law counts in working days (行政许可法 第八十二条). Raises ValueProblem
    like ``parse_duration``.
    """
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if t in _NO_LIMIT:
        return LimitText(none=True)
    if t in _IMMEDIATE:
        return LimitText(on_the_spot=True)
    (amount, unit), assumed = parse_duration(t, default_unit)
    if amount == 0:
        return LimitText(on_the_spot=True)
    if unit == "days" and licensing:
        return LimitText((amount, "working_days"), working_by_law=True)
    return LimitText((amount, unit), assumed_unit=assumed)


class Reports(Protocol):
    def problem(self, line: int, code: str, message: Text, action: str, field: str = "", value: str = "", record: str = "") -> None: ...


def read_limit(reader: Reports, line: int, mt: MatterRec, attr: str, field: str, value: str, limit: LimitText, record: str) -> None:
    """Put a time limit read from ``field`` (``attr``: statutory or promised) into ``mt``, reporting what was assumed."""
    if limit.none:
        mt.statutory_none = mt.statutory_none or attr == "statutory"  # a promised 无 is no promise
        return
    if limit.on_the_spot:
        mt.on_the_spot = True
        if mt.promised is not None:
            mt.meta.append(("承诺时限原文（按即办导入）", duration_text(mt.promised)))
            mt.promised = None
        if attr == "statutory":
            reader.problem(line, "assumed-on-the-spot", Text(
                f"法定时限“{value}”表示当场办结，按“承诺: 即办”导入（法定时限只能写时长或“无”），请核对法定时限",
                f"the statutory limit '{value}' means handled on the spot; imported as 'promised: on_the_spot' "
                "(a statutory limit is a duration or 'none'); please check the statutory limit"), "assumed", field, value, record)
        return
    if attr == "promised" and mt.on_the_spot:
        mt.meta.append((f"{field} 原文（按即办导入）", value))
        return
    setattr(mt, attr, limit.duration)
    if limit.assumed_unit:
        reader.problem(line, "assumed-unit", Text(f"时限“{value}”没有单位，按工作日导入", f"the time limit '{value}' has no unit; read as working days"),
                       "assumed", field, value, record)
    if limit.working_by_law:
        reader.problem(line, "assumed-unit", Text(f"行政许可事项的时限“{value}”按工作日导入（行政许可法第八十二条：期限以工作日计算）",
                                                  f"the licensing limit '{value}' is read as working days (the licensing law, art. 82, counts working days)"),
                       "assumed", field, value, record)


def parse_duration(text: str, default_unit: str | None = None) -> tuple[tuple[Decimal, str], bool]:
    """``"30(工作日)"`` → ((30, "working_days"), False); the flag says the unit was assumed.

    Raises ValueProblem for texts such as ``"约7天"``, ``"3个月"`` or ``"依申请人要求"``.
    """
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if t in _IMMEDIATE:
        return (Decimal(0), "working_days"), False
    mt = _DURATION.match(t)
    if mt and len(mt.group(1).partition(".")[0]) > MAX_AMOUNT_DIGITS:
        raise ValueProblem("bad-time", Text(f"时限“{shorten(text)}”的数字太大（最多 {MAX_AMOUNT_DIGITS} 位）",
                                            f"the time limit '{shorten(text)}' is too large (at most {MAX_AMOUNT_DIGITS} digits)"))
    if mt:
        amount = Decimal(mt.group(1))
        if amount > MAX_DURATION or _decimal_places(amount.normalize()) > DURATION_DECIMALS:  # the language's bounds
            raise ValueProblem("bad-time", Text(
                f"时限“{shorten(text)}”超出规则语言的范围（最多 {MAX_DURATION}，最多 {DURATION_DECIMALS} 位小数），可能多写了数字",
                f"the time limit '{shorten(text)}' is beyond the language's bounds (at most {MAX_DURATION}, "
                f"with at most {DURATION_DECIMALS} decimals); check for extra digits"))
        word = mt.group(2)
        if word:
            unit = next(u for w, u in _UNIT_WORDS if w == word)
            return (amount, unit), False
        return (amount, default_unit or "working_days"), default_unit is None
    if re.search(r"月|年|周|星期", t):
        raise ValueProblem("bad-time", Text(f"时限“{text}”以月、年或周计，规则语言只接受工作日、自然日或小时",
                                            f"the time limit '{text}' is in months, years or weeks; the language takes working days, natural days or hours"))
    raise ValueProblem("bad-time", Text(f"无法识别的时限“{text}”（应为如“20(工作日)”“5 自然日”“4 小时”）",
                                        f"unreadable time limit '{text}' (expected e.g. '20(工作日)', '5 自然日', '4 小时')"))


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def shorten(text: str, limit: int = 40) -> str:
    """At most ``limit`` characters of ``text`` for a message, with the length when cut."""
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)})"


def duration_text(d: tuple[Decimal, str]) -> str:
    amount, unit = d
    return f"{_num(amount)} {UNIT_TEXT[unit]}"


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")  # 1.500 → 1.5, 20.0 → 20: as few decimals as the language asks


# ---------------------------------------------------------------- visits
_VISIT_WORDS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


def parse_visits(text: str) -> int:
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if len(t) > 12:  # also keeps int() away from numbers too long to convert
        raise ValueProblem("bad-visits", Text(f"无法识别的到现场次数“{shorten(text)}”（应为 0、1、2 等整数）",
                                              f"unreadable number of on-site visits '{shorten(text)}' (expected a whole number such as 0, 1, 2)"))
    if t in ("零跑动", "不用跑", "零跑腿", "全程网办"):
        return 0
    mt = re.fullmatch(r"(?:最多跑|跑)?(\d+|[零〇一二两三四五])次?", t)
    if mt:
        word = mt.group(1)
        visits = int(word) if word.isdigit() else _VISIT_WORDS[word]
        if visits > MAX_VISITS:  # the language's bound: the written rule file would not compile
            raise ValueProblem("bad-visits", Text(f"到现场次数“{shorten(text)}”超过 {MAX_VISITS} 次，可能多写了数字",
                                                  f"{shorten(text)} on-site visits is more than {MAX_VISITS}; check for extra digits"))
        return visits
    raise ValueProblem("bad-visits", Text(f"无法识别的到现场次数“{text}”（应为 0、1、2 等整数）",
                                          f"unreadable number of on-site visits '{text}' (expected a whole number such as 0, 1, 2)"))


# ---------------------------------------------------------------- levels
LEVEL_WORD = {"province": "省", "city": "市", "county": "县", "township": "乡"}
_LEVEL_PATTERN = re.compile(r"省|市|县|区|乡|镇|街道")
_LEVEL_CHAR = {"省": "province", "市": "city", "县": "county", "区": "county", "乡": "township", "镇": "township", "街道": "township"}


def parse_level(text: str) -> tuple[str, str | None]:
    """``"省级"`` → ("province", None); several levels → (highest, original text for 分级).

    Raises ValueProblem for levels the model does not have (国家级) or unreadable text.
    """
    levels = parse_levels(text)
    return levels[0], (None if len(levels) == 1 else text)


def parse_levels(text: str) -> list[str]:
    """``"省级"`` → ["province"]; ``"省、市、县三级"`` → every level named, highest first.

    Raises ValueProblem for levels the model does not have (国家级, 村级) or unreadable text.
    """
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    canon = lookup(ENUMS["level"], t)
    if canon is None and t.endswith("级"):
        canon = lookup(ENUMS["level"], t[:-1])
    if canon is None and t in ("乡镇", "乡镇级", "镇级", "街道级", "乡镇(街道)", "乡镇街道"):
        canon = "township"
    if canon is not None:
        return [canon]
    if re.search(r"国家|中央|部级", t):
        raise ValueProblem("unknown-level", Text(f"层级“{text}”不是省、市、县、乡之一（规则语言没有国家级）",
                                                 f"level '{text}' is not one of province, city, county, township"))
    if re.search(r"村|社区", t):
        raise ValueProblem("unknown-level", Text(f"层级“{text}”不是省、市、县、乡之一（规则语言没有村级）",
                                                 f"level '{text}' is not one of province, city, county, township (the language has no village level)"))
    rest = re.sub(r"[级、,，/和及与\s三四两二]|共同|分别|均可|行使", "", t)
    found = _LEVEL_PATTERN.findall(t)
    if found and not _LEVEL_PATTERN.sub("", rest):
        return sorted({_LEVEL_CHAR[w] for w in found}, key=lambda lv: m.LEVEL_ORDER[lv])
    raise ValueProblem("unknown-level", Text(f"无法识别的层级“{text}”（应为 省级、市级、县级 或 乡级）",
                                             f"unreadable level '{text}' (expected 省级, 市级, 县级 or 乡级)"))


# ---------------------------------------------------------------- categories
_CATEGORY_SHORT = {
    "许可": "licensing", "处罚": "penalty", "强制": "coercion", "强制措施": "coercion", "强制执行": "coercion",
    "征收": "levy", "征用": "levy", "征收征用": "levy", "给付": "benefit", "检查": "inspection", "确认": "confirmation",
    "奖励": "reward", "裁决": "adjudication", "其他": "other", "其他权力": "other", "其他行政权力": "other",
    "其它行政权力": "other", "其它": "other", "公共服务": "public_service", "公共服务事项": "public_service",
}


def parse_category(text: str) -> str:
    t = plain_key(text)
    canon = lookup(ENUMS["category"], t)
    if canon:
        return canon
    t = t.removesuffix("类").removesuffix("事项")
    canon = lookup(ENUMS["category"], t)
    if canon:
        return canon
    short = t[2:] if t.startswith("行政") else t
    if short in _CATEGORY_SHORT:
        return _CATEGORY_SHORT[short]
    options = "、".join(m.CATEGORY_ZH.values())
    raise ValueProblem("unknown-type", Text(f"未知的权力类型“{text}”（可用：{options}）",
                                            f"unknown power category '{text}' (known: {', '.join(m.CATEGORY_ZH)})"))


def parse_negative_type(text: str) -> str:
    t = plain_key(text)
    if t in ("禁止", "禁止准入", "禁止准入类", "禁止类"):
        return "prohibited"
    if t in ("许可", "许可准入", "许可准入类", "许可类"):
        return "licensed"
    raise ValueProblem("unknown-type", Text(f"未知的准入类型“{text}”（应为 禁止准入 或 许可准入）",
                                            f"unknown entry type '{text}' (expected 禁止准入 or 许可准入)"))


# ---------------------------------------------------------------- channels
CHANNEL_WORDS = {"网上": "网上", "网办": "网上", "在线": "网上", "窗口": "窗口", "现场": "窗口", "邮寄": "邮寄", "快递": "邮寄",
                 "移动端": "移动端", "掌上": "移动端", "手机": "移动端", "app": "移动端", "APP": "移动端"}


def parse_channels(text: str) -> list[str]:
    found = []
    for word, channel in CHANNEL_WORDS.items():
        if word in text and channel not in found:
            found.append(channel)
    if not found:
        raise ValueProblem("bad-channel", Text(f"无法识别的办理渠道“{text}”（应含 网上、窗口、邮寄 或 移动端）",
                                               f"unreadable channel '{text}' (expected 网上, 窗口, 邮寄 or 移动端)"))
    order = ["网上", "窗口", "邮寄", "移动端"]
    return sorted(found, key=order.index)


_YES = ("是", "支持", "可以", "提供", "有", "yes", "y", "true", "1")
_NO = ("否", "不支持", "不可以", "不提供", "没有", "no", "n", "false", "0")


def parse_yes_no(text: str) -> bool:
    """是 / 否 and the ways platforms write them (支持 / 不支持 …)."""
    word = text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueProblem("bad-yes-no", Text(f"“{shorten(text)}”应为 是 或 否", f"'{shorten(text)}' should be yes or no (是 or 否)"))


def parse_address(text: str) -> str:
    """An http(s) address as the language accepts it (``compiler.attachments.parse_url``)."""
    url = parse_url(one_line(text))
    if isinstance(url, Text):
        raise ValueProblem("bad-url", Text(f"网址“{shorten(text)}”无法导入：{url.zh}", f"the address '{shorten(text)}' cannot be imported: {url.en}"))
    return url


# ---------------------------------------------------------------- legal citations
_CN_DIGITS = "零一二三四五六七八九"
_TITLE = re.compile(r"《((?:[^《》\n]|《[^《》\n]*》){2,160})》")  # one level of nesting: 《…《…》…》
_LAWLIKE = ("法", "条例", "规定", "办法", "决定", "通知", "细则", "规则", "意见", "目录", "规范", "解释", "决议", "批复", "公告", "纲要", "规程", "方案", "令")
_ARTICLE_AFTER = re.compile(
    r"\s*(?:[（(][^（）()《》]{0,60}[）)])?\s*(?:中|的|有关|相关)?(?:规定)?\s*(?:第[\d一二三四五六七八九十百零〇两]+[章节点部分]\s*)*"
    r"第([\d一二三四五六七八九十百千零〇两]+)条"
)


def chinese_number(n: int) -> str:
    """22 → 二十二, 130 → 一百三十, as articles are numbered in Chinese law."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + chinese_number(rest) if rest < 10 else ("一" + chinese_number(rest) if rest < 20 else chinese_number(rest)))
        return _CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def article_id(number: str) -> str:
    number = unicodedata.normalize("NFKC", number)
    if number.isdigit():
        return f"第{chinese_number(int(number))}条"
    return f"第{number.replace('〇', '零').replace('两', '二')}条"


def law_type(title: str) -> str | None:
    """The type of a law from its title, only where the title makes it plain."""
    local = re.search(r"省|自治区|市|州|县", title.replace("中华人民共和国", ""))
    if title.endswith("法") and not title.endswith("办法"):
        return "地方性法规" if local else "法律"
    if title.endswith("条例"):
        return "地方性法规" if local else "行政法规"
    if title.endswith(("通知", "意见", "决定", "批复", "公告")):
        return "规范性文件"
    return None


def citations(text: str | None) -> list[Cite]:
    """Laws named in 《…》 and the article that follows each, in order, without repeats."""
    if not text:
        return []
    out: list[Cite] = []
    for mt in _TITLE.finditer(text):
        title = unicodedata.normalize("NFKC", mt.group(1)).strip()
        title = re.sub(r"[<《]([^<>《》]*)[>》]", r"〈\1〉", title)  # nested titles take 〈〉
        if not title.endswith(_LAWLIKE):
            continue
        art = _ARTICLE_AFTER.match(text, mt.end())
        cite = Cite(title, article_id(art.group(1)) if art else None)
        if cite not in out:
            out.append(cite)
    return out


def merge_cites(*lists: list[Cite]) -> list[Cite]:
    out: list[Cite] = []
    for lst in lists:
        for c in lst:
            if c not in out:
                out.append(c)
    return out
