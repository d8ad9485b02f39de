"""``qingdan journey``: print a journey's figures (materials, sharing, critical path, visits)."""

from __future__ import annotations

import json

import click

from ..compiler.diagnostics import did_you_mean
from .common import fail_usage, lang_option


@click.command("journey")
@click.argument("path", type=click.Path())
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="output format")
@lang_option
def journey_command(path: str, name: str, fmt: str, lang: str | None) -> None:
    """Print the figures of journey NAME (its identifier or its title) in the project at PATH."""
    from ..compiler.journeys import render_text
    from .common import compile_structure_or_exit

    result = compile_structure_or_exit(path, lang)
    catalog = result.catalog
    lang = lang or result.config.lang
    jid = name if name in catalog.journeys else next((j.id for j in catalog.journeys.values() if j.name == name), None)
    if jid is None:
        known = sorted(catalog.journeys)
        s = did_you_mean(name, known + [j.name for j in catalog.journeys.values()])
        listing = "、".join(known) if known else "（无）"
        fail_usage(f"没有一件事“{name}”" + (f"，是不是“{s}”？" if s else "") + f"（已声明：{listing}） / "
                   f"no journey '{name}'" + (f"; did you mean '{s}'?" if s else ""))
    figures = catalog.journey_figures(jid)
    if fmt == "json":
        click.echo(json.dumps(figures.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(figures, lang), nl=False)


def register(cli: click.Group) -> None:
    cli.add_command(journey_command)
