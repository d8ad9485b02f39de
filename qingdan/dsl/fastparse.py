"""The fast path of the parser: a hand-written recursive-descent parser.

``parser.parse`` tries this parser first. It accepts the language of the lark grammar
in parser.py and builds exactly the syntax tree the lark path builds (same nodes,
values and spans), several times faster. It never explains a problem: on a syntax
error, on nesting deeper than MAX_DEPTH, on anything it does not expect, it raises
``Decline``, and the lark parser parses the text again and reports the problem. The
lark grammar therefore stays the definition of the language and the only source of
error messages; tests/test_fastparse.py checks that both paths agree.

Tokens come from the same rules as the lark path's FastLexer and reserved words
from the same table as the grammar's terminals (both in tokens.py). No token spans
lines, so the text is tokenized line by line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from .ast import (
    Block,
    Bool,
    BoolOp,
    Call,
    Chain,
    Compare,
    Date,
    Field,
    Ident,
    ListValue,
    Member,
    Not,
    Number,
    Paren,
    Quantity,
    Ref,
    Span,
    String,
    Value,
)
from .tokens import KEYWORD_MEANING, MAX_DEPTH, TOKEN_PATTERNS, unquote

MAX_BLOCK_NESTING = 100  # blocks nested deeper go to lark, which needs no recursion for them


class Decline(Exception):
    """The fast parser does not accept the text; the lark parser decides what is wrong."""


def _token_regex() -> re.Pattern:
    """Skipped whitespace and comments, then one token or one character no token starts with.

    Groups: (skipped, token, bad); at the end of the line token and bad are empty.
    The skip is possessive, so no token is ever found inside a comment.
    """
    patterns = dict(TOKEN_PATTERNS)
    skip = f"(?:{patterns.pop('WS')}|{patterns.pop('COMMENT')})*+"
    token = "|".join(f"(?:{pattern})" for pattern in patterns.values())  # same order as the lark path
    return re.compile(f"({skip})(?:({token})|(.)|$)")


_TOKEN = _token_regex()

# Token kinds: the grammar rule of a reserved word (and_op, cmp_op, unit, ...), the
# punctuation itself, ARROW, or NAME / STRING / NUMBER / DATE; "$END" ends the text.
_KIND_OF_TEXT: dict[str, str] = {spelling: rule for spelling, (rule, _canon) in KEYWORD_MEANING.items()}
_KIND_OF_TEXT.update({p: p for p in "{}():;,.[]"})
_KIND_OF_TEXT.update({"->": "ARROW", "→": "ARROW"})
_CANONICAL = {spelling: canon for spelling, (_rule, canon) in KEYWORD_MEANING.items()}
# Kinds that extend the atom before them into a longer value; any other kind ends the value.
_CONTINUES_ATOM = frozenset({"(", ".", "unit", "cmp_op", "in_op", "not_op", "and_op", "or_op", "ARROW"})
_QUOTES = frozenset('"“「')

_Token = tuple[str, int, int, int]  # text, line, col, end_col (1-based, end exclusive)
_Node = TypeVar("_Node", bound=Value)


def tokenize(text: str) -> tuple[list[str], list[_Token]]:
    """The kinds of the tokens of normalized ``text``, and the tokens."""
    kinds: list[str] = []
    tokens: list[_Token] = []
    add_kind, add_token = kinds.append, tokens.append
    kind_of_text = _KIND_OF_TEXT.get
    findall = _TOKEN.findall
    lineno = 0
    for line in text.split("\n"):
        lineno += 1
        col = 1
        for skipped, token, bad in findall(line):
            col += len(skipped)
            if not token:
                if bad:
                    raise Decline
                break  # end of line
            kind = kind_of_text(token)
            if kind is None:
                first = token[0]
                if first.isalpha():
                    kind = "NAME"
                elif first in _QUOTES:
                    kind = "STRING"
                elif first == "-" or first.isdecimal():
                    kind = "DATE" if token[4:5] == "-" else "NUMBER"  # only a date has '-' after a digit
                elif first.isalnum() or first == "_":  # the other word characters that are not digits
                    kind = "NAME"
                else:  # a symbol the grammar has no terminal for
                    raise Decline
            end = col + len(token)
            add_kind(kind)
            add_token((token, lineno, col, end))
            col = end
    kinds += ["$END", "$END"]  # two, so the parser may always look one token ahead
    tokens += [("", lineno, 1, 1)] * 2
    return kinds, tokens


def parse_items(text: str) -> list[Field | Block]:
    """The top-level members of normalized ``text``; raises Decline unless lark accepts it."""
    return _Parser(*tokenize(text)).file()


def _ident(token: _Token) -> Ident:
    text, line, col, end = token
    return Ident(text, Span(line, col, line, end))


def _between(first: Span, last: Span) -> Span:
    return Span(first.line, first.col, last.end_line, last.end_col)


class _Parser:
    """One function per grammar rule. Expression functions return (node, depth).

    depth is the nesting depth the lark path checks against MAX_DEPTH: 0 for a leaf,
    one more than its deepest child for every composite expression. ``nesting``
    counts the brackets and 'not's open on the way down, so deep input declines
    before Python's recursion limit is near.
    """

    __slots__ = ("blocks", "kinds", "nesting", "pos", "tokens")

    def __init__(self, kinds: list[str], tokens: list[_Token]) -> None:
        self.kinds, self.tokens = kinds, tokens
        self.pos = 0
        self.nesting = 0
        self.blocks = 0

    def expect(self, kind: str) -> _Token:
        pos = self.pos
        if self.kinds[pos] != kind:
            raise Decline
        self.pos = pos + 1
        return self.tokens[pos]

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:  # the node being built will be deeper than MAX_DEPTH
            raise Decline

    # ------------------------------------------------------------------ members
    def file(self) -> list[Field | Block]:
        items = self.members()
        if self.kinds[self.pos] != "$END":
            raise Decline
        return items

    def members(self) -> list[Field | Block]:
        """(member | ";")*, up to a token no member starts with."""
        kinds = self.kinds
        items = []
        while True:
            kind = kinds[self.pos]
            if kind == "NAME":
                items.append(self.member())
            elif kind == ";":
                self.pos += 1
            else:
                return items

    def member(self) -> Field | Block:
        """A field, block or declaration; ``head`` is its first NAME, a key or a kind word."""
        kinds, tokens = self.kinds, self.tokens
        pos = self.pos
        head = tokens[pos]
        pos += 1
        if kinds[pos] == ":":  # field: NAME ":" values
            self.pos = pos + 1
            field_values, _depth = self.values()
            text, line, col, end = head
            last = field_values[-1].span
            return Field(Ident(text, Span(line, col, line, end)), field_values, Span(line, col, last.end_line, last.end_col))
        name = title = None
        if kinds[pos] == "NAME":
            name = tokens[pos]
            pos += 1
        if kinds[pos] == "STRING":
            title = tokens[pos]
            pos += 1
        self.pos = pos
        kind = kinds[pos]
        if kind == "{":
            return self.block(head, name, title)
        last_token = title or name
        if last_token is None:
            raise Decline
        values: list[Value] | None = None  # decl: NAME NAME [STRING] [":" values] | NAME STRING [":" values]
        if kind == ":":
            self.pos = pos + 1
            values, _depth = self.values()
            last = values[-1].span
        else:
            _text, line, col, end = last_token
            last = Span(line, col, line, end)
        kind_ident = _ident(head)
        return Block(kind_ident, name and _ident(name), title and _string(title), None, values,
                     _between(kind_ident.span, last))

    def block(self, head: _Token, name: _Token | None, title: _Token | None) -> Block:
        """NAME [NAME] [STRING] "{" members "}", positioned on the "{"."""
        self.blocks += 1
        if self.blocks > MAX_BLOCK_NESTING:
            raise Decline
        _text, line, col, _end = self.expect("{")
        body = self.members()
        _text, end_line, _col, end_col = self.expect("}")
        self.blocks -= 1
        kind_ident = _ident(head)
        span = Span(kind_ident.span.line, kind_ident.span.col, end_line, end_col)
        block = Block(kind_ident, name and _ident(name), title and _string(title), body, None, span)
        block.body_span = Span(line, col, end_line, end_col)
        return block

    # ------------------------------------------------------------------ values
    def values(self) -> tuple[list[Value], int]:
        """value ("," value)*, with the deepest value's depth."""
        node, depth = self.value()
        items = [node]
        kinds = self.kinds
        while kinds[self.pos] == ",":
            self.pos += 1
            node, d = self.value()
            items.append(node)
            if d > depth:
                depth = d
        return items, depth

    def value(self) -> tuple[Value, int]:
        """expr ("->" expr)*: a chain when there is an arrow."""
        kinds = self.kinds
        pos = self.pos
        if kinds[pos + 1] not in _CONTINUES_ATOM:  # shortcut: a value of one token
            kind = kinds[pos]
            if kind == "NAME":
                self.pos = pos + 1
                text, line, col, end = self.tokens[pos]
                return Ref([Ident(text, Span(line, col, line, end))], Span(line, col, line, end)), 0
            if kind == "STRING":
                self.pos = pos + 1
                return _string(self.tokens[pos]), 0
        node, depth = self.expr()
        if kinds[self.pos] != "ARROW":
            return node, depth
        items, arrows = [node], []
        while kinds[self.pos] == "ARROW":
            arrows.append(self.tokens[self.pos][0])
            self.pos += 1
            node, d = self.expr()
            items.append(node)
            if d > depth:
                depth = d
        return self.deep(Chain(items, arrows, _between(items[0].span, node.span)), depth)

    def expr(self) -> tuple[Value, int]:
        """and_expr (or_op and_expr)*"""
        return self.bool_chain("or", "or_op", self.and_expr)

    def and_expr(self) -> tuple[Value, int]:
        """not_expr (and_op not_expr)*"""
        return self.bool_chain("and", "and_op", self.not_expr)

    def bool_chain(self, name: str, op_kind: str, operand: Callable[[], tuple[Value, int]]) -> tuple[Value, int]:
        """operand (op operand)*: one BoolOp for a run of the same operator."""
        node, depth = operand()
        if self.kinds[self.pos] != op_kind:
            return node, depth
        op_text = self.tokens[self.pos][0]
        items = [node]
        while self.kinds[self.pos] == op_kind:
            self.pos += 1
            node, d = operand()
            items.append(node)
            if d > depth:
                depth = d
        return self.deep(BoolOp(name, op_text, items, _between(items[0].span, node.span)), depth)

    def not_expr(self) -> tuple[Value, int]:
        """not_op not_expr | comparison"""
        if self.kinds[self.pos] != "not_op":
            return self.comparison()
        op_text, line, col, _end = self.tokens[self.pos]
        self.pos += 1
        self.enter()
        operand, depth = self.not_expr()
        self.nesting -= 1
        span = Span(line, col, operand.span.end_line, operand.span.end_col)
        return self.deep(Not(op_text, operand, span), depth)

    def comparison(self) -> tuple[Value, int]:
        """atom [cmp_op atom | in_op list | not_op in_op list]"""
        left, depth = self.atom()
        kind = self.kinds[self.pos]
        node: Compare | Member
        if kind == "cmp_op":
            op_text = self.tokens[self.pos][0]
            self.pos += 1
            right, d = self.atom()
            node = Compare(_CANONICAL[op_text], op_text, left, right, _between(left.span, right.span))
        elif kind == "in_op":
            op_text = self.tokens[self.pos][0]
            self.pos += 1
            right, d = self.list_value()
            node = Member(False, op_text, left, right, _between(left.span, right.span))
        elif kind == "not_op":
            not_text = self.tokens[self.pos][0]
            self.pos += 1
            op_text = self.expect("in_op")[0]
            right, d = self.list_value()
            node = Member(True, f"{not_text} {op_text}", left, right, _between(left.span, right.span))
        else:
            return left, depth
        return self.deep(node, max(depth, d))

    def atom(self) -> tuple[Value, int]:
        kind = self.kinds[self.pos]
        token = self.tokens[self.pos]
        if kind == "NAME":
            self.pos += 1
            if self.kinds[self.pos] == "(":
                return self.call(token)
            return self.ref(token), 0
        if kind == "STRING":
            self.pos += 1
            return _string(token), 0
        if kind == "NUMBER":
            self.pos += 1
            number = _number(token)
            if self.kinds[self.pos] != "unit":
                return number, 0
            unit_text, line, _col, end = self.tokens[self.pos]
            self.pos += 1
            span = Span(number.span.line, number.span.col, line, end)
            return Quantity(number, _CANONICAL[unit_text], unit_text, span), 0
        if kind == "[":
            return self.list_value()
        if kind == "(":
            return self.paren()
        text, line, col, end = token
        node: Date | Bool
        if kind == "DATE":
            node = Date(text, Span(line, col, line, end))
        elif kind == "true_kw":
            node = Bool(True, text, Span(line, col, line, end))
        elif kind == "false_kw":
            node = Bool(False, text, Span(line, col, line, end))
        else:
            raise Decline
        self.pos += 1
        return node, 0

    def ref(self, first: _Token) -> Ref:
        """NAME ("." NAME)*, positioned after the first NAME."""
        text, line, col, end = first
        parts = [Ident(text, Span(line, col, line, end))]
        kinds, tokens = self.kinds, self.tokens
        pos = self.pos
        end_line = line
        while kinds[pos] == ".":  # the parts may stand on different lines
            if kinds[pos + 1] != "NAME":
                raise Decline
            text, end_line, part_col, end = tokens[pos + 1]
            parts.append(Ident(text, Span(end_line, part_col, end_line, end)))
            pos += 2
        self.pos = pos
        return Ref(parts, Span(line, col, end_line, end))

    def call(self, name: _Token) -> tuple[Call, int]:
        """NAME "(" [values] ")", positioned on the "("."""
        self.pos += 1
        self.enter()
        args, depth = ([], 0) if self.kinds[self.pos] == ")" else self.values()
        self.nesting -= 1
        _text, line, _col, end = self.expect(")")
        func = _ident(name)
        return self.deep(Call(func, args, Span(func.span.line, func.span.col, line, end)), depth)

    def list_value(self) -> tuple[ListValue, int]:
        """"[" [values] "]" """
        _text, line, col, _end = self.expect("[")
        self.enter()
        items, depth = ([], 0) if self.kinds[self.pos] == "]" else self.values()
        self.nesting -= 1
        _text, end_line, _col, end = self.expect("]")
        return self.deep(ListValue(items, Span(line, col, end_line, end)), depth)

    def paren(self) -> tuple[Paren, int]:
        """"(" expr ")" """
        _text, line, col, _end = self.expect("(")
        self.enter()
        inner, depth = self.expr()
        self.nesting -= 1
        _text, end_line, _col, end = self.expect(")")
        return self.deep(Paren(inner, Span(line, col, end_line, end)), depth)

    @staticmethod
    def deep(node: _Node, child_depth: int) -> tuple[_Node, int]:
        """The node with its depth, one more than its deepest child's; too deep declines."""
        depth = child_depth + 1
        if depth > MAX_DEPTH:
            raise Decline
        return node, depth


def _string(token: _Token) -> String:
    raw, line, col, end = token
    return String(unquote(raw), raw, Span(line, col, line, end))


def _number(token: _Token) -> Number:
    text, line, col, end = token
    return Number(Decimal(text), text, Span(line, col, line, end))
