"""`qingdan check`: formats, schemas, exit codes and hostile input, through the real entry point."""

import json
import os
import subprocess
import sys
from xml.etree import ElementTree

import jsonschema
import pytest
from conftest import REPO, write_project

GOOD = '''部门 市场监管局 "某市市场监督管理局" {
  层级: 市
}
'''
BAD = '''部门 市场监管局 "某市市场监督管理局" {
  层级: 市
  区化: x
}
部门 市场监管局 "重复" {}
'''


@pytest.fixture
def bad_project(tmp_path):
    return write_project(tmp_path / "bad", {"a.qd": BAD})


def test_clean_project_exits_0(tmp_path, cli):
    r = cli("check", write_project(tmp_path / "ok", {"a.qd": GOOD}))
    assert r.code == 0, r.output
    assert "0 个错误" in r.out


def test_findings_exit_1_with_source_and_underline(bad_project, cli):
    r = cli("check", bad_project)
    assert r.code == 1
    assert "a.qd:3:3: 错误[QD003 unknown-keyword]" in r.out
    assert "    3 |   区化: x\n      |   ^^^^" in r.out
    assert "参见 a.qd:1:4" in r.out


def test_english_messages(bad_project, cli):
    r = cli("check", bad_project, "--lang", "en")
    assert "error[QD003 unknown-keyword] a department has no field '区化'; did you mean '区划'?" in r.out


def test_json_validates_against_its_published_schema(bad_project, cli):
    r = cli("check", bad_project, "--format", "json")
    doc = json.loads(r.out)
    schema = json.loads((REPO / "qingdan/schemas/diagnostics.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    assert doc["format_version"] == "1.0"
    assert doc["summary"]["errors"] == 2
    names = {r["name"] for r in doc["rules"]}
    assert {"syntax-error", "unknown-keyword", "duplicate-id", "type-error"} <= names
    dup = next(d for d in doc["diagnostics"] if d["rule"] == "duplicate-id")
    assert dup["location"] == {"file": "a.qd", "line": 5, "column": 4, "end_line": 5, "end_column": 9}
    assert dup["related"][0]["location"]["line"] == 1
    assert "docs" not in dup, "no [project] site-url: no link (tests/test_ci_output.py has the links)"


def test_sarif_validates_against_sarif_2_1_0(bad_project, cli, shared):
    r = cli("check", bad_project, "--format", "sarif")
    doc = json.loads(r.out)
    schema = json.loads((shared / "standards/sarif-2.1.0/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls(schema).validate(doc)
    results = doc["runs"][0]["results"]
    assert {x["ruleId"] for x in results} == {"QD003", "QD005"}
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_github_annotations(bad_project, cli, monkeypatch):
    monkeypatch.chdir(bad_project)  # paths are relative to the working directory, as GitHub reads them
    r = cli("check", bad_project, "--format", "github")
    assert r.out.splitlines()[0].startswith("::error file=a.qd,line=3,col=3,endLine=3,endColumn=5,title=QD003 unknown-keyword::")


def test_junit(bad_project, cli):
    r = cli("check", bad_project, "--format", "junit")
    root = ElementTree.fromstring(r.out.encode("utf-8"))
    case = root.find("testsuite/testcase")
    assert case.get("name") == "a.qd" and case.find("failure") is not None


def test_fail_on_warning(tmp_path, cli):
    toml = '[project]\nname = "x"\n[checks]\nunknown-keyword = "warning"\n'
    p = write_project(tmp_path / "w", {"a.qd": '部门 a "A" { 部们: x }\n'}, toml=toml)
    assert cli("check", p).code == 0
    assert cli("check", p, "--fail-on", "warning").code == 1


def test_output_file_is_written(bad_project, cli, tmp_path):
    out = tmp_path / "report.sarif"
    cli("check", bad_project, "--format", "sarif", "--output", out)
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_usage_errors_exit_2(tmp_path, cli):
    r = cli("check", tmp_path / "missing")
    assert r.code == 2 and "path does not exist" in r.err
    (tmp_path / "empty").mkdir()
    r = cli("check", tmp_path / "empty")
    assert r.code == 2 and "no rule files" in r.err
    r = cli("check", "--format", "xml", tmp_path)
    assert r.code == 2


def test_invalid_utf8_is_located(tmp_path, cli):
    p = write_project(tmp_path / "u", {})
    (p / "a.qd").write_bytes('部门 a "好" {}\n部门 b "'.encode() + "坏".encode("gbk") + b'" {}\n')
    r = cli("check", p)
    assert r.code == 1
    assert "a.qd:2:7: 错误[QD002 unreadable-file]" in r.out and "UTF-8" in r.out


def test_binary_file(tmp_path, cli):
    p = write_project(tmp_path / "b", {})
    (p / "a.qd").write_bytes(b"\x00\x01\x02garbage")
    r = cli("check", p)
    assert r.code == 1 and "NUL" in r.out


def test_huge_file_is_refused_with_a_message(tmp_path, cli):
    p = write_project(tmp_path / "h", {})
    with open(p / "big.qd", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    r = cli("check", p)
    assert r.code == 1 and "big.qd:1:1" in r.out and "文件太大" in r.out


def test_deeply_nested_expression(tmp_path, cli):
    deep = "(" * 10000 + "a" + ")" * 10000
    p = write_project(tmp_path / "d", {"a.qd": f'事项 m "M" {{\n  条件 c "t" {{ 当: {deep} }}\n}}\n'})
    r = cli("check", p)
    assert r.code == 1 and "a.qd:2:" in r.out and "嵌套过深" in r.out


def test_symlink_loop_and_broken_link(tmp_path, cli):
    p = write_project(tmp_path / "s", {"a.qd": GOOD})
    os.symlink(p, p / "loop")
    os.symlink(p / "nowhere.qd", p / "broken.qd")
    r = cli("check", p)
    assert r.code == 1
    assert "broken.qd:1:1" in r.out and "Traceback" not in r.output


def test_single_file_without_project(tmp_path, cli):
    f = tmp_path / "one.qd"
    f.write_text(GOOD, encoding="utf-8")
    assert cli("check", f).code == 0


def test_explain(cli):
    r = cli("explain", "duplicate-id")
    assert r.code == 0 and "# duplicate-id (QD005)" in r.out and "错误示例" in r.out
    r = cli("explain", "duplicat-id")
    assert r.code == 2 and "did you mean 'duplicate-id'" in r.err
    assert "没有规则“duplicat-id”，是不是“duplicate-id”？" in r.err, "the suggestion in both languages"
    r = cli("explain")
    assert "QD001" in r.out and "syntax-error" in r.out


@pytest.mark.parametrize("args, code, last_line", [
    (["check", "examples/city"], 0, "共 0 个错误，0 个警告，0 个提示"),
    (["check", "examples/defects", "--format", "json"], 1, "}"),
    (["check", "no/such/dir"], 2, None),
])
def test_console_script_flushes_everything_and_keeps_the_exit_code(args, code, last_line):
    """The console script leaves with os._exit (no heap teardown): output must still be whole."""
    proc = subprocess.run([sys.executable, "-c", "from qingdan.cli import console_main; console_main()", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == code, proc.stderr
    if last_line is not None:
        assert proc.stdout.rstrip("\n").splitlines()[-1] == last_line
        if args[-1] == "json":
            assert json.loads(proc.stdout)["format_version"]
    else:
        assert proc.stderr.startswith("qingdan: ") and "Traceback" not in proc.stderr


def test_json_report_has_one_finding_per_line(cli):
    r = cli("check", REPO / "examples" / "defects", "--format", "json")
    doc = json.loads(r.out)
    lines = r.out.splitlines()
    for d in doc["diagnostics"]:
        line = next(x for x in lines if x.startswith('    {"rule": ') and json.loads(x.strip().rstrip(",")) == d)
        assert line
    assert len([x for x in lines if x.startswith('    {"rule": ')]) == len(doc["diagnostics"]) + len(doc["waivers"])
