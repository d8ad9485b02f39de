"""Effective dates and the as-of date: what is in force on a day, for check, build, eval, test, journey and site.

生效 is the first day in force and 失效 the last (both inclusive). Every boundary is tried
the day before, on and after it. The checks matter-without-live-power and
effective-dates-invalid, and negative-list-unimplemented's dead matters, are tested here;
their docs examples in test_rule_examples.py and their planted defects in
test_checks_defects.py.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from checks_support import BASE, TOML, found, journey, matter, places, power, semantic, where
from conftest import run_cli, write_project
from test_fastparse import dump

from qingdan.compiler import CompileOptions
from qingdan.compiler import compile as compile_project
from qingdan.dsl import fastparse, parser
from qingdan.dsl.formatter import format_source
from qingdan.dsl.normalize import normalize_source

D = date.fromisoformat

# A power in force 2024-01-01 … 2025-12-31, its matter (no dates of its own), a responsibility and
# a licensed negative-list entry with the same dates, and a second matter in force from 2026-01-01.
DATED = (
    power("旧权", "甲局", "旧许可", fields="  生效: 2024-01-01\n  失效: 2025-12-31\n", responsibility=False)
    + "责任 旧权责任 {\n  权力: 旧权\n  监管部门: 甲局\n  生效: 2024-01-01\n  失效: 2025-12-31\n}\n\n"
    + matter("旧事项", "甲局", "旧许可", power_id="旧权", fields="  生效: 2024-01-01\n  失效: 2025-12-31\n")
    + '负面清单 N1 "未获许可不得从事某经营" {\n  类型: 许可\n  主管部门: 甲局\n  实施: 旧事项\n'
      "  生效: 2024-01-01\n  失效: 2025-12-31\n}\n\n"
    + matter("新事项", "甲局", "新许可", fields="  生效: 2026-01-01\n")
)

BOUNDARIES = [
    ("2023-12-31", set(), {"新事项"}),
    ("2024-01-01", {"旧事项"}, set()),
    ("2024-01-02", {"旧事项"}, set()),
    ("2025-12-30", {"旧事项"}, set()),
    ("2025-12-31", {"旧事项"}, set()),
    ("2026-01-01", {"新事项"}, {"旧事项"}),
]


def _compile(tmp_path, snippet: str, as_of: str | None = None, toml: str = TOML):
    (tmp_path / "qingdan.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "base.qd").write_text(BASE, encoding="utf-8")
    (tmp_path / "a.qd").write_text(snippet, encoding="utf-8")
    return compile_project(tmp_path, CompileOptions(as_of=D(as_of) if as_of else None))


# ---------------------------------------------------------------- what the Catalog holds
@pytest.mark.parametrize(("as_of", "matters", "_"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_the_catalog_holds_what_is_in_force_on_the_as_of_date(tmp_path, as_of, matters, _):
    catalog = _compile(tmp_path, DATED, as_of).catalog
    assert catalog.as_of == D(as_of)
    assert set(catalog.matters) == matters
    old_in_force = "旧事项" in matters
    assert ("旧权" in catalog.powers) == old_in_force and ("旧权" in catalog.left_out.powers) != old_in_force
    assert ("旧权责任" in catalog.responsibilities) == old_in_force
    assert ("N1" in catalog.negatives) == old_in_force
    assert set(catalog.matters) | set(catalog.left_out.matters) == {"旧事项", "新事项"}
    assert {r.matter for r in catalog.results.values()} <= set(catalog.matters)


def test_without_a_date_nothing_is_left_out(tmp_path):
    catalog = _compile(tmp_path, DATED).catalog
    assert catalog.as_of is None and set(catalog.matters) == {"旧事项", "新事项"} and not catalog.left_out.matters


def test_the_project_date_is_the_default_and_as_of_overrides_it(tmp_path):
    toml = TOML + 'date = "2025-06-01"\n'
    assert set(_compile(tmp_path, DATED, toml=toml).catalog.matters) == {"旧事项"}
    assert set(_compile(tmp_path, DATED, "2026-06-01", toml=toml).catalog.matters) == {"新事项"}


def test_a_project_date_that_is_not_a_date_is_a_config_error(tmp_path):
    r = _compile(tmp_path, DATED, toml=TOML + 'date = "2026-13-01"\n')
    assert [d.rule for d in r.diagnostics] == ["config-error"]
    assert r.diagnostics[0].loc.line == 5 and "2026-11-01" in r.diagnostics[0].message_zh
    assert r.catalog.as_of is None
    bare = _compile(tmp_path, DATED, toml=TOML + "date = 2025-06-01\n")  # a TOML date, unquoted
    assert bare.diagnostics == [] and bare.catalog.as_of == D("2025-06-01") and bare.config.date == "2025-06-01"


# ---------------------------------------------------------------- matter-without-live-power
def _live_power_case(power_dates: str, matter_dates: str = "") -> str:
    return (power("权", "甲局", "某许可", fields=power_dates)
            + matter("事", "甲局", "某许可", power_id="权", fields=matter_dates))


@pytest.mark.parametrize(("as_of", "reported"), [("2025-12-30", False), ("2025-12-31", False), ("2026-01-01", True)])
def test_a_matter_outliving_its_power_is_reported_from_the_day_after_its_end(tmp_path, as_of, reported):
    src = _live_power_case("  失效: 2025-12-31\n")
    r = _compile(tmp_path, src, as_of)
    if not reported:
        assert semantic(r) == []
        return
    line, col = after(src, "事项 事", "权力: 权")
    assert places(r, "matter-without-live-power") == [("a.qd", line, col + 4)]
    d = found(r, "matter-without-live-power")[0]
    assert "2025-12-31" in d.message_zh and "2026-01-01" in d.message_zh and "through 2025-12-31" in d.message_en
    assert d.related[0].loc.line == where(src, "失效: 2025-12-31")[0]
    assert semantic(r) == found(r, "matter-without-live-power"), "a matter of a power left out is no unknown reference"


@pytest.mark.parametrize(("as_of", "reported"), [("2025-12-31", True), ("2026-01-01", False), ("2026-01-02", False)])
def test_a_matter_before_its_power_comes_into_force_is_reported(tmp_path, as_of, reported):
    r = _compile(tmp_path, _live_power_case("  生效: 2026-01-01\n"), as_of)
    assert [d.rule for d in semantic(r)] == (["matter-without-live-power"] if reported else [])
    if reported:
        assert "到 2026-01-01 才生效" in semantic(r)[0].message_zh


def test_a_matter_that_ends_with_its_power_is_fine(tmp_path):
    assert semantic(_compile(tmp_path, _live_power_case("  失效: 2025-12-31\n", "  失效: 2025-12-31\n"), "2026-01-01")) == []


def test_merged_cancelled_and_transferred_powers(tmp_path):
    src = (power("新权", "甲局", "合并后许可") + power("并入权", "甲局", "被合并许可", fields="  状态: 合并(新权)\n", responsibility=False)
           + matter("并入事项", "甲局", "被合并许可", power_id="并入权")
           + power("废权", "甲局", "已取消许可", fields="  状态: 取消\n", responsibility=False)
           + matter("废事项", "甲局", "已取消许可", power_id="废权")
           + power("转权", "甲局", "划转许可", fields="  状态: 划转(乙局)\n")
           + matter("转事项", "甲局", "划转许可", power_id="转权"))
    r = _compile(tmp_path, src)
    assert places(r, "matter-without-live-power") == sorted(
        [("a.qd", *_shift(where(src, "权力: 并入权"))), ("a.qd", *_shift(where(src, "权力: 废权"))),
         ("a.qd", *_shift(after(src, "事项 转事项", "部门: 甲局")))])
    merged = next(d for d in found(r, "matter-without-live-power") if "合并" in d.message_zh)
    assert merged.suggestion == "新权"
    assert found(r, "approval-outside-list") == []


def after(text: str, anchor: str, needle: str) -> tuple[int, int]:
    """(line, column) of the first ``needle`` after ``anchor``."""
    return where(text, needle, text[:text.index(anchor)].count(needle) + 1)


def _shift(place: tuple[int, int]) -> tuple[int, int]:
    return place[0], place[1] + 4  # from the field's key to its value


# ---------------------------------------------------------------- negative-list-unimplemented with dead matters
@pytest.mark.parametrize(("as_of", "reported"), [("2025-12-31", False), ("2026-01-01", True)])
def test_a_licensed_entry_whose_every_matter_is_dead_is_unimplemented(tmp_path, as_of, reported):
    src = (_live_power_case("  失效: 2025-12-31\n")
           + '负面清单 N2 "未获许可不得从事某经营" {\n  类型: 许可\n  主管部门: 甲局\n  实施: 事\n}\n\n'
           + '负面清单 N3 "未获许可不得从事另一经营" {\n  类型: 许可\n  主管部门: 甲局\n  活动: "另一经营"\n}\n\n')
    src = src.replace("  部门: 甲局\n  依据: 示例法.第二条\n", '  部门: 甲局\n  依据: 示例法.第二条\n  活动: "另一经营"\n')
    r = _compile(tmp_path, src, as_of)
    expected = sorted([("a.qd", *_shift(where(src, "实施: 事"))), ("a.qd", *where(src, "N3"))]) if reported else []
    assert places(r, "negative-list-unimplemented") == expected
    if reported:
        named = next(d for d in found(r, "negative-list-unimplemented") if "N2" in d.message_zh)
        assert "“事”" in named.message_zh and "事" in named.related[0].message("en")


def test_a_licensed_entry_naming_a_matter_left_out_is_unimplemented(tmp_path):
    src = (matter("旧", "甲局", "旧许可", fields="  失效: 2025-12-31\n")
           + '负面清单 N2 "未获许可不得从事某经营" {\n  类型: 许可\n  主管部门: 甲局\n  实施: 旧\n}\n\n')
    assert [d.rule for d in semantic(_compile(tmp_path, src, "2026-01-01"))] == ["negative-list-unimplemented"]
    assert semantic(_compile(tmp_path, src, "2025-12-31")) == []
    with_live = src.replace("实施: 旧", "实施: 旧, 新") + matter("新", "甲局", "新许可")
    assert semantic(_compile(tmp_path, with_live, "2026-01-01")) == []


# ---------------------------------------------------------------- effective-dates-invalid
@pytest.mark.parametrize("kind", ["power", "matter", "responsibility", "negative"])
def test_an_end_before_the_start_is_reported_whatever_the_as_of_date(tmp_path, kind):
    dates = "  生效: 2025-01-01\n  失效: 2024-12-31\n"
    src = {
        "power": power("权", "甲局", fields=dates),
        "matter": matter("事", "甲局", fields=dates),
        "responsibility": power("权", "甲局", responsibility=False) + f"责任 权责任 {{\n  权力: 权\n  监管部门: 甲局\n{dates}}}\n",
        "negative": matter("事") + f'负面清单 N1 "某" {{\n  类型: 许可\n  主管部门: 甲局\n  实施: 事\n{dates}}}\n',
    }[kind]
    for as_of in (None, "2024-12-31", "2025-01-01"):
        r = _compile(tmp_path, src, as_of)
        assert places(r, "effective-dates-invalid") == [("a.qd", *_shift(where(src, "失效: 2024-12-31")))], (kind, as_of)
    same_day = src.replace("失效: 2024-12-31", "失效: 2025-01-01")
    assert found(_compile(tmp_path, same_day, "2025-01-01"), "effective-dates-invalid") == []


def test_a_matter_whose_dates_reach_outside_its_power(tmp_path):
    src = (power("权", "甲局", "某许可", fields="  生效: 2024-01-01\n  失效: 2030-12-31\n")
           + matter("早", "甲局", "早许可", power_id="权", fields="  生效: 2023-12-31\n")
           + matter("晚", "甲局", "晚许可", power_id="权", fields="  失效: 2031-01-01\n")
           + matter("齐", "甲局", "齐许可", power_id="权", fields="  生效: 2024-01-01\n  失效: 2030-12-31\n")
           + matter("无", "甲局", "无日期许可", power_id="权"))
    for as_of in (None, "2026-01-01"):
        r = _compile(tmp_path, src, as_of)
        assert places(r, "effective-dates-invalid") == [("a.qd", *_shift(where(src, "生效: 2023-12-31"))),
                                                        ("a.qd", *_shift(where(src, "失效: 2031-01-01")))]
    early = next(d for d in found(r, "effective-dates-invalid") if "早" in d.message_zh)
    assert "2024-01-01" in early.message_zh and early.related[0].loc.line == where(src, "生效: 2024-01-01")[0]


def test_a_journey_or_material_naming_a_matter_left_out(tmp_path):
    src = (matter("旧登记", "甲局", "旧登记", fields="  失效: 2025-12-31\n", body='  结果 旧证 "旧证"\n')
           + matter("新许可", "甲局", "新许可", body='  材料 证 "旧证" { 来源: 产出(旧证) }\n')
           + journey("开办", ["旧登记", "新许可"]))
    assert found(_compile(tmp_path, src, "2025-12-31"), "effective-dates-invalid") == []
    r = _compile(tmp_path, src, "2026-01-01")
    assert places(r, "effective-dates-invalid") == [("a.qd", *_shift(where(src, "来源: 产出(旧证)"))),
                                                    ("a.qd", *_shift(where(src, "事项: 旧登记")))]
    assert {d.rule for d in semantic(r)} == {"effective-dates-invalid"}, "no unknown reference, no crash in the journey figures"
    assert r.catalog.journey_figures("开办").matters == ["新许可"]


# ---------------------------------------------------------------- the language: both parsers, the formatter
def test_dates_on_responsibilities_and_negative_entries_parse_alike_and_format_round_trip(tmp_path):
    src = ("责任 某责任 {\n  权力: 某权\n  生效: 2024-01-01\n  失效: 2030-12-31\n}\n\n"
           '负面清单 N1 "某" {\n  类型: 许可\n  effective_from: 2024-01-01\n  effective_to: 2030-12-31\n}\n')
    norm = normalize_source(src)
    assert dump(fastparse.parse_items(norm)) == dump(parser._parser().parse(norm))
    formatted = format_source(src)
    assert format_source(formatted) == formatted
    english = format_source(src, keywords="en")
    assert "effective_from: 2024-01-01" in english and "生效" not in english
    chinese = format_source(english, keywords="zh")
    assert "生效: 2024-01-01" in chinese and "effective_to" not in chinese
    models = []
    for text in (src, english, chinese):
        model = compile_project({"a.qd": power("某权", "甲局") + text, "base.qd": BASE}).catalog.model
        r, n = model.responsibilities["某责任"], model.negatives["N1"]
        models.append((r.effective_from, r.effective_to, n.effective_from, n.effective_to))
    assert models == [(D("2024-01-01"), D("2030-12-31"))  * 2] * 3


# ---------------------------------------------------------------- the commands
CLI_TOML = '[project]\nname = "日期测试"\nregion = "330100"\nlevel = "市"\nversion = "1"\ndate = "2025-06-01"\n'
CLI_FILES = {
    "base.qd": BASE,
    "a.qd": (power("旧权", "甲局", "旧许可", fields="  失效: 2025-12-31\n")
             + matter("旧事项", "甲局", "旧许可", power_id="旧权", fields="  失效: 2025-12-31\n",
                      body='  事实 面积 "面积": 数字\n  条件 够大 "面积够大" { 当: 面积 >= 20; 依据: 示例法.第三条 }\n')
             + power("新权", "甲局", "新许可", fields="  生效: 2026-01-01\n")
             + matter("新事项", "甲局", "新许可", power_id="新权", fields="  生效: 2026-01-01\n")
             + journey("一件", ["旧事项"])),
}


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path / "p", CLI_FILES, CLI_TOML)


@pytest.mark.parametrize(("as_of", "code"), [(None, 0), ("2025-12-31", 0), ("2026-01-01", 1)])
def test_check_as_of(project, as_of, code):
    r = run_cli("check", project, "--format", "json", *(["--as-of", as_of] if as_of else []))
    assert r.code == code, r.output
    rules = [d["rule"] for d in json.loads(r.out)["diagnostics"]]
    assert rules == ([] if code == 0 else ["effective-dates-invalid"]), "the journey still names the old matter"


def test_a_bad_as_of_is_a_usage_error(project):
    for bad in ("2026-02-30", "明天", "2026/01/01"):
        r = run_cli("check", project, "--as-of", bad)
        assert r.code == 2 and "YYYY-MM-DD" in r.err and "Traceback" not in r.output
    assert run_cli("check", project, "--as-of", "２０２５-１２-３１").code == 0, "full-width digits are a date too"


@pytest.mark.parametrize(("as_of", "matters"), [("2025-12-31", ["旧事项"]), ("2026-01-01", ["新事项"])])
def test_build_as_of(project, tmp_path, as_of, matters):
    src = project / "a.qd"
    src.write_text(src.read_text(encoding="utf-8").replace("一件事", "# 一件事").replace("  事项: 旧事项\n}", "#"), encoding="utf-8")
    out = tmp_path / "out"
    r = run_cli("build", project, "--out", out, "--no-site", "--quiet", "--as-of", as_of)
    assert r.code == 0, r.output
    doc = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    assert doc["as_of"] == as_of and doc["date"] == "2025-06-01" and sorted(doc["matters"]) == matters
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["as_of"] == as_of
    guides = sorted((out / "guides" / "matters").glob("*.md"))
    assert len(guides) == 1 and f"按 {as_of} 现行有效的规定编制" in guides[0].read_text(encoding="utf-8")
    power_list = (out / "lists" / "power-list.csv").read_text(encoding="utf-8-sig")
    assert ("旧许可" in power_list) == (as_of == "2025-12-31") and ("新许可" in power_list) == (as_of != "2025-12-31")
    # the lists say which day they describe: the JSON's as_of, the workbook's description
    assert json.loads((out / "lists" / "power-list.json").read_text(encoding="utf-8"))["as_of"] == as_of
    from openpyxl import load_workbook

    assert as_of in load_workbook(out / "lists" / "power-list.xlsx").properties.description


@pytest.mark.parametrize(("as_of", "code"), [(None, 0), ("2025-12-31", 0), ("2026-01-01", 2)])
def test_eval_as_of(project, tmp_path, as_of, code):
    facts = tmp_path / "facts.json"
    facts.write_text('{"面积": 30}', encoding="utf-8")
    r = run_cli("eval", project, "旧事项", "--facts", facts, *(["--as-of", as_of] if as_of else []))
    assert r.code == code, r.output
    if code == 2:
        assert "不在有效期内" in r.err and "2026-01-01" in r.err and "失效 2025-12-31" in r.err
    else:
        assert "符合" in r.out


def test_test_and_journey_as_of(project):
    (project / "cases.test.yaml").write_text("- name: 面积够大\n  matter: 旧事项\n  facts: {面积: 30}\n  expect: {eligible: 是}\n",
                                            encoding="utf-8")
    assert run_cli("test", project, "--as-of", "2025-12-31").code == 0
    r = run_cli("test", project, "--as-of", "2026-01-01")
    assert r.code == 1 and "不在有效期内" in r.output
    assert json.loads(run_cli("journey", project, "一件", "--format", "json", "--as-of", "2025-12-31").out)["matters"] == ["旧事项"]
    assert json.loads(run_cli("journey", project, "一件", "--format", "json", "--as-of", "2026-01-01").out)["matters"] == []


def test_graph_as_of(project):
    def matters(as_of: str) -> set[str]:
        r = run_cli("graph", project, "--as-of", as_of)
        assert r.code == 0, r.output
        return {n["id"] for n in json.loads(r.out)["nodes"] if n.get("kind") == "matter"}

    assert "matter:旧事项" in matters("2025-12-31") and "matter:旧事项" not in matters("2026-01-01")


@pytest.mark.parametrize(("as_of", "matter_page"), [("2025-12-31", "旧许可"), ("2026-01-01", "新许可")])
def test_site_as_of(project, tmp_path, as_of, matter_page):
    src = project / "a.qd"
    src.write_text(src.read_text(encoding="utf-8").replace("  事项: 旧事项\n", "  事项: 旧事项, 新事项\n"), encoding="utf-8")
    out = tmp_path / "site"
    r = run_cli("site", project, "--out", out, "--quiet", "--as-of", as_of)
    assert r.code == 1 and "effective-dates-invalid" in r.output  # the journey names a matter out of force either way
    src.write_text(src.read_text(encoding="utf-8").replace("  事项: 旧事项, 新事项\n", f"  事项: {'旧事项' if as_of < '2026' else '新事项'}\n"),
                   encoding="utf-8")
    r = run_cli("site", project, "--out", out, "--quiet", "--as-of", as_of, *(["--build"] if as_of == "2026-01-01" else []))
    assert r.code == 0, r.output
    home = (out / "docs" / "index.md").read_text(encoding="utf-8")
    assert f"收录 {as_of} 现行有效的规定" in home and "发布日期 2025-06-01" in home
    pages = " ".join(p.read_text(encoding="utf-8") for p in (out / "docs" / "matters").glob("*.md"))
    other = "新许可" if matter_page == "旧许可" else "旧许可"
    assert matter_page in pages and other not in pages
    if as_of == "2026-01-01":  # one real mkdocs build
        html = (out / "site" / "index.html").read_text(encoding="utf-8")
        assert "收录 2026-01-01 现行有效的规定" in html


def test_compile_options_as_of_is_part_of_what_compiles(tmp_path):
    """The same files, two as-of dates, two catalogs: a cache of compile results must key on it."""
    a = _compile(tmp_path, DATED, "2025-01-01").catalog
    b = _compile(tmp_path, DATED, "2026-01-01").catalog
    assert set(a.matters) != set(b.matters)
