"""``qingdan import gov-json``: the 300 real records, their round trip through build, bad lines,
awkward names and strings (property-based), and determinism."""

from __future__ import annotations

import json
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from conftest import run_cli, shared_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import_support import catalog_json, compiled, list_rows, problems, report, rules_found

from qingdan.compiler import model as m
from qingdan.compiler.condition_text import says_no_condition
from qingdan.dsl.formatter import format_source
from qingdan.importers import writer
from qingdan.importers.gov_json import GovJsonReader, division_text
from qingdan.importers.records import citations, clean, one_line
from qingdan.importers.report import problem_line, report_json
from qingdan.importers.writer import identifier, write_project


def sample_records(shared: Path) -> list[dict]:
    """The sample's records, text values trimmed: the import drops surrounding spaces (some names end in U+3000)."""
    path = shared / "data" / "gd-province-sample.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{k: v.strip() if isinstance(v, str) else v for k, v in r.items()} for r in records]


@pytest.fixture(scope="module")
def sample_import(tmp_path_factory):
    shared = shared_dir()
    if shared is None:
        pytest.skip("shared/ not found: set QINGDAN_SHARED to the shared folder to run the sample import tests")
    root = tmp_path_factory.mktemp("sample")
    out, build = root / "project", root / "build"
    src = shared / "data" / "gd-province-sample.jsonl"
    r = run_cli("import", "gov-json", str(src), "--out", str(out), "--baseline")
    assert r.code == 0, r.output
    b = run_cli("build", str(out), "-o", str(build), "-q", "--no-site")
    assert b.code == 0, b.output
    return sample_records(shared), out, build, r


# ---------------------------------------------------------------- the real sample
def test_sample_import_compiles_without_language_errors_and_with_real_findings(sample_import):
    records, out, _, run = sample_import
    result = compiled(out)
    found = rules_found(result)
    conditions = sum(len(mt.conditions) for mt in result.catalog.model.matters.values())
    assert sum(1 for r in records if r["accept_standard"] not in ("无", "", None)) == 185
    assert conditions == 185 - 34  # 34 texts say there is no condition (无条件受理 …): kept in 备注
    assert found["truncated-condition"] == 34  # cut off at the colon, or after the first item of a list
    assert found["vague-condition"] == 89  # the other 28 are instructions, topics or the name again (直接申请, 按需查询办证进度)
    # "无" as the statutory limit (81 public services) is 法定: 无, not an error; the 61 with no promised
    # limit either are warnings, and no licensing matter lacks its statutory limit
    assert sum(1 for r in records if r["handle_time"] == "无") == 81
    assert "missing-time-limit" not in found
    assert sum(1 for r in records if r["handle_time"] == "无" and r["handle_time_limit"] == "无") == 61
    # of those 61, the 54 that ask nothing of the applicant (no visit, no materials, no condition: online
    # queries, published lists, exhibitions) have nothing to time; 临时性减容 (two visits) is reported
    timeless = {mt.id for mt in result.catalog.model.matters.values()
                if mt.limits.statutory_none and mt.limits.promised is None and not mt.limits.on_the_spot}
    reported = {d.message_en.split("'")[1] for d in result.diagnostics if d.rule == "no-time-limit"}
    assert len(timeless) == 61 and found["no-time-limit"] == len(reported) == 7 and reported < timeless
    assert "临时性减容" in reported and "志愿服务组织团体查找" in timeless - reported
    limits = result.catalog.model.matters.values()
    assert sum(1 for mt in limits if mt.limits.statutory_none) == 81
    assert found.get("power-without-responsibility") == len(result.catalog.model.powers)  # the export has no responsibility list
    assert len(result.catalog.model.powers) == len({(r["CATANAME"], r["DEPT_NAME"]) for r in records if r["TASK_TYPE_TEXT"] != "公共服务"})
    assert "读取 300 条记录，跳过 0 条" in run.out
    assert len(result.catalog.model.matters) == 300
    assert len(result.catalog.model.departments) == len({r["DEPT_NAME"] for r in records})


def test_sample_files_are_per_department_ascii_named_and_formatted(sample_import):
    records, out, _, _ = sample_import
    files = sorted(p.name for p in out.glob("*.qd"))
    depts = sorted({r["DEPT_NAME"] for r in records})
    assert len([f for f in files if f.startswith("dept-")]) == len(depts)
    for f in files:
        assert f.isascii() and re.fullmatch(r"dept-\d{3}-[a-z0-9]+\.qd|laws\.qd", f), f
        text = (out / f).read_text(encoding="utf-8")
        assert format_source(text) == text, f"{f} is not in canonical layout"
    for i, name in enumerate(depts, 1):
        (path,) = out.glob(f"dept-{i:03d}-*.qd")
        assert path.read_text(encoding="utf-8").startswith(f"# 部门：{name}\n")
    assert "事项 " in (out / files[0]).read_text(encoding="utf-8")


def test_sample_round_trip_power_list(sample_import):
    records, out, build, _ = sample_import
    rows = {(r["事项名称"], r["实施主体"]): r for r in list_rows(build, "power-list")}
    shared_codes = {p["value"] for p in report(out)["problems"] if p["code"] == "shared-code"}
    powers = [r for r in records if r["TASK_TYPE_TEXT"] != "公共服务"]  # a public service is no administrative power
    assert len(rows) == len({(r["CATANAME"], r["DEPT_NAME"]) for r in powers})
    for rec in powers:
        row = rows[(rec["CATANAME"], rec["DEPT_NAME"])]
        assert row["权力类型"] == rec["TASK_TYPE_TEXT"]
        assert row["行使层级"] == rec["matter_level"]
        if rec["parentCatalogId"] in shared_codes and row["事项编码"] == "":
            assert rec["parentCatalogId"] in row["备注"]
        else:
            assert row["事项编码"] == rec["parentCatalogId"]


def _duration(text: str):
    mt = re.fullmatch(r"(\d+)\((工作日|自然日)\)", text)
    if not mt:
        assert text == "无"
        return None
    return {"amount": mt.group(1), "unit": {"工作日": "working_days", "自然日": "natural_days"}[mt.group(2)]}


def test_sample_round_trip_matters(sample_import):
    records, _, build, _ = sample_import
    doc = catalog_json(build)
    by_code = {mt["code"]: mt for mt in doc["matters"].values()}
    depts = doc["departments"]
    level_zh = {"province": "省级", "city": "市级"}
    for rec in records:
        mt = by_code[rec["TASK_CODE"]]
        assert mt["name"] == rec["TASK_NAME"]
        assert depts[mt["department"]]["name"] == rec["DEPT_NAME"]
        assert level_zh[mt["level"]] == rec["matter_level"]
        assert mt["base_code"] == rec["parentCatalogId"]
        if rec["TASK_TYPE_TEXT"] == "公共服务":
            assert mt["power"] is None and mt["category"] == "public_service"
        else:
            power = doc["powers"][mt["power"]]
            assert power["name"] == rec["CATANAME"] and m.CATEGORY_ZH[power["category"]] == rec["TASK_TYPE_TEXT"]
        for key, field in (("statutory", "handle_time"), ("promised", "handle_time_limit")):
            assert mt["limits"][key] == _duration(rec[field]), (rec["TASK_CODE"], field)
        assert mt["limits"]["statutory_none"] == (rec["handle_time"] == "无")
        assert mt["limits"]["on_the_spot"] is False  # the sample promises at least one working day everywhere
        assert mt["visits"] == int(rec["visit_number"])
        materials = rec["material_intro"] if isinstance(rec["material_intro"], list) else []
        assert [x["name"] for x in mt["materials"]] == materials
        assert mt["applicants"] == rec["service_object_name"]
        assert mt["contact"] == (None if rec["consult_phone"] == "无" else rec["consult_phone"])
        assert mt["location"] == rec["handle_location"].removeprefix("办理地点：").strip()
        conditions = [c["text"] for c in mt["conditions"]]
        no_condition = rec["accept_standard"] == "无" or says_no_condition(rec["accept_standard"])
        assert conditions == ([] if no_condition else [rec["accept_standard"].strip()])
        if no_condition and rec["accept_standard"] != "无":
            assert f"受理条件：{rec['accept_standard'].strip()}" in mt["note"]
        # the service guide's elements: none of them left in the note
        assert mt["complaint"] == (None if rec["complain_phone"] == "无" else rec["complain_phone"])
        assert mt["courier"] == (rec["courier_service"] == "是"), rec["courier_service"]
        assert ("mail" in mt["channels"]) == (rec["courier_service"] == "是")
        book_url = None if rec["online_book_addr"] == "无" else rec["online_book_addr"]
        assert mt["booking_url"] == book_url
        assert mt["booking"] == (rec["online_book"] == "是" or book_url is not None)
        assert mt["online_url"] == rec["URL"]
        divides = rec["co_department"] != "无" and division_text(rec["co_department"], mt["level"]) is not None
        joint = [] if rec["co_department"] == "无" or divides else rec["co_department"].split("、")
        assert [b["text"] for b in mt["joint_bodies"]] == joint and all(b["department"] is None for b in mt["joint_bodies"])
        note = mt["note"] or ""
        for gone in ("投诉电话", "联办部门", "网上预约", "预约地址", "快递送达"):
            assert gone not in note, (rec["TASK_CODE"], note)


def test_sample_legal_bases_come_from_book_titles(sample_import):
    records, out, build, _ = sample_import
    doc = catalog_json(build)
    laws = {law["name"]: law for law in doc["laws"].values()}
    assert "第三十九条" in laws["中华人民共和国义务教育法"]["articles"]
    assert laws["中华人民共和国义务教育法"]["type"] == "statute"
    assert "广东省教育厅关于印发〈广东省教育厅关于广东省中小学地方课程教材审查的管理办法〉的通知" in laws
    first = next(mt for mt in doc["matters"].values() if mt["code"] == records[0]["TASK_CODE"])
    assert {"law": next(k for k, v in doc["laws"].items() if v["name"] == "中华人民共和国义务教育法"), "article": "第三十九条"} in first["basis"]


def test_sample_build_refuses_without_baseline_and_names_the_real_errors(sample_import, tmp_path, cli):
    records, _, _, _ = sample_import
    out = tmp_path / "strict"
    assert cli("import", "gov-json", str(shared_dir() / "data" / "gd-province-sample.jsonl"), "--out", str(out)).code == 0
    toml = (out / "qingdan.toml").read_text(encoding="utf-8")
    assert 'power-without-responsibility = "warning"' in toml and "missing-time-limit" not in toml
    r = cli("build", str(out), "-o", str(tmp_path / "b"), "--no-site")
    errors = set(re.findall(r"错误\[QD\d+ ([a-z-]+)\]", r.output))
    assert r.code == 1 and errors, r.output
    assert not errors & {"missing-time-limit", "no-time-limit", "steps-exceed-limit", "promised-exceeds-statutory"}  # 无 is not an error
    assert not (tmp_path / "b").exists()


def test_the_same_input_gives_byte_identical_projects(tmp_path, shared):
    src = shared / "data" / "gd-province-sample.jsonl"
    for name in ("a", "b"):
        assert run_cli("import", "gov-json", str(src), "--out", str(tmp_path / name)).code == 0
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a == b
    assert str(tmp_path) not in "".join(x.decode("utf-8") for x in a.values())


# ---------------------------------------------------------------- bad input
def _record(**over) -> dict:
    base = {
        "TASK_CODE": "11440000006940116U2440102002003", "TASK_NAME": "中小学地方课程教材初审", "TASK_TYPE_TEXT": "行政许可",
        "TASK_TYPE": "01", "CATANAME": "中小学地方课程教材初审、审定、复查", "parentCatalogId": "44010200200Y",
        "DEPT_NAME": "广东省教育厅", "AREACODE": "440000", "AREA_CODE_TEXT": "广东省", "ORGCODE": "006940116",
        "matter_level": "省级", "district": "省级", "visit_number": "0", "handle_time": "70(工作日)", "handle_time_limit": "18(工作日)",
        "accept_standard": "根据《中华人民共和国义务教育法》第三十九条，符合条件的可以申请。", "material_intro": ["审查登记表", "教材清样"],
        "service_object_name": ["自然人", "企业法人"], "consult_phone": "020-37628755", "handle_location": "办理地点：广州市农林下路72号",
        "co_department": "无", "complain_phone": "020-37627229", "theme_category": ["教育科研"], "courier_service": "是",
        "bear_paltform": "广东省统一申办受理平台", "URL": "http://example.invalid/a?b=1#frag",
    }
    base.update(over)
    return base


def _write_lines(path: Path, lines: list) -> Path:
    data = b"\n".join(x if isinstance(x, bytes) else (x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)).encode("utf-8") for x in lines)
    path.write_bytes(data + b"\n")
    return path


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_is_imported(tmp_path, cli):
    src = _write_lines(tmp_path / "bad.jsonl", [
        _record(),                                                     # 1 fine
        '{"TASK_CODE": "x", ',                                         # 2 malformed JSON
        "[1, 2, 3]",                                                   # 3 not an object
        _record(TASK_CODE="11440000006940116U2440102002009", TASK_NAME="  "),  # 4 empty name
        _record(TASK_NAME="另一个名称"),                                 # 5 duplicate code of line 1
        "",                                                            # 6 blank: ignored
        _record(TASK_CODE="11440000006940116U2440102002004", TASK_NAME="约时事项", handle_time="约7天"),  # 7 bad time
        _record(TASK_CODE="11440000006940116U2440102002005", TASK_NAME="备案事项", TASK_TYPE_TEXT="行政备案",
                parentCatalogId="44010200299Y", CATANAME="某备案"),     # 8 unknown type
        b"\xff\xfe{}",                                                 # 9 not UTF-8
        _record(TASK_CODE="11440000006940116U2440102002006", TASK_NAME="次数事项", visit_number="很多"),  # 10 bad visits
        _record(TASK_CODE="11440000006940116U2440102002007", TASK_NAME="无主事项", DEPT_NAME="无", parentCatalogId="44010200298Y"),  # 11 no dept
    ])
    out = tmp_path / "out"
    r = cli("import", "gov-json", str(src), "--out", str(out))
    assert r.code == 0, r.output
    assert problems(out) == [(2, "malformed-line"), (3, "malformed-line"), (4, "empty-name"), (5, "duplicate-code"),
                             (7, "bad-time"), (8, "unknown-type"), (9, "malformed-line"), (10, "bad-visits"), (11, "missing-department")]
    rep = report(out)
    assert rep["summary"]["records_read"] == 10 and rep["summary"]["records_skipped"] == 5
    assert rep["summary"]["matters"] == 5
    assert "无主事项" in (out / "unassigned.qd").read_text(encoding="utf-8")
    assert "跳过 5 条" in r.out and "第 5 行" in r.out
    text = (out / "import-report.txt").read_text(encoding="utf-8")
    assert "第 7 行 11440000006940116U2440102002004：[bad-time] 无法识别的时限“约7天”" in text
    assert "第 2 行：[malformed-line]" in text
    result = compiled(out)
    mats = {mt.name: mt for mt in result.catalog.model.matters.values()}
    assert mats["约时事项"].limits.statutory is None and mats["约时事项"].limits.promised is not None
    assert mats["次数事项"].visits is None
    by_name = {p.name: p for p in result.catalog.model.powers.values()}
    assert by_name["某备案"].category is None and "行政备案" in (mats["备案事项"].note or "")
    source = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.qd"))
    assert "handle_time 原文（未能导入）: 约7天" in source and "visit_number 原文（未能导入）: 很多" in source
    assert '网上办理地址: "http://example.invalid/a?b=1#frag"' in source  # kept whole, '#' and all


def test_time_limit_forms_of_the_platform_become_the_language_s_words(tmp_path):
    """无 → 法定: 无; 即办, 即办件, 0 → 承诺: 即办; 天 stays 天 except in licensing (working days by law)."""
    svc = {"TASK_TYPE_TEXT": "公共服务", "parentCatalogId": "44010200297Y", "CATANAME": "某服务"}
    recs = [
        _record(TASK_CODE="11440000006940116U2440102002011", TASK_NAME="无无", handle_time="无", handle_time_limit="无", **svc),
        _record(TASK_CODE="11440000006940116U2440102002012", TASK_NAME="无即办", handle_time="无", handle_time_limit="即办", **svc),
        _record(TASK_CODE="11440000006940116U2440102002013", TASK_NAME="即办件", handle_time="无", handle_time_limit="即办件", **svc),
        _record(TASK_CODE="11440000006940116U2440102002014", TASK_NAME="零天", handle_time="5(工作日)", handle_time_limit="0(工作日)", **svc),
        _record(TASK_CODE="11440000006940116U2440102002015", TASK_NAME="服务天", handle_time="无", handle_time_limit="10天", **svc),
        _record(TASK_CODE="11440000006940116U2440102002016", TASK_NAME="许可天", handle_time="20天", handle_time_limit="10(工作日)"),
        _record(TASK_CODE="11440000006940116U2440102002017", TASK_NAME="空的", handle_time="", handle_time_limit="", **svc),
        _record(TASK_CODE="11440000006940116U2440102002018", TASK_NAME="法定即办", handle_time="即办", handle_time_limit="", **svc),
    ]
    src = _write_lines(tmp_path / "limits.jsonl", recs)
    result = GovJsonReader("limits.jsonl").read_bytes(src.read_bytes())
    write_project(result, tmp_path / "p")
    source = "".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "p").glob("*.qd")))
    compiled_result = compiled(tmp_path / "p")
    mats = {mt.name: mt.limits for mt in compiled_result.catalog.model.matters.values()}
    assert mats["无无"].statutory_none and mats["无无"].promised is None and not mats["无无"].on_the_spot
    for name in ("无即办", "即办件"):
        assert mats[name].statutory_none and mats[name].on_the_spot and mats[name].promised == m.Duration(amount=0, unit="working_days")
    assert mats["零天"].on_the_spot and mats["零天"].statutory == m.Duration(amount=5, unit="working_days")
    assert mats["服务天"].promised == m.Duration(amount=10, unit="days")  # ambiguous: kept, and warned about
    assert mats["许可天"].statutory == m.Duration(amount=20, unit="working_days")  # 行政许可法 第八十二条
    assert not mats["空的"].statutory_none and "block" not in mats["空的"].locs  # empty is not 无
    assert mats["法定即办"].on_the_spot and mats["法定即办"].statutory is None
    assert "时限 { 法定: 无; 承诺: 即办 }" in source and "时限 { 法定: 无 }" in source and "承诺: 10 天" in source
    codes = [(p.code, p.value) for p in result.problems]
    assert codes == [("assumed-unit", "20天"), ("assumed-on-the-spot", "即办")]
    found = rules_found(compiled_result)
    assert "missing-time-limit" not in found and found["no-time-limit"] == 2  # 无无 and 空的
    assert found["ambiguous-day-unit"] == 1  # 服务天
    (dept_file,) = (tmp_path / "p").glob("dept-*.qd")
    en = format_source(dept_file.read_text(encoding="utf-8"), keywords="en")
    assert "limits { statutory: none; promised: on_the_spot }" in en and "promised: 10 days" in en


def test_unknown_fields_are_kept_as_comments_and_listed(tmp_path):
    rec = _record(NEW_FIELD="新值", ANOTHER={"a": 1}, EMPTY_ONE="无")
    result = GovJsonReader("x.jsonl").read_bytes(json.dumps(rec, ensure_ascii=False).encode("utf-8"))
    write_project(result, tmp_path / "p")
    source = next((tmp_path / "p").glob("dept-*.qd")).read_text(encoding="utf-8")
    assert "# NEW_FIELD: 新值" in source and '# ANOTHER: {"a": 1}' in source and "EMPTY_ONE" not in source
    assert report(tmp_path / "p")["fields"]["NEW_FIELD"] == "事项 注释（未知字段）"


def test_a_problem_reads_the_same_in_both_languages_in_the_text_and_the_json_report():
    result = GovJsonReader("x.jsonl").read_bytes(json.dumps(_record(handle_time="约7天"), ensure_ascii=False).encode("utf-8"))
    (p,) = result.problems
    assert problem_line(p, "zh") == ("第 1 行 11440000006940116U2440102002003：[bad-time] 无法识别的时限“约7天”（应为如“20(工作日)”“5 自然日”“4 小时”）"
                                     "（handle_time=“约7天”）——该值未导入，原文保留在注释中")
    assert problem_line(p, "en") == ("line 1 11440000006940116U2440102002003: [bad-time] unreadable time limit '约7天' (expected e.g. "
                                     "'20(工作日)', '5 自然日', '4 小时') (handle_time='约7天') - value not imported; the original is kept as a comment")
    (doc,) = json.loads(report_json(result))["problems"]
    assert (doc["message_zh"], doc["message_en"]) == (p.message.zh, p.message.en)
    assert (doc["action"], doc["action_en"]) == ("omitted", "value not imported; the original is kept as a comment")


def test_workers_not_the_environment_decide_whether_files_are_formatted_in_worker_processes(tmp_path, monkeypatch):
    pools: list[int] = []

    class Pool(ProcessPoolExecutor):
        def __init__(self, workers, **kw):
            pools.append(workers)
            super().__init__(workers, **kw)

    monkeypatch.setattr(writer, "ProcessPoolExecutor", Pool)
    monkeypatch.setenv("QINGDAN_WORKERS", "1")  # read by the command line only
    recs = [_record(TASK_CODE=f"11440000006940116U24401020020{i:02d}", TASK_NAME=f"事项{i}", DEPT_NAME=f"部门{i % 3}") for i in range(6)]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs).encode("utf-8")
    write_project(GovJsonReader("x.jsonl").read_bytes(data), tmp_path / "one", workers=1)
    assert pools == []
    write_project(GovJsonReader("x.jsonl").read_bytes(data), tmp_path / "two", workers=2)
    assert pools == [2]
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    assert one == {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()} and len(one) == 8  # 3 departments, laws, toml, 2 reports, the import marker


def test_nothing_importable_is_a_usage_error_and_writes_nothing(tmp_path, cli):
    src = _write_lines(tmp_path / "junk.jsonl", ["not json", "{"])
    r = cli("import", "gov-json", str(src), "--out", str(tmp_path / "out"))
    assert r.code == 2 and "没有可以导入的记录" in r.err and "[malformed-line]" in r.err
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- names and strings
def test_awkward_names_become_valid_unique_identifiers_and_keep_their_titles(tmp_path):
    names = ['他说"你好"\\路径', "2寸照片", "是", "次", "（）", "a b", "A-B", "第1条", "营业执照", "营业执照", "ＡＢＣ１２３", "x" * 80]
    recs = [_record(TASK_CODE=f"1144000000694011{i:02d}U244010200200{i % 10}", TASK_NAME=n, material_intro=[n, n + "\n副本"],
                    DEPT_NAME=n if i % 3 == 0 else "教育厅", service_object_name=[n])
            for i, n in enumerate(names)]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs).encode("utf-8")
    result = GovJsonReader("x.jsonl").read_bytes(data)
    write_project(result, tmp_path / "p")
    model = compiled(tmp_path / "p").catalog.model
    assert sorted(mt.name for mt in model.matters.values()) == sorted(names)
    assert len(model.matters) == len(names)
    for mt in model.matters.values():
        assert [x.name for x in mt.materials] == [mt.name, mt.name + " 副本"]
        assert mt.applicants == [mt.name]
    assert {d.name for d in model.departments.values()} == {names[i] for i in range(0, len(names), 3)} | {"教育厅"}


def test_identifier_rules():
    assert identifier("食品经营许可（含网络）", "事项") == "食品经营许可含网络"
    assert identifier("2寸照片", "材料") == "材料_2寸照片"
    assert identifier("是", "事实") == "事实_是"
    assert identifier("。。", "材料") == "材料"
    assert identifier("hello world", "x") == "hello_world"
    assert len(identifier("长" * 100, "x")) == 32


def test_citations_from_text():
    text = ("根据《中华人民共和国义务教育法》（中华人民共和国主席令第五十二号）第三十九条、《国务院关于基础教育改革与发展的决定》"
            "（国发［2001］21号）第三点第22条、《人口信息查询登记表》和《广东省实施<中华人民共和国海洋环境保护法>办法》")
    got = [(c.law, c.article) for c in citations(text)]
    assert got == [("中华人民共和国义务教育法", "第三十九条"), ("国务院关于基础教育改革与发展的决定", "第二十二条"),
                   ("广东省实施〈中华人民共和国海洋环境保护法〉办法", None)]
    assert [(c.law, c.article) for c in citations("《药品管理法》第一百零五条、《某条例》第110条")] == [
        ("药品管理法", "第一百零五条"), ("某条例", "第一百一十条")]


_TEXT = st.text(alphabet=st.sampled_from(list('食品经营许可证核发法第条十三 （）()【】、，。；："“”\'\\\n\t#0123456789ａＢ１-_.《》<>是否次日天元')),
                min_size=1, max_size=24)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(names=st.lists(_TEXT, min_size=1, max_size=4), materials=st.lists(_TEXT, max_size=4), dept=_TEXT, condition=_TEXT)
def test_any_text_imports_into_a_project_that_compiles_and_keeps_it(tmp_path_factory, names, materials, dept, condition):
    recs = [_record(TASK_CODE=f"11440000006940116U24401020020{i:02d}", TASK_NAME=n, DEPT_NAME=dept, material_intro=materials,
                    accept_standard=condition, handle_location=condition, CATANAME=n, parentCatalogId=None)
            for i, n in enumerate(names)]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in recs).encode("utf-8")
    result = GovJsonReader("x.jsonl").read_bytes(data)
    if not result.matters:
        return  # every name was blank or "无": nothing to import, which the CLI reports
    out = tmp_path_factory.mktemp("prop") / "p"
    write_project(result, out)
    model = compiled(out).catalog.model
    want = sorted(one_line(c) for c in (clean(n) for n in names) if c)
    assert sorted(mt.name for mt in model.matters.values()) == want
    for mt in model.matters.values():
        assert [x.name for x in mt.materials] == [one_line(c, " ") for c in (clean(x) for x in materials) if c]
        cond = clean(condition)
        assert [c.text for c in mt.conditions] == ([cond] if cond else [])
