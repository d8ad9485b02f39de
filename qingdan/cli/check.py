"""``qingdan check``: compile a rule project and report its diagnostics."""

from __future__ import annotations

import sys
from datetime import date

import click

from ..compiler.report import summary_line
from ..compiler.text import say
from ..fsutil import atomic_write
from .common import (
    add_target_findings,
    as_of_option,
    compile_or_exit,
    exit_code,
    fail_on_option,
    format_option,
    lang_option,
    no_cache_option,
    render_report,
    report,
)
from .helptext import help_text, zh_help


@zh_help("检查规则项目（含 qingdan.toml 的目录，或单个 .qd 文件）。")
@click.command("check")
@click.argument("path", default=".", type=click.Path())
@format_option
@lang_option
@fail_on_option
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help=help_text("把报告写入这个文件；标准输出只显示一行汇总",
                             "write the report to this file instead; standard output then shows only the one-line summary"))
@as_of_option
@no_cache_option
@click.option("--targets", "targets", is_flag=True,
              help=help_text("同时按 qingdan.toml 的 [targets] 与其基准版本比较，报告未达成的改革目标（reform-target-missed）",
                             "also measure the [targets] of qingdan.toml against their baseline revision (reform-target-missed)"))
def check_command(path: str, fmt: str, lang: str | None, fail_on: str, output: str | None, as_of: date | None,
                  no_cache: bool, targets: bool) -> None:
    """Check a rule project (a directory with qingdan.toml, or one .qd file)."""
    result = compile_or_exit(path, as_of=as_of, cache=not no_cache)
    if targets:
        add_target_findings(result)
    if output:
        lang = lang or result.config.lang
        atomic_write(output, render_report(result, fmt, lang))
        click.echo(summary_line(result.diagnostics, lang) + say(lang, f"（报告已写入 {output}）", f" (report written to {output})"))
    else:
        report(result, fmt, lang)
    sys.exit(exit_code(result, fail_on))
