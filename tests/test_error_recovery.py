"""Error recovery: one mistake, one error, where the mistake is, saying how to fix it.

An unclosed bracket or string is reported once, at the opener, with the fix; the
declarations of a file with a syntax error do not turn into errors elsewhere; slips in
quantities and GBK-encoded files are explained. The property test deletes closing
characters from the example projects (see ``test_deleting_one_closing_character_gives_one_error_in_that_file``).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from conftest import EXAMPLES

from qingdan.compiler import compile
from qingdan.compiler.diagnostics import Diagnostic, Severity
from qingdan.compiler.sources import read_source
from qingdan.dsl.fastparse import tokenize
from qingdan.dsl.normalize import normalize_source
from qingdan.dsl.parser import parse, parse_recovering
from qingdan.dsl.quantity_hints import chinese_numeral_value

DEPARTMENTS = '部门 市场监管局 "市场监督管理局" {\n  层级: 市\n}\n\n部门 政务服务中心 "政务服务中心" {\n  层级: 市\n}\n'
MATTER = """事项 食品经营许可 "食品经营许可证核发" {
  部门: 市场监管局
  事实 主体类型 "申请人类型": 枚举(企业法人, 个体工商户)
  条件 场所达标 "具有经营场所" {
    当: 主体类型 == 企业法人
  }
  材料 营业执照 "营业执照（副本）" {
    形式: 复印件
  }
  时限 { 法定: 20 工作日; 承诺: 10 工作日 }
  步骤 受理 { 部门: 政务服务中心; 用时: 1 工作日 }
}
"""


def errors(result) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.severity == Severity.error and not d.waived]


def language_errors(sources: dict[str, str]) -> list[Diagnostic]:
    """The syntax errors and unknown references (MATTER alone has findings of the authority checks)."""
    return [d for d in errors(compile(sources)) if d.rule in ("syntax-error", "unknown-reference")]


def one_error(sources: dict[str, str]) -> Diagnostic:
    found = errors(compile(sources))
    assert len(found) == 1, [(d.rule, d.loc, d.message_zh) for d in found]
    return found[0]


def column(text: str, line: int, needle: str) -> int:
    """The 1-based column of ``needle`` on ``line`` of ``text``."""
    return text.split("\n")[line - 1].index(needle) + 1


def without(text: str, needle: str, occurrence: int = 0) -> str:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return text[:at] + text[at + len(needle):]


# ---------------------------------------------------------------- unclosed brackets and strings
def test_a_missing_brace_is_one_error_at_the_opener_with_the_fix_and_where_parsing_gave_up():
    broken = without(MATTER, "  }\n", 0)  # the condition's block loses its '}'
    d = one_error({"deps.qd": DEPARTMENTS, "m.qd": broken})
    assert d.rule == "syntax-error" and (d.loc.file, d.loc.line, d.loc.col) == ("m.qd", 4, column(broken, 4, "{"))
    assert "条件 场所达标" in d.message_zh and "“{”没有对应的“}”" in d.message_zh and "在第 5 行之后补上“}”" in d.message_zh
    assert "never closed" in d.message_en and "add '}' after line 5" in d.message_en
    assert len(d.related) == 1 and d.related[0].loc.line == 12  # the end of the file: where the parser gave up
    assert "gave up" in d.related[0].message("en")


def test_a_one_line_block_missing_its_brace_is_fixed_on_its_line():
    broken = MATTER.replace("承诺: 10 工作日 }", "承诺: 10 工作日")
    d = one_error({"deps.qd": DEPARTMENTS, "m.qd": broken})
    assert (d.loc.line, d.loc.col) == (10, column(broken, 10, "{")) and "在第 10 行末尾补上“}”" in d.message_zh


def test_an_unclosed_parenthesis_and_full_width_one():
    for opener in ("(", "（"):
        broken = MATTER.replace("枚举(企业法人, 个体工商户)", f"枚举{opener}企业法人, 个体工商户")
        d = one_error({"deps.qd": DEPARTMENTS, "m.qd": broken})
        end = len(broken.split("\n")[2]) + 1
        assert (d.loc.line, d.loc.col) == (3, column(broken, 3, opener)), d.message_zh
        assert f"“{opener}”没有对应的“)”" in d.message_zh and f"第 3 行第 {end} 列补上“)”" in d.message_zh


@pytest.mark.parametrize(("broken", "line", "quote"), [
    (MATTER.replace('"食品经营许可证核发" {', '"食品经营许可证核发 {'), 1, '"'),  # closing quote lost
    (MATTER.replace('"食品经营许可证核发" {', '食品经营许可证核发" {'), 1, '"'),  # opening quote lost
    (MATTER.replace('"具有经营场所" {', '“具有经营场所 {'), 4, "“"),  # a Chinese quote
    (MATTER.replace('"营业执照（副本）" {', '营业执照（副本）" {'), 7, '"'),  # full-width brackets left outside
])
def test_an_unclosed_string_is_one_error_at_its_quote_and_the_fix_works(broken, line, quote):
    d = one_error({"deps.qd": DEPARTMENTS, "m.qd": broken})
    assert (d.loc.line, d.loc.col) == (line, column(broken, line, quote)) and "没有配对" in d.message_zh
    fix = re.search(r"请在第 (\d+) 行第 (\d+) 列补上“(.)”", d.message_zh)
    assert fix is not None and int(fix[1]) == line, d.message_zh
    lines = broken.split("\n")
    at = int(fix[2]) - 1
    lines[line - 1] = lines[line - 1][:at] + fix[3] + lines[line - 1][at:]
    assert parse("\n".join(lines))[1] is None  # doing what the message says makes the file parse


def test_a_closer_without_opener():
    d = one_error({"deps.qd": DEPARTMENTS + "}\n"})
    assert (d.loc.line, d.loc.col) == (8, 1) and "多余的“}”" in d.message_zh and "closes nothing" in d.message_en


def test_two_unclosed_blocks_are_two_errors_and_the_rest_still_parses():
    text = '部门 a "A" {\n  层级: 市\n部门 b "B" {\n  层级: 市\n}\n部门 c "C" {\n  层级: 市\n'
    tree, problems = parse_recovering(text)
    assert [(p.span.line, p.span.col) for p in problems] == [(1, 10), (6, 10)]
    assert [b.name.text for b in tree.items] == ["a", "b", "c"]


def test_the_repaired_tree_keeps_the_declarations_and_both_parsers_agree():
    broken = without(MATTER, "  }\n", 1)  # the material's block loses its '}'
    fast_tree, fast_problems = parse_recovering(broken, "m.qd", fast=True)
    lark_tree, lark_problems = parse_recovering(broken, "m.qd", fast=False)
    assert fast_tree == lark_tree and fast_problems == lark_problems and len(fast_problems) == 1
    (matter,) = fast_tree.items
    assert [m.kind.text for m in matter.body if hasattr(m, "kind")] == ["事实", "条件", "材料", "时限", "步骤"]


def test_a_syntax_error_that_is_no_bracket_is_reported_as_before():
    tree, problems = parse_recovering('部门 a "A" {\n  层级: : 市\n}\n')
    assert len(problems) == 1 and (problems[0].span.line, problems[0].span.col) == (2, 7) and problems[0].related == []


# ---------------------------------------------------------------- consequences elsewhere
def test_names_a_broken_file_may_declare_are_not_unknown_elsewhere():
    broken = DEPARTMENTS.replace('"政务服务中心" {\n  层级: 市', '"政务服务中心" {\n  层级: : 市')
    tree, _ = parse_recovering(broken)
    assert [b.name.text for b in tree.items] == ["市场监管局"]  # the broken declaration is lost
    lost = {"deps.qd": DEPARTMENTS.split("\n\n")[0], "m.qd": MATTER}
    assert [d.rule for d in language_errors(lost)] == ["unknown-reference"]  # what it would cause
    assert [(d.rule, d.loc.file, d.loc.line) for d in language_errors({"deps.qd": broken, "m.qd": MATTER})] == [
        ("syntax-error", "deps.qd", 6)]


def test_a_name_the_broken_file_does_not_contain_is_still_unknown():
    broken = DEPARTMENTS.replace('"政务服务中心" {\n  层级: 市', '"政务服务中心" {\n  层级: : 市')
    found = language_errors({"deps.qd": broken, "m.qd": MATTER.replace("部门: 市场监管局", "部门: 办证大厅")})
    assert sorted((d.rule, d.loc.file) for d in found) == [("syntax-error", "deps.qd"), ("unknown-reference", "m.qd")]
    assert "办证大厅" in next(d for d in found if d.rule == "unknown-reference").message_zh


def test_a_check_finding_about_a_name_in_the_broken_file_waits_for_the_file_to_parse():
    power = ('权力 许可权 "某许可" {\n  编码: "331100-XK-0101"\n  类别: 行政许可\n  部门: 市场监管局\n'
             '  依据: 某法.第一条\n  状态: 保留\n}\n法规 某法 "某法" {\n  条 第一条 "第一条"\n}\n')
    responsibility = '责任 许可责任 {\n  权力: 许可权\n  监管部门: 市场监管局\n}\n'
    sources = {"deps.qd": DEPARTMENTS, "powers.qd": power, "r.qd": responsibility}

    def rules(project):
        return sorted({d.rule for d in errors(compile(project))} - {"approval-outside-list"})

    assert "power-without-responsibility" not in rules(sources)
    assert "power-without-responsibility" in rules({**sources, "r.qd": "# 还没写\n"})
    assert rules({**sources, "r.qd": responsibility.replace("  权力: 许可权", "  权力: : 许可权")}) == ["syntax-error"]


# ---------------------------------------------------------------- the property
def _closing_characters(text: str, chars: str) -> list[tuple[int, int]]:
    """(offset, line) of each '}' / ')' token and of both quotes of each string, outside comments."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    kinds, tokens = tokenize(normalize_source(text))
    out = []
    for kind, (token, line, col, _end) in zip(kinds, tokens):
        offset = starts[line - 1] + col - 1
        if kind in ("}", ")") and kind in chars:
            out.append((offset, line))
        elif kind == "STRING" and '"' in chars:
            out += [(offset, line), (offset + len(token) - 1, line)]
    return out


def _project(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.suffix == ".qd" or p.name == "qingdan.toml"}


def _key(d: Diagnostic):
    return (d.rule, d.loc, d.text)


@pytest.mark.slow
@pytest.mark.parametrize(("project", "per_kind"), [("city", 16), ("defects", 8)])
def test_deleting_one_closing_character_gives_one_error_in_that_file(project, per_kind):
    """Delete one '}', ')' or string quote (full-width forms included) from an example project.

    For each kind, ``per_kind`` deletions drawn with a fixed seed from every position in
    every rule file (code only: a '}' inside a string or comment changes nothing).
    ``benchmarks/error_recovery.py`` runs every position. The assertion, against the
    diagnostics of the unchanged project (the baseline; examples/defects has findings):

    - in the edited file, exactly one error that the baseline does not have: a syntax
      error, on a line from the start of the top-level declaration holding the deleted
      character to the deleted character's line;
    - in every other file, no error that the baseline does not have.
    """
    sources = _project(EXAMPLES / project)
    baseline = errors(compile(sources))
    rng = random.Random(13)
    cases = []
    for chars in ("}", ")", '"'):
        positions = [(rel, off, line) for rel, text in sources.items() if rel.endswith(".qd")
                     for off, line in _closing_characters(text, chars)]
        cases += rng.sample(positions, min(per_kind, len(positions)))
    failures = []
    for rel, off, line in cases:
        text = sources[rel]
        tree, _ = parse(text, rel)
        start = next(item.span.line for item in tree.items if item.span.line <= line <= item.span.end_line)
        found = errors(compile({**sources, rel: text[:off] + text[off + 1:]}))
        known = {_key(d) for d in baseline}
        new = [d for d in found if _key(d) not in known]
        mine = [d for d in new if d.loc and d.loc.file == rel]
        elsewhere = [d for d in new if not (d.loc and d.loc.file == rel)]
        if not (len(mine) == 1 and mine[0].rule == "syntax-error" and start <= mine[0].loc.line <= line and not elsewhere):
            failures.append((rel, line, text[off], [(d.rule, d.loc, d.message_zh) for d in new]))
    assert not failures, failures


def test_one_missing_brace_in_the_city_example_is_one_error():
    """The case of issue 13: a '}' deleted from the first department of examples/city."""
    sources = _project(EXAMPLES / "city")
    text = sources["departments.qd"]
    at = text.index("}\n")
    d = one_error({**sources, "departments.qd": text[:at] + text[at + 1:]})
    assert d.loc.file == "departments.qd" and d.rule == "syntax-error" and "没有对应的“}”" in d.message_zh


# ---------------------------------------------------------------- quantities
TIME_LIMIT = '部门 局 "某局" { 层级: 市 }\n事项 x "某审批" {\n  部门: 局\n  时限 { 法定: {v}; 承诺: 10 工作日 }\n}\n'
TIME_LIMIT_LINES = '部门 局 "某局" { 层级: 市 }\n事项 x "某审批" {\n  部门: 局\n  时限 {\n    法定: {v}\n    承诺: 10 工作日\n  }\n}\n'


@pytest.mark.parametrize("template", [TIME_LIMIT, TIME_LIMIT_LINES])
def test_chinese_numerals_say_to_write_digits(template):
    text = template.replace("{v}", "二十 工作日")
    d = one_error({"a.qd": text})
    assert d.rule == "syntax-error" and (d.loc.line, d.loc.col) == (text.count("\n", 0, text.index("二十")) + 1,
                                                                    column(text, d.loc.line, "二十"))
    assert d.message_zh == "数字要用阿拉伯数字书写：把“二十”写成“20”"
    assert d.message_en == "numbers are written in digits: write '20' instead of '二十'"
    assert d.suggestion == "20"


@pytest.mark.parametrize("template", [TIME_LIMIT, TIME_LIMIT_LINES])
def test_a_misspelt_unit_is_one_error_suggesting_the_unit(template):
    text = template.replace("{v}", "20 工作曰")
    d = one_error({"a.qd": text})
    assert d.rule == "syntax-error" and d.loc.col == column(text, d.loc.line, "工作曰") and d.suggestion == "工作日"
    assert d.message_zh == "数字后面的“工作曰”不是单位，是不是“工作日”？"
    assert d.message_en == "'工作曰' after the number is not a unit; did you mean '工作日'?"


def test_a_word_after_a_number_far_from_any_unit_lists_the_units():
    d = one_error({"a.qd": TIME_LIMIT.replace("{v}", "20 礼拜")})
    assert "可用的单位：工作日、自然日" in d.message_zh and "(units: working_days, natural_days" in d.message_en


def test_numerals_written_together_with_a_unit_are_a_name_not_a_slip():
    # 三次 may name something (an importer writes such names); only numerals *before a unit* are a slip
    _tree, problems = parse_recovering('部门 三次 "某局" { 层级: 市 }\n')
    assert problems == []


def test_numerals_and_words_in_strings_and_comments_are_left_alone():
    text = TIME_LIMIT_LINES.replace("{v}", '20 工作日  # 二十 工作日，20 工作曰').replace('"某审批"', '"二十 工作日内 20 工作曰"')
    _tree, problems = parse_recovering(text)
    assert problems == []


@pytest.mark.parametrize(("numeral", "value"), [
    ("十", 10), ("二十", 20), ("十五", 15), ("两", 2), ("一百零五", 105), ("三百", 300), ("廿", 20),
    ("两万", 20000), ("三万五千", 35000), ("二〇二四", 2024), ("十百", None), ("二三十", None), ("万", None),
])
def test_chinese_numeral_values(numeral, value):
    assert chinese_numeral_value(numeral) == value


# ---------------------------------------------------------------- encodings
def test_a_gbk_file_is_named_and_the_conversion_given(tmp_path):
    path = tmp_path / "市场.qd"
    path.write_bytes(DEPARTMENTS.encode("gb18030"))
    text, problem = read_source(path, "市场.qd")
    assert text is None and problem is not None and problem.rule == "unreadable-file"
    assert "GBK/GB18030" in problem.message_zh and "GBK/GB18030" in problem.message_en
    assert "iconv -f GB18030 -t UTF-8 市场.qd > 市场.qd.utf8 && mv 市场.qd.utf8 市场.qd" in problem.message_zh
    assert (problem.loc.line, problem.loc.col) == (1, 1)  # the first byte is not UTF-8


def test_a_binary_file_is_not_called_gbk(tmp_path):
    path = tmp_path / "x.qd"
    path.write_bytes(b"\xff\xfe\x00\x01" * 8)
    _text, problem = read_source(path, "x.qd")
    assert problem is not None and "GBK" not in problem.message_zh and "UTF-8" in problem.message_zh
