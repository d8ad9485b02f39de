"""The pages of the reviewers' site, and ``write_site_project``, which writes them all
with ``mkdocs.yml``.

Pages: a home page with the overview figures, a page per department, per matter (the
build's guide, a Mermaid flowchart of its steps and links to its form schema, DMN, CSV
and JSON files, copied into the site, and when it last changed), per journey (a Mermaid diagram with the critical
path highlighted and the merged materials), the three lists as tables, a page per check
rule, a page of current warnings and waivers, and the change log (``changelog.py``). Each page function returns its part of
the navigation.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from markupsafe import Markup

from ...changes.history import ChangeLog
from ...changes.history import change_log as history_of
from ...compiler import Catalog
from ...compiler import model as m
from ...compiler.attachments import ATTACHMENT_DIR, project_files
from ...compiler.checks import all_rules
from ...compiler.diagnostics import RULES, Diagnostic, Loc
from ...compiler.rule_docs import rule_markdown
from ...lists import columns as c
from ...lists.export import write_lists
from ...lists.tables import ROWS, status_text
from .. import describe as d
from ..context import Write
from ..dmn import write_matter_decisions
from ..exports import catalog_json
from ..forms import dumps, journey_form, matter_form
from ..guides import journey_guide_markdown, matter_guide_markdown
from ..markup import html_text, safe_title
from ..paths import department_slugs
from ..paths import journey_slugs as _journey_slugs
from ..paths import matter_slugs as _matter_slugs
from ..steps import attachment_bytes
from .changelog import PAGE as CHANGELOG_PAGE
from .changelog import last_change_link, write_changelog
from .figures import LEVELS, STATUS_ORDER, STATUS_ZH, days_text, overview
from .mermaid import journey_flowchart, matter_flowchart, reform_charts
from .mkdocs import MERMAID_JS, SITE_ASSETS, SITE_CSS, mkdocs_config
from .writer import NavLimits, SiteWriter, front_matter

SITE_ATTACHMENTS = f"../files/{ATTACHMENT_DIR}/"  # from matters/<slug>.md to the copies of the project's files
HOME_JOURNEY_ROWS = 50  # the home page lists this many journeys; the journeys page lists all
LIST_PAGES = (("power", "权力清单", "lists/power.md"), ("responsibility", "责任清单", "lists/responsibility.md"),
              ("negative", "负面清单", "lists/negative.md"))
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示", "off": "关闭"}
_HIDDEN_COLUMNS = {"标识", "权力标识"}

Nav = list[Any]  # mkdocs navigation entries: {title: page} or {title: [entries]}
NOT_SEARCHED = {"search": {"exclude": True}}  # the check rules' pages: the search finds the catalog, not the tool's manual


def write_site_project(catalog: Catalog, write: Write, *, version: str | None = None, date: str | None = None,
                       templates: str | None = None, reuse: Callable[[str], bytes | None] | None = None,
                       matter_slugs: dict[str, str] | None = None, journey_slugs: dict[str, str] | None = None,
                       progress: Callable[[int], None] | None = None, diagnostics: Sequence[Diagnostic] = (),
                       nav_limits: NavLimits = NavLimits(), change_log: ChangeLog | None = None) -> None:
    """Write the mkdocs project (``mkdocs.yml`` and ``docs/``) of ``catalog`` through ``write``.

    ``reuse(rel)`` may return the bytes of a build artefact already written (``guides/…``,
    ``forms/…``, ``decisions/…``, ``lists/…``, ``catalog.json``); otherwise it is generated.
    ``change_log`` is the history the 变更记录 page shows; by default it is read from the git
    tags of the project's repository (``changes.history.change_log``).
    """
    log = change_log if change_log is not None else history_of(catalog)
    model = catalog.model
    site = SiteWriter(
        catalog=catalog, write=write, version=version or catalog.config.version, date=date or catalog.config.date,
        templates=templates, reuse=reuse or (lambda rel: None),
        mslugs=matter_slugs or _matter_slugs(model), jslugs=journey_slugs or _journey_slugs(model),
        dslugs=department_slugs(model), tick=progress or (lambda n: None), diagnostics=diagnostics, nav_limits=nav_limits,
    )
    matters_in_nav = len(model.matters) <= nav_limits.matters

    _assets(site)
    for path in project_files(model):  # the project's files the guides link to (空白表格, 示例样表, 结果样本)
        site.artefact(f"{ATTACHMENT_DIR}/{path}", partial(attachment_bytes, catalog, path))
    _home(site)
    dept_nav = _departments(site, matters_in_nav)
    if len(model.departments) > nav_limits.departments:
        dept_nav = []
    tags = certificate_tags(catalog)
    for mid in model.matters:
        _matter(site, mid, log, tags.get(mid))
        site.tick(1)
    journey_nav = _journeys(site)
    if len(model.journeys) > nav_limits.journeys:
        journey_nav = []
    list_nav = _lists(site)
    check_nav = _checks(site)
    write_changelog(site, log)
    nav = [
        {"首页": "index.md"},
        {"变更记录": CHANGELOG_PAGE},
        {"部门与事项": ["departments/index.md", *dept_nav]},
        {"一件事": ["journeys/index.md", *journey_nav]},
        {"三张清单": ["lists/index.md", *list_nav]},
        {"检查": ["checks/index.md", *check_nav]},
    ]
    write("mkdocs.yml", mkdocs_config(catalog, nav, site.version, site.date))


def _assets(site: SiteWriter) -> None:
    site.write(f"docs/{MERMAID_JS}", (SITE_ASSETS / "mermaid.min.js").read_bytes())
    site.write(f"docs/{SITE_CSS}", (SITE_ASSETS / "qingdan.css").read_bytes())


def _home(site: SiteWriter) -> None:
    catalog = site.catalog
    ov = overview(catalog)
    active = [x for x in site.diagnostics if not x.waived and x.severity.value != "off"]
    page = "index.md"
    catalog_file = site.artefact("catalog.json", lambda: catalog_json(catalog, site.version, site.date))
    site.page(
        page, "home.md.j2",
        ov=ov,
        charts=[{**c, "chart": Markup(c["chart"])} for c in reform_charts(ov.reform)],
        journey_rows=HOME_JOURNEY_ROWS,
        level_names=[m.LEVEL_ZH[lv] for lv in LEVELS] + (["未注明"] if len(ov.matter_level_totals) > len(LEVELS) else []),
        status_names=[STATUS_ZH[s] for s in STATUS_ORDER],
        dept_link=lambda slug: site.link(page, f"departments/{slug}.md"),
        journey_link=lambda jid: site.link(page, f"journeys/{site.jslugs[jid]}.md"),
        findings={"errors": sum(1 for x in active if x.severity.value == "error"),
                  "warnings": sum(1 for x in active if x.severity.value == "warning"),
                  "infos": sum(1 for x in active if x.severity.value == "info"),
                  "waived": sum(1 for x in site.diagnostics if x.waived)},
        catalog_json=site.link(page, catalog_file),
    )


def _departments(site: SiteWriter, in_nav: bool) -> Nav:
    catalog, model = site.catalog, site.catalog.model
    powers_of: dict[str, list[m.Power]] = {}
    for p in model.powers.values():
        powers_of.setdefault(p.department or "", []).append(p)
    resp_of: dict[str, list[m.Responsibility]] = {}
    for r in model.responsibilities.values():
        rp = model.powers.get(r.power or "")
        resp_of.setdefault(rp.department if rp and rp.department else "", []).append(r)
    matters_of: dict[str, list[m.Matter]] = {}
    for mt in model.matters.values():
        matters_of.setdefault(mt.department or "", []).append(mt)

    rows = []
    nav: Nav = []
    for did, dept in model.departments.items():
        slug = site.dslugs[did]
        page = f"departments/{slug}.md"
        rows.append({"name": dept.name, "link": site.link("departments/index.md", page), "level": d.level_text(dept.level),
                     "powers": len(powers_of.get(did, [])), "responsibilities": len(resp_of.get(did, [])),
                     "matters": len(matters_of.get(did, []))})
        matters = []
        for mt in matters_of.get(did, []):
            matters.append({
                "name": mt.name, "link": site.link(page, f"matters/{site.mslugs[mt.id]}.md"), "code": mt.code or "未注明",
                "level": d.level_text(mt.levels or mt.level), "promised": d.promised_text(mt.limits),
                "statutory": d.statutory_text(mt.limits), "visits": d.visits_text(mt.visits),
                "materials": len(mt.materials),
            })
        site.page(
            page, "department.md.j2",
            dept={"name": dept.name, "id": did, "level": d.level_text(dept.level), "region": dept.region or "未注明",
                  "parent": catalog.department_name(dept.parent) if dept.parent else "无",
                  "parent_link": site.link(page, f"departments/{site.dslugs[dept.parent]}.md") if dept.parent in site.dslugs else None,
                  "contact": dept.contact or "未注明"},
            powers=[{"name": p.name, "code": p.code or "未注明", "category": d.category_text(p.category),
                     "level": d.level_text(p.levels or p.level), "status": status_text(p.status),
                     "basis": d.citations_text(catalog, p.basis) or "未注明"} for p in powers_of.get(did, [])],
            responsibilities=[{"power": (model.powers[r.power].name if r.power in model.powers else (r.power or "未注明")),
                               "stages": "；".join(f"{m.STAGE_ZH[s]}：{r.stages[s]}" for s in m.STAGES if r.stages.get(s)) or "未注明",
                               "supervisor": catalog.department_name(r.supervisor) or "未注明",
                               "accountability": "；".join(r.accountability) or "未注明"} for r in resp_of.get(did, [])],
            matters=matters,
        )
        if in_nav and matters_of.get(did):
            nav.append({html_text(dept.name): [page, *[{html_text(mt.name): f"matters/{site.mslugs[mt.id]}.md"}
                                                       for mt in matters_of[did]]]})
        else:
            nav.append({html_text(dept.name): page})
    orphans = matters_of.get("", []) + [mt for did, ms in matters_of.items() if did and did not in model.departments for mt in ms]
    site.page("departments/index.md", "departments.md.j2", rows=rows,
              orphans=[{"name": mt.name, "link": site.link("departments/index.md", f"matters/{site.mslugs[mt.id]}.md")} for mt in orphans])
    return nav


def _download(site: SiteWriter, page: str, label: str, fmt: str, rel: str, make: Callable[[], str | bytes]) -> dict[str, Any]:
    """A row of a page's download table: the artefact ``rel`` copied into the site."""
    target = site.artefact(rel, make)
    return {"label": label, "format": fmt, "link": site.link(page, target), "name": PurePosixPath(rel).name}


def certificate_tags(catalog: Catalog) -> dict[str, list[str]]:
    """Per matter issuing a certificate (a result), the certificate's name as a search tag. material's
    search ranks a tag match above any match in the text, so a search for 营业执照 lists the matters
    that issue it (企业设立登记, and 企业变更登记 for 营业执照（变更后换发）) first; the matters asking for
    it follow, found in their materials. The tag is the name's identity (brackets dropped: tagged
    as written, 营业执照（变更后换发）ranked below untagged pages in chromium).

    Only issuers are tagged: with every matter that asks for a certificate tagged too, the order among
    them is decided by how the query's words split, and the issuer is no longer first."""
    identity = catalog.material_index.identity
    return {mid: [identity(mt.result.name)] for mid, mt in catalog.matters.items() if mt.result is not None}


def _matter(site: SiteWriter, mid: str, log: ChangeLog, tags: list[str] | None = None) -> None:
    catalog = site.catalog
    mt = catalog.matter(mid)
    front = {"tags": tags} if tags else None
    slug = site.mslugs[mid]
    page = f"matters/{slug}.md"
    # Rendered again rather than taken from the build's guides/: the site's guide templates
    # (``site.guides``) add the site's links and page layout.
    guide_text = matter_guide_markdown(catalog, mid, version=site.version, date=site.date, env=site.guides,
                                       attachments=SITE_ATTACHMENTS)

    form_cache: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def form(part: int) -> str:
        if "f" not in form_cache:
            form_cache["f"] = matter_form(catalog, mid, slug)
        return dumps(form_cache["f"][part])

    decisions: dict[str, str | bytes] = {}

    def decision(rel: str) -> str | bytes:
        if not decisions:
            write_matter_decisions(catalog, mt, slug, None, decisions.__setitem__)
        return decisions[rel]

    files = [_download(site, page, label, fmt, rel, make) for label, fmt, rel, make in (
        ("申请表单结构", "JSON Schema", f"forms/matters/{slug}.schema.json", lambda: form(0)),
        ("申请表单界面描述", "uiSchema JSON", f"forms/matters/{slug}.uischema.json", lambda: form(1)),
        ("受理条件与材料决策表", "DMN 1.3", f"decisions/{slug}.dmn", lambda: decision(f"decisions/{slug}.dmn")),
        ("受理条件决策表", "CSV", f"decisions/{slug}.eligibility.csv", lambda: decision(f"decisions/{slug}.eligibility.csv")),
        ("申请材料决策表", "CSV", f"decisions/{slug}.materials.csv", lambda: decision(f"decisions/{slug}.materials.csv")),
        ("决策表（机器可读）", "JSON", f"decisions/{slug}.json", lambda: decision(f"decisions/{slug}.json")),
    )]
    dept = mt.department if mt.department in site.dslugs else None
    site.page(
        page, "matter.md.j2", front=front,
        guide=Markup(safe_title(guide_text).rstrip("\n") + "\n"),
        flowchart=Markup(matter_flowchart(catalog, mt)),
        files=files,
        matter={"name": mt.name, "department": catalog.department_name(dept) if dept else "",
                "department_link": site.link(page, f"departments/{site.dslugs[dept]}.md") if dept else None},
        journeys=[{"name": j.name, "link": site.link(page, f"journeys/{site.jslugs[jid]}.md")}
                  for jid, j in catalog.journeys.items() if mid in j.matters],
        last_change=last_change_link(site, log, mid, page),
    )


def _journeys(site: SiteWriter) -> Nav:
    catalog = site.catalog
    nav: Nav = []
    rows = []
    for jid, j in catalog.journeys.items():
        slug = site.jslugs[jid]
        page = f"journeys/{slug}.md"
        fig = catalog.journey_figures(jid)
        guide_text = journey_guide_markdown(catalog, jid, version=site.version, date=site.date, env=site.guides)
        cache: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

        def form(part: int, jid: str = jid, slug: str = slug, cache: dict[str, tuple[dict[str, Any], dict[str, Any]]] = cache) -> str:
            if "f" not in cache:
                cache["f"] = journey_form(catalog, jid, slug)
            return dumps(cache["f"][part])

        files = [_download(site, page, label, fmt, rel, make) for label, fmt, rel, make in (
            ("一表申请表单结构", "JSON Schema", f"forms/journeys/{slug}.schema.json", lambda form=form: form(0)),
            ("一表申请界面描述", "uiSchema JSON", f"forms/journeys/{slug}.uischema.json", lambda form=form: form(1)),
        )]
        site.page(
            page, "journey.md.j2",
            guide=Markup(safe_title(guide_text).rstrip("\n") + "\n"),
            flowchart=Markup(journey_flowchart(catalog, jid, fig)),
            critical=[catalog.matter(x).name for x in fig.critical_path if x in catalog.matters],
            critical_days=days_text(fig.critical_days), serial_days=days_text(fig.serial_days),
            cycle=fig.order_cycle,
            matters=[{"name": catalog.matter(x).name, "link": site.link(page, f"matters/{site.mslugs[x]}.md")} for x in fig.matters],
            files=files,
        )
        nav.append({html_text(j.name): page})
        rows.append({"name": j.name, "link": site.link("journeys/index.md", page), "matters": len(fig.matters),
                     "critical": days_text(fig.critical_days), "serial": days_text(fig.serial_days),
                     "unique": fig.unique_materials, "submitted": fig.applicant_count, "visits": fig.visits})
        site.tick(1)
    site.page("journeys/index.md", "journeys.md.j2", rows=rows)
    return nav


def _lists(site: SiteWriter) -> Nav:
    generated: dict[str, str | bytes] = {}

    def make(rel: str) -> str | bytes:
        if not generated:
            write_lists(site.catalog, generated.__setitem__, site.version, site.date)
        return generated[rel]

    nav: Nav = []
    index_rows = []
    for kind, title, page in LIST_PAGES:
        columns = [col for col in c.LISTS[kind][1] if col not in _HIDDEN_COLUMNS]
        rows = ROWS[kind](site.catalog)
        downloads = []
        for ext, fmt in (("csv", "CSV（Excel 可直接打开）"), ("xlsx", "Excel 工作簿"), ("json", "JSON")):
            rel = f"lists/{c.FILE_STEMS[kind]}.{ext}"
            target = site.artefact(rel, partial(make, rel))
            downloads.append({"format": fmt, "link": site.link(page, target), "name": PurePosixPath(rel).name})
        site.page(page, "list.md.j2", title=title, columns=columns, rows=[[r.get(col, "") for col in columns] for r in rows],
                  downloads=downloads)
        nav.append({title: page})
        index_rows.append({"title": title, "link": site.link("lists/index.md", page), "count": len(rows)})
    site.page("lists/index.md", "lists.md.j2", rows=index_rows)
    return nav


def _checks(site: SiteWriter) -> Nav:
    rules = sorted(all_rules(), key=lambda r: r.code)
    severities = site.catalog.config.severities
    nav_rules: Nav = []
    for r in rules:
        page = f"checks/rules/{r.name}.md"
        site.write(f"docs/{page}", front_matter(NOT_SEARCHED) + rule_markdown(r, "zh"))
        nav_rules.append({f"{r.code} {r.name}": page})
    site.page("checks/index.md", "checks.md.j2", front=NOT_SEARCHED, rules=[
        {"code": r.code, "name": r.name, "link": site.link("checks/index.md", f"checks/rules/{r.name}.md"),
         "severity": SEVERITY_ZH[severities.get(r.name, r.severity.value)], "summary": r.summary_zh, "group": r.group}
        for r in rules])
    page = "checks/findings.md"
    concerns = _declaration_finder(site)

    def row(x: Diagnostic) -> dict[str, Any]:
        rule = RULES.get(x.rule)
        label, target = concerns(x.loc)
        return {"rule": x.rule, "code": rule.code if rule else "", "link": site.link(page, f"checks/rules/{x.rule}.md"),
                "severity": SEVERITY_ZH[x.severity.value], "rank": x.severity.rank, "concerns": label,
                "concerns_link": site.link(page, target) if target else None, "message": x.message_zh, "reason": x.waived or ""}

    # Ordered by severity, rule and the declaration concerned, never by file name, so the
    # page does not change when rule files are renamed or split.
    rows = sorted((row(x) for x in site.diagnostics if x.waived or x.severity.value != "off"),
                  key=lambda r: (-r["rank"], r["code"], r["concerns"], r["message"], r["reason"]))
    active = [r for r in rows if not r["reason"]]
    waived = [r for r in rows if r["reason"]]
    site.page(page, "findings.md.j2", active=active, waived=waived)
    return [{"当前警告与豁免": page}, {"检查规则": nav_rules}]


def _declaration_finder(site: SiteWriter) -> Callable[[Loc | None], tuple[str, str | None]]:
    """A function from a source location to (what it concerns, the site page about it).

    Top-level blocks do not nest, so a location belongs to the last declaration that
    opens at or before it in the same file.
    """
    model = site.catalog.model
    dept_page = lambda did: f"departments/{site.dslugs[did]}.md" if did in site.dslugs else None
    entries: dict[str, list[tuple[int, int, str, str | None]]] = {}

    def add(node: m.Department | m.Law | m.Power | m.Responsibility | m.NegativeEntry | m.Matter | m.Journey,
            label: str, target: str | None) -> None:
        if node.loc is not None:
            entries.setdefault(node.loc.file, []).append((node.loc.line, node.loc.col, label, target))

    for did, x in model.departments.items():
        add(x, f"部门“{x.name}”", dept_page(did))
    for law in model.laws.values():
        add(law, f"法规《{law.name}》", None)
    for p in model.powers.values():
        add(p, f"权力“{p.name}”", dept_page(p.department))
    for r in model.responsibilities.values():
        rp = model.powers.get(r.power or "")
        add(r, f"责任“{rp.name if rp else r.id}”", dept_page(rp.department) if rp else None)
    for e in model.negatives.values():
        add(e, f"负面清单“{e.name}”", "lists/negative.md")
    for mid, mt in model.matters.items():
        add(mt, f"事项“{mt.name}”", f"matters/{site.mslugs[mid]}.md")
    for jid, j in model.journeys.items():
        add(j, f"一件事“{j.name}”", f"journeys/{site.jslugs[jid]}.md")
    for items in entries.values():
        items.sort()

    def find(loc: Loc | None) -> tuple[str, str | None]:
        if loc is None or loc.file not in entries:
            return ("项目配置" if loc is not None and loc.file.endswith(".toml") else "整个目录"), None
        items = entries[loc.file]
        i = bisect.bisect_right(items, (loc.line, loc.col, "\uffff")) - 1
        return (items[i][2], items[i][3]) if i >= 0 else ("文件开头", None)

    return find
