"""A git repository of examples/city with three tagged versions of realistic reform changes.

- ``v2025.1``: examples/city as it is;
- ``v2025.2``: two powers cancelled (非公路标志许可权, 建筑垃圾处置核准权, and their matters
  and negative-list entry removed), three delegated to county level (排水许可权,
  临时占道审批权, 商品房预售许可权);
- ``v2026.1``: five materials made shared (fetched by data sharing instead of submitted),
  three promised limits cut from 10 to 5 working days (their steps shortened, two steps
  merged away), and two matters merged
  (劳务派遣经营许可 into 人力资源服务许可, whose power is merged likewise and whose name
  says so; the negative-list entry now names the merged matter).

Each edit replaces text that must occur exactly once, so a change to the example that
moves it fails here loudly instead of silently testing less.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from conftest import EXAMPLES

CITY = EXAMPLES / "city"
GIT_ENV = {"GIT_AUTHOR_NAME": "reform office", "GIT_AUTHOR_EMAIL": "office@example.gov.cn", "GIT_COMMITTER_NAME": "reform office",
           "GIT_COMMITTER_EMAIL": "office@example.gov.cn", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str, date: str = "2025-01-01T09:00:00") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected exactly one {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def set_status(path: Path, power: str, status: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(f"权力 {power} \"")
    at = text.index("状态: ", start)
    end = text.index("\n", at)
    path.write_text(text[:at] + f"状态: {status}" + text[end:], encoding="utf-8")


def remove_block(path: Path, keyword: str, ident: str) -> None:
    """Remove the top-level block ``keyword ident "…" { … }`` (up to its closing brace at the start of a line)."""
    text = path.read_text(encoding="utf-8")
    mt = re.search(rf"^{keyword} {re.escape(ident)} [^\n]*\{{\n.*?^\}}\n", text, re.S | re.M)
    assert mt, f"{path.name}: no {keyword} {ident}"
    path.write_text(text[:mt.start()] + text[mt.end():], encoding="utf-8")


def version_2025_2(root: Path) -> None:
    set_status(root / "transport.qd", "非公路标志许可权", "取消")
    remove_block(root / "transport.qd", "事项", "非公路标志许可")
    set_status(root / "urban_management.qd", "建筑垃圾处置核准权", "取消")
    remove_block(root / "urban_management.qd", "事项", "建筑垃圾处置核准")
    remove_block(root / "negative-list.qd", "负面清单", "建筑垃圾处置准入")
    set_status(root / "housing.qd", "排水许可权", "下放(县)")
    set_status(root / "urban_management.qd", "临时占道审批权", "下放(县)")
    set_status(root / "housing.qd", "商品房预售许可权", "下放(县)")
    replace_once(root / "qingdan.toml", 'version = "2025.1"', 'version = "2025.2"')


SHARED_MATERIALS = (  # (file, material line before, after)
    ("health.qd", '材料 场所证明 "医疗机构用房产权证明或者使用证明"', '材料 场所证明 "医疗机构用房产权证明或者使用证明" { 来源: 产出(不动产权证书) }'),
    ("health.qd", '材料 人员名录 "医疗卫生技术人员名录及执业证书"', '材料 人员名录 "医疗卫生技术人员名录及执业证书" { 来源: 签发(卫健委) }'),
    ("civil_affairs.qd", '材料 残疾人证 "中华人民共和国残疾人证" { 仅当: 残疾人 }', '材料 残疾人证 "中华人民共和国残疾人证" { 仅当: 残疾人; 来源: 签发(民政局) }'),
    ("medical_insurance.qd", '材料 出院记录 "出院记录" { 仅当: 住院 }', '材料 出院记录 "出院记录" { 仅当: 住院; 来源: 签发(卫健委) }'),
    ("housing_fund.qd", '材料 缴存人员名单 "职工住房公积金缴存人员名单" { 仅当: 缴存人数 > 0; 容缺: 是 }',
     '材料 缴存人员名单 "职工住房公积金缴存人员名单" { 仅当: 缴存人数 > 0; 容缺: 是; 来源: 签发(人社局) }'),
)
STEP_CUTS = (  # (file, before, after): 9 working days of steps become 5 in each matter whose limit is cut
    ("environment.qd", "步骤 技术审核 { 部门: 生态环境局; 用时: 6 工作日 }", "步骤 技术审核 { 部门: 生态环境局; 用时: 3 工作日 }"),
    ("environment.qd", "步骤 决定发证 { 部门: 生态环境局; 用时: 2 工作日 }", "步骤 决定发证 { 部门: 生态环境局; 用时: 1 工作日 }"),
    ("health.qd", "步骤 现场审查 { 部门: 卫健委; 用时: 5 工作日 }", "步骤 现场审查 { 部门: 卫健委; 用时: 3 工作日 }"),
    ("health.qd", "步骤 决定 { 部门: 卫健委; 用时: 2 工作日 }\n  步骤 发证 { 部门: 卫健委; 用时: 1 工作日 }",
     "步骤 决定 { 部门: 卫健委; 用时: 1 工作日 }"),
    ("transport.qd", "步骤 技术审查 { 部门: 交通运输局; 用时: 5 工作日 }\n  步骤 现场勘验 { 部门: 交通运输局; 用时: 2 工作日 }",
     "步骤 技术审查 { 部门: 交通运输局; 用时: 3 工作日 }"),
)
PROMISED_CUTS = ("health.qd", "environment.qd", "transport.qd")  # 承诺 10 → 5 工作日 (医疗机构执业登记, 排污许可, 涉路施工许可)


def version_2026_1(root: Path) -> None:
    for name, old, new in SHARED_MATERIALS:
        replace_once(root / name, old, new)
    for name in PROMISED_CUTS:
        replace_once(root / name, "时限 { 法定: 20 工作日; 承诺: 10 工作日 }", "时限 { 法定: 20 工作日; 承诺: 5 工作日 }")
    for name, old, new in STEP_CUTS:  # what makes the shorter limits hold: shorter and fewer steps
        replace_once(root / name, old, new)
    set_status(root / "hrss.qd", "劳务派遣许可权", "合并(人力资源服务许可权)")
    remove_block(root / "hrss.qd", "事项", "劳务派遣经营许可")
    replace_once(root / "hrss.qd", '事项 人力资源服务许可 "人力资源服务许可（职业中介活动）"',
                 '事项 人力资源服务许可 "人力资源服务许可（含劳务派遣经营许可）"')
    replace_once(root / "negative-list.qd", "实施: 劳务派遣经营许可", "实施: 人力资源服务许可")
    replace_once(root / "qingdan.toml", 'version = "2025.2"', 'version = "2026.1"')


def reform_repository(base: Path) -> Path:
    """``base/repo`` with the project in ``rules/`` and three tagged commits; returns the project directory."""
    repo = base / "repo"
    project = repo / "rules"
    shutil.copytree(CITY, project, ignore=shutil.ignore_patterns("tests"))
    replace_once(project / "qingdan.toml", 'version = "2026.1"', 'version = "2025.1"')
    git(repo, "init", "-q", "-b", "main")
    steps = (("v2025.1", None, "2025-03-01T09:00:00"), ("v2025.2", version_2025_2, "2025-09-01T09:00:00"),
             ("v2026.1", version_2026_1, "2026-03-01T09:00:00"))
    for tag, edit, date in steps:
        if edit is not None:
            edit(project)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"目录 {tag}", date=date)
        git(repo, "tag", tag, date=date)
    return project
