"""Synthetic but realistic qingdan catalogs, for benchmarks and scale tests.

``write_catalog(outdir, n_matters, seed=0)`` writes a project of ``n_matters`` matters
spread over a province, its cities, counties and townships (region codes nest by
prefix, as real 区划 codes do). Each region has its departments; each department file
holds the department, its power list (权力) with responsibilities (责任) and its
approval matters (事项). Matters come in families (新办 / 变更 / 延续 / 注销 / 补办 of one
licence implement one power), carry typed facts and conditions with expressions,
5 to 10 materials written the way people write them (营业执照 / 营业执照复印件 /
营业执照（副本）/ 营业执照副本原件, 居民身份证 / 身份证复印件 …), time limits and steps.
Journeys (一件事) bundle 3 to 5 matters of one region, laws declare the articles that
are cited, and a few negative-list entries name licensed and prohibited activities.

Matter names, departments and material names of the Guangdong sample
(``shared/data/gd-province-sample.jsonl``, found through ``QINGDAN_SHARED`` or
``../shared``) are mixed in when it is present; otherwise only the built-in vocabulary
is used. A small share of deliberate defects (``defect_rate``) gives the semantic
checks realistic work; the output never has syntax or reference errors.

The output is deterministic: the same arguments give byte-identical files. Files are
split per department and per chunk of ``files_per`` matters, so 100,000 matters land
in a few thousand files, not one.

Command line::

    python benchmarks/synth.py 10000 /tmp/catalog-10k [--seed 0] [--files-per 500]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qingdan.compiler.checks.identity import credit_check_char
from qingdan.compiler.materials import normalize_material
from qingdan.fsutil import atomic_directory

REPO = Path(__file__).resolve().parent.parent

MARKER = ".qingdan-synth"  # marks a directory this module wrote (it may be replaced)
LEVEL_ZH = {"province": "省", "city": "市", "county": "县", "township": "乡"}

# ---------------------------------------------------------------- departments
# key -> (county/city name suffix, province name suffix, law of the sector)
DEPT_TYPES: dict[str, tuple[str, str, str]] = {
    "scjg": ("市场监督管理局", "市场监督管理局", "市场主体登记管理条例"),
    "ga": ("公安局", "公安厅", "人民警察法"),
    "mz": ("民政局", "民政厅", "社会救助暂行办法"),
    "wj": ("卫生健康局", "卫生健康委员会", "基本医疗卫生与健康促进法"),
    "rs": ("人力资源和社会保障局", "人力资源和社会保障厅", "就业促进法"),
    "zrzy": ("自然资源局", "自然资源厅", "土地管理法"),
    "zj": ("住房和城乡建设局", "住房和城乡建设厅", "建筑法"),
    "jt": ("交通运输局", "交通运输厅", "公路法"),
    "sthj": ("生态环境局", "生态环境厅", "环境保护法"),
    "sl": ("水务局", "水利厅", "水法"),
    "ny": ("农业农村局", "农业农村厅", "渔业法"),
    "wl": ("文化广电旅游体育局", "文化和旅游厅", "公共文化服务保障法"),
    "jy": ("教育局", "教育厅", "教育法"),
    "sf": ("司法局", "司法厅", "律师法"),
    "yj": ("应急管理局", "应急管理厅", "安全生产法"),
    "sw": ("税务局", "税务局", "税收征收管理法"),
    "cg": ("城市管理和综合执法局", "城市管理和综合执法局", "城市道路管理条例"),
    "ly": ("林业局", "林业局", "森林法"),
    "yb": ("医疗保障局", "医疗保障局", "社会保险法"),
    "tyjr": ("退役军人事务局", "退役军人事务厅", "退役军人保障法"),
    "fg": ("发展和改革局", "发展和改革委员会", "行政许可法"),
    "xf": ("消防救援大队", "消防救援总队", "消防法"),
    "yp": ("药品监督管理局", "药品监督管理局", "药品管理法"),
    "ty": ("体育局", "体育局", "体育法"),
    "mzzj": ("民族宗教事务局", "民族宗教事务委员会", "宗教事务条例"),
    "tj": ("统计局", "统计局", "统计法"),
    "da": ("档案局", "档案局", "档案法"),
    "kj": ("科学技术局", "科学技术厅", "科学技术进步法"),
    "gx": ("工业和信息化局", "工业和信息化厅", "无线电管理条例"),
    "zwfw": ("政务服务数据管理局", "政务服务数据管理局", "行政许可法"),
}
CITY_NAMES = {"xf": "消防救援支队"}
# departments every province, city and county has, whether or not they hold matters here:
# they issue the certificates other matters ask for
ISSUER_TYPES = ("scjg", "ga", "mz", "wj", "rs", "zrzy", "zj", "fg", "sthj", "xf", "zwfw")
# the Guangdong sample's department names -> our department types
SAMPLE_DEPTS = (
    ("市场监督", "scjg"), ("药品监督", "yp"), ("公安", "ga"), ("社会组织管理", "mz"), ("民政", "mz"),
    ("卫生健康", "wj"), ("人力资源", "rs"), ("人事考试", "rs"), ("自然资源", "zrzy"), ("国土资源", "zrzy"),
    ("住房和城乡建设", "zj"), ("交通运输", "jt"), ("生态环境", "sthj"), ("水利", "sl"), ("农业农村", "ny"),
    ("文化和旅游", "wl"), ("教育", "jy"), ("司法", "sf"), ("应急管理", "yj"), ("税务", "sw"), ("林业", "ly"),
    ("医疗保障", "yb"), ("退役军人", "tyjr"), ("发展和改革", "fg"), ("消防", "xf"), ("体育", "ty"),
    ("民族宗教", "mzzj"), ("统计", "tj"), ("档案", "da"), ("科学技术", "kj"), ("工业和信息化", "gx"),
)

# ---------------------------------------------------------------- geography
PROVINCE = ("广东省", "440000")
CITIES = [
    ("广州市", "4401"), ("深圳市", "4403"), ("佛山市", "4406"), ("东莞市", "4419"), ("珠海市", "4404"),
    ("汕头市", "4405"), ("韶关市", "4402"), ("江门市", "4407"), ("湛江市", "4408"), ("茂名市", "4409"),
    ("肇庆市", "4412"), ("惠州市", "4413"), ("梅州市", "4414"), ("汕尾市", "4415"), ("河源市", "4416"),
    ("阳江市", "4417"), ("清远市", "4418"), ("中山市", "4420"), ("潮州市", "4451"), ("揭阳市", "4452"),
    ("云浮市", "4453"),
]
AREA_CODES = {
    "4400": "020", "4401": "020", "4403": "0755", "4406": "0757", "4419": "0769", "4404": "0756", "4405": "0754",
    "4402": "0751", "4407": "0750", "4408": "0759", "4409": "0668", "4412": "0758", "4413": "0752", "4414": "0753",
    "4415": "0660", "4416": "0762", "4417": "0662", "4418": "0763", "4420": "0760", "4451": "0768", "4452": "0663",
    "4453": "0766",
}
REAL_COUNTIES = {
    "4401": [("荔湾区", "03"), ("越秀区", "04"), ("海珠区", "05"), ("天河区", "06"), ("白云区", "11"), ("黄埔区", "12"),
             ("番禺区", "13"), ("花都区", "14"), ("南沙区", "15"), ("从化区", "17"), ("增城区", "18")],
    "4403": [("罗湖区", "03"), ("福田区", "04"), ("南山区", "05"), ("宝安区", "06"), ("龙岗区", "07"), ("盐田区", "08"),
             ("龙华区", "09"), ("坪山区", "10"), ("光明区", "11")],
    "4406": [("禅城区", "04"), ("南海区", "05"), ("顺德区", "06"), ("三水区", "07"), ("高明区", "08")],
}
PLACE_CHARS = "东西南北中新平安和兴宁丰华阳江源山水城乐昌清河湖石龙凤海云花林泉桥沙田福德仁信康泰德惠明"
TOWN_WORDS = ("街道", "镇")

# ---------------------------------------------------------------- laws
# key -> (full name, type, number of articles)
LAWS: dict[str, tuple[str, str, int]] = {
    "行政许可法": ("中华人民共和国行政许可法", "法律", 83),
    "食品安全法": ("中华人民共和国食品安全法", "法律", 154),
    "药品管理法": ("中华人民共和国药品管理法", "法律", 155),
    "市场主体登记管理条例": ("中华人民共和国市场主体登记管理条例", "行政法规", 56),
    "特种设备安全法": ("中华人民共和国特种设备安全法", "法律", 101),
    "医疗机构管理条例": ("医疗机构管理条例", "行政法规", 53),
    "公共场所卫生管理条例": ("公共场所卫生管理条例", "行政法规", 14),
    "母婴保健法": ("中华人民共和国母婴保健法", "法律", 39),
    "娱乐场所管理条例": ("娱乐场所管理条例", "行政法规", 58),
    "互联网上网服务营业场所管理条例": ("互联网上网服务营业场所管理条例", "行政法规", 38),
    "旅行社条例": ("旅行社条例", "行政法规", 68),
    "出版管理条例": ("出版管理条例", "行政法规", 73),
    "营业性演出管理条例": ("营业性演出管理条例", "行政法规", 57),
    "建筑法": ("中华人民共和国建筑法", "法律", 85),
    "城乡规划法": ("中华人民共和国城乡规划法", "法律", 70),
    "城镇排水与污水处理条例": ("城镇排水与污水处理条例", "行政法规", 59),
    "城镇燃气管理条例": ("城镇燃气管理条例", "行政法规", 53),
    "城市市容和环境卫生管理条例": ("城市市容和环境卫生管理条例", "行政法规", 39),
    "城市道路管理条例": ("城市道路管理条例", "行政法规", 45),
    "道路运输条例": ("中华人民共和国道路运输条例", "行政法规", 82),
    "环境保护法": ("中华人民共和国环境保护法", "法律", 70),
    "排污许可管理条例": ("排污许可管理条例", "行政法规", 51),
    "环境影响评价法": ("中华人民共和国环境影响评价法", "法律", 37),
    "水法": ("中华人民共和国水法", "法律", 82),
    "取水许可和水资源费征收管理条例": ("取水许可和水资源费征收管理条例", "行政法规", 58),
    "森林法": ("中华人民共和国森林法", "法律", 84),
    "农药管理条例": ("农药管理条例", "行政法规", 66),
    "兽药管理条例": ("兽药管理条例", "行政法规", 75),
    "种子法": ("中华人民共和国种子法", "法律", 92),
    "动物防疫法": ("中华人民共和国动物防疫法", "法律", 113),
    "民办教育促进法": ("中华人民共和国民办教育促进法", "法律", 67),
    "危险化学品安全管理条例": ("危险化学品安全管理条例", "行政法规", 102),
    "烟花爆竹安全管理条例": ("烟花爆竹安全管理条例", "行政法规", 46),
    "就业促进法": ("中华人民共和国就业促进法", "法律", 69),
    "劳动合同法": ("中华人民共和国劳动合同法", "法律", 98),
    "消防法": ("中华人民共和国消防法", "法律", 74),
    "城市房地产管理法": ("中华人民共和国城市房地产管理法", "法律", 73),
    "婚姻登记条例": ("婚姻登记条例", "行政法规", 22),
    "社会救助暂行办法": ("社会救助暂行办法", "行政法规", 70),
    "居民身份证法": ("中华人民共和国居民身份证法", "法律", 23),
    "户口登记条例": ("中华人民共和国户口登记条例", "行政法规", 22),
    "居住证暂行条例": ("居住证暂行条例", "行政法规", 23),
    "社会保险法": ("中华人民共和国社会保险法", "法律", 98),
    "退役军人保障法": ("中华人民共和国退役军人保障法", "法律", 85),
    "老年人权益保障法": ("中华人民共和国老年人权益保障法", "法律", 85),
    "法律援助法": ("中华人民共和国法律援助法", "法律", 71),
    "全民健身条例": ("全民健身条例", "行政法规", 40),
    "不动产登记暂行条例": ("不动产登记暂行条例", "行政法规", 35),
    "印铸刻字业暂行管理规则": ("印铸刻字业暂行管理规则", "规章", 12),
    "税收征收管理法": ("中华人民共和国税收征收管理法", "法律", 94),
    "人民警察法": ("中华人民共和国人民警察法", "法律", 52),
    "基本医疗卫生与健康促进法": ("中华人民共和国基本医疗卫生与健康促进法", "法律", 110),
    "土地管理法": ("中华人民共和国土地管理法", "法律", 87),
    "公路法": ("中华人民共和国公路法", "法律", 98),
    "渔业法": ("中华人民共和国渔业法", "法律", 50),
    "公共文化服务保障法": ("中华人民共和国公共文化服务保障法", "法律", 65),
    "教育法": ("中华人民共和国教育法", "法律", 86),
    "律师法": ("中华人民共和国律师法", "法律", 60),
    "安全生产法": ("中华人民共和国安全生产法", "法律", 119),
    "体育法": ("中华人民共和国体育法", "法律", 122),
    "宗教事务条例": ("宗教事务条例", "行政法规", 77),
    "统计法": ("中华人民共和国统计法", "法律", 50),
    "档案法": ("中华人民共和国档案法", "法律", 53),
    "科学技术进步法": ("中华人民共和国科学技术进步法", "法律", 117),
    "无线电管理条例": ("中华人民共和国无线电管理条例", "行政法规", 97),
    "广东省政务服务数据管理办法": ("广东省政务服务数据管理办法", "规章", 40),
}
ARTICLE_TEXTS = {
    ("食品安全法", 35): "国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。",
    ("行政许可法", 30): "行政机关应当将法律、法规、规章规定的有关行政许可的事项、依据、条件、数量、程序、期限以及需要提交的全部材料的目录和申请书示范文本等在办公场所公示。",
    ("行政许可法", 32): "行政机关对申请人提出的行政许可申请，应当根据下列情况分别作出处理。",
    ("行政许可法", 34): "行政机关应当对申请人提交的申请材料进行审查。",
    ("行政许可法", 42): "除可以当场作出行政许可决定的外，行政机关应当自受理行政许可申请之日起二十日内作出行政许可决定。",
    ("行政许可法", 61): "行政机关应当建立健全监督制度，通过核查反映被许可人从事行政许可事项活动情况的有关材料，履行监督责任。",
    ("药品管理法", 51): "从事药品批发活动，应当经所在地省、自治区、直辖市人民政府药品监督管理部门批准，取得药品经营许可证。",
    ("消防法", 15): "公众聚集场所投入使用、营业前消防安全检查实行告知承诺管理。",
    ("建筑法", 7): "建筑工程开工前，建设单位应当按照国家有关规定向工程所在地县级以上人民政府建设行政主管部门申请领取施工许可证。",
}

# ---------------------------------------------------------------- materials
# identity materials: base name -> the variants people write
VARIANTS: dict[str, tuple[str, ...]] = {
    "营业执照": ("营业执照复印件", "营业执照（副本）", "营业执照副本原件", "营业执照副本复印件", "《营业执照》", "营业执照 （复印件）"),
    "居民身份证": ("身份证复印件", "居民身份证（原件）", "申请人身份证", "居民身份证复印件", "身份证明"),
    "法定代表人身份证明": ("法定代表人身份证明复印件", "法定代表人身份证明（原件）", "《法定代表人身份证明》"),
    "经办人身份证": ("经办人身份证复印件", "经办人身份证（原件）"),
    "授权委托书": ("授权委托书原件", "《授权委托书》"),
    "房屋租赁合同": ("房屋租赁合同复印件", "租赁合同", "房屋租赁协议"),
    "场所使用证明": ("经营场所使用证明", "场所使用证明（原件）", "住所使用证明"),
    "户口簿": ("居民户口簿", "户口本", "户口簿复印件"),
    "近期免冠照片": ("近期一寸免冠彩色照片", "近期二寸免冠照片"),
    "无犯罪记录证明": ("无犯罪记录证明原件",),
    "社会保险缴费证明": ("社会保险缴费证明（原件）", "社保缴费证明"),
    "不动产权证书": ("不动产权证书复印件", "房屋所有权证", "不动产权证书（副本）"),
    "学历证书": ("毕业证书", "学历证书复印件", "学历证明"),
    "劳动合同": ("劳动合同复印件",),
    "结婚证": ("结婚证复印件",),
    "项目立项批复文件": ("项目立项文件", "发改部门立项批复"),
    "出生医学证明": ("出生医学证明（原件）",),
    "公司章程": ("公司章程复印件", "章程"),
}
GENERIC_SUFFIXES = ("复印件", "（复印件）", "原件", "（原件）", "扫描件", "（加盖公章）", "一式两份")
SYNONYMS = {
    "居民身份证": ["身份证", "申请人身份证", "身份证明"],
    "户口簿": ["户口本", "居民户口簿"],
    "房屋租赁合同": ["租赁合同", "房屋租赁协议"],
    "场所使用证明": ["经营场所使用证明", "住所使用证明"],
    "不动产权证书": ["房屋所有权证"],
    "学历证书": ["毕业证书", "学历证明"],
    "社会保险缴费证明": ["社保缴费证明"],
    "项目立项批复文件": ["项目立项文件", "发改部门立项批复"],
    "公司章程": ["章程"],
}
# materials a department of the region issues (declared 签发(…) so they are fetched)
ISSUED = {
    "营业执照": "scjg", "居民身份证": "ga", "户口簿": "ga", "无犯罪记录证明": "ga", "社会保险缴费证明": "rs",
    "不动产权证书": "zrzy", "结婚证": "mz", "项目立项批复文件": "fg", "出生医学证明": "wj",
}

# ---------------------------------------------------------------- facts and conditions
# profile -> (facts, conditions, identity materials with their only-when expression)
PROFILES = {
    "business": (
        ['事实 主体类型 "申请人类型": 枚举(企业法人, 个体工商户, 农民专业合作社, 其他组织)',
         '事实 经营面积 "经营场所使用面积（平方米）" {{ 类型: 数字; 单位: "平方米" }}',
         '事实 从业人数 "从业人员人数": 数字'],
        [('主体适格', '申请人为依法登记的企业、个体工商户或农民专业合作社', '主体类型 属于 [企业法人, 个体工商户, 农民专业合作社]'),
         ('场所达标', '经营场所使用面积不少于{a}平方米', '经营面积 >= {a}'),
         ('人员充足', '从业人员不少于{b}人，个体工商户不受此限', '从业人数 >= {b} 或 主体类型 == 个体工商户')],
        [("营业执照", None), ("法定代表人身份证明", "主体类型 == 企业法人"), ("居民身份证", "主体类型 == 个体工商户"),
         ("授权委托书", None), ("经办人身份证", None), ("场所使用证明|房屋租赁合同|不动产权证书", None)],
    ),
    "person": (
        ['事实 年龄 "申请人年龄（周岁）": 数字',
         '事实 户籍类型 "户籍": 枚举(本市户籍, 非本市户籍)',
         '事实 有犯罪记录 "申请人有犯罪记录": 布尔',
         '事实 居住证年限 "持本市居住证年限（年）": 数字'],
        [('年龄适格', '申请人年满{c}周岁', '年龄 >= {c}'),
         ('无犯罪记录', '申请人无故意犯罪记录', '非 有犯罪记录'),
         ('户籍或居住证', '本市户籍，或持本市居住证满一年', '户籍类型 == 本市户籍 或 居住证年限 >= 1')],
        [("居民身份证", None), ("户口簿", "户籍类型 == 本市户籍"), ("近期免冠照片", None), ("无犯罪记录证明", "年龄 >= 18")],
    ),
    "professional": (
        ['事实 学历 "最高学历": 枚举(中专, 大专, 本科, 研究生)',
         '事实 从业年限 "从事相关工作年限（年）": 数字',
         '事实 取得资格日期 "取得资格证书日期": 日期'],
        [('资历', '具有大专以上学历且从事相关工作满{b}年，或具有本科以上学历',
          '(学历 属于 [大专, 本科, 研究生] 且 从业年限 >= {b}) 或 学历 属于 [本科, 研究生]'),
         ('资格有效', '资格证书于2015年1月1日以后取得', '取得资格日期 >= 2015-01-01')],
        [("居民身份证", None), ("学历证书", None), ("劳动合同", "从业年限 > 0"), ("社会保险缴费证明", None), ("近期免冠照片", None)],
    ),
    "project": (
        ['事实 总投资 "项目总投资" {{ 类型: 数字; 单位: "万元" }}',
         '事实 用地面积 "项目用地面积（平方米）": 数字',
         '事实 政府投资 "政府投资项目": 布尔',
         '事实 计划开工日期 "计划开工日期": 日期'],
        [('规模', '项目总投资不少于{a}万元且用地面积已确定', '总投资 >= {a} 且 用地面积 > 0'),
         ('按期开工', '计划开工日期在2024年1月1日之后', '计划开工日期 > 2024-01-01')],
        [("营业执照", None), ("法定代表人身份证明", None), ("项目立项批复文件", "政府投资"), ("不动产权证书", None),
         ("授权委托书", None)],
    ),
    "vehicle": (
        ['事实 车辆数 "自有营运车辆数（辆）": 数字',
         '事实 经营类型 "经营类型": 枚举(普通货运, 危险货物运输, 大件运输)',
         '事实 驾驶员人数 "持证驾驶员人数": 数字'],
        [('车辆达标', '自有营运车辆不少于{b}辆', '车辆数 >= {b}'),
         ('驾驶员配备', '驾驶员人数不少于车辆数且危险货物运输另有专职安全员', '驾驶员人数 >= {b} 且 经营类型 != 大件运输 或 车辆数 >= 1')],
        [("营业执照", None), ("法定代表人身份证明", None), ("经办人身份证", None), ("场所使用证明|房屋租赁合同", None)],
    ),
    "benefit": (
        ['事实 家庭人均月收入 "家庭月人均收入（元）": 数字',
         '事实 户籍类型 "户籍": 枚举(本市户籍, 非本市户籍)',
         '事实 年龄 "申请人年龄（周岁）": 数字',
         '事实 重度残疾 "家庭成员有重度残疾人": 布尔'],
        [('收入标准', '家庭月人均收入低于当地最低生活保障标准{d}元', '家庭人均月收入 < {d}'),
         ('户籍要求', '申请人为本市户籍居民', '户籍类型 == 本市户籍'),
         ('特殊困难', '家庭成员有重度残疾人或申请人年满60周岁', '重度残疾 或 年龄 >= 60')],
        [("居民身份证", None), ("户口簿", None), ("结婚证", "年龄 >= 20"), ("近期免冠照片", None)],
    ),
    "organization": (
        ['事实 组织类型 "组织类型": 枚举(社会团体, 民办非企业单位, 基金会)',
         '事实 开办资金 "开办资金（万元）": 数字',
         '事实 会员数 "会员或从业人员数": 数字'],
        [('资金达标', '开办资金不少于{a}万元', '开办资金 >= {a}'),
         ('会员达标', '社会团体会员不少于50个，其他组织不受此限', '会员数 >= 50 或 组织类型 不 属于 [社会团体]')],
        [("法定代表人身份证明", None), ("公司章程", None), ("场所使用证明|房屋租赁合同", None), ("经办人身份证", None),
         ("授权委托书", None)],
    ),
}


# ---------------------------------------------------------------- matter families
# the situations a licence matter is split by (业务办理项), by action and applicant profile
SITUATIONS = {
    ("new", "business"): ("（告知承诺）", "（连锁企业门店）", "（网络经营）", "（迁址新办）"),
    ("new", "project"): ("（政府投资项目）", "（社会投资项目）", "（分期建设）"),
    ("new", "vehicle"): ("（危险货物运输）", "（大件运输）"),
    ("new", "organization"): ("（非营利性）", "（营利性）"),
    ("new", "professional"): ("（首次申请）", "（重新申请）"),
    ("change", "business"): ("（名称变更）", "（负责人变更）", "（经营场所变更）"),
    ("change", "project"): ("（建设单位变更）", "（规模变更）"),
    ("change", "vehicle"): ("（车辆变更）",),
    ("change", "organization"): ("（举办者变更）", "（地址变更）"),
}
@dataclass
class Family:
    """One power and the matters that implement it (新办, 变更, 延续 …)."""

    key: str
    dept: str
    category: str
    levels: tuple[str, ...]
    law: str
    article: int
    power_name: str
    matters: list[tuple[str, str | None, str]]  # (name, result name, action)
    materials: list[str]
    profile: str
    statutory: int = 20
    activity: str | None = None
    journey: str | None = None
    sample: dict | None = None  # the sample record it came from

    @property
    def multi_level(self) -> bool:
        return len(self.levels) > 1


def _licence(obj, dept, levels, law, art, result, mats, profile, statutory=20, activity=None, journey=None,
             actions=("new", "change", "renew", "cancel", "reissue"), verb="许可"):
    names = {"new": f"{result}核发", "change": f"{result}变更", "renew": f"{result}延续",
             "cancel": f"{result}注销", "reissue": f"{result}补办"}
    matters = []
    for a in actions:
        matters.append((names[a], None if a == "cancel" else result, a))
        # 业务办理项: one matter split by the applicant's situation, as catalogs list them
        for suffix in SITUATIONS.get((a, profile), ()):
            matters.append((names[a] + suffix, result, "sub" if a == "new" else a))
    return Family(obj, dept, "行政许可", levels, law, art, f"{obj}{verb}", matters, mats, profile, statutory, activity, journey)


def _single(name, dept, category, levels, law, art, result, mats, profile, statutory=20, power=None):
    return Family(name, dept, category, levels, law, art, power or name, [(name, result, "single")], mats, profile, statutory)


CO, CC, CY, CT, TS = ("city", "county"), ("city",), ("county",), ("township",), ("county", "township")
PV, PC = ("province",), ("province", "city")
BUILTIN_FAMILIES: list[Family] = [
    # core of every county: company opening
    Family("企业设立登记", "scjg", "行政许可", CO, "市场主体登记管理条例", 3, "企业登记",
           [("企业设立登记", "营业执照", "new"), ("企业变更登记", "营业执照", "change"), ("企业注销登记", None, "cancel")],
           ["公司章程", "股东会决议", "企业名称自主申报告知书"], "business", 3),
    _single("公章刻制备案", "ga", "其他行政权力", CY, "印铸刻字业暂行管理规则", 5, "印章备案证明",
            ["印章印模", "印章刻制申请表"], "business", 1),
    _single("涉税信息确认", "sw", "行政确认", CY, "税收征收管理法", 15, "涉税事项确认书",
            ["财务会计制度", "银行开户信息"], "business", 1),
    _single("单位参保登记", "rs", "公共服务", CY, "社会保险法", 57, "社会保险登记证",
            ["参保人员名册", "银行账户信息"], "business", 1),
    _licence("食品经营", "scjg", CO, "食品安全法", 35, "食品经营许可证",
             ["食品安全管理制度", "经营场所平面图", "设备布局图", "食品安全管理人员培训合格证明"], "business",
             activity="食品经营", journey="我要开餐馆"),
    _licence("食品生产", "scjg", CC, "食品安全法", 35, "食品生产许可证",
             ["生产工艺流程图", "主要生产设备清单", "食品安全管理制度", "产品检验报告"], "business", activity="食品生产"),
    _licence("药品零售企业经营", "scjg", CY, "药品管理法", 53, "药品零售经营许可证",
             ["执业药师注册证", "药品质量管理制度", "经营场所平面图"], "business", 30, activity="药品零售", journey="我要开药店"),
    _licence("药品批发企业经营", "yp", PV, "药品管理法", 51, "药品批发经营许可证",
             ["药品质量管理体系文件", "仓库平面图", "计算机系统说明"], "business", 30, activity="药品批发"),
    _licence("医疗机构执业登记", "wj", CO, "医疗机构管理条例", 15, "医疗机构执业许可证",
             ["医疗机构设置批准书", "医疗机构规章制度", "卫生技术人员名录", "医疗设备清单"], "business", 45,
             activity="医疗机构执业", journey="我要开诊所"),
    _licence("公共场所卫生", "wj", CY, "公共场所卫生管理条例", 8, "公共场所卫生许可证",
             ["卫生检测报告", "从业人员健康合格证明", "卫生管理制度"], "business", actions=("new", "change", "renew", "cancel")),
    _licence("娱乐场所经营", "wl", CY, "娱乐场所管理条例", 9, "娱乐场所经营许可证",
             ["消防安全检查合格证明", "投资人身份证明", "场所平面示意图"], "business", activity="娱乐场所经营", journey="我要开KTV"),
    _licence("互联网上网服务营业场所经营", "wl", CY, "互联网上网服务营业场所管理条例", 10, "网络文化经营许可证",
             ["计算机数量证明", "网络安全技术措施说明"], "business", activity="网吧经营"),
    _licence("旅行社业务经营", "wl", PV, "旅行社条例", 6, "旅行社业务经营许可证",
             ["质量保证金存缴证明", "营业设施设备清单"], "business", activity="旅行社经营"),
    _licence("出版物零售", "wl", CY, "出版管理条例", 37, "出版物经营许可证", ["经营场所证明", "负责人资质证明"], "business",
             actions=("new", "change", "cancel"), activity="出版物零售"),
    _licence("营业性演出", "wl", CY, "营业性演出管理条例", 6, "营业性演出许可证", ["演员名单", "演出节目内容说明"], "business",
             actions=("new", "change")),
    _licence("建筑工程施工", "zj", CO, "建筑法", 7, "建筑工程施工许可证",
             ["建设工程规划许可证", "施工合同", "施工图设计文件审查合格书", "资金到位证明"], "project",
             actions=("new", "change")),
    _licence("建设工程规划", "zrzy", CO, "城乡规划法", 40, "建设工程规划许可证",
             ["建设工程设计方案", "总平面图", "建设用地规划许可证"], "project", actions=("new", "change")),
    _licence("建设用地规划", "zrzy", CC, "城乡规划法", 37, "建设用地规划许可证", ["用地红线图", "项目选址意见书"], "project",
             actions=("new", "change")),
    _licence("城镇污水排入排水管网", "zj", CY, "城镇排水与污水处理条例", 21, "排水许可证",
             ["排水户内部排水管网图", "排水水质检测报告"], "business", actions=("new", "change", "renew")),
    _licence("燃气经营", "zj", CC, "城镇燃气管理条例", 15, "燃气经营许可证", ["燃气设施竣工验收证明", "安全评价报告"], "business",
             actions=("new", "change", "renew")),
    _licence("户外广告设施设置", "cg", CY, "城市市容和环境卫生管理条例", 11, "户外广告设置许可决定书",
             ["设计效果图", "场地使用证明", "结构安全检测报告"], "business", actions=("new", "renew"), verb="审批"),
    _licence("临时占用城市道路", "cg", CY, "城市道路管理条例", 31, "占用城市道路许可决定书",
             ["占道位置平面图", "交通疏导方案"], "business", 10, actions=("new", "renew"), verb="审批"),
    _licence("城市道路挖掘", "cg", CY, "城市道路管理条例", 33, "挖掘城市道路许可决定书",
             ["施工方案", "挖掘位置图"], "business", 10, actions=("new",), verb="审批"),
    _licence("道路货物运输经营", "jt", CY, "道路运输条例", 24, "道路运输经营许可证",
             ["车辆行驶证", "驾驶员从业资格证", "安全生产管理制度"], "vehicle", activity="道路货物运输"),
    _licence("排污", "sthj", CC, "排污许可管理条例", 6, "排污许可证",
             ["自行监测方案", "环境影响评价批复文件", "污染防治设施说明"], "business", 20, actions=("new", "change", "renew"),
             activity="排放污染物"),
    _licence("取水", "sl", ("province", "city", "county"), "取水许可和水资源费征收管理条例", 11, "取水许可证",
             ["水资源论证报告", "取水工程设计方案"], "project", 45, actions=("new", "change", "renew")),
    _licence("河道管理范围内建设项目", "sl", CO, "水法", 38, "河道管理范围内建设项目审批决定书",
             ["防洪评价报告", "工程设计图"], "project", actions=("new",), verb="审批"),
    _licence("林木采伐", "ly", CY, "森林法", 56, "林木采伐许可证", ["林木权属证明", "伐区调查设计"], "business", 20,
             actions=("new", "change")),
    _licence("使用林地", "ly", PV, "森林法", 37, "使用林地审核同意书", ["使用林地现状调查表", "用地批准文件"], "project",
             actions=("new",), verb="审核"),
    _licence("农药经营", "ny", CY, "农药管理条例", 24, "农药经营许可证",
             ["农药经营人员专业证明", "营业场所和仓储场所证明"], "business", activity="农药经营"),
    _licence("兽药经营", "ny", CY, "兽药管理条例", 22, "兽药经营许可证", ["兽药质量管理制度", "仓储设施证明"], "business"),
    _licence("农作物种子生产经营", "ny", CY, "种子法", 31, "农作物种子生产经营许可证",
             ["种子检验设备清单", "种子仓储场所证明"], "business", actions=("new", "change", "renew")),
    _licence("动物防疫条件", "ny", CY, "动物防疫法", 25, "动物防疫条件合格证", ["场所选址平面图", "动物防疫制度"], "business",
             actions=("new", "change")),
    _licence("民办学校办学", "jy", CY, "民办教育促进法", 12, "民办学校办学许可证",
             ["学校章程", "资产来源证明", "校舍证明", "教师资格证书"], "organization", 60, activity="民办教育"),
    _licence("危险化学品经营", "yj", CY, "危险化学品安全管理条例", 35, "危险化学品经营许可证",
             ["安全评价报告", "安全管理制度", "储存设施证明"], "business", 30, activity="危险化学品经营"),
    _licence("烟花爆竹经营（零售）", "yj", CY, "烟花爆竹安全管理条例", 19, "烟花爆竹经营（零售）许可证",
             ["零售点平面图", "安全管理人员培训证明"], "business", 20, actions=("new", "renew"), activity="烟花爆竹零售"),
    _licence("人力资源服务", "rs", CO, "就业促进法", 40, "人力资源服务许可证", ["专职工作人员名册", "服务场所证明"], "business",
             actions=("new", "change", "renew", "cancel")),
    _licence("劳务派遣经营", "rs", CC, "劳动合同法", 57, "劳务派遣经营许可证", ["劳务派遣管理制度", "验资报告"], "business",
             actions=("new", "change", "renew", "cancel")),
    _licence("放射诊疗", "wj", CC, "基本医疗卫生与健康促进法", 38, "放射诊疗许可证", ["放射防护评价报告", "放射工作人员名单"], "business",
             actions=("new", "change", "renew")),
    _licence("母婴保健技术服务", "wj", CY, "母婴保健法", 32, "母婴保健技术服务执业许可证", ["技术人员资格证明"], "professional",
             actions=("new", "renew")),
    _licence("特种设备使用登记", "scjg", CO, "特种设备安全法", 33, "特种设备使用登记证",
             ["特种设备产品合格证", "监督检验证书", "安全管理人员证书"], "business", 15, actions=("new", "change", "cancel"),
             verb="登记"),
    _licence("建筑业企业资质", "zj", PC, "建筑法", 13, "建筑业企业资质证书",
             ["技术负责人职称证书", "注册建造师证书", "企业业绩证明"], "business", 20, actions=("new", "change", "renew")),
    _licence("房地产开发企业资质", "zj", CC, "城市房地产管理法", 30, "房地产开发企业资质证书", ["专业技术人员名单"], "business",
             actions=("new", "renew")),
    _licence("公众聚集场所投入使用营业前消防安全检查", "xf", CY, "消防法", 15, "公众聚集场所投入使用营业前消防安全检查合格证",
             ["消防安全制度", "消防设施检测报告", "场所平面布置图"], "business", 10, actions=("new",), verb="检查"),
    _licence("建设工程消防验收", "zj", CY, "消防法", 13, "建设工程消防验收意见书",
             ["竣工验收报告", "消防设施检测报告", "消防设计文件"], "project", 15, actions=("new",), verb="验收"),
    _licence("高危险性体育项目经营", "wl", CY, "全民健身条例", 32, "高危险性体育项目经营许可证",
             ["社会体育指导人员证书", "救生人员证书", "场地设施检测报告"], "business", actions=("new", "change", "renew")),
    # confirmation, benefits, public services
    _single("结婚登记", "mz", "行政确认", CY, "婚姻登记条例", 4, "结婚证", ["申请结婚登记声明书"], "person", 1),
    _single("离婚登记", "mz", "行政确认", CY, "婚姻登记条例", 10, "离婚证", ["离婚协议书", "结婚证"], "person", 30),
    _single("最低生活保障审核确认", "mz", "行政给付", TS, "社会救助暂行办法", 11, "低保证",
            ["家庭收入和财产状况声明", "家庭经济状况核对授权书"], "benefit", 30),
    _single("特困人员救助供养", "mz", "行政给付", CY, "社会救助暂行办法", 14, None, ["特困人员认定申请书"], "benefit", 30),
    _single("临时救助", "mz", "行政给付", TS, "社会救助暂行办法", 47, None, ["困难情况说明"], "benefit", 15),
    _single("高龄津贴发放", "mz", "行政给付", CT, "老年人权益保障法", 33, None, ["银行账户信息"], "benefit", 20),
    _single("残疾人两项补贴发放", "mz", "行政给付", CT, "社会救助暂行办法", 18, None, ["残疾人证", "银行账户信息"], "benefit", 20),
    _single("老年人优待证办理", "mz", "公共服务", CT, "老年人权益保障法", 58, "老年人优待证", [], "person", 5),
    _single("居住证申领", "ga", "行政确认", TS, "居住证暂行条例", 9, "居住证", ["居住登记证明", "合法稳定就业证明"], "person", 15),
    _single("户口迁移", "ga", "行政确认", CY, "户口登记条例", 10, "户口迁移证", ["准予迁入证明"], "person", 10),
    _single("居民身份证申领", "ga", "行政确认", CY, "居民身份证法", 8, "居民身份证", [], "person", 60),
    _single("出生医学证明签发", "wj", "公共服务", CY, "母婴保健法", 23, "出生医学证明", ["分娩记录"], "person", 5),
    _single("出生登记", "ga", "行政确认", CY, "户口登记条例", 7, "户口登记证明", ["出生医学证明"], "person", 5),
    _single("城乡居民医保参保登记", "yb", "公共服务", TS, "社会保险法", 25, None, [], "person", 1),
    _single("就业失业登记", "rs", "公共服务", TS, "就业促进法", 35, "就业创业证", ["就业失业登记申请表"], "person", 1),
    _single("失业保险金申领", "rs", "行政给付", CY, "社会保险法", 45, None, ["解除劳动合同证明"], "person", 10),
    _single("社会保障卡申领", "rs", "公共服务", TS, "社会保险法", 58, "社会保障卡", [], "person", 5),
    _single("不动产首次登记", "zrzy", "行政确认", CY, "不动产登记暂行条例", 17, "不动产权证书",
            ["不动产权籍调查成果", "建设工程竣工验收证明"], "project", 30),
    _single("不动产转移登记", "zrzy", "行政确认", CY, "不动产登记暂行条例", 16, "不动产权证书",
            ["不动产买卖合同", "完税凭证"], "person", 5),
    _single("退役军人优待证申领", "tyjr", "公共服务", CY, "退役军人保障法", 62, "退役军人优待证", ["退役证件"], "person", 20),
    _single("城乡居民基本养老保险参保登记", "rs", "公共服务", TS, "社会保险法", 20, None, [], "person", 1),
    _single("城乡居民基本养老保险待遇申领", "rs", "行政给付", TS, "社会保险法", 21, None, ["银行账户信息"], "person", 20),
    _single("生育登记", "wj", "公共服务", CT, "母婴保健法", 7, "生育登记服务单", [], "person", 1),
    _single("残疾人证申领", "mz", "公共服务", TS, "社会救助暂行办法", 18, "残疾人证", ["残疾评定表"], "person", 20),
    _single("农村危房改造补助", "zj", "行政给付", TS, "社会救助暂行办法", 37, None, ["住房安全鉴定报告"], "benefit", 30),
    _single("独生子女父母奖励", "wj", "行政给付", CT, "母婴保健法", 31, None, ["独生子女父母光荣证"], "person", 20),
    _single("医疗救助", "yb", "行政给付", TS, "社会救助暂行办法", 27, None, ["医疗费用票据", "出院小结"], "benefit", 20),
    _single("就业困难人员认定", "rs", "行政确认", TS, "就业促进法", 52, "就业困难人员认定证明", [], "person", 10),
    _single("灵活就业人员社会保险补贴", "rs", "行政给付", CT, "就业促进法", 53, None, ["社会保险缴费证明"], "person", 20),
    _single("法律援助申请", "sf", "公共服务", TS, "法律援助法", 41, "给予法律援助决定书", ["经济困难状况说明表"], "person", 7),
    _single("学生资助申请", "jy", "行政给付", CY, "教育法", 38, None, ["家庭经济困难学生认定申请表"], "benefit", 20),
    _single("见义勇为人员奖励", "ga", "行政奖励", CC, "人民警察法", 34, "见义勇为证书", ["见义勇为事迹材料"], "person", 60),
    _single("民办非企业单位成立登记", "mz", "行政许可", CO, "社会救助暂行办法", 60, "民办非企业单位登记证书",
            ["章程草案", "验资报告"], "organization", 30),
    _single("社会团体成立登记", "mz", "行政许可", PC, "社会救助暂行办法", 61, "社会团体法人登记证书",
            ["章程草案", "会员名册"], "organization", 30),
]
JOURNEY_EXTRAS = ("公章刻制备案", "涉税信息确认", "单位参保登记", "公众聚集场所投入使用营业前消防安全检查核发",
                  "公共场所卫生许可证核发", "户外广告设施设置许可决定书核发")
PERSON_JOURNEYS = {
    "新生儿出生一件事": ("出生医学证明签发", "出生登记", "城乡居民医保参保登记", "社会保障卡申领"),
    "困难群众救助一件事": ("最低生活保障审核确认", "临时救助", "医疗救助", "残疾人两项补贴发放"),
    "就业创业一件事": ("就业失业登记", "就业困难人员认定", "灵活就业人员社会保险补贴", "城乡居民基本养老保险参保登记"),
    "退休养老一件事": ("老年人优待证办理", "高龄津贴发放", "城乡居民医保参保登记"),
}
PROHIBITED = (
    ("禁止新建高尔夫球场", "新建高尔夫球场", "ty"),
    ("禁止违规新建燃煤发电机组", "新建燃煤发电机组", "fg"),
    ("禁止从事非法金融活动", "非法集资", "scjg"),
)


# ---------------------------------------------------------------- helpers
_ID_DROP = re.compile(r"[^\w]")
_CN = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 35 -> 三十五, 105 -> 一百零五, 110 -> 一百一十."""
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    rest = n % 100
    head = _CN[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _CN[rest]
    return head + (_CN[rest // 10] + "十" + (_CN[rest % 10] if rest % 10 else ""))


def article_id(n: int) -> str:
    return f"第{cn_number(n)}条"


def ident(text: str) -> str:
    """A valid identifier from a name: NFKC, word characters only, not starting with a digit."""
    s = _ID_DROP.sub("", unicodedata.normalize("NFKC", text))
    if not s or s[0].isdigit():
        s = "项" + s
    return s


def q(text: str) -> str:
    """A quoted string literal."""
    clean = " ".join(unicodedata.normalize("NFC", text).replace("\u3000", " ").split())
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def shared_dir() -> Path | None:
    path = Path(os.environ.get("QINGDAN_SHARED", REPO.parent / "shared"))
    return path if path.is_dir() else None


def _sample_families(shared: Path | None) -> list[Family]:
    """Families from the Guangdong sample: real names, departments, materials, time limits."""
    sample = shared / "data" / "gd-province-sample.jsonl" if shared else None
    if sample is None or not sample.is_file():
        return []
    out: list[Family] = []
    seen: set[str] = set()
    category_words = {"行政许可", "行政确认", "行政给付", "行政奖励", "其他行政权力", "公共服务", "行政裁决", "行政检查"}
    for line in sample.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        name = " ".join(str(rec.get("TASK_NAME") or "").replace("\u3000", " ").split())
        dept_name = str(rec.get("DEPT_NAME") or "")
        dept = next((k for word, k in SAMPLE_DEPTS if word in dept_name), None)
        if not name or dept is None or len(name) > 60 or name in seen:
            continue
        seen.add(name)
        level = "city" if rec.get("matter_level") == "市级" or dept_name.startswith("广州市") else "province"
        category = rec.get("TASK_TYPE_TEXT") if rec.get("TASK_TYPE_TEXT") in category_words else "公共服务"
        mats = [" ".join(str(x).split()) for x in rec.get("material_intro") or []]
        mats = [x for x in mats if x and x != "无" and len(x) <= 40]
        objects = rec.get("service_object_name") or []
        profile = "person" if objects == ["自然人"] else "business"
        statutory = _days(rec.get("handle_time")) or 20
        law = DEPT_TYPES[dept][2]
        fam = Family(name, dept, category, (level,), law, 0, name, [(name, None, "single")], mats, profile,
                     max(statutory, 1), sample=rec)
        fam.article = 2 + (sum(map(ord, name)) % max(1, LAWS[law][2] - 2))
        out.append(fam)
    return out


def _days(text) -> int | None:
    m = re.match(r"\s*(\d+)", str(text or ""))
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- regions
@dataclass
class Unit:
    """One jurisdiction: the province, a city, a county or a township."""

    level: str
    name: str  # 广州市越秀区
    short: str  # 越秀区
    region: str
    parent: Unit | None = None
    target: int = 0
    departments: dict[str, str] = field(default_factory=dict)  # type key -> department id
    matters: list = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{self.level}/{self.region}"


def _dept_name(unit: Unit, key: str) -> str:
    if unit.level == "township":
        return f"{unit.name}{'办事处' if unit.short.endswith('街道') else '人民政府'}"
    county, province, _ = DEPT_TYPES[key]
    if key == "sw":
        return f"国家税务总局{unit.name}税务局"
    if unit.level == "province":
        return unit.name + province
    if unit.level == "city":
        return unit.name + CITY_NAMES.get(key, county)
    return unit.name + county


class _Names:
    """Unique synthetic place names, deterministic for a seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = {n for c in REAL_COUNTIES.values() for n, _ in c}

    def make(self, suffix: str) -> str:
        while True:
            n = self.rng.choice(PLACE_CHARS) + self.rng.choice(PLACE_CHARS)
            if n[0] != n[1] and n + suffix not in self.used:
                self.used.add(n + suffix)
                return n + suffix


def _plan(n: int, caps: dict[str, int], rng: random.Random) -> list[Unit]:
    """Spread ``n`` matters over units of the four levels."""
    names = _Names(rng)
    want = {"province": round(n * 0.07), "city": round(n * 0.23), "township": round(n * 0.20)}
    want["county"] = n - sum(want.values())
    province = Unit("province", PROVINCE[0], PROVINCE[0], PROVINCE[1])
    province.target = min(want["province"], caps["province"])
    spill = want["province"] - province.target
    n_cities = max(1 if n < 20 else 2, min(len(CITIES), math.ceil(want["city"] / 600)))
    cities = [Unit("city", name, name, code + "00", province) for name, code in CITIES[:n_cities]]
    per_city = want["city"] // n_cities if n_cities else 0
    for i, c in enumerate(cities):
        c.target = min(caps["city"], per_city + (1 if i < want["city"] - per_city * n_cities else 0))
        spill += per_city + (1 if i < want["city"] - per_city * n_cities else 0) - c.target
    county_n = want["county"] + spill
    per_county = max(1, min(500, int(caps["county"] * 0.9)))
    n_counties = max(1 if n < 20 else 2, math.ceil(county_n / per_county))
    counties = []
    seq: dict[str, int] = {}
    for i in range(n_counties):
        city = cities[i % n_cities]
        prefix = city.region[:4]
        k = seq.get(prefix, 0)
        seq[prefix] = k + 1
        real = REAL_COUNTIES.get(prefix, [])
        if k < len(real):
            short, code = real[k]
        else:
            short = names.make(rng.choice(("区", "县", "县", "区")))
            code = f"{20 + k - len(real):02d}"
            if int(code) > 99:
                raise ValueError("too many counties for one city")
        counties.append(Unit("county", city.name + short, short, prefix + code, city))
    base, extra = divmod(county_n, n_counties)
    for i, u in enumerate(counties):
        u.target = base + (1 if i < extra else 0)
    town_n = want["township"]
    per_town = max(1, min(40, caps["township"]))
    n_towns = max(1, math.ceil(town_n / per_town)) if town_n else 0
    towns = []
    tseq: dict[str, int] = {}
    for i in range(n_towns):
        county = counties[i % n_counties]
        k = tseq.get(county.region, 0) + 1
        tseq[county.region] = k
        short = names.make(rng.choice(TOWN_WORDS))
        towns.append(Unit("township", county.name + short, county.short + short, f"{county.region}{k:03d}", county))
    if towns:
        base, extra = divmod(town_n, n_towns)
        for i, u in enumerate(towns):
            u.target = base + (1 if i < extra else 0)
    # capacity overflow (tiny templates at a level) goes to counties, then cities
    for level_units, level in ((counties, "county"), (towns, "township")):
        for u in level_units:
            if u.target > caps[level]:
                over = u.target - caps[level]
                u.target = caps[level]
                for v in counties + cities:
                    room = caps[v.level] - v.target
                    take = min(room, over)
                    v.target += take
                    over -= take
                    if not over:
                        break
                if over:
                    raise ValueError("not enough matter templates for this size")
    return [province] + cities + counties + towns


# ---------------------------------------------------------------- writer
class _Writer:
    def __init__(self, n: int, seed: int, files_per: int, shared: Path | None, defect_rate: float,
                 similar_rate: float = 0.0) -> None:
        self.n = n
        self.similar_rate = similar_rate
        self.planted_similar: list[tuple[str, str, str]] = []  # (reworded | near-miss, power id, planted power id)
        self.seed = seed
        self.files_per = max(1, files_per)
        self.defect_rate = defect_rate
        self.rng = random.Random(f"qingdan-synth:{seed}")
        self.families = BUILTIN_FAMILIES + _sample_families(shared)
        self.by_level: dict[str, list[Family]] = {lv: [f for f in self.families if lv in f.levels] for lv in LEVEL_ZH}
        self.cited: dict[str, set[int]] = {}
        self.files: dict[str, str] = {}
        self.counts = {"matters": 0, "powers": 0, "responsibilities": 0, "departments": 0, "journeys": 0,
                       "negatives": 0, "material_mentions": 0, "facts": 0, "conditions": 0, "steps": 0, "defects": 0}
        self.ids: set[str] = set()
        self.licensed: dict[str, tuple[Family, str, str]] = {}  # activity -> (family, power id, department id)
        self.province: Unit | None = None
        self.promised: dict[str, int] = {}  # matter id -> promised working days
        self.result_issuers: dict[str, str] = {}  # result identity -> department type issuing it
        self.units: list[Unit] = []

    # ------------------------------------------------------------ small pieces
    def cite(self, law: str, art: int) -> str:
        art = max(1, min(art, LAWS[law][2]))
        self.cited.setdefault(law, set()).add(art)
        return f"{law}.{article_id(art)}"

    def unique(self, base: str) -> str:
        s, k = base, 2
        while s in self.ids:
            s = f"{base}_{k}"
            k += 1
        self.ids.add(s)
        return s

    def defect(self, rng: random.Random) -> bool:
        if rng.random() < self.defect_rate:
            self.counts["defects"] += 1
            return True
        return False

    def issuer(self, unit: Unit, key: str) -> str | None:
        u: Unit | None = unit
        while u is not None:
            if key in u.departments:
                return u.departments[key]
            u = u.parent
        return None

    def written(self, base: str, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.5:
            text = base
        elif base in VARIANTS and r < 0.85:
            text = rng.choice(VARIANTS[base])
        else:
            text = base + rng.choice(GENERIC_SUFFIXES)
        if rng.random() < 0.03:  # half-width brackets and a stray space, as pasted from other systems
            text = text.replace("（", "(").replace("）", ")")
            text = text[:2] + " " + text[2:]
        return text

    # ------------------------------------------------------------ departments
    def declare_departments(self, unit: Unit, keys: list[str]) -> None:
        for key in keys:
            if key in unit.departments:
                continue
            did = self.unique(ident(_dept_name(unit, key)))
            unit.departments[key] = did

    def department_block(self, unit: Unit, key: str, rng: random.Random) -> str:
        did = unit.departments[key]
        self.counts["departments"] += 1
        lines = [f"部门 {did} {q(_dept_name(unit, key))} {{", f"  层级: {LEVEL_ZH[unit.level]}", f"  区划: {q(unit.region)}"]
        if unit.parent is not None and unit.level != "township":
            parent = unit.parent.departments.get(key)
            if parent:
                lines.append(f"  上级: {parent}")
        lines.append(f"  联系方式: {q(self.phone(unit, rng))}")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def phone(self, unit: Unit, rng: random.Random) -> str:
        area = AREA_CODES.get(unit.region[:4], "020")
        return f"{area}-{rng.randrange(20000000, 89999999)}"

    # ------------------------------------------------------------ one unit
    def unit(self, unit: Unit) -> None:
        rng = random.Random(f"qingdan-synth:{self.seed}:{unit.region}")
        families = list(self.by_level[unit.level])
        core = [f for f in families if f.key in ("企业设立登记", "公章刻制备案", "涉税信息确认", "单位参保登记")]
        rest = [f for f in families if f not in core]
        rng.shuffle(rest)
        chosen: list[tuple[Family, list]] = []
        left = unit.target
        for fam in core + rest:
            if left <= 0:
                break
            ms = fam.matters[:left]
            chosen.append((fam, ms))
            left -= len(ms)
        if unit.level == "township":
            unit.departments = {"jd": self.unique(ident(_dept_name(unit, "jd")))}
            holder = lambda fam: "jd"
        else:
            self.declare_departments(unit, sorted(ISSUER_TYPES))
            self.declare_departments(unit, sorted({fam.dept for fam, _ in chosen}))
            holder = lambda fam: fam.dept
        # matters grouped by holding department, in a stable order
        by_dept: dict[str, list[tuple[Family, list]]] = {}
        for fam, ms in chosen:
            by_dept.setdefault(holder(fam), []).append((fam, ms))
        results: dict[str, tuple[str, str]] = {}  # result name -> (result id, matter id) in this unit
        written: list[tuple[Family, str, str, str | None, str]] = []  # (family, action, matter id, result id, name)
        dept_files: dict[str, list[str]] = {}
        # first pass: ids, so materials can name results of other families of the unit
        plan = []
        for key in sorted(by_dept):
            for fam, ms in by_dept[key]:
                pid = self.unique(ident(f"{unit.short}{fam.power_name}权"))
                entries = []
                for name, result, action in ms:
                    mid = self.unique(ident(f"{unit.short}{name}"))
                    rid = None
                    if result is not None:
                        rid = self.unique(ident(f"{mid}证"))
                        results.setdefault(normalize_material(result), (rid, mid))
                    entries.append((name, result, action, mid, rid))
                plan.append((key, fam, pid, entries))
        serial = 0
        for key, fam, pid, entries in plan:
            dept = unit.departments[key]
            chunks = dept_files.setdefault(key, [])
            text = [self.power(unit, fam, pid, dept, rng)]
            if fam.activity and fam.activity not in self.licensed:
                self.licensed[fam.activity] = (fam, pid, dept)
            for name, result, action, mid, rid in entries:
                serial += 1
                text.append(self.matter(unit, fam, pid, dept, name, result, action, mid, rid, results, serial, rng))
                written.append((fam, action, mid, rid, name))
            chunks.append("".join(text))
        # files: one per department, split every files_per matters
        for key in sorted(unit.departments):
            header = f"# {_dept_name(unit, key)}：权力清单、责任清单和政务服务事项（合成数据，seed {self.seed}）\n\n"
            block = self.department_block(unit, key, rng)
            parts = dept_files.get(key)
            if not parts:
                self.files.setdefault(f"{unit.path}/departments.qd", "# 本级其他部门（合成数据）\n\n")
                self.files[f"{unit.path}/departments.qd"] += block + "\n"
                continue
            chunk, size, k = [header, block, "\n"], 0, 1
            for fam_text, (_fam, ms) in zip(parts, by_dept[key]):
                if size and size + len(ms) > self.files_per:
                    self.files[f"{unit.path}/{key}.qd" if k == 1 else f"{unit.path}/{key}-{k}.qd"] = "".join(chunk)
                    chunk, size, k = [header], 0, k + 1
                chunk.append(fam_text)
                size += len(ms)
            self.files[f"{unit.path}/{key}.qd" if k == 1 else f"{unit.path}/{key}-{k}.qd"] = "".join(chunk)
        if self.similar_rate and len(unit.departments) > 1:
            self.similar_powers(unit, [(key, fam, pid) for key, fam, pid, _ in plan])
        journeys = self.journeys(unit, written, rng)
        if journeys:
            self.files[f"{unit.path}/journeys.qd"] = f"# {unit.name} 一件事（合成数据）\n\n" + journeys

    # ------------------------------------------------------------ similar power names
    def similar_powers(self, unit: Unit, plan: list[tuple[str, Family, str]]) -> None:
        """For measuring similar-power-names: another department of the unit holds a power reworded (the
        same power under another name) or a near miss (the same form, another object: a different power).

        Each draw has its own random stream, so the rest of the catalog is the same with or without them.
        """
        text = []
        heads = sorted({_split_verb(fam.power_name)[0] for _, fam, _ in plan})
        for key, fam, pid in plan:
            rng = random.Random(f"qingdan-synth:{self.seed}:{unit.region}:{pid}:similar")
            if rng.random() >= self.similar_rate:
                continue
            others = sorted(k for k in unit.departments if k != key)
            kind = rng.choice(("reworded", "near-miss"))
            name = _reworded(fam.power_name, rng) if kind == "reworded" else _other_object(fam.power_name, heads, rng)
            if not others or name is None or name == fam.power_name:
                continue
            xid = self.unique(ident(f"{unit.short}{name}权"))
            self.planted_similar.append((kind, pid, xid))  # counted at the end: counts["powers"] numbers the codes
            text.append(f"权力 {xid} {q(name)} {{\n  类别: {fam.category}\n  部门: {unit.departments[rng.choice(others)]}\n"
                        f"  层级: {LEVEL_ZH[unit.level]}\n  依据: {self.cite(fam.law, fam.article)}\n}}\n\n")
        if text:
            self.files[f"{unit.path}/similar.qd"] = "# 名称相近的权力（合成数据，用于衡量 similar-power-names）\n\n" + "".join(text)

    # ------------------------------------------------------------ power list
    def power(self, unit: Unit, fam: Family, pid: str, dept: str, rng: random.Random) -> str:
        self.counts["powers"] += 1
        abbr = {"行政许可": "XK", "行政确认": "QR", "行政给付": "JF", "行政奖励": "JL", "公共服务": "GG"}.get(fam.category, "QT")
        code = f"{unit.region}-{abbr}-{self.counts['powers']:05d}"
        lines = [f"权力 {pid} {q(fam.power_name)} {{",
                 f"  编码: {q(code)}",
                 f"  类别: {fam.category}", f"  部门: {dept}", f"  层级: {LEVEL_ZH[unit.level]}",
                 f"  依据: {self.cite(fam.law, fam.article)}"]
        if fam.multi_level and not self.defect(rng):
            lines.append(f"  分级: {q(self._division(fam))}")
        lines.append(f"  生效: 20{rng.randrange(18, 25)}-{rng.randrange(1, 13):02d}-01")
        lines.append("}")
        text = "\n".join(lines) + "\n\n"
        if not self.defect(rng):
            text += self.responsibility(pid, fam, dept, rng)
        # a penalty and an inspection power go with each licence family at city and county level
        if fam.category == "行政许可" and unit.level in ("city", "county") and fam.matters[0][2] == "new":
            for kind, cat, art in (("处罚", "行政处罚", LAWS[fam.law][2] - 3), ("检查", "行政检查", fam.article + 1)):
                xid = self.unique(ident(f"{pid}_{kind}"))
                name = f"对违反{fam.key}管理规定行为的行政处罚" if kind == "处罚" else f"对{fam.key}活动的监督检查"
                self.counts["powers"] += 1
                text += (f"权力 {xid} {q(name)} {{\n  类别: {cat}\n  部门: {dept}\n  依据: {self.cite(fam.law, art)}\n"
                         + (f"  分级: {q(self._division(fam))}\n" if fam.multi_level else "") + "}\n\n")
                text += self.responsibility(xid, fam, dept, rng, short=True)
        return text

    def _division(self, fam: Family) -> str:
        levels = "、".join(LEVEL_ZH[lv] + "级" for lv in fam.levels)
        return f"{levels}分级负责：上级负责跨辖区和重大项目，下级负责辖区内其余申请"

    def responsibility(self, pid: str, fam: Family, dept: str, rng: random.Random, short: bool = False) -> str:
        self.counts["responsibilities"] += 1
        rid = self.unique(ident(f"{pid}责任"))
        if short:
            return (f"责任 {rid} {{\n  权力: {pid}\n  监管: \"依法查处违法行为，处罚结果向社会公开\"\n  监管部门: {dept}\n"
                    f"  追责: \"不依法履行监管职责的\", \"滥用职权、玩忽职守的\"\n}}\n\n")
        basis = [self.cite("行政许可法", 61)] if fam.category == "行政许可" else []
        basis.append(self.cite(fam.law, fam.article))
        return (f"责任 {rid} {{\n  权力: {pid}\n"
                f"  受理: \"依法受理或不予受理申请，并一次性告知需要补正的全部材料\"\n"
                f"  审查: \"对申请材料进行审查，需要现场核查的组织核查\"\n"
                f"  决定: \"在承诺时限内作出准予或不予{'许可' if fam.category == '行政许可' else '办理'}的决定，不予办理的说明理由\"\n"
                f"  送达: \"通过窗口、邮寄或电子证照送达办理结果\"\n"
                f"  监管: \"对办理结果的使用情况实施事中事后监管\"\n  监管部门: {dept}\n"
                f"  追责: \"对符合条件的申请不予受理的\", \"对不符合条件的申请准予办理的\", \"超过法定时限作出决定的\"\n"
                f"  依据: {', '.join(basis)}\n}}\n\n")

    # ------------------------------------------------------------ matters
    def matter(self, unit, fam, pid, dept, name, result, action, mid, rid, results, serial, rng) -> str:
        self.counts["matters"] += 1
        lv = LEVEL_ZH[unit.level]
        region6 = unit.region[:6]
        credit17 = f"11{region6}MB{abs(hash_int(dept)) % 10_000_000:07d}"
        tail = credit17[8:] + (credit_check_char(credit17) or "0")  # a valid credit code (GB 32100-2015)
        cat_digit = "12345678"[["行政许可", "行政确认", "行政给付", "行政奖励", "公共服务", "其他行政权力", "行政裁决", "行政检查"].index(fam.category)] \
            if fam.category in ("行政许可", "行政确认", "行政给付", "行政奖励", "公共服务", "其他行政权力", "行政裁决", "行政检查") else "9"
        code = f"11{region6}{tail}{cat_digit}{unit.region}{serial:05d}"
        if self.defect(rng):
            code = rng.choice((code.lower(), code[:12], _wide(code)))  # lower case, cut short, full-width
        fields = [f"事项 {mid} {q(name)} {{", f"  编码: {q(code)}", f"  权力: {pid}", f"  部门: {dept}"]
        if rng.random() < 0.5:
            fields.append(f"  层级: {lv}")
        fields.append(f"  依据: {self.cite(fam.law, fam.article)}")
        profile = PROFILES[fam.profile]
        applicants = {"business": "企业法人、个体工商户、农民专业合作社", "person": "自然人", "professional": "自然人",
                      "project": "企业法人、事业单位法人、机关法人", "vehicle": "企业法人、个体工商户", "benefit": "自然人",
                      "organization": "社会组织法人"}[fam.profile]
        fields.append(f"  对象: {applicants}")
        fee = "免费" if rng.random() < 0.92 else f"{rng.choice((10, 20, 50, 100))} 元"
        fields.append(f"  收费: {fee}")
        fields.append("  渠道" + ("：" if rng.random() < 0.05 else ": ") + rng.choice(("网上、窗口", "网上、窗口、邮寄", "网上、移动端、窗口", "窗口")))
        visits = 0 if rng.random() < 0.7 else 1
        if self.defect(rng):
            fields.append("  # 豁免 too-many-visits: 需现场核验原件" if rng.random() < 0.5 else "  # 需现场核验")
            visits = 2
        fields.append(f"  到场: {visits} 次")
        fields.append(f"  咨询: {q(self.phone(unit, rng))}")
        fields.append(f"  地点: {q(f'{unit.name}政务服务中心{rng.randrange(1, 6)}楼{rng.randrange(1, 40)}号窗口')}")
        if fam.activity and action in ("new", "sub"):
            fields.append(f"  活动: {q(fam.activity)}")
        fields.append(f"  生效: 20{rng.randrange(19, 26)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}")
        body = ["\n".join(fields)]
        if rid:
            body.append(f"  结果 {rid} {q(result)}")
        # facts and conditions
        facts, conds, idmats = profile
        nums = {"a": rng.choice((20, 30, 50, 100, 200)), "b": rng.choice((2, 3, 5)), "c": rng.choice((16, 18)),
                "d": rng.choice((1000, 1120, 1250, 1330))}
        body.append("\n".join("  " + f.format(**nums).replace("{{", "{").replace("}}", "}") for f in facts))
        self.counts["facts"] += len(facts)
        take = conds if action in ("new", "sub", "single") else conds[:1]
        cond_lines = []
        for cid, text, expr in take:
            self.counts["conditions"] += 1
            if self.defect(rng):
                cond_lines.append(f"  条件 {cid} {q(text.format(**nums))} {{ 依据: {self.cite(fam.law, fam.article + 1)} }}")
                continue
            cond_lines.append(f"  条件 {cid} {q(text.format(**nums))} {{\n    当: {expr.format(**nums)}\n"
                              f"    依据: {self.cite(fam.law, fam.article + 1)}\n  }}")
        body.append("\n".join(cond_lines))
        body.append(self.materials(unit, fam, name, result, action, mid, idmats, results, rng))
        body.append(self.limits_and_steps(unit, fam, dept, mid, rng))
        return "\n\n".join(body) + "\n}\n\n"

    def materials(self, unit, fam, name, result, action, mid, idmats, results, rng) -> str:
        out: list[str] = []
        seen_keys: set[str] = set()
        used_ids: set[str] = set()

        def add(base: str, only_when: str | None = None, source: str | None = None, extra: str = "") -> None:
            key = normalize_material(base)
            for canon, syns in SYNONYMS.items():
                if base in syns:
                    key = normalize_material(canon)
            if key in seen_keys:
                return
            seen_keys.add(key)
            text = self.written(base, rng)
            mat_id = ident(base)[:14]
            k = 2
            while mat_id in used_ids:
                mat_id = f"{ident(base)[:14]}{k}"
                k += 1
            used_ids.add(mat_id)
            props = []
            if source is None:
                source = self.source_of(unit, base, mid, results, rng)
            if source:
                props.append(f"来源: {source}")
            if only_when:
                props.append(f"仅当: {only_when}")
            if extra:
                props.append(extra)
            self.counts["material_mentions"] += 1
            out.append(f"  材料 {mat_id} {q(text)}" + (" { " + "; ".join(props) + " }" if props else ""))

        add(f"{name}申请表", extra="形式: 原件; 份数: 1")
        if action in ("change", "renew", "cancel", "reissue") and result:
            own = results.get(normalize_material(result))
            if own and own[1] != mid and action != "reissue":
                add(result, source=f"产出({own[0]})")
        for base, only in idmats:
            if "|" in base:
                base = rng.choice(base.split("|"))
            if base == "营业执照" and fam.key == "企业设立登记":
                continue
            add(base, only)
        specific = fam.materials if action in ("new", "sub", "single") else fam.materials[:2]
        for base in specific:
            extra = ""
            r = rng.random()
            if r < 0.08:
                extra = "容缺: 是"
            elif r < 0.14:
                extra = "承诺: 是"
            add(base, extra=extra)
        return "\n".join(out)

    def source_of(self, unit: Unit, base: str, mid: str, results: dict, rng: random.Random) -> str | None:
        """签发(…) or 产出(…) for a material someone in the catalog provides, else None (applicant)."""
        key = normalize_material(base)
        for canon, syns in SYNONYMS.items():
            if base in syns:
                key = normalize_material(canon)
        own = results.get(key)
        if own and own[1] != mid:
            return None if self.defect(rng) else f"产出({own[0]})"
        dept_type = ISSUED.get(base) or next((d for b, d in ISSUED.items() if normalize_material(b) == key), None)
        if dept_type is None:
            dept_type = self.result_issuers.get(key)
        if dept_type:
            issuer = self.issuer(unit, dept_type)
            if issuer and not self.defect(rng):
                return f"签发({issuer})"
        return None

    def limits_and_steps(self, unit: Unit, fam: Family, dept: str, mid: str, rng: random.Random) -> str:
        statutory = fam.statutory
        if fam.sample is not None:
            promised = _days(fam.sample.get("handle_time_limit")) or max(1, statutory // 2)
        else:
            promised = max(1, statutory // rng.choice((1, 2, 2, 3, 4)))
        promised = min(promised, statutory)
        self.promised[mid] = promised
        lines = []
        if self.defect(rng):  # no time limit at all, or a promise over the statutory limit
            if rng.random() < 0.5:
                lines.append("  # 时限待定")
            else:
                lines.append(f"  时限 {{ 法定: {statutory} 工作日; 承诺: {statutory + 5} 工作日 }}")
        else:
            lines.append(f"  时限 {{ 法定: {statutory} 工作日; 承诺: {promised} 工作日 }}")
        # steps that fit in the promised limit: accept, review, then decide or deliver
        centre = self.issuer(unit, "zwfw") or dept
        self.counts["steps"] += 3
        if promised <= 1:
            lines += [f"  步骤 受理 {{ 部门: {centre}; 用时: 2 小时 }}", f"  步骤 审查 {{ 部门: {dept}; 用时: 4 小时 }}",
                      f"  步骤 决定 {{ 部门: {dept}; 用时: 2 小时 }}"]
        else:
            review = promised - 2 if promised > 3 else promised - 1
            lines += [f"  步骤 受理 {{ 部门: {centre}; 用时: 1 工作日 }}", f"  步骤 审查 {{ 部门: {dept}; 用时: {review} 工作日 }}"]
            left = promised - review - 1
            lines.append(f"  步骤 决定 {{ 部门: {dept}; 用时: {left} 工作日 }}" if left else f"  步骤 送达 {{ 部门: {centre} }}")
        return "\n".join(lines)

    # ------------------------------------------------------------ journeys
    def journeys(self, unit: Unit, written: list, rng: random.Random) -> str:
        by_name = {name: (mid, fam) for fam, action, mid, rid, name in written}
        out = []
        target_count = max(1, len(written) // 40) if len(written) >= 3 else 0
        opening = by_name.get("企业设立登记")
        groups: list[tuple[str, list[str], bool]] = []
        for fam, action, mid, _rid, _name in written:
            if fam.journey and action == "new" and opening:
                extras = [by_name[x][0] for x in JOURNEY_EXTRAS if x in by_name and by_name[x][0] != mid]
                rng.shuffle(extras)
                members = [opening[0], mid] + extras[: rng.randrange(1, 4)]
                if len(members) >= 3:
                    groups.append((fam.journey, members, True))
        for title, names in PERSON_JOURNEYS.items():
            members = [by_name[x][0] for x in names if x in by_name]
            if len(members) >= 3:
                groups.append((title, members, False))
        # further bundles: matters for the same kind of applicant, as 一件事 themes group them
        pools: dict[str, list[str]] = {}
        for fam, action, mid, _rid, _name in written:
            if action in ("new", "single"):
                pools.setdefault(fam.profile, []).append(mid)
        kinds = sorted(k for k, v in pools.items() if len(v) >= 3)
        while len(groups) < target_count and kinds:
            pool = pools[rng.choice(kinds)]
            members = rng.sample(pool, min(rng.randrange(3, 6), len(pool)))
            groups.append((f"联办{len(groups) + 1}", members, False))
        durations = self.promised
        for title, members, first_then_rest in groups[: max(target_count, len(groups))]:
            self.counts["journeys"] += 1
            jid = self.unique(ident(f"{unit.short}{title}"))
            lead = unit.departments.get("zwfw") or unit.departments.get("jd")
            if first_then_rest:
                order = f"{members[0]} -> {members[1]}" + "".join(f", {members[0]} -> {x}" for x in members[2:])
                crit = durations.get(members[0], 1) + max(durations.get(x, 1) for x in members[1:])
            else:
                order = " -> ".join(members[:2])
                crit = durations.get(members[0], 1) + max(durations.get(x, 1) for x in members[1:])
                crit = max(crit, max(durations.get(x, 1) for x in members))
            target = crit + rng.randrange(0, 5)
            if self.defect(rng):
                target = max(1, crit // 2)
            name = title if not title.startswith("联办") else f"{unit.short}联办事项{title[2:]}"
            out.append(f"一件事 {jid} {q(name)} {{\n  事项: {'、'.join(members)}\n  先后: {order}\n"
                       f"  目标: {target} 工作日\n  牵头部门: {lead}\n}}\n\n")
        return "".join(out)

    # ------------------------------------------------------------ the whole catalog
    def run(self) -> None:
        caps = {lv: sum(len(f.matters) for f in fams) for lv, fams in self.by_level.items()}
        units = _plan(self.n, caps, self.rng)
        self.province = units[0]
        for fam in self.families:
            for _, result, _ in fam.matters:
                if result:
                    self.result_issuers.setdefault(normalize_material(result), fam.dept)
        # departments of every non-township unit are declared before any matter names them
        for u in units:
            if u.level != "township":
                self.declare_departments(u, sorted(ISSUER_TYPES))
        for u in units:
            self.unit(u)
        self.files["negative-list.qd"] = self.negatives()
        self.files["laws.qd"] = self.laws()
        self.units = units

    def negatives(self) -> str:
        out = ["# 市场准入负面清单（合成数据）\n\n"]
        limit = 5 + self.n // 5000
        for k, activity in enumerate(sorted(self.licensed)[:limit], 1):
            fam, pid, dept = self.licensed[activity]
            self.counts["negatives"] += 1
            out.append(f"负面清单 N{200 + k} {q(f'未获得许可，不得从事{activity}')} {{\n  编码: {q(str(200 + k))}\n  类型: 许可\n"
                       f"  描述: {q(fam.power_name)}\n  主管部门: {dept}\n  实施: {pid}\n  活动: {q(activity)}\n"
                       f"  依据: {self.cite(fam.law, fam.article)}\n}}\n\n")
        for i, (title, activity, key) in enumerate(PROHIBITED, 1):
            dept = self.province.departments.get(key) or self.province.departments["fg"]
            self.counts["negatives"] += 1
            out.append(f"负面清单 N{100 + i} {q(title)} {{\n  编码: {q(str(100 + i))}\n  类型: 禁止\n  描述: {q(title)}\n"
                       f"  主管部门: {dept}\n  活动: {q(activity)}\n}}\n\n")
        return "".join(out)

    def laws(self) -> str:
        out = ["# 法律法规及其被引用的条款（合成数据：条文为示意）\n\n"]
        for key in sorted(self.cited):
            full, kind, _n = LAWS[key]
            out.append(f"法规 {key} {q(full)} {{\n  类型: {kind}\n")
            for art in sorted(self.cited[key]):
                text = ARTICLE_TEXTS.get((key, art), f"{full}{article_id(art)}（条文略）")
                out.append(f"  条款 {article_id(art)} {q(text)}\n")
            out.append("}\n\n")
        return "".join(out)


def hash_int(text: str) -> int:
    """A stable hash (Python's hash() of str changes between runs)."""
    h = 2166136261
    for ch in text.encode("utf-8"):
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


# approval verbs a power name ends with, longest first
_VERB_ENDINGS = ("许可证核发", "核发", "审批", "许可", "核准", "审核", "批准")


def _split_verb(name: str) -> tuple[str, str]:
    """(head, approval verb): 占用、挖掘城市道路审批 → (占用、挖掘城市道路, 审批); no verb → (name, "")."""
    for verb in _VERB_ENDINGS:
        if name.endswith(verb) and len(name) > len(verb) + 1:
            return name[: -len(verb)], verb
    return name, ""


def _words(text: str) -> list[str]:
    import jieba  # on use: only the similar-name measurement needs it

    jieba.setLogLevel(60)
    return [w for w in jieba.lcut(text, HMM=False) if w.strip()]


def _reworded(name: str, rng: random.Random) -> str | None:
    """The same power as another department might name it: the approval verb swapped, the words reordered, or both
    (占用、挖掘城市道路审批 → 城市道路占用、挖掘许可)."""
    head, verb = _split_verb(name)
    words = _words(head)
    content = [k for k, w in enumerate(words) if re.search(r"\w", w)]
    can_reorder = len(content) >= 2
    swap = verb and (not can_reorder or rng.random() < 0.5)
    if can_reorder and (not swap or rng.random() < 0.5):
        k = content[rng.randrange(1, len(content))]
        words = words[k:] + words[:k]
        if not re.search(r"\w", words[-1]):
            words = words[:-1]
    new_verb = rng.choice([v for v in ("审批", "许可", "核准") if v != verb]) if swap else verb
    out = "".join(words) + new_verb
    return out if out != name else None


def _other_object(name: str, heads: list[str], rng: random.Random) -> str | None:
    """A near miss: the same form with one word of another power's name in place of its longest word
    (食品经营许可 → 药品经营许可): a different power, which must not be reported."""
    head, verb = _split_verb(name)
    words = _words(head)
    content = sorted((w for w in words if re.search(r"\w", w) and len(w) > 1), key=lambda w: (-len(w), w))
    if not content:
        return None
    pool = sorted({w for h in heads for w in _words(h) if len(w) > 1 and re.search(r"\w", w)} - set(words))
    if not pool:
        return None
    target = content[0]
    i = words.index(target)
    return "".join(words[:i] + [rng.choice(pool)] + words[i + 1:]) + verb


def _toml(seed: int) -> str:
    syn = "\n".join(f'"{k}" = [{", ".join(json.dumps(v, ensure_ascii=False) for v in vs)}]' for k, vs in SYNONYMS.items())
    return (f'# 合成的政务服务事项目录（benchmarks/synth.py，seed {seed}）\n[project]\nname = "广东省政务服务事项目录（合成）"\n'
            f'region = "440000"\nlevel = "省"\nlang = "zh"\nversion = "2026.1"\n\n[materials.synonyms]\n{syn}\n')


def write_catalog(outdir: str | Path, n_matters: int, seed: int = 0, files_per: int = 500, *,
                  shared: Path | bool | None = True, defect_rate: float = 0.02, similar_rate: float = 0.0) -> dict:
    """Write a synthetic project of ``n_matters`` matters to ``outdir``; return its counts.

    ``outdir`` must be absent, empty, or an earlier output of this function (it is then
    replaced). ``shared`` is the shared folder (True: find it, False/None: built-in
    vocabulary only). ``defect_rate`` is the share of places that get a deliberate defect.
    ``similar_rate`` is the share of powers that get a second department's power with a similar
    name (half reworded, half near misses; see ``_Writer.similar_powers``), listed in the
    returned ``planted_similar``; 0 leaves the catalog as it was.
    """
    if n_matters < 1:
        raise ValueError("n_matters must be at least 1")
    out = Path(outdir)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise FileExistsError(f"{out} exists and is not empty (and not an earlier synth.py output); choose another directory")
    shared_path = shared_dir() if shared is True else (shared or None)
    w = _Writer(n_matters, seed, files_per, shared_path, defect_rate, similar_rate)
    w.run()
    total = 0
    with atomic_directory(out) as tmp:
        (tmp / MARKER).write_text(f"seed={seed} matters={n_matters}\n", encoding="utf-8")
        (tmp / "qingdan.toml").write_text(_toml(seed), encoding="utf-8")
        for rel in sorted(w.files):
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            data = w.files[rel].encode("utf-8")
            total += len(data)
            p.write_bytes(data)
    counts: dict[str, Any] = dict(w.counts)
    counts.update({
        "files": len(w.files),
        "bytes": total,
        "laws": len(w.cited),
        "articles": sum(len(v) for v in w.cited.values()),
        "units": {lv: sum(1 for u in w.units if u.level == lv) for lv in LEVEL_ZH},
        "sample": shared_path is not None and any(f.sample for f in w.families),
    })
    if similar_rate:
        counts["powers"] += len(w.planted_similar)
        counts["planted_similar"] = w.planted_similar
    return counts


def write_project(root: str | Path, n: int, seed: int = 0) -> dict:
    """The entry point the other benchmark scripts look for."""
    return write_catalog(root, n, seed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write a synthetic qingdan catalog of N matters to OUTDIR.")
    ap.add_argument("n", type=int, help="number of matters")
    ap.add_argument("outdir", help="output directory (absent, empty, or an earlier synth.py output)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--files-per", type=int, default=500, help="matters per rule file at most (default 500)")
    ap.add_argument("--defect-rate", type=float, default=0.02, help="share of deliberate defects (default 0.02)")
    ap.add_argument("--no-sample", action="store_true", help="use only the built-in vocabulary")
    args = ap.parse_args(argv)
    try:
        counts = write_catalog(args.outdir, args.n, args.seed, args.files_per, shared=not args.no_sample,
                               defect_rate=args.defect_rate)
    except (ValueError, FileExistsError) as e:
        print(f"synth.py: {e}", file=sys.stderr)
        return 2
    print(json.dumps(counts, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
