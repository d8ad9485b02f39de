"""The complete service guide (办事指南): its elements in the language, the model, the guides,
the build's copies of the project's files, the exports, and what is refused or escaped."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import write_project

from qingdan.compiler import compile as compile_project
from qingdan.dsl.formatter import format_source
from qingdan.generators.guides import GUIDE_SECTIONS, matter_guide_html, matter_guide_markdown

LAW = '法规 许可法 "中华人民共和国行政许可法" { 条款 第十二条 "可以设定行政许可。"; 条款 第五十八条 "不得收取任何费用。" }\n'
DEPTS = '部门 局 "青川市某局" { 层级: 市; 联系方式: "0578-2000000" }\n部门 市政府 "青川市人民政府" { 层级: 市 }\n'

GUIDE = LAW + DEPTS + '''
事项 甲 "某证核发" {
  部门: 局
  依据: 许可法.第十二条
  实施依据: 许可法
  受理机构: "青川市民中心某局窗口"
  决定机构: 局
  联办机构: 市政府, "某区某局"
  收费: 10 元
  收费标准: "每证 10 元"
  收费依据: 许可法.第五十八条
  审查标准: "材料齐全、符合法定形式"
  数量限制: "无数量限制"
  办理时间: "周一至周五 9:00—17:00"
  网上办理地址: "https://zwfw.qingchuan.example/a?b=1&c=(2)"
  物流快递: 是
  网上预约: "https://yy.qingchuan.example/"
  投诉: "0578-12345"
  复议: 市政府
  诉讼: "青川市东湖区人民法院"

  结果 某证 "某证" { 样本: "forms/样本.pdf" }

  材料 申请书 "某证申请书" {
    材料类型: 原件
    份数: 2
    规格: "A4"
    填报须知: "用黑色签字笔填写"
    空白表格: "forms/申请书.docx"
    示例样表: "https://zwfw.qingchuan.example/s.pdf"
    受理标准: "签字齐全"
  }

  窗口 大厅 "青川市民中心 3 号窗口" { 地址: "人民路 1 号"; 办理时间: "工作日"; 电话: "0578-2000001" }

  时限 { 法定: 20 工作日; 承诺: 5 工作日 }
}
'''


def _project(tmp: Path, text: str = GUIDE, files: dict[str, bytes] | None = None) -> Path:
    root = write_project(tmp, {"a.qd": text})
    for rel, data in (files if files is not None else {"forms/申请书.docx": b"PK blank form", "forms/样本.pdf": b"%PDF sample"}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def _errors(result) -> list[tuple[str, int, int]]:
    return [(d.rule, d.loc.line, d.loc.col) for d in result.diagnostics if d.rule not in ("power-without-responsibility",)]


def _strip(x):
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if k not in ("loc", "locs")}
    if isinstance(x, list):
        return [_strip(i) for i in x]
    return x


def test_every_element_reaches_the_model(tmp_path):
    result = compile_project(_project(tmp_path))
    assert not [d for d in result.diagnostics if d.rule in ("unknown-keyword", "invalid-value", "unknown-reference", "unreadable-file")], \
        [d.message_en for d in result.diagnostics]
    mt = result.catalog.matter("甲")
    assert [c.key for c in mt.implementation_basis] == ["许可法"]
    assert mt.accepting_body.text == "青川市民中心某局窗口" and mt.deciding_body.department == "局"
    assert [(b.department, b.text) for b in mt.joint_bodies] == [("市政府", None), (None, "某区某局")]
    assert mt.fee.amount == 10 and mt.fee.text == "每证 10 元" and [c.key for c in mt.fee.basis] == ["许可法.第五十八条"]
    assert (mt.review_standard, mt.quantity_limit, mt.office_hours) == ("材料齐全、符合法定形式", "无数量限制", "周一至周五 9:00—17:00")
    assert mt.online_url == "https://zwfw.qingchuan.example/a?b=1&c=(2)"
    assert mt.courier is True and mt.booking is True and mt.booking_url == "https://yy.qingchuan.example/"
    assert mt.complaint == "0578-12345" and mt.reconsideration.department == "市政府" and mt.litigation.text == "青川市东湖区人民法院"
    assert mt.result.sample.path == "forms/样本.pdf"
    mat = mt.materials[0]
    assert (mat.form, mat.copies, mat.spec, mat.instructions, mat.acceptance) == ("original", 2, "A4", "用黑色签字笔填写", "签字齐全")
    assert mat.blank_form.path == "forms/申请书.docx" and mat.sample.url == "https://zwfw.qingchuan.example/s.pdf"
    office = mt.offices[0]
    assert (office.name, office.address, office.hours, office.phone) == ("青川市民中心 3 号窗口", "人民路 1 号", "工作日", "0578-2000001")


def test_the_elements_format_and_translate_both_ways(tmp_path):
    assert format_source(format_source(GUIDE)) == format_source(GUIDE)
    assert '  窗口 大厅 "青川市民中心 3 号窗口" {\n    地址: "人民路 1 号"\n    办理时间: "工作日"\n' in format_source(GUIDE)
    en = format_source(GUIDE, "en")
    for word in ("implementation_basis: 许可法", 'accepting_body: "青川市民中心某局窗口"', "joint_bodies: 市政府", 'fee_standard: "每证 10 元"',
                 "fee_basis: 许可法.第五十八条", "courier: true", 'booking: "https://yy', 'complaint: "0578-12345"', "reconsideration: 市政府",
                 'litigation: "青川', 'office 大厅 "青川市民中心 3 号窗口"', 'address: "人民路 1 号"', 'opening_hours: "工作日"', "form: original", 'spec: "A4"',
                 'blank_form: "forms/申请书.docx"', 'sample: "https://', 'acceptance: "签字齐全"', 'sample: "forms/样本.pdf"'):
        assert word in en, word
    zh = format_source(en, "zh")
    assert format_source(en) == en and format_source(zh) == zh
    models = [_strip(compile_project(_project(tmp_path / name, text)).catalog.model.model_dump(mode="json")) for name, text in
              (("zh0", GUIDE), ("en", en), ("zh", zh))]
    assert models[0] == models[1] == models[2]


@pytest.mark.parametrize(("line", "rule", "what"), [
    ('网上办理地址: "javascript:alert(1)"', "invalid-value", "http"),
    ('网上办理地址: "https://gov.cn@evil.example/"', "invalid-value", "@"),
    ('网上办理地址: "https://a.example/x y"', "invalid-value", "%20"),
    ('网上办理地址: "https://a.example/x\\"onmouseover=alert(1)"', "invalid-value", '"'),
    ("网上办理地址: https", "invalid-value", "quotes"),
    ('网上预约: "ftp://a.example/"', "invalid-value", "http"),
    ("网上预约: 3", "invalid-value", "true, false"),
    ("物流快递: 也许", "invalid-value", "true or false"),
    ("受理机构: 不存在的局", "unknown-reference", "in quotes"),
    ("联办机构: 1", "invalid-value", "department"),
    ('收费标准: "每证 10 元"', "invalid-value", "'fee' is not"),
])
def test_bad_values_are_located_and_explained_in_both_languages(tmp_path, line, rule, what):
    text = LAW + DEPTS + f'事项 乙 "某事项" {{\n  部门: 局\n  {line}\n}}\n'
    result = compile_project(_project(tmp_path, text, {}))
    found = [d for d in result.diagnostics if d.rule == rule]
    assert found, [d.message_en for d in result.diagnostics]
    d = found[0]
    assert d.loc.line == 6 and d.loc.col >= 3, d.loc
    assert what in d.message_en and re.search(r"[\u4e00-\u9fff]", d.message_zh)


def test_a_free_matter_has_no_fee_standard(tmp_path):
    text = LAW + DEPTS + '事项 乙 "某事项" {\n  部门: 局\n  收费: 免费\n  收费标准: "每证 10 元"\n  收费依据: 许可法.第五十八条\n}\n'
    result = compile_project(_project(tmp_path, text, {}))
    bad = [d for d in result.diagnostics if d.rule == "invalid-value"]
    assert [(d.loc.line, "free" in d.message_en) for d in bad] == [(7, True)]
    assert [c.key for c in result.catalog.matter("乙").fee.basis] == ["许可法.第五十八条"]  # a basis for not charging is kept


@pytest.mark.parametrize(("path", "reason"), [
    ("../outside.pdf", "'..'"), ("/etc/passwd", "cannot start with /"), ("forms\\\\a.pdf", "with /"), ("C:/a.pdf", "http"),
    ("file:///etc/passwd", "http"), ("forms//a.pdf", "empty parts"), ("", "write the path"),
])
def test_a_file_path_must_name_a_file_inside_the_project(tmp_path, path, reason):
    text = LAW + DEPTS + f'事项 乙 "某事项" {{\n  部门: 局\n  材料 书 "申请书" {{ 空白表格: "{path}" }}\n}}\n'
    result = compile_project(_project(tmp_path, text, {}))
    found = [d for d in result.diagnostics if d.rule == "invalid-value"]
    assert len(found) == 1 and reason in found[0].message_en and found[0].loc.line == 6, [d.message_en for d in result.diagnostics]


def test_project_files_are_checked_where_they_lie(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    root = _project(tmp_path / "p", LAW + DEPTS + '''事项 乙 "某事项" {
  部门: 局
  材料 a "甲" { 空白表格: "link.txt" }
  材料 b "乙" { 空白表格: "missing.pdf" }
  材料 c "丙" { 空白表格: "forms" }
  材料 d "丁" { 空白表格: "big.pdf" }
  材料 e "戊" { 空白表格: "inner.pdf"; 示例样表: "forms/ok.pdf" }
}
''', {"forms/ok.pdf": b"ok", "real.pdf": b"inside"})
    os.symlink(outside, root / "link.txt")
    os.symlink(root / "real.pdf", root / "inner.pdf")  # a link that stays inside the project is fine
    with open(root / "big.pdf", "wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    result = compile_project(root)
    found = sorted((d.loc.line, d.message_en.split(";")[0]) for d in result.diagnostics if d.rule == "unreadable-file")
    assert [line for line, _ in found] == [6, 7, 8, 9], found
    assert "outside the project" in found[0][1] and "no file missing.pdf" in found[1][1]
    assert "not a regular file" in found[2][1] and "too large" in found[3][1]
    assert "secret" not in " ".join(d.message_en + d.message_zh for d in result.diagnostics)


def test_the_build_copies_the_files_and_the_guides_link_them(tmp_path):
    from qingdan.generators.build import build
    from qingdan.generators.paths import matter_slugs
    from qingdan.generators.steps import guides_step

    root = _project(tmp_path / "p")
    catalog = compile_project(root).catalog
    out = tmp_path / "out"
    build(catalog, out, steps=(guides_step,))
    assert (out / "attachments" / "forms" / "申请书.docx").read_bytes() == b"PK blank form"
    assert (out / "attachments" / "forms" / "样本.pdf").read_bytes() == b"%PDF sample"
    slug = matter_slugs(catalog.model)["甲"]
    guide_dir = out / "guides" / "matters"
    md = (guide_dir / f"{slug}.md").read_text(encoding="utf-8")
    html = (guide_dir / f"{slug}.html").read_text(encoding="utf-8")
    from urllib.parse import unquote

    targets = re.findall(r"\]\((\.\./[^)]+)\)", md)
    assert len(targets) == 2
    for target in targets:  # every relative link of the guide leads to the copied file
        assert (guide_dir / unquote(target)).resolve().is_file(), target
    assert "https://zwfw.qingchuan.example/a?b=1&c=%282%29" in md  # parentheses cannot end the Markdown link
    assert 'href="https://zwfw.qingchuan.example/a?b=1&amp;c=%282%29"' in html
    assert 'href="../../attachments/forms/%E7%94%B3%E8%AF%B7%E4%B9%A6.docx"' in html


def test_both_templates_print_the_sections_of_a_guide_in_the_standard_order(tmp_path):
    catalog = compile_project(_project(tmp_path)).catalog
    md = matter_guide_markdown(catalog, "甲")
    html = matter_guide_html(catalog, "甲")
    assert [h[3:] for h in md.splitlines() if h.startswith("## ")] == list(GUIDE_SECTIONS)
    assert re.findall(r"<h2>([^<]+)</h2>", html) == list(GUIDE_SECTIONS)
    for text in (md, html):
        for value in ("青川市民中心某局窗口", "青川市人民政府、某区某局", "每证 10 元", "《中华人民共和国行政许可法》第五十八条",
                      "材料齐全、符合法定形式", "无数量限制", "周一至周五 9:00—17:00", "人民路 1 号", "0578-12345", "青川市东湖区人民法院",
                      "用黑色签字笔填写", "签字齐全", "A4", "支持"):
            assert value in text, value
    # the order of the elements within the guide follows the national standard order
    order = ["事项类型", "设定依据", "实施依据", "受理机构", "决定机构", "联办机构", "服务对象", "办件类型", "法定办结时限", "受理条件",
             "申请材料", "办理流程", "是否收费", "收费标准", "收费依据", "审查标准", "结果名称", "结果样本", "办理时间", "办理地点",
             "到现场次数", "网上办理地址", "物流快递", "网上预约", "咨询电话", "监督投诉电话", "行政复议", "行政诉讼"]
    for text in (md, html):
        positions = [text.index(word) for word in order]
        assert positions == sorted(positions), [w for w, p in zip(order, positions, strict=True) if p != sorted(positions)[order.index(w)]]


HOSTILE = LAW + DEPTS + '''事项 丙 "某事项" {
  部门: 局
  收费: 10 元
  收费标准: "<script>alert(1)</script> *每证* [x](javascript:alert(1))"
  投诉: "0578-1<img src=x onerror=alert(1)>"
  办理时间: "| 周一 | {: onclick=alert(1) }"
  诉讼: "</li><script>x</script>"
  网上办理地址: "https://a.example/<x>"
  材料 书 "申请书" { 规格: "A4 `code` ~~~"; 填报须知: "# 不是标题"; 受理标准: "1. 不是列表" }
  窗口 w "<b>大厅</b>" { 地址: "**粗**"; 电话: "&amp;" }
}
'''


def test_untrusted_text_stays_text_in_both_guides(tmp_path):
    result = compile_project(_project(tmp_path, HOSTILE, {}))
    assert [d.rule for d in result.diagnostics if d.rule == "invalid-value"] == ["invalid-value"]  # the address with < >
    catalog = result.catalog
    html = matter_guide_html(catalog, "丙")
    assert "<script>" not in html and "<img" not in html and "<b>" not in html and "</li><script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&amp;amp;" in html
    md = matter_guide_markdown(catalog, "丙")
    assert "<script>" not in md and "<img" not in md
    assert r"\*每证\*" in md and r"\[x\](javascript:alert(1))" in md and r"\| 周一 \| \{: onclick=alert(1) \}" in md
    assert r"\# 不是标题" in md and r"1\. 不是列表" in md and "&#126;&#126;&#126;" in md


def test_catalog_json_and_cpsv_ap_carry_the_elements(tmp_path):
    from qingdan.generators.exports import catalog_document, cpsv_document

    catalog = compile_project(_project(tmp_path)).catalog
    doc = catalog_document(catalog, "1", None)
    mt = doc["matters"]["甲"]
    assert mt["complaint"] == "0578-12345" and mt["offices"][0]["address"] == "人民路 1 号"
    assert mt["materials"][0]["blank_form"] == {"path": "forms/申请书.docx", "url": None}
    assert mt["fee"]["basis"] == [{"law": "许可法", "article": "第五十八条"}]
    graph = {n["@id"]: n for n in cpsv_document(catalog, {"甲": "x"}, {})["@graph"]}
    service = graph["urn:qingdan:service:x"]
    roles = sorted(graph[graph[p["@id"]]["cv:role"]["@id"]]["skos:prefLabel"]["@value"] for p in service["cv:hasParticipation"])
    assert roles == ["决定机构", "受理机构", "联办机构", "联办机构"]
    contacts = service["cv:contactPoint"]
    phones = sorted(graph[c["@id"]].get("cv:telephone") for c in contacts)
    assert phones == ["0578-12345", "0578-2000000"]
    main = graph[contacts[0]["@id"]]
    assert main["cv:contactPage"] == {"@id": "https://zwfw.qingchuan.example/a?b=1&c=(2)"}
    assert graph[main["cv:openingHours"]["@id"]]["@type"] == "time:TemporalEntity"
    laws = {graph[r["@id"]]["dct:identifier"] for r in service["cv:hasLegalResource"]}
    assert laws == {"许可法.第十二条", "许可法", "许可法.第五十八条"}
    evidence = graph[service["cpsv:hasInput"][0]["@id"]]
    assert evidence["foaf:page"] == [{"@id": "https://zwfw.qingchuan.example/s.pdf"}]
    assert "规格" not in json.dumps(evidence, ensure_ascii=False) or "材料规格：A4" in evidence["dct:description"]["@value"]


def test_a_matter_table_s_guide_columns_are_imported(tmp_path, cli):
    src = tmp_path / "事项.csv"
    src.write_text(
        "事项名称,实施主体,投诉电话,受理机构,联办机构,办理时间,审查标准,数量限制,网上办理地址,物流快递,网上预约\n"
        "某证核发,青川市某局,0578-12345,某局窗口,甲局、乙局,工作日 9:00—17:00,材料齐全,无数量限制,"
        "https://zwfw.qingchuan.example/a,支持,https://yy.qingchuan.example/\n"
        "另一事项,青川市某局,,,,,,,javascript:alert(1),也许,否\n", encoding="utf-8")
    out = tmp_path / "out"
    r = cli("import", "table", str(src), "--kind", "matter", "--out", str(out))
    assert r.code == 0, r.output
    model = compile_project(out).catalog.model
    mts = {mt.name: mt for mt in model.matters.values()}
    a, b = mts["某证核发"], mts["另一事项"]
    assert (a.complaint, a.accepting_body.text, [x.text for x in a.joint_bodies]) == ("0578-12345", "某局窗口", ["甲局", "乙局"])
    assert (a.office_hours, a.review_standard, a.quantity_limit) == ("工作日 9:00—17:00", "材料齐全", "无数量限制")
    assert (a.online_url, a.courier, a.booking, a.booking_url) == ("https://zwfw.qingchuan.example/a", True, True, "https://yy.qingchuan.example/")
    assert (b.online_url, b.courier, b.booking) == (None, None, False)
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    codes = sorted(p["code"] for p in report["problems"])
    assert "bad-url" in codes and "bad-yes-no" in codes
