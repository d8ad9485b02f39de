"""Machine exports and lists: catalog JSON against its published schema, CPSV-AP against
the SHACL shapes (pyshacl), the three lists in CSV/XLSX/JSON, slugs and the manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from jsonschema import Draft202012Validator
from test_build_support import built, catalog_of, projects

from qingdan.compiler import model as m
from qingdan.generators.exports import CATALOG_SCHEMA_ID, PUBLISHED_SCHEMA, catalog_schema_text, xsd_duration
from qingdan.lists import columns as c
from qingdan.lists.cells import csv_plain

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


# ---------------------------------------------------------------- catalog JSON
def test_published_catalog_schema_matches_the_model():
    """The published schema is regenerated from the model; a model change must republish it."""
    assert PUBLISHED_SCHEMA.read_text(encoding="utf-8") == catalog_schema_text(), (
        "qingdan/schemas/catalog.schema.json is out of date: run `python -m qingdan.generators.exports` "
        "and bump CATALOG_FORMAT if the change is not backward compatible"
    )


@pytest.mark.parametrize("project", projects(), ids=lambda p: p.name)
def test_catalog_json_validates_against_its_published_schema(project):
    out = built(project)
    doc = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    assert doc["$schema"] == CATALOG_SCHEMA_ID
    schema = json.loads((out / "schemas" / "catalog-1.1.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == CATALOG_SCHEMA_ID
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(doc))
    assert not errors, [e.message for e in errors[:5]]
    assert set(doc["matters"]) == set(catalog_of(project).matters)
    text = (out / "catalog.json").read_text(encoding="utf-8")
    assert '"loc"' not in text and str(project) not in text, "no source locations or absolute paths"
    broken = dict(doc, matters={"x": {"id": "x"}})
    assert not Draft202012Validator(schema).is_valid(broken)


def test_catalog_json_is_the_model_dump_without_locations():
    from qingdan.generators.exports import plain

    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k not in ("loc", "locs", "before_loc", "after_loc")}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v

    model = catalog_of(projects()[0]).model
    assert plain(model) == strip(model.model_dump(mode="json"))


# ---------------------------------------------------------------- CPSV-AP
def _shacl(shared):
    path = shared / "standards" / "cpsv-ap-3.2.0" / "cpsv-ap-SHACL.ttl"
    assert path.is_file(), f"the shared folder lacks the CPSV-AP SHACL shapes: {path}"
    import rdflib

    return rdflib.Graph().parse(str(path), format="turtle")


def _validate(data_text: str, shapes):
    import pyshacl
    import rdflib

    data = rdflib.Graph().parse(data=data_text, format="json-ld")
    conforms, _graph, report = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return conforms, report, data


@pytest.mark.parametrize("project", projects(), ids=lambda p: p.name)
def test_cpsv_ap_export_conforms_to_the_shacl_shapes(shared, project):
    import rdflib

    shapes = _shacl(shared)
    text = (built(project) / "exports" / "cpsv-ap.jsonld").read_text(encoding="utf-8")
    conforms, report, data = _validate(text, shapes)
    assert conforms, report
    cpsv = rdflib.Namespace("http://purl.org/vocab/cpsv#")
    services = set(data.subjects(rdflib.RDF.type, cpsv.PublicService))
    assert len(services) == len(catalog_of(project).matters), "every matter is a PublicService"
    cv = rdflib.Namespace("http://data.europa.eu/m8g/")
    for s in services:
        assert (s, cv.hasCompetentAuthority, None) in data
        assert (s, cv.processingTime, None) in data


def test_shacl_catches_a_service_without_competent_authority(shared):
    """The validation can fail: drop the mandatory competent authority of one service."""
    shapes = _shacl(shared)
    doc = json.loads((built(projects()[0]) / "exports" / "cpsv-ap.jsonld").read_text(encoding="utf-8"))
    for node in doc["@graph"]:
        if node.get("@type") == "cpsv:PublicService":
            del node["cv:hasCompetentAuthority"]
            break
    conforms, report, _ = _validate(json.dumps(doc, ensure_ascii=False), shapes)
    assert not conforms and "hasCompetentAuthority" in report


def test_cpsv_ap_service_carries_cost_time_requirements_and_evidence():
    doc = json.loads((built(projects()[0]) / "exports" / "cpsv-ap.jsonld").read_text(encoding="utf-8"))
    nodes = {n["@id"]: n for n in doc["@graph"]}
    service = nodes["urn:qingdan:service:11331100MB0000006M4331100006000"]
    cost = nodes[service["cv:hasCost"]["@id"]]
    assert cost["cv:hasValue"] == {"@type": "xsd:double", "@value": "20.0"}
    assert service["cv:processingTime"] == {"@type": "xsd:duration", "@value": "P0D"}  # 承诺: 即办, handled on the spot
    food = nodes["urn:qingdan:service:11331100MB000000164331100001000"]
    assert len(food["cv:holdsRequirement"]) == 3 and len(food["cpsv:hasInput"]) == 7
    assert nodes[food["cpsv:produces"]["@id"]]["dct:title"]["@value"] == "食品经营许可证"


@pytest.mark.parametrize("amount,unit,expected", [
    ("10", "working_days", "P10D"), ("4", "hours", "PT4H"), ("1.5", "natural_days", "P1DT12H"), ("0", "hours", "P0D"),
])
def test_xsd_duration(amount, unit, expected):
    from decimal import Decimal

    assert xsd_duration(m.Duration(amount=Decimal(amount), unit=unit)) == expected


# ---------------------------------------------------------------- lists
LISTS = [("power", c.POWER_COLUMNS), ("responsibility", c.RESPONSIBILITY_COLUMNS), ("negative", c.NEGATIVE_COLUMNS)]


@pytest.mark.parametrize("kind,columns", LISTS)
def test_lists_in_csv_xlsx_and_json_hold_the_same_rows(kind, columns):
    from openpyxl import load_workbook

    project = projects()[0]
    out = built(project) / "lists"
    stem = c.FILE_STEMS[kind]
    raw = (out / f"{stem}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # a CSV cell the JSON has as formula-like text (= + - @) carries a ' before it (tests/test_build_injection.py)
    rows = [[csv_plain(x) for x in row] for row in csv.reader(io.StringIO(raw.decode("utf-8-sig")))]
    assert tuple(rows[0]) == columns
    doc = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert tuple(doc["columns"]) == columns and doc["catalog_version"] == "2026.1"
    assert [[r[col] for col in columns] for r in doc["rows"]] == rows[1:]
    wb = load_workbook(out / f"{stem}.xlsx")
    ws = wb.active
    assert ws.title == c.LISTS[kind][0]
    cells = [[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(values_only=True)]
    assert cells == rows
    expected = {"power": catalog_of(project).model.powers, "responsibility": catalog_of(project).model.responsibilities,
                "negative": catalog_of(project).model.negatives}[kind]
    assert [r[c.ID] for r in doc["rows"]] == list(expected)


def test_standard_headings_are_present():
    for heading in ("序号", "事项名称", "事项编码", "权力类型", "实施依据", "实施主体", "行使层级"):
        assert heading in c.POWER_COLUMNS
    for heading in ("责任事项", "追责情形", "监管部门"):
        assert heading in c.RESPONSIBILITY_COLUMNS
    for heading in ("禁止或许可事项", "主管部门"):
        assert heading in c.NEGATIVE_COLUMNS


def test_power_list_rows_of_the_fixture():
    doc = json.loads((built(projects()[0]) / "lists" / "power-list.json").read_text(encoding="utf-8"))
    row = next(r for r in doc["rows"] if r[c.ID] == "残疾人证核发权")
    assert row[c.CATEGORY] == "行政确认"
    assert row[c.STATUS] == "下放(县)"
    assert row[c.BASIS] == "《中华人民共和国残疾人保障法》第二十三条"
    assert row[c.BODY] == "青川市残疾人联合会"
    resp = json.loads((built(projects()[0]) / "lists" / "responsibility-list.json").read_text(encoding="utf-8"))
    food = next(r for r in resp["rows"] if r[c.ID] == "食品经营许可责任")
    assert food[c.DUTIES].startswith("1.受理责任：依法受理")
    assert food[c.ACCOUNTABILITY] == "对符合条件的申请不予受理的；违法准予许可的"


# ---------------------------------------------------------------- slugs and manifest
def test_slugs_are_ascii_unique_and_stable():
    from qingdan.generators.paths import journey_slug, journey_slugs, matter_slug, matter_slugs

    model = catalog_of(projects()[0]).model
    slugs = matter_slugs(model)
    assert slugs["食品经营许可"] == "11331100MB000000164331100001000"
    assert all(s.isascii() for s in slugs.values()) and len(set(slugs.values())) == len(slugs)
    mt = m.Matter(id="某事项", name="某事项", code="编码 1")
    assert matter_slug(mt) == "m-" + hashlib.sha1("某事项".encode()).hexdigest()[:10]
    twins = m.CatalogModel(matters={"a": m.Matter(id="a", name="a", code="X1"), "b": m.Matter(id="b", name="b", code="x1")})
    got = matter_slugs(twins)
    assert got["a"] != got["b"] and got["a"].startswith("m-"), "codes that differ only in case would collide on some disks"
    assert journey_slug(m.Journey(id="open", name="x")) == "j-open"
    assert all(s.startswith("j-") and s.isascii() for s in journey_slugs(model).values())


def test_manifest_lists_every_file_with_its_hash():
    out = built(projects()[0])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["catalog_version"] == "2026.1" and manifest["date"] == "2026-11-01"
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        data = (out / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert [f["path"] for f in manifest["files"]] == sorted(listed)
