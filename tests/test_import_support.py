"""Helpers for the import tests (no tests here): compiling an imported project and reading its lists."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from qingdan.compiler import CompileResult
from qingdan.compiler import compile as compile_project
from qingdan.compiler.diagnostics import RULES

# Rules about the language itself: an importer must never produce these.
LANGUAGE_RULES = {name for name, rule in RULES.items() if rule.code.startswith("QD0")} | {
    "syntax-error", "unknown-keyword", "invalid-value", "type-error", "unknown-reference", "duplicate-id", "duplicate-field",
}
LANGUAGE_RULES -= {"unused-waiver", "constant-condition"}


def compiled(project: Path) -> CompileResult:
    """The compiled project, asserting that the importer wrote nothing the language rejects."""
    result = compile_project(project)
    language = [f"{d.loc.file}:{d.loc.line}: {d.rule}: {d.message_en}" for d in result.diagnostics if d.rule in LANGUAGE_RULES]
    assert not language, "generated files have language errors:\n" + "\n".join(language[:10])
    return result


def rules_found(result: CompileResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in result.diagnostics:
        out[d.rule] = out.get(d.rule, 0) + 1
    return out


def list_rows(build: Path, stem: str) -> list[dict[str, str]]:
    with open(build / "lists" / f"{stem}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def catalog_json(build: Path) -> dict[str, Any]:
    return json.loads((build / "catalog.json").read_text(encoding="utf-8"))


def report(project: Path) -> dict[str, Any]:
    return json.loads((project / "import-report.json").read_text(encoding="utf-8"))


def problems(project: Path) -> list[tuple[int, str]]:
    return [(p["line"], p["code"]) for p in report(project)["problems"]]
