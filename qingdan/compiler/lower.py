"""Lowering: turn syntax trees into the typed catalog model, reporting every problem.

Each block kind has a small lowering function. Field keys and kind words are looked
up in the vocabulary (either language); unknown ones are errors with a did-you-mean.
Expressions are lowered against the matter's facts and conditions and type-checked.
Cross-declaration references are checked later, in resolve.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from ..dsl import ast
from ..dsl.keywords import CHILDREN, ENUMS, FIELDS, KINDS, TIME_UNITS, lookup
from ..dsl.normalize import normalize_name
from . import model as m
from .attachments import parse_link, parse_url
from .diagnostics import Diagnostic, Loc, Related, diag, did_you_mean, related
from .text import Text

T = TypeVar("T")

# The bounds of the numbers of the language. A number beyond them is a typo (a limit of
# 2000000 days, a fee with a fraction of a fen), and within them every output (guides,
# tables, JSON, DMN, spreadsheets) carries the number exactly.
MAX_DURATION = 10_000  # a time limit, step time or journey target: working days, natural days or hours
DURATION_DECIMALS = 2
MAX_VISITS = 100  # on-site visits of a matter
MAX_COPIES = 1_000  # copies of a material
MAX_FEE = 100_000_000  # yuan
FEE_DECIMALS = 2  # fen
MAX_DIGITS = 15  # digits of a number in a condition, leading zeros not counted: exact as a double
MAX_ORDER = 1_000  # orderings (arrows) in the order of a journey


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _digits(value: Decimal) -> int:
    """Digits written, leading zeros not counted (``0.05`` has 1, ``100.0`` has 4)."""
    digits = value.as_tuple().digits
    first = next((i for i, d in enumerate(digits) if d), len(digits))
    return max(len(digits) - first, 1)


MAX_PROBLEMS_PER_FILE = 1000  # diagnostics of one pass kept per file; past that, one note says more were left out


class Problems(list[Diagnostic]):
    """The diagnostics of one pass, at most ``MAX_PROBLEMS_PER_FILE`` per file.

    A file of garbage would otherwise give a diagnostic per word, each costing memory and
    time. Past the limit, one more diagnostic (of the same rule, at the first one left
    out) says that more problems were not listed, so nothing is left out silently.
    """

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}

    def full(self, file: str) -> bool:
        """Whether a further diagnostic in ``file`` would be left out."""
        return self.counts.get(file, 0) >= MAX_PROBLEMS_PER_FILE

    def append(self, d: Diagnostic) -> None:
        file = d.loc.file if d.loc else ""
        count = self.counts.get(file, 0)
        self.counts[file] = count + 1
        if count < MAX_PROBLEMS_PER_FILE:
            super().append(d)
        elif count == MAX_PROBLEMS_PER_FILE:
            super().append(diag(
                d.rule,
                f"这个文件还有更多问题没有列出（每个文件最多列出 {MAX_PROBLEMS_PER_FILE} 个）；请先改正已列出的问题，再重新检查",
                f"this file has more problems that are not listed (at most {MAX_PROBLEMS_PER_FILE} per file); "
                f"fix the ones listed and check again",
                d.loc,
            ))


class Lowering:
    """Lowers many files into one catalog, collecting diagnostics."""

    def __init__(self, config: m.ProjectConfig | None = None) -> None:
        self.catalog = m.CatalogModel(config=config or m.ProjectConfig())
        self.diagnostics: Problems = Problems()
        self.file = ""

    # ------------------------------------------------------------ helpers
    def loc(self, span: ast.Span) -> Loc:
        return Loc(self.file, span.line, span.col, span.end_line, span.end_col)

    def error(self, rule: str, zh: str, en: str, span: ast.Span, **kw) -> None:
        self.diagnostics.append(diag(rule, zh, en, self.loc(span), **kw))

    def lower_file(self, path: str, tree: ast.File) -> None:
        self.file = path
        for block in tree.items:
            if isinstance(block, ast.Field):
                self.error(
                    "unknown-keyword",
                    f"文件顶层不能直接写字段“{block.key.text}”，它应当写在某个声明（如 事项、部门）的大括号里",
                    f"field '{block.key.text}' cannot stand at the top of a file; put it inside a declaration such as matter or department",
                    block.key.span,
                )
                continue
            kind = self.kind_of(block, None)
            if kind is None:
                continue
            handler = _TOP[kind]
            handler(self, block)

    def kind_of(self, block: ast.Block, parent: str | None) -> str | None:
        allowed = CHILDREN.get(parent, ())
        text = normalize_name(block.kind.text)
        canon = _child_kinds(parent).get(text)
        if canon is not None:
            return canon
        if self.diagnostics.full(self.file):  # it would be left out: spare the search for a suggestion
            self.error("unknown-keyword", "", "", block.kind.span)
            return None
        spellings = [s for k in allowed for s in KINDS[k].spellings()]
        suggestion = did_you_mean(text, spellings)
        where_zh = "文件顶层" if parent is None else f"“{KINDS[parent].zh}”里"
        where_en = "at the top of a file" if parent is None else f"inside a {parent}"
        elsewhere = lookup(KINDS, text)
        as_field = lookup(FIELDS.get(parent or "", {}), text) if parent else None
        if as_field and block.body is None and block.values is None and block.title is None:
            name = block.name.text if block.name else "…"
            self.error(
                "syntax-error",
                f"缺少冒号：应写成“{text}: {name}”",
                f"missing colon: write '{text}: {name}'",
                block.kind.span,
            )
            return None
        if elsewhere:
            zh = f"“{text}”不能写在{where_zh}"
            en = f"'{text}' is not allowed {where_en}"
        else:
            zh = f"未知的声明类型“{text}”"
            en = f"unknown declaration kind '{text}'"
        allowed_zh = "、".join(KINDS[k].zh for k in allowed)
        zh += f"（此处可用：{allowed_zh}）" if not suggestion else ""
        self.error("unknown-keyword", zh, en, block.kind.span, did_you_mean=suggestion)
        return None

    def fields(self, block: ast.Block, kind: str) -> tuple[dict[str, ast.Field], list[tuple[str, ast.Block]]]:
        """Split a block body into known fields and known child blocks."""
        table = FIELDS.get(kind, {})
        out: dict[str, ast.Field] = {}
        children: list[tuple[str, ast.Block]] = []
        for member in block.body or []:
            if isinstance(member, ast.Block):
                child = self.kind_of(member, kind)
                if child:
                    children.append((child, member))
                continue
            text = normalize_name(member.key.text)
            canon = lookup(table, text)
            if canon is None and self.diagnostics.full(self.file):  # left out: spare the suggestion
                self.error("unknown-keyword", "", "", member.key.span)
                continue
            if canon is None:
                spellings = [s for w in table.values() for s in w.spellings()]
                suggestion = did_you_mean(text, spellings)
                zh = f"“{KINDS[kind].zh}”中没有字段“{text}”"
                en = f"a {kind} has no field '{text}'"
                if not suggestion:
                    zh += "（可用字段：" + "、".join(w.zh for w in table.values()) + "）"
                    en += " (known fields: " + ", ".join(w.en for w in table.values()) + ")"
                self.error("unknown-keyword", zh, en, member.key.span, did_you_mean=suggestion)
                continue
            if canon in out:
                first = out[canon]
                self.error(
                    "duplicate-field",
                    f"字段“{text}”写了两次，只能保留一个",
                    f"field '{text}' is given twice; keep one",
                    member.key.span,
                    related=[Related(self.loc(first.span), "第一次出现在这里", "first given here")],
                )
                continue
            out[canon] = member
        return out, children

    def record_locs(self, node: m.Node, block: ast.Block, fields: dict[str, ast.Field]) -> None:
        file = self.file  # Loc built inline: this runs for every declaration of a large catalog
        node.loc = self.loc(block.name.span if block.name else block.kind.span)
        locs = {}
        for k, f in fields.items():
            s = f.span
            locs[k] = Loc(file, s.line, s.col, s.end_line, s.end_col)
            if f.values:
                s = f.values[0].span.cover(f.values[-1].span)
                locs[k + "@"] = Loc(file, s.line, s.col, s.end_line, s.end_col)
        s = block.span
        locs["block"] = Loc(file, s.line, s.col, s.end_line, s.end_col)
        node.locs = locs

    # ------------------------------------------------------------ value readers
    def one(self, field: ast.Field, what_zh: str, what_en: str):
        if len(field.values) != 1:
            self.error(
                "invalid-value",
                f"“{field.key.text}”只能有一个值（{what_zh}）",
                f"'{field.key.text}' takes a single value ({what_en})",
                field.span,
            )
            return None
        return field.values[0]

    def bad(self, field_or_value, key: str, zh: str, en: str) -> None:
        span = field_or_value.span
        self.error("invalid-value", f"“{key}”的值不正确：{zh}", f"invalid value for '{key}': {en}", span)

    def text(self, field: ast.Field | None) -> str | None:
        if field is None:
            return None
        v = self.one(field, "带引号的文字", "a quoted string")
        if v is None:
            return None
        if isinstance(v, ast.String):
            return v.value
        if isinstance(v, ast.Ref | ast.Number):
            return v.text
        self.bad(v, field.key.text, "应为带引号的文字", "expected a quoted string")
        return None

    def texts(self, field: ast.Field | None) -> list[str]:
        if field is None:
            return []
        out = []
        for v in field.values:
            items = v.items if isinstance(v, ast.ListValue) else [v]
            for it in items:
                if isinstance(it, ast.String):
                    out.append(it.value)
                elif isinstance(it, ast.Ref):
                    out.append(normalize_name(it.text))
                else:
                    self.bad(it, field.key.text, "应为文字或名称", "expected text or a name")
        return out

    def name(self, field: ast.Field | None) -> str | None:
        if field is None:
            return None
        v = self.one(field, "一个名称", "a name")
        if v is None:
            return None
        if isinstance(v, ast.Ref) and len(v.parts) == 1:
            return normalize_name(v.text)
        self.bad(v, field.key.text, "应为一个名称（不带引号）", "expected a name (without quotes)")
        return None

    def names(self, field: ast.Field | None) -> list[str]:
        if field is None:
            return []
        out = []
        for v in field.values:
            items = v.items if isinstance(v, ast.ListValue) else [v]
            for it in items:
                if isinstance(it, ast.Ref) and len(it.parts) == 1:
                    out.append(normalize_name(it.text))
                else:
                    self.bad(it, field.key.text, "应为名称", "expected a name")
        return out

    def enum(self, field: ast.Field | None, table: str, value=None) -> str | None:
        if value is not None:
            v = value
        elif field is not None:
            v = self.one(field, "一个选项", "one option")
        else:
            return None
        if v is None:
            return None
        word = v.text if isinstance(v, ast.Ref) else v.value if isinstance(v, ast.String) else None
        if word is not None:
            canon = lookup(ENUMS[table], normalize_name(word))
            if canon:
                return canon
        options = list(ENUMS[table].values())
        suggestion = did_you_mean(word or "", [s for w in options for s in w.spellings()]) if word else None
        zh = f"“{word if word else '该值'}”不是可用的选项，可用：" + "、".join(w.zh for w in options)
        en = f"'{word}' is not one of: " + ", ".join(w.en for w in options)
        if suggestion:
            zh, en = f"“{word}”不是可用的选项", f"'{word}' is not an allowed value"
        self.error("invalid-value", zh, en, v.span, did_you_mean=suggestion)
        return None

    def enums(self, field: ast.Field | None, table: str) -> list[str]:
        if field is None:
            return []
        out = []
        for v in field.values:
            for it in v.items if isinstance(v, ast.ListValue) else [v]:
                c = self.enum(field, table, it)
                if c:
                    out.append(c)
        return out

    def levels(self, field: ast.Field | None) -> dict[str, Any]:
        """``层级: 省, 市`` on a power or matter: ``levels`` highest first (repeats dropped), ``level`` the highest."""
        found = sorted(set(self.enums(field, "level")), key=m.LEVEL_ORDER.__getitem__)
        return {"level": found[0] if found else None, "levels": found}

    def boolean(self, field: ast.Field | None) -> bool | None:
        if field is None:
            return None
        v = self.one(field, "是 或 否", "true or false")
        if isinstance(v, ast.Bool):
            return v.value
        if v is not None:
            self.bad(v, field.key.text, "应为 是 或 否", "expected true or false (是/否)")
        return None

    def integer(self, field: ast.Field | None, limit: int, unit: str | None = None) -> int | None:
        """A whole number from 0 to ``limit``."""
        if field is None:
            return None
        v = self.one(field, "一个整数", "a whole number")
        if isinstance(v, ast.Quantity) and unit and v.unit == unit:
            v = v.amount
        if isinstance(v, ast.Number) and v.value == v.value.to_integral() and v.value >= 0:
            if v.value > limit:
                self.bad(v, field.key.text, f"最多 {limit}，请检查是否多写了数字", f"at most {limit}; check for extra digits")
                return None
            return int(v.value)
        if v is not None:
            self.bad(v, field.key.text, "应为不小于 0 的整数", "expected a whole number, 0 or more")
        return None

    def duration(self, field: ast.Field | None, or_zh: str = "", or_en: str = "") -> m.Duration | None:
        """A duration; ``or_zh``/``or_en`` name the words the field also takes, for the message."""
        if field is None:
            return None
        v = self.one(field, "时长，如 20 工作日", "a duration such as 20 working_days")
        if isinstance(v, ast.Quantity) and v.unit in TIME_UNITS and v.amount.value >= 0:
            amount = v.amount.value
            if amount > MAX_DURATION or _decimals(amount) > DURATION_DECIMALS:
                self.bad(v, field.key.text,
                         f"时长最多 {MAX_DURATION}（工作日、自然日或小时都一样），小数最多 {DURATION_DECIMALS} 位；请检查是否多写了数字",
                         f"a duration is at most {MAX_DURATION} (working days, natural days or hours alike), "
                         f"with at most {DURATION_DECIMALS} decimals; check for extra digits")
                return None
            return m.Duration(amount=amount, unit=v.unit)
        if v is not None:
            self.bad(v, field.key.text, f"应为时长，如“20 工作日”“5 自然日”“4 小时”{or_zh}",
                     f"expected a duration such as '20 working_days', '5 natural_days' or '4 hours'{or_en}")
        return None

    def a_date(self, field: ast.Field | None) -> date | None:
        if field is None:
            return None
        v = self.one(field, "日期，如 2024-01-01", "a date such as 2024-01-01")
        if isinstance(v, ast.Date):
            try:
                return date.fromisoformat(v.text)
            except ValueError:
                self.bad(v, field.key.text, f"“{v.text}”不是有效日期", f"'{v.text}' is not a valid date")
                return None
        if v is not None:
            self.bad(v, field.key.text, "应为日期，如 2024-01-01", "expected a date such as 2024-01-01")
        return None

    def citations(self, field: ast.Field | None) -> list[m.Citation]:
        if field is None:
            return []
        out = []
        for v in field.values:
            for it in v.items if isinstance(v, ast.ListValue) else [v]:
                if isinstance(it, ast.Ref) and len(it.parts) in (1, 2):
                    law = normalize_name(it.parts[0].text)
                    art = normalize_name(it.parts[1].text) if len(it.parts) == 2 else None
                    out.append(m.Citation(law=law, article=art, loc=self.loc(it.span)))
                else:
                    self.bad(it, field.key.text, "应为“法规.条款”形式的引用，如 食品安全法.第三十五条", "expected a citation law.article, e.g. food_safety_law.art35")
        return out

    def call_arg_name(self, call: ast.Call, key: str) -> str | None:
        if len(call.args) == 1 and isinstance(call.args[0], ast.Ref) and len(call.args[0].parts) == 1:
            return normalize_name(call.args[0].text)
        self.bad(call, key, f"“{call.func.text}(…)”里应为一个名称", f"'{call.func.text}(...)' takes one name")
        return None

    def declared_name(self, block: ast.Block) -> str | None:
        if block.name is None:
            self.error(
                "syntax-error",
                f"“{block.kind.text}”声明缺少名称（标识符），例如：{block.kind.text} 名称 \"标题\" {{ … }}",
                f"the {block.kind.text} declaration needs a name (an identifier)",
                block.kind.span,
            )
            return None
        return normalize_name(block.name.text)

    def no_short_value(self, block: ast.Block, kind: str) -> None:
        if block.values is not None:
            self.error(
                "invalid-value",
                f"“{KINDS[kind].zh}”不能用“:”简写，请用大括号写出字段",
                f"a {kind} cannot be written in the short ':' form; use a braced body",
                block.values[0].span,
            )

    def register(self, table: dict, node, kind: str) -> None:
        existing = table.get(node.id)
        if existing is not None:
            self.diagnostics.append(
                diag(
                    "duplicate-id",
                    f"{KINDS[kind].zh}“{node.id}”重复定义",
                    f"{kind} '{node.id}' is defined twice",
                    node.loc,
                    related=related(existing.loc, "另一处定义在这里", "the other definition is here"),
                )
            )
            return
        table[node.id] = node

    # ------------------------------------------------------------ declarations
    def department(self, block: ast.Block) -> None:
        did = self.declared_name(block)
        if did is None:
            return
        self.no_short_value(block, "department")
        f, _ = self.fields(block, "department")
        node = m.Department(
            id=did,
            name=block.title.value if block.title else (self.text(f.get("name")) or did),
            level=self.enum(f.get("level"), "level"),
            region=self.text(f.get("region")),
            parent=self.name(f.get("parent")),
            contact=self.text(f.get("contact")),
            territory=self.text(f.get("territory")),
        )
        self.record_locs(node, block, f)
        self.register(self.catalog.departments, node, "department")

    def law(self, block: ast.Block) -> None:
        lid = self.declared_name(block)
        if lid is None:
            return
        self.no_short_value(block, "law")
        f, children = self.fields(block, "law")
        type_field = f.get("type")
        node = m.Law(
            id=lid,
            name=block.title.value if block.title else (self.text(f.get("name")) or lid),
            type=self.enum(type_field, "law_type") if type_field else None,
            issuer=self.text(f.get("issuer")),
            number=self.text(f.get("number")),
        )
        self.record_locs(node, block, f)
        for _, child in children:
            aid = self.declared_name(child)
            if aid is None:
                continue
            cf, _ = self.fields(child, "article")
            text = child.title.value if child.title else self.text(cf.get("text"))
            if child.values is not None:
                text = text or self.text(ast.Field(child.kind, child.values, child.span))
            art = m.Article(id=aid, text=text)
            self.record_locs(art, child, cf)
            if aid in node.articles:
                self.diagnostics.append(
                    diag("duplicate-id", f"法规“{lid}”的条款“{aid}”重复定义", f"article '{aid}' of law '{lid}' is defined twice", art.loc,
                         related=related(node.articles[aid].loc, "另一处定义在这里", "the other definition is here"))
                )
                continue
            node.articles[aid] = art
        self.register(self.catalog.laws, node, "law")

    def power(self, block: ast.Block) -> None:
        pid = self.declared_name(block)
        if pid is None:
            return
        self.no_short_value(block, "power")
        f, _ = self.fields(block, "power")
        node = m.Power(
            id=pid,
            name=block.title.value if block.title else (self.text(f.get("name")) or pid),
            code=self.text(f.get("code")),
            category=self.enum(f.get("category"), "category"),
            department=self.name(f.get("department")),
            **self.levels(f.get("level")),
            basis=self.citations(f.get("basis")),
            status=self.status(f.get("status")),
            effective_from=self.a_date(f.get("effective_from")),
            effective_to=self.a_date(f.get("effective_to")),
            division=self.text(f.get("division")),
            note=self.text(f.get("note")),
        )
        self.record_locs(node, block, f)
        self.register(self.catalog.powers, node, "power")

    def status(self, field: ast.Field | None) -> m.PowerStatus:
        if field is None:
            return m.PowerStatus()
        v = self.one(field, "保留、取消、下放(层级)、划转(部门) 或 合并(权力)", "retain, cancel, delegate(level), transfer(department) or merge(power)")
        if v is None:
            return m.PowerStatus()
        if isinstance(v, ast.Call):
            kind = self.enum(field, "status", ast.Ref([v.func], v.func.span))
            if kind == "delegate":
                arg = v.args[0] if len(v.args) == 1 else None
                level = self.enum(field, "level", arg) if arg is not None else None
                if arg is None:
                    self.bad(v, field.key.text, "下放(…) 里应写层级，如 下放(县)", "delegate(...) takes a level, e.g. delegate(county)")
                return m.PowerStatus(kind="delegate", level=level)
            if kind in ("transfer", "merge"):
                return m.PowerStatus(kind=kind, target=self.call_arg_name(v, field.key.text))
            if kind is not None:
                self.bad(v, field.key.text, f"“{v.func.text}”不带括号", f"'{v.func.text}' takes no argument")
            return m.PowerStatus()
        kind = self.enum(field, "status", v)
        if kind in ("delegate", "transfer", "merge"):
            self.bad(v, field.key.text, "下放、划转、合并需要写出去向，如 下放(县)、划转(审批局)", "delegate, transfer and merge need a target, e.g. delegate(county), transfer(approvals_bureau)")
            return m.PowerStatus()
        return m.PowerStatus(kind=kind or "retain")

    def responsibility(self, block: ast.Block) -> None:
        rid = self.declared_name(block)
        if rid is None:
            return
        self.no_short_value(block, "responsibility")
        f, _ = self.fields(block, "responsibility")
        stages = {s: t for s in m.STAGES if (t := self.text(f.get(s))) is not None}
        node = m.Responsibility(
            id=rid,
            power=self.name(f.get("power")),
            stages=stages,
            supervisor=self.name(f.get("supervisor")),
            accountability=self.texts(f.get("accountability")),
            basis=self.citations(f.get("basis")),
            effective_from=self.a_date(f.get("effective_from")),
            effective_to=self.a_date(f.get("effective_to")),
        )
        self.record_locs(node, block, f)
        self.register(self.catalog.responsibilities, node, "responsibility")

    def negative(self, block: ast.Block) -> None:
        nid = self.declared_name(block)
        if nid is None:
            return
        self.no_short_value(block, "negative")
        f, _ = self.fields(block, "negative")
        node = m.NegativeEntry(
            id=nid,
            name=block.title.value if block.title else (self.text(f.get("name")) or nid),
            code=self.text(f.get("code")),
            type=self.enum(f.get("type"), "negative_type"),
            description=self.text(f.get("description")),
            department=self.name(f.get("department")),
            implemented_by=self.names(f.get("implemented_by")),
            activities=self.texts(f.get("activities")),
            basis=self.citations(f.get("basis")),
            effective_from=self.a_date(f.get("effective_from")),
            effective_to=self.a_date(f.get("effective_to")),
        )
        self.record_locs(node, block, f)
        self.register(self.catalog.negatives, node, "negative")

    def journey(self, block: ast.Block) -> None:
        jid = self.declared_name(block)
        if jid is None:
            return
        self.no_short_value(block, "journey")
        f, _ = self.fields(block, "journey")
        order: list[m.Dependency] = []
        if "order" in f:
            for v in f["order"].values:
                if not isinstance(v, ast.Chain):
                    self.bad(v, f["order"].key.text, "应为“甲 -> 乙”形式的先后顺序", "expected an order such as 'a -> b'")
                    continue
                names = []
                for it in v.items:
                    if isinstance(it, ast.Ref) and len(it.parts) == 1:
                        names.append((normalize_name(it.text), it.span))
                    else:
                        self.bad(it, f["order"].key.text, "顺序里应为事项名称", "expected matter names in an order")
                pairs = list(zip(names, names[1:]))
                if len(order) + len(pairs) > MAX_ORDER:
                    self.bad(v, f["order"].key.text, f"一件事的先后顺序最多写 {MAX_ORDER} 条（每个箭头一条）",
                             f"a journey has at most {MAX_ORDER} orderings (one per arrow)")
                    break
                for (a, sa), (b, sb) in pairs:
                    order.append(m.Dependency(before=a, after=b, loc=self.loc(sa.cover(sb)), before_loc=self.loc(sa), after_loc=self.loc(sb)))
        node = m.Journey(
            id=jid,
            name=block.title.value if block.title else (self.text(f.get("name")) or jid),
            matters=self.names(f.get("matters")),
            order=order,
            target=self.duration(f.get("target")),
            department=self.name(f.get("department")),
        )
        self.record_locs(node, block, f)
        self.register(self.catalog.journeys, node, "journey")

    def matter(self, block: ast.Block) -> None:
        mid = self.declared_name(block)
        if mid is None:
            return
        self.no_short_value(block, "matter")
        f, children = self.fields(block, "matter")
        node = m.Matter(
            id=mid,
            name=block.title.value if block.title else (self.text(f.get("name")) or mid),
            code=self.text(f.get("code")),
            base_code=self.text(f.get("base_code")),
            category=self.enum(f.get("category"), "category"),
            power=self.name(f.get("power")),
            department=self.name(f.get("department")),
            **self.levels(f.get("level")),
            basis=self.citations(f.get("basis")),
            applicants=self.texts(f.get("applicants")),
            fee=self.fee(f.get("fee")),
            channels=self.enums(f.get("channels"), "channel"),
            visits=self.integer(f.get("visits"), MAX_VISITS, "times"),
            contact=self.text(f.get("contact")),
            location=self.text(f.get("location")),
            activities=self.texts(f.get("activities")),
            division=self.text(f.get("division")),
            effective_from=self.a_date(f.get("effective_from")),
            effective_to=self.a_date(f.get("effective_to")),
            note=self.text(f.get("note")),
        )
        self.guide_fields(node, f)
        self.record_locs(node, block, f)
        # facts first: conditions and materials refer to them
        order = {"fact": 0, "condition": 1, "result": 2, "limits": 3, "step": 4, "material": 5, "office": 6}
        scope = _Scope(node)
        for kind, child in sorted(children, key=lambda kc: order[kc[0]]):
            if kind == "fact":
                self.fact(node, child, scope)
            elif kind == "condition":
                self.condition_header(node, child, scope)
        for kind, child in children:
            if kind == "condition":
                self.condition_body(node, child, scope)
        for kind, child in children:
            if kind == "result":
                self.result(node, child)
            elif kind == "limits":
                self.limits(node, child)
            elif kind == "step":
                self.step(node, child, scope)
            elif kind == "material":
                self.material(node, child, scope)
            elif kind == "office":
                self.office(node, child)
        self.register(self.catalog.matters, node, "matter")

    def fee(self, field: ast.Field | None) -> m.Fee | None:
        if field is None:
            return None
        v = self.one(field, "免费、金额（如 50 元）或文字", "free, an amount (50 yuan) or text")
        if isinstance(v, ast.Ref) and lookup(ENUMS["fee"], normalize_name(v.text)):
            return m.Fee(free=True)
        amount = v.amount if isinstance(v, ast.Quantity) and v.unit == "yuan" else v if isinstance(v, ast.Number) else None
        if amount is not None:
            value = amount.value
            if value < 0 or value > MAX_FEE or _decimals(value) > FEE_DECIMALS:
                self.bad(v, field.key.text,
                         f"收费金额应在 0 到 {MAX_FEE} 元之间，最多精确到分（两位小数）；请检查是否多写了数字或负号",
                         f"a fee is from 0 to {MAX_FEE} yuan, with at most 2 decimals (fen); check for extra digits or a minus sign")
                return None
            return m.Fee(free=value == 0, amount=value)
        if isinstance(v, ast.String):
            return m.Fee(free=False, text=v.value)
        if v is not None:
            self.bad(v, field.key.text, "应为 免费、金额（如 50 元）或带引号的说明", "expected free, an amount such as '50 yuan', or quoted text")
        return None

    # ------------------------------------------------------------ service-guide elements
    def guide_fields(self, node: m.Matter, f: dict[str, ast.Field]) -> None:
        """The elements of a service guide (办事指南) beyond conditions, materials and limits."""
        node.implementation_basis = self.citations(f.get("implementation_basis"))
        node.accepting_body = self.body(f.get("accepting_body"))
        node.deciding_body = self.body(f.get("deciding_body"))
        node.joint_bodies = self.bodies(f.get("joint_bodies"))
        node.review_standard = self.text(f.get("review_standard"))
        node.quantity_limit = self.text(f.get("quantity_limit"))
        node.office_hours = self.text(f.get("office_hours"))
        node.online_url = self.url(f.get("online_url"))
        courier = self.boolean(f.get("courier"))
        node.courier = courier
        node.booking, node.booking_url = self.booking(f.get("booking"))
        node.complaint = self.text(f.get("complaint"))
        node.reconsideration = self.body(f.get("reconsideration"))
        node.litigation = self.body(f.get("litigation"))
        self.fee_details(node, f)

    def fee_details(self, node: m.Matter, f: dict[str, ast.Field]) -> None:
        """收费标准 and 收费依据, which complete 收费."""
        standard, basis = f.get("fee_standard"), f.get("fee_basis")
        if standard is None and basis is None:
            return
        if node.fee is None:
            if "fee" not in f:
                given = standard or basis
                assert given is not None
                self.error("invalid-value",
                           f"写了“{given.key.text}”，但没有写“收费”：请加上 收费: 金额（如 50 元）、收费: \"说明\" 或 收费: 免费",
                           f"'{given.key.text}' is given but 'fee' is not: add fee: an amount (50 yuan), fee: \"text\" or fee: free",
                           given.key.span)
            return
        if standard is not None:
            text = self.text(standard)
            if node.fee.free:
                self.bad(standard, standard.key.text, "“收费: 免费”的事项没有收费标准；收费的事项请把“收费”写成金额（如 50 元）",
                         "a matter with 'fee: free' has no fee standard; for a charged matter write the fee as an amount (50 yuan)")
            elif node.fee.text is not None and text is not None:
                self.bad(standard, standard.key.text, "“收费”已经是文字说明，收费标准只写一处：请把两段文字合并",
                         "'fee' is already a text, so the standard would be given twice: merge the two texts")
            elif text is not None:
                node.fee.text = text
        if basis is not None:
            node.fee.basis = self.citations(basis)

    def booking(self, field: ast.Field | None) -> tuple[bool | None, str | None]:
        """网上预约: 是 / 否, or the address to book at (which says 是)."""
        if field is None:
            return None, None
        v = self.one(field, "是、否 或 预约网址", "true, false or the booking address")
        if isinstance(v, ast.Bool):
            return v.value, None
        if isinstance(v, ast.String):
            url = parse_url(v.value)
            if isinstance(url, Text):
                self.bad(v, field.key.text, url.zh, url.en)
                return None, None
            return True, url
        if v is not None:
            self.bad(v, field.key.text, "应为 是、否 或带引号的预约网址", "expected true, false or the booking address in quotes")
        return None, None

    def url(self, field: ast.Field | None) -> str | None:
        """An http(s) address in quotes."""
        return self.quoted(field, parse_url, ("带引号的网址", "an address in quotes"),
                           ("应为带引号的网址，如 \"https://www.example.gov.cn/\"",
                            "expected an address in quotes, such as \"https://www.example.gov.cn/\""))

    def attachment(self, field: ast.Field | None) -> m.Attachment | None:
        """空白表格, 示例样表, 结果样本: a project file's path or an http(s) address, in quotes."""
        return self.quoted(field, parse_link, ("带引号的文件路径或网址", "a file path or an address in quotes"),
                           ("应为带引号的文件路径（如 \"forms/申请表.docx\"）或网址",
                            "expected a file path (such as \"forms/application.docx\") or an address, in quotes"))

    def quoted(self, field: ast.Field | None, read: Callable[[str], T | Text], what: tuple[str, str],
               expected: tuple[str, str]) -> T | None:
        """One quoted value read by ``read`` (which returns the value, or the Text saying what is wrong)."""
        if field is None:
            return None
        v = self.one(field, *what)
        if isinstance(v, ast.String):
            value = read(v.value)
            if isinstance(value, Text):
                self.bad(v, field.key.text, value.zh, value.en)
                return None
            return value
        if v is not None:
            self.bad(v, field.key.text, *expected)
        return None

    def bodies(self, field: ast.Field | None) -> list[m.Body]:
        """Bodies: names of declared departments, or quoted names of bodies the catalog does not declare."""
        if field is None:
            return []
        out = []
        for v in field.values:
            for it in v.items if isinstance(v, ast.ListValue) else [v]:
                if isinstance(it, ast.String) and it.value.strip():
                    out.append(m.Body(text=" ".join(it.value.split())))
                elif isinstance(it, ast.Ref) and len(it.parts) == 1:
                    out.append(m.Body(department=normalize_name(it.text)))
                else:
                    self.bad(it, field.key.text, "应为部门名称，或带引号的机构名称（目录中没有声明的机构）",
                             "expected a department's name, or a body's name in quotes (a body the catalog does not declare)")
        return out

    def body(self, field: ast.Field | None) -> m.Body | None:
        if field is None:
            return None
        if self.one(field, "一个部门名称或带引号的机构名称", "one department name or body name in quotes") is None:
            return None
        found = self.bodies(field)
        return found[0] if found else None

    def office(self, matter: m.Matter, block: ast.Block) -> None:
        oid = self.declared_name(block)
        if oid is None:
            return
        self.no_short_value(block, "office")
        f, _ = self.fields(block, "office")
        node = m.Office(
            id=oid,
            name=block.title.value if block.title else (self.text(f.get("name")) or oid),
            address=self.text(f.get("address")),
            hours=self.text(f.get("opening_hours")),
            phone=self.text(f.get("phone")),
        )
        self.record_locs(node, block, f)
        for other in matter.offices:
            if other.id == oid:
                self.diagnostics.append(
                    diag("duplicate-id", f"事项“{matter.id}”中窗口“{oid}”重复定义", f"office '{oid}' is defined twice in matter '{matter.id}'",
                         node.loc, related=related(other.loc, "另一处定义在这里", "the other definition is here")))
                return
        matter.offices.append(node)

    def local(self, scope: _Scope, table: str, node, kind: str) -> bool:
        existing = scope.names[table].get(node.id)
        if existing is not None:
            self.diagnostics.append(
                diag("duplicate-id", f"事项“{scope.matter.id}”中{KINDS[kind].zh}“{node.id}”重复定义",
                     f"{kind} '{node.id}' is defined twice in matter '{scope.matter.id}'", node.loc,
                     related=related(existing.loc, "另一处定义在这里", "the other definition is here"))
            )
            return False
        scope.names[table][node.id] = node
        return True

    def fact(self, matter: m.Matter, block: ast.Block, scope: _Scope) -> None:
        fid = self.declared_name(block)
        if fid is None:
            return
        f, _ = self.fields(block, "fact")
        type_value = block.values[0] if block.values else (f["type"].values[0] if "type" in f and f["type"].values else None)
        if block.values and len(block.values) > 1:
            self.bad(block.values[1], KINDS["fact"].zh, "事实只能有一个类型", "a fact has one type")
        if type_value is None:
            self.error("invalid-value", f"事实“{fid}”缺少类型（数字、布尔、文本、枚举(…)、日期）", f"fact '{fid}' needs a type (number, bool, text, enum(...), date)", block.span)
            return
        options: list[m.EnumOption] = []
        if isinstance(type_value, ast.Call):
            ftype = self.enum(None, "fact_type", ast.Ref([type_value.func], type_value.func.span))
            if ftype != "enum":
                if ftype:
                    self.bad(type_value, "类型", "只有 枚举(…) 带选项", "only enum(...) takes options")
                return
            for arg in type_value.args:
                if isinstance(arg, ast.Ref) and len(arg.parts) == 1:
                    oid = normalize_name(arg.text)
                    options.append(m.EnumOption(id=oid, label=oid))
                elif isinstance(arg, ast.String):
                    options.append(m.EnumOption(id=arg.value, label=arg.value))
                else:
                    self.bad(arg, "枚举", "选项应为名称或文字", "options must be names or strings")
            if not options:
                self.bad(type_value, "枚举", "至少要有一个选项", "needs at least one option")
        else:
            ftype = self.enum(None, "fact_type", type_value)
            if ftype is None:
                return
            if ftype == "enum":
                self.bad(type_value, "枚举", "请写出选项，如 枚举(企业, 个人)", "list the options, e.g. enum(company, person)")
                return
        required = self.boolean(f.get("required"))
        node = m.Fact(
            id=fid,
            label=block.title.value if block.title else (self.text(f.get("label")) or fid),
            type=ftype,
            options=options,
            required=True if required is None else required,
            unit=self.text(f.get("unit")),
        )
        self.record_locs(node, block, f)
        if self.local(scope, "facts", node, "fact"):
            matter.facts.append(node)

    def condition_header(self, matter: m.Matter, block: ast.Block, scope: _Scope) -> None:
        cid = self.declared_name(block)
        if cid is None:
            return
        node = m.Condition(id=cid, text=block.title.value if block.title else "")
        node.loc = self.loc(block.name.span if block.name else block.kind.span)
        if self.local(scope, "conditions", node, "condition"):
            matter.conditions.append(node)
            scope.blocks[id(block)] = node

    def condition_body(self, matter: m.Matter, block: ast.Block, scope: _Scope) -> None:
        node = scope.blocks.get(id(block))
        if node is None:
            return
        f, _ = self.fields(block, "condition")
        if block.values is not None:  # short form: 条件 名称 "说明": 表达式
            f = dict(f)
            f["when"] = ast.Field(block.kind, block.values, block.span)
        node.text = node.text or self.text(f.get("text")) or ""
        node.basis = self.citations(f.get("basis"))
        when = f.get("when")
        if when is not None:
            v = self.one(when, "一个表达式", "one expression")
            if v is not None:
                node.expr = ExprLowering(self, scope, node.id).lower(v)
        self.record_locs(node, block, f)
        if not node.text:
            self.error("invalid-value", f"条件“{node.id}”缺少说明文字（写在名称后的引号里）", f"condition '{node.id}' needs a plain-language text (the quoted title)",
                       block.name.span if block.name else block.kind.span)

    def result(self, matter: m.Matter, block: ast.Block) -> None:
        rid = self.declared_name(block)
        if rid is None:
            return
        f, _ = self.fields(block, "result")
        node = m.Result(
            id=rid,
            name=block.title.value if block.title else (self.text(f.get("name")) or rid),
            type=self.text(f.get("type")),
            matter=matter.id,
            sample=self.attachment(f.get("sample")),
        )
        self.record_locs(node, block, f)
        if matter.result is not None:
            self.error("duplicate-field", f"事项“{matter.id}”只能有一个结果", f"matter '{matter.id}' can issue only one result", block.kind.span,
                       related=related(matter.result.loc, "第一个结果在这里", "the first result is here"))
            return
        matter.result = node
        self.register(self.catalog.results, node, "result")

    def limits(self, matter: m.Matter, block: ast.Block) -> None:
        f, _ = self.fields(block, "limits")
        if "block" in matter.limits.locs:
            self.error("duplicate-field", "一个事项只能有一个“时限”", "a matter has one limits block", block.kind.span,
                       related=related(matter.limits.locs["block"], "第一个时限在这里", "the first limits block is here"))
            return
        node = m.Limits()
        statutory, promised = f.get("statutory"), f.get("promised")
        if statutory is not None:
            word = self.limit_word(statutory)
            if word == "none":
                node.statutory_none = True
            elif word == "on_the_spot":
                self.bad(statutory.values[0], statutory.key.text,
                         "法定时限写时长或“无”（法律未规定时限）；当场办结的事项请写“承诺: 即办”",
                         "a statutory limit is a duration or 'none' (the law sets no limit); for a matter handled on the spot write 'promised: on_the_spot'")
            else:
                node.statutory = self.duration(statutory, "或“无”（法律未规定时限）", " or 'none' (the law sets no limit)")
        if promised is not None:
            word = self.limit_word(promised)
            if word == "on_the_spot":
                node.on_the_spot = True
                node.promised = m.Duration(amount=Decimal(0), unit="working_days")
            elif word == "none":
                self.bad(promised.values[0], promised.key.text,
                         "承诺时限写时长或“即办”；没有承诺时限时请删去这一行",
                         "a promised limit is a duration or 'on_the_spot'; without a promised limit, leave the line out")
            else:
                node.promised = self.duration(promised, "或“即办”（当场办结）", " or 'on_the_spot' (handled on the spot)")
        self.record_locs(node, block, f)
        matter.limits = node

    @staticmethod
    def limit_word(field: ast.Field) -> str | None:
        """``none`` (无) or ``on_the_spot`` (即办) when that is the field's one value."""
        if len(field.values) == 1 and isinstance(field.values[0], ast.Ref) and len(field.values[0].parts) == 1:
            return lookup(ENUMS["limit"], normalize_name(field.values[0].text))
        return None

    def step(self, matter: m.Matter, block: ast.Block, scope: _Scope) -> None:
        sid = self.declared_name(block)
        if sid is None:
            return
        f, _ = self.fields(block, "step")
        node = m.Step(
            id=sid,
            name=block.title.value if block.title else (self.text(f.get("name")) or sid),
            department=self.name(f.get("department")),
            duration=self.duration(f.get("duration")),
            outside_limit=bool(self.boolean(f.get("outside_limit"))),
            basis=self.citations(f.get("basis")),
        )
        self.record_locs(node, block, f)
        if self.local(scope, "steps", node, "step"):
            matter.steps.append(node)

    def material(self, matter: m.Matter, block: ast.Block, scope: _Scope) -> None:
        mid = self.declared_name(block)
        if mid is None:
            return
        f, _ = self.fields(block, "material")
        required = self.boolean(f.get("required"))
        node = m.Material(
            id=mid,
            name=block.title.value if block.title else (self.text(f.get("name")) or mid),
            source=self.source(f.get("source")),
            form=self.enum(f.get("form"), "form"),
            medium=self.enum(f.get("medium"), "medium"),
            copies=self.integer(f.get("copies"), MAX_COPIES),
            note=self.text(f.get("note")),
            required=True if required is None else required,
            tolerated=bool(self.boolean(f.get("tolerated"))),
            commitment=bool(self.boolean(f.get("commitment"))),
            spec=self.text(f.get("spec")),
            instructions=self.text(f.get("instructions")),
            blank_form=self.attachment(f.get("blank_form")),
            sample=self.attachment(f.get("sample")),
            acceptance=self.text(f.get("acceptance")),
        )
        only = f.get("only_when")
        if only is not None:
            v = self.one(only, "一个表达式", "one expression")
            if v is not None:
                node.only_when = ExprLowering(self, scope, None).lower(v)
        self.record_locs(node, block, f)
        if self.local(scope, "materials", node, "material"):
            matter.materials.append(node)

    def source(self, field: ast.Field | None) -> m.MaterialSource:
        if field is None:
            return m.MaterialSource()
        v = self.one(field, "申请人、签发(部门) 或 产出(结果)", "applicant, issued_by(department) or produced_by(result)")
        if isinstance(v, ast.Call):
            kind = self.enum(field, "source", ast.Ref([v.func], v.func.span))
            if kind in ("issued_by", "produced_by"):
                return m.MaterialSource(kind=kind, ref=self.call_arg_name(v, field.key.text))
            if kind == "applicant":
                self.bad(v, field.key.text, "“申请人”不带括号", "'applicant' takes no argument")
            return m.MaterialSource()
        if v is not None:
            kind = self.enum(field, "source", v)
            if kind in ("issued_by", "produced_by"):
                self.bad(v, field.key.text, "请写出签发部门或产出结果，如 签发(公安局)、产出(营业执照)", "name the issuer or result, e.g. issued_by(police), produced_by(business_licence)")
        return m.MaterialSource()


@cache
def _child_kinds(parent: str | None) -> dict[str, str]:
    """Spelling → kind of the blocks allowed inside ``parent`` (first allowed kind wins, as a scan would)."""
    index: dict[str, str] = {}
    for kind in CHILDREN.get(parent, ()):
        for spelling in KINDS[kind].spellings():
            index.setdefault(spelling, kind)
    return index


class _Scope:
    """Names declared inside one matter."""

    def __init__(self, matter: m.Matter) -> None:
        self.matter = matter
        self.names: dict[str, dict[str, Any]] = {"facts": {}, "conditions": {}, "steps": {}, "materials": {}}
        self.blocks: dict[int, m.Condition] = {}


_TYPE_ZH = {"number": "数字", "text": "文本", "bool": "布尔", "date": "日期", "enum": "枚举"}
_ORDERING = {"ge", "le", "gt", "lt"}
_FLIP = {"ge": "le", "le": "ge", "gt": "lt", "lt": "gt", "eq": "eq", "ne": "ne"}


class ExprLowering:
    """Lower and type-check one expression against a matter's facts and conditions."""

    def __init__(self, lw: Lowering, scope: _Scope, current: str | None) -> None:
        self.lw, self.scope, self.current = lw, scope, current

    def err(self, rule, zh, en, span, **kw):
        self.lw.error(rule, zh, en, span, **kw)

    def lower(self, v) -> m.Expr | None:
        loc = self.lw.loc(v.span)
        if isinstance(v, ast.Paren):
            return self.lower(v.inner)
        if isinstance(v, ast.BoolOp):
            items = [self.lower(i) for i in v.items]
            if any(i is None for i in items):
                return None
            return (m.AllOf if v.op == "and" else m.AnyOf)(items=items, loc=loc)
        if isinstance(v, ast.Not):
            inner = self.lower(v.operand)
            return None if inner is None else m.Not(operand=inner, loc=loc)
        if isinstance(v, ast.Bool):
            return m.Const(value=v.value, loc=loc)
        if isinstance(v, ast.Ref):
            return self.ref(v)
        if isinstance(v, ast.Compare):
            return self.compare(v)
        if isinstance(v, ast.Member):
            return self.member(v)
        self.err("type-error", "这里应为条件表达式（比较、属于、且/或/非）", "expected a condition (a comparison, membership, and/or/not)", v.span)
        return None

    def fact_of(self, v) -> m.Fact | None:
        if not (isinstance(v, ast.Ref) and len(v.parts) == 1):
            return None
        name = normalize_name(v.text)
        fact = self.scope.names["facts"].get(name)
        if fact is None:
            if name in self.scope.names["conditions"]:
                self.err("type-error", f"“{name}”是条件，不能拿来比较；直接写条件名即可", f"'{name}' is a condition and cannot be compared; use it on its own", v.span)
                return None
            self.unknown(name, v.span)
        return fact

    def unknown(self, name: str, span: ast.Span) -> None:
        cands = list(self.scope.names["facts"]) + list(self.scope.names["conditions"])
        suggestion = did_you_mean(name, cands)
        hint_zh = hint_en = ""
        for word in ("不小于", "不大于", "大于", "小于", "等于", "属于", "且", "或"):
            if word in name and name != word:
                hint_zh = f"（运算符“{word}”两边需要空格）"
                hint_en = f" (put spaces around the operator '{word}')"
                break
        zh = f"事项“{self.scope.matter.id}”中没有事实或条件“{name}”{hint_zh}"
        en = f"matter '{self.scope.matter.id}' has no fact or condition '{name}'{hint_en}"
        self.err("unknown-reference", zh, en, span, did_you_mean=suggestion)

    def ref(self, v: ast.Ref) -> m.Expr | None:
        name = normalize_name(v.text)
        loc = self.lw.loc(v.span)
        if len(v.parts) == 1 and name in self.scope.names["conditions"]:
            if name == self.current:
                self.err("type-error", f"条件“{name}”引用了它自己", f"condition '{name}' refers to itself", v.span)
                return None
            return m.CondRef(name=name, loc=loc)
        fact = self.fact_of(v)
        if fact is None:
            return None
        if fact.type != "bool":
            self.err("type-error", f"事实“{fact.id}”是{_TYPE_ZH[fact.type]}，不能单独作为条件，请写出比较，如 {fact.id} == …",
                     f"fact '{fact.id}' is a {fact.type}, not a bool; compare it with a value", v.span)
            return None
        return m.BoolFact(fact=fact.id, loc=loc)

    def literal(self, fact: m.Fact, v) -> m.Literal_ | None:
        loc = self.lw.loc(v.span)
        t = fact.type
        if t == "number" and isinstance(v, ast.Number | ast.Quantity):
            value = v.value if isinstance(v, ast.Number) else v.amount.value
            if _digits(value) > MAX_DIGITS:
                self.err("invalid-value", f"条件中的数字最多 {MAX_DIGITS} 位（不计整数部分开头的 0）；请检查是否多写了数字",
                         f"a number in a condition has at most {MAX_DIGITS} digits (leading zeros not counted); check for extra digits",
                         v.span)
                return None
            return m.Literal_(type="number", value=value, loc=loc)
        if t == "text" and isinstance(v, ast.String):
            return m.Literal_(type="text", value=v.value, loc=loc)
        if t == "bool" and isinstance(v, ast.Bool):
            return m.Literal_(type="bool", value=v.value, loc=loc)
        if t == "date" and isinstance(v, ast.Date):
            try:
                return m.Literal_(type="date", value=date.fromisoformat(v.text), loc=loc)
            except ValueError:
                self.err("invalid-value", f"“{v.text}”不是有效日期", f"'{v.text}' is not a valid date", v.span)
                return None
        if t == "enum" and isinstance(v, ast.Ref | ast.String) and not (isinstance(v, ast.Ref) and len(v.parts) > 1):
            word = normalize_name(v.text) if isinstance(v, ast.Ref) else v.value
            ids = [o.id for o in fact.options]
            if word in ids:
                return m.Literal_(type="enum", value=word, loc=loc)
            suggestion = did_you_mean(word, ids)
            zh = f"“{word}”不是事实“{fact.id}”的选项（可选：{'、'.join(ids)}）"
            en = f"'{word}' is not an option of fact '{fact.id}' (options: {', '.join(ids)})"
            self.err("type-error", zh, en, v.span, did_you_mean=suggestion)
            return None
        found = _describe(v)
        self.err(
            "type-error",
            f"事实“{fact.id}”是{_TYPE_ZH[t]}，不能与{found[0]}比较",
            f"fact '{fact.id}' is a {t} and cannot be compared with {found[1]}",
            v.span,
        )
        return None

    def compare(self, v: ast.Compare) -> m.Expr | None:
        left, right, op = v.left, v.right, v.op
        if not isinstance(left, ast.Ref) and isinstance(right, ast.Ref):
            left, right, op = right, left, _FLIP[op]
        fact = self.fact_of(left)
        if fact is None:
            if not isinstance(left, ast.Ref):
                self.err("type-error", "比较的一边应为事实名称", "one side of a comparison must be a fact", v.span)
            return None
        lit = self.literal(fact, right)
        if lit is None:
            return None
        if op in _ORDERING and fact.type in ("text", "enum", "bool"):
            self.err("type-error", f"事实“{fact.id}”是{_TYPE_ZH[fact.type]}，只能用 等于/不等于 比较，不能比大小",
                     f"fact '{fact.id}' is a {fact.type}: use == or != only, not an ordering", v.span)
            return None
        return m.Compare(op=op, fact=fact.id, value=lit, loc=self.lw.loc(v.span))

    def member(self, v: ast.Member) -> m.Expr | None:
        fact = self.fact_of(v.left)
        if fact is None:
            return None
        values = [self.literal(fact, it) for it in v.options.items]
        if any(x is None for x in values):
            return None
        if not values:
            self.err("type-error", "“属于”后面的列表是空的", "the list after 'in' is empty", v.options.span)
            return None
        return m.InSet(fact=fact.id, values=values, negated=v.negated, loc=self.lw.loc(v.span))


def _describe(v) -> tuple[str, str]:
    if isinstance(v, ast.String):
        return (f"文字 {v.raw}", f"the text {v.raw}")
    if isinstance(v, ast.Number | ast.Quantity):
        return ("数字", "a number")
    if isinstance(v, ast.Date):
        return ("日期", "a date")
    if isinstance(v, ast.Bool):
        return ("是/否", "a boolean")
    if isinstance(v, ast.Ref):
        return (f"名称“{v.text}”", f"the name '{v.text}'")
    return ("这个值", "this value")


_TOP: dict[str, Callable[[Lowering, ast.Block], None]] = {
    "department": Lowering.department,
    "law": Lowering.law,
    "power": Lowering.power,
    "responsibility": Lowering.responsibility,
    "negative": Lowering.negative,
    "matter": Lowering.matter,
    "journey": Lowering.journey,
}
