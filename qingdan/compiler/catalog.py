"""The compiled Catalog: the model of a rule project and the indexes everything downstream reads.

``compile()`` returns one ``Catalog``. It is immutable: its tables are read-only
mappings, and it cannot be given new attributes. The indexes that checks, evaluation and
generators share (material identities and providers, the working-day calendar, the
networkx graph, journey figures, lookups by code and by department) are computed on
first use and kept by the Catalog itself, so no caller rebuilds them and no module
attaches data to it from outside.

Its tables hold what is in force on the as-of date (``as_of``); the declarations whose
effective dates leave them out are in ``left_out`` (see ``effective.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import networkx as nx

from . import model as m
from .durations import Clock
from .graph import build_graph
from .journeys import JourneyFigures, journey_figures
from .materials import MaterialCatalog, MaterialIndex


@dataclass(frozen=True, eq=False)
class Catalog:
    """A compiled catalog. Build one with ``qingdan.compiler.compile``."""

    model: m.CatalogModel
    root: Path | None = None  # the project directory (None for sources held in memory)
    # The as-of date (``effective.py``): the tables hold what is in force on it, and
    # ``left_out`` the powers, matters, responsibilities, negative-list entries (and
    # their results) that are not. None: no date, nothing left out.
    as_of: date | None = None
    left_out: m.CatalogModel = field(default_factory=m.CatalogModel)
    _figures: dict[str, JourneyFigures] = field(default_factory=dict, init=False, repr=False)

    # ------------------------------------------------------------ tables (read-only)
    @property
    def config(self) -> m.ProjectConfig:
        return self.model.config

    @cached_property
    def departments(self) -> Mapping[str, m.Department]:
        return MappingProxyType(self.model.departments)

    @cached_property
    def laws(self) -> Mapping[str, m.Law]:
        return MappingProxyType(self.model.laws)

    @cached_property
    def powers(self) -> Mapping[str, m.Power]:
        return MappingProxyType(self.model.powers)

    @cached_property
    def responsibilities(self) -> Mapping[str, m.Responsibility]:
        return MappingProxyType(self.model.responsibilities)

    @cached_property
    def negatives(self) -> Mapping[str, m.NegativeEntry]:
        return MappingProxyType(self.model.negatives)

    @cached_property
    def matters(self) -> Mapping[str, m.Matter]:
        return MappingProxyType(self.model.matters)

    @cached_property
    def journeys(self) -> Mapping[str, m.Journey]:
        return MappingProxyType(self.model.journeys)

    @cached_property
    def results(self) -> Mapping[str, m.Result]:
        return MappingProxyType(self.model.results)

    # ------------------------------------------------------------ shared indexes
    @cached_property
    def material_index(self) -> MaterialIndex:
        """Material names to identities, with the project's synonyms."""
        return MaterialIndex(self.config.synonyms)

    @cached_property
    def material_catalog(self) -> MaterialCatalog:
        """Every material mention by identity, and who provides each material."""
        return MaterialCatalog(self.model, self.material_index)

    @cached_property
    def clock(self) -> Clock:
        """The working-day calendar (the project's holidays)."""
        return Clock(self.config.holidays)

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The typed networkx graph (built on first use: only ``qingdan graph`` needs it)."""
        return build_graph(self.model, self.material_index)

    @cached_property
    def responsibilities_by_power(self) -> Mapping[str, tuple[m.Responsibility, ...]]:
        by: dict[str, list[m.Responsibility]] = {}
        for r in self.model.responsibilities.values():
            if r.power:
                by.setdefault(r.power, []).append(r)
        return MappingProxyType({k: tuple(v) for k, v in by.items()})

    def journey_figures(self, jid: str) -> JourneyFigures:
        """The figures of journey ``jid`` (computed once); KeyError if it is not declared."""
        found = self._figures.get(jid)
        if found is None:
            found = self._figures[jid] = journey_figures(self.model, jid, self.material_catalog, self.clock)
        return found

    # ------------------------------------------------------------ lookups
    def matter(self, mid: str) -> m.Matter:
        return self.model.matters[mid]

    def department_name(self, did: str | None) -> str:
        if not did:
            return ""
        d = self.model.departments.get(did)
        return d.name if d else did

    def power_of(self, matter: m.Matter) -> m.Power | None:
        return self.model.powers.get(matter.power or "")

    def category_of(self, matter: m.Matter) -> str | None:
        """The matter's category: written on it, else its power's."""
        if matter.category is not None:
            return matter.category
        power = self.power_of(matter)
        return power.category if power is not None else None

    def is_public_service(self, matter: m.Matter) -> bool:
        """A public service (公共服务) is not an administrative power: it needs no power, legal authorization or responsibility entry."""
        return self.category_of(matter) == "public_service"

    def responsibilities_of(self, power_id: str) -> tuple[m.Responsibility, ...]:
        """The responsibility-list entries of power ``power_id``."""
        return self.responsibilities_by_power.get(power_id, ())

    def citation_text(self, cit: m.Citation) -> str:
        law = self.model.laws.get(cit.law)
        name = f"《{law.name}》" if law else cit.law
        return f"{name}{cit.article}" if cit.article else name

    def article_text(self, cit: m.Citation) -> str | None:
        law = self.model.laws.get(cit.law)
        if law and cit.article and cit.article in law.articles:
            return law.articles[cit.article].text
        return None

    def issuer_of(self, material: m.Material) -> str | None:
        """The department or matter that provides a shareable material."""
        src = material.source
        if src.kind == "issued_by":
            return self.department_name(src.ref)
        if src.kind == "produced_by":
            res = self.model.results.get(src.ref or "")
            if res and res.matter in self.model.matters:
                return self.model.matters[res.matter].name
        return None
