"""``qingdan test``: run the tests written as data (``*.test.yaml``) against a rule project.

Exit codes: 0 when every case passes (and coverage is high enough), 1 otherwise,
2 for usage errors.
"""

from __future__ import annotations

import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

import click

from ..compiler.text import say
from ..fsutil import atomic_write
from .common import as_of_option, compile_structure_or_exit, fail_usage, lang_option
from .helptext import help_text, zh_help


@zh_help("运行 PATH 项目（一个目录，或单个测试文件）中的 *.test.yaml 测试用例。")
@click.command("test")
@click.argument("path", default=".", type=click.Path())
@click.option("--junit", "junit", type=click.Path(dir_okay=False), default=None, help=help_text("同时把结果以 JUnit XML 格式写入这个文件", "also write the results as JUnit XML to this file"))
@click.option("--coverage", "show_coverage", is_flag=True, help=help_text("报告测试中没有同时出现成立和不成立两种情况的条件和有条件材料", "report conditions and conditional materials not seen both true and false"))
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None, help=help_text("覆盖率低于这个百分数时判为失败", "fail when coverage is below this percentage"))
@as_of_option
@lang_option
def test_command(path: str, junit: str | None, show_coverage: bool, min_coverage: float | None, as_of: date | None, lang: str | None) -> None:
    """Run the *.test.yaml cases of the project at PATH (a directory, or one test file)."""
    # imported on use: the engine would add about 40 ms to the start-up of every command
    from ..engine.testing import TEST_SUFFIXES, coverage, discover, junit_xml, percent_text, render_coverage, render_results, run_tests

    target = Path(path)
    if not target.exists():
        fail_usage(f"路径不存在 / path does not exist: {path}")
    if target.is_file():
        if not target.name.endswith(TEST_SUFFIXES):
            fail_usage(f"请给出项目目录或 *.test.yaml 文件 / give a project directory or a *.test.yaml file: {path}")
        root = _project_root(target.parent)
        tests = [target]
    else:
        root = target
        tests = discover(root)
    result = compile_structure_or_exit(root, lang, as_of)
    lang = lang or result.config.lang
    catalog = result.catalog
    if not tests:
        click.echo(say(lang, f"qingdan: 在 {path} 下没有找到测试文件（*.test.yaml）；没有用例的测试不算通过",
                       f"qingdan: no test files (*.test.yaml) under {path}; no cases is not a pass"), err=True)
        sys.exit(1)
    run = run_tests(catalog, root.resolve(), [t.resolve() for t in tests])
    click.echo(render_results(run.files, run.results, lang), nl=False)
    if junit:
        atomic_write(junit, junit_xml(run.files, run.results, lang, result.config.name))
    ok = run.ok
    if show_coverage or min_coverage is not None:
        cov = coverage(catalog, run.results)
        if show_coverage:
            click.echo(render_coverage(cov, lang), nl=False)
        else:
            click.echo(render_coverage(cov, lang).split("\n")[0])
        if min_coverage is not None and cov.percent < Fraction(str(min_coverage)):
            click.echo(say(lang, f"qingdan: 覆盖率 {percent_text(cov.percent)}% 低于要求的 {min_coverage:g}%",
                           f"qingdan: coverage {percent_text(cov.percent)}% is below the required {min_coverage:g}%"), err=True)
            ok = False
    sys.exit(0 if ok else 1)


def _project_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` with a qingdan.toml, else ``start``."""
    here = start.resolve()
    for p in (here, *here.parents):
        if (p / "qingdan.toml").is_file():
            return p
    return start
