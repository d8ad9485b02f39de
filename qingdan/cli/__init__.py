"""The ``qingdan`` command line (click).

Core commands live here; each capability registers its own commands from its own
module, listed in ``_EXTENSIONS``.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from .. import __version__
from .common import CliContext, compile_or_exit, exit_code, fail_on_option, fail_usage, format_option, lang_option, report


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="qingdan")
def cli() -> None:
    """qingdan 清单: compile, check and publish administrative-approval catalogs."""


@cli.command()
@click.argument("path", default=".", type=click.Path())
@format_option
@lang_option
@fail_on_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="also write the report to this file")
def check(path: str, fmt: str, lang: str | None, fail_on: str, output: str | None) -> None:
    """Check a rule project (a directory with qingdan.toml, or one .qd file)."""
    result = compile_or_exit(path)
    lang = report(result, fmt, lang)
    if output:
        from ..compiler.report import render
        from ..fsutil import atomic_write

        atomic_write(output, render(fmt, result.diagnostics, result.files, lang, result.config.name))
    sys.exit(exit_code(result, fail_on))


@cli.command()
@click.argument("rule", required=False)
@lang_option
def explain(rule: str | None, lang: str | None) -> None:
    """Print a check rule's documentation (or list all rules)."""
    from ..compiler.checks import all_rules
    from ..compiler.diagnostics import RULES, did_you_mean
    from ..compiler.rule_docs import rule_markdown

    all_rules()
    lang = lang or "zh"
    if rule is None:
        for r in sorted(RULES.values(), key=lambda r: r.code):
            click.echo(f"{r.code}  {r.name:<30} {r.severity.value:<8} {r.summary(lang)}")
        return
    found = RULES.get(rule) or next((r for r in RULES.values() if r.code == rule.upper()), None)
    if found is None:
        s = did_you_mean(rule, RULES)
        fail_usage(f"没有规则“{rule}” / no rule '{rule}'" + (f"; did you mean '{s}'?" if s else ""))
    click.echo(rule_markdown(found, lang))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--check", "check_only", is_flag=True, help="exit 1 if any file would change; write nothing")
@click.option("--diff", "show_diff", is_flag=True, help="print a unified diff of the changes; write nothing")
@click.option("--keywords", type=click.Choice(["zh", "en"]), default=None, help="translate keywords into this language")
def fmt(paths: tuple[str, ...], check_only: bool, show_diff: bool, keywords: str | None) -> None:
    """Rewrite rule files into the canonical layout, keeping every comment."""
    from .fmt import format_paths

    sys.exit(format_paths(paths or (".",), check_only=check_only, show_diff=show_diff, keywords=keywords))


_EXTENSIONS: list[str] = [
    "qingdan.cli.eval",
    "qingdan.cli.graph",
    "qingdan.cli.journey",
    "qingdan.cli.build",
    "qingdan.cli.site",
    "qingdan.cli.import_",
]


def _load_extensions() -> None:
    for name in _EXTENSIONS:
        importlib.import_module(name).register(cli)


def main(context: CliContext | None = None) -> None:
    _load_extensions()
    try:
        cli.main(standalone_mode=False, obj=context or CliContext())
    except click.exceptions.Abort:
        click.echo("qingdan: 已中止 / aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except SystemExit:
        raise
    except RecursionError:
        click.echo("qingdan: 输入嵌套过深，无法处理 / input nested too deeply to process", err=True)
        sys.exit(2)
    except OSError as e:
        where = getattr(e, "filename", "") or ""
        click.echo(f"qingdan: 无法读写 / cannot read or write {where}: {e.strerror or e}", err=True)
        sys.exit(2)
    except Exception as e:  # a bug: one line, no traceback, a non-zero exit
        click.echo(f"qingdan: 内部错误 / internal error: {type(e).__name__}: {e}", err=True)
        sys.exit(2)
    sys.exit(0)


def console_main() -> None:
    """The console script: ``main``, then leave without tearing the heap down.

    The compiled catalog is frozen out of the cyclic collector (see
    ``project.FREEZE_AFTER_COMPILE``): the process ends soon after.

    After compiling a large catalog the interpreter would spend seconds freeing millions
    of objects (8 s at 10,000 matters) before the process ends; the output is complete by
    then, so the streams are flushed and the process exits at once with the same code.
    """
    try:
        main(CliContext(short_lived=True))
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if e.code is not None and not isinstance(e.code, int):
            print(e.code, file=sys.stderr)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can be said
        code = code or 1
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    console_main()
