"""Names are shown, never obeyed, in the terminal text of `journey`, `eval` and `test` and in JUnit XML.

A string may hold a line break (a ``\\n`` escape, which the importer writes for multi-line
cells); printed raw, the next line could pass for a CI workflow command such as ``::error``.
"""

from __future__ import annotations

import shutil
from xml.etree import ElementTree

from conftest import EXAMPLES, run_cli

FORGED = "\\n::error file=x.qd,line=1::伪造"  # as written in a rule file: a \n escape inside the string


def _city_with_forged_names(tmp_path):
    root = tmp_path / "city"
    shutil.copytree(EXAMPLES / "city", root)
    for name in ("market.qd", "journeys.qd"):
        path = root / name
        text = path.read_text(encoding="utf-8")
        text = text.replace('"食品经营许可证核发"', f'"食品经营许可证核发{FORGED}"')
        text = text.replace('"我要开餐馆"', f'"我要开餐馆{FORGED}"')
        path.write_text(text, encoding="utf-8")
    return root


def _no_forged_line(output: str) -> None:
    assert all(not line.startswith("::") for line in output.splitlines()), output
    assert "\\n::error" in output  # shown, escaped, on the line it belongs to


def test_journey_text_escapes_line_breaks_in_names(tmp_path):
    root = _city_with_forged_names(tmp_path)
    for lang in ("zh", "en"):
        r = run_cli("journey", str(root), "开办餐馆", "--lang", lang)
        assert r.code == 0, r.output
        _no_forged_line(r.out)


def test_eval_text_and_explanation_escape_line_breaks_in_names(tmp_path):
    root = _city_with_forged_names(tmp_path)
    r = run_cli("eval", str(root), "食品经营许可", "--explain")
    assert r.code in (0, 1), r.output
    _no_forged_line(r.out)


def test_test_report_and_junit_escape_names(tmp_path):
    root = _city_with_forged_names(tmp_path)
    tests = root / "tests" / "market.test.yaml"
    # A case name with a YAML escape: a line break and U+0001, which XML 1.0 cannot hold.
    tests.write_text('- name: "坏名字\\n::error file=y.qd::伪造\\x01"\n  matter: 食品经营许可\n  facts: {}\n  expect: {eligible: 是}\n'
                     + tests.read_text(encoding="utf-8"), encoding="utf-8")
    r = run_cli("test", str(root))
    assert r.code == 1, r.output  # the new case fails: no facts
    assert all(not line.startswith("::") for line in r.out.splitlines()), r.out
    assert "坏名字\\n::error file=y.qd::伪造\\u0001" in r.out
    junit = tmp_path / "junit.xml"
    run_cli("test", str(root), "--junit", str(junit))
    ElementTree.parse(junit)  # well-formed despite U+0001 in a name


def test_a_long_source_line_is_cut_around_the_finding():
    from qingdan.compiler import compile as compile_project
    from qingdan.compiler.report import SHOWN_CHARS, render_text

    result = compile_project({"b.qd": '部门 甲 "' + "x" * 300_000 + '" { 层级: 市; 乱写: 1 }\n'})
    text = render_text(result.diagnostics, result.files)
    source, under = text.splitlines()[1:3]
    assert len(source) < SHOWN_CHARS + 20 and source.startswith("    1 | …") and source.endswith("乱写: 1 }")
    caret = under.index("^")
    shown = source[len("    1 | "):]
    width = sum(2 if ord(c) > 0x2e80 else 1 for c in shown[: shown.index("乱写")])  # 乱写 and ： are wide
    assert caret - len("      | ") == width and under.count("^") == 4


def test_a_source_line_holding_a_control_character_is_shown_escaped():
    from qingdan.compiler import compile as compile_project
    from qingdan.compiler.report import render_text

    result = compile_project({"c.qd": '部门 甲 "标题\x1b[31m红" { 层级: 市 }\n'})
    text = render_text(result.diagnostics, result.files)
    assert "\x1b" not in text and "\\u001b[31m" in text
