"""Code tables for ``qingdan import table``: lists whose columns are all codes.

A workbook and a CSV with the columns of a real provincial power list (授权部门, 职权编码,
事项名称, 事项类型, 依据, 实施层级) holding nothing but codes, read with the built-in
tables, with a code file (``--codes``), and with two provinces' differing meanings of
code 20; code files with mistakes give located errors and no traceback.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO
from openpyxl import Workbook
from test_import_support import compiled, list_rows, problems, report

from qingdan.importers.codes import BUILTIN, CodesError, code_key, load_codes
from qingdan.importers.records import parse_category
from qingdan.importers.table import read_table

CODE_FILES = REPO / "examples" / "codes"
HEADINGS = ["授权部门", "职权编码", "事项名称", "事项类型", "依据", "实施层级"]
ROWS = [
    ["73", "440100001", "建筑工程施工许可", "01", "《中华人民共和国建筑法》第八条", "2,3"],
    ["73", "440100002", "对违法建设的行政处罚", "02", "《中华人民共和国城乡规划法》第六十四条", "3"],
    ["74", "440100003", "食品生产企业信息公示", "10", "《中华人民共和国食品安全法》第一百一十八条", "2、3"],
    ["74", "440100004", "食品安全政策咨询", "20", "《中华人民共和国食品安全法》第十条", "4"],
    ["74", "440100005", "其他事项", "99", "《中华人民共和国食品安全法》第十条", "省级,市级"],
    ["75", "440100006", "特种设备检验", "06", "《中华人民共和国特种设备安全法》第五十七条", "1,2"],
]
DEPARTMENTS_TOML = """\
"名称" = "测试省的部门代码"

[departments]
"73" = "省住房和城乡建设厅"
"74" = { name = "省市场监督管理局", level = "省", region = "440000" }
"""


def write_csv(path: Path, rows: list[list[str]] = ROWS) -> Path:
    text = "\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in [HEADINGS, *rows]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path: Path) -> Path:
    """The same list as a workbook, with the numbers Excel makes of codes (01 → 1, 73 → 73)."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADINGS)
    for dept, code, name, category, basis, level in ROWS:
        ws.append([int(dept), int(code), name, int(category), basis, int(level) if level.isdigit() else level])
    wb.save(path)
    return path


def run_import(cli, src: Path, out: Path, *extra: str):
    r = cli("import", "table", str(src), "--kind", "power", "--out", str(out), *extra)
    assert r.code == 0, r.output
    return compiled(out), r


def powers_by_name(result) -> dict:
    return {p.name: p for p in result.catalog.model.powers.values()}


# ---------------------------------------------------------------- built-in tables only
def test_all_code_csv_with_the_built_in_tables(tmp_path, cli):
    out = tmp_path / "p"
    result, run = run_import(cli, write_csv(tmp_path / "list.csv"), out)
    powers = powers_by_name(result)
    assert {n: p.category for n, p in powers.items()} == {
        "建筑工程施工许可": "licensing", "对违法建设的行政处罚": "penalty", "食品生产企业信息公示": "other",
        "食品安全政策咨询": "public_service", "其他事项": None, "特种设备检验": "inspection"}
    assert {n: p.levels for n, p in powers.items()} == {
        "建筑工程施工许可": ["province", "city"], "对违法建设的行政处罚": ["city"], "食品生产企业信息公示": ["province", "city"],
        "食品安全政策咨询": ["county"], "其他事项": ["province", "city"], "特种设备检验": ["province"]}
    assert all(p.level == p.levels[0] for p in powers.values())
    # no department table: every department code is reported with its cell and kept in the note
    assert not result.catalog.model.departments
    assert all(p.department is None for p in powers.values())
    assert powers["建筑工程施工许可"].note == "授权部门（代码，代码表中没有）：73"
    probs = report(out)["problems"]
    dept = [(p["line"], p["column"], p["value"]) for p in probs if p["code"] == "unknown-department-code"]
    assert dept == [(2, "A", "73"), (3, "A", "73"), (4, "A", "74"), (5, "A", "74"), (6, "A", "74"), (7, "A", "75")]
    assert all(p["field"] == "授权部门" and p["action"] == "kept" for p in probs if p["code"] == "unknown-department-code")
    others = [(p["line"], p["column"], p["code"], p["value"]) for p in probs if p["code"] != "unknown-department-code"]
    assert others == [(6, "D", "unknown-type", "99"), (7, "F", "unknown-level", "1")]
    unknown = next(p for p in probs if p["code"] == "unknown-type")
    assert "99" in unknown["message_zh"] and "20 公共服务" in unknown["message_zh"] and "--codes" in unknown["message_en"]
    national = next(p for p in probs if p["code"] == "unknown-level")
    assert "国家级" in national["message_zh"]
    source = "".join(p.read_text(encoding="utf-8") for p in sorted(out.glob("*.qd")))
    assert "# 权力类型 原文（未能导入）: 99" in source and "# 行使层级 原文（部分未能导入）: 1,2" in source
    assert "层级: 省, 市" in source
    assert "第 2 行 A 列" in run.output


def test_the_report_says_which_columns_held_codes(tmp_path, cli):
    out = tmp_path / "p"
    run_import(cli, write_csv(tmp_path / "list.csv"), out)
    fields = report(out)["fields"]
    assert fields["事项类型"] == "权力 类别（代码按内置代码表）"
    assert fields["实施层级"] == "层级（代码按内置代码表）"
    assert fields["授权部门"] == "部门", "no code was read through a department table"


# ---------------------------------------------------------------- a code file
def test_all_code_workbook_with_a_department_table(tmp_path, cli):
    codes = tmp_path / "codes.toml"
    codes.write_text(DEPARTMENTS_TOML, encoding="utf-8")
    out = tmp_path / "p"
    result, _ = run_import(cli, write_xlsx(tmp_path / "list.xlsx"), out, "--codes", str(codes))
    model = result.catalog.model
    powers = powers_by_name(result)
    depts = {d.name: d for d in model.departments.values()}
    assert set(depts) == {"省住房和城乡建设厅", "省市场监督管理局"}
    assert depts["省市场监督管理局"].region == "440000" and depts["省市场监督管理局"].level == "province"
    assert model.departments[powers["建筑工程施工许可"].department].name == "省住房和城乡建设厅"
    assert model.departments[powers["食品安全政策咨询"].department].name == "省市场监督管理局"
    assert powers["建筑工程施工许可"].category == "licensing", "Excel's 1 is the code 01"
    assert powers["建筑工程施工许可"].levels == ["province", "city"]
    assert powers["对违法建设的行政处罚"].levels == ["city"], "the number 3"
    assert powers["建筑工程施工许可"].code == "440100001"
    # 75 is not in the table: reported with its cell, kept in the note, never dropped
    assert problems(out) == [(6, "unknown-type"), (7, "unknown-department-code"), (7, "unknown-level")]
    missing = next(p for p in report(out)["problems"] if p["code"] == "unknown-department-code")
    assert missing["column"] == "A" and missing["value"] == "75" and "codes.toml" in missing["message_zh"]
    assert powers["特种设备检验"].department is None and "75" in powers["特种设备检验"].note
    assert report(out)["fields"]["授权部门"] == "部门（部门代码按内置代码表 + codes.toml）"
    assert not [d for d in result.diagnostics if d.rule in ("overlapping-authority", "similar-power-names")]


def test_two_provinces_read_code_20_differently(tmp_path, cli):
    """One export writes 20 for 其他行政权力 and 21 for 公共服务 (Guangdong), another 10 and 20 (the built-in table)."""
    rows = [["74", "1", "甲事项", "20", "《中华人民共和国食品安全法》第十条", "2"],
            ["74", "2", "乙事项", "21", "《中华人民共和国食品安全法》第十条", "2"],
            ["74", "3", "丙事项", "10", "《中华人民共和国食品安全法》第十条", "2"]]
    src = write_csv(tmp_path / "list.csv", rows)
    national, _ = run_import(cli, src, tmp_path / "national")
    guangdong, _ = run_import(cli, src, tmp_path / "guangdong", "--codes", str(CODE_FILES / "guangdong.toml"))
    assert {n: p.category for n, p in powers_by_name(national).items()} == {"甲事项": "public_service", "乙事项": None, "丙事项": "other"}
    assert {n: p.category for n, p in powers_by_name(guangdong).items()} == {"甲事项": "other", "乙事项": "public_service", "丙事项": "other"}
    assert problems(tmp_path / "national") == [(2, "unknown-department-code"), (3, "unknown-department-code"), (3, "unknown-type"),
                                               (4, "unknown-department-code")]


def test_the_guangdong_code_file_agrees_with_the_shared_export(shared):
    """Every TASK_TYPE of the real Guangdong export means its TASK_TYPE_TEXT under examples/codes/guangdong.toml."""
    pairs: Counter[tuple[str, str]] = Counter()
    with open(shared / "data" / "gd-province-sample.jsonl", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            pairs[(rec["TASK_TYPE"], rec["TASK_TYPE_TEXT"])] += 1
    assert len(pairs) >= 5
    gd = load_codes(CODE_FILES / "guangdong.toml")
    for code, text in pairs:
        assert gd.category(code) == parse_category(text), (code, text)
    # the built-in (national) table agrees below 20 and differs at 20 and 21, which is why the file exists
    agree = {code for code, text in pairs if code_key(code) in BUILTIN.categories and BUILTIN.category(code) == parse_category(text)}
    assert agree == {code for code, _ in pairs} - {"20", "21"}
    assert BUILTIN.category("20") == "public_service" and gd.category("20") == "other"


def test_a_csv_code_file_with_every_table(tmp_path):
    tables = load_codes(CODE_FILES / "departments.csv")
    assert tables.department("73").name == "某省住房和城乡建设厅"
    assert tables.department("731") == tables.department("0731"), "leading zeros dropped by Excel still match"
    assert tables.department("0731").level == "city" and tables.department("0731").region == "440100"
    assert tables.category("21") == "public_service" and tables.category("20") == "other"
    assert tables.levels_of("5") == (["township"], [])
    # a plain two-column department table (no 表 column)
    plain = tmp_path / "d.csv"
    plain.write_text("代码,名称\n73,省住房和城乡建设厅\n", encoding="utf-8")
    assert load_codes(plain).department("73").name == "省住房和城乡建设厅"


# ---------------------------------------------------------------- reading cells
@pytest.mark.parametrize(("text", "levels", "unread"), [
    ("2,3", ["province", "city"], []),
    ("2、3", ["province", "city"], []),
    ("2，3", ["province", "city"], []),
    ("３", ["city"], []),  # full-width digit
    ("省级,市级", ["province", "city"], []),
    ("省、市、县三级", ["province", "city", "county"], []),
    ("3,2", ["province", "city"], []),  # highest first
    ("1,2", ["province"], ["1"]),
    ("6", [], ["6"]),
    ("9", [], ["9"]),
    ("国家级、省级", ["province"], ["国家级"]),
])
def test_level_cells(text, levels, unread):
    found, problems_ = BUILTIN.levels_of(text)
    assert found == levels and [part for part, _ in problems_] == unread


@pytest.mark.parametrize(("text", "category"), [
    ("01", "licensing"), ("1", "licensing"), (" 06 ", "inspection"), ("０２", "penalty"), ("10", "other"), ("20", "public_service"),
    ("01 行政许可", "licensing"), ("02-行政处罚", "penalty"), ("行政确认", "confirmation"),
])
def test_category_cells(text, category):
    assert BUILTIN.category(text) == category


def test_code_keys_fold_width_spaces_case_and_leading_zeros():
    assert code_key("０１") == code_key(" 1 ") == "1"
    assert code_key("0") == code_key("00") == "0"
    assert code_key("XK-01") == code_key("xk-01")


def test_read_table_takes_the_code_tables(tmp_path):
    codes = tmp_path / "c.toml"
    codes.write_text(DEPARTMENTS_TOML, encoding="utf-8")
    result = read_table(write_csv(tmp_path / "l.csv"), "power", codes=load_codes(codes))
    assert result.powers["建筑工程施工许可|省住房和城乡建设厅"].levels == ["province", "city"]
    # two unknown department codes never merge their powers: each keeps its own key
    rows = [["80", "1", "同名权力", "01", "", "2"], ["81", "2", "同名权力", "01", "", "2"]]
    assert len(read_table(write_csv(tmp_path / "two.csv", rows), "power").powers) == 2


# ---------------------------------------------------------------- other kinds of list
def test_a_matter_list_and_a_responsibility_list_read_codes(tmp_path, cli):
    codes = tmp_path / "codes.toml"
    codes.write_text(DEPARTMENTS_TOML, encoding="utf-8")
    matter = tmp_path / "m.csv"
    matter.write_text("授权部门,事项名称,子项名称,事项类型,实施层级,法定办结时限\n"
                      "73,建筑工程施工许可,建筑工程施工许可证核发,01,\"2,3\",15工作日\n", encoding="utf-8")
    r = cli("import", "table", str(matter), "--kind", "matter", "--out", str(tmp_path / "m"), "--codes", str(codes))
    assert r.code == 0, r.output
    model = compiled(tmp_path / "m").catalog.model
    (mt,) = model.matters.values()
    assert mt.levels == ["province", "city"] and model.departments[mt.department].name == "省住房和城乡建设厅"
    resp = tmp_path / "r.csv"
    resp.write_text("授权部门,事项名称,事项类型,监管部门,受理责任\n73,建筑工程施工许可,01,74,依法受理\n73,另一许可,01,76,依法受理\n", encoding="utf-8")
    r = cli("import", "table", str(resp), "--kind", "responsibility", "--out", str(tmp_path / "r"), "--codes", str(codes))
    assert r.code == 0, r.output
    model = compiled(tmp_path / "r").catalog.model
    supervisors = sorted(model.departments[x.supervisor].name if x.supervisor else "" for x in model.responsibilities.values())
    assert supervisors == ["", "省市场监督管理局"]
    assert problems(tmp_path / "r") == [(3, "unknown-department-code")]
    negative = tmp_path / "n.csv"
    negative.write_text("禁止或许可事项,准入类型,主管部门\n未获得许可不得从事建筑活动,许可准入,73\n禁止新建某类项目,禁止准入,77\n", encoding="utf-8")
    r = cli("import", "table", str(negative), "--kind", "negative", "--out", str(tmp_path / "n"), "--codes", str(codes))
    assert r.code == 0, r.output
    model = compiled(tmp_path / "n").catalog.model
    assert sorted(model.departments[n.department].name if n.department else "" for n in model.negatives.values()) == ["", "省住房和城乡建设厅"]
    assert [(p["line"], p["column"], p["value"]) for p in report(tmp_path / "n")["problems"]] == [(3, "C", "77")]


# ---------------------------------------------------------------- round trip through the list exports
def test_levels_survive_the_power_list_export(tmp_path, cli):
    codes = tmp_path / "codes.toml"
    codes.write_text(DEPARTMENTS_TOML, encoding="utf-8")
    project, build = tmp_path / "p", tmp_path / "b"
    run_import(cli, write_csv(tmp_path / "list.csv", ROWS[:4]), project, "--codes", str(codes), "--baseline")
    assert cli("build", str(project), "-o", str(build), "-q", "--no-site").code == 0
    rows = list_rows(build, "power-list")
    assert {r["事项名称"]: r["行使层级"] for r in rows}["建筑工程施工许可"] == "省级、市级"
    again, rebuilt = tmp_path / "p2", tmp_path / "b2"
    assert cli("import", "table", str(build / "lists" / "power-list.xlsx"), "--kind", "power", "--out", str(again), "--baseline").code == 0
    assert powers_by_name(compiled(again))["建筑工程施工许可"].levels == ["province", "city"]
    assert cli("build", str(again), "-o", str(rebuilt), "-q", "--no-site").code == 0
    assert list_rows(rebuilt, "power-list") == rows


# ---------------------------------------------------------------- code files with mistakes
BAD_FILES = [
    ("bad.toml", '[categories]\n"20" = "其他行政权力"\n"21" = \n', 3, "TOML"),
    ("chinese.toml", '[事项类型]\n"20" = "其他行政权力"\n', 1, "加引号"),
    ("table.toml", '[categories]\n"20" = "其他行政权力"\n\n["分类"]\n"1" = "x"\n', 4, "不认识的表"),
    ("meaning.toml", '[categories]\n"20" = "其他行政权力"\n"21" = "行政备案"\n', 3, "不是权力类型"),
    ("level.toml", '[levels]\n"2" = "省级"\n"7" = "片区"\n', 3, "不是一个层级"),
    ("twice.toml", '[categories]\n"01" = "行政许可"\n\n"1" = "行政处罚"\n', 4, "与第 2 行"),
    ("number.toml", '[categories]\n"20" = 20\n', 2, "带引号"),
    ("dept.toml", '[departments]\n"73" = { name = "住建厅", boss = "x" }\n', 2, "boss"),
    ("noname.toml", '[departments]\n"73" = { level = "省" }\n', 2, "没有名称"),
    ("deptlevel.toml", '[departments]\n"73" = { name = "住建厅", level = "国家" }\n', 2, "层级"),
    ("empty.toml", '"名称" = "没有代码"\n', 0, "没有任何代码"),
    ("control.toml", '[departments]\n"73" = "住建厅\\u202e"\n', 2, "控制字符"),
    ("head.csv", "编号,部门\n73,住建厅\n", 1, "表头"),
    ("table.csv", "表,代码,名称\n部门,73,住建厅\n分类,1,行政许可\n", 3, "不认识的表"),
    ("blank.csv", "代码,名称\n73,住建厅\n,住建局\n", 3, "代码为空"),
    ("levelcol.csv", "表,代码,名称,层级\n事项类型,20,其他行政权力,省\n", 2, "只用于部门"),
    ("codes.yaml", "categories:\n  '20': 其他行政权力\n", 0, ".toml 或 .csv"),
    ("deep.toml", "[departments]\n\"73\" = " + "[" * 100_000 + "]" * 100_000 + "\n", 0, "嵌套过深"),
    ("array.toml", '[departments]\n"73" = ["住建厅"]\n', 2, "带引号"),
]


@pytest.mark.parametrize(("name", "text", "line", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_code_files_are_located(tmp_path, cli, name, text, line, words):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodesError) as e:
        load_codes(path)
    assert e.value.line == line and e.value.file == name
    assert words in e.value.zh, e.value.zh
    assert e.value.zh.startswith(f"{name} 第 {line} 行：" if line else f"{name}：")
    assert e.value.en.startswith(f"{name} line {line}: " if line else f"{name}: ")
    src = write_csv(tmp_path / "list.csv")
    r = cli("import", "table", str(src), "--kind", "power", "--out", str(tmp_path / "out"), "--codes", str(path))
    assert r.code == 2 and "Traceback" not in r.output
    assert e.value.zh in r.output
    assert not (tmp_path / "out").exists(), "nothing is written when the code file is bad"
    r = cli("import", "table", str(src), "--kind", "power", "--out", str(tmp_path / "out"), "--codes", str(path), "--lang", "en")
    assert r.code == 2 and e.value.en in r.output


def test_a_code_file_that_is_missing_or_not_utf8(tmp_path, cli):
    src = write_csv(tmp_path / "list.csv")
    r = cli("import", "table", str(src), "--kind", "power", "--out", str(tmp_path / "o"), "--codes", str(tmp_path / "none.toml"))
    assert r.code == 2 and "找不到代码表文件" in r.output
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[categories]\n"20" = "其他行政权力"\n'.encode("gb18030"))
    with pytest.raises(CodesError) as e:
        load_codes(gbk)
    assert "UTF-8" in e.value.zh
    gbk_csv = tmp_path / "gbk.csv"  # what Excel writes in China: read
    gbk_csv.write_bytes("代码,名称\n73,省住房和城乡建设厅\n".encode("gb18030"))
    assert load_codes(gbk_csv).department("73").name == "省住房和城乡建设厅"


def test_the_shared_export_as_an_all_code_table(shared, tmp_path, cli):
    """The 300 real records as a list of codes: ORGCODE for the department, TASK_TYPE for the category."""
    records = [json.loads(line) for line in (shared / "data" / "gd-province-sample.jsonl").read_text(encoding="utf-8").splitlines()]
    src = tmp_path / "gd.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["授权部门", "职权编码", "事项名称", "事项类型", "实施层级"])
        for rec in records:
            out.writerow([rec["ORGCODE"], rec["TASK_CODE"], rec["TASK_NAME"], rec["TASK_TYPE"], rec["matter_level"]])
    depts = sorted({(rec["ORGCODE"], rec["DEPT_NAME"]) for rec in records})
    left_out = depts[0]  # one department the table lacks
    table = tmp_path / "codes.csv"
    table.write_text("代码,名称\n" + "".join(f"{code},{name}\n" for code, name in depts[1:]), encoding="utf-8")
    project = tmp_path / "p"
    # the category codes come from the Guangdong file, the departments from the CSV: two imports compared
    r = cli("import", "table", str(src), "--kind", "power", "--out", str(project), "--codes", str(table))
    assert r.code == 0, r.output
    by_dept = compiled(project).catalog.model
    r = cli("import", "table", str(src), "--kind", "power", "--out", str(tmp_path / "q"), "--codes", str(CODE_FILES / "guangdong.toml"))
    assert r.code == 0, r.output
    by_type = compiled(tmp_path / "q").catalog.model
    text_of = {rec["TASK_NAME"].strip(): parse_category(rec["TASK_TYPE_TEXT"]) for rec in records}
    assert by_type.powers and all(p.category == text_of[p.name] for p in by_type.powers.values())
    name_of = {code: name.strip() for code, name in depts}  # two names end in a space the import drops
    expected = {rec["TASK_NAME"].strip(): name_of[rec["ORGCODE"]] for rec in records if rec["ORGCODE"] != left_out[0]}
    got = {p.name: by_dept.departments[p.department].name for p in by_dept.powers.values() if p.department}
    assert got and got.items() <= expected.items()
    missing = [p for p in report(project)["problems"] if p["code"] == "unknown-department-code"]
    assert missing and {p["value"] for p in missing} == {left_out[0]} and all(p["column"] == "A" for p in missing)
    assert all(left_out[0] in (p.note or "") for p in by_dept.powers.values() if p.department is None)
