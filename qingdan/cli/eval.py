"""``qingdan eval`` (decide one applicant's case) and ``qingdan test`` (run the tests written as data).

Exit codes: ``eval`` 0 when a decision was made (whatever it is), 1 when the rules do
not compile, 2 for a bad command line or a facts file that does not fit; ``test`` 0
when every case passes (and coverage is high enough), 1 otherwise, 2 for usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import fail_usage, lang_option

DECISION_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "decision.schema.json"


def _say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


@click.command("eval")
@click.argument("path", type=click.Path())
@click.argument("target")
@click.option("--facts", "facts_path", type=click.Path(dir_okay=False), default=None,
              help="the applicant's facts: a JSON or YAML file of fact: value (without it, every fact is missing)")
@click.option("--explain", is_flag=True, help="print the reasoning as a tree (why, and why not, with the articles)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="output format")
@lang_option
def eval_command(path: str, target: str, facts_path: str | None, explain: bool, fmt: str, lang: str | None) -> None:
    """Decide matter or journey TARGET (identifier or title) of the project at PATH for the given facts."""
    from ..engine.datafiles import DataError, read_facts_file
    from ..engine.decision_text import render_decision, render_explanation
    from ..engine.evaluate import FactsError, UnknownTarget, evaluate
    from .common import compile_structure_or_exit

    facts_file = None
    if facts_path is not None:
        p = Path(facts_path)
        if not p.is_file():
            fail_usage(f"事实文件不存在 / facts file not found: {facts_path}")
        try:
            facts_file = read_facts_file(p, facts_path)
        except DataError as e:
            fail_usage(e.located(lang or "zh"))
    result = compile_structure_or_exit(path, lang)
    lang = lang or result.config.lang
    catalog = result.catalog
    try:
        decision = evaluate(catalog, target, facts_file.facts if facts_file else {}, lang=lang, explain=explain)
    except UnknownTarget as e:
        known = "、".join(e.known[:20]) + ("…" if len(e.known) > 20 else "")
        fail_usage(e.message(lang) + _say(lang, f"（已声明：{known or '无'}）", f" (declared: {known or 'none'})"))
    except FactsError as e:
        lines = []
        for prob in e.problems:
            line, col = facts_file.locate(prob.fact) if (facts_file and prob.fact) else (1, 1)
            lines.append(f"{facts_path}:{line}:{col}: {prob.message(lang)}" if facts_path else prob.message(lang))
        click.echo("\n".join(lines), err=True)
        click.echo(_say(lang, "qingdan: 事实不符合声明的类型，未作判定", "qingdan: the facts do not fit the declared facts; nothing was decided"), err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    click.echo(render_decision(decision, lang), nl=False)
    if explain and decision.explanation is not None:
        click.echo("")
        click.echo(_say(lang, "判定过程：", "Reasoning:"))
        click.echo(render_explanation(decision.explanation, lang), nl=False)


@click.command("test")
@click.argument("path", default=".", type=click.Path())
@click.option("--junit", "junit", type=click.Path(dir_okay=False), default=None, help="also write the results as JUnit XML to this file")
@click.option("--coverage", "show_coverage", is_flag=True, help="report conditions and conditional materials not seen both true and false")
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None, help="fail when coverage is below this percentage")
@lang_option
def test_command(path: str, junit: str | None, show_coverage: bool, min_coverage: float | None, lang: str | None) -> None:
    """Run the *.test.yaml cases of the project at PATH (a directory, or one test file)."""
    from fractions import Fraction

    from ..engine.testing import TEST_SUFFIXES, coverage, discover, junit_xml, percent_text, render_coverage, render_results, run_tests
    from ..fsutil import atomic_write
    from .common import compile_structure_or_exit

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
    result = compile_structure_or_exit(root, lang)
    lang = lang or result.config.lang
    catalog = result.catalog
    if not tests:
        click.echo(_say(lang, f"qingdan: 在 {path} 下没有找到测试文件（*.test.yaml）；没有用例的测试不算通过",
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
            click.echo(_say(lang, f"qingdan: 覆盖率 {percent_text(cov.percent)}% 低于要求的 {min_coverage:g}%",
                            f"qingdan: coverage {percent_text(cov.percent)}% is below the required {min_coverage:g}%"), err=True)
            ok = False
    sys.exit(0 if ok else 1)


def _project_root(start: Path) -> Path:
    here = start.resolve()
    for p in (here, *here.parents):
        if (p / "qingdan.toml").is_file():
            return p
    return start


def register(cli: click.Group) -> None:
    cli.add_command(eval_command)
    cli.add_command(test_command)
