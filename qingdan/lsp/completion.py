"""Completion: what may be written at the cursor, in the file's keyword language.

The context is read from the text before the cursor, not from the syntax tree: while
someone types, the declaration they are in usually does not parse. A scan that skips
strings and comments finds the open blocks (their kinds) and whether the cursor is at a
field's key or after its colon; the field then says what its value may be: names of
declarations (from the project index), ``法规.条款`` citations, words of an enumeration,
units, fact types, or an expression over the matter's own facts and conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lsprotocol import types as lsp

from ..dsl.keywords import CHILDREN, ENUMS, FIELD_ENUMS, FIELDS, KINDS, RESERVED, UNITS, Word, lookup
from ..dsl.normalize import normalize_name, normalize_source
from .features import SYMBOL_KINDS, language, lsp_range, position
from .index import _kind_index
from .project import Project
from .vocabulary import ENUM_ZH, FIELD_REFS, FIELD_UNITS, KIND_EN, KIND_ZH

_PREFIX = re.compile(r"[^\W\d]\w*$")
_BOOL_FIELDS = {("fact", "required"), ("material", "required"), ("material", "tolerated"), ("material", "commitment")}
_CALL_OPEN = re.compile(r"([^\W\d]\w*)\s*\(\s*[^\W\d]?\w*$")
_CITATION = re.compile(r"([^\W\d]\w*)\.[^\W\d]?\w*$")
_COMPARE = re.compile(r"([^\W\d]\w*)\s*(?:==|!=|=|≠|等于|不等于|属于\s*\[[^\]]*)\s*[^\W\d]?\w*$")
_NUMBER_END = re.compile(r"\d\s+[^\W\d]?\w*$|\d$")


@dataclass
class Context:
    """Where the cursor is: the open blocks (kind, name) from the outside in, and the statement so far."""

    blocks: list[tuple[str | None, str | None]] = field(default_factory=list)
    key: str | None = None  # the text before the colon, when the cursor is in a value
    value: str = ""  # the value typed so far
    statement: str = ""  # the statement typed so far, when the cursor is at a key


def read_context(text: str) -> Context:
    """The context at the end of ``text`` (the file up to the cursor)."""
    text = normalize_source(text)
    ctx = Context()
    stack: list[tuple[str | None, str | None]] = []
    start = 0  # where the current statement starts
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "“" or c == "「":
            close = {'"': '"', "“": "”", "「": "」"}[c]
            j = i + 1
            while j < n and text[j] != close and text[j] != "\n":
                j += 2 if text[j] == "\\" and c == '"' else 1
            if j >= n:
                return _finish(ctx, stack, text[start:])  # the cursor is inside a string
            i = j + 1
            continue
        if c == "#":
            j = text.find("\n", i)
            if j < 0:
                ctx.blocks = stack
                ctx.statement = "#"
                return ctx
            i = j
            continue
        if c == "{":
            words = _words(text[start:i])
            parent = stack[-1][0] if stack else None
            kind = _kind_index(parent).get(normalize_name(words[0])) if words else None
            stack.append((kind, normalize_name(words[1]) if len(words) > 1 else None))
            start = i + 1
        elif c == "}":
            if stack:
                stack.pop()
            start = i + 1
        elif c in ";\n":
            start = i + 1
        i += 1
    return _finish(ctx, stack, text[start:])


def _words(header: str) -> list[str]:
    return re.findall(r"[^\W\d]\w*", re.sub(r'"[^"]*"|“[^”]*”|「[^」]*」', " ", header))


def _finish(ctx: Context, stack: list[tuple[str | None, str | None]], statement: str) -> Context:
    ctx.blocks = stack
    without_strings = re.sub(r'"[^"]*"|“[^”]*”|「[^」]*」', lambda mt: " " * len(mt.group()), statement)
    colon = without_strings.find(":")
    if colon >= 0:
        ctx.key = statement[:colon].strip()
        ctx.value = statement[colon + 1 :]
    else:
        ctx.statement = statement
    return ctx


class _Items:
    def __init__(self, edit_range: lsp.Range) -> None:
        self.range = edit_range
        self.items: list[lsp.CompletionItem] = []
        self.seen: set[str] = set()

    def add(self, label: str, kind: lsp.CompletionItemKind, detail: str = "", insert: str | None = None, doc: str | None = None,
            sort: str = "1") -> None:
        if label in self.seen:
            return
        self.seen.add(label)
        self.items.append(lsp.CompletionItem(
            label=label, kind=kind, detail=detail or None, sort_text=f"{sort}{label}",
            text_edit=lsp.TextEdit(self.range, insert if insert is not None else label),
            documentation=lsp.MarkupContent(lsp.MarkupKind.PlainText, doc) if doc else None,
        ))

    def words(self, words: list[Word], lang: str, kind: lsp.CompletionItemKind, detail: str = "") -> None:
        for w in words:
            label = w.zh if lang == "zh" else w.en
            other = w.en if lang == "zh" else w.zh
            self.add(label, kind, detail or other)


def completion(project: Project, rel: str, pos: lsp.Position) -> lsp.CompletionList:
    text = project.text(rel) or ""
    table = project.lines(rel)
    line, col = position(project, rel, pos)
    offset = table.offset(line, col)
    before = text[:offset]
    ctx = read_context(before)
    prefix = _PREFIX.search(before)
    start_col = col - (len(prefix.group()) if prefix else 0)
    items = _Items(lsp_range(table, (line, start_col, line, col)))
    lang = language(project, rel)
    if ctx.statement.startswith("#"):
        return lsp.CompletionList(is_incomplete=False, items=[])
    kind = ctx.blocks[-1][0] if ctx.blocks else None
    if ctx.blocks and kind is None:
        return lsp.CompletionList(is_incomplete=False, items=[])  # inside an unknown block: nothing sure to offer
    matter = next((name for k, name in reversed(ctx.blocks) if k == "matter"), None)
    if ctx.key is None:
        _keys(items, kind, lang, ctx.statement)
    else:
        _values(items, project, text, kind, matter, ctx, lang)
    return lsp.CompletionList(is_incomplete=False, items=items.items)


def _keys(items: _Items, kind: str | None, lang: str, statement: str) -> None:
    """At the start of a statement: the block's fields and the kinds of blocks it may hold."""
    if len(_words(statement)) > 1:
        return  # naming a declaration: nothing to offer
    for child in CHILDREN.get(kind, ()):
        w = KINDS[child]
        label = w.zh if lang == "zh" else w.en
        items.add(label, lsp.CompletionItemKind.Keyword, w.en if lang == "zh" else w.zh, insert=label + " ",
                  doc=f"{KIND_ZH[child]}\n{KIND_EN[child]}", sort="2")
    if kind is None:
        return
    for w in FIELDS[kind].values():
        label = w.zh if lang == "zh" else w.en
        items.add(label, lsp.CompletionItemKind.Field, f"{w.en if lang == 'zh' else w.zh} · {KINDS[kind].zh} {kind}",
                  insert=f"{label}: ", sort="1")


def _values(items: _Items, project: Project, text: str, kind: str | None, matter: str | None, ctx: Context, lang: str) -> None:
    key_words = _words(ctx.key or "")
    value = ctx.value
    if key_words and len(key_words) >= 2 and _kind_index(kind).get(normalize_name(key_words[0])):
        short = _kind_index(kind)[normalize_name(key_words[0])]  # the short form: 事实 x "…": 类型, 条件 x "…": 表达式
        if short == "fact":
            _fact_types(items, lang)
        elif short == "condition":
            _expression(items, text, matter, value, lang)
        return
    if kind is None or len(key_words) != 1:
        return
    canon = lookup(FIELDS.get(kind, {}), normalize_name(key_words[0]))
    if canon is None:
        return
    refs = FIELD_REFS.get((kind, canon), ())
    if (kind, canon) in FIELD_UNITS and _NUMBER_END.search(value):
        items.words([UNITS[u] for u in FIELD_UNITS[kind, canon]], lang, lsp.CompletionItemKind.Unit)
        return
    if refs == ("citation",):
        cited = _CITATION.search(value)
        if cited:
            law = normalize_name(cited.group(1))
            _names(items, project, ("article",), scope=law)
        else:
            _names(items, project, ("law",))
        return
    if refs == ("expr",):
        _expression(items, text, matter, value, lang)
        return
    if refs:
        _names(items, project, refs)
        return
    if (kind, canon) == ("fact", "type"):
        _fact_types(items, lang)
        return
    if (kind, canon) in _BOOL_FIELDS:
        items.words([RESERVED["true"], RESERVED["false"]], lang, lsp.CompletionItemKind.Value)
        return
    table = FIELD_ENUMS.get((kind, canon))
    if table is None:
        return
    call = _CALL_OPEN.search(value)
    if call:  # inside 签发( … ), 产出( … ), 划转( … ), 合并( … ), 下放( … )
        func = lookup(ENUMS[table], normalize_name(call.group(1)))
        target = {"issued_by": "department", "produced_by": "result", "transfer": "department", "merge": "power"}.get(func or "")
        if target:
            _names(items, project, (target,))
        elif func == "delegate":
            items.words(list(ENUMS["level"].values()), lang, lsp.CompletionItemKind.EnumMember)
        return
    items.words(list(ENUMS[table].values()), lang, lsp.CompletionItemKind.EnumMember, ENUM_ZH[table] + " " + table)


def _fact_types(items: _Items, lang: str) -> None:
    items.words(list(ENUMS["fact_type"].values()), lang, lsp.CompletionItemKind.TypeParameter)


def _names(items: _Items, project: Project, kinds: tuple[str, ...], scope: str = "") -> None:
    """The declared names of ``kinds`` (project-wide, or of one law for articles)."""
    project.index_all()
    for key in project.declared:
        if key[0] in kinds and key[1] == scope:
            decls = project.declarations(key)
            title = next((s.title for _r, s in decls if s.title), None)
            w = KINDS[key[0]]
            items.add(key[2], _ITEM_KINDS.get(key[0], lsp.CompletionItemKind.Reference), f"{w.zh} {w.en}" + (f" · {title}" if title else ""))


_ITEM_KINDS = {
    "department": lsp.CompletionItemKind.Module, "law": lsp.CompletionItemKind.Module, "article": lsp.CompletionItemKind.Field,
    "power": lsp.CompletionItemKind.Interface, "matter": lsp.CompletionItemKind.Class, "result": lsp.CompletionItemKind.Struct,
    "fact": lsp.CompletionItemKind.Variable, "condition": lsp.CompletionItemKind.Function,
}

_LOCAL = re.compile(r"^[ \t]*(事实|fact|条件|condition)[ \t]+([^\W\d]\w*)([^\n]*)", re.MULTILINE)
_OPTIONS = re.compile(r"(?:枚举|enum)\s*\(([^)]*)\)")


def _matter_text(text: str, matter: str | None) -> str:
    """The text of the matter named ``matter`` (read as text: it may not parse while being edited)."""
    if matter is None:
        return ""
    found = re.search(r"^(?:事项|matter)[ \t]+" + re.escape(matter) + r"(?![\w])", text, re.MULTILINE)
    if found is None:
        return ""
    nxt = re.search(r"^(?:" + "|".join(re.escape(s) for k in CHILDREN[None] for s in KINDS[k].spellings()) + r")[ \t]", text[found.end():], re.MULTILINE)
    return text[found.start(): found.end() + nxt.start()] if nxt else text[found.start():]


def _expression(items: _Items, text: str, matter: str | None, value: str, lang: str) -> None:
    """In an expression: the matter's facts and conditions, the options of a compared enum fact, the operators."""
    body = normalize_source(_matter_text(text, matter))
    facts: dict[str, tuple[str, str]] = {}
    for mt in _LOCAL.finditer(body):
        word, name, rest = mt.group(1), mt.group(2), mt.group(3)
        label = re.search(r'"([^"]*)"', rest)
        facts[name] = ("fact" if word in ("事实", "fact") else "condition", rest)
        items.add(name, _ITEM_KINDS[facts[name][0]], (label.group(1) if label else "") + " " + rest.split(":", 1)[-1].strip(), sort="0")
    compared = _COMPARE.search(value)
    if compared and compared.group(1) in facts:
        options = _OPTIONS.search(facts[compared.group(1)][1])
        if options:
            for opt in re.findall(r"[^\W\d]\w*", options.group(1)):
                items.add(opt, lsp.CompletionItemKind.EnumMember, f"{compared.group(1)} 的选项 option", sort="0")
    items.words([RESERVED[k] for k in ("and", "or", "not", "in", "true", "false")], lang, lsp.CompletionItemKind.Operator)


__all__ = ["SYMBOL_KINDS", "Context", "completion", "read_context"]
