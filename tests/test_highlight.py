"""The Pygments lexer of rule files (qingdan/highlight.py) and the TextMate grammar generated beside it.

Every example file lexes without an error token; every word of the vocabulary, in both
languages, gets its colour in the place where the language gives it meaning; the lexer
is registered with Pygments by its entry point; the committed TextMate grammar is the
one the vocabulary generates.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import EXAMPLES, REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Literal, Name, Number, Operator, Punctuation, String

from qingdan import highlight as hl
from qingdan.dsl import keywords as k
from qingdan.highlight import QingdanLexer

LEXER = QingdanLexer()
GRAMMAR_FILE = REPO / "editors" / "vscode" / "syntaxes" / "qd.tmLanguage.json"
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.qd")) + sorted((REPO / "editors" / "vscode" / "tests").glob("*.test.qd"))


def tokens(text: str) -> list[tuple[object, str]]:
    """The tokens of ``text`` that are not blank."""
    return [(t, v) for t, v in LEXER.get_tokens(text) if v.strip()]


def token_of(text: str, word: str, nth: int = 0) -> object:
    """The token type of the ``nth`` token that is exactly ``word``."""
    found = [t for t, v in tokens(text) if v == word]
    assert len(found) > nth, f"{word!r} is not a token of {text!r}: {tokens(text)}"
    return found[nth]


# ---------------------------------------------------------------- the examples
def test_there_are_example_files():
    assert len(EXAMPLE_FILES) >= 20


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_example_file_lexes_without_an_error_token(path):
    text = path.read_text(encoding="utf-8")
    errors = [(v, text[:i].count("\n") + 1) for i, t, v in LEXER.get_tokens_unprocessed(text) if t in Error]
    assert errors == [], f"{path.name}: error tokens (text, line): {errors[:10]}"
    kinds = [v for t, v in tokens(text) if t is Keyword.Declaration]
    assert kinds, "no block was recognised"


def test_an_unknown_character_is_an_error_token():
    # the test above means something only if the lexer can fail
    assert Error in {t for t, _ in tokens('事项 甲 "x" {\n  到场: 1 次 @ $\n}\n')}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list('事项部门依据当且: ：{}｛｝()（）[]"“”「」#＃\\.,、;；-><=≥ \n\t1２.a_甲') + ["工作日", "matter", "when"]), max_size=60))
def test_the_tokens_give_back_the_text_exactly(pieces):
    text = "".join(pieces)
    assert "".join(v for _i, _t, v in LEXER.get_tokens_unprocessed(text)) == text


# ---------------------------------------------------------------- each word in its place
@pytest.mark.parametrize("word", sorted(hl.KIND_WORDS))
def test_every_block_kind_opens_a_block(word):
    text = f'{word} 甲 "标题" {{\n}}\n'
    assert token_of(text, word) is Keyword.Declaration
    assert token_of(text, "甲") is Name.Class


@pytest.mark.parametrize("word", sorted(hl.FIELD_WORDS))
def test_every_field_key_is_a_keyword_before_its_colon(word):
    assert token_of(f"事项 甲 {{\n  {word}: 乙\n}}\n", word, -1) is Keyword
    assert token_of(f"事项 甲 {{ {word}：乙 }}\n", word, -1) is Keyword  # full-width colon


def test_a_misspelt_key_is_not_a_keyword():
    assert token_of("事项 甲 {\n  部们: 市场监管局\n}\n", "部们") is Name.Attribute


@pytest.mark.parametrize("word", sorted(hl.OPERATOR_WORDS))
def test_every_word_operator_is_an_operator_in_a_condition(word):
    assert token_of(f"条件 甲 {{ 当: 面积 {word} 20 }}\n", word) is Operator.Word


@pytest.mark.parametrize("word", sorted(hl.CONSTANT_WORDS))
def test_true_and_false_are_constants(word):
    assert token_of(f"材料 甲 {{ 容缺: {word} }}\n", word) is Keyword.Constant


@pytest.mark.parametrize("word", sorted(hl.UNIT_WORDS))
def test_every_unit_after_a_number(word):
    assert token_of(f"时限 {{ 法定: 20 {word} }}\n", word) is Keyword.Type
    assert token_of(f"时限 {{ 法定: 20{word} }}\n", word) is Keyword.Type  # written together


@pytest.mark.parametrize("word", sorted(hl.ENUM_WORDS))
def test_every_enumerated_word_is_a_builtin(word):
    assert token_of(f"权力 甲 {{ 类别: {word} }}\n", word) is Name.Builtin


def test_the_word_classes_cover_the_vocabulary_and_do_not_overlap():
    reserved_words = {s for w in k.RESERVED.values() for s in w.spellings() if re.fullmatch(r"\w+", s)}
    assert reserved_words == hl.OPERATOR_WORDS | hl.CONSTANT_WORDS
    classes = [hl.OPERATOR_WORDS, hl.CONSTANT_WORDS, hl.UNIT_WORDS, hl.ENUM_WORDS]
    for i, a in enumerate(classes):
        for b in classes[i + 1:]:
            assert not a & b
    assert {"事项", "matter", "一件事", "法律"} <= hl.KIND_WORDS and {"依据", "when", "仅当"} <= hl.FIELD_WORDS


# ---------------------------------------------------------------- context decides
MATTER = """\
# 食品经营许可
法规 食品安全法 "中华人民共和国食品安全法" {
  类型: 法律
  条款 第三十五条 “国家对食品生产经营实行许可制度。”
}
事项 食品经营许可 "食品经营许可证核发" ｛
  部门：市场监管局
  依据: 食品安全法.第三十五条
  到场: 2 次   # 豁免 too-many-visits: 需现场核验原件
  生效: 2024-01-01
  事实 经营面积 「经营场所面积（平方米）」: 数字
  条件 场所达标 "具有经营场所" { 当: 经营面积 >= 20.5 且 主体类型 不 属于 [外资企业] }
  材料 营业执照 "营业执照\\"副本\\"" { 来源: 产出(营业执照) }
  时限 ｛ 法定：20个工作日；承诺：１０ 工作日 ｝
｝
"""


def test_a_matter_in_chinese_gets_the_right_tokens():
    assert token_of(MATTER, "# 食品经营许可") is Comment.Single
    assert token_of(MATTER, "# 豁免 too-many-visits: 需现场核验原件") is Comment.Special
    assert token_of(MATTER, "法律") is Name.Builtin  # a value here (law type), not the block kind 法律
    assert token_of(MATTER, "条款") is Keyword.Declaration
    assert token_of(MATTER, "“国家对食品生产经营实行许可制度。”") is String.Other
    assert token_of(MATTER, "「经营场所面积（平方米）」") is String.Other
    assert token_of(MATTER, "食品经营许可证核发") is String.Double
    assert token_of(MATTER, '\\"') is String.Escape
    assert token_of(MATTER, "部门") is Keyword  # a field here, not the block kind 部门
    assert token_of(MATTER, "：") is Punctuation and token_of(MATTER, "｛") is Punctuation and token_of(MATTER, "；") is Punctuation
    assert token_of(MATTER, "市场监管局") is Name
    assert token_of(MATTER, "食品安全法", 1) is Name.Namespace and token_of(MATTER, "第三十五条", 1) is Name
    assert token_of(MATTER, "2") is Number.Integer and token_of(MATTER, "次") is Keyword.Type
    assert token_of(MATTER, "20.5") is Number.Float
    assert token_of(MATTER, "2024-01-01") is Literal.Date
    assert token_of(MATTER, "事实") is Keyword.Declaration and token_of(MATTER, "经营面积") is Name.Class
    assert token_of(MATTER, "数字") is Name.Builtin
    assert token_of(MATTER, ">=") is Operator
    assert [token_of(MATTER, w) for w in ("且", "不", "属于")] == [Operator.Word] * 3
    assert token_of(MATTER, "产出") is Name.Builtin
    assert token_of(MATTER, "个工作日") is Keyword.Type and token_of(MATTER, "１０") is Number.Integer
    assert token_of(MATTER, "工作日") is Keyword.Type


def test_english_keywords_get_the_same_tokens():
    text = 'matter food "Food licence" {\n  basis: FoodLaw.a35\n  when: area >= 20 and not chain or kind in [a, b]\n  statutory: 20 working_days\n}\n'
    assert token_of(text, "matter") is Keyword.Declaration and token_of(text, "food") is Name.Class
    assert token_of(text, "basis") is Keyword and token_of(text, "FoodLaw") is Name.Namespace
    assert [token_of(text, w) for w in ("and", "not", "or", "in")] == [Operator.Word] * 4
    assert token_of(text, "working_days") is Keyword.Type


def test_a_list_continues_on_the_next_line_after_a_comma():
    text = "责任 甲 {\n  追责: \"a\",\n    \"b\"\n  监管: 乙\n}\n"
    assert token_of(text, "监管") is Keyword
    text = "一件事 甲 {\n  事项: 乙、\n    丙\n}\n"
    assert token_of(text, "丙") is Name


def test_identifiers_that_contain_keywords_stay_identifiers():
    text = "部门 市场监管局 {\n  层级: 市级以下\n}\n事项说明: 是否有效\n"
    assert token_of(text, "市场监管局") is Name.Class
    assert token_of(text, "市级以下") is Name
    assert token_of(text, "事项说明") is Name.Attribute
    assert token_of(text, "是否有效") is Name


# ---------------------------------------------------------------- registration and HTML
def test_the_lexer_is_registered_with_pygments_by_its_entry_point():
    assert isinstance(get_lexer_by_name("qd"), QingdanLexer)
    assert isinstance(get_lexer_by_name("qingdan"), QingdanLexer)
    assert isinstance(get_lexer_for_filename("market.qd"), QingdanLexer)


def test_html_highlighting_escapes_the_text():
    html = highlight('事项 甲 "<script>alert(1)</script>" {\n}\n', get_lexer_by_name("qd"), HtmlFormatter())
    assert '<span class="kd">事项</span>' in html and "<script>" not in html and "&lt;script&gt;" in html


# ---------------------------------------------------------------- the TextMate grammar
def test_the_committed_textmate_grammar_is_generated_from_the_vocabulary():
    committed = GRAMMAR_FILE.read_text(encoding="utf-8")
    assert committed == hl.textmate_json(), "run: python -m qingdan.highlight --textmate > editors/vscode/syntaxes/qd.tmLanguage.json"


def test_the_textmate_grammar_names_every_word_of_the_vocabulary():
    grammar = json.loads(GRAMMAR_FILE.read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source.qd"
    patterns = json.dumps(grammar, ensure_ascii=False)
    for word in hl.KIND_WORDS | hl.FIELD_WORDS | hl.OPERATOR_WORDS | hl.CONSTANT_WORDS | hl.UNIT_WORDS | hl.ENUM_WORDS:
        pattern = hl._full_width(word) if word.isascii() else word
        assert pattern in patterns, word


def test_the_textmate_generator_prints_the_grammar(capsysbinary):
    assert hl.main(["--textmate"]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == hl.textmate_json()
    assert hl.main([]) == 2


def test_a_condition_written_alone_is_an_expression_not_a_block():
    text = "经营面积 >= 20 且 主体类型 属于 [企业法人, 个体工商户]\n年龄 不小于 18 或 (有监护人 且 年龄 >= 16)\n时限 {\n}\n"
    assert {v: t for t, v in tokens(text)} == {
        "经营面积": Name, ">=": Operator, "20": Number.Integer, "且": Operator.Word, "主体类型": Name, "属于": Operator.Word,
        "[": Punctuation, "企业法人": Name, ",": Punctuation, "个体工商户": Name, "]": Punctuation, "年龄": Name,
        "不小于": Operator.Word, "18": Number.Integer, "或": Operator.Word, "(": Punctuation, "有监护人": Name,
        "16": Number.Integer, ")": Punctuation, "时限": Keyword.Declaration, "{": Punctuation, "}": Punctuation,
    }
