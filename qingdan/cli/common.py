"""What the commands share: options, compiling a project or exiting, reports, exit codes and messages.

Exit codes: 0 clean, 1 findings at or above the fail level (or a failed build/test),
2 usage error or unreadable input.

``CliContext`` carries what the entry point decides for the whole process (click's
``ctx.obj``): only the console script sets ``short_lived``, so that compiling freezes
the compiled objects out of the garbage collector (see ``qingdan.cli.console_main``).
The ``QINGDAN_WORKERS``, ``QINGDAN_PARSER`` and ``QINGDAN_CACHE`` environment variables are
read here and nowhere else: the library takes ``CompileOptions``. The compile cache is on
for every command unless ``QINGDAN_CACHE=off`` (or ``check --no-cache``); ``QINGDAN_CACHE``
may also name the directory to keep it in.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

import click

from ..compiler import CompileOptions, CompileResult, UsageError, compile
from ..compiler.cache import settings_from_env
from ..compiler.diagnostics import Severity
from ..compiler.report import FORMATS, render, render_text
from ..compiler.text import say
from .helptext import help_text, option_language

if TYPE_CHECKING:
    import jinja2

FAIL_LEVELS = ("error", "warning", "info", "none")



def _lang_or_env(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    return option_language(ctx, value)


format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                             help=help_text("诊断结果的输出格式", "diagnostic output format"))
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=None, callback=_lang_or_env,
                           help=help_text("提示信息的语言（默认：环境变量 QINGDAN_LANG，其次项目的 lang，再次中文）",
                                          "message language (default: QINGDAN_LANG, else the project's, else zh)"))
fail_on_option = click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="error", show_default=True,
                              help=help_text("达到这一级别（或更严重）的问题使退出码为 1", "lowest severity that makes the exit code 1"))


class AsOfDate(click.ParamType):
    """A date written YYYY-MM-DD (full-width digits and dashes too); a bad one is a usage error (exit 2)."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> _date:
        if isinstance(value, _date):
            return value
        text = unicodedata.normalize("NFKC", str(value)).strip()
        try:
            return _date.fromisoformat(text)
        except ValueError:
            self.fail(f"“{value}”不是日期，请写成 YYYY-MM-DD，如 2026-11-01 / '{value}' is not a date: write YYYY-MM-DD, e.g. 2026-11-01",
                      param, ctx)


# Shared by every command that reads the catalog (``qingdan diff`` too): the value goes to
# ``CompileOptions.as_of`` through ``compile_or_exit(..., as_of=...)``.
as_of_option = click.option(
    "--as-of", "as_of", type=AsOfDate(), default=None,
    help=help_text("按这一天现行有效的规则处理：生效/失效日期之外的声明不计入（默认：[project] 的 date；没有时不按日期筛选）",
                   "the date whose rules are in force: declarations outside their 生效/失效 dates on it are left out "
                   "(default: [project] date; without one, dates select nothing)"))


@dataclass(frozen=True)
class CliContext:
    """Process-wide settings of one run of the command line."""

    short_lived: bool = False  # the console script: the process ends right after the command

    def compile_options(self, checks: bool = True, as_of: _date | None = None, cache: bool = True) -> CompileOptions:
        """How the commands compile: ``checks`` or not, the as-of date, the cache or not, and what the process
        and the environment ask for."""
        workers = 1 if os.environ.get("QINGDAN_WORKERS") == "1" else None
        parser = "lark" if os.environ.get("QINGDAN_PARSER") == "lark" else "fast"
        settings = settings_from_env(os.environ.get("QINGDAN_CACHE")) if cache else None
        return CompileOptions(checks=checks, workers=workers, parser=parser, freeze_gc=self.short_lived, as_of=as_of,
                              cache=settings)


def cli_context() -> CliContext:
    """The settings of this run (click's ``ctx.obj``), or the defaults outside a command."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(CliContext) if ctx is not None else None
    return obj if obj is not None else CliContext()


def fail_usage(message: str) -> NoReturn:
    """Print ``qingdan: message`` to standard error and exit 2."""
    click.echo(f"qingdan: {message}", err=True)
    sys.exit(2)


no_cache_option = click.option("--no-cache", is_flag=True,
                                help=help_text("不使用编译缓存，重新解析每个文件（缓存在 .qingdan/cache 或 QINGDAN_CACHE 指定的目录）；"
                                               "与 QINGDAN_CACHE=off 相同",
                                               "parse every file again instead of reusing what an earlier run made of the unchanged ones "
                                               "(the compile cache in .qingdan/cache, or in QINGDAN_CACHE); same as QINGDAN_CACHE=off"))


def compile_or_exit(path: str | Path, *, checks: bool = True, as_of: _date | None = None, cache: bool = True) -> CompileResult:
    """Compile the project at ``path`` (what is in force on ``as_of``, else on its date); exit 2 when there is no
    such project or no rule file."""
    try:
        result = compile(path, cli_context().compile_options(checks, as_of, cache))
    except UsageError as e:
        fail_usage(str(e))
    if not result.files and not result.diagnostics:
        fail_usage(f"没有找到规则文件（*.qd） / no rule files (*.qd) found in {path}")
    return result


def add_target_findings(result: CompileResult) -> None:
    """``check --targets``: add the ``reform-target-missed`` findings of the project's [targets]; exit 2 without any."""
    from ..changes.compare import target_findings  # imported on use: the comparison is not needed by a plain check
    from ..changes.revisions import DiffOptions

    if not result.config.targets:
        if not result.has_errors:  # a broken [targets] table is already a config error
            fail_usage("qingdan.toml 没有 [targets]：--targets 需要改革目标和基准版本，见 docs/indicators.md"
                       " / qingdan.toml has no [targets]: --targets needs the reform targets and their baseline, see docs/indicators.md")
        return
    found = target_findings(result, DiffOptions(compile=cli_context().compile_options(checks=False)))
    result.diagnostics = sorted([*result.diagnostics, *found], key=lambda d: d.sort_key())


def compile_structure_or_exit(path: str | Path, lang: str | None, as_of: _date | None = None) -> CompileResult:
    """Compile without the semantic checks; exit 1 with the errors if the rules have any."""
    result = compile_or_exit(path, checks=False, as_of=as_of)
    if result.has_errors:
        lang = lang or result.config.lang
        errors = [d for d in result.diagnostics if d.severity == Severity.error and not d.waived]
        click.echo(render_text(errors, result.sources, lang), nl=False, err=True)
        click.echo("qingdan: " + say(lang, "规则有错误，请先修正", "the rules have errors; fix them first"), err=True)
        sys.exit(1)
    return result


def exit_code(result: CompileResult, fail_on: str) -> int:
    """1 when a finding not waived is at least as severe as ``fail_on``, else 0."""
    if fail_on == "none":
        return 0
    threshold = Severity(fail_on).rank
    for d in result.diagnostics:
        if not d.waived and d.severity.rank >= threshold:
            return 1
    return 0


def project_base(result: CompileResult) -> str:
    """The project's directory seen from the working directory, in POSIX form.

    ``""`` when it is the working directory, a relative path when it lies below it (GitHub
    runs the steps of a workflow at the root of the checked-out repository and resolves
    paths from there), an absolute path otherwise.
    """
    if result.root is None:
        return ""
    root, cwd = result.root.resolve(), Path.cwd().resolve()
    try:
        rel = root.relative_to(cwd)
    except ValueError:
        return root.as_posix()
    return "" if rel == Path() else rel.as_posix()


def render_report(result: CompileResult, fmt: str, lang: str) -> str:
    """The diagnostics of ``result`` in ``fmt``: links to the project's site, paths as GitHub expects them."""
    files = result.sources if fmt == "text" else result.files  # JUnit has one test case per rule file
    return render(fmt, result.diagnostics, files, lang, result.config.name, site_url=result.config.site_url, base=project_base(result))


def report(result: CompileResult, fmt: str, lang: str | None, stream: IO[str] | None = None) -> str:
    """Print the diagnostics in ``fmt``; returns the language used (``lang``, else the project's)."""
    lang = lang or result.config.lang
    click.echo(render_report(result, fmt, lang), nl=False, file=stream)
    return lang


def compile_for_output(path: str, date: str | None, templates: str | None, fmt: str, lang: str | None,
                       nothing_zh: str, nothing_en: str, as_of: _date | None = None) -> tuple[CompileResult, str]:
    """Validate the options every generating command shares, compile, and refuse a catalog with errors.

    Returns the result and the message language; exits 2 on a bad option and 1 (after
    printing the diagnostics and ``nothing_zh``/``nothing_en``) when the catalog has errors.
    """
    if date is not None:
        try:
            _date.fromisoformat(date)
        except ValueError:
            fail_usage(f"--date 应为 YYYY-MM-DD 格式的日期 / --date must be a date like 2026-11-01: {date}")
    if templates is not None and not Path(templates).is_dir():
        fail_usage(f"模板目录不存在 / template directory not found: {templates}")
    result = compile_or_exit(path, as_of=as_of)
    lang = lang or result.config.lang
    if result.has_errors:
        report(result, fmt, lang)
        click.echo("qingdan: " + say(lang, nothing_zh, nothing_en), err=True)
        sys.exit(1)
    return result, lang


def template_error_message(error: jinja2.TemplateError, lang: str) -> str:
    """What is wrong with a project's own template, from the jinja2 error."""
    import jinja2  # loaded already by the generators that raised the error; at the top it adds about 15 ms to every start-up

    if isinstance(error, jinja2.TemplateSyntaxError):
        where = f"{Path(error.filename).name if error.filename else error.name}:{error.lineno}"
        return say(lang, f"模板 {where} 有语法错误：{error.message}", f"template {where} has a syntax error: {error.message}")
    if isinstance(error, jinja2.TemplateNotFound):
        return say(lang, f"找不到模板 {error.name}", f"template not found: {error.name}")
    return say(lang, f"模板渲染失败：{error}", f"a template failed to render: {error}")
