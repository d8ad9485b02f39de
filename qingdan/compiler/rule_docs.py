"""Rule documentation: the Markdown of each rule's page, and the project its examples run in.

Used by `qingdan explain`, the tool's docs (one page per rule) and the catalog site. Every
rule's bad and good example is written to compile inside ``example_sources``: the shared
declarations of ``EXAMPLE_PRELUDE`` (departments and a law the examples name) plus the
example itself, so that a test can run each bad example (it must trigger the rule) and each
good one (it must not).
"""

from __future__ import annotations

from .diagnostics import Rule
from .rule_text_zh import EXPLANATIONS_ZH

EXAMPLE_CONFIG = '[project]\nname = "示例"\nlevel = "市"\n'
EXAMPLE_PRELUDE = """\
部门 市场监管局 "市场监督管理局" { 层级: 市 }
部门 城管局 "城市管理局" { 层级: 市 }
部门 交通局 "交通运输局" { 层级: 市 }
部门 卫健委 "卫生健康委员会" { 层级: 市 }
法规 食品安全法 "中华人民共和国食品安全法" {
  类型: 法律
  条款 第三十五条 "国家对食品生产经营实行许可制度。"
}
"""
# Rules whose examples are not rule files: a configuration file, or bytes that are not text.
CONFIG_RULES = frozenset({"config-error"})
NOT_TEXT_RULES = frozenset({"unreadable-file"})
# Rules found by comparing with a baseline version (qingdan check --targets, qingdan diff), not by
# compiling one project: their examples are a qingdan.toml measured against TARGET_EXAMPLE_VERSIONS.
BASELINE_RULES = frozenset({"reform-target-missed"})
_TARGET_MATTER = """\
事项 餐饮许可 "餐饮服务许可" {{
  部门: 市场监管局
  依据: 食品安全法.第三十五条
  到场: 0 次
  渠道: 网上
  时限 {{ 法定: 20 工作日; 承诺: 10 工作日 }}
{materials}
}}
"""
_MATERIALS = ("申请书", "营业执照", "法定代表人身份证明", "场所证明", "设备布局图", "操作流程", "管理制度", "健康证明", "食品安全员证明", "消防证明")
# The versions the examples of BASELINE_RULES compare: 10 materials the applicant submits, then 6 (4 now fetched by sharing).
TARGET_EXAMPLE_VERSIONS = (
    _TARGET_MATTER.format(materials="\n".join(f'  材料 m{i} "{name}"' for i, name in enumerate(_MATERIALS))),
    _TARGET_MATTER.format(materials="\n".join(f'  材料 m{i} "{name}"' + (" { 来源: 签发(卫健委) }" if i >= 6 else "")
                                               for i, name in enumerate(_MATERIALS))),
)


def example_sources(rule: Rule, which: str) -> dict[str, str]:
    """The in-memory project in which ``rule``'s ``which`` ("bad" or "good") example runs."""
    example = rule.bad if which == "bad" else rule.good
    if rule.name in CONFIG_RULES:
        return {"qingdan.toml": example, "prelude.qd": EXAMPLE_PRELUDE}
    return {"qingdan.toml": EXAMPLE_CONFIG, "prelude.qd": EXAMPLE_PRELUDE, "example.qd": example}


def example_language(rule: Rule) -> str:
    """The language of ``rule``'s examples, as their Markdown fences name it (``qd`` is highlighted by qingdan's lexer)."""
    return "toml" if rule.name in CONFIG_RULES else "text" if rule.name in NOT_TEXT_RULES else "qd"


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示", "off": "关闭"}
GROUP_ZH = {"core": "语言与项目", "authority": "权责", "materials": "材料", "time": "时限", "identity": "编码与条件"}


def explanation(rule: Rule, lang: str = "zh") -> str:
    """What ``rule`` checks and why, in ``lang`` (the English text when a Chinese one is missing)."""
    if lang == "zh":
        return EXPLANATIONS_ZH.get(rule.name) or rule.explanation
    return rule.explanation


def rule_markdown(rule: Rule, lang: str = "zh") -> str:
    """The Markdown page of ``rule`` in ``lang``: summary, code, severity, explanation, examples and how to waive it."""
    zh = lang == "zh"
    sev = rule.severity.value
    lines = [
        f"# {rule.name} ({rule.code})",
        "",
        f"**{rule.summary_zh if zh else rule.summary_en}**",
        "",
        f"- 代码：`{rule.code}`" if zh else f"- code: `{rule.code}`",
        f"- 默认级别：{SEVERITY_ZH[sev]}（{sev}）" if zh else f"- default severity: {sev}",
        f"- 分组：{GROUP_ZH.get(rule.group, rule.group)}（{rule.group}）" if zh else f"- group: {rule.group}",
        "",
    ]
    text = explanation(rule, lang)
    if text:
        lines += [text, ""]
    fence = "```" + example_language(rule)
    if rule.bad:
        lines += ["## 错误示例" if zh else "## Bad example", "", fence, rule.bad.rstrip("\n"), "```", ""]
    if rule.good:
        lines += ["## 正确示例" if zh else "## Good example", "", fence, rule.good.rstrip("\n"), "```", ""]
    if rule.name not in CONFIG_RULES | NOT_TEXT_RULES | BASELINE_RULES and (rule.bad or rule.good):
        lines += ["示例中用到的部门和法规：" if zh else "The examples use these declarations:", "",
                  "```qd", EXAMPLE_PRELUDE.rstrip("\n"), "```", ""]
    if zh:
        lines += [
            "## 豁免",
            "",
            f"在问题所在行的行尾写 `# 豁免 {rule.name}: 理由`（也可写代码 `# 豁免 {rule.code}: 理由`），或把它单独写在上一行。",
            "",
            f"在 qingdan.toml 中可以改变这条规则的级别：`[checks] {rule.name} = \"warning\"`。",
            "",
        ]
    else:
        lines += [
            "## Waiver",
            "",
            f"Write `# waive {rule.name}: reason` at the end of the line of the finding (or the code: `# waive {rule.code}: reason`), "
            f"or on a line of its own just above it (in Chinese: `# 豁免 {rule.name}: 理由`).",
            "",
            f"Severity can be changed in qingdan.toml: `[checks] {rule.name} = \"warning\"`.",
            "",
        ]
    return "\n".join(lines)
