"""Benchmark ``qingdan build``: build time and output size per 1,000 matters.

Usage:
    /work/venv/bin/python benchmarks/bench_build.py             # 1,000 and 5,000 matters
    /work/venv/bin/python benchmarks/bench_build.py 2000 10000  # other sizes
    /work/venv/bin/python benchmarks/bench_build.py --own 1000  # the clean catalog below, even if synth.py exists

For each size it writes a synthetic project to a temporary directory, compiles it
(parse, lower, graph and checks, timed apart), then runs every build step into a
temporary output directory and prints the time of each step, the total, the number of
files and bytes written, and the figures per 1,000 matters.

The project comes from benchmarks/synth.py when it provides ``write_catalog`` (called
with ``defect_rate=0``, so the catalog builds; ``--own`` forces the generator below);
otherwise from the generator below, which
writes a clean catalog (no errors): matters of several categories with number, enum,
bool and date facts, conditions with and/or/not, conditional, shared, 容缺 and 告知承诺
materials, steps and limits, one power and responsibility per matter, negative-list
entries and a journey for every five matters. The build is run through the library
(``generators.build.build``), so a synthetic catalog with findings is still built.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qingdan.catalog.catalog import Catalog  # noqa: E402
from qingdan.catalog.project import compile_path  # noqa: E402
from qingdan.compiler.diagnostics import Severity  # noqa: E402
from qingdan.generators import build as build_mod  # noqa: E402

CATEGORIES = ["行政许可", "行政许可", "行政确认", "行政给付", "公共服务", "其他行政权力"]
OBJECTS = ["食品经营", "药品零售", "排污", "建筑施工", "户外广告", "道路挖掘", "娱乐场所", "旅馆业", "印章刻制", "危险化学品经营"]


def _write_own(root: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    depts = [f"部门{i:02d}" for i in range(30)]
    head = ['[project]\nname = "基准测试目录"\nregion = "331100"\nlevel = "市"\nversion = "bench"\ndate = "2026-11-01"\n']
    (root / "qingdan.toml").write_text(head[0], encoding="utf-8")
    base = [f'部门 {d} "青川市{d}" {{ 层级: 市; 区划: "331100"; 联系方式: "0576-{8000 + i}" }}' for i, d in enumerate(depts)]
    base.append('部门 共享中心 "青川市大数据中心" { 层级: 市; 区划: "331100" }')
    base.append('法规 基准法 "青川市政务服务条例" {\n  类型: 地方性法规\n'
                + "".join(f'  条款 第{k}条 "第{k}条的内容。"\n' for k in range(1, 51)) + "}")
    (root / "base.qd").write_text("\n".join(base) + "\n", encoding="utf-8")
    per_file = 500
    for start in range(0, n, per_file):
        out = []
        for i in range(start, min(n, start + per_file)):
            d = depts[i % len(depts)]
            art = f"第{i % 50 + 1}条"
            obj = OBJECTS[i % len(OBJECTS)]
            code = f"331100-XK-{i + 1:06d}"
            out.append(
                f'权力 权{i} "{obj}事项{i}" {{ 编码: "{code}"; 类别: {CATEGORIES[i % len(CATEGORIES)]}; 部门: {d}; 依据: 基准法.{art} }}\n'
                f'责任 责{i} {{ 权力: 权{i}; 受理: "依法受理"; 审查: "依法审查"; 决定: "依法决定"; 监管部门: {d}; 追责: "违法审批的" }}\n'
            )
            statutory = rng.choice([10, 15, 20, 30])
            promised = max(1, statutory // rng.choice([2, 3, 4]))
            area = rng.choice([10, 20, 50, 100])
            out.append(f'''事项 项{i} "{obj}审批{i}" {{
  编码: "{code}"
  权力: 权{i}
  部门: {d}
  依据: 基准法.{art}
  对象: 企业法人、个体工商户
  收费: {"免费" if i % 3 else "50 元"}
  渠道: 网上、窗口
  到场: {1 if i % 5 == 0 else 0} 次
  结果 证{i} "{obj}许可证{i}"
  事实 面积{i} "经营面积（平方米）": 数字
  事实 类型{i} "申请人类型": 枚举(企业法人, 个体工商户, 其他组织)
  事实 有证{i} "持有相关资格证书": 布尔
  事实 成立{i} "成立日期": 日期
  条件 面积达标{i} "经营面积达标" {{ 当: 面积{i} >= {area} 且 面积{i} < 100000; 依据: 基准法.{art} }}
  条件 主体合格{i} "申请人类型符合规定" {{ 当: 类型{i} 属于 [企业法人, 个体工商户] 或 有证{i}; 依据: 基准法.{art} }}
  条件 资格{i} "持有资格证书或成立满一年" {{ 当: 有证{i} 或 非 (成立{i} > 2025-11-01); 依据: 基准法.{art} }}
  材料 申请书{i} "{obj}申请书{i}" {{ 形式: 原件; 载体: 电子; 份数: 1 }}
  材料 平面图{i} "{obj}场所平面图{i}" {{ 仅当: 面积{i} >= {area * 2} }}
  材料 制度{i} "{obj}管理制度{i}" {{ 容缺: 是 }}
  材料 说明{i} "{obj}情况说明{i}" {{ 仅当: 类型{i} == 其他组织; 承诺: 是 }}
  材料 数据{i} "{obj}共享证明{i}" {{ 来源: 签发(共享中心) }}
  时限 {{ 法定: {statutory} 工作日; 承诺: {promised} 工作日 }}
  步骤 受理 {{ 部门: {d}; 用时: 1 工作日 }}
  步骤 审查 {{ 部门: {d}; 用时: {max(1, promised - 2)} 工作日 }}
}}
''')
            if i % 5 == 4:
                members = [f"项{k}" for k in range(i - 4, i + 1)]
                out.append(f'一件事 件{i} "一件事{i}" {{ 事项: {"、".join(members)}; 先后: {members[0]} -> {members[1]}、{members[0]} -> {members[2]}; 目标: 60 工作日 }}\n')
            if i % 10 == 0:
                out.append(f'负面清单 负{i} "未获许可不得从事{obj}{i}" {{ 编码: "{i + 1}"; 类型: 许可; 主管部门: {d}; 实施: 项{i}; 活动: "{obj}{i}" }}\n')
        (root / f"matters-{start // per_file:03d}.qd").write_text("".join(out), encoding="utf-8")


def write_project(root: Path, n: int, seed: int = 7, own: bool = False) -> str:
    if own:
        _write_own(root, n, seed)
        return "bench_build.py generator"
    try:
        import synth  # type: ignore

        if hasattr(synth, "write_catalog"):  # without deliberate defects: a catalog that builds
            synth.write_catalog(root, n, seed, defect_rate=0.0)
            return "benchmarks/synth.py, defect_rate=0"
        if hasattr(synth, "write_project"):
            synth.write_project(root, n, seed)
            return "benchmarks/synth.py"
    except ImportError:
        pass
    _write_own(root, n, seed)
    return "bench_build.py generator"


def run(n: int, own: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="qd-bench-build-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        source = write_project(root, n, own=own)
        t0 = time.perf_counter()
        result = compile_path(root)
        compile_s = time.perf_counter() - t0
        catalog = Catalog(result)
        matters = len(catalog.matters)
        times: dict[str, float] = {}
        steps = []
        for step in build_mod.BUILD_STEPS:
            def timed(c, out, ctx, _step=step):
                s0 = time.perf_counter()
                _step(c, out, ctx)
                times[_step.__name__] = times.get(_step.__name__, 0.0) + time.perf_counter() - s0

            steps.append(timed)
        t0 = time.perf_counter()
        done = build_mod.build(catalog, Path(tmp) / "out", steps=steps)
        build_s = time.perf_counter() - t0
        per = 1000 / max(matters, 1)
        sizes: dict[str, int] = {}
        for f in (Path(tmp) / "out").rglob("*"):
            if f.is_file():
                top = f.relative_to(Path(tmp) / "out").parts[0]
                sizes[top] = sizes.get(top, 0) + f.stat().st_size
        print(f"== {matters} matters, {len(catalog.journeys)} journeys ({source}); "
              f"{result.count(Severity.error)} errors, {result.count(Severity.warning)} warnings")
        print(f"   compile (parse+checks): {compile_s:8.2f} s")
        for name, s in times.items():
            print(f"   {name:<24} {s:8.2f} s")
        print(f"   build total (incl. manifest and swap): {build_s:8.2f} s, {done.files} files, {done.bytes / 1024 / 1024:.1f} MB")
        print("   output by directory (MB): " + ", ".join(f"{k} {v / 1024 / 1024:.1f}" for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])))
        print(f"   per 1,000 matters: build {build_s * per:.2f} s, compile {compile_s * per:.2f} s, "
              f"output {done.bytes * per / 1024 / 1024:.1f} MB in {done.files * per:.0f} files")


def main(argv: list[str]) -> None:
    own = "--own" in argv
    sizes = [int(a) for a in argv if a != "--own"] or [1000, 5000]
    for n in sizes:
        run(n, own)


if __name__ == "__main__":
    main(sys.argv[1:])
