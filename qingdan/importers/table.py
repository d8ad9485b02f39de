"""Read power, responsibility, negative and matter lists from XLSX or CSV.

Real lists are made by hand, so the reader is lenient about layout and strict about
values:

- the heading row is found, not assumed: it is the row among the first 30 with the
  most recognised headings (titles and notes above it are skipped); a second heading
  row under merged group headings (办结时限 → 法定 / 承诺) is combined with it;
- headings are matched after folding width, spaces, line breaks and a trailing
  unit in brackets, and common variants are known (实施依据/设定依据, 实施主体/行使主体,
  承办机构, 法定办结时限/法定时限 …); the headings qingdan's own list exports use
  (``qingdan.lists.columns``) are always recognised, so an export reads back unchanged;
- merged cells carry their value into every cell they cover (a main item merged over
  its sub-item rows); multi-line cells are lists (materials) or joined (names);
- one-cell rows such as ``一、行政许可（12项）`` or ``禁止准入类`` set the category or the
  entry type of the rows below them;
- CSV may be UTF-8 with or without BOM, or GB18030 (what Excel writes in China);
- category, level and department cells may hold codes (事项类型 ``01``, 实施层级 ``2,3``,
  授权部门 ``73``), read through ``codes.CodeTables`` (built-in tables, or a code file);
  a level cell naming several levels gives a power at several levels.

Rows are numbered as a spreadsheet program shows them, CSV files too (a line break
inside a quoted cell does not start a new row); a problem about one cell names its
column too. Nothing is dropped silently: a formula is read as the result saved in the
file and reported, a formula without a saved result is reported with its cell (and the
row skipped when it is the name), a cell in a column without a heading is kept as a
comment and reported, and control characters are removed and reported per cell.
A row without a name, with a code seen before, or with an unknown type or an
unreadable time limit is reported with its number; the import carries on.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from ..compiler.lower import MAX_FEE
from ..compiler.text import Text
from ..lists import columns as col
from ..lists.cells import csv_plain
from .codes import BUILTIN, CodeTables, looks_like_code
from .records import (
    LEVEL_WORD,
    ConditionRec,
    ImportResult,
    MaterialRec,
    MatterRec,
    NegRec,
    PowerRec,
    Problem,
    RespRec,
    ValueProblem,
    citations,
    clean,
    derive_levels,
    is_no_limit,
    merge_cites,
    one_line,
    parse_address,
    parse_category,
    parse_channels,
    parse_level,
    parse_limit,
    parse_negative_type,
    parse_visits,
    parse_yes_no,
    read_limit,
    split_list,
    strip_unsafe,
    unit_of_header,
    unsafe_characters,
    unsafe_message,
)

HEADER_SCAN_ROWS = 30

# Matter-list headings (the three lists' headings are in qingdan.lists.columns).
SUB_NAME = "子项名称"
OFFICE = "承办机构"
STATUTORY = "法定办结时限"
PROMISED = "承诺办结时限"
VISITS = "到办事现场次数"
MATERIALS = "申请材料"
APPLICANTS = "服务对象"
CONTACT = "咨询电话"
LOCATION = "办理地点"
CONDITIONS = "受理条件"
FEE = "收费标准"
CHANNELS = "办理渠道"
COMPLAINT = "投诉电话"

Headings = dict[str, tuple[str, ...]]  # canonical key -> headings that mean it (canonical heading first)

_COMMON: Headings = {
    "no": (col.NO, "编号", "序"),
    "name": (col.NAME, "权力名称", "权力事项名称", "职权名称", "项目名称", "主项名称", "主项", "名称", "权力事项", "事项",
             "行政权力名称", "权力项目名称", "行政职权名称", "主项事项名称", "事项名称主项"),
    "subname": (SUB_NAME, "子项", "子项事项名称", "子项名", "事项名称子项"),
    "code": (col.CODE, "权力编码", "编码", "权力事项编码", "基本编码", "实施编码", "事项代码", "权力代码", "职权编码", "职权编号"),
    "category": (col.CATEGORY, "权力类别", "事项类型", "职权类别", "类别", "事项类别", "职权类型", "权力事项类型", "类型"),
    "basis": (col.BASIS, col.SET_BASIS, "法律依据", "依据", "设定和实施依据", "设定依据和实施依据", "实施依据及设定依据",
              "法定依据", "法律法规依据", "设定依据实施依据", "实施依据设定依据", "实施依据和设定依据"),
    "body": (col.BODY, "行使主体", "责任主体", "实施机关", "实施部门", "部门", "行使部门", "主体", "实施单位", "实施机构",
             "执法主体", "职权主体", "实施主体名称", "授权部门", "授权机关", "职权部门", "实施主体代码", "部门代码"),
    "office": (OFFICE, "承办处室", "内设机构", "承办单位", "承办科室", "具体承办机构", "承办机构处室", "责任处室"),
    "level": (col.LEVEL, "层级", "实施层级", "行使层次", "权力层级", "实施层级行使层级"),
    "status": (col.STATUS, "状态"),
    "effective_from": (col.EFFECTIVE_FROM, "生效时间"),
    "effective_to": (col.EFFECTIVE_TO, "失效时间"),
    "division": (col.DIVISION, "分级", "分工", "层级分工情况"),
    "note": (col.NOTE, "说明", "备注说明"),
    "id": (col.ID,),
    "power_id": (col.POWER_ID,),
}
_RESPONSIBILITY: Headings = {
    "duties": (col.DUTIES, "责任事项内容", "责任内容", "职责", "责任事项及内容", "责任事项具体内容"),
    "accept": (col.ACCEPT, "受理阶段责任"),
    "review": (col.REVIEW, "审查阶段责任"),
    "decide": (col.DECIDE, "决定阶段责任"),
    "deliver": (col.DELIVER, "送达阶段责任"),
    "supervise": (col.SUPERVISE, "监管责任", "事后监管"),
    "supervisor": (col.SUPERVISOR, "监督部门", "监管主体", "监管单位", "监管机构"),
    "accountability": (col.ACCOUNTABILITY, "问责情形", "责任追究情形", "追责", "追责情形及依据", "问责追责情形"),
}
_NEGATIVE: Headings = {
    "name": (col.ENTRY, col.NAME, "准入事项", "事项", "禁止或许可事项名称", "事项名称"),
    "code": (col.CODE, "编码", "事项编号"),
    "measure": (col.MEASURE, "准入措施描述", "措施描述", "管理措施", "措施", "禁止或许可准入措施", "禁止或许可措施描述"),
    "body": (col.AUTHORITY, "主管单位", "部门", "监管部门", col.BODY, "实施部门"),
    "entry_type": (col.ENTRY_TYPE, "类型", "类别", "事项类型", "管理类型", "措施类型"),
    "implemented_by": (col.IMPLEMENTED_BY, "对应审批事项", "审批事项"),
    "activities": (col.ACTIVITIES, "活动", "经营活动"),
    "basis": (col.SET_BASIS, col.BASIS, "依据", "法律依据"),
}
_MATTER: Headings = {
    "statutory": (STATUTORY, "法定时限", "法定期限", "法定办理时限", "法定办结期限", "法定办理期限"),
    "promised": (PROMISED, "承诺时限", "承诺期限", "承诺办理时限", "承诺办结期限", "承诺办理期限"),
    "visits": (VISITS, "到现场次数", "跑动次数", "到场次数", "最多跑次数", "到窗口次数", "到办事现场次数次", "跑腿次数"),
    "materials": (MATERIALS, "材料", "申请材料目录", "申请材料清单", "所需材料", "材料名称", "申报材料", "提交材料"),
    "applicants": (APPLICANTS, "申请对象", "办理对象", "对象", "申请人", "服务对象类型"),
    "contact": (CONTACT, "咨询方式", "联系电话", "咨询", "咨询电话号码"),
    "location": (LOCATION, "地点", "受理地点", "办理地址"),
    "conditions": (CONDITIONS, "申请条件", "办理条件", "条件", "准予条件", "受理标准", "申请受理条件"),
    "fee": (FEE, "是否收费", "收费", "收费依据及标准", "收费情况"),
    "channels": (CHANNELS, "办理方式", "渠道", "办理形式"),
    "complaint": (COMPLAINT, "监督投诉电话", "监督电话", "投诉方式"),
    "accepting_body": ("受理机构", "受理部门", "受理单位"),
    "deciding_body": ("决定机构", "决定部门"),
    "joint_bodies": ("联办机构", "联办部门", "联办单位"),
    "office_hours": ("办理时间", "办公时间", "受理时间"),
    "review_standard": ("审查标准", "审批标准"),
    "quantity_limit": ("数量限制", "有无数量限制"),
    "online_url": ("网上办理地址", "网办地址", "在线办理地址"),
    "courier": ("物流快递", "是否支持物流快递", "快递送达", "是否支持快递"),
    "booking": ("网上预约", "是否支持网上预约", "预约办理"),
}
_KIND_TABLES: dict[str, tuple[Headings, ...]] = {
    "power": (_COMMON,),
    "responsibility": (_COMMON, _RESPONSIBILITY),
    "negative": (_NEGATIVE, {"no": (*_COMMON["no"], "项目号"), "note": _COMMON["note"], "id": _COMMON["id"], "level": _COMMON["level"]}),
    "matter": (_COMMON, _MATTER),
}
_MULTI = {"basis"}  # keys whose several columns are joined rather than the later kept as comments

_FIELD_DEST = {
    "no": "（序号，不导入）", "name": "名称", "subname": "子项 → 实施该权力的事项", "code": "编码", "category": "权力 类别",
    "basis": "依据（提取《…》第…条），原文写入注释", "body": "部门", "office": "备注（承办机构）", "level": "层级",
    "status": "权力 状态", "effective_from": "权力 生效", "effective_to": "权力 失效", "division": "分级", "note": "备注",
    "id": "标识（沿用为名称）", "power_id": "责任 权力（按标识）", "duties": "责任 各环节（按“受理责任：…”拆分）",
    "accept": "责任 受理", "review": "责任 审查", "decide": "责任 决定", "deliver": "责任 送达", "supervise": "责任 监管",
    "supervisor": "责任 监管部门", "accountability": "责任 追责", "measure": "负面清单 描述", "entry_type": "负面清单 类型",
    "implemented_by": "负面清单 实施", "activities": "负面清单 活动", "statutory": "事项 时限 法定", "promised": "事项 时限 承诺",
    "visits": "事项 到场", "materials": "事项 材料（每行一项）", "applicants": "事项 对象", "contact": "事项 咨询",
    "location": "事项 地点", "conditions": "事项 条件（文字）", "fee": "事项 收费", "channels": "事项 渠道",
    "complaint": "事项 投诉", "accepting_body": "事项 受理机构", "deciding_body": "事项 决定机构",
    "joint_bodies": "事项 联办机构（每行或每个“、”一项）", "office_hours": "事项 办理时间", "review_standard": "事项 审查标准",
    "quantity_limit": "事项 数量限制", "online_url": "事项 网上办理地址", "courier": "事项 物流快递（是/否）",
    "booking": "事项 网上预约（是/否或网址）",
}


class TableError(Exception):
    """The table cannot be read at all (wrong format, no heading row): exit code 2."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _norm_heading(text: str) -> str:
    """A heading folded for matching: width, spaces and line breaks, marks around it."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).strip("*＊:：")


def _heading_keys(tables: Iterable[Headings]) -> dict[str, tuple[str, int]]:
    """Normalized heading -> (key, rank); rank 0 is the standard heading, higher ranks are variants."""
    out: dict[str, tuple[str, int]] = {}
    for table in tables:
        for key, names in table.items():
            for rank, n in enumerate(names):
                out.setdefault(_norm_heading(n), (key, rank))
    return out


def _match_ranked(heading: str, keys: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    """(key, rank) of a heading as written, a unit in brackets ignored; one part of ``A/B`` ranks lower."""
    h = _norm_heading(heading)
    if not h:
        return None
    if h in keys:
        return keys[h]
    bare = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", h)
    if bare in keys:
        return keys[bare]
    for part in re.split(r"[/／、]|或", bare):
        if part in keys:
            key, rank = keys[part]
            return key, rank + 100
    return None


def _match(heading: str, keys: dict[str, tuple[str, int]]) -> str | None:
    """The key a heading means, or None."""
    found = _match_ranked(heading, keys)
    return found[0] if found else None


# ---------------------------------------------------------------- reading cells
@dataclass(frozen=True)
class Formula:
    """A formula cell: its reference (``B7``; a merge's top-left cell), its text, and whether the file saved its result."""

    ref: str
    text: str
    saved: bool


@dataclass
class Sheet:
    """One worksheet (or a CSV file) as rows of values; row index ``i`` is the row a spreadsheet shows as ``i + 1``."""

    name: str  # "" for CSV
    rows: list[list[object]]  # values, merged cells filled, every row as wide as the widest
    down: set[tuple[int, int]]  # (row index, column) of cells in a merge spanning several rows
    across: set[tuple[int, int]]  # (row index, column) of cells in a merge spanning several columns
    formulas: dict[tuple[int, int], Formula] = dataclasses.field(default_factory=dict)  # (row index, column) -> its formula


def column_letter(c: int) -> str:
    """The letters of the 0-based column ``c`` as a spreadsheet shows them: 0 → A, 26 → AA."""
    out = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (a quick look at its XML)."""
    try:
        with zipfile.ZipFile(path) as z:
            return any(_FORMULA_TAG.search(z.read(n)) for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return True  # let the workbook reader say what is wrong


def _formula_text(value: object) -> str:
    """A formula as written in the cell (``=B2&"x"``); array formulas keep their text."""
    text = getattr(value, "text", value)
    text = str(text) if text is not None else ""
    return strip_unsafe(text if text.startswith("=") else "=" + text)


def _cell(value: object) -> object:
    """A workbook value as the importer reads it: dates as ISO text."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def read_xlsx(path: Path, sheet: str | None) -> list[Sheet]:
    """The sheets of a workbook (all, or the one named), merged cells filled."""
    # Imported here: openpyxl takes about 0.12 s to import, and only workbooks need it (not CSV).
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, data_only=True)  # formulas give the result saved in the file, or None
        formulas = load_workbook(path, data_only=False) if _has_formulas(path) else None  # the formulas themselves
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OverflowError) as e:
        raise TableError(f"{path.name} 不是可读取的 .xlsx 工作簿（{type(e).__name__}）；旧版 .xls 请在 Excel 中另存为 .xlsx 或 .csv",
                         f"{path.name} is not a readable .xlsx workbook ({type(e).__name__}); save an old .xls as .xlsx or .csv") from e
    names = wb.sheetnames
    if sheet is not None and sheet not in names:
        raise TableError(f"工作簿中没有工作表“{sheet}”（有：{'、'.join(names)}）", f"the workbook has no sheet '{sheet}' (it has: {', '.join(names)})")
    out: list[Sheet] = []
    for name in [sheet] if sheet else names:
        ws = wb[name]
        rows = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]  # from row 1, as numbered
        width = max((len(r) for r in rows), default=0)
        rows = [r + [None] * (width - len(r)) for r in rows]
        down: set[tuple[int, int]] = set()
        across: set[tuple[int, int]] = set()
        cells: dict[tuple[int, int], Formula] = {}
        if formulas is not None:
            for frow in formulas[name].iter_rows():
                for cell in frow:
                    if cell.data_type == "f" and cell.row is not None and cell.column is not None:
                        r, c = cell.row - 1, cell.column - 1
                        saved = r < len(rows) and c < width and rows[r][c] not in (None, "")
                        cells[(r, c)] = Formula(f"{column_letter(c)}{r + 1}", _formula_text(cell.value), saved)
        for rng in ws.merged_cells.ranges:
            top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(rows) else None
            top_formula = cells.get((rng.min_row - 1, rng.min_col - 1))
            for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
                for c in range(rng.min_col - 1, min(rng.max_col, width)):
                    rows[r][c] = top
                    if top_formula is not None:
                        cells[(r, c)] = top_formula
                    if rng.max_row > rng.min_row:
                        down.add((r, c))
                    if rng.max_col > rng.min_col:
                        across.add((r, c))
        out.append(Sheet(strip_unsafe(name), rows, down, across, cells))
    return out


def read_csv(path: Path) -> Sheet:
    """A CSV file (UTF-8 with or without BOM, or GB18030; comma, tab or semicolon) as one sheet."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise TableError(f"{path.name} 的编码无法识别（应为 UTF-8 或 GB18030）", f"{path.name}: unknown encoding (expected UTF-8 or GB18030)")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[object]] = []  # one per record: a line break inside a quoted cell starts no new row
    try:
        for row in reader:
            rows.append([csv_plain(cell) for cell in row])  # undo the formula guard of qingdan's own CSV exports
    except csv.Error as e:
        raise TableError(f"{path.name} 第 {reader.line_num} 行不是有效的 CSV：{e}", f"{path.name} line {reader.line_num} is not valid CSV: {e}") from e
    width = max((len(r) for r in rows), default=0)
    return Sheet("", [r + [None] * (width - len(r)) for r in rows], set(), set())


# ---------------------------------------------------------------- headings
@dataclass
class Layout:
    """Where a sheet's headings are and what each column means."""

    header_index: int  # index of the (last) heading row
    keys: dict[int, str]  # column -> key
    headings: dict[int, str]  # column -> heading text as written
    units: dict[int, str]  # column -> unit declared in the heading
    extra: dict[int, str]  # unrecognised or repeated columns -> heading
    unheaded: list[int] = dataclasses.field(default_factory=list)  # columns without a heading (their cells are reported)


def find_layout(sheet: Sheet, kind: str) -> Layout | None:
    """The heading row with the most recognised headings (and a name), or None when no row has them."""
    keys = _heading_keys(_KIND_TABLES[kind])
    best: tuple[int, int] | None = None
    for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        known = {_match(str(v), keys) for v in row if clean(v)} - {None}
        if "name" in known and len(known) >= 2 and (best is None or len(known) > best[1]):
            best = (i, len(known))
    if best is None:
        return None
    i = best[0]
    heads = [clean(v) or "" for v in sheet.rows[i]]
    combined = _second_heading_row(sheet, i, heads, keys)
    if combined is not None:
        heads = combined
    layout = Layout(i + 1 if combined is not None else i, {}, {}, {}, {})
    ranked: dict[int, tuple[str, int]] = {}
    for c, h in enumerate(heads):
        if not h:
            layout.unheaded.append(c)
            continue
        unit = unit_of_header(h)
        if unit:
            layout.units[c] = unit
        found = _match_ranked(h, keys)
        if found is None:
            layout.extra[c] = one_line(h)
        elif found[0] != "no":
            ranked[c] = found
    # one column per key: the standard heading wins over a variant, then the leftmost
    taken: set[str] = set()
    for c, (key, _rank) in sorted(ranked.items(), key=lambda kv: (kv[1][1], kv[0])):
        if key in taken and key not in _MULTI:
            layout.extra[c] = one_line(heads[c])
            continue
        taken.add(key)
        layout.keys[c] = key
        layout.headings[c] = one_line(heads[c])
    layout.keys = dict(sorted(layout.keys.items()))
    layout.extra = dict(sorted(layout.extra.items()))
    return layout


def _second_heading_row(sheet: Sheet, i: int, heads: list[str], keys: dict[str, tuple[str, int]]) -> list[str] | None:
    """Headings combined with the row below when that row holds sub-headings of merged groups.

    ``办结时限`` merged over two columns above ``法定`` and ``承诺`` gives ``法定办结时限`` and
    ``承诺办结时限``. The row below counts as headings only if every filled cell in it either
    repeats the cell above (a heading merged down) or completes a merged group heading.
    """
    if i + 1 >= len(sheet.rows):
        return None
    below = [clean(v) or "" for v in sheet.rows[i + 1]]
    out = list(heads)
    found = False
    for c, child in enumerate(below):
        if not child or child == heads[c]:
            continue
        group = (i, c) in sheet.across or _repeated(heads, c)
        match = next((t for t in (child + heads[c], heads[c] + child, child) if _match(t, keys)), None) if group else None
        if match is None:
            return None
        out[c] = match
        found = True
    return out if found else None


def _repeated(heads: list[str], c: int) -> bool:
    """A heading merged over several columns repeats in each (after filling merged cells)."""
    return bool(heads[c]) and ((c > 0 and heads[c - 1] == heads[c]) or (c + 1 < len(heads) and heads[c + 1] == heads[c]))


# ---------------------------------------------------------------- rows to records
_STAGE_MARK = re.compile(r"(?:^|(?<=[\s；;。]))(?:[（(]?\d{1,2}[)）.、．]?|[一二三四五六七八九十]{1,2}[、.．])?\s*"
                         r"(受理|审查|审核|决定|送达|事后监管|监管|其他|其它)(?:阶段)?责任\s*[:：]")
_STAGE_OF = {"受理": "accept", "审查": "review", "审核": "review", "决定": "decide", "送达": "deliver", "事后监管": "supervise", "监管": "supervise"}
_NEGATIVE_SECTION = re.compile(r"禁止准入|许可准入|禁止类|许可类")
_CATEGORY_SECTION = re.compile(r"行政许可|行政处罚|行政强制|行政征收|行政征用|行政给付|行政检查|行政确认|行政奖励|行政裁决|其他行政权力|其他权力|公共服务")


def split_duties(text: str) -> tuple[dict[str, str], list[str]]:
    """``1.受理责任：…2.审查责任：…`` → stages; text outside any known stage is returned apart."""
    marks = list(_STAGE_MARK.finditer(text))
    stages: dict[str, str] = {}
    rest: list[str] = []
    head = text[: marks[0].start()].strip(" ；;。\n") if marks else text.strip()
    if head:
        rest.append(head)
    for k, mt in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        body = text[mt.end():end].strip(" ；;\n")
        stage = _STAGE_OF.get(mt.group(1))
        if stage is None:
            rest.append(f"{mt.group(1)}责任：{body}")
        elif body:
            stages[stage] = stages[stage] + "；" + body if stage in stages else body
    return stages, rest


Cells = dict[str, str]  # key -> the text of the row's non-empty cell in that column
Meta = list[tuple[str, str]]  # (label, text) kept as comments
T = TypeVar("T")


class TableReader:
    """Reads the rows of one kind of list, sheet after sheet, into an ImportResult."""

    def __init__(self, source: str, kind: str, department: str | None, codes: CodeTables = BUILTIN) -> None:
        self.kind = kind
        self.result = ImportResult(source=source, kind=kind)
        self.default_department = department
        self.codes = codes
        self.columns: dict[str, int] = {}  # key -> its column in the current sheet
        self.key_headings: dict[str, str] = {}  # key -> its column's heading in the current sheet
        self.department_refs: dict[str, tuple[str | None, str | None]] = {}  # department cell -> department_ref
        self.level_cells: dict[str, tuple[list[str], list[tuple[str, Text]]]] = {}  # level cell -> levels_of
        self.coded: dict[str, str] = {}  # heading -> what its codes were read with (for the report's field list)
        self.power_codes: dict[str, int] = {}  # code -> first row
        self.matter_codes: dict[str, int] = {}
        self.negative_codes: dict[str, int] = {}
        self.power_rows: dict[str, int] = {}  # power key -> first row (for repeated rows)
        self.responsibilities: dict[str, RespRec] = {}
        self.sheet = ""
        self.group_code = False  # the current row's code cell is merged over several rows
        self.read_row = {"power": self.row_power, "responsibility": self.row_responsibility,
                         "negative": self.row_negative, "matter": self.row_matter}[kind]

    def problem(self, row: int, code: str, message: Text, action: str, field: str = "", value: str = "", record: str = "",
                column: int | None = None) -> None:
        letter = column_letter(column) if column is not None else ""
        self.result.problems.append(Problem(row, code, message, action, field, value, record, self.sheet, letter))

    def skip(self, row: int, code: str, message: Text, field: str = "", value: str = "", record: str = "", column: int | None = None) -> None:
        self.result.records_skipped += 1
        self.problem(row, code, message, "skipped", field, value, record, column)

    # ------------------------------------------------------------ sheets
    def read_sheet(self, sheet: Sheet, layout: Layout) -> None:
        """Every row below the headings: section rows set the category or type, the others are records."""
        self.sheet = sheet.name
        self.columns, self.key_headings = {}, {}
        for c, key in layout.keys.items():
            self.columns.setdefault(key, c)
            self.key_headings.setdefault(key, layout.headings[c])
            self.result.field_use.setdefault(layout.headings[c], _FIELD_DEST.get(key, key))
        for h in layout.extra.values():
            self.result.field_use.setdefault(h, "注释（没有对应字段）")
        section_category: str | None = None
        section_type: str | None = None
        headings = {**layout.headings, **layout.extra}
        for c in layout.unheaded:
            headings[c] = f"{column_letter(c)} 列（没有表头）"
        read = sorted(headings)  # every column whose cells are imported, kept as comments or reported
        for idx in range(layout.header_index + 1, len(sheet.rows)):
            row = sheet.rows[idx]
            number = idx + 1
            values = [clean(v) for v in row]
            present = {v for v in values if v}
            pending = {c: f for c in read if (f := sheet.formulas.get((idx, c))) is not None and not f.saved}
            if not present and not pending:
                continue
            if len(present) == 1 and not pending:
                text = next(iter(present))
                filled = [c for c, v in enumerate(values) if v]
                spans = len(filled) > 1 or any((idx, c) in sheet.across for c in filled)
                numbered = bool(re.match(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])", text)) \
                    or bool(re.search(r"[（(]\s*\d+\s*项\s*[)）]\s*$", text))
                section = _NEGATIVE_SECTION.search(text) if self.kind == "negative" else _CATEGORY_SECTION.search(text)
                if section and (spans or numbered):
                    if self.kind == "negative":
                        section_type = "prohibited" if "禁止" in section.group(0) else "licensed"
                    else:
                        section_category = parse_category(section.group(0))
                    continue
                if spans or numbered:
                    self.problem(number, "heading-row", Text(f"只有一段文字的行“{one_line(text)[:40]}”当作标题，未作为记录导入",
                                                             f"a row with a single text ('{one_line(text)[:40]}') was taken as a heading, not a record"), "skipped")
                    continue
            columns: dict[str, list[str]] = {}
            for c, key in layout.keys.items():
                cell = values[c]
                if cell:
                    columns.setdefault(key, []).append(cell)
                elif key == "statutory" and is_no_limit(row[c]):  # 无: the law sets no limit (法定: 无), not an empty cell
                    columns.setdefault(key, []).append("无")
            cells: Cells = {key: "\n".join(dict.fromkeys(texts)) for key, texts in columns.items()}  # several basis columns are joined
            extra = [(h, one_line(cell, " ")) for c, h in layout.extra.items() if (cell := values[c])]
            units = {layout.keys[c]: u for c, u in layout.units.items() if c in layout.keys}
            self.group_code = any((idx, c) in sheet.down for c, k in layout.keys.items() if k == "code")
            self.result.records_read += 1
            record = _code(cells) or one_line(cells.get("name") or cells.get("subname") or "")
            if self.formula_without_name(number, layout, pending, cells, headings, record):
                continue
            for c in read:
                raw = row[c]
                if isinstance(raw, str) and (found := unsafe_characters(raw)):
                    self.problem(number, "control-character", unsafe_message(found, f"{column_letter(c)}{number}"), "cleaned",
                                 headings[c], record=record, column=c)
                formula = sheet.formulas.get((idx, c))
                if formula is not None and c in pending:
                    self.problem(number, "formula-without-value", _no_result(formula), "omitted", headings[c], formula.text, record, c)
                    extra.append((f"{headings[c]} 公式（没有保存的计算结果）", formula.text))
                elif formula is not None and values[c] and formula.ref == f"{column_letter(c)}{number}" and c not in layout.unheaded:
                    self.problem(number, "formula-value", Text(
                        f"{formula.ref} 是公式（{formula.text}），用的是文件中保存的计算结果；如保存后数据有改动，请在 Excel 中打开并保存后重新导入",
                        f"{formula.ref} is a formula ({formula.text}); the result saved in the file is used. If the data changed since, "
                        "open the file in Excel, save it and import again"), "saved-result", headings[c], one_line(values[c] or "", " "), record, c)
                if c in layout.unheaded and values[c] and c not in pending and not _merged_from_left(sheet, idx, c):
                    text = one_line(values[c] or "", " ")
                    self.problem(number, "unheaded-cell", Text(
                        f"{column_letter(c)}{number} 有内容，但这一列没有表头；内容已作为注释保留。如这一列有用，请在第 {layout.header_index + 1} 行给它写上表头后重新导入",
                        f"{column_letter(c)}{number} has content but its column has no heading; it is kept as a comment. If the column matters, "
                        f"give it a heading in row {layout.header_index + 1} and import again"), "omitted", headings[c], text, record, c)
                    extra.append((headings[c], text))
                    self.result.field_use.setdefault(headings[c], "注释（没有表头的列，每格都列在问题中）")
            self.read_row(number, cells, extra, units, section_category, section_type)

    def formula_without_name(self, number: int, layout: Layout, pending: dict[int, Formula], cells: Cells, headings: dict[int, str],
                             record: str) -> bool:
        """Skip (and say so) a row whose name is a formula without a saved result; True when skipped."""
        names = ("name", "subname") if self.kind == "matter" else ("name",)
        if any(cells.get(k) for k in names):
            return False
        for c, formula in sorted(pending.items()):
            if layout.keys.get(c) in names:
                self.skip(number, "formula-without-value", _no_result(formula), headings[c], formula.text, record, c)
                return True
        return False

    def finish(self) -> None:
        """Statuses that name another body: a transfer's department is declared, a merge needs a known power.

        The report's field list says which columns held codes and which tables read them.
        """
        for heading, how in sorted(self.coded.items()):
            self.result.field_use[heading] = f"{self.result.field_use.get(heading, '')}（{how}）"
        names = {p.name for p in self.result.powers.values()} | {p.ident for p in self.result.powers.values() if p.ident}
        for p in self.result.powers.values():
            status = p.status or ""
            mt = re.fullmatch(r"(划转|合并)\((.+)\)", status)
            if not mt:
                continue
            if mt.group(1) == "划转":
                self.result.department(mt.group(2))
            elif mt.group(2) not in names:
                message = Text(f"权力“{p.name}”的状态“{status}”指向的权力不在本清单中，状态未导入",
                               f"the status '{status}' of power '{p.name}' names a power that is not in this list; the status is not imported")
                self.problem(self.power_rows.get(p.key, 0), "unknown-merge-target", message, "omitted", col.STATUS, status, p.code or p.name)
                p.meta.append((col.STATUS + " 原文（未能导入）", status))
                p.status = None

    # ------------------------------------------------------------ shared pieces
    def department_ref(self, cells: Cells) -> tuple[str | None, str | None]:
        """(the row's department name, None), or (None, the code) for a department code the code table lacks.

        The department is the first of several, a code read through the department table;
        without a department cell, the one given with --department.
        """
        body = cells.get("body")
        if not body:
            return self.default_department, None
        ref = self.department_refs.get(body)
        if ref is None:
            names = split_list(body, commas=True)
            first = one_line(names[0]) if names else one_line(body)
            dept = self.codes.department(first)
            if dept is not None:
                ref = dept.name, None
            else:
                ref = (None, first) if looks_like_code(first) else (first, None)
            self.department_refs[body] = ref
        return ref

    def department_name(self, cells: Cells) -> str | None:
        """The row's department (the first of several, codes read), else the one given with --department."""
        return self.department_ref(cells)[0]

    def department_of(self, number: int, cells: Cells, record: str, meta: Meta, notes: Meta | None = None) -> str | None:
        """The row's department, declared; several, none or an unknown code are reported (a code is kept in ``notes``)."""
        body = cells.get("body")
        heading = self.heading("body", col.BODY)
        if body:
            names = split_list(body, commas=True)
            if len(names) > 1:
                self.problem(number, "several-departments", Text(f"实施主体写了多个部门（{'、'.join(names)}），按第一个“{names[0]}”导入，其余写入注释",
                                                                 f"several departments given ({', '.join(names)}); the first, '{names[0]}', is used, the others kept as a comment"),
                             "kept", heading, body, record)
                rest = [(d.name if (d := self.codes.department(n)) else n) for n in names[1:]]
                meta.append((col.BODY + "（其余）", "、".join(rest)))
            first = one_line(names[0]) if names else one_line(body)
            return self.named_department(number, first, "body", record, notes if notes is not None else meta)
        if self.default_department:
            self.result.department(self.default_department)
            return self.default_department
        self.problem(number, "missing-department", Text("没有实施主体（部门），已导入但不属于任何部门；可用 --department 指定",
                                                        "no implementing department; imported without one (use --department to give one)"), "kept", col.BODY, record=record)
        return None

    def heading(self, key: str, default: str) -> str:
        """The heading of ``key``'s column as the sheet writes it."""
        return self.key_headings.get(key, default)

    def named_department(self, number: int, text: str, key: str, record: str, notes: Meta) -> str | None:
        """A department cell's name, declared: a code through the department table (an unknown code is reported, kept in ``notes``)."""
        heading = self.heading(key, col.BODY)
        dept = self.codes.department(text)
        if dept is not None:
            d = self.result.department(dept.name)
            d.level = d.level or dept.level
            d.region = d.region or dept.region
            d.code = d.code or dept.code
            self.coded[heading] = f"部门代码按{self.codes.describe()}"
            return dept.name
        if not looks_like_code(text):
            self.result.department(text)
            return text
        if self.codes.departments:
            zh = (f"部门代码“{text}”不在部门代码表（{self.codes.source}）中：已导入但不属于任何部门，代码保留在备注中；"
                  f"请在代码表的 [部门] 中写明“{text}”是哪个部门后重新导入")
            en = (f"the department code '{text}' is not in the department table ({self.codes.source}): imported without a department, "
                  f"the code kept in the note; add '{text}' under [部门] in the code file and import again")
        else:
            zh = (f"“{text}”是部门代码，但没有部门代码表：已导入但不属于任何部门，代码保留在备注中；"
                  f"请用 --codes 文件的 [部门] 表写明各代码对应的部门后重新导入")
            en = (f"'{text}' is a department code, but no department table was given: imported without a department, the code kept "
                  f"in the note; give a --codes file whose [部门] table names the department of each code, and import again")
        self.problem(number, "unknown-department-code", Text(zh, en), "kept", heading, text, record, self.columns.get(key))
        notes.append((f"{heading}（代码，代码表中没有）", text))
        return None

    def value(self, number: int, record: str, field: str, text: str | None, reader: Callable[..., T], meta: Meta, *args: object,
              column: int | None = None) -> T | None:
        """``reader(text, *args)``; an unreadable value is reported (with its ``column``), kept in ``meta`` and gives None."""
        if not text:
            return None
        try:
            return reader(text, *args)
        except ValueProblem as e:
            self.problem(number, e.code, e.message, "omitted", field, one_line(text, " "), record, column)
            meta.append((f"{field} 原文（未能导入）", one_line(text, " ")))
            return None

    def power_key(self, cells: Cells) -> str:
        """Powers are one per name and department (or department code the table lacks)."""
        name, code = self.department_ref(cells)
        return f"{one_line(cells['name'])}|{name or ('#' + code if code else '')}"

    def new_power(self, number: int, cells: Cells, section_category: str | None, record: str, code: str | None) -> PowerRec:
        """A power from a row's main item: name, category, department, level, basis, status …"""
        meta: Meta = []
        notes: Meta = []
        name = one_line(cells["name"])
        dept = self.department_of(number, cells, record, meta, notes)
        key = self.power_key(cells)
        category = None
        if cells.get("category"):
            category = self.value(number, record, col.CATEGORY, cells["category"], self.codes.category, meta, column=self.columns.get("category"))
            if category and looks_like_code(cells["category"]):
                self.coded[self.heading("category", col.CATEGORY)] = f"代码按{self.codes.describe()}"
        elif section_category:
            category = section_category
        power = PowerRec(key=key, name=name, origin=self.where(number), code=code, category=category, department=dept, meta=meta, notes=notes)
        if cells.get("level"):
            power.levels = self.levels(number, record, cells["level"], meta)
            power.level = power.levels[0] if power.levels else None
        if cells.get("division"):
            power.division = one_line(cells["division"], " ")
        if cells.get("basis"):
            power.basis = citations(cells["basis"])
            meta.append((col.BASIS + " 原文", one_line(cells["basis"], " ")))
        if cells.get("status"):
            power.status = self.value(number, record, col.STATUS, cells["status"], _status, meta)
        for field, heading in (("effective_from", col.EFFECTIVE_FROM), ("effective_to", col.EFFECTIVE_TO)):
            if cells.get(field):
                setattr(power, field, self.value(number, record, heading, cells[field], _date, meta))
        if cells.get("office"):
            power.notes.append((OFFICE, one_line(cells["office"], " ")))
        if cells.get("id") and self.kind == "power":
            power.ident = cells["id"]
        if cells.get("power_id"):
            power.ident = cells["power_id"]
        self.result.powers[key] = power
        self.power_rows[key] = number
        if code:
            self.power_codes[code] = number
        return power

    def levels(self, number: int, record: str, text: str, meta: Meta) -> list[str]:
        """A level cell (``省级``, ``2,3``, ``省级、市级``) as levels, highest first; each part not read is reported."""
        read = self.level_cells.get(text)
        if read is None:
            read = self.level_cells[text] = self.codes.levels_of(text)
        levels, unread = read
        heading = self.heading("level", col.LEVEL)
        for part, message in unread:
            self.problem(number, "unknown-level", message, "omitted", heading, part, record, self.columns.get("level"))
        if unread:
            meta.append((f"{col.LEVEL} 原文（{'部分' if levels else ''}未能导入）", one_line(text, " ")))
        if levels and heading not in self.coded and any(looks_like_code(part) for part in re.split(r"[,，、;；/／|\s]+", text) if part):
            self.coded[heading] = f"代码按{self.codes.describe()}"
        return list(levels)  # each power its own list: the cell's reading is shared

    def where(self, number: int) -> str:
        """Where a record came from, for the comment above it."""
        return (f"工作表“{self.sheet}” " if self.sheet else "") + f"第 {number} 行"

    def duplicate(self, number: int, code: str | None, seen: dict[str, int], record: str) -> bool:
        """Report and say True when ``code`` was seen before (``seen``: code -> first row)."""
        if not code or code not in seen:
            return False
        first_row = seen[code]
        self.skip(number, "duplicate-code", Text(f"编码“{code}”与第 {first_row} 行重复", f"the code '{code}' repeats row {first_row}"), col.CODE, code, record)
        return True

    def main_and_sub(self, number: int, cells: Cells, section_category: str | None, sub: str | None) -> tuple[PowerRec | None, str | None]:
        """The power of a row (found or made) and the sub-item's own code.

        Without a sub-item the row's code is the power's. With one, a code merged over
        the sub-item rows belongs to the main item; otherwise it is the sub-item's.
        """
        name = one_line(cells["name"])
        code = _code(cells)
        main_code, sub_code = (code, None) if not sub or self.group_code else (None, code)
        key = self.power_key(cells)
        power = self.result.powers.get(key)
        if power is not None:
            if not sub:
                self.skip(number, "duplicate", Text(f"权力“{name}”（同一部门）已在第 {self.power_rows[key]} 行导入",
                                                    f"the power '{name}' of the same department was imported at row {self.power_rows[key]}"), col.NAME, name, code or name)
                return None, None
            return power, sub_code
        if self.duplicate(number, main_code, self.power_codes, name):
            return None, None
        return self.new_power(number, cells, section_category, main_code or name, main_code), sub_code

    # ------------------------------------------------------------ kinds
    def row_power(self, number: int, cells: Cells, extra: Meta, units: dict[str, str], section_category: str | None, section_type: str | None) -> None:
        """A power list's row: a power, and a matter when the row is a sub-item."""
        sub = one_line(cells["subname"]) if cells.get("subname") else None
        if not cells.get("name"):
            self.skip(number, "empty-name", Text("事项名称为空", "the name is empty"), col.NAME, record=cells.get("code") or sub or "")
            return
        created = self.power_rows.get(self.power_key(cells)) is None
        power, sub_code = self.main_and_sub(number, cells, section_category, sub)
        if power is None:
            return
        if created:
            power.meta += extra
            if cells.get("note"):
                power.notes.append((col.NOTE, one_line(cells["note"], " ")))
        if sub:
            if self.duplicate(number, sub_code, self.matter_codes, sub):
                return
            if sub_code:
                self.matter_codes[sub_code] = number
            mt = MatterRec(key=f"{number}|{self.sheet}", name=sub, origin=self.where(number) + "（子项）", code=sub_code, power=power.key,
                           department=power.department, level=power.level, levels=list(power.levels), division=power.division, basis=list(power.basis),
                           meta=[] if created else list(extra))
            self.result.matters.append(mt)

    def row_responsibility(self, number: int, cells: Cells, extra: Meta, units: dict[str, str], section_category: str | None, section_type: str | None) -> None:
        """A responsibility list's row: the stages, supervisor and accountability of a power (made when new)."""
        name = cells.get("name")
        if not name:
            self.skip(number, "empty-name", Text("事项名称为空", "the name is empty"), col.NAME, record=cells.get("code") or "")
            return
        record = cells.get("code") or one_line(name)
        power = self.result.powers.get(self.power_key(cells))
        if power is None:
            code = _code(cells)
            if self.duplicate(number, code, self.power_codes, record):
                return
            power = self.new_power(number, cells, section_category, record, code)
        resp = self.responsibilities.get(power.key)
        if resp is None:
            resp = RespRec(key=power.key, power=power.key, origin=self.where(number))
            if cells.get("id"):
                resp.ident = cells["id"]
            self.responsibilities[power.key] = resp
            self.result.responsibilities.append(resp)
            resp.basis = list(power.basis)
        resp.meta += extra
        if cells.get("subname"):
            resp.meta.append((SUB_NAME, one_line(cells["subname"])))
        for stage in ("accept", "review", "decide", "deliver", "supervise"):
            if cells.get(stage):
                _add_stage(resp, stage, one_line(cells[stage], " "))
        if cells.get("duties") and not any(cells.get(s) for s in ("accept", "review", "decide", "deliver", "supervise")):
            stages, rest = split_duties(cells["duties"])
            for stage, text in stages.items():
                _add_stage(resp, stage, one_line(text, " "))
            for text in rest:
                self.problem(number, "unmapped-duty", Text(f"责任事项中“{one_line(text, ' ')[:40]}”不属于受理、审查、决定、送达、监管任一环节，写入注释",
                                                           f"the duty '{one_line(text, ' ')[:40]}' belongs to no stage (accept, review, decide, deliver, supervise); kept as a comment"),
                             "kept", col.DUTIES, record=record)
                resp.meta.append((col.DUTIES + "（未归入环节）", one_line(text, " ")))
        if cells.get("supervisor"):
            names = split_list(cells["supervisor"], commas=True)
            if names:
                resp.supervisor = self.named_department(number, one_line(names[0]), "supervisor", record, resp.meta)
                if len(names) > 1:
                    resp.meta.append((col.SUPERVISOR + "（其余）", "、".join(names[1:])))
        if cells.get("accountability"):
            for item in split_list(cells["accountability"]):
                if item not in resp.accountability:
                    resp.accountability.append(one_line(item, " "))

    def row_negative(self, number: int, cells: Cells, extra: Meta, units: dict[str, str], section_category: str | None, section_type: str | None) -> None:
        """A negative list's row: one entry."""
        name = cells.get("name")
        code = _code(cells)
        if not name:
            self.skip(number, "empty-name", Text("禁止或许可事项名称为空", "the entry name is empty"), col.ENTRY, record=code or "")
            return
        name = one_line(name)
        if self.duplicate(number, code, self.negative_codes, name):
            return
        if code:
            self.negative_codes[code] = number
        n = NegRec(key=f"{number}|{self.sheet}", name=name, origin=self.where(number), code=code, meta=list(extra))
        if cells.get("entry_type"):
            n.type = self.value(number, code or name, col.ENTRY_TYPE, cells["entry_type"], parse_negative_type, n.meta)
        elif section_type:
            n.type = section_type
        elif name.startswith("禁止"):
            n.type = "prohibited"
        elif re.match(r"未(?:获|取)得?(?:许可|批准)", name):
            n.type = "licensed"
        else:
            self.problem(number, "unknown-type", Text("看不出是禁止准入还是许可准入（没有“准入类型”列，也没有“禁止准入类”等标题行）",
                                                      "cannot tell whether the entry is prohibited or licensed (no entry-type column and no section heading)"), "kept",
                         col.ENTRY_TYPE, record=code or name)
        if cells.get("measure"):
            n.description = one_line(cells["measure"], " ") if "\n" not in cells["measure"] else cells["measure"]
        if cells.get("body"):
            names = split_list(cells["body"], commas=True)
            if names:
                n.department = self.named_department(number, one_line(names[0]), "body", code or name, n.meta)
                if len(names) > 1:
                    n.meta.append((col.AUTHORITY + "（其余）", "、".join(names[1:])))
        if cells.get("implemented_by"):
            n.implemented_by = [one_line(x) for x in split_list(cells["implemented_by"])]
        if cells.get("activities"):
            n.activities = [one_line(x, " ") for x in split_list(cells["activities"])]
        if cells.get("basis"):
            n.basis = citations(cells["basis"])
            n.meta.append((col.SET_BASIS + " 原文", one_line(cells["basis"], " ")))
        if cells.get("id"):
            n.ident = cells["id"]
        if cells.get("note"):
            n.meta.append((col.NOTE, one_line(cells["note"], " ")))
        if cells.get("level"):
            n.meta.append((col.LEVEL, one_line(cells["level"])))
        self.result.negatives.append(n)

    def guide_cells(self, number: int, record: str, cells: Cells, mt: MatterRec) -> None:
        """The service guide's elements of a matter row (办事指南): bodies, hours, standards, addresses, 是/否."""
        for key in ("complaint", "accepting_body", "deciding_body", "office_hours", "review_standard", "quantity_limit"):
            if cells.get(key):
                setattr(mt, key, one_line(cells[key], " "))
        if cells.get("joint_bodies"):
            mt.joint_bodies = split_list(cells["joint_bodies"], commas=True)
        if cells.get("online_url"):
            mt.online_url = self.value(number, record, "网上办理地址", cells["online_url"], parse_address, mt.meta)
        if cells.get("courier"):
            mt.courier = self.value(number, record, "物流快递", cells["courier"], parse_yes_no, mt.meta)
        if cells.get("booking"):
            text = cells["booking"].strip()
            if text.lower().startswith(("http://", "https://")):
                mt.booking_url = self.value(number, record, "网上预约", text, parse_address, mt.meta)
                mt.booking = True if mt.booking_url else None
            else:
                mt.booking = self.value(number, record, "网上预约", text, parse_yes_no, mt.meta)

    def row_matter(self, number: int, cells: Cells, extra: Meta, units: dict[str, str], section_category: str | None, section_type: str | None) -> None:
        """A matter list's row: one matter, and its power when the row names a main item."""
        sub = one_line(cells["subname"]) if cells.get("subname") else None
        if not cells.get("name") and not sub:
            self.skip(number, "empty-name", Text("事项名称为空", "the name is empty"), col.NAME, record=cells.get("code") or "")
            return
        title = sub or one_line(cells["name"])
        meta: Meta = list(extra)
        notes: Meta = []
        row_code = _code(cells)
        main_code, code = (row_code, None) if sub and self.group_code else (None, row_code)
        if self.duplicate(number, code, self.matter_codes, title):
            return
        if cells.get("name"):
            power = self.result.powers.get(self.power_key(cells))
            if power is None:
                if self.duplicate(number, main_code, self.power_codes, title):
                    return
                power = self.new_power(number, cells, section_category, row_code or title, main_code)
            department = power.department
        else:
            power = None
            department = self.department_of(number, cells, code or title, meta, notes)
        record = code or title
        if code:
            self.matter_codes[code] = number
        mt = MatterRec(key=f"{number}|{self.sheet}", name=title, origin=self.where(number), code=code, power=power.key if power else None,
                       department=department, meta=meta, notes=notes)
        if power:
            mt.level, mt.levels, mt.division = power.level, list(power.levels), power.division
        if cells.get("basis"):
            mt.basis = citations(cells["basis"])
        licensing = power is not None and power.category == "licensing"
        for key, heading in (("statutory", STATUTORY), ("promised", PROMISED)):
            if cells.get(key):
                parsed = self.value(number, record, heading, cells[key], parse_limit, mt.meta, units.get(key), licensing)
                if parsed:
                    read_limit(self, number, mt, key, heading, cells[key], parsed, record)
        if cells.get("visits"):
            mt.visits = self.value(number, record, VISITS, cells["visits"], parse_visits, mt.meta)
        if cells.get("materials"):
            mt.materials = [MaterialRec(one_line(x, " ")) for x in split_list(cells["materials"])]
        if cells.get("applicants"):
            mt.applicants = [one_line(x) for x in split_list(cells["applicants"], commas=True)]
        if cells.get("contact"):
            mt.contact = one_line(cells["contact"], " ")
        if cells.get("location"):
            mt.location = one_line(cells["location"], " ")
        if cells.get("conditions"):
            cites = citations(cells["conditions"])
            mt.conditions.append(ConditionRec(cells["conditions"], cites))
            mt.basis = merge_cites(mt.basis, cites)
        if cells.get("fee"):
            mt.fee = _fee(cells["fee"])
        if cells.get("channels"):
            mt.channels = self.value(number, record, CHANNELS, cells["channels"], parse_channels, mt.meta) or []
        self.guide_cells(number, record, cells, mt)
        for key, label in (("note", col.NOTE), ("office", OFFICE)):
            if cells.get(key):
                mt.notes.append((label, one_line(cells[key], " ")))
        if cells.get("id"):
            mt.ident = cells["id"]
        if power and mt.basis:
            power.basis = merge_cites(power.basis, mt.basis)
        self.result.matters.append(mt)


def _no_result(formula: Formula) -> Text:
    """The message for a formula whose result the file did not save."""
    return Text(f"{formula.ref} 是公式，没有保存计算结果：请在 Excel 中打开该文件并保存，或将公式复制后“粘贴为数值”，再重新导入",
                f"{formula.ref} is a formula with no saved result: open the file in Excel and save it, or paste values, then import again")


def _merged_from_left(sheet: Sheet, idx: int, c: int) -> bool:
    """Whether the cell only repeats a merge that starts in a column to its left."""
    return c > 0 and (idx, c) in sheet.across and (idx, c - 1) in sheet.across and sheet.rows[idx][c] == sheet.rows[idx][c - 1]


def _code(cells: Cells) -> str | None:
    """The row's code, spaces and line breaks taken out."""
    code = cells.get("code")
    return re.sub(r"\s+", "", code) if code else None


def _add_stage(resp: RespRec, stage: str, text: str) -> None:
    """Add a stage's text to a responsibility (several rows may give the same stage)."""
    old = resp.stages.get(stage)
    if old is None:
        resp.stages[stage] = text
    elif text not in old:
        resp.stages[stage] = old + "；" + text


def _status(text: str) -> str:
    """A status cell as rule-file text: 保留, 取消, 下放(县), 划转(部门名), 合并(权力名)."""
    t = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if t in ("保留", "取消"):
        return t
    mt = re.fullmatch(r"(下放|划转|合并)[(（]?([^()（）]+)[)）]?", t)
    if mt:
        word, target = mt.groups()
        if word == "下放":
            level, _ = parse_level(target)
            return f"下放({LEVEL_WORD[level]})"
        return f"{word}({target})"
    raise ValueProblem("bad-status", Text(f"无法识别的权力状态“{text}”（应为 保留、取消、下放(县)、划转(部门) 或 合并(权力)）",
                                          f"unreadable status '{text}' (expected 保留, 取消, 下放(县), 划转(department) or 合并(power))"))


def _date(text: str) -> str:
    """``2024年1月1日``, ``2024/1/1`` … → ``2024-01-01``."""
    t = unicodedata.normalize("NFKC", text).strip()
    mt = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s.*)?", t)
    if mt:
        try:
            return _dt.date(int(mt.group(1)), int(mt.group(2)), int(mt.group(3))).isoformat()
        except ValueError:
            pass
    raise ValueProblem("bad-date", Text(f"无法识别的日期“{text}”（应为如 2024-01-01）", f"unreadable date '{text}' (expected e.g. 2024-01-01)"))


def _fee(text: str) -> tuple[str, str]:
    """("free", ""), ("yuan", "50") or ("text", the cell as written)."""
    t = unicodedata.normalize("NFKC", text).strip()
    if t in ("免费", "不收费", "否", "无", "0", "0元", "免收"):
        return ("free", "")
    mt = re.fullmatch(r"([0-9]{1,9}(?:\.[0-9]{1,2})?)\s*元", t)  # ASCII digits, a plausible amount: anything else stays text
    if mt and Decimal(mt.group(1)) <= MAX_FEE:  # above the language's bound it stays text, as written
        return ("yuan", mt.group(1))
    return ("text", one_line(text, " "))


def read_table(path: str | Path, kind: str, sheet: str | None = None, department: str | None = None,
               codes: CodeTables | None = None) -> ImportResult:
    """Read a list of ``kind`` from an .xlsx or .csv file; ``codes`` reads code cells (default: the built-in tables)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheets = read_xlsx(path, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        sheets = [read_csv(path)]
    elif suffix == ".xls":
        raise TableError(f"{path.name} 是旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后再导入",
                         f"{path.name} is an old .xls file; save it as .xlsx or .csv first")
    else:
        raise TableError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}：应为 .xlsx 或 .csv",
                         f"unsupported file type {path.suffix or '(none)'}: expected .xlsx or .csv")
    reader = TableReader(strip_unsafe(path.name), kind, strip_unsafe(department) if department is not None else None, codes or BUILTIN)
    used = 0
    for sh in sheets:
        layout = find_layout(sh, kind)
        if layout is None:
            continue
        used += 1
        reader.read_sheet(sh, layout)
    reader.finish()
    derive_levels(reader.result)
    if used == 0:
        keys = _KIND_TABLES[kind]
        wanted = "、".join(t[k][0] for t in keys for k in t if k in ("name", "code", "body", "category"))
        where = f"工作表“{sheet}”" if sheet else "任何工作表" if suffix != ".csv" else "文件"
        raise TableError(f"在{where}的前 {HEADER_SCAN_ROWS} 行中找不到{_KIND_ZH[kind]}的表头（应含 {wanted} 等列）",
                         f"no heading row of a {kind} list in the first {HEADER_SCAN_ROWS} rows (expected columns such as {wanted})")
    return reader.result


_KIND_ZH = {"power": "权力清单", "responsibility": "责任清单", "negative": "负面清单", "matter": "事项表"}
