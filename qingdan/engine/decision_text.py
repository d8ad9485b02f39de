"""Decisions as plain text for the terminal: the summary and the ``--explain`` tree.

Portals read the JSON form (``Decision.model_dump``); people read this. Both come
from the same ``Decision``, so they never disagree.
"""

from __future__ import annotations

from ..compiler.text import say, terminal_text
from .evaluate import Basis, Decision, ExplainNode, MaterialItem

MARK = {"yes": "✓", "no": "✗", "undetermined": "?"}
_TYPE = {"zh": {"number": "数字", "bool": "是/否", "text": "文字", "enum": "选项", "date": "日期"},
         "en": {"number": "number", "bool": "yes/no", "text": "text", "enum": "option", "date": "date"}}


def _cites(basis: list[Basis], lang: str) -> str:
    if not basis:
        return ""
    joined = "；".join(b.citation for b in basis)
    return say(lang, f"〔依据{joined}〕", f" [basis: {joined}]")


def verdict(d: Decision, lang: str) -> str:
    if d.kind == "journey":
        return {"yes": say(lang, "全部事项符合受理条件", "eligible for every matter"),
                "no": say(lang, "有事项不符合受理条件", "not eligible for some matter"),
                "undetermined": say(lang, "尚无法判定（缺少事实或需人工审查）", "undetermined (facts missing or a person must review)")}[d.eligible]
    return {"yes": say(lang, "符合受理条件", "eligible"), "no": say(lang, "不符合受理条件", "not eligible"),
            "undetermined": say(lang, "尚无法判定（缺少事实或需人工审查）", "undetermined (facts missing or a person must review)")}[d.eligible]


def _material_line(item: MaterialItem, lang: str, journey: bool) -> str:
    marks = []
    if item.tolerated:
        marks.append(say(lang, "可容缺受理", "may be supplied later (容缺)"))
    if item.commitment:
        marks.append(say(lang, "可告知承诺", "commitment accepted (告知承诺)"))
    if journey and item.matters:
        marks.append(say(lang, f"{'、'.join(item.matters)} 需要", f"needed by {', '.join(item.matters)}"))
    if item.status == "fetched" and item.provider:
        marks.append(say(lang, f"由{item.provider}提供", f"from {item.provider}"))
    if item.status in ("undetermined", "not_needed") and item.condition:
        marks.append(say(lang, f"仅当{item.condition}时需要", f"only when {item.condition}"))
    if item.facts_missing:
        marks.append(say(lang, f"缺少事实：{'、'.join(item.facts_missing)}", f"missing facts: {', '.join(item.facts_missing)}"))
    extra = say(lang, f"（{'；'.join(marks)}）", f" ({'; '.join(marks)})") if marks else ""
    return f"  - {item.id}：{item.name}{extra}" if lang == "zh" else f"  - {item.id}: {item.name}{extra}"


def render_decision(d: Decision, lang: str | None = None) -> str:
    """The decision as a short report: verdict, facts still needed, conditions, materials, steps, time."""
    lang = lang or d.lang
    journey = d.kind == "journey"
    head = say(lang, "一件事" if journey else "事项", "Journey" if journey else "Matter")
    lines = [f"{head} {d.target}：{d.name}" if lang == "zh" else f"{head} {d.target}: {d.name}",
             say(lang, f"结论：{verdict(d, lang)}", f"Result: {verdict(d, lang)}")]
    if journey:
        lines.append(say(lang, "各事项：", "Matters:"))
        for sub in d.matters:
            why = ""
            if sub.failing:
                why = say(lang, f"（不满足：{'、'.join(sub.failing)}）", f" (fails: {', '.join(sub.failing)})")
            lines.append(f"  {MARK[sub.eligible]} {sub.target}：{sub.name}{why}" if lang == "zh" else f"  {MARK[sub.eligible]} {sub.target}: {sub.name}{why}")
    if d.facts_needed:
        lines.append(say(lang, "还需要的事实：", "Facts still needed:"))
        for f in d.facts_needed:
            kind = _TYPE[lang][f.type]
            if f.options:
                kind += say(lang, "：", ": ") + say(lang, "、", ", ").join(o.label for o in f.options)
            used = f.conditions + f.materials
            lines.append(say(lang, f"  - {f.id}（{f.label}；{kind}）—— 用于判定 {'、'.join(used)}",
                              f"  - {f.id} ({f.label}; {kind}) - decides {', '.join(used)}"))
    if d.conditions:
        lines.append(say(lang, "受理条件：", "Conditions:"))
        for c in d.conditions:
            who = f"{c.matter}." if journey else ""
            note = ""
            if c.manual:
                note = say(lang, "（需人工审查）", " (a person must review)")
            elif c.facts_missing:
                note = say(lang, f"（缺少事实：{'、'.join(c.facts_missing)}）", f" (missing facts: {', '.join(c.facts_missing)})")
            sep = "：" if lang == "zh" else ": "
            lines.append(f"  {MARK[c.outcome]} {who}{c.id}{sep}{c.text}{note}{_cites(c.basis, lang)}")
    sections = [
        (d.materials, say(lang, f"需提交的材料（{len(d.materials)} 种）：", f"Materials to submit ({len(d.materials)}):")),
        (d.fetched, say(lang, f"免提交，通过数据共享获取（{len(d.fetched)} 种）：", f"Fetched by data sharing, not submitted ({len(d.fetched)}):")),
        (d.materials_undetermined, say(lang, "尚不确定是否需要的材料：", "Materials not yet known to be needed:")),
        (d.optional, say(lang, "可选材料：", "Optional materials:")),
        (d.not_needed, say(lang, "不需要的材料：", "Materials not needed:")),
    ]
    for items, title in sections:
        if items or items is d.materials:
            lines.append(title)
            lines += [_material_line(i, lang, journey) for i in items]
    if d.steps:
        lines.append(say(lang, "办理步骤：", "Steps:"))
        for n, s in enumerate(d.steps, 1):
            bits = [b for b in (s.department_name, s.duration) if b]
            where = (say(lang, f"（{'，'.join(bits)}）", f" ({', '.join(bits)})")) if bits else ""
            who = f"{s.matter}." if journey else ""
            lines.append(f"  {n}. {who}{s.name}{where}")
    tl = d.time_limit
    if journey:
        if tl.working_days is None:
            lines.append(say(lang, "关键路径：无法计算（先后顺序有循环）", "Critical path: none (the order has a cycle)"))
        else:
            target = ""
            if tl.target_days is not None:
                target = say(lang, f"；目标 {_n(tl.target_days)} 个工作日", f"; target {_n(tl.target_days)}")
            lines.append(say(lang, f"关键路径：{' → '.join(tl.critical_path)}，共 {_n(tl.working_days)} 个工作日（串联办理需 {_n(tl.serial_days)} 个工作日{target}）",
                              f"Critical path: {' -> '.join(tl.critical_path)}, {_n(tl.working_days)} working days (serially {_n(tl.serial_days)}{target})"))
    else:
        lines.append(_time_line(d, lang))
    if d.visits is not None:
        lines.append(say(lang, f"到现场次数：{d.visits}", f"On-site visits: {d.visits}"))
    if d.basis:
        lines.append(say(lang, f"设定依据：{'；'.join(b.citation for b in d.basis)}", f"Legal basis: {'; '.join(b.citation for b in d.basis)}"))
    return terminal_text(lines)


def _n(v: float | None) -> str:
    if v is None:
        return "-"
    return str(int(v)) if v == int(v) else f"{v:.2f}".rstrip("0").rstrip(".")


def _time_line(d: Decision, lang: str) -> str:
    tl = d.time_limit
    if tl.basis == "promised":
        extra = say(lang, f"（法定 {tl.statutory}）", f" (statutory {tl.statutory})") if tl.statutory else ""
        return say(lang, f"办结时限：承诺 {tl.promised}{extra}", f"Time limit: promised {tl.promised}{extra}")
    if tl.basis == "statutory":
        return say(lang, f"办结时限：法定 {tl.statutory}", f"Time limit: statutory {tl.statutory}")
    if tl.basis == "steps":
        return say(lang, f"办结时限：未规定，各步骤合计 {_n(tl.working_days)} 个工作日", f"Time limit: none stated; the steps take {_n(tl.working_days)} working days")
    return say(lang, "办结时限：未规定", "Time limit: none stated")


def render_explanation(node: ExplainNode, lang: str = "zh") -> str:
    """The reasoning as a tree, each node marked ✓ ✗ ? and citing its article where it changes."""
    lines: list[str] = []

    def walk(n: ExplainNode, prefix: str, last: bool, root: bool, parent_basis: list[Basis]) -> None:
        detail = ""
        if n.detail:
            detail = f" —— {n.detail}" if lang == "zh" else f" - {n.detail}"
        cite = _cites(n.basis, lang) if n.basis and n.basis != parent_basis else ""
        mark = MARK[n.outcome]
        if root:
            lines.append(f"{mark} {n.text}{detail}{cite}")
            child_prefix = ""
        else:
            lines.append(f"{prefix}{'└── ' if last else '├── '}{mark} {n.text}{detail}{cite}")
            child_prefix = prefix + ("    " if last else "│   ")
        for i, c in enumerate(n.children):
            walk(c, child_prefix, i == len(n.children) - 1, False, n.basis or parent_basis)

    walk(node, "", True, True, [])
    return terminal_text(lines)
