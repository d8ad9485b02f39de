"""Chinese for Chinese users: every command's --help, `qingdan explain` and the rule pages in Chinese.

The help's language comes from `--lang`, else QINGDAN_LANG, else the working directory's
qingdan.toml, else Chinese (qingdan/cli/helptext.py); English stays available.
"""

from __future__ import annotations

import re

import click
import pytest
from conftest import run_cli, write_project

from qingdan.cli import cli, docsgen
from qingdan.cli.helptext import (
    display_width,
    help_language,
    help_text,
    localize,
    missing_translations,
    walk,
    wrap,
)
from qingdan.compiler.checks import all_rules
from qingdan.compiler.rule_docs import explanation, rule_markdown
from qingdan.compiler.rule_text_zh import EXPLANATIONS_ZH
from qingdan.dsl import keywords as k

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _no_language_setting(monkeypatch, tmp_path):
    """Each test starts in a directory without qingdan.toml and without QINGDAN_LANG."""
    monkeypatch.delenv("QINGDAN_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    localize(cli, "en")


def test_every_command_and_option_has_a_chinese_help():
    assert missing_translations(cli) == []


def test_an_option_without_a_chinese_help_is_reported():
    @click.command("demo")
    @click.option("--plain", help="English only")
    @click.option("--both", help=help_text("中英文都有", "both languages"))
    def demo(plain: str, both: str) -> None:
        """A demo command."""

    assert missing_translations(demo) == ["qingdan", "qingdan --plain"]


@pytest.mark.parametrize("argv,environ,toml,expected", [
    ([], {}, None, "zh"),
    (["check", "--help"], {"QINGDAN_LANG": "en"}, None, "en"),
    (["check", "--help"], {"QINGDAN_LANG": "en_US.UTF-8"}, None, "en"),
    (["check", "--help"], {"QINGDAN_LANG": "zh_CN.UTF-8"}, 'lang = "en"', "zh"),
    (["check", "--help"], {"QINGDAN_LANG": "fr"}, None, "zh"),  # unknown: ignored
    (["check", "--help"], {}, 'lang = "en"', "en"),
    (["check", "--lang", "zh", "--help"], {"QINGDAN_LANG": "en"}, 'lang = "en"', "zh"),
    (["check", "--lang=en", "-h"], {}, None, "en"),
    (["check", "--", "--lang", "en"], {}, None, "zh"),
])
def test_help_language_order(tmp_path, argv, environ, toml, expected):
    if toml is not None:
        (tmp_path / "qingdan.toml").write_text(f"[project]\nname = \"x\"\n{toml}\n", encoding="utf-8")
    assert help_language(argv, environ, tmp_path) == expected


def test_help_is_chinese_by_default():
    r = run_cli("check", "--help")
    assert r.code == 0, r.output
    assert r.out.startswith("用法：qingdan check [OPTIONS] [PATH]")
    for text in ("检查规则项目", "选项：", "诊断结果的输出格式", "[默认：text]", "显示本帮助并退出。"):
        assert text in r.out, text
    assert "Usage:" not in r.out and "Options:" not in r.out and "diagnostic output format" not in r.out


def test_required_options_are_marked_in_chinese():
    r = run_cli("import", "table", "--help")
    assert r.code == 0 and "表格是哪一种清单 [必填]" in r.out


def test_help_in_english_on_request(monkeypatch, tmp_path):
    english = run_cli("check", "--help", "--lang", "en")
    assert english.code == 0 and english.out.startswith("Usage: qingdan check")
    assert "diagnostic output format" in english.out and "Show this message and exit." in english.out
    monkeypatch.setenv("QINGDAN_LANG", "en")
    assert run_cli("build", "-h").out.startswith("Usage: qingdan build")
    monkeypatch.delenv("QINGDAN_LANG")
    write_project(tmp_path, {}, toml='[project]\nname = "x"\nlevel = "市"\nlang = "en"\n')
    assert "Usage: qingdan" in run_cli("--help").out
    assert run_cli("--help", "--lang", "zh").out.startswith("用法：qingdan")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_command_help_renders_in_both_languages():
    for path, cmd in walk(cli):
        argv = path.split()[1:]
        if isinstance(cmd, click.Group):  # a group takes --lang before its commands
            zh, en = run_cli("--lang", "zh", *argv, "--help"), run_cli("--lang", "en", *argv, "--help")
        else:
            zh, en = run_cli(*argv, "--help", "--lang", "zh"), run_cli(*argv, "--help", "--lang", "en")
        assert zh.code == 0 and en.code == 0, (path, zh.output, en.output)
        assert zh.out.startswith(f"用法：{path}") and en.out.startswith(f"Usage: {path}"), path
        localize(cli, "en")
        first_en = cmd.help.split(".")[0]
        localize(cli, "zh")
        first_zh = cmd.help.split("。")[0]
        assert _flat(first_zh) in _flat(zh.out) and CJK.search(first_zh), path
        assert _flat(first_en) in _flat(en.out), path
        for param in cmd.params:
            if isinstance(param, click.Option) and param.help:
                assert CJK.search(param.help), (path, param.opts)


def test_chinese_help_lines_fit_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for path, _cmd in walk(cli):
        out = run_cli(*path.split()[1:], "--help").out
        for line in out.splitlines():
            # a usage or option name longer than the terminal cannot be broken; everything else fits
            if not line.lstrip().startswith(("-", "用法：")):
                assert display_width(line) <= 80, (path, line)


def test_wrap_breaks_by_display_width_and_keeps_punctuation_off_line_starts():
    text = "提示信息的语言（默认：环境变量 QINGDAN_LANG，其次项目的 lang，再次中文）" * 3
    lines = wrap(text, 30)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert display_width(line) <= 30 + 2  # a closing mark may hang one character over
        assert not line.startswith(("，", "。", "）", "、", "：")), line
    assert wrap("[默认：text]", 5) == ["[默认：text]"]  # a bracketed note never breaks


# ---------------------------------------------------------------- explain and the rules
def test_every_rule_has_a_chinese_explanation_and_no_stray_ones():
    names = {r.name for r in all_rules()}
    assert set(EXPLANATIONS_ZH) == names, (names - set(EXPLANATIONS_ZH), set(EXPLANATIONS_ZH) - names)
    for rule in all_rules():
        text = EXPLANATIONS_ZH[rule.name]
        assert len(CJK.findall(text)) > 20, rule.name
        page = rule_markdown(rule, "zh")
        assert text in page and "## 错误示例" in page and "## 豁免" in page and rule.explanation not in page
        english = rule_markdown(rule, "en")
        assert rule.explanation in english and "## Waiver" in english and text not in english


def test_explain_speaks_the_language_asked_for(monkeypatch, tmp_path):
    rule = next(r for r in all_rules() if r.name == "duplicate-material")
    zh_first = explanation(rule, "zh").split("\n")[0]
    en_first = rule.explanation.split("\n")[0]
    assert zh_first in run_cli("explain", "duplicate-material").out
    assert en_first in run_cli("explain", "duplicate-material", "--lang", "en").out
    monkeypatch.setenv("QINGDAN_LANG", "en")
    assert en_first in run_cli("explain", "QD201").out
    monkeypatch.delenv("QINGDAN_LANG")
    write_project(tmp_path, {}, toml='[project]\nname = "x"\nlevel = "市"\nlang = "en"\n')
    r = run_cli("explain", "duplicate-material")
    assert en_first in r.out and zh_first not in r.out
    assert zh_first in run_cli("explain", "duplicate-material", "--lang", "zh").out


def test_explain_lists_summaries_in_the_language():
    zh = run_cli("explain").out
    en = run_cli("explain", "--lang", "en").out
    rule = all_rules()[0]
    assert rule.summary_zh in zh and rule.summary_en in en


def test_check_messages_follow_qingdan_lang(monkeypatch, tmp_path):
    project = write_project(tmp_path / "p", {"a.qd": "事项 x {\n  部们: 市场监管局\n}\n"})
    assert "错误" in run_cli("check", str(project)).out
    assert "错误[" not in run_cli("--lang", "en", "check", str(project)).out  # the group's --lang
    monkeypatch.setenv("QINGDAN_LANG", "en")
    r = run_cli("check", str(project))
    assert r.code == 1 and "error" in r.out and "错误[" not in r.out
    assert "错误[" in run_cli("check", str(project), "--lang", "zh").out


# ---------------------------------------------------------------- the Chinese docs edition
def test_chinese_edition_has_every_generated_page():
    pages = docsgen.generated_pages()
    for rule in all_rules():
        assert f"zh/rules/{rule.name}.md" in pages and f"rules/{rule.name}.md" in pages
        assert EXPLANATIONS_ZH[rule.name] in pages[f"zh/rules/{rule.name}.md"]
    cli_zh = pages["zh/cli.md"]
    assert "# 命令行参考" in cli_zh and "选项：" in cli_zh and "Options:" not in cli_zh
    localize(cli, "zh")
    for path, cmd in walk(cli):
        for param in cmd.params:
            if isinstance(param, click.Option) and param.help:
                assert param.help.split("（")[0] in cli_zh, (path, param.opts)
    localize(cli, "en")
    assert "diagnostic output format" in pages["cli.md"] and "诊断结果的输出格式" not in pages["cli.md"]


def test_chinese_keyword_page_says_what_each_block_kind_is():
    assert set(docsgen.KIND_DOC_ZH) == set(k.KINDS)
    text = docsgen.keywords_markdown("zh")
    for en, zh in docsgen.KIND_DOC_ZH.items():
        assert zh in text, en


def test_docsgen_reports_a_stale_chinese_page(tmp_path):
    import shutil

    from conftest import REPO

    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    (docs / "zh" / "cli.md").write_text("# old\n", encoding="utf-8")
    (docs / "zh" / "rules" / "retired-rule.md").write_text("# retired\n", encoding="utf-8")
    assert docsgen.stale_pages(docs) == ["zh/cli.md", "zh/rules/retired-rule.md"]
    docsgen.write_pages(docs)
    assert docsgen.stale_pages(docs) == []
