"""Syntax highlighting of rule files: a Pygments lexer, and the TextMate grammar of the VS Code extension.

Both take their words from the vocabulary (``qingdan/dsl/keywords.py``), in both
languages, so a keyword added there is highlighted everywhere:

- ``QingdanLexer`` (aliases ``qd``, ``qingdan``) is registered with Pygments through the
  ``pygments.lexers`` entry point, so ```` ```qd ```` fences are highlighted in the tool's
  docs and in the reviewers' site (mkdocs with ``pymdownx.highlight``).
- ``textmate_grammar()`` is ``editors/vscode/syntaxes/qd.tmLanguage.json``; regenerate it with
  ``python -m qingdan.highlight --textmate > editors/vscode/syntaxes/qd.tmLanguage.json``
  (a test checks the committed file is up to date).

What gets which colour:

| text | Pygments token | TextMate scope |
| --- | --- | --- |
| a block kind at the start of a statement (``事项``, ``matter``) | ``Keyword.Declaration`` | ``keyword.declaration.qd`` |
| the identifier it declares | ``Name.Class`` | ``entity.name.type.qd`` |
| a known field key before ``:`` (``依据``, ``when``) | ``Keyword`` | ``keyword.other.field.qd`` |
| an unknown field key | ``Name.Attribute`` | ``variable.other.field.qd`` |
| word operators (``且``, ``属于``, ``不小于``) | ``Operator.Word`` | ``keyword.operator.word.qd`` |
| ``是``/``否``, ``true``/``false`` | ``Keyword.Constant`` | ``constant.language.boolean.qd`` |
| units (``工作日``, ``元``) | ``Keyword.Type`` | ``keyword.other.unit.qd`` |
| enumerated words (``市``, ``行政许可``, ``枚举``) | ``Name.Builtin`` | ``support.constant.qd`` |
| the law of ``食品安全法.第三十五条`` | ``Name.Namespace`` | ``entity.name.namespace.qd`` |
| strings ``"…"``, ``“…”``, ``「…」`` | ``String.Double``, ``String.Other`` | ``string.quoted.double.qd``, ``string.quoted.other.qd`` |
| numbers, dates | ``Number.Integer``, ``Number.Float``, ``Literal.Date`` | ``constant.numeric.qd``, ``constant.other.date.qd`` |
| comments; waivers (``# 豁免 rule: 理由``) | ``Comment.Single``; ``Comment.Special`` | ``comment.line.number-sign.qd`` (+ ``keyword.other.waiver.qd``) |

Full-width punctuation (``：，；（）｛｝【】、``) is punctuation like its ASCII form, as the
parser reads it. The lexer never fails: a character no rule of the language allows is an
``Error`` token, so the tests can require that every example file lexes without one.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from pygments.lexer import RegexLexer, bygroups, default, include
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
    _TokenType,
)

from .dsl import keywords as k
from .dsl.normalize import normalize_name

SCOPE = "source.qd"

# ---------------------------------------------------------------- the vocabulary, by colour
_OPERATORS = ("and", "or", "not", "in", "ge", "le", "gt", "lt", "eq", "ne")


def _is_word(spelling: str) -> bool:
    return re.fullmatch(r"\w+", spelling) is not None


def _spellings(words: Iterable[k.Word]) -> frozenset[str]:
    return frozenset(s for w in words for s in w.spellings() if _is_word(s))


KIND_WORDS = _spellings(k.KINDS.values())
FIELD_WORDS = _spellings(w for table in k.FIELDS.values() for w in table.values())
OPERATOR_WORDS = _spellings(k.RESERVED[c] for c in _OPERATORS)
CONSTANT_WORDS = _spellings(k.RESERVED[c] for c in ("true", "false"))
UNIT_WORDS = _spellings(k.UNITS.values())
ENUM_WORDS = _spellings(w for table in k.ENUMS.values() for w in table.values())

# Word classes of values, in the order they are tried (no word is in two of them).
_VALUE_WORDS: tuple[tuple[frozenset[str], _TokenType, str], ...] = (
    (OPERATOR_WORDS, Operator.Word, "keyword.operator.word.qd"),
    (CONSTANT_WORDS, Keyword.Constant, "constant.language.boolean.qd"),
    (UNIT_WORDS, Keyword.Type, "keyword.other.unit.qd"),
    (ENUM_WORDS, Name.Builtin, "support.constant.qd"),
)

# ---------------------------------------------------------------- shared pieces of the patterns
NAME = r"[^\W\d]\w*"
COLON = "[:：]"
OPEN_BRACE, CLOSE_BRACE = "[{｛]", "[}｝]"
OPEN_GROUP, CLOSE_GROUP = r"[(（\[【〔［]", r"[)）\]】〕］]"
COMMA = "[,，、]"
SEMICOLON = "[;；]"
DOT = "[.．]"
NUMBER = rf"[-－]?\d+(?:{DOT}\d+)?"
DATE = r"\d{4}[-－]\d{2}[-－]\d{2}(?!\d)"
SYMBOL_OPERATOR = "[-－][>＞]|→|[>＞<＜=＝!！][=＝]|[≥≤≠<>=＜＞＝]"
STRING_OPENERS = "\"＂“「"


def _full_width(text: str) -> str:
    """A pattern for ``text`` that also accepts the full-width form of each ASCII letter and digit in it."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(f"[{ch}{chr(ord(ch) + 0xFEE0)}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def words_pattern(words: Iterable[str], *, after_word: bool = False) -> str:
    """An alternation of whole words (longest first), each also in full-width letters.

    ``after_word``: the word may follow a letter or digit directly (a unit after its number: ``20个工作日``).
    """
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return ("" if after_word else r"(?<!\w)") + "(?:" + "|".join(_full_width(w) for w in ordered) + r")(?!\w)"


# ---------------------------------------------------------------- Pygments
def _value_word(word: str) -> _TokenType:
    folded = normalize_name(word)
    for words, token, _scope in _VALUE_WORDS:
        if folded in words:
            return token
    return Name


def _statement_word(lexer: RegexLexer, match: re.Match[str]) -> Iterator[tuple[int, _TokenType, str]]:
    """The first word of a statement that is not a field: a block kind (or a misspelt one)."""
    word = match.group()
    yield match.start(), Keyword.Declaration if normalize_name(word) in KIND_WORDS else Name, word


def _field(lexer: RegexLexer, match: re.Match[str]) -> Iterator[tuple[int, _TokenType, str]]:
    """``key :`` at the start of a statement: a keyword when the vocabulary knows the key."""
    key = match.group(1)
    yield match.start(1), Keyword if normalize_name(key) in FIELD_WORDS else Name.Attribute, key
    if match.group(2):
        yield match.start(2), Whitespace, match.group(2)
    yield match.start(3), Punctuation, match.group(3)


def _word(lexer: RegexLexer, match: re.Match[str]) -> Iterator[tuple[int, _TokenType, str]]:
    yield match.start(), _value_word(match.group()), match.group()


def _call(lexer: RegexLexer, match: re.Match[str]) -> Iterator[tuple[int, _TokenType, str]]:
    """The name before ``(``: a built-in such as ``枚举`` or ``签发``, else a function-like name."""
    token = _value_word(match.group())
    yield match.start(), Name.Function if token is Name else token, match.group()


def _number(lexer: RegexLexer, match: re.Match[str]) -> Iterator[tuple[int, _TokenType, str]]:
    number = match.group(1)
    yield match.start(1), Number.Float if re.search(DOT, number) else Number.Integer, number
    if match.group(3):
        if match.group(2):
            yield match.start(2), Whitespace, match.group(2)
        yield match.start(3), Keyword.Type, match.group(3)


# A block or declaration opens with a word followed by a name, a title or "{" (``事项 甲 "…" {``,
# ``时限 {``); a word before an operator, or an operator word, starts an expression (``年龄 不小于 18``).
_OPERATOR = words_pattern(OPERATOR_WORDS)
_HEAD = rf"(?!{_OPERATOR}){NAME}(?!\w)(?=[ \t]*(?:(?!{_OPERATOR}){NAME}|[{STRING_OPENERS}{{｛]))"


class QingdanLexer(RegexLexer):
    """Rule files of qingdan (清单): Chinese or English keywords, full-width punctuation."""

    name = "qingdan"
    aliases = ["qd", "qingdan"]
    filenames = ["*.qd"]
    mimetypes = ["text/x-qingdan"]
    version_added = ""

    tokens = {
        "comment": [
            (r"[#＃][ \t]*(?:豁免|waive)(?!\w)[^\n]*", Comment.Special),
            (r"[#＃][^\n]*", Comment.Single),
        ],
        "string": [
            (r'["＂]', String.Double, "double-string"),
            (r"“[^”\n]*”?", String.Other),
            (r"「[^」\n]*」?", String.Other),
        ],
        "double-string": [
            (r"\\.?", String.Escape),
            (r'["＂]', String.Double, "#pop"),
            (r'[^"＂\\\n]+', String.Double),
            default("#pop"),  # unterminated on its line: the parser says so
        ],
        # The start of a statement: a field, or a block or declaration.
        "root": [
            (r"\s+", Whitespace),
            include("comment"),
            (rf"{OPEN_BRACE}|{CLOSE_BRACE}|{SEMICOLON}", Punctuation),
            (rf"({NAME})([ \t]*)({COLON})", _field, "value"),
            (_HEAD, _statement_word, "declaration"),
            include("expression"),
        ],
        # After the kind word: the identifier, the title, then ":" (a value follows) or "{".
        "declaration": [
            (r"[ \t]+", Whitespace),
            (NAME, Name.Class),
            include("string"),
            (COLON, Punctuation, ("#pop", "value")),
            (OPEN_BRACE, Punctuation, "#pop"),
            default("#pop"),
        ],
        # The values of a field: to the end of the line, ";" or a brace (a comma continues on the next line).
        "value": [
            (r"[ \t]+", Whitespace),
            (rf"({COMMA})(\s*)", bygroups(Punctuation, Whitespace)),
            (r"\n", Whitespace, "#pop"),
            (rf"{SEMICOLON}|{OPEN_BRACE}|{CLOSE_BRACE}", Punctuation, "#pop"),
            include("comment"),
            (OPEN_GROUP, Punctuation, "group"),
            include("expression"),
        ],
        # Inside ( ) or [ ]: new lines do not end the value.
        "group": [
            (r"\s+", Whitespace),
            include("comment"),
            (CLOSE_GROUP, Punctuation, "#pop"),
            (OPEN_GROUP, Punctuation, "#push"),
            (COMMA, Punctuation),
            include("expression"),
        ],
        "expression": [
            include("string"),
            (DATE, Literal.Date),
            (rf"(?<!\w)({NUMBER})(?:([ \t]*)({words_pattern(UNIT_WORDS, after_word=True)}))?", _number),
            (rf"({NAME})({DOT})(?={NAME})", bygroups(Name.Namespace, Punctuation)),
            (rf"{NAME}(?=[ \t]*[(（])", _call),
            (NAME, _word),
            (SYMBOL_OPERATOR, Operator),
            (rf"{OPEN_GROUP}|{CLOSE_GROUP}|{OPEN_BRACE}|{CLOSE_BRACE}|{COMMA}|{SEMICOLON}|{COLON}|{DOT}", Punctuation),
            (r"[ \t]+", Whitespace),
        ],
    }


# ---------------------------------------------------------------- TextMate
def textmate_grammar() -> dict[str, Any]:
    """The TextMate grammar of rule files (``editors/vscode/syntaxes/qd.tmLanguage.json``)."""
    statement_start = rf"(?:^|(?<={OPEN_BRACE}|{CLOSE_BRACE}|{SEMICOLON}))[ \t]*"
    value_words = [
        {"match": words_pattern(words), "name": scope} for words, _token, scope in _VALUE_WORDS
    ]
    repository: dict[str, Any] = {
        "comment": {"patterns": [
            {
                "match": r"([#＃])[ \t]*(豁免|waive)(?!\w)(?:[ \t]*([A-Za-z][\w-]*))?(?:[ \t]*([:：]))?(.*)$",
                "name": "comment.line.number-sign.qd",
                "captures": {"1": {"name": "punctuation.definition.comment.qd"}, "2": {"name": "keyword.other.waiver.qd"},
                             "3": {"name": "entity.name.tag.rule.qd"}, "4": {"name": "punctuation.separator.key-value.qd"}},
            },
            {"match": r"([#＃]).*$", "name": "comment.line.number-sign.qd",
             "captures": {"1": {"name": "punctuation.definition.comment.qd"}}},
        ]},
        "string": {"patterns": [
            {"begin": '["＂]', "end": '["＂]|$', "name": "string.quoted.double.qd",
             "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.qd"}},
             "endCaptures": {"0": {"name": "punctuation.definition.string.end.qd"}},
             "patterns": [{"match": r"\\.", "name": "constant.character.escape.qd"}]},
            {"begin": "“", "end": "”|$", "name": "string.quoted.other.qd",
             "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.qd"}},
             "endCaptures": {"0": {"name": "punctuation.definition.string.end.qd"}}},
            {"begin": "「", "end": "」|$", "name": "string.quoted.other.qd",
             "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.qd"}},
             "endCaptures": {"0": {"name": "punctuation.definition.string.end.qd"}}},
        ]},
        "declaration": {
            "match": rf"{statement_start}({words_pattern(KIND_WORDS)})(?=[ \t]*[^\s:：#＃])(?:[ \t]+({NAME}))?",
            "captures": {"1": {"name": "keyword.declaration.qd"}, "2": {"name": "entity.name.type.qd"}},
        },
        "field": {"patterns": [
            {"match": rf"{words_pattern(FIELD_WORDS)}(?=[ \t]*{COLON})", "name": "keyword.other.field.qd"},
            {"match": rf"(?<!\w){NAME}(?=[ \t]*{COLON})", "name": "variable.other.field.qd"},
        ]},
        "value": {"patterns": [
            {"match": rf"(?<!\w){DATE}", "name": "constant.other.date.qd"},
            {"match": rf"(?<![\w.．])({NUMBER})(?:[ \t]*({words_pattern(UNIT_WORDS, after_word=True)}))?",
             "captures": {"1": {"name": "constant.numeric.qd"}, "2": {"name": "keyword.other.unit.qd"}}},
            *value_words,
            {"match": rf"(?<!\w)({NAME})({DOT})(?={NAME})",
             "captures": {"1": {"name": "entity.name.namespace.qd"}, "2": {"name": "punctuation.accessor.qd"}}},
            {"match": rf"(?<!\w){NAME}(?=[ \t]*[(（])", "name": "entity.name.function.qd"},
            {"match": rf"(?<!\w){NAME}", "name": "variable.other.qd"},
            {"match": SYMBOL_OPERATOR, "name": "keyword.operator.qd"},
        ]},
        "punctuation": {"patterns": [
            {"match": OPEN_BRACE, "name": "punctuation.section.block.begin.qd"},
            {"match": CLOSE_BRACE, "name": "punctuation.section.block.end.qd"},
            {"match": OPEN_GROUP, "name": "punctuation.section.group.begin.qd"},
            {"match": CLOSE_GROUP, "name": "punctuation.section.group.end.qd"},
            {"match": COMMA, "name": "punctuation.separator.comma.qd"},
            {"match": SEMICOLON, "name": "punctuation.terminator.qd"},
            {"match": COLON, "name": "punctuation.separator.key-value.qd"},
        ]},
    }
    return {
        "information_for_contributors": [
            "Generated from qingdan/dsl/keywords.py by `python -m qingdan.highlight --textmate`; do not edit by hand.",
        ],
        "name": "qingdan",
        "scopeName": SCOPE,
        "fileTypes": ["qd"],
        "patterns": [{"include": f"#{name}"} for name in ("comment", "string", "declaration", "field", "value", "punctuation")],
        "repository": repository,
    }


def textmate_json() -> str:
    """``textmate_grammar()`` as the committed file's text (stable key order, UTF-8, final new line)."""
    return json.dumps(textmate_grammar(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    if argv != ["--textmate"]:
        print("usage: python -m qingdan.highlight --textmate > editors/vscode/syntaxes/qd.tmLanguage.json", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(textmate_json().encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
