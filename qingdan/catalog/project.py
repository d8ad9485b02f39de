"""A rule project on disk: find it, read its files safely, and compile it.

``compile_path`` is the whole pipeline: read → parse → lower → resolve → graph →
checks → waivers → severities. It never raises on bad input; every problem becomes
a located diagnostic, and problems with the command line itself raise ``UsageError``.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..compiler import model as m
from ..compiler.checks import CheckContext, load_builtin_checks, run_checks
from ..compiler.diagnostics import RULES, Diagnostic, Loc, Severity, diag, did_you_mean
from ..compiler.graph import build_graph
from ..compiler.lower import Lowering
from ..compiler.materials import MaterialIndex
from ..compiler.resolve import Resolver
from ..dsl.parser import parse_recovering

CONFIG_NAME = "qingdan.toml"
MAX_FILE_BYTES = 20 * 1024 * 1024


class UsageError(Exception):
    """A problem with what the user asked for (exit code 2), not with the rules."""


@dataclass
class SourceFile:
    path: str  # relative, with forward slashes
    text: str


@dataclass
class CompileResult:
    root: Path
    config: m.ProjectConfig
    files: dict[str, SourceFile] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: m.CatalogModel | None = None
    graph: object = None
    materials: MaterialIndex | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity and not d.waived)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.error) > 0

    def catalog(self):
        from .catalog import Catalog

        return Catalog(self)


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
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ("site", "build", "dist", "out"))
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


def _config_loc(line: int = 1) -> Loc:
    return Loc(file=CONFIG_NAME, line=line, col=1, end_line=line, end_col=2)


_CONFIG_KEYS = {
    "project": {"name", "region", "level", "lang", "version", "date", "templates"},
    "checks": None,  # rule names, plus code-pattern
    "materials": {"synonyms"},
    "calendar": {"holidays"},
}


def read_config(cfg: Path | None) -> tuple[m.ProjectConfig, list[Diagnostic]]:
    from ..dsl.keywords import ENUMS, lookup

    diags: list[Diagnostic] = []
    if cfg is None:
        return m.ProjectConfig(), diags

    def err(zh: str, en: str, line: int = 1) -> None:
        diags.append(diag("config-error", zh, en, _config_loc(line)))

    try:
        raw = cfg.read_bytes().decode("utf-8")
        data = tomllib.loads(raw)
    except UnicodeDecodeError:
        err("qingdan.toml 不是 UTF-8 编码", "qingdan.toml is not UTF-8")
        return m.ProjectConfig(), diags
    except tomllib.TOMLDecodeError as e:
        match = re.search(r"line (\d+)", str(e))
        err(f"qingdan.toml 不是有效的 TOML：{e}", f"qingdan.toml is not valid TOML: {e}", int(match.group(1)) if match else 1)
        return m.ProjectConfig(), diags
    lines = raw.split("\n")

    def line_of(key: str) -> int:
        for i, ln in enumerate(lines, 1):
            if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", ln) or ln.strip() == f"[{key}]":
                return i
        return 1

    cfg_out: dict = {}
    for section, value in data.items():
        if section not in _CONFIG_KEYS:
            s = did_you_mean(section, _CONFIG_KEYS)
            err(f"未知的配置节 [{section}]" + (f"，是不是 [{s}]？" if s else ""), f"unknown section [{section}]" + (f"; did you mean [{s}]?" if s else ""), line_of(section))
            continue
        if not isinstance(value, dict):
            err(f"[{section}] 应为一个配置节", f"[{section}] must be a table", line_of(section))
            continue
        allowed = _CONFIG_KEYS[section]
        for key, v in value.items():
            if section == "checks":
                if key == "code-pattern":
                    try:
                        re.compile(str(v))
                        cfg_out["code_pattern"] = str(v)
                    except re.error as e:
                        err(f"code-pattern 不是有效的正则表达式：{e}", f"code-pattern is not a valid regular expression: {e}", line_of(key))
                    continue
                if key not in RULES:
                    s = did_you_mean(key, RULES)
                    err(f"未知的检查规则“{key}”" + (f"，是不是“{s}”？" if s else ""), f"unknown check rule '{key}'" + (f"; did you mean '{s}'?" if s else ""), line_of(key))
                    continue
                if v not in ("error", "warning", "info", "off"):
                    err(f"规则“{key}”的级别应为 error、warning、info 或 off", f"the severity of '{key}' must be error, warning, info or off", line_of(key))
                    continue
                cfg_out.setdefault("severities", {})[key] = v
                continue
            if key not in allowed:
                s = did_you_mean(key, allowed)
                err(f"[{section}] 中没有“{key}”" + (f"，是不是“{s}”？" if s else ""), f"[{section}] has no key '{key}'" + (f"; did you mean '{s}'?" if s else ""), line_of(key))
                continue
            if section == "project":
                if key == "level":
                    canon = lookup(ENUMS["level"], str(v))
                    if canon is None:
                        err(f"level“{v}”不是有效层级（省、市、县、乡）", f"level '{v}' is not a level (province, city, county, township)", line_of(key))
                        continue
                    v = canon
                if key == "lang" and v not in ("zh", "en"):
                    err("lang 应为 zh 或 en", "lang must be zh or en", line_of(key))
                    continue
                cfg_out[key] = str(v)
            elif section == "materials":
                if not isinstance(v, dict) or not all(isinstance(x, list) for x in v.values()):
                    err("[materials] synonyms 应为 名称 = [同义词, …]", "[materials] synonyms must map a name to a list of synonyms", line_of(key))
                    continue
                cfg_out["synonyms"] = {str(k): [str(x) for x in xs] for k, xs in v.items()}
            elif section == "calendar":
                try:
                    from datetime import date

                    cfg_out["holidays"] = sorted(date.fromisoformat(str(x)) for x in v)
                except (TypeError, ValueError):
                    err("[calendar] holidays 应为日期列表，如 [\"2026-10-01\"]", "[calendar] holidays must be a list of dates", line_of(key))
    try:
        return m.ProjectConfig(**cfg_out), diags
    except Exception as e:  # pydantic validation of values we could not foresee
        err(f"qingdan.toml 的值不正确：{e}", f"invalid value in qingdan.toml: {e}")
        return m.ProjectConfig(), diags


def read_source(path: Path, rel: str) -> tuple[str | None, Diagnostic | None]:
    """Read a rule file as UTF-8, or return a located diagnostic explaining why not."""

    def problem(zh: str, en: str, line: int = 1, col: int = 1) -> Diagnostic:
        return diag("unreadable-file", zh, en, Loc(file=rel, line=line, col=col, end_line=line, end_col=col + 1))

    try:
        size = path.stat().st_size
    except (OSError, RuntimeError) as e:
        return None, problem(f"无法读取文件：{e.strerror or e}", f"cannot read file: {e.strerror or e}")
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


_WAIVER = re.compile(r"#\s*(?:豁免|waive)\b\s*([A-Za-z][\w-]*)?\s*(?:[:：]\s*(.*?))?\s*$")


@dataclass
class Waiver:
    rule: str | None
    reason: str
    loc: Loc
    used: bool = False


def _collect_waivers(sf: SourceFile, comments) -> tuple[list[Waiver], list[Diagnostic]]:
    out, diags = [], []
    for c in comments:
        mt = _WAIVER.match(c.text)
        if not mt:
            continue
        loc = Loc(file=sf.path, line=c.line, col=c.col, end_line=c.line, end_col=c.col + len(c.text))
        rule, reason = mt.group(1), (mt.group(2) or "").strip()
        if not rule or rule not in RULES:
            s = did_you_mean(rule or "", RULES) if rule else None
            diags.append(diag("invalid-waiver", "豁免必须写出存在的规则名，如 # 豁免 too-many-visits: 理由" + (f"（是不是“{s}”？）" if s else ""),
                              "a waiver must name an existing rule, e.g. # waive too-many-visits: reason" + (f" (did you mean '{s}'?)" if s else ""), loc, suggestion=s))
            continue
        if not reason:
            diags.append(diag("invalid-waiver", f"豁免“{rule}”缺少理由：请在冒号后写明为什么接受这个问题", f"the waiver of '{rule}' has no reason: write why after a colon", loc))
            continue
        out.append(Waiver(rule, reason, loc))
    return out, diags


def _apply_waivers(diags: list[Diagnostic], waivers: list[Waiver]) -> list[Diagnostic]:
    by_place: dict[tuple[str, int, str], Waiver] = {}
    for w in waivers:
        # a waiver covers its own line and, when it stands alone, the next line
        by_place[(w.loc.file, w.loc.line, w.rule)] = w
        if w.loc.col == 1 or True:
            by_place.setdefault((w.loc.file, w.loc.line + 1, w.rule), w)
    for d in diags:
        if d.loc is None:
            continue
        w = by_place.get((d.loc.file, d.loc.line, d.rule))
        if w is not None:
            d.waived = w.reason
            w.used = True
    extra = []
    for w in waivers:
        if not w.used:
            extra.append(diag("unused-waiver", f"豁免“{w.rule}”没有对应的问题，可以删除", f"the waiver of '{w.rule}' matches no finding; remove it", w.loc))
    return extra


# Everything allocated during a compile sits in the collector's youngest generation: the
# first collection afterwards walks all of it (4.5 s at 10,000 matters). A short-lived
# process (the console script) freezes the compiled catalog out of the collector's sight
# instead. A long-lived one must not: frozen cyclic garbage is never freed.
FREEZE_AFTER_COMPILE = False


def compile_path(path: str | Path, *, run_semantic_checks: bool = True) -> CompileResult:
    """Compile the project at ``path`` (a directory or a single .qd file)."""
    import gc

    load_builtin_checks()  # register every rule before the config and waivers name them
    # The pipeline allocates millions of small acyclic objects; the cyclic collector
    # would rescan them over and over (about a third of the run time at 10k matters).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _compile(Path(path), run_semantic_checks)
    finally:
        if was_enabled:
            if FREEZE_AFTER_COMPILE:
                gc.freeze()
            gc.enable()


@dataclass
class FileUnit:
    """One rule file read, parsed and lowered on its own (possibly in a worker process)."""

    rel: str
    text: str | None
    diagnostics: list[Diagnostic]
    waivers: list[Waiver]
    catalog: m.CatalogModel | None
    parse_time: float = 0.0
    lower_time: float = 0.0


def _process_file(path: Path, rel: str, config: m.ProjectConfig) -> FileUnit:
    import time

    text, problem = read_source(path, rel)
    if problem:
        return FileUnit(rel, None, [problem], [], None)
    t0 = time.perf_counter()
    tree, problems = parse_recovering(text, rel)
    t1 = time.perf_counter()
    waivers, diags = _collect_waivers(SourceFile(rel, text), tree.comments)
    for syntax in problems:
        s = syntax.span
        diags.append(diag("syntax-error", syntax.message_zh, syntax.message_en,
                          Loc(file=rel, line=s.line, col=s.col, end_line=s.end_line, end_col=max(s.end_col, s.col + 1))))
    lowering = Lowering(config)
    lowering.lower_file(rel, tree)
    diags.extend(lowering.diagnostics)
    return FileUnit(rel, text, diags, waivers, lowering.catalog, t1 - t0, time.perf_counter() - t1)


def _process_batch(batch: list[tuple[Path, str]], config: m.ProjectConfig) -> list[FileUnit]:
    import gc

    gc.disable()
    return [_process_file(p, rel, config) for p, rel in batch]


PARALLEL_MIN_BYTES = 1024 * 1024  # below this, starting workers costs more than it saves


def _process_files(files: list[tuple[Path, str]], config: m.ProjectConfig) -> list[FileUnit]:
    """Parse and lower every file, on all cores when the project is large."""
    workers = min(os.cpu_count() or 1, 8, len(files))
    try:
        total = sum(p.stat().st_size for p, _ in files)
    except OSError:
        total = 0
    if workers < 2 or total < PARALLEL_MIN_BYTES or os.environ.get("QINGDAN_WORKERS") == "1":
        return _process_batch(files, config)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

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
            futures = [pool.submit(_process_batch, batch, config) for batch in batches]
            units: list[FileUnit] = []
            for batch, future in zip(reversed(batches), reversed(futures)):
                if not future.cancel():
                    break  # a worker has it, and every batch before it
                units.extend(_process_batch(batch, config))
            for future in futures:
                if not future.cancelled():
                    units.extend(future.result())
    except (OSError, RuntimeError):  # no fork or no processes here: do it in this process
        return _process_batch(files, config)
    order = {rel: i for i, (_, rel) in enumerate(files)}
    return sorted(units, key=lambda u: order[u.rel])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


_TABLES = (("departments", "department"), ("laws", "law"), ("powers", "power"), ("responsibilities", "responsibility"),
           ("negatives", "negative"), ("matters", "matter"), ("journeys", "journey"), ("results", "result"))


def _compile(path: Path, run_semantic_checks: bool) -> CompileResult:
    import time

    root, files, cfg_path = find_project(path)
    config, diags = read_config(cfg_path)
    result = CompileResult(root=root, config=config)
    timings = result.timings
    rels = [(p, p.relative_to(root).as_posix() if p != root else p.name) for p in files]
    t0 = time.perf_counter()
    units = _process_files(rels, config)
    timings["parse+lower (wall)"] = time.perf_counter() - t0
    merger = Lowering(config)
    waivers: list[Waiver] = []
    for unit in units:
        diags.extend(unit.diagnostics)
        waivers.extend(unit.waivers)
        if unit.text is not None:
            result.files[unit.rel] = SourceFile(unit.rel, unit.text)
        if unit.catalog is not None:
            for table, kind in _TABLES:
                target = getattr(merger.catalog, table)
                for node in getattr(unit.catalog, table).values():
                    merger.register(target, node, kind)
    timings["parse"] = sum(u.parse_time for u in units)
    t_lower = sum(u.lower_time for u in units)
    diags.extend(merger.diagnostics)
    t0 = time.perf_counter()
    model = merger.catalog
    diags.extend(Resolver(model).run())
    for table in ("departments", "laws", "powers", "responsibilities", "negatives", "matters", "journeys", "results"):
        setattr(model, table, dict(sorted(getattr(model, table).items())))
    timings["lower"] = t_lower + time.perf_counter() - t0
    t0 = time.perf_counter()
    result.materials = MaterialIndex(config.synonyms)
    result.graph = build_graph(model, result.materials)
    timings["graph"] = time.perf_counter() - t0
    result.model = model
    if run_semantic_checks:
        t0 = time.perf_counter()
        ctx = CheckContext(model=model, graph=result.graph, cache={"materials": result.materials})
        check_times: dict[str, float] = {}
        disabled = {k for k, v in config.severities.items() if v == "off"}
        diags.extend(run_checks(ctx, disabled, check_times))
        timings["checks"] = time.perf_counter() - t0
        timings.update({f"check:{k}": v for k, v in check_times.items()})
    for d in diags:
        override = config.severities.get(d.rule)
        if override and override != "off":
            d.severity = Severity(override)
    diags = [d for d in diags if config.severities.get(d.rule) != "off"]
    diags.extend(_apply_waivers(diags, waivers))
    result.diagnostics = sorted(diags, key=lambda d: d.sort_key())
    return result
