"""Rules that run: decide a matter or a journey for one applicant's facts.

``Evaluator(catalog, lang).decide(target, facts)`` answers what a service portal asks:
may this applicant apply, what must they bring, how long will it take, and why. The
answer is a ``Decision`` (pydantic), the same for the API, ``qingdan eval`` and
``qingdan test``. An ``Evaluator`` keeps what a decision says whatever the facts (the
wording of conditions, material identities, steps, time limits, citations), so a caller
deciding many cases (the test runner, a portal, the benchmark) keeps one;
``evaluate(catalog, target, facts)`` decides one case with a fresh one.

Semantics (the decision tables of the build follow the same rules):

- facts are checked against their declared types first (``FactsError`` lists every
  problem); a fact that is absent or ``null`` is *missing*;
- a test on a missing fact is *undetermined*; ``且``/``或``/``非`` follow three-valued
  (Kleene) logic, so a missing fact only matters when the known facts cannot decide.
  Missing facts are never guessed: they are listed as the facts still needed;
- a condition with no expression is left to a person (undetermined, ``manual``);
- eligible = every condition holds (no if one fails, undetermined if none fails but
  some is undetermined);
- a material is asked for when it is required (``必需`` not ``否``) and its ``仅当``
  holds; ``签发(…)``/``产出(…)`` materials are fetched by data sharing instead of
  submitted; ``容缺`` and ``承诺`` are marked;
- the time limit is the promised limit, else the statutory one, else the sum of the
  steps (qingdan.compiler.durations); for a journey, the critical path of its order
  (``Catalog.journey_figures``).

For a journey the facts are shared by its matters (one form, 一表申请); the merged
materials are deduplicated by material identity (``Catalog.material_index``), and a
material that another matter of the journey produces is fetched, not submitted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from ..compiler import Catalog
from ..compiler import model as m
from ..compiler.diagnostics import did_you_mean
from ..compiler.durations import fmt_days, matter_time
from ..compiler.effective import dates_text_en, dates_text_zh
from ..compiler.journeys import JourneyFigures
from ..compiler.text import Text, did_you_mean_suffix

Outcome = Literal["yes", "no", "undetermined"]
MaterialStatus = Literal["submit", "fetched", "undetermined", "not_needed", "optional"]
TimeBasis = Literal["promised", "statutory", "steps", "critical_path"]
TargetKind = Literal["matter", "journey"]
NodeKind = Literal["decision", "matter", "conditions", "condition", "test", "all", "any", "not",
                   "materials", "material", "time", "journey"]
DECISION_FORMAT = "1.0"
DECISION_SCHEMA_ID = f"urn:qingdan:schemas:decision-{DECISION_FORMAT}"

_OUT: dict[bool | None, Outcome] = {True: "yes", False: "no", None: "undetermined"}


# ---------------------------------------------------------------- errors
@dataclass(frozen=True)
class FactProblem:
    """A fact that does not fit its declaration (``fact`` is None when the facts as a whole do not)."""

    fact: str | None
    message: Text


class FactsError(ValueError):
    """The facts do not fit the declared facts: every problem, each naming its fact."""

    def __init__(self, problems: list[FactProblem]) -> None:
        super().__init__("; ".join(p.message.en for p in problems))
        self.problems = problems


class UnknownTarget(KeyError):
    """No matter or journey has this identifier or title."""

    def __init__(self, target: str, suggestion: str | None, known: list[str], why: Text | None = None) -> None:
        super().__init__(target)
        self.target, self.suggestion, self.known, self.why = target, suggestion, known, why
        # why: the target is declared but not in force on the catalog's as-of date
        self.message = why or Text(f"没有事项或一件事“{target}”", f"no matter or journey '{target}'") + did_you_mean_suffix(suggestion)

    def __str__(self) -> str:
        return self.message.en


# ---------------------------------------------------------------- the decision
class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Basis(_Out):
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True, frozen=True)
    law: str
    article: str | None = None
    citation: str  # 《中华人民共和国食品安全法》第三十五条
    text: str | None = None  # the article's text, when the law declares it


class ExplainNode(_Out):
    """One step of the reasoning: what was tested, how it came out, and on what basis."""

    kind: NodeKind
    outcome: Outcome
    text: str
    detail: str | None = None  # the applicant's value, or what is missing
    ref: str | None = None  # the condition, material, fact or matter tested
    basis: list[Basis] = Field(default_factory=list)
    children: list[ExplainNode] = Field(default_factory=list)


class ConditionOutcome(_Out):
    matter: str
    id: str
    text: str
    outcome: Outcome
    expression: str | None = None  # the expression in plain words
    manual: bool = False  # no expression: a person decides
    facts_missing: list[str] = Field(default_factory=list)
    basis: list[Basis] = Field(default_factory=list)


class FactOption(_Out):
    id: str
    label: str


class FactNeeded(_Out):
    id: str
    label: str
    type: Literal["number", "bool", "text", "enum", "date"]
    options: list[FactOption] = Field(default_factory=list)
    unit: str | None = None
    conditions: list[str] = Field(default_factory=list)  # the undetermined conditions it would decide
    materials: list[str] = Field(default_factory=list)  # the materials whose need it would decide


class MaterialItem(_Out):
    id: str  # the material's identifier (in a journey: in the first matter that asks for it)
    name: str
    identity: str  # the normalized identity used to merge materials
    status: MaterialStatus
    refs: list[str] = Field(default_factory=list)  # matter.material for every mention
    matters: list[str] = Field(default_factory=list)  # the matters asking for it
    conditional: bool = False
    only_when: Outcome | None = None  # how its 仅当 came out
    condition: str | None = None  # its 仅当 in plain words
    source: Literal["applicant", "issued_by", "produced_by", "journey"] = "applicant"
    provider: str | None = None  # who provides it when fetched
    tolerated: bool = False  # 容缺受理
    commitment: bool = False  # 告知承诺
    form: str | None = None
    medium: str | None = None
    copies: int | None = None
    facts_missing: list[str] = Field(default_factory=list)


class StepItem(_Out):
    matter: str
    id: str
    name: str
    department: str | None = None
    department_name: str | None = None
    duration: str | None = None
    working_days: float | None = None


class TimeLimit(_Out):
    statutory: str | None = None
    statutory_days: float | None = None
    promised: str | None = None
    promised_days: float | None = None
    working_days: float | None = None  # the figure that counts
    basis: TimeBasis | None = None
    critical_path: list[str] = Field(default_factory=list)
    serial_days: float | None = None
    target_days: float | None = None


class Decision(_Out):
    format: Literal["qingdan-decision"] = "qingdan-decision"
    format_version: str = DECISION_FORMAT
    kind: TargetKind
    target: str
    name: str
    code: str | None = None
    lang: Literal["zh", "en"] = "zh"
    eligible: Outcome
    failing: list[str] = Field(default_factory=list)
    undetermined: list[str] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)
    facts_needed: list[FactNeeded] = Field(default_factory=list)
    conditions: list[ConditionOutcome] = Field(default_factory=list)
    materials: list[MaterialItem] = Field(default_factory=list)  # to submit
    fetched: list[MaterialItem] = Field(default_factory=list)  # by data sharing
    materials_undetermined: list[MaterialItem] = Field(default_factory=list)
    not_needed: list[MaterialItem] = Field(default_factory=list)
    optional: list[MaterialItem] = Field(default_factory=list)
    steps: list[StepItem] = Field(default_factory=list)
    time_limit: TimeLimit = Field(default_factory=TimeLimit)
    visits: int | None = None
    basis: list[Basis] = Field(default_factory=list)
    matters: list[Decision] = Field(default_factory=list)  # a journey's matters
    explanation: ExplainNode | None = None

    def all_materials(self) -> list[MaterialItem]:
        return self.materials + self.fetched + self.materials_undetermined + self.not_needed + self.optional

    def matter_decisions(self) -> list[Decision]:
        return self.matters if self.kind == "journey" else [self]



# ---------------------------------------------------------------- fact values
_TRUE_WORDS = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False}


def _shown(value: object) -> str:
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def coerce_fact(fact: m.Fact, value: object) -> tuple[Any, FactProblem | None]:
    """The internal value of ``value`` for ``fact`` (Decimal, bool, str, date), or a problem."""
    def bad(zh: str, en: str, suggestion: str | None = None) -> tuple[None, FactProblem]:
        text = Text(f"事实“{fact.id}”（{fact.label}）{zh}", f"fact '{fact.id}' ({fact.label}) {en}")
        return None, FactProblem(fact.id, text + did_you_mean_suffix(suggestion))

    t = fact.type
    if t == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            hint = "；数字不要加引号" if isinstance(value, str) else ""
            return bad(f"应为数字，实际是 {_shown(value)}{hint}", f"must be a number, not {_shown(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            return bad("应为有限的数字", "must be a finite number")
        try:
            d = Decimal(str(value)) if not isinstance(value, Decimal) else value
        except InvalidOperation:
            return bad(f"应为数字，实际是 {_shown(value)}", f"must be a number, not {_shown(value)}")
        if not d.is_finite():
            return bad("应为有限的数字", "must be a finite number")
        return d, None
    if t == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS:
            return _TRUE_WORDS[value.strip().lower()], None
        return bad(f"应为 是 或 否（true/false），实际是 {_shown(value)}", f"must be true or false (是/否), not {_shown(value)}")
    if t == "text":
        if isinstance(value, str):
            return value, None
        return bad(f"应为文字，实际是 {_shown(value)}；请给文字加引号", f"must be text, not {_shown(value)}; put it in quotes")
    if t == "enum":
        ids = [o.id for o in fact.options]
        word = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
        if word is not None:
            if word in ids:
                return word, None
            for o in fact.options:
                if o.label == word:
                    return o.id, None
        return bad(f"应为以下选项之一：{'、'.join(ids)}，实际是 {_shown(value)}", f"must be one of {', '.join(ids)}, not {_shown(value)}",
                   did_you_mean(word, ids) if word else None)
    # date
    if isinstance(value, datetime):
        return bad(f"应为日期（如 2024-01-01），不带时刻，实际是 {value.isoformat()}", f"must be a date such as 2024-01-01 without a time, not {value.isoformat()}")
    if isinstance(value, date):
        return value, None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()), None
        except ValueError:
            pass
    return bad(f"应为日期（如 2024-01-01），实际是 {_shown(value)}", f"must be a date such as 2024-01-01, not {_shown(value)}")


def json_value(v: Any) -> Any:
    """A fact's internal value as JSON: whole numbers as int, dates as ISO text."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


def declared_facts(matters: Iterable[m.Matter]) -> dict[str, list[m.Fact]]:
    """Every fact the matters declare, by name (a journey's matters may declare one fact each)."""
    declared: dict[str, list[m.Fact]] = {}
    for mt in matters:
        for f in mt.facts:
            declared.setdefault(f.id, []).append(f)
    return declared


def validate_facts(declared: Mapping[str, Sequence[m.Fact]], facts: object, where: Text) -> dict[str, Any]:
    """Check ``facts`` against the ``declared`` facts of ``where`` (a matter or journey); return internal values.

    Raises ``FactsError`` with every problem: an unknown fact name, or a value that does
    not fit the declared type. ``None`` means missing.
    """
    if facts is None:
        return {}
    if not isinstance(facts, dict):
        raise FactsError([FactProblem(None, Text("事实应为“名称: 值”的映射", "facts must be a mapping of name: value"))])
    values: dict[str, Any] = {}
    problems: list[FactProblem] = []
    for key in sorted(facts, key=str):
        value = facts[key]
        name = str(key)
        if name not in declared:
            s = did_you_mean(name, declared)
            known = Text(f"（可用的事实：{'、'.join(declared) or '（无）'}）", f" (known facts: {', '.join(declared) or 'none'})")
            problems.append(FactProblem(name, where + Text(f"没有事实“{name}”", f" has no fact '{name}'") + (did_you_mean_suffix(s) if s else known)))
            continue
        if value is None:
            continue
        coerced = None
        for f in declared[name]:
            coerced, problem = coerce_fact(f, value)
            if problem is not None:
                problems.append(problem)
                break
        else:
            values[name] = coerced
    if problems:
        raise FactsError(problems)
    return values


# ---------------------------------------------------------------- wording
_OP_ZH = {"ge": "不小于", "le": "不大于", "gt": "大于", "lt": "小于", "eq": "等于", "ne": "不等于"}
_OP_EN = {"ge": "is at least", "le": "is at most", "gt": "is more than", "lt": "is less than", "eq": "is", "ne": "is not"}
_DATE_OP_ZH = {"ge": "不早于", "le": "不晚于", "gt": "晚于", "lt": "早于", "eq": "为", "ne": "不为"}
_DATE_OP_EN = {"ge": "is on or after", "le": "is on or before", "gt": "is after", "lt": "is before", "eq": "is", "ne": "is not"}


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


class _Words:
    """How values and tests are said, in one language, for the matters of one catalog."""

    def __init__(self, lang: str) -> None:
        self.zh = lang == "zh"
        self._facts: dict[str, dict[str, m.Fact]] = {}  # matter id -> its facts by id

    def say(self, zh: str, en: str) -> str:
        return zh if self.zh else en

    def value(self, fact: m.Fact | None, v: Any) -> str:
        if isinstance(v, bool):
            return self.say("是" if v else "否", "yes" if v else "no")
        if isinstance(v, Decimal):
            return _num(v)
        if isinstance(v, date):
            return v.isoformat()
        if fact is not None and fact.type == "enum":
            label = next((o.label for o in fact.options if o.id == v), v)
            return self.say(f"“{label}”", f"'{label}'")
        return self.say(f"“{v}”", f"'{v}'")

    def fact(self, matter: m.Matter, fid: str) -> m.Fact | None:
        facts = self._facts.get(matter.id)
        if facts is None:
            facts = self._facts[matter.id] = {f.id: f for f in matter.facts}
        return facts.get(fid)

    def label(self, matter: m.Matter, fid: str) -> str:
        f = self.fact(matter, fid)
        return f.label if f is not None else fid

    def expr(self, e: m.Expr | None, matter: m.Matter, depth: int = 0) -> str:
        """The expression in plain words with fact labels."""
        if e is None:
            return ""
        if depth > 40:
            return "…"
        if isinstance(e, m.Const):
            return self.say("总是成立" if e.value else "从不成立", "always" if e.value else "never")
        if isinstance(e, m.BoolFact):
            return self.label(matter, e.fact)
        if isinstance(e, m.Compare):
            fact = self.fact(matter, e.fact)
            label = self.label(matter, e.fact)
            if fact is not None and fact.type == "bool":
                truth = bool(e.value.value) == (e.op == "eq")
                return label if truth else self.say(f"并非{label}", f"not: {label}")
            ops = (_DATE_OP_ZH if self.zh else _DATE_OP_EN) if e.value.type == "date" else (_OP_ZH if self.zh else _OP_EN)
            return f"{label} {ops[e.op]} {self.value(fact, _literal(e.value))}"
        if isinstance(e, m.InSet):
            fact = self.fact(matter, e.fact)
            values = self.say("、", ", ").join(self.value(fact, _literal(v)) for v in e.values)
            word = self.say("不属于" if e.negated else "属于", "is not one of" if e.negated else "is one of")
            return f"{self.label(matter, e.fact)} {word} {values}"
        if isinstance(e, m.CondRef):
            cond = matter.condition(e.name)
            text = cond.text if cond is not None and cond.text else e.name
            return self.say(f"“{text}”", f"'{text}'")
        if isinstance(e, m.Not):
            return self.say(f"并非（{self.expr(e.operand, matter, depth + 1)}）", f"not ({self.expr(e.operand, matter, depth + 1)})")
        if isinstance(e, m.AllOf | m.AnyOf):
            joiner = self.say("，并且" if isinstance(e, m.AllOf) else "，或者", " and " if isinstance(e, m.AllOf) else " or ")
            text = joiner.join(self.expr(i, matter, depth + 1) for i in e.items)
            return f"（{text}）" if depth and self.zh else f"({text})" if depth else text
        return ""


def _literal(lit: m.Literal_) -> Any:
    v = lit.value
    if lit.type == "number" and not isinstance(v, Decimal):
        return Decimal(str(v))
    return v


def _duration_text(d: m.Duration | None, w: _Words) -> str | None:
    if d is None:
        return None
    return d.zh() if w.zh else d.en()


def _days(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


# ---------------------------------------------------------------- what does not depend on the facts
class _MatterStatic:
    """What a matter's decision says whatever the facts: wording, identities, steps, time."""

    def __init__(self, ev: Evaluator, matter: m.Matter) -> None:
        catalog, w, clock = ev.catalog, ev.words, ev.catalog.clock
        identity = catalog.material_index.identity
        self.matter = matter
        self._words = w
        self._texts: dict[int, str] = {}
        self.where = Text(f"事项“{matter.id}”", f"matter '{matter.id}'")
        self.declared = declared_facts([matter])
        self.fact_ids = [f.id for f in matter.facts]
        self.conditions: dict[str, m.Condition] = {}
        for c in matter.conditions:
            self.conditions.setdefault(c.id, c)  # the first of a name, as Matter.condition finds it
        self.cond_text = {c.id: self.text(c.expr) or None for c in matter.conditions}
        self.cond_basis = {c.id: ev.basis(c.basis) for c in matter.conditions}
        self.mat_text = {mat.id: self.text(mat.only_when) or None for mat in matter.materials}
        self.identity = {mat.id: identity(mat.name) for mat in matter.materials}
        self.provider = {mat.id: catalog.issuer_of(mat) if mat.shareable else None for mat in matter.materials}
        self.basis = ev.basis(matter.basis)
        days, basis_kind = matter_time(matter, clock)
        limits = matter.limits
        self.time = TimeLimit.model_construct(
            statutory=_duration_text(limits.statutory, w) or (w.say("无", "none") if limits.statutory_none else None),
            statutory_days=_days(clock.working_days(limits.statutory)),
            promised=w.say("即办", "on the spot") if limits.on_the_spot else _duration_text(limits.promised, w),
            promised_days=_days(clock.working_days(limits.promised)),
            working_days=_days(days), basis=cast("TimeBasis | None", basis_kind), critical_path=[], serial_days=None, target_days=None,
        )
        self.steps = [StepItem.model_construct(
            matter=matter.id, id=s.id, name=s.name, department=s.department,
            department_name=catalog.department_name(s.department) or None,
            duration=_duration_text(s.duration, w), working_days=_days(clock.working_days(s.duration)),
        ) for s in matter.steps]

    def text(self, e: m.Expr | None) -> str:
        """The expression in plain words, said once per expression node.

        Keyed by ``id``: expression nodes are unhashable pydantic models, and the
        catalog, which this static data belongs to, keeps every one of them alive.
        """
        if e is None:
            return ""
        found = self._texts.get(id(e))
        if found is None:
            found = self._texts[id(e)] = self._words.expr(e, self.matter)
        return found


class _JourneyStatic:
    """What a journey's decision takes whatever the facts: its matters in order, and who produces what."""

    def __init__(self, catalog: Catalog, journey: m.Journey) -> None:
        identity = catalog.material_index.identity
        self.journey = journey
        self.figures: JourneyFigures = catalog.journey_figures(journey.id)
        self.matters = [catalog.matters[mid] for mid in self.figures.matters if mid in catalog.matters]
        self.where = Text(f"一件事“{journey.id}”", f"journey '{journey.id}'")
        self.declared = declared_facts(self.matters)
        self.produced: dict[str, str] = {}  # material identity -> the member matter producing it
        for mt in self.matters:
            if mt.result is not None:
                self.produced.setdefault(identity(mt.result.name), mt.id)


# ---------------------------------------------------------------- three-valued evaluation
_NONE: frozenset[str] = frozenset()
_Result = tuple[bool | None, frozenset[str], ExplainNode | None]  # value, facts missing, explanation
_VALUE: dict[Outcome, bool | None] = {"yes": True, "no": False, "undetermined": None}


def _compare(op: str, v: Any, x: Any) -> bool:
    if op == "eq":
        return v == x
    if op == "ne":
        return v != x
    if op == "ge":
        return v >= x
    if op == "le":
        return v <= x
    if op == "gt":
        return v > x
    return v < x


def _node(kind: NodeKind, value: bool | None, text: str, detail: str | None = None, ref: str | None = None,
          basis: list[Basis] | None = None, children: Sequence[ExplainNode | None] = ()) -> ExplainNode:
    return ExplainNode.model_construct(kind=kind, outcome=_OUT[value], text=text, detail=detail, ref=ref, basis=basis or [],
                                       children=[c for c in children if c is not None])


class _MatterRun:
    """Evaluates one matter's expressions against one applicant's facts, remembering each condition."""

    def __init__(self, ev: Evaluator, static: _MatterStatic, values: Mapping[str, Any], trace: bool) -> None:
        self.ev, self.st, self.matter, self.values, self.w, self.trace = ev, static, static.matter, values, ev.words, trace
        self.conds: dict[str, _Result] = {}
        self.active: set[str] = set()

    def node(self, kind: NodeKind, value: bool | None, text: str, detail: str | None = None, ref: str | None = None,
             basis: list[Basis] | None = None, children: Sequence[ExplainNode | None] = ()) -> ExplainNode | None:
        """An explanation node, or None when no explanation is asked for."""
        return _node(kind, value, text, detail, ref, basis, children) if self.trace else None

    def condition(self, cond: m.Condition) -> _Result:
        done = self.conds.get(cond.id)
        if done is not None:
            if done[2] is None or not done[2].children:
                return done
            # Explained where it was first met: written out again, conditions built on conditions
            # would double the explanation at each level.
            seen = self.w.say("判定同上", "as decided above")
            again = done[2].model_copy(update={"children": [], "detail": f"{done[2].detail}{self.w.say('；', '; ')}{seen}" if done[2].detail else seen})
            return done[0], done[1], again
        w = self.w
        basis = self.ev.basis(cond.basis) if self.trace else []
        result: _Result
        if cond.expr is None:
            result = (None, _NONE, self.node("condition", None, f"{cond.id}：{cond.text}",
                                             w.say("没有可判定的表达式，需由工作人员审查", "no expression to decide it: a person must review it"),
                                             cond.id, basis))
        elif cond.id in self.active:  # a cycle of conditions referring to each other
            return None, _NONE, self.node("condition", None, f"{cond.id}：{cond.text}",
                                          w.say("条件循环引用，无法判定", "the conditions refer to each other in a cycle"), cond.id, basis)
        else:
            self.active.add(cond.id)
            value, missing, child = self.expr(cond.expr, basis)
            self.active.discard(cond.id)
            detail = self.missing_text(missing) if value is None else None
            result = (value, missing, self.node("condition", value, f"{cond.id}：{cond.text}", detail, cond.id, basis, [child]))
        self.conds[cond.id] = result
        return result

    def missing_text(self, missing: frozenset[str]) -> str | None:
        labels = [f.label for f in self.matter.facts if f.id in missing]
        return self.w.say("缺少事实：" + "、".join(labels), "missing facts: " + ", ".join(labels)) if labels else None

    def expr(self, e: m.Expr, basis: list[Basis]) -> _Result:
        w = self.w
        if isinstance(e, m.Compare | m.InSet | m.BoolFact):
            fid = e.fact
            v = self.values.get(fid)
            value: bool | None
            if v is None:
                value, missing = None, frozenset((fid,))
            else:
                missing = _NONE
                if isinstance(e, m.Compare):
                    value = _compare(e.op, v, _literal(e.value))
                elif isinstance(e, m.InSet):
                    value = any(v == _literal(x) for x in e.values) != e.negated
                else:
                    value = v is True
            if not self.trace:
                return value, missing, None
            if v is None:
                label = w.label(self.matter, fid)
                detail = w.say(f"缺少事实“{label}”", f"missing fact '{label}'")
            else:
                shown = w.value(w.fact(self.matter, fid), v)
                detail = w.say(f"申请人：{shown}", f"applicant: {shown}")
            return value, missing, _node("test", value, self.st.text(e), detail, fid, basis)
        if isinstance(e, m.AllOf | m.AnyOf):
            is_and = isinstance(e, m.AllOf)
            results = [self.expr(i, basis) for i in e.items]
            decisive = not is_and  # and: one false decides; or: one true decides
            if any(r[0] is decisive for r in results):
                value, missing = decisive, _NONE
            elif any(r[0] is None for r in results):
                value = None
                missing = frozenset().union(*(r[1] for r in results if r[0] is None))
            else:
                value, missing = (not decisive), _NONE
            if not self.trace:
                return value, missing, None
            text = w.say("以下全部成立" if is_and else "以下至少一项成立", "all of these hold" if is_and else "at least one of these holds")
            return value, missing, _node("all" if is_and else "any", value, text, None, None, basis, [r[2] for r in results])
        if isinstance(e, m.Not):
            inner, missing, child = self.expr(e.operand, basis)
            value = None if inner is None else not inner
            return value, missing, self.node("not", value, w.say("以下不成立", "this does not hold"), None, None, basis, [child])
        if isinstance(e, m.CondRef):
            cond = self.st.conditions.get(e.name)
            if cond is None:
                return None, _NONE, self.node("condition", None, e.name, w.say("没有这个条件", "no such condition"), e.name, basis)
            return self.condition(cond)
        if isinstance(e, m.Const):
            return e.value, _NONE, self.node("test", e.value, self.st.text(e), None, None, basis)
        raise TypeError(f"unknown expression {e!r}")  # pragma: no cover


# ---------------------------------------------------------------- the evaluator
class Evaluator:
    """Decides the matters and journeys of one catalog, in one language.

    It keeps, per matter and per journey, what a decision says whatever the facts, so
    deciding many cases with one Evaluator pays for that once. The catalog is
    immutable, so nothing kept goes stale.
    """

    def __init__(self, catalog: Catalog, lang: str | None = None) -> None:
        self.catalog = catalog
        self.lang: Literal["zh", "en"] = "zh" if (lang or catalog.config.lang) == "zh" else "en"
        self.words = _Words(self.lang)
        self._matters: dict[str, _MatterStatic] = {}
        self._journeys: dict[str, _JourneyStatic] = {}
        self._citations: dict[str, Basis] = {}

    def decide(self, target: str, facts: Mapping[str, Any] | None, *, explain: bool = True) -> Decision:
        """Decide matter or journey ``target`` (identifier or title) for ``facts``.

        ``explain`` builds the reasoning tree (``Decision.explanation``). Raises
        ``UnknownTarget`` when nothing has that name and ``FactsError`` when the facts
        do not fit the declared facts.
        """
        kind, tid = resolve_target(self.catalog, target)
        if kind == "journey":
            return self._decide_journey(self._journey_static(tid), facts, explain)
        st = self._matter_static(tid)
        values = validate_facts(st.declared, facts, st.where)
        return self._decide_matter(st, values, _raw(facts), explain)

    def basis(self, cites: Iterable[m.Citation]) -> list[Basis]:
        """The citations with the law's name and the article's text (a new list; the items are shared)."""
        out = []
        for c in cites:
            b = self._citations.get(c.key)
            if b is None:
                b = self._citations[c.key] = Basis(law=c.law, article=c.article, citation=self.catalog.citation_text(c),
                                                   text=self.catalog.article_text(c))
            out.append(b)
        return out

    def _matter_static(self, mid: str) -> _MatterStatic:
        found = self._matters.get(mid)
        if found is None:
            found = self._matters[mid] = _MatterStatic(self, self.catalog.matters[mid])
        return found

    def _journey_static(self, jid: str) -> _JourneyStatic:
        found = self._journeys.get(jid)
        if found is None:
            found = self._journeys[jid] = _JourneyStatic(self.catalog, self.catalog.journeys[jid])
        return found

    # ------------------------------------------------------------ one matter
    def _decide_matter(self, st: _MatterStatic, values: Mapping[str, Any], raw_facts: Mapping[str, Any],
                       trace: bool) -> Decision:
        matter = st.matter
        run = _MatterRun(self, st, values, trace)
        conditions: list[ConditionOutcome] = []
        needed: dict[str, tuple[list[str], list[str]]] = {}
        cond_nodes: list[ExplainNode | None] = []
        for cond in matter.conditions:
            value, missing, node = run.condition(cond)
            for fid in missing:
                needed.setdefault(fid, ([], []))[0].append(cond.id)
            conditions.append(ConditionOutcome.model_construct(
                matter=matter.id, id=cond.id, text=cond.text, outcome=_OUT[value],
                expression=st.cond_text[cond.id], manual=cond.expr is None,
                facts_missing=[f for f in st.fact_ids if f in missing] if missing else [], basis=list(st.cond_basis[cond.id]),
            ))
            cond_nodes.append(node)
        outcomes = {c.outcome for c in conditions}
        eligible: Outcome = "no" if "no" in outcomes else "undetermined" if "undetermined" in outcomes else "yes"

        lists: dict[MaterialStatus, list[MaterialItem]] = {"submit": [], "fetched": [], "undetermined": [], "not_needed": [], "optional": []}
        mat_nodes: list[ExplainNode | None] = []
        for mat in matter.materials:
            only, missing, only_node = (True, _NONE, None) if mat.only_when is None else run.expr(mat.only_when, [])
            for fid in missing:
                needed.setdefault(fid, ([], []))[1].append(mat.id)
            status: MaterialStatus
            if not mat.required:
                status = "optional"
            elif only is False:
                status = "not_needed"
            elif only is None:
                status = "undetermined"
            else:
                status = "fetched" if mat.shareable else "submit"
            item = MaterialItem.model_construct(
                id=mat.id, name=mat.name, identity=st.identity[mat.id], status=status, refs=[f"{matter.id}.{mat.id}"],
                matters=[matter.id] if status in ("submit", "fetched", "undetermined") else [],
                conditional=mat.only_when is not None, only_when=None if mat.only_when is None else _OUT[only],
                condition=st.mat_text[mat.id], source=mat.source.kind, provider=st.provider[mat.id],
                tolerated=mat.tolerated, commitment=mat.commitment, form=mat.form, medium=mat.medium, copies=mat.copies,
                facts_missing=[f for f in st.fact_ids if f in missing] if missing else [],
            )
            lists[status].append(item)
            if trace:
                mat_nodes.append(_material_node(run, item, only_node))

        decision = Decision.model_construct(
            kind="matter", target=matter.id, name=matter.name, code=matter.code, lang=self.lang,
            eligible=eligible,
            failing=[c.id for c in conditions if c.outcome == "no"],
            undetermined=[c.id for c in conditions if c.outcome == "undetermined"],
            facts={k: json_value(v) for k, v in raw_facts.items() if k in st.fact_ids},
            facts_needed=_facts_needed([matter], needed) if needed else [], conditions=conditions,
            materials=lists["submit"], fetched=lists["fetched"], materials_undetermined=lists["undetermined"],
            not_needed=lists["not_needed"], optional=lists["optional"],
            steps=[s.model_copy() for s in st.steps], time_limit=st.time.model_copy(update={"critical_path": []}),
            visits=matter.visits, basis=list(st.basis), matters=[], explanation=None,
        )
        if trace:
            decision.explanation = _matter_tree(run, decision, cond_nodes, mat_nodes)
        return decision

    # ------------------------------------------------------------ journeys
    def _decide_journey(self, js: _JourneyStatic, facts: Mapping[str, Any] | None, trace: bool) -> Decision:
        w, j, matters, figures = self.words, js.journey, js.matters, js.figures
        values = validate_facts(js.declared, facts, js.where)
        raw = _raw(facts)
        subs = [self._decide_matter(self._matter_static(mt.id), values, raw, trace) for mt in matters]
        outcomes = [d.eligible for d in subs]
        eligible: Outcome = "no" if "no" in outcomes else "undetermined" if "undetermined" in outcomes else "yes"
        conditions = [c for d in subs for c in d.conditions]

        # merged materials, in journey order; a member's result is fetched from that member
        produced = js.produced
        merged: dict[str, list[tuple[str, MaterialItem]]] = {}
        for mt, d in zip(matters, subs):
            items = {item.id: item for item in d.all_materials()}
            for mat in mt.materials:
                item = items[mat.id]
                merged.setdefault(item.identity, []).append((d.target, item))
        rank: dict[MaterialStatus, int] = {"submit": 0, "fetched": 1, "undetermined": 2, "optional": 3, "not_needed": 4}
        lists: dict[MaterialStatus, list[MaterialItem]] = {k: [] for k in rank}
        for key, mentions in merged.items():
            statuses: list[MaterialStatus | Literal["journey"]] = []  # "journey": fetched from a member of the journey
            for mid, item in mentions:
                statuses.append("journey" if item.status == "submit" and produced.get(key, mid) != mid else item.status)
            effective: list[MaterialStatus] = ["fetched" if s == "journey" else s for s in statuses]
            status = min(effective, key=rank.__getitem__)
            first = next(item for (mid, item), s in zip(mentions, effective) if s == status)
            submit_items = [item for (mid, item), s in zip(mentions, statuses) if s == "submit"]
            journey_fetch = status == "fetched" and "journey" in statuses and not any(
                item.status == "fetched" for _, item in mentions)
            producer = produced.get(key)
            lists[status].append(MaterialItem.model_construct(
                id=first.id, name=first.name, identity=key, status=status,
                refs=[r for _, item in mentions for r in item.refs],
                matters=list(dict.fromkeys(mid for (mid, _), s in zip(mentions, effective) if s in ("submit", "fetched", "undetermined"))),
                conditional=all(item.conditional for _, item in mentions),
                only_when=first.only_when, condition=first.condition,
                source="journey" if journey_fetch else first.source,
                provider=(self.catalog.matters[producer].name if journey_fetch and producer else first.provider),
                tolerated=bool(submit_items) and all(i.tolerated for i in submit_items),
                commitment=bool(submit_items) and all(i.commitment for i in submit_items),
                form=first.form, medium=first.medium, copies=first.copies,
                facts_missing=sorted({f for _, item in mentions for f in item.facts_missing}),
            ))

        needed: dict[str, tuple[list[str], list[str]]] = {}
        for d in subs:
            for fn in d.facts_needed:
                conds, mats = needed.setdefault(fn.id, ([], []))
                conds.extend(f"{d.target}.{x}" for x in fn.conditions)
                mats.extend(f"{d.target}.{x}" for x in fn.materials)
        time_limit = TimeLimit.model_construct(
            statutory=None, statutory_days=None, promised=None, promised_days=None,
            working_days=figures.critical_days, basis="critical_path" if figures.critical_days is not None else None,
            critical_path=list(figures.critical_path), serial_days=figures.serial_days, target_days=figures.target_days)
        visits = [mt.visits for mt in matters if mt.visits is not None]
        decision = Decision.model_construct(
            kind="journey", target=j.id, name=j.name, code=None, lang=self.lang, eligible=eligible,
            failing=[f"{c.matter}.{c.id}" for c in conditions if c.outcome == "no"],
            undetermined=[f"{c.matter}.{c.id}" for c in conditions if c.outcome == "undetermined"],
            facts={k: json_value(v) for k, v in raw.items()},
            facts_needed=_facts_needed(matters, needed), conditions=conditions,
            materials=lists["submit"], fetched=lists["fetched"], materials_undetermined=lists["undetermined"],
            not_needed=lists["not_needed"], optional=lists["optional"],
            steps=[s for d in subs for s in d.steps], time_limit=time_limit,
            visits=sum(visits) if visits else None, basis=[], matters=subs, explanation=None,
        )
        if trace:
            decision.explanation = _journey_tree(w, decision)
        return decision


def evaluate(catalog: Catalog, target: str, facts: Mapping[str, Any] | None, *, lang: str | None = None,
             explain: bool = True) -> Decision:
    """Decide matter or journey ``target`` for ``facts`` with a fresh ``Evaluator``.

    ``lang`` defaults to the project's language. To decide many cases, keep one
    ``Evaluator`` instead: it says each matter's wording once.
    """
    return Evaluator(catalog, lang).decide(target, facts, explain=explain)


_TARGET_PREFIXES: tuple[tuple[str, TargetKind], ...] = (
    ("matter:", "matter"), ("事项:", "matter"), ("事项：", "matter"),
    ("journey:", "journey"), ("一件事:", "journey"), ("一件事：", "journey"),
)


def resolve_target(catalog: Catalog, target: str) -> tuple[TargetKind, str]:
    """``("matter"|"journey", id)`` for an identifier or title; ``matter:``/``journey:`` prefixes pick one."""
    kinds: tuple[TargetKind, ...] = ("matter", "journey")
    for prefix, kind in _TARGET_PREFIXES:
        if target.startswith(prefix):
            kinds, target = (kind,), target[len(prefix):].strip()
            break
    tables: dict[str, Mapping[str, m.Matter] | Mapping[str, m.Journey]] = {"matter": catalog.matters, "journey": catalog.journeys}
    for kind in kinds:
        if target in tables[kind]:
            return kind, target
    for kind in kinds:
        hits = [x.id for x in tables[kind].values() if x.name == target]
        if hits:
            return kind, hits[0]
    known = sorted(k for kind in kinds for k in tables[kind])
    gone = catalog.left_out.matters
    left_out = gone.get(target) or next((x for x in gone.values() if x.name == target), None) if "matter" in kinds else None
    if left_out is not None and catalog.as_of is not None:
        day = catalog.as_of.isoformat()
        why = Text(f"事项“{left_out.id}”在 {day} 不在有效期内（{dates_text_zh(left_out)}）；请用 --as-of 选择它有效的日期",
                   f"matter '{left_out.id}' is not in force on {day} ({dates_text_en(left_out)}); choose a date it is in force with --as-of")
        raise UnknownTarget(target, None, known, why)
    raise UnknownTarget(target, did_you_mean(target, known + [x.name for kind in kinds for x in tables[kind].values()]), known)


def _raw(facts: Mapping[str, Any] | None) -> dict[str, Any]:
    return {str(k): v for k, v in (facts or {}).items() if v is not None}


def _facts_needed(matters: Sequence[m.Matter], needed: Mapping[str, tuple[list[str], list[str]]]) -> list[FactNeeded]:
    out: list[FactNeeded] = []
    seen: set[str] = set()
    for mt in matters:
        for f in mt.facts:
            if f.id in needed and f.id not in seen:
                seen.add(f.id)
                out.append(FactNeeded(id=f.id, label=f.label, type=f.type, unit=f.unit,
                                      options=[FactOption(id=o.id, label=o.label) for o in f.options],
                                      conditions=list(dict.fromkeys(needed[f.id][0])),
                                      materials=list(dict.fromkeys(needed[f.id][1]))))
    return out


# ---------------------------------------------------------------- explanations
def _material_node(run: _MatterRun, item: MaterialItem, only_node: ExplainNode | None) -> ExplainNode:
    w = run.w
    name = item.name
    value: bool | None
    if item.status == "optional":
        text, value = w.say(f"可选材料：{name}（非必需）", f"optional: {name} (not required)"), True
    elif item.status == "not_needed":
        text, value = w.say(f"不需要：{name}（仅当{item.condition}时需要）", f"not needed: {name} (only when {item.condition})"), False
    elif item.status == "undetermined":
        text, value = w.say(f"尚不确定是否需要：{name}（仅当{item.condition}时需要）", f"not yet known whether needed: {name} (only when {item.condition})"), None
    elif item.status == "fetched":
        text, value = w.say(f"免提交：{name}（由{item.provider or '发证部门'}通过数据共享提供）",
                            f"fetched by data sharing: {name} (from {item.provider or 'the issuer'})"), True
    else:
        marks = []
        if item.tolerated:
            marks.append(w.say("容缺受理：可在受理后补交", "容缺: may be supplied after acceptance"))
        if item.commitment:
            marks.append(w.say("告知承诺：可用书面承诺代替", "告知承诺: a written commitment may replace it"))
        extra = w.say(f"（{'；'.join(marks)}）", f" ({'; '.join(marks)})") if marks else ""
        text, value = w.say(f"需提交：{name}{extra}", f"submit: {name}{extra}"), True
    detail = None
    if item.facts_missing:
        labels = [f.label for f in run.matter.facts if f.id in item.facts_missing]
        detail = w.say("缺少事实：" + "、".join(labels), "missing facts: " + ", ".join(labels))
    return _node("material", value, text, detail, item.id, list(run.st.basis), [only_node])


def _matter_tree(run: _MatterRun, d: Decision, cond_nodes: list[ExplainNode | None], mat_nodes: list[ExplainNode | None]) -> ExplainNode:
    w = run.w
    verdict = {"yes": w.say("符合受理条件", "eligible"), "no": w.say("不符合受理条件", "not eligible"),
               "undetermined": w.say("尚无法判定是否符合受理条件", "eligibility cannot be decided yet")}[d.eligible]
    detail = None
    if d.eligible == "no":
        detail = w.say("不满足：" + "、".join(d.failing), "fails: " + ", ".join(d.failing))
    elif d.eligible == "undetermined" and d.facts_needed:
        detail = w.say("还需要事实：" + "、".join(f.label for f in d.facts_needed), "facts still needed: " + ", ".join(f.label for f in d.facts_needed))
    matter_basis = list(run.st.basis)
    conds = _node("conditions", _VALUE[d.eligible], w.say(f"受理条件（{len(cond_nodes)} 项，须全部满足）", f"conditions ({len(cond_nodes)}, all must hold)"),
                  None, None, matter_basis, cond_nodes)
    mats = _node("materials", True, w.say(f"申请材料：需提交 {len(d.materials)} 种，免提交 {len(d.fetched)} 种",
                                          f"materials: {len(d.materials)} to submit, {len(d.fetched)} fetched by data sharing"),
                 None, None, matter_basis, mat_nodes)
    tl = d.time_limit
    if tl.working_days is None:
        ttext = w.say("未规定办结时限", "no time limit is stated")
    elif tl.basis == "steps":
        ttext = w.say(f"办结时限：按各步骤用时合计 {fmt_days(Fraction(str(tl.working_days)))} 个工作日",
                      f"time: {fmt_days(Fraction(str(tl.working_days)))} working days, the sum of the steps")
    else:
        used = tl.promised if tl.basis == "promised" else tl.statutory
        also = w.say(f"（法定 {tl.statutory}）", f" (statutory {tl.statutory})") if tl.basis == "promised" and tl.statutory else ""
        ttext = w.say(f"办结时限：{'承诺' if tl.basis == 'promised' else '法定'} {used}{also}",
                      f"time limit: {'promised' if tl.basis == 'promised' else 'statutory'} {used}{also}")
    time = _node("time", True if tl.working_days is not None else None, ttext, None, None, matter_basis)
    title = w.say(f"事项 {d.target}（{d.name}）：{verdict}", f"matter {d.target} ({d.name}): {verdict}")
    return _node("matter", _VALUE[d.eligible], title, detail, d.target, matter_basis, [conds, mats, time])


def _journey_tree(w: _Words, d: Decision) -> ExplainNode:
    verdict = {"yes": w.say("全部事项符合受理条件", "eligible for every matter"),
               "no": w.say("有事项不符合受理条件", "not eligible for some matter"),
               "undetermined": w.say("尚无法判定是否符合全部事项的受理条件", "eligibility cannot be decided yet")}[d.eligible]
    children = [sub.explanation for sub in d.matters if sub.explanation is not None]
    mat_children = []
    for item in d.materials:
        asked = w.say("、".join(item.matters), ", ".join(item.matters))
        mat_children.append(ExplainNode(kind="material", outcome="yes", ref=item.id,
                                        text=w.say(f"提交一次：{item.name}（{asked} 需要）", f"submit once: {item.name} (needed by {asked})")))
    for item in d.fetched:
        mat_children.append(ExplainNode(kind="material", outcome="yes", ref=item.id,
                                        text=w.say(f"免提交：{item.name}（由{item.provider or '发证部门'}提供）", f"fetched: {item.name} (from {item.provider or 'the issuer'})")))
    for item in d.materials_undetermined:
        mat_children.append(ExplainNode(kind="material", outcome="undetermined", ref=item.id,
                                        text=w.say(f"尚不确定是否需要：{item.name}", f"not yet known whether needed: {item.name}")))
    children.append(ExplainNode(kind="materials", outcome="yes", children=mat_children,
                                text=w.say(f"合并后的申请材料：提交 {len(d.materials)} 种，免提交 {len(d.fetched)} 种",
                                           f"merged materials: {len(d.materials)} to submit, {len(d.fetched)} fetched")))
    tl = d.time_limit
    if tl.working_days is None:
        ttext = w.say("先后顺序有循环或未规定时限，无法计算关键路径", "no critical path: the order has a cycle or no limits are stated")
    else:
        path = " → ".join(tl.critical_path)
        ttext = w.say(f"关键路径 {path}：{fmt_days(Fraction(str(tl.working_days)))} 个工作日（串联需 {fmt_days(Fraction(str(tl.serial_days or 0)))} 个工作日）",
                      f"critical path {path}: {fmt_days(Fraction(str(tl.working_days)))} working days (serially {fmt_days(Fraction(str(tl.serial_days or 0)))})")
    children.append(ExplainNode(kind="time", outcome="yes" if tl.working_days is not None else "undetermined", text=ttext))
    detail = None
    if d.eligible == "no":
        detail = w.say("不满足：" + "、".join(d.failing), "fails: " + ", ".join(d.failing))
    elif d.eligible == "undetermined" and d.facts_needed:
        detail = w.say("还需要事实：" + "、".join(f.label for f in d.facts_needed), "facts still needed: " + ", ".join(f.label for f in d.facts_needed))
    title = w.say(f"一件事 {d.target}（{d.name}）：{verdict}", f"journey {d.target} ({d.name}): {verdict}")
    return ExplainNode(kind="journey", outcome=d.eligible, text=title, detail=detail, ref=d.target, children=children)


# ---------------------------------------------------------------- published schema
def decision_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of ``qingdan eval --format json``, derived from ``Decision``."""
    schema = Decision.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": DECISION_SCHEMA_ID,
        "title": "qingdan decision",
        "description": "qingdan eval 的判定结果：是否符合受理条件、各条件结果及依据、需提交和免提交的材料、步骤、时限与到场次数。",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def decision_schema_text() -> str:
    return json.dumps(decision_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # rewrite the published schema: python -m qingdan.engine.evaluate
    # Imported here: only the script writes a file; the engine itself writes none.
    from pathlib import Path

    from ..fsutil import atomic_write

    atomic_write(Path(__file__).resolve().parent.parent / "schemas" / "decision.schema.json", decision_schema_text())
