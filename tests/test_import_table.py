"""``qingdan import table``: small spreadsheets of each kind made with openpyxl (merged cells,
heading variants, title and section rows, bad rows), CSV in three encodings, and the round
trip of qingdan's own list exports."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from conftest import run_cli
from openpyxl import Workbook
from test_import_support import compiled, list_rows, problems, report, rules_found

from qingdan.importers.table import TableError, read_table, split_duties
from qingdan.lists import columns as col

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "build"


def _workbook(path: Path, title: str, rows: list[list], merges: list[str] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def _import(cli, src: Path, kind: str, out: Path, *extra: str):
    r = cli("import", "table", str(src), "--kind", kind, "--out", str(out), *extra)
    assert r.code == 0, r.output
    return compiled(out)


# ---------------------------------------------------------------- power list
def power_workbook(path: Path) -> Path:
    return _workbook(path, "权力清单", [
        ["某市市场监督管理局权力清单（2024年版）"],                                                      # 1 title, merged
        ["序号", "权力事项名称", "子项名称", "权力类型", "实施依据\n（设定依据）", "行使主体", "承办机构", "行使层级", "事项编码"],  # 2
        ["一、行政许可（3项）"],                                                                          # 3 section, merged
        [1, "食品经营许可", "食品经营许可证核发", None, "《中华人民共和国食品安全法》第三十五条", "某市市场监督管理局", "食品处", "市级", "330100-XK-0001"],
        [None, None, "食品经营许可证变更", None, None, None, None, None, "330100-XK-0002"],              # 5 merged main item
        [2, "药品零售许可", "药品零售企业开办", None, "《中华人民共和国药品管理法》第五十一条", "某市市场监督管理局", "药品处", "市、县", "330100-XK-0003"],
        [None, None, "药品零售企业变更", None, None, None, None, None, None],                          # 7 code merged over 6-7
        [3, None, None, "行政处罚", "x", "某市市场监督管理局", None, "市级", "330100-CF-0001"],          # 8 no name
        [4, "广告违法处罚", None, "行政备案", "《中华人民共和国广告法》第五十五条", "某市市场监督管理局", None, "国家级", "330100-CF-0002"],  # 9
        [5, "药品零售许可（重复）", None, "行政许可", None, "某市市场监督管理局", None, "市级", "330100-XK-0003"],  # 10 repeated code
        [6, "网络交易监督检查", None, "行政检查", "《网络交易监督管理办法》第三条", "某市市场监督管理局\n某市商务局", None, "县级", "330100-JC-0001"],
    ], ["A1:I1", "A3:I3", "B4:B5", "E4:E5", "F4:F5", "G4:G5", "H4:H5", "B6:B7", "E6:E7", "F6:F7", "G6:G7", "H6:H7", "I6:I7"])


def test_power_list_with_merged_cells_sections_sub_items_and_bad_rows(tmp_path, cli):
    out = tmp_path / "p"
    result = _import(cli, power_workbook(tmp_path / "power.xlsx"), "power", out)
    model = result.catalog.model
    powers = {p.name: p for p in model.powers.values()}
    assert set(powers) == {"食品经营许可", "药品零售许可", "广告违法处罚", "网络交易监督检查"}
    food = powers["食品经营许可"]
    assert food.category == "licensing" and food.level == "city" and food.code is None
    assert [(c.law, c.article) for c in food.basis] == [("中华人民共和国食品安全法", "第三十五条")]
    assert "承办机构：食品处" in food.note
    drug = powers["药品零售许可"]
    assert drug.code == "330100-XK-0003", "a code merged over the sub-item rows is the main item's"
    assert drug.levels == ["city", "county"] and drug.level == "city" and drug.division is None, "市、县: a power at two levels"
    matters = {mt.name: mt for mt in model.matters.values()}
    assert matters["食品经营许可证核发"].code == "330100-XK-0001" and matters["食品经营许可证变更"].code == "330100-XK-0002"
    assert matters["食品经营许可证变更"].power == food.id and matters["药品零售企业变更"].power == drug.id
    assert matters["药品零售企业开办"].code is None
    assert powers["广告违法处罚"].category is None  # its level comes from the department, 国家级 is not imported
    assert powers["网络交易监督检查"].category == "inspection"
    assert model.departments[powers["网络交易监督检查"].department].name == "某市市场监督管理局"
    assert problems(out) == [(8, "empty-name"), (9, "unknown-type"), (9, "unknown-level"), (10, "duplicate-code"),
                             (11, "several-departments")]  # a row's problems in column order: 权力类型 (D) before 行使层级 (H)
    rep = report(out)
    assert rep["problems"][0]["sheet"] == "权力清单"
    assert rep["fields"]["实施依据（设定依据）"].startswith("依据") and rep["fields"]["承办机构"] == "备注（承办机构）"
    source = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.qd"))
    assert "# 权力类型 原文（未能导入）: 行政备案" in source and "# 行使层级 原文（未能导入）: 国家级" in source
    assert "# 实施主体（其余）: 某市商务局" in source
    toml = (out / "qingdan.toml").read_text(encoding="utf-8")
    assert 'missing-time-limit = "warning"' in toml  # a power list has no time limits for its sub-items


def test_power_list_without_sub_items_and_a_default_department(tmp_path, cli):
    src = _workbook(tmp_path / "p.xlsx", "Sheet1", [
        ["职权名称", "职权类别", "法律依据", "层级", "其他"],
        ["排污许可", "许可", "《排污许可管理条例》第二条", "省", "备注"],  # a heading word in the first row is still data
        ["环境违法处罚", "处罚", None, "区级", None],
    ])
    out = tmp_path / "p"
    model = _import(cli, src, "power", out, "--department", "生态环境局").catalog.model
    powers = {p.name: p for p in model.powers.values()}
    assert powers["排污许可"].category == "licensing" and powers["排污许可"].level == "province"
    assert powers["环境违法处罚"].category == "penalty" and powers["环境违法处罚"].level == "county"
    assert {model.departments[p.department].name for p in powers.values()} == {"生态环境局"}
    assert not model.matters
    assert "# 其他: 备注" in next(out.glob("dept-*.qd")).read_text(encoding="utf-8")


# ---------------------------------------------------------------- responsibility list
def test_responsibility_list_merged_over_stage_rows_and_duties_in_one_cell(tmp_path, cli):
    src = _workbook(tmp_path / "r.xlsx", "责任清单", [
        ["序号", "事项名称", "权力类型", "实施主体", "责任事项内容", "追责情形", "监管部门", "实施依据"],
        [1, "食品经营许可", "行政许可", "某市市场监督管理局", "受理责任：依法受理或不予受理申请。", "1.对符合条件的申请不予受理的；\n2.违法准予许可的；", "某市市场监督管理局", "《中华人民共和国食品安全法》第三十五条"],
        [None, None, None, None, "审查责任：对申请材料进行审查。", None, None, None],
        [None, None, None, None, "决定责任：作出决定；送达责任：送达许可证。", None, None, None],
        [2, "药品零售许可", "行政许可", "某市市场监督管理局",
         "1.受理责任：受理。\n2.审查责任：审查。\n3.事后监管责任：日常检查。\n4.其他责任：法律法规规定的其他责任。", "违法准予许可的", None, None],
        [3, "", "行政许可", "某市市场监督管理局", "受理责任：x", None, None, None],
    ], ["A2:A4", "B2:B4", "C2:C4", "D2:D4", "F2:F4", "G2:G4", "H2:H4"])
    out = tmp_path / "r"
    result = _import(cli, src, "responsibility", out)
    model = result.catalog.model
    resp = {model.powers[r.power].name: r for r in model.responsibilities.values()}
    food = resp["食品经营许可"]
    assert food.stages == {"accept": "依法受理或不予受理申请。", "review": "对申请材料进行审查。", "decide": "作出决定",
                           "deliver": "送达许可证。"}
    assert food.accountability == ["对符合条件的申请不予受理的", "违法准予许可的"]
    assert model.departments[food.supervisor].name == "某市市场监督管理局"
    assert [(c.law, c.article) for c in food.basis] == [("中华人民共和国食品安全法", "第三十五条")]
    drug = resp["药品零售许可"]
    assert drug.stages == {"accept": "受理。", "review": "审查。", "supervise": "日常检查。"} and drug.supervisor is None
    assert problems(out) == [(5, "unmapped-duty"), (6, "empty-name")]
    found = rules_found(result)
    assert found.get("power-without-responsibility") == 1  # the drug licence names no supervising department


def test_split_duties():
    stages, rest = split_duties("总体要求。1、受理责任：甲。2、审核责任：乙；3、送达责任：丙。（4）其它责任：丁")
    assert stages == {"accept": "甲。", "review": "乙", "deliver": "丙。"}
    assert rest == ["总体要求", "其它责任：丁"]


# ---------------------------------------------------------------- negative list
def test_negative_list_sections_give_the_type_and_codes_must_be_unique(tmp_path, cli):
    src = _workbook(tmp_path / "n.xlsx", "负面清单", [
        ["市场准入负面清单（2022年版）"],
        ["项目号", "禁止或许可事项", "事项编码", "禁止或许可准入措施描述", "主管部门"],
        ["一、禁止准入类"],
        [1, "法律、法规、国务院决定等明确设立且与市场准入相关的禁止性规定", "101", "禁止违规开展金融相关经营活动", "人民银行、银保监会"],
        ["二、许可准入类"],
        [2, "未获得许可，不得从事食品经营", "201", "食品经营许可", "市场监管总局"],
        [3, "", "202", "x", "市场监管总局"],
        [4, "未获得许可，不得从事药品零售", "201", "药品经营许可", "药监局"],
    ], ["A1:E1", "A3:E3", "A5:E5"])
    out = tmp_path / "n"
    result = _import(cli, src, "negative", out)
    entries = {n.code: n for n in result.catalog.model.negatives.values()}
    assert set(entries) == {"101", "201"}
    assert entries["101"].type == "prohibited" and entries["201"].type == "licensed"
    assert entries["201"].description == "食品经营许可"
    assert result.catalog.model.departments[entries["101"].department].name == "人民银行"
    assert problems(out) == [(7, "empty-name"), (8, "duplicate-code")]
    assert rules_found(result) == {"negative-list-unimplemented": 1}  # a real finding: nothing implements 201


def test_negative_list_type_column_and_unknown_type(tmp_path, cli):
    src = tmp_path / "n.csv"
    src.write_text("事项编码,禁止或许可事项,准入类型,主管部门\n301,禁止新建高尔夫球场,禁止准入,自然资源部\n302,某某管理措施,备案类,商务部\n303,某项活动,,商务部\n",
                   encoding="utf-8")
    out = tmp_path / "n"
    result = _import(cli, src, "negative", out)
    entries = {n.code: n for n in result.catalog.model.negatives.values()}
    assert entries["301"].type == "prohibited" and entries["302"].type is None and entries["303"].type is None
    assert problems(out) == [(3, "unknown-type"), (4, "unknown-type")]


# ---------------------------------------------------------------- matter list
MATTER_ROWS = [
    ["序号", "事项名称", "事项编码", "权力类型", "实施主体", "行使层级", "法定办结时限（工作日）", "承诺办结时限", "到办事现场次数", "申请材料", "服务对象", "受理条件"],
    ["1", "食品经营许可证核发", "11330100MB0000001R4330100001000", "行政许可", "某市市场监督管理局", "市级", "20", "10(工作日)", "1",
     "1、食品经营许可申请书\n2、营业执照复印件\n3、法定代表人身份证明", "企业法人、个体工商户", "具有与经营的食品品种、数量相适应的经营场所（《中华人民共和国食品安全法》第三十三条）"],
    ["2", "药品零售许可", "11330100MB0000001R4330100002000", "行政许可", "某市市场监督管理局", "市级", "约7天", "5个工作日", "最多跑一次", "申请书；身份证", "企业法人", ""],
    ["3", "", "11330100MB0000001R4330100003000", "行政许可", "某市市场监督管理局", "市级", "1", "1", "0", "", "", ""],
    ["4", "另一事项", "11330100MB0000001R4330100001000", "行政许可", "某市市场监督管理局", "市级", "1", "1", "0", "", "", ""],
    ["5", "户外广告设置许可", "11330100MB0000001R4330100005000", "行政许可", "某市城市管理局", "市级", "3个月", "2小时", "2", "设置申请表", "自然人", "符合规划"],
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_matter_csv_in_any_common_encoding(tmp_path, cli, encoding):
    src = tmp_path / "m.csv"
    with open(src, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(MATTER_ROWS)
    out = tmp_path / "m"
    model = _import(cli, src, "matter", out).catalog.model
    matters = {mt.name: mt for mt in model.matters.values()}
    assert set(matters) == {"食品经营许可证核发", "药品零售许可", "户外广告设置许可"}
    food = matters["食品经营许可证核发"]
    assert food.code == "11330100MB0000001R4330100001000" and food.level == "city" and food.visits == 1
    assert (food.limits.statutory.amount, food.limits.statutory.unit) == (20, "working_days")  # the unit is in the heading
    assert (food.limits.promised.amount, food.limits.promised.unit) == (10, "working_days")
    assert [x.name for x in food.materials] == ["食品经营许可申请书", "营业执照复印件", "法定代表人身份证明"]
    assert food.applicants == ["企业法人", "个体工商户"]
    assert [c.text for c in food.conditions] == [MATTER_ROWS[1][11]] and food.conditions[0].expr is None
    assert [(c.law, c.article) for c in food.basis] == [("中华人民共和国食品安全法", "第三十三条")]
    assert model.powers[food.power].category == "licensing"
    drug = matters["药品零售许可"]
    assert drug.limits.statutory is None and drug.limits.promised.amount == 5 and drug.visits == 1
    ad = matters["户外广告设置许可"]
    assert ad.limits.statutory is None and (ad.limits.promised.amount, ad.limits.promised.unit) == (2, "hours")
    assert problems(out) == [(3, "bad-time"), (4, "empty-name"), (5, "duplicate-code"), (6, "bad-time")]
    text = (out / "import-report.txt").read_text(encoding="utf-8")
    assert "第 6 行 11330100MB0000001R4330100005000：[bad-time] 时限“3个月”以月、年或周计" in text


def test_matter_workbook_with_a_two_row_heading(tmp_path, cli):
    src = _workbook(tmp_path / "m.xlsx", "事项", [
        ["事项名称", "实施主体", "办结时限", None, "申请材料", "收费标准", "办理渠道"],
        [None, None, "法定", "承诺", None, None, None],
        ["排污许可证核发", "生态环境局", "20个工作日", "10个工作日", "排污许可证申请表\n环评批复", "不收费", "网上办理、窗口办理"],
        ["排污登记", "生态环境局", "即办", "即办", None, "按规定收取工本费", "快递"],
        ["排污许可证补办", "生态环境局", "5", "1", None, "10元", "到大厅"],
    ], ["A1:A2", "B1:B2", "C1:D1", "E1:E2", "F1:F2", "G1:G2"])
    out = tmp_path / "m"
    model = _import(cli, src, "matter", out).catalog.model
    mt = {x.name: x for x in model.matters.values()}
    permit = mt["排污许可证核发"]
    assert permit.limits.statutory.amount == 20 and permit.limits.promised.amount == 10
    assert [x.name for x in permit.materials] == ["排污许可证申请表", "环评批复"]
    assert permit.fee.free and permit.channels == ["online", "window"]
    # 即办 in both columns: handled on the spot; a statutory limit is a duration or 无, so it is reported as assumed
    assert mt["排污登记"].limits.on_the_spot and mt["排污登记"].limits.statutory is None and mt["排污登记"].fee.text == "按规定收取工本费"
    assert mt["排污登记"].channels == ["mail"]
    assert mt["排污许可证补办"].fee.amount == 10 and mt["排污许可证补办"].channels == []
    assert problems(out) == [(4, "assumed-on-the-spot"), (5, "assumed-unit"), (5, "assumed-unit"), (5, "bad-channel")]


def test_a_table_without_recognisable_headings_is_refused(tmp_path, cli):
    src = _workbook(tmp_path / "x.xlsx", "Sheet", [["a", "b"], [1, 2]])
    r = cli("import", "table", str(src), "--kind", "power", "--out", str(tmp_path / "o"))
    assert r.code == 2 and "找不到权力清单的表头" in r.err
    assert not (tmp_path / "o").exists()


def test_old_xls_and_broken_workbooks_are_refused_with_a_message(tmp_path, cli):
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    (tmp_path / "b.xlsx").write_bytes(b"not a zip")
    r = cli("import", "table", str(tmp_path / "a.xls"), "--kind", "power", "--out", str(tmp_path / "o"))
    assert r.code == 2 and "另存为 .xlsx" in r.err
    r = cli("import", "table", str(tmp_path / "b.xlsx"), "--kind", "power", "--out", str(tmp_path / "o"), "--lang", "en")
    assert r.code == 2 and "not a readable .xlsx workbook" in r.err


def test_sheet_option(tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表说明"])
    ws = wb.create_sheet("清单")
    ws.append(["事项名称", "实施主体"])
    ws.append(["排污许可", "生态环境局"])
    wb.save(tmp_path / "s.xlsx")
    assert [p.name for p in read_table(tmp_path / "s.xlsx", "power").powers.values()] == ["排污许可"]
    assert [p.name for p in read_table(tmp_path / "s.xlsx", "power", sheet="清单").powers.values()] == ["排污许可"]
    with pytest.raises(TableError) as e:
        read_table(tmp_path / "s.xlsx", "power", sheet="说明")
    assert "表头" in e.value.zh
    with pytest.raises(TableError) as e:
        read_table(tmp_path / "s.xlsx", "power", sheet="没有")
    assert "说明、清单" in e.value.zh


# ---------------------------------------------------------------- round trip of qingdan's own exports
@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixture") / "build"
    r = run_cli("build", str(FIXTURE), "-o", str(out), "-q", "--no-site")
    assert r.code == 0, r.output
    return out


def _rebuild(cli, src: Path, kind: str, root: Path) -> Path:
    project, build = root / f"{kind}-project", root / f"{kind}-build"
    assert cli("import", "table", str(src), "--kind", kind, "--out", str(project), "--baseline").code == 0
    compiled(project)
    r = cli("build", str(project), "-o", str(build), "-q", "--no-site")
    assert r.code == 0, r.output
    return build


def test_power_list_export_reads_back_unchanged(fixture_build, tmp_path, cli):
    build = _rebuild(cli, fixture_build / "lists" / "power-list.xlsx", "power", tmp_path)
    before, after = list_rows(fixture_build, "power-list"), list_rows(build, "power-list")
    assert before and after == before


def test_responsibility_list_export_reads_back(fixture_build, tmp_path, cli):
    build = _rebuild(cli, fixture_build / "lists" / "responsibility-list.xlsx", "responsibility", tmp_path)
    keep = [col.NAME, col.CODE, col.CATEGORY, col.BODY, col.DUTIES, col.ACCEPT, col.REVIEW, col.DECIDE, col.DELIVER,
            col.SUPERVISE, col.SUPERVISOR, col.ACCOUNTABILITY, col.BASIS, col.ID, col.POWER_ID]
    before = [{k: r[k] for k in keep} for r in list_rows(fixture_build, "responsibility-list")]
    after = [{k: r[k] for k in keep} for r in list_rows(build, "responsibility-list")]
    assert before and after == before


def test_negative_list_export_reads_back(fixture_build, tmp_path, cli):
    build = _rebuild(cli, fixture_build / "lists" / "negative-list.csv", "negative", tmp_path)
    keep = [col.CODE, col.ENTRY, col.ENTRY_TYPE, col.MEASURE, col.AUTHORITY, col.ACTIVITIES, col.SET_BASIS, col.ID]
    before = [{k: r[k] for k in keep} for r in list_rows(fixture_build, "negative-list")]
    after = [{k: r[k] for k in keep} for r in list_rows(build, "negative-list")]
    assert before and after == before


def test_power_status_and_dates(tmp_path, cli):
    src = _workbook(tmp_path / "s.xlsx", "清单", [
        ["事项名称", "实施主体", "权力类型", "权力状态", "生效日期", "失效日期"],
        ["甲许可", "某局", "行政许可", "保留", datetime.datetime(2024, 1, 1), "2030年12月31日"],
        ["乙许可", "某局", "行政许可", "下放（县级）", "2024/3/1", None],
        ["丙许可", "某局", "行政许可", "划转(行政审批局)", None, None],
        ["丁许可", "某局", "行政许可", "合并(甲许可)", None, None],
        ["戊许可", "某局", "行政许可", "合并(不存在的权力)", "明年", None],
        ["己许可", "某局", "行政许可", "暂停", None, None],
    ])
    out = tmp_path / "s"
    model = _import(cli, src, "power", out).catalog.model
    p = {x.name: x for x in model.powers.values()}
    assert p["甲许可"].status.kind == "retain" and str(p["甲许可"].effective_from) == "2024-01-01"
    assert str(p["甲许可"].effective_to) == "2030-12-31"
    assert (p["乙许可"].status.kind, p["乙许可"].status.level) == ("delegate", "county") and str(p["乙许可"].effective_from) == "2024-03-01"
    assert p["丙许可"].status.kind == "transfer" and model.departments[p["丙许可"].status.target].name == "行政审批局"
    assert p["丁许可"].status.kind == "merge" and p["丁许可"].status.target == p["甲许可"].id
    assert p["戊许可"].status.kind == "retain" and p["戊许可"].effective_from is None
    assert problems(out) == [(6, "bad-date"), (6, "unknown-merge-target"), (7, "bad-status")]
