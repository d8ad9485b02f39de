"""``qingdan journey``: print a journey's figures (materials, sharing, critical path, visits)."""

from __future__ import annotations

import json
from datetime import date

import click

from ..compiler.diagnostics import did_you_mean
from ..compiler.journeys import render_text
from ..compiler.text import did_you_mean_suffix
from .common import as_of_option, compile_structure_or_exit, fail_usage, lang_option
from .helptext import help_text, zh_help


@zh_help("打印 PATH 项目中一件事 NAME（标识符或名称）的各项数字。")
@click.command("journey")
@click.argument("path", type=click.Path())
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help=help_text("输出格式", "output format"))
@as_of_option
@lang_option
def journey_command(path: str, name: str, fmt: str, as_of: date | None, lang: str | None) -> None:
    """Print the figures of journey NAME (its identifier or its title) in the project at PATH."""
    result = compile_structure_or_exit(path, lang, as_of)
    catalog = result.catalog
    lang = lang or result.config.lang
    jid = name if name in catalog.journeys else next((j.id for j in catalog.journeys.values() if j.name == name), None)
    if jid is None:
        known = sorted(catalog.journeys)
        suffix = did_you_mean_suffix(did_you_mean(name, known + [j.name for j in catalog.journeys.values()]))
        listing = "、".join(known) if known else "（无）"
        fail_usage(f"没有一件事“{name}”{suffix.zh}（已声明：{listing}） / no journey '{name}'{suffix.en}")
    figures = catalog.journey_figures(jid)
    if fmt == "json":
        click.echo(json.dumps(figures.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(figures, lang), nl=False)
