"""Machine exports: the whole catalog as JSON, and CPSV-AP 3.2.0 JSON-LD.

``catalog.json`` is the compiled model without source locations, wrapped with
``$schema``, ``format_version``, the catalog version and date. Its JSON Schema is
published as ``qingdan/schemas/catalog.schema.json`` (``$id`` = ``CATALOG_SCHEMA_ID``)
and copied into the build output; ``catalog_schema()`` regenerates it from the model
(``python -m qingdan.generators.exports`` rewrites the published file).

``cpsv-ap.jsonld`` describes each matter as a CPSV-AP ``PublicService`` with its
competent authority (a ``PublicOrganisation`` with its region as ``dct:spatial``),
requirements (the conditions), evidence (the materials), cost, processing time as an
``xsd:duration``, legal resources, output, channels and contact point; journeys are
``Event``s grouping their services. The context is inline, so no network is needed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..compiler import Catalog
from ..compiler import model as m
from . import describe as d

CATALOG_FORMAT = "1.1"
CATALOG_SCHEMA_ID = f"urn:qingdan:schemas:catalog-{CATALOG_FORMAT}"
PUBLISHED_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "catalog.schema.json"
_TABLES = ("departments", "laws", "powers", "responsibilities", "negatives", "matters", "journeys", "results")


# ---------------------------------------------------------------- catalog JSON
_LOCATION_FIELDS = frozenset({"loc", "locs", "before_loc", "after_loc"})


def plain(value: Any) -> Any:
    """A model value as JSON data, without source locations.

    Gives what ``model_dump(mode="json")`` gives (Decimal as text, dates in ISO form, no
    field declared ``exclude=True``) minus the locations, several times faster since
    locations are never visited.
    """
    if isinstance(value, BaseModel):
        return {k: plain(getattr(value, k)) for k, f in type(value).model_fields.items() if k not in _LOCATION_FIELDS and not f.exclude}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def catalog_document(catalog: Catalog, version: str, date_: str | None) -> dict[str, Any]:
    """The data of ``catalog.json``."""
    model = catalog.model
    config = {k: v for k, v in plain(model.config).items() if k != "templates"}
    doc: dict[str, Any] = {
        "$schema": CATALOG_SCHEMA_ID,
        "format_version": CATALOG_FORMAT,
        "catalog_version": version,
        "date": date_,
        "as_of": d.as_of_text(catalog) or None,
        "config": config,
    }
    for table in _TABLES:
        doc[table] = plain(getattr(model, table))
    return doc


def catalog_json(catalog: Catalog, version: str, date_: str | None) -> str:
    """``catalog.json``: the whole compiled catalog, without source locations."""
    return json.dumps(catalog_document(catalog, version, date_), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _strip_schema_locations(node: Any) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                out[k] = {pk: _strip_schema_locations(pv) for pk, pv in v.items() if pk not in ("loc", "locs", "before_loc", "after_loc")}
            elif k == "required" and isinstance(v, list):
                out[k] = [x for x in v if x not in ("loc", "locs", "before_loc", "after_loc")]
            else:
                out[k] = _strip_schema_locations(v)
        return out
    if isinstance(node, list):
        return [_strip_schema_locations(v) for v in node]
    return node


def catalog_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of ``catalog.json``, derived from the typed model."""
    model_schema = m.CatalogModel.model_json_schema(mode="serialization")
    defs = _strip_schema_locations(model_schema["$defs"])
    defs.pop("Loc", None)
    config = _strip_schema_locations(defs["ProjectConfig"])
    config["properties"].pop("templates", None)
    props = _strip_schema_locations(model_schema["properties"])
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": CATALOG_SCHEMA_ID,
        "title": "qingdan catalog.json",
        "description": "qingdan 编译后的完整目录（不含源文件位置）。由 qingdan build 生成。",
        "type": "object",
        "required": ["$schema", "format_version", "catalog_version", "date", "as_of", "config", *_TABLES],
        "additionalProperties": False,
        "properties": {
            "$schema": {"const": CATALOG_SCHEMA_ID},
            "format_version": {"const": CATALOG_FORMAT},
            "catalog_version": {"type": "string"},
            "date": {"type": ["string", "null"]},
            "as_of": {"type": ["string", "null"], "format": "date",
                      "description": "按此日期现行有效的规定：表中只有这一天在生效、失效日期之内的声明；null 表示不按日期筛选"},
            "config": {"$ref": "#/$defs/CatalogConfig"},
            **{t: props[t] for t in _TABLES},
        },
        "$defs": {**defs, "CatalogConfig": {**config, "additionalProperties": False}},
    }
    return schema


def catalog_schema_text() -> str:
    return json.dumps(catalog_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------- CPSV-AP JSON-LD
CONTEXT = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
CNY = "http://publications.europa.eu/resource/authority/currency/CNY"


def _zh(text: str) -> dict[str, str]:
    return {"@language": "zh", "@value": text}


def _h(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def xsd_duration(dur: m.Duration) -> str:
    """A duration as ``xsd:duration``: days as ``PnD`` (working days counted as days), hours as ``PTnH``."""
    amount = Decimal(dur.amount)
    seconds = int((amount * (3600 if dur.unit == "hours" else 86400)).to_integral_value())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    out = "P" + (f"{days}D" if days else "")
    tail = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    if tail:
        out += "T" + tail
    return out if out != "P" else "P0D"


class _Graph:
    """The JSON-LD nodes by ``@id``; a node added twice is merged into the first."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}

    def add(self, node: dict[str, Any]) -> dict[str, Any]:
        existing = self.nodes.get(node["@id"])
        if existing is None:
            self.nodes[node["@id"]] = node
            return node
        for k, v in node.items():
            existing.setdefault(k, v)
        return existing

    def ref(self, node: dict[str, Any]) -> dict[str, str]:
        return {"@id": self.add(node)["@id"]}


def _organisation(g: _Graph, catalog: Catalog, did: str | None, fallback_name: str) -> dict[str, str]:
    dept = catalog.departments.get(did or "")
    region = (dept.region if dept and dept.region else None) or catalog.config.region or "CN"
    location = g.ref({"@id": f"urn:qingdan:location:{region}", "@type": "dct:Location", "dct:identifier": region})
    name = dept.name if dept else (catalog.department_name(did) or fallback_name)
    node = {
        "@id": f"urn:qingdan:organisation:{_h(did or fallback_name)}",
        "@type": ["cv:PublicOrganisation", "org:Organization", "foaf:Agent"],
        "dct:identifier": did or fallback_name,
        "dct:title": _zh(name),
        "skos:prefLabel": _zh(name),
        "dct:spatial": location,
    }
    return g.ref(node)


def _legal_resource(g: _Graph, catalog: Catalog, cit: m.Citation) -> dict[str, str]:
    node: dict[str, Any] = {
        "@id": f"urn:qingdan:legal-resource:{_h(cit.key)}",
        "@type": "eli:LegalResource",
        "dct:identifier": cit.key,
        "dct:title": _zh(catalog.citation_text(cit)),
    }
    text = catalog.article_text(cit)
    if text:
        node["dct:description"] = _zh(text)
    if cit.article:
        node["dct:relation"] = g.ref({"@id": f"urn:qingdan:legal-resource:{_h(cit.law)}", "@type": "eli:LegalResource",
                                      "dct:identifier": cit.law, "dct:title": _zh(catalog.citation_text(m.Citation(law=cit.law)))})
    return g.ref(node)


def _service(g: _Graph, catalog: Catalog, mt: m.Matter, slug: str) -> dict[str, str]:
    base = f"urn:qingdan:service:{slug}"
    power = catalog.power_of(mt)
    category = catalog.category_of(mt)
    desc = f"{mt.name}：{d.category_text(category)}，实施主体{catalog.department_name(mt.department) or '未注明'}，{d.level_text(mt.levels or mt.level)}。"
    service: dict = {
        "@id": base,
        "@type": "cpsv:PublicService",
        "dct:identifier": mt.code or mt.id,
        "dct:title": _zh(mt.name),
        "dct:description": _zh(desc),
        "cv:hasCompetentAuthority": _organisation(g, catalog, mt.department or (power.department if power else None), catalog.config.name),
    }
    if category:
        service["cv:isClassifiedBy"] = g.ref({"@id": f"urn:qingdan:category:{category}", "@type": "skos:Concept",
                                              "skos:prefLabel": _zh(d.category_text(category))})
    reqs = []
    for i, cond in enumerate(mt.conditions, 1):
        node: dict[str, Any] = {"@id": f"{base}/requirement/{i}", "@type": "cv:Requirement", "dct:identifier": cond.id, "dct:title": _zh(cond.text)}
        if cond.expr is not None:
            node["dct:description"] = _zh(d.expr_text(cond.expr, mt))
        reqs.append(g.ref(node))
    if reqs:
        service["cv:holdsRequirement"] = reqs
    evidence = []
    for i, mat in enumerate(mt.materials, 1):
        parts = [d.material_source_text(catalog, mat), d.required_when_text(mat, mt), *d.material_marks(mat), *_material_details(mat)]
        node = {"@id": f"{base}/evidence/{i}", "@type": "cv:Evidence", "dct:identifier": mat.id,
                "dct:title": _zh(mat.name), "dct:description": _zh("；".join(parts))}
        pages = [g.ref({"@id": a.url, "@type": "foaf:Document"}) for a in (mat.blank_form, mat.sample) if a is not None and a.url]
        if pages:  # 空白表格 and 示例样表 published on the web: Evidence.relatedDocumentation
            node["foaf:page"] = pages
        evidence.append(g.ref(node))
    if evidence:
        service["cpsv:hasInput"] = evidence
    if mt.fee is not None:
        amount = Decimal(0) if mt.fee.free else (mt.fee.amount if mt.fee.amount is not None else None)
        cost: dict[str, Any] = {"@id": f"{base}/cost", "@type": "cv:Cost", "dct:identifier": f"{mt.code or mt.id}-cost",
                "dct:description": _zh(d.fee_text(mt.fee))}
        if amount is not None:
            cost["cv:hasValue"] = {"@value": repr(float(amount)), "@type": "xsd:double"}
            cost["cv:currency"] = g.ref({"@id": CNY, "@type": "skos:Concept", "skos:prefLabel": _zh("人民币")})
        service["cv:hasCost"] = g.ref(cost)
    limit = mt.limits.promised or mt.limits.statutory
    if limit is not None:
        service["cv:processingTime"] = {"@value": xsd_duration(limit), "@type": "xsd:duration"}
    legal = list({c.key: c for c in (*mt.basis, *mt.implementation_basis, *(mt.fee.basis if mt.fee else []))}.values())
    if legal:  # 设定依据, 实施依据 and 收费依据
        service["cv:hasLegalResource"] = [_legal_resource(g, catalog, c) for c in legal]
    participations = _participations(g, catalog, mt, base)
    if participations:
        service["cv:hasParticipation"] = participations
    if mt.result is not None:
        service["cpsv:produces"] = g.ref({"@id": f"{base}/output", "@type": "cv:Output", "dct:identifier": mt.result.id,
                                          "dct:title": _zh(mt.result.name)})
    channels = [
        g.ref({"@id": f"{base}/channel/{ch}", "@type": "cv:Channel", "dct:identifier": f"{mt.code or mt.id}-{ch}",
               "dct:description": _zh(d.CHANNEL_ZH.get(ch, ch))})
        for ch in mt.channels
    ]
    channels += _office_channels(g, mt, base)
    if channels:
        service["cv:hasChannel"] = channels
    dept = catalog.departments.get(mt.department or "")
    contact = mt.contact or (dept.contact if dept is not None else None)
    points = []
    if contact or mt.location or mt.office_hours or mt.online_url:
        cp: dict[str, Any] = {"@id": f"{base}/contact", "@type": "cv:ContactPoint"}
        if contact:
            cp["cv:telephone"] = contact
        if mt.location:
            cp["dct:description"] = _zh(mt.location)
        if mt.office_hours:  # 办理时间
            cp["cv:openingHours"] = _hours(g, f"{base}/contact/hours", mt.office_hours)
        if mt.online_url:  # 网上办理地址
            cp["cv:contactPage"] = g.ref({"@id": mt.online_url, "@type": "foaf:Document"})
        points.append(g.ref(cp))
    if mt.complaint:  # 监督投诉电话
        points.append(g.ref({"@id": f"{base}/complaint", "@type": "cv:ContactPoint", "cv:telephone": mt.complaint,
                             "dct:description": _zh("监督投诉")}))
    if points:
        service["cv:contactPoint"] = points[0] if len(points) == 1 else points
    return g.ref(service)


def _material_details(mat: m.Material) -> list[str]:
    """What a material's guide entry says beyond its source: type, copies, size, instructions, acceptance."""
    out = []
    if mat.form:
        out.append(f"材料类型：{d.FORM_ZH[mat.form]}")
    if mat.copies is not None:
        out.append(f"份数：{mat.copies}")
    if mat.spec:
        out.append(f"材料规格：{mat.spec}")
    if mat.instructions:
        out.append(f"填报须知：{mat.instructions}")
    if mat.acceptance:
        out.append(f"受理标准：{mat.acceptance}")
    return out


_ROLES = {"accepting_body": "受理机构", "deciding_body": "决定机构", "joint_bodies": "联办机构"}


def _participations(g: _Graph, catalog: Catalog, mt: m.Matter, base: str) -> list[dict[str, str]]:
    """受理机构, 决定机构 and 联办机构 as ``cv:Participation``s of their organisations, with the role."""
    named = [("accepting_body", mt.accepting_body), ("deciding_body", mt.deciding_body), *(("joint_bodies", b) for b in mt.joint_bodies)]
    out = []
    for i, (role, body) in enumerate(named, 1):
        if body is None:
            continue
        name = d.body_text(catalog, body)
        agent = _organisation(g, catalog, body.department, name)
        concept = g.ref({"@id": f"urn:qingdan:role:{role}", "@type": "skos:Concept", "skos:prefLabel": _zh(_ROLES[role])})
        out.append(g.ref({"@id": f"{base}/participation/{i}", "@type": "cv:Participation", "dct:identifier": f"{mt.code or mt.id}-{role}-{i}",
                          "dct:description": _zh(f"{_ROLES[role]}：{name}"), "cv:role": concept, "cv:hasParticipant": agent}))
    return out


def _hours(g: _Graph, iri: str, text: str) -> dict[str, str]:
    return g.ref({"@id": iri, "@type": "time:TemporalEntity", "dct:description": _zh(text)})


def _office_channels(g: _Graph, mt: m.Matter, base: str) -> list[dict[str, str]]:
    """办理地点 (each window, with its address and hours), 物流快递 and 网上预约 as channels."""
    out = []
    for o in mt.offices:
        text = "；".join(x for x in (o.name, f"地址：{o.address}" if o.address else "", f"电话：{o.phone}" if o.phone else "") if x)
        node: dict[str, Any] = {"@id": f"{base}/office/{_h(o.id)}", "@type": "cv:Channel", "dct:identifier": f"{mt.code or mt.id}-office-{o.id}",
                                "dct:description": _zh("办理地点：" + text)}
        if o.hours or mt.office_hours:
            node["cv:openingHours"] = _hours(g, f"{base}/office/{_h(o.id)}/hours", o.hours or mt.office_hours or "")
        out.append(g.ref(node))
    if mt.courier:
        out.append(g.ref({"@id": f"{base}/channel/courier", "@type": "cv:Channel", "dct:identifier": f"{mt.code or mt.id}-courier",
                          "dct:description": _zh("物流快递：办理结果可以寄递")}))
    if mt.booking:
        text = "网上预约" + (f"：{mt.booking_url}" if mt.booking_url else "")
        out.append(g.ref({"@id": f"{base}/channel/booking", "@type": "cv:Channel", "dct:identifier": f"{mt.code or mt.id}-booking",
                          "dct:description": _zh(text)}))
    return out


def cpsv_document(catalog: Catalog, slugs: dict[str, str], journey_slugs: dict[str, str]) -> dict[str, Any]:
    """The CPSV-AP graph: a ``PublicService`` per matter, an ``Event`` per journey."""
    g = _Graph()
    services = {mid: _service(g, catalog, mt, slugs[mid]) for mid, mt in catalog.matters.items()}
    for jid, j in catalog.journeys.items():
        related = [services[mid] for mid in dict.fromkeys(j.matters) if mid in services]
        node: dict[str, Any] = {"@id": f"urn:qingdan:event:{journey_slugs[jid]}", "@type": "cv:Event", "dct:identifier": j.id, "dct:title": _zh(j.name)}
        if related:
            node["cv:hasRelatedService"] = related
        g.add(node)
    return {"@context": CONTEXT, "@graph": [g.nodes[k] for k in sorted(g.nodes)]}


def cpsv_jsonld(catalog: Catalog, slugs: dict[str, str], journey_slugs: dict[str, str]) -> str:
    """``exports/cpsv-ap.jsonld``."""
    return json.dumps(cpsv_document(catalog, slugs, journey_slugs), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # regenerate the published catalog schema
    PUBLISHED_SCHEMA.write_text(catalog_schema_text(), encoding="utf-8")
    print(f"wrote {PUBLISHED_SCHEMA}")
