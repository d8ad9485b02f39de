"""Issue 15, "nothing lost, nothing injected": hostile inputs and outputs of ``qingdan import``.

- ``--force`` replaces only an empty directory or one an import wrote (its marker file
  lists every file), never a rule project, a home directory or the input's own folder,
  and no symbolic link fools it;
- a JSON line with ``Infinity``, ``1e400``, a 5,000-digit number or 100,000-deep nesting
  is reported with its line number and the rest of the file is imported;
- XLSX formulas (with or without a saved result) and cells outside the heading's
  columns are reported with their cell, never dropped silently;
- control and bidirectional characters never reach a rule file raw: they are removed
  and reported once per field.
"""

from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from test_import_support import compiled, report

from qingdan.importers import writer
from qingdan.importers.gov_json import GovJsonReader, read_gov_json
from qingdan.importers.records import ValueProblem, clean, duration_text, parse_duration, parse_visits
from qingdan.importers.table import read_table
from qingdan.importers.writer import write_project

MARKER = ".qingdan-import.json"

RECORD = {
    "TASK_CODE": "11440000006940116U2440102002000", "TASK_NAME": "中小学地方课程教材初审", "TASK_TYPE_TEXT": "行政许可",
    "CATANAME": "中小学地方课程教材初审、审定、复查", "parentCatalogId": "44010200200Y", "DEPT_NAME": "广东省教育厅",
    "AREACODE": "440000", "AREA_CODE_TEXT": "广东省", "matter_level": "省级", "visit_number": "0", "handle_time": "20(工作日)",
    "handle_time_limit": "18(工作日)", "material_intro": ["审查登记表"], "service_object_name": ["自然人"],
}


def _line(i: int, **over: object) -> str:
    rec = dict(RECORD, TASK_CODE=RECORD["TASK_CODE"][:-2] + f"{i:02d}", TASK_NAME=f"{RECORD['TASK_NAME']}{i}")
    rec.update(over)
    return json.dumps(rec, ensure_ascii=False)


def _source(folder: Path, n: int = 2, name: str = "in.jsonl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(_line(i) for i in range(n)) + "\n", encoding="utf-8")
    return path


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _qd_text(project: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(project.glob("*.qd"))) + (project / "qingdan.toml").read_text(encoding="utf-8")


# ================================================================ 1. --force replaces only what an import wrote
def test_force_never_replaces_a_directory_the_import_did_not_write(tmp_path, cli):
    src = _source(tmp_path / "data")
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("secret key", encoding="utf-8")
    (home / "notes.txt").write_text("my notes", encoding="utf-8")
    before = _tree(home)
    r = cli("import", "gov-json", str(src), "--out", str(home), "--force")
    assert r.code == 2 and "Traceback" not in r.output
    assert "不是 qingdan import 写出的" in r.err and MARKER in r.err and "请换一个新的目录名" in r.err
    r = cli("import", "gov-json", str(src), "--out", str(home), "--force", "--lang", "en")
    assert r.code == 2 and "was not written by qingdan import" in r.err and "choose a new directory name" in r.err
    assert _tree(home) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "home"], "no temporary directory left behind"


def test_force_never_replaces_a_hand_written_rule_project(tmp_path, cli):
    project = tmp_path / "rules"
    project.mkdir()
    (project / "qingdan.toml").write_text('[project]\nname = "我的规则"\n', encoding="utf-8")
    (project / "a.qd").write_text('部门 甲 "甲局" {\n  层级: 市\n}\n', encoding="utf-8")
    before = _tree(project)
    r = cli("import", "gov-json", str(_source(tmp_path / "data")), "--out", str(project), "--force")
    assert r.code == 2 and "不是 qingdan import 写出的" in r.err
    assert _tree(project) == before


def test_force_replaces_an_earlier_import_even_after_hand_edits(tmp_path, cli):
    src = _source(tmp_path / "data")
    out = tmp_path / "out"
    assert cli("import", "gov-json", str(src), "--out", str(out)).code == 0
    qd = next(out.glob("dept-*.qd"))
    qd.write_text(qd.read_text(encoding="utf-8") + "# 手工加的一行\n", encoding="utf-8")
    r = cli("import", "gov-json", str(src), "--out", str(out))
    assert r.code == 2 and "--force" in r.err and "qingdan import" in r.err  # without --force: say how to replace it
    r = cli("import", "gov-json", str(_source(tmp_path / "data", 3)), "--out", str(out), "--force")
    assert r.code == 0, r.output
    assert "# 手工加的一行" not in _qd_text(out) and "中小学地方课程教材初审2" in _qd_text(out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_force_refuses_an_import_that_now_holds_a_file_it_did_not_write(tmp_path, cli):
    src = _source(tmp_path / "data")
    out = tmp_path / "out"
    assert cli("import", "gov-json", str(src), "--out", str(out)).code == 0
    (out / "my-notes.txt").write_text("mine", encoding="utf-8")
    (out / "zz-extra.qd").write_text("# 自己写的\n", encoding="utf-8")
    (out / "sub").mkdir()
    before = _tree(out)
    r = cli("import", "gov-json", str(src), "--out", str(out), "--force")
    assert r.code == 2 and "my-notes.txt" in r.err and "zz-extra.qd" not in r.err  # the first one, by name
    assert "不是导入时写出的" in r.err and "移到别处" in r.err
    r = cli("import", "gov-json", str(src), "--out", str(out), "--force", "--lang", "en")
    assert r.code == 2 and "my-notes.txt, which the import did not write" in r.err
    assert _tree(out) == before and (out / "sub").is_dir()


def test_the_marker_lists_every_file_is_deterministic_and_leaves_check_fmt_and_build_alone(tmp_path, cli):
    src = _source(tmp_path / "data")
    for name in ("a", "b"):
        assert cli("import", "gov-json", str(src), "--out", str(tmp_path / name), "--baseline").code == 0
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a == b and MARKER in a
    marker = json.loads(a[MARKER])
    assert marker["format"] == "qingdan-import" and marker["format_version"] == "1.0" and marker["tool"] == "qingdan"
    assert marker["kind"] == "gov-json" and marker["source"] == "in.jsonl"
    assert sorted(marker["files"]) == sorted(a) == marker["files"]
    assert str(tmp_path) not in a[MARKER].decode("utf-8")
    assert MARKER in a["import-report.txt"].decode("utf-8")
    out = tmp_path / "a"
    assert cli("check", str(out)).code == 0
    assert cli("fmt", "--check", str(out)).code == 0
    r = cli("build", str(out), "-o", str(tmp_path / "build"), "-q", "--no-site")
    assert r.code == 0, r.output
    assert not [p for p in (tmp_path / "build").rglob("*") if MARKER in p.name]


@pytest.mark.parametrize("marker", [
    "not json",
    json.dumps({"format": "something-else", "format_version": "1.0", "files": []}),
    json.dumps({"format": "qingdan-import", "format_version": "9.0", "files": []}),
    json.dumps({"format": "qingdan-import", "format_version": "1.0", "files": "qingdan.toml"}),
    json.dumps({"format": "qingdan-import", "format_version": "1.0", "files": ["../x"]}),
    "[" * 100_000,
])
def test_a_broken_or_foreign_marker_is_not_trusted(tmp_path, cli, marker):
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text(marker, encoding="utf-8")
    (out / "qingdan.toml").write_text("[project]\n", encoding="utf-8")
    before = _tree(out)
    r = cli("import", "gov-json", str(_source(tmp_path / "data")), "--out", str(out), "--force")
    assert r.code == 2 and "Traceback" not in r.output and "不是 qingdan import 写出的" in r.err
    assert _tree(out) == before


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_marker_that_is_a_symbolic_link_is_not_trusted(tmp_path, cli):
    src = _source(tmp_path / "data")
    assert cli("import", "gov-json", str(src), "--out", str(tmp_path / "first")).code == 0
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).symlink_to(tmp_path / "first" / MARKER)
    (out / "qingdan.toml").write_text("[project]\n", encoding="utf-8")
    r = cli("import", "gov-json", str(src), "--out", str(out), "--force")
    assert r.code == 2 and "不是 qingdan import 写出的" in r.err
    assert (out / "qingdan.toml").read_text(encoding="utf-8") == "[project]\n"


def test_an_output_that_holds_the_input_is_refused_even_when_it_is_an_import(tmp_path, cli):
    out = tmp_path / "out"
    assert cli("import", "gov-json", str(_source(tmp_path / "data")), "--out", str(out)).code == 0
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    src = _source(out, name="again.jsonl")  # the input now lies inside an import's folder, listed in its marker
    marker["files"] = sorted([*marker["files"], "again.jsonl"])
    (out / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    r = cli("import", "gov-json", str(src), "--out", str(out), "--force")
    assert r.code == 2 and "输入文件" in r.err and src.exists()
    r = cli("import", "gov-json", str(src), "--out", str(tmp_path), "--force", "--lang", "en")
    assert r.code == 2 and "the input" in r.err and src.exists()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symbolic_links_do_not_hide_the_input_or_the_target(tmp_path, cli):
    data = tmp_path / "data"
    src = _source(data)
    (data / MARKER).write_text(json.dumps({"format": "qingdan-import", "format_version": "1.0", "tool": "qingdan",
                                           "files": [MARKER, "in.jsonl"]}), encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(data, target_is_directory=True)
    # the output is a link to the folder holding the input
    r = cli("import", "gov-json", str(src), "--out", str(link), "--force")
    assert r.code == 2 and "符号链接" in r.err
    # the output is the real folder, the input is named through the link
    r = cli("import", "gov-json", str(link / "in.jsonl"), "--out", str(data), "--force")
    assert r.code == 2 and "输入文件" in r.err
    # the output is named through a linked parent
    up = tmp_path / "up"
    up.symlink_to(tmp_path, target_is_directory=True)
    r = cli("import", "gov-json", str(src), "--out", str(up / "data"), "--force", "--lang", "en")
    assert r.code == 2 and "the input" in r.err
    # the input is a link into the output
    other = tmp_path / "other"
    other.mkdir()
    (other / "in.jsonl").symlink_to(src)
    r = cli("import", "gov-json", str(other / "in.jsonl"), "--out", str(data), "--force")
    assert r.code == 2 and "输入文件" in r.err
    assert src.is_file() and link.is_symlink() and sorted(p.name for p in data.iterdir()) == [MARKER, "in.jsonl"]


def test_a_file_or_the_current_directory_is_refused_with_a_message(tmp_path, cli, monkeypatch):
    src = _source(tmp_path / "data")
    (tmp_path / "out.txt").write_text("x", encoding="utf-8")
    r = cli("import", "gov-json", str(src), "--out", str(tmp_path / "out.txt"), "--force")
    assert r.code == 2 and "是一个文件" in r.err and (tmp_path / "out.txt").read_text(encoding="utf-8") == "x"
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    r = cli("import", "gov-json", str(src), "--out", ".", "--lang", "en")
    assert r.code == 2 and "current directory" in r.err and "--out" in r.err
    assert not list(here.iterdir())


def test_write_project_itself_never_replaces_a_foreign_directory(tmp_path):
    result = read_gov_json(_source(tmp_path / "data"))
    out = tmp_path / "mine"
    out.mkdir()
    (out / "keep.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(writer.ImportTargetError) as e:
        write_project(result, out, workers=1)
    assert "not written by qingdan import" in e.value.en and "不是 qingdan import 写出的" in e.value.zh
    assert _tree(out) == {"keep.txt": b"keep"}
    write_project(result, tmp_path / "fresh", workers=1)
    write_project(result, tmp_path / "fresh", workers=1)  # its own output: replaced


# ================================================================ 2. hostile JSON lines
def test_hostile_numbers_and_nesting_are_reported_by_line_and_the_rest_is_imported(tmp_path, cli):
    limit = sys.getrecursionlimit()
    lines = [
        _line(1),                                                          # 1 fine
        _line(2)[:-1] + ', "SCORE": Infinity}',                            # 2 Infinity in an unmapped field
        _line(3)[:-1] + ', "SCORE": NaN, "LOW": -Infinity}',               # 3 NaN and -Infinity
        _line(4)[:-1] + ', "EXTRA": 1e400}',                               # 4 out of range, unmapped
        _line(5, visit_number=None)[:-1] + ', "visit_number": 1e400}',     # 5 out of range, mapped
        _line(6)[:-1] + ', "BIG": ' + "7" * 5000 + "}",                    # 6 a 5,000-digit number
        _line(7)[:-1] + ', "BIGF": ' + "7" * 5000 + ".5}",                 # 7 a 5,000-digit decimal
        '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",                    # 8 100,000 deep
        '{"a": ' + "[" * 300 + "]" * 300 + "}",                            # 9 deeper than a record ever is
        _line(10),                                                         # 10 fine
    ]
    src = tmp_path / "hostile.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    r = cli("import", "gov-json", str(src), "--out", str(out))
    assert r.code == 0, r.output
    assert sys.getrecursionlimit() == limit
    rep = report(out)
    found = [(p["line"], p["code"], p["field"]) for p in rep["problems"]]
    assert found == [(2, "bad-number", "SCORE"), (3, "bad-number", "LOW"), (3, "bad-number", "SCORE"), (4, "bad-number", "EXTRA"),
                     (5, "bad-number", "visit_number"), (5, "bad-visits", "visit_number"), (6, "bad-number", "BIG"),
                     (7, "bad-number", "BIGF"), (8, "malformed-line", None), (9, "malformed-line", None)]
    assert rep["summary"]["records_read"] == 10 and rep["summary"]["records_skipped"] == 2 and rep["summary"]["matters"] == 8
    by_line = {p["line"]: p for p in rep["problems"]}
    assert "嵌套" in by_line[8]["message_zh"] and "nested" in by_line[8]["message_en"]
    assert "5000" in by_line[6]["message_en"] and len(by_line[6]["value"]) < 60
    text = (out / "import-report.txt").read_text(encoding="utf-8")
    assert "第 8 行：[malformed-line]" in text and "第 4 行" in text and "1e400" in text
    source = _qd_text(out)
    assert "# SCORE: Infinity" in source and "# EXTRA: 1e400" in source and "# BIG: " + "7" * 5000 in source  # nothing lost
    assert "visit_number 原文（未能导入）: 1e400" in source
    compiled(out)


def test_a_hostile_line_alone_is_reported_not_an_internal_error(tmp_path, cli):
    src = tmp_path / "deep.jsonl"
    src.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    r = cli("import", "gov-json", str(src), "--out", str(tmp_path / "o"), "--lang", "en")
    assert r.code == 2 and "internal error" not in r.err and "line 1" in r.err and "nested" in r.err
    assert not (tmp_path / "o").exists()


def test_huge_numbers_in_text_are_unreadable_values_not_crashes():
    with pytest.raises(ValueProblem):
        parse_visits("9" * 5000)
    with pytest.raises(ValueProblem):
        parse_duration("9" * 5000)
    assert clean(float("inf")) == "inf" and clean(3.0) == "3" and clean(float("nan")) is None
    result = GovJsonReader("x.jsonl").read_bytes(_line(1, visit_number="9" * 5000, handle_time="9" * 5000).encode("utf-8"))
    assert sorted(p.code for p in result.problems) == ["bad-time", "bad-visits"] and len(result.matters) == 1


def test_time_limits_beyond_the_language_are_reported_not_written():
    # found by the fuzz campaign: "76004" became 法定: 76004 工作日, which the written project rejected
    for text in ("76004", "10001(工作日)", "1.555(工作日)"):
        with pytest.raises(ValueProblem) as e:
            parse_duration(text)
        assert "10000" in e.value.message.zh and "extra digits" in e.value.message.en
    assert parse_duration("10000(自然日)")[0] == (Decimal(10000), "natural_days")
    assert duration_text(parse_duration("1.500(工作日)")[0]) == "1.5 工作日"  # trailing zeros are not decimals


def test_a_line_break_in_a_quoted_cell_stays_on_the_problem_line(tmp_path):
    from conftest import run_cli

    src = tmp_path / "in.jsonl"
    src.write_text(_line(1, visit_number="999999\n::error file=x::fake", handle_time="76004\r\n::warning x") + "\n", encoding="utf-8")
    r = run_cli("import", "gov-json", src, "--out", tmp_path / "p")
    report_file = (tmp_path / "p" / "import-report.txt").read_text(encoding="utf-8")
    for text in (r.out + r.err, report_file):
        assert "bad-visits" in text or "bad-time" in text
        assert not [line for line in text.splitlines() if line.lstrip().startswith("::")], text


def test_a_fee_above_the_language_bound_stays_text():
    from qingdan.importers.table import _fee

    assert _fee("100000000元") == ("yuan", "100000000")
    assert _fee("500000000元") == ("text", "500000000元")  # 收费: 500000000 元 would not compile


def test_more_visits_than_the_language_allows_are_reported_not_written():
    # found by the fuzz campaign: "0107227" became 到场: 107227 次, which the written project rejected
    with pytest.raises(ValueProblem) as e:
        parse_visits("0107227")
    assert "100" in e.value.message.zh and "extra digits" in e.value.message.en
    assert parse_visits("100") == 100 and parse_visits("最多跑一次") == 1


# ================================================================ 3. spreadsheets: formulas and cells outside the headings
def _set_cached(path: Path, values: dict[str, str]) -> None:
    """Give formula cells a saved result, as Excel does when it saves (openpyxl writes none)."""
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = items[name].decode("utf-8")
    for ref, value in values.items():
        xml, n = re.subn(rf'<c r="{ref}"([^>]*)>(<f>.*?</f>)<v\s*/?>(?:</v>)?', rf'<c r="{ref}"\1 t="str">\2<v>{value}</v>', xml)
        assert n == 1, ref
    items[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for k, v in items.items():
            z.writestr(k, v)


def _formula_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "清单"
    for row in [
        ["序号", "事项名称", "实施主体", "权力类型", "实施依据"],                              # 1
        ["=ROW()-1", "甲许可", "某局", "行政许可", "《某条例》第三条"],                          # 2 formula in 序号 (not imported)
        [2, "乙许可", "某局", "行政许可", '="《某条例》"&"第五条"'],                           # 3 formula, no saved result
        [3, '=B2&"（变更）"', "某局", "行政许可", None],                                       # 4 formula name, no saved result
        [4, '="丙"&"许可"', "某局", "行政许可", None],                                         # 5 formula name with a saved result
        [5, "丁许可", "某局", "行政许可", None, "表头外的说明", None, "更远的说明"],               # 6 cells beyond the headings
        [None, '=B3&"x"', '=C3', None, None],                                                 # 7 only formulas without results
    ]:
        ws.append(row)
    wb.save(path)
    _set_cached(path, {"B5": "丙许可"})
    return path


def test_formulas_and_cells_beyond_the_headings_are_reported_with_their_cell(tmp_path, cli):
    out = tmp_path / "p"
    r = cli("import", "table", str(_formula_workbook(tmp_path / "f.xlsx")), "--kind", "power", "--out", str(out))
    assert r.code == 0, r.output
    rep = report(out)
    found = [(p["line"], p["column"], p["code"], p["action"]) for p in rep["problems"]]
    assert found == [
        (3, "E", "formula-without-value", "omitted"),
        (4, "B", "formula-without-value", "skipped"),
        (5, "B", "formula-value", "saved-result"),
        (6, "F", "unheaded-cell", "omitted"),
        (6, "H", "unheaded-cell", "omitted"),
        (7, "B", "formula-without-value", "skipped"),  # the row is skipped: one problem, its name cell's
    ]
    assert "empty-name" not in {p["code"] for p in rep["problems"]}
    by = {(p["line"], p["column"]): p for p in rep["problems"]}
    assert by[(4, "B")]["message_zh"].startswith("B4 是公式，没有保存计算结果") and "粘贴为数值" in by[(4, "B")]["message_zh"]
    assert by[(4, "B")]["message_en"].startswith("B4 is a formula with no saved result: open the file in Excel and save it")
    assert by[(5, "B")]["value"] == "丙许可" and "B5" in by[(5, "B")]["message_en"]
    assert by[(6, "F")]["value"] == "表头外的说明" and "F6" in by[(6, "F")]["message_en"]
    text = (out / "import-report.txt").read_text(encoding="utf-8")
    assert "工作表“清单” 第 4 行 B 列" in text
    assert rep["summary"]["records_read"] == 6 and rep["summary"]["records_skipped"] == 2
    model = compiled(out).catalog.model
    assert sorted(p.name for p in model.powers.values()) == ["丁许可", "丙许可", "乙许可", "甲许可"]
    source = _qd_text(out)
    assert '实施依据 公式（没有保存的计算结果）: ="《某条例》"&"第五条"' in source
    assert "表头外的说明" in source and "更远的说明" in source
    assert "=ROW()-1" not in source


def test_a_formula_in_the_name_column_of_a_matter_list_is_not_an_empty_name(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["事项名称", "实施主体", "法定办结时限"])
    ws.append(['=CONCATENATE("甲","事项")', "某局", "=5*4"])
    ws.append(["乙事项", "某局", "=5*4"])
    wb.save(tmp_path / "m.xlsx")
    result = read_table(tmp_path / "m.xlsx", "matter")
    assert [(p.line, p.column, p.code) for p in sorted(result.problems, key=lambda p: p.sort_key())] == [
        (2, "A", "formula-without-value"), (3, "C", "formula-without-value")]
    assert [mt.name for mt in result.matters] == ["乙事项"] and result.records_skipped == 1
    assert ("法定办结时限 公式（没有保存的计算结果）", "=5*4") in result.matters[0].meta


def test_csv_cells_beyond_the_headings_are_reported(tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("事项名称,实施主体,权力类型\n甲许可,某局,行政许可,多出来的一格\n", encoding="utf-8")
    result = read_table(src, "power")
    (p,) = result.problems
    assert (p.line, p.column, p.code, p.value) == (2, "D", "unheaded-cell", "多出来的一格")
    assert ("D 列（没有表头）", "多出来的一格") in next(iter(result.powers.values())).meta


# ================================================================ control and bidirectional characters
BAD = "\u0001\u000b\u202e"


def test_control_characters_from_json_are_removed_and_reported_once_per_field(tmp_path, cli):
    src = tmp_path / "c.jsonl"
    src.write_text("\n".join([
        _line(1, TASK_NAME=f"教材{BAD}初审", DEPT_NAME="广东省\u202e教育厅", consult_phone="020\u0000-1",
              material_intro=["登记表\u2066", "清样\u200b"], NOTE_X="\u0085备注"),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    r = cli("import", "gov-json", str(src), "--out", str(out))
    assert r.code == 0, r.output
    for name, data in _tree(out).items():
        text = data.decode("utf-8")
        if name.endswith((".qd", ".toml")):
            assert not re.search("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]", text), name
    found = sorted((p["line"], p["code"], p["field"]) for p in report(out)["problems"])
    assert found == [(1, "control-character", f) for f in sorted(["TASK_NAME", "DEPT_NAME", "consult_phone", "material_intro", "NOTE_X"])]
    msg = next(p for p in report(out)["problems"] if p["field"] == "TASK_NAME")
    assert "U+0001" in msg["message_en"] and "U+202E" in msg["message_en"] and "U+202E" in msg["message_zh"]
    model = compiled(out).catalog.model
    (mt,) = model.matters.values()
    assert mt.name == "教材初审" and mt.contact == "020-1" and [x.name for x in mt.materials] == ["登记表", "清样"]
    assert [d.name for d in model.departments.values()] == ["广东省教育厅"]
    assert "# NOTE_X: 备注" in _qd_text(out)


def test_control_characters_in_cells_are_removed_and_reported_with_their_cell(tmp_path, cli):
    wb = Workbook()  # openpyxl refuses C0 control characters in cells: C1 and text-direction ones here, C0 in the CSV below
    ws = wb.active
    ws.append(["事项名称", "实施主体", "权力类型", "备注"])
    ws.append(["甲\u202e\u0085许可", "某\u202e局", "行政许可", "说明\u2067"])
    wb.save(tmp_path / "c.xlsx")
    out = tmp_path / "out"
    r = cli("import", "table", str(tmp_path / "c.xlsx"), "--kind", "power", "--out", str(out))
    assert r.code == 0, r.output
    found = [(p["line"], p["column"], p["code"], p["field"]) for p in report(out)["problems"]]
    assert found == [(2, "A", "control-character", "事项名称"), (2, "B", "control-character", "实施主体"),
                     (2, "D", "control-character", "备注")]
    assert "A2" in report(out)["problems"][0]["message_en"] and "U+202E" in report(out)["problems"][0]["message_zh"]
    assert not re.search("[\u0085\u202e\u2067]", _qd_text(out))
    model = compiled(out).catalog.model
    assert [p.name for p in model.powers.values()] == ["甲许可"]
    assert [d.name for d in model.departments.values()] == ["某局"]


def test_control_characters_in_csv_cells_and_the_department_option(tmp_path, cli):
    src = tmp_path / "c.csv"
    src.write_text(f"事项名称,实施主体,权力类型\n甲{BAD}许可,,行政许可\n", encoding="utf-8")
    out = tmp_path / "out"
    r = cli("import", "table", str(src), "--kind", "power", "--out", str(out), "--department", "默认\u202e局")
    assert r.code == 0, r.output
    assert [(p["line"], p["column"], p["code"]) for p in report(out)["problems"]] == [(2, "A", "control-character")]
    assert not re.search("[\u0001\u000b\u202e]", _qd_text(out))
    model = compiled(out).catalog.model
    assert [p.name for p in model.powers.values()] == ["甲许可"]
    assert [d.name for d in model.departments.values()] == ["默认局"]


def test_the_writer_never_writes_control_characters_whatever_it_is_given(tmp_path):
    result = read_gov_json(_source(tmp_path / "data", 1))
    mt = result.matters[0]
    mt.name = "名\u202e称\u0001"
    mt.notes.append(("说明\u2066", "值\ud800"))
    result.departments[mt.department].meta.append(("键\u0007", "值\u202d"))
    project = write_project(result, tmp_path / "out", workers=1)
    for name, text in project.files.items():
        assert not re.search("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", text), name
    compiled(tmp_path / "out")


def test_the_unsafe_character_table_is_unicodes_and_escapes_of_it_are_noticed():
    import unicodedata

    from qingdan.importers.gov_json import ESCAPED_UNSAFE
    from qingdan.importers.records import UNSAFE

    wanted = {chr(cp) for cp in range(0x110000)
              if (unicodedata.category(chr(cp)) in ("Cc", "Cf", "Cs", "Zl", "Zp") and chr(cp) not in "\t\n\r") or cp in (0xFFFE, 0xFFFF)}
    table = {chr(cp) for cp in range(0x110000) if UNSAFE.match(chr(cp))}
    assert table == wanted, f"update records.UNSAFE to Unicode {unicodedata.unidata_version}"
    missed = [f"U+{ord(ch):04X}" for ch in sorted(table) if not ESCAPED_UNSAFE.search(json.dumps(ch))]
    assert not missed, missed


def test_escaped_control_characters_in_an_ascii_export_are_found(tmp_path):
    data = json.dumps(json.loads(_line(1, TASK_NAME="教材\u202e初审", ORG_NOTE="甲\u2066乙\U000e0041")), ensure_ascii=True)
    assert "\\u202e" in data
    result = GovJsonReader("x.jsonl").read_bytes(data.encode("ascii"))
    assert sorted((p.code, p.field) for p in result.problems) == [("control-character", "ORG_NOTE"), ("control-character", "TASK_NAME")]
    assert result.matters[0].name == "教材初审"


def test_numbers_that_are_not_plain_ascii_amounts_stay_text(tmp_path):
    src = tmp_path / "m.csv"
    src.write_text("事项名称,实施主体,收费标准,到办事现场次数,法定办结时限\n"
                   "甲事项,某局,٥٠元,١,٣٠\n"
                   f"乙事项,某局,{'9' * 5000}元,{'1' * 5000},{'2' * 5000}\n", encoding="utf-8")
    result = read_table(src, "matter")
    assert sorted((p.line, p.code) for p in result.problems) == [(2, "assumed-unit"), (3, "bad-time"), (3, "bad-visits")]
    out = tmp_path / "out"
    write_project(result, out, workers=1)
    model = compiled(out).catalog.model
    by = {mt.name: mt for mt in model.matters.values()}
    assert by["甲事项"].fee.text == "٥٠元" and by["甲事项"].visits == 1 and by["甲事项"].limits.statutory.amount == 30
    assert by["乙事项"].fee.text == "9" * 5000 + "元" and by["乙事项"].visits is None
