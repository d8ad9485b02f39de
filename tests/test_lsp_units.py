"""The language server's parts on their own: positions, the index, the typing context, the quick per-file findings."""

from __future__ import annotations

from pathlib import Path

from lsp_support import write_workspace

from qingdan.lsp.completion import read_context
from qingdan.lsp.index import index_text
from qingdan.lsp.positions import UTF8, UTF16, UTF32, LineTable
from qingdan.lsp.project import Project


def test_columns_count_code_units_of_the_clients_encoding():
    text = '事项 x "𠀀甲" { 部门: 乙 }'
    col = text.index("乙") + 1  # 1-based code points
    assert LineTable(text, UTF32).to_client(1, col).character == col - 1
    assert LineTable(text, UTF16).to_client(1, col).character == col  # 𠀀 is two UTF-16 units
    assert LineTable(text, UTF8).to_client(1, col).character == len(text[: col - 1].encode("utf-8"))
    for enc in (UTF8, UTF16, UTF32):
        table = LineTable(text, enc)
        point = table.to_client(1, col)
        assert table.from_client(point.line, point.character) == (1, col)


def test_the_index_splits_citations_and_resolves_expression_names_in_their_matter():
    ix = index_text("a.qd", '事项 m "M" {\n  依据: 法.第一条\n  事实 面积 "面积": 数字\n  条件 c "C" { 当: 面积 >= 20 且 人数 > 3 }\n}\n')
    keys = [r.keys[0] for r in ix.references]
    assert ("law", "", "法") in keys and ("article", "法", "第一条") in keys
    assert ("fact", "m", "面积") in keys
    assert [(mf.name, mf.type_text, mf.insert_line) for mf in ix.missing_facts] == [("人数", "数字", 4)]


def test_the_typing_context_survives_unfinished_text():
    ctx = read_context('事项 m "M" {\n  材料 a "甲；乙" {\n    来源: 产出(')
    assert [k for k, _ in ctx.blocks] == ["matter", "material"]
    assert ctx.key == "来源" and ctx.value.strip() == "产出("
    ctx = read_context('事项 m "M" {\n  # 部门: x\n  ')
    assert ctx.key is None and [k for k, _ in ctx.blocks] == ["matter"]


def test_quick_findings_leave_names_of_other_files_to_the_project_compile(tmp_path: Path):
    project = Project(write_workspace(tmp_path / "w"), True)
    text = project.text("matters.qd")
    assert text is not None
    project.set_open("matters.qd", text.replace("当: 经营面积 >= 20", "当: 经营面积 >= 20 且 人数 > 1"))
    found = project.quick_diagnostics("matters.qd", project.index("matters.qd"))
    # 市场监管局, 食品安全法 … are declared in other files: not reported; 人数 is nowhere in the matter: reported
    assert [(d.rule, d.loc.line) for d in found if d.loc] == [("unknown-reference", 19)]
