"""The reviewers' site: an mkdocs-material project generated from the compiled catalog.

``write_site_project`` writes ``mkdocs.yml`` and ``docs/`` through a ``write(rel, data)``
callback; ``build_site_html`` runs ``mkdocs build --strict`` on such a project;
``site_step`` is the step ``qingdan build`` runs (``<out>/site-src`` and ``<out>/site``).

The modules:

- ``pages.py``: the page writers (home, departments, matters, journeys, lists, checks)
  and ``write_site_project``;
- ``writer.py``: ``SiteWriter``, the state of one run (the jinja2 environment, the page
  stems, where files go) and the navigation limits;
- ``figures.py``: the home page's figures, computed from the model;
- ``mermaid.py``: the flowcharts of matters and journeys;
- ``markup.py``: catalog text escaped for the site's Markdown and its extensions
  (``md_text``), titles, raw-HTML text and links escaped for the theme;
- ``mkdocs.py``: ``mkdocs.yml``, the shipped assets and the ``mkdocs build`` runner;
- ``step.py``: the build step.

Design for scale: matter pages are listed in the navigation under their department
only for small catalogs (``NavLimits``); larger ones link matters from the department
pages, so no page carries ten thousand navigation entries. Mermaid is shipped inside the
package (``assets/``) so the site works offline. Chinese search uses the material search
plugin with jieba segmentation and a separator that splits on the zero-width spaces
jieba inserts and on Chinese punctuation.
"""

from __future__ import annotations

from ..markup import html_text, md_text, safe_title
from ..paths import department_slug, department_slugs
from .figures import Overview, overview
from .mermaid import journey_flowchart, matter_flowchart, mermaid_text
from .mkdocs import (
    MARKER,
    MERMAID_JS,
    SEARCH_SEPARATOR,
    SITE_ASSETS,
    SITE_CSS,
    SiteError,
    build_site_html,
    compact_search_index,
    mkdocs_config,
    source_date_epoch,
)
from .pages import write_site_project
from .step import site_step
from .writer import NAV_DEPARTMENT_LIMIT, NAV_JOURNEY_LIMIT, NAV_MATTER_LIMIT, SITE_TEMPLATES, NavLimits

__all__ = [
    "MARKER",
    "MERMAID_JS",
    "NAV_DEPARTMENT_LIMIT",
    "NAV_JOURNEY_LIMIT",
    "NAV_MATTER_LIMIT",
    "SEARCH_SEPARATOR",
    "SITE_ASSETS",
    "SITE_CSS",
    "SITE_TEMPLATES",
    "NavLimits",
    "Overview",
    "SiteError",
    "build_site_html",
    "compact_search_index",
    "department_slug",
    "department_slugs",
    "html_text",
    "journey_flowchart",
    "matter_flowchart",
    "md_text",
    "mermaid_text",
    "mkdocs_config",
    "overview",
    "safe_title",
    "site_step",
    "source_date_epoch",
    "write_site_project",
]
