"""``qingdan check``: compile a rule project and report its diagnostics."""

from __future__ import annotations

import sys

import click

from ..compiler.report import render
from ..fsutil import atomic_write
from .common import compile_or_exit, exit_code, fail_on_option, format_option, lang_option, report


@click.command("check")
@click.argument("path", default=".", type=click.Path())
@format_option
@lang_option
@fail_on_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="also write the report to this file")
def check_command(path: str, fmt: str, lang: str | None, fail_on: str, output: str | None) -> None:
    """Check a rule project (a directory with qingdan.toml, or one .qd file)."""
    result = compile_or_exit(path)
    lang = report(result, fmt, lang)
    if output:
        atomic_write(output, render(fmt, result.diagnostics, result.files, lang, result.config.name))
    sys.exit(exit_code(result, fail_on))
