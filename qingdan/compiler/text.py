"""Bilingual text: every message qingdan shows exists in Chinese and in English.

``Text`` is the one type for such a message (diagnostics, related notes, evaluation
problems, build errors, import problems). ``did_you_mean_suffix`` is the one place where
a did-you-mean suggestion is written out in each language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Lang = Literal["zh", "en"]


@dataclass(frozen=True, slots=True)
class Text:
    """A message in Chinese (``zh``) and English (``en``)."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def __add__(self, other: Text) -> Text:
        return Text(self.zh + other.zh, self.en + other.en)

    @classmethod
    def same(cls, text: str) -> Text:
        """Text that reads the same in both languages (a name, a path, a number)."""
        return cls(text, text)


def say(lang: str, zh: str, en: str) -> str:
    """``zh`` or ``en`` by ``lang``: for one-off messages not worth a ``Text``."""
    return zh if lang == "zh" else en


def did_you_mean_suffix(suggestion: str | None) -> Text:
    """``，是不是“X”？`` / ``; did you mean 'X'?`` (empty without a suggestion)."""
    if not suggestion:
        return Text("", "")
    return Text(f"，是不是“{suggestion}”？", f"; did you mean '{suggestion}'?")


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_NAMES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """``text`` with every control, line-separator and bidi character shown as an escape.

    A name may hold a line break (a ``\\n`` escape in a string); printed raw, the next line
    could pass for a finding or a CI workflow command such as ``::error``.
    """
    return _CONTROL.sub(lambda m: _CONTROL_NAMES.get(m.group(), f"\\u{ord(m.group()):04x}"), text)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold (most controls, lone surrogates, U+FFFE/F) shown as escapes."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def terminal_text(lines: Iterable[str]) -> str:
    """Lines for the terminal, each ending in a newline; whatever a line holds stays on that line."""
    return "".join(one_line(line) + "\n" for line in lines)
