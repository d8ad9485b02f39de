"""One qingdan project as an editor sees it: its files (open documents over disk files),
the index of every file, and the result of its last compile.

All compiling goes through ``compile_sources``: the one place where a faster
(incremental, cached) compile plugs in. The heavy pure work (reading, indexing,
compiling) returns values; installing them into a ``Project`` is cheap and is done by
the one thread that owns the project (the server's event loop).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..compiler import CompileOptions, CompileResult, compile
from ..compiler.diagnostics import Diagnostic
from ..compiler.sources import CONFIG_NAME, find_project, read_source
from .index import FileIndex, Key, Range, Reference, Symbol, index_text
from .positions import UTF16, LineTable
from .vocabulary import LOCAL_KINDS

# The rules a file compiled alone decides (the language's own rules); the rest need the whole project.
FILE_RULES = frozenset({"syntax-error", "unreadable-file", "unknown-keyword", "unknown-reference", "duplicate-id", "type-error",
                        "invalid-value", "duplicate-field", "invalid-waiver"})


def compile_sources(sources: Mapping[str, str], checks: bool = True) -> CompileResult:
    """Compile a project held in memory ({relative path: text}, ``qingdan.toml`` among them).

    Every compile of the language server comes here, so a compile that reuses the work of
    the previous one (per-file caching) needs a change in this function only.
    """
    return compile(sources, CompileOptions(checks=checks))


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def find_root(path: Path) -> tuple[Path, bool]:
    """The project a file belongs to: the nearest directory above it with ``qingdan.toml``
    (True), or else the file's own directory, holding just that file (False)."""
    for parent in path.parents:
        if (parent / CONFIG_NAME).is_file():
            return parent, True
    return path.parent, False


@dataclass
class DiskFile:
    stamp: tuple[int, int]  # mtime in ns, size
    text: str | None
    problem: Diagnostic | None  # why it could not be read


@dataclass
class Snapshot:
    """The texts to compile, taken at one moment (the compile runs on them in another thread)."""

    generation: int
    sources: dict[str, str]
    problems: list[Diagnostic]


class Project:
    """A project directory with ``qingdan.toml``, or a lone rule file."""

    def __init__(self, root: Path, has_config: bool, only: str | None = None, encoding: str = UTF16) -> None:
        self.root = root
        self.has_config = has_config
        self.only = only  # a lone file's relative path: the project is that file
        self.encoding = encoding
        self.disk: dict[str, DiskFile] = {}
        self.open_docs: dict[str, str] = {}
        self.indexes: dict[str, FileIndex] = {}
        self.declared: dict[Key, list[tuple[str, int]]] = {}  # key -> (file, symbol number)
        self.mentioned: dict[Key, set[str]] = {}  # key -> files that may refer to it
        self.result: CompileResult | None = None
        self.generation = 0  # counts changes to the texts
        self.compiled_generation = -1
        self.compile_seconds = 0.0
        self.compiled_files: set[str] = set()  # the rule files of the last compile
        self._tables: dict[str, tuple[str, LineTable]] = {}
        self.client_uris: dict[str, str] = {}
        self._files: list[str] | None = None  # the rule files found on disk, until something changes there
        self._indexed_generation = -1
        self._disk_dirty = False

    # ---------------------------------------------------------------- files
    def rel(self, path: Path) -> str | None:
        """``path`` relative to the project, or None when outside it."""
        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            return None
        if self.only is not None and rel != self.only:
            return None
        return rel

    def path(self, rel: str) -> Path:
        return self.root / rel

    def uri(self, rel: str) -> str:
        """The file's URI: as the editor wrote it for an open file, else made from the path."""
        return self.client_uris.get(rel) or self.path(rel).as_uri()

    def rule_files(self) -> list[str]:
        """Every rule file: those on disk and those open in the editor."""
        if self.only is not None:
            return [self.only]
        if self._files is None:
            _root, files, _cfg = find_project(self.root)
            self._files = [p.relative_to(self.root).as_posix() for p in files]
        return sorted({*self._files, *(r for r in self.open_docs if r.endswith(".qd"))})

    def _read(self, rel: str) -> DiskFile:
        path = self.path(rel)
        try:
            st = os.stat(path)
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = (-1, -1)
        known = self.disk.get(rel)
        if known is not None and known.stamp == stamp:
            return known
        text, problem = read_source(path, rel)
        known = DiskFile(stamp, text, problem)
        self.disk[rel] = known
        return known

    def text(self, rel: str) -> str | None:
        """The text of a file: the editor's when it is open, else the file on disk."""
        if rel in self.open_docs:
            return self.open_docs[rel]
        return self._read(rel).text

    def config_text(self) -> str | None:
        if CONFIG_NAME in self.open_docs:
            return self.open_docs[CONFIG_NAME]
        if not self.has_config:
            return None
        try:
            return normalize_newlines(self.path(CONFIG_NAME).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None

    def set_open(self, rel: str, text: str) -> None:
        self.open_docs[rel] = normalize_newlines(text)
        self.generation += 1

    def close(self, rel: str) -> None:
        self.open_docs.pop(rel, None)
        self.generation += 1

    def disk_changed(self) -> None:
        """Files changed on disk (saved, created, deleted): look for them and read them again."""
        self._files = None
        self.disk.clear()
        self.generation += 1
        self._disk_dirty = True

    def lines(self, rel: str) -> LineTable:
        """The line table of a file's current text (kept while the text is the same)."""
        text = self.text(rel) if rel != CONFIG_NAME else self.config_text()
        text = text or ""
        cached = self._tables.get(rel)
        if cached is not None and cached[0] is text:
            return cached[1]
        table = LineTable(text, self.encoding)
        self._tables[rel] = (text, table)
        return table

    # ---------------------------------------------------------------- compiling
    def snapshot(self) -> Snapshot:
        sources: dict[str, str] = {}
        problems: list[Diagnostic] = []
        for rel in self.rule_files():
            if rel in self.open_docs:
                sources[rel] = self.open_docs[rel]
                continue
            disk = self._read(rel)
            if disk.text is not None:
                sources[rel] = disk.text
            elif disk.problem is not None:
                problems.append(disk.problem)
        config = self.config_text()
        if config is not None:
            sources[CONFIG_NAME] = config
        return Snapshot(self.generation, sources, problems)

    @staticmethod
    def run_compile(snapshot: Snapshot) -> tuple[CompileResult, float]:
        """Compile a snapshot (pure: safe in a worker thread)."""
        t0 = time.perf_counter()
        with _no_cyclic_gc():
            result = compile_sources(snapshot.sources)
        result.diagnostics.extend(snapshot.problems)
        return result, time.perf_counter() - t0

    def install_result(self, snapshot: Snapshot, result: CompileResult, seconds: float) -> None:
        self.result = result
        self.compiled_generation = snapshot.generation
        self.compile_seconds = seconds
        self.compiled_files = {r for r in snapshot.sources if r != CONFIG_NAME}

    def quick_diagnostics(self, rel: str, ix: FileIndex | None) -> list[Diagnostic]:
        """The findings of one file compiled alone, for the moments before the project's compile ends.

        Syntax, keywords, values, types and the matter's own names are decided by the file
        alone; what needs other files (names declared elsewhere, the checks, unused waivers)
        is taken from the last compile of the whole project. ``ix`` is the file's index (made
        by the caller's thread: this runs in a worker and changes nothing of the project).
        """
        text = self.text(rel)
        if text is None:
            return []
        sources = {rel: text}
        config = self.config_text()
        if config is not None:
            sources[CONFIG_NAME] = config
        alone = compile_sources(sources, checks=False)
        project_wide: dict[int, list[Range]] = {}  # line -> the names there that other files may declare
        for r in ix.references if ix else []:
            if r.keys[0][0] not in LOCAL_KINDS:
                project_wide.setdefault(r.range[0], []).append(r.range)

        def needs_others(d: Diagnostic) -> bool:
            if d.rule == "unused-waiver" or d.rule not in FILE_RULES:
                return True
            if d.rule != "unknown-reference" or d.loc is None:
                return False
            span = (d.loc.line, d.loc.col, d.loc.end_line, d.loc.end_col)
            return any(_overlap(span, r) for line in range(d.loc.line, d.loc.end_line + 1) for r in project_wide.get(line, ()))

        new = [d for d in alone.diagnostics if d.loc is not None and d.loc.file == rel and not needs_others(d)]
        old = [d for d in (self.result.diagnostics if self.result else []) if d.loc is not None and d.loc.file == rel and needs_others(d)]
        return new + old

    # ---------------------------------------------------------------- the index
    def index(self, rel: str) -> FileIndex | None:
        """The index of a file's current text, made now if the text changed."""
        text = self.text(rel)
        if text is None:
            return None
        ix = self.indexes.get(rel)
        if ix is not None and (ix.text is text or ix.text == text):
            return ix
        self.install_index(index_text(rel, text))
        return self.indexes[rel]

    def index_all(self) -> None:
        """Index every file not indexed yet, and the open files that changed."""
        if self._indexed_generation == self.generation:
            return
        files = self.rule_files()
        with _no_cyclic_gc():
            for rel in files:
                if rel in self.open_docs or rel not in self.indexes or self._disk_dirty:
                    self.index(rel)
        present = set(files)
        for rel in [r for r in self.indexes if r not in present]:
            self.forget(rel)
        self._indexed_generation = self.generation
        self._disk_dirty = False

    def stale_files(self) -> list[tuple[str, str]]:
        """(file, text) of every rule file whose index is missing or out of date."""
        out = []
        for rel in self.rule_files():
            text = self.text(rel)
            ix = self.indexes.get(rel)
            if text is not None and (ix is None or ix.text != text):
                out.append((rel, text))
        return out

    @staticmethod
    def build_indexes(files: Iterable[tuple[str, str]]) -> list[FileIndex]:
        """Index many files (pure: safe in a worker thread)."""
        with _no_cyclic_gc():
            return [index_text(rel, text) for rel, text in files]

    def install_index(self, ix: FileIndex) -> None:
        old = self.indexes.get(ix.rel)
        if old is not None:
            for i, s in enumerate(old.symbols):
                entries = self.declared.get(s.key)
                if entries is not None:
                    entries[:] = [e for e in entries if e != (ix.rel, i)]
                    if not entries:
                        del self.declared[s.key]
            for key in old.all_keys():
                files = self.mentioned.get(key)
                if files is not None:
                    files.discard(ix.rel)
                    if not files:
                        del self.mentioned[key]
        self.indexes[ix.rel] = ix
        for i, s in enumerate(ix.symbols):
            self.declared.setdefault(s.key, []).append((ix.rel, i))
        for key in ix.all_keys():
            self.mentioned.setdefault(key, set()).add(ix.rel)

    def forget(self, rel: str) -> None:
        """Drop a deleted file from the index."""
        if rel in self.indexes:
            self.install_index(FileIndex(rel, ""))
            del self.indexes[rel]

    # ---------------------------------------------------------------- names
    def declarations(self, key: Key) -> list[tuple[str, Symbol]]:
        return [(rel, self.indexes[rel].symbols[i]) for rel, i in self.declared.get(key, ()) if rel in self.indexes]

    def resolve(self, ref: Reference) -> Key:
        """What a reference means: its first candidate that is declared (or the first, when none is)."""
        for key in ref.keys:
            if key in self.declared:
                return key
        return ref.keys[0]

    def occurrences(self, key: Key, include_declaration: bool = True) -> list[tuple[str, Range]]:
        """Every place that names ``key``: its declarations and the references that resolve to it."""
        out: list[tuple[str, Range]] = []
        if include_declaration:
            out.extend((rel, s.name_range) for rel, s in self.declarations(key))
        for rel in sorted(self.mentioned.get(key, ())):
            ix = self.indexes.get(rel)
            if ix is None:
                continue
            for r in ix.references:
                if key in r.keys and self.resolve(r) == key:
                    out.append((rel, r.range))
        return sorted(set(out))

    def at(self, rel: str, line: int, col: int) -> tuple[Key, Range, Symbol | None] | None:
        """The name at a 1-based position of a file: its key, its range, and the symbol when it is a declaration."""
        ix = self.index(rel)
        if ix is None:
            return None
        for r in ix.references:
            if _inside(r.range, line, col):
                return self.resolve(r), r.range, None
        for s in ix.symbols:
            if _inside(s.name_range, line, col):
                return s.key, s.name_range, s
        return None


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector away from what is made here (an index, a compiled catalog).

    Both are millions of small objects without cycles: scanned while they are made, and
    once more by the first collection after, they would cost seconds (3 s at 10,000
    matters), and that pause would fall on whatever request comes next. So the collector
    is off while they are made, and they are frozen out of its sight after; they are
    still freed, by reference counting, when the next compile or index replaces them.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def _overlap(a: Range, b: Range) -> bool:
    return (a[0], a[1]) < (b[2], b[3]) and (b[0], b[1]) < (a[2], a[3])


def _inside(r: Range, line: int, col: int) -> bool:
    return (r[0], r[1]) <= (line, col) <= (r[2], r[3])
