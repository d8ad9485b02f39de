"""``qingdan fmt``: rewrite rule files into the canonical layout, keeping every comment.

Messages in ``--lang``, else ``QINGDAN_LANG``, else the working directory's project ``lang``, else Chinese.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..compiler.sources import find_project, read_source
from ..compiler.text import say
from ..dsl.formatter import FormatError, format_source
from ..fsutil import atomic_write
from .common import lang_option
from .helptext import help_text, project_language, zh_help


@zh_help("把规则文件改写成统一的标准格式，保留全部注释。")
@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", "check_only", is_flag=True, help=help_text("只检查：有文件需要改动时退出码为 1，不写任何文件", "exit 1 if any file would change; write nothing"))
@click.option("--diff", "show_diff", is_flag=True, help=help_text("打印改动的统一差异（unified diff），不写任何文件", "print a unified diff of the changes; write nothing"))
@click.option("--keywords", type=click.Choice(["zh", "en"]), default=None, help=help_text("把关键字改写成这种语言", "translate keywords into this language"))
@lang_option
def fmt_command(paths: tuple[str, ...], check_only: bool, show_diff: bool, keywords: str | None, lang: str | None) -> None:
    """Rewrite rule files into the canonical layout, keeping every comment."""
    lang = lang or project_language() or "zh"
    sys.exit(format_paths(paths or (".",), check_only=check_only, show_diff=show_diff, keywords=keywords, lang=lang))


def _rule_files(paths: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(find_project(p)[1])
        else:
            out.append(p)
    return out


def format_paths(paths: Iterable[str], *, check_only: bool = False, show_diff: bool = False, keywords: str | None = None,
                 lang: str = "zh") -> int:
    """Format files in place (or only report with check/diff), saying so in ``lang``. Returns the exit code."""
    status = 0
    for p in _rule_files(paths):
        if not p.exists():
            click.echo("qingdan fmt: " + say(lang, f"{p}：文件不存在", f"{p}: no such file"), err=True)
            status = 2
            continue
        text, problem = read_source(p, str(p))
        if problem is not None:
            line, col = (problem.loc.line, problem.loc.col) if problem.loc else (1, 1)
            click.echo(f"{p}:{line}:{col}: {say(lang, problem.message_zh, problem.message_en)}", err=True)
            status = 2
            continue
        assert text is not None  # read_source returns the text or a problem
        try:
            new = format_source(text, keywords)
        except FormatError as e:
            s = e.problem.span
            click.echo(f"{p}:{s.line}:{s.col}: " + say(lang, f"语法错误，无法格式化：{e.problem.message_zh}",
                                                     f"syntax error, not formatted: {e.problem.message_en}"), err=True)
            status = max(status, 1)
            continue
        if new == text:
            continue
        if show_diff:
            diff = difflib.unified_diff(text.splitlines(True), new.splitlines(True), f"{p} (原文)", f"{p} (格式化后)")
            sys.stdout.writelines(diff)
        if check_only:
            click.echo(say(lang, f"需要格式化：{p}", f"would reformat: {p}"))
            status = max(status, 1)
        elif not show_diff:
            atomic_write(p, new)
            click.echo(say(lang, f"已格式化：{p}", f"formatted: {p}"))
    return status
