"""``qingdan graph``: export the compiled catalog graph as JSON, GraphML or DOT.

The graph needs a project that compiles (no syntax or reference errors); findings of
the semantic checks do not stop the export, since they do not change the graph.
"""

from __future__ import annotations

from datetime import date

import click

from ..compiler.graph import GRAPH_FORMATS
from ..fsutil import atomic_write
from .common import as_of_option, compile_structure_or_exit, lang_option
from .helptext import help_text, zh_help


@zh_help("导出目录关系图：部门、法规、权力、事项、材料、一件事及它们之间带类型的关系。")
@click.command("graph")
@click.argument("path", default=".", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["json", "graphml", "dot"]), default="json", show_default=True, help=help_text("图文件格式", "graph file format"))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=help_text("写入这个文件，而不是标准输出", "write to this file instead of standard output"))
@as_of_option
@lang_option
def graph_command(path: str, fmt: str, output: str | None, as_of: date | None, lang: str | None) -> None:
    """Export the catalog graph: departments, laws, powers, matters, materials, journeys and their typed edges."""
    result = compile_structure_or_exit(path, lang, as_of)
    text = GRAPH_FORMATS[fmt](result.catalog.graph, project=result.config.name)
    if output:
        atomic_write(output, text)
    else:
        click.echo(text, nl=False)
