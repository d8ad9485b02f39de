"""Form schemas under ajv's strict mode: the validator most form front ends (and
react-jsonschema-form) run.

Every ``forms/**/*.schema.json`` of the build fixture and the city example is compiled by
ajv's JSON Schema 2020-12 build (``ajv/dist/2020``) with ``strict: true`` and the formats
of ajv-formats, plus ``data-url`` declared exactly as react-jsonschema-form's
``@rjsf/validator-ajv8`` declares it. Strict mode rejects unknown formats, keywords that
apply to a type the schema does not declare (``required`` without ``"type": "object"``,
``minimum`` without ``"type": "number"``) and ``required`` names that no ``properties``
defines. ajv must also agree with the Python validator on sample documents.

The test installs nothing. It looks for ajv in ``.ci/node/node_modules``, which ``.ci/run``
fills with ``npm install --prefix .ci/node ajv ajv-formats``; without it (or without node)
the test is skipped with the reason, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from test_build_support import built, projects

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / ".ci" / "node" / "node_modules"
INSTALL = "npm install --prefix .ci/node ajv ajv-formats"
UPLOAD = "data:application/pdf;name=%E7%94%B3%E8%AF%B7%E4%B9%A6.pdf;base64,JVBERi0xLjQK"

# Compiles each schema with ajv 2020-12 in strict mode and validates the documents given
# with it; prints one JSON result per schema.
RUNNER = r"""
const path = require("path");
const fs = require("fs");
const modules = process.argv[2];
const Ajv2020 = require(path.join(modules, "ajv/dist/2020")).default;
const addFormats = require(path.join(modules, "ajv-formats")).default;
// as @rjsf/validator-ajv8 (createAjvInstance.ts) declares it
const DATA_URL_FORMAT_REGEX = /^data:([a-z]+\/[a-z0-9-+.]+)?;(?:name=(.*);)?base64,(.*)$/;
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const out = [];
for (const c of cases) {
  const ajv = new Ajv2020({strict: true, allErrors: true});
  addFormats(ajv);
  ajv.addFormat("data-url", DATA_URL_FORMAT_REGEX);
  let validate;
  try {
    validate = ajv.compile(c.schema);
  } catch (e) {
    out.push({name: c.name, error: String(e.message)});
    continue;
  }
  out.push({name: c.name, valid: c.docs.map((d) => validate(d))});
}
process.stdout.write(JSON.stringify(out));
"""


def _ajv() -> Path:
    """The node_modules directory holding ajv and ajv-formats (skip or, under CI, fail without)."""
    missing = None
    if shutil.which("node") is None:
        missing = "node is not installed"
    elif not (NODE_MODULES / "ajv" / "dist" / "2020.js").is_file() or not (NODE_MODULES / "ajv-formats").is_dir():
        missing = f"ajv is not installed in {NODE_MODULES.relative_to(REPO)} (run `{INSTALL}`)"
    if missing is None:
        return NODE_MODULES
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {missing}: .ci/run must install it")
    pytest.skip(f"{missing}; the test installs nothing itself")


def _sample_value(schema: dict[str, Any], pick: int) -> Any:
    """A value for a fact field (``pick`` varies numbers, options and booleans)."""
    if "oneOf" in schema:
        options = [o["const"] for o in schema["oneOf"]]
        return options[pick % len(options)]
    kind = schema.get("type")
    if kind == "number":
        return [0, 25, 100000][pick % 3]
    if kind == "boolean":
        return pick % 2 == 0
    if schema.get("format") == "date":
        return ["2000-02-29", "2024-12-31", "2030-01-01"][pick % 3]
    return ["青川市", "外地", ""][pick % 3]


def _documents(schema: dict[str, Any]) -> list[Any]:
    """Documents to validate: empty ones, typical ones with and without uploads, a bad upload."""
    facts = schema["properties"]["facts"]["properties"]
    uploads = list(schema["properties"]["materials"]["properties"])
    docs: list[Any] = [{}, {"facts": {}, "materials": {}}]
    for pick in range(3):
        values = {k: _sample_value(s, pick + i) for i, (k, s) in enumerate(facts.items())}
        docs.append({"facts": values, "materials": {}})
        docs.append({"facts": values, "materials": dict.fromkeys(uploads, UPLOAD)})
    return docs


def _cases() -> list[dict[str, Any]]:
    cases = []
    for project in projects():
        out = built(project)
        for path in sorted((out / "forms").rglob("*.schema.json")):
            schema = json.loads(path.read_text(encoding="utf-8"))
            cases.append({"name": f"{project.name}/{path.relative_to(out).as_posix()}", "schema": schema,
                          "docs": _documents(schema)})
    return cases


def _run_ajv(modules: Path, cases: list[dict[str, Any]], tmp_path: Path) -> dict[str, dict[str, Any]]:
    runner, data = tmp_path / "ajv-runner.js", tmp_path / "cases.json"
    runner.write_text(RUNNER, encoding="utf-8")
    data.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(["node", str(runner), str(modules), str(data)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return {r["name"]: r for r in json.loads(proc.stdout)}


def test_every_form_schema_compiles_in_ajv_strict_mode_and_agrees_with_jsonschema(tmp_path):
    modules = _ajv()
    cases = _cases()
    assert len(cases) >= 10
    results = _run_ajv(modules, cases, tmp_path)
    failed = {name: r["error"] for name, r in results.items() if "error" in r}
    assert not failed, f"{len(failed)} of {len(cases)} schemas fail ajv's strict mode: {sorted(failed.items())[:3]}"
    for case in cases:
        python = Draft202012Validator(case["schema"])
        expected = [python.is_valid(doc) for doc in case["docs"]]
        assert results[case["name"]]["valid"] == expected, case["name"]
    assert any(any(r["valid"]) for r in results.values()), "some sample documents are valid"


def test_uploads_are_data_urls_as_react_jsonschema_form_writes_them(tmp_path):
    """The upload fields use RJSF's ``data-url`` format: ajv rejects an upload that is not one."""
    modules = _ajv()
    cases = []
    for case in _cases():
        uploads = list(case["schema"]["properties"]["materials"]["properties"])
        if not uploads:
            continue
        good = case["docs"][-1]
        if not Draft202012Validator(case["schema"]).is_valid(good):
            continue
        bad = json.loads(json.dumps(good))
        bad["materials"][uploads[0]] = "申请书.pdf"
        cases.append({**case, "docs": [good, bad]})
    assert cases
    results = _run_ajv(modules, cases, tmp_path)
    for case in cases:
        assert results[case["name"]].get("valid") == [True, False], (case["name"], results[case["name"]])
