"""The VS Code extension in editors/vscode: grammar tests, packaging, and the language client.

- The annotated samples in ``editors/vscode/tests/*.test.qd`` pass ``vscode-tmgrammar-test``
  (VS Code's own TextMate engine), and fail when the grammar loses a scope.
- ``vsce package`` makes a .vsix from a clean copy of the extension with its locked
  dependencies installed (``npm ci``).
- ``extension.js`` starts ``qingdan lsp`` (or the ``qingdan.path`` setting) over stdio, and
  restarts it when the setting changes: run in node with ``vscode`` and the language client
  replaced by recording stand-ins.

The node tools come from ``.ci/node`` (``.ci/run`` installs them). Without them (or without
node) the tests are skipped with the reason, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

EXTENSION = REPO / "editors" / "vscode"
NODE_BIN = REPO / ".ci" / "node" / "node_modules" / ".bin"
INSTALL = "npm install --prefix .ci/node vscode-tmgrammar-test@0.1.3 @vscode/vsce@3.9.2"


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}: .ci/run must install it")
    pytest.skip(reason)


def node_tool(name: str) -> Path:
    """The installed command ``name`` from .ci/node (skip or, under CI, fail without it)."""
    if shutil.which("node") is None:
        _missing("node is not installed")
    tool = NODE_BIN / name
    if not tool.exists():
        _missing(f"{name} is not installed in .ci/node (run `{INSTALL}`)")
    return tool


def _run(argv: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"})


# ---------------------------------------------------------------- grammar tests
def test_the_annotated_samples_pass_vscode_tmgrammar_test():
    tool = node_tool("vscode-tmgrammar-test")
    samples = sorted(p.name for p in (EXTENSION / "tests").glob("*.test.qd"))
    assert samples == ["en.test.qd", "zh.test.qd"]
    proc = _run([tool, "--compact", "tests/*.test.qd"], EXTENSION)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for sample in samples:
        assert f"tests/{sample}" in proc.stdout


def test_the_samples_fail_when_the_grammar_loses_a_scope(tmp_path):
    tool = node_tool("vscode-tmgrammar-test")
    shutil.copytree(EXTENSION / "tests", tmp_path / "tests")
    shutil.copy(EXTENSION / "package.json", tmp_path / "package.json")
    (tmp_path / "syntaxes").mkdir()
    grammar = (EXTENSION / "syntaxes" / "qd.tmLanguage.json").read_text(encoding="utf-8")
    assert "keyword.other.unit.qd" in grammar
    (tmp_path / "syntaxes" / "qd.tmLanguage.json").write_text(grammar.replace("keyword.other.unit.qd", "variable.other.qd"), encoding="utf-8")
    proc = _run([tool, "--compact", "tests/*.test.qd"], tmp_path)
    assert proc.returncode != 0
    assert "keyword.other.unit.qd" in proc.stdout + proc.stderr


# ---------------------------------------------------------------- packaging
def test_the_extension_packages_with_vsce(tmp_path):
    vsce = node_tool("vsce")
    work = tmp_path / "vscode"
    shutil.copytree(EXTENSION, work, ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm is not installed")
    proc = _run([npm, "ci", "--omit=dev", "--no-audit", "--no-fund"], work)
    if proc.returncode != 0:
        _missing(f"npm ci could not install the extension's dependencies: {proc.stderr[-500:]}")
    vsix = tmp_path / "qingdan.vsix"
    proc = _run([vsce, "package", "--allow-missing-repository", "--out", vsix], work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("extension/package.json"))
        packaged_grammar = z.read("extension/syntaxes/qd.tmLanguage.json").decode("utf-8")
    assert {"extension/extension.js", "extension/language-configuration.json", "extension/readme.md",
            "extension/node_modules/vscode-languageclient/node.js"} <= names
    assert not any(n.startswith("extension/tests/") for n in names)
    assert packaged_grammar == (EXTENSION / "syntaxes" / "qd.tmLanguage.json").read_text(encoding="utf-8")
    assert manifest["contributes"]["grammars"] == [{"language": "qd", "scopeName": "source.qd", "path": "./syntaxes/qd.tmLanguage.json"}]
    assert manifest["contributes"]["languages"][0]["extensions"] == [".qd"]


def test_the_manifest_and_the_lock_agree():
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == manifest["dependencies"]
    client = lock["packages"]["node_modules/vscode-languageclient"]
    assert client["version"] == manifest["dependencies"]["vscode-languageclient"]
    assert client["engines"]["vscode"] == manifest["engines"]["vscode"]  # the client needs no newer VS Code than we claim


def test_the_language_configuration_pairs_full_width_brackets_and_quotes():
    config = json.loads((EXTENSION / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "#"}
    assert {("｛", "｝"), ("（", "）"), ("【", "】"), ("{", "}")} <= {tuple(p) for p in config["brackets"]}
    closing = {p["open"]: p["close"] for p in config["autoClosingPairs"]}
    assert closing["｛"] == "｝" and closing["（"] == "）" and closing["“"] == "”" and closing["「"] == "」" and closing['"'] == '"'


# ---------------------------------------------------------------- the language client
CLIENT_HARNESS = r"""
const Module = require("module");
const path = require("path");
const events = [];
let configured = process.argv[2];
let onConfig;
const vscode = {
  workspace: {
    getConfiguration: (section) => ({ get: (key) => (section === "qingdan" && key === "path" ? configured : undefined) }),
    createFileSystemWatcher: (glob) => ({ glob }),
    onDidChangeConfiguration: (f) => { onConfig = f; return { dispose() {} }; },
  },
  commands: { registerCommand: (name) => { events.push(["command", name]); return { dispose() {} }; } },
  window: { showErrorMessage: (m) => events.push(["error", m]) },
};
class LanguageClient {
  constructor(id, name, server, client) {
    events.push(["new", id, server.command, server.args, server.transport, client.documentSelector.map((d) => d.language)]);
  }
  start() { events.push(["start"]); return Promise.resolve(); }
  stop() { events.push(["stop"]); return Promise.resolve(); }
}
const original = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return vscode;
  if (request === "vscode-languageclient/node") return { LanguageClient, TransportKind: { stdio: 0, ipc: 1 } };
  return original.apply(this, arguments);
};
const ext = require(path.resolve(process.argv[3]));
(async () => {
  const context = { subscriptions: [] };
  await ext.activate(context);
  configured = "/opt/venv/bin/qingdan";
  await onConfig({ affectsConfiguration: (s) => s === "qingdan.path" });
  await onConfig({ affectsConfiguration: () => false });
  await ext.deactivate();
  process.stdout.write(JSON.stringify(events));
})();
"""


@pytest.mark.parametrize(("setting", "command"), [("", "qingdan"), ("  /home/me/.venv/bin/qingdan ", "/home/me/.venv/bin/qingdan")])
def test_the_client_starts_qingdan_lsp_and_restarts_when_the_path_changes(tmp_path, setting, command):
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed")
    harness = tmp_path / "harness.js"
    harness.write_text(CLIENT_HARNESS, encoding="utf-8")
    proc = _run([node, harness, setting, EXTENSION / "extension.js"], tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    events = json.loads(proc.stdout)
    assert events == [
        ["command", "qingdan.restartServer"],
        ["new", "qingdan", command, ["lsp"], 0, ["qd", "qd"]],
        ["start"],
        ["stop"],
        ["new", "qingdan", "/opt/venv/bin/qingdan", ["lsp"], 0, ["qd", "qd"]],
        ["start"],
        ["stop"],
    ]


# ---------------------------------------------------------------- docs/editors.md
def _blocks(language: str) -> list[str]:
    import re

    text = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def test_every_editor_in_the_docs_starts_qingdan_lsp():
    import tomllib

    helix = tomllib.loads(_blocks("toml")[0])
    assert helix["language-server"]["qingdan"] == {"command": "qingdan", "args": ["lsp"]}
    assert helix["language"][0]["file-types"] == ["qd"] and helix["language"][0]["language-servers"] == ["qingdan"]
    for lua in _blocks("lua"):
        assert 'cmd = { "qingdan", "lsp" }' in lua and "qingdan.toml" in lua
    (elisp,) = _blocks("elisp")
    assert '(qd-mode . ("qingdan" "lsp"))' in elisp and '"\\\\.qd\\\\\'"' in elisp
    (vscode,) = _blocks("json")
    manifest = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    assert set(json.loads(vscode)) <= set(manifest["contributes"]["configuration"]["properties"])
    (build,) = [b for b in _blocks("sh") if "vsce" in b]
    assert "npm ci" in build and "vsce@3.9.2 package --allow-missing-repository" in build and "code --install-extension" in build
    assert "vsce@3.9.2" in (REPO / ".ci" / "run").read_text(encoding="utf-8")  # the version the tests package with
