"""Turn import records into a rule project: qingdan.toml, one file per department, laws.qd.

Identifiers are made from the Chinese names: punctuation and spaces dropped, width
folded, at most ``MAX_ID`` characters, a prefix when the name starts with a digit or is
a reserved word, and ``_2``, ``_3`` … when two names clean to the same identifier.
They are assigned in input order, so the same input always gives the same names.
Titles keep the original text as a quoted string.

Each department's file is ``dept-NNN-<slug>.qd``: NNN numbers the departments in
name order, the slug is the department's ASCII organisation code when it has one,
else a short hash of its name; the department's Chinese name is in the header comment.
Every file is produced through the formatter, so it is in canonical layout, and the
whole project is written to a temporary directory that replaces the target only when
everything succeeded (``fsutil.atomic_directory``). The project carries a marker
(``MARKER``) listing every file the import wrote; an existing directory is replaced only
when it is empty or such an import holding nothing else (``target_problem``). No
control or text-direction character is ever written (``q``, ``comment``, ``toml_string``).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from ..compiler import CompileOptions
from ..compiler import compile as compile_project
from ..compiler.diagnostics import RULES, Severity
from ..compiler.model import CATEGORY_ZH
from ..dsl.formatter import FormatError, format_source
from ..dsl.keywords import VOCAB
from ..fsutil import WORK_MARKER, atomic_directory
from .records import (
    LEVEL_WORD,
    Cite,
    DeptRec,
    ImportResult,
    MatterRec,
    NegRec,
    PowerRec,
    RespRec,
    duration_text,
    law_type,
    strip_unsafe,
)
from .report import report_json, report_text

MAX_ID = 32
REPORT_TEXT = "import-report.txt"
REPORT_JSON = "import-report.json"
MARKER = ".qingdan-import.json"  # in every project an import writes: see marker_text and target_problem
MARKER_FORMAT = "qingdan-import"
MARKER_VERSION = "1.0"
MAX_MARKER_BYTES = 1_000_000
_STAGE_KEY = {"accept": "受理", "review": "审查", "decide": "决定", "deliver": "送达", "supervise": "监管"}


class ImportWriteError(Exception):
    """The output could not be produced (a bug if it is a formatter error)."""


# ---------------------------------------------------------------- identifiers
def identifier(text: str, prefix: str) -> str:
    """A valid identifier (/[^\\W\\d]\\w*/) from free text, not a reserved word."""
    t = unicodedata.normalize("NFKC", text)
    words = re.findall(r"\w+", t)
    out = ""
    for w in words:
        if out and out[-1].isascii() and out[-1].isalnum() and w[0].isascii() and w[0].isalnum():
            out += "_"
        out += w
    out = out.strip("_")[:MAX_ID].rstrip("_")
    if not out:
        return prefix
    if out[0].isdigit() or out in VOCAB.reserved_spellings or not re.fullmatch(r"[^\W\d]\w*", out):
        out = prefix + "_" + out
    return out


def valid_identifier(text: str | None) -> TypeGuard[str]:
    """Whether ``text`` can be kept as an identifier as it stands (a source's own 标识)."""
    return text is not None and re.fullmatch(r"[^\W\d]\w*", text) is not None and text not in VOCAB.reserved_spellings \
        and unicodedata.normalize("NFKC", text) == text


class Namespace:
    """Unique identifiers in one namespace, assigned in call order.

    Identifiers a source already gave (``reserve``) are kept for their records and
    never handed to another record.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.used: set[str] = set()
        self.reserved: set[str] = set()

    def reserve(self, preferred: str | None) -> None:
        """Keep ``preferred`` (when valid) for the record that brought it."""
        if valid_identifier(preferred):
            self.reserved.add(preferred)

    def make(self, text: str, preferred: str | None = None) -> str:
        """The reserved ``preferred`` name, else one made from ``text``, with _2, _3 … when taken."""
        if preferred is not None and preferred in self.reserved and preferred not in self.used:
            self.used.add(preferred)
            return preferred
        base = identifier(text, self.prefix)
        name, n = base, 1
        while name in self.used or name in self.reserved:
            n += 1
            name = f"{base}_{n}"
        self.used.add(name)
        return name


# ---------------------------------------------------------------- text helpers
def q(text: str) -> str:
    """A double-quoted string literal with quotes, backslashes and line breaks escaped, unsafe characters removed."""
    text = strip_unsafe(text.replace("\r\n", "\n").replace("\r", "\n"))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def comment(text: str) -> str:
    """One comment line's text: line breaks become spaces."""
    return " ".join(strip_unsafe(text).split())


def meta_line(key: str, value: str, indent: str = "  ") -> str:
    """``# key: value`` for metadata kept as a comment; never mistaken for a waiver (# 豁免 …)."""
    key = comment(key)
    if re.match(r"(?:豁免|waive)", key, re.IGNORECASE):
        key = "原始字段 " + key
    return f"{indent}# {key}: {comment(value)}"


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's), unsafe characters removed."""
    return json.dumps(strip_unsafe(text), ensure_ascii=False)


def _slug(dept: DeptRec) -> str:
    code = (dept.code or "").strip().lower()
    if code and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        return code
    return hashlib.sha1(dept.name.encode("utf-8")).hexdigest()[:8]


# ---------------------------------------------------------------- the project
@dataclass
class _Ids:
    departments: Namespace = field(default_factory=lambda: Namespace("部门"))
    laws: Namespace = field(default_factory=lambda: Namespace("法规"))
    powers: Namespace = field(default_factory=lambda: Namespace("权力"))
    responsibilities: Namespace = field(default_factory=lambda: Namespace("责任"))
    negatives: Namespace = field(default_factory=lambda: Namespace("负面"))
    matters: Namespace = field(default_factory=lambda: Namespace("事项"))
    dept: dict[str, str] = field(default_factory=dict)
    law: dict[str, str] = field(default_factory=dict)
    power: dict[str, str] = field(default_factory=dict)
    matter_by_name: dict[str, str] = field(default_factory=dict)
    power_by_name: dict[str, str] = field(default_factory=dict)


@dataclass
class _Parts:
    """The records one rule file holds besides its department, identifiers made."""

    powers: list[PowerRec] = field(default_factory=list)
    resps: list[tuple[RespRec, str]] = field(default_factory=list)
    negs: list[tuple[NegRec, str]] = field(default_factory=list)
    matters: list[MatterRec] = field(default_factory=list)


@dataclass
class ProjectFiles:
    """The files of the project, by relative path, and a few figures for the summary."""

    files: dict[str, str]
    departments: int
    powers: int
    matters: int
    laws: int


class ProjectWriter:
    """Renders one ImportResult as project files: ``render`` names everything, then writes the text."""

    def __init__(self, result: ImportResult, checks: dict[str, tuple[str, str]] | None = None) -> None:
        self.r = result
        self.ids = _Ids()
        self.checks = checks or {}
        self.laws: dict[str, list[str]] = {}  # title -> articles in first-seen order
        self._matter_ids: dict[int, str] = {}  # id(MatterRec) -> identifier

    # ------------------------------------------------------------ names
    def assign(self) -> None:
        """Identifiers for every department, power, matter and law, in input order; the laws' articles."""
        r, ids = self.r, self.ids
        names = set(r.departments)
        for p in r.powers.values():
            if p.department:
                names.add(p.department)
        for mt in r.matters:
            if mt.department:
                names.add(mt.department)
        for resp in r.responsibilities:
            if resp.supervisor:
                names.add(resp.supervisor)
        for n in r.negatives:
            if n.department:
                names.add(n.department)
        for name in sorted(names):
            r.department(name)
            ids.dept[name] = ids.departments.make(name)
        for p in r.powers.values():
            ids.powers.reserve(p.ident)
        for mt in r.matters:
            ids.matters.reserve(mt.ident)
        for p in r.powers.values():
            ids.power[p.key] = ids.powers.make(p.name, p.ident)
            ids.power_by_name.setdefault(p.name, ids.power[p.key])
        for mt in r.matters:
            mt_id = ids.matters.make(mt.name, mt.ident)
            ids.matter_by_name.setdefault(mt.name, mt_id)
            self._matter_ids[id(mt)] = mt_id
        every = [c for p in r.powers.values() for c in p.basis]
        every += [c for mt in r.matters for c in mt.basis + [x for cond in mt.conditions for x in cond.basis]]
        every += [c for x in r.responsibilities for c in x.basis] + [c for n in r.negatives for c in n.basis]
        for c in every:
            arts = self.laws.setdefault(c.law, [])
            if c.article and c.article not in arts:
                arts.append(c.article)
        for title in sorted(self.laws):
            ids.law[title] = ids.laws.make(title)

    def cite(self, cites: list[Cite]) -> str:
        """A 依据 value: ``法规.第三条, 另一法规``."""
        return ", ".join(f"{self.ids.law[c.law]}.{c.article}" if c.article else self.ids.law[c.law] for c in cites)

    # ------------------------------------------------------------ blocks
    def department_block(self, d: DeptRec) -> list[str]:
        lines = [f"部门 {self.ids.dept[d.name]} {q(d.name)} {{"]
        if d.level:
            lines.append(f"  层级: {LEVEL_WORD[d.level]}")
        if d.region:
            lines.append(f"  区划: {q(d.region)}")
        if d.contact:
            lines.append(f"  联系方式: {q(d.contact)}")
        if d.territory:
            lines.append(f"  辖区: {q(d.territory)}")
        lines += [meta_line(k, v) for k, v in d.meta]
        lines.append("}")
        return lines

    def power_block(self, p: PowerRec) -> list[str]:
        lines = [f"# {comment(p.origin)}"] if p.origin else []
        lines.append(f"权力 {self.ids.power[p.key]} {q(p.name)} {{")
        if p.code:
            lines.append(f"  编码: {q(p.code)}")
        if p.category:
            lines.append(f"  类别: {CATEGORY_ZH[p.category]}")
        if p.department:
            lines.append(f"  部门: {self.ids.dept[p.department]}")
        if p.levels or p.level:
            lines.append("  层级: " + ", ".join(LEVEL_WORD[lv] for lv in p.levels or [p.level or ""]))
        if p.basis:
            lines.append(f"  依据: {self.cite(p.basis)}")
        if p.status:
            lines.append(f"  状态: {self.status(p.status)}")
        if p.effective_from:
            lines.append(f"  生效: {p.effective_from}")
        if p.effective_to:
            lines.append(f"  失效: {p.effective_to}")
        if p.division:
            lines.append(f"  分级: {q(p.division)}")
        if p.notes:
            lines.append(f"  备注: {q(_notes(p.notes))}")
        lines += [meta_line(k, v) for k, v in p.meta]
        lines.append("}")
        return lines

    def status(self, text: str) -> str:
        """Status text from a list (保留, 下放(县), 划转(某局)) with names made identifiers."""
        mt = re.fullmatch(r"(划转|合并)\((.+)\)", text)
        if mt:
            word, target = mt.groups()
            if word == "划转" and target in self.ids.dept:
                return f"划转({self.ids.dept[target]})"
            if word == "合并" and target in self.ids.power_by_name:
                return f"合并({self.ids.power_by_name[target]})"
            if word == "合并" and target in self.ids.power.values():
                return f"合并({target})"
            return f"{word}({identifier(target, '名称')})"
        return text

    def responsibility_block(self, x: RespRec, rid: str) -> list[str]:
        lines = [f"# {comment(x.origin)}"] if x.origin else []
        lines.append(f"责任 {rid} {{")
        lines.append(f"  权力: {self.ids.power[x.power]}")
        for stage, key in _STAGE_KEY.items():
            if x.stages.get(stage):
                lines.append(f"  {key}: {q(x.stages[stage])}")
        if x.supervisor:
            lines.append(f"  监管部门: {self.ids.dept[x.supervisor]}")
        if x.accountability:
            lines.append("  追责: " + ", ".join(q(a) for a in x.accountability))
        if x.basis:
            lines.append(f"  依据: {self.cite(x.basis)}")
        lines += [meta_line(k, v) for k, v in x.meta]
        lines.append("}")
        return lines

    def negative_block(self, n: NegRec, nid: str) -> list[str]:
        lines = [f"# {comment(n.origin)}"] if n.origin else []
        lines.append(f"负面清单 {nid} {q(n.name)} {{")
        if n.code:
            lines.append(f"  编码: {q(n.code)}")
        if n.type:
            lines.append(f"  类型: {'禁止' if n.type == 'prohibited' else '许可'}")
        if n.description:
            lines.append(f"  描述: {q(n.description)}")
        if n.department:
            lines.append(f"  主管部门: {self.ids.dept[n.department]}")
        targets: list[str] = []
        unresolved: list[str] = []
        for name in n.implemented_by:
            target = self.ids.matter_by_name.get(name) or self.ids.power_by_name.get(name)
            (targets if target else unresolved).append(target or name)
        if targets:
            lines.append("  实施: " + ", ".join(dict.fromkeys(targets)))
        if n.activities:
            lines.append("  活动: " + ", ".join(q(a) for a in n.activities))
        if n.basis:
            lines.append(f"  依据: {self.cite(n.basis)}")
        lines += [meta_line("实施事项（目录中没有同名的事项或权力）", u) for u in unresolved]
        lines += [meta_line(k, v) for k, v in n.meta]
        lines.append("}")
        return lines

    def matter_block(self, mt: MatterRec) -> list[str]:
        ids = self.ids
        lines = [f"# {comment(mt.origin)}"] if mt.origin else []
        lines.append(f"事项 {self._matter_ids[id(mt)]} {q(mt.name)} {{")
        if mt.code:
            lines.append(f"  编码: {q(mt.code)}")
        if mt.base_code:
            lines.append(f"  基本编码: {q(mt.base_code)}")
        if mt.category:
            lines.append(f"  类别: {CATEGORY_ZH[mt.category]}")
        if mt.power:
            lines.append(f"  权力: {ids.power[mt.power]}")
        if mt.department:
            lines.append(f"  部门: {ids.dept[mt.department]}")
        if mt.levels or mt.level:
            lines.append("  层级: " + ", ".join(LEVEL_WORD[lv] for lv in mt.levels or [mt.level or ""]))
        if mt.division:
            lines.append(f"  分级: {q(mt.division)}")
        if mt.basis:
            lines.append(f"  依据: {self.cite(mt.basis)}")
        if mt.applicants:
            lines.append("  对象: " + ", ".join(q(a) for a in mt.applicants))
        if mt.fee:
            kind, value = mt.fee
            lines.append("  收费: " + ("免费" if kind == "free" else f"{value} 元" if kind == "yuan" else q(value)))
        if mt.channels:
            lines.append("  渠道: " + ", ".join(mt.channels))
        if mt.visits is not None:
            lines.append(f"  到场: {mt.visits} 次")
        if mt.contact:
            lines.append(f"  咨询: {q(mt.contact)}")
        if mt.location:
            lines.append(f"  地点: {q(mt.location)}")
        lines += guide_lines(mt)
        if mt.notes:
            lines.append(f"  备注: {q(_notes(mt.notes))}")
        conds = Namespace("条件")
        for cond in mt.conditions:
            cid = conds.make("受理条件")
            if cond.basis:
                lines += ["", f"  条件 {cid} {q(cond.title)} {{", f"    依据: {self.cite(cond.basis)}", "  }"]
            else:
                lines += ["", f"  条件 {cid} {q(cond.title)}"]
        if mt.materials:
            lines.append("")
            mats = Namespace("材料")
            for mat in mt.materials:
                mid = mats.make(mat.name)
                if mat.note:
                    lines.append(f"  材料 {mid} {q(mat.name)} {{ 备注: {q(mat.note)} }}")
                else:
                    lines.append(f"  材料 {mid} {q(mat.name)}")
        if mt.statutory or mt.promised or mt.statutory_none or mt.on_the_spot:
            lines += ["", "  时限 {"]
            if mt.statutory:
                lines.append(f"    法定: {duration_text(mt.statutory)}")
            elif mt.statutory_none:
                lines.append("    法定: 无")
            if mt.on_the_spot:
                lines.append("    承诺: 即办")
            elif mt.promised:
                lines.append(f"    承诺: {duration_text(mt.promised)}")
            lines.append("  }")
        if mt.meta:
            lines.append("")
            lines += [meta_line(k, v) for k, v in mt.meta]
        lines.append("}")
        return lines

    # ------------------------------------------------------------ files
    def render(self, workers: int | None = None) -> ProjectFiles:
        """Every file of the project, rule files formatted (``workers``: see ``format_files``)."""
        self.assign()
        r, ids = self.r, self.ids
        by_dept: defaultdict[str | None, _Parts] = defaultdict(_Parts)
        for p in r.powers.values():
            by_dept[p.department].powers.append(p)
        resp_ids = Namespace("责任")
        for x in r.responsibilities:
            resp_ids.reserve(x.ident)
        for x in r.responsibilities:
            owner = r.powers[x.power].department
            by_dept[owner].resps.append((x, resp_ids.make(r.powers[x.power].name + "责任", x.ident)))
        neg_ids = Namespace("负面")
        for n in r.negatives:
            neg_ids.reserve(n.ident)
        for n in r.negatives:
            by_dept[n.department].negs.append((n, neg_ids.make(n.name, n.ident)))
        for mt in r.matters:
            by_dept[mt.department].matters.append(mt)

        source = comment(r.source)
        files: dict[str, str] = {}
        width = max(3, len(str(len(r.departments))))
        for i, name in enumerate(sorted(r.departments), start=1):
            d = r.departments[name]
            parts = by_dept.get(name, _Parts())
            path = f"dept-{i:0{width}d}-{_slug(d)}.qd"
            head = [f"# 部门：{comment(name)}", f"# 由 qingdan import 从 {source} 导入；原始记录中没有对应字段的内容保留在“备注”和注释中。", ""]
            files[path] = self.file_text(head, [self.department_block(d)], parts)
        if None in by_dept:
            head = ["# 没有写明部门的记录", f"# 由 qingdan import 从 {source} 导入。", ""]
            files["unassigned.qd"] = self.file_text(head, [], by_dept[None])
        if self.laws:
            blocks: list[list[str]] = []
            for title in sorted(self.laws):
                lines = [f"法规 {ids.law[title]} {q(title)} {{"]
                kind = law_type(title)
                if kind:
                    lines.append(f"  类型: {kind}")
                lines += [f"  条款 {a}" for a in self.laws[title]]
                lines.append("}")
                blocks.append(lines)
            head = [f"# 从 {source} 的依据、受理条件等文字中的《…》书名和“第…条”提取的法规与条款。",
                    "# 条款内容没有随数据提供，请补充；类型只在书名能看出时写出。", ""]
            files["laws.qd"] = "\n".join(head + ["\n\n".join("\n".join(b) for b in blocks)]) + "\n"
        files = format_files(files, workers)
        files["qingdan.toml"] = self.toml()
        return ProjectFiles(files, len(r.departments), len(r.powers), len(r.matters), len(self.laws))

    def file_text(self, head: list[str], first: list[list[str]], parts: _Parts) -> str:
        """Department first, then each power with its responsibilities and matters, then the rest."""
        blocks = list(first)
        resps: dict[str, list[tuple[RespRec, str]]] = {}
        for x, rid in parts.resps:
            resps.setdefault(x.power, []).append((x, rid))
        matters: dict[str | None, list[MatterRec]] = {}
        for mt in parts.matters:
            matters.setdefault(mt.power, []).append(mt)
        for p in parts.powers:
            blocks.append(self.power_block(p))
            blocks += [self.responsibility_block(x, rid) for x, rid in resps.pop(p.key, [])]
            blocks += [self.matter_block(mt) for mt in matters.pop(p.key, [])]
        blocks += [self.responsibility_block(x, rid) for group in resps.values() for x, rid in group]
        blocks += [self.negative_block(n, nid) for n, nid in parts.negs]
        blocks += [self.matter_block(mt) for group in matters.values() for mt in group]
        return "\n".join(head) + "\n" + "\n\n".join("\n".join(b) for b in blocks) + "\n"

    def toml(self) -> str:
        """qingdan.toml: the project table and the check severities the import lowered."""
        r = self.r
        lines = [f"# 由 qingdan import 从 {comment(r.source)} 导入；导入报告见 {REPORT_TEXT}", "", "[project]"]
        lines.append(f"name = {toml_string(r.project_name or Path(r.source).stem + ' 目录')}")
        if r.region:
            lines.append(f"region = {toml_string(r.region)}")
        if r.level:
            lines.append(f"level = {toml_string(LEVEL_WORD[r.level])}")
        lines.append('lang = "zh"')
        lines.append('version = "0.1.0"')
        if self.checks:
            lines += ["", "[checks]"]
            for rule, (severity, why) in sorted(self.checks.items()):
                lines.append(f"# {comment(why)}")
                lines.append(f"{rule} = {toml_string(severity)}")
        return "\n".join(lines) + "\n"


PARALLEL_MIN_CHARS = 2_000_000  # below this, starting worker processes costs more than it saves


def _format_one(item: tuple[str, str]) -> tuple[str, str, str | None]:
    """(path, formatted text, None) or (path, "", error): errors travel back as text."""
    path, text = item
    try:
        return path, format_source(text), None
    except FormatError as e:
        s = e.problem.span
        lines = text.split("\n")
        near = lines[s.line - 1] if 0 < s.line <= len(lines) else ""
        return path, "", f"line {s.line}: {e.problem.message_en}: {near!r}"


def format_files(files: dict[str, str], workers: int | None = None) -> dict[str, str]:
    """Every rule file through the formatter.

    ``workers``: processes to format in; None uses up to the cores (at most 8), and only
    when there is a lot of text; 1 formats in this process.
    """
    items = sorted(files.items())
    count = min(workers or os.cpu_count() or 1, 8, len(items))
    done: list[tuple[str, str, str | None]] | None = None
    if count > 1 and (workers is not None or sum(len(t) for _, t in items) >= PARALLEL_MIN_CHARS):
        try:
            with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
                done = list(pool.map(_format_one, items, chunksize=max(1, len(items) // (count * 4))))
        except (OSError, RuntimeError, ValueError):  # no fork or no processes here: format in this process
            done = None
    if done is None:
        done = [_format_one(item) for item in items]
    out = {}
    for path, text, error in done:
        if error is not None:  # a bug in the writer: say where
            raise ImportWriteError(f"generated text for {path} does not parse at {error}")
        out[path] = text
    return out


def guide_lines(mt: MatterRec) -> list[str]:
    """The service-guide fields of a matter (办事指南), in the order the language reference gives them."""
    lines = []
    for key, value in (("受理机构", mt.accepting_body), ("决定机构", mt.deciding_body)):
        if value:
            lines.append(f"  {key}: {q(value)}")
    if mt.joint_bodies:
        lines.append("  联办机构: " + ", ".join(q(b) for b in mt.joint_bodies))
    for key, value in (("审查标准", mt.review_standard), ("数量限制", mt.quantity_limit), ("办理时间", mt.office_hours),
                       ("网上办理地址", mt.online_url)):
        if value:
            lines.append(f"  {key}: {q(value)}")
    if mt.courier is not None:
        lines.append(f"  物流快递: {'是' if mt.courier else '否'}")
    if mt.booking_url:
        lines.append(f"  网上预约: {q(mt.booking_url)}")
    elif mt.booking is not None:
        lines.append(f"  网上预约: {'是' if mt.booking else '否'}")
    if mt.complaint:
        lines.append(f"  投诉: {q(mt.complaint)}")
    return lines


def _notes(notes: list[tuple[str, str]]) -> str:
    """``label：value；…``; a source's own 备注 is written as it stands."""
    return "；".join(v if k == "备注" else f"{k}：{v}" for k, v in notes)


# ---------------------------------------------------------------- the output directory
class ImportTargetError(Exception):
    """The output directory is refused (it is not an import's, holds the input, …): nothing was written."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def marker_text(result: ImportResult, files: list[str]) -> str:
    """The marker file: what wrote the project, from what, and every file it wrote (itself included).

    Deterministic (no time, no absolute path), so the same input gives the same project.
    ``target_problem`` trusts a directory to replace only when this file is valid and the
    directory holds nothing else than the files it lists.
    """
    doc = {
        "format": MARKER_FORMAT,
        "format_version": MARKER_VERSION,
        "tool": "qingdan",
        "command": "qingdan import " + ("gov-json" if result.kind == "gov-json" else "table"),
        "kind": result.kind,
        "source": strip_unsafe(result.source),
        "files": sorted({*files, MARKER}),
        "note": "qingdan import 写出的项目的标记：qingdan import --force 只替换有本文件、且只有其中所列文件的目录。"
                " / Marks a project written by qingdan import: --force replaces only a directory with this file "
                "and no files other than those it lists.",
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def read_marker(directory: Path) -> tuple[set[str] | None, tuple[str, str]]:
    """The files an import's marker in ``directory`` lists, or None and why (zh, en) it is not trusted."""
    path = directory / MARKER
    if os.path.islink(path):
        return None, (f"其中的 {MARKER} 是符号链接", f"its {MARKER} is a symbolic link")
    if not path.is_file():
        return None, (f"其中没有 {MARKER} 标记文件", f"it has no {MARKER} marker file")
    bad = (f"其中的 {MARKER} 不是有效的导入标记", f"its {MARKER} is not a valid import marker")
    try:
        if path.stat().st_size > MAX_MARKER_BYTES:
            return None, bad
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable, not UTF-8, not JSON, nested too deeply
        return None, bad
    if not isinstance(doc, dict) or doc.get("format") != MARKER_FORMAT or doc.get("tool") != "qingdan":
        return None, bad
    version = doc.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != MARKER_VERSION.split(".")[0]:
        return None, bad
    files = doc.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) and _plain_name(f) for f in files):
        return None, bad
    return set(files), ("", "")


def _plain_name(name: str) -> bool:
    """A file name directly inside the project: what an import writes."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\0" not in name


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def target_problem(out: Path, inputs: Sequence[Path] = (), force: bool = False) -> tuple[str, str] | None:
    """Why writing the project to ``out`` is refused, as (zh, en), or None.

    Refused: a symbolic link, a file, the current directory or one holding it, a directory
    holding one of the ``inputs`` (symbolic links resolved), a non-empty directory that is
    not an import's (no valid marker, or a file the marker does not list); and, without
    ``force``, any non-empty directory. So only an empty directory or an earlier import,
    edited or not, is ever replaced.
    """
    if os.path.islink(out):
        return (f"输出位置 {out} 是一个符号链接；为免替换它所指向的内容，请直接写出真实的目录，或换一个新的目录名",
                f"the output {out} is a symbolic link; to keep what it points to safe, give the real directory or a new directory name")
    if os.path.lexists(out) and not os.path.isdir(out):
        return (f"输出位置 {out} 是一个文件，不是目录；请在 --out 后写一个目录名（该文件不会被改动）",
                f"the output {out} is a file, not a directory; give a directory name after --out (the file is left as it is)")
    above = Path(os.path.abspath(out)).parent
    while not os.path.lexists(above) and above != above.parent:
        above = above.parent
    if not os.path.isdir(above):
        return (f"不能在 {above} 下建立输出目录 {out}：{above} 是一个文件；请换一个目录名",
                f"cannot create the output directory {out}: {above} is a file; choose another directory name")
    targets = {Path(os.path.realpath(out)), Path(os.path.abspath(out))}
    try:
        cwd = Path(os.path.realpath(os.getcwd()))
    except OSError:  # the current directory was removed: nothing to protect there
        cwd = None
    if cwd is not None and any(_inside(cwd, t) for t in targets):
        return (f"不能把当前所在的目录 {out}（或包含它的目录）作为输出目录；请在 --out 后写一个新的目录名，如 --out catalog",
                f"cannot write into {out}: it is (or holds) the current directory; give a new directory name after --out, such as --out catalog")
    for src in inputs:
        for s in {Path(os.path.realpath(src)), Path(os.path.abspath(src))}:
            if any(_inside(s, t) for t in targets):
                return (f"不能替换 {out}：输入文件 {src} 就在其中；请换一个不包含输入文件的输出目录",
                        f"refusing to replace {out}: the input {src} is inside it; choose an output directory that does not hold the input")
    try:
        entries = sorted(os.listdir(out)) if os.path.isdir(out) else []
    except OSError as e:
        return (f"无法读取输出目录 {out}：{e.strerror or e}", f"cannot read the output directory {out}: {e.strerror or e}")
    if not entries:
        return None
    files, (why_zh, why_en) = read_marker(out)
    if files is None:
        return (f"输出目录 {out} 不是空的，也不是 qingdan import 写出的（{why_zh}）；为免误删其中的文件，即使加 --force 也不会替换它。"
                "请换一个新的目录名，或先自行清空该目录",
                f"the output directory {out} is not empty and was not written by qingdan import ({why_en}); to keep its files safe "
                "it is never replaced, not even with --force: choose a new directory name, or empty it yourself first")
    allowed = files | {MARKER, WORK_MARKER}
    for name in entries:
        path = out / name
        if name not in allowed or path.is_symlink() or not path.is_file():
            shown = name + ("/" if path.is_dir() and not path.is_symlink() else "")
            return (f"输出目录 {out} 是以前导入的结果，但其中的 {shown} 不是导入时写出的文件；--force 只替换导入写出的文件。"
                    f"请先把 {shown} 移到别处（或删除），再重新运行",
                    f"the output directory {out} holds an earlier import and also {shown}, which the import did not write; "
                    f"--force replaces only what an import wrote. Move {shown} elsewhere (or delete it), then run again")
    if not force:
        return (f"输出目录 {out} 中是以前 qingdan import 导入的结果；如要用这次导入替换它（此后手工修改的内容将丢失），请加 --force",
                f"the output directory {out} holds an earlier qingdan import; add --force to replace it "
                "(changes made by hand since will be lost)")
    return None


# ---------------------------------------------------------------- writing
def write_project(result: ImportResult, out: str | Path, checks: dict[str, tuple[str, str]] | None = None,
                  baseline: bool = False, lang: str = "zh", workers: int | None = None,
                  inputs: Sequence[str | Path] = ()) -> ProjectFiles:
    """Render the project and write it (with the import report and the marker) atomically into ``out``.

    ``out`` must be new, empty or an earlier import (see ``target_problem``; ``inputs``,
    the files read, must not lie inside it), else ``ImportTargetError`` is raised and
    nothing is written. It is checked again just before the new project replaces it.

    With ``baseline``, the written project is compiled before it replaces ``out``, and
    every check rule that finds errors in it is lowered to a warning in qingdan.toml
    (with the count and a note to raise it again), so the imported catalog can be built
    at once. Rules about the language itself (QD0xx) are never lowered.

    ``workers`` is the number of processes for formatting the rule files and for the
    baseline's compile: None lets each decide by the amount of text, 1 keeps everything
    in this process.
    """
    out = Path(out)
    sources = [Path(p) for p in inputs]

    def guard() -> None:
        problem = target_problem(out, sources, force=True)
        if problem:
            raise ImportTargetError(*problem)

    guard()
    checks = dict(checks or {})
    writer = ProjectWriter(result, checks)
    project = writer.render(workers)
    files = dict(project.files)
    with atomic_directory(out) as tmp:
        for rel in sorted(files):
            (tmp / rel).write_text(files[rel], encoding="utf-8", newline="\n")
        if baseline:
            for rule, count in sorted(baseline_rules(tmp, workers).items()):
                if rule not in checks:
                    checks[rule] = ("warning", f"导入基线：导入时发现 {count} 个“{rule}”错误，暂降为警告以便先生成；逐个修正后请删除本行（恢复为 error）")
            writer.checks = checks
            files["qingdan.toml"] = writer.toml()
            (tmp / "qingdan.toml").write_text(files["qingdan.toml"], encoding="utf-8", newline="\n")
        names = sorted({*files, REPORT_TEXT, REPORT_JSON, MARKER})
        files[REPORT_TEXT] = report_text(result, lang, names)
        files[REPORT_JSON] = report_json(result, names)
        files[MARKER] = marker_text(result, names)
        for rel in (REPORT_TEXT, REPORT_JSON, MARKER):
            (tmp / rel).write_text(files[rel], encoding="utf-8", newline="\n")
        guard()  # what lies at ``out`` may have changed while the project was rendered
    project.files = files
    return project


def baseline_rules(root: Path, workers: int | None = None) -> dict[str, int]:
    """Error counts per check rule (QD1xx and up) of the project at ``root``."""
    result = compile_project(root, CompileOptions(checks=True, workers=workers))
    counts: dict[str, int] = {}
    for d in result.diagnostics:
        rule = RULES.get(d.rule)
        if d.severity == Severity.error and not d.waived and rule is not None and not rule.code.startswith("QD0"):
            counts[d.rule] = counts.get(d.rule, 0) + 1
    return counts
