"""Render diagnostics: text (with the source line underlined), JSON, SARIF, GitHub, JUnit.

The JSON form carries ``format_version`` and a ``rules`` section; its schema is
published as ``qingdan/schemas/diagnostics.schema.json``.

Links to a rule's documentation lead to its page on the project's published site
(``[project] site-url`` in qingdan.toml, see ``rule_docs_url``); without one, no link is
written. GitHub annotations and SARIF name files relative to the directory qingdan runs
in (``base`` is the project's directory seen from there), since that is where GitHub
looks for them: the root of the checked-out repository.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from .. import __version__
from .diagnostics import RULES, Diagnostic, Loc, Rule, Severity
from .rule_docs import explanation, rule_markdown
from .text import one_line, xml_text

FORMAT_VERSION = "1.0"
SCHEMA_ID = "urn:qingdan:schemas:diagnostics-1.0"

_SEV_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


SHOWN_CHARS = 160  # of a longer source line, this much around the finding is shown


class _Lines:
    """A file's lines, indexed once (a report of thousands of findings does not split the file each time)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line(self, n: int) -> str | None:
        if not 1 <= n <= len(self.starts):
            return None
        end = self.starts[n] - 1 if n < len(self.starts) else len(self.text)
        return self.text[self.starts[n - 1]:end]


def _source_line(indexes: dict[str, _Lines], files: dict, d: Diagnostic) -> list[str]:
    """The finding's source line with a caret underline; a long line is cut around the finding."""
    if d.loc is None or d.loc.file not in files:
        return []
    if d.loc.file not in indexes:
        indexes[d.loc.file] = _Lines(files[d.loc.file].text)
    line = indexes[d.loc.file].line(d.loc.line)
    if line is None:
        return []
    start = min(max(d.loc.col - 1, 0), len(line))
    end = d.loc.end_col - 1 if d.loc.end_line == d.loc.line else len(line)
    end = max(end, start + 1)
    lead = tail = ""
    if len(line) > SHOWN_CHARS:
        lo = max(0, start - SHOWN_CHARS // 3)
        hi = min(len(line), lo + SHOWN_CHARS)
        lead, tail = ("…" if lo > 0 else ""), ("…" if hi < len(line) else "")
        line, start, end = line[lo:hi], start - lo, min(end, hi) - lo
    line = line.replace("\t", " ")
    before, marked = one_line(lead + line[:start]), one_line(line[start:end])
    shown = before + marked + one_line(line[end:]) + tail
    gutter = f"{d.loc.line:>5} | "
    pad = " " * (len(gutter) - 2) + "| "
    under = " " * _width(before) + "^" * max(1, _width(marked))
    return [gutter + shown, pad + under]


def render_text(diags: list[Diagnostic], files: dict, lang: str = "zh", summary: bool = True) -> str:
    out: list[str] = []
    indexes: dict[str, _Lines] = {}
    for d in diags:
        if d.waived:
            continue
        sev = _SEV_ZH[d.severity.value] if lang == "zh" else d.severity.value
        where = one_line(f"{d.loc.file}:{d.loc.line}:{d.loc.col}") if d.loc else "qingdan"
        out.append(f"{where}: {sev}[{d.code} {d.rule}] {one_line(d.message(lang))}")
        out.extend(_source_line(indexes, files, d))
        for r in d.related:
            out.append(f"    {'参见' if lang == 'zh' else 'see'} {one_line(f'{r.loc.file}:{r.loc.line}:{r.loc.col}')}: {one_line(r.message(lang))}")
        out.append("")
    if summary:
        out.append(summary_line(diags, lang))
    return "\n".join(out) + "\n"


def summary_line(diags: list[Diagnostic], lang: str = "zh") -> str:
    """One line: how many errors, warnings and notes are left, and how many findings are waived."""
    counts = {s: sum(1 for d in diags if d.severity.value == s and not d.waived) for s in ("error", "warning", "info")}
    waived = sum(1 for d in diags if d.waived)
    if lang == "zh":
        line = f"共 {counts['error']} 个错误，{counts['warning']} 个警告，{counts['info']} 个提示"
        return line + (f"，{waived} 个已豁免" if waived else "")
    line = f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
    return line + (f", {waived} waived" if waived else "")


def _loc_json(loc) -> dict | None:
    if loc is None:
        return None
    return {"file": loc.file, "line": loc.line, "column": loc.col, "end_line": loc.end_line, "end_column": loc.end_col}


# The reviewers' site (qingdan/generators/site) writes one page per rule at
# docs/checks/rules/<rule>.md, served as checks/rules/<rule>/ (mkdocs directory URLs).
RULE_PAGE = "checks/rules/{name}/"
RULE_INDEX = "checks/"  # docs/checks/index.md: every rule with the project's severity


def rule_docs_url(rule: Rule, site_url: str | None) -> str | None:
    """The page of ``rule`` on the project's published site, or None when no site is configured."""
    if not site_url:
        return None
    return f"{site_url.rstrip('/')}/{RULE_PAGE.format(name=quote(rule.name))}"


def _with_docs(item: dict[str, Any], url: str | None) -> dict[str, Any]:
    if url is not None:
        item["docs"] = url
    return item


def rules_json(lang: str = "zh", site_url: str | None = None) -> list[dict]:
    return [
        _with_docs({
            "name": r.name,
            "code": r.code,
            "default_severity": r.severity.value,
            "summary": r.summary(lang),
        }, rule_docs_url(r, site_url))
        for r in sorted(RULES.values(), key=lambda r: r.code)
    ]


def render_json(diags: list[Diagnostic], lang: str = "zh", project: str = "", site_url: str | None = None) -> str:
    items = []
    for d in diags:
        items.append(_with_docs(
            {
                "rule": d.rule,
                "code": d.code,
                "severity": d.severity.value,
                "message": d.message(lang),
                "message_zh": d.message_zh,
                "message_en": d.message_en,
                "location": _loc_json(d.loc),
                "related": [{"location": _loc_json(r.loc), "message": r.message(lang)} for r in d.related],
                "suggestion": d.suggestion,
                "waived": d.waived is not None,
                "waiver_reason": d.waived,
            },
            rule_docs_url(RULES[d.rule], site_url),
        ))
    doc = {
        "$schema": SCHEMA_ID,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "qingdan", "version": __version__},
        "project": project,
        "summary": {
            "errors": sum(1 for d in diags if d.severity == Severity.error and not d.waived),
            "warnings": sum(1 for d in diags if d.severity == Severity.warning and not d.waived),
            "infos": sum(1 for d in diags if d.severity == Severity.info and not d.waived),
            "waived": sum(1 for d in diags if d.waived),
        },
        "diagnostics": items,
        "waivers": [
            {"rule": d.rule, "reason": d.waived, "location": _loc_json(d.loc)} for d in diags if d.waived
        ],
        "rules": rules_json(lang, site_url),
    }
    return dumps_readable(doc, flat_from=2) + "\n"  # one finding, waiver or rule per line


def dumps_readable(value, flat_from: int, depth: int = 0, indent: str = "") -> str:
    """JSON indented by two spaces down to depth ``flat_from``; deeper values take one line each.

    One finding per line reads well and diffs well, and it lets the C encoder do the bulk
    of the work: ``indent`` makes the json module use its pure-Python encoder, which took
    3.7 s for the report of 10,000 matters.
    """
    if depth >= flat_from or not isinstance(value, dict | list) or not value:
        return json.dumps(value, ensure_ascii=False)
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps_readable(v, flat_from, depth + 1, inner)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    items = [inner + dumps_readable(v, flat_from, depth + 1, inner) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + indent + "]"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"  # the directory qingdan ran in: the repository root in CI
_ABSOLUTE = re.compile(r"/|[A-Za-z]:/")


def artifact_location(path: str, base: str = "") -> dict[str, str]:
    """A SARIF ``artifactLocation`` for ``path`` (relative to the project): a percent-encoded URI relative to the
    working directory, or an absolute file URI (which takes no base) for a project outside it."""
    full = join_base(base, path)
    if _ABSOLUTE.match(full):
        return {"uri": "file://" + ("" if full.startswith("/") else "/") + quote(full, safe="/:")}
    return {"uri": quote(full, safe="/"), "uriBaseId": SRCROOT}


def join_base(base: str, path: str) -> str:
    """``path`` (relative to the project) seen from the working directory, where the project is ``base``."""
    return f"{base.rstrip('/')}/{path}" if base else path


def _sarif_region(loc: Loc) -> dict[str, int]:
    return {"startLine": loc.line, "startColumn": loc.col, "endLine": loc.end_line, "endColumn": max(loc.end_col, 1)}


def _sarif_location(loc: Loc, base: str, message: str | None = None, ident: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact_location(loc.file, base), "region": _sarif_region(loc)}}
    if message is not None:
        out["message"] = {"text": message}
    if ident is not None:
        out["id"] = ident
    return out


def rule_help_text(rule: Rule, lang: str = "zh") -> str:
    """The plain-text help of ``rule`` (SARIF ``help.text``): the markdown page without markup."""
    lines = [f"{rule.code} {rule.name}: {rule.summary_zh} / {rule.summary_en}", ""]
    text = explanation(rule, lang)
    if text:
        lines += [text.replace("`", ""), ""]
    for title, example in (("错误示例 Bad", rule.bad), ("正确示例 Good", rule.good)):
        if example:
            lines += [f"{title}:", *("    " + x for x in example.rstrip("\n").split("\n")), ""]
    lines += [f"豁免 Waiver: # 豁免 {rule.name}: 理由  (# waive {rule.name}: reason; the code {rule.code} may stand for the name)"]
    return "\n".join(lines)


def _sarif_rule(r: Rule, lang: str, site_url: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary(lang)},
        "fullDescription": {"text": explanation(r, lang) or r.summary(lang)},
        "help": {"text": rule_help_text(r, lang), "markdown": rule_markdown(r, lang)},
        "defaultConfiguration": {"level": _SARIF_LEVEL.get(r.severity.value, "none")},
    }
    url = rule_docs_url(r, site_url)
    if url is not None:
        out["helpUri"] = url
    return out


def _sarif_driver(rules: list[Rule], lang: str, site_url: str | None) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": "qingdan", "version": __version__}
    if site_url:  # the published site's index of every check, with this project's severities
        driver["informationUri"] = f"{site_url.rstrip('/')}/{RULE_INDEX}"
    driver["rules"] = [_sarif_rule(r, lang, site_url) for r in rules]
    return driver


def render_sarif(diags: list[Diagnostic], lang: str = "zh", site_url: str | None = None, base: str = "") -> str:
    rules = sorted(RULES.values(), key=lambda r: r.code)
    index = {r.name: i for i, r in enumerate(rules)}
    results = []
    for d in diags:
        res = {
            "ruleId": d.code,
            "ruleIndex": index[d.rule],
            "level": _SARIF_LEVEL[d.severity.value],
            "message": {"text": d.message(lang)},
            "locations": [_sarif_location(d.loc, base)] if d.loc else [],
        }
        if d.related:
            res["relatedLocations"] = [_sarif_location(r.loc, base, r.message(lang), i) for i, r in enumerate(d.related)]
        if d.waived:
            res["suppressions"] = [{"kind": "inSource", "justification": d.waived}]
        results.append(res)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": _sarif_driver(rules, lang, site_url)},
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {SRCROOT: {"description": {"text": "the directory qingdan check ran in (in CI, the root of the repository)"}}},
                "results": results,
            }
        ],
    }
    return dumps_readable(doc, flat_from=4) + "\n"  # one result per line


def _gh_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_escape(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diags: list[Diagnostic], lang: str = "zh", base: str = "") -> str:
    out = []
    for d in diags:
        if d.waived:
            continue
        kind = {"error": "error", "warning": "warning", "info": "notice"}[d.severity.value]
        props = [f"title={_gh_prop(f'{d.code} {d.rule}')}"]
        if d.loc:
            props = [
                f"file={_gh_prop(join_base(base, d.loc.file))}",
                f"line={d.loc.line}",
                f"col={d.loc.col}",
                f"endLine={d.loc.end_line}",
                f"endColumn={d.loc.end_col}",
            ] + props
        out.append(f"::{kind} {','.join(props)}::{_gh_escape(d.message(lang))}")
    return "\n".join(out) + ("\n" if out else "")


def render_junit(diags: list[Diagnostic], files: dict, lang: str = "zh") -> str:
    """One test case per rule file; a file with errors fails, warnings go to system-out."""
    by_file: dict[str, list[Diagnostic]] = {f: [] for f in sorted(files)}
    for d in diags:
        if d.waived:
            continue
        by_file.setdefault(d.loc.file if d.loc else "qingdan.toml", []).append(d)
    cases = []
    failures = 0
    for f in sorted(by_file):
        ds = by_file[f]
        errors = [d for d in ds if d.severity == Severity.error]
        body = ""
        if errors:
            failures += 1
            text = "\n".join(f"{d.loc.line}:{d.loc.col} [{d.code} {d.rule}] {d.message(lang)}" for d in errors if d.loc)
            body += f"<failure message={quoteattr(f'{len(errors)} error(s)')} type=\"qingdan\">{escape(xml_text(text))}</failure>"
        others = [d for d in ds if d.severity != Severity.error]
        if others:
            text = "\n".join(f"{d.loc.line}:{d.loc.col} {d.severity.value} [{d.code} {d.rule}] {d.message(lang)}" for d in others if d.loc)
            body += f"<system-out>{escape(xml_text(text))}</system-out>"
        cases.append(f'  <testcase classname="qingdan.check" name={quoteattr(xml_text(f))}>{body}</testcase>')
    head = f'<testsuite name="qingdan check" tests="{len(cases)}" failures="{failures}" errors="0">'
    return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n' + head + "\n" + "\n".join(cases) + "\n</testsuite>\n</testsuites>\n"


FORMATS = ("text", "json", "sarif", "github", "junit")


def render(fmt: str, diags: list[Diagnostic], files: dict, lang: str = "zh", project: str = "", *,
           site_url: str | None = None, base: str = "") -> str:
    """The report in ``fmt``. ``site_url``: the project's published site, for links to the rules' pages;
    ``base``: the project's directory relative to the working directory (``""``: the same), for GitHub and SARIF."""
    if fmt == "json":
        return render_json(diags, lang, project, site_url)
    if fmt == "sarif":
        return render_sarif(diags, lang, site_url, base)
    if fmt == "github":
        return render_github(diags, lang, base)
    if fmt == "junit":
        return render_junit(diags, files, lang)
    return render_text(diags, files, lang)
