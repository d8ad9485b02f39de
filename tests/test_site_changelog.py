"""The site's change log (变更记录): the page of a project with tagged versions, and its charts in a real browser.

The project is the reform repository of tests/diff_support.py (three tagged versions of
examples/city). The page is checked as Markdown (every change, each matter page's link
to its last change) and, built by the real `mkdocs build --strict`, in Debian's chromium:
the Mermaid xychart-beta charts render to SVG, offline.
"""

from __future__ import annotations

import re

import pytest
from browser_support import CHROMIUM, OPEN_SHADOW_ROOTS, chromium, serve, watch
from conftest import REPO, run_cli, write_project
from diff_support import git, reform_repository

from qingdan.changes.history import change_log
from qingdan.compiler import compile
from qingdan.generators.paths import matter_slugs

ARTIFACTS = REPO / "test-artifacts" / "site"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(project, site project directory): the site of the reform repository at v2026.1, built."""
    base = tmp_path_factory.mktemp("changelog")
    project = reform_repository(base)
    out = base / "site-src"
    r = run_cli("site", project, "--out", out, "--build", "-q")
    assert r.code == 0, r.output
    return project, out


def test_the_change_log_compares_the_published_tag_with_the_previous_one(built):
    project, out = built
    text = (out / "docs" / "changes" / "index.md").read_text(encoding="utf-8")
    assert "发布版本 v2026.1，与上一个标签版本 v2025.2 相比" in text
    assert text.count("xychart-beta") == 4 and 'x-axis ["v2025.1", "v2025.2", "v2026.1"]' in text
    assert "bar [90, 85, 78]" in text  # materials the applicant submits in each version
    assert "| 材料减少率 | 85 | 78 | 8.2% |" in text
    assert "状态：保留 → 合并(人力资源服务许可权)" in text and "### v2025.1 → v2025.2" in text
    nav = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "变更记录: changes/index.md" in nav


def test_each_matter_page_says_when_it_last_changed(built):
    project, out = built
    catalog = compile(project).catalog
    slugs = matter_slugs(catalog.model)
    changed = {"医疗机构执业登记": "v2026.1", "人力资源服务许可": "v2026.1", "排污许可": "v2026.1"}
    for mid, version in changed.items():
        page = (out / "docs" / "matters" / f"{slugs[mid]}.md").read_text(encoding="utf-8")
        mt = re.search(r"- 最近变更：\[(\S+)（与 (\S+) 相比）\]\(\.\./changes/index\.md#(c\d-[\w-]+)\)", page)
        assert mt and mt.group(1) == version, mid
        assert f'<span id="{mt.group(3)}"></span>' in (out / "docs" / "changes" / "index.md").read_text(encoding="utf-8")
    untouched = (out / "docs" / "matters" / f"{slugs['结婚登记']}.md").read_text(encoding="utf-8")
    assert "最近变更" not in untouched


def test_a_matter_changed_only_in_an_earlier_version_links_there(tmp_path):
    project = reform_repository(tmp_path)
    log = change_log(compile(project).catalog)
    assert [(s.before, s.after) for s in log.steps] == [("v2025.1", "v2025.2"), ("v2025.2", "v2026.1")]
    (project / "site-src").mkdir()
    (project / "site-src" / "index.md").write_text("built here, not a rule file", encoding="utf-8")
    assert change_log(compile(project).catalog).published == "v2026.1"  # an output in the project is no change
    (project / "extra.qd").write_text('部门 新部门 "新部门" { 层级: 市 }\n', encoding="utf-8")
    log = change_log(compile(project).catalog)
    assert (log.published, log.previous) == ("2026.1（工作区）", "v2026.1")  # a new rule file is
    (project / "extra.qd").unlink()
    git(project.parent, "tag", "v2026.2")  # nothing changed since v2026.1
    log = change_log(compile(project).catalog)
    assert (log.published, log.previous) == ("v2026.2", "v2026.1")
    assert log.report is not None and log.report.diff.empty
    assert log.steps[log.last_change["医疗机构执业登记"]].after == "v2026.1"  # not the empty step to v2026.2


def test_without_git_or_tags_the_page_says_why(tmp_path):
    project = write_project(tmp_path / "p", {"a.qd": '部门 甲 "甲部门" { 层级: 市 }\n'})
    log = change_log(compile(project).catalog)
    assert log.problem is not None and "git" in log.problem.zh and "标签" in log.problem.zh
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "first")
    assert change_log(compile(project).catalog).problem == log.problem  # the same page wherever the rules are
    git(project, "tag", "v1")
    log = change_log(compile(project).catalog)
    assert log.problem is None and (log.published, log.previous) == ("v1", None) and log.report is None


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                    "(apt-get install chromium fonts-noto-cjk); the browser test needs it and never downloads a browser")
def test_the_change_log_charts_render_in_the_browser(built):
    from playwright.sync_api import expect

    _project, out = built
    with serve(out / "site") as base, chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.add_init_script(OPEN_SHADOW_ROOTS)
        pg = context.new_page()
        outside, errors = watch(pg, base)
        pg.goto(base + "/changes/")
        svg = pg.locator("div.mermaid svg")
        svg.first.wait_for(state="attached", timeout=30_000)
        expect(svg).to_have_count(4, timeout=30_000)  # the locator sees into the shadow roots Mermaid draws in
        chart = svg.first
        assert "v2025.1" in chart.text_content() and "v2026.1" in chart.text_content()
        assert chart.locator("rect").count() >= 3  # the bars of three versions
        assert chart.bounding_box()["width"] > 200
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "changes.png"), full_page=True)
        pg.goto(base + "/matters/" + matter_slugs(compile(_project).catalog.model)["医疗机构执业登记"] + "/")
        pg.get_by_text("最近变更").first.wait_for()
        pg.locator("a", has_text="v2026.1（与 v2025.2 相比）").first.click()
        pg.wait_for_url(re.compile(r".*/changes/#c1-"))
        context.close()
        assert not outside, f"the site requested other hosts: {outside[:5]}"
        assert not errors, f"JavaScript errors: {errors[:3]}"
