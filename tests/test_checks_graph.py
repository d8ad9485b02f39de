"""The catalog graph, its exports (JSON, GraphML, DOT), journey figures and their commands."""

import json
import re

import networkx as nx
from checks_support import compile_snippet, journey, matter, semantic
from lxml import etree

from qingdan.compiler.graph import EDGE_TYPES, NODE_KINDS, graph_to_dot, graph_to_graphml, graph_to_json

COMPANY = (
    matter("设立", "甲局", "企业设立登记", fields="  到场: 0 次\n", limits="时限 { 法定: 3 工作日; 承诺: 1 工作日 }",
           body='  结果 执照 "营业执照"\n  材料 章程 "公司章程"\n  材料 法人证明 "法定代表人身份证明"\n  材料 住所 "住所使用证明"\n')
    + matter("刻章", "乙局", "公章刻制备案", fields="  到场: 1 次\n", limits="时限 { 法定: 1 工作日 }",
             body='  材料 执照 "营业执照" { 来源: 产出(执照) }\n  材料 身份证 "经办人身份证"\n')
    + matter("税务", "丙局", "税务登记", limits="时限 { 法定: 2 工作日 }",
             body='  材料 执照 "营业执照复印件" { 来源: 产出(执照) }\n  材料 章程 "公司章程（复印件）" { 来源: 签发(甲局) }\n')
    + matter("社保", "丙局", "社会保险登记", limits="时限 { 法定: 3 自然日 }",
             body='  材料 执照 "营业执照（副本）" { 来源: 产出(执照) }\n  材料 花名册 "职工花名册"\n'
                  '  材料 身份证 "居民身份证" { 来源: 签发(乙局) }\n'
                  '  步骤 受理 { 部门: 中心; 用时: 1 工作日 }\n')
    + journey("开办企业", ["设立", "刻章", "税务", "社保"],
              "  先后: 设立 -> 刻章, 设立 -> 税务, 设立 -> 社保\n  目标: 2 工作日\n  牵头部门: 甲局\n")
)


def company(tmp_path):
    r = compile_snippet(tmp_path, COMPANY)
    # 社保 takes 3 natural days after 设立: over the 2-day target
    assert [d.rule for d in semantic(r)] == ["journey-over-target"]
    return r


# ---------------------------------------------------------------- graph
def test_graph_has_typed_nodes_and_edges_with_materials_by_identity(tmp_path):
    g = company(tmp_path).catalog.graph
    assert {d["kind"] for _, d in g.nodes(data=True)} <= set(NODE_KINDS)
    assert {d["type"] for *_, d in g.edges(data=True)} == set(EDGE_TYPES)
    licence = "material:营业执照"
    assert sorted(g.nodes[licence]["names"]) == ["营业执照", "营业执照复印件", "营业执照（副本）"]
    askers = sorted(a for a, _b, k in g.in_edges(licence, keys=True) if k == "requires-material")
    assert askers == ["matter:刻章", "matter:社保", "matter:税务"]
    assert g.has_edge("result:执照", licence, "produces") and g.has_edge("matter:设立", "result:执照", "issues")
    assert g.has_edge("department:甲局", "material:公司章程", "issues")
    assert g.has_edge("matter:税务", "matter:设立", "depends-on") and g.has_edge("matter:设立", "journey:开办企业", "member-of")
    assert g.has_edge("department:甲局", "power:设立权", "holds") and g.has_edge("matter:设立", "power:设立权", "implements")
    assert g.edges["matter:设立", "law:示例法", "based-on"]["articles"] == ["第二条"]
    assert g.has_edge("department:甲局", "power:设立权", "supervises")  # the responsibility's supervising department


def test_json_export_is_deterministic_and_complete(tmp_path):
    r = company(tmp_path)
    text = graph_to_json(r.catalog.graph, "测试")
    assert text == graph_to_json(compile_snippet(tmp_path / "again", COMPANY).catalog.graph, "测试")
    doc = json.loads(text)
    assert "营业执照" in text and "\\u" not in text
    assert len(doc["nodes"]) == r.catalog.graph.number_of_nodes() and len(doc["edges"]) == r.catalog.graph.number_of_edges()
    assert [n["id"] for n in doc["nodes"]] == sorted(n["id"] for n in doc["nodes"])
    assert {"id": "matter:设立", "ref": "设立", "kind": "matter"}.items() <= doc["nodes"][[n["id"] for n in doc["nodes"]].index("matter:设立")].items()
    assert {e["type"] for e in doc["edges"]} <= set(doc["edge_types"])


def test_graphml_export_is_valid_xml_and_round_trips(tmp_path):
    r = company(tmp_path)
    text = graph_to_graphml(r.catalog.graph)
    root = etree.fromstring(text.encode("utf-8"))
    assert root.tag == "{http://graphml.graphdrawing.org/xmlns}graphml"
    path = tmp_path / "g.graphml"
    path.write_text(text, encoding="utf-8")
    back = nx.read_graphml(path, force_multigraph=True)
    assert set(back.nodes) == set(r.catalog.graph.nodes) and back.number_of_edges() == r.catalog.graph.number_of_edges()
    assert back.nodes["material:营业执照"]["names"] == "营业执照、营业执照复印件、营业执照（副本）"


def test_dot_export_lists_every_node_and_edge(tmp_path):
    g = company(tmp_path).catalog.graph
    text = graph_to_dot(g, "测试")
    lines = text.strip().split("\n")
    assert lines[0] == 'digraph "测试" {' and lines[-1] == "}"
    node_lines = [ln for ln in lines if re.fullmatch(r'  "[^"]+" \[label="[^"]*", shape=\w+, kind="\w+"\];', ln)]
    edge_lines = [ln for ln in lines if re.fullmatch(r'  "[^"]+" -> "[^"]+" \[label="[\w-]+"\];', ln)]
    assert len(node_lines) == g.number_of_nodes() and len(edge_lines) == g.number_of_edges()
    assert len(lines) == 3 + len(node_lines) + len(edge_lines) + 1


def test_graph_command_writes_each_format(tmp_path, cli):
    company(tmp_path / "p")
    for fmt, check in (("json", lambda t: json.loads(t)["format_version"] == "1.0"),
                       ("graphml", lambda t: etree.fromstring(t.encode()) is not None),
                       ("dot", lambda t: t.startswith("digraph"))):
        out = tmp_path / f"g.{fmt}"
        r = cli("graph", tmp_path / "p", "--format", fmt, "--output", out)
        assert r.code == 0, r.output
        assert check(out.read_text(encoding="utf-8"))
    r = cli("graph", tmp_path / "p", "--format", "json")
    assert r.code == 0 and json.loads(r.out)["project"] == "测试"


def test_graph_command_refuses_rules_with_errors_and_says_where(tmp_path, cli):
    compile_snippet(tmp_path / "p", COMPANY.replace("权力: 税务权", "权力: 税物权"))
    r = cli("graph", tmp_path / "p")
    assert r.code == 1 and "a.qd:" in r.err and "税物权" in r.err and r.out == ""
    assert cli("graph", tmp_path / "missing").code == 2


# ---------------------------------------------------------------- journey figures
def test_company_opening_figures(tmp_path):
    figures = company(tmp_path).catalog.journey_figures("开办企业")
    assert figures.matters == ["设立", "刻章", "税务", "社保"]
    assert figures.material_mentions == 10 and figures.unique_materials == 7 and figures.saved_by_normalization == 3
    # 公司章程 is submitted once at 设立 (甲局 keeps it) and fetched by 税务
    assert [a.material for a in figures.applicant_materials] == ["住所使用证明", "公司章程", "法定代表人身份证明", "经办人身份证", "职工花名册"]
    assert figures.applicant_materials[1].asked_by == ["设立", "税务"]
    shared = {s.material: s for s in figures.shared_materials}
    assert sorted(shared) == ["居民身份证", "营业执照"] and figures.saved_by_sharing == 2
    assert shared["营业执照"].asked_by == ["刻章", "税务", "社保"] and [p.zh() for p in shared["营业执照"].provided_by] == ["事项“设立”产出"]
    assert [p.zh() for p in shared["居民身份证"].provided_by] == ["示例市乙局签发"]
    # 社保: 3 natural days = 15/7 working days, the longest branch after 设立 (1 day promised)
    assert figures.critical_path == ["设立", "社保"] and figures.critical_days == 3.14
    assert figures.serial_days == 6.14
    assert figures.over_target is True and figures.target_days == 2
    assert figures.visits == 1
    assert figures.departments == sorted(["甲局", "乙局", "丙局", "中心"])
    assert figures.department_names[figures.departments.index("中心")] == "示例市政务服务中心"


def test_journey_command_text_json_and_unknown_names(tmp_path, cli):
    company(tmp_path / "p")
    r = cli("journey", tmp_path / "p", "开办企业")
    assert r.code == 0, r.output
    assert "申请人只需提交 5 种，数据共享免提交 2 种" in r.out and "关键路径：设立 → 社保" in r.out and "到现场次数：1" in r.out
    en = cli("journey", tmp_path / "p", "开办企业", "--lang", "en")
    assert "5 submitted by the applicant, 2 saved by data sharing" in en.out
    j = cli("journey", tmp_path / "p", "开办企业", "--format", "json")
    doc = json.loads(j.out)
    assert doc["saved_by_sharing"] == 2 and "营业执照" in j.out and "\\u" not in j.out
    missing = cli("journey", tmp_path / "p", "开办企")
    assert missing.code == 2 and "开办企业" in missing.err


def test_journey_figures_with_an_order_cycle(tmp_path):
    src = COMPANY.replace("先后: 设立 -> 刻章", "先后: 刻章 -> 设立, 设立 -> 刻章")
    figures = compile_snippet(tmp_path, src).catalog.journey_figures("开办企业")
    assert figures.order_cycle == ["设立", "刻章", "设立"] and figures.critical_path == [] and figures.critical_days is None
