"""The catalog graph (networkx): typed nodes and typed edges, part of the public API.

Node ids are ``kind:id`` (``matter:食品经营许可``). Node kinds: department, law, power,
responsibility, negative, matter, material, result, journey. Materials are nodes by
normalized identity, so that the same material asked by several matters is one node.

Edge types (source → target):

- ``holds``: department → power it holds (also the new holder of a transferred power),
  department → matter it implements;
- ``implements``: matter → power, responsibility → power, matter or power → negative-list entry;
- ``based-on``: power, matter, responsibility or negative entry → law (``articles`` lists the cited articles);
- ``requires-material``: matter → material (``materials`` lists the matter's material ids);
- ``issues``: matter → its result; department → material it issues (``签发``);
- ``produces``: result → the material it is (by ``产出`` or by identity);
- ``depends-on``: matter → the matter it waits for in a journey (``journeys`` lists them);
- ``supervises``: parent department → department; supervising department → power;
- ``member-of``: matter → journey.

This module also holds the journey-order helpers (the order graph, its cycles and the
critical path) used by the time checks and the journey figures, and the exporters
behind ``qingdan graph`` (JSON, GraphML, DOT), all deterministic.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import networkx as nx

from . import model as m
from .materials import MaterialIndex

EDGE_TYPES = (
    "holds", "implements", "based-on", "requires-material", "issues", "produces",
    "depends-on", "supervises", "member-of",
)
NODE_KINDS = ("department", "law", "power", "responsibility", "negative", "matter", "material", "result", "journey")
GRAPH_FORMAT_VERSION = "1.0"


def nid(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


def build_graph(c: m.CatalogModel, materials: MaterialIndex | None = None) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    materials = materials or MaterialIndex(c.config.synonyms)

    def node(kind: str, ident: str, label: str, **attrs) -> str:
        key = nid(kind, ident)
        g.add_node(key, kind=kind, id=ident, label=label, **{k: v for k, v in attrs.items() if v is not None})
        return key

    def edge(a: str, b: str, etype: str, **attrs) -> None:
        if a not in g or b not in g:
            return
        if g.has_edge(a, b, key=etype):
            data = g.edges[a, b, etype]
            for k, v in attrs.items():  # list attributes accumulate
                if isinstance(v, list):
                    data[k] = sorted(set(data.get(k, [])) | set(v))
            return
        g.add_edge(a, b, key=etype, type=etype, **attrs)

    def cite(src: str, basis: list[m.Citation]) -> None:
        for cit in basis:
            edge(src, nid("law", cit.law), "based-on", articles=[cit.article] if cit.article else [])

    for d in c.departments.values():
        node("department", d.id, d.name, level=d.level, region=d.region)
    for law in c.laws.values():
        node("law", law.id, law.name, type=law.type)
    for p in c.powers.values():
        node("power", p.id, p.name, code=p.code, category=p.category, status=p.status.kind, level=p.level, department=p.department)
    for r in c.responsibilities.values():
        node("responsibility", r.id, r.id, power=r.power)
    for n in c.negatives.values():
        node("negative", n.id, n.name, type=n.type, code=n.code)
    for mt in c.matters.values():
        node("matter", mt.id, mt.name, level=mt.level, code=mt.code, department=mt.department, power=mt.power, visits=mt.visits)
    for res in c.results.values():
        node("result", res.id, res.name, matter=res.matter)
    for j in c.journeys.values():
        node("journey", j.id, j.name)

    for d in c.departments.values():
        if d.parent:
            edge(nid("department", d.parent), nid("department", d.id), "supervises")
    for p in c.powers.values():
        if p.department:
            edge(nid("department", p.department), nid("power", p.id), "holds")
        if p.status.kind == "transfer" and p.status.target:
            edge(nid("department", p.status.target), nid("power", p.id), "holds")
        cite(nid("power", p.id), p.basis)
    for r in c.responsibilities.values():
        if r.power:
            edge(nid("responsibility", r.id), nid("power", r.power), "implements")
            if r.supervisor:
                edge(nid("department", r.supervisor), nid("power", r.power), "supervises")
        cite(nid("responsibility", r.id), r.basis)
    for n in c.negatives.values():
        for t in n.implemented_by:
            target = nid("matter", t) if t in c.matters else nid("power", t)
            edge(target, nid("negative", n.id), "implements")
        cite(nid("negative", n.id), n.basis)
    result_keys: dict[str, list[str]] = {}
    for res in c.results.values():
        result_keys.setdefault(materials.identity(res.name), []).append(res.id)
    for mt in c.matters.values():
        me = nid("matter", mt.id)
        if mt.power:
            edge(me, nid("power", mt.power), "implements")
        if mt.department:
            edge(nid("department", mt.department), me, "holds")
        cite(me, mt.basis)
        if mt.result:
            edge(me, nid("result", mt.result.id), "issues")
        for mat in mt.materials:
            key = materials.identity(mat.name)
            mk = nid("material", key)
            if mk not in g:
                g.add_node(mk, kind="material", id=key, label=key, names=[])
            names = g.nodes[mk]["names"]
            if mat.name not in names:
                names.append(mat.name)
                names.sort()
            edge(me, mk, "requires-material", materials=[mat.id])
            if mat.source.kind == "produced_by" and mat.source.ref:
                edge(nid("result", mat.source.ref), mk, "produces")
            if mat.source.kind == "issued_by" and mat.source.ref:
                edge(nid("department", mat.source.ref), mk, "issues")
    for key, rids in result_keys.items():  # a result is the material of the same identity
        for rid in rids:
            edge(nid("result", rid), nid("material", key), "produces")
    for j in c.journeys.values():
        for mid in j.matters:
            edge(nid("matter", mid), nid("journey", j.id), "member-of")
        for dep in j.order:
            edge(nid("matter", dep.after), nid("matter", dep.before), "depends-on", journeys=[j.id])
    return g


# ---------------------------------------------------------------- journeys
def journey_order(j: m.Journey) -> nx.DiGraph:
    """The journey's matters as a DAG (if it has no cycle): an edge runs from before to after.

    Only the journey's own matters take part; each edge keeps its ``Dependency``.
    """
    dag = nx.DiGraph()
    for i, mid in enumerate(j.matters):
        if mid not in dag:
            dag.add_node(mid, index=i)
    for dep in j.order:
        if dep.before in dag and dep.after in dag and not dag.has_edge(dep.before, dep.after):
            dag.add_edge(dep.before, dep.after, dep=dep)
    return dag


def first_cycle(g: nx.DiGraph, rank: Callable[[Any], Any]) -> list[Any] | None:
    """One cycle of ``g`` as nodes ``[a, b, ..., a]``, or None; deterministic by ``rank(node)``.

    It starts in the strongly connected component holding the lowest-ranked node and
    always steps to the lowest-ranked successor inside that component (linear time).
    """
    comps = [c for c in nx.strongly_connected_components(g) if len(c) > 1 or any(g.has_edge(n, n) for n in c)]
    if not comps:
        return None
    comp = min(comps, key=lambda c: min(rank(n) for n in c))
    sub = g.subgraph(comp)
    start = min(comp, key=rank)
    path, seen = [start], {start: 0}
    while True:
        nxt = min(sub.successors(path[-1]), key=rank)
        if nxt in seen:
            return path[seen[nxt]:] + [nxt]
        seen[nxt] = len(path)
        path.append(nxt)


def cycles(g: nx.DiGraph, rank: Callable[[Any], Any]) -> list[tuple[list[Any], set[Any]]]:
    """One cycle per strongly connected component with a cycle: ``(cycle nodes, component)``."""
    out = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) > 1 or any(g.has_edge(n, n) for n in comp):
            cycle = first_cycle(g.subgraph(comp), rank)
            if cycle:
                out.append((cycle, comp))
    return sorted(out, key=lambda cc: rank(cc[0][0]))


def order_cycle(dag: nx.DiGraph) -> list[m.Dependency] | None:
    """One cycle of a journey's order graph, as the dependencies that form it, or None."""
    cyc = first_cycle(dag, lambda n: dag.nodes[n]["index"])
    return [dag.edges[a, b]["dep"] for a, b in zip(cyc, cyc[1:])] if cyc else None


def topological(dag: nx.DiGraph) -> list[str]:
    """Matters in order: every matter after the ones it waits for, ties by listing order."""
    return list(nx.lexicographical_topological_sort(dag, key=lambda n: dag.nodes[n]["index"]))


def critical_path(dag: nx.DiGraph, weight: dict[str, Fraction]) -> tuple[list[str], Fraction]:
    """The longest chain of the DAG by summed node weight (parallel branches take the longest).

    Ties go to the branch listed first in the journey, so the answer is deterministic.
    """
    best: dict[str, Fraction] = {}
    prev: dict[str, str | None] = {}
    index = nx.get_node_attributes(dag, "index")
    for n in topological(dag):
        preds = sorted(dag.predecessors(n), key=lambda p: (-best[p], index[p]))
        prev[n] = preds[0] if preds else None
        best[n] = weight.get(n, Fraction(0)) + (best[preds[0]] if preds else 0)
    if not best:
        return [], Fraction(0)
    end = min(best, key=lambda n: (-best[n], index[n]))
    path = [end]
    step = prev[end]
    while step is not None:
        path.append(step)
        step = prev[step]
    return path[::-1], best[end]


# ---------------------------------------------------------------- export
def _sorted_nodes(g: nx.MultiDiGraph) -> list[tuple[str, dict]]:
    return sorted(g.nodes(data=True), key=lambda nd: nd[0])


def _sorted_edges(g: nx.MultiDiGraph) -> list[tuple[str, str, str, dict]]:
    return sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))


def graph_to_json(g: nx.MultiDiGraph, project: str = "") -> str:
    """Nodes and edges as JSON: ``{"nodes": [...], "edges": [...]}``, sorted by id.

    A node's ``id`` is its graph key (``matter:食品经营许可``), ``ref`` the declared identifier.
    """
    doc = {
        "format_version": GRAPH_FORMAT_VERSION,
        "project": project,
        "node_kinds": list(NODE_KINDS),
        "edge_types": list(EDGE_TYPES),
        "nodes": [{"id": n, "ref": d.get("id"), **{k: v for k, v in sorted(d.items()) if k != "id"}} for n, d in _sorted_nodes(g)],
        "edges": [
            {"source": a, "target": b, **dict(sorted(d.items()))}
            for a, b, _k, d in _sorted_edges(g)
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _scalar(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def graph_to_graphml(g: nx.MultiDiGraph) -> str:
    """GraphML (lists are joined with 、); keys and ids in sorted order."""
    out = nx.MultiDiGraph()
    for n, d in _sorted_nodes(g):
        out.add_node(n, **{k: _scalar(v) for k, v in sorted(d.items())})
    for a, b, k, d in _sorted_edges(g):
        out.add_edge(a, b, key=k, **{kk: _scalar(v) for kk, v in sorted(d.items())})
    buf = io.BytesIO()
    nx.write_graphml_xml(out, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue().decode("utf-8").rstrip("\n") + "\n"


_DOT_SHAPES = {
    "department": "box", "law": "note", "power": "hexagon", "responsibility": "component",
    "negative": "octagon", "matter": "ellipse", "material": "folder", "result": "tab", "journey": "doubleoctagon",
}


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def graph_to_dot(g: nx.MultiDiGraph, project: str = "") -> str:
    """Graphviz DOT text: one shape per node kind, edges labelled with their type."""
    lines = [f"digraph {_dot_quote(project or 'qingdan')} {{", "  rankdir=LR;", '  node [fontname="Noto Sans CJK SC"];']
    for n, d in _sorted_nodes(g):
        label = d.get("label", n)
        lines.append(f"  {_dot_quote(n)} [label={_dot_quote(label)}, shape={_DOT_SHAPES.get(d.get('kind', ''), 'ellipse')}, kind={_dot_quote(d.get('kind', ''))}];")
    for a, b, _k, d in _sorted_edges(g):
        lines.append(f"  {_dot_quote(a)} -> {_dot_quote(b)} [label={_dot_quote(d.get('type', ''))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


GRAPH_FORMATS = {"json": graph_to_json, "graphml": lambda g, project="": graph_to_graphml(g), "dot": graph_to_dot}
