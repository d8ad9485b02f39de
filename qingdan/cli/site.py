"""``qingdan site``: write the reviewers' mkdocs-material project, and optionally build it.

The project gets a ``manifest.json`` (as ``qingdan build`` writes) beside ``mkdocs.yml``, so
that the next run replaces the directory only when it still holds nothing but what
qingdan wrote (``generators.build.check_output_dir``).
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

import click

from ..compiler.text import say
from ..fsutil import atomic_directory
from .common import as_of_option, compile_for_output, format_option, lang_option, template_error_message
from .helptext import help_text, zh_help


@zh_help("为规则项目生成审阅网站（一个 mkdocs-material 项目）。")
@click.command("site")
@click.argument("path", default=".", type=click.Path())
@click.option("--out", "-o", "out", default="site-src", show_default=True, type=click.Path(file_okay=False),
              help=help_text("mkdocs 项目（mkdocs.yml 和 docs/）的输出目录，整体原子替换",
                            "directory for the mkdocs project (mkdocs.yml and docs/), replaced atomically"))
@click.option("--build", "build_html", is_flag=True, help=help_text("同时运行 mkdocs build --strict，把网站生成到 OUT/site", "also run mkdocs build --strict into OUT/site"))
@click.option("--version", "version", default=None, help=help_text("目录版本号（默认：qingdan.toml 中 [project] 的 version）", "catalog version (default: [project] version)"))
@click.option("--date", "date", default=None, help=help_text("发布日期，格式 YYYY-MM-DD（默认：[project] 的 date）", "publication date YYYY-MM-DD (default: [project] date)"))
@click.option("--templates", default=None, type=click.Path(), help=help_text("自定义办事指南模板所在目录，其中的模板替换内置模板", "directory of guide templates overriding the built-in ones"))
@click.option("--quiet", "-q", is_flag=True, help=help_text("只输出错误信息", "print nothing but errors"))
@as_of_option
@format_option
@lang_option
def site_command(path: str, out: str, build_html: bool, version: str | None, date: str | None, templates: str | None,
                 quiet: bool, as_of: datetime.date | None, fmt: str, lang: str | None) -> None:
    """Write the reviewers' documentation site (an mkdocs-material project) for a rule project."""
    # imported on use: the generators and jinja2 would add about 110 ms to the start-up of every command
    import jinja2

    from ..compiler.attachments import project_files
    from ..generators.build import BuildError, check_output_dir, check_still_owned, project_inputs, write_manifest
    from ..generators.guides import ProjectTemplateError
    from ..generators.site import SiteError, build_site_html, write_site_project

    result, lang = compile_for_output(path, date, templates, fmt, lang,
                                      "目录有错误，未生成网站", "the catalog has errors; no site was written", as_of)
    root = result.root or Path(path)  # compiled from a path, so there is a root
    catalog = result.catalog
    if templates is None and catalog.config.templates:
        templates = str(root / catalog.config.templates)
    try:
        # the same rule as qingdan build: only an empty directory or an earlier output of qingdan is replaced
        inputs = project_inputs(root, list(result.files), project_files(catalog.model))
        owned = check_output_dir(out, root, inputs=inputs, templates=templates)
    except BuildError as e:
        click.echo(f"qingdan: {e.message(lang)}", err=True)
        sys.exit(2)
    written = 0
    try:
        with atomic_directory(out) as tmp:
            os.chmod(tmp, 0o755)

            def write(rel: str, data: str | bytes) -> None:
                nonlocal written
                target = tmp.joinpath(*rel.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
                written += 1

            write_site_project(catalog, write, version=version, date=date, templates=templates,
                               diagnostics=result.diagnostics)
            if build_html:
                build_site_html(tmp, tmp / "site", date=date or catalog.config.date)
            # what the next run checks before it replaces this project: every file with its hash
            write_manifest(tmp, catalog, version or catalog.config.version, date or catalog.config.date)
            written += 1
            check_still_owned(out, owned)
    except (SiteError, BuildError) as e:
        click.echo(f"qingdan: {e.message(lang)}", err=True)
        sys.exit(1)
    except jinja2.TemplateError as e:  # a project's own guide template is broken
        click.echo(f"qingdan: {e.text(lang) if isinstance(e, ProjectTemplateError) else template_error_message(e, lang)}", err=True)
        sys.exit(1)
    if not quiet:
        built = say(lang, f"，并已构建网站到 {Path(out) / 'site'}", f", and built the site into {Path(out) / 'site'}") if build_html else ""
        click.echo(say(lang, f"已生成网站项目（{written} 个文件）到 {out}{built}",
                       f"wrote the site project ({written} files) into {out}{built}"))
