"""The reviewers' site in a real browser: Debian's chromium driven by playwright.

The site of examples/city (or, while that example does not compile cleanly, the site
test fixture) is built with the real `mkdocs build --strict`, served on 127.0.0.1 by
http.server in a thread, and visited like a reviewer would: the home page's counts, a
matter's materials table and its rendered Mermaid diagram, a journey's diagram, and a
search for 营业执照 through the search box. Every page visited is saved as a
screenshot in test-artifacts/site/. No request may leave 127.0.0.1 (Mermaid is served by
the site itself).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browser_support import CHROMIUM, OPEN_SHADOW_ROOTS, chromium, serve, watch
from conftest import REPO, run_cli

ARTIFACTS = REPO / "test-artifacts" / "site"
CITY = REPO / "examples" / "city"
FIXTURE = REPO / "tests" / "fixtures" / "site"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                       "(apt-get install chromium fonts-noto-cjk); the browser test needs it and never downloads a browser"),
]


def _project() -> Path:
    from qingdan.compiler import compile as compile_project

    if (CITY / "qingdan.toml").is_file():
        result = compile_project(CITY)
        if not result.has_errors:
            return CITY
    return FIXTURE


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(the catalog, the built site directory, its URL on 127.0.0.1)."""
    from qingdan.compiler import compile as compile_project

    project = _project()
    out = tmp_path_factory.mktemp("browser") / "site-src"
    r = run_cli("site", project, "--out", out, "--build", "-q")
    assert r.code == 0, r.output
    root = out / "site"

    with serve(root) as base:
        yield compile_project(project).catalog, root, base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, site):
    _catalog, _root, base = site
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.add_init_script(OPEN_SHADOW_ROOTS)
    pg = context.new_page()
    outside, errors = watch(pg, base)
    yield pg
    context.close()
    assert not outside, f"the site requested other hosts: {outside[:5]}"
    assert not errors, f"JavaScript errors: {errors[:3]}"


def _shot(pg, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if full_page:
        pg.evaluate("window.scrollTo(0, 0)")
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def _table_after(pg, heading: str):
    """The first table after the h2 whose text starts with ``heading``."""
    return pg.locator(f"xpath=//h2[starts-with(normalize-space(.), '{heading}')]/following::table[1]")


def _cells(table) -> list[list[str]]:
    return [[c.strip() for c in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]


def test_home_page_shows_the_counts_of_the_model(page, site):
    catalog, _root, base = site
    page.goto(base + "/")
    model = catalog.model
    rows = {r[0]: r[1] for r in _cells(_table_after(page, "目录概览"))}
    _shot(page, "home")
    assert rows["部门"] == str(len(model.departments))
    assert rows["权力"] == str(len(model.powers))
    assert rows["责任"] == str(len(model.responsibilities))
    assert rows["负面清单条目"] == str(len(model.negatives))
    assert rows["事项"] == str(len(model.matters))
    assert rows["一件事"] == str(len(model.journeys))
    assert rows["申请材料（各事项合计）"] == str(sum(len(mt.materials) for mt in model.matters.values()))
    journeys = _cells(_table_after(page, "一件事"))
    assert sorted(r[0] for r in journeys) == sorted(j.name for j in model.journeys.values())


def test_home_page_draws_the_reform_indicators_as_charts(page, site):
    from qingdan.generators.site.figures import overview
    from qingdan.generators.site.mermaid import reform_charts

    catalog, _root, base = site
    charts = reform_charts(overview(catalog).reform)
    assert len(charts) == 4, "the example catalog has matters, materials and time limits"
    page.goto(base + "/")
    svg = page.locator("div.mermaid svg")
    svg.first.wait_for(state="attached", timeout=30_000)
    page.wait_for_function(f"() => document.querySelectorAll('div.mermaid').length === {len(charts)} && "
                           "[...document.querySelectorAll('div.mermaid')].every(d => d.shadowRoot && d.shadowRoot.querySelector('svg'))",
                           timeout=30_000)
    assert svg.count() == len(charts)
    texts = [svg.nth(i).text_content() for i in range(len(charts))]
    for chart, text in zip(charts, texts, strict=True):
        assert chart["title"].split("（")[0] in text, (chart["title"], text[:200])
        assert svg.nth(texts.index(text)).bounding_box()["width"] > 200
    assert "零跑动事项" in texts[0] and "#37;" not in texts[0] and "%" in texts[0]  # the entity is decoded
    bars = svg.first.locator("g.plot rect")
    assert bars.count() == 4  # one bar per indicator
    slices = svg.nth(1).locator("path.pieCircle")
    fig = overview(catalog).reform
    assert slices.count() == sum(1 for n in fig.visits.values() if n > 0)
    _shot(page, "home-charts")


def _matter_with_steps(catalog):
    return max(catalog.matters.values(), key=lambda mt: (len(mt.steps) >= 2, len(mt.materials), mt.id))


def test_matter_page_shows_its_materials_and_a_rendered_flowchart(page, site):
    from qingdan.generators.paths import matter_slugs

    catalog, _root, base = site
    mt = _matter_with_steps(catalog)
    slug = matter_slugs(catalog.model)[mt.id]
    page.goto(f"{base}/matters/{slug}/")
    assert page.locator("h1").first.inner_text().startswith(mt.name)
    items = page.locator("xpath=//h2[starts-with(normalize-space(.), '七、申请材料')]/following-sibling::*[1][self::ol]/li")
    assert [item.locator("strong").first.inner_text() for item in items.all()] == [x.name for x in mt.materials]
    svg = page.locator("div.mermaid svg")
    svg.first.wait_for(state="attached", timeout=30_000)
    assert svg.count() == 1
    labels = svg.first.text_content()
    for step in mt.steps:
        assert step.name in labels
    assert svg.first.bounding_box()["width"] > 200
    _shot(page, "matter")


def test_every_matter_page_numbers_exactly_its_conditions(page, site):
    """The 判定规则 and 依据 lines under a condition stay inside its item (a matter with
    4 conditions once showed 12 numbered items)."""
    from qingdan.generators.paths import matter_slugs

    catalog, _root, base = site
    slugs = matter_slugs(catalog.model)
    for mt in catalog.model.matters.values():
        page.goto(f"{base}/matters/{slugs[mt.id]}/")
        items = page.locator("xpath=//h2[starts-with(normalize-space(.), '六、受理条件')]/following-sibling::*[1][self::ol]/li")
        assert items.count() == len(mt.conditions), (mt.id, items.all_inner_texts())
        for item, cond in zip(items.all(), mt.conditions, strict=True):
            text = item.inner_text()
            assert text.startswith(cond.text) and "判定规则" in text and "依据" in text, text


def test_journey_page_draws_the_critical_path(page, site):
    from qingdan.generators.paths import journey_slugs

    catalog, _root, base = site
    jid = max(catalog.journeys, key=lambda j: (len(catalog.journeys[j].order), j))
    fig = catalog.journey_figures(jid)
    page.goto(f"{base}/journeys/{journey_slugs(catalog.model)[jid]}/")
    svg = page.locator("div.mermaid svg")
    svg.first.wait_for(state="attached", timeout=30_000)
    text = svg.first.text_content()
    for mid in fig.matters:
        assert catalog.matter(mid).name in text
    critical = svg.first.locator("g.node.critical")
    assert critical.count() == len(fig.critical_path)
    _shot(page, "journey")


def _search(pg, query: str) -> list[str]:
    """Type ``query`` in the search box as a person would; return every result's path."""
    box = pg.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=30)
    box.press("End")  # material searches on key events; typing Chinese ends with one (the IME commit)
    meta = pg.locator(".md-search-result__meta")
    pg.wait_for_function("() => /\\d/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=30_000)
    total = int(re.search(r"\d+", meta.inner_text()).group())
    items = pg.locator("li.md-search-result__item")  # one per page; its first link is the page itself
    scroller = pg.locator(".md-search__scrollwrap")
    for _ in range(50):  # results arrive in batches as the list scrolls
        if items.count() >= total:
            break
        # material loads the next batch when the list reaches its bottom: leave it and come back
        scroller.evaluate("e => e.scrollTo(0, 0)")
        pg.wait_for_timeout(100)
        scroller.evaluate("e => e.scrollTo(0, e.scrollHeight)")
        pg.wait_for_timeout(200)
    assert items.count() == total
    hrefs = items.evaluate_all("els => els.map(e => e.querySelector('a.md-search-result__link').href)")
    return [unquote(urlparse(h).path) for h in hrefs]


def test_search_for_business_licence_finds_the_matters_that_ask_for_it(page, site):
    from qingdan.generators.paths import matter_slugs

    catalog, root, base = site
    slugs = matter_slugs(catalog.model)
    page.goto(base + "/")
    paths = _search(page, "营业执照")
    page.locator(".md-search__scrollwrap").evaluate("e => e.scrollTo(0, 0)")
    _shot(page, "search", full_page=False)
    found = {p.split("/")[2] for p in paths if p.startswith("/matters/")}
    expected = {slugs[mt.id] for mt in catalog.matters.values() if any("营业执照" in x.name for x in mt.materials)}
    assert expected, "the catalog has matters asking for 营业执照"
    assert expected <= found, f"missing: {sorted(expected - found)}"
    unrelated = set()
    for slug in slugs.values():
        html = (root / "matters" / slug / "index.html").read_text(encoding="utf-8")
        text = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
        if "营业" not in text and "执照" not in text:
            unrelated.add(slug)
    assert unrelated, "some matters have nothing to do with 营业执照"
    assert not (found & unrelated)
    assert not [p for p in paths if p.startswith("/checks/")], "the check rules' pages are not searched"
    # the matters that issue it come first (their certificate is their search tag), then those asking for it
    issuers = {f"/matters/{slugs[mid]}/" for mid, mt in catalog.matters.items() if mt.result and "营业执照" in mt.result.name}  # 营业执照（变更后换发）too
    assert issuers and set(paths[:len(issuers)]) == issuers, paths[:len(issuers) + 2]
    first = paths[0]
    page.goto(base + first)
    assert "营业执照" in page.locator("article").inner_text()
    _shot(page, "search-result")


# ---------------------------------------------------------------- phones, screens and paper
PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1366, "height": 900}


def _richest_matter(catalog):
    """The matter whose guide shows the most elements (windows, files, bodies, fee details)."""
    def score(mt):
        files = sum((x.blank_form is not None) + (x.sample is not None) for x in mt.materials)
        filled = sum(v not in (None, [], "") for v in (mt.office_hours, mt.online_url, mt.complaint, mt.review_standard,
                                                       mt.accepting_body, mt.reconsideration, mt.litigation, mt.courier))
        return (files, len(mt.offices), filled, len(mt.materials), mt.id)
    return max(catalog.matters.values(), key=score)


@pytest.fixture(scope="module")
def guides(site, tmp_path_factory):
    """The build's standalone guides (and the project files they link to), served on 127.0.0.1."""
    from qingdan.generators.build import build
    from qingdan.generators.steps import guides_step

    catalog, _root, _base = site
    out = tmp_path_factory.mktemp("guides") / "out"
    build(catalog, out, steps=(guides_step,))
    with serve(out) as base:
        yield out, base


def _pages(catalog, base, guide_base):
    from qingdan.generators.paths import journey_slugs, matter_slugs

    mt = _richest_matter(catalog)
    pages = {"home": f"{base}/", "matter": f"{base}/matters/{matter_slugs(catalog.model)[mt.id]}/",
             "guide": f"{guide_base}/guides/matters/{matter_slugs(catalog.model)[mt.id]}.html"}
    if catalog.journeys:
        jid = max(catalog.journeys, key=lambda j: (len(catalog.journeys[j].matters), j))
        pages["journey"] = f"{base}/journeys/{journey_slugs(catalog.model)[jid]}/"
    return mt, pages


def _h2s(pg) -> list[str]:
    return [t.strip() for t in pg.locator("h2").all_inner_texts()]


def test_pages_fit_a_phone_and_the_guide_keeps_the_standard_order(browser, site, guides):
    """At 390 px nothing scrolls sideways (home, matter, journey, standalone guide); each page is shot at
    1366 and 390 px; the matter page and the standalone guide show the elements of a 办事指南 in order."""
    from qingdan.generators.guides import GUIDE_SECTIONS

    catalog, _root, base = site
    _out, guide_base = guides
    mt, pages = _pages(catalog, base, guide_base)
    assert set(pages) == {"home", "matter", "journey", "guide"}
    for viewport, suffix in ((SCREEN, "1366"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
        context.add_init_script(OPEN_SHADOW_ROOTS)
        pg = context.new_page()
        outside, _errors = watch(pg, base, guide_base)
        for name, url in pages.items():
            pg.goto(url)
            pg.wait_for_load_state("networkidle")
            if name in ("matter", "journey"):
                pg.locator("div.mermaid svg").first.wait_for(state="attached", timeout=30_000)
            _shot(pg, f"{name}-{suffix}")
            if viewport is PHONE:
                wide = pg.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
                assert wide[0] <= wide[1], f"{name} scrolls sideways at 390 px: {wide}"
                # nor does any table scroll inside its box (material wraps tables in a scrolling box)
                clipped = pg.evaluate("() => Array.from(document.querySelectorAll('article table, body > table'))"
                                      ".filter(t => t.scrollWidth > t.clientWidth + 1).map(t => t.innerText.slice(0, 40))")
                assert not clipped, f"{name}: tables wider than a phone: {clipped}"
            if name in ("matter", "guide"):
                headings = _h2s(pg)
                found = [h for h in headings if h in GUIDE_SECTIONS]
                assert found == list(GUIDE_SECTIONS), (name, headings)
                text = pg.locator("body").inner_text()
                for element in ("事项类型", "设定依据", "实施主体", "受理机构", "决定机构", "联办机构", "办件类型", "法定办结时限",
                                "承诺办结时限", "是否收费", "结果名称", "办理时间", "办理地点", "到现场次数", "物流快递", "网上预约",
                                "咨询电话", "监督投诉电话"):
                    assert element in text, (name, element)
        context.close()
        assert not outside, outside[:5]
    assert mt.materials and any(x.blank_form for x in mt.materials), "the example shows a matter with a blank form"


def test_the_materials_are_a_table_on_a_screen_and_cards_on_a_phone(browser, site, guides):
    catalog, _root, base = site
    _out, guide_base = guides
    mt, pages = _pages(catalog, base, guide_base)
    for viewport, cards in ((SCREEN, False), (PHONE, True)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        pg = context.new_page()
        pg.goto(pages["guide"])
        rows = pg.locator("table.materials tbody tr")
        assert rows.count() == len(mt.materials)
        assert pg.locator("table.materials thead").evaluate("e => getComputedStyle(e).display") == ("none" if cards else "table-header-group")
        for row in rows.all():
            display = row.evaluate("e => getComputedStyle(e).display")
            assert display == ("block" if cards else "table-row")
        if cards:  # one card per material: each cell on a line of its own, under the card's width
            first = rows.first
            box = first.bounding_box()
            assert box["width"] <= PHONE["width"]
            label = first.locator("td[data-label='份数']").evaluate("e => getComputedStyle(e, '::before').content")
            assert "份数" in label
        pg.goto(pages["matter"])
        items = pg.locator("xpath=//h2[starts-with(normalize-space(.), '七、申请材料')]/following-sibling::*[1][self::ol]/li")
        assert items.count() == len(mt.materials)
        for item in items.all():  # the site shows each material as a bordered card at every width
            assert float(item.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)")) > 0
            assert item.bounding_box()["width"] <= viewport["width"]
        for x in mt.materials:  # the blank forms and samples of the project are served with the site
            for att in (x.blank_form, x.sample):
                if att is not None and att.path:
                    link = items.nth(mt.materials.index(x)).locator(f"a:has-text('{att.path.rsplit('/', 1)[-1]}')")
                    href = link.first.get_attribute("href")
                    response = pg.request.get(pg.url.rsplit("/", 2)[0] + "/" + href if not href.startswith("http") else href)
                    assert response.ok, href
        context.close()


def test_print_gives_an_a4_guide_without_navigation(browser, site, guides):
    catalog, _root, base = site
    _out, guide_base = guides
    _mt, pages = _pages(catalog, base, guide_base)
    context = browser.new_context(viewport=SCREEN, locale="zh-CN")
    pg = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in ("guide", "matter"):
        pg.goto(pages[name])
        pg.emulate_media(media="print")
        if name == "matter":
            for selector in (".md-header", ".md-sidebar--primary", ".md-footer"):
                assert pg.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none", selector
        pdf = pg.pdf(prefer_css_page_size=True, print_background=False)
        (ARTIFACTS / f"{name}-print.pdf").write_bytes(pdf)
        boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
        assert boxes, "the PDF has pages"
        for w, h in boxes:  # A4 is 595.28 x 841.89 points
            assert abs(float(w) - 595.28) < 1.5 and abs(float(h) - 841.89) < 1.5, (name, w, h)
        pg.emulate_media(media="screen")
    context.close()
