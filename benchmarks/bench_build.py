"""Benchmark ``qingdan build``: build time and output size per 1,000 matters.

Usage (with qingdan installed, e.g. in the project's virtualenv):
    python benchmarks/bench_build.py             # 1,000 and 5,000 matters
    python benchmarks/bench_build.py 2000 10000  # other sizes

For each size it writes a synthetic project to a temporary directory, compiles it
(parse, lower, graph and checks, timed apart), then runs every build step into a
temporary output directory and prints the time of each step, the total, the number of
files and bytes written, and the figures per 1,000 matters.

The project comes from benchmarks/synth.py (``write_catalog`` with ``defect_rate=0``: no
planted defects). It still has realistic findings (duplicate materials in journeys and
the like), so the build is run through the library (``generators.build.build``), which
builds a catalog with findings anyway. Each step of ``BUILD_STEPS`` is timed by running
the build with the same steps, each wrapped in a timer (``build(..., steps=...)``).

``synth`` is imported from this directory, which Python puts first on ``sys.path`` when
it runs a script.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import synth

from qingdan.compiler import Catalog
from qingdan.compiler import compile as compile_project
from qingdan.compiler.diagnostics import Severity
from qingdan.generators.build import BUILD_STEPS, BuildContext, Step, build


def write_project(root: Path, n: int, seed: int = 7) -> str:
    synth.write_catalog(root, n, seed, defect_rate=0.0)
    return "benchmarks/synth.py, defect_rate=0"


def timed(step: Step, times: dict[str, float]) -> Step:
    """``step``, adding the seconds it takes to ``times[step.name]``."""

    def run(catalog: Catalog, out: Path, ctx: BuildContext) -> None:
        s0 = time.perf_counter()
        step(catalog, out, ctx)
        times[step.name] = times.get(step.name, 0.0) + time.perf_counter() - s0

    return Step(step.name, run, step.units)


def run(n: int) -> None:
    with tempfile.TemporaryDirectory(prefix="qd-bench-build-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        source = write_project(root, n)
        t0 = time.perf_counter()
        result = compile_project(root)
        compile_s = time.perf_counter() - t0
        catalog = result.catalog
        matters = len(catalog.matters)
        times: dict[str, float] = {}
        t0 = time.perf_counter()
        done = build(catalog, Path(tmp) / "out", steps=tuple(timed(s, times) for s in BUILD_STEPS))
        build_s = time.perf_counter() - t0
        per = 1000 / max(matters, 1)
        sizes: dict[str, int] = {}
        for f in (Path(tmp) / "out").rglob("*"):
            if f.is_file():
                top = f.relative_to(Path(tmp) / "out").parts[0]
                sizes[top] = sizes.get(top, 0) + f.stat().st_size
        print(f"== {matters} matters, {len(catalog.journeys)} journeys ({source}); "
              f"{result.count(Severity.error)} errors, {result.count(Severity.warning)} warnings")
        print(f"   compile (parse+checks): {compile_s:8.2f} s")
        for name, s in times.items():
            print(f"   {name:<24} {s:8.2f} s")
        print(f"   build total (incl. manifest and swap): {build_s:8.2f} s, {done.files} files, {done.bytes / 1024 / 1024:.1f} MB")
        print("   output by directory (MB): " + ", ".join(f"{k} {v / 1024 / 1024:.1f}" for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])))
        print(f"   per 1,000 matters: build {build_s * per:.2f} s, compile {compile_s * per:.2f} s, "
              f"output {done.bytes * per / 1024 / 1024:.1f} MB in {done.files * per:.0f} files")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000, 5000]
    for n in sizes:
        run(n)


if __name__ == "__main__":
    main(sys.argv[1:])
