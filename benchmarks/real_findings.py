"""What ``qingdan check`` finds on the 300 real records of the Guangdong sample, by rule and severity.

Usage (with the project installed, e.g. ``pip install -e .`` into .venv):
    .venv/bin/python benchmarks/real_findings.py
    .venv/bin/python benchmarks/real_findings.py --strict            # every rule at its own severity
    .venv/bin/python benchmarks/real_findings.py --dump /tmp/f.json  # every finding, for review
    .venv/bin/python benchmarks/real_findings.py --keep /tmp/gd      # keep the imported project

The records are ``$QINGDAN_SHARED/data/gd-province-sample.jsonl`` (else ``../shared``
beside the repository, or ``--sample FILE``). They are imported with the gov-json importer
into a temporary directory, as ``qingdan import gov-json`` does (by default with the
severities the import writes into qingdan.toml; ``--strict`` keeps every rule at its own),
then compiled and checked. Printed: findings by rule and severity, and the totals.

``--dump`` writes every finding as JSON (rule, severity, file, line, message in both
languages, related locations, and the source record's line and name) so a reviewer can
read them one by one; benchmarks/README.md ("Real findings") records the judgement.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from qingdan.cli.import_ import DEMOTED
from qingdan.compiler import CompileOptions
from qingdan.compiler import compile as compile_project
from qingdan.compiler.diagnostics import RULES
from qingdan.importers.gov_json import read_gov_json
from qingdan.importers.writer import write_project

HERE = Path(__file__).resolve().parent
_ORIGIN = re.compile(r"^# 第 (\d+) 行")


def sample_path() -> Path:
    """The Guangdong sample: $QINGDAN_SHARED/data/…, else the shared folder beside the repository."""
    shared = Path(os.environ.get("QINGDAN_SHARED", HERE.parent.parent / "shared"))
    return shared / "data" / "gd-province-sample.jsonl"


def import_and_check(sample: Path, out: Path, strict: bool = False) -> list[Any]:
    """Import ``sample`` into ``out`` (a new directory) and return the compile's diagnostics."""
    result = read_gov_json(sample)
    write_project(result, out, {} if strict else DEMOTED["gov-json"], workers=1, inputs=[sample])
    return compile_project(out, CompileOptions(checks=True, workers=1)).diagnostics


def record_of(root: Path, file: str, line: int, cache: dict[str, list[str]]) -> str:
    """The source line (``第 N 行``) of the record a rule-file line belongs to, when it is a matter."""
    lines = cache.setdefault(file, (root / file).read_text(encoding="utf-8").split("\n") if (root / file).is_file() else [])
    for k in range(min(line, len(lines)) - 1, -1, -1):
        mt = _ORIGIN.match(lines[k])
        if mt:
            return mt.group(1)
        if lines[k].startswith(("部门 ", "权力 ")) and k < line - 1:
            return ""
    return ""


def counts(diagnostics: list[Any]) -> Counter[tuple[str, str]]:
    """Findings by (rule, severity), waived ones left out."""
    return Counter((d.rule, d.severity.value) for d in diagnostics if not d.waived)


def table(by: Counter[tuple[str, str]]) -> str:
    """A Markdown table: rule, code, errors, warnings, infos, total."""
    rules = sorted({r for r, _ in by}, key=lambda r: RULES[r].code)
    rows = ["| rule | code | errors | warnings | infos | total |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for r in rules:
        e, w, i = (by.get((r, s), 0) for s in ("error", "warning", "info"))
        rows.append(f"| {r} | {RULES[r].code} | {e} | {w} | {i} | {e + w + i} |")
    e, w, i = (sum(n for (_, s), n in by.items() if s == sev) for sev in ("error", "warning", "info"))
    rows.append(f"| **all** | | **{e}** | **{w}** | **{i}** | **{e + w + i}** |")
    return "\n".join(rows)


def dump(diagnostics: list[Any], root: Path, path: Path) -> None:
    cache: dict[str, list[str]] = {}
    out = []
    for d in sorted((d for d in diagnostics if not d.waived), key=lambda d: (RULES[d.rule].code, d.sort_key())):
        file, line = (d.loc.file, d.loc.line) if d.loc else ("", 0)
        out.append({
            "rule": d.rule, "severity": d.severity.value, "file": file, "line": line,
            "record_line": record_of(root, file, line, cache) if file else "",
            "zh": d.message_zh, "en": d.message_en,
            "related": [f"{r.loc.file}:{r.loc.line} {r.text('zh')}" for r in d.related if r.loc],
        })
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=Path, default=None, help="the JSON Lines file (default: the shared Guangdong sample)")
    ap.add_argument("--strict", action="store_true", help="every rule at its own severity (no import demotions)")
    ap.add_argument("--dump", type=Path, default=None, help="write every finding as JSON to this file")
    ap.add_argument("--keep", type=Path, default=None, help="import into this (new) directory and keep it")
    args = ap.parse_args()
    sample = args.sample or sample_path()
    if not sample.is_file():
        raise SystemExit(f"sample not found: {sample} (set QINGDAN_SHARED to the shared folder)")
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp) / "gd"
        diagnostics = import_and_check(sample, root, args.strict)
        by = counts(diagnostics)
        print(f"{sample.name}: {sum(1 for _ in sample.open(encoding='utf-8'))} records; "
              f"{'every rule at its own severity' if args.strict else 'severities as the import writes them'}")
        print(table(by))
        if args.dump:
            dump(diagnostics, root, args.dump)
            print(f"findings written to {args.dump}")


if __name__ == "__main__":
    main()
