"""Parse rule-file text into the syntax tree (lark LALR, positions on every node).

The grammar is generated from the vocabulary in keywords.py, so every reserved word
has its English and Chinese spellings. Parse failures become ``SyntaxProblem``s with
a location and the tokens that were expected, phrased for people, not parsers.

The lark grammar defines the language. A hand-written parser in fastparse.py builds
the same trees several times faster and runs first; lark parses whatever it declines.
Both take their tokens from tokens.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import groupby
from typing import Any, cast

from lark import Lark, Token, Transformer
from lark.common import LexerConf
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import ast
from .fastparse import parse_items
from .keywords import CHILDREN, KINDS
from .normalize import normalize_source
from .quantity_hints import Slip, apply_slips, quantity_slips
from .recovery import Unbalanced, balanced, describe, unbalanced
from .tokens import MAX_DEPTH, TOKEN_PATTERNS, blank_forbidden, forbidden_characters, forbidden_message, keyword_spellings, unquote

_GRAMMAR_TEMPLATE = r"""
start: _members
_members: (member | ";")*
?member: field | block | decl
field: NAME ":" values
block: NAME [NAME] [STRING] "{" _members "}"
decl: NAME NAME [STRING] [":" values]
    | NAME STRING [":" values]         -> decl_untitled
values: value ("," value)*
?value: expr
      | expr (ARROW expr)+              -> chain
?expr: and_expr
     | and_expr (or_op and_expr)+       -> or_expr
?and_expr: not_expr
         | not_expr (and_op not_expr)+  -> and_expr
?not_expr: comparison
         | not_op not_expr              -> not_expr
?comparison: atom
           | atom cmp_op atom           -> compare
           | atom in_op list            -> member
           | atom not_op in_op list     -> not_member
?atom: ref
     | NUMBER                           -> number
     | NUMBER unit                      -> quantity
     | STRING                           -> string
     | DATE                             -> date
     | true_kw                          -> true
     | false_kw                         -> false
     | NAME "(" [values] ")"            -> call
     | list
     | "(" expr ")"                     -> paren
list: "[" [values] "]"
ref: NAME ("." NAME)*

ARROW: "->" | "→"
DATE.2: /\d{4}-\d{2}-\d{2}(?!\d)/
NUMBER: /-?\d+(\.\d+)?/
NAME: /[^\W\d]\w*/
STRING: /"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"/ | /“[^”\n]*+”/ | /「[^」\n]*+」/
COMMENT: /#[^\n]*+/
%import common.WS
%ignore WS
%ignore COMMENT
"""


MAX_REPAIRS = 10  # unclosed brackets and strings reported per file at most


def _grammar() -> tuple[str, dict[str, tuple[str, str]]]:
    """The grammar text, and the map terminal -> (grammar rule, canonical word) of the reserved words."""
    lines = [_GRAMMAR_TEMPLATE]
    meaning: dict[str, tuple[str, str]] = {}
    for rule, words in groupby(keyword_spellings(), key=lambda word: word[0]):
        terms = []
        for _rule, canon, i, spelling in words:
            term = f"KW_{'UNIT_' if rule == 'unit' else ''}{canon.upper()}_{i}"
            lines.append(f'{term}: "{spelling}"')
            meaning[term] = (rule, canon)
            terms.append(term)
        lines.append(f"{rule}: " + " | ".join(terms))
    return "\n".join(lines), meaning


GRAMMAR, TERMINAL_MEANING = _grammar()


class DepthError(Exception):
    """An expression nested deeper than MAX_DEPTH; ``span`` is the node that went too deep."""

    def __init__(self, span: ast.Span) -> None:
        self.span = span


# ---------------------------------------------------------------- building the tree
@dataclass(slots=True)
class _Nested:
    """A composite expression with its nesting depth, while the lark path builds the tree.

    The nodes have slots, so the depth travels beside the node, from one rule to the
    rule that uses it, and is dropped when the node is placed into its parent.
    """

    node: ast.Value
    depth: int


_Built = ast.Value | _Nested  # what an expression rule returns: leaves (depth 0) stay bare
_Children = list[Any]  # tokens, (canonical, spelling, token) pairs from unit/cmp_op, nodes, lists, None


def _node(x: _Built) -> ast.Value:
    return x.node if isinstance(x, _Nested) else x


def _nodes(xs: Sequence[_Built]) -> list[ast.Value]:
    return [x.node if isinstance(x, _Nested) else x for x in xs]


def _list_node(x: _Built) -> ast.ListValue:
    return cast(ast.ListValue, _node(x))  # the grammar puts a list after 'in'


def _nested(node: ast.Value, children: Sequence[_Built]) -> _Nested:
    """``node`` with its depth, one more than its deepest child's; too deep raises DepthError."""
    depth = 1 + max((c.depth for c in children if isinstance(c, _Nested)), default=0)
    if depth > MAX_DEPTH:
        raise DepthError(node.span)
    return _Nested(node, depth)


def _span_tok(tok: Token) -> ast.Span:
    return ast.Span(tok.line, tok.column, tok.end_line, tok.end_column)  # type: ignore[arg-type]  # FastLexer sets every position


def _ident(tok: Token) -> ast.Ident:
    return ast.Ident(tok.value, _span_tok(tok))


def _node_span(x: Any) -> ast.Span | None:
    if x is None:
        return None
    if isinstance(x, Token):
        return _span_tok(x)
    if isinstance(x, tuple):  # (canonical, text, token) from unit/cmp_op
        return _span_tok(x[-1])
    if isinstance(x, list):
        spans = [s for s in (_node_span(i) for i in x) if s]
        return spans[0].cover(spans[-1]) if spans else None
    if isinstance(x, _Nested):
        return x.node.span
    return x.span


def _cover(children: _Children) -> ast.Span:
    """From the start of the first child to the end of the last (absent and empty ones skipped)."""
    present = [c for c in children if c is not None and not (isinstance(c, list) and not c)]
    first, last = _node_span(present[0]), _node_span(present[-1])
    assert first is not None and last is not None  # every rule has a child with a position
    return ast.Span(first.line, first.col, last.end_line, last.end_col)


_KEEP = {"NAME", "STRING", "NUMBER", "DATE", "ARROW"}


def _without_punctuation(children: _Children) -> _Children:
    """Children without punctuation tokens (keep_all_tokens keeps them)."""
    return [c for c in children if not (isinstance(c, Token) and c.type not in _KEEP)]


def _opt_ident(tok: Token | None) -> ast.Ident | None:
    return None if tok is None else _ident(tok)


def _string(tok: Token) -> ast.String:
    return ast.String(unquote(tok.value), tok.value, _span_tok(tok))


def _opt_string(tok: Token | None) -> ast.String | None:
    return None if tok is None else _string(tok)


def _number(tok: Token) -> ast.Number:
    try:
        value = Decimal(tok.value)
    except InvalidOperation:  # pragma: no cover - the regex admits only decimals
        value = Decimal(0)
    return ast.Number(value, tok.value, _span_tok(tok))


def _values(values: list[_Built] | None) -> list[ast.Value] | None:
    return None if values is None else _nodes(values)


class _Builder(Transformer):
    """Bottom-up construction of the syntax tree, called by the LALR parser.

    It keeps no state: composite expressions come back as ``_Nested`` (node and depth)
    until their parent takes the node.
    """

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)

    def start(self, c: _Children) -> list[ast.Block | ast.Field]:
        return [x for x in c if isinstance(x, ast.Block | ast.Field)]

    def field(self, c: _Children) -> ast.Field:
        key, values = _without_punctuation(c)
        return ast.Field(_ident(key), _nodes(values), _cover(c))

    def block(self, c: _Children) -> ast.Block:
        kind, name, title = c[0], c[1], c[2]
        body = [m for m in c[3:] if isinstance(m, ast.Block | ast.Field)]
        lbrace = next(t for t in c[3:] if isinstance(t, Token) and t.type == "LBRACE")
        block = ast.Block(_ident(kind), _opt_ident(name), _opt_string(title), body, None, _cover(c))
        block.body_span = _span_tok(lbrace).cover(_span_tok(c[-1]))
        return block

    def decl(self, c: _Children) -> ast.Block:
        kind, name, title = c[0], c[1], c[2]
        values = c[4] if len(c) > 4 else None
        return ast.Block(_ident(kind), _ident(name), _opt_string(title), None, _values(values), _cover(c))

    def decl_untitled(self, c: _Children) -> ast.Block:
        kind, title = c[0], c[1]
        values = c[3] if len(c) > 3 else None
        return ast.Block(_ident(kind), None, _string(title), None, _values(values), _cover(c))

    def values(self, c: _Children) -> list[_Built]:
        return [x for x in c if not (isinstance(x, Token) and x.type == "COMMA")]

    def chain(self, c: _Children) -> _Nested:
        items = c[0::2]
        arrows = [t.value for t in c[1::2]]
        return _nested(ast.Chain(_nodes(items), arrows, _cover(c)), items)

    def or_expr(self, c: _Children) -> _Nested:
        return _nested(ast.BoolOp("or", c[1].value, _nodes(c[0::2]), _cover(c)), c[0::2])

    def and_expr(self, c: _Children) -> _Nested:
        return _nested(ast.BoolOp("and", c[1].value, _nodes(c[0::2]), _cover(c)), c[0::2])

    def not_expr(self, c: _Children) -> _Nested:
        return _nested(ast.Not(c[0].value, _node(c[1]), _cover(c)), [c[1]])

    def compare(self, c: _Children) -> _Nested:
        left, (op, text, _tok), right = c
        return _nested(ast.Compare(op, text, _node(left), _node(right), _cover(c)), [left, right])

    def member(self, c: _Children) -> _Nested:
        left, op, options = c
        return _nested(ast.Member(False, op.value, _node(left), _list_node(options), _cover(c)), [left, options])

    def not_member(self, c: _Children) -> _Nested:
        left, nop, op, options = c
        return _nested(ast.Member(True, f"{nop.value} {op.value}", _node(left), _list_node(options), _cover(c)), [left, options])

    def number(self, c: _Children) -> ast.Number:
        return _number(c[0])

    def quantity(self, c: _Children) -> ast.Quantity:
        num = _number(c[0])
        canon, text, tok = c[1]
        return ast.Quantity(num, canon, text, num.span.cover(_span_tok(tok)))

    def string(self, c: _Children) -> ast.String:
        return _string(c[0])

    def date(self, c: _Children) -> ast.Date:
        return ast.Date(c[0].value, _span_tok(c[0]))

    def true(self, c: _Children) -> ast.Bool:
        return ast.Bool(True, c[0].value, _span_tok(c[0]))

    def false(self, c: _Children) -> ast.Bool:
        return ast.Bool(False, c[0].value, _span_tok(c[0]))

    def call(self, c: _Children) -> _Nested:
        name, args = c[0], c[2] or []
        return _nested(ast.Call(_ident(name), _nodes(args), _cover(c)), args)

    def list(self, c: _Children) -> _Nested:
        items = c[1] or []
        return _nested(ast.ListValue(_nodes(items), _cover(c)), items)

    def paren(self, c: _Children) -> _Nested:
        return _nested(ast.Paren(_node(c[1]), _cover(c)), [c[1]])

    def ref(self, c: _Children) -> ast.Ref:
        parts = [_ident(t) for t in c if t.type == "NAME"]
        return ast.Ref(parts, _cover(c))

    # operator words: keep the spelling the author used
    def cmp_op(self, c: _Children) -> tuple[str, str, Token]:
        return (TERMINAL_MEANING[c[0].type][1], c[0].value, c[0])

    unit = cmp_op

    def and_op(self, c: _Children) -> Token:
        return c[0]

    or_op = not_op = in_op = true_kw = false_kw = and_op


# ---------------------------------------------------------------- lexing and parsing
_MASTER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in TOKEN_PATTERNS))


class FastLexer(Lexer):
    """One master regular expression, keywords resolved by a dictionary lookup.

    Produces exactly the tokens lark's basic lexer would for this grammar (the
    tests compare the two), about three times faster.
    """

    def __init__(self, lexer_conf: LexerConf) -> None:
        self.keywords: dict[str, str] = {}
        self.symbols: dict[str, str] = {}
        for term in lexer_conf.terminals:
            pattern = term.pattern
            if pattern.type == "str":
                if re.fullmatch(r"[^\W\d]\w*", pattern.value):
                    self.keywords[pattern.value] = term.name
                else:
                    self.symbols[pattern.value] = term.name
        self.symbols["->"] = self.symbols["→"] = "ARROW"

    # lark's first custom-lexer interface: lex(text); lark wraps it
    def lex(self, data: str) -> Iterator[Token]:  # type: ignore[override]
        keywords, symbols = self.keywords, self.symbols
        line, line_start = 1, 0
        pos, end = 0, len(data)
        match = _MASTER.match
        while pos < end:
            m = match(data, pos)
            if m is None:
                raise UnexpectedCharacters(data, pos, line, pos - line_start + 1, allowed=None)
            kind = m.lastgroup or ""
            value = m.group()
            new_pos = m.end()
            if kind == "WS":
                nl = value.count("\n")
                if nl:
                    line += nl
                    line_start = pos + value.rfind("\n") + 1
                pos = new_pos
                continue
            if kind == "COMMENT":
                pos = new_pos
                continue
            if kind == "NAME":
                kind = keywords.get(value, "NAME")
            elif kind == "SYM":
                kind = symbols[value]
            col = pos - line_start + 1
            yield Token(kind, value, pos, line, col, line, col + len(value), new_pos)
            pos = new_pos


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(
        GRAMMAR,
        parser="lalr",
        lexer=FastLexer,
        maybe_placeholders=True,
        keep_all_tokens=True,
        transformer=_Builder(),
        cache=False,
    )


@dataclass
class SyntaxProblem:
    """A syntax error: where, what (in Chinese and English), the tokens expected, the text found."""

    span: ast.Span
    message_zh: str
    message_en: str
    expected: list[str]
    found: str
    related: list[tuple[ast.Span, str, str]] = field(default_factory=list)  # (where, Chinese, English)
    suggestion: str | None = None  # what to write instead
    did_you_mean: str | None = None  # the known word closest to a misspelt one (the reader's did-you-mean)


def _comments(text: str) -> list[ast.Comment]:
    """Find comments in normalized text, skipping '#' inside strings."""
    out = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if "#" not in line:
            continue
        i, n = 0, len(line)
        quote: str | None = None
        while i < n:
            ch = line[i]
            if quote:
                if quote == '"' and ch == "\\":
                    i += 2
                    continue
                if ch == {'"': '"', "“": "”", "「": "」"}[quote]:
                    quote = None
            elif ch in ('"', "“", "「"):
                quote = ch
            elif ch == "#":
                out.append(ast.Comment(line[i:].rstrip(), lineno, i + 1))
                break
            i += 1
    return out


_FRIENDLY = {
    "NAME": ("名称", "a name"),
    "STRING": ("带引号的文字", "a quoted string"),
    "NUMBER": ("数字", "a number"),
    "DATE": ("日期", "a date"),
    "LBRACE": ("“{”", "'{'"),
    "RBRACE": ("“}”", "'}'"),
    "COLON": ("冒号“:”", "':'"),
    "SEMICOLON": ("“;”", "';'"),
    "COMMA": ("逗号“,”", "','"),
    "LPAR": ("“(”", "'('"),
    "RPAR": ("“)”", "')'"),
    "LSQB": ("“[”", "'['"),
    "RSQB": ("“]”", "']'"),
    "DOT": ("“.”", "'.'"),
    "ARROW": ("箭头“->”", "'->'"),
    "$END": ("文件结尾", "end of file"),
}


def _friendly(term: str, lang: int) -> str:
    if term in _FRIENDLY:
        return _FRIENDLY[term][lang]
    if term in TERMINAL_MEANING:
        cls, canon = TERMINAL_MEANING[term]
        if cls == "unit":
            return "单位" if lang == 0 else "a unit"
        return ("运算符" if lang == 0 else "an operator") if cls.endswith("_op") else ("是/否" if lang == 0 else "true/false")
    return term


def _expected_words(expected: set[str]) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    for term in sorted(expected):
        z, e = _friendly(term, 0), _friendly(term, 1)
        if z not in zh:
            zh.append(z)
        if e not in en:
            en.append(e)
    return zh, en


def _problem_from(err: UnexpectedInput, text: str) -> SyntaxProblem:
    line, col = getattr(err, "line", 1) or 1, getattr(err, "column", 1) or 1
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else ""
        span = ast.Span(line, col, line, col + 1)
        hint_zh = hint_en = ""
        if ch in "“”「」\"":
            hint_zh, hint_en = "（引号没有配对？）", " (an unclosed quote?)"
        return SyntaxProblem(
            span,
            f"无法识别的字符“{ch}”{hint_zh}",
            f"unexpected character {ch!r}{hint_en}",
            [],
            ch,
        )
    if isinstance(err, UnexpectedToken):
        tok = err.token
        expected = set(err.expected or ())
        zh, en = _expected_words(expected)
        if tok.type == "$END":
            lines = text.split("\n")
            last = len(lines)
            span = ast.Span(last, len(lines[-1]) + 1, last, len(lines[-1]) + 1)
            found_zh, found_en = "文件结尾", "the end of the file"
            if "RBRACE" in expected:
                return SyntaxProblem(span, "文件在代码块结束之前结束：缺少“}”", "the file ends inside a block: a '}' is missing", ["}"], "")
        else:
            span = _span_tok(tok)
            found_zh, found_en = f"“{tok.value}”", repr(tok.value)
        return SyntaxProblem(
            span,
            f"此处不应出现{found_zh}，应为：{'、'.join(zh[:8])}",
            f"unexpected {found_en}; expected {', '.join(en[:8])}",
            zh,
            str(tok.value),
        )
    if isinstance(err, UnexpectedEOF):  # pragma: no cover - LALR reports UnexpectedToken($END)
        span = ast.Span(line, col, line, col)
        return SyntaxProblem(span, "文件意外结束", "unexpected end of file", [], "")
    span = ast.Span(line, col, line, col + 1)  # pragma: no cover
    return SyntaxProblem(span, "语法错误", "syntax error", [], "")


def parse(text: str, path: str = "<string>", *, fast: bool = True) -> tuple[ast.File, SyntaxProblem | None]:
    """Parse ``text``. On a syntax error the file has no items and the problem is returned.

    The hand-written parser in fastparse.py goes first; whatever it declines (every
    syntax error among it) is parsed again by lark, which explains the problem.
    ``fast=False`` skips the fast parser.
    """
    norm = normalize_source(text)
    comments = _comments(norm)
    forbidden = forbidden_characters(norm)
    if forbidden:
        return ast.File(path, [], comments, text), _forbidden_problems(forbidden)[0]
    if fast:
        try:
            return ast.File(path, parse_items(norm), comments, text), None
        except Exception:  # Decline, or a bug in the fast parser: lark decides
            pass
    try:
        items = cast("list[ast.Block | ast.Field]", _parser().parse(norm))  # what _Builder.start returns
    except UnexpectedInput as err:
        return ast.File(path, [], comments, text), _problem_from(err, norm)
    except DepthError as err:
        return ast.File(path, [], comments, text), SyntaxProblem(
            err.span,
            f"表达式嵌套过深（最多 {MAX_DEPTH} 层），请拆分成多个条件",
            f"expression nested too deeply (at most {MAX_DEPTH} levels); split it into several conditions",
            [],
            "",
        )
    return ast.File(path, items, comments, text), None


def _top_level_starts(text: str) -> list[int]:
    """Line numbers (1-based) where a top-level declaration starts at column 1."""
    words = sorted({s for k in CHILDREN[None] for s in KINDS[k].spellings()}, key=len, reverse=True)
    pattern = re.compile(r"^(?:" + "|".join(map(re.escape, words)) + r")[ \t]")
    return [i for i, line in enumerate(text.split("\n"), start=1) if pattern.match(line)]


def _forbidden_problems(found: list[tuple[int, int, str]]) -> list[SyntaxProblem]:
    problems = []
    for line, col, ch in found:
        zh, en = forbidden_message(ch)
        problems.append(SyntaxProblem(ast.Span(line, col, line, col + 1), zh, en, [], ch))
    return problems


def parse_recovering(text: str, path: str = "<string>", *, fast: bool = True) -> tuple[ast.File, list[SyntaxProblem]]:
    """Parse ``text``, reporting each mistake once and keeping as much of the file as can be read.

    A slip in a quantity (``二十 工作日``, ``20 工作曰``, quantity_hints.py) is one error,
    and the text is parsed with the suggestion in place. An unclosed bracket or string
    (recovery.py) is one error at the opener, with the fix and the place where the
    parser gave up; the file is parsed with the repair that makes it parse. Any other
    syntax error: each top-level declaration is parsed on its own, so one broken
    declaration costs one error and the file's other declarations still count (so
    references to them do not turn into a cascade of errors).

    A forbidden character (tokens.FORBIDDEN) is one error at the first such character of
    its line; the file is then parsed as if each were a space, and any other syntax
    error on those lines is left out, as the likely consequence of that character.
    """
    forbidden = forbidden_characters(text)
    if not forbidden:
        return _parse_with_slips(text, path, fast)
    tree, problems = _parse_with_slips(blank_forbidden(text), path, fast)
    lines = {line for line, _col, _ch in forbidden}
    problems = [p for p in problems if p.span.line not in lines] + _forbidden_problems(forbidden)
    problems.sort(key=lambda p: (p.span.line, p.span.col))
    return ast.File(path, tree.items, tree.comments, text), problems


def _parse_with_slips(text: str, path: str, fast: bool) -> tuple[ast.File, list[SyntaxProblem]]:
    """Parse; a slip in a quantity (``二十 工作日``, ``20 工作曰``) is one error, and parsing goes on as if fixed."""
    slips = quantity_slips(text)
    if not slips:
        return _parse_recovering(text, path, fast)
    tree, problems = _parse_recovering(apply_slips(text, slips), path, fast)
    lines = {slip.line for slip in slips}
    problems = [p for p in problems if p.span.line not in lines] + [slip_problem(slip) for slip in slips]
    problems.sort(key=lambda p: (p.span.line, p.span.col))
    return ast.File(path, tree.items, tree.comments, text), problems


def slip_problem(slip: Slip) -> SyntaxProblem:
    """The syntax error of a slip in a quantity, with its suggestion."""
    zh, en = slip.message()
    span = ast.Span(slip.line, slip.col, slip.line, slip.end_col)
    if slip.numerals:
        return SyntaxProblem(span, zh, en, [], slip.word, suggestion=slip.replacement)
    return SyntaxProblem(span, zh, en, [], slip.word, did_you_mean=slip.replacement)


def _parse_recovering(text: str, path: str, fast: bool) -> tuple[ast.File, list[SyntaxProblem]]:
    tree, problem = parse(text, path, fast=fast)
    if problem is None:
        return tree, []
    if not unbalanced(text):
        return _parse_by_declaration(text, path, fast, tree, problem)
    # Something is unclosed: one error at each unclosed thing. Repair them one by one,
    # each time with the first repair after which the file parses, else the first that
    # balances, else the likeliest; the repaired file's declarations then count.
    found: list[Unbalanced] = []
    current = text
    for _ in range(MAX_REPAIRS):
        candidates = unbalanced(current)
        if not candidates:
            break
        chosen: Unbalanced | None = None
        for candidate in candidates:
            if not balanced(candidate.repaired):
                continue
            repaired, rest = parse(candidate.repaired, path, fast=fast)
            if rest is None:
                problems = [_unclosed_problem(u, problem) for u in [*found, candidate]]
                return ast.File(path, repaired.items, tree.comments, text), problems
            chosen = chosen or candidate
        chosen = chosen or candidates[0]
        found.append(chosen)
        current = chosen.repaired
    partial, others = _parse_by_declaration(current, path, fast, *parse(current, path, fast=fast))
    if balanced(current):  # what else is wrong is not a consequence of what is unclosed
        fixed = {u.fix_line for u in found}
        others = [p for p in others if p.span.line not in fixed]
    else:
        others = []
    reported = {(p.span.line, p.span.col) for p in others}
    gave_up = problem if (problem.span.line, problem.span.col) not in reported else None
    problems = sorted([*(_unclosed_problem(u, gave_up) for u in found), *others], key=lambda p: (p.span.line, p.span.col))
    return ast.File(path, partial.items, tree.comments, text), problems


def _unclosed_problem(u: Unbalanced, gave_up: SyntaxProblem | None) -> SyntaxProblem:
    """One error at the unclosed token, the place where parsing gave up as related information."""
    zh, en = describe(u)
    span = ast.Span(u.mark.line, u.mark.col, u.mark.line, u.mark.col + 1)
    related = []
    if gave_up is not None and (gave_up.span.line, gave_up.span.col) != (span.line, span.col):
        related.append((gave_up.span, f"语法分析在这里无法继续：{gave_up.message_zh}",
                        f"the parser gave up here: {gave_up.message_en}"))
    return SyntaxProblem(span, zh, en, [u.closer], u.written, related)


def _parse_by_declaration(text: str, path: str, fast: bool, tree: ast.File,
                          problem: SyntaxProblem | None) -> tuple[ast.File, list[SyntaxProblem]]:
    """Parse each top-level declaration on its own: one error per broken declaration."""
    if problem is None:
        return tree, []
    norm_lines = text.split("\n")
    starts = _top_level_starts(text)
    if len(starts) < 2:
        return tree, [problem]
    bounds = list(zip(starts, starts[1:] + [len(norm_lines) + 1]))
    if bounds[0][0] > 1:
        bounds.insert(0, (1, bounds[0][0]))
    items: list[ast.Block | ast.Field] = []
    problems: list[SyntaxProblem] = []
    for first, stop in bounds:
        chunk = "\n" * (first - 1) + "\n".join(norm_lines[first - 1 : stop - 1])
        sub, err = parse(chunk, path, fast=fast)
        if err is None:
            items.extend(sub.items)
        elif err.found == "" and "文件" in err.message_zh and stop <= len(norm_lines):
            # the chunk ended early: report the end of the declaration, not the file
            problems.append(SyntaxProblem(ast.Span(stop - 1, 1, stop - 1, 2), "声明在下一个声明开始之前没有结束：缺少“}”？",
                                          "the declaration does not end before the next one starts: a '}' missing?", ["}"], ""))
        else:
            problems.append(err)
    return ast.File(path, items, tree.comments, text), problems
