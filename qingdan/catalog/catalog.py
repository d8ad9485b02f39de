"""The compiled Catalog: the model, its graph and the queries the generators use.

Heavier queries live in their own modules (journeys.py, evaluate.py) and are exposed
here as methods, so callers need only ``Catalog``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..compiler import model as m

if TYPE_CHECKING:
    from .project import CompileResult


class Catalog:
    def __init__(self, result: "CompileResult") -> None:
        if result.model is None:
            raise ValueError("the project did not compile")
        self.result = result
        self.model: m.CatalogModel = result.model
        self.graph = result.graph
        self.materials = result.materials
        self.config = result.model.config

    @classmethod
    def load(cls, path: str | Path) -> "Catalog":
        from .project import compile_path

        return cls(compile_path(path))

    # ------------------------------------------------------------ lookups
    @property
    def matters(self) -> dict[str, m.Matter]:
        return self.model.matters

    @property
    def journeys(self) -> dict[str, m.Journey]:
        return self.model.journeys

    @property
    def departments(self) -> dict[str, m.Department]:
        return self.model.departments

    @property
    def powers(self) -> dict[str, m.Power]:
        return self.model.powers

    def matter(self, mid: str) -> m.Matter:
        return self.model.matters[mid]

    def department_name(self, did: str | None) -> str:
        if not did:
            return ""
        d = self.model.departments.get(did)
        return d.name if d else did

    def power_of(self, matter: m.Matter) -> m.Power | None:
        return self.model.powers.get(matter.power or "")

    def responsibilities_of(self, power_id: str) -> list[m.Responsibility]:
        return [r for r in self.model.responsibilities.values() if r.power == power_id]

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

    # ------------------------------------------------------------ heavier queries
    def journey_figures(self, jid: str):
        from .journeys import journey_figures

        return journey_figures(self, jid)

    def evaluate(self, target: str, facts: dict, **options):
        from .evaluate import evaluate

        return evaluate(self, target, facts, **options)
