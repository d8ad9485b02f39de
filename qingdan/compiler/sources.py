"""Where a rule project's text comes from: find the project, read its files safely.

A project is a directory with ``qingdan.toml`` and ``*.qd`` files below it, a single
``.qd`` file, or sources held in memory (an editor's unsaved buffers, a test). Reading
never raises on bad input: an unreadable file becomes a located ``unreadable-file``
diagnostic; only a problem with what the user asked for raises ``UsageError``.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Loc, diag

CONFIG_NAME = "qingdan.toml"
# A rule file holds one department's matters: the largest seen are about 150 KB. Compiling
# costs about 60 MB of memory per MB of such text, but up to about 1.2 GB and half a minute
# per MB of hostile text (a word per byte), so a file may not be larger than this.
MAX_FILE_BYTES = 4 * 1024 * 1024
SKIPPED_DIRECTORIES = ("site", "build", "dist", "out")


class UsageError(Exception):
    """A problem with what the user asked for (exit code 2), not with the rules."""


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative, with forward slashes
    text: str


def find_project(path: Path) -> tuple[Path, list[Path], Path | None]:
    """Return (root, rule files, config file) for a directory or a single file."""
    if not path.exists():
        raise UsageError(f"路径不存在 / path does not exist: {path}")
    if path.is_file():
        cfg = path.parent / CONFIG_NAME
        return path.parent, [path], cfg if os.path.lexists(cfg) else None  # not a regular file: reported when read
    root = path
    cfg = root / CONFIG_NAME
    files: list[Path] = []
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIPPED_DIRECTORIES)
        for name in sorted(filenames):
            if name.endswith(".qd"):
                p = Path(dirpath) / name
                try:
                    real = str(p.resolve(strict=True))
                except (OSError, RuntimeError):
                    files.append(p)  # broken or looping link: reported when read
                    continue
                if real not in seen:
                    seen.add(real)
                    files.append(p)
    return root, sorted(files, key=lambda p: p.relative_to(root).as_posix()), cfg if os.path.lexists(cfg) else None


def read_source(path: Path, rel: str) -> tuple[str | None, Diagnostic | None]:
    """Read a rule file as UTF-8, or return a located diagnostic explaining why not.

    ``rel`` is the file's path relative to the project: the project is ``path`` without it.
    Only a regular file inside the project is read, and at most ``MAX_FILE_BYTES`` + 1 bytes
    of it: a link that leads out of the project is not followed (its target is never shown),
    and a named pipe or a device is never read, nor waited for.
    """

    def problem(zh: str, en: str, line: int = 1, col: int = 1) -> Diagnostic:
        return diag("unreadable-file", zh, en, Loc(file=rel, line=line, col=col, end_line=line, end_col=col + 1))

    data = read_project_bytes(path, rel, problem)
    if isinstance(data, Diagnostic):
        return None, data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        if _looks_like_gb18030(data):
            return None, problem(*_gb18030_message(rel), line, col)
        return None, problem(
            f"文件不是 UTF-8 编码（第 {e.start + 1} 个字节 0x{data[e.start]:02x} 无效）；请用 UTF-8 保存",
            f"file is not UTF-8 (byte {e.start + 1}, 0x{data[e.start]:02x}, is invalid); save it as UTF-8",
            line,
            col,
        )
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        return None, problem("文件包含二进制内容（NUL 字节），不是文本文件", "file contains binary data (a NUL byte); it is not a text file", line, col)
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _looks_like_gb18030(data: bytes) -> bool:
    """Whether ``data`` reads as Chinese text in GB18030 (of which GBK and GB2312 are parts)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _gb18030_message(rel: str) -> tuple[str, str]:
    name = rel.rsplit("/", 1)[-1]
    if not re.fullmatch(r"[\w.@%+=:,/-]+", name):  # Chinese names need no quotes; spaces and the like do
        name = shlex.quote(name)
    command = f"iconv -f GB18030 -t UTF-8 {name} > {name}.utf8 && mv {name}.utf8 {name}"
    return (f"文件看起来是 GBK/GB18030 编码，而规则文件必须是 UTF-8：请在编辑器中把它另存为 UTF-8，"
            f"或在文件所在的目录运行：{command}",
            f"the file looks like GBK/GB18030, but rule files must be UTF-8: save it as UTF-8 in your editor, "
            f"or run this in its directory: {command}")


def _project_root(path: Path, rel: str) -> Path:
    """The project directory: ``path`` without the parts of ``rel`` at its end (else the file's directory)."""
    tail = tuple(part for part in rel.split("/") if part)
    parts = path.parts
    if not tail or len(tail) > len(parts) or parts[len(parts) - len(tail) :] != tail:
        return path.parent
    return Path(*parts[: len(parts) - len(tail)]) if len(tail) < len(parts) else Path(".")


def _too_large(problem: Callable[..., Diagnostic], size: int) -> Diagnostic:
    mb, limit = f"{size / 1024 / 1024:.1f}", MAX_FILE_BYTES // 1024 // 1024
    return problem(f"文件太大（{mb} MB，一个规则文件最多 {limit} MB），没有读取；请把它拆分成多个文件，例如每个部门一个文件",
                   f"file too large ({mb} MB; a rule file is at most {limit} MB) and not read; "
                   f"split it into several files, for example one per department")


def text_too_large(rel: str, text: str) -> Diagnostic | None:
    """For sources passed in memory: the same limit as for files on disk, by the text's UTF-8 size."""
    if len(text) <= MAX_FILE_BYTES // 4:
        return None
    size = len(text) if len(text) > MAX_FILE_BYTES else len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_FILE_BYTES:
        return None
    return _too_large(lambda zh, en: diag("unreadable-file", zh, en, Loc(file=rel, line=1, col=1, end_line=1, end_col=2)), size)


def read_project_bytes(path: Path, rel: str, problem: Callable[..., Diagnostic], limit: int = MAX_FILE_BYTES) -> bytes | Diagnostic:
    """The bytes of a regular file inside the project, at most ``limit`` of them, or why not.

    ``rel`` is the file's path relative to the project; ``problem(zh, en)`` makes the diagnostic.
    """

    def cannot(e: BaseException) -> Diagnostic:
        why = getattr(e, "strerror", None) or e
        return problem(f"无法读取文件：{why}", f"cannot read file: {why}")

    def too_large(size: int) -> Diagnostic:
        if limit != MAX_FILE_BYTES:  # not a rule file (a guide's attachment)
            return problem(f"文件太大（{size / 1024 / 1024:.1f} MB，最多 {limit // 1024 // 1024} MB）",
                           f"file too large ({size / 1024 / 1024:.1f} MB; at most {limit // 1024 // 1024} MB)")
        return _too_large(problem, size)

    try:
        real = Path(os.path.realpath(path, strict=True))  # RuntimeError or OSError: a broken or looping link
        root = Path(os.path.realpath(_project_root(path, rel)))
    except (OSError, RuntimeError) as e:
        return cannot(e)
    if real != root and root not in real.parents:
        return problem("这个文件是指向项目之外的链接，不会读取；请把规则文件本身放进项目目录",
                       "this file is a link to outside the project and is not read; put the rule file itself in the project directory")
    try:
        info = os.stat(real)
    except OSError as e:
        return cannot(e)
    if not stat.S_ISREG(info.st_mode):
        return _not_regular(problem)
    if info.st_size > limit:
        return too_large(info.st_size)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as e:
        return cannot(e)
    try:
        opened = os.fstat(fd)  # what was opened, in case the file was replaced in the meantime
        if not stat.S_ISREG(opened.st_mode):
            return _not_regular(problem)
        if opened.st_size > limit:
            return too_large(opened.st_size)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:  # it grew past the limit while being read
            return too_large(limit + 1)
        return b"".join(chunks)
    except OSError as e:
        return cannot(e)
    finally:
        os.close(fd)


def _not_regular(problem: Callable[..., Diagnostic]) -> Diagnostic:
    return problem("这不是普通文件（而是管道、设备或目录），不会读取；规则文件必须是普通的文本文件",
                   "this is not a regular file (it is a pipe, a device or a directory) and is not read; rule files must be plain text files")
