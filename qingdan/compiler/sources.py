"""Where a rule project's text comes from: find the project, read its files safely.

A project is a directory with ``qingdan.toml`` and ``*.qd`` files below it, a single
``.qd`` file, or sources held in memory (an editor's unsaved buffers, a test). Reading
never raises on bad input: an unreadable file becomes a located ``unreadable-file``
diagnostic; only a problem with what the user asked for raises ``UsageError``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Loc, diag

CONFIG_NAME = "qingdan.toml"
MAX_FILE_BYTES = 20 * 1024 * 1024
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
        return path.parent, [path], cfg if cfg.is_file() else None
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
    return root, sorted(files, key=lambda p: p.relative_to(root).as_posix()), cfg if cfg.is_file() else None


def read_source(path: Path, rel: str) -> tuple[str | None, Diagnostic | None]:
    """Read a rule file as UTF-8, or return a located diagnostic explaining why not."""

    def problem(zh: str, en: str, line: int = 1, col: int = 1) -> Diagnostic:
        return diag("unreadable-file", zh, en, Loc(file=rel, line=line, col=col, end_line=line, end_col=col + 1))

    try:
        size = path.stat().st_size
    except (OSError, RuntimeError) as e:  # RuntimeError: a symbolic link loop
        why = getattr(e, "strerror", None) or e
        return None, problem(f"无法读取文件：{why}", f"cannot read file: {why}")
    if size > MAX_FILE_BYTES:
        return None, problem(
            f"文件太大（{size // 1024 // 1024} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB），请拆分成多个文件",
            f"file too large ({size // 1024 // 1024} MB, limit {MAX_FILE_BYTES // 1024 // 1024} MB); split it into several files",
        )
    try:
        data = path.read_bytes()
    except (OSError, RuntimeError) as e:
        return None, problem(f"无法读取文件：{getattr(e, 'strerror', None) or e}", f"cannot read file: {getattr(e, 'strerror', None) or e}")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
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


