"""The state of one run of the site writer: the catalog, where files go, the page stems,
the site's jinja2 environment and the guide templates.

A ``SiteWriter`` is made by ``pages.write_site_project`` for one run and dropped after
it, so nothing (no template environment, no figures) is kept between runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from ...compiler import Catalog
from ...compiler.diagnostics import Diagnostic
from ..context import Write
from ..describe import as_of_text
from ..guides import GuideTemplates, template_dir
from ..markup import link, md_join, md_text, safe_title, url

SITE_TEMPLATES = Path(__file__).parent / "templates"
# Above these counts, pages are reached from their index pages only, not listed in the
# navigation (material renders a section's whole navigation into each of its pages).
NAV_MATTER_LIMIT = 500
NAV_JOURNEY_LIMIT = 100
NAV_DEPARTMENT_LIMIT = 200


def front_matter(meta: dict[str, Any] | None) -> str:
    """A page's YAML front matter (what the theme and its search plugin read); catalog text in
    it is a YAML string, safely quoted, never markup."""
    if not meta:
        return ""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10**6) + "---\n"


@dataclass(frozen=True)
class NavLimits:
    """How many matters, journeys and departments the navigation lists at most; above
    that, their pages are reached from their index pages only."""

    matters: int = NAV_MATTER_LIMIT
    journeys: int = NAV_JOURNEY_LIMIT
    departments: int = NAV_DEPARTMENT_LIMIT


def site_environment() -> jinja2.Environment:
    """The jinja2 environment of the site's page templates (Markdown, everything printed
    goes through ``markup.md_text``)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SITE_TEMPLATES)),
        autoescape=True,
        finalize=md_text,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["url"] = url
    env.filters["join"] = md_join
    env.filters["raw"] = Markup
    return env


def site_guide_templates(override: str | None = None) -> GuideTemplates:
    """The guide templates as the site renders them: the same (sandboxed) templates, the
    project's overrides first, printing through ``md_text``, which also escapes what the
    site's Markdown extensions make special (attr_list's braces …)."""
    return GuideTemplates(override, markdown_finalize=md_text, markdown_join=md_join)


@dataclass
class SiteWriter:
    """One run of the site writer: writes pages and copies artefacts through ``write``."""

    catalog: Catalog
    write: Write
    version: str
    date: str | None
    templates: str | None
    reuse: Callable[[str], bytes | None]
    mslugs: dict[str, str]
    jslugs: dict[str, str]
    dslugs: dict[str, str]
    tick: Callable[[int], None]
    diagnostics: Sequence[Diagnostic] = ()
    nav_limits: NavLimits = NavLimits()
    env: jinja2.Environment = field(default_factory=site_environment)
    _guides: GuideTemplates | None = field(default=None, init=False, repr=False)

    @property
    def guides(self) -> GuideTemplates:
        """The guide templates of the site (``site_guide_templates``), made on first use."""
        if self._guides is None:
            self._guides = site_guide_templates(template_dir(self.catalog, self.templates))
        return self._guides

    def page(self, rel: str, template: str, front: dict[str, Any] | None = None, **view: Any) -> None:
        """Render ``template`` into ``docs/<rel>``, after the page's ``front`` matter (YAML) if any."""
        text = self.env.get_template(template).render(page=rel, project=self.catalog.config.name, version=self.version,
                                                      date=self.date or "", as_of=as_of_text(self.catalog), **view)
        self.write(f"docs/{rel}", front_matter(front) + safe_title(text))

    def link(self, from_page: str, target: str) -> Markup:
        return link(from_page, target)

    def artefact(self, rel: str, make: Callable[[], str | bytes]) -> str:
        """Copy a build artefact into docs/files/<rel> (from the build when it wrote it)."""
        data: str | bytes | None = self.reuse(rel)
        if data is None:
            data = make()
        self.write(f"docs/files/{rel}", data)
        return f"files/{rel}"
