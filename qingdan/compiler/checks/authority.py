"""Authority checks (QD1xx): who may approve what, on which legal basis.

Overlapping authority (多头审批), approval outside the lists (清单之外无审批), approval
without supervision (批管脱节), the negative list (非禁即入) and legal bases
(法无授权不可为). Every check indexes the catalog once and never compares all pairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .. import model as m
from ..catalog import Catalog
from ..diagnostics import Diagnostic, Rule, Severity, diag, did_you_mean, related
from .common import dept_en, dept_zh, first_by_loc, loc_key, plain, quote_list_en, quote_list_zh, value_loc
from .lifecycle import PowerProblem, power_problem
from .registry import check

# ---------------------------------------------------------------- scope keys
_FILLER = re.compile(r"的|申请|办理")
_APPROVAL_SUFFIXES = ("许可证核发", "许可证审批", "许可证", "证核发", "核发", "许可", "审批", "核准", "批准")


def _level_zh(level: str | None) -> str:
    return m.LEVEL_ZH.get(level or "", "未定层级")


def _level_en(level: str | None) -> str:
    return level or "unknown level"


def _levels_zh(levels: tuple[str, ...]) -> str:
    return "、".join(m.LEVEL_ZH[lv] for lv in levels) if levels else "未定层级"


def _levels_en(levels: tuple[str, ...]) -> str:
    return ", ".join(levels) if levels else "unknown level"


def _levels_of(node: m.Power | m.Matter) -> tuple[str, ...]:
    """Every level a power or matter is exercised at, highest first (``层级: 省, 市`` gives two)."""
    return tuple(node.levels) or ((node.level,) if node.level else ())


class ScopeKeys:
    """The scope of a power or matter: its object and action, with names normalized.

    ``食品经营许可证核发`` and ``食品经营许可的申请`` are one scope: 的/申请/办理, punctuation
    and width are dropped, and the approval verbs (许可, 审批, 核准, 批准, 核发, 许可证核发…)
    become one action. Another department's name in front is dropped too; the holder's
    own name in front makes the scope its own (``广东省司法厅政府信息依申请公开``: each
    department discloses its own information), so it never matches another department's.
    """

    def __init__(self, model: m.CatalogModel) -> None:
        prefixes: dict[str, set[str]] = {}
        for d in model.departments.values():
            for text in (d.id, d.name):
                p = plain(text)
                if len(p) >= 2:
                    prefixes.setdefault(p, set()).add(d.id)
        self.prefixes = prefixes
        self.max_prefix = max((len(p) for p in prefixes), default=0)

    def key(self, name: str, holder: str | None = None) -> str:
        text = plain(name)
        for k in range(min(self.max_prefix, len(text) - 2), 1, -1):
            owners = self.prefixes.get(text[:k])
            if owners:
                if holder in owners:
                    return f"{holder}#{text}"  # the holder's own
                text = text[k:]
                break
        text = _FILLER.sub("", text)
        for suffix in _APPROVAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                return text[: -len(suffix)] + "|许可"
        return text


_QUERY = re.compile(r"(?:查询|查阅|检索|公示)(?:服务)?$")


def _is_query(name: str) -> bool:
    """An information query (…信息查询, …办证进度查询): two bodies offering one is worth a look, not an error."""
    return _QUERY.search(plain(name)) is not None


def _loc_of(node: m.Node | None) -> m.Loc | None:
    return node.loc if node is not None else None


def _region_prefix(region: str | None) -> str:
    """Region codes nest by prefix: 330000 → 33, 330100 → 3301, 330102 → 330102."""
    if not region:
        return ""
    r = unicodedata.normalize("NFKC", region).strip()
    while len(r) >= 2 and r.endswith("00"):
        r = r[:-2]
    return r


@dataclass
class _Party:
    kind: str  # power / matter
    node: m.Power | m.Matter
    department: str
    levels: tuple[str, ...]  # highest first; several when it is exercised at several levels
    region: str  # region prefix
    division: bool
    zone: str = ""  # the department's 辖区, when it acts only in a zone of its region

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def top(self) -> int | None:
        """The order of its highest level (0 province … 3 township), None without a level."""
        return m.LEVEL_ORDER[self.levels[0]] if self.levels else None

    def zh(self, model: m.CatalogModel) -> str:
        what = "权力" if self.kind == "power" else "事项"
        return f"{what}“{self.id}”（{_levels_zh(self.levels)}，部门{dept_zh(model, self.department)}）"

    def en(self) -> str:
        return f"{self.kind} '{self.id}' ({_levels_en(self.levels)}, department {dept_en(self.department)})"


OVERLAP = Rule(
    "overlapping-authority", "QD101", Severity.error,
    "多个部门对同一事务行使审批权（多头审批）",
    "Several departments hold the same authority",
    group="authority",
    explanation=(
        "Two or more departments hold the same power, or implement matters of the same scope, in the "
        "same jurisdiction at the same level. This is 多头审批: applicants are sent from one department "
        "to the next and complaints follow (one city's outdoor-advertising approval, claimed by three "
        "departments, drew 18% of all its complaints).\n\n"
        "The scope is the object and the action of the name after normalizing it: width and punctuation "
        "are folded, other departments' names in front and the words 的/申请/办理 are dropped, and the approval "
        "verbs 许可/审批/核准/批准/核发 count as one action. Jurisdictions are region codes (区划) of the "
        "departments (the project's region when a department has none); codes nest by prefix "
        "(330000 ⊃ 330100 ⊃ 330102).\n\n"
        "The same scope at two levels whose jurisdictions overlap is fine when the power or matter of "
        "either side declares the division of work (`分级: \"…\"`); without a declared division it is "
        "reported as a warning. The message names every department and points at every definition.\n\n"
        "A power or matter exercised at several levels (`层级: 省, 市`) is at each of them: two departments "
        "overlap when they share a level (one finding names the shared levels). It is not compared across "
        "levels with a party at a level it lists itself: a provincial power listed for 省 and 市 and a city "
        "department's power of the same scope at 市 are the same power exercised at two levels.\n\n"
        "Not overlaps: names that only match once a department's own name in front is dropped "
        "(`广东省司法厅政府信息依申请公开` and `广东省水利厅政府信息依申请公开`: each discloses its own "
        "information); a body that acts only inside a zone of its region (`辖区: \"空港经济区\"` on a "
        "development zone's 管委会) and the departments of the whole region. An information query "
        "(…查询) offered by two bodies is reported as a warning, not an error."
    ),
    bad=(
        '权力 户外广告权 "户外广告设置审批" {\n  部门: 城管局\n}\n'
        '事项 户外广告审批 "户外广告设置审批" {\n  权力: 户外广告权\n  部门: 城管局\n}\n'
        '事项 交通户外广告许可 "户外广告设置许可" {\n  权力: 户外广告权\n  部门: 交通局\n}\n'
    ),
    good=(
        '权力 户外广告权 "户外广告设置审批" {\n  部门: 城管局\n}\n'
        '事项 户外广告审批 "户外广告设置审批" {\n  权力: 户外广告权\n  部门: 城管局\n}\n'
        '# 交通局不再另设同一审批；公路用地范围内的广告由城管局征求交通局意见\n'
    ),
)


@check(OVERLAP)
def overlapping_authority(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    keys = ScopeKeys(c)
    project_region = _region_prefix(c.config.region)

    def region_of(did: str | None) -> str:
        d = c.departments.get(did or "")
        return _region_prefix(d.region) if d and d.region else project_region

    def zone_of(did: str | None) -> str:
        d = c.departments.get(did or "")
        return plain(d.territory) if d and d.territory else ""

    powers: list[_Party] = []
    for p in c.powers.values():
        if p.status.kind in ("cancel", "merge"):
            continue
        holder = p.status.target if p.status.kind == "transfer" and p.status.target else p.department
        if holder not in c.departments:
            continue
        powers.append(_Party("power", p, holder, _levels_of(p), region_of(holder), bool(p.division), zone_of(holder)))
    matters: list[_Party] = []
    for mt in c.matters.values():
        power = c.powers.get(mt.power or "")
        if mt.department not in c.departments or (power is not None and power.status.kind in ("cancel", "merge")):
            continue
        division = bool(mt.division) or bool(power and power.division)
        matters.append(_Party("matter", mt, mt.department, _levels_of(mt), region_of(mt.department), division, zone_of(mt.department)))

    out: list[Diagnostic] = []
    power_group: dict[str, int] = {}
    flagged_powers: set[str] = set()
    for kind, parties in (("power", powers), ("matter", matters)):
        by_scope: dict[str, list[_Party]] = {}
        for party in parties:
            by_scope.setdefault(keys.key(party.node.name, party.department), []).append(party)
        for _scope, group in sorted(by_scope.items()):
            if len({pt.department for pt in group}) < 2:
                continue
            out.extend(_same_level(catalog, kind, group, power_group))
            out.extend(_cross_level(catalog, group, flagged_powers))
    return out


def _same_level(catalog: Catalog, kind: str, group: list[_Party], power_group: dict[str, int]) -> list[Diagnostic]:
    c = catalog.model
    out = []
    cells: dict[tuple, list[_Party]] = {}
    for pt in group:
        for level in pt.levels or (None,):
            cells.setdefault((level, pt.region, pt.zone), []).append(pt)
    # parties that share several levels are one finding, naming every level they share
    shared: dict[tuple[int, ...], tuple[list[str], list[_Party]]] = {}
    for (level, _region, _zone), cell in sorted(cells.items(), key=lambda kv: (str(kv[0][0]), kv[0][1], kv[0][2])):
        if len({pt.department for pt in cell}) < 2:
            continue
        levels, _ = shared.setdefault(tuple(sorted(id(pt) for pt in cell)), ([], cell))
        if level is not None:
            levels.append(level)
    for levels, cell in shared.values():
        level_set = tuple(sorted(levels, key=m.LEVEL_ORDER.__getitem__))
        cell = sorted(cell, key=lambda pt: loc_key(pt.node.loc))
        if kind == "power":
            gid = len(power_group) + 1
            for pt in cell:
                power_group[pt.id] = gid
        else:
            # matters that only repeat an overlap already reported between their powers
            groups = {power_group.get(pt.node.power or "") if isinstance(pt.node, m.Matter) else None for pt in cell}
            if len(groups) == 1 and None not in groups:
                continue
        depts = sorted({pt.department for pt in cell})
        last = cell[-1]
        parties_zh = "、".join(pt.zh(c) for pt in cell)
        parties_en = ", ".join(pt.en() for pt in cell)
        what_zh = "权力" if kind == "power" else "事项"
        zh = (f"{len(depts)} 个部门（{quote_list_zh(depts)}）在同一辖区、同一层级（{_levels_zh(level_set)}）行使同一审批（{what_zh}名称规范化后相同）："
              f"{parties_zh}。请明确由一个部门负责，其他部门的{what_zh}应取消或合并")
        en = (f"{len(depts)} departments ({quote_list_en(depts)}) exercise the same authority in the same jurisdiction at the same level "
              f"({_levels_en(level_set)}): {parties_en}. Give it to one department and cancel or merge the others")
        rel = []
        for pt in cell[:-1]:
            rel += related(pt.node.loc, f"{what_zh}“{pt.id}”（部门{dept_zh(c, pt.department)}）在这里定义", f"{kind} '{pt.id}' (department {dept_en(pt.department)}) is defined here")
        for did in depts:
            d = c.departments.get(did)
            if d is not None:
                rel += related(d.loc, f"部门“{did}”在这里定义", f"department '{did}' is defined here")
        finding = diag("overlapping-authority", zh, en, last.node.loc, related=rel)
        if all(_is_query(pt.node.name) for pt in cell):
            finding.severity = Severity.warning  # an information query offered twice: worth a look, not an error
        out.append(finding)
    return out


def _cross_level(catalog: Catalog, group: list[_Party], flagged_powers: set[str]) -> list[Diagnostic]:
    """The same scope at two levels with overlapping jurisdictions and no declared division.

    A party is compared with those whose highest level is above its own and which list
    none of its levels (a shared level is the same power exercised there, or a
    same-level overlap). A matter whose power was already reported this way is not
    reported again.
    """
    c = catalog.model
    by_region: dict[str, list[_Party]] = {}
    for pt in group:
        by_region.setdefault(pt.region, []).append(pt)
    out = []
    for pt in sorted(group, key=lambda p: loc_key(p.node.loc)):
        top = pt.top
        if pt.division or top is None or (isinstance(pt.node, m.Matter) and pt.node.power in flagged_powers):
            continue
        uppers = []
        for k in range(0, len(pt.region) + 1, 2):
            for other in by_region.get(pt.region[:k], ()):
                other_top = other.top
                if (other_top is not None and other_top < top and not set(other.levels) & set(pt.levels) and not other.division
                        and other.department != pt.department and not other.zone):
                    uppers.append(other)
        if not uppers:
            continue
        if pt.kind == "power":
            flagged_powers.add(pt.id)
        uppers.sort(key=lambda p: loc_key(p.node.loc))
        what_zh = "权力" if pt.kind == "power" else "事项"
        zh = (f"{pt.zh(c)}与上级{('、'.join(u.zh(c) for u in uppers))}审批范围相同、辖区重叠，但都没有写明分级："
              f"请在其中一方写“分级: \"…\"”说明两级如何分工")
        en = (f"{pt.en()} has the same scope as the higher-level {', '.join(u.en() for u in uppers)} in an overlapping "
              f"jurisdiction, and neither declares a division of work: add '分级: \"...\"' to one of them")
        rel = []
        for u in uppers:
            rel += related(u.node.loc, f"上级{what_zh}“{u.id}”（部门{dept_zh(c, u.department)}）在这里定义", f"the higher-level {u.kind} '{u.id}' (department {dept_en(u.department)}) is defined here")
        d = diag("overlapping-authority", zh, en, pt.node.loc, related=rel)
        d.severity = Severity.warning
        out.append(d)
    return out


# ---------------------------------------------------------------- outside the list
OUTSIDE = Rule(
    "approval-outside-list", "QD102", Severity.error,
    "清单之外的审批：事项没有合法的权力来源",
    "Approval outside the power list",
    group="authority",
    explanation=(
        "清单之外无审批: every matter must implement a power on the power list, and the department that "
        "runs it must hold that power. A public service (`类别: 公共服务` on the matter) is not an approval "
        "and needs no power. Reported are:\n\n"
        "- a matter that implements no power (no `权力:` field);\n"
        "- a matter run by a department that neither holds the power nor received it: a power delegated "
        "with `下放(县)` may be run by any department of that level, a transferred one by its new holder.\n\n"
        "A matter whose power is cancelled, merged, transferred away from the matter's department, or not in "
        "force on the as-of date is reported as `matter-without-live-power` (QD111)."
    ),
    bad='权力 占道许可权 "占用道路许可" {\n  部门: 城管局\n}\n事项 占道许可 "占用道路许可" {\n  权力: 占道许可权\n  部门: 交通局\n}\n',
    good='权力 占道许可权 "占用道路许可" {\n  部门: 城管局\n  状态: 划转(交通局)\n}\n事项 占道许可 "占用道路许可" {\n  权力: 占道许可权\n  部门: 交通局\n}\n',
)


@check(OUTSIDE)
def approval_outside_list(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for mt in c.matters.values():
        if mt.power is None:
            if "power" in mt.locs or catalog.is_public_service(mt):
                continue  # written but not a name (already reported), or a public service (not an approval)
            out.append(diag(
                "approval-outside-list",
                f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）没有写实施的权力（权力:），清单之外不得设定审批；请写明它实施的权力清单事项",
                f"matter '{mt.id}' (department {dept_en(mt.department)}) implements no power (no '权力:' field); every approval must implement a listed power",
                mt.loc,
                related=related(c.departments[mt.department].loc if mt.department in c.departments else None,
                                f"部门“{mt.department}”在这里定义", f"department '{mt.department}' is defined here"),
            ))
            continue
        p = c.powers.get(mt.power)
        if p is None:
            continue  # unknown-reference
        status = p.status
        power_rel = related(value_loc(p, "status") if "status" in p.locs else p.loc,
                            f"权力“{p.id}”（部门{dept_zh(c, p.department)}）在这里定义", f"power '{p.id}' (department {dept_en(p.department)}) is defined here")
        if status.kind in ("cancel", "merge"):
            continue  # matter-without-live-power
        if mt.department not in c.departments or p.department not in c.departments:
            continue  # not written, or an unknown name already reported
        if status.kind == "transfer" and status.target:
            if mt.department == status.target:
                continue
            if mt.department == p.department:
                continue  # matter-without-live-power
        elif mt.department == p.department:
            continue
        elif status.kind == "delegate" and status.level:
            dept = c.departments.get(mt.department)
            if dept is not None and dept.level == status.level:
                continue
        holder = status.target if status.kind == "transfer" and status.target else p.department
        extra_zh = f"（已下放到{_level_zh(status.level)}）" if status.kind == "delegate" else ""
        extra_en = f" (delegated to {_level_en(status.level)})" if status.kind == "delegate" else ""
        out.append(diag(
            "approval-outside-list",
            f"事项“{mt.id}”由部门{dept_zh(c, mt.department)}办理，但它实施的权力“{p.id}”由部门{dept_zh(c, holder)}持有{extra_zh}，"
            f"“{mt.department}”既不持有该权力也没有经下放或划转取得；请改由持有部门办理，或在权力清单中写明下放/划转",
            f"matter '{mt.id}' is run by department '{mt.department}', but the power it implements, '{p.id}', is held by '{holder}'{extra_en}; "
            f"'{mt.department}' neither holds it nor received it by delegation or transfer",
            value_loc(mt, "department"), related=power_rel + related(c.departments[mt.department].loc if mt.department in c.departments else None,
                                                                    f"部门“{mt.department}”在这里定义", f"department '{mt.department}' is defined here"),
        ))
    return out


# ---------------------------------------------------------------- supervision
NO_RESPONSIBILITY = Rule(
    "power-without-responsibility", "QD103", Severity.error,
    "权力没有责任清单或监管部门（批管脱节）",
    "Power without a responsibility entry or supervisor",
    group="authority",
    explanation=(
        "放管结合: every power that is still exercised (保留, 下放 or 划转; not 取消 or 合并) needs a "
        "responsibility-list entry (`责任 … { 权力: … }`) that names the supervising department "
        "(`监管部门:`). A power with no entry, or whose entries name no supervising department, is approval "
        "without supervision (批管脱节). The finding points at the power, or at the responsibility entry "
        "that lacks the supervisor.\n\n"
        "Public services (公共服务) are not administrative powers and have no responsibility-list entry: "
        "write them as matters with `类别: 公共服务` and no power. A catalog that still lists one as a "
        "power of category 公共服务 is not asked for an entry either."
    ),
    bad='权力 食品经营许可权 "食品经营许可" {\n  部门: 市场监管局\n}\n# 没有任何 责任 条目\n',
    good=(
        '权力 食品经营许可权 "食品经营许可" {\n  部门: 市场监管局\n}\n'
        '责任 食品经营许可责任 {\n  权力: 食品经营许可权\n  监管: "对持证经营者实施日常监督检查"\n  监管部门: 市场监管局\n}\n'
    ),
)


@check(NO_RESPONSIBILITY)
def power_without_responsibility(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []
    for p in c.powers.values():
        if p.status.kind in ("cancel", "merge") or p.category == "public_service":
            continue
        entries = catalog.responsibilities_of(p.id)
        if not entries:
            out.append(diag(
                "power-without-responsibility",
                f"权力“{p.id}”（部门{dept_zh(c, p.department)}）没有责任清单条目：请增加“责任 … {{ 权力: {p.id}; 监管部门: … }}”，写明各环节责任和监管部门",
                f"power '{p.id}' (department {dept_en(p.department)}) has no responsibility entry: add '责任 ... {{ 权力: {p.id}; 监管部门: ... }}' with the duties and the supervising department",
                p.loc,
            ))
            continue
        if any(r.supervisor for r in entries):
            continue
        first = first_by_loc(entries)
        names = sorted(r.id for r in entries)
        out.append(diag(
            "power-without-responsibility",
            f"权力“{p.id}”（部门{dept_zh(c, p.department)}）的责任清单条目{quote_list_zh(names)}都没有写监管部门（监管部门:），审批之后无人监管",
            f"the responsibility entries {quote_list_en(names)} of power '{p.id}' (department {dept_en(p.department)}) name no supervising department ('监管部门:')",
            first.loc,
            related=related(p.loc, f"权力“{p.id}”在这里定义", f"power '{p.id}' is defined here")
            + [rel for r in sorted(entries, key=lambda r: loc_key(r.loc)) if r is not first for rel in related(r.loc, f"责任“{r.id}”也没有监管部门", f"responsibility '{r.id}' has no supervisor either")],
        ))
    return out


# ---------------------------------------------------------------- negative list
def _activity_key(text: str) -> str:
    return plain(text)


UNIMPLEMENTED = Rule(
    "negative-list-unimplemented", "QD104", Severity.error,
    "许可准入类负面清单事项没有对应的审批事项",
    "Licensed negative-list entry with no matter implementing it",
    group="authority",
    explanation=(
        "Every 许可准入 (licensed) entry of the market-access negative list must map to a real licensing "
        "matter, or applicants cannot obtain the licence the list demands. An entry is implemented when "
        "its `实施:` names a matter, or names a power that at least one matter implements, or when a "
        "matter's `活动:` covers one of the entry's activities. Only live matters count: a matter not in "
        "force on the as-of date, or whose power is cancelled, merged, transferred away or not in force "
        "(see `matter-without-live-power`), implements nothing."
    ),
    bad='负面清单 N201 "未获许可不得从事食品经营" {\n  类型: 许可\n  活动: "食品经营"\n}\n',
    good=('事项 食品经营许可 "食品经营许可" {\n  部门: 市场监管局\n}\n'
          '负面清单 N201 "未获许可不得从事食品经营" {\n  类型: 许可\n  活动: "食品经营"\n  实施: 食品经营许可\n}\n'),
)


@check(UNIMPLEMENTED)
def negative_list_unimplemented(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    gone = catalog.left_out
    matters_by_power: dict[str, int] = {}
    activities: set[str] = set()
    dead: dict[str, PowerProblem | None] = {}  # matters in force that implement no live power; None: not in force
    for mt in c.matters.values():
        problem = power_problem(catalog, mt)
        if problem is not None:
            dead[mt.id] = problem
            continue
        if mt.power:
            matters_by_power[mt.power] = matters_by_power.get(mt.power, 0) + 1
        activities.update(_activity_key(a) for a in mt.activities)
    dead.update((mid, None) for mid in gone.matters)
    out = []
    for n in c.negatives.values():
        if n.type != "licensed":
            continue
        if any(t in c.matters and t not in dead for t in n.implemented_by):
            continue
        live_powers = [t for t in n.implemented_by if t in c.powers and c.powers[t].status.kind not in ("cancel", "merge")]
        if any(matters_by_power.get(t) for t in live_powers):
            continue
        if any(_activity_key(a) in activities for a in n.activities):
            continue
        unknown = [t for t in n.implemented_by if t not in c.matters and t not in c.powers and t not in gone.matters and t not in gone.powers]
        if unknown and len(unknown) == len(n.implemented_by):
            continue  # unknown-reference already says it
        named = sorted(t for t in n.implemented_by if t in c.powers or t in gone.powers)
        dead_named = sorted(t for t in n.implemented_by if t in dead)
        if dead_named and not named:
            zh = (f"许可准入类负面清单事项“{n.id}”（主管部门{dept_zh(c, n.department)}）写的实施事项{quote_list_zh(dead_named)}都已失效"
                  f"（不在有效期内，或其权力已取消、合并、划转或不在有效期内），申请人无从取得许可；请改为现行有效的事项")
            en = (f"licensed negative-list entry '{n.id}' (department {dept_en(n.department)}) names the matters {quote_list_en(dead_named)}, "
                  f"but none of them is alive (not in force, or its power is cancelled, merged, transferred or not in force); name a matter in force")
            rel = []
            for t in dead_named:
                problem = dead[t]
                if problem is None:
                    rel += related(gone.matters[t].loc, f"事项“{t}”在这里定义，不在有效期内", f"matter '{t}' is defined here; it is not in force")
                else:
                    rel += related(c.matters[t].loc, f"事项“{t}”在这里定义，它实施的权力“{problem.power.id}”已失去效力",
                                   f"matter '{t}' is defined here; the power it implements, '{problem.power.id}', no longer gives authority")
            out.append(diag("negative-list-unimplemented", zh, en, value_loc(n, "implemented_by"), related=rel))
            continue
        if named:
            zh = (f"许可准入类负面清单事项“{n.id}”（主管部门{dept_zh(c, n.department)}）写的实施权力{quote_list_zh(named)}没有任何审批事项实施（或已取消、合并、不在有效期内），"
                  f"申请人无从取得许可；请增加实施该权力的事项")
            en = (f"licensed negative-list entry '{n.id}' (department {dept_en(n.department)}) names the powers {quote_list_en(named)}, "
                  f"but no matter implements them (or they are cancelled, merged or not in force); add a matter that implements one")
        else:
            zh = f"许可准入类负面清单事项“{n.id}”（主管部门{dept_zh(c, n.department)}）没有对应的审批事项：请用“实施:”写明实施它的事项或权力"
            en = f"licensed negative-list entry '{n.id}' (department {dept_en(n.department)}) has no matter implementing it: name one with '实施:'"
        rel = []
        for t in named:
            rel += related((c.powers.get(t) or gone.powers[t]).loc, f"权力“{t}”在这里定义，但没有事项实施它", f"power '{t}' is defined here; no matter implements it")
        out.append(diag("negative-list-unimplemented", zh, en, value_loc(n, "implemented_by") if "implemented_by" in n.locs else n.loc, related=rel))
    return out


CONTRADICTION = Rule(
    "negative-list-contradiction", "QD105", Severity.error,
    "审批事项准许了负面清单禁止的活动",
    "A matter permits an activity the negative list prohibits",
    group="authority",
    explanation=(
        "A 禁止准入 (prohibited) entry of the negative list forbids an activity outright; no matter may "
        "grant it. Reported are a matter whose `活动:` names an activity of a prohibited entry (compared "
        "after folding width and punctuation), and a prohibited entry whose `实施:` names a matter or "
        "power, as if the prohibition could be licensed."
    ),
    bad=('负面清单 N101 "禁止新建高尔夫球场" {\n  类型: 禁止\n  活动: "新建高尔夫球场"\n}\n'
         '事项 球场审批 "高尔夫球场建设审批" {\n  活动: "新建高尔夫球场"\n}\n'),
    good=('负面清单 N101 "禁止新建高尔夫球场" {\n  类型: 禁止\n  活动: "新建高尔夫球场"\n}\n'
          '事项 体育场地审批 "公共体育场地建设审批" {\n  活动: "公共体育场地建设"\n}\n'),
)


@check(CONTRADICTION)
def negative_list_contradiction(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    prohibited: dict[str, list[m.NegativeEntry]] = {}
    out = []
    for n in c.negatives.values():
        if n.type != "prohibited":
            continue
        for a in n.activities:
            prohibited.setdefault(_activity_key(a), []).append(n)
        targets = [t for t in n.implemented_by if t in c.matters or t in c.powers]
        if targets:
            out.append(diag(
                "negative-list-contradiction",
                f"禁止准入类负面清单事项“{n.id}”（主管部门{dept_zh(c, n.department)}）不能有实施的审批，但“实施:”写了{quote_list_zh(targets)}；禁止的活动不得许可",
                f"prohibited negative-list entry '{n.id}' (department {dept_en(n.department)}) names {quote_list_en(targets)} under '实施:'; a prohibited activity cannot be licensed",
                value_loc(n, "implemented_by"),
                related=[r for t in targets for r in related(_loc_of(c.matters.get(t) or c.powers.get(t)), f"“{t}”在这里定义", f"'{t}' is defined here")],
            ))
    if not prohibited:
        return out
    for mt in c.matters.values():
        hits: dict[str, tuple[str, m.NegativeEntry]] = {}
        for a in mt.activities:
            for n in prohibited.get(_activity_key(a), ()):
                hits.setdefault(n.id, (a, n))
        if not hits:
            continue
        entries = [hits[k] for k in sorted(hits)]
        zh = (f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）准许的活动"
              + "、".join(f"“{a}”被禁止准入类负面清单事项“{n.id}”（主管部门{dept_zh(c, n.department)}）禁止" for a, n in entries)
              + "；禁止的活动不得审批，请删除该活动或取消事项")
        en = (f"matter '{mt.id}' (department {dept_en(mt.department)}) permits "
              + ", ".join(f"'{a}', which prohibited negative-list entry '{n.id}' (department {dept_en(n.department)}) forbids" for a, n in entries)
              + "; a prohibited activity cannot be approved")
        rel = [r for _, n in entries for r in related(n.loc, f"负面清单“{n.id}”在这里禁止该活动", f"negative-list entry '{n.id}' prohibits it here")]
        out.append(diag("negative-list-contradiction", zh, en, value_loc(mt, "activities"), related=rel))
    return out


# ---------------------------------------------------------------- legal basis
BASIS = Rule(
    "missing-legal-basis", "QD106", Severity.error,
    "缺少法律依据，或引用了不存在的法规、条款",
    "Missing legal basis, or a citation of an unknown law or article",
    group="authority",
    explanation=(
        "法无授权不可为: every power, matter and condition needs a legal basis (`依据: 法规.条款`), and "
        "so does a step left out of the time limit (`不计时限: 是`, see steps-exceed-limit); "
        "every citation (also in responsibilities and negative-list entries) must name a law declared "
        "in the project (`法规 …`) and, when it names an article, an article declared in that law "
        "(`条款 …`). Name resolution deliberately leaves citations to this check, so all legal-basis "
        "findings come under one rule.\n\n"
        "One gap is reported once, where the fix belongs: a power without a basis is reported at the "
        "power, and the matters implementing it (and their conditions) that have none either are listed "
        "as related locations; a matter inherits its power's basis; a matter without a power and without "
        "a basis is reported at the matter, with its conditions as related locations; a condition is "
        "reported on its own only when the matter above it has a basis. Public services (公共服务) are "
        "not administrative powers and need no legal authorization: they are not asked for a basis, but "
        "what they cite must exist."
    ),
    bad='事项 食品经营许可 "食品经营许可" {\n  依据: 食品安全法.第三十六条   # 法规中没有这一条\n}\n',
    good=('# 法规 食品安全法 声明了 第三十五条\n'
          '事项 食品经营许可 "食品经营许可" {\n  依据: 食品安全法.第三十五条\n}\n'),
)


@check(BASIS)
def missing_legal_basis(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    out = []

    def citations(owner_zh: str, owner_en: str, basis: list[m.Citation]) -> None:
        for cit in basis:
            law = c.laws.get(cit.law)
            if law is None:
                s = did_you_mean(cit.law, c.laws)
                zh = f"{owner_zh}引用的法规“{cit.law}”没有声明（请用“法规 {cit.law} \"全称\" {{ … }}”声明它）"
                en = f"{owner_en} cites law '{cit.law}', which is not declared"
                out.append(diag("missing-legal-basis", zh, en, cit.loc, did_you_mean=s))
            elif cit.article is not None and cit.article not in law.articles:
                s = did_you_mean(cit.article, law.articles)
                zh = f"{owner_zh}引用的“{cit.law}.{cit.article}”不存在：法规“{cit.law}”中没有条款“{cit.article}”"
                en = f"{owner_en} cites '{cit.law}.{cit.article}', but law '{cit.law}' has no article '{cit.article}'"
                out.append(diag("missing-legal-basis", zh, en, cit.loc,
                                related=related(law.loc, f"法规“{cit.law}”在这里定义", f"law '{cit.law}' is defined here"), did_you_mean=s))

    def lacks(node: m.Power | m.Matter | m.Condition) -> bool:
        return not node.basis and "basis" not in node.locs

    # one gap, one finding: where the fix belongs (the power, else the matter), the rest as related locations
    matters_of: dict[str, list[m.Matter]] = {}
    for mt in c.matters.values():
        if mt.power:
            matters_of.setdefault(mt.power, []).append(mt)
    uncited_powers = {p.id for p in c.powers.values() if lacks(p) and p.category != "public_service"}

    def below(mt: m.Matter) -> list:
        return [r for cond in mt.conditions if lacks(cond)
                for r in related(cond.loc, f"事项“{mt.id}”的条件“{cond.id}”也没有依据", f"condition '{cond.id}' of matter '{mt.id}' has none either")]

    for p in c.powers.values():
        if p.id in uncited_powers:
            rel = []
            for mt in sorted(matters_of.get(p.id, ()), key=lambda x: loc_key(x.loc)):
                if lacks(mt):
                    rel += related(mt.loc, f"实施它的事项“{mt.id}”也没有依据", f"matter '{mt.id}', which implements it, has none either") + below(mt)
            out.append(diag("missing-legal-basis",
                            f"权力“{p.id}”（部门{dept_zh(c, p.department)}）没有法律依据：请写“依据: 法规.条款”（实施它的事项沿用权力的依据）",
                            f"power '{p.id}' (department {dept_en(p.department)}) has no legal basis: add '依据: law.article' (the matters that implement it inherit it)",
                            p.loc, related=rel))
        citations(f"权力“{p.id}”", f"power '{p.id}'", p.basis)
    for r in c.responsibilities.values():
        citations(f"责任“{r.id}”", f"responsibility '{r.id}'", r.basis)
    for n in c.negatives.values():
        citations(f"负面清单“{n.id}”", f"negative-list entry '{n.id}'", n.basis)
    for mt in c.matters.values():
        public = catalog.is_public_service(mt)
        power = c.powers.get(mt.power or "")
        folded = power is not None and power.id in uncited_powers  # reported at the power
        inherits = power is not None and not lacks(power)
        if lacks(mt) and not (public or folded or inherits):
            out.append(diag("missing-legal-basis",
                            f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}，权力“{mt.power or '未写'}”）没有法律依据：请写“依据: 法规.条款”",
                            f"matter '{mt.id}' (department {dept_en(mt.department)}, power '{mt.power or '-'}') has no legal basis: add '依据: law.article'",
                            mt.loc, related=below(mt)))
        citations(f"事项“{mt.id}”", f"matter '{mt.id}'", mt.basis)
        reported_above = lacks(mt) and not public and not inherits  # the matter's or its power's finding lists the conditions
        for cond in mt.conditions:
            if lacks(cond) and not public and not reported_above:
                out.append(diag("missing-legal-basis",
                                f"事项“{mt.id}”的条件“{cond.id}”没有法律依据：请在条件里写“依据: 法规.条款”",
                                f"condition '{cond.id}' of matter '{mt.id}' has no legal basis: add '依据: law.article' to it",
                                cond.loc))
            citations(f"事项“{mt.id}”的条件“{cond.id}”", f"condition '{cond.id}' of matter '{mt.id}'", cond.basis)
        for st in mt.steps:  # a step left out of the time limit needs the law that allows it
            if st.outside_limit and not st.basis and "basis" not in st.locs:
                out.append(diag("missing-legal-basis", f"事项“{mt.id}”的步骤“{st.id}”不计入时限，但没有写依据：请写“依据: 行政许可法.第四十五条”或规定它的其他法规条款",
                                f"step '{st.id}' of matter '{mt.id}' is left out of the time limit without a legal basis: add '依据: law.article' (e.g. the licensing law's art. 45)",
                                st.loc))
            citations(f"事项“{mt.id}”的步骤“{st.id}”", f"step '{st.id}' of matter '{mt.id}'", st.basis)
    return out
