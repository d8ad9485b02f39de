"""Golden files: every artefact the build writes for the fixture project (one matter of each
kind and one journey) is compared with tests/golden/build/.

Regenerate after an intended change with ``QINGDAN_UPDATE_GOLDEN=1 pytest tests/test_build_golden.py``
and review the diff. Workbooks are compared by their cells (tests/golden/build/**/*.xlsx.json),
so a new openpyxl release does not churn the golden files; the manifest is checked in
test_build_exports instead, since it holds the workbooks' hashes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_build_support import FIXTURE, GOLDEN, UPDATE_GOLDEN, built


def _xlsx_cells(path: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    doc = {ws.title: [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _artefacts(out: Path) -> dict[str, bytes]:
    got = {}
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(out).as_posix()
        if rel == "manifest.json" or rel.startswith(("site/", "site-src/")):
            continue  # the reviewers' site has its own tests (tests/test_site_*.py)
        if rel.endswith(".xlsx"):
            got[rel + ".json"] = _xlsx_cells(p).encode("utf-8")
        else:
            got[rel] = p.read_bytes()
    return got


def _golden() -> dict[str, bytes]:
    return {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}


def test_golden_files_cover_every_kind_of_artefact():
    paths = set(_golden())
    for prefix in ("guides/matters/", "guides/journeys/", "forms/matters/", "forms/journeys/", "decisions/", "lists/", "exports/"):
        assert any(p.startswith(prefix) for p in paths), prefix
    for suffix in (".md", ".html", ".schema.json", ".uischema.json", ".dmn", ".eligibility.csv", ".materials.csv", ".xlsx.json", ".jsonld"):
        assert any(p.endswith(suffix) for p in paths), suffix
    assert "catalog.json" in paths and "index.json" in paths


def test_build_matches_the_golden_files():
    got = _artefacts(built(FIXTURE))
    if UPDATE_GOLDEN:
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for rel, data in got.items():
            target = GOLDEN / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        pytest.skip("golden files regenerated (QINGDAN_UPDATE_GOLDEN=1); review the diff")
    want = _golden()
    assert sorted(got) == sorted(want), "the set of artefacts changed; regenerate with QINGDAN_UPDATE_GOLDEN=1 if intended"
    changed = [rel for rel in want if got[rel] != want[rel]]
    if changed:
        import difflib

        rel = changed[0]
        diff = "\n".join(difflib.unified_diff(want[rel].decode("utf-8", "replace").splitlines(),
                                              got[rel].decode("utf-8", "replace").splitlines(), "golden/" + rel, "build/" + rel, lineterm="", n=2))
        pytest.fail(f"{len(changed)} artefacts differ from tests/golden/build (first: {rel}); "
                    f"regenerate with QINGDAN_UPDATE_GOLDEN=1 if intended\n{diff[:4000]}")
