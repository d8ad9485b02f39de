"""The ``qingdan`` command line: the click group, its commands, and the two entry points.

Each command lives in its own module; ``COMMANDS`` lists them all. ``main`` runs the
command line in-process (the tests use it); ``console_main`` is the installed script.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from .. import __version__
from .build import build_command
from .check import check_command
from .common import CliContext
from .diff import diff_command
from .eval import eval_command
from .explain import explain_command
from .fmt import fmt_command
from .graph import graph_command
from .helptext import help_language, help_text, localize, remember_group_language, zh_help
from .import_ import import_group
from .init import init_command
from .journey import journey_command
from .lsp import lsp_command
from .site import site_command
from .test import test_command

COMMANDS: tuple[click.Command, ...] = (
    init_command,
    check_command,
    explain_command,
    fmt_command,
    eval_command,
    test_command,
    journey_command,
    graph_command,
    build_command,
    site_command,
    diff_command,
    import_group,
    lsp_command,
)


@zh_help("qingdan 清单：编译、检查和发布行政审批目录。")
@click.group(commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="qingdan", help=help_text("显示版本号并退出。", "Show the version and exit."))
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, expose_value=False, callback=remember_group_language,
              help=help_text("帮助和提示信息的语言，作为各命令 --lang 的默认值", "language of the help and messages: the default of every command's --lang"))
def cli() -> None:
    """qingdan 清单: compile, check and publish administrative-approval catalogs."""


def main(context: CliContext | None = None) -> NoReturn:
    """Run the command line on ``sys.argv``; always exits (``SystemExit``) with the command's code.

    Errors become one line on standard error and exit code 2 (130 when aborted); no
    traceback is shown, not even for a bug. The help is in the language ``help_language``
    chooses (``--lang``, ``QINGDAN_LANG``, the project's ``lang``, else Chinese).
    """
    localize(cli, help_language(sys.argv[1:]))
    try:
        cli.main(standalone_mode=False, obj=context or CliContext(), prog_name="qingdan")
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


def console_main() -> NoReturn:
    """The installed ``qingdan`` script: ``main`` with two speed-ups for a process that ends after one command.

    Only here, never in ``main``: ``CliContext(short_lived=True)`` makes compiling freeze
    the compiled catalog out of the cyclic garbage collector (``CompileOptions(freeze_gc=True)``),
    and after flushing the streams the process leaves with ``os._exit``, skipping the
    teardown that would free millions of objects (8 s at 10,000 matters) after the
    output is complete.
    """
    code = 0
    try:
        main(CliContext(short_lived=True))
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
