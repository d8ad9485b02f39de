"""``qingdan init [DIR]``: scaffold a rule project that checks clean and passes its tests.

The project holds ``qingdan.toml``, one department and one law (``base.qd``), one power
with its responsibility (``powers.qd``), one matter with facts, conditions, materials,
time limits and steps (``matters/market.qd``), its test cases (``tests/market.test.yaml``),
``.gitignore``, ``.pre-commit-config.yaml`` and a GitHub Actions workflow that uploads
the findings as SARIF. ``--lang`` chooses the keywords (and the project's message
language); the templates are in ``scaffold/zh`` and ``scaffold/en``.

A directory with files in it is refused unless ``--force``; even then no file is ever
replaced: the ones that exist are skipped and listed. Exit codes: 0 written, 2 usage error.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from string import Template

import click

from ..compiler.text import say
from ..dsl.keywords import ENUMS, lookup
from ..fsutil import atomic_create
from .common import fail_usage
from .helptext import help_text, zh_help

SCAFFOLD = Path(__file__).parent / "scaffold"

# (path in the new project, template in scaffold/<lang>/)
FILES: tuple[tuple[str, str], ...] = (
    ("qingdan.toml", "qingdan.toml.tmpl"),
    ("base.qd", "base.qd.tmpl"),
    ("powers.qd", "powers.qd.tmpl"),
    ("matters/market.qd", "matters/market.qd.tmpl"),
    ("tests/market.test.yaml", "tests/market.test.yaml.tmpl"),
    (".gitignore", "gitignore.tmpl"),
    (".pre-commit-config.yaml", "pre-commit-config.yaml.tmpl"),
    (".github/workflows/qingdan.yml", "github-workflow.yml.tmpl"),
)

# What a directory may hold and still count as empty: a fresh `git init`.
IGNORED_ENTRIES = {".git"}
DEFAULT_REGION = "330100"


def scaffold_files(lang: str, name: str, region: str, level: str) -> dict[str, str]:
    """The new project's files (relative path -> text); ``level`` is a canonical level (``city``)."""
    word = ENUMS["level"][level]
    values = {"name_toml": json.dumps(name, ensure_ascii=False), "region": region, "level": word.zh if lang == "zh" else word.en}
    out = {}
    for target, template in FILES:
        text = (SCAFFOLD / lang / template).read_text(encoding="utf-8")
        out[target] = Template(text).substitute(values)
    return out


@zh_help("在 DIRECTORY（默认：当前目录）中创建一个能通过 `qingdan check` 和 `qingdan test` 的规则项目。")
@click.command("init")
@click.argument("directory", default=".", type=click.Path())
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help=help_text("新项目使用的关键字和提示信息语言", "keywords and message language of the new project"))
@click.option("--name", default=None, help=help_text("写入 qingdan.toml 的目录名称（默认：目录名）", "the catalog's name in qingdan.toml (default: the directory's name)"))
@click.option("--region", default=DEFAULT_REGION, show_default=True, help=help_text("六位数字的行政区划代码", "six-digit administrative division code"))
@click.option("--level", default=None, help=help_text("默认层级：省/市/县/乡 或 province/city/county/township（默认：市）", "default level: 省/市/县/乡 or province/city/county/township (default: city)"))
@click.option("--force", is_flag=True, help=help_text("目录不是空的也写入（已有的文件不会被覆盖）", "also write into a directory that is not empty (existing files are never replaced)"))
def init_command(directory: str, lang: str, name: str | None, region: str, level: str | None, force: bool) -> None:
    """Create a rule project in DIRECTORY (default: here) that `qingdan check` and `qingdan test` pass."""
    root = Path(directory)
    if not re.fullmatch(r"[0-9]{6}", region):
        fail_usage(say(lang, f"--region 应为六位数字的行政区划代码，如 {DEFAULT_REGION}：{region}",
                       f"--region must be a six-digit administrative division code such as {DEFAULT_REGION}: {region}"))
    canon_level = lookup(ENUMS["level"], level) if level is not None else "city"
    if canon_level is None:
        fail_usage(say(lang, f"--level 应为 省、市、县 或 乡：{level}", f"--level must be province, city, county or township: {level}"))
    if name is None:
        name = root.resolve().name or ("规则目录" if lang == "zh" else "rules")
    if not name.strip() or any(ch in name for ch in "\r\n"):
        fail_usage(say(lang, "--name 不能为空，也不能换行", "--name must not be empty or span lines"))
    if root.exists() and not root.is_dir():
        fail_usage(say(lang, f"已经有同名的文件，不是目录：{directory}", f"a file of that name exists, not a directory: {directory}"))
    existing = sorted(e.name for e in root.iterdir() if e.name not in IGNORED_ENTRIES) if root.is_dir() else []
    if existing and not force:
        shown = "、".join(existing[:5]) + ("……" if len(existing) > 5 else "")
        shown_en = ", ".join(existing[:5]) + (", …" if len(existing) > 5 else "")
        fail_usage(say(lang, f"目录 {directory} 不是空的（{shown}）；请换一个新目录，或加 --force 只补上缺少的文件（已有的文件不会被覆盖）",
                       f"directory {directory} is not empty ({shown_en}); choose a new directory, or add --force to add only the "
                       f"missing files (existing files are never replaced)"))
    written, skipped = [], []
    for rel, text in scaffold_files(lang, name, region, canon_level).items():
        target = root / rel
        if os.path.lexists(target) or not atomic_create(target, text):
            skipped.append(rel)
        else:
            written.append(rel)
    for rel in written:
        click.echo(say(lang, f"已创建 {rel}", f"created {rel}"))
    for rel in skipped:
        click.echo(say(lang, f"已跳过 {rel}：文件已存在，没有改动", f"skipped {rel}: the file exists and was left as it was"))
    where = "" if root.resolve() == Path.cwd().resolve() else f"cd {_shell_word(directory)} && "
    click.echo(say(lang, f"下一步：{where}qingdan check && qingdan test", f"next: {where}qingdan check && qingdan test"))


def _shell_word(text: str) -> str:
    """``text`` as one word for a POSIX shell, quoted only when it must be."""
    return text if re.fullmatch(r"[\w./-]+", text) else "'" + text.replace("'", "'\\''") + "'"
