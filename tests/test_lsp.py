"""``qingdan lsp`` end to end: a real client (pytest-lsp) drives the server over stdio."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import SERVER_COMMAND, apply_edits, position_of, wait_for, write_workspace
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from qingdan.dsl.formatter import format_source

pytestmark = pytest.mark.asyncio(loop_scope="function")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "青川")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, workspace: Path):
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="青川")],
        root_uri=workspace.as_uri(),
        initialization_options={"debounceMs": 20},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


class Doc:
    """An open document: its URI and the text the client holds."""

    def __init__(self, client: LanguageClient, path: Path, text: str | None = None) -> None:
        self.client, self.path, self.uri = client, path, path.as_uri()
        self.text = path.read_text(encoding="utf-8") if text is None else text
        self.version = 1
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(uri=self.uri, language_id="qingdan", version=1, text=self.text)))

    def change(self, text: str) -> None:
        self.client.diagnostics.pop(self.uri, None)
        self.text = text
        self.version += 1
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))

    def at(self, needle: str, nth: int = 0, offset: int = 0) -> lsp.TextDocumentPositionParams:
        return lsp.TextDocumentPositionParams(text_document=lsp.TextDocumentIdentifier(uri=self.uri), position=position_of(self.text, needle, nth, offset))

    async def diagnostics(self, predicate=lambda ds: True) -> list[lsp.Diagnostic]:
        """The diagnostics published for this document, once ``predicate`` holds for them."""
        try:
            await wait_for(lambda: self.uri in self.client.diagnostics and predicate(self.client.diagnostics[self.uri]))
        except AssertionError as e:
            shown = [(d.code, d.range, d.message) for d in self.client.diagnostics.get(self.uri, [])]
            raise AssertionError(f"{e}; the diagnostics shown: {shown} (of {sorted(self.client.diagnostics)})") from None
        return self.client.diagnostics[self.uri]


def codes(diags: list[lsp.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diags)


async def hover_text(client: LanguageClient, where: lsp.TextDocumentPositionParams) -> str:
    result = await client.text_document_hover_async(lsp.HoverParams(text_document=where.text_document, position=where.position))
    assert result is not None
    assert isinstance(result.contents, lsp.MarkupContent)
    return result.contents.value


# ---------------------------------------------------------------- diagnostics


async def test_diagnostics_carry_code_docs_link_and_location(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    diags = await doc.diagnostics(lambda ds: bool(ds))
    assert codes(diags) == ["QD103"]
    d = diags[0]
    assert d.severity == lsp.DiagnosticSeverity.Error
    assert d.code_description is not None
    assert d.code_description.href == "https://qingdan.example/docs/checks/rules/power-without-responsibility/"
    assert d.range == lsp.Range(start=position_of(doc.text, "食品经营许可权"), end=position_of(doc.text, "食品经营许可权", offset=7))
    assert "没有责任清单条目" in d.message  # the project's language: zh


async def test_related_locations_point_into_other_files(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "departments.qd")
    await doc.diagnostics()
    doc.change(doc.text + '\n部门 市场监管局 "重复的部门" {\n  层级: 市\n}\n')
    diags = await doc.diagnostics(lambda ds: "QD005" in codes(ds))
    dup = next(d for d in diags if d.code == "QD005")
    assert dup.range.start.line == 9
    assert dup.related_information and dup.related_information[0].location.uri == doc.uri
    assert dup.related_information[0].location.range.start == lsp.Position(line=0, character=3)


async def test_syntax_error_is_located_and_the_rest_of_the_file_still_works(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    broken = doc.text.replace("事项 食品经营许可", '部门 坏的 "缺少冒号" {\n  层级 市\n}\n\n事项 食品经营许可')
    doc.change(broken)
    diags = await doc.diagnostics(lambda ds: "QD001" in codes(ds))
    syntax = next(d for d in diags if d.code == "QD001")
    assert syntax.range.start.line == 7
    # the declarations after the broken one are still indexed: hover and definition work
    text = await hover_text(client, doc.at("经营面积 >="))
    assert "数字" in text
    found = await client.text_document_definition_async(lsp.DefinitionParams(text_document=doc.at("政务中心").text_document, position=doc.at("政务中心").position))
    assert found and found[0].uri == (workspace / "departments.qd").as_uri()


async def test_positions_count_utf16_units_for_characters_outside_the_bmp(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "extra.qd", "")  # not on disk: an unsaved buffer
    doc.change('事项 生僻字 "𠀀𠀁事项" { 部门: 市场监管句 }\n')
    diags = await doc.diagnostics(lambda ds: "QD004" in codes(ds))
    d = next(d for d in diags if d.code == "QD004")
    assert d.range.start == position_of(doc.text, "市场监管句")
    assert d.range.start.character == len('事项 生僻字 "𠀀𠀁事项" { 部门: '.encode("utf-16-le")) // 2
    assert d.range.end.character - d.range.start.character == 5
    assert "是不是“市场监管局”" in d.message


async def test_a_rule_file_outside_any_project_is_checked_alone(client: LanguageClient, tmp_path: Path):
    lone = tmp_path / "单独" / "lone.qd"
    lone.parent.mkdir()
    lone.write_text("部门 x {\n  层级: 火星\n}\n", encoding="utf-8")
    doc = Doc(client, lone)
    diags = await doc.diagnostics(lambda ds: bool(ds))
    assert "QD007" in codes(diags)


# ---------------------------------------------------------------- hover


async def test_hover_on_a_matter_shows_title_department_level_and_basis_with_article_text(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    text = await hover_text(client, doc.at("食品经营许可 \"", offset=2))
    assert text.startswith("**事项 matter** 食品经营许可 — 食品经营许可证核发")
    assert "市场监管局（青川市市场监督管理局）" in text
    assert "层级 level: 市 city" in text
    assert "《中华人民共和国食品安全法》第三十五条：国家对食品生产经营实行许可制度。" in text


async def test_hover_on_a_fact_an_article_and_a_department_reference(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    fact = await hover_text(client, doc.at("主体类型 == 企业法人"))
    assert "枚举 enum（企业法人、个体工商户）" in fact and "申请人类型" in fact
    article = await hover_text(client, doc.at("第三十五条", nth=1))
    assert "国家对食品生产经营实行许可制度" in article
    dept = await hover_text(client, doc.at("政务中心"))
    assert "青川市政务服务中心" in dept


async def test_hover_on_keywords_gives_both_languages(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    limits = await hover_text(client, doc.at("时限 {"))
    assert "**时限** / **limits**" in limits and "法定办结时限" in limits and "statutory and promised time limits" in limits
    field = await hover_text(client, doc.at("到场"))
    assert "visits" in field and "“事项”的字段“到场”" in field
    unit = await hover_text(client, doc.at("工作日"))
    assert "working days" in unit and "工作日" in unit
    operator = await hover_text(client, doc.at("且"))
    assert "and" in operator and "两边的条件都成立" in operator
    assert await client.text_document_hover_async(lsp.HoverParams(text_document=doc.at("公司章程").text_document, position=doc.at("公司章程").position)) is None


# ---------------------------------------------------------------- navigation


async def test_definition_and_references_across_files(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    where = doc.at("市场监管局", nth=1)
    found = await client.text_document_definition_async(lsp.DefinitionParams(text_document=where.text_document, position=where.position))
    departments = (workspace / "departments.qd").as_uri()
    assert [(x.uri, x.range.start) for x in found] == [(departments, lsp.Position(line=0, character=3))]
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=where.text_document, position=where.position, context=lsp.ReferenceContext(include_declaration=True)))
    assert sorted((r.uri.rsplit("/", 1)[1], r.range.start.line) for r in refs) == [("departments.qd", 0), ("matters.qd", 2), ("matters.qd", 8)]
    article = doc.at("第三十五条")
    found = await client.text_document_definition_async(lsp.DefinitionParams(text_document=article.text_document, position=article.position))
    assert [(x.uri, x.range.start.line) for x in found] == [((workspace / "laws.qd").as_uri(), 2)]
    refs = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=article.text_document, position=article.position, context=lsp.ReferenceContext(include_declaration=False)))
    assert len(refs) == 3
    option = doc.at("企业法人", nth=1)  # in an expression: the option of the enum fact
    found = await client.text_document_definition_async(lsp.DefinitionParams(text_document=option.text_document, position=option.position))
    assert [x.range.start for x in found] == [position_of(doc.text, "企业法人")]


async def test_document_symbols_and_workspace_symbols_by_chinese_name(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    outline = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=doc.uri)))
    assert [s.name for s in outline] == ["食品经营许可权", "食品经营许可"]
    matter = outline[1]
    assert isinstance(matter, lsp.DocumentSymbol) and matter.children is not None
    assert [c.name for c in matter.children] == ["食品经营许可证", "经营面积", "主体类型", "场所达标", "章程", "受理"]
    found = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="许可证"))
    names = [s.name for s in found]
    assert "食品经营许可 食品经营许可证核发" in names and "食品经营许可证" in names
    found = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="监督管理局"))
    assert [(s.name, s.location.uri.rsplit("/", 1)[1]) for s in found] == [("市场监管局 青川市市场监督管理局", "departments.qd")]


# ---------------------------------------------------------------- completion


async def complete(client: LanguageClient, doc: Doc, text: str, marker: str = "‸") -> list[str]:
    """The labels offered at ``marker`` in ``text`` (the marker is removed first)."""
    at = text.index(marker)
    doc.change(text.replace(marker, ""))
    before = doc.text[:at]
    line = before.count("\n")
    character = len(before[before.rfind("\n") + 1:].encode("utf-16-le")) // 2
    result = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=doc.uri), position=lsp.Position(line=line, character=character)))
    assert result is not None
    items = result.items if isinstance(result, lsp.CompletionList) else result
    return [i.label for i in items]


async def test_completion_offers_what_the_cursor_position_allows(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    base = doc.text
    fields = await complete(client, doc, base.replace("  到场: 1 次\n", "  到场: 1 次\n  ‸\n"))
    assert {"名称", "编码", "收费", "事实", "材料", "时限"} <= set(fields) and "department" not in fields
    assert "层级" in fields and "状态" not in fields  # a matter's fields, not a power's
    depts = await complete(client, doc, base.replace("  权力: 食品经营许可权\n  部门: 市场监管局", "  权力: 食品经营许可权\n  部门: ‸"))
    assert set(depts) == {"市场监管局", "政务中心"}
    articles = await complete(client, doc, base.replace("  依据: 食品安全法.第三十五条\n  到场", "  依据: 食品安全法.‸\n  到场"))
    assert articles == ["第三十五条"]
    levels = await complete(client, doc, base.replace("  到场: 1 次\n", "  到场: 1 次\n  层级: ‸\n"))
    assert levels == ["省", "市", "县", "乡"]
    units = await complete(client, doc, base.replace("法定: 20 工作日", "法定: 20 ‸"))
    assert units == ["工作日", "自然日", "小时"]
    limit_words = await complete(client, doc, base.replace("法定: 20 工作日", "法定: ‸"))
    assert limit_words == ["无", "即办"]  # the words a limit may take instead of a duration
    options = await complete(client, doc, base.replace("仅当: 主体类型 == 企业法人", "仅当: 主体类型 == ‸"))
    assert {"企业法人", "个体工商户", "经营面积", "且", "或"} <= set(options)
    sources = await complete(client, doc, base.replace('材料 章程 "公司章程" {', '材料 章程 "公司章程" {\n    来源: 产出(‸)'))
    assert sources == ["食品经营许可证"]


async def test_completion_uses_the_files_keyword_language(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "english.qd", "")
    labels = await complete(client, doc, 'department office "Office" {\n  level: city\n}\n\nmatter m "M" {\n  ‸\n}\n')
    assert {"department", "power", "fee", "fact", "material"} <= set(labels) and "部门" not in labels
    levels = await complete(client, doc, 'department office "Office" {\n  level: ‸\n}\n')
    assert levels == ["province", "city", "county", "township"]


# ---------------------------------------------------------------- edits


async def code_actions(client: LanguageClient, doc: Doc, diag: lsp.Diagnostic) -> list[lsp.CodeAction]:
    result = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=doc.uri), range=diag.range, context=lsp.CodeActionContext(diagnostics=[diag])))
    assert result is not None
    return [a for a in result if isinstance(a, lsp.CodeAction)]


def edits_for(action: lsp.CodeAction, uri: str) -> list[lsp.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])


async def test_code_action_applies_the_did_you_mean(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    doc.change(doc.text.replace("  权力: 食品经营许可权\n  部门: 市场监管局", "  权力: 食品经营许可权\n  部门: 市场监管句"))
    diags = await doc.diagnostics(lambda ds: "QD004" in codes(ds))
    typo = next(d for d in diags if d.code == "QD004")
    actions = await code_actions(client, doc, typo)
    fix = next(a for a in actions if "市场监管局" in a.title)
    assert fix.is_preferred
    fixed = apply_edits(doc.text, edits_for(fix, doc.uri))
    assert fixed == (workspace / "matters.qd").read_text(encoding="utf-8")
    doc.change(fixed)
    await doc.diagnostics(lambda ds: "QD004" not in codes(ds))


async def test_code_action_inserts_a_waiver_with_a_reason_placeholder(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    diags = await doc.diagnostics(lambda ds: bool(ds))
    actions = await code_actions(client, doc, diags[0])
    waive = next(a for a in actions if a.title.startswith("豁免 power-without-responsibility"))
    waived = apply_edits(doc.text, edits_for(waive, doc.uri))
    assert waived.startswith("# 豁免 power-without-responsibility: 【请写明接受这个问题的理由】\n权力 食品经营许可权")
    doc.change(waived)
    await doc.diagnostics(lambda ds: not ds)


async def test_code_action_declares_a_missing_fact(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    doc.change(doc.text.replace("当: 经营面积 >= 20", "当: 经营面积 >= 20 且 年营业额 > 100"))
    diags = await doc.diagnostics(lambda ds: "QD004" in codes(ds))
    missing = next(d for d in diags if d.code == "QD004")
    actions = await code_actions(client, doc, missing)
    declare = next(a for a in actions if "声明事实“年营业额”" in a.title)
    declared = apply_edits(doc.text, edits_for(declare, doc.uri))
    assert '  事实 主体类型 "申请人类型": 枚举(企业法人, 个体工商户)\n  事实 年营业额 "年营业额": 数字\n' in declared
    doc.change(declared)
    await doc.diagnostics(lambda ds: codes(ds) == ["QD103"])


async def test_code_action_writes_the_field_a_finding_asks_for(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "more.qd", "")
    doc.change('事项 食品经营许可变更 "食品经营许可证变更" {\n  部门: 市场监管局\n  材料 原证 "食品经营许可证" {\n    来源: 申请人\n    形式: 原件\n  }\n}\n')
    diags = await doc.diagnostics(lambda ds: "QD202" in codes(ds))
    shareable = next(d for d in diags if d.code == "QD202")
    actions = await code_actions(client, doc, shareable)
    write = next(a for a in actions if a.title.startswith("写入“来源: 产出(食品经营许可证)”"))
    fixed = apply_edits(doc.text, edits_for(write, doc.uri))
    assert '    来源: 产出(食品经营许可证)\n    形式: 原件\n' in fixed and "申请人" not in fixed
    doc.change(fixed)
    await doc.diagnostics(lambda ds: "QD202" not in codes(ds))


async def test_formatting_returns_the_formatter_output(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "departments.qd")
    messy = '部门   市场监管局 "青川市市场监督管理局"{层级：市；区划: "331100"}\n部门 政务中心 "青川市政务服务中心" {\n      层级: 市\n}'
    doc.change(messy)
    await doc.diagnostics()
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=doc.uri), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert edits is not None
    assert apply_edits(messy, edits) == format_source(messy)
    doc.change(messy + "\n部门 {")
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=doc.uri), options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))
    assert not edits  # a syntax error: nothing to format


async def test_rename_across_files(client: LanguageClient, workspace: Path):
    doc = Doc(client, workspace / "matters.qd")
    await doc.diagnostics(lambda ds: bool(ds))
    where = doc.at("市场监管局")
    prepared = await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(text_document=where.text_document, position=where.position))
    assert isinstance(prepared, lsp.PrepareRenamePlaceholder) and prepared.placeholder == "市场监管局"
    edit = await client.text_document_rename_async(lsp.RenameParams(text_document=where.text_document, position=where.position, new_name="市监局"))
    assert edit is not None and edit.changes is not None
    departments = workspace / "departments.qd"
    assert sorted(edit.changes) == sorted([doc.uri, departments.as_uri()])
    renamed = apply_edits(doc.text, list(edit.changes[doc.uri]))
    assert renamed.count("市监局") == 2 and "市场监管局" not in renamed
    dept_text = apply_edits(departments.read_text(encoding="utf-8"), list(edit.changes[departments.as_uri()]))
    assert dept_text.startswith('部门 市监局 "青川市市场监督管理局"')
    with pytest.raises(Exception, match="不能作名称"):
        await client.text_document_rename_async(lsp.RenameParams(text_document=where.text_document, position=where.position, new_name="市 监局"))


async def test_server_exits_cleanly(client: LanguageClient):
    assert sys.executable  # the fixture's shutdown_session sends shutdown and exit; the process must end
