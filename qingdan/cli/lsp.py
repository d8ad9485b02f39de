"""``qingdan lsp``: the language server for editors, over standard input and output."""

from __future__ import annotations

import click

from .common import fail_usage, lang_option
from .helptext import help_text, zh_help

INSTALL_HINT = "pip install 'pygls>=2.1,<3'"


@zh_help("在标准输入输出上运行语言服务器（由编辑器启动，见 docs/lsp.md）。")
@click.command("lsp")
@click.option("--debounce-ms", type=click.IntRange(0, 10_000), default=None,
              help=help_text("停止输入多少毫秒后重新编译项目（默认 150）", "pause in typing before the project is compiled again (default 150)"))
@lang_option
def lsp_command(debounce_ms: int | None, lang: str | None) -> None:
    """Run the language server on standard input and output (editors start it; see docs/lsp.md)."""
    try:
        from ..lsp.server import run, server
    except ImportError as e:  # installed without its dependencies
        fail_usage(f"语言服务器需要 pygls：请运行 {INSTALL_HINT} / the language server needs pygls: run {INSTALL_HINT} ({e})")
    if lang is not None:
        server.lang = lang
    run(None if debounce_ms is None else debounce_ms / 1000)
