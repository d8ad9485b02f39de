"""Journey figures (一件事): what a bundle of matters asks of the applicant, and how long it takes.

For one journey: the materials the applicant submits once after normalization and
data sharing, the materials sharing saves (listed, with who provides them), the
critical path and its time against the serial time, on-site visits and the
departments involved. Guides, the site and version diffs read these figures, so they
are computed here once, from the compiled catalog.

Counting rules:

- *material mentions*: every material of every matter of the journey, as written;
- *unique materials*: distinct identities among them (normalization: see
  qingdan.compiler.materials);
- *shared*: identities that need not be submitted because they are declared
  ``签发(…)``/``产出(…)`` or because a department or matter of the catalog provides
  them (the same rule as the ``shareable-material`` check);
- *applicant materials*: the unique identities left, each submitted once;
- times in working days (qingdan.compiler.durations); a matter takes its promised
  limit, else its statutory limit, else the sum of its steps;
- visits: the sum of the matters' ``到场``.
"""

from __future__ import annotations

from fractions import Fraction

from pydantic import BaseModel, Field

from . import model as m
from .durations import Clock, fmt_days, matter_time
from .graph import critical_path, journey_order, order_cycle, topological
from .materials import MaterialCatalog
from .text import terminal_text


class MaterialSource(BaseModel):
    kind: str  # matter (its result) or department (it issues the material)
    ref: str
    name: str

    def zh(self) -> str:
        return f"事项“{self.ref}”产出" if self.kind == "matter" else f"{self.name}签发"

    def en(self) -> str:
        return f"produced by matter '{self.ref}'" if self.kind == "matter" else f"issued by department '{self.ref}'"


class SharedMaterial(BaseModel):
    material: str  # identity
    names: list[str]  # as the matters write it (sorted; the text output shows the first)
    asked_by: list[str]  # matters that need it
    provided_by: list[MaterialSource]


class ApplicantMaterial(BaseModel):
    material: str
    names: list[str]
    asked_by: list[str]


class MatterTime(BaseModel):
    matter: str
    working_days: float | None
    basis: str | None  # promised / statutory / steps


class JourneyFigures(BaseModel):
    journey: str
    name: str
    matters: list[str]  # in order: every matter after the ones it waits for
    departments: list[str]
    department_names: list[str]
    lead_department: str | None = None
    material_mentions: int
    unique_materials: int
    applicant_materials: list[ApplicantMaterial] = Field(default_factory=list)
    shared_materials: list[SharedMaterial] = Field(default_factory=list)
    saved_by_sharing: int
    saved_by_normalization: int
    critical_path: list[str] = Field(default_factory=list)
    critical_days: float | None = None
    serial_days: float
    target_days: float | None = None
    over_target: bool = False
    order_cycle: list[str] | None = None
    visits: int
    matter_times: list[MatterTime] = Field(default_factory=list)
    unit: str = "working_days"

    @property
    def applicant_count(self) -> int:
        return len(self.applicant_materials)


def _days(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def journey_figures(model: m.CatalogModel, jid: str, mc: MaterialCatalog, clock: Clock) -> JourneyFigures:
    """Figures of journey ``jid``; raises KeyError if the journey is not declared.

    Call ``Catalog.journey_figures``, which computes them once per catalog.
    """
    j = model.journeys[jid]
    index = mc.index

    def department_name(did: str) -> str:
        dept = model.departments.get(did)
        return dept.name if dept else did

    dag = journey_order(j)
    cycle = order_cycle(dag)
    ordered = list(dict.fromkeys(j.matters)) if cycle else topological(dag)
    members = [mid for mid in ordered if mid in model.matters]

    mentions = [x for mid in members for x in mc.by_matter.get(mid, ())]
    by_key: dict[str, list] = {}
    for x in mentions:
        by_key.setdefault(x.key, []).append(x)
    member_results: dict[str, str] = {}
    for mid in members:
        res = model.matters[mid].result
        if res is not None:
            member_results.setdefault(index.identity(res.name), mid)
    shared, applicant = [], []
    for key in sorted(by_key):
        xs = by_key[key]
        names = sorted({x.material.name for x in xs})
        askers = list(dict.fromkeys(x.matter.id for x in xs))
        sources: dict[tuple[str, str], MaterialSource] = {}

        def source(kind: str, ref: str, sources: dict[tuple[str, str], MaterialSource] = sources) -> None:
            name = department_name(ref) if kind == "department" else model.matters[ref].name
            sources.setdefault((kind, ref), MaterialSource(kind=kind, ref=ref, name=name))

        submitted = False  # some matter needs it from the applicant: submitted once
        for x in xs:
            src = x.material.source
            if src.kind == "issued_by" and src.ref in model.departments:
                source("department", src.ref)
            elif src.kind == "produced_by" and src.ref in model.results and (owner := model.results[src.ref].matter) in model.matters:
                source("matter", owner or "")
            elif member_results.get(key, x.matter.id) != x.matter.id:
                source("matter", member_results[key])  # a matter of this journey produces it
            elif mc.provider_count(x):
                for p in mc.nearest_providers(x, limit=1):
                    source(p.kind, p.ref)
            else:
                submitted = True
        if submitted:
            applicant.append(ApplicantMaterial(material=key, names=names, asked_by=askers))
        else:
            shared.append(SharedMaterial(material=key, names=names, asked_by=askers, provided_by=[sources[k] for k in sorted(sources)]))

    times: dict[str, Fraction] = {}
    matter_times = []
    for mid in members:
        days, basis = matter_time(model.matters[mid], clock)
        times[mid] = days if days is not None else Fraction(0)
        matter_times.append(MatterTime(matter=mid, working_days=_days(days), basis=basis))
    serial = sum(times.values(), Fraction(0))
    path: list[str] = []
    critical: Fraction | None = None
    if not cycle:
        path, critical = critical_path(dag.subgraph(members), times)
    target = clock.working_days(j.target) if j.target is not None else None

    depts: dict[str, None] = {}
    for mid in members:
        mt = model.matters[mid]
        if mt.department:
            depts[mt.department] = None
        for st in mt.steps:
            if st.department:
                depts[st.department] = None
    dept_ids = sorted(depts)
    return JourneyFigures(
        journey=j.id,
        name=j.name,
        matters=members,
        departments=dept_ids,
        department_names=[department_name(d) for d in dept_ids],
        lead_department=j.department,
        material_mentions=len(mentions),
        unique_materials=len(by_key),
        applicant_materials=applicant,
        shared_materials=shared,
        saved_by_sharing=len(shared),
        saved_by_normalization=len(mentions) - len(by_key),
        critical_path=path,
        critical_days=_days(critical),
        serial_days=_days(serial) or 0.0,
        target_days=_days(target),
        over_target=bool(target is not None and critical is not None and critical > target),
        order_cycle=([d.before for d in cycle] + [cycle[-1].after]) if cycle else None,
        visits=sum(model.matters[mid].visits or 0 for mid in members),
        matter_times=matter_times,
    )


def render_text(f: JourneyFigures, lang: str = "zh") -> str:
    """The figures as plain text for the terminal."""
    def d(v: float | None) -> str:
        return "-" if v is None else fmt_days(Fraction(str(v)))

    if lang == "en":
        lines = [
            f"Journey {f.journey}: {f.name}",
            f"  matters ({len(f.matters)}): {', '.join(f.matters)}",
            f"  departments ({len(f.departments)}): {', '.join(f.departments)}",
            f"  materials: {f.material_mentions} asked in all, {f.unique_materials} distinct, "
            f"{f.applicant_count} submitted by the applicant, {f.saved_by_sharing} saved by data sharing",
        ]
        lines += [f"    submit: {a.names[0]} (asked by {', '.join(a.asked_by)})" for a in f.applicant_materials]
        lines += [f"    shared: {s.names[0]} (asked by {', '.join(s.asked_by)}; {'; '.join(p.en() for p in s.provided_by)})" for s in f.shared_materials]
        if f.order_cycle:
            lines.append(f"  order has a cycle: {' -> '.join(f.order_cycle)}")
        else:
            lines.append(f"  critical path: {' -> '.join(f.critical_path)} = {d(f.critical_days)} working days")
        lines.append(f"  serial time: {d(f.serial_days)} working days")
        if f.target_days is not None:
            lines.append(f"  target: {d(f.target_days)} working days" + (" (exceeded)" if f.over_target else ""))
        lines.append(f"  on-site visits: {f.visits}")
        return terminal_text(lines)
    lines = [
        f"一件事 {f.journey}：{f.name}",
        f"  事项（{len(f.matters)} 个）：{'、'.join(f.matters)}",
        f"  涉及部门（{len(f.departments)} 个）：{'、'.join(f.department_names)}",
        f"  材料：各事项共要求 {f.material_mentions} 份，去重后 {f.unique_materials} 种，"
        f"申请人只需提交 {f.applicant_count} 种，数据共享免提交 {f.saved_by_sharing} 种",
    ]
    lines += [f"    提交：{a.names[0]}（{'、'.join(a.asked_by)} 需要）" for a in f.applicant_materials]
    lines += [f"    免提交：{s.names[0]}（{'、'.join(s.asked_by)} 需要；{'；'.join(p.zh() for p in s.provided_by)}）" for s in f.shared_materials]
    if f.order_cycle:
        lines.append(f"  先后顺序有循环：{' → '.join(f.order_cycle)}")
    else:
        lines.append(f"  关键路径：{' → '.join(f.critical_path)}，共 {d(f.critical_days)} 个工作日")
    lines.append(f"  串联办理共 {d(f.serial_days)} 个工作日")
    if f.target_days is not None:
        lines.append(f"  目标时限：{d(f.target_days)} 个工作日" + ("（已超出）" if f.over_target else ""))
    lines.append(f"  到现场次数：{f.visits}")
    return terminal_text(lines)
