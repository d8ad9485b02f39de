"""Length-preserving normalization of source text before lexing.

People type Chinese punctuation (：，；（）、【】) and full-width letters and digits in
rule files. Outside string literals and comments these are mapped one character to
one character onto their ASCII forms, so every line and column stays valid.
"""

from __future__ import annotations

_EXTRA = {
    "\u3000": " ",  # ideographic space
    "、": ",",
    "【": "[",
    "】": "]",
    "〔": "[",
    "〕": "]",
}
_QUOTES = {'"': '"', "“": "”", "「": "」"}


def _width(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return _EXTRA.get(ch, ch)


def normalize_source(text: str) -> str:
    """Map full-width punctuation to ASCII outside strings and comments."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        mapped = _width(ch)
        if mapped in _QUOTES or ch in _QUOTES:
            opener = ch if ch in _QUOTES else mapped
            closer = _QUOTES[opener]
            out.append(opener)
            i += 1
            while i < n and text[i] != "\n":
                c = text[i]
                out.append(c)
                i += 1
                if opener == '"' and c == "\\" and i < n and text[i] != "\n":
                    out.append(text[i])
                    i += 1
                    continue
                if c == closer:
                    break
            continue
        if mapped == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append("#")
            out.append(text[i + 1 : j])
            i = j
            continue
        out.append(mapped)
        i += 1
    return "".join(out)


def normalize_name(text: str) -> str:
    """Fold full-width forms in an identifier or enum word (NFKC-like, length-safe)."""
    return "".join(_width(c) for c in text)
