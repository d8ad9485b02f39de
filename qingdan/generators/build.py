"""The build driver: run every build step into a fresh directory, then swap it in.

``BUILD_STEPS`` is the one registry of what ``qingdan build`` writes, in order: service
guides, form schemas, decision tables, the three lists, machine exports
(``steps.py``) and the reviewers' site (``site/step.py``). It is an immutable tuple;
a caller that wants other steps passes ``build(..., steps=...)`` (``qingdan build
--no-site`` passes the tuple without ``site_step``). Each step writes its files through
``ctx.write(relative_path, text_or_bytes)``. After the steps, ``manifest.json`` lists
every file with its sha256, so it is written last and covers every step's output.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compiler import Catalog
from ..compiler.diagnostics import Diagnostic
from ..compiler.text import Text
from ..fsutil import WORK_MARKER, atomic_directory
from .context import BuildContext, BuildError, Step, StepFunction, units_of
from .paths import journey_slugs, matter_slugs
from .site import site_step
from .steps import decisions_step, exports_step, forms_step, guides_step, lists_step

__all__ = ["BUILD_STEPS", "BuildContext", "BuildError", "BuildResult", "Step", "build", "check_output_dir", "manifest_document",
           "total_units"]

MANIFEST_FORMAT = "1.0"
MANIFEST_NAME = "manifest.json"

BUILD_STEPS: tuple[Step, ...] = (guides_step, forms_step, decisions_step, lists_step, exports_step, site_step)
"""Every step of ``qingdan build``, in the order they run. The site runs last: it copies
the files above into ``site-src/`` and builds ``site/`` with mkdocs."""


# ---------------------------------------------------------------- manifest and driver
def manifest_document(outdir: Path, catalog: Catalog, version: str, date: str | None) -> dict[str, Any]:
    """Every file under ``outdir`` with its sha256 and size, in path order; not the manifest
    itself, nor the marker ``fsutil.atomic_directory`` keeps in its work directory until the swap."""
    files: list[dict[str, Any]] = []
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        rel = path.relative_to(outdir).as_posix()
        if rel in (MANIFEST_NAME, WORK_MARKER):
            continue
        data = path.read_bytes()
        files.append({"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    files.sort(key=lambda f: str(f["path"]))
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
    """What a build wrote: the directory, the number of files (the manifest included), their bytes and the version."""

    out: Path
    files: int
    bytes: int
    version: str


def total_units(catalog: Catalog, steps: Sequence[StepFunction]) -> int:
    """The progress units a build of ``catalog`` with ``steps`` reports in all."""
    return sum(units_of(s, catalog) for s in steps)


def check_output_dir(out: Path, project_root: Path) -> None:
    """Refuse an output directory whose replacement would destroy something that is not a build."""
    out_abs = Path(os.path.abspath(out))
    root_abs = Path(os.path.abspath(project_root))
    if out_abs == root_abs or out_abs in root_abs.parents:
        raise BuildError(Text(f"输出目录 {out} 包含规则项目本身，不能作为输出目录；请换一个目录，如 build/",
                              f"the output directory {out} contains the rule project itself; choose another directory, such as build/"))
    if out_abs.exists():
        if not out_abs.is_dir():
            raise BuildError(Text(f"输出路径 {out} 是一个文件，不是目录", f"the output path {out} is a file, not a directory"))
        if any(out_abs.iterdir()) and not (out_abs / MANIFEST_NAME).is_file():
            raise BuildError(Text(
                f"输出目录 {out} 已存在且不是 qingdan 的构建结果（没有 {MANIFEST_NAME}），为免误删，拒绝覆盖；请换一个目录或先清空它",
                f"the output directory {out} exists and is not a qingdan build (no {MANIFEST_NAME}); refusing to replace it. "
                "Choose another directory or empty it first",
            ))


def build(catalog: Catalog, out: str | Path, *, version: str | None = None, date: str | None = None, templates: str | None = None,
          progress: Callable[[int], None] | None = None, steps: Sequence[StepFunction] | None = None,
          diagnostics: Sequence[Diagnostic] = ()) -> BuildResult:
    """Build every artefact of ``catalog`` into ``out``, atomically.

    ``steps`` defaults to ``BUILD_STEPS``; ``progress(n)`` is told of each unit of work
    done; ``diagnostics`` are the compile's findings, which the site shows.
    """
    out = Path(out)
    check_output_dir(out, catalog.root or Path.cwd())
    steps = tuple(BUILD_STEPS if steps is None else steps)
    version = version or catalog.config.version
    date = date or catalog.config.date
    if templates is None and catalog.config.templates:
        tdir = (catalog.root or Path()) / catalog.config.templates
        if not tdir.is_dir():
            raise BuildError(Text(f"qingdan.toml 中的模板目录 {catalog.config.templates} 不存在",
                                  f"the template directory {catalog.config.templates} in qingdan.toml does not exist"))
        templates = str(tdir)
    with atomic_directory(out) as tmp:
        os.chmod(tmp, 0o755)
        ctx = BuildContext(tmp, version, date, templates, matter_slugs(catalog.model), journey_slugs(catalog.model),
                           diagnostics=diagnostics)
        for run in steps:
            expected = units_of(run, catalog)
            reported = 0

            def report(n: int, _expected: int = expected) -> None:
                nonlocal reported
                n = min(n, _expected - reported)
                if n > 0 and progress is not None:
                    progress(n)
                reported += max(n, 0)

            ctx.progress = report
            run(catalog, tmp, ctx)
            if reported < expected and progress is not None:
                progress(expected - reported)
        manifest = manifest_document(tmp, catalog, version, date)
        (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    total = sum(f["bytes"] for f in manifest["files"])
    return BuildResult(out, len(manifest["files"]) + 1, total, version)
