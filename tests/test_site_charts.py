"""The home page's reform indicators as Mermaid charts (qingdan/generators/site/mermaid.py: reform_charts).

The browser test (test_site_browser.py) checks that they render as SVG; here: the numbers in
each chart are the catalog's, a chart with nothing to show is left out, and the home page
carries them next to the indicator table.
"""

from __future__ import annotations

import re
from fractions import Fraction

from conftest import REPO, run_cli

from qingdan.compiler import compile as compile_project
from qingdan.generators.site.figures import ReformFigures, overview
from qingdan.generators.site.mermaid import reform_charts

FIXTURE = REPO / "tests" / "fixtures" / "site"


def _bars(chart: str) -> list[str]:
    return re.search(r"bar \[(.*)\]", chart).group(1).split(", ")


def test_charts_carry_the_catalog_figures():
    catalog = compile_project(FIXTURE).catalog
    fig = overview(catalog).reform
    matters = list(catalog.model.matters.values())
    assert fig.matters == len(matters)
    assert fig.visits["0"] == sum(1 for mt in matters if mt.visits == 0)
    assert sum(fig.visits.values()) == len(matters)
    charts = {c["title"]: c["chart"] for c in reform_charts(fig)}
    bars = charts["改革指标（%）"]
    assert bars.startswith("xychart-beta\n") and "#37;" in bars and "%" not in bars  # a bare % could start a Mermaid directive
    assert _bars(bars)[0] == f"{round(fig.visits['0'] * 100 / fig.matters, 1):g}"
    pie = charts["事项到现场次数"]
    assert pie.startswith("pie showData\n")
    for label, n in re.findall(r'"([^"]+)" : (\d+)', pie):
        assert int(n) > 0, label
    assert sum(int(n) for n in re.findall(r" : (\d+)", pie)) == len(matters)
    sources = charts["申请材料来源"]
    assert sum(int(n) for n in re.findall(r" : (\d+)", sources)) == fig.materials


def test_no_chart_without_figures():
    empty = ReformFigures(matters=0, visits={"0": 0, "1": 0, "2+": 0, "unknown": 0}, materials=0, shared=0,
                          avg_promised=None, avg_statutory=None, cut=None)
    assert reform_charts(empty) == []
    only_days = ReformFigures(matters=2, visits={"0": 0, "1": 0, "2+": 0, "unknown": 2}, materials=0, shared=0,
                              avg_promised=Fraction(5, 2), avg_statutory=None, cut=None)
    titles = [c["title"] for c in reform_charts(only_days)]
    assert titles == ["改革指标（%）", "事项到现场次数", "平均办结时限（工作日）"]
    days = reform_charts(only_days)[-1]["chart"]
    assert _bars(days) == ["2.5"] and '"平均承诺时限"' in days


def test_home_page_has_the_charts_beside_the_table(tmp_path):
    r = run_cli("site", FIXTURE, "--out", tmp_path / "s", "-q")
    assert r.code == 0, r.output
    home = (tmp_path / "s" / "docs" / "index.md").read_text(encoding="utf-8")
    section = home.split("## 改革指标", 1)[1].split("\n## ", 1)[0]
    assert "| 零跑动事项占比 |" in section
    fences = re.findall(r"```mermaid\n(.*?)```", section, re.S)
    assert [f.split("\n")[0] for f in fences] == ["xychart-beta", "pie showData", "pie showData", "xychart-beta"]
    assert "&gt;" not in section and "\\[" not in section  # the chart text is not escaped as Markdown
