"""The reform indicators, computed from two compiled catalogs (never typed by hand).

docs/indicators.md defines each one: what is counted, the numerator and the denominator.
In short, for a version before (B) and after (A):

- rates of reduction ``1 − A/B`` of a figure of each catalog: 材料减少率 (materials the
  applicant submits), 环节减少率 (steps), 法定/承诺时限压缩率 (average limits), and the
  change of the average visits. These compose: ``(1 − r(A→C)) = (1 − r(A→B)) · (1 − r(B→C))``;
- shares of the matters of one catalog (零跑动, 最多跑一次, 不见面审批, 即办件, materials
  fetched by sharing): before, after, and the change in percentage points (it adds up);
- 审批事项精简率 and 权力下放率 follow the matched entities from one version to the
  next (a matter removed, a power delegated), so they do not compose.

Figures are exact fractions (``Fraction``); the reports round them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..compiler import Catalog
from ..compiler import model as m
from ..compiler.targets import INDICATOR_BY_KEY, INDICATORS, IndicatorName
from .model_diff import CatalogDiff

LIVE_STATUSES = ("retain", "delegate", "transfer")  # a cancelled or merged power's matters are no longer approval matters
NO_MEETING_CHANNELS = ("online", "mobile", "mail")


@dataclass(frozen=True)
class Measures:
    """The figures of one catalog that the indicators compare."""

    matters: int
    approval_matters: frozenset[str]  # live licensing matters (ids)
    retained_powers: frozenset[str]  # powers with status 保留 (ids)
    submitted: dict[str, int]  # matter id -> materials the applicant submits
    steps: int
    statutory: tuple[int, Fraction]  # (matters with a statutory limit, their sum in working days)
    promised: tuple[int, Fraction]
    visits: tuple[int, int]  # (matters stating visits, their sum)
    zero_visit: int
    at_most_one_visit: int
    no_meeting: int
    immediate: int
    material_mentions: int
    shared_mentions: int

    @property
    def submitted_total(self) -> int:
        return sum(self.submitted.values())


def submitted_materials(catalog: Catalog, mt: m.Matter) -> int:
    """What the applicant hands in for ``mt``: distinct material identities whose source is the applicant,
    leaving out those a written commitment replaces (告知承诺)."""
    index = catalog.material_index
    return len({index.identity(x.name) for x in mt.materials if x.source.kind == "applicant" and not x.commitment})


def is_approval_matter(catalog: Catalog, mt: m.Matter) -> bool:
    """A licensing matter (its power is 行政许可) whose power is not cancelled or merged."""
    p = catalog.powers.get(mt.power or "")
    return p is not None and p.category == "licensing" and p.status.kind in LIVE_STATUSES


def is_immediate(catalog: Catalog, mt: m.Matter) -> bool:
    """即办件: the matter is decided on the spot (its promised limit, else its statutory limit, is 0)."""
    limit = mt.limits.promised if mt.limits.promised is not None else mt.limits.statutory
    return limit is not None and limit.amount == 0


def measure(catalog: Catalog) -> Measures:
    """The figures of ``catalog`` (one pass over its matters and powers)."""
    clock = catalog.clock
    approval, submitted = set(), {}
    steps = n_stat = n_prom = n_vis = sum_vis = zero = one = no_meeting = immediate = mentions = shared = 0
    sum_stat = sum_prom = Fraction(0)
    for mid, mt in catalog.matters.items():
        if is_approval_matter(catalog, mt):
            approval.add(mid)
        submitted[mid] = submitted_materials(catalog, mt)
        steps += len(mt.steps)
        if mt.limits.statutory is not None:
            n_stat += 1
            sum_stat += clock.working_days(mt.limits.statutory)
        if mt.limits.promised is not None:
            n_prom += 1
            sum_prom += clock.working_days(mt.limits.promised)
        if mt.visits is not None:
            n_vis += 1
            sum_vis += mt.visits
            zero += mt.visits == 0
            one += mt.visits <= 1
            no_meeting += mt.visits == 0 and any(ch in NO_MEETING_CHANNELS for ch in mt.channels)
        immediate += is_immediate(catalog, mt)
        mentions += len(mt.materials)
        shared += sum(1 for x in mt.materials if x.shareable)
    retained = frozenset(pid for pid, p in catalog.powers.items() if p.status.kind == "retain")
    return Measures(len(catalog.matters), frozenset(approval), retained, submitted, steps, (n_stat, sum_stat), (n_prom, sum_prom),
                    (n_vis, sum_vis), zero, one, no_meeting, immediate, mentions, shared)


@dataclass(frozen=True)
class Indicator:
    """One indicator between two versions: the figure before and after, and the rate (or change).

    ``rate`` is the reduction ``1 − after/before`` for the rates, the share of ``count``
    in ``before`` for 审批事项精简率 and 权力下放率, and None for the shares (``change``,
    ``after − before``, is what moves). ``value`` is what a target compares.
    """

    name: IndicatorName
    before: Fraction | None
    after: Fraction | None
    rate: Fraction | None
    count: int | None = None  # matters removed, powers delegated
    composable: str = "none"  # "product" (1 − rate multiplies), "sum" (change adds up), "none"

    @property
    def change(self) -> Fraction | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def value(self) -> Fraction | None:
        return self.rate if self.name.target_on == "rate" else self.after

    @property
    def key(self) -> str:
        return self.name.key


def _avg(n: int, total: Fraction | int) -> Fraction | None:
    return Fraction(total) / n if n else None


def _cut(before: Fraction | None, after: Fraction | None) -> Fraction | None:
    return None if before is None or after is None or before == 0 else 1 - after / before


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class Breakdown:
    """Materials the applicant submits, per matter or journey that changed: (id, name, before, after)."""

    matters: tuple[tuple[str, str, int, int], ...]
    journeys: tuple[tuple[str, str, int, int], ...]


def compute_indicators(old: Catalog, new: Catalog, diff: CatalogDiff,
                       before: Measures | None = None, after: Measures | None = None) -> tuple[list[Indicator], Breakdown]:
    """Every indicator from ``old`` to ``new`` (in the order of ``INDICATORS``), and the per-matter and per-journey materials."""
    b = before or measure(old)
    a = after or measure(new)
    matter_pairs = diff.pairs.get("matter", {})
    power_pairs = diff.pairs.get("power", {})
    kept = sum(1 for mid in b.approval_matters if matter_pairs.get(mid) in a.approval_matters)
    removed = len(b.approval_matters) - kept
    delegated = 0
    for pid in b.retained_powers:
        nid = power_pairs.get(pid)
        if nid is None:
            continue
        op, np = old.powers[pid], new.powers[nid]
        lower = np.level is not None and op.level is not None and m.LEVEL_ORDER[np.level] > m.LEVEL_ORDER[op.level]
        delegated += np.status.kind == "delegate" or (np.status.kind == "retain" and lower)

    def frac(x: int) -> Fraction:
        return Fraction(x)

    values: dict[str, Indicator] = {}

    def add(key: str, before: Fraction | None, after: Fraction | None, rate: Fraction | None, count: int | None = None,
            composable: str = "none") -> None:
        values[key] = Indicator(INDICATOR_BY_KEY[key], before, after, rate, count, composable)

    n_b, n_a = len(b.approval_matters), len(a.approval_matters)
    add("approval-matters-cut", frac(n_b), frac(n_a), Fraction(removed, n_b) if n_b else None, removed)
    r_b, r_a = len(b.retained_powers), len(a.retained_powers)
    add("powers-delegated", frac(r_b), frac(r_a), Fraction(delegated, r_b) if r_b else None, delegated)
    add("materials-cut", frac(b.submitted_total), frac(a.submitted_total), _cut(frac(b.submitted_total), frac(a.submitted_total)),
        composable="product")
    add("steps-cut", frac(b.steps), frac(a.steps), _cut(frac(b.steps), frac(a.steps)), composable="product")
    for key, xb, xa in (("statutory-limit-cut", b.statutory, a.statutory), ("promised-limit-cut", b.promised, a.promised)):
        avg_b, avg_a = _avg(*xb), _avg(*xa)
        add(key, avg_b, avg_a, _cut(avg_b, avg_a), composable="product")
    vb, va = _avg(*b.visits), _avg(*a.visits)
    add("average-visits", vb, va, _cut(vb, va), composable="product")
    add("zero-visit-share", _share(b.zero_visit, b.matters), _share(a.zero_visit, a.matters), None, composable="sum")
    add("at-most-one-visit-share", _share(b.at_most_one_visit, b.matters), _share(a.at_most_one_visit, a.matters), None, composable="sum")
    add("no-meeting-share", _share(b.no_meeting, b.matters), _share(a.no_meeting, a.matters), None, composable="sum")
    add("immediate-share", _share(b.immediate, b.matters), _share(a.immediate, a.matters), None, composable="sum")
    add("shared-material-share", _share(b.shared_mentions, b.material_mentions), _share(a.shared_mentions, a.material_mentions), None,
        composable="sum")

    per_matter = []
    for oid, nid in matter_pairs.items():
        if b.submitted[oid] != a.submitted[nid]:
            per_matter.append((nid, new.matters[nid].name, b.submitted[oid], a.submitted[nid]))
    per_journey = []
    changed_journeys = {c.new_id for c in diff.of("journey", "changed")}
    for oid, nid in diff.pairs.get("journey", {}).items():
        if nid not in changed_journeys:
            continue  # nothing of it changed, so neither did its materials
        jb, ja = old.journey_figures(oid).applicant_count, new.journey_figures(nid).applicant_count
        if jb != ja:
            per_journey.append((nid, new.journeys[nid].name, jb, ja))
    return [values[x.key] for x in INDICATORS], Breakdown(tuple(sorted(per_matter)), tuple(sorted(per_journey)))


def version_figures(catalog: Catalog) -> dict[str, Fraction | None]:
    """The figures of one version that the change log charts across versions (one value per indicator).

    For a rate, the figure of this version it is computed from (materials submitted,
    steps, average limits, average visits, approval matters, retained powers); for a
    share, the share.
    """
    x = measure(catalog)
    return {
        "approval-matters-cut": Fraction(len(x.approval_matters)),
        "powers-delegated": Fraction(len(x.retained_powers)),
        "materials-cut": Fraction(x.submitted_total),
        "steps-cut": Fraction(x.steps),
        "statutory-limit-cut": _avg(*x.statutory),
        "promised-limit-cut": _avg(*x.promised),
        "average-visits": _avg(*x.visits),
        "zero-visit-share": _share(x.zero_visit, x.matters),
        "at-most-one-visit-share": _share(x.at_most_one_visit, x.matters),
        "no-meeting-share": _share(x.no_meeting, x.matters),
        "immediate-share": _share(x.immediate, x.matters),
        "shared-material-share": _share(x.shared_mentions, x.material_mentions),
    }
