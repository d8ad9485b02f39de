"""Material checks (QD2xx): what applicants are asked to submit.

Materials are compared by identity (qingdan.compiler.materials: NFKC, whitespace,
punctuation, copy suffixes such as 复印件/原件/副本/扫描件, and the project's synonyms),
through one index of all mentions and one index of who provides each material; no
check compares all pairs of materials.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from .. import model as m
from ..catalog import Catalog
from ..diagnostics import Diagnostic, Related, Rule, Severity, diag, related
from ..graph import cycles, journey_order, order_cycle, topological
from ..materials import Mention, licence_part
from .common import dept_en, dept_zh, loc_key, quote_list_en, quote_list_zh
from .registry import check


def _written(mention: Mention) -> str:
    return mention.material.name


def _same_zh(mentions: list[Mention]) -> str:
    names = sorted({_written(x) for x in mentions})
    if len(names) > 1 or names[0] != mentions[0].key:
        return f"（{quote_list_zh(names)}规范化后同为“{mentions[0].key}”）"
    return ""


def _same_en(mentions: list[Mention]) -> str:
    names = sorted({_written(x) for x in mentions})
    if len(names) > 1 or names[0] != mentions[0].key:
        return f" ({quote_list_en(names)} are all '{mentions[0].key}' after normalization)"
    return ""


# ---------------------------------------------------------------- duplicate-material
DUPLICATE = Rule(
    "duplicate-material", "QD201", Severity.error,
    "同一件事中多个事项重复要求申请人提交同一材料",
    "The same material is asked of the applicant by several matters of one journey",
    group="materials",
    explanation=(
        "一件事一次办 means one set of materials: within a journey, a material the applicant submits "
        "should be asked once and reused by the other matters. Companies submit 8.2 materials on "
        "average, 5.3 of them already submitted elsewhere; this is the top public complaint.\n\n"
        "Materials are the same when their names are the same after normalization: full-width and "
        "half-width forms, whitespace and punctuation, title brackets (《》), copy counts (一式两份) and "
        "the suffixes 复印件/原件/副本/正本/扫描件/影印件/电子版 are ignored, and the project's synonym "
        "table (`[materials.synonyms]` in qingdan.toml) maps variants to one name. So 营业执照, "
        "营业执照复印件 and 营业执照（副本） are one material.\n\n"
        "The message lists every matter that asks for it and suggests keeping it in the matter that "
        "comes first in the journey's order (ties: the first listed); the finding is placed on each "
        "other matter's material. A material that a department or matter of the catalog provides is "
        "reported by `shareable-material` instead, since it should not be asked at all."
    ),
    bad=('事项 公章刻制 "公章刻制备案" {\n  材料 章模 "印章印模"\n  材料 经办人身份证 "经办人身份证复印件"\n}\n'
         '事项 税务登记 "税务登记" {\n  材料 经办人身份证明 "经办人身份证（原件）"\n}\n'
         '一件事 开办企业 "我要开办企业" {\n  事项: 公章刻制, 税务登记\n}\n'),
    good=('事项 公章刻制 "公章刻制备案" {\n  材料 章模 "印章印模"\n  材料 经办人身份证 "经办人身份证复印件"\n}\n'
          '事项 税务登记 "税务登记" {\n  # 经办人身份证已在公章刻制时提交，一件事内共享\n}\n'
          '一件事 开办企业 "我要开办企业" {\n  事项: 公章刻制, 税务登记\n}\n'),
)


@check(DUPLICATE)
def duplicate_material(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    mc = catalog.material_catalog
    # mention (matter id, material id) -> list of (journey, keeper mention, all asking mentions)
    findings: dict[tuple[str, str], list[tuple[m.Journey, Mention, list[Mention]]]] = {}
    for j in c.journeys.values():
        dag = journey_order(j)
        members = [mid for mid in dict.fromkeys(j.matters if order_cycle(dag) else topological(dag)) if mid in c.matters]
        rank = {mid: i for i, mid in enumerate(members)}
        asked: dict[str, list[Mention]] = {}
        for mid in members:
            seen_here: set[str] = set()
            for mention in mc.by_matter.get(mid, ()):
                if not mention.from_applicant or mention.key in seen_here or mc.provider_count(mention):
                    continue
                seen_here.add(mention.key)
                asked.setdefault(mention.key, []).append(mention)
        for mentions in asked.values():
            if len(mentions) < 2:
                continue
            mentions.sort(key=lambda x: rank[x.matter.id])
            keeper = mentions[0]
            for x in mentions[1:]:
                findings.setdefault((x.matter.id, x.material.id), []).append((j, keeper, mentions))
    out = []
    for (mid, _mat), cases in findings.items():
        mention = cases[0][2][[x.matter.id for x in cases[0][2]].index(mid)]
        parts_zh, parts_en, rel, seen_rel = [], [], [], set()
        for j, keeper, mentions in sorted(cases, key=lambda case: case[0].id):
            askers = [x.matter.id for x in mentions]
            parts_zh.append(f"在一件事“{j.id}”中，事项{quote_list_zh(askers)}都要求申请人提交它，建议只由先办的事项“{keeper.matter.id}”（部门{dept_zh(c, keeper.matter.department)}）收取，其他事项共享使用")
            parts_en.append(f"in journey '{j.id}' the matters {quote_list_en(askers)} all ask the applicant for it; keep it in '{keeper.matter.id}' "
                            f"(department {dept_en(keeper.matter.department)}), which comes first, and let the others reuse it")
            for x in mentions:
                if x is mention or (x.matter.id, x.material.id) in seen_rel:
                    continue
                seen_rel.add((x.matter.id, x.material.id))
                keep = x is keeper
                rel += related(x.material.loc,
                               f"事项“{x.matter.id}”在这里要求“{_written(x)}”" + ("（建议保留）" if keep else ""),
                               f"matter '{x.matter.id}' asks for '{_written(x)}' here" + (" (keep this one)" if keep else ""))
        all_mentions = [x for case in cases for x in case[2]]
        zh = (f"事项“{mid}”（部门{dept_zh(c, mention.matter.department)}）要求的材料“{_written(mention)}”重复{_same_zh(all_mentions)}：" + "；".join(parts_zh))
        en = (f"material '{_written(mention)}' of matter '{mid}' (department {dept_en(mention.matter.department)}) is asked twice{_same_en(all_mentions)}: " + "; ".join(parts_en))
        for j, _k, _ms in cases:
            rel += related(j.loc, f"一件事“{j.id}”在这里定义", f"journey '{j.id}' is defined here")
        out.append(diag("duplicate-material", zh, en, mention.material.loc, related=rel, suggestion=cases[0][1].matter.id))
    return out


# ---------------------------------------------------------------- shareable-material
SHAREABLE = Rule(
    "shareable-material", "QD202", Severity.error,
    "可共享获取的材料仍要求申请人提交",
    "A material that can be fetched by data sharing is asked of the applicant",
    group="materials",
    explanation=(
        "A material that a department of the catalog issues, or that a matter of the catalog produces as "
        "its result (for instance the business licence of company registration, or a certificate an "
        "earlier matter of the same journey issues), should be fetched by data sharing or from the "
        "electronic licence library (免提交), not asked of the applicant again. The tax bureau asking "
        "for a copy of the business licence because it did not receive the market-supervision data is "
        "the textbook case.\n\n"
        "Who issues what is learned from the catalog itself: every matter's `结果` and every material "
        "declared `来源: 签发(部门)` or `来源: 产出(结果)` anywhere in the project. Names are compared by "
        "identity (see duplicate-material). The department that keeps a material may ask for it: the first "
        "submission has to happen somewhere. The message names the nearest providers (same jurisdiction "
        "first). Fix: declare the material's source, e.g. "
        "`来源: 产出(营业执照)`, so it is fetched instead of submitted."
    ),
    bad=('事项 企业设立登记 "企业设立登记" {\n  结果 营业执照 "营业执照"\n}\n'
         '事项 税务登记 "税务登记" {\n  材料 营业执照 "营业执照复印件"\n}\n'),
    good=('事项 企业设立登记 "企业设立登记" {\n  结果 营业执照 "营业执照"\n}\n'
          '事项 税务登记 "税务登记" {\n  材料 营业执照 "营业执照复印件" { 来源: 产出(营业执照) }\n}\n'),
)


@check(SHAREABLE)
def shareable_material(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    mc = catalog.material_catalog
    out = []
    for mention in mc.mentions:
        if not mention.from_applicant:
            continue
        count = mc.provider_count(mention)
        if not count:
            continue
        providers = mc.nearest_providers(mention)
        mt = mention.matter
        who_zh = "、".join(p.describe_zh(c) for p in providers) + (f"等 {count} 个来源" if count > len(providers) else "")
        who_en = ", ".join(p.describe_en() for p in providers) + (f" and {count - len(providers)} more" if count > len(providers) else "")
        first = providers[0]
        if first.kind == "matter":
            res = c.matters[first.ref].result
            fix = f"来源: 产出({res.id})" if res is not None else None
        else:
            fix = f"来源: 签发({first.ref})"
        zh = (f"事项“{mt.id}”（部门{dept_zh(c, mt.department)}）要求申请人提交材料“{mention.material.name}”，但它是{who_zh}，"
              f"应通过数据共享或电子证照获取、免于提交" + (f"：请写“{fix}”" if fix else ""))
        en = (f"matter '{mt.id}' (department {dept_en(mt.department)}) asks the applicant for '{mention.material.name}', but it is {who_en}; "
              f"fetch it by data sharing instead" + (f": write '{fix}'" if fix else ""))
        rel = []
        for p in providers:
            if p.kind == "matter":
                rel += related(p.loc, f"事项“{p.ref}”的结果在这里定义", f"the result of matter '{p.ref}' is defined here")
            else:
                rel += related(p.loc, f"部门“{p.ref}”在这里定义", f"department '{p.ref}' is defined here")
        out.append(diag("shareable-material", zh, en, mention.material.loc, related=rel, suggestion=fix))
    return out


# ---------------------------------------------------------------- material-repeated
REPEATED = Rule(
    "material-repeated", "QD203", Severity.error,
    "同一事项中重复列出同一材料",
    "The same material is listed twice in one matter",
    group="materials",
    explanation=(
        "A matter lists the same material twice, perhaps under two spellings (营业执照 and 营业执照复印件, "
        "or two names the project's synonym table makes one). The applicant would prepare it twice and "
        "the guide shows it twice. Keep one entry; if both the original and a copy are needed, say so "
        "with `形式: 原件和复印件`. The finding points at the second entry.\n\n"
        "Names are compared as in duplicate-material, and also without a form number in front "
        "(`A01007《税务登记证》` and `A01008《税务登记证》`) and without a bracketed note of when the "
        "material is needed (`个人委托书` and `个人委托书（通过委托认证方式的）`). A licence's 正本 and 副本 "
        "are two documents and are not reported (`律师事务所执业许可证` and `律师事务所执业许可证副本`); "
        "a copy or scan (复印件, 扫描件) of one of them is still that document."
    ),
    bad='事项 税务登记 "税务登记" {\n  材料 营业执照 "营业执照"\n  材料 执照复印件 "营业执照复印件"\n}\n',
    good='事项 税务登记 "税务登记" {\n  材料 营业执照 "营业执照" { 形式: 原件和复印件 }\n}\n',
)


@check(REPEATED)
def material_repeated(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    mc = catalog.material_catalog
    out = []
    for mid, mentions in mc.by_matter.items():
        seen: dict[str, list[Mention]] = {}
        for x in mentions:
            earlier = seen.setdefault(x.key, [])
            part = licence_part(x.material.name)
            f = next((e for e in earlier if licence_part(e.material.name) & part), None)
            earlier.append(x)
            if f is None:
                continue  # new, or another part of a licence (正本 and 副本 are two documents)
            mt = c.matters[mid]
            out.append(diag(
                "material-repeated",
                f"事项“{mid}”（部门{dept_zh(c, mt.department)}）重复列出材料“{x.material.name}”，与材料“{f.material.id}”（“{f.material.name}”）是同一材料{_same_zh([f, x])}；请只保留一项",
                f"matter '{mid}' (department {dept_en(mt.department)}) lists '{x.material.name}' again: it is the same material as '{f.material.id}' ('{f.material.name}'){_same_en([f, x])}; keep one",
                x.material.loc,
                related=related(f.material.loc, f"第一次在这里列出“{f.material.name}”", f"'{f.material.name}' is first listed here"),
            ))
    return out


# ---------------------------------------------------------------- circular-certificate
CIRCULAR = Rule(
    "circular-certificate", "QD204", Severity.error,
    "循环证明：事项之间互相要求对方的证照",
    "Circular certificates: matters require each other's results",
    group="materials",
    explanation=(
        "Matter A needs the certificate matter B issues, and B (perhaps through other matters) needs "
        "A's: nobody can apply first (循环证明). A matter needs another's certificate when one of its "
        "materials is declared `来源: 产出(结果)` with that matter's result. A material only named like "
        "another matter's result could be anyone's certificate of that kind; `shareable-material` asks "
        "for its source to be declared, and from then on it takes part in this check. The message shows "
        "the whole cycle, and every material that closes it is listed with its location."
    ),
    bad=('事项 甲 "开业许可" {\n  结果 开业证 "开业许可证"\n  材料 备案证明 "备案证明" { 来源: 产出(备案证明) }\n}\n'
         '事项 乙 "经营备案" {\n  结果 备案证明 "备案证明"\n  材料 开业证 "开业许可证" { 来源: 产出(开业证) }\n}\n'),
    good=('事项 甲 "开业许可" {\n  结果 开业证 "开业许可证"\n  材料 备案证明 "备案证明" { 来源: 产出(备案证明) }\n}\n'
          '事项 乙 "经营备案" {\n  结果 备案证明 "备案证明"\n  材料 场所证明 "经营场所证明"\n}\n'),
)


@check(CIRCULAR)
def circular_certificate(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    mc = catalog.material_catalog
    needs = nx.DiGraph()
    for mention in mc.mentions:
        owner = mc.certificate_owner(mention)
        if owner is not None and not needs.has_edge(mention.matter.id, owner):
            needs.add_edge(mention.matter.id, owner, mention=mention)
    order = {mid: loc_key(mt.loc) for mid, mt in c.matters.items()}
    out = []
    for cycle, comp in cycles(needs, order.__getitem__):
        links = [needs.edges[a, b]["mention"] for a, b in zip(cycle, cycle[1:])]
        chain_zh = " → ".join(f"“{x.matter.id}”需要“{b}”的“{x.material.name}”" for x, b in zip(links, cycle[1:]))
        chain_en = " → ".join(f"'{x.matter.id}' needs '{x.material.name}' from '{b}'" for x, b in zip(links, cycle[1:]))
        depts = sorted({d for n in cycle[:-1] if (d := c.matters[n].department)})
        primary = min(links, key=lambda x: loc_key(x.material.loc))
        others = sorted(set(comp) - set(cycle), key=order.__getitem__)
        more = len(others) - 10
        others_zh = quote_list_zh(others[:10]) + (f"等 {len(others)} 个" if more > 0 else "")
        others_en = quote_list_en(others[:10]) + (f" and {more} more" if more > 0 else "")
        zh = (f"循环证明：{chain_zh}，申请人无法先办其中任何一个（涉及事项{quote_list_zh(cycle[:-1])}，部门{quote_list_zh(depts)}）"
              + (f"；事项{others_zh}也在这个循环中" if others else "")
              + "。请取消其中一项证明要求，或改为告知承诺")
        en = (f"circular certificates: {chain_en}; no matter can be applied for first (matters {quote_list_en(cycle[:-1])}, departments {quote_list_en(depts)})"
              + (f"; matters {others_en} are caught in the same cycle" if others else "")
              + ". Drop one of the requirements or accept a written commitment")
        rel: list[Related] = []
        for x in links:
            if x is not primary:
                rel += related(x.material.loc, f"事项“{x.matter.id}”在这里要求“{x.material.name}”", f"matter '{x.matter.id}' asks for '{x.material.name}' here")
        for n in cycle[:-1]:
            res = c.matters[n].result
            if res is not None:
                rel += related(res.loc, f"事项“{n}”的结果“{res.name}”在这里定义", f"the result '{res.name}' of matter '{n}' is defined here")
        out.append(diag("circular-certificate", zh, en, primary.material.loc, related=rel))
    return out


# ---------------------------------------------------------------- journey-order-conflict
ORDER_CONFLICT = Rule(
    "journey-order-conflict", "QD205", Severity.error,
    "一件事中先办的事项需要后办（或并联）事项产出的材料",
    "A matter of a journey needs what another matter of it produces, but runs first or in parallel",
    group="materials",
    explanation=(
        "In a journey (一件事), a matter that needs the result of another matter of the same journey (its "
        "licence or certificate) can only be handled after it. When the declared order (`先后`) runs the "
        "matter first, or leaves the two in parallel (no path between them in `先后`), the applicant is "
        "asked for something that does not exist yet, and parallel approval breaks down at the window.\n\n"
        "A matter needs another's result when one of its materials is declared `来源: 产出(结果)` with "
        "that result, or is named like it (names compared by identity, as in duplicate-material). The "
        "finding points at the material and names the producer, its result and, when the order runs the "
        "other way, the ordering to change. Fix: `先后: producer -> consumer`. A journey whose order has "
        "a cycle is left to journey-over-target."
    ),
    bad=('事项 企业设立登记 "企业设立登记" {\n  结果 营业执照 "营业执照"\n}\n'
         '事项 食品经营许可 "食品经营许可" {\n  材料 营业执照 "营业执照" { 来源: 产出(营业执照) }\n}\n'
         '一件事 开办餐馆 "我要开餐馆" {\n  事项: 企业设立登记, 食品经营许可\n  先后: 食品经营许可 -> 企业设立登记\n}\n'),
    good=('事项 企业设立登记 "企业设立登记" {\n  结果 营业执照 "营业执照"\n}\n'
          '事项 食品经营许可 "食品经营许可" {\n  材料 营业执照 "营业执照" { 来源: 产出(营业执照) }\n}\n'
          '一件事 开办餐馆 "我要开餐馆" {\n  事项: 企业设立登记, 食品经营许可\n  先后: 企业设立登记 -> 食品经营许可\n}\n'),
)


@check(ORDER_CONFLICT)
def journey_order_conflict(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    mc = catalog.material_catalog
    index = catalog.material_index
    out = []
    for j in c.journeys.values():
        dag = journey_order(j)
        if order_cycle(dag):
            continue  # journey-over-target reports the cycle
        members = [mid for mid in dict.fromkeys(j.matters) if mid in c.matters]
        produces: dict[str, str] = {}  # result identity -> producing matter (first listed)
        for mid in members:
            res = c.matters[mid].result
            if res is not None:
                produces.setdefault(index.identity(res.name), mid)
        if not produces:
            continue
        for mid in members:
            for mention in mc.by_matter.get(mid, ()):
                src = mention.material.source
                if src.kind == "produced_by" and src.ref in c.results:
                    producer = c.results[src.ref].matter
                    if producer not in dag:
                        continue  # produced outside the journey: fetched, nothing to order
                else:
                    producer = produces.get(mention.key)
                if producer is None or producer == mid or nx.has_path(dag, producer, mid):
                    continue
                out.append(_order_conflict(c, j, dag, mention, producer))
    return out


def _order_conflict(c: m.CatalogModel, j: m.Journey, dag: nx.DiGraph, mention: Mention, producer: str) -> Diagnostic:
    mid = mention.matter.id
    res = c.matters[producer].result
    res_name = res.name if res is not None else mention.material.name
    reversed_order = nx.has_path(dag, mid, producer)
    if reversed_order:
        path = nx.shortest_path(dag, mid, producer)
        deps = [dag.edges[a, b]["dep"] for a, b in zip(path, path[1:])]
        how_zh = f"但“先后”让“{mid}”先于“{producer}”办理（{' → '.join(path)}）"
        how_en = f"but the order runs '{mid}' before '{producer}' ({' -> '.join(path)})"
    else:
        deps = []
        how_zh = "但“先后”没有规定两者的顺序，二者并联办理"
        how_en = "but the order leaves the two in parallel"
    rel: list[Related] = []
    if res is not None:
        rel += related(res.loc, f"事项“{producer}”的结果“{res.name}”在这里定义", f"the result '{res.name}' of matter '{producer}' is defined here")
    for dep in deps:
        rel += related(dep.loc, f"先后关系 {dep.before} → {dep.after} 在这里", f"the ordering {dep.before} -> {dep.after} is here")
    rel += related(j.loc, f"一件事“{j.id}”在这里定义", f"journey '{j.id}' is defined here")
    return diag(
        "journey-order-conflict",
        f"在一件事“{j.id}”中，事项“{mid}”（部门{dept_zh(c, mention.matter.department)}）需要事项“{producer}”（部门{dept_zh(c, c.matters[producer].department)}）"
        f"产出的“{res_name}”，{how_zh}，申请时该材料还不存在；请写“先后: {producer} → {mid}”",
        f"in journey '{j.id}', matter '{mid}' (department {dept_en(mention.matter.department)}) needs '{res_name}', which matter '{producer}' "
        f"(department {dept_en(c.matters[producer].department)}) produces, {how_en}: it does not exist yet when '{mid}' is applied for; "
        f"write '先后: {producer} -> {mid}'",
        mention.material.loc, related=rel, suggestion=f"先后: {producer} -> {mid}",
    )
