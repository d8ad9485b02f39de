"""``qingdan.toml``: the project's settings, validated key by key with located errors."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from ..dsl.keywords import ENUMS, lookup
from . import model as m
from .diagnostics import RULES, Diagnostic, Loc, diag, did_you_mean
from .sources import CONFIG_NAME


def _config_loc(line: int = 1) -> Loc:
    return Loc(file=CONFIG_NAME, line=line, col=1, end_line=line, end_col=2)


_CONFIG_KEYS: dict[str, set[str] | None] = {
    "project": {"name", "region", "level", "lang", "version", "date", "templates"},
    "checks": None,  # rule names, plus code-pattern
    "materials": {"synonyms"},
    "calendar": {"holidays"},
}


def read_config(cfg: Path | None) -> tuple[m.ProjectConfig, list[Diagnostic]]:
    """The settings of the ``qingdan.toml`` at ``cfg`` (defaults when there is none)."""
    if cfg is None:
        return m.ProjectConfig(), []
    try:
        data = cfg.read_bytes()
    except OSError as e:
        return m.ProjectConfig(), [diag("config-error", f"无法读取 qingdan.toml：{e.strerror or e}", f"cannot read qingdan.toml: {e.strerror or e}", _config_loc())]
    return read_config_text(data)


def read_config_text(content: str | bytes) -> tuple[m.ProjectConfig, list[Diagnostic]]:
    """The settings written in ``content`` (the text of a ``qingdan.toml``), each bad key a located error."""
    diags: list[Diagnostic] = []

    def err(zh: str, en: str, line: int = 1, suggestion: str | None = None) -> None:
        diags.append(diag("config-error", zh, en, _config_loc(line), did_you_mean=suggestion))

    try:
        raw = content.decode("utf-8") if isinstance(content, bytes) else content
        data = tomllib.loads(raw)
    except UnicodeDecodeError:
        err("qingdan.toml 不是 UTF-8 编码", "qingdan.toml is not UTF-8")
        return m.ProjectConfig(), diags
    except tomllib.TOMLDecodeError as e:
        match = re.search(r"line (\d+)", str(e))
        err(f"qingdan.toml 不是有效的 TOML：{e}", f"qingdan.toml is not valid TOML: {e}", int(match.group(1)) if match else 1)
        return m.ProjectConfig(), diags
    lines = raw.split("\n")

    def line_of(key: str) -> int:
        for i, ln in enumerate(lines, 1):
            if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", ln) or ln.strip() == f"[{key}]":
                return i
        return 1

    cfg_out: dict[str, Any] = {}
    for section, value in data.items():
        if section not in _CONFIG_KEYS:
            s = did_you_mean(section, _CONFIG_KEYS)
            err(f"未知的配置节 [{section}]", f"unknown section [{section}]", line_of(section), s)
            continue
        if not isinstance(value, dict):
            err(f"[{section}] 应为一个配置节", f"[{section}] must be a table", line_of(section))
            continue
        allowed = _CONFIG_KEYS[section] or set()
        for key, v in value.items():
            if section == "checks":
                if key == "code-pattern":
                    try:
                        re.compile(str(v))
                        cfg_out["code_pattern"] = str(v)
                    except re.error as e:
                        err(f"code-pattern 不是有效的正则表达式：{e}", f"code-pattern is not a valid regular expression: {e}", line_of(key))
                    continue
                if key not in RULES:
                    s = did_you_mean(key, RULES)
                    err(f"未知的检查规则“{key}”", f"unknown check rule '{key}'", line_of(key), s)
                    continue
                if v not in ("error", "warning", "info", "off"):
                    err(f"规则“{key}”的级别应为 error、warning、info 或 off", f"the severity of '{key}' must be error, warning, info or off", line_of(key))
                    continue
                cfg_out.setdefault("severities", {})[key] = v
                continue
            if key not in allowed:
                s = did_you_mean(key, allowed)
                err(f"[{section}] 中没有“{key}”", f"[{section}] has no key '{key}'", line_of(key), s)
                continue
            if section == "project":
                if key == "level":
                    canon = lookup(ENUMS["level"], str(v))
                    if canon is None:
                        err(f"level“{v}”不是有效层级（省、市、县、乡）", f"level '{v}' is not a level (province, city, county, township)", line_of(key))
                        continue
                    v = canon
                if key == "lang" and v not in ("zh", "en"):
                    err("lang 应为 zh 或 en", "lang must be zh or en", line_of(key))
                    continue
                cfg_out[key] = str(v)
            elif section == "materials":
                if not isinstance(v, dict) or not all(isinstance(x, list) for x in v.values()):
                    err("[materials] synonyms 应为 名称 = [同义词, …]", "[materials] synonyms must map a name to a list of synonyms", line_of(key))
                    continue
                cfg_out["synonyms"] = {str(k): [str(x) for x in xs] for k, xs in v.items()}
            elif section == "calendar":
                try:
                    cfg_out["holidays"] = sorted(date.fromisoformat(str(x)) for x in v)
                except (TypeError, ValueError):
                    err("[calendar] holidays 应为日期列表，如 [\"2026-10-01\"]", "[calendar] holidays must be a list of dates", line_of(key))
    try:
        return m.ProjectConfig(**cfg_out), diags
    except Exception as e:  # pydantic validation of values we could not foresee
        err(f"qingdan.toml 的值不正确：{e}", f"invalid value in qingdan.toml: {e}")
        return m.ProjectConfig(), diags


