"""The compile cache: what parsing and lowering made of one rule file, kept on disk for the next run.

Parsing and lowering a file depends only on the file's path and text and on qingdan's own
code, so their result (the file's model nodes, diagnostics and waivers) is stored under a
key made of exactly these: a hash of the path and text, of qingdan's version, of the
source code of ``qingdan.dsl`` and ``qingdan.compiler`` (the vocabulary is ``dsl/keywords.py``;
so any change to the language or the compiler, even during development, gives new keys),
of the Python and pydantic versions and of the parser chosen. Resolution, the checks,
severities and waivers run on every compile, over all files: a cached run computes exactly
what a cold one does from the same per-file results, so it cannot answer differently.

Where the cache lives (``CacheSettings``): by default ``.qingdan/cache/`` in the project
(with a ``.gitignore`` of ``*`` and a ``CACHEDIR.TAG``, so git and backup tools leave it
alone), or a directory the caller names (the command line: ``QINGDAN_CACHE``).

Trust. An entry is a pickle, the fastest way to rebuild the objects, and unpickling runs
whatever code the data names: a cache entry from anyone else must never be unpickled.
Each entry therefore carries a keyed BLAKE2b MAC (over the format, the entry's own name
and the data) made with a random 32-byte key, and is unpickled only when the MAC is right.
Where that key lives is the decision that matters: a project directory may come from
anyone (a repository can ship a ``.qingdan/cache`` with a key and entries of its own
making), so the key of the project's cache is **not** kept in the project but in the
user's cache directory (``$XDG_CACHE_HOME/qingdan/cache-key``, else
``~/.cache/qingdan/cache-key``), created with mode 0600. A directory named explicitly
(``CacheSettings(directory=…)``, ``QINGDAN_CACHE``) is trusted like anything else the
user configures, and holds its own key (``cache-key``, 0600), so that it can be carried
between CI runs. A key that is not a regular file of 32 bytes owned by this user and
unreadable by others is never used: it is replaced by a new key (which invalidates every
entry made with the old one); where it cannot be replaced, nothing is cached.

An entry that is truncated, corrupt, of another format, made with another key or stored
under another name fails the check, is ignored (the file is parsed again) and rewritten.
Every write goes through a temporary file and a rename (``fsutil.atomic_write``), so two
runs on one project at once each see whole entries or none. A cache that cannot be
created or written (a read-only project) is skipped silently: the compile is the same.

Size: after a run that wrote entries, the entries not used by it are removed, oldest
first, once there are more than ``2 × files + 256`` of them (files: the rule files of
the project just compiled).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import re
import secrets
import stat
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write

FORMAT = b"qingdan-cache-1\n"
KEY_NAME = "cache-key"
KEY_BYTES = 32
MAC_BYTES = 32
ENTRIES = "entries"
_ENTRY_NAME = re.compile("[0-9a-f]{64}")  # what ``ResultCache.name`` makes
PROJECT_CACHE = Path(".qingdan") / "cache"
OFF_WORDS = frozenset({"off", "0", "no", "false", "none"})
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This directory is qingdan's compile cache; it can be deleted at any time.\n"


@dataclass(frozen=True)
class CacheSettings:
    """Where to cache. ``directory`` None: the project's ``.qingdan/cache`` (key in the user's cache directory)."""

    directory: Path | None = None


def user_key_file() -> Path:
    """The key of the project caches: in the user's cache directory, never in a project."""
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "qingdan" / KEY_NAME


def settings_from_env(value: str | None) -> CacheSettings | None:
    """The settings a value of ``QINGDAN_CACHE`` asks for: unset or empty, the project's; off, none; else that directory."""
    if value is None or not value.strip():
        return CacheSettings()
    if value.strip().lower() in OFF_WORDS:
        return None
    return CacheSettings(Path(value).expanduser())


@cache
def code_fingerprint(parser: str) -> bytes:
    """A hash of everything a file's parse and lowering depend on besides its text."""
    import pydantic

    from .. import __version__

    h = hashlib.blake2b(digest_size=32)
    for part in (FORMAT, __version__, sys.version, pydantic.VERSION, parser, str(sys.getrecursionlimit())):
        h.update(str(part).encode() + b"\0")
    package = Path(__file__).resolve().parent.parent
    for sub in ("dsl", "compiler"):
        for path in sorted((package / sub).rglob("*.py")):
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.digest()


def _read_key(path: Path) -> bytes | None:
    """The key at ``path`` if it is ours and private: a regular file of KEY_BYTES, this user's, mode 0600."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != KEY_BYTES or info.st_mode & 0o077:
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        key = os.read(fd, KEY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return key if len(key) == KEY_BYTES else None


def _load_or_make_key(path: Path) -> bytes | None:
    """Read the key at ``path``, or make a new one (0600) if there is none or it is not private; None when neither works.

    A new key makes every entry written with the old one invalid: they are parsed again and rewritten.
    """
    key = _read_key(path)
    if key is not None:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
        finally:
            os.close(fd)
        try:
            if os.path.lexists(path):
                os.replace(tmp, path)  # a key others could read, or not ours: replaced
            else:
                os.link(tmp, path)  # fails if another run made a key meanwhile: then that key is read below
        except FileExistsError:
            pass
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    except OSError:
        return None
    return _read_key(path)


class ResultCache:
    """The per-file entries of one cache directory, authenticated with one key."""

    def __init__(self, directory: Path, key: bytes, fingerprint: bytes) -> None:
        self.directory = directory
        self.entries = directory / ENTRIES
        self.key = key
        self.fingerprint = fingerprint
        self.used: set[str] = set()  # the entries of this run's files: never pruned by it

    def __getstate__(self) -> dict[str, Any]:  # to a worker process: without this run's bookkeeping
        return {**self.__dict__, "used": set()}

    @classmethod
    def open(cls, settings: CacheSettings, project_root: Path | None, parser: str) -> ResultCache | None:
        """The cache for a project, created if needed; None when it cannot be used here."""
        if settings.directory is not None:
            directory, key_file = settings.directory, settings.directory / KEY_NAME
        elif project_root is not None:
            directory, key_file = project_root / PROJECT_CACHE, user_key_file()
        else:
            return None  # sources held in memory: no project directory to cache in
        try:
            (directory / ENTRIES).mkdir(parents=True, exist_ok=True)
            if not (directory / ".gitignore").exists():
                atomic_write(directory / ".gitignore", "# qingdan's compile cache: never commit it\n*\n")
                atomic_write(directory / "CACHEDIR.TAG", _TAG)
        except OSError:
            return None
        key = _load_or_make_key(key_file)
        if key is None:
            return None
        return cls(directory, key, code_fingerprint(parser))

    def name(self, rel: str, text: str) -> str:
        """The entry name of a file: a hash of its path, text and of qingdan's code."""
        h = hashlib.blake2b(self.fingerprint, digest_size=32)
        h.update(rel.encode("utf-8", "surrogatepass") + b"\0")
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _mac(self, name: str, payload: bytes | memoryview) -> bytes:
        h = hashlib.blake2b(key=self.key, digest_size=MAC_BYTES)
        h.update(FORMAT)
        h.update(name.encode("ascii"))
        h.update(payload)
        return h.digest()

    def load(self, rel: str, text: str) -> Any | None:
        """What ``store`` kept for this file, or None: no entry, or one that fails its check."""
        name = self.name(rel, text)
        self.used.add(name)
        try:
            data = (self.entries / name).read_bytes()
        except OSError:
            return None
        head = len(FORMAT) + MAC_BYTES
        if len(data) <= head or not data.startswith(FORMAT):
            return None
        view = memoryview(data)
        if not hmac.compare_digest(bytes(view[len(FORMAT):head]), self._mac(name, view[head:])):
            return None
        try:
            return pickle.loads(view[head:])
        except Exception:  # authenticated yet unreadable: written by a different build of a class; parse again
            return None

    @staticmethod
    def pack(value: Any) -> bytes:
        """``value`` as the data of an entry (a pickle)."""
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def store(self, rel: str, text: str, packed: bytes) -> None:
        """Keep ``packed`` (from ``pack``) for this file; a failure to write is ignored (the next run parses again)."""
        name = self.name(rel, text)
        self.used.add(name)
        with contextlib.suppress(OSError):
            atomic_write(self.entries / name, FORMAT + self._mac(name, packed) + packed)

    def prune(self, files: int) -> None:
        """Remove entries this run did not use, oldest first, while there are more than ``2 × files + 256``."""
        limit = 2 * files + 256
        try:
            with os.scandir(self.entries) as it:
                found = [(e.stat(follow_symlinks=False).st_mtime, e.name) for e in it
                         if e.is_file(follow_symlinks=False) and _ENTRY_NAME.fullmatch(e.name)]  # never a file it did not write
        except OSError:
            return
        excess = len(found) - limit
        if excess <= 0:
            return
        for _mtime, name in sorted(found):
            if excess <= 0:
                break
            if name in self.used:
                continue
            with contextlib.suppress(OSError):
                os.unlink(self.entries / name)
                excess -= 1
