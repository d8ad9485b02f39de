"""``qingdan graph``: export the compiled catalog graph as JSON, GraphML or DOT.

The graph needs a project that compiles (no syntax or reference errors); findings of
the semantic checks do not stop the export, since they do not change the graph.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..catalog.project import CompileResult, UsageError, compile_path
from ..cli_common import fail_usage, lang_option
from ..compiler.report import render_text


def compile_structure_or_exit(path: str | Path, lang: str | None) -> CompileResult:
    """Compile without the semantic checks; exit 1 with the report if the rules have errors."""
    try:
        result = compile_path(path, run_semantic_checks=False)
    except UsageError as e:
        fail_usage(str(e))
    if not result.files and not result.diagnostics:
        fail_usage(f"没有找到规则文件（*.qd） / no rule files (*.qd) found in {path}")
    if result.has_errors or result.model is None:
        lang = lang or result.config.lang
        errors = [d for d in result.diagnostics if d.severity.value == "error" and not d.waived]
        click.echo(render_text(errors, result.files, lang), nl=False, err=True)
        click.echo("qingdan: 规则有错误，请先修正 / the rules have errors; fix them first" if lang == "zh"
                   else "qingdan: the rules have errors; fix them first", err=True)
        sys.exit(1)
    return result


@click.command("graph")
@click.argument("path", default=".", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["json", "graphml", "dot"]), default="json", show_default=True, help="graph file format")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="write to this file instead of standard output")
@lang_option
def graph_command(path: str, fmt: str, output: str | None, lang: str | None) -> None:
    """Export the catalog graph: departments, laws, powers, matters, materials, journeys and their typed edges."""
    from ..fsutil import atomic_write
    from .graph import GRAPH_FORMATS

    result = compile_structure_or_exit(path, lang)
    text = GRAPH_FORMATS[fmt](result.graph, project=result.config.name)
    if output:
        atomic_write(output, text)
    else:
        click.echo(text, nl=False)


def register(cli: click.Group) -> None:
    cli.add_command(graph_command)
