"""Findings that a syntax error may have caused: left out until the file parses.

A file the parser could not read (a syntax error) is a guess: the parser keeps what it could read (and what a
repair of an unclosed bracket or string gave back), but declarations or fields may be
lost or misplaced. Reporting what follows from the guess would bury the one real error
under false ones, so while any file has a syntax error:

- in that file, only its syntax errors (and malformed waivers, read from its comments)
  are reported; the other findings of the file come back once it parses;
- elsewhere, a reference to an unknown name, and a check's finding, are left out when
  the name they are about (the words at the finding's location, keywords aside) occurs
  anywhere in a file with a syntax error: that file may have declared it, or referred to
  it (a responsibility naming a power, a matter citing a law).

The rule errs on the side of leaving out: a finding about a name the broken file does
not even contain cannot have been caused by it, and every other finding waits for one
more check after the syntax is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..dsl.keywords import ENUMS, FIELDS, KINDS, RESERVED, UNITS
from ..dsl.normalize import normalize_name, normalize_source
from .checks.registry import CHECKS
from .diagnostics import Diagnostic
from .sources import SourceFile

_NAME = re.compile(r"[^\W\d]\w*")  # a name, as the lexer reads one (tokens.TOKEN_PATTERNS)
_KEPT_IN_BROKEN_FILE = frozenset({"syntax-error", "invalid-waiver", "unreadable-file"})
_KEYWORDS = frozenset(s for table in (KINDS, RESERVED, UNITS, *FIELDS.values(), *ENUMS.values())
                      for word in table.values() for s in word.spellings())


def leave_out_consequences(diags: list[Diagnostic], files: Mapping[str, SourceFile], broken: set[str]) -> list[Diagnostic]:
    """``diags`` without the findings that the syntax errors of the ``broken`` files may have caused."""
    if not broken:
        return diags
    names_in_broken: set[str] = set()
    for rel in broken:
        if rel in files:
            names_in_broken.update(_names(normalize_source(files[rel].text)))
    about_names = {"unknown-reference"} | {c.rule.name for c in CHECKS}
    kept = []
    for d in diags:
        if d.loc is None or d.rule in _KEPT_IN_BROKEN_FILE:
            kept.append(d)
        elif d.loc.file in broken:
            continue  # its tree is a guess
        elif not (d.rule in about_names and _subject(d, files) & names_in_broken):
            kept.append(d)
    return kept


def _names(text: str) -> Iterable[str]:
    return (normalize_name(word) for word in _NAME.findall(text))


def _subject(d: Diagnostic, files: Mapping[str, SourceFile]) -> set[str]:
    """The names a finding is about: the non-keyword words at its location (its first line).

    For an unknown reference, only the name its message quotes, when it is among them.
    """
    assert d.loc is not None
    source = files.get(d.loc.file)
    if source is None:
        return set()
    lines = source.text.split("\n")
    if not 0 < d.loc.line <= len(lines):
        return set()
    line = lines[d.loc.line - 1]
    end = d.loc.end_col - 1 if d.loc.end_line == d.loc.line else len(line)
    words = {w for w in _names(normalize_source(line[d.loc.col - 1 : end])) if w not in _KEYWORDS}
    if d.rule == "unknown-reference":
        quoted = {w for w in words if f"“{w}”" in d.text.zh}
        return quoted or words
    return words
