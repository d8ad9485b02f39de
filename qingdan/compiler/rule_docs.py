"""Rule documentation as Markdown: used by `qingdan explain`, the docs site and the catalog site."""

from __future__ import annotations

from .diagnostics import Rule


def rule_markdown(rule: Rule, lang: str = "zh") -> str:
    sev = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info", "off": "off"}[rule.severity.value]
    lines = [
        f"# {rule.name} ({rule.code})",
        "",
        f"**{rule.summary_zh}** — {rule.summary_en}",
        "",
        f"- 代码 code: `{rule.code}`",
        f"- 默认级别 default severity: {sev}",
        f"- 分组 group: {rule.group}",
        "",
    ]
    if rule.explanation:
        lines += [rule.explanation, ""]
    if rule.bad:
        lines += ["## 错误示例 Bad", "", "```", rule.bad.rstrip("\n"), "```", ""]
    if rule.good:
        lines += ["## 正确示例 Good", "", "```", rule.good.rstrip("\n"), "```", ""]
    lines += [
        "## 豁免 Waiver",
        "",
        f"在问题所在行或上一行写 `# 豁免 {rule.name}: 理由`（英文 `# waive {rule.name}: reason`）。",
        "",
        f"Severity can be changed in qingdan.toml: `[checks] {rule.name} = \"warning\"`.",
        "",
    ]
    return "\n".join(lines)
