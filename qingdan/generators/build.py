"""The build orchestrator: run every artefact writer into a fresh directory, then swap it in.

``BUILD_STEPS`` is a plain list of steps ``step(catalog, outdir, ctx)``; each writes its
files through ``ctx.write(relative_path, text_or_bytes)``. Other modules may append
steps (the documentation site does). After the steps, ``manifest.json`` lists every
file with its sha256, so it is written last and covers every step's output.

The build is deterministic: the version and date come from the project or the caller,
never the clock; every file is written from sorted data; no absolute path is written.
Output goes to a temporary directory that replaces the target only when every step has
succeeded (``fsutil.atomic_directory``), so a failed build leaves the previous one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..compiler.diagnostics import Diagnostic
from ..fsutil import atomic_directory
from .paths import journey_slugs, matter_slugs

MANIFEST_FORMAT = "1.0"
MANIFEST_NAME = "manifest.json"


class BuildError(Exception):
    """A build that cannot go on, with a message for the user (Chinese and English)."""

    def __init__(self, zh: str, en: str | None = None) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en or zh

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class BuildContext:
    outdir: Path
    version: str
    date: str | None
    templates: str | None = None
    matter_slugs: dict[str, str] = field(default_factory=dict)
    journey_slugs: dict[str, str] = field(default_factory=dict)
    progress: Callable[[int], None] | None = None
    written: dict[str, int] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)
    diagnostics: Sequence[Diagnostic] = ()  # the compile's findings, for the site's findings page

    def write(self, rel: str, data: str | bytes) -> None:
        """Write one output file at ``rel`` (a relative POSIX path inside the output)."""
        path = PurePosixPath(rel)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"output path must be relative and inside the build: {rel}")
        if rel in self.written:
            raise ValueError(f"two artefacts were written to the same file: {rel}")
        target = self.outdir.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        target.write_bytes(payload)
        self.written[rel] = len(payload)

    def tick(self, n: int = 1) -> None:
        if self.progress is not None:
            self.progress(n)


Step = Callable[[object, Path, BuildContext], None]


def units(count: Callable[[object], int]):
    """Declare how many progress units a step reports with ``ctx.tick()``."""

    def wrap(step):
        step.units = count
        return step

    return wrap


# ---------------------------------------------------------------- steps
@units(lambda c: len(c.matters) + len(c.journeys))
def guides_step(catalog, outdir: Path, ctx: BuildContext) -> None:
    from .guides import journey_guide_html, journey_guide_markdown, matter_guide_html, matter_guide_markdown

    opts = dict(templates=ctx.templates, version=ctx.version, date=ctx.date)
    for mid in catalog.matters:
        slug = ctx.matter_slugs[mid]
        ctx.write(f"guides/matters/{slug}.md", matter_guide_markdown(catalog, mid, **opts))
        ctx.write(f"guides/matters/{slug}.html", matter_guide_html(catalog, mid, **opts))
        ctx.tick()
    for jid in catalog.journeys:
        slug = ctx.journey_slugs[jid]
        ctx.write(f"guides/journeys/{slug}.md", journey_guide_markdown(catalog, jid, **opts))
        ctx.write(f"guides/journeys/{slug}.html", journey_guide_html(catalog, jid, **opts))
        ctx.tick()


@units(lambda c: len(c.matters) + len(c.journeys))
def forms_step(catalog, outdir: Path, ctx: BuildContext) -> None:
    from .forms import dumps, journey_form, matter_form

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


@units(lambda c: len(c.matters))
def decisions_step(catalog, outdir: Path, ctx: BuildContext) -> None:
    from .dmn import DecisionBuildError, write_matter_decisions

    for mid, mt in catalog.matters.items():
        try:
            write_matter_decisions(catalog, mt, ctx.matter_slugs[mid], outdir, ctx.write)
        except DecisionBuildError as e:
            raise BuildError(str(e), f"the conditions of matter '{mid}' expand to more than 4096 rows; split them into simpler conditions") from None
        ctx.tick()


@units(lambda c: 3)
def lists_step(catalog, outdir: Path, ctx: BuildContext) -> None:
    from ..lists.export import write_lists

    write_lists(catalog, ctx.write, ctx.version, ctx.date)
    ctx.tick(3)


@units(lambda c: 2)
def exports_step(catalog, outdir: Path, ctx: BuildContext) -> None:
    from .exports import CATALOG_FORMAT, PUBLISHED_SCHEMA, catalog_json, catalog_schema_text, cpsv_jsonld

    ctx.write("catalog.json", catalog_json(catalog, ctx.version, ctx.date))
    schema = PUBLISHED_SCHEMA.read_text(encoding="utf-8") if PUBLISHED_SCHEMA.is_file() else catalog_schema_text()
    ctx.write(f"schemas/catalog-{CATALOG_FORMAT}.schema.json", schema)
    ctx.tick()
    ctx.write("exports/cpsv-ap.jsonld", cpsv_jsonld(catalog, ctx.matter_slugs, ctx.journey_slugs))
    ctx.write("index.json", index_json(catalog, ctx))
    ctx.tick()


def index_json(catalog, ctx: BuildContext) -> str:
    """Where each matter's and journey's artefacts are, for portals and the site."""
    matters = {}
    for mid, mt in catalog.matters.items():
        s = ctx.matter_slugs[mid]
        matters[mid] = {
            "name": mt.name, "code": mt.code, "slug": s,
            "guide": {"markdown": f"guides/matters/{s}.md", "html": f"guides/matters/{s}.html"},
            "form": {"schema": f"forms/matters/{s}.schema.json", "uischema": f"forms/matters/{s}.uischema.json"},
            "decisions": {"dmn": f"decisions/{s}.dmn", "json": f"decisions/{s}.json",
                          "eligibility_csv": f"decisions/{s}.eligibility.csv", "materials_csv": f"decisions/{s}.materials.csv"},
        }
    journeys = {}
    for jid, j in catalog.journeys.items():
        s = ctx.journey_slugs[jid]
        journeys[jid] = {
            "name": j.name, "slug": s, "matters": list(dict.fromkeys(j.matters)),
            "guide": {"markdown": f"guides/journeys/{s}.md", "html": f"guides/journeys/{s}.html"},
            "form": {"schema": f"forms/journeys/{s}.schema.json", "uischema": f"forms/journeys/{s}.uischema.json"},
        }
    doc = {"catalog_version": ctx.version, "date": ctx.date, "project": catalog.config.name, "matters": matters, "journeys": journeys}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


BUILD_STEPS: list[Step] = [guides_step, forms_step, decisions_step, lists_step, exports_step]

# The reviewers' site (site.py) runs last: it copies the files above into site-src/ and
# builds site/ with mkdocs. ``qingdan build --no-site`` leaves it out.
from .site import site_step  # noqa: E402

BUILD_STEPS.append(site_step)


# ---------------------------------------------------------------- manifest and driver
def manifest_document(outdir: Path, catalog, version: str, date: str | None) -> dict:
    files = []
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        rel = path.relative_to(outdir).as_posix()
        if rel == MANIFEST_NAME:
            continue
        data = path.read_bytes()
        files.append({"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    files.sort(key=lambda f: f["path"])
    return {
        "format": "qingdan-manifest",
        "format_version": MANIFEST_FORMAT,
        "project": catalog.config.name,
        "catalog_version": version,
        "date": date,
        "files": files,
    }


@dataclass
class BuildResult:
    out: Path
    files: int
    bytes: int
    version: str


def total_units(catalog, steps: list[Step]) -> int:
    return sum(max(1, int(getattr(s, "units", lambda c: 1)(catalog))) for s in steps)


def check_output_dir(out: Path, project_root: Path) -> None:
    """Refuse an output directory whose replacement would destroy something that is not a build."""
    out_abs = Path(os.path.abspath(out))
    root_abs = Path(os.path.abspath(project_root))
    if out_abs == root_abs or out_abs in root_abs.parents:
        raise BuildError(f"输出目录 {out} 包含规则项目本身，不能作为输出目录；请换一个目录，如 build/",
                         f"the output directory {out} contains the rule project itself; choose another directory, such as build/")
    if out_abs.exists():
        if not out_abs.is_dir():
            raise BuildError(f"输出路径 {out} 是一个文件，不是目录", f"the output path {out} is a file, not a directory")
        if any(out_abs.iterdir()) and not (out_abs / MANIFEST_NAME).is_file():
            raise BuildError(
                f"输出目录 {out} 已存在且不是 qingdan 的构建结果（没有 {MANIFEST_NAME}），为免误删，拒绝覆盖；请换一个目录或先清空它",
                f"the output directory {out} exists and is not a qingdan build (no {MANIFEST_NAME}); refusing to replace it. "
                "Choose another directory or empty it first",
            )


def build(catalog, out: str | Path, *, version: str | None = None, date: str | None = None, templates: str | None = None,
          progress: Callable[[int], None] | None = None, steps: list[Step] | None = None,
          diagnostics: Sequence[Diagnostic] = ()) -> BuildResult:
    """Build every artefact of ``catalog`` into ``out``, atomically."""
    out = Path(out)
    check_output_dir(out, catalog.root or Path.cwd())
    steps = list(BUILD_STEPS if steps is None else steps)
    version = version or catalog.config.version
    date = date or catalog.config.date
    if templates is None and catalog.config.templates:
        tdir = Path(catalog.root) / catalog.config.templates
        if not tdir.is_dir():
            raise BuildError(f"qingdan.toml 中的模板目录 {catalog.config.templates} 不存在",
                             f"the template directory {catalog.config.templates} in qingdan.toml does not exist")
        templates = str(tdir)
    with atomic_directory(out) as tmp:
        os.chmod(tmp, 0o755)
        ctx = BuildContext(tmp, version, date, templates, matter_slugs(catalog.model), journey_slugs(catalog.model),
                           diagnostics=diagnostics)
        for step in steps:
            expected = max(1, int(getattr(step, "units", lambda c: 1)(catalog)))
            reported = 0

            def report(n: int, _expected=expected) -> None:
                nonlocal reported
                n = min(n, _expected - reported)
                if n > 0 and progress is not None:
                    progress(n)
                reported += max(n, 0)

            ctx.progress = report
            step(catalog, tmp, ctx)
            if reported < expected and progress is not None:
                progress(expected - reported)
        manifest = manifest_document(tmp, catalog, version, date)
        (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    total = sum(f["bytes"] for f in manifest["files"])
    return BuildResult(out, len(manifest["files"]) + 1, total, version)
