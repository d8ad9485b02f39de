"""``qingdan fmt``: rewrite rule files into the canonical layout, keeping every comment."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from ..compiler.sources import find_project, read_source
from ..dsl.formatter import FormatError, format_source
from ..fsutil import atomic_write


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", "check_only", is_flag=True, help="exit 1 if any file would change; write nothing")
@click.option("--diff", "show_diff", is_flag=True, help="print a unified diff of the changes; write nothing")
@click.option("--keywords", type=click.Choice(["zh", "en"]), default=None, help="translate keywords into this language")
def fmt_command(paths: tuple[str, ...], check_only: bool, show_diff: bool, keywords: str | None) -> None:
    """Rewrite rule files into the canonical layout, keeping every comment."""
    sys.exit(format_paths(paths or (".",), check_only=check_only, show_diff=show_diff, keywords=keywords))


def _rule_files(paths: Iterable[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(find_project(p)[1])
        else:
            out.append(p)
    return out


def format_paths(paths: Iterable[str], *, check_only: bool = False, show_diff: bool = False, keywords: str | None = None) -> int:
    """Format files in place (or only report with check/diff). Returns the exit code."""
    status = 0
    for p in _rule_files(paths):
        if not p.exists():
            click.echo(f"qingdan fmt: {p}: 文件不存在 / no such file", err=True)
            status = 2
            continue
        text, problem = read_source(p, str(p))
        if problem is not None:
            line, col = (problem.loc.line, problem.loc.col) if problem.loc else (1, 1)
            click.echo(f"{p}:{line}:{col}: {problem.message_zh} / {problem.message_en}", err=True)
            status = 2
            continue
        assert text is not None  # read_source returns the text or a problem
        try:
            new = format_source(text, keywords)
        except FormatError as e:
            s = e.problem.span
            click.echo(f"{p}:{s.line}:{s.col}: 语法错误，无法格式化：{e.problem.message_zh} / syntax error, not formatted: {e.problem.message_en}", err=True)
            status = max(status, 1)
            continue
        if new == text:
            continue
        if show_diff:
            diff = difflib.unified_diff(text.splitlines(True), new.splitlines(True), f"{p} (原文)", f"{p} (格式化后)")
            sys.stdout.writelines(diff)
        if check_only:
            click.echo(f"需要格式化 / would reformat: {p}")
            status = max(status, 1)
        elif not show_diff:
            atomic_write(p, new)
            click.echo(f"已格式化 / formatted: {p}")
    return status
