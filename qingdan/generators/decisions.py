"""Compile a matter's conditions and conditional materials into decision tables.

The tables are plain data here (inputs, outputs, rules of FEEL unary tests); dmn.py
writes them as DMN 1.3 XML, CSV and JSON.

Semantics. Facts may be missing (FEEL ``null``); a comparison on a missing fact is
unknown, and ``and``/``or``/``not`` follow three-valued (Kleene) logic, so a result is
never guessed: a missing fact only matters when the known facts cannot decide.

- Eligibility table, hit policy FIRST. Eligible when every condition holds.
  1. For each condition, the rows of its negation in disjunctive normal form (one row
     per conjunction; tests on the same fact are merged into one cell). A row matches
     only when its facts are present and the conjunction holds, so a match means the
     condition definitely fails: ``eligible=false`` with the condition's text.
  2. Then the same rows in "possibly" form (each cell also accepts ``null``): a match
     means the condition is not known to hold because a fact is missing:
     ``eligible=null`` (undetermined). A condition with no expression (text only, for
     a human to judge) is a row of ``-``: always undetermined.
  3. A final catch-all row: ``eligible=true``.
  ``condition`` references (``CondRef``) are inlined.
- Materials table, hit policy COLLECT. For each required material, one row per
  conjunction of its ``仅当`` expression (``required=true``), then the same rows in
  "possibly" form (``required=null``: undetermined for lack of facts); a material with
  no ``仅当`` is one row of ``-``. A material is required when any of its
  ``required=true`` rows matched; undetermined when only ``required=null`` rows did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..compiler import Catalog
from ..compiler import model as m
from ..compiler.normal_form import Atom, NormalFormTooLarge, to_nnf
from .describe import number_text, required_when_text

MAX_ROWS = 4096
Node = Any  # a negation normal form (compiler.normal_form): an Atom, or ("and" | "or", [nodes])
TYPE_REF = {"number": "number", "bool": "boolean", "text": "string", "enum": "string", "date": "date"}


class TableTooLarge(Exception):
    """A condition whose normal form needs more rows than a decision table should hold."""


# ---------------------------------------------------------------- normal forms
MAX_NORMAL_FORM_PARTS = 20_000  # parts of a condition written out (conditions it refers to included)


def normal_form(expr: m.Expr, matter: m.Matter, negate: bool = False) -> Node:
    """``to_nnf`` within MAX_NORMAL_FORM_PARTS: conditions built on conditions can double at each
    level, and a table of such a condition would be too large anyway (TableTooLarge)."""
    try:
        return to_nnf(expr, matter, negate, limit=MAX_NORMAL_FORM_PARTS)
    except NormalFormTooLarge:
        raise TableTooLarge() from None


def to_dnf(node: Node) -> list[tuple[Atom, ...]]:
    """Disjunctive normal form: a list of conjunctions (tuples of atoms), in source order."""
    if isinstance(node, Atom):
        return [(node,)]
    kind, items = node
    if kind == "or":
        out: list[tuple[Atom, ...]] = []
        for i in items:
            out.extend(to_dnf(i))
            if len(out) > MAX_ROWS:
                raise TableTooLarge()
        return out
    acc: list[tuple[Atom, ...]] = [()]
    for i in items:
        acc = [a + b for a in acc for b in to_dnf(i)]
        if len(acc) > MAX_ROWS:
            raise TableTooLarge()
    return acc or [()]


# ---------------------------------------------------------------- cell tests
@dataclass(frozen=True)
class Interval:
    lo: Any = None
    lo_incl: bool = False
    hi: Any = None
    hi_incl: bool = False

    def empty(self) -> bool:
        if self.lo is None or self.hi is None:
            return False
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_incl and self.hi_incl))

    def contains(self, v: Any) -> bool:
        if self.lo is not None and (v < self.lo or (v == self.lo and not self.lo_incl)):
            return False
        return not (self.hi is not None and (v > self.hi or (v == self.hi and not self.hi_incl)))


@dataclass(frozen=True)
class Test:
    """What one fact must be for a conjunction to hold.

    ``values``: one of these values (empty: nothing can satisfy the conjunction);
    ``ranges``: inside one of these intervals (empty: unsatisfiable);
    ``excluded``: anything but these values.
    """

    kind: str  # values | ranges | excluded
    items: tuple = ()

    @property
    def unsatisfiable(self) -> bool:
        return self.kind in ("values", "ranges") and not self.items


def _holds(atom: Atom, v: Any) -> bool:
    op, vals = atom.op, atom.values
    if op == "in":
        return v in vals
    if op == "notin":
        return v not in vals
    x = vals[0]
    return {"ge": v >= x, "le": v <= x, "gt": v > x, "lt": v < x, "eq": v == x, "ne": v != x}[op] if _comparable(v, x, op) else False


def _comparable(v: Any, x: Any, op: str) -> bool:
    if op in ("eq", "ne"):
        return True
    return type(v) is type(x) or (isinstance(v, Decimal) and isinstance(x, Decimal))


def merge_fact(atoms: list[Atom], fact: m.Fact) -> Test:
    """The single cell test equivalent to the conjunction of ``atoms`` on one fact."""
    positive = [a for a in atoms if a.op in ("eq", "in")]
    universe: list | None = None
    if fact.type == "enum":
        universe = [o.id for o in fact.options]
    elif fact.type == "bool":
        universe = [True, False]
    if positive or universe is not None:
        cands = list(universe) if universe is not None else list(dict.fromkeys(positive[0].values))
        return Test("values", tuple(v for v in cands if all(_holds(a, v) for a in atoms)))
    excluded = list(dict.fromkeys(v for a in atoms if a.op in ("ne", "notin") for v in a.values))
    bounds = [a for a in atoms if a.op in ("ge", "le", "gt", "lt")]
    if not bounds:
        return Test("excluded", tuple(excluded))
    iv = Interval()
    for a in bounds:
        x = a.values[0]
        if a.op in ("ge", "gt"):
            incl = a.op == "ge"
            if iv.lo is None or x > iv.lo or (x == iv.lo and not incl):
                iv = Interval(x, incl, iv.hi, iv.hi_incl)
        else:
            incl = a.op == "le"
            if iv.hi is None or x < iv.hi or (x == iv.hi and not incl):
                iv = Interval(iv.lo, iv.lo_incl, x, incl)
    if iv.empty():
        return Test("ranges", ())
    pieces = [iv]
    for x in sorted(v for v in excluded if iv.contains(v)):
        last = pieces.pop()
        pieces += [Interval(last.lo, last.lo_incl, x, False), Interval(x, False, last.hi, last.hi_incl)]
    return Test("ranges", tuple(p for p in pieces if not p.empty()))


# ---------------------------------------------------------------- FEEL text
def feel_literal(v: Any) -> str:
    """A value as a FEEL literal: ``null``, ``true``, ``20``, ``date("2026-01-01")``, ``"text"``."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal | int | float):
        return number_text(v)
    if isinstance(v, date):
        return f'date("{v.isoformat()}")'
    text = str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _feel_interval(iv: Interval) -> str:
    lo, hi = iv.lo, iv.hi
    if lo is None and hi is None:
        return "-"
    if hi is None:
        return f"{'>=' if iv.lo_incl else '>'} {feel_literal(lo)}"
    if lo is None:
        return f"{'<=' if iv.hi_incl else '<'} {feel_literal(hi)}"
    if lo == hi:
        return feel_literal(lo)
    return f"{'[' if iv.lo_incl else '('}{feel_literal(lo)}..{feel_literal(hi)}{']' if iv.hi_incl else ')'}"


def feel_test(test: Test | None, possibly: bool) -> str:
    """The FEEL unary test of a cell; in ``possibly`` form a missing value (null) also matches."""
    if test is None:
        return "-"
    if test.kind == "excluded":
        if not test.items:
            return "-" if possibly else "not(null)"
        inner = ", ".join(feel_literal(v) for v in test.items)
        # ``not("a")`` also matches null (null = "a" is false), so the definite form excludes it
        return f"not({inner})" if possibly else f"not({inner}, null)"
    if test.kind == "values":
        parts = [feel_literal(v) for v in test.items]
    else:
        parts = [_feel_interval(iv) for iv in test.items]
        if "-" in parts:
            return "-" if possibly else "not(null)"
    if possibly:
        parts.append("null")
    return ", ".join(parts)


def test_json(test: Test | None, possibly: bool) -> dict[str, Any]:
    """A structured form of a cell for systems that do not read FEEL."""
    out: dict[str, Any] = {"feel": feel_test(test, possibly)}
    if test is None:
        out["any"] = True
        return out
    if test.kind == "values":
        out["in"] = [_json_value(v) for v in test.items]
    elif test.kind == "excluded":
        out["not_in"] = [_json_value(v) for v in test.items]
    else:
        out["ranges"] = [
            {k: v for k, v in (("min", _json_value(iv.lo)), ("min_inclusive", iv.lo_incl if iv.lo is not None else None),
                               ("max", _json_value(iv.hi)), ("max_inclusive", iv.hi_incl if iv.hi is not None else None)) if v is not None}
            for iv in test.items
        ]
    out["null_matches"] = possibly
    return out


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral() else float(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


# ---------------------------------------------------------------- tables
@dataclass
class Input:
    name: str  # the fact id, also the FEEL input expression
    label: str
    type_ref: str
    values: tuple = ()  # allowed values, for enum and boolean facts


@dataclass
class Output:
    name: str
    label: str
    type_ref: str


@dataclass
class Row:
    tests: list[Test | None]
    possibly: bool
    outputs: dict[str, Any]
    annotation: str = ""

    def entries(self) -> list[str]:
        return [feel_test(t, self.possibly) for t in self.tests]


@dataclass
class Table:
    id: str
    name: str
    label: str
    hit_policy: str
    inputs: list[Input]
    outputs: list[Output]
    rows: list[Row] = field(default_factory=list)
    description: str = ""
    annotation: str = "依据"


def matter_inputs(matter: m.Matter) -> list[Input]:
    out = []
    for f in matter.facts:
        values: tuple = ()
        if f.type == "enum":
            values = tuple(o.id for o in f.options)
        elif f.type == "bool":
            values = (True, False)
        out.append(Input(f.id, f.label, TYPE_REF[f.type], values))
    return out


def conjunction_rows(conj: Iterable[Atom], matter: m.Matter, inputs: list[Input], possibly: bool) -> list[list[Test | None]]:
    """The cells of a conjunction's row, or ``[]`` when the row can never match."""
    by_fact: dict[str, list[Atom]] = {}
    for a in conj:
        if a.op == "false":
            return []
        if a.op == "unknown" and not possibly:
            return []
        if a.fact is not None:
            by_fact.setdefault(a.fact, []).append(a)
    cells: list[Test | None] = []
    for inp in inputs:
        atoms = by_fact.pop(inp.name, None)
        if not atoms:
            cells.append(None)
            continue
        fact = matter.fact(inp.name)
        assert fact is not None  # the inputs are the matter's own facts
        test = merge_fact(atoms, fact)
        if test.unsatisfiable and not possibly:
            return []
        cells.append(test)
    if by_fact:  # a test on a fact the matter does not declare: never decidable
        return [] if not possibly else [cells]
    return [cells]


def eligibility_table(catalog: Catalog, matter: m.Matter) -> Table:
    """The eligibility table (hit policy FIRST) of ``matter``."""
    inputs = matter_inputs(matter)
    table = Table(
        "eligibility", "受理条件", "是否符合受理条件", "FIRST", inputs,
        [Output("eligible", "是否符合条件", "boolean"), Output("status", "判定结果", "string"),
         Output("condition", "条件编号", "string"), Output("reason", "条件说明", "string")],
        description="按顺序取第一条匹配的规则：先判断每个条件是否确定不满足，再判断是否因缺少事实而无法判定，最后一条表示全部条件满足。",
    )
    negations = []
    for cond in matter.conditions:
        conjs = to_dnf(normal_form(cond.expr, matter, negate=True)) if cond.expr is not None else None
        negations.append((cond, conjs))
    for cond, conjs in negations:
        for conj in conjs or ():
            for cells in conjunction_rows(conj, matter, inputs, False):
                table.rows.append(Row(cells, False, {"eligible": False, "status": "不符合", "condition": cond.id, "reason": cond.text},
                                      _basis(catalog, cond.basis)))
    for cond, conjs in negations:
        for conj in conjs if conjs is not None else [(Atom("unknown"),)]:
            for cells in conjunction_rows(conj, matter, inputs, True):
                table.rows.append(Row(cells, True, {"eligible": None, "status": "无法判定", "condition": cond.id, "reason": cond.text},
                                      _basis(catalog, cond.basis)))
    table.rows.append(Row([None] * len(inputs), False, {"eligible": True, "status": "符合", "condition": None, "reason": None},
                          _basis(catalog, matter.basis)))
    _dedupe(table)
    return table


def materials_table(catalog: Catalog, matter: m.Matter) -> Table:
    """The materials table (hit policy COLLECT) of ``matter``."""
    inputs = matter_inputs(matter)
    table = Table(
        "materials", "申请材料", "需要提交的申请材料", "COLLECT", inputs,
        [Output("material", "材料编号", "string"), Output("name", "材料名称", "string"),
         Output("required", "是否需要", "boolean"), Output("submission", "提交方式", "string"),
         Output("tolerated", "容缺受理", "boolean"), Output("commitment", "告知承诺", "boolean")],
        annotation="说明",
        description="收集所有匹配的规则：“是否需要”为 true 的材料必须提供；只匹配到 null 的材料因缺少事实暂无法判定。免提交的材料通过数据共享获取。",
    )
    for mat in matter.materials:
        if not mat.required:
            continue
        outputs = {"material": mat.id, "name": mat.name, "required": True,
                   "submission": "免提交（数据共享）" if mat.shareable else "申请人提交",
                   "tolerated": mat.tolerated, "commitment": mat.commitment}
        if mat.only_when is None:
            table.rows.append(Row([None] * len(inputs), False, outputs))
            continue
        conjs = to_dnf(normal_form(mat.only_when, matter))
        note = required_when_text(mat, matter)
        for possibly in (False, True):
            for conj in conjs:
                for cells in conjunction_rows(conj, matter, inputs, possibly):
                    table.rows.append(Row(cells, possibly, {**outputs, "required": None if possibly else True}, note))
    _dedupe(table)
    return table


def _dedupe(table: Table) -> None:
    """Drop rows that repeat an earlier row's cells and outputs (they can never change the result)."""
    seen = set()
    kept = []
    for r in table.rows:
        key = (tuple(r.entries()), tuple(sorted((k, repr(v)) for k, v in r.outputs.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(r)
    table.rows = kept


def _basis(catalog: Catalog, basis: list[m.Citation]) -> str:
    return "；".join(catalog.citation_text(c) for c in basis)
