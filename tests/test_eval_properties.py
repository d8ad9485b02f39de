"""Property tests: for random facts, ``evaluate`` agrees with the build's decision tables and
with a direct reading of the syntax tree.

(a) The DMN XML and the CSV tables of qingdan.generators.dmn are executed here by a
    small FEEL unary-test evaluator (hit policy FIRST for eligibility, COLLECT for
    materials), and must give the same eligibility, first failing (or undetermined)
    condition, and materials.
(b) An independent three-valued interpreter walks the syntax tree from
    ``qingdan.dsl.parser.parse`` (not the lowered model) and must give the same
    outcome for every condition and every material.

Both are run on the evaluation fixture, on randomly written conditions, and on the city
example when it exists.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from conftest import EXAMPLES, write_project
from eval_support import BASE, MATTERS, load_catalog
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from qingdan.compiler import Catalog, CompileOptions
from qingdan.compiler import compile as compile_project
from qingdan.compiler import model as m
from qingdan.dsl import ast
from qingdan.dsl.parser import parse
from qingdan.engine.evaluate import Evaluator, evaluate
from qingdan.generators.dmn import DecisionBuildError, matter_dmn, matter_tables, table_csv

SETTINGS = settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- a tiny FEEL unary-test evaluator
_TOKEN = re.compile(r"""\s*(?:
    (?P<date>date\("(?:[^"\\]|\\.)*"\))
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<range>\.\.)
  | (?P<op>>=|<=|>|<|=)
  | (?P<punct>[(),\[\]])
  | (?P<word>not|null|true|false)
  | (?P<dash>-)
)""", re.X)


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda mt: {"n": "\n"}.get(mt.group(1), mt.group(1)), body)


def feel_tokens(text: str) -> list[tuple[str, object]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        mt = _TOKEN.match(text, pos)
        assert mt and mt.end() > pos, f"cannot read FEEL at {text[pos:]!r} in {text!r}"
        pos = mt.end()
        kind = mt.lastgroup
        raw = mt.group(kind)
        if kind == "date":
            out.append(("lit", date.fromisoformat(_unescape(raw[6:-2]))))
        elif kind == "str":
            out.append(("lit", _unescape(raw[1:-1])))
        elif kind == "num":
            out.append(("lit", Decimal(raw)))
        elif kind == "word" and raw in ("true", "false"):
            out.append(("lit", raw == "true"))
        elif kind == "word" and raw == "null":
            out.append(("null", None))
        else:
            out.append((kind, raw))
    return out


def feel_unary_tests(text: str):
    """Parse a cell into a predicate over one value (None is FEEL null)."""
    toks = feel_tokens(text)
    if toks == [("dash", "-")]:
        return lambda v: True
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else (None, None)

    def take(kind=None, value=None):
        nonlocal pos
        tok = peek()
        assert tok[0] is not None and (kind is None or tok[0] == kind) and (value is None or tok[1] == value), (text, tok)
        pos += 1
        return tok

    def literal():
        return take("lit")[1]

    def one():
        kind, val = peek()
        if kind == "null":
            take()
            return lambda v: v is None
        if kind == "op":
            op = take()[1]
            x = literal()
            return lambda v: v is not None and _cmp(op, v, x)
        if kind == "punct" and val in "[(]":
            opener = take()[1]
            lo = literal()
            take("range")
            hi = literal()
            closer = take("punct")[1]
            lo_incl, hi_incl = opener == "[", closer == "]"
            return lambda v: v is not None and (v > lo or (lo_incl and v == lo)) and (v < hi or (hi_incl and v == hi))
        x = literal()
        return lambda v: v is not None and _same(v, x)

    def tests():
        items = [one()]
        while peek() == ("punct", ","):
            take()
            items.append(one())
        return items

    if peek() == ("word", "not"):
        take()
        take("punct", "(")
        inner = tests()
        take("punct", ")")
        assert pos == len(toks), text
        return lambda v: not any(t(v) for t in inner)
    items = tests()
    assert pos == len(toks), text
    return lambda v: any(t(v) for t in items)


def _same(v, x) -> bool:
    return isinstance(v, bool) == isinstance(x, bool) and v == x


def _cmp(op, v, x) -> bool:
    if isinstance(v, bool) or isinstance(x, bool) or (type(v) is not type(x) and not (isinstance(v, Decimal) and isinstance(x, Decimal))):
        return False
    return {">=": v >= x, "<=": v <= x, ">": v > x, "<": v < x, "=": v == x}[op]


def feel_value(text: str):
    toks = feel_tokens(text)
    assert len(toks) == 1, text
    return toks[0][1]


# ---------------------------------------------------------------- running the generated tables
class Table:
    def __init__(self, hit: str, inputs: list[str], outputs: list[str], rules: list[tuple[list[str], dict]]) -> None:
        self.hit, self.inputs, self.outputs = hit, inputs, outputs
        self.rules = [([feel_unary_tests(e) for e in entries], outs) for entries, outs in rules]

    def matches(self, facts: dict) -> list[dict]:
        hits = []
        for tests, outs in self.rules:
            if all(t(facts.get(name)) for t, name in zip(tests, self.inputs)):
                hits.append(outs)
                if self.hit == "FIRST":
                    break
        return hits


NS = {"d": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


def dmn_tables(xml: str) -> dict[str, Table]:
    root = etree.fromstring(xml.encode("utf-8"))
    out = {}
    for decision in root.findall("d:decision", NS):
        dt = decision.find("d:decisionTable", NS)
        inputs = [i.findtext("d:inputExpression/d:text", namespaces=NS) for i in dt.findall("d:input", NS)]
        outputs = [o.get("name") for o in dt.findall("d:output", NS)]
        rules = []
        for rule in dt.findall("d:rule", NS):
            entries = [e.findtext("d:text", namespaces=NS) for e in rule.findall("d:inputEntry", NS)]
            values = [feel_value(e.findtext("d:text", namespaces=NS)) for e in rule.findall("d:outputEntry", NS)]
            rules.append((entries, dict(zip(outputs, values))))
        out[decision.get("id")] = Table(dt.get("hitPolicy"), inputs, outputs, rules)
    return out


def csv_table(text: str, hit: str, n_inputs: int) -> Table:
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header = rows[0]
    inputs = header[1:1 + n_inputs]
    outputs = [re.search(r"\((\w+)\)$", h).group(1) for h in header[1 + n_inputs:-1]]
    rules = []
    for row in rows[1:]:
        entries = row[1:1 + n_inputs]
        outs = {}
        for name, cell in zip(outputs, row[1 + n_inputs:-1]):
            outs[name] = {"true": True, "false": False, "null": None}.get(cell, cell)
        rules.append((entries, outs))
    return Table(hit, inputs, outputs, rules)


_OUTCOME = {True: "yes", False: "no", None: "undetermined"}


def assert_tables_agree(tables: dict[str, Table], decision, facts: dict, where: str) -> None:
    elig = tables["eligibility"].matches(facts)
    assert len(elig) == 1, where
    row = elig[0]
    assert _OUTCOME[row["eligible"]] == decision.eligible, (where, facts, row)
    if decision.eligible == "no":
        assert row["condition"] == decision.failing[0], (where, facts)
    elif decision.eligible == "undetermined":
        assert row["condition"] == decision.undetermined[0], (where, facts)
    needed: dict[str, object] = {}
    for outs in tables["materials"].matches(facts):
        mid = outs["material"]
        if outs["required"] is True or mid not in needed:
            needed[mid] = outs
    actual = {i.id: i for i in decision.materials + decision.fetched + decision.materials_undetermined}
    assert set(needed) == set(actual), (where, facts, sorted(needed), sorted(actual))
    for mid, outs in needed.items():
        item = actual[mid]
        assert (outs["required"] is True) == (item.status in ("submit", "fetched")), (where, mid, facts)
        assert (outs["required"] is None) == (item.status == "undetermined"), (where, mid, facts)
        assert ("免提交" in str(outs["submission"])) == (item.source != "applicant"), (where, mid)
        assert outs["tolerated"] == item.tolerated and outs["commitment"] == item.commitment, (where, mid)


def generated_tables(catalog: Catalog, matter: m.Matter) -> tuple[dict[str, Table], dict[str, Table]]:
    """The matter's tables as the build writes them: from the DMN XML, and from the CSV files."""
    tables = matter_tables(catalog, matter)
    from_dmn = dmn_tables(matter_dmn(catalog, matter, "m", tables))
    n = len(matter.facts)
    from_csv = {"eligibility": csv_table(table_csv(tables[0]), "FIRST", n), "materials": csv_table(table_csv(tables[1]), "COLLECT", n)}
    return from_dmn, from_csv


# ---------------------------------------------------------------- a direct reading of the syntax tree
def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class TreeMatter:
    """A matter read straight from the syntax tree: facts, conditions and materials."""

    def __init__(self, block: ast.Block) -> None:
        self.facts: dict[str, tuple[str, list[str]]] = {}
        self.conditions: dict[str, object] = {}
        self.materials: dict[str, dict] = {}
        for member in block.body:
            if not isinstance(member, ast.Block) or member.name is None:
                continue
            kind, name = _norm(member.kind.text), _norm(member.name.text)
            if kind == "事实":
                t = member.values[0]
                if isinstance(t, ast.Call):
                    self.facts[name] = ("enum", [_norm(a.text) if isinstance(a, ast.Ref) else a.value for a in t.args])
                else:
                    self.facts[name] = ({"数字": "number", "布尔": "bool", "文本": "text", "日期": "date"}[_norm(t.text)], [])
            elif kind == "条件":
                fields = {_norm(f.key.text): f for f in member.body or [] if isinstance(f, ast.Field)}
                expr = member.values[0] if member.values else (fields["当"].values[0] if "当" in fields else None)
                self.conditions[name] = expr
            elif kind == "材料":
                fields = {_norm(f.key.text): f for f in member.body or [] if isinstance(f, ast.Field)}
                required = fields["必需"].values[0].value if "必需" in fields else True
                only = fields["仅当"].values[0] if "仅当" in fields else None
                shared = "来源" in fields and isinstance(fields["来源"].values[0], ast.Call)
                self.materials[name] = {"required": required, "only": only, "shared": shared}

    def literal(self, fact: str, v):
        t = self.facts[fact][0]
        if isinstance(v, ast.Quantity):
            v = v.amount
        if t == "number":
            return v.value
        if t == "date":
            return date.fromisoformat(v.text)
        if t == "bool":
            return v.value
        return _norm(v.text) if isinstance(v, ast.Ref) else v.value

    def ev(self, node, facts: dict, stack=()):
        """Kleene three-valued value of an expression node: True, False or None."""
        if isinstance(node, ast.Paren):
            return self.ev(node.inner, facts, stack)
        if isinstance(node, ast.Bool):
            return node.value
        if isinstance(node, ast.Not):
            v = self.ev(node.operand, facts, stack)
            return None if v is None else not v
        if isinstance(node, ast.BoolOp):
            vals = [self.ev(i, facts, stack) for i in node.items]
            if node.op == "and":
                return False if False in vals else None if None in vals else True
            return True if True in vals else None if None in vals else False
        if isinstance(node, ast.Ref):
            name = _norm(node.text)
            if name in self.conditions:
                return self.condition(name, facts, stack)
            return facts.get(name)
        if isinstance(node, ast.Compare):
            left, right, op = node.left, node.right, node.op
            if not isinstance(left, ast.Ref):
                left, right = right, left
                op = {"ge": "le", "le": "ge", "gt": "lt", "lt": "gt"}.get(op, op)
            fact = _norm(left.text)
            v = facts.get(fact)
            if v is None:
                return None
            x = self.literal(fact, right)
            return {"ge": v >= x, "le": v <= x, "gt": v > x, "lt": v < x, "eq": v == x, "ne": v != x}[op]
        if isinstance(node, ast.Member):
            fact = _norm(node.left.text)
            v = facts.get(fact)
            if v is None:
                return None
            found = any(v == self.literal(fact, it) for it in node.options.items)
            return found != node.negated
        raise AssertionError(f"unexpected node {node!r}")

    def condition(self, name: str, facts: dict, stack=()):
        expr = self.conditions[name]
        if expr is None or name in stack:
            return None
        return self.ev(expr, facts, (*stack, name))

    def material_status(self, name: str, facts: dict) -> str:
        mat = self.materials[name]
        if not mat["required"]:
            return "optional"
        v = True if mat["only"] is None else self.ev(mat["only"], facts)
        if v is None:
            return "undetermined"
        if v is False:
            return "not_needed"
        return "fetched" if mat["shared"] else "submit"


def tree_matters(text: str) -> dict[str, TreeMatter]:
    tree, problem = parse(text, "x.qd")
    assert problem is None, problem
    return {_norm(b.name.text): TreeMatter(b) for b in tree.items if _norm(b.kind.text) == "事项"}


def assert_tree_agrees(tm: TreeMatter, decision, facts: dict, where: str) -> None:
    outcomes = {c.id: c.outcome for c in decision.conditions}
    expected = {cid: _OUTCOME[tm.condition(cid, facts)] for cid in tm.conditions}
    assert outcomes == expected, (where, facts)
    vals = list(expected.values())
    elig = "no" if "no" in vals else "undetermined" if "undetermined" in vals else "yes"
    assert decision.eligible == elig, (where, facts)
    statuses = {i.id: i.status for i in decision.all_materials()}
    assert statuses == {mid: tm.material_status(mid, facts) for mid in tm.materials}, (where, facts)


# ---------------------------------------------------------------- random facts
def _literals(expr, out: dict) -> None:
    if isinstance(expr, m.Compare):
        out.setdefault(expr.fact, set()).add(expr.value.value)
    elif isinstance(expr, m.InSet):
        out.setdefault(expr.fact, set()).update(v.value for v in expr.values)
    elif isinstance(expr, m.Not):
        _literals(expr.operand, out)
    elif isinstance(expr, m.AllOf | m.AnyOf):
        for i in expr.items:
            _literals(i, out)


def fact_strategy(matter: m.Matter):
    """Random facts for a matter: each fact missing or a value near the matter's own literals."""
    lits: dict = {}
    for c in matter.conditions:
        _literals(c.expr, lits)
    for mat in matter.materials:
        _literals(mat.only_when, lits)
    parts = {}
    for f in matter.facts:
        near = sorted(lits.get(f.id, set()), key=str)
        if f.type == "number":
            exact = [Decimal(str(x)) for x in near] or [Decimal(0)]
            around = [x + d for x in exact for d in (Decimal(-1), Decimal("-0.5"), Decimal("0.5"), Decimal(1))]
            values = st.one_of(st.sampled_from(exact), st.sampled_from(around),
                               st.decimals(-100000, 100000, places=2, allow_nan=False, allow_infinity=False))
        elif f.type == "date":
            exact = near or [date(2024, 1, 1)]
            around = [x + timedelta(days=d) for x in exact for d in (-1, 1)]
            values = st.one_of(st.sampled_from(exact), st.sampled_from(around), st.dates(date(1950, 1, 1), date(2060, 12, 31)))
        elif f.type == "enum":
            values = st.sampled_from([o.id for o in f.options])
        elif f.type == "bool":
            values = st.booleans()
        else:
            values = st.one_of(st.sampled_from(near or [""]), st.text(max_size=4))
        parts[f.id] = st.one_of(st.none(), values, values, values)  # missing about a quarter of the time
    return st.fixed_dictionaries(parts).map(lambda d: {k: v for k, v in d.items() if v is not None})


# ---------------------------------------------------------------- the fixture project
@dataclass(frozen=True)
class Project:
    """A compiled project with what the properties compare against: its tables and its syntax trees.

    One ``Evaluator`` decides every example, as the test runner does, so the properties
    also check that what it keeps between decisions never changes an answer.
    """

    catalog: Catalog
    evaluator: Evaluator
    tables: dict[str, tuple[dict[str, Table], dict[str, Table]]]
    trees: dict[str, TreeMatter]


def project_of(catalog: Catalog, trees: dict[str, TreeMatter]) -> Project:
    tables = {mid: generated_tables(catalog, mt) for mid, mt in catalog.matters.items()}
    return Project(catalog, Evaluator(catalog), tables, trees)


@functools.cache  # hypothesis strategies cannot take pytest fixtures: compiled once per session
def fixture_project() -> Project:
    with tempfile.TemporaryDirectory(prefix="qd-eval-") as tmp:
        return project_of(load_catalog(Path(tmp)), tree_matters(BASE + MATTERS))


@st.composite
def matter_and_facts(draw):
    catalog = fixture_project().catalog
    mid = draw(st.sampled_from(sorted(catalog.matters)))
    return mid, draw(fact_strategy(catalog.matters[mid]))


@SETTINGS
@given(matter_and_facts())
def test_evaluate_agrees_with_the_dmn_and_csv_tables(case):
    mid, facts = case
    project = fixture_project()
    decision = project.evaluator.decide(mid, facts, explain=False)
    from_dmn, from_csv = project.tables[mid]
    assert_tables_agree(from_dmn, decision, facts, f"{mid} (DMN)")
    assert_tables_agree(from_csv, decision, facts, f"{mid} (CSV)")


@SETTINGS
@given(matter_and_facts())
def test_evaluate_agrees_with_a_direct_reading_of_the_syntax_tree(case):
    mid, facts = case
    project = fixture_project()
    decision = project.evaluator.decide(mid, facts, explain=False)
    assert_tree_agrees(project.trees[mid], decision, facts, mid)


def test_the_table_evaluator_is_not_vacuous():
    """The FEEL reader distinguishes the cells it must (guards against an always-true reader)."""
    assert feel_unary_tests("< 20")(Decimal(19)) and not feel_unary_tests("< 20")(Decimal(20))
    assert not feel_unary_tests("< 20")(None) and feel_unary_tests("< 20, null")(None)
    assert feel_unary_tests('not("a", null)')("b") and not feel_unary_tests('not("a", null)')(None)
    assert feel_unary_tests('not("a")')(None) and not feel_unary_tests('not("a")')("a")
    assert feel_unary_tests("[1..3)")(Decimal(1)) and not feel_unary_tests("[1..3)")(Decimal(3))
    assert feel_unary_tests('>= date("2020-01-01")')(date(2020, 1, 1)) and not feel_unary_tests('>= date("2020-01-01")')(date(2019, 12, 31))
    assert feel_unary_tests("true")(True) and not feel_unary_tests("true")(False) and not feel_unary_tests("1")(True)
    project = fixture_project()
    from_dmn, _ = project.tables["食品经营许可"]
    facts = {"经营面积": Decimal(10), "主体类型": "企业法人", "有健康证明": True, "成立日期": date(2024, 1, 1), "经营地址": "x", "经营项目": "热食类"}
    row = from_dmn["eligibility"].matches(facts)[0]
    assert row["eligible"] is False and row["condition"] == "场所达标"
    assert evaluate(project.catalog, "食品经营许可", facts).failing == ["场所达标", "热食场所"]


# ---------------------------------------------------------------- random conditions
_FACTS = """
  事实 面积 "面积": 数字
  事实 类型 "类型": 枚举(甲, 乙, 丙)
  事实 有证 "有证": 布尔
  事实 日期 "日期": 日期
  事实 地址 "地址": 文本
"""
_OPS = {"ge": [">=", "不小于", "≥"], "le": ["<=", "不大于"], "gt": [">", "大于", "超过"], "lt": ["<", "小于", "低于"],
        "eq": ["==", "等于"], "ne": ["!=", "不等于"]}


@st.composite
def atom_text(draw):
    fact = draw(st.sampled_from(["面积", "类型", "有证", "日期", "地址"]))
    if fact == "面积":
        op = draw(st.sampled_from(sorted(_OPS)))
        return f"面积 {draw(st.sampled_from(_OPS[op]))} {draw(st.sampled_from(['0', '10', '20', '20.5', '100']))}"
    if fact == "日期":
        op = draw(st.sampled_from(sorted(_OPS)))
        return f"日期 {draw(st.sampled_from(_OPS[op]))} {draw(st.sampled_from(['2020-01-01', '2020-01-02', '2024-02-29']))}"
    if fact == "类型":
        if draw(st.booleans()):
            return f"类型 {draw(st.sampled_from(['==', '!=']))} {draw(st.sampled_from(['甲', '乙', '丙']))}"
        opts = draw(st.lists(st.sampled_from(["甲", "乙", "丙"]), min_size=1, max_size=3, unique=True))
        return f"类型 {draw(st.sampled_from(['属于', '不 属于', 'in', 'not in']))} [{', '.join(opts)}]"
    if fact == "有证":
        return draw(st.sampled_from(["有证", "有证 == 是", "有证 != 是", "有证 == 否"]))
    if draw(st.booleans()):
        return f'地址 {draw(st.sampled_from(["==", "!="]))} "{draw(st.sampled_from(["", "一号", "二号"]))}"'
    return f'地址 {draw(st.sampled_from(["属于", "不 属于"]))} ["一号", "二号"]'


def expr_text(depth: int):
    if depth == 0:
        return atom_text()
    sub = expr_text(depth - 1)
    return st.one_of(
        atom_text(),
        st.builds(lambda x, w: f"{w} ({x})", sub, st.sampled_from(["非", "not"])),
        st.builds(lambda xs, w: f" {w} ".join(f"({x})" for x in xs), st.lists(sub, min_size=2, max_size=3),
                  st.sampled_from(["且", "并且", "and", "或", "或者", "or"])),
    )


def _random_matter(c1: str, c2: str, c3: str, m1: str) -> str:
    return f"""
事项 随机 "随机事项" {{
{_FACTS}
  条件 甲条件 "条件一" {{ 当: {c1} }}
  条件 乙条件 "条件二" {{ 当: {c2} }}
  条件 丙条件 "条件三" {{ 当: 甲条件 {c3} }}
  材料 材料一 "材料一" {{ 仅当: {m1} }}
  材料 材料二 "材料二" {{ 仅当: 非 乙条件; 来源: 签发(某局) }}
  材料 材料三 "材料三"
}}
部门 某局 "某局" {{ 层级: 市 }}
"""


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(c1=expr_text(2), c2=expr_text(2), joiner=st.sampled_from(["且", "或"]), c3=expr_text(1), m1=expr_text(2), data=st.data())
def test_random_conditions_agree_across_evaluator_tables_and_syntax_tree(c1, c2, joiner, c3, m1, data):
    text = _random_matter(c1, c2, f"{joiner} ({c3})", m1)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_project(Path(tmp), {"r.qd": text})
        result = compile_project(root, CompileOptions(checks=False))
        errors = [d.message_en for d in result.diagnostics if d.severity.value == "error"]
        assert errors == [], (text, errors)
        catalog = result.catalog
    matter = catalog.matters["随机"]
    try:
        from_dmn, from_csv = generated_tables(catalog, matter)
    except DecisionBuildError:
        assume(False)
    tm = tree_matters(text)["随机"]
    for _ in range(5):
        facts = data.draw(fact_strategy(matter))
        decision = evaluate(catalog, "随机", facts, explain=False)
        assert_tree_agrees(tm, decision, facts, text)
        assert_tables_agree(from_dmn, decision, facts, text)
        assert_tables_agree(from_csv, decision, facts, text)


# ---------------------------------------------------------------- the city example
CITY = EXAMPLES / "city"


@functools.cache
def city_project() -> Project:
    result = compile_project(CITY, CompileOptions(checks=False))
    assert not result.has_errors, [d.message_en for d in result.diagnostics if d.severity.value == "error"]
    catalog = result.catalog
    assert catalog.matters, "examples/city declares no matters"
    trees: dict[str, TreeMatter] = {}
    for sf in result.files.values():
        trees.update(tree_matters(sf.text))
    return project_of(catalog, trees)


@st.composite
def city_case(draw):
    catalog = city_project().catalog
    mid = draw(st.sampled_from(sorted(catalog.matters)))
    return mid, draw(fact_strategy(catalog.matters[mid]))


@SETTINGS
@given(city_case())
def test_city_matters_agree_with_their_decision_tables(case):
    mid, facts = case
    project = city_project()
    decision = project.evaluator.decide(mid, facts, explain=False)
    from_dmn, from_csv = project.tables[mid]
    assert_tables_agree(from_dmn, decision, facts, f"{mid} (DMN)")
    assert_tables_agree(from_csv, decision, facts, f"{mid} (CSV)")


@SETTINGS
@given(city_case())
def test_city_matters_agree_with_a_direct_reading_of_their_syntax_tree(case):
    mid, facts = case
    project = city_project()
    decision = project.evaluator.decide(mid, facts, explain=False)
    assert_tree_agrees(project.trees[mid], decision, facts, mid)
