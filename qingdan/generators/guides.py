"""Service guides (办事指南): one per matter and one per journey, in Markdown and HTML.

The guide's content is gathered here into a plain view (strings and lists, already in
Chinese); jinja2 templates in ``qingdan/generators/templates`` lay it out. A project can
override any template by putting a file of the same name in its own template directory
(``[project] templates = "..."`` in qingdan.toml, or ``qingdan build --templates DIR``).

Both environments escape everything they print: HTML with the usual entity escaping,
Markdown with entity escaping of ``& < >`` plus backslashes before Markdown syntax
characters, so a name such as ``<script>`` or ``*x*`` appears as written and is never
interpreted.

The environments belong to a ``GuideTemplates`` object that a run (one build, one site)
makes once and passes to every guide it renders, so compiled templates are reused
within the run and nothing is kept between runs.

Templates are untrusted input: a project's templates come with its rule files, perhaps
from a pull request. Both environments are jinja2's ``ImmutableSandboxedEnvironment``, so
a template can read the view it is given and call the usual filters, but cannot reach
Python internals (``__class__``, ``__globals__``, ``__subclasses__`` …), call mutating
methods or format strings into attributes; a template file of the project that is a
symbolic link leading outside its directory is refused. A project template that breaks
any of this, or fails while rendering, raises ``ProjectTemplateError`` naming the template
and line, in Chinese and English. The sandbox stops code and file access, not a template
that loops for a very long time: run untrusted builds under a time limit.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from markupsafe import Markup

from ..compiler import Catalog
from ..compiler import model as m
from ..compiler.durations import days_zh, matter_time
from ..compiler.graph import journey_order, topological
from ..compiler.journeys import JourneyFigures, MaterialSource
from ..compiler.text import Text
from . import describe as d
from .markup import external_url, md_join, md_text

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAMES = ("matter_guide.md.j2", "matter_guide.html.j2", "journey_guide.md.j2", "journey_guide.html.j2")

def _none_to_empty(value: object) -> object:
    return "" if value is None else value


def template_dir(catalog: Catalog, templates: str | Path | None = None) -> str | None:
    """The project's template override directory, if any (``templates`` wins over the config)."""
    if templates:
        return str(Path(templates))
    if catalog.config.templates:
        return str((catalog.root or Path()) / catalog.config.templates)
    return None


class ProjectTemplateError(jinja2.TemplateRuntimeError):
    """A project's own template failed or broke the sandbox; the message (Chinese and English)
    names the template and the line."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class TemplateSandboxError(ProjectTemplateError, SecurityError):
    """A project's template tried to use what the sandbox forbids."""


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A project's template directory: a template whose real path leaves the directory
    (through a symbolic link) is refused, so no template can print a file from elsewhere."""

    def __init__(self, directory: str) -> None:
        super().__init__(directory)
        self.real = os.path.realpath(directory)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if real != self.real and not real.startswith(self.real.rstrip(os.sep) + os.sep):
            raise TemplateSandboxError(Text(
                f"模板 {template} 是指向模板目录以外的符号链接；项目模板只能使用模板目录中的文件，请改为普通文件",
                f"template {template} is a symbolic link leading outside the template directory; project templates may "
                "only use files inside that directory, so make it a regular file",
            ))
        return source, filename, uptodate


class GuideTemplates:
    """The guide templates of one run: a Markdown and an HTML jinja2 environment that
    look in ``override`` first, then in the built-in templates. Both are sandboxed.

    ``markdown_finalize`` and ``markdown_join`` escape what the Markdown templates print
    (the site passes its own, which also escape its Markdown extensions' syntax). Do not
    replace ``markdown`` or ``html`` with other environments: ``render`` refuses to render a
    project's templates outside a sandbox.
    """

    def __init__(self, override: str | None = None, *, markdown_finalize: Callable[[Any], Any] = md_text,
                 markdown_join: Callable[..., Markup] = md_join) -> None:
        self.override = override
        self._dirs = [os.path.realpath(override)] if override else []
        self._dirs.append(os.path.realpath(BUILTIN_TEMPLATES))
        loaders: list[jinja2.BaseLoader] = []
        if override:
            loaders.append(_ConfinedLoader(override))
        loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
        loader = jinja2.ChoiceLoader(loaders)
        self.markdown = ImmutableSandboxedEnvironment(loader=loader, autoescape=True, finalize=markdown_finalize,
                                                      undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                                      trim_blocks=True, lstrip_blocks=True)
        self.markdown.filters["join"] = markdown_join
        self.html = ImmutableSandboxedEnvironment(loader=loader, autoescape=True, finalize=_none_to_empty,
                                                  undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                                  trim_blocks=True, lstrip_blocks=True)

    @classmethod
    def of(cls, catalog: Catalog, templates: str | Path | None = None) -> GuideTemplates:
        """The templates of ``catalog``'s project (``templates`` overrides its configured directory)."""
        return cls(template_dir(catalog, templates))

    def render(self, template: str, view: dict[str, Any]) -> str:
        """Render ``template``; a failure of a project's template raises ``ProjectTemplateError``."""
        env = self.markdown if template.endswith(".md.j2") else self.html
        if self.override and not isinstance(env, SandboxedEnvironment):  # a project's templates: never outside the sandbox
            raise TypeError("a project's guide templates must render in jinja2's sandbox: pass markdown_finalize / "
                            "markdown_join to GuideTemplates instead of replacing its environments")
        try:
            return env.get_template(template).render(**view)
        except (ProjectTemplateError, jinja2.TemplateSyntaxError, jinja2.TemplateNotFound):
            raise
        except SecurityError as e:
            where = self._where(e) or template
            raise TemplateSandboxError(Text(
                f"模板 {where} 试图使用模板不允许使用的内容，已停止生成（{e}）；项目模板在沙箱中运行，只能使用传给它的数据和过滤器",
                f"template {where} tried to use something templates may not use, so the build stopped ({e}); project "
                "templates run in a sandbox and can only use the data and filters they are given",
            )) from None
        except Exception as e:  # jinja2's runtime errors and Python's (1 // 0, a recursion …)
            place = self._where(e, project_only=True)
            if place is None:  # not in a project's template: a bug of qingdan's own templates
                raise
            what = str(e) if isinstance(e, jinja2.TemplateError) else f"{type(e).__name__}: {e}"
            raise ProjectTemplateError(Text(f"模板 {place} 渲染失败：{what}", f"template {place} failed to render: {what}")) from None

    def _where(self, error: BaseException, project_only: bool = False) -> str | None:
        """``name:line`` of the innermost template frame in ``error``'s traceback (in the project's
        templates only, with ``project_only``), or None."""
        dirs = self._dirs[:1] if project_only else self._dirs
        if project_only and not self.override:
            return None
        found = None
        for frame, line in traceback.walk_tb(error.__traceback__):
            filename = os.path.realpath(frame.f_code.co_filename)
            for folder in dirs:
                if filename.startswith(folder.rstrip(os.sep) + os.sep):
                    found = f"{Path(os.path.relpath(filename, folder)).as_posix()}:{line}"
                    break
        return found


# ---------------------------------------------------------------- matter view
def _contact(catalog: Catalog, matter: m.Matter) -> str:
    if matter.contact:
        return matter.contact
    dept = catalog.departments.get(matter.department or "")
    return dept.contact if dept and dept.contact else ""


def _basis_list(catalog: Catalog, basis: list[m.Citation]) -> list[dict[str, str]]:
    return [{"citation": catalog.citation_text(c), "text": catalog.article_text(c) or ""} for c in basis]


# The sections of a matter's guide, in the national standard order of a 办事指南 (docs/build.md):
# both built-in templates print exactly these second-level headings, in this order.
GUIDE_SECTIONS = (
    "一、基本信息", "二、设定依据与实施依据", "三、实施主体", "四、服务对象", "五、办件类型与办理时限", "六、受理条件",
    "七、申请材料", "八、办理流程", "九、收费", "十、审查标准", "十一、办理结果", "十二、办理时间与地点", "十三、办理方式",
    "十四、咨询与投诉", "十五、行政救济途径",
)

BUILD_ATTACHMENTS = "../../attachments/"  # from guides/matters/ to the build's copy of the project's files


def attachment_link(att: m.Attachment | None, prefix: str = BUILD_ATTACHMENTS) -> dict[str, Any] | None:
    """A link to a guide's file: ``label`` (the file's name, or the address), ``href`` for HTML
    (plain text, escaped by the template) and ``md_href`` for Markdown (Markup, percent-encoded)."""
    if att is None:
        return None
    if att.url is not None:
        href = external_url(att.url)
        return {"label": att.url, "href": href, "md_href": Markup(href), "external": True}
    path = att.path or ""
    href = prefix + quote(path, safe="/-._~")
    return {"label": PurePosixPath(path).name, "href": href, "md_href": Markup(href), "external": False}


def material_view(catalog: Catalog, matter: m.Matter, material: m.Material, attachments: str = BUILD_ATTACHMENTS) -> dict[str, Any]:
    form = d.FORM_ZH.get(material.form or "", "")
    medium = d.MEDIUM_ZH.get(material.medium or "", "")
    kind = [f"材料类型：{form}" if form else "", f"份数：{material.copies}" if material.copies is not None else "",
            f"载体：{medium}" if medium else ""]
    return {
        "kind": "；".join(k for k in kind if k),  # 材料类型, 份数, 载体: those stated
        "form_medium": f"{form}（{medium}）" if form and medium else (form or medium or "—"),
        "id": material.id,
        "name": material.name,
        "source": d.material_source_text(catalog, material),
        "form": d.FORM_ZH.get(material.form or "", "") or "—",
        "medium": d.MEDIUM_ZH.get(material.medium or "", "") or "—",
        "copies": str(material.copies) if material.copies is not None else "—",
        "required_when": d.required_when_text(material, matter),
        "marks": d.material_marks(material),
        "note": material.note or "",
        "spec": material.spec or "",
        "instructions": material.instructions or "",
        "blank_form": attachment_link(material.blank_form, attachments),
        "sample": attachment_link(material.sample, attachments),
        "acceptance": material.acceptance or "",
    }


def _offices(mt: m.Matter) -> list[dict[str, str]]:
    """办理地点: the declared windows, else the one-line 地点."""
    out = [{"name": o.name, "address": o.address or "", "hours": o.hours or "", "phone": o.phone or ""} for o in mt.offices]
    if not out and mt.location:
        out.append({"name": mt.location, "address": "", "hours": "", "phone": ""})
    return out


def _guide_view(catalog: Catalog, mt: m.Matter, attachments: str) -> dict[str, Any]:
    """The elements of a national-platform guide beyond the basics, for ``matter_view``."""
    fee = mt.fee
    dept = catalog.department_name(mt.department) or "未注明"
    return {
        "implementation_basis": _basis_list(catalog, mt.implementation_basis),
        "accepting_body": d.body_text(catalog, mt.accepting_body) or dept,
        "deciding_body": d.body_text(catalog, mt.deciding_body) or dept,
        "joint_bodies": d.bodies_text(catalog, mt.joint_bodies) or "无",
        "fee_charged": d.fee_charged_text(fee),
        "fee_standard": "" if fee is None or fee.free else d.fee_text(fee),
        "fee_basis": d.citations_text(catalog, fee.basis) if fee is not None else "",
        "review_standard": mt.review_standard or "",
        "quantity_limit": mt.quantity_limit or "",
        "result_sample": attachment_link(mt.result.sample if mt.result else None, attachments),
        "office_hours": mt.office_hours or "",
        "offices": _offices(mt),
        "online_url": ({"label": mt.online_url, "href": external_url(mt.online_url), "md_href": Markup(external_url(mt.online_url))}
                       if mt.online_url else None),
        "courier": d.yes_no_text(mt.courier),
        "booking": d.yes_no_text(mt.booking),
        "booking_url": ({"label": mt.booking_url, "href": external_url(mt.booking_url), "md_href": Markup(external_url(mt.booking_url))}
                        if mt.booking_url else None),
        "complaint": mt.complaint or "",
        "reconsideration": d.body_text(catalog, mt.reconsideration),
        "litigation": d.body_text(catalog, mt.litigation),
    }


def matter_view(catalog: Catalog, mid: str, version: str | None = None, date: str | None = None,
                attachments: str = BUILD_ATTACHMENTS) -> dict[str, Any]:
    """What a matter's guide says, as plain strings and lists for the templates; ``attachments`` is
    the relative link from the guide to the copies of the project's files."""
    mt = catalog.matter(mid)
    power = catalog.power_of(mt)
    days, how = matter_time(mt, catalog.clock)
    return {
        "project": catalog.config.name,
        "version": version or catalog.config.version,
        "date": date or catalog.config.date or "",
        "as_of": d.as_of_text(catalog),
        "matter": {
            "id": mt.id,
            "name": mt.name,
            "code": mt.code or "未注明",
            "category": d.category_text(catalog.category_of(mt)),
            "power": f"{power.name}（{power.code}）" if power and power.code else (power.name if power else "未注明"),
            "department": catalog.department_name(mt.department) or "未注明",
            "level": d.level_text(mt.levels or mt.level),
            "basis": _basis_list(catalog, mt.basis),
            "applicants": "、".join(mt.applicants) or "未注明",
            "conditions": [
                {"id": c.id, "text": c.text, "rule": d.expr_text(c.expr, mt) if c.expr is not None else "由审批人员依法审查",
                 "basis": d.citations_text(catalog, c.basis) or "—"}
                for c in mt.conditions
            ],
            "materials": [material_view(catalog, mt, mat, attachments) for mat in mt.materials],
            "steps": [
                {"name": s.name, "department": catalog.department_name(s.department) or "—",
                 "duration": d.duration_text(s.duration)}
                for s in mt.steps if not s.outside_limit
            ],
            # 特别程序: steps the time limit does not count (行政许可法 第四十五条), with their basis
            "special_steps": [
                {"name": s.name, "department": catalog.department_name(s.department) or "—",
                 "duration": d.duration_text(s.duration), "basis": d.citations_text(catalog, s.basis) or "—"}
                for s in mt.steps if s.outside_limit
            ],
            "statutory": d.statutory_text(mt.limits),
            "promised": d.promised_text(mt.limits),
            "handling_type": d.handling_type_text(mt.limits),
            "time_total": days_zh(days) if days is not None and how == "steps" else "",
            "fee": d.fee_text(mt.fee),
            "channels": d.channels_text(mt.channels),
            "visits": d.visits_text(mt.visits),
            "location": mt.location or "未注明",
            "result": (mt.result.name + (f"（{mt.result.type}）" if mt.result.type else "")) if mt.result else "未注明",
            "contact": _contact(catalog, mt) or "未注明",
            "note": mt.note or "",
            **_guide_view(catalog, mt, attachments),
        },
    }


def matter_guide_markdown(catalog: Catalog, mid: str, *, templates: str | Path | None = None, version: str | None = None,
                          date: str | None = None, env: GuideTemplates | None = None, attachments: str = BUILD_ATTACHMENTS) -> str:
    """The matter's guide in Markdown; ``env`` is the run's templates (else made for this call from ``templates``);
    ``attachments`` the relative link to the copies of the project's files (the build's, by default)."""
    return (env or GuideTemplates.of(catalog, templates)).render("matter_guide.md.j2", matter_view(catalog, mid, version, date, attachments))


def matter_guide_html(catalog: Catalog, mid: str, *, templates: str | Path | None = None, version: str | None = None,
                      date: str | None = None, env: GuideTemplates | None = None) -> str:
    """The matter's guide in HTML; ``env`` as for ``matter_guide_markdown``."""
    return (env or GuideTemplates.of(catalog, templates)).render("matter_guide.html.j2", matter_view(catalog, mid, version, date))


# ---------------------------------------------------------------- journey view
def journey_stages(journey: m.Journey) -> list[list[str]]:
    """The journey's matters in stages: each stage runs in parallel, stages run one after another."""
    dag = journey_order(journey)
    try:
        order = topological(dag)
    except Exception:  # an order with a cycle: no stages can be drawn, treat all as parallel
        return [list(dict.fromkeys(journey.matters))]
    depth: dict[str, int] = {}
    for n in order:
        depth[n] = max((depth[p] + 1 for p in dag.predecessors(n)), default=0)
    stages: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for n in order:
        stages[depth[n]].append(n)
    return stages


def merged_materials(catalog: Catalog, jid: str, figures: JourneyFigures | None = None) -> list[dict[str, Any]]:
    """The journey's materials once each (by material identity), with who needs them and how.

    Which materials are 免提交 comes from the journey figures (``Catalog.journey_figures``):
    a material is fetched by data sharing when it is declared 签发/产出 or when a
    department or matter of the catalog provides it.
    """
    fig = figures or catalog.journey_figures(jid)
    shared = {s.material: s for s in fig.shared_materials}
    members = [catalog.matter(mid) for mid in fig.matters]
    groups: dict[str, list[tuple[m.Matter, m.Material]]] = {}
    for mt in members:
        for mat in mt.materials:
            groups.setdefault(catalog.material_index.identity(mat.name), []).append((mt, mat))
    out = []
    for key, mentions in groups.items():
        _first_mt, first = mentions[0]
        is_shared = key in shared
        if is_shared:
            source = "数据共享获取：" + "；".join(dict.fromkeys(_provider_text(catalog, p) for p in shared[key].provided_by))
        else:
            source = "申请人自备"
        if any(mat.required and mat.only_when is None for _, mat in mentions):
            when = "必需"
        else:
            parts = [f"{mt.name}：{d.required_when_text(mat, mt)}" for mt, mat in mentions]
            when = "；".join(dict.fromkeys(parts))
        marks = []
        if is_shared:
            marks.append("免提交")
        if all(mat.tolerated for _, mat in mentions):
            marks.append("容缺")
        if all(mat.commitment for _, mat in mentions):
            marks.append("告知承诺")
        copies = max((mat.copies or 0) for _, mat in mentions)
        out.append({
            "key": key,
            "name": first.name,
            "names": sorted({mat.name for _, mat in mentions}),
            "matters": list(dict.fromkeys(mt.name for mt, _ in mentions)),
            "source": source,
            "form": d.FORM_ZH.get(first.form or "", "") or "—",
            "medium": d.MEDIUM_ZH.get(first.medium or "", "") or "—",
            "copies": str(copies) if copies else "—",
            "required_when": when,
            "marks": marks,
            "shared": is_shared,
        })
    return out


def _provider_text(catalog: Catalog, provider: MaterialSource | str) -> str:
    """Who provides a shared material, by name: ``“企业设立登记”办理结果`` or ``某部门签发``."""
    if isinstance(provider, str):
        return provider
    kind, ref = getattr(provider, "kind", ""), getattr(provider, "ref", "")
    if kind == "matter" and ref in catalog.matters:
        return f"“{catalog.matter(ref).name}”办理结果"
    if kind == "department":
        return f"{catalog.department_name(ref)}签发"
    return provider.zh() if hasattr(provider, "zh") else str(provider)


def journey_view(catalog: Catalog, jid: str, version: str | None = None, date: str | None = None) -> dict[str, Any]:
    """What a journey's guide says, as plain strings and lists for the templates."""
    j = catalog.journeys[jid]
    fig = catalog.journey_figures(jid)
    clock = catalog.clock
    materials = merged_materials(catalog, jid, fig)
    name_of = {mid: catalog.matter(mid).name for mid in fig.matters}
    times = {t.matter: t for t in fig.matter_times}
    members = [mid for mid in dict.fromkeys(j.matters) if mid in catalog.matters]

    def days(value: float | None) -> str:
        return "未注明" if value is None else days_zh(Fraction(str(value)))

    return {
        "project": catalog.config.name,
        "version": version or catalog.config.version,
        "date": date or catalog.config.date or "",
        "as_of": d.as_of_text(catalog),
        "journey": {
            "id": j.id,
            "name": j.name,
            "department": catalog.department_name(j.department) or "未注明",
            "departments": fig.department_names,
            "matters": [
                {"name": name_of[mid], "code": catalog.matter(mid).code or "未注明",
                 "department": catalog.department_name(catalog.matter(mid).department) or "未注明",
                 "time": days(times[mid].working_days if mid in times else None),
                 "visits": d.visits_text(catalog.matter(mid).visits)}
                for mid in members
            ],
            "stages": [
                {"number": i, "parallel": len(stage) > 1, "matters": [name_of[mid] for mid in stage if mid in name_of]}
                for i, stage in enumerate(journey_stages(j), 1)
            ],
            "order": [f"{name_of.get(dep.before, dep.before)} → {name_of.get(dep.after, dep.after)}" for dep in j.order],
            "critical_path": [name_of[mid] for mid in fig.critical_path if mid in name_of],
            "total": days(fig.critical_days),
            "serial": days(fig.serial_days),
            "target": d.duration_text(j.target) if j.target is None or j.target.unit == "working_days"
            else f"{j.target.zh()}（折合{days_zh(clock.working_days(j.target))}）",
            "visits": d.visits_text(fig.visits),
            "materials": materials,
            "material_count": fig.unique_materials,
            "material_mentions": fig.material_mentions,
            "submitted_count": fig.applicant_count,
        },
    }


def journey_guide_markdown(catalog: Catalog, jid: str, *, templates: str | Path | None = None, version: str | None = None,
                           date: str | None = None, env: GuideTemplates | None = None) -> str:
    """The journey's guide in Markdown; ``env`` as for ``matter_guide_markdown``."""
    return (env or GuideTemplates.of(catalog, templates)).render("journey_guide.md.j2", journey_view(catalog, jid, version, date))


def journey_guide_html(catalog: Catalog, jid: str, *, templates: str | Path | None = None, version: str | None = None,
                       date: str | None = None, env: GuideTemplates | None = None) -> str:
    """The journey's guide in HTML; ``env`` as for ``matter_guide_markdown``."""
    return (env or GuideTemplates.of(catalog, templates)).render("journey_guide.html.j2", journey_view(catalog, jid, version, date))
