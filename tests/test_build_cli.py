"""``qingdan build`` end to end: refusal on errors, determinism, atomicity, templates,
escaping, flags and output messages."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import run_cli, write_project
from test_build_support import FIXTURE, catalog_of, copy_project, projects

from qingdan.generators import build as build_mod


def _tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}


def test_build_refuses_a_catalog_with_errors(tmp_path):
    project = write_project(tmp_path / "p", {"a.qd": '事项 x "某审批" {\n  编码: "XK 0001"\n  到场: 两次\n}\n'})
    out = tmp_path / "out"
    r = run_cli("build", "--no-site", project, "--out", out)
    assert r.code == 1
    assert "错误" in r.out and "a.qd:" in r.out, "diagnostics are printed as check prints them"
    assert "未生成任何文件" in r.err
    assert not out.exists()
    r = run_cli("build", "--no-site", project, "--out", out, "--format", "json", "--lang", "en")
    assert r.code == 1 and json.loads(r.out)["summary"]["errors"] >= 1
    assert "nothing was built" in r.err


def test_build_writes_everything_and_reports(tmp_path):
    out = tmp_path / "out"
    r = run_cli("build", "--no-site", FIXTURE, "--out", out)
    assert r.code == 0, r.output
    assert "已生成" in r.out and "2026.1" in r.out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["files"]) + 1 == sum(1 for p in out.rglob("*") if p.is_file())
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    q = run_cli("build", "--no-site", FIXTURE, "--out", out, "--quiet")
    assert q.code == 0 and q.out == "" and q.err == ""


def test_two_builds_are_byte_identical_whatever_the_file_order(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("build", FIXTURE, "--out", a, "-q").code == 0
    # the same rules in differently named files, read in another order, from another place
    other = copy_project(FIXTURE, tmp_path / "elsewhere" / "project")
    (other / "matters.qd").rename(other / "00-matters.qd")
    (other / "base.qd").rename(other / "zz-base.qd")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert run_cli("build", other, "--out", b, "-q").code == 0
    finally:
        os.chdir(cwd)
    assert (a / "manifest.json").read_bytes() == (b / "manifest.json").read_bytes()
    assert _tree(a) == _tree(b)
    text = (a / "manifest.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in text and str(FIXTURE) not in text


@pytest.mark.parametrize("project", [p for p in projects() if p != FIXTURE] or [FIXTURE], ids=lambda p: p.name)
def test_two_builds_of_each_example_give_identical_manifests(project, tmp_path):
    """The full build (site included) of the example catalog, twice (the fixture is covered above)."""
    from qingdan.compiler import compile as compile_project

    first, second = tmp_path / "first", tmp_path / "again"
    build_mod.build(compile_project(project).catalog, first)
    build_mod.build(compile_project(project).catalog, second)
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()
    assert _tree(first) == _tree(second)


def test_a_build_failing_midway_leaves_the_previous_build_intact(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q").code == 0
    before = _tree(out)

    def explode(catalog, outdir, ctx):
        ctx.write("partial.txt", "half written")
        raise RuntimeError("simulated failure in the middle of the build")

    steps = build_mod.BUILD_STEPS
    with pytest.raises(RuntimeError):
        build_mod.build(catalog_of(FIXTURE), out, steps=(*steps[:2], explode, *steps[2:]))
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary directory is left behind"

    # the same through the command line: a broken journey template makes the guides step
    # fail after it has written the matters' guides
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "journey_guide.md.j2").write_text("{% if %}\n", encoding="utf-8")
    r = run_cli("build", "--no-site", FIXTURE, "--out", out, "--version", "9.9", "--templates", templates)
    assert r.code == 1 and "journey_guide.md.j2" in r.err
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "templates"], "no temporary directory is left behind"


def test_the_build_steps_are_one_immutable_registry():
    from qingdan.generators.site import site_step

    steps = build_mod.BUILD_STEPS
    assert isinstance(steps, tuple)
    assert [s.name for s in steps] == ["guides_step", "forms_step", "decisions_step", "lists_step", "exports_step", "site_step"]
    assert steps[-1] is site_step, "the site runs last: it copies the other steps' files"


def test_version_and_date_come_from_flags_or_the_project(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", "--no-site", FIXTURE, "--out", out, "-q", "--version", "2027.0", "--date", "2027-01-02").code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["catalog_version"], manifest["date"]) == ("2027.0", "2027-01-02")
    guide = next((out / "guides" / "matters").glob("*.md")).read_text(encoding="utf-8")
    assert "目录版本 2027.0" in guide and "发布日期 2027-01-02" in guide
    bad = run_cli("build", "--no-site", FIXTURE, "--out", out, "--date", "明天")
    assert bad.code == 2 and "--date" in bad.err


def test_build_refuses_to_replace_a_directory_that_is_not_a_build(tmp_path):
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    r = run_cli("build", "--no-site", FIXTURE, "--out", precious)
    assert r.code == 1 and "manifest.json" in r.err
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"
    project = copy_project(FIXTURE, tmp_path / "proj")
    r = run_cli("build", "--no-site", project, "--out", project)
    assert r.code == 1 and (project / "qingdan.toml").is_file()
    r = run_cli("build", "--no-site", project, "--out", tmp_path)
    assert r.code == 1 and (project / "qingdan.toml").is_file()


def test_project_templates_override_the_builtin_ones(tmp_path):
    project = copy_project(FIXTURE, tmp_path / "proj")
    (project / "templates").mkdir()
    (project / "templates" / "matter_guide.md.j2").write_text("# 本地模板：{{ matter.name }}\n", encoding="utf-8")
    toml = (project / "qingdan.toml").read_text(encoding="utf-8")
    (project / "qingdan.toml").write_text(toml.replace('date = "2026-11-01"', 'date = "2026-11-01"\ntemplates = "templates"'), encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("build", "--no-site", project, "--out", out, "-q").code == 0
    md = (out / "guides" / "matters" / "11331100MB000000164331100001000.md").read_text(encoding="utf-8")
    assert md == "# 本地模板：食品经营许可证核发\n"
    html = (out / "guides" / "matters" / "11331100MB000000164331100001000.html").read_text(encoding="utf-8")
    assert "<!DOCTYPE html>" in html, "templates not overridden stay built in"

    flag_dir = tmp_path / "flagged"
    flag_dir.mkdir()
    (flag_dir / "matter_guide.md.j2").write_text("命令行模板 {{ matter.code }}\n", encoding="utf-8")
    assert run_cli("build", "--no-site", project, "--out", out, "-q", "--templates", flag_dir).code == 0
    assert (out / "guides" / "matters" / "11331100MB000000164331100001000.md").read_text(encoding="utf-8") == "命令行模板 11331100MB000000164331100001000\n"

    (flag_dir / "matter_guide.md.j2").write_text("{% if %}\n", encoding="utf-8")
    before = _tree(out)
    r = run_cli("build", "--no-site", project, "--out", out, "--templates", flag_dir)
    assert r.code == 1 and "matter_guide.md.j2:1" in r.err and "Traceback" not in r.err
    assert _tree(out) == before
    r = run_cli("build", "--no-site", project, "--out", out, "--templates", tmp_path / "missing")
    assert r.code == 2 and "模板目录不存在" in r.err


XSS_PROJECT = {
    "rules.qd": '''部门 某局 "某市某局" { 层级: 市; 区划: "331100" }
法规 某法 "某法" { 条款 第一条 "第一条内容。" }
权力 某权 "某权力" { 编码: "331100-XK-0009"; 类别: 行政许可; 部门: 某局; 依据: 某法.第一条 }
责任 某责 { 权力: 某权; 受理: "受理"; 监管部门: 某局; 追责: "违法的" }
事项 x "<script>alert(1)</script>" {
  编码: "331100-XK-0009"
  权力: 某权
  部门: 某局
  依据: 某法.第一条
  收费: 免费
  到场: 0 次
  事实 年龄 "<script>alert(1)</script>年龄": 数字
  条件 成年 "<script>alert(1)</script>成年" { 当: 年龄 >= 18; 依据: 某法.第一条 }
  材料 证明 "<script>alert(1)</script>证明" { 仅当: 年龄 < 60 }
  时限 { 法定: 5 工作日 }
}
一件事 j "<script>alert(1)</script>一件事" { 事项: x }
''',
}


def test_a_script_in_a_name_is_escaped_in_every_guide(tmp_path):
    project = write_project(tmp_path / "p", XSS_PROJECT)
    out = tmp_path / "out"
    r = run_cli("build", "--no-site", project, "--out", out)
    assert r.code == 0, r.output
    guides = sorted((out / "guides").rglob("*.*"))
    assert {g.suffix for g in guides} == {".md", ".html"} and len(guides) == 4
    for g in guides:
        text = g.read_text(encoding="utf-8")
        assert "<script>" not in text, g
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, g


def test_markdown_syntax_in_names_is_escaped():
    from qingdan.generators.guides import md_text

    assert md_text("a|b *c* [d](e) `f` #g") == r"a\|b \*c\* \[d\](e) \`f\` \#g"
    assert md_text("<b>&") == "&lt;b&gt;&amp;"
    assert md_text("x {: onclick=y } ~~z~~") == r"x \{: onclick=y \} &#126;&#126;z&#126;&#126;"


ATTR_PAYLOAD = "{: onfocus=alert(1) autofocus tabindex=1 }"


def test_published_guides_are_inert_under_attr_list_and_commonmark(tmp_path):
    """A portal may render guides/*.md with attr_list (Python-Markdown) or as CommonMark:
    a title ending in an attr_list block, or holding ~~strike~~, stays text under both."""
    import markdown
    from markdown_it import MarkdownIt

    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    for qd in root.glob("*.qd"):
        text = qd.read_text(encoding="utf-8")
        text = re.sub(r'^(事项 \S+ )"([^"]*)"', lambda m: f'{m.group(1)}"{m.group(2)} ~~删~~ {ATTR_PAYLOAD}"', text, flags=re.M)
        qd.write_text(text, encoding="utf-8")
    r = run_cli("build", str(root), "--out", str(tmp_path / "out"), "--no-site")
    assert r.code == 0, r.output
    guides = sorted((tmp_path / "out" / "guides").rglob("*.md"))
    assert guides
    for g in guides:
        source = g.read_text(encoding="utf-8")
        for html in (markdown.markdown(source, extensions=["attr_list", "tables", "md_in_html"]), MarkdownIt("commonmark").enable("table").render(source)):
            assert "onfocus=" not in html.replace("{: onfocus=", ""), g  # only the literal text, never an attribute
            assert "<del>" not in html and "<s>" not in html, g
            if g.parent.name == "matters":  # a matter's guide shows its title as written
                assert "~~删~~ {: onfocus=alert(1) autofocus tabindex=1 }" in unescape(html), g


class _Tty:
    """A text stream that claims to be a terminal."""

    def __init__(self):
        import io

        self.buf = io.StringIO()

    def write(self, s):
        return self.buf.write(s)

    def flush(self):
        pass

    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal_and_never_when_quiet(tmp_path, monkeypatch):
    import sys

    out = tmp_path / "out"
    plain = run_cli("build", "--no-site", FIXTURE, "--out", out)
    assert "\x1b[" not in plain.err and "生成中" not in plain.err, "no progress bar when stderr is not a terminal"
    tty = _Tty()
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stderr", tty)
    from qingdan.cli import main

    monkeypatch.setattr(sys, "argv", ["qingdan", "build", "--no-site", str(FIXTURE), "--out", str(out)])
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 0
    assert "\x1b[" in tty.buf.getvalue(), "a rich progress bar is drawn on a terminal"
    assert "生成办事指南" in tty.buf.getvalue() and "生成数据导出" in tty.buf.getvalue(), "the bar names the step it is in"
    quiet = _Tty()
    monkeypatch.setattr(sys, "stderr", quiet)
    monkeypatch.setattr(sys, "argv", ["qingdan", "build", "--no-site", str(FIXTURE), "--out", str(out), "--quiet"])
    with pytest.raises(SystemExit):
        main()
    assert quiet.buf.getvalue() == ""
