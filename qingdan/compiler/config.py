"""``qingdan.toml``: the project's settings, validated key by key with located errors.

``tomllib`` gives the values but no positions, so ``toml_places`` reads the (already
valid) text once more and notes where each key and each value is written: an error
about a key points at the key, an error about a value at the value (at the element, for
one element of a list), on its own line and columns.

A project's ``code-pattern`` runs on RE2 (``user_pattern``), which matches in time linear
in the text: a pattern such as ``^(a|aa)+$`` cannot make a check run for hours. RE2 has
no backreferences or look-around; a pattern that uses them is a located config error.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

from ..dsl.keywords import ENUMS, lookup
from . import model as m
from .diagnostics import RULES, Diagnostic, Loc, diag, did_you_mean
from .sources import CONFIG_NAME, read_project_bytes
from .targets import Target, indicator_named, indicator_words, parse_threshold
from .waivers import rule_of


def _config_loc(line: int = 1, col: int = 1, end_line: int | None = None, end_col: int | None = None) -> Loc:
    return Loc(file=CONFIG_NAME, line=line, col=col, end_line=end_line or line, end_col=end_col or col + 1)


_CONFIG_KEYS: dict[str, set[str] | None] = {
    "project": {"name", "region", "level", "lang", "version", "date", "templates", "site-url"},
    "checks": None,  # rule names or codes, plus code-pattern
    "materials": {"synonyms"},
    "calendar": {"holidays"},
    "targets": None,  # baseline, plus indicators (by name or key) and thresholds
}

SITE_URL_EXAMPLE = "https://rules.example.gov.cn/catalog"


# ---------------------------------------------------------------- user patterns on RE2
class PatternError(ValueError):
    """A regular expression RE2 does not accept; the message is RE2's, in English."""


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would otherwise print every rejected pattern to standard error
    return options


def user_pattern(pattern: str) -> Any:
    """``pattern`` compiled by RE2 (linear-time matching); raises ``PatternError`` when RE2 refuses it."""
    try:
        return re2.compile(pattern, _re2_options())
    except re2.error as e:
        why = e.args[0] if e.args else e
        raise PatternError(why.decode("utf-8", "replace") if isinstance(why, bytes) else str(why)) from None
    except (TypeError, ValueError) as e:
        raise PatternError(str(e)) from None


# ---------------------------------------------------------------- where keys and values are written
KeyPath = tuple[str | int, ...]


@dataclass
class TomlPlaces:
    """Where each key and value of a TOML text is written: spans ``(line, col, end_line, end_col)``, 1-based, end exclusive.

    Paths are tuples of keys (and list indexes): ``("checks", "too-many-visits")``,
    ``("calendar", "holidays", 1)``. A key is noted where it is first written.
    """

    keys: dict[KeyPath, tuple[int, int, int, int]] = field(default_factory=dict)
    values: dict[KeyPath, tuple[int, int, int, int]] = field(default_factory=dict)

    def key(self, *path: str | int) -> Loc:
        """The key of ``path`` (else its value, else the nearest enclosing place, else line 1)."""
        return self._find(path, self.keys, self.values)

    def value(self, *path: str | int) -> Loc:
        """The value of ``path`` (else its key, else the nearest enclosing place, else line 1)."""
        return self._find(path, self.values, self.keys)

    @staticmethod
    def _find(path: KeyPath, first: dict, second: dict) -> Loc:
        while path:
            span = first.get(path) or second.get(path)
            if span:
                return _config_loc(*span)
            path = path[:-1]
        return _config_loc()


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}#\r\n]*")
_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))', re.S)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


def _unescape(text: str) -> str:
    def one(mt: re.Match[str]) -> str:
        code = mt.group(1) or mt.group(2)
        return chr(int(code, 16)) if code else _SIMPLE_ESCAPES.get(mt.group(3), mt.group(3))

    return _ESCAPE.sub(one, text)


class _Scanner:
    """Reads a valid TOML text for positions only (the values come from ``tomllib``)."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.starts = [0] + [k + 1 for k, c in enumerate(text) if c == "\n"]
        self.places = TomlPlaces()
        self.table_counts: dict[KeyPath, int] = {}

    def pos(self, i: int) -> tuple[int, int]:
        line = bisect_right(self.starts, i)
        return line, i - self.starts[line - 1] + 1

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        return (*self.pos(start), *self.pos(end))

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def blank(self, newlines: bool) -> None:
        """Skip spaces and comments (and line breaks when ``newlines``)."""
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t" or (newlines and c in "\r\n"):
                self.i += 1
            elif c == "#":
                end = self.s.find("\n", self.i)
                self.i = len(self.s) if end < 0 else end
            else:
                return

    def run(self) -> TomlPlaces:
        table: KeyPath = ()
        while True:
            self.blank(newlines=True)
            if self.i >= len(self.s):
                return self.places
            if self.peek() == "[":
                table = self.header()
            else:
                self.pair(table)

    def header(self) -> KeyPath:
        double = self.peek(1) == "["
        self.i += 2 if double else 1
        path = self.key_path(())
        self.blank(newlines=False)
        self.i += 2 if double else 1
        if double:  # an array of tables: each [[x]] is the next element of x
            n = self.table_counts.get(path, 0)
            self.table_counts[path] = n + 1
            return (*path, n)
        return path

    def key_path(self, prefix: KeyPath) -> KeyPath:
        """Read a (dotted) key below ``prefix``, noting the place of each part; return its full path."""
        path = prefix
        while True:
            self.blank(newlines=False)
            start = self.i
            c = self.peek()
            if c in "\"'":
                end = self.s.index(c, self.i + 1) if c == "'" else self._basic_end(self.i + 1)
                raw = self.s[self.i + 1:end]
                name = raw if c == "'" else _unescape(raw)
                self.i = end + 1
            else:
                mt = _BARE_KEY.match(self.s, self.i)
                if not mt:
                    raise ValueError("no key")
                name = mt.group()
                self.i = mt.end()
            path = (*path, name)
            self.places.keys.setdefault(path, self.span(start, self.i))
            self.blank(newlines=False)
            if self.peek() != ".":
                return path
            self.i += 1

    def _basic_end(self, j: int) -> int:
        while True:
            c = self.s[j]
            if c == "\\":
                j += 2
            elif c == '"':
                return j
            else:
                j += 1

    def pair(self, table: KeyPath) -> None:
        path = self.key_path(table)
        self.blank(newlines=False)
        self.i += 1  # =
        self.blank(newlines=False)
        self.value(path)

    def value(self, path: KeyPath) -> None:
        start = self.i
        c = self.peek()
        if self.s.startswith('"""', self.i) or self.s.startswith("'''", self.i):
            quote = self.s[self.i:self.i + 3]
            j = self.i + 3
            while True:
                j = self.s.index(quote, j) if quote == "'''" else self._basic_end(j)
                if self.s.startswith(quote, j):
                    break
                j += 1
            while self.s.startswith(quote[0], j + 3):  # up to two quotes may end the content
                j += 1
            self.i = j + 3
        elif c == '"':
            self.i = self._basic_end(self.i + 1) + 1
        elif c == "'":
            self.i = self.s.index("'", self.i + 1) + 1
        elif c == "[":
            self.i += 1
            n = 0
            while True:
                self.blank(newlines=True)
                if self.peek() == "]":
                    break
                before = self.i
                self.value((*path, n))
                n += 1
                self.blank(newlines=True)
                if self.peek() == ",":
                    self.i += 1
                elif self.i == before:
                    raise ValueError("not a list")
            self.i += 1
        elif c == "{":
            self.i += 1
            while True:
                self.blank(newlines=False)
                if self.peek() in ("}", ""):
                    break
                self.pair(path)
                self.blank(newlines=False)
                if self.peek() == ",":
                    self.i += 1
            self.i += 1
        else:  # a number, boolean or date: up to what ends a value
            mt = _SCALAR.match(self.s, self.i)
            self.i = start + len(mt.group().rstrip(" \t")) if mt else len(self.s)
        self.places.values.setdefault(path, self.span(start, self.i))


def toml_places(text: str) -> TomlPlaces:
    """Where the keys and values of ``text`` (valid TOML) are written; what cannot be read is left out."""
    scanner = _Scanner(text)
    try:
        return scanner.run()
    except (ValueError, IndexError):  # not expected for valid TOML: keep what was found
        return scanner.places


# ---------------------------------------------------------------- reading the settings
def read_config(cfg: Path | None) -> tuple[m.ProjectConfig, list[Diagnostic]]:
    """The settings of the ``qingdan.toml`` at ``cfg`` (defaults when there is none)."""
    config, diags, _ = load_config(cfg)
    return config, diags


def load_config(cfg: Path | None) -> tuple[m.ProjectConfig, list[Diagnostic], str | None]:
    """The settings of the ``qingdan.toml`` at ``cfg``, the problems with them, and its text (None when unreadable)."""
    if cfg is None:
        return m.ProjectConfig(), [], None
    data = read_project_bytes(cfg, CONFIG_NAME, lambda zh, en: diag("config-error", f"qingdan.toml：{zh}", f"qingdan.toml: {en}", _config_loc()))
    if isinstance(data, Diagnostic):  # a link out of the project, a pipe or device, too large, unreadable
        return m.ProjectConfig(), [data], None
    config, diags = read_config_text(data)
    return config, diags, data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace").replace("\r\n", "\n")


def _decode_error_loc(data: bytes, e: UnicodeDecodeError) -> Loc:
    before = data[:e.start].decode("utf-8", "replace")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    return _config_loc(line, col)


def _toml_error_loc(raw: str, e: tomllib.TOMLDecodeError) -> Loc:
    mt = re.search(r"at line (\d+), column (\d+)", str(e))
    if mt:
        return _config_loc(int(mt.group(1)), int(mt.group(2)))
    lines = raw.split("\n")  # "at end of document"
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return _config_loc(len(lines), len(lines[-1]) + 1)


def site_url_problem(value: Any) -> bool:
    """True unless ``value`` is an http(s) address a page path can be appended to."""
    if not isinstance(value, str) or not value or any(c.isspace() or ord(c) < 32 for c in value):
        return True
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  # raises ValueError on a bad port
    except ValueError:
        return True
    return parts.scheme not in ("http", "https") or not parts.hostname or bool(parts.query or parts.fragment)


def read_config_text(content: str | bytes) -> tuple[m.ProjectConfig, list[Diagnostic]]:
    """The settings written in ``content`` (the text of a ``qingdan.toml``), each bad key a located error."""
    reader = _Reader()
    if isinstance(content, bytes):
        if content.startswith(b"\xef\xbb\xbf"):
            content = content[3:]
        try:
            raw = content.decode("utf-8")
        except UnicodeDecodeError as e:
            reader.err("qingdan.toml 不是 UTF-8 编码：请用 UTF-8 保存", "qingdan.toml is not UTF-8: save it as UTF-8", _decode_error_loc(content, e))
            return m.ProjectConfig(), reader.diags
    else:
        raw = content
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        reader.err(f"qingdan.toml 不是有效的 TOML：{e}", f"qingdan.toml is not valid TOML: {e}", _toml_error_loc(raw, e))
        return m.ProjectConfig(), reader.diags
    reader.at = toml_places(raw)
    reader.read(data)
    try:
        return m.ProjectConfig(**reader.out), reader.diags
    except Exception as e:  # pydantic validation of values we could not foresee
        reader.err(f"qingdan.toml 的值不正确：{e}", f"invalid value in qingdan.toml: {e}", _config_loc())
        return m.ProjectConfig(), reader.diags


@dataclass
class _Reader:
    """Validates the parsed settings key by key into ``out`` (the fields of ``ProjectConfig``), errors into ``diags``."""

    at: TomlPlaces = field(default_factory=TomlPlaces)
    out: dict[str, Any] = field(default_factory=dict)
    diags: list[Diagnostic] = field(default_factory=list)

    def err(self, zh: str, en: str, loc: Loc, suggestion: str | None = None) -> None:
        self.diags.append(diag("config-error", zh, en, loc, did_you_mean=suggestion))

    def read(self, data: dict[str, Any]) -> None:
        at = self.at
        for section, value in data.items():
            if section not in _CONFIG_KEYS:
                s = did_you_mean(section, _CONFIG_KEYS)
                self.err(f"未知的配置节 [{section}]", f"unknown section [{section}]", at.key(section), s)
                continue
            if not isinstance(value, dict):
                self.err(f"[{section}] 应为一个配置节", f"[{section}] must be a table", at.key(section))
                continue
            allowed = _CONFIG_KEYS[section] or set()
            for key, v in value.items():
                if section == "checks":
                    self.check_setting(key, v)
                elif section == "targets":
                    self.target(key, v)
                elif key not in allowed:
                    s = did_you_mean(key, allowed)
                    self.err(f"[{section}] 中没有“{key}”", f"[{section}] has no key '{key}'", at.key(section, key), s)
                elif section == "project":
                    self.project_setting(key, v)
                elif section == "materials":
                    self.synonyms(v)
                elif section == "calendar":
                    self.holidays(v)
        if self.out.get("targets") and "targets_baseline" not in self.out:
            self.err("[targets] 缺少 baseline：写明目标以哪个版本为基准，如 baseline = \"v2025.1\"",
                     "[targets] has no baseline: name the version the targets are measured against, e.g. baseline = \"v2025.1\"",
                     at.key("targets"))

    def project_setting(self, key: str, v: Any) -> None:
        here = self.at.value("project", key)
        if key == "site-url":
            if site_url_problem(v):
                self.err(f"site-url 应为审查网站发布的网址，以 http:// 或 https:// 开头，如 \"{SITE_URL_EXAMPLE}\"；检查报告据此链接每条规则的说明页",
                         f"site-url must be the web address where the reviewers' site is published, starting with http:// or https://, "
                         f"e.g. \"{SITE_URL_EXAMPLE}\"; the check reports link each rule to its page there", here)
            else:
                self.out["site_url"] = v.rstrip("/")
            return
        if key == "level":
            canon = lookup(ENUMS["level"], str(v))
            if canon is None:
                self.err(f"level“{v}”不是有效层级（省、市、县、乡）", f"level '{v}' is not a level (province, city, county, township)", here)
                return
            v = canon
        if key == "date":  # the publication date and the default as-of date (effective.py)
            try:
                v = v.isoformat() if type(v) is date else date.fromisoformat(str(v)).isoformat()
            except ValueError:
                self.err(f"date“{v}”不是日期：请写成 \"2026-11-01\"；它是发布日期，也是判断哪些规定现行有效的日期",
                         f"date '{v}' is not a date: write it as \"2026-11-01\"; it is the publication date and the date "
                         f"whose rules are in force", here)
                return
        if key == "lang" and v not in ("zh", "en"):
            self.err("lang 应为 zh 或 en", "lang must be zh or en", here)
            return
        self.out[key] = str(v)

    def check_setting(self, key: str, v: Any) -> None:
        """One key of ``[checks]``: ``code-pattern``, or a rule (by name or code) and its severity."""
        if key == "code-pattern":
            here = self.at.value("checks", key)
            if not isinstance(v, str):
                self.err("code-pattern 应为一个用引号括起的正则表达式，如 \"^[0-9A-Z]{6,40}$\"",
                         "code-pattern must be a regular expression in quotes, e.g. \"^[0-9A-Z]{6,40}$\"", here)
                return
            try:
                user_pattern(v)
            except PatternError as e:
                self.err(f"code-pattern 不是可用的正则表达式（{e}）：qingdan 用 RE2 匹配编码，匹配时间与编码长度成正比；"
                         "RE2 不支持回溯引用（如 \\1）和环视（如 (?=…)、(?!…)），重复次数最多 1000",
                         f"code-pattern is not a usable regular expression ({e}): qingdan matches codes with RE2, which always takes linear time; "
                         "RE2 has no backreferences (such as \\1) and no look-around (such as (?=…) or (?!…)), and repeats at most 1000 times", here)
                return
            self.out["code_pattern"] = v
            return
        rule = rule_of(key)
        if rule is None:
            s = did_you_mean(key, RULES)
            self.err(f"未知的检查规则“{key}”", f"unknown check rule '{key}'", self.at.key("checks", key), s)
            return
        if v not in ("error", "warning", "info", "off"):
            self.err(f"规则“{key}”的级别应为 error、warning、info 或 off", f"the severity of '{key}' must be error, warning, info or off",
                     self.at.value("checks", key))
            return
        self.out.setdefault("severities", {})[rule] = v

    def target(self, key: str, v: Any) -> None:
        """One key of ``[targets]``: ``baseline``, or an indicator and its threshold."""
        if key == "baseline":
            if not isinstance(v, str) or not v.strip() or v.startswith("-") or any(ord(c) < 32 for c in v):
                self.err("[targets] baseline 应为目标的基准版本：一个 git 版本（如标签 \"v2025.1\"）或一个目录",
                         "[targets] baseline must be the version the targets are measured against: a git revision "
                         "(such as the tag \"v2025.1\") or a directory", self.at.value("targets", key))
                return
            self.out["targets_baseline"] = v.strip()
            self.out["targets_baseline_loc"] = self.at.value("targets", key)
            return
        indicator = indicator_named(key)
        if indicator is None:
            s = did_you_mean(key, indicator_words())
            self.err(f"[targets] 中的“{key}”不是改革指标：指标名称见 docs/indicators.md，如 \"材料减少率\"、\"不见面审批占比\"",
                     f"'{key}' in [targets] is not a reform indicator: docs/indicators.md lists them, "
                     f"such as \"materials-cut\" or \"no-meeting-share\"", self.at.key("targets", key), s)
            return
        parsed = parse_threshold(v) if isinstance(v, str) else None
        if parsed is None:
            self.err(f"指标“{key}”的目标应写成比较符和数字，用引号括起，如 \">= 0.70\"、\">= 70%\" 或 \"<= 0.5\"",
                     f"the target of '{key}' must be a comparison and a number in quotes, such as \">= 0.70\", \">= 70%\" or \"<= 0.5\"",
                     self.at.value("targets", key))
            return
        op, threshold = parsed
        self.out.setdefault("targets", []).append(Target(indicator=indicator.key, op=op, threshold=threshold, written=v,
                                                          loc=self.at.key("targets", key)))

    def synonyms(self, v: Any) -> None:
        shape_zh, shape_en = "[materials] synonyms 应为 名称 = [同义词, …]", "[materials] synonyms must map a name to a list of synonyms"
        if not isinstance(v, dict):
            self.err(shape_zh, shape_en, self.at.value("materials", "synonyms"))
            return
        out = self.out.setdefault("synonyms", {})
        for name, xs in v.items():
            if not isinstance(xs, list):
                self.err(f"{shape_zh}：“{name}”的同义词应写在方括号里", f"{shape_en}: write the synonyms of '{name}' in square brackets",
                         self.at.value("materials", "synonyms", name))
                continue
            out[str(name)] = [str(x) for x in xs]

    def holidays(self, v: Any) -> None:
        if not isinstance(v, list):
            self.err("[calendar] holidays 应为日期列表，如 [\"2026-10-01\"]", "[calendar] holidays must be a list of dates, e.g. [\"2026-10-01\"]",
                     self.at.value("calendar", "holidays"))
            return
        days = []
        for i, x in enumerate(v):
            try:
                days.append(x if type(x) is date else date.fromisoformat(str(x)))
            except (TypeError, ValueError):
                self.err(f"[calendar] holidays 中的“{x}”不是日期：日期写作 \"2026-10-01\"",
                         f"'{x}' in [calendar] holidays is not a date: write dates as \"2026-10-01\"", self.at.value("calendar", "holidays", i))
        self.out["holidays"] = sorted(days)
