"""Benchmark reading power lists with ``qingdan import table``: cells in words against cells in codes.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/bench_import_table.py                 # 1,000 and 20,000 rows
    .venv/bin/python benchmarks/bench_import_table.py 5000 50000

For each size three CSV power lists of the same rows are written: one in words (实施主体
部门12, 权力类型 行政许可, 行使层级 省级、市级), one in codes (授权部门 12, 事项类型 01,
实施层级 2,3) read with the built-in tables, and the same codes read with a department
table (``--codes`` with 80 departments). Printed per list (with the load average: the
machine is shared): the best of three times of ``read_table`` (reading the CSV, finding the
headings, reading every row into records) and rows per second. Writing the project is
the same for all three and is measured by ``bench_import.py``. Last, the time to load a
code file of 50,000 department codes, as TOML and as CSV.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
from pathlib import Path

from qingdan.importers.codes import CodeTables, load_codes
from qingdan.importers.table import read_table

CATEGORIES = [("01", "行政许可"), ("02", "行政处罚"), ("05", "行政给付"), ("07", "行政确认"), ("10", "其他行政权力"), ("20", "公共服务")]
LEVELS = [("2", "省级"), ("3", "市级"), ("2,3", "省级、市级"), ("3,4", "市级、县级"), ("2、3、4", "省、市、县")]
DEPARTMENTS = 80


def write_lists(root: Path, rows: int) -> tuple[Path, Path, Path]:
    """The list in words, the list in codes, and the department table, for ``rows`` rows."""
    rng = random.Random(rows)
    words, codes = root / f"words-{rows}.csv", root / f"codes-{rows}.csv"
    with open(words, "w", encoding="utf-8", newline="") as fw, open(codes, "w", encoding="utf-8", newline="") as fc:
        w, c = csv.writer(fw), csv.writer(fc)
        w.writerow(["实施主体", "事项编码", "事项名称", "权力类型", "依据", "行使层级"])
        c.writerow(["授权部门", "职权编码", "事项名称", "事项类型", "依据", "实施层级"])
        for i in range(rows):
            dept = rng.randint(1, DEPARTMENTS)
            category, level = rng.choice(CATEGORIES), rng.choice(LEVELS)
            basis = "《中华人民共和国行政许可法》第十二条"
            w.writerow([f"部门{dept}", f"44{i:08d}", f"事项{i}", category[1], basis, level[1]])
            c.writerow([str(dept), f"44{i:08d}", f"事项{i}", category[0], basis, level[0]])
    table = root / "departments.csv"
    table.write_text("代码,名称\n" + "".join(f"{k},部门{k}\n" for k in range(1, DEPARTMENTS + 1)), encoding="utf-8")
    return words, codes, table


def best_of_three(path: Path, codes: CodeTables | None) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        result = read_table(path, "power", codes=codes)
        times.append(time.perf_counter() - start)
        assert result.powers
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 20000])
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| rows | cells | read_table (best of 3) | rows/s |")
    print("| ---: | --- | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.sizes:
            words, codes, table = write_lists(Path(tmp), rows)
            department_table = load_codes(table)
            for label, path, tables in (("words", words, None), ("codes, built-in tables", codes, None),
                                        ("codes, with a department table", codes, department_table)):
                seconds = best_of_three(path, tables)
                print(f"| {rows:,} | {label} | {seconds:.2f} s | {rows / seconds:,.0f} |")
        n = 50_000
        files = {"toml": "[departments]\n" + "".join(f'"{k}" = "部门{k}"\n' for k in range(1, n + 1)),
                 "csv": "代码,名称\n" + "".join(f"{k},部门{k}\n" for k in range(1, n + 1))}
        for suffix, text in files.items():
            path = Path(tmp) / f"big.{suffix}"
            path.write_text(text, encoding="utf-8")
            start = time.perf_counter()
            assert len(load_codes(path).departments) == n
            print(f"code file of {n:,} department codes ({suffix}): loaded in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
