"""Benchmark the compile pipeline (parse, lower + resolve, checks) by catalog size.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/bench_compile.py                      # 1,000, 10,000 and 100,000 matters
    .venv/bin/python benchmarks/bench_compile.py --sizes 1000,10000
    .venv/bin/python benchmarks/bench_compile.py --sizes 10000 --record   # also update benchmarks/README.md

For each size, benchmarks/synth.py writes a synthetic catalog to a temporary directory,
and a fresh Python process compiles it with ``qingdan.compiler.compile``, so
the peak resident memory (its own ``VmHWM``, see peak.py) belongs to that size alone. The child reports
``result.timings``: parse (CPU time summed over files, possibly on several worker
processes), lower + resolve (likewise summed, plus name resolution in the main process),
the wall time of parse + lower and checks, and the whole ``compile`` wall
time. Cost per 1,000 matters is the total divided by thousands of matters; a constant
cost per 1,000 means linear growth.

It also prints, and records, the time and findings of every semantic check at each size,
with the number of material mentions, so the checks can be compared with parsing (the
checks together must cost less than parsing).

The whole ``qingdan check`` command (start-up, compile, report rendering) is also timed
once, at ``--cli-size`` matters (10,000 by default; 0 to skip), with its output discarded.

Nothing is written into the repository unless ``--record`` is given; then the marked
section of benchmarks/README.md (between ``<!-- compile:begin -->`` and
``<!-- compile:end -->``) is replaced with the table.

Other work on the machine distorts the figures: the load average is printed before
each run, and a warning is shown when it is above 0.5.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import synth  # benchmarks/synth.py, beside this script
from peak import CONSOLE_WITH_PEAK, own_peak_kb

from qingdan.fsutil import atomic_write

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
README = HERE / "README.md"
BEGIN, END = "<!-- compile:begin -->", "<!-- compile:end -->"
PYTHON = sys.executable


# ---------------------------------------------------------------- child: one compile
def child(path: str) -> None:
    """Compile ``path`` in this fresh process and print one JSON line of figures."""
    t_start = time.perf_counter()
    from qingdan.compiler import compile as compile_project  # timed: the import is part of a command's cost

    t_import = time.perf_counter() - t_start
    t0 = time.perf_counter()
    result = compile_project(path)
    total = time.perf_counter() - t0
    model = result.catalog.model
    severities = Counter(d.severity.value for d in result.diagnostics if not d.waived)
    rules = Counter(d.rule for d in result.diagnostics)
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "matters": len(model.matters) if model else 0,
        "timings": result.timings,
        "total": total,
        "import": t_import,
        "maxrss_kb": own_peak_kb(),  # not own.ru_maxrss: that includes the parent's peak (peak.py)
        "workers_maxrss_kb": workers.ru_maxrss,
        "cpu_self": own.ru_utime + own.ru_stime,
        "cpu_workers": workers.ru_utime + workers.ru_stime,
        "severities": dict(severities),
        "rules": dict(rules),
    }, ensure_ascii=False))


# ---------------------------------------------------------------- parent
def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"cores": os.cpu_count() or 1, "cpu": model or platform.processor() or "?", "memory": mem,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}"}


# memory of a parallel compile (main process and its worker), measured at 10,000 matters
PARALLEL_BYTES_PER_MATTER = 110_000


def available_memory() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 62


def load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def run_timed(cmd: list[str], capture: bool = True, env: dict | None = None) -> tuple[int, str, float, int]:
    """Run ``cmd``; return (exit code, stdout, wall seconds, peak RSS in KB of that process).

    ``os.wait4`` gives the resource usage of this one process (``RUSAGE_CHILDREN`` would
    mix every child this script ever waited for).
    """
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=err, env=env)
        out = proc.stdout.read() if capture else b""
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            sys.stderr.write(err.read().decode("utf-8", "replace")[-4000:])
    return code, out.decode("utf-8", "replace"), wall, usage.ru_maxrss


def generate(root: Path, size: int, seed: int) -> tuple[dict, float]:
    t0 = time.perf_counter()
    counts = synth.write_catalog(root, size, seed)
    return counts, time.perf_counter() - t0


def measure(size: int, seed: int, cli_size: int, workdir: Path, sequential: bool = False) -> dict:
    root = workdir / f"catalog-{size}"
    print(f"\n== {size:,} matters: generating ...", flush=True)
    counts, gen_time = generate(root, size, seed)
    print(f"   {counts['files']:,} files, {counts['bytes'] / 1e6:.1f} MB, {counts['material_mentions'] / size:.1f} material "
          f"mentions per matter, generated in {gen_time:.1f} s", flush=True)
    la = load()
    print(f"   load average before compiling: {la:.2f}" + ("   (other work is running: figures are inflated)" if la > 0.5 else ""), flush=True)
    if not sequential and size * PARALLEL_BYTES_PER_MATTER > 0.6 * available_memory():
        sequential = True
        print(f"   compiling in one process: a parallel compile of {size:,} matters would need about "
              f"{size * PARALLEL_BYTES_PER_MATTER / 2**30:.0f} GiB (main process and workers)", flush=True)
    env = dict(os.environ, QINGDAN_WORKERS="1") if sequential else None
    code, out, wall, _rss = run_timed([PYTHON, str(Path(__file__).resolve()), "--child", str(root)], env=env)
    if code != 0 or not out.strip():
        raise SystemExit(f"the compile of {size} matters failed (exit code {code})")
    fig = json.loads(out.strip().splitlines()[-1])
    fig.update({"size": size, "files": counts["files"], "bytes": counts["bytes"], "generate": gen_time,
                "mentions": counts["material_mentions"],
                "mode": "1 process" if sequential else "default",
                "child_wall": wall, "load": la})
    if cli_size and size == cli_size:
        la = load()
        with tempfile.TemporaryDirectory() as tmp:
            peak_file = Path(tmp) / "peak"
            cli_env = dict(env or os.environ, QINGDAN_BENCH_DIR=str(HERE), QINGDAN_BENCH_PEAK=str(peak_file))
            code, _out, wall, _rss = run_timed([PYTHON, "-c", CONSOLE_WITH_PEAK, "check", str(root)], capture=False, env=cli_env)
            rss = int(peak_file.read_text()) if peak_file.exists() else _rss
        fig["cli"] = {"wall": wall, "exit": code, "maxrss_kb": rss, "load": la}
    return fig


def row(f: dict) -> list[str]:
    t = f["timings"]
    per_k = f["total"] / (f["matters"] / 1000)
    return [
        f"{f['matters']:,}", f"{f['files']:,}", f"{f['bytes'] / 1e6:.0f}",
        f["mode"], f"{t.get('parse', 0):.1f}", f"{t.get('lower', 0):.1f}", f"{t.get('parse+lower (wall)', 0):.1f}",
        f"{t.get('checks', 0):.1f}", f"{f['total']:.1f}", f"{per_k:.2f}",
        f"{f['cpu_self'] + f['cpu_workers']:.1f}",
        f"{f['maxrss_kb'] / 1024:.0f}", f"{f['workers_maxrss_kb'] / 1024:.0f}", f"{f['load']:.1f}",
    ]


HEADER = ["matters", "files", "MB", "mode", "parse Σ s", "lower+resolve Σ s", "parse+lower wall s", "checks s",
          "total s", "s per 1k matters", "CPU s", "peak RSS MB", "worker RSS MB", "load"]


def table(figs: list[dict], markdown: bool) -> str:
    rows = [HEADER] + [row(f) for f in figs]
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---:" for _ in rows[0]) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows)


def checks_table(figs: list[dict], markdown: bool) -> str:
    """Seconds and findings of every semantic check, one column pair per size, slowest first."""
    rules = sorted({k[len("check:"):] for f in figs for k in f["timings"] if k.startswith("check:")},
                   key=lambda r: -max(f["timings"].get("check:" + r, 0) for f in figs))
    header = ["check"] + [c for f in figs for c in (f"{f['matters']:,}: s", "findings")]
    rows = [header]
    for rule in rules:
        rows.append([rule] + [c for f in figs for c in (f"{f['timings'].get('check:' + rule, 0):.2f}",
                                                          f"{f['rules'].get(rule, 0):,}")])
    rows.append(["**all checks**" if markdown else "all checks"]
                + [c for f in figs for c in (f"{f['timings'].get('checks', 0):.2f}", "")])
    rows.append(["parse Σ (for comparison)"]
                + [c for f in figs for c in (f"{f['timings'].get('parse', 0):.2f}", "")])
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|---|" + "|".join("---:" for _ in rows[0][1:]) + "|"]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows)


def mentions_line(f: dict) -> str:
    return (f"{f['matters']:,} matters: {f['mentions']:,} material mentions; semantic checks "
            f"{f['timings'].get('checks', 0):.1f} s against parsing {f['timings'].get('parse', 0):.1f} s "
            f"({f['timings'].get('checks', 0) / max(f['timings'].get('parse', 0), 1e-9):.0%} of parse)")


def cli_line(figs: list[dict]) -> str | None:
    for f in figs:
        if "cli" in f:
            c = f["cli"]
            return (f"`qingdan check` of {f['matters']:,} matters (whole command, report to /dev/null): "
                    f"{c['wall']:.1f} s wall, exit code {c['exit']}, peak RSS {c['maxrss_kb'] / 1024:.0f} MB, load {c['load']:.1f}")
    return None


def findings_line(f: dict) -> str:
    sev = f["severities"]
    return (f"{f['matters']:,} matters: {sev.get('error', 0):,} errors, {sev.get('warning', 0):,} warnings "
            f"(deliberate defects and realistic findings; no syntax or reference errors: "
            f"{sum(f['rules'].get(r, 0) for r in ('syntax-error', 'unknown-keyword', 'unknown-reference', 'type-error', 'invalid-value'))})")


def record(figs: list[dict], argv: list[str]) -> None:
    mc = machine()
    body = [
        BEGIN,
        f"Measured with `python benchmarks/bench_compile.py {' '.join(argv)}` on {mc['cores']} cores ({mc['cpu']}), "
        f"{mc['memory']}, Python {mc['python']}. Σ columns add CPU time over files (parse and lower run on "
        f"worker processes for projects above 1 MB); `total` is the wall time of `compile_path`. `load` is the "
        f"1-minute load average before the run: above about 0.5, other work was sharing the cores and the "
        f"wall times are inflated; `CPU s` (user + system time of the compiling process and its workers, "
        f"including start-up) is much less affected by other work.",
        "",
        table(figs, markdown=True),
        "",
    ]
    line = cli_line(figs)
    if line:
        body += [line, ""]
    body += [findings_line(f) for f in figs]
    body += ["", "Semantic checks, one by one (seconds in the main process; findings before waivers):", "",
             checks_table(figs, markdown=True), ""]
    body += [mentions_line(f) for f in figs] + ["", END]
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + "\n".join(body) + tail
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body) + "\n"
    atomic_write(README, text)
    print(f"\nrecorded in {README.relative_to(REPO)}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated numbers of matters")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cli-size", type=int, default=10000, help="time the whole `qingdan check` at this size (0: skip)")
    ap.add_argument("--record", action="store_true", help="update the compile section of benchmarks/README.md")
    ap.add_argument("--keep", metavar="DIR", help="write the catalogs to DIR and keep them")
    ap.add_argument("--sequential", action="store_true", help="one process: no parallel parse (QINGDAN_WORKERS=1)")
    args = ap.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error("--sizes takes numbers separated by commas, e.g. 1000,10000")
    if not sizes or min(sizes) < 1:
        ap.error("--sizes needs at least one positive number")
    mc = machine()
    print(f"qingdan compile benchmark: {mc['cores']} cores ({mc['cpu']}), {mc['memory']}, Python {mc['python']}")
    figs = []
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-compile-") as tmp:
        workdir = Path(args.keep) if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            fig = measure(size, args.seed, args.cli_size, workdir, args.sequential)
            figs.append(fig)
            print(f"   compiled in {fig['total']:.1f} s ({fig['total'] / (fig['matters'] / 1000):.2f} s per 1,000 matters), "
                  f"peak RSS {fig['maxrss_kb'] / 1024:.0f} MB", flush=True)
            if "cli" in fig:
                print(f"   qingdan check: {fig['cli']['wall']:.1f} s wall, exit code {fig['cli']['exit']}", flush=True)
    print()
    print(table(figs, markdown=False))
    line = cli_line(figs)
    if line:
        print(line.replace("`", ""))
    for f in figs:
        print(findings_line(f).replace("`", ""))
    print()
    print(checks_table(figs, markdown=False))
    for f in figs:
        print(mentions_line(f))
    if len(figs) > 1:
        base = figs[0]["total"] / figs[0]["matters"]
        growth = ", ".join(f"{f['matters']:,}: x{(f['total'] / f['matters']) / base:.2f}" for f in figs[1:])
        print(f"cost per matter relative to {figs[0]['matters']:,} matters (1.00 = linear): {growth}")
    if args.record:
        record(figs, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
