"""The architecture stays as designed: no import cycles, one-way layers, one entry point.

The layer contracts themselves are import-linter's (``[tool.importlinter]`` in
pyproject.toml, run by ``.ci/run``); this file adds what import-linter does not check.
"""

from __future__ import annotations

import dataclasses

import grimp
import networkx as nx
import pytest
from conftest import EXAMPLES

from qingdan import compiler
from qingdan.compiler import Catalog, CompileOptions


def _module_graph() -> nx.DiGraph:
    g = grimp.build_graph("qingdan")
    out = nx.DiGraph()
    for module in g.modules:
        out.add_node(module)
        for imported in g.find_modules_directly_imported_by(module):
            out.add_edge(module, imported)
    return out


def test_no_import_cycles_between_modules():
    cycles = sorted(sorted(c) for c in nx.simple_cycles(_module_graph()))
    assert cycles == [], f"import cycles: {cycles}"


def test_nothing_imports_the_command_line():
    g = _module_graph()
    outside = [(a, b) for a, b in g.edges if b.startswith("qingdan.cli") and not a.startswith("qingdan.cli")]
    assert outside == []


def test_the_compiled_catalog_is_immutable():
    catalog = compiler.compile(EXAMPLES / "city", CompileOptions(checks=False)).catalog
    assert isinstance(catalog, Catalog)
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.model = catalog.model  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        catalog.matters["new"] = next(iter(catalog.matters.values()))  # type: ignore[index]


def test_indexes_are_computed_once_and_the_graph_only_on_use():
    catalog = compiler.compile(EXAMPLES / "city").catalog
    assert "graph" not in vars(catalog), "compiling does not build the networkx graph"
    assert catalog.material_catalog is catalog.material_catalog
    jid = next(iter(catalog.journeys))
    assert catalog.journey_figures(jid) is catalog.journey_figures(jid)
    assert catalog.graph.number_of_nodes() > 0 and "graph" in vars(catalog)


def test_compile_takes_sources_held_in_memory():
    sources = {f.relative_to(EXAMPLES / "city").as_posix(): f.read_text(encoding="utf-8")
               for f in sorted((EXAMPLES / "city").rglob("*.qd"))}
    sources["qingdan.toml"] = (EXAMPLES / "city" / "qingdan.toml").read_text(encoding="utf-8")
    in_memory = compiler.compile(sources)
    on_disk = compiler.compile(EXAMPLES / "city")
    assert in_memory.root is None
    assert in_memory.catalog.model == on_disk.catalog.model
    assert [(d.rule, d.loc, d.message_en) for d in in_memory.diagnostics] == [(d.rule, d.loc, d.message_en) for d in on_disk.diagnostics]
