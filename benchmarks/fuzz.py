"""Fuzz campaign: feed qingdan's five entry points a given number of inputs, keep every crashing one.

Usage (with qingdan installed, e.g. in the project's virtualenv):
    python benchmarks/fuzz.py --runs 1000000                 # every target, shares by TARGET_SHARE
    python benchmarks/fuzz.py --target check --runs 20000    # one target
    python benchmarks/fuzz.py --engine random --runs 5000    # no atheris: seeded mutation only
    python benchmarks/fuzz.py --replay DIR                   # run the kept inputs of DIR again

Targets, each run in-process on one input at a time:
- ``check``: the bytes as ``a.qd`` of a project on disk; compile with every check and render one
  report format (text zh or en, JSON, SARIF, GitHub, JUnit: picked by the input's CRC, so a
  campaign covers all); JSON and SARIF must parse, JUnit must be well-formed XML, a GitHub
  annotation must stay on one line.
- ``fmt``: the text through the formatter; what it returns must parse without a syntax error,
  be a fixed point of the formatter, and compile to the same findings as the input.
- ``build``: a project of one mutated file; when it compiles without language errors (semantic
  findings are fine: the library builds such a catalog, the site shows them), every build step
  but the site (mkdocs runs minutes, not milliseconds; the site's escaping has its own browser
  tests) into a scratch output; every JSON, XML, DMN and GraphML file written must parse.
- ``gov-json``: the bytes as a national-platform export; the imported project is rendered and
  compiled, and must have no language error (syntax, keyword, value, type, config).
- ``table``: the first byte picks the list kind (and, when its top three bits are 100, an .xlsx
  built from the CSV rows); the rest is a CSV. The imported project must compile as for gov-json.

A crash is an exception escaping qingdan, a broken invariant above, or an input that takes
more than ``--slow`` seconds of CPU time (not wall time: the machine may be busy). Each crash is written to ``--crashes`` (default
``benchmarks/fuzz-crashes/TARGET/``) as ``<sha1>.bin`` with ``<sha1>.txt`` holding the
traceback, and the campaign goes on. The summary prints, by target, the inputs, the "deep" ones
(those that got past parsing to the target's last stage: formatted, built, imported and
compiled), the crashes, the seconds and inputs per second.

Seeds: the fixtures' whole files and the examples' declarations one by one (small inputs
run fast; splicing mutations combine them), the first lines of the shared platform export,
and the lists the city example builds.

Engines: ``atheris`` (coverage-guided libFuzzer, the default when it is installed: ``pip
install -e '.[fuzz]'``) runs each target in a child process (libFuzzer owns its process) seeded
with the example files; ``random`` is a seeded mutator (insert, delete, replace, duplicate,
splice of tokens that matter to each format), deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from pathlib import Path
from xml.etree import ElementTree

REPO = Path(__file__).resolve().parent.parent
TARGETS = ("check", "fmt", "build", "gov-json", "table")
# Shares of a whole campaign: by what an input costs and how much code is behind it.
TARGET_SHARE = {"check": 0.40, "fmt": 0.30, "build": 0.04, "gov-json": 0.20, "table": 0.06}
LANGUAGE_RULES = {"syntax-error", "unknown-keyword", "type-error", "invalid-value", "duplicate-field",
                  "config-error", "unreadable-file"}
REPORT_FORMATS = ("text", "json", "sarif", "github", "junit")
TABLE_KINDS = ("power", "responsibility", "negative", "matter")
MAX_LEN = 8192


class Broken(Exception):
    """An invariant the target must keep did not hold."""


# ---------------------------------------------------------------- targets
class Harness:
    """The five targets, sharing one scratch directory."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.project = scratch / "project"
        self.project.mkdir(parents=True, exist_ok=True)
        self.out = scratch / "out"
        self.table = scratch / "table"
        self.table.mkdir(exist_ok=True)
        from qingdan.compiler import CompileOptions
        from qingdan.compiler import compile as compile_project

        self.compile = compile_project
        self.options = CompileOptions(workers=1)

    def run(self, target: str, data: bytes) -> bool:
        """Run ``target`` on ``data``; whether the input got past parsing to the target's last stage."""
        return {"check": self.check, "fmt": self.fmt, "build": self.build, "gov-json": self.gov_json, "table": self.table_import}[target](data)

    # check ------------------------------------------------------------
    def check(self, data: bytes) -> bool:
        from qingdan.compiler.report import render

        (self.project / "a.qd").write_bytes(data)
        result = self.compile(self.project, self.options)
        pick = zlib.crc32(data)  # one format and language per input; the campaign covers them all
        for fmt in (REPORT_FORMATS[pick % len(REPORT_FORMATS)],):
            for lang in (("zh", "en")[pick // len(REPORT_FORMATS) % 2],):
                text = render(fmt, result.diagnostics, result.files, lang, "project")
                if fmt in ("json", "sarif"):
                    json.loads(text)
                elif fmt == "junit":
                    ElementTree.fromstring(text.encode("utf-8"))
                elif fmt == "github" and any(line and not line.startswith("::") for line in text.splitlines()):
                    raise Broken("a GitHub annotation spans more than one line")
        return not any(d.rule == "syntax-error" for d in result.diagnostics)

    # fmt --------------------------------------------------------------
    def fmt(self, data: bytes) -> bool:
        from qingdan.dsl.formatter import FormatError, format_source

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        try:
            once = format_source(text)
        except FormatError:
            return False
        twice = format_source(once)
        if twice != once:
            raise Broken("formatting is not a fixed point:\n" + _first_difference(once, twice))
        before = _findings(self.compile({"a.qd": text}, self.options))
        after = _findings(self.compile({"a.qd": once}, self.options))
        if "syntax-error" in {rule for rule, _ in after} - {rule for rule, _ in before}:
            raise Broken(f"formatted text has a syntax error: {sorted(after)[:3]}")
        if before != after:
            raise Broken(f"formatting changed the findings: before {sorted(before - after)[:5]}, after {sorted(after - before)[:5]}")
        return True

    # build ------------------------------------------------------------
    def build(self, data: bytes) -> bool:
        from qingdan.generators.build import BUILD_STEPS, BuildError, build
        from qingdan.generators.site.step import site_step

        (self.project / "a.qd").write_bytes(data)
        result = self.compile(self.project, self.options)
        if result.catalog is None or any(d.rule in LANGUAGE_RULES | {"unknown-reference", "duplicate-id"} for d in result.diagnostics):
            return False  # the CLI refuses such a catalog; semantic findings alone do not stop the library's build
        steps = tuple(s for s in BUILD_STEPS if s is not site_step)
        try:
            build(result.catalog, self.out, version="fuzz", date="2026-01-01", steps=steps, diagnostics=result.diagnostics)
        except BuildError:
            return False
        for path in sorted(self.out.rglob("*")):
            if path.suffix == ".json":
                json.loads(path.read_bytes())
            elif path.suffix in (".xml", ".dmn", ".graphml", ".rdf", ".xsd"):
                ElementTree.parse(path)
        return True

    # importers --------------------------------------------------------
    def gov_json(self, data: bytes) -> bool:
        from qingdan.importers.gov_json import GovJsonReader

        return self._imported(GovJsonReader("fuzz.jsonl").read_bytes(data))

    def table_import(self, data: bytes) -> bool:
        from qingdan.importers.table import TableError, read_table

        if not data:
            return False
        kind = TABLE_KINDS[data[0] % len(TABLE_KINDS)]
        body = data[1:]
        if data[0] >> 5 == 4:  # one first byte in eight
            path = self.table / "t.xlsx"
            _write_xlsx(path, body)
        else:
            path = self.table / "t.csv"
            path.write_bytes(body)
        try:
            result = read_table(path, kind)
        except TableError:
            return False
        return self._imported(result)

    def _imported(self, result) -> bool:
        from qingdan.importers.writer import ProjectWriter

        files = ProjectWriter(result).render(1).files
        compiled = self.compile(dict(files), self.options)
        bad = sorted({(d.rule, d.text.en) for d in compiled.diagnostics if d.rule in LANGUAGE_RULES})
        if bad:
            raise Broken(f"the imported project has language errors: {bad[:3]}")
        return bool(files)


def _findings(result) -> set[tuple[str, str]]:
    return {(d.rule, d.severity.value) for d in result.diagnostics}


def _first_difference(a: str, b: str) -> str:
    for n, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), start=1):
        if x != y:
            return f"line {n}:\n- {x!r}\n+ {y!r}"
    return f"lengths {len(a)} and {len(b)}"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # outside XML 1.0's characters


def _write_xlsx(path: Path, body: bytes) -> None:
    """The CSV rows of ``body`` as a workbook; a cell starting with '=' becomes a formula, as Excel would keep it."""
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    text = _NOT_XML.sub("", body.decode("utf-8", errors="replace"))  # no workbook can hold these (U+FFFF, NUL …)
    rows = list(csv.reader(io.StringIO(text, newline="")))[:200]
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row[:60], start=1):
            with contextlib.suppress(ValueError, IllegalCharacterError):  # openpyxl refuses control characters: the cell stays empty
                ws.cell(r, c, cell)
    wb.save(path)


# ---------------------------------------------------------------- seeds
def seeds(target: str) -> list[bytes]:
    """Valid inputs each target's mutations start from."""
    if target in ("check", "fmt", "build"):
        whole = [REPO / "tests/fixtures/sample.qd", REPO / "tests/fixtures/formatting-input.qd"]
        found = [f.read_bytes()[:MAX_LEN] for f in whole]
        if target != "build":  # small inputs run fast: the examples' declarations one by one
            for f in sorted((REPO / "examples").glob("*/*.qd")):
                found += top_level_blocks(f.read_bytes())
        return found
    if target == "gov-json":
        shared = Path(os.environ.get("QINGDAN_SHARED", REPO.parent / "shared")) / "data" / "gd-province-sample.jsonl"
        lines = shared.read_bytes().splitlines() if shared.exists() else []
        picked = [line for line in lines if len(line) <= MAX_LEN][:60]
        return picked + [b"\n".join(picked[i:i + 3]) for i in range(0, min(len(picked), 30), 3)] or [b"{}"]
    return _table_seeds()


def top_level_blocks(data: bytes) -> list[bytes]:
    """The declarations of a rule file, each with the comments above it (a new one starts at column 0)."""
    blocks: list[bytes] = []
    current: list[bytes] = []
    for line in data.splitlines(keepends=True):
        if line[:1] not in (b" ", b"\t", b"}", b"#", b"\n", b"") and any(x.strip() and not x.startswith(b"#") for x in current):
            blocks.append(b"".join(current))
            current = []
        current.append(line)
    if current:
        blocks.append(b"".join(current))
    return [b[:MAX_LEN] for b in blocks if b.strip()]


def _table_seeds() -> list[bytes]:
    from qingdan.compiler import compile as compile_project
    from qingdan.generators.build import build
    from qingdan.generators.steps import lists_step

    found: list[bytes] = []
    with tempfile.TemporaryDirectory(prefix="qd-fuzz-seed-") as tmp:
        result = compile_project(REPO / "examples/city")
        assert result.catalog is not None
        build(result.catalog, Path(tmp) / "out", version="seed", date="2026-01-01", steps=(lists_step,))
        for n, kind in enumerate(TABLE_KINDS[:3]):
            for path in sorted((Path(tmp) / "out").rglob(f"{kind}-list.csv")):
                lines = path.read_bytes().splitlines(keepends=True)
                found.append(bytes([n]) + b"".join(lines[:12]))
                if n == 0:
                    found.append(bytes([0x80]) + b"".join(lines[:6]))
    matter = [["序号", "子项名称", "实施编码", "事项类型", "实施主体", "行使层级", "法定办结时限（工作日）", "承诺办结时限（工作日）",
               "到办事现场次数", "申请材料", "服务对象", "受理条件"],
              ["1", "食品经营许可证核发", "11330100MB0000001X4330100001000", "行政许可", "某市市场监督管理局", "市级", "20", "10", "1",
               "食品经营许可申请书；营业执照复印件", "企业法人、个体工商户", "具有与经营的食品品种、数量相适应的经营场所"]]
    buf = io.StringIO()
    csv.writer(buf).writerows(matter)
    found.append(bytes([3]) + buf.getvalue().encode("utf-8"))
    return found


# ---------------------------------------------------------------- the seeded mutator
TOKENS: dict[str, list[bytes]] = {
    "qd": [s.encode("utf-8") for s in ['{', '}', '(', ')', '"', '“', '”', '：', ':', ';', '；', ',', '、', '#', '.', '\n', ' ', '\t',
                                        '且', '或', '非', '属于', '>=', '==', '->', '→', '工作日', '天', '次', '元', '事项', '权力', '部门',
                                        '条件', '材料', '当', '依据', '豁免', '99999999999999999999999', '0.5', '-1', '\u3000',
                                        '\ufeff', '\x00', '\r', '\x0b', '\u202e', '\\n', '\\', '{: onclick=x }', '<b>', '=HYPERLINK(']],
    "json": [s.encode("utf-8") for s in ['{', '}', '[', ']', '"', ':', ',', '\\', '\\u0000', '\\ud800', 'null', 'true', '1e400',
                                          'Infinity', 'NaN', '-0', '"无"', '"即办"', '"0"', '\n', '"工作日"', '"<script>"', '"=1+1"']],
    "csv": [s.encode("utf-8") for s in [',', '"', '\n', '\r\n', '\t', ';', '=SUM(A1)', '+1', '@x', '-', '行政许可', '市级', '保留',
                                         '取消', '工作日', '20', '', '\x00', '\ufeff', '\xa0']],
}


def mutate(rng: random.Random, data: bytes, corpus: list[bytes], tokens: list[bytes]) -> bytes:
    """One to four edits of ``data``, mostly on whole characters so that most results still decode."""
    text = data.decode("utf-8", errors="surrogateescape")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(text) + 1)
        op = rng.randrange(8)
        if op in (0, 1):
            text = text[:i] + rng.choice(tokens).decode("utf-8") + text[i:]
        elif op == 2:
            text = text[:i] + text[i + rng.randint(1, 12):]
        elif op == 3:
            text = text[:i] + rng.choice(tokens).decode("utf-8") + text[i + 1:]
        elif op == 4:
            j = min(len(text), i + rng.randint(1, 400))
            text = text[:j] + text[i:j] + text[j:]
        elif op == 5:
            text = text[:i] if rng.random() < 0.3 else text
        elif op == 6:
            other = rng.choice(corpus).decode("utf-8", errors="surrogateescape")
            k = rng.randrange(len(other) + 1)
            text = text[:i] + other[k:k + rng.randint(1, 400)] + text[i:]
        else:
            raw = text.encode("utf-8", errors="surrogateescape")
            j = rng.randrange(len(raw) + 1)
            text = (raw[:j] + bytes([rng.randrange(256)]) + raw[j + 1:]).decode("utf-8", errors="surrogateescape")
    return text.encode("utf-8", errors="surrogateescape")[:MAX_LEN]


# ---------------------------------------------------------------- running
class Campaign:
    """Counts inputs and keeps crashes of one target."""

    def __init__(self, target: str, crashes: Path, slow: float) -> None:
        self.target, self.crashes, self.slow = target, crashes, slow
        self.inputs = self.crashed = self.deep = 0  # deep: inputs that got past parsing to the last stage
        self.crash_kinds: dict[str, int] = {}
        self.harness = Harness(Path(tempfile.mkdtemp(prefix=f"qd-fuzz-{target}-")))

    def one(self, data: bytes) -> None:
        self.inputs += 1
        t0 = time.process_time()  # CPU time: a loaded machine must not turn a fast input into a "hang"
        try:
            self.deep += self.harness.run(self.target, data)
        except Exception as e:
            self.keep(data, "".join(traceback.format_exception(e)), type(e).__name__)
            return
        spent = time.process_time() - t0
        if spent > self.slow:
            self.keep(data, f"slow: {spent:.1f} s of CPU time", "Slow")

    def keep(self, data: bytes, why: str, kind: str) -> None:
        self.crashed += 1
        self.crash_kinds[kind] = self.crash_kinds.get(kind, 0) + 1
        self.crashes.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        (self.crashes / f"{name}.bin").write_bytes(data)
        (self.crashes / f"{name}.txt").write_text(why, encoding="utf-8")
        print(f"fuzz: {self.target}: crash kept as {self.crashes / name}.bin ({kind})", file=sys.stderr, flush=True)

    def close(self) -> None:
        shutil.rmtree(self.harness.scratch, ignore_errors=True)


def run_random(target: str, runs: int, seed: int, crashes: Path, slow: float) -> Campaign:
    campaign = Campaign(target, crashes, slow)
    corpus = seeds(target)
    tokens = TOKENS["json" if target == "gov-json" else "csv" if target == "table" else "qd"]
    rng = random.Random(f"{seed}:{target}")
    for data in corpus[:runs]:
        campaign.one(data)
    while campaign.inputs < runs:
        data = mutate(rng, rng.choice(corpus), corpus, tokens)
        if target == "table" and rng.random() < 0.1:
            data = bytes([rng.randrange(256)]) + data[1:]
        campaign.one(data)
    return campaign


def run_atheris(target: str, runs: int, seed: int, crashes: Path, slow: float, stats: Path) -> None:
    """In the child process: libFuzzer drives ``Campaign.one``; figures go to ``stats`` at exit."""
    import atheris

    with atheris.instrument_imports(include=["qingdan"]):
        import qingdan.compiler
        import qingdan.dsl.formatter
        import qingdan.generators.build
        import qingdan.importers.gov_json
        import qingdan.importers.table
        import qingdan.importers.writer  # noqa: F401
    campaign = Campaign(target, crashes, slow)
    corpus_dir = Path(tempfile.mkdtemp(prefix=f"qd-fuzz-corpus-{target}-"))
    for n, data in enumerate(seeds(target)):
        (corpus_dir / f"seed-{n:03}").write_bytes(data)
    started = time.perf_counter()
    one = campaign.one

    def counted(data: bytes) -> None:  # libFuzzer leaves the process without running atexit: write the figures as we go
        one(data)
        if campaign.inputs % 500 == 0 or campaign.inputs >= runs:
            stats.write_text(json.dumps({"inputs": campaign.inputs, "deep": campaign.deep, "crashes": campaign.crashed,
                                         "kinds": campaign.crash_kinds, "seconds": round(time.perf_counter() - started, 1)}),
                             encoding="utf-8")

    atheris.Setup([sys.argv[0], f"-runs={runs}", f"-seed={seed}", f"-max_len={MAX_LEN}", "-rss_limit_mb=8192",
                   "-timeout=600", "-print_final_stats=1", "-print_pcs=0", str(corpus_dir)], counted)
    atheris.Fuzz()


def replay(folder: Path, slow: float) -> int:
    """Run every kept input of ``folder`` (laid out as TARGET/<sha1>.bin) again; the number still crashing."""
    failing = 0
    for target in TARGETS:
        kept = Path(tempfile.mkdtemp(prefix="qd-fuzz-replay-"))  # where the campaign would keep them again
        campaign = Campaign(target, kept, slow)
        for path in sorted((folder / target).glob("*.bin")):
            before = campaign.crashed
            campaign.one(path.read_bytes())
            if campaign.crashed > before:
                failing += 1
                print(f"still crashes: {path}")
        campaign.close()
        shutil.rmtree(kept, ignore_errors=True)
    return failing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--target", choices=TARGETS, action="append", help="a target (repeatable); default: all, by TARGET_SHARE")
    ap.add_argument("--runs", type=int, default=10000, help="inputs in all (split over the targets by their share)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engine", choices=("atheris", "random"), default=None)
    ap.add_argument("--crashes", type=Path, default=REPO / "benchmarks" / "fuzz-crashes")
    ap.add_argument("--slow", type=float, default=10.0, help="CPU seconds after which an input counts as a hang")
    ap.add_argument("--replay", type=Path, help="run the kept inputs of this folder again and exit")
    ap.add_argument("--child-stats", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.replay:
        return 1 if replay(args.replay, args.slow) else 0
    engine = args.engine
    if engine is None:
        try:
            import atheris  # noqa: F401
            engine = "atheris"
        except ImportError:
            engine = "random"
    targets = args.target or list(TARGETS)
    share = {t: (TARGET_SHARE[t] / sum(TARGET_SHARE[x] for x in targets)) for t in targets}
    if args.child_stats:  # one target under libFuzzer, started by the parent below
        run_atheris(targets[0], args.runs, args.seed, args.crashes / targets[0], args.slow, args.child_stats)
        return 0
    print(f"fuzz: engine {engine}, {args.runs:,} inputs, seed {args.seed}, python {sys.version.split()[0]}, {os.cpu_count()} cores")
    rows: list[tuple[str, int, int, int, dict[str, int], float]] = []
    for target in targets:
        runs = max(1, round(args.runs * share[target]))
        t0 = time.perf_counter()
        if engine == "random":
            c = run_random(target, runs, args.seed, args.crashes / target, args.slow)
            rows.append((target, c.inputs, c.deep, c.crashed, c.crash_kinds, time.perf_counter() - t0))
            c.close()
        else:
            with tempfile.TemporaryDirectory(prefix="qd-fuzz-child-") as scratch:  # the child's temporaries, removed here
                stats, log = Path(scratch) / "stats.json", Path(scratch) / "libfuzzer.log"
                with open(log, "wb") as err:
                    subprocess.run([sys.executable, __file__, "--target", target, "--runs", str(runs), "--seed", str(args.seed),
                                    "--crashes", str(args.crashes), "--slow", str(args.slow), "--child-stats", str(stats)],
                                   stdout=subprocess.DEVNULL, stderr=err, env={**os.environ, "TMPDIR": scratch}, check=False)
                try:
                    got = json.loads(stats.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    got = {"inputs": 0, "deep": 0, "crashes": 0, "kinds": {}}
                if got["inputs"] < runs:
                    print(log.read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
                    got["crashes"] += 1
                    got["kinds"]["fuzzer stopped early"] = 1
            rows.append((target, got["inputs"], got["deep"], got["crashes"], got["kinds"], time.perf_counter() - t0))
        t, n, d, k, kinds, s = rows[-1]
        print(f"  {t:<9} {n:>10,} inputs {d:>10,} deep {k:>4} crashes {s:>8.0f} s {n / max(s, 1e-9):>7.0f}/s  {kinds or ''}", flush=True)
    total, deep, crashed = (sum(r[i] for r in rows) for i in (1, 2, 3))
    print(f"  {'total':<9} {total:>10,} inputs {deep:>10,} deep {crashed:>4} crashes {sum(r[5] for r in rows):>8.0f} s")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
