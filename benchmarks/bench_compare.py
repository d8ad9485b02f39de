"""Compare the compile of this tree with an earlier git revision, in one run, on the same catalogs.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/bench_compare.py fbbcc6b                     # 1,000 and 10,000 matters
    .venv/bin/python benchmarks/bench_compare.py HEAD~3 --sizes 2000 --rounds 3

The revision is exported with ``git archive`` into a temporary directory (the work tree is
not touched) and imported from there through PYTHONPATH; this tree is imported as
installed. benchmarks/synth.py writes each catalog once; then the old and the new compile
run alternately, ``--rounds`` times each, every run in a fresh process, so that noise from
other work on the machine falls on both sides alike. The whole ``qingdan check`` command is
timed the same way. Reported: medians of wall time, CPU time (user + system of the process
and its workers) and peak memory, the ratio new/old, and whether both found the same
diagnostics (rule by rule).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import synth  # benchmarks/synth.py, beside this script

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# Runs in a child process: compile with whichever qingdan is importable, print figures.
CHILD = r"""
import json, resource, sys, time
from collections import Counter
t0 = time.perf_counter()
try:
    from qingdan.compiler import compile as compile_project
except ImportError:  # revisions before the single entry point
    from qingdan.catalog.project import compile_path as compile_project
import qingdan
result = compile_project(sys.argv[1])
wall = time.perf_counter() - t0
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
                  "rss_mb": own.ru_maxrss / 1024, "module": qingdan.__file__,
                  "rules": Counter(d.rule for d in result.diagnostics)}))
"""
CONSOLE = "from qingdan.cli import console_main; console_main()"


def export(rev: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev], check=True, capture_output=True).stdout
    into.mkdir(parents=True)
    with tempfile.TemporaryFile() as fh:
        fh.write(archive)
        fh.seek(0)
        with tarfile.open(fileobj=fh) as tar:
            tar.extractall(into, filter="data")
    return into


def run(env: dict[str, str], args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    # from a neutral directory: ``python -c`` puts the current directory first on sys.path
    proc = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args[:2])}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0, proc.stdout


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("revision", help="the earlier git revision, e.g. fbbcc6b or HEAD~1")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        old_tree = export(args.revision, tmp / "old")
        envs = {"old": dict(os.environ, PYTHONPATH=str(old_tree)), "new": dict(os.environ)}
        envs["new"].pop("PYTHONPATH", None)
        print(f"{'matters':>8} {'side':>4} {'compile wall s':>15} {'CPU s':>7} {'RSS MB':>7} {'check wall s':>13}  same findings")
        for size in (int(s) for s in args.sizes.split(",")):
            root = tmp / f"catalog-{size}"
            synth.write_catalog(root, size, 0)
            figures: dict[str, dict[str, list[float]]] = {s: {"wall": [], "cpu": [], "rss": [], "cli": []} for s in envs}
            rules: dict[str, dict[str, int]] = {}
            for _ in range(args.rounds):
                for side, env in envs.items():
                    _, out = run(env, ["-c", CHILD, str(root)])
                    fig = json.loads(out.strip().splitlines()[-1])
                    expected_home = str(old_tree) if side == "old" else str(REPO)
                    if not fig["module"].startswith(expected_home):
                        raise SystemExit(f"the {side} side imported {fig['module']}")
                    for key, name in (("wall", "wall"), ("cpu", "cpu"), ("rss_mb", "rss")):
                        figures[side][name].append(fig[key])
                    rules[side] = fig["rules"]
                    wall, _ = run(env, ["-c", CONSOLE, "check", str(root)])
                    figures[side]["cli"].append(wall)
            same = rules["old"] == rules["new"]
            for side in envs:
                f = {k: statistics.median(v) for k, v in figures[side].items()}
                print(f"{size:>8,} {side:>4} {f['wall']:>15.2f} {f['cpu']:>7.2f} {f['rss']:>7.0f} {f['cli']:>13.2f}  {same}")
            ratio = {k: statistics.median(figures["new"][k]) / statistics.median(figures["old"][k]) for k in ("wall", "cpu", "rss", "cli")}
            print(f"{size:>8,} new/old {ratio['wall']:>11.2f} {ratio['cpu']:>7.2f} {ratio['rss']:>7.2f} {ratio['cli']:>13.2f}")
            if not same:
                print("   findings differ:", {r: (rules["old"].get(r), rules["new"].get(r)) for r in set(rules["old"]) | set(rules["new"])
                                              if rules["old"].get(r) != rules["new"].get(r)})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
