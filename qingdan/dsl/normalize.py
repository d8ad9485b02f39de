"""Length-preserving normalization of source text before lexing.

People type Chinese punctuation (：，；（）、【】) and full-width letters and digits in
rule files. Outside string literals and comments these are mapped one character to
one character onto their ASCII forms, so every line and column stays valid.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FULL_WIDTH: dict[int, int | str] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH.update({0x3000: " ", ord("、"): ",", ord("【"): "[", ord("】"): "]", ord("〔"): "[", ord("〕"): "]"})
_TABLE = str.maketrans(_FULL_WIDTH)

# strings ("…", ＂…＂, “…”, 「…」; possibly unterminated on their line) and comments (# or ＃)
# (possessive repetitions: a string of any length costs the regular-expression engine no memory per character)
STRINGS_AND_COMMENTS = re.compile(r'''(["＂][^"＂\\\n]*+(?:\\.[^"＂\\\n]*+)*+["＂]?|“[^”\n]*+”?|「[^」\n]*+」?|[#＃][^\n]*+)''')


def normalize_source(text: str) -> str:
    """Map full-width punctuation to ASCII outside strings and comments."""
    parts = STRINGS_AND_COMMENTS.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = parts[i].translate(_TABLE)
    for i in range(1, len(parts), 2):
        p = parts[i]
        if p[0] in "＂＃":  # a full-width opener (and closer) becomes ASCII; the content stays
            p = p[0].translate(_TABLE) + p[1:]
            if p[0] == '"' and p[-1] == "＂" and len(p) > 1:
                p = p[:-1] + '"'
            parts[i] = p
    return "".join(parts)


def normalize_name(text: str) -> str:
    """Fold full-width forms in an identifier or enum word (length-safe)."""
    return text if text.isascii() else _fold(text)


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:  # the same few thousand names come back again and again
    return text.translate(_TABLE)
