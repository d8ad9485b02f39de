"""The grammar: blocks, fields, values, expressions, Chinese punctuation and spans."""

from decimal import Decimal

from qingdan.dsl import ast
from qingdan.dsl.normalize import normalize_source
from qingdan.dsl.parser import MAX_DEPTH, parse, parse_recovering


def only(text):
    tree, problem = parse(text)
    assert problem is None, problem
    return tree.items


def test_block_with_name_title_and_fields():
    (b,) = only('部门 市场监管局 "某市市场监督管理局" {\n  层级: 市\n  区划: "330100"\n}\n')
    assert (b.kind.text, b.name.text, b.title.value) == ("部门", "市场监管局", "某市市场监督管理局")
    assert [f.key.text for f in b.body] == ["层级", "区划"]
    assert b.span == ast.Span(1, 1, 4, 2)
    assert b.body[1].values[0].span == ast.Span(3, 7, 3, 15)


def test_full_width_punctuation_is_accepted_outside_strings():
    (b,) = only("事项 甲 「标题：保留（全角）」｛\n  对象：企业法人、个体工商户；到场：１ 次\n｝")
    assert b.title.value == "标题：保留（全角）"
    applicants, visits = b.body
    assert [v.text for v in applicants.values] == ["企业法人", "个体工商户"]
    assert visits.values[0].amount.value == Decimal(1) and visits.values[0].unit == "times"


def test_normalization_preserves_length_and_strings():
    text = '对象：甲、乙 "（不变）" # 注释：不变'
    norm = normalize_source(text)
    assert len(norm) == len(text)
    assert norm == '对象:甲,乙 "（不变）" # 注释：不变'


def test_quantities_without_space_and_units():
    (b,) = only("时限 { 法定: 20工作日; 承诺: 10 个工作日; x: 4 小时; y: 50 元 }")
    units = [f.values[0].unit for f in b.body]
    assert units == ["working_days", "working_days", "hours", "yuan"]


def test_expression_precedence_and_keywords_in_both_languages():
    (b,) = only("条件 c \"t\" { 当: a >= 1 且 b 或 not c 属于 [x, y] and d 不 属于 [z] }")
    expr = b.body[0].values[0]
    assert isinstance(expr, ast.BoolOp) and expr.op == "or"
    left, right = expr.items
    assert left.op == "and" and right.op == "and"
    assert isinstance(right.items[0], ast.Not) and isinstance(right.items[0].operand, ast.Member)
    assert right.items[1].negated is True


def test_chinese_comparison_words():
    (b,) = only("条件 c \"t\" { 当: 年龄 不小于 18 且 收入 低于 3000 }")
    ops = [i.op for i in b.body[0].values[0].items]
    assert ops == ["ge", "lt"]


def test_keyword_prefix_is_an_identifier():
    # "andrew" and "且慢" start with keywords but are names
    (b,) = only("x y { 当: andrew 且 且慢 }")
    items = b.body[0].values[0].items
    assert [i.text for i in items] == ["andrew", "且慢"]


def test_chain_and_dates_and_dotted_refs():
    (b,) = only("一件事 j { 先后: a -> b → c, d -> e; 生效: 2024-01-31; 依据: 法.第一条 }")
    order, date, basis = b.body
    assert [len(c.items) for c in order.values] == [3, 2]
    assert date.values[0].text == "2024-01-31"
    assert [p.text for p in basis.values[0].parts] == ["法", "第一条"]


def test_short_and_bare_declarations():
    items = only('法规 l "x" { 条款 第一条 "内容" 条款 第二条 }\n事实 f "标签": 枚举(a, b)')
    law, fact = items
    assert [c.name.text for c in law.body] == ["第一条", "第二条"]
    assert isinstance(fact.values[0], ast.Call)


def test_comments_are_collected_not_parsed():
    tree, problem = parse('# 头\n部门 a { 层级: 市 # 尾 "不是字符串"\n}\n')
    assert problem is None
    assert [(c.line, c.col, c.text) for c in tree.comments] == [(1, 1, "# 头"), (2, 14, '# 尾 "不是字符串"')]


def test_hash_inside_string_is_not_a_comment():
    tree, _ = parse('部门 a "#1号" {}')
    assert tree.comments == []


def test_syntax_error_is_located_and_explained():
    _, problem = parse('部门 a {\n  层级: }\n}')
    assert problem.span.line == 2 and problem.span.col == 7
    assert "应为" in problem.message_zh and "expected" in problem.message_en


def test_missing_brace_at_end_of_file():
    _, problem = parse("部门 a {\n  层级: 市\n")
    assert "}" in problem.message_zh


def test_unclosed_quote():
    _, problem = parse('部门 a "未闭合 {\n}')
    assert problem.span.line == 1 and "引号" in problem.message_zh


def test_deep_nesting_is_an_error_not_a_crash():
    deep = "(" * 10000 + "a" + ")" * 10000
    _, problem = parse(f"条件 c \"t\" {{ 当: {deep} }}")
    assert problem is not None and str(MAX_DEPTH) in problem.message_zh
    nots = "非 " * 5000 + "a"
    _, problem = parse(f"条件 c \"t\" {{ 当: {nots} }}")
    assert problem is not None


def test_recovery_reports_each_broken_declaration_and_keeps_the_rest():
    text = '部门 a "A" {\n  层级: 市\n}\n\n部门 b "B" {\n  层级: : 市\n}\n\n部门 c "C" {\n  上级: a\n}\n\n部门 d "D" {\n  上级: b\n'
    tree, problems = parse_recovering(text)
    assert [b.name.text for b in tree.items] == ["a", "c", "d"]  # d: its missing '}' put back
    assert [(p.span.line, p.span.col) for p in problems] == [(6, 7), (13, 10)]
    assert problems[1].related == []  # where the parser gave up is the first problem, reported on its own
