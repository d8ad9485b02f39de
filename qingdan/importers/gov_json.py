"""Read a provincial service platform's JSON Lines export into import records.

One line is one implementation item (实施清单事项). Every field with a home in the
model is mapped; the rest is kept as a note (``备注``, for what applicants may read)
or a comment (identifiers and system fields), so nothing is dropped silently:

- ``TASK_CODE`` → the matter's code, ``TASK_NAME`` → its name, ``matter_level`` → level;
- ``parentCatalogId``/``CATANAME`` → one power per main catalog item and department,
  ``TASK_TYPE_TEXT`` → its category; ``DEPT_NAME``/``AREACODE`` → departments;
- ``handle_time``/``handle_time_limit`` (``"30(工作日)"``) → statutory/promised limits;
- ``visit_number`` → visits, ``service_object_name`` → applicants, ``material_intro`` →
  materials, ``consult_phone`` → contact, ``handle_location`` → location, and the
  channels from the platform, window and courier fields;
- ``accept_standard`` → a condition kept as text (it surfaces as ``vague-condition``),
  with the laws and articles named in it (《…》 第…条) as its legal basis.

``"无"`` (and empty values) mean absent. Bad lines are reported with their number and
skipped; unreadable values are reported, left out and kept as comments.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

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
    merge_cites,
    most_common_level,
    one_line,
    parse_category,
    parse_duration,
    parse_level,
    parse_visits,
    split_list,
)

# Fields mapped to the model, and what they became (for the report's field table).
FIELD_USE = {
    "TASK_CODE": "事项 编码",
    "TASK_NAME": "事项 名称",
    "TASK_TYPE_TEXT": "权力 类别",
    "matter_type": "权力 类别（与 TASK_TYPE_TEXT 相同时不重复写出）",
    "parentCatalogId": "权力 编码（每个主项、每个部门一个权力）",
    "CATANAME": "权力 名称",
    "parentCatalogName": "权力 名称（与 CATANAME 相同时不重复写出）",
    "DEPT_NAME": "部门 名称；事项、权力的 部门",
    "AREACODE": "部门 区划",
    "matter_level": "事项 层级；部门、权力 层级",
    "district": "事项 层级（与 matter_level 相同时不重复写出）",
    "visit_number": "事项 到场",
    "handle_time": "事项 时限 法定",
    "handle_time_limit": "事项 时限 承诺",
    "accept_standard": "事项 条件（文字）；其中的《…》第…条 → 依据",
    "material_intro": "事项 材料",
    "service_object_name": "事项 对象",
    "consult_phone": "事项 咨询",
    "handle_location": "事项 地点（去掉“办理地点：”前缀）",
    "bear_paltform": "事项 渠道 网上；原文写入 备注",
    "courier_service": "事项 渠道 邮寄；原文写入 备注",
    "co_department": "事项 备注（联办部门）",
    "complain_phone": "事项 备注（投诉电话）",
    "theme_category": "事项 备注（主题分类）",
    "matter_short": "事项 备注（简称）",
    "matter_daily": "事项 备注（俗称）",
    "online_book": "事项 备注（网上预约）",
    "online_book_addr": "事项 备注（预约地址）",
    "ORGCODE": "部门 注释（组织机构代码）；规则文件名",
    "AREA_CODE_TEXT": "部门 注释（区划名称）；项目名称",
}
_NOTES = [  # field -> label in 备注, in this order
    ("co_department", "联办部门"), ("complain_phone", "投诉电话"), ("theme_category", "主题分类"),
    ("matter_short", "简称"), ("matter_daily", "俗称"), ("bear_paltform", "办理平台"),
    ("online_book", "网上预约"), ("online_book_addr", "预约地址"), ("courier_service", "快递送达"),
]
COMMENT_FIELDS = ("_id", "TASK_TYPE", "CATAID", "URL", "subTaskName", "subCatalogName", "matter_name", "matter_code",
                  "LIMIT_SCENE_NUM", "ONLINECHECK", "TASK_STATE", "TASK_TAG")
_LOCATION_PREFIXES = ("办理地点：", "办理地点:", "地点：", "地点:")
_NO_WINDOW = ("无线下办理窗口", "无线下窗口", "不设窗口")


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
            try:
                record = json.loads(text)
            except json.JSONDecodeError as e:
                self.skip(n, "malformed-line", Text(f"不是有效的 JSON（第 {e.colno} 列：{e.msg}）", f"not valid JSON (column {e.colno}: {e.msg})"))
                continue
            if not isinstance(record, dict):
                self.skip(n, "malformed-line", Text("不是一个 JSON 对象（应为 {…}）", "not a JSON object (expected {...})"))
                continue
            self.record(n, record)
        self.finish()
        return self.result

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

        # power: one per main catalog item and department
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
        power_name = one_line(catalog_name) if catalog_name else name
        pkey = f"{catalog_id or power_name}|{dept or ''}"
        power = res.powers.get(pkey)
        if power is None:
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
        mt.power = pkey

        # time limits
        for field, attr in (("handle_time", "statutory"), ("handle_time_limit", "promised")):
            value = get(field)
            if value:
                try:
                    duration, assumed = parse_duration(value)
                    setattr(mt, attr, duration)
                    if assumed:
                        self.problem(n, "assumed-unit", Text(f"时限“{value}”没有单位，按工作日导入", f"the time limit '{value}' has no unit; read as working days"),
                                     "assumed", field, value, code or name)
                except ValueProblem as e:
                    bad(field, value, e)

        visits = get("visit_number")
        if visits:
            try:
                mt.visits = parse_visits(visits)
            except ValueProblem as e:
                bad("visit_number", visits, e)

        # conditions and legal basis
        standard = get("accept_standard")
        if standard:
            cites = citations(standard)
            mt.conditions.append(ConditionRec(standard, cites))
            mt.basis = merge_cites(mt.basis, cites)
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
        if (get("courier_service") or "") in ("是", "支持"):
            channels.append("邮寄")
        mt.channels = channels

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
    return GovJsonReader(path.name).read_bytes(path.read_bytes())
