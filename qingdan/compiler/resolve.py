"""Name resolution: every cross-declaration reference must name a declaration.

Runs after all files are lowered, so declarations may appear in any order and any
file. Also fills defaults that depend on other declarations (a matter's level from its
department, then from the project).
"""

from __future__ import annotations

from ..dsl.keywords import KINDS
from . import model as m
from .diagnostics import Diagnostic, Loc, diag, did_you_mean
from .lower import Problems

_TABLE_KIND = {
    "departments": "department",
    "powers": "power",
    "matters": "matter",
    "results": "result",
    "laws": "law",
    "journeys": "journey",
}


def value_loc(node: m.Node, field: str) -> Loc | None:
    return node.locs.get(field + "@") or node.at(field)


class Resolver:
    def __init__(self, catalog: m.CatalogModel) -> None:
        self.c = catalog
        self.diagnostics: Problems = Problems()  # at most so many per file: a file of garbage costs little

    def need(self, name: str | None, tables: tuple[str, ...], loc: Loc | None, owner_zh: str, owner_en: str) -> None:
        if name is None:
            return
        for t in tables:
            if name in getattr(self.c, t):
                return
        if self.diagnostics.full(loc.file if loc else ""):  # it would be left out: spare the suggestion
            self.diagnostics.append(diag("unknown-reference", "", "", loc))
            return
        cands = [k for t in tables for k in getattr(self.c, t)]
        suggestion = did_you_mean(name, cands)
        what_zh = "或".join(KINDS[_TABLE_KIND[t]].zh for t in tables)
        what_en = " or ".join(_TABLE_KIND[t] for t in tables)
        zh = f"{owner_zh}引用的{what_zh}“{name}”不存在"
        en = f"{owner_en} refers to {what_en} '{name}', which is not declared"
        self.diagnostics.append(diag("unknown-reference", zh, en, loc, did_you_mean=suggestion))

    def bodies_of(self, mt: m.Matter, who_zh: str, who_en: str) -> None:
        """The departments a matter's guide names (受理机构, 决定机构, 联办机构, 复议, 诉讼) must be declared;
        a body the catalog does not declare is written in quotes."""
        named = [("accepting_body", mt.accepting_body), ("deciding_body", mt.deciding_body),
                 *(("joint_bodies", b) for b in mt.joint_bodies),
                 ("reconsideration", mt.reconsideration), ("litigation", mt.litigation)]
        for field, body in named:
            if body is None or body.department is None or body.department in self.c.departments:
                continue
            loc = value_loc(mt, field)
            if self.diagnostics.full(loc.file if loc else ""):
                self.diagnostics.append(diag("unknown-reference", "", "", loc))
                continue
            name = body.department
            self.diagnostics.append(diag(
                "unknown-reference",
                f"{who_zh}引用的部门“{name}”不存在；如果它不是目录中的部门（如法院），请把名称写在引号里：\"{name}\"",
                f"{who_en} refers to department '{name}', which is not declared; for a body outside the catalog "
                f"(a court, say) write its name in quotes: \"{name}\"",
                loc, did_you_mean=did_you_mean(name, list(self.c.departments))))

    def run(self) -> list[Diagnostic]:
        c = self.c
        default_level = c.config.level
        for d in c.departments.values():
            self.need(d.parent, ("departments",), value_loc(d, "parent"), f"部门“{d.id}”", f"department '{d.id}'")
            if d.level is None:
                d.level = default_level
        for p in c.powers.values():
            who_zh, who_en = f"权力“{p.id}”", f"power '{p.id}'"
            self.need(p.department, ("departments",), value_loc(p, "department"), who_zh, who_en)
            if p.status.kind == "transfer":
                self.need(p.status.target, ("departments",), value_loc(p, "status"), who_zh, who_en)
            if p.status.kind == "merge":
                self.need(p.status.target, ("powers",), value_loc(p, "status"), who_zh, who_en)
            if p.level is None:
                dept = c.departments.get(p.department or "")
                p.level = dept.level if dept and dept.level else default_level
            if not p.levels and p.level:
                p.levels = [p.level]
        for r in c.responsibilities.values():
            who_zh, who_en = f"责任“{r.id}”", f"responsibility '{r.id}'"
            self.need(r.power, ("powers",), value_loc(r, "power"), who_zh, who_en)
            self.need(r.supervisor, ("departments",), value_loc(r, "supervisor"), who_zh, who_en)
        for n in c.negatives.values():
            who_zh, who_en = f"负面清单“{n.id}”", f"negative-list entry '{n.id}'"
            self.need(n.department, ("departments",), value_loc(n, "department"), who_zh, who_en)
            for target in n.implemented_by:
                self.need(target, ("matters", "powers"), value_loc(n, "implemented_by"), who_zh, who_en)
        for mt in c.matters.values():
            who_zh, who_en = f"事项“{mt.id}”", f"matter '{mt.id}'"
            self.need(mt.power, ("powers",), value_loc(mt, "power"), who_zh, who_en)
            self.need(mt.department, ("departments",), value_loc(mt, "department"), who_zh, who_en)
            if mt.level is None:
                dept = c.departments.get(mt.department or "")
                mt.level = dept.level if dept and dept.level else default_level
            self.bodies_of(mt, who_zh, who_en)
            if not mt.levels and mt.level:
                mt.levels = [mt.level]
            for st in mt.steps:
                self.need(st.department, ("departments",), value_loc(st, "department"), f"{who_zh}的步骤“{st.id}”", f"step '{st.id}' of {who_en}")
            for mat in mt.materials:
                src = mat.source
                owner = (f"{who_zh}的材料“{mat.id}”", f"material '{mat.id}' of {who_en}")
                if src.kind == "issued_by":
                    self.need(src.ref, ("departments",), value_loc(mat, "source"), *owner)
                elif src.kind == "produced_by":
                    self.need(src.ref, ("results",), value_loc(mat, "source"), *owner)
        for j in c.journeys.values():
            who_zh, who_en = f"一件事“{j.id}”", f"journey '{j.id}'"
            for mid in j.matters:
                self.need(mid, ("matters",), value_loc(j, "matters"), who_zh, who_en)
            self.need(j.department, ("departments",), value_loc(j, "department"), who_zh, who_en)
            members = set(j.matters)
            reported: set = set()
            for dep in j.order:
                for name, loc in ((dep.before, dep.before_loc), (dep.after, dep.after_loc)):
                    if name not in members and (name, loc) not in reported:
                        reported.add((name, loc))
                        suggestion = did_you_mean(name, members)
                        zh = f"{who_zh}的先后顺序中的“{name}”不在它的事项列表里"
                        en = f"'{name}' in the order of {who_en} is not one of its matters"
                        self.diagnostics.append(diag("unknown-reference", zh, en, loc, did_you_mean=suggestion))
        return self.diagnostics
