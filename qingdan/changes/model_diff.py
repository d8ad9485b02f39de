"""What changed between two compiled catalogs, entity by entity and element by element.

Entities are matched by code where both sides have one, then by identifier: a power or
matter whose name or identifier changed but whose code stayed is *renamed*, not removed
and added. Inside a matter, conditions, materials, steps and facts are matched by
identifier, then materials by their identity (the normalized name, with the project's
synonyms), conditions by their text and steps by their name.

Every compared value is plain data (text, numbers, booleans, sorted lists), so that a
change prints the same in every format and ``diff(B, A)`` is the mirror image of
``diff(A, B)``: added and removed swap, and so do old and new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..compiler import Catalog
from ..compiler import model as m

Value = str | int | bool | None | tuple[str, ...]
TABLES = ("department", "power", "responsibility", "negative", "matter", "journey")
PARTS = ("fact", "condition", "material", "step", "member")


@dataclass(frozen=True)
class FieldChange:
    """One field of an entity or part: ``old`` → ``new`` (None: not written)."""

    field: str
    old: Value
    new: Value

    def mirrored(self) -> FieldChange:
        return FieldChange(self.field, self.new, self.old)


@dataclass(frozen=True)
class PartChange:
    """A condition, material, step or fact of a matter (or a member of a journey) added, removed or changed."""

    part: str  # one of PARTS
    kind: str  # added, removed, changed
    key: str  # its identifier (the new one when both sides have it)
    name: str  # its name or text (the new one when both sides have it)
    fields: tuple[FieldChange, ...] = ()

    def mirrored(self) -> PartChange:
        kind = {"added": "removed", "removed": "added"}.get(self.kind, self.kind)
        return PartChange(self.part, kind, self.key, self.name, tuple(f.mirrored() for f in self.fields))


@dataclass(frozen=True)
class EntityChange:
    """A department, power, responsibility, negative-list entry, matter or journey added, removed or changed."""

    table: str  # one of TABLES
    kind: str  # added, removed, changed
    old_id: str | None
    new_id: str | None
    old_name: str | None
    new_name: str | None
    code: str | None  # the code it is matched by (the new one when both sides have one)
    department: str | None  # the department it belongs to (for grouping), the new side's when it has one
    fields: tuple[FieldChange, ...] = ()
    parts: tuple[PartChange, ...] = ()

    @property
    def id(self) -> str:
        return self.new_id or self.old_id or ""

    @property
    def name(self) -> str:
        return self.new_name or self.old_name or ""

    @property
    def renamed(self) -> bool:
        """Its name or identifier changed (a responsibility has no name of its own: it is named after its power)."""
        if self.kind != "changed":
            return False
        return self.old_id != self.new_id or (self.table != "responsibility" and self.old_name != self.new_name)

    def field(self, name: str) -> FieldChange | None:
        return next((f for f in self.fields if f.field == name), None)

    def mirrored(self) -> EntityChange:
        kind = {"added": "removed", "removed": "added"}.get(self.kind, self.kind)
        return EntityChange(self.table, kind, self.new_id, self.old_id, self.new_name, self.old_name, self.code, self.department,
                            tuple(f.mirrored() for f in self.fields), tuple(p.mirrored() for p in self.parts))


@dataclass(frozen=True)
class CatalogDiff:
    """Every change between two catalogs, sorted by table, department and identifier; and the pairs matched."""

    changes: tuple[EntityChange, ...]
    pairs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # table -> old id -> new id (unchanged ones too)

    @property
    def empty(self) -> bool:
        return not self.changes

    def of(self, table: str, kind: str | None = None) -> list[EntityChange]:
        return [c for c in self.changes if c.table == table and (kind is None or c.kind == kind)]

    def status_transitions(self) -> list[EntityChange]:
        """The powers whose status changed: the reform actions (保留 → 取消 / 下放 / 合并 / 划转 …)."""
        return [c for c in self.of("power", "changed") if c.field("status") is not None]


# ---------------------------------------------------------------- values
def duration_value(d: m.Duration | None) -> str | None:
    return None if d is None else f"{_number(d.amount)} {d.unit}"


def _number(v: Decimal) -> str:
    return format(v.normalize(), "f")


def _citations(basis: Iterable[m.Citation]) -> tuple[str, ...]:
    return tuple(sorted({c.key for c in basis}))


def _date(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def status_value(s: m.PowerStatus) -> str:
    """``retain``, ``cancel``, ``delegate:county``, ``transfer:<department>``, ``merge:<power>``."""
    if s.kind == "delegate":
        return f"delegate:{s.level}" if s.level else "delegate"
    if s.kind in ("transfer", "merge"):
        return f"{s.kind}:{s.target}" if s.target else s.kind
    return s.kind


_OPS = {"ge": ">=", "le": "<=", "gt": ">", "lt": "<", "eq": "==", "ne": "!="}


def expr_source(expr: m.Expr | None, depth: int = 0) -> str | None:
    """An expression as canonical rule text (Chinese keywords): ``经营面积 >= 20 且 非 有前科``."""
    if expr is None:
        return None
    if depth > 200:
        return "…"
    if isinstance(expr, m.Const):
        return "是" if expr.value else "否"
    if isinstance(expr, m.BoolFact):
        return expr.fact
    if isinstance(expr, m.CondRef):
        return expr.name
    if isinstance(expr, m.Compare):
        return f"{expr.fact} {_OPS[expr.op]} {_literal(expr.value)}"
    if isinstance(expr, m.InSet):
        return f"{expr.fact} {'非 ' if expr.negated else ''}属于 ({', '.join(_literal(v) for v in expr.values)})"
    if isinstance(expr, m.Not):
        return f"非 {_grouped(expr.operand, depth)}"
    if isinstance(expr, m.AllOf | m.AnyOf):
        word = " 且 " if isinstance(expr, m.AllOf) else " 或 "
        return word.join(_grouped(i, depth) for i in expr.items)
    return ""


def _grouped(expr: m.Expr, depth: int) -> str:
    text = expr_source(expr, depth + 1) or ""
    return f"({text})" if isinstance(expr, m.AllOf | m.AnyOf) else text


def _literal(lit: m.Literal_) -> str:
    v = lit.value
    if isinstance(v, bool):
        return "是" if v else "否"
    if lit.type == "text":
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, Decimal):
        return _number(v)
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def fee_value(fee: m.Fee | None) -> str | None:
    if fee is None:
        return None
    if fee.free:
        return "free"
    return "; ".join(x for x in (f"{_number(fee.amount)} yuan" if fee.amount is not None else "", fee.text or "") if x) or "charged"


def source_value(src: m.MaterialSource) -> str:
    """``applicant``, ``issued_by:<department>`` or ``produced_by:<result>``."""
    return src.kind if src.kind == "applicant" or not src.ref else f"{src.kind}:{src.ref}"


# ---------------------------------------------------------------- signatures: the compared fields of each entity
Sig = dict[str, Value]


def _department_sig(d: m.Department, c: Catalog) -> Sig:
    return {"name": d.name, "level": d.level, "region": d.region, "parent": d.parent, "contact": d.contact}


def _power_sig(p: m.Power, c: Catalog) -> Sig:
    return {"name": p.name, "code": p.code, "category": p.category, "department": p.department, "level": p.level,
            "basis": _citations(p.basis), "status": status_value(p.status), "effective_from": _date(p.effective_from),
            "effective_to": _date(p.effective_to), "division": p.division}


def _responsibility_sig(r: m.Responsibility, c: Catalog) -> Sig:
    sig: Sig = {"power": r.power}
    for stage in m.STAGES:
        sig[f"stage.{stage}"] = r.stages.get(stage)
    sig.update({"supervisor": r.supervisor, "accountability": tuple(r.accountability), "basis": _citations(r.basis)})
    return sig


def _negative_sig(e: m.NegativeEntry, c: Catalog) -> Sig:
    return {"name": e.name, "code": e.code, "type": e.type, "description": e.description, "department": e.department,
            "implemented_by": tuple(sorted(e.implemented_by)), "activities": tuple(e.activities), "basis": _citations(e.basis)}


def _matter_sig(mt: m.Matter, c: Catalog) -> Sig:
    return {
        "name": mt.name, "code": mt.code, "power": mt.power, "department": mt.department, "level": mt.level,
        "basis": _citations(mt.basis), "applicants": tuple(mt.applicants), "fee": fee_value(mt.fee),
        "channels": tuple(mt.channels), "visits": mt.visits, "result": mt.result.name if mt.result else None,
        "limits.statutory": duration_value(mt.limits.statutory), "limits.promised": duration_value(mt.limits.promised),
        "contact": mt.contact, "location": mt.location, "activities": tuple(mt.activities), "division": mt.division,
        "effective_from": _date(mt.effective_from), "effective_to": _date(mt.effective_to),
    }


def _journey_sig(j: m.Journey, c: Catalog) -> Sig:
    return {"name": j.name, "department": j.department, "target": duration_value(j.target),
            "order": tuple(sorted({f"{d.before} → {d.after}" for d in j.order}))}


def _merged_materials(c: Catalog, jid: str) -> Sig:
    fig = c.journey_figures(jid)
    return {"materials.submitted": tuple(a.names[0] for a in fig.applicant_materials),
            "materials.shared": tuple(s.names[0] for s in fig.shared_materials)}


_SIGS: dict[str, Callable[[Any, Catalog], Sig]] = {
    "department": _department_sig, "power": _power_sig, "responsibility": _responsibility_sig,
    "negative": _negative_sig, "matter": _matter_sig, "journey": _journey_sig,
}


def _table(c: Catalog, table: str) -> Mapping[str, Any]:
    return {"department": c.departments, "power": c.powers, "responsibility": c.responsibilities, "negative": c.negatives,
            "matter": c.matters, "journey": c.journeys}[table]


def _name(table: str, x: Any, c: Catalog) -> str | None:
    if table == "responsibility":
        p = c.powers.get(x.power or "")
        return p.name if p else x.id
    return getattr(x, "name", None)


def _department_of(table: str, x: Any, c: Catalog) -> str | None:
    if table == "department":
        return x.id
    if table == "responsibility":
        p = c.powers.get(x.power or "")
        return p.department if p else None
    return getattr(x, "department", None)


# ---------------------------------------------------------------- matching
def match(old: Mapping[str, Any], new: Mapping[str, Any], code: Callable[[Any], str | None] = lambda x: None,
          alt: Callable[[Any], str | None] = lambda x: None) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair the entries of ``old`` and ``new`` (id → entity): by ``code``, then by id, then by ``alt``.

    Returns (pairs (old id, new id) in old order, removed old ids, added new ids). A code or
    alternative key written by more than one entry of a side pairs nothing.
    """
    pairs: list[tuple[str, str]] = []
    left, right = dict(old), dict(new)
    for key_of in (code, None, alt):
        if key_of is None:
            for oid in list(left):
                if oid in right:
                    pairs.append((oid, oid))
                    del left[oid], right[oid]
            continue
        by_old = _unique_keys(left, key_of)
        by_new = _unique_keys(right, key_of)
        for k, oid in by_old.items():
            nid = by_new.get(k)
            if nid is not None:
                pairs.append((oid, nid))
                del left[oid], right[nid]
    order = {oid: i for i, oid in enumerate(old)}
    pairs.sort(key=lambda p: order[p[0]])
    return pairs, list(left), list(right)


def _unique_keys(items: Mapping[str, Any], key_of: Callable[[Any], str | None]) -> dict[str, str]:
    seen: dict[str, str | None] = {}
    for ident, x in items.items():
        k = key_of(x)
        if k:
            seen[k] = None if k in seen else ident
    return {k: v for k, v in seen.items() if v is not None}


_LOCATIONS = frozenset({"loc", "locs", "before_loc", "after_loc"})


_PLAIN = frozenset({str, int, bool, float, type(None), Decimal, date})


def same(a: Any, b: Any) -> bool:
    """Whether two model values are equal apart from where they are written (their locations).

    The fast path of the diff: most entities of two versions differ only in their line
    numbers. Plain values are compared inline; only nested models and lists recurse.
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        db = b.__dict__
        for k, v in a.__dict__.items():
            if k in _LOCATIONS:
                continue
            w = db[k]
            if v is w:
                continue
            if type(v) in _PLAIN:
                if type(v) is not type(w) or v != w:
                    return False
            elif not same(v, w):
                return False
        return True
    if type(a) is list:
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            if x is y:
                continue
            if type(x) in _PLAIN:
                if type(x) is not type(y) or x != y:
                    return False
            elif not same(x, y):
                return False
        return True
    if type(a) is dict:
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    return bool(a == b)


def _fields(old: Sig, new: Sig) -> list[FieldChange]:
    return [FieldChange(k, old.get(k), new.get(k)) for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]


# ---------------------------------------------------------------- parts of a matter
def _fact_sig(f: m.Fact) -> Sig:
    return {"label": f.label, "type": f.type, "options": tuple(f"{o.id}:{o.label}" for o in f.options),
            "required": f.required, "unit": f.unit}


def _condition_sig(x: m.Condition) -> Sig:
    return {"text": x.text, "expr": expr_source(x.expr), "basis": _citations(x.basis)}


def _material_sig(x: m.Material) -> Sig:
    return {"name": x.name, "source": source_value(x.source), "required": x.required, "only_when": expr_source(x.only_when),
            "form": x.form, "medium": x.medium, "copies": x.copies, "tolerated": x.tolerated, "commitment": x.commitment}


def _step_sig(x: m.Step) -> Sig:
    return {"name": x.name, "department": x.department, "duration": duration_value(x.duration)}


def _parts(part: str, old: list[Any], new: list[Any], sig: Callable[[Any], Sig], name: Callable[[Any], str],
           alt: Callable[[Any], str | None] = lambda x: None) -> list[PartChange]:
    olds, news = {x.id: x for x in old}, {x.id: x for x in new}
    pairs, removed, added = match(olds, news, alt=alt)
    out = [PartChange(part, "removed", oid, name(olds[oid]), tuple(FieldChange(k, v, None) for k, v in sig(olds[oid]).items() if v not in (None, False, ())))
           for oid in removed]
    out += [PartChange(part, "added", nid, name(news[nid]), tuple(FieldChange(k, None, v) for k, v in sig(news[nid]).items() if v not in (None, False, ())))
            for nid in added]
    for oid, nid in pairs:
        changed = _fields(sig(olds[oid]), sig(news[nid]))
        if oid != nid:
            changed.insert(0, FieldChange("id", oid, nid))
        if changed:
            out.append(PartChange(part, "changed", nid, name(news[nid]), tuple(changed)))
    return out


def _matter_parts(o: m.Matter, n: m.Matter, oc: Catalog, nc: Catalog) -> tuple[list[PartChange], list[FieldChange]]:
    parts = _parts("fact", o.facts, n.facts, _fact_sig, lambda x: x.label)
    parts += _parts("condition", o.conditions, n.conditions, _condition_sig, lambda x: x.text, alt=lambda x: x.text)
    identity = {id(x): oc.material_index.identity(x.name) for x in o.materials}
    identity.update({id(x): nc.material_index.identity(x.name) for x in n.materials})
    parts += _parts("material", o.materials, n.materials, _material_sig, lambda x: x.name, alt=lambda x: identity[id(x)])
    parts += _parts("step", o.steps, n.steps, _step_sig, lambda x: x.name, alt=lambda x: x.name)
    # the order of the steps both sides have
    step_pairs, _, _ = match({s.id: s for s in o.steps}, {s.id: s for s in n.steps}, alt=lambda x: x.name)
    new_of = dict(step_pairs)
    names = {s.id: s.name for s in n.steps}
    old_order = [new_of[s.id] for s in o.steps if s.id in new_of]
    new_order = [s.id for s in n.steps if s.id in set(new_of.values())]
    fields = []
    if old_order != new_order:
        fields.append(FieldChange("step_order", tuple(names[x] for x in old_order), tuple(names[x] for x in new_order)))
    return parts, fields


# ---------------------------------------------------------------- the diff
def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    """Every change from ``old`` to ``new``."""
    changes: list[EntityChange] = []
    pairs_by_table: dict[str, dict[str, str]] = {}
    changed_matters: set[str] = set()  # ids (old and new) of matters added, removed or changed
    for table in TABLES:
        o_items, n_items = _table(old, table), _table(new, table)
        code = (lambda x: getattr(x, "code", None)) if table in ("power", "matter", "negative") else (lambda x: None)
        pairs, removed, added = match(o_items, n_items, code=code)
        pairs_by_table[table] = dict(pairs)
        sig = _SIGS[table]
        for oid in removed:
            x = o_items[oid]
            changes.append(EntityChange(table, "removed", oid, None, _name(table, x, old), None, code(x),
                                        _department_of(table, x, old)))
        for nid in added:
            x = n_items[nid]
            changes.append(EntityChange(table, "added", None, nid, None, _name(table, x, new), code(x),
                                        _department_of(table, x, new)))
        for oid, nid in pairs:
            o, n = o_items[oid], n_items[nid]
            if oid == nid and table != "journey" and same(o, n):
                continue  # equal apart from locations (a journey's merged materials depend on its matters too)
            fields = _fields(sig(o, old), sig(n, new))
            if oid != nid:
                fields.insert(0, FieldChange("id", oid, nid))
            parts: list[PartChange] = []
            if table == "matter":
                parts, order = _matter_parts(o, n, old, new)
                fields += order
            elif table == "journey":
                # a member is the matter it is matched with, else the name as written (a matter removed or unknown)
                paired_new = set(pairs_by_table["matter"].values())
                old_keys = {x: ("matter", pairs_by_table["matter"][x]) if x in pairs_by_table["matter"] else ("name", x) for x in o.matters}
                new_keys = {x: ("matter", x) if x in paired_new else ("name", x) for x in n.matters}
                gone = [x for x in o.matters if old_keys[x] not in set(new_keys.values())]
                came = [x for x in n.matters if new_keys[x] not in set(old_keys.values())]
                parts = [PartChange("member", "removed", x, old.matters[x].name if x in old.matters else x) for x in gone]
                parts += [PartChange("member", "added", x, new.matters[x].name if x in new.matters else x) for x in came]
                if parts or fields or any(x in changed_matters for x in (*o.matters, *n.matters)):
                    fields += _fields(_merged_materials(old, oid), _merged_materials(new, nid))
            if fields or parts:
                dept = _department_of(table, n, new) or _department_of(table, o, old)
                changes.append(EntityChange(table, "changed", oid, nid, _name(table, o, old), _name(table, n, new),
                                            code(n) or code(o), dept, tuple(fields), tuple(parts)))
                if table == "matter":
                    changed_matters.update((oid, nid))
        if table == "matter":  # the matters a journey's merged materials may depend on, by their ids on either side
            changed_matters.update(added)
            changed_matters.update(removed)
    return CatalogDiff(tuple(sorted(changes, key=_order)), pairs_by_table)


_KIND_ORDER = {"removed": 0, "added": 1, "changed": 2}


def _order(c: EntityChange) -> tuple[int, str, int, str, str]:
    return (TABLES.index(c.table), c.department or "\uffff", _KIND_ORDER[c.kind], c.code or "", c.id)
