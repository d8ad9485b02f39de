"""Uniformity checks: 同一事项、同一标准 — the same matter under one standard, the same power under one name.

- ``limit-differs-across-levels``: one catalog item (the same 基本编码) implemented at two
  levels or in two regions with different statutory limits;
- ``similar-power-names``: two departments at the same level and region holding powers whose
  names are the same words in another order, or differ only in the approval verb
  (占用、挖掘城市道路审批 and 城市道路占用、挖掘许可). Names are segmented with jieba, loaded
  only when two names share the same characters (most catalogs never load it).

Both index the catalog once (by code, by word set) and never compare all pairs.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from typing import Any

from .. import model as m
from ..catalog import Catalog
from ..diagnostics import Diagnostic, Rule, Severity, diag, related
from ..durations import as_written_en, as_written_zh
from .authority import ScopeKeys, _region_prefix
from .common import dept_en, dept_zh, loc_key, plain, quote_list_zh, value_loc
from .registry import check

# ---------------------------------------------------------------- limit-differs-across-levels
LIMIT_DIFFERS = Rule(
    "limit-differs-across-levels", "QD310", Severity.warning,
    "同一目录事项在不同层级或地区的法定时限不同",
    "One catalog item has different statutory limits at different levels or in different regions",
    group="time",
    explanation=(
        "同一事项、同一标准: a catalog item (the same basic code, `基本编码`) is the same matter wherever it "
        "is implemented, so its statutory limit (法定办结时限) should be the same at the province, in every "
        "city and every county. One province export had an item with 150 working days at one level and "
        "20 at another. Matters are grouped by `基本编码` and by jurisdiction (level and region); two "
        "jurisdictions are reported when they share no statutory limit at all (an item whose sub-items "
        "have different limits is not reported as long as the jurisdictions have one limit in common). "
        "The finding points at the longest limit and lists the others. A warning by default: a law may "
        "set the levels different limits; say so in the matter's `分级` and waive the finding. A matter "
        "handled at several levels (`层级: 省, 市`) has one limit and is grouped at its highest level."
    ),
    bad=('事项 省级审批 "某项审批" {\n  基本编码: "44010900200Y"\n  层级: 省\n  时限 { 法定: 150 工作日 }\n}\n'
         '事项 市级审批 "某项审批" {\n  基本编码: "44010900200Y"\n  层级: 市\n  时限 { 法定: 20 工作日 }\n}\n'),
    good=('事项 省级审批 "某项审批" {\n  基本编码: "44010900200Y"\n  层级: 省\n  时限 { 法定: 20 工作日 }\n}\n'
          '事项 市级审批 "某项审批" {\n  基本编码: "44010900200Y"\n  层级: 市\n  时限 { 法定: 20 工作日 }\n}\n'),
)


@check(LIMIT_DIFFERS)
def limit_differs_across_levels(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    clk = catalog.clock
    project_region = _region_prefix(c.config.region)
    groups: dict[str, dict[tuple[int, str], list[tuple[m.Matter, Fraction]]]] = {}
    for mt in c.matters.values():
        if not mt.base_code or mt.limits.statutory is None:
            continue
        d = c.departments.get(mt.department or "")
        region = _region_prefix(d.region) if d is not None and d.region else project_region
        level = m.LEVEL_ORDER.get(mt.level or (d.level if d is not None else None) or "", 9)
        cell = groups.setdefault(plain(mt.base_code), {}).setdefault((level, region), [])
        cell.append((mt, clk.working_days(mt.limits.statutory)))
    out = []
    for code in sorted(groups):
        cells = groups[code]
        if len(cells) < 2:
            continue
        limits = {k: {days for _, days in v} for k, v in cells.items()}
        keys = sorted(cells)
        apart = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1:] if not limits[a] & limits[b]]
        if not apart:
            continue
        involved = sorted({k for pair in apart for k in pair})
        longest = max(involved, key=lambda k: (max(limits[k]), -k[0], k[1]))
        first = min((mt for mt, days in cells[longest] if days == max(limits[longest])), key=lambda mt: loc_key(mt.loc))
        parts_zh, parts_en, rel = [], [], []
        for k in involved:
            mts = sorted(cells[k], key=lambda x: loc_key(x[0].loc))
            shown = "、".join(dict.fromkeys(as_written_zh(mt.limits.statutory, clk) for mt, _ in mts if mt.limits.statutory))
            shown_en = ", ".join(dict.fromkeys(as_written_en(mt.limits.statutory, clk) for mt, _ in mts if mt.limits.statutory))
            depts = sorted({mt.department for mt, _ in mts if mt.department})
            parts_zh.append(f"{_level_zh(k[0])}（区划 {k[1] or '未写'}，部门{quote_list_zh(depts)}）{shown}")
            parts_en.append(f"{_level_en(k[0])} (region {k[1] or '-'}, departments {', '.join(depts)}) {shown_en}")
            for mt, _ in mts:
                if mt is not first:
                    rel += related(value_loc(mt.limits, "statutory"), f"事项“{mt.id}”的法定时限在这里", f"the statutory limit of matter '{mt.id}' is here")
        out.append(diag(
            "limit-differs-across-levels",
            f"同一目录事项（基本编码“{code}”）在不同层级或地区的法定时限不同：{'；'.join(parts_zh)}。同一事项应同一标准：请统一法定时限，"
            f"或在“分级”中写明法律为何规定不同",
            f"one catalog item (basic code '{code}') has different statutory limits: {'; '.join(parts_en)}. The same matter should have "
            f"the same standard: align the limits, or state in '分级' why the law sets them apart",
            value_loc(first.limits, "statutory"), related=rel,
        ))
    return out


def _level_zh(order: int) -> str:
    return next((m.LEVEL_ZH[lv] for lv, o in m.LEVEL_ORDER.items() if o == order), "未定层级")


def _level_en(order: int) -> str:
    return next((lv for lv, o in m.LEVEL_ORDER.items() if o == order), "unknown level")


# ---------------------------------------------------------------- similar-power-names
SIMILAR = Rule(
    "similar-power-names", "QD107", Severity.warning,
    "同一层级、同一地区的不同部门持有名称相近的权力（可能是同一权力）",
    "Departments at one level and region hold powers whose names are the same words",
    group="authority",
    explanation=(
        "Two departments at the same level and in the same region hold powers whose names are the same "
        "words in a different order (`占用、挖掘城市道路审批` and `城市道路占用、挖掘许可`), or differ only in "
        "the approval verb (审批, 许可, 核准, 审核, 批准, 核发, 许可证). They are probably one power listed "
        "twice under two names, which is how overlapping authority hides from a plain comparison of "
        "names. Names are segmented into words with jieba; 的, 和, 及, 与, 或, 申请, 办理 and punctuation "
        "are ignored, and a verb that jieba keeps inside a word (临时许可) is set aside too. Pairs that `overlapping-authority` already reports (names equal after "
        "normalization) are left to it. The finding is reported once per group, at the last power, with "
        "the others as related locations. A warning: check whether the two are the same, then merge "
        "them or rename one so the difference is plain. A power exercised at several levels (`层级: 省, 市`) "
        "is compared at each of them, and a group is reported once."
    ),
    bad=('权力 城管占道 "占用、挖掘城市道路审批" {\n  部门: 城管局\n  层级: 市\n}\n'
         '权力 交通占道 "城市道路占用、挖掘许可" {\n  部门: 交通局\n  层级: 市\n}\n'),
    good=('权力 城管占道 "占用、挖掘城市道路审批" {\n  部门: 城管局\n  层级: 市\n}\n'
          '权力 交通占道 "占用、挖掘公路许可" {\n  部门: 交通局\n  层级: 市\n}\n'),
)

_VERBS = frozenset({"审批", "许可", "核准", "审核", "批准", "核发", "许可证"})
_VERB_CHARS = frozenset("".join(_VERBS))
_FILLER_WORDS = frozenset({"的", "和", "及", "与", "或", "申请", "办理", "以及"})
_FILLER_CHARS = frozenset("的和及与或")
_NOT_WORD = re.compile(r"^[\W_]+$")


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """jieba's tokenizer, loaded once, on first use (about a second)."""
    import jieba  # on use: loading its dictionary is what costs

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for word in sorted(_VERBS):
        tok.add_word(word, 2000)
    return tok


def _char_key(name: str) -> str:
    """A cheap necessary condition for two names to be the same words: their characters, verbs and fillers aside."""
    return "".join(sorted(ch for ch in plain(name) if ch not in _VERB_CHARS and ch not in _FILLER_CHARS))


_VERBS_LONGEST_FIRST = sorted(_VERBS, key=len, reverse=True)


def _without_verb(word: str) -> str:
    """A word that jieba glued to an approval verb, without it: 临时许可 → 临时."""
    for verb in _VERBS_LONGEST_FIRST:
        if word.endswith(verb) and len(word) > len(verb):
            return word[: -len(verb)]
    return word


def word_key(name: str) -> tuple[str, ...]:
    """The words of a name, approval verbs and fillers dropped, sorted: the same for names that differ only in order or verb."""
    text = unicodedata.normalize("NFKC", name)
    words = [_without_verb(w.strip()) for w in _tokenizer().lcut(text, HMM=False)]
    return tuple(sorted(w for w in words if w and not _NOT_WORD.match(w) and w not in _VERBS and w not in _FILLER_WORDS))


@check(SIMILAR)
def similar_power_names(catalog: Catalog) -> Iterable[Diagnostic]:
    c = catalog.model
    project_region = _region_prefix(c.config.region)
    cells: dict[tuple[str, str, str, str], list[m.Power]] = {}
    for p in c.powers.values():
        if p.status.kind in ("cancel", "merge") or p.department not in c.departments:
            continue
        d = c.departments[p.department]
        region = _region_prefix(d.region) if d.region else project_region
        key = _char_key(p.name)
        if len(key) < 2:
            continue
        levels: list[str] = [*p.levels] or [p.level or d.level or ""]  # a power at several levels is in each level's cell
        for level in levels:
            cells.setdefault((level, region, plain(d.territory or ""), key), []).append(p)
    candidates = [ps for ps in cells.values() if len({p.department for p in ps}) > 1]
    if not candidates:
        return []
    scope = ScopeKeys(c)
    out = []
    reported: set[tuple[str, ...]] = set()  # powers sharing several levels are reported once
    for ps in candidates:
        by_words: dict[tuple[str, ...], list[m.Power]] = {}
        for p in ps:
            words = word_key(p.name)
            if words:
                by_words.setdefault(words, []).append(p)
        for group in by_words.values():
            group.sort(key=lambda p: loc_key(p.loc))
            # one representative per scope: equal scopes are overlapping-authority's findings
            scopes: dict[str, m.Power] = {}
            for p in group:
                scopes.setdefault(scope.key(p.name, p.department), p)
            kept = sorted(scopes.values(), key=lambda p: loc_key(p.loc))
            if len({p.department for p in kept}) < 2 or tuple(p.id for p in kept) in reported:
                continue
            reported.add(tuple(p.id for p in kept))
            last = kept[-1]
            others = kept[:-1]
            names_zh = "、".join(f"“{p.name}”（权力“{p.id}”，部门{dept_zh(c, p.department)}）" for p in kept)
            names_en = ", ".join(f"'{p.name}' (power '{p.id}', department {dept_en(p.department)})" for p in kept)
            rel = []
            for p in others:
                rel += related(p.loc, f"权力“{p.id}”（“{p.name}”，部门{dept_zh(c, p.department)}）在这里定义",
                               f"power '{p.id}' ('{p.name}', department {dept_en(p.department)}) is defined here")
            out.append(diag(
                "similar-power-names",
                f"同一层级、同一地区的不同部门持有名称相近的权力：{names_zh}，它们由相同的词组成（只是顺序或审批用语不同），"
                f"可能是同一权力列了两次；请核实后合并，或改名写明区别",
                f"departments at the same level and region hold powers made of the same words (only the order or the approval verb "
                f"differs): {names_en}; they may be one power listed twice: merge them, or rename one to make the difference plain",
                last.loc, related=rel,
            ))
    return out

