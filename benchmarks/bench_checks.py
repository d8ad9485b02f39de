"""Benchmark the semantic checks against parsing on synthetic catalogs of 10k and 100k matters.

Usage:
    /work/venv/bin/python benchmarks/bench_checks.py            # 10,000 and 100,000 matters
    /work/venv/bin/python benchmarks/bench_checks.py 20000      # other sizes

For each size it writes a synthetic project (one file per region, as real catalogs are
split) to a temporary directory, compiles it with ``compile_path`` and prints the
parse time, the time of every check (``result.timings["check:<rule>"]``), their total,
and the number of findings per rule. Material names come from a realistic vocabulary
(the names in shared/data/gd-province-sample.jsonl when available, plus common ones)
written with the variants real catalogs show: 复印件, （副本）, full-width letters,
stray spaces. Every matter has 5 to 8 material mentions.

If benchmarks/synth.py (the shared synthetic-catalog generator) provides
``write_project(root, matters, seed)``, it is used instead of the generator below.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qingdan.catalog.project import compile_path  # noqa: E402

COMMON_MATERIALS = [
    "营业执照", "法定代表人身份证明", "经办人身份证", "公司章程", "住所使用证明", "场地租赁合同", "房屋所有权证",
    "申请书", "申请表", "授权委托书", "经营场所平面图", "设备清单", "从业人员健康证明", "安全管理制度",
    "环境影响评价批复", "消防安全检查合格证", "建设工程规划许可证", "施工图设计文件审查合格书", "土地使用权证",
    "验资报告", "财务审计报告", "专业技术人员资格证书", "职工花名册", "社会保险缴费证明", "银行开户许可证",
    "卫生许可证", "食品经营许可证", "排污许可证", "项目立项批复", "可行性研究报告", "检测报告", "产品质量检验报告",
    "承诺书", "情况说明", "规划设计方案", "竣工验收报告", "户口簿", "居民身份证", "结婚证", "出生医学证明",
]
VARIANTS = ["{}", "{}", "{}", "{}复印件", "{}（复印件）", "{}原件", "{}（副本）", "{}副本复印件", "《{}》", "{} 扫描件"]
DEPT_TYPES = [
    "市场监管局", "卫健委", "公安局", "税务局", "人社局", "生态环境局", "住建局", "自然资源局", "交通局", "城管局",
    "教育局", "民政局", "司法局", "财政局", "商务局", "文旅局", "农业农村局", "水利局", "应急管理局", "体育局",
    "医保局", "退役军人局", "林业局", "气象局", "档案局", "统计局", "审批局", "发改委", "经信局", "科技局",
]
OBJECTS = [
    "食品经营", "药品零售", "医疗机构执业", "排污", "建筑工程施工", "户外广告设置", "道路挖掘", "临时占道", "娱乐场所经营",
    "网吧经营", "旅行社设立", "民办学校设立", "养老机构备案", "出版物零售", "特种设备使用", "危险化学品经营",
    "烟花爆竹经营", "机动车维修", "道路运输经营", "水利工程建设", "取水", "林木采伐", "野生动物驯养", "种子生产经营",
    "农药经营", "兽药经营", "饲料生产", "电影放映", "营业性演出", "体育经营", "人力资源服务", "劳务派遣经营",
    "建筑业企业资质", "房地产开发企业资质", "物业服务", "城镇污水排入排水管网", "燃气经营", "供热经营", "档案利用",
    "律师执业", "公证员执业", "司法鉴定", "职业技能鉴定", "社会团体登记", "民办非企业单位登记", "慈善组织认定",
]
# materials a department issues: mostly declared 签发(...) in the generated matters, sometimes
# (as in real catalogs) still asked of the applicant, which shareable-material reports
ISSUERS = {
    "营业执照": "市场监管局", "居民身份证": "公安局", "户口簿": "公安局", "结婚证": "民政局", "出生医学证明": "卫健委",
    "社会保险缴费证明": "人社局", "土地使用权证": "自然资源局", "房屋所有权证": "自然资源局", "排污许可证": "生态环境局",
    "卫生许可证": "卫健委", "食品经营许可证": "市场监管局", "建设工程规划许可证": "自然资源局",
}
ACTIONS = ["许可", "审批", "核准", "备案", "登记", "变更", "延续", "注销", "认定", "年检", "换证", "补证"]


def realistic_materials(shared: Path | None) -> list[str]:
    names = list(COMMON_MATERIALS)
    sample = shared / "data" / "gd-province-sample.jsonl" if shared else None
    if sample and sample.is_file():
        for line in sample.read_text(encoding="utf-8").splitlines():
            if line.strip():
                names += [n for n in json.loads(line).get("material_intro") or [] if n and n != "无" and '"' not in n and len(n) < 40]
    return sorted(set(names))


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def generate(root: Path, matters: int, seed: int = 7) -> dict:
    """Write a synthetic project of ``matters`` matters under ``root``; return its counts."""
    rng = random.Random(seed)
    vocab = realistic_materials(Path(os.environ.get("QINGDAN_SHARED", REPO.parent / "shared")))
    templates = [(o, a) for o in OBJECTS for a in ACTIONS]
    rng.shuffle(templates)
    per_region = min(1000, len(templates))
    regions = max(1, (matters + per_region - 1) // per_region)
    root.mkdir(parents=True, exist_ok=True)
    (root / "qingdan.toml").write_text(
        '[project]\nname = "合成目录"\nregion = "330000"\nlevel = "省"\n\n[materials.synonyms]\n"居民身份证" = ["身份证", "经办人身份证"]\n',
        encoding="utf-8")
    out = ["法规 行政许可法 \"中华人民共和国行政许可法\" {\n  类型: 法律\n"]
    out += [f'  条款 第{i}条 "第{i}条"\n' for i in range(1, 101)]
    out.append("}\n\n")
    for t in DEPT_TYPES:
        out.append(f'部门 省{t} "省{t}" {{\n  层级: 省\n  区划: "330000"\n}}\n\n')
    for i, (obj, act) in enumerate(templates[:per_region]):
        dept = DEPT_TYPES[i % len(DEPT_TYPES)]
        out.append(f'权力 P{i} "{obj}{act}" {{\n  编码: "330000-XK-{i:04d}"\n  类别: 行政许可\n  部门: 省{dept}\n'
                   f'  依据: 行政许可法.第{i % 100 + 1}条\n  状态: 下放(县)\n}}\n\n'
                   f'责任 R{i} {{\n  权力: P{i}\n  监管: "事中事后监管"\n  监管部门: 省{dept}\n}}\n\n')
    (root / "province.qd").write_text("".join(out), encoding="utf-8")

    mentions = made = 0
    for r in range(regions):
        region = f"33{r // 10 + 1:02d}{r % 10 + 1:02d}"
        lines = []
        for t in DEPT_TYPES:
            lines.append(f'部门 {t}{region} "{region}{t}" {{\n  层级: 县\n  区划: "{region}"\n}}\n\n')
        ids = []
        for i, (obj, act) in enumerate(templates[:per_region]):
            if made >= matters:
                break
            made += 1
            dept = f"{DEPT_TYPES[i % len(DEPT_TYPES)]}{region}"
            mid = f"M{region}_{i}"
            ids.append(mid)
            body = [f'事项 {mid} "{obj}{act}" {{\n  编码: "{region}-XK-{i:04d}"\n  权力: P{i}\n  部门: {dept}\n'
                    f'  依据: 行政许可法.第{i % 100 + 1}条\n  到场: {rng.choice([0, 0, 1])} 次\n']
            body.append(f'  结果 Z{mid} "{obj}{act}决定书"\n')
            body.append('  事实 面积 "经营面积": 数字\n  事实 主体 "申请人类型": 枚举(企业, 个人)\n')
            body.append(f'  条件 C1 "经营面积不少于{10 + i % 50}平方米" {{\n    当: 面积 >= {10 + i % 50}\n    依据: 行政许可法.第{i % 100 + 1}条\n  }}\n')
            if i % 7 == 0:
                body.append('  条件 C2 "具有相应的管理制度" { 依据: 行政许可法.第12条 }\n')
            count = rng.randint(5, 8)
            for k, name in enumerate(rng.sample(vocab, count)):
                src = ""
                if name in ISSUERS and rng.random() < 0.9:
                    src = f" {{ 来源: 签发({ISSUERS[name]}{region}) }}"
                elif i > 0 and rng.random() < 0.05:
                    earlier = rng.randrange(i)
                    name = "{}{}决定书".format(*templates[earlier])
                    src = f" {{ 来源: 产出(ZM{region}_{earlier}) }}"
                written = rng.choice(VARIANTS).format(name)
                if rng.random() < 0.05:
                    written = _wide(written)
                body.append(f'  材料 m{k} "{written}"{src}\n')
                mentions += 1
            statutory = rng.choice([5, 10, 15, 20, 30])
            body.append(f"  时限 {{ 法定: {statutory} 工作日; 承诺: {max(1, statutory // 2)} 工作日 }}\n")
            body.append(f"  步骤 受理 {{ 部门: {dept}; 用时: 4 小时 }}\n  步骤 审查 {{ 部门: {dept}; 用时: {max(1, statutory // 4)} 工作日 }}\n")
            body.append("}\n\n")
            lines.append("".join(body))
        for j in range(0, len(ids) - 4, 100):
            group = ids[j:j + 5]
            lines.append(f'一件事 J{region}_{j} "一件事{j}" {{\n  事项: {", ".join(group)}\n'
                         f'  先后: {group[0]} -> {group[1]} -> {group[2]}, {group[0]} -> {group[3]}\n  目标: 30 工作日\n}}\n\n')
        (root / f"region_{region}.qd").write_text("".join(lines), encoding="utf-8")
    return {"matters": made, "mentions": mentions, "regions": regions}


def _generator():
    try:
        import synth  # noqa: F401  (benchmarks/synth.py, when present)

        return getattr(synth, "write_project", None)
    except ImportError:
        return None


def run(size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as tmp:
        root = Path(tmp) / "catalog"
        shared_gen = _generator()
        t0 = time.perf_counter()
        if shared_gen is not None:
            shared_gen(root, size, 7)
            counts = {"matters": size, "mentions": None, "regions": None}
        else:
            counts = generate(root, size)
        gen_time = time.perf_counter() - t0
        megabytes = sum(p.stat().st_size for p in root.rglob("*.qd")) / 1e6
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        result = compile_path(root)
        total = time.perf_counter() - t0
        model = result.model
        mentions = sum(len(mt.materials) for mt in model.matters.values())
        t = result.timings
        checks = {k[len("check:"):]: v for k, v in t.items() if k.startswith("check:")}
        by_rule = Counter(d.rule for d in result.diagnostics)
        print(f"\n== load average before the run: {load:.2f} ({'benchmarks/synth.py' if shared_gen else 'built-in generator'})")
        print(f"== {len(model.matters):,} matters, {mentions:,} material mentions, {len(model.departments):,} departments, "
              f"{len(model.journeys):,} journeys, {megabytes:.1f} MB of rules (generated in {gen_time:.1f} s)")
        print(f"   parse (sum over files)   {t.get('parse', 0):8.2f} s")
        print(f"   parse+lower (wall)       {t.get('parse+lower (wall)', 0):8.2f} s")
        print(f"   lower+resolve            {t.get('lower', 0):8.2f} s")
        print(f"   graph                    {t.get('graph', 0):8.2f} s")
        print(f"   checks (all)             {t.get('checks', 0):8.2f} s   = {t.get('checks', 0) / max(t.get('parse', 1e-9), 1e-9):.0%} of parse")
        for rule, sec in sorted(checks.items(), key=lambda kv: -kv[1]):
            print(f"     check:{rule:<30} {sec:7.3f} s   {by_rule.get(rule, 0):>7,} findings")
        print(f"   compile_path total       {total:8.2f} s")
        print(f"   semantic checks < parse: {'yes' if t.get('checks', 0) < t.get('parse', 0) else 'NO'}")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [10_000, 100_000]
    print(f"qingdan check benchmark on {os.cpu_count()} cores (python {sys.version.split()[0]})")
    for size in sizes:
        run(size)


if __name__ == "__main__":
    main(sys.argv[1:])
