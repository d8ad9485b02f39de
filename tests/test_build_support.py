"""Helpers for the build tests (no tests here): fixture builds, a reference FEEL evaluator,
a direct three-valued evaluator of the model's expressions, and fact strategies.

The reference evaluator reads the FEEL unary tests the decision tables contain and is
written from the FEEL rules, independently of qingdan.generators.decisions, so the tests
compare two implementations, not one with itself.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from qingdan.compiler import Catalog, CompileResult
from qingdan.compiler import compile as compile_project
from qingdan.compiler import model as m
from qingdan.generators.build import BUILD_STEPS, Step, build
from qingdan.generators.site import site_step

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "build"
GOLDEN = REPO / "tests" / "golden" / "build"
CITY = REPO / "examples" / "city"
UPDATE_GOLDEN = os.environ.get("QINGDAN_UPDATE_GOLDEN") == "1"


def projects() -> list[Path]:
    """The projects every artefact test runs on: the build fixture, and the city example once it exists."""
    out = [FIXTURE]
    if (CITY / "qingdan.toml").is_file():
        out.append(CITY)
    return out


@cache
def compiled(project: Path) -> CompileResult:
    return compile_project(project)


def catalog_of(project: Path) -> Catalog:
    return compiled(project).catalog


def assert_clean(project: Path) -> None:
    """A project the build tests run on must compile without errors (else qingdan build refuses it)."""
    errors = [d for d in compiled(project).diagnostics if d.severity.value == "error" and not d.waived]
    assert not errors, f"{project.name} has {len(errors)} errors, so it cannot be built: {[d.message_zh for d in errors][:3]}"


@cache
def built(project: Path) -> Path:
    """Build ``project`` once per test process into a temporary directory."""
    assert_clean(project)
    tmp = Path(tempfile.mkdtemp(prefix="qd-build-test-"))
    atexit.register(shutil.rmtree, tmp, True)
    out = tmp / "out"
    build(catalog_of(project), out, steps=core_steps())
    return out


def core_steps() -> tuple[Step, ...]:
    """The build's steps without the reviewers' site (as ``qingdan build --no-site`` runs them)."""
    return tuple(s for s in BUILD_STEPS if s is not site_step)


def copy_project(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("build", "site", ".*"))
    return dst


# ---------------------------------------------------------------- reference FEEL
class FeelError(Exception):
    pass


def _split_top(text: str, sep: str = ",") -> list[str]:
    parts, depth, quote, buf = [], 0, False, []
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            buf.append(ch)
            if ch == "\\":
                buf.append(text[i + 1])
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
            buf.append(ch)
        elif ch in "([":
            depth += 1
            buf.append(ch)
        elif ch in ")]":
            depth -= 1
            buf.append(ch)
        elif ch == sep and depth == 0:
            parts.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf).strip())
    return parts


def feel_value(text: str):
    text = text.strip()
    if text == "null":
        return None
    if text in ("true", "false"):
        return text == "true"
    if text.startswith('"') and text.endswith('"'):
        return re.sub(r'\\(.)', lambda mt: {"n": "\n"}.get(mt.group(1), mt.group(1)), text[1:-1])
    mt = re.fullmatch(r'date\("(\d{4}-\d{2}-\d{2})"\)', text)
    if mt:
        return date.fromisoformat(mt.group(1))
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return Decimal(text)
    raise FeelError(f"not a FEEL literal: {text!r}")


def _same_kind(a, b) -> bool:
    kinds = [(bool,), (Decimal, int, float), (str,), (date,)]
    for k in kinds:
        if isinstance(a, k) and isinstance(b, k):
            return isinstance(a, bool) == isinstance(b, bool)
    return False


def _eq(v, e):
    """FEEL ``=``: null = null is true, null = x is false, different types give null."""
    if v is None or e is None:
        return v is None and e is None
    if not _same_kind(v, e):
        return None
    return v == e


def _cmp(v, op: str, e):
    if v is None or e is None or not _same_kind(v, e) or isinstance(v, bool):
        return None
    return {"<": v < e, "<=": v <= e, ">": v > e, ">=": v >= e}[op]


def _and(a, b):
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a, b):
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _not(a):
    return None if a is None else not a


def _positive(item: str, v):
    item = item.strip()
    mt = re.fullmatch(r"(<=|>=|<|>)\s*(.+)", item)
    if mt:
        return _cmp(v, mt.group(1), feel_value(mt.group(2)))
    mt = re.fullmatch(r"([\[\(\]])(.+)\.\.(.+)([\]\)\[])", item)
    if mt:
        lo, hi = feel_value(mt.group(2)), feel_value(mt.group(3))
        lo_ok = _cmp(v, ">=" if mt.group(1) == "[" else ">", lo)
        hi_ok = _cmp(v, "<=" if mt.group(4) == "]" else "<", hi)
        return _and(lo_ok, hi_ok)
    return _eq(v, feel_value(item))


def unary_matches(test: str, v) -> bool:
    """Does input ``v`` (None for null) satisfy the FEEL unary tests ``test``?"""
    test = test.strip()
    if test == "-":
        return True
    negate = False
    if test.startswith("not(") and test.endswith(")"):
        negate, test = True, test[4:-1]
    result = False
    for item in _split_top(test):
        result = _or(result, _positive(item, v))
    if negate:
        result = _not(result)
    return result is True


def run_table(table_json: dict, inputs: list[str], facts: dict, via_feel: bool = True) -> list[dict]:
    """Evaluate a decision table from the JSON export: FIRST gives [outputs], COLLECT all matches."""
    hits = []
    for rule in table_json["rules"]:
        ok = all(unary_matches(entry["feel"], facts.get(name)) for name, entry in zip(inputs, rule["inputEntries"]))
        if ok:
            hits.append(rule["outputEntries"])
            if table_json["hitPolicy"] == "FIRST":
                break
    return hits


def dmn_tables(path: Path) -> dict[str, dict]:
    """Read the decision tables of a DMN file with lxml into the same shape as the JSON export."""
    from lxml import etree

    ns = {"d": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
    doc = etree.parse(str(path))
    out = {}
    for dec in doc.findall("d:decision", ns):
        dt = dec.find("d:decisionTable", ns)
        inputs = [i.findtext("d:inputExpression/d:text", namespaces=ns) for i in dt.findall("d:input", ns)]
        outputs = [o.get("name") for o in dt.findall("d:output", ns)]
        rules = []
        for r in dt.findall("d:rule", ns):
            entries = [{"feel": e.findtext("d:text", namespaces=ns)} for e in r.findall("d:inputEntry", ns)]
            outs = {name: feel_value(e.findtext("d:text", namespaces=ns)) for name, e in zip(outputs, r.findall("d:outputEntry", ns))}
            rules.append({"inputEntries": entries, "outputEntries": outs})
        out[dec.get("id")] = {"hitPolicy": dt.get("hitPolicy"), "inputs": inputs, "rules": rules}
    return out


# ---------------------------------------------------------------- direct evaluation of the model
def _lit(lit: m.Literal_):
    return Decimal(str(lit.value)) if lit.type == "number" else lit.value


def kleene(expr, matter: m.Matter, facts: dict, seen: frozenset = frozenset(), opaque=None):
    """Three-valued reading of an expression: True, False or None (a fact is missing).

    ``opaque(expr)`` may declare parts unknown (None) whatever the facts.
    """
    if expr is None or (opaque is not None and opaque(expr)):
        return None
    if isinstance(expr, m.Const):
        return expr.value
    if isinstance(expr, m.BoolFact):
        v = facts.get(expr.fact)
        return None if v is None else bool(v)
    if isinstance(expr, m.Compare):
        v = facts.get(expr.fact)
        if v is None:
            return None
        x = _lit(expr.value)
        return {"ge": lambda: v >= x, "le": lambda: v <= x, "gt": lambda: v > x, "lt": lambda: v < x,
                "eq": lambda: v == x, "ne": lambda: v != x}[expr.op]()
    if isinstance(expr, m.InSet):
        v = facts.get(expr.fact)
        if v is None:
            return None
        inside = v in [_lit(x) for x in expr.values]
        return not inside if expr.negated else inside
    if isinstance(expr, m.CondRef):
        cond = matter.condition(expr.name)
        if cond is None or cond.expr is None or expr.name in seen:
            return None
        return kleene(cond.expr, matter, facts, seen | {expr.name}, opaque)
    if isinstance(expr, m.Not):
        return _not(kleene(expr.operand, matter, facts, seen, opaque))
    if isinstance(expr, m.AllOf):
        acc = True
        for i in expr.items:
            acc = _and(acc, kleene(i, matter, facts, seen, opaque))
        return acc
    if isinstance(expr, m.AnyOf):
        acc = False
        for i in expr.items:
            acc = _or(acc, kleene(i, matter, facts, seen, opaque))
        return acc
    raise TypeError(expr)


def expected_eligibility(matter: m.Matter, facts: dict) -> tuple[bool | None, str | None]:
    outcomes = [(c.id, kleene(c.expr, matter, facts)) for c in matter.conditions]
    for cid, v in outcomes:
        if v is False:
            return False, cid
    for cid, v in outcomes:
        if v is None:
            return None, cid
    return True, None


def expected_materials(matter: m.Matter, facts: dict) -> dict[str, bool | None]:
    out = {}
    for mat in matter.materials:
        if not mat.required:
            continue
        v = True if mat.only_when is None else kleene(mat.only_when, matter, facts)
        if v is not False:
            out[mat.id] = v
    return out


# ---------------------------------------------------------------- fact strategies
def _literals(matter: m.Matter) -> dict[str, list]:
    found: dict[str, list] = {}

    def walk(e):
        if isinstance(e, m.Compare):
            found.setdefault(e.fact, []).append(_lit(e.value))
        elif isinstance(e, m.InSet):
            found.setdefault(e.fact, []).extend(_lit(v) for v in e.values)
        elif isinstance(e, m.Not):
            walk(e.operand)
        elif isinstance(e, m.AllOf | m.AnyOf):
            for i in e.items:
                walk(i)

    for c in matter.conditions:
        walk(c.expr)
    for mat in matter.materials:
        walk(mat.only_when)
    return found


def fact_value(fact: m.Fact, near: list):
    """Values of a fact's type, concentrated around the literals the rules compare it with."""
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "enum":
        return st.sampled_from([o.id for o in fact.options])
    if fact.type == "number":
        pts = [Decimal(str(x)) for x in near] or [Decimal(0)]
        close = st.sampled_from(pts).flatmap(lambda p: st.sampled_from([p - 1, p - Decimal("0.5"), p, p + Decimal("0.5"), p + 1]))
        return st.one_of(st.sampled_from(pts), close, st.integers(-10, 20000).map(Decimal))
    if fact.type == "date":
        pts = [x for x in near if isinstance(x, date)] or [date(2020, 1, 1)]
        return st.sampled_from(pts).flatmap(lambda p: st.integers(-3, 3).map(lambda k: p + timedelta(days=k)))
    words = [x for x in near if isinstance(x, str)]
    return st.one_of(st.sampled_from(words), st.text(max_size=4)) if words else st.text(max_size=4)


def facts_strategy(matter: m.Matter, allow_missing: bool = True):
    near = _literals(matter)
    fields = {}
    for f in matter.facts:
        value = fact_value(f, near.get(f.id, []))
        fields[f.id] = st.one_of(st.none(), value) if allow_missing else value
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


def to_json_facts(facts: dict) -> dict:
    out = {}
    for k, v in facts.items():
        if isinstance(v, Decimal):
            out[k] = int(v) if v == v.to_integral() else float(v)
        elif isinstance(v, date):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out


def date_ordering(expr) -> bool:
    """Comparisons that order dates, which JSON Schema cannot express."""
    return isinstance(expr, m.Compare) and expr.value.type == "date" and expr.op in ("ge", "gt", "le", "lt")
