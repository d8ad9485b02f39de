"""One comparison as a whole (``DiffReport``: the changes, the indicators, the targets), and its
text (Chinese or English), Markdown (a pull-request comment) and JSON forms.

The JSON form carries ``format_version``; its schema is published as
``qingdan/schemas/diff.schema.json``. Names from the rule files are untrusted text: the
terminal form shows control characters escaped (``one_line``), the Markdown form escapes
what Markdown and HTML would read (and breaks ``@`` so that a name mentions nobody).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .. import __version__
from ..compiler import Catalog
from ..compiler import model as m
from ..compiler.diagnostics import Diagnostic
from ..compiler.targets import format_figure
from ..compiler.text import Text, one_line, terminal_text
from .indicators import Breakdown, Indicator, compute_indicators
from .model_diff import PARTS, TABLES, CatalogDiff, EntityChange, FieldChange, PartChange, Value, diff_catalogs
from .targets import TargetResult, figure

FORMAT_VERSION = "1.0"
SCHEMA_ID = "urn:qingdan:schemas:diff-1.0"
MARKDOWN_LIMIT = 60_000  # characters; a GitHub comment holds at most 65,536


@dataclass
class DiffReport:
    """What ``qingdan diff`` reports: both sides, every change, the indicators, the reform actions and the targets."""

    old_label: str
    new_label: str
    old: Catalog
    new: Catalog
    diff: CatalogDiff
    indicators: list[Indicator]
    breakdown: Breakdown
    old_meta: dict[str, Any] = field(default_factory=dict)  # kind, commit, errors
    new_meta: dict[str, Any] = field(default_factory=dict)
    targets: list[TargetResult] = field(default_factory=list)
    target_baseline: str | None = None
    target_findings: list[Diagnostic] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)  # warnings about the comparison itself

    @property
    def targets_missed(self) -> int:
        return sum(1 for t in self.targets if not t.met)


def compare(old: Catalog, new: Catalog, old_label: str = "old", new_label: str = "new") -> DiffReport:
    """Compare two compiled catalogs: the changes and the indicators (targets are added by the caller)."""
    d = diff_catalogs(old, new)
    indicators, breakdown = compute_indicators(old, new, d)
    return DiffReport(old_label, new_label, old, new, d, indicators, breakdown)


# ---------------------------------------------------------------- words
TABLE_WORDS = {"department": ("部门", "departments"), "power": ("权力", "powers"), "responsibility": ("责任", "responsibilities"),
               "negative": ("负面清单", "negative-list entries"), "matter": ("事项", "matters"), "journey": ("一件事", "journeys")}
PART_WORDS = {"fact": ("事实", "fact"), "condition": ("条件", "condition"), "material": ("材料", "material"), "step": ("步骤", "step"),
              "member": ("所含事项", "member matter")}
KIND_WORDS = {"added": ("新增", "added"), "removed": ("删除", "removed"), "changed": ("修改", "changed")}
FIELD_WORDS: dict[str, tuple[str, str]] = {
    "id": ("标识", "identifier"), "name": ("名称", "name"), "code": ("编码", "code"), "category": ("类别", "category"),
    "department": ("部门", "department"), "level": ("层级", "level"), "basis": ("依据", "legal basis"), "status": ("状态", "status"),
    "effective_from": ("生效", "effective from"), "effective_to": ("失效", "effective to"), "division": ("分工", "division"),
    "region": ("区划", "region"), "parent": ("上级", "parent"), "contact": ("咨询", "contact"), "power": ("权力", "power"),
    "supervisor": ("监管部门", "supervisor"), "accountability": ("追责情形", "accountability"), "type": ("类型", "type"),
    "description": ("描述", "description"), "implemented_by": ("实施", "implemented by"), "activities": ("经营活动", "activities"),
    "applicants": ("对象", "applicants"), "fee": ("收费", "fee"), "channels": ("渠道", "channels"), "visits": ("到场次数", "on-site visits"),
    "result": ("结果", "result"), "limits.statutory": ("法定时限", "statutory limit"), "limits.promised": ("承诺时限", "promised limit"),
    "location": ("地点", "location"), "step_order": ("步骤顺序", "order of steps"), "target": ("目标时限", "target time"),
    "order": ("先后顺序", "order"), "materials.submitted": ("合并后申请人提交的材料", "materials the applicant submits (merged)"),
    "materials.shared": ("数据共享免提交的材料", "materials fetched by sharing"), "label": ("名称", "label"), "options": ("选项", "options"),
    "required": ("必需", "required"), "unit": ("单位", "unit"), "text": ("文字", "text"), "expr": ("表达式", "expression"),
    "source": ("来源", "source"), "only_when": ("仅当", "only when"), "form": ("形式", "form"), "medium": ("载体", "medium"),
    "copies": ("份数", "copies"), "tolerated": ("容缺受理", "may be supplied later (容缺)"),
    "commitment": ("告知承诺", "commitment may replace it (告知承诺)"), "duration": ("用时", "duration"),
    **{f"stage.{s}": (f"{m.STAGE_ZH[s]}环节职责", f"{s} duty") for s in m.STAGES},
}
STATUS_WORDS = {"retain": ("保留", "retained"), "cancel": ("取消", "cancelled"), "delegate": ("下放", "delegated"),
                "transfer": ("划转", "transferred"), "merge": ("合并", "merged")}
UNIT_WORDS = {"working_days": ("个工作日", "working days"), "natural_days": ("个自然日", "natural days"), "hours": ("小时", "hours")}
CHANNEL_WORDS = {"online": ("网上", "online"), "window": ("窗口", "window"), "mail": ("邮寄", "mail"), "mobile": ("移动端", "mobile")}
FORM_WORDS = {"original": ("原件", "original"), "copy": ("复印件", "copy"), "original_and_copy": ("原件和复印件", "original and copy"),
              "paper": ("纸质", "paper"), "electronic": ("电子", "electronic"), "paper_or_electronic": ("纸质或电子", "paper or electronic"),
              "prohibited": ("禁止准入", "prohibited"), "licensed": ("许可准入", "licensed")}
LEVEL_EN = {"province": "province", "city": "city", "county": "county", "township": "township"}


def _w(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def value_text(field_name: str, v: Value, lang: str) -> str:
    """A compared value in the reader's language."""
    zh = lang == "zh"
    if v is None:
        return "未写" if zh else "not set"
    if isinstance(v, bool):
        return ("是" if v else "否") if zh else ("yes" if v else "no")
    if isinstance(v, tuple):
        if not v:
            return "无" if zh else "none"
        return ("、" if zh else ", ").join(value_text(field_name, x, lang) for x in v)
    if isinstance(v, int):
        return str(v)
    if field_name == "level":
        return m.LEVEL_ZH.get(v, v) if zh else LEVEL_EN.get(v, v)
    if field_name == "category":
        return m.CATEGORY_ZH.get(v, v) if zh else v.replace("_", " ")
    if field_name == "status":
        kind, _, arg = v.partition(":")
        word = _w(STATUS_WORDS.get(kind, (kind, kind)), lang)
        if kind == "delegate" and arg:
            arg = value_text("level", arg, lang)
        return f"{word}({arg})" if arg else word
    if field_name == "source":
        kind, _, ref = v.partition(":")
        if kind == "applicant":
            return "申请人提交" if zh else "submitted by the applicant"
        if kind == "issued_by":
            return f"{ref} 签发（数据共享，免提交）" if zh else f"issued by {ref} (fetched by data sharing)"
        return f"产出({ref})（数据共享，免提交）" if zh else f"produced as {ref} (fetched by data sharing)"
    if field_name in ("limits.statutory", "limits.promised", "target", "duration"):
        amount, _, unit = v.partition(" ")
        words = UNIT_WORDS.get(unit)
        return (f"{amount}{words[0]}" if zh else f"{amount} {words[1]}") if words else v
    if field_name == "fee" and v == "free":
        return "免费" if zh else "free"
    if field_name == "channels":
        return _w(CHANNEL_WORDS.get(v, (v, v)), lang)
    if field_name in ("form", "medium", "type"):
        return _w(FORM_WORDS.get(v, (v, v)), lang)
    return v


def field_text(f: FieldChange, lang: str) -> str:
    """``承诺时限：10个工作日 → 5个工作日``, with what the change means for a material's flags."""
    label = _w(FIELD_WORDS.get(f.field, (f.field, f.field)), lang)
    if isinstance(f.old, tuple) and isinstance(f.new, tuple) and f.field not in ("step_order", "options"):
        gone = [x for x in f.old if x not in f.new]
        came = [x for x in f.new if x not in f.old]
        bits = [f"+{value_text(f.field, x, lang)}" for x in came] + [f"−{value_text(f.field, x, lang)}" for x in gone]
        if bits:
            return f"{label}{'：' if lang == 'zh' else ': '}{' '.join(bits)}"
    text = f"{label}{'：' if lang == 'zh' else ': '}{value_text(f.field, f.old, lang)} → {value_text(f.field, f.new, lang)}"
    note = _meaning(f, lang)
    return f"{text}{note}" if note else text


def _meaning(f: FieldChange, lang: str) -> str:
    zh = lang == "zh"
    if f.field == "source":
        if f.old == "applicant" and f.new != "applicant":
            return "（改为免提交）" if zh else " (now fetched by sharing, not submitted)"
        if f.old != "applicant" and f.new == "applicant":
            return "（改为申请人提交）" if zh else " (now submitted by the applicant)"
    if f.field == "tolerated" and f.new is True:
        return "（现可容缺受理）" if zh else " (now accepted with it missing, 容缺)"
    if f.field == "commitment" and f.new is True:
        return "（现可告知承诺）" if zh else " (now replaceable by a written commitment, 告知承诺)"
    return ""


ONE_WORDS = {"department": "department", "power": "power", "responsibility": "responsibility", "negative": "negative-list entry",
             "matter": "matter", "journey": "journey"}


def entity_title(c: EntityChange, lang: str) -> str:
    word = TABLE_WORDS[c.table][0] if lang == "zh" else ONE_WORDS[c.table]
    if c.renamed:
        if lang == "zh":
            return f"{word}“{c.old_name}”（{c.old_id}）更名为“{c.new_name}”（{c.new_id}）"
        return f"{word} '{c.old_name}' ({c.old_id}) renamed to '{c.new_name}' ({c.new_id})"
    return f"{word}“{c.name}”（{c.id}）" if lang == "zh" else f"{word} '{c.name}' ({c.id})"


def part_lines(p: PartChange, lang: str) -> list[str]:
    word = _w(PART_WORDS[p.part], lang)
    kind = _w(KIND_WORDS[p.kind], lang)
    head = f"{kind}{word}“{p.name}”" if lang == "zh" else f"{word} '{p.name}' {kind}"
    if p.kind == "changed":
        return [head + ("：" if lang == "zh" else ": ") + ("；" if lang == "zh" else "; ").join(field_text(f, lang) for f in p.fields)]
    return [head]


def change_lines(c: EntityChange, lang: str) -> list[str]:
    """One change as a heading line and its detail lines."""
    sign = {"added": "+", "removed": "-", "changed": "~"}[c.kind]
    kind = _w(KIND_WORDS[c.kind], lang)
    head = f"{sign} {kind} {entity_title(c, lang)}" if c.kind != "changed" else f"{sign} {entity_title(c, lang)}"
    details = [field_text(f, lang) for f in c.fields if f.field not in ("name", "id") or not c.renamed]
    for part in PARTS:
        for p in c.parts:
            if p.part == part:
                details.extend(part_lines(p, lang))
    return [head, *details]


# ---------------------------------------------------------------- summary figures
def counts(d: CatalogDiff) -> dict[str, dict[str, int]]:
    """Per table: added, removed, changed, renamed."""
    out: dict[str, dict[str, int]] = {}
    for table in TABLES:
        xs = d.of(table)
        out[table] = {"added": sum(c.kind == "added" for c in xs), "removed": sum(c.kind == "removed" for c in xs),
                      "changed": sum(c.kind == "changed" for c in xs), "renamed": sum(c.renamed for c in xs)}
    return out


def reform_actions(r: DiffReport) -> list[dict[str, Any]]:
    """The power status transitions counted by (from, to, category, level): the reform actions."""
    counter: Counter[tuple[str, str, str, str]] = Counter()
    for c in r.diff.status_transitions():
        f = c.field("status")
        assert f is not None and isinstance(f.old, str) and isinstance(f.new, str)
        old_p = r.old.powers.get(c.old_id or "")
        new_p = r.new.powers.get(c.new_id or "")
        category = (new_p.category if new_p else None) or (old_p.category if old_p else None) or ""
        level = (old_p.level if old_p else None) or ""
        counter[(f.old.partition(":")[0], f.new.partition(":")[0], category, level)] += 1
    return [{"from": a, "to": b, "category": cat or None, "level": lv or None, "count": n}
            for (a, b, cat, lv), n in sorted(counter.items(), key=lambda kv: (_status_rank(kv[0][1]), kv[0]))]


def _status_rank(kind: str) -> int:
    return list(STATUS_WORDS).index(kind) if kind in STATUS_WORDS else 99


def _by_department(r: DiffReport) -> list[tuple[str | None, list[EntityChange]]]:
    groups: dict[str | None, list[EntityChange]] = {}
    for c in r.diff.changes:
        groups.setdefault(c.department, []).append(c)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def department_name(r: DiffReport, did: str | None, lang: str) -> str:
    if did is None:
        return "未注明部门" if lang == "zh" else "no department"
    d = r.new.departments.get(did) or r.old.departments.get(did)
    return d.name if d is not None and d.name != did else did


def indicator_change(ind: Indicator, lang: str) -> str:
    """The rate (for rates), the change in percentage points (for shares), the difference (for averages)."""
    if ind.name.unit == "visits":
        ch = ind.change
        return "—" if ch is None else ("+" if ch >= 0 else "") + format_figure(_dec(ch), "visits")
    if ind.name.target_on == "rate":
        if ind.rate is None:
            return "—"
        text = figure(ind, "value")
        if ind.key in ("approval-matters-cut", "powers-delegated") and ind.count is not None:
            what = {"approval-matters-cut": ("精简 {n} 项", "{n} cut"), "powers-delegated": ("下放 {n} 项", "{n} delegated")}[ind.key]
            text += f"（{what[0].format(n=ind.count)}）" if lang == "zh" else f" ({what[1].format(n=ind.count)})"
        return text
    ch = ind.change
    if ch is None:
        return "—"
    points = (_dec(ch) * 100).quantize(Decimal("0.1"))
    return f"{'+' if points >= 0 else ''}{points} {'个百分点' if lang == 'zh' else 'points'}"


def _dec(x: Fraction) -> Decimal:
    return Decimal(x.numerator) / Decimal(x.denominator)


def _side_name(r: DiffReport, which: str) -> str:
    return r.old_label if which == "old" else r.new_label


# ---------------------------------------------------------------- text
def render_text(r: DiffReport, lang: str = "zh") -> str:
    """The comparison for the terminal."""
    zh = lang == "zh"
    lines = [f"qingdan diff：{r.old_label} → {r.new_label}（{r.new.config.name}）" if zh
             else f"qingdan diff: {r.old_label} → {r.new_label} ({r.new.config.name})"]
    lines += [("注意：" if zh else "note: ") + n(lang) for n in r.notes]
    c = counts(r.diff)
    if r.diff.empty:
        lines.append("两个版本没有差别。" if zh else "No differences between the two versions.")
    else:
        lines.append("")
        lines.append("变更概览" if zh else "Summary")
        for table in TABLES:
            x = c[table]
            if any(x.values()):
                if zh:
                    lines.append(f"  {TABLE_WORDS[table][0]}：新增 {x['added']}，删除 {x['removed']}，修改 {x['changed']}（其中更名 {x['renamed']}）")
                else:
                    lines.append(f"  {TABLE_WORDS[table][1]}: {x['added']} added, {x['removed']} removed, {x['changed']} changed ({x['renamed']} renamed)")
    actions = reform_actions(r)
    if actions:
        lines += ["", "改革动作（权力状态变化）" if zh else "Reform actions (power status changes)"]
        for a in actions:
            frm, to = _w(STATUS_WORDS.get(a["from"], (a["from"], a["from"])), lang), _w(STATUS_WORDS.get(a["to"], (a["to"], a["to"])), lang)
            cat = value_text("category", a["category"], lang)
            lv = value_text("level", a["level"], lang)
            lines.append(f"  {frm} → {to}：{cat}，{lv}，{a['count']} 项" if zh else f"  {frm} → {to}: {cat}, {lv} level, {a['count']}")
    lines += ["", "改革指标（之前 → 之后：变化）" if zh else "Reform indicators (before → after: change)"]
    for ind in r.indicators:
        name = ind.name.zh if zh else ind.name.en
        lines.append(f"  {name}：{figure(ind, 'before')} → {figure(ind, 'after')}：{indicator_change(ind, lang)}" if zh
                     else f"  {name}: {figure(ind, 'before')} → {figure(ind, 'after')}: {indicator_change(ind, lang)}")
    lines += _breakdown_lines(r, lang, "  ")
    if r.targets:
        lines += ["", f"改革目标（基准 {r.target_baseline}）" if zh else f"Reform targets (baseline {r.target_baseline})"]
        for t in r.targets:
            lines.append(_target_line(t, lang, "  "))
    if not r.diff.empty:
        lines += ["", "按部门的变更" if zh else "Changes by department"]
        for did, changes in _by_department(r):
            lines.append(f"【{department_name(r, did, lang)}】" if zh else f"[{department_name(r, did, lang)}]")
            for ch in changes:
                head, *details = change_lines(ch, lang)
                lines.append("  " + head)
                lines += ["      " + x for x in details]
    return terminal_text(lines)


def _breakdown_lines(r: DiffReport, lang: str, indent: str) -> list[str]:
    zh = lang == "zh"
    out = []
    if r.breakdown.matters:
        out.append(indent + ("申请人提交的材料（按事项）：" if zh else "materials the applicant submits, by matter:"))
        out += [f"{indent}  {name}（{mid}）：{b} → {a}" if zh else f"{indent}  {name} ({mid}): {b} → {a}" for mid, name, b, a in r.breakdown.matters]
    if r.breakdown.journeys:
        out.append(indent + ("合并后申请人提交的材料（按一件事）：" if zh else "materials the applicant submits once merged, by journey:"))
        out += [f"{indent}  {name}（{jid}）：{b} → {a}" if zh else f"{indent}  {name} ({jid}): {b} → {a}" for jid, name, b, a in r.breakdown.journeys]
    return out


def _target_line(t: TargetResult, lang: str, indent: str) -> str:
    ind = t.indicator
    mark = "✓" if t.met else "✗"
    got = figure(ind, "value")
    if lang == "zh":
        return f"{indent}{mark} {ind.name.zh} 目标{t.target.threshold_text('zh')}，实际 {got}{'' if t.met else '（未达到）'}"
    return f"{indent}{mark} {ind.name.en}: target {t.target.threshold_text('en')}, actual {got}{'' if t.met else ' (missed)'}"


# ---------------------------------------------------------------- markdown
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md(text: str) -> str:
    """Untrusted text inline in GitHub Markdown: HTML and Markdown characters escaped, one line, no mentions."""
    t = html.escape(one_line(str(text)), quote=True)
    t = _MD_SPECIAL.sub(r"\\\1", t)
    return t.replace("@", "@\u2060")


def render_markdown(r: DiffReport, lang: str = "zh") -> str:
    """A pull-request comment: a summary table of the indicators, then the details by department in collapsible sections."""
    zh = lang == "zh"
    out = [f"### qingdan diff：`{md(r.old_label)}` → `{md(r.new_label)}`" if zh
           else f"### qingdan diff: `{md(r.old_label)}` → `{md(r.new_label)}`"]
    out[0] = out[0].replace("`", "")  # labels are escaped text, not code
    out.append("")
    for n in r.notes:
        out += [f"> **{'注意' if zh else 'Note'}**：{md(n(lang))}" if zh else f"> **Note**: {md(n(lang))}", ""]
    if r.diff.empty:
        out += ["两个版本没有差别。" if zh else "No differences between the two versions.", ""]
    c = counts(r.diff)
    if not r.diff.empty:
        out += ["| " + (" | ".join(["清单", "新增", "删除", "修改", "更名"]) if zh else " | ".join(["list", "added", "removed", "changed", "renamed"])) + " |",
                "| --- | ---: | ---: | ---: | ---: |"]
        for table in TABLES:
            x = c[table]
            if any(x.values()):
                out.append(f"| {_w(TABLE_WORDS[table], lang)} | {x['added']} | {x['removed']} | {x['changed']} | {x['renamed']} |")
        out.append("")
    out += [("#### 改革指标" if zh else "#### Reform indicators"), "",
            "| 指标 | 之前 | 之后 | 变化 |" if zh else "| indicator | before | after | change |", "| --- | ---: | ---: | ---: |"]
    for ind in r.indicators:
        out.append(f"| {md(ind.name.zh if zh else ind.name.en)} | {md(figure(ind, 'before'))} | {md(figure(ind, 'after'))} | "
                   f"{md(indicator_change(ind, lang))} |")
    out.append("")
    actions = reform_actions(r)
    if actions:
        out += ["#### 改革动作" if zh else "#### Reform actions", "",
                "| 状态变化 | 权力类别 | 层级 | 数量 |" if zh else "| status change | category | level | count |", "| --- | --- | --- | ---: |"]
        for a in actions:
            frm, to = _w(STATUS_WORDS.get(a["from"], (a["from"], a["from"])), lang), _w(STATUS_WORDS.get(a["to"], (a["to"], a["to"])), lang)
            out.append(f"| {md(frm)} → {md(to)} | {md(value_text('category', a['category'], lang))} | "
                       f"{md(value_text('level', a['level'], lang))} | {a['count']} |")
        out.append("")
    if r.targets:
        out += [f"#### 改革目标（基准 {md(r.target_baseline or '')}）" if zh else f"#### Reform targets (baseline {md(r.target_baseline or '')})", ""]
        out += ["- " + md(_target_line(t, lang, "")) for t in r.targets]
        out.append("")
    details = _breakdown_lines(r, lang, "")
    if details:
        out += ["<details><summary>" + ("材料（按事项、按一件事）" if zh else "Materials by matter and by journey") + "</summary>", ""]
        out += [("- " if not x.startswith("  ") else "  - ") + md(x.strip()) for x in details]
        out += ["", "</details>", ""]
    size = sum(len(x) + 1 for x in out)
    groups = _by_department(r)
    for i, (did, changes) in enumerate(groups):
        section = [f"<details><summary>{md(department_name(r, did, lang))}（{len(changes)} 项变更）</summary>" if zh
                   else f"<details><summary>{md(department_name(r, did, lang))} ({len(changes)} changes)</summary>", ""]
        for ch in changes:
            head, *rest = change_lines(ch, lang)
            section.append(f"- {md(head[2:])}")
            section += [f"  - {md(x)}" for x in rest]
        section += ["", "</details>", ""]
        length = sum(len(x) + 1 for x in section)
        if size + length > MARKDOWN_LIMIT:
            left = len(groups) - i
            out.append(f"……另有 {left} 个部门的变更未列出（评论长度有限），完整内容见 `qingdan diff --format json`。" if zh
                       else f"… {left} more departments not shown (a comment is limited in length); `qingdan diff --format json` has everything.")
            break
        out += section
        size += length
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------- json
def _num(x: Fraction | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _jv(v: Value) -> Any:
    return list(v) if isinstance(v, tuple) else v


def _fields_json(fields: tuple[FieldChange, ...]) -> list[dict[str, Any]]:
    return [{"field": f.field, "old": _jv(f.old), "new": _jv(f.new)} for f in fields]


def to_json(r: DiffReport) -> dict[str, Any]:
    """The comparison as JSON (``diff.schema.json``)."""
    def side(label: str, catalog: Catalog, meta: dict[str, Any]) -> dict[str, Any]:
        return {"label": label, "kind": meta.get("kind", "catalog"), "commit": meta.get("commit"), "project": catalog.config.name,
                "version": catalog.config.version, "errors": meta.get("errors", 0)}

    return {
        "$schema": SCHEMA_ID,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "qingdan", "version": __version__},
        "old": side(r.old_label, r.old, r.old_meta),
        "new": side(r.new_label, r.new, r.new_meta),
        "summary": counts(r.diff),
        "reform_actions": reform_actions(r),
        "indicators": [{"key": x.key, "name_zh": x.name.zh, "name_en": x.name.en, "unit": x.name.unit, "target_on": x.name.target_on,
                        "before": _num(x.before), "after": _num(x.after), "rate": _num(x.rate), "change": _num(x.change),
                        "count": x.count, "composable": x.composable} for x in r.indicators],
        "materials_by_matter": [{"matter": i, "name": n, "before": b, "after": a} for i, n, b, a in r.breakdown.matters],
        "materials_by_journey": [{"journey": i, "name": n, "before": b, "after": a} for i, n, b, a in r.breakdown.journeys],
        "changes": [{"table": c.table, "kind": c.kind, "old_id": c.old_id, "new_id": c.new_id, "old_name": c.old_name,
                     "new_name": c.new_name, "code": c.code, "department": c.department, "renamed": c.renamed,
                     "fields": _fields_json(c.fields),
                     "parts": [{"part": p.part, "kind": p.kind, "key": p.key, "name": p.name, "fields": _fields_json(p.fields)}
                               for p in c.parts]} for c in r.diff.changes],
        "targets": {"baseline": r.target_baseline,
                    "results": [{"indicator": t.target.indicator, "op": t.target.op, "threshold": float(t.target.threshold),
                                 "written": t.target.written, "value": _num(t.value), "met": t.met} for t in r.targets]},
        "notes": [{"zh": n.zh, "en": n.en} for n in r.notes],
    }


def render_json(r: DiffReport) -> str:
    return json.dumps(to_json(r), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
