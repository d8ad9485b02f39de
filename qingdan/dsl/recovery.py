"""Finding the one unclosed bracket or string behind a syntax error, and a repair for it.

One missing ``}`` makes the parser give up far from the mistake (often at the end of
the file) and, without help, loses every declaration after it. When a file does not
parse, ``unbalanced`` scans it for brackets and quotes, aware of strings and comments
(on normalized text, so full-width brackets count as the language reads them), and
proposes, most likely first, what is unclosed and where its closer belongs:

- a quote with no partner on its line (strings never span lines): the partner goes at
  the nearest place where a string can end (or, when the quote looks like a closing
  one, begin);
- a ``{``, ``(`` or ``[`` whose block or value does not end: the indentation says where
  it should have ended (the first later line indented no deeper than the opener's line
  must start with the closer, at the same indentation); the closer goes at the end of
  the block's last line;
- a closer with no opener: it is taken away.

Each ``Unbalanced`` carries the whole text with its repair applied. The parser
(``parser.parse_recovering``) keeps the first repair after which the brackets balance
and the file parses: the error is then reported once, at the unclosed token, and the
repaired file's declarations still count. Repairs never move a line: a closer is put in
place of a space where there is one, else inserted at the end of a line's code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .normalize import normalize_source

CLOSER = {"{": "}", "(": ")", "[": "]", '"': '"', "“": "”", "「": "」"}
OPENER = {"}": "{", ")": "(", "]": "["}
QUOTES = frozenset('"“「')
# After these a value may start, before these one may end (besides the end of the line).
_VALUE_ENDS = frozenset("{};,)]:#")
_VALUE_STARTS = frozenset(":,([{;")
MAX_CANDIDATES = 24  # repairs proposed at most, so a file of garbage costs little


@dataclass(frozen=True)
class Mark:
    """A bracket or quote of the text: the character as normalized, 1-based line and column."""

    char: str
    line: int
    col: int


@dataclass(frozen=True)
class Unbalanced:
    """Something unclosed (or a closer with no opener), and a repair to try.

    ``mark`` is the unclosed opener (or the stray closer); ``written`` is that character
    as the author typed it (``（`` for a full-width bracket). ``fix_line``/``fix_col``
    say where the repair puts ``closer`` (for a stray closer: the closer taken away).
    """

    kind: str  # "bracket", "string" or "stray"
    mark: Mark
    written: str
    closer: str
    fix_line: int
    fix_col: int
    repaired: str
    head: str  # the words of the opener's line before it, to name what it opens


@dataclass
class _Line:
    text: str
    code_end: int  # 0-based index where a comment starts, or the length
    indent: int
    marks: list[Mark]
    open_quote: Mark | None

    @property
    def blank(self) -> bool:
        return not self.text[: self.code_end].strip()


def _scan_line(text: str, lineno: int) -> _Line:
    marks: list[Mark] = []
    i, n = 0, len(text)
    open_quote = None
    code_end = n
    while i < n:
        ch = text[i]
        if ch == "#":
            code_end = i
            break
        if ch in QUOTES:
            close = CLOSER[ch]
            j = i + 1
            while j < n and text[j] != close:
                j += 2 if ch == '"' and text[j] == "\\" else 1
            if j >= n:  # no partner on this line: the rest of the line is the string
                open_quote = Mark(ch, lineno, i + 1)
                break
            i = j + 1
            continue
        if ch in "”」":  # a closing quote with no opening one
            open_quote = Mark(ch, lineno, i + 1)
            break
        if ch in CLOSER or ch in OPENER:
            marks.append(Mark(ch, lineno, i + 1))
        i += 1
    indent = len(text) - len(text.lstrip(" \t"))
    return _Line(text, code_end, indent, marks, open_quote)


def _scan(norm: str) -> list[_Line]:
    return [_scan_line(line, i) for i, line in enumerate(norm.split("\n"), start=1)]


def balanced(text: str) -> bool:
    """Whether every string of ``text`` ends on its line and every bracket is closed by its partner."""
    return _balanced(_scan(normalize_source(text)))


def _balanced(lines: list[_Line]) -> bool:
    if any(line.open_quote for line in lines):
        return False
    stack: list[str] = []
    for line in lines:
        for mark in line.marks:
            if mark.char in CLOSER:
                stack.append(mark.char)
            elif not stack or stack.pop() != OPENER[mark.char]:
                return False
    return not stack


def unbalanced(text: str) -> list[Unbalanced]:
    """What may be unclosed in ``text``, most likely first (empty when everything is closed)."""
    norm = normalize_source(text)
    lines = _scan(norm)
    if _balanced(lines):
        return []
    originals = text.split("\n")
    found: list[Unbalanced] = []
    seen: set[str] = set()
    for u in _candidates(lines, originals):
        key = u.repaired
        if key not in seen:
            seen.add(key)
            found.append(u)
            if len(found) >= MAX_CANDIDATES:
                break
    return found


def _candidates(lines: list[_Line], originals: list[str]) -> Iterator[Unbalanced]:
    for line in lines:
        if line.open_quote:
            yield from _string_repairs(line, originals)
    flagged = _flagged_by_indentation(lines)
    unclosed, stray = _stack_problems(lines)
    for mark in flagged + [m for m in unclosed if m not in flagged]:
        yield from _bracket_repairs(mark, lines, originals)
    for mark in stray:
        yield _unbalanced("stray", mark, mark.line, mark.col, _replace(originals, mark.line, mark.col - 1, " "), lines, originals)


# ---------------------------------------------------------------- strings
def _string_repairs(line: _Line, originals: list[str]) -> Iterator[Unbalanced]:
    """Where the partner of the line's unpaired quote may go: after it (a closing quote) or before it (an opening one)."""
    quote = line.open_quote
    assert quote is not None
    text, q = line.text, quote.col - 1
    before = text[q - 1] if q > 0 else " "
    closing_looks_lost = before in " \t" or before in _VALUE_STARTS
    after = list(_string_ends(text, q)) if text[q] in QUOTES else []
    opening = list(_string_starts(text, q))
    order = after + opening if closing_looks_lost else opening + after
    for at, replace, char in order:
        fixed = _replace(originals, quote.line, at, char) if replace else _insert(originals, quote.line, at, char)
        # where the author adds the quote: before the space it took, or after the space before a word
        column = at + 2 if replace and (at, replace, char) in opening else at + 1
        yield _unbalanced("string", quote, quote.line, column, fixed, [line], originals, closer=char)


def _string_ends(text: str, q: int) -> Iterator[tuple[int, bool, str]]:
    """(index, replaces a space, closing char) after the quote at ``q``: ends of words, those before punctuation first."""
    close = CLOSER[text[q]]
    ends = []
    for j in range(q + 1, len(text) + 1):
        if j < len(text) and text[j] not in " \t" and text[j] not in _VALUE_ENDS:
            continue
        if j > q + 1 and text[j - 1] in " \t":
            continue
        rest = text[j:].lstrip(" \t")
        ends.append((0 if not rest or rest[0] in _VALUE_ENDS else 1, j))
        if j < len(text) and text[j] in "#":
            break
    for _rank, j in sorted(ends, key=lambda e: (e[0], e[1])):
        yield j, j < len(text) and text[j] in " \t", close


def _string_starts(text: str, q: int) -> Iterator[tuple[int, bool, str]]:
    """(index, replaces a space, opening char) before the quote at ``q``: starts of words, nearest first."""
    opening = {"”": "“", "」": "「"}.get(text[q], '"')
    starts = []
    for j in range(q - 1, -1, -1):
        prev = text[j - 1] if j > 0 else " "
        if text[j] in " \t" or not (prev in " \t" or prev in _VALUE_STARTS):
            continue
        k = j - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        rank = 0 if k < 0 or text[k] in _VALUE_STARTS else 1  # a value starts after punctuation or at the line's start
        starts.append((rank, q - j, j))
    for _rank, _dist, j in sorted(starts):
        if j > 0 and text[j - 1] in " \t":
            yield j - 1, True, opening
        else:
            yield j, False, opening


# ---------------------------------------------------------------- brackets
def _open_at_end(line: _Line) -> list[Mark]:
    """The openers of ``line`` that the line itself does not close."""
    stack: list[Mark] = []
    for mark in line.marks:
        if mark.char in CLOSER:
            stack.append(mark)
        elif stack and stack[-1].char == OPENER[mark.char]:
            stack.pop()
    return stack


def _leading_closers(line: _Line) -> list[str]:
    """The closers a line starts with (``}``, ``})`` …), spaces and ';' between them allowed."""
    out = []
    for ch in line.text[: line.code_end]:
        if ch in OPENER:
            out.append(ch)
        elif ch not in " \t;":
            break
    return out


def _flagged_by_indentation(lines: list[_Line]) -> list[Mark]:
    """Openers whose closer is not where the indentation says it should be, in text order.

    The closer of what a line leaves open belongs at the start of the first later line
    indented no deeper than that line, at the same indentation.
    """
    flagged = []
    for i, line in enumerate(lines):
        if line.open_quote:
            continue
        open_marks = _open_at_end(line)
        if not open_marks:
            continue
        end = _block_end(lines, i)
        closers = _leading_closers(lines[end]) if end < len(lines) and lines[end].indent == line.indent else []
        for mark, closer in zip(reversed(open_marks), closers + [""] * len(open_marks)):
            if closer != CLOSER[mark.char]:
                flagged.append(mark)
    return flagged


def _block_end(lines: list[_Line], i: int) -> int:
    """Index of the first line after ``i`` with code, indented no deeper than line ``i`` (len(lines) if none)."""
    indent = lines[i].indent
    for j in range(i + 1, len(lines)):
        if not lines[j].blank and lines[j].indent <= indent:
            return j
    return len(lines)


def _stack_problems(lines: list[_Line]) -> tuple[list[Mark], list[Mark]]:
    """(unclosed openers, innermost first; closers with no opener) by plain matching."""
    stack: list[Mark] = []
    unclosed: list[Mark] = []
    stray: list[Mark] = []
    for line in lines:
        for mark in line.marks:
            if mark.char in CLOSER:
                stack.append(mark)
                continue
            want = OPENER[mark.char]
            if not any(m.char == want for m in stack):
                stray.append(mark)
                continue
            while stack[-1].char != want:
                unclosed.append(stack.pop())
            stack.pop()
    unclosed.extend(reversed(stack))
    return unclosed, stray


def _bracket_repairs(mark: Mark, lines: list[_Line], originals: list[str]) -> Iterator[Unbalanced]:
    closer = CLOSER[mark.char]
    i = mark.line - 1
    if mark.char == "{":
        end = _block_end(lines, i)
        last = max((j for j in range(i, end) if not lines[j].blank), default=i)
        at = _code_end(lines[last])
        yield _unbalanced("bracket", mark, last + 1, at + 1, _insert(originals, last + 1, at, closer), lines, originals)
        return
    # ( and [: at the end of the value, which ends before ';', '}' or the end of the line's code
    text = lines[i].text
    for j in range(mark.col, _code_end(lines[i]) + 1):
        rest = text[j:_code_end(lines[i])].lstrip(" \t")
        if j > mark.col and text[j - 1] not in " \t" and (not rest or rest[0] in ";}"):
            yield _unbalanced("bracket", mark, i + 1, j + 1, _insert(originals, i + 1, j, closer), lines, originals)


def _code_end(line: _Line) -> int:
    return len(line.text[: line.code_end].rstrip(" \t"))


# ---------------------------------------------------------------- building the repairs
def _unbalanced(kind: str, mark: Mark, fix_line: int, fix_col: int, repaired: str, lines: list[_Line],
                originals: list[str], closer: str | None = None) -> Unbalanced:
    original_line = originals[mark.line - 1]
    written = original_line[mark.col - 1] if mark.col - 1 < len(original_line) else mark.char
    head = " ".join(original_line[: mark.col - 1].split())
    if len(head) > 40:
        head = head[:39] + "…"
    return Unbalanced(kind, mark, written, closer or CLOSER.get(mark.char, mark.char), fix_line, fix_col, repaired, head)


def _insert(originals: list[str], lineno: int, at: int, char: str) -> str:
    lines = list(originals)
    line = lines[lineno - 1]
    lines[lineno - 1] = line[:at] + char + line[at:]
    return "\n".join(lines)


def _replace(originals: list[str], lineno: int, at: int, char: str) -> str:
    lines = list(originals)
    line = lines[lineno - 1]
    lines[lineno - 1] = line[:at] + char + line[at + 1 :]
    return "\n".join(lines)


# ---------------------------------------------------------------- what to tell the author
def describe(u: Unbalanced) -> tuple[str, str]:
    """The message for ``u``, in Chinese and English, with the fix."""
    if u.kind == "stray":
        return (f"多余的“{u.written}”：它前面没有对应的“{OPENER[u.mark.char]}”；请删除它，或在它所属的声明开头补上“{OPENER[u.mark.char]}”",
                f"'{u.written}' closes nothing: no '{OPENER[u.mark.char]}' is open here; delete it, "
                f"or add the missing '{OPENER[u.mark.char]}' where its declaration starts")
    if u.kind == "string":
        return (f"引号“{u.written}”没有配对：文字不能跨行，这一行里没有与它配对的引号；请在第 {u.fix_line} 行第 {u.fix_col} 列补上“{u.closer}”",
                f"the quote '{u.written}' has no partner: a text cannot span lines, and this line has no matching quote; "
                f"add '{u.closer}' on line {u.fix_line}, column {u.fix_col}")
    what_zh = f"“{u.head}”的" if u.head else ""
    what_en = f" of '{u.head}'" if u.head else ""
    if u.fix_line == u.mark.line:
        where_zh, where_en = f"在第 {u.fix_line} 行末尾补上“{u.closer}”", f"add '{u.closer}' at the end of line {u.fix_line}"
        if u.mark.char != "{":
            where_zh, where_en = f"在第 {u.fix_line} 行第 {u.fix_col} 列补上“{u.closer}”", f"add '{u.closer}' on line {u.fix_line}, column {u.fix_col}"
    else:
        where_zh, where_en = f"在第 {u.fix_line} 行之后补上“{u.closer}”", f"add '{u.closer}' after line {u.fix_line}"
    return (f"{what_zh}“{u.written}”没有对应的“{u.closer}”；{where_zh}",
            f"the '{u.written}'{what_en} is never closed; {where_en}")
