"""``qingdan init``: a new project that checks clean, passes its tests, and is set up for CI.

Both keyword languages; then `qingdan check`, `qingdan test` and `qingdan fmt --check`
through the real command line. A directory with files is refused without ``--force``,
and with it no existing file is ever changed. The pre-commit hooks and the GitHub
workflow the project gets run commands that work.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_cli

from qingdan.cli.init import FILES, SCAFFOLD
from qingdan.compiler import compile as compile_project

EXPECTED = {target for target, _template in FILES}


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _clean(project: Path, lang: str) -> None:
    """check (no finding at all), test and fmt --check pass on ``project``."""
    check = run_cli("check", project, "--fail-on", "info")
    assert check.code == 0, check.output
    assert ("共 0 个错误，0 个警告，0 个提示" if lang == "zh" else "0 error(s), 0 warning(s), 0 info") in check.out
    test = run_cli("test", project, "--min-coverage", "100")
    assert test.code == 0, test.output
    assert ("共 6 个用例：通过 6，失败 0，错误 0" if lang == "zh" else "6 cases: 6 passed, 0 failed, 0 errors") in test.out
    fmt = run_cli("fmt", "--check", project)
    assert fmt.code == 0, fmt.output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_then_check_and_test_pass(tmp_path, lang):
    project = tmp_path / "东湖区事项目录"
    r = run_cli("init", project, "--lang", lang)
    assert r.code == 0, r.output
    assert set(_files(project)) == EXPECTED
    for rel in EXPECTED:
        assert (f"已创建 {rel}" if lang == "zh" else f"created {rel}") in r.out
    assert f"cd {project} && qingdan check && qingdan test" in r.out
    _clean(project, lang)
    config = tomllib.loads((project / "qingdan.toml").read_text(encoding="utf-8"))["project"]
    assert config == {"name": "东湖区事项目录", "region": "330100", "level": "市" if lang == "zh" else "city", "lang": lang, "version": "0.1"}
    catalog = compile_project(project).catalog
    assert len(catalog.departments) == 1 and len(catalog.powers) == 1 and len(catalog.matters) == 1
    assert len(catalog.model.laws) == 1 and len(catalog.model.responsibilities) == 1
    (matter,) = catalog.matters.values()
    assert matter.facts and matter.conditions and matter.materials and matter.limits.statutory and matter.limits.promised
    assert all(c.basis for c in matter.conditions)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_keywords_are_the_chosen_language(tmp_path, lang):
    assert run_cli("init", tmp_path / "p", "--lang", lang).code == 0
    text = (tmp_path / "p" / "matters" / "market.qd").read_text(encoding="utf-8")
    zh_words, en_words = ("事项 ", "条件 ", "材料 ", "时限 "), ("matter ", "condition ", "material ", "limits ")
    present, absent = (zh_words, en_words) if lang == "zh" else (en_words, zh_words)
    assert all(w in text for w in present) and not any(f"\n  {w}" in text or text.startswith(w) for w in absent)
    toml = (tmp_path / "p" / "qingdan.toml").read_text(encoding="utf-8")
    assert f'lang = "{lang}"' in toml  # the messages follow the keywords


def test_the_console_script_inits_checks_and_tests(tmp_path):
    script = Path(sys.executable).with_name("qingdan")
    if not script.exists():
        pytest.skip(f"the qingdan console script is not installed beside {sys.executable}")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for argv in (["init", "rules"], ["check", "rules"], ["test", "rules"]):
        proc = subprocess.run([str(script), *argv], cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode == 0, (argv, proc.stdout, proc.stderr)


def test_init_here_names_the_project_after_the_directory(tmp_path, monkeypatch):
    here = tmp_path / "青川市目录"
    here.mkdir()
    (here / ".git").mkdir()  # a fresh `git init` still counts as empty
    monkeypatch.chdir(here)
    r = run_cli("init")
    assert r.code == 0, r.output
    assert "下一步：qingdan check && qingdan test" in r.out
    assert tomllib.loads((here / "qingdan.toml").read_text(encoding="utf-8"))["project"]["name"] == "青川市目录"
    _clean(here, "zh")


def test_name_region_and_level_options(tmp_path):
    name = '某县 "政务" \\ 目录'
    r = run_cli("init", tmp_path / "p", "--name", name, "--region", "331102", "--level", "县")
    assert r.code == 0, r.output
    result = compile_project(tmp_path / "p")
    assert result.config.name == name and result.config.region == "331102"
    assert {str(p.level) for p in result.catalog.powers.values()} == {"county"}
    assert "331102-XK-0001" in (tmp_path / "p" / "powers.qd").read_text(encoding="utf-8")
    _clean(tmp_path / "p", "zh")
    r = run_cli("init", tmp_path / "q", "--lang", "en", "--level", "township")
    assert r.code == 0, r.output
    assert "level: township" in (tmp_path / "q" / "base.qd").read_text(encoding="utf-8")
    _clean(tmp_path / "q", "en")


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "3301"], "--region"),
    (["--region", "33010a"], "--region"),
    (["--level", "火星"], "--level"),
    (["--name", "第一行\n第二行"], "--name"),
])
def test_bad_options_are_usage_errors_and_write_nothing(tmp_path, args, message):
    r = run_cli("init", tmp_path / "p", *args)
    assert r.code == 2 and message in r.err and "Traceback" not in r.output
    assert not (tmp_path / "p").exists()


def test_refuses_a_directory_with_files(tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    (project / "notes.txt").write_text("我的笔记\n", encoding="utf-8")
    r = run_cli("init", project)
    assert r.code == 2
    assert "不是空的" in r.err and "notes.txt" in r.err and "--force" in r.err
    assert _files(project) == {"notes.txt": "我的笔记\n".encode()}
    r = run_cli("init", project, "--lang", "en")
    assert r.code == 2 and "is not empty" in r.err


def test_refuses_a_file(tmp_path):
    (tmp_path / "p").write_text("x", encoding="utf-8")
    r = run_cli("init", tmp_path / "p")
    assert r.code == 2 and "不是目录" in r.err


def test_force_adds_the_missing_files_and_never_replaces_one(tmp_path):
    project = tmp_path / "p"
    (project / "matters").mkdir(parents=True)
    mine = {"qingdan.toml": '[project]\nname = "我的目录"\nlevel = "县"\n', "matters/market.qd": "# 我自己的规则\n", "notes.txt": "笔记\n"}
    for rel, text in mine.items():
        (project / rel).write_text(text, encoding="utf-8")
    r = run_cli("init", project, "--force")
    assert r.code == 0, r.output
    files = _files(project)
    for rel, text in mine.items():
        assert files[rel] == text.encode(), rel
    assert set(files) == EXPECTED | {"notes.txt"}
    assert "已跳过 qingdan.toml：文件已存在，没有改动" in r.out and "已跳过 matters/market.qd：文件已存在，没有改动" in r.out
    assert "已创建 base.qd" in r.out and "已创建 qingdan.toml" not in r.out
    again = run_cli("init", project, "--force", "--lang", "en")
    assert again.code == 0 and _files(project) == files
    assert all(f"skipped {rel}" in again.out for rel in EXPECTED)


def test_the_output_is_the_same_every_time(tmp_path):
    for d in ("a", "b"):
        assert run_cli("init", tmp_path / d, "--name", "目录").code == 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


# ---------------------------------------------------------------- what the project is set up with
def test_gitignore_keeps_the_cache_and_the_output_out(tmp_path):
    assert run_cli("init", tmp_path / "p").code == 0
    lines = (tmp_path / "p" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {".qingdan/", "build/", "results.sarif"} <= set(lines)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_github_workflow_checks_uploads_sarif_and_tests(tmp_path, monkeypatch, lang):
    project = tmp_path / "rules"
    assert run_cli("init", project, "--lang", lang).code == 0
    wf = yaml.safe_load((project / ".github" / "workflows" / "qingdan.yml").read_text(encoding="utf-8"))
    assert wf[True] == {"push": {"branches": ["main"]}, "pull_request": None}  # YAML 1.1 reads the key `on` as true
    assert wf["permissions"]["security-events"] == "write"
    steps = wf["jobs"]["check"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert "pip install qingdan" in runs
    check = next(s for s in steps if s.get("run", "").startswith("qingdan check"))
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert steps.index(upload) > steps.index(check) and upload["if"].startswith("always()")
    argv = shlex.split(check["run"])
    assert argv[argv.index("--format") + 1] == "sarif"
    assert argv[argv.index("-o") + 1] == upload["with"]["sarif_file"]
    monkeypatch.chdir(project)  # the steps run at the root of the checked-out repository
    for run in runs[1:]:
        r = run_cli(*shlex.split(run)[1:])
        assert r.code == 0, (run, r.output)
    sarif = json.loads((project / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["tool"]["driver"]["name"] == "qingdan"
    assert sarif["runs"][0]["results"] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pre_commit_hooks_run_and_match_the_published_ones(tmp_path, monkeypatch, lang):
    import re

    project = tmp_path / "rules"
    assert run_cli("init", project, "--lang", lang).code == 0
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    published = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(published) <= set(hooks)
    for hook_id, hook in published.items():
        for key in ("entry", "args", "files", "pass_filenames"):
            assert hooks[hook_id].get(key) == hook.get(key), (hook_id, key)
    monkeypatch.chdir(project)
    for hook in hooks.values():
        argv = shlex.split(hook["entry"]) + hook.get("args", [])
        files = [] if hook.get("pass_filenames") is False else sorted(p for p in _files(Path(".")) if re.search(hook["files"], p))
        assert argv[0] == "qingdan"
        r = run_cli(*argv[1:], *files)
        assert r.code == 0, (hook["id"], r.output)
    assert re.search(hooks["qingdan-test"]["files"], "tests/market.test.yaml")


def test_the_templates_are_package_data():
    """A non-editable install ships every template: each matches a [tool.setuptools.package-data] pattern."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["qingdan"]
    templates = [p.relative_to(REPO / "qingdan").as_posix() for p in SCAFFOLD.rglob("*") if p.is_file()]
    assert len(templates) == 2 * len(FILES)
    for rel in templates:
        assert any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel, pat.removeprefix("**/")) for pat in patterns), rel
    for lang in ("zh", "en"):
        assert sorted(t for _target, t in FILES) == sorted(p.relative_to(SCAFFOLD / lang).as_posix() for p in (SCAFFOLD / lang).rglob("*") if p.is_file())
