"""``qingdan eval``: decide one applicant's case, a matter or a journey, for the facts given.

Exit codes: 0 when a decision was made (whatever it is), 1 when the rules do not
compile, 2 for a bad command line or a facts file that does not fit.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..compiler.text import say
from .common import as_of_option, compile_structure_or_exit, fail_usage, lang_option
from .helptext import help_text, zh_help

if TYPE_CHECKING:
    from ..engine.datafiles import FactsFile


@zh_help("按给定的事实，判定 PATH 项目中的事项或一件事 TARGET（标识符或名称）。")
@click.command("eval")
@click.argument("path", type=click.Path())
@click.argument("target")
@click.option("--facts", "facts_path", type=click.Path(dir_okay=False), default=None,
              help=help_text("申请人的事实：一个“事实: 值”形式的 JSON 或 YAML 文件（不给时，所有事实都视为缺少）",
                            "the applicant's facts: a JSON or YAML file of fact: value (without it, every fact is missing)"))
@click.option("--explain", is_flag=True, help=help_text("以树形列出推理过程（为什么满足、为什么不满足，并附法规条款）", "print the reasoning as a tree (why, and why not, with the articles)"))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help=help_text("输出格式", "output format"))
@as_of_option
@lang_option
def eval_command(path: str, target: str, facts_path: str | None, explain: bool, fmt: str, as_of: date | None, lang: str | None) -> None:
    """Decide matter or journey TARGET (identifier or title) of the project at PATH for the given facts."""
    # imported on use: the engine would add about 40 ms to the start-up of every command
    from ..engine.datafiles import DataError, read_facts_file
    from ..engine.decision_text import render_decision, render_explanation
    from ..engine.evaluate import FactsError, UnknownTarget, evaluate

    facts_file: FactsFile | None = None
    if facts_path is not None:
        p = Path(facts_path)
        if not p.is_file():
            fail_usage(f"事实文件不存在 / facts file not found: {facts_path}")
        try:
            facts_file = read_facts_file(p, facts_path)
        except DataError as e:
            fail_usage(e.located(lang or "zh"))
    result = compile_structure_or_exit(path, lang, as_of)
    lang = lang or result.config.lang
    try:
        decision = evaluate(result.catalog, target, facts_file.facts if facts_file else {}, lang=lang, explain=explain)
    except UnknownTarget as e:
        if e.why is not None:  # declared, but not in force on the as-of date
            fail_usage(e.message(lang))
        known = "、".join(e.known[:20]) + ("…" if len(e.known) > 20 else "")
        fail_usage(e.message(lang) + say(lang, f"（已声明：{known or '无'}）", f" (declared: {known or 'none'})"))
    except FactsError as e:
        lines = []
        for prob in e.problems:
            line, col = facts_file.locate(prob.fact) if (facts_file and prob.fact) else (1, 1)
            lines.append(f"{facts_path}:{line}:{col}: {prob.message(lang)}" if facts_path else prob.message(lang))
        click.echo("\n".join(lines), err=True)
        click.echo(say(lang, "qingdan: 事实不符合声明的类型，未作判定", "qingdan: the facts do not fit the declared facts; nothing was decided"), err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    click.echo(render_decision(decision, lang), nl=False)
    if explain and decision.explanation is not None:
        click.echo("")
        click.echo(say(lang, "判定过程：", "Reasoning:"))
        click.echo(render_explanation(decision.explanation, lang), nl=False)
