"""The syntax tree of a rule file. Every node carries its source span.

The tree is generic: a file is a list of blocks; a block has a kind word, an
optional name and title, and either a body of members or a short value. What each
kind means is decided later by the compiler, using the vocabulary in keywords.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(slots=True)
class Span:
    line: int
    col: int
    end_line: int
    end_col: int  # exclusive, 1-based

    def cover(self, other: Span) -> Span:
        start = min((self.line, self.col), (other.line, other.col))
        end = max((self.end_line, self.end_col), (other.end_line, other.end_col))
        return Span(start[0], start[1], end[0], end[1])


@dataclass(slots=True)
class Ident:
    text: str
    span: Span


@dataclass(slots=True)
class Ref:
    """A possibly dotted name: ``市场监管局`` or ``食品安全法.第三十五条``."""

    parts: list[Ident]
    span: Span

    @property
    def text(self) -> str:
        return ".".join(p.text for p in self.parts)


@dataclass(slots=True)
class Number:
    value: Decimal
    text: str
    span: Span


@dataclass(slots=True)
class String:
    value: str
    raw: str
    span: Span


@dataclass(slots=True)
class Date:
    text: str
    span: Span


@dataclass(slots=True)
class Bool:
    value: bool
    text: str
    span: Span


@dataclass(slots=True)
class Quantity:
    """A number with a unit: ``20 工作日``, ``50 元``, ``1 次``."""

    amount: Number
    unit: str  # canonical unit name
    unit_text: str
    span: Span


@dataclass(slots=True)
class Call:
    """``枚举(a, b)``, ``签发(公安局)``, ``下放(县)``."""

    func: Ident
    args: list[Value]
    span: Span


@dataclass(slots=True)
class ListValue:
    items: list[Value]
    span: Span


@dataclass(slots=True)
class Chain:
    """``a -> b -> c``: an ordering of names."""

    items: list[Value]
    arrows: list[str]
    span: Span


@dataclass(slots=True)
class BoolOp:
    op: str  # "and" | "or"
    op_text: str
    items: list[Value]
    span: Span


@dataclass(slots=True)
class Not:
    op_text: str
    operand: Value
    span: Span


@dataclass(slots=True)
class Compare:
    op: str  # ge le gt lt eq ne
    op_text: str
    left: Value
    right: Value
    span: Span


@dataclass(slots=True)
class Member:
    """``x in [a, b]`` or ``x not in [a, b]``."""

    negated: bool
    op_text: str
    left: Value
    options: ListValue
    span: Span


@dataclass(slots=True)
class Paren:
    inner: Value
    span: Span


Value = Ref | Number | String | Date | Bool | Quantity | Call | ListValue | Chain | BoolOp | Not | Compare | Member | Paren


@dataclass(slots=True)
class Field:
    key: Ident
    values: list[Value]
    span: Span


@dataclass(slots=True)
class Block:
    kind: Ident
    name: Ident | None
    title: String | None
    body: list[Field | Block] | None  # None for the short and bare forms
    values: list[Value] | None  # the short form ``kind name "title": value``
    span: Span
    body_span: Span | None = None


@dataclass(slots=True)
class Comment:
    text: str  # including the leading '#'
    line: int
    col: int


@dataclass(slots=True)
class File:
    path: str
    items: list[Block | Field]  # the grammar admits a field at the top level; the compiler reports it
    comments: list[Comment] = field(default_factory=list)
    source: str = ""
