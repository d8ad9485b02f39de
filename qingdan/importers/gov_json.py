"""Read a provincial service platform's JSON Lines export into import records.

One line is one implementation item (实施清单事项). Every field with a home in the
model is mapped; the rest is kept as a note (``备注``, for what applicants may read)
or a comment (identifiers and system fields), so nothing is dropped silently:

- ``TASK_CODE`` → the matter's code, ``TASK_NAME`` → its name, ``matter_level`` → level;
- ``parentCatalogId``/``CATANAME`` → one power per main catalog item and department,
  ``TASK_TYPE_TEXT`` → its category; ``parentCatalogId`` is also the matter's 基本编码.
  A public service (公共服务) is not an administrative power: it becomes a matter with
  ``类别: 公共服务`` and no power (so nothing asks it for a responsibility entry);
- ``DEPT_NAME``/``AREACODE`` → departments; a development zone's committee (…区管理委员会)
  gets its zone as ``辖区``, since it acts only there;
- ``co_department`` naming how levels divide the work (``市级司法（受理,审核）、省级司法（决定…）``),
  and a condition naming which level approves what (``省级立项的…项目``) → ``分级`` of the matter
  and its power; other joint departments → 备注;
- ``handle_time``/``handle_time_limit`` (``"30(工作日)"``) → statutory/promised limits;
  a statutory ``"无"`` → ``法定: 无`` (the law sets none), ``"即办"``/``"即办件"``/``0`` →
  ``承诺: 即办``; ``天`` stays ``天`` except in licensing matters (working days by law);
- ``visit_number`` → visits, ``service_object_name`` → applicants, ``material_intro`` →
  materials, ``consult_phone`` → contact, ``handle_location`` → location, and the
  channels from the platform, window and courier fields;
- the service guide's elements: ``complain_phone`` → 投诉, ``co_department`` → 联办机构 (one per
  item between 、) unless it divides the work between levels (then 分级, above), ``courier_service`` → 物流快递 (是/否/不支持), ``online_book`` and
  ``online_book_addr`` → 网上预约 (the address when it is a valid http(s) one), ``URL`` →
  网上办理地址; ``bear_paltform``, the platform's name, stays in 备注;
- ``accept_standard`` → a condition kept as text (it surfaces as ``vague-condition``),
  with the laws and articles named in it (《…》 第…条) as its legal basis; a text saying
  there is no condition (无条件受理) is kept in 备注 instead.

``"无"`` (and empty values) mean absent. Bad lines are reported with their number and
skipped; unreadable values are reported, left out and kept as comments. Hostile lines
never stop the import: a number no number type holds (``Infinity``, ``NaN``, ``1e400``,
thousands of digits) is kept as the text written and reported; a line nested deeper
than ``MAX_DEPTH`` is reported and skipped (the recursion limit is never changed);
control and text-direction characters are removed and reported once per field.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

from ..compiler.condition_text import says_no_condition
from ..compiler.text import Text
from .records import (
    ConditionRec,
    ImportResult,
    MaterialRec,
    MatterRec,
    PowerRec,
    Problem,
    ValueProblem,
    citations,
    clean,
    derive_levels,
    has_unsafe,
    is_no_limit,
    merge_cites,
    most_common_level,
    one_line,
    parse_address,
    parse_category,
    parse_level,
    parse_limit,
    parse_visits,
    parse_yes_no,
    read_limit,
    shorten,
    split_list,
    strip_unsafe,
    unsafe_characters,
    unsafe_message,
)

# Fields mapped to the model, and what they became (for the report's field table).
FIELD_USE = {
    "TASK_CODE": "事项 编码",
    "TASK_NAME": "事项 名称",
    "TASK_TYPE_TEXT": "权力 类别（公共服务：事项 类别，不设权力）",
    "matter_type": "权力 类别（与 TASK_TYPE_TEXT 相同时不重复写出）",
    "parentCatalogId": "权力 编码（每个主项、每个部门一个权力）；事项 基本编码",
    "CATANAME": "权力 名称",
    "parentCatalogName": "权力 名称（与 CATANAME 相同时不重复写出）",
    "DEPT_NAME": "部门 名称；事项、权力的 部门；开发区管委会的 辖区",
    "AREACODE": "部门 区划",
    "matter_level": "事项 层级；部门、权力 层级",
    "district": "事项 层级（与 matter_level 相同时不重复写出）",
    "visit_number": "事项 到场",
    "handle_time": "事项 时限 法定",
    "handle_time_limit": "事项 时限 承诺",
    "accept_standard": "事项 条件（文字）；其中的《…》第…条 → 依据；写明由哪一级审批的 → 分级；“无条件受理”等 → 备注",
    "material_intro": "事项 材料",
    "service_object_name": "事项 对象",
    "consult_phone": "事项 咨询",
    "handle_location": "事项 地点（去掉“办理地点：”前缀）",
    "bear_paltform": "事项 渠道 网上；平台名称写入 备注",
    "courier_service": "事项 物流快递；是 → 渠道 邮寄",
    "co_department": "写明各级分工的 → 事项、权力 分级；其他 → 事项 联办机构（按“、”分开）",
    "complain_phone": "事项 投诉",
    "theme_category": "事项 备注（主题分类）",
    "matter_short": "事项 备注（简称）",
    "matter_daily": "事项 备注（俗称）",
    "online_book": "事项 网上预约",
    "online_book_addr": "事项 网上预约（预约网址）",
    "URL": "事项 网上办理地址（http/https 网址）",
    "ORGCODE": "部门 注释（组织机构代码）；规则文件名",
    "AREA_CODE_TEXT": "部门 注释（区划名称）；项目名称",
}
_NOTES = [  # field -> label in 备注, in this order
    ("theme_category", "主题分类"), ("matter_short", "简称"), ("matter_daily", "俗称"), ("bear_paltform", "办理平台"),
]
COMMENT_FIELDS = ("_id", "TASK_TYPE", "CATAID", "subTaskName", "subCatalogName", "matter_name", "matter_code",
                  "LIMIT_SCENE_NUM", "ONLINECHECK", "TASK_STATE", "TASK_TAG")
_LOCATION_PREFIXES = ("办理地点：", "办理地点:", "地点：", "地点:")
_NO_WINDOW = ("无线下办理窗口", "无线下窗口", "不设窗口")
# A development zone's committee: its zone (广州空港经济区管理委员会 → 广州空港经济区).
_ZONE_BODY = re.compile(r"^(.+?(?:开发区|新区|经济区|高新区|园区|保税区|试验区|合作区|自贸区|自由贸易试验区|片区|港区|工业区|示范区))(?:管理委员会|管委会)")
# A level in a division of work: 市级司法（受理,审核）.
_LEVEL_WORD = re.compile(r"(国家|省|市|县|乡镇?|区)级")
_LEVEL_OF_WORD = {"国家": "nation", "省": "province", "市": "city", "县": "county", "区": "county", "乡": "township", "乡镇": "township"}
# A condition that says which level approves what: 省级立项的跨地级以上市的生产建设项目.
_LEVEL_SCOPE = re.compile(r"(?:国家|中央|省|市|县|区)级?(?:立项|审批|核准|备案|批准)|跨地级以上(?:市|行政区域)|跨(?:市|县)级?行政区域")


def division_text(co_department: str, level: str | None) -> str | None:
    """``co_department`` as a division of work between levels, or None when it names only the matter's own level."""
    levels = {_LEVEL_OF_WORD[w] for w in _LEVEL_WORD.findall(co_department)}
    if not levels or levels == {level}:
        return None
    return co_department


def level_scope(condition: str) -> str | None:
    """The sentences of a condition that say which level approves what, or None."""
    parts = [p.strip() for p in re.split(r"[；;。\n]", condition) if _LEVEL_SCOPE.search(p)]
    return "；".join(p for p in parts if p) or None


MAX_DEPTH = 32  # a platform record nests two or three levels; deeper lines are reported, not imported
MAX_DIGITS = 1000  # longer numbers are kept as text (Python converts at most 4300 digits)


_TOO_DEEP = object()
# A JSON escape that may stand for an unsafe character (\b, \f, \u0001, \u202e, a surrogate …);
# it also matches some harmless ones, which only costs a closer look at that line.
ESCAPED_UNSAFE = re.compile(r"\\(?:[bf]|u(?:00[01]|00[7-9a]|0[6-8]|18|20|d[89a-f]|f[ef]))", re.IGNORECASE)


class RawNumber(str):
    """A JSON number kept as written: out of range (``1e400``), too long, or ``NaN``/``Infinity``."""


class _Numbers:
    """``json.loads`` hooks that keep the numbers no Python number can hold as ``RawNumber`` text, and count them."""

    def __init__(self) -> None:
        self.raw = 0

    def keep(self, token: str) -> RawNumber:
        self.raw += 1
        return RawNumber(token)

    def real(self, token: str) -> float | RawNumber:
        value = float(token)
        return value if math.isfinite(value) else self.keep(token)

    def whole(self, token: str) -> int | RawNumber:
        if len(token) > MAX_DIGITS:
            return self.keep(token)
        try:
            return int(token)
        except ValueError:  # the interpreter's own digit limit is lower (PYTHONINTMAXSTRDIGITS)
            return self.keep(token)


def _too_deep(value: object) -> bool:
    """Whether ``value`` nests lists and objects more than ``MAX_DEPTH`` levels (without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > MAX_DEPTH:
                return True
            stack += [(x, depth + 1) for x in (item.values() if isinstance(item, dict) else item)]
    return False


def _walk(value: Any, found: list[str], numbers: list[str]) -> Any:
    """``value`` with unsafe characters removed from every text (``found`` gets them) and raw numbers as text (``numbers``)."""
    if isinstance(value, RawNumber):
        numbers.append(str(value))
        return str(value)
    if isinstance(value, str):
        if not has_unsafe(value):
            return value
        found += [b for b in unsafe_characters(value) if b not in found]
        return strip_unsafe(value)
    if isinstance(value, list):
        return [_walk(v, found, numbers) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            found += [b for b in unsafe_characters(k) if b not in found]
            out[strip_unsafe(k)] = _walk(v, found, numbers)
        return out
    return value


def _text(value: object) -> str | None:
    """A JSON value as text: lists joined with 、, objects as compact JSON."""
    if isinstance(value, list):
        parts = [t for t in (_text(v) for v in value) if t]
        return "、".join(parts) if parts else None
    if isinstance(value, dict):
        if set(value) == {"$oid"}:
            return clean(value["$oid"])
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None
    return clean(value)


def _items(value: object, commas: bool) -> list[str]:
    """A list field's items: a JSON list's elements one each, a text split at line breaks and ；."""
    if isinstance(value, list):
        return [one_line(t, " ") for t in (_text(v) for v in value) if t]
    t = _text(value)
    return split_list(t, commas=commas) if t else []


class GovJsonReader:
    """Reads records line by line into an ImportResult."""

    def __init__(self, source_name: str) -> None:
        self.result = ImportResult(source=source_name, kind="gov-json")
        self.codes: dict[str, int] = {}
        self.power_codes: dict[str, tuple[str, int]] = {}  # main-item code -> (department, first line)
        self.regions: Counter[str] = Counter()  # AREACODE -> records
        self.region_names: dict[str, str] = {}
        self.region_levels: dict[str, Counter[str]] = {}  # AREACODE -> level -> records
        self.extra_fields: set[str] = set()

    def problem(self, line: int, code: str, message: Text, action: str, field: str = "", value: str = "", record: str = "") -> None:
        self.result.problems.append(Problem(line, code, message, action, field, value, record))

    # ------------------------------------------------------------ lines
    def read_bytes(self, data: bytes) -> ImportResult:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        for n, raw in enumerate(data.split(b"\n"), start=1):
            raw = raw.strip()
            if not raw:
                continue
            self.result.records_read += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                self.skip(n, "malformed-line", Text(f"第 {e.start + 1} 个字节不是有效的 UTF-8", f"byte {e.start + 1} is not valid UTF-8"))
                continue
            record: object
            numbers = _Numbers()
            try:
                record = json.loads(text, parse_constant=numbers.keep, parse_float=numbers.real, parse_int=numbers.whole)
            except json.JSONDecodeError as e:
                self.skip(n, "malformed-line", Text(f"不是有效的 JSON（第 {e.colno} 列：{e.msg}）", f"not valid JSON (column {e.colno}: {e.msg})"))
                continue
            except RecursionError:  # nesting deeper than the parser's recursion limit
                record = _TOO_DEEP
            if record is _TOO_DEEP or (text.count("[") + text.count("{") > MAX_DEPTH and _too_deep(record)):
                self.skip(n, "malformed-line", Text(f"嵌套超过 {MAX_DEPTH} 层（平台导出的记录只有两三层），整行未导入",
                                                    f"nested more than {MAX_DEPTH} levels deep (a platform record has two or three); the line is not imported"))
                continue
            if not isinstance(record, dict):
                self.skip(n, "malformed-line", Text("不是一个 JSON 对象（应为 {…}）", "not a JSON object (expected {...})"))
                continue
            if numbers.raw or has_unsafe(text) or ("\\" in text and ESCAPED_UNSAFE.search(text)):  # the rare line that needs a closer look
                record = self.safe_record(n, text, record)
            self.record(n, record)
        self.finish()
        return self.result

    def safe_record(self, n: int, text: str, record: dict[str, Any]) -> dict[str, Any]:
        """The record with unsafe characters removed and numbers kept as written where no number can hold them.

        Each top-level field that held either is reported, once for its characters and once per number.
        """
        out: dict[str, Any] = {}
        issues: list[tuple[str, list[str], list[str]]] = []
        for key, value in record.items():
            found: list[str] = unsafe_characters(key)
            numbers: list[str] = []
            field = strip_unsafe(key)
            out[field] = _walk(value, found, numbers)
            if found or numbers:
                issues.append((field, found, numbers))
        name = one_line(_text(out.get("TASK_CODE")) or _text(out.get("TASK_NAME")) or "")
        for field, found, numbers in issues:
            for raw in numbers:
                at = re.search(r"(?<=[:\[,])\s*" + re.escape(raw) + r"\s*(?=[,\]}])", text)
                col = at.start() + 1 + len(at.group(0)) - len(at.group(0).lstrip()) if at else 0
                where = Text(f"第 {col} 列的", f"column {col}: the ") if col else Text("", "the ")
                if len(raw) > 40 and raw.lstrip("-").isdigit():
                    what = Text(f"数字有 {len(raw)} 位", f"number has {len(raw)} digits")
                else:
                    what = Text(f"数值 {shorten(raw)} 超出范围或不是标准 JSON", f"number {shorten(raw)} is out of range or not standard JSON")
                self.problem(n, "bad-number", Text(f"{where.zh}{what.zh}，按原文作为文字导入", f"{where.en}{what.en}; imported as the text written"),
                             "as-text", field, shorten(raw), name)
            if found:
                self.problem(n, "control-character", unsafe_message(found), "cleaned", field, record=name)
        return out

    def skip(self, line: int, code: str, message: Text, record: str = "", field: str = "", value: str = "") -> None:
        self.result.records_skipped += 1
        self.problem(line, code, message, "skipped", field, value, record)

    # ------------------------------------------------------------ one record
    def record(self, n: int, r: dict[str, Any]) -> None:
        """One platform record (line ``n``) as a matter, its power and its department."""
        res = self.result
        name = _text(r.get("TASK_NAME"))
        code = _text(r.get("TASK_CODE"))
        if name is None:
            self.skip(n, "empty-name", Text("事项名称（TASK_NAME）为空", "the matter name (TASK_NAME) is empty"), code or "", "TASK_NAME")
            return
        name = one_line(name)
        if code is not None:
            code = one_line(code)
            if code in self.codes:
                self.skip(n, "duplicate-code", Text(f"事项编码“{code}”与第 {self.codes[code]} 行重复", f"the matter code '{code}' repeats line {self.codes[code]}"),
                          name, "TASK_CODE", code)
                return
            self.codes[code] = n
        else:
            self.problem(n, "missing-code", Text("事项编码（TASK_CODE）为空，事项已导入但没有编码", "the matter code (TASK_CODE) is empty; imported without a code"),
                         "kept", "TASK_CODE", record=name)
        used = {"TASK_CODE", "TASK_NAME"}
        mt = MatterRec(key=f"{code or ''}|{n}", name=name, origin=f"第 {n} 行", code=code)

        def get(field: str) -> str | None:
            used.add(field)
            return _text(r.get(field))

        def bad(field: str, value: str, e: ValueProblem) -> None:
            self.problem(n, e.code, e.message, "omitted", field, value, code or name)
            mt.meta.append((f"{field} 原文（未能导入）", value))

        # department and level
        dept = get("DEPT_NAME")
        if dept is None:
            self.problem(n, "missing-department", Text("实施部门（DEPT_NAME）为空，事项已导入但不属于任何部门", "the department (DEPT_NAME) is empty; imported without a department"),
                         "kept", "DEPT_NAME", record=code or name)
        else:
            dept = one_line(dept)
            res.department(dept)
            mt.department = dept
            orgcode = get("ORGCODE")
            area = get("AREACODE")
            area_text = get("AREA_CODE_TEXT")
            d = res.departments[dept]
            if orgcode and d.code is None:
                d.code = orgcode
                d.meta.append(("ORGCODE（组织机构代码）", orgcode))
            if area and d.region is None:
                d.region = area
            zone = _ZONE_BODY.match(dept)
            if zone and d.territory is None:
                d.territory = zone.group(1)
            if area_text and not any(k.startswith("AREA_CODE_TEXT") for k, _ in d.meta):
                d.meta.append(("AREA_CODE_TEXT（区划名称）", area_text))
            if area:
                self.regions[area] += 1
                if area_text:
                    self.region_names.setdefault(area, area_text)
        level_text = get("matter_level") or get("district")
        district = get("district")
        if district and level_text and district != level_text:
            mt.meta.append(("district", district))
        if level_text:
            try:
                mt.level, division = parse_level(level_text)
                if division:
                    mt.division = division
                area = _text(r.get("AREACODE"))
                if area:
                    self.region_levels.setdefault(area, Counter())[mt.level] += 1
            except ValueProblem as e:
                bad("matter_level", level_text, e)

        # division of work between levels: co_department, or a condition naming which level approves what
        divisions = [mt.division] if mt.division else []
        co_department = get("co_department")
        if co_department:
            co_department = one_line(co_department, " ")
            division = division_text(co_department, mt.level)
            if division:
                divisions.append(f"联办分工：{division}")
        standard = get("accept_standard")
        scope = level_scope(standard) if standard else None
        if scope:
            divisions.append(f"受理条件所写的分级：{scope}")
        mt.division = "；".join(dict.fromkeys(divisions)) or None

        # power: one per main catalog item and department; a public service is no power
        category = None
        type_text = get("TASK_TYPE_TEXT") or get("matter_type")
        matter_type = get("matter_type")
        if matter_type and type_text and matter_type != type_text:
            self.problem(n, "conflict", Text(f"TASK_TYPE_TEXT“{type_text}”与 matter_type“{matter_type}”不一致，按 TASK_TYPE_TEXT 导入",
                                             f"TASK_TYPE_TEXT '{type_text}' and matter_type '{matter_type}' differ; TASK_TYPE_TEXT is used"), "kept", "matter_type", matter_type, code or name)
            mt.meta.append(("matter_type", matter_type))
        if type_text:
            try:
                category = parse_category(type_text)
            except ValueProblem as e:
                self.problem(n, e.code, e.message, "kept", "TASK_TYPE_TEXT", type_text, code or name)
                mt.notes.append(("事项类型", type_text))
        else:
            self.problem(n, "unknown-type", Text("事项类型（TASK_TYPE_TEXT）为空", "the matter type (TASK_TYPE_TEXT) is empty"), "kept", "TASK_TYPE_TEXT", record=code or name)
        catalog_id = get("parentCatalogId")
        catalog_name = get("CATANAME") or get("parentCatalogName")
        parent_name = get("parentCatalogName")
        if parent_name and catalog_name and parent_name != catalog_name:
            mt.meta.append(("parentCatalogName", parent_name))
        if catalog_id:
            mt.base_code = one_line(catalog_id)
        power_name = one_line(catalog_name) if catalog_name else name
        pkey = f"{catalog_id or power_name}|{dept or ''}"
        power = None if category == "public_service" else res.powers.get(pkey)
        if category == "public_service":
            mt.category = category
            if catalog_name and one_line(catalog_name) != name:
                mt.notes.append(("目录主项", one_line(catalog_name)))
        elif power is None:
            power = res.powers[pkey] = PowerRec(key=pkey, name=power_name, origin=f"第 {n} 行起", code=catalog_id,
                                                 category=category, department=dept, level=mt.level, division=mt.division)
            if catalog_id is None:
                power.meta.append(("说明", "记录没有 parentCatalogId，按主项名称归并"))
            elif catalog_id in self.power_codes:
                # the same main item under another department: one code, declared once
                first_dept, first_line = self.power_codes[catalog_id]
                power.code = None
                power.notes.append(("主项编码", f"{catalog_id}（与{first_dept}的同一主项共用，编码只写在第一个部门的权力上）"))
                self.problem(n, "shared-code", Text(f"主项编码“{catalog_id}”也用于{first_dept}（第 {first_line} 行），这里写入备注",
                                                    f"the main-item code '{catalog_id}' is also used by {first_dept} (line {first_line}); kept in the note here"),
                             "kept", "parentCatalogId", catalog_id, code or name)
            else:
                self.power_codes[catalog_id] = (dept or "", n)
        elif type_text and category and power.category and category != power.category:
            self.problem(n, "conflict", Text(f"同一主项的事项类型不一致：“{type_text}”，该主项按第一条记录的类型导入",
                                             f"matters of one main item have different types ('{type_text}'); the main item keeps the type of its first record"),
                         "kept", "TASK_TYPE_TEXT", type_text, code or name)
            mt.notes.append(("事项类型", type_text))
        if power is not None:
            mt.power = pkey
            if mt.division and mt.division not in (power.division or ""):
                power.division = "；".join(x for x in (power.division, mt.division) if x)

        # time limits: "无" as the statutory limit says the law sets none; 即办 (or 0) is handled on the spot
        for field, attr in (("handle_time", "statutory"), ("handle_time_limit", "promised")):
            value = get(field)
            if value is None and attr == "statutory" and is_no_limit(r.get(field)):
                mt.statutory_none = True
                continue
            if value:
                try:
                    read_limit(self, n, mt, attr, field, value, parse_limit(value, licensing=category == "licensing"), code or name)
                except ValueProblem as e:
                    bad(field, value, e)

        visits = get("visit_number")
        if visits:
            try:
                mt.visits = parse_visits(visits)
            except ValueProblem as e:
                bad("visit_number", visits, e)

        # conditions and legal basis
        if standard and says_no_condition(standard):
            mt.notes.append(("受理条件", one_line(standard, " ")))
        elif standard:
            cites = citations(standard)
            mt.conditions.append(ConditionRec(standard, cites))
            mt.basis = merge_cites(mt.basis, cites)
            if power is not None:
                power.basis = merge_cites(power.basis, cites)

        mt.materials = [MaterialRec(one_line(x, " ")) for x in _items(r.get("material_intro"), commas=False)]
        used.add("material_intro")
        mt.applicants = _items(r.get("service_object_name"), commas=True)
        used.add("service_object_name")
        contact = get("consult_phone")
        if contact:
            mt.contact = one_line(contact, " ")
        location = get("handle_location")
        if location:
            location = one_line(location, " ")
            for prefix in _LOCATION_PREFIXES:
                if location.startswith(prefix):
                    location = location[len(prefix):].strip()
            mt.location = location or None

        channels = []
        if get("bear_paltform"):
            channels.append("网上")
        if location and not location.startswith(_NO_WINDOW):
            channels.append("窗口")
        courier = get("courier_service")
        if courier:
            try:
                mt.courier = parse_yes_no(courier)
            except ValueProblem as e:
                bad("courier_service", courier, e)
        if mt.courier:
            channels.append("邮寄")
        mt.channels = channels
        self.guide_elements(n, r, mt, get, bad)

        for field, label in _NOTES:
            value = get(field)
            if value:
                mt.notes.append((label, one_line(value, " ")))

        # everything else: comments, so nothing is lost
        for field in sorted(r):
            if field in used:
                continue
            value = _text(r[field])
            if value is None:
                continue
            if field == "subCatalogName" and value == _text(r.get("matter_name")):
                continue
            if field == "matter_name" and value == name:
                continue
            if field not in FIELD_USE and field not in COMMENT_FIELDS:
                self.extra_fields.add(field)
            mt.meta.append((field, one_line(value, " ")))
        res.matters.append(mt)

    def guide_elements(self, n: int, r: dict[str, Any], mt: MatterRec, get: Any, bad: Any) -> None:
        """The service-guide fields of a record: 投诉, 联办机构, 网上预约, 网上办理地址."""
        complaint = get("complain_phone")
        if complaint:
            mt.complaint = one_line(complaint, " ")
        joint = _items(r.get("co_department"), commas=False)
        co_department = get("co_department")
        if co_department and division_text(one_line(co_department, " "), mt.level):
            joint = []  # how levels divide the work: 分级, not joint bodies (see record)
        mt.joint_bodies = [b for part in joint for b in split_list(part.replace("、", "\n"))]
        book = get("online_book")
        if book:
            try:
                mt.booking = parse_yes_no(book)
            except ValueProblem as e:
                bad("online_book", book, e)
        book_url = get("online_book_addr")
        if book_url:
            try:
                mt.booking_url = parse_address(book_url)
                if mt.booking is False:
                    self.problem(n, "conflict", Text(f"online_book 为“{book}”，但给了预约网址，按可以网上预约导入",
                                                     f"online_book is '{book}' but a booking address is given; imported as bookable online"),
                                 "kept", "online_book", book, mt.code or mt.name)
                    mt.meta.append(("online_book", book))
                mt.booking = True
            except ValueProblem as e:
                bad("online_book_addr", book_url, e)
        url = get("URL")
        if url:
            try:
                mt.online_url = parse_address(url)
            except ValueProblem as e:
                bad("URL", url, e)

    # ------------------------------------------------------------ project-wide
    def finish(self) -> None:
        """Project-wide: department levels, the project's region, level and name, the field table."""
        res = self.result
        derive_levels(res)
        if self.regions:
            top = sorted(self.regions, key=lambda r: (len(r.rstrip("0")), r))[0]
            if all(r.startswith(top.rstrip("0")[:2]) for r in self.regions):
                res.region = top
                area_name = self.region_names.get(top)
                levels = self.region_levels.get(top)
                if levels:
                    res.level = most_common_level(levels)
                if area_name:
                    res.project_name = f"{area_name}政务服务事项目录"
        use = dict(FIELD_USE)
        for f in COMMENT_FIELDS:
            use[f] = "事项 注释（值不为空、且与已导入的值不同时）"
        for f in self.extra_fields:
            use[f] = "事项 注释（未知字段）"
        res.field_use = dict(sorted(use.items()))


def read_gov_json(path: str | Path) -> ImportResult:
    """Read a JSON Lines export. Raises OSError when the file cannot be read."""
    path = Path(path)
    return GovJsonReader(strip_unsafe(path.name)).read_bytes(path.read_bytes())
