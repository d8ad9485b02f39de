"""Positions: qingdan spans (1-based lines, 1-based columns in code points, end exclusive)
to and from LSP positions (0-based lines, columns in the client's code units, UTF-16 by default).

Chinese text is mostly in the Basic Multilingual Plane, where a code point is one UTF-16
unit, but rarer characters (扩展 B 区 such as 𠀀) take two; counting them right keeps every
underline and jump on the right character.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dsl.ast import Span

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)
    return len(text.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Point:
    """A position in the client's terms: 0-based line and character (code units)."""

    line: int
    character: int


class LineTable:
    """The lines of one text, for converting between code points and the client's code units."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.lines = text.split("\n")
        self.encoding = encoding

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def to_client(self, line: int, col: int) -> Point:
        """A 1-based line and 1-based code point column as a client position."""
        index = max(line - 1, 0)
        if index >= len(self.lines):
            return Point(len(self.lines) - 1, _units(self.lines[-1], self.encoding))
        text = self.lines[index]
        return Point(index, _units(text[: max(col - 1, 0)], self.encoding))

    def span_to_client(self, span: Span | tuple[int, int, int, int]) -> tuple[Point, Point]:
        line, col, end_line, end_col = (span.line, span.col, span.end_line, span.end_col) if isinstance(span, Span) else span
        return self.to_client(line, col), self.to_client(end_line, end_col)

    def from_client(self, line: int, character: int) -> tuple[int, int]:
        """A client position as a 1-based line and 1-based code point column (clamped to the text)."""
        if line >= len(self.lines):
            return len(self.lines), len(self.lines[-1]) + 1
        text = self.lines[max(line, 0)]
        if self.encoding == UTF32 or text.isascii():
            return line + 1, min(character, len(text)) + 1
        units = 0
        for i, c in enumerate(text):
            if units >= character:
                return line + 1, i + 1
            units += _units(c, self.encoding)
        return line + 1, len(text) + 1

    def offset(self, line: int, col: int) -> int:
        """The string offset of a 1-based line and column."""
        return sum(len(t) + 1 for t in self.lines[: line - 1]) + col - 1


def contains(span: tuple[int, int, int, int] | Span, line: int, col: int) -> bool:
    """Whether the 1-based (line, col) lies in ``span``, its end included (a cursor just after a name is on it)."""
    sl, sc, el, ec = (span.line, span.col, span.end_line, span.end_col) if isinstance(span, Span) else span
    return (sl, sc) <= (line, col) <= (el, ec)
