"""Honest CI output: every link leads somewhere, every location is where the problem is.

Issue 15, "Honest CI output": documentation links come from the project's ``site-url``
(never a made-up address), GitHub annotations and SARIF name files relative to the
directory qingdan runs in, waivers accept the codes the messages print, configuration
errors point at the key or value concerned, SARIF rules carry the ``help`` GitHub code
scanning needs (checked with Microsoft's SARIF multitool), ``-o`` keeps the report off
standard output, and a project's ``code-pattern`` cannot hang a run.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import EXAMPLES, REPO, write_project

from qingdan.compiler import compile as compile_project
from qingdan.compiler.checks import all_rules
from qingdan.compiler.rule_docs import rule_markdown

BAD = '''部门 市场监管局 "某市市场监督管理局" {
  层级: 市
  区化: x
}
部门 市场监管局 "重复" {}
'''
SITE = "https://rules.example.gov.cn/catalog"


def _sarif_rule(doc: dict, name: str) -> dict:
    return next(r for r in doc["runs"][0]["tool"]["driver"]["rules"] if r["name"] == name)


# ---------------------------------------------------------------- 1. documentation links
def test_docs_links_lead_to_the_configured_site(tmp_path, cli):
    toml = f'[project]\nname = "测试"\nsite-url = "{SITE}/"\n'
    p = write_project(tmp_path / "p", {"a.qd": BAD}, toml=toml)
    doc = json.loads(cli("check", p, "--format", "json").out)
    assert [d["rule"] for d in doc["diagnostics"]] == ["unknown-keyword", "duplicate-id"], "site-url is a known key"
    dup = next(d for d in doc["diagnostics"] if d["rule"] == "duplicate-id")
    # the reviewers' site writes one page per rule at checks/rules/<rule>/
    assert dup["docs"] == f"{SITE}/checks/rules/duplicate-id/"
    assert next(r for r in doc["rules"] if r["name"] == "duplicate-id")["docs"] == dup["docs"]
    sarif = json.loads(cli("check", p, "--format", "sarif").out)
    assert _sarif_rule(sarif, "duplicate-id")["helpUri"] == f"{SITE}/checks/rules/duplicate-id/"
    assert "qingdan.invalid" not in json.dumps(sarif)


def test_without_a_site_url_no_link_is_invented(tmp_path, cli):
    p = write_project(tmp_path / "p", {"a.qd": BAD})
    out = cli("check", p, "--format", "json").out
    doc = json.loads(out)
    assert all("docs" not in d for d in doc["diagnostics"]) and all("docs" not in r for r in doc["rules"])
    schema = json.loads((REPO / "qingdan/schemas/diagnostics.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    sarif_out = cli("check", p, "--format", "sarif").out
    assert "qingdan.invalid" not in sarif_out
    assert all("helpUri" not in r for r in json.loads(sarif_out)["runs"][0]["tool"]["driver"]["rules"])


@pytest.mark.parametrize("value, col", [('"ftp://example.org/"', 12), ('"rules.example.gov.cn"', 12), ('"https://"', 12),
                                        ('"https://exa mple.org/"', 12), ("3", 12)])
def test_a_site_url_that_is_not_a_web_address_is_a_located_error(tmp_path, value, col):
    r = compile_project({"qingdan.toml": f'[project]\nsite-url = {value}\n', "a.qd": ""})
    [d] = [d for d in r.diagnostics if d.rule == "config-error"]
    assert (d.loc.line, d.loc.col, d.loc.end_col) == (2, col, col + len(value))
    assert "http" in d.message_zh and "site-url" in d.message_en
    assert r.config.site_url is None


# ---------------------------------------------------------------- 2. GitHub annotations in a subdirectory
def test_github_annotations_name_files_relative_to_the_working_directory(tmp_path, cli, monkeypatch):
    repo = tmp_path / "repo"
    write_project(repo / "rules" / "city", {"a.qd": BAD, "sub/b.qd": '部门 交通局 "交通运输局" {\n  区化: x\n}\n'})
    monkeypatch.chdir(repo)
    for arg in ("rules/city", str(repo / "rules" / "city")):
        lines = cli("check", arg, "--format", "github").out.splitlines()
        assert lines[0].startswith("::error file=rules/city/a.qd,line=3,col=3,"), lines[0]
        assert any(x.startswith("::error file=rules/city/sub/b.qd,line=2,") for x in lines), lines
    sarif = json.loads(cli("check", "rules/city", "--format", "sarif").out)
    where = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert where["uri"] == "rules/city/a.qd"


def test_github_annotations_of_a_project_in_the_working_directory(tmp_path, cli, monkeypatch):
    p = write_project(tmp_path / "p", {"a.qd": BAD})
    monkeypatch.chdir(p)
    assert cli("check", ".", "--format", "github").out.startswith("::error file=a.qd,line=3,col=3,")


# ---------------------------------------------------------------- 3. waivers by code
CONSTANT = '事项 x "事项" {{\n  事实 有证 "有证": 布尔\n  条件 a "甲" {{ 当: 是 }}  # 豁免 {rule}: 暂时对所有人开放\n}}\n'


@pytest.mark.parametrize("rule", ["constant-condition", "QD012", "qd012"])
def test_a_waiver_may_name_the_rule_or_its_code(rule):
    r = compile_project({"m.qd": CONSTANT.format(rule=rule)})
    waiver_rules = ("constant-condition", "invalid-waiver", "unused-waiver")
    assert [(d.rule, d.waived) for d in r.diagnostics if d.rule in waiver_rules] == [("constant-condition", "暂时对所有人开放")]


def test_a_waiver_of_an_unknown_code_is_refused_with_a_suggestion():
    r = compile_project({"m.qd": CONSTANT.format(rule="QD021")})
    problem = next(d for d in r.diagnostics if d.rule == "invalid-waiver")
    assert problem.suggestion in ("QD012", "QD011", "QD001", "QD201")
    assert "QD305" in problem.message_en, "the message shows that a code is accepted too"


def test_checks_in_qingdan_toml_may_name_a_rule_by_its_code():
    r = compile_project({"qingdan.toml": '[checks]\nQD012 = "error"\n', "m.qd": CONSTANT.format(rule="unused-waiver")})
    assert r.config.severities == {"constant-condition": "error"}
    assert [d.severity.value for d in r.diagnostics if d.rule == "constant-condition"] == ["error"]


def test_an_unused_waiver_by_code_is_reported_with_what_was_written():
    r = compile_project({"m.qd": '部门 甲 "甲" {}  # 豁免 QD305: 旧的理由\n'})
    [d] = [d for d in r.diagnostics if d.rule == "unused-waiver"]
    assert "QD305" in d.message_en and "too-many-visits" in d.message_en


# ---------------------------------------------------------------- 4. configuration errors where they are
@pytest.mark.parametrize("toml, span", [
    ('[project]\nname = "x"\nnmae = "y"\n', (3, 1, 3, 5)),  # an unknown key: the key
    ('[project]\n  "nmae" = "y"\n', (2, 3, 2, 9)),  # quoted and indented
    ('[projcet]\nname = "x"\n', (1, 2, 1, 9)),  # an unknown section: its name in the header
    ('[project]\nname = "x"\n[checks]\nname = "error"\n', (4, 1, 4, 5)),  # the same key in another table
    ('[project]\nname = """\nnmae = 1\n"""\nnmae = "x"\n', (5, 1, 5, 5)),  # not inside a multi-line string
    ('project.nmae = "x"\n', (1, 9, 1, 13)),  # a dotted key
    ('project = { name = "x", nmae = "y" }\n', (1, 25, 1, 29)),  # an inline table
    ('[project]\nlang = "fr"\n', (2, 8, 2, 12)),  # a bad value: the value
    ('[checks]\ntoo-many-visit = "error"\n', (2, 1, 2, 15)),
    ('[checks]\ntoo-many-visits = "fatal"  # 太严\n', (2, 19, 2, 26)),
    ('[calendar]\nholidays = [\n  "2026-10-01",\n  "2026-13-01",\n]\n', (4, 3, 4, 15)),  # the bad element of a list
    ('[materials]\nsynonyms = [\n  "身份证",\n]\n', (2, 12, 4, 2)),  # a value over several lines
    ('[materials.synonyms]\n"身份证" = ["居民身份证"]\n"户口簿" = "户口本"\n', (3, 9, 3, 14)),  # the bad entry
    ('[project]\nname = \n', (2, 8, 2, 9)),  # invalid TOML: where the parser stopped
    ('project = 3\n', (1, 1, 1, 8)),
])
def test_config_errors_point_at_the_key_or_value(toml, span):
    r = compile_project({"qingdan.toml": toml, "a.qd": ""})
    [d] = [d for d in r.diagnostics if d.rule == "config-error"]
    assert d.loc is not None and d.loc.file == "qingdan.toml"
    assert (d.loc.line, d.loc.col, d.loc.end_line, d.loc.end_col) == span, d.message_en


def test_sarif_region_of_an_unknown_key_covers_the_key(tmp_path, cli):
    p = write_project(tmp_path / "p", {"a.qd": ""}, toml='[project]\nname = "x"\ntoo-many = 1\n')
    doc = json.loads(cli("check", p, "--format", "sarif").out)
    [res] = doc["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 9}


def test_text_report_underlines_the_key_in_qingdan_toml(tmp_path, cli):
    p = write_project(tmp_path / "p", {"a.qd": ""}, toml='[project]\r\nname = "x"\r\nnmae = "y"\r\n')
    r = cli("check", p)
    assert "qingdan.toml:3:1: 错误[QD010 config-error] [project] 中没有“nmae”，是不是“name”？" in r.out
    assert '    3 | nmae = "y"\n      | ^^^^\n' in r.out


# ---------------------------------------------------------------- 5. SARIF help for GitHub code scanning
def test_every_sarif_rule_has_help_in_text_and_markdown(cli):
    doc = json.loads(cli("check", EXAMPLES / "defects", "--format", "sarif").out)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) == len(all_rules())
    by_name = {r.name: r for r in all_rules()}
    for r in rules:
        assert r["help"]["markdown"] == rule_markdown(by_name[r["name"]]), r["name"]
        assert r["help"]["text"].strip() and "```" not in r["help"]["text"], r["name"]
        assert by_name[r["name"]].summary_zh in r["help"]["text"] and by_name[r["name"]].summary_en in r["help"]["text"]


MULTITOOL = REPO / ".ci" / "node" / "node_modules" / ".bin" / "sarif-multitool"


def _multitool_findings(sarif: Path, tmp_path: Path) -> list[str]:
    """The errors and warnings of ``sarif-multitool validate --rule-kind "Gh;Ghas;Sarif"``, as ``"RULE level: …"``."""
    if not MULTITOOL.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{MULTITOOL} is missing: .ci/run installs it with npm")
        pytest.skip("Microsoft's SARIF multitool is not installed: npm install --prefix .ci/node @microsoft/sarif-multitool")
    log = tmp_path / "validation.sarif"
    # The npm wrapper runs the tool through a shell, so every argument is quoted for it.
    args = ["validate", "--rule-kind", "Gh;Ghas;Sarif", "--level", "Error;Warning", "--output", str(log), str(sarif)]
    proc = subprocess.run([str(MULTITOOL), *map(shlex.quote, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"})
    assert log.exists(), proc.stdout + proc.stderr
    results = json.loads(log.read_text(encoding="utf-8-sig"))["runs"][0]["results"]
    return [f"{x['ruleId']} {x.get('level', 'warning')}: {x['message'].get('arguments')}" for x in results
            if x.get("level", "warning") in ("error", "warning")]


def test_sarif_of_the_defects_example_passes_the_github_validator(tmp_path, cli):
    sarif = tmp_path / "defects.sarif"
    r = cli("check", EXAMPLES / "defects", "--format", "sarif", "-o", sarif)
    assert r.code == 1
    found = _multitool_findings(sarif, tmp_path)
    assert [x for x in found if " error: " in x] == []
    # Without a site-url there is no page about the checks, so tool.driver has no informationUri.
    assert [x for x in found if not x.startswith("SARIF2005 warning")] == []


def test_sarif_with_links_and_a_subdirectory_passes_the_github_validator(tmp_path, cli, monkeypatch):
    repo = tmp_path / "repo"
    write_project(repo / "rules", {"a.qd": BAD, "市场 局.qd": '部门 交通局 "交通运输局" {\n  区化: x\n}\n'},
                  toml=f'[project]\nname = "测试"\nsite-url = "{SITE}"\nnmae = "x"\n')
    monkeypatch.chdir(repo)
    cli("check", "rules", "--format", "sarif", "-o", "results.sarif")
    doc = json.loads((repo / "results.sarif").read_text(encoding="utf-8"))
    # a URI: the Chinese name and the space percent-encoded (GitHub refuses a file whose URIs are not URI references)
    assert {x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in doc["runs"][0]["results"]} == {
        "rules/a.qd", "rules/qingdan.toml", "rules/%E5%B8%82%E5%9C%BA%20%E5%B1%80.qd"}
    assert doc["runs"][0]["tool"]["driver"]["informationUri"] == f"{SITE}/checks/"
    assert _multitool_findings(repo / "results.sarif", tmp_path) == []


# ---------------------------------------------------------------- 6. -o keeps the report off standard output
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_output_file_takes_the_report_and_stdout_only_the_summary(tmp_path, cli, fmt):
    p = write_project(tmp_path / "p", {"a.qd": BAD})
    out = tmp_path / f"report.{fmt}"
    r = cli("check", p, "--format", fmt, "-o", out)
    assert r.code == 1
    assert r.out.count("\n") == 1 and "共 2 个错误，0 个警告，0 个提示" in r.out and str(out) in r.out, r.out[:300]
    assert out.read_text(encoding="utf-8") == cli("check", p, "--format", fmt).out
    r = cli("check", p, "--format", fmt, "--lang", "en", "-o", out)
    assert r.out.startswith("2 error(s), 0 warning(s), 0 info") and r.out.count("\n") == 1


# ---------------------------------------------------------------- 7. code-pattern in linear time
def test_a_catastrophic_code_pattern_does_not_hang_the_check(tmp_path):
    """``^(a|aa)+$`` against 50 a's and a b backtracks for hours in Python's re; RE2 answers at once."""
    toml = '[project]\nname = "测试"\n[checks]\ncode-pattern = "^(a|aa)+$"\n'
    p = write_project(tmp_path / "p", {"a.qd": f'事项 x "某审批" {{\n  编码: "{"a" * 50}b"\n}}\n'}, toml=toml)
    try:
        proc = subprocess.run([sys.executable, "-c", "from qingdan.cli import console_main; console_main()", "check", str(p),
                               "--format", "json"], cwd=REPO, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("qingdan check ran for more than 60 s on a code-pattern with nested repetition")
    doc = json.loads(proc.stdout)
    assert [d["rule"] for d in doc["diagnostics"] if d["rule"] == "invalid-code"] == ["invalid-code"]


@pytest.mark.parametrize("pattern", [r"(a)\\1", r"^(?=QD)[A-Z0-9]+$", r"[0-9]{1,5000}"])
def test_a_code_pattern_the_linear_engine_cannot_run_is_a_located_error(pattern):
    toml = f'[checks]\ncode-pattern = "{pattern}"\n'
    r = compile_project({"qingdan.toml": toml, "a.qd": '事项 x "某审批" {\n  编码: "330100-XK-0001"\n}\n'})
    [d] = [d for d in r.diagnostics if d.rule == "config-error"]
    assert (d.loc.line, d.loc.col, d.loc.end_col) == (2, 16, 16 + len(pattern) + 2)
    assert "code-pattern" in d.message_zh and "回溯引用" in d.message_zh and "look-around" in d.message_en
    assert r.config.code_pattern is None
    assert [x.rule for x in r.diagnostics if x.rule == "invalid-code"] == [], "the default shapes still apply"


def test_the_linked_pages_are_the_ones_the_reviewers_site_writes(tmp_path):
    """``rule_docs_url`` and SARIF's ``informationUri`` must name pages ``qingdan site`` really writes."""
    from qingdan.compiler.report import RULE_INDEX, RULE_PAGE, rule_docs_url
    from qingdan.generators.site import write_site_project

    written: dict[str, str | bytes] = {}
    result = compile_project({"qingdan.toml": '[project]\nname = "测试"\n', "a.qd": '部门 甲 "甲局" {\n  层级: 市\n}\n'})
    write_site_project(result.catalog, lambda rel, data: written.__setitem__(rel, data))
    assert "use_directory_urls: true" in str(written["mkdocs.yml"])
    for rule in all_rules():
        assert f"docs/{RULE_PAGE.format(name=rule.name).rstrip('/')}.md" in written, rule.name
        assert rule_docs_url(rule, SITE) == f"{SITE}/checks/rules/{rule.name}/"
    assert f"docs/{RULE_INDEX}index.md" in written


TRICKY_TOML = r"""# 注释 [not-a-table]
[project]
name = "某市 # 不是注释"   # 注释
"quoted.key" = 'literal \ no escape'
'single' = QQQ
多行 "" 字符串 \
nmae = 1
QQQ
lit = '''
nmae = 2 '' '''
arr = [ 1, [2, 3], { a = "]" }, # 注释
  "x,y", ]
when = 1979-05-27 07:32:00Z
"\u540d" = 1
inline = { b.c = 1, d = [ { e = 2 } ] }

[[tables]]
k = 1
[[tables]]
k = 2
[ spaced . header ]
z = true
""".replace("QQQ", '"' * 3)  # a multi-line basic string inside: written QQQ here


def test_the_toml_locator_finds_every_key_of_a_tricky_file():
    import tomllib

    from qingdan.compiler.config import toml_places

    at = toml_places(TRICKY_TOML)
    lines = TRICKY_TOML.split("\n")

    def text(span):
        line, col, end_line, end_col = span
        assert line == end_line
        return lines[line - 1][col - 1:end_col - 1]

    def walk(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                yield (*path, k)
                yield from walk(v, (*path, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from walk(v, (*path, i))

    found = {}
    for path in walk(tomllib.loads(TRICKY_TOML), ()):
        if isinstance(path[-1], str) and path in at.keys:
            found[path] = text(at.keys[path]).strip("\"'")
    assert found[("project", "name")] == "name" and found[("project", "quoted.key")] == "quoted.key"
    assert found[("project", "single")] == "single" and found[("project", "lit")] == "lit"
    assert found[("project", "arr")] == "arr" and found[("project", "when")] == "when"
    assert found[("project", "\u540d")] == "\\u540d"
    assert found[("project", "inline", "b", "c")] == "c" and found[("project", "inline", "d", 0, "e")] == "e"
    assert found[("tables", 1, "k")] == "k" and at.keys[("tables", 1, "k")][0] == 20
    assert found[("spaced", "header", "z")] == "z"
    assert ("project", "nmae") not in at.keys, "keys inside multi-line strings are text, not keys"
    assert text(at.values[("project", "arr", 3)]) == '"x,y"'
    assert text(at.values[("project", "when")]) == "1979-05-27 07:32:00Z"
    assert text(at.values[("project", "arr", 2, "a")]) == '"]"'


def test_a_line_break_in_a_name_cannot_forge_a_line_of_the_text_report(tmp_path, cli):
    """A ``\\n`` escape puts a line break into a name; the text report shows it escaped, on one line."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "qingdan.toml").write_text('[project]\nname = "测试"\nlevel = "市"\n', encoding="utf-8")
    (project / "a.qd").write_text('部门 甲 "甲" {}\n事项 x "名称" {\n  部门: 甲\n  条件 c "具有\\n::error file=forged.qd,line=1::伪造"\n}\n',
                                  encoding="utf-8")
    r = cli("check", project, "--format", "text")
    assert r.code == 1
    assert not any(line.startswith("::error") for line in r.out.splitlines()), r.out
    assert "（“具有\\n::error file=forged.qd,line=1::伪造”）" in r.out, "the name is shown, escaped, in the vague-condition finding"
