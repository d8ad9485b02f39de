"""The tokens of the rule language, shared by the lark parser (parser.py) and the fast parser (fastparse.py).

Both parsers build their regular expressions from ``TOKEN_PATTERNS``, take their reserved
words from ``KEYWORD_CLASSES`` (through ``keyword_spellings``), stop at ``MAX_DEPTH`` and
read string literals with ``unquote``, so they cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .keywords import RESERVED, UNITS

MAX_DEPTH = 64  # deepest expression nesting accepted

# The token rules, in the order they are tried.
TOKEN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("WS", r"[ \t\f\r\n]+"),
    ("COMMENT", r"\#[^\n]*"),
    ("STRING", r'"(?:[^"\\\n]|\\.)*"|“[^”\n]*”|「[^」\n]*」'),
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
