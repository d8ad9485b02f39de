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
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from .diagnostics import Loc
from .targets import Target

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


class _Model(BaseModel):
    """The base of the model classes: the instances of a class share one set of "fields set".

    pydantic keeps, per instance, the set of fields given when it was made (a set costs
    200 bytes or more, a third of a large catalog's memory). qingdan never asks which
    fields were given (no ``exclude_unset``), so every instance of a class shares the set
    of all its field names: ``model_fields_set`` is every field, and assigning a field
    adds nothing to it.
    """

    _all_fields: ClassVar[set[str]] = set()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._all_fields = set(cls.model_fields)

    def model_post_init(self, context: Any, /) -> None:
        object.__setattr__(self, "__pydantic_fields_set__", self._all_fields)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the class and the field values: unpickling (the compile cache, worker
        # processes) then costs one small call per instance instead of pydantic's __setstate__.
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls: type[_Model], values: dict[str, Any]) -> _Model:
    """An instance of ``cls`` with ``values``, as it was pickled (no validation: the values were valid then)."""
    node = cls.__new__(cls)
    _set(node, "__dict__", values)
    _set(node, "__pydantic_fields_set__", cls._all_fields)
    _set(node, "__pydantic_extra__", None)
    _set(node, "__pydantic_private__", None)
    return node


_set = object.__setattr__


class Node(_Model):
    model_config = ConfigDict(extra="forbid", frozen=False)
    loc: Loc | None = None
    locs: dict[str, Loc] = Field(default_factory=dict)

    def at(self, field: str) -> Loc | None:
        """The location of ``field`` if it was written, else of the declaration."""
        return self.locs.get(field, self.loc)


class Duration(_Model):
    model_config = ConfigDict(frozen=True)
    amount: Decimal
    unit: TimeUnit

    def zh(self) -> str:
        return f"{_num(self.amount)}{UNIT_ZH[self.unit]}"

    def en(self) -> str:
        return f"{_num(self.amount)} {self.unit.replace('_', ' ')}"


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral() else str(d)


class Citation(_Model):
    model_config = ConfigDict(frozen=True)
    law: str
    article: str | None = None
    loc: Loc | None = None

    @property
    def key(self) -> str:
        return f"{self.law}.{self.article}" if self.article else self.law


# ---------------------------------------------------------------- expressions
class FactRef(_Model):
    kind: Literal["fact"] = "fact"
    name: str
    loc: Loc | None = None


class CondRef(_Model):
    kind: Literal["cond"] = "cond"
    name: str
    loc: Loc | None = None


class Literal_(_Model):
    kind: Literal["lit"] = "lit"
    type: Literal["number", "text", "bool", "date", "enum"]
    value: Decimal | str | bool | date
    loc: Loc | None = None


class Compare(_Model):
    kind: Literal["cmp"] = "cmp"
    op: Literal["ge", "le", "gt", "lt", "eq", "ne"]
    fact: str
    value: Literal_
    loc: Loc | None = None


class InSet(_Model):
    kind: Literal["in"] = "in"
    fact: str
    values: list[Literal_]
    negated: bool = False
    loc: Loc | None = None


class BoolFact(_Model):
    """A bare boolean fact used as a test: ``有健康证明``."""

    kind: Literal["boolfact"] = "boolfact"
    fact: str
    loc: Loc | None = None


class Not(_Model):
    kind: Literal["not"] = "not"
    operand: Expr
    loc: Loc | None = None


class AllOf(_Model):
    kind: Literal["and"] = "and"
    items: list[Expr]
    loc: Loc | None = None


class AnyOf(_Model):
    kind: Literal["or"] = "or"
    items: list[Expr]
    loc: Loc | None = None


class Const(_Model):
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


class PowerStatus(_Model):
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
    effective_from: date | None = None  # 生效: the first day in force
    effective_to: date | None = None  # 失效: the last day in force (有效期至)


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
    effective_from: date | None = None  # 生效: the first day in force
    effective_to: date | None = None  # 失效: the last day in force (有效期至)


class EnumOption(_Model):
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


class Attachment(_Model):
    """A file a guide links to (空白表格, 示例样表, 结果样本): a file of the project (``path``,
    relative to the project root, forward slashes, never leaving it) or an http(s) address (``url``)."""

    model_config = ConfigDict(frozen=True)
    path: str | None = None
    url: str | None = None


class Body(_Model):
    """A body named in a guide (受理机构, 决定机构, 联办机构, 复议, 诉讼): a declared department
    (``department``, its id) or, for one the catalog does not declare, its name as written (``text``)."""

    model_config = ConfigDict(frozen=True)
    department: str | None = None
    text: str | None = None


class MaterialSource(_Model):
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
    spec: str | None = None  # 材料规格: A4 …
    instructions: str | None = None  # 填报须知
    blank_form: Attachment | None = None  # 空白表格
    sample: Attachment | None = None  # 示例样表
    acceptance: str | None = None  # 受理标准

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
    sample: Attachment | None = None  # 结果样本


class Fee(_Model):
    free: bool = True
    amount: Decimal | None = None
    text: str | None = None  # 收费标准: written as 收费: "…" or 收费标准: "…"
    basis: list[Citation] = Field(default_factory=list)  # 收费依据


class Office(Node):
    """A place where the matter is handled (办理地点): a window or hall, its address, hours and phone."""

    id: str
    name: str
    address: str | None = None
    hours: str | None = None
    phone: str | None = None


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
    # the elements of a service guide (办事指南) beyond the above, in the national standard order
    implementation_basis: list[Citation] = Field(default_factory=list)  # 实施依据 (依据 is the 设定依据)
    accepting_body: Body | None = None  # 受理机构
    deciding_body: Body | None = None  # 决定机构
    joint_bodies: list[Body] = Field(default_factory=list)  # 联办机构
    review_standard: str | None = None  # 审查标准
    quantity_limit: str | None = None  # 数量限制
    office_hours: str | None = None  # 办理时间
    offices: list[Office] = Field(default_factory=list)  # 办理地点, one per window or hall
    online_url: str | None = None  # 网上办理地址
    courier: bool | None = None  # 物流快递
    booking: bool | None = None  # 网上预约
    booking_url: str | None = None  # 网上预约地址
    complaint: str | None = None  # 监督投诉电话
    reconsideration: Body | None = None  # 行政复议
    litigation: Body | None = None  # 行政诉讼
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


class Dependency(_Model):
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


class ProjectConfig(_Model):
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
    # The reform plan's targets ([targets]) and the version they are measured against; read by
    # qingdan.changes (check --targets, diff). Settings of the reports, not part of the catalog.
    targets: list[Target] = Field(default_factory=list, exclude=True)
    targets_baseline: str | None = Field(default=None, exclude=True)
    targets_baseline_loc: Loc | None = Field(default=None, exclude=True)


class CatalogModel(_Model):
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
