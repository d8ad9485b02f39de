"""The typed catalog model (pydantic v2): what the rule files mean, with locations.

Everything downstream (graph, checks, evaluation, generators, lists, site) reads
these classes, never the syntax tree. Identifiers are the names declared in the rule
files; references are resolved names. ``loc`` is the declaration's location and
``locs`` holds the location of individual fields, so checks can point precisely.
"""

from __future__ import annotations

import datetime as _dt
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .diagnostics import Loc

Level = Literal["province", "city", "county", "township"]
Category = Literal[
    "licensing", "penalty", "coercion", "levy", "benefit", "inspection",
    "confirmation", "reward", "adjudication", "other", "public_service",
]
TimeUnit = Literal["working_days", "natural_days", "days", "hours"]  # days: 天 written without saying which

LEVEL_ORDER = {"province": 0, "city": 1, "county": 2, "township": 3}
LEVEL_ZH = {"province": "省级", "city": "市级", "county": "县级", "township": "乡级"}
CATEGORY_ZH = {
    "licensing": "行政许可", "penalty": "行政处罚", "coercion": "行政强制", "levy": "行政征收",
    "benefit": "行政给付", "inspection": "行政检查", "confirmation": "行政确认", "reward": "行政奖励",
    "adjudication": "行政裁决", "other": "其他行政权力", "public_service": "公共服务",
}
UNIT_ZH = {"working_days": "个工作日", "natural_days": "个自然日", "days": "天", "hours": "小时"}


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)
    loc: Loc | None = None
    locs: dict[str, Loc] = Field(default_factory=dict)

    def at(self, field: str) -> Loc | None:
        """The location of ``field`` if it was written, else of the declaration."""
        return self.locs.get(field, self.loc)


class Duration(BaseModel):
    model_config = ConfigDict(frozen=True)
    amount: Decimal
    unit: TimeUnit

    def zh(self) -> str:
        return f"{_num(self.amount)}{UNIT_ZH[self.unit]}"

    def en(self) -> str:
        return f"{_num(self.amount)} {self.unit.replace('_', ' ')}"


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral() else str(d)


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)
    law: str
    article: str | None = None
    loc: Loc | None = None

    @property
    def key(self) -> str:
        return f"{self.law}.{self.article}" if self.article else self.law


# ---------------------------------------------------------------- expressions
class FactRef(BaseModel):
    kind: Literal["fact"] = "fact"
    name: str
    loc: Loc | None = None


class CondRef(BaseModel):
    kind: Literal["cond"] = "cond"
    name: str
    loc: Loc | None = None


class Literal_(BaseModel):
    kind: Literal["lit"] = "lit"
    type: Literal["number", "text", "bool", "date", "enum"]
    value: Decimal | str | bool | date
    loc: Loc | None = None


class Compare(BaseModel):
    kind: Literal["cmp"] = "cmp"
    op: Literal["ge", "le", "gt", "lt", "eq", "ne"]
    fact: str
    value: Literal_
    loc: Loc | None = None


class InSet(BaseModel):
    kind: Literal["in"] = "in"
    fact: str
    values: list[Literal_]
    negated: bool = False
    loc: Loc | None = None


class BoolFact(BaseModel):
    """A bare boolean fact used as a test: ``有健康证明``."""

    kind: Literal["boolfact"] = "boolfact"
    fact: str
    loc: Loc | None = None


class Not(BaseModel):
    kind: Literal["not"] = "not"
    operand: Expr
    loc: Loc | None = None


class AllOf(BaseModel):
    kind: Literal["and"] = "and"
    items: list[Expr]
    loc: Loc | None = None


class AnyOf(BaseModel):
    kind: Literal["or"] = "or"
    items: list[Expr]
    loc: Loc | None = None


class Const(BaseModel):
    kind: Literal["const"] = "const"
    value: bool
    loc: Loc | None = None


Expr = Annotated[
    Compare | InSet | BoolFact | CondRef | Not | AllOf | AnyOf | Const,
    Field(discriminator="kind"),
]
Not.model_rebuild()
AllOf.model_rebuild()
AnyOf.model_rebuild()


# ---------------------------------------------------------------- declarations
class Department(Node):
    id: str
    name: str
    level: Level | None = None
    region: str | None = None
    parent: str | None = None
    contact: str | None = None
    territory: str | None = None  # a named zone inside the region, when the body acts only there (开发区管委会)


class Article(Node):
    id: str
    text: str | None = None


class Law(Node):
    id: str
    name: str
    type: str | None = None
    issuer: str | None = None
    number: str | None = None
    articles: dict[str, Article] = Field(default_factory=dict)


class PowerStatus(BaseModel):
    kind: Literal["retain", "cancel", "delegate", "transfer", "merge"] = "retain"
    level: Level | None = None  # for delegate
    target: str | None = None  # department for transfer, power for merge


class Power(Node):
    id: str
    name: str
    code: str | None = None
    category: Category | None = None
    department: str | None = None
    level: Level | None = None  # the highest of ``levels``
    levels: list[Level] = Field(default_factory=list)  # every level it is exercised at (层级: 省, 市), highest first
    basis: list[Citation] = Field(default_factory=list)
    status: PowerStatus = Field(default_factory=PowerStatus)
    effective_from: date | None = None
    effective_to: date | None = None
    division: str | None = None
    note: str | None = None


STAGES = ("accept", "review", "decide", "deliver", "supervise")
STAGE_ZH = {"accept": "受理", "review": "审查", "decide": "决定", "deliver": "送达", "supervise": "事后监管"}


class Responsibility(Node):
    id: str
    power: str | None = None
    stages: dict[str, str] = Field(default_factory=dict)
    supervisor: str | None = None
    accountability: list[str] = Field(default_factory=list)
    basis: list[Citation] = Field(default_factory=list)


class NegativeEntry(Node):
    id: str
    name: str
    code: str | None = None
    type: Literal["prohibited", "licensed"] | None = None
    description: str | None = None
    department: str | None = None
    implemented_by: list[str] = Field(default_factory=list)  # powers or matters
    activities: list[str] = Field(default_factory=list)
    basis: list[Citation] = Field(default_factory=list)


class EnumOption(BaseModel):
    id: str
    label: str


class Fact(Node):
    id: str
    label: str
    type: Literal["number", "bool", "text", "enum", "date"]
    options: list[EnumOption] = Field(default_factory=list)
    required: bool = True
    unit: str | None = None


class Condition(Node):
    id: str
    text: str
    expr: Expr | None = None
    basis: list[Citation] = Field(default_factory=list)


class MaterialSource(BaseModel):
    kind: Literal["applicant", "issued_by", "produced_by"] = "applicant"
    ref: str | None = None  # department id (issued_by) or result id (produced_by)


class Material(Node):
    id: str
    name: str
    source: MaterialSource = Field(default_factory=MaterialSource)
    required: bool = True
    only_when: Expr | None = None
    form: Literal["original", "copy", "original_and_copy"] | None = None
    medium: Literal["paper", "electronic", "paper_or_electronic"] | None = None
    copies: int | None = None
    tolerated: bool = False
    commitment: bool = False
    note: str | None = None

    @property
    def shareable(self) -> bool:
        return self.source.kind != "applicant"


class Limits(Node):
    """A matter's time limits.

    ``statutory_none``: written ``法定: 无``, the law sets no limit (``statutory`` is None).
    ``on_the_spot``: written ``承诺: 即办``, handled on the spot (即办件); ``promised`` is then
    0 working days, so arithmetic on limits needs no special case.
    """

    statutory: Duration | None = None
    promised: Duration | None = None
    statutory_none: bool = False
    on_the_spot: bool = False


class Step(Node):
    id: str
    name: str
    department: str | None = None
    duration: Duration | None = None
    outside_limit: bool = False  # 不计时限: 是 — a special procedure (特别程序) the time limit does not count
    basis: list[Citation] = Field(default_factory=list)


class Result(Node):
    id: str
    name: str
    type: str | None = None
    matter: str | None = None  # the matter that issues it


class Fee(BaseModel):
    free: bool = True
    amount: Decimal | None = None
    text: str | None = None


class Matter(Node):
    id: str
    name: str
    code: str | None = None
    base_code: str | None = None  # the catalog item (基本编码) it implements: the same item everywhere
    category: Category | None = None  # written on the matter; else the power's (see Catalog.category_of)
    power: str | None = None
    department: str | None = None
    level: Level | None = None  # the highest of ``levels``
    levels: list[Level] = Field(default_factory=list)  # every level it is handled at (层级: 省, 市), highest first
    basis: list[Citation] = Field(default_factory=list)
    applicants: list[str] = Field(default_factory=list)
    fee: Fee | None = None
    channels: list[str] = Field(default_factory=list)
    visits: int | None = None
    contact: str | None = None
    location: str | None = None
    activities: list[str] = Field(default_factory=list)
    division: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    note: str | None = None
    result: Result | None = None
    facts: list[Fact] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    materials: list[Material] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
    steps: list[Step] = Field(default_factory=list)

    def fact(self, fid: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fid), None)

    def condition(self, cid: str) -> Condition | None:
        return next((c for c in self.conditions if c.id == cid), None)


class Dependency(BaseModel):
    before: str
    after: str
    loc: Loc | None = None
    before_loc: Loc | None = None
    after_loc: Loc | None = None


class Journey(Node):
    id: str
    name: str
    matters: list[str] = Field(default_factory=list)
    order: list[Dependency] = Field(default_factory=list)
    target: Duration | None = None
    department: str | None = None


class ProjectConfig(BaseModel):
    name: str = "qingdan project"
    region: str | None = None
    level: Level | None = None
    lang: Literal["zh", "en"] = "zh"
    version: str = "0.0.0"
    date: str | None = None
    severities: dict[str, str] = Field(default_factory=dict)
    code_pattern: str | None = None
    synonyms: dict[str, list[str]] = Field(default_factory=dict)
    holidays: list[_dt.date] = Field(default_factory=list)  # not `date`: the field above shadows it here
    templates: str | None = None
    # Where the reviewers' site is published (http or https, no trailing slash): the check
    # reports link each rule to its page there. None: the reports carry no links. A setting
    # of the reports, not part of the catalog: left out of model_dump and its schema.
    site_url: str | None = Field(default=None, exclude=True)


class CatalogModel(BaseModel):
    """The whole compiled catalog. Dicts are keyed by id and kept in sorted order."""

    config: ProjectConfig = Field(default_factory=ProjectConfig)
    departments: dict[str, Department] = Field(default_factory=dict)
    laws: dict[str, Law] = Field(default_factory=dict)
    powers: dict[str, Power] = Field(default_factory=dict)
    responsibilities: dict[str, Responsibility] = Field(default_factory=dict)
    negatives: dict[str, NegativeEntry] = Field(default_factory=dict)
    matters: dict[str, Matter] = Field(default_factory=dict)
    journeys: dict[str, Journey] = Field(default_factory=dict)
    results: dict[str, Result] = Field(default_factory=dict)
