"""Benchmark the rule-file lexer (qingdan/highlight.py): how fast Pygments colours rule files.

Run it with the project installed (``pip install -e .``), from the repository:

    python benchmarks/bench_highlight.py                  # examples/city, and synthetic catalogs of 1,000 and 10,000 matters
    python benchmarks/bench_highlight.py 1000 --record    # also update benchmarks/README.md

For each corpus it prints the bytes and lines lexed, the tokens made, the time (wall and
CPU) to lex every file, and the rate in MB and lines per second; and the time to render
the whole corpus as HTML (``pygments.highlight`` with ``HtmlFormatter``), which is what a
documentation build does with each ```qd fence. Every corpus must lex without an error
token, or the script stops. Synthetic catalogs come from ``benchmarks/synth.py``, written
to a temporary directory and removed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.token import Error

from qingdan.fsutil import atomic_write
from qingdan.highlight import QingdanLexer

REPO = Path(__file__).resolve().parent.parent
README = REPO / "benchmarks" / "README.md"
BEGIN, END = "<!-- highlight:begin -->", "<!-- highlight:end -->"

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402  (this directory)


def measure(label: str, texts: list[str]) -> str:
    lexer = QingdanLexer()
    size = sum(len(t.encode("utf-8")) for t in texts)
    lines = sum(t.count("\n") for t in texts)
    wall, cpu = time.perf_counter(), time.process_time()
    tokens = 0
    for text in texts:
        for _i, token, value in lexer.get_tokens_unprocessed(text):
            tokens += 1
            if token in Error:
                raise SystemExit(f"{label}: error token {value!r}")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    html_wall = time.perf_counter()
    formatter = HtmlFormatter()
    for text in texts:
        highlight(text, lexer, formatter)
    html_wall = time.perf_counter() - html_wall
    return (f"{label:<22} {size / 1e6:7.2f} MB {lines:>9,} lines {tokens:>11,} tokens   lex {wall:6.2f} s (CPU {cpu:6.2f} s)"
            f" {size / 1e6 / wall:5.2f} MB/s {lines / wall:>9,.0f} lines/s   HTML {html_wall:6.2f} s")


def record(lines: list[str], argv: list[str]) -> None:
    """Write the figures between the highlight markers of benchmarks/README.md."""
    body = [BEGIN, f"Measured with `python benchmarks/bench_highlight.py {' '.join(argv)}`:", "", "```", *lines, "```", END]
    text = README.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + "\n".join(body) + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Highlighting: `bench_highlight.py`\n\n" + "\n".join(body) + "\n"
    atomic_write(README, text)
    print(f"recorded in {README.relative_to(REPO)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000], help="synthetic catalogs of this many matters")
    parser.add_argument("--record", action="store_true", help="write the figures into benchmarks/README.md")
    args = parser.parse_args(argv)
    out: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        out.append(line)

    say(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (a shared machine inflates the times)")
    city = [p.read_text(encoding="utf-8") for p in sorted((REPO / "examples" / "city").glob("*.qd"))]
    say(measure("examples/city", city))
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            synth.write_project(tmp, n)
            texts = [p.read_text(encoding="utf-8") for p in sorted(Path(tmp).rglob("*.qd"))]
        say(measure(f"synthetic {n:,} matters", texts))
    if args.record:
        record(out, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
