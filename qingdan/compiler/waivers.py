"""Waivers: ``# 豁免 RULE: 理由`` comments that accept one finding with a reason.

RULE is a rule's name or its code, as the messages print them: ``# 豁免 too-many-visits: …``
and ``# 豁免 QD305: …`` are the same waiver.

A waiver covers findings of its rule on its own line. A waiver that stands alone on its
line (nothing but white space before the ``#``) also covers the next line, so it can sit
above the line it waives. A waiver written after code covers that line only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..dsl.ast import Comment
from .diagnostics import RULES, Diagnostic, Loc, diag, did_you_mean

_WAIVER = re.compile(r"#\s*(?:豁免|waive)\b\s*([A-Za-z][\w-]*)?\s*(?:[:：]\s*(.*?))?\s*$")


def rule_of(word: str) -> str | None:
    """The name of the rule ``word`` names: a rule's name, or its code in either case (``QD305``, ``qd305``)."""
    if word in RULES:
        return word
    code = word.upper()
    return next((r.name for r in RULES.values() if r.code == code), None)


def _written(word: str, rule: str) -> str:
    """How a message names the rule of a waiver that says ``word``: ``QD305 (too-many-visits)`` for a code."""
    return rule if word == rule else f"{word} ({rule})"


@dataclass
class Waiver:
    rule: str  # the rule's name, also when the comment gives its code
    reason: str
    loc: Loc
    standalone: bool  # nothing but white space before it on its line: it also covers the next line
    used: bool = False
    written: str = ""  # what the comment says in place of the rule: its name or its code

    def covers(self) -> list[tuple[str, int, str]]:
        """The (file, line, rule) places this waiver accepts findings at."""
        places = [(self.loc.file, self.loc.line, self.rule)]
        if self.standalone:
            places.append((self.loc.file, self.loc.line + 1, self.rule))
        return places


def collect_waivers(path: str, text: str, comments: list[Comment]) -> tuple[list[Waiver], list[Diagnostic]]:
    """The waivers among a file's comments, and a diagnostic for each malformed one."""
    out: list[Waiver] = []
    diags: list[Diagnostic] = []
    lines: list[str] | None = None
    for c in comments:
        mt = _WAIVER.match(c.text)
        if not mt:
            continue
        loc = Loc(file=path, line=c.line, col=c.col, end_line=c.line, end_col=c.col + len(c.text))
        word, reason = mt.group(1), (mt.group(2) or "").strip()
        rule = rule_of(word) if word else None
        if not word or rule is None:
            s = did_you_mean(word, [*RULES, *(r.code for r in RULES.values())]) if word else None
            diags.append(diag("invalid-waiver", "豁免必须写出存在的规则名或规则代码，如 # 豁免 too-many-visits: 理由，或 # 豁免 QD305: 理由",
                              "a waiver must name an existing rule or give its code, e.g. # waive too-many-visits: reason, or # waive QD305: reason",
                              loc, did_you_mean=s))
            continue
        if not reason:
            diags.append(diag("invalid-waiver", f"豁免“{_written(word, rule)}”缺少理由：请在冒号后写明为什么接受这个问题",
                              f"the waiver of '{_written(word, rule)}' has no reason: write why after a colon", loc))
            continue
        if lines is None:
            lines = text.split("\n")
        before = lines[c.line - 1][: c.col - 1] if 0 < c.line <= len(lines) else ""
        out.append(Waiver(rule, reason, loc, standalone=not before.strip(), written=_written(word, rule)))
    return out, diags


def apply_waivers(diags: list[Diagnostic], waivers: list[Waiver]) -> list[Diagnostic]:
    """Mark the findings the waivers accept; return an ``unused-waiver`` finding for each waiver that accepts none."""
    by_place: dict[tuple[str, int, str], Waiver] = {}
    for w in waivers:
        for place in w.covers():
            by_place.setdefault(place, w)
    for d in diags:
        if d.loc is None:
            continue
        found = by_place.get((d.loc.file, d.loc.line, d.rule))
        if found is not None:
            d.waived = found.reason
            found.used = True
    return [diag("unused-waiver", f"豁免“{w.written or w.rule}”没有对应的问题，可以删除", f"the waiver of '{w.written or w.rule}' matches no finding; remove it",
                 w.loc) for w in waivers if not w.used]
