"""The tool's own documentation site (docs/ and mkdocs.yml at the repository root).

The reference pages are generated from the code and must be up to date; the site must
build with `mkdocs build --strict`; the CI recipes it gives (pre-commit hooks, a GitHub
Actions workflow uploading SARIF) must name commands that really work.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import click
import pytest
import yaml
from conftest import REPO, run_cli

from qingdan.cli import COMMANDS, cli, docsgen
from qingdan.compiler.checks import all_rules
from qingdan.dsl import keywords as k

FIXTURE = REPO / "tests" / "fixtures" / "site"


def test_generated_reference_pages_are_up_to_date():
    stale = docsgen.stale_pages(REPO / "docs")
    assert not stale, f"out of date: {stale}; run: python -m qingdan.cli.docsgen"
    # click keeps each command's help option once made: generating the pages must not drop -h
    assert run_cli("build", "-h", "--lang", "en").out.startswith("Usage: qingdan build")


def test_docsgen_check_reports_a_stale_page(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    assert docsgen.stale_pages(docs) == []
    (docs / "keywords.md").write_text("# old\n", encoding="utf-8")
    (docs / "rules" / "retired-rule.md").write_text("# retired\n", encoding="utf-8")
    assert docsgen.stale_pages(docs) == ["keywords.md", "rules/retired-rule.md"]
    assert sorted(docsgen.write_pages(docs)) == ["keywords.md", "rules/retired-rule.md"]
    assert docsgen.stale_pages(docs) == [] and not (docs / "rules" / "retired-rule.md").exists()


def test_keywords_page_has_every_keyword_in_both_languages():
    text = (REPO / "docs" / "keywords.md").read_text(encoding="utf-8")
    tables = [k.KINDS, k.UNITS, k.RESERVED, *k.FIELDS.values(), *k.ENUMS.values()]
    for table in tables:
        for word in table.values():
            for spelling in word.spellings():
                assert f"`{spelling.replace('|', chr(92) + '|')}`" in text, spelling


def test_the_group_has_exactly_the_listed_commands():
    assert sorted(cli.commands) == sorted(c.name for c in COMMANDS)


def test_cli_page_has_every_command_and_option():
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")

    def walk(commands, prefix):
        for cmd in commands:
            yield f"{prefix} {cmd.name}", cmd
            if isinstance(cmd, click.Group):
                yield from walk(cmd.commands.values(), f"{prefix} {cmd.name}")

    commands = list(walk(COMMANDS, "qingdan"))
    assert {"qingdan check", "qingdan build", "qingdan site", "qingdan fmt", "qingdan explain"} <= {p for p, _ in commands}
    for path, cmd in commands:
        section = text.split(f"\n## {path} {{", 1)[-1] if f"\n## {path} {{" in text else text.split(f"\n### {path} {{", 1)[1]
        section = re.split(r"\n##+ qingdan ", section, maxsplit=1)[0]
        for param in cmd.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    assert opt in section, f"{path}: {opt}"
    assert "--no-site" in text and "--build" in text


def test_every_rule_has_a_page_and_the_index_links_it():
    index = (REPO / "docs" / "rules" / "index.md").read_text(encoding="utf-8")
    for rule in all_rules():
        assert f"[{rule.name}]({rule.name}.md)" in index
        assert (REPO / "docs" / "rules" / f"{rule.name}.md").is_file()


def test_tool_docs_build_with_mkdocs_strict(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / "mkdocs.yml"),
                           "--site-dir", str(tmp_path / "docs-site")], capture_output=True, text=True, env=env, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for page in ("index.html", "language/index.html", "keywords/index.html", "cli/index.html", "ci/index.html",
                 "site/index.html", "rules/index.html", "rules/duplicate-material/index.html"):
        assert (tmp_path / "docs-site" / page).is_file(), page
    cli_html = (tmp_path / "docs-site" / "cli" / "index.html").read_text(encoding="utf-8")
    assert 'id="qingdan-site"' in cli_html
    # ```qd fences are highlighted by qingdan's Pygments lexer (qingdan/highlight.py, found by its entry point)
    language = (tmp_path / "docs-site" / "language" / "index.html").read_text(encoding="utf-8")
    for span in ('<span class="kd">事项</span>', '<span class="k">依据</span>', '<span class="ow">且</span>', '<span class="kt">工作日</span>'):
        assert span in language, span
    rule = (tmp_path / "docs-site" / "rules" / "circular-certificate" / "index.html").read_text(encoding="utf-8")
    assert '<span class="kd">事项</span>' in rule and '<span class="nb">产出</span>' in rule


def test_chinese_docs_edition_builds_with_mkdocs_strict(tmp_path):
    """docs/zh/ with mkdocs.zh.yml (which inherits mkdocs.yml): the Chinese edition, into site/zh after the English one."""
    from qingdan.compiler.rule_text_zh import EXPLANATIONS_ZH

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    site = tmp_path / "docs-site"
    for config, out in (("mkdocs.yml", site), ("mkdocs.zh.yml", site / "zh")):
        proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO / config),
                               "--site-dir", str(out)], capture_output=True, text=True, env=env, cwd=REPO)
        assert proc.returncode == 0, (config, proc.stderr[-3000:])
    assert not (site / "zh" / "zh").exists() and not (site / "zh" / "index.md").exists()
    for page in ("index.html", "tutorial/index.html", "language/index.html", "keywords/index.html", "cli/index.html",
                 "rules/index.html", "rules/duplicate-material/index.html"):
        assert (site / "zh" / page).is_file(), page
    assert (site / "index.html").is_file() and (site / "rules" / "duplicate-material" / "index.html").is_file()
    rule = (site / "zh" / "rules" / "duplicate-material" / "index.html").read_text(encoding="utf-8")
    assert "一件事一次办，意味着只交一套材料" in rule and EXPLANATIONS_ZH["duplicate-material"].split("：")[0] in rule
    english = (site / "rules" / "duplicate-material" / "index.html").read_text(encoding="utf-8")
    assert "one set of materials" in english and "一件事一次办，意味着只交一套材料" not in english
    tutorial = (site / "zh" / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert '<span class="kd">事项</span>' in tutorial and "matters/query.qd" in tutorial  # highlighted, with the file's name
    cli_html = (site / "zh" / "cli" / "index.html").read_text(encoding="utf-8")
    assert 'id="qingdan-check"' in cli_html and "诊断结果的输出格式" in cli_html


# ---------------------------------------------------------------- CI recipes
def _hooks() -> dict[str, dict]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {h["id"]: h for h in hooks}


def test_pre_commit_hooks_expose_check_and_fmt_check():
    hooks = _hooks()
    assert set(hooks) == {"qingdan-check", "qingdan-fmt"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook) and hook["language"] == "python"
    assert hooks["qingdan-check"]["entry"] == "qingdan check" and hooks["qingdan-check"]["pass_filenames"] is False
    assert hooks["qingdan-fmt"]["entry"] == "qingdan fmt --check"
    assert re.search(hooks["qingdan-fmt"]["files"], "matters/market.qd")
    assert re.search(hooks["qingdan-check"]["files"], "qingdan.toml")


def _run(command: str, *extra: str):
    argv = shlex.split(command)
    assert argv[0] == "qingdan"
    return run_cli(*argv[1:], *extra)


def test_pre_commit_hooks_run_as_pre_commit_would(tmp_path, monkeypatch):
    hooks = _hooks()
    project = tmp_path / "rules"
    shutil.copytree(FIXTURE, project)
    monkeypatch.chdir(project)
    check = hooks["qingdan-check"]
    assert _run(check["entry"], *check["args"]).code == 0  # warnings only: passes at --fail-on error
    (project / "broken.qd").write_text("事项 x {\n  部们: 市场监管局\n}\n", encoding="utf-8")
    failed = _run(check["entry"], *check["args"])
    assert failed.code == 1 and "broken.qd:2:3" in failed.out
    (project / "broken.qd").unlink()
    fmt = hooks["qingdan-fmt"]
    assert run_cli("fmt", "base.qd").code == 0  # format, then the hook passes on the file
    assert _run(fmt["entry"], "base.qd").code == 0
    (project / "messy.qd").write_text('部门   乙  "乙部门"{层级:市}\n', encoding="utf-8")
    assert _run(fmt["entry"], "messy.qd").code == 1


def _workflow() -> dict:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return yaml.safe_load(next(b for b in blocks if "upload-sarif" in b))


def test_github_workflow_uploads_the_sarif_that_its_check_step_writes(tmp_path, monkeypatch):
    wf = _workflow()
    assert wf["permissions"]["security-events"] == "write"
    steps = wf["jobs"]["check"]["steps"]
    check = next(s for s in steps if "qingdan check" in s.get("run", ""))
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()" and steps.index(upload) > steps.index(check)
    assert "--format sarif" in check["run"]
    sarif_file = upload["with"]["sarif_file"]
    project = tmp_path / "rules"
    shutil.copytree(FIXTURE, project)
    monkeypatch.chdir(project)
    r = _run(check["run"])
    assert r.code == 0, r.output
    doc = json.loads((project / sarif_file).read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "qingdan"
    rules = {res["ruleId"] for res in run["results"]}
    assert {"too-many-visits", "vague-condition"} <= rules or {"QD305", "QD403"} <= rules
    fmt = next(s for s in steps if "qingdan fmt" in s.get("run", ""))
    assert shlex.split(fmt["run"])[:3] == ["qingdan", "fmt", "--check"]


@pytest.mark.parametrize("page", ["index.md", "ci.md", "site.md", "language.md", "zh/index.md", "zh/language.md", "zh/tutorial.md"])
def test_hand_written_pages_link_only_to_existing_pages(page):
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", text):
        assert ((REPO / "docs" / page).parent / target).is_file(), f"{page} links to missing {target}"
