"""The formatter: one canonical layout for rule files, every comment kept in place.

Canonical layout: two-space indentation, one field per line, ASCII punctuation
(`: `, `, `, `->`), a blank line between top-level declarations, at most one blank
line where the author grouped members, and short nested blocks of fields on one
line. Keywords keep the author's language unless ``keywords`` asks to translate.
Formatting is idempotent and the formatted text compiles to the same model.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left

from . import ast
from .keywords import CHILDREN, ENUMS, FIELD_ENUMS, FIELDS, KINDS, RESERVED, UNITS, Word, lookup
from .normalize import normalize_name
from .parser import SyntaxProblem, parse, slip_problem
from .quantity_hints import quantity_slips

INDENT = "  "
ONE_LINE_WIDTH = 88
ONE_LINE_FIELDS = 3

_WAIVER_START = re.compile(r"#\s*(?:豁免|waive)\b")  # as compiler/waivers.py reads a waiver


class FormatError(Exception):
    """The text has a syntax error (``problem``), so it cannot be formatted."""

    def __init__(self, problem: SyntaxProblem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Printer:
    def __init__(self, tree: ast.File, source: str, keywords: str | None) -> None:
        self.tree = tree
        self.keywords = keywords
        self.lines: list[str] = []
        src_lines = source.split("\n")
        self.comments = sorted(tree.comments, key=lambda c: (c.line, c.col))
        self.trailing = {
            id(c): bool(src_lines[c.line - 1][: c.col - 1].strip()) if c.line - 1 < len(src_lines) else False
            for c in self.comments
        }
        self.comment_lines = [c.line for c in self.comments]
        self.pos = 0  # next unconsumed comment
        self.last_line = 0  # last source line accounted for (for blank-line grouping)

    # ------------------------------------------------------------ words
    def word(self, table: dict[str, Word], text: str) -> str:
        if self.keywords is None:
            return text
        canon = lookup(table, normalize_name(text))
        if canon is None:
            return text
        w = table[canon]
        return w.zh if self.keywords == "zh" else w.en

    def reserved(self, canon: str, text: str) -> str:
        if self.keywords is None:
            return text
        if self.keywords == "zh" and not any(ch.isalpha() for ch in text):
            return text  # symbols such as >= read the same in both languages
        w = RESERVED[canon]
        return w.zh if self.keywords == "zh" else w.en

    # ------------------------------------------------------------ comments
    def take_comments_before(self, line: int) -> list[ast.Comment]:
        out = []
        while self.pos < len(self.comments) and self.comments[self.pos].line < line:
            out.append(self.comments[self.pos])
            self.pos += 1
        return out

    def take_trailing_on(self, first: int, last: int) -> list[ast.Comment]:
        out = []
        while self.pos < len(self.comments) and first <= self.comments[self.pos].line <= last:
            c = self.comments[self.pos]
            if not self.trailing[id(c)]:
                break
            out.append(c)
            self.pos += 1
        return out

    def next_comment_line(self) -> int | None:
        """Line of the next unconsumed comment (comments are sorted, so this is the lowest)."""
        return self.comments[self.pos].line if self.pos < len(self.comments) else None

    def first_comment_at_or_after(self, line: int) -> int | None:
        """Line of the first unconsumed comment on or after ``line``."""
        i = bisect_left(self.comment_lines, line, lo=self.pos)
        return self.comment_lines[i] if i < len(self.comment_lines) else None

    def has_comments_within(self, span: ast.Span) -> bool:
        found = self.first_comment_at_or_after(span.line)
        return found is not None and found <= span.end_line

    def emit_own_line_comments(self, before: int, indent: str, first_in_body: bool) -> bool:
        """Emit own-line comments above ``before``; return True if any were emitted."""
        taken = self.take_comments_before(before)
        for i, c in enumerate(taken):
            if (i > 0 or not first_in_body) and c.line - self.last_line > 1 and self.lines and self.lines[-1] != "":
                self.lines.append("")
            self.lines.append(indent + c.text)
            self.last_line = c.line
        return bool(taken)

    def append_with_trailing(self, indent: str, text: str, comments: list[ast.Comment]) -> None:
        """``text`` as one line, ending in one of ``comments``; the others go on lines of their own above it.

        A statement written over several lines may carry a comment on each; printed on one
        line, two comments would merge into one (a waiver among them would stop being one).
        A waiver is kept closest to the statement: trailing, else directly above, where a
        waiver standing alone also covers the next line.
        """
        if not comments:
            self.lines.append(indent + text)
            return
        waivers = [c for c in comments if _WAIVER_START.match(c.text)]
        last = waivers[-1] if waivers else comments[-1]
        above = [c for c in comments if c is not last and c not in waivers] + [c for c in waivers if c is not last]
        self.lines.extend(indent + c.text for c in above)
        self.lines.append(indent + text + "  " + last.text)

    # ------------------------------------------------------------ values
    def value(self, v: ast.Value, enum: str | None = None) -> str:
        if isinstance(v, ast.Ref):
            text = v.text
            if enum and len(v.parts) == 1:
                return self.word(ENUMS[enum], text)
            return text
        if isinstance(v, ast.String):
            return v.raw
        if isinstance(v, ast.Number):
            return v.text
        if isinstance(v, ast.Date):
            return v.text
        if isinstance(v, ast.Bool):
            return self.reserved("true" if v.value else "false", v.text)
        if isinstance(v, ast.Quantity):
            return f"{v.amount.text} {self.word(UNITS, v.unit_text)}"
        if isinstance(v, ast.Call):
            func = self.word(ENUMS[enum], v.func.text) if enum else v.func.text
            arg_enum = None
            if enum == "status" and lookup(ENUMS["status"], normalize_name(v.func.text)) == "delegate":
                arg_enum = "level"
            return f"{func}(" + ", ".join(self.value(a, arg_enum) for a in v.args) + ")"
        if isinstance(v, ast.ListValue):
            return "[" + ", ".join(self.value(i, enum) for i in v.items) + "]"
        if isinstance(v, ast.Chain):
            return " -> ".join(self.value(i) for i in v.items)
        if isinstance(v, ast.BoolOp):
            op = self.reserved(v.op, v.op_text)
            return f" {op} ".join(self.value(i) for i in v.items)
        if isinstance(v, ast.Not):
            return f"{self.reserved('not', v.op_text)} {self.value(v.operand)}"
        if isinstance(v, ast.Compare):
            return f"{self.value(v.left)} {self.reserved(v.op, v.op_text)} {self.value(v.right)}"
        if isinstance(v, ast.Member):
            if v.negated:
                parts = v.op_text.split()
                nop = self.reserved("not", parts[0])
                op = f"{nop} {self.reserved('in', parts[-1])}"
            else:
                op = self.reserved("in", v.op_text)
            return f"{self.value(v.left)} {op} {self.value(v.options)}"
        if isinstance(v, ast.Paren):
            return f"({self.value(v.inner)})"
        raise TypeError(type(v))  # pragma: no cover - the parser builds only these

    def values(self, vs: list[ast.Value], enum: str | None) -> str:
        return ", ".join(self.value(v, enum) for v in vs)

    # ------------------------------------------------------------ members
    def kind_canon(self, block: ast.Block, parent: str | None) -> str | None:
        allowed = CHILDREN.get(parent, ())
        return lookup({k: KINDS[k] for k in allowed}, normalize_name(block.kind.text))

    def header(self, block: ast.Block, kind: str | None) -> str:
        parts = [self.word(KINDS, block.kind.text) if kind else block.kind.text]
        if block.name:
            parts.append(block.name.text)
        if block.title:
            parts.append(block.title.raw)
        return " ".join(parts)

    def field_text(self, f: ast.Field, kind: str | None) -> str:
        table = FIELDS.get(kind or "", {})
        canon = lookup(table, normalize_name(f.key.text)) if kind else None
        key = self.word(table, f.key.text) if canon else f.key.text
        enum = FIELD_ENUMS.get((kind, canon)) if kind and canon else None
        return f"{key}: {self.values(f.values, enum)}"

    def one_line(self, block: ast.Block, kind: str | None, indent: str) -> str | None:
        body = block.body or []
        fields = [m for m in body if isinstance(m, ast.Field)]
        if not body or len(body) > ONE_LINE_FIELDS or len(fields) < len(body):
            return None
        found = self.first_comment_at_or_after(block.span.line)
        if found is not None and found < block.span.end_line:
            return None
        text = self.header(block, kind) + " { " + "; ".join(self.field_text(f, kind) for f in fields) + " }"
        if _width(indent + text) > ONE_LINE_WIDTH:
            return None
        return text

    def member(self, m: ast.Field | ast.Block, parent: str | None, indent: str) -> None:
        if isinstance(m, ast.Field):
            text = self.field_text(m, parent)
            trailing = self.take_trailing_on(m.span.line, m.span.end_line)
            self.append_with_trailing(indent, text, trailing)
            self.last_line = m.span.end_line
            return
        kind = self.kind_canon(m, parent)
        if m.body is None:
            text = self.header(m, kind)
            if m.values is not None:
                enum = "fact_type" if kind == "fact" else None
                text += ": " + self.values(m.values, enum)
            trailing = self.take_trailing_on(m.span.line, m.span.end_line)
            self.append_with_trailing(indent, text, trailing)
            self.last_line = m.span.end_line
            return
        if parent is not None:
            short = self.one_line(m, kind, indent)
            if short is not None:
                trailing = self.take_trailing_on(m.span.line, m.span.end_line)
                self.append_with_trailing(indent, short, trailing)
                self.last_line = m.span.end_line
                return
        open_line = m.body_span.line if m.body_span else m.span.line
        trailing = self.take_trailing_on(m.span.line, open_line)
        if not m.body and not self.has_comments_within(m.span):
            self.append_with_trailing(indent, self.header(m, kind) + " {}", trailing + self.take_trailing_on(m.span.end_line, m.span.end_line))
            self.last_line = m.span.end_line
            return
        self.append_with_trailing(indent, self.header(m, kind) + " {", trailing)
        self.last_line = open_line
        self.body(m.body, kind, indent + INDENT, m.span.end_line)
        closing = self.take_trailing_on(m.span.end_line, m.span.end_line)
        self.append_with_trailing(indent, "}", closing)
        self.last_line = m.span.end_line

    def body(self, members: list[ast.Field | ast.Block], kind: str | None, indent: str, end_line: int) -> None:
        for i, m in enumerate(members):
            pending = self.next_comment_line()
            first_line = min(pending, m.span.line) if pending is not None else m.span.line
            if i > 0 and first_line - self.last_line > 1:
                self.lines.append("")
            self.emit_own_line_comments(m.span.line, indent, first_in_body=True)
            self.member(m, kind, indent)
        pending = self.next_comment_line()
        if pending is not None and pending < end_line:
            if members and pending - self.last_line > 1:
                self.lines.append("")
            self.emit_own_line_comments(end_line, indent, first_in_body=True)

    def file(self) -> str:
        for i, block in enumerate(self.tree.items):
            if i > 0:
                self.lines.append("")
            self.emit_own_line_comments(block.span.line, "", first_in_body=True)
            self.member(block, None, "")
        rest = self.comments[self.pos :]
        if rest:
            if self.lines:
                self.lines.append("")
            for c in rest:
                self.lines.append(c.text)
            self.pos = len(self.comments)
        text = "\n".join(line.rstrip() for line in self.lines)
        return text + "\n" if text else ""


def format_source(text: str, keywords: str | None = None) -> str:
    """Return ``text`` in canonical layout. Raises FormatError on a syntax error, including a slip
    in a quantity (``承诺: 1 定``): the grammar alone would read ``定`` as the next field and the
    formatter would move it to a line of its own, changing what the compiler reports."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as the compiler reads it (compiler/sources.py)
    tree, problem = parse(text)
    if problem is None:
        slips = quantity_slips(text)
        if slips:
            problem = slip_problem(slips[0])
    if problem is not None:
        raise FormatError(problem)
    return _Printer(tree, text, keywords).file()
