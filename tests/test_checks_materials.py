"""Material identity and the material checks: planted defects with exact locations, near misses."""

import unicodedata

from checks_support import TOML, compile_snippet, found, journey, matter, places, semantic, where
from hypothesis import given, settings
from hypothesis import strategies as st

from qingdan.compiler.materials import MaterialIndex, normalize_material


# ---------------------------------------------------------------- identity
def test_variants_of_one_material_share_one_identity():
    names = ["营业执照", "营业执照复印件", "营业执照（副本）", "＂营业执照 ＂", "营业执照副本复印件", "《营业执照》",
             "营业执照(原件及复印件)", "营业执照 扫描件", "营业执照（一式两份）"]
    assert {normalize_material(n) for n in names} == {"营业执照"}
    assert normalize_material("营业执照变更通知书") != "营业执照"
    assert normalize_material("环境影响报告书") != normalize_material("环境影响报告表")


def test_synonyms_map_variants_to_the_canonical_name():
    index = MaterialIndex({"居民身份证": ["身份证", "身份证明"]})
    assert index.identity("身份证复印件") == index.identity("居民身份证") == index.identity("身份证明（原件）") == "居民身份证"
    assert index.identity("户口簿") == "户口簿"


@settings(deadline=None, max_examples=60)
@given(
    core=st.text(alphabet="营业执照许可证明书表单章程法定代表人身份户口住所场地租赁合同", min_size=2, max_size=10),
    suffix=st.sampled_from(["", "复印件", "原件", "副本", "扫描件", "（复印件）", "(副本)", "原件及复印件"]),
    spaces=st.booleans(),
)
def test_identity_ignores_width_spacing_and_copy_suffixes(core, suffix, spaces):
    written = unicodedata.normalize("NFKC", core) + suffix
    if spaces:
        written = " ".join(written)
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in written)
    assert normalize_material(written) == normalize_material(wide) == normalize_material(core)


# ---------------------------------------------------------------- duplicate-material
def _company(extra_tax: str = "", extra_seal: str = "") -> str:
    return (matter("设立", "甲局", "企业设立登记", body='  结果 执照 "营业执照"\n  材料 章程 "公司章程"\n')
            + matter("刻章", "乙局", "公章刻制备案", body=f'  材料 身份证 "经办人身份证复印件"\n{extra_seal}')
            + matter("税务", "丙局", "税务登记", body=f'  材料 身份证件 "经办人身份证（原件）"\n{extra_tax}'))


def test_duplicate_material_in_a_journey_keeps_the_first_and_reports_the_others(tmp_path):
    src = _company() + journey("开办", ["税务", "刻章", "设立"], "  先后: 设立 -> 刻章, 刻章 -> 税务\n")
    r = compile_snippet(tmp_path, src)
    assert places(r, "duplicate-material") == [("a.qd", *where(src, "身份证件"))]
    d = found(r, "duplicate-material")[0]
    assert d.suggestion == "刻章"
    assert "“刻章”、“税务”" in d.message_zh and "开办" in d.message_zh and "经办人身份证" in d.message_zh
    assert where(src, "身份证 ")[0] in {x.loc.line for x in d.related}
    assert semantic(r) == [d]


def test_duplicate_material_keeper_follows_the_journey_order_not_the_file_order(tmp_path):
    src = _company() + journey("开办", ["设立", "刻章", "税务"], "  先后: 设立 -> 税务, 税务 -> 刻章\n")
    r = compile_snippet(tmp_path, src)
    assert places(r, "duplicate-material") == [("a.qd", *where(src, "身份证 "))]
    assert found(r, "duplicate-material")[0].suggestion == "税务"


def test_duplicate_material_through_the_synonym_table(tmp_path):
    src = (matter("刻章", "乙局", body='  材料 身份证 "经办人身份证复印件"\n')
           + matter("税务", "丙局", body='  材料 办税证件 "办税人员身份证件"\n') + journey("开办", ["刻章", "税务"]))
    assert found(compile_snippet(tmp_path, src), "duplicate-material") == []
    r = compile_snippet(tmp_path / "syn", src, toml=TOML + '[materials.synonyms]\n"经办人身份证" = ["办税人员身份证件"]\n')
    assert places(r, "duplicate-material") == [("a.qd", *where(src, "办税证件"))]


def test_near_miss_same_material_in_matters_of_different_journeys(tmp_path):
    src = _company() + journey("刻章一件事", ["设立", "刻章"]) + journey("税务一件事", ["设立", "税务"])
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- shareable-material
def test_material_another_matter_produces_is_shareable(tmp_path):
    src = (matter("设立", "甲局", "企业设立登记", body='  结果 执照 "营业执照"\n')
           + matter("税务", "丙局", "税务登记", body='  材料 执照 "营业执照复印件"\n'))
    r = compile_snippet(tmp_path, src)
    assert places(r, "shareable-material") == [("a.qd", *where(src, "执照 \"营业执照复印件"))]
    d = found(r, "shareable-material")[0]
    assert d.suggestion == "来源: 产出(执照)" and "设立" in d.message_zh and "甲局" in d.message_zh and "丙局" in d.message_zh
    assert d.related[0].loc.line == where(src, "结果 执照")[0]


def test_material_a_department_issues_is_shareable(tmp_path):
    src = (matter("餐饮", "甲局", body='  材料 健康证 "从业人员健康证明" { 来源: 签发(乙局) }\n')
           + matter("食堂", "丙局", body='  材料 健康证明 "从业人员健康证明（复印件）"\n'))
    r = compile_snippet(tmp_path, src)
    assert places(r, "shareable-material") == [("a.qd", *where(src, "健康证明 "))]
    assert found(r, "shareable-material")[0].suggestion == "来源: 签发(乙局)"


def test_near_miss_declared_sources_are_fetched_not_submitted(tmp_path):
    src = (matter("设立", "甲局", "企业设立登记", body='  结果 执照 "营业执照"\n')
           + matter("税务", "丙局", "税务登记", body='  材料 执照 "营业执照复印件" { 来源: 产出(执照) }\n')
           + matter("年报", "甲局", "企业年报", body='  材料 执照 "营业执照年检表"\n'))
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- material-repeated
def test_material_listed_twice_in_one_matter(tmp_path):
    src = matter("审批", "甲局", body='  材料 合同 "租赁合同"\n  材料 平面图 "场地平面图"\n  材料 合同复印 "租赁合同复印件"\n')
    r = compile_snippet(tmp_path, src)
    assert places(r, "material-repeated") == [("a.qd", *where(src, "合同复印"))]
    d = found(r, "material-repeated")[0]
    assert d.related[0].loc.line == where(src, "合同 ")[0] and "租赁合同" in d.message_zh
    assert semantic(r) == [d]


def test_near_miss_similar_names_are_different_materials(tmp_path):
    src = matter("环评", "甲局", body='  材料 报告书 "环境影响报告书"\n  材料 报告表 "环境影响报告表"\n')
    assert semantic(compile_snippet(tmp_path, src)) == []


# ---------------------------------------------------------------- circular-certificate
def test_three_matters_requiring_each_others_certificates(tmp_path):
    src = (matter("甲", "甲局", body='  结果 甲证 "甲证"\n  材料 要乙 "乙证" { 来源: 产出(乙证) }\n')
           + matter("乙", "乙局", body='  结果 乙证 "乙证"\n  材料 要丙 "丙证复印件" { 来源: 产出(丙证) }\n')
           + matter("丙", "丙局", body='  结果 丙证 "丙证"\n  材料 要甲 "甲证" { 来源: 产出(甲证) }\n'))
    r = compile_snippet(tmp_path, src)
    assert places(r, "circular-certificate") == [("a.qd", *where(src, "要乙"))]
    d = found(r, "circular-certificate")[0]
    assert "“甲”需要“乙”的“乙证” → “乙”需要“丙”的“丙证复印件” → “丙”需要“甲”的“甲证”" in d.message_zh
    assert {x.loc.line for x in d.related} >= {where(src, "要丙")[0], where(src, "要甲")[0]}
    assert "甲局" in d.message_zh and "丙局" in d.message_zh


def test_near_miss_certificates_only_named_alike_do_not_close_a_cycle(tmp_path):
    # 乙 asks for "甲证" without declaring it comes from 甲: shareable-material, not a cycle
    src = (matter("甲", "甲局", body='  结果 甲证 "甲证"\n  材料 要乙 "乙证" { 来源: 产出(乙证) }\n')
           + matter("乙", "乙局", body='  结果 乙证 "乙证"\n  材料 要甲 "甲证复印件"\n'))
    r = compile_snippet(tmp_path, src)
    assert [d.rule for d in semantic(r)] == ["shareable-material"]


def test_near_miss_a_chain_of_certificates_is_not_a_cycle(tmp_path):
    src = (matter("甲", "甲局", body='  结果 甲证 "甲证"\n  材料 要乙 "乙证" { 来源: 产出(乙证) }\n')
           + matter("乙", "乙局", body='  结果 乙证 "乙证"\n  材料 要丙 "丙证" { 来源: 产出(丙证) }\n')
           + matter("丙", "丙局", body='  结果 丙证 "丙证"\n  材料 自己 "丙证（旧证）"\n'))
    assert semantic(compile_snippet(tmp_path, src)) == []
