"""Properties of diff on versions of examples/city made by random reform edits (hypothesis).

- ``diff X X`` reports nothing, and every indicator is unchanged;
- ``diff A B`` and ``diff B A`` are mirror images (added and removed swap, old and new swap);
- indicators compose where their definition makes them composable: the rates of a figure
  of each catalog multiply (``1 − r(A→C) = (1 − r(A→B))·(1 − r(B→C))``), the shares add up.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from diff_support import CITY
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from qingdan.changes.report import compare
from qingdan.compiler import CompileOptions, compile

BASE = {p.relative_to(CITY).as_posix(): p.read_text(encoding="utf-8") for p in sorted(CITY.glob("*")) if p.suffix in (".qd", ".toml")}
OPTIONS = CompileOptions(checks=False)


def _nth(sources: dict[str, str], pattern: str, k: int) -> tuple[str, re.Match[str]] | None:
    hits = [(name, mt) for name in sorted(sources) for mt in re.finditer(pattern, sources[name], re.M)]
    return hits[k % len(hits)] if hits else None


def _sub(sources: dict[str, str], pattern: str, k: int, make) -> None:
    found = _nth(sources, pattern, k)
    if found:
        name, mt = found
        text = sources[name]
        sources[name] = text[:mt.start()] + make(mt) + text[mt.end():]


EDITS = {
    "promised": (r"承诺: (\d+) 工作日", lambda mt, v: f"承诺: {1 + v % 12} 工作日"),
    "visits": (r"到场: (\d+) 次", lambda mt, v: f"到场: {v % 3} 次"),
    "share": (r'^(  材料 \S+ "[^"\n]*")$', lambda mt, v: mt.group(1) + " { 来源: 签发(公安局) }"),
    "status": (r"状态: 保留", lambda mt, v: ["状态: 取消", "状态: 下放(县)", "状态: 合并(企业登记权)"][v % 3]),
    "rename": (r'^(事项 \S+ )"([^"\n]*)"', lambda mt, v: f'{mt.group(1)}"{mt.group(2)}（{v}）"'),
    "remove_step": (r"^  步骤 [^\n]*\n", lambda mt, v: ""),
    "remove_matter": (r'^事项 \S+ "[^\n]*\{\n(?:.*\n)*?\}\n', lambda mt, v: ""),
}

edit = st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 200), st.integers(0, 50))
version = st.lists(edit, max_size=5)


def build(edits) -> object:
    sources = dict(BASE)
    for kind, k, v in edits:
        pattern, make = EDITS[kind]
        _sub(sources, pattern, k, lambda mt, make=make, v=v: make(mt, v))
    return compile(sources, OPTIONS).catalog


def _norm(change) -> tuple:
    parts = tuple(sorted((p.part, p.kind, p.key, p.name, p.fields) for p in change.parts))
    return (change.table, change.kind, change.old_id, change.new_id, change.old_name, change.new_name, change.fields, parts)


# No shrinking: each example compiles up to three catalogs, and shrinking one takes minutes.
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    phases=(Phase.explicit, Phase.reuse, Phase.generate))


@SETTINGS
@given(version)
def test_a_version_against_itself_reports_nothing(edits):
    x = build(edits)
    r = compare(x, x)
    assert r.diff.empty
    for ind in r.indicators:
        assert ind.rate in (0, None) and ind.change in (0, None) and ind.count in (0, None)


@SETTINGS
@given(version, version)
def test_a_to_b_mirrors_b_to_a(edits_a, edits_b):
    a, b = build(edits_a), build(edits_b)
    ab, ba = compare(a, b), compare(b, a)
    assert Counter(_norm(c) for c in ab.diff.changes) == Counter(_norm(c.mirrored()) for c in ba.diff.changes)
    for x, y in zip(ab.indicators, ba.indicators):
        assert (x.before, x.after) == (y.after, y.before)
        if x.composable == "sum" and x.change is not None:
            assert x.change == -y.change
        if x.composable == "product" and x.rate is not None and y.rate is not None:
            assert (1 - x.rate) * (1 - y.rate) == 1


@SETTINGS
@given(version, version, version)
def test_indicators_compose(edits_a, edits_b, edits_c):
    a, b, c = build(edits_a), build(edits_b), build(edits_c)
    ab, bc, ac = compare(a, b), compare(b, c), compare(a, c)
    for x, y, z in zip(ab.indicators, bc.indicators, ac.indicators):
        assert (x.before, y.after) == (z.before, z.after)
        if x.composable == "product" and None not in (x.rate, y.rate, z.rate):
            assert 1 - z.rate == (1 - x.rate) * (1 - y.rate), x.key
        if x.composable == "sum" and None not in (x.change, y.change, z.change):
            assert z.change == x.change + y.change, x.key


def test_the_edits_do_change_the_catalog():
    """The strategies are not vacuous: every kind of edit is seen by diff."""
    base = build([])
    for kind in EDITS:
        assert not compare(base, build([(kind, 3, 7)])).diff.empty, kind


def test_the_sources_are_the_city_example():
    assert "qingdan.toml" in BASE and len([n for n in BASE if n.endswith(".qd")]) >= 10
    assert Path(CITY).is_dir()
