"""Decision tables: DMN 1.3 XSD validity, and agreement of the tables with the rules.

The DMN, JSON and CSV tables are run by a reference FEEL unary-test evaluator
(test_build_support) on fact sets from hypothesis, and must give the same answer as a
direct three-valued reading of the compiled conditions; when the rules engine
(``evaluate``) exists, its eligibility must agree too.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_build_support import (
    FeelError,
    built,
    catalog_of,
    dmn_tables,
    expected_eligibility,
    expected_materials,
    facts_strategy,
    feel_value,
    projects,
    run_table,
    unary_matches,
)

from qingdan.engine.evaluate import evaluate
from qingdan.generators.paths import matter_slugs

SETTINGS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _matters():
    out = []
    for project in projects():
        cat = catalog_of(project)
        for mid in cat.matters:
            out.append(pytest.param(project, mid, id=f"{project.name}:{mid}"))
    return out


def _tables(project: Path, mid: str) -> dict:
    cat = catalog_of(project)
    slug = matter_slugs(cat.model)[mid]
    return json.loads((built(project) / "decisions" / f"{slug}.json").read_text(encoding="utf-8"))


def _dmn(project: Path, mid: str) -> Path:
    cat = catalog_of(project)
    return built(project) / "decisions" / f"{matter_slugs(cat.model)[mid]}.dmn"


# ---------------------------------------------------------------- the reference evaluator itself
@pytest.mark.parametrize("test,value,expected", [
    ("-", None, True),
    ("< 20", 19, True), ("< 20", 20, False), ("< 20", None, False),
    ("[5..20)", 5, True), ("[5..20)", 20, False), ("(5..20]", 5, False), ("(5..20]", 20, True),
    ('"a", "b"', "b", True), ('"a", "b"', "c", False), ('"a", "b"', None, False),
    ('"a", null', None, True),
    ('not("a")', None, True), ('not("a", null)', None, False), ('not("a", null)', "b", True), ('not("a", null)', "a", False),
    ("true", True, True), ("true", None, False), ("false, null", False, True),
    ('>= date("2020-01-01")', "2020-01-01", True), ('< date("2020-01-01")', "2019-12-31", True),
])
def test_reference_feel_evaluator(test, value, expected):
    from datetime import date
    from decimal import Decimal

    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if isinstance(value, str) and value[:4].isdigit():
        value = date.fromisoformat(value)
    assert unary_matches(test, value) is expected


def test_reference_feel_rejects_unknown_literals():
    with pytest.raises(FeelError):
        feel_value("bogus")


# ---------------------------------------------------------------- XSD
@pytest.mark.parametrize("project,mid", _matters())
def test_dmn_validates_against_the_dmn13_xsd(shared, project, mid):
    from lxml import etree

    xsd = shared / "standards" / "dmn-1.3" / "DMN13.xsd"
    assert xsd.is_file(), f"the shared folder lacks the DMN 1.3 XSD: {xsd}"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.parse(str(_dmn(project, mid)))
    assert schema.validate(doc), schema.error_log
    root = doc.getroot()
    assert root.tag == "{https://www.omg.org/spec/DMN/20191111/MODEL/}definitions"
    policies = [dt.get("hitPolicy") for dt in root.iter("{https://www.omg.org/spec/DMN/20191111/MODEL/}decisionTable")]
    assert policies == ["FIRST", "COLLECT"]


def test_an_invalid_dmn_is_rejected_by_the_xsd(shared, tmp_path):
    """The XSD check can fail: a rule with an unknown hit policy does not validate."""
    from lxml import etree

    xsd = shared / "standards" / "dmn-1.3" / "DMN13.xsd"
    assert xsd.is_file(), f"the shared folder lacks the DMN 1.3 XSD: {xsd}"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    project = projects()[0]
    text = _dmn(project, next(iter(catalog_of(project).matters))).read_text(encoding="utf-8")
    broken = text.replace('hitPolicy="FIRST"', 'hitPolicy="SOMETIMES"')
    assert not schema.validate(etree.fromstring(broken.encode("utf-8")))


# ---------------------------------------------------------------- agreement with the rules
def _check_agreement(project: Path, mid: str, facts: dict) -> None:
    cat = catalog_of(project)
    mt = cat.matter(mid)
    doc = _tables(project, mid)
    inputs = [i["name"] for i in doc["inputs"]]
    elig, mats = doc["tables"]

    hit = run_table(elig, inputs, facts)
    assert len(hit) == 1, "the eligibility table must always hit exactly one rule"
    want_eligible, want_condition = expected_eligibility(mt, facts)
    assert (hit[0]["eligible"], hit[0]["condition"]) == (want_eligible, want_condition), facts

    got: dict[str, bool | None] = {}
    for out in run_table(mats, inputs, facts):
        mid_ = out["material"]
        got[mid_] = True if out["required"] is True or got.get(mid_) is True else None
    assert got == expected_materials(mt, facts), facts

    # the DMN XML gives the same answers as its JSON twin
    dmn = dmn_tables(_dmn(project, mid))
    hit_dmn = run_table(dmn["eligibility"], dmn["eligibility"]["inputs"], facts)
    assert hit_dmn[0]["eligible"] == want_eligible and hit_dmn[0]["condition"] == want_condition
    got_dmn: dict[str, bool | None] = {}
    for out in run_table(dmn["materials"], dmn["materials"]["inputs"], facts):
        got_dmn[out["material"]] = True if out["required"] is True or got_dmn.get(out["material"]) is True else None
    assert got_dmn == got


@pytest.mark.parametrize("project,mid", _matters())
def test_tables_agree_with_the_compiled_conditions(project, mid):
    mt = catalog_of(project).matter(mid)

    @SETTINGS
    @given(facts_strategy(mt))
    def run(facts):
        _check_agreement(project, mid, facts)

    run()


@pytest.mark.parametrize("project,mid", _matters())
def test_tables_agree_with_the_rules_engine(project, mid):
    """``evaluate`` (the rules that run) and the decision tables give the same answers."""
    from test_build_support import to_json_facts

    cat = catalog_of(project)
    mt = cat.matter(mid)
    doc = _tables(project, mid)
    inputs = [i["name"] for i in doc["inputs"]]
    words = {True: "yes", False: "no", None: "undetermined"}

    @SETTINGS
    @given(facts_strategy(mt))
    def run(facts):
        decision = evaluate(cat, mid, to_json_facts(facts))
        hit = run_table(doc["tables"][0], inputs, facts)[0]
        assert decision.eligible == words[hit["eligible"]], (facts, decision.eligible, hit)
        if hit["eligible"] is False:
            assert decision.failing[0] == hit["condition"]
        if hit["eligible"] is None:
            assert decision.undetermined[0] == hit["condition"]
        table: dict[str, bool | None] = {}
        for out in run_table(doc["tables"][1], inputs, facts):
            table[out["material"]] = True if out["required"] is True or table.get(out["material"]) is True else None
        engine = {x.id: True for x in decision.materials + decision.fetched}
        engine.update({x.id: None for x in decision.materials_undetermined})
        assert engine == table, (facts, engine, table)

    run()


def test_missing_facts_are_never_guessed():
    """With no facts at all, a matter with decidable conditions is undetermined, never eligible."""
    project = projects()[0]
    cat = catalog_of(project)
    checked = 0
    for mid, mt in cat.matters.items():
        if not any(c.expr is not None for c in mt.conditions):
            continue
        doc = _tables(project, mid)
        hit = run_table(doc["tables"][0], [i["name"] for i in doc["inputs"]], {})
        assert hit[0]["eligible"] is None and hit[0]["status"] == "无法判定", mid
        checked += 1
    assert checked >= 3


def test_csv_tables_carry_the_same_rules_as_the_json(tmp_path):
    project = projects()[0]
    cat = catalog_of(project)
    slugs = matter_slugs(cat.model)
    for mid in cat.matters:
        doc = _tables(project, mid)
        for table, kind in zip(doc["tables"], ("eligibility", "materials")):
            raw = (built(project) / "decisions" / f"{slugs[mid]}.{kind}.csv").read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
            header, body = rows[0], rows[1:]
            n_in = len(doc["inputs"])
            assert header[1:1 + n_in] == [i["name"] for i in doc["inputs"]]
            assert len(body) == len(table["rules"])
            for row, rule in zip(body, table["rules"]):
                assert row[1:1 + n_in] == [e["feel"] for e in rule["inputEntries"]]


def test_eligibility_rows_of_the_food_licence_are_the_expected_unary_tests():
    """A hand-checked table: negations in DNF, tests on one fact merged, possibly-rows accept null."""
    doc = _tables(projects()[0], "食品经营许可")
    names = [i["name"] for i in doc["inputs"]]
    rows = [(dict(zip(names, [e["feel"] for e in r["inputEntries"]])), r["outputEntries"]["condition"], r["outputEntries"]["eligible"])
            for r in doc["tables"][0]["rules"]]
    assert rows[0] == ({"经营面积": "< 20", "主体类型": "-", "有健康证明": "-", "经营项目": "-"}, "场所达标", False)
    assert rows[1] == ({"经营面积": ">= 10000", "主体类型": "-", "有健康证明": "-", "经营项目": "-"}, "场所达标", False)
    assert ({"经营面积": "< 30", "主体类型": "-", "有健康证明": "-", "经营项目": '"冷食类"'}, "冷食场所", False) in rows
    assert ({"经营面积": "-", "主体类型": "null", "有健康证明": "-", "经营项目": "-"}, "人员合格", None) in rows
    assert rows[-1] == ({"经营面积": "-", "主体类型": "-", "有健康证明": "-", "经营项目": "-"}, None, True)


@settings(deadline=None, max_examples=80)
@given(st.lists(st.tuples(st.sampled_from(["ge", "gt", "le", "lt", "eq", "ne"]), st.integers(-3, 3)), min_size=1, max_size=4),
       st.one_of(st.none(), st.integers(-5, 5)))
def test_merged_number_tests_equal_the_conjunction(atoms, value):
    """Several tests on one number fact merge into one cell that matches exactly when all hold."""
    from decimal import Decimal

    from qingdan.compiler import model as mm
    from qingdan.generators.decisions import Atom, feel_test, merge_fact

    fact = mm.Fact(id="x", label="x", type="number")
    merged = merge_fact([Atom(op, "x", (Decimal(n),)) for op, n in atoms], fact)
    v = None if value is None else Decimal(value)
    ops = {"ge": lambda a, b: a >= b, "gt": lambda a, b: a > b, "le": lambda a, b: a <= b, "lt": lambda a, b: a < b,
           "eq": lambda a, b: a == b, "ne": lambda a, b: a != b}
    definite = v is not None and all(ops[op](v, Decimal(n)) for op, n in atoms)
    if merged.unsatisfiable:
        assert not definite
        assert feel_test(merged, True) == "null"
        return
    assert unary_matches(feel_test(merged, False), v) is definite
    assert unary_matches(feel_test(merged, True), v) is (definite or v is None)
