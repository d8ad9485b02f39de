"""A small project for the language server tests, and helpers to drive ``qingdan lsp`` as a real client."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types as lsp

# The server as an editor starts it: ``qingdan lsp`` over stdio (the console script's code, in this interpreter).
SERVER_COMMAND = [sys.executable, "-c", "import sys; from qingdan.cli import console_main; sys.argv = ['qingdan', 'lsp']; console_main()"]

TOML = '[project]\nname = "青川市测试目录"\nlevel = "市"\nlang = "zh"\nsite-url = "https://qingdan.example/docs"\n'

DEPARTMENTS = """\
部门 市场监管局 "青川市市场监督管理局" {
  层级: 市
  区划: "331100"
}

部门 政务中心 "青川市政务服务中心" {
  层级: 市
}
"""

LAWS = """\
法规 食品安全法 "中华人民共和国食品安全法" {
  类型: 法律
  条款 第三十五条 "国家对食品生产经营实行许可制度。"
}
"""

MATTERS = """\
权力 食品经营许可权 "食品经营许可" {
  类别: 行政许可
  部门: 市场监管局
  依据: 食品安全法.第三十五条
}

事项 食品经营许可 "食品经营许可证核发" {
  权力: 食品经营许可权
  部门: 市场监管局
  依据: 食品安全法.第三十五条
  到场: 1 次

  结果 食品经营许可证 "食品经营许可证"

  事实 经营面积 "经营场所面积（平方米）": 数字
  事实 主体类型 "申请人类型": 枚举(企业法人, 个体工商户)

  条件 场所达标 "经营场所面积达标" {
    当: 经营面积 >= 20 且 主体类型 == 企业法人
    依据: 食品安全法.第三十五条
  }

  材料 章程 "公司章程" {
    仅当: 主体类型 == 企业法人
  }

  时限 { 法定: 20 工作日; 承诺: 10 工作日 }

  步骤 受理 { 部门: 政务中心; 用时: 1 工作日 }
}
"""

FILES = {"departments.qd": DEPARTMENTS, "laws.qd": LAWS, "matters.qd": MATTERS}


def write_workspace(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "qingdan.toml").write_text(TOML, encoding="utf-8")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def position_of(text: str, needle: str, nth: int = 0, offset: int = 0) -> lsp.Position:
    """The LSP position (UTF-16) of the ``nth`` occurrence of ``needle`` in ``text``, plus ``offset`` characters."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return lsp.Position(line, len(text[start:at].encode("utf-16-le")) // 2)


async def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait until ``predicate`` holds (the server publishes asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the language server")
        await asyncio.sleep(0.02)


def offset_of(text: str, pos: lsp.Position) -> int:
    """The string offset of an LSP position (UTF-16 code units) in ``text``."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, c in enumerate(line):
        if units >= pos.character:
            return start + i
        units += 2 if ord(c) > 0xFFFF else 1
    return start + len(line)


def apply_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """``text`` with LSP text edits applied (last first, as an editor does)."""
    spans = sorted(((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
