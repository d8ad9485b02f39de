"""The tokens of the rule language, shared by the lark parser (parser.py) and the fast parser (fastparse.py).

Both parsers build their regular expressions from ``TOKEN_PATTERNS``, take their reserved
words from ``KEYWORD_CLASSES`` (through ``keyword_spellings``), stop at ``MAX_DEPTH`` and
read string literals with ``unquote``, so they cannot drift apart.

The patterns' repetitions are possessive (``*+``): a token is never taken back piece by
piece, so a string literal of twenty megabytes costs the regular-expression engine no
memory per character.

Some characters are not allowed anywhere in a rule file, not even in strings and
comments (``FORBIDDEN``, found by ``forbidden_characters``): the invisible control
characters other than tab, line feed and carriage return, and the bidirectional
controls that make text display in another order than it is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .keywords import RESERVED, UNITS

MAX_DEPTH = 64  # deepest expression nesting accepted

# The token rules, in the order they are tried.
TOKEN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("WS", r"[ \t\f\r\n]+"),
    ("COMMENT", r"\#[^\n]*+"),
    ("STRING", r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"|“[^”\n]*+”|「[^」\n]*+」'),
    ("DATE", r"\d{4}-\d{2}-\d{2}(?!\d)"),
    ("NUMBER", r"-?\d+(?:\.\d+)?"),
    ("NAME", r"[^\W\d]\w*"),
    ("SYM", r"->|>=|<=|==|!=|[→≥≤≠{}():;,.\[\]<>=]"),
)

# Grammar rule of each class of reserved words -> the canonical words in it (RESERVED
# keys; for "unit", UNITS keys). The order is the order of the grammar's terminals.
KEYWORD_CLASSES: dict[str, tuple[str, ...]] = {
    "and_op": ("and",),
    "or_op": ("or",),
    "not_op": ("not",),
    "in_op": ("in",),
    "true_kw": ("true",),
    "false_kw": ("false",),
    "cmp_op": ("ge", "le", "gt", "lt", "eq", "ne"),
    "unit": tuple(UNITS),
}


def keyword_spellings() -> Iterator[tuple[str, str, int, str]]:
    """(rule, canonical word, index of the spelling, spelling) of every reserved spelling, in grammar order."""
    for rule, canons in KEYWORD_CLASSES.items():
        table = UNITS if rule == "unit" else RESERVED
        for canon in canons:
            for i, spelling in enumerate(table[canon].spellings()):
                yield rule, canon, i, spelling


# Every reserved spelling, words and symbols such as ">=", -> (grammar rule, canonical word).
KEYWORD_MEANING: dict[str, tuple[str, str]] = {spelling: (rule, canon) for rule, canon, _i, spelling in keyword_spellings()}

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(raw: str) -> str:
    """The value of a string literal: quotes removed, escapes resolved in "..." strings."""
    inner = raw[1:-1]
    if raw.startswith('"') and "\\" in inner:
        inner = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), inner)
    return inner


# ---------------------------------------------------------------- characters no rule file may contain
# C0 controls except tab, line feed and carriage return; DEL; C1 controls; the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BLANK_FORBIDDEN = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                                  *range(0x202A, 0x202F), *range(0x2066, 0x206A)], " ")


def forbidden_characters(text: str) -> list[tuple[int, int, str]]:
    """(line, column, character) of the first forbidden character of each line that has one (1-based)."""
    found: list[tuple[int, int, str]] = []
    search = FORBIDDEN.search
    line, line_start, pos = 1, 0, 0
    while True:
        m = search(text, pos)
        if m is None:
            return found
        at = m.start()
        newlines = text.count("\n", line_start, at)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", line_start, at) + 1
        found.append((line, at - line_start + 1, m.group()))
        next_line = text.find("\n", at)
        if next_line < 0:
            return found
        pos = next_line  # the count above starts from this line's end, so the next line is counted


def blank_forbidden(text: str) -> str:
    """``text`` with every forbidden character replaced by a space (lines and columns stay where they are)."""
    return text.translate(_BLANK_FORBIDDEN)


def forbidden_message(ch: str) -> tuple[str, str]:
    """What to tell the author about the forbidden character ``ch`` (Chinese, English)."""
    code = f"U+{ord(ch):04X}"
    if ord(ch) >= 0x2000:
        name = unicodedata.name(ch, "")
        return (f"这里有一个看不见的文字方向控制字符 {code}（{name}），它会让文字显示的顺序与实际写的不同；请删除它",
                f"an invisible text-direction character, {code} ({name}), stands here: it makes text display "
                f"in another order than it is written; delete it")
    return (f"这里有一个看不见的控制字符 {code}（通常是从 Word、网页或其他系统复制文字时带进来的）；请删除它",
            f"an invisible control character, {code}, stands here (it usually comes in when text is copied "
            f"from Word, a web page or another system); delete it")
