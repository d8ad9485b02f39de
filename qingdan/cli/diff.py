"""``qingdan diff``: what changed between two versions of a catalog, with the reform indicators and targets."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..compiler.report import render_text as render_findings
from ..compiler.text import say
from ..fsutil import atomic_write
from .common import as_of_option, cli_context, fail_usage, lang_option
from .helptext import help_text, zh_help

DIFF_FORMATS = ("text", "markdown", "json")


@zh_help("比较规则项目的两个版本：OLD 和 NEW 是目录或 git 版本（HEAD~1、main、v2026.1）。\n\n"
         "不给 NEW 时，把 OLD 与工作区中的项目比较。PATH 是项目在工作区中的目录（默认：当前目录）；"
         "git 版本从包含它的仓库中同一路径读取，不改动工作区。无论有何变化都以 0 退出；"
         "给了 --fail-on-target 且有改革目标未达成时以 1 退出；某一方无法读取时以 2 退出。")
@click.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.argument("path", required=False, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True,
              help=help_text("text（终端阅读）、markdown（合并请求评论）或 json（diff.schema.json）",
                             "text (for the terminal), markdown (a pull-request comment) or json (diff.schema.json)"))
@lang_option
@click.option("--fail-on-target", is_flag=True, help=help_text("qingdan.toml 的 [targets] 中有目标未达成时以 1 退出",
                                                              "exit 1 when a target of [targets] in qingdan.toml is missed"))
@click.option("--no-targets", is_flag=True, help=help_text("不计算改革目标（[targets]）", "leave out the [targets] of qingdan.toml"))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=help_text("把报告写入这个文件，而不是标准输出",
                                                                               "write the report to this file instead of standard output"))
@as_of_option
def diff_command(old: str, new: str | None, path: str | None, fmt: str, lang: str | None, fail_on_target: bool,
                 no_targets: bool, output: str | None, as_of: date | None) -> None:
    """Compare two versions of a rule project: OLD and NEW are directories or git revisions (HEAD~1, main, v2026.1).

    Without NEW, OLD is compared with the project in the working tree. PATH is the project's
    directory in the working tree (default: the current directory); a revision is read from
    the git repository that holds it, at the same path, without touching the working tree.
    Exits 0 whatever changed; 1 with --fail-on-target when a target is missed; 2 when a side
    cannot be read.
    """
    from ..changes.compare import diff_sides
    from ..changes.report import render_json, render_markdown, render_text
    from ..changes.revisions import ChangesError, DiffOptions, SideSpec, resolve_side

    project = Path(path or ".")
    if not project.is_dir():
        fail_usage(f"项目目录不存在 / project directory not found: {project}")
    shown = lang or "zh"
    # With --as-of both versions are read as in force on that day; without it, each on its own [project] date.
    options = DiffOptions(compile=cli_context().compile_options(checks=False, as_of=as_of))
    try:
        old_spec = resolve_side(old, project)
        new_spec = resolve_side(new, project) if new is not None else SideSpec(
            label=say(shown, "工作区", "working tree"), kind="directory", path=project)
        report = diff_sides(old_spec, new_spec, project, options, targets=not no_targets)
    except ChangesError as e:
        fail_usage(e.message(shown))
    lang = lang or report.new.config.lang
    if fmt == "json":
        text = render_json(report)
    elif fmt == "markdown":
        text = render_markdown(report, lang)
    else:
        text = render_text(report, lang)
    if output:
        atomic_write(output, text)
    else:
        click.echo(text, nl=False)
    if report.target_findings and fmt == "text" and not output:
        click.echo(render_findings(report.target_findings, {}, lang), nl=False, err=True)
    sys.exit(1 if fail_on_target and report.targets_missed else 0)
