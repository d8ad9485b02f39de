"""Tests as data: ``*.test.yaml`` files of cases that legal staff write next to the rules.

A test file is a list of cases, or a mapping ``{cases: [...]}`` that may also give a
default ``matter`` or ``journey`` for its cases. Each case::

    - name: 面积不足的个体户不予受理
      matter: 食品经营许可          # or  journey: 开办餐馆
      facts: {经营面积: 10, 主体类型: 个体工商户}
      expect:
        eligible: no               # yes / no / undetermined
        failing: [场所达标]          # condition ids (journey: 事项.条件)
        materials: [营业执照]        # materials to submit
        fetched: [身份证明]          # materials fetched by data sharing
        time_limit: 10              # working days, or "10 工作日"

Other expectations: ``undetermined`` (conditions), ``facts_needed``, ``conditions``
(id: outcome), ``materials_undetermined``, ``not_needed``, ``optional``, ``tolerated``,
``commitment``, ``steps``, ``visits``, ``critical_path``. Keys may be written in Chinese
(名称 事项 一件事 事实 期望, 符合 不满足 …).

No vacuous passes: a case without expectations, naming a matter, condition or material
that does not exist, or with facts that do not fit the declared facts is an *error*, and
errors fail the run like failures do.

Coverage counts, for every condition and every conditional material (``仅当``) of the
project, whether some case saw it true and some case saw it false: the percentage is
the share of those outcomes (two per item) exercised.
"""

from __future__ import annotations

import dataclasses
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from yaml import Node

from ..compiler import Catalog
from ..compiler import model as m
from ..compiler.diagnostics import Loc, did_you_mean
from ..compiler.durations import Clock
from ..compiler.text import Text, did_you_mean_suffix, one_line, say, terminal_text, xml_text
from .datafiles import DataError, YamlDoc, read_text
from .evaluate import Decision, Evaluator, FactsError, MaterialItem, Outcome, UnknownTarget, resolve_target

TEST_SUFFIXES = (".test.yaml", ".test.yml")
SKIP_DIRS = {"site", "build", "dist", "out", "node_modules", "__pycache__"}

CASE_KEYS = {"name": "name", "名称": "name", "matter": "matter", "事项": "matter", "journey": "journey",
             "一件事": "journey", "facts": "facts", "事实": "facts", "expect": "expect", "期望": "expect",
             "note": "note", "说明": "note"}
FILE_KEYS = {"cases": "cases", "用例": "cases", "matter": "matter", "事项": "matter", "journey": "journey",
             "一件事": "journey", "note": "note", "说明": "note"}
EXPECT_KEYS = {
    "eligible": "eligible", "符合": "eligible", "是否符合": "eligible",
    "failing": "failing", "不满足": "failing", "不满足的条件": "failing",
    "undetermined": "undetermined", "无法判定": "undetermined", "无法判定的条件": "undetermined",
    "conditions": "conditions", "条件": "conditions",
    "facts_needed": "facts_needed", "缺少事实": "facts_needed", "还需要的事实": "facts_needed",
    "materials": "materials", "材料": "materials", "提交材料": "materials",
    "fetched": "fetched", "免提交": "fetched",
    "materials_undetermined": "materials_undetermined", "待定材料": "materials_undetermined",
    "not_needed": "not_needed", "不需要": "not_needed",
    "optional": "optional", "可选": "optional",
    "tolerated": "tolerated", "容缺": "tolerated",
    "commitment": "commitment", "承诺": "commitment",
    "time_limit": "time_limit", "时限": "time_limit",
    "visits": "visits", "到场": "visits",
    "steps": "steps", "步骤": "steps",
    "critical_path": "critical_path", "关键路径": "critical_path",
}
MATERIAL_FIELDS = {"materials", "fetched", "materials_undetermined", "not_needed", "optional", "tolerated", "commitment"}
_OUTCOME_WORDS: dict[object, Outcome] = {True: "yes", False: "no", "yes": "yes", "no": "no", "undetermined": "undetermined", "unknown": "undetermined",
                  "true": "yes", "false": "no", "是": "yes", "否": "no", "符合": "yes", "不符合": "no", "成立": "yes",
                  "不成立": "no", "无法判定": "undetermined", "待定": "undetermined", "未定": "undetermined"}


def _suggest(suggestion: str | None, otherwise: Text) -> Text:
    """The did-you-mean of ``suggestion``, or ``otherwise`` (the names known) without one."""
    return did_you_mean_suffix(suggestion) if suggestion else otherwise


# ---------------------------------------------------------------- loading
@dataclass
class Case:
    """One case of a test file, as written (``error`` when it cannot be run)."""

    file: str
    line: int
    col: int
    name: str
    doc: YamlDoc  # the test file, to locate problems found when the case runs
    kind: str | None = None  # matter / journey, once resolved
    target: str | None = None
    target_node: Node | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    facts_nodes: dict[str, Node] = field(default_factory=dict)  # fact name -> key node
    facts_node: Node | None = None
    expect: dict[str, Any] = field(default_factory=dict)  # canonical key -> value
    expect_nodes: dict[str, Node] = field(default_factory=dict)  # canonical key -> value node
    error: DataError | None = None


@dataclass
class TestFile:
    """A test file: its cases, or the error that stops it from being read."""

    rel: str
    cases: list[Case] = field(default_factory=list)
    error: DataError | None = None


def discover(root: Path) -> list[Path]:
    """Every ``*.test.yaml`` under ``root`` (hidden and output folders skipped), sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(TEST_SUFFIXES):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def load_test_file(path: Path, rel: str) -> TestFile:
    """Read the cases of one test file; problems become located errors, never exceptions."""
    tf = TestFile(rel)
    try:
        doc = YamlDoc(read_text(path, rel), rel)
    except DataError as e:
        tf.error = e
        return tf
    root = doc.root
    defaults: dict[str, tuple[str, Node]] = {}  # the file's matter or journey, for cases naming none
    if root is None:
        tf.error = DataError(rel, 1, 1, Text("测试文件是空的：请写出至少一个用例", "the test file is empty: write at least one case"))
        return tf
    if doc.is_mapping(root):
        cases_node = None
        for k, v in doc.pairs(root):
            key = doc.key_text(k)
            canon = FILE_KEYS.get(key or "")
            if canon is None:
                s = did_you_mean(str(key), FILE_KEYS)
                known = Text("（可用：cases、matter、journey）", " (known: cases, matter, journey)")
                tf.error = doc.error(k, Text(f"测试文件中没有“{key}”这一项", f"unknown key '{key}' in a test file") + _suggest(s, known))
                return tf
            if canon == "cases":
                cases_node = v
            elif canon in ("matter", "journey"):
                defaults[canon] = (str(doc.value(v)), v)
        if cases_node is None:
            tf.error = doc.error(root, Text("测试文件缺少 cases：请在 cases 下列出用例", "the test file has no 'cases' list"))
            return tf
        root = cases_node
    if not doc.is_sequence(root):
        tf.error = doc.error(root, Text("测试文件应为用例的列表（每个用例以“- name: …”开头）", "a test file must be a list of cases (each starting with '- name: ...')"))
        return tf
    if not root.value:
        tf.error = doc.error(root, Text("测试文件没有任何用例", "the test file has no cases"))
        return tf
    names: dict[str, int] = {}
    for node in root.value:
        case = _load_case(doc, node, defaults)
        if case.error is None:
            if case.name in names:
                case.error = doc.error(node, Text(f"用例名称“{case.name}”重复（第一次在第 {names[case.name]} 行）",
                                                  f"case name '{case.name}' is used twice (first on line {names[case.name]})"))
            names.setdefault(case.name, case.line)
        tf.cases.append(case)
    return tf


def _load_case(doc: YamlDoc, node: Node, defaults: dict[str, tuple[str, Node]]) -> Case:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    case = Case(doc.rel, line, col, name=f"#{line}", doc=doc)
    try:
        if not doc.is_mapping(node):
            raise doc.error(node, Text("每个用例应为一个映射（name、matter/journey、facts、expect）", "each case must be a mapping (name, matter/journey, facts, expect)"))
        fields: dict[str, tuple[Node, Node]] = {}  # canonical key -> (key node, value node)
        for k, v in doc.pairs(node):
            key = doc.key_text(k)
            canon = CASE_KEYS.get(key or "")
            if canon is None:
                s = did_you_mean(str(key), CASE_KEYS)
                known = Text("（可用：name、matter、journey、facts、expect）", " (known: name, matter, journey, facts, expect)")
                raise doc.error(k, Text(f"用例中没有“{key}”这一项", f"unknown key '{key}' in a case") + _suggest(s, known))
            if canon in fields:
                raise doc.error(k, Text(f"用例中“{key}”写了两次", f"'{key}' is given twice in this case"))
            fields[canon] = (k, v)
        if "name" not in fields:
            raise doc.error(node, Text("用例缺少名称（name）", "the case has no name"))
        name = doc.value(fields["name"][1])
        if not isinstance(name, str | int) or isinstance(name, bool) or not str(name).strip():
            raise doc.error(fields["name"][1], Text("用例名称应为一段文字", "the case name must be text"))
        case.name = str(name).strip()
        targets: list[str] = [c for c in ("matter", "journey") if c in fields]
        if len(targets) > 1:
            raise doc.error(fields["journey"][0], Text("一个用例只能测试一个事项或一个一件事，不能同时写 matter 和 journey",
                                                       "a case tests one matter or one journey, not both"))
        if targets:
            kind = targets[0]
            tnode = fields[kind][1]
            value = doc.value(tnode)
        elif len(defaults) == 1:
            kind, (value, tnode) = next(iter(defaults.items()))
        else:
            raise doc.error(node, Text(f"用例“{case.name}”没有写测试哪个事项（matter）或一件事（journey）",
                                       f"case '{case.name}' names no matter or journey"))
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise doc.error(tnode, Text("matter/journey 应为事项或一件事的名称", "matter/journey must be a name"))
        case.kind, case.target, case.target_node = kind, str(value), tnode
        if "facts" in fields:
            fnode = fields["facts"][1]
            case.facts_node = fnode
            value = doc.value(fnode)
            if value is not None:
                if not doc.is_mapping(fnode):
                    raise doc.error(fnode, Text("facts 应为“事实名: 值”的映射", "facts must be a mapping of fact: value"))
                for k, v in doc.pairs(fnode):
                    fname = str(doc.value(k))
                    case.facts[fname] = doc.value(v)
                    case.facts_nodes[fname] = k
        if "expect" not in fields:
            raise doc.error(node, Text(f"用例“{case.name}”没有期望结果（expect）：没有期望的用例什么也没有检验",
                                       f"case '{case.name}' has no expectations (expect): it would check nothing"))
        enode = fields["expect"][1]
        if not doc.is_mapping(enode) or not enode.value:
            raise doc.error(enode, Text(f"用例“{case.name}”的期望结果（expect）是空的：请至少写出一项，如 eligible: yes",
                                        f"case '{case.name}' has empty expectations: give at least one, e.g. eligible: yes"))
        for k, v in doc.pairs(enode):
            key = doc.key_text(k)
            canon = EXPECT_KEYS.get(key or "")
            if canon is None:
                s = did_you_mean(str(key), EXPECT_KEYS)
                known = Text("（可用：eligible、failing、materials、fetched、time_limit 等）",
                             " (known: eligible, failing, materials, fetched, time_limit, ...)")
                raise doc.error(k, Text(f"期望结果中没有“{key}”这一项", f"unknown expectation '{key}'") + _suggest(s, known))
            if canon in case.expect:
                raise doc.error(k, Text(f"期望“{key}”写了两次", f"expectation '{key}' is given twice"))
            case.expect[canon] = doc.value(v)
            case.expect_nodes[canon] = v
    except DataError as e:
        case.error = e
    return case


# ---------------------------------------------------------------- running
@dataclass
class FieldDiff:
    """One expectation that the decision does not meet."""

    field: str  # the expectation's key (so dataclasses.field is spelt out below)
    expected: str
    actual: str
    missing: list[str] = dataclasses.field(default_factory=list)  # expected, not there
    unexpected: list[str] = dataclasses.field(default_factory=list)  # there, not expected


@dataclass
class CaseResult:
    case: Case
    status: str  # pass / fail / error
    diffs: list[FieldDiff] = field(default_factory=list)
    error: DataError | None = None
    decision: Decision | None = None

    def failure_text(self, lang: str) -> str:
        if self.error is not None:
            return one_line(self.error.located(lang))
        out = []
        for d in self.diffs:
            out.append(f"{d.field}:")
            out.append(say(lang, f"  - 期望：{d.expected}", f"  - expected: {d.expected}"))
            out.append(say(lang, f"  + 实际：{d.actual}", f"  + actual:   {d.actual}"))
            for x in d.missing:
                out.append(say(lang, f"      缺少 {x}（期望有，实际没有）", f"      missing {x} (expected, not there)"))
            for x in d.unexpected:
                out.append(say(lang, f"      多出 {x}（实际有，未期望）", f"      unexpected {x} (there, not expected)"))
        return "\n".join(one_line(x) for x in out)


def _show(items: Iterable[object]) -> str:
    return "[" + ", ".join(str(i) for i in items) + "]"


class _Problem(Exception):
    """An expectation that cannot be checked (a misspelt name, a value of the wrong kind), at its node."""

    def __init__(self, node: Node | None, message: Text) -> None:
        super().__init__(message.en)
        self.node, self.message = node, message


def run_case(evaluator: Evaluator, case: Case) -> CaseResult:
    """Decide one case and compare the decision with what the case expects."""
    if case.error is not None:
        return CaseResult(case, "error", error=case.error)
    doc = case.doc
    try:
        kind, tid = resolve_target(evaluator.catalog, f"{case.kind}:{case.target}")
    except UnknownTarget as e:
        what = "事项" if case.kind == "matter" else "一件事"
        return CaseResult(case, "error", error=doc.error(
            case.target_node, e.why or Text(f"没有{what}“{case.target}”", f"no {case.kind} '{case.target}'") + did_you_mean_suffix(e.suggestion)))
    try:
        decision = evaluator.decide(f"{kind}:{tid}", case.facts, explain=False)
    except FactsError as e:
        first = e.problems[0]
        node = case.facts_nodes.get(first.fact or "", case.facts_node or case.target_node)
        message = Text("；".join(p.message.zh for p in e.problems), "; ".join(p.message.en for p in e.problems))
        return CaseResult(case, "error", error=doc.error(node, message))
    try:
        diffs = compare(evaluator.catalog, decision, case)
    except _Problem as p:
        return CaseResult(case, "error", error=doc.error(p.node, p.message), decision=decision)
    return CaseResult(case, "fail" if diffs else "pass", diffs=diffs, decision=decision)


def _outcome(value: object, node: Node | None, what: str) -> Outcome:
    key = value.strip().lower() if isinstance(value, str) else value
    if key in _OUTCOME_WORDS:
        return _OUTCOME_WORDS[key]
    raise _Problem(node, Text(f"{what}应为 yes、no 或 undetermined（是、否、无法判定），实际是“{value}”",
                              f"{what} must be yes, no or undetermined, not '{value}'"))


def _as_list(value: object, node: Node, key: str) -> list[tuple[Any, Node]]:
    """The items of a list expectation, each with its own node (for locating problems)."""
    if value is None:
        return []
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [(value, node)]
    if isinstance(value, list):
        nodes = node.value if YamlDoc.is_sequence(node) and len(node.value) == len(value) else [node] * len(value)
        return list(zip(value, nodes))
    raise _Problem(node, Text(f"期望“{key}”应为列表，如 [甲, 乙]", f"expectation '{key}' must be a list such as [a, b]"))


class _Names:
    """Resolves what a case writes (ids, qualified ids, names) to the decision's own keys."""

    def __init__(self, catalog: Catalog, decision: Decision) -> None:
        self.d = decision
        self.all_matters = catalog.matters
        self.matters = [catalog.matters[s.target] for s in decision.matter_decisions()]
        self.matter_ids = {mt.id for mt in self.matters}
        self.journey = decision.kind == "journey"
        self.identity = catalog.material_index.identity
        what = Text("一件事", "journey") if self.journey else Text("事项", "matter")
        self.where = what + Text(f"“{decision.target}”", f" '{decision.target}'")

    def condition(self, x: object, node: Node | None) -> str:
        x = str(x)
        if self.journey:
            if "." in x:
                mid, cid = x.split(".", 1)
                mt = self.all_matters.get(mid)
                if mt is not None and mid in self.matter_ids and mt.condition(cid) is not None:
                    return x
            hits = [f"{mt.id}.{x}" for mt in self.matters if mt.condition(x) is not None]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise _Problem(node, Text(f"条件“{x}”在多个事项中都有（{'、'.join(hits)}），请写成 事项.条件",
                                          f"condition '{x}' exists in several matters ({', '.join(hits)}); write matter.condition"))
            known = [f"{mt.id}.{c.id}" for mt in self.matters for c in mt.conditions]
        else:
            if self.matters[0].condition(x) is not None:
                return x
            known = [c.id for c in self.matters[0].conditions]
        s = did_you_mean(x, known)
        raise _Problem(node, self.where + Text(f"没有条件“{x}”", f" has no condition '{x}'") + did_you_mean_suffix(s))

    def material(self, x: object, node: Node) -> str:
        """The key of a material: its id in a matter, its identity in a journey."""
        x = str(x)
        cands: list[tuple[m.Matter, m.Material]] = []
        if "." in x:
            mid, rest = x.split(".", 1)
            mt = self.all_matters.get(mid)
            if mt is not None and mid in self.matter_ids:
                cands = [(mt, mat) for mat in mt.materials if mat.id == rest]
        by_id = [(mt, mat) for mt in self.matters for mat in mt.materials if mat.id == x]
        by_name = [(mt, mat) for mt in self.matters for mat in mt.materials if mat.name == x]
        # a journey's materials are merged by name, so a name comes first there; in a matter, the id
        for found in ((by_name, by_id) if self.journey else (by_id, by_name)):
            if not cands:
                cands = found
        if not cands:
            key = self.identity(x)
            cands = [(mt, mat) for mt in self.matters for mat in mt.materials if self.identity(mat.name) == key]
        if not cands:
            known = [mat.id for mt in self.matters for mat in mt.materials]
            s = did_you_mean(x, known)
            raise _Problem(node, self.where + Text(f"没有材料“{x}”", f" has no material '{x}'") + did_you_mean_suffix(s))
        if not self.journey:
            return cands[0][1].id
        keys = {self.identity(mat.name) for _, mat in cands}
        if len(keys) > 1:
            raise _Problem(node, Text(f"材料“{x}”在多个事项中指不同的材料，请写成 事项.材料", f"material '{x}' means different materials in several matters; write matter.material"))
        return keys.pop()

    def item_key(self, item: MaterialItem) -> str:
        return item.identity if self.journey else item.id

    def fact(self, x: object, node: Node) -> str:
        x = str(x)
        known = list(dict.fromkeys(f.id for mt in self.matters for f in mt.facts))
        if x in known:
            return x
        s = did_you_mean(x, known)
        raise _Problem(node, self.where + Text(f"没有事实“{x}”", f" has no fact '{x}'") + did_you_mean_suffix(s))

    def step(self, x: object, node: Node) -> str:
        x = str(x)
        known = [f"{s.matter}.{s.id}" if self.journey else s.id for s in self.d.steps]
        if x in known:
            return x
        hits = [k for k, s in zip(known, self.d.steps) if s.id == x or s.name == x]
        if len(hits) == 1:
            return hits[0]
        s = did_you_mean(x, known)
        raise _Problem(node, self.where + Text(f"没有步骤“{x}”", f" has no step '{x}'") + did_you_mean_suffix(s))


_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(个)?\s*(工作日|working[ _]days?|workdays?|自然日|天|日|natural[ _]days?|days?|小时|hours?)?\s*$")


def _days_expected(value: object, node: Node, clock: Clock) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise _Problem(node, Text("time_limit 应为工作日数或时长，如 10 或“10 工作日”", "time_limit must be working days or a duration such as '10 工作日'"))
    if isinstance(value, int | float | Decimal):
        return Fraction(str(value))
    mt = _DURATION.match(str(value))
    if not mt:
        raise _Problem(node, Text(f"“{value}”不是时长；请写成 10、“10 工作日”、“15 自然日”或“4 小时”",
                                  f"'{value}' is not a duration; write 10, '10 工作日', '15 自然日' or '4 小时'"))
    amount, unit = Decimal(mt.group(1)), (mt.group(3) or "工作日").lower()
    canon = "working_days" if unit.startswith(("工作日", "work")) else "hours" if unit in ("小时", "hour", "hours") else "natural_days"
    days = clock.working_days(m.Duration(amount=amount, unit=canon))
    assert days is not None  # a duration always has a figure
    return days


_EXPECT_ORDER = list(dict.fromkeys(EXPECT_KEYS.values()))  # the order differences are reported in


def compare(catalog: Catalog, d: Decision, case: Case) -> list[FieldDiff]:
    """Differences between what the case expects and what the rules decide (empty: pass)."""
    names = _Names(catalog, d)
    diffs: list[FieldDiff] = []
    for key in sorted(case.expect, key=_EXPECT_ORDER.index):
        value, node = case.expect[key], case.expect_nodes[key]
        if key == "eligible":
            outcome = _outcome(value, node, "eligible")
            if outcome != d.eligible:
                diffs.append(FieldDiff(key, outcome, d.eligible))
        elif key in ("failing", "undetermined"):
            expected = [names.condition(x, n) for x, n in _as_list(value, node, key)]
            diffs += _set_diff(key, expected, d.failing if key == "failing" else d.undetermined)
        elif key == "conditions":
            if not isinstance(value, dict):
                raise _Problem(node, Text("conditions 应为“条件: 结果”的映射，如 {场所达标: yes}", "conditions must map condition: outcome, e.g. {c: yes}"))
            outcomes = {f"{c.matter}.{c.id}" if names.journey else c.id: c.outcome for c in d.conditions}
            key_nodes = {str(YamlDoc.key_text(k)): (k, v) for k, v in YamlDoc.pairs(node)}
            expected_outcomes = {}
            for k, v in value.items():
                knode, vnode = key_nodes.get(str(k), (node, node))
                expected_outcomes[names.condition(k, knode)] = _outcome(v, vnode, f"conditions.{k}")
            wrong = [k for k in expected_outcomes if expected_outcomes[k] != outcomes[k]]
            if wrong:
                diffs.append(FieldDiff(key, ", ".join(f"{k}={expected_outcomes[k]}" for k in wrong), ", ".join(f"{k}={outcomes[k]}" for k in wrong)))
        elif key == "facts_needed":
            expected = [names.fact(x, n) for x, n in _as_list(value, node, key)]
            diffs += _set_diff(key, expected, [f.id for f in d.facts_needed])
        elif key in MATERIAL_FIELDS:
            written = _as_list(value, node, key)
            expected = [names.material(x, n) for x, n in written]
            items: list[MaterialItem]
            if key == "tolerated":
                items = [i for i in d.materials if i.tolerated]
            elif key == "commitment":
                items = [i for i in d.materials if i.commitment]
            else:
                items = getattr(d, key)
            shown = {names.item_key(i): i.id if not names.journey else i.name for i in items}
            for (raw, _), k in zip(written, expected):
                shown.setdefault(k, str(raw))
            diffs += _set_diff(key, expected, [names.item_key(i) for i in items], shown)
        elif key == "time_limit":
            days = d.time_limit.working_days
            expected_days = _days_expected(value, node, catalog.clock)
            if days is None or abs(Fraction(str(days)) - expected_days) > Fraction(1, 100):
                diffs.append(FieldDiff(key, f"{value}", "-" if days is None else _days_text(days)))
        elif key == "visits":
            if isinstance(value, bool) or not isinstance(value, int):
                raise _Problem(node, Text("visits 应为整数次数", "visits must be a whole number"))
            if value != d.visits:
                diffs.append(FieldDiff(key, str(value), "-" if d.visits is None else str(d.visits)))
        elif key == "steps":
            expected = [names.step(x, n) for x, n in _as_list(value, node, key)]
            steps = [f"{s.matter}.{s.id}" if names.journey else s.id for s in d.steps]
            if expected != steps:
                diffs.append(FieldDiff(key, _show(expected), _show(steps)))
        elif key == "critical_path":
            expected = [str(x) for x, _ in _as_list(value, node, key)]
            if d.kind != "journey":
                raise _Problem(node, Text("critical_path 只适用于一件事（journey）", "critical_path applies to journeys only"))
            if expected != d.time_limit.critical_path:
                diffs.append(FieldDiff(key, _show(expected), _show(d.time_limit.critical_path)))
    return diffs


def _days_text(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def _set_diff(key: str, expected: list[str], actual: list[str], shown: dict[str, str] | None = None) -> list[FieldDiff]:
    """The difference of two sets of keys, each key shown as the case wrote it (``shown``) when it did."""
    names = shown or {}
    exp_set, act_set = set(expected), set(actual)
    if exp_set == act_set:
        return []

    def label(k: str) -> str:
        return names.get(k, k)

    exp_sorted = [label(k) for k in dict.fromkeys(expected)]
    act_sorted = [label(k) for k in dict.fromkeys(actual)]
    return [FieldDiff(key, _show(exp_sorted), _show(act_sorted),
                      missing=[label(k) for k in dict.fromkeys(expected) if k not in act_set],
                      unexpected=[label(k) for k in dict.fromkeys(actual) if k not in exp_set])]


# ---------------------------------------------------------------- coverage
@dataclass
class CoverageItem:
    """A condition or a conditional material, and the outcomes the cases saw it take."""

    matter: str
    kind: str  # condition / material
    id: str
    loc: Loc | None
    seen: set[str] = field(default_factory=set)  # "yes" / "no" / "undetermined"

    @property
    def covered(self) -> int:
        return len(self.seen & {"yes", "no"})


@dataclass
class Coverage:
    """Every condition and conditional material of the project, in file order."""

    items: list[CoverageItem]

    @property
    def total(self) -> int:
        return 2 * len(self.items)

    @property
    def covered(self) -> int:
        return sum(i.covered for i in self.items)

    @property
    def percent(self) -> Fraction:
        return Fraction(100) if not self.items else Fraction(100 * self.covered, self.total)

    def uncovered(self) -> list[CoverageItem]:
        return [i for i in self.items if i.covered < 2]


def coverage(catalog: Catalog, results: list[CaseResult]) -> Coverage:
    """Which outcomes of each condition and conditional material the cases that ran saw."""
    items: dict[tuple[str, str, str], CoverageItem] = {}
    for mt in catalog.matters.values():
        for c in mt.conditions:
            items[(mt.id, "condition", c.id)] = CoverageItem(mt.id, "condition", c.id, c.loc)
        for mat in mt.materials:
            if mat.only_when is not None:
                items[(mt.id, "material", mat.id)] = CoverageItem(mt.id, "material", mat.id, mat.at("only_when"))
    for r in results:
        if r.decision is None or r.status == "error":
            continue
        for sub in r.decision.matter_decisions():
            for outcome in sub.conditions:
                item = items.get((sub.target, "condition", outcome.id))
                if item is not None:
                    item.seen.add(outcome.outcome)
            for asked in sub.all_materials():
                item = items.get((sub.target, "material", asked.id))
                if item is not None and asked.only_when is not None:
                    item.seen.add(asked.only_when)
    return Coverage(sorted(items.values(), key=lambda i: (_loc_key(i.loc), i.matter, i.kind, i.id)))


def _loc_key(loc: Loc | None) -> tuple[str, int, int]:
    return loc.sort_key() if loc is not None else ("\uffff", 0, 0)


def percent_text(p: Fraction) -> str:
    """One decimal, rounded down, so 99.96% never shows as 100.0%."""
    tenths = (p * 10).numerator // (p * 10).denominator
    return f"{tenths // 10}.{tenths % 10}"


def render_coverage(cov: Coverage, lang: str) -> str:
    lines = [say(lang, f"覆盖率：条件与条件材料的真/假取值覆盖 {cov.covered}/{cov.total}（{percent_text(cov.percent)}%）",
                  f"coverage: {cov.covered}/{cov.total} true/false outcomes of conditions and conditional materials ({percent_text(cov.percent)}%)")]
    for i in cov.uncovered():
        where = f"{i.loc.file}:{i.loc.line}:{i.loc.col}: " if i.loc is not None else ""
        never = [o for o in ("yes", "no") if o not in i.seen]
        never_zh = "、".join({"yes": "从未成立", "no": "从未不成立"}[o] for o in never)
        never_en = " and ".join({"yes": "never true", "no": "never false"}[o] for o in never)
        what_zh = "条件" if i.kind == "condition" else "材料（仅当）"
        what_en = "condition" if i.kind == "condition" else "material (only when)"
        lines.append(say(lang, f"  {where}事项“{i.matter}”的{what_zh}“{i.id}”：{never_zh}",
                          f"  {where}{what_en} '{i.id}' of matter '{i.matter}': {never_en}"))
    return terminal_text(lines)


# ---------------------------------------------------------------- reports
def render_results(files: list[TestFile], results: list[CaseResult], lang: str) -> str:
    by_file: dict[str, list[CaseResult]] = {}
    for r in results:
        by_file.setdefault(r.case.file, []).append(r)
    lines = []
    for tf in files:
        lines.append(tf.rel)
        if tf.error is not None:
            lines.append(f"  ! {tf.error.located(lang)}")
            continue
        for r in by_file.get(tf.rel, []):
            mark = {"pass": "✓", "fail": "✗", "error": "!"}[r.status]
            where = f"（第 {r.case.line} 行）" if lang == "zh" else f" (line {r.case.line})"
            lines.append(f"  {mark} {r.case.name}" + ("" if r.status == "pass" else where))
            if r.status != "pass":
                lines += ["      " + x for x in r.failure_text(lang).split("\n")]  # failure_text escapes within its lines
    passed = sum(r.status == "pass" for r in results)
    failed = sum(r.status == "fail" for r in results)
    errors = sum(r.status == "error" for r in results) + sum(tf.error is not None for tf in files)
    lines.append(say(lang, f"共 {len(results)} 个用例：通过 {passed}，失败 {failed}，错误 {errors}",
                      f"{len(results)} cases: {passed} passed, {failed} failed, {errors} errors"))
    return terminal_text(lines)


def junit_xml(files: list[TestFile], results: list[CaseResult], lang: str, suite_name: str = "qingdan") -> str:
    """JUnit XML: one testsuite per test file, one testcase per case (no timestamps: reproducible)."""
    by_file: dict[str, list[CaseResult]] = {}
    for r in results:
        by_file.setdefault(r.case.file, []).append(r)
    root = ET.Element("testsuites", name=suite_name)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for tf in files:
        rs = by_file.get(tf.rel, [])
        suite = ET.SubElement(root, "testsuite", name=xml_text(tf.rel))
        counts = {"tests": len(rs), "failures": sum(r.status == "fail" for r in rs), "errors": sum(r.status == "error" for r in rs)}
        classname = re.sub(r"\.test\.ya?ml$", "", tf.rel).replace("/", ".")
        if tf.error is not None:
            counts["tests"] += 1
            counts["errors"] += 1
            tc = ET.SubElement(suite, "testcase", classname=xml_text(classname), name=xml_text(tf.rel), file=xml_text(tf.rel),
                               line=str(tf.error.line))
            err = ET.SubElement(tc, "error", message=xml_text(tf.error.message(lang)), type="DataError")
            err.text = xml_text(tf.error.located(lang))
        for r in rs:
            tc = ET.SubElement(suite, "testcase", classname=xml_text(classname), name=xml_text(r.case.name), file=xml_text(tf.rel),
                               line=str(r.case.line))
            if r.status == "fail":
                fields = ", ".join(d.field for d in r.diffs)
                el = ET.SubElement(tc, "failure", message=xml_text(say(lang, f"与期望不符：{fields}", f"differs from the expectation: {fields}")),
                                   type="ExpectationMismatch")
                el.text = xml_text(r.failure_text(lang))
            elif r.status == "error" and r.error is not None:
                el = ET.SubElement(tc, "error", message=xml_text(r.error.message(lang)), type="DataError")
                el.text = xml_text(r.error.located(lang))
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("skipped", "0")
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@dataclass
class TestRun:
    files: list[TestFile]
    results: list[CaseResult]

    @property
    def ok(self) -> bool:
        return all(tf.error is None for tf in self.files) and all(r.status == "pass" for r in self.results)


def run_tests(catalog: Catalog, root: Path, paths: list[Path]) -> TestRun:
    """Load and run every case of ``paths`` (test files under ``root``) in this process, with one Evaluator."""
    evaluator = Evaluator(catalog)
    files = []
    results = []
    for p in paths:
        rel = p.relative_to(root).as_posix() if p.is_relative_to(root) else p.name
        tf = load_test_file(p, rel)
        files.append(tf)
        for case in tf.cases:
            results.append(run_case(evaluator, case))
    return TestRun(files, results)
