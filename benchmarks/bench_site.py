"""Benchmark the reviewers' site: project generation and ``mkdocs build --strict`` per 1,000 matters.

Usage (with qingdan installed, e.g. in the project's virtualenv):
    python benchmarks/bench_site.py              # 1,000 matters
    python benchmarks/bench_site.py 1000 10000   # other sizes

For each size it writes a synthetic project (``bench_build.write_project``: benchmarks/synth.py
without planted defects), compiles it, writes the site
project (``qingdan.generators.site.write_site_project``, everything generated, nothing
reused from a build) and runs the real ``mkdocs build --strict`` on it. It prints the time
of each phase (wall clock, and CPU seconds, which other processes on a shared machine
do not inflate), the number of pages and files, the size of the built site and of the
search index, and the figures per 1,000 matters.

``bench_build`` is imported from this directory, which Python puts first on ``sys.path``
when it runs a script.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench_build import write_project

from qingdan.compiler import compile as compile_project
from qingdan.compiler.diagnostics import Severity
from qingdan.generators import site as site_mod


def _size(root: Path) -> tuple[int, int]:
    files = total = 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            files += 1
            total += os.path.getsize(os.path.join(dirpath, name))
    return files, total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(n: int) -> None:
    with tempfile.TemporaryDirectory(prefix="qd-bench-site-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        source = write_project(root, n)
        t0 = time.perf_counter()
        result = compile_project(root)
        compile_s = time.perf_counter() - t0
        catalog = result.catalog
        matters = len(catalog.matters)
        project = Path(tmp) / "site-src"

        def write(rel: str, data: str | bytes) -> None:
            target = project.joinpath(*rel.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

        t0, c0 = time.perf_counter(), time.process_time()
        site_mod.write_site_project(catalog, write)
        write_s, write_cpu = time.perf_counter() - t0, time.process_time() - c0
        pages = sum(1 for _ in (project / "docs").rglob("*.md"))
        t0, c0 = time.perf_counter(), _children_cpu()
        site_mod.build_site_html(project, Path(tmp) / "site", date=catalog.config.date)
        mkdocs_s, mkdocs_cpu = time.perf_counter() - t0, _children_cpu() - c0
        files, total = _size(Path(tmp) / "site")
        index = (Path(tmp) / "site" / "search" / "search_index.json").stat().st_size
        per = 1000 / max(matters, 1)
        print(f"== {matters} matters, {len(catalog.journeys)} journeys, {len(catalog.departments)} departments ({source}); "
              f"{result.count(Severity.error)} errors, {result.count(Severity.warning)} warnings; "
              f"matters in nav: {matters <= site_mod.NAV_MATTER_LIMIT}")
        print(f"   compile:                  {compile_s:8.2f} s")
        print(f"   write site project:       {write_s:8.2f} s wall, {write_cpu:8.2f} s CPU  ({pages} pages)")
        print(f"   mkdocs build --strict:    {mkdocs_s:8.2f} s wall, {mkdocs_cpu:8.2f} s CPU  ({files} files, "
              f"{total / 1024 / 1024:.1f} MB; search index {index / 1024 / 1024:.1f} MB)")
        print(f"   mkdocs per page: {mkdocs_cpu * 1000 / pages:.1f} ms CPU")
        print(f"   per 1,000 matters: project {write_s * per:.2f} s wall / {write_cpu * per:.2f} s CPU, "
              f"mkdocs {mkdocs_s * per:.2f} s wall / {mkdocs_cpu * per:.2f} s CPU, "
              f"site {total * per / 1024 / 1024:.1f} MB, search index {index * per / 1024 / 1024:.1f} MB")
        sys.stdout.flush()


def main(argv: list[str]) -> None:
    for n in [int(a) for a in argv] or [1000]:
        run(n)


if __name__ == "__main__":
    main(sys.argv[1:])
