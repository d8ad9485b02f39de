"""The fast parser (dsl/fastparse.py) agrees with the lark parser on every input.

For each input, either both parsers accept it and build the same tree (every node,
value and span), or the fast parser declines and lark rejects it. The inputs: every
rule file in the repository, programs generated from the grammar, mutated rule files
and programs, and deep nesting.
"""

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput
from test_formatter import programs

from qingdan.dsl import fastparse, parser, tokens
from qingdan.dsl.keywords import CHILDREN, KINDS
from qingdan.dsl.normalize import normalize_source

FIXTURES = Path(__file__).parent / "fixtures"
RULE_FILES = sorted(p for root in (EXAMPLES, FIXTURES) if root.exists() for p in root.rglob("*.qd"))


def examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- comparing the two paths
def dump(x):
    """Every field of every node, recursively, with class names: equal dumps mean equal trees."""
    if dataclasses.is_dataclass(x):
        return (type(x).__name__, *(dump(getattr(x, f.name)) for f in dataclasses.fields(x)))
    if isinstance(x, list):
        return [dump(item) for item in x]
    if isinstance(x, Decimal):
        return ("Decimal", str(x))
    assert x is None or type(x) in (str, int, bool), f"unexpected {type(x).__name__} in the tree"
    return x


def lark_items(norm: str):
    """The lark path's items for normalized text, or None when it rejects the text."""
    try:
        return parser._parser().parse(norm)
    except (UnexpectedInput, parser.DepthError):
        return None


def fast_items(norm: str):
    try:
        return fastparse.parse_items(norm)
    except fastparse.Decline:
        return None


def lark_tokens(norm: str):
    """The lark path's tokens as (kind, text, line, col, end_col) in the fast tokenizer's kinds, or None."""
    lexer = parser.FastLexer(parser._parser().lexer_conf)
    try:
        tokens = list(lexer.lex(norm))
    except UnexpectedInput:
        return None
    out = []
    for t in tokens:
        if t.type in parser.TERMINAL_MEANING:
            kind = parser.TERMINAL_MEANING[t.type][0]
        elif t.type in ("NAME", "STRING", "NUMBER", "DATE", "ARROW"):
            kind = t.type
        else:
            kind = t.value  # punctuation
        out.append((kind, t.value, t.line, t.column, t.end_column))
    return out


def fast_tokens(norm: str):
    try:
        kinds, tokens = fastparse.tokenize(norm)
    except fastparse.Decline:
        return None
    assert kinds[-2:] == ["$END", "$END"]
    return [(kind, *token) for kind, token in zip(kinds[:-2], tokens[:-2])]


def assert_agree(text: str) -> bool:
    """Both paths tokenize alike, and accept with equal trees or both reject. Returns whether accepted."""
    norm = normalize_source(text)
    assert fast_tokens(norm) == lark_tokens(norm)
    slow, fast = lark_items(norm), fast_items(norm)
    assert (fast is None) == (slow is None), f"lark {'accepts' if slow is not None else 'rejects'}, fast parser does not"
    if fast is not None:
        assert dump(fast) == dump(slow)
    return fast is not None


def assert_parse_agrees(text: str):
    """The public parse() gives the same tree and the same problem on both paths."""
    fast_tree, fast_problem = parser.parse(text, "a.qd")
    lark_tree, lark_problem = parser.parse(text, "a.qd", fast=False)
    assert dump(fast_tree) == dump(lark_tree)
    assert fast_problem == lark_problem
    return fast_problem


# ---------------------------------------------------------------- rule files in the repository
def test_there_are_rule_files_to_compare():
    assert len(RULE_FILES) >= 10


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_rule_file(path):
    assert_agree(path.read_text(encoding="utf-8"))


def test_every_reserved_word_and_symbol_tokenizes_alike():
    words = sorted(tokens.KEYWORD_MEANING) + list("{}():;,.[]") + ["->", "→", "x", "_y", "x²", "1", "-2.5", "2024-01-31"]
    assert assert_agree("x: " + " ".join(words)) is False  # not a program, but the same tokens
    assert fast_tokens(" ".join(words)) is not None


@pytest.mark.parametrize("text", [
    'x: a\n .\n b, c . d',  # a reference over three lines
    'x: "a\\"b\\\\c\\n\\q", “全角”, 「角」, "#不是注释" # 是注释',
    "x: -1, 0.50, -0, 007, 20工作日, 1 个工作日, 2024-02-30, 20240101, 2024-01-011",
    "x: 是, 否, true, false, 真, 假",
    "x: f(), f(a, [b -> c]), [], [[]], ([a])",
    "x: a -> b → c, (a 或 b 且 c 或者 非 d) and 不 e",
    "x: a 不 属于 [b], a not in [], a 非 in [c], a in [x > 1]",
    "x: a ≥ 1, a = b, a != 2024-01-01, a 不小于 \"1\", a 低于 5 元",
    "部门 a; 部门 b \"B\"; 部门 \"C\"; 部门 d \"D\": 1, 2; 部门 \"E\": 1; 部门 {}; 部门 f {}; 部门 \"G\" {}",
    "x\t:\f1\r\n;;\n",
    "时限 { 法定: 无; 承诺: 即办 }; limits { statutory: none; promised: on_the_spot }",
    "x: 20 天, 3 日, 5 days, 2 个自然日, 4 workdays; 步骤 听证 { 不计时限: 是; 依据: 行政许可法.第四十五条 }",
    # the service guide's elements: bodies as names or texts, addresses, 是/否, 窗口 blocks
    '受理机构: 局; 联办机构: 市政府, "某区某局"; 复议: 市政府; 诉讼: "东湖区人民法院"; 收费依据: 法.第五十八条',
    '网上办理地址: "https://a.example/x?b=1&c=(2)#f"; 物流快递: 是; 网上预约: "https://yy.example/"; 投诉: "0578-12345"',
    '窗口 大厅 "3 号窗口" { 地址: "人民路 1 号"; 办理时间: "工作日"; 电话: "0578-1" }; office w { opening_hours: "9:00" }',
    '材料 书 "申请书" { 材料类型: 原件; 规格: "A4"; 空白表格: "forms/申请书.docx"; 示例样表: "https://x.example/s.pdf" }',
    "",
    "# only a comment",
    # rejected by both
    "x: a > b > c", "x: (a -> b)", "x: (a, b)", "x: f(a,)", "x: [a,]", "x: a 非 b", "x: a 属于 b", "x: 非",
    "x: a.", "x: a..b", "x: 1 2", "部门 a b", "部门 a \"A\" \"B\"", "部门 a {", "部门 a }", "}", "x: 天",
    "x: a @ b", "x: ¹", "x: \"open", "x: ∞",
])
def test_small_programs(text):
    assert_agree(text)


# ---------------------------------------------------------------- programs from the grammar
@examples(30)
@given(programs())
def test_generated_programs(program):
    assert_agree(program)


def spelled(rule: str):
    return st.sampled_from(sorted(s for s, (r, _canon) in tokens.KEYWORD_MEANING.items() if r == rule))


SEP = st.sampled_from([" ", " ", " ", "  ", "\n  ", " # 注释 (a\n"])
names = st.sampled_from(["a", "甲", "x1", "资格_二", "_z", "b.c", "市.局.科"])
atoms = st.one_of(
    names,
    st.sampled_from(["0", "-1", "3.25", "-0.5", "2024-01-31", '""', '"a\\"b"', "“引号”", "「角」", "f()", "[]"]),
    st.tuples(st.sampled_from(["1", "20", "-3", "2.5"]), st.sampled_from(["", " "]), spelled("unit")).map("".join),
    spelled("true_kw"), spelled("false_kw"),
)


def _join(*parts):
    return st.tuples(*parts).map(lambda t: "".join(t))


def _extend(sub):
    """Expression forms over ``sub``; some combinations are not in the language, which is the point."""
    lit = st.just
    return st.one_of(
        _join(lit("("), sub, lit(")")),
        _join(lit("["), sub, lit(", "), sub, lit("]")),
        _join(names, lit("("), sub, lit(", "), sub, lit(")")),
        _join(sub, SEP, spelled("and_op"), SEP, sub),
        _join(sub, SEP, spelled("or_op"), SEP, sub),
        _join(spelled("not_op"), SEP, sub),
        _join(sub, SEP, spelled("cmp_op"), SEP, sub),
        _join(sub, SEP, spelled("in_op"), SEP, lit("["), sub, lit("]")),
        _join(sub, SEP, spelled("not_op"), SEP, spelled("in_op"), SEP, lit("["), sub, lit("]")),
        _join(sub, SEP, st.sampled_from(["->", "→"]), SEP, sub),
    )


expressions = st.recursive(atoms, _extend, max_leaves=10)


@examples(150)
@given(st.lists(expressions, min_size=1, max_size=3), st.sampled_from(["{k}: {v}", '条件 c "t" {{ 当: {v} }}', '事实 f "标签": {v}']))
def test_generated_expressions(values, form):
    assert_agree(form.format(k="x", v=", ".join(values)))


# ---------------------------------------------------------------- mutated rule files and programs
def declarations(text: str) -> list[str]:
    """The top-level declarations of a rule file, each as its own text."""
    words = "|".join(sorted((re.escape(s) for k in CHILDREN[None] for s in KINDS[k].spellings()), key=len, reverse=True))
    starts = [m.start() for m in re.finditer(rf"^(?:{words})[ \t]", text, re.M)]
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


DECLARATIONS = [d for p in RULE_FILES for d in declarations(p.read_text(encoding="utf-8")) if len(d) < 3000]
PIECE = re.compile(f"(?:{parser._MASTER.pattern})|.", re.S)  # tokens, whitespace and comments, or one character
VOCABULARY = sorted(tokens.KEYWORD_MEANING) + list("{}():;,.[]") + ["->", "→", "x", "1", "2024-01-01", '"s"', "“s”", "「s」"]
STRAY = list('{}:;,"“”「」()（）：，；、【】〔〕#＃＂[]-.→\\\n \t') + ["\u3000", "\ufeff", "１", "Ａ", "²", "@", "非", "天"]


@st.composite
def mutated(draw):
    text = draw(st.one_of(st.sampled_from(DECLARATIONS), programs()))
    for _ in range(draw(st.integers(1, 4))):
        pieces = [m.group() for m in PIECE.finditer(text)]
        if not pieces:
            break
        i = draw(st.integers(0, len(pieces) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert", "char", "truncate"]))
        if op == "delete":
            del pieces[i]
        elif op == "duplicate":
            pieces.insert(i, pieces[i])
        elif op == "swap" and i + 2 < len(pieces):
            pieces[i], pieces[i + 2] = pieces[i + 2], pieces[i]  # i+1 is often the whitespace between them
        elif op == "replace":
            pieces[i] = draw(st.sampled_from(VOCABULARY))
        elif op == "insert":
            pieces.insert(i, " " + draw(st.sampled_from(VOCABULARY)) + " ")
        elif op == "char":
            j = draw(st.integers(0, len(pieces[i])))
            pieces[i] = pieces[i][:j] + draw(st.sampled_from(STRAY)) + pieces[i][j:]
        elif op == "truncate":
            del pieces[i:]
        text = "".join(pieces)
    return text


@examples(120)
@given(mutated())
def test_mutated_declarations_and_programs(text):
    assert_agree(text)


def test_mutations_reach_both_outcomes():
    """The mutation strategy is worth running only if it yields accepted and rejected texts."""
    outcomes = set()

    @settings(max_examples=40, database=None, deadline=None)
    @given(mutated())
    def collect(text):
        outcomes.add(fast_items(normalize_source(text)) is not None)

    collect()
    assert outcomes == {True, False}


# ---------------------------------------------------------------- errors and deep nesting
@pytest.mark.parametrize("text", ['部门 a {\n  层级: }\n}', "部门 a {\n  层级: 市\n", '部门 a "未闭合 {\n}', "x: a ＠ b"])
def test_syntax_errors_are_reported_by_lark(text):
    problem = assert_parse_agrees(text)
    assert problem is not None


# shape -> levels -> (expression, its depth as the lark path counts it)
NESTINGS = {
    "parens": lambda n: ("(" * n + "a" + ")" * n, n),
    "nots": lambda n: ("非 " * n + "a", n),
    "lists": lambda n: ("[" * n + "a" + "]" * n, n),
    "calls": lambda n: ("f(" * n + ")" * n, n),
    "mixed": lambda n: ("".join(["(", "[", "g(", "非 "][i % 4] for i in range(n)) + "a"
                        + "".join([")", "]", ")", ""][i % 4] for i in reversed(range(n))), n),
    "operators": lambda n: ("(x 且 " * (n // 2) + "a > 1" + ")" * (n // 2), 2 * (n // 2) + 1),  # paren and 'and' per level
}


@pytest.mark.parametrize(("shape", "levels"), [(s, n) for s in sorted(NESTINGS) for n in (63, 64, 65, 70)] + [("parens", 10_000), ("nots", 10_000)])
def test_deep_nesting(shape, levels):
    expression, depth = NESTINGS[shape](levels)
    text = f'条件 c "t" {{ 当: {expression} }}'
    assert assert_agree(text) is (depth <= parser.MAX_DEPTH)
    problem = assert_parse_agrees(text)
    if depth > parser.MAX_DEPTH:
        assert problem is not None and f"最多 {parser.MAX_DEPTH} 层" in problem.message_zh
    else:
        assert problem is None


def test_very_deep_nesting_declines_by_counting():
    """10,000 levels decline early, well before Python's recursion limit would be hit."""
    for shape in ("parens", "nots", "lists", "mixed"):
        with pytest.raises(fastparse.Decline):
            fastparse.parse_items("x: " + NESTINGS[shape](10_000)[0])


def test_deeply_nested_blocks_go_to_lark():
    text = "a {" * 150 + "x: 1" + "}" * 150
    with pytest.raises(fastparse.Decline):
        fastparse.parse_items(text)
    assert assert_parse_agrees(text) is None


# ---------------------------------------------------------------- which path parse() takes
def test_parse_takes_the_fast_path(monkeypatch):
    def no_lark():
        raise AssertionError("lark was used")

    monkeypatch.setattr(parser, "_parser", no_lark)
    tree, problem = parser.parse('部门 a "A" { 层级: 市 }')
    assert problem is None and tree.items[0].name.text == "a"


def test_fast_false_takes_the_lark_path(monkeypatch):
    fast_calls = []
    monkeypatch.setattr(parser, "parse_items", lambda text: fast_calls.append(text) or [])
    tree, problem = parser.parse('部门 a "A" { 层级: 市 }', fast=False)
    assert problem is None and tree.items[0].name.text == "a"
    assert fast_calls == []


def test_unexpected_failure_falls_back_to_lark(monkeypatch):
    def broken(text):
        raise RuntimeError("bug")

    monkeypatch.setattr(parser, "parse_items", broken)
    tree, problem = parser.parse('部门 a "A" { 层级: 市 }')
    assert problem is None and tree.items[0].name.text == "a"


def test_the_lark_path_keeps_no_depths_between_parses():
    """A parse that stops on too deep a nesting leaves nothing behind for the next one."""
    too_deep, deepest = NESTINGS["parens"](parser.MAX_DEPTH + 1)[0], NESTINGS["parens"](parser.MAX_DEPTH)[0]
    for _ in range(2):
        assert parser.parse(f"x: {too_deep}", fast=False)[1] is not None
        assert parser.parse(f"x: {deepest}", fast=False)[1] is None
