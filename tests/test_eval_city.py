"""The city example ships tests for every matter and every journey, at full coverage."""

from __future__ import annotations

import shutil

import yaml
from conftest import EXAMPLES
from lxml import etree

from qingdan.compiler import CompileOptions
from qingdan.compiler import compile as compile_project

CITY = EXAMPLES / "city"


def test_city_tests_pass_with_full_coverage(cli, tmp_path):
    junit = tmp_path / "city.xml"
    r = cli("test", CITY, "--coverage", "--min-coverage", "100", "--junit", junit)
    assert r.code == 0, r.output
    assert "失败 0，错误 0" in r.out and "（100.0%）" in r.out
    root = etree.fromstring(junit.read_bytes())
    assert root.get("failures") == "0" and root.get("errors") == "0" and int(root.get("tests")) >= 100


def test_every_matter_and_every_journey_has_cases():
    model = compile_project(CITY, CompileOptions(checks=False)).catalog.model
    matters, journeys = set(), set()
    for path in sorted((CITY / "tests").glob("*.test.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases = cases["cases"] if isinstance(cases, dict) else cases
        matters |= {c["matter"] for c in cases if "matter" in c}
        journeys |= {c["journey"] for c in cases if "journey" in c}
    assert matters == set(model.matters)
    assert journeys == set(model.journeys)


def test_a_broken_city_expectation_fails_with_a_readable_diff(cli, tmp_path):
    copy = tmp_path / "city"
    shutil.copytree(CITY, copy)
    path = copy / "tests" / "journeys.test.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("failing: [网签备案.可以转让, 不动产转移登记.未被限制]", "failing: [网签备案.可以转让]"), encoding="utf-8")
    r = cli("test", copy)
    assert r.code == 1
    assert "  ✗ 房屋被查封，网签和转移登记都办不了（第" in r.out
    assert "            多出 不动产转移登记.未被限制（实际有，未期望）" in r.out
