"""Benchmark evaluation: decisions per second for a 20-condition matter and a 4-matter journey.

Run it with the project installed (``pip install -e .``), from the repository:

    python benchmarks/bench_eval.py              # 2 seconds per figure
    python benchmarks/bench_eval.py 5            # 5 seconds per figure
    python benchmarks/bench_eval.py 5 --record   # also update benchmarks/README.md
    python benchmarks/bench_eval.py 5 --fresh    # evaluate(): a fresh Evaluator per decision

It writes a synthetic project to a temporary directory: one matter with 20 conditions
over 10 facts of every type (and/or/not, 属于, dates, a condition built on another) and
8 materials (4 conditional), plus three more matters and a journey over the four. Facts
are drawn at random (some missing) from a fixed seed; each figure is the number of
decisions made per second by one ``Evaluator`` (as the test runner and a portal use it),
with and without the explanation tree; the figure per CPU second is steadier when other
work shares the machine. ``--fresh`` measures ``evaluate()`` instead, which
builds a new ``Evaluator`` for every decision and so says the matter's wording each time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from qingdan.compiler import Catalog, CompileOptions
from qingdan.compiler import compile as compile_project
from qingdan.engine.evaluate import Decision, Evaluator, evaluate
from qingdan.fsutil import atomic_write

REPO = Path(__file__).resolve().parent.parent

FACTS = """
  事实 面积 "经营面积": 数字
  事实 人数 "从业人数": 数字
  事实 资本 "注册资本": 数字
  事实 类型 "主体类型": 枚举(企业法人, 个体工商户, 农民专业合作社, 外资企业)
  事实 项目 "经营项目": 枚举(预包装食品, 散装食品, 热食类, 冷食类)
  事实 健康证 "持有健康证明": 布尔
  事实 违法 "有违法记录": 布尔
  事实 成立 "成立日期": 日期
  事实 到期 "租赁到期日": 日期
  事实 地址 "经营地址": 文本
"""

CONDITIONS = [
    "面积 >= 20", "面积 <= 5000", "人数 > 0", "人数 < 500 或 类型 == 企业法人", "资本 >= 3",
    "类型 属于 [企业法人, 个体工商户, 农民专业合作社]", "类型 不 属于 [外资企业] 或 资本 >= 100",
    "项目 属于 [预包装食品, 热食类] 或 面积 > 100", "健康证", "非 违法",
    "成立 < 2026-01-01", "到期 > 2026-06-30", "到期 > 成立期限", '地址 != ""', '地址 不 属于 ["不详", "无"]',
    "(面积 >= 50 且 人数 >= 3) 或 项目 == 预包装食品", "非 (违法 且 类型 == 个体工商户)",
    "c01 且 c02", "(健康证 或 人数 < 5) 且 (成立 >= 2000-01-01)", "资本 < 100000 且 面积 < 100000",
]


def matter_20() -> str:
    conds = []
    for i, expr in enumerate(CONDITIONS, 1):
        expr = expr.replace("到期 > 成立期限", "到期 >= 2024-01-01")
        conds.append(f'  条件 c{i:02d} "条件{i}" {{ 当: {expr}; 依据: 法.第一条 }}')
    materials = [
        '  材料 m1 "申请书"', '  材料 m2 "营业执照" { 来源: 产出(执照) }', '  材料 m3 "身份证明" { 来源: 签发(公安局) }',
        '  材料 m4 "平面图" { 仅当: 面积 > 200 或 项目 == 热食类; 容缺: 是 }', '  材料 m5 "承诺书" { 仅当: 非 健康证; 承诺: 是 }',
        '  材料 m6 "租赁合同" { 仅当: 到期 < 2030-01-01 }', '  材料 m7 "章程" { 仅当: 类型 == 企业法人 }', '  材料 m8 "说明" { 必需: 否 }',
    ]
    return ('事项 大事项 "二十个条件的事项" {\n  部门: 市场监管局\n  依据: 法.第一条\n  到场: 1 次\n' + FACTS
            + "\n".join(conds) + "\n" + "\n".join(materials)
            + '\n  时限 { 法定: 20 工作日; 承诺: 10 工作日 }\n  步骤 受理 { 部门: 市场监管局; 用时: 1 工作日 }\n}\n')


OTHERS = """
部门 市场监管局 "市场监管局" { 层级: 市 }
部门 公安局 "公安局" { 层级: 市 }
部门 税务局 "税务局" { 层级: 市 }
法规 法 "某法" { 条款 第一条 "第一条。" }
事项 设立 "企业设立登记" {
  部门: 市场监管局
  结果 执照 "营业执照"
  事实 类型 "主体类型": 枚举(企业法人, 个体工商户, 农民专业合作社, 外资企业)
  事实 资本 "注册资本": 数字
  条件 资本达标 "注册资本符合规定" { 当: 资本 > 0 或 类型 == 个体工商户 }
  材料 申请书 "设立登记申请书"
  材料 章程 "公司章程" { 仅当: 类型 == 企业法人 }
  时限 { 承诺: 1 工作日 }
}
事项 税务 "新办纳税人涉税事项" {
  部门: 税务局
  事实 类型 "主体类型": 枚举(企业法人, 个体工商户, 农民专业合作社, 外资企业)
  条件 已登记 "已取得营业执照" { 当: 类型 属于 [企业法人, 个体工商户] }
  材料 营业执照 "营业执照复印件"
  时限 { 法定: 5 工作日 }
}
事项 刻章 "公章刻制备案" {
  部门: 公安局
  材料 营业执照 "营业执照"
  步骤 刻制 { 部门: 公安局; 用时: 4 小时 }
}
一件事 开店 "我要开店" {
  事项: 设立、大事项、税务、刻章
  先后: 设立 -> 大事项、设立 -> 税务、设立 -> 刻章
}
"""


def random_facts(rng: random.Random) -> dict[str, Any]:
    def maybe(v: Any) -> Any:
        return None if rng.random() < 0.1 else v

    facts = {
        "面积": maybe(rng.choice([10, 20, 50, 150, 300, 6000])), "人数": maybe(rng.randint(0, 600)),
        "资本": maybe(rng.choice([0, 3, 50, 200])),
        "类型": maybe(rng.choice(["企业法人", "个体工商户", "农民专业合作社", "外资企业"])),
        "项目": maybe(rng.choice(["预包装食品", "散装食品", "热食类", "冷食类"])),
        "健康证": maybe(rng.random() < 0.8), "违法": maybe(rng.random() < 0.1),
        "成立": maybe((date(1995, 1, 1) + timedelta(days=rng.randint(0, 12000))).isoformat()),
        "到期": maybe((date(2023, 1, 1) + timedelta(days=rng.randint(0, 4000))).isoformat()),
        "地址": maybe(rng.choice(["人民路1号", "", "不详", "中山路8号"])),
    }
    return {k: v for k, v in facts.items() if v is not None}


Decide = Callable[[str, dict[str, Any], bool], Decision]


def rate(decide: Decide, target: str, facts_list: list[dict[str, Any]], seconds: float, explain: bool) -> tuple[float, float, int]:
    """Decisions per second and per CPU second over ``facts_list``, repeated for at least ``seconds``; and how many."""
    n = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for facts in facts_list:
            decide(target, facts, explain)
            n += 1
    return n / (time.perf_counter() - start), n / (time.process_time() - cpu_start), n


README = REPO / "benchmarks" / "README.md"
BEGIN, END = "<!-- eval:begin -->", "<!-- eval:end -->"


def record(lines: list[str], argv: list[str]) -> None:
    """Write the figures between the eval markers of benchmarks/README.md."""
    body = [BEGIN, f"Measured with `python benchmarks/bench_eval.py {' '.join(argv)}`:", "", "```", *lines, "```", END]
    text = README.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + "\n".join(body) + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Evaluation: `bench_eval.py`\n\n" + "\n".join(body) + "\n"
    atomic_write(README, text)
    print(f"recorded in {README.relative_to(REPO)}")


def bench_catalog() -> Catalog:
    """The synthetic project, compiled (written to a temporary directory, then removed)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "qingdan.toml").write_text('[project]\nname = "bench"\nlevel = "市"\n', encoding="utf-8")
        (root / "big.qd").write_text(matter_20(), encoding="utf-8")
        (root / "others.qd").write_text(OTHERS, encoding="utf-8")
        result = compile_project(root, CompileOptions(checks=False))
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    if errors:
        raise SystemExit("benchmark project does not compile: " + "; ".join(d.message_en for d in errors))
    return result.catalog


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("seconds", nargs="?", type=float, default=2.0, help="seconds per figure (default 2)")
    parser.add_argument("--record", action="store_true", help="write the figures into benchmarks/README.md")
    parser.add_argument("--fresh", action="store_true", help="measure evaluate(), a fresh Evaluator per decision")
    args = parser.parse_args(argv)
    seconds = args.seconds
    lines: list[str] = []

    def say(line: str) -> None:
        print(line)
        lines.append(line)

    catalog = bench_catalog()
    rng = random.Random(20261101)
    facts_list = [random_facts(rng) for _ in range(200)]
    matter = catalog.matters["大事项"]
    assert len(matter.conditions) == 20 and len(catalog.journeys["开店"].matters) == 4
    evaluator = Evaluator(catalog)
    outcomes: dict[str, int] = {}
    for f in facts_list:
        d = evaluator.decide("大事项", f, explain=False)
        outcomes[d.eligible] = outcomes.get(d.eligible, 0) + 1

    def decide_fresh(target: str, facts: dict[str, Any], explain: bool) -> Decision:
        return evaluate(catalog, target, facts, explain=explain)

    def decide_kept(target: str, facts: dict[str, Any], explain: bool) -> Decision:
        return evaluator.decide(target, facts, explain=explain)

    decide: Decide = decide_fresh if args.fresh else decide_kept

    say(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (a shared machine inflates the times)")
    say(f"facts: 200 random sets (seed 20261101); matter outcomes {dict(sorted(outcomes.items()))}")
    for label, target in (("matter with 20 conditions", "大事项"), ("journey of 4 matters", "开店")):
        for explain in (False, True):
            per_sec, per_cpu_sec, n = rate(decide, target, facts_list, seconds, explain)
            say(f"{label:<28} explain={'yes' if explain else 'no ':<3}  {per_sec:>9,.0f} decisions/s  ({n:,} in {seconds:g} s;"
                f" {per_cpu_sec:,.0f} per CPU second)")
    if args.fresh:
        say("(evaluate(): a fresh Evaluator for every decision)")
    if args.record:
        record(lines, argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
