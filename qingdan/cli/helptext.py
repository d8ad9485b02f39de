"""The command line's help in Chinese and English, and how its language is chosen.

Click keeps help texts as plain strings fixed at import. Here each text is registered
with its translation, and ``localize`` switches the whole command tree to one language
before click renders anything:

- an option: ``click.option("--out", help=help_text("输出目录", "output directory"))``
  (click sees the English text; ``help_text`` remembers the Chinese one);
- a command whose docstring is its English help: ``@zh_help("中文说明")`` above
  ``@click.command(...)``; or ``@click.command(..., help=help_text(zh, en))``.

``missing_translations`` lists every command and option without a Chinese text (a test
requires none). The same English text has one Chinese text everywhere.

The language of the help (``help_language``): ``--lang zh|en`` anywhere on the command
line, else the ``QINGDAN_LANG`` environment variable (``zh``, ``zh_CN.UTF-8``, ``en``, …),
else ``lang`` of the ``qingdan.toml`` in the working directory, else Chinese. In Chinese,
click's own words (``Usage:``, ``Options:``, ``[default: …]``, the help option) are
translated too, and text wraps by display width (a Chinese character takes two columns).
"""

from __future__ import annotations

import inspect
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import click

LANGS = ("zh", "en")
_ATTR = "_qingdan_help"  # the (zh, en) pair an object's help came from, set at its first localize
_PAIRS: dict[str, tuple[str, str]] = {}  # a registered text, in either language, -> (zh, en)

CommandT = TypeVar("CommandT", bound=click.Command)


def help_text(zh: str, en: str) -> str:
    """``en`` (what click keeps), remembering ``zh`` as its Chinese text."""
    pair = (inspect.cleandoc(zh), inspect.cleandoc(en))
    _PAIRS.setdefault(pair[1], pair)
    _PAIRS.setdefault(pair[0], pair)
    return en


def zh_help(zh: str) -> Callable[[CommandT], CommandT]:
    """Decorator over ``@click.command``/``@click.group``: the command's Chinese help (its English one is its docstring)."""

    def register(command: CommandT) -> CommandT:
        if not command.help:
            raise TypeError(f"command {command.name} has no English help to pair with its Chinese one")
        help_text(zh, command.help)
        return command

    return register


def _pair(obj: click.Command | click.Parameter) -> tuple[str, str] | None:
    pair = getattr(obj, _ATTR, None)
    if pair is None:
        text = getattr(obj, "help", None)
        pair = _PAIRS.get(inspect.cleandoc(text)) if text else None
        if pair is not None:
            setattr(obj, _ATTR, pair)
    return pair


def walk(command: click.Command, path: str = "qingdan") -> Iterator[tuple[str, click.Command]]:
    """(path, command) of ``command`` and of every subcommand below it."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, f"{path} {name}")


def localize(command: click.Command, lang: str) -> None:
    """Switch the help of ``command`` and everything below it to ``lang`` ("zh" or "en")."""
    index = 0 if lang == "zh" else 1
    for _path, cmd in walk(command):
        objects: list[click.Command | click.Parameter] = [cmd, *cmd.params]
        for obj in objects:
            pair = _pair(obj)
            if pair is not None:
                obj.help = pair[index]
        pair = _pair(cmd)
        # click shortens a help to its first sentence by "."; a Chinese one ends at "。"
        cmd.short_help = pair[0].split("\n\n")[0].split("。")[0] if lang == "zh" and pair is not None else None
        cmd.context_class = ChineseContext if lang == "zh" else click.Context


def missing_translations(command: click.Command) -> list[str]:
    """Every visible command and option of ``command`` whose help has no Chinese text."""
    out = []
    for path, cmd in walk(command):
        if cmd.hidden:
            continue
        if _pair(cmd) is None:
            out.append(path)
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.hidden and _pair(p) is None:
                out.append(f"{path} {p.opts[0]}")
    return out


# ---------------------------------------------------------------- choosing the language
def env_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The language ``QINGDAN_LANG`` asks for (``zh_CN.UTF-8`` counts as zh), or None when unset or unknown."""
    value = (os.environ if environ is None else environ).get("QINGDAN_LANG", "").strip().lower()
    return next((lang for lang in LANGS if value.startswith(lang)), None)


LANG_META = "qingdan.lang"  # click's ctx.meta key: the --lang given before the command (``qingdan --lang en check``)


def remember_group_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """Callback of the group's ``--lang``: the default of every command's ``--lang``."""
    if value:
        ctx.meta[LANG_META] = value


def option_language(ctx: click.Context, value: str | None) -> str | None:
    """A command's ``--lang``: its own value, else the group's ``--lang``, else ``QINGDAN_LANG``, else None."""
    return value or ctx.meta.get(LANG_META) or env_language()


def project_language(directory: str | Path = ".") -> str | None:
    """``[project] lang`` of ``directory``'s qingdan.toml, or None (no file, unreadable, or no valid lang)."""
    try:
        with open(Path(directory) / "qingdan.toml", "rb") as f:
            lang = tomllib.load(f).get("project", {}).get("lang")
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return lang if lang in LANGS else None


def argv_language(argv: Sequence[str]) -> str | None:
    """The language of a ``--lang zh|en`` (or ``--lang=…``) on the command line, before any ``--``."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg[7:] if arg.startswith("--lang=") else None
        if value in LANGS:
            return value
    return None


def help_language(argv: Sequence[str], environ: Mapping[str, str] | None = None, directory: str | Path = ".") -> str:
    """The language of the help: ``--lang``, else ``QINGDAN_LANG``, else the working directory's project, else zh."""
    return argv_language(argv) or env_language(environ) or project_language(directory) or "zh"


# ---------------------------------------------------------------- click's own words, in Chinese
_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_PHRASES = {"Show this message and exit.": "显示本帮助并退出。", "Show the version and exit.": "显示版本号并退出。"}
_EXTRA = re.compile(r"\s*\[([^\[\]]*)\]$")


def _extra_zh(part: str) -> str:
    for en, zh in (("default: ", "默认："), ("env var: ", "环境变量："), ("required", "必填")):
        if part.startswith(en):
            return zh + part[len(en):]
    return part


def translate_click_words(text: str) -> str:
    """An option's help line with click's own words in Chinese: the help option's text and ``[default: …; required]``."""
    m = _EXTRA.search(text)
    body, extra = (text[:m.start()], m.group(1)) if m else (text, None)
    body = _PHRASES.get(body, body)
    if extra is None:
        return body
    return f"{body}  [{'；'.join(_extra_zh(p) for p in extra.split('; '))}]"


# What a line may break between: a bracketed note, a Chinese character with the punctuation
# that must not start a line, a run of other characters (a word), or spaces.
_TOKEN = re.compile(r"\[[^\[\]]*\]|[\u2e80-\uffef][，。、；：）」』》！？”’]*|[^\s\u2e80-\uffef]+[，。、；：）」』》！？”’]*|\s+")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, breaking between Chinese characters or at spaces."""
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKEN.findall(text):
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        w = display_width(token)
        if used + w > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + token, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines


class ChineseHelpFormatter(click.HelpFormatter):
    """Click's help formatter with Chinese headings and words, wrapping by display width."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 11)
        for i, paragraph in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
            if i:
                self.write("\n")
            for line in wrap(paragraph, width):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not rows:
            return
        first = min(max(display_width(name) for name, _ in rows), col_max)
        indent = " " * self.current_indent
        text_width = max(self.width - first - col_spacing - self.current_indent, 10)
        for name, text in rows:
            self.write(f"{indent}{name}")
            lines = wrap(translate_click_words(text), text_width) if text else []
            if not lines:
                self.write("\n")
                continue
            if display_width(name) <= first:
                self.write(" " * (first - display_width(name) + col_spacing))
            else:
                self.write("\n" + indent + " " * (first + col_spacing))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{indent}{' ' * (first + col_spacing)}{line}\n")


class ChineseContext(click.Context):
    """The context of a command whose help is shown in Chinese."""

    formatter_class = ChineseHelpFormatter
