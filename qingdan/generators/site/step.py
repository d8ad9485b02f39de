"""The site as a step of ``qingdan build``: the site project into ``<out>/site-src`` (reusing
the files the earlier steps wrote) and the built site into ``<out>/site``."""

from __future__ import annotations

from pathlib import Path

from ...compiler import Catalog
from ...compiler.checks import all_rules
from ..context import BuildContext, BuildError, step
from .mkdocs import SiteError, build_site_html
from .pages import write_site_project


def site_units(catalog: Catalog) -> int:
    """Writing each matter's and journey's pages, then mkdocs reading and writing each page
    (about one a matter, journey, department and check rule, and a dozen others)."""
    pages = len(catalog.matters) + len(catalog.journeys) + len(catalog.departments) + len(all_rules()) + 12
    return len(catalog.matters) + len(catalog.journeys) + 2 * pages


@step(units=site_units)
def site_step(catalog: Catalog, outdir: Path, ctx: BuildContext) -> None:
    """Build step: the site project into ``site-src/`` and the built site into ``site/``."""
    write_site_project(catalog, lambda rel, data: ctx.write(f"site-src/{rel}", data), version=ctx.version, date=ctx.date,
                       templates=ctx.templates, reuse=ctx.reuse, matter_slugs=ctx.matter_slugs,
                       journey_slugs=ctx.journey_slugs, progress=ctx.tick, diagnostics=ctx.diagnostics)
    try:
        build_site_html(outdir / "site-src", outdir / "site", date=ctx.date, progress=ctx.tick)
    except SiteError as e:
        raise BuildError(e.text) from None
