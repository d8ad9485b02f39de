"""The ``qingdan import`` commands: ``gov-json`` and ``table``.

Exit codes: 0 the project was written (the report lists anything skipped or left
out), 2 the input could not be read, nothing in it could be imported, or the output
was refused: ``--force`` replaces only an earlier import holding nothing else (see
``writer.target_problem``), never a directory qingdan did not write. Nothing is written
on failure.

The importers are imported where they are used: at the top they would add about
30 ms to the start-up of every command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..compiler.text import say
from .common import cli_context, fail_usage
from .helptext import help_text, option_language, zh_help

if TYPE_CHECKING:
    from ..importers.records import ImportResult

lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                           callback=lambda ctx, _param, value: option_language(ctx, value) or "zh",
                           help=help_text("提示信息的语言（默认：环境变量 QINGDAN_LANG，否则中文）", "message language (default: QINGDAN_LANG, else zh)"))
force_option = click.option("--force", is_flag=True,
                            help=help_text("输出目录中只有先前导入的结果（没有别的文件）时，替换它；其他非空目录一律不替换",
                                           "replace the output directory when it holds an earlier import (and nothing else); "
                                           "any other non-empty directory is never replaced"))
out_option = click.option("--out", "-o", "out", required=True, type=click.Path(),
                          help=help_text("要创建的项目目录（新目录、空目录，或加 --force 时先前导入的目录）",
                                         "the project directory to create (new, empty, or an earlier import with --force)"))
strict_option = click.option("--strict", is_flag=True,
                             help=help_text("所有检查保持原有级别（默认会把只反映源格式缺少内容的问题，如缺少责任清单，降为警告）",
                                            "keep every check at its usual severity (by default, findings that only say what the source "
                                            "format cannot carry, such as the missing responsibility list, are demoted to warnings)"))

baseline_option = click.option("--baseline", is_flag=True,
                               help=help_text("编译导入的项目，在 qingdan.toml 中把发现错误的检查降为警告（附数量），"
                                              "使目录能立即生成，再逐步修正",
                                              "compile the imported project and lower every check that finds errors to a warning in "
                                              "qingdan.toml (with counts), so the catalog can be built at once and fixed step by step"))

# Findings that only restate what a source format does not carry. The generated
# qingdan.toml lowers them to warnings (with the reason), so the imported catalog can be
# built and reviewed at once; raise them again once the missing lists are written.
DEMOTED: dict[str, dict[str, tuple[str, str]]] = {
    "gov-json": {
        "power-without-responsibility": (
            "warning", "导入：平台导出数据不含责任清单，补充责任清单后请删除本行（恢复为 error）"),
        "missing-legal-basis": (
            "warning", "导入：平台导出数据只以文字给出受理条件，依据仅能从《…》书名中提取，补全依据后请删除本行（恢复为 error）"),
    },
    "power": {
        "power-without-responsibility": ("warning", "导入：权力清单不含责任清单，补充责任清单后请删除本行（恢复为 error）"),
        "missing-time-limit": ("warning", "导入：权力清单不含子项（事项）的办结时限，补充时限后请删除本行（恢复为 error）"),
    },
    "matter": {
        "power-without-responsibility": ("warning", "导入：事项表不含责任清单，补充责任清单后请删除本行（恢复为 error）"),
    },
}


def _check_target(src: Path, out: str, force: bool, lang: str) -> None:
    """Exit 2, before anything is read, when ``out`` may not be written (see ``writer.target_problem``)."""
    from ..importers.writer import target_problem  # on use: see the module docstring

    problem = target_problem(Path(out), [src], force)
    if problem:
        fail_usage(say(lang, *problem))


def _finish(result: ImportResult, src: Path, out: str, force: bool, lang: str, strict: bool, baseline: bool) -> None:
    """Write the imported project and print the summary, or exit 2 with nothing written."""
    from ..importers.report import problem_line, report_text, summary_line  # on use: see the module docstring
    from ..importers.writer import REPORT_JSON, REPORT_TEXT, ImportTargetError, ImportWriteError, write_project

    _check_target(src, out, force, lang)  # again: the output may have changed while the input was read
    if not (result.matters or result.powers or result.negatives or result.responsibilities):
        click.echo(report_text(result, lang), nl=False, err=True)
        fail_usage(say(lang, f"{src} 中没有可以导入的记录，未写出任何文件", f"nothing in {src} could be imported; nothing was written"))
    checks = {} if strict else DEMOTED.get(result.kind, {})
    try:
        project = write_project(result, out, checks, baseline=baseline, lang=lang,
                                workers=cli_context().compile_options().workers, inputs=[src])
    except ImportTargetError as e:
        fail_usage(say(lang, e.zh, e.en) + say(lang, "；未写出任何文件", "; nothing was written"))
    except ImportWriteError as e:
        fail_usage(say(lang, f"内部错误，未写出任何文件：{e}", f"internal error, nothing was written: {e}"))
    click.echo(summary_line(result, lang))
    for p in sorted(result.problems, key=lambda p: p.sort_key())[:20]:
        click.echo("  " + problem_line(p, lang))
    if len(result.problems) > 20:
        click.echo(say(lang, f"  ……另有 {len(result.problems) - 20} 个问题", f"  ... and {len(result.problems) - 20} more"))
    click.echo(say(lang, f"已写出 {len(project.files)} 个文件到 {out}；完整报告见 {REPORT_TEXT} 和 {REPORT_JSON}",
                   f"wrote {len(project.files)} files into {out}; the full report is in {REPORT_TEXT} and {REPORT_JSON}"))


@zh_help("把已有的目录（平台导出数据、电子表格）导入为规则项目。")
@click.group("import")
def import_group() -> None:
    """Import existing catalogs (platform exports, spreadsheets) as a rule project."""


@zh_help("导入政务服务平台的 JSON Lines 导出文件（每行一个事项）。")
@import_group.command("gov-json")
@click.argument("file", type=click.Path(dir_okay=False))
@out_option
@force_option
@strict_option
@baseline_option
@lang_option
def gov_json_command(file: str, out: str, force: bool, strict: bool, baseline: bool, lang: str) -> None:
    """Import a service platform's JSON Lines export (one matter per line)."""
    from ..importers.gov_json import read_gov_json  # on use: see the module docstring

    src = Path(file)
    if not src.is_file():
        fail_usage(say(lang, f"找不到输入文件 {file}", f"input file not found: {file}"))
    _check_target(src, out, force, lang)
    try:
        result = read_gov_json(src)
    except OSError as e:
        fail_usage(say(lang, f"无法读取 {file}：{e.strerror or e}", f"cannot read {file}: {e.strerror or e}"))
    _finish(result, src, out, force, lang, strict, baseline)


@zh_help("从 XLSX 或 CSV 导入权力清单、责任清单、负面清单或事项表。")
@import_group.command("table")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--kind", required=True, type=click.Choice(["power", "responsibility", "negative", "matter"]), help=help_text("表格是哪一种清单", "which list the table holds"))
@click.option("--sheet", default=None, help=help_text("工作表名称（默认：所有能识别表头的工作表）", "worksheet name (default: every sheet with recognised headings)"))
@click.option("--department", default=None, help=help_text("未注明部门的行所属的部门（只含一个部门的清单）", "department for rows that name none (a list of one department)"))
@click.option("--codes", "codes_file", default=None, type=click.Path(dir_okay=False),
              help=help_text("代码文件（.toml 或 .csv），说明表中代码的含义：事项类型、行使层级和部门代码，覆盖内置的全国代码表（见 docs/import.md）",
                             "code file (.toml or .csv) saying what the codes in the table mean: 事项类型, 行使层级 and 部门 codes, "
                             "over the built-in national tables (see docs/import.md)"))
@out_option
@force_option
@strict_option
@baseline_option
@lang_option
def table_command(file: str, kind: str, sheet: str | None, department: str | None, codes_file: str | None, out: str, force: bool,
                  strict: bool, baseline: bool, lang: str) -> None:
    """Import a power, responsibility, negative or matter list from XLSX or CSV."""
    from ..importers.codes import CodesError, load_codes  # on use: see the module docstring
    from ..importers.table import TableError, read_table

    src = Path(file)
    if not src.is_file():
        fail_usage(say(lang, f"找不到输入文件 {file}", f"input file not found: {file}"))
    codes = None
    if codes_file is not None:
        if not Path(codes_file).is_file():
            fail_usage(say(lang, f"找不到代码表文件 {codes_file}", f"code file not found: {codes_file}"))
        try:
            codes = load_codes(codes_file)
        except CodesError as e:
            fail_usage(say(lang, e.zh, e.en))
    _check_target(src, out, force, lang)
    try:
        result = read_table(src, kind, sheet=sheet, department=department, codes=codes)
    except TableError as e:
        fail_usage(say(lang, e.zh, e.en))
    except OSError as e:
        fail_usage(say(lang, f"无法读取 {file}：{e.strerror or e}", f"cannot read {file}: {e.strerror or e}"))
    _finish(result, src, out, force, lang, strict, baseline)
