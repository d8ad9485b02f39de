"""The import report: what was read, what was skipped or left out, row by row.

Text (Chinese by default, English with ``lang="en"``) for people, JSON for tools.
Both list every problem with its line (JSON Lines, CSV) or row (workbook) number, the
field and value concerned and what the importer did about it, then where every source
field or column went, so a reviewer can see that nothing was dropped silently.
"""

from __future__ import annotations

import json

from ..compiler.text import one_line, say
from .records import ACTIONS, ImportResult, Problem

REPORT_FORMAT = "1.1"  # 1.1: "column" in every problem (a table cell's letters, or null)


def _where(p: Problem, lang: str) -> str:
    if p.line == 0:
        return say(lang, "整个文件", "whole file")
    if lang == "zh":
        return (f"工作表“{p.sheet}” " if p.sheet else "") + f"第 {p.line} 行" + (f" {p.column} 列" if p.column else "")
    where = f"sheet '{p.sheet}' row {p.line}" if p.sheet else f"row {p.line}" if p.column else f"line {p.line}"
    return where + (f", column {p.column}" if p.column else "")


def summary(result: ImportResult) -> dict[str, int]:
    """The counts of the summary line, by name (also the JSON report's ``summary``)."""
    return {
        "records_read": result.records_read,
        "records_skipped": result.records_skipped,
        "departments": len(result.departments),
        "powers": len(result.powers),
        "responsibilities": len(result.responsibilities),
        "negatives": len(result.negatives),
        "matters": len(result.matters),
        "problems": len(result.problems),
    }


def summary_line(result: ImportResult, lang: str) -> str:
    """One sentence: records read and skipped, what was imported, how many problems to review."""
    s = summary(result)
    if lang == "zh":
        return (f"读取 {s['records_read']} 条记录，跳过 {s['records_skipped']} 条；导入部门 {s['departments']} 个、权力 {s['powers']} 项、"
                f"责任 {s['responsibilities']} 项、负面清单 {s['negatives']} 项、事项 {s['matters']} 项；需要核对的问题 {s['problems']} 个")
    return (f"read {s['records_read']} records, skipped {s['records_skipped']}; imported {s['departments']} departments, {s['powers']} powers, "
            f"{s['responsibilities']} responsibilities, {s['negatives']} negative-list entries, {s['matters']} matters; {s['problems']} problems to review")


def problem_line(p: Problem, lang: str) -> str:
    """One problem on one line: where, the record, the code, the message, the field and value, what was done.
    A message quotes the cell as written, so a line break or control character in it is shown as an escape
    (a raw one could start a line that passes for a finding or a CI command such as ``::error``)."""
    record = f" {p.record}" if p.record else ""
    if lang == "zh":
        what = f"（{p.field}" + (f"=“{p.value}”" if p.value else "") + "）" if p.field else ""
        return one_line(f"{_where(p, lang)}{record}：[{p.code}] {p.message.zh}{what}——{ACTIONS[p.action].zh}")
    what = f" ({p.field}" + (f"={p.value!r}" if p.value else "") + ")" if p.field else ""
    return one_line(f"{_where(p, lang)}{record}: [{p.code}] {p.message.en}{what} - {ACTIONS[p.action].en}")


def report_text(result: ImportResult, lang: str = "zh", files: list[str] | None = None) -> str:
    """The report for people: summary, problems row by row, where each field went, the files written."""
    problems = sorted(result.problems, key=Problem.sort_key)
    lines = [say(lang, "导入报告：", "Import report: ") + result.source, summary_line(result, lang), ""]
    lines.append(say(lang, f"逐行问题（共 {len(problems)} 个）：", f"Problems, row by row ({len(problems)}):"))
    if not problems:
        lines.append(say(lang, "  无", "  none"))
    lines += ["  " + problem_line(p, lang) for p in problems]
    lines.append("")
    lines.append(say(lang, "字段去向：", "Where each source field went:"))
    for f, dest in result.field_use.items():
        lines.append(f"  {f} → {dest}" if dest else f"  {f}")
    if files:
        lines += ["", say(lang, "生成的文件：", "Files written:")]
        lines += [f"  {f}" for f in sorted(files)]
    return "\n".join(lines) + "\n"


def report_json(result: ImportResult, files: list[str] | None = None) -> str:
    """The report for tools (``format_version`` 1.1): the same content, both languages in every problem."""
    doc = {
        "format": "qingdan-import-report",
        "format_version": REPORT_FORMAT,
        "source": result.source,
        "kind": result.kind,
        "summary": summary(result),
        "problems": [
            {
                "line": p.line,
                "sheet": p.sheet or None,
                "column": p.column or None,
                "code": p.code,
                "record": p.record or None,
                "field": p.field or None,
                "value": p.value or None,
                "message_zh": p.message.zh,
                "message_en": p.message.en,
                "action": p.action,
                "action_zh": ACTIONS[p.action].zh,
                "action_en": ACTIONS[p.action].en,
            }
            for p in sorted(result.problems, key=Problem.sort_key)
        ],
        "fields": result.field_use,
        "files": sorted(files or []),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
