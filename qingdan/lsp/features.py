"""The editor features as pure functions of a ``Project``: diagnostics, hover, definition,
references, symbols, code actions, rename and formatting.

Positions come in and go out in the client's terms (lsprotocol types); inside, every
lookup is by 1-based line and code point column, as the compiler's spans are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from lsprotocol import types as lsp

from ..compiler import model as m
from ..compiler.diagnostics import RULES, Diagnostic, Severity
from ..compiler.report import rule_docs_url
from ..compiler.sources import CONFIG_NAME
from ..dsl.formatter import FormatError, format_source
from ..dsl.keywords import ENUMS, FIELDS, KINDS, UNITS, lookup
from ..dsl.normalize import normalize_name
from ..dsl.tokens import KEYWORD_MEANING
from .index import BlockContext, Key, Range, Symbol
from .positions import LineTable
from .project import Project
from .vocabulary import ENUM_ZH, KIND_EN, file_language, meanings

SOURCE = "qingdan"

# ---------------------------------------------------------------- conversions


def lsp_range(table: LineTable, r: Range) -> lsp.Range:
    start, end = table.span_to_client(r)
    return lsp.Range(lsp.Position(start.line, start.character), lsp.Position(end.line, end.character))


def location(project: Project, rel: str, r: Range) -> lsp.Location:
    return lsp.Location(project.uri(rel), lsp_range(project.lines(rel), r))


def position(project: Project, rel: str, pos: lsp.Position) -> tuple[int, int]:
    """A client position as a 1-based line and code point column."""
    return project.lines(rel).from_client(pos.line, pos.character)


def _overlaps(a: Range, b: Range) -> bool:
    return (a[0], a[1]) <= (b[2], b[3]) and (b[0], b[1]) <= (a[2], a[3])


def _innermost(blocks: Iterable[BlockContext], line: int, col: int) -> BlockContext | None:
    best = None
    for b in blocks:
        r = b.range
        if (r[0], r[1]) <= (line, col) <= (r[2], r[3]) and (best is None or (r[0], r[1]) >= (best.range[0], best.range[1])):
            best = b
    return best


_KIND_WORD = re.compile(r"^[ \t]*(" + "|".join(sorted({re.escape(s) for w in KINDS.values() for s in w.spellings()}, key=len, reverse=True))
                        + r")[ \t]", re.MULTILINE)


def language(project: Project, rel: str) -> str:
    """The keyword language of a file (that of most of its declarations; the project's when undecided)."""
    default = project.result.config.lang if project.result is not None else "zh"
    return file_language(_KIND_WORD.findall(project.text(rel) or ""), default)


# ---------------------------------------------------------------- diagnostics

_SEVERITY = {
    Severity.error: lsp.DiagnosticSeverity.Error,
    Severity.warning: lsp.DiagnosticSeverity.Warning,
    Severity.info: lsp.DiagnosticSeverity.Information,
}


def to_lsp_diagnostic(project: Project, d: Diagnostic, lang: str, site_url: str | None) -> lsp.Diagnostic:
    assert d.loc is not None
    rule = RULES[d.rule]
    loc = d.loc
    related = [
        lsp.DiagnosticRelatedInformation(location(project, r.loc.file, (r.loc.line, r.loc.col, r.loc.end_line, r.loc.end_col)), r.message(lang))
        for r in d.related
    ]
    url = rule_docs_url(rule, site_url)
    data: dict[str, Any] = {"rule": d.rule}
    if d.suggestion:
        data["suggestion"] = d.suggestion
        data["misspelt"] = d.misspelt
    return lsp.Diagnostic(
        range=lsp_range(project.lines(loc.file), (loc.line, loc.col, loc.end_line, loc.end_col)),
        message=d.message(lang),
        severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Hint),
        code=rule.code,
        code_description=lsp.CodeDescription(href=url) if url else None,
        source=f"{SOURCE} {d.rule}",
        related_information=related or None,
        tags=[lsp.DiagnosticTag.Unnecessary] if d.rule == "unused-waiver" else None,
        data=data,
    )


def diagnostics_by_file(project: Project, diags: list[Diagnostic], lang: str) -> dict[str, list[lsp.Diagnostic]]:
    """The findings of a compile, file by file (waived findings left out, as in ``qingdan check``)."""
    site_url = project.result.config.site_url if project.result is not None else None
    out: dict[str, list[lsp.Diagnostic]] = {}
    for d in diags:
        if d.waived is not None or d.severity == Severity.off:
            continue
        if d.loc is None:  # about the project as a whole: shown on its configuration
            if not project.has_config:
                continue
            from ..compiler.diagnostics import Loc

            d = Diagnostic(d.rule, d.severity, d.text, Loc(CONFIG_NAME, 1, 1, 1, 1), d.related, d.suggestion, d.misspelt)
        assert d.loc is not None
        out.setdefault(d.loc.file, []).append(to_lsp_diagnostic(project, d, lang, site_url))
    return out


# ---------------------------------------------------------------- hover

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def md(text: str | None) -> str:
    """User text for a Markdown hover: shown as written, never as markup or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text or "").replace("\n", " ")


def _enum_word(table: str, canon: str | None) -> str:
    if canon is None:
        return "—"
    word = ENUMS[table].get(canon)
    return f"{word.zh} {word.en}" if word else canon


def _duration(d: m.Duration | None) -> str:
    if d is None:
        return "—"
    unit = UNITS[d.unit]
    amount = d.amount.normalize() if isinstance(d.amount, Decimal) else d.amount
    return f"{amount:f} {unit.zh}"


class _Hover:
    def __init__(self, project: Project) -> None:
        self.p = project
        self.c = project.result.catalog if project.result is not None else None
        self.lines: list[str] = []

    def row(self, zh: str, en: str, value: str | None) -> None:
        if value:
            self.lines.append(f"- {zh} {en}: {value}")

    def dept(self, did: str | None) -> str | None:
        if not did:
            return None
        d = self.c.departments.get(did) if self.c else None
        return f"{md(did)}（{md(d.name)}）" if d and d.name != did else md(did)

    def basis(self, citations: list[m.Citation]) -> None:
        if not citations:
            return
        self.lines.append("- 依据 basis:")
        for cit in citations:
            law = self.c.laws.get(cit.law) if self.c else None
            title = f"《{md(law.name)}》" if law else md(cit.law)
            if cit.article is None:
                self.lines.append(f"  - {title}")
                continue
            art = law.articles.get(cit.article) if law else None
            text = f"：{md(art.text)}" if art and art.text else ""
            self.lines.append(f"  - {title}{md(cit.article)}{text}")

    def build(self, key: Key, symbol: Symbol | None) -> str:
        kind, scope, name = key
        if kind == "option":
            matter, fact = scope.split("/", 1)
            return f"**枚举选项 enum option** `{md(name)}`\n\n事项“{md(matter)}”的事实“{md(fact)}”的选项 / an option of fact '{md(fact)}' of matter '{md(matter)}'"
        word = KINDS.get(kind)
        head = f"**{word.zh} {word.en}** {md(name)}" if word else md(name)
        title = None
        node = self.node(key)
        if node is not None:
            title = getattr(node, "name", None) or getattr(node, "label", None) or getattr(node, "text", None)
            getattr(self, "on_" + kind, lambda n: None)(node)
        else:
            found = symbol or next((s for _rel, s in self.p.declarations(key)), None)
            title = found.title if found else None
            if found is None:
                self.lines.append("未找到声明 / not declared")
        if kind == "article":
            head = f"**条款 article** {md(scope)}.{md(name)}"
        if title and title != name and kind not in ("article", "condition"):
            head += f" — {md(title)}"
        return "\n".join([head, "", *self.lines]).rstrip() + "\n"

    def node(self, key: Key) -> Any:
        if self.c is None:
            return None
        kind, scope, name = key
        tables = {"department": self.c.departments, "law": self.c.laws, "power": self.c.powers,
                  "responsibility": self.c.responsibilities, "negative": self.c.negatives, "matter": self.c.matters,
                  "journey": self.c.journeys, "result": self.c.results}
        if kind in tables:
            return tables[kind].get(name)
        if kind == "article":
            law = self.c.laws.get(scope)
            return law.articles.get(name) if law else None
        matter = self.c.matters.get(scope)
        if matter is None:
            return None
        items: list[Any] = []
        if kind in ("fact", "condition", "material", "step"):
            items = getattr(matter, kind + "s")
        return next((x for x in items if x.id == name), None)

    def on_department(self, d: m.Department) -> None:
        self.row("层级", "level", _enum_word("level", d.level))
        self.row("区划", "region", md(d.region))
        self.row("上级", "parent", self.dept(d.parent))

    def on_law(self, law: m.Law) -> None:
        self.row("类型", "type", _enum_word("law_type", law.type) if law.type else None)
        self.row("制定机关", "issuer", md(law.issuer))
        self.row("文号", "number", md(law.number))
        self.row("条款", "articles", str(len(law.articles)))

    def on_article(self, art: m.Article) -> None:
        if art.text:
            self.lines.append("> " + md(art.text))

    def on_power(self, p: m.Power) -> None:
        self.row("类别", "category", _enum_word("category", p.category) if p.category else None)
        self.row("部门", "department", self.dept(p.department))
        self.row("层级", "level", "、".join(_enum_word("level", lv) for lv in p.levels) if len(p.levels) > 1 else _enum_word("level", p.level))
        if p.status.kind != "retain":
            self.row("状态", "status", _enum_word("status", p.status.kind) + (f" → {md(p.status.target or p.status.level or '')}"))
        self.basis(p.basis)

    def on_responsibility(self, r: m.Responsibility) -> None:
        self.row("权力", "power", md(r.power))
        self.row("监管部门", "supervisor", self.dept(r.supervisor))
        self.basis(r.basis)

    def on_negative(self, n: m.NegativeEntry) -> None:
        self.row("类型", "type", _enum_word("negative_type", n.type) if n.type else None)
        self.row("主管部门", "department", self.dept(n.department))
        self.row("措施", "description", md(n.description))
        self.basis(n.basis)

    def on_matter(self, mt: m.Matter) -> None:
        self.row("编码", "code", md(mt.code))
        self.row("权力", "power", md(mt.power))
        self.row("部门", "department", self.dept(mt.department))
        self.row("层级", "level", "、".join(_enum_word("level", lv) for lv in mt.levels) if len(mt.levels) > 1 else _enum_word("level", mt.level))
        self.row("法定时限", "statutory limit", _duration(mt.limits.statutory) if mt.limits.statutory else None)
        self.row("结果", "result", md(mt.result.name) if mt.result else None)
        self.basis(mt.basis)

    def on_journey(self, j: m.Journey) -> None:
        self.row("牵头部门", "department", self.dept(j.department))
        self.row("事项", "matters", "、".join(md(x) for x in j.matters))

    def on_result(self, r: m.Result) -> None:
        self.row("发证事项", "issued by matter", md(r.matter))

    def on_fact(self, f: m.Fact) -> None:
        type_word = ENUMS["fact_type"][f.type]
        options = "（" + "、".join(md(o.id) for o in f.options) + "）" if f.options else ""
        self.row("类型", "type", f"{type_word.zh} {type_word.en}{options}")
        self.row("标签", "label", md(f.label))
        self.row("单位", "unit", md(f.unit))
        self.row("必填", "required", "是 yes" if f.required else "否 no")

    def on_condition(self, cond: m.Condition) -> None:
        self.row("说明", "text", md(cond.text))
        self.basis(cond.basis)

    def on_material(self, mat: m.Material) -> None:
        src = mat.source
        where = {"applicant": "申请人提交 applicant", "issued_by": f"签发 issued by {self.dept(src.ref)}",
                 "produced_by": f"产出 produced by result {md(src.ref)}"}[src.kind]
        self.row("来源", "source", where)
        self.row("形式", "form", _enum_word("form", mat.form) if mat.form else None)
        self.row("必需", "required", "是 yes" if mat.required else "否 no")

    def on_step(self, st: m.Step) -> None:
        self.row("部门", "department", self.dept(st.department))
        self.row("用时", "duration", _duration(st.duration) if st.duration else None)


_WORD = re.compile(r"[^\W\d]\w*|->|>=|<=|==|!=|[→≥≤≠<>=]")


def word_at(line_text: str, col: int) -> tuple[str, int, int] | None:
    """The word or operator at a 1-based column: (text, start col, end col)."""
    after = None
    for mt in _WORD.finditer(line_text):
        if mt.start() + 1 <= col <= mt.end():
            return mt.group(), mt.start() + 1, mt.end() + 1
        if mt.end() + 1 == col:
            after = (mt.group(), mt.start() + 1, mt.end() + 1)  # the cursor just after a word
    return after


def hover(project: Project, rel: str, pos: lsp.Position) -> lsp.Hover | None:
    line, col = position(project, rel, pos)
    found = project.at(rel, line, col)
    table = project.lines(rel)
    if found is not None:
        key, r, symbol = found
        text = _Hover(project).build(key, symbol)
        return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, text), lsp_range(table, r))
    text_line = table.line(line - 1)
    if _in_comment_or_string(text_line, col):
        return None
    w = word_at(text_line, col)
    if w is None:
        return None
    word, start, end = w
    ix = project.index(rel)
    block = _innermost(ix.blocks if ix else [], line, col)
    found_meanings = meanings(normalize_name(word), block.kind if block else None)
    if not found_meanings and word in KEYWORD_MEANING:
        found_meanings = meanings(word)
    if not found_meanings:
        return None
    parts = []
    for mn in found_meanings:
        parts.append(f"**{md(mn.word.zh)}** / **{md(mn.word.en)}**\n\n{md(mn.zh)}\n\n{md(mn.en)}")
    r = (line, start, line, end)
    return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, "\n\n---\n\n".join(parts) + "\n"), lsp_range(table, r))


def _in_comment_or_string(text: str, col: int) -> bool:
    """Whether a 1-based column of a line is inside a comment or a string literal."""
    quote: str | None = None
    closers = {'"': '"', "“": "”", "「": "」", "＂": "＂"}
    i = 0
    while i < min(col - 1, len(text)):
        c = text[i]
        if quote is not None:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == closers[quote]:
                quote = None
        elif c in closers:
            quote = c
        elif c in "#＃":
            return True
        i += 1
    return quote is not None


# ---------------------------------------------------------------- navigation


def definition(project: Project, rel: str, pos: lsp.Position) -> list[lsp.Location]:
    line, col = position(project, rel, pos)
    found = project.at(rel, line, col)
    if found is None:
        return []
    return [location(project, f, s.name_range) for f, s in project.declarations(found[0])]


def references(project: Project, rel: str, pos: lsp.Position, include_declaration: bool) -> list[lsp.Location]:
    line, col = position(project, rel, pos)
    found = project.at(rel, line, col)
    if found is None:
        return []
    return [location(project, f, r) for f, r in project.occurrences(found[0], include_declaration)]


SYMBOL_KINDS = {
    "department": lsp.SymbolKind.Namespace, "law": lsp.SymbolKind.Module, "article": lsp.SymbolKind.Field,
    "power": lsp.SymbolKind.Interface, "responsibility": lsp.SymbolKind.Object, "negative": lsp.SymbolKind.Enum,
    "matter": lsp.SymbolKind.Class, "journey": lsp.SymbolKind.Package, "fact": lsp.SymbolKind.Variable,
    "condition": lsp.SymbolKind.Boolean, "material": lsp.SymbolKind.File, "step": lsp.SymbolKind.Event,
    "result": lsp.SymbolKind.Struct, "option": lsp.SymbolKind.EnumMember,
}


def _kind_label(kind: str) -> str:
    word = KINDS.get(kind)
    return f"{word.zh} {word.en}" if word else "选项 option"


def document_symbols(project: Project, rel: str) -> list[lsp.DocumentSymbol]:
    ix = project.index(rel)
    if ix is None:
        return []
    table = project.lines(rel)
    children: list[list[lsp.DocumentSymbol]] = [[] for _ in ix.symbols]
    top: list[lsp.DocumentSymbol] = []
    for i, s in enumerate(ix.symbols):
        detail = " · ".join(x for x in (_kind_label(s.kind), s.title if s.title and s.title != s.name else None, s.detail or None) if x)
        sym = lsp.DocumentSymbol(name=s.name, kind=SYMBOL_KINDS[s.kind], range=lsp_range(table, s.block_range),
                                 selection_range=lsp_range(table, s.name_range), detail=detail, children=children[i])
        (top if s.parent < 0 else children[s.parent]).append(sym)
    return top


MAX_WORKSPACE_SYMBOLS = 500


def workspace_symbols(project: Project, query: str) -> list[lsp.WorkspaceSymbol]:
    """Declarations whose name or title contains ``query`` (exact matches first)."""
    q = normalize_name(query.strip()).casefold()
    hits: list[tuple[int, str, str, Symbol]] = []
    for rel in sorted(project.indexes):
        for s in project.indexes[rel].symbols:
            if s.kind == "option":
                continue
            name = s.name.casefold()
            title = (s.title or "").casefold()
            if q and q not in name and q not in title:
                continue
            rank = 0 if name == q or title == q else 1 if name.startswith(q) or title.startswith(q) else 2
            hits.append((rank, s.name, rel, s))
    hits.sort(key=lambda h: (h[0], h[1], h[2], h[3].name_range))
    out = []
    for _rank, _name, rel, s in hits[:MAX_WORKSPACE_SYMBOLS]:
        container = s.key[1] or None
        shown = s.title if s.title is None or len(s.title) <= 40 else s.title[:40] + "…"
        label = s.name if not shown or shown == s.name else f"{s.name} {shown}"
        out.append(lsp.WorkspaceSymbol(name=label, kind=SYMBOL_KINDS[s.kind], location=location(project, rel, s.name_range),
                                       container_name=container))
    return out


# ---------------------------------------------------------------- rename

_NAME = re.compile(r"[^\W\d]\w*")


def prepare_rename(project: Project, rel: str, pos: lsp.Position) -> lsp.PrepareRenamePlaceholder | None:
    line, col = position(project, rel, pos)
    found = project.at(rel, line, col)
    if found is None:
        return None
    key, r, _symbol = found
    return lsp.PrepareRenamePlaceholder(range=lsp_range(project.lines(rel), r), placeholder=key[2])


class RenameError(ValueError):
    """The new name cannot be used; the message says why, in both languages."""


def rename(project: Project, rel: str, pos: lsp.Position, new_name: str) -> lsp.WorkspaceEdit | None:
    line, col = position(project, rel, pos)
    found = project.at(rel, line, col)
    if found is None:
        return None
    new_name = new_name.strip()
    if not _NAME.fullmatch(new_name):
        raise RenameError(f"“{new_name}”不能作名称：名称以文字开头，由文字、数字和下划线组成，不含空格和标点 / "
                          f"'{new_name}' cannot be a name: a name starts with a letter and has only letters, digits and underscores")
    if new_name in KEYWORD_MEANING:
        raise RenameError(f"“{new_name}”是关键字，不能作名称 / '{new_name}' is a keyword and cannot be a name")
    project.index_all()
    changes: dict[str, list[lsp.TextEdit]] = {}
    for f, r in project.occurrences(found[0]):
        changes.setdefault(project.uri(f), []).append(lsp.TextEdit(lsp_range(project.lines(f), r), new_name))
    return lsp.WorkspaceEdit(changes=changes)


# ---------------------------------------------------------------- formatting


def formatting(project: Project, rel: str, keywords: str | None = None) -> list[lsp.TextEdit] | None:
    """The whole file in canonical layout, as one edit; None when it has a syntax error."""
    text = project.text(rel)
    if text is None:
        return None
    try:
        formatted = format_source(text, keywords)
    except FormatError:
        return None
    if formatted == text:
        return []
    table = project.lines(rel)
    end = table.to_client(len(table.lines), len(table.lines[-1]) + 1)
    return [lsp.TextEdit(lsp.Range(lsp.Position(0, 0), lsp.Position(end.line, end.character)), formatted)]


# ---------------------------------------------------------------- code actions

NO_WAIVER = {"syntax-error", "unreadable-file", "invalid-waiver", "unused-waiver", "config-error"}
_FIELD_LINE = re.compile(r"^\s*([^\W\d]\w*)\s*[:：]")
_WORD_ONLY = re.compile(r"[^\s:：#\"“”「」]+")
_TYPE_EN = {"数字": "number", "文本": "text", "日期": "date", "布尔": "bool", "枚举": "enum"}


def code_actions(project: Project, rel: str, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    table = project.lines(rel)
    uri = project.uri(rel)
    lang = language(project, rel)
    ix = project.index(rel)
    actions: list[lsp.CodeAction] = []
    waived_lines: set[tuple[int, str]] = set()
    for d in params.context.diagnostics:
        data = d.data if isinstance(d.data, dict) else {}
        rule = data.get("rule")
        if rule is None or not str(d.source or "").startswith(SOURCE):
            continue
        start = table.from_client(d.range.start.line, d.range.start.character)
        end = table.from_client(d.range.end.line, d.range.end.character)
        r: Range = (start[0], start[1], end[0], end[1])
        suggestion = data.get("suggestion")
        written = table.line(start[0] - 1)[start[1] - 1: end[1] - 1] if start[0] == end[0] else ""
        if suggestion and _WORD_ONLY.fullmatch(suggestion) and _WORD_ONLY.fullmatch(written):  # a word for a word
            title = f"改为“{suggestion}” / change to '{suggestion}'"
            actions.append(_action(title, uri, [lsp.TextEdit(d.range, suggestion)], d, preferred=bool(data.get("misspelt"))))
        elif suggestion and _FIELD_LINE.match(suggestion) and ix is not None:
            edit = _set_field(project, rel, ix.blocks, r, suggestion)
            if edit is not None:
                actions.append(_action(f"写入“{suggestion}” / write '{suggestion}'", uri, [edit], d, preferred=True))
        if rule == "unknown-reference" and ix is not None:
            for miss in ix.missing_facts:
                if _overlaps(miss.range, r):
                    actions.append(_declare_fact(table, uri, miss, lang, d))
                    break
        if rule not in NO_WAIVER and (start[0], rule) not in waived_lines:
            waived_lines.add((start[0], rule))
            text = table.line(start[0] - 1)
            indent = text[: len(text) - len(text.lstrip())]
            comment = (f"# 豁免 {rule}: 【请写明接受这个问题的理由】" if lang == "zh"
                       else f"# waive {rule}: [write why this finding is accepted]")
            at = lsp.Position(start[0] - 1, 0)
            actions.append(_action(f"豁免 {rule}（加一行注释并写明理由） / waive {rule} (add a comment with the reason)", uri,
                                   [lsp.TextEdit(lsp.Range(at, at), f"{indent}{comment}\n")], d, preferred=False))
    return actions


def _action(title: str, uri: str, edits: list[lsp.TextEdit], d: lsp.Diagnostic, preferred: bool) -> lsp.CodeAction:
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[d],
                          edit=lsp.WorkspaceEdit(changes={uri: edits}), is_preferred=preferred or None)


def _declare_fact(table: LineTable, uri: str, miss: Any, lang: str, d: lsp.Diagnostic) -> lsp.CodeAction:
    type_text = miss.type_text
    if lang == "en":
        head, _, rest = type_text.partition("(")
        type_text = _TYPE_EN.get(head, head) + (f"({rest}" if rest else "")
    keyword = "事实" if lang == "zh" else "fact"
    line_text = f'{miss.indent}{keyword} {miss.name} "{miss.name}": {type_text}\n'
    at = table.to_client(miss.insert_line, 1)
    pos = lsp.Position(at.line, 0)
    return _action(f"在事项“{miss.matter}”中声明事实“{miss.name}” / declare fact '{miss.name}' in matter '{miss.matter}'",
                   uri, [lsp.TextEdit(lsp.Range(pos, pos), line_text)], d, preferred=True)


def _set_field(project: Project, rel: str, blocks: list[BlockContext], r: Range, field_line: str) -> lsp.TextEdit | None:
    """Write ``key: value`` into the block whose name is at ``r``: replace that field, or add it."""
    table = project.lines(rel)
    block = _innermost(blocks, r[0], r[1])
    mt = _FIELD_LINE.match(field_line)
    if block is None or mt is None:
        return None
    key = mt.group(1)
    canon = lookup(FIELDS.get(block.kind, {}), normalize_name(key))
    spellings = FIELDS[block.kind][canon].spellings() if canon else (key,)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, spellings)) + r")\s*[:：][^;；}\n#]*")
    if block.body_range is not None:
        for n in range(block.body_range[0], block.body_range[2] + 1):
            text = table.line(n - 1)
            from_col = block.body_range[1] if n == block.body_range[0] else 1
            found = pattern.search(text, from_col - 1)
            if found is not None:
                value = found.group().rstrip()
                return lsp.TextEdit(lsp_range(table, (n, found.start() + 1, n, found.start() + 1 + len(value))), field_line)
    if block.body_range is None:  # 材料 x "y": give it a body
        end = (block.range[2], block.range[3])
        return lsp.TextEdit(lsp_range(table, (*end, *end)), f" {{ {field_line} }}")
    first, open_col, close_line, close_col = block.body_range
    if first == close_line:  # one line: before its "}"
        text = table.line(close_line - 1)
        col = close_col - 1  # the "}"
        while col > open_col + 1 and text[col - 2] == " ":
            col -= 1
        inner = text[open_col: col - 1].strip()
        return lsp.TextEdit(lsp_range(table, (close_line, col, close_line, col)), f"; {field_line}" if inner else f" {field_line}")
    header = table.line(block.range[0] - 1)
    indent = header[: len(header) - len(header.lstrip())] + "  "
    pos = lsp.Position(table.to_client(first + 1, 1).line, 0)
    return lsp.TextEdit(lsp.Range(pos, pos), f"{indent}{field_line}\n")


def kind_names(lang: str) -> dict[str, str]:
    """The declaration words of a language."""
    return {k: (w.zh if lang == "zh" else w.en) for k, w in KINDS.items()}


__all__ = ["ENUM_ZH", "KIND_EN", "code_actions", "definition", "diagnostics_by_file", "document_symbols", "formatting", "hover",
           "prepare_rename", "references", "rename", "workspace_symbols"]
