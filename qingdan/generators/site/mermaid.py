"""Mermaid diagrams for the site: a matter's steps, a journey's matters in stages with the
critical path in red, and the home page's reform indicators as charts (``xychart-beta``
bars and ``pie``, drawn offline by the bundled Mermaid); ``mermaid_text`` makes any name
safe inside a label."""

from __future__ import annotations

from ...compiler import Catalog
from ...compiler import model as m
from ...compiler.journeys import JourneyFigures
from .. import describe as d
from ..guides import journey_stages
from .figures import ReformFigures, days_text

CRITICAL_COLOR = "#c62828"


_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "%": "#37;", "`": "#96;"}


def mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: entity codes for the characters Mermaid
    reads there (``"`` ends the label, ``#…;`` is an entity, ``%%{…}%%`` a directive
    anywhere in the diagram, a backtick right after the quote a Markdown string, ``< > &``
    HTML), a space for line breaks and U+FFFD for other control characters."""
    out = []
    for ch in str(text):
        if ch in _MERMAID_ENTITIES:
            out.append(_MERMAID_ENTITIES[ch])
        elif ch in "\r\n":
            out.append(" ")
        elif ch < " " or ch == "\x7f":
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def _label(*lines: str) -> str:
    return '"' + "<br/>".join(mermaid_text(x) for x in lines if x) + '"'


def matter_flowchart(catalog: Catalog, mt: m.Matter) -> str:
    """The matter's steps as a Mermaid flowchart: 申请 → each step → 办结."""
    lines = ["flowchart LR", f"  start([{_label('申请')}])"]
    nodes = []
    if mt.steps:
        for i, s in enumerate(mt.steps, 1):
            nodes.append(f"s{i}")
            took = d.duration_text(s.duration) if s.duration else ""
            if s.outside_limit:
                took = f"{took}（特别程序，不计时限）" if took else "特别程序，不计时限"
            lines.append(f"  s{i}[{_label(s.name, catalog.department_name(s.department), took)}]")
    else:
        nodes.append("s1")
        lines.append(f"  s1[{_label('办理', catalog.department_name(mt.department))}]")
    result = mt.result.name if mt.result else ""
    lines.append(f"  done([{_label('办结', result, d.limit_short_text(mt.limits))}])")
    chain = ["start", *nodes, "done"]
    lines.append("  " + " --> ".join(chain))
    return "\n".join(lines) + "\n"


def journey_flowchart(catalog: Catalog, jid: str, fig: JourneyFigures) -> str:
    """A journey's matters as a Mermaid flowchart: stages in parallel, order as arrows,
    the critical path in red."""
    j = catalog.journeys[jid]
    members = list(fig.matters)
    ids = {mid: f"m{i}" for i, mid in enumerate(members, 1)}
    times = {t.matter: t for t in fig.matter_times}
    critical = [mid for mid in fig.critical_path if mid in ids]
    crit_edges = set(zip(critical, critical[1:]))
    lines = ["flowchart LR", f"  start([{_label('申请')}])"]
    stages = [[mid for mid in stage if mid in ids] for stage in journey_stages(j)]
    stages = [s for s in stages if s]
    for n, stage in enumerate(stages, 1):
        title = f"第 {n} 阶段（{'并联办理' if len(stage) > 1 else '单项办理'}）"
        lines.append(f"  subgraph stage{n}[{_label(title)}]")
        for mid in stage:
            mt = catalog.matter(mid)
            t = times.get(mid)
            days = f"{days_text(t.working_days)} 个工作日" if t and t.working_days is not None else "时限未注明"
            lines.append(f"    {ids[mid]}[{_label(mt.name, catalog.department_name(mt.department), days)}]")
        lines.append("  end")
    lines.append(f"  done([{_label('办结', '关键路径 ' + days_text(fig.critical_days) + ' 个工作日' if fig.critical_days is not None else '')}])")
    edges: list[tuple[str, str, bool]] = []
    preds: dict[str, set[str]] = {mid: set() for mid in members}
    succs: dict[str, set[str]] = {mid: set() for mid in members}
    seen: set[tuple[str, str]] = set()
    for dep in j.order:
        if dep.before in ids and dep.after in ids and (dep.before, dep.after) not in seen:
            seen.add((dep.before, dep.after))
            preds[dep.after].add(dep.before)
            succs[dep.before].add(dep.after)
    for mid in members:
        if not preds[mid]:
            edges.append(("start", ids[mid], bool(critical) and mid == critical[0]))
    for before, after in sorted(seen, key=lambda e: (members.index(e[0]), members.index(e[1]))):
        edges.append((ids[before], ids[after], (before, after) in crit_edges))
    for mid in members:
        if not succs[mid]:
            edges.append((ids[mid], "done", bool(critical) and mid == critical[-1]))
    for a, b, crit in edges:
        lines.append(f"  {a} {'==>' if crit else '-->'} {b}")
    lines.append(f"  classDef critical fill:#ffebee,stroke:{CRITICAL_COLOR},stroke-width:3px,color:#000")
    if critical:
        lines.append("  class " + ",".join(ids[mid] for mid in critical) + " critical")
        crit_idx = [str(i) for i, (_, _, crit) in enumerate(edges) if crit]
        if crit_idx:
            lines.append(f"  linkStyle {','.join(crit_idx)} stroke:{CRITICAL_COLOR},stroke-width:3px")
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _bar_chart(title: str, labels: list[str], values: list[float], y_title: str, y_max: float) -> str:
    return "\n".join([
        "xychart-beta",
        f'  title "{mermaid_text(title)}"',
        "  x-axis [" + ", ".join(f'"{mermaid_text(x)}"' for x in labels) + "]",
        f'  y-axis "{mermaid_text(y_title)}" 0 --> {_number(y_max)}',
        "  bar [" + ", ".join(_number(v) for v in values) + "]",
    ]) + "\n"


def _pie_chart(title: str, slices: list[tuple[str, int]]) -> str:
    lines = ["pie showData", f"  title {mermaid_text(title)}"]
    lines += [f'  "{mermaid_text(label)}" : {n}' for label, n in slices if n > 0]
    return "\n".join(lines) + "\n"


def reform_charts(fig: ReformFigures) -> list[dict[str, str]]:
    """The reform indicators as Mermaid charts ({title, chart}), leaving out a chart with nothing to show."""
    charts = []
    shares = [("零跑动事项", fig.percent(fig.visits["0"], fig.matters)),
              ("最多跑一次事项", fig.percent(fig.visits["0"] + fig.visits["1"], fig.matters)),
              ("数据共享获取材料", fig.percent(fig.shared, fig.materials)),
              ("承诺时限较法定压缩", round(float(fig.cut) * 100, 1) if fig.cut is not None else None)]
    shown = [(name, value) for name, value in shares if value is not None]
    if shown:
        title = "改革指标（%）"
        charts.append({"title": title, "chart": _bar_chart(title, [n for n, _ in shown], [v for _, v in shown], "占比（%）", 100)})
    if fig.matters:
        title = "事项到现场次数"
        charts.append({"title": title, "chart": _pie_chart(title, [
            ("0 次（零跑动）", fig.visits["0"]), ("1 次", fig.visits["1"]), ("2 次及以上", fig.visits["2+"]), ("未注明", fig.visits["unknown"])])})
    if fig.materials:
        title = "申请材料来源"
        charts.append({"title": title, "chart": _pie_chart(title, [
            ("申请人提交", fig.materials - fig.shared), ("数据共享获取，免提交", fig.shared)])})
    days = [(name, value) for name, value in (("平均承诺时限", fig.avg_promised), ("平均法定时限", fig.avg_statutory)) if value is not None]
    if days:
        title = "平均办结时限（工作日）"
        values = [round(float(v), 1) for _, v in days]
        top = max(values)
        charts.append({"title": title, "chart": _bar_chart(title, [n for n, _ in days], values, "工作日", max(1, top + top / 10))})
    return charts
