"""The artefact steps of ``qingdan build``: service guides, form schemas, decision tables,
the three lists and the machine exports.

Each step turns the Catalog into one family of files and writes them through
``ctx.write``; the order they run in is ``build.BUILD_STEPS``. The reviewers' site is
the last step and lives with the site (``site/step.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..compiler import Catalog
from ..compiler.attachments import ATTACHMENT_DIR, project_files, read_attachment
from ..compiler.text import Text
from ..lists.export import write_lists
from .context import BuildContext, BuildError, step
from .dmn import DecisionBuildError, write_matter_decisions
from .exports import CATALOG_FORMAT, PUBLISHED_SCHEMA, catalog_json, catalog_schema_text, cpsv_jsonld
from .forms import dumps, journey_form, matter_form
from .guides import GuideTemplates, journey_guide_html, journey_guide_markdown, matter_guide_html, matter_guide_markdown


def _matters_and_journeys(catalog: Catalog) -> int:
    return len(catalog.matters) + len(catalog.journeys)


def attachment_bytes(catalog: Catalog, path: str) -> bytes:
    """A project file a guide links to (空白表格, 示例样表, 结果样本), read safely; ``BuildError`` when it cannot be."""
    if catalog.root is None:
        raise BuildError(Text(f"指南链接的文件 {path} 无法复制：规则不是从项目目录读取的",
                              f"the file {path} a guide links to cannot be copied: the rules were not read from a project directory"))
    data = read_attachment(catalog.root, path)
    if isinstance(data, Text):
        raise BuildError(data)
    return data


@step(units=_matters_and_journeys)
def guides_step(catalog: Catalog, outdir: Path, ctx: BuildContext) -> None:
    """``guides/matters/<stem>.md|html``, ``guides/journeys/<stem>.md|html``, and the project's files
    the guides link to, copied to ``attachments/<their path in the project>``."""
    for path in project_files(catalog.model):
        ctx.write(f"{ATTACHMENT_DIR}/{path}", attachment_bytes(catalog, path))
    env = GuideTemplates.of(catalog, ctx.templates)
    for mid in catalog.matters:
        slug = ctx.matter_slugs[mid]
        ctx.write(f"guides/matters/{slug}.md", matter_guide_markdown(catalog, mid, version=ctx.version, date=ctx.date, env=env))
        ctx.write(f"guides/matters/{slug}.html", matter_guide_html(catalog, mid, version=ctx.version, date=ctx.date, env=env))
        ctx.tick()
    for jid in catalog.journeys:
        slug = ctx.journey_slugs[jid]
        ctx.write(f"guides/journeys/{slug}.md", journey_guide_markdown(catalog, jid, version=ctx.version, date=ctx.date, env=env))
        ctx.write(f"guides/journeys/{slug}.html", journey_guide_html(catalog, jid, version=ctx.version, date=ctx.date, env=env))
        ctx.tick()


@step(units=_matters_and_journeys)
def forms_step(catalog: Catalog, outdir: Path, ctx: BuildContext) -> None:
    """``forms/matters/<stem>.schema.json|uischema.json`` and the same for journeys."""
    for mid in catalog.matters:
        slug = ctx.matter_slugs[mid]
        schema, ui = matter_form(catalog, mid, slug)
        ctx.write(f"forms/matters/{slug}.schema.json", dumps(schema))
        ctx.write(f"forms/matters/{slug}.uischema.json", dumps(ui))
        ctx.tick()
    for jid in catalog.journeys:
        slug = ctx.journey_slugs[jid]
        schema, ui = journey_form(catalog, jid, slug)
        ctx.write(f"forms/journeys/{slug}.schema.json", dumps(schema))
        ctx.write(f"forms/journeys/{slug}.uischema.json", dumps(ui))
        ctx.tick()


@step(units=lambda c: len(c.matters))
def decisions_step(catalog: Catalog, outdir: Path, ctx: BuildContext) -> None:
    """``decisions/<stem>.dmn``, ``.eligibility.csv``, ``.materials.csv`` and ``.json`` per matter."""
    for mid, mt in catalog.matters.items():
        try:
            write_matter_decisions(catalog, mt, ctx.matter_slugs[mid], outdir, ctx.write)
        except DecisionBuildError as e:
            raise BuildError(e.text) from None
        ctx.tick()


@step(units=lambda c: 3)
def lists_step(catalog: Catalog, outdir: Path, ctx: BuildContext) -> None:
    """``lists/<stem>.csv|xlsx|json`` for the power, responsibility and negative lists."""
    write_lists(catalog, ctx.write, ctx.version, ctx.date)
    ctx.tick(3)


@step(units=lambda c: 2)
def exports_step(catalog: Catalog, outdir: Path, ctx: BuildContext) -> None:
    """``catalog.json`` and its schema, ``exports/cpsv-ap.jsonld`` and ``index.json``."""
    ctx.write("catalog.json", catalog_json(catalog, ctx.version, ctx.date))
    schema = PUBLISHED_SCHEMA.read_text(encoding="utf-8") if PUBLISHED_SCHEMA.is_file() else catalog_schema_text()
    ctx.write(f"schemas/catalog-{CATALOG_FORMAT}.schema.json", schema)
    ctx.tick()
    ctx.write("exports/cpsv-ap.jsonld", cpsv_jsonld(catalog, ctx.matter_slugs, ctx.journey_slugs))
    ctx.write("index.json", index_json(catalog, ctx))
    ctx.tick()


def index_json(catalog: Catalog, ctx: BuildContext) -> str:
    """Where each matter's and journey's artefacts are, for portals and the site."""
    matters: dict[str, Any] = {}
    for mid, mt in catalog.matters.items():
        s = ctx.matter_slugs[mid]
        matters[mid] = {
            "name": mt.name, "code": mt.code, "slug": s,
            "guide": {"markdown": f"guides/matters/{s}.md", "html": f"guides/matters/{s}.html"},
            "form": {"schema": f"forms/matters/{s}.schema.json", "uischema": f"forms/matters/{s}.uischema.json"},
            "decisions": {"dmn": f"decisions/{s}.dmn", "json": f"decisions/{s}.json",
                          "eligibility_csv": f"decisions/{s}.eligibility.csv", "materials_csv": f"decisions/{s}.materials.csv"},
        }
    journeys: dict[str, Any] = {}
    for jid, j in catalog.journeys.items():
        s = ctx.journey_slugs[jid]
        journeys[jid] = {
            "name": j.name, "slug": s, "matters": list(dict.fromkeys(j.matters)),
            "guide": {"markdown": f"guides/journeys/{s}.md", "html": f"guides/journeys/{s}.html"},
            "form": {"schema": f"forms/journeys/{s}.schema.json", "uischema": f"forms/journeys/{s}.uischema.json"},
        }
    doc = {"catalog_version": ctx.version, "date": ctx.date, "project": catalog.config.name, "matters": matters, "journeys": journeys}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

