"""``qingdan build``: compile, refuse on errors, write every artefact atomically."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click

from ..compiler.diagnostics import Severity
from ..compiler.text import say
from .common import as_of_option, compile_for_output, format_option, lang_option, template_error_message
from .helptext import help_text, zh_help

STEP_TITLES = {  # what the progress bar says during each build step
    "guides_step": ("办事指南", "service guides"),
    "forms_step": ("申请表单", "form schemas"),
    "decisions_step": ("决策表", "decision tables"),
    "lists_step": ("三张清单", "the three lists"),
    "exports_step": ("数据导出", "machine exports"),
    "site_step": ("审阅网站", "the reviewers' site"),
}


@zh_help("从规则项目生成办事指南、表单结构、判定表、三张清单、导出文件和审阅网站。")
@click.command("build")
@click.argument("path", default=".", type=click.Path())
@click.option("--out", "-o", "out", default="build", show_default=True, type=click.Path(file_okay=False),
              help=help_text("输出目录（整体原子替换）", "output directory (replaced atomically)"))
@click.option("--version", "version", default=None, help=help_text("目录版本号（默认：qingdan.toml 中 [project] 的 version）", "catalog version (default: [project] version)"))
@click.option("--date", "date", default=None, help=help_text("发布日期，格式 YYYY-MM-DD（默认：[project] 的 date）", "publication date YYYY-MM-DD (default: [project] date)"))
@click.option("--templates", default=None, type=click.Path(), help=help_text("自定义模板所在目录，其中的模板替换内置模板", "directory of templates overriding the built-in ones"))
@click.option("--quiet", "-q", is_flag=True, help=help_text("只输出错误信息", "print nothing but errors"))
@click.option("--no-site", "no_site", is_flag=True, help=help_text("不生成审阅网站（site-src/ 和 site/）", "leave out the reviewers' site (site-src/ and site/)"))
@as_of_option
@format_option
@lang_option
def build_command(path: str, out: str, version: str | None, date: str | None, templates: str | None, quiet: bool,
                  no_site: bool, as_of: datetime.date | None, fmt: str, lang: str | None) -> None:
    """Build guides, form schemas, decision tables, lists, exports and the reviewers' site from a rule project."""
    # imported on use: the generators and jinja2 would add about 110 ms to the start-up of every command
    import jinja2

    from ..compiler.attachments import project_files
    from ..generators.build import BUILD_STEPS, BuildError, build, project_inputs, total_units
    from ..generators.guides import ProjectTemplateError
    from ..generators.site import site_step

    steps = [s for s in BUILD_STEPS if not (no_site and s is site_step)]
    result, lang = compile_for_output(path, date, templates, fmt, lang,
                                      "目录有错误，未生成任何文件", "the catalog has errors; nothing was built", as_of)
    catalog = result.catalog
    # the output may not hold them, nor the files the guides link to
    inputs = project_inputs(result.root or Path(path), list(result.files), project_files(catalog.model))
    try:
        if not quiet and sys.stderr.isatty():
            # imported for a terminal only: rich takes about 20 ms to load
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task(say(lang, "生成中", "building"), total=total_units(catalog, steps))

                def stage(name: str) -> None:
                    zh, en = STEP_TITLES.get(name, (name, name))
                    bar.update(task, description=say(lang, f"生成{zh}", f"building {en}"), refresh=True)  # drawn even when a step is quick

                done = build(catalog, out, version=version, date=date, templates=templates,
                             progress=lambda n: bar.advance(task, n), steps=steps, diagnostics=result.diagnostics,
                             inputs=inputs, stage=stage)
        else:
            done = build(catalog, out, version=version, date=date, templates=templates, steps=steps,
                         diagnostics=result.diagnostics, inputs=inputs)
    except BuildError as e:
        click.echo(f"qingdan: {e.message(lang)}", err=True)
        sys.exit(1)
    except jinja2.TemplateError as e:  # a project's own template is broken
        click.echo(f"qingdan: {e.text(lang) if isinstance(e, ProjectTemplateError) else template_error_message(e, lang)}", err=True)
        sys.exit(1)
    if not quiet:
        warnings = result.count(Severity.warning)
        size = f"{done.bytes / 1024 / 1024:.1f} MB" if done.bytes >= 1024 * 1024 else f"{done.bytes / 1024:.1f} KB"
        click.echo(say(lang, f"已生成 {done.files} 个文件（{size}）到 {out}，目录版本 {done.version}",
                       f"built {done.files} files ({size}) into {out}, catalog version {done.version}"))
        if warnings:
            click.echo(say(lang, f"提示：目录有 {warnings} 个警告，运行 qingdan check 查看",
                           f"note: the catalog has {warnings} warnings; run qingdan check to see them"), err=True)
