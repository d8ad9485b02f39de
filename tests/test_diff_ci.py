"""The pull-request workflow of docs/ci.md: its qingdan commands, run on a temporary repository with two commits.

The repository is cloned, as actions/checkout does with ``fetch-depth: 0``, so that the
base branch is ``origin/main``; the pull request is a second commit on a branch. The
workflow's steps are taken from docs/ci.md, with the GitHub expressions filled in.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil

import yaml
from conftest import REPO, run_cli
from diff_support import CITY, git, replace_once


def _workflow() -> dict:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return yaml.safe_load(next(b for b in blocks if "qingdan diff" in b))


def _expand(command: str) -> str:
    return command.replace("${{ github.base_ref }}", "main").replace("${{ github.event.pull_request.number }}", "7")


def test_the_workflow_posts_the_markdown_diff_of_the_pull_request(tmp_path, monkeypatch):
    wf = _workflow()
    assert wf["permissions"]["pull-requests"] == "write"
    steps = wf["jobs"]["diff"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    diff_step = next(s for s in steps if "qingdan diff" in s.get("run", ""))
    comment = next(s for s in steps if "gh pr comment" in s.get("run", ""))
    targets = next(s for s in steps if "--targets" in s.get("run", ""))
    args = shlex.split(_expand(diff_step["run"]))
    out_file = args[args.index("-o") + 1]
    assert f"--body-file {out_file}" in comment["run"] and steps.index(comment) > steps.index(diff_step)

    upstream = tmp_path / "upstream"
    shutil.copytree(CITY, upstream, ignore=shutil.ignore_patterns("tests"))
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "base")
    work = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(upstream), str(work))
    git(work, "checkout", "-q", "-b", "pull-request")
    replace_once(work / "fire.qd", "    承诺: 3 工作日", "    承诺: 2 工作日")
    replace_once(work / "fire.qd", "步骤 现场检查 { 部门: 消防救援支队; 用时: 2 工作日 }", "步骤 现场检查 { 部门: 消防救援支队; 用时: 1 工作日 }")
    (work / "qingdan.toml").write_text((work / "qingdan.toml").read_text(encoding="utf-8")
                                       + '\n[targets]\nbaseline = "origin/main"\n"承诺时限压缩率" = ">= 0.4%"\n', encoding="utf-8")
    git(work, "commit", "-q", "-am", "消防安全检查承诺时限压缩到 2 个工作日")
    monkeypatch.chdir(work)

    r = run_cli(*args[1:])
    assert r.code == 0, r.output
    comment_body = (work / out_file).read_text(encoding="utf-8")
    assert comment_body.startswith("### qingdan diff")
    assert "承诺时限：3个工作日 → 2个工作日" in comment_body and "<details><summary>青川市消防救援支队" in comment_body
    assert "| 承诺时限压缩率 |" in comment_body
    r = run_cli(*shlex.split(_expand(targets["run"]))[1:])
    # one day less in one of 46 matters: the average promised limit 39/8 falls by 1/46, a cut of 8/1794 = 0.45%
    assert r.code == 0, r.output
    toml = work / "qingdan.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('">= 0.4%"', '">= 0.5%"'), encoding="utf-8")
    r = run_cli(*shlex.split(_expand(targets["run"]))[1:])
    assert r.code == 1 and "QD501" in r.out  # the job fails on a missed target
    r = run_cli("diff", "origin/main", "HEAD", "--format", "json")
    assert json.loads(r.out)["summary"]["matter"]["changed"] == 1
