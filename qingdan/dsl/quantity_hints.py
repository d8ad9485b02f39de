"""Quantities written the way people say them: ``二十 工作日``, ``20 工作曰``.

A number in a rule file is written in digits and followed by one of the language's
units. Two slips are common, and without help each gives an error that does not say
what is wrong (or several): a number in Chinese numerals (``法定: 二十 工作日``), and a
misspelt unit (``20 工作曰``, which the grammar reads as the number 20 followed by the
start of a declaration named ``工作曰``).

``quantity_slips`` finds both (only in code: strings and comments are left alone) and
says what to write instead; ``parser.parse_recovering`` reports each once and parses the
text with the suggestion in place, so nothing else follows from the slip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fastparse import Decline, tokenize
from .keywords import UNITS
from .normalize import STRINGS_AND_COMMENTS, normalize_source
from .spelling import did_you_mean
from .tokens import KEYWORD_MEANING

_NUMERALS = "零〇一二两三四五六七八九十百千万廿卅"
_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_POWER = {"十": 10, "百": 100, "千": 1000}
UNIT_SPELLINGS = tuple(s for word in UNITS.values() for s in word.spellings())
_RESERVED_WORDS = frozenset(w for w in KEYWORD_MEANING if w[0].isalpha())
# What may be a slip (a cheap look at the raw text; only the lines they find are tokenized):
# a digit followed by a word (a slip unless the word is reserved), and numerals before a unit.
_DIGIT_WORD = re.compile(r"\d[ \t]*([^\W\d]\w*)")
_NUMERALS_UNIT = re.compile(rf"[{_NUMERALS}][ \t]*(?:{'|'.join(map(re.escape, UNIT_SPELLINGS))})")

@dataclass(frozen=True)
class Slip:
    """A slip in a quantity: where (1-based line, columns of the word), what it says, and the replacement."""

    line: int
    col: int
    end_col: int
    word: str
    replacement: str | None  # digits for numerals; the closest unit for a misspelt one
    numerals: bool  # True: Chinese numerals; False: a word after a number that is no unit

    def message(self) -> tuple[str, str]:
        """Chinese and English; a misspelt unit's suggestion is added by the reader's did-you-mean."""
        if self.numerals:
            digits = self.replacement
            if digits is None:
                return (f"数字要用阿拉伯数字书写（如 20），“{self.word}”不是数字",
                        f"numbers are written in digits (such as 20); '{self.word}' is not a number")
            return (f"数字要用阿拉伯数字书写：把“{self.word}”写成“{digits}”",
                    f"numbers are written in digits: write '{digits}' instead of '{self.word}'")
        if self.replacement:
            return f"数字后面的“{self.word}”不是单位", f"'{self.word}' after the number is not a unit"
        units_zh = "、".join(w.zh for w in UNITS.values())
        units_en = ", ".join(w.en for w in UNITS.values())
        return (f"数字后面的“{self.word}”不是单位（可用的单位：{units_zh}）",
                f"'{self.word}' after the number is not a unit (units: {units_en})")


def chinese_numeral_value(text: str) -> int | None:
    """二十 → 20, 一百零五 → 105, 两万 → 20000, 廿 → 20; None when ``text`` is not a well-formed numeral."""
    text = text.replace("廿", "二十").replace("卅", "三十")
    if not text or any(ch not in _DIGIT and ch not in _POWER and ch != "万" for ch in text):
        return None
    if "万" in text:
        high, _, low = text.partition("万")
        high_value = chinese_numeral_value(high) if high else None
        low_value = chinese_numeral_value(low) if low else 0
        return None if high_value is None or low_value is None or low_value >= 10000 else high_value * 10000 + low_value
    if all(ch in _DIGIT for ch in text):  # 二〇二四: digit by digit
        return int("".join(str(_DIGIT[ch]) for ch in text))
    total, digit, last_power = 0, None, 10000
    for ch in text:
        if ch in _DIGIT:
            if digit is not None and _DIGIT[ch] != 0:
                return None  # two digits in a row: 二三十
            digit = _DIGIT[ch] if _DIGIT[ch] else None
        else:
            power = _POWER[ch]
            if power >= last_power:
                return None  # 十百
            total += (1 if digit is None else digit) * power
            digit, last_power = None, power
    return total + (digit or 0)


def quantity_slips(text: str) -> list[Slip]:
    """The slips in the quantities of ``text``, in text order."""
    starts = [m.start() for m in _DIGIT_WORD.finditer(text) if m.group(1) not in _RESERVED_WORDS]
    starts += [m.start() for m in _NUMERALS_UNIT.finditer(text)]
    lines: list[int] = []
    line, line_start = 1, 0
    for start in sorted(starts):
        line += text.count("\n", line_start, start)
        line_start = text.rfind("\n", 0, start) + 1
        if not lines or lines[-1] != line:
            lines.append(line)
    if not lines:
        return []
    raw_lines = text.split("\n")
    slips: list[Slip] = []
    for lineno in lines:
        raw = raw_lines[lineno - 1]
        code = STRINGS_AND_COMMENTS.sub(" ", raw)
        if not (_NUMERALS_UNIT.search(code) or any(m.group(1) not in _RESERVED_WORDS for m in _DIGIT_WORD.finditer(code))):
            continue  # only in strings or comments
        try:
            kinds, tokens = tokenize(normalize_source(raw))
        except Decline:  # a character no token starts with: the parser reports it
            continue
        for i, (kind, (word, _line, col, end)) in enumerate(zip(kinds, tokens)):
            if kind != "NAME":
                continue
            if i > 0 and kinds[i - 1] == "NUMBER":
                unit = did_you_mean(word, UNIT_SPELLINGS)
                slips.append(Slip(lineno, col, end, word, unit, numerals=False))
            elif kinds[i + 1] == "unit" and all(ch in _NUMERALS for ch in word):
                value = chinese_numeral_value(word)
                slips.append(Slip(lineno, col, end, word, None if value is None else str(value), numerals=True))
    return slips


def apply_slips(text: str, slips: list[Slip]) -> str:
    """``text`` with each slip's replacement in place (a slip without one: its word blanked)."""
    lines = text.split("\n")
    for slip in sorted(slips, key=lambda s: (s.line, s.col), reverse=True):
        line = lines[slip.line - 1]
        replacement = slip.replacement or " " * (slip.end_col - slip.col)
        lines[slip.line - 1] = line[: slip.col - 1] + replacement + line[slip.end_col - 1 :]
    return "\n".join(lines)
