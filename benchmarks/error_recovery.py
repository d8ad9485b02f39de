"""Every single deleted '}', ')' or string quote of the example projects: how many errors follow.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/error_recovery.py                       # examples/city and examples/defects
    .venv/bin/python benchmarks/error_recovery.py examples/city --chars '}'
    .venv/bin/python benchmarks/error_recovery.py examples/city --chars '"' --sample 400   # 400 drawn with seed 13

The unit test (tests/test_error_recovery.py) checks a fixed sample of these deletions;
this script goes through all of them (minutes, not seconds). For each position of a
'}' or ')' token or of either quote of a string, in every rule file, the character is
deleted and the project compiled in memory. A deletion passes when, against the
diagnostics of the unchanged project, the edited file has exactly one new error, a
syntax error on a line between the start of the top-level declaration that held the
character and the character's own line, and no other file has a new error.

It prints, per project and character, the number of deletions, how many passed, the
distribution of (new errors in the file, new errors elsewhere), the largest number of
errors one deletion caused, and the failing cases. Nothing is written.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
from pathlib import Path

from qingdan.compiler import compile
from qingdan.compiler.diagnostics import Severity
from qingdan.dsl.fastparse import tokenize
from qingdan.dsl.normalize import normalize_source
from qingdan.dsl.parser import parse

REPO = Path(__file__).resolve().parent.parent


def project(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.suffix == ".qd" or p.name == "qingdan.toml"}


def positions(text: str, char: str) -> list[tuple[int, int]]:
    """(offset, line) of each '}' or ')' token, or of both quotes of each string (char '"')."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    kinds, tokens = tokenize(normalize_source(text))
    out = []
    for kind, (token, line, col, _end) in zip(kinds, tokens):
        offset = starts[line - 1] + col - 1
        if kind == char:
            out.append((offset, line))
        elif kind == "STRING" and char == '"':
            out += [(offset, line), (offset + len(token) - 1, line)]
    return out


def errors(sources: dict[str, str]) -> list:
    return [d for d in compile(sources).diagnostics if d.severity == Severity.error and not d.waived]


def key(d) -> tuple:
    return (d.rule, d.loc, d.text)


def run(root: Path, chars: str, sample: int | None = None) -> bool:
    sources = project(root)
    known = {key(d) for d in errors(sources)}
    ok = True
    for char in chars:
        histogram: collections.Counter = collections.Counter()
        failures = []
        worst = 0
        started = time.perf_counter()
        count = 0
        cases = [(rel, offset, line) for rel, text in sources.items() if rel.endswith(".qd") for offset, line in positions(text, char)]
        if sample is not None and sample < len(cases):
            cases = sorted(random.Random(13).sample(cases, sample))
        trees = {rel: parse(text, rel)[0] for rel, text in sources.items() if rel.endswith(".qd")}
        for rel, offset, line in cases:
            text, tree = sources[rel], trees[rel]
            start = next(item.span.line for item in tree.items if item.span.line <= line <= item.span.end_line)
            new = [d for d in errors({**sources, rel: text[:offset] + text[offset + 1:]}) if key(d) not in known]
            mine = [d for d in new if d.loc and d.loc.file == rel]
            elsewhere = len(new) - len(mine)
            count += 1
            histogram[(len(mine), elsewhere)] += 1
            worst = max(worst, len(new))
            if not (len(mine) == 1 and mine[0].rule == "syntax-error" and start <= mine[0].loc.line <= line and not elsewhere):
                failures.append(f"  {rel}:{line} {text[offset]!r}: " + "; ".join(f"{d.loc.file}:{d.loc.line} {d.rule} {d.message_zh}" for d in new))
        seconds = time.perf_counter() - started
        print(f"{root.name} {char!r}: {count} deletions, {count - len(failures)} pass, at most {worst} errors from one deletion, "
              f"{seconds:.0f} s; (in the file, elsewhere): {dict(sorted(histogram.items()))}")
        for failure in failures:
            print(failure)
        ok = ok and not failures
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("projects", nargs="*", default=[str(REPO / "examples/city"), str(REPO / "examples/defects")])
    ap.add_argument("--chars", default='})"', help="which closing characters to delete (default: all three)")
    ap.add_argument("--sample", type=int, default=None, help="delete only so many of each character, drawn with a fixed seed")
    args = ap.parse_args()
    results = [run(Path(p), args.chars, args.sample) for p in args.projects]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
