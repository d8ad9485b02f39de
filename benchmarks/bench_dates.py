"""Benchmark the as-of date: what selecting the declarations in force, and the checks about dates, cost.

Run it with the project installed (``pip install -e .``), from the repository:

    python benchmarks/bench_dates.py            # a 10,000-matter synthetic catalog
    python benchmarks/bench_dates.py 2000

It writes a ``synth.py`` catalog to a temporary directory and gives every tenth power and
matter effective dates, half of them ended before the as-of date (so those matters and
their powers are left out). It compiles the catalog (one process) without an as-of date
and with one, and prints the CPU seconds of the whole compile and of the three checks
that read dates (CPU time is steadier than wall time on a shared machine).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from qingdan.compiler import CompileOptions
from qingdan.compiler import compile as compile_project

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth

RULES = ("matter-without-live-power", "effective-dates-invalid", "negative-list-unimplemented")
BLOCK = re.compile(r"^(权力|事项) (\S+)[^\n]*\{\n", re.M)


def add_dates(root: Path) -> int:
    """Give every tenth power and matter 生效/失效 dates; returns how many blocks got them."""
    count = 0
    for path in sorted(root.rglob("*.qd")):
        text = path.read_text(encoding="utf-8")

        def dated(m: re.Match[str]) -> str:
            nonlocal count
            count += 1
            if count % 10:
                return m.group(0)
            end = "2025-12-31" if count % 20 else "2030-12-31"
            return f"{m.group(0)}  生效: 2020-01-01\n  失效: {end}\n"

        path.write_text(BLOCK.sub(dated, text), encoding="utf-8")
    return count // 10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("matters", nargs="?", type=int, default=10000)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        synth.write_project(root, args.matters, 0)
        print(f"{args.matters} matters; {add_dates(root)} powers and matters dated")
        for as_of in (None, date(2026, 11, 1)):
            t0 = time.process_time()
            r = compile_project(root, CompileOptions(as_of=as_of, workers=1))
            total = time.process_time() - t0
            rules = "; ".join(f"{rule} {r.timings['check:' + rule] * 1000:.0f} ms" for rule in RULES)
            print(f"as-of {as_of or 'none'}: compile {total:.2f} CPU s, {len(r.catalog.matters)} matters in force, "
                  f"{len(r.catalog.left_out.matters)} left out; {rules}")


if __name__ == "__main__":
    main()
