"""Helpers for the semantic-check tests: a clean base catalog and snippet builders.

``compile_snippet`` writes ``base.qd`` (departments and laws every snippet may use)
and ``a.qd`` (the snippet), compiles the project and returns the result. ``where``
finds the expected location of a text in the snippet, so a test states exactly
which line and column a finding must point at.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from qingdan.compiler import compile as compile_project

BASE = '''部门 甲局 "示例市甲局" {
  层级: 市
  区划: "330100"
}

部门 乙局 "示例市乙局" {
  层级: 市
  区划: "330100"
}

部门 丙局 "示例市丙局" {
  层级: 市
  区划: "330100"
}

部门 区甲局 "示例市上城区甲局" {
  层级: 县
  区划: "330102"
  上级: 甲局
}

部门 区乙局 "示例市下城区乙局" {
  层级: 县
  区划: "330103"
}

部门 中心 "示例市政务服务中心" {
  层级: 市
  区划: "330100"
}

法规 示例法 "示例法" {
  类型: 法律
  条款 第一条 "第一条"
  条款 第二条 "第二条"
  条款 第三条 "第三条"
}
'''

TOML = '[project]\nname = "测试"\nregion = "330100"\nlevel = "市"\n'

_codes = itertools.count(1)


def code() -> str:
    return f"330100-XK-{next(_codes):04d}"


def power(pid: str, dept: str = "甲局", name: str | None = None, fields: str = "", responsibility: bool = True) -> str:
    text = f'权力 {pid} "{name or pid}" {{\n  部门: {dept}\n  依据: 示例法.第一条\n{fields}}}\n\n'
    if responsibility:
        text += f"责任 {pid}责任 {{\n  权力: {pid}\n  监管部门: {dept}\n}}\n\n"
    return text


def matter(mid: str, dept: str = "甲局", name: str | None = None, *, power_id: str | None = None, fields: str = "",
           body: str = "", limits: str = "时限 { 法定: 20 工作日 }", own_power: bool = True) -> str:
    """A clean matter; with ``own_power`` it also declares the power it implements."""
    pid = power_id or f"{mid}权"
    text = power(pid, dept, name or mid) if own_power and power_id is None else ""
    text += (f'事项 {mid} "{name or mid}" {{\n  编码: "{code()}"\n  权力: {pid}\n  部门: {dept}\n  依据: 示例法.第二条\n'
             f"{fields}{body}  {limits}\n}}\n\n")
    return text


def journey(jid: str, matters: list[str], fields: str = "") -> str:
    return f'一件事 {jid} "{jid}" {{\n  事项: {", ".join(matters)}\n{fields}}}\n\n'


def compile_snippet(tmp: Path, snippet: str, toml: str = TOML, base: str = BASE):
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "qingdan.toml").write_text(toml, encoding="utf-8")
    (tmp / "base.qd").write_text(base, encoding="utf-8")
    (tmp / "a.qd").write_text(snippet, encoding="utf-8")
    return compile_project(tmp)


def where(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """(line, column), 1-based, of the ``nth`` occurrence of ``needle`` in ``text``."""
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def found(result, rule: str) -> list:
    return [d for d in result.diagnostics if d.rule == rule and not d.waived]


def places(result, rule: str) -> list[tuple[str, int, int]]:
    return sorted((d.loc.file, d.loc.line, d.loc.col) for d in found(result, rule))


def semantic(result) -> list:
    """Every finding except the ones a snippet cannot avoid on purpose."""
    return [d for d in result.diagnostics if not d.waived]
