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

Nothing qingdan did not write is ever replaced (``check_output_dir``): the target must be
new, empty, or provably an earlier output, that is a directory whose ``manifest.json`` is
a qingdan manifest of a known version listing every file in it with its size and sha256,
so a file put into an old build, or edited there, makes the build refuse (naming it)
instead of deleting it. The target may not be, contain or lie inside the project's
inputs (its root, its rule files, the template directory) nor hold the current
directory, all compared by their real paths, and it may not be a symbolic link. The
check runs again just before the swap.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compiler import Catalog
from ..compiler.diagnostics import Diagnostic
from ..compiler.text import Text
from ..fsutil import WORK_MARKER, atomic_directory, recover_directory
from .context import BuildContext, BuildError, Step, StepFunction, units_of
from .describe import as_of_text
from .paths import journey_slugs, matter_slugs
from .site import site_step
from .steps import decisions_step, exports_step, forms_step, guides_step, lists_step

__all__ = ["BUILD_STEPS", "BuildContext", "BuildError", "BuildResult", "OwnedFiles", "Step", "build", "check_output_dir",
           "check_still_owned", "manifest_document", "project_inputs", "total_units", "write_manifest"]

MANIFEST_KIND = "qingdan-manifest"
MANIFEST_FORMAT = "1.1"
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
        "format": MANIFEST_KIND,
        "format_version": MANIFEST_FORMAT,
        "project": catalog.config.name,
        "catalog_version": version,
        "date": date,
        "as_of": as_of_text(catalog) or None,
        "files": files,
    }


def write_manifest(outdir: Path, catalog: Catalog, version: str, date: str | None) -> dict[str, Any]:
    """Write ``manifest.json`` into ``outdir`` (after every other file) and return it."""
    manifest = manifest_document(outdir, catalog, version, date)
    (outdir / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


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


# ---------------------------------------------------------------- what may be replaced
OwnedFiles = dict[str, tuple[int, int, int]]
"""The files of an earlier output found to be qingdan's: relative path -> (size, mtime_ns, inode)."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _both(path: str | Path) -> set[Path]:
    """``path`` as written (made absolute) and with every symbolic link resolved."""
    return {Path(os.path.abspath(path)), Path(os.path.realpath(path))}


def _place_problem(out: Path, project_root: Path | None, inputs: Sequence[str | Path], templates: str | Path | None) -> Text | None:
    """Why ``out``'s place forbids replacing it (it is or holds an input, it is a link or a file), or None."""
    targets = _both(out)
    if project_root is not None and any(_inside(r, t) for r in _both(project_root) for t in targets):
        return Text(f"输出目录 {out} 就是规则项目本身或包含它，不能作为输出目录；请换一个目录，如项目中的 build/",
                    f"the output directory {out} is or contains the rule project itself; choose another directory, "
                    "such as build/ inside the project")
    if templates is not None:
        tdirs = _both(templates)
        if any(_inside(d, t) or _inside(t, d) for d in tdirs for t in targets):
            return Text(f"输出目录 {out} 与模板目录 {templates} 重叠（一个在另一个之中），生成时可能删除模板；"
                        "请把两者分开，换一个输出目录",
                        f"the output directory {out} overlaps the template directory {templates} (one is inside the other), "
                        "so building could delete the templates; keep them apart and choose another output directory")
    for src in inputs:
        if any(_inside(s, t) for s in _both(src) for t in targets):
            return Text(f"输出目录 {out} 中有本次读取的文件 {src}，替换它会删除该文件；请换一个输出目录",
                        f"the output directory {out} holds {src}, a file this run reads; replacing it would delete that file. "
                        "Choose another output directory")
    try:
        cwd: Path | None = Path(os.path.realpath(os.getcwd()))
    except OSError:  # the current directory was removed: nothing to protect there
        cwd = None
    if cwd is not None and any(_inside(cwd, t) for t in targets):
        return Text(f"输出目录 {out} 是当前所在的目录或包含它，不能替换；请先 cd 到别处，或换一个输出目录",
                    f"the output directory {out} is (or holds) the current directory and cannot be replaced; "
                    "cd elsewhere first, or choose another output directory")
    if os.path.islink(out):
        return Text(f"输出位置 {out} 是一个符号链接；为免替换它所指向的内容，请直接写出真实的目录，或换一个新的目录名",
                    f"the output {out} is a symbolic link; to keep what it points to safe, give the real directory or a new directory name")
    if os.path.lexists(out) and not os.path.isdir(out):
        return Text(f"输出路径 {out} 是一个文件，不是目录（该文件不会被改动）",
                    f"the output path {out} is a file, not a directory (the file is left as it is)")
    return None


def _read_manifest(out: Path) -> tuple[dict[str, tuple[str, int]] | None, Text]:
    """The files an earlier output's manifest lists (path -> (sha256, bytes)), or None and why it is not trusted."""
    path = out / MANIFEST_NAME
    if os.path.islink(path):
        return None, Text(f"其中的 {MANIFEST_NAME} 是符号链接", f"its {MANIFEST_NAME} is a symbolic link")
    if not path.is_file():
        return None, Text(f"其中没有 {MANIFEST_NAME}", f"it has no {MANIFEST_NAME}")
    bad = Text(f"其中的 {MANIFEST_NAME} 不是 qingdan 写出的清单", f"its {MANIFEST_NAME} is not a manifest written by qingdan")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not JSON, nested too deeply
        return None, bad
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_KIND:
        return None, bad
    version = doc.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != MANIFEST_FORMAT.split(".")[0]:
        return None, bad
    files = doc.get("files")
    if not isinstance(files, list):
        return None, bad
    listed: dict[str, tuple[str, int]] = {}
    for f in files:
        if not isinstance(f, dict):
            return None, bad
        rel, digest, size = f.get("path"), f.get("sha256"), f.get("bytes")
        if not (isinstance(rel, str) and isinstance(digest, str) and len(digest) == 64 and isinstance(size, int)
                and not isinstance(size, bool) and size >= 0):
            return None, bad
        listed[rel] = (digest.lower(), size)
    return listed, Text("", "")


def _entries(root: Path, prefix: str = "") -> Iterator[tuple[str, os.stat_result]]:
    """Every entry below ``root`` as (relative path, lstat), in path order; symbolic links are not followed."""
    with os.scandir(root) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        rel = prefix + entry.name
        st = entry.stat(follow_symlinks=False)
        yield rel, st
        if stat.S_ISDIR(st.st_mode):
            yield from _entries(Path(entry.path), rel + "/")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _owned_files(out: Path, trusted: Mapping[str, tuple[int, int, int]] | None = None) -> OwnedFiles:
    """Raise BuildError unless ``out`` is missing, empty or provably an earlier output (see the
    module docstring); return what was found. Files in ``trusted`` with the same size, time and
    inode are not hashed again."""
    owned: OwnedFiles = {}
    if not os.path.isdir(out):
        return owned
    try:
        with os.scandir(out) as it:
            if next(it, None) is None:
                return owned
        listed, why = _read_manifest(out)
        if listed is None:
            raise BuildError(Text(
                f"输出目录 {out} 已存在且不是 qingdan 生成的结果（{why.zh}），为免误删其中的文件，拒绝覆盖；"
                "请换一个新的目录，或先自行清空它",
                f"the output directory {out} exists and is not qingdan's output ({why.en}); refusing to replace it so that "
                "none of its files is lost. Choose a new directory, or empty it yourself first",
            ))
        for rel, st in _entries(out):
            if stat.S_ISDIR(st.st_mode) or (rel in (MANIFEST_NAME, WORK_MARKER) and stat.S_ISREG(st.st_mode)):
                continue
            if not stat.S_ISREG(st.st_mode) or rel not in listed:
                shown = rel + (" (符号链接)" if stat.S_ISLNK(st.st_mode) else "")
                shown_en = rel + (" (a symbolic link)" if stat.S_ISLNK(st.st_mode) else "")
                raise BuildError(Text(
                    f"输出目录 {out} 是以前 qingdan 生成的结果，但其中的 {shown} 不是 qingdan 写出的；为免误删，拒绝覆盖。"
                    f"请先把 {rel} 移到别处（或删除），或换一个输出目录",
                    f"the output directory {out} holds an earlier qingdan output, but {shown_en} in it was not written by qingdan; "
                    f"refusing to replace it so that nothing is lost. Move {rel} elsewhere (or delete it), or choose another "
                    "output directory",
                ))
            sig = (st.st_size, st.st_mtime_ns, st.st_ino)
            digest, size = listed[rel]
            if (trusted is None or trusted.get(rel) != sig) and (st.st_size != size or _sha256(out / rel) != digest):
                raise BuildError(Text(
                    f"输出目录 {out} 中的 {rel} 在 qingdan 生成之后被改动过；为免丢失这些改动，拒绝覆盖。"
                    f"请先把 {rel} 移到别处（或删除），或换一个输出目录",
                    f"{rel} in the output directory {out} was changed after qingdan wrote it; refusing to replace it so that "
                    f"the changes are not lost. Move {rel} elsewhere (or delete it), or choose another output directory",
                ))
            owned[rel] = sig
    except OSError as e:
        raise BuildError(Text(f"无法读取输出目录 {out}：{e.strerror or e}，因此不能确认可以替换它",
                              f"cannot read the output directory {out} ({e.strerror or e}), so it cannot be replaced safely")) from None
    return owned


def project_inputs(root: Path | None, files: Sequence[str], attachments: Sequence[str] = ()) -> list[Path]:
    """The files a compile of the project at ``root`` read (``files`` relative to it), with its qingdan.toml,
    and the project files its guides link to (``attachments``), which the build copies."""
    if root is None:
        return []
    found = [root / rel for rel in (*files, *attachments)]
    if (root / "qingdan.toml").is_file():
        found.append(root / "qingdan.toml")
    return found


def check_output_dir(out: str | Path, project_root: Path | None, *, inputs: Sequence[str | Path] = (),
                     templates: str | Path | None = None) -> OwnedFiles:
    """Refuse (``BuildError``) an output directory whose replacement could destroy something qingdan did not write.

    ``out`` may not be, hold or lie inside an input: the project root (it may lie inside the
    project, as ``build/`` does), the ``inputs`` files, the ``templates`` directory; nor be a
    symbolic link or a file. An existing ``out`` must be empty or an earlier output every
    file of which its manifest lists with the right hash. First repairs what a killed run
    left (``fsutil.recover_directory``). Returns the files found, for ``check_still_owned``.
    """
    out = Path(out)
    problem = _place_problem(out, project_root, inputs, templates)
    if problem is not None:
        raise BuildError(problem)
    recover_directory(out)
    return _owned_files(out)


def check_still_owned(out: str | Path, owned: OwnedFiles) -> None:
    """Check ``out`` again just before it is replaced: nothing foreign was added or changed meanwhile."""
    out = Path(out)
    if os.path.islink(out):
        raise BuildError(Text(f"输出位置 {out} 在生成期间被换成了符号链接，已停止", f"the output {out} became a symbolic link during the build; stopped"))
    _owned_files(out, owned)


def build(catalog: Catalog, out: str | Path, *, version: str | None = None, date: str | None = None, templates: str | None = None,
          progress: Callable[[int], None] | None = None, steps: Sequence[StepFunction] | None = None,
          diagnostics: Sequence[Diagnostic] = (), inputs: Sequence[str | Path] = (),
          stage: Callable[[str], None] | None = None) -> BuildResult:
    """Build every artefact of ``catalog`` into ``out``, atomically.

    ``steps`` defaults to ``BUILD_STEPS``; ``progress(n)`` is told of each unit of work
    done, ``stage(name)`` of each step as it starts (its function's name, ``guides_step`` …); ``diagnostics`` are the compile's findings, which the site shows; ``inputs`` are
    the files the compile read, which ``out`` must not hold (see ``check_output_dir``).
    """
    out = Path(out)
    steps = tuple(BUILD_STEPS if steps is None else steps)
    version = version or catalog.config.version
    date = date or catalog.config.date
    if templates is None and catalog.config.templates:
        tdir = (catalog.root or Path()) / catalog.config.templates
        if not tdir.is_dir():
            raise BuildError(Text(f"qingdan.toml 中的模板目录 {catalog.config.templates} 不存在",
                                  f"the template directory {catalog.config.templates} in qingdan.toml does not exist"))
        templates = str(tdir)
    owned = check_output_dir(out, catalog.root, inputs=inputs, templates=templates)
    with atomic_directory(out) as tmp:
        os.chmod(tmp, 0o755)
        ctx = BuildContext(tmp, version, date, templates, matter_slugs(catalog.model), journey_slugs(catalog.model),
                           diagnostics=diagnostics)
        for run in steps:
            if stage is not None:
                stage(getattr(run, "name", getattr(run, "__name__", "")))
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
        manifest = write_manifest(tmp, catalog, version, date)
        check_still_owned(out, owned)  # what lies at ``out`` may have changed while the build ran
    total = sum(f["bytes"] for f in manifest["files"])
    return BuildResult(out, len(manifest["files"]) + 1, total, version)
