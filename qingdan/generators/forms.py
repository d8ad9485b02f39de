"""Form schemas: JSON Schema draft 2020-12 and a react-jsonschema-form uiSchema.

A form has two parts, ``facts`` (the matter's facts as typed fields with Chinese titles)
and ``materials`` (one file upload per material the applicant hands in). Materials that
are fetched by data sharing (免提交) are not uploaded; 容缺 and 告知承诺 materials are
optional uploads. A material needed only when a condition holds is required through
``if``/``then``: the ``if`` schema holds only when the condition definitely holds, so an
applicant is never asked for a material the rules do not require. (Conditions on dates
cannot be written in JSON Schema; such uploads stay optional and say so in their help.)

A journey gets one form (一表申请): its matters' facts merged (a fact declared the same
way in several matters is asked once), and its materials merged by material identity.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..compiler import Catalog
from ..compiler import model as m
from ..compiler.normal_form import Atom, NormalFormTooLarge, facts_in, to_nnf
from . import describe as d
from .decisions import MAX_NORMAL_FORM_PARTS, Node

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
Schema = dict[str, Any]  # a JSON Schema or uiSchema document (or part of one)


def _json_number(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral() else float(v)


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return _json_number(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def fact_schema(fact: m.Fact) -> Schema:
    """The field of one fact: its JSON type, Chinese title, enum options and unit."""
    s: Schema = {"title": fact.label}
    if fact.type == "number":
        s["type"] = "number"
    elif fact.type == "bool":
        s["type"] = "boolean"
    elif fact.type == "date":
        s.update({"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
    elif fact.type == "enum":
        s["type"] = "string"
        s["oneOf"] = [{"const": o.id, "title": o.label} for o in fact.options]
    else:
        s["type"] = "string"
    if fact.unit:
        s["description"] = f"单位：{fact.unit}"
    return s


# ---------------------------------------------------------------- conditions as schemas
def _atom_schema(a: Atom, key: Callable[[str], str], fact: m.Fact | None) -> Schema | None:
    if a.op == "true":
        return {}
    if a.op == "false":
        return {"not": {}}
    if a.op == "unknown" or fact is None or a.fact is None:
        return None
    vals = [_json_value(v) for v in a.values]
    if a.op in ("ge", "gt", "le", "lt"):
        if fact.type != "number":
            return None  # JSON Schema cannot order dates
        word = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}[a.op]
        prop: Schema = {"type": "number", word: vals[0]}
    elif a.op == "eq":
        prop = {"const": vals[0]}
    elif a.op == "ne":
        prop = {"not": {"const": vals[0]}}
    elif a.op == "in":
        prop = {"enum": vals}
    else:
        prop = {"not": {"enum": vals}}
    k = key(a.fact)
    return {"type": "object", "required": [k], "properties": {k: prop}}


def condition_schema(expr: m.Expr, matter: m.Matter, key: Callable[[str], str]) -> Schema | None:
    """A schema for the facts object that holds only when ``expr`` definitely holds.

    Parts that JSON Schema cannot express make an ``and`` inexpressible (None) and are
    left out of an ``or``, so the schema is never weaker than the condition.
    """

    def walk(node: Node) -> Schema | None:
        if isinstance(node, Atom):
            return _atom_schema(node, key, matter.fact(node.fact) if node.fact else None)
        kind, items = node
        parts = [walk(i) for i in items]
        if kind == "and":
            if any(p is None for p in parts):
                return None
            parts = [p for p in parts if p != {}]
            return parts[0] if len(parts) == 1 else ({"allOf": parts} if parts else {})
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        if {} in parts:
            return {}
        return parts[0] if len(parts) == 1 else {"anyOf": parts}

    try:
        form = to_nnf(expr, matter, limit=MAX_NORMAL_FORM_PARTS)
    except NormalFormTooLarge:  # the check reports it (condition-too-complex); the form leaves it to the server
        return None
    return walk(form)


# ---------------------------------------------------------------- form assembly
@dataclass
class _Form:
    title: str
    description: str
    facts: dict[str, Schema] = field(default_factory=dict)
    fact_help: dict[str, list[str]] = field(default_factory=dict)
    required_facts: list[str] = field(default_factory=list)
    uploads: dict[str, Schema] = field(default_factory=dict)
    upload_help: dict[str, list[str]] = field(default_factory=dict)
    required_uploads: list[str] = field(default_factory=list)
    rules: list[Schema] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)


def _fact_help(catalog: Catalog, matter: m.Matter) -> dict[str, list[str]]:
    """For each fact: the conditions that read it, with their legal basis."""
    out: dict[str, list[str]] = {}
    for cond in matter.conditions:
        if cond.expr is None:
            continue
        facts = facts_in(cond.expr, matter)
        basis = d.citations_text(catalog, cond.basis) or d.citations_text(catalog, matter.basis)
        for f in facts:
            out.setdefault(f, []).append(f"{cond.text}（依据{basis}）" if basis else cond.text)
    return out


def _needs_upload(mat: m.Material) -> bool:
    return mat.required and not mat.tolerated and not mat.commitment


def _upload_schema(mat: m.Material) -> Schema:
    s: Schema = {"type": "string", "format": "data-url", "title": mat.name}
    notes = []
    if mat.form:
        notes.append(d.FORM_ZH[mat.form])
    if mat.medium:
        notes.append(d.MEDIUM_ZH[mat.medium])
    if mat.copies:
        notes.append(f"{mat.copies} 份")
    if notes:
        s["description"] = "、".join(notes)
    return s


def _upload_help(catalog: Catalog, matter: m.Matter, mat: m.Material) -> list[str]:
    help_ = [d.required_when_text(mat, matter)]
    if mat.tolerated:
        help_.append("容缺受理：可在受理后补交")
    if mat.commitment:
        help_.append("告知承诺：可以书面承诺代替")
    if mat.note:
        help_.append(mat.note)
    basis = d.citations_text(catalog, matter.basis)
    if basis:
        help_.append(f"依据{basis}")
    return help_


def _add_matter(form: _Form, catalog: Catalog, matter: m.Matter, fact_key: Callable[[str], str], upload_key: Callable[[m.Material], str],
                skip: Callable[[m.Material], bool], label_suffix: str = "") -> None:
    helps = _fact_help(catalog, matter)
    for f in matter.facts:
        k = fact_key(f.id)
        if k not in form.facts:
            schema = fact_schema(f)
            if k != f.id and label_suffix:
                schema["title"] = f"{f.label}（{label_suffix}）"
            form.facts[k] = schema
        form.fact_help.setdefault(k, [])
        for h in helps.get(f.id, []):
            if h not in form.fact_help[k]:
                form.fact_help[k].append(h)
        if f.required and k not in form.required_facts:
            form.required_facts.append(k)
    for mat in matter.materials:
        if mat.shareable or skip(mat):
            if mat.name not in form.fetched:
                form.fetched.append(mat.name)
            continue
        k = upload_key(mat)
        if k not in form.uploads:
            form.uploads[k] = _upload_schema(mat)
        form.upload_help.setdefault(k, [])
        for h in _upload_help(catalog, matter, mat):
            text = f"{label_suffix}：{h}" if label_suffix else h
            if text not in form.upload_help[k]:
                form.upload_help[k].append(text)
        if not _needs_upload(mat):
            continue
        if mat.only_when is None:
            if k not in form.required_uploads:
                form.required_uploads.append(k)
            continue
        cond = condition_schema(mat.only_when, matter, fact_key)
        if cond is None:
            form.upload_help[k].append("该材料是否需要取决于无法在表单中自动判断的条件，请按上方说明提交")
            continue
        form.rules.append({
            "$comment": f"{matter.name}：{d.required_when_text(mat, matter)}",
            "if": {"type": "object", "required": ["facts"], "properties": {"facts": cond}},
            "then": {"type": "object", "required": ["materials"],
                     "properties": {"materials": {"type": "object", "required": [k], "properties": {k: {}}}}},
        })


def _schema_and_ui(form: _Form, ident: str) -> tuple[Schema, Schema]:
    facts_obj: Schema = {"type": "object", "title": "申请信息", "properties": form.facts, "additionalProperties": False}
    if form.required_facts:
        facts_obj["required"] = form.required_facts
    mats_obj: Schema = {"type": "object", "title": "申请材料", "properties": form.uploads, "additionalProperties": False}
    if form.fetched:
        mats_obj["description"] = "以下材料通过数据共享获取，无需上传：" + "、".join(form.fetched)
    if form.required_uploads:
        mats_obj["required"] = form.required_uploads
    schema: Schema = {
        "$schema": SCHEMA_DIALECT,
        "$id": ident,
        "title": form.title,
        "description": form.description,
        "type": "object",
        "properties": {"facts": facts_obj, "materials": mats_obj},
        "required": ["facts", "materials"],
        "additionalProperties": False,
    }
    rules: list[Schema] = []
    for r in form.rules:  # the same rule from two matters of a journey is kept once
        if r not in rules:
            rules.append(r)
    if rules:
        schema["allOf"] = rules
    ui: Schema = {
        "ui:order": ["facts", "materials"],
        "facts": {"ui:order": list(form.facts) + ["*"]},
        "materials": {"ui:order": list(form.uploads) + ["*"]},
    }
    for k, s in form.facts.items():
        entry: Schema = {}
        if s.get("type") == "boolean":
            entry["ui:widget"] = "radio"
        if form.fact_help.get(k):
            entry["ui:help"] = "；".join(form.fact_help[k])
        if entry:
            ui["facts"][k] = entry
    for k in form.uploads:
        entry = {"ui:widget": "file"}
        if form.upload_help.get(k):
            entry["ui:help"] = "；".join(form.upload_help[k])
        ui["materials"][k] = entry
    return schema, ui


def matter_form(catalog: Catalog, mid: str, slug: str) -> tuple[Schema, Schema]:
    """The JSON Schema and uiSchema of one matter's application form."""
    mt = catalog.matter(mid)
    basis = d.citations_text(catalog, mt.basis)
    form = _Form(mt.name, f"{mt.name}申请表" + (f"（依据{basis}）" if basis else ""))
    _add_matter(form, catalog, mt, lambda fid: fid, lambda mat: mat.id, lambda mat: False)
    return _schema_and_ui(form, f"urn:qingdan:form:matter:{slug}")


def journey_fact_keys(catalog: Catalog, jid: str) -> dict[str, dict[str, str]]:
    """For each matter of a journey, its fact ids mapped to the merged form's field names.

    A fact declared the same way (type, options) in several matters is one field; a fact
    whose name is reused with a different meaning gets ``<matter id>.<fact id>``.
    """
    j = catalog.journeys[jid]
    seen: dict[str, tuple] = {}
    out: dict[str, dict[str, str]] = {}
    for mid in dict.fromkeys(j.matters):
        if mid not in catalog.matters:
            continue
        mt = catalog.matter(mid)
        out[mid] = {}
        for f in mt.facts:
            shape = (f.type, tuple((o.id, o.label) for o in f.options))
            if seen.setdefault(f.id, shape) == shape:
                out[mid][f.id] = f.id
            else:
                out[mid][f.id] = f"{mid}.{f.id}"
    return out


def journey_form(catalog: Catalog, jid: str, slug: str) -> tuple[Schema, Schema]:
    """One form for the whole journey (一表申请); materials the journey figures count as
    fetched by data sharing are not uploaded."""
    j = catalog.journeys[jid]
    members = [catalog.matter(mid) for mid in dict.fromkeys(j.matters) if mid in catalog.matters]
    keys = journey_fact_keys(catalog, jid)
    shared = {x.material for x in catalog.journey_figures(jid).shared_materials}
    upload_keys: dict[str, str] = {}
    used: set[str] = set()

    def upload_key(mat: m.Material) -> str:
        ident = catalog.material_index.identity(mat.name)
        if ident not in upload_keys:
            k, n = mat.id, 1
            while k in used:
                n += 1
                k = f"{mat.id}.{n}"
            used.add(k)
            upload_keys[ident] = k
        return upload_keys[ident]

    form = _Form(j.name, f"“{j.name}”一件事一表申请，包含：" + "、".join(mt.name for mt in members))

    def fetched(mat: m.Material) -> bool:
        return catalog.material_index.identity(mat.name) in shared

    for mt in members:
        _add_matter(form, catalog, mt, keys[mt.id].__getitem__, upload_key, fetched, mt.name)
    return _schema_and_ui(form, f"urn:qingdan:form:journey:{slug}")


def dumps(doc: Schema) -> str:
    """A schema as the build writes it: sorted keys, two-space indent, UTF-8 text."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
