"""The two sides of a comparison: a directory, or a git revision of the project read with git itself.

A revision is never checked out over the user's work tree. Its rule files (``*.qd`` and
``qingdan.toml`` under the project's path in the repository, ``git rev-parse
--show-prefix``) are listed with ``git ls-tree`` and read in one ``git cat-file --batch``,
then written into a fresh temporary directory that this module creates (so nothing in
the repository can place a file outside it: only regular blobs are written, links and
submodules are left out, and every path is checked to stay below the directory).

``compile_side`` is the one place where a side is compiled: the options of a
comparison (``DiffOptions``) apply to both sides alike. An effective date (``--as-of``)
will be one more field of ``DiffOptions``.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..compiler import CompileOptions, CompileResult, UsageError, compile
from ..compiler.diagnostics import did_you_mean
from ..compiler.sources import CONFIG_NAME
from ..compiler.text import Text, did_you_mean_suffix

GIT_TIMEOUT = 600  # seconds; a revision of a very large catalog takes a few


class ChangesError(Exception):
    """A side cannot be read (an unknown revision, not a git repository …): a usage error, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text

    def message(self, lang: str) -> str:
        return self.text(lang)


@dataclass(frozen=True)
class DiffOptions:
    """How both sides of a comparison are compiled."""

    compile: CompileOptions = field(default_factory=lambda: CompileOptions(checks=False))


@dataclass(frozen=True)
class SideSpec:
    """What one side is: ``label`` as the user wrote it, a directory or a revision (its commit)."""

    label: str
    kind: str  # "directory" or "revision"
    path: Path | None = None  # the directory (kind directory)
    commit: str | None = None  # the full commit id (kind revision)


@dataclass(frozen=True)
class Side:
    """One compiled side."""

    spec: SideSpec
    result: CompileResult

    @property
    def label(self) -> str:
        return self.spec.label


# ---------------------------------------------------------------- git
def _git(cwd: Path, *args: str, input_bytes: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", "-C", str(cwd), *args], input=input_bytes, capture_output=True, env=env,
                              timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise ChangesError(Text("找不到 git 命令：读取历史版本需要安装 git", "git is not installed: reading a revision needs git")) from None
    except subprocess.TimeoutExpired:
        raise ChangesError(Text(f"git 在 {GIT_TIMEOUT} 秒内没有完成：{' '.join(args[:2])}",
                                f"git did not finish within {GIT_TIMEOUT} seconds: {' '.join(args[:2])}")) from None


@dataclass(frozen=True)
class Repository:
    """The git repository that holds a project: its top directory and the project's path in it."""

    top: Path
    prefix: str  # "" at the top, else "rules/" (with a trailing slash)

    @classmethod
    def of(cls, project: Path) -> Repository | None:
        """The repository of the directory ``project``, or None when it is in none (or git is missing)."""
        if not project.is_dir():
            return None
        try:
            r = _git(project, "rev-parse", "--show-toplevel", "--show-prefix")
        except ChangesError:
            return None
        if r.returncode != 0:
            return None
        lines = r.stdout.decode("utf-8", "replace").split("\n")
        return cls(Path(lines[0]), lines[1] if len(lines) > 1 else "")

    def commit(self, rev: str) -> str | None:
        """The full id of the commit ``rev`` names, or None."""
        if not rev or rev.startswith("-") or any(ord(c) < 32 for c in rev):
            return None
        r = _git(self.top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        return r.stdout.decode().strip() if r.returncode == 0 else None

    def names(self) -> list[str]:
        """Branch and tag names (for did-you-mean)."""
        r = _git(self.top, "for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/tags")
        return sorted(x for x in r.stdout.decode("utf-8", "replace").split("\n") if x) if r.returncode == 0 else []

    def tags(self) -> list[tuple[str, str]]:
        """The tags reachable from HEAD, oldest first: (tag, commit id).

        Ordered by the tagged commit's date, then by version order of the names (so that
        ``v2026.10`` comes after ``v2026.9`` when both tag commits of one day).
        """
        r = _git(self.top, "for-each-ref", "--merged=HEAD", "--sort=v:refname", "--sort=committerdate",
                 "--format=%(refname:short)%00%(objectname)%00%(*objectname)", "refs/tags")
        if r.returncode != 0:
            return []
        out = []
        for line in r.stdout.decode("utf-8", "replace").split("\n"):
            if not line:
                continue
            name, obj, peeled = (line.split("\0") + ["", ""])[:3]
            out.append((name, peeled or obj))
        return out

    def head(self) -> str | None:
        return self.commit("HEAD")

    def clean(self) -> bool:
        """Whether the project's rule files and qingdan.toml in the work tree are those of HEAD (none changed, none new).

        Other files (a site built into the project, notes) do not count: they do not change the catalog.
        """
        r = _git(self.top / self.prefix if self.prefix else self.top, "status", "--porcelain", "--untracked-files=all",
                 "--", "*.qd", CONFIG_NAME)
        return r.returncode == 0 and not r.stdout.strip()

    def export(self, commit: str, dest: Path) -> Path:
        """Write the project's rule files at ``commit`` below ``dest``; returns the project's directory there."""
        spec = self.prefix.rstrip("/")
        if spec:
            probe = _git(self.top, "cat-file", "-t", f"{commit}:{spec}")
            if probe.returncode != 0 or probe.stdout.strip() != b"tree":
                raise ChangesError(Text(f"版本 {commit[:12]} 中没有项目目录 {spec}",
                                        f"the project directory {spec} does not exist in revision {commit[:12]}"))
        listing = _git(self.top, "ls-tree", "-r", "-z", "--full-tree", commit, *(["--", spec] if spec else []))
        if listing.returncode != 0:
            raise ChangesError(Text(f"无法列出版本 {commit[:12]} 的文件：{_stderr(listing)}",
                                    f"cannot list the files of revision {commit[:12]}: {_stderr(listing)}"))
        wanted: list[tuple[str, str]] = []  # (object id, path relative to the project)
        for entry in listing.stdout.split(b"\0"):
            if not entry:
                continue
            meta, _, raw_path = entry.partition(b"\t")
            mode, kind, obj = meta.decode().split(" ")
            path = raw_path.decode("utf-8", "surrogateescape")
            rel = path[len(spec) + 1:] if spec else path
            if kind != "blob" or mode not in ("100644", "100755"):
                continue  # links and submodules: never followed
            if rel.endswith(".qd") or rel == CONFIG_NAME:
                wanted.append((obj, rel))
        root = dest / "project"
        root.mkdir()
        if not wanted:
            return root
        batch = _git(self.top, "cat-file", "--batch", input_bytes=b"".join(obj.encode() + b"\n" for obj, _ in wanted))
        if batch.returncode != 0:
            raise ChangesError(Text(f"无法读取版本 {commit[:12]} 的文件：{_stderr(batch)}",
                                    f"cannot read the files of revision {commit[:12]}: {_stderr(batch)}"))
        data, pos = batch.stdout, 0
        for _obj, rel in wanted:
            header_end = data.index(b"\n", pos)
            size = int(data[pos:header_end].split(b" ")[2])
            body = data[header_end + 1:header_end + 1 + size]
            pos = header_end + 1 + size + 1
            _write_inside(root, rel, body)
        return root


def _stderr(r: subprocess.CompletedProcess[bytes]) -> str:
    return r.stderr.decode("utf-8", "replace").strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"


def _write_inside(root: Path, rel: str, body: bytes) -> None:
    """Write ``body`` at ``root/rel``; ``rel`` must be a plain relative path (no ``..``, no absolute path)."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return  # git does not store such paths; skipped rather than trusted
    target = root
    for part in parts[:-1]:
        target = target / part
        if not target.is_dir():
            target.mkdir()
    fd = os.open(target / parts[-1], os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(body)


# ---------------------------------------------------------------- sides
def resolve_side(spec: str, project: Path, base: Path | None = None, label: str | None = None) -> SideSpec:
    """``spec`` as a side: an existing directory (relative to ``base``, else to the working directory),
    else a revision of the repository that holds ``project``."""
    directory = (base / spec) if base is not None else Path(spec)
    if spec and directory.is_dir():
        return SideSpec(label=label or spec, kind="directory", path=directory)
    repo = Repository.of(project)
    if repo is None:
        raise ChangesError(Text(
            f"“{spec}”不是目录，而 {project} 不在 git 仓库中，无法读取版本“{spec}”：请给出两个目录，或在 git 仓库中运行",
            f"'{spec}' is not a directory, and {project} is not in a git repository, so revision '{spec}' cannot be read: "
            "give two directories, or run inside a git repository"))
    commit = repo.commit(spec)
    if commit is None:
        suffix = did_you_mean_suffix(did_you_mean(spec, repo.names()))
        raise ChangesError(Text(
            f"“{spec}”既不是目录，也不是 git 仓库 {repo.top} 中的版本（分支、标签或提交）{suffix.zh}",
            f"'{spec}' is neither a directory nor a revision (branch, tag or commit) of the git repository {repo.top}{suffix.en}"))
    return SideSpec(label=label or spec, kind="revision", commit=commit)


@contextmanager
def opened(spec: SideSpec, project: Path) -> Iterator[Path]:
    """The directory to compile for ``spec`` while the block runs (a revision is written to a temporary directory)."""
    if spec.kind == "directory":
        assert spec.path is not None
        yield spec.path
        return
    repo = Repository.of(project)
    assert repo is not None and spec.commit is not None
    with tempfile.TemporaryDirectory(prefix="qingdan-diff-") as tmp:
        yield repo.export(spec.commit, Path(tmp))


def compile_side(spec: SideSpec, project: Path, options: DiffOptions) -> Side:
    """Compile one side with the comparison's options (the one place both sides are compiled)."""
    with opened(spec, project) as directory:
        try:
            result = compile(directory, options.compile)
        except UsageError as e:
            raise ChangesError(Text(f"{spec.label}：{e}", f"{spec.label}: {e}")) from None
    return Side(spec, result)
