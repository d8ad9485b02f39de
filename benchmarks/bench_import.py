"""Benchmark ``qingdan import gov-json``: import time for synthetic records in the sample's format.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/bench_import.py                       # 100,000 records
    .venv/bin/python benchmarks/bench_import.py 10000 300000 --check
    .venv/bin/python benchmarks/bench_import.py 3000 --workers 1      # format in one process

The records are the 300 real records of ../shared/data/gd-province-sample.jsonl (or
$QINGDAN_SHARED/data/..., or ``--sample FILE``), repeated and varied: each copy gets its
own matter codes, names, main-item codes and one of ten department variants, so the
synthetic catalog has as many powers, departments and materials per record as the sample.
A few lines are broken on purpose (bad JSON, "约7天", a repeated code) so the reporting
path runs.

Printed per size (with the load average before the run: the machine is shared): time to
read the JSON Lines, to render, format and write the rule files and the report
atomically, the total, records per second, files and bytes written, and (with --check)
the time ``qingdan check`` takes on the result.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from qingdan.compiler import CompileOptions
from qingdan.compiler import compile as compile_project
from qingdan.importers.gov_json import GovJsonReader
from qingdan.importers.writer import write_project

HERE = Path(__file__).resolve().parent


def sample_path() -> Path:
    """The Guangdong sample: $QINGDAN_SHARED/data/…, else the shared folder beside the repository."""
    shared = Path(os.environ.get("QINGDAN_SHARED", HERE.parent.parent / "shared"))
    return shared / "data" / "gd-province-sample.jsonl"


def synthetic_lines(sample: list[dict[str, Any]], n: int) -> bytes:
    """``n`` records made from the sample's, as JSON Lines, with a few broken on purpose."""
    out = []
    for i in range(n):
        copy, k = divmod(i, len(sample))
        r = dict(sample[k])
        variant = copy % 10
        r["TASK_CODE"] = f"{r['TASK_CODE'][:-8]}{i:08d}"
        r["TASK_NAME"] = f"{r['TASK_NAME']}（{copy}）" if copy else r["TASK_NAME"]
        if r.get("parentCatalogId"):
            r["parentCatalogId"] = f"{r['parentCatalogId']}{copy:04d}"
            r["CATANAME"] = f"{r['CATANAME']}（{copy}）" if copy else r["CATANAME"]
        if variant:
            r["DEPT_NAME"] = f"{r['DEPT_NAME']}第{variant}分局"
            r["ORGCODE"] = f"{r['ORGCODE']}{variant}"
        if i % 10007 == 11:
            r["handle_time"] = "约7天"
        line = json.dumps(r, ensure_ascii=False)
        if i % 20011 == 17:
            line = line[:-5]  # a truncated, malformed line
        out.append(line)
        if i % 30011 == 29:
            out.append(json.dumps(r, ensure_ascii=False))  # a repeated code
    return ("\n".join(out) + "\n").encode("utf-8")


def run(n: int, sample: list[dict[str, Any]], check: bool, workers: int | None) -> None:
    """Import ``n`` synthetic records into a temporary directory and print the figures."""
    data = synthetic_lines(sample, n)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-import-") as tmp:
        t0 = time.perf_counter()
        result = GovJsonReader("synthetic.jsonl").read_bytes(data)
        t1 = time.perf_counter()
        out = Path(tmp) / "project"
        project = write_project(result, out, workers=workers)
        t2 = time.perf_counter()
        size = sum(p.stat().st_size for p in out.iterdir())
        total = t2 - t0
        print(f"{n:>8} records ({len(data) / 1e6:.1f} MB JSON, load average {load:.1f} on {os.cpu_count()} cores): read {t1 - t0:6.2f} s, "
              f"render + format + report + atomic write {t2 - t1:6.2f} s, total {total:6.2f} s = {n / total:,.0f} records/s", flush=True)
        print(f"{'':>8} {len(result.matters)} matters, {len(result.powers)} powers, {len(result.departments)} departments, "
              f"{len(result.problems)} problems, {result.records_skipped} skipped; {len(project.files)} files, {size / 1e6:.1f} MB", flush=True)
        if check:
            t3 = time.perf_counter()
            res = compile_project(out, CompileOptions(workers=workers))
            t4 = time.perf_counter()
            print(f"{'':>8} qingdan check on the result: {t4 - t3:6.2f} s, {len(res.diagnostics)} findings", flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[100_000], metavar="N", help="numbers of records (default: 100000)")
    ap.add_argument("--check", action="store_true", help="also compile the imported project, as `qingdan check` does")
    ap.add_argument("--workers", type=int, default=None, help="processes for formatting (and --check); default: by the amount of text")
    ap.add_argument("--sample", type=Path, default=None, help="the sample JSON Lines file (default: $QINGDAN_SHARED/data/gd-province-sample.jsonl)")
    args = ap.parse_args(argv)
    if min(args.sizes) < 1:
        ap.error("sizes must be positive")
    if args.workers is not None and args.workers < 1:
        ap.error("--workers must be at least 1")
    path = args.sample or sample_path()
    if not path.is_file():
        ap.error(f"sample not found: {path} (set QINGDAN_SHARED or give --sample)")
    sample = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n in args.sizes:
        run(n, sample, args.check, args.workers)


if __name__ == "__main__":
    main()
