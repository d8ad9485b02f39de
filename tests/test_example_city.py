"""The city example (examples/city): a realistic, defect-free catalog of the fictional 青川市.

It must check clean (no errors, no warnings), be big enough to exercise every list, and
keep the shape reviewers expect: the category mix of approval matters, the four journeys
with their reference figures, and matters that state every standard element.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from conftest import EXAMPLES

from qingdan.compiler import compile as compile_project
from qingdan.compiler.diagnostics import Severity
from qingdan.compiler.durations import Clock
from qingdan.compiler.materials import MaterialIndex

CITY = EXAMPLES / "city"
JOURNEYS = ("企业开办", "开办餐馆", "二手房交易登记", "工程建设施工许可")


@pytest.fixture(scope="module")
def result():
    return compile_project(CITY)


@pytest.fixture(scope="module")
def model(result):
    assert result.catalog.model is not None
    return result.catalog.model


def _describe(diags) -> str:
    return "\n".join(f"{d.rule} {d.message_zh}" for d in diags[:10])


def test_checks_clean_without_waivers(result):
    errors = [d for d in result.diagnostics if d.severity == Severity.error]
    warnings = [d for d in result.diagnostics if d.severity == Severity.warning]
    assert not errors, _describe(errors)
    assert not warnings, _describe(warnings)
    assert result.count(Severity.error) == 0 and result.count(Severity.warning) == 0
    # the clean example earns its result: nothing is waived
    assert not any(d.waived for d in result.diagnostics)
    for path in CITY.glob("*.qd"):
        text = path.read_text(encoding="utf-8")
        assert "豁免" not in text and "waive" not in text, path.name


def test_cli_check_exits_zero(cli):
    r = cli("check", str(CITY))
    assert r.code == 0, r.output
    assert "0 个错误" in r.output and "0 个警告" in r.output


def test_size(model):
    assert len(model.departments) >= 12
    assert len(model.matters) >= 40
    assert len(model.laws) >= 11
    assert len(model.negatives) >= 10
    kinds = Counter(n.type for n in model.negatives.values())
    assert kinds["prohibited"] >= 3 and kinds["licensed"] >= 3
    for name in ("市场监管局", "税务局", "公安局", "人社局", "医保局", "住建局", "自然资源局", "不动产登记中心",
                 "消防救援支队", "卫健委", "生态环境局", "城管局", "交通运输局", "行政审批局", "政务服务中心", "公积金中心"):
        assert name in model.departments, name


def test_category_distribution(model):
    """Licensing about 45%, confirmation 25%, benefit 15%, the rest 15% (DOMAIN.md)."""
    cats = Counter(model.powers[mt.power].category for mt in model.matters.values())
    n = len(model.matters)
    share = {k: Fraction(v, n) for k, v in cats.items()}
    other = 1 - share.get("licensing", 0) - share.get("confirmation", 0) - share.get("benefit", 0)
    assert abs(share["licensing"] - Fraction(45, 100)) <= Fraction(5, 100), cats
    assert abs(share["confirmation"] - Fraction(25, 100)) <= Fraction(5, 100), cats
    assert abs(share["benefit"] - Fraction(15, 100)) <= Fraction(5, 100), cats
    assert abs(other - Fraction(15, 100)) <= Fraction(5, 100), cats


def test_every_matter_states_the_standard_elements(model):
    clock = Clock(model.config.holidays)
    codes = set()
    for mt in model.matters.values():
        where = mt.id
        assert mt.code and 20 <= len(mt.code) <= 40 and mt.code.isalnum() and mt.code == mt.code.upper(), where
        assert mt.code not in codes, where
        codes.add(mt.code)
        assert mt.power in model.powers and mt.department in model.departments and mt.level, where
        assert mt.basis and mt.applicants and mt.fee is not None and mt.channels and mt.contact, where
        assert mt.visits is not None and mt.visits <= 1, where
        assert mt.facts and mt.conditions and mt.materials and mt.steps, where
        for cond in mt.conditions:
            assert cond.expr is not None and cond.basis, f"{where}.{cond.id}"
        for st in mt.steps:
            assert st.department in model.departments and st.duration is not None, f"{where}.{st.id}"
        lim = mt.limits
        assert lim.statutory is not None and lim.promised is not None, where
        promised = clock.working_days(lim.promised)
        assert promised <= clock.working_days(lim.statutory), where
        assert sum(clock.working_days(st.duration) for st in mt.steps) <= promised, where
        for c in mt.basis:
            assert c.article and c.article in model.laws[c.law].articles, f"{where} {c.key}"


def test_language_features_are_exercised(model):
    mats = [mat for mt in model.matters.values() for mat in mt.materials]
    sources = Counter(mat.source.kind for mat in mats)
    assert sources["applicant"] and sources["issued_by"] >= 10 and sources["produced_by"] >= 10
    assert sum(mat.only_when is not None for mat in mats) >= 10
    assert sum(mat.tolerated for mat in mats) >= 5
    assert sum(mat.commitment for mat in mats) >= 5
    fact_types = {f.type for mt in model.matters.values() for f in mt.facts}
    assert {"number", "bool", "enum"} <= fact_types
    assert sum(mt.result is not None for mt in model.matters.values()) >= 25


def test_reform_actions_are_consistent(model):
    statuses = Counter(p.status.kind for p in model.powers.values())
    assert statuses["retain"] > statuses["delegate"] + statuses["transfer"] + statuses["cancel"]
    assert statuses["delegate"] >= 1 and statuses["transfer"] >= 1 and statuses["cancel"] >= 1
    for mt in model.matters.values():
        p = model.powers[mt.power]
        assert p.status.kind != "cancel", mt.id
        if p.status.kind == "transfer":
            assert mt.department == p.status.target == "行政审批局", mt.id
        if p.status.kind == "delegate":
            assert model.departments[mt.department].level == p.status.level == "county", mt.id
    covered = {r.power for r in model.responsibilities.values() if r.supervisor and len(r.stages) == 5 and r.accountability}
    live = {p.id for p in model.powers.values() if p.status.kind not in ("cancel", "merge")}
    assert live <= covered
    for n in model.negatives.values():
        if n.type == "licensed":
            assert n.implemented_by and all(t in model.matters for t in n.implemented_by), n.id


def test_journeys(result, model):
    assert set(JOURNEYS) <= set(model.journeys)
    catalog = result.catalog
    figures = {jid: catalog.journey_figures(jid) for jid in JOURNEYS}
    for jid, f in figures.items():
        target = Clock(model.config.holidays).working_days(model.journeys[jid].target)
        assert f.critical_days is not None and Fraction(f.critical_days).limit_denominator(1000) <= target, jid
        assert f.visits <= 1, jid
        assert f.shared_materials, jid  # every journey saves materials by data sharing
    # company opening: 5 departments, 1 working day, no visit, 3 unconditional applicant materials
    company = figures["企业开办"]
    assert len(company.departments) == 5 and company.critical_days <= 1 and company.visits == 0
    assert company.serial_days > company.critical_days
    first = model.matters["企业设立登记"]
    unconditional = [mat for mat in first.materials if mat.source.kind == "applicant" and mat.only_when is None]
    assert len(unconditional) == 3
    # construction permit: 15 working days in parallel, longer in series
    build = figures["工程建设施工许可"]
    assert build.critical_days == 15 and build.serial_days > 15
    # real-estate registration: the seven steps
    assert [st.id for st in model.matters["不动产转移登记"].steps] == ["申请", "受理", "审核", "登簿", "缮证", "缴费", "发证"]


def test_later_journey_matters_fetch_earlier_results(model):
    """Within a journey, a material an earlier matter produces is never asked of the applicant."""
    index = MaterialIndex(model.config.synonyms)
    for j in model.journeys.values():
        produced = {index.identity(model.matters[mid].result.name) for mid in j.matters if model.matters[mid].result}
        asked = Counter()
        for mid in j.matters:
            for mat in model.matters[mid].materials:
                if mat.source.kind == "applicant":
                    key = index.identity(mat.name)
                    assert key not in produced, (j.id, mid, mat.name)
                    asked[key] += 1
        assert all(v == 1 for v in asked.values()), (j.id, [k for k, v in asked.items() if v > 1])
        later = [mid for mid in j.matters if any(dep.after == mid for dep in j.order)]
        assert later and all(any(mat.source.kind == "produced_by" for mat in model.matters[mid].materials) for mid in later), j.id
