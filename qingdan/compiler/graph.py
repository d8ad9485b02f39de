"""The catalog graph (networkx): typed nodes and typed edges, part of the public API.

Node ids are ``kind:id`` (``matter:食品经营许可``). Materials are nodes by normalized
identity, so that the same material asked by several matters is one node.
"""

from __future__ import annotations

import networkx as nx

from . import model as m
from .materials import MaterialIndex

EDGE_TYPES = (
    "holds", "implements", "based-on", "requires-material", "issues", "produces",
    "depends-on", "supervises", "member-of",
)


def nid(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


def build_graph(c: m.CatalogModel, materials: MaterialIndex | None = None) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    materials = materials or MaterialIndex(c.config.synonyms)

    def node(kind: str, ident: str, label: str, **attrs) -> str:
        key = nid(kind, ident)
        g.add_node(key, kind=kind, id=ident, label=label, **{k: v for k, v in attrs.items() if v is not None})
        return key

    def edge(a: str, b: str, etype: str) -> None:
        if a in g and b in g:
            g.add_edge(a, b, key=etype, type=etype)

    for d in c.departments.values():
        node("department", d.id, d.name, level=d.level, region=d.region)
    for law in c.laws.values():
        node("law", law.id, law.name)
    for p in c.powers.values():
        node("power", p.id, p.name, category=p.category, status=p.status.kind, level=p.level)
    for r in c.responsibilities.values():
        node("responsibility", r.id, r.id)
    for n in c.negatives.values():
        node("negative", n.id, n.name, type=n.type)
    for mt in c.matters.values():
        node("matter", mt.id, mt.name, level=mt.level, code=mt.code)
    for res in c.results.values():
        node("result", res.id, res.name)
    for j in c.journeys.values():
        node("journey", j.id, j.name)

    for d in c.departments.values():
        if d.parent:
            edge(nid("department", d.parent), nid("department", d.id), "supervises")
    for p in c.powers.values():
        if p.department:
            edge(nid("department", p.department), nid("power", p.id), "holds")
        for cit in p.basis:
            edge(nid("power", p.id), nid("law", cit.law), "based-on")
    for r in c.responsibilities.values():
        if r.power:
            edge(nid("responsibility", r.id), nid("power", r.power), "implements")
        if r.supervisor:
            edge(nid("department", r.supervisor), nid("power", r.power or ""), "supervises")
        for cit in r.basis:
            edge(nid("responsibility", r.id), nid("law", cit.law), "based-on")
    for n in c.negatives.values():
        for t in n.implemented_by:
            target = nid("matter", t) if t in c.matters else nid("power", t)
            edge(target, nid("negative", n.id), "implements")
        for cit in n.basis:
            edge(nid("negative", n.id), nid("law", cit.law), "based-on")
    for mt in c.matters.values():
        me = nid("matter", mt.id)
        if mt.power:
            edge(me, nid("power", mt.power), "implements")
        if mt.department:
            edge(nid("department", mt.department), me, "holds")
        for cit in mt.basis:
            edge(me, nid("law", cit.law), "based-on")
        if mt.result:
            edge(me, nid("result", mt.result.id), "issues")
        for mat in mt.materials:
            key = materials.identity(mat.name)
            mk = nid("material", key)
            if mk not in g:
                g.add_node(mk, kind="material", id=key, label=key)
            edge(me, mk, "requires-material")
            if mat.source.kind == "produced_by" and mat.source.ref:
                edge(nid("result", mat.source.ref), mk, "produces")
            if mat.source.kind == "issued_by" and mat.source.ref:
                edge(nid("department", mat.source.ref), mk, "issues")
    for j in c.journeys.values():
        for mid in j.matters:
            edge(nid("matter", mid), nid("journey", j.id), "member-of")
        for dep in j.order:
            edge(nid("matter", dep.after), nid("matter", dep.before), "depends-on")
    return g
