"""The compile pipeline, the one entry point: ``compile(project, options) -> CompileResult``.

The passes, in order (each a small function of this module or of its own module):

1. sources: find the project and read its files (``sources``), read ``qingdan.toml`` (``config``);
2. per file, on all cores for large projects: parse (``dsl.parser``), collect waivers
   (``waivers``), lower the syntax tree to model nodes (``lower``); with a compile cache
   (``CompileOptions.cache``, ``cache.py``), a file unchanged since a run that stored it
   is taken from the cache instead;
3. merge the files' declarations and resolve references across files (``resolve``);
4. keep what is in force on the as-of date (``effective``) and freeze the result into a
   ``Catalog`` (``catalog``);
5. run every semantic check (``checks``) on the Catalog;
6. apply the project's severities and the waivers;
7. leave out what a syntax error may have caused (``syntax_consequences``).

``compile`` never raises on bad input: every problem becomes a located diagnostic.
Problems with what the caller asked for (a path that does not exist) raise ``UsageError``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from ..dsl.parser import parse_recovering
from . import model as m
from .attachments import check_files
from .cache import CacheSettings, ResultCache
from .catalog import Catalog
from .checks import run_checks
from .config import load_config, read_config_text
from .diagnostics import Diagnostic, Loc, Related, Severity, diag
from .effective import project_as_of, split_in_force
from .lower import Lowering
from .resolve import Resolver
from .sources import CONFIG_NAME, SourceFile, UsageError, find_project, read_source, text_too_large
from .syntax_consequences import leave_out_consequences
from .waivers import Waiver, apply_waivers, collect_waivers

__all__ = ["CompileOptions", "CompileResult", "UsageError", "compile"]

PARALLEL_MIN_BYTES = 1024 * 1024  # below this, starting workers costs more than it saves


@dataclass(frozen=True)
class CompileOptions:
    """How to compile. The defaults are right for a library user and for tests."""

    checks: bool = True  # run the semantic checks (off: syntax, lowering and references only)
    workers: int | None = None  # processes for parsing and lowering; None: up to the cores, for large projects only
    parser: str = "fast"  # "fast" (hand-written, falls back to lark on any doubt) or "lark" only
    # Freeze the compiled objects out of the cyclic garbage collector's sight. Only for a
    # process that ends soon after (the console script): frozen garbage is never freed.
    freeze_gc: bool = False
    # The date whose declarations are in force (``effective.py``); None: the project's
    # ``[project] date``, and without one, no date selects anything.
    as_of: date | None = None
    # Keep each file's parse and lowering on disk and reuse it while the file is unchanged
    # (``cache.py``). None: no cache (the library's default; the command line turns it on).
    cache: CacheSettings | None = None


@dataclass
class CompileResult:
    """What ``compile`` returns: the Catalog, every diagnostic, and the sources they point into."""

    root: Path | None
    catalog: Catalog
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: dict[str, SourceFile] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    config_file: SourceFile | None = None  # qingdan.toml, so that a report can show the line of a config error
    cached_files: int = 0  # rule files whose parse and lowering came from the compile cache

    @property
    def sources(self) -> dict[str, SourceFile]:
        """The rule files and ``qingdan.toml``: every file a diagnostic may point into."""
        return {**self.files, CONFIG_NAME: self.config_file} if self.config_file is not None else self.files

    @property
    def config(self) -> m.ProjectConfig:
        return self.catalog.config

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity and not d.waived)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.error) > 0


Sources = Mapping[str, str]  # relative path -> text; "qingdan.toml" is the configuration


def compile(project: str | Path | Sources, options: CompileOptions = CompileOptions()) -> CompileResult:
    """Compile a project: a directory, a single ``.qd`` file, or sources held in memory."""
    # The pipeline allocates millions of small acyclic objects; the cyclic collector
    # would rescan them over and over (about a third of the run time at 10k matters).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if isinstance(project, Mapping):
            return _compile_sources(project, options)
        return _compile_path(Path(project), options)
    finally:
        if was_enabled:
            if options.freeze_gc:
                gc.freeze()
            gc.enable()


@dataclass
class FileUnit:
    """One rule file read, parsed and lowered on its own (possibly in a worker process)."""

    rel: str
    text: str | None
    diagnostics: list[Diagnostic]
    waivers: list[Waiver]
    model: m.CatalogModel | None
    parse_time: float = 0.0
    lower_time: float = 0.0
    syntax_errors: bool = False  # the parser could not read all of it: its tree is a guess

    def results(self) -> dict[str, Any]:
        """What parsing and lowering made of the file: every field but its path, text and timings (what the cache keeps)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_RESULTS}

    @classmethod
    def from_results(cls, rel: str, text: str, results: Any) -> FileUnit | None:
        """The unit of a file from its ``results()`` (from the cache): None if they do not fit this version."""
        try:
            return cls(rel, text, **results)
        except TypeError:
            return None


_NOT_RESULTS = frozenset({"rel", "text", "parse_time", "lower_time"})


def _process_file(path: Path, rel: str, config: m.ProjectConfig, options: CompileOptions,
                  cache: ResultCache | None = None) -> FileUnit:
    text, problem = read_source(path, rel)
    if text is None:
        return FileUnit(rel, None, [problem] if problem else [], [], None)
    unit = _process_text(rel, text, config, options)
    if cache is not None:
        cache.store(rel, text, cache.pack(unit.results()))
    return unit


@dataclass
class PackedUnit:
    """A FileUnit on its way back from a worker process, its results pickled once: for the way and for the cache."""

    rel: str
    text: str | None
    packed: bytes
    parse_time: float
    lower_time: float

    def unpack(self) -> FileUnit:
        results = pickle.loads(self.packed)  # made by our own worker process
        return FileUnit(self.rel, self.text, **results, parse_time=self.parse_time, lower_time=self.lower_time)


def _process_batch_packed(batch: list[tuple[Path, str]], config: m.ProjectConfig, options: CompileOptions,
                          cache: ResultCache | None) -> list[PackedUnit]:
    """``_process_batch`` in a worker process: the results go back, and into the cache, pickled once."""
    gc.disable()  # nothing to collect before the process ends
    out = []
    for path, rel in batch:
        unit = _process_file(path, rel, config, options)
        packed = pickle.dumps(unit.results(), protocol=pickle.HIGHEST_PROTOCOL)
        if cache is not None and unit.text is not None:
            cache.store(rel, unit.text, packed)
        out.append(PackedUnit(rel, unit.text, packed, unit.parse_time, unit.lower_time))
    return out


def _process_text(rel: str, text: str, config: m.ProjectConfig, options: CompileOptions) -> FileUnit:
    t0 = time.perf_counter()
    tree, problems = parse_recovering(text, rel, fast=options.parser != "lark")
    t1 = time.perf_counter()
    waivers, diags = collect_waivers(rel, text, tree.comments)
    for syntax in problems:
        s = syntax.span
        diags.append(diag("syntax-error", syntax.message_zh, syntax.message_en,
                          Loc(file=rel, line=s.line, col=s.col, end_line=s.end_line, end_col=max(s.end_col, s.col + 1)),
                          related=[Related(Loc(rel, r.line, r.col, r.end_line, max(r.end_col, r.col + 1)), zh, en)
                                   for r, zh, en in syntax.related],
                          suggestion=syntax.suggestion, did_you_mean=syntax.did_you_mean))
    lowering = Lowering(config)
    lowering.lower_file(rel, tree)
    diags.extend(lowering.diagnostics)
    return FileUnit(rel, text, diags, waivers, lowering.catalog, t1 - t0, time.perf_counter() - t1, bool(problems))


def _process_batch(batch: list[tuple[Path, str]], config: m.ProjectConfig, options: CompileOptions,
                   cache: ResultCache | None = None) -> list[FileUnit]:
    gc.disable()  # in a worker process: nothing to collect before it ends
    return [_process_file(p, rel, config, options, cache) for p, rel in batch]


def _process_files(files: list[tuple[Path, str]], config: m.ProjectConfig, options: CompileOptions,
                   cache: ResultCache | None = None) -> list[FileUnit]:
    """Parse and lower every file, on all cores when the project is large."""
    workers = min(options.workers or os.cpu_count() or 1, 8, len(files))
    total = sum(_size(p) for p, _ in files)
    if workers < 2 or (options.workers is None and total < PARALLEL_MIN_BYTES):
        return _process_batch(files, config, options, cache)

    # Work stealing: the files go out to the worker processes in small batches, in order;
    # meanwhile this process takes batches from the far end of the queue and does them
    # itself as long as no worker has started them. A worker's results must be pickled
    # and unpickled here, which costs about a third of the work, so this process ends up
    # doing its fair share without any tuning.
    batch_count = workers * 8
    target = max(1, total // batch_count)
    batches: list[list[tuple[Path, str]]] = [[]]
    filled = 0
    for f in files:
        if filled >= target and len(batches) < batch_count:
            batches.append([])
            filled = 0
        batches[-1].append(f)
        filled += _size(f[0])
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_process_batch_packed, batch, config, options, cache) for batch in batches]
            units: list[FileUnit] = []
            for batch, future in zip(reversed(batches), reversed(futures)):
                if not future.cancel():
                    break  # a worker has it, and every batch before it
                units.extend(_process_batch(batch, config, options, cache))
            for future in futures:
                if not future.cancelled():
                    packed_units = future.result()
                    units.extend(packed.unpack() for packed in packed_units)
                    packed_units.clear()  # the future keeps the list: let the pickles go now
    except (OSError, RuntimeError):  # no fork or no processes here: do it in this process
        return _process_batch(files, config, options, cache)
    order = {rel: i for i, (_, rel) in enumerate(files)}
    return sorted(units, key=lambda u: order[u.rel])


def _process_cached(files: list[tuple[Path, str]], config: m.ProjectConfig, options: CompileOptions,
                    cache: ResultCache) -> tuple[list[FileUnit], int]:
    """Every file's unit: from the cache where the file is unchanged, else parsed and lowered (and stored).

    Returns the units in the order of ``files`` and how many came from the cache.
    """
    found: dict[str, FileUnit] = {}
    todo: list[tuple[Path, str]] = []
    hits = 0
    for path, rel in files:
        text, problem = read_source(path, rel)
        if text is None:
            found[rel] = FileUnit(rel, None, [problem] if problem else [], [], None)
            continue
        entry = cache.load(rel, text)
        unit = FileUnit.from_results(rel, text, entry) if entry is not None else None
        if unit is None:
            todo.append((path, rel))
            continue
        found[rel] = unit
        hits += 1
    for unit in _process_files(todo, config, options, cache):
        found[unit.rel] = unit
    if todo:
        cache.prune(len(files))
    return [found[rel] for _, rel in files], hits


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


_TABLES = (("departments", "department"), ("laws", "law"), ("powers", "power"), ("responsibilities", "responsibility"),
           ("negatives", "negative"), ("matters", "matter"), ("journeys", "journey"), ("results", "result"))


def _compile_path(path: Path, options: CompileOptions) -> CompileResult:
    root, files, cfg_path = find_project(path)
    config, diags, config_text = load_config(cfg_path)
    rels = [(p, p.relative_to(root).as_posix() if p != root else p.name) for p in files]
    t0 = time.perf_counter()
    cache = ResultCache.open(options.cache, root, options.parser) if options.cache is not None else None
    hits = 0
    if cache is None:
        units = _process_files(rels, config, options)
    else:
        units, hits = _process_cached(rels, config, options, cache)
    wall = time.perf_counter() - t0
    result = _link(root, config, diags, units, options)
    result.timings["parse+lower (wall)"] = wall
    result.cached_files = hits
    if config_text is not None:
        result.config_file = SourceFile(CONFIG_NAME, config_text)
    return result


def _compile_sources(sources: Sources, options: CompileOptions) -> CompileResult:
    config_text = sources.get(CONFIG_NAME)
    config, diags = read_config_text(config_text) if config_text is not None else (m.ProjectConfig(), [])
    # Sources held in memory have no project directory: they are cached only in a directory named in the options.
    cache = ResultCache.open(options.cache, None, options.parser) if options.cache is not None else None
    units: list[FileUnit] = []
    hits = 0
    for rel, raw in sorted(sources.items()):
        if rel.endswith(".qd"):
            too_large = text_too_large(rel, raw)
            if too_large is not None:
                units.append(FileUnit(rel, None, [too_large], [], None))
                continue
            text = raw.replace("\r\n", "\n").replace("\r", "\n")
            entry = cache.load(rel, text) if cache is not None else None
            unit = FileUnit.from_results(rel, text, entry) if entry is not None else None
            if unit is not None:
                units.append(unit)
                hits += 1
                continue
            units.append(_process_text(rel, text, config, options))
            if cache is not None:
                cache.store(rel, text, cache.pack(units[-1].results()))
    result = _link(None, config, diags, units, options)
    result.cached_files = hits
    if config_text is not None:
        result.config_file = SourceFile(CONFIG_NAME, config_text.replace("\r\n", "\n"))
    return result


def _link(root: Path | None, config: m.ProjectConfig, diags: list[Diagnostic], units: list[FileUnit],
          options: CompileOptions) -> CompileResult:
    """Merge the files, resolve names, build the Catalog, check it, apply severities and waivers."""
    timings: dict[str, float] = {}
    t_link = time.perf_counter()
    files: dict[str, SourceFile] = {}
    merger = Lowering(config)
    waivers: list[Waiver] = []
    for unit in units:
        diags.extend(unit.diagnostics)
        waivers.extend(unit.waivers)
        if unit.text is not None:
            files[unit.rel] = SourceFile(unit.rel, unit.text)
        if unit.model is not None:
            for table, kind in _TABLES:
                target = getattr(merger.catalog, table)
                for node in getattr(unit.model, table).values():
                    merger.register(target, node, kind)
    timings["parse"] = sum(u.parse_time for u in units)
    t_lower = sum(u.lower_time for u in units)
    diags.extend(merger.diagnostics)
    t0 = time.perf_counter()
    model = merger.catalog
    diags.extend(Resolver(model).run())
    diags.extend(check_files(model, root))  # the project files the guides link to
    for table, _ in _TABLES:
        setattr(model, table, dict(sorted(getattr(model, table).items())))
    timings["lower"] = t_lower + time.perf_counter() - t0
    timings["merge+resolve"] = time.perf_counter() - t_link
    as_of = options.as_of or project_as_of(config)
    in_force, left_out = split_in_force(model, as_of)
    catalog = Catalog(in_force, root, as_of=as_of, left_out=left_out)
    if options.checks:
        t0 = time.perf_counter()
        check_times: dict[str, float] = {}
        disabled = {k for k, v in config.severities.items() if v == "off"}
        diags.extend(run_checks(catalog, disabled, check_times))
        timings["checks"] = time.perf_counter() - t0
        timings.update({f"check:{k}": v for k, v in check_times.items()})
    diags = _apply_severities(diags, config)
    diags.extend(apply_waivers(diags, waivers))
    diags = leave_out_consequences(diags, files, {u.rel for u in units if u.syntax_errors})
    return CompileResult(root=root, catalog=catalog, diagnostics=sorted(diags, key=lambda d: d.sort_key()),
                         files=files, timings=timings)


def _apply_severities(diags: list[Diagnostic], config: m.ProjectConfig) -> list[Diagnostic]:
    """The project's ``[checks]`` levels: a new severity, or ``off`` to drop the rule's findings."""
    out = []
    for d in diags:
        override = config.severities.get(d.rule)
        if override == "off":
            continue
        if override:
            d.severity = Severity(override)
        out.append(d)
    return out
