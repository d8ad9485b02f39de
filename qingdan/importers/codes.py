"""Code tables for table imports: what the codes in a power list's cells mean.

Power lists kept as spreadsheets often hold codes, not words: 事项类型 ``01``, 实施层级
``2,3``, 授权部门 ``73``. ``CodeTables`` says what each code means, in three tables:

- categories (事项类型 / 权力类型): 01 行政许可 … 10 其他行政权力 (the ten power
  categories in the order DOMAIN.md lists them) and 20 公共服务, the national platform's
  numbering as provincial portals use it. DOMAIN.md gives no codes; the shared Guangdong
  export (``gd-province-sample.jsonl``, ``TASK_TYPE`` next to ``TASK_TYPE_TEXT``)
  confirms 01, 05, 07 and 08 and shows that provinces differ above 10 (it writes 20 for
  其他行政权力 and 21 for 公共服务), so every code can be overridden;
- levels (行使层级): 1 国家级, 2 省级, 3 市级, 4 县级, 5 乡镇级, 6 村级 (not confirmed by
  shared data). The language has the four levels 省, 市, 县, 乡 (DOMAIN.md), so 1 and 6
  are known but not imported;
- departments: none built in; a code file maps a department code to its name (and,
  optionally, its level and region).

Overrides come from a code file (``qingdan import table --codes FILE``): TOML with the
tables ``[事项类型]``, ``[行使层级]`` and ``[部门]`` (or ``[categories]``, ``[levels]``,
``[departments]``), or CSV with the columns 表, 代码, 名称 (and 层级, 区划 for
departments; without a 表 column every row is a department). An entry of the file
replaces the built-in entry of the same code; the rest of the built-in tables stays.
A file that cannot be used raises ``CodesError`` naming the file, line and what to fix.

Codes are compared after folding width and spaces; a code of digits only also matches
without its leading zeros (Excel drops them: ``01`` is read as ``1``).
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..compiler import model as m
from ..compiler.text import Text
from .records import UNSAFE, ValueProblem, parse_category, parse_levels, shorten

# Built-in: the national numbering of the power categories (see the module docstring).
CATEGORY_CODES: dict[str, str] = {
    "01": "licensing", "02": "penalty", "03": "coercion", "04": "levy", "05": "benefit", "06": "inspection",
    "07": "confirmation", "08": "reward", "09": "adjudication", "10": "other", "20": "public_service",
}
# Built-in: 行使层级 codes; 1 and 6 name levels the language does not have.
LEVEL_CODES: dict[str, str] = {"2": "province", "3": "city", "4": "county", "5": "township"}
OUTSIDE_LEVEL_CODES: dict[str, str] = {"1": "国家级", "6": "村级"}
# Level words a code file may use for levels the language does not have.
_OUTSIDE_WORDS = {"国家": "国家级", "国家级": "国家级", "中央": "国家级", "村": "村级", "村级": "村级", "社区": "村级", "村(社区)": "村级"}

_TABLE_NAMES = {
    "categories": "categories", "category": "categories", "事项类型": "categories", "权力类型": "categories", "类别": "categories",
    "类型": "categories", "levels": "levels", "level": "levels", "行使层级": "levels", "层级": "levels", "实施层级": "levels",
    "departments": "departments", "department": "departments", "部门": "departments", "实施主体": "departments",
    "授权部门": "departments",
}
_TABLE_ZH = {"categories": "事项类型", "levels": "行使层级", "departments": "部门"}
_DEPT_KEYS = {"名称": "name", "name": "name", "层级": "level", "level": "level", "区划": "region", "region": "region",
              "编码": "code", "code": "code", "机构代码": "code"}
_CSV_COLUMNS = {"表": "table", "table": "table", "代码": "code", "code": "code", "名称": "name", "name": "name", "含义": "name",
                "层级": "level", "level": "level", "区划": "region", "region": "region"}
_CODE_LIKE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._\-]*")
_LEVEL_SPLIT = re.compile(r"[,，、;；/／|\s]+|(?<=\d)(?:和|及|与)(?=\d)")


class CodesError(Exception):
    """A code file that cannot be used; ``line`` is 0 when the problem is the whole file."""

    def __init__(self, file: str, line: int, zh: str, en: str) -> None:
        where_zh = f"{file} 第 {line} 行：" if line else f"{file}："
        where_en = f"{file} line {line}: " if line else f"{file}: "
        super().__init__(where_en + en)
        self.file, self.line = file, line
        self.zh, self.en = where_zh + zh, where_en + en


def code_key(text: str) -> str:
    """A code folded for comparison: width and spaces folded, case ignored, leading zeros of a number dropped."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()
    return (t.lstrip("0") or "0") if t.isdigit() else t


def looks_like_code(text: str) -> bool:
    """Whether a cell holds a code (letters, digits, ``.-_``) rather than a name in Chinese."""
    return _CODE_LIKE.fullmatch(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))) is not None


@dataclass(frozen=True)
class DeptCode:
    """What a department code stands for."""

    name: str
    level: str | None = None
    region: str | None = None
    code: str | None = None  # the code as the file writes it (or its 编码 entry)


@dataclass
class CodeTables:
    """The code tables one import uses: the built-in tables with a code file's entries over them."""

    categories: dict[str, str] = field(default_factory=lambda: {code_key(k): v for k, v in CATEGORY_CODES.items()})
    levels: dict[str, str] = field(default_factory=lambda: {code_key(k): v for k, v in LEVEL_CODES.items()})
    outside_levels: dict[str, str] = field(default_factory=lambda: {code_key(k): v for k, v in OUTSIDE_LEVEL_CODES.items()})
    departments: dict[str, DeptCode] = field(default_factory=dict)
    shown: dict[str, dict[str, tuple[str, str]]] = field(default_factory=lambda: {  # table -> key -> (code as written, meaning)
        "categories": {code_key(k): (k, m.CATEGORY_ZH[v]) for k, v in CATEGORY_CODES.items()},
        "levels": {code_key(k): (k, w) for k, w in [*((k, m.LEVEL_ZH[v]) for k, v in LEVEL_CODES.items()), *OUTSIDE_LEVEL_CODES.items()]},
    })
    source: str = ""  # the code file's name; "" for the built-in tables alone
    _read: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # category cells read before

    def describe(self) -> str:
        """Where the codes come from, for the import report."""
        return "内置代码表" + (f" + {self.source}" if self.source else "")

    def describe_en(self) -> str:
        return "built-in tables" + (f" + {self.source}" if self.source else "")

    def known(self, table: str, limit: int = 14) -> str:
        """The codes of a table as ``01 行政许可、02 行政处罚 …`` for a message."""
        items = sorted(self.shown.get(table, {}).values(), key=lambda kv: (code_key(kv[0]).zfill(8), kv[0]))
        text = "、".join(f"{k} {v}" for k, v in items[:limit])
        return text + ("……" if len(items) > limit else "") if text else "（无）"

    # ------------------------------------------------------------ reading cells
    def category(self, text: str) -> str:
        """A category cell: a code (``01``), a name (``行政许可``) or both (``01 行政许可``, name wins).

        Raises ValueProblem (``unknown-type``) for a code not in the table or an unknown name.
        """
        if text in self._read:
            return self._read[text]
        t = unicodedata.normalize("NFKC", text).strip()
        key = code_key(t)
        if key in self.categories:
            self._read[text] = self.categories[key]
            return self.categories[key]
        if looks_like_code(t):
            raise ValueProblem("unknown-type", Text(
                f"事项类型代码“{shorten(t)}”不在代码表中（{self.describe()}：{self.known('categories')}）；请在 --codes 文件的 [事项类型] 中写明它的含义",
                f"the category code '{shorten(t)}' is not in the code table ({self.describe_en()}: {self.known('categories')}); "
                f"give its meaning under [事项类型] in a --codes file"))
        both = re.fullmatch(r"([0-9]{1,3})\s*[-_.、:：·)）]?\s*(\D.*)", t)
        self._read[text] = parse_category(both.group(2) if both else t)
        return self._read[text]

    def levels_of(self, text: str) -> tuple[list[str], list[tuple[str, Text]]]:
        """A level cell: codes (``2,3``), words (``省级、市级``) or both, as levels (highest first) and unread parts.

        Each unread part comes with the message saying why (a code outside the table, 国家级 …).
        """
        t = unicodedata.normalize("NFKC", text).strip()
        parts = [p for p in _LEVEL_SPLIT.split(t) if p] if re.search(r"\d", t) or re.search(r"[,，、;；/／|]", t) else [t]
        found: set[str] = set()
        unread: list[tuple[str, Text]] = []
        for part in parts:
            key = code_key(part)
            if key in self.levels:
                found.add(self.levels[key])
            elif key in self.outside_levels:
                word = self.outside_levels[key]
                unread.append((part, Text(f"层级代码“{part}”是{word}，规则语言只有省、市、县、乡四级，未导入",
                                          f"the level code '{part}' means {word}; the language has only province, city, county and township")))
            elif looks_like_code(part):
                unread.append((part, Text(
                    f"层级代码“{shorten(part)}”不在代码表中（{self.describe()}：{self.known('levels')}）；请在 --codes 文件的 [行使层级] 中写明它的含义",
                    f"the level code '{shorten(part)}' is not in the code table ({self.describe_en()}: {self.known('levels')}); "
                    f"give its meaning under [行使层级] in a --codes file")))
            else:
                try:
                    found.update(parse_levels(part))
                except ValueProblem as e:
                    unread.append((part, e.message))
        return sorted(found, key=m.LEVEL_ORDER.__getitem__), unread

    def department(self, text: str) -> DeptCode | None:
        """The department a code stands for, or None when the text is no code of the table."""
        return self.departments.get(code_key(text))


BUILTIN = CodeTables()


# ---------------------------------------------------------------- code files
def load_codes(path: str | Path) -> CodeTables:
    """The built-in tables with the entries of a code file (``.toml`` or ``.csv``) over them.

    Raises CodesError with the file's name, the line and what to fix.
    """
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CodesError(name, 0, f"无法读取代码表文件（{e.strerror or e}）", f"cannot read the code file ({e.strerror or e})") from e
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if path.suffix.lower() != ".csv":
            raise CodesError(name, 0, "代码表文件不是 UTF-8 编码，请另存为 UTF-8", "the code file is not UTF-8; save it as UTF-8") from None
        text = data.decode("gb18030", errors="replace")
    builder = _Builder(name)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        _read_toml(text, builder)
    elif suffix in (".csv", ".txt", ".tsv"):
        _read_csv(text, builder)
    else:
        raise CodesError(name, 0, f"不支持的代码表文件类型 {path.suffix or '（无扩展名）'}：应为 .toml 或 .csv",
                         f"unsupported code file type {path.suffix or '(none)'}: expected .toml or .csv")
    if not builder.count:
        raise CodesError(name, 0, "代码表文件中没有任何代码（应有 [事项类型]、[行使层级] 或 [部门] 表）",
                         "the code file holds no codes (expected a [事项类型], [行使层级] or [部门] table)")
    return builder.tables


class _Builder:
    """Adds a code file's entries to a copy of the built-in tables, checking each."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.tables = CodeTables(source=file)
        self.seen: dict[tuple[str, str], tuple[str, int]] = {}  # (table, key) -> (code as written, line)
        self.count = 0

    def fail(self, line: int, zh: str, en: str) -> CodesError:
        return CodesError(self.file, line, zh, en)

    def text(self, value: object, line: int, what_zh: str, what_en: str) -> str:
        if not isinstance(value, str):
            raise self.fail(line, f"{what_zh}应为带引号的文字", f"{what_en} must be a quoted string")
        value = unicodedata.normalize("NFC", value).strip()
        if UNSAFE.search(value):
            raise self.fail(line, f"{what_zh}含有控制字符或文字方向控制字符", f"{what_en} holds control or text-direction characters")
        if not value:
            raise self.fail(line, f"{what_zh}为空", f"{what_en} is empty")
        return value

    def add(self, table: str, code: object, meaning: object, line: int, extra: dict[str, object] | None = None) -> None:
        code_text = self.text(code, line, "代码", "the code")
        key = code_key(code_text)
        shown = self.tables.shown.setdefault(table, {})  # the built-in entry of the same key (01 for 1) is replaced
        first = self.seen.get((table, key))
        if first is not None:
            raise self.fail(line, f"[{_TABLE_ZH[table]}] 中代码“{code_text}”与第 {first[1]} 行的“{first[0]}”重复",
                            f"the code '{code_text}' under [{_TABLE_ZH[table]}] repeats '{first[0]}' of line {first[1]}")
        self.seen[(table, key)] = (code_text, line)
        self.count += 1
        t = self.tables
        if table == "categories":
            word = self.text(meaning, line, f"代码“{code_text}”的含义", f"the meaning of code '{code_text}'")
            try:
                canon = parse_category(word)
            except ValueProblem:
                options = "、".join(m.CATEGORY_ZH.values())
                raise self.fail(line, f"代码“{code_text}”的含义“{shorten(word)}”不是权力类型（可用：{options}）",
                                f"the meaning '{shorten(word)}' of code '{code_text}' is not a category ({', '.join(m.CATEGORY_ZH)})") from None
            t.categories[key] = canon
            shown[key] = (code_text, m.CATEGORY_ZH[canon])
        elif table == "levels":
            word = self.text(meaning, line, f"代码“{code_text}”的含义", f"the meaning of code '{code_text}'")
            outside = _OUTSIDE_WORDS.get(unicodedata.normalize("NFKC", word).replace(" ", ""))
            if outside is not None:
                t.levels.pop(key, None)
                t.outside_levels[key] = outside
                shown[key] = (code_text, outside)
                return
            try:
                levels = parse_levels(word)
            except ValueProblem:
                levels = []
            if len(levels) != 1:
                raise self.fail(line, f"代码“{code_text}”的含义“{shorten(word)}”不是一个层级（应为 省级、市级、县级、乡级，或 国家级、村级）",
                                f"the meaning '{shorten(word)}' of code '{code_text}' is not one level (expected 省级, 市级, 县级, 乡级, or 国家级, 村级)")
            t.outside_levels.pop(key, None)
            t.levels[key] = levels[0]
            shown[key] = (code_text, m.LEVEL_ZH[levels[0]])
        else:
            t.departments[key] = self.department(code_text, meaning, line, extra or {})
            shown[key] = (code_text, t.departments[key].name)

    def department(self, code_text: str, meaning: object, line: int, extra: dict[str, object]) -> DeptCode:
        fields: dict[str, object] = dict(extra)
        if isinstance(meaning, dict):
            for k, v in meaning.items():
                canon = _DEPT_KEYS.get(k)
                if canon is None:
                    raise self.fail(line, f"部门代码“{code_text}”中没有“{k}”这一项（可用：名称、层级、区划、编码）",
                                    f"department code '{code_text}' has no entry '{k}' (known: 名称 name, 层级 level, 区划 region, 编码 code)")
                fields[canon] = v
        else:
            fields["name"] = meaning
        if "name" not in fields:
            raise self.fail(line, f"部门代码“{code_text}”没有名称（名称 = \"…\"）", f"department code '{code_text}' has no name (名称 = \"...\")")
        name = self.text(fields["name"], line, f"部门代码“{code_text}”的名称", f"the name of department code '{code_text}'")
        level = None
        if fields.get("level") not in (None, ""):
            word = self.text(fields["level"], line, f"部门代码“{code_text}”的层级", f"the level of department code '{code_text}'")
            try:
                levels = parse_levels(word)
            except ValueProblem:
                levels = []
            if len(levels) != 1:
                raise self.fail(line, f"部门代码“{code_text}”的层级“{shorten(word)}”应为 省、市、县 或 乡 之一",
                                f"the level '{shorten(word)}' of department code '{code_text}' must be one of 省, 市, 县, 乡")
            level = levels[0]
        region = self.text(fields["region"], line, f"部门代码“{code_text}”的区划", f"the region of department code '{code_text}'") \
            if fields.get("region") not in (None, "") else None
        code = self.text(fields["code"], line, f"部门代码“{code_text}”的编码", f"the code entry of department code '{code_text}'") \
            if fields.get("code") not in (None, "") else code_text
        return DeptCode(name, level, region, code)


def _table_of(name: str) -> str | None:
    return _TABLE_NAMES.get(re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold())


def _read_toml(text: str, b: _Builder) -> None:
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise b.fail(0, "TOML 嵌套过深，代码表只有三张表，每个代码一行", "the TOML nests too deeply; a code file has three tables, one code a line") from None
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line = int(where.group(1)) if where else 0
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        col = f"第 {where.group(2)} 列" if where else ""
        source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        hint_zh = hint_en = ""
        if re.match(r"\s*\[?\s*[^\"'\s\[=]*[^\x00-\x7f]", source_line):  # a bare key in Chinese: TOML wants quotes
            hint_zh = "；TOML 中的中文键名要加引号，如 [\"事项类型\"]、\"名称\" = \"…\"，或用英文表名 [categories]、[levels]、[departments]"
            hint_en = "; Chinese keys must be quoted in TOML, e.g. [\"事项类型\"], or use the table names [categories], [levels], [departments]"
        raise b.fail(line, f"{col}不是有效的 TOML（{detail}）{hint_zh}",
                     f"{'column ' + where.group(2) + ': ' if where else ''}not valid TOML ({detail}){hint_en}") from None
    lines = _TomlLines(text)
    for table_name, entries in data.items():
        table = _table_of(table_name)
        if table_name in ("名称", "name", "说明", "note") and isinstance(entries, str):
            continue  # what the file is for, for people
        if table is None or not isinstance(entries, dict):
            raise b.fail(lines.table(table_name), f"不认识的表“{table_name}”（应为 [事项类型]、[行使层级] 或 [部门]）",
                         f"unknown table '{table_name}' (expected [事项类型] categories, [行使层级] levels or [部门] departments)")
        for code, meaning in entries.items():
            b.add(table, code, meaning, lines.key(table_name, code))


class _TomlLines:
    """The line of a table or key in a TOML text, for messages (tomllib gives values, not positions).

    One pass over the lines indexes every ``[table]`` header and every ``key =`` under it.
    """

    _HEADER = re.compile(r"\s*\[\s*(\"[^\"]*\"|'[^']*'|[^\].\s]+)")
    _KEY = re.compile(r"\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.tables: dict[str, int] = {}
        self.keys: dict[tuple[str, str], int] = {}
        table = ""
        for i, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                table = header.group(1).strip("\"'")
                self.tables.setdefault(table, i)
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault((table, key.group(1).strip("\"'")), i)

    def table(self, name: str) -> int:
        """The line of ``[name]`` (or of ``[name.…]``, or of ``name =``), 0 when not found."""
        return self.tables.get(name) or self.keys.get(("", name), 0)

    def key(self, table: str, key: str) -> int:
        """The line of ``key =`` in ``[table]``; the table's line when not found."""
        return self.keys.get((table, key)) or self.table(table)


def _read_csv(text: str, b: _Builder) -> None:
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: dict[str, int] | None = None
    try:
        for row in reader:
            line = reader.line_num
            cells = [unicodedata.normalize("NFKC", c).strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if header is None:
                header = _csv_header(cells, b, line)
                continue
            get = _getter(cells, header)
            table = _table_of(get("table")) if "table" in header else "departments"
            if table is None:
                raise b.fail(line, f"不认识的表“{get('table')}”（“表”列应为 事项类型、行使层级 或 部门）",
                             f"unknown table '{get('table')}' (the 表 column must be 事项类型, 行使层级 or 部门)")
            extra: dict[str, object] = {k: get(k) for k in ("level", "region") if k in header and get(k)}
            if extra and table != "departments":
                raise b.fail(line, "层级、区划两列只用于部门代码", "the 层级 and 区划 columns are for department codes only")
            b.add(table, get("code"), get("name"), line, extra)
    except csv.Error as e:
        raise b.fail(reader.line_num, f"不是有效的 CSV（{e}）", f"not valid CSV ({e})") from None
    if header is None:
        raise b.fail(0, "代码表文件是空的", "the code file is empty")


def _csv_header(cells: Iterable[str], b: _Builder, line: int) -> dict[str, int]:
    header: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = _CSV_COLUMNS.get(cell.casefold())
        if key is not None:
            header.setdefault(key, i)
    if "code" not in header or "name" not in header:
        raise b.fail(line, "第一行应为表头，至少含“代码”和“名称”两列（可加“表”“层级”“区划”）",
                     "the first row must be headings with at least 代码 (code) and 名称 (name); 表, 层级, 区划 are optional")
    return header


def _getter(cells: list[str], header: dict[str, int]) -> Callable[[str], str]:
    def get(key: str) -> str:
        i = header.get(key)
        return cells[i] if i is not None and i < len(cells) else ""
    return get
