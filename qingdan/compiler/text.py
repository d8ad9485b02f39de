"""Bilingual text: every message qingdan shows exists in Chinese and in English.

``Text`` is the one type for such a message (diagnostics, related notes, evaluation
problems, build errors, import problems). ``did_you_mean_suffix`` is the one place where
a did-you-mean suggestion is written out in each language.
"""

from __future__ import annotations

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
