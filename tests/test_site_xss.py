"""Catalog text stays text on the reviewers' site, in a real browser.

Rule files come from pull requests. A project whose every title, name, text, description,
contact, legal basis, waiver reason and project name holds Markdown, attr_list, HTML,
Mermaid and template payloads is built with `qingdan build`; the site is served on
127.0.0.1 and every HTML page is visited in Debian's chromium. No dialog may open, no
element may carry an ``on*`` attribute or a ``javascript:`` link, no script may come from
the catalog, and the payloads must be readable as text.

The payloads cover what each Markdown extension of the site's mkdocs.yml makes special:
attr_list (``{: … }`` and ``{ … }`` at the end of a block, a cell or a link), md_in_html
(``markdown="1"``), admonition (``!!!`` at a line start), tables (``|``), toc, the
superfences Mermaid fence (backticks), link and reference definitions, raw HTML,
autolinks, emphasis; and what Mermaid makes special (quotes, ``%%{init}%%`` directives,
backtick Markdown strings, ``click``).

Without a browser, ``markup.md_text`` is checked under a Markdown converter with exactly
the extensions of the site's mkdocs.yml, in every place the templates put catalog text:
known payloads and hypothesis' compositions of special characters must come out as the
same text with no element or attribute but the template's own. A test fails when an
extension is added to mkdocs.yml, so the escaping is revisited for it.
"""

from __future__ import annotations

import re
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser_support import CHROMIUM, OPEN_SHADOW_ROOTS, chromium, serve, watch
from conftest import REPO, run_cli, write_project
from hypothesis import given, settings
from hypothesis import strategies as st

ARTIFACTS = REPO / "test-artifacts" / "site-xss"

ATTR = "{: onfocus=alert(1) autofocus tabindex=1 }"
# Every catalog string holds these, then ATTR at its very end.
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "| `code` *em* _u_ ~~s~~ #h &amp; &lt;b&gt; 1. + - > \\",
    '"] --> click x call alert(1) ;end; A[',
    "`**md**`",
    '<a href="javascript:alert(1)">a</a>',
    '![i](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    '\n!!! danger "x"\n    <img src=x onerror=alert(1)>\n',
    "\n[r]: javascript:alert(1)\n[r]\n",
    '\n<div markdown="1" onmouseover="alert(1)">x</div>\n',
    "\n```\n<script>alert(1)</script>\n```\n",
)
# Strings whose label ends in 二 also hold these. They are kept out of the others: an
# earlier ``{`` on the same line keeps attr_list from reading the final ATTR.
BRACES = (
    "{{ 7*7 }} {% raw %}",
    '%%{init: {"securityLevel": "loose", "htmlLabels": true}}%%',
    "[t](x.md){: onclick=alert(1) }",
    "\n# h1 {: onfocus=alert(1) autofocus }\n",
    "{ onclick=alert(1) }",
)
# Each string starts with one of these (what counts at the start of a line: guides put
# the fee, the contact and notes on lines of their own, list items after ``- ``).
LEADS = ("- ", "+ ", "1. ", "!!! danger ", "=== ", "--- ", "# ", "> ", "    ", "~~~ ", "```", "[TOC] ", "| a | b |",
         "-", "= ", "***")

def browser_test(fn):
    """Marks a test that drives chromium (skipped, with the reason, when it is not installed)."""
    fn = pytest.mark.browser(fn)
    return pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                              "(apt-get install chromium fonts-noto-cjk); the browser test needs it and never downloads a "
                              "browser")(fn)


def text(label: str) -> str:
    """A catalog string: a label, the payloads, and attr_list at the very end."""
    lead = LEADS[zlib.crc32(label.encode("utf-8")) % len(LEADS)]
    return lead + " ".join([label, *(BRACES if label.endswith("二") else ()), *PAYLOADS, ATTR])


def _q(label: str) -> str:
    """``text(label)`` as a rule-file string literal."""
    return '"' + text(label).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _seen(label: str) -> str:
    """How ``text(label)`` reads on a page: white space (line breaks too) collapsed."""
    return " ".join(text(label).split())


def hostile_project(root: Path) -> Path:
    q = _q
    reason = text("豁免理由").replace("\n", " ")
    rules = f'''部门 甲 {q("部门甲")} {{ 层级: 市; 区划: {q("区划")}; 联系方式: {q("联系")} }}
部门 乙 {q("部门乙")} {{ 层级: 县; 上级: 甲; 联系方式: {q("联系乙")} }}
法规 法 {q("法规")} {{ 类型: 法律; 条款 第一条 {q("条款")} }}
权力 权 {q("权力")} {{ 编码: "330100-XK-0001"; 类别: 行政许可; 部门: 甲; 层级: 市; 依据: 法.第一条; 状态: 保留; 分级: {q("分级")}; 备注: {q("权力备注")} }}
权力 权二 {q("权力二")} {{ 编码: "330100-XK-0002"; 类别: 行政许可; 部门: 乙; 层级: 县; 依据: 法.第一条; 状态: 下放(县) }}
责任 责 {{ 权力: 权; 受理: {q("受理")}; 审查: {q("审查")}; 决定: {q("决定")}; 送达: {q("送达")}; 监管: {q("监管")}; 监管部门: 甲; 追责: {q("追责一")}, {q("追责二")}; 依据: 法.第一条 }}
责任 责二 {{ 权力: 权二; 受理: {q("受理二")}; 监管部门: 乙 }}
负面清单 负 {q("负面")} {{ 编码: "101"; 类型: 禁止; 描述: {q("描述")}; 主管部门: 甲; 活动: {q("禁止活动")}; 依据: 法.第一条 }}
负面清单 负二 {q("负面二")} {{ 编码: "201"; 类型: 许可; 描述: {q("描述二")}; 主管部门: 甲; 实施: 项; 活动: {q("活动")}; 依据: 法.第一条 }}
事项 项 {q("事项")} {{
  编码: "330100-XK-0011"
  权力: 权; 部门: 甲; 层级: 市; 依据: 法.第一条; 对象: 企业法人; 收费: {q("收费")}; 渠道: 网上、窗口
  到场: 2 次  # 豁免 too-many-visits: {reason}
  咨询: {q("咨询")}; 地点: {q("地点")}; 活动: {q("活动")}; 备注: {q("事项备注")}
  结果 证 {q("结果")}
  事实 面积 {q("面积")}: 数字
  事实 类别 {q("类别")}: 枚举(甲类, 乙类)
  事实 名字 {q("名字")}: 文本
  条件 c1 {q("条件一")} {{ 当: 面积 >= -5 且 名字 == {q("值")}; 依据: 法.第一条 }}
  条件 c2 {q("条件二")} {{ 依据: 法.第一条 }}
  材料 材 {q("材料")} {{ 形式: 原件; 备注: {q("材料备注")} }}
  材料 材二 {q("身份证明")} {{ 仅当: 类别 == 甲类 或 面积 == -5 }}
  材料 材三 {q("营业执照")} {{ 来源: 产出(证二) }}
  时限 {{ 法定: 5 工作日; 承诺: 3 工作日 }}
  步骤 收 {q("步骤")} {{ 部门: 甲; 用时: 1 工作日 }}
  步骤 办 {q("步骤二")} {{ 部门: 乙; 用时: 1 工作日 }}
}}
事项 项二 {q("事项二")} {{
  编码: "330100-XK-0012"
  权力: 权二; 部门: 乙; 层级: 县; 依据: 法.第一条; 对象: 企业法人; 收费: 免费; 渠道: 网上; 到场: 0 次
  结果 证二 {q("结果二")}
  材料 材 {q("申请表")} {{ 形式: 复印件 }}
  时限 {{ 法定: 5 工作日; 承诺: 2 工作日 }}
}}
一件事 事 {q("一件事")} {{ 事项: 项、项二; 先后: 项二 -> 项; 目标: 5 工作日; 牵头部门: 甲 }}
'''
    name = text("项目").replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return write_project(root, {"a.qd": rules},
                         toml=f'[project]\nname = "{name}"\nversion = "1"\ndate = "2026-11-01"\nlevel = "市"\n')


# What pages must show as text (labels of ``text``): "/" exactly, every other key as a path prefix.
VISIBLE = {
    "/": ["项目", "部门甲", "一件事"],
    "/departments/": ["部门甲"],
    "/matters/330100-XK-0011/": ["事项", "权力", "部门甲", "法规", "条款", "条件一", "条件二", "材料", "材料备注", "身份证明",
                                 "营业执照", "步骤", "步骤二", "部门乙", "收费", "咨询", "地点", "结果", "事项备注", "一件事"],
    "/journeys/j-": ["一件事", "事项", "事项二", "材料", "身份证明", "申请表", "部门甲"],
    "/lists/power/": ["权力", "权力二", "法规", "部门甲", "分级", "权力备注"],
    "/lists/responsibility/": ["受理", "审查", "决定", "送达", "监管", "追责一", "追责二", "受理二"],
    "/lists/negative/": ["负面", "负面二", "描述", "描述二", "禁止活动", "活动", "事项"],
    "/checks/findings/": ["豁免理由", "条件二"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(the built site directory, its URL on 127.0.0.1)."""
    tmp = tmp_path_factory.mktemp("xss")
    project = hostile_project(tmp / "project")
    out = tmp / "out"
    r = run_cli("build", project, "--out", out, "-q")
    assert r.code == 0, r.output
    root = out / "site"

    with serve(root) as base:
        yield root, base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


# Every element of the page, including those in (opened) shadow roots such as Mermaid's.
_ALL_ELEMENTS = """() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      out.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return out;
}"""

_INJECTED = """(all) => {
  const found = [];
  for (const el of all) {
    for (const a of el.getAttributeNames()) {
      const v = el.getAttribute(a) || '';
      if (/^on/i.test(a)) found.push(`${el.tagName} ${a}=${v}`);
      if (/^\\s*javascript:/i.test(v)) found.push(`${el.tagName} ${a}=${v}`);
      if (a === 'autofocus') found.push(`${el.tagName} autofocus`);
    }
    if (el.tagName === 'SCRIPT' && /alert\\(/.test(el.textContent)) found.push('script: ' + el.textContent.slice(0, 80));
    if (['IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName)) found.push(el.tagName);
  }
  return found;
}"""

_TEXT = """(all) => {
  const parts = [document.body.innerText];
  for (const el of all) if (el.shadowRoot) parts.push(el.shadowRoot.textContent);
  return parts.join(' ');
}"""


def _visit(context, base: str, path: str) -> dict:
    pg = context.new_page()
    dialogs: list[str] = []
    outside, errors = watch(pg, base)

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    try:
        pg.goto(base + path, wait_until="load")
        if pg.locator("pre.mermaid, div.mermaid").count():
            pg.locator("div.mermaid svg").first.wait_for(state="attached", timeout=30_000)
        pg.wait_for_timeout(300)  # autofocus and onload handlers run right after load
        # move the pointer over and focus every element, as a reader would
        pg.mouse.move(300, 300)
        pg.keyboard.press("Tab")
        pg.keyboard.press("Tab")
        pg.wait_for_timeout(100)
        handle = pg.evaluate_handle(_ALL_ELEMENTS)
        injected = pg.evaluate(_INJECTED, handle)
        # page titles show < and > as full-width ＜ ＞ (markup.safe_title)
        shown = " ".join(pg.evaluate(_TEXT, handle).replace("＜", "<").replace("＞", ">").split())
        if path.startswith("/matters/") or path.startswith("/journeys/"):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / (path.strip("/").replace("/", "_") + ".png")), full_page=True)
        return {"dialogs": dialogs, "errors": errors, "outside": outside, "injected": injected, "text": shown,
                "mermaid_errors": pg.locator("div.mermaid").filter(has_text="Syntax error").count()}
    finally:
        pg.close()


@browser_test
def test_no_page_runs_catalog_text(browser, site):
    root, base = site
    pages = sorted("/" + p.relative_to(root).as_posix().removesuffix("index.html") for p in root.rglob("*.html"))
    assert len(pages) > 30 and "/matters/330100-XK-0011/" in pages
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.add_init_script(OPEN_SHADOW_ROOTS)
    try:
        visited = {path: _visit(context, base, path) for path in pages}
    finally:
        context.close()
    fired = {p: v["dialogs"] for p, v in visited.items() if v["dialogs"]}
    assert not fired, f"a dialog opened on {len(fired)} of {len(pages)} pages: {sorted(fired)[:5]}"
    injected = {p: v["injected"] for p, v in visited.items() if v["injected"]}
    assert not injected, f"catalog text became markup on {len(injected)} pages: {list(injected.items())[:3]}"
    assert not {p: v["errors"] for p, v in visited.items() if v["errors"]}
    assert not {p: v["outside"] for p, v in visited.items() if v["outside"]}
    assert not {p for p, v in visited.items() if v["mermaid_errors"]}, "every Mermaid diagram parses"
    for prefix, labels in VISIBLE.items():
        matching = [p for p in pages if p == prefix or (prefix != "/" and p.startswith(prefix))]
        assert matching, prefix
        for path in matching:
            shown = visited[path]["text"]
            missing = [label for label in labels if _seen(label) not in shown]
            assert not missing, (path, missing, shown[:2000])


@browser_test
def test_diagrams_show_the_names_as_text(browser, site):
    root, base = site
    journey = next(iter(sorted((root / "journeys").glob("j-*/index.html"))))
    pages = (("/matters/330100-XK-0011/", ["步骤", "步骤二", "部门甲", "部门乙"]),
             ("/" + journey.parent.relative_to(root).as_posix() + "/", ["事项", "事项二", "部门甲", "部门乙"]))
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.add_init_script(OPEN_SHADOW_ROOTS)
    try:
        for path, labels in pages:
            pg = context.new_page()
            pg.goto(base + path)
            svg = pg.locator("div.mermaid svg").first
            svg.wait_for(state="attached", timeout=30_000)
            shown = re.sub(r"\s", "", svg.text_content() or "")
            for label in labels:  # Mermaid wraps long labels: compare without white space
                assert re.sub(r"\s", "", text(label)) in shown, (path, label, shown[:500])
            pg.close()
    finally:
        context.close()


@browser_test
def test_search_results_show_payloads_as_text(browser, site):
    _root, base = site
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        pg.goto(base + "/")
        box = pg.locator("input.md-search__input")
        box.click()
        box.press_sequentially("onerror", delay=20)
        box.press("End")
        pg.wait_for_function("() => /\\d/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=30_000)
        pg.wait_for_timeout(500)
        assert pg.locator("li.md-search-result__item").count() > 0
        injected = pg.evaluate(_INJECTED, pg.evaluate_handle(_ALL_ELEMENTS))
        assert not injected, injected
        assert not dialogs, dialogs
    finally:
        context.close()


# ---------------------------------------------------------------- md_text under the site's own Markdown, without a browser
class _Tree(HTMLParser):
    """The elements (tag and attributes) and the text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def _site_markdown():
    """A Markdown converter with exactly the extensions (and their settings) of the site's mkdocs.yml."""
    import importlib

    import markdown
    import yaml

    from qingdan.compiler import compile as compile_project
    from qingdan.generators.site import mkdocs_config

    class Loader(yaml.SafeLoader):
        pass

    def python_name(loader, suffix, node):
        module, _, attr = suffix.rpartition(".")
        return getattr(importlib.import_module(module), attr)

    Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", python_name)
    catalog = compile_project({"qingdan.toml": '[project]\nname = "x"\n'}).catalog
    cfg = yaml.load(mkdocs_config(catalog, [], "1", None), Loader=Loader)
    names, configs = [], {}
    for ext in cfg["markdown_extensions"]:
        if isinstance(ext, str):
            names.append(ext)
        else:
            (name, conf), = ext.items()
            names.append(name)
            configs[name] = conf
    return names, markdown.Markdown(extensions=names, extension_configs=configs)


# md_text was written for these extensions; enabling another one means checking what it makes special
# (pymdownx.highlight colours fenced and indented code, both of which md_text already escapes)
ESCAPED_FOR = {"tables", "attr_list", "md_in_html", "admonition", "toc", "pymdownx.highlight", "pymdownx.superfences"}

# Where the templates put catalog text, with the elements and attributes the template itself makes.
CONTEXTS = (
    ("{x}", {"p"}),
    ("前文\n\n{x}\n\n后文", {"p"}),
    ("前 {x} 后 {x}", {"p"}),
    ("# {x}", {"h1"}),
    ("## 标题\n\n| a | b |\n| --- | ---: |\n| {x} | {x} |\n", {"h2", "table", "thead", "tbody", "tr", "th", "td"}),
    ("- {x}\n- [{x}](y.md)\n", {"ul", "li", "a"}),
    ("1. {x}\n   - 依据：{x}\n", {"ol", "ul", "li"}),
    ('!!! warning "先后顺序有循环"\n    {x}\n', {"div", "p"}),
    ("- 实施部门：[{x}](../d.md)", {"ul", "li", "a"}),
    ("{x}\n{x}\n\n{x}\n", {"p"}),
)
# Payloads every context is checked with, besides the ones hypothesis composes.
KNOWN = (ATTR, "{ .x #y onclick=alert(1) }", "x {: #id }", "[t](x.md){: onclick=alert(1) }", "~~~", "```", "- x", "+ x",
         "1. x", "=== ", "---", "***", "!!! note", "[r]: javascript:alert(1)", "<b>x</b>", "&#126;", "&lt;", "    code",
         "> q", "# h", "[TOC]", "\x02wzxhzdk:0\x03", "\x0260\x03script\x0262\x03", *PAYLOADS, *BRACES)
_ATTRIBUTES = {("h1", "id"), ("h2", "id"), ("a", "href"), ("div", "class"), ("p", "class"), ("td", "style"), ("th", "style")}


def test_site_markdown_enables_only_the_extensions_md_text_escapes_for():
    names, _md = _site_markdown()
    assert set(names) == ESCAPED_FOR, "a Markdown extension was added or removed: check what md_text escapes (generators/markup.py)"


_SPECIAL = st.sampled_from(list("\\`*_{}[]()#+-.!|<>&~=:;\"' \n\t\r\x02\x03") + ["1.", "- ", "!!! ", "{: onclick=alert(1) }",
                                                                               "<script>", "&lt;", "&#126;", "[TOC]", "```", "~~~",
                                                                               "\x0212\x03", "\x02wzxhzdk:0\x03", "    ", "甲"])


@pytest.mark.parametrize("value", KNOWN)
def test_known_payloads_are_shown_as_written_under_the_site_markdown(value):
    for context in CONTEXTS:
        _shown_as_written(value, context)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPECIAL, max_size=12).map("".join), st.sampled_from(CONTEXTS))
def test_md_text_is_shown_as_written_under_the_site_markdown(value, context):
    _shown_as_written(value, context)


def _shown_as_written(value: str, context: tuple[str, set[str]]) -> None:
    """``md_text(value)`` where a template puts it: no element or attribute but the template's, the text as written."""
    from qingdan.generators.markup import md_text

    template, allowed = context
    _names, md = _site_markdown_cached()
    html_out = md.reset().convert(template.format(x=md_text(value)))
    tree = _Tree()
    tree.feed(html_out)
    for tag, attrs in tree.elements:
        assert tag in allowed, (value, template, html_out)
        for name, attr_value in attrs:
            assert (tag, name) in _ATTRIBUTES, (value, template, html_out)
            if name == "href":
                assert attr_value in ("y.md", "../d.md"), html_out
    shown = "".join(tree.text)
    expected = " ".join(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\ufffd", value).split())
    if expected:
        assert expected in " ".join(shown.split()), (value, template, html_out)
    assert "\x02" not in html_out and "\x03" not in html_out


_MD_CACHE: list = []


def _site_markdown_cached():
    if not _MD_CACHE:
        _MD_CACHE.append(_site_markdown())
    return _MD_CACHE[0]


def test_mermaid_labels_hide_directives_markdown_strings_and_control_characters():
    from qingdan.generators.site import mermaid_text

    text = mermaid_text('%%{init: {"securityLevel": "loose"}}%% `**x**` a"b\x02\x7f\r\n')
    assert "%" not in text and "`" not in text and '"' not in text and "\n" not in text and "\x02" not in text
    assert text == "#37;#37;{init: {#quot;securityLevel#quot;: #quot;loose#quot;}}#37;#37; #96;**x**#96; a#quot;b\ufffd\ufffd  "
