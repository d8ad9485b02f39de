"""``qingdan site``: write the reviewers' mkdocs-material project, and optionally build it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..compiler.text import say
from ..fsutil import atomic_directory
from .common import compile_for_output, format_option, lang_option, template_error_message


def check_site_dir(out: Path, project_root: Path, marker: str) -> tuple[str, str] | None:
    """Why ``out`` must not be replaced (Chinese, English), or None when it is safe.

    ``marker`` starts the mkdocs.yml of every site project qingdan writes.
    """
    out_abs, root_abs = Path(os.path.abspath(out)), Path(os.path.abspath(project_root))
    if out_abs == root_abs or out_abs in root_abs.parents:
        return (f"输出目录 {out} 包含规则项目本身，不能作为输出目录；请换一个目录，如 build/site-src",
                f"the output directory {out} contains the rule project itself; choose another directory, such as build/site-src")
    if out_abs.exists():
        if not out_abs.is_dir():
            return f"输出路径 {out} 是一个文件，不是目录", f"the output path {out} is a file, not a directory"
        cfg = out_abs / "mkdocs.yml"
        ours = cfg.is_file() and cfg.read_text(encoding="utf-8", errors="replace").startswith(marker)
        if any(out_abs.iterdir()) and not ours:
            return (f"输出目录 {out} 已存在且不是 qingdan 生成的网站项目，为免误删，拒绝覆盖；请换一个目录或先清空它",
                    f"the output directory {out} exists and is not a site project written by qingdan; refusing to replace it. "
                    "Choose another directory or empty it first")
    return None


@click.command("site")
@click.argument("path", default=".", type=click.Path())
@click.option("--out", "-o", "out", default="site-src", show_default=True, type=click.Path(file_okay=False),
              help="directory for the mkdocs project (mkdocs.yml and docs/), replaced atomically")
@click.option("--build", "build_html", is_flag=True, help="also run mkdocs build --strict into OUT/site")
@click.option("--version", "version", default=None, help="catalog version (default: [project] version)")
@click.option("--date", "date", default=None, help="publication date YYYY-MM-DD (default: [project] date)")
@click.option("--templates", default=None, type=click.Path(), help="directory of guide templates overriding the built-in ones")
@click.option("--quiet", "-q", is_flag=True, help="print nothing but errors")
@format_option
@lang_option
def site_command(path: str, out: str, build_html: bool, version: str | None, date: str | None, templates: str | None,
                 quiet: bool, fmt: str, lang: str | None) -> None:
    """Write the reviewers' documentation site (an mkdocs-material project) for a rule project."""
    # imported on use: the generators and jinja2 would add about 110 ms to the start-up of every command
    import jinja2

    from ..generators.site import MARKER, SiteError, build_site_html, write_site_project

    result, lang = compile_for_output(path, date, templates, fmt, lang,
                                      "目录有错误，未生成网站", "the catalog has errors; no site was written")
    root = result.root or Path(path)  # compiled from a path, so there is a root
    problem = check_site_dir(Path(out), root, MARKER)
    if problem:
        click.echo(f"qingdan: {say(lang, *problem)}", err=True)
        sys.exit(2)
    catalog = result.catalog
    if templates is None and catalog.config.templates:
        templates = str(root / catalog.config.templates)
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
    except SiteError as e:
        click.echo(f"qingdan: {e.message(lang)}", err=True)
        sys.exit(1)
    except jinja2.TemplateError as e:  # a project's own guide template is broken
        click.echo(f"qingdan: {template_error_message(e, lang)}", err=True)
        sys.exit(1)
    if not quiet:
        built = say(lang, f"，并已构建网站到 {Path(out) / 'site'}", f", and built the site into {Path(out) / 'site'}") if build_html else ""
        click.echo(say(lang, f"已生成网站项目（{written} 个文件）到 {out}{built}",
                       f"wrote the site project ({written} files) into {out}{built}"))
