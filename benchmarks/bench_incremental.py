"""Benchmark the compile cache: a cold check with and without it, and a re-check after a one-file edit.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/bench_incremental.py                   # 10,000 matters
    .venv/bin/python benchmarks/bench_incremental.py --sizes 100000 --steps cold,cold+cache,edit
    .venv/bin/python benchmarks/bench_incremental.py --record          # also update benchmarks/README.md

For each size, benchmarks/synth.py writes a synthetic project to a temporary directory.
Every measurement is one fresh Python process, so its peak resident memory (its own ``VmHWM``, peak.py
of that process, read with ``os.wait4``) belongs to it alone. In each round, in this order:

1. ``cold``: ``compile`` without the cache;
2. ``cold+cache``: ``compile`` with an empty cache directory (the cache is filled);
3. ``warm``: ``compile`` again, nothing changed;
4. ``edit``: one rule file is changed (a matter's number of visits), then ``compile``;
5. ``cold edited``: ``compile`` of the edited project without the cache, whose
   diagnostics must be those of step 4 (printed as "same answer");
6. ``edit cli``: another file is changed, then the whole ``qingdan check`` command
   (start-up, compile, report to /dev/null) with ``QINGDAN_CACHE`` set to the cache.

Ratios (cold+cache / cold) come from the same round, so they compare runs made under the
same load; with ``--rounds N`` the medians are shown. ``CPU s`` is user + system time of
the process and its worker, less disturbed by other work than the wall time. The
1-minute load average is printed before each round.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synth  # benchmarks/synth.py, beside this script
from peak import CONSOLE_WITH_PEAK, own_peak_kb

from qingdan.fsutil import atomic_write

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
BEGIN, END = "<!-- incremental:begin -->", "<!-- incremental:end -->"
PYTHON = sys.executable
STEPS = ("cold", "cold+cache", "warm", "edit", "cold edited", "edit cli")


def child(root: str, cache_dir: str) -> None:
    """Compile ``root`` in this fresh process (with the cache in ``cache_dir`` unless it is '-') and print figures."""
    t0 = time.perf_counter()
    from qingdan.compiler import CompileOptions, compile
    from qingdan.compiler.cache import CacheSettings

    options = CompileOptions(cache=None if cache_dir == "-" else CacheSettings(Path(cache_dir)))
    result = compile(root, options)
    wall = time.perf_counter() - t0
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    digest = hashlib.sha256(repr([(d.rule, d.severity.value, d.text, d.loc, d.waived) for d in result.diagnostics]).encode())
    print(json.dumps({"wall": wall, "cpu": own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime,
                      "cached": result.cached_files, "files": len(result.files), "diagnostics": len(result.diagnostics),
                      "digest": digest.hexdigest()[:16], "worker_rss_kb": workers.ru_maxrss, "own_rss_kb": own_peak_kb(),
                      "timings": {k: v for k, v in result.timings.items() if not k.startswith("check:")}}))


def run(cmd: list[str], env: dict | None = None, capture: bool = True) -> tuple[int, str, float, int, float]:
    """Run ``cmd``: exit code, stdout, wall seconds, peak RSS (KB) and CPU seconds of that process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, env=env)
    out = proc.stdout.read() if capture and proc.stdout else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    return os.waitstatus_to_exitcode(status), out.decode(), wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def compile_step(root: Path, cache_dir: Path | None) -> dict:
    code, out, wall, rss, _cpu = run([PYTHON, str(Path(__file__).resolve()), "--child", str(root), str(cache_dir or "-")])
    if code != 0:
        raise SystemExit(f"compile failed (exit code {code})")
    fig = json.loads(out.strip().splitlines()[-1])
    fig.update({"process_wall": wall, "rss_mb": fig.get("own_rss_kb", rss) / 1024})  # not wait4's: it includes this parent's peak
    return fig


def edit_one_file(root: Path, nth: int) -> str:
    """Change the number of visits of the first matter of the ``nth`` rule file that has one; return its path."""
    files = sorted(p for p in root.rglob("*.qd") if "到场:" in p.read_text(encoding="utf-8"))
    path = files[nth % len(files)]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"到场: (\d+) 次", lambda m: f"到场: {int(m.group(1)) + 1} 次", text, count=1), encoding="utf-8")
    return path.relative_to(root).as_posix()


def load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def measure(size: int, rounds: int, workdir: Path, steps: set[str]) -> dict:
    root = workdir / f"catalog-{size}"
    print(f"\n== {size:,} matters: generating ...", flush=True)
    counts = synth.write_catalog(root, size, 0)
    print(f"   {counts['files']:,} files, {counts['bytes'] / 1e6:.1f} MB", flush=True)
    results: dict[str, list[dict]] = {s: [] for s in STEPS}
    for r in range(rounds):
        cache_dir = workdir / f"cache-{size}-{r}"
        shutil.rmtree(cache_dir, ignore_errors=True)
        print(f"   round {r + 1}: load average {load():.2f}", flush=True)
        for name, cache in (("cold", None), ("cold+cache", cache_dir), ("warm", cache_dir)):
            if name in steps or name == "cold+cache":  # the edits need the cache filled
                results[name].append(compile_step(root, cache))
                show(name, results[name][-1])
        edited = edit_one_file(root, 2 * r)
        if "edit" in steps:
            results["edit"].append(compile_step(root, cache_dir))
            show(f"edit ({edited})", results["edit"][-1])
        if "cold edited" in steps:
            results["cold edited"].append(compile_step(root, None))
            show("cold edited", results["cold edited"][-1])
            same = results["edit"][-1]["digest"] == results["cold edited"][-1]["digest"] if results["edit"] else None
            results["cold edited"][-1]["same"] = same
            print(f"     same answer as the cached run after the edit: {same}", flush=True)
        edit_one_file(root, 2 * r + 1)
        if "edit cli" in steps:
            peak_file = workdir / "cli-peak"
            env = dict(os.environ, QINGDAN_CACHE=str(cache_dir), QINGDAN_BENCH_DIR=str(Path(__file__).resolve().parent),
                       QINGDAN_BENCH_PEAK=str(peak_file))
            code, _out, wall, rss, cpu = run([PYTHON, "-c", CONSOLE_WITH_PEAK, "check", str(root)], env=env, capture=False)
            rss = int(peak_file.read_text()) if peak_file.exists() else rss
            results["edit cli"].append({"process_wall": wall, "wall": wall, "rss_mb": rss / 1024, "cpu": cpu, "exit": code})
            show("edit cli", results["edit cli"][-1])
    return {"size": size, "files": counts["files"], "bytes": counts["bytes"], "results": results}


def show(name: str, f: dict) -> None:
    extra = f" cached {f['cached']}/{f['files']}" if "cached" in f else ""
    print(f"     {name:28} {f['process_wall']:7.2f} s wall {f['cpu']:7.2f} s CPU {f['rss_mb']:7.0f} MB{extra}", flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(figs: list[dict]) -> str:
    lines = ["| matters | files | step | wall s | CPU s | read+parse+lower (or load) s | merge+resolve s | checks s "
             "| peak RSS MB | files from cache | vs cold (wall) |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for fig in figs:
        res = fig["results"]
        cold = median([f["process_wall"] for f in res["cold"]]) if res["cold"] else float("nan")
        for step in STEPS:
            runs = res[step]
            if not runs:
                continue
            wall = median([f["process_wall"] for f in runs])
            cpu = median([f["cpu"] for f in runs])
            rss = max(f["rss_mb"] for f in runs)
            cached = f"{runs[0]['cached']:,}/{runs[0]['files']:,}" if "cached" in runs[0] else ""
            phases = [median([f["timings"].get(k, 0.0) for f in runs]) if "timings" in runs[0] else None
                      for k in ("parse+lower (wall)", "merge+resolve", "checks")]
            shown = " | ".join("" if p is None else f"{p:.2f}" for p in phases)
            lines.append(f"| {fig['size']:,} | {fig['files']:,} | {step} | {wall:.2f} | {cpu:.2f} | {shown} | {rss:.0f} "
                         f"| {cached} | {wall / cold:.2f} |")
    return "\n".join(lines)


def ratios(figs: list[dict]) -> list[str]:
    out = []
    for fig in figs:
        res = fig["results"]
        pairs = [b["process_wall"] / a["process_wall"] for a, b in zip(res["cold"], res["cold+cache"])]
        cpu = [b["cpu"] / a["cpu"] for a, b in zip(res["cold"], res["cold+cache"])]
        same = [f.get("same") for f in res["cold edited"] if f.get("same") is not None]
        out.append(f"{fig['size']:,} matters: cold with an empty cache / cold without, same round: wall "
                   + ", ".join(f"{p:.3f}" for p in pairs) + "; CPU " + ", ".join(f"{c:.3f}" for c in cpu)
                   + (f"; cached run after the edit answers as a cold one: {all(same)}" if same else ""))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000", help="comma-separated matter counts (default 10000)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--steps", default=",".join(STEPS), help="the steps to run (default: all; cold+cache always runs)")
    ap.add_argument("--record", action="store_true", help="write the figures into benchmarks/README.md")
    ap.add_argument("--child", nargs=2, metavar=("ROOT", "CACHE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-incr-") as tmp:
        figs = [measure(size, args.rounds, Path(tmp), set(args.steps.split(","))) for size in sizes]
    text = table(figs)
    notes = ratios(figs)
    print("\n" + text + "\n\n" + "\n".join(notes))
    if args.record:
        cmd = "python benchmarks/bench_incremental.py " + " ".join(sys.argv[1:])
        body = (f"Measured with `{cmd}` on {os.cpu_count()} cores, Python {platform.python_version()}, "
                f"{time.strftime('%Y-%m-%d')}.\n\n{text}\n\n" + "\n".join(f"- {n}" for n in notes) + "\n")
        readme = README.read_text(encoding="utf-8")
        if BEGIN in readme:
            head, rest = readme.split(BEGIN, 1)
            readme = head + BEGIN + "\n" + body + END + rest.split(END, 1)[1]
        else:
            readme += f"\n{BEGIN}\n{body}{END}\n"
        atomic_write(README, readme)


if __name__ == "__main__":
    main()
