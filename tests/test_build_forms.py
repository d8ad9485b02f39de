"""Form schemas: every schema is valid JSON Schema 2020-12, and fact sets from hypothesis
that should be valid validate while broken ones do not, for every matter and journey."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from test_build_support import built, catalog_of, date_ordering, facts_strategy, kleene, projects, to_json_facts

from qingdan.generators.forms import journey_fact_keys
from qingdan.generators.paths import journey_slugs, matter_slugs

SETTINGS = settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
UPLOAD = "data:application/pdf;base64,JVBERi0xLjQK"


def _matters():
    return [pytest.param(p, mid, id=f"{p.name}:{mid}") for p in projects() for mid in catalog_of(p).matters]


def _journeys():
    return [pytest.param(p, jid, id=f"{p.name}:{jid}") for p in projects() for jid in catalog_of(p).journeys]


def _load(project: Path, kind: str, ident: str) -> tuple[dict, dict]:
    cat = catalog_of(project)
    slug = (matter_slugs if kind == "matters" else journey_slugs)(cat.model)[ident]
    base = built(project) / "forms" / kind
    return (json.loads((base / f"{slug}.schema.json").read_text(encoding="utf-8")),
            json.loads((base / f"{slug}.uischema.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("project", projects(), ids=lambda p: p.name)
def test_every_schema_of_the_build_passes_check_schema(project):
    out = built(project)
    schemas = sorted(out.rglob("*.schema.json"))
    assert len(schemas) >= len(catalog_of(project).matters) + 1
    for path in schemas:
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_check_schema_rejects_a_broken_schema():
    from jsonschema.exceptions import SchemaError

    schema, _ui = _load(projects()[0], "matters", "食品经营许可")
    schema["properties"]["facts"]["type"] = "objekt"
    with pytest.raises(SchemaError):
        Draft202012Validator.check_schema(schema)


def _fact_json(value):
    return to_json_facts({"v": value})["v"]


def _wrong_value(fact) -> object:
    return {"number": "二十", "bool": "是", "enum": "不存在的选项", "date": "2024/01/01", "text": 12}[fact.type]


def _required_uploads(matter, facts: dict, uploads: dict) -> set[str]:
    """The uploads the rules require for these facts, as the schema can enforce them."""
    need = set()
    for mat in matter.materials:
        if mat.shareable or not mat.required or mat.tolerated or mat.commitment:
            continue
        if mat.only_when is None or kleene(mat.only_when, matter, facts, opaque=date_ordering) is True:
            need.add(uploads[mat.id])
    return need


@pytest.mark.parametrize("project,mid", _matters())
def test_matter_form_accepts_valid_and_rejects_invalid_fact_sets(project, mid):
    cat = catalog_of(project)
    mt = cat.matter(mid)
    schema, ui = _load(project, "matters", mid)
    validator = Draft202012Validator(schema)
    keys = list(schema["properties"]["materials"]["properties"])
    upload_of = {mat.id: mat.id for mat in mt.materials}
    assert set(keys) == {mat.id for mat in mt.materials if not mat.shareable}
    assert ui["facts"]["ui:order"][:-1] == [f.id for f in mt.facts]
    assert all(ui["materials"][k]["ui:widget"] == "file" for k in keys)

    @SETTINGS
    @given(facts_strategy(mt, allow_missing=False), st.sets(st.sampled_from(keys)) if keys else st.just(set()), st.data())
    def run(facts, present, data):
        doc = {"facts": to_json_facts(facts), "materials": dict.fromkeys(sorted(present), UPLOAD)}
        need = _required_uploads(mt, facts, upload_of)
        assert validator.is_valid(doc) is need.issubset(present), (facts, present, need)
        minimal = {"facts": doc["facts"], "materials": dict.fromkeys(sorted(need), UPLOAD)}
        assert validator.is_valid(minimal), (facts, need)
        for k in need:
            assert not validator.is_valid({"facts": doc["facts"], "materials": {x: UPLOAD for x in need if x != k}}), (facts, k)
        complete = {"facts": doc["facts"], "materials": dict.fromkeys(keys, UPLOAD)}
        assert validator.is_valid(complete)
        if mt.facts:
            fact = data.draw(st.sampled_from(mt.facts))
            broken = json.loads(json.dumps(complete))
            broken["facts"][fact.id] = _wrong_value(fact)
            assert not validator.is_valid(broken), (fact.id, broken)
            if fact.required:
                del broken["facts"][fact.id]
                assert not validator.is_valid(broken)
        extra = json.loads(json.dumps(complete))
        extra["facts"]["没有这个字段"] = 1
        assert not validator.is_valid(extra)

    run()


@pytest.mark.parametrize("project,jid", _journeys())
def test_journey_form_merges_fields_and_materials(project, jid):
    cat = catalog_of(project)
    j = cat.journeys[jid]
    members = [cat.matter(mid) for mid in dict.fromkeys(j.matters)]
    schema, ui = _load(project, "journeys", jid)
    validator = Draft202012Validator(schema)
    keys = journey_fact_keys(cat, jid)
    fields = schema["properties"]["facts"]["properties"]
    assert set(fields) == {keys[mt.id][f.id] for mt in members for f in mt.facts}
    shared = {x.material for x in cat.journey_figures(jid).shared_materials}
    uploads = schema["properties"]["materials"]["properties"]
    by_identity = {cat.material_index.identity(s["title"]): k for k, s in uploads.items()}
    wanted = {cat.material_index.identity(mat.name) for mt in members for mat in mt.materials if cat.material_index.identity(mat.name) not in shared}
    assert set(by_identity) == wanted, "one upload per material identity, none for shared materials"

    strategies = [facts_strategy(mt, allow_missing=False) for mt in members]

    @SETTINGS
    @given(st.tuples(*strategies), st.sets(st.sampled_from(sorted(uploads))) if uploads else st.just(set()))
    def run(per_matter, present):
        merged: dict = {}
        for mt, facts in zip(members, per_matter):
            for fid, v in facts.items():
                merged.setdefault(keys[mt.id][fid], v)
        # every matter reads the merged value of its facts
        views = [{fid: merged[keys[mt.id][fid]] for fid in facts} for mt, facts in zip(members, per_matter)]
        need = set()
        for mt, facts in zip(members, views):
            for mat in mt.materials:
                ident = cat.material_index.identity(mat.name)
                if ident in shared or not mat.required or mat.tolerated or mat.commitment:
                    continue
                if mat.only_when is None or kleene(mat.only_when, mt, facts, opaque=date_ordering) is True:
                    need.add(by_identity[ident])
        doc = {"facts": to_json_facts(merged), "materials": dict.fromkeys(sorted(present), UPLOAD)}
        assert validator.is_valid(doc) is need.issubset(present), (merged, present, need)
        assert validator.is_valid({"facts": doc["facts"], "materials": dict.fromkeys(sorted(need), UPLOAD)}), (merged, need)

    run()


def test_conditional_upload_uses_if_then():
    schema, _ui = _load(projects()[0], "matters", "食品经营许可")
    rules = schema["allOf"]
    required_by_rule = [r["then"]["properties"]["materials"]["required"] for r in rules]
    for r in rules:  # ajv's strict mode wants a type wherever required applies (tests/test_forms_ajv.py)
        assert r["if"]["type"] == r["then"]["type"] == r["then"]["properties"]["materials"]["type"] == "object"
        assert r["if"]["properties"]["facts"].get("type", "object") == "object"
    assert ["分支机构说明"] not in required_by_rule, "告知承诺 materials are never required uploads"
    assert ["冷链设备说明"] not in required_by_rule, "容缺 materials are never required uploads"
    assert ["食品安全制度"] in required_by_rule
    assert schema["properties"]["materials"]["required"] == ["平面图"]
    assert "营业执照" not in schema["properties"]["materials"]["properties"], "免提交 materials are not uploaded"
    enum = schema["properties"]["facts"]["properties"]["主体类型"]
    assert enum["oneOf"] == [{"const": "企业法人", "title": "企业法人"}, {"const": "个体工商户", "title": "个体工商户"}]
