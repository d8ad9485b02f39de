"""`qingdan diff` of two revisions against one `qingdan check`, in one run, on the same catalog.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/bench_diff.py                      # 10,000 matters, 5% of them changed
    .venv/bin/python benchmarks/bench_diff.py --matters 2000 --changed 0.05 --rounds 3

benchmarks/synth.py writes the catalog into a temporary git repository (commit 1); then
one matter in twenty (``--changed``) gets a shorter promised limit, and every third of
those a new name (commit 2). Timed, alternately, ``--rounds`` times each, every run a fresh
process of the installed console script:

- ``qingdan check`` of the working tree (commit 2);
- ``qingdan diff HEAD~1 HEAD --format json``: both revisions read with git, compiled, compared.

Reported: the medians of wall time and the ratio diff/check (the target: at most 2.2),
and that the diff found every changed matter.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import synth  # benchmarks/synth.py, beside this script

QINGDAN = Path(sys.executable).with_name("qingdan")
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
_MATTER = re.compile(r'^事项 \S+ "([^"\n]*)" \{\n(?:.*\n)*?^\}\n', re.M)
_PROMISED = re.compile(r"承诺: (\d+) 工作日")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=GIT_ENV)


def change_matters(project: Path, share: float) -> int:
    """Shorten the promised limit of one matter in ``1/share`` (and rename every third of them); returns how many changed."""
    every = max(1, round(1 / share))
    seen = changed = 0
    for path in sorted(project.rglob("*.qd")):
        text = path.read_text(encoding="utf-8")
        out, last = [], 0
        for mt in _MATTER.finditer(text):
            seen += 1
            block = mt.group()
            if seen % every == 0 and _PROMISED.search(block):
                block = _PROMISED.sub(lambda p: f"承诺: {max(1, int(p.group(1)) - 1)} 工作日" if int(p.group(1)) > 1 else "承诺: 4 小时", block, 1)
                if changed % 3 == 0:
                    block = block.replace(f'"{mt.group(1)}"', f'"{mt.group(1)}（试点）"', 1)
                changed += 1
            out.append(text[last:mt.start()] + block)
            last = mt.end()
        out.append(text[last:])
        path.write_text("".join(out), encoding="utf-8")
    return changed


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    t0 = time.perf_counter()
    r = subprocess.run([str(QINGDAN), *args], cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if r.returncode not in (0, 1):
        raise SystemExit(f"qingdan {' '.join(args)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return elapsed, r.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--matters", type=int, default=10_000)
    ap.add_argument("--changed", type=float, default=0.05, help="share of matters changed between the two revisions")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-diff-") as tmp:
        repo = Path(tmp)
        project = repo / "catalog"
        counts = synth.write_project(project, args.matters)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "before")
        changed = change_matters(project, args.changed)
        git(repo, "commit", "-q", "-am", "after")
        print(f"catalog: {counts['matters']} matters in {counts['files']} files; {changed} matters changed "
              f"({changed / counts['matters']:.1%}); load average {os.getloadavg()[0]:.2f}")
        checks, diffs = [], []
        found = None
        for _ in range(args.rounds):
            checks.append(timed(["check", "--fail-on", "none"], project)[0])
            seconds, out = timed(["diff", "HEAD~1", "HEAD", "--format", "json"], project)
            diffs.append(seconds)
            found = json.loads(out)["summary"]["matter"]
        check, diff = statistics.median(checks), statistics.median(diffs)
        print(f"qingdan check (one revision):        median {check:6.2f} s  ({', '.join(f'{x:.2f}' for x in checks)})")
        print(f"qingdan diff HEAD~1 HEAD (two):      median {diff:6.2f} s  ({', '.join(f'{x:.2f}' for x in diffs)})")
        print(f"ratio diff / check: {diff / check:.2f} (target: at most 2.2)")
        assert found is not None
        print(f"diff found {found['changed']} changed matters ({found['renamed']} renamed), {found['added']} added, {found['removed']} removed")
        if found["changed"] != changed:
            print("MISMATCH: the diff did not report every changed matter", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
