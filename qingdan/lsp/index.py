"""The index of one rule file: every declaration and every name that refers to one, with spans.

Built from the file's syntax tree (the recovering parser, so one broken declaration
leaves the rest of the file indexed), the way the compiler resolves names:
departments, laws, powers, responsibilities, negative-list entries, matters, journeys
and results are project-wide; articles belong to their law (``法规.条款``); facts,
conditions, materials and steps belong to their matter, and the names in a matter's
expressions are its own facts and conditions. A key is (kind, scope, name): scope is
"" for project-wide names, the law for an article, the matter for a matter's own names,
and ``matter/fact`` for an enumerated option of a fact.

An index holds spans and names only, never the tree, so a project of 10,000 matters
keeps its index in memory cheaply and a request never parses anything but the edited file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from ..dsl import ast
from ..dsl.keywords import ENUMS, FIELD_ENUMS, FIELDS, KINDS, lookup
from ..dsl.normalize import normalize_name
from ..dsl.parser import parse_recovering
from .vocabulary import CALL_REFS, FIELD_REFS, child_kinds

Key = tuple[str, str, str]  # (kind, scope, name)
Range = tuple[int, int, int, int]  # 1-based line, col, end line, end col (exclusive)


def _range(span: ast.Span) -> Range:
    return (span.line, span.col, span.end_line, span.end_col)


@dataclass(slots=True)
class Symbol:
    """A declaration: its key, where its name is, the block it spans, and what the outline shows."""

    key: Key
    kind: str
    title: str | None
    name_range: Range
    block_range: Range
    parent: int  # index of the enclosing symbol in FileIndex.symbols, -1 at the top
    detail: str = ""  # for facts: the type as written

    @property
    def name(self) -> str:
        return self.key[2]


@dataclass(slots=True)
class Reference:
    """A name that refers to a declaration: the keys it may mean, tried in order."""

    keys: tuple[Key, ...]
    range: Range


@dataclass(slots=True)
class MissingFact:
    """A name in an expression that is neither a fact nor a condition of its matter."""

    matter: str
    name: str
    range: Range
    type_text: str  # the type to declare it with, guessed from how it is used ("数字", "枚举(a, b)" …)
    insert_line: int  # 1-based line to insert a declaration before
    indent: str


@dataclass(slots=True)
class BlockContext:
    """A block of the file: its kind and name, for hovers and completion inside it."""

    kind: str
    name: str | None
    range: Range
    body_range: Range | None


@dataclass
class FileIndex:
    rel: str
    text: str
    symbols: list[Symbol] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    missing_facts: list[MissingFact] = field(default_factory=list)
    blocks: list[BlockContext] = field(default_factory=list)
    kind_words: list[str] = field(default_factory=list)  # the declaration words as written
    syntax_errors: int = 0

    def all_keys(self) -> set[Key]:
        """Every key this file declares or refers to."""
        out = {s.key for s in self.symbols}
        for r in self.references:
            out.update(r.keys)
        return out


@cache
def _kind_index(parent: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind in child_kinds(parent):
        for s in KINDS[kind].spellings():
            out.setdefault(s, kind)
    return out


def block_kind(block: ast.Block, parent: str | None) -> str | None:
    """The canonical kind of ``block`` inside ``parent`` (None at the top), as the compiler reads it."""
    return _kind_index(parent).get(normalize_name(block.kind.text))


def index_text(rel: str, text: str) -> FileIndex:
    """Index one file's text (line breaks already normalized to ``\\n``)."""
    tree, problems = parse_recovering(text, rel)
    builder = _Builder(FileIndex(rel, text, syntax_errors=len(problems)))
    for item in tree.items:
        if isinstance(item, ast.Block):
            builder.top(item)
    return builder.ix


_TYPE_WORDS = {"number": "数字", "text": "文本", "date": "日期", "bool": "布尔"}


class _Builder:
    def __init__(self, ix: FileIndex) -> None:
        self.ix = ix

    def symbol(self, key: Key, kind: str, block: ast.Block, parent: int, detail: str = "") -> int:
        assert block.name is not None
        title = block.title.value if block.title else None
        self.ix.symbols.append(Symbol(key, kind, title, _range(block.name.span), _range(block.span), parent, detail))
        return len(self.ix.symbols) - 1

    def ref(self, keys: tuple[Key, ...], node: ast.Ident | ast.Ref) -> None:
        self.ix.references.append(Reference(keys, _range(node.span)))

    def context(self, kind: str, block: ast.Block) -> None:
        name = normalize_name(block.name.text) if block.name else None
        body = _range(block.body_span) if block.body_span else None
        self.ix.blocks.append(BlockContext(kind, name, _range(block.span), body))

    def top(self, block: ast.Block) -> None:
        kind = block_kind(block, None)
        self.ix.kind_words.append(block.kind.text)
        if kind is None:
            return
        self.context(kind, block)
        if block.name is None:
            return
        name = normalize_name(block.name.text)
        me = self.symbol((kind, "", name), kind, block, -1)
        if kind == "matter":
            self.matter(block, name, me)
            return
        for member in block.body or []:
            if isinstance(member, ast.Field):
                self.field(kind, member)
            elif kind == "law" and block_kind(member, "law") == "article":
                self.ix.kind_words.append(member.kind.text)
                self.context("article", member)
                if member.name is not None:
                    self.symbol(("article", name, normalize_name(member.name.text)), "article", member, me)

    def field(self, kind: str, member: ast.Field, scope: _MatterScope | None = None) -> None:
        canon = lookup(FIELDS.get(kind, {}), normalize_name(member.key.text))
        if canon is None:
            return
        refs = FIELD_REFS.get((kind, canon))
        enum = FIELD_ENUMS.get((kind, canon))
        for value in member.values:
            if refs == ("citation",):
                self.citations(value)
            elif refs == ("expr",):
                if scope is not None:
                    scope.expr(value)
            elif refs:
                self.names(value, refs)
            elif enum is not None:
                self.calls(value, enum)

    def names(self, value: ast.Value, kinds: tuple[str, ...]) -> None:
        items = value.items if isinstance(value, ast.ListValue | ast.Chain) else [value]
        for it in items:
            if isinstance(it, ast.Ref) and len(it.parts) == 1:
                self.ref(tuple((k, "", normalize_name(it.text)) for k in kinds), it)

    def citations(self, value: ast.Value) -> None:
        for it in value.items if isinstance(value, ast.ListValue) else [value]:
            if isinstance(it, ast.Ref) and len(it.parts) in (1, 2):
                law = normalize_name(it.parts[0].text)
                self.ref((("law", "", law),), it.parts[0])
                if len(it.parts) == 2:
                    self.ref((("article", law, normalize_name(it.parts[1].text)),), it.parts[1])

    def calls(self, value: ast.Value, table: str) -> None:
        if not isinstance(value, ast.Call):
            return
        canon = lookup(ENUMS[table], normalize_name(value.func.text))
        kind = CALL_REFS.get((table, canon or ""))
        if kind and len(value.args) == 1 and isinstance(value.args[0], ast.Ref) and len(value.args[0].parts) == 1:
            arg = value.args[0]
            self.ref(((kind, "", normalize_name(arg.text)),), arg)

    def matter(self, block: ast.Block, mid: str, me: int) -> None:
        scope = _MatterScope(self, block, mid)
        children: list[tuple[str, ast.Block]] = []
        for member in block.body or []:
            if isinstance(member, ast.Block):
                kind = block_kind(member, "matter")
                self.ix.kind_words.append(member.kind.text)
                if kind is not None:
                    children.append((kind, member))
                    self.context(kind, member)
        for kind, child in children:  # the matter's own names first: expressions anywhere in it use them
            if child.name is None:
                continue
            name = normalize_name(child.name.text)
            if kind == "fact":
                scope.declare_fact(child, name, me)
            elif kind in ("condition", "material", "step"):
                scope.names.setdefault(kind, {})[name] = self.symbol((kind, mid, name), kind, child, me)
            elif kind == "result":
                self.symbol(("result", "", name), "result", child, me)
        for member in block.body or []:
            if isinstance(member, ast.Field):
                self.field("matter", member, scope)
        for kind, child in children:
            for member in child.body or []:
                if isinstance(member, ast.Field):
                    self.field(kind, member, scope)
            if kind == "condition" and child.values is not None:  # 条件 名 "说明": 表达式
                for v in child.values:
                    scope.expr(v)


class _MatterScope:
    """The facts and conditions of one matter, and the walk over its expressions."""

    def __init__(self, builder: _Builder, block: ast.Block, mid: str) -> None:
        self.b = builder
        self.mid = mid
        self.block = block
        self.names: dict[str, dict[str, int]] = {}
        self.options: dict[str, list[str]] = {}  # enum fact -> its options
        self.missing: dict[str, int] = {}

    def declare_fact(self, child: ast.Block, name: str, parent: int) -> None:
        type_value: ast.Value | None = child.values[0] if child.values else None
        for member in child.body or []:
            if isinstance(member, ast.Field) and lookup(FIELDS["fact"], normalize_name(member.key.text)) == "type" and member.values:
                type_value = member.values[0]
        detail = ""
        if isinstance(type_value, ast.Call):
            args = [a for a in type_value.args if isinstance(a, ast.Ref) and len(a.parts) == 1]
            self.options[name] = [normalize_name(a.text) for a in args]
            detail = f"{type_value.func.text}({', '.join(a.text for a in args)})"
        elif isinstance(type_value, ast.Ref):
            detail = type_value.text
        me = self.b.symbol(("fact", self.mid, name), "fact", child, parent, detail)
        self.names.setdefault("fact", {})[name] = me
        if isinstance(type_value, ast.Call):
            for a in type_value.args:
                if isinstance(a, ast.Ref) and len(a.parts) == 1:
                    option = normalize_name(a.text)
                    b = self.b
                    b.ix.symbols.append(Symbol(("option", f"{self.mid}/{name}", option), "option", None, _range(a.span), _range(a.span), me))

    def local(self, ref: ast.Ref) -> str | None:
        """The kind ("fact" or "condition") of a one-part name in an expression, or None."""
        if len(ref.parts) != 1:
            return None
        name = normalize_name(ref.text)
        for kind in ("fact", "condition"):
            if name in self.names.get(kind, {}):
                return kind
        return None

    def use(self, ref: ast.Ref, type_text: str) -> str | None:
        kind = self.local(ref)
        if kind is not None:
            self.b.ref(((kind, self.mid, normalize_name(ref.text)),), ref)
            return kind
        if len(ref.parts) == 1:
            self.missed(ref, type_text)
        return None

    def missed(self, ref: ast.Ref, type_text: str) -> None:
        name = normalize_name(ref.text)
        facts = [self.b.ix.symbols[i] for i in self.names.get("fact", {}).values()]
        if facts:
            last = max(facts, key=lambda s: s.block_range[2])
            line = last.block_range[2] + 1
            indent = " " * (last.block_range[1] - 1)
        else:
            body = self.block.body_span
            line = (body.line if body else self.block.span.line) + 1
            indent = " " * (self.block.span.col - 1) + "  "
        self.b.ix.missing_facts.append(MissingFact(self.mid, name, _range(ref.span), type_text, line, indent))

    def expr(self, v: ast.Value) -> None:
        if isinstance(v, ast.Paren):
            self.expr(v.inner)
        elif isinstance(v, ast.BoolOp):
            for it in v.items:
                self.expr(it)
        elif isinstance(v, ast.Not):
            self.expr(v.operand)
        elif isinstance(v, ast.Ref):
            self.use(v, "布尔")
        elif isinstance(v, ast.Compare):
            fact_side, other = (v.left, v.right) if isinstance(v.left, ast.Ref) else (v.right, v.left)
            if isinstance(fact_side, ast.Ref):
                kind = self.use(fact_side, _guess_type([other]))
                if kind == "fact":
                    self.option_refs(normalize_name(fact_side.text), [other])
        elif isinstance(v, ast.Member) and isinstance(v.left, ast.Ref):
            kind = self.use(v.left, _guess_type(v.options.items))
            if kind == "fact":
                self.option_refs(normalize_name(v.left.text), v.options.items)

    def option_refs(self, fact: str, values: list[ast.Value]) -> None:
        options = self.options.get(fact)
        if options is None:
            return
        for it in values:
            if isinstance(it, ast.Ref) and len(it.parts) == 1 and normalize_name(it.text) in options:
                self.b.ref((("option", f"{self.mid}/{fact}", normalize_name(it.text)),), it)


def _guess_type(values: list[ast.Value]) -> str:
    """The fact type a comparison with ``values`` implies, written as a declaration would."""
    first = values[0] if values else None
    if isinstance(first, ast.Number | ast.Quantity):
        return _TYPE_WORDS["number"]
    if isinstance(first, ast.String):
        return _TYPE_WORDS["text"]
    if isinstance(first, ast.Date):
        return _TYPE_WORDS["date"]
    if isinstance(first, ast.Bool):
        return _TYPE_WORDS["bool"]
    options = [normalize_name(v.text) for v in values if isinstance(v, ast.Ref) and len(v.parts) == 1]
    if options:
        return "枚举(" + ", ".join(dict.fromkeys(options)) + ")"
    return _TYPE_WORDS["bool"]
