"""The reviewers' site: `qingdan site` writes an mkdocs-material project that a real
`mkdocs build --strict` turns into a site, with figures computed from the model.

Expected figures are recomputed here from the compiled model, independently of
qingdan.generators.site, and compared with what the generated pages say.
"""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_cli

from qingdan.compiler import Catalog, CompileResult
from qingdan.compiler import compile as compile_project
from qingdan.compiler.diagnostics import RULES
from qingdan.generators import site as site_mod
from qingdan.generators.paths import journey_slugs, matter_slugs

FIXTURE = REPO / "tests" / "fixtures" / "site"


class _Loader(yaml.SafeLoader):
    pass


# mkdocs.yml names a Python function with a tag; read it as a plain marker
_Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: f"python/name:{suffix}")


@pytest.fixture(scope="module")
def compiled() -> CompileResult:
    return compile_project(FIXTURE)


@pytest.fixture(scope="module")
def catalog(compiled) -> Catalog:
    return compiled.catalog


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """`qingdan site FIXTURE --out OUT --build`: the project and a real strict mkdocs build."""
    out = tmp_path_factory.mktemp("site") / "out"
    r = run_cli("site", FIXTURE, "--out", out, "--build")
    assert r.code == 0, r.output
    return out


def _doc(built: Path, rel: str) -> str:
    return (built / "docs" / rel).read_text(encoding="utf-8")


def _table(markdown: str, heading: str) -> list[list[str]]:
    """The rows (cells as text) of the first table after ``## heading``."""
    section = markdown.split(f"## {heading}", 1)[1]
    rows = []
    for line in section.splitlines():
        line = line.strip()
        if line.startswith("|"):
            rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
        elif rows:
            break
    return [r for r in rows[1:] if not set("".join(r)) <= set("-: ")]


def _plain(cell: str) -> str:
    """A Markdown cell as its text: link targets dropped, escapes removed."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell))


# ---------------------------------------------------------------- the project and the build
def test_project_is_material_in_chinese_with_chinese_search_and_local_mermaid(built):
    cfg = yaml.load((built / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    assert cfg["theme"]["name"] == "material" and cfg["theme"]["language"] == "zh"
    assert cfg["theme"]["font"] is False
    search = cfg["plugins"][0]["search"]
    assert search["lang"] == ["zh", "en"]
    assert re.search(search["separator"], "营业\u200b执照") and re.search(search["separator"], "营业执照，身份证")
    fence = cfg["markdown_extensions"][-1]["pymdownx.superfences"]["custom_fences"][0]
    assert fence == {"name": "mermaid", "class": "mermaid", "format": "python/name:pymdownx.superfences.fence_code_format"}
    js = cfg["extra_javascript"]
    assert js == [site_mod.MERMAID_JS]
    assert (built / "docs" / js[0]).read_bytes() == (site_mod.SITE_ASSETS / "mermaid.min.js").read_bytes()
    assert (built / "site" / js[0]).is_file()


def test_strict_build_makes_every_page(built, catalog):
    site = built / "site"
    assert (site / "index.html").is_file() and (site / "search" / "search_index.json").is_file()
    for slug in matter_slugs(catalog.model).values():
        assert (site / "matters" / slug / "index.html").is_file()
    for slug in journey_slugs(catalog.model).values():
        assert (site / "journeys" / slug / "index.html").is_file()
    for did in catalog.departments:
        assert (site / "departments" / site_mod.department_slug(did) / "index.html").is_file()
    for rule in RULES:
        assert (site / "checks" / "rules" / rule / "index.html").is_file()
    for page in ("lists/power", "lists/responsibility", "lists/negative", "checks/findings"):
        assert (site / page / "index.html").is_file()


def test_rule_examples_on_the_site_are_highlighted_as_rule_files(built):
    page = (built / "site" / "checks" / "rules" / "circular-certificate" / "index.html").read_text(encoding="utf-8")
    for span in ('<span class="kd">事项</span>', '<span class="nc">甲</span>', '<span class="k">来源</span>', '<span class="nb">产出</span>'):
        assert span in page, span


def test_built_pages_request_nothing_from_other_hosts(built):
    for page in (built / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", html):
            assert not re.search(r"(src|href)=\"?(https?:)?//", tag), (page, tag)


def test_search_index_is_segmented_chinese(built):
    import json

    index = json.loads((built / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(d["text"] for d in index["docs"])
    assert "\u200b营业执照\u200b" in text  # jieba keeps 营业执照 as one word between separators
    assert not any(d["location"].startswith(("lists/power", "lists/negative")) for d in index["docs"]), "list tables stay out"


# ---------------------------------------------------------------- the home page
def test_home_counts_equal_the_model(built, catalog):
    model = catalog.model
    rows = {_plain(r[0]): r[1] for r in _table(_doc(built, "index.md"), "目录概览")}
    assert rows == {
        "部门": str(len(model.departments)), "法规": str(len(model.laws)), "权力": str(len(model.powers)),
        "责任": str(len(model.responsibilities)), "负面清单条目": str(len(model.negatives)),
        "事项": str(len(model.matters)), "一件事": str(len(model.journeys)),
        "申请材料（各事项合计）": str(sum(len(mt.materials) for mt in model.matters.values())),
    }


def _working_days(d) -> Fraction:
    amount = Fraction(d.amount)
    return {"working_days": amount, "hours": amount / 8, "natural_days": amount * Fraction(5, 7)}[d.unit]


def test_reform_indicators_are_computed_from_the_model(built, catalog):
    matters = list(catalog.model.matters.values())
    n = len(matters)
    rows = {r[0]: r[1] for r in _table(_doc(built, "index.md"), "改革指标")}
    zero = sum(1 for mt in matters if mt.visits == 0)
    assert rows["零跑动事项占比"] == f"{100 * zero / n:.1f}%"
    mentions = [x for mt in matters for x in mt.materials]
    shared = [x for x in mentions if x.source.kind in ("issued_by", "produced_by")]
    assert rows["数据共享获取材料占比"] == f"{100 * len(shared) / len(mentions):.1f}%"
    promised = [_working_days(mt.limits.promised) for mt in matters if mt.limits.promised]
    statutory = [_working_days(mt.limits.statutory) for mt in matters if mt.limits.statutory]

    def days(values) -> str:
        avg = sum(values, Fraction(0)) / len(values)
        return (str(avg.numerator) if avg.denominator == 1 else f"{float(avg):.2f}".rstrip("0").rstrip(".")) + " 个工作日"

    assert rows["平均承诺办结时限"] == days(promised)
    assert rows["平均法定办结时限"] == days(statutory)
    # the fixture: 3 of 6 matters need no visit; 5 of 14 materials are shared
    assert (zero, n, len(shared), len(mentions)) == (3, 6, 5, 14)
    assert rows["零跑动事项占比"] == "50.0%" and rows["数据共享获取材料占比"] == "35.7%"


def test_powers_by_category_and_status(built, catalog):
    table = _table(_doc(built, "index.md"), "权力：按类别和状态")
    zh = {"licensing": "行政许可", "other": "其他行政权力", "confirmation": "行政确认", "inspection": "行政检查", "public_service": "公共服务"}
    want = Counter((zh[p.category], p.status.kind) for p in catalog.powers.values())
    statuses = ["retain", "cancel", "delegate", "transfer", "merge"]
    got = {}
    for row in table[:-1]:
        for status, cell in zip(statuses, row[1:6]):
            if cell != "0":
                got[(row[0], status)] = int(cell)
        assert int(row[6]) == sum(int(c) for c in row[1:6])
    assert got == dict(want)
    assert table[-1][0] == "合计" and table[-1][-1] == str(len(catalog.powers))


def test_matters_by_department_and_level(built, catalog):
    table = _table(_doc(built, "index.md"), "事项：按部门和层级")
    levels = ["province", "city", "county", "township"]
    got = {}
    for row in table[:-1]:
        for level, cell in zip(levels, row[1:5]):
            if cell != "0":
                got[(_plain(row[0]), level)] = int(cell)
    want = Counter((catalog.department_name(mt.department), mt.level) for mt in catalog.matters.values())
    assert got == dict(want)
    assert table[-1][-1] == str(len(catalog.matters))


def test_journey_totals_on_the_home_page(built, catalog):
    rows = _table(_doc(built, "index.md"), "一件事")
    fig = catalog.journey_figures("开办餐馆")
    assert len(rows) == 1
    row = rows[0]
    assert _plain(row[0]) == "我要开餐馆"
    # matters, departments, mentions, unique, submitted, shared, critical, serial, target, visits
    assert row[1:] == ["5", str(len(fig.departments)), "12", "9", str(fig.applicant_count), str(fig.saved_by_sharing),
                       "17", "19.5", "20", "3"]


# ---------------------------------------------------------------- matter, journey, department pages
def test_matter_page_has_the_guide_a_flowchart_and_the_artefacts(built, catalog):
    from qingdan.generators import dmn, forms
    from qingdan.generators.guides import matter_guide_markdown

    slugs = matter_slugs(catalog.model)
    mid = "食品经营许可"
    slug = slugs[mid]
    page = _doc(built, f"matters/{slug}.md")
    assert matter_guide_markdown(catalog, mid).rstrip("\n") in page
    chart = page.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert chart.startswith("flowchart LR\n")
    assert re.findall(r"^  (s\d+)\[", chart, re.M) == ["s1", "s2", "s3"]
    assert "start --> s1 --> s2 --> s3 --> done" in chart
    for step in catalog.matter(mid).steps:
        assert step.name in chart
    links = dict(re.findall(r"\| \[([^\]]+)\]\((\.\./files/[^)]+)\) \|", page))
    assert sorted(links) == sorted([f"{slug}.schema.json", f"{slug}.uischema.json", f"{slug}.dmn",
                                    f"{slug}.eligibility.csv", f"{slug}.materials.csv", f"{slug}.json"])
    files = {name: (built / "docs" / "matters" / link).resolve() for name, link in links.items()}
    for name, path in files.items():
        assert path.is_file(), name
        assert (built / "site" / path.relative_to(built / "docs")).is_file(), name
    schema, ui = forms.matter_form(catalog, mid, slug)
    assert files[f"{slug}.schema.json"].read_text(encoding="utf-8") == forms.dumps(schema)
    assert files[f"{slug}.uischema.json"].read_text(encoding="utf-8") == forms.dumps(ui)
    decisions = {}
    dmn.write_matter_decisions(catalog, catalog.matter(mid), slug, None, decisions.__setitem__)
    assert files[f"{slug}.dmn"].read_text(encoding="utf-8") == decisions[f"decisions/{slug}.dmn"]


def _edges(chart: str) -> list[tuple[str, str]]:
    return re.findall(r"^  (\w+) (?:-->|==>) (\w+)$", chart, re.M)


def test_journey_diagram_shows_stages_order_and_the_critical_path(built, catalog):
    jslug = journey_slugs(catalog.model)["开办餐馆"]
    page = _doc(built, f"journeys/{jslug}.md")
    chart = page.split("```mermaid\n", 1)[1].split("```", 1)[0]
    nodes = dict(re.findall(r"^    (m\d+)\[\"([^<\"]+)", chart, re.M))
    ident = {name: node for node, name in nodes.items()}
    name = {mid: catalog.matter(mid).name for mid in catalog.journeys["开办餐馆"].matters}
    assert sorted(nodes.values()) == sorted(name.values())
    # stages: 企业设立登记 and 消防检查 first, in parallel; the other three after them
    stages = re.findall(r"subgraph (stage\d+)\[\"([^\"]+)\"\]\n((?:    .*\n)+)  end", chart)
    assert [title for _, title, _ in stages] == ["第 1 阶段（并联办理）", "第 2 阶段（并联办理）"]
    assert sorted(re.findall(r"(m\d+)\[", stages[0][2])) == sorted([ident[name["企业设立登记"]], ident[name["消防检查"]]])
    edges = _edges(chart)
    order = {(ident[name[d.before]], ident[name[d.after]]) for d in catalog.journeys["开办餐馆"].order}
    assert order <= set(edges)
    # the critical path 消防检查 → 食品经营许可 (7 + 10 working days) is drawn thick and red
    crit = [ident[name["消防检查"]], ident[name["食品经营许可"]]]
    assert re.search(rf"^  class {crit[0]},{crit[1]} critical$", chart, re.M)
    styled = re.search(r"^  linkStyle ([\d,]+) stroke:#c62828", chart, re.M).group(1).split(",")
    assert [edges[int(i)] for i in styled] == [("start", crit[0]), (crit[0], crit[1]), (crit[1], "done")]
    thick = re.findall(r"^  (\w+) ==> (\w+)$", chart, re.M)
    assert thick == [edges[int(i)] for i in styled]
    assert "共 17 个工作日" in page and "19.5 个工作日" in page
    # the merged materials come from the journey guide: 营业执照 once, for three matters
    assert page.count("| 营业执照 |") == 1


def test_department_page_lists_powers_responsibilities_and_matters(built, catalog):
    page = _doc(built, f"departments/{site_mod.department_slug('市场监管局')}.md")
    powers = [p.name for p in catalog.powers.values() if p.department == "市场监管局"]
    assert f"## 权力（{len(powers)} 项）" in page and all(f"| {p} |" in page for p in powers)
    assert "| 取消 |" in page  # 小餐饮登记 was cancelled
    assert "## 责任（3 项）" in page
    matters = [mt for mt in catalog.matters.values() if mt.department == "市场监管局"]
    for mt in matters:
        assert f"[{mt.name}](../matters/{matter_slugs(catalog.model)[mt.id]}.md)" in page


def test_lists_pages_show_every_row_and_offer_the_files(built, catalog):
    from qingdan.lists.tables import ROWS

    for kind, page in (("power", "power"), ("responsibility", "responsibility"), ("negative", "negative")):
        text = _doc(built, f"lists/{page}.md")
        rows = [ln for ln in text.splitlines() if ln.startswith("| ") and not ln.startswith("| ---")]
        assert len(rows) == len(ROWS[kind](catalog)) + 1
        for ext in ("csv", "xlsx", "json"):
            stem = {"power": "power-list", "responsibility": "responsibility-list", "negative": "negative-list"}[kind]
            assert f"(../files/lists/{stem}.{ext})" in text
            assert (built / "site" / "files" / "lists" / f"{stem}.{ext}").is_file()


def test_findings_page_lists_warnings_and_waivers_with_reasons(built, compiled):
    text = _doc(built, "checks/findings.md")
    active = [d for d in compiled.diagnostics if not d.waived]
    waived = [d for d in compiled.diagnostics if d.waived]
    assert f"## 当前问题（{len(active)} 个）" in text and f"## 已豁免的问题（{len(waived)} 个）" in text
    assert {d.rule for d in active} == {"vague-condition", "too-many-visits"}
    for d in active + waived:
        assert d.message_zh in text
    assert "现场检查消防设施，需申请人到场配合" in text
    assert "[事项“公众聚集场所投入使用、营业前消防安全检查”](../matters/" in text
    assert ".qd" not in text, "the page names declarations, not files, so renaming files does not change it"


def test_rule_pages_and_index(built):
    index = _doc(built, "checks/index.md")
    for rule in RULES.values():
        assert f"[{rule.name}](rules/{rule.name}.md)" in index
        page = _doc(built, f"checks/rules/{rule.name}.md")
        front, body = page.split("---\n", 2)[1:]  # the front matter keeps the tool's manual out of the search
        assert yaml.safe_load(front) == {"search": {"exclude": True}}
        assert body.startswith(f"# {rule.name} ({rule.code})")


# ---------------------------------------------------------------- escaping, determinism, scale
def test_mermaid_labels_cannot_break_the_diagram():
    text = site_mod.mermaid_text('a"b]<script>#1;&x\n')
    assert '"' not in text and "<" not in text and ">" not in text and "\n" not in text
    assert text == "a#quot;b]#lt;script#gt;#35;1;#amp;x "


def test_site_project_is_deterministic(catalog):
    def project() -> dict:
        files = {}
        site_mod.write_site_project(catalog, files.__setitem__)
        return files

    first, second = project(), project()
    assert first == second
    assert all(isinstance(v, (str, bytes)) for v in first.values())
    assert not any(str(FIXTURE) in v for v in first.values() if isinstance(v, str))


def test_large_catalogs_keep_matters_out_of_the_navigation_and_still_build(tmp_path, catalog):
    project = tmp_path / "project"

    def write(rel, data):
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    site_mod.write_site_project(catalog, write, nav_limits=site_mod.NavLimits(matters=2, journeys=0))
    cfg = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "matters/" not in cfg.split("\nnav:", 1)[1] and "journeys/j-" not in cfg.split("\nnav:", 1)[1]
    site_mod.build_site_html(project, tmp_path / "site", date="2026-11-01")
    slug = matter_slugs(catalog.model)["税务登记"]
    html = (tmp_path / "site" / "matters" / slug / "index.html").read_text(encoding="utf-8")
    assert "新办纳税人套餐式服务" in html
    dept = (tmp_path / "site" / "departments" / site_mod.department_slug("税务局") / "index.html").read_text(encoding="utf-8")
    assert f'href="../../matters/{slug}/"' in dept


def test_broken_page_makes_the_strict_build_fail_with_the_warning(tmp_path, catalog):
    project = tmp_path / "project"

    def write(rel, data):
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    site_mod.write_site_project(catalog, write)
    with open(project / "docs" / "index.md", "a", encoding="utf-8") as fh:
        fh.write("\n[坏链接](missing-page.md)\n")
    with pytest.raises(site_mod.SiteError) as e:
        site_mod.build_site_html(project, tmp_path / "site")
    assert "missing-page.md" in e.value.text.zh and "missing-page.md" in e.value.message("en")


# ---------------------------------------------------------------- the command line and the build
def test_site_refuses_a_directory_it_did_not_write(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    r = run_cli("site", FIXTURE, "--out", precious)
    assert r.code == 2 and "拒绝覆盖" in r.err
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_site_refuses_a_catalog_with_errors(tmp_path):
    from conftest import write_project

    project = write_project(tmp_path / "bad", {"a.qd": "事项 x {\n  部们: 市场监管局\n}\n"})
    out = tmp_path / "out"
    r = run_cli("site", project, "--out", out)
    assert r.code == 1 and "未生成网站" in r.err and "a.qd:2:3" in r.out
    assert not out.exists()


def test_site_rewrites_its_own_output(tmp_path):
    out = tmp_path / "out"
    assert run_cli("site", FIXTURE, "--out", out, "-q").code == 0
    first = {p.relative_to(out).as_posix() for p in out.rglob("*.md")}
    # pages of an earlier catalog that the new one no longer has are removed
    other = REPO / "tests" / "fixtures" / "build"
    assert run_cli("site", other, "--out", out, "-q").code == 0
    second = {p.relative_to(out).as_posix() for p in out.rglob("*.md")}
    assert first - second, "the two catalogs have different pages"
    assert (out / "manifest.json").is_file()
    # a file added by hand is not qingdan's: the site refuses rather than delete it (issue 15)
    (out / "docs" / "stale.md").write_text("# stale\n", encoding="utf-8")
    r = run_cli("site", FIXTURE, "--out", out, "-q")
    assert r.code == 2 and "docs/stale.md" in r.err
    assert (out / "docs" / "stale.md").is_file()


def test_build_writes_the_same_site_and_no_site_leaves_it_out(built, tmp_path):
    out = tmp_path / "build"
    r = run_cli("build", FIXTURE, "--out", out, "-q")
    assert r.code == 0, r.output

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    # the build copies its own artefacts into the site; they equal what `qingdan site` generates
    source = tree(out / "site-src")
    # `qingdan site` adds its manifest.json; in a build, the build's manifest covers site-src/
    assert source == {k: v for k, v in tree(built).items() if not k.startswith("site/") and k != "manifest.json"}
    assert tree(out / "site") == tree(built / "site")
    import json

    manifest = {f["path"] for f in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]}
    assert "site/index.html" in manifest and "site-src/mkdocs.yml" in manifest
    bare = tmp_path / "bare"
    assert run_cli("build", FIXTURE, "--out", bare, "-q", "--no-site").code == 0
    assert not (bare / "site").exists() and not (bare / "site-src").exists() and (bare / "catalog.json").is_file()


def test_names_with_markup_stay_text_everywhere(tmp_path):
    from conftest import write_project

    project = write_project(tmp_path / "weird", {"a.qd": '''部门 甲 「甲<b>部门</b> | *星* "引"」 { 层级: 市 }
法规 法 "某法" { 条款 第一条 "内容" }
权力 权 「权力 `x` | y」 { 编码: "330100-XK-0001"; 类别: 行政许可; 部门: 甲; 依据: 法.第一条 }
责任 责 { 权力: 权; 监管部门: 甲; 受理: "a|b" }
事项 项 「申请 </title><script>alert(1)</script> "引号" [链接](x.md) #标签 & 符号 ]」 {
  编码: "330100-XK-0001"; 权力: 权; 部门: 甲; 依据: 法.第一条; 到场: 0 次
  材料 材 「材料 | 管道 *强调* <i>」 { 形式: 原件 }
  时限 { 法定: 5 工作日; 承诺: 3 工作日 }
  步骤 收 「受理 "快" <办> #1;」 { 部门: 甲; 用时: 1 工作日 }
}
一件事 事 「一件 "事" <x>」 { 事项: 项 }
'''}, toml='[project]\nname = "怪名字 <b>|*"\nversion = "1"\n')
    out = tmp_path / "out"
    r = run_cli("site", project, "--out", out, "--build")
    assert r.code == 0, r.output
    for page in (out / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for raw in ("<script>alert", "</title><script>", "<b>部门", "<b>|", "<i>", "<x>", "<办>"):
            assert raw not in html, (page.relative_to(out), raw)
    text = (out / "docs" / "matters" / "330100-XK-0001.md").read_text(encoding="utf-8")
    chart = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert '受理 #quot;快#quot; #lt;办#gt; #35;1;' in chart
    html = (out / "site" / "matters" / "330100-XK-0001" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text in the guide


def test_the_progress_names_the_step_and_moves_while_mkdocs_builds(tmp_path, catalog):
    """The bar once sat at 1205/1206 for the whole mkdocs run: mkdocs now reports each page."""
    from qingdan.generators.build import build
    from qingdan.generators.site.step import site_step, site_units

    events: list[tuple[str, object]] = []
    build(catalog, tmp_path / "out", version="t", date="2026-11-01", steps=(site_step,),
          progress=lambda n: events.append(("tick", n)), stage=lambda name: events.append(("stage", name)))
    assert events[0] == ("stage", "site_step")
    ticks = [n for kind, n in events if kind == "tick"]
    assert sum(ticks) == site_units(catalog)  # the bar ends full, never past it
    writing_pages = len(catalog.matters) + len(catalog.journeys)
    assert len(ticks) >= writing_pages + 2 * len(catalog.matters), "mkdocs reads and writes every matter page, each a tick"
