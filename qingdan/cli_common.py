"""Helpers shared by the command-line commands: compile, report and exit codes.

Exit codes: 0 clean, 1 findings at or above the fail level (or a failed build/test),
2 usage error or unreadable input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .catalog.project import CompileResult, UsageError, compile_path
from .compiler.diagnostics import Severity
from .compiler.report import FORMATS, render

FAIL_LEVELS = ("error", "warning", "info", "none")

format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="diagnostic output format")
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=None, help="message language (default: the project's, else zh)")
fail_on_option = click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="error", show_default=True, help="lowest severity that makes the exit code 1")


def fail_usage(message: str) -> "NoReturn":  # noqa: F821
    click.echo(f"qingdan: {message}", err=True)
    sys.exit(2)


def compile_or_exit(path: str | Path) -> CompileResult:
    try:
        result = compile_path(path)
    except UsageError as e:
        fail_usage(str(e))
    if not result.files and not result.diagnostics:
        fail_usage(f"没有找到规则文件（*.qd） / no rule files (*.qd) found in {path}")
    return result


def exit_code(result: CompileResult, fail_on: str) -> int:
    if fail_on == "none":
        return 0
    threshold = Severity(fail_on).rank
    for d in result.diagnostics:
        if not d.waived and d.severity.rank >= threshold:
            return 1
    return 0


def report(result: CompileResult, fmt: str, lang: str | None, stream=None) -> str:
    lang = lang or result.config.lang
    text = render(fmt, result.diagnostics, result.files, lang, result.config.name)
    click.echo(text, nl=False, file=stream)
    return lang


def say(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def compile_for_output(path: str, date: str | None, templates: str | None, fmt: str, lang: str | None,
                       nothing_zh: str, nothing_en: str) -> tuple[CompileResult, str]:
    """Validate the options every generating command shares, compile, and refuse a catalog with errors.

    Returns the result and the message language; exits 2 on a bad option and 1 (after
    printing the diagnostics and ``nothing_zh``/``nothing_en``) when the catalog has errors.
    """
    from datetime import date as _date

    if date is not None:
        try:
            _date.fromisoformat(date)
        except ValueError:
            fail_usage(f"--date 应为 YYYY-MM-DD 格式的日期 / --date must be a date like 2026-11-01: {date}")
    if templates is not None and not Path(templates).is_dir():
        fail_usage(f"模板目录不存在 / template directory not found: {templates}")
    result = compile_or_exit(path)
    lang = lang or result.config.lang
    if result.has_errors or result.model is None:
        report(result, fmt, lang)
        click.echo("qingdan: " + say(lang, nothing_zh, nothing_en), err=True)
        sys.exit(1)
    return result, lang
