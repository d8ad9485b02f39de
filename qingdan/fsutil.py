"""Atomic file output: a failed or killed run leaves the previous good output in place.

``atomic_write`` writes one file through a temporary file and a rename; ``atomic_create``
writes a new file the same way but never replaces one that exists. ``atomic_directory``
builds a whole directory beside its target and swaps it in with two renames:

1. the old target is renamed to ``.NAME.old-PID``;
2. the new directory ``.NAME.tmp-PID-XXXX`` is renamed to the target.

A process killed at any moment leaves one of these states, and the next run on the same
target repairs it before it starts (``recover_directory``): temporaries of dead processes
are removed; a target missing while a dead process's ``.old`` copy exists is restored from
that copy (the kill fell between the two renames); an ``.old`` copy beside a present target
is removed (the kill fell after the swap). Only directories that carry this module's marker
file are ever removed, so nothing qingdan did not write is touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

WORK_MARKER = ".qingdan-work"  # inside every temporary and set-aside directory this module makes


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_create(path: str | Path, data: str | bytes) -> bool:
    """Write ``data`` to a new file ``path`` atomically; never replaces a file: False when ``path`` exists.

    The text goes to a temporary file, which is then hard-linked to ``path`` (the link fails
    if ``path`` exists, even when it appeared a moment ago). Where hard links are not
    supported, the file is created exclusively and written in place.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # a new file's usual mode (the umask applies)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        try:
            os.link(tmp, path)
            return True
        except FileExistsError:
            return False
        except OSError:  # no hard links here: exclusive creation instead
            try:
                with open(path, "xb") as fh:
                    fh.write(raw)
            except FileExistsError:
                return False
            return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _work_dirs(target: Path) -> list[tuple[str, int, Path]]:
    """This module's ``(kind, pid, path)`` work directories beside ``target``: kind is tmp or old."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(tmp|old)-(\d+)(?:-.*)?$")
    found = []
    try:
        entries = sorted(target.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        mt = pattern.match(entry.name)
        if mt and entry.is_dir() and not entry.is_symlink() and (entry / WORK_MARKER).is_file():
            found.append((mt.group(1), int(mt.group(2)), entry))
    return found


def recover_directory(target: str | Path) -> None:
    """Repair what a killed ``atomic_directory`` on ``target`` left behind (see the module docstring)."""
    target = Path(target).absolute()
    if target.is_dir() and not target.is_symlink() and (target / WORK_MARKER).is_file():
        (target / WORK_MARKER).unlink()  # killed right after the swap
    for kind, pid, path in _work_dirs(target):
        if _alive(pid):
            continue
        if kind == "old" and not os.path.lexists(target):
            os.replace(path, target)  # killed between the two renames: put the old output back
            _unmark(target)
        else:
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces ``target`` only on success.

    The old directory is moved aside, the new one renamed in, and the old one removed;
    if anything fails before the swap, ``target`` is untouched.
    """
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_directory(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    (tmp / WORK_MARKER).touch()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if os.path.lexists(target):
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
        if target.is_dir() and not target.is_symlink():
            (target / WORK_MARKER).touch()  # marks the set-aside copy as ours until it is gone
        try:
            os.replace(target, old)
        except BaseException:
            _unmark(target)
            raise
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
            _unmark(target)
        raise
    _unmark(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _unmark(directory: Path) -> None:
    with contextlib.suppress(OSError):
        (directory / WORK_MARKER).unlink()
